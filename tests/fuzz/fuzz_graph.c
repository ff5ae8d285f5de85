/* fuzz_graph.c: libFuzzer target of the graph stream reader gr_graph_read and the canonical writer. */
#include "fuzz.h"
#include "stream/graph.h"
#include "common/json_scan.h"
#include "common/reader.h"

static void read_graph(struct gr_graph *g, const char *p, size_t n, size_t max_line,
		       struct gr_stats *st, int *rc, bool *plain)
{
	struct gr_reader r;
	struct gr_error err = { 0 };

	memset(st, 0, sizeof(*st));
	gr_graph_init(g);
	gr_reader_open_mem(&r, "fuzz", p, n);
	gr_reader_limits(&r, max_line, 0, 0);
	*rc = gr_graph_read(g, &r, st, fuzz_diag, NULL, &err);
	fuzz_check_error(*rc, &err);
	*plain = r.outer == GR_PLAIN;
	gr_reader_release(&r);
}

/*
 * Read the input as gammaray-critpath and gammaray-dot do (any records, cycles,
 * edges to unknown nodes, repeated nodes), index it, write it canonically, and
 * read that back: nothing may be lost, and writing it again gives the same bytes.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	struct gr_graph g, g2;
	struct gr_stats st, st2;
	struct fuzz_sink out = { .keep = 64u << 20 }, out2 = { .keep = 64u << 20 };
	int rc;
	bool plain;

	read_graph(&g, (const char *)data, n, n % 3 ? 0 : 120, &st, &rc, &plain);
	/* another version or an event stream, and corrupt compressed data, stop the read */
	FUZZ_CHECK(rc == 0 || rc == GR_ERR_FORMAT || rc == GR_ERR_COMPRESS,
		   "gr_graph_read stopped on input data");
	FUZZ_CHECK(st.records_in == st.records_out + gr_stats_lost(&st) + gr_stats_skipped(&st),
		   "graph reading accounting");
	/* plain input read to its end: every line with something on it is a record */
	if (rc == 0 && plain)
		FUZZ_CHECK(st.records_in == fuzz_stream_records((const char *)data, n, "\r ", n % 3 ? 0 : 120),
			   "records read != lines of the input");
	if (rc == 0) {
		FUZZ_CHECK(gr_graph_index(&g) == 0, "gr_graph_index");
		for (size_t i = 0; i < g.nedges; i++)
			FUZZ_CHECK(g.edges[i].from < g.nnodes && g.edges[i].to < g.nnodes,
				   "edge end out of range");
		FUZZ_CHECK(gr_graph_write(&g, fuzz_sink_write, &out) == 0, "gr_graph_write");
		/* every line written is one JSON object (extra records are passed through) */
		for (const char *p = out.b.data, *end = p + out.b.len; p < end;) {
			const char *nl = memchr(p, '\n', (size_t)(end - p)), *why = NULL;
			FUZZ_CHECK(nl, "unterminated line");
			if (!gr_js_valid(p, (size_t)(nl - p), false, 0, &why))
				fprintf(stderr, "not JSON (%s): %.*s\n", why, (int)(nl - p), p);
			FUZZ_CHECK(gr_js_valid(p, (size_t)(nl - p), false, 0, &why),
				   "gr_graph_write wrote a line that is not a JSON object");
			p = nl + 1;
		}
		read_graph(&g2, out.b.data, out.b.len, 0, &st2, &rc, &plain);
		FUZZ_CHECK(rc == 0, "canonical graph not read back");
		FUZZ_CHECK(st2.records_in == st2.records_out, "canonical graph lost records");
		FUZZ_CHECK(g2.nnodes == g.nnodes && g2.nedges == g.nedges && g2.nextra == g.nextra,
			   "canonical graph differs in size");
		FUZZ_CHECK(gr_graph_write(&g2, fuzz_sink_write, &out2) == 0, "gr_graph_write");
		if (out.b.len != out2.b.len || memcmp(out.b.data, out2.b.data, out.b.len))
			fprintf(stderr, "first:\n%s\nsecond:\n%s\n", out.b.data, out2.b.data);
		FUZZ_CHECK(out.b.len == out2.b.len && !memcmp(out.b.data, out2.b.data, out.b.len),
			   "canonical writing is not idempotent");
		gr_graph_release(&g2);
	}
	gr_graph_release(&g);
	gr_buf_release(&out.b);
	gr_buf_release(&out2.b);
	return 0;
}
