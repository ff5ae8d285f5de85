/* link_keytime.c: keys with time: each S3, DynamoDB or by-name Invoke trigger gets the latest matching write before it. */
#include <stdlib.h>
#include <string.h>

#include "infer/rules/rules.h"

/*
 * The rule: an effect is caused by the latest write of its key that happened before
 * it (within the link window). When writes race for one key, several effects of the
 * same function compete for them; each write triggers each subscribed function
 * once. So the triggers of one (key, function) are processed latest first, each
 * taking the latest write before it that no later trigger took (a union-find skips
 * the taken ones, so this stays near-linear however hot the key). Triggers are
 * ordered by the sequence number the service gives them (S3 sequencer, DynamoDB
 * stream sequence number) when they all have one, else by the effect's start.
 * Ids that name one write (S3 version, ETag) are used first. A match that had
 * other untaken candidates from other producers gets a lower confidence.
 */

/* One trigger record to match. */
struct kt_item {
	uint64_t key;        /* group: fingerprint of the key */
	const char *fn;      /* group: function of the effect */
	int64_t t;           /* the effect's first START */
	const char *order;   /* the service's sequence number, or NULL */
	const char *id;      /* the effect's request id (ties) */
	uint32_t src;        /* the trigger record */
	uint8_t op;          /* group: put or remove */
	bool pre;            /* matched by an exact id already */
};

/* A candidate write of a group. */
struct kt_cand {
	int64_t ts;          /* when it happened */
	const char *by;      /* its producer's request id (ties) */
	uint32_t cause;      /* the cause */
	uint32_t node;       /* its producer */
};

static int cmp_u64(uint64_t a, uint64_t b)
{
	return (a > b) - (a < b);
}

static int cmp_group(const struct kt_item *x, const struct kt_item *y)
{
	int c = cmp_u64(x->key, y->key);

	if (c)
		return c;
	if (x->fn != y->fn)
		return (uintptr_t)x->fn < (uintptr_t)y->fn ? -1 : 1;
	return (int)x->op - (int)y->op;
}

static int cmp_time(const void *a, const void *b)
{
	const struct kt_item *x = a, *y = b;
	int c = cmp_group(x, y);

	if (c)
		return c;
	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return strcmp(x->id, y->id);
}

/* Sequence numbers: decimal (DynamoDB, Kinesis) or hex (S3) of any length. */
static int cmp_seq(const char *a, const char *b)
{
	while (*a == '0')
		a++;
	while (*b == '0')
		b++;
	size_t an = strlen(a), bn = strlen(b);
	if (an != bn)
		return an < bn ? -1 : 1;
	int c = strcmp(a, b);
	return c;
}

static int cmp_order(const void *a, const void *b)
{
	const struct kt_item *x = a, *y = b;
	/* a trigger already matched by an id may have no sequence number: first */
	int c = cmp_seq(x->order ? x->order : "", y->order ? y->order : "");

	if (c)
		return c;
	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return strcmp(x->id, y->id);
}

static int cmp_cand(const void *a, const void *b)
{
	const struct kt_cand *x = a, *y = b;

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	int c = strcmp(x->by, y->by);
	if (c)
		return c;
	return (x->cause > y->cause) - (x->cause < y->cause);
}

/* Union-find over candidate positions 1..n (0: none): find(x) is the largest untaken
 * position <= x. */
static uint32_t uf_find(uint32_t *up, uint32_t x)
{
	while (up[x] != x) {
		up[x] = up[up[x]];
		x = up[x];
	}
	return x;
}

/* Number of candidates with ts <= t. */
static size_t upper(const struct kt_cand *c, size_t n, int64_t t)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c[mid].ts <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* --window: the fingerprint of "this write was taken by this function" (writes are
 * taken across several releases; their indices change when the state is compacted). */
static uint64_t taken_fp(const struct gr_infer *inf, const struct kt_cand *c, const char *fn)
{
	const struct gr_inf_cause *cs = &((const struct gr_inf_cause *)inf->causes.v)[c->cause];
	uint64_t h = gr_fp_mix(gr_fp_mix_u64(cs->key, (uint64_t)cs->ts), c->by, strlen(c->by));

	return gr_fp_mix(h, fn ? fn : "", fn ? strlen(fn) : 0);
}

