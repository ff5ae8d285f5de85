/* graph.c: the causal graph of invocations and its NDJSON stream, gammaray-graph(5). */
#include "stream/graph.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stream/events.h"
#include "common/reader.h"

static const char *const kind_names[GR_KIND_COUNT] = {
	[GR_KIND_S3] = "s3",
	[GR_KIND_DYNAMODB] = "dynamodb",
	[GR_KIND_SNS] = "sns",
	[GR_KIND_SQS] = "sqs",
	[GR_KIND_KINESIS] = "kinesis",
	[GR_KIND_LAMBDA] = "lambda",
	[GR_KIND_EVENTS] = "events",
	[GR_KIND_SFN] = "sfn",
};

const char *gr_kind_name(enum gr_kind k)
{
	return (unsigned)k < GR_KIND_COUNT ? kind_names[k] : NULL;
}

enum gr_kind gr_kind_parse(const char *s, size_t n)
{
	for (int k = 1; k < GR_KIND_COUNT; k++)
		if (strlen(kind_names[k]) == n && !memcmp(kind_names[k], s, n))
			return (enum gr_kind)k;
	return GR_KIND_NONE;
}

void gr_graph_init(struct gr_graph *g)
{
	memset(g, 0, sizeof(*g));
}

void gr_graph_release(struct gr_graph *g)
{
	gr_arena_release(&g->arena);
	gr_strmap_release(&g->ids);
	free(g->nodes);
	free(g->edges);
	free(g->extra);
	memset(g, 0, sizeof(*g));
}

const char *gr_graph_str(struct gr_graph *g, const char *s, size_t n)
{
	return gr_arena_strdup(&g->arena, s, n);
}

uint32_t gr_graph_find(const struct gr_graph *g, const char *id, size_t n)
{
	uint32_t *ix = gr_strmap_get(&g->ids, id, n);

	return ix ? *ix : GR_NONE;
}

uint32_t gr_graph_node(struct gr_graph *g, const char *id, size_t n)
{
	uint32_t ix = gr_graph_find(g, id, n);

	if (ix != GR_NONE)
		return ix;
	if (g->nnodes == g->cap_nodes) {
		size_t cap = g->cap_nodes ? g->cap_nodes * 2 : 1024;
		struct gr_node *p = realloc(g->nodes, cap * sizeof(*p));
		if (!p)
			return GR_NONE;
		g->nodes = p;
		g->cap_nodes = cap;
	}
	const char *key = gr_graph_str(g, id, n);
	if (!key || !gr_strmap_put(&g->ids, key, n, (uint32_t)g->nnodes, NULL))
		return GR_NONE;
	struct gr_node *nd = &g->nodes[g->nnodes];
	memset(nd, 0, sizeof(*nd));
	nd->id = key;
	nd->start_us = nd->end_us = GR_TIME_UNKNOWN;
	nd->mem_mb = nd->billed_us = -1;
	nd->stub = true;
	nd->in = nd->out = GR_NONE;
	g->indexed = false;
	return (uint32_t)g->nnodes++;
}

uint32_t gr_graph_add_edge(struct gr_graph *g, const struct gr_edge *e)
{
	if (g->nedges == g->cap_edges) {
		size_t cap = g->cap_edges ? g->cap_edges * 2 : 1024;
		struct gr_edge *p = realloc(g->edges, cap * sizeof(*p));
		if (!p)
			return GR_NONE;
		g->edges = p;
		g->cap_edges = cap;
	}
	g->edges[g->nedges] = *e;
	g->edges[g->nedges].next_in = g->edges[g->nedges].next_out = GR_NONE;
	g->indexed = false;
	return (uint32_t)g->nedges++;
}

int gr_graph_index(struct gr_graph *g)
{
	for (size_t i = 0; i < g->nnodes; i++)
		g->nodes[i].in = g->nodes[i].out = GR_NONE;
	/* prepend in reverse so each list runs in edge index order */
	for (size_t i = g->nedges; i-- > 0;) {
		struct gr_edge *e = &g->edges[i];
		e->next_in = g->nodes[e->to].in;
		g->nodes[e->to].in = (uint32_t)i;
		e->next_out = g->nodes[e->from].out;
		g->nodes[e->from].out = (uint32_t)i;
	}
	g->indexed = true;
	return 0;
}

/* --- reading ------------------------------------------------------------------ */

static const char *jstr(json_t *o, const char *k, size_t *n)
{
	json_t *v = json_object_get(o, k);

	if (!json_is_string(v)) {
		*n = 0;
		return NULL;
	}
	*n = json_string_length(v);
	return json_string_value(v);
}

/* An integer field, dflt when absent or not a number; *range is set when it is a
 * number beyond +-GR_MAX_INT (the record is then refused). */
