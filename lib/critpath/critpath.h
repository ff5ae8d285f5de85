/* critpath.h: critical paths over the causal graph (workflow) and over span trees (request) (lib-internal). */
#ifndef GR_CRITPATH_H
#define GR_CRITPATH_H

#include <stdbool.h>
#include <stdint.h>

#include "common/buf.h"
#include "gammaray.h"
#include "common/fn_filter.h"
#include "common/numbers.h"
#include "common/prices.h"
#include "stream/graph.h"
#include "common/strmap.h"

struct gr_reader;

/* ---------------------------------------------------------------------------
 * Workflow critical path (gammaray-critpath(1), DEFINITIONS): for every root r (a
 * node without incoming edge), R = the nodes reachable from r, the sink = the node
 * of R with the latest end (ties: the smallest request id), latency = end(sink) -
 * start(r) with init included; the path is found walking back from the sink along
 * the incoming edge from R with the latest cause time (ties: the smallest request id
 * of the cause) until r.
 */

/* What a stretch of the path's time was spent on. */
enum gr_cp_seg_type {
	GR_CP_TRIGGER, /* an asynchronous hop: cause done -> effect's environment starts */
	GR_CP_INVOKE,  /* a synchronous call: call issued -> callee's environment starts */
	GR_CP_INIT,    /* cold-start init of an invocation */
	GR_CP_EXEC,    /* an invocation running its own code */
	GR_CP_SYNC,    /* waiting on a synchronous callee: holds the callee's segments */
	GR_CP_RESTORE, /* SnapStart restore of an invocation (after its init, if any) */
	GR_CP_SEG_COUNT
};

/* "trigger", "invoke", "init", "exec", "sync", "restore". */
const char *gr_cp_seg_name(enum gr_cp_seg_type t);

/* One segment. The segments of a hop are in time order; a GR_CP_SYNC segment is
 * followed by the callee's own segments, one level deeper, which sum to its length. */
struct gr_cp_seg {
	int64_t start_us;   /* when it begins */
	int64_t dur_us;     /* its length, > 0 */
	uint32_t node;      /* invocation whose time it is (the effect or callee for
			     * trigger, invoke and sync) */
	uint32_t edge;      /* the edge of trigger, invoke and sync; GR_NONE otherwise */
	uint16_t type;      /* enum gr_cp_seg_type */
	uint16_t depth;     /* 0 on a path node, +1 per synchronous callee descended into */
};

/* One invocation of a path, from the root to the sink. */
struct gr_cp_hop {
	uint32_t node;      /* the invocation */
	uint32_t edge;      /* the edge from the previous hop, GR_NONE for the root */
	uint32_t seg0;      /* its first segment in gr_cp.segs */
	uint32_t nseg;      /* its segments (nested ones included) */
};

/* The critical path of one root. */
struct gr_cp_run {
	uint32_t root;      /* node index of the root */
	uint32_t sink;      /* node index of the sink */
	int64_t latency_us; /* end(sink) - start(root) */
	uint32_t hop0;      /* first hop in gr_cp.hops */
	uint32_t nhop;      /* hops, root to sink */
	uint32_t reach;     /* |R|, the root included */
	uint32_t slack0;    /* first slack entry in gr_cp.slack (with slack) */
	uint32_t nslack;    /* slack entries */
	bool fallback;      /* the walk back met a cycle: the path follows the search tree */
};

/* How much later an invocation off the path could end without moving the sink. */
struct gr_cp_slack {
	uint32_t node;      /* the invocation (in R, off the path) */
	int64_t slack_us;   /* end(sink) - the latest end among it and what it reaches */
};

