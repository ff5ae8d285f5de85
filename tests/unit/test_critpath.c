/* test_critpath.c: the workflow critical path: definitions, ties, cycles, segments, slack, size. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "critpath/critpath.h"

#define T0 1714564800000000LL

static uint32_t node(struct gr_graph *g, const char *id, const char *fn, int64_t start,
		     int64_t end, int64_t init)
{
	uint32_t i = gr_graph_node(g, id, strlen(id));
	cr_assert_neq(i, GR_NONE);
	struct gr_node *n = &g->nodes[i];
	n->fn = fn ? gr_graph_str(g, fn, strlen(fn)) : NULL;
	n->start_us = start == GR_TIME_UNKNOWN ? start : T0 + start;
	n->end_us = end == GR_TIME_UNKNOWN ? end : T0 + end;
	n->init_us = init;
	n->stub = false;
	return i;
}

static void edge(struct gr_graph *g, uint32_t from, uint32_t to, enum gr_kind k, bool sync,
		 int64_t cause)
{
	struct gr_edge e = { .from = from, .to = to, .kind = k, .sync = sync, .confidence = 1,
			     .cause_us = T0 + cause };
	cr_assert_neq(gr_graph_add_edge(g, &e), GR_NONE);
}

static void run(struct gr_graph *g, struct gr_cp *cp, bool slack)
{
	struct gr_cp_opts o;
	struct gr_error err = { 0 };

	gr_cp_opts_init(&o);
	o.slack = slack;
	gr_cp_init(cp);
	cr_assert_eq(gr_cp_workflow(g, &o, cp, &err), 0, "%s", err.msg);
}

/* The run of the root with this id. */
static const struct gr_cp_run *run_of(const struct gr_graph *g, const struct gr_cp *cp,
				      const char *root)
{
	for (size_t i = 0; i < cp->nruns; i++)
		if (!strcmp(g->nodes[cp->runs[i].root].id, root))
			return &cp->runs[i];
	cr_assert_fail("no run for root %s", root);
	return NULL;
}

static const char *path_str(const struct gr_graph *g, const struct gr_cp *cp,
			    const struct gr_cp_run *r)
{
	static char buf[4096];
	size_t o = 0;

	buf[0] = '\0';
	for (uint32_t h = 0; h < r->nhop && o < sizeof(buf) - 64; h++)
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s%s", h ? " " : "",
				      g->nodes[cp->hops[r->hop0 + h].node].id);
	return buf;
}

/* Depth-0 segments of a run are contiguous and sum to its latency; each sync
 * segment's children (one level deeper) sum to it. One pass with a stack. */
static void check_segments(const struct gr_cp *cp, const struct gr_cp_run *r)
{
	const struct gr_cp_hop *a = &cp->hops[r->hop0], *z = &cp->hops[r->hop0 + r->nhop - 1];
	size_t n = z->seg0 + z->nseg - a->seg0, k = 0;
	size_t *open = malloc((n + 1) * sizeof(*open));
	int64_t *sum = malloc((n + 1) * sizeof(*sum));
	int64_t top = 0, prev_end = INT64_MIN;

	for (size_t i = a->seg0; i < z->seg0 + z->nseg; i++) {
		const struct gr_cp_seg *s = &cp->segs[i];
		cr_assert_gt(s->dur_us, 0);
		for (; k && cp->segs[open[k - 1]].depth >= s->depth; k--)
			cr_assert_eq(sum[k - 1], cp->segs[open[k - 1]].dur_us,
				     "a sync segment is the sum of its callee's");
		if (s->depth == 0) {
			top += s->dur_us;
			if (prev_end != INT64_MIN)
				cr_assert_eq(s->start_us, prev_end, "depth-0 segments are contiguous");
			prev_end = s->start_us + s->dur_us;
		} else {
			cr_assert(k && cp->segs[open[k - 1]].depth + 1 == s->depth);
			sum[k - 1] += s->dur_us;
		}
		if (s->type == GR_CP_SYNC) {
			open[k] = i;
			sum[k++] = 0;
		}
	}
	for (; k; k--)
		cr_assert_eq(sum[k - 1], cp->segs[open[k - 1]].dur_us);
	cr_assert_eq(top, r->latency_us);
	free(open);
	free(sum);
}

