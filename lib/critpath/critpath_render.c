/* critpath_render.c: critical paths as a text report, JSON, folded stacks and Trace Event JSON. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "critpath/critpath.h"
#include "common/jsonw.h"

#define FLUSH_AT (1u << 20)  /* bytes buffered before a write */
#define MAX_FRAMES 1024      /* frames of one folded stack; deeper ones are elided */

/* Buffered output through the caller's write callback. */
struct out {
	const struct gr_cp_render *o; /* where to write, and how */
	struct gr_buf b;        /* pending bytes */
	struct gr_jw w;         /* JSON writer over b */
	int err;                /* first error */
};

static void out_init(struct out *x, const struct gr_cp_render *o)
{
	memset(x, 0, sizeof(*x));
	x->o = o;
	gr_jw_init(&x->w, &x->b);
}

static void out_flush(struct out *x, bool force)
{
	if (x->w.err && !x->err)
		x->err = x->w.err;
	if (x->err || !x->b.len || (!force && x->b.len < FLUSH_AT))
		return;
	x->err = x->o->write(x->o->ctx, x->b.data, x->b.len);
	gr_buf_reset(&x->b);
}

static int out_end(struct out *x)
{
	out_flush(x, true);
	gr_buf_release(&x->b);
	return x->err;
}

static void put(struct out *x, const char *s)
{
	if (gr_buf_adds(&x->b, s) && !x->err)
		x->err = GR_ERR_NOMEM;
}

static void putf(struct out *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(struct out *x, const char *fmt, ...)
{
	char tmp[1024];
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(tmp))
		n = sizeof(tmp) - 1;
	if (gr_buf_add(&x->b, tmp, (size_t)n) && !x->err)
		x->err = GR_ERR_NOMEM;
}

