/* dot_invocations.c: the invocation view: one node per invocation, one cluster per run, pruned visibly. */
#include <cgraph.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/prices.h"
#include "dot/dot.h"

#define COLOR_CRITICAL "#d00000"
#define FILL_ERROR "#f8c9c4"
#define FILL_TIMEOUT "#fbd9a6"

/* Critical invocations first, then time order: what a truncated run keeps. */
static int cmp_keep(const void *a, const void *b, void *ctx)
{
	const struct gr_graph *g = ctx;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	if (g->nodes[x].critical != g->nodes[y].critical)
		return g->nodes[x].critical ? -1 : 1;
	return gr_dot_node_cmp(g, x, y);
}

static void add_time(struct gr_buf *t, const char *what, int64_t us)
{
	char iso[40];

	if (us == GR_TIME_UNKNOWN)
		return;
	gr_time_format_iso(us, iso, sizeof(iso));
	gr_dot_newline(t);
	gr_buf_addf(t, "%s: %s", what, iso);
}

static void node_attrs(struct gr_dot_build *b, Agnode_t *an, const struct gr_node *n,
		       const struct gr_dot_run *run)
{
	struct gr_buf *t = &b->t;
	char d[32];

	/* label: function, short request id, start in its run and duration, marks */
	gr_buf_reset(t);
	if (n->stub)
		gr_buf_adds(t, "(no record)");
	else if (n->fn)
		gr_dot_texts(t, GR_DOT_LABEL, n->fn);
	else
		gr_buf_adds(t, "(unknown function)");
	gr_dot_newline(t);
	gr_dot_text(t, GR_DOT_LABEL, n->id, strlen(n->id), 8);
	if (n->start_us != GR_TIME_UNKNOWN && run->start_us != INT64_MAX) {
		gr_duration_format(n->start_us - run->start_us, d, sizeof(d));
		gr_dot_newline(t);
		gr_buf_addf(t, "+%s", d);
		if (n->end_us != GR_TIME_UNKNOWN) {
			gr_duration_format(n->end_us - n->start_us - n->init_us - n->restore_us, d,
					sizeof(d));
			gr_buf_addf(t, ", %s", d);
		}
	}
	if (n->start == GR_START_RESTORE) {
		gr_duration_format(n->restore_us, d, sizeof(d));
		gr_dot_newline(t);
		gr_buf_addf(t, "snapstart restore %s", d);
	} else if (n->cold) {
		gr_duration_format(n->init_us, d, sizeof(d));
		gr_dot_newline(t);
		gr_buf_addf(t, "%s, init %s", n->start == GR_START_FAILED_INIT ? "failed init"
				: "cold start", d);
	}
	if (n->status == GR_STATUS_ERROR || n->status == GR_STATUS_TIMEOUT) {
		gr_dot_newline(t);
		gr_buf_adds(t, n->status == GR_STATUS_ERROR ? "ERROR" : "TIMEOUT");
	}
	if (n->attempts > 1) {
		gr_dot_newline(t);
		gr_buf_addf(t, "%u attempts", (unsigned)n->attempts);
	}
	gr_dot_set_text(b, an, "label");

	/* tooltip: everything known, request id first so it can be copied */
	gr_buf_reset(t);
	gr_buf_adds(t, "request id: ");
	gr_dot_texts(t, GR_DOT_TOOLTIP, n->id);
	if (n->fn) {
		gr_dot_newline(t);
		gr_buf_adds(t, "function: ");
		gr_dot_texts(t, GR_DOT_TOOLTIP, n->fn);
	}
	add_time(t, "start", n->start_us);
	add_time(t, "end", n->end_us);
	if (n->start_us != GR_TIME_UNKNOWN && n->end_us != GR_TIME_UNKNOWN) {
		gr_duration_format(n->end_us - n->start_us - n->init_us - n->restore_us, d, sizeof(d));
		gr_dot_newline(t);
		gr_buf_addf(t, "duration: %s", d);
	}
	if (n->init_us) {
		gr_duration_format(n->init_us, d, sizeof(d));
		gr_dot_newline(t);
		gr_buf_addf(t, "init: %s", d);
	}
	if (n->restore_us) {
		gr_duration_format(n->restore_us, d, sizeof(d));
		gr_dot_newline(t);
		gr_buf_addf(t, "restore: %s", d);
	}
	if (!n->stub) {
		gr_dot_newline(t);
		gr_buf_addf(t, "status: %s%s", n->status == GR_STATUS_OK ? "ok"
				: n->status == GR_STATUS_ERROR ? "error"
				: n->status == GR_STATUS_TIMEOUT ? "timeout" : "unknown",
				n->cold ? ", cold start" : "");
	} else {
		gr_dot_newline(t);
		gr_buf_adds(t, "no node record: only named by an edge");
	}
	if (n->trace) {
		gr_dot_newline(t);
		gr_buf_adds(t, "trace: ");
		gr_dot_texts(t, GR_DOT_TOOLTIP, n->trace);
	}
	if (n->stream) {
		gr_dot_newline(t);
		gr_buf_adds(t, "log stream: ");
		gr_dot_texts(t, GR_DOT_TOOLTIP, n->stream);
	}
	if (n->mem_mb >= 0) {
		gr_dot_newline(t);
		gr_buf_addf(t, "memory: %lld MB", (long long)n->mem_mb);
	}
	if (n->billed_us >= 0) {
		gr_duration_format(n->billed_us, d, sizeof(d));
		gr_dot_newline(t);
		gr_buf_addf(t, "billed: %s", d);
	}
	if (b->o->prices) {
		int64_t pico;
		char money[48];
		gr_dot_newline(t);
		if (gr_node_cost(b->o->prices, n, &pico)) {
			gr_pico_dollars((gr_u128)pico, money, sizeof(money));
			gr_buf_addf(t, "cost: %s", money);
		} else {
			gr_buf_adds(t, "cost: unknown (no Billed Duration or Memory Size)");
		}
	}
	if (n->attempts > 1) {
		gr_dot_newline(t);
		gr_buf_addf(t, "attempts: %u", (unsigned)n->attempts);
	}
	if (n->critical) {
		gr_dot_newline(t);
		gr_buf_adds(t, "on the critical path");
	}
	gr_dot_set_text(b, an, "tooltip");

	if (n->stub) {
		gr_dot_set(b, an, "style", "dashed,rounded");
	} else if (n->status == GR_STATUS_ERROR) {
		gr_dot_set(b, an, "fillcolor", FILL_ERROR);
	} else if (n->status == GR_STATUS_TIMEOUT) {
		gr_dot_set(b, an, "fillcolor", FILL_TIMEOUT);
	}
	if (n->cold)
		gr_dot_set(b, an, "peripheries", "2");
	if (n->critical) {
		gr_dot_set(b, an, "color", COLOR_CRITICAL);
		gr_dot_set(b, an, "penwidth", "3");
	}
}

