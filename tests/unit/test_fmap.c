/* test_fmap.c: unit tests of the function map (lib/dot/dot_fmap.c): grouping, links, display order, ids, slices. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/reader.h"
#include "dot/dot.h"
#include "stream/graph.h"

/*
 * a, c: up; b: resize; u: no function; z: zeta, no times; ghost: only named by e4.
 * e0 a->b s3 bkt, e1 c->b s3 bkt (another object), e2 a->c Lambda sync, e3 u->a SQS
 * queue jobs, e4 a->ghost SNS by a bare message id, e5 b->c Lambda async, e6 = e1.
 */
static const char graph_text[] =
	"{\"type\":\"gammaray-graph\",\"v\":1}\n"
	"{\"type\":\"node\",\"id\":\"a\",\"fn\":\"up\",\"start_us\":1000,\"end_us\":3000,"
	"\"status\":\"ok\",\"critical\":true}\n"
	"{\"type\":\"node\",\"id\":\"b\",\"fn\":\"resize\",\"start_us\":4000,\"end_us\":9000,"
	"\"init_us\":1000,\"cold\":true,\"start\":\"cold\",\"status\":\"error\"}\n"
	"{\"type\":\"node\",\"id\":\"c\",\"fn\":\"up\",\"start_us\":20000,\"end_us\":21000,"
	"\"status\":\"timeout\"}\n"
	"{\"type\":\"node\",\"id\":\"u\",\"start_us\":100,\"end_us\":600,\"status\":\"ok\"}\n"
	"{\"type\":\"node\",\"id\":\"z\",\"fn\":\"zeta\",\"status\":\"ok\"}\n"
	"{\"type\":\"edge\",\"from\":\"a\",\"to\":\"b\",\"kind\":\"s3\",\"sync\":false,"
	"\"evidence\":\"marker\",\"key\":\"bkt/x.jpg\",\"cause_us\":2500,\"delay_us\":1500,"
	"\"confidence\":1,\"critical\":true}\n"
	"{\"type\":\"edge\",\"from\":\"c\",\"to\":\"b\",\"kind\":\"s3\",\"sync\":false,"
	"\"evidence\":\"marker\",\"key\":\"bkt/y.jpg\",\"cause_us\":2500,\"delay_us\":700,"
	"\"confidence\":1}\n"
	"{\"type\":\"edge\",\"from\":\"a\",\"to\":\"c\",\"kind\":\"lambda\",\"sync\":true,"
	"\"evidence\":\"marker\",\"cause_us\":2000,\"delay_us\":5000,\"confidence\":1}\n"
	"{\"type\":\"edge\",\"from\":\"u\",\"to\":\"a\",\"kind\":\"sqs\",\"sync\":false,"
	"\"evidence\":\"marker\",\"key\":\"https://sqs.us-east-1.amazonaws.com/123456789012/jobs\","
	"\"cause_us\":700,\"delay_us\":300,\"confidence\":1}\n"
	"{\"type\":\"edge\",\"from\":\"a\",\"to\":\"ghost\",\"kind\":\"sns\",\"sync\":false,"
	"\"evidence\":\"heuristic\",\"key\":\"0a1b2c\",\"cause_us\":2900,\"delay_us\":50,"
	"\"confidence\":0.5}\n"
	"{\"type\":\"edge\",\"from\":\"b\",\"to\":\"c\",\"kind\":\"lambda\",\"sync\":false,"
	"\"evidence\":\"marker\",\"cause_us\":8000,\"delay_us\":9000,\"confidence\":1}\n"
	"{\"type\":\"edge\",\"from\":\"c\",\"to\":\"b\",\"kind\":\"s3\",\"sync\":false,"
	"\"evidence\":\"marker\",\"key\":\"bkt/y.jpg\",\"cause_us\":2500,\"delay_us\":700,"
	"\"confidence\":1}\n";

/* Graph node indices: the nodes in file order, then ghost (created by e4). */
enum { A, B, C, U, Z, GHOST };
/* Map node indices in display order: functions by name, the unknown, the unrecorded,
 * then services by kind (s3 < sns < sqs) and name. */
enum { RESIZE, UP, ZETA, UNKNOWN, NO_RECORD, BKT, SNS, JOBS };