/* The critical paths of many roots. Arrays grow together; indices stay valid. */
struct gr_cp {
	struct gr_cp_run *runs;   /* one per root analysed, by root start then id */
	size_t nruns, cap_runs;   /* used, allocated */
	struct gr_cp_hop *hops;   /* every run's hops */
	size_t nhops, cap_hops;   /* used, allocated */
	struct gr_cp_seg *segs;   /* every hop's segments */
	size_t nsegs, cap_segs;   /* used, allocated */
	struct gr_cp_slack *slack;/* with opts.slack: every run's slack entries */
	size_t nslack, cap_slack; /* used, allocated */
	uint64_t roots;           /* nodes without incoming edge */
	uint64_t roots_untimed;   /* roots skipped: no start time, or nothing in R has an end */
	uint64_t roots_filtered;  /* roots left out by --since, --until or --function */
	uint64_t fallbacks;       /* runs whose walk back met a cycle */
};

struct gr_cp_opts {
	bool slack;                /* fill gr_cp.slack */
	bool mark;                 /* set `critical` on the path's nodes and edges (and
				    * on the synchronous callees descended into) */
	const char *root;          /* analyse only this root (a request id), or NULL */
	int64_t since_us;          /* only roots starting at or after (GR_TIME_UNKNOWN: any) */
	int64_t until_us;          /* only roots starting before (GR_TIME_UNKNOWN: any) */
	struct gr_fn_filter *fn;   /* only roots of a matching function, or NULL */
	int64_t tolerance_us;      /* a synchronous callee may end this much after the
				    * time its caller's path moves on (log clocks) */
};

void gr_cp_opts_init(struct gr_cp_opts *o);
void gr_cp_init(struct gr_cp *cp);
void gr_cp_release(struct gr_cp *cp);

/*
 * Critical paths of every root of g (or of o->root). g is indexed here if it is not
 * yet. Iterative, O(sum over roots of |R| + its edges); no recursion. Returns 0,
 * GR_ERR_NOMEM, or GR_ERR_USAGE when o->root is not a root of g (err says which).
 */
int gr_cp_workflow(struct gr_graph *g, const struct gr_cp_opts *o, struct gr_cp *cp,
		   struct gr_error *err);

/* ---------------------------------------------------------------------------
 * What if (gammaray-critpath --what-if, gammaray-critpath(1) WHAT IF): a change to
 * functions or hops replayed through the graph in causal order, then the workflow
 * critical paths found again on the changed graph.
 */

enum gr_cp_change_op {
	GR_CP_NO_COLD,      /* no-cold-starts=FN: init and restore of FN's invocations gone */
	GR_CP_SPEED,        /* faster=FN:F, slower=FN:F: FN's own execution time x factor */
	GR_CP_DELAY_SET,    /* delay=KIND:TIME: the trigger delay of KIND's edges set */
	GR_CP_DELAY_SCALE,  /* delay=KIND:xF: ... multiplied by factor */
	GR_CP_REMOVE,       /* remove=FN: FN's invocations, and what only they reach, gone */
};

/* One parsed CHANGE. */
struct gr_cp_change {
	const char *spec;   /* the text given (not owned) */
	enum gr_cp_change_op op;
	const char *fn;     /* the function (into spec), NULL for delay changes */
	size_t fn_len;      /* its length */
	enum gr_kind kind;  /* delay changes: the edge kind */
	double factor;      /* GR_CP_SPEED: multiplies own execution time (faster=FN:2:
			     * 0.5); GR_CP_DELAY_SCALE: multiplies the delay */
	int64_t us;         /* GR_CP_DELAY_SET: the delay */
};

/* Parse one CHANGE (the grammar in gammaray-critpath(1)). 0, or GR_ERR_USAGE with
 * err naming what is wrong. c->spec and c->fn point into spec. */
int gr_cp_change_parse(const char *spec, struct gr_cp_change *c, struct gr_error *err);

/* GR_ERR_USAGE, naming the graph's functions, when a change names a function no
 * invocation of g has; else 0 (or GR_ERR_NOMEM). */
int gr_cp_change_check(const struct gr_graph *g, const struct gr_cp_change *ch, size_t nch,
		       struct gr_error *err);

