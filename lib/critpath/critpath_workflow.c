/* critpath_workflow.c: the workflow critical path of every root of the causal graph, across asynchronous hops. */
#include <stdlib.h>
#include <string.h>

#include "critpath/critpath.h"

#define MAX_DEPTH 65535 /* synchronous callees descended into, nested */

static const char *const seg_names[GR_CP_SEG_COUNT] = {
	[GR_CP_TRIGGER] = "trigger",
	[GR_CP_INVOKE] = "invoke",
	[GR_CP_INIT] = "init",
	[GR_CP_EXEC] = "exec",
	[GR_CP_RESTORE] = "restore",
	[GR_CP_SYNC] = "sync",
};

const char *gr_cp_seg_name(enum gr_cp_seg_type t)
{
	return (unsigned)t < GR_CP_SEG_COUNT ? seg_names[t] : "?";
}

void gr_cp_opts_init(struct gr_cp_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->since_us = o->until_us = GR_TIME_UNKNOWN;
	o->tolerance_us = 1000;
}

void gr_cp_init(struct gr_cp *cp)
{
	memset(cp, 0, sizeof(*cp));
}

void gr_cp_release(struct gr_cp *cp)
{
	free(cp->runs);
	free(cp->hops);
	free(cp->segs);
	free(cp->slack);
	memset(cp, 0, sizeof(*cp));
}

static bool known(int64_t t)
{
	return t != GR_TIME_UNKNOWN;
}

/* A frame of the descent into synchronous callees within one path node's window. */
struct frame {
	uint32_t node;      /* invocation */
	uint32_t edge;      /* the synchronous edge that called it, GR_NONE for the path node */
	uint32_t depth;     /* of its own segments */
	int64_t lo;         /* its body starts (after invoke and init) */
	int64_t t;          /* the walk back has reached this time */
	int64_t wait_lo;    /* the caller's wait: call issued (clipped) */
	int64_t wait_hi;    /* callee done (clipped) */
	int64_t sc;         /* the callee's environment starts (clipped) */
	int64_t si;         /* its init ends, its restore begins (clipped) */
	size_t c0, nc, ci;  /* its candidate callees cand[c0 .. c0+nc), next ci */
};

/* Working state of one gr_cp_workflow call. */
struct wf {
	struct gr_graph *g;     /* the graph (critical flags set with o->mark) */
	const struct gr_cp_opts *o; /* options */
	struct gr_cp *cp;       /* the runs found */
	uint32_t epoch;         /* the current root's search */
	uint32_t *reach;        /* per node: epoch when in R */
	uint32_t *crit;         /* per node: epoch when on the path or a critical callee */
	uint32_t *via;          /* per node: the search-tree edge that reached it */
	uint8_t *instack;       /* per node: a frame of the descent */
	uint32_t *queue;        /* R in search order */
	uint32_t *pn, *pe;      /* the path walked back: nodes, and the edge into each */
	struct frame *fr;       /* descent stack */
	size_t nfr, cap_fr;     /* used, allocated */
	uint32_t *cand;         /* candidate callees of the frames */
	size_t ncand, cap_cand; /* used, allocated */
	struct gr_cp_seg *rev;  /* one body's segments, latest first */
	size_t nrev, cap_rev;   /* used, allocated */
	/* slack */
	uint32_t *visit, *done; /* per node: epoch when entered / finished */
	int64_t *maxend;        /* per node: latest end over it and what it reaches */
	int64_t *callerend;     /* per node: latest end its synchronous caller imposes */
	struct { uint32_t node, e; } *dfs; /* depth-first stack (node, next out-edge), nnodes */
};

static int cmp_id(const struct gr_graph *g, uint32_t a, uint32_t b)
{
	return strcmp(g->nodes[a].id, g->nodes[b].id);
}

/* Candidate callees: latest end first, then smallest id, then edge order. */
static int cmp_cand(const void *a, const void *b, void *ctx)
{
	const struct gr_graph *g = ctx;
	uint32_t ea = *(const uint32_t *)a, eb = *(const uint32_t *)b;
	const struct gr_node *x = &g->nodes[g->edges[ea].to], *y = &g->nodes[g->edges[eb].to];
	int c;

	if (x->end_us != y->end_us)
		return x->end_us > y->end_us ? -1 : 1;
	if ((c = strcmp(x->id, y->id)))
		return c;
	return ea < eb ? -1 : ea > eb;
}

