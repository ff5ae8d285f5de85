/* aws_spans.c: CloudWatch Transaction Search records (the log group aws/spans: one flat OpenTelemetry span per log event) to segment records. */
#include <string.h>

#include "fetch/otel_span.h"
#include "fetch/unit.h"

#define MAX_LINKS 64 /* span links kept per span */

static const struct gr_str none = { NULL, 0 };

/* Members of a record (OTLP/JSON names; the span is flat, its resource inside). */
enum { K_RESOURCE, K_TRACE, K_SPAN, K_PARENT, K_NAME, K_KIND, K_START, K_END, K_DURATION,
       K_ATTRS, K_STATUS, K_LINKS, K_RESOURCE_SPANS, K_N };
static const struct gr_tt_key rec_keys[K_N] = {
	GR_TT_KEY("resource"), GR_TT_KEY("traceId"), GR_TT_KEY("spanId"),
	GR_TT_KEY("parentSpanId"), GR_TT_KEY("name"), GR_TT_KEY("kind"),
	GR_TT_KEY("startTimeUnixNano"), GR_TT_KEY("endTimeUnixNano"), GR_TT_KEY("durationNano"),
	GR_TT_KEY("attributes"), GR_TT_KEY("status"), GR_TT_KEY("links"),
	GR_TT_KEY("resourceSpans"),
};

/* Decoded strings and ids of one record. */
struct actx {
	struct gr_buf *dec;    /* decoded strings (the unit's, reserved for the record) */
	struct gr_buf bin;     /* a base64 id decoded */
};

bool gr_awsspans_maybe(const char *m, size_t n)
{
	return n > 20 && m[0] == '{' && memmem(m, n, "\"traceId\"", 9) &&
	       (memmem(m, n, "\"spanId\"", 8) || memmem(m, n, "\"startTimeUnixNano\"", 19));
}

/* Validate doc (one object, as jansson would accept it) and find its members. */
static bool members(const char *doc, size_t n, int max_depth, struct gr_jv *f)
{
	struct gr_js js;
	struct gr_jv k, v;
	int rc;

	for (size_t i = 0; i < K_N; i++)
		f[i] = (struct gr_jv){ GR_JT_NONE, NULL, 0, false };
	while (n && (*doc == ' ' || *doc == '\n' || *doc == '\r' || *doc == '\t')) {
		doc++;
		n--;
	}
	if (!n || *doc != '{' || !gr_js_begin(&js, doc, n, false, max_depth))
		return false;
	js.exact = true;
	while ((rc = gr_js_next(&js, &k, &v)) > 0) {
		for (size_t i = 0; i < K_N; i++) {
			if (gr_tt_key_is(&k, rec_keys[i].s, rec_keys[i].n)) {
				f[i] = v; /* the last of duplicated keys, as jansson keeps */
				break;
			}
		}
	}
	return rc == 0;
}

/* Is it a span record: a trace id and something only a span has (a span without
 * its own id is one, and lost)? */
static bool is_span(const struct gr_jv *f)
{
	return f[K_TRACE].t != GR_JT_NONE &&
	       f[K_RESOURCE_SPANS].t == GR_JT_NONE &&
	       (f[K_START].t != GR_JT_NONE || f[K_KIND].t != GR_JT_NONE ||
		f[K_RESOURCE].t != GR_JT_NONE);
}

/* Does --function keep this span (its service or Lambda function)? */
static bool wanted(struct gr_unit *u, const struct gr_xseg *s)
{
	return !u->cfg->filter ||
	       (s->svc.n && gr_fn_filter_match(u->cfg->filter, s->svc.p, s->svc.n)) ||
	       (s->fn.n && gr_fn_filter_match(u->cfg->filter, s->fn.p, s->fn.n));
}

/* The span's links: [{"traceId","spanId","attributes":{...}}]. */
static size_t links_of(struct actx *c, const struct gr_jv *v, struct gr_xlink *out,
		       char (*lt)[40], char (*ls)[40])
{
	static const struct gr_tt_key link_keys[3] = {
		GR_TT_KEY("traceId"), GR_TT_KEY("spanId"), GR_TT_KEY("attributes"),
	};
	struct gr_js js;
	struct gr_jv l, lf[3], msg;
	size_t n = 0;

	if (!gr_tt_begin(&js, v, true))
		return 0;
	while (n < MAX_LINKS && gr_js_next_elem(&js, &l) > 0) {
		gr_tt_members(&l, link_keys, 3, lf);
		struct gr_str t = gr_os_id(&lf[0], lt[n], sizeof(lt[0]), c->dec, &c->bin);
		struct gr_str id = gr_os_id(&lf[1], ls[n], sizeof(ls[0]), c->dec, &c->bin);
		gr_os_attrs(&lf[2], &gr_os_attr_keys[GR_OS_MSG_ID], 1, &msg, c->dec);
		if (id.n)
			out[n++] = (struct gr_xlink){ t, id, none, gr_tt_str(&msg, c->dec) };
	}
	return n;
}

