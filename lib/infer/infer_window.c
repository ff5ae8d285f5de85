/* infer_window.c: releasing invocations: link and write them; with --window, forget them and compact the state. */
#include <stdlib.h>
#include <string.h>

#include "infer/infer.h"

/*
 * With --window W the input is taken to be in time order. Whenever the newest time
 * moves on by W/4, the invocations whose last record is more than W old are linked
 * and written, and the writes, sends and X-Ray segments older than 2 W plus the link
 * window are retired (unused ones reported as unmatched). When what is held has
 * doubled since the last compaction, the state is compacted: arrays, maps and
 * string arenas are rebuilt from the survivors, so memory follows the window, not
 * the input, and each item is copied a bounded number of times on average. Request ids written, record fingerprints and the writes taken are kept
 * for one to two periods of 2 W plus the link window, to recognise records that
 * arrive late and writes taken earlier.
 */

void gr_inf_release(struct gr_infer *inf, const uint32_t *nodes, size_t n, bool last)
{
	if (inf->fatal)
		return;
	if (!nodes)
		gr_inf_spans_join(inf);
	gr_inf_xray_finalize(inf, nodes, n);
	gr_inf_span_causes(inf, nodes, n);
	gr_inf_keytime(inf, nodes, n);
	gr_inf_link_nodes(inf, nodes, n);
	gr_inf_break_cycles(inf, 0);
	if (last)
		gr_inf_unmatched_causes(inf);
	if (inf->fatal)
		return;
	int rc = gr_inf_write(inf, nodes, n, 0, 0);
	if (rc && !inf->fatal) {
		inf->fatal = rc;
		if (inf->err)
			gr_error_set(inf->err, rc, "%s", rc == GR_ERR_PIPE ? "broken pipe" :
				     rc == GR_ERR_NOMEM ? "out of memory" : "cannot write the output");
	}
	/* written: forget the edges and unmatched records */
	inf->edges.n = 0;
	inf->unms.n = 0;
}

/* The time of the latest record of an invocation, GR_TIME_UNKNOWN if none. */
static int64_t last_seen(const struct gr_inf_node *n)
{
	int64_t t = n->start_ts;

	if (n->report_ts > t)
		t = n->report_ts;
	if (n->end_ts > t)
		t = n->end_ts;
	if (n->fault_ts > t)
		t = n->fault_ts;
	if (n->mark_ts > t)
		t = n->mark_ts;
	return t;
}

/* --- compaction -------------------------------------------------------------- */

/* The new state being built. */
struct gen {
	struct gr_arena arena;     /* strings */
	struct gr_inf_pack pack;      /* packed strings in arena */
	struct gr_inf_vec nodes, causes, aliases, srcs, s3x, segs, links, streams; /* as in gr_infer */
	struct gr_fpmap node_ix, alias_ix, seg_ix, fnseg_ix, child_ix; /* as in gr_infer */
	struct gr_strmap stream_ix; /* as in gr_infer */
	uint32_t *node_map;        /* old node -> new, INF_NONE: dropped */
	uint32_t *seg_map;         /* old segment -> new */
	uint32_t *cause_map;       /* old cause -> new */
};

/* Swap the string arena in and out, so that gr_inf_pack_str and gr_inf_vec_push (which
 * work on inf) fill the new generation. */
static void swap_state(struct gr_infer *inf, struct gen *g)
{
#define SWAP(field) do { __typeof__(inf->field) t_ = inf->field; inf->field = g->field; \
			 g->field = t_; } while (0)
	SWAP(arena);
	SWAP(pack);
	SWAP(nodes);
	SWAP(causes);
	SWAP(aliases);
	SWAP(srcs);
	SWAP(s3x);
	SWAP(segs);
	SWAP(links);
	SWAP(streams);
	SWAP(node_ix);
	SWAP(alias_ix);
	SWAP(seg_ix);
	SWAP(fnseg_ix);
	SWAP(child_ix);
	SWAP(stream_ix);
#undef SWAP
}

static const char *repack(struct gr_infer *inf, const char *s)
{
	return s ? gr_inf_pack_str(inf, s, strlen(s)) : NULL;
}

