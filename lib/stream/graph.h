/* graph.h: the causal graph of invocations and its NDJSON stream, gammaray-graph(5) (lib-internal). */
#ifndef GR_GRAPH_H
#define GR_GRAPH_H

#include <stdbool.h>
#include <stdint.h>

#include "common/buf.h"
#include "gammaray.h"
#include "common/jsonw.h"
#include "stream/events.h"
#include "common/strmap.h"

#define GR_GRAPH_VERSION 1
#define GR_NONE UINT32_MAX /* no node / no edge */

/* The service through which a cause triggered an effect. */
enum gr_kind {
	GR_KIND_NONE,
	GR_KIND_S3,
	GR_KIND_DYNAMODB,
	GR_KIND_SNS,
	GR_KIND_SQS,
	GR_KIND_KINESIS,
	GR_KIND_LAMBDA,
	GR_KIND_EVENTS,
	GR_KIND_SFN,
	GR_KIND_COUNT
};

/* "s3", "dynamodb"... (the marker contract's svc names); NULL for NONE. */
const char *gr_kind_name(enum gr_kind k);
/* GR_KIND_NONE when s is not a kind name. */
enum gr_kind gr_kind_parse(const char *s, size_t n);

/* How an invocation's execution environment started (gammaray-graph(5) "start"). */
enum gr_start {
	GR_START_WARM,        /* reused: no init (written as an absent "start") */
	GR_START_COLD,        /* a new environment: init ran */
	GR_START_RESTORE,     /* SnapStart: restored from a snapshot */
	GR_START_FAILED_INIT, /* its init failed or timed out and ran again in the invoke phase */
	GR_START_COUNT
};

/* "warm", "cold", "restore", "failed-init". */
const char *gr_start_name(enum gr_start s);

/* One invocation. Strings live in the graph's arena. */
struct gr_node {
	const char *id;         /* Lambda request id */
	const char *fn;         /* function name, or NULL when unknown */
	const char *trace;      /* X-Ray trace id, or NULL */
	const char *stream;     /* log stream (execution environment), or NULL */
	const char *runtime;    /* its runtime version ("java:21.v38"), or NULL */
	int64_t start_us;       /* START - init - restore: cold-start init included */
	int64_t end_us;         /* start_us + init + restore + Duration */
	int64_t init_us;        /* init duration, 0 when warm */
	int64_t restore_us;     /* SnapStart restore duration, 0 when not restored */
	enum gr_start start;    /* how its environment started */
	int64_t mem_mb;         /* memory size, -1 unknown */
	int64_t billed_us;      /* billed duration, -1 unknown */
	int64_t billed_restore_us; /* SnapStart billed restore duration (within billed_us),
				    * -1 unknown */
	enum gr_status status;  /* ok, error, timeout (NONE: unknown) */
	uint32_t attempts;      /* invocations seen with this request id (async retries) */
	bool cold;              /* first invocation of its execution environment */
	bool critical;          /* on a critical path (gammaray-critpath --annotate) */
	bool stub;              /* only named by an edge: no node record was read */
	uint32_t in, out;       /* first incoming / outgoing edge, GR_NONE (gr_graph_index) */
};

/* One causal edge: `from` caused `to`. */
struct gr_edge {
	uint32_t from, to;      /* node indices */
	enum gr_kind kind;      /* service */
	bool sync;              /* the cause waited for the effect (RequestResponse) */
	bool critical;          /* on a critical path */
	bool dup;               /* the same edge read again (overlapping inputs): left out
				   of the in/out lists (gr_graph_index) */
	const char *evidence;   /* "marker", "xray-parent", "xray-link"... */
	const char *key;        /* what matched ("bucket/key", a message id...), or NULL */
	double confidence;      /* 0..1 */
	int64_t cause_us;       /* when the cause happened (call issued or write done) */
	int64_t delay_us;       /* start of `to` minus cause_us */
	uint32_t next_in;       /* next edge into `to`, GR_NONE (gr_graph_index) */
	uint32_t next_out;      /* next edge out of `from`, GR_NONE */
};

/* Nodes and edges with an id index, plus records kept verbatim for pass-through. */
struct gr_graph {
	struct gr_arena arena;  /* every string of the graph */
	struct gr_strmap ids;   /* request id -> node index */
	struct gr_strmap names; /* strings many records share (functions, log streams,
				   evidence), kept once */
	struct gr_node *nodes;
	size_t nnodes, cap_nodes;
	struct gr_edge *edges;
	size_t nedges, cap_edges;
	char **extra;           /* other records (unmatched...), one line each, no '\n' */
	size_t nextra, cap_extra;
	bool indexed;           /* in/out lists are valid */
	size_t dup_edges;       /* edges read again, out of the lists (gr_graph_index) */
};

void gr_graph_init(struct gr_graph *g);
void gr_graph_release(struct gr_graph *g);

/* Copy a string into the graph's arena (NULL on out of memory). */
const char *gr_graph_str(struct gr_graph *g, const char *s, size_t n);

/*
 * The node with this request id, created (as a stub with unknown times) when new.
 * Returns its index, or GR_NONE when out of memory. g->nodes may move either way.
 */
uint32_t gr_graph_node(struct gr_graph *g, const char *id, size_t n);
/* Index of an existing node, or GR_NONE. */
uint32_t gr_graph_find(const struct gr_graph *g, const char *id, size_t n);
/* Append an edge (copied); its in/out links are set by gr_graph_index. Returns its
 * index or GR_NONE when out of memory. */
uint32_t gr_graph_add_edge(struct gr_graph *g, const struct gr_edge *e);
/*
 * Build the in/out edge lists (edges in index order). An edge read twice (the same
 * from, to, kind, sync, cause and key: overlapping inputs) is linked once, the first
 * in index order; the others are marked dup, counted in dup_edges and left out, so
 * every program counts and follows each causal edge once. 0 or GR_ERR_NOMEM.
 */
int gr_graph_index(struct gr_graph *g);

/*
 * Read a graph stream from r (NDJSON, repeated headers allowed). Unknown record
 * types are kept in g->extra. Bad lines are counted in st (records_in,
 * records_out, reasons) and reported through diag; a wrong header version is an
 * error. Returns 0 or a negative enum gr_err.
 */
struct gr_reader;
int gr_graph_read(struct gr_graph *g, struct gr_reader *r, struct gr_stats *st,
		  void (*diag)(void *ctx, int severity, const struct gr_error *e), void *ctx,
		  struct gr_error *err);

/* The cost of invocation n in pico-dollars (common/prices.h: its function, billed_us,
 * mem_mb, and a SnapStart restore when it started from one) into *pico; false when it
 * is unknown: a node without billing fields (X-Ray or spans only) or a stub. */
bool gr_node_cost(struct gr_prices *p, const struct gr_node *n, int64_t *pico);

/* Writers of each record; the header is {"type":"gammaray-graph","v":1}. */
void gr_graph_write_header(struct gr_jw *w);
void gr_graph_write_node(struct gr_jw *w, const struct gr_node *n);
void gr_graph_write_edge(struct gr_jw *w, const struct gr_graph *g, const struct gr_edge *e);

/*
 * The whole graph in canonical order: header, nodes by (start_us, id) but the stubs
 * (a node record would make them invocations with a record), edges by
 * (cause_us, from id, to id, kind), then the extra records. Calls write with
 * chunks of whole lines. Returns 0 or the first error write returned.
 */
int gr_graph_write(const struct gr_graph *g, int (*write)(void *ctx, const char *p, size_t n),
		   void *ctx);

#endif