/* What a replay did beyond the plain change. */
struct gr_cp_replay_stats {
	uint64_t removed;   /* invocations removed (remove=FN and what only they reach) */
	uint64_t unmoved;   /* invocations without a start or an end, or ending before they
			     * start: kept as they were (what they caused moves only by its
			     * other causes) */
	uint64_t forced;    /* invocations replayed out of causal order: a cycle, or times
			     * that contradict the edges (the missing inputs taken as kept) */
};

/*
 * The changed graph: out gets g's nodes (same indices, the changed times; a removed
 * invocation keeps its slot without times) and g's edges between live invocations
 * (same order, the changed cause_us and delay_us), indexed. Strings and the id map
 * are g's, shared: out lives no longer than g and is freed with gr_cp_replay_free,
 * never gr_graph_release. tolerance_us: calls to synchronous callees this much
 * before the previous one returned are taken as made one after the other (log clocks).
 * Linear in g's size (sorting each caller's callees aside). 0 or GR_ERR_NOMEM.
 */
int gr_cp_replay(const struct gr_graph *g, const struct gr_cp_change *ch, size_t nch,
		 int64_t tolerance_us, struct gr_graph *out, struct gr_cp_replay_stats *st);
void gr_cp_replay_free(struct gr_graph *out);

/* Latency before and after of one run. */
struct gr_cp_wi_run {
	uint32_t before;    /* run in gr_cp_whatif.before */
	uint32_t after;     /* run in gr_cp_whatif.after, GR_NONE when its root is removed */
	int64_t delta_us;   /* after - before latency (0 when removed) */
};

/* Runs of one root function (label ""; every run). */
struct gr_cp_wi_group {
	const char *label;  /* the root's function (gr_cp_node_fn), "" for every run */
	uint64_t runs;      /* runs before */
	uint64_t removed;   /* of which gone after (their root removed) */
	int64_t before[4];  /* latency p50, p95, p99 (gr_pct_i64), max */
	int64_t after[4];   /* the same over the runs left (0 when none is) */
	uint32_t *moved;    /* runs (gr_cp_whatif.runs) whose latency changed: by |change|
			     * descending, then run order */
	size_t nmoved;      /* their number */
};

struct gr_cp_whatif {
	struct gr_graph g;           /* the changed graph (gr_cp_replay) */
	struct gr_cp before, after;  /* critical paths of the input graph and of g */
	struct gr_cp_replay_stats st;/* what the replay did */
	struct gr_cp_wi_run *runs;   /* one per run before, in its order */
	size_t nruns;                /* their number */
	struct gr_cp_wi_group *groups; /* every run, then root functions by runs, name */
	size_t ngroups;              /* their number */
	uint32_t *moved;             /* the groups' moved lists, one after the other */
};

void gr_cp_whatif_init(struct gr_cp_whatif *w);
void gr_cp_whatif_release(struct gr_cp_whatif *w);

/* Critical paths of g (options o, as gr_cp_workflow) before and after the changes,
 * run by run. Returns 0, GR_ERR_NOMEM, or GR_ERR_USAGE (an unknown o->root). */
int gr_cp_whatif(struct gr_graph *g, const struct gr_cp_opts *o, const struct gr_cp_change *ch,
		 size_t nch, struct gr_cp_whatif *w, struct gr_error *err);

/* ---------------------------------------------------------------------------
 * Request critical path (gammaray-critpath --request): per span tree, synchronous
 * children only, CRISP semantics with Jaeger's clipping (see gammaray-critpath(1)).
 */

/* Span kinds, as OpenTelemetry and Jaeger's span.kind tag name them. */
enum gr_span_kind {
	GR_SPAN_UNSET,
	GR_SPAN_INTERNAL,
	GR_SPAN_SERVER,
	GR_SPAN_CLIENT,
	GR_SPAN_PRODUCER,
	GR_SPAN_CONSUMER,
};

/* X-Ray's segments of a Lambda invocation: the service segment (AWS::Lambda) with
 * "Dwell Time" and "Attempt #N" subsegments, and the function segment
 * (AWS::Lambda::Function) whose parent is the service segment. */
