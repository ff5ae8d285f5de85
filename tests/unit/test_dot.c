/* test_dot.c: unit tests of gammaray-dot: escaping, runs, selection, pruning, views, Graphviz round trips. */
#include <cgraph.h>
#include <gvc.h>
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dot/dot.h"
#include "stream/graph.h"
#include "common/reader.h"

#define T0 1714564800000000LL

/* --- helpers --------------------------------------------------------------------- */

static int buf_write(void *ctx, const char *p, size_t n)
{
	return gr_buf_add(ctx, p, n);
}

static void read_graph(struct gr_graph *g, const char *text, struct gr_stats *st)
{
	struct gr_reader r;
	struct gr_error err = { 0 };

	gr_graph_init(g);
	memset(st, 0, sizeof(*st));
	gr_reader_open_mem(&r, "test", text, strlen(text));
	cr_assert_eq(gr_graph_read(g, &r, st, NULL, NULL, &err), 0, "%s", err.msg);
	gr_reader_release(&r);
}

/* Draw g with o (its write fields are set here) into out; returns gr_dot_graph's code. */
static int draw(struct gr_dot_opts *o, struct gr_graph *g, struct gr_stats *st,
		struct gr_dot_summary *sum, struct gr_buf *out)
{
	struct gr_error err = { 0 };

	o->write = buf_write;
	o->write_ctx = out;
	return gr_dot_graph(o, g, st, sum, &err);
}

/* Draw the NDJSON text with o; the DOT (or SVG) is returned, to be freed. */
static char *draw_text(struct gr_dot_opts *o, const char *text, struct gr_dot_summary *sum,
		       struct gr_stats *st)
{
	struct gr_graph g;
	struct gr_buf out = GR_BUF_INIT;

	read_graph(&g, text, st);
	cr_assert_eq(draw(o, &g, st, sum, &out), 0);
	gr_graph_release(&g);
	cr_assert(gr_stats_balanced(st), "accounting does not add up");
	return gr_buf_detach(&out, NULL);
}

/* The DOT must parse with cgraph; returns the graph (agclose it). */
static Agraph_t *parse_dot(const char *dot)
{
	Agraph_t *g = agmemread(dot);

	cr_assert_not_null(g, "cgraph cannot read the DOT:\n%s", dot);
	return g;
}

static const char *attr(Agraph_t *g, const char *node, const char *name)
{
	Agnode_t *n = agnode(g, (char *)node, 0);

	cr_assert_not_null(n, "no node %s", node);
	char *v = agget(n, (char *)name);
	return v ? v : "";
}

static char *slurp(const char *file)
{
	FILE *f = fopen(file, "rb");
	struct gr_buf b = GR_BUF_INIT;
	char chunk[4096];
	size_t n;

	cr_assert_not_null(f, "cannot open %s", file);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		gr_buf_add(&b, chunk, n);
	fclose(f);
	return gr_buf_detach(&b, NULL);
}

static void add_node(struct gr_buf *b, const char *id, const char *fn, int64_t start, int64_t dur,
		     const char *extra)
{
	gr_buf_addf(b, "{\"type\":\"node\",\"id\":\"%s\",\"fn\":\"%s\",\"start_us\":%lld,"
		    "\"end_us\":%lld,\"init_us\":0,\"cold\":false,\"status\":\"ok\"%s}\n", id, fn,
		    (long long)start, (long long)(start + dur), extra ? extra : "");
}

static void add_edge(struct gr_buf *b, const char *from, const char *to, const char *kind,
		     bool sync, const char *key, int64_t cause, int64_t delay, const char *extra)
{
	gr_buf_addf(b, "{\"type\":\"edge\",\"from\":\"%s\",\"to\":\"%s\",\"kind\":\"%s\",\"sync\":%s,"
		    "\"evidence\":\"marker\",\"key\":\"%s\",\"confidence\":1.000,\"cause_us\":%lld,"
		    "\"delay_us\":%lld%s}\n", from, to, kind, sync ? "true" : "false", key,
		    (long long)cause, (long long)delay, extra ? extra : "");
}

/* --- text escaping ------------------------------------------------------------------ */

struct text_case {
	const char *in;       /* bytes */
	int mode;             /* enum gr_dot_text */
	const char *want;     /* attribute value */
};

