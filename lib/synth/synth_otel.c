/* synth_otel.c: gammaray-synth's OpenTelemetry spans: an aws/spans export tree (ADOT functions) and OTLP/JSON files (upstream ones). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/jsonw.h"
#include "synth/synth.h"

#define SPAN_LINES 4000   /* aws/spans lines per export file of a function */
#define OTLP_ATTEMPTS 500 /* resourceSpans (one per attempt) per OTLP/JSON file */

/*
 * What each instrumentation writes, and which hop carries context, follows the table
 * in gammaray-synth(1). Span and new trace ids come from their own random stream
 * (trng), drawn only when spans are asked for: the workload, the logs, X-Ray and the
 * truth stay the same bytes whatever --traces says.
 */

int gr_sy_otel_flavour(const struct gr_sy_fn_def *fd)
{
	uint32_t h = 2166136261u;

	for (const char *p = fd->name; *p; p++)
		h = (h ^ (uint8_t)*p) * 16777619u;
	h ^= h >> 13;
	if (fd->runtime == SY_PY)
		return h & 1 ? SY_O_PY : SY_O_ADOT_PY;
	return h & 1 ? SY_O_JS : SY_O_ADOT_NODE;
}

static bool adot(int fl)
{
	return fl == SY_O_ADOT_PY || fl == SY_O_ADOT_NODE;
}

static bool python(int fl)
{
	return fl == SY_O_ADOT_PY || fl == SY_O_PY;
}

void gr_sy_otel_begin(struct gr_sy_sim *s, struct gr_sy_req *rq)
{
	if (!s->otel || !rq->sampled || rq->ocarried)
		return;
	if (adot(s->fns[rq->fn].otel) && rq->trace) {
		/* the X-Ray variable: the trace Lambda traces it in */
		memcpy(rq->otrace, rq->trace->id, 16);
	} else {
		/* no context in the event: a trace of its own */
		gr_sy_rng_bytes(&s->trng, rq->otrace, 16);
	}
	rq->oparent = 0;
}

void gr_sy_otel_pass(struct gr_sy_sim *s, const struct gr_sy_req *rq, const struct gr_sy_fn *caller,
		  const struct gr_sy_call *cl, struct gr_sy_req *q)
{
	if (!s->otel || !rq->sampled || !python(caller->otel))
		return;
	/* botocore injects into Payload["headers"]; every default extractor reads it */
	memcpy(q->otrace, rq->otrace, 16);
	q->oparent = cl->ospan;
	q->ocarried = 1;
}

bool gr_sy_otel_sqs_shown(const struct gr_sy_fn *fn, const struct gr_sy_rec *r)
{
	if (!r->sampled || r->producer == SY_NONE)
		return false;
	/* Python reads W3C context from MessageAttributes (the send span); JS reads
	 * AWSTraceHeader (the send span of an ADOT producer only); else the message
	 * id on the link and on the send span */
	return python(fn->otel) || (r->oflags & (SY_R_ADOT | SY_R_MSGID));
}

/* --------------------------------------------------------------------------
 * Spans, as flat aws/spans records (attribute maps) or OTLP/JSON (key-value lists).
 */
enum { MAP, KV };

static const char *const kind_map[] = { "", "INTERNAL", "SERVER", "CLIENT", "PRODUCER",
					"CONSUMER" };

struct span {
	const uint8_t *trace; /* trace id */
	uint64_t id;          /* span id */
	uint64_t parent;      /* parent span id, 0 for a root */
	const char *name;     /* its name */
	int kind;             /* 1..5 as OTLP numbers them */
	int64_t t0, t1;       /* start and end, us */
	bool error;           /* status ERROR */
};

static void at_str(struct gr_jw *w, int mode, const char *key, const char *v, size_t n)
{
	if (mode == MAP) {
		gr_jw_str(w, key, v, n);
		return;
	}
	gr_jw_obj(w, NULL);
	gr_jw_cstr(w, "key", key);
	gr_jw_obj(w, "value");
	gr_jw_str(w, "stringValue", v, n);
	gr_jw_obj_end(w);
	gr_jw_obj_end(w);
}

