/* otel_span.c: an OpenTelemetry span's ids, times, kind and attributes to a segment record, for the OTLP and aws/spans readers. */
#include "fetch/otel_span.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/base64.h"

const struct gr_tt_key gr_os_attr_keys[GR_OS_N] = {
	[GR_OS_HTTP_RESPONSE] = GR_TT_KEY("http.response.status_code"),
	[GR_OS_HTTP] = GR_TT_KEY("http.status_code"),
	[GR_OS_INVOCATION] = GR_TT_KEY("faas.invocation_id"),
	[GR_OS_FAAS_NAME] = GR_TT_KEY("faas.name"),
	[GR_OS_RPC_SYSTEM] = GR_TT_KEY("rpc.system"),
	[GR_OS_RPC_SERVICE] = GR_TT_KEY("rpc.service"),
	[GR_OS_RPC_METHOD] = GR_TT_KEY("rpc.method"),
	[GR_OS_AWS_REQUEST_ID] = GR_TT_KEY("aws.request_id"),
	[GR_OS_INVOKED_NAME] = GR_TT_KEY("faas.invoked_name"),
	[GR_OS_LAMBDA_FN] = GR_TT_KEY("aws.lambda.function.name"),
	[GR_OS_COLDSTART] = GR_TT_KEY("faas.coldstart"),
	[GR_OS_MSG_ID] = GR_TT_KEY("messaging.message.id"),
	[GR_OS_MSG_SYSTEM] = GR_TT_KEY("messaging.system"),
	[GR_OS_S3_BUCKET] = GR_TT_KEY("aws.s3.bucket"),
	[GR_OS_S3_KEY] = GR_TT_KEY("aws.s3.key"),
	[GR_OS_DDB_TABLES] = GR_TT_KEY("aws.dynamodb.table_names"),
	[GR_OS_SQS_URL] = GR_TT_KEY("aws.sqs.queue.url"),
	[GR_OS_QUEUE_URL] = GR_TT_KEY("aws.queue_url"),
	[GR_OS_SNS_ARN] = GR_TT_KEY("aws.sns.topic.arn"),
	[GR_OS_LOCAL_SERVICE] = GR_TT_KEY("aws.local.service"),
	[GR_OS_PLATFORM] = GR_TT_KEY("PlatformType"),
	[GR_OS_INVOCATION_TYPE] = GR_TT_KEY("aws.invocation_type"),
	[GR_OS_AWS_REQUEST_ID_JS] = GR_TT_KEY("aws.request.id"),
};

const struct gr_tt_key gr_os_rattr_keys[GR_OS_R_N] = {
	[GR_OS_R_SERVICE] = GR_TT_KEY("service.name"),
	[GR_OS_R_FAAS_NAME] = GR_TT_KEY("faas.name"),
	[GR_OS_R_LOCAL_SERVICE] = GR_TT_KEY("aws.local.service"),
	[GR_OS_R_RESOURCE_ID] = GR_TT_KEY("cloud.resource_id"),
	[GR_OS_R_PLATFORM] = GR_TT_KEY("cloud.platform"),
};

static const struct gr_str none = { NULL, 0 };

bool gr_os_attrs(const struct gr_jv *v, const struct gr_tt_key *keys, size_t n,
		 struct gr_jv *out, struct gr_buf *dec)
{
	static const struct gr_tt_key val_keys[9] = {
		GR_TT_KEY("stringValue"), GR_TT_KEY("string_value"), GR_TT_KEY("intValue"),
		GR_TT_KEY("int_value"), GR_TT_KEY("boolValue"), GR_TT_KEY("bool_value"),
		GR_TT_KEY("doubleValue"), GR_TT_KEY("double_value"), GR_TT_KEY("arrayValue"),
	};
	struct gr_jv raw[64], vals[9];

	if (v->t == GR_JT_OBJ) {
		gr_tt_members(v, keys, n, out);
		return true;
	}
	for (size_t i = 0; i < n; i++)
		out[i] = (struct gr_jv){ GR_JT_NONE, NULL, 0, false };
	if (v->t != GR_JT_ARR || n > 64)
		return v->t == GR_JT_NONE || v->t == GR_JT_NULL;
	gr_tt_kv_first(v, keys, n, raw, dec);
	for (size_t i = 0; i < n; i++) {
		gr_tt_members(&raw[i], val_keys, 9, vals);
		for (int j = 0; j < 9 && out[i].t == GR_JT_NONE; j++)
			out[i] = vals[j];
	}
	return true;
}

/* The function of a Lambda ARN "arn:aws:lambda:r:acct:function:NAME[:qualifier]". */
static struct gr_str arn_function(struct gr_str a)
{
	static const char mark[] = ":function:";
	const char *p = a.n > sizeof(mark) ? memmem(a.p, a.n, mark, sizeof(mark) - 1) : NULL;