static void edge_attrs(struct gr_dot_build *b, Agedge_t *ae, const struct gr_edge *e,
		       bool free_rank)
{
	const struct gr_graph *g = b->m->g;
	struct gr_buf *t = &b->t;
	const char *kind = gr_kind_name(e->kind);
	bool heuristic = e->evidence && !strcmp(e->evidence, "heuristic");
	char d[32];

	gr_duration_format(e->delay_us, d, sizeof(d));
	gr_buf_reset(t);
	gr_buf_addf(t, "%s%s %s", kind, e->kind == GR_KIND_LAMBDA ? (e->sync ? " sync" : " async")
			: "", d);
	gr_dot_set_text(b, ae, "label");

	gr_buf_reset(t);
	gr_dot_texts(t, GR_DOT_TOOLTIP, g->nodes[e->from].id);
	gr_buf_adds(t, " -> ");
	gr_dot_texts(t, GR_DOT_TOOLTIP, g->nodes[e->to].id);
	gr_dot_newline(t);
	gr_buf_addf(t, "%s, %s", kind, e->sync ? "synchronous" : "asynchronous");
	gr_dot_newline(t);
	gr_buf_adds(t, "evidence: ");
	if (e->evidence)
		gr_dot_texts(t, GR_DOT_TOOLTIP, e->evidence);
	else
		gr_buf_adds(t, "unknown");
	gr_buf_addf(t, ", confidence %.3f", e->confidence);
	if (e->key) {
		gr_dot_newline(t);
		gr_buf_adds(t, "key: ");
		gr_dot_texts(t, GR_DOT_TOOLTIP, e->key);
	}
	add_time(t, "cause", e->cause_us);
	gr_dot_newline(t);
	gr_buf_addf(t, "trigger delay: %s", d);
	if (e->critical) {
		gr_dot_newline(t);
		gr_buf_adds(t, "on the critical path");
	}
	gr_dot_set_text(b, ae, "tooltip");

	if (heuristic)
		gr_dot_set(b, ae, "style", "dotted");
	else if (!e->sync)
		gr_dot_set(b, ae, "style", "dashed");
	if (e->critical) {
		gr_dot_set(b, ae, "color", COLOR_CRITICAL);
		gr_dot_set(b, ae, "penwidth", "3");
	}
	if (free_rank)
		gr_dot_set(b, ae, "constraint", "false");
}

