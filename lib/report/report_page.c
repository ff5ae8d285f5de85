/* report_page.c: gammaray-report's page: the data as one HTML-safe JSON element, with the style and script. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "common/jsonw.h"
#include "common/numbers.h"
#include "report/report.h"

/* The \u escape of the character at p when it is one of U+200B..U+200F (zero width,
 * marks), U+2028..U+202E (separators, embeddings, overrides) or U+2066..U+2069
 * (isolates): text that could reorder or hide what is around it in a file viewer. */
static int bidi_escape(const unsigned char *p, size_t n, char out[16])
{
	if (n < 3 || p[0] != 0xe2)
		return 0;
	unsigned cp = 0x2000 + ((unsigned)(p[1] & 0x3f) << 6) + (p[2] & 0x3f);
	if ((p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80)
		return 0;
	if (!((cp >= 0x200b && cp <= 0x200f) || (cp >= 0x2028 && cp <= 0x202e) ||
	      (cp >= 0x2066 && cp <= 0x2069)))
		return 0;
	snprintf(out, 16, "\\u%04x", cp);
	return 1;
}

/* The first byte from p on that the page escapes ('<', '>', '&', or 0xe2, the first byte
 * of every character bidi_escape looks at), or end: sixteen at a time where SSE2 is
 * there, as nearly all of a megabyte of data needs none (a byte at a time, this pass
 * was a twentieth of a small report's time). */
static const char *html_plain_end(const char *p, const char *end)
{
#ifdef __SSE2__
	while (end - p >= 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
		__m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('<')),
						      _mm_cmpeq_epi8(v, _mm_set1_epi8('>'))),
					 _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('&')),
						      _mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xe2))));
		unsigned bits = (unsigned)_mm_movemask_epi8(m);
		if (bits)
			return p + __builtin_ctz(bits);
		p += 16;
	}
#endif
	while (p < end && *p != '<' && *p != '>' && *p != '&' && (unsigned char)*p != 0xe2)
		p++;
	return p;
}

int gr_report_json_for_html(struct gr_buf *out, const char *json, size_t n)
{
	const char *p = json, *end = json + n, *from = json;
	char tmp[16];
	int rc;

	while ((p = html_plain_end(p, end)) < end) {
		const char *esc = NULL;
		size_t skip = 1;
		unsigned char c = (unsigned char)*p;
		if (c == '<')
			esc = "\\u003c";
		else if (c == '>')
			esc = "\\u003e";
		else if (c == '&')
			esc = "\\u0026";
		else if (bidi_escape((const unsigned char *)p, (size_t)(end - p), tmp)) {
			esc = tmp;
			skip = 3;
		}
		if (!esc) {
			p++;
			continue;
		}
		if ((rc = gr_buf_add(out, from, (size_t)(p - from))) || (rc = gr_buf_adds(out, esc)))
			return rc;
		p += skip;
		from = p;
	}
	return gr_buf_add(out, from, (size_t)(end - from));
}

/* A time or null when unknown. */
static void time_or_null(struct gr_jw *w, const char *key, int64_t us)
{
	if (us == GR_TIME_UNKNOWN)
		gr_jw_null(w, key);
	else
		gr_jw_int(w, key, us);
}

static void str_or_null(struct gr_jw *w, const char *key, const char *s)
{
	if (s)
		gr_jw_cstr(w, key, s);
	else
		gr_jw_null(w, key);
}

/* "share" as gammaray-critpath --json writes it: us / total, four decimals, half up. */
static void share(struct gr_jw *w, const char *key, int64_t us, int64_t total)
{
	char tmp[16];
	int64_t v = 0;

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
	gr_jw_raw(w, key, tmp, 6);
}

/* A fraction as a percentage with one decimal, as gammaray-critpath's report prints it. */
static void pct1(struct gr_jw *w, const char *key, double f)
{
	char tmp[32];
	int n = snprintf(tmp, sizeof(tmp), "%.1f", f >= 0 && f < 1e9 ? 100.0 * f : 0.0);

	gr_jw_raw(w, key, tmp, (size_t)n);
}

