/* test_critpath_whatif.c: --what-if: the CHANGE grammar, the replay on graphs computed by hand, identity and monotony on random graphs, bad input. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "critpath/critpath.h"

#define T0 1714564800000000LL
#define MS 1000LL

static uint32_t node(struct gr_graph *g, const char *id, const char *fn, int64_t start,
		     int64_t end, int64_t init)
{
	uint32_t i = gr_graph_node(g, id, strlen(id));
	cr_assert_neq(i, GR_NONE);
	struct gr_node *n = &g->nodes[i];
	n->fn = fn ? gr_graph_str(g, fn, strlen(fn)) : NULL;
	n->start_us = start == GR_TIME_UNKNOWN ? start : T0 + start * MS;
	n->end_us = end == GR_TIME_UNKNOWN ? end : T0 + end * MS;
	n->init_us = init * MS;
	n->cold = init > 0;
	n->start = init > 0 ? GR_START_COLD : GR_START_WARM;
	n->stub = false;
	return i;
}

static void edge(struct gr_graph *g, uint32_t from, uint32_t to, enum gr_kind k, bool sync,
		 int64_t cause)
{
	struct gr_edge e = { .from = from, .to = to, .kind = k, .sync = sync, .confidence = 1,
			     .cause_us = cause == GR_TIME_UNKNOWN ? cause : T0 + cause * MS };
	cr_assert_neq(gr_graph_add_edge(g, &e), GR_NONE);
}

/* Parse the changes (which must parse) into ch. */
static size_t changes(struct gr_cp_change *ch, const char *const *specs)
{
	struct gr_error err = { 0 };
	size_t n = 0;

	for (; specs[n]; n++)
		cr_assert_eq(gr_cp_change_parse(specs[n], &ch[n], &err), 0, "%s: %s", specs[n],
			     err.msg);
	return n;
}

/* The graph replayed with the changes (NULL-terminated specs). */
static void replay(struct gr_graph *g, struct gr_graph *out, struct gr_cp_replay_stats *st,
		   const char *const *specs)
{
	struct gr_cp_change ch[8];
	size_t n = changes(ch, specs);

	if (!g->indexed)
		cr_assert_eq(gr_graph_index(g), 0);
	cr_assert_eq(gr_cp_replay(g, ch, n, 1000, out, st), 0);
}

/* Start and end of node v of the changed graph, in ms after T0 (-1 when unknown). */
static int64_t start_ms(const struct gr_graph *g, uint32_t v)
{
	return g->nodes[v].start_us == GR_TIME_UNKNOWN ? -1 : (g->nodes[v].start_us - T0) / MS;
}

static int64_t end_ms(const struct gr_graph *g, uint32_t v)
{
	return g->nodes[v].end_us == GR_TIME_UNKNOWN ? -1 : (g->nodes[v].end_us - T0) / MS;
}

static void whatif(struct gr_graph *g, struct gr_cp_whatif *w, const char *const *specs)
{
	struct gr_cp_change ch[8];
	struct gr_cp_opts o;
	struct gr_error err = { 0 };
	size_t n = changes(ch, specs);

	gr_cp_opts_init(&o);
	gr_cp_whatif_init(w);
	cr_assert_eq(gr_cp_change_check(g, ch, n, &err), 0, "%s", err.msg);
	cr_assert_eq(gr_cp_whatif(g, &o, ch, n, w, &err), 0, "%s", err.msg);
}

/* The after run of root r, or NULL when it is gone. */
static const struct gr_cp_run *after_of(const struct gr_cp_whatif *w, uint32_t r)
{
	for (size_t i = 0; i < w->nruns; i++)
		if (w->before.runs[w->runs[i].before].root == r)
			return w->runs[i].after == GR_NONE ? NULL : &w->after.runs[w->runs[i].after];
	cr_assert_fail("no run of root %u", r);
	return NULL;
}

static const char *path_str(const struct gr_graph *g, const struct gr_cp *cp,
			    const struct gr_cp_run *r)
{
	static char buf[1024];
	size_t o = 0;

	buf[0] = '\0';
	for (uint32_t h = 0; h < r->nhop && o < sizeof(buf) - 64; h++)
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s%s", h ? " " : "",
				      g->nodes[cp->hops[r->hop0 + h].node].id);
	return buf;
}

/* --- the grammar ------------------------------------------------------------------ */

/* Criterion runs each case in a new process: parameters hold no pointers. */
struct good {
	char spec[32];
	enum gr_cp_change_op op;
	char fn[16];        /* "" for a delay */
	enum gr_kind kind;
	double factor;
	int64_t us;
};

ParameterizedTestParameters(whatif, parses)
{
	static struct good v[] = {
		{ "no-cold-starts=resize", GR_CP_NO_COLD, "resize", GR_KIND_NONE, 1, 0 },
		{ "faster=resize:2", GR_CP_SPEED, "resize", GR_KIND_NONE, 0.5, 0 },
		{ "faster=a:b:4", GR_CP_SPEED, "a:b", GR_KIND_NONE, 0.25, 0 },
		{ "slower=img-x:1.5", GR_CP_SPEED, "img-x", GR_KIND_NONE, 1.5, 0 },
		{ "faster=f:.5", GR_CP_SPEED, "f", GR_KIND_NONE, 2, 0 },
		{ "delay=sqs:50ms", GR_CP_DELAY_SET, "", GR_KIND_SQS, 1, 50000 },
		{ "delay=s3:250", GR_CP_DELAY_SET, "", GR_KIND_S3, 1, 250 },
		{ "delay=sns:2us", GR_CP_DELAY_SET, "", GR_KIND_SNS, 1, 2 },
		{ "delay=events:1.5s", GR_CP_DELAY_SET, "", GR_KIND_EVENTS, 1, 1500000 },
		{ "delay=lambda:0", GR_CP_DELAY_SET, "", GR_KIND_LAMBDA, 1, 0 },
		{ "delay=kinesis:x0.5", GR_CP_DELAY_SCALE, "", GR_KIND_KINESIS, 0.5, 0 },
		{ "delay=sfn:x3", GR_CP_DELAY_SCALE, "", GR_KIND_SFN, 3, 0 },
		{ "remove=audit", GR_CP_REMOVE, "audit", GR_KIND_NONE, 1, 0 },
	};
	return cr_make_param_array(struct good, v, sizeof(v) / sizeof(v[0]));
}

