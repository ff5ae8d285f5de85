/* link_xray.c: the X-Ray rules: parent chains through service segments, span links, Invoke subsegments. */
#include <stdio.h>
#include <string.h>

#include "infer/rules/rules.h"

/* "0123456789abcdef" of an id, packed. */
static const char *id_text(struct gr_infer *inf, uint64_t id)
{
	char b[17];

	if (!id)
		return NULL;
	snprintf(b, sizeof(b), "%016llx", (unsigned long long)id);
	return gr_inf_pack_str(inf, b, 16);
}

void gr_inf_chain_walk(const struct gr_infer *inf, uint64_t key, int dflt_kind,
		       struct gr_inf_chain *ch)
{
	uint32_t call = INF_NONE;
	int hint = GR_KIND_NONE;
	uint64_t cur = key;

	memset(ch, 0, sizeof(*ch));
	ch->end = CH_ROOT;
	ch->owner = INF_NONE;
	for (int steps = 0; cur && steps < 64; steps++) {
		uint32_t si = gr_inf_seg_find(inf, cur);
		if (si == INF_NONE) {
			ch->end = CH_MISSING;
			return;
		}
		const struct gr_inf_seg *s = &((const struct gr_inf_seg *)inf->segs.v)[si];
		if (s->role == XR_SERVICE) {
			if (s->flags & XF_APIGW)
				return;
			if (!hint)
				hint = s->kind;
			cur = s->parent;
			continue;
		}
		if (s->role == XR_CALL && call == INF_NONE)
			call = si;
		uint32_t owner = gr_inf_seg_owner(inf, si);
		if (owner == INF_NONE) {
			cur = s->parent;
			continue;
		}
		const struct gr_inf_seg *cl = call != INF_NONE ?
			&((const struct gr_inf_seg *)inf->segs.v)[call] : NULL;
		ch->end = CH_OWNER;
		ch->owner = owner;
		ch->kind = (uint8_t)(cl && cl->kind ? cl->kind : hint ? hint : dflt_kind);
		if (cl && (cl->flags & (XF_SYNC | XF_ASYNC)))
			ch->sync = (cl->flags & XF_SYNC) ? CHS_SYNC : CHS_ASYNC;
		else if (ch->kind == GR_KIND_LAMBDA && !hint)
			ch->sync = CHS_EFFECT; /* Invoke without its type: the callee's segment
						* says 202 for Event */
		else
			ch->sync = CHS_NONE;
		const struct gr_inf_seg *at = cl ? cl : s;
		ch->t0 = at->t0;
		ch->t1 = at->t1;
		ch->id = at->id;
		return;
	}
}

void gr_inf_chain_cand(const struct gr_inf_chain *ch, int evidence, bool has_svc, bool svc_async,
		       struct gr_inf_cand *x)
{
	memset(x, 0, sizeof(*x));
	x->conf = 1.0f;
	x->evidence = (uint8_t)evidence;
	x->time_known = true;
	x->kind = ch->kind;
	switch (ch->sync) {
	case CHS_SYNC:
	case CHS_ASYNC:
		x->sync = ch->sync == CHS_SYNC;
		x->sync_known = true;
		break;
	case CHS_EFFECT:
		x->sync = !has_svc || !svc_async;
		x->sync_known = has_svc;
		break;
	default:
		break;
	}
	x->cause_us = x->sync || ch->t1 < 0 ? ch->t0 : ch->t1;
}

/*
 * Walk up from the segment `key` to the first invocation that owns a segment on
 * the way: the cause (gr_inf_chain_walk). Returns false when a segment on the way
 * is missing from the input.
 */
static bool chain(struct gr_infer *inf, uint32_t e, uint64_t key, int evidence, int dflt_kind,
		  struct gr_inf_cands *c)
{
	struct gr_inf_chain ch;
	struct gr_inf_cand x;