static void read_graph(struct gr_graph *g, const char *text)
{
	struct gr_reader r;
	struct gr_stats st = { 0 };
	struct gr_error err = { 0 };

	gr_graph_init(g);
	gr_reader_open_mem(&r, "test", text, strlen(text));
	cr_assert_eq(gr_graph_read(g, &r, &st, NULL, NULL, &err), 0, "%s", err.msg);
	gr_reader_release(&r);
}

static void check_node(const struct gr_fmap *fm, uint32_t i, const char *id,
		       enum gr_fmap_type type, enum gr_kind kind, const char *name,
		       uint32_t count, uint32_t critical)
{
	const struct gr_fmap_node *n = &fm->nodes[i];

	cr_assert_str_eq(n->id, id, "node %u", i);
	cr_assert_eq(n->type, type, "%s: type %d", id, n->type);
	cr_assert_eq(n->kind, kind, "%s: kind %d", id, n->kind);
	if (name) {
		cr_assert_eq(n->name_len, strlen(name), "%s: name length %zu", id, n->name_len);
		cr_assert(!memcmp(n->name, name, n->name_len), "%s: name %.*s", id,
			  (int)n->name_len, n->name);
	} else {
		cr_assert_null(n->name, "%s: named", id);
	}
	cr_assert_eq(n->count, count, "%s: count %u", id, n->count);
	cr_assert_eq(n->critical, critical, "%s: critical %u", id, n->critical);
}

/* The link from -> to of kind and mode, with its count and sorted delays. */
static void check_link(const struct gr_fmap *fm, uint32_t li, uint32_t from, uint32_t to,
		       enum gr_kind kind, bool sync, bool consumer, uint32_t count,
		       uint32_t critical, const int64_t *delays, size_t ndel)
{
	const struct gr_fmap_link *l = &fm->links[li];

	cr_assert_eq(l->from, from, "link %u: from %u", li, l->from);
	cr_assert_eq(l->to, to, "link %u: to %u", li, l->to);
	cr_assert_eq(l->kind, kind, "link %u: kind", li);
	cr_assert_eq(l->sync, sync, "link %u: sync", li);
	cr_assert_eq(l->consumer, consumer, "link %u: consumer", li);
	cr_assert_eq(l->count, count, "link %u: count %u", li, l->count);
	cr_assert_eq(l->critical, critical, "link %u: critical %u", li, l->critical);
	cr_assert_eq(l->ndel, ndel, "link %u: %zu delays", li, l->ndel);
	for (size_t i = 0; i < ndel; i++)
		cr_assert_eq(fm->dels[l->del_at + i], delays[i], "link %u: delay %zu", li, i);
}