static void at_cstr(struct gr_jw *w, int mode, const char *key, const char *v)
{
	at_str(w, mode, key, v, strlen(v));
}

static void at_uuid(struct gr_jw *w, int mode, const char *key, const uint8_t id[16])
{
	char u[36];

	at_str(w, mode, key, u, gr_sy_fmt_uuid(id, u));
}

static void at_int(struct gr_jw *w, int mode, const char *key, int64_t v)
{
	char b[24];

	if (mode == MAP) {
		gr_jw_int(w, key, v);
		return;
	}
	gr_jw_obj(w, NULL);
	gr_jw_cstr(w, "key", key);
	gr_jw_obj(w, "value");
	gr_jw_str(w, "intValue", b, gr_sy_fmt_i64(v, b));
	gr_jw_obj_end(w);
	gr_jw_obj_end(w);
}

static void at_bool(struct gr_jw *w, int mode, const char *key, bool v)
{
	if (mode == MAP) {
		gr_jw_bool(w, key, v);
		return;
	}
	gr_jw_obj(w, NULL);
	gr_jw_cstr(w, "key", key);
	gr_jw_obj(w, "value");
	gr_jw_bool(w, "boolValue", v);
	gr_jw_obj_end(w);
	gr_jw_obj_end(w);
}

/* A one-string array (aws.dynamodb.table_names). */
static void at_arr1(struct gr_jw *w, int mode, const char *key, const char *v)
{
	if (mode == MAP) {
		gr_jw_arr(w, key);
		gr_jw_cstr(w, NULL, v);
		gr_jw_arr_end(w);
		return;
	}
	gr_jw_obj(w, NULL);
	gr_jw_cstr(w, "key", key);
	gr_jw_obj(w, "value");
	gr_jw_obj(w, "arrayValue");
	gr_jw_arr(w, "values");
	gr_jw_obj(w, NULL);
	gr_jw_cstr(w, "stringValue", v);
	gr_jw_obj_end(w);
	gr_jw_arr_end(w);
	gr_jw_obj_end(w);
	gr_jw_obj_end(w);
	gr_jw_obj_end(w);
}

static void attrs_open(struct gr_jw *w, int mode, const char *key)
{
	if (mode == MAP)
		gr_jw_obj(w, key);
	else
		gr_jw_arr(w, key);
}

static void attrs_close(struct gr_jw *w, int mode)
{
	if (mode == MAP)
		gr_jw_obj_end(w);
	else
		gr_jw_arr_end(w);
}

static void resource(struct gr_jw *w, int mode, const struct gr_sy_fn *fn)
{
	const char *name = fn->def->name;

	gr_jw_obj(w, "resource");
	attrs_open(w, mode, "attributes");
	if (adot(fn->otel))
		at_cstr(w, mode, "aws.local.service", name);
	at_cstr(w, mode, "service.name", name);
	at_cstr(w, mode, "faas.name", name);
	at_cstr(w, mode, "cloud.provider", "aws");
	at_cstr(w, mode, "cloud.platform", "aws_lambda");
	at_cstr(w, mode, "cloud.region", gr_sy_region_name[fn->def->region]);
	at_cstr(w, mode, "telemetry.sdk.language", python(fn->otel) ? "python" : "nodejs");
	attrs_close(w, mode);
	gr_jw_obj_end(w);
}

static const char *scope_name(const struct gr_sy_fn *fn, bool server)
{
	if (python(fn->otel))
		return server ? "opentelemetry.instrumentation.aws_lambda"
			      : "opentelemetry.instrumentation.botocore";
	return server ? "@opentelemetry/instrumentation-aws-lambda"
		      : "@opentelemetry/instrumentation-aws-sdk";
}