ParameterizedTest(struct good *p, whatif, parses)
{
	struct gr_cp_change c;
	struct gr_error err = { 0 };

	cr_assert_eq(gr_cp_change_parse(p->spec, &c, &err), 0, "%s: %s", p->spec, err.msg);
	cr_assert_eq(c.op, p->op, "%s", p->spec);
	cr_assert_eq(c.spec, p->spec, "points into the text given");
	if (*p->fn) {
		cr_assert_eq(c.fn_len, strlen(p->fn), "%s", p->spec);
		cr_assert(!memcmp(c.fn, p->fn, c.fn_len), "%s", p->spec);
	} else {
		cr_assert_null(c.fn, "%s", p->spec);
		cr_assert_eq(c.kind, p->kind, "%s", p->spec);
	}
	cr_assert_float_eq(c.factor, p->factor, 1e-12, "%s", p->spec);
	cr_assert_eq(c.us, p->us, "%s", p->spec);
}

struct wrong {
	char spec[32];
	char says[96];      /* part of the message */
};

ParameterizedTestParameters(whatif, refuses)
{
	static struct wrong v[] = {
		{ "faster", "expected no-cold-starts=FN" },
		{ "quicker=f:2", "unknown change 'quicker'" },
		{ "faster=f", "expected faster=FN:F" },
		{ "faster=f:0", "F must be greater than 0" },
		{ "slower=f:0.0", "F must be greater than 0" },
		{ "faster=f:-2", "is not a number" },
		{ "faster=f:", "is not a number" },
		{ "faster=f:2x", "is not a number" },
		{ "faster=f:nan", "is not a number" },
		{ "faster=f:inf", "is not a number" },
		{ "faster=f:0x10", "is not a number" },
		{ "faster=f: 2", "is not a number" },
		{ "faster=f:1e9", "out of range" },
		{ "faster=:2", "no function named" },
		{ "remove=", "no function named" },
		{ "no-cold-starts=", "no function named" },
		{ "delay=sqs", "expected delay=KIND:TIME" },
		{ "delay=queue:5ms", "unknown kind 'queue' (kinds: s3, dynamodb, sns, sqs, kinesis, "
				     "lambda, events, sfn)" },
		{ "delay=sqs:5min", "is not a duration" },
		{ "delay=sqs:-5ms", "is not a duration" },
		{ "delay=sqs:ms", "is not a duration" },
		{ "delay=sqs:x0", "F must be greater than 0" },
		{ "delay=sqs:x", "is not a number" },
		{ "delay=sqs:9999999s", "too long" },
	};
	return cr_make_param_array(struct wrong, v, sizeof(v) / sizeof(v[0]));
}

ParameterizedTest(struct wrong *p, whatif, refuses)
{
	struct gr_cp_change c;
	struct gr_error err = { 0 };

	cr_assert_eq(gr_cp_change_parse(p->spec, &c, &err), GR_ERR_USAGE, "%s", p->spec);
	cr_assert(strstr(err.msg, p->says), "%s: '%s'", p->spec, err.msg);
	cr_assert(!strncmp(err.msg, "--what-if '", 11), "%s", err.msg);
}

Test(whatif, unknown_function_names_the_graph_s)
{
	struct gr_graph g;
	struct gr_cp_change c[2];
	struct gr_error err = { 0 };

	gr_graph_init(&g);
	node(&g, "a", "upload", 0, 10, 0);
	node(&g, "b", "resize", 20, 30, 0);
	node(&g, "c", "upload", 40, 50, 0);
	node(&g, "d", NULL, 40, 50, 0);
	cr_assert_eq(gr_cp_change_parse("faster=resize:2", &c[0], &err), 0);
	cr_assert_eq(gr_cp_change_parse("remove=upl", &c[1], &err), 0);
	cr_assert_eq(gr_cp_change_check(&g, c, 1, &err), 0);
	cr_assert_eq(gr_cp_change_check(&g, c, 2, &err), GR_ERR_USAGE);
	cr_assert_str_eq(err.msg, "--what-if 'remove=upl': no function 'upl' in the graph "
			 "(its functions: resize, upload)");
	gr_graph_release(&g);
	/* a graph without functions; a name with bytes to escape */
	gr_graph_init(&g);
	node(&g, "a", NULL, 0, 10, 0);
	cr_assert_eq(gr_cp_change_parse("remove=\x1b[31m", &c[0], &err), 0);
	cr_assert_eq(gr_cp_change_check(&g, c, 1, &err), GR_ERR_USAGE);
	cr_assert_str_eq(err.msg, "--what-if 'remove=\\x1b[31m': no function '\\x1b[31m' in "
			 "the graph, which names none");
	gr_graph_release(&g);
}

Test(whatif, many_functions_are_cut_short)
{
	struct gr_graph g;
	struct gr_cp_change c;
	struct gr_error err = { 0 };
	char id[16], fn[64];

	gr_graph_init(&g);
	for (int i = 0; i < 200; i++) {
		snprintf(id, sizeof(id), "%03d", i);
		snprintf(fn, sizeof(fn), "function-with-a-long-name-%03d", i);
		node(&g, id, fn, i, i + 1, 0);
	}
	cr_assert_eq(gr_cp_change_parse("faster=nope:2", &c, &err), 0);
	cr_assert_eq(gr_cp_change_check(&g, &c, 1, &err), GR_ERR_USAGE);
	cr_assert(strstr(err.msg, "(its functions: function-with-a-long-name-000, "), "%s", err.msg);
	cr_assert(strstr(err.msg, ", ... (200 in all)"), "%s", err.msg);
	gr_graph_release(&g);
}

