/* trace_text.c: Jaeger JSON and OTLP/JSON documents recognised from their text, and the scanning helpers both readers share. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fetch/trace_text.h"
#include "fetch/unit.h"

/* --- helpers ----------------------------------------------------------------- */

bool gr_tt_begin(struct gr_js *js, const struct gr_jv *v, bool arr)
{
	if (v->t != (arr ? GR_JT_ARR : GR_JT_OBJ) || !gr_js_begin(js, v->p, v->n, arr, 0))
		return false;
	js->trusted = true;
	return true;
}

bool gr_tt_key_is(const struct gr_jv *k, const char *s, size_t n)
{
	char tmp[384];

	if (!k->esc)
		return k->n == n && !memcmp(k->p, s, n);
	/* an escape is at most 6 bytes for one: a longer key decodes past 64 bytes,
	 * longer than any key looked for */
	if (k->n >= sizeof(tmp) || n >= sizeof(tmp) / 6)
		return false;
	size_t dn = gr_js_unescape(k->p, k->n, tmp);
	return dn == n && !memcmp(tmp, s, n);
}

void gr_tt_members(const struct gr_jv *obj, const struct gr_tt_key *keys, size_t n,
		   struct gr_jv *out)
{
	struct gr_js js;
	struct gr_jv k, v;

	for (size_t i = 0; i < n; i++)
		out[i] = (struct gr_jv){ GR_JT_NONE, NULL, 0, false };
	if (!gr_tt_begin(&js, obj, false))
		return;
	while (gr_js_next(&js, &k, &v) > 0) {
		for (size_t i = 0; i < n; i++) {
			if (gr_tt_key_is(&k, keys[i].s, keys[i].n)) {
				out[i] = v; /* the last of duplicated keys, as jansson keeps */
				break;
			}
		}
	}
}

void gr_tt_kv_first(const struct gr_jv *arr, const struct gr_tt_key *keys, size_t n,
		    struct gr_jv *out, struct gr_buf *dec)
{
	static const struct gr_tt_key kv_keys[2] = { GR_TT_KEY("key"), GR_TT_KEY("value") };
	uint64_t found = 0; /* bit i: keys[i] seen (its value may be absent) */
	struct gr_js a;
	struct gr_jv el, kv[2];

	for (size_t i = 0; i < n; i++)
		out[i] = (struct gr_jv){ GR_JT_NONE, NULL, 0, false };
	if (n > 64 || !gr_tt_begin(&a, arr, true))
		return;
	while (gr_js_next_elem(&a, &el) > 0) {
		gr_tt_members(&el, kv_keys, 2, kv);
		if (kv[0].t != GR_JT_STR)
			continue;
		struct gr_str key = gr_tt_str(&kv[0], dec);
		size_t kn = gr_tt_clen(key);
		for (size_t i = 0; i < n; i++) {
			if (keys[i].n != kn || memcmp(key.p, keys[i].s, kn))
				continue;
			if (!(found & (UINT64_C(1) << i))) {
				found |= UINT64_C(1) << i;
				out[i] = kv[1];
			}
			break;
		}
	}
}

int gr_tt_reserve(struct gr_buf *dec, size_t n)
{
	gr_buf_reset(dec);
	return gr_buf_grow(dec, n + 1);
}

struct gr_str gr_tt_str(const struct gr_jv *v, struct gr_buf *dec)
{
	if (v->t != GR_JT_STR)
		return (struct gr_str){ NULL, 0 };
	/* decoding must never move what was decoded before: room was reserved */
	assert(!v->esc || dec->cap - dec->len > v->n);
	return gr_jv_text(v, dec);
}

size_t gr_tt_clen(struct gr_str s)
{
	const char *z = s.n ? memchr(s.p, '\0', s.n) : NULL;

	return z ? (size_t)(z - s.p) : s.n;
}

bool gr_tt_ceq(struct gr_str s, const char *lit)
{
	size_t n = strlen(lit);

	return s.p && gr_tt_clen(s) == n && !memcmp(s.p, lit, n);
}

