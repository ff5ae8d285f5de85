/* infer_spans.c: OpenTelemetry spans (OTLP, aws/spans, Jaeger): invocations from Lambda SERVER spans, joined to their log records; the other spans take the X-Ray roles the rules follow. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "infer/infer.h"

/*
 * Spans are read as X-Ray segments are (gr_inf_segment), once told what each is:
 * the span of a Lambda invocation (SERVER, or CONSUMER in older instrumentations,
 * of a resource that names its function) is an AWS::Lambda segment; an SDK call
 * (CLIENT or PRODUCER with rpc.method) is a call subsegment; a span just below an
 * invocation's span that holds links (an SQS consumer's "process" span) is
 * indexed with its invocation; the rest are plain subsegments. So a callee's span
 * whose parent is the caller's Invoke span, and a consumer whose link names the
 * producer's send span, are linked by the X-Ray rules (link_xray.c).
 */

/* The 128 bits of a normalised 32-hex trace id (0, 0 when it is not one). */
static void trace_bits(struct gr_str t, uint64_t *hi, uint64_t *lo)
{
	*hi = *lo = 0;
	if (t.n != 32)
		return;
	for (size_t i = 0; i < 32; i++) {
		char c = t.p[i];
		uint64_t d = (uint64_t)(c >= 'a' ? c - 'a' + 10 : c - '0');
		if (i < 16)
			*hi = *hi << 4 | d;
		else
			*lo = *lo << 4 | d;
	}
}

/* The operation a producer span sends with, when it names none (JS "<queue> send"). */
static struct gr_str send_op(struct gr_str msys)
{
	if (gr_str_is(msys, "aws_sqs") || gr_str_is(msys, "aws.sqs"))
		return (struct gr_str){ "SendMessage", 11 };
	if (gr_str_is(msys, "aws_sns") || gr_str_is(msys, "aws.sns"))
		return (struct gr_str){ "Publish", 7 };
	return (struct gr_str){ NULL, 0 };
}

/* Segment si is on the chain of function segments and link carriers from head. */
static bool in_chain(const struct gr_infer *inf, uint32_t head, uint32_t si)
{
	for (uint32_t i = head; i != INF_NONE; i = INF_SEG(inf, i)->next)
		if (i == si)
			return true;
	return false;
}

bool gr_inf_span(struct gr_infer *inf)
{
	struct gr_event *ev = &inf->ev;
	char tb[33];
	bool server = gr_str_is(ev->kind, "server"), consumer = gr_str_is(ev->kind, "consumer");
	bool client = gr_str_is(ev->kind, "client") || gr_str_is(ev->kind, "producer");
	bool req = ev->req.n && gr_is_request_id(ev->req.p, ev->req.n);
	bool invocation = ev->fn.n && (server || (consumer && (req || !ev->parent.n)));
	struct gr_str fn = ev->fn;

	ev->inferred = false;
	ev->origin = ev->ns = (struct gr_str){ NULL, 0 };
	if (invocation) {
		ev->sub = false;
		ev->origin = (struct gr_str){ "AWS::Lambda", 11 };
		ev->name = fn;
		if (!req)
			ev->req = (struct gr_str){ NULL, 0 };
	} else {
		ev->sub = true;
		if (client && !ev->op.n && gr_str_is(ev->kind, "producer"))
			ev->op = send_op(ev->msys);
		if (!client) {
			ev->op = (struct gr_str){ NULL, 0 };
			ev->req = (struct gr_str){ NULL, 0 };
		} else if (ev->op.n) {
			ev->ns = (struct gr_str){ "aws", 3 };
		}
		/* X-Ray's call subsegments name the service: S3, DynamoDB... */
		ev->name = ev->rpc.n ? ev->rpc : ev->name;
	}
	/* gr_inf_segment points these at its own copies: keep ours */
	char ib[33];
	struct gr_str t = gr_inf_trace_norm(ev->trace, tb), id = gr_inf_id_norm(ev->id, ib);
	if (!gr_inf_segment(inf))
		return false;
	uint32_t si = gr_inf_seg_find(inf, gr_inf_fp2(T_SEG, t.p, t.n, id.p, id.n));
	if (si == INF_NONE)
		return true;
	struct gr_inf_seg *s = INF_SEG(inf, si);
	if (invocation) {
		s->flags |= XF_OTEL | (ev->cold ? XF_COLD : 0);
		s->fn = gr_inf_intern(inf, fn.p, fn.n);
		trace_bits(t, &s->thi, &s->tlo);
		s = INF_SEG(inf, si);
		if (s->node != INF_NONE) {
			struct gr_inf_node *n = INF_NODE(inf, s->node);
			if (ev->cold && n->report_ts == GR_TIME_UNKNOWN)
				n->flags |= NF_COLD;
		}
	} else if (ev->links.n && s->parent && s->role == XR_SUB) {
		/* its links are its invocation's: indexed as function segments are */
		int added;
		uint32_t *head = gr_fpmap_put(&inf->fnseg_ix, s->parent, si, &added);
		if (!head) {
			gr_inf_fail(inf, GR_ERR_NOMEM, "out of memory");
			return true;
		}
		s = INF_SEG(inf, si);
		s->role = XR_LINKS;
		if (!added && !in_chain(inf, *head, si)) {
			/* a complete copy of an in-progress span comes here again: linking
			 * it twice made it its own successor, and the walks never ended */
			s->next = *head;
			*head = si;
		}
	}
	return true;
}

