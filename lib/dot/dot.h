/* dot.h: gammaray-dot internals: escaping for Graphviz, runs and selection, the function map, the two views (lib-internal). */
#ifndef GR_DOT_H
#define GR_DOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "gammaray.h"
#include "common/numbers.h"
#include "common/strmap.h"
#include "stream/graph.h"

/* Longest piece of log text (a name, a key) shown in a label or a tooltip; longer ones
 * are cut at a character boundary and end in "...". */
#define GR_DOT_MAX_LABEL_TEXT 120
#define GR_DOT_MAX_TOOLTIP_TEXT 1000

/* ---------------------------------------------------------------------------
 * Text for Graphviz attributes.
 *
 * cgraph quotes what it writes (a '"' becomes \"), but Graphviz then interprets the
 * value: labels expand \N \G \E \T \H \L, \n \l \r and entities such as &amp;, and
 * tooltips (in SVG) undo backslashes twice. These writers turn arbitrary bytes into a
 * value that Graphviz shows as those bytes: a backslash is doubled in labels and
 * quadrupled in tooltips, '&' becomes &amp;, control characters and bytes that are not
 * UTF-8 show as \n, \r, \t or \xNN, bidirectional and zero-width characters as \uXXXX,
 * and text over `max` bytes is cut with "...".
 */
enum gr_dot_text {
	GR_DOT_LABEL,   /* label, xlabel, headlabel, taillabel */
	GR_DOT_TOOLTIP, /* tooltip (also edgetooltip...) */
};

/* Append the shown form of s[0..n) (NULL s: nothing). 0 or GR_ERR_NOMEM/LIMIT. */
int gr_dot_text(struct gr_buf *b, enum gr_dot_text mode, const char *s, size_t n, size_t max);
/* gr_dot_text of a C string with the default maximum of the mode. */
int gr_dot_texts(struct gr_buf *b, enum gr_dot_text mode, const char *s);
/* A line break inside a label or tooltip. */
int gr_dot_newline(struct gr_buf *b);

/* Length of the valid UTF-8 sequence at s[0..n), 0 when s does not start with one
 * (overlong forms, surrogates and code points above U+10FFFF are not valid). */
size_t gr_utf8_seq(const unsigned char *s, size_t n);


/* gr_dot on a graph already read (st holds its reading counts and is updated). */
int gr_dot_graph(const struct gr_dot_opts *o, struct gr_graph *g, struct gr_stats *st,
		 struct gr_dot_summary *sum, struct gr_error *err);
/* The same, given the function map of the whole graph (gr_fmap_build with every node
 * and edge) that the caller built and keeps: the function view draws it when every run
 * is selected rather than build its own (gammaray-report's page shows the same map). */
struct gr_fmap;
int gr_dot_graph_map(const struct gr_dot_opts *o, struct gr_graph *g, const struct gr_fmap *fm,
		     struct gr_stats *st, struct gr_dot_summary *sum, struct gr_error *err);

/* ---------------------------------------------------------------------------
 * Runs. Every invocation has at most one primary parent: of its incoming edges, the
 * one with the highest confidence, then synchronous before asynchronous, then the
 * earliest cause, then the smallest cause request id. Following primary parents
 * leads to a root (an invocation without incoming edges, or the first one met again
 * on a cycle of bad data); a run is a root and every invocation whose primary parents
 * lead to it. Runs partition the invocations even when batches fan in.
 */
struct gr_dot_run {
	uint32_t root;     /* node index of the root */
	int64_t start_us;  /* earliest known start in the run, INT64_MAX when none known */
	int64_t end_us;    /* latest known end, INT64_MIN when none known */
	uint32_t count;    /* invocations in the run */
	uint32_t first;    /* first member in gr_dot_model.members */
	uint32_t errors;   /* invocations that failed or timed out */
	bool selected;     /* chosen by the selection options */
	bool ordered;      /* its members are in time order (gr_dot_run_order) */
};

