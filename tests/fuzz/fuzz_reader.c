/* fuzz_reader.c: libFuzzer target of the decompressing reader: gzip/zlib layers, lines, JSON values, limits. */
#include "fuzz.h"
#include "common/json_scan.h"
#include "common/reader.h"

/* Limits from the input's size, so that one corpus reaches both the small limits
 * (hit often) and the defaults (never hit): the fuzzer varies sizes anyway. */
static void limits(size_t n, size_t *max_line, size_t *max_doc, int *max_depth)
{
	*max_line = n % 3 == 0 ? 0 : 1 + n % 257;
	*max_doc = n % 5 == 0 ? 0 : 1 + n % 1031;
	*max_depth = n % 7 == 0 ? 0 : 1 + (int)(n % 13);
}

static void lines(const uint8_t *data, size_t n)
{
	struct gr_reader r;
	const char *line, *p;
	size_t len, ml, md, pn;
	int depth, rc;
	uint64_t last_off = 0, last_line = 0;

	limits(n, &ml, &md, &depth);
	gr_reader_open_mem(&r, "fuzz", data, n);
	gr_reader_limits(&r, ml, md, depth);
	rc = gr_reader_peek(&r, 64, &p, &pn);
	FUZZ_CHECK(rc <= 0, "peek returned a positive value");
	FUZZ_CHECK(rc || pn <= 64, "peek gave more than asked");
	while (!rc && (rc = gr_reader_line(&r, &line, &len)) != 0) {
		if (rc == GR_ERR_LIMIT) {
			FUZZ_CHECK(r.errinfo.msg[0], "limit without a message");
			FUZZ_CHECK(r.lineno > last_line, "skipped line not numbered");
			last_line = r.lineno;
			rc = 0;
			continue;
		}
		if (rc < 0) {
			FUZZ_CHECK(rc == GR_ERR_COMPRESS || rc == GR_ERR_IO || rc == GR_ERR_NOMEM,
				   "unexpected reader error");
			FUZZ_CHECK(r.errinfo.msg[0], "reader error without a message");
			break;
		}
		FUZZ_CHECK(len <= r.max_line, "line longer than max_line");
		FUZZ_CHECK(!memchr(line, '\n', len), "newline inside a line");
		FUZZ_CHECK(r.lineno == last_line + 1, "line numbers not consecutive");
		last_line = r.lineno;
		FUZZ_CHECK(gr_reader_offset(&r) >= last_off, "offset went back");
		last_off = gr_reader_offset(&r);
		rc = 0;
	}
	gr_reader_release(&r);
}

static void json_values(const uint8_t *data, size_t n)
{
	struct gr_reader r;
	const char *doc;
	size_t len, ml, md;
	uint64_t line, last = 0;
	int depth, rc, guard = 0;

	limits(n, &ml, &md, &depth);
	gr_reader_open_mem(&r, "fuzz", data, n);
	gr_reader_limits(&r, ml, md, depth);
	while ((rc = gr_reader_json(&r, &doc, &len, &line)) != 0) {
		/* every error skips bytes: a stuck reader would loop here */
		FUZZ_CHECK(++guard < 1000000, "gr_reader_json makes no progress");
		if (rc == GR_ERR_LIMIT || rc == GR_ERR_DEPTH || rc == GR_ERR_JSON) {
			FUZZ_CHECK(r.errinfo.msg[0], "skipped value without a message");
			continue;
		}
		if (rc < 0)
			break;
		FUZZ_CHECK(len >= 2, "JSON value shorter than two bytes");
		FUZZ_CHECK(len <= r.max_doc, "JSON value larger than max_doc");
		FUZZ_CHECK(doc[0] == '{' || doc[0] == '[', "value does not open a container");
		FUZZ_CHECK(doc[len - 1] == '}' || doc[len - 1] == ']', "value does not close");
		FUZZ_CHECK(line >= last, "value line went back");
		last = line;
	}
	gr_reader_release(&r);
}

static void whole(const uint8_t *data, size_t n)
{
	struct gr_buf out = GR_BUF_INIT;
	struct gr_error err = { 0 };
	size_t max = 1 + n % 4099;

	int rc = gr_inflate_mem(data, n, max, &out, &err);
	if (rc == 0)
		FUZZ_CHECK(out.len <= max, "gr_inflate_mem wrote more than max");
	else
		fuzz_check_error(rc, &err);
	gr_buf_release(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	lines(data, n);
	json_values(data, n);
	whole(data, n);
	return 0;
}
