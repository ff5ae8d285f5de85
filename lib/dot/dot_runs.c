/* dot_runs.c: runs of invocations (root and primary-parent tree), canonical edge order, selection. */
#include <stdlib.h>
#include <string.h>

#include "dot/dot.h"
#include "common/numbers.h"

int gr_dot_node_cmp(const struct gr_graph *g, uint32_t a, uint32_t b)
{
	const struct gr_node *x = &g->nodes[a], *y = &g->nodes[b];
	/* unknown start times (stubs) sort last */
	int64_t xs = x->start_us == GR_TIME_UNKNOWN ? INT64_MAX : x->start_us;
	int64_t ys = y->start_us == GR_TIME_UNKNOWN ? INT64_MAX : y->start_us;

	if (xs != ys)
		return xs < ys ? -1 : 1;
	return strcmp(x->id, y->id);
}

static int cmp_nodes(const void *a, const void *b, void *ctx)
{
	return gr_dot_node_cmp(ctx, *(const uint32_t *)a, *(const uint32_t *)b);
}

/* The canonical edge order of gammaray-graph(5), with sync and key to break ties. */
static int edge_cmp(const struct gr_graph *g, uint32_t a, uint32_t b)
{
	const struct gr_edge *x = &g->edges[a], *y = &g->edges[b];
	int c;

	if (x->cause_us != y->cause_us)
		return x->cause_us < y->cause_us ? -1 : 1;
	if ((c = strcmp(g->nodes[x->from].id, g->nodes[y->from].id)))
		return c;
	if ((c = strcmp(g->nodes[x->to].id, g->nodes[y->to].id)))
		return c;
	if (x->kind != y->kind)
		return (int)x->kind - (int)y->kind;
	if (x->sync != y->sync)
		return (int)x->sync - (int)y->sync;
	return strcmp(x->key ? x->key : "", y->key ? y->key : "");
}

static int cmp_edges(const void *a, const void *b, void *ctx)
{
	return edge_cmp(ctx, *(const uint32_t *)a, *(const uint32_t *)b);
}

/* Is edge a a better primary parent than edge b (of the same node)? */
static bool better_parent(const struct gr_graph *g, uint32_t a, uint32_t b)
{
	const struct gr_edge *x = &g->edges[a], *y = &g->edges[b];

	if (x->confidence != y->confidence)
		return x->confidence > y->confidence;
	if (x->sync != y->sync)
		return x->sync;
	if (x->cause_us != y->cause_us)
		return x->cause_us < y->cause_us;
	return strcmp(g->nodes[x->from].id, g->nodes[y->from].id) < 0;
}

/* Runs (by index into the model's runs) by start, then root request id. */
static int cmp_runs(const void *a, const void *b, void *ctx)
{
	const struct gr_dot_model *m = ctx;
	const struct gr_dot_run *x = &m->runs[*(const uint32_t *)a], *y = &m->runs[*(const uint32_t *)b];

	if (x->start_us != y->start_us)
		return x->start_us < y->start_us ? -1 : 1;
	return strcmp(m->g->nodes[x->root].id, m->g->nodes[y->root].id);
}


void gr_dot_run_order(struct gr_dot_model *m, size_t k)
{
	struct gr_dot_run *r = &m->runs[k];

	if (r->ordered)
		return;
	qsort_r(m->members + r->first, r->count, sizeof(uint32_t), cmp_nodes, m->g);
	r->ordered = true;
}