enum gr_span_xray {
	GR_XRAY_OTHER,
	GR_XRAY_LAMBDA,         /* origin AWS::Lambda */
	GR_XRAY_FUNCTION,       /* origin AWS::Lambda::Function */
	GR_XRAY_ATTEMPT,        /* an "Attempt #N" subsegment */
};

/* One span (an X-Ray segment or subsegment, a Jaeger or OTLP span). */
struct gr_span {
	const char *trace;      /* trace id ("" when none) */
	const char *id;         /* span id */
	const char *parent_id;  /* parent span id, or NULL */
	const char *svc;        /* service: "svc", else the enclosing X-Ray segment's name */
	const char *op;         /* operation: "name" */
	int64_t start_us;       /* as read, then as sanitised for its tree */
	int64_t end_us;         /* likewise */
	uint32_t parent;        /* parent span index, GR_NONE for a root */
	uint32_t child0, nchild;/* children in gr_spans.child (gr_spans_link) */
	uint32_t seq;           /* order read */
	uint8_t kind;           /* enum gr_span_kind */
	bool follows;           /* the parent reference is FOLLOWS_FROM */
	bool sub;               /* an X-Ray subsegment */
	bool async;             /* caused by its parent without the parent waiting: a root
				 * of its own (parent_id still names the cause) */
	bool orphan;            /* names a parent that was not read: a root */
	bool dropped;           /* outside its parent's interval: off every path */
	bool clipped;           /* its interval was cut to its parent's */
	bool skewed;            /* moved into its client's interval (clock skew) */
	bool error;             /* error, fault or an error status */
	bool inferred;          /* X-Ray inferred segment: the service a call went to */
	uint8_t xray;           /* enum gr_span_xray: the Lambda segments X-Ray writes */
	const char *inv;        /* X-Ray aws.invocation_type, or NULL */
	const char *aws_op;     /* X-Ray aws.operation, or NULL */
};

/* Spans read from event streams, indexed by (trace, id). */
struct gr_spans {
	struct gr_arena arena;  /* every string */
	struct gr_strmap ids;   /* "trace\nid" -> span index */
	struct gr_span *v;      /* spans, in reading order */
	size_t n, cap;          /* used, allocated */
	uint32_t *child;        /* children lists (gr_spans_link) */
	bool linked;            /* parent and child links are valid */
	uint64_t duplicates;    /* records of an id already read (the complete one kept) */
	uint64_t in_progress;   /* segments without an end (unused) */
	uint64_t cycles;        /* parent cycles cut by gr_spans_link (bad data) */
	uint32_t cycle_span;    /* the span that closed the first of them */
};

void gr_spans_init(struct gr_spans *s);
void gr_spans_release(struct gr_spans *s);

/*
 * Read the segment records of an event stream (gammaray-events(5)). The header is
 * counted as GR_SKIP_STREAM_HEADER, other record types and segments still in
 * progress as GR_SKIP_UNUSED, repeated ids as GR_SKIP_DUPLICATE (the first complete
 * one is kept), bad lines as lost, in st; diag sees each loss.
 * Returns 0 or a negative enum gr_err (a wrong stream, out of memory, I/O).
 */
int gr_spans_read(struct gr_spans *s, struct gr_reader *r, struct gr_stats *st,
		  void (*diag)(void *ctx, int severity, const struct gr_error *e), void *ctx,
		  struct gr_error *err);

/* Resolve parents, mark asynchronous children and orphans, build child lists. */
int gr_spans_link(struct gr_spans *s);

/* One span on a request critical path. */
struct gr_cp_item {
	uint32_t span;          /* span index */
	uint32_t depth;         /* 0 for the root */
	int64_t self_us;        /* CRISP exclusive time: duration minus the durations of its
				 * critical children, at least 0 */
};

/* A piece of the timeline: span `span` was critical in [start_us, end_us). */
struct gr_cp_section {
	uint32_t span;          /* span index */
	int64_t start_us, end_us; /* the interval, start_us < end_us */
};

