/* report.c: gammaray-report's model: the application map (lib/dot's function map), runs, their lists and details. */
#include <stdlib.h>
#include <string.h>

#include "common/json_scan.h"
#include "report/report.h"

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
	if ((rc = gr_fmap_build(&r->map, g, NULL, NULL, 0)))
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
	gr_fmap_release(&r->map);
	free(r->extra_type);
	memset(r, 0, sizeof(*r));
}
