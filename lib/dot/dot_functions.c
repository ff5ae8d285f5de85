/* dot_functions.c: the function view: functions and service resources with edge and latency statistics. */
#include <cgraph.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/prices.h"
#include "dot/dot.h"

#define COLOR_CRITICAL "#d00000"
#define FILL_ERROR "#f8c9c4"
#define FILL_SERVICE "#e8f0e0"

/* What the view shows of a map node beyond the map's numbers. */
struct fnode {
	uint32_t slowest;      /* node index of the longest invocation, GR_NONE */
	int64_t slowest_us;    /* its duration */
	uint32_t first_error;  /* node index of the first failed invocation, GR_NONE */
	int64_t first_us;      /* earliest start */
	int64_t last_us;       /* latest end */
	gr_u128 cost;          /* with prices: pico-dollars of its invocations of known cost */
	uint32_t unpriced;     /* ...and its invocations of unknown cost */
	void *an;              /* Agnode_t */
};

/* What the view shows of a map link beyond the map's numbers. */
struct fedge {
	uint32_t ev[4];        /* evidence: marker, xray-parent/-link, heuristic, other */
	double min_conf;       /* lowest confidence */
	uint32_t slow_edge;    /* consumers: graph edge with the longest delay, GR_NONE */
	int64_t slow_delay;    /* that delay */
	int64_t first_cause;   /* earliest cause time (GR_TIME_UNKNOWN: none) */
	int64_t last_cause;    /* latest */
};

struct fview {
	struct gr_dot_build *b;  /* the build */
	const struct gr_fmap *fm;/* the map of the selected runs: own, or the caller's */
	struct gr_fmap own;      /* the map built here when it is not the caller's */
	struct fnode *nodes;     /* per map node */
	struct fedge *edges;     /* per map link */
};

/* The view's own numbers of each map node, from the selected invocations (in any
 * order: ties are broken by the nodes' ids). */
static void add_nodes(struct fview *v)
{
	struct gr_dot_build *b = v->b;
	const struct gr_dot_model *m = b->m;
	const struct gr_graph *g = m->g;

	for (size_t i = 0; i < v->fm->nnodes; i++) {
		struct fnode *f = &v->nodes[i];
		memset(f, 0, sizeof(*f));
		f->slowest = f->first_error = GR_NONE;
		f->slowest_us = -1;
		f->first_us = INT64_MAX;
		f->last_us = INT64_MIN;
	}
	for (uint32_t i = 0; i < g->nnodes; i++) {
		const struct gr_node *n = &g->nodes[i];
		if (!m->keep[i])
			continue;
		struct fnode *f = &v->nodes[v->fm->fn_of[i]];
		if ((n->status == GR_STATUS_ERROR || n->status == GR_STATUS_TIMEOUT) &&
		    (f->first_error == GR_NONE || gr_dot_node_cmp(g, i, f->first_error) < 0))
			f->first_error = i;
		if (b->o->prices) {
			int64_t pico;
			if (gr_node_cost(b->o->prices, n, &pico))
				f->cost += (gr_u128)pico;
			else
				f->unpriced++;
		}
		if (n->start_us != GR_TIME_UNKNOWN && n->start_us < f->first_us)
			f->first_us = n->start_us;
		if (n->end_us != GR_TIME_UNKNOWN && n->end_us > f->last_us)
			f->last_us = n->end_us;
		if (n->start_us != GR_TIME_UNKNOWN && n->end_us != GR_TIME_UNKNOWN) {
			int64_t d = n->end_us - n->start_us - n->init_us - n->restore_us;
			/* the first one counts whatever its value: a node whose end is
			 * before its start has a negative duration */
			if (f->slowest == GR_NONE || d > f->slowest_us ||
			    (d == f->slowest_us && strcmp(n->id, g->nodes[f->slowest].id) < 0)) {
				f->slowest_us = d;
				f->slowest = i;
			}
		}
	}
}