struct gr_cp_req_run {
	uint32_t root;          /* span index of the root */
	int64_t latency_us;     /* the root's duration */
	uint32_t item0, nitem;  /* critical spans, by start time (parents first) */
	uint32_t sec0, nsec;    /* sections, in time order */
	uint32_t spans;         /* spans in the tree (synchronous descendants) */
	uint32_t dropped;       /* of which dropped by sanitising */
};

struct gr_cp_req {
	struct gr_cp_req_run *runs; /* by trace id, then root start, then root id */
	size_t nruns, cap_runs;     /* used, allocated */
	struct gr_cp_item *items;   /* every run's critical spans */
	size_t nitems, cap_items;   /* used, allocated */
	struct gr_cp_section *secs; /* every run's sections */
	size_t nsecs, cap_secs;     /* used, allocated */
};

struct gr_cp_req_opts {
	double overlap;         /* sibling overlap accepted as happens-before, as a fraction
				 * of the parent's duration (CRISP: 0.01) */
	double lengthening;     /* a server child may be this much longer than its client
				 * and is moved, not clipped (CRISP: 1.01) */
	const char *root;       /* only the tree of this span id, or NULL */
};

void gr_cp_req_opts_init(struct gr_cp_req_opts *o);
void gr_cp_req_init(struct gr_cp_req *r);
void gr_cp_req_release(struct gr_cp_req *r);

/* Request critical paths of every root of s (linked here when not yet). Sanitising
 * changes the spans' times. Returns 0, GR_ERR_NOMEM or GR_ERR_USAGE (o->root is not
 * a root). */
int gr_cp_request(struct gr_spans *s, const struct gr_cp_req_opts *o, struct gr_cp_req *out,
		  struct gr_error *err);

/* ---------------------------------------------------------------------------
 * Across runs: per group (all runs, and per root function) and per row (a function,
 * an edge kind, cold starts, or a request's "[svc] op"), how often it is on the
 * critical path and its share of the latency.
 */
enum gr_cp_row {
	GR_CP_ROW_FN,       /* a function's own time (init, restore and exec) */
	GR_CP_ROW_INIT,     /* cold starts, every function */
	GR_CP_ROW_HOP,      /* trigger delay of an edge kind; synchronous invokes apart */
	GR_CP_ROW_OP,       /* request mode: "[svc] op" exclusive time */
	GR_CP_ROW_RESTORE,  /* SnapStart restores, every function */
};

struct gr_cp_stat_row {
	const char *label;      /* function, kind or "[svc] op" (arena) */
	uint32_t group;         /* index into gr_cp_stats.groups */
	uint8_t row;            /* enum gr_cp_row */
	uint64_t runs;          /* runs where it is on the path */
	int64_t total_us;       /* its time over every run */
	float *shares;          /* per such run: its time / latency */
	size_t nshares, cap;    /* used, allocated */
};

struct gr_cp_stat_group {
	const char *label;      /* "" for every run, else the root's function */
	uint64_t runs;          /* runs in the group */
	int64_t total_us;       /* sum of latencies */
	int64_t *lat;           /* every run's latency (for percentiles) */
	size_t nlat, cap;       /* used, allocated */
};

struct gr_cp_stats {
	struct gr_arena arena;          /* labels and keys */
	struct gr_strmap keys;          /* group index bytes + row + label -> row;
					 * "\x1e" + label -> group */
	struct gr_cp_stat_row *rows;    /* every (group, row, label) seen */
	size_t nrows, cap_rows;         /* used, allocated */
	struct gr_cp_stat_group *groups;/* every run (""), then each root label */
	size_t ngroups, cap_groups;     /* used, allocated */
	struct { uint32_t row; int64_t us; } *cur; /* the current run's contributions */
	size_t ncur, cap_cur;           /* used, allocated */
	uint32_t cur_group;             /* the current run's root group */
	int64_t cur_lat;                /* the current run's latency */
	struct gr_buf key;              /* scratch */
	int err;                        /* sticky GR_ERR_NOMEM */
};

