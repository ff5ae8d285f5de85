/* critpath_stats.c: critical paths across many runs: how often each function and hop kind is on them, and their share. */
#include <stdlib.h>
#include <string.h>

#include "critpath/critpath.h"

void gr_cp_stats_init(struct gr_cp_stats *s)
{
	memset(s, 0, sizeof(*s));
}

void gr_cp_stats_release(struct gr_cp_stats *s)
{
	for (size_t i = 0; i < s->nrows; i++)
		free(s->rows[i].shares);
	for (size_t i = 0; i < s->ngroups; i++)
		free(s->groups[i].lat);
	free(s->rows);
	free(s->groups);
	free(s->cur);
	gr_buf_release(&s->key);
	gr_arena_release(&s->arena);
	gr_strmap_release(&s->keys);
	memset(s, 0, sizeof(*s));
}

/* Index of the group named label (created), or UINT32_MAX when out of memory. */
static uint32_t group(struct gr_cp_stats *s, const char *label)
{
	gr_buf_reset(&s->key);
	if (gr_buf_addc(&s->key, '\x1e') || gr_buf_adds(&s->key, label))
		return UINT32_MAX;
	uint32_t *ix = gr_strmap_get(&s->keys, s->key.data, s->key.len);
	if (ix)
		return *ix;
	if (GR_GROW(s->groups, s->ngroups, s->cap_groups))
		return UINT32_MAX;
	const char *k = gr_arena_strdup(&s->arena, s->key.data, s->key.len);
	if (!k || !gr_strmap_put(&s->keys, k, s->key.len, (uint32_t)s->ngroups, NULL))
		return UINT32_MAX;
	struct gr_cp_stat_group *g = &s->groups[s->ngroups];
	memset(g, 0, sizeof(*g));
	g->label = k + 1;
	return (uint32_t)s->ngroups++;
}

static uint32_t row(struct gr_cp_stats *s, uint32_t grp, enum gr_cp_row r, const char *label)
{
	gr_buf_reset(&s->key);
	if (gr_buf_add(&s->key, &grp, sizeof(grp)) || gr_buf_addc(&s->key, (char)('0' + r)) ||
	    gr_buf_adds(&s->key, label))
		return UINT32_MAX;
	uint32_t *ix = gr_strmap_get(&s->keys, s->key.data, s->key.len);
	if (ix)
		return *ix;
	if (GR_GROW(s->rows, s->nrows, s->cap_rows))
		return UINT32_MAX;
	const char *k = gr_arena_alloc(&s->arena, s->key.len + 1);
	if (!k)
		return UINT32_MAX;
	memcpy((char *)k, s->key.data, s->key.len + 1);
	if (!gr_strmap_put(&s->keys, k, s->key.len, (uint32_t)s->nrows, NULL))
		return UINT32_MAX;
	struct gr_cp_stat_row *rw = &s->rows[s->nrows];
	memset(rw, 0, sizeof(*rw));
	rw->label = k + sizeof(grp) + 1;
	rw->group = grp;
	rw->row = (uint8_t)r;
	return (uint32_t)s->nrows++;
}

/* t + us, saturating: latencies of hostile graphs (each within 2^61) add up past int64. */
static int64_t add_total(int64_t t, int64_t us)
{
	int64_t r;

	return __builtin_add_overflow(t, us, &r) ? (us > 0 ? INT64_MAX : INT64_MIN) : r;
}

static void add_lat(struct gr_cp_stats *s, uint32_t gi, int64_t lat)
{
	struct gr_cp_stat_group *g = &s->groups[gi];

	if (GR_GROW(g->lat, g->nlat, g->cap)) {
		s->err = GR_ERR_NOMEM;
		return;
	}
	g->lat[g->nlat++] = lat;
	g->runs++;
	g->total_us = add_total(g->total_us, lat);
}

void gr_cp_stats_begin(struct gr_cp_stats *s, const char *root_label, int64_t latency_us)
{
	/* "" names the group of every run */
	uint32_t all = group(s, ""), own = group(s, root_label && *root_label ? root_label : "?");

	s->ncur = 0;
	s->cur_lat = latency_us;
	s->cur_group = own;
	if (all == UINT32_MAX || own == UINT32_MAX) {
		s->err = GR_ERR_NOMEM;
		return;
	}
	add_lat(s, all, latency_us);
	add_lat(s, own, latency_us);
}

