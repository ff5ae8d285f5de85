/* infer_xray.c: X-Ray segments: invocations from AWS::Lambda segments, the segment tree kept for linking. */
#include <string.h>

#include "infer/infer.h"

/* The id's 16 hex digits as a number (0 when it is not 16 hex digits). */
static uint64_t hex_id(struct gr_str s)
{
	uint64_t v = 0;

	if (s.n != 16)
		return 0;
	for (size_t i = 0; i < 16; i++) {
		char c = s.p[i];
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
			c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (d < 0)
			return 0;
		v = v << 4 | (uint64_t)d;
	}
	return v;
}

/* The service an SDK call's operation triggers through (GR_KIND_NONE: none we link). */
static int call_kind(struct gr_str op, uint8_t *flags, struct gr_str inv)
{
	static const struct {
		const char *op;
		uint8_t kind;
	} ops[] = {
		{ "Invoke", GR_KIND_LAMBDA },       { "InvokeAsync", GR_KIND_LAMBDA },
		{ "InvokeWithResponseStream", GR_KIND_LAMBDA },
		{ "Publish", GR_KIND_SNS },         { "PublishBatch", GR_KIND_SNS },
		{ "SendMessage", GR_KIND_SQS },     { "SendMessageBatch", GR_KIND_SQS },
		{ "PutEvents", GR_KIND_EVENTS },
		{ "StartExecution", GR_KIND_SFN },  { "StartSyncExecution", GR_KIND_SFN },
		{ "PutRecord", GR_KIND_KINESIS },   { "PutRecords", GR_KIND_KINESIS },
		{ "PutObject", GR_KIND_S3 },        { "CopyObject", GR_KIND_S3 },
		{ "CompleteMultipartUpload", GR_KIND_S3 }, { "DeleteObject", GR_KIND_S3 },
		{ "PutItem", GR_KIND_DYNAMODB },    { "UpdateItem", GR_KIND_DYNAMODB },
		{ "DeleteItem", GR_KIND_DYNAMODB }, { "BatchWriteItem", GR_KIND_DYNAMODB },
		{ "TransactWriteItems", GR_KIND_DYNAMODB },
	};

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		if (!gr_str_is(op, ops[i].op))
			continue;
		if (ops[i].kind == GR_KIND_LAMBDA) {
			if (gr_str_is(inv, "Event") || gr_str_is(op, "InvokeAsync"))
				*flags |= XF_ASYNC;
			else if (gr_str_is(inv, "RequestResponse"))
				*flags |= XF_SYNC;
		} else if (gr_str_is(op, "StartSyncExecution")) {
			*flags |= XF_SYNC;
		} else {
			*flags |= XF_ASYNC;
		}
		return ops[i].kind;
	}
	return GR_KIND_NONE;
}

/* The service of a segment by its origin. */
static int origin_kind(struct gr_str o, uint8_t *flags)
{
	if (gr_str_is(o, "AWS::SNS") || gr_str_is(o, "AWS::SNS::Topic"))
		return GR_KIND_SNS;
	if (gr_str_is(o, "AWS::SQS") || gr_str_is(o, "AWS::SQS::Queue"))
		return GR_KIND_SQS;
	if (gr_str_is(o, "AWS::Events") || gr_str_is(o, "AWS::Events::EventBus"))
		return GR_KIND_EVENTS;
	if (gr_str_is(o, "AWS::Lambda"))
		return GR_KIND_LAMBDA;
	if (gr_str_is(o, "AWS::StepFunctions::StateMachine") || gr_str_is(o, "AWS::Sfn") ||
	    gr_str_is(o, "AWS::States"))
		return GR_KIND_SFN;
	if (gr_str_is(o, "AWS::Kinesis::Stream"))
		return GR_KIND_KINESIS;
	if (gr_str_is(o, "AWS::S3::Bucket") || gr_str_is(o, "AWS::S3"))
		return GR_KIND_S3;
	if (gr_str_is(o, "AWS::DynamoDB::Table") || gr_str_is(o, "AWS::DynamoDB"))
		return GR_KIND_DYNAMODB;
	if (gr_str_is(o, "AWS::ApiGateway::Stage"))
		*flags |= XF_APIGW;
	return GR_KIND_NONE;
}

/* The S3 operations that write or delete an object (what a notification follows). */
static int s3_write(struct gr_str op)
{
	if (gr_str_is(op, "PutObject") || gr_str_is(op, "CopyObject") ||
	    gr_str_is(op, "CompleteMultipartUpload"))
		return OP_PUT;
	return gr_str_is(op, "DeleteObject") ? OP_REMOVE : OP_NONE;
}