void gr_cp_stats_init(struct gr_cp_stats *s);
void gr_cp_stats_release(struct gr_cp_stats *s);
/* Feed one run: begin, add its time per row (repeats add up), end. */
void gr_cp_stats_begin(struct gr_cp_stats *s, const char *root_label, int64_t latency_us);
void gr_cp_stats_add(struct gr_cp_stats *s, enum gr_cp_row row, const char *label, int64_t us);
void gr_cp_stats_end(struct gr_cp_stats *s);
/* Sort every row's shares and group's latencies, and order rows: group, then total
 * time descending, then label. Returns 0 or s->err. */
int gr_cp_stats_finish(struct gr_cp_stats *s);

/* Feed every run of cp / req. */
int gr_cp_stats_workflow(struct gr_cp_stats *s, const struct gr_graph *g, const struct gr_cp *cp);
int gr_cp_stats_request(struct gr_cp_stats *s, const struct gr_spans *sp, const struct gr_cp_req *r);

/* Graph streams (none: "-"), one after the other, into g; an unreadable input is
 * counted lost and skipped. 0 or a negative enum gr_err. */
struct gr_critpath_opts;
int gr_critpath_read_graph(const struct gr_critpath_opts *o, const char *const *paths,
			   size_t npaths, struct gr_graph *g, struct gr_stats *st,
			   struct gr_error *err);

/* ---------------------------------------------------------------------------
 * Money (gammaray-critpath --cost, critpath_cost.c): each invocation's cost
 * (gr_node_cost), summed per run, per root function and per function. A run holds
 * R, every invocation its root reaches; those on its critical path (the path's
 * invocations and the synchronous callees it descends into) are "on the path", the
 * others "off it": their money buys no latency. An invocation reached from two roots
 * counts in both runs. Invocations of unknown cost are counted, never priced at 0.
 */
struct gr_cp_money {
	gr_u128 path;           /* pico-dollars on the critical path (known costs) */
	gr_u128 off;            /* ...off it */
	uint64_t n_path, n_off; /* invocations on it and off it */
	uint64_t unknown_path;  /* of which of unknown cost, on it */
	uint64_t unknown_off;   /* ...off it */
};

/* A root function's runs ("" for every run), or a function's invocations. */
struct gr_cp_cost_row {
	const char *label;      /* root function, function or "" (arena) */
	uint64_t runs;          /* groups: runs */
	struct gr_cp_money m;   /* their money */
};

struct gr_cp_cost {
	int64_t *node;          /* per graph node: pico-dollars, -1 unknown */
	struct gr_cp_money *runs; /* per run of the gr_cp */
	gr_u128 total;          /* every invocation of the graph once: known costs */
	uint64_t known, unknown;/* invocations of the graph of known and unknown cost */
	struct gr_cp_cost_row *groups; /* every run (""), then root functions as met */
	size_t ngroups, cap_groups;    /* used, allocated */
	struct gr_cp_cost_row *fns;    /* functions, by cost over the runs descending */
	size_t nfns, cap_fns;          /* used, allocated */
	struct gr_strmap map;   /* "g" + root function / "f" + function -> index */
	struct gr_arena arena;  /* keys and labels */
};

void gr_cp_cost_init(struct gr_cp_cost *c);
void gr_cp_cost_release(struct gr_cp_cost *c);
/* Price every node of g and sum over the runs of cp. 0 or GR_ERR_NOMEM. */
int gr_cp_cost_build(struct gr_cp_cost *c, const struct gr_graph *g, const struct gr_cp *cp,
		     struct gr_prices *p);
/* The group of a root function label (gr_cp_stats' labels; "" every run), or NULL. */
const struct gr_cp_cost_row *gr_cp_cost_group(const struct gr_cp_cost *c, const char *label);
/* Text for the report (appended to b): the graph's line; a group's line (indented,
 * after the group's header); a run's ", cost $X ($Y off the path)"; the table of cost
 * by function. Return 0 or GR_ERR_NOMEM. */