/* --- joining spans without a request id ------------------------------------- */

/* An invocation's trace id, normalised, as a fingerprint (0 when it has none). */
static uint64_t node_trace_fp(const struct gr_inf_node *n)
{
	char tb[33];

	if (!n->trace)
		return 0;
	struct gr_str t = gr_inf_trace_norm((struct gr_str){ n->trace, strlen(n->trace) }, tb);
	return gr_inf_fp1(T_SEG, t.p, t.n);
}

/* Does span s lie within invocation n's START..END, and are they one function? */
static bool fits(const struct gr_infer *inf, const struct gr_inf_seg *s,
		 const struct gr_inf_node *n)
{
	const char *fn = gr_inf_node_fn(inf, n);
	int64_t t0 = gr_inf_node_first(inf, n), t1 = gr_inf_node_end(inf, n);
	int64_t tol = inf->o.tolerance_us;

	if (fn && s->fn && strcmp(fn, s->fn))
		return false;
	if (n->xsvc != INF_NONE && (INF_SEG(inf, n->xsvc)->flags & XF_OTEL)) {
		/* it has its span already: this one may be another attempt's (a retry,
		 * same request id, same trace), never one overlapping it. (Lambda's own
		 * X-Ray segment does not stop the function's span from joining.) */
		const struct gr_inf_seg *o = INF_SEG(inf, n->xsvc);
		if (o->thi != s->thi || o->tlo != s->tlo ||
		    (s->t0 <= o->t1 && (s->t1 < 0 || s->t1 >= o->t0)))
			return false;
	}
	return t0 != GR_TIME_UNKNOWN && s->t0 >= t0 - tol &&
	       (t1 == GR_TIME_UNKNOWN || s->t0 <= t1 + tol);
}

/* The node "span:<trace>/<span>" of a span that joins no invocation. */
static uint32_t span_node(struct gr_infer *inf, struct gr_inf_seg *s)
{
	char id[64];

	snprintf(id, sizeof(id), "span:%016llx%016llx/%016llx", (unsigned long long)s->thi,
		 (unsigned long long)s->tlo, (unsigned long long)s->id);
	uint32_t ni = gr_inf_node_get(inf, id, strlen(id));
	if (ni == INF_NONE)
		return ni;
	struct gr_inf_node *n = INF_NODE(inf, ni);
	n->flags |= NF_RUN;
	if (!n->trace)
		n->trace = gr_inf_pack_str(inf, id + 5, 32);
	return ni;
}

