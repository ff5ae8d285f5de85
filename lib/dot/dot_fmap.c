/* dot_fmap.c: the function map: invocations by function, edges by service resource, for the function view and the report. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dot/dot.h"

/* (group, value) pairs: durations per node, delays per link. */
struct pair {
	uint32_t group;  /* map node or link */
	int64_t v;       /* a duration or a delay */
};

/*
 * Slots of the caches in front of the maps: a graph names a few functions and has a
 * few links, met again and again, so nearly every lookup is answered by one compare
 * instead of hashing the name or the key.
 */
#define FN_CACHE 256
#define LINK_CACHE 1024

/* The map being built and its lookups. */
struct fbuild {
	struct gr_fmap *fm;        /* the map */
	struct gr_strmap fn_map;   /* function name -> node */
	struct gr_strmap svc_map;  /* kind byte + resource -> node */
	struct gr_strmap link_map; /* (from, to, kind, sync) -> link */
	uint32_t special[2];       /* nodes of GR_FMAP_UNKNOWN, GR_FMAP_NO_RECORD */
	struct {
		const char *fn;    /* a function name as the graph holds it (by address)... */
		uint32_t ix;       /* ...and its node */
	} fn_cache[FN_CACHE];      /* by the name's address */
	struct {
		uint32_t key[4];   /* (from, to, kind, sync)... */
		uint32_t ix;       /* ...and its link, GR_NONE: empty */
	} link_cache[LINK_CACHE];  /* by a hash of the key */
};

static bool has_prefix(const char *s, size_t n, const char *p)
{
	size_t pn = strlen(p);

	return n >= pn && !memcmp(s, p, pn);
}

const char *gr_dot_resource(enum gr_kind kind, const char *key, size_t *len)
{
	const char *p, *end;
	size_t n;

	*len = 0;
	if (kind == GR_KIND_LAMBDA || kind == GR_KIND_NONE || !key)
		return NULL;
	n = strlen(key);
	p = key;
	end = key + n;
	if (has_prefix(key, n, "arn:")) {
		/* arn:partition:service:region:account:resource */
		for (int colons = 0; p < end && colons < 5; p++)
			if (*p == ':')
				colons++;
		if (has_prefix(p, (size_t)(end - p), "table/"))
			p += 6;
		else if (has_prefix(p, (size_t)(end - p), "stream/"))
			p += 7;
		else if (has_prefix(p, (size_t)(end - p), "event-bus/"))
			p += 10;
	} else if (has_prefix(key, n, "https://") || has_prefix(key, n, "http://")) {
		/* an SQS queue URL: https://host/account/queue */
		p = strstr(key, "//") + 2;
		while (p < end && *p != '/')
			p++;
		if (p < end)
			p++;
		const char *q = p;
		while (q < end && *q >= '0' && *q <= '9')
			q++;
		if (q > p && q < end && *q == '/')
			p = q + 1;
	} else if (!memchr(key, '/', n) && !memchr(key, ' ', n) && !memchr(key, '{', n) &&
		   !memchr(key, '#', n) && !memchr(key, '|', n)) {
		return NULL; /* a bare id (message id, sequence number) names no resource */
	}
	const char *q = p;
	while (q < end && *q != '/' && *q != ' ' && *q != '{' && *q != '#' && *q != '|' &&
	       *q != ':')
		q++;
	if (q == p)
		return NULL;
	*len = (size_t)(q - p);
	return p;
}

static uint32_t new_node(struct gr_fmap *fm, enum gr_fmap_type type, const char *name,
			 size_t len, enum gr_kind kind)
{
	if (GR_GROW(fm->nodes, fm->nnodes, fm->cap_nodes))
		return GR_NONE;
	struct gr_fmap_node *f = &fm->nodes[fm->nnodes];
	memset(f, 0, sizeof(*f));
	f->type = type;
	f->name = name;
	f->name_len = len;
	f->kind = kind;
	return (uint32_t)fm->nnodes++;
}

