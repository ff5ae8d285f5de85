/* otlp.c: OpenTelemetry OTLP/JSON traces (collector file exporter, OTLP/HTTP bodies) to segment records. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base64.h"
#include "unit.h"

#define MAX_LINKS 64 /* span links kept per span */

/* A member by its OTLP/JSON name (lowerCamelCase) or its protobuf name. */
static json_t *get(json_t *o, const char *camel, const char *snake)
{
	json_t *v = json_object_get(o, camel);

	return v ? v : snake ? json_object_get(o, snake) : NULL;
}

static struct gr_str str_of(json_t *v)
{
	if (json_is_string(v))
		return (struct gr_str){ json_string_value(v), json_string_length(v) };
	return (struct gr_str){ NULL, 0 };
}

/* An attribute's value: [{"key","value":{"stringValue"|"intValue"|"boolValue"...}}]. */
static json_t *attr(json_t *attrs, const char *key)
{
	size_t i;
	json_t *a;

	json_array_foreach(attrs, i, a) {
		json_t *k = json_object_get(a, "key");
		if (!json_is_string(k) || strcmp(json_string_value(k), key))
			continue;
		json_t *v = json_object_get(a, "value");
		const char *const names[] = { "stringValue", "string_value", "intValue",
					      "int_value", "boolValue", "bool_value",
					      "doubleValue", "double_value", NULL };
		for (int j = 0; names[j]; j++) {
			json_t *x = json_object_get(v, names[j]);
			if (x)
				return x;
		}
		return NULL;
	}
	return NULL;
}

static struct gr_str attr_str(json_t *attrs, const char *key)
{
	return str_of(attr(attrs, key));
}

/* proto3 JSON writes 64-bit integers as strings; accept both. -1 when not one. */
static int64_t int_of(json_t *v)
{
	if (json_is_integer(v))
		return (int64_t)json_integer_value(v);
	if (json_is_real(v)) {
		double d = json_real_value(v);
		return d >= -9e18 && d <= 9e18 ? (int64_t)d : -1; /* converting beyond is undefined */
	}
	if (json_is_string(v)) {
		const char *s = json_string_value(v);
		char *end;
		long long x = strtoll(s, &end, 10);
		if (end != s && !*end)
			return x;
	}
	return -1;
}

/* Ids are hex in OTLP/JSON; some writers use protobuf's base64. Hex into out. */
static struct gr_str id_of(json_t *v, char *out, size_t size)
{
	struct gr_str s = str_of(v);
	static const char hex[] = "0123456789abcdef";

	if (!s.n || strspn(s.p, "0123456789abcdefABCDEF") == s.n)
		return s;
	struct gr_buf b = GR_BUF_INIT;
	if (gr_base64_decode(s.p, s.n, &b) || (b.len != 16 && b.len != 8) || b.len * 2 >= size) {
		gr_buf_release(&b);
		return s;
	}
	for (size_t i = 0; i < b.len; i++) {
		out[2 * i] = hex[(unsigned char)b.data[i] >> 4];
		out[2 * i + 1] = hex[(unsigned char)b.data[i] & 15];
	}
	s = (struct gr_str){ out, b.len * 2 };
	gr_buf_release(&b);
	return s;
}

static struct gr_str kind_of(json_t *v)
{
	static const char *const kinds[] = { NULL, "internal", "server", "client", "producer",
					     "consumer" };
	int64_t k = -1;

	if (json_is_integer(v))
		k = (int64_t)json_integer_value(v);
	else if (json_is_string(v)) {
		const char *s = json_string_value(v);
		for (int i = 1; i <= 5; i++)
			if (strlen(s) == 10 + strlen(kinds[i]) && !strncmp(s, "SPAN_KIND_", 10) &&
			    !strcasecmp(s + 10, kinds[i]))
				k = i;
	}
	if (k < 1 || k > 5)
		return (struct gr_str){ NULL, 0 };
	return (struct gr_str){ kinds[k], strlen(kinds[k]) };
}

static bool is_all_zero(struct gr_str s)
{
	return s.n && strspn(s.p, "0") == s.n;
}