/* --- the replay, by hand -------------------------------------------------------- */

/*
 * upload [0, 100] writes to S3 at 60; resize starts at 100 (s3 delay 40), runs to
 * 300 and sends to SQS at 250; index starts at 300 and ends at 400.
 * faster=resize:2: resize [100, 200], its send at 100 + 150/2 = 175, index
 * [225, 325]: the latency 400 -> 325.
 */
Test(whatif, async_chain_faster_middle_shifts_downstream)
{
	struct gr_graph g, out;
	struct gr_cp_replay_stats st;
	struct gr_cp_whatif w;

	gr_graph_init(&g);
	uint32_t up = node(&g, "a", "upload", 0, 100, 0);
	uint32_t rs = node(&g, "b", "resize", 100, 300, 0);
	uint32_t ix = node(&g, "c", "index", 300, 400, 0);
	edge(&g, up, rs, GR_KIND_S3, false, 60);
	edge(&g, rs, ix, GR_KIND_SQS, false, 250);
	replay(&g, &out, &st, (const char *[]){ "faster=resize:2", NULL });
	cr_assert_eq(start_ms(&out, up), 0);
	cr_assert_eq(end_ms(&out, up), 100);
	cr_assert_eq(start_ms(&out, rs), 100);
	cr_assert_eq(end_ms(&out, rs), 200);
	cr_assert_eq(out.edges[1].cause_us, T0 + 175 * MS);
	cr_assert_eq(start_ms(&out, ix), 225);
	cr_assert_eq(end_ms(&out, ix), 325);
	cr_assert_eq(st.removed + st.unmoved + st.forced, 0);
	gr_cp_replay_free(&out);
	/* slower on the last one only moves its end */
	replay(&g, &out, &st, (const char *[]){ "slower=index:3", NULL });
	cr_assert_eq(start_ms(&out, ix), 300);
	cr_assert_eq(end_ms(&out, ix), 600);
	gr_cp_replay_free(&out);

	whatif(&g, &w, (const char *[]){ "faster=resize:2", NULL });
	cr_assert_eq(w.nruns, 1);
	cr_assert_eq(w.before.runs[0].latency_us, 400 * MS);
	cr_assert_eq(w.after.runs[0].latency_us, 325 * MS);
	cr_assert_eq(w.runs[0].delta_us, -75 * MS);
	cr_assert_str_eq(path_str(&w.g, &w.after, &w.after.runs[0]), "a b c");
	/* every run, and upload's: one group each, the same numbers */
	cr_assert_eq(w.ngroups, 2);
	cr_assert_str_eq(w.groups[0].label, "");
	cr_assert_str_eq(w.groups[1].label, "upload");
	for (int i = 0; i < 4; i++) {
		cr_assert_eq(w.groups[1].before[i], 400 * MS);
		cr_assert_eq(w.groups[1].after[i], 325 * MS);
	}
	cr_assert_eq(w.groups[1].nmoved, 1);
	gr_cp_whatif_release(&w);
	gr_graph_release(&g);
}

/*
 * api [0, 100] calls auth synchronously at 20; auth [24, 74] (invoke delay 4); api
 * resumes at 74, sends to SNS at 90 and ends at 100; notify [120, 150] (delay 30).
 */
static void sync_graph(struct gr_graph *g, uint32_t *api, uint32_t *auth, uint32_t *nt)
{
	gr_graph_init(g);
	*api = node(g, "a", "api", 0, 100, 0);
	*auth = node(g, "b", "auth", 24, 74, 0);
	*nt = node(g, "c", "notify", 120, 150, 0);
	edge(g, *api, *auth, GR_KIND_LAMBDA, true, 20);
	edge(g, *api, *nt, GR_KIND_SNS, false, 90);
}

Test(whatif, sync_caller_waits_for_its_callee)
{
	struct gr_graph g, out;
	struct gr_cp_replay_stats st;
	uint32_t api, auth, nt;

	sync_graph(&g, &api, &auth, &nt);
	/* the callee twice as fast: auth [24, 49]; api resumes at 49 (25 earlier),
	 * sends at 65, ends at 75; notify [95, 125] */
	replay(&g, &out, &st, (const char *[]){ "faster=auth:2", NULL });
	cr_assert_eq(end_ms(&out, auth), 49);
	cr_assert_eq(end_ms(&out, api), 75);
	cr_assert_eq(out.edges[1].cause_us, T0 + 65 * MS);
	cr_assert_eq(start_ms(&out, nt), 95);
	cr_assert_eq(end_ms(&out, nt), 125);
	gr_cp_replay_free(&out);
	/* twice as slow: auth [24, 124], api ends at 150, notify [170, 200] */
	replay(&g, &out, &st, (const char *[]){ "slower=auth:2", NULL });
	cr_assert_eq(end_ms(&out, auth), 124);
	cr_assert_eq(end_ms(&out, api), 150);
	cr_assert_eq(start_ms(&out, nt), 170);
	gr_cp_replay_free(&out);
	/* the caller twice as fast: its own time only (20 + 26 -> 10 + 13), the wait
	 * is the callee's: calls at 10, auth [14, 64], api resumes at 64, sends at
	 * 64 + 16/2 = 72, ends at 77; notify [102, 132] */
	replay(&g, &out, &st, (const char *[]){ "faster=api:2", NULL });
	cr_assert_eq(out.edges[0].cause_us, T0 + 10 * MS);
	cr_assert_eq(start_ms(&out, auth), 14);
	cr_assert_eq(end_ms(&out, auth), 64);
	cr_assert_eq(end_ms(&out, api), 77);
	cr_assert_eq(start_ms(&out, nt), 102);
	gr_cp_replay_free(&out);
	/* the callee removed: no wait; api's own 46 ms end at 46, the send at 36 */
	replay(&g, &out, &st, (const char *[]){ "remove=auth", NULL });
	cr_assert_eq(st.removed, 1);
	cr_assert_eq(start_ms(&out, auth), -1);
	cr_assert_eq(end_ms(&out, api), 46);
	cr_assert_eq(start_ms(&out, nt), 66);
	cr_assert_eq(out.nedges, 1);
	gr_cp_replay_free(&out);
	/* the hop of the call: delay=lambda:0 sets the invoke's 4 ms to 0 */
	replay(&g, &out, &st, (const char *[]){ "delay=lambda:0", NULL });
	cr_assert_eq(start_ms(&out, auth), 20);
	cr_assert_eq(end_ms(&out, auth), 70);
	cr_assert_eq(end_ms(&out, api), 96);
	gr_cp_replay_free(&out);
	gr_graph_release(&g);
}

