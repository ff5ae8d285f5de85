/* infer_out.c: gammaray-infer's output: acyclicity, function-level loops, unmatched evidence, the graph stream. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "infer/infer.h"

static const char *const what_names[] = {
	[U_TRIGGER] = "trigger",
	[U_CAUSE] = "cause",
	[U_XRAY_PARENT] = "xray-parent",
	[U_XRAY_LINK] = "xray-link",
};

void gr_inf_unmatched_causes(struct gr_infer *inf)
{
	for (size_t i = 0; i < inf->causes.n; i++) {
		struct gr_inf_cause *c = INF_CAUSE(inf, i);
		if (c->flags & (CF_USED | CF_XRAY | CF_SPAN))
			continue;
		c->flags |= CF_USED;
		gr_inf_unm_add(inf, U_CAUSE, c->kind, c->node, c->ts, c->text, 0);
	}
}

/* --- cycles ------------------------------------------------------------------ */

int gr_inf_acyclic(size_t nn, const uint32_t *from, const uint32_t *to, size_t ne, uint8_t *dead,
		   uint64_t *broken)
{
	uint32_t *off = NULL, *adj = NULL, *stack_n = NULL, *stack_p = NULL;
	uint8_t *color = NULL;
	int rc = GR_ERR_NOMEM;

	if (!ne)
		return 0;
	off = calloc(nn + 1, sizeof(*off));
	adj = malloc(ne * sizeof(*adj));
	color = calloc(nn + 1, 1);
	stack_n = malloc((nn + 1) * sizeof(*stack_n));
	stack_p = malloc((nn + 1) * sizeof(*stack_p));
	if (!off || !adj || !color || !stack_n || !stack_p)
		goto out;
	for (size_t i = 0; i < ne; i++)
		off[from[i] + 1]++;
	for (size_t i = 0; i < nn; i++)
		off[i + 1] += off[i];
	/* stack_n serves as the fill pointers while the adjacency is built: each
	 * node's edges stay in the given order */
	memcpy(stack_n, off, nn * sizeof(*stack_n));
	for (size_t i = 0; i < ne; i++)
		adj[stack_n[from[i]]++] = (uint32_t)i;
	/* depth-first, iterative, from the sources in the order of their first edge: an
	 * edge to a node on the stack closes a cycle */
	for (size_t i = 0; i < ne; i++) {
		uint32_t v = from[i];
		if (color[v])
			continue;
		size_t sp = 0;
		stack_n[sp] = v;
		stack_p[sp++] = off[v];
		color[v] = 1;
		while (sp) {
			uint32_t u = stack_n[sp - 1];
			if (stack_p[sp - 1] == off[u + 1]) {
				color[u] = 2;
				sp--;
				continue;
			}
			uint32_t e = adj[stack_p[sp - 1]++];
			if (dead[e])
				continue;
			if (color[to[e]] == 1) {
				dead[e] = 1;
				(*broken)++;
			} else if (!color[to[e]]) {
				color[to[e]] = 1;
				stack_n[sp] = to[e];
				stack_p[sp++] = off[to[e]];
			}
		}
	}
	rc = 0;
out:
	free(off);
	free(adj);
	free(color);
	free(stack_n);
	free(stack_p);
	return rc;
}

static int cmp_out_edge(const void *a, const void *b, void *ctx);

