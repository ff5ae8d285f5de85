/* dot.c: gammaray-dot: read graph streams, choose the view, build with cgraph, write DOT or render with gvc. */
#include <cgraph.h>
#include <gvc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dot/dot.h"
#include "common/input.h"
#include "common/reader.h"

void gr_dot_opts_init(struct gr_dot_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->view = GR_DOT_VIEW_AUTO;
	o->format = GR_DOT_FORMAT_DOT;
	o->since_us = o->until_us = GR_TIME_UNKNOWN;
	o->max_nodes = GR_DOT_DEFAULT_MAX_NODES;
	o->rankdir = "LR";
	o->legend = true;
}

/* --- Graphviz messages ------------------------------------------------------------ */

/* cgraph reports through one global hook; gr_dot runs one picture at a time. */
static const struct gr_dot_opts *msg_opts;

static int on_graphviz_msg(char *msg)
{
	struct gr_error e = { 0 };
	size_t n = strlen(msg);

	while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		n--;
	if (!n || !msg_opts || !msg_opts->diag)
		return 0;
	gr_error_set(&e, GR_ERR_FORMAT, "graphviz: %.*s", (int)(n > 400 ? 400 : n), msg);
	msg_opts->diag(msg_opts->diag_ctx, 0, &e);
	return 0;
}

/* --- cgraph disciplines ------------------------------------------------------------ */

/*
 * Object ids in creation order. cgraph's default ids for named objects are string
 * addresses, and subgraphs are written in id order: that order would depend on the
 * heap. Named objects get even ids 2, 4, 6... in the order they are first named,
 * anonymous ones (edges) odd ids.
 */
struct idmap {
	struct gr_strmap names; /* name -> index */
	struct gr_arena arena;  /* the names */
	char **byix;            /* index -> name */
	size_t n, cap;          /* names used, allocated */
	IDTYPE anon;            /* last odd id given */
};

static void *id_open(Agraph_t *g, Agdisc_t *d)
{
	(void)g;
	(void)d;
	return calloc(1, sizeof(struct idmap));
}

static long id_map(void *state, int objtype, char *str, IDTYPE *id, int create)
{
	struct idmap *m = state;
	size_t n;
	uint32_t *ix;

	(void)objtype;
	if (!str) {
		if (!create)
			return 0;
		*id = m->anon = m->anon ? m->anon + 2 : 1;
		return 1;
	}
	n = strlen(str);
	if ((ix = gr_strmap_get(&m->names, str, n))) {
		*id = ((IDTYPE)*ix + 1) * 2;
		return 1;
	}
	if (!create)
		return 0;
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 256;
		char **p = realloc(m->byix, cap * sizeof(*p));
		if (!p)
			return 0;
		m->byix = p;
		m->cap = cap;
	}
	char *copy = gr_arena_strdup(&m->arena, str, n);
	if (!copy || !gr_strmap_put(&m->names, copy, n, (uint32_t)m->n, NULL))
		return 0;
	m->byix[m->n] = copy;
	*id = ((IDTYPE)m->n++ + 1) * 2;
	return 1;
}

static long id_alloc(void *state, int objtype, IDTYPE id)
{
	(void)state;
	(void)objtype;
	(void)id;
	return 0; /* no ids chosen by the caller */
}

static void id_free(void *state, int objtype, IDTYPE id)
{
	(void)state;
	(void)objtype;
	(void)id;
}

static char *id_print(void *state, int objtype, IDTYPE id)
{
	struct idmap *m = state;

	(void)objtype;
	if (id % 2 || id / 2 == 0 || id / 2 > m->n)
		return NULL;
	return m->byix[id / 2 - 1];
}

static void id_close(void *state)
{
	struct idmap *m = state;

	gr_strmap_release(&m->names);
	gr_arena_release(&m->arena);
	free(m->byix);
	free(m);
}

static void id_register(void *state, int objtype, void *obj)
{
	(void)state;
	(void)objtype;
	(void)obj;
}

static Agiddisc_t id_disc = { id_open, id_map, id_alloc, id_free, id_print, id_close,
			      id_register };

/* --- the run ----------------------------------------------------------------------- */

static int read_graph(void *ctx, struct gr_input *in, struct gr_error *err)
{
	return gr_graph_read(ctx, &in->r, in->st, gr_input_diag, in, err);
}

static int read_inputs(struct gr_graph *g, const struct gr_dot_opts *o, const char *const *paths,
		       size_t npaths, struct gr_stats *st, struct gr_error *err)
{
	struct gr_input_opts io = { .max_line = o->max_line, .strict = o->strict,
				    .diag = o->diag, .diag_ctx = o->diag_ctx,
				    .progress = o->progress, .progress_ctx = o->progress_ctx };

	return gr_input_each(&io, paths, npaths, read_graph, g, st, err);
}

