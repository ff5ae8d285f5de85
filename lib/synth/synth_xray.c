/* synth_xray.c: gammaray-synth's X-Ray segment documents and batch-get-traces pages. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/jsonw.h"
#include "synth/synth.h"

#define MAX_DOC (64u << 10) /* X-Ray's limit on one segment document */

/* ---------------------------------------------------------------------------
 * Traces: collected while any request may still add to them, then written out.
 */
struct gr_sy_trace *gr_sy_trace_new(struct gr_sy_sim *s, int64_t t, uint64_t key)
{
	struct gr_sy_trace *tr = s->free_traces;

	if (tr) {
		s->free_traces = tr->next;
	} else {
		struct gr_sy_trace **all = gr_sy_alloc_array(s, s->traces, &s->cap_traces,
						       s->ntraces + 1, sizeof(*all));
		if (!all)
			return NULL;
		s->traces = all;
		if (!(tr = calloc(1, sizeof(*tr)))) {
			gr_sy_fail(s, GR_ERR_NOMEM);
			return NULL;
		}
		s->traces[s->ntraces++] = tr;
	}
	uint32_t epoch = (uint32_t)(t / 1000000);
	tr->id[0] = (uint8_t)(epoch >> 24);
	tr->id[1] = (uint8_t)(epoch >> 16);
	tr->id[2] = (uint8_t)(epoch >> 8);
	tr->id[3] = (uint8_t)epoch;
	struct gr_sy_rng r;
	gr_sy_rng_bytes(gr_sy_rng_keyed(&r, key, 0), tr->id + 4, 12);
	tr->refs = 1;
	tr->tmin = INT64_MAX;
	tr->tmax = INT64_MIN;
	tr->nseg = 0;
	tr->next = NULL;
	gr_buf_reset(&tr->segs);
	s->st->traces++;
	return tr;
}

void gr_sy_trace_ref(struct gr_sy_trace *t)
{
	t->refs++;
}

static void write_xpage(struct gr_sy_sim *s)
{
	char path[4096];

	if (s->o->traces == GR_SYNTH_OTEL) {
		/* --traces otel: the traces are simulated alike, only not written */
		s->xpage_traces = 0;
		gr_buf_reset(&s->xpage);
		return;
	}
	if (gr_sy_path(path, sizeof(path), s->err, "%s/xray", s->dir) || gr_sy_mkdirs(path, s->err) ||
	    gr_sy_path(path, sizeof(path), s->err, "%s/xray/traces-%04u.json", s->dir, s->xpageno)) {
		gr_sy_fail(s, s->err->code);
		return;
	}
	if (s->xpage_traces == 0)
		SY_ADDL(s, &s->xpage, "{\"Traces\":[");
	SY_ADDL(s, &s->xpage, "],\"UnprocessedTraceIds\":[]}\n");
	if (s->rc)
		return;
	if (gr_sy_write_file(path, s->xpage.data, s->xpage.len, s->err)) {
		gr_sy_fail(s, s->err->code);
		return;
	}
	s->st->files++;
	s->st->bytes_written += s->xpage.len;
	s->st->xray_bytes += s->xpage.len;
	s->xpageno++;
	s->xpage_traces = 0;
	gr_buf_reset(&s->xpage);
}

void gr_sy_trace_unref(struct gr_sy_sim *s, struct gr_sy_trace *tr)
{
	char num[40];

	if (--tr->refs > 0)
		return;
	if (tr->nseg && !s->rc) {
		struct gr_buf *b = &s->xpage;
		if (s->xpage_traces)
			SY_ADDL(s, b, ",");
		else
			SY_ADDL(s, b, "{\"Traces\":[");
		SY_ADDL(s, b, "{\"Id\":\"");
		gr_sy_add(s, b, num, gr_sy_fmt_trace(tr->id, num));
		SY_ADDL(s, b, "\",\"Duration\":");
		gr_sy_add(s, b, num, gr_sy_fmt_secs((tr->tmax - tr->tmin + 500) / 1000 * 1000, num));
		SY_ADDL(s, b, ",\"LimitExceeded\":false,\"Segments\":[");
		gr_sy_add(s, b, tr->segs.data, tr->segs.len);
		SY_ADDL(s, b, "]}");
		if (++s->xpage_traces >= s->o->traces_per_page)
			write_xpage(s);
	}
	tr->next = s->free_traces;
	s->free_traces = tr;
}