Test(whatif, parallel_callees_the_caller_waits_for_the_last)
{
	struct gr_graph g, out;
	struct gr_cp_replay_stats st;

	/* api [0, 100] calls db at 10 ([12, 60]) and cache at 15 ([16, 80]) in parallel,
	 * then again cache at 85 ([86, 95]), one after the other */
	gr_graph_init(&g);
	uint32_t api = node(&g, "a", "api", 0, 100, 0);
	uint32_t db = node(&g, "b", "db", 12, 60, 0);
	uint32_t c1 = node(&g, "c", "cache", 16, 80, 0);
	uint32_t c2 = node(&g, "d", "cache", 86, 95, 0);
	edge(&g, api, db, GR_KIND_LAMBDA, true, 10);
	edge(&g, api, c1, GR_KIND_LAMBDA, true, 15);
	edge(&g, api, c2, GR_KIND_LAMBDA, true, 85);
	/* db 4x faster: cache still ends at 80: nothing else moves */
	replay(&g, &out, &st, (const char *[]){ "faster=db:4", NULL });
	cr_assert_eq(end_ms(&out, db), 24);
	cr_assert_eq(end_ms(&out, api), 100);
	gr_cp_replay_free(&out);
	/* cache 2x faster: the first wait ends at max(60, 16 + 32 = 48) = 60 (20
	 * earlier), the second call at 65, cache [66, 70.5], api ends 5 ms later */
	replay(&g, &out, &st, (const char *[]){ "faster=cache:2", NULL });
	cr_assert_eq(end_ms(&out, c1), 48);
	cr_assert_eq(out.edges[2].cause_us, T0 + 65 * MS);
	cr_assert_eq(start_ms(&out, c2), 66);
	cr_assert_eq(out.nodes[c2].end_us, T0 + 66 * MS + 4500);
	cr_assert_eq(out.nodes[api].end_us, T0 + 66 * MS + 4500 + 5 * MS);
	gr_cp_replay_free(&out);
	gr_graph_release(&g);
}

Test(whatif, a_call_within_the_tolerance_of_a_return_follows_it)
{
	struct gr_graph g, out;
	struct gr_cp_replay_stats st;

	/* api [0, 100] calls a at 10 ([12, 50]) and b at 49.5, half a millisecond
	 * before a returns (log clocks): b [51, 60] */
	gr_graph_init(&g);
	uint32_t api = node(&g, "a", "api", 0, 100, 0);
	uint32_t a = node(&g, "b", "a", 12, 50, 0);
	uint32_t b = node(&g, "c", "b", 51, 60, 0);
	edge(&g, api, a, GR_KIND_LAMBDA, true, 10);
	edge(&g, api, b, GR_KIND_LAMBDA, true, 0);
	g.edges[1].cause_us = T0 + 49500;
	/* a 2x faster ends at 31: b is called at 30.5, runs [32, 41], api ends at 81 */
	replay(&g, &out, &st, (const char *[]){ "faster=a:2", NULL });
	cr_assert_eq(end_ms(&out, a), 31);
	cr_assert_eq(out.edges[1].cause_us, T0 + 30500);
	cr_assert_eq(start_ms(&out, b), 32);
	cr_assert_eq(end_ms(&out, b), 41);
	cr_assert_eq(end_ms(&out, api), 81);
	gr_cp_replay_free(&out);
	gr_graph_release(&g);
}

/*
 * upload [0, 100] sends to SQS at 50 (work [100, 1000]) and publishes to SNS at
 * 60 (mail [200, 800]). The path goes through work; with work 4x faster
 * ([100, 325]) it moves to mail.
 */
Test(whatif, fan_out_path_moves_to_the_other_branch)
{
	struct gr_graph g;
	struct gr_cp_whatif w;

	gr_graph_init(&g);
	uint32_t up = node(&g, "a", "upload", 0, 100, 0);
	uint32_t wk = node(&g, "b", "work", 100, 1000, 0);
	uint32_t ml = node(&g, "c", "mail", 200, 800, 0);
	edge(&g, up, wk, GR_KIND_SQS, false, 50);
	edge(&g, up, ml, GR_KIND_SNS, false, 60);
	whatif(&g, &w, (const char *[]){ "faster=work:4", NULL });
	cr_assert_str_eq(path_str(&g, &w.before, &w.before.runs[0]), "a b");
	cr_assert_str_eq(path_str(&w.g, &w.after, &w.after.runs[0]), "a c");
	cr_assert_eq(w.after.runs[0].sink, ml);
	cr_assert_eq(w.after.runs[0].latency_us, 800 * MS);
	cr_assert_eq(end_ms(&w.g, wk), 325);
	gr_cp_whatif_release(&w);
	gr_graph_release(&g);
}