static void nanos(struct gr_jw *w, int mode, const char *key, int64_t us)
{
	char b[32];
	size_t n = gr_sy_fmt_i64(us, b);

	memcpy(b + n, "000", 3);
	if (mode == MAP)
		gr_jw_raw(w, key, b, n + 3);
	else
		gr_jw_str(w, key, b, n + 3); /* proto3 JSON: 64-bit integers as strings */
}

/* The span up to its attributes' opening (the caller writes them, then span_end). */
static void span_begin(struct gr_jw *w, int mode, const struct gr_sy_fn *fn, const struct span *sp,
		       bool server)
{
	char b[40];

	gr_jw_obj(w, NULL);
	if (mode == MAP) {
		resource(w, mode, fn);
		gr_jw_obj(w, "scope");
		gr_jw_cstr(w, "name", scope_name(fn, server));
		gr_jw_cstr(w, "version", python(fn->otel) ? "0.48b0" : "0.46.0");
		gr_jw_obj_end(w);
	}
	gr_jw_str(w, "traceId", b, gr_sy_fmt_hex(sp->trace, 16, b));
	gr_jw_str(w, "spanId", b, gr_sy_fmt_id64(sp->id, b));
	if (sp->parent)
		gr_jw_str(w, "parentSpanId", b, gr_sy_fmt_id64(sp->parent, b));
	else
		gr_jw_cstr(w, "parentSpanId", "");
	if (mode == MAP)
		gr_jw_int(w, "flags", 256);
	gr_jw_cstr(w, "name", sp->name);
	if (mode == MAP)
		gr_jw_cstr(w, "kind", kind_map[sp->kind]);
	else
		gr_jw_int(w, "kind", sp->kind);
	nanos(w, mode, "startTimeUnixNano", sp->t0);
	nanos(w, mode, "endTimeUnixNano", sp->t1);
	if (mode == MAP)
		nanos(w, mode, "durationNano", sp->t1 - sp->t0);
	attrs_open(w, mode, "attributes");
}

static void span_status(struct gr_jw *w, int mode, const struct span *sp)
{
	gr_jw_obj(w, "status");
	if (mode == MAP)
		gr_jw_cstr(w, "code", sp->error ? "ERROR" : "UNSET");
	else if (sp->error)
		gr_jw_int(w, "code", 2);
	gr_jw_obj_end(w);
	gr_jw_obj_end(w);
}

/* --------------------------------------------------------------------------
 * The spans of one attempt.
 */
static const char *trigger(int trig)
{
	switch (trig) {
	case SY_T_SQS: case SY_T_SNS: case SY_T_SNS_EXT: case SY_T_EVENTS: return "pubsub";
	case SY_T_S3: case SY_T_DDB: case SY_T_KIN: return "datasource";
	case SY_T_APIGW: return "http";
	case SY_T_SCHEDULE: return "timer";
	default: return "other";
	}
}

static void server_span(struct gr_sy_sim *s, struct gr_jw *w, int mode, const struct gr_sy_fn *fn,
			const struct gr_sy_req *rq, const struct gr_sy_attempt *a)
{
	char b[256];
	const char *name = fn->def->name;
	struct span sp = { rq->otrace, rq->oserver, rq->ocarried ? rq->oparent : 0, name,
			   2, a->start, a->end, a->status != SY_OK };

	if (!rq->ocarried && adot(fn->otel))
		sp.parent = a->fn_seg; /* Lambda's own segment: not a span */
	if (fn->otel == SY_O_ADOT_PY)
		sp.name = "lambda_function.lambda_handler";
	span_begin(w, mode, fn, &sp, true);
	if (fn->otel == SY_O_ADOT_PY) {
		/* Application Signals, no request id (the real samples show none) */
		at_cstr(w, mode, "aws.local.service", name);
		int n = snprintf(b, sizeof(b), "%s/FunctionHandler", name);
		at_str(w, mode, "aws.local.operation", b, (size_t)n);
		at_cstr(w, mode, "aws.span.kind", "LOCAL_ROOT");
		at_cstr(w, mode, "PlatformType", "AWS::Lambda");
	} else {
		at_uuid(w, mode, "faas.invocation_id", a->reqid);
		at_cstr(w, mode, "cloud.resource_id", fn->arn);
		at_cstr(w, mode, "cloud.account.id", SY_ACCOUNT);
		at_cstr(w, mode, "faas.trigger", trigger(rq->trig));
		if (!python(fn->otel))
			at_bool(w, mode, "faas.coldstart", a->init_start != 0);
	}
	attrs_close(w, mode);
	span_status(w, mode, &sp);
	(void)s;
}

