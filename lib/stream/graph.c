/* graph.c: the causal graph of invocations and its NDJSON stream, gammaray-graph(5). */
#include "stream/graph.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stream/events.h"
#include "common/prices.h"
#include "common/numbers.h"
#include "common/stage.h"
#include "common/reader.h"

/* What a record reader returns when memory ran out: told apart from a bad record
 * by identity, not by its text. */
static const char NOMEM[] = "out of memory";

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
	gr_strmap_release(&g->names);
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

/* A string many records share, copied once (NULL on out of memory). */
static const char *graph_name(struct gr_graph *g, const char *s, size_t n)
{
	const char *kept;
	int added;

	return gr_strmap_intern(&g->names, &g->arena, s, n, 0, &added, &kept) ? kept : NULL;
}

static uint32_t node_h(struct gr_graph *g, const char *id, size_t n, uint64_t h);

uint32_t gr_graph_node(struct gr_graph *g, const char *id, size_t n)
{
	return node_h(g, id, n, gr_hash(id, n));
}

static uint32_t node_h(struct gr_graph *g, const char *id, size_t n, uint64_t h)
{
	/* room first, so that a new key always gets its node */
	if (g->nnodes == g->cap_nodes) {
		size_t cap = g->cap_nodes ? g->cap_nodes * 2 : 1024;
		struct gr_node *p = realloc(g->nodes, cap * sizeof(*p));
		if (!p)
			return GR_NONE;
		g->nodes = p;
		g->cap_nodes = cap;
	}
	const char *key;
	int added;
	uint32_t *ix = gr_strmap_intern_h(&g->ids, &g->arena, id, n, h, (uint32_t)g->nnodes, &added,
					   &key);
	if (!ix)
		return GR_NONE;
	if (!added)
		return *ix;
	struct gr_node *nd = &g->nodes[g->nnodes];
	memset(nd, 0, sizeof(*nd));
	nd->id = key;
	nd->start_us = nd->end_us = GR_TIME_UNKNOWN;
	nd->mem_mb = nd->billed_us = nd->billed_restore_us = -1;
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

/* Prepend in reverse so each list runs in edge index order; copies left out. */
static void link_edges(struct gr_graph *g)
{
	for (size_t i = 0; i < g->nnodes; i++)
		g->nodes[i].in = g->nodes[i].out = GR_NONE;
	for (size_t i = g->nedges; i-- > 0;) {
		struct gr_edge *e = &g->edges[i];
		if (e->dup)
			continue;
		e->next_in = g->nodes[e->to].in;
		g->nodes[e->to].in = (uint32_t)i;
		e->next_out = g->nodes[e->from].out;
		g->nodes[e->from].out = (uint32_t)i;
	}
}

/* Edges into one node, ordered so that copies are neighbours, the first one first. */
static int cmp_in(const void *a, const void *b, void *ctx)
{
	const struct gr_graph *g = ctx;
	uint32_t i = *(const uint32_t *)a, j = *(const uint32_t *)b;
	const struct gr_edge *x = &g->edges[i], *y = &g->edges[j];
	int c;

	if (x->cause_us != y->cause_us)
		return x->cause_us < y->cause_us ? -1 : 1;
	if (x->from != y->from)
		return x->from < y->from ? -1 : 1;
	if (x->kind != y->kind)
		return (int)x->kind - (int)y->kind;
	if (x->sync != y->sync)
		return (int)x->sync - (int)y->sync;
	if ((c = strcmp(x->key ? x->key : "", y->key ? y->key : "")))
		return c;
	return i < j ? -1 : i > j;
}

/* Two edges into the same node that are one edge read twice. */
static bool same_edge(const struct gr_edge *x, const struct gr_edge *y)
{
	return x->cause_us == y->cause_us && x->from == y->from && x->kind == y->kind &&
	       x->sync == y->sync && !strcmp(x->key ? x->key : "", y->key ? y->key : "");
}

int gr_graph_index(struct gr_graph *g)
{
	uint32_t small[16], *in = small, *big = NULL;
	size_t cap = 0;

	for (size_t i = 0; i < g->nedges; i++)
		g->edges[i].dup = false;
	g->dup_edges = 0;
	link_edges(g);
	/* copies share their head: compare the edges into each node, pairwise when they
	 * are few (most nodes have one), sorted when many (no quadratic fan-in) */
	for (size_t v = 0; v < g->nnodes; v++) {
		size_t d = 0;
		uint32_t first = g->nodes[v].in;
		if (first == GR_NONE || g->edges[first].next_in == GR_NONE)
			continue;
		for (uint32_t e = first; e != GR_NONE; e = g->edges[e].next_in)
			d++;
		if (d > sizeof(small) / sizeof(small[0]) && d > cap) {
			uint32_t *p = realloc(big, d * sizeof(*p));
			if (!p) {
				free(big);
				return GR_ERR_NOMEM;
			}
			big = p;
			cap = d;
		}
		in = d > sizeof(small) / sizeof(small[0]) ? big : small;
		d = 0;
		for (uint32_t e = first; e != GR_NONE; e = g->edges[e].next_in)
			in[d++] = e;
		if (d <= sizeof(small) / sizeof(small[0])) {
			/* in index order: the later of two equal ones is the copy */
			for (size_t a = 0; a < d; a++)
				for (size_t b = a + 1; b < d && !g->edges[in[a]].dup; b++)
					if (!g->edges[in[b]].dup &&
					    same_edge(&g->edges[in[a]], &g->edges[in[b]])) {
						g->edges[in[b]].dup = true;
						g->dup_edges++;
					}
		} else {
			qsort_r(in, d, sizeof(*in), cmp_in, g);
			for (size_t a = 1; a < d; a++)
				if (same_edge(&g->edges[in[a - 1]], &g->edges[in[a]])) {
					g->edges[in[a]].dup = true;
					g->dup_edges++;
				}
		}
	}
	free(big);
	if (g->dup_edges)
		link_edges(g);
	g->indexed = true;
	return 0;
}

/* --- reading ------------------------------------------------------------------ */

/*
 * Records are read with the pull scanner (common/json_scan.h), not a jansson tree:
 * the members the reader knows are kept as slices, the last of duplicate keys
 * winning as in jansson's json_object_get, and read from there. A line the scanner
 * refuses, or one holding a "\u0000" escape, goes through jansson, which decides
 * whether it is JSON and words the message, so accounting and messages are the
 * ones the tree reader gave.
 */

/* The members of a graph record the reader looks at. */
enum rkey {
	K_TYPE, K_V, K_ID, K_FN, K_TRACE, K_STREAM, K_START, K_END, K_INIT, K_MEM,
	K_BILLED, K_ATTEMPTS, K_STATUS, K_COLD, K_CRITICAL, K_FROM, K_TO, K_KIND, K_SYNC,
	K_EVIDENCE, K_KEY, K_CONFIDENCE, K_CAUSE, K_DELAY, K_RESTORE, K_BOOT, K_BILLED_RESTORE,
	K_RUNTIME,
	K_COUNT
};

/* One record's known members (t == GR_JT_NONE: absent). */
struct rec {
	struct gr_jv f[K_COUNT]; /* by enum rkey */
};

/* A key's enum rkey, K_COUNT when the reader does not look at it. */
static enum rkey rkey_find(const char *p, size_t n)
{
#define IS(lit, k) if (!memcmp(p, lit, n)) return k
	switch (n) {
	case 1: IS("v", K_V); break;
	case 2: IS("id", K_ID); IS("fn", K_FN); IS("to", K_TO); break;
	case 3: IS("key", K_KEY); break;
	case 4: IS("type", K_TYPE); IS("from", K_FROM); IS("kind", K_KIND);
		IS("sync", K_SYNC); IS("cold", K_COLD); break;
	case 5: IS("trace", K_TRACE); IS("start", K_BOOT); break;
	case 6: IS("stream", K_STREAM); IS("status", K_STATUS); IS("end_us", K_END);
		IS("mem_mb", K_MEM); break;
	case 7: IS("init_us", K_INIT); IS("runtime", K_RUNTIME); break;
	case 8: IS("start_us", K_START); IS("cause_us", K_CAUSE); IS("delay_us", K_DELAY);
		IS("attempts", K_ATTEMPTS); IS("critical", K_CRITICAL); IS("evidence", K_EVIDENCE);
		break;
	case 9: IS("billed_us", K_BILLED); break;
	case 10: IS("confidence", K_CONFIDENCE); IS("restore_us", K_RESTORE); break;
	case 17: IS("billed_restore_us", K_BILLED_RESTORE); break;
	}
#undef IS
	return K_COUNT;
}

/* An escaped key, decoded (jansson matches keys after decoding). No key the reader
 * knows is longer than 17 bytes, so 6 bytes of escape each at most. */
static enum rkey rkey_find_esc(const char *p, size_t n)
{
	char d[17 * 6];

	if (n > sizeof(d))
		return K_COUNT;
	return rkey_find(d, gr_js_unescape(p, n, d));
}

/*
 * Scan the object line[0..n) into r. Returns 0, or -1 when the scanner refused it
 * (js->err says why). trusted: the text is known to be JSON (jansson took it).
 */
static int scan_record(const char *line, size_t n, bool trusted, struct rec *r, struct gr_js *js)
{
	struct gr_jv k, v;
	int rc;

	for (int i = 0; i < K_COUNT; i++)
		r->f[i].t = GR_JT_NONE;
	if (!gr_js_begin(js, line, n, false, 512))
		return -1;
	js->exact = true;
	js->trusted = trusted;
	while ((rc = gr_js_next(js, &k, &v)) > 0) {
		enum rkey key = k.esc ? rkey_find_esc(k.p, k.n) : rkey_find(k.p, k.n);
		if (key != K_COUNT)
			r->f[key] = v;
	}
	return rc;
}

/* A string member's text (decoded onto scratch when escaped), NULL when absent or
 * not a string. */
static const char *rstr(const struct rec *r, enum rkey k, struct gr_buf *scratch, size_t *n)
{
	struct gr_str s = gr_jv_text(&r->f[k], scratch);

	*n = s.n;
	return s.p;
}

/* Powers of ten a double holds exactly. */
static const double exact_pow10[] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

/*
 * A number's value as jansson holds it: *is_int and *i for an integer (no fraction,
 * no exponent: one jansson took fits int64_t), else *d, the real strtod gives.
 * Plain decimals of up to 15 digits skip strtod: the digits and the power of ten
 * are exact doubles, so one division is the correctly rounded value strtod returns.
 */
static void num_value(const struct gr_jv *v, bool *is_int, int64_t *i, double *d)
{
	const char *p = v->p, *end = p + v->n;
	bool neg = *p == '-';
	uint64_t acc = 0;
	int digits = 0, frac = 0;

	for (p += neg; p < end && *p >= '0' && *p <= '9'; p++, digits++)
		acc = acc * 10 + (uint64_t)(*p - '0');
	*is_int = p == end;
	if (*is_int) {
		*i = neg ? (int64_t)(0 - acc) : (int64_t)acc;
		return;
	}
	if (*p == '.' && digits <= 15) {
		for (p++; p < end && *p >= '0' && *p <= '9'; p++, frac++)
			acc = acc * 10 + (uint64_t)(*p - '0');
		if (p == end && digits + frac <= 15) {
			double x = (double)acc / exact_pow10[frac];
			*d = neg ? -x : x;
			return;
		}
	}
	char small[64], *t = v->n < sizeof(small) ? small : malloc(v->n + 1);
	if (!t) {
		*d = 0; /* out of memory for a number of over 63 digits */
		return;
	}
	memcpy(t, v->p, v->n);
	t[v->n] = '\0';
	*d = strtod(t, NULL);
	if (t != small)
		free(t);
}

/* An integer member, dflt when absent or not a number; *range is set when it is a
 * number beyond +-GR_MAX_INT (the record is then refused). */
static int64_t rint64(const struct rec *r, enum rkey k, int64_t dflt, bool *range)
{
	const struct gr_jv *v = &r->f[k];
	bool is_int;
	int64_t x;
	double d;

	if (v->t != GR_JT_NUM)
		return dflt;
	num_value(v, &is_int, &x, &d);
	if (is_int) {
		if (x >= -GR_MAX_INT && x <= GR_MAX_INT)
			return x;
	} else if (d >= -(double)GR_MAX_INT && d <= (double)GR_MAX_INT) {
		return (int64_t)d;
	}
	*range = true;
	return dflt;
}

static bool rtrue(const struct rec *r, enum rkey k)
{
	return r->f[k].t == GR_JT_TRUE;
}

static enum gr_status status_parse(const char *s, size_t n)
{
	if (!s)
		return GR_STATUS_NONE;
	if (n == 2 && !memcmp(s, "ok", 2))
		return GR_STATUS_OK;
	if (n == 5 && !memcmp(s, "error", 5))
		return GR_STATUS_ERROR;
	if (n == 7 && !memcmp(s, "timeout", 7))
		return GR_STATUS_TIMEOUT;
	return GR_STATUS_NONE;
}

/* Returns NULL on success, else what was wrong with the record. */
static const char *read_node(struct gr_graph *g, const struct rec *r, struct gr_buf *scratch)
{
	size_t n;
	const char *id = rstr(r, K_ID, scratch, &n), *s;

	if (!id || !n)
		return "node without an id";
	bool range = false;
	int64_t start = rint64(r, K_START, GR_TIME_UNKNOWN, &range);
	int64_t end = rint64(r, K_END, GR_TIME_UNKNOWN, &range);
	int64_t init = rint64(r, K_INIT, 0, &range), mem = rint64(r, K_MEM, -1, &range);
	int64_t billed = rint64(r, K_BILLED, -1, &range), att = rint64(r, K_ATTEMPTS, 1, &range);
	int64_t restore = rint64(r, K_RESTORE, 0, &range);
	int64_t billed_restore = rint64(r, K_BILLED_RESTORE, -1, &range);
	if (range)
		return "node with a number beyond +-2^60";
	uint32_t ix = gr_graph_node(g, id, n);
	if (ix == GR_NONE)
		return NOMEM;
	struct gr_node *nd = &g->nodes[ix];
	nd->stub = false;
	if ((s = rstr(r, K_FN, scratch, &n)))
		nd->fn = graph_name(g, s, n);
	if ((s = rstr(r, K_TRACE, scratch, &n)))
		nd->trace = gr_graph_str(g, s, n);
	if ((s = rstr(r, K_STREAM, scratch, &n)))
		nd->stream = graph_name(g, s, n);
	if ((s = rstr(r, K_RUNTIME, scratch, &n)))
		nd->runtime = graph_name(g, s, n);
	nd->start_us = start;
	nd->end_us = end;
	nd->init_us = init;
	nd->mem_mb = mem;
	nd->billed_us = billed;
	nd->billed_restore_us = billed_restore;
	nd->attempts = (uint32_t)att;
	s = rstr(r, K_STATUS, scratch, &n);
	nd->status = status_parse(s, n);
	nd->restore_us = restore;
	nd->cold = rtrue(r, K_COLD);
	nd->start = nd->cold ? GR_START_COLD : GR_START_WARM;
	if ((s = rstr(r, K_BOOT, scratch, &n)))
		for (int k = GR_START_COLD; k < GR_START_COUNT; k++)
			if (strlen(gr_start_name(k)) == n && !memcmp(s, gr_start_name(k), n))
				nd->start = k;
	nd->critical = rtrue(r, K_CRITICAL);
	return NULL;
}

static const char *read_edge(struct gr_graph *g, const struct rec *r, struct gr_buf *scratch)
{
	size_t fn, tn, n;
	const char *from = rstr(r, K_FROM, scratch, &fn), *to = rstr(r, K_TO, scratch, &tn), *s;
	struct gr_edge e = { 0 };

	if (!from || !to || !fn || !tn)
		return "edge without from or to";
	s = rstr(r, K_KIND, scratch, &n);
	e.kind = s ? gr_kind_parse(s, n) : GR_KIND_NONE;
	if (e.kind == GR_KIND_NONE)
		return "edge with an unknown kind";
	bool range = false;
	e.cause_us = rint64(r, K_CAUSE, GR_TIME_UNKNOWN, &range);
	e.delay_us = rint64(r, K_DELAY, 0, &range);
	if (range)
		return "edge with a number beyond +-2^60";
	/* both slots asked for before either is read: on a big graph they miss the cache */
	uint64_t fh = gr_hash(from, fn), th = gr_hash(to, tn);
	gr_strmap_prefetch(&g->ids, fh);
	gr_strmap_prefetch(&g->ids, th);
	e.from = node_h(g, from, fn, fh);
	e.to = node_h(g, to, tn, th);
	if (e.from == GR_NONE || e.to == GR_NONE)
		return NOMEM;
	e.sync = rtrue(r, K_SYNC);
	e.critical = rtrue(r, K_CRITICAL);
	if ((s = rstr(r, K_EVIDENCE, scratch, &n)))
		e.evidence = graph_name(g, s, n);
	if ((s = rstr(r, K_KEY, scratch, &n)))
		e.key = gr_graph_str(g, s, n);
	e.confidence = 1.0;
	if (r->f[K_CONFIDENCE].t == GR_JT_NUM) {
		bool is_int;
		int64_t x;
		num_value(&r->f[K_CONFIDENCE], &is_int, &x, &e.confidence);
		if (is_int)
			e.confidence = (double)x;
	}
	if (gr_graph_add_edge(g, &e) == GR_NONE)
		return NOMEM;
	return NULL;
}

/*
 * Does line[0..n) hold a "\u0000" escape? jansson refuses one anywhere (the scanner
 * only in keys); a backslash is rare in a graph stream, so this is mostly a memchr.
 */
static bool has_u0000(const char *line, size_t n)
{
	const char *p = line, *end = line + n;

	while ((p = memchr(p, '\\', (size_t)(end - p)))) {
		if (end - p >= 6 && !memcmp(p, "\\u0000", 6))
			return true;
		p += 2; /* the escaped byte, a backslash included, is not an escape */
		if (p >= end)
			break;
	}
	return false;
}

/*
 * What jansson says of a line the scanner refused or that holds "\u0000": NULL when
 * it takes it as an object, else the text of the malformed-JSON message in *msg.
 */
static bool jansson_refuses(const char *line, size_t n, char *msg, size_t cap)
{
	json_error_t jerr;
	json_t *o = json_loadb(line, n, 0, &jerr);
	bool bad = !json_is_object(o);

	if (bad)
		snprintf(msg, cap, "%s", o ? "not an object" : jerr.text);
	json_decref(o);
	return bad;
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
	struct gr_buf scratch = GR_BUF_INIT; /* escaped strings of a record, decoded */
	struct rec rec;
	const char *line;
	size_t n;
	int rc;

	bool first = true;
	while ((rc = gr_reader_line(r, &line, &n)) != 0) {
		struct gr_error e = { 0 };
		enum gr_reason why = GR_REASON_COUNT;
		if (rc == GR_ERR_LIMIT) {
			st->records_in++;
			first = false; /* the first line, lost: it shows nothing of the input */
			why = GR_LOST_LINE_LIMIT;
			e = r->errinfo;
			goto lost;
		}
		if (rc < 0) {
			*err = r->errinfo;
			break;
		}
		while (n && (line[n - 1] == '\r' || line[n - 1] == ' '))
			n--;
		if (!n)
			continue;
		st->records_in++;
		const char *raw = first ? gr_stage_raw(line, n) : NULL;
		first = false;
		if (raw) {
			/* no graph at all: said once, the input's rest not read (not one
			 * loss per line); the next input is */
			st->reason[GR_LOST_UNKNOWN_DOC]++;
			gr_error_set(&e, GR_ERR_FORMAT, "this is %s, not a graph stream: run "
				     "gammaray-fetch, then gammaray-infer on it first", raw);
			gr_error_at(&e, r->name, r->lineno);
			if (diag)
				diag(ctx, 1, &e);
			rc = 0;
			break;
		}
		/* jansson takes a raw NUL after a number or a literal; JSON has none, and a
		 * record kept verbatim (extra) would carry it into our output */
		const char *nul = memchr(line, '\0', n);
		if (nul) {
			why = GR_LOST_JSON;
			gr_error_set(&e, GR_ERR_JSON, "malformed JSON: NUL byte at byte %zu",
				     (size_t)(nul - line));
			goto lost_at;
		}
		/* the scanner first; jansson for what it refuses and for "\u0000" */
		struct gr_js js;
		int src = scan_record(line, n, false, &rec, &js);
		bool esc = memchr(line, '\\', n) != NULL;
		if (src < 0 || (esc && has_u0000(line, n))) {
			char msg[sizeof(((json_error_t *)0)->text) + 16];
			if (jansson_refuses(line, n, msg, sizeof(msg))) {
				why = GR_LOST_JSON;
				gr_error_set(&e, GR_ERR_JSON, "malformed JSON: %s", msg);
				goto lost_at;
			}
			/* jansson took it (deeper than the scanner goes): rescan as trusted */
			if (src < 0 && scan_record(line, n, true, &rec, &js) < 0) {
				why = GR_LOST_JSON;
				gr_error_set(&e, GR_ERR_JSON, "malformed JSON: %s", js.err);
				goto lost_at;
			}
		}
		/* room to decode every escaped string of the line without moving */
		gr_buf_reset(&scratch);
		if (esc && gr_buf_grow(&scratch, n + 1)) {
			gr_error_set(err, GR_ERR_NOMEM, "out of memory");
			rc = GR_ERR_NOMEM;
			break;
		}
		size_t tn;
		const char *type = rstr(&rec, K_TYPE, &scratch, &tn), *bad = NULL;
		if (!type) {
			bad = "record without a type";
		} else if (tn == 4 && !memcmp(type, "node", 4)) {
			bad = read_node(g, &rec, &scratch);
		} else if (tn == 4 && !memcmp(type, "edge", 4)) {
			bad = read_edge(g, &rec, &scratch);
		} else if (tn == 14 && !memcmp(type, "gammaray-graph", 14)) {
			/* json_integer_value: 0 for anything but an integer */
			int64_t v = 0;
			if (rec.f[K_V].t == GR_JT_NUM) {
				bool is_int;
				double d;
				num_value(&rec.f[K_V], &is_int, &v, &d);
				if (!is_int)
					v = 0;
			}
			if (v != GR_GRAPH_VERSION) {
				st->records_in--; /* the run stops: this record is not read */
				gr_error_set(err, GR_ERR_FORMAT,
					     "graph stream version %lld, this program reads version %d",
					     (long long)v, GR_GRAPH_VERSION);
				gr_error_at(err, r->name, r->lineno);
				rc = GR_ERR_FORMAT;
				break;
			}
		} else if (tn == 15 && !memcmp(type, "gammaray-events", 15)) {
			st->records_in--;
			gr_error_set(err, GR_ERR_FORMAT,
				     "this is an event stream: run gammaray-infer on it first");
			gr_error_at(err, r->name, r->lineno);
			rc = GR_ERR_FORMAT;
			break;
		} else if (keep_extra(g, line, n)) {
			bad = NOMEM;
		}
		if (bad == NOMEM) {
			gr_error_set(err, GR_ERR_NOMEM, "out of memory");
			rc = GR_ERR_NOMEM;
			break;
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
	gr_buf_release(&scratch);
	return rc;
}

/* --- writing ------------------------------------------------------------------ */

const char *gr_start_name(enum gr_start s)
{
	static const char *const names[GR_START_COUNT] = {
		[GR_START_WARM] = "warm", [GR_START_COLD] = "cold",
		[GR_START_RESTORE] = "restore", [GR_START_FAILED_INIT] = "failed-init",
	};

	return s < GR_START_COUNT ? names[s] : "warm";
}

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
	if (n->restore_us > 0)
		gr_jw_int(w, "restore_us", n->restore_us);
	gr_jw_bool(w, "cold", n->cold);
	if (n->start != GR_START_WARM && n->start < GR_START_COUNT)
		gr_jw_cstr(w, "start", gr_start_name(n->start));
	if (st)
		gr_jw_cstr(w, "status", st);
	if (n->trace)
		gr_jw_cstr(w, "trace", n->trace);
	if (n->stream)
		gr_jw_cstr(w, "stream", n->stream);
	if (n->runtime)
		gr_jw_cstr(w, "runtime", n->runtime);
	if (n->mem_mb >= 0)
		gr_jw_int(w, "mem_mb", n->mem_mb);
	if (n->billed_us >= 0)
		gr_jw_int(w, "billed_us", n->billed_us);
	if (n->billed_restore_us >= 0)
		gr_jw_int(w, "billed_restore_us", n->billed_restore_us);
	if (n->attempts > 1)
		gr_jw_int(w, "attempts", n->attempts);
	if (n->critical)
		gr_jw_bool(w, "critical", true);
	gr_jw_end(w);
}

void gr_graph_write_edge(struct gr_jw *w, const struct gr_graph *g, const struct gr_edge *e)
{
	char conf[32];

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
	size_t n = gr_fixed3(e->confidence < 0 ? 0 : e->confidence > 1 ? 1 : e->confidence, conf);
	gr_jw_raw(w, "confidence", conf, n);
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
		/* a node only named by edges stays so: its edges name it again */
		if (g->nodes[order[i]].stub)
			continue;
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

bool gr_node_cost(struct gr_prices *p, const struct gr_node *n, int64_t *pico)
{
	struct gr_bill b = { n->fn, n->fn ? strlen(n->fn) : 0, n->billed_us, n->mem_mb,
			     n->start == GR_START_RESTORE, n->runtime,
			     n->runtime ? strlen(n->runtime) : 0 };

	return !n->stub && gr_prices_cost(p, &b, pico);
}