int gr_dot_model_init(struct gr_dot_model *m, struct gr_graph *g)
{
	size_t nn = g->nnodes, ne = g->nedges;
	uint32_t *root = NULL, *stack = NULL, *runix = NULL;
	uint8_t *state = NULL;
	int rc = GR_ERR_NOMEM;

	memset(m, 0, sizeof(*m));
	m->g = g;
	if (!g->indexed && gr_graph_index(g))
		return GR_ERR_NOMEM;
	m->parent = malloc((nn ? nn : 1) * sizeof(*m->parent));
	m->run_of = malloc((nn ? nn : 1) * sizeof(*m->run_of));
	m->members = malloc((nn ? nn : 1) * sizeof(*m->members));
	m->keep = calloc(nn ? nn : 1, 1);
	m->edges = malloc((ne ? ne : 1) * sizeof(*m->edges));
	root = malloc((nn ? nn : 1) * sizeof(*root));
	stack = malloc((nn ? nn : 1) * sizeof(*stack));
	runix = malloc((nn ? nn : 1) * sizeof(*runix));
	state = calloc(nn ? nn : 1, 1);
	if (!m->parent || !m->run_of || !m->members || !m->keep || !m->edges || !root ||
	    !stack || !runix || !state)
		goto out;

	/* primary parents */
	for (size_t i = 0; i < nn; i++) {
		uint32_t best = GR_NONE;
		for (uint32_t e = g->nodes[i].in; e != GR_NONE; e = g->edges[e].next_in) {
			if (g->edges[e].from == i)
				continue; /* a self edge is never a parent */
			if (best == GR_NONE || better_parent(g, e, best))
				best = e;
		}
		m->parent[i] = best;
	}
	/* roots, iteratively: state 0 new, 1 on the walk, 2 done */
	for (size_t i = 0; i < nn; i++) {
		size_t sp = 0;
		uint32_t v = (uint32_t)i, r;
		while (state[v] == 0) {
			state[v] = 1;
			stack[sp++] = v;
			if (m->parent[v] == GR_NONE)
				break;
			v = g->edges[m->parent[v]].from;
		}
		if (state[v] == 2) {
			r = root[v];
		} else {
			/* v has no parent, or closes a cycle: it becomes a root */
			r = v;
			m->parent[v] = GR_NONE;
		}
		while (sp) {
			uint32_t u = stack[--sp];
			root[u] = r;
			state[u] = 2;
		}
	}
	/* one run per root */
	size_t nruns = 0;
	for (size_t i = 0; i < nn; i++)
		if (root[i] == i)
			nruns++;
	m->runs = calloc(nruns ? nruns : 1, sizeof(*m->runs));
	if (!m->runs)
		goto out;
	for (size_t i = 0; i < nn; i++) {
		if (root[i] != i)
			continue;
		struct gr_dot_run *r = &m->runs[m->nruns];
		r->root = (uint32_t)i;
		r->start_us = INT64_MAX;
		r->end_us = INT64_MIN;
		runix[i] = (uint32_t)m->nruns++;
	}
	for (size_t i = 0; i < nn; i++) {
		const struct gr_node *n = &g->nodes[i];
		struct gr_dot_run *r = &m->runs[runix[root[i]]];
		r->count++;
		if (n->start_us != GR_TIME_UNKNOWN && n->start_us < r->start_us)
			r->start_us = n->start_us;
		if (n->end_us != GR_TIME_UNKNOWN && n->end_us > r->end_us)
			r->end_us = n->end_us;
		if (n->status == GR_STATUS_ERROR || n->status == GR_STATUS_TIMEOUT)
			r->errors++;
	}
	{
		/* the runs by start (runix, free until below, holds the order) */
		struct gr_dot_run *sorted = malloc((m->nruns + 1) * sizeof(*sorted));
		int64_t *key = malloc((m->nruns + 1) * sizeof(*key));
		if (!sorted || !key) {
			free(sorted);
			free(key);
			goto out;
		}
		for (size_t k = 0; k < m->nruns; k++) {
			runix[k] = (uint32_t)k;
			key[k] = m->runs[k].start_us;
		}
		gr_order_i64_by(runix, key, m->nruns, cmp_runs, m);
		for (size_t k = 0; k < m->nruns; k++)
			sorted[k] = m->runs[runix[k]];
		free(m->runs);
		m->runs = sorted;
		free(key);
	}
	for (size_t k = 0; k < m->nruns; k++)
		runix[m->runs[k].root] = (uint32_t)k;
	/* members grouped by run: counting sort (time order when a view needs it) */
	uint32_t at = 0;
	for (size_t k = 0; k < m->nruns; k++) {
		m->runs[k].first = at;
		at += m->runs[k].count;
	}
	for (size_t k = 0; k < m->nruns; k++)
		m->runs[k].count = 0;
	for (size_t i = 0; i < nn; i++) {
		uint32_t k = runix[root[i]];
		m->run_of[i] = k;
		m->members[m->runs[k].first + m->runs[k].count++] = (uint32_t)i;
	}

	/* edges in canonical order, exact duplicates (overlapping inputs) once */
	int64_t *cause = malloc((ne ? ne : 1) * sizeof(*cause));
	if (!cause)
		goto out;
	for (size_t i = 0; i < ne; i++) {
		m->edges[i] = (uint32_t)i;
		cause[i] = g->edges[i].cause_us;
	}
	gr_order_i64_by(m->edges, cause, ne, cmp_edges, g);
	free(cause);
	for (size_t i = 0; i < ne; i++) {
		if (m->nedges && edge_cmp(g, m->edges[m->nedges - 1], m->edges[i]) == 0) {
			m->dup_edges++;
			continue;
		}
		m->edges[m->nedges++] = m->edges[i];
	}
	rc = 0;
out:
	free(root);
	free(stack);
	free(runix);
	free(state);
	if (rc)
		gr_dot_model_release(m);
	return rc;
}