static void compact(struct gr_infer *inf, int64_t cutoff)
{
	struct gen g;
	size_t nn = inf->nodes.n, nc = inf->causes.n, ns = inf->segs.n;
	uint8_t *keep_n = calloc(nn + 1, 1), *keep_s = calloc(ns + 1, 1);

	memset(&g, 0, sizeof(g));
	g.node_map = malloc((nn + 1) * sizeof(uint32_t));
	g.seg_map = malloc((ns + 1) * sizeof(uint32_t));
	g.cause_map = malloc((nc + 1) * sizeof(uint32_t));
	if (!keep_n || !keep_s || !g.node_map || !g.seg_map || !g.cause_map) {
		gr_inf_fail(inf, GR_ERR_NOMEM, "out of memory");
		goto out;
	}
	/* what survives: live invocations, recent segments and their ancestors, the
	 * causes not retired, and whatever invocations those name */
	for (size_t i = 0; i < nn; i++) {
		const struct gr_inf_node *n = INF_NODE(inf, i);
		keep_n[i] = (n->flags & NF_RUN) && !(n->flags & NF_RELEASED);
	}
	for (size_t i = 0; i < ns; i++) {
		const struct gr_inf_seg *s = INF_SEG(inf, i);
		if (keep_s[i])
			continue;
		uint32_t owner = s->t0 >= cutoff ? INF_NONE : gr_inf_seg_owner(inf, (uint32_t)i);
		if (s->t0 < cutoff && (owner == INF_NONE || !keep_n[owner]))
			continue;
		/* its ancestors resolve who owns it */
		uint32_t si = (uint32_t)i;
		for (int steps = 0; si != INF_NONE && !keep_s[si] && steps < 64; steps++) {
			keep_s[si] = 1;
			si = gr_inf_seg_find(inf, INF_SEG(inf, si)->parent);
		}
	}
	for (size_t i = 0; i < ns; i++)
		if (keep_s[i] && INF_SEG(inf, i)->node != INF_NONE)
			keep_n[INF_SEG(inf, i)->node] = 1;
	for (size_t i = 0; i < nc; i++) {
		const struct gr_inf_cause *c = INF_CAUSE(inf, i);
		if (c->flags & CF_GONE)
			continue;
		if (c->flags & (CF_XRAY | CF_SPAN)) {
			if (!keep_s[c->node])
				continue;
		} else {
			keep_n[c->node] = 1;
		}
	}

	swap_state(inf, &g); /* inf now holds the empty new generation */
	/* streams that live invocations run in */
	for (size_t i = 0; i < nn; i++) {
		const struct gr_inf_node *o = &((const struct gr_inf_node *)g.nodes.v)[i];
		g.node_map[i] = INF_NONE;
		if (!keep_n[i])
			continue;
		uint32_t ni = gr_inf_node_get(inf, o->id, strlen(o->id));
		if (ni == INF_NONE)
			goto undo;
		struct gr_inf_node *n = INF_NODE(inf, ni);
		const char *id = n->id;
		*n = *o;
		n->id = id;
		n->trace = repack(inf, o->trace);
		n->src = INF_NONE;
		n->xsvc = INF_NONE;
		n->stream = NULL;
		if (o->stream) {
			uint32_t *old = gr_strmap_get(&g.stream_ix, o->stream, strlen(o->stream));
			uint32_t *v = gr_strmap_get(&inf->stream_ix, o->stream, strlen(o->stream));
			if (!v && old) {
				const struct gr_inf_stream *os =
					&((const struct gr_inf_stream *)g.streams.v)[*old];
				struct gr_inf_stream *st = gr_inf_vec_push(inf, &inf->streams, sizeof(*st));
				const char *name = repack(inf, os->name);
				if (!st || !name ||
				    !gr_strmap_put(&inf->stream_ix, name, strlen(name),
						   (uint32_t)(inf->streams.n - 1), NULL))
					goto undo;
				*st = *os;
				st->name = name;
				v = gr_strmap_get(&inf->stream_ix, name, strlen(name));
			}
			n = INF_NODE(inf, ni);
			if (v)
				n->stream = INF_AT(inf, streams, struct gr_inf_stream, *v)->name;
		}
		g.node_map[i] = ni;
	}
	/* segments, in their old order (so the FN chains come out the same) */
	for (size_t i = 0; i < ns; i++) {
		const struct gr_inf_seg *o = &((const struct gr_inf_seg *)g.segs.v)[i];
		g.seg_map[i] = INF_NONE;
		if (!keep_s[i])
			continue;
		uint32_t si = (uint32_t)inf->segs.n;
		struct gr_inf_seg *s = gr_inf_vec_push(inf, &inf->segs, sizeof(*s));
		if (!s || !gr_fpmap_put(&inf->seg_ix, o->key, si, NULL))
			goto undo;
		*s = *o;
		s->node = o->node != INF_NONE ? g.node_map[o->node] : INF_NONE;
		s->next = INF_NONE;
		s->links = INF_NONE;
		if (s->role == XR_SVC && s->node != INF_NONE &&
		    INF_NODE(inf, s->node)->xsvc == INF_NONE)
			INF_NODE(inf, s->node)->xsvc = si;
		if ((s->role == XR_FN || s->role == XR_LINKS) && s->parent) {
			int added;
			uint32_t *head = gr_fpmap_put(&inf->fnseg_ix, s->parent, si, &added);
			if (!head)
				goto undo;
			if (!added) {
				s->next = *head;
				*head = si;
			}
		}
		g.seg_map[i] = si;
	}
	/* span links of kept segments: parent links hang off their segment (newest
	 * first), child links off the index of their target */
	for (size_t i = 0; i < g.links.n; i++) {
		const struct gr_inf_link *o = &((const struct gr_inf_link *)g.links.v)[i];
		uint32_t si = g.seg_map[o->seg];
		if (si == INF_NONE)
			continue;
		bool child = false;
		uint32_t *ch = gr_fpmap_get(&g.child_ix, o->target);
		for (uint32_t l = ch ? *ch : INF_NONE; l != INF_NONE && !child;
		     l = ((const struct gr_inf_link *)g.links.v)[l].next)
			child = l == i;
		uint32_t li = (uint32_t)inf->links.n;
		struct gr_inf_link *lk = gr_inf_vec_push(inf, &inf->links, sizeof(*lk));
		if (!lk)
			goto undo;
		lk->target = o->target;
		lk->seg = si;
		if (child) {
			int added;
			uint32_t *head = gr_fpmap_put(&inf->child_ix, o->target, li, &added);
			if (!head)
				goto undo;
			lk->next = added ? INF_NONE : *head;
			*head = li;
		} else {
			lk->next = INF_SEG(inf, si)->links;
			INF_SEG(inf, si)->links = li;
		}
	}
	/* causes and their aliases, in the old order */
	for (size_t i = 0; i < nc; i++) {
		const struct gr_inf_cause *o = &((const struct gr_inf_cause *)g.causes.v)[i];
		g.cause_map[i] = INF_NONE;
		if (o->flags & CF_GONE)
			continue;
		uint32_t who = o->flags & (CF_XRAY | CF_SPAN) ? g.seg_map[o->node] : g.node_map[o->node];
		if (who == INF_NONE)
			continue;
		uint32_t ci = gr_inf_cause_add(inf, who, o->ts, o->kind, o->op, NULL, 0);
		if (ci == INF_NONE)
			goto undo;
		struct gr_inf_cause *c = INF_CAUSE(inf, ci);
		c->key = o->key;
		c->flags = o->flags;
		c->text = repack(inf, o->text);
		g.cause_map[i] = ci;
	}
	for (size_t i = 0; i < g.aliases.n; i++) {
		const struct gr_inf_alias *o = &((const struct gr_inf_alias *)g.aliases.v)[i];
		if (g.cause_map[o->cause] != INF_NONE)
			gr_inf_alias_add(inf, o->key, g.cause_map[o->cause]);
	}
	/* trigger records of the invocations not written yet */
	for (size_t i = 0; i < nn; i++) {
		const struct gr_inf_node *o = &((const struct gr_inf_node *)g.nodes.v)[i];
		uint32_t ni = g.node_map[i];
		if (ni == INF_NONE || (o->flags & NF_RELEASED))
			continue;
		for (uint32_t si = o->src; si != INF_NONE;
		     si = ((const struct gr_inf_src *)g.srcs.v)[si].next) {
			const struct gr_inf_src *os = &((const struct gr_inf_src *)g.srcs.v)[si];
			struct gr_inf_src *s = gr_inf_src_add(inf, ni, os->kind, os->rule, os->key,
							NULL, 0);
			if (!s)
				goto undo;
			uint32_t next = s->next;
			*s = *os;
			s->next = next;
			s->node = ni;
			s->text = repack(inf, os->text);
			s->order = repack(inf, os->order);
			s->cause = os->cause != INF_NONE ? g.cause_map[os->cause] : INF_NONE;
			if (os->s3 != INF_NONE) {
				uint32_t xi = (uint32_t)inf->s3x.n;
				struct gr_inf_s3x *x = gr_inf_vec_push(inf, &inf->s3x, sizeof(*x));
				if (!x)
					goto undo;
				*x = ((const struct gr_inf_s3x *)g.s3x.v)[os->s3];
				INF_SRC(inf, inf->srcs.n - 1)->s3 = xi;
			}
		}
	}
	if (inf->fatal)
		goto undo;
	goto release_old;
undo:
	/* out of memory half way: keep the old state (the run fails anyway) */
	swap_state(inf, &g);
release_old:
	gr_arena_release(&g.arena);
	free(g.nodes.v);
	free(g.causes.v);
	free(g.aliases.v);
	free(g.srcs.v);
	free(g.s3x.v);
	free(g.segs.v);
	free(g.links.v);
	free(g.streams.v);
	gr_fpmap_release(&g.node_ix);
	gr_fpmap_release(&g.alias_ix);
	gr_fpmap_release(&g.seg_ix);
	gr_fpmap_release(&g.fnseg_ix);
	gr_fpmap_release(&g.child_ix);
	gr_strmap_release(&g.stream_ix);
out:
	free(keep_n);
	free(keep_s);
	free(g.node_map);
	free(g.seg_map);
	free(g.cause_map);
}