Test(fmap, every_node_and_edge)
{
	struct gr_graph g;
	struct gr_fmap fm;

	read_graph(&g, graph_text);
	cr_assert_eq(g.nnodes, 6);
	cr_assert_eq(g.nedges, 7);
	cr_assert_eq(gr_fmap_build(&fm, &g, NULL, NULL, 0), 0);

	cr_assert_eq(fm.nnodes, 8);
	check_node(&fm, RESIZE, "f1", GR_FMAP_NAMED, GR_KIND_NONE, "resize", 1, 0);
	check_node(&fm, UP, "f2", GR_FMAP_NAMED, GR_KIND_NONE, "up", 2, 1);
	check_node(&fm, ZETA, "f3", GR_FMAP_NAMED, GR_KIND_NONE, "zeta", 1, 0);
	check_node(&fm, UNKNOWN, "f4", GR_FMAP_UNKNOWN, GR_KIND_NONE, NULL, 1, 0);
	check_node(&fm, NO_RECORD, "f5", GR_FMAP_NO_RECORD, GR_KIND_NONE, NULL, 1, 0);
	check_node(&fm, BKT, "s1", GR_FMAP_SERVICE, GR_KIND_S3, "bkt", 3, 1);
	check_node(&fm, SNS, "s2", GR_FMAP_SERVICE, GR_KIND_SNS, NULL, 1, 0);
	check_node(&fm, JOBS, "s3", GR_FMAP_SERVICE, GR_KIND_SQS, "jobs", 1, 0);

	/* starts and failures */
	cr_assert_eq(fm.nodes[RESIZE].cold, 1);
	cr_assert_eq(fm.nodes[RESIZE].errors, 1);
	cr_assert_eq(fm.nodes[UP].cold, 0);
	cr_assert_eq(fm.nodes[UP].errors, 0);
	cr_assert_eq(fm.nodes[UP].timeouts, 1);

	/* durations (end - start - init), sorted; none without both times */
	cr_assert_eq(fm.nodes[RESIZE].ndur, 1);
	cr_assert_eq(fm.durs[fm.nodes[RESIZE].dur_at], 4000);
	cr_assert_eq(fm.nodes[UP].ndur, 2);
	cr_assert_eq(fm.durs[fm.nodes[UP].dur_at], 1000);
	cr_assert_eq(fm.durs[fm.nodes[UP].dur_at + 1], 2000);
	cr_assert_eq(fm.nodes[UNKNOWN].ndur, 1);
	cr_assert_eq(fm.durs[fm.nodes[UNKNOWN].dur_at], 500);
	cr_assert_eq(fm.nodes[ZETA].ndur, 0);
	cr_assert_eq(fm.nodes[NO_RECORD].ndur, 0);
	for (size_t i = BKT; i <= JOBS; i++)
		cr_assert_eq(fm.nodes[i].ndur, 0);

	/* invocations to their nodes */
	static const uint32_t fn_of[] = { UP, RESIZE, UP, UNKNOWN, ZETA, NO_RECORD };
	for (size_t i = 0; i < 6; i++)
		cr_assert_eq(fm.fn_of[i], fn_of[i], "graph node %zu: %u", i, fm.fn_of[i]);

	/* links in the order met: e0 makes two, e1 and e6 count on them again */
	cr_assert_eq(fm.nlinks, 8);
	check_link(&fm, 0, UP, BKT, GR_KIND_S3, false, false, 3, 1, NULL, 0);
	check_link(&fm, 1, BKT, RESIZE, GR_KIND_S3, false, true, 3, 1,
		   (const int64_t[]){ 700, 700, 1500 }, 3);
	check_link(&fm, 2, UP, UP, GR_KIND_LAMBDA, true, true, 1, 0, (const int64_t[]){ 5000 }, 1);
	check_link(&fm, 3, UNKNOWN, JOBS, GR_KIND_SQS, false, false, 1, 0, NULL, 0);
	check_link(&fm, 4, JOBS, UP, GR_KIND_SQS, false, true, 1, 0, (const int64_t[]){ 300 }, 1);
	check_link(&fm, 5, UP, SNS, GR_KIND_SNS, false, false, 1, 0, NULL, 0);
	check_link(&fm, 6, SNS, NO_RECORD, GR_KIND_SNS, false, true, 1, 0,
		   (const int64_t[]){ 50 }, 1);
	check_link(&fm, 7, RESIZE, UP, GR_KIND_LAMBDA, false, true, 1, 0,
		   (const int64_t[]){ 9000 }, 1);

	/* display order: by from, to (display indices), kind, sync */
	static const uint32_t order[] = { 7, 2, 0, 5, 3, 1, 6, 4 };
	for (size_t i = 0; i < 8; i++)
		cr_assert_eq(fm.link_order[i], order[i], "link_order[%zu] %u", i, fm.link_order[i]);

	/* each edge's links: Lambda calls one, the others two */
	static const uint32_t link_of[][2] = {
		{ 0, 1 }, { 0, 1 }, { 2, GR_NONE }, { 3, 4 }, { 5, 6 }, { 7, GR_NONE }, { 0, 1 },
	};
	for (size_t e = 0; e < 7; e++) {
		cr_assert_eq(fm.link_of[2 * e], link_of[e][0], "edge %zu", e);
		cr_assert_eq(fm.link_of[2 * e + 1], link_of[e][1], "edge %zu", e);
	}
	cr_assert_eq(fm.taken, 7);
	cr_assert_eq(fm.outside, 0);

	gr_fmap_release(&fm);
	gr_graph_release(&g);
}