bool gr_tt_ceq_nocase(struct gr_str s, const char *lit)
{
	size_t n = strlen(lit);

	return s.p && gr_tt_clen(s) == n && !strncasecmp(s.p, lit, n);
}

/* A number's text has a fraction or an exponent: jansson holds it as a real. */
static bool is_real_text(const struct gr_jv *v)
{
	return memchr(v->p, '.', v->n) || memchr(v->p, 'e', v->n) || memchr(v->p, 'E', v->n);
}

bool gr_tt_int(const struct gr_jv *v, int64_t *out)
{
	return v->t == GR_JT_NUM && !is_real_text(v) && gr_jv_int(v, out);
}

bool gr_tt_real(const struct gr_jv *v, double *out)
{
	char small[128];

	if (v->t != GR_JT_NUM || !is_real_text(v))
		return false;
	char *t = v->n < sizeof(small) ? small : malloc(v->n + 1);
	if (!t)
		return false;
	memcpy(t, v->p, v->n);
	t[v->n] = '\0';
	*out = strtod(t, NULL);
	if (t != small)
		free(t);
	return true;
}

/* --- which document is it ------------------------------------------------------ */

static const struct gr_tt_key top_keys[GR_TT_NTOP] = {
	[GR_TT_DATA] = GR_TT_KEY("data"),
	[GR_TT_TOTAL] = GR_TT_KEY("total"),
	[GR_TT_ERRORS] = GR_TT_KEY("errors"),
	[GR_TT_SPANS] = GR_TT_KEY("spans"),
	[GR_TT_TRACE_ID] = GR_TT_KEY("traceID"),
	[GR_TT_PROCESSES] = GR_TT_KEY("processes"),
	[GR_TT_RESOURCE_SPANS] = GR_TT_KEY("resourceSpans"),
	[GR_TT_RESOURCE_SPANS_PB] = GR_TT_KEY("resource_spans"),
	[GR_TT_EVENTS] = GR_TT_KEY("events"),
	[GR_TT_RESULTS] = GR_TT_KEY("results"),
	[GR_TT_STATUS] = GR_TT_KEY("status"),
	[GR_TT_STATISTICS] = GR_TT_KEY("statistics"),
	[GR_TT_AWSLOGS] = GR_TT_KEY("awslogs"),
	[GR_TT_LOG_EVENTS] = GR_TT_KEY("logEvents"),
	[GR_TT_MESSAGE_TYPE] = GR_TT_KEY("messageType"),
	[GR_TT_RECORDS] = GR_TT_KEY("Records"),
	[GR_TT_RECORDS_LC] = GR_TT_KEY("records"),
	[GR_TT_EXPORT_TASKS] = GR_TT_KEY("exportTasks"),
	[GR_TT_NEXT_FORWARD] = GR_TT_KEY("nextForwardToken"),
	[GR_TT_LOG_GROUPS] = GR_TT_KEY("logGroups"),
	[GR_TT_LOG_STREAMS] = GR_TT_KEY("logStreams"),
};

#define HAS(top, m) ((top)[m].t != GR_JT_NONE)

/* Does the first element of the array arr have the member key? */
static bool first_has(const struct gr_jv *arr, const char *key, size_t n)
{
	struct gr_js a;
	struct gr_jv el, v;
	const struct gr_tt_key k = { key, n };

	if (!gr_tt_begin(&a, arr, true) || gr_js_next_elem(&a, &el) <= 0)
		return false;
	gr_tt_members(&el, &k, 1, &v);
	return v.t != GR_JT_NONE;
}

/* Would gr_cwl_json take the document? It is asked first (json_input.c): its
 * shapes win over the traces' (keep the two in step). */