static void edge_add(struct fview *v, uint32_t li, const struct gr_edge *e, uint32_t ei)
{
	struct fedge *f = &v->edges[li];
	const char *ev = e->evidence ? e->evidence : "";

	if (!strcmp(ev, "marker"))
		f->ev[0]++;
	else if (!strncmp(ev, "xray", 4))
		f->ev[1]++;
	else if (!strcmp(ev, "heuristic"))
		f->ev[2]++;
	else
		f->ev[3]++;
	if (e->confidence < f->min_conf)
		f->min_conf = e->confidence;
	if (e->cause_us != GR_TIME_UNKNOWN) {
		if (f->first_cause == GR_TIME_UNKNOWN || e->cause_us < f->first_cause)
			f->first_cause = e->cause_us;
		if (f->last_cause == GR_TIME_UNKNOWN || e->cause_us > f->last_cause)
			f->last_cause = e->cause_us;
	}
	/* edges come in canonical order, so the first of equal delays wins */
	if (v->fm->links[li].consumer &&
	    (f->slow_edge == GR_NONE || e->delay_us > f->slow_delay)) {
		f->slow_delay = e->delay_us;
		f->slow_edge = ei;
	}
}

/* The view's own numbers of each map link, from the edges drawn. */
static void add_edges(struct fview *v)
{
	const struct gr_dot_model *m = v->b->m;
	const struct gr_graph *g = m->g;

	for (size_t i = 0; i < v->fm->nlinks; i++) {
		struct fedge *f = &v->edges[i];
		memset(f, 0, sizeof(*f));
		f->min_conf = 1;
		f->slow_edge = GR_NONE;
		f->slow_delay = INT64_MIN;
		f->first_cause = f->last_cause = GR_TIME_UNKNOWN;
	}
	for (size_t i = 0; i < m->nedges; i++) {
		uint32_t ei = m->edges[i];
		const uint32_t *li = &v->fm->link_of[2 * (size_t)ei];
		if (li[0] == GR_NONE)
			continue;
		edge_add(v, li[0], &g->edges[ei], ei);
		if (li[1] != GR_NONE)
			edge_add(v, li[1], &g->edges[ei], ei);
	}
}

static const char *service_title(enum gr_kind k)
{
	switch (k) {
	case GR_KIND_S3: return "S3 bucket";
	case GR_KIND_DYNAMODB: return "DynamoDB table";
	case GR_KIND_SNS: return "SNS topic";
	case GR_KIND_SQS: return "SQS queue";
	case GR_KIND_KINESIS: return "Kinesis stream";
	case GR_KIND_EVENTS: return "EventBridge bus";
	case GR_KIND_SFN: return "Step Functions state machine";
	default: return "service";
	}
}

static const char *service_shape(enum gr_kind k)
{
	switch (k) {
	case GR_KIND_SQS:
	case GR_KIND_KINESIS: return "box3d";
	case GR_KIND_SNS:
	case GR_KIND_EVENTS: return "hexagon";
	case GR_KIND_SFN: return "component";
	default: return "cylinder";
	}
}

static void pct_line(struct gr_buf *t, const char *what, const int64_t *v, size_t n)
{
	char p50[32], p95[32];

	gr_duration_format(gr_pct_i64(v, n, 0.50), p50, sizeof(p50));
	gr_duration_format(gr_pct_i64(v, n, 0.95), p95, sizeof(p95));
	gr_buf_addf(t, "%sp50 %s, p95 %s", what, p50, p95);
}

static void rate(struct gr_buf *t, const char *what, uint32_t k, uint32_t n)
{
	gr_buf_addf(t, "%s %u (%.1f%%)", what, k, n ? 100.0 * k / n : 0.0);
}

static void name_text(struct gr_buf *t, enum gr_dot_text mode, const struct gr_fmap_node *f)
{
	if (f->name)
		gr_dot_text(t, mode, f->name, f->name_len,
			    mode == GR_DOT_LABEL ? GR_DOT_MAX_LABEL_TEXT : GR_DOT_MAX_TOOLTIP_TEXT);
	else if (f->type == GR_FMAP_NO_RECORD)
		gr_buf_adds(t, "(no record)");
	else if (f->type == GR_FMAP_SERVICE)
		gr_buf_adds(t, "(name not in the graph)");
	else
		gr_buf_adds(t, "(unknown function)");
}

/* "cost $X", "cost $X (+2 unknown)", "cost unknown": what its invocations cost. */
static void cost_text(struct gr_buf *t, const struct gr_fmap_node *n, const struct fnode *f)
{
	char d[64];

	if (f->unpriced == n->count) {
		gr_buf_adds(t, "cost unknown");
		return;
	}
	gr_pico_dollars(f->cost, d, sizeof(d));
	gr_buf_addf(t, "cost %s", d);
	if (f->unpriced)
		gr_buf_addf(t, " (+%u unknown)", f->unpriced);
}