/* The queue name of an SQS URL (its last path element). */
static const char *queue_name(const char *url)
{
	const char *p = strrchr(url, '/');

	return p ? p + 1 : url;
}

static void consumer_span(struct gr_sy_sim *s, struct gr_jw *w, int mode, const struct gr_sy_fn *fn,
			  const struct gr_sy_req *rq, const struct gr_sy_attempt *a)
{
	char name[200], b[40];
	const struct gr_sy_res *res = rq->recs ? &s->res[rq->recs->res] : NULL;
	const char *q = res ? queue_name(res->url) : "queue";
	int n = snprintf(name, sizeof(name), "process %s", q);
	struct span sp = { rq->otrace, gr_sy_rng_next(&s->trng), rq->oserver, name, 5,
			   a->start + 40, a->end - 40 > a->start + 40 ? a->end - 40 : a->start + 40,
			   false };

	(void)n;
	span_begin(w, mode, fn, &sp, true);
	at_cstr(w, mode, "messaging.system", "aws_sqs");
	at_cstr(w, mode, "messaging.destination.name", q);
	at_cstr(w, mode, "messaging.operation.type", "process");
	at_int(w, mode, "messaging.batch.message_count", rq->nrec);
	attrs_close(w, mode);
	gr_jw_arr(w, "links");
	for (const struct gr_sy_rec *r = rq->recs; r; r = r->next) {
		if (r->producer == SY_NONE || !r->sampled)
			continue;
		bool span_ctx = python(fn->otel) || (r->oflags & SY_R_ADOT);
		gr_jw_obj(w, NULL);
		gr_jw_str(w, "traceId", b, gr_sy_fmt_hex(span_ctx ? r->otrace : r->xtrace, 16, b));
		gr_jw_str(w, "spanId", b, gr_sy_fmt_id64(span_ctx ? r->ospan : r->xfn, b));
		attrs_open(w, mode, "attributes");
		at_uuid(w, mode, "messaging.message.id", r->id);
		attrs_close(w, mode);
		gr_jw_obj_end(w);
	}
	gr_jw_arr_end(w);
	span_status(w, mode, &sp);
}

/* Service and operation of a call as the SDK names them. */
static void call_op(const struct gr_sy_call *cl, const char **svc, const char **op)
{
	switch (cl->act->kind) {
	case SY_A_S3_PUT: *svc = "S3"; *op = "PutObject"; break;
	case SY_A_DDB_PUT: *svc = "DynamoDB"; *op = "PutItem"; break;
	case SY_A_DDB_BATCH: *svc = "DynamoDB"; *op = "BatchWriteItem"; break;
	case SY_A_SNS_PUB: *svc = "SNS"; *op = "Publish"; break;
	case SY_A_SQS_SEND: *svc = "SQS"; *op = "SendMessage"; break;
	case SY_A_SQS_BATCH: *svc = "SQS"; *op = "SendMessageBatch"; break;
	case SY_A_KIN_PUT: *svc = "Kinesis"; *op = "PutRecord"; break;
	case SY_A_KIN_PUTS: *svc = "Kinesis"; *op = "PutRecords"; break;
	case SY_A_EB_PUT: *svc = "EventBridge"; *op = "PutEvents"; break;
	case SY_A_INVOKE:
	case SY_A_INVOKE_SYNC: *svc = "Lambda"; *op = "Invoke"; break;
	default: *svc = cl->act->svc; *op = cl->act->op; break;
	}
}