	if (!p)
		return none;
	p += sizeof(mark) - 1;
	const char *e = memchr(p, ':', (size_t)(a.p + a.n - p));
	size_t n = (size_t)((e ? e : a.p + a.n) - p);
	return n ? (struct gr_str){ p, n } : none;
}

void gr_os_resource(const struct gr_jv *ra, struct gr_buf *dec, struct gr_os_res *out)
{
	struct gr_str rid = gr_tt_str(&ra[GR_OS_R_RESOURCE_ID], dec);
	struct gr_str local = gr_tt_str(&ra[GR_OS_R_LOCAL_SERVICE], dec);

	out->svc = gr_tt_str(&ra[GR_OS_R_SERVICE], dec);
	out->fn = gr_tt_str(&ra[GR_OS_R_FAAS_NAME], dec);
	if (out->fn.n)
		return;
	struct gr_str arn = arn_function(rid);
	bool lambda = arn.n || gr_tt_ceq(gr_tt_str(&ra[GR_OS_R_PLATFORM], dec), "aws_lambda");
	if (!lambda)
		return;
	/* a Lambda resource without faas.name: the service is the function (the
	 * layers set service.name to it), else Application Signals' name, else the ARN */
	out->fn = out->svc.n ? out->svc : local.n ? local : arn;
}

struct gr_str gr_os_id(const struct gr_jv *v, char *out, size_t size, struct gr_buf *dec,
		       struct gr_buf *bin)
{
	static const char hex[] = "0123456789abcdef";
	struct gr_str s = gr_tt_str(v, dec);
	size_t i = 0;
	bool upper = false;

	while (i < s.n && ((s.p[i] >= '0' && s.p[i] <= '9') || (s.p[i] >= 'a' && s.p[i] <= 'f') ||
			   (s.p[i] >= 'A' && s.p[i] <= 'F'))) {
		upper |= s.p[i] >= 'A' && s.p[i] <= 'F';
		i++;
	}
	if (!s.n)
		return s;
	if (i == s.n) {
		if (!upper || s.n >= size)
			return s;
		for (i = 0; i < s.n; i++)
			out[i] = s.p[i] >= 'A' && s.p[i] <= 'F' ? (char)(s.p[i] - 'A' + 'a') : s.p[i];
		return (struct gr_str){ out, s.n };
	}
	gr_buf_reset(bin);
	if (gr_base64_decode(s.p, s.n, bin) || (bin->len != 16 && bin->len != 8) ||
	    bin->len * 2 >= size)
		return s;
	for (i = 0; i < bin->len; i++) {
		out[2 * i] = hex[(unsigned char)bin->data[i] >> 4];
		out[2 * i + 1] = hex[(unsigned char)bin->data[i] & 15];
	}
	return (struct gr_str){ out, bin->len * 2 };
}

int64_t gr_os_int(const struct gr_jv *v, struct gr_buf *dec)
{
	int64_t x;
	double d;

	if (gr_tt_int(v, &x))
		return x;
	if (gr_tt_real(v, &d))
		return d >= -9e18 && d <= 9e18 ? (int64_t)d : -1; /* converting beyond is undefined */
	struct gr_str s = gr_tt_str(v, dec);
	if (s.p) {
		/* the text is followed by its closing quote or a NUL: strtoll stops there */
		char *end;
		long long y = strtoll(s.p, &end, 10);
		if (end != s.p && end == s.p + gr_tt_clen(s))
			return y;
	}
	return -1;
}

struct gr_str gr_os_kind(const struct gr_jv *v, struct gr_buf *dec)
{
	static const char *const kinds[] = { NULL, "internal", "server", "client", "producer",
					     "consumer" };
	int64_t k = -1;
	struct gr_str s;

	if (!gr_tt_int(v, &k) && (s = gr_tt_str(v, dec)).p) {
		size_t n = gr_tt_clen(s);
		/* OTLP/JSON's enum names, or aws/spans' bare names */
		if (n > 10 && !strncasecmp(s.p, "SPAN_KIND_", 10))
			s = (struct gr_str){ s.p + 10, n - 10 };
		for (int i = 1; i <= 5; i++)
			if (gr_tt_ceq_nocase(s, kinds[i]))
				k = i;
	}
	if (k < 1 || k > 5)
		return none;
	return (struct gr_str){ kinds[k], strlen(kinds[k]) };
}

bool gr_os_status_error(const struct gr_jv *status, struct gr_buf *dec)
{
	static const struct gr_tt_key code_key = GR_TT_KEY("code");
	struct gr_jv v;
	int64_t code;

	gr_tt_members(status, &code_key, 1, &v);
	struct gr_str s = gr_tt_str(&v, dec);
	return (gr_tt_int(&v, &code) && code == 2) || gr_tt_ceq(s, "STATUS_CODE_ERROR") ||
	       gr_tt_ceq(s, "ERROR");
}