static void pcts(struct gr_jw *w, const int64_t *v, size_t n)
{
	gr_jw_int(w, "p50_us", gr_pct_i64(v, n, 0.50));
	gr_jw_int(w, "p95_us", gr_pct_i64(v, n, 0.95));
	gr_jw_int(w, "p99_us", gr_pct_i64(v, n, 0.99));
	gr_jw_int(w, "max_us", n ? v[n - 1] : 0);
}

static const char *const fn_types[] = { "function", "unknown", "no-record", "resource" };

/* Money for the page: exact dollars as text ("$0.000011883384") to show, and the
 * pico-dollars as a number to sort by (a double past 2^53: sorting only); null both
 * when nothing was priced. */
static void money(struct gr_jw *w, const char *key, const char *key_pico, gr_u128 pico,
		  bool known)
{
	char d[64];

	if (!known) {
		gr_jw_null(w, key);
		if (key_pico)
			gr_jw_null(w, key_pico);
		return;
	}
	gr_pico_dollars(pico, d, sizeof(d));
	gr_jw_cstr(w, key, d);
	if (key_pico)
		gr_cp_cost_json_u128(w, key_pico, pico);
}

/* A sum of money: the total, on the path and off it, and what is unknown. */
static void money_obj(struct gr_jw *w, const struct gr_cp_money *m)
{
	uint64_t unknown = m->unknown_path + m->unknown_off;
	bool known = m->n_path + m->n_off > unknown;
	gr_u128 all = m->path + m->off;

	gr_jw_obj(w, "cost");
	money(w, "total", "total_pico", all, known);
	money(w, "path", NULL, m->path, known);
	money(w, "off", NULL, m->off, known);
	pct1(w, "off_pct", known && all ? (double)m->off / (double)all : 0.0);
	gr_jw_int(w, "invocations", (int64_t)(m->n_path + m->n_off));
	gr_jw_int(w, "unknown", (int64_t)unknown);
	gr_jw_int(w, "unknown_on_path", (int64_t)m->unknown_path);
	gr_jw_obj_end(w);
}

static int write_map(struct gr_jw *w, const struct gr_report *r)
{
	const struct gr_fmap *m = &r->map;
	gr_u128 *cost = NULL;
	uint32_t *unpriced = NULL;

	if (r->cost) {
		/* each map node's invocations, once each */
		cost = calloc(m->nnodes + 1, sizeof(*cost));
		unpriced = calloc(m->nnodes + 1, sizeof(*unpriced));
		if (!cost || !unpriced) {
			free(cost);
			free(unpriced);
			return GR_ERR_NOMEM;
		}
		for (size_t i = 0; i < r->g->nnodes; i++) {
			if (r->cost->node[i] < 0)
				unpriced[m->fn_of[i]]++;
			else
				cost[m->fn_of[i]] += (gr_u128)r->cost->node[i];
		}
	}
	gr_jw_obj(w, "map");
	gr_jw_arr(w, "nodes");
	for (size_t i = 0; i < m->nnodes; i++) {
		const struct gr_fmap_node *f = &m->nodes[i];
		gr_jw_obj(w, NULL);
		gr_jw_cstr(w, "id", f->id);
		gr_jw_cstr(w, "type", fn_types[f->type]);
		if (f->name)
			gr_jw_str(w, "name", f->name, f->name_len);
		else
			gr_jw_null(w, "name");
		if (f->type == GR_FMAP_SERVICE)
			gr_jw_cstr(w, "kind", gr_kind_name(f->kind));
		gr_jw_int(w, "count", f->count);
		gr_jw_int(w, "critical", f->critical);
		if (f->type != GR_FMAP_SERVICE) {
			gr_jw_int(w, "cold", f->cold);
			gr_jw_int(w, "restores", f->restores);
			gr_jw_int(w, "errors", f->errors);
			gr_jw_int(w, "timeouts", f->timeouts);
			if (f->runtime) {
				gr_jw_cstr(w, "runtime", f->runtime);
				gr_jw_int(w, "other_runtime", f->other_runtime);
			}
			gr_jw_int(w, "timed", (int64_t)f->ndur);
			pcts(w, m->durs + f->dur_at, f->ndur);
			if (cost) {
				money(w, "cost", "cost_pico", cost[i], unpriced[i] < f->count);
				gr_jw_int(w, "unpriced", unpriced[i]);
			}
		}
		gr_jw_obj_end(w);
	}
	gr_jw_arr_end(w);
	gr_jw_arr(w, "links");
	for (size_t i = 0; i < m->nlinks; i++) {
		const struct gr_fmap_link *l = &m->links[i];
		gr_jw_obj(w, NULL);
		gr_jw_int(w, "from", l->from);
		gr_jw_int(w, "to", l->to);
		gr_jw_cstr(w, "kind", gr_kind_name(l->kind));
		gr_jw_bool(w, "sync", l->sync);
		gr_jw_int(w, "count", l->count);
		gr_jw_int(w, "critical", l->critical);
		if (l->consumer) {
			gr_jw_obj(w, "delay");
			pcts(w, m->dels + l->del_at, l->ndel);
			gr_jw_obj_end(w);
		}
		gr_jw_obj_end(w);
	}
	gr_jw_arr_end(w);
	gr_jw_obj_end(w);
	free(cost);
	free(unpriced);
	return 0;
}

