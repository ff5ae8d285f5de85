/* test_strmap.c: string map and arena. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "common/strmap.h"

Test(strmap, put_get_many)
{
	struct gr_strmap m = { 0 };
	struct gr_arena a = { 0 };
	char key[32];

	for (uint32_t i = 0; i < 100000; i++) {
		int n = snprintf(key, sizeof(key), "req-%u", i);
		char *k = gr_arena_strdup(&a, key, (size_t)n);
		int added;
		uint32_t *v = gr_strmap_put(&m, k, (size_t)n, i, &added);
		cr_assert_not_null(v);
		cr_assert(added);
	}
	cr_assert_eq(m.count, 100000);
	for (uint32_t i = 0; i < 100000; i += 7) {
		int n = snprintf(key, sizeof(key), "req-%u", i);
		uint32_t *v = gr_strmap_get(&m, key, (size_t)n);
		cr_assert_not_null(v);
		cr_assert_eq(*v, i);
	}
	cr_assert_null(gr_strmap_get(&m, "req-100000", 10));
	int added;
	uint32_t *v = gr_strmap_put(&m, "req-5", 5, 99, &added);
	cr_assert(!added);
	cr_assert_eq(*v, 5);
	gr_strmap_release(&m);
	gr_arena_release(&a);
}

Test(strmap, keys_with_nul_and_prefixes_differ)
{
	struct gr_strmap m = { 0 };

	gr_strmap_put(&m, "ab\0c", 4, 1, NULL);
	gr_strmap_put(&m, "ab", 2, 2, NULL);
	cr_assert_eq(*gr_strmap_get(&m, "ab\0c", 4), 1);
	cr_assert_eq(*gr_strmap_get(&m, "ab", 2), 2);
	cr_assert_null(gr_strmap_get(&m, "ab\0", 3));
	gr_strmap_release(&m);
}

Test(strmap, arena_big_and_small)
{
	struct gr_arena a = { 0 };
	char big[100000];

	memset(big, 'b', sizeof(big));
	char *s1 = gr_arena_strdup(&a, "small", 5);
	char *s2 = gr_arena_strdup(&a, big, sizeof(big));
	char *s3 = gr_arena_strdup(&a, "after", 5);
	cr_assert_str_eq(s1, "small");
	cr_assert_eq(strlen(s2), sizeof(big));
	cr_assert_str_eq(s3, "after");
	gr_arena_release(&a);
}

/* The hash of a key does not depend on how its last bytes are read: the same as
 * copying them into a zeroed word, for every length and alignment (maps that are
 * iterated would otherwise change order). */
Test(strmap, hash_tail_as_copied)
{
	char key[64];

	for (size_t i = 0; i < sizeof(key); i++)
		key[i] = (char)(i * 37 + 11);
	for (size_t off = 0; off < 8; off++)
		for (size_t n = 0; n + off <= sizeof(key); n++) {
			const unsigned char *s = (const unsigned char *)key + off;
			size_t left = n;
			uint64_t h = 0x9e3779b97f4a7c15ull ^ (n * 0xff51afd7ed558ccdull), w;
			for (; left >= 8; left -= 8, s += 8) {
				memcpy(&w, s, 8);
				h = (h ^ w) * 0xbf58476d1ce4e5b9ull;
				h ^= h >> 31;
			}
			w = 0;
			memcpy(&w, s, left);
			h = (h ^ w) * 0x94d049bb133111ebull;
			h ^= h >> 29;
			h *= 0xbf58476d1ce4e5b9ull;
			h ^= h >> 32;
			cr_assert_eq(gr_hash(key + off, n), h, "length %zu at %zu", n, off);
		}
}