static void function_attrs(struct fview *v, uint32_t i)
{
	struct gr_dot_build *b = v->b;
	const struct gr_graph *g = b->m->g;
	const struct gr_fmap_node *n = &v->fm->nodes[i];
	const struct fnode *f = &v->nodes[i];
	const int64_t *dur = v->fm->durs + n->dur_at;
	struct gr_buf *t = &b->t;
	char d[32], iso[40];

	gr_buf_reset(t);
	name_text(t, GR_DOT_LABEL, n);
	gr_dot_newline(t);
	gr_buf_addf(t, "%u invocation%s", n->count, n->count == 1 ? "" : "s");
	if (n->ndur) {
		gr_dot_newline(t);
		pct_line(t, "duration ", dur, n->ndur);
	}
	if (n->type != GR_FMAP_NO_RECORD) {
		gr_dot_newline(t);
		rate(t, "cold", n->cold, n->count);
		rate(t, ", errors", n->errors, n->count);
		if (n->timeouts)
			rate(t, ", timeouts", n->timeouts, n->count);
	}
	if (b->o->prices) {
		gr_dot_newline(t);
		cost_text(t, n, f);
	}
	gr_dot_set_text(b, f->an, "label");

	gr_buf_reset(t);
	gr_buf_adds(t, n->type == GR_FMAP_NO_RECORD ? "invocations only named by edges: "
						     : "function: ");
	name_text(t, GR_DOT_TOOLTIP, n);
	gr_dot_newline(t);
	gr_buf_addf(t, "invocations: %u", n->count);
	if (f->first_us != INT64_MAX) {
		gr_time_format_iso(f->first_us, iso, sizeof(iso));
		gr_dot_newline(t);
		gr_buf_addf(t, "first start: %s", iso);
	}
	if (f->last_us != INT64_MIN) {
		gr_time_format_iso(f->last_us, iso, sizeof(iso));
		gr_dot_newline(t);
		gr_buf_addf(t, "last end: %s", iso);
	}
	if (n->ndur) {
		gr_dot_newline(t);
		pct_line(t, "duration ", dur, n->ndur);
		gr_duration_format(f->slowest_us, d, sizeof(d));
		gr_buf_addf(t, ", max %s", d);
		gr_dot_newline(t);
		gr_buf_adds(t, "slowest: ");
		gr_dot_texts(t, GR_DOT_TOOLTIP, g->nodes[f->slowest].id);
	}
	gr_dot_newline(t);
	gr_buf_addf(t, "cold starts: %u, errors: %u, timeouts: %u", n->cold, n->errors, n->timeouts);
	if (n->runtime) {
		gr_dot_newline(t);
		gr_buf_adds(t, "runtime: ");
		gr_dot_texts(t, GR_DOT_TOOLTIP, n->runtime);
		if (n->other_runtime)
			gr_buf_addf(t, " (%u invocation%s on another)", n->other_runtime,
				    n->other_runtime == 1 ? "" : "s");
	}
	if (b->o->prices) {
		char money[48];
		gr_pico_dollars(f->cost, money, sizeof(money));
		gr_dot_newline(t);
		if (f->unpriced == n->count)
			gr_buf_addf(t, "cost: unknown (no Billed Duration or Memory Size)");
		else
			gr_buf_addf(t, "cost: %s for %u invocation%s", money, n->count - f->unpriced,
				    n->count - f->unpriced == 1 ? "" : "s");
		if (f->unpriced && f->unpriced != n->count)
			gr_buf_addf(t, "; %u of unknown cost (no Billed Duration or Memory Size)",
				    f->unpriced);
	}
	if (f->first_error != GR_NONE) {
		gr_dot_newline(t);
		gr_buf_adds(t, "first failure: ");
		gr_dot_texts(t, GR_DOT_TOOLTIP, g->nodes[f->first_error].id);
	}
	if (n->critical) {
		gr_dot_newline(t);
		gr_buf_addf(t, "on a critical path: %u invocation%s", n->critical,
			    n->critical == 1 ? "" : "s");
	}
	gr_dot_set_text(b, f->an, "tooltip");
	if (n->type == GR_FMAP_NO_RECORD)
		gr_dot_set(b, f->an, "style", "dashed,rounded");
	if (n->errors || n->timeouts)
		gr_dot_set(b, f->an, "fillcolor", FILL_ERROR);
	if (n->critical) {
		gr_dot_set(b, f->an, "color", COLOR_CRITICAL);
		gr_dot_set(b, f->an, "penwidth", "3");
	}
}