static int push_frame(struct wf *w, const struct frame *f, uint32_t skip)
{
	struct gr_graph *g = w->g;

	if (GR_GROW(w->fr, w->nfr, w->cap_fr))
		return GR_ERR_NOMEM;
	struct frame *nf = &w->fr[w->nfr++];
	*nf = *f;
	nf->c0 = nf->ci = w->ncand;
	nf->nc = 0;
	w->instack[f->node] = 1;
	if (f->depth >= MAX_DEPTH)
		return 0;
	for (uint32_t e = g->nodes[f->node].out; e != GR_NONE; e = g->edges[e].next_out) {
		if (!g->edges[e].sync || e == skip)
			continue;
		if (GR_GROW(w->cand, w->ncand, w->cap_cand))
			return GR_ERR_NOMEM;
		w->cand[w->ncand++] = e;
	}
	nf->nc = w->ncand - nf->c0;
	if (nf->nc > 1)
		qsort_r(w->cand + nf->c0, nf->nc, sizeof(*w->cand), cmp_cand, g);
	return 0;
}

static int rev_emit(struct wf *w, enum gr_cp_seg_type type, uint32_t node, uint32_t edge,
		    uint32_t depth, int64_t a, int64_t b)
{
	if (b <= a)
		return 0;
	if (GR_GROW(w->rev, w->nrev, w->cap_rev))
		return GR_ERR_NOMEM;
	w->rev[w->nrev++] = (struct gr_cp_seg){ .start_us = a, .dur_us = b - a, .node = node,
						.edge = edge, .type = (uint16_t)type,
						.depth = (uint16_t)depth };
	return 0;
}

static int emit(struct wf *w, enum gr_cp_seg_type type, uint32_t node, uint32_t edge,
		int64_t a, int64_t b)
{
	struct gr_cp *cp = w->cp;

	if (b <= a)
		return 0;
	if (GR_GROW(cp->segs, cp->nsegs, cp->cap_segs))
		return GR_ERR_NOMEM;
	cp->segs[cp->nsegs++] = (struct gr_cp_seg){ .start_us = a, .dur_us = b - a, .node = node,
						    .edge = edge, .type = (uint16_t)type };
	return 0;
}

static int64_t clamp(int64_t x, int64_t lo, int64_t hi)
{
	return x < lo ? lo : x > hi ? hi : x;
}

/*
 * The body of path node v in [lo, hi]: its own execution, split around the
 * synchronous callees it waited on, descending into them. Walks back from hi:
 * the callee with the latest end that ends by the current time (within the
 * tolerance) is waited on; callees that overlap it ran in parallel and are off the
 * path. Appends the segments in time order.
 */