Test(fmap, a_subset_and_some_edges)
{
	struct gr_graph g;
	struct gr_fmap fm;
	static const uint8_t keep[] = { 1, 1, 1, 0, 0, 0 };   /* a, b, c */
	static const uint32_t edges[] = { 5, 4, 3, 2, 1, 0 }; /* not e6 */

	read_graph(&g, graph_text);
	cr_assert_eq(gr_fmap_build(&fm, &g, keep, edges, 6), 0);

	cr_assert_eq(fm.nnodes, 3);
	check_node(&fm, 0, "f1", GR_FMAP_NAMED, GR_KIND_NONE, "resize", 1, 0);
	check_node(&fm, 1, "f2", GR_FMAP_NAMED, GR_KIND_NONE, "up", 2, 1);
	check_node(&fm, 2, "s1", GR_FMAP_SERVICE, GR_KIND_S3, "bkt", 2, 1);
	cr_assert_eq(fm.fn_of[A], 1);
	cr_assert_eq(fm.fn_of[B], 0);
	cr_assert_eq(fm.fn_of[C], 1);
	cr_assert_eq(fm.fn_of[U], GR_NONE);
	cr_assert_eq(fm.fn_of[Z], GR_NONE);
	cr_assert_eq(fm.fn_of[GHOST], GR_NONE);

	/* e5, e2, e1, e0 taken (in that order); e4 and e3 have one end kept */
	cr_assert_eq(fm.taken, 4);
	cr_assert_eq(fm.outside, 2);
	cr_assert_eq(fm.nlinks, 4);
	check_link(&fm, 0, 0, 1, GR_KIND_LAMBDA, false, true, 1, 0, (const int64_t[]){ 9000 }, 1);
	check_link(&fm, 1, 1, 1, GR_KIND_LAMBDA, true, true, 1, 0, (const int64_t[]){ 5000 }, 1);
	check_link(&fm, 2, 1, 2, GR_KIND_S3, false, false, 2, 1, NULL, 0);
	check_link(&fm, 3, 2, 0, GR_KIND_S3, false, true, 2, 1, (const int64_t[]){ 700, 1500 }, 2);
	static const uint32_t order[] = { 0, 1, 2, 3 };
	for (size_t i = 0; i < 4; i++)
		cr_assert_eq(fm.link_order[i], order[i]);
	cr_assert_eq(fm.link_of[2 * 3], GR_NONE);
	cr_assert_eq(fm.link_of[2 * 4], GR_NONE);
	cr_assert_eq(fm.link_of[2 * 6], GR_NONE);
	cr_assert_eq(fm.link_of[2 * 6 + 1], GR_NONE);

	gr_fmap_release(&fm);
	gr_graph_release(&g);
}

/* The same graph read in another order gets the same ids for the same names. */
Test(fmap, ids_do_not_depend_on_the_order_met)
{
	static const char text[] =
		"{\"type\":\"gammaray-graph\",\"v\":1}\n"
		"{\"type\":\"edge\",\"from\":\"d\",\"to\":\"e\",\"kind\":\"dynamodb\","
		"\"key\":\"arn:aws:dynamodb:us-east-1:1:table/orders/stream/x\",\"delay_us\":1}\n"
		"{\"type\":\"edge\",\"from\":\"d\",\"to\":\"a\",\"kind\":\"s3\",\"key\":\"zz/k\","
		"\"delay_us\":1}\n"
		"{\"type\":\"edge\",\"from\":\"d\",\"to\":\"a\",\"kind\":\"s3\",\"key\":\"aa/k\","
		"\"delay_us\":1}\n"
		"{\"type\":\"node\",\"id\":\"e\",\"fn\":\"b\"}\n"
		"{\"type\":\"node\",\"id\":\"d\",\"fn\":\"c\"}\n"
		"{\"type\":\"node\",\"id\":\"a\",\"fn\":\"a\"}\n";
	static const char *const want[][2] = {
		{ "f1", "a" }, { "f2", "b" }, { "f3", "c" },
		{ "s1", "aa" }, { "s2", "zz" }, { "s3", "orders" },
	};
	struct gr_graph g;
	struct gr_fmap fm;

	read_graph(&g, text);
	cr_assert_eq(gr_fmap_build(&fm, &g, NULL, NULL, 0), 0);
	cr_assert_eq(fm.nnodes, 6);
	for (size_t i = 0; i < 6; i++) {
		cr_assert_str_eq(fm.nodes[i].id, want[i][0]);
		cr_assert_eq(fm.nodes[i].name_len, strlen(want[i][1]), "%s", want[i][0]);
		cr_assert(!memcmp(fm.nodes[i].name, want[i][1], fm.nodes[i].name_len), "%s: %.*s",
			  want[i][0], (int)fm.nodes[i].name_len, fm.nodes[i].name);
	}
	gr_fmap_release(&fm);
	gr_graph_release(&g);
}

