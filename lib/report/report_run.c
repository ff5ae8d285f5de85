/* report_run.c: gammaray-report's run: read the graph, find the paths, draw the map, write the page. */
#include <pthread.h>
#include <string.h>

#include "common/input.h"
#include "common/reader.h"
#include "dot/dot.h"
#include "report/report.h"

void gr_report_opts_init(struct gr_report_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->top = 50;
	o->max_index = GR_REPORT_DEFAULT_MAX_INDEX;
	o->tolerance_us = 1000;
}

static int read_graph(void *ctx, struct gr_input *in, struct gr_error *err)
{
	return gr_graph_read(ctx, &in->r, in->st, gr_input_diag, in, err);
}

static int to_buf(void *ctx, const char *p, size_t n)
{
	return gr_buf_add(ctx, p, n);
}

/* The map, drawn beside the rest: gr_dot_graph only reads the indexed, marked graph
 * and the report's function map. */
struct map_job {
	const struct gr_report_opts *o; /* diag */
	struct gr_graph *g;             /* the graph */
	const struct gr_fmap *fm;       /* its map, built by gr_report_begin */
	struct gr_buf svg;              /* the SVG, empty when Graphviz failed */
	int rc;                         /* 0 or GR_ERR_NOMEM */
};

/* The function view with the critical path in red, as SVG. Graphviz failing is not
 * fatal: the page says the map is missing. */
static int map_svg(const struct gr_report_opts *o, struct gr_graph *g, const struct gr_fmap *fm,
		   struct gr_buf *svg)
{
	struct gr_dot_opts d;
	struct gr_dot_summary ds;
	struct gr_stats scratch = { 0 };
	struct gr_error e = { 0 };

	gr_dot_opts_init(&d);
	d.view = GR_DOT_VIEW_FUNCTIONS;
	d.format = GR_DOT_FORMAT_SVG;
	d.prices = o->prices; /* every function priced already: the cache is only read here */
	d.write = to_buf;
	d.write_ctx = svg;
	d.diag = o->diag;
	d.diag_ctx = o->diag_ctx;
	int rc = gr_dot_graph_map(&d, g, fm, &scratch, &ds, &e);
	if (rc && rc != GR_ERR_NOMEM && o->diag) {
		o->diag(o->diag_ctx, 0, &e);
		gr_buf_reset(svg);
		return 0;
	}
	return rc;
}

static void *map_thread(void *arg)
{
	struct map_job *j = arg;

	j->rc = map_svg(j->o, j->g, j->fm, &j->svg);
	return NULL;
}

int gr_report(const struct gr_report_opts *o, const char *const *paths, size_t npaths,
	      struct gr_stats *st, struct gr_report_summary *sum, struct gr_error *err)
{
	struct gr_input_opts io = { .max_line = o->max_line, .strict = o->strict,
				    .diag = o->diag, .diag_ctx = o->diag_ctx,
				    .progress = o->progress, .progress_ctx = o->progress_ctx };
	struct gr_graph g;
	struct gr_cp cp;
	struct gr_cp_opts co;
	struct gr_cp_stats cs;
	struct gr_cp_cost cost;
	struct gr_report r;
	struct gr_buf json = GR_BUF_INIT, page = GR_BUF_INIT;
	struct map_job job = { .o = o, .g = &g, .svg = GR_BUF_INIT };
	pthread_t th;
	bool threaded = false;
	int rc;

	memset(st, 0, sizeof(*st));
	memset(sum, 0, sizeof(*sum));
	memset(&r, 0, sizeof(r));
	if (!o->write)
		return gr_error_set(err, GR_ERR_USAGE, "no output");
	gr_graph_init(&g);
	gr_cp_init(&cp);
	gr_cp_stats_init(&cs);
	gr_cp_cost_init(&cost);
	gr_cp_opts_init(&co);
	co.mark = true; /* the map's critical path, whether the input was annotated or not */
	co.tolerance_us = o->tolerance_us;
	if ((rc = gr_input_each(&io, paths, npaths, read_graph, &g, st, err)))
		goto out;
	if ((rc = gr_cp_workflow(&g, &co, &cp, err)))
		goto out;
	/* before the map's thread starts: the price table caches each function's prices
	 * as it first meets it, and every function is met here */
	if (o->prices && (rc = gr_cp_cost_build(&cost, &g, &cp, o->prices))) {
		gr_error_set(err, rc, "out of memory");
		goto out;
	}
	if ((rc = gr_report_begin(&r, &g, &cp, o->top, o->max_index))) {
		gr_error_set(err, rc, "out of memory");
		goto out;
	}
	/* the map's layout takes as long as the rest: on a second core when there is one */
	job.fm = &r.map;
	threaded = !pthread_create(&th, NULL, map_thread, &job);
	if ((rc = gr_cp_stats_workflow(&cs, &g, &cp)) || (rc = gr_report_build(&r, &cs))) {
		gr_error_set(err, rc, "out of memory");
		goto out;
	}
	if (o->prices) {
		r.cost = &cost;
		r.prices_from_file = gr_prices_from_file(o->prices);
		sum->cost_known = cost.known;
		sum->cost_unknown = cost.unknown;
	}
	/* the page up to the map written while the map is drawn, then the rest */
	if ((rc = gr_report_data(&json, &r, st, err)) ||
	    (rc = gr_report_page_head(&page, &json, err)))
		goto out;
	sum->bytes = page.len;
	if ((rc = o->write(o->write_ctx, page.data, page.len))) {
		gr_error_set(err, rc, "cannot write the output");
		goto out;
	}
	gr_buf_reset(&page);
	if (threaded)
		pthread_join(th, NULL);
	else
		map_thread(&job);
	threaded = false;
	if ((rc = job.rc)) {
		gr_error_set(err, rc, "out of memory");
		goto out;
	}
	if ((rc = gr_report_page_tail(&page, job.svg.len ? job.svg.data : NULL, job.svg.len, err)))
		goto out;
	sum->invocations = g.nnodes;
	sum->edges = g.nedges;
	sum->runs = cp.nruns;
	sum->detailed = r.ndetail;
	sum->indexed = r.nindex;
	sum->unmatched = r.unmatched;
	sum->map = job.svg.len > 0;
	sum->bytes += page.len;
	st->events_out = 1;
	if ((rc = o->write(o->write_ctx, page.data, page.len)))
		gr_error_set(err, rc, "cannot write the output");
out:
	if (threaded)
		pthread_join(th, NULL);
	gr_buf_release(&job.svg);
	gr_buf_release(&json);
	gr_buf_release(&page);
	gr_report_release(&r);
	gr_cp_cost_release(&cost);
	gr_cp_stats_release(&cs);
	gr_cp_release(&cp);
	gr_graph_release(&g);
	return rc;
}