static void run_label(struct gr_dot_build *b, Agraph_t *cl, size_t k, const struct gr_dot_run *r,
		      uint32_t shown)
{
	const struct gr_graph *g = b->m->g;
	const struct gr_node *root = &g->nodes[r->root];
	struct gr_buf *t = &b->t;
	char iso[40], d[32];

	gr_buf_reset(t);
	gr_buf_addf(t, "run %zu: ", k + 1);
	if (root->fn)
		gr_dot_texts(t, GR_DOT_LABEL, root->fn);
	else
		gr_buf_adds(t, "(unknown function)");
	gr_buf_adds(t, " ");
	gr_dot_text(t, GR_DOT_LABEL, root->id, strlen(root->id), 8);
	gr_dot_newline(t);
	if (r->start_us != INT64_MAX) {
		gr_time_format_iso(r->start_us, iso, sizeof(iso));
		gr_buf_adds(t, iso);
		if (r->end_us != INT64_MIN) {
			gr_duration_format(r->end_us - r->start_us, d, sizeof(d));
			gr_buf_addf(t, ", %s", d);
		}
		gr_buf_adds(t, ", ");
	}
	gr_buf_addf(t, "%u invocation%s", r->count, r->count == 1 ? "" : "s");
	if (r->errors)
		gr_buf_addf(t, ", %u failed", r->errors);
	if (shown != r->count)
		gr_buf_addf(t, "\\nonly %u of %u shown (--max-nodes)", shown, r->count);
	gr_dot_set_text(b, cl, "label");

	gr_buf_reset(t);
	gr_buf_adds(t, "root request id: ");
	gr_dot_texts(t, GR_DOT_TOOLTIP, root->id);
	add_time(t, "start", r->start_us == INT64_MAX ? GR_TIME_UNKNOWN : r->start_us);
	add_time(t, "end", r->end_us == INT64_MIN ? GR_TIME_UNKNOWN : r->end_us);
	gr_dot_set_text(b, cl, "tooltip");
	gr_dot_set(b, cl, "style", "rounded");
	gr_dot_set(b, cl, "color", "#7a8ca5");
}