void gr_sy_trace_add(struct gr_sy_sim *s, struct gr_sy_trace *tr, uint64_t id, int64_t t0, int64_t t1)
{
	char num[20];
	int rc;

	if (s->rc)
		return;
	if (s->tmp.len > MAX_DOC) {
		gr_error_set(s->err, GR_ERR_LIMIT, "internal: X-Ray segment document over 64 KB");
		gr_sy_fail(s, GR_ERR_LIMIT);
		return;
	}
	if (tr->nseg)
		SY_ADDL(s, &tr->segs, ",");
	SY_ADDL(s, &tr->segs, "{\"Id\":\"");
	gr_sy_add(s, &tr->segs, num, gr_sy_fmt_id64(id, num));
	SY_ADDL(s, &tr->segs, "\",\"Document\":");
	if (!s->rc && (rc = gr_sy_json_str(&tr->segs, s->tmp.data, s->tmp.len)))
		gr_sy_fail(s, rc);
	SY_ADDL(s, &tr->segs, "}");
	tr->nseg++;
	if (t0 < tr->tmin)
		tr->tmin = t0;
	if (t1 > tr->tmax)
		tr->tmax = t1;
	s->st->segments++;
}

void gr_sy_xray_finish(struct gr_sy_sim *s)
{
	if (s->xpage_traces || s->xpageno == 0)
		write_xpage(s);
}

/* ---------------------------------------------------------------------------
 * Documents. Times are epoch seconds: the SDK in the function writes plain
 * decimals, AWS's own segments use the exponent form (1.714564800123E9).
 */
static void jw_time(struct gr_jw *w, const char *key, int64_t us, bool e)
{
	char num[32];
	gr_jw_raw(w, key, num, e ? gr_sy_fmt_secs_e(us, num) : gr_sy_fmt_secs(us, num));
}

static void jw_id(struct gr_jw *w, const char *key, uint64_t id)
{
	char num[16];
	gr_jw_str(w, key, num, gr_sy_fmt_id64(id, num));
}

static void jw_uuid(struct gr_jw *w, const char *key, const uint8_t id[16])
{
	char u[36];
	gr_jw_str(w, key, u, gr_sy_fmt_uuid(id, u));
}

static void jw_trace(struct gr_jw *w, const struct gr_sy_trace *tr)
{
	char num[36];
	gr_jw_str(w, "trace_id", num, gr_sy_fmt_trace(tr->id, num));
}

static void jw_status(struct gr_jw *w, int status)
{
	gr_jw_obj(w, "http");
	gr_jw_obj(w, "response");
	gr_jw_int(w, "status", status);
	gr_jw_obj_end(w);
	gr_jw_obj_end(w);
}

static void doc_begin(struct gr_sy_sim *s, struct gr_jw *w)
{
	gr_buf_reset(&s->tmp);
	gr_jw_init(w, &s->tmp);
	gr_jw_begin(w);
}

static bool doc_end(struct gr_sy_sim *s, struct gr_jw *w)
{
	gr_jw_end(w);
	if (w->err) {
		gr_sy_fail(s, w->err);
		return false;
	}
	s->tmp.len--; /* no newline inside the document */
	return true;
}