/* Text a terminal can show: control bytes as '?' (names come from untrusted logs). */
static void put_label(struct out *x, const char *s, int width)
{
	int n = 0;

	for (; *s && (width <= 0 || n < width); s++, n++)
		gr_buf_addc(&x->b, (unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s);
	for (; n < width; n++)
		gr_buf_addc(&x->b, ' ');
}

/* "share": us / total with four decimals, rounded half up (printf's %.4f is slow
 * for a value written per segment). */
static void share(struct gr_jw *w, int64_t us, int64_t total)
{
	char tmp[16];
	int64_t v = 0;

	/* in integers while us * 10000 fits (times of hostile input may not) */
	if (us > 0 && total > 0)
		v = us >= total ? 10000
		    : us <= (INT64_MAX - total / 2) / 10000 ? (us * 10000 + total / 2) / total
		    : (int64_t)((double)us / (double)total * 10000 + 0.5);
	if (v > 10000)
		v = 10000;
	tmp[0] = (char)('0' + v / 10000);
	tmp[1] = '.';
	for (int i = 5; i >= 2; i--, v /= 10)
		tmp[i] = (char)('0' + v % 10);
	gr_jw_raw(w, "share", tmp, 6);
}

void gr_cp_human_us(int64_t us, char *out, size_t size)
{
	if (us < 0) /* unknown */
		snprintf(out, size, "-");
	else
		gr_duration_format(us, out, size);
}

/* A piece of text from critpath_cost.c: its error is the output's. */
static void took(struct out *x, int rc)
{
	if (rc && !x->err)
		x->err = rc;
}

static const char *bold(const struct out *x)
{
	return x->o->color ? "\033[1m" : "";
}

static const char *red(const struct out *x)
{
	return x->o->color ? "\033[1;31m" : "";
}

static const char *plain(const struct out *x)
{
	return x->o->color ? "\033[0m" : "";
}

/* --- folded stacks: a calling-context tree, then one line per node with time ----- */

struct cct_node {
	uint32_t parent;        /* UINT32_MAX for a top frame */
	const char *label;      /* frame text (arena) */
	int64_t us;             /* time with exactly this stack */
	uint32_t depth;         /* frames above it */
};

struct cct {
	struct gr_arena arena;  /* keys (parent index bytes + label) */
	struct gr_strmap map;   /* parent index bytes + label -> node */
	struct cct_node *v;     /* nodes, parents before children */
	size_t n, cap;          /* used, allocated */
	struct gr_buf key;      /* scratch for a key */
	int err;                /* first error (GR_ERR_NOMEM) */
};

static uint32_t cct_child(struct cct *c, uint32_t parent, const char *label)
{
	gr_buf_reset(&c->key);
	if (gr_buf_add(&c->key, &parent, sizeof(parent)) || gr_buf_adds(&c->key, label)) {
		c->err = GR_ERR_NOMEM;
		return UINT32_MAX;
	}
	uint32_t *ix = gr_strmap_get(&c->map, c->key.data, c->key.len);
	if (ix)
		return *ix;
	if (c->n == c->cap) {
		size_t nc = c->cap ? c->cap * 2 : 256;
		struct cct_node *p = realloc(c->v, nc * sizeof(*p));
		if (!p) {
			c->err = GR_ERR_NOMEM;
			return UINT32_MAX;
		}
		c->v = p;
		c->cap = nc;
	}
	char *k = gr_arena_alloc(&c->arena, c->key.len + 1);
	if (!k) {
		c->err = GR_ERR_NOMEM;
		return UINT32_MAX;
	}
	memcpy(k, c->key.data, c->key.len + 1);
	if (!gr_strmap_put(&c->map, k, c->key.len, (uint32_t)c->n, NULL)) {
		c->err = GR_ERR_NOMEM;
		return UINT32_MAX;
	}
	/* folded stacks separate frames with ';' and end with " value" */
	for (char *p = k + sizeof(parent); *p; p++)
		if (*p == ';' || (unsigned char)*p < 0x20)
			*p = '_';
	c->v[c->n] = (struct cct_node){ parent, k + sizeof(parent), 0,
					parent == UINT32_MAX ? 0 : c->v[parent].depth + 1 };
	return (uint32_t)c->n++;
}

static void cct_release(struct cct *c)
{
	gr_arena_release(&c->arena);
	gr_strmap_release(&c->map);
	gr_buf_release(&c->key);
	free(c->v);
}

struct stack_line {
	char *text;             /* the stack, frames joined by ';' */
	int64_t us;             /* its time */
};

static int cmp_line(const void *a, const void *b)
{
	return strcmp(((const struct stack_line *)a)->text, ((const struct stack_line *)b)->text);
}

/* One line per node with time, sorted by stack text. */
static int cct_write(struct cct *c, const struct gr_cp_render *o)
{
	struct out x;
	struct stack_line *lines = NULL;
	size_t nl = 0;
	uint32_t *chain = malloc(MAX_FRAMES * sizeof(*chain));
	struct gr_buf t = GR_BUF_INIT;
	int rc = GR_ERR_NOMEM;

	out_init(&x, o);
	if (c->err || !chain || !(lines = calloc(c->n ? c->n : 1, sizeof(*lines))))
		goto done;
	for (size_t i = 0; i < c->n; i++) {
		if (c->v[i].us <= 0)
			continue;
		size_t k = 0;
		uint32_t v = (uint32_t)i;
		for (; v != UINT32_MAX && k < MAX_FRAMES; v = c->v[v].parent)
			chain[k++] = v;
		gr_buf_reset(&t);
		if (v != UINT32_MAX)
			gr_buf_adds(&t, "[deeper frames elided];");
		while (k-- > 0) {
			gr_buf_adds(&t, c->v[chain[k]].label);
			if (k)
				gr_buf_addc(&t, ';');
		}
		size_t len;
		lines[nl].us = c->v[i].us;
		lines[nl].text = t.len ? gr_buf_detach(&t, &len) : strdup("");
		if (!lines[nl].text)
			goto done;
		nl++;
	}
	if (nl > 1)
		qsort(lines, nl, sizeof(*lines), cmp_line);
	for (size_t i = 0; i < nl && !x.err; i++) {
		put(&x, lines[i].text);
		putf(&x, " %lld\n", (long long)lines[i].us);
		out_flush(&x, false);
	}
	rc = 0;
done:
	for (size_t i = 0; lines && i < nl; i++)
		free(lines[i].text);
	free(lines);
	free(chain);
	gr_buf_release(&t);
	int r2 = out_end(&x);
	return rc ? rc : r2;
}

/* --- workflow ------------------------------------------------------------------ */

static void write_seg(struct gr_jw *w, const struct gr_graph *g, const struct gr_cp_seg *s,
		      int64_t latency)
{
	gr_jw_obj(w, NULL);
	gr_jw_cstr(w, "type", gr_cp_seg_name((enum gr_cp_seg_type)s->type));
	if (s->type == GR_CP_SYNC) {
		gr_jw_cstr(w, "id", g->nodes[s->node].id);
		if (g->nodes[s->node].fn)
			gr_jw_cstr(w, "fn", g->nodes[s->node].fn);
	}
	if (s->edge != GR_NONE)
		gr_jw_cstr(w, "kind", gr_kind_name(g->edges[s->edge].kind));
	gr_jw_int(w, "start_us", s->start_us);
	gr_jw_int(w, "dur_us", s->dur_us);
	share(w, s->dur_us, latency);
	if (s->type == GR_CP_SYNC)
		gr_jw_arr(w, "segments");
	else
		gr_jw_obj_end(w);
}

int gr_cp_write_json(const struct gr_cp_render *o, const struct gr_graph *g, const struct gr_cp *cp)
{
	struct out x;

	out_init(&x, o);
	for (size_t r = 0; r < cp->nruns && !x.err; r++) {
		const struct gr_cp_run *run = &cp->runs[r];
		const struct gr_node *root = &g->nodes[run->root];
		struct gr_jw *w = &x.w;
		gr_jw_begin(w);
		gr_jw_cstr(w, "root", root->id);
		if (root->fn)
			gr_jw_cstr(w, "fn", root->fn);
		gr_jw_cstr(w, "sink", g->nodes[run->sink].id);
		gr_jw_int(w, "start_us", root->start_us);
		gr_jw_int(w, "latency_us", run->latency_us);
		gr_jw_int(w, "reach", run->reach);
		if (run->fallback)
			gr_jw_bool(w, "fallback", true);
		if (o->cost)
			gr_cp_cost_json_run(w, o->cost, r);
		gr_jw_arr(w, "path");
		for (size_t h = 0; h < run->nhop; h++) {
			const struct gr_cp_hop *hop = &cp->hops[run->hop0 + h];
			const struct gr_node *nd = &g->nodes[hop->node];
			gr_jw_obj(w, NULL);
			gr_jw_cstr(w, "id", nd->id);
			if (nd->fn)
				gr_jw_cstr(w, "fn", nd->fn);
			if (hop->edge != GR_NONE) {
				const struct gr_edge *e = &g->edges[hop->edge];
				gr_jw_obj(w, "via");
				gr_jw_cstr(w, "kind", gr_kind_name(e->kind));
				gr_jw_bool(w, "sync", e->sync);
				if (e->evidence)
					gr_jw_cstr(w, "evidence", e->evidence);
				if (e->cause_us != GR_TIME_UNKNOWN)
					gr_jw_int(w, "cause_us", e->cause_us);
				gr_jw_obj_end(w);
			}
			if (nd->start_us != GR_TIME_UNKNOWN)
				gr_jw_int(w, "start_us", nd->start_us);
			if (nd->end_us != GR_TIME_UNKNOWN)
				gr_jw_int(w, "end_us", nd->end_us);
			if (nd->init_us > 0)
				gr_jw_int(w, "init_us", nd->init_us);
			if (nd->restore_us > 0)
				gr_jw_int(w, "restore_us", nd->restore_us);
			if (o->cost)
				gr_cp_cost_json_node(w, o->cost, hop->node);
			gr_jw_arr(w, "segments");
			uint32_t open = 0;
			for (uint32_t i = 0; i < hop->nseg; i++) {
				const struct gr_cp_seg *s = &cp->segs[hop->seg0 + i];
				for (; open > s->depth; open--) {
					gr_jw_arr_end(w);
					gr_jw_obj_end(w);
				}
				write_seg(w, g, s, run->latency_us);
				if (s->type == GR_CP_SYNC)
					open++;
			}
			for (; open; open--) {
				gr_jw_arr_end(w);
				gr_jw_obj_end(w);
			}
			gr_jw_arr_end(w);
			gr_jw_obj_end(w);
		}
		gr_jw_arr_end(w);
		if (o->slack) {
			gr_jw_arr(w, "slack");
			for (size_t i = 0; i < run->nslack; i++) {
				const struct gr_cp_slack *sl = &cp->slack[run->slack0 + i];
				gr_jw_obj(w, NULL);
				gr_jw_cstr(w, "id", g->nodes[sl->node].id);
				if (g->nodes[sl->node].fn)
					gr_jw_cstr(w, "fn", g->nodes[sl->node].fn);
				gr_jw_int(w, "slack_us", sl->slack_us);
				gr_jw_obj_end(w);
			}
			gr_jw_arr_end(w);
		}
		gr_jw_end(w);
		out_flush(&x, false);
	}
	return out_end(&x);
}

/* One hop in a line: "s3 350ms -> resize 1.20s". */
static void hop_text(struct out *x, const struct gr_graph *g, const struct gr_cp *cp,
		     const struct gr_cp_hop *hop)
{
	int64_t wait = 0, own = 0;
	char a[32], b[32];

	for (uint32_t i = 0; i < hop->nseg; i++) {
		const struct gr_cp_seg *s = &cp->segs[hop->seg0 + i];
		if (s->depth)
			continue;
		if (s->type == GR_CP_TRIGGER || s->type == GR_CP_INVOKE)
			wait += s->dur_us;
		else
			own += s->dur_us;
	}
	if (hop->edge != GR_NONE) {
		const struct gr_edge *e = &g->edges[hop->edge];
		gr_cp_human_us(wait, a, sizeof(a));
		putf(x, " -> %s%s %s -> ", gr_kind_name(e->kind), e->sync ? " (sync)" : "", a);
	}
	gr_cp_human_us(own, b, sizeof(b));
	put_label(x, gr_cp_node_label(&g->nodes[hop->node]), 0);
	putf(x, " %s", b);
}

static const char *const row_kinds[] = { "function", "init", "hop", "operation", "restore" };

/* The header of the rows of shares on the path. */
static void stat_head(struct out *x, const char *what)
{
	putf(x, "  %-32s %-10s %8s %7s %7s %7s %7s %7s\n", what, "as", "runs", "%runs", "p50",
	     "p95", "p99", "time");
}

/* One row of shares on the path, of group g. */
static void stat_row(struct out *x, const struct gr_cp_stat_row *rw, const struct gr_cp_stat_group *g)
{
	put(x, "  ");
	put_label(x, rw->label, 32);
	putf(x, " %-10s %8llu %6.1f%% %6.1f%% %6.1f%% %6.1f%% %6.1f%%\n", row_kinds[rw->row],
	     (unsigned long long)rw->runs,
	     g->runs ? 100.0 * (double)rw->runs / (double)g->runs : 0.0,
	     100.0 * gr_pct_f(rw->shares, rw->nshares, 0.50),
	     100.0 * gr_pct_f(rw->shares, rw->nshares, 0.95),
	     100.0 * gr_pct_f(rw->shares, rw->nshares, 0.99),
	     g->total_us ? 100.0 * (double)rw->total_us / (double)g->total_us : 0.0);
	out_flush(x, false);
}

static void stats_table(struct out *x, const struct gr_cp_stats *st, bool request)
{
	char p50[32], p95[32], p99[32], mx[32];

	for (size_t gi = 0, ri = 0; gi < st->ngroups; gi++) {
		const struct gr_cp_stat_group *g = &st->groups[gi];
		gr_cp_human_us(gr_pct_i64(g->lat, g->nlat, 0.50), p50, sizeof(p50));
		gr_cp_human_us(gr_pct_i64(g->lat, g->nlat, 0.95), p95, sizeof(p95));
		gr_cp_human_us(gr_pct_i64(g->lat, g->nlat, 0.99), p99, sizeof(p99));
		gr_cp_human_us(g->nlat ? g->lat[g->nlat - 1] : 0, mx, sizeof(mx));
		putf(x, "\n%s", bold(x));
		if (!*g->label)
			put(x, "every run");
		else {
			put(x, request ? "root " : "root function ");
			put_label(x, g->label, 0);
		}
		putf(x, "%s: %llu run%s, latency p50 %s, p95 %s, p99 %s, max %s\n", plain(x),
		     (unsigned long long)g->runs, g->runs == 1 ? "" : "s", p50, p95, p99, mx);
		const struct gr_cp_cost_row *cg = x->o->cost ? gr_cp_cost_group(x->o->cost, g->label)
							     : NULL;
		if (cg)
			took(x, gr_cp_cost_text_group(&x->b, cg));
		stat_head(x, "on the critical path");
		for (; ri < st->nrows && st->rows[ri].group == gi; ri++)
			stat_row(x, &st->rows[ri], g);
	}
}

/* Indices of the `top` slowest runs: latency descending, then order of the runs. */
static size_t slowest(const int64_t *lat, size_t n, int top, uint32_t *out)
{
	size_t k = 0;

	if (top <= 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		size_t j = k < (size_t)top ? k++ : k;
		if (j == (size_t)top) {
			if (lat[i] <= lat[out[top - 1]])
				continue;
			j = (size_t)top - 1;
		}
		while (j > 0 && lat[out[j - 1]] < lat[i]) {
			out[j] = out[j - 1];
			j--;
		}
		out[j] = (uint32_t)i;
	}
	return k;
}

int gr_cp_write_text(const struct gr_cp_render *o, const struct gr_graph *g, const struct gr_cp *cp,
		     const struct gr_cp_stats *st)
{
	struct out x;
	int top = o->top > 0 ? o->top : 0;
	int64_t *lat = malloc((cp->nruns ? cp->nruns : 1) * sizeof(*lat));
	uint32_t *idx = malloc((size_t)(top ? top : 1) * sizeof(*idx));
	char a[32];

	out_init(&x, o);
	if (!lat || !idx) {
		free(lat);
		free(idx);
		return GR_ERR_NOMEM;
	}
	putf(&x, "%sworkflow critical paths%s: %llu root%s, %zu run%s", bold(&x), plain(&x),
	     (unsigned long long)cp->roots, cp->roots == 1 ? "" : "s", cp->nruns,
	     cp->nruns == 1 ? "" : "s");
	if (cp->roots_untimed)
		putf(&x, ", %llu root%s without times", (unsigned long long)cp->roots_untimed,
		     cp->roots_untimed == 1 ? "" : "s");
	put(&x, "\n");
	if (o->cost)
		took(&x, gr_cp_cost_text_graph(&x.b, o->cost));
	stats_table(&x, st, false);
	for (size_t i = 0; i < cp->nruns; i++)
		lat[i] = cp->runs[i].latency_us;
	size_t k = slowest(lat, cp->nruns, top, idx);
	if (k)
		putf(&x, "\n%sslowest runs%s\n", bold(&x), plain(&x));
	for (size_t i = 0; i < k; i++) {
		const struct gr_cp_run *run = &cp->runs[idx[i]];
		gr_cp_human_us(run->latency_us, a, sizeof(a));
		putf(&x, "  %s%9s%s  root %s, sink %s", red(&x), a, plain(&x),
		     g->nodes[run->root].id, g->nodes[run->sink].id);
		if (o->cost)
			took(&x, gr_cp_cost_text_run(&x.b, o->cost, idx[i]));
		put(&x, "\n           ");
		for (size_t h = 0; h < run->nhop; h++)
			hop_text(&x, g, cp, &cp->hops[run->hop0 + h]);
		put(&x, "\n");
		out_flush(&x, false);
	}
	if (o->cost)
		took(&x, gr_cp_cost_text_fns(&x.b, o->cost, o->color));
	free(lat);
	free(idx);
	return out_end(&x);
}

/* --- what if ------------------------------------------------------------------ */

/* The group of st labelled label, or SIZE_MAX. */
static size_t stat_group(const struct gr_cp_stats *st, const char *label)
{
	for (size_t gi = 0; gi < st->ngroups; gi++)
		if (!strcmp(st->groups[gi].label, label))
			return gi;
	return SIZE_MAX;
}

/* The change of a latency, as a percentage of before. */
static void change_pct(int64_t before, int64_t after, char *out, size_t size)
{
	if (before <= 0)
		snprintf(out, size, "-");
	else if (after == before)
		snprintf(out, size, "0%%");
	else
		snprintf(out, size, "%+.1f%%", 100.0 * ((double)after - (double)before) / (double)before);
}

int gr_cp_write_whatif_text(const struct gr_cp_render *o, const struct gr_graph *g,
			    const struct gr_cp_whatif *w, const struct gr_cp_stats *st,
			    const struct gr_cp_change *ch, size_t nch)
{
	static const char *const cols[] = { "p50", "p95", "p99", "max" };
	struct out x;
	size_t top = o->top > 0 ? (size_t)o->top : 0;
	char a[32], b[32];

	out_init(&x, o);
	putf(&x, "%swhat if%s: ", bold(&x), plain(&x));
	for (size_t i = 0; i < nch; i++) {
		put(&x, i ? ", " : "");
		put_label(&x, ch[i].spec, 0);
	}
	putf(&x, "\n%sworkflow critical paths%s: %llu root%s, %zu run%s", bold(&x), plain(&x),
	     (unsigned long long)w->before.roots, w->before.roots == 1 ? "" : "s", w->nruns,
	     w->nruns == 1 ? "" : "s");
	if (w->st.removed)
		putf(&x, ", %llu invocation%s removed", (unsigned long long)w->st.removed,
		     w->st.removed == 1 ? "" : "s");
	put(&x, "\n");
	for (size_t gi = 0; gi < w->ngroups; gi++) {
		const struct gr_cp_wi_group *gp = &w->groups[gi];
		putf(&x, "\n%s", bold(&x));
		if (!*gp->label)
			put(&x, "every run");
		else {
			put(&x, "root function ");
			put_label(&x, gp->label, 0);
		}
		putf(&x, "%s: %llu run%s", plain(&x), (unsigned long long)gp->runs,
		     gp->runs == 1 ? "" : "s");
		if (gp->removed)
			putf(&x, ", %llu gone (the root removed)", (unsigned long long)gp->removed);
		putf(&x, "\n  %-8s", "latency");
		for (int i = 0; i < 4; i++)
			putf(&x, " %9s", cols[i]);
		putf(&x, "\n  %-8s", "before");
		for (int i = 0; i < 4; i++) {
			gr_cp_human_us(gp->before[i], a, sizeof(a));
			putf(&x, " %9s", a);
		}
		putf(&x, "\n  %-8s", "after");
		for (int i = 0; i < 4; i++) {
			gr_cp_human_us(gp->removed == gp->runs ? -1 : gp->after[i], a, sizeof(a));
			putf(&x, " %9s", a);
		}
		putf(&x, "\n  %-8s", "change");
		for (int i = 0; i < 4; i++) {
			change_pct(gp->before[i], gp->removed == gp->runs ? -1 : gp->after[i], a,
				   sizeof(a));
			putf(&x, " %9s", gp->removed == gp->runs ? "-" : a);
		}
		put(&x, "\n");
		size_t k = gp->nmoved < top ? gp->nmoved : top;
		if (k)
			putf(&x, "  changed most (%zu of %llu run%s changed)\n", gp->nmoved,
			     (unsigned long long)gp->runs, gp->runs == 1 ? "" : "s");
		else if (top)
			put(&x, "  no run changed\n");
		for (size_t i = 0; i < k; i++) {
			const struct gr_cp_wi_run *r = &w->runs[gp->moved[i]];
			const struct gr_cp_run *rb = &w->before.runs[r->before];
			const struct gr_cp_run *ra = &w->after.runs[r->after];
			gr_cp_human_us(rb->latency_us, a, sizeof(a));
			gr_cp_human_us(ra->latency_us, b, sizeof(b));
			putf(&x, "  %s%9s -> %9s%s  root %s, sink %s\n           ", red(&x), a, b,
			     plain(&x), g->nodes[rb->root].id, w->g.nodes[ra->sink].id);
			for (size_t h = 0; h < ra->nhop; h++)
				hop_text(&x, &w->g, &w->after, &w->after.hops[ra->hop0 + h]);
			put(&x, "\n");
			out_flush(&x, false);
		}
		size_t si = stat_group(st, gp->label);
		if (si == SIZE_MAX)
			continue;
		stat_head(&x, "on the critical path after");
		for (size_t ri = 0; ri < st->nrows; ri++)
			if (st->rows[ri].group == si)
				stat_row(&x, &st->rows[ri], &st->groups[si]);
	}
	return out_end(&x);
}

/* A fraction (0 to 1) with four decimals. */
static void frac(struct gr_jw *w, const char *key, double v)
{
	char tmp[32];

	if (!(v > 0))
		v = 0;
	int n = snprintf(tmp, sizeof(tmp), "%.4f", v);
	gr_jw_raw(w, key, tmp, (size_t)n);
}

static void pct_obj(struct gr_jw *w, const char *key, const int64_t v[4])
{
	gr_jw_obj(w, key);
	gr_jw_int(w, "p50_us", v[0]);
	gr_jw_int(w, "p95_us", v[1]);
	gr_jw_int(w, "p99_us", v[2]);
	gr_jw_int(w, "max_us", v[3]);
	gr_jw_obj_end(w);
}

int gr_cp_write_whatif_json(const struct gr_cp_render *o, const struct gr_graph *g,
			    const struct gr_cp_whatif *w, const struct gr_cp_stats *st,
			    const struct gr_cp_change *ch, size_t nch)
{
	struct out x;
	size_t top = o->top > 0 ? (size_t)o->top : 0;

	out_init(&x, o);
	for (size_t gi = 0; gi < w->ngroups && !x.err; gi++) {
		const struct gr_cp_wi_group *gp = &w->groups[gi];
		struct gr_jw *j = &x.w;
		if (!*gp->label)
			continue;
		gr_jw_begin(j);
		gr_jw_cstr(j, "type", "what-if");
		gr_jw_cstr(j, "function", gp->label);
		gr_jw_int(j, "runs", (int64_t)gp->runs);
		if (gp->removed)
			gr_jw_int(j, "runs_removed", (int64_t)gp->removed);
		gr_jw_arr(j, "changes");
		for (size_t i = 0; i < nch; i++)
			gr_jw_cstr(j, NULL, ch[i].spec);
		gr_jw_arr_end(j);
		pct_obj(j, "before", gp->before);
		pct_obj(j, "after", gp->after);
		gr_jw_arr(j, "changed_most");
		for (size_t i = 0; i < gp->nmoved && i < top; i++) {
			const struct gr_cp_wi_run *r = &w->runs[gp->moved[i]];
			gr_jw_obj(j, NULL);
			gr_jw_cstr(j, "root", g->nodes[w->before.runs[r->before].root].id);
			gr_jw_int(j, "before_us", w->before.runs[r->before].latency_us);
			gr_jw_int(j, "after_us", w->after.runs[r->after].latency_us);
			gr_jw_obj_end(j);
		}
		gr_jw_arr_end(j);
		gr_jw_arr(j, "shares");
		size_t si = stat_group(st, gp->label);
		for (size_t ri = 0; si != SIZE_MAX && ri < st->nrows; ri++) {
			const struct gr_cp_stat_row *rw = &st->rows[ri];
			const struct gr_cp_stat_group *sg = &st->groups[si];
			if (rw->group != si)
				continue;
			gr_jw_obj(j, NULL);
			gr_jw_cstr(j, "name", rw->label);
			gr_jw_cstr(j, "as", row_kinds[rw->row]);
			gr_jw_int(j, "runs", (int64_t)rw->runs);
			frac(j, "p50", gr_pct_f(rw->shares, rw->nshares, 0.50));
			frac(j, "p95", gr_pct_f(rw->shares, rw->nshares, 0.95));
			frac(j, "p99", gr_pct_f(rw->shares, rw->nshares, 0.99));
			frac(j, "time", sg->total_us ? (double)rw->total_us / (double)sg->total_us : 0);
			gr_jw_obj_end(j);
		}
		gr_jw_arr_end(j);
		gr_jw_end(j);
		out_flush(&x, false);
	}
	return out_end(&x);
}

/* Frame of a hop: the root's function, else "fn (kind)" / "fn (kind, sync)". */
static const char *hop_frame(const struct gr_graph *g, const struct gr_cp_hop *hop,
			     struct gr_buf *b)
{
	gr_buf_reset(b);
	gr_buf_adds(b, gr_cp_node_label(&g->nodes[hop->node]));
	if (hop->edge != GR_NONE)
		gr_buf_addf(b, " (%s%s)", gr_kind_name(g->edges[hop->edge].kind),
			    g->edges[hop->edge].sync ? ", sync" : "");
	return b->data ? b->data : "";
}

int gr_cp_write_folded(const struct gr_cp_render *o, const struct gr_graph *g, const struct gr_cp *cp)
{
	struct cct c = { 0 };
	struct gr_buf b = GR_BUF_INIT;
	uint32_t *stack = malloc((MAX_FRAMES + 1) * sizeof(*stack));

	if (!stack)
		return GR_ERR_NOMEM;
	for (size_t r = 0; r < cp->nruns && !c.err; r++) {
		const struct gr_cp_run *run = &cp->runs[r];
		uint32_t top = UINT32_MAX;
		for (size_t h = 0; h < run->nhop && !c.err; h++) {
			const struct gr_cp_hop *hop = &cp->hops[run->hop0 + h];
			top = cct_child(&c, top, hop_frame(g, hop, &b));
			if (top == UINT32_MAX)
				break;
			/* stack[d]: the frame of depth-d segments (synchronous callees nest) */
			stack[0] = top;
			for (uint32_t i = 0; i < hop->nseg && !c.err; i++) {
				const struct gr_cp_seg *s = &cp->segs[hop->seg0 + i];
				uint32_t d = s->depth < MAX_FRAMES ? s->depth : MAX_FRAMES;
				uint32_t at = stack[d], leaf = at;
				switch ((enum gr_cp_seg_type)s->type) {
				case GR_CP_TRIGGER:
					gr_buf_reset(&b);
					gr_buf_addf(&b, "[%s trigger]", gr_kind_name(g->edges[s->edge].kind));
					leaf = cct_child(&c, at, b.data);
					break;
				case GR_CP_INVOKE:
					leaf = cct_child(&c, at, "[invoke]");
					break;
				case GR_CP_INIT:
					leaf = cct_child(&c, at, "[init]");
					break;
				case GR_CP_RESTORE:
					leaf = cct_child(&c, at, "[restore]");
					break;
				case GR_CP_EXEC:
					break;
				case GR_CP_SYNC:
					gr_buf_reset(&b);
					gr_buf_addf(&b, "%s (sync)", gr_cp_node_label(&g->nodes[s->node]));
					leaf = cct_child(&c, at, b.data);
					if (leaf != UINT32_MAX && d < MAX_FRAMES)
						stack[d + 1] = leaf;
					continue; /* its callee's segments carry the time */
				default:
					break;
				}
				if (leaf != UINT32_MAX)
					c.v[leaf].us += s->dur_us;
			}
		}
	}
	gr_buf_release(&b);
	free(stack);
	int rc = cct_write(&c, o);
	cct_release(&c);
	return rc;
}

/* The run to draw: o->root, else the slowest (the first of equals). */
static const struct gr_cp_run *pick_run(const struct gr_cp_render *o, const struct gr_graph *g,
					const struct gr_cp *cp, struct gr_error *err)
{
	const struct gr_cp_run *best = NULL;

	for (size_t r = 0; r < cp->nruns; r++) {
		const struct gr_cp_run *run = &cp->runs[r];
		if (o->root ? !strcmp(g->nodes[run->root].id, o->root)
			    : (!best || run->latency_us > best->latency_us))
			best = run;
		if (o->root && best)
			break;
	}
	if (!best && o->root)
		gr_error_set(err, GR_ERR_USAGE, "--root %s: no run has this root", o->root);
	else if (!best)
		gr_error_set(err, GR_ERR_DATA, "no run to draw: the graph has no root with times");
	return best;
}

/* Trace Event complete event ("X"). */
static void tev(struct gr_jw *w, const char *name, const char *cat, int tid, int64_t ts,
		int64_t dur)
{
	gr_jw_obj(w, NULL);
	gr_jw_cstr(w, "name", name);
	gr_jw_cstr(w, "cat", cat);
	gr_jw_cstr(w, "ph", "X");
	gr_jw_int(w, "pid", 1);
	gr_jw_int(w, "tid", tid);
	gr_jw_int(w, "ts", ts);
	gr_jw_int(w, "dur", dur);
}

static void thread_name(struct gr_jw *w, int tid, const char *name)
{
	gr_jw_obj(w, NULL);
	gr_jw_cstr(w, "name", "thread_name");
	gr_jw_cstr(w, "ph", "M");
	gr_jw_int(w, "pid", 1);
	gr_jw_int(w, "tid", tid);
	gr_jw_obj(w, "args");
	gr_jw_cstr(w, "name", name);
	gr_jw_obj_end(w);
	gr_jw_obj_end(w);
	gr_jw_obj(w, NULL);
	gr_jw_cstr(w, "name", "thread_sort_index");
	gr_jw_cstr(w, "ph", "M");
	gr_jw_int(w, "pid", 1);
	gr_jw_int(w, "tid", tid);
	gr_jw_obj(w, "args");
	gr_jw_int(w, "sort_index", tid);
	gr_jw_obj_end(w);
	gr_jw_obj_end(w);
}

/* An invocation's track: its whole interval. */
static void node_track(struct gr_jw *w, struct gr_buf *b, const struct gr_graph *g, uint32_t v,
		       int tid, int64_t t0, const char *cat, int64_t slack_us)
{
	const struct gr_node *nd = &g->nodes[v];

	gr_buf_reset(b);
	gr_buf_addf(b, "%s %.8s", gr_cp_node_label(nd), nd->id);
	thread_name(w, tid, b->data);
	if (nd->start_us == GR_TIME_UNKNOWN || nd->end_us == GR_TIME_UNKNOWN)
		return;
	tev(w, gr_cp_node_label(nd), cat, tid, nd->start_us - t0, nd->end_us - nd->start_us);
	gr_jw_obj(w, "args");
	gr_jw_cstr(w, "id", nd->id);
	if (nd->init_us > 0)
		gr_jw_int(w, "init_us", nd->init_us);
	if (nd->restore_us > 0)
		gr_jw_int(w, "restore_us", nd->restore_us);
	if (slack_us >= 0)
		gr_jw_int(w, "slack_us", slack_us);
	gr_jw_obj_end(w);
	gr_jw_obj_end(w);
}

int gr_cp_write_chrome(const struct gr_cp_render *o, const struct gr_graph *g, const struct gr_cp *cp,
		       struct gr_error *err)
{
	const struct gr_cp_run *run = pick_run(o, g, cp, err);
	struct out x;
	struct gr_buf b = GR_BUF_INIT;

	if (!run)
		return err->code;
	out_init(&x, o);
	struct gr_jw *w = &x.w;
	int64_t t0 = g->nodes[run->root].start_us;
	int tid = 2;
	gr_jw_begin(w);
	gr_jw_arr(w, "traceEvents");
	gr_jw_obj(w, NULL);
	gr_jw_cstr(w, "name", "process_name");
	gr_jw_cstr(w, "ph", "M");
	gr_jw_int(w, "pid", 1);
	gr_jw_obj(w, "args");
	gr_buf_addf(&b, "critical path of root %s", g->nodes[run->root].id);
	gr_jw_cstr(w, "name", b.data);
	gr_jw_obj_end(w);
	gr_jw_obj_end(w);
	thread_name(w, 1, "critical path");
	/* the path's segments on track 1 */
	const struct gr_cp_hop *hl = &cp->hops[run->hop0 + run->nhop - 1];
	for (size_t i = cp->hops[run->hop0].seg0; i < hl->seg0 + hl->nseg; i++) {
		const struct gr_cp_seg *s = &cp->segs[i];
		if (s->type == GR_CP_SYNC)
			continue;
		gr_buf_reset(&b);
		if (s->type == GR_CP_TRIGGER)
			gr_buf_addf(&b, "%s trigger", gr_kind_name(g->edges[s->edge].kind));
		else
			gr_buf_addf(&b, "%s %s", gr_cp_node_label(&g->nodes[s->node]),
				    gr_cp_seg_name((enum gr_cp_seg_type)s->type));
		tev(w, b.data, "critical", 1, s->start_us - t0, s->dur_us);
		gr_jw_obj(w, "args");
		gr_jw_cstr(w, "id", g->nodes[s->node].id);
		share(w, s->dur_us, run->latency_us);
		gr_jw_obj_end(w);
		gr_jw_obj_end(w);
	}
	/* a track per invocation on the path, then per critical callee, then off-path */
	int prev = tid;
	for (size_t h = 0; h < run->nhop; h++) {
		const struct gr_cp_hop *hop = &cp->hops[run->hop0 + h];
		node_track(w, &b, g, hop->node, tid, t0, "path", -1);
		if (hop->edge != GR_NONE && g->edges[hop->edge].cause_us != GR_TIME_UNKNOWN &&
		    g->nodes[hop->node].start_us != GR_TIME_UNKNOWN) {
			/* an arrow from the cause on the previous track to this start */
			const struct gr_edge *e = &g->edges[hop->edge];
			for (int ph = 0; ph < 2; ph++) {
				gr_jw_obj(w, NULL);
				gr_jw_cstr(w, "name", gr_kind_name(e->kind));
				gr_jw_cstr(w, "cat", "hop");
				gr_jw_cstr(w, "ph", ph ? "f" : "s");
				if (ph)
					gr_jw_cstr(w, "bp", "e");
				gr_jw_int(w, "id", (int64_t)h);
				gr_jw_int(w, "pid", 1);
				gr_jw_int(w, "tid", ph ? tid : prev);
				gr_jw_int(w, "ts", (ph ? g->nodes[hop->node].start_us : e->cause_us) - t0);
				gr_jw_obj_end(w);
			}
		}
		prev = tid++;
		for (uint32_t i = 0; i < hop->nseg; i++) {
			const struct gr_cp_seg *s = &cp->segs[hop->seg0 + i];
			if (s->type == GR_CP_SYNC)
				node_track(w, &b, g, s->node, tid++, t0, "callee", -1);
		}
		out_flush(&x, false);
	}
	for (size_t i = 0; i < run->nslack; i++) {
		const struct gr_cp_slack *sl = &cp->slack[run->slack0 + i];
		node_track(w, &b, g, sl->node, tid++, t0, "off-path", sl->slack_us);
		out_flush(&x, false);
	}
	gr_jw_arr_end(w);
	gr_jw_cstr(w, "displayTimeUnit", "ms");
	gr_jw_end(w);
	gr_buf_release(&b);
	return out_end(&x);
}

/* --- request ------------------------------------------------------------------- */

static void span_label(struct gr_buf *b, const struct gr_span *s)
{
	gr_buf_reset(b);
	gr_buf_addf(b, "[%s] %s", s->svc ? s->svc : "", s->op ? s->op : "");
}

/* The trace id of a span (the prefix of its key). */
static void put_trace(struct gr_jw *w, const struct gr_span *s)
{
	size_t tn = (size_t)(s->id - s->trace) - 1;

	if (tn)
		gr_jw_str(w, "trace", s->trace, tn);
}

int gr_cp_req_write_json(const struct gr_cp_render *o, const struct gr_spans *sp,
			 const struct gr_cp_req *r)
{
	struct out x;

	out_init(&x, o);
	for (size_t i = 0; i < r->nruns && !x.err; i++) {
		const struct gr_cp_req_run *run = &r->runs[i];
		const struct gr_span *root = &sp->v[run->root];
		struct gr_jw *w = &x.w;
		gr_jw_begin(w);
		put_trace(w, root);
		gr_jw_cstr(w, "root", root->id);
		gr_jw_cstr(w, "svc", root->svc);
		gr_jw_cstr(w, "op", root->op);
		if (root->async)
			gr_jw_cstr(w, "caused_by", root->parent_id);
		if (root->orphan)
			gr_jw_cstr(w, "missing_parent", root->parent_id);
		gr_jw_int(w, "start_us", root->start_us);
		gr_jw_int(w, "latency_us", run->latency_us);
		gr_jw_int(w, "spans", run->spans);
		if (run->dropped)
			gr_jw_int(w, "dropped", run->dropped);
		gr_jw_arr(w, "path");
		for (size_t k = 0; k < run->nitem; k++) {
			const struct gr_cp_item *it = &r->items[run->item0 + k];
			const struct gr_span *s = &sp->v[it->span];
			gr_jw_obj(w, NULL);
			gr_jw_cstr(w, "id", s->id);
			gr_jw_cstr(w, "svc", s->svc);
			gr_jw_cstr(w, "op", s->op);
			gr_jw_int(w, "depth", it->depth);
			gr_jw_int(w, "start_us", s->start_us);
			gr_jw_int(w, "end_us", s->end_us);
			gr_jw_int(w, "self_us", it->self_us);
			share(w, it->self_us, run->latency_us);
			if (s->clipped)
				gr_jw_bool(w, "clipped", true);
			if (s->skewed)
				gr_jw_bool(w, "skewed", true);
			gr_jw_obj_end(w);
		}
		gr_jw_arr_end(w);
		gr_jw_arr(w, "sections");
		for (size_t k = 0; k < run->nsec; k++) {
			const struct gr_cp_section *s = &r->secs[run->sec0 + k];
			gr_jw_obj(w, NULL);
			gr_jw_cstr(w, "id", sp->v[s->span].id);
			gr_jw_int(w, "start_us", s->start_us);
			gr_jw_int(w, "end_us", s->end_us);
			gr_jw_obj_end(w);
		}
		gr_jw_arr_end(w);
		gr_jw_end(w);
		out_flush(&x, false);
	}
	return out_end(&x);
}

int gr_cp_req_write_text(const struct gr_cp_render *o, const struct gr_spans *sp,
			 const struct gr_cp_req *r, const struct gr_cp_stats *st)
{
	struct out x;
	int top = o->top > 0 ? o->top : 0;
	int64_t *lat = malloc((r->nruns ? r->nruns : 1) * sizeof(*lat));
	uint32_t *idx = malloc((size_t)(top ? top : 1) * sizeof(*idx));
	struct gr_buf b = GR_BUF_INIT;
	char a[32];

	out_init(&x, o);
	if (!lat || !idx) {
		free(lat);
		free(idx);
		return GR_ERR_NOMEM;
	}
	putf(&x, "%srequest critical paths%s: %zu span tree%s\n", bold(&x), plain(&x), r->nruns,
	     r->nruns == 1 ? "" : "s");
	stats_table(&x, st, true);
	for (size_t i = 0; i < r->nruns; i++)
		lat[i] = r->runs[i].latency_us;
	size_t k = slowest(lat, r->nruns, top, idx);
	if (k)
		putf(&x, "\n%sslowest requests%s\n", bold(&x), plain(&x));
	for (size_t i = 0; i < k; i++) {
		const struct gr_cp_req_run *run = &r->runs[idx[i]];
		const struct gr_span *root = &sp->v[run->root];
		size_t tn = (size_t)(root->id - root->trace) - 1;
		gr_cp_human_us(run->latency_us, a, sizeof(a));
		putf(&x, "  %s%9s%s  trace %.*s, root %s\n", red(&x), a, plain(&x), (int)tn,
		     root->trace, root->id);
		for (size_t j = 0; j < run->nitem; j++) {
			const struct gr_cp_item *it = &r->items[run->item0 + j];
			span_label(&b, &sp->v[it->span]);
			gr_cp_human_us(it->self_us, a, sizeof(a));
			putf(&x, "           %*s", (int)(it->depth > 20 ? 20 : it->depth) * 2, "");
			put_label(&x, b.data ? b.data : "", 0);
			putf(&x, "  %s\n", a);
		}
		out_flush(&x, false);
	}
	gr_buf_release(&b);
	free(lat);
	free(idx);
	return out_end(&x);
}

int gr_cp_req_write_folded(const struct gr_cp_render *o, const struct gr_spans *sp,
			   const struct gr_cp_req *r)
{
	struct cct c = { 0 };
	struct gr_buf b = GR_BUF_INIT;
	/* per span on a path: its CCT node (spans belong to one tree each) */
	uint32_t *node = malloc((sp->n ? sp->n : 1) * sizeof(*node));

	if (!node)
		return GR_ERR_NOMEM;
	for (size_t i = 0; i < r->nruns && !c.err; i++) {
		const struct gr_cp_req_run *run = &r->runs[i];
		/* items come parents first */
		for (size_t k = 0; k < run->nitem && !c.err; k++) {
			const struct gr_cp_item *it = &r->items[run->item0 + k];
			const struct gr_span *s = &sp->v[it->span];
			uint32_t parent = k && s->parent != GR_NONE ? node[s->parent] : UINT32_MAX;
			span_label(&b, s);
			node[it->span] = cct_child(&c, parent, b.data ? b.data : "");
			if (node[it->span] != UINT32_MAX)
				c.v[node[it->span]].us += it->self_us;
		}
	}
	gr_buf_release(&b);
	free(node);
	int rc = cct_write(&c, o);
	cct_release(&c);
	return rc;
}

int gr_cp_req_write_chrome(const struct gr_cp_render *o, const struct gr_spans *sp,
			   const struct gr_cp_req *r, struct gr_error *err)
{
	const struct gr_cp_req_run *run = NULL;
	struct out x;
	struct gr_buf b = GR_BUF_INIT;

	for (size_t i = 0; i < r->nruns; i++) {
		const struct gr_cp_req_run *c = &r->runs[i];
		if (o->root ? !strcmp(sp->v[c->root].id, o->root)
			    : (!run || c->latency_us > run->latency_us))
			run = c;
		if (o->root && run)
			break;
	}
	if (!run && o->root)
		return gr_error_set(err, GR_ERR_USAGE, "--root %s: no span tree has this root",
				    o->root);
	if (!run)
		return gr_error_set(err, GR_ERR_DATA, "no span tree to draw");
	out_init(&x, o);
	struct gr_jw *w = &x.w;
	const struct gr_span *root = &sp->v[run->root];
	int64_t t0 = root->start_us;
	gr_jw_begin(w);
	gr_jw_arr(w, "traceEvents");
	thread_name(w, 1, "critical path");
	for (size_t k = 0; k < run->nsec; k++) {
		const struct gr_cp_section *s = &r->secs[run->sec0 + k];
		span_label(&b, &sp->v[s->span]);
		tev(w, b.data ? b.data : "", "critical", 1, s->start_us - t0, s->end_us - s->start_us);
		gr_jw_obj(w, "args");
		gr_jw_cstr(w, "id", sp->v[s->span].id);
		gr_jw_obj_end(w);
		gr_jw_obj_end(w);
	}
	/* every span of the tree, one track per depth: a pre-order walk with a stack */
	uint32_t *stack = malloc((sp->n ? sp->n : 1) * sizeof(*stack));
	uint32_t *depth = malloc((sp->n ? sp->n : 1) * sizeof(*depth));
	uint32_t maxd = 0;
	if (!stack || !depth) {
		free(stack);
		free(depth);
		gr_buf_release(&b);
		out_end(&x);
		return GR_ERR_NOMEM;
	}
	size_t n = 0;
	stack[n] = run->root;
	depth[n++] = 0;
	while (n && !x.err) {
		n--;
		uint32_t si = stack[n], d = depth[n];
		const struct gr_span *s = &sp->v[si];
		if (d > maxd)
			maxd = d;
		span_label(&b, s);
		tev(w, b.data ? b.data : "", s->dropped ? "dropped" : "span", 2 + (int)d,
		    s->start_us - t0, s->end_us - s->start_us);
		gr_jw_obj(w, "args");
		gr_jw_cstr(w, "id", s->id);
		gr_jw_obj_end(w);
		gr_jw_obj_end(w);
		for (uint32_t k = s->nchild; k-- > 0;) {
			stack[n] = sp->child[s->child0 + k];
			depth[n++] = d + 1;
		}
		out_flush(&x, false);
	}
	for (uint32_t d = 0; d <= maxd && d < 1000; d++) {
		gr_buf_reset(&b);
		gr_buf_addf(&b, "depth %u", d);
		thread_name(w, 2 + (int)d, b.data);
	}
	free(stack);
	free(depth);
	gr_jw_arr_end(w);
	gr_jw_cstr(w, "displayTimeUnit", "ms");
	gr_jw_end(w);
	gr_buf_release(&b);
	return out_end(&x);
}