void gr_inf_break_cycles(struct gr_infer *inf, size_t first)
{
	size_t ne = 0, cap = inf->edges.n - first;
	uint32_t *eo, *from, *to;
	uint8_t *dead;

	if (!cap)
		return;
	eo = malloc(cap * sizeof(*eo));
	from = malloc(cap * sizeof(*from));
	to = malloc(cap * sizeof(*to));
	dead = calloc(cap, 1);
	if (!eo || !from || !to || !dead) {
		gr_inf_fail(inf, GR_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (size_t i = first; i < inf->edges.n; i++)
		if (!INF_EDGE(inf, i)->dead)
			eo[ne++] = (uint32_t)i;
	/* in the graph's order, so that which edge of a cycle goes does not depend on
	 * the order the records came in */
	qsort_r(eo, ne, sizeof(*eo), cmp_out_edge, inf);
	for (size_t i = 0; i < ne; i++) {
		from[i] = INF_EDGE(inf, eo[i])->from;
		to[i] = INF_EDGE(inf, eo[i])->to;
	}
	if (gr_inf_acyclic(inf->nodes.n, from, to, ne, dead, &inf->st.cycles_broken)) {
		gr_inf_fail(inf, GR_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < ne; i++)
		if (dead[i])
			INF_EDGE(inf, eo[i])->dead = 1;
out:
	free(eo);
	free(from);
	free(to);
	free(dead);
}

/* --- function-level loops ---------------------------------------------------- */

/* One function-level edge. */
struct fedge {
	uint32_t a, b;   /* function indices (namev) */
	uint32_t kinds;  /* 1 << kind of every edge between them */
};

static int cmp_fedge(const void *x, const void *y)
{
	const struct fedge *p = x, *q = y;

	if (p->a != q->a)
		return p->a < q->a ? -1 : 1;
	return (p->b > q->b) - (p->b < q->b);
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

static uint32_t fn_index(const struct gr_infer *inf, const char *fn)
{
	uint32_t *v = fn ? gr_strmap_get(&inf->names, fn, strlen(fn)) : NULL;

	return v ? *v : INF_NONE;
}

/* "a -> b -> a (s3, sqs)" for the cycle path[0..n) (path[n-1] links back to path[0]). */
static void add_loop(struct gr_infer *inf, const uint32_t *path, size_t n, uint32_t kinds)
{
	struct gr_buf b = GR_BUF_INIT;
	const char *const *names = inf->namev.v;
	int rc = 0;

	for (size_t i = 0; i < n; i++)
		rc |= gr_buf_addf(&b, "%s -> ", names[path[i]]);
	rc |= gr_buf_addf(&b, "%s (", names[path[0]]);
	bool any = false;
	for (int k = 1; k < GR_KIND_COUNT; k++)
		if (kinds & (1u << k)) {
			rc |= gr_buf_addf(&b, "%s%s", any ? ", " : "", gr_kind_name((enum gr_kind)k));
			any = true;
		}
	rc |= gr_buf_addc(&b, ')');
	char **slot = rc ? NULL : gr_inf_vec_push(inf, &inf->loops, sizeof(*slot));
	if (!slot) {
		gr_buf_release(&b);
		gr_inf_fail(inf, GR_ERR_NOMEM, "out of memory");
		return;
	}
	*slot = gr_buf_detach(&b, NULL);
}

void gr_inf_find_loops(struct gr_infer *inf)
{
	size_t nf = inf->namev.n, ne = 0;
	struct fedge *fe = malloc((inf->fedges.n + 1) * sizeof(*fe));
	uint32_t *off = calloc(nf + 1, sizeof(*off)), *idx = NULL, *low = NULL, *num = NULL;
	uint32_t *stk = NULL, *cs = NULL, *cp = NULL, *comp = NULL, *prev = NULL, *queue = NULL;
	uint8_t *on = NULL;

	if (!fe || !off)
		goto oom;
	for (size_t i = 0; i < inf->fedges.n; i++) {
		const struct gr_inf_fedge *f = INF_AT(inf, fedges, struct gr_inf_fedge, i);
		fe[ne++] = (struct fedge){ f->a, f->b, f->kinds };
	}
	qsort(fe, ne, sizeof(*fe), cmp_fedge);
	size_t m = 0;
	for (size_t i = 0; i < ne; i++) {
		if (m && fe[m - 1].a == fe[i].a && fe[m - 1].b == fe[i].b)
			fe[m - 1].kinds |= fe[i].kinds;
		else
			fe[m++] = fe[i];
	}
	ne = m;
	for (size_t i = 0; i < ne; i++)
		off[fe[i].a + 1]++;
	for (size_t i = 0; i < nf; i++)
		off[i + 1] += off[i];
	/* fe is sorted by a: the edges of a are fe[off[a]..off[a+1]) */
	idx = malloc((nf + 1) * sizeof(*idx));
	low = malloc((nf + 1) * sizeof(*low));
	num = calloc(nf + 1, sizeof(*num));
	stk = malloc((nf + 1) * sizeof(*stk));
	cs = malloc((nf + 1) * sizeof(*cs));
	cp = malloc((nf + 1) * sizeof(*cp));
	comp = malloc((nf + 1) * sizeof(*comp));
	prev = malloc((nf + 1) * sizeof(*prev));
	queue = malloc((nf + 1) * sizeof(*queue));
	on = calloc(nf + 1, 1);
	if (!idx || !low || !num || !stk || !cs || !cp || !comp || !prev || !queue || !on)
		goto oom;
	/* Tarjan's strongly connected components, iteratively */
	uint32_t counter = 0, ncomp = 0;
	size_t sp = 0;
	for (size_t v0 = 0; v0 < nf; v0++) {
		if (num[v0])
			continue;
		size_t csp = 0;
		cs[csp] = (uint32_t)v0;
		cp[csp++] = off[v0];
		num[v0] = low[v0] = ++counter;
		stk[sp++] = (uint32_t)v0;
		on[v0] = 1;
		while (csp) {
			uint32_t v = cs[csp - 1];
			if (cp[csp - 1] < off[v + 1]) {
				uint32_t w = fe[cp[csp - 1]++].b;
				if (!num[w]) {
					num[w] = low[w] = ++counter;
					stk[sp++] = w;
					on[w] = 1;
					cs[csp] = w;
					cp[csp++] = off[w];
				} else if (on[w] && num[w] < low[v]) {
					low[v] = num[w];
				}
				continue;
			}
			csp--;
			if (csp && low[v] < low[cs[csp - 1]])
				low[cs[csp - 1]] = low[v];
			if (low[v] == num[v]) {
				uint32_t w;
				do {
					w = stk[--sp];
					on[w] = 0;
					comp[w] = ncomp;
				} while (w != v);
				ncomp++;
			}
		}
	}
	/* self-loops (a function triggering itself directly), each with its kinds */
	for (size_t i = 0; i < ne; i++)
		if (fe[i].a == fe[i].b) {
			uint32_t v = fe[i].a;
			add_loop(inf, &v, 1, fe[i].kinds);
		}
	/* each larger component: the shortest cycle through its first name, with the
	 * kinds of the edges between its functions */
	for (uint32_t cix = 0; cix < ncomp; cix++) {
		uint32_t start = INF_NONE, size = 0, kinds = 0;
		const char *const *names = inf->namev.v;
		for (size_t v = 0; v < nf; v++) {
			if (comp[v] != cix)
				continue;
			size++;
			if (start == INF_NONE || strcmp(names[v], names[start]) < 0)
				start = (uint32_t)v;
		}
		if (size < 2)
			continue;
		for (size_t i = 0; i < ne; i++)
			if (comp[fe[i].a] == cix && comp[fe[i].b] == cix && fe[i].a != fe[i].b)
				kinds |= fe[i].kinds;
		/* breadth-first from start back to start inside the component */
		size_t qh = 0, qt = 0;
		for (size_t v = 0; v < nf; v++)
			prev[v] = INF_NONE;
		queue[qt++] = start;
		uint32_t last = INF_NONE;
		while (qh < qt && last == INF_NONE) {
			uint32_t v = queue[qh++];
			for (uint32_t k = off[v]; k < off[v + 1]; k++) {
				uint32_t w = fe[k].b;
				if (comp[w] != cix || w == v)
					continue;
				if (w == start) {
					last = v;
					break;
				}
				if (prev[w] == INF_NONE) {
					prev[w] = v;
					queue[qt++] = w;
				}
			}
		}
		size_t n = 0;
		for (uint32_t v = last; v != INF_NONE && v != start && n < nf; v = prev[v])
			stk[n++] = v;
		stk[n++] = start;
		for (size_t i = 0; i < n / 2; i++) {
			uint32_t t = stk[i];
			stk[i] = stk[n - 1 - i];
			stk[n - 1 - i] = t;
		}
		add_loop(inf, stk, n, kinds);
	}
	if (inf->loops.n)
		qsort(inf->loops.v, inf->loops.n, sizeof(char *), cmp_str);
	goto out;
oom:
	gr_inf_fail(inf, GR_ERR_NOMEM, "out of memory");
out:
	free(fe);
	free(off);
	free(idx);
	free(low);
	free(num);
	free(stk);
	free(cs);
	free(cp);
	free(comp);
	free(prev);
	free(queue);
	free(on);
}

/* --- writing ----------------------------------------------------------------- */

/* A node to write, with its sort key. */
struct out_node {
	int64_t start;    /* start_us */
	uint32_t node;    /* index */
};

static int cmp_out_node(const void *a, const void *b, void *ctx)
{
	const struct gr_infer *sort_inf = ctx;
	const struct out_node *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return strcmp(((const struct gr_inf_node *)sort_inf->nodes.v)[x->node].id,
		      ((const struct gr_inf_node *)sort_inf->nodes.v)[y->node].id);
}

static int cmp_out_edge(const void *a, const void *b, void *ctx)
{
	const struct gr_infer *sort_inf = ctx;
	const struct gr_inf_edge *x = &((const struct gr_inf_edge *)sort_inf->edges.v)[*(const uint32_t *)a];
	const struct gr_inf_edge *y = &((const struct gr_inf_edge *)sort_inf->edges.v)[*(const uint32_t *)b];
	const struct gr_inf_node *n = sort_inf->nodes.v;
	int c;

	if (x->cause_us != y->cause_us)
		return x->cause_us < y->cause_us ? -1 : 1;
	if ((c = strcmp(n[x->from].id, n[y->from].id)))
		return c;
	if ((c = strcmp(n[x->to].id, n[y->to].id)))
		return c;
	return (int)x->kind - (int)y->kind;
}

static int cmp_out_unm(const void *a, const void *b, void *ctx)
{
	const struct gr_infer *sort_inf = ctx;
	const struct gr_inf_unm *x = a, *y = b;
	const struct gr_inf_node *n = sort_inf->nodes.v;
	int c;

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	if ((c = strcmp(n[x->node].id, n[y->node].id)))
		return c;
	if (x->what != y->what)
		return (int)x->what - (int)y->what;
	if (x->kind != y->kind)
		return (int)x->kind - (int)y->kind;
	if ((c = strcmp(x->key ? x->key : "", y->key ? y->key : "")))
		return c;
	return (x->seg > y->seg) - (x->seg < y->seg);
}

/* Hand the buffered output over when it is large (or always, with force). */
static int flush(struct gr_infer *inf, bool force)
{
	int rc;

	if (inf->w.err)
		return inf->w.err;
	if (!inf->out.len || (!force && inf->out.len < (1u << 20)))
		return 0;
	rc = inf->o.write(inf->o.write_ctx, inf->out.data, inf->out.len);
	gr_buf_reset(&inf->out);
	return rc;
}

void gr_inf_unm_json(const struct gr_infer *inf, const struct gr_inf_unm *u, struct gr_jw *w)
{
	const struct gr_inf_node *n = &((const struct gr_inf_node *)inf->nodes.v)[u->node];
	const char *fn = gr_inf_node_fn(inf, n);

	gr_jw_begin(w);
	gr_jw_cstr(w, "type", "unmatched");
	gr_jw_cstr(w, "what", what_names[u->what]);
	gr_jw_cstr(w, "req", n->id);
	if (fn)
		gr_jw_cstr(w, "fn", fn);
	if (u->kind)
		gr_jw_cstr(w, "kind", gr_kind_name((enum gr_kind)u->kind));
	if (u->key)
		gr_jw_cstr(w, "key", u->key);
	if (u->seg) {
		char b[17];
		snprintf(b, sizeof(b), "%016llx", (unsigned long long)u->seg);
		gr_jw_cstr(w, "segment", b);
	}
	if (u->ts != GR_TIME_UNKNOWN)
		gr_jw_int(w, "ts", u->ts);
	gr_jw_end(w);
}

void gr_inf_fn_edge(struct gr_infer *inf, const struct gr_inf_edge *e)
{
	uint32_t a = fn_index(inf, gr_inf_node_fn(inf, INF_NODE(inf, e->from)));
	uint32_t b = fn_index(inf, gr_inf_node_fn(inf, INF_NODE(inf, e->to)));
	int added;

	if (a == INF_NONE || b == INF_NONE)
		return;
	uint32_t *v = gr_fpmap_put(&inf->fedge_ix, gr_fp_mix_u64(gr_fp_mix_u64(7, a), b),
				   (uint32_t)inf->fedges.n, &added);
	if (!v) {
		gr_inf_fail(inf, GR_ERR_NOMEM, "out of memory");
		return;
	}
	if (added) {
		struct gr_inf_fedge *f = gr_inf_vec_push(inf, &inf->fedges, sizeof(*f));
		if (!f)
			return;
		f->a = a;
		f->b = b;
	}
	INF_AT(inf, fedges, struct gr_inf_fedge, *v)->kinds |= 1u << e->kind;
}

int gr_inf_write(struct gr_infer *inf, const uint32_t *nodes, size_t nn, size_t first,
	      size_t ufirst)
{
	size_t count = nodes ? nn : inf->nodes.n, n = 0;
	struct out_node *on = malloc((count + 1) * sizeof(*on));
	uint32_t *eo = malloc((inf->edges.n - first + 1) * sizeof(*eo));
	int rc = 0;

	if (!on || !eo) {
		free(on);
		free(eo);
		return GR_ERR_NOMEM;
	}
	if (!inf->written_header) {
		struct gr_jw hw;
		gr_jw_init(&hw, &inf->out);
		gr_graph_write_header(&hw);
		inf->written_header = true;
	}
	for (size_t i = 0; i < count; i++) {
		uint32_t ni = nodes ? nodes[i] : (uint32_t)i;
		const struct gr_inf_node *nd = INF_NODE(inf, ni);
		if (!(nd->flags & NF_RUN) || (nd->flags & NF_RELEASED))
			continue;
		on[n].start = gr_inf_node_start(inf, nd);
		on[n++].node = ni;
	}
	qsort_r(on, n, sizeof(*on), cmp_out_node, inf);
	for (size_t i = 0; i < n && !rc; i++) {
		struct gr_inf_node *nd = INF_NODE(inf, on[i].node);
		struct gr_node g;
		gr_inf_node_out(inf, nd, &g);
		gr_graph_write_node(&inf->w, &g);
		nd->flags |= NF_RELEASED;
		if (inf->o.window_us &&
		    !gr_fpmap_put(&inf->released, gr_inf_fp1(T_REQ, nd->id, strlen(nd->id)), 0, NULL))
			rc = GR_ERR_NOMEM;
		inf->st.invocations++;
		inf->st.io.events_out++;
		if (nd->attempts > 1)
			inf->st.retried++;
		rc = flush(inf, false);
	}
	size_t ne = 0;
	for (size_t i = first; i < inf->edges.n; i++)
		if (!INF_EDGE(inf, i)->dead)
			eo[ne++] = (uint32_t)i;
	qsort_r(eo, ne, sizeof(*eo), cmp_out_edge, inf);
	struct gr_node two[2];
	struct gr_graph g2;
	memset(two, 0, sizeof(two));
	memset(&g2, 0, sizeof(g2));
	g2.nodes = two;
	g2.nnodes = 2;
	for (size_t i = 0; i < ne && !rc; i++) {
		const struct gr_inf_edge *e = INF_EDGE(inf, eo[i]);
		const struct gr_inf_node *to = INF_NODE(inf, e->to), *from = INF_NODE(inf, e->from);
		struct gr_edge ge = { 0 };
		two[0].id = from->id;
		two[1].id = to->id;
		int64_t start = to->start_ts != GR_TIME_UNKNOWN ? to->start_ts : gr_inf_node_start(inf, to);
		gr_inf_edge_out(e, start, &ge);
		gr_graph_write_edge(&inf->w, &g2, &ge);
		inf->st.edges++;
		inf->st.io.events_out++;
		inf->st.edges_kind[e->kind]++;
		inf->st.edges_evidence[e->evidence]++;
		if (e->conf < 0.9995f)
			inf->st.uncertain++;
		if (!(from->flags & NF_RUN) && !(from->flags & NF_RELEASED)) {
			inf->st.referenced++;
			INF_NODE(inf, e->from)->flags |= NF_RELEASED;
		}
		gr_inf_fn_edge(inf, e);
		rc = flush(inf, false);
	}
	if (ufirst < inf->unms.n)
		qsort_r(INF_AT(inf, unms, struct gr_inf_unm, ufirst), inf->unms.n - ufirst,
			sizeof(struct gr_inf_unm), cmp_out_unm, inf);
	for (size_t i = ufirst; i < inf->unms.n && !rc; i++) {
		gr_inf_unm_json(inf, INF_AT(inf, unms, struct gr_inf_unm, i), &inf->w);
		inf->st.io.events_out++;
		rc = flush(inf, false);
	}
	if (!rc)
		rc = flush(inf, true);
	free(on);
	free(eo);
	return rc;
}

int gr_inf_write_stats(struct gr_infer *inf)
{
	int rc;

	if (!inf->written_header) {
		struct gr_jw hw;
		gr_jw_init(&hw, &inf->out);
		gr_graph_write_header(&hw);
		inf->written_header = true;
	}
	for (size_t i = 0; i < inf->nupstream; i++)
		gr_ev_stats(&inf->w, inf->upstream_stage[i], &inf->upstream[i]);
	gr_ev_stats(&inf->w, "infer", &inf->st.io);
	if ((rc = flush(inf, true)))
		return rc;
	return 0;
}