/* Service name and operation of a call, as the X-Ray SDK names its subsegment. */
static void call_names(const struct gr_sy_fn *fn, const struct gr_sy_call *cl, const char **svc,
		       const char **op, const char **origin)
{
	*origin = NULL;
	switch (cl->act->kind) {
	case SY_A_S3_PUT: *svc = "S3"; *op = "PutObject"; break;
	case SY_A_DDB_PUT: *svc = "DynamoDB"; *op = "PutItem"; break;
	case SY_A_DDB_BATCH: *svc = "DynamoDB"; *op = "BatchWriteItem"; break;
	case SY_A_SNS_PUB: *svc = "SNS"; *op = "Publish"; break;
	case SY_A_SQS_SEND: *svc = "SQS"; *op = "SendMessage"; break;
	case SY_A_SQS_BATCH: *svc = "SQS"; *op = "SendMessageBatch"; break;
	case SY_A_KIN_PUT: *svc = "Kinesis"; *op = "PutRecord"; break;
	case SY_A_KIN_PUTS: *svc = "Kinesis"; *op = "PutRecords"; break;
	case SY_A_EB_PUT:
		/* boto3 names the service "Events", the JavaScript SDK "EventBridge" */
		*svc = fn->def->runtime == SY_PY ? "Events" : "EventBridge";
		*op = "PutEvents";
		*origin = "AWS::Events";
		break;
	case SY_A_INVOKE:
	case SY_A_INVOKE_SYNC: *svc = "Lambda"; *op = "Invoke"; break;
	default: *svc = cl->act->svc; *op = cl->act->op; break;
	}
	if (*origin)
		return;
	if (!strcmp(*svc, "S3"))
		*origin = "AWS::S3::Bucket";
	else if (!strcmp(*svc, "DynamoDB"))
		*origin = "AWS::DynamoDB::Table";
	else if (!strcmp(*svc, "SNS"))
		*origin = "AWS::SNS";
	else if (!strcmp(*svc, "SQS"))
		*origin = "AWS::SQS::Queue";
	else if (!strcmp(*svc, "Kinesis"))
		*origin = "AWS::Kinesis::Stream";
	else
		*origin = "AWS::AWSService";
}

/* The "aws" object of a call subsegment (and of its inferred segment). */
static void call_aws(struct gr_sy_sim *s, struct gr_jw *w, const struct gr_sy_fn *fn,
		     const struct gr_sy_call *cl, const char *op)
{
	char b[256];
	const struct gr_sy_res *res = cl->target != SY_NONE && cl->act->kind != SY_A_INVOKE &&
					   cl->act->kind != SY_A_INVOKE_SYNC
				   ? &s->res[cl->target] : NULL;
	const struct gr_sy_fn *callee = cl->act->kind == SY_A_INVOKE ||
					     cl->act->kind == SY_A_INVOKE_SYNC
				     ? &s->fns[cl->target] : NULL;
	int region = res ? res->def->region : callee ? callee->def->region : fn->def->region;

	gr_jw_obj(w, "aws");
	gr_jw_cstr(w, "operation", op);
	gr_jw_cstr(w, "region", gr_sy_region_name[region]);
	switch (cl->act->kind) {
	case SY_A_S3_PUT:
		gr_jw_str(w, "request_id", b, gr_sy_fmt_hex_upper(cl->reqid, 8, b));
		break;
	case SY_A_DDB_PUT:
	case SY_A_DDB_BATCH:
		gr_jw_str(w, "request_id", b, gr_sy_fmt_hex_upper(cl->reqid, 26, b));
		break;
	default:
		jw_uuid(w, "request_id", cl->reqid);
		break;
	}
	gr_jw_int(w, "retries", 0);
	switch (cl->act->kind) {
	case SY_A_S3_PUT:
		gr_jw_cstr(w, "bucket_name", res->def->name);
		gr_jw_str(w, "key", b, gr_sy_s3_key(s, &cl->key, b, sizeof(b)));
		break;
	case SY_A_DDB_PUT:
		gr_jw_cstr(w, "table_name", res->def->name);
		break;
	case SY_A_DDB_BATCH:
		gr_jw_arr(w, "table_names");
		gr_jw_cstr(w, NULL, res->def->name);
		gr_jw_arr_end(w);
		break;
	case SY_A_SNS_PUB:
		gr_jw_cstr(w, "topic_arn", res->arn);
		break;
	case SY_A_SQS_SEND:
		gr_jw_cstr(w, "queue_url", res->url);
		jw_uuid(w, "message_id", cl->msg);
		break;
	case SY_A_SQS_BATCH:
		gr_jw_cstr(w, "queue_url", res->url);
		break;
	case SY_A_INVOKE:
	case SY_A_INVOKE_SYNC:
		gr_jw_cstr(w, "function_name", callee->def->name);
		gr_jw_cstr(w, "invocation_type",
			   cl->act->kind == SY_A_INVOKE ? "Event" : "RequestResponse");
		gr_jw_int(w, "status_code", cl->act->kind == SY_A_INVOKE ? 202 : 200);
		if (cl->callee_err)
			gr_jw_cstr(w, "function_error", "Unhandled");
		gr_jw_arr(w, "resource_names");
		gr_jw_cstr(w, NULL, callee->def->name);
		gr_jw_arr_end(w);
		break;
	default:
		break;
	}
	gr_jw_obj_end(w);
}

