/* fpmap.h: open-addressing map from 64-bit fingerprints to 32-bit values, 12 bytes a slot (lib-internal). */
#ifndef GR_FPMAP_H
#define GR_FPMAP_H

#include <stddef.h>
#include <stdint.h>

/*
 * Keys are fingerprints (already well-mixed 64-bit hashes); 0 is reserved for empty
 * slots, so a 0 key is taken as 1 (gr_fp_fix). No deletion: a map is rebuilt
 * when entries must go.
 */
struct gr_fpmap {
	uint64_t *keys;  /* cap keys, 0 for empty */
	uint32_t *vals;  /* cap values */
	size_t cap;      /* slots, a power of two (0 before the first put) */
	size_t count;    /* keys stored */
};

static inline uint64_t gr_fp_fix(uint64_t fp)
{
	return fp ? fp : 1;
}

/* Mix a part into a running fingerprint (order matters; lengths are included). */
uint64_t gr_fp_mix(uint64_t h, const void *p, size_t n);
static inline uint64_t gr_fp_mix_u64(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
	h *= 0xbf58476d1ce4e5b9ull;
	return h ^ (h >> 31);
}

/* The value of key, or NULL. */
uint32_t *gr_fpmap_get(const struct gr_fpmap *m, uint64_t key);
/* Insert key with v if absent; returns its value slot (new or old), NULL when out of
 * memory. *added (may be NULL) says which. */
uint32_t *gr_fpmap_put(struct gr_fpmap *m, uint64_t key, uint32_t v, int *added);
/* Make room for n keys without growing later. 0 or -1 (out of memory). */
int gr_fpmap_reserve(struct gr_fpmap *m, size_t n);
/* Bytes allocated. */
size_t gr_fpmap_bytes(const struct gr_fpmap *m);
void gr_fpmap_release(struct gr_fpmap *m);

#endif
