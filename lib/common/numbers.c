/* numbers.c: what every report shares: an order of int64s, percentiles, durations for people, numbers as printf writes them. */
#include "common/numbers.h"

#include "gammaray.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int gr_cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* Insertion sort of short runs of keys. */
#define INSERTION(T, a, n)                                         \
	for (size_t i_ = 1; i_ < (n); i_++) {                      \
		T x_ = (a)[i_];                                    \
		size_t j_ = i_;                                    \
		for (; j_ > 0 && (a)[j_ - 1] > x_; j_--)           \
			(a)[j_] = (a)[j_ - 1];                     \
		(a)[j_] = x_;                                      \
	}

/*
 * LSD radix sort of unsigned keys, a byte a pass; a pass whose byte is the same in
 * every key is skipped (the high bytes of durations), so most sorts take two to four.
 */
#define RADIX(T, BYTES, a, tmp, n)                                                    \
	do {                                                                          \
		size_t cnt_[BYTES][256];                                              \
		T *src_ = (a), *dst_ = (tmp);                                         \
		memset(cnt_, 0, sizeof(cnt_));                                        \
		for (size_t i_ = 0; i_ < (n); i_++)                                   \
			for (int d_ = 0; d_ < (BYTES); d_++)                          \
				cnt_[d_][(src_[i_] >> (8 * d_)) & 255]++;             \
		for (int d_ = 0; d_ < (BYTES); d_++) {                                \
			size_t *c_ = cnt_[d_], sum_ = 0;                              \
			if (c_[(src_[0] >> (8 * d_)) & 255] == (n))                   \
				continue;                                             \
			for (int b_ = 0; b_ < 256; b_++) {                            \
				size_t k_ = c_[b_];                                   \
				c_[b_] = sum_;                                        \
				sum_ += k_;                                           \
			}                                                             \
			for (size_t i_ = 0; i_ < (n); i_++)                           \
				dst_[c_[(src_[i_] >> (8 * d_)) & 255]++] = src_[i_];  \
			T *t_ = src_;                                                 \
			src_ = dst_;                                                  \
			dst_ = t_;                                                    \
		}                                                                     \
		if (src_ != (a))                                                      \
			memcpy((a), src_, (n) * sizeof(T));                           \
	} while (0)

static int cmp_f(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;

	return x < y ? -1 : x > y;
}

void gr_sort_i64(int64_t *v, size_t n)
{
	if (n < 64) {
		INSERTION(int64_t, v, n);
		return;
	}
	uint64_t *k = (uint64_t *)v, *tmp = malloc(n * sizeof(*tmp));
	if (!tmp) {
		qsort(v, n, sizeof(*v), gr_cmp_i64);
		return;
	}
	/* the sign bit flipped: unsigned order is then signed order */
	for (size_t i = 0; i < n; i++)
		k[i] ^= (uint64_t)1 << 63;
	RADIX(uint64_t, 8, k, tmp, n);
	for (size_t i = 0; i < n; i++)
		k[i] ^= (uint64_t)1 << 63;
	free(tmp);
}

/* An element to order: its key (sign bit flipped) and its index. */
struct keyed {
	uint64_t k;
	uint32_t i;
};

int gr_order_i64(uint32_t *idx, const int64_t *key, size_t n)
{
	if (n < 2)
		return 0;
	struct keyed *a = malloc(2 * n * sizeof(*a)), *src = a, *dst = a + n;
	size_t (*cnt)[256] = calloc(8, sizeof(*cnt));
	if (!a || !cnt) {
		free(a);
		free(cnt);
		return GR_ERR_NOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		src[i].k = (uint64_t)key[idx[i]] ^ (uint64_t)1 << 63;
		src[i].i = idx[i];
		for (int d = 0; d < 8; d++)
			cnt[d][(src[i].k >> (8 * d)) & 255]++;
	}
	/* a byte a pass, stable; a byte the same in every key is skipped (the high bytes
	 * of times: two or three passes) */
	for (int d = 0; d < 8; d++) {
		size_t *c = cnt[d], sum = 0;
		if (c[(src[0].k >> (8 * d)) & 255] == n)
			continue;
		for (int b = 0; b < 256; b++) {
			size_t k = c[b];
			c[b] = sum;
			sum += k;
		}
		for (size_t i = 0; i < n; i++)
			dst[c[(src[i].k >> (8 * d)) & 255]++] = src[i];
		struct keyed *t = src;
		src = dst;
		dst = t;
	}
	for (size_t i = 0; i < n; i++)
		idx[i] = src[i].i;
	free(a);
	free(cnt);
	return 0;
}