static void call_sub(struct gr_sy_sim *s, struct gr_jw *w, const struct gr_sy_fn *fn,
		     const struct gr_sy_call *cl)
{
	const char *svc, *op, *origin;

	call_names(fn, cl, &svc, &op, &origin);
	gr_jw_obj(w, NULL);
	jw_id(w, "id", cl->seg);
	gr_jw_cstr(w, "name", svc);
	jw_time(w, "start_time", cl->t0, false);
	jw_time(w, "end_time", cl->t1, false);
	jw_status(w, cl->act->kind == SY_A_INVOKE ? 202 : 200);
	call_aws(s, w, fn, cl, op);
	gr_jw_cstr(w, "namespace", "aws");
	if (cl->fault)
		gr_jw_bool(w, "fault", true);
	gr_jw_obj_end(w);
}

/* The segment X-Ray infers for the service a call went to (SNS and EventBridge
 * ones are the parents of the invocations they deliver to). */
static void inferred(struct gr_sy_sim *s, struct gr_sy_trace *tr, const struct gr_sy_call *cl,
		     const struct gr_sy_fn *caller)
{
	struct gr_jw w;
	const char *svc, *op, *origin;
	uint64_t id = cl->inferred ? cl->inferred : gr_sy_rng_next(&s->xrng);

	call_names(caller, cl, &svc, &op, &origin);
	doc_begin(s, &w);
	jw_id(&w, "id", id);
	gr_jw_cstr(&w, "name", svc);
	jw_time(&w, "start_time", cl->t0, true);
	jw_time(&w, "end_time", cl->t1, true);
	jw_id(&w, "parent_id", cl->seg);
	gr_jw_bool(&w, "inferred", true);
	jw_status(&w, 200);
	call_aws(s, &w, caller, cl, op);
	jw_trace(&w, tr);
	gr_jw_cstr(&w, "origin", origin);
	if (doc_end(s, &w))
		gr_sy_trace_add(s, tr, id, cl->t0, cl->t1);
}

static void fn_aws(struct gr_jw *w, const struct gr_sy_fn *fn, bool full)
{
	char b[256];
	int n;

	gr_jw_obj(w, "aws");
	if (full)
		gr_jw_cstr(w, "account_id", SY_ACCOUNT);
	gr_jw_cstr(w, "function_arn", fn->arn);
	if (full) {
		gr_jw_arr(w, "resource_names");
		gr_jw_cstr(w, NULL, fn->def->name);
		gr_jw_arr_end(w);
		gr_jw_arr(w, "cloudwatch_logs");
		gr_jw_obj(w, NULL);
		n = snprintf(b, sizeof(b), "/aws/lambda/%s", fn->def->name);
		gr_jw_str(w, "log_group", b, (size_t)n);
		n = snprintf(b, sizeof(b), "arn:aws:logs:%s:%s:log-group:/aws/lambda/%s",
			     gr_sy_region_name[fn->def->region], SY_ACCOUNT, fn->def->name);
		gr_jw_str(w, "arn", b, (size_t)n);
		gr_jw_obj_end(w);
		gr_jw_arr_end(w);
	}
	gr_jw_obj_end(w);
}

