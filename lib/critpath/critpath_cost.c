/* critpath_cost.c: what the runs cost, on their critical paths and off them (gammaray-critpath --cost). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "critpath/critpath.h"

void gr_cp_cost_init(struct gr_cp_cost *c)
{
	memset(c, 0, sizeof(*c));
}

void gr_cp_cost_release(struct gr_cp_cost *c)
{
	free(c->node);
	free(c->runs);
	free(c->groups);
	free(c->fns);
	gr_strmap_release(&c->map);
	gr_arena_release(&c->arena);
	memset(c, 0, sizeof(*c));
}

/* The row keyed tag + label in rows (created empty), or NULL when out of memory. */
static struct gr_cp_cost_row *row(struct gr_cp_cost *c, char tag, const char *label,
				  struct gr_cp_cost_row **rows, size_t *n, size_t *cap)
{
	size_t len = strlen(label);
	char small[256], *k = small;

	if (len + 1 > sizeof(small) && !(k = gr_arena_alloc(&c->arena, len + 2)))
		return NULL;
	k[0] = tag;
	memcpy(k + 1, label, len + 1);
	uint32_t *ix = gr_strmap_get(&c->map, k, len + 1);
	if (ix)
		return &(*rows)[*ix];
	if (k == small && !(k = gr_arena_strdup(&c->arena, small, len + 1)))
		return NULL;
	if (GR_GROW(*rows, *n, *cap) || !gr_strmap_put(&c->map, k, len + 1, (uint32_t)*n, NULL))
		return NULL;
	struct gr_cp_cost_row *r = &(*rows)[*n];
	memset(r, 0, sizeof(*r));
	r->label = k + 1;
	return &(*rows)[(*n)++];
}

static void money_add(struct gr_cp_money *m, int64_t pico, bool on)
{
	if (on) {
		m->n_path++;
		if (pico < 0)
			m->unknown_path++;
		else
			m->path += (gr_u128)pico;
	} else {
		m->n_off++;
		if (pico < 0)
			m->unknown_off++;
		else
			m->off += (gr_u128)pico;
	}
}

static void money_sum(struct gr_cp_money *into, const struct gr_cp_money *m)
{
	into->path += m->path;
	into->off += m->off;
	into->n_path += m->n_path;
	into->n_off += m->n_off;
	into->unknown_path += m->unknown_path;
	into->unknown_off += m->unknown_off;
}

static int cmp_fn(const void *a, const void *b)
{
	const struct gr_cp_cost_row *x = a, *y = b;
	gr_u128 cx = x->m.path + x->m.off, cy = y->m.path + y->m.off;

	if (cx != cy)
		return cx > cy ? -1 : 1;
	return strcmp(x->label, y->label);
}

int gr_cp_cost_build(struct gr_cp_cost *c, const struct gr_graph *g, const struct gr_cp *cp,
		     struct gr_prices *p)
{
	size_t n = g->nnodes;
	uint32_t *seen = NULL, *on = NULL, *stack = NULL, *members = NULL;
	int rc = GR_ERR_NOMEM;