/* The node of an invocation's function. The graph keeps one copy of each name, so its
 * invocations are told apart by the name's address before the name is hashed. */
static uint32_t fn_node(struct fbuild *b, const struct gr_node *n)
{
	if (!n->fn) {
		enum gr_fmap_type type = n->stub ? GR_FMAP_NO_RECORD : GR_FMAP_UNKNOWN;
		uint32_t *s = &b->special[type - GR_FMAP_UNKNOWN];
		if (*s == GR_NONE)
			*s = new_node(b->fm, type, NULL, 0, GR_KIND_NONE);
		return *s;
	}
	size_t slot = (size_t)(((uint64_t)(uintptr_t)n->fn * 0x9e3779b97f4a7c15u) >> 56);
	if (b->fn_cache[slot].fn == n->fn)
		return b->fn_cache[slot].ix;
	size_t len = strlen(n->fn);
	uint32_t *ix = gr_strmap_get(&b->fn_map, n->fn, len);
	uint32_t f = ix ? *ix : new_node(b->fm, GR_FMAP_NAMED, n->fn, len, GR_KIND_NONE);
	if (f == GR_NONE || (!ix && !gr_strmap_put(&b->fn_map, n->fn, len, f, NULL)))
		return GR_NONE;
	b->fn_cache[slot].fn = n->fn;
	b->fn_cache[slot].ix = f;
	return f;
}

/* A service resource's node: its kind and gr_dot_resource of the key. */
static uint32_t svc_node(struct fbuild *b, enum gr_kind kind, const char *key)
{
	struct gr_fmap *fm = b->fm;
	size_t len;
	const char *res = gr_dot_resource(kind, key, &len);
	char small[256], *k = small;

	if (len + 1 > sizeof(small) && !(k = gr_arena_alloc(&fm->arena, len + 1)))
		return GR_NONE;
	k[0] = (char)kind;
	if (len)
		memcpy(k + 1, res, len);
	uint32_t *ix = gr_strmap_get(&b->svc_map, k, len + 1);
	if (ix)
		return *ix;
	if (k == small) {
		/* a new key: the map keeps a pointer to it */
		if (!(k = gr_arena_alloc(&fm->arena, len + 1)))
			return GR_NONE;
		memcpy(k, small, len + 1);
	}
	uint32_t f = new_node(fm, GR_FMAP_SERVICE, res ? k + 1 : NULL, len, kind);
	if (f == GR_NONE || !gr_strmap_put(&b->svc_map, k, len + 1, f, NULL))
		return GR_NONE;
	return f;
}

static uint32_t link(struct fbuild *b, uint32_t from, uint32_t to, enum gr_kind kind,
		     bool sync, bool consumer)
{
	struct gr_fmap *fm = b->fm;
	uint32_t key[4] = { from, to, (uint32_t)kind, (uint32_t)sync };
	uint32_t h = (from * 0x9e3779b1u) ^ (to * 0x85ebca77u) ^ ((uint32_t)kind << 1 | sync);
	size_t slot = (h * 0xc2b2ae3du) >> 22;
	uint32_t *c = b->link_cache[slot].key;

	if (b->link_cache[slot].ix != GR_NONE && c[0] == from && c[1] == to &&
	    c[2] == key[2] && c[3] == key[3])
		return b->link_cache[slot].ix;
	uint32_t *ix = gr_strmap_get(&b->link_map, (const char *)key, sizeof(key));
	if (ix) {
		memcpy(c, key, sizeof(key));
		return b->link_cache[slot].ix = *ix;
	}
	char *k = gr_arena_alloc(&fm->arena, sizeof(key));
	if (!k || GR_GROW(fm->links, fm->nlinks, fm->cap_links))
		return GR_NONE;
	memcpy(k, key, sizeof(key));
	struct gr_fmap_link *l = &fm->links[fm->nlinks];
	memset(l, 0, sizeof(*l));
	l->from = from;
	l->to = to;
	l->kind = kind;
	l->sync = sync;
	l->consumer = consumer;
	if (!gr_strmap_put(&b->link_map, k, sizeof(key), (uint32_t)fm->nlinks, NULL))
		return GR_NONE;
	memcpy(c, key, sizeof(key));
	b->link_cache[slot].ix = (uint32_t)fm->nlinks;
	return (uint32_t)fm->nlinks++;
}

