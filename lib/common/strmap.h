/* strmap.h: string-keyed hash map and a string arena (lib-internal). */
#ifndef GR_STRMAP_H
#define GR_STRMAP_H

#include <stddef.h>
#include <stdint.h>

/*
 * An arena of immutable strings: copies live until gr_arena_release. Allocation is
 * a pointer bump in 64 KiB blocks (larger strings get their own block).
 */
struct gr_arena {
	struct gr_arena_block *blocks; /* newest first */
	size_t used;                   /* bytes used in the newest block */
	size_t total;                  /* bytes allocated, for memory accounting */
};

/* Copy s[0..n) plus a NUL; NULL when out of memory. */
char *gr_arena_strdup(struct gr_arena *a, const char *s, size_t n);
/* n bytes aligned for any object; NULL when out of memory. */
void *gr_arena_alloc(struct gr_arena *a, size_t n);
void gr_arena_release(struct gr_arena *a);

/*
 * Open-addressing map from byte strings to uint32_t values. Keys are not copied:
 * the caller keeps them alive (typically in a gr_arena).
 */
struct gr_strmap {
	struct gr_strmap_slot *slots; /* capacity entries, power of two */
	size_t cap;                   /* slots allocated */
	size_t count;                 /* keys stored */
};

uint64_t gr_hash(const void *p, size_t n);
/* Find key; returns a pointer to its value, or NULL. */
uint32_t *gr_strmap_get(const struct gr_strmap *m, const char *key, size_t n);
/* Insert key with value v if absent. Returns a pointer to the (new or existing)
 * value, or NULL when out of memory; *added says which. */
uint32_t *gr_strmap_put(struct gr_strmap *m, const char *key, size_t n, uint32_t v, int *added);
/* Like gr_strmap_put, but a new key is first copied into arena a, with one hash and
 * one probe (not a get and a put); *stored is the key as kept in the map. */
uint32_t *gr_strmap_intern(struct gr_strmap *m, struct gr_arena *a, const char *key, size_t n,
			   uint32_t v, int *added, const char **stored);
/* The same with the key's gr_hash already computed. */
uint32_t *gr_strmap_intern_h(struct gr_strmap *m, struct gr_arena *a, const char *key, size_t n,
			     uint64_t h, uint32_t v, int *added, const char **stored);
/* Start loading the slot where a key of hash h is looked for: on a map larger than the
 * cache, prefetching the slots of two lookups before doing them overlaps their misses. */
void gr_strmap_prefetch(const struct gr_strmap *m, uint64_t h);
void gr_strmap_release(struct gr_strmap *m);

#endif