static struct text_case text_cases[] = {
	{ "plain name", GR_DOT_LABEL, "plain name" },
	{ "a\\b", GR_DOT_LABEL, "a\\\\b" },
	{ "a\\b", GR_DOT_TOOLTIP, "a\\\\\\\\b" },
	{ "\\N\\G", GR_DOT_LABEL, "\\\\N\\\\G" },
	{ "x&amp;y", GR_DOT_LABEL, "x&amp;amp;y" },
	{ "<b>", GR_DOT_LABEL, "<b>" },
	{ "q\"q", GR_DOT_LABEL, "q\"q" },
	{ "l1\nl2\tx\r", GR_DOT_LABEL, "l1\\\\nl2\\\\tx\\\\r" },
	{ "l1\nl2", GR_DOT_TOOLTIP, "l1\\\\\\\\nl2" },
	{ "bell\a", GR_DOT_LABEL, "bell\\\\x07" },
	{ "del\x7f", GR_DOT_LABEL, "del\\\\x7F" },
	{ "caf\xc3\xa9", GR_DOT_LABEL, "caf\xc3\xa9" },
	{ "bad\xff\xfe", GR_DOT_LABEL, "bad\\\\xFF\\\\xFE" },
	{ "overlong\xc0\xaf", GR_DOT_LABEL, "overlong\\\\xC0\\\\xAF" },
	{ "surrogate\xed\xa0\x80", GR_DOT_LABEL, "surrogate\\\\xED\\\\xA0\\\\x80" },
	{ "cut\xe6\x97", GR_DOT_LABEL, "cut\\\\xE6\\\\x97" },
	{ "\xf0\x9f\x98\x80", GR_DOT_LABEL, "\xf0\x9f\x98\x80" },
	{ "end\\", GR_DOT_LABEL, "end\\\\" },
};

/* Criterion runs each case in a new process: parameters are indices into the tables
 * (pointers to string literals would not survive address randomisation). */
static size_t case_ix[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17 };

ParameterizedTestParameters(dot, text)
{
	return cr_make_param_array(size_t, case_ix, sizeof(text_cases) / sizeof(text_cases[0]));
}

ParameterizedTest(size_t *ix, dot, text)
{
	const struct text_case *c = &text_cases[*ix];
	struct gr_buf b = GR_BUF_INIT;

	gr_dot_text(&b, (enum gr_dot_text)c->mode, c->in, strlen(c->in), 1000);
	cr_assert_str_eq(b.data ? b.data : "", c->want, "input %s", c->in);
	gr_buf_release(&b);
}

Test(dot, text_cut_at_character_boundary)
{
	struct gr_buf b = GR_BUF_INIT;

	/* 5 bytes allowed: "ab" and the 3-byte character fit, the next one does not */
	gr_dot_text(&b, GR_DOT_LABEL, "ab\xe6\x97\xa5\xe6\x97\xa5", 8, 5);
	cr_assert_str_eq(b.data, "ab\xe6\x97\xa5...");
	gr_buf_reset(&b);
	gr_dot_text(&b, GR_DOT_LABEL, "abcdef", 6, 3);
	cr_assert_str_eq(b.data, "abc...");
	gr_buf_release(&b);
}

Test(dot, duration_format)
{
	char s[32];
	struct { int64_t us; const char *want; } c[] = {
		{ 0, "0 ms" }, { 12, "12 us" }, { 1500, "1.5 ms" }, { 350000, "350 ms" },
		{ 1250000, "1.25 s" }, { 125000000, "125 s" }, { 7200000000LL, "120.0 min" },
		{ -2000, "-2.0 ms" },
	};
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		gr_duration_format(c[i].us, s, sizeof(s));
		cr_assert_str_eq(s, c[i].want);
	}
}

Test(dot, percentiles)
{
	int64_t v[] = { 10, 20, 30, 40, 50, 60, 70, 80, 90, 100 };

	cr_assert_eq(gr_pct_i64(v, 10, 0.5), 50);
	cr_assert_eq(gr_pct_i64(v, 10, 0.95), 100);
	cr_assert_eq(gr_pct_i64(v, 1, 0.95), 10);
	cr_assert_eq(gr_pct_i64(v, 0, 0.5), 0);
}

/* --- service resources --------------------------------------------------------------- */

struct res_case {
	int kind;
	const char *key;
	const char *want; /* NULL: no resource */
};

static struct res_case res_cases[] = {
	{ GR_KIND_S3, "photos/a/b.jpg", "photos" },
	{ GR_KIND_DYNAMODB, "orders {\"Id\":\"101\"}", "orders" },
	{ GR_KIND_DYNAMODB, "orders/Id=101", "orders" },
	{ GR_KIND_SQS, "0e1d2c3b-4a59-4687-9786-a5b4c3d2e1f0", NULL },
	{ GR_KIND_SQS, "https://sqs.us-east-1.amazonaws.com/123456789012/jobs/msg-1", "jobs" },
	{ GR_KIND_SNS, "arn:aws:sns:us-east-1:123456789012:alerts", "alerts" },
	/* the keys gammaray-infer writes for markers naming their topic or queue */
	{ GR_KIND_SNS, "news/95df01b4-ee98-5cb9-9903-4c221d41eb5e", "news" },
	{ GR_KIND_SQS, "jobs/0e1d2c3b-4a59-4687-9786-a5b4c3d2e1f0", "jobs" },
	{ GR_KIND_DYNAMODB, "arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/x", "orders" },
	{ GR_KIND_KINESIS, "arn:aws:kinesis:us-east-1:123456789012:stream/clicks", "clicks" },
	{ GR_KIND_LAMBDA, "photos/a.jpg", NULL },
	{ GR_KIND_S3, "/leading-slash", NULL },
};