/*
 * What an OpenTelemetry CLIENT span writes or invokes by name (no request id names
 * the callee): causes matched by key and time (link_keytime.c), once its invocation
 * is known (gr_inf_span_causes).
 */
static void span_causes(struct gr_infer *inf, uint32_t si, const struct gr_event *ev, uint8_t flags)
{
	const struct gr_inf_seg *s = INF_SEG(inf, si);
	int64_t ts = s->t1 >= 0 ? s->t1 : s->t0;
	uint32_t c = INF_NONE;
	uint64_t key = 0;

	if (s->kind == GR_KIND_LAMBDA && ev->invoked.n && s->node == INF_NONE) {
		struct gr_str fn = gr_inf_arn_name(ev->invoked, ":function:");
		int op = flags & XF_ASYNC || ev->http == 202 ? OP_ASYNC : flags & XF_SYNC ? OP_SYNC : OP_NONE;
		key = gr_inf_fp1(T_LFN, fn.p, fn.n);
		c = gr_inf_cause_add(inf, si, ts, GR_KIND_LAMBDA, op, fn.p, fn.n);
	} else if (s->kind == GR_KIND_S3 && ev->bucket.n && ev->s3key.n && s3_write(ev->op)) {
		struct gr_str b = gr_inf_arn_name(ev->bucket, ":::"), k = ev->s3key;
		gr_buf_reset(&inf->tmp);
		if (gr_buf_add(&inf->tmp, b.p, b.n) || gr_buf_addc(&inf->tmp, '/') ||
		    gr_buf_add(&inf->tmp, k.p, k.n)) {
			gr_inf_fail(inf, GR_ERR_NOMEM, "out of memory");
			return;
		}
		key = gr_inf_fp2(T_S3KEY, b.p, b.n, k.p, k.n);
		c = gr_inf_cause_add(inf, si, ts, GR_KIND_S3, s3_write(ev->op), inf->tmp.data,
				  inf->tmp.len);
	}
	if (c == INF_NONE)
		return;
	INF_CAUSE(inf, c)->flags |= CF_SPAN;
	INF_CAUSE(inf, c)->key = key;
	inf->span_causes = true;
	gr_inf_alias_add(inf, key, c);
}

/* Subsegments Lambda writes that nothing ever hangs off. */
static bool leaf(const struct gr_event *ev)
{
	return ev->sub && !ev->links.n && !ev->op.n &&
	       (gr_str_is(ev->name, "Initialization") || gr_str_is(ev->name, "Overhead") ||
		gr_str_is(ev->name, "Dwell Time") || gr_str_is(ev->name, "Restore"));
}

/*
 * Segments through which no trace goes on to a Lambda function: calls to S3,
 * DynamoDB and Kinesis (their triggers start new traces) and the segments X-Ray
 * infers for untraced services other than SNS, EventBridge, Step Functions and
 * Lambda. Not keeping them halves the segments held.
 */
static bool dead_end(const struct gr_event *ev)
{
	uint8_t flags = 0;

	if (ev->links.n)
		return false;
	if (ev->sub) {
		/* an OpenTelemetry span of an S3 write names its object: a cause */
		if (ev->bucket.n && ev->s3key.n && s3_write(ev->op))
			return false;
		/* a Kinesis consumer's span may link to the put's span */
		if (ev->kind.n && gr_str_is(ev->name, "Kinesis") &&
		    (gr_str_is(ev->op, "PutRecord") || gr_str_is(ev->op, "PutRecords")))
			return false;
		/* every operation of these services, reads included */
		return gr_str_is(ev->ns, "aws") && (gr_str_is(ev->name, "S3") || gr_str_is(ev->name, "DynamoDB") ||
					     gr_str_is(ev->name, "Kinesis"));
	}
	if (!ev->inferred)
		return false;
	int k = origin_kind(ev->origin, &flags);
	return k != GR_KIND_SNS && k != GR_KIND_EVENTS && k != GR_KIND_SFN &&
	       k != GR_KIND_LAMBDA && !(flags & XF_APIGW);
}