static bool cwl_shape(const struct gr_jv *top)
{
	return top[GR_TT_EVENTS].t == GR_JT_ARR ||
	       (top[GR_TT_RESULTS].t == GR_JT_ARR &&
		(HAS(top, GR_TT_STATUS) || HAS(top, GR_TT_STATISTICS))) ||
	       HAS(top, GR_TT_AWSLOGS) ||
	       (HAS(top, GR_TT_LOG_EVENTS) && HAS(top, GR_TT_MESSAGE_TYPE)) ||
	       first_has(&top[GR_TT_RECORDS], "kinesis", 7) ||
	       first_has(&top[GR_TT_RECORDS_LC], "data", 4) ||
	       HAS(top, GR_TT_EXPORT_TASKS) || HAS(top, GR_TT_NEXT_FORWARD) ||
	       HAS(top, GR_TT_LOG_GROUPS) || HAS(top, GR_TT_LOG_STREAMS);
}

enum kind { NEITHER, JAEGER, OTLP };

static enum kind kind_of(const struct gr_jv *top, struct gr_jaeger_seen *seen)
{
	if (cwl_shape(top))
		return NEITHER;
	if (gr_jaeger_is(top, seen))
		return JAEGER;
	return gr_otlp_is(top) ? OTLP : NEITHER;
}

static void read_doc(struct gr_unit *u, enum kind k, const struct gr_jv *top,
		     const struct gr_jaeger_seen *seen)
{
	if (k == JAEGER)
		gr_jaeger_doc(u, top, seen);
	else
		gr_otlp_doc(u, top);
}

/* Validate p[0..n) (one object or array) as jansson would accept it; for an object,
 * its top-level members too. */
static bool validate(const char *p, size_t n, bool arr, int max_depth, struct gr_jv *top)
{
	struct gr_js js;
	struct gr_jv k, v;
	int rc;

	if (!gr_js_begin(&js, p, n, arr, max_depth))
		return false;
	js.exact = true;
	if (arr) {
		while ((rc = gr_js_next_elem(&js, &v)) > 0)
			;
		return rc == 0;
	}
	for (size_t i = 0; i < GR_TT_NTOP; i++)
		top[i] = (struct gr_jv){ GR_JT_NONE, NULL, 0, false };
	while ((rc = gr_js_next(&js, &k, &v)) > 0) {
		for (size_t i = 0; i < GR_TT_NTOP; i++) {
			if (gr_tt_key_is(&k, top_keys[i].s, top_keys[i].n)) {
				top[i] = v;
				break;
			}
		}
	}
	return rc == 0;
}

bool gr_trace_text(struct gr_unit *u, const char *p, size_t n)
{
	int max_depth = u->cfg->o->max_depth;
	struct gr_jv top[GR_TT_NTOP];
	struct gr_jaeger_seen seen;
	size_t i = 0;

	while (i < n && (p[i] == ' ' || p[i] == '\n' || p[i] == '\r' || p[i] == '\t'))
		i++;
	if (i < n && p[i] == '{') {
		enum kind k;
		if (!validate(p, n, false, max_depth, top) || (k = kind_of(top, &seen)) == NEITHER)
			return false; /* malformed: jansson says why */
		read_doc(u, k, top, &seen);
		return true;
	}
	if (i < n && p[i] == '[') {
		/* an array of traces: taken when every element is one (else json_input.c
		 * reads each element for itself) */
		struct gr_jv arr = { GR_JT_ARR, p + i, n - i, false }, el;
		struct gr_js a;
		size_t count = 0;
		if (!validate(p, n, true, max_depth, NULL) || !gr_tt_begin(&a, &arr, true))
			return false;
		while (gr_js_next_elem(&a, &el) > 0) {
			gr_tt_members(&el, top_keys, GR_TT_NTOP, top);
			if (el.t != GR_JT_OBJ || kind_of(top, &seen) == NEITHER)
				return false;
			count++;
		}
		if (!count)
			return false;
		gr_tt_begin(&a, &arr, true);
		while (gr_js_next_elem(&a, &el) > 0) {
			gr_tt_members(&el, top_keys, GR_TT_NTOP, top);
			read_doc(u, kind_of(top, &seen), top, &seen);
		}
		return true;
	}
	return false;
}
