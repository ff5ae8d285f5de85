/* critpath_run.c: gammaray-critpath's run: read the graph (or the event stream), find the paths, write them. */
#include <stdlib.h>
#include <string.h>

#include "critpath/critpath.h"
#include "common/input.h"
#include "common/reader.h"

void gr_critpath_opts_init(struct gr_critpath_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->top = 5;
	o->since_us = o->until_us = GR_TIME_UNKNOWN;
	o->tolerance_us = 1000;
	o->overlap = 0.01;
	o->lengthening = 1.01;
}

/* The input loop's options for this run. */
static struct gr_input_opts input_opts(const struct gr_critpath_opts *o)
{
	return (struct gr_input_opts){ .max_line = o->max_line, .strict = o->strict,
				       .diag = o->diag, .diag_ctx = o->diag_ctx,
				       .progress = o->progress, .progress_ctx = o->progress_ctx };
}

static int read_graph(void *ctx, struct gr_input *in, struct gr_error *err)
{
	return gr_graph_read(ctx, &in->r, in->st, gr_input_diag, in, err);
}

int gr_critpath_read_graph(const struct gr_critpath_opts *o, const char *const *paths,
			   size_t npaths, struct gr_graph *g, struct gr_stats *st,
			   struct gr_error *err)
{
	struct gr_input_opts io = input_opts(o);

	return gr_input_each(&io, paths, npaths, read_graph, g, st, err);
}

static int read_spans(void *ctx, struct gr_input *in, struct gr_error *err)
{
	return gr_spans_read(ctx, &in->r, in->st, gr_input_diag, in, err);
}

/* --what-if: the graph, then before and after. ch: the parsed changes. */
static int what_if(const struct gr_critpath_opts *o, const struct gr_cp_change *ch,
		   struct gr_graph *g, const struct gr_cp_opts *co,
		   struct gr_critpath_summary *sum, struct gr_error *err)
{
	struct gr_cp_whatif w;
	struct gr_cp_stats cs;
	struct gr_cp_render ro = { .write = o->write, .ctx = o->write_ctx, .color = o->color,
				   .top = o->top };
	int rc;

	gr_cp_whatif_init(&w);
	gr_cp_stats_init(&cs);
	/* the functions are known now: an unknown one is still a usage error */
	if ((rc = gr_cp_change_check(g, ch, o->nwhat_if, err)) ||
	    (rc = gr_cp_whatif(g, co, ch, o->nwhat_if, &w, err)))
		goto out;
	sum->roots = w.before.roots;
	sum->runs = w.before.nruns;
	sum->untimed = w.before.roots_untimed;
	sum->filtered = w.before.roots_filtered;
	sum->fallbacks = w.before.fallbacks;
	sum->wi_removed = w.st.removed;
	sum->wi_unmoved = w.st.unmoved;
	sum->wi_forced = w.st.forced;
	if ((rc = gr_cp_stats_workflow(&cs, &w.g, &w.after))) {
		gr_error_set(err, rc, "out of memory");
		goto out;
	}
	rc = o->format == GR_CRITPATH_JSON
		     ? gr_cp_write_whatif_json(&ro, g, &w, &cs, ch, o->nwhat_if)
		     : gr_cp_write_whatif_text(&ro, g, &w, &cs, ch, o->nwhat_if);
	if (rc == GR_ERR_NOMEM)
		gr_error_set(err, rc, "out of memory");
	else if (rc == GR_ERR_IO || rc == GR_ERR_PIPE)
		gr_error_set(err, rc, "cannot write the output");
out:
	gr_cp_stats_release(&cs);
	gr_cp_whatif_release(&w);
	return rc;
}

static int workflow(const struct gr_critpath_opts *o, const char *const *paths, size_t npaths,
		    struct gr_stats *st, struct gr_critpath_summary *sum, struct gr_error *err)
{
	struct gr_cp_change *ch = NULL;
	struct gr_graph g;
	struct gr_cp cp;
	struct gr_cp_opts co;
	struct gr_cp_stats cs;
	struct gr_cp_cost cost;
	struct gr_cp_render ro = { .write = o->write, .ctx = o->write_ctx, .color = o->color,
				   .slack = o->slack, .top = o->top, .root = o->root };
	int rc;

