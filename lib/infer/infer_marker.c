/* infer_marker.c: the GAMMARAY v1 marker contract: entry and call markers into triggers and causes. */
#include <string.h>

#include "infer/infer.h"

/* One src object of an entry marker. 1 recorded, 0 nothing to record, -1 bad. */
static int entry_src(struct gr_infer *inf, uint32_t node, struct gr_str obj, struct gr_str fn,
		     const char **why)
{
	static const char *const names[] = { "svc" };
	struct gr_jv v[1];
	struct gr_str svc;

	if (!gr_inf_obj_fields(inf, obj, names, 1, v)) {
		*why = "src is not an object";
		return -1;
	}
	if (!gr_inf_jstr(inf, &v[0], &svc) || !svc.n) {
		*why = "src without \"svc\"";
		return -1;
	}
	enum gr_kind k = gr_kind_parse(svc.p, svc.n);
	switch (k) {
	case GR_KIND_S3: return gr_inf_s3_src(inf, node, obj, why);
	case GR_KIND_DYNAMODB: return gr_inf_ddb_src(inf, node, obj, why);
	case GR_KIND_SNS:
	case GR_KIND_SQS:
	case GR_KIND_KINESIS:
	case GR_KIND_EVENTS: return gr_inf_msg_src(inf, node, k, obj, why);
	case GR_KIND_LAMBDA:
	case GR_KIND_SFN: return gr_inf_lambda_src(inf, node, k, obj, fn, why);
	default:
		break;
	}
	if (gr_str_is(svc, "apigw") || gr_str_is(svc, "schedule"))
		return 0; /* started from outside: a root */
	/* a trigger this contract does not know: it stays unmatched, and says so */
	return gr_inf_src_add(inf, node, GR_KIND_NONE, R_UNKNOWN, 0, svc.p, svc.n) ? 1 : -1;
}

static int entry(struct gr_infer *inf, uint32_t node, const struct gr_jv *fnv,
		 const struct gr_jv *src, const char **why)
{
	struct gr_str fn = { NULL, 0 };

	if (fnv->t != GR_JT_NONE && !gr_inf_jstr(inf, fnv, &fn)) {
		*why = "\"fn\" is not a string";
		return -1;
	}
	if (fn.n) {
		struct gr_inf_node *n = INF_NODE(inf, node);
		if (!n->fn)
			n->fn = gr_inf_intern(inf, fn.p, fn.n);
	}
	if (src->t == GR_JT_OBJ)
		return entry_src(inf, node, (struct gr_str){ src->p, src->n }, fn, why) < 0 ? -1 : 1;
	if (src->t == GR_JT_ARR) {
		struct gr_js js;
		struct gr_jv el;
		gr_inf_js_begin(&js, src->p, src->n, true);
		while (gr_js_next_elem(&js, &el) > 0) {
			if (el.t != GR_JT_OBJ) {
				*why = "an element of \"src\" is not an object";
				return -1;
			}
			if (entry_src(inf, node, (struct gr_str){ el.p, el.n }, fn, why) < 0)
				return -1;
		}
		return 1;
	}
	if (src->t != GR_JT_NONE) {
		*why = "\"src\" is neither an object nor an array";
		return -1;
	}
	return fn.n ? 1 : 0;
}

static int call(struct gr_infer *inf, uint32_t node, int64_t ts, const struct gr_jv *svcv,
		const struct gr_jv *opv, struct gr_str m, const char **why)
{
	struct gr_str svc, op = { "", 0 };

	if (!gr_inf_jstr(inf, svcv, &svc) || !svc.n) {
		*why = "call marker without \"svc\"";
		return -1;
	}
	if (opv->t != GR_JT_NONE && !gr_inf_jstr(inf, opv, &op)) {
		*why = "\"op\" is not a string";
		return -1;
	}
	enum gr_kind k = gr_kind_parse(svc.p, svc.n);
	switch (k) {
	case GR_KIND_S3: return gr_inf_s3_call(inf, node, ts, op, m, why);
	case GR_KIND_DYNAMODB: return gr_inf_ddb_call(inf, node, ts, op, m, why);
	case GR_KIND_SNS:
	case GR_KIND_SQS:
	case GR_KIND_KINESIS:
	case GR_KIND_EVENTS: return gr_inf_msg_call(inf, node, ts, k, op, m, why);
	case GR_KIND_LAMBDA:
	case GR_KIND_SFN: return gr_inf_lambda_call(inf, node, ts, k, op, m, why);
	default: return 0; /* a service whose calls trigger nothing we link */
	}
}

bool gr_inf_marker(struct gr_infer *inf, uint32_t node, int64_t ts, const struct gr_str *m)
{
	static const char *const names[] = { "v", "ev", "fn", "src", "svc", "op" };
	struct gr_jv v[6];
	struct gr_str ev;
	const char *why = NULL;
	char esc[64];
	int64_t ver;
	int rc;

	/* decoded strings of this marker never exceed its size: no reallocation midway */
	gr_buf_reset(&inf->mscratch);
	if (gr_buf_grow(&inf->mscratch, m->n + 1)) {
		gr_inf_fail(inf, GR_ERR_NOMEM, "out of memory");
		return false;
	}
	if (!gr_inf_obj_fields(inf, *m, names, 6, v)) {
		gr_inf_lost(inf, GR_LOST_BAD_MARKER, "marker is not a JSON object");
		return false;
	}
	if (v[0].t == GR_JT_NONE) {
		gr_inf_lost(inf, GR_LOST_BAD_MARKER, "marker without a version \"v\"");
		return false;
	}
	if (!gr_jv_int(&v[0], &ver) || ver != 1) {
		gr_inf_lost(inf, GR_LOST_BAD_MARKER,
			 "marker version %s is not supported (this program reads version 1)",
			 gr_escape_msg(v[0].p, v[0].n, 20, esc, sizeof(esc)));
		return false;
	}
	if (!gr_inf_jstr(inf, &v[1], &ev)) {
		gr_inf_lost(inf, GR_LOST_BAD_MARKER, "marker without \"ev\"");
		return false;
	}
	if (gr_str_is(ev, "entry"))
		rc = entry(inf, node, &v[2], &v[3], &why);
	else if (gr_str_is(ev, "call"))
		rc = call(inf, node, ts, &v[4], &v[5], *m, &why);
	else {
		gr_inf_lost(inf, GR_LOST_BAD_MARKER, "unknown marker event \"%s\"",
			 gr_escape_msg(ev.p, ev.n, 40, esc, sizeof(esc)));
		return false;
	}
	if (rc < 0) {
		gr_inf_lost(inf, GR_LOST_BAD_MARKER, "bad %.*s marker: %s", (int)ev.n, ev.p,
			 why ? why : "malformed");
		return false;
	}
	if (rc == 0) {
		inf->st.io.reason[GR_SKIP_UNUSED]++;
		return false;
	}
	return true;
}