ParameterizedTestParameters(dot, resource)
{
	return cr_make_param_array(size_t, case_ix, sizeof(res_cases) / sizeof(res_cases[0]));
}

ParameterizedTest(size_t *ix, dot, resource)
{
	const struct res_case *c = &res_cases[*ix];
	size_t len;
	const char *r = gr_dot_resource((enum gr_kind)c->kind, c->key, &len);

	if (!c->want) {
		cr_assert_null(r, "key %s", c->key);
		return;
	}
	cr_assert_not_null(r, "key %s", c->key);
	cr_assert_eq(len, strlen(c->want));
	cr_assert(!memcmp(r, c->want, len), "key %s gave %.*s", c->key, (int)len, r);
}

/* --- runs ----------------------------------------------------------------------------- */

Test(dot, runs_primary_parent_and_fan_in)
{
	struct gr_buf in = GR_BUF_INIT;
	struct gr_graph g;
	struct gr_stats st;
	struct gr_dot_model m;

	/* two roots; the batch consumer c has a producer in each run: the earlier cause wins */
	add_node(&in, "b-root", "api", T0 + 1000, 100, NULL);
	add_node(&in, "a-root", "api", T0, 100, NULL);
	add_node(&in, "c", "batch", T0 + 5000, 100, NULL);
	add_node(&in, "d", "sink", T0 + 6000, 100, NULL);
	add_edge(&in, "b-root", "c", "sqs", false, "q/1", T0 + 1050, 3950, NULL);
	add_edge(&in, "a-root", "c", "sqs", false, "q/2", T0 + 50, 4950, NULL);
	add_edge(&in, "c", "d", "lambda", true, "d", T0 + 5500, 500, NULL);
	read_graph(&g, in.data, &st);
	cr_assert_eq(gr_dot_model_init(&m, &g), 0);
	cr_assert_eq(m.nruns, 2);
	cr_assert_str_eq(g.nodes[m.runs[0].root].id, "a-root");
	cr_assert_str_eq(g.nodes[m.runs[1].root].id, "b-root");
	cr_assert_eq(m.runs[0].count, 3);
	cr_assert_eq(m.runs[1].count, 1);
	uint32_t c = gr_graph_find(&g, "c", 1), d = gr_graph_find(&g, "d", 1);
	cr_assert_eq(m.run_of[c], 0);
	cr_assert_eq(m.run_of[d], 0);
	cr_assert_str_eq(g.nodes[g.edges[m.parent[c]].from].id, "a-root");
	/* members in time order */
	cr_assert_str_eq(g.nodes[m.members[m.runs[0].first]].id, "a-root");
	cr_assert_str_eq(g.nodes[m.members[m.runs[0].first + 2]].id, "d");
	gr_dot_model_release(&m);
	gr_graph_release(&g);
	gr_buf_release(&in);
}

Test(dot, runs_survive_cycles)
{
	struct gr_buf in = GR_BUF_INIT;
	struct gr_graph g;
	struct gr_stats st;
	struct gr_dot_model m;

	/* bad data: x -> y -> z -> x, and a self edge */
	add_node(&in, "x", "f", T0, 10, NULL);
	add_node(&in, "y", "f", T0 + 100, 10, NULL);
	add_node(&in, "z", "f", T0 + 200, 10, NULL);
	add_edge(&in, "x", "y", "s3", false, "b/1", T0 + 5, 95, NULL);
	add_edge(&in, "y", "z", "s3", false, "b/2", T0 + 105, 95, NULL);
	add_edge(&in, "z", "x", "s3", false, "b/3", T0 + 205, -205, NULL);
	add_edge(&in, "z", "z", "s3", false, "b/4", T0 + 206, 0, NULL);
	read_graph(&g, in.data, &st);
	cr_assert_eq(gr_dot_model_init(&m, &g), 0);
	cr_assert_eq(m.nruns, 1);
	cr_assert_eq(m.runs[0].count, 3);
	gr_dot_model_release(&m);
	gr_graph_release(&g);
	gr_buf_release(&in);
}

Test(dot, back_edges)
{
	/* 0 -> 1 -> 2 -> 0, 2 -> 2, 0 -> 2 */
	uint32_t tail[] = { 0, 1, 2, 2, 0 }, head[] = { 1, 2, 0, 2, 2 };
	uint8_t back[5];

	cr_assert_eq(gr_dot_back_edges(3, tail, head, 5, back), 0);
	cr_assert_eq(back[0], 0);
	cr_assert_eq(back[1], 0);
	cr_assert_eq(back[2], 1);
	cr_assert_eq(back[3], 1);
	cr_assert_eq(back[4], 0);
}

/* --- selection ------------------------------------------------------------------------ */

