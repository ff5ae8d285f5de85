/* infer_link.c: the edges into each invocation: its triggers, callee ids and X-Ray evidence, merged per cause. */
#include <stdlib.h>
#include <string.h>

#include "infer/infer.h"

/* A candidate from a cause found by a trigger record. */
static void from_cause(struct gr_infer *inf, uint32_t e, const struct gr_inf_src *s, uint32_t ci,
		       float conf, int evidence, struct gr_inf_cands *c)
{
	struct gr_inf_cause *cs = INF_CAUSE(inf, ci);
	bool sync = cs->op == OP_SYNC;
	struct gr_inf_cand x = {
		.cause_us = sync ? gr_inf_node_start(inf, INF_NODE(inf, e)) : cs->ts,
		.key = s->text,
		.from = cs->node,
		.conf = conf,
		.kind = s->kind,
		.sync = sync,
		.evidence = (uint8_t)evidence,
		.sync_known = cs->op == OP_SYNC || cs->op == OP_ASYNC,
		.time_known = !sync,
	};
	cs->flags |= CF_USED;
	gr_inf_cand_add(inf, c, &x);
}

/* Did an Invoke (call marker or X-Ray) name e's request id? */
static bool named_callee(const struct gr_infer *inf, uint32_t e)
{
	const char *id = ((const struct gr_inf_node *)inf->nodes.v)[e].id;

	return gr_inf_alias_first(inf, gr_inf_fp1(T_LCALLEE, id, strlen(id))) != INF_NONE;
}

/* Trigger records of effect e. */
static void src_cands(struct gr_infer *inf, uint32_t e, struct gr_inf_cands *c)
{
	for (uint32_t si = INF_NODE(inf, e)->src; si != INF_NONE && !inf->fatal;
	     si = INF_SRC(inf, si)->next) {
		struct gr_inf_src *s = INF_SRC(inf, si);
		switch (s->rule) {
		case R_EXACT: {
			size_t before = c->n;
			for (uint32_t a = gr_inf_alias_first(inf, s->key); a != INF_NONE;
			     a = INF_ALIAS(inf, a)->next) {
				uint32_t ci = INF_ALIAS(inf, a)->cause;
				if (INF_CAUSE(inf, ci)->flags & CF_XRAY)
					continue;
				from_cause(inf, e, s, ci, 1.0f, EV_MARKER, c);
				s = INF_SRC(inf, si);
			}
			if (c->n == before)
				gr_inf_unm_add(inf, U_TRIGGER, s->kind, e,
					    gr_inf_node_first(inf, INF_NODE(inf, e)), s->text, 0);
			break;
		}
		case R_KEYTIME:
			if (s->kind == GR_KIND_LAMBDA && s->cause == INF_NONE && named_callee(inf, e))
				break; /* the Invoke named its request id: callee_cands links it */
			if (s->cause != INF_NONE)
				from_cause(inf, e, s, s->cause, s->conf, s->evidence, c);
			else
				gr_inf_unm_add(inf, U_TRIGGER, s->kind, e,
					    gr_inf_node_first(inf, INF_NODE(inf, e)), s->text, 0);
			break;
		case R_CALLER: {
			const char *caller = s->text;
			uint32_t from = gr_inf_node_get(inf, caller, strlen(caller));
			if (from == INF_NONE)
				return;
			struct gr_inf_cand x = {
				.cause_us = gr_inf_node_start(inf, INF_NODE(inf, e)),
				.key = caller,
				.from = from,
				.conf = 1.0f,
				.kind = GR_KIND_LAMBDA,
				.evidence = EV_MARKER,
			};
			gr_inf_cand_add(inf, c, &x);
			break;
		}
		case R_UNKNOWN:
			gr_inf_unm_add(inf, U_TRIGGER, GR_KIND_NONE, e, gr_inf_node_first(inf, INF_NODE(inf, e)),
				    s->text, 0);
			break;
		default:
			break;
		}
	}
}

/* Invoke calls that name e's request id: call markers' "callee" and X-Ray Invoke
 * subsegments. */
