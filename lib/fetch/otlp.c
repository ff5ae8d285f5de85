/* otlp.c: OpenTelemetry OTLP/JSON traces (collector file exporter, OTLP/HTTP bodies) to segment records. */
#include <stdlib.h>
#include <string.h>

#include "common/base64.h"
#include "fetch/trace_text.h"
#include "fetch/unit.h"

/*
 * Read with the pull scanner over the document's text (validated once by
 * trace_text.c): resource by resource, span by span, holding only the decoded
 * strings of the current resource and span.
 */

#define MAX_LINKS 64 /* span links kept per span */

static const struct gr_str none = { NULL, 0 };

/* Members of a resourceSpans element, by their OTLP/JSON (lowerCamelCase) and
 * protobuf names. */
enum { R_RESOURCE, R_SCOPE, R_SCOPE_PB, R_LIBRARY, R_LIBRARY_PB, R_N };
static const struct gr_tt_key res_keys[R_N] = {
	GR_TT_KEY("resource"), GR_TT_KEY("scopeSpans"), GR_TT_KEY("scope_spans"),
	GR_TT_KEY("instrumentationLibrarySpans"), GR_TT_KEY("instrumentation_library_spans"),
};

/* Members of a span. */
enum { S_TRACE, S_TRACE_PB, S_SPAN, S_SPAN_PB, S_PARENT, S_PARENT_PB, S_START, S_START_PB,
       S_END, S_END_PB, S_NAME, S_KIND, S_ATTRS, S_STATUS, S_LINKS, S_N };
static const struct gr_tt_key span_keys[S_N] = {
	GR_TT_KEY("traceId"), GR_TT_KEY("trace_id"), GR_TT_KEY("spanId"), GR_TT_KEY("span_id"),
	GR_TT_KEY("parentSpanId"), GR_TT_KEY("parent_span_id"),
	GR_TT_KEY("startTimeUnixNano"), GR_TT_KEY("start_time_unix_nano"),
	GR_TT_KEY("endTimeUnixNano"), GR_TT_KEY("end_time_unix_nano"),
	GR_TT_KEY("name"), GR_TT_KEY("kind"), GR_TT_KEY("attributes"), GR_TT_KEY("status"),
	GR_TT_KEY("links"),
};

/* Span attributes read. */
enum { A_HTTP_RESPONSE, A_HTTP, A_INVOCATION, A_FAAS_NAME, A_RPC_SYSTEM, A_RPC_METHOD, A_N };
static const struct gr_tt_key attr_keys[A_N] = {
	GR_TT_KEY("http.response.status_code"), GR_TT_KEY("http.status_code"),
	GR_TT_KEY("faas.invocation_id"), GR_TT_KEY("faas.name"), GR_TT_KEY("rpc.system"),
	GR_TT_KEY("rpc.method"),
};

/* Resource attributes read. */
static const struct gr_tt_key res_attr_keys[2] = {
	GR_TT_KEY("service.name"), GR_TT_KEY("faas.name"),
};

/* Reading state of one document. */
struct octx {
	struct gr_unit *u;     /* the unit written to */
	struct gr_buf rdec;    /* decoded strings of the current resource */
	struct gr_buf dec;     /* decoded strings of the current span */
	struct gr_buf bin;     /* a base64 id decoded */
};

/* A member by its OTLP/JSON name, else by its protobuf name (the one after it). */
static const struct gr_jv *get(const struct gr_jv *f, int camel)
{
	return f[camel].t != GR_JT_NONE ? &f[camel] : &f[camel + 1];
}

/* Attributes: [{"key","value":{"stringValue"|"intValue"|"boolValue"...}}]; the first
 * of a key counts, and its value is the first of those members present. out[i]
 * GR_JT_NONE when absent. */
static void attrs(const struct gr_jv *arr, const struct gr_tt_key *keys, size_t n,
		  struct gr_jv *out, struct gr_buf *dec)
{
	static const struct gr_tt_key val_keys[8] = {
		GR_TT_KEY("stringValue"), GR_TT_KEY("string_value"), GR_TT_KEY("intValue"),
		GR_TT_KEY("int_value"), GR_TT_KEY("boolValue"), GR_TT_KEY("bool_value"),
		GR_TT_KEY("doubleValue"), GR_TT_KEY("double_value"),
	};
	struct gr_jv raw[A_N], vals[8];