static void service_attrs(struct fview *v, uint32_t i)
{
	struct gr_dot_build *b = v->b;
	const struct gr_fmap_node *n = &v->fm->nodes[i];
	const struct fnode *f = &v->nodes[i];
	struct gr_buf *t = &b->t;

	gr_buf_reset(t);
	gr_buf_adds(t, service_title(n->kind));
	gr_dot_newline(t);
	name_text(t, GR_DOT_LABEL, n);
	gr_dot_newline(t);
	gr_buf_addf(t, "%u trigger%s", n->count, n->count == 1 ? "" : "s");
	gr_dot_set_text(b, f->an, "label");
	gr_buf_reset(t);
	gr_buf_addf(t, "%s (%s): ", service_title(n->kind), gr_kind_name(n->kind));
	name_text(t, GR_DOT_TOOLTIP, n);
	gr_dot_newline(t);
	gr_buf_addf(t, "%u causal edge%s through it", n->count, n->count == 1 ? "" : "s");
	gr_dot_set_text(b, f->an, "tooltip");
	gr_dot_set(b, f->an, "shape", service_shape(n->kind));
	gr_dot_set(b, f->an, "style", "filled");
	gr_dot_set(b, f->an, "fillcolor", FILL_SERVICE);
	if (n->critical) {
		gr_dot_set(b, f->an, "color", COLOR_CRITICAL);
		gr_dot_set(b, f->an, "penwidth", "3");
	}
}

/*
 * Above this many edges a view's edge labels are external labels (xlabel), placed
 * once the layout is done: dot lays out a label as a node of its own in a rank of
 * its own, and 324 labelled edges (ten functions, each calling each through seven
 * services) took 0.67 s of layout against 0.15 s with the same text as xlabels.
 */
#define XLABEL_EDGES 100

static void edge_attrs(struct fview *v, uint32_t li, void *ae, uint32_t maxcount,
		       bool free_rank)
{
	struct gr_dot_build *b = v->b;
	const struct gr_graph *g = b->m->g;
	const struct gr_fmap_link *l = &v->fm->links[li];
	const struct fedge *f = &v->edges[li];
	const int64_t *del = v->fm->dels + l->del_at;
	struct gr_buf *t = &b->t;
	const char *kind = gr_kind_name(l->kind);
	const char *mode = l->kind == GR_KIND_LAMBDA ? (l->sync ? " sync" : " async") : "";
	char d[32], iso[40], pw[16];

	gr_buf_reset(t);
	gr_buf_addf(t, "%s%s x%u", kind, mode, l->count);
	if (l->consumer && l->ndel) {
		gr_dot_newline(t);
		pct_line(t, "", del, l->ndel);
	}
	gr_dot_set_text(b, ae, v->fm->nlinks > XLABEL_EDGES ? "xlabel" : "label");

	gr_buf_reset(t);
	name_text(t, GR_DOT_TOOLTIP, &v->fm->nodes[l->from]);
	gr_buf_adds(t, " -> ");
	name_text(t, GR_DOT_TOOLTIP, &v->fm->nodes[l->to]);
	gr_dot_newline(t);
	gr_buf_addf(t, "%u causal edge%s, %s, %s", l->count, l->count == 1 ? "" : "s", kind,
		    l->sync ? "synchronous" : "asynchronous");
	gr_dot_newline(t);
	gr_buf_addf(t, "evidence: marker %u, xray %u, heuristic %u, other %u", f->ev[0], f->ev[1],
		    f->ev[2], f->ev[3]);
	gr_dot_newline(t);
	gr_buf_addf(t, "lowest confidence: %.3f", f->min_conf);
	if (l->consumer && l->ndel) {
		gr_dot_newline(t);
		pct_line(t, "trigger delay ", del, l->ndel);
		gr_duration_format(f->slow_delay, d, sizeof(d));
		gr_buf_addf(t, ", max %s", d);
		const struct gr_edge *e = &g->edges[f->slow_edge];
		gr_dot_newline(t);
		gr_buf_adds(t, "slowest: ");
		gr_dot_texts(t, GR_DOT_TOOLTIP, g->nodes[e->from].id);
		gr_buf_adds(t, " -> ");
		gr_dot_texts(t, GR_DOT_TOOLTIP, g->nodes[e->to].id);
	}
	if (f->first_cause != GR_TIME_UNKNOWN) {
		gr_time_format_iso(f->first_cause, iso, sizeof(iso));
		gr_dot_newline(t);
		gr_buf_addf(t, "first cause: %s", iso);
		gr_time_format_iso(f->last_cause, iso, sizeof(iso));
		gr_dot_newline(t);
		gr_buf_addf(t, "last cause: %s", iso);
	}
	if (l->critical) {
		gr_dot_newline(t);
		gr_buf_addf(t, "on a critical path: %u", l->critical);
	}
	gr_dot_set_text(b, ae, "tooltip");

	if (f->ev[2] == l->count)
		gr_dot_set(b, ae, "style", "dotted");
	else if (!l->sync)
		gr_dot_set(b, ae, "style", "dashed");
	/* thicker with traffic, like pprof; critical edges at least 3 */
	double w = 1.0 + 3.0 * l->count / (maxcount ? maxcount : 1);
	if (l->critical) {
		gr_dot_set(b, ae, "color", COLOR_CRITICAL);
		if (w < 3)
			w = 3;
	}
	snprintf(pw, sizeof(pw), "%.1f", w);
	if (strcmp(pw, "1.0"))
		gr_dot_set(b, ae, "penwidth", pw);
	if (free_rank)
		gr_dot_set(b, ae, "constraint", "false");
}