	gr_inf_chain_walk(inf, key, dflt_kind, &ch);
	if (ch.end == CH_MISSING)
		return false;
	if (ch.end != CH_OWNER || ch.owner == e)
		return true;
	const struct gr_inf_node *n = INF_NODE(inf, e);
	bool has_svc = n->xsvc != INF_NONE;
	gr_inf_chain_cand(&ch, evidence, has_svc, has_svc && (INF_SEG(inf, n->xsvc)->flags & XF_ASYNC),
			  &x);
	x.from = ch.owner;
	x.key = id_text(inf, ch.id);
	gr_inf_cand_add(inf, c, &x);
	return true;
}

/*
 * A link whose span is not in the input, by the messaging.message.id it carries:
 * the send span that names the same message (an upstream producer's link read from
 * AWSTraceHeader names its Lambda segment, not its span). True when one was found.
 */
static bool by_message(struct gr_infer *inf, uint32_t e, uint64_t msg, struct gr_inf_cands *c)
{
	bool found = false;

	for (uint32_t a = msg ? gr_inf_alias_first(inf, msg) : INF_NONE; a != INF_NONE;
	     a = INF_ALIAS(inf, a)->next) {
		struct gr_inf_cause *cs = INF_CAUSE(inf, INF_ALIAS(inf, a)->cause);
		if (!(cs->flags & CF_XRAY) || cs->key != msg)
			continue;
		uint32_t from = gr_inf_seg_owner(inf, cs->node);
		if (from == INF_NONE || from == e)
			continue;
		struct gr_inf_cand x = { .from = from, .conf = 1.0f, .evidence = EV_XRAY_LINK,
				      .kind = cs->kind, .cause_us = cs->ts, .key = cs->text,
				      .time_known = true, .sync_known = true };
		cs->flags |= CF_USED;
		gr_inf_cand_add(inf, c, &x);
		found = true;
	}
	return found;
}

/* The span links held by segment si (reference "parent", or none). */
static void links_of(struct gr_infer *inf, uint32_t e, uint32_t si, struct gr_inf_cands *c)
{
	for (uint32_t li = INF_SEG(inf, si)->links; li != INF_NONE; li = INF_LINK(inf, li)->next) {
		uint64_t target = INF_LINK(inf, li)->target;
		if (!chain(inf, e, target, EV_XRAY_LINK, GR_KIND_SQS, c) &&
		    !by_message(inf, e, INF_LINK(inf, li)->msg, c))
			gr_inf_unm_add(inf, U_XRAY_LINK, GR_KIND_SQS, e,
				    gr_inf_node_first(inf, INF_NODE(inf, e)), NULL, INF_SEG(inf, si)->id);
	}
}

/* "child" links held by producers that name segment key of e. */
static void child_links(struct gr_infer *inf, uint32_t e, uint64_t key, struct gr_inf_cands *c)
{
	uint32_t *head = gr_fpmap_get(&inf->child_ix, key);

	for (uint32_t li = head ? *head : INF_NONE; li != INF_NONE; li = INF_LINK(inf, li)->next)
		chain(inf, e, INF_SEG(inf, INF_LINK(inf, li)->seg)->key, EV_XRAY_LINK, GR_KIND_SQS,
		      c);
}

void gr_inf_xray_cands(struct gr_infer *inf, uint32_t e, struct gr_inf_cands *c)
{
	uint32_t svc = INF_NODE(inf, e)->xsvc;

	if (svc == INF_NONE)
		return;
	const struct gr_inf_seg *s = INF_SEG(inf, svc);
	uint64_t parent = s->parent, key = s->key;
	if (parent && !chain(inf, e, parent, EV_XRAY_PARENT, GR_KIND_LAMBDA, c))
		gr_inf_unm_add(inf, U_XRAY_PARENT, GR_KIND_NONE, e, gr_inf_node_first(inf, INF_NODE(inf, e)),
			    NULL, INF_SEG(inf, svc)->id);
	links_of(inf, e, svc, c);
	child_links(inf, e, key, c);
	/* the function segments of its attempts: their links, and links naming them */
	uint32_t *head = gr_fpmap_get(&inf->fnseg_ix, key);
	for (uint32_t fi = head ? *head : INF_NONE; fi != INF_NONE; fi = INF_SEG(inf, fi)->next) {
		links_of(inf, e, fi, c);
		child_links(inf, e, INF_SEG(inf, fi)->key, c);
	}
}