	gr_tt_kv_first(arr, keys, n, raw, dec);
	for (size_t i = 0; i < n; i++) {
		out[i] = (struct gr_jv){ GR_JT_NONE, NULL, 0, false };
		gr_tt_members(&raw[i], val_keys, 8, vals);
		for (int j = 0; j < 8 && out[i].t == GR_JT_NONE; j++)
			out[i] = vals[j];
	}
}

/* proto3 JSON writes 64-bit integers as strings; accept both. -1 when not one. */
static int64_t int_of(const struct gr_jv *v, struct gr_buf *dec)
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

/* Ids are hex in OTLP/JSON; some writers use protobuf's base64. Hex into out. */
static struct gr_str id_of(const struct gr_jv *v, char *out, size_t size, struct octx *c)
{
	static const char hex[] = "0123456789abcdef";
	struct gr_str s = gr_tt_str(v, &c->dec);
	size_t i = 0;

	while (i < s.n && ((s.p[i] >= '0' && s.p[i] <= '9') || (s.p[i] >= 'a' && s.p[i] <= 'f') ||
			   (s.p[i] >= 'A' && s.p[i] <= 'F')))
		i++;
	if (!s.n || i == s.n)
		return s;
	struct gr_buf *b = &c->bin;
	gr_buf_reset(b);
	if (gr_base64_decode(s.p, s.n, b) || (b->len != 16 && b->len != 8) || b->len * 2 >= size)
		return s;
	for (i = 0; i < b->len; i++) {
		out[2 * i] = hex[(unsigned char)b->data[i] >> 4];
		out[2 * i + 1] = hex[(unsigned char)b->data[i] & 15];
	}
	return (struct gr_str){ out, b->len * 2 };
}

static struct gr_str kind_of(const struct gr_jv *v, struct gr_buf *dec)
{
	static const char *const kinds[] = { NULL, "internal", "server", "client", "producer",
					     "consumer" };
	int64_t k = -1;
	struct gr_str s;

	if (!gr_tt_int(v, &k) && (s = gr_tt_str(v, dec)).p) {
		size_t n = gr_tt_clen(s);
		for (int i = 1; i <= 5; i++)
			if (n == 10 + strlen(kinds[i]) && !memcmp(s.p, "SPAN_KIND_", 10) &&
			    gr_tt_ceq_nocase((struct gr_str){ s.p + 10, n - 10 }, kinds[i]))
				k = i;
	}
	if (k < 1 || k > 5)
		return none;
	return (struct gr_str){ kinds[k], strlen(kinds[k]) };
}

static bool is_all_zero(struct gr_str s)
{
	size_t i = 0;

	while (i < s.n && s.p[i] == '0')
		i++;
	return s.n && i == s.n;
}