static const char *const view_names[] = {
	[GR_DOT_VIEW_AUTO] = "auto",
	[GR_DOT_VIEW_INVOCATIONS] = "invocation",
	[GR_DOT_VIEW_FUNCTIONS] = "function",
};

/* "gammaray-dot: invocation view, 3 runs, 27 invocations" and what was left out. */
static void title(struct gr_dot_build *b)
{
	const struct gr_dot_summary *s = b->sum;
	const struct gr_dot_model *m = b->m;

	gr_buf_reset(&b->t);
	gr_buf_addf(&b->t, "gammaray: %s view of %zu run%s, %zu invocation%s, %zu edge%s",
		    view_names[s->view], m->runs_selected, m->runs_selected == 1 ? "" : "s",
		    m->nkeep, m->nkeep == 1 ? "" : "s", s->edges_shown,
		    s->edges_shown == 1 ? "" : "s");
	if (m->runs_selected != m->nruns)
		gr_buf_addf(&b->t, "\\nselected %zu of %zu runs (%zu of %zu invocations)",
			    m->runs_selected, m->nruns, m->nkeep, m->g->nnodes);
	if (m->g->nextra)
		gr_buf_addf(&b->t, "\\n%zu other record%s (unmatched evidence...) not drawn",
			    m->g->nextra, m->g->nextra == 1 ? "" : "s");
	gr_dot_set_text(b, b->g, "label");
}

static Agraph_t *new_graph(const struct gr_dot_opts *o)
{
	static Agdisc_t disc;
	Agraph_t *g;

	disc.mem = &AgMemDisc;
	disc.id = &id_disc;
	disc.io = &AgIoDisc; /* unused: gr_dot_write writes the DOT */
	g = agopen("gammaray", Agdirected, &disc);
	if (!g)
		return NULL;
	/* defaults, declared once so that each element carries only what differs */
	agattr(g, AGRAPH, "rankdir", (char *)(o->rankdir ? o->rankdir : "LR"));
	agattr(g, AGRAPH, "fontname", "Helvetica");
	agattr(g, AGRAPH, "fontsize", "11");
	agattr(g, AGRAPH, "labelloc", "t");
	agattr(g, AGRAPH, "label", "");
	agattr(g, AGRAPH, "tooltip", "");
	agattr(g, AGRAPH, "style", "");
	agattr(g, AGRAPH, "color", "");
	agattr(g, AGRAPH, "nodesep", "0.25");
	agattr(g, AGRAPH, "ranksep", "0.5");
	agattr(g, AGNODE, "shape", "box");
	agattr(g, AGNODE, "style", "filled,rounded");
	agattr(g, AGNODE, "fillcolor", "#f2f2f2");
	agattr(g, AGNODE, "fontname", "Helvetica");
	agattr(g, AGNODE, "fontsize", "10");
	agattr(g, AGNODE, "label", "\\N");
	agattr(g, AGNODE, "tooltip", "");
	agattr(g, AGNODE, "color", "");
	agattr(g, AGNODE, "penwidth", "");
	agattr(g, AGNODE, "peripheries", "");
	agattr(g, AGEDGE, "fontname", "Helvetica");
	agattr(g, AGEDGE, "fontsize", "9");
	agattr(g, AGEDGE, "label", "");
	agattr(g, AGEDGE, "tooltip", "");
	agattr(g, AGEDGE, "style", "");
	agattr(g, AGEDGE, "color", "");
	agattr(g, AGEDGE, "penwidth", "");
	agattr(g, AGEDGE, "constraint", "");
	return g;
}

int gr_dot(const struct gr_dot_opts *o, const char *const *paths, size_t npaths,
	   struct gr_stats *st, struct gr_dot_summary *sum, struct gr_error *err)
{
	struct gr_graph g;
	int rc;

	memset(st, 0, sizeof(*st));
	memset(sum, 0, sizeof(*sum));
	if (!o->write)
		return gr_error_set(err, GR_ERR_USAGE, "no output");
	gr_graph_init(&g);
	rc = read_inputs(&g, o, paths, npaths, st, err);
	if (!rc)
		rc = gr_dot_graph(o, &g, st, sum, err);
	gr_graph_release(&g);
	return rc;
}

int gr_dot_graph(const struct gr_dot_opts *o, struct gr_graph *g, struct gr_stats *st,
		 struct gr_dot_summary *sum, struct gr_error *err)
{
	return gr_dot_graph_map(o, g, NULL, st, sum, err);
}