static int body(struct wf *w, uint32_t v, int64_t lo, int64_t hi, uint32_t skip)
{
	struct gr_graph *g = w->g;
	int64_t tol = w->o->tolerance_us;
	struct frame f0 = { .node = v, .edge = GR_NONE, .depth = 0, .lo = lo, .t = hi };

	if (hi <= lo)
		return 0;
	w->nrev = 0;
	w->ncand = 0;
	if (push_frame(w, &f0, skip))
		return GR_ERR_NOMEM;
	while (w->nfr) {
		struct frame *f = &w->fr[w->nfr - 1];
		bool pushed = false;
		while (f->ci < f->c0 + f->nc && f->t > f->lo) {
			uint32_t e = w->cand[f->ci++], c = g->edges[e].to;
			const struct gr_node *cn = &g->nodes[c];
			int64_t we = cn->end_us;
			int64_t ws = known(g->edges[e].cause_us) ? g->edges[e].cause_us : cn->start_us;
			if (w->instack[c] || !known(we) || !known(ws))
				continue;
			if (we > f->t + tol || ws >= f->t || we <= f->lo)
				continue;
			int64_t hi2 = we < f->t ? we : f->t, lo2 = ws > f->lo ? ws : f->lo;
			if (hi2 <= lo2)
				continue;
			if (rev_emit(w, GR_CP_EXEC, f->node, GR_NONE, f->depth, hi2, f->t))
				return GR_ERR_NOMEM;
			f->t = lo2;
			struct frame cf = { .node = c, .edge = e, .depth = f->depth + 1,
					    .wait_lo = lo2, .wait_hi = hi2 };
			cf.sc = known(cn->start_us) ? clamp(cn->start_us, lo2, hi2) : lo2;
			cf.si = cn->init_us > 0 ? clamp(cf.sc + cn->init_us, cf.sc, hi2) : cf.sc;
			cf.lo = cn->restore_us > 0 ? clamp(cf.si + cn->restore_us, cf.si, hi2) : cf.si;
			cf.t = hi2;
			if (push_frame(w, &cf, GR_NONE))
				return GR_ERR_NOMEM;
			pushed = true;
			break;
		}
		if (pushed)
			continue;
		/* done with f: the rest of its window is its own; then its wait */
		f = &w->fr[w->nfr - 1];
		if (rev_emit(w, GR_CP_EXEC, f->node, GR_NONE, f->depth, f->lo, f->t))
			return GR_ERR_NOMEM;
		if (f->edge != GR_NONE) {
			if (rev_emit(w, GR_CP_RESTORE, f->node, GR_NONE, f->depth, f->si, f->lo) ||
			    rev_emit(w, GR_CP_INIT, f->node, GR_NONE, f->depth, f->sc, f->si) ||
			    rev_emit(w, GR_CP_INVOKE, f->node, f->edge, f->depth, f->wait_lo, f->sc) ||
			    rev_emit(w, GR_CP_SYNC, f->node, f->edge, f->depth - 1, f->wait_lo,
				     f->wait_hi))
				return GR_ERR_NOMEM;
			w->crit[f->node] = w->epoch;
			if (w->o->mark) {
				g->nodes[f->node].critical = true;
				g->edges[f->edge].critical = true;
			}
		}
		w->instack[f->node] = 0;
		w->ncand = f->c0;
		w->nfr--;
	}
	/* latest first -> time order */
	struct gr_cp *cp = w->cp;
	for (size_t i = w->nrev; i-- > 0;) {
		if (GR_GROW(cp->segs, cp->nsegs, cp->cap_segs))
			return GR_ERR_NOMEM;
		cp->segs[cp->nsegs++] = w->rev[i];
	}
	return 0;
}

/* Is edge a a later (or, at the same time, preferred) last input than edge b? */
static bool later_cause(const struct gr_graph *g, uint32_t a, uint32_t b)
{
	const struct gr_edge *x = &g->edges[a], *y = &g->edges[b];
	int c;

	if (x->cause_us != y->cause_us)
		return x->cause_us > y->cause_us;
	if ((c = cmp_id(g, x->from, y->from)))
		return c < 0;
	if (x->kind != y->kind)
		return x->kind < y->kind;
	return a < b;
}

/* Latest end over each node of R and what it reaches; the end a synchronous caller
 * imposes on its callee. Then the slack of R's nodes off the critical set. */