/* Names are compared by content: two copies of one name are one function. */
Test(fmap, one_function_whatever_the_copy)
{
	struct gr_graph g;
	struct gr_fmap fm;
	char one[] = "up", two[] = "up";

	gr_graph_init(&g);
	for (int i = 0; i < 4; i++) {
		char id[8];
		snprintf(id, sizeof(id), "r%d", i);
		uint32_t ix = gr_graph_node(&g, id, strlen(id));
		cr_assert_neq(ix, GR_NONE);
		g.nodes[ix].fn = i % 2 ? one : two;
		g.nodes[ix].stub = false;
	}
	cr_assert_eq(gr_fmap_build(&fm, &g, NULL, NULL, 0), 0);
	cr_assert_eq(fm.nnodes, 1);
	cr_assert_eq(fm.nodes[0].count, 4);
	gr_fmap_release(&fm);
	gr_graph_release(&g);
}

/* Many links: each found again, whatever the lookups have seen between. */
Test(fmap, many_links)
{
	enum { N = 60 };
	struct gr_graph g;
	struct gr_fmap fm;
	char name[N][8];

	gr_graph_init(&g);
	for (int i = 0; i < N; i++) {
		char id[8];
		snprintf(id, sizeof(id), "r%d", i);
		snprintf(name[i], sizeof(name[i]), "fn%02d", i);
		uint32_t ix = gr_graph_node(&g, id, strlen(id));
		cr_assert_eq(ix, (uint32_t)i);
		g.nodes[ix].fn = name[i];
		g.nodes[ix].stub = false;
	}
	/* every pair twice, sync and async, in two passes */
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < N; i++)
			for (int j = 0; j < N; j++)
				for (int s = 0; s < 2; s++) {
					struct gr_edge e = { .from = (uint32_t)i, .to = (uint32_t)j,
							     .kind = GR_KIND_LAMBDA, .sync = s,
							     .delay_us = pass * 1000 + i };
					cr_assert_neq(gr_graph_add_edge(&g, &e), GR_NONE);
				}
	cr_assert_eq(gr_fmap_build(&fm, &g, NULL, NULL, 0), 0);
	cr_assert_eq(fm.nnodes, N);
	cr_assert_eq(fm.nlinks, N * N * 2);
	for (size_t li = 0; li < fm.nlinks; li++) {
		const struct gr_fmap_link *l = &fm.links[li];
		/* the first pass met them in (i, j, s) order; names sort as indices */
		cr_assert_eq(l->from, li / (2 * N));
		cr_assert_eq(l->to, li / 2 % N);
		cr_assert_eq(l->sync, li % 2);
		cr_assert_eq(l->count, 2, "link %zu: %u", li, l->count);
		cr_assert_eq(l->ndel, 2);
		cr_assert_eq(fm.dels[l->del_at], l->from);
		cr_assert_eq(fm.dels[l->del_at + 1], 1000 + l->from);
		cr_assert_eq(fm.link_order[li], li);
	}
	gr_fmap_release(&fm);
	gr_graph_release(&g);
}

/*
 * A function's runtime: its first invocation's that names one (r0 names none), and how
 * many invocations name another, compared by content (r4's copy of java is the same
 * runtime); r6 belongs to another function, whose runtime is its own.
 */
Test(fmap, runtime_first_and_others)
{
	static const char *const rt[] = { NULL, "java:21.v38", "python:3.12.v16", NULL,
					  "java:21.v38", "python:3.13.v1", "nodejs:20.v33" };
	struct gr_graph g;
	struct gr_fmap fm;
	char copy[] = "java:21.v38";

	gr_graph_init(&g);
	for (int i = 0; i < 7; i++) {
		char id[8];
		snprintf(id, sizeof(id), "r%d", i);
		uint32_t ix = gr_graph_node(&g, id, strlen(id));
		cr_assert_neq(ix, GR_NONE);
		g.nodes[ix].fn = i < 6 ? "f" : "g";
		g.nodes[ix].runtime = i == 4 ? copy : rt[i];
		g.nodes[ix].stub = false;
	}
	cr_assert_eq(gr_fmap_build(&fm, &g, NULL, NULL, 0), 0);
	cr_assert_eq(fm.nnodes, 2);
	cr_assert_str_eq(fm.nodes[0].runtime, "java:21.v38");
	cr_assert_eq(fm.nodes[0].other_runtime, 2, "python 3.12 and 3.13: %u",
		     fm.nodes[0].other_runtime);
	cr_assert_str_eq(fm.nodes[1].runtime, "nodejs:20.v33");
	cr_assert_eq(fm.nodes[1].other_runtime, 0);
	gr_fmap_release(&fm);
	gr_graph_release(&g);
}