/* The per-root-function tables of gammaray-critpath's report, from the same stats. */
static void write_shares(struct gr_jw *w, const struct gr_cp_stats *st, const struct gr_cp_cost *c)
{
	static const char *const as[] = { "function", "init", "hop", "operation", "restore" };

	gr_jw_arr(w, "shares");
	for (size_t gi = 0, ri = 0; gi < st->ngroups; gi++) {
		const struct gr_cp_stat_group *g = &st->groups[gi];
		gr_jw_obj(w, NULL);
		gr_jw_cstr(w, "label", g->label);
		gr_jw_int(w, "runs", (int64_t)g->runs);
		gr_jw_int(w, "total_us", g->total_us);
		pcts(w, g->lat, g->nlat);
		const struct gr_cp_cost_row *cg = c ? gr_cp_cost_group(c, g->label) : NULL;
		if (cg)
			money_obj(w, &cg->m);
		gr_jw_arr(w, "rows");
		for (; ri < st->nrows && st->rows[ri].group == gi; ri++) {
			const struct gr_cp_stat_row *rw = &st->rows[ri];
			gr_jw_obj(w, NULL);
			gr_jw_cstr(w, "label", rw->label);
			gr_jw_cstr(w, "as", as[rw->row]);
			gr_jw_int(w, "runs", (int64_t)rw->runs);
			gr_jw_int(w, "total_us", rw->total_us);
			pct1(w, "runs_pct", g->runs ? (double)rw->runs / (double)g->runs : 0.0);
			pct1(w, "p50_pct", gr_pct_f(rw->shares, rw->nshares, 0.50));
			pct1(w, "p95_pct", gr_pct_f(rw->shares, rw->nshares, 0.95));
			pct1(w, "p99_pct", gr_pct_f(rw->shares, rw->nshares, 0.99));
			pct1(w, "time_pct", g->total_us ? (double)rw->total_us / (double)g->total_us : 0.0);
			gr_jw_obj_end(w);
		}
		gr_jw_arr_end(w);
		gr_jw_obj_end(w);
	}
	gr_jw_arr_end(w);
}

/* Every run of the search index: [root, fn, start_us, latency_us, trace, flags,
 * detail (-1: none), reach], and with prices [cost_pico, cost, off the path] (null
 * when none of its invocations was priced). */
