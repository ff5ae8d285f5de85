/* otel_span.h: what the OTLP and aws/spans readers share: an OpenTelemetry span's ids, times, kind and attributes to a segment record (lib-internal). */
#ifndef GR_OTEL_SPAN_H
#define GR_OTEL_SPAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "fetch/trace_text.h"
#include "stream/events.h"

struct gr_unit;

/* Span attributes read (OpenTelemetry semantic conventions, ADOT's additions). */
enum gr_os_attr {
	GR_OS_HTTP_RESPONSE,   /* http.response.status_code */
	GR_OS_HTTP,            /* http.status_code (older) */
	GR_OS_INVOCATION,      /* faas.invocation_id: the Lambda request id */
	GR_OS_FAAS_NAME,       /* faas.name */
	GR_OS_RPC_SYSTEM,      /* rpc.system ("aws-api") */
	GR_OS_RPC_SERVICE,     /* rpc.service ("Lambda", "SQS") */
	GR_OS_RPC_METHOD,      /* rpc.method ("Invoke", "SendMessage") */
	GR_OS_AWS_REQUEST_ID,  /* aws.request_id of an SDK call */
	GR_OS_INVOKED_NAME,    /* faas.invoked_name: the callee of an Invoke */
	GR_OS_LAMBDA_FN,       /* aws.lambda.function.name (ADOT: the callee) */
	GR_OS_COLDSTART,       /* faas.coldstart */
	GR_OS_MSG_ID,          /* messaging.message.id */
	GR_OS_MSG_SYSTEM,      /* messaging.system ("aws_sqs", "aws.sns") */
	GR_OS_S3_BUCKET,       /* aws.s3.bucket */
	GR_OS_S3_KEY,          /* aws.s3.key */
	GR_OS_DDB_TABLES,      /* aws.dynamodb.table_names (an array) */
	GR_OS_SQS_URL,         /* aws.sqs.queue.url (ADOT) */
	GR_OS_QUEUE_URL,       /* aws.queue_url (older Python) */
	GR_OS_SNS_ARN,         /* aws.sns.topic.arn */
	GR_OS_LOCAL_SERVICE,   /* aws.local.service (Application Signals) */
	GR_OS_PLATFORM,        /* PlatformType ("AWS::Lambda") */
	GR_OS_INVOCATION_TYPE, /* aws.invocation_type, when written */
	GR_OS_AWS_REQUEST_ID_JS, /* aws.request.id (JS aws-sdk instrumentation) */
	GR_OS_N
};
extern const struct gr_tt_key gr_os_attr_keys[GR_OS_N];

/* Resource attributes read. */
enum gr_os_rattr {
	GR_OS_R_SERVICE,       /* service.name */
	GR_OS_R_FAAS_NAME,     /* faas.name */
	GR_OS_R_LOCAL_SERVICE, /* aws.local.service */
	GR_OS_R_RESOURCE_ID,   /* cloud.resource_id (the function's ARN) */
	GR_OS_R_PLATFORM,      /* cloud.platform ("aws_lambda") */
	GR_OS_R_N
};
extern const struct gr_tt_key gr_os_rattr_keys[GR_OS_R_N];

/* What a resource says about the service it describes. */
struct gr_os_res {
	struct gr_str svc;     /* service.name */
	struct gr_str fn;      /* its Lambda function, when it is one, else empty */
};

/* Attribute values of keys[0..n) (n <= 64) from a map {"k": v} (aws/spans) or an
 * OTLP key-value list [{"key","value":{"stringValue":...}}] (unwrapped to the first
 * typed member); the first of a key counts in a list, the last in a map. out[i]
 * GR_JT_NONE when absent. False when v is present but neither (out all absent). */
bool gr_os_attrs(const struct gr_jv *v, const struct gr_tt_key *keys, size_t n,
		 struct gr_jv *out, struct gr_buf *dec);

/* A resource from its attribute values ra[GR_OS_R_N] (strings decoded onto dec). */
void gr_os_resource(const struct gr_jv *ra, struct gr_buf *dec, struct gr_os_res *out);

/* An id: hex (lower-cased into out: ids are case-insensitive) or protobuf base64
 * of 8 or 16 bytes (as hex into out). Decoded strings go to dec, base64 to bin. */
struct gr_str gr_os_id(const struct gr_jv *v, char *out, size_t size, struct gr_buf *dec,
		       struct gr_buf *bin);

/* A 64-bit integer written as a number or (proto3 JSON) a string of digits; -1 when
 * it is none. */
int64_t gr_os_int(const struct gr_jv *v, struct gr_buf *dec);

/* A span kind: "SERVER", "SPAN_KIND_SERVER" or 2 (any case) -> "server"; empty when
 * it is none of the five. */
struct gr_str gr_os_kind(const struct gr_jv *v, struct gr_buf *dec);

/* Does a status object {"code": 2 | "STATUS_CODE_ERROR" | "ERROR"} say error? */
bool gr_os_status_error(const struct gr_jv *status, struct gr_buf *dec);

/* Fill the attribute-borne members of s from the span's attribute values a[GR_OS_N]
 * (absent: GR_JT_NONE) and its resource. s->kind must be set. */
void gr_os_fill(struct gr_xseg *s, const struct gr_jv *a, const struct gr_os_res *res,
		struct gr_buf *dec);

/* Is an id all zeros (OTLP's "no parent")? */
bool gr_os_zero_id(struct gr_str s);

/* --- aws_spans.c: CloudWatch Transaction Search records ------------------------ */

/* Could the log message m[0..n) be an aws/spans record (a cheap test on the text)? */
bool gr_awsspans_maybe(const char *m, size_t n);

/*
 * Read doc[0..n) as one aws/spans record (a flat span object: attribute maps,
 * kind by name, times in nanoseconds): one segment record, or the record counted
 * under a reason. False, with nothing counted, when it is not one. count: the
 * record is not counted yet (a document of its own); else the caller counted it
 * (a log event).
 */
bool gr_awsspans_record(struct gr_unit *u, const char *doc, size_t n, bool count);

#endif