bool gr_os_zero_id(struct gr_str s)
{
	size_t i = 0;

	while (i < s.n && s.p[i] == '0')
		i++;
	return s.n && i == s.n;
}

/* A string, or the first string of an array (a map's ["T"], OTLP's
 * {"arrayValue":{"values":[{"stringValue":"T"}]}}). */
static struct gr_str first_str(const struct gr_jv *v, struct gr_buf *dec)
{
	static const struct gr_tt_key av = GR_TT_KEY("arrayValue");
	static const struct gr_tt_key vals = GR_TT_KEY("values");
	static const struct gr_tt_key sv = GR_TT_KEY("stringValue");
	struct gr_jv a = *v, x;
	struct gr_js js;

	if (a.t == GR_JT_OBJ) {
		/* {"arrayValue":{"values":[...]}}, or its inside (already unwrapped) */
		gr_tt_members(&a, &av, 1, &x);
		gr_tt_members(x.t == GR_JT_OBJ ? &x : &a, &vals, 1, &a);
	}
	if (a.t != GR_JT_ARR)
		return gr_tt_str(&a, dec);
	if (!gr_tt_begin(&js, &a, true) || gr_js_next_elem(&js, &x) <= 0)
		return none;
	if (x.t == GR_JT_OBJ) {
		struct gr_jv y;
		gr_tt_members(&x, &sv, 1, &y);
		x = y;
	}
	return gr_tt_str(&x, dec);
}

void gr_os_fill(struct gr_xseg *s, const struct gr_jv *a, const struct gr_os_res *res,
		struct gr_buf *dec)
{
	int64_t http = gr_os_int(&a[GR_OS_HTTP_RESPONSE], dec);
	if (a[GR_OS_HTTP_RESPONSE].t == GR_JT_NONE || a[GR_OS_HTTP_RESPONSE].t == GR_JT_OBJ)
		http = gr_os_int(&a[GR_OS_HTTP], dec); /* absent, or an array value */
	bool client = gr_str_is(s->kind, "client") || gr_str_is(s->kind, "producer");

	s->http = http >= 100 && http <= 999 ? (int)http : 0;
	s->req = gr_tt_str(&a[GR_OS_INVOCATION], dec);
	if (!s->req.n && client)
		s->req = gr_tt_str(&a[GR_OS_AWS_REQUEST_ID], dec);
	if (!s->req.n && client)
		s->req = gr_tt_str(&a[GR_OS_AWS_REQUEST_ID_JS], dec);
	s->fn = gr_tt_str(&a[GR_OS_FAAS_NAME], dec);
	if (!s->fn.n)
		s->fn = res->fn;
	if (!s->fn.n && gr_tt_ceq(gr_tt_str(&a[GR_OS_PLATFORM], dec), "AWS::Lambda")) {
		/* Application Signals marks a Lambda handler's span so */
		s->fn = gr_tt_str(&a[GR_OS_LOCAL_SERVICE], dec);
		if (!s->fn.n)
			s->fn = res->svc;
	}
	if (gr_tt_ceq(gr_tt_str(&a[GR_OS_RPC_SYSTEM], dec), "aws-api")) {
		s->op = gr_tt_str(&a[GR_OS_RPC_METHOD], dec);
		s->rpc = gr_tt_str(&a[GR_OS_RPC_SERVICE], dec);
	}
	s->invoked = gr_tt_str(&a[GR_OS_INVOKED_NAME], dec);
	if (!s->invoked.n)
		s->invoked = gr_tt_str(&a[GR_OS_LAMBDA_FN], dec);
	s->inv = gr_tt_str(&a[GR_OS_INVOCATION_TYPE], dec);
	s->msg_id = gr_tt_str(&a[GR_OS_MSG_ID], dec);
	s->msys = gr_tt_str(&a[GR_OS_MSG_SYSTEM], dec);
	s->bucket = gr_tt_str(&a[GR_OS_S3_BUCKET], dec);
	s->s3key = gr_tt_str(&a[GR_OS_S3_KEY], dec);
	s->table = first_str(&a[GR_OS_DDB_TABLES], dec);
	s->queue = gr_tt_str(&a[GR_OS_SQS_URL], dec);
	if (!s->queue.n)
		s->queue = gr_tt_str(&a[GR_OS_QUEUE_URL], dec);
	s->topic = gr_tt_str(&a[GR_OS_SNS_ARN], dec);
	s->cold = a[GR_OS_COLDSTART].t == GR_JT_TRUE ||
		  gr_tt_ceq(gr_tt_str(&a[GR_OS_COLDSTART], dec), "true");
}