	gr_graph_init(&g);
	gr_cp_init(&cp);
	gr_cp_stats_init(&cs);
	gr_cp_cost_init(&cost);
	gr_cp_opts_init(&co);
	co.slack = o->slack || o->format == GR_CRITPATH_CHROME;
	co.mark = o->format == GR_CRITPATH_ANNOTATE;
	co.tolerance_us = o->tolerance_us;
	co.root = o->root;
	co.since_us = o->since_us;
	co.until_us = o->until_us;
	if (o->function && !(co.fn = gr_fn_filter_new(o->function, err))) {
		rc = err && err->code ? err->code : GR_ERR_NOMEM;
		goto out;
	}
	/* the changes' syntax before any input is read */
	if (o->nwhat_if) {
		if (!(ch = calloc(o->nwhat_if, sizeof(*ch)))) {
			rc = gr_error_set(err, GR_ERR_NOMEM, "out of memory");
			goto out;
		}
		for (size_t i = 0; i < o->nwhat_if; i++)
			if ((rc = gr_cp_change_parse(o->what_if[i], &ch[i], err)))
				goto out;
	}
	if ((rc = gr_critpath_read_graph(o, paths, npaths, &g, st, err)))
		goto out;
	sum->nodes = g.nnodes;
	sum->edges = g.nedges;
	if (o->nwhat_if) {
		rc = what_if(o, ch, &g, &co, sum, err);
		goto out;
	}
	if ((rc = gr_cp_workflow(&g, &co, &cp, err)))
		goto out;
	sum->roots = cp.roots;
	sum->runs = cp.nruns;
	sum->untimed = cp.roots_untimed;
	sum->filtered = cp.roots_filtered;
	sum->fallbacks = cp.fallbacks;
	if (o->prices) {
		if ((rc = gr_cp_cost_build(&cost, &g, &cp, o->prices))) {
			gr_error_set(err, rc, "out of memory");
			goto out;
		}
		sum->cost_known = cost.known;
		sum->cost_unknown = cost.unknown;
		ro.cost = &cost;
	}
	switch (o->format) {
	case GR_CRITPATH_TEXT:
		if ((rc = gr_cp_stats_workflow(&cs, &g, &cp))) {
			gr_error_set(err, rc, "out of memory");
			break;
		}
		rc = gr_cp_write_text(&ro, &g, &cp, &cs);
		break;
	case GR_CRITPATH_JSON:
		rc = gr_cp_write_json(&ro, &g, &cp);
		break;
	case GR_CRITPATH_FOLDED:
		rc = gr_cp_write_folded(&ro, &g, &cp);
		break;
	case GR_CRITPATH_CHROME:
		rc = gr_cp_write_chrome(&ro, &g, &cp, err);
		sum->runs = rc ? 0 : 1;
		break;
	case GR_CRITPATH_ANNOTATE:
		rc = gr_graph_write(&g, o->write, o->write_ctx);
		break;
	}
	if (rc == GR_ERR_NOMEM)
		gr_error_set(err, rc, "out of memory");
	else if (rc == GR_ERR_IO || rc == GR_ERR_PIPE)
		gr_error_set(err, rc, "cannot write the output");
out:
	free(ch);
	gr_fn_filter_free(co.fn);
	gr_cp_cost_release(&cost);
	gr_cp_stats_release(&cs);
	gr_cp_release(&cp);
	gr_graph_release(&g);
	return rc;
}

static int request(const struct gr_critpath_opts *o, const char *const *paths, size_t npaths,
		   struct gr_stats *st, struct gr_critpath_summary *sum, struct gr_error *err)
{
	struct gr_input_opts io = input_opts(o);
	struct gr_spans sp;
	struct gr_cp_req rq;
	struct gr_cp_req_opts ro;
	struct gr_cp_stats cs;
	struct gr_cp_render rd = { .write = o->write, .ctx = o->write_ctx, .color = o->color,
				   .top = o->top, .root = o->root };
	int rc = 0;