Test(critpath, async_chain_and_typed_segments)
{
	struct gr_graph g;
	struct gr_cp cp;

	gr_graph_init(&g);
	uint32_t up = node(&g, "a-upload", "upload", 0, 400000, 100000);
	uint32_t au = node(&g, "b-auth", "auth", 160000, 200000, 0);
	uint32_t rs = node(&g, "c-resize", "resize", 1300000, 2000000, 0);
	uint32_t nt = node(&g, "d-notify", "notify", 500000, 700000, 0);
	uint32_t ix = node(&g, "e-index", "index", 2600000, 3500000, 300000);
	edge(&g, up, au, GR_KIND_LAMBDA, true, 150000);
	edge(&g, up, rs, GR_KIND_S3, false, 300000);
	edge(&g, up, nt, GR_KIND_SNS, false, 350000);
	edge(&g, rs, ix, GR_KIND_SQS, false, 1800000);
	run(&g, &cp, true);

	cr_assert_eq(cp.nruns, 1);
	const struct gr_cp_run *r = run_of(&g, &cp, "a-upload");
	cr_assert_str_eq(path_str(&g, &cp, r), "a-upload c-resize e-index");
	cr_assert_eq(r->sink, ix);
	cr_assert_eq(r->latency_us, 3500000);
	cr_assert_eq(r->reach, 5);
	check_segments(&cp, r);
	/* upload: init 100 ms, exec 50, sync auth (invoke 10 + exec 40), exec 100 */
	const struct gr_cp_hop *h0 = &cp.hops[r->hop0];
	static const uint16_t want[] = { GR_CP_INIT, GR_CP_EXEC, GR_CP_SYNC, GR_CP_INVOKE,
					 GR_CP_EXEC, GR_CP_EXEC };
	static const int64_t dur[] = { 100000, 50000, 50000, 10000, 40000, 100000 };
	cr_assert_eq(h0->nseg, 6);
	for (int i = 0; i < 6; i++) {
		cr_assert_eq(cp.segs[h0->seg0 + i].type, want[i], "segment %d", i);
		cr_assert_eq(cp.segs[h0->seg0 + i].dur_us, dur[i], "segment %d", i);
	}
	/* the s3 hop: 1 s of trigger delay, then resize's 500 ms up to its SQS send */
	const struct gr_cp_hop *h1 = &cp.hops[r->hop0 + 1];
	cr_assert_eq(cp.segs[h1->seg0].type, GR_CP_TRIGGER);
	cr_assert_eq(cp.segs[h1->seg0].dur_us, 1000000);
	cr_assert_eq(g.edges[cp.segs[h1->seg0].edge].kind, GR_KIND_S3);
	/* the sqs hop: 800 ms trigger, 300 ms init, 600 ms exec */
	const struct gr_cp_hop *h2 = &cp.hops[r->hop0 + 2];
	cr_assert_eq(h2->nseg, 3);
	cr_assert_eq(cp.segs[h2->seg0 + 1].type, GR_CP_INIT);
	cr_assert_eq(cp.segs[h2->seg0 + 1].dur_us, 300000);
	/* slack: notify ends at 700 ms, the sink at 3.5 s */
	cr_assert_eq(r->nslack, 1);
	cr_assert_eq(cp.slack[r->slack0].node, nt);
	cr_assert_eq(cp.slack[r->slack0].slack_us, 2800000);
	gr_cp_release(&cp);
	gr_graph_release(&g);
}