static void write_runs(struct gr_jw *w, const struct gr_report *r)
{
	const struct gr_graph *g = r->g;

	gr_jw_arr(w, "runs");
	for (size_t i = 0; i < r->nindex; i++) {
		const struct gr_report_run *rr = &r->runs[r->index[i]];
		const struct gr_cp_run *run = &r->cp->runs[rr->cp];
		const struct gr_node *root = &g->nodes[run->root];
		gr_jw_arr(w, NULL);
		gr_jw_cstr(w, NULL, root->id);
		str_or_null(w, NULL, root->fn);
		time_or_null(w, NULL, root->start_us);
		gr_jw_int(w, NULL, run->latency_us);
		str_or_null(w, NULL, root->trace);
		gr_jw_int(w, NULL, rr->flags & ~(uint32_t)GR_REPORT_F_DETAIL);
		gr_jw_int(w, NULL, rr->detail == GR_NONE ? -1 : (int64_t)rr->detail);
		gr_jw_int(w, NULL, run->reach);
		if (r->cost) {
			const struct gr_cp_money *m = &r->cost->runs[rr->cp];
			bool known = m->n_path + m->n_off > m->unknown_path + m->unknown_off;
			char d[64];
			if (known) {
				gr_cp_cost_json_u128(w, NULL, m->path + m->off);
				gr_pico_dollars(m->path + m->off, d, sizeof(d));
				gr_jw_cstr(w, NULL, d);
				gr_pico_dollars(m->off, d, sizeof(d));
				gr_jw_cstr(w, NULL, d);
			} else {
				gr_jw_null(w, NULL);
				gr_jw_null(w, NULL);
				gr_jw_null(w, NULL);
			}
		}
		gr_jw_arr_end(w);
	}
	gr_jw_arr_end(w);
}

/* Lists hold positions in "details". */
static void write_lists(struct gr_jw *w, const struct gr_report *r)
{
	static const char *const names[] = { "slowest", "failed", "cold", "retry" };

	gr_jw_obj(w, "lists");
	for (int l = 0; l < GR_REPORT_LIST_COUNT; l++) {
		gr_jw_obj(w, names[l]);
		gr_jw_int(w, "total", (int64_t)(l == GR_REPORT_SLOWEST ? r->nruns : r->nflag[l]));
		gr_jw_arr(w, "runs");
		for (size_t i = 0; i < r->nlist[l]; i++)
			gr_jw_int(w, NULL, r->runs[r->lists[l][i]].detail);
		gr_jw_arr_end(w);
		gr_jw_obj_end(w);
	}
	gr_jw_obj_end(w);
}

/* Start, then request id (unknown starts last): the timeline's order. */
static int cmp_nodes(const void *a, const void *b, void *ctx)
{
	const struct gr_graph *g = ctx;
	const struct gr_node *x = &g->nodes[*(const uint32_t *)a], *y = &g->nodes[*(const uint32_t *)b];

	if (x->start_us != y->start_us) {
		if (x->start_us == GR_TIME_UNKNOWN || y->start_us == GR_TIME_UNKNOWN)
			return x->start_us == GR_TIME_UNKNOWN ? 1 : -1;
		return x->start_us < y->start_us ? -1 : 1;
	}
	return strcmp(x->id, y->id);
}

/* Scratch for the details: the invocations of one run and their local indices. */
struct members {
	uint32_t *local;   /* per graph node: index in v, GR_NONE when not in */
	uint32_t *v;       /* the run's invocations shown */
	size_t n;          /* entries of v */
	uint32_t *stack;   /* search stack */
	uint8_t *seen;     /* per graph node: visited in this run */
};

/* The reachable set of a run: the path's invocations (and synchronous callees) first,
 * then the others until the cap (GR_REPORT_MAX_RUN_NODES, and what is left of the
 * page's budget); returns those left out. */