void gr_sy_xray_function(struct gr_sy_sim *s, struct gr_sy_trace *tr, const struct gr_sy_fn *fn,
		      const struct gr_sy_ctx *c, const struct gr_sy_attempt *a, int64_t fn_end)
{
	struct gr_jw w;
	int64_t t0 = a->start - (a->init_start ? a->init_us : 0);

	/* inferred segments of the downstream services first: they reuse s->tmp */
	for (size_t i = 0; i < c->ncalls; i++)
		if (c->calls[i].act->kind != SY_A_INVOKE && c->calls[i].act->kind != SY_A_INVOKE_SYNC)
			inferred(s, tr, &c->calls[i], fn);

	doc_begin(s, &w);
	jw_id(&w, "id", a->fn_seg);
	gr_jw_cstr(&w, "name", fn->def->name);
	jw_time(&w, "start_time", t0, false);
	jw_trace(&w, tr);
	jw_time(&w, "end_time", fn_end, false);
	jw_id(&w, "parent_id", a->svc_seg);
	fn_aws(&w, fn, true);
	gr_jw_cstr(&w, "origin", "AWS::Lambda::Function");
	if (a->status != SY_OK)
		gr_jw_bool(&w, "fault", true);
	gr_jw_arr(&w, "subsegments");
	if (a->init_start) {
		gr_jw_obj(&w, NULL);
		jw_id(&w, "id", gr_sy_rng_next(&s->xrng));
		gr_jw_cstr(&w, "name", "Initialization");
		jw_time(&w, "start_time", t0, false);
		jw_time(&w, "end_time", a->start, false);
		fn_aws(&w, fn, false);
		gr_jw_obj_end(&w);
	}
	gr_jw_obj(&w, NULL);
	jw_id(&w, "id", gr_sy_rng_next(&s->xrng));
	gr_jw_cstr(&w, "name", "Invocation");
	jw_time(&w, "start_time", a->start, false);
	jw_time(&w, "end_time", a->end, false);
	fn_aws(&w, fn, false);
	if (a->status != SY_OK) {
		gr_jw_bool(&w, "fault", true);
		gr_jw_obj(&w, "cause");
		gr_jw_cstr(&w, "working_directory", "/var/task");
		gr_jw_arr(&w, "exceptions");
		gr_jw_obj(&w, NULL);
		jw_id(&w, "id", gr_sy_rng_next(&s->xrng));
		if (a->status == SY_TIMEOUT) {
			gr_jw_cstr(&w, "message", "Task timed out");
			gr_jw_cstr(&w, "type", "Sandbox.Timedout");
		} else {
			gr_jw_cstr(&w, "message", "Unhandled error");
			gr_jw_cstr(&w, "type", fn->def->runtime == SY_PY ? "RuntimeError" : "Error");
		}
		gr_jw_obj_end(&w);
		gr_jw_arr_end(&w);
		gr_jw_obj_end(&w);
	}
	if (c->ncalls) {
		gr_jw_arr(&w, "subsegments");
		for (size_t i = 0; i < c->ncalls; i++)
			call_sub(s, &w, fn, &c->calls[i]);
		gr_jw_arr_end(&w);
	}
	gr_jw_obj_end(&w);
	gr_jw_obj(&w, NULL);
	jw_id(&w, "id", gr_sy_rng_next(&s->xrng));
	gr_jw_cstr(&w, "name", "Overhead");
	jw_time(&w, "start_time", a->end, false);
	jw_time(&w, "end_time", fn_end, false);
	fn_aws(&w, fn, false);
	gr_jw_obj_end(&w);
	gr_jw_arr_end(&w);
	if (doc_end(s, &w))
		gr_sy_trace_add(s, tr, a->fn_seg, t0, fn_end);
}