	gr_cp_cost_init(c);
	if (!(c->node = malloc((n ? n : 1) * sizeof(*c->node))) ||
	    !(c->runs = calloc(cp->nruns + 1, sizeof(*c->runs))) ||
	    !(seen = malloc((n ? n : 1) * sizeof(*seen))) ||
	    !(on = malloc((n ? n : 1) * sizeof(*on))) ||
	    !(stack = malloc((n ? n : 1) * sizeof(*stack))) ||
	    !(members = malloc((n ? n : 1) * sizeof(*members))))
		goto out;
	for (size_t i = 0; i < n; i++) {
		int64_t pico;
		if (gr_node_cost(p, &g->nodes[i], &pico)) {
			c->node[i] = pico;
			c->total += (gr_u128)pico;
			c->known++;
		} else {
			c->node[i] = -1;
			c->unknown++;
		}
		seen[i] = on[i] = UINT32_MAX;
	}
	if (!row(c, 'g', "", &c->groups, &c->ngroups, &c->cap_groups))
		goto out;
	for (size_t r = 0; r < cp->nruns; r++) {
		const struct gr_cp_run *run = &cp->runs[r];
		struct gr_cp_money *m = &c->runs[r];
		size_t sp = 0, nm = 0;
		/* the critical set: the path's invocations and the callees it descends into */
		for (uint32_t h = 0; h < run->nhop; h++) {
			const struct gr_cp_hop *hop = &cp->hops[run->hop0 + h];
			on[hop->node] = (uint32_t)r;
			for (uint32_t s = 0; s < hop->nseg; s++)
				if (cp->segs[hop->seg0 + s].type == GR_CP_SYNC)
					on[cp->segs[hop->seg0 + s].node] = (uint32_t)r;
		}
		/* R: what the root reaches */
		seen[run->root] = (uint32_t)r;
		stack[sp++] = run->root;
		while (sp) {
			uint32_t v = stack[--sp];
			members[nm++] = v;
			for (uint32_t e = g->nodes[v].out; e != GR_NONE; e = g->edges[e].next_out) {
				uint32_t u = g->edges[e].to;
				if (seen[u] != (uint32_t)r) {
					seen[u] = (uint32_t)r;
					stack[sp++] = u;
				}
			}
		}
		for (size_t i = 0; i < nm; i++) {
			uint32_t v = members[i];
			bool crit = on[v] == (uint32_t)r;
			money_add(m, c->node[v], crit);
			struct gr_cp_cost_row *f = row(c, 'f', gr_cp_node_fn(&g->nodes[v]), &c->fns,
						       &c->nfns, &c->cap_fns);
			if (!f)
				goto out;
			money_add(&f->m, c->node[v], crit);
		}
		struct gr_cp_cost_row *grp = row(c, 'g', gr_cp_node_fn(&g->nodes[run->root]),
						 &c->groups, &c->ngroups, &c->cap_groups);
		if (!grp)
			goto out;
		grp->runs++;
		money_sum(&grp->m, m);
		c->groups[0].runs++;
		money_sum(&c->groups[0].m, m);
	}
	/* the group map stays valid (groups are not moved); the functions are sorted, so
	 * their keys are forgotten */
	if (c->nfns > 1)
		qsort(c->fns, c->nfns, sizeof(*c->fns), cmp_fn);
	rc = 0;
out:
	free(seen);
	free(on);
	free(stack);
	free(members);
	return rc;
}

const struct gr_cp_cost_row *gr_cp_cost_group(const struct gr_cp_cost *c, const char *label)
{
	for (size_t i = 0; i < c->ngroups; i++)
		if (!strcmp(c->groups[i].label, label))
			return &c->groups[i];
	return NULL;
}

/* --- text ---------------------------------------------------------------------- */

static uint64_t known(const struct gr_cp_money *m)
{
	return m->n_path + m->n_off - m->unknown_path - m->unknown_off;
}

int gr_cp_cost_text_graph(struct gr_buf *b, const struct gr_cp_cost *c)
{
	char d[64];

	if (!c->known && c->unknown)
		return gr_buf_addf(b, "cost of the graph unknown: %llu invocation%s, none with a "
				   "Billed Duration and Memory Size (X-Ray or spans only)\n",
				   (unsigned long long)c->unknown, c->unknown == 1 ? "" : "s");
	gr_pico_dollars(c->total, d, sizeof(d));
	int rc = gr_buf_addf(b, "cost of the graph: %s for its %llu invocation%s of known cost", d,
			     (unsigned long long)c->known, c->known == 1 ? "" : "s");
	if (!rc && c->unknown)
		rc = gr_buf_addf(b, "; %llu of unknown cost (no Billed Duration or Memory Size: "
				 "X-Ray or spans only), not counted as free",
				 (unsigned long long)c->unknown);
	return rc ? rc : gr_buf_adds(b, "\n");
}

int gr_cp_cost_text_group(struct gr_buf *b, const struct gr_cp_cost_row *g)
{
	const struct gr_cp_money *m = &g->m;
	uint64_t unknown = m->unknown_path + m->unknown_off;
	gr_u128 all = m->path + m->off;
	char d[64], mean[64], on[64], off[64];
	int rc;

	if (!known(m))
		return gr_buf_addf(b, "  cost unknown: %llu invocation%s, none with a Billed "
				   "Duration and Memory Size\n", (unsigned long long)unknown,
				   unknown == 1 ? "" : "s");
	gr_pico_dollars(all, d, sizeof(d));
	gr_pico_dollars(g->runs ? (all + g->runs / 2) / g->runs : 0, mean, sizeof(mean));
	gr_pico_dollars(m->path, on, sizeof(on));
	gr_pico_dollars(m->off, off, sizeof(off));
	if ((rc = gr_buf_addf(b, "  cost %s", d)) ||
	    (!unknown && (rc = gr_buf_addf(b, ", %s a run", mean))) ||
	    (rc = gr_buf_addf(b, "; on the critical path %s (%.1f%%), off it %s (%.1f%%): this "
			      "money buys no latency", on, all ? 100.0 * (double)m->path / (double)all
							  : 0.0,
			      off, all ? 100.0 * (double)m->off / (double)all : 0.0)))
		return rc;
	if (unknown &&
	    (rc = gr_buf_addf(b, "; %llu invocation%s of unknown cost (%llu on the path) not in "
			      "these sums", (unsigned long long)unknown, unknown == 1 ? "" : "s",
			      (unsigned long long)m->unknown_path)))
		return rc;
	return gr_buf_adds(b, "\n");
}