	gr_spans_init(&sp);
	gr_cp_req_init(&rq);
	gr_cp_stats_init(&cs);
	gr_cp_req_opts_init(&ro);
	ro.overlap = o->overlap;
	ro.lengthening = o->lengthening;
	ro.root = o->root;
	if ((rc = gr_input_each(&io, paths, npaths, read_spans, &sp, st, err)))
		goto out;
	sum->nodes = sp.n;
	if ((rc = gr_cp_request(&sp, &ro, &rq, err)))
		goto out;
	if (sp.cycles && o->diag) {
		/* bad data, said once: the trees read are not the ones the spans claim */
		struct gr_error e = { 0 };
		const struct gr_span *c = &sp.v[sp.cycle_span];
		int tn = (int)strcspn(c->trace, "\n");
		gr_error_set(&e, 0, "%llu span parent cycle%s cut (span %s of trace %.*s is its "
			     "own ancestor): the span that closes each taken as a root",
			     (unsigned long long)sp.cycles, sp.cycles == 1 ? "" : "s", c->id,
			     tn ? tn : 6, tn ? c->trace : "(none)");
		o->diag(o->diag_ctx, 0, &e);
	}
	sum->runs = rq.nruns;
	for (size_t i = 0; i < sp.n; i++)
		if (sp.v[i].parent == GR_NONE)
			sum->roots++;
	switch (o->format) {
	case GR_CRITPATH_TEXT:
		if ((rc = gr_cp_stats_request(&cs, &sp, &rq))) {
			gr_error_set(err, rc, "out of memory");
			break;
		}
		rc = gr_cp_req_write_text(&rd, &sp, &rq, &cs);
		break;
	case GR_CRITPATH_JSON:
		rc = gr_cp_req_write_json(&rd, &sp, &rq);
		break;
	case GR_CRITPATH_FOLDED:
		rc = gr_cp_req_write_folded(&rd, &sp, &rq);
		break;
	case GR_CRITPATH_CHROME:
		rc = gr_cp_req_write_chrome(&rd, &sp, &rq, err);
		sum->runs = rc ? 0 : 1;
		break;
	case GR_CRITPATH_ANNOTATE:
		rc = gr_error_set(err, GR_ERR_USAGE, "--annotate passes a graph stream through; "
				  "it does not apply to --request");
		break;
	}
	if (rc == GR_ERR_NOMEM)
		gr_error_set(err, rc, "out of memory");
	else if (rc == GR_ERR_IO || rc == GR_ERR_PIPE)
		gr_error_set(err, rc, "cannot write the output");
out:
	gr_cp_stats_release(&cs);
	gr_cp_req_release(&rq);
	gr_spans_release(&sp);
	return rc;
}

int gr_critpath(const struct gr_critpath_opts *o, const char *const *paths, size_t npaths,
		struct gr_stats *st, struct gr_critpath_summary *sum, struct gr_error *err)
{
	memset(st, 0, sizeof(*st));
	memset(sum, 0, sizeof(*sum));
	if (!o->write)
		return gr_error_set(err, GR_ERR_USAGE, "no output");
	if (o->overlap < 0 || o->overlap >= 1 || o->lengthening < 1 || o->tolerance_us < 0)
		return gr_error_set(err, GR_ERR_USAGE, "tolerances out of range");
	if (o->nwhat_if && (o->request || o->slack || (o->format != GR_CRITPATH_TEXT &&
							o->format != GR_CRITPATH_JSON)))
		return gr_error_set(err, GR_ERR_USAGE, "--what-if reports in text or --json, "
				    "of workflow paths without --slack");
	if (o->request && (o->function || o->since_us != GR_TIME_UNKNOWN ||
			   o->until_us != GR_TIME_UNKNOWN))
		return gr_error_set(err, GR_ERR_USAGE, "--since, --until and --function select "
				    "workflow runs; with --request use --root");
	if (o->prices && (o->request || (o->format != GR_CRITPATH_TEXT &&
					 o->format != GR_CRITPATH_JSON)))
		return gr_error_set(err, GR_ERR_USAGE, "--cost prices the invocations of a graph "
				    "in the report or --json");
	int rc = o->request ? request(o, paths, npaths, st, sum, err)
			    : workflow(o, paths, npaths, st, sum, err);
	st->events_out = sum->runs;
	return rc;
}
