/* fuzz_infer.c: libFuzzer target of gammaray-infer over a whole event stream: joining, linking, cycles, output. */
#include "fuzz_infer.h"

/* The input is an event stream (gammaray-events(5)): records in any order, repeated,
 * contradicting each other; with and without --window (bounded memory). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	char *s = malloc(n ? n : 1);

	FUZZ_CHECK(s, "out of memory");
	memcpy(s, data, n);
	fuzz_infer_check(s, n, n % 2 ? 0 : 1000000);
	free(s);
	return 0;
}