int gr_cp_cost_text_run(struct gr_buf *b, const struct gr_cp_cost *c, size_t run)
{
	const struct gr_cp_money *m = &c->runs[run];
	uint64_t unknown = m->unknown_path + m->unknown_off;
	char d[64], off[64];
	int rc;

	if (!known(m))
		return gr_buf_adds(b, ", cost unknown");
	gr_pico_dollars(m->path + m->off, d, sizeof(d));
	gr_pico_dollars(m->off, off, sizeof(off));
	if ((rc = gr_buf_addf(b, ", cost %s (%s off the path)", d, off)))
		return rc;
	if (unknown)
		return gr_buf_addf(b, ", %llu of unknown cost", (unsigned long long)unknown);
	return 0;
}

int gr_cp_cost_text_fns(struct gr_buf *b, const struct gr_cp_cost *c, bool bold)
{
	char d[64], on[64], off[64];
	int rc;

	if (!c->nfns)
		return 0;
	if ((rc = gr_buf_addf(b, "\n%scost by function%s (over the runs; off the path: buys no "
			      "latency)\n  %-32s %11s %7s %18s %18s %18s\n", bold ? "\033[1m" : "",
			      bold ? "\033[0m" : "", "function", "invocations", "unknown", "cost",
			      "on the path", "off the path")))
		return rc;
	for (size_t i = 0; i < c->nfns; i++) {
		const struct gr_cp_cost_row *f = &c->fns[i];
		int w = 0;
		if (known(&f->m)) {
			gr_pico_dollars(f->m.path + f->m.off, d, sizeof(d));
			gr_pico_dollars(f->m.path, on, sizeof(on));
			gr_pico_dollars(f->m.off, off, sizeof(off));
		} else {
			snprintf(d, sizeof(d), "unknown");
			snprintf(on, sizeof(on), "-");
			snprintf(off, sizeof(off), "-");
		}
		if ((rc = gr_buf_adds(b, "  ")))
			return rc;
		/* names come from logs: control bytes shown as '?' */
		for (const char *s = f->label; *s && w < 32; s++, w++)
			if ((rc = gr_buf_addc(b, (unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s)))
				return rc;
		for (; w < 32; w++)
			if ((rc = gr_buf_addc(b, ' ')))
				return rc;
		if ((rc = gr_buf_addf(b, " %11llu %7llu %18s %18s %18s\n",
				      (unsigned long long)(f->m.n_path + f->m.n_off),
				      (unsigned long long)(f->m.unknown_path + f->m.unknown_off), d,
				      on, off)))
			return rc;
	}
	return 0;
}

/* --- JSON ---------------------------------------------------------------------- */

void gr_cp_cost_json_u128(struct gr_jw *w, const char *key, gr_u128 v)
{
	char d[48];
	size_t n = gr_u128_dec(v, d, sizeof(d));

	gr_jw_raw(w, key, d, n);
}

void gr_cp_cost_json_run(struct gr_jw *w, const struct gr_cp_cost *c, size_t run)
{
	gr_cp_cost_json_money(w, "cost", &c->runs[run]);
}

void gr_cp_cost_json_money(struct gr_jw *w, const char *key, const struct gr_cp_money *m)
{
	gr_jw_obj(w, key);
	if (known(m)) {
		gr_cp_cost_json_u128(w, "pico", m->path + m->off);
		gr_cp_cost_json_u128(w, "path_pico", m->path);
		gr_cp_cost_json_u128(w, "off_path_pico", m->off);
	} else {
		/* nothing priced: not free */
		gr_jw_null(w, "pico");
		gr_jw_null(w, "path_pico");
		gr_jw_null(w, "off_path_pico");
	}
	gr_jw_int(w, "invocations", (int64_t)(m->n_path + m->n_off));
	gr_jw_int(w, "on_path", (int64_t)m->n_path);
	gr_jw_int(w, "unknown", (int64_t)(m->unknown_path + m->unknown_off));
	gr_jw_int(w, "unknown_on_path", (int64_t)m->unknown_path);
	gr_jw_obj_end(w);
}

void gr_cp_cost_json_node(struct gr_jw *w, const struct gr_cp_cost *c, uint32_t node)
{
	if (c->node[node] < 0)
		gr_jw_null(w, "cost_pico");
	else
		gr_jw_int(w, "cost_pico", c->node[node]);
}
