/* test_fpmap.c: the fingerprint map. */
#include <criterion/criterion.h>

#include "common/fpmap.h"

Test(fpmap, put_get_grow)
{
	struct gr_fpmap m = { 0 };
	int added;

	cr_assert_null(gr_fpmap_get(&m, 42));
	for (uint64_t i = 0; i < 200000; i++) {
		uint64_t k = gr_fp_mix_u64(1, i);
		uint32_t *v = gr_fpmap_put(&m, k, (uint32_t)i, &added);
		cr_assert_not_null(v);
		cr_assert(added);
	}
	cr_assert_eq(m.count, 200000);
	for (uint64_t i = 0; i < 200000; i += 13) {
		uint32_t *v = gr_fpmap_get(&m, gr_fp_mix_u64(1, i));
		cr_assert_not_null(v);
		cr_assert_eq(*v, i);
	}
	uint32_t *v = gr_fpmap_put(&m, gr_fp_mix_u64(1, 7), 99, &added);
	cr_assert(!added);
	cr_assert_eq(*v, 7);
	cr_assert_gt(gr_fpmap_bytes(&m), 200000 * 12);
	gr_fpmap_release(&m);
}

Test(fpmap, zero_key_is_one)
{
	struct gr_fpmap m = { 0 };

	cr_assert_not_null(gr_fpmap_put(&m, 0, 5, NULL));
	cr_assert_eq(*gr_fpmap_get(&m, 1), 5);
	cr_assert_eq(*gr_fpmap_get(&m, 0), 5);
	cr_assert_eq(gr_fpmap_reserve(&m, 1000), 0);
	cr_assert_eq(*gr_fpmap_get(&m, 0), 5);
	gr_fpmap_release(&m);
}

Test(fpmap, mixing_is_order_sensitive)
{
	uint64_t a = gr_fp_mix(gr_fp_mix(0, "ab", 2), "c", 1);
	uint64_t b = gr_fp_mix(gr_fp_mix(0, "a", 1), "bc", 2);

	cr_assert_neq(a, b);
	cr_assert_eq(a, gr_fp_mix(gr_fp_mix(0, "ab", 2), "c", 1));
}

/* Every key put is visited once with its value; keys whose halves are 0 are kept. */
Test(fpmap, visit_every_key)
{
	struct gr_fpmap m = { 0 };
	uint64_t key, sum = 0, want = 0;
	uint32_t val, seen = 0;

	for (uint32_t i = 1; i <= 5000; i++) {
		uint64_t k = i % 3 == 0 ? (uint64_t)i << 32 : i % 3 == 1 ? i : (uint64_t)i * 0x9e3779b97f4a7c15ull;
		cr_assert_not_null(gr_fpmap_put(&m, k, i, NULL));
		want += k ^ i;
	}
	for (size_t i = 0; i < m.cap; i++)
		if (gr_fpmap_at(&m, i, &key, &val)) {
			cr_assert_eq(*gr_fpmap_get(&m, key), val);
			sum += key ^ val;
			seen++;
		}
	cr_assert_eq(seen, 5000);
	cr_assert_eq(sum, want);
	cr_assert_eq(gr_fpmap_bytes(&m), m.cap * 12);
	gr_fpmap_release(&m);
}