static void client_span(struct gr_sy_sim *s, struct gr_jw *w, int mode, const struct gr_sy_fn *fn,
			const struct gr_sy_req *rq, const struct gr_sy_call *cl)
{
	char name[256], b[256];
	const char *svc, *op;
	int k = cl->act->kind;
	bool py = python(fn->otel);
	bool invoke = k == SY_A_INVOKE || k == SY_A_INVOKE_SYNC;
	const struct gr_sy_res *res = cl->target != SY_NONE && !invoke ? &s->res[cl->target] : NULL;
	const struct gr_sy_fn *callee = invoke ? &s->fns[cl->target] : NULL;
	int kind = 3;

	call_op(cl, &svc, &op);
	snprintf(name, sizeof(name), "%s.%s", svc, op);
	if (!py && (k == SY_A_SQS_SEND || k == SY_A_SQS_BATCH)) {
		snprintf(name, sizeof(name), "%s send", queue_name(res->url));
		kind = 4;
	} else if (!py && k == SY_A_SNS_PUB) {
		snprintf(name, sizeof(name), "%s send", res->def->name);
		kind = 4;
	} else if (!py && invoke) {
		snprintf(name, sizeof(name), "%s Invoke", callee->def->name);
	}
	struct span sp = { rq->otrace, cl->ospan, rq->oserver, name, kind, cl->t0, cl->t1,
			   cl->fault != 0 };
	span_begin(w, mode, fn, &sp, false);
	at_cstr(w, mode, "rpc.system", "aws-api");
	at_cstr(w, mode, "rpc.service", svc);
	at_cstr(w, mode, "rpc.method", op);
	at_cstr(w, mode, "cloud.region",
		gr_sy_region_name[res ? res->def->region : callee ? callee->def->region
								: fn->def->region]);
	/* the request id the service returned: Lambda's is the callee's request id */
	const char *rid = py ? "aws.request_id" : "aws.request.id";
	switch (k) {
	case SY_A_S3_PUT: at_str(w, mode, rid, b, gr_sy_fmt_hex_upper(cl->reqid, 8, b)); break;
	case SY_A_DDB_PUT:
	case SY_A_DDB_BATCH: at_str(w, mode, rid, b, gr_sy_fmt_hex_upper(cl->reqid, 26, b)); break;
	default: at_uuid(w, mode, rid, cl->reqid); break;
	}
	switch (k) {
	case SY_A_S3_PUT:
		at_cstr(w, mode, "aws.s3.bucket", res->def->name);
		at_str(w, mode, "aws.s3.key", b, gr_sy_s3_key(s, &cl->key, b, sizeof(b)));
		break;
	case SY_A_DDB_PUT:
	case SY_A_DDB_BATCH:
		at_cstr(w, mode, "db.system", "dynamodb");
		at_arr1(w, mode, "aws.dynamodb.table_names", res->def->name);
		break;
	case SY_A_SNS_PUB:
		at_cstr(w, mode, "messaging.system", "aws.sns");
		at_cstr(w, mode, "aws.sns.topic.arn", res->arn);
		break;
	case SY_A_SQS_SEND:
	case SY_A_SQS_BATCH:
		at_cstr(w, mode, "messaging.system", py ? "aws_sqs" : "aws.sqs");
		at_cstr(w, mode, adot(fn->otel) ? "aws.sqs.queue.url" : "aws.queue_url", res->url);
		at_cstr(w, mode, "messaging.destination.name", queue_name(res->url));
		if (k == SY_A_SQS_SEND)
			at_uuid(w, mode, "messaging.message.id", cl->msg);
		break;
	case SY_A_KIN_PUT:
	case SY_A_KIN_PUTS:
		at_cstr(w, mode, py ? "aws.kinesis.stream_name" : "aws.kinesis.stream.name",
			res->def->name);
		break;
	case SY_A_INVOKE:
	case SY_A_INVOKE_SYNC:
		at_cstr(w, mode, "faas.invoked_name", callee->def->name);
		at_cstr(w, mode, "faas.invoked_provider", "aws");
		at_cstr(w, mode, "faas.invoked_region", gr_sy_region_name[callee->def->region]);
		if (adot(fn->otel))
			at_cstr(w, mode, "aws.lambda.function.name", callee->def->name);
		at_int(w, mode, "http.status_code", k == SY_A_INVOKE ? 202 : 200);
		break;
	default:
		break;
	}
	attrs_close(w, mode);
	span_status(w, mode, &sp);
}

