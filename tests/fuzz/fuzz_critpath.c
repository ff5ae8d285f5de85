/* fuzz_critpath.c: libFuzzer target of gammaray-critpath: workflow paths over a graph stream, request paths over spans. */
#include "fuzz.h"
#include "common/json_scan.h"

/*
 * The input is a graph stream (workflow critical paths) or an event stream of
 * segment records (--request: span trees), chosen by the size, in every output
 * format, and for some sizes the workflow report or JSON with --what-if (changes of
 * hop kinds, or of functions the fixtures' graphs name: naming one the input does not
 * have is a usage error). Cycles, self parents, missing times and clock skew must end
 * in a path, a counted skip or a clear stop; JSON outputs must be JSON, one object per
 * line.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	static struct fuzz_file f;
	struct fuzz_sink sink = { .keep = 256u << 20 };
	struct gr_critpath_opts o;
	struct gr_stats st;
	struct gr_critpath_summary sum;
	struct gr_error err = { 0 };
	const char *path = fuzz_file_set(&f, "critpath", data, n);

	memset(&st, 0, sizeof(st));
	memset(&sum, 0, sizeof(sum));
	gr_critpath_opts_init(&o);
	o.request = n % 2;
	o.format = (enum gr_critpath_format)(n / 2 % 5);
	if (o.request && o.format == GR_CRITPATH_ANNOTATE)
		o.format = GR_CRITPATH_JSON; /* a usage error, not a data case */
	o.slack = n % 3 == 0;
	o.top = 1 + (int)(n % 4);
	o.tolerance_us = n % 5 ? 1000 : 0;
	o.max_line = n % 7 ? 0 : 200;
	static const char *const kinds[] = { "delay=sqs:x2", "delay=lambda:0", "delay=s3:x0.5" };
	static const char *const fns[] = { "faster=resize:2", "no-cold-starts=upload",
					   "remove=auth", "slower=index:3", "delay=sns:1ms" };
	bool by_fn = false;
	if (!o.request && !o.slack && n % 11 < 4 &&
	    (o.format == GR_CRITPATH_TEXT || o.format == GR_CRITPATH_JSON)) {
		by_fn = n % 11 >= 2;
		o.what_if = by_fn ? fns : kinds;
		o.nwhat_if = by_fn ? 5 : 3;
	}
	/* --cost on most workflow reports and --json: one table for the whole run */
	static struct gr_prices *prices;
	if (!prices)
		prices = gr_prices_new();
	if (!o.request && !o.nwhat_if && (o.format == GR_CRITPATH_TEXT || o.format == GR_CRITPATH_JSON) && n % 5 != 4)
		o.prices = prices;
	o.write = fuzz_sink_write;
	o.write_ctx = &sink;
	o.diag = fuzz_diag;
	int rc = gr_critpath(&o, &path, 1, &st, &sum, &err);
	fuzz_check_error(rc, &err);
	if (rc) {
		/* the wrong stream for the mode, or another version; corrupt compressed data;
		 * or a trace of one run when there is none: documented stops */
		FUZZ_CHECK(rc == GR_ERR_FORMAT || rc == GR_ERR_COMPRESS ||
			   (rc == GR_ERR_DATA && o.format == GR_CRITPATH_CHROME) ||
			   (rc == GR_ERR_USAGE && by_fn),
			   "gr_critpath stopped on input data");
	}
	fuzz_check_stats(&st);
	FUZZ_CHECK(sink.total == sink.b.len, "output larger than the sink keeps");
	if (!rc && sink.b.data && (o.format == GR_CRITPATH_JSON || o.format == GR_CRITPATH_ANNOTATE)) {
		const char *p = sink.b.data, *end = p + sink.b.len;
		while (p < end) {
			const char *nl = memchr(p, '\n', (size_t)(end - p)), *why = NULL;
			FUZZ_CHECK(nl, "unterminated output line");
			if (!gr_js_valid(p, (size_t)(nl - p), false, 0, &why))
				fprintf(stderr, "not JSON (%s): %.*s\n", why, (int)(nl - p), p);
			FUZZ_CHECK(gr_js_valid(p, (size_t)(nl - p), false, 0, &why),
				   "gammaray-critpath wrote a line that is not a JSON object");
			p = nl + 1;
		}
	}
	if (!rc && o.format == GR_CRITPATH_CHROME && sink.b.len) {
		const char *why = NULL;
		size_t len = sink.b.len;
		while (len && sink.b.data[len - 1] == '\n')
			len--;
		bool ok = gr_js_valid(sink.b.data, len, false, 0, &why) ||
			  gr_js_valid(sink.b.data, len, true, 0, &why);
		if (!ok)
			fprintf(stderr, "not JSON (%s): %s\n", why, sink.b.data);
		FUZZ_CHECK(ok, "gammaray-critpath wrote a trace that is not JSON");
	}
	gr_buf_release(&sink.b);
	return 0;
}