/* --- the steps --------------------------------------------------------------- */

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/* a - b without overflow (times near INT64_MIN mean "long ago") */
static int64_t sub_sat(int64_t a, int64_t b)
{
	return b > 0 && a < INT64_MIN + b ? INT64_MIN : a - b;
}

/* What is remembered without being held (record fingerprints, request ids written,
 * writes taken) lives for one to two periods of 2 W plus the link window: as long as
 * a write can still be matched. */
static void rotate(struct gr_infer *inf)
{
	int64_t w = inf->o.window_us, lw = inf->o.link_window_us;
	int64_t period = w > INT64_MAX / 4 || lw > INT64_MAX / 4 ? INT64_MAX / 2 : 2 * w + lw;

	if (inf->rotated == INT64_MIN)
		inf->rotated = inf->newest;
	if (sub_sat(inf->newest, inf->rotated) < period)
		return;
	inf->rotated = inf->newest;
	gr_fpmap_release(&inf->seen_old);
	inf->seen_old = inf->seen;
	memset(&inf->seen, 0, sizeof(inf->seen));
	gr_fpmap_release(&inf->released_old);
	inf->released_old = inf->released;
	memset(&inf->released, 0, sizeof(inf->released));
	gr_fpmap_release(&inf->taken_old);
	inf->taken_old = inf->taken;
	memset(&inf->taken, 0, sizeof(inf->taken));
}