/* Display order: named functions by name, the unknown ones, then services by kind and
 * name (the unnamed one of a kind last). Nodes are distinct under it, so the order
 * does not depend on the order they were met in. */
static int cmp_nodes(const void *a, const void *b, void *ctx)
{
	const struct gr_fmap_node *nodes = ctx;
	const struct gr_fmap_node *x = &nodes[*(const uint32_t *)a];
	const struct gr_fmap_node *y = &nodes[*(const uint32_t *)b];
	int c;

	if ((x->type == GR_FMAP_SERVICE) != (y->type == GR_FMAP_SERVICE))
		return x->type == GR_FMAP_SERVICE ? 1 : -1;
	if (x->kind != y->kind)
		return (int)x->kind - (int)y->kind;
	if (x->type != y->type)
		return (int)x->type - (int)y->type;
	if (!x->name || !y->name)
		return !x->name - !y->name;
	size_t n = x->name_len < y->name_len ? x->name_len : y->name_len;
	if ((c = memcmp(x->name, y->name, n)))
		return c;
	return x->name_len < y->name_len ? -1 : x->name_len > y->name_len;
}

static int cmp_links(const void *a, const void *b, void *ctx)
{
	const struct gr_fmap_link *links = ctx;
	const struct gr_fmap_link *x = &links[*(const uint32_t *)a];
	const struct gr_fmap_link *y = &links[*(const uint32_t *)b];

	if (x->from != y->from)
		return x->from < y->from ? -1 : 1;
	if (x->to != y->to)
		return x->to < y->to ? -1 : 1;
	if (x->kind != y->kind)
		return (int)x->kind - (int)y->kind;
	return (int)x->sync - (int)y->sync;
}

/* Sort (group, value) pairs by group, then value: a counting pass by group, then each
 * group's values sorted apart (cheaper than one sort of every pair). Fills vals with
 * the values in that order and at[g], cnt[g] with each group's slice. */
static int sort_by_group(const struct pair *p, size_t n, size_t ngroups, int64_t *vals,
			 size_t *at, size_t *cnt)
{
	size_t *next = calloc(ngroups + 1, sizeof(*next));

	if (!next)
		return GR_ERR_NOMEM;
	memset(cnt, 0, ngroups * sizeof(*cnt));
	for (size_t i = 0; i < n; i++)
		cnt[p[i].group]++;
	for (size_t g = 0, sum = 0; g < ngroups; g++) {
		at[g] = next[g] = sum;
		sum += cnt[g];
	}
	for (size_t i = 0; i < n; i++)
		vals[next[p[i].group]++] = p[i].v;
	for (size_t g = 0; g < ngroups; g++)
		if (cnt[g] > 1)
			gr_sort_i64(vals + at[g], cnt[g]);
	free(next);
	return 0;
}

/* Invocations into their functions' nodes. */
static int add_nodes(struct fbuild *b, const struct gr_graph *g, const uint8_t *keep,
		     struct pair *dur, size_t *ndur)
{
	struct gr_fmap *fm = b->fm;

