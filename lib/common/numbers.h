/* numbers.h: what every report shares: an order of int64s, percentiles, durations for people, numbers as printf writes them (lib-internal). */
#ifndef GR_NUMBERS_H
#define GR_NUMBERS_H

#include <stddef.h>
#include <stdint.h>

/* The decimal text of v ("-42"), as printf's %lld writes it, into out (at least 21
 * bytes; not NUL-terminated); returns its length. */
size_t gr_i64_dec(int64_t v, char *out);

/*
 * v with three decimals, as printf's "%.3f" writes it ("0.062", "1.000"), into out
 * (at least 32 bytes, NUL-terminated); returns its length. Exact: v's binary value
 * times 1000, rounded to the nearest integer, ties to even.
 */
size_t gr_fixed3(double v, char *out);

/* int64_t ascending, for qsort. */
int gr_cmp_i64(const void *a, const void *b);

/*
 * Sort ascending, the same order as qsort with gr_cmp_i64 (floats: as < orders them,
 * -0 before +0, NaNs last): a radix sort, linear in n, for the percentiles of
 * millions of durations (qsort's merge sort and its calls to a comparison were a
 * sixth of a report's time). It needs n more elements of memory; without them it
 * falls back to qsort.
 */
void gr_sort_i64(int64_t *v, size_t n);
/* Order the indices idx[0..n) by key[idx[i]] ascending, stably (equal keys keep their
 * order in idx): a radix sort, for orders whose first key is a time and whose ties a
 * comparison breaks after (runs of equal keys are adjacent). 0 or GR_ERR_NOMEM, idx
 * unchanged. */
int gr_order_i64(uint32_t *idx, const int64_t *key, size_t n);
/* The same, then each run of equal keys in idx ordered by cmp (qsort_r's, over
 * elements of idx, with ctx): an order whose first key is key[] and whose ties cmp
 * breaks. Out of memory, the whole of idx is sorted by cmp, which must then compare
 * the keys first itself. */
void gr_order_i64_by(uint32_t *idx, const int64_t *key, size_t n,
		     int (*cmp)(const void *, const void *, void *), void *ctx);
void gr_sort_f(float *v, size_t n);

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