/* The graph with its runs, the selection and what is drawn. */
struct gr_dot_model {
	struct gr_graph *g;       /* the graph (not owned), indexed */
	uint32_t *parent;         /* per node: primary parent edge, or GR_NONE */
	uint32_t *run_of;         /* per node: run index (into runs, sorted) */
	struct gr_dot_run *runs;  /* by (start_us, root request id) */
	size_t nruns;             /* entries of runs */
	uint32_t *members;        /* node indices grouped by run, each run by (start_us, id) */
	uint32_t *edges;          /* edge indices in canonical order, exact duplicates left out */
	size_t nedges;            /* entries of edges */
	size_t dup_edges;         /* exact duplicate edge records left out */
	uint8_t *keep;            /* per node: 1 selected, 0 filtered out */
	size_t nkeep;             /* invocations selected */
	size_t runs_selected;     /* runs selected */
};

/* Build runs and the canonical edge order of an indexed graph. 0 or GR_ERR_NOMEM. */
int gr_dot_model_init(struct gr_dot_model *m, struct gr_graph *g);
/* Put run k's members in time order (start, then request id; unknown starts last), once:
 * only the invocation view needs it, for the runs it draws. */
void gr_dot_run_order(struct gr_dot_model *m, size_t k);
void gr_dot_model_release(struct gr_dot_model *m);
/* Apply the selection options of o (runs by root, trace, function and time); with no
 * selection option every run is selected. GR_ERR_USAGE when a --root id is unknown. */
int gr_dot_model_select(struct gr_dot_model *m, const struct gr_dot_opts *o, struct gr_error *err);
/* Request ids compare by bytes; start times first, unknown ones last. */
int gr_dot_node_cmp(const struct gr_graph *g, uint32_t a, uint32_t b);

/*
 * The service resource an edge went through, for the function view's service nodes:
 * the text of key before its first '/', ' ', '{', '#', '|' or ':' ("photos/a.jpg" is
 * bucket "photos"), after an ARN's "arn:...:...:...:...:" and "table/", "stream/" or
 * "event-bus/", or after a queue URL's host and account. NULL (and *len 0) for Lambda
 * calls and for keys that are a bare id (a message id without separator): those go
 * through one unnamed node per kind.
 */
const char *gr_dot_resource(enum gr_kind kind, const char *key, size_t *len);

/* ---------------------------------------------------------------------------
 * The function map: the graph grouped as the function view draws it and
 * gammaray-report's map shows it (the page finds the view's nodes by their ids, so
 * both take the grouping, the order and the names from here). One node per function
 * (those without a name in one "unknown function" node, those only named by edges in
 * one "no record" node), one per service resource (its kind and gr_dot_resource of the
 * edge's key). A Lambda call joins two functions by one link; any other edge goes
 * through its service node by two (caller -> service, service -> callee). Links are
 * keyed by (from, to, kind, sync).
 */
enum gr_fmap_type {
	GR_FMAP_NAMED,      /* a function with a name */
	GR_FMAP_UNKNOWN,    /* invocations of no known function */
	GR_FMAP_NO_RECORD,  /* invocations only named by edges (stubs) */
	GR_FMAP_SERVICE,    /* a service resource */
};

/* A node of the map: a function or a service resource. */
struct gr_fmap_node {
	enum gr_fmap_type type; /* what it is */
	const char *name;       /* function or resource (NULL: unknown, unnamed) */
	size_t name_len;        /* bytes of name */
	enum gr_kind kind;      /* services: their kind; functions: GR_KIND_NONE */
	uint32_t count;         /* functions: invocations; services: causal edges through */
	uint32_t cold;          /* functions: cold starts */
	uint32_t restores;      /* functions: SnapStart restores */
	uint32_t errors;        /* functions: invocations that failed */
	uint32_t timeouts;      /* functions: invocations that timed out */
	uint32_t critical;      /* invocations (services: edges) on a critical path */
	const char *runtime;    /* functions: the runtime of the first invocation that
				   names one (graph order), or NULL */
	uint32_t other_runtime; /* functions: invocations naming another runtime */
	size_t dur_at, ndur;    /* durations (end - start - init - restore of the
				   invocations with both times): slice of durs, sorted */
	char id[16];            /* its name in the view and the page: "f1".., "s1".. */
};

/* Causal edges between two map nodes, of one kind and mode. */
struct gr_fmap_link {
	uint32_t from, to;      /* map node indices */
	enum gr_kind kind;      /* service */
	bool sync;              /* caller waited */
	bool consumer;          /* ends at a function: its trigger delays are kept */
	uint32_t count;         /* causal edges */
	uint32_t critical;      /* of which on a critical path */
	size_t del_at, ndel;    /* consumers: the edges' delays, slice of dels, sorted */
};