/* Runs r0..r(n-1), each a root "rK" then "rK-child", one second apart. */
static char *runs_text(int n, const char *fn_odd)
{
	struct gr_buf in = GR_BUF_INIT;
	char id[32], child[40], extra[80];

	gr_buf_adds(&in, "{\"type\":\"gammaray-graph\",\"v\":1}\n");
	for (int k = 0; k < n; k++) {
		snprintf(id, sizeof(id), "r%02d", k);
		snprintf(child, sizeof(child), "r%02d-child", k);
		snprintf(extra, sizeof(extra), ",\"trace\":\"1-trace-%02d\"", k);
		add_node(&in, id, k % 2 && fn_odd ? fn_odd : "api", T0 + k * 1000000LL, 1000, extra);
		add_node(&in, child, "worker", T0 + k * 1000000LL + 5000, 1000,
			 k == 0 ? ",\"critical\":true" : NULL);
		add_edge(&in, id, child, "s3", false, "bucket/k", T0 + k * 1000000LL + 900, 4100,
			 NULL);
	}
	return gr_buf_detach(&in, NULL);
}

Test(dot, select_by_root_trace_function_and_time)
{
	char *text = runs_text(6, "odd");
	struct gr_graph g;
	struct gr_stats st;
	struct gr_dot_model m;
	struct gr_dot_opts o;
	struct gr_error err = { 0 };
	const char *roots[] = { "r02-child" }, *traces[] = { "1-trace-03", "1-trace-04" };
	const char *fns[] = { "odd" }, *nope[] = { "no-such-id" };

	read_graph(&g, text, &st);
	cr_assert_eq(gr_dot_model_init(&m, &g), 0);
	gr_dot_opts_init(&o);
	cr_assert_eq(gr_dot_model_select(&m, &o, &err), 0);
	cr_assert_eq(m.runs_selected, 6);

	o.roots = roots;
	o.nroots = 1;
	cr_assert_eq(gr_dot_model_select(&m, &o, &err), 0);
	cr_assert_eq(m.runs_selected, 1);
	cr_assert(m.runs[2].selected);
	cr_assert_eq(m.nkeep, 2);

	gr_dot_opts_init(&o);
	o.traces = traces;
	o.ntraces = 2;
	o.functions = fns;
	o.nfunctions = 1;
	cr_assert_eq(gr_dot_model_select(&m, &o, &err), 0);
	cr_assert_eq(m.runs_selected, 1, "trace 3 or 4 and function odd: run 3 only");
	cr_assert(m.runs[3].selected);

	gr_dot_opts_init(&o);
	o.since_us = T0 + 1000000;
	o.until_us = T0 + 3000000;
	cr_assert_eq(gr_dot_model_select(&m, &o, &err), 0);
	cr_assert_eq(m.runs_selected, 2);
	cr_assert(m.runs[1].selected && m.runs[2].selected);

	gr_dot_opts_init(&o);
	o.roots = nope;
	o.nroots = 1;
	cr_assert_eq(gr_dot_model_select(&m, &o, &err), GR_ERR_USAGE);
	cr_assert(strstr(err.msg, "no-such-id"));
	gr_dot_model_release(&m);
	gr_graph_release(&g);
	free(text);
}

/* --- whole pictures ------------------------------------------------------------------- */

Test(dot, small_invocations_round_trip)
{
	char *text = slurp("../../fixtures/dot/small.ndjson");
	struct gr_dot_opts o;
	struct gr_dot_summary sum;
	struct gr_stats st;

	gr_dot_opts_init(&o);
	char *dot = draw_text(&o, text, &sum, &st);
	Agraph_t *g = parse_dot(dot);
	cr_assert_eq(sum.view, GR_DOT_VIEW_INVOCATIONS);
	cr_assert_eq(sum.shown, 7);
	cr_assert_eq(sum.edges_shown, 5);
	cr_assert_eq(sum.pruned, 0);
	/* 7 invocations and the legend's 14 nodes; 5 edges and the legend's 4 */
	cr_assert_eq(agnnodes(g), 7 + 14);
	cr_assert_eq(agnedges(g), 5 + 4);
	cr_assert_str_eq(attr(g, "i4", "fillcolor"), "#f8c9c4", "notify failed");
	cr_assert_str_eq(attr(g, "i6", "fillcolor"), "#fbd9a6", "resize timed out");
	cr_assert_str_eq(attr(g, "i1", "peripheries"), "2", "cold start");
	cr_assert_str_eq(attr(g, "i1", "color"), "#d00000", "critical");
	cr_assert_str_eq(attr(g, "i7", "style"), "dashed,rounded", "stub");
	cr_assert(strstr(attr(g, "i1", "tooltip"), "11111111-1111-4111-8111-111111111111"));
	Agnode_t *a = agnode(g, "i5", 0), *b = agnode(g, "i6", 0);
	Agedge_t *e = agedge(g, a, b, NULL, 0);
	cr_assert_not_null(e);
	cr_assert_str_eq(agget(e, "style"), "dotted", "heuristic evidence");
	cr_assert(strstr(agget(e, "tooltip"), "confidence 0.500"));
	e = agedge(g, agnode(g, "i2", 0), agnode(g, "i3", 0), NULL, 0);
	cr_assert_str_eq(agget(e, "style"), "", "sync edges are solid");
	e = agedge(g, agnode(g, "i1", 0), agnode(g, "i2", 0), NULL, 0);
	cr_assert_str_eq(agget(e, "style"), "dashed");
	cr_assert_str_eq(agget(e, "color"), "#d00000");
	/* the unmatched record: counted as not shown, said in the label */
	cr_assert_eq(st.reason[GR_SKIP_NOT_SHOWN], 1);
	cr_assert(strstr(agget(g, "label"), "1 other record"));
	agclose(g);
	free(dot);
	free(text);
}