static bool was_taken(const struct gr_infer *inf, const struct kt_cand *c, const char *fn)
{
	uint64_t fp = taken_fp(inf, c, fn);

	return gr_fpmap_get(&inf->taken, fp) || gr_fpmap_get(&inf->taken_old, fp);
}

/* Match the triggers items[0..n) of one (key, function, op) group. */
static void group(struct gr_infer *inf, struct kt_item *items, size_t n)
{
	struct kt_cand *c = NULL;
	uint32_t *up = NULL;
	size_t nc = 0, cap = 0;
	uint64_t key = items[0].key;
	int kind = INF_SRC(inf, items[0].src)->kind;

	for (uint32_t a = gr_inf_alias_first(inf, key); a != INF_NONE; a = INF_ALIAS(inf, a)->next) {
		uint32_t ci = INF_ALIAS(inf, a)->cause;
		const struct gr_inf_cause *cs = INF_CAUSE(inf, ci);
		if (cs->kind != kind || !gr_inf_op_fits(items[0].op, cs->op) ||
		    (cs->flags & (CF_XRAY | CF_GONE | CF_SPAN)))
			continue;
		if (kind == GR_KIND_LAMBDA && cs->op == OP_SYNC)
			continue;
		if (inf->o.window_us &&
		    was_taken(inf, &(struct kt_cand){ cs->ts, INF_NODE(inf, cs->node)->id, ci, 0 },
			      items[0].fn))
			continue;
		if (nc == cap) {
			cap = cap ? cap * 2 : 16;
			struct kt_cand *p = realloc(c, cap * sizeof(*p));
			if (!p) {
				free(c);
				gr_inf_fail(inf, GR_ERR_NOMEM, "out of memory");
				return;
			}
			c = p;
		}
		c[nc++] = (struct kt_cand){ cs->ts, INF_NODE(inf, cs->node)->id, ci, cs->node };
	}
	if (nc)
		qsort(c, nc, sizeof(*c), cmp_cand);
	up = malloc((nc + 1) * sizeof(*up));
	if (!up) {
		free(c);
		gr_inf_fail(inf, GR_ERR_NOMEM, "out of memory");
		return;
	}
	for (size_t i = 0; i <= nc; i++)
		up[i] = (uint32_t)i;
	/* writes already named by an id are taken */
	for (size_t i = 0; i < n; i++) {
		if (!items[i].pre)
			continue;
		const struct gr_inf_cause *cs = INF_CAUSE(inf, INF_SRC(inf, items[i].src)->cause);
		uint32_t ci = INF_SRC(inf, items[i].src)->cause;
		size_t lo = cs->ts == INT64_MIN ? 0 : upper(c, nc, cs->ts - 1); /* no overflow */
		for (; lo < nc && c[lo].ts == cs->ts; lo++)
			if (c[lo].cause == ci)
				up[lo + 1] = (uint32_t)lo;
	}
	/* order: by sequence numbers when every trigger has one */
	bool all_ordered = true;
	for (size_t i = 0; i < n; i++)
		if (!items[i].pre && !items[i].order)
			all_ordered = false;
	if (all_ordered)
		qsort(items, n, sizeof(*items), cmp_order);
	uint32_t *pos = calloc(n, sizeof(*pos)), *dup = malloc(n * sizeof(*dup));
	if (!pos || !dup) {
		free(pos);
		free(dup);
		free(c);
		free(up);
		gr_inf_fail(inf, GR_ERR_NOMEM, "out of memory");
		return;
	}
	size_t prev = SIZE_MAX;
	int64_t tol = inf->o.tolerance_us, win = inf->o.link_window_us;
	for (size_t k = n; k-- > 0;) {
		struct kt_item *it = &items[k];
		struct gr_inf_src *s = INF_SRC(inf, it->src);
		dup[k] = INF_NONE;
		if (it->pre)
			continue;
		s->flags |= SF_DONE;
		if (prev != SIZE_MAX && it->order && items[prev].order &&
		    !strcmp(it->order, items[prev].order)) {
			/* the same record again (a retried batch): the same write */
			dup[k] = (uint32_t)prev;
			continue;
		}
		prev = k;
		if (it->t == GR_TIME_UNKNOWN)
			continue;
		/* the latest untaken write before the effect; one within the clock
		 * tolerance after it only when there is none before */
		size_t before = upper(c, nc, it->t);
		uint32_t x = uf_find(up, (uint32_t)before);
		if (!x || c[x - 1].ts < it->t - win) {
			uint32_t y = uf_find(up, (uint32_t)upper(c, nc, it->t + tol));
			x = y > before ? y : 0;
		}
		if (!x || c[x - 1].ts < it->t - win) {
			if (kind == GR_KIND_LAMBDA)
				gr_inf_lambda_sync(inf, s, key, INF_NODE(inf, s->node));
			continue;
		}
		up[x] = x - 1;
		pos[k] = x;
		if (inf->o.window_us &&
		    !gr_fpmap_put(&inf->taken, taken_fp(inf, &c[x - 1], it->fn), 0, NULL))
			gr_inf_fail(inf, GR_ERR_NOMEM, "out of memory");
	}
	/* confidence: writes of other producers that no trigger took, in the effect's
	 * window, could have been its cause as well */
	for (size_t k = 0; k < n; k++) {
		uint32_t x = pos[k];
		const struct kt_item *it = &items[k];
		if (!x)
			continue;
		int others = 0, steps = 0;
		for (uint32_t y = uf_find(up, (uint32_t)upper(c, nc, it->t + tol));
		     y && c[y - 1].ts >= it->t - win && steps < 16; y = uf_find(up, y - 1), steps++)
			if (c[y - 1].node != c[x - 1].node)
				others++;
		gr_inf_src_assign(INF_SRC(inf, it->src), c[x - 1].cause, (float)(0.9 / (1 + others)),
		       EV_HEURISTIC);
	}
	for (size_t k = 0; k < n; k++) {
		if (dup[k] == INF_NONE)
			continue;
		const struct gr_inf_src *ps = INF_SRC(inf, items[dup[k]].src);
		if (ps->cause != INF_NONE)
			gr_inf_src_assign(INF_SRC(inf, items[k].src), ps->cause, ps->conf, ps->evidence);
	}
	free(pos);
	free(dup);
	free(c);
	free(up);
}

