/* fpmap.c: open-addressing map from 64-bit fingerprints to 32-bit values. */
#include "common/fpmap.h"

#include <stdlib.h>
#include <string.h>

#include "common/strmap.h"

uint64_t gr_fp_mix(uint64_t h, const void *p, size_t n)
{
	return gr_fp_mix_u64(h, gr_hash(p, n) ^ (uint64_t)n);
}

/* The key of a slot, 0 when it is empty (the halves read as one word). */
static inline uint64_t slot_key(const struct gr_fpmap_slot *s)
{
	uint32_t h[2] = { s->lo, s->hi };
	uint64_t k;

	memcpy(&k, h, sizeof(k));
	return k;
}

static inline bool slot_empty(const struct gr_fpmap_slot *s)
{
	return !(s->lo | s->hi);
}

static inline size_t slot(const struct gr_fpmap *m, uint64_t key)
{
	size_t mask = m->cap - 1, i = (size_t)(key ^ (key >> 29)) & mask;
	uint64_t k;

	while ((k = slot_key(&m->slots[i])) && k != key)
		i = (i + 1) & mask;
	return i;
}

static inline void slot_set(struct gr_fpmap_slot *s, uint64_t key)
{
	uint32_t h[2];

	memcpy(h, &key, sizeof(key));
	s->lo = h[0];
	s->hi = h[1];
}

uint32_t *gr_fpmap_get(const struct gr_fpmap *m, uint64_t key)
{
	key = gr_fp_fix(key);
	if (!m->cap)
		return NULL;
	size_t i = slot(m, key);
	return slot_empty(&m->slots[i]) ? NULL : &m->slots[i].val;
}

static int rehash(struct gr_fpmap *m, size_t cap)
{
	struct gr_fpmap nm = { calloc(cap, sizeof(struct gr_fpmap_slot)), cap, m->count };

	if (!nm.slots)
		return -1;
	for (size_t i = 0; i < m->cap; i++) {
		const struct gr_fpmap_slot *s = &m->slots[i];
		if (!slot_empty(s))
			nm.slots[slot(&nm, slot_key(s))] = *s;
	}
	free(m->slots);
	*m = nm;
	return 0;
}

int gr_fpmap_reserve(struct gr_fpmap *m, size_t n)
{
	size_t cap = m->cap ? m->cap : 64;

	while (n * 4 > cap * 3)
		cap *= 2;
	return cap == m->cap ? 0 : rehash(m, cap);
}

uint32_t *gr_fpmap_put(struct gr_fpmap *m, uint64_t key, uint32_t v, int *added)
{
	key = gr_fp_fix(key);
	if ((m->count + 1) * 4 > m->cap * 3 && rehash(m, m->cap ? m->cap * 2 : 64))
		return NULL;
	size_t i = slot(m, key);
	struct gr_fpmap_slot *s = &m->slots[i];
	if (added)
		*added = slot_empty(s);
	if (slot_empty(s)) {
		slot_set(s, key);
		s->val = v;
		m->count++;
	}
	return &s->val;
}

size_t gr_fpmap_bytes(const struct gr_fpmap *m)
{
	return m->cap * sizeof(struct gr_fpmap_slot);
}

void gr_fpmap_release(struct gr_fpmap *m)
{
	free(m->slots);
	memset(m, 0, sizeof(*m));
}