static void span(struct gr_unit *u, json_t *sp, struct gr_str svc, struct gr_str res_fn)
{
	struct gr_xseg s;
	struct gr_xlink links[MAX_LINKS];
	char tid[40], sid[40], pid[40], lt[MAX_LINKS][40], ls[MAX_LINKS][40];
	json_t *attrs, *v, *l;
	size_t i;

	gr_unit_record(u);
	if (!json_is_object(sp)) {
		gr_unit_lost(u, GR_LOST_BAD_SEGMENT, "OTLP span that is not an object");
		return;
	}
	memset(&s, 0, sizeof(s));
	s.trace = id_of(get(sp, "traceId", "trace_id"), tid, sizeof(tid));
	s.id = id_of(get(sp, "spanId", "span_id"), sid, sizeof(sid));
	s.parent = id_of(get(sp, "parentSpanId", "parent_span_id"), pid, sizeof(pid));
	if (is_all_zero(s.parent))
		s.parent = (struct gr_str){ NULL, 0 };
	int64_t st = int_of(get(sp, "startTimeUnixNano", "start_time_unix_nano"));
	int64_t en = int_of(get(sp, "endTimeUnixNano", "end_time_unix_nano"));
	if (!s.id.n || st <= 0 || en < st) {
		gr_unit_lost(u, GR_LOST_BAD_SEGMENT, "OTLP span without %s",
			     !s.id.n ? "a spanId" : "valid start and end times");
		return;
	}
	s.start_us = st / 1000;
	s.end_us = en / 1000;
	const struct gr_fetch_opts *o = u->cfg->o;
	if ((o->since_us != GR_TIME_UNKNOWN && s.start_us < o->since_us) ||
	    (o->until_us != GR_TIME_UNKNOWN && s.start_us >= o->until_us)) {
		gr_unit_skip(u, GR_SKIP_FILTERED);
		return;
	}
	s.name = str_of(json_object_get(sp, "name"));
	s.svc = svc;
	s.kind = kind_of(json_object_get(sp, "kind"));
	attrs = json_object_get(sp, "attributes");
	json_t *status = json_object_get(sp, "status");
	v = json_object_get(status, "code");
	s.error = (json_is_integer(v) && json_integer_value(v) == 2) ||
		  (json_is_string(v) && !strcmp(json_string_value(v), "STATUS_CODE_ERROR"));
	v = attr(attrs, "http.response.status_code");
	if (!v)
		v = attr(attrs, "http.status_code");
	int64_t http = int_of(v);
	s.http = http >= 100 && http <= 999 ? (int)http : 0;
	s.req = attr_str(attrs, "faas.invocation_id");
	s.fn = attr_str(attrs, "faas.name");
	if (!s.fn.n)
		s.fn = res_fn;
	struct gr_str rpc = attr_str(attrs, "rpc.system");
	if (rpc.n == 7 && !memcmp(rpc.p, "aws-api", 7))
		s.op = attr_str(attrs, "rpc.method");
	json_array_foreach(json_object_get(sp, "links"), i, l) {
		if (s.nlinks == MAX_LINKS)
			break;
		struct gr_str t = id_of(get(l, "traceId", "trace_id"), lt[s.nlinks], sizeof(lt[0]));
		struct gr_str id = id_of(get(l, "spanId", "span_id"), ls[s.nlinks], sizeof(ls[0]));
		if (id.n)
			links[s.nlinks++] = (struct gr_xlink){ t, id, { NULL, 0 } };
	}
	s.links = links;
	gr_ev_segment(gr_unit_writer(u), &s);
	gr_unit_wrote(u);
}

/* Does --function keep this resource (its service or Lambda function)? */
static bool resource_wanted(struct gr_unit *u, struct gr_str svc, struct gr_str fn)
{
	return !u->cfg->filter || (svc.n && gr_fn_filter_match(u->cfg->filter, svc.p, svc.n)) ||
	       (fn.n && gr_fn_filter_match(u->cfg->filter, fn.p, fn.n));
}

bool gr_otlp_json(struct gr_unit *u, json_t *doc)
{
	json_t *rs = get(doc, "resourceSpans", "resource_spans"), *r;
	size_t i;

	if (!json_is_array(rs))
		return false;
	if (!json_array_size(rs)) {
		gr_unit_record(u);
		gr_unit_skip(u, GR_SKIP_NOT_TRACE);
		return true;
	}
	json_array_foreach(rs, i, r) {
		json_t *rattrs = json_object_get(json_object_get(r, "resource"), "attributes");
		struct gr_str svc = attr_str(rattrs, "service.name");
		struct gr_str fn = attr_str(rattrs, "faas.name");
		bool keep = resource_wanted(u, svc, fn);
		json_t *ss = get(r, "scopeSpans", "scope_spans"), *sc;
		size_t j;
		if (!ss)
			ss = get(r, "instrumentationLibrarySpans", "instrumentation_library_spans");
		json_array_foreach(ss, j, sc) {
			json_t *spans = json_object_get(sc, "spans"), *sp;
			size_t k;
			json_array_foreach(spans, k, sp) {
				if (u->fatal)
					return true;
				if (keep) {
					span(u, sp, svc, fn);
					continue;
				}
				gr_unit_record(u);
				gr_unit_skip(u, GR_SKIP_FILTERED);
			}
		}
	}
	return true;
}
