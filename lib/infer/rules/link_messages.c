/* link_messages.c: exact-id rules: SNS and SQS message ids, Kinesis sequence numbers, EventBridge event ids. */
#include <string.h>

#include "infer/rules/rules.h"

/* The fingerprint tag of a kind's ids. */
static int tag_of(int kind)
{
	switch (kind) {
	case GR_KIND_SNS: return T_SNS;
	case GR_KIND_SQS: return T_SQS;
	case GR_KIND_KINESIS: return T_KIN;
	default: return T_EVENTS;
	}
}

/* Kinesis streams are named, or given by ARN (arn:aws:kinesis:r:a:stream/NAME). */
static struct gr_str stream_name(struct gr_str s)
{
	return gr_inf_arn_name(s, "stream/");
}

/*
 * The name of an SNS topic or SQS queue, as a marker gives it: a topic ARN
 * (arn:aws:sns:region:account:NAME), a queue ARN (arn:aws:sqs:...:NAME, how the
 * event names it) or a queue URL (https://sqs.region.amazonaws.com/account/NAME, how
 * SendMessage names it). Empty when the marker does not say.
 */
static struct gr_str resource_name(struct gr_infer *inf, const struct gr_jv *v)
{
	struct gr_str s;

	if (!gr_inf_jstr(inf, v, &s) || !s.n)
		return (struct gr_str){ "", 0 };
	char sep = s.n > 4 && !memcmp(s.p, "arn:", 4) ? ':' : '/';
	while (s.n && s.p[s.n - 1] == sep)
		s.n--;
	for (size_t i = s.n; i-- > 0;)
		if (s.p[i] == sep)
			return (struct gr_str){ s.p + i + 1, s.n - i - 1 };
	return s;
}

/*
 * The text of a message's key in the graph: "RESOURCE/ID" (a Kinesis stream, an SNS
 * topic, an SQS queue; gammaray-dot names service nodes by it), else the bare id. The
 * fingerprint that links it is made of the id alone (Kinesis: stream and sequence),
 * so a queue named by URL on one side and by ARN on the other still links.
 */
static bool key_text(struct gr_infer *inf, struct gr_str res, struct gr_str id, const char **text,
		     size_t *tn)
{
	if (!res.n) {
		*text = id.p;
		*tn = id.n;
		return true;
	}
	gr_buf_reset(&inf->tmp);
	if (gr_buf_add(&inf->tmp, res.p, res.n) || gr_buf_addc(&inf->tmp, '/') ||
	    gr_buf_add(&inf->tmp, id.p, id.n)) {
		gr_inf_fail(inf, GR_ERR_NOMEM, "out of memory");
		return false;
	}
	*text = inf->tmp.data;
	*tn = inf->tmp.len;
	return true;
}

/* What links a message: its id (a Kinesis sequence number with its stream). */
static uint64_t msg_fp(int kind, struct gr_str res, struct gr_str id)
{
	if (kind == GR_KIND_KINESIS)
		return gr_inf_fp2(T_KIN, res.p, res.n, id.p, id.n);
	return gr_inf_fp1(tag_of(kind), id.p, id.n);
}

/* One message (record, event) sent: a cause findable by its id. res names its stream,
 * topic or queue (Kinesis: required; others: may be empty). */
static bool sent(struct gr_infer *inf, uint32_t node, int64_t ts, int kind, struct gr_str res,
		 const struct gr_jv *idv)
{
	struct gr_str id;
	uint64_t fp;
	size_t tn;
	const char *text;

	if (!gr_inf_jstr(inf, idv, &id) || !id.n)
		return false;
	fp = msg_fp(kind, res, id);
	if (!key_text(inf, res, id, &text, &tn))
		return false;
	uint32_t c = gr_inf_cause_add(inf, node, ts, kind, OP_NONE, text, tn);
	if (c == INF_NONE)
		return false;
	INF_CAUSE(inf, c)->key = fp;
	gr_inf_alias_add(inf, fp, c);
	return true;
}