	for (size_t i = 0; i < g->nnodes; i++) {
		const struct gr_node *n = &g->nodes[i];
		if (keep && !keep[i]) {
			fm->fn_of[i] = GR_NONE;
			continue;
		}
		uint32_t fi = fn_node(b, n);
		if (fi == GR_NONE)
			return GR_ERR_NOMEM;
		fm->fn_of[i] = fi;
		struct gr_fmap_node *f = &fm->nodes[fi];
		f->count++;
		f->cold += n->cold;
		f->restores += n->start == GR_START_RESTORE;
		f->errors += n->status == GR_STATUS_ERROR;
		f->timeouts += n->status == GR_STATUS_TIMEOUT;
		f->critical += n->critical;
		if (n->runtime && !f->runtime)
			f->runtime = n->runtime;
		else if (n->runtime && n->runtime != f->runtime && strcmp(n->runtime, f->runtime))
			f->other_runtime++;
		if (n->start_us != GR_TIME_UNKNOWN && n->end_us != GR_TIME_UNKNOWN)
			dur[(*ndur)++] = (struct pair){ fi, n->end_us - n->start_us - n->init_us -
								n->restore_us };
	}
	return 0;
}

/* Causal edges into links: through their service's node unless Lambda calls Lambda. */
static int add_edges(struct fbuild *b, const struct gr_graph *g, const uint8_t *keep,
		     const uint32_t *edges, size_t nedges, struct pair *del, size_t *ndel)
{
	struct gr_fmap *fm = b->fm;

	for (size_t i = 0; i < nedges; i++) {
		uint32_t ei = edges ? edges[i] : (uint32_t)i;
		const struct gr_edge *e = &g->edges[ei];
		if (e->dup)
			continue; /* an edge read again (gr_graph_index): drawn and counted once */
		if (keep && (!keep[e->from] || !keep[e->to])) {
			fm->outside += keep[e->from] || keep[e->to];
			continue;
		}
		fm->taken++;
		uint32_t fa = fm->fn_of[e->from], fb = fm->fn_of[e->to], li;
		if (e->kind == GR_KIND_LAMBDA) {
			if ((li = link(b, fa, fb, e->kind, e->sync, true)) == GR_NONE)
				return GR_ERR_NOMEM;
		} else {
			uint32_t s = svc_node(b, e->kind, e->key);
			if (s == GR_NONE || (li = link(b, fa, s, e->kind, e->sync, false)) == GR_NONE)
				return GR_ERR_NOMEM;
			fm->nodes[s].count++;
			fm->nodes[s].critical += e->critical;
			fm->links[li].count++;
			fm->links[li].critical += e->critical;
			fm->link_of[2 * (size_t)ei] = li;
			if ((li = link(b, s, fb, e->kind, e->sync, true)) == GR_NONE)
				return GR_ERR_NOMEM;
		}
		fm->links[li].count++;
		fm->links[li].critical += e->critical;
		fm->link_of[2 * (size_t)ei + (e->kind != GR_KIND_LAMBDA)] = li;
		del[(*ndel)++] = (struct pair){ li, e->delay_us };
	}
	return 0;
}

/* Nodes into display order with their ids; every node index follows. */
static int order_nodes(struct gr_fmap *fm, const struct gr_graph *g, struct pair *dur,
		       size_t ndur)
{
	uint32_t *order = malloc((fm->nnodes + 1) * sizeof(*order));
	uint32_t *pos = malloc((fm->nnodes + 1) * sizeof(*pos));
	struct gr_fmap_node *nodes = malloc((fm->nnodes + 1) * sizeof(*nodes));

	if (!order || !pos || !nodes) {
		free(order);
		free(pos);
		free(nodes);
		return GR_ERR_NOMEM;
	}
	for (size_t i = 0; i < fm->nnodes; i++)
		order[i] = (uint32_t)i;
	qsort_r(order, fm->nnodes, sizeof(*order), cmp_nodes, fm->nodes);
	uint32_t nf = 0, ns = 0;
	for (size_t i = 0; i < fm->nnodes; i++) {
		struct gr_fmap_node *f = &nodes[i];
		*f = fm->nodes[order[i]];
		pos[order[i]] = (uint32_t)i;
		if (f->type == GR_FMAP_SERVICE)
			snprintf(f->id, sizeof(f->id), "s%u", ++ns);
		else
			snprintf(f->id, sizeof(f->id), "f%u", ++nf);
	}
	free(fm->nodes);
	fm->nodes = nodes;
	fm->cap_nodes = fm->nnodes + 1;
	for (size_t i = 0; i < g->nnodes; i++)
		if (fm->fn_of[i] != GR_NONE)
			fm->fn_of[i] = pos[fm->fn_of[i]];
	for (size_t i = 0; i < ndur; i++)
		dur[i].group = pos[dur[i].group];
	for (size_t i = 0; i < fm->nlinks; i++) {
		fm->links[i].from = pos[fm->links[i].from];
		fm->links[i].to = pos[fm->links[i].to];
	}
	free(order);
	free(pos);
	return 0;
}