void gr_inf_keytime(struct gr_infer *inf, const uint32_t *nodes, size_t nn)
{
	struct kt_item *items = NULL;
	size_t n = 0, cap = 0;
	size_t count = nodes ? nn : inf->nodes.n;

	for (size_t i = 0; i < count && !inf->fatal; i++) {
		uint32_t ni = nodes ? nodes[i] : (uint32_t)i;
		const struct gr_inf_node *e = INF_NODE(inf, ni);
		for (uint32_t si = e->src; si != INF_NONE; si = INF_SRC(inf, si)->next) {
			struct gr_inf_src *s = INF_SRC(inf, si);
			if (s->rule != R_KEYTIME || (s->flags & SF_DONE))
				continue;
			uint64_t key = s->key;
			if (s->kind == GR_KIND_LAMBDA &&
			    gr_inf_alias_first(inf, gr_inf_fp1(T_LCALLEE, e->id, strlen(e->id))) != INF_NONE) {
				/* an Invoke named its request id: no need to guess */
				s->flags |= SF_DONE;
				continue;
			}
			if (s->kind == GR_KIND_LAMBDA && !key) {
				const char *fn = gr_inf_node_fn(inf, e);
				if (!fn) {
					s->flags |= SF_DONE;
					continue;
				}
				key = s->key = gr_inf_fp1(T_LFN, fn, strlen(fn));
				if (!s->text)
					s->text = fn;
			}
			if (s->kind == GR_KIND_S3)
				key = gr_inf_s3_key(inf, s, key);
			int64_t t = gr_inf_node_first(inf, e);
			bool pre = s->kind == GR_KIND_S3 && gr_inf_s3_exact(inf, s, key, t);
			if (n == cap) {
				cap = cap ? cap * 2 : 1024;
				struct kt_item *p = realloc(items, cap * sizeof(*p));
				if (!p) {
					free(items);
					gr_inf_fail(inf, GR_ERR_NOMEM, "out of memory");
					return;
				}
				items = p;
			}
			items[n++] = (struct kt_item){ key, gr_inf_node_fn(inf, e), t, s->order, e->id, si,
						       s->op, pre };
		}
	}
	if (n) /* items is NULL when nothing was collected: qsort wants an array */
		qsort(items, n, sizeof(*items), cmp_time);
	for (size_t i = 0; i < n && !inf->fatal;) {
		size_t j = i + 1;
		while (j < n && !cmp_group(&items[i], &items[j]))
			j++;
		group(inf, items + i, j - i);
		i = j;
	}
	free(items);
}