Test(critpath, snapstart_restore_is_its_own_segment)
{
	struct gr_graph g;
	struct gr_cp cp;

	/* api (restored: restore 500.8 ms, exec 147.2 ms) calls auth synchronously at
	 * 550 ms; auth was restored too: 20 ms of invoke, 30 ms restore, 40 ms exec;
	 * then api's last 8 ms */
	gr_graph_init(&g);
	uint32_t api = node(&g, "a-api", "api", 0, 648000, 0);
	uint32_t au = node(&g, "b-auth", "auth", 570000, 640000, 0);
	g.nodes[api].restore_us = 500800;
	g.nodes[api].start = GR_START_RESTORE;
	g.nodes[au].restore_us = 30000;
	g.nodes[au].start = GR_START_RESTORE;
	edge(&g, api, au, GR_KIND_LAMBDA, true, 550000);
	run(&g, &cp, false);

	const struct gr_cp_run *r = run_of(&g, &cp, "a-api");
	cr_assert_eq(r->latency_us, 648000);
	check_segments(&cp, r);
	const struct gr_cp_hop *h0 = &cp.hops[r->hop0];
	static const uint16_t want[] = { GR_CP_RESTORE, GR_CP_EXEC, GR_CP_SYNC, GR_CP_INVOKE,
					 GR_CP_RESTORE, GR_CP_EXEC, GR_CP_EXEC };
	static const int64_t dur[] = { 500800, 49200, 90000, 20000, 30000, 40000, 8000 };
	cr_assert_eq(h0->nseg, 7);
	for (int i = 0; i < 7; i++) {
		cr_assert_eq(cp.segs[h0->seg0 + i].type, want[i], "segment %d", i);
		cr_assert_eq(cp.segs[h0->seg0 + i].dur_us, dur[i], "segment %d", i);
	}
	cr_assert_str_eq(gr_cp_seg_name(GR_CP_RESTORE), "restore");

	struct gr_cp_stats st;
	gr_cp_stats_init(&st);
	cr_assert_eq(gr_cp_stats_workflow(&st, &g, &cp), 0);
	bool found = false;
	for (size_t i = 0; i < st.nrows; i++)
		if (st.rows[i].group == 0 && st.rows[i].row == GR_CP_ROW_RESTORE) {
			cr_assert_str_eq(st.rows[i].label, "snapstart restores");
			cr_assert_eq(st.rows[i].total_us, 530800);
			found = true;
		}
	cr_assert(found);
	gr_cp_stats_release(&st);
	gr_cp_release(&cp);
	gr_graph_release(&g);
}

Test(critpath, last_input_to_arrive_and_edges_from_outside_r)
{
	struct gr_graph g;
	struct gr_cp cp;

	gr_graph_init(&g);
	/* two producers feed one batch consumer; the second root's write is later but it
	 * is not in the first root's R, so the first root's path ignores it */
	uint32_t r1 = node(&g, "r1", "a", 0, 100, 0);
	uint32_t p1 = node(&g, "p1", "b", 200, 300, 0);
	uint32_t p2 = node(&g, "p2", "b", 200, 400, 0);
	uint32_t r2 = node(&g, "r2", "z", 0, 600, 0);
	uint32_t c = node(&g, "c", "batch", 1000, 2000, 0);
	edge(&g, r1, p1, GR_KIND_S3, false, 50);
	edge(&g, r1, p2, GR_KIND_S3, false, 60);
	edge(&g, p1, c, GR_KIND_SQS, false, 250);
	edge(&g, p2, c, GR_KIND_SQS, false, 390);
	edge(&g, r2, c, GR_KIND_SQS, false, 500);
	run(&g, &cp, false);
	cr_assert_eq(cp.nruns, 2);
	const struct gr_cp_run *a = run_of(&g, &cp, "r1");
	cr_assert_str_eq(path_str(&g, &cp, a), "r1 p2 c");
	const struct gr_cp_run *b = run_of(&g, &cp, "r2");
	cr_assert_str_eq(path_str(&g, &cp, b), "r2 c");
	check_segments(&cp, a);
	check_segments(&cp, b);
	gr_cp_release(&cp);
	gr_graph_release(&g);
}

Test(critpath, ties_take_the_smallest_request_id)
{
	struct gr_graph g;
	struct gr_cp cp;

	gr_graph_init(&g);
	uint32_t r = node(&g, "r", "a", 0, 100, 0);
	uint32_t x = node(&g, "x", "b", 200, 500, 0);
	uint32_t y = node(&g, "y", "b", 200, 500, 0); /* same end as x */
	uint32_t m = node(&g, "m", "c", 100, 150, 0);
	uint32_t k = node(&g, "k", "c", 100, 150, 0);
	edge(&g, r, m, GR_KIND_SNS, false, 10);
	edge(&g, r, k, GR_KIND_SNS, false, 10);
	edge(&g, m, y, GR_KIND_SQS, false, 120); /* same cause time into y */
	edge(&g, k, y, GR_KIND_SQS, false, 120);
	edge(&g, r, x, GR_KIND_S3, false, 20);
	run(&g, &cp, false);
	const struct gr_cp_run *a = run_of(&g, &cp, "r");
	/* sink: x and y end together, x < y; into x only r */
	cr_assert_str_eq(path_str(&g, &cp, a), "r x");
	/* without x: y is the sink and k < m */
	gr_cp_release(&cp);
	g.edges[4].to = m; /* r -> m again instead of r -> x: x unreachable */
	g.indexed = false;
	run(&g, &cp, false);
	a = run_of(&g, &cp, "r");
	cr_assert_str_eq(path_str(&g, &cp, a), "r k y");
	(void)x;
	gr_cp_release(&cp);
	gr_graph_release(&g);
}