int gr_cp_cost_text_graph(struct gr_buf *b, const struct gr_cp_cost *c);
int gr_cp_cost_text_group(struct gr_buf *b, const struct gr_cp_cost_row *g);
int gr_cp_cost_text_run(struct gr_buf *b, const struct gr_cp_cost *c, size_t run);
int gr_cp_cost_text_fns(struct gr_buf *b, const struct gr_cp_cost *c, bool bold);
/* JSON: a run's "cost" object; a path hop's "cost_pico" (null when unknown). */
void gr_cp_cost_json_run(struct gr_jw *w, const struct gr_cp_cost *c, size_t run);
/* The same object for any sum (a run, a group). */
void gr_cp_cost_json_money(struct gr_jw *w, const char *key, const struct gr_cp_money *m);
void gr_cp_cost_json_node(struct gr_jw *w, const struct gr_cp_cost *c, uint32_t node);
/* A u128 number as a JSON member (exact, beyond 64 bits too). */
void gr_cp_cost_json_u128(struct gr_jw *w, const char *key, gr_u128 v);

/* ---------------------------------------------------------------------------
 * Renderers: write whole lines through write(ctx, p, n); return 0 or its error.
 */
struct gr_cp_render {
	int (*write)(void *ctx, const char *p, size_t n); /* the output */
	void *ctx;              /* write's first argument */
	bool color;             /* ANSI colour (text) */
	bool slack;             /* JSON: slack entries */
	int top;                /* text: slowest runs listed */
	const char *root;       /* chrome trace: this root; NULL: the slowest run */
	const struct gr_cp_cost *cost; /* text and JSON: money too, or NULL */
};

/* A duration as gr_duration_format writes it; "-" when negative (unknown). */
void gr_cp_human_us(int64_t us, char *out, size_t size);
/* The label of a node: its function, else its request id. */
const char *gr_cp_node_label(const struct gr_node *n);
/* The function of a node for per-function rows: its function, else one
 * "(unknown function)" for all the invocations no input named. */
const char *gr_cp_node_fn(const struct gr_node *n);

int gr_cp_write_json(const struct gr_cp_render *o, const struct gr_graph *g, const struct gr_cp *cp);
int gr_cp_write_text(const struct gr_cp_render *o, const struct gr_graph *g, const struct gr_cp *cp,
		     const struct gr_cp_stats *st);
int gr_cp_write_folded(const struct gr_cp_render *o, const struct gr_graph *g, const struct gr_cp *cp);
int gr_cp_write_chrome(const struct gr_cp_render *o, const struct gr_graph *g, const struct gr_cp *cp,
		       struct gr_error *err);

/* --what-if: the report (per root function: latency before and after, the runs that
 * changed most with their new path, the new shares), or one JSON object per root
 * function. st: gr_cp_stats_workflow over w->g and w->after. */
int gr_cp_write_whatif_text(const struct gr_cp_render *o, const struct gr_graph *g,
			    const struct gr_cp_whatif *w, const struct gr_cp_stats *st,
			    const struct gr_cp_change *ch, size_t nch);
int gr_cp_write_whatif_json(const struct gr_cp_render *o, const struct gr_graph *g,
			    const struct gr_cp_whatif *w, const struct gr_cp_stats *st,
			    const struct gr_cp_change *ch, size_t nch);

int gr_cp_req_write_json(const struct gr_cp_render *o, const struct gr_spans *s,
			 const struct gr_cp_req *r);
int gr_cp_req_write_text(const struct gr_cp_render *o, const struct gr_spans *s,
			 const struct gr_cp_req *r, const struct gr_cp_stats *st);
int gr_cp_req_write_folded(const struct gr_cp_render *o, const struct gr_spans *s,
			   const struct gr_cp_req *r);
int gr_cp_req_write_chrome(const struct gr_cp_render *o, const struct gr_spans *s,
			   const struct gr_cp_req *r, struct gr_error *err);

#endif