static void add_links(struct gr_infer *inf, uint32_t si, const struct gr_event *ev)
{
	struct gr_js it;
	struct gr_ev_link l;

	char tb[33], ib[33];

	gr_ev_links_begin(&it, &ev->links);
	while (gr_ev_link_next(&it, &l)) {
		struct gr_str t = gr_inf_trace_norm(l.trace.n ? l.trace : ev->trace, tb);
		l.id = gr_inf_id_norm(l.id, ib);
		uint32_t li = (uint32_t)inf->links.n;
		struct gr_inf_link *lk = gr_inf_vec_push(inf, &inf->links, sizeof(*lk));
		if (!lk)
			return;
		lk->target = gr_inf_fp2(T_SEG, t.p, t.n, l.id.p, l.id.n);
		lk->seg = si;
		lk->msg = l.msg.n ? gr_inf_fp1(T_OMSG, l.msg.p, l.msg.n) : 0;
		lk->child = gr_str_is(l.ref, "child");
		if (lk->child) {
			int added;
			uint32_t *head = gr_fpmap_put(&inf->child_ix, lk->target, li, &added);
			if (!head) {
				gr_inf_fail(inf, GR_ERR_NOMEM, "out of memory");
				return;
			}
			lk->next = added ? INF_NONE : *head;
			*head = li;
		} else {
			struct gr_inf_seg *s = INF_SEG(inf, si);
			lk->next = s->links;
			s->links = li;
		}
	}
}