Test(critpath, cycles_terminate_with_a_valid_path)
{
	struct gr_graph g;
	struct gr_cp cp;

	gr_graph_init(&g);
	uint32_t r = node(&g, "r", "a", 0, 100, 0);
	uint32_t a = node(&g, "a", "b", 200, 300, 0);
	uint32_t b = node(&g, "b", "b", 400, 900, 0);
	edge(&g, r, a, GR_KIND_S3, false, 50);
	edge(&g, a, b, GR_KIND_S3, false, 250);
	edge(&g, b, a, GR_KIND_S3, false, 800); /* bad data: b caused a, later */
	run(&g, &cp, false);
	cr_assert_eq(cp.nruns, 1);
	const struct gr_cp_run *x = run_of(&g, &cp, "r");
	/* walking back from b: a (cause 250); from a: b's edge is latest but b is on the
	 * path already, so r */
	cr_assert_str_eq(path_str(&g, &cp, x), "r a b");
	check_segments(&cp, x);
	gr_cp_release(&cp);
	gr_graph_release(&g);
}

Test(critpath, parallel_sync_callees_only_the_last_finisher)
{
	struct gr_graph g;
	struct gr_cp cp;

	gr_graph_init(&g);
	uint32_t r = node(&g, "r", "api", 0, 1000, 0);
	uint32_t a = node(&g, "a", "slow", 110, 800, 0);
	uint32_t b = node(&g, "b", "fast", 110, 500, 0); /* overlaps a: off the path */
	uint32_t c = node(&g, "c", "before", 20, 90, 0);
	edge(&g, r, a, GR_KIND_LAMBDA, true, 100);
	edge(&g, r, b, GR_KIND_LAMBDA, true, 100);
	edge(&g, r, c, GR_KIND_LAMBDA, true, 10);
	struct gr_cp_opts o;
	struct gr_error err = { 0 };
	gr_cp_opts_init(&o);
	o.mark = true;
	gr_cp_init(&cp);
	cr_assert_eq(gr_cp_workflow(&g, &o, &cp, &err), 0);
	const struct gr_cp_run *x = run_of(&g, &cp, "r");
	check_segments(&cp, x);
	const struct gr_cp_hop *h = &cp.hops[x->hop0];
	int syncs = 0;
	for (uint32_t i = 0; i < h->nseg; i++)
		if (cp.segs[h->seg0 + i].type == GR_CP_SYNC) {
			uint32_t callee = cp.segs[h->seg0 + i].node;
			cr_assert(callee == a || callee == c);
			syncs++;
		}
	cr_assert_eq(syncs, 2);
	cr_assert(g.nodes[a].critical && g.nodes[c].critical && !g.nodes[b].critical);
	cr_assert(g.edges[0].critical && !g.edges[1].critical && g.edges[2].critical);
	gr_cp_release(&cp);
	gr_graph_release(&g);
}

Test(critpath, untimed_roots_are_counted_not_run)
{
	struct gr_graph g;
	struct gr_cp cp;

	gr_graph_init(&g);
	uint32_t s = node(&g, "stub", NULL, GR_TIME_UNKNOWN, GR_TIME_UNKNOWN, 0);
	uint32_t v = node(&g, "v", "f", 100, 200, 0);
	edge(&g, s, v, GR_KIND_SQS, false, 50);
	node(&g, "w", "f", 300, 400, 0);
	run(&g, &cp, false);
	cr_assert_eq(cp.roots, 2);
	cr_assert_eq(cp.roots_untimed, 1);
	cr_assert_eq(cp.nruns, 1);
	gr_cp_release(&cp);
	gr_graph_release(&g);
}

/* --- against a naive implementation of the definitions, on random graphs --------- */