/* --------------------------------------------------------------------------
 * Files.
 */
static int write_gz(struct gr_sy_sim *s, const char *dir, const char *path, const struct gr_buf *b)
{
	struct gr_buf *out = &s->ozout;
	int rc;

	if ((rc = gr_sy_mkdirs(dir, s->err)) ||
	    (rc = gr_sy_gzip(&s->oz, &s->oz_ready, s->o->compress_level, b->data, b->len, out)) ||
	    (rc = gr_sy_write_file(path, out->data, out->len, s->err))) {
		gr_sy_fail(s, rc);
		return rc;
	}
	s->st->files++;
	s->st->bytes_written += out->len;
	return 0;
}

static void flush_spans(struct gr_sy_sim *s, struct gr_sy_fn *fn)
{
	char dir[4096], path[4200], task[40];

	if (!fn->span_lines || s->rc)
		return;
	gr_sy_fmt_uuid(s->span_task, task);
	task[36] = '\0';
	if (gr_sy_path(dir, sizeof(dir), s->err, "%s/aws-spans/%s/%s", s->dir, task, fn->def->name) ||
	    gr_sy_path(path, sizeof(path), s->err, "%s/%06u.gz", dir, fn->span_chunk)) {
		gr_sy_fail(s, GR_ERR_LIMIT);
		return;
	}
	if (write_gz(s, dir, path, &fn->spans))
		return;
	fn->span_chunk++;
	fn->span_lines = 0;
	gr_buf_reset(&fn->spans);
}

static void flush_otlp(struct gr_sy_sim *s)
{
	char dir[4096], path[4200];

	if (!s->otlp_n || s->rc)
		return;
	SY_ADDL(s, &s->otlp, "]}\n");
	if (gr_sy_path(dir, sizeof(dir), s->err, "%s/otlp", s->dir) ||
	    gr_sy_path(path, sizeof(path), s->err, "%s/traces-%04u.json", dir, s->otlp_no) ||
	    gr_sy_mkdirs(dir, s->err) || gr_sy_write_file(path, s->otlp.data, s->otlp.len, s->err)) {
		gr_sy_fail(s, s->err->code ? s->err->code : GR_ERR_IO);
		return;
	}
	s->st->files++;
	s->st->bytes_written += s->otlp.len;
	s->otlp_no++;
	s->otlp_n = 0;
	gr_buf_reset(&s->otlp);
}

/* One aws/spans line: "<time> <span>" from the span in s->tmp. */
static void awsspans_line(struct gr_sy_sim *s, struct gr_sy_fn *fn, int64_t t)
{
	char ts[32];

	if (s->rc || !s->tmp.len)
		return;
	gr_sy_add(s, &fn->spans, ts, gr_sy_fmt_iso_ms(t, ts));
	SY_ADDL(s, &fn->spans, " ");
	gr_sy_add(s, &fn->spans, s->tmp.data, s->tmp.len);
	SY_ADDL(s, &fn->spans, "\n");
	s->st->spans++;
	s->st->span_bytes += s->tmp.len + 26;
	if (++fn->span_lines >= SPAN_LINES)
		flush_spans(s, fn);
}

