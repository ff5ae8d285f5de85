/* fuzz_lambda_line.c: libFuzzer target of one Lambda log message: platform lines, runtime prefixes, JSON records. */
#include "fuzz.h"
#include "fetch/lambda_log.h"

/* Every slice of a parsed line points into the message or into the decode buffer. */
static void check_slice(struct gr_str v, const char *s, size_t n, const struct gr_buf *dec,
			const char *what)
{
	if (!v.p) {
		FUZZ_CHECK(v.n == 0, what);
		return;
	}
	bool in_msg = v.p >= s && v.p + v.n <= s + n;
	bool in_dec = dec && dec->data && v.p >= dec->data && v.p + v.n <= dec->data + dec->len;
	if (!in_msg && !in_dec)
		fprintf(stderr, "slice %s out of bounds\n", what);
	FUZZ_CHECK(in_msg || in_dec, "slice outside the message and the decode buffer");
}

static volatile unsigned touched; /* where fuzz_touch puts what it reads */

/* Read every byte of p[0..n) (out-of-bounds reads are ASan reports). */
static void fuzz_touch(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		touched += (unsigned char)p[i];
}

static void check_line(const struct gr_lambda_line *l, const char *s, size_t n,
		       const struct gr_buf *dec)
{
	FUZZ_CHECK(l->kind >= GR_LINE_APP && l->kind <= GR_LINE_BAD, "line kind out of range");
	FUZZ_CHECK(l->status >= GR_STATUS_NONE && l->status <= GR_STATUS_TIMEOUT,
		   "status out of range");
	FUZZ_CHECK(l->sampled >= -1 && l->sampled <= 1, "sampled out of range");
	check_slice(l->req, s, n, dec, "req");
	check_slice(l->level, s, n, dec, "level");
	check_slice(l->msg, s, n, dec, "msg");
	check_slice(l->version, s, n, dec, "version");
	check_slice(l->runtime, s, n, dec, "runtime");
	check_slice(l->fn, s, n, dec, "fn");
	check_slice(l->phase, s, n, dec, "phase");
	check_slice(l->error_type, s, n, dec, "error_type");
	check_slice(l->trace, s, n, dec, "trace");
	check_slice(l->segment, s, n, dec, "segment");
	/* bad and detail: text of the line (NUL bytes and all), or a static explanation
	 * ("Invoke Error"); either way readable to its end, which ASan checks */
	fuzz_touch(l->bad.p, l->bad.n);
	fuzz_touch(l->detail.p, l->detail.n);
	if (l->kind == GR_LINE_START || l->kind == GR_LINE_END || l->kind == GR_LINE_REPORT)
		FUZZ_CHECK(l->req.n == 0 || gr_is_request_id(l->req.p, l->req.n),
			   "platform line with an implausible request id");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	/* an exact copy: reads past the end of the message are caught by ASan */
	char *s = malloc(n ? n : 1);
	struct gr_lambda_line l;
	struct gr_buf dec = GR_BUF_INIT;

	FUZZ_CHECK(s, "out of memory");
	memcpy(s, data, n);
	gr_lambda_parse_text(s, n, &l);
	check_line(&l, s, n, NULL);
	if (gr_lambda_parse_json(s, n, &dec, &l))
		check_line(&l, s, n, &dec);
	const char *m = gr_marker_find(s, n);
	if (m) {
		FUZZ_CHECK(m >= s && m < s + n && *m == '{', "marker not at a brace in the line");
		const char *t = m;
		while (t > s && (t[-1] == ' ' || t[-1] == '\t'))
			t--; /* blanks may sit between the tag and the brace */
		FUZZ_CHECK(m - t >= 1 && t - s >= 8 && !memcmp(t - 8, "GAMMARAY", 8),
			   "marker without its tag");
	}
	gr_is_request_id(s, n);
	gr_buf_release(&dec);
	free(s);
	return 0;
}