void gr_cp_stats_add(struct gr_cp_stats *s, enum gr_cp_row r, const char *label, int64_t us)
{
	if (s->err || us <= 0)
		return;
	/* the row of the "every run" group (0); the root group's row is found at the end */
	uint32_t ri = row(s, 0, r, label ? label : "?");
	if (ri == UINT32_MAX || GR_GROW(s->cur, s->ncur, s->cap_cur)) {
		s->err = GR_ERR_NOMEM;
		return;
	}
	s->cur[s->ncur].row = ri;
	s->cur[s->ncur].us = us;
	s->ncur++;
}

static int cmp_cur(const void *a, const void *b)
{
	const uint32_t *x = a, *y = b;

	return *x < *y ? -1 : *x > *y;
}

static void push_share(struct gr_cp_stats *s, uint32_t ri, int64_t us)
{
	struct gr_cp_stat_row *rw = &s->rows[ri];

	if (GR_GROW(rw->shares, rw->nshares, rw->cap)) {
		s->err = GR_ERR_NOMEM;
		return;
	}
	rw->shares[rw->nshares++] = s->cur_lat > 0 ? (float)((double)us / (double)s->cur_lat) : 0;
	rw->runs++;
	rw->total_us = add_total(rw->total_us, us);
}

void gr_cp_stats_end(struct gr_cp_stats *s)
{
	if (s->err)
		return;
	if (s->ncur > 1)
		qsort(s->cur, s->ncur, sizeof(*s->cur), cmp_cur);
	for (size_t i = 0; i < s->ncur;) {
		uint32_t ri = s->cur[i].row;
		int64_t us = 0;
		for (; i < s->ncur && s->cur[i].row == ri; i++)
			us += s->cur[i].us;
		enum gr_cp_row r = (enum gr_cp_row)s->rows[ri].row;
		const char *label = s->rows[ri].label;
		uint32_t own = s->cur_group ? row(s, s->cur_group, r, label) : UINT32_MAX;
		if (s->cur_group && own == UINT32_MAX) {
			s->err = GR_ERR_NOMEM;
			return;
		}
		push_share(s, ri, us);
		if (s->cur_group)
			push_share(s, own, us);
	}
	s->ncur = 0;
}


/* Rows by group, then time on the path (descending), then kind, then label. */
static int cmp_row(const void *a, const void *b)
{
	const struct gr_cp_stat_row *x = a, *y = b;

	if (x->group != y->group)
		return x->group < y->group ? -1 : 1;
	if (x->total_us != y->total_us)
		return x->total_us > y->total_us ? -1 : 1;
	if (x->row != y->row)
		return x->row < y->row ? -1 : 1;
	return strcmp(x->label, y->label);
}

/* Groups: every run first, then root functions by runs (descending), then name. */
static int cmp_group(const void *a, const void *b)
{
	const struct gr_cp_stat_group *x = a, *y = b;

	if (!*x->label != !*y->label)
		return !*x->label ? -1 : 1;
	if (x->runs != y->runs)
		return x->runs > y->runs ? -1 : 1;
	return strcmp(x->label, y->label);
}

int gr_cp_stats_finish(struct gr_cp_stats *s)
{
	if (s->err)
		return s->err;
	for (size_t i = 0; i < s->nrows; i++)
		if (s->rows[i].nshares > 1)
			gr_sort_f(s->rows[i].shares, s->rows[i].nshares);
	for (size_t i = 0; i < s->ngroups; i++)
		if (s->groups[i].nlat > 1)
			gr_sort_i64(s->groups[i].lat, s->groups[i].nlat);
	/* renumber groups in display order, then sort rows under them */
	uint32_t *old = malloc((s->ngroups ? s->ngroups : 1) * sizeof(*old));
	struct gr_cp_stat_group *sorted = malloc((s->ngroups ? s->ngroups : 1) * sizeof(*sorted));
	if (!old || !sorted) {
		free(old);
		free(sorted);
		return s->err = GR_ERR_NOMEM;
	}
	if (s->ngroups)
		memcpy(sorted, s->groups, s->ngroups * sizeof(*sorted));
	if (s->ngroups > 1)
		qsort(sorted, s->ngroups, sizeof(*sorted), cmp_group);
	for (size_t i = 0; i < s->ngroups; i++)
		for (size_t j = 0; j < s->ngroups; j++)
			if (sorted[i].label == s->groups[j].label) {
				old[j] = (uint32_t)i;
				break;
			}
	if (s->ngroups)
		memcpy(s->groups, sorted, s->ngroups * sizeof(*sorted));
	for (size_t i = 0; i < s->nrows; i++)
		s->rows[i].group = old[s->rows[i].group];
	if (s->nrows > 1)
		qsort(s->rows, s->nrows, sizeof(*s->rows), cmp_row);
	free(old);
	free(sorted);
	/* the map's row indices are stale now: no more runs can be added */
	gr_strmap_release(&s->keys);
	return 0;
}