void gr_sy_otel_attempt(struct gr_sy_sim *s, struct gr_sy_fn *fn, const struct gr_sy_req *rq,
		     const struct gr_sy_ctx *c, const struct gr_sy_attempt *a)
{
	struct gr_jw w;
	bool sqs = rq->trig == SY_T_SQS;

	if (!s->otel || !rq->sampled || s->rc)
		return;
	if (adot(fn->otel)) {
		/* Transaction Search: one flat record per span */
		for (size_t i = 0; i <= c->ncalls + sqs; i++) {
			gr_buf_reset(&s->tmp);
			gr_jw_init(&w, &s->tmp);
			if (i == 0)
				server_span(s, &w, MAP, fn, rq, a);
			else if (sqs && i == 1)
				consumer_span(s, &w, MAP, fn, rq, a);
			else
				client_span(s, &w, MAP, fn, rq, &c->calls[i - 1 - sqs]);
			if (w.err) {
				gr_sy_fail(s, w.err);
				return;
			}
			int64_t t = i == 0 ? a->end : sqs && i == 1 ? a->end : c->calls[i - 1 - sqs].t1;
			awsspans_line(s, fn, t);
		}
		return;
	}
	/* OTLP/JSON: one resourceSpans per attempt */
	gr_buf_reset(&s->tmp);
	gr_jw_init(&w, &s->tmp);
	gr_jw_obj(&w, NULL);
	resource(&w, KV, fn);
	gr_jw_arr(&w, "scopeSpans");
	gr_jw_obj(&w, NULL);
	gr_jw_obj(&w, "scope");
	gr_jw_cstr(&w, "name", scope_name(fn, true));
	gr_jw_obj_end(&w);
	gr_jw_arr(&w, "spans");
	server_span(s, &w, KV, fn, rq, a);
	if (sqs)
		consumer_span(s, &w, KV, fn, rq, a);
	gr_jw_arr_end(&w);
	gr_jw_obj_end(&w);
	if (c->ncalls) {
		gr_jw_obj(&w, NULL);
		gr_jw_obj(&w, "scope");
		gr_jw_cstr(&w, "name", scope_name(fn, false));
		gr_jw_obj_end(&w);
		gr_jw_arr(&w, "spans");
		for (size_t i = 0; i < c->ncalls; i++)
			client_span(s, &w, KV, fn, rq, &c->calls[i]);
		gr_jw_arr_end(&w);
		gr_jw_obj_end(&w);
	}
	gr_jw_arr_end(&w);
	gr_jw_obj_end(&w);
	if (w.err) {
		gr_sy_fail(s, w.err);
		return;
	}
	if (s->otlp_n)
		SY_ADDL(s, &s->otlp, ",");
	else
		SY_ADDL(s, &s->otlp, "{\"resourceSpans\":[");
	gr_sy_add(s, &s->otlp, s->tmp.data, s->tmp.len);
	s->st->spans += 1 + sqs + c->ncalls;
	s->st->span_bytes += s->tmp.len + 1;
	if (++s->otlp_n >= OTLP_ATTEMPTS)
		flush_otlp(s);
}

void gr_sy_otel_finish(struct gr_sy_sim *s)
{
	if (!s->otel)
		return;
	for (size_t i = 0; i < s->nfns && !s->rc; i++)
		flush_spans(s, &s->fns[i]);
	flush_otlp(s);
}

void gr_sy_otel_release(struct gr_sy_sim *s)
{
	for (size_t i = 0; i < s->nfns; i++)
		gr_buf_release(&s->fns[i].spans);
	gr_buf_release(&s->otlp);
	gr_buf_release(&s->ozout);
	if (s->oz_ready)
		deflateEnd(&s->oz);
}