static bool async_invocation(int trig)
{
	return trig == SY_T_S3 || trig == SY_T_SNS || trig == SY_T_SNS_EXT ||
	       trig == SY_T_INVOKE || trig == SY_T_EVENTS || trig == SY_T_SCHEDULE;
}

void gr_sy_xray_service(struct gr_sy_sim *s, struct gr_sy_trace *tr, const struct gr_sy_fn *fn,
		     const struct gr_sy_req *rq, const struct gr_sy_node *n)
{
	struct gr_jw w;
	bool async = async_invocation(rq->trig);
	int64_t end = rq->att_end[rq->attempt] + 200;
	char num[40];

	doc_begin(s, &w);
	jw_id(&w, "id", rq->svc_seg);
	gr_jw_cstr(&w, "name", fn->def->name);
	jw_time(&w, "start_time", rq->arrive, true);
	jw_trace(&w, tr);
	jw_time(&w, "end_time", end, true);
	if (rq->parent_seg)
		jw_id(&w, "parent_id", rq->parent_seg);
	jw_status(&w, async ? 202 : 200);
	gr_jw_obj(&w, "aws");
	jw_uuid(&w, "request_id", n->id);
	gr_jw_obj_end(&w);
	gr_jw_cstr(&w, "origin", "AWS::Lambda");
	gr_jw_cstr(&w, "resource_arn", fn->arn);
	if (rq->trig == SY_T_SQS) {
		bool any = false;
		for (const struct gr_sy_rec *r = rq->recs; r; r = r->next) {
			if (r->linked != 1)
				continue;
			if (!any)
				gr_jw_arr(&w, "links");
			any = true;
			gr_jw_obj(&w, NULL);
			gr_jw_str(&w, "trace_id", num, gr_sy_fmt_trace(r->xtrace, num));
			jw_id(&w, "id", r->xseg);
			gr_jw_obj(&w, "attributes");
			gr_jw_cstr(&w, "aws.xray.reserved.reference_type", "parent");
			gr_jw_obj_end(&w);
			gr_jw_obj_end(&w);
		}
		if (any)
			gr_jw_arr_end(&w);
	}
	if (async) {
		gr_jw_arr(&w, "subsegments");
		gr_jw_obj(&w, NULL);
		jw_id(&w, "id", gr_sy_rng_next(&s->xrng));
		gr_jw_cstr(&w, "name", "Dwell Time");
		jw_time(&w, "start_time", rq->arrive, true);
		jw_time(&w, "end_time", rq->att_start[0], true);
		gr_jw_obj_end(&w);
		for (int k = 0; k <= rq->attempt; k++) {
			char name[16];
			int nl = snprintf(name, sizeof(name), "Attempt #%d", k + 1);
			gr_jw_obj(&w, NULL);
			jw_id(&w, "id", gr_sy_rng_next(&s->xrng));
			gr_jw_str(&w, "name", name, (size_t)nl);
			jw_time(&w, "start_time", rq->att_start[k], true);
			jw_time(&w, "end_time", rq->att_end[k], true);
			jw_status(&w, rq->att_fault[k] ? 500 : 200);
			if (rq->att_fault[k])
				gr_jw_bool(&w, "fault", true);
			gr_jw_obj_end(&w);
		}
		gr_jw_arr_end(&w);
	}
	if (doc_end(s, &w))
		gr_sy_trace_add(s, tr, rq->svc_seg, rq->arrive, end);
}