void gr_order_i64_by(uint32_t *idx, const int64_t *key, size_t n,
		     int (*cmp)(const void *, const void *, void *), void *ctx)
{
	if (gr_order_i64(idx, key, n)) {
		qsort_r(idx, n, sizeof(*idx), cmp, ctx);
		return;
	}
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i + 1; j < n && key[idx[j]] == key[idx[i]]; j++)
			;
		if (j - i > 1)
			qsort_r(idx + i, j - i, sizeof(*idx), cmp, ctx);
	}
}

/* A float's bits as a key whose unsigned order is the float's order (NaNs last). */
static uint32_t f_key(float f)
{
	uint32_t u;

	memcpy(&u, &f, sizeof(u));
	return (u >> 31) ? ~u : u | 0x80000000u;
}

static float f_of(uint32_t k)
{
	uint32_t u = (k >> 31) ? k & 0x7fffffffu : ~k;
	float f;

	memcpy(&f, &u, sizeof(f));
	return f;
}

void gr_sort_f(float *v, size_t n)
{
	if (n < 64) {
		INSERTION(float, v, n);
		return;
	}
	uint32_t *k = malloc(2 * n * sizeof(*k));
	if (!k) {
		qsort(v, n, sizeof(*v), cmp_f);
		return;
	}
	for (size_t i = 0; i < n; i++)
		k[i] = f_key(v[i]);
	RADIX(uint32_t, 4, k, k + n, n);
	for (size_t i = 0; i < n; i++)
		v[i] = f_of(k[i]);
	free(k);
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

size_t gr_i64_dec(int64_t v, char *out)
{
	/* two digits per step: times are 16 digits long */
	static const char pairs[201] =
		"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
		"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
		"8081828384858687888990919293949596979899";
	char tmp[24], *e = tmp + sizeof(tmp), *p = e;
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

	while (u >= 100) {
		unsigned d = (unsigned)(u % 100);
		u /= 100;
		p -= 2;
		memcpy(p, pairs + 2 * d, 2);
	}
	if (u >= 10) {
		p -= 2;
		memcpy(p, pairs + 2 * u, 2);
	} else {
		*--p = (char)('0' + u);
	}
	if (v < 0)
		*--p = '-';
	memcpy(out, p, (size_t)(e - p));
	return (size_t)(e - p);
}

size_t gr_fixed3(double v, char *out)
{
	int e;

	/* 0 <= v <= 1 (confidences) exactly; anything else as printf has it */
	if (!(v >= 0 && v <= 1))
		return (size_t)snprintf(out, 32, "%.3f", v);
	/* v = m * 2^(e - 53) with m an integer below 2^53, so v * 1000 is m * 1000
	 * (below 2^63) shifted right by 53 - e bits: the quotient, rounded on the
	 * remainder, ties to even */
	uint64_t m = (uint64_t)ldexp(frexp(v, &e), 53), q = 0;
	int s = 53 - e;
	if (v == 0) {
		q = 0;
	} else if (s < 64) {
		uint64_t n = m * 1000, half = 1ull << (s - 1), r;
		q = n >> s;
		r = n - (q << s);
		if (r > half || (r == half && (q & 1)))
			q++;
	} /* else v * 1000 < 1/2 */
	out[0] = (char)('0' + q / 1000);
	out[1] = '.';
	out[2] = (char)('0' + q / 100 % 10);
	out[3] = (char)('0' + q / 10 % 10);
	out[4] = (char)('0' + q % 10);
	out[5] = '\0';
	return 5;
}
