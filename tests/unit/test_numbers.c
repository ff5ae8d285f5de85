/* test_numbers.c: numbers as printf writes them, without printf. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "common/numbers.h"

Test(numbers, i64_dec_as_printf)
{
	static const int64_t fixed[] = { 0, 1, -1, 9, 10, 99, 100, -100, 1714564800405039,
					 INT64_MAX, INT64_MIN, INT64_MIN + 1, 1000000000000000000 };
	char got[32], want[32];
	uint64_t seed = 7;

	for (size_t i = 0; i < 10000 + sizeof(fixed) / sizeof(fixed[0]); i++) {
		int64_t v;
		if (i < sizeof(fixed) / sizeof(fixed[0])) {
			v = fixed[i];
		} else {
			seed = seed * 6364136223846793005ull + 1442695040888963407ull;
			v = (int64_t)(seed >> (seed & 63)); /* every magnitude */
			if (seed & 1)
				v = -v;
		}
		size_t n = gr_i64_dec(v, got);
		got[n] = '\0';
		snprintf(want, sizeof(want), "%lld", (long long)v);
		cr_assert_str_eq(got, want);
	}
}

/* Three decimals exactly as "%.3f" (ties to even on the binary value) for 0..1. */
Test(numbers, fixed3_as_printf)
{
	char got[32], want[32];
	uint64_t seed = 11;

	for (int i = 0; i < 40000; i++) {
		double v;
		if (i < 16)
			v = (2 * i + 1) / 32.0; /* exact ties: x.5 thousandths */
		else if (i < 2016)
			v = (i - 16) / 2000.0; /* near the ties a decimal text gives */
		else if (i < 2032)
			v = ldexp(1, -(i - 2016) * 70); /* tiny, down to denormals and 0 */
		else if (i < 2040)
			v = (double[]){ 0, 1, 0.9995, 0.0005, 0.9994999999999999, 1e-3, NAN, 2 }[i - 2032];
		else {
			seed = seed * 6364136223846793005ull + 1442695040888963407ull;
			v = (double)(seed >> 11) / 9007199254740992.0;
		}
		size_t n = gr_fixed3(v, got);
		snprintf(want, sizeof(want), "%.3f", v);
		cr_assert_str_eq(got, want, "%.17g", v);
		cr_assert_eq(n, strlen(want));
	}
}