/*
 * upload [0, 100] cold (init 30), sends at 80; resize [120, 300] cold (init 50).
 */
Test(whatif, no_cold_starts_removes_init_and_restore)
{
	struct gr_graph g, out;
	struct gr_cp_replay_stats st;
	struct gr_cp_whatif w;

	gr_graph_init(&g);
	uint32_t up = node(&g, "a", "upload", 0, 100, 30);
	uint32_t rs = node(&g, "b", "resize", 120, 300, 50);
	edge(&g, up, rs, GR_KIND_SQS, false, 80);
	/* resize warm: starts as before, runs its 130 ms: [120, 250] */
	replay(&g, &out, &st, (const char *[]){ "no-cold-starts=resize", NULL });
	cr_assert_eq(start_ms(&out, rs), 120);
	cr_assert_eq(end_ms(&out, rs), 250);
	cr_assert_eq(out.nodes[rs].init_us, 0);
	cr_assert(!out.nodes[rs].cold);
	cr_assert_eq(out.nodes[rs].start, GR_START_WARM);
	cr_assert_eq(out.nodes[up].init_us, 30 * MS);
	gr_cp_replay_free(&out);
	/* the root warm: it starts when it did, its code 30 ms earlier: sends at 50 */
	replay(&g, &out, &st, (const char *[]){ "no-cold-starts=upload", NULL });
	cr_assert_eq(start_ms(&out, up), 0);
	cr_assert_eq(end_ms(&out, up), 70);
	cr_assert_eq(start_ms(&out, rs), 90);
	cr_assert_eq(end_ms(&out, rs), 270);
	gr_cp_replay_free(&out);
	/* SnapStart: a restore is removed too */
	g.nodes[rs].init_us = 0;
	g.nodes[rs].restore_us = 40 * MS;
	replay(&g, &out, &st, (const char *[]){ "no-cold-starts=resize", NULL });
	cr_assert_eq(end_ms(&out, rs), 260);
	cr_assert_eq(out.nodes[rs].restore_us, 0);
	gr_cp_replay_free(&out);
	g.nodes[rs].restore_us = 0;
	g.nodes[rs].init_us = 50 * MS;
	/* the report: the init is off the path after */
	whatif(&g, &w, (const char *[]){ "no-cold-starts=resize", "no-cold-starts=upload", NULL });
	cr_assert_eq(w.before.runs[0].latency_us, 300 * MS);
	cr_assert_eq(w.after.runs[0].latency_us, 220 * MS);
	for (size_t i = 0; i < w.after.nsegs; i++)
		cr_assert_neq(w.after.segs[i].type, GR_CP_INIT);
	gr_cp_whatif_release(&w);
	gr_graph_release(&g);
}

