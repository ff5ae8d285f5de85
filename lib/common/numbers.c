/* numbers.c: what every report shares: an order of int64s, percentiles, durations for people. */
#include "common/numbers.h"

#include <stdio.h>

int gr_cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* The 1-based nearest rank of q among n values (n > 0). */
static size_t rank(size_t n, double q)
{
	size_t r = (size_t)(q * (double)n + 0.999999);

	if (r < 1)
		r = 1;
	if (r > n)
		r = n;
	return r;
}

int64_t gr_pct_i64(const int64_t *v, size_t n, double q)
{
	return n ? v[rank(n, q) - 1] : 0;
}

float gr_pct_f(const float *v, size_t n, double q)
{
	return n ? v[rank(n, q) - 1] : 0;
}

void gr_duration_format(int64_t us, char *out, size_t size)
{
	const char *sign = us < 0 ? "-" : "";
	double v;

	if (us == INT64_MIN)
		us = INT64_MAX;
	if (us < 0)
		us = -us;
	v = (double)us;
	if (us == 0)
		snprintf(out, size, "0 ms");
	else if (us < 1000)
		snprintf(out, size, "%s%lld us", sign, (long long)us);
	else if (us < 10000)
		snprintf(out, size, "%s%.1f ms", sign, v / 1e3);
	else if (us < 1000000)
		snprintf(out, size, "%s%.0f ms", sign, v / 1e3);
	else if (us < 100000000)
		snprintf(out, size, "%s%.2f s", sign, v / 1e6);
	else if (us < 6000000000LL)
		snprintf(out, size, "%s%.0f s", sign, v / 1e6);
	else
		snprintf(out, size, "%s%.1f min", sign, v / 6e7);
}