const char *gr_cp_node_label(const struct gr_node *n)
{
	return n->fn ? n->fn : n->id;
}

const char *gr_cp_node_fn(const struct gr_node *n)
{
	return n->fn && *n->fn ? n->fn : "(unknown function)";
}

int gr_cp_stats_workflow(struct gr_cp_stats *s, const struct gr_graph *g, const struct gr_cp *cp)
{
	for (size_t r = 0; r < cp->nruns; r++) {
		const struct gr_cp_run *run = &cp->runs[r];
		gr_cp_stats_begin(s, gr_cp_node_fn(&g->nodes[run->root]), run->latency_us);
		const struct gr_cp_hop *h0 = &cp->hops[run->hop0];
		const struct gr_cp_hop *hl = &cp->hops[run->hop0 + run->nhop - 1];
		size_t a = h0->seg0, b = hl->seg0 + hl->nseg;
		for (size_t i = a; i < b; i++) {
			const struct gr_cp_seg *sg = &cp->segs[i];
			const struct gr_node *nd = &g->nodes[sg->node];
			switch ((enum gr_cp_seg_type)sg->type) {
			case GR_CP_INIT:
				gr_cp_stats_add(s, GR_CP_ROW_INIT, "cold starts", sg->dur_us);
				gr_cp_stats_add(s, GR_CP_ROW_FN, gr_cp_node_fn(nd), sg->dur_us);
				break;
			case GR_CP_RESTORE:
				gr_cp_stats_add(s, GR_CP_ROW_RESTORE, "snapstart restores", sg->dur_us);
				gr_cp_stats_add(s, GR_CP_ROW_FN, gr_cp_node_label(nd), sg->dur_us);
				break;
			case GR_CP_EXEC:
				gr_cp_stats_add(s, GR_CP_ROW_FN, gr_cp_node_fn(nd), sg->dur_us);
				break;
			case GR_CP_TRIGGER:
				gr_cp_stats_add(s, GR_CP_ROW_HOP,
						gr_kind_name(g->edges[sg->edge].kind), sg->dur_us);
				break;
			case GR_CP_INVOKE:
				gr_cp_stats_add(s, GR_CP_ROW_HOP, "lambda (sync)", sg->dur_us);
				break;
			default: /* sync: its callee's segments follow */
				break;
			}
		}
		gr_cp_stats_end(s);
	}
	return gr_cp_stats_finish(s);
}

int gr_cp_stats_request(struct gr_cp_stats *s, const struct gr_spans *sp, const struct gr_cp_req *r)
{
	struct gr_buf label = GR_BUF_INIT;

	for (size_t i = 0; i < r->nruns; i++) {
		const struct gr_cp_req_run *run = &r->runs[i];
		const struct gr_span *root = &sp->v[run->root];
		gr_buf_reset(&label);
		gr_buf_addf(&label, "[%s] %s", root->svc, root->op);
		gr_cp_stats_begin(s, label.data ? label.data : "", run->latency_us);
		for (size_t k = 0; k < run->nitem; k++) {
			const struct gr_cp_item *it = &r->items[run->item0 + k];
			const struct gr_span *x = &sp->v[it->span];
			gr_buf_reset(&label);
			gr_buf_addf(&label, "[%s] %s", x->svc, x->op);
			gr_cp_stats_add(s, GR_CP_ROW_OP, label.data ? label.data : "", it->self_us);
		}
		gr_cp_stats_end(s);
	}
	gr_buf_release(&label);
	return gr_cp_stats_finish(s);
}
