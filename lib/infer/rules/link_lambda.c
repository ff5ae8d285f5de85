/* link_lambda.c: Lambda Invoke (callee and caller request ids, or function and time) and Step Functions executions. */
#include <string.h>

#include "infer/rules/rules.h"

/* Function names may come as ARNs, with a qualifier (arn:...:function:NAME:alias). */
static struct gr_str fn_name(struct gr_str f)
{
	return gr_inf_arn_name(f, ":function:");
}

int gr_inf_lambda_call(struct gr_infer *inf, uint32_t node, int64_t ts, int kind,
		    struct gr_str op, struct gr_str obj, const char **why)
{
	static const char *const names[] = { "fn", "mode", "callee", "execution" };
	struct gr_jv v[4];
	struct gr_str fn, mode = { "", 0 }, callee = { NULL, 0 };

	gr_inf_obj_fields(inf, obj, names, 4, v);
	if (kind == GR_KIND_SFN) {
		struct gr_str ex;
		bool sync = gr_str_is(op, "StartSyncExecution");
		if (!sync && !gr_str_is(op, "StartExecution"))
			return 0;
		if (!gr_inf_jstr(inf, &v[3], &ex) || !ex.n) {
			*why = "StartExecution without \"execution\"";
			return -1;
		}
		uint32_t c = gr_inf_cause_add(inf, node, ts, kind, sync ? OP_SYNC : OP_ASYNC, ex.p,
					   ex.n);
		if (c == INF_NONE)
			return -1;
		uint64_t fp = gr_inf_fp1(T_SFN, ex.p, ex.n);
		INF_CAUSE(inf, c)->key = fp;
		gr_inf_alias_add(inf, fp, c);
		return 1;
	}
	if (!gr_str_is(op, "Invoke") && !gr_str_is(op, "InvokeAsync") && !gr_str_is(op, "InvokeWithResponseStream"))
		return 0;
	if (v[1].t != GR_JT_NONE)
		gr_inf_jstr(inf, &v[1], &mode);
	if (gr_str_is(mode, "DryRun"))
		return 0;
	int iop = gr_str_is(mode, "Event") || gr_str_is(op, "InvokeAsync") ? OP_ASYNC : OP_SYNC;
	if (v[2].t != GR_JT_NONE)
		gr_inf_jstr(inf, &v[2], &callee);
	if (callee.n) {
		uint32_t c = gr_inf_cause_add(inf, node, ts, kind, iop, callee.p, callee.n);
		if (c == INF_NONE)
			return -1;
		uint64_t fp = gr_inf_fp1(T_LCALLEE, callee.p, callee.n);
		INF_CAUSE(inf, c)->key = fp;
		gr_inf_alias_add(inf, fp, c);
		return 1;
	}
	if (!gr_inf_jstr(inf, &v[0], &fn) || !fn.n) {
		*why = "Invoke without \"fn\" or \"callee\"";
		return -1;
	}
	fn = fn_name(fn);
	uint32_t c = gr_inf_cause_add(inf, node, ts, kind, iop, fn.p, fn.n);
	if (c == INF_NONE)
		return -1;
	uint64_t fp = gr_inf_fp1(T_LFN, fn.p, fn.n);
	INF_CAUSE(inf, c)->key = fp;
	gr_inf_alias_add(inf, fp, c);
	return 1;
}

int gr_inf_lambda_src(struct gr_infer *inf, uint32_t node, int kind, struct gr_str obj,
		   struct gr_str fn, const char **why)
{
	static const char *const names[] = { "caller", "execution" };
	struct gr_jv v[2];
	struct gr_str id;

	gr_inf_obj_fields(inf, obj, names, 2, v);
	if (kind == GR_KIND_SFN) {
		if (!gr_inf_jstr(inf, &v[1], &id) || !id.n) {
			*why = "sfn src without \"execution\"";
			return -1;
		}
		return gr_inf_src_add(inf, node, kind, R_EXACT, gr_inf_fp1(T_SFN, id.p, id.n), id.p,
				   id.n) ? 1 : -1;
	}
	if (v[0].t != GR_JT_NONE && gr_inf_jstr(inf, &v[0], &id) && id.n) {
		if (!gr_is_request_id(id.p, id.n)) {
			*why = "\"caller\" is not a request id";
			return -1;
		}
		return gr_inf_src_add(inf, node, kind, R_CALLER, 0, id.p, id.n) ? 1 : -1;
	}
	/* no caller: the latest Invoke of this function before it (keys with time); the
	 * function may be known only later, the key is then made when linking */
	fn = fn_name(fn);
	return gr_inf_src_add(inf, node, kind, R_KEYTIME, fn.n ? gr_inf_fp1(T_LFN, fn.p, fn.n) : 0,
			   fn.p, fn.n) ? 1 : -1;
}

/* --- matching by key and time (link_keytime.c asks) ------------------------- */

/* Lambda Invoke without ids: a RequestResponse call returns after its callee ends. */
bool gr_inf_lambda_sync(struct gr_infer *inf, struct gr_inf_src *s, uint64_t key,
			const struct gr_inf_node *e)
{
	int64_t end = gr_inf_node_end(inf, e), first = gr_inf_node_first(inf, e);
	uint32_t best = INF_NONE, n = 0;

	if (end == GR_TIME_UNKNOWN || first == GR_TIME_UNKNOWN)
		return false;
	for (uint32_t a = gr_inf_alias_first(inf, key); a != INF_NONE; a = INF_ALIAS(inf, a)->next) {
		uint32_t ci = INF_ALIAS(inf, a)->cause;
		const struct gr_inf_cause *c = INF_CAUSE(inf, ci);
		if (c->op != OP_SYNC || c->ts < end - inf->o.tolerance_us ||
		    c->ts > end + inf->o.link_window_us)
			continue;
		int64_t pstart = gr_inf_node_first(inf, INF_NODE(inf, c->node));
		if (pstart == GR_TIME_UNKNOWN || pstart > first + inf->o.tolerance_us)
			continue;
		n++;
		if (best == INF_NONE || c->ts < INF_CAUSE(inf, best)->ts)
			best = ci;
	}
	if (best == INF_NONE)
		return false;
	gr_inf_src_assign(s, best, (float)(0.9 / n), EV_HEURISTIC);
	return true;
}