/* One record whose members are f: written, or counted under a reason. */
static void span(struct gr_unit *u, struct actx *c, const struct gr_jv *f)
{
	static const struct gr_tt_key attrs_key = GR_TT_KEY("attributes");
	struct gr_xseg s;
	struct gr_xlink links[MAX_LINKS];
	char tid[40], sid[40], pid[40], lt[MAX_LINKS][40], ls[MAX_LINKS][40];
	struct gr_jv a[GR_OS_N], ra[GR_OS_R_N], rattrs;
	struct gr_os_res res = { none, none };

	memset(&s, 0, sizeof(s));
	s.trace = gr_os_id(&f[K_TRACE], tid, sizeof(tid), c->dec, &c->bin);
	s.id = gr_os_id(&f[K_SPAN], sid, sizeof(sid), c->dec, &c->bin);
	s.parent = gr_os_id(&f[K_PARENT], pid, sizeof(pid), c->dec, &c->bin);
	if (gr_os_zero_id(s.parent))
		s.parent = none;
	if (!s.trace.n || !s.id.n) {
		gr_unit_lost(u, GR_LOST_BAD_SEGMENT, "aws/spans record without a %s",
			     !s.trace.n ? "traceId" : "spanId");
		return;
	}
	int64_t st = gr_os_int(&f[K_START], c->dec);
	int64_t en = gr_os_int(&f[K_END], c->dec);
	int64_t dur = gr_os_int(&f[K_DURATION], c->dec);
	if (en < 0 && st > 0 && dur >= 0 && dur <= INT64_MAX - st)
		en = st + dur;
	if (st <= 0 || en < st) {
		gr_unit_lost(u, GR_LOST_BAD_SEGMENT,
			     "aws/spans record without valid start and end times");
		return;
	}
	gr_tt_members(&f[K_RESOURCE], &attrs_key, 1, &rattrs);
	if (!gr_os_attrs(&rattrs, gr_os_rattr_keys, GR_OS_R_N, ra, c->dec) ||
	    !gr_os_attrs(&f[K_ATTRS], gr_os_attr_keys, GR_OS_N, a, c->dec)) {
		gr_unit_lost(u, GR_LOST_BAD_SEGMENT,
			     "aws/spans record whose attributes are not a map");
		return;
	}
	gr_os_resource(ra, c->dec, &res);
	s.start_us = st / 1000;
	s.end_us = en / 1000;
	s.name = gr_tt_str(&f[K_NAME], c->dec);
	s.svc = res.svc;
	s.kind = gr_os_kind(&f[K_KIND], c->dec);
	s.error = gr_os_status_error(&f[K_STATUS], c->dec);
	gr_os_fill(&s, a, &res, c->dec);
	const struct gr_fetch_opts *o = u->cfg->o;
	if ((o->since_us != GR_TIME_UNKNOWN && s.start_us < o->since_us) ||
	    (o->until_us != GR_TIME_UNKNOWN && s.start_us >= o->until_us) || !wanted(u, &s)) {
		gr_unit_skip(u, GR_SKIP_FILTERED);
		return;
	}
	s.nlinks = links_of(c, &f[K_LINKS], links, lt, ls);
	s.links = links;
	gr_ev_segment(gr_unit_writer(u), &s);
	gr_unit_wrote(u);
}

bool gr_awsspans_record(struct gr_unit *u, const char *doc, size_t n, bool count)
{
	struct gr_jv f[K_N];
	struct actx c = { .dec = &u->xdec, .bin = GR_BUF_INIT };

	if (!members(doc, n, u->cfg->o->max_depth, f) || !is_span(f))
		return false;
	if (count)
		gr_unit_record(u);
	if (gr_tt_reserve(c.dec, n)) {
		gr_unit_nomem(u);
		return true;
	}
	span(u, &c, f);
	gr_buf_release(&c.bin);
	return true;
}