static int64_t jint(json_t *o, const char *k, int64_t dflt, bool *range)
{
	json_t *v = json_object_get(o, k);

	if (json_is_integer(v)) {
		json_int_t x = json_integer_value(v);
		if (x >= -GR_MAX_INT && x <= GR_MAX_INT)
			return (int64_t)x;
		*range = true;
	} else if (json_is_real(v)) {
		double d = json_real_value(v);
		if (d >= -(double)GR_MAX_INT && d <= (double)GR_MAX_INT)
			return (int64_t)d;
		*range = true;
	}
	return dflt;
}

static enum gr_status status_parse(const char *s)
{
	if (!s)
		return GR_STATUS_NONE;
	if (!strcmp(s, "ok"))
		return GR_STATUS_OK;
	if (!strcmp(s, "error"))
		return GR_STATUS_ERROR;
	if (!strcmp(s, "timeout"))
		return GR_STATUS_TIMEOUT;
	return GR_STATUS_NONE;
}

/* Returns NULL on success, else what was wrong with the record. */
static const char *read_node(struct gr_graph *g, json_t *o)
{
	size_t n;
	const char *id = jstr(o, "id", &n), *s;

	if (!id || !n)
		return "node without an id";
	bool range = false;
	int64_t start = jint(o, "start_us", GR_TIME_UNKNOWN, &range);
	int64_t end = jint(o, "end_us", GR_TIME_UNKNOWN, &range);
	int64_t init = jint(o, "init_us", 0, &range), mem = jint(o, "mem_mb", -1, &range);
	int64_t billed = jint(o, "billed_us", -1, &range), att = jint(o, "attempts", 1, &range);
	if (range)
		return "node with a number beyond +-2^60";
	uint32_t ix = gr_graph_node(g, id, n);
	if (ix == GR_NONE)
		return "out of memory";
	struct gr_node *nd = &g->nodes[ix];
	nd->stub = false;
	if ((s = jstr(o, "fn", &n)))
		nd->fn = gr_graph_str(g, s, n);
	if ((s = jstr(o, "trace", &n)))
		nd->trace = gr_graph_str(g, s, n);
	if ((s = jstr(o, "stream", &n)))
		nd->stream = gr_graph_str(g, s, n);
	nd->start_us = start;
	nd->end_us = end;
	nd->init_us = init;
	nd->mem_mb = mem;
	nd->billed_us = billed;
	nd->attempts = (uint32_t)att;
	nd->status = status_parse(jstr(o, "status", &n));
	nd->cold = json_is_true(json_object_get(o, "cold"));
	nd->critical = json_is_true(json_object_get(o, "critical"));
	return NULL;
}

static const char *read_edge(struct gr_graph *g, json_t *o)
{
	size_t fn, tn, n;
	const char *from = jstr(o, "from", &fn), *to = jstr(o, "to", &tn), *s;
	struct gr_edge e = { 0 };

	if (!from || !to || !fn || !tn)
		return "edge without from or to";
	s = jstr(o, "kind", &n);
	e.kind = s ? gr_kind_parse(s, n) : GR_KIND_NONE;
	if (e.kind == GR_KIND_NONE)
		return "edge with an unknown kind";
	bool range = false;
	e.cause_us = jint(o, "cause_us", GR_TIME_UNKNOWN, &range);
	e.delay_us = jint(o, "delay_us", 0, &range);
	if (range)
		return "edge with a number beyond +-2^60";
	e.from = gr_graph_node(g, from, fn);
	e.to = gr_graph_node(g, to, tn);
	if (e.from == GR_NONE || e.to == GR_NONE)
		return "out of memory";
	e.sync = json_is_true(json_object_get(o, "sync"));
	e.critical = json_is_true(json_object_get(o, "critical"));
	if ((s = jstr(o, "evidence", &n)))
		e.evidence = gr_graph_str(g, s, n);
	if ((s = jstr(o, "key", &n)))
		e.key = gr_graph_str(g, s, n);
	json_t *c = json_object_get(o, "confidence");
	e.confidence = json_is_number(c) ? json_number_value(c) : 1.0;
	if (gr_graph_add_edge(g, &e) == GR_NONE)
		return "out of memory";
	return NULL;
}

static int keep_extra(struct gr_graph *g, const char *line, size_t n)
{
	if (g->nextra == g->cap_extra) {
		size_t cap = g->cap_extra ? g->cap_extra * 2 : 64;
		char **p = realloc(g->extra, cap * sizeof(*p));
		if (!p)
			return GR_ERR_NOMEM;
		g->extra = p;
		g->cap_extra = cap;
	}
	char *copy = gr_arena_strdup(&g->arena, line, n);
	if (!copy)
		return GR_ERR_NOMEM;
	g->extra[g->nextra++] = copy;
	return 0;
}