static size_t collect(struct members *m, const struct gr_report *r, const struct gr_cp_run *run,
		      size_t *budget)
{
	const struct gr_graph *g = r->g;
	const struct gr_cp *cp = r->cp;
	size_t sp = 0, more = 0, nseen = 0;

	m->n = 0;
	for (uint32_t h = 0; h < run->nhop; h++) {
		const struct gr_cp_hop *hop = &cp->hops[run->hop0 + h];
		if (m->local[hop->node] == GR_NONE) {
			m->local[hop->node] = 0;
			m->v[m->n++] = hop->node;
		}
		for (uint32_t s = 0; s < hop->nseg; s++) {
			uint32_t nd = cp->segs[hop->seg0 + s].node;
			if (m->local[nd] == GR_NONE) {
				m->local[nd] = 0;
				m->v[m->n++] = nd;
			}
		}
	}
	m->stack[sp++] = run->root;
	m->seen[run->root] = 1;
	uint32_t *seenv = m->stack + g->nnodes; /* second half: visited, to clear */
	seenv[nseen++] = run->root;
	while (sp) {
		uint32_t v = m->stack[--sp];
		if (m->local[v] == GR_NONE) {
			if (m->n < GR_REPORT_MAX_RUN_NODES && m->n < *budget) {
				m->local[v] = 0;
				m->v[m->n++] = v;
			} else {
				more++;
			}
		}
		for (uint32_t e = g->nodes[v].out; e != GR_NONE; e = g->edges[e].next_out) {
			uint32_t t = g->edges[e].to;
			if (!m->seen[t]) {
				m->seen[t] = 1;
				seenv[nseen++] = t;
				m->stack[sp++] = t;
			}
		}
	}
	for (size_t i = 0; i < nseen; i++)
		m->seen[seenv[i]] = 0;
	*budget = *budget > m->n ? *budget - m->n : 0;
	qsort_r(m->v, m->n, sizeof(*m->v), cmp_nodes, (void *)g);
	for (size_t i = 0; i < m->n; i++)
		m->local[m->v[i]] = (uint32_t)i;
	return more;
}

