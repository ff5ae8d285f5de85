/* fuzz_infer.h: one gammaray-infer run over an event stream, with the checks every infer target makes. */
#ifndef GR_FUZZ_INFER_H
#define GR_FUZZ_INFER_H

#include "fuzz.h"
#include "stream/graph.h"
#include "common/reader.h"

/* Is the graph free of directed cycles (self loops included)? Iterative DFS. */
static inline bool fuzz_acyclic(struct gr_graph *g)
{
	size_t n = g->nnodes;
	uint8_t *color = calloc(n + 1, 1); /* 0 new, 1 on the stack, 2 done */
	uint32_t *stack = malloc((n + 1) * sizeof(*stack)), *it = malloc((n + 1) * sizeof(*it));
	bool ok = true;

	FUZZ_CHECK(color && stack && it && gr_graph_index(g) == 0, "out of memory");
	for (size_t s0 = 0; s0 < n && ok; s0++) {
		size_t sp = 0;
		if (color[s0])
			continue;
		stack[sp] = (uint32_t)s0;
		it[sp++] = g->nodes[s0].out;
		color[s0] = 1;
		while (sp && ok) {
			uint32_t e = it[sp - 1];
			if (e == GR_NONE) {
				color[stack[--sp]] = 2;
				continue;
			}
			it[sp - 1] = g->edges[e].next_out;
			uint32_t to = g->edges[e].to;
			if (color[to] == 1)
				ok = false;
			else if (!color[to]) {
				color[to] = 1;
				stack[sp] = to;
				it[sp++] = g->nodes[to].out;
			}
		}
	}
	free(color);
	free(stack);
	free(it);
	return ok;
}

/*
 * Infer the graph of the event stream s[0..n) and check: no fatal error but on
 * a wrong stream version (a documented stop), the accounting holds, and the output
 * is a graph stream that gr_graph_read reads back without losing a record, whose
 * edges join invocations it has. The graph stream goes to out when it is not NULL
 * (the caller releases it; left empty after a documented stop).
 */
static inline void fuzz_infer_run(const char *s, size_t n, int64_t window_us, struct gr_buf *out)
{
	struct fuzz_sink sink = { .keep = 64u << 20 };
	struct gr_infer_opts o;
	struct gr_infer *inf = NULL;
	struct gr_error err = { 0 };
	int rc;

	gr_infer_opts_init(&o);
	o.window_us = window_us;
	o.max_line = n % 3 == 0 ? 300 : 0;
	o.max_depth = n % 7 == 0 ? 6 : 0;
	o.write = fuzz_sink_write;
	o.write_ctx = &sink;
	o.diag = fuzz_diag;
	rc = gr_infer_new(&inf, &o, &err);
	FUZZ_CHECK(rc == 0, "gr_infer_new");
	rc = gr_infer_read_mem(inf, "fuzz", s, n, &err);
	fuzz_check_error(rc, &err);
	if (rc) {
		/* a stream of another version (or a graph stream) and corrupt compressed
		 * data stop a run (gr_infer_read) */
		FUZZ_CHECK(rc == GR_ERR_FORMAT || rc == GR_ERR_COMPRESS,
			   "gr_infer_read stopped on input data");
		gr_infer_free(inf);
		gr_buf_release(&sink.b);
		return;
	}
	rc = gr_infer_finish(inf, &err);
	fuzz_check_error(rc, &err);
	FUZZ_CHECK(rc == 0, "gr_infer_finish failed");
	const struct gr_infer_stats *ist = gr_infer_get_stats(inf);
	fuzz_check_stats(&ist->io);
	/* plain input: every line with something on it is a record read */
	if (ist->io.bytes == ist->io.bytes_in)
		FUZZ_CHECK(ist->io.records_in == fuzz_stream_records(s, n, "\r \t", n % 3 == 0 ? 300 : 0),
			   "records read != lines of the input");
	FUZZ_CHECK(sink.total == sink.b.len, "output larger than the sink keeps");

	/* the output read back as gammaray-critpath and gammaray-dot read it */
	struct gr_graph g;
	struct gr_reader r;
	struct gr_stats st;
	memset(&st, 0, sizeof(st));
	gr_graph_init(&g);
	gr_reader_open_mem(&r, "out", sink.b.data ? sink.b.data : "", sink.b.len);
	rc = gr_graph_read(&g, &r, &st, NULL, NULL, &err);
	gr_reader_release(&r);
	if (rc || st.records_in != st.records_out)
		fprintf(stderr, "graph output not read back (%s): %.*s\n", err.msg,
			(int)(sink.b.len < 4000 ? sink.b.len : 4000), sink.b.data);
	FUZZ_CHECK(rc == 0, "gammaray-infer output is not a graph stream");
	FUZZ_CHECK(st.records_in == st.records_out, "gammaray-infer wrote unreadable records");
	FUZZ_CHECK(fuzz_acyclic(&g), "gammaray-infer wrote a cycle of invocations");
	/* canonical order (with --window: in batches, each canonical, as gammaray-infer(1)
	 * says): nodes by (start_us, id), one record each, then edges by (cause_us, from,
	 * to, kind). Edges may name request ids that no record showed run (referenced
	 * only): readers make stubs of those. */
	size_t node_lines = 0, runs = 0;
	for (const char *q = sink.b.data; q && (q = strstr(q, "{\"type\":\"node\"")); q++)
		node_lines++;
	uint32_t prev = GR_NONE;
	for (uint32_t i = 0; i < g.nnodes; i++) {
		if (g.nodes[i].stub)
			continue;
		runs++;
		if (prev != GR_NONE && !window_us) {
			const struct gr_node *a = &g.nodes[prev], *b = &g.nodes[i];
			FUZZ_CHECK(a->start_us < b->start_us ||
				   (a->start_us == b->start_us && strcmp(a->id, b->id) < 0),
				   "gammaray-infer nodes not in canonical order");
		}
		prev = i;
	}
	FUZZ_CHECK(node_lines == runs, "an invocation written twice");
	FUZZ_CHECK(runs == ist->invocations, "invocations counted != node records written");
	for (size_t i = 1; i < g.nedges && !window_us; i++) {
		const struct gr_edge *a = &g.edges[i - 1], *b = &g.edges[i];
		int c = a->cause_us < b->cause_us ? -1 : a->cause_us > b->cause_us;
		if (!c)
			c = strcmp(g.nodes[a->from].id, g.nodes[b->from].id);
		if (!c)
			c = strcmp(g.nodes[a->to].id, g.nodes[b->to].id);
		if (!c)
			c = (int)a->kind - (int)b->kind;
		FUZZ_CHECK(c <= 0, "gammaray-infer edges not in canonical order");
	}
	FUZZ_CHECK(g.nedges == ist->edges, "edges counted != edge records written");
	gr_graph_release(&g);
	gr_infer_free(inf);
	if (out)
		*out = sink.b;
	else
		gr_buf_release(&sink.b);
}

static inline void fuzz_infer_check(const char *s, size_t n, int64_t window_us)
{
	fuzz_infer_run(s, n, window_us, NULL);
}

#endif