int gr_dot_build_invocations(struct gr_dot_build *b)
{
	struct gr_dot_model *m = b->m;
	struct gr_graph *g = m->g;
	size_t nn = g->nnodes;
	size_t budget = b->o->max_nodes ? b->o->max_nodes : SIZE_MAX;
	Agnode_t **an = calloc(nn ? nn : 1, sizeof(*an));
	uint32_t *vis = malloc((nn ? nn : 1) * sizeof(*vis)); /* node -> display index */
	uint32_t *tmp = malloc((nn ? nn : 1) * sizeof(*tmp));
	/* the runs drawn, in time order */
	struct drawn { uint32_t run, take; /* run index, invocations drawn */ } *drawn = malloc((m->nruns ? m->nruns : 1) * sizeof(*drawn));
	size_t ndrawn = 0;
	uint32_t *tail = NULL, *head = NULL, *which = NULL;
	uint8_t *back = NULL;
	size_t shown = 0, runs_pruned = 0, pruned = 0, pruned_edges = 0, outside = 0, ndraw = 0;
	int rc = GR_ERR_NOMEM;
	bool full = false;

	if (!an || !vis || !tmp || !drawn)
		goto out;
	for (size_t i = 0; i < nn; i++)
		vis[i] = GR_NONE;

	/* whole runs in time order while they fit; a first run too large is cut */
	for (size_t k = 0; k < m->nruns; k++) {
		struct gr_dot_run *r = &m->runs[k];
		uint32_t take;
		if (!r->selected)
			continue;
		if (full || (shown + r->count > budget && shown > 0)) {
			full = true;
			runs_pruned++;
			pruned += r->count;
			for (uint32_t j = 0; j < r->count; j++)
				if (!g->nodes[m->members[r->first + j]].stub)
					b->not_shown++;
			continue;
		}
		gr_dot_run_order(m, k);
		take = r->count;
		memcpy(tmp, m->members + r->first, r->count * sizeof(*tmp));
		if (shown + r->count > budget) {
			take = (uint32_t)(budget - shown);
			qsort_r(tmp, r->count, sizeof(*tmp), cmp_keep, g);
			for (uint32_t j = take; j < r->count; j++)
				if (!g->nodes[tmp[j]].stub)
					b->not_shown++;
			pruned += r->count - take;
			full = true;
		}
		for (uint32_t j = 0; j < take; j++)
			vis[tmp[j]] = 1;
		/* display indices (and names) in time order, whatever order the cut chose */
		for (uint32_t j = 0; j < r->count; j++) {
			uint32_t v = m->members[r->first + j];
			if (vis[v] != GR_NONE)
				vis[v] = (uint32_t)shown++;
		}
		drawn[ndrawn].run = (uint32_t)k;
		drawn[ndrawn++].take = take;
	}

	/*
	 * Clusters and nodes. dot lays LR out as TB turned a quarter: the first nodes of
	 * a rank end up at the bottom. Created last first, the first run is on top.
	 */
	bool flip = b->o->rankdir && (!strcmp(b->o->rankdir, "LR") || !strcmp(b->o->rankdir, "RL"));
	for (size_t d = 0; d < ndrawn; d++) {
		size_t k = drawn[flip ? ndrawn - 1 - d : d].run;
		uint32_t take = drawn[flip ? ndrawn - 1 - d : d].take;
		struct gr_dot_run *r = &m->runs[k];
		char name[40];

		snprintf(name, sizeof(name), "cluster_run%zu", k + 1);
		Agraph_t *cl = agsubg(b->g, name, 1);
		run_label(b, cl, k, r, take);
		for (uint32_t j = 0; j < r->count; j++) {
			uint32_t v = m->members[r->first + (flip ? r->count - 1 - j : j)];
			if (vis[v] == GR_NONE)
				continue;
			snprintf(name, sizeof(name), "i%u", vis[v] + 1);
			an[v] = agnode(cl, name, 1);
			node_attrs(b, an[v], &g->nodes[v], r);
		}
	}

	/* edges between drawn invocations, canonical order; back and cross-run edges free */
	tail = malloc((m->nedges ? m->nedges : 1) * sizeof(*tail));
	head = malloc((m->nedges ? m->nedges : 1) * sizeof(*head));
	which = malloc((m->nedges ? m->nedges : 1) * sizeof(*which));
	back = malloc(m->nedges ? m->nedges : 1);
	if (!tail || !head || !which || !back)
		goto out;
	for (size_t i = 0; i < m->nedges; i++) {
		const struct gr_edge *e = &g->edges[m->edges[i]];
		if (!m->keep[e->from] && !m->keep[e->to])
			continue;
		if (!m->keep[e->from] || !m->keep[e->to]) {
			outside++;
			continue;
		}
		if (vis[e->from] == GR_NONE || vis[e->to] == GR_NONE) {
			pruned_edges++;
			continue;
		}
		tail[ndraw] = vis[e->from];
		head[ndraw] = vis[e->to];
		which[ndraw++] = m->edges[i];
	}
	if (gr_dot_back_edges(shown, tail, head, ndraw, back))
		goto out;
	for (size_t i = 0; i < ndraw; i++) {
		const struct gr_edge *e = &g->edges[which[i]];
		Agedge_t *ae = agedge(b->g, an[e->from], an[e->to], NULL, 1);
		edge_attrs(b, ae, e, back[i] || m->run_of[e->from] != m->run_of[e->to]);
	}
	/* edge records hidden with pruned invocations (duplicates of drawn edges are merged) */
	for (size_t i = 0; i < g->nedges; i++) {
		const struct gr_edge *e = &g->edges[i];
		if (m->keep[e->from] && m->keep[e->to] &&
		    (vis[e->from] == GR_NONE || vis[e->to] == GR_NONE))
			b->not_shown++;
	}

	b->sum->shown = shown;
	b->sum->pruned = pruned;
	b->sum->runs_pruned = runs_pruned;
	b->sum->edges_shown = ndraw;
	b->sum->edges_hidden = pruned_edges + outside;
	if (pruned || pruned_edges || outside) {
		struct gr_buf *t = &b->t;
		gr_buf_reset(t);
		gr_buf_adds(t, "not shown:");
		if (pruned) {
			gr_dot_newline(t);
			gr_buf_addf(t, "%zu invocation%s", pruned, pruned == 1 ? "" : "s");
			if (runs_pruned)
				gr_buf_addf(t, " (%zu more run%s)", runs_pruned,
					    runs_pruned == 1 ? "" : "s");
			gr_buf_addf(t, " over --max-nodes %zu", budget);
		}
		if (pruned_edges) {
			gr_dot_newline(t);
			gr_buf_addf(t, "%zu edge%s to or from them", pruned_edges,
				    pruned_edges == 1 ? "" : "s");
		}
		if (outside) {
			gr_dot_newline(t);
			gr_buf_addf(t, "%zu edge%s to runs outside the selection", outside,
				    outside == 1 ? "" : "s");
		}
		if (pruned) {
			gr_dot_newline(t);
			gr_buf_adds(t, "narrow with --root, --trace, --function, --since/--until,");
			gr_dot_newline(t);
			gr_buf_adds(t, "raise --max-nodes, or draw --view functions");
		}
		gr_dot_note(b, "not_shown");
	}
	rc = 0;
out:
	if (rc && !b->errmsg[0])
		snprintf(b->errmsg, sizeof(b->errmsg), "out of memory");
	free(an);
	free(vis);
	free(tmp);
	free(drawn);
	free(tail);
	free(head);
	free(which);
	free(back);
	return rc;
}
