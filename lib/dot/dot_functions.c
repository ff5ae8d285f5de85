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

enum { FN_NAMED, FN_UNKNOWN, FN_NO_RECORD, FN_SERVICE };

/* A node of the view: a function or a service resource. */
struct fnode {
	int type;              /* FN_NAMED... */
	const char *name;      /* function or resource name (NULL: unknown, unnamed) */
	size_t name_len;       /* bytes of name */
	enum gr_kind kind;     /* services: their kind */
	uint32_t count;        /* functions: invocations; services: causal edges through */
	uint32_t cold;         /* cold starts */
	uint32_t errors;       /* invocations that failed */
	uint32_t timeouts;     /* invocations that timed out */
	uint32_t critical;     /* invocations (or edges, services) on a critical path */
	uint32_t slowest;      /* node index of the longest invocation, GR_NONE */
	int64_t slowest_us;    /* its duration */
	uint32_t first_error;  /* node index of the first failed invocation, GR_NONE */
	int64_t first_us;      /* earliest start */
	int64_t last_us;       /* latest end */
	size_t dur_at, ndur;   /* durations: its slice of the sorted values */
	gr_u128 cost;          /* with prices: pico-dollars of its invocations of known cost */
	uint32_t unpriced;     /* ...and its invocations of unknown cost */
	uint32_t order;        /* display index */
	void *an;              /* Agnode_t */
};

/* Causal edges grouped by (from view node, to view node, kind, sync). */
struct fedge {
	uint32_t from, to;     /* view node indices */
	enum gr_kind kind;     /* service */
	bool sync;             /* caller waited */
	bool consumer;         /* ends at a function: trigger delays apply */
	uint32_t count;        /* causal edges */
	uint32_t ev[4];        /* evidence: marker, xray-parent/-link, heuristic, other */
	uint32_t critical;     /* edges on a critical path */
	double min_conf;       /* lowest confidence */
	uint32_t slow_edge;    /* graph edge with the longest delay, GR_NONE */
	int64_t slow_delay;    /* that delay */
	int64_t first_cause;   /* earliest cause time (GR_TIME_UNKNOWN: none) */
	int64_t last_cause;    /* latest */
	size_t del_at, ndel;   /* delays: its slice of the sorted values */
};

/* (group, value) pairs, sorted to take percentiles of every group in one pass. */
struct pair {
	uint32_t group;          /* view node or edge group */
	int64_t v;               /* a duration or a delay */
};

struct fview {
	struct gr_dot_build *b;  /* the build */
	struct fnode *nodes;     /* view nodes */
	size_t nnodes, cap_nodes; /* used, allocated */
	struct fedge *edges;     /* grouped edges */
	size_t nedges, cap_edges; /* used, allocated */
	struct gr_strmap fn_map; /* function name -> view node */
	struct gr_strmap svc_map; /* kind byte + resource -> view node */
	struct gr_strmap edge_map; /* packed group key -> group */
	struct gr_arena arena;   /* map keys */
	struct pair *dur;        /* (view node, duration) */
	size_t ndur;             /* pairs in dur */
	struct pair *del;        /* (group, delay) */
	size_t ndel;             /* pairs in del */
	uint32_t special[3];     /* view node of FN_UNKNOWN, FN_NO_RECORD (index by type) */
};

static uint32_t new_node(struct fview *v, int type, const char *name, size_t len,
			 enum gr_kind kind)
{
	if (v->nnodes == v->cap_nodes) {
		size_t cap = v->cap_nodes ? v->cap_nodes * 2 : 64;
		struct fnode *p = realloc(v->nodes, cap * sizeof(*p));
		if (!p)
			return GR_NONE;
		v->nodes = p;
		v->cap_nodes = cap;
	}
	struct fnode *f = &v->nodes[v->nnodes];
	memset(f, 0, sizeof(*f));
	f->type = type;
	f->name = name;
	f->name_len = len;
	f->kind = kind;
	f->slowest = f->first_error = GR_NONE;
	f->slowest_us = -1;
	f->first_us = INT64_MAX;
	f->last_us = INT64_MIN;
	return (uint32_t)v->nnodes++;
}