void gr_dot_model_release(struct gr_dot_model *m)
{
	free(m->parent);
	free(m->run_of);
	free(m->runs);
	free(m->members);
	free(m->edges);
	free(m->keep);
	memset(m, 0, sizeof(*m));
}

static bool in_list(const char *const *list, size_t n, const char *s)
{
	if (!s)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(list[i], s))
			return true;
	return false;
}

int gr_dot_model_select(struct gr_dot_model *m, const struct gr_dot_opts *o, struct gr_error *err)
{
	const struct gr_graph *g = m->g;
	uint8_t *want_root = NULL;

	if (o->nroots) {
		want_root = calloc(m->nruns ? m->nruns : 1, 1);
		if (!want_root)
			return gr_error_set(err, GR_ERR_NOMEM, "out of memory");
		for (size_t i = 0; i < o->nroots; i++) {
			uint32_t ix = gr_graph_find(g, o->roots[i], strlen(o->roots[i]));
			if (ix == GR_NONE) {
				free(want_root);
				return gr_error_set(err, GR_ERR_USAGE,
						    "--root %.100s: no such invocation in the graph",
						    o->roots[i]);
			}
			want_root[m->run_of[ix]] = 1;
		}
	}
	m->nkeep = 0;
	m->runs_selected = 0;
	for (size_t k = 0; k < m->nruns; k++) {
		struct gr_dot_run *r = &m->runs[k];
		bool ok = !want_root || want_root[k];
		if (ok && (o->since_us != GR_TIME_UNKNOWN || o->until_us != GR_TIME_UNKNOWN)) {
			/* a run without any known time is outside every window */
			ok = r->start_us != INT64_MAX &&
			     (o->since_us == GR_TIME_UNKNOWN || r->start_us >= o->since_us) &&
			     (o->until_us == GR_TIME_UNKNOWN || r->start_us < o->until_us);
		}
		if (ok && o->ntraces) {
			bool hit = false;
			for (uint32_t j = 0; j < r->count && !hit; j++)
				hit = in_list(o->traces, o->ntraces,
					      g->nodes[m->members[r->first + j]].trace);
			ok = hit;
		}
		if (ok && o->nfunctions) {
			bool hit = false;
			for (uint32_t j = 0; j < r->count && !hit; j++)
				hit = in_list(o->functions, o->nfunctions,
					      g->nodes[m->members[r->first + j]].fn);
			ok = hit;
		}
		r->selected = ok;
		for (uint32_t j = 0; j < r->count; j++)
			m->keep[m->members[r->first + j]] = ok;
		if (ok) {
			m->runs_selected++;
			m->nkeep += r->count;
		}
	}
	free(want_root);
	return 0;
}

int gr_dot_back_edges(size_t nn, const uint32_t *tail, const uint32_t *head, size_t ne,
		      uint8_t *back)
{
	uint32_t *off = calloc(nn + 1, sizeof(*off)), *adj = malloc((ne ? ne : 1) * sizeof(*adj));
	uint32_t *stack = malloc((nn ? nn : 1) * sizeof(*stack));
	uint32_t *next = malloc((nn ? nn : 1) * sizeof(*next));
	uint8_t *state = calloc(nn ? nn : 1, 1);
	int rc = GR_ERR_NOMEM;

	if (!off || !adj || !stack || !next || !state)
		goto out;
	/* out-edges of each node in edge order (CSR) */
	for (size_t i = 0; i < ne; i++)
		off[tail[i] + 1]++;
	for (size_t v = 0; v < nn; v++)
		off[v + 1] += off[v];
	for (size_t v = 0; v < nn; v++)
		next[v] = off[v];
	for (size_t i = 0; i < ne; i++)
		adj[next[tail[i]]++] = (uint32_t)i;
	memset(back, 0, ne);
	for (size_t s = 0; s < nn; s++) {
		size_t sp = 0;
		if (state[s])
			continue;
		state[s] = 1;
		next[s] = off[s];
		stack[sp++] = (uint32_t)s;
		while (sp) {
			uint32_t v = stack[sp - 1];
			if (next[v] == off[v + 1]) {
				state[v] = 2;
				sp--;
				continue;
			}
			uint32_t e = adj[next[v]++], w = head[e];
			if (state[w] == 1) {
				back[e] = 1;
			} else if (state[w] == 0) {
				state[w] = 1;
				next[w] = off[w];
				stack[sp++] = w;
			}
		}
	}
	rc = 0;
out:
	free(off);
	free(adj);
	free(stack);
	free(next);
	free(state);
	return rc;
}