static int slack(struct wf *w, uint32_t r, size_t nreach, int64_t end)
{
	struct gr_graph *g = w->g;
	struct gr_cp *cp = w->cp;
	size_t n = 0;

	/* iterative depth-first search: maxend in post-order (cycles: back edges ignored) */
	w->dfs[n].node = r;
	w->dfs[n].e = g->nodes[r].out;
	n++;
	w->visit[r] = w->epoch;
	while (n) {
		uint32_t v = w->dfs[n - 1].node, e = w->dfs[n - 1].e;
		if (e != GR_NONE) {
			uint32_t u = g->edges[e].to;
			w->dfs[n - 1].e = g->edges[e].next_out;
			if (w->reach[u] == w->epoch && w->visit[u] != w->epoch) {
				w->visit[u] = w->epoch;
				w->dfs[n].node = u;
				w->dfs[n].e = g->nodes[u].out;
				n++;
			}
			continue;
		}
		int64_t m = g->nodes[v].end_us;
		for (uint32_t x = g->nodes[v].out; x != GR_NONE; x = g->edges[x].next_out) {
			uint32_t u = g->edges[x].to;
			if (w->done[u] == w->epoch && w->maxend[u] > m)
				m = w->maxend[u];
		}
		w->maxend[v] = m;
		w->done[v] = w->epoch;
		n--;
	}
	/* callers before callees (search order): a synchronous callee delayed by d delays
	 * its caller's end and what the caller starts after the call returns */
	for (size_t i = 0; i < nreach; i++)
		w->callerend[w->queue[i]] = GR_TIME_UNKNOWN;
	for (size_t i = 0; i < nreach; i++) {
		uint32_t v = w->queue[i];
		const struct gr_node *nv = &g->nodes[v];
		int64_t c = GR_TIME_UNKNOWN;
		for (uint32_t e = nv->in; e != GR_NONE; e = g->edges[e].next_in) {
			const struct gr_edge *ed = &g->edges[e];
			if (!ed->sync || w->reach[ed->from] != w->epoch || !known(nv->end_us))
				continue;
			const struct gr_node *p = &g->nodes[ed->from];
			if (p->end_us > c)
				c = p->end_us;
			if (w->callerend[ed->from] > c)
				c = w->callerend[ed->from];
			for (uint32_t x = p->out; x != GR_NONE; x = g->edges[x].next_out)
				if (x != e && known(g->edges[x].cause_us) &&
				    g->edges[x].cause_us >= nv->end_us &&
				    w->done[g->edges[x].to] == w->epoch &&
				    w->maxend[g->edges[x].to] > c)
					c = w->maxend[g->edges[x].to];
		}
		w->callerend[v] = c;
	}
	struct gr_cp_run *run = &cp->runs[cp->nruns - 1];
	run->slack0 = (uint32_t)cp->nslack;
	for (size_t i = 0; i < nreach; i++) {
		uint32_t v = w->queue[i];
		if (w->crit[v] == w->epoch || !known(g->nodes[v].end_us))
			continue;
		int64_t m = w->maxend[v] > w->callerend[v] ? w->maxend[v] : w->callerend[v];
		if (GR_GROW(cp->slack, cp->nslack, cp->cap_slack))
			return GR_ERR_NOMEM;
		cp->slack[cp->nslack++] = (struct gr_cp_slack){ v, end - m > 0 ? end - m : 0 };
	}
	run->nslack = (uint32_t)(cp->nslack - run->slack0);
	return 0;
}

static int cmp_slack(const void *a, const void *b, void *ctx)
{
	const struct gr_cp_slack *x = a, *y = b;

	if (x->slack_us != y->slack_us)
		return x->slack_us < y->slack_us ? -1 : 1;
	return cmp_id(ctx, x->node, y->node);
}