static uint32_t fn_node(struct fview *v, const struct gr_node *n)
{
	if (!n->fn) {
		int type = n->stub ? FN_NO_RECORD : FN_UNKNOWN;
		if (v->special[type] == GR_NONE)
			v->special[type] = new_node(v, type, NULL, 0, GR_KIND_NONE);
		return v->special[type];
	}
	size_t len = strlen(n->fn);
	uint32_t *ix = gr_strmap_get(&v->fn_map, n->fn, len);
	if (ix)
		return *ix;
	uint32_t f = new_node(v, FN_NAMED, n->fn, len, GR_KIND_NONE);
	if (f == GR_NONE || !gr_strmap_put(&v->fn_map, n->fn, len, f, NULL))
		return GR_NONE;
	return f;
}

static uint32_t svc_node(struct fview *v, enum gr_kind kind, const char *key)
{
	size_t len;
	const char *res = gr_dot_resource(kind, key, &len);
	char small[256], *k = small;

	if (len + 1 > sizeof(small) && !(k = gr_arena_alloc(&v->arena, len + 1)))
		return GR_NONE;
	k[0] = (char)kind;
	if (len)
		memcpy(k + 1, res, len);
	uint32_t *ix = gr_strmap_get(&v->svc_map, k, len + 1);
	if (ix)
		return *ix;
	if (k == small) {
		/* a new key: the map keeps a pointer to it */
		if (!(k = gr_arena_alloc(&v->arena, len + 1)))
			return GR_NONE;
		memcpy(k, small, len + 1);
	}
	uint32_t f = new_node(v, FN_SERVICE, res ? k + 1 : NULL, len, kind);
	if (f == GR_NONE || !gr_strmap_put(&v->svc_map, k, len + 1, f, NULL))
		return GR_NONE;
	return f;
}

static uint32_t group(struct fview *v, uint32_t from, uint32_t to, enum gr_kind kind, bool sync,
		      bool consumer)
{
	uint32_t key[4] = { from, to, (uint32_t)kind, (uint32_t)sync };
	uint32_t *ix = gr_strmap_get(&v->edge_map, (const char *)key, sizeof(key));

	if (ix)
		return *ix;
	if (v->nedges == v->cap_edges) {
		size_t cap = v->cap_edges ? v->cap_edges * 2 : 64;
		struct fedge *p = realloc(v->edges, cap * sizeof(*p));
		if (!p)
			return GR_NONE;
		v->edges = p;
		v->cap_edges = cap;
	}
	char *k = gr_arena_alloc(&v->arena, sizeof(key));
	if (!k)
		return GR_NONE;
	memcpy(k, key, sizeof(key));
	struct fedge *e = &v->edges[v->nedges];
	memset(e, 0, sizeof(*e));
	e->from = from;
	e->to = to;
	e->kind = kind;
	e->sync = sync;
	e->consumer = consumer;
	e->min_conf = 1;
	e->slow_edge = GR_NONE;
	e->slow_delay = INT64_MIN;
	e->first_cause = e->last_cause = GR_TIME_UNKNOWN;
	if (!gr_strmap_put(&v->edge_map, k, sizeof(key), (uint32_t)v->nedges, NULL))
		return GR_NONE;
	return (uint32_t)v->nedges++;
}

static void group_add(struct fview *v, uint32_t gi, const struct gr_graph *g, uint32_t ei)
{
	struct fedge *f = &v->edges[gi];
	const struct gr_edge *e = &g->edges[ei];
	const char *ev = e->evidence ? e->evidence : "";

	f->count++;
	if (!strcmp(ev, "marker"))
		f->ev[0]++;
	else if (!strncmp(ev, "xray", 4))
		f->ev[1]++;
	else if (!strcmp(ev, "heuristic"))
		f->ev[2]++;
	else
		f->ev[3]++;
	if (e->critical)
		f->critical++;
	if (e->confidence < f->min_conf)
		f->min_conf = e->confidence;
	if (e->cause_us != GR_TIME_UNKNOWN) {
		if (f->first_cause == GR_TIME_UNKNOWN || e->cause_us < f->first_cause)
			f->first_cause = e->cause_us;
		if (f->last_cause == GR_TIME_UNKNOWN || e->cause_us > f->last_cause)
			f->last_cause = e->cause_us;
	}
	if (f->consumer) {
		/* edges come in canonical order, so the first of equal delays wins */
		if (f->slow_edge == GR_NONE || e->delay_us > f->slow_delay) {
			f->slow_delay = e->delay_us;
			f->slow_edge = ei;
		}
		v->del[v->ndel].group = gi;
		v->del[v->ndel++].v = e->delay_us;
	}
}