static void write_detail(struct gr_jw *w, const struct gr_report *r, struct members *m,
			 uint32_t ri, size_t *budget)
{
	const struct gr_graph *g = r->g;
	const struct gr_cp *cp = r->cp;
	const struct gr_cp_run *run = &cp->runs[r->runs[ri].cp];
	size_t more = collect(m, r, run, budget);

	gr_jw_obj(w, NULL);
	gr_jw_cstr(w, "root", g->nodes[run->root].id);
	gr_jw_cstr(w, "sink", g->nodes[run->sink].id);
	time_or_null(w, "start_us", g->nodes[run->root].start_us);
	gr_jw_int(w, "latency_us", run->latency_us);
	gr_jw_int(w, "reach", run->reach);
	gr_jw_int(w, "errors", r->runs[ri].errors);
	gr_jw_int(w, "flags", r->runs[ri].flags & ~(uint32_t)GR_REPORT_F_DETAIL);
	gr_jw_int(w, "more", (int64_t)more);
	if (r->cost)
		money_obj(w, &r->cost->runs[r->runs[ri].cp]);
	/* nodes: [id, fn, start_us, end_us, init_us, restore_us, status, start, attempts,
	 * trace, on the path] */
	gr_jw_arr(w, "nodes");
	for (size_t i = 0; i < m->n; i++) {
		const struct gr_node *n = &g->nodes[m->v[i]];
		bool on = false;
		for (uint32_t h = 0; h < run->nhop && !on; h++)
			on = cp->hops[run->hop0 + h].node == m->v[i];
		gr_jw_arr(w, NULL);
		gr_jw_cstr(w, NULL, n->id);
		str_or_null(w, NULL, n->fn);
		time_or_null(w, NULL, n->start_us);
		time_or_null(w, NULL, n->end_us);
		gr_jw_int(w, NULL, n->init_us);
		gr_jw_int(w, NULL, n->restore_us);
		str_or_null(w, NULL, n->status == GR_STATUS_NONE ? NULL : gr_status_name(n->status));
		gr_jw_cstr(w, NULL, gr_start_name(n->start));
		gr_jw_int(w, NULL, n->attempts);
		str_or_null(w, NULL, n->trace);
		gr_jw_int(w, NULL, on);
		gr_jw_arr_end(w);
	}
	gr_jw_arr_end(w);
	/* edges between the invocations shown: [from, to, kind, sync, cause_us, delay_us,
	 * on the path, key] */
	gr_jw_arr(w, "edges");
	for (size_t i = 0; i < m->n; i++) {
		for (uint32_t e = g->nodes[m->v[i]].out; e != GR_NONE; e = g->edges[e].next_out) {
			const struct gr_edge *ed = &g->edges[e];
			if (m->local[ed->to] == GR_NONE)
				continue;
			bool on = false;
			for (uint32_t h = 0; h < run->nhop && !on; h++)
				on = cp->hops[run->hop0 + h].edge == e;
			gr_jw_arr(w, NULL);
			gr_jw_int(w, NULL, (int64_t)i);
			gr_jw_int(w, NULL, m->local[ed->to]);
			gr_jw_cstr(w, NULL, gr_kind_name(ed->kind) ? gr_kind_name(ed->kind) : "");
			gr_jw_int(w, NULL, ed->sync);
			time_or_null(w, NULL, ed->cause_us);
			gr_jw_int(w, NULL, ed->delay_us);
			gr_jw_int(w, NULL, on);
			str_or_null(w, NULL, ed->key);
			gr_jw_arr_end(w);
		}
	}
	gr_jw_arr_end(w);
	/* the path: per hop [node, segments [type, start_us, dur_us, node, depth, share]] */
	gr_jw_arr(w, "path");
	for (uint32_t h = 0; h < run->nhop; h++) {
		const struct gr_cp_hop *hop = &cp->hops[run->hop0 + h];
		gr_jw_obj(w, NULL);
		gr_jw_int(w, "node", m->local[hop->node]);
		if (hop->edge != GR_NONE) {
			gr_jw_cstr(w, "kind", gr_kind_name(g->edges[hop->edge].kind));
			gr_jw_bool(w, "sync", g->edges[hop->edge].sync);
		}
		gr_jw_arr(w, "segments");
		for (uint32_t s = 0; s < hop->nseg; s++) {
			const struct gr_cp_seg *sg = &cp->segs[hop->seg0 + s];
			gr_jw_arr(w, NULL);
			gr_jw_cstr(w, NULL, gr_cp_seg_name((enum gr_cp_seg_type)sg->type));
			gr_jw_int(w, NULL, sg->start_us);
			gr_jw_int(w, NULL, sg->dur_us);
			gr_jw_int(w, NULL, m->local[sg->node]);
			gr_jw_int(w, NULL, sg->depth);
			share(w, NULL, sg->dur_us, run->latency_us);
			gr_jw_arr_end(w);
		}
		gr_jw_arr_end(w);
		gr_jw_obj_end(w);
	}
	gr_jw_arr_end(w);
	gr_jw_obj_end(w);
	for (size_t i = 0; i < m->n; i++)
		m->local[m->v[i]] = GR_NONE;
}

static int write_details(struct gr_jw *w, const struct gr_report *r)
{
	size_t nn = r->g->nnodes + 1;
	struct members m = { 0 };
	size_t budget = GR_REPORT_MAX_DETAIL_NODES;

	m.local = malloc(nn * sizeof(*m.local));
	m.v = malloc(nn * sizeof(*m.v));
	m.stack = malloc(2 * nn * sizeof(*m.stack));
	m.seen = calloc(nn, 1);
	if (!m.local || !m.v || !m.stack || !m.seen) {
		free(m.local);
		free(m.v);
		free(m.stack);
		free(m.seen);
		return GR_ERR_NOMEM;
	}
	for (size_t i = 0; i < nn; i++)
		m.local[i] = GR_NONE;
	gr_jw_arr(w, "details");
	for (size_t i = 0; i < r->ndetail; i++)
		write_detail(w, r, &m, r->detail[i], &budget);
	gr_jw_arr_end(w);
	free(m.local);
	free(m.v);
	free(m.stack);
	free(m.seen);
	return 0;
}

