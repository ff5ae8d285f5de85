/* test_numbers.c: numbers as printf writes them, without printf; the radix sorts against qsort. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
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

/* A deterministic sequence (xorshift64*) for the sort tests. */
static uint64_t next_rand(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dull;
}

/*
 * gr_sort_i64 sorts as qsort with gr_cmp_i64 does: sizes on both sides of the
 * insertion-sort cut (64), values of every magnitude and sign, the extremes, many
 * duplicates (the durations of a function), and inputs already sorted or reversed.
 */
Test(numbers, sort_i64_as_qsort)
{
	static const size_t sizes[] = { 0, 1, 2, 63, 64, 65, 1000, 100000 };
	uint64_t seed = 0x9e3779b97f4a7c15ull;

	for (size_t si = 0; si < sizeof(sizes) / sizeof(sizes[0]); si++) {
		for (int shape = 0; shape < 5; shape++) {
			size_t n = sizes[si];
			int64_t *a = malloc((n + 1) * sizeof(*a)), *b = malloc((n + 1) * sizeof(*b));
			cr_assert(a && b);
			for (size_t i = 0; i < n; i++) {
				uint64_t r = next_rand(&seed);
				switch (shape) {
				case 0: a[i] = (int64_t)r; break;                     /* any */
				case 1: a[i] = (int64_t)(r % 500000); break;          /* durations */
				case 2: a[i] = (int64_t)(r % 7) - 3; break;           /* duplicates */
				case 3: a[i] = (int64_t)i - (int64_t)(n / 2); break; /* sorted */
				default: a[i] = i % 3 == 0 ? INT64_MIN : i % 3 == 1 ? INT64_MAX : -1;
				}
			}
			memcpy(b, a, n * sizeof(*a));
			gr_sort_i64(a, n);
			qsort(b, n, sizeof(*b), gr_cmp_i64);
			cr_assert(n == 0 || !memcmp(a, b, n * sizeof(*a)),
				  "size %zu, shape %d: not qsort's order", n, shape);
			free(a);
			free(b);
		}
	}
}

static int cmp_float_lt(const void *x, const void *y)
{
	float a = *(const float *)x, b = *(const float *)y;

	return a < b ? -1 : a > b;
}

/* gr_sort_f: shares in [0, 1] with duplicates, and signed values, as qsort orders them
 * (-0 and +0 compare equal there: compared as values, not bits). */
Test(numbers, sort_f_as_qsort)
{
	static const size_t sizes[] = { 0, 1, 63, 64, 65, 5000 };
	uint64_t seed = 12345;

	for (size_t si = 0; si < sizeof(sizes) / sizeof(sizes[0]); si++) {
		for (int shape = 0; shape < 3; shape++) {
			size_t n = sizes[si];
			float *a = malloc((n + 1) * sizeof(*a)), *b = malloc((n + 1) * sizeof(*b));
			cr_assert(a && b);
			for (size_t i = 0; i < n; i++) {
				uint64_t r = next_rand(&seed);
				a[i] = shape == 0   ? (float)(r % 10001) / 10000.0f
				       : shape == 1 ? ((float)(r % 2001) - 1000.0f) / 7.0f
						    : (i % 2 ? -0.0f : 0.0f);
			}
			memcpy(b, a, n * sizeof(*a));
			gr_sort_f(a, n);
			qsort(b, n, sizeof(*b), cmp_float_lt);
			for (size_t i = 0; i < n; i++)
				cr_assert(a[i] == b[i], "size %zu, shape %d, [%zu]: %g, qsort %g", n,
					  shape, i, a[i], b[i]);
			for (size_t i = 1; i < n; i++)
				cr_assert(!(a[i] < a[i - 1]), "size %zu, shape %d: not ascending at %zu",
					  n, shape, i);
			free(a);
			free(b);
		}
	}
}

/* gr_order_i64 against a stable comparison sort: random keys with many repeats,
 * negative ones and the extremes, indices given in a shuffled order. */
struct ref_item {
	int64_t k;
	size_t pos;   /* place in the given order: what stability keeps */
	uint32_t idx;
};

static int cmp_ref(const void *a, const void *b)
{
	const struct ref_item *x = a, *y = b;

	if (x->k != y->k)
		return x->k < y->k ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

Test(numbers, order_i64_is_a_stable_order_by_key)
{
	static const int64_t special[] = { INT64_MIN, INT64_MAX, -1, 0, 1, 1714564800000000LL };
	uint64_t seed = 42;

	for (size_t n = 0; n < 3000; n = n * 3 + 1) {
		int64_t *key = malloc((n + 1) * sizeof(*key));
		uint32_t *idx = malloc((n + 1) * sizeof(*idx));
		struct ref_item *ref = malloc((n + 1) * sizeof(*ref));
		for (size_t i = 0; i < n; i++) {
			seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
			uint64_t r = seed >> 33;
			key[i] = r % 7 == 0 ? special[r % 6]
			       : r % 3 == 0 ? (int64_t)(r % 50) - 25 /* repeats */
					    : 1714564800000000LL + (int64_t)(r % 100000) * 997;
			idx[i] = (uint32_t)i;
		}
		for (size_t i = n; i > 1; i--) { /* the given order: shuffled */
			seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
			size_t j = (size_t)(seed >> 33) % i;
			uint32_t t = idx[i - 1];
			idx[i - 1] = idx[j];
			idx[j] = t;
		}
		for (size_t i = 0; i < n; i++)
			ref[i] = (struct ref_item){ key[idx[i]], i, idx[i] };
		qsort(ref, n, sizeof(*ref), cmp_ref);
		cr_assert_eq(gr_order_i64(idx, key, n), 0);
		for (size_t i = 0; i < n; i++)
			cr_assert_eq(idx[i], ref[i].idx, "n %zu, at %zu", n, i);
		free(key);
		free(idx);
		free(ref);
	}
}
