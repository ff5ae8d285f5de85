/* otlp.c: OpenTelemetry OTLP/JSON traces (collector file exporter, OTLP/HTTP bodies) to segment records. */
#include <stdlib.h>
#include <string.h>

#include "fetch/otel_span.h"
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

/* Attributes: [{"key","value":{"stringValue"|"intValue"|"boolValue"...}}]. */
static void attrs(const struct gr_jv *arr, const struct gr_tt_key *keys, size_t n,
		  struct gr_jv *out, struct gr_buf *dec)
{
	if (arr->t == GR_JT_ARR)
		gr_os_attrs(arr, keys, n, out, dec);
	else
		gr_os_attrs(&(struct gr_jv){ GR_JT_NONE, NULL, 0, false }, keys, n, out, dec);
}

/* Ids are hex in OTLP/JSON (lower-cased); some writers use protobuf's base64. */
static struct gr_str id_of(const struct gr_jv *v, char *out, size_t size, struct octx *c)
{
	return gr_os_id(v, out, size, &c->dec, &c->bin);
}

static void span(struct octx *c, const struct gr_jv *sp, const struct gr_os_res *res)
{
	static const struct gr_tt_key link_keys[6] = {
		GR_TT_KEY("traceId"), GR_TT_KEY("trace_id"), GR_TT_KEY("spanId"), GR_TT_KEY("span_id"),
		GR_TT_KEY("attributes"), GR_TT_KEY("attributes"),
	};
	struct gr_unit *u = c->u;
	struct gr_buf *dec = &c->dec;
	struct gr_xseg s;
	struct gr_xlink links[MAX_LINKS];
	char tid[40], sid[40], pid[40], lt[MAX_LINKS][40], ls[MAX_LINKS][40];
	struct gr_jv f[S_N], a[GR_OS_N], l, lf[6], lm;
	struct gr_js js;

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
	if (gr_os_zero_id(s.parent))
		s.parent = none;
	int64_t st = gr_os_int(get(f, S_START), dec);
	int64_t en = gr_os_int(get(f, S_END), dec);
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
	s.svc = res->svc;
	s.kind = gr_os_kind(&f[S_KIND], dec);
	s.error = gr_os_status_error(&f[S_STATUS], dec);
	attrs(&f[S_ATTRS], gr_os_attr_keys, GR_OS_N, a, dec);
	gr_os_fill(&s, a, res, dec);
	if (gr_tt_begin(&js, &f[S_LINKS], true)) {
		while (s.nlinks < MAX_LINKS && gr_js_next_elem(&js, &l) > 0) {
			gr_tt_members(&l, link_keys, 5, lf);
			struct gr_str t = id_of(get(lf, 0), lt[s.nlinks], sizeof(lt[0]), c);
			struct gr_str id = id_of(get(lf, 2), ls[s.nlinks], sizeof(ls[0]), c);
			attrs(&lf[4], &gr_os_attr_keys[GR_OS_MSG_ID], 1, &lm, dec);
			if (id.n)
				links[s.nlinks++] = (struct gr_xlink){ t, id, none, gr_tt_str(&lm, dec) };
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
	struct gr_jv rf[R_N], rattrs, ra[GR_OS_R_N], sc, spans, sp;
	struct gr_js ss, a;
	struct gr_os_res res = { none, none };

	gr_tt_members(r, res_keys, R_N, rf);
	gr_tt_members(&rf[R_RESOURCE], &attrs_key, 1, &rattrs);
	if (!gr_tt_reserve(&c->rdec, rattrs.n)) {
		attrs(&rattrs, gr_os_rattr_keys, GR_OS_R_N, ra, &c->rdec);
		gr_os_resource(ra, &c->rdec, &res);
	}
	bool keep = resource_wanted(u, res.svc, res.fn);
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
				span(c, &sp, &res);
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