int gr_inf_msg_call(struct gr_infer *inf, uint32_t node, int64_t ts, int kind, struct gr_str op,
		 struct gr_str obj, const char **why)
{
	static const char *const names[] = { "msg", "msgs", "seq", "seqs", "ids", "stream",
					     "topic", "queue" };
	struct gr_jv v[8];
	struct gr_str stream = { "", 0 };
	const struct gr_jv *one = NULL, *many = NULL;

	gr_inf_obj_fields(inf, obj, names, 8, v);
	switch (kind) {
	case GR_KIND_SNS:
		if (gr_str_is(op, "Publish"))
			one = &v[0];
		else if (gr_str_is(op, "PublishBatch"))
			many = &v[1];
		stream = resource_name(inf, &v[6]);
		break;
	case GR_KIND_SQS:
		if (gr_str_is(op, "SendMessage"))
			one = &v[0];
		else if (gr_str_is(op, "SendMessageBatch"))
			many = &v[1];
		stream = resource_name(inf, &v[7]);
		break;
	case GR_KIND_KINESIS:
		if (gr_str_is(op, "PutRecord"))
			one = &v[2];
		else if (gr_str_is(op, "PutRecords"))
			many = &v[3];
		if ((one || many) && (!gr_inf_jstr(inf, &v[5], &stream) || !stream.n)) {
			*why = "Kinesis call without \"stream\"";
			return -1;
		}
		stream = stream_name(stream);
		break;
	default:
		if (gr_str_is(op, "PutEvents"))
			many = &v[4];
		break;
	}
	if (one) {
		if (!sent(inf, node, ts, kind, stream, one)) {
			*why = kind == GR_KIND_KINESIS ? "PutRecord without \"seq\""
			       : "call without its message id \"msg\"";
			return -1;
		}
		return 1;
	}
	if (!many)
		return 0;
	if (many->t != GR_JT_ARR) {
		*why = kind == GR_KIND_KINESIS ? "PutRecords without \"seqs\""
		       : kind == GR_KIND_EVENTS ? "PutEvents without \"ids\""
						: "batch call without \"msgs\"";
		return -1;
	}
	struct gr_js js;
	struct gr_jv el;
	gr_inf_js_begin(&js, many->p, many->n, true);
	while (gr_js_next_elem(&js, &el) > 0)
		if (!sent(inf, node, ts, kind, stream, &el)) {
			*why = "an id of the batch is not a string";
			return -1;
		}
	return 1;
}

int gr_inf_msg_src(struct gr_infer *inf, uint32_t node, int kind, struct gr_str obj,
		const char **why)
{
	static const char *const names[] = { "msg", "seq", "id", "stream", "topic", "queue" };
	struct gr_jv v[6];
	struct gr_str id, stream = { "", 0 };
	const char *text;
	size_t tn;
	uint64_t fp;

	gr_inf_obj_fields(inf, obj, names, 6, v);
	switch (kind) {
	case GR_KIND_KINESIS:
		if (!gr_inf_jstr(inf, &v[3], &stream) || !stream.n || !gr_inf_jstr(inf, &v[1], &id) ||
		    !id.n) {
			*why = "Kinesis src without \"stream\" and \"seq\"";
			return -1;
		}
		stream = stream_name(stream);
		break;
	case GR_KIND_EVENTS:
		if (!gr_inf_jstr(inf, &v[2], &id) || !id.n) {
			*why = "EventBridge src without its event \"id\"";
			return -1;
		}
		break;
	default:
		if (!gr_inf_jstr(inf, &v[0], &id) || !id.n) {
			*why = "src without its message id \"msg\"";
			return -1;
		}
		stream = resource_name(inf, &v[kind == GR_KIND_SNS ? 4 : 5]);
		break;
	}
	fp = msg_fp(kind, stream, id);
	if (!key_text(inf, stream, id, &text, &tn))
		return -1;
	return gr_inf_src_add(inf, node, kind, R_EXACT, fp, text, tn) ? 1 : -1;
}