Test(dot, small_functions_round_trip)
{
	char *text = slurp("../../fixtures/dot/small.ndjson");
	struct gr_dot_opts o;
	struct gr_dot_summary sum;
	struct gr_stats st;

	gr_dot_opts_init(&o);
	o.view = GR_DOT_VIEW_FUNCTIONS;
	o.legend = false;
	char *dot = draw_text(&o, text, &sum, &st);
	Agraph_t *g = parse_dot(dot);
	/* upload, resize, thumbs-index, notify, (no record); bucket photos, topic uploads,
	 * the unnamed queue */
	cr_assert_eq(agnnodes(g), 8);
	cr_assert_str_eq(attr(g, "f1", "label"),
			 "notify\\n1 invocation\\nduration p50 50 ms, p95 50 ms\\n"
			 "cold 0 (0.0%), errors 1 (100.0%)");
	cr_assert(strstr(attr(g, "f2", "label"), "resize\\n2 invocations\\n"
				"duration p50 400 ms, p95 3.00 s"));
	cr_assert(strstr(attr(g, "f2", "label"), "timeouts 1 (50.0%)"));
	cr_assert_str_eq(attr(g, "s1", "label"), "S3 bucket\\nphotos\\n2 triggers");
	Agedge_t *e = agedge(g, agnode(g, "s1", 0), agnode(g, "f2", 0), NULL, 0);
	cr_assert_not_null(e, "bucket photos -> resize");
	cr_assert_str_eq(agget(e, "label"), "s3 x2\\np50 350 ms, p95 500 ms");
	cr_assert_str_eq(agget(e, "color"), "#d00000", "one of them is critical");
	agclose(g);
	free(dot);
	free(text);
}

Test(dot, prune_whole_runs_with_a_note)
{
	char *text = runs_text(50, NULL);
	struct gr_dot_opts o;
	struct gr_dot_summary sum;
	struct gr_stats st;

	gr_dot_opts_init(&o);
	o.view = GR_DOT_VIEW_INVOCATIONS;
	o.max_nodes = 5;
	char *dot = draw_text(&o, text, &sum, &st);
	Agraph_t *g = parse_dot(dot);
	cr_assert_eq(sum.shown, 4, "two whole runs of two fit in five");
	cr_assert_eq(sum.pruned, 96);
	cr_assert_eq(sum.runs_pruned, 48);
	cr_assert_eq(sum.edges_hidden, 48);
	cr_assert(strstr(attr(g, "not_shown", "label"), "96 invocations (48 more runs) over "
				  "--max-nodes 5"));
	/* 96 node records and 48 edge records left out, each counted */
	cr_assert_eq(st.reason[GR_SKIP_NOT_SHOWN], 96 + 48);
	agclose(g);
	free(dot);
	free(text);
}

Test(dot, cut_first_run_keeps_critical_path)
{
	struct gr_buf in = GR_BUF_INIT;
	struct gr_dot_opts o;
	struct gr_dot_summary sum;
	struct gr_stats st;
	char id[16], prev[16];

	/* a chain of 10; only the last one is critical */
	for (int i = 0; i < 10; i++) {
		snprintf(id, sizeof(id), "n%d", i);
		add_node(&in, id, "f", T0 + i * 1000, 100, i == 9 ? ",\"critical\":true" : NULL);
		if (i)
			add_edge(&in, prev, id, "sqs", false, "q/m", T0 + i * 1000 - 500, 500, NULL);
		memcpy(prev, id, sizeof(id));
	}
	gr_dot_opts_init(&o);
	o.view = GR_DOT_VIEW_INVOCATIONS;
	o.max_nodes = 3;
	char *dot = draw_text(&o, in.data, &sum, &st);
	Agraph_t *g = parse_dot(dot);
	cr_assert_eq(sum.shown, 3);
	cr_assert_eq(sum.pruned, 7);
	/* n9 (critical), then n0, n1 in time order: drawn as i1 n0, i2 n1, i3 n9 */
	cr_assert(strstr(attr(g, "i3", "tooltip"), "request id: n9"));
	cr_assert(strstr(attr(g, "i1", "tooltip"), "request id: n0"));
	Agraph_t *cl = agsubg(g, "cluster_run1", 0);
	cr_assert_not_null(cl);
	cr_assert(strstr(agget(cl, "label"), "only 3 of 10 shown"));
	agclose(g);
	free(dot);
	gr_buf_release(&in);
}

