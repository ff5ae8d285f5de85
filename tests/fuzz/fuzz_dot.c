/* fuzz_dot.c: libFuzzer target of gammaray-dot: graph stream in, DOT out, checked by Graphviz's own parser. */
#include <cgraph.h>

#include "fuzz.h"

/*
 * The input is a graph stream (gammaray-graph(5)) with whatever it holds: cycles,
 * self loops, edges to unknown invocations, repeated records, hostile names. The
 * picture must be drawn (or the stream refused for its version), the accounting
 * hold, and the DOT text parse with cgraph into as many nodes and edges as the
 * summary says were drawn.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	static struct fuzz_file f;
	static const char *const rankdir[] = { "LR", "TB", "RL", "BT" };
	struct fuzz_sink sink = { .keep = 256u << 20 };
	struct gr_dot_opts o;
	struct gr_stats st;
	struct gr_dot_summary sum;
	struct gr_error err = { 0 };
	const char *path = fuzz_file_set(&f, "graph", data, n);

	gr_dot_opts_init(&o);
	o.view = (enum gr_dot_view)(n % 3);
	o.max_nodes = n % 5 ? 3 + n % 11 : 0;
	o.legend = n % 2;
	o.rankdir = rankdir[n / 2 % 4];
	o.max_line = n % 7 ? 0 : 150;
	o.write = fuzz_sink_write;
	o.write_ctx = &sink;
	o.diag = fuzz_diag;
	int rc = gr_dot(&o, &path, 1, &st, &sum, &err);
	fuzz_check_error(rc, &err);
	if (rc) {
		FUZZ_CHECK(rc == GR_ERR_FORMAT, "gr_dot stopped on input data");
		gr_buf_release(&sink.b);
		return 0;
	}
	fuzz_check_stats(&st);
	FUZZ_CHECK(sink.total == sink.b.len && sink.b.len == sum.bytes, "bytes written");
	agseterr(AGMAX); /* parse errors are checked below, not printed */
	Agraph_t *g = agmemread(sink.b.data);
	if (!g)
		fprintf(stderr, "DOT that cgraph cannot read:\n%s\n", sink.b.data);
	FUZZ_CHECK(g, "gammaray-dot wrote DOT that Graphviz cannot parse");
	if ((size_t)agnnodes(g) != sum.dot_nodes || (size_t)agnedges(g) != sum.dot_edges)
		fprintf(stderr, "parsed %d nodes %d edges, summary %zu nodes %zu edges\n%s\n",
			agnnodes(g), agnedges(g), sum.dot_nodes, sum.dot_edges, sink.b.data);
	FUZZ_CHECK((size_t)agnnodes(g) == sum.dot_nodes, "DOT nodes != nodes drawn");
	FUZZ_CHECK((size_t)agnedges(g) == sum.dot_edges, "DOT edges != edges drawn");
	agclose(g);
	gr_buf_release(&sink.b);
	return 0;
}
