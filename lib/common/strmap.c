/* strmap.c: string-keyed hash map and a string arena. */
#include "common/strmap.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK (64u << 10)

struct gr_arena_block {
	struct gr_arena_block *next; /* older block */
	size_t size;                 /* usable bytes in data */
	_Alignas(16) char data[];    /* the strings */
};

void *gr_arena_alloc(struct gr_arena *a, size_t n)
{
	n = (n + 15) & ~(size_t)15;
	if (!a->blocks || a->used + n > a->blocks->size) {
		size_t size = n > BLOCK / 4 ? n : BLOCK;
		struct gr_arena_block *b = malloc(sizeof(*b) + size);
		if (!b)
			return NULL;
		b->size = size;
		a->total += size;
		if (n > BLOCK / 4 && a->blocks) {
			/* keep filling the current block: put the big one behind it */
			b->next = a->blocks->next;
			a->blocks->next = b;
			return b->data;
		}
		b->next = a->blocks;
		a->blocks = b;
		a->used = 0;
	}
	void *p = a->blocks->data + a->used;
	a->used += n;
	return p;
}

char *gr_arena_strdup(struct gr_arena *a, const char *s, size_t n)
{
	char *p = gr_arena_alloc(a, n + 1);

	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void gr_arena_release(struct gr_arena *a)
{
	struct gr_arena_block *b = a->blocks;

	while (b) {
		struct gr_arena_block *next = b->next;
		free(b);
		b = next;
	}
	memset(a, 0, sizeof(*a));
}

struct gr_strmap_slot {
	const char *key; /* NULL for an empty slot */
	uint64_t hash;   /* the key's hash: skips most compares, and growing never
			    reads the keys again (a cache miss each on big maps) */
	uint32_t len;    /* key length */
	uint32_t value;  /* the mapped value */
};

/* 64-bit multiply-xorshift hash over 8-byte words; good spread, fast on short ids. */
uint64_t gr_hash(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t h = 0x9e3779b97f4a7c15ull ^ (n * 0xff51afd7ed558ccdull);

	while (n >= 8) {
		uint64_t w;
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xbf58476d1ce4e5b9ull;
		h ^= h >> 31;
		s += 8;
		n -= 8;
	}
	uint64_t w = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (n && s - (const unsigned char *)p >= 8 - (ptrdiff_t)n) {
		/* the last eight bytes of the key, shifted: the same w as the copy below */
		memcpy(&w, s + n - 8, 8);
		w >>= 64 - 8 * n;
	} else
#endif
		memcpy(&w, s, n);
	h = (h ^ w) * 0x94d049bb133111ebull;
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 32;
	return h;
}

static struct gr_strmap_slot *find(const struct gr_strmap *m, const char *key, size_t n,
				   uint64_t h)
{
	size_t mask = m->cap - 1, i = (size_t)(h >> 32) & mask;

	for (;;) {
		struct gr_strmap_slot *s = &m->slots[i];
		if (!s->key || (s->hash == h && s->len == n && !memcmp(s->key, key, n)))
			return s;
		i = (i + 1) & mask;
	}
}

uint32_t *gr_strmap_get(const struct gr_strmap *m, const char *key, size_t n)
{
	if (!m->cap)
		return NULL;
	struct gr_strmap_slot *s = find(m, key, n, gr_hash(key, n));
	return s->key ? &s->value : NULL;
}

static int grow(struct gr_strmap *m)
{
	size_t cap = m->cap ? m->cap * 2 : 64;
	struct gr_strmap_slot *old = m->slots, *slots = calloc(cap, sizeof(*slots));

	if (!slots)
		return -1;
	struct gr_strmap nm = { slots, cap, m->count };
	for (size_t i = 0; i < m->cap; i++)
		if (old[i].key)
			*find(&nm, old[i].key, old[i].len, old[i].hash) = old[i];
	free(old);
	*m = nm;
	return 0;
}

uint32_t *gr_strmap_put(struct gr_strmap *m, const char *key, size_t n, uint32_t v, int *added)
{
	if ((m->count + 1) * 4 > m->cap * 3 && grow(m))
		return NULL;
	uint64_t h = gr_hash(key, n);
	struct gr_strmap_slot *s = find(m, key, n, h);
	if (added)
		*added = !s->key;
	if (!s->key) {
		s->key = key;
		s->len = (uint32_t)n;
		s->hash = h;
		s->value = v;
		m->count++;
	}
	return &s->value;
}

void gr_strmap_prefetch(const struct gr_strmap *m, uint64_t h)
{
	if (m->cap)
		__builtin_prefetch(&m->slots[(size_t)(h >> 32) & (m->cap - 1)]);
}

uint32_t *gr_strmap_intern(struct gr_strmap *m, struct gr_arena *a, const char *key, size_t n,
			   uint32_t v, int *added, const char **stored)
{
	return gr_strmap_intern_h(m, a, key, n, gr_hash(key, n), v, added, stored);
}

uint32_t *gr_strmap_intern_h(struct gr_strmap *m, struct gr_arena *a, const char *key, size_t n,
			     uint64_t h, uint32_t v, int *added, const char **stored)
{
	if ((m->count + 1) * 4 > m->cap * 3 && grow(m))
		return NULL;
	struct gr_strmap_slot *s = find(m, key, n, h);
	*added = !s->key;
	if (!s->key) {
		char *copy = gr_arena_strdup(a, key, n);
		if (!copy)
			return NULL;
		s->key = copy;
		s->len = (uint32_t)n;
		s->hash = h;
		s->value = v;
		m->count++;
	}
	*stored = s->key;
	return &s->value;
}

void gr_strmap_release(struct gr_strmap *m)
{
	free(m->slots);
	memset(m, 0, sizeof(*m));
}