Test(dot, auto_view_switches_to_functions)
{
	char *text = runs_text(20, NULL);
	struct gr_dot_opts o;
	struct gr_dot_summary sum;
	struct gr_stats st;

	gr_dot_opts_init(&o);
	o.max_nodes = 39;
	char *dot = draw_text(&o, text, &sum, &st);
	cr_assert_eq(sum.view, GR_DOT_VIEW_FUNCTIONS);
	cr_assert_eq(sum.shown, 40);
	free(dot);
	o.max_nodes = 40;
	dot = draw_text(&o, text, &sum, &st);
	cr_assert_eq(sum.view, GR_DOT_VIEW_INVOCATIONS);
	free(dot);
	free(text);
}

Test(dot, output_does_not_depend_on_record_order)
{
	char *text = slurp("../../fixtures/dot/small.ndjson");
	struct gr_buf rev = GR_BUF_INIT;
	struct gr_dot_opts o;
	struct gr_dot_summary sum;
	struct gr_stats st;
	char *lines[64] = { NULL };
	size_t n = 0;

	/* the header first, then every other line in reverse */
	for (char *p = text, *nl; *p && n < 64; p = nl + 1) {
		nl = strchr(p, '\n');
		*nl = '\0';
		lines[n++] = p;
	}
	cr_assert_gt(n, 2);
	gr_buf_addf(&rev, "%s\n", lines[0] ? lines[0] : "");
	for (size_t i = n; i-- > 1;)
		gr_buf_addf(&rev, "%s\n", lines[i]);
	for (size_t i = 0; i < n - 1; i++)
		lines[i][strlen(lines[i])] = '\n';
	for (int view = GR_DOT_VIEW_INVOCATIONS; view <= GR_DOT_VIEW_FUNCTIONS; view++) {
		gr_dot_opts_init(&o);
		o.view = (enum gr_dot_view)view;
		char *a = draw_text(&o, text, &sum, &st);
		char *b = draw_text(&o, rev.data, &sum, &st);
		cr_assert_str_eq(a, b, "view %d", view);
		free(a);
		free(b);
	}
	gr_buf_release(&rev);
	free(text);
}

/* --- hostile names through Graphviz to SVG --------------------------------------------- */