/*
 * An edge read twice (e6 = e1 in graph_text: overlapping inputs) is linked once by
 * gr_graph_index, the first kept; the map then counts it once, as the drawn view
 * does. e1 and e0 into b differ in from and key, so neither is a copy of the other.
 */
Test(fmap, an_edge_read_twice_counts_once)
{
	struct gr_graph g;
	struct gr_fmap fm;

	read_graph(&g, graph_text);
	cr_assert_eq(gr_graph_index(&g), 0);
	cr_assert_eq(g.dup_edges, 1);
	for (size_t i = 0; i < g.nedges; i++)
		cr_assert_eq(g.edges[i].dup, i == 6, "edge %zu", i);
	uint32_t in[8], n = 0;
	for (uint32_t e = g.nodes[B].in; e != GR_NONE; e = g.edges[e].next_in)
		in[n++] = e;
	cr_assert_eq(n, 2);
	cr_assert(in[0] == 0 && in[1] == 1, "into b: %u %u", in[0], in[1]);
	cr_assert_eq(gr_fmap_build(&fm, &g, NULL, NULL, 0), 0);
	/* up -> bkt (s3): e0 (from a) and e1 (from c), both of up; 3 with the copy */
	uint32_t link = GR_NONE;
	for (size_t i = 0; i < fm.nlinks; i++)
		if (fm.links[i].from == UP && fm.links[i].to == BKT)
			link = (uint32_t)i;
	cr_assert_neq(link, GR_NONE);
	cr_assert_eq(fm.links[link].count, 2, "e0 (a) and e1 (c), both of up: %u",
		     fm.links[link].count);
	gr_fmap_release(&fm);
	gr_graph_release(&g);
}

/*
 * A node with many edges in (40 here; a queue's batch) is deduplicated by sorting its
 * edges, not pairwise: every third edge is a copy of the one before it (same cause,
 * from, kind, sync, key), the others differ in cause or key. The copies, and only
 * they, are left out; the list keeps index order; indexing twice gives the same.
 */
Test(fmap, copies_among_many_edges_in)
{
	struct gr_graph g;

	gr_graph_init(&g);
	uint32_t sink = gr_graph_node(&g, "sink", 4);
	cr_assert_neq(sink, GR_NONE);
	size_t copies = 0;
	for (uint32_t i = 0; i < 40; i++) {
		char id[16];
		snprintf(id, sizeof(id), "src%u", i / 3);
		uint32_t from = gr_graph_node(&g, id, strlen(id));
		cr_assert_neq(from, GR_NONE);
		bool copy = i % 3 == 2;
		uint32_t base = copy ? i - 1 : i;
		struct gr_edge e = { .from = from, .to = sink, .kind = GR_KIND_SQS,
				     .cause_us = 1000 + (int64_t)(base % 5),
				     .key = base % 2 ? "q/a" : "q/b", .confidence = 1 };
		cr_assert_neq(gr_graph_add_edge(&g, &e), GR_NONE);
		copies += copy;
	}
	for (int pass = 0; pass < 2; pass++) {
		cr_assert_eq(gr_graph_index(&g), 0);
		cr_assert_eq(g.dup_edges, copies, "pass %d: %zu copies", pass, g.dup_edges);
		uint32_t prev = 0, n = 0;
		for (uint32_t e = g.nodes[sink].in; e != GR_NONE; e = g.edges[e].next_in, n++) {
			cr_assert(n == 0 || e > prev, "index order");
			cr_assert_neq(e % 3, 2, "edge %u is a copy", e);
			prev = e;
		}
		cr_assert_eq(n, 40 - copies);
		for (uint32_t i = 0; i < 40; i++)
			cr_assert_eq(g.edges[i].dup, i % 3 == 2, "edge %u", i);
	}
	gr_graph_release(&g);
}