/* One root: R, the sink, the walk back, the segments. */
static int one_root(struct wf *w, uint32_t r)
{
	struct gr_graph *g = w->g;
	struct gr_cp *cp = w->cp;
	size_t qn = 0;
	uint32_t sink = GR_NONE;

	w->epoch++;
	w->reach[r] = w->epoch;
	w->via[r] = GR_NONE;
	w->queue[qn++] = r;
	for (size_t qi = 0; qi < qn; qi++) {
		uint32_t v = w->queue[qi];
		const struct gr_node *nv = &g->nodes[v];
		if (known(nv->end_us) &&
		    (sink == GR_NONE || nv->end_us > g->nodes[sink].end_us ||
		     (nv->end_us == g->nodes[sink].end_us && cmp_id(g, v, sink) < 0)))
			sink = v;
		for (uint32_t e = nv->out; e != GR_NONE; e = g->edges[e].next_out) {
			uint32_t u = g->edges[e].to;
			if (w->reach[u] != w->epoch) {
				w->reach[u] = w->epoch;
				w->via[u] = e;
				w->queue[qn++] = u;
			}
		}
	}
	if (!known(g->nodes[r].start_us) || sink == GR_NONE) {
		cp->roots_untimed++;
		return 0;
	}

	/* walk back from the sink along the last input to arrive */
	size_t np = 0;
	bool fallback = false;
	uint32_t v = sink;
	w->pn[np] = sink;
	w->pe[np++] = GR_NONE;
	w->crit[sink] = w->epoch;
	while (v != r) {
		uint32_t best = GR_NONE;
		for (uint32_t e = g->nodes[v].in; e != GR_NONE; e = g->edges[e].next_in) {
			uint32_t u = g->edges[e].from;
			if (w->reach[u] != w->epoch || w->crit[u] == w->epoch)
				continue;
			if (best == GR_NONE || later_cause(g, e, best))
				best = e;
		}
		if (best == GR_NONE) {
			fallback = true;
			break;
		}
		w->pe[np - 1] = best;
		v = g->edges[best].from;
		w->crit[v] = w->epoch;
		w->pn[np] = v;
		w->pe[np++] = GR_NONE;
	}
	if (fallback) {
		/* a cycle: take the search tree's path from r to the sink instead */
		cp->fallbacks++;
		w->epoch++; /* forget the walk's marks; R is searched again below */
		np = 0;
		for (v = sink;; v = g->edges[w->via[v]].from) {
			w->pn[np] = v;
			w->pe[np++] = w->via[v];
			if (v == r)
				break;
		}
		/* redo the reach marks under the new epoch (the search order is kept) */
		for (size_t i = 0; i < qn; i++)
			w->reach[w->queue[i]] = w->epoch;
		for (size_t i = 0; i < np; i++)
			w->crit[w->pn[i]] = w->epoch;
	}
	/* pn/pe run sink -> root; pe[i] enters pn[i] from pn[i+1] */

	if (GR_GROW(cp->runs, cp->nruns, cp->cap_runs))
		return GR_ERR_NOMEM;
	struct gr_cp_run *run = &cp->runs[cp->nruns++];
	int64_t start = g->nodes[r].start_us, end = g->nodes[sink].end_us;
	if (end < start)
		end = start;
	*run = (struct gr_cp_run){ .root = r, .sink = sink, .latency_us = end - start,
				   .hop0 = (uint32_t)cp->nhops, .nhop = (uint32_t)np,
				   .reach = (uint32_t)qn, .fallback = fallback };

	int64_t cur = start;
	for (size_t k = np; k-- > 0;) {
		uint32_t node = w->pn[k], in = k + 1 < np ? w->pe[k] : GR_NONE;
		uint32_t next = k > 0 ? w->pe[k - 1] : GR_NONE;
		const struct gr_node *nd = &g->nodes[node];
		if (GR_GROW(cp->hops, cp->nhops, cp->cap_hops))
			return GR_ERR_NOMEM;
		size_t h = cp->nhops++;
		cp->hops[h] = (struct gr_cp_hop){ .node = node, .edge = in, .seg0 = (uint32_t)cp->nsegs };
		if (w->o->mark) {
			g->nodes[node].critical = true;
			if (in != GR_NONE)
				g->edges[in].critical = true;
		}
		int64_t x;
		if (in != GR_NONE) {
			x = known(nd->start_us) ? clamp(nd->start_us, cur, end) : cur;
			if (emit(w, g->edges[in].sync ? GR_CP_INVOKE : GR_CP_TRIGGER, node, in, cur, x))
				return GR_ERR_NOMEM;
			cur = x;
		}
		if (known(nd->start_us) && nd->init_us > 0) {
			x = clamp(nd->start_us + nd->init_us, cur, end);
			if (emit(w, GR_CP_INIT, node, GR_NONE, cur, x))
				return GR_ERR_NOMEM;
			cur = x;
		}
		if (known(nd->start_us) && nd->restore_us > 0) {
			/* SnapStart: the restore follows the init, if any, on the path */
			x = clamp(nd->start_us + (nd->init_us > 0 ? nd->init_us : 0) + nd->restore_us,
				  cur, end);
			if (emit(w, GR_CP_RESTORE, node, GR_NONE, cur, x))
				return GR_ERR_NOMEM;
			cur = x;
		}
		int64_t hi = end;
		if (next != GR_NONE)
			hi = known(g->edges[next].cause_us) ? clamp(g->edges[next].cause_us, cur, end)
							    : cur;
		if (body(w, node, cur, hi, next))
			return GR_ERR_NOMEM;
		cur = hi;
		cp->hops[h].nseg = (uint32_t)(cp->nsegs - cp->hops[h].seg0);
	}
	if (w->o->slack) {
		if (slack(w, r, qn, end))
			return GR_ERR_NOMEM;
		run = &cp->runs[cp->nruns - 1];
		if (run->nslack > 1)
			qsort_r(cp->slack + run->slack0, run->nslack, sizeof(*cp->slack), cmp_slack, g);
	}
	return 0;
}

