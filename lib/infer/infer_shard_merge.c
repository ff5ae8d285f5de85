/* infer_shard_merge.c: the merge stage of a sharded run: the graph stream in its order, edges that close cycles dropped, runs split, the stats record. */
#include "infer/infer_shard.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The fields of one merge line, split (decoded) in sh->gsplit. */
static bool split_line(struct gr_shard *sh, const char *line, size_t n, struct gr_sh_line *l)
{
	gr_buf_reset(&sh->graw);
	gr_buf_reset(&sh->gkey);
	if (gr_buf_add(&sh->graw, line, n) || gr_buf_addc(&sh->graw, '\0') ||
	    gr_sh_grow(&sh->goff, &sh->gcap, 1, sizeof(*sh->goff))) {
		gr_sh_fail(sh, GR_ERR_NOMEM, "out of memory");
		return false;
	}
	sh->goff[0] = 0;
	sh->gn = 1;
	if (gr_sh_group_split(sh))
		return false;
	*l = sh->lines[0];
	sh->gn = 0;
	return true;
}

/* --- runs ------------------------------------------------------------------------- */

/* Union-find over the merge's nodes (their runs). */
struct runs {
	uint32_t *up;       /* parent */
	size_t n;           /* nodes */
};

static uint32_t run_find(struct runs *r, uint32_t x)
{
	while (r->up[x] != x) {
		r->up[x] = r->up[r->up[x]];
		x = r->up[x];
	}
	return x;
}

/* --- the graph's lines --------------------------------------------------------------- */

static int out_line(struct gr_shard *sh, const char *json, size_t n)
{
	if (gr_buf_add(&sh->out, json, n) || gr_buf_addc(&sh->out, '\n'))
		return gr_sh_fail(sh, GR_ERR_NOMEM, "out of memory"), GR_ERR_NOMEM;
	return gr_sh_flush(sh, false);
}

static void header(struct gr_shard *sh)
{
	struct gr_jw w;

	if (sh->mg->written_header)
		return;
	gr_jw_init(&w, &sh->out);
	gr_graph_write_header(&w);
	sh->mg->written_header = true;
}

/* Keep a line: an edge until the cycles are known (buf: mg_edges), or with --split
 * any line of the graph until the runs are (mg_run). */
static void keep(struct gr_shard *sh, struct gr_buf *b, size_t **off, size_t *n, size_t *cap,
		 const char *line, size_t len)
{
	if (gr_sh_grow(off, cap, *n + 1, sizeof(**off)) || gr_buf_add(b, line, len) ||
	    gr_buf_addc(b, '\0')) {
		gr_sh_fail(sh, GR_ERR_NOMEM, "out of memory");
		return;
	}
	(*off)[(*n)++] = b->len - len - 1;
}

static void hold(struct gr_shard *sh, const char *line, size_t n)
{
	keep(sh, &sh->mg_edges, &sh->mg_edge_off, &sh->mg_edge_n, &sh->mg_edge_cap, line, n);
}

static void hold_run(struct gr_shard *sh, const char *line, size_t n)
{
	keep(sh, &sh->mg_run, &sh->mg_run_off, &sh->mg_run_n, &sh->mg_run_cap, line, n);
}

static void node_line(struct gr_shard *sh, const struct gr_sh_line *l)
{
	struct gr_infer *mg = sh->mg;
	const char *id = gr_sh_f_str(l, 3), *fn = gr_sh_f_opt(l, 4), *json = gr_sh_f_str(l, 6);
	uint32_t ni = gr_inf_node_get(mg, id, strlen(id));

	if (ni == INF_NONE)
		return;
	struct gr_inf_node *n = INF_NODE(mg, ni);
	n->flags |= NF_RUN;
	if (fn) {
		n->fn = gr_inf_intern(mg, fn, strlen(fn));
		INF_NODE(mg, ni)->flags |= NF_FN_START;
	}
	mg->st.invocations++;
	mg->st.io.events_out++;
	if (gr_sh_f_i64(sh, l, 5) > 1)
		mg->st.retried++;
	if (!sh->split)
		out_line(sh, json, strlen(json));
}

/* The edges held: those that close cycles dropped (gr_inf_break_cycles, over the
 * whole graph), the rest written in their order. */
