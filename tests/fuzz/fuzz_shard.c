/* fuzz_shard.c: libFuzzer target of gammaray-infer --stage over keyed lines: a stage fed its lines sorted, and the same lines in any order with --unsorted, write the same lines or both stop. */
#include "fuzz.h"

/* The stage a byte names: request ... merge. */
static const int stages[] = { GR_STAGE_REQUEST, GR_STAGE_STREAM, GR_STAGE_TRACE,
			      GR_STAGE_LINK, GR_STAGE_EFFECT, GR_STAGE_MERGE };

struct line {
	const char *p;
	size_t n;   /* without the newline */
	size_t kn;  /* its key: up to the first tab */
};

/* The order a stage needs its input in: the merge's is LC_ALL=C sort's (the whole
 * line); the others' the keys' (a key ends at a tab, which sorts after bytes a key of
 * real stages never holds, so the fuzzer's control bytes must not make the two
 * differ), ties by the whole line. */
static int cmp_merge(const void *a, const void *b)
{
	const struct line *x = a, *y = b;
	int c = memcmp(x->p, y->p, x->n < y->n ? x->n : y->n);

	return c ? c : (x->n > y->n) - (x->n < y->n);
}

static int cmp_keyed(const void *a, const void *b)
{
	const struct line *x = a, *y = b;
	int c = memcmp(x->p, y->p, x->kn < y->kn ? x->kn : y->kn);

	if (c || x->kn != y->kn)
		return c ? c : (x->kn > y->kn) - (x->kn < y->kn);
	return cmp_merge(a, b);
}

/* Lines of s[0..n), sorted by cmp, joined again. */
static char *sorted(const char *s, size_t n, int (*cmp)(const void *, const void *), size_t *len)
{
	size_t cap = 16, nl = 0;
	struct line *l = malloc(cap * sizeof(*l));
	char *out = malloc(n + 1);

	FUZZ_CHECK(l && out, "out of memory");
	for (const char *p = s, *end = s + n; p < end;) {
		const char *e = memchr(p, '\n', (size_t)(end - p));
		size_t k = e ? (size_t)(e - p) : (size_t)(end - p);
		const char *tab = memchr(p, '\t', k);
		if (nl == cap) {
			cap *= 2;
			l = realloc(l, cap * sizeof(*l));
			FUZZ_CHECK(l, "out of memory");
		}
		l[nl++] = (struct line){ p, k, tab ? (size_t)(tab - p) : k };
		p += k + 1;
	}
	qsort(l, nl, sizeof(*l), cmp);
	*len = 0;
	for (size_t i = 0; i < nl; i++) {
		memcpy(out + *len, l[i].p, l[i].n);
		*len += l[i].n;
		out[(*len)++] = '\n';
	}
	free(l);
	return out;
}

/* One stage over the file at path; its output into sink. 0 or why it stopped. */
static int run(int stage, bool unsorted, const char *path, struct fuzz_sink *sink)
{
	struct gr_infer_opts o;
	struct gr_shard_opts so = { .stage = stage, .unsorted = unsorted };
	struct gr_shard *sh = NULL;
	struct gr_error err = { 0 };

	gr_infer_opts_init(&o);
	o.write = fuzz_sink_write;
	o.write_ctx = sink;
	o.diag = fuzz_diag;
	FUZZ_CHECK(gr_shard_new(&sh, &o, &so, &err) == 0, "gr_shard_new");
	int rc = gr_shard_read_inputs(sh, &path, 1, &err);
	if (!rc)
		rc = gr_shard_finish(sh, &err);
	/* (the merge sums the counts the stages before it wrote: forged ones need not
	 * balance, so the accounting identity is not this target's to check) */
	fuzz_check_error(rc, &err);
	gr_shard_free(sh);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	static struct fuzz_file f_any, f_sorted;
	struct fuzz_sink a = { .keep = 64u << 20 }, b = { .keep = 64u << 20 };

	if (!n)
		return 0;
	int stage = stages[data[0] % (sizeof(stages) / sizeof(stages[0]))];
	const char *s = (const char *)data + 1;
	size_t len;
	char *srt = sorted(s, n - 1, stage == GR_STAGE_MERGE ? cmp_merge : cmp_keyed, &len);

	int ra = run(stage, true, fuzz_file_set(&f_any, "shard-any", s, n - 1), &a);
	int rb = run(stage, false, fuzz_file_set(&f_sorted, "shard-sorted", srt, len), &b);
	free(srt);
	FUZZ_CHECK(!ra == !rb, "--unsorted and sorted input: one stage stopped, not the other");
	if (!ra) {
		FUZZ_CHECK(a.total == b.total, "--unsorted and sorted input: outputs of other sizes");
		if (stage == GR_STAGE_MERGE) {
			FUZZ_CHECK(a.b.len == b.b.len && !memcmp(a.b.data ? a.b.data : "",
								 b.b.data ? b.b.data : "", a.b.len),
				   "--unsorted merge: not the sorted merge's graph");
		} else {
			/* the groups come in another order: the same lines */
			size_t la, lb;
			char *x = sorted(a.b.data ? a.b.data : "", a.b.len, cmp_merge, &la);
			char *y = sorted(b.b.data ? b.b.data : "", b.b.len, cmp_merge, &lb);
			FUZZ_CHECK(la == lb && !memcmp(x, y, la),
				   "--unsorted stage: not the sorted stage's lines");
			free(x);
			free(y);
		}
	}
	gr_buf_release(&a.b);
	gr_buf_release(&b.b);
	return 0;
}
