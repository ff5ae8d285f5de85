/* report.c: gammaray-report's model: the application map (lib/dot's function map), runs, their lists and details. */
#include <stdlib.h>
#include <string.h>

#include "common/json_scan.h"
#include "common/numbers.h"
#include "report/report.h"

/* Runs (indices into r->runs) slowest first, then by root request id: the order of
 * the lists. */
static int cmp_slowest(const void *a, const void *b, void *ctx)
{
	const struct gr_report *r = ctx;
	const struct gr_cp_run *x = &r->cp->runs[r->runs[*(const uint32_t *)a].cp];
	const struct gr_cp_run *y = &r->cp->runs[r->runs[*(const uint32_t *)b].cp];

	if (x->latency_us != y->latency_us)
		return x->latency_us > y->latency_us ? -1 : 1;
	return strcmp(r->g->nodes[x->root].id, r->g->nodes[y->root].id);
}

/* The runs slowest first, ties by root id, into order: a radix sort by latency (on
 * its complement: descending; qsort's merge sort through the runs was a third of
 * building the report), then only runs of equal latency by name. 0 or GR_ERR_NOMEM. */
static int order_slowest(const struct gr_report *r, uint32_t *order)
{
	int64_t *key = malloc((r->nruns + 1) * sizeof(*key));

	if (!key)
		return GR_ERR_NOMEM;
	for (size_t i = 0; i < r->nruns; i++) {
		key[i] = ~r->cp->runs[r->runs[i].cp].latency_us; /* -latency - 1, no overflow */
		order[i] = (uint32_t)i;
	}
	gr_order_i64_by(order, key, r->nruns, cmp_slowest, (void *)r);
	free(key);
	return 0;
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

void gr_report_members(const char *line, const char *const *keys, size_t n, struct gr_str *out,
		       struct gr_buf *dec)
{
	size_t len = strlen(line);
	struct gr_js js;
	struct gr_jv k, v;

	for (size_t i = 0; i < n; i++)
		out[i] = (struct gr_str){ NULL, 0 };
	gr_buf_reset(dec);
	/* values decoded one after another: together never longer than the line */
	if (gr_buf_grow(dec, len + 1) || !gr_js_begin(&js, line, len, false, 0))
		return;
	while (gr_js_next(&js, &k, &v) > 0) {
		char kb[64];
		size_t kl = k.esc ? (k.n <= sizeof(kb) ? gr_js_unescape(k.p, k.n, kb) : 0) : k.n;
		const char *kp = k.esc ? kb : k.p;
		for (size_t i = 0; i < n; i++)
			if (kl == strlen(keys[i]) && !memcmp(kp, keys[i], kl))
				out[i] = v.t == GR_JT_STR ? gr_jv_text(&v, dec) : (struct gr_str){ NULL, 0 };
	}
	if (js.err)
		for (size_t i = 0; i < n; i++)
			out[i] = (struct gr_str){ NULL, 0 };
}

/* Copy s into a group's field, cut to the field's size less one. */
static void field(char *to, size_t size, struct gr_str s)
{
	size_t n = s.p ? (s.n < size - 1 ? s.n : size - 1) : 0;

	memcpy(to, s.p ? s.p : "", n);
	to[n] = '\0';
}

/* Each record kept verbatim read once: its type, and unmatched evidence's group. */
static void read_extras(struct gr_report *r)
{
	static const char *const keys[3] = { "type", "what", "kind" };
	const struct gr_graph *g = r->g;
	struct gr_buf dec = { 0 };

	for (size_t i = 0; i < g->nextra; i++) {
		struct gr_str m[3];
		gr_report_members(g->extra[i], keys, 3, m, &dec);
		int t = gr_str_is(m[0], "unmatched") ? GR_REPORT_X_UNMATCHED
		      : gr_str_is(m[0], "stats")     ? GR_REPORT_X_STATS
						     : GR_REPORT_X_OTHER;
		r->extra_type[i] = (uint8_t)t;
		r->others += t == GR_REPORT_X_OTHER;
		if (t != GR_REPORT_X_UNMATCHED)
			continue;
		r->unmatched++;
		struct gr_report_group key;
		field(key.what, sizeof(key.what), m[1]);
		field(key.kind, sizeof(key.kind), m[2]);
		size_t k = 0;
		while (k < r->ngroups &&
		       (strcmp(r->groups[k].what, key.what) || strcmp(r->groups[k].kind, key.kind)))
			k++;
		if (k == r->ngroups && k < GR_REPORT_MAX_GROUPS) {
			key.n = 0;
			r->groups[r->ngroups++] = key;
		}
		if (k < r->ngroups)
			r->groups[k].n++;
	}
	gr_buf_release(&dec);
}

int gr_report_begin(struct gr_report *r, struct gr_graph *g, struct gr_cp *cp, int top,
		    size_t max_index)
{
	memset(r, 0, sizeof(*r));
	r->g = g;
	r->cp = cp;
	r->top = top < 0 ? 0 : top;
	r->max_index = max_index;
	if (!g->indexed && gr_graph_index(g))
		return GR_ERR_NOMEM;
	return gr_fmap_build(&r->map, g, NULL, NULL, 0);
}

int gr_report_build(struct gr_report *r, struct gr_cp_stats *cs)
{
	static const uint32_t want[GR_REPORT_LIST_COUNT] = {
		0, GR_REPORT_F_FAILED, GR_REPORT_F_COLD, GR_REPORT_F_RETRY,
	};
	const struct gr_graph *g = r->g;
	const struct gr_cp *cp = r->cp;
	uint32_t *order = NULL;
	int rc = GR_ERR_NOMEM;

	r->cs = cs;
	r->nruns = cp->nruns;
	if (!(r->runs = calloc(r->nruns + 1, sizeof(*r->runs))) ||
	    !(order = malloc((r->nruns + 1) * sizeof(*order))) ||
	    !(r->detail = malloc((r->nruns + 1) * sizeof(*r->detail))) ||
	    !(r->index = malloc((r->nruns + 1) * sizeof(*r->index))))
		goto out;
	if ((rc = flag_runs(r)) || (rc = order_slowest(r, order)))
		goto out;
	rc = GR_ERR_NOMEM;
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
	read_extras(r);
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
	gr_fmap_release(&r->map);
	free(r->extra_type);
	memset(r, 0, sizeof(*r));
}