static void edges_done(struct gr_shard *sh)
{
	struct gr_infer *mg = sh->mg;
	size_t ne = sh->mg_edge_n;
	uint32_t *from = NULL, *to = NULL;
	uint8_t *dead = NULL;
	struct gr_sh_line l;

	if (sh->section > 2)
		return;
	sh->section = 3;
	if (!ne)
		return;
	/* the edge lines are held in mg_edges; each is split again as it is used */
	struct gr_buf held = sh->mg_edges;
	size_t *off = sh->mg_edge_off;
	sh->mg_edges = (struct gr_buf)GR_BUF_INIT;
	sh->mg_edge_off = NULL;
	sh->mg_edge_n = sh->mg_edge_cap = 0;
	from = malloc(ne * sizeof(*from));
	to = malloc(ne * sizeof(*to));
	dead = calloc(ne, 1);
	if (!from || !to || !dead) {
		gr_sh_fail(sh, GR_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < ne && !sh->fatal; i++) {
		const char *line = held.data + off[i];
		if (!split_line(sh, line, strlen(line), &l))
			goto out;
		const char *f = gr_sh_f_str(&l, 3), *t = gr_sh_f_str(&l, 4);
		from[i] = gr_inf_node_get(mg, f, strlen(f));
		to[i] = gr_inf_node_get(mg, t, strlen(t));
		if (from[i] == INF_NONE || to[i] == INF_NONE)
			goto out;
	}
	if (gr_inf_acyclic(mg->nodes.n, from, to, ne, dead, &mg->st.cycles_broken)) {
		gr_sh_fail(sh, GR_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < ne && !sh->fatal; i++) {
		if (dead[i])
			continue;
		const char *line = held.data + off[i];
		if (!split_line(sh, line, strlen(line), &l))
			goto out;
		int kind = (int)gr_sh_f_i64(sh, &l, 5), ev = (int)gr_sh_f_i64(sh, &l, 6);
		float conf = gr_sh_f_f32(sh, &l, 7);
		const char *json = gr_sh_f_str(&l, 8);
		if (kind < 0 || kind >= GR_INFER_KINDS || ev < 0 || ev >= GR_INFER_EVIDENCE) {
			gr_sh_fail(sh, GR_ERR_FORMAT, "merge: an edge of an unknown kind or evidence");
			goto out;
		}
		mg->st.edges++;
		mg->st.io.events_out++;
		mg->st.edges_kind[kind]++;
		mg->st.edges_evidence[ev]++;
		if (conf < 0.9995f)
			mg->st.uncertain++;
		struct gr_inf_node *fn = INF_NODE(mg, from[i]);
		if (!(fn->flags & NF_RUN) && !(fn->flags & NF_RELEASED)) {
			mg->st.referenced++;
			fn->flags |= NF_RELEASED;
		}
		struct gr_inf_edge e = { .from = from[i], .to = to[i], .kind = (uint8_t)kind };
		gr_inf_fn_edge(mg, &e);
		if (sh->split)
			hold_run(sh, line, strlen(line));
		else
			out_line(sh, json, strlen(json));
	}
out:
	free(from);
	free(to);
	free(dead);
	gr_buf_release(&held);
	free(off);
}

static void stats_done(struct gr_shard *sh);

void gr_sh_merge_line(struct gr_shard *sh, const char *line, size_t n)
{
	struct gr_infer *mg = sh->mg;
	struct gr_sh_line l;
	int section = n > 1 ? line[1] - '0' : 0;

	if (section < 1 || section > 5) {
		gr_sh_fail(sh, GR_ERR_FORMAT, "merge: a line of no section it knows");
		return;
	}
	if (section < sh->section) {
		gr_sh_fail(sh, GR_ERR_FORMAT, "merge: the input is not sorted (sort it with LC_ALL=C "
			   "sort before each stage)");
		return;
	}
	if (section > 2)
		edges_done(sh);
	if (section > 4)
		stats_done(sh);
	if (sh->section < section)
		sh->section = section;
	if (!split_line(sh, line, n, &l))
		return;
	header(sh);
	switch (section) {
	case 1:
		node_line(sh, &l);
		if (sh->split)
			hold_run(sh, line, n);
		break;
	case 2:
		hold(sh, line, n);
		break;
	case 3: {
		const char *json = gr_sh_f_str(&l, 3);
		mg->st.io.events_out++;
		if (sh->split)
			hold_run(sh, line, n);
		else
			out_line(sh, json, strlen(json));
		break;
	}
	case 4:
		/* an upstream stage's stats record: read in the order of their positions */
		keep(sh, &sh->mg_stats, &sh->mg_stats_off, &sh->mg_stats_n, &sh->mg_stats_cap, line, n);
		break;
	case 5: {
		if (gr_sh_type(&l) != 'A' || gr_sh_f_i64(sh, &l, 3) != GR_REASON_COUNT ||
		    gr_sh_f_i64(sh, &l, 4) != GR_INFER_KINDS) {
			gr_sh_fail(sh, GR_ERR_FORMAT, "merge: counts of another version of the stages");
			return;
		}
		struct gr_infer_stats *st = &mg->st;
		size_t f = 5;
		st->io.files += (uint64_t)gr_sh_f_i64(sh, &l, f++);
		st->io.bytes_in += (uint64_t)gr_sh_f_i64(sh, &l, f++);
		st->io.bytes += (uint64_t)gr_sh_f_i64(sh, &l, f++);
		st->io.records_in += (uint64_t)gr_sh_f_i64(sh, &l, f++);
		st->io.records_out += (uint64_t)gr_sh_f_i64(sh, &l, f++);
		st->io.invalid_utf8 += (uint64_t)gr_sh_f_i64(sh, &l, f++);
		for (int r = 0; r < GR_REASON_COUNT; r++)
			st->io.reason[r] += (uint64_t)gr_sh_f_i64(sh, &l, f++);
		st->clock_violations += (uint64_t)gr_sh_f_i64(sh, &l, f++);
		st->cycles_broken += (uint64_t)gr_sh_f_i64(sh, &l, f++);
		st->unmatched_xray += (uint64_t)gr_sh_f_i64(sh, &l, f++);
		for (int k = 0; k < GR_INFER_KINDS; k++)
			st->unmatched_trigger[k] += (uint64_t)gr_sh_f_i64(sh, &l, f++);
		for (int k = 0; k < GR_INFER_KINDS; k++)
			st->unmatched_cause[k] += (uint64_t)gr_sh_f_i64(sh, &l, f++);
		break;
	}
	default:
		break;
	}
	if (sh->fatal)
		sh->rd->fatal = sh->fatal;
}

static int cmp_line(const void *a, const void *b, void *ctx)
{
	const char *raw = ctx;

	return strcmp(raw + *(const size_t *)a, raw + *(const size_t *)b);
}

/* The upstream stages' stats records, read as gammaray-infer reads them, in their
 * order (the stages are listed in the order their first record was read). */
static void stats_done(struct gr_shard *sh)
{
	struct gr_infer *mg = sh->mg;
	struct gr_sh_line l;

	if (sh->stats_read)
		return;
	sh->stats_read = true;
	if (!sh->mg_stats_n)
		return;
	qsort_r(sh->mg_stats_off, sh->mg_stats_n, sizeof(*sh->mg_stats_off), cmp_line,
		sh->mg_stats.data);
	for (size_t i = 0; i < sh->mg_stats_n && !sh->fatal; i++) {
		const char *line = sh->mg_stats.data + sh->mg_stats_off[i];
		if (!split_line(sh, line, strlen(line), &l))
			return;
		uint64_t in = mg->st.io.records_in;
		gr_sh_replay(sh, mg, &l, 3, true);
		mg->st.io.records_in = in;
	}
}

/* --- runs into shards ------------------------------------------------------------------- */

/* With --split: each run (nodes joined by edges) whole into one of sh->split graph
 * streams, chosen by its first node's id. */
static void split_runs(struct gr_shard *sh)
{
	struct gr_infer *mg = sh->mg;
	struct runs r = { NULL, mg->nodes.n };
	struct gr_buf *bufs = NULL;
	uint32_t *first = NULL;
	struct gr_sh_line l;

	r.up = malloc((r.n + 1) * sizeof(*r.up));
	first = malloc((r.n + 1) * sizeof(*first));
	bufs = calloc(sh->split, sizeof(*bufs));
	if (!r.up || !first || !bufs) {
		gr_sh_fail(sh, GR_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < r.n; i++) {
		r.up[i] = (uint32_t)i;
		first[i] = INF_NONE;
	}
	/* edges join runs; the first node of a run in the graph's order names it */
	for (size_t i = 0; i < sh->mg_run_n && !sh->fatal; i++) {
		const char *line = sh->mg_run.data + sh->mg_run_off[i];
		if (line[1] != '2' || !split_line(sh, line, strlen(line), &l))
			continue;
		const char *f = gr_sh_f_str(&l, 3), *t = gr_sh_f_str(&l, 4);
		uint32_t a = gr_inf_node_find(mg, f, strlen(f)), b = gr_inf_node_find(mg, t, strlen(t));
		if (a == INF_NONE || b == INF_NONE)
			continue;
		a = run_find(&r, a);
		b = run_find(&r, b);
		if (a != b)
			r.up[a > b ? a : b] = a > b ? b : a;
	}
	for (int section = 1; section <= 3 && !sh->fatal; section++) {
		for (size_t i = 0; i < sh->mg_run_n && !sh->fatal; i++) {
			const char *line = sh->mg_run.data + sh->mg_run_off[i];
			if (line[1] - '0' != section || !split_line(sh, line, strlen(line), &l))
				continue;
			/* whose run: a node's own, an edge's effect's, an unmatched record's
			 * invocation's */
			const char *who = section == 1 ? gr_sh_f_str(&l, 3) :
					  section == 2 ? gr_sh_f_str(&l, 4) : NULL;
			const char *json = gr_sh_f_str(&l, section == 1 ? 6 : section == 2 ? 8 : 3);
			char req[80];
			if (section == 3) {
				/* "req":"<id>" of the unmatched record */
				const char *p = strstr(json, "\"req\":\"");
				size_t k = 0;
				if (p)
					for (p += 7; *p && *p != '"' && k + 1 < sizeof(req); p++)
						req[k++] = *p;
				req[k] = '\0';
				who = req;
			}
			uint32_t ni = gr_inf_node_find(mg, who, strlen(who));
			uint32_t root = ni == INF_NONE ? INF_NONE : run_find(&r, ni);
			if (root != INF_NONE && first[root] == INF_NONE)
				first[root] = ni;
			const char *name = root == INF_NONE ? who : INF_NODE(mg, first[root])->id;
			unsigned shard = (unsigned)(gr_hash(name, strlen(name)) % sh->split);
			struct gr_buf *b = &bufs[shard];
			if (!b->len) {
				struct gr_jw w;
				gr_jw_init(&w, b);
				gr_graph_write_header(&w);
			}
			if (gr_buf_add(b, json, strlen(json)) || gr_buf_addc(b, '\n'))
				gr_sh_fail(sh, GR_ERR_NOMEM, "out of memory");
			else
				out_line(sh, json, strlen(json));
		}
	}
	for (unsigned i = 0; i < sh->split && !sh->fatal; i++) {
		if (!bufs[i].len)
			continue;
		int rc = sh->write_run(sh->write_run_ctx, i, bufs[i].data, bufs[i].len);
		if (rc)
			gr_sh_fail(sh, rc, "cannot write the runs of shard %u", i);
	}
out:
	if (bufs)
		for (unsigned i = 0; i < sh->split; i++)
			gr_buf_release(&bufs[i]);
	free(bufs);
	free(r.up);
	free(first);
}

int gr_sh_merge_finish(struct gr_shard *sh)
{
	struct gr_infer *mg = sh->mg;

	edges_done(sh);
	stats_done(sh);
	header(sh);
	if (sh->split && !sh->fatal)
		split_runs(sh);
	if (!sh->fatal)
		gr_inf_find_loops(mg);
	if (!sh->fatal && !mg->fatal && !gr_sh_flush(sh, true)) {
		int rc = gr_inf_write_stats(mg);
		if (rc)
			gr_sh_fail(sh, rc, "cannot write the output");
	}
	if (mg->fatal && !sh->fatal)
		sh->fatal = mg->fatal;
	mg->st.loops = (const char *const *)mg->loops.v;
	mg->st.nloops = mg->loops.n;
	return sh->fatal;
}