static void callee_cands(struct gr_infer *inf, uint32_t e, struct gr_inf_cands *c)
{
	const struct gr_inf_node *n = INF_NODE(inf, e);
	uint64_t fp = gr_inf_fp1(T_LCALLEE, n->id, strlen(n->id));

	for (uint32_t a = gr_inf_alias_first(inf, fp); a != INF_NONE; a = INF_ALIAS(inf, a)->next) {
		uint32_t ci = INF_ALIAS(inf, a)->cause;
		struct gr_inf_cause *cs = INF_CAUSE(inf, ci);
		bool sync = cs->op == OP_SYNC;
		struct gr_inf_cand x = {
			.key = INF_NODE(inf, e)->id,
			.conf = 1.0f,
			.kind = cs->kind,
			.sync = sync,
			.sync_known = true,
		};
		cs->flags |= CF_USED;
		if (cs->flags & CF_XRAY) {
			const struct gr_inf_seg *sg = INF_SEG(inf, cs->node);
			x.from = gr_inf_seg_owner(inf, cs->node);
			if (x.from == INF_NONE)
				continue;
			x.cause_us = sync || sg->t1 < 0 ? sg->t0 : sg->t1;
			x.time_known = true;
			x.evidence = EV_XRAY_CALL;
			x.sync_known = (sg->flags & (XF_SYNC | XF_ASYNC)) != 0;
		} else {
			x.from = cs->node;
			x.cause_us = sync ? gr_inf_node_start(inf, INF_NODE(inf, e)) : cs->ts;
			x.time_known = !sync;
			x.evidence = EV_MARKER;
		}
		gr_inf_cand_add(inf, c, &x);
	}
}

static int cmp_cand(const void *a, const void *b)
{
	const struct gr_inf_cand *x = a, *y = b;

	if (x->from != y->from)
		return x->from < y->from ? -1 : 1;
	if (x->kind != y->kind)
		return (int)x->kind - (int)y->kind;
	if (x->evidence != y->evidence)
		return (int)x->evidence - (int)y->evidence;
	/* the rest only makes the order (and the key kept) independent of input order */
	int c = strcmp(x->key ? x->key : "", y->key ? y->key : "");
	if (c)
		return c;
	return (x->cause_us > y->cause_us) - (x->cause_us < y->cause_us);
}

/* One edge from the candidates c[0..n) of one (cause, kind). */
static void make_edge(struct gr_infer *inf, uint32_t e, const struct gr_inf_cand *c, size_t n)
{
	struct gr_inf_cand best = c[0];
	bool sync_set = false, time_set = false;

	for (size_t i = 0; i < n; i++) {
		if (c[i].evidence && (!best.evidence || c[i].evidence < best.evidence)) {
			best.evidence = c[i].evidence;
			best.key = c[i].key;
		}
		if (c[i].conf > best.conf)
			best.conf = c[i].conf;
		if (c[i].sync_known && (!sync_set || c[i].evidence == EV_MARKER)) {
			best.sync = c[i].sync;
			sync_set = true;
		}
		/* the real time of the cause; of several records, the latest */
		if (c[i].time_known && (!time_set || c[i].cause_us > best.cause_us)) {
			best.cause_us = c[i].cause_us;
			time_set = true;
		}
	}
	if (!sync_set)
		best.sync = false;
	if (!time_set)
		for (size_t i = 0; i < n; i++)
			if (c[i].cause_us < best.cause_us)
				best.cause_us = c[i].cause_us;
	if (best.from == e) {
		inf->st.cycles_broken++;
		return;
	}
	const struct gr_inf_node *to = INF_NODE(inf, e);
	int64_t first = gr_inf_node_first(inf, to);
	if (time_set && first != GR_TIME_UNKNOWN && best.cause_us > first + inf->o.tolerance_us) {
		/* the cause comes after the effect: the ids say it is, the clocks say no */
		inf->st.clock_violations++;
		best.conf *= 0.5f;
	}
	struct gr_inf_edge *ed = gr_inf_vec_push(inf, &inf->edges, sizeof(*ed));
	if (!ed)
		return;
	ed->from = best.from;
	ed->to = e;
	ed->kind = best.kind;
	ed->sync = best.sync;
	ed->evidence = best.evidence;
	ed->conf = best.conf;
	ed->key = best.key;
	ed->cause_us = best.cause_us;
}

void gr_inf_link_nodes(struct gr_infer *inf, const uint32_t *nodes, size_t nn)
{
	struct gr_inf_cands c = { 0 };
	size_t count = nodes ? nn : inf->nodes.n;

	for (size_t i = 0; i < count && !inf->fatal; i++) {
		uint32_t e = nodes ? nodes[i] : (uint32_t)i;
		struct gr_inf_node *n = INF_NODE(inf, e);
		if (!(n->flags & NF_RUN) || (n->flags & NF_EDGES))
			continue;
		n->flags |= NF_EDGES;
		c.n = 0;
		src_cands(inf, e, &c);
		callee_cands(inf, e, &c);
		gr_inf_xray_cands(inf, e, &c);
		gr_inf_link_cands(inf, e, &c);
	}
	free(c.v);
}

void gr_inf_link_cands(struct gr_infer *inf, uint32_t e, struct gr_inf_cands *c)
{
	if (!c->n)
		return;
	qsort(c->v, c->n, sizeof(*c->v), cmp_cand);
	for (size_t a = 0, b; a < c->n; a = b) {
		for (b = a + 1; b < c->n && c->v[b].from == c->v[a].from &&
				c->v[b].kind == c->v[a].kind;
		     b++)
			;
		make_edge(inf, e, c->v + a, b - a);
	}
}
