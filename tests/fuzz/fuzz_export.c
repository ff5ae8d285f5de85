/* fuzz_export.c: libFuzzer target of gammaray-fetch on one file: export chunks, bare Lambda text, JSON. */
#include "fuzz_fetch.h"

/* The file as the program gets it: format detection, export line splitting (events
 * of several lines, out of order), Lambda platform lines and runtime prefixes,
 * markers, attribution to invocations, the accounting. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	static struct fuzz_file f;
	struct gr_fetch_opts o;

	fuzz_fetch_opts(&o, n);
	fuzz_fetch_check(&o, fuzz_file_set(&f, "export", data, n), n % 4 ? "/aws/lambda/fuzz" : NULL,
			 0);
	return 0;
}