int gr_fmap_build(struct gr_fmap *fm, const struct gr_graph *g, const uint8_t *keep,
		  const uint32_t *edges, size_t nedges)
{
	size_t nn = g->nnodes, ndur = 0, ndel = 0, *at = NULL, *cnt = NULL;
	struct pair *dur = NULL, *del = NULL;
	struct fbuild b = { .fm = fm, .special = { GR_NONE, GR_NONE } };
	int rc = GR_ERR_NOMEM;

	memset(fm, 0, sizeof(*fm));
	for (size_t i = 0; i < LINK_CACHE; i++)
		b.link_cache[i].ix = GR_NONE;
	if (!edges)
		nedges = g->nedges;
	fm->fn_of = malloc((nn + 1) * sizeof(*fm->fn_of));
	fm->link_of = malloc((2 * g->nedges + 1) * sizeof(*fm->link_of));
	dur = malloc((nn + 1) * sizeof(*dur));
	del = malloc((nedges + 1) * sizeof(*del));
	if (!fm->fn_of || !fm->link_of || !dur || !del)
		goto out;
	memset(fm->link_of, 0xff, 2 * g->nedges * sizeof(*fm->link_of)); /* GR_NONE */
	if ((rc = add_nodes(&b, g, keep, dur, &ndur)) ||
	    (rc = add_edges(&b, g, keep, edges, nedges, del, &ndel)) ||
	    (rc = order_nodes(fm, g, dur, ndur)))
		goto out;
	rc = GR_ERR_NOMEM;
	size_t ng = fm->nnodes > fm->nlinks ? fm->nnodes : fm->nlinks;
	if (!(fm->durs = malloc((ndur + 1) * sizeof(*fm->durs))) ||
	    !(fm->dels = malloc((ndel + 1) * sizeof(*fm->dels))) ||
	    !(fm->link_order = malloc((fm->nlinks + 1) * sizeof(*fm->link_order))) ||
	    !(at = malloc((ng + 1) * sizeof(*at))) || !(cnt = malloc((ng + 1) * sizeof(*cnt))))
		goto out;
	if (sort_by_group(dur, ndur, fm->nnodes, fm->durs, at, cnt))
		goto out;
	for (size_t i = 0; i < fm->nnodes; i++) {
		fm->nodes[i].dur_at = at[i];
		fm->nodes[i].ndur = cnt[i];
	}
	if (sort_by_group(del, ndel, fm->nlinks, fm->dels, at, cnt))
		goto out;
	for (size_t i = 0; i < fm->nlinks; i++) {
		fm->links[i].del_at = at[i];
		fm->links[i].ndel = cnt[i];
		fm->link_order[i] = (uint32_t)i;
	}
	qsort_r(fm->link_order, fm->nlinks, sizeof(*fm->link_order), cmp_links, fm->links);
	rc = 0;
out:
	gr_strmap_release(&b.fn_map);
	gr_strmap_release(&b.svc_map);
	gr_strmap_release(&b.link_map);
	free(dur);
	free(del);
	free(at);
	free(cnt);
	return rc;
}

void gr_fmap_release(struct gr_fmap *fm)
{
	free(fm->nodes);
	free(fm->links);
	free(fm->link_order);
	free(fm->fn_of);
	free(fm->link_of);
	free(fm->durs);
	free(fm->dels);
	gr_arena_release(&fm->arena);
	memset(fm, 0, sizeof(*fm));
}