struct naive {
	size_t n;
	const struct gr_graph *g;
};

/* R by repeated relaxation (quadratic, obviously right). */
static void naive_reach(const struct gr_graph *g, uint32_t r, bool *in)
{
	memset(in, 0, g->nnodes);
	in[r] = true;
	for (bool more = true; more;) {
		more = false;
		for (size_t e = 0; e < g->nedges; e++)
			if (in[g->edges[e].from] && !in[g->edges[e].to])
				in[g->edges[e].to] = more = true;
	}
}

static void random_dag(struct gr_graph *g, unsigned seed, size_t n)
{
	char id[32];

	srand(seed);
	for (size_t i = 0; i < n; i++) {
		snprintf(id, sizeof(id), "n%03zu", (size_t)rand() % 1000 * 1000 + i);
		int64_t s = (int64_t)i * 100 + rand() % 50;
		node(g, id, (i % 3) ? "f" : "g", s, s + 50 + rand() % 400, rand() % 4 ? 0 : 30);
	}
	for (size_t i = 1; i < n; i++) {
		int k = 1 + rand() % 2;
		for (int j = 0; j < k; j++) {
			if (rand() % 5 == 0)
				continue; /* a new root sometimes */
			size_t p = (size_t)rand() % i;
			const struct gr_node *pn = &g->nodes[p];
			int64_t span = pn->end_us - pn->start_us;
			int64_t cause = pn->start_us - T0 + rand() % (span + 1);
			bool sync = rand() % 4 == 0;
			edge(g, (uint32_t)p, (uint32_t)i, sync ? GR_KIND_LAMBDA : GR_KIND_SQS, sync,
			     cause);
		}
	}
}

Test(critpath, random_graphs_match_the_definitions)
{
	for (unsigned seed = 1; seed <= 40; seed++) {
		struct gr_graph g;
		struct gr_cp cp;
		gr_graph_init(&g);
		random_dag(&g, seed, 60);
		run(&g, &cp, true);
		bool *in = malloc(g.nnodes);
		for (size_t k = 0; k < cp.nruns; k++) {
			const struct gr_cp_run *r = &cp.runs[k];
			cr_assert_eq(g.nodes[r->root].in, GR_NONE);
			naive_reach(&g, r->root, in);
			uint32_t sink = GR_NONE;
			size_t reach = 0;
			for (size_t v = 0; v < g.nnodes; v++) {
				if (!in[v])
					continue;
				reach++;
				if (sink == GR_NONE || g.nodes[v].end_us > g.nodes[sink].end_us ||
				    (g.nodes[v].end_us == g.nodes[sink].end_us &&
				     strcmp(g.nodes[v].id, g.nodes[sink].id) < 0))
					sink = (uint32_t)v;
			}
			cr_assert_eq(r->sink, sink, "seed %u", seed);
			cr_assert_eq(r->reach, reach);
			cr_assert_eq(r->latency_us, g.nodes[sink].end_us - g.nodes[r->root].start_us);
			/* the path: root to sink, each hop along the latest-cause edge from R */
			cr_assert_eq(cp.hops[r->hop0].node, r->root);
			cr_assert_eq(cp.hops[r->hop0 + r->nhop - 1].node, sink);
			cr_assert(!r->fallback);
			for (uint32_t h = 1; h < r->nhop; h++) {
				const struct gr_cp_hop *hp = &cp.hops[r->hop0 + h];
				const struct gr_edge *e = &g.edges[hp->edge];
				cr_assert_eq(e->to, hp->node);
				cr_assert_eq(e->from, cp.hops[r->hop0 + h - 1].node);
				for (size_t x = 0; x < g.nedges; x++) {
					const struct gr_edge *o = &g.edges[x];
					if (o->to != hp->node || !in[o->from])
						continue;
					cr_assert(o->cause_us < e->cause_us ||
						  (o->cause_us == e->cause_us &&
						   strcmp(g.nodes[o->from].id, g.nodes[e->from].id) >= 0),
						  "seed %u: a later input was not taken", seed);
				}
			}
			check_segments(&cp, r);
			for (uint32_t i = 0; i < r->nslack; i++)
				cr_assert_geq(cp.slack[r->slack0 + i].slack_us, 0);
		}
		free(in);
		gr_cp_release(&cp);
		gr_graph_release(&g);
	}
}