static void span(struct octx *c, const struct gr_jv *sp, struct gr_str svc, struct gr_str res_fn)
{
	static const struct gr_tt_key code_key = GR_TT_KEY("code");
	static const struct gr_tt_key link_keys[4] = {
		GR_TT_KEY("traceId"), GR_TT_KEY("trace_id"), GR_TT_KEY("spanId"), GR_TT_KEY("span_id"),
	};
	struct gr_unit *u = c->u;
	struct gr_buf *dec = &c->dec;
	struct gr_xseg s;
	struct gr_xlink links[MAX_LINKS];
	char tid[40], sid[40], pid[40], lt[MAX_LINKS][40], ls[MAX_LINKS][40];
	struct gr_jv f[S_N], a[A_N], v, l, lf[4];
	struct gr_js js;
	int64_t code;

	gr_unit_record(u);
	if (sp->t != GR_JT_OBJ) {
		gr_unit_lost(u, GR_LOST_BAD_SEGMENT, "OTLP span that is not an object");
		return;
	}
	if (gr_tt_reserve(dec, sp->n)) {
		gr_unit_lost(u, GR_LOST_BAD_SEGMENT, "out of memory");
		return;
	}
	gr_tt_members(sp, span_keys, S_N, f);
	memset(&s, 0, sizeof(s));
	s.trace = id_of(get(f, S_TRACE), tid, sizeof(tid), c);
	s.id = id_of(get(f, S_SPAN), sid, sizeof(sid), c);
	s.parent = id_of(get(f, S_PARENT), pid, sizeof(pid), c);
	if (is_all_zero(s.parent))
		s.parent = none;
	int64_t st = int_of(get(f, S_START), dec);
	int64_t en = int_of(get(f, S_END), dec);
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
	s.name = gr_tt_str(&f[S_NAME], dec);
	s.svc = svc;
	s.kind = kind_of(&f[S_KIND], dec);
	gr_tt_members(&f[S_STATUS], &code_key, 1, &v);
	s.error = (gr_tt_int(&v, &code) && code == 2) ||
		  gr_tt_ceq(gr_tt_str(&v, dec), "STATUS_CODE_ERROR");
	attrs(&f[S_ATTRS], attr_keys, A_N, a, dec);
	int64_t http = int_of(a[A_HTTP_RESPONSE].t != GR_JT_NONE ? &a[A_HTTP_RESPONSE] : &a[A_HTTP],
			      dec);
	s.http = http >= 100 && http <= 999 ? (int)http : 0;
	s.req = gr_tt_str(&a[A_INVOCATION], dec);
	s.fn = gr_tt_str(&a[A_FAAS_NAME], dec);
	if (!s.fn.n)
		s.fn = res_fn;
	struct gr_str rpc = gr_tt_str(&a[A_RPC_SYSTEM], dec);
	if (rpc.n == 7 && !memcmp(rpc.p, "aws-api", 7))
		s.op = gr_tt_str(&a[A_RPC_METHOD], dec);
	if (gr_tt_begin(&js, &f[S_LINKS], true)) {
		while (s.nlinks < MAX_LINKS && gr_js_next_elem(&js, &l) > 0) {
			gr_tt_members(&l, link_keys, 4, lf);
			struct gr_str t = id_of(get(lf, 0), lt[s.nlinks], sizeof(lt[0]), c);
			struct gr_str id = id_of(get(lf, 2), ls[s.nlinks], sizeof(ls[0]), c);
			if (id.n)
				links[s.nlinks++] = (struct gr_xlink){ t, id, { NULL, 0 } };
		}
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

/* The resourceSpans array (camelCase name first). */
static const struct gr_jv *resource_spans(const struct gr_jv *top)
{
	return top[GR_TT_RESOURCE_SPANS].t != GR_JT_NONE ? &top[GR_TT_RESOURCE_SPANS]
							 : &top[GR_TT_RESOURCE_SPANS_PB];
}

bool gr_otlp_is(const struct gr_jv *top)
{
	return resource_spans(top)->t == GR_JT_ARR;
}

/* One element of resourceSpans. False when a fatal error stopped the unit. */
static bool resource(struct octx *c, const struct gr_jv *r)
{
	static const struct gr_tt_key attrs_key = GR_TT_KEY("attributes");
	static const struct gr_tt_key spans_key = GR_TT_KEY("spans");
	struct gr_unit *u = c->u;
	struct gr_jv rf[R_N], rattrs, ra[2], sc, spans, sp;
	struct gr_js ss, a;
	struct gr_str svc = none, fn = none;

	gr_tt_members(r, res_keys, R_N, rf);
	gr_tt_members(&rf[R_RESOURCE], &attrs_key, 1, &rattrs);
	if (!gr_tt_reserve(&c->rdec, rattrs.n)) {
		attrs(&rattrs, res_attr_keys, 2, ra, &c->rdec);
		svc = gr_tt_str(&ra[0], &c->rdec);
		fn = gr_tt_str(&ra[1], &c->rdec);
	}
	bool keep = resource_wanted(u, svc, fn);
	const struct gr_jv *scopes = get(rf, R_SCOPE);
	if (scopes->t == GR_JT_NONE)
		scopes = get(rf, R_LIBRARY);
	if (!gr_tt_begin(&ss, scopes, true))
		return true;
	while (gr_js_next_elem(&ss, &sc) > 0) {
		gr_tt_members(&sc, &spans_key, 1, &spans);
		if (!gr_tt_begin(&a, &spans, true))
			continue;
		while (gr_js_next_elem(&a, &sp) > 0) {
			if (u->fatal)
				return false;
			if (keep) {
				span(c, &sp, svc, fn);
				gr_unit_flush(u);
				continue;
			}
			gr_unit_record(u);
			gr_unit_skip(u, GR_SKIP_FILTERED);
		}
	}
	return true;
}

void gr_otlp_doc(struct gr_unit *u, const struct gr_jv *top)
{
	struct octx c = { .u = u };
	struct gr_js a;
	struct gr_jv r;
	bool any = false;

	if (!gr_tt_begin(&a, resource_spans(top), true))
		return;
	while (gr_js_next_elem(&a, &r) > 0) {
		any = true;
		if (!resource(&c, &r))
			break;
	}
	if (!any) {
		gr_unit_record(u);
		gr_unit_skip(u, GR_SKIP_NOT_TRACE);
	}
	gr_buf_release(&c.rdec);
	gr_buf_release(&c.dec);
	gr_buf_release(&c.bin);
}