/* upload [0, 100] sends to SQS at 80; index [280, 400] (delay 200). */
Test(whatif, delay_set_and_scaled)
{
	static const struct {
		const char *spec[3];
		int64_t start;
	} cases[] = {
		{ { "delay=sqs:50ms" }, 130 },
		{ { "delay=sqs:50000us" }, 130 },
		{ { "delay=sqs:0.05s" }, 130 },
		{ { "delay=sqs:x0.5" }, 180 },
		{ { "delay=sqs:x2" }, 480 },
		{ { "delay=sns:1s" }, 280 },               /* another kind */
		{ { "delay=sqs:x2", "delay=sqs:10ms" }, 90 },  /* the last set wins */
		{ { "delay=sqs:10ms", "delay=sqs:x2" }, 100 }, /* a scale applies to the set */
		{ { "delay=sqs:x2", "delay=sqs:x3" }, 1280 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct gr_graph g, out;
		struct gr_cp_replay_stats st;
		gr_graph_init(&g);
		uint32_t up = node(&g, "a", "upload", 0, 100, 0);
		uint32_t ix = node(&g, "b", "index", 280, 400, 0);
		edge(&g, up, ix, GR_KIND_SQS, false, 80);
		replay(&g, &out, &st, cases[i].spec);
		cr_assert_eq(start_ms(&out, ix), cases[i].start, "%s", cases[i].spec[0]);
		cr_assert_eq(end_ms(&out, ix), cases[i].start + 120, "%s", cases[i].spec[0]);
		cr_assert_eq(out.edges[0].cause_us, T0 + 80 * MS);
		gr_cp_replay_free(&out);
		gr_graph_release(&g);
	}
}

/* A batch: index has two causes; it starts after the later one allows it. */
Test(whatif, an_invocation_with_two_causes_waits_for_both)
{
	struct gr_graph g, out;
	struct gr_cp_replay_stats st;

	gr_graph_init(&g);
	uint32_t a = node(&g, "a", "put", 0, 100, 0);
	uint32_t b = node(&g, "b", "put", 0, 200, 0);
	uint32_t ix = node(&g, "c", "index", 300, 350, 0);
	edge(&g, a, ix, GR_KIND_SQS, false, 90);  /* delay 210 */
	edge(&g, b, ix, GR_KIND_SQS, false, 190); /* delay 110 */
	/* both 2x faster: a's send at 45 (+210 = 255), b's at 95 (+110 = 205) */
	replay(&g, &out, &st, (const char *[]){ "faster=put:2", NULL });
	cr_assert_eq(start_ms(&out, ix), 255);
	gr_cp_replay_free(&out);
	/* the delays set to 10 ms: the later send decides, 95 + 10 */
	replay(&g, &out, &st, (const char *[]){ "faster=put:2", "delay=sqs:10ms", NULL });
	cr_assert_eq(start_ms(&out, ix), 105);
	gr_cp_replay_free(&out);
	gr_graph_release(&g);
}

/*
 * api [0, 100] puts to S3 at 50 (audit [60, 90]), audit sends to SQS at 80 (log
 * [100, 120]) and to SNS at 85 (mail [100, 300]); cron [0, 10] publishes to SNS at
 * 5 (mail too). remove=audit: audit and log gone, mail stays (cron reaches it)
 * and starts after cron's publish alone.
 */
Test(whatif, remove_takes_what_only_it_reaches)
{
	struct gr_graph g, out;
	struct gr_cp_replay_stats st;
	struct gr_cp_whatif w;

	gr_graph_init(&g);
	uint32_t api = node(&g, "a", "api", 0, 100, 0);
	uint32_t cr = node(&g, "b", "cron", 0, 10, 0);
	uint32_t au = node(&g, "c", "audit", 60, 90, 0);
	uint32_t lg = node(&g, "d", "log", 100, 120, 0);
	uint32_t ml = node(&g, "e", "mail", 100, 300, 0);
	edge(&g, api, au, GR_KIND_S3, false, 50);
	edge(&g, au, lg, GR_KIND_SQS, false, 80);
	edge(&g, au, ml, GR_KIND_SNS, false, 85);
	edge(&g, cr, ml, GR_KIND_SNS, false, 5);
	replay(&g, &out, &st, (const char *[]){ "remove=audit", NULL });
	cr_assert_eq(st.removed, 2);
	cr_assert_eq(start_ms(&out, au), -1);
	cr_assert_eq(start_ms(&out, lg), -1);
	cr_assert_eq(start_ms(&out, ml), 100); /* 5 + its delay of 95 from cron */
	cr_assert_eq(out.nedges, 1);
	cr_assert_eq(out.edges[0].from, cr);
	cr_assert_eq(out.nodes[ml].in, 0);
	gr_cp_replay_free(&out);

	whatif(&g, &w, (const char *[]){ "remove=audit", NULL });
	cr_assert_eq(w.nruns, 2);
	cr_assert_eq(after_of(&w, api)->latency_us, 100 * MS);
	cr_assert_eq(after_of(&w, cr)->latency_us, 300 * MS);
	cr_assert_eq(w.st.removed, 2);
	gr_cp_whatif_release(&w);

	/* a root's function removed: its runs are gone */
	whatif(&g, &w, (const char *[]){ "remove=api", NULL });
	cr_assert_null(after_of(&w, api));
	cr_assert_eq(w.st.removed, 3);
	for (size_t i = 0; i < w.ngroups; i++)
		if (!strcmp(w.groups[i].label, "api")) {
			cr_assert_eq(w.groups[i].runs, 1);
			cr_assert_eq(w.groups[i].removed, 1);
			cr_assert_eq(w.groups[i].after[3], 0);
			cr_assert_eq(w.groups[i].nmoved, 0);
		} else if (!*w.groups[i].label) {
			cr_assert_eq(w.groups[i].runs, 2);
			cr_assert_eq(w.groups[i].removed, 1);
			cr_assert_eq(w.groups[i].after[3], 300 * MS);
		}
	gr_cp_whatif_release(&w);
	gr_graph_release(&g);
}

Test(whatif, groups_percentiles_and_the_runs_that_change_most)
{
	struct gr_graph g;
	struct gr_cp_whatif w;
	char id[16];

	/* 20 runs of api, [0, 10 * (i + 1)], each calling db for half of it; and 3 of
	 * cron */
	gr_graph_init(&g);
	for (int i = 0; i < 20; i++) {
		int64_t t = i * 1000, d = 10 * (i + 1);
		snprintf(id, sizeof(id), "a%02d", i);
		uint32_t a = node(&g, id, "api", t, t + d, 0);
		snprintf(id, sizeof(id), "b%02d", i);
		uint32_t b = node(&g, id, "db", t + d / 4, t + d / 4 + d / 2, 0);
		edge(&g, a, b, GR_KIND_LAMBDA, true, t + d / 4);
	}
	for (int i = 0; i < 3; i++) {
		snprintf(id, sizeof(id), "c%02d", i);
		node(&g, id, "cron", 50000 + i, 50000 + i + 7, 0);
	}
	whatif(&g, &w, (const char *[]){ "slower=db:3", NULL });
	cr_assert_eq(w.ngroups, 3);
	cr_assert_str_eq(w.groups[1].label, "api");
	cr_assert_str_eq(w.groups[2].label, "cron");
	/* api: latencies 10..200 ms; after, each one's db half is 3x: 20..400 ms */
	cr_assert_eq(w.groups[1].before[0], 100 * MS); /* nearest rank: the 10th */
	cr_assert_eq(w.groups[1].before[1], 190 * MS);
	cr_assert_eq(w.groups[1].before[2], 200 * MS);
	cr_assert_eq(w.groups[1].before[3], 200 * MS);
	cr_assert_eq(w.groups[1].after[0], 200 * MS);
	cr_assert_eq(w.groups[1].after[3], 400 * MS);
	cr_assert_eq(w.groups[1].nmoved, 20);
	/* the one that moved most first */
	cr_assert_eq(w.runs[w.groups[1].moved[0]].delta_us, 200 * MS);
	cr_assert_eq(w.runs[w.groups[1].moved[19]].delta_us, 10 * MS);
	cr_assert_eq(w.groups[2].nmoved, 0);
	cr_assert_eq(w.groups[2].before[0], w.groups[2].after[0]);
	cr_assert_eq(w.groups[0].runs, 23);
	cr_assert_eq(w.groups[0].nmoved, 20);
	gr_cp_whatif_release(&w);
	gr_graph_release(&g);
}

/* --- random graphs: no change is the identity; slower and faster are monotone --- */

static void random_graph(struct gr_graph *g, unsigned seed, size_t n, bool cycles)
{
	static const char *const fns[] = { "f", "g", "h" };
	char id[32];

	gr_graph_init(g);
	srand(seed);
	for (size_t i = 0; i < n; i++) {
		snprintf(id, sizeof(id), "n%03zu", (size_t)rand() % 1000 * 1000 + i);
		int64_t s = (int64_t)i * 100 + rand() % 50;
		uint32_t v = node(g, id, fns[rand() % 3], s, s + 50 + rand() % 400,
				  rand() % 4 ? 0 : 30);
		if (rand() % 7 == 0)
			g->nodes[v].restore_us = (rand() % 40) * MS;
		if (rand() % 23 == 0)
			g->nodes[v].end_us = GR_TIME_UNKNOWN;
	}
	for (size_t i = 1; i < n; i++) {
		int k = 1 + rand() % 3;
		for (int j = 0; j < k; j++) {
			if (rand() % 5 == 0)
				continue; /* a new root sometimes */
			size_t p = (size_t)rand() % (cycles && rand() % 9 == 0 ? n : i);
			const struct gr_node *pn = &g->nodes[p];
			int64_t cause = rand() % 11 == 0 ? GR_TIME_UNKNOWN
				      : (pn->start_us - T0) / MS + rand() % 500;
			bool sync = rand() % 3 == 0;
			edge(g, (uint32_t)p, (uint32_t)i, sync ? GR_KIND_LAMBDA : GR_KIND_SQS, sync,
			     cause);
		}
	}
}

Test(whatif, no_change_gives_the_graph_back)
{
	for (unsigned seed = 1; seed <= 60; seed++) {
		struct gr_graph g;
		struct gr_cp_whatif w;
		random_graph(&g, seed, 80, seed % 2);
		whatif(&g, &w, (const char *[]){ "faster=f:1", "slower=g:1", "delay=sqs:x1",
						 NULL });
		cr_assert_eq(w.g.nnodes, g.nnodes);
		cr_assert_eq(w.g.nedges, g.nedges);
		for (size_t v = 0; v < g.nnodes; v++) {
			cr_assert_eq(w.g.nodes[v].start_us, g.nodes[v].start_us, "seed %u", seed);
			cr_assert_eq(w.g.nodes[v].end_us, g.nodes[v].end_us, "seed %u", seed);
		}
		for (size_t e = 0; e < g.nedges; e++)
			cr_assert_eq(w.g.edges[e].cause_us, g.edges[e].cause_us, "seed %u", seed);
		cr_assert_eq(w.before.nruns, w.after.nruns);
		cr_assert_eq(w.before.nsegs, w.after.nsegs);
		for (size_t i = 0; i < w.nruns; i++) {
			cr_assert_eq(w.runs[i].delta_us, 0, "seed %u", seed);
			cr_assert_str_eq(path_str(&g, &w.before, &w.before.runs[i]),
					 path_str(&w.g, &w.after, &w.after.runs[w.runs[i].after]));
		}
		for (size_t i = 0; i < w.ngroups; i++)
			cr_assert(!memcmp(w.groups[i].before, w.groups[i].after,
					  sizeof(w.groups[i].before)));
		gr_cp_whatif_release(&w);
		gr_graph_release(&g);
	}
}

Test(whatif, slower_never_shortens_faster_never_lengthens)
{
	static const char *const specs[][3] = {
		{ "slower=f:3", NULL }, { "slower=g:1.5", "delay=sqs:x4" },
		{ "faster=f:3", NULL }, { "faster=h:2", "no-cold-starts=g" },
	};

	for (unsigned seed = 1; seed <= 30; seed++)
		for (size_t c = 0; c < 4; c++) {
			struct gr_graph g;
			struct gr_cp_whatif w;
			bool up = c < 2;
			random_graph(&g, seed, 80, seed % 2);
			whatif(&g, &w, specs[c]);
			for (size_t v = 0; v < g.nnodes; v++) {
				if (g.nodes[v].end_us == GR_TIME_UNKNOWN)
					continue;
				if (up)
					cr_assert_geq(w.g.nodes[v].end_us, g.nodes[v].end_us,
						      "seed %u %s", seed, specs[c][0]);
				else
					cr_assert_leq(w.g.nodes[v].end_us, g.nodes[v].end_us,
						      "seed %u %s", seed, specs[c][0]);
			}
			for (size_t i = 0; i < w.nruns; i++)
				if (up)
					cr_assert_geq(w.runs[i].delta_us, 0, "seed %u", seed);
				else
					cr_assert_leq(w.runs[i].delta_us, 0, "seed %u", seed);
			gr_cp_whatif_release(&w);
			gr_graph_release(&g);
		}
}

/* --- bad input --------------------------------------------------------------------- */

Test(whatif, cycles_missing_times_and_reversed_ends_are_kept_not_crashed)
{
	struct gr_graph g, out;
	struct gr_cp_replay_stats st;
	struct gr_cp_whatif w;

	gr_graph_init(&g);
	uint32_t r = node(&g, "r", "f", 0, 100, 0);
	uint32_t a = node(&g, "a", "f", 110, 200, 0);
	uint32_t b = node(&g, "b", "f", 210, 300, 0);
	uint32_t s = node(&g, "s", NULL, GR_TIME_UNKNOWN, GR_TIME_UNKNOWN, 0); /* a stub */
	uint32_t x = node(&g, "x", "f", 400, 350, 0);                          /* end < start */
	uint32_t y = node(&g, "y", "f", 500, 600, 0);
	edge(&g, r, a, GR_KIND_SQS, false, 50);
	edge(&g, a, b, GR_KIND_SQS, false, 150);
	edge(&g, b, a, GR_KIND_SQS, false, 250);  /* a cycle */
	edge(&g, b, b, GR_KIND_LAMBDA, true, 260);/* calls itself */
	edge(&g, b, s, GR_KIND_SNS, false, 280);
	edge(&g, s, x, GR_KIND_SNS, false, GR_TIME_UNKNOWN);
	edge(&g, x, y, GR_KIND_SNS, false, 380);
	replay(&g, &out, &st, (const char *[]){ "faster=f:2", NULL });
	cr_assert_eq(st.unmoved, 2); /* s and x */
	cr_assert_gt(st.forced, 0);
	cr_assert_eq(start_ms(&out, s), -1);
	cr_assert_eq(start_ms(&out, x), 400);
	cr_assert_eq(end_ms(&out, x), 350);
	cr_assert_eq(start_ms(&out, y), 500); /* its cause did not move */
	cr_assert_eq(end_ms(&out, y), 550);
	cr_assert_eq(end_ms(&out, r), 50);
	cr_assert_leq(end_ms(&out, b), 300);
	gr_cp_replay_free(&out);
	/* no change: the cycle's times come back as they were */
	replay(&g, &out, &st, (const char *[]){ "faster=f:1", NULL });
	for (size_t v = 0; v < g.nnodes; v++) {
		cr_assert_eq(out.nodes[v].start_us, g.nodes[v].start_us);
		cr_assert_eq(out.nodes[v].end_us, g.nodes[v].end_us);
	}
	gr_cp_replay_free(&out);
	whatif(&g, &w, (const char *[]){ "remove=f", NULL });
	cr_assert_eq(w.after.nruns, 0);
	gr_cp_whatif_release(&w);
	gr_graph_release(&g);
}

/*
 * api calls db synchronously at 20 (db [20, 60]) and puts to S3 at 80; the object
 * also triggers db (as a second cause): db's start waits on a step of api that
 * waits on db's end. Steps in a loop: taken in time order, not stuck.
 */
Test(whatif, a_callee_that_waits_on_its_caller_is_not_a_deadlock)
{
	struct gr_graph g, out;
	struct gr_cp_replay_stats st;

	gr_graph_init(&g);
	uint32_t api = node(&g, "a", "api", 0, 100, 0);
	uint32_t db = node(&g, "b", "db", 20, 60, 0);
	edge(&g, api, db, GR_KIND_LAMBDA, true, 20);
	edge(&g, api, db, GR_KIND_S3, false, 80);
	replay(&g, &out, &st, (const char *[]){ "slower=db:2", NULL });
	cr_assert_gt(st.forced, 0);
	cr_assert_geq(end_ms(&out, api), 100);
	gr_cp_replay_free(&out);
	gr_graph_release(&g);
}

Test(whatif, hostile_times_saturate)
{
	struct gr_graph g, out;
	struct gr_cp_replay_stats st;

	gr_graph_init(&g);
	uint32_t a = node(&g, "a", "f", 0, 0, 0);
	uint32_t b = node(&g, "b", "f", 0, 0, 0);
	g.nodes[a].start_us = INT64_MIN + 1;
	g.nodes[a].end_us = INT64_MAX;
	g.nodes[a].init_us = INT64_MAX;
	g.nodes[b].start_us = INT64_MAX - 1;
	g.nodes[b].end_us = INT64_MAX;
	struct gr_edge e = { .from = a, .to = b, .kind = GR_KIND_SQS, .cause_us = INT64_MAX - 2 };
	gr_graph_add_edge(&g, &e);
	e.sync = true;
	e.kind = GR_KIND_LAMBDA;
	e.cause_us = INT64_MIN + 5;
	gr_graph_add_edge(&g, &e);
	replay(&g, &out, &st, (const char *[]){ "slower=f:1000000", "delay=sqs:x1000000",
						 "delay=lambda:1000s", NULL });
	for (size_t v = 0; v < 2; v++) {
		cr_assert_neq(out.nodes[v].start_us, GR_TIME_UNKNOWN);
		cr_assert_geq(out.nodes[v].end_us, out.nodes[v].start_us);
	}
	gr_cp_replay_free(&out);
	gr_graph_release(&g);
}

/* Times at the ends of what a graph stream holds (+-2^60): the changed graph stays
 * within it, so its latencies and their sums are what critpath computes on any graph. */
Test(whatif, the_changed_graph_stays_within_the_stream_s_range)
{
	struct gr_graph g;
	struct gr_cp_whatif w;
	char id[16];

	gr_graph_init(&g);
	for (int i = 0; i < 6; i++) {
		snprintf(id, sizeof(id), "r%d", i);
		uint32_t r = node(&g, id, "f", 0, 0, 0);
		snprintf(id, sizeof(id), "s%d", i);
		uint32_t c = node(&g, id, "g", 0, 0, 0);
		g.nodes[r].start_us = -GR_MAX_INT;
		g.nodes[r].end_us = GR_MAX_INT;
		g.nodes[c].start_us = GR_MAX_INT - 10;
		g.nodes[c].end_us = GR_MAX_INT;
		struct gr_edge e = { .from = r, .to = c, .kind = GR_KIND_SQS,
				     .cause_us = GR_MAX_INT - 20 };
		gr_graph_add_edge(&g, &e);
	}
	whatif(&g, &w, (const char *[]){ "slower=f:1000", "slower=g:1000000", "delay=sqs:x1000",
					 NULL });
	for (size_t v = 0; v < g.nnodes; v++) {
		cr_assert_leq(w.g.nodes[v].end_us, GR_MAX_INT);
		cr_assert_geq(w.g.nodes[v].start_us, -GR_MAX_INT);
	}
	cr_assert_eq(w.after.nruns, 6);
	cr_assert_eq(w.groups[0].after[3], 2 * GR_MAX_INT);
	gr_cp_whatif_release(&w);
	gr_graph_release(&g);
}