Test(critpath, a_million_invocations_in_one_chain)
{
	struct gr_graph g;
	struct gr_cp cp;
	char id[32];
	const uint32_t n = 1000000;

	gr_graph_init(&g);
	for (uint32_t i = 0; i < n; i++) {
		snprintf(id, sizeof(id), "%08u", i);
		node(&g, id, "step", (int64_t)i * 10, (int64_t)i * 10 + 8, 0);
		if (i)
			edge(&g, i - 1, i, GR_KIND_SQS, false, (int64_t)i * 10 - 5);
	}
	run(&g, &cp, false);
	cr_assert_eq(cp.nruns, 1);
	cr_assert_eq(cp.runs[0].nhop, n);
	cr_assert_eq(cp.runs[0].latency_us, (int64_t)(n - 1) * 10 + 8);
	check_segments(&cp, &cp.runs[0]);
	gr_cp_release(&cp);
	gr_graph_release(&g);
}

Test(critpath, deep_synchronous_nesting)
{
	struct gr_graph g;
	struct gr_cp cp;
	char id[32];
	const uint32_t n = 100000;

	gr_graph_init(&g);
	/* each invocation calls the next synchronously, nested intervals */
	for (uint32_t i = 0; i < n; i++) {
		snprintf(id, sizeof(id), "%08u", i);
		node(&g, id, "layer", (int64_t)i * 3, (int64_t)(6 * n) - (int64_t)i * 3, 0);
		if (i)
			edge(&g, i - 1, i, GR_KIND_LAMBDA, true, (int64_t)i * 3 - 1);
	}
	run(&g, &cp, false);
	cr_assert_eq(cp.nruns, 1);
	/* the sink is the root (it ends last); callees nest up to the depth cap */
	cr_assert_eq(cp.runs[0].nhop, 1);
	check_segments(&cp, &cp.runs[0]);
	gr_cp_release(&cp);
	gr_graph_release(&g);
}

/* The truth's own graph gives the truth's critical paths exactly, for every
 * application of gammaray-synth (the simulator computes them independently). */
Test(critpath, truth_graph_reproduces_the_truth_paths)
{
	for (size_t a = 0; a < gr_synth_app_count(); a++) {
		char dir[] = "/tmp/gammaray-cp-synth-XXXXXX", truth[64], cmd[128];
		struct gr_synth_opts o;
		struct gr_synth_stats ss;
		struct gr_critpath_agreement ag;
		struct gr_stats st;
		struct gr_error err = { 0 };
		cr_assert(mkdtemp(dir));
		gr_synth_opts_init(&o);
		o.out_dir = dir;
		o.force = true;
		o.app = gr_synth_app_name(a);
		o.runs = 150;
		o.seed = 40 + a;
		cr_assert_eq(gr_synth_run(&o, &ss, &err), 0, "%s", err.msg);
		snprintf(truth, sizeof(truth), "%s/truth.ndjson", dir);
		cr_assert_eq(gr_critpath_score(truth, truth, &ag, &st, &err), 0, "%s", err.msg);
		cr_expect_eq(ag.truth_roots, 150, "%s", o.app);
		cr_expect_eq(ag.exact, ag.truth_roots, "%s: %llu of %llu exact", o.app,
			     (unsigned long long)ag.exact, (unsigned long long)ag.truth_roots);
		cr_expect_eq(ag.extra, 0);
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		cr_assert_eq(system(cmd), 0);
	}
}

Test(critpath, stats_totals_of_huge_latencies_saturate)
{
	struct gr_cp_stats s;
	const int64_t lat = (int64_t)1 << 61; /* end - start of times within +-2^60 */

	gr_cp_stats_init(&s);
	for (int i = 0; i < 5; i++) {
		gr_cp_stats_begin(&s, "f", lat);
		gr_cp_stats_add(&s, GR_CP_ROW_FN, "f", lat);
		gr_cp_stats_end(&s);
	}
	cr_assert_eq(gr_cp_stats_finish(&s), 0);
	cr_assert_eq(s.ngroups, 2);
	cr_assert_eq(s.groups[0].total_us, INT64_MAX);
	cr_assert_eq(s.groups[0].runs, 5);
	cr_assert_eq(s.rows[0].total_us, INT64_MAX);
	gr_cp_stats_release(&s);
}

