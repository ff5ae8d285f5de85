/* fpmap.c: open-addressing map from 64-bit fingerprints to 32-bit values. */
#include "common/fpmap.h"

#include <stdlib.h>
#include <string.h>

#include "common/strmap.h"

uint64_t gr_fp_mix(uint64_t h, const void *p, size_t n)
{
	return gr_fp_mix_u64(h, gr_hash(p, n) ^ (uint64_t)n);
}

static size_t slot(const struct gr_fpmap *m, uint64_t key)
{
	size_t mask = m->cap - 1, i = (size_t)(key ^ (key >> 29)) & mask;

	while (m->keys[i] && m->keys[i] != key)
		i = (i + 1) & mask;
	return i;
}

uint32_t *gr_fpmap_get(const struct gr_fpmap *m, uint64_t key)
{
	key = gr_fp_fix(key);
	if (!m->cap)
		return NULL;
	size_t i = slot(m, key);
	return m->keys[i] ? &m->vals[i] : NULL;
}

static int rehash(struct gr_fpmap *m, size_t cap)
{
	struct gr_fpmap nm = { calloc(cap, sizeof(uint64_t)), malloc(cap * sizeof(uint32_t)), cap,
			       m->count };

	if (!nm.keys || !nm.vals) {
		free(nm.keys);
		free(nm.vals);
		return -1;
	}
	for (size_t i = 0; i < m->cap; i++) {
		if (!m->keys[i])
			continue;
		size_t j = slot(&nm, m->keys[i]);
		nm.keys[j] = m->keys[i];
		nm.vals[j] = m->vals[i];
	}
	free(m->keys);
	free(m->vals);
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
	if (added)
		*added = !m->keys[i];
	if (!m->keys[i]) {
		m->keys[i] = key;
		m->vals[i] = v;
		m->count++;
	}
	return &m->vals[i];
}

size_t gr_fpmap_bytes(const struct gr_fpmap *m)
{
	return m->cap * (sizeof(uint64_t) + sizeof(uint32_t));
}

void gr_fpmap_release(struct gr_fpmap *m)
{
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}
