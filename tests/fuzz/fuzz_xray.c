/* fuzz_xray.c: libFuzzer target of JSON trace inputs: X-Ray documents and pages, Jaeger, OTLP, Logs JSON. */
#include "fuzz_fetch.h"

/* The file as gammaray-fetch reads a JSON input: X-Ray segment documents (bare, in
 * batch-get-traces pages with Document strings, daemon datagrams), Jaeger and OTLP
 * JSON, filter-log-events pages and Logs Insights results. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	static struct fuzz_file f;
	struct gr_fetch_opts o;

	fuzz_fetch_opts(&o, n);
	fuzz_fetch_check(&o, fuzz_file_set(&f, "xray", data, n), n % 4 ? "/aws/lambda/fuzz" : NULL, 0);
	return 0;
}