/*
 * Money on the path and off it (critpath_cost.c). Prices chosen so that a cost reads
 * off the bill: $0.000001024 per GB-s (1,024,000 pico) and no request charge, 1000 MB:
 * 1,024,000 * billed_us / 10^6 * 1000 / 1024 = billed_us pico-dollars.
 *   front (r1) -> work (async, the sink) -> db (sync callee of work: on the path)
 *   front -> side (async, ends early: off the path) -> trace-only (no billing: unknown)
 *   cron (r2) -> work (fan-in: work and db count in both runs)
 */
Test(critpath, cost_on_and_off_the_path)
{
	struct gr_graph g;
	struct gr_cp cp;
	struct gr_cp_cost c;
	struct gr_error err = { 0 };
	struct gr_prices *p = gr_prices_new();
	const char *file = "price * x86_64 duration=0.000001024 request=0\n";

	cr_assert_eq(gr_prices_load_mem(p, "t", file, strlen(file), &err), 0, "%s", err.msg);
	gr_graph_init(&g);
	uint32_t r1 = node(&g, "r1", "front", 0, 100000, 0);
	uint32_t a = node(&g, "a", "work", 200000, 1000000, 0);
	uint32_t s = node(&g, "s", "db", 310000, 500000, 0);
	uint32_t b = node(&g, "b", "side", 100000, 300000, 0);
	uint32_t z = node(&g, "z", "trace-only", 260000, 400000, 0);
	uint32_t r2 = node(&g, "r2", "cron", 150000, 180000, 0);
	const int64_t billed[] = { 100000, 800000, 190000, 200000, -1, 30000 };
	for (uint32_t i = 0; i < 6; i++) {
		g.nodes[i].billed_us = billed[i];
		g.nodes[i].mem_mb = billed[i] < 0 ? -1 : 1000;
	}
	edge(&g, r1, a, GR_KIND_S3, false, 50000);
	edge(&g, a, s, GR_KIND_LAMBDA, true, 300000);
	edge(&g, r1, b, GR_KIND_SNS, false, 60000);
	edge(&g, b, z, GR_KIND_SQS, false, 250000);
	edge(&g, r2, a, GR_KIND_SQS, false, 170000);
	run(&g, &cp, false);
	cr_assert_eq(cp.nruns, 2);
	cr_assert_eq(gr_cp_cost_build(&c, &g, &cp, p), 0);

	cr_assert(c.total == 1320000, "every invocation once");
	cr_assert_eq(c.known, 5);
	cr_assert_eq(c.unknown, 1);
	cr_assert_eq(c.node[z], -1);
	const struct gr_cp_money *m1 = &c.runs[run_of(&g, &cp, "r1") - cp.runs];
	const struct gr_cp_money *m2 = &c.runs[run_of(&g, &cp, "r2") - cp.runs];
	cr_assert(m1->path == 1090000, "front, work, db");
	cr_assert(m1->off == 200000, "side; trace-only is unknown, not 0");
	cr_assert_eq(m1->n_path, 3);
	cr_assert_eq(m1->n_off, 2);
	cr_assert_eq(m1->unknown_off, 1);
	cr_assert_eq(m1->unknown_path, 0);
	cr_assert(m2->path == 1020000 && m2->off == 0, "cron, work, db");
	const struct gr_cp_cost_row *all = gr_cp_cost_group(&c, "");
	cr_assert_not_null(all);
	cr_assert_eq(all->runs, 2);
	cr_assert(all->m.path == 2110000 && all->m.off == 200000);
	const struct gr_cp_cost_row *cron = gr_cp_cost_group(&c, "cron");
	cr_assert(cron && cron->runs == 1 && cron->m.path == 1020000);
	cr_assert_null(gr_cp_cost_group(&c, "work"), "not a root function");
	/* by function, the dearest first: work in both runs */
	cr_assert_str_eq(c.fns[0].label, "work");
	cr_assert(c.fns[0].m.path == 1600000 && c.fns[0].m.n_path == 2);
	cr_assert_str_eq(c.fns[c.nfns - 1].label, "trace-only");
	(void)b;
	(void)s;
	gr_cp_cost_release(&c);
	gr_cp_release(&cp);
	gr_graph_release(&g);
	gr_prices_free(p);
}