/* Append the UTF-8 form of code point c. */
static void put_utf8(struct gr_buf *b, unsigned c)
{
	char u[4];

	if (c < 0x80) {
		gr_buf_addc(b, (char)c);
	} else if (c < 0x800) {
		u[0] = (char)(0xc0 | c >> 6);
		u[1] = (char)(0x80 | (c & 0x3f));
		gr_buf_add(b, u, 2);
	} else if (c < 0x10000) {
		u[0] = (char)(0xe0 | c >> 12);
		u[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		u[2] = (char)(0x80 | (c & 0x3f));
		gr_buf_add(b, u, 3);
	} else {
		u[0] = (char)(0xf0 | c >> 18);
		u[1] = (char)(0x80 | ((c >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((c >> 6) & 0x3f));
		u[3] = (char)(0x80 | (c & 0x3f));
		gr_buf_add(b, u, 4);
	}
}

/* XML text with its entities decoded, appended to b then a '\n' separator. */
static void xml_decode(struct gr_buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		if (s[i] != '&') {
			gr_buf_addc(b, s[i++]);
			continue;
		}
		const char *semi = memchr(s + i, ';', n - i);
		cr_assert_not_null(semi, "bad entity in SVG");
		size_t len = (size_t)(semi - (s + i)) + 1;
		if (len == 5 && !memcmp(s + i, "&amp;", 5))
			gr_buf_addc(b, '&');
		else if (len == 4 && !memcmp(s + i, "&lt;", 4))
			gr_buf_addc(b, '<');
		else if (len == 4 && !memcmp(s + i, "&gt;", 4))
			gr_buf_addc(b, '>');
		else if (len == 6 && !memcmp(s + i, "&quot;", 6))
			gr_buf_addc(b, '"');
		else if (len == 6 && !memcmp(s + i, "&apos;", 6))
			gr_buf_addc(b, '\'');
		else if (s[i + 1] == '#')
			put_utf8(b, (unsigned)strtoul(s + i + (s[i + 2] == 'x' ? 3 : 2), NULL,
						      s[i + 2] == 'x' ? 16 : 10));
		else
			cr_assert_fail("unknown entity %.*s", (int)len, s + i);
		i += len;
	}
	gr_buf_addc(b, '\n');
}

/* Every <text> content and every xlink:title of the SVG, decoded, one per line. */
static void svg_strings(const char *svg, struct gr_buf *texts, struct gr_buf *titles)
{
	const char *p = svg;

	while ((p = strstr(p, "<text"))) {
		const char *a = strchr(p, '>') + 1, *z = strstr(a, "</text>");
		xml_decode(texts, a, (size_t)(z - a));
		p = z;
	}
	p = svg;
	while ((p = strstr(p, "xlink:title=\""))) {
		const char *a = p + 13, *z = strchr(a, '"');
		xml_decode(titles, a, (size_t)(z - a));
		p = z;
	}
}

/* Does s hold the line `line` (between line starts/ends)? */
static bool has_line(const char *s, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = s; (p = strstr(p, line)); p++)
		if ((p == s || p[-1] == '\n') && (p[n] == '\n' || p[n] == '\0'))
			return true;
	return false;
}

struct hostile {
	const char *name;  /* bytes of a function name */
	const char *shown; /* what the picture must show */
};

static const struct hostile hostile_names[] = {
	{ "quote\"in\"name", "quote\"in\"name" },
	{ "back\\slash\\N\\G\\E\\T\\H\\L\\n\\l\\", "back\\slash\\N\\G\\E\\T\\H\\L\\n\\l\\" },
	{ "new\nline\ttab", "new\\nline\\ttab" },
	{ "<b>html</b> &amp; &#60; <table>", "<b>html</b> &amp; &#60; <table>" },
	{ "{record|shape} <port>", "{record|shape} <port>" },
	{ "node", "node" },
	{ "\xff\xfe latin1 caf\xe9", "\\xFF\\xFE latin1 caf\\xE9" },
	{ "\xe6\x97\xa5\xe6\x9c\xac \xc3\xa9", "\xe6\x97\xa5\xe6\x9c\xac \xc3\xa9" },
	{ "end\\", "end\\" },
	{ "\"", "\"" },
	{ "-- ->", "-- ->" },
};

Test(dot, hostile_names_show_in_svg)
{
	size_t n = sizeof(hostile_names) / sizeof(hostile_names[0]);
	struct gr_graph g;
	struct gr_buf out = GR_BUF_INIT, texts = GR_BUF_INIT, titles = GR_BUF_INIT, want = GR_BUF_INIT;
	struct gr_dot_opts o;
	struct gr_dot_summary sum;
	struct gr_stats st = { 0 };
	uint32_t prev = GR_NONE;

	/* built in memory: the graph stream (JSON) could not carry the bytes that are not UTF-8 */
	gr_graph_init(&g);
	for (size_t i = 0; i < n; i++) {
		char id[40];
		snprintf(id, sizeof(id), "%c\\-id-%zu", "\"<&>'"[i % 5], i);
		uint32_t v = gr_graph_node(&g, id, strlen(id));
		struct gr_node *nd = &g.nodes[v];
		nd->stub = false;
		nd->fn = gr_graph_str(&g, hostile_names[i].name, strlen(hostile_names[i].name));
		nd->trace = gr_graph_str(&g, "1-\"x\"\\<y>", 10);
		nd->start_us = T0 + (int64_t)i * 1000;
		nd->end_us = nd->start_us + 500;
		nd->status = GR_STATUS_OK;
		if (prev != GR_NONE) {
			struct gr_edge e = { .from = prev, .to = v, .kind = GR_KIND_S3,
					     .evidence = "marker", .key = nd->fn, .confidence = 1,
					     .cause_us = nd->start_us - 100, .delay_us = 100 };
			gr_graph_add_edge(&g, &e);
		}
		prev = v;
	}
	for (int view = GR_DOT_VIEW_INVOCATIONS; view <= GR_DOT_VIEW_FUNCTIONS; view++) {
		gr_dot_opts_init(&o);
		o.view = (enum gr_dot_view)view;
		/* DOT parses */
		gr_buf_reset(&out);
		cr_assert_eq(draw(&o, &g, &st, &sum, &out), 0);
		agclose(parse_dot(out.data));
		/* SVG shows every name */
		o.format = GR_DOT_FORMAT_SVG;
		gr_buf_reset(&out);
		gr_buf_reset(&texts);
		gr_buf_reset(&titles);
		cr_assert_eq(draw(&o, &g, &st, &sum, &out), 0);
		svg_strings(out.data, &texts, &titles);
		for (size_t i = 0; i < n; i++) {
			cr_assert(has_line(texts.data, hostile_names[i].shown),
				  "view %d: label of %s not shown; texts:\n%s", view,
				  hostile_names[i].shown, texts.data);
			gr_buf_reset(&want);
			gr_buf_addf(&want, "function: %s", hostile_names[i].shown);
			cr_assert(has_line(titles.data, want.data),
				  "view %d: tooltip of %s not shown; tooltips:\n%s", view,
				  hostile_names[i].shown, titles.data);
		}
		if (view == GR_DOT_VIEW_INVOCATIONS) {
			cr_assert(has_line(titles.data, "request id: \"\\-id-0"), "%s", titles.data);
			cr_assert(has_line(titles.data, "trace: 1-\"x\"\\<y>"), "%s", titles.data);
		}
	}
	gr_buf_release(&out);
	gr_buf_release(&texts);
	gr_buf_release(&titles);
	gr_buf_release(&want);
	gr_graph_release(&g);
}

/* --- the SVG context: two plugins and label widths of our own ------------------------ */

Test(dot, text_width_in_ems)
{
	cr_assert_float_eq(gr_dot_text_width(""), 0.0, 1e-12);
	/* DejaVu Sans: a digit 1303 units of 2048, a space 651 */
	cr_assert_float_eq(gr_dot_text_width("0"), 1303.0 / 2048, 1e-12);
	cr_assert_float_eq(gr_dot_text_width("10 ms"), (2 * 1303 + 651 + 1995 + 1067) / 2048.0,
			   1e-12);
	/* one character of two, three or four bytes is one em; a control takes no room */
	cr_assert_float_eq(gr_dot_text_width("\xc3\xa9"), 1.0, 1e-12);
	cr_assert_float_eq(gr_dot_text_width("\xe2\x80\xae" "a"), 1.0 + 1255 / 2048.0, 1e-12);
	cr_assert_float_eq(gr_dot_text_width("\xf0\x9f\x98\x80"), 1.0, 1e-12);
	cr_assert_float_eq(gr_dot_text_width("a\tb"), (1255 + 1300) / 2048.0, 1e-12);
	/* a lone continuation byte is a character of its own, never a negative width */
	cr_assert_float_eq(gr_dot_text_width("\x80"), 0.0, 1e-12);
	cr_assert_float_eq(gr_dot_text_width("\xc3"), 1.0, 1e-12);
}

Test(dot, svg_context_sizes_labels_itself)
{
	GVC_t *gvc = gr_dot_svg_context();
	int n = 0;

	/* the core renderers alone: no cairo (its png would come with pango) */
	char **list = gvPluginList(gvc, "render", &n, NULL);
	bool svg = false, png = false;
	for (int i = 0; i < n; i++) {
		svg |= !strcmp(list[i], "svg");
		png |= !strcmp(list[i], "png");
		free(list[i]);
	}
	free(list);
	cr_assert(svg, "no SVG renderer");
	cr_assert(!png, "cairo's renderers loaded");

	/* a box of ten digits at 10 points, no margin: 10 * 1303 / 2048 * 10 = 63.62 points,
	 * 0.884 inches (Graphviz's own Arial estimate would make it 0.772) */
	Agraph_t *g = agmemread("digraph { n [shape=box margin=0 fontname=Helvetica fontsize=10 "
				"label=\"0123456789\"] }");
	cr_assert_not_null(g);
	cr_assert_eq(gvLayout(gvc, g, "dot"), 0);
	char *dot = NULL;
	unsigned int len = 0;
	cr_assert_eq(gvRenderData(gvc, g, "dot", &dot, &len), 0);
	const char *w = strstr(dot, "width=");
	cr_assert_not_null(w, "%s", dot);
	cr_assert_float_eq(strtod(w + 6, NULL), 0.884, 0.006, "%s", dot);
	gvFreeRenderData(dot);
	gvFreeLayout(gvc, g);
	agclose(g);

	/* ten e-acutes: ten ems here, 100 points (pango's DejaVu would make 61.5) */
	g = agmemread("digraph { n [shape=box margin=0 fontname=Helvetica fontsize=10 "
		      "label=\"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
		      "\xc3\xa9\xc3\xa9\xc3\xa9\"] }");
	cr_assert_not_null(g);
	cr_assert_eq(gvLayout(gvc, g, "dot"), 0);
	cr_assert_eq(gvRenderData(gvc, g, "dot", &dot, &len), 0);
	w = strstr(dot, "width=");
	cr_assert_not_null(w, "%s", dot);
	cr_assert_float_eq(strtod(w + 6, NULL), 100.0 / 72, 0.006, "%s", dot);
	gvFreeRenderData(dot);
	gvFreeLayout(gvc, g);
	agclose(g);
}

/* --- the graph written again (gammaray-critpath --annotate) -------------------------- */

Test(dot, graph_write_keeps_stubs_stubs)
{
	static const char text[] =
		"{\"type\":\"gammaray-graph\",\"v\":1}\n"
		"{\"type\":\"node\",\"id\":\"a\",\"fn\":\"up\",\"start_us\":1000,\"end_us\":2000,\"status\":\"ok\"}\n"
		"{\"type\":\"edge\",\"from\":\"a\",\"to\":\"ghost\",\"kind\":\"sqs\",\"evidence\":\"marker\","
		"\"key\":\"m\",\"cause_us\":1500,\"confidence\":1}\n";
	struct gr_graph g, g2;
	struct gr_stats st;
	struct gr_buf out = GR_BUF_INIT;

	read_graph(&g, text, &st);
	cr_assert_eq(g.nnodes, 2);
	cr_assert_eq(gr_graph_write(&g, buf_write, &out), 0);
	/* no node record for the invocation only the edge names */
	cr_assert_null(strstr(out.data, "{\"type\":\"node\",\"id\":\"ghost\""), "%s", out.data);
	cr_assert_not_null(strstr(out.data, "\"to\":\"ghost\""), "%s", out.data);
	read_graph(&g2, out.data, &st);
	cr_assert_eq(g2.nnodes, 2);
	for (size_t i = 0; i < g2.nnodes; i++)
		cr_assert_eq(g2.nodes[i].stub, !strcmp(g2.nodes[i].id, "ghost"));
	gr_buf_release(&out);
	gr_graph_release(&g);
	gr_graph_release(&g2);
}