void gr_sy_xray_apigw(struct gr_sy_sim *s, struct gr_sy_trace *tr, const struct gr_sy_fn *fn,
		   const struct gr_sy_req *rq, uint64_t seg, uint64_t sub, int64_t t0, int64_t t1)
{
	struct gr_jw w;
	char api[16], b[512];
	uint32_t h = 2166136261u;
	int n;

	for (const char *p = fn->def->name; *p; p++)
		h = (h ^ (uint8_t)*p) * 16777619u;
	for (int i = 0; i < 10; i++) {
		api[i] = "abcdefghijklmnopqrstuvwxyz0123456789"[h % 36];
		h = h / 36 + (uint32_t)i * 7919u;
	}
	api[10] = '\0';
	const char *reg = gr_sy_region_name[fn->def->region];
	doc_begin(s, &w);
	jw_id(&w, "id", seg);
	n = snprintf(b, sizeof(b), "%s-api/prod", fn->def->name);
	gr_jw_str(&w, "name", b, (size_t)n);
	jw_time(&w, "start_time", t0, true);
	jw_trace(&w, tr);
	jw_time(&w, "end_time", t1, true);
	gr_jw_obj(&w, "http");
	gr_jw_obj(&w, "request");
	n = snprintf(b, sizeof(b), "https://%s.execute-api.%s.amazonaws.com/prod/%s", api, reg,
		     fn->def->name);
	gr_jw_str(&w, "url", b, (size_t)n);
	gr_jw_cstr(&w, "method", "POST");
	gr_jw_obj_end(&w);
	gr_jw_obj(&w, "response");
	gr_jw_int(&w, "status", 200);
	gr_jw_obj_end(&w);
	gr_jw_obj_end(&w);
	gr_jw_obj(&w, "aws");
	gr_jw_obj(&w, "api_gateway");
	gr_jw_cstr(&w, "account_id", SY_ACCOUNT);
	gr_jw_cstr(&w, "rest_api_id", api);
	gr_jw_cstr(&w, "stage", "prod");
	jw_uuid(&w, "request_id", rq->ext);
	gr_jw_obj_end(&w);
	gr_jw_obj_end(&w);
	gr_jw_cstr(&w, "origin", "AWS::ApiGateway::Stage");
	n = snprintf(b, sizeof(b), "arn:aws:apigateway:%s::/restapis/%s/stages/prod", reg, api);
	gr_jw_str(&w, "resource_arn", b, (size_t)n);
	gr_jw_arr(&w, "subsegments");
	gr_jw_obj(&w, NULL);
	jw_id(&w, "id", sub);
	gr_jw_cstr(&w, "name", "Lambda");
	jw_time(&w, "start_time", t0 + 1000, true);
	jw_time(&w, "end_time", t1 - 1000, true);
	jw_status(&w, 200);
	gr_jw_obj(&w, "aws");
	gr_jw_cstr(&w, "function_name", fn->def->name);
	gr_jw_cstr(&w, "region", reg);
	gr_jw_cstr(&w, "operation", "Invoke");
	gr_jw_arr(&w, "resource_names");
	gr_jw_cstr(&w, NULL, fn->def->name);
	gr_jw_arr_end(&w);
	gr_jw_obj_end(&w);
	gr_jw_cstr(&w, "namespace", "aws");
	gr_jw_obj_end(&w);
	gr_jw_arr_end(&w);
	if (doc_end(s, &w))
		gr_sy_trace_add(s, tr, seg, t0, t1);
}

void gr_sy_xray_sns_ext(struct gr_sy_sim *s, struct gr_sy_trace *tr, const struct gr_sy_res *topic,
		     uint64_t seg, int64_t t0, int64_t t1)
{
	struct gr_jw w;

	doc_begin(s, &w);
	jw_id(&w, "id", seg);
	gr_jw_cstr(&w, "name", topic->def->name);
	jw_time(&w, "start_time", t0, true);
	jw_trace(&w, tr);
	jw_time(&w, "end_time", t1, true);
	gr_jw_cstr(&w, "origin", "AWS::SNS");
	gr_jw_cstr(&w, "resource_arn", topic->arn);
	gr_jw_obj(&w, "aws");
	gr_jw_cstr(&w, "operation", "Publish");
	gr_jw_cstr(&w, "region", gr_sy_region_name[topic->def->region]);
	gr_jw_obj_end(&w);
	if (doc_end(s, &w))
		gr_sy_trace_add(s, tr, seg, t0, t1);
}