void gr_inf_window_step(struct gr_infer *inf)
{
	if (inf->newest == INT64_MIN)
		return; /* no time seen yet */
	int64_t w = inf->o.window_us, horizon = sub_sat(inf->newest, w);
	/* an effect written now started at most a window before its last record */
	int64_t cutoff = sub_sat(sub_sat(horizon, w), inf->o.link_window_us);
	uint32_t *rel = NULL;
	size_t n = 0, held = 0;

	int64_t step = w / 4 > 0 ? w / 4 : 1;
	inf->next_release = inf->newest > INT64_MAX - step ? INT64_MAX : inf->newest + step;
	rel = malloc((inf->nodes.n + 1) * sizeof(*rel));
	if (!rel) {
		gr_inf_fail(inf, GR_ERR_NOMEM, "out of memory");
		return;
	}
	for (size_t i = 0; i < inf->nodes.n; i++) {
		const struct gr_inf_node *nd = INF_NODE(inf, i);
		if (nd->flags & NF_RELEASED) {
			held++;
			continue;
		}
		if (!(nd->flags & NF_RUN))
			continue;
		int64_t t = last_seen(nd);
		if (t != GR_TIME_UNKNOWN && t < horizon)
			rel[n++] = (uint32_t)i;
	}
	/* writes and sends too old to trigger anything from now on */
	for (size_t i = 0; i < inf->causes.n; i++) {
		struct gr_inf_cause *c = INF_CAUSE(inf, i);
		if ((c->flags & CF_GONE) || c->ts >= cutoff)
			continue;
		c->flags |= CF_GONE;
		if (!(c->flags & (CF_USED | CF_XRAY | CF_SPAN))) {
			c->flags |= CF_USED;
			gr_inf_unm_add(inf, U_CAUSE, c->kind, c->node, c->ts, c->text, 0);
		}
	}
	if (n || inf->unms.n) {
		qsort(rel, n, sizeof(*rel), cmp_u32);
		gr_inf_release(inf, rel, n, false);
		inf->st.released += n;
		held += n;
	}
	free(rel);
	/* compact when what is held has doubled since the last time: every item is
	 * copied a bounded number of times on average */
	size_t size = inf->nodes.n + inf->causes.n + inf->segs.n + inf->srcs.n;
	if (!inf->fatal && held && size >= inf->compact_at) {
		compact(inf, cutoff);
		size = inf->nodes.n + inf->causes.n + inf->segs.n + inf->srcs.n;
		inf->compact_at = 2 * size > 65536 ? 2 * size : 65536;
	}
	rotate(inf);
}

void gr_inf_window_finish(struct gr_infer *inf)
{
	gr_inf_spans_join(inf);
	uint32_t *rel = malloc((inf->nodes.n + 1) * sizeof(*rel));
	size_t n = 0;

	if (!rel) {
		gr_inf_fail(inf, GR_ERR_NOMEM, "out of memory");
		return;
	}
	for (size_t i = 0; i < inf->nodes.n; i++) {
		const struct gr_inf_node *nd = INF_NODE(inf, i);
		if ((nd->flags & NF_RUN) && !(nd->flags & NF_RELEASED))
			rel[n++] = (uint32_t)i;
	}
	gr_inf_release(inf, rel, n, true);
	free(rel);
}
