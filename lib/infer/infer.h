/* infer.h: gammaray-infer's driver internals: markers, segments, release, output (lib-internal). */
#ifndef GR_INFER_H
#define GR_INFER_H

#include "infer/model/model.h"
#include "infer/rules/rules.h"

/* --- infer.c: records ------------------------------------------------------------ */

/* One line of the event stream: parsed, counted in inf->st.io (read, then used or
 * skipped or lost by reason) and joined into the model. */
void gr_inf_record(struct gr_infer *inf, const char *line, size_t n);

/* --- infer_marker.c: the GAMMARAY v1 contract -------------------------------- */

/* A marker record of node: entry or call. Counts a loss itself when it is malformed;
 * returns true when it was used. */
bool gr_inf_marker(struct gr_infer *inf, uint32_t node, int64_t ts, const struct gr_str *m);

/* --- infer_xray.c: segments ------------------------------------------------- */

/* A segment record (inf->ev). Returns true when used. */
bool gr_inf_segment(struct gr_infer *inf);
/* Before linking nodes[0..n) (all when NULL): attach segments found through REPORT
 * segment ids, and X-Ray statuses. */
void gr_inf_xray_finalize(struct gr_infer *inf, const uint32_t *nodes, size_t n);

/* --- infer_spans.c: OpenTelemetry spans --------------------------------------- */

/* A segment record with a span kind (inf->ev, changed): an OpenTelemetry span,
 * read as the X-Ray segment it stands for. Returns true when used. */
bool gr_inf_span(struct gr_infer *inf);
/* Join the invocation spans read without a request id to the invocation whose
 * trace id, function and START..END they share, else to a node of their own,
 * "span:<trace>/<span>". Before linking. */
void gr_inf_spans_join(struct gr_infer *inf);

/* Before matching keys with time: the writes and by-name Invokes of CLIENT spans
 * whose invocation is now known become its causes; and the invocations of nodes[0..n)
 * (all when NULL) whose span has no parent in the input, of a function some span
 * invoked by name, get a trigger record matched by function and time. */
void gr_inf_span_causes(struct gr_infer *inf, const uint32_t *nodes, size_t n);

/* --- infer_link.c: edges --------------------------------------------------- */

/* Make the edges into each of the given nodes (every node when NULL). */
void gr_inf_link_nodes(struct gr_infer *inf, const uint32_t *nodes, size_t n);
/* The edges into e from its candidates c (sorted here): one per (cause, kind), the
 * best evidence kept; a cause later than e's first START is a clock violation. */
void gr_inf_link_cands(struct gr_infer *inf, uint32_t e, struct gr_inf_cands *c);

/* --- infer_out.c: cycles, loops, output ------------------------------------- */

/* Drop the edges that close cycles: edges i in [0, ne) from from[i] to to[i] (nodes
 * below nn), in the graph's canonical order; depth-first from the sources in the order
 * of their first edge, each node's edges in that order, so the edges dropped depend
 * on the graph only. Edges with dead[i] set are ignored; those dropped get it, and
 * *broken counts them. 0 or GR_ERR_NOMEM. */
int gr_inf_acyclic(size_t nn, const uint32_t *from, const uint32_t *to, size_t ne, uint8_t *dead,
		   uint64_t *broken);
/* Drop edges that close cycles among the given edges [first, edges.n). */
void gr_inf_break_cycles(struct gr_infer *inf, size_t first);
/* Record function-level loops (recursion) of every edge written. */
void gr_inf_find_loops(struct gr_infer *inf);
/* Write nodes (the given ones, or all that run when NULL), then edges
 * [first, edges.n), then unmatched records [ufirst, unms.n), in canonical order. */
int gr_inf_write(struct gr_infer *inf, const uint32_t *nodes, size_t n, size_t first,
	      size_t ufirst);
/* An "unmatched" record of u (its invocation's id and function) into w. */
void gr_inf_unm_json(const struct gr_infer *inf, const struct gr_inf_unm *u, struct gr_jw *w);
/* Remember the function-level edge of e (for the loops of --stats). */
void gr_inf_fn_edge(struct gr_infer *inf, const struct gr_inf_edge *e);
/* Record the causes no effect was linked to as unmatched (at the end). */
void gr_inf_unmatched_causes(struct gr_infer *inf);

/* The end of the graph stream: the stats records of the stages upstream (summed per
 * stage), then this run's own ("stage":"infer"); the output is flushed. */
int gr_inf_write_stats(struct gr_infer *inf);

/* --- infer_window.c: --window ------------------------------------------------ */

/* Called after a record when the newest time passed inf->next_release: link, write
 * and forget what ended a window ago. */
void gr_inf_window_step(struct gr_infer *inf);
/* At the end of a --window run: the rest. */
void gr_inf_window_finish(struct gr_infer *inf);
/* Link and write the invocations nodes[0..n) (all that run and are not written when
 * NULL), with their edges and the unmatched evidence found; last: the end of the
 * input, when the causes nothing was linked to are reported too. */
void gr_inf_release(struct gr_infer *inf, const uint32_t *nodes, size_t n, bool last);

#endif
