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