int gr_dot_graph_map(const struct gr_dot_opts *o, struct gr_graph *g, const struct gr_fmap *fm,
		     struct gr_stats *st, struct gr_dot_summary *sum, struct gr_error *err)
{
	struct gr_dot_model m;
	struct gr_dot_build b = { .o = o, .m = &m, .fmap = fm, .sum = sum };
	GVC_t *gvc = NULL;
	bool render = o->format != GR_DOT_FORMAT_DOT;
	int rc;

	memset(sum, 0, sizeof(*sum));
	memset(&m, 0, sizeof(m));
	if (!o->write)
		return gr_error_set(err, GR_ERR_USAGE, "no output");
	if ((rc = gr_dot_model_init(&m, g))) {
		gr_error_set(err, rc, "out of memory");
		goto out;
	}
	if ((rc = gr_dot_model_select(&m, o, err)))
		goto out;
	sum->invocations = g->nnodes;
	sum->runs = m.nruns;
	sum->runs_selected = m.runs_selected;
	sum->selected = m.nkeep;
	sum->view = o->view;
	if (sum->view == GR_DOT_VIEW_AUTO)
		sum->view = !o->max_nodes || m.nkeep <= o->max_nodes ? GR_DOT_VIEW_INVOCATIONS
								      : GR_DOT_VIEW_FUNCTIONS;

	msg_opts = o;
	agseterrf(on_graphviz_msg);
	if (render) {
		/* One context for the process, created before the graph (it sets up the
		 * layout records) and never freed: Graphviz 2.43 keeps font caches across
		 * contexts, and a second context reads what the first one freed. */
		static GVC_t *shared;
		if (!shared)
			shared = o->format == GR_DOT_FORMAT_SVG ? gr_dot_svg_context() : gvContext();
		gvc = shared;
	}
	b.g = new_graph(o);
	if (!b.g || (render && !gvc)) {
		rc = gr_error_set(err, GR_ERR_NOMEM, "cannot create the graph");
		goto out;
	}
	rc = sum->view == GR_DOT_VIEW_FUNCTIONS ? gr_dot_build_functions(&b)
						: gr_dot_build_invocations(&b);
	if (!rc && o->legend)
		gr_dot_legend(&b, sum->view == GR_DOT_VIEW_FUNCTIONS);
	if (!rc)
		title(&b);
	if (!rc && b.err)
		rc = b.err;
	if (rc) {
		gr_error_set(err, rc, "%s", b.errmsg[0] ? b.errmsg : gr_strerror(rc));
		goto out;
	}
	sum->dot_nodes = (size_t)agnnodes(b.g);
	sum->dot_edges = (size_t)agnedges(b.g);

	/* accounting: what gr_graph_read counted as read is re-filed by what became of it */
	{
		uint64_t filtered = 0, not_shown = g->nextra;
		for (size_t i = 0; i < g->nnodes; i++)
			if (!g->nodes[i].stub && !m.keep[i])
				filtered++;
		for (size_t i = 0; i < g->nedges; i++) {
			const struct gr_edge *e = &g->edges[i];
			if (!m.keep[e->from] || !m.keep[e->to])
				filtered++;
		}
		/* pruning happens only in the invocation view, where hidden counts it */
		not_shown += b.not_shown;
		st->reason[GR_SKIP_FILTERED] += filtered;
		st->reason[GR_SKIP_NOT_SHOWN] += not_shown;
		st->records_out -= filtered + not_shown;
		st->events_out = sum->dot_nodes + sum->dot_edges;
	}

	if (render) {
		static const char *const fmt[] = { "dot", "svg", "png", "pdf" };
		char *data = NULL;
		unsigned int len = 0;
		if (gvLayout(gvc, b.g, "dot") != 0) {
			rc = gr_error_set(err, GR_ERR_FORMAT, "graphviz could not lay the graph out");
			goto out;
		}
		if (gvRenderData(gvc, b.g, fmt[o->format], &data, &len) != 0 || !data) {
			gvFreeLayout(gvc, b.g);
			rc = gr_error_set(err, GR_ERR_FORMAT, "graphviz could not render %s",
					  fmt[o->format]);
			goto out;
		}
		rc = o->write(o->write_ctx, data, len);
		sum->bytes = len;
		gvFreeRenderData(data);
		gvFreeLayout(gvc, b.g);
	} else {
		rc = gr_dot_write(b.g, o->write, o->write_ctx, &sum->bytes);
	}
	if (rc)
		gr_error_set(err, rc, "cannot write the output");
out:
	if (b.g)
		agclose(b.g);
	agseterrf(NULL);
	msg_opts = NULL;
	gr_buf_release(&b.t);
	gr_dot_model_release(&m);
	return rc;
}