struct gr_fmap {
	struct gr_fmap_node *nodes; /* in display order: named functions by name, the
				       unknown, the unrecorded, then services by kind, name */
	size_t nnodes, cap_nodes;   /* used, allocated */
	struct gr_fmap_link *links; /* in the order their first edge was met */
	size_t nlinks, cap_links;   /* used, allocated */
	uint32_t *link_order;       /* link indices in display order: by from, to, kind, sync */
	uint32_t *fn_of;            /* per graph node: its map node, GR_NONE when left out */
	uint32_t *link_of;          /* per graph edge e, two: [2e] its link from the caller,
				       [2e + 1] its link to the callee through the service
				       (GR_NONE for Lambda calls); both GR_NONE when not taken */
	int64_t *durs, *dels;       /* durations and delays, sliced per node and link */
	size_t taken;               /* edges taken: both ends kept */
	size_t outside;             /* edges with only one end kept */
	struct gr_arena arena;      /* service names */
};

/*
 * Build the map of g (edge endpoints resolved) into fm: the nodes with keep[i] set
 * (keep NULL: every node), and of edges[0..nedges) (edges NULL: every edge of g, in
 * index order) those whose both ends are kept, each edge read twice once (the dup
 * edges of gr_graph_index left out); an edge with one end kept counts as outside. 0 or GR_ERR_NOMEM; release fm either way.
 */
int gr_fmap_build(struct gr_fmap *fm, const struct gr_graph *g, const uint8_t *keep,
		  const uint32_t *edges, size_t nedges);
void gr_fmap_release(struct gr_fmap *fm);

/* ---------------------------------------------------------------------------
 * Building the Graphviz graph. The Agraph_t is opaque here so that only lib/dot*.c
 * include cgraph.h.
 */
struct gr_dot_build {
	const struct gr_dot_opts *o;   /* options */
	struct gr_dot_model *m;        /* model */
	const struct gr_fmap *fmap;    /* the caller's map of the whole graph, or NULL */
	void *g;                       /* Agraph_t * being built */
	struct gr_buf t;               /* scratch text */
	struct gr_dot_summary *sum;    /* counts of what was drawn */
	uint64_t not_shown;            /* node and edge records pruned (GR_SKIP_NOT_SHOWN) */
	int err;                       /* first error (enum gr_err) */
	char errmsg[200];              /* what it was */
};

/* The views: fill b->g from b->m. 0 or a negative enum gr_err with b->errmsg. */
int gr_dot_build_invocations(struct gr_dot_build *b);
int gr_dot_build_functions(struct gr_dot_build *b);

/* Shared by the views (dot_attr.c). */
/* Set attribute name of a node, edge or graph object to b->t's text ("" clears). */
void gr_dot_set(struct gr_dot_build *b, void *obj, const char *name, const char *value);
/* The same for b->t. */
void gr_dot_set_text(struct gr_dot_build *b, void *obj, const char *name);
/* Add the legend cluster for the view. */
void gr_dot_legend(struct gr_dot_build *b, bool functions);
/* A note node with b->t as its label. */
void gr_dot_note(struct gr_dot_build *b, const char *name);

/* Mark back[i] for the edges tail[i] -> head[i] that close a cycle in a depth-first
 * search started from the nodes in index order (self loops too): drawn with
 * constraint=false they no longer bend the ranking. 0 or GR_ERR_NOMEM. */
int gr_dot_back_edges(size_t nn, const uint32_t *tail, const uint32_t *head, size_t ne,
		      uint8_t *back);

/* The Graphviz context (a GVC_t *, one per process) to render an SVG with: the dot
 * layout, the core renderers and label widths of DejaVu Sans (dot_svg.c); Graphviz's
 * default context when its plugins cannot be opened. */
struct GVC_s *gr_dot_svg_context(void);
/* The width of one line of UTF-8 text in ems, as that context sizes labels. */
double gr_dot_text_width(const char *s);

/* Write the cgraph graph (an Agraph_t *) as DOT through write, in one linear pass:
 * graph, node and edge defaults, each subgraph with its nodes and edges in creation
 * order, then the other nodes and edges. 0 or the first error; *bytes gets the size. */
int gr_dot_write(void *graph, int (*write)(void *ctx, const char *p, size_t n), void *ctx,
		 size_t *bytes);


#endif