/* What was not linked or read: upstream stats records, unmatched evidence, ours. */
static void write_lost(struct gr_jw *w, const struct gr_report *r, const struct gr_stats *st)
{
	const struct gr_graph *g = r->g;
	size_t shown = 0;

	gr_jw_obj(w, "lost");
	gr_jw_arr(w, "stats");
	for (size_t i = 0; i < g->nextra; i++)
		if (r->extra_type[i] == GR_REPORT_X_STATS)
			gr_jw_raw(w, NULL, g->extra[i], strlen(g->extra[i]));
	gr_jw_arr_end(w);
	/* this program's own reading */
	gr_jw_obj(w, "report");
	gr_jw_int(w, "files", (int64_t)st->files);
	gr_jw_int(w, "records_in", (int64_t)st->records_in);
	gr_jw_int(w, "records_out", (int64_t)st->records_out);
	gr_jw_obj(w, "skipped");
	for (int k = 0; k < GR_REASON_COUNT; k++)
		if (st->reason[k] && !gr_reason_is_lost((enum gr_reason)k))
			gr_jw_int(w, gr_reason_name((enum gr_reason)k), (int64_t)st->reason[k]);
	gr_jw_obj_end(w);
	gr_jw_obj(w, "lost");
	for (int k = 0; k < GR_REASON_COUNT; k++)
		if (st->reason[k] && gr_reason_is_lost((enum gr_reason)k))
			gr_jw_int(w, gr_reason_name((enum gr_reason)k), (int64_t)st->reason[k]);
	gr_jw_obj_end(w);
	gr_jw_obj_end(w);
	gr_jw_int(w, "unmatched", (int64_t)r->unmatched);
	gr_jw_int(w, "other_records", (int64_t)r->others);
	gr_jw_arr(w, "unmatched_sample");
	for (size_t i = 0; i < g->nextra && shown < GR_REPORT_MAX_UNMATCHED; i++)
		if (r->extra_type[i] == GR_REPORT_X_UNMATCHED) {
			gr_jw_raw(w, NULL, g->extra[i], strlen(g->extra[i]));
			shown++;
		}
	gr_jw_arr_end(w);
	gr_jw_arr(w, "unmatched_by");
	for (size_t k = 0; k < r->ngroups; k++) {
		gr_jw_obj(w, NULL);
		gr_jw_cstr(w, "what", r->groups[k].what);
		gr_jw_cstr(w, "kind", r->groups[k].kind);
		gr_jw_int(w, "count", (int64_t)r->groups[k].n);
		gr_jw_obj_end(w);
	}
	gr_jw_arr_end(w);
	gr_jw_obj_end(w);
}

int gr_report_data(struct gr_buf *json, const struct gr_report *r, const struct gr_stats *st,
		   struct gr_error *err)
{
	const struct gr_graph *g = r->g;
	const struct gr_cp *cp = r->cp;
	struct gr_jw w;
	int64_t first = GR_TIME_UNKNOWN, last = GR_TIME_UNKNOWN;
	int rc;

