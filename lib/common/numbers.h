/* numbers.h: what every report shares: an order of int64s, percentiles, durations for people (lib-internal). */
#ifndef GR_NUMBERS_H
#define GR_NUMBERS_H

#include <stddef.h>
#include <stdint.h>

/* int64_t ascending, for qsort. */
int gr_cmp_i64(const void *a, const void *b);

/*
 * Nearest-rank percentile q (0..1) of the sorted v[0..n): the smallest value with at
 * least a fraction q of the values at or below it; 0 when n is 0.
 */
int64_t gr_pct_i64(const int64_t *v, size_t n, double q);
float gr_pct_f(const float *v, size_t n, double q);

/*
 * A duration for a person, three significant digits at most: "0 ms", "12 us",
 * "1.5 ms", "350 ms", "1.25 s", "125 s", "120.0 min"; negative ones with a "-".
 */
void gr_duration_format(int64_t us, char *out, size_t size);

#endif
