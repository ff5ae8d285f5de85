/* report.h: gammaray-report internals: the report's model of a graph and its HTML page (lib-internal). */
#ifndef GR_REPORT_H
#define GR_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "critpath/critpath.h"
#include "dot/dot.h"
#include "gammaray.h"
#include "stream/graph.h"

/* Invocations of one detailed run shown in its timeline at most; more are counted. */
#define GR_REPORT_MAX_RUN_NODES 2000
/* Invocations in all the timelines of a page together at most (the page's size: about
 * 150 bytes each); a run's critical path is shown whatever is left. */
#define GR_REPORT_MAX_DETAIL_NODES 30000
/* Unmatched evidence records copied into the page; the rest are only counted. */
#define GR_REPORT_MAX_UNMATCHED 200
#define GR_REPORT_MAX_GROUPS 64 /* unmatched evidence grouped by what and kind */

/* Lists of runs: each holds the top N of its kind, with per-run detail. */
enum gr_report_list {
	GR_REPORT_SLOWEST,  /* by latency, descending */
	GR_REPORT_FAILED,   /* an invocation reachable from the root failed or timed out */
	GR_REPORT_COLD,     /* a cold start (init or restore) on the critical path */
	GR_REPORT_RETRY,    /* an invocation on the path was attempted more than once */
	GR_REPORT_LIST_COUNT
};

/* Flags of a run (bits of gr_report_run.flags). */
enum {
	GR_REPORT_F_FAILED = 1 << 0,   /* something reachable failed or timed out */
	GR_REPORT_F_COLD = 1 << 1,     /* a cold start or restore on the path */
	GR_REPORT_F_RETRY = 1 << 2,    /* a retried invocation on the path */
	GR_REPORT_F_DETAIL = 1 << 3,   /* per-run detail is in the page */
};

/* One run: a root's critical path (gr_cp.runs[cp]) and what the lists need. */
struct gr_report_run {
	uint32_t cp;        /* index into gr_cp.runs */
	uint32_t errors;    /* reachable invocations that failed or timed out */
	uint32_t flags;     /* GR_REPORT_F_* */
	uint32_t detail;    /* index among the detailed runs, GR_NONE when none */
};

/* Records a graph stream carries besides nodes and edges. */
enum { GR_REPORT_X_OTHER, GR_REPORT_X_UNMATCHED, GR_REPORT_X_STATS };

/* Everything the page shows, built from one graph. */
struct gr_report {
	struct gr_graph *g;           /* the graph (not owned), indexed and marked */
	struct gr_cp *cp;             /* its critical paths (not owned) */
	struct gr_cp_stats *cs;       /* shares on the path (not owned) */
	struct gr_report_run *runs;   /* one per cp run, in cp order */
	size_t nruns;                 /* entries of runs */
	uint32_t *lists[GR_REPORT_LIST_COUNT]; /* run indices of each list, top N */
	size_t nlist[GR_REPORT_LIST_COUNT];    /* entries of each list */
	uint64_t nflag[GR_REPORT_LIST_COUNT];  /* runs of each kind, listed or not */
	uint32_t *detail;             /* run indices with detail, by latency descending */
	size_t ndetail;               /* entries of detail */
	uint32_t *index;              /* run indices in the search index (slowest first) */
	size_t nindex;                /* entries of index */
	struct gr_fmap map;           /* the application map: every node and edge, as
					 lib/dot's function view groups, orders and names
					 them (the page finds the SVG's nodes by the ids) */
	uint8_t *extra_type;          /* per record of g->extra: GR_REPORT_X_* */
	uint64_t unmatched;           /* unmatched evidence records */
	struct gr_report_group {      /* unmatched evidence by what and kind (each cut to
					 31 bytes), in the order first met; the records
					 past GR_REPORT_MAX_GROUPS groups are in none */
		char what[32], kind[32];
		uint64_t n;
	} groups[GR_REPORT_MAX_GROUPS];
	size_t ngroups;               /* entries of groups */
	uint64_t others;              /* other records kept verbatim (not stats, unmatched) */
	int top;                      /* runs per list */
	size_t max_index;             /* runs in the search index at most */
	const struct gr_cp_cost *cost;/* what the runs cost (not owned), or NULL */
	bool prices_from_file;        /* the prices came from a file, not the defaults */
};

/* Build the model in two steps, g marked by gr_cp_workflow (opts.mark): begin (the
 * graph indexed, the map built: what the map's picture needs, drawn meanwhile), then
 * build (the runs, their lists, the records kept), cs finished. 0 or GR_ERR_NOMEM;
 * release r either way once begun. */
int gr_report_begin(struct gr_report *r, struct gr_graph *g, struct gr_cp *cp, int top,
		    size_t max_index);
int gr_report_build(struct gr_report *r, struct gr_cp_stats *cs);
void gr_report_release(struct gr_report *r);

/*
 * Append JSON text to out so that it can sit inside <script type="application/json">:
 * '<', '>' and '&' become \u003c, \u003e, \u0026, and U+2028, U+2029 (line breaks to
 * old JavaScript), the bidirectional controls U+202A..U+202E, U+2066..U+2069 and the
 * zero-width U+200B..U+200F become \u escapes too. JSON has those bytes only inside
 * strings, where the escapes mean the same characters, so the text parses to the same
 * value, no input can end the element, and no name can reorder the file's text.
 * 0 or GR_ERR_NOMEM/LIMIT.
 */
int gr_report_json_for_html(struct gr_buf *out, const char *json, size_t n);

/*
 * The page's data: one JSON object into json, left open for gr_report_page (the map's
 * SVG goes last). 0 or a negative enum gr_err (err says which).
 */
int gr_report_data(struct gr_buf *json, const struct gr_report *r, const struct gr_stats *st,
		   struct gr_error *err);
/*
 * The page: the HTML head, style and script (report_assets.c), the data of
 * gr_report_data (json, closed here with "svg": svg[0..n), null when svg is NULL) as
 * one JSON element. Appends to out. 0 or a negative enum gr_err.
 */
int gr_report_page(struct gr_buf *out, struct gr_buf *json, const char *svg, size_t n,
		   struct gr_error *err);
/* The same in two parts, so the first can be written while the map is still drawn:
 * the head (everything before the SVG: the HTML head, style, and the data of json) and
 * the tail (the SVG, which closes the data, and the script). Each appends to out. */
int gr_report_page_head(struct gr_buf *out, const struct gr_buf *json, struct gr_error *err);
int gr_report_page_tail(struct gr_buf *out, const char *svg, size_t n, struct gr_error *err);

/* The page's static parts, generated from report_page.css and report_page.js. */
extern const char gr_report_css[];
extern const char gr_report_js[];

/* The string members keys[0..n) of a kept record line, read in one pass, into
 * out[0..n): the last of repeated ones, keys decoded as jansson matches them, values
 * decoded into dec when escaped (dec is reset); {NULL, 0} where absent or not a
 * string, and everywhere when the line is not one JSON object. */
void gr_report_members(const char *line, const char *const *keys, size_t n, struct gr_str *out,
		       struct gr_buf *dec);

#endif