static int build(struct fview *v)
{
	struct gr_dot_build *b = v->b;
	struct gr_dot_model *m = b->m;
	const struct gr_fmap *fm;
	uint32_t *tail = NULL, *head = NULL;
	uint8_t *back = NULL;
	int rc = GR_ERR_NOMEM;

	/* every run selected: the caller's map of the whole graph is this one */
	if (b->fmap && m->nkeep == m->g->nnodes)
		fm = b->fmap;
	else if (gr_fmap_build(&v->own, m->g, m->keep, m->edges, m->nedges))
		goto out;
	else
		fm = &v->own;
	v->fm = fm;
	v->nodes = malloc((fm->nnodes + 1) * sizeof(*v->nodes));
	v->edges = malloc((fm->nlinks + 1) * sizeof(*v->edges));
	tail = malloc((fm->nlinks + 1) * sizeof(*tail));
	head = malloc((fm->nlinks + 1) * sizeof(*head));
	back = malloc(fm->nlinks + 1);
	if (!v->nodes || !v->edges || !tail || !head || !back)
		goto out;
	add_nodes(v);
	add_edges(v);

	/* the cgraph nodes in display order, named by the map's ids */
	for (uint32_t i = 0; i < fm->nnodes; i++) {
		v->nodes[i].an = agnode(b->g, fm->nodes[i].id, 1);
		if (fm->nodes[i].type == GR_FMAP_SERVICE)
			service_attrs(v, i);
		else
			function_attrs(v, i);
	}
	uint32_t maxcount = 0;
	for (size_t i = 0; i < fm->nlinks; i++) {
		const struct gr_fmap_link *l = &fm->links[fm->link_order[i]];
		if (l->count > maxcount)
			maxcount = l->count;
		tail[i] = l->from;
		head[i] = l->to;
	}
	if (gr_dot_back_edges(fm->nnodes, tail, head, fm->nlinks, back))
		goto out;
	for (size_t i = 0; i < fm->nlinks; i++) {
		uint32_t li = fm->link_order[i];
		const struct gr_fmap_link *l = &fm->links[li];
		Agedge_t *ae = agedge(b->g, v->nodes[l->from].an, v->nodes[l->to].an, NULL, 1);
		edge_attrs(v, li, ae, maxcount, back[i]);
	}

	b->sum->shown = m->nkeep;
	b->sum->edges_shown = fm->taken;
	b->sum->edges_hidden = fm->outside;
	if (fm->outside) {
		gr_buf_reset(&b->t);
		gr_buf_addf(&b->t, "not shown:\\n%zu edge%s to runs outside the selection",
			    fm->outside, fm->outside == 1 ? "" : "s");
		gr_dot_note(b, "not_shown");
	}
	rc = 0;
out:
	if (rc && !b->errmsg[0])
		snprintf(b->errmsg, sizeof(b->errmsg), "out of memory");
	free(tail);
	free(head);
	free(back);
	return rc;
}

int gr_dot_build_functions(struct gr_dot_build *b)
{
	struct fview v = { .b = b };
	int rc = build(&v);

	free(v.nodes);
	free(v.edges);
	gr_fmap_release(&v.own);
	return rc;
}