int gr_graph_read(struct gr_graph *g, struct gr_reader *r, struct gr_stats *st,
		  void (*diag)(void *ctx, int severity, const struct gr_error *e), void *ctx,
		  struct gr_error *err)
{
	const char *line;
	size_t n;
	int rc;

	while ((rc = gr_reader_line(r, &line, &n)) != 0) {
		struct gr_error e = { 0 };
		enum gr_reason why = GR_REASON_COUNT;
		if (rc == GR_ERR_LIMIT) {
			st->records_in++;
			why = GR_LOST_LINE_LIMIT;
			e = r->errinfo;
			goto lost;
		}
		if (rc < 0) {
			*err = r->errinfo;
			return rc;
		}
		while (n && (line[n - 1] == '\r' || line[n - 1] == ' '))
			n--;
		if (!n)
			continue;
		st->records_in++;
		/* jansson takes a raw NUL after a number or a literal; JSON has none, and a
		 * record kept verbatim (extra) would carry it into our output */
		const char *nul = memchr(line, '\0', n);
		if (nul) {
			why = GR_LOST_JSON;
			gr_error_set(&e, GR_ERR_JSON, "malformed JSON: NUL byte at byte %zu",
				     (size_t)(nul - line));
			goto lost_at;
		}
		json_error_t jerr;
		json_t *o = json_loadb(line, n, 0, &jerr);
		if (!json_is_object(o)) {
			why = GR_LOST_JSON;
			gr_error_set(&e, GR_ERR_JSON, "malformed JSON: %s",
				     o ? "not an object" : jerr.text);
			json_decref(o);
			goto lost_at;
		}
		size_t tn;
		const char *type = jstr(o, "type", &tn), *bad = NULL;
		if (!type) {
			bad = "record without a type";
		} else if (!strcmp(type, "node")) {
			bad = read_node(g, o);
		} else if (!strcmp(type, "edge")) {
			bad = read_edge(g, o);
		} else if (!strcmp(type, "gammaray-graph")) {
			json_int_t v = json_integer_value(json_object_get(o, "v"));
			if (v != GR_GRAPH_VERSION) {
				json_decref(o);
				st->records_in--; /* the run stops: this record is not read */
				gr_error_set(err, GR_ERR_FORMAT,
					     "graph stream version %lld, this program reads version %d",
					     (long long)v, GR_GRAPH_VERSION);
				gr_error_at(err, r->name, r->lineno);
				return GR_ERR_FORMAT;
			}
		} else if (!strcmp(type, "gammaray-events")) {
			json_decref(o);
			st->records_in--;
			gr_error_set(err, GR_ERR_FORMAT,
				     "this is an event stream: run gammaray-infer on it first");
			gr_error_at(err, r->name, r->lineno);
			return GR_ERR_FORMAT;
		} else if (keep_extra(g, line, n)) {
			bad = "out of memory";
		}
		json_decref(o);
		if (bad && !strcmp(bad, "out of memory")) {
			gr_error_set(err, GR_ERR_NOMEM, "out of memory");
			return GR_ERR_NOMEM;
		}
		if (!bad) {
			st->records_out++;
			continue;
		}
		why = GR_LOST_UNKNOWN_DOC;
		gr_error_set(&e, GR_ERR_DATA, "%s", bad);
lost_at:
		gr_error_at(&e, r->name, r->lineno);
lost:
		st->reason[why]++;
		if (diag)
			diag(ctx, 1, &e);
	}
	return 0;
}

/* --- writing ------------------------------------------------------------------ */

void gr_graph_write_header(struct gr_jw *w)
{
	gr_jw_begin(w);
	gr_jw_cstr(w, "type", "gammaray-graph");
	gr_jw_int(w, "v", GR_GRAPH_VERSION);
	gr_jw_end(w);
}

void gr_graph_write_node(struct gr_jw *w, const struct gr_node *n)
{
	const char *st = gr_status_name(n->status);

	gr_jw_begin(w);
	gr_jw_cstr(w, "type", "node");
	gr_jw_cstr(w, "id", n->id);
	if (n->fn)
		gr_jw_cstr(w, "fn", n->fn);
	if (n->start_us != GR_TIME_UNKNOWN)
		gr_jw_int(w, "start_us", n->start_us);
	if (n->end_us != GR_TIME_UNKNOWN)
		gr_jw_int(w, "end_us", n->end_us);
	gr_jw_int(w, "init_us", n->init_us);
	gr_jw_bool(w, "cold", n->cold);
	if (st)
		gr_jw_cstr(w, "status", st);
	if (n->trace)
		gr_jw_cstr(w, "trace", n->trace);
	if (n->stream)
		gr_jw_cstr(w, "stream", n->stream);
	if (n->mem_mb >= 0)
		gr_jw_int(w, "mem_mb", n->mem_mb);
	if (n->billed_us >= 0)
		gr_jw_int(w, "billed_us", n->billed_us);
	if (n->attempts > 1)
		gr_jw_int(w, "attempts", n->attempts);
	if (n->critical)
		gr_jw_bool(w, "critical", true);
	gr_jw_end(w);
}

