/* report.c: gammaray-report's model: the application map's numbers, runs, their lists and details. */
#include <stdlib.h>
#include <string.h>

#include "common/json_scan.h"
#include "common/numbers.h"
#include "dot/dot.h"
#include "report/report.h"

/* (group, value) pairs: durations per map node, delays per link. */
struct pair {
	uint32_t group;  /* map node or link */
	int64_t v;       /* a duration or a delay */
};


static uint32_t new_fn(struct gr_report *r, int type, const char *name, size_t len,
		       enum gr_kind kind)
{
	if (GR_GROW(r->fns, r->nfns, r->cap_fns))
		return GR_NONE;
	struct gr_report_fn *f = &r->fns[r->nfns];
	memset(f, 0, sizeof(*f));
	f->type = type;
	f->name = name;
	f->name_len = len;
	f->kind = kind;
	return (uint32_t)r->nfns++;
}

/* A function's map node, as lib/dot's function view keys it. */
static uint32_t fn_node(struct gr_report *r, const struct gr_node *n, uint32_t special[2],
		       const char **last, uint32_t *last_ix)
{
	if (n->fn && n->fn == *last)
		return *last_ix;
	if (!n->fn) {
		int type = n->stub ? GR_REPORT_FN_NO_RECORD : GR_REPORT_FN_UNKNOWN;
		uint32_t *s = &special[type - GR_REPORT_FN_UNKNOWN];
		if (*s == GR_NONE)
			*s = new_fn(r, type, NULL, 0, GR_KIND_NONE);
		return *s;
	}
	size_t len = strlen(n->fn);
	uint32_t *ix = gr_strmap_get(&r->fn_map, n->fn, len);
	if (ix)
		return *ix;
	uint32_t f = new_fn(r, GR_REPORT_FN_NAMED, n->fn, len, GR_KIND_NONE);
	if (f == GR_NONE || !gr_strmap_put(&r->fn_map, n->fn, len, f, NULL))
		return GR_NONE;
	return f;
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

/* A service resource's map node: kind + gr_dot_resource of the key. */
static uint32_t svc_node(struct gr_report *r, enum gr_kind kind, const char *key)
{
	size_t len;
	const char *res = gr_dot_resource(kind, key, &len);
	char small[256], *k = small;

	if (len + 1 > sizeof(small) && !(k = gr_arena_alloc(&r->arena, len + 1)))
		return GR_NONE;
	k[0] = (char)kind;
	if (len)
		memcpy(k + 1, res, len);
	uint32_t *ix = gr_strmap_get(&r->svc_map, k, len + 1);
	if (ix)
		return *ix;
	if (k == small) {
		/* a new key: the map keeps a pointer to it */
		if (!(k = gr_arena_alloc(&r->arena, len + 1)))
			return GR_NONE;
		memcpy(k, small, len + 1);
	}
	uint32_t f = new_fn(r, GR_REPORT_FN_SERVICE, res ? k + 1 : NULL, len, kind);
	if (f == GR_NONE || !gr_strmap_put(&r->svc_map, k, len + 1, f, NULL))
		return GR_NONE;
	return f;
}

static uint32_t link(struct gr_report *r, uint32_t from, uint32_t to, enum gr_kind kind,
		     bool sync, bool consumer)
{
	uint32_t key[4] = { from, to, (uint32_t)kind, (uint32_t)sync };
	uint32_t *ix = gr_strmap_get(&r->link_map, (const char *)key, sizeof(key));

	if (ix)
		return *ix;
	char *k = gr_arena_alloc(&r->arena, sizeof(key));
	if (!k || GR_GROW(r->links, r->nlinks, r->cap_links))
		return GR_NONE;
	memcpy(k, key, sizeof(key));
	struct gr_report_link *l = &r->links[r->nlinks];
	memset(l, 0, sizeof(*l));
	l->from = from;
	l->to = to;
	l->kind = kind;
	l->sync = sync;
	l->consumer = consumer;
	if (!gr_strmap_put(&r->link_map, k, sizeof(key), (uint32_t)r->nlinks, NULL))
		return GR_NONE;
	return (uint32_t)r->nlinks++;
}

/* lib/dot's display order: named functions by name, the unknown ones, then services by
 * kind and name; the view names them f1.. and s1.. in that order. */
static int cmp_fns(const void *a, const void *b)
{
	const struct gr_report_fn *x = a, *y = b;
	int c;

	if ((x->type == GR_REPORT_FN_SERVICE) != (y->type == GR_REPORT_FN_SERVICE))
		return x->type == GR_REPORT_FN_SERVICE ? 1 : -1;
	if (x->kind != y->kind)
		return (int)x->kind - (int)y->kind;
	if (x->type != y->type)
		return x->type - y->type;
	if (!x->name || !y->name)
		return !x->name - !y->name;
	size_t n = x->name_len < y->name_len ? x->name_len : y->name_len;
	if ((c = memcmp(x->name, y->name, n)))
		return c;
	return x->name_len < y->name_len ? -1 : x->name_len > y->name_len;
}

/* The map: nodes, links, their durations and delays. */
static int build_map(struct gr_report *r)
{
	const struct gr_graph *g = r->g;
	uint32_t special[2] = { GR_NONE, GR_NONE }, last_ix = GR_NONE;
	const char *last = NULL;
	size_t *at = NULL, *cnt = NULL;
	struct pair *dur = malloc((g->nnodes + 1) * sizeof(*dur));
	struct pair *del = malloc((g->nedges * 2 + 1) * sizeof(*del));
	uint32_t *pos = NULL;
	size_t ndur = 0, ndel = 0;
	int rc = GR_ERR_NOMEM;

	r->fn_of = malloc((g->nnodes + 1) * sizeof(*r->fn_of));
	if (!dur || !del || !r->fn_of)
		goto out;
	for (size_t i = 0; i < g->nnodes; i++) {
		const struct gr_node *n = &g->nodes[i];
		uint32_t fi = fn_node(r, n, special, &last, &last_ix);
		if (fi == GR_NONE)
			goto out;
		last = n->fn;
		last_ix = fi;
		r->fn_of[i] = fi;
		struct gr_report_fn *f = &r->fns[fi];
		f->count++;
		f->cold += n->cold;
		f->restores += n->start == GR_START_RESTORE;
		f->errors += n->status == GR_STATUS_ERROR;
		f->timeouts += n->status == GR_STATUS_TIMEOUT;
		f->critical += n->critical;
		if (n->start_us != GR_TIME_UNKNOWN && n->end_us != GR_TIME_UNKNOWN)
			dur[ndur++] = (struct pair){ fi, n->end_us - n->start_us - n->init_us -
							 n->restore_us };
	}
	for (size_t i = 0; i < g->nedges; i++) {
		const struct gr_edge *e = &g->edges[i];
		uint32_t fa = r->fn_of[e->from], fb = r->fn_of[e->to], li;
		if (e->kind == GR_KIND_LAMBDA) {
			if ((li = link(r, fa, fb, e->kind, e->sync, true)) == GR_NONE)
				goto out;
		} else {
			uint32_t s = svc_node(r, e->kind, e->key);
			if (s == GR_NONE || (li = link(r, fa, s, e->kind, e->sync, false)) == GR_NONE)
				goto out;
			r->fns[s].count++;
			r->fns[s].critical += e->critical;
			r->links[li].count++;
			r->links[li].critical += e->critical;
			if ((li = link(r, s, fb, e->kind, e->sync, true)) == GR_NONE)
				goto out;
		}
		r->links[li].count++;
		r->links[li].critical += e->critical;
		del[ndel++] = (struct pair){ li, e->delay_us };
	}
	/* display order; links and node indices follow */
	if (!(pos = malloc((r->nfns + 1) * sizeof(*pos))))
		goto out;
	for (size_t i = 0; i < r->nfns; i++)
		r->fns[i].order = (uint32_t)i;
	qsort(r->fns, r->nfns, sizeof(*r->fns), cmp_fns);
	uint32_t nf = 0, ns = 0;
	for (size_t i = 0; i < r->nfns; i++) {
		struct gr_report_fn *f = &r->fns[i];
		pos[f->order] = (uint32_t)i;
		f->order = (uint32_t)i;
		if (f->type == GR_REPORT_FN_SERVICE)
			snprintf(f->id, sizeof(f->id), "s%u", ++ns);
		else
			snprintf(f->id, sizeof(f->id), "f%u", ++nf);
	}
	for (size_t i = 0; i < g->nnodes; i++)
		r->fn_of[i] = pos[r->fn_of[i]];
	for (size_t i = 0; i < ndur; i++)
		dur[i].group = pos[dur[i].group];
	for (size_t i = 0; i < r->nlinks; i++) {
		r->links[i].from = pos[r->links[i].from];
		r->links[i].to = pos[r->links[i].to];
	}
	size_t ng = r->nfns > r->nlinks ? r->nfns : r->nlinks;
	if (!(r->durs = malloc((ndur + 1) * sizeof(*r->durs))) ||
	    !(r->dels = malloc((ndel + 1) * sizeof(*r->dels))) ||
	    !(at = malloc((ng + 1) * sizeof(*at))) || !(cnt = malloc((ng + 1) * sizeof(*cnt))))
		goto out;
	if (sort_by_group(dur, ndur, r->nfns, r->durs, at, cnt))
		goto out;
	for (size_t i = 0; i < r->nfns; i++) {
		r->fns[i].dur_at = at[i];
		r->fns[i].ndur = cnt[i];
	}
	if (sort_by_group(del, ndel, r->nlinks, r->dels, at, cnt))
		goto out;
	for (size_t i = 0; i < r->nlinks; i++) {
		r->links[i].del_at = at[i];
		r->links[i].ndel = cnt[i];
	}
	rc = 0;
out:
	free(dur);
	free(del);
	free(pos);
	free(at);
	free(cnt);
	return rc;
}

/* Latency descending, then root request id: the order of the lists. */
static int cmp_slowest(const void *a, const void *b, void *ctx)
{
	const struct gr_report *r = ctx;
	const struct gr_cp_run *x = &r->cp->runs[r->runs[*(const uint32_t *)a].cp];
	const struct gr_cp_run *y = &r->cp->runs[r->runs[*(const uint32_t *)b].cp];

	if (x->latency_us != y->latency_us)
		return x->latency_us > y->latency_us ? -1 : 1;
	return strcmp(r->g->nodes[x->root].id, r->g->nodes[y->root].id);
}

/* Flags of every run: what is reachable (failures) and what is on its path. */
static int flag_runs(struct gr_report *r)
{
	const struct gr_graph *g = r->g;
	const struct gr_cp *cp = r->cp;
	uint32_t *stamp = malloc((g->nnodes + 1) * sizeof(*stamp));
	uint32_t *stack = malloc((g->nnodes + 1) * sizeof(*stack));

	if (!stamp || !stack) {
		free(stamp);
		free(stack);
		return GR_ERR_NOMEM;
	}
	for (size_t i = 0; i < g->nnodes; i++)
		stamp[i] = GR_NONE;
	for (size_t k = 0; k < r->nruns; k++) {
		const struct gr_cp_run *run = &cp->runs[k];
		struct gr_report_run *rr = &r->runs[k];
		size_t sp = 0;
		rr->cp = (uint32_t)k;
		rr->detail = GR_NONE;
		stamp[run->root] = (uint32_t)k;
		stack[sp++] = run->root;
		while (sp) {
			uint32_t v = stack[--sp];
			const struct gr_node *n = &g->nodes[v];
			rr->errors += n->status == GR_STATUS_ERROR || n->status == GR_STATUS_TIMEOUT;
			for (uint32_t e = n->out; e != GR_NONE; e = g->edges[e].next_out) {
				uint32_t w = g->edges[e].to;
				if (stamp[w] != k) {
					stamp[w] = (uint32_t)k;
					stack[sp++] = w;
				}
			}
		}
		if (rr->errors)
			rr->flags |= GR_REPORT_F_FAILED;
		for (uint32_t h = 0; h < run->nhop; h++) {
			const struct gr_cp_hop *hop = &cp->hops[run->hop0 + h];
			if (g->nodes[hop->node].attempts > 1)
				rr->flags |= GR_REPORT_F_RETRY;
			for (uint32_t s = 0; s < hop->nseg; s++) {
				const struct gr_cp_seg *sg = &cp->segs[hop->seg0 + s];
				if (sg->type == GR_CP_INIT || sg->type == GR_CP_RESTORE)
					rr->flags |= GR_REPORT_F_COLD;
				if (g->nodes[sg->node].attempts > 1)
					rr->flags |= GR_REPORT_F_RETRY;
			}
		}
	}
	free(stamp);
	free(stack);
	return 0;
}

struct gr_str gr_report_member(const char *line, const char *key, struct gr_buf *dec)
{
	struct gr_str found = { NULL, 0 };
	size_t n = strlen(line), kn = strlen(key);
	struct gr_js js;
	struct gr_jv k, v;

	gr_buf_reset(dec);
	if (gr_buf_grow(dec, n + 1) || !gr_js_begin(&js, line, n, false, 0))
		return found;
	while (gr_js_next(&js, &k, &v) > 0) {
		/* keys as jansson matches them: decoded; the last of repeated ones */
		char kb[64];
		size_t kl = k.esc ? (k.n <= sizeof(kb) ? gr_js_unescape(k.p, k.n, kb) : 0) : k.n;
		const char *kp = k.esc ? kb : k.p;
		if (kl == kn && !memcmp(kp, key, kn))
			found = v.t == GR_JT_STR ? gr_jv_text(&v, dec) : (struct gr_str){ NULL, 0 };
	}
	return js.err ? (struct gr_str){ NULL, 0 } : found;
}

/* The type of a record kept verbatim (the graph reader took it as JSON). */
static int extra_type(const char *line, struct gr_buf *dec)
{
	struct gr_str t = gr_report_member(line, "type", dec);

	return gr_str_is(t, "unmatched") ? GR_REPORT_X_UNMATCHED
	     : gr_str_is(t, "stats")	 ? GR_REPORT_X_STATS
					 : GR_REPORT_X_OTHER;
}

int gr_report_build(struct gr_report *r, struct gr_graph *g, struct gr_cp *cp,
		    struct gr_cp_stats *cs, int top, size_t max_index)
{
	static const uint32_t want[GR_REPORT_LIST_COUNT] = {
		0, GR_REPORT_F_FAILED, GR_REPORT_F_COLD, GR_REPORT_F_RETRY,
	};
	uint32_t *order = NULL;
	int rc = GR_ERR_NOMEM;

	memset(r, 0, sizeof(*r));
	r->g = g;
	r->cp = cp;
	r->cs = cs;
	r->top = top < 0 ? 0 : top;
	r->max_index = max_index;
	if (!g->indexed && gr_graph_index(g))
		return GR_ERR_NOMEM;
	if ((rc = build_map(r)))
		return rc;
	rc = GR_ERR_NOMEM;
	r->nruns = cp->nruns;
	if (!(r->runs = calloc(r->nruns + 1, sizeof(*r->runs))) ||
	    !(order = malloc((r->nruns + 1) * sizeof(*order))) ||
	    !(r->detail = malloc((r->nruns + 1) * sizeof(*r->detail))) ||
	    !(r->index = malloc((r->nruns + 1) * sizeof(*r->index))))
		goto out;
	if ((rc = flag_runs(r)))
		goto out;
	rc = GR_ERR_NOMEM;
	for (size_t i = 0; i < r->nruns; i++)
		order[i] = (uint32_t)i;
	qsort_r(order, r->nruns, sizeof(*order), cmp_slowest, r);
	for (int l = 0; l < GR_REPORT_LIST_COUNT; l++) {
		if (!(r->lists[l] = malloc(((size_t)r->top + 1) * sizeof(*r->lists[l]))))
			goto out;
		for (size_t i = 0; i < r->nruns; i++) {
			struct gr_report_run *rr = &r->runs[order[i]];
			if ((rr->flags & want[l]) != want[l])
				continue;
			r->nflag[l]++;
			if (r->nlist[l] < (size_t)r->top) {
				r->lists[l][r->nlist[l]++] = order[i];
				rr->flags |= GR_REPORT_F_DETAIL;
			}
		}
	}
	for (size_t i = 0; i < r->nruns; i++) {
		struct gr_report_run *rr = &r->runs[order[i]];
		if (rr->flags & GR_REPORT_F_DETAIL) {
			rr->detail = (uint32_t)r->ndetail;
			r->detail[r->ndetail++] = order[i];
		}
		/* the search index: the slowest runs, the detailed ones always */
		if (r->nindex < r->max_index || (rr->flags & GR_REPORT_F_DETAIL))
			r->index[r->nindex++] = order[i];
	}
	if (!(r->extra_type = malloc(g->nextra + 1)))
		goto out;
	struct gr_buf dec = { 0 };
	for (size_t i = 0; i < g->nextra; i++) {
		r->extra_type[i] = (uint8_t)extra_type(g->extra[i], &dec);
		r->unmatched += r->extra_type[i] == GR_REPORT_X_UNMATCHED;
		r->others += r->extra_type[i] == GR_REPORT_X_OTHER;
	}
	gr_buf_release(&dec);
	rc = 0;
out:
	free(order);
	return rc;
}

void gr_report_release(struct gr_report *r)
{
	free(r->runs);
	for (int l = 0; l < GR_REPORT_LIST_COUNT; l++)
		free(r->lists[l]);
	free(r->detail);
	free(r->index);
	free(r->fns);
	free(r->links);
	free(r->durs);
	free(r->dels);
	free(r->fn_of);
	free(r->extra_type);
	gr_strmap_release(&r->fn_map);
	gr_strmap_release(&r->svc_map);
	gr_strmap_release(&r->link_map);
	gr_arena_release(&r->arena);
	memset(r, 0, sizeof(*r));
}