bool gr_inf_segment(struct gr_infer *inf)
{
	char tb[33];
	struct gr_str written = inf->ev.trace; /* the trace id as written, for the graph */
	/* X-Ray and W3C ids of one trace are one trace */
	/* (these point at the copies below until the call returns) */
	inf->ev.trace = gr_inf_trace_norm(inf->ev.trace, tb);
	char ib[33], pb[33];
	inf->ev.id = gr_inf_id_norm(inf->ev.id, ib);
	inf->ev.parent = gr_inf_id_norm(inf->ev.parent, pb);
	const struct gr_event *ev = &inf->ev;

	if (!ev->trace.n || !ev->id.n || ev->start_us == GR_TIME_UNKNOWN) {
		gr_inf_lost(inf, GR_LOST_BAD_SEGMENT, "segment record without %s",
			 !ev->trace.n ? "\"trace\"" : !ev->id.n ? "\"id\"" : "\"start_us\"");
		return false;
	}
	if (leaf(ev) || dead_end(ev)) {
		inf->st.io.reason[GR_SKIP_UNUSED]++;
		return false;
	}
	uint64_t key = gr_inf_fp2(T_SEG, ev->trace.p, ev->trace.n, ev->id.p, ev->id.n);
	uint32_t si = gr_inf_seg_find(inf, key);
	bool progress = ev->in_progress || ev->end_us < 0, fresh = si == INF_NONE;
	if (si != INF_NONE) {
		/* the same segment again: a complete copy replaces an in-progress one */
		if (progress || !(INF_SEG(inf, si)->flags & XF_PROGRESS)) {
			inf->st.io.reason[GR_SKIP_DUPLICATE]++;
			return false;
		}
	} else {
		si = (uint32_t)inf->segs.n;
		struct gr_inf_seg *s = gr_inf_vec_push(inf, &inf->segs, sizeof(*s));
		if (!s || !gr_fpmap_put(&inf->seg_ix, key, si, NULL)) {
			gr_inf_fail(inf, GR_ERR_NOMEM, "out of memory");
			return false;
		}
		s->node = s->next = s->links = INF_NONE;
	}
	struct gr_inf_seg *s = INF_SEG(inf, si);
	uint8_t flags = 0;
	s->key = key;
	s->parent = ev->parent.n ? gr_inf_fp2(T_SEG, ev->trace.p, ev->trace.n, ev->parent.p,
					   ev->parent.n) : 0;
	s->id = hex_id(ev->id);
	s->t0 = ev->start_us;
	s->t1 = ev->end_us;
	if (progress)
		flags |= XF_PROGRESS;
	if (ev->fault || ev->seg_error)
		flags |= XF_FAULT;
	if (ev->sub) {
		s->kind = GR_KIND_NONE;
		if (ev->op.n)
			s->kind = (uint8_t)call_kind(ev->op, &flags, ev->inv);
		s->role = ev->op.n || gr_str_is(ev->ns, "aws") ? XR_CALL : XR_SUB;
		if (s->role == XR_CALL && s->kind == GR_KIND_LAMBDA && ev->req.n &&
		    gr_is_request_id(ev->req.p, ev->req.n) && s->node == INF_NONE) {
			/* an Invoke subsegment names the callee's request id */
			s->node = gr_inf_node_get(inf, ev->req.p, ev->req.n);
			uint32_t c = gr_inf_cause_add(inf, si, s->t0, GR_KIND_LAMBDA,
						   flags & XF_ASYNC ? OP_ASYNC : OP_SYNC, NULL, 0);
			if (c != INF_NONE) {
				uint64_t fp = gr_inf_fp1(T_LCALLEE, ev->req.p, ev->req.n);
				INF_CAUSE(inf, c)->flags |= CF_XRAY;
				INF_CAUSE(inf, c)->key = fp;
				gr_inf_alias_add(inf, fp, c);
			}
		}
		if (s->role == XR_CALL && ev->kind.n && fresh)
			span_causes(inf, si, ev, flags);
		s = INF_SEG(inf, si);
		if (s->role == XR_CALL && (s->kind == GR_KIND_SQS || s->kind == GR_KIND_SNS) &&
		    ev->msg_id.n && fresh) {
			/* a send span naming its message: what a consumer's link names when
			 * the span it points at is not in the input (link_xray.c) */
			uint32_t c = gr_inf_cause_add(inf, si, s->t1 >= 0 ? s->t1 : s->t0, s->kind,
						   OP_NONE, ev->msg_id.p, ev->msg_id.n);
			if (c != INF_NONE) {
				uint64_t fp = gr_inf_fp1(T_OMSG, ev->msg_id.p, ev->msg_id.n);
				INF_CAUSE(inf, c)->flags |= CF_XRAY;
				INF_CAUSE(inf, c)->key = fp;
				gr_inf_alias_add(inf, fp, c);
			}
		}
	} else if (gr_str_is(ev->origin, "AWS::Lambda") && !ev->inferred) {
		s->role = XR_SVC;
		s->kind = GR_KIND_LAMBDA;
		if (ev->http == 202)
			flags |= XF_ASYNC;
		if (ev->req.n && gr_is_request_id(ev->req.p, ev->req.n)) {
			uint32_t ni = gr_inf_node_find(inf, ev->req.p, ev->req.n);
			/* --window: the invocation may be written already; its segments still
			 * serve the invocations it caused */
			bool gone = (ni != INF_NONE && (INF_NODE(inf, ni)->flags & NF_RELEASED)) ||
				    (ni == INF_NONE && inf->o.window_us &&
				     gr_inf_was_released(inf, gr_inf_fp1(T_REQ, ev->req.p, ev->req.n)));
			if (ni == INF_NONE)
				ni = gr_inf_node_get(inf, ev->req.p, ev->req.n);
			s = INF_SEG(inf, si);
			if (ni != INF_NONE)
				s->node = ni;
			if (ni != INF_NONE && !gone) {
				struct gr_inf_node *n = INF_NODE(inf, ni);
				n->flags |= NF_RUN;
				if (n->xsvc == INF_NONE)
					n->xsvc = si;
				if (!n->trace)
					n->trace = gr_inf_pack_str(inf, written.p, written.n);
				if (!n->fn && ev->name.n)
					n->fn = gr_inf_intern(inf, ev->name.p, ev->name.n);
			}
		}
	} else if (gr_str_is(ev->origin, "AWS::Lambda::Function")) {
		s->role = XR_FN;
		if (s->parent && fresh) {
			int added;
			uint32_t *head = gr_fpmap_put(&inf->fnseg_ix, s->parent, si, &added);
			if (!head) {
				gr_inf_fail(inf, GR_ERR_NOMEM, "out of memory");
				return false;
			}
			if (!added) {
				s->next = *head;
				*head = si;
			}
		}
	} else {
		s->role = XR_SERVICE;
		s->kind = (uint8_t)origin_kind(ev->origin, &flags);
	}
	s = INF_SEG(inf, si);
	s->flags = flags;
	if (ev->links.n && (fresh || s->links == INF_NONE))
		add_links(inf, si, ev);
	return true;
}

void gr_inf_xray_finalize(struct gr_infer *inf, const uint32_t *nodes, size_t nn)
{
	size_t count = nodes ? nn : inf->nodes.n;

	/* AWS::Lambda segments without a request id: the REPORT's XRAY tail names them */
	for (size_t k = 0; k < count; k++) {
		size_t i = nodes ? nodes[k] : k;
		struct gr_inf_node *n = INF_NODE(inf, i);
		if (n->xsvc != INF_NONE || !n->report_seg)
			continue;
		uint32_t si = gr_inf_seg_find(inf, n->report_seg);
		if (si != INF_NONE && INF_SEG(inf, si)->role == XR_SVC &&
		    INF_SEG(inf, si)->node == INF_NONE) {
			INF_SEG(inf, si)->node = (uint32_t)i;
			n->xsvc = si;
		}
	}
	/* the function segment of the last attempt says whether it failed */
	for (size_t k = 0; k < count; k++) {
		struct gr_inf_node *n = INF_NODE(inf, nodes ? nodes[k] : k);
		int64_t t0, t1;
		bool fault;
		if (gr_inf_node_xspan(inf, n, &t0, &t1, &fault) && fault)
			n->flags |= NF_XFAULT;
	}
}