void gr_graph_write_edge(struct gr_jw *w, const struct gr_graph *g, const struct gr_edge *e)
{
	char conf[16];

	gr_jw_begin(w);
	gr_jw_cstr(w, "type", "edge");
	gr_jw_cstr(w, "from", g->nodes[e->from].id);
	gr_jw_cstr(w, "to", g->nodes[e->to].id);
	gr_jw_cstr(w, "kind", gr_kind_name(e->kind));
	gr_jw_bool(w, "sync", e->sync);
	if (e->evidence)
		gr_jw_cstr(w, "evidence", e->evidence);
	if (e->key)
		gr_jw_cstr(w, "key", e->key);
	/* three decimals: stable text, enough to rank */
	int n = snprintf(conf, sizeof(conf), "%.3f", e->confidence < 0 ? 0 :
			 e->confidence > 1 ? 1 : e->confidence);
	gr_jw_raw(w, "confidence", conf, (size_t)n);
	if (e->cause_us != GR_TIME_UNKNOWN)
		gr_jw_int(w, "cause_us", e->cause_us);
	gr_jw_int(w, "delay_us", e->delay_us);
	if (e->critical)
		gr_jw_bool(w, "critical", true);
	gr_jw_end(w);
}

static int cmp_node(const void *a, const void *b, void *ctx)
{
	const struct gr_graph *g = ctx;
	const struct gr_node *x = &g->nodes[*(const uint32_t *)a], *y = &g->nodes[*(const uint32_t *)b];

	if (x->start_us != y->start_us)
		return x->start_us < y->start_us ? -1 : 1;
	return strcmp(x->id, y->id);
}

static int cmp_edge(const void *a, const void *b, void *ctx)
{
	const struct gr_graph *g = ctx;
	const struct gr_edge *x = &g->edges[*(const uint32_t *)a], *y = &g->edges[*(const uint32_t *)b];
	int c;

	if (x->cause_us != y->cause_us)
		return x->cause_us < y->cause_us ? -1 : 1;
	if ((c = strcmp(g->nodes[x->from].id, g->nodes[y->from].id)))
		return c;
	if ((c = strcmp(g->nodes[x->to].id, g->nodes[y->to].id)))
		return c;
	return (int)x->kind - (int)y->kind;
}

int gr_graph_write(const struct gr_graph *g, int (*write)(void *ctx, const char *p, size_t n),
		   void *ctx)
{
	struct gr_buf b = GR_BUF_INIT;
	struct gr_jw w;
	size_t n = g->nnodes > g->nedges ? g->nnodes : g->nedges;
	uint32_t *order = malloc((n ? n : 1) * sizeof(*order));
	int rc = 0;

	if (!order)
		return GR_ERR_NOMEM;
	gr_jw_init(&w, &b);
	gr_graph_write_header(&w);
	for (size_t i = 0; i < g->nnodes; i++)
		order[i] = (uint32_t)i;
	qsort_r(order, g->nnodes, sizeof(*order), cmp_node, (void *)g);
	for (size_t i = 0; i < g->nnodes && !rc; i++) {
		gr_graph_write_node(&w, &g->nodes[order[i]]);
		if (b.len > (1u << 20)) {
			rc = w.err ? w.err : write(ctx, b.data, b.len);
			gr_buf_reset(&b);
		}
	}
	for (size_t i = 0; i < g->nedges; i++)
		order[i] = (uint32_t)i;
	qsort_r(order, g->nedges, sizeof(*order), cmp_edge, (void *)g);
	for (size_t i = 0; i < g->nedges && !rc; i++) {
		gr_graph_write_edge(&w, g, &g->edges[order[i]]);
		if (b.len > (1u << 20)) {
			rc = w.err ? w.err : write(ctx, b.data, b.len);
			gr_buf_reset(&b);
		}
	}
	for (size_t i = 0; i < g->nextra && !rc; i++) {
		gr_buf_adds(&b, g->extra[i]);
		gr_buf_addc(&b, '\n');
	}
	if (!rc)
		rc = w.err ? w.err : b.len ? write(ctx, b.data, b.len) : 0;
	gr_buf_release(&b);
	free(order);
	return rc;
}