	for (size_t i = 0; i < g->nnodes; i++) {
		const struct gr_node *nd = &g->nodes[i];
		if (nd->start_us != GR_TIME_UNKNOWN && (first == GR_TIME_UNKNOWN || nd->start_us < first))
			first = nd->start_us;
		if (nd->end_us != GR_TIME_UNKNOWN && (last == GR_TIME_UNKNOWN || nd->end_us > last))
			last = nd->end_us;
	}
	gr_jw_init(&w, json);
	gr_jw_begin(&w);
	gr_jw_int(&w, "v", 1);
	gr_jw_cstr(&w, "generator", "gammaray-report " GR_VERSION);
	gr_jw_obj(&w, "summary");
	gr_jw_int(&w, "invocations", (int64_t)g->nnodes);
	gr_jw_int(&w, "edges", (int64_t)(g->nedges - g->dup_edges));
	gr_jw_int(&w, "roots", (int64_t)cp->roots);
	gr_jw_int(&w, "runs", (int64_t)cp->nruns);
	gr_jw_int(&w, "untimed", (int64_t)cp->roots_untimed);
	gr_jw_int(&w, "fallbacks", (int64_t)cp->fallbacks);
	time_or_null(&w, "first_us", first);
	time_or_null(&w, "last_us", last);
	gr_jw_int(&w, "top", r->top);
	gr_jw_int(&w, "indexed", (int64_t)r->nindex);
	gr_jw_int(&w, "detailed", (int64_t)r->ndetail);
	gr_jw_int(&w, "max_run_nodes", GR_REPORT_MAX_RUN_NODES);
	gr_jw_int(&w, "max_detail_nodes", GR_REPORT_MAX_DETAIL_NODES);
	gr_jw_obj_end(&w);
	if (r->cost) {
		gr_jw_obj(&w, "cost");
		money(&w, "total", "total_pico", r->cost->total, r->cost->known > 0);
		gr_jw_int(&w, "known", (int64_t)r->cost->known);
		gr_jw_int(&w, "unknown", (int64_t)r->cost->unknown);
		gr_jw_bool(&w, "from_file", r->prices_from_file);
		gr_jw_cstr(&w, "prices_of", GR_PRICES_DATE);
		gr_jw_obj_end(&w);
	}
	if ((rc = write_map(&w, r)))
		goto out;
	write_shares(&w, r->cs, r->cost);
	write_lists(&w, r);
	write_runs(&w, r);
	if ((rc = write_details(&w, r)))
		goto out;
	write_lost(&w, r, st);
	rc = w.err;
out:
	if (rc)
		gr_error_set(err, rc, "%s", rc == GR_ERR_LIMIT ? "the report is too large"
								  : "out of memory");
	return rc;
}

static int page_error(struct gr_error *err, int rc)
{
	return gr_error_set(err, rc, "%s", rc == GR_ERR_LIMIT ? "the report is too large"
							    : "out of memory");
}

int gr_report_page_head(struct gr_buf *out, const struct gr_buf *json, struct gr_error *err)
{
	int rc;

	/* the head at once: the data, the style and a little (escapes ask for more) */
	if ((rc = gr_buf_reserve(out, json->len + strlen(gr_report_css) + 1024)) ||
	    (rc = gr_buf_adds(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
			      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
			      "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n"
			      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
			      "<title>gammaray report</title>\n<style>\n")) ||
	    (rc = gr_buf_adds(out, gr_report_css)) ||
	    (rc = gr_buf_adds(out, "</style>\n</head>\n<body>\n<noscript>This report draws itself "
			      "with JavaScript; the data is in the gr-data element.</noscript>\n"
			      "<div id=\"app\"></div>\n"
			      "<script type=\"application/json\" id=\"gr-data\">")) ||
	    (rc = gr_report_json_for_html(out, json->data, json->len)))
		return page_error(err, rc);
	return 0;
}

int gr_report_page_tail(struct gr_buf *out, const char *svg, size_t n, struct gr_error *err)
{
	struct gr_buf rest = GR_BUF_INIT;
	struct gr_jw w;
	int rc;

	/* the map's SVG last, as it comes from the other thread, closing the data */
	gr_jw_init(&w, &rest);
	w.depth = 1;
	w.comma = true;
	if (svg)
		gr_jw_str(&w, "svg", svg, n);
	else
		gr_jw_null(&w, "svg");
	gr_jw_end(&w);
	if ((rc = w.err) ||
	    /* without gr_jw_end's newline: the element is one line, for sed */
	    (rc = gr_report_json_for_html(out, rest.data, rest.len - 1)) ||
	    (rc = gr_buf_adds(out, "</script>\n<script>\n")) ||
	    (rc = gr_buf_adds(out, gr_report_js)) ||
	    (rc = gr_buf_adds(out, "</script>\n</body>\n</html>\n")))
		page_error(err, rc);
	gr_buf_release(&rest);
	return rc;
}

int gr_report_page(struct gr_buf *out, struct gr_buf *json, const char *svg, size_t n,
		   struct gr_error *err)
{
	int rc = gr_report_page_head(out, json, err);

	return rc ? rc : gr_report_page_tail(out, svg, n, err);
}