/* Roots in a deterministic order: start, then id. */
static int cmp_root(const void *a, const void *b, void *ctx)
{
	const struct gr_graph *g = ctx;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	int64_t sx = g->nodes[x].start_us, sy = g->nodes[y].start_us;

	if (sx != sy)
		return sx < sy ? -1 : 1;
	return cmp_id(g, x, y);
}

static void wf_release(struct wf *w)
{
	free(w->reach);
	free(w->crit);
	free(w->via);
	free(w->instack);
	free(w->queue);
	free(w->pn);
	free(w->pe);
	free(w->fr);
	free(w->cand);
	free(w->rev);
	free(w->visit);
	free(w->done);
	free(w->maxend);
	free(w->callerend);
	free(w->dfs);
}

/* --since, --until, --function: is this root's run wanted? */
static bool root_wanted(const struct gr_cp_opts *o, const struct gr_node *r)
{
	if (o->since_us != GR_TIME_UNKNOWN &&
	    (r->start_us == GR_TIME_UNKNOWN || r->start_us < o->since_us))
		return false;
	if (o->until_us != GR_TIME_UNKNOWN &&
	    (r->start_us == GR_TIME_UNKNOWN || r->start_us >= o->until_us))
		return false;
	return !o->fn || (r->fn && gr_fn_filter_match(o->fn, r->fn, strlen(r->fn)));
}

int gr_cp_workflow(struct gr_graph *g, const struct gr_cp_opts *o, struct gr_cp *cp,
		   struct gr_error *err)
{
	struct wf w = { .g = g, .o = o, .cp = cp };
	size_t n = g->nnodes ? g->nnodes : 1;
	uint32_t *roots = NULL;
	size_t nroots = 0;
	int rc = GR_ERR_NOMEM;

	if (!g->indexed && gr_graph_index(g))
		return gr_error_set(err, GR_ERR_NOMEM, "out of memory");
	w.reach = calloc(n, sizeof(*w.reach));
	w.crit = calloc(n, sizeof(*w.crit));
	w.via = malloc(n * sizeof(*w.via));
	w.instack = calloc(n, 1);
	w.queue = malloc(n * sizeof(*w.queue));
	w.pn = malloc(n * sizeof(*w.pn));
	w.pe = malloc(n * sizeof(*w.pe));
	roots = malloc(n * sizeof(*roots));
	if (!w.reach || !w.crit || !w.via || !w.instack || !w.queue || !w.pn || !w.pe || !roots)
		goto out;
	if (o->slack) {
		w.visit = calloc(n, sizeof(*w.visit));
		w.done = calloc(n, sizeof(*w.done));
		w.maxend = malloc(n * sizeof(*w.maxend));
		w.callerend = malloc(n * sizeof(*w.callerend));
		w.dfs = malloc(n * sizeof(*w.dfs));
		if (!w.visit || !w.done || !w.maxend || !w.callerend || !w.dfs)
			goto out;
	}
	for (size_t i = 0; i < g->nnodes; i++) {
		const struct gr_node *nd = &g->nodes[i];
		if (nd->in != GR_NONE)
			continue;
		cp->roots++;
		if (!root_wanted(o, nd)) {
			cp->roots_filtered++;
			continue;
		}
		roots[nroots++] = (uint32_t)i;
	}
	if (o->root) {
		uint32_t r = gr_graph_find(g, o->root, strlen(o->root));
		if (r == GR_NONE || g->nodes[r].in != GR_NONE) {
			rc = gr_error_set(err, GR_ERR_USAGE, "--root %s: %s", o->root,
					  r == GR_NONE ? "no such invocation in the graph"
						       : "not a root (it has an incoming edge)");
			goto out;
		}
		roots[0] = r;
		nroots = 1;
	}
	qsort_r(roots, nroots, sizeof(*roots), cmp_root, g);
	for (size_t i = 0; i < nroots; i++)
		if (one_root(&w, roots[i]))
			goto out;
	rc = 0;
out:
	if (rc == GR_ERR_NOMEM)
		gr_error_set(err, rc, "out of memory");
	free(roots);
	wf_release(&w);
	return rc;
}