/* Display order: named functions by name, the unknown ones, then services by kind, name. */
static int cmp_view_nodes(const void *a, const void *b, void *ctx)
{
	const struct fview *v = ctx;
	const struct fnode *x = &v->nodes[*(const uint32_t *)a], *y = &v->nodes[*(const uint32_t *)b];
	int c;

	if ((x->type == FN_SERVICE) != (y->type == FN_SERVICE))
		return x->type == FN_SERVICE ? 1 : -1;
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

static int cmp_view_edges(const void *a, const void *b, void *ctx)
{
	const struct fview *v = ctx;
	const struct fedge *x = &v->edges[*(const uint32_t *)a], *y = &v->edges[*(const uint32_t *)b];
	uint32_t xf = v->nodes[x->from].order, yf = v->nodes[y->from].order;
	uint32_t xt = v->nodes[x->to].order, yt = v->nodes[y->to].order;

	if (xf != yf)
		return xf < yf ? -1 : 1;
	if (xt != yt)
		return xt < yt ? -1 : 1;
	if (x->kind != y->kind)
		return (int)x->kind - (int)y->kind;
	return (int)x->sync - (int)y->sync;
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

static void name_text(struct gr_buf *t, enum gr_dot_text mode, const struct fnode *f)
{
	if (f->name)
		gr_dot_text(t, mode, f->name, f->name_len,
			    mode == GR_DOT_LABEL ? GR_DOT_MAX_LABEL_TEXT : GR_DOT_MAX_TOOLTIP_TEXT);
	else if (f->type == FN_NO_RECORD)
		gr_buf_adds(t, "(no record)");
	else if (f->type == FN_SERVICE)
		gr_buf_adds(t, "(name not in the graph)");
	else
		gr_buf_adds(t, "(unknown function)");
}

/* "cost $X", "cost $X (+2 unknown)", "cost unknown": what its invocations cost. */
static void cost_text(struct gr_buf *t, const struct fnode *f)
{
	char d[64];

	if (f->unpriced == f->count) {
		gr_buf_adds(t, "cost unknown");
		return;
	}
	gr_pico_dollars(f->cost, d, sizeof(d));
	gr_buf_addf(t, "cost %s", d);
	if (f->unpriced)
		gr_buf_addf(t, " (+%u unknown)", f->unpriced);
}

static void function_attrs(struct fview *v, struct fnode *f, const int64_t *dur)
{
	struct gr_dot_build *b = v->b;
	const struct gr_graph *g = b->m->g;
	struct gr_buf *t = &b->t;
	char d[32], iso[40];

	gr_buf_reset(t);
	name_text(t, GR_DOT_LABEL, f);
	gr_dot_newline(t);
	gr_buf_addf(t, "%u invocation%s", f->count, f->count == 1 ? "" : "s");
	if (f->ndur) {
		gr_dot_newline(t);
		pct_line(t, "duration ", dur, f->ndur);
	}
	if (f->type != FN_NO_RECORD) {
		gr_dot_newline(t);
		rate(t, "cold", f->cold, f->count);
		rate(t, ", errors", f->errors, f->count);
		if (f->timeouts)
			rate(t, ", timeouts", f->timeouts, f->count);
	}
	if (b->o->prices) {
		gr_dot_newline(t);
		cost_text(t, f);
	}
	gr_dot_set_text(b, f->an, "label");

	gr_buf_reset(t);
	gr_buf_adds(t, f->type == FN_NO_RECORD ? "invocations only named by edges: "
						: "function: ");
	name_text(t, GR_DOT_TOOLTIP, f);
	gr_dot_newline(t);
	gr_buf_addf(t, "invocations: %u", f->count);
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
	if (f->ndur) {
		gr_dot_newline(t);
		pct_line(t, "duration ", dur, f->ndur);
		gr_duration_format(f->slowest_us, d, sizeof(d));
		gr_buf_addf(t, ", max %s", d);
		gr_dot_newline(t);
		gr_buf_adds(t, "slowest: ");
		gr_dot_texts(t, GR_DOT_TOOLTIP, g->nodes[f->slowest].id);
	}
	gr_dot_newline(t);
	gr_buf_addf(t, "cold starts: %u, errors: %u, timeouts: %u", f->cold, f->errors, f->timeouts);
	if (b->o->prices) {
		char money[48];
		gr_pico_dollars(f->cost, money, sizeof(money));
		gr_dot_newline(t);
		if (f->unpriced == f->count)
			gr_buf_addf(t, "cost: unknown (no Billed Duration or Memory Size)");
		else
			gr_buf_addf(t, "cost: %s for %u invocation%s", money, f->count - f->unpriced,
				    f->count - f->unpriced == 1 ? "" : "s");
		if (f->unpriced && f->unpriced != f->count)
			gr_buf_addf(t, "; %u of unknown cost (no Billed Duration or Memory Size)",
				    f->unpriced);
	}
	if (f->first_error != GR_NONE) {
		gr_dot_newline(t);
		gr_buf_adds(t, "first failure: ");
		gr_dot_texts(t, GR_DOT_TOOLTIP, g->nodes[f->first_error].id);
	}
	if (f->critical) {
		gr_dot_newline(t);
		gr_buf_addf(t, "on a critical path: %u invocation%s", f->critical,
			    f->critical == 1 ? "" : "s");
	}
	gr_dot_set_text(b, f->an, "tooltip");
	if (f->type == FN_NO_RECORD)
		gr_dot_set(b, f->an, "style", "dashed,rounded");
	if (f->errors || f->timeouts)
		gr_dot_set(b, f->an, "fillcolor", FILL_ERROR);
	if (f->critical) {
		gr_dot_set(b, f->an, "color", COLOR_CRITICAL);
		gr_dot_set(b, f->an, "penwidth", "3");
	}
}

static void service_attrs(struct fview *v, struct fnode *f)
{
	struct gr_dot_build *b = v->b;
	struct gr_buf *t = &b->t;

	gr_buf_reset(t);
	gr_buf_adds(t, service_title(f->kind));
	gr_dot_newline(t);
	name_text(t, GR_DOT_LABEL, f);
	gr_dot_newline(t);
	gr_buf_addf(t, "%u trigger%s", f->count, f->count == 1 ? "" : "s");
	gr_dot_set_text(b, f->an, "label");
	gr_buf_reset(t);
	gr_buf_addf(t, "%s (%s): ", service_title(f->kind), gr_kind_name(f->kind));
	name_text(t, GR_DOT_TOOLTIP, f);
	gr_dot_newline(t);
	gr_buf_addf(t, "%u causal edge%s through it", f->count, f->count == 1 ? "" : "s");
	gr_dot_set_text(b, f->an, "tooltip");
	gr_dot_set(b, f->an, "shape", service_shape(f->kind));
	gr_dot_set(b, f->an, "style", "filled");
	gr_dot_set(b, f->an, "fillcolor", FILL_SERVICE);
	if (f->critical) {
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

static void edge_attrs(struct fview *v, struct fedge *f, void *ae, const int64_t *del,
		       uint32_t maxcount, bool free_rank)
{
	struct gr_dot_build *b = v->b;
	const struct gr_graph *g = b->m->g;
	struct gr_buf *t = &b->t;
	const char *kind = gr_kind_name(f->kind);
	const char *mode = f->kind == GR_KIND_LAMBDA ? (f->sync ? " sync" : " async") : "";
	char d[32], iso[40], pw[16];

	gr_buf_reset(t);
	gr_buf_addf(t, "%s%s x%u", kind, mode, f->count);
	if (f->consumer && f->ndel) {
		gr_dot_newline(t);
		pct_line(t, "", del, f->ndel);
	}
	gr_dot_set_text(b, ae, v->nedges > XLABEL_EDGES ? "xlabel" : "label");

	gr_buf_reset(t);
	name_text(t, GR_DOT_TOOLTIP, &v->nodes[f->from]);
	gr_buf_adds(t, " -> ");
	name_text(t, GR_DOT_TOOLTIP, &v->nodes[f->to]);
	gr_dot_newline(t);
	gr_buf_addf(t, "%u causal edge%s, %s, %s", f->count, f->count == 1 ? "" : "s", kind,
		    f->sync ? "synchronous" : "asynchronous");
	gr_dot_newline(t);
	gr_buf_addf(t, "evidence: marker %u, xray %u, heuristic %u, other %u", f->ev[0], f->ev[1],
		    f->ev[2], f->ev[3]);
	gr_dot_newline(t);
	gr_buf_addf(t, "lowest confidence: %.3f", f->min_conf);
	if (f->consumer && f->ndel) {
		gr_dot_newline(t);
		pct_line(t, "trigger delay ", del, f->ndel);
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
	if (f->critical) {
		gr_dot_newline(t);
		gr_buf_addf(t, "on a critical path: %u", f->critical);
	}
	gr_dot_set_text(b, ae, "tooltip");

	if (f->ev[2] == f->count)
		gr_dot_set(b, ae, "style", "dotted");
	else if (!f->sync)
		gr_dot_set(b, ae, "style", "dashed");
	/* thicker with traffic, like pprof; critical edges at least 3 */
	double w = 1.0 + 3.0 * f->count / (maxcount ? maxcount : 1);
	if (f->critical) {
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
	const struct gr_graph *g = m->g;
	size_t nn = g->nnodes;
	uint32_t *fn_of = malloc((nn ? nn : 1) * sizeof(*fn_of));
	uint32_t *order = NULL, *tail = NULL, *head = NULL;
	uint8_t *back = NULL;
	size_t outside = 0, shown_edges = 0;
	int rc = GR_ERR_NOMEM;

	v->dur = malloc((nn ? nn : 1) * sizeof(*v->dur));
	v->del = malloc((m->nedges * 2 + 1) * sizeof(*v->del));
	if (!fn_of || !v->dur || !v->del)
		goto out;

	/* invocations into their functions */
	for (size_t k = 0; k < m->nruns; k++) {
		const struct gr_dot_run *r = &m->runs[k];
		if (!r->selected)
			continue;
		for (uint32_t j = 0; j < r->count; j++) {
			uint32_t i = m->members[r->first + j];
			const struct gr_node *n = &g->nodes[i];
			uint32_t fi = fn_node(v, n);
			if (fi == GR_NONE)
				goto out;
			fn_of[i] = fi;
			struct fnode *f = &v->nodes[fi];
			f->count++;
			f->cold += n->cold;
			if (n->status == GR_STATUS_ERROR)
				f->errors++;
			if (n->status == GR_STATUS_TIMEOUT)
				f->timeouts++;
			if ((n->status == GR_STATUS_ERROR || n->status == GR_STATUS_TIMEOUT) &&
			    (f->first_error == GR_NONE || gr_dot_node_cmp(g, i, f->first_error) < 0))
				f->first_error = i;
			f->critical += n->critical;
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
				v->dur[v->ndur].group = fi;
				v->dur[v->ndur++].v = d;
			}
		}
	}
	/* causal edges into groups, through service nodes unless Lambda calls Lambda */
	for (size_t i = 0; i < m->nedges; i++) {
		uint32_t ei = m->edges[i];
		const struct gr_edge *e = &g->edges[ei];
		if (!m->keep[e->from] || !m->keep[e->to]) {
			if (m->keep[e->from] || m->keep[e->to])
				outside++;
			continue;
		}
		shown_edges++;
		uint32_t fa = fn_of[e->from], fb = fn_of[e->to], gi;
		if (e->kind == GR_KIND_LAMBDA) {
			if ((gi = group(v, fa, fb, e->kind, e->sync, true)) == GR_NONE)
				goto out;
			group_add(v, gi, g, ei);
			continue;
		}
		uint32_t s = svc_node(v, e->kind, e->key);
		if (s == GR_NONE)
			goto out;
		v->nodes[s].count++;
		v->nodes[s].critical += e->critical;
		if ((gi = group(v, fa, s, e->kind, e->sync, false)) == GR_NONE)
			goto out;
		group_add(v, gi, g, ei);
		if ((gi = group(v, s, fb, e->kind, e->sync, true)) == GR_NONE)
			goto out;
		group_add(v, gi, g, ei);
	}
	/* each group's values in a slice of its own, in group order, sorted */
	int64_t *durv = malloc((v->ndur ? v->ndur : 1) * sizeof(*durv));
	int64_t *delv = malloc((v->ndel ? v->ndel : 1) * sizeof(*delv));
	if (!durv || !delv) {
		free(durv);
		free(delv);
		goto out;
	}
	for (size_t i = 0; i < v->ndur; i++)
		v->nodes[v->dur[i].group].ndur++;
	for (size_t i = 0, at = 0; i < v->nnodes; i++) {
		v->nodes[i].dur_at = at;
		at += v->nodes[i].ndur;
		v->nodes[i].ndur = 0;
	}
	for (size_t i = 0; i < v->ndur; i++) {
		struct fnode *f = &v->nodes[v->dur[i].group];
		durv[f->dur_at + f->ndur++] = v->dur[i].v;
	}
	for (size_t i = 0; i < v->nnodes; i++)
		gr_sort_i64(durv + v->nodes[i].dur_at, v->nodes[i].ndur);
	for (size_t i = 0; i < v->ndel; i++)
		v->edges[v->del[i].group].ndel++;
	for (size_t i = 0, at = 0; i < v->nedges; i++) {
		v->edges[i].del_at = at;
		at += v->edges[i].ndel;
		v->edges[i].ndel = 0;
	}
	for (size_t i = 0; i < v->ndel; i++) {
		struct fedge *f = &v->edges[v->del[i].group];
		delv[f->del_at + f->ndel++] = v->del[i].v;
	}
	for (size_t i = 0; i < v->nedges; i++)
		gr_sort_i64(delv + v->edges[i].del_at, v->edges[i].ndel);

	/* display order, then the cgraph nodes */
	order = malloc((v->nnodes + v->nedges + 1) * sizeof(*order));
	tail = malloc((v->nedges + 1) * sizeof(*tail));
	head = malloc((v->nedges + 1) * sizeof(*head));
	back = malloc(v->nedges + 1);
	if (!order || !tail || !head || !back) {
		free(durv);
		free(delv);
		goto out;
	}
	for (size_t i = 0; i < v->nnodes; i++)
		order[i] = (uint32_t)i;
	qsort_r(order, v->nnodes, sizeof(*order), cmp_view_nodes, v);
	uint32_t nf = 0, ns = 0;
	for (size_t i = 0; i < v->nnodes; i++) {
		struct fnode *f = &v->nodes[order[i]];
		char name[32];
		f->order = (uint32_t)i;
		if (f->type == FN_SERVICE)
			snprintf(name, sizeof(name), "s%u", ++ns);
		else
			snprintf(name, sizeof(name), "f%u", ++nf);
		f->an = agnode(b->g, name, 1);
		if (f->type == FN_SERVICE)
			service_attrs(v, f);
		else
			function_attrs(v, f, durv + f->dur_at);
	}
	uint32_t maxcount = 0;
	for (size_t i = 0; i < v->nedges; i++) {
		order[i] = (uint32_t)i;
		if (v->edges[i].count > maxcount)
			maxcount = v->edges[i].count;
	}
	qsort_r(order, v->nedges, sizeof(*order), cmp_view_edges, v);
	for (size_t i = 0; i < v->nedges; i++) {
		tail[i] = v->nodes[v->edges[order[i]].from].order;
		head[i] = v->nodes[v->edges[order[i]].to].order;
	}
	if (gr_dot_back_edges(v->nnodes, tail, head, v->nedges, back)) {
		free(durv);
		free(delv);
		goto out;
	}
	for (size_t i = 0; i < v->nedges; i++) {
		struct fedge *f = &v->edges[order[i]];
		Agedge_t *ae = agedge(b->g, v->nodes[f->from].an, v->nodes[f->to].an, NULL, 1);
		edge_attrs(v, f, ae, delv + f->del_at, maxcount, back[i]);
	}
	free(durv);
	free(delv);

	b->sum->shown = m->nkeep;
	b->sum->edges_shown = shown_edges;
	b->sum->edges_hidden = outside;
	if (outside) {
		gr_buf_reset(&b->t);
		gr_buf_addf(&b->t, "not shown:\\n%zu edge%s to runs outside the selection", outside,
			    outside == 1 ? "" : "s");
		gr_dot_note(b, "not_shown");
	}
	rc = 0;
out:
	if (rc && !b->errmsg[0])
		snprintf(b->errmsg, sizeof(b->errmsg), "out of memory");
	free(fn_of);
	free(order);
	free(tail);
	free(head);
	free(back);
	return rc;
}

int gr_dot_build_functions(struct gr_dot_build *b)
{
	struct fview v;
	int rc;

	memset(&v, 0, sizeof(v));
	v.b = b;
	v.special[FN_UNKNOWN] = v.special[FN_NO_RECORD] = GR_NONE;
	rc = build(&v);
	free(v.nodes);
	free(v.edges);
	free(v.dur);
	free(v.del);
	gr_strmap_release(&v.fn_map);
	gr_strmap_release(&v.svc_map);
	gr_strmap_release(&v.edge_map);
	gr_arena_release(&v.arena);
	return rc;
}