void gr_inf_spans_join(struct gr_infer *inf)
{
	struct gr_fpmap ix = { 0 };
	uint32_t *next = NULL;
	size_t nn = inf->nodes.n;
	bool pending = false;

	for (size_t i = 0; i < inf->segs.n && !pending; i++) {
		const struct gr_inf_seg *s = INF_SEG(inf, i);
		pending = s->role == XR_SVC && (s->flags & XF_OTEL) && s->node == INF_NONE;
	}
	if (!pending)
		return;
	/* the invocations of each trace, from their REPORT or START records */
	next = malloc((nn + 1) * sizeof(*next));
	if (!next) {
		gr_inf_fail(inf, GR_ERR_NOMEM, "out of memory");
		return;
	}
	for (size_t i = 0; i < nn; i++) {
		const struct gr_inf_node *n = INF_NODE(inf, i);
		uint64_t fp = node_trace_fp(n);
		int added;
		next[i] = INF_NONE;
		if (!fp || !(n->flags & NF_RUN) || (n->flags & NF_RELEASED))
			continue;
		uint32_t *head = gr_fpmap_put(&ix, fp, (uint32_t)i, &added);
		if (!head) {
			gr_inf_fail(inf, GR_ERR_NOMEM, "out of memory");
			goto out;
		}
		if (!added) {
			next[i] = *head;
			*head = (uint32_t)i;
		}
	}
	for (size_t i = 0; i < inf->segs.n && !inf->fatal; i++) {
		struct gr_inf_seg *s = INF_SEG(inf, i);
		if (s->role != XR_SVC || !(s->flags & XF_OTEL) || s->node != INF_NONE)
			continue;
		char t[33];
		snprintf(t, sizeof(t), "%016llx%016llx", (unsigned long long)s->thi,
			 (unsigned long long)s->tlo);
		uint32_t *head = gr_fpmap_get(&ix, gr_inf_fp1(T_SEG, t, 32));
		uint32_t ni = INF_NONE;
		for (uint32_t k = head ? *head : INF_NONE; k != INF_NONE; k = next[k])
			if (fits(inf, s, INF_NODE(inf, k))) {
				ni = k;
				break;
			}
		if (ni == INF_NONE && (ni = span_node(inf, s)) == INF_NONE)
			break;
		s = INF_SEG(inf, i);
		s->node = ni;
		struct gr_inf_node *n = INF_NODE(inf, ni);
		if (n->xsvc == INF_NONE)
			n->xsvc = (uint32_t)i;
		if (!n->fn && s->fn)
			n->fn = s->fn;
		if ((s->flags & XF_COLD) && n->report_ts == GR_TIME_UNKNOWN)
			n->flags |= NF_COLD;
	}
out:
	gr_fpmap_release(&ix);
	free(next);
}

/* --- writes and by-name Invokes of CLIENT spans -------------------------------- */

/* Does the span of invocation n lead to no invocation (a root, or a parent missing
 * from the input)? Then nothing in the trace says what caused it. */
static bool orphan_span(const struct gr_infer *inf, const struct gr_inf_node *n)
{
	if (n->xsvc == INF_NONE || n->src != INF_NONE)
		return false;
	const struct gr_inf_seg *s = INF_SEG(inf, n->xsvc);
	return (s->flags & XF_OTEL) && (!s->parent || gr_inf_seg_find(inf, s->parent) == INF_NONE);
}

void gr_inf_span_causes(struct gr_infer *inf, const uint32_t *nodes, size_t nn)
{
	size_t count = nodes ? nn : inf->nodes.n;

	/* (a stage of a sharded run does not know whether other traces' spans made any) */
	if (!inf->span_causes && !inf->shard)
		return;
	for (size_t i = 0; i < inf->causes.n; i++) {
		struct gr_inf_cause *c = INF_CAUSE(inf, i);
		if (!(c->flags & CF_SPAN) || (c->flags & CF_GONE))
			continue;
		uint32_t owner = gr_inf_seg_owner(inf, c->node);
		if (owner == INF_NONE)
			continue; /* its invocation's span is not read yet */
		c->node = owner;
		c->flags &= (uint8_t)~CF_SPAN;
		/* the same write told by a call marker too: one cause, the marker's */
		for (uint32_t a = gr_inf_alias_first(inf, c->key); a != INF_NONE;
		     a = INF_ALIAS(inf, a)->next) {
			const struct gr_inf_cause *m = INF_CAUSE(inf, INF_ALIAS(inf, a)->cause);
			int64_t d = m->ts - c->ts;
			if (m != c && m->node == owner && m->kind == c->kind &&
			    !(m->flags & (CF_SPAN | CF_XRAY)) && d >= -inf->o.tolerance_us &&
			    d <= inf->o.tolerance_us) {
				c->flags |= CF_GONE | CF_USED;
				break;
			}
		}
	}
	/* a callee whose span starts a trace of its own: the latest Invoke of its
	 * function before it, by name, as the marker-less by-name rule matches */
	for (size_t k = 0; k < count && !inf->fatal; k++) {
		uint32_t ni = nodes ? nodes[k] : (uint32_t)k;
		const struct gr_inf_node *n = INF_NODE(inf, ni);
		if (!(n->flags & NF_RUN) || (n->flags & NF_EDGES) || !orphan_span(inf, n))
			continue;
		const char *fn = gr_inf_node_fn(inf, n);
		if (!fn)
			continue;
		uint64_t key = gr_inf_fp1(T_LFN, fn, strlen(fn));
		if (!inf->shard && gr_inf_alias_first(inf, key) == INF_NONE)
			continue;
		struct gr_inf_src *s = gr_inf_src_add(inf, ni, GR_KIND_LAMBDA, R_KEYTIME, key, fn,
						      strlen(fn));
		if (!s)
			return;
		if (inf->shard)
			s->flags |= SF_ORPHAN;
	}
}
