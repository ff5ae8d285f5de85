/* jaeger.c: Jaeger JSON traces (query HTTP API, UI downloads, CRISP inputs) to segment records. */
#include <stdlib.h>
#include <string.h>

#include "common/strmap.h"
#include "fetch/trace_text.h"
#include "fetch/unit.h"

/*
 * Read with the pull scanner over the document's text (validated once by
 * trace_text.c): a trace's members are found first, so its processes table may come
 * before or after its spans; then each span is scanned and written. Memory holds the
 * processes table of one trace and the decoded strings of one span, never a tree.
 */

#define MAX_LINKS 64 /* references to other traces kept per span */

static const struct gr_str none = { NULL, 0 };

/* Members of a trace (struct gr_jaeger_seen keeps them). */
enum { T_SPANS, T_PROCESSES, T_TRACE_ID, T_N };
_Static_assert(T_N == sizeof(((struct gr_jaeger_seen *)0)->f[0]) / sizeof(struct gr_jv),
	       "gr_jaeger_seen keeps the members of a trace");
static const struct gr_tt_key trace_keys[T_N] = {
	GR_TT_KEY("spans"), GR_TT_KEY("processes"), GR_TT_KEY("traceID"),
};

/* Members of a span. */
enum { S_SPAN_ID, S_START, S_DURATION, S_TRACE_ID, S_NAME, S_PROCESS, S_PROCESS_ID, S_REFS,
       S_PARENT, S_TAGS, S_N };
static const struct gr_tt_key span_keys[S_N] = {
	GR_TT_KEY("spanID"), GR_TT_KEY("startTime"), GR_TT_KEY("duration"),
	GR_TT_KEY("traceID"), GR_TT_KEY("operationName"), GR_TT_KEY("process"),
	GR_TT_KEY("processID"), GR_TT_KEY("references"), GR_TT_KEY("parentSpanID"),
	GR_TT_KEY("tags"),
};

/* Tags read from a span. */
enum { G_KIND, G_ERROR, G_OTEL_STATUS, G_HTTP, G_HTTP_RESPONSE, G_INVOCATION, G_FAAS_NAME,
       G_RPC_SYSTEM, G_RPC_METHOD, G_N };
static const struct gr_tt_key tag_keys[G_N] = {
	GR_TT_KEY("span.kind"), GR_TT_KEY("error"), GR_TT_KEY("otel.status_code"),
	GR_TT_KEY("http.status_code"), GR_TT_KEY("http.response.status_code"),
	GR_TT_KEY("faas.invocation_id"), GR_TT_KEY("faas.name"), GR_TT_KEY("rpc.system"),
	GR_TT_KEY("rpc.method"),
};

/* One trace's processes table: processID -> serviceName. */
struct procs {
	bool obj;              /* "processes" is an object (else nothing is found in it) */
	struct gr_strmap ix;   /* processID -> index into svc */
	struct gr_str *svc;    /* serviceName of each process, {NULL, 0} when none */
	size_t n, cap;         /* entries in svc, room */
	struct gr_arena arena; /* decoded (escaped) ids and names, and the trace id */
	struct gr_buf dec;     /* decoding scratch while filling the table */
};

/* Reading state of one document. */
struct jctx {
	struct gr_unit *u;     /* the unit written to */
	struct procs pr;       /* the current trace's processes */
	struct gr_buf dec;     /* decoded strings of the current span */
};

/* "0", "0000000000000000": no parent */
static bool all_zero(struct gr_str s)
{
	size_t i = 0;

	while (i < s.n && s.p[i] == '0')
		i++;
	return s.n && i == s.n;
}

static bool same(struct gr_str a, struct gr_str b)
{
	return a.n == b.n && (!a.n || !memcmp(a.p, b.p, a.n));
}

/* A string value's text copied to the arena when escaped (it must outlive dec). */
static int lasting_str(struct procs *pr, const struct gr_jv *v, struct gr_str *out)
{
	*out = none;
	if (v->t != GR_JT_STR)
		return 0;
	if (!v->esc) {
		*out = (struct gr_str){ v->p, v->n };
		return 0;
	}
	if (gr_tt_reserve(&pr->dec, v->n))
		return -1;
	struct gr_str s = gr_tt_str(v, &pr->dec);
	char *copy = gr_arena_strdup(&pr->arena, s.p, s.n);
	if (!copy)
		return -1;
	*out = (struct gr_str){ copy, s.n };
	return 0;
}

static void procs_release(struct procs *pr)
{
	gr_strmap_release(&pr->ix);
	free(pr->svc);
	gr_arena_release(&pr->arena);
	gr_buf_release(&pr->dec);
	memset(pr, 0, sizeof(*pr));
}

/* Fill the table from "processes" (an object of {"serviceName",...}); -1 when out
 * of memory. */
static int procs_fill(struct procs *pr, const struct gr_jv *procs)
{
	static const struct gr_tt_key name_key = GR_TT_KEY("serviceName");
	struct gr_js js;
	struct gr_jv k, v, name;

	pr->obj = procs->t == GR_JT_OBJ;
	if (!gr_tt_begin(&js, procs, false))
		return 0;
	while (gr_js_next(&js, &k, &v) > 0) {
		struct gr_str key, svc;
		gr_tt_members(&v, &name_key, 1, &name);
		if (lasting_str(pr, &k, &key) || lasting_str(pr, &name, &svc))
			return -1;
		if (pr->n >= UINT32_MAX || GR_GROW(pr->svc, pr->n, pr->cap))
			return -1;
		int added;
		uint32_t *ix = gr_strmap_put(&pr->ix, key.p, key.n, (uint32_t)pr->n, &added);
		if (!ix)
			return -1;
		if (added)
			pr->svc[pr->n++] = svc;
		else
			pr->svc[*ix] = svc; /* the last of duplicated ids, as jansson keeps */
	}
	return 0;
}

/* The service of a span: its process (inline, or in the trace's table). */
static struct gr_str service(const struct gr_jv *f, const struct procs *pr, struct gr_buf *dec)
{
	static const struct gr_tt_key name_key = GR_TT_KEY("serviceName");
	struct gr_jv name;

	if (f[S_PROCESS].t == GR_JT_OBJ) {
		gr_tt_members(&f[S_PROCESS], &name_key, 1, &name);
		return gr_tt_str(&name, dec);
	}
	struct gr_str pid = gr_tt_str(&f[S_PROCESS_ID], dec);
	if (!pid.n || !pr->obj)
		return none;
	/* the id was a C string to the table's lookup: up to a "\u0000" */
	uint32_t *ix = gr_strmap_get(&pr->ix, pid.p, gr_tt_clen(pid));
	return ix ? pr->svc[*ix] : none;
}

/* The tags read: tags are [{"key","type","value"}] (the first of a key counts) or,
 * in some exports, an object. out[i] GR_JT_NONE when absent. */
static void tags(const struct gr_jv *tags, struct gr_jv *out, struct gr_buf *dec)
{
	if (tags->t == GR_JT_OBJ)
		gr_tt_members(tags, tag_keys, G_N, out);
	else
		gr_tt_kv_first(tags, tag_keys, G_N, out, dec);
}

static bool truthy(const struct gr_jv *v, struct gr_buf *dec)
{
	return v->t == GR_JT_TRUE || gr_tt_ceq_nocase(gr_tt_str(v, dec), "true");
}

/* "server", "client", "producer", "consumer", "internal", as written by every tracer. */
static struct gr_str kind_of(const struct gr_jv *v, struct gr_buf *dec)
{
	static const char *const kinds[] = { "server", "client", "producer", "consumer",
					     "internal", NULL };
	struct gr_str s = gr_tt_str(v, dec);

	for (int i = 0; s.p && kinds[i]; i++)
		if (gr_tt_ceq_nocase(s, kinds[i]))
			return (struct gr_str){ kinds[i], strlen(kinds[i]) };
	return none;
}

/* Is the trace (its spans, with the table) showing a service (or Lambda function)
 * that --function keeps? */
static bool trace_wanted(struct jctx *c, const struct gr_jv *spans)
{
	struct gr_fn_filter *filter = c->u->cfg->filter;
	struct gr_js a;
	struct gr_jv sp, f[S_N], g[G_N];

	if (!filter)
		return true;
	if (!gr_tt_begin(&a, spans, true))
		return false;
	while (gr_js_next_elem(&a, &sp) > 0) {
		gr_tt_members(&sp, span_keys, S_N, f);
		if (gr_tt_reserve(&c->dec, sp.n))
			return true; /* out of memory: each span will say so */
		struct gr_str svc = service(f, &c->pr, &c->dec);
		if (svc.n && gr_fn_filter_match(filter, svc.p, svc.n))
			return true;
		tags(&f[S_TAGS], g, &c->dec);
		struct gr_str faas = gr_tt_str(&g[G_FAAS_NAME], &c->dec);
		if (faas.p && gr_fn_filter_match(filter, faas.p, faas.n))
			return true;
	}
	return false;
}

/* The parent: the first CHILD_OF reference in the trace, else the first
 * FOLLOWS_FROM; references into other traces become links. */
static void references(struct gr_xseg *s, struct gr_xlink *links, const struct gr_jv *refs,
		       struct gr_buf *dec)
{
	static const struct gr_tt_key ref_keys[3] = {
		GR_TT_KEY("traceID"), GR_TT_KEY("spanID"), GR_TT_KEY("refType"),
	};
	struct gr_str follows = none;
	struct gr_js a;
	struct gr_jv r, f[3];

	if (!gr_tt_begin(&a, refs, true))
		return;
	while (gr_js_next_elem(&a, &r) > 0) {
		gr_tt_members(&r, ref_keys, 3, f);
		struct gr_str rt = gr_tt_str(&f[0], dec), rid = gr_tt_str(&f[1], dec);
		struct gr_str type = gr_tt_str(&f[2], dec);
		bool ff = type.n && gr_tt_ceq_nocase(type, "FOLLOWS_FROM");
		if (!rid.n)
			continue;
		if (rt.n && !same(rt, s->trace)) {
			if (s->nlinks < MAX_LINKS)
				links[s->nlinks++] = (struct gr_xlink){
					rt, rid,
					ff ? (struct gr_str){ "follows_from", 12 }
					   : (struct gr_str){ "child_of", 8 }, { NULL, 0 } };
			continue;
		}
		if (!ff && !s->parent.n)
			s->parent = rid;
		else if (ff && !follows.n)
			follows = rid;
	}
	if (!s->parent.n && follows.n) {
		s->parent = follows;
		s->ref = (struct gr_str){ "follows_from", 12 };
	}
}

/* One span: a record of its own. */
static void span(struct jctx *c, const struct gr_jv *sp, struct gr_str trace)
{
	struct gr_unit *u = c->u;
	struct gr_buf *dec = &c->dec;
	struct gr_xseg s;
	struct gr_xlink links[MAX_LINKS];
	struct gr_jv f[S_N], g[G_N];
	int64_t st = 0, du = 0;

	gr_unit_record(u);
	if (sp->t != GR_JT_OBJ) {
		gr_unit_lost(u, GR_LOST_BAD_SEGMENT, "Jaeger span that is not an object");
		return;
	}
	if (gr_tt_reserve(dec, sp->n)) {
		gr_unit_lost(u, GR_LOST_BAD_SEGMENT, "out of memory");
		return;
	}
	gr_tt_members(sp, span_keys, S_N, f);
	memset(&s, 0, sizeof(s));
	s.id = gr_tt_str(&f[S_SPAN_ID], dec);
	bool has_du = f[S_DURATION].t != GR_JT_NONE;
	if (!s.id.n || !gr_tt_int(&f[S_START], &st) || (has_du && !gr_tt_int(&f[S_DURATION], &du)) ||
	    st < 0 || du < 0 || st > GR_MAX_INT || du > GR_MAX_INT) {
		gr_unit_lost(u, GR_LOST_BAD_SEGMENT, "Jaeger span without %s",
			     !s.id.n ? "a spanID" : "an integer startTime and duration");
		return;
	}
	s.start_us = st;
	s.end_us = st + du;
	const struct gr_fetch_opts *o = u->cfg->o;
	if ((o->since_us != GR_TIME_UNKNOWN && s.start_us < o->since_us) ||
	    (o->until_us != GR_TIME_UNKNOWN && s.start_us >= o->until_us)) {
		gr_unit_skip(u, GR_SKIP_FILTERED);
		return;
	}
	struct gr_str own = gr_tt_str(&f[S_TRACE_ID], dec);
	s.trace = own.n ? own : trace;
	s.name = gr_tt_str(&f[S_NAME], dec);
	s.svc = service(f, &c->pr, dec);
	references(&s, links, &f[S_REFS], dec);
	if (!s.parent.n)
		s.parent = gr_tt_str(&f[S_PARENT], dec); /* the older model */
	if (all_zero(s.parent))
		s.parent = none;
	s.links = links;

	tags(&f[S_TAGS], g, dec);
	s.kind = kind_of(&g[G_KIND], dec);
	s.error = truthy(&g[G_ERROR], dec) ||
		  gr_tt_ceq(gr_tt_str(&g[G_OTEL_STATUS], dec), "ERROR");
	const struct gr_jv *h = g[G_HTTP].t != GR_JT_NONE ? &g[G_HTTP] : &g[G_HTTP_RESPONSE];
	int64_t code;
	struct gr_str hs;
	if (gr_tt_int(h, &code))
		s.http = (int)code;
	else if ((hs = gr_tt_str(h, dec)).p)
		s.http = (int)strtol(hs.p, NULL, 10);
	if (s.http < 100 || s.http > 999)
		s.http = 0;
	/* OpenTelemetry Lambda spans name their invocation and function */
	s.req = gr_tt_str(&g[G_INVOCATION], dec);
	s.fn = gr_tt_str(&g[G_FAAS_NAME], dec);
	if (gr_tt_ceq(gr_tt_str(&g[G_RPC_SYSTEM], dec), "aws-api"))
		s.op = gr_tt_str(&g[G_RPC_METHOD], dec);
	gr_ev_segment(gr_unit_writer(u), &s);
	gr_unit_wrote(u);
}

/* One trace: {"traceID","spans":[...],"processes":{...}}, in any order. */
static void trace(struct jctx *c, const struct gr_jv *f)
{
	struct gr_unit *u = c->u;
	struct gr_js a;
	struct gr_jv sp;
	struct gr_str id;

	procs_release(&c->pr);
	if (!gr_tt_begin(&a, &f[T_SPANS], true))
		return; /* never: is_trace saw an array */
	if (lasting_str(&c->pr, &f[T_TRACE_ID], &id) || procs_fill(&c->pr, &f[T_PROCESSES])) {
		while (gr_js_next_elem(&a, &sp) > 0) {
			gr_unit_record(u);
			gr_unit_lost(u, GR_LOST_BAD_SEGMENT, "out of memory");
		}
		return;
	}
	if (!trace_wanted(c, &f[T_SPANS])) {
		while (gr_js_next_elem(&a, &sp) > 0) {
			gr_unit_record(u);
			gr_unit_skip(u, GR_SKIP_FILTERED);
		}
		return;
	}
	while (gr_js_next_elem(&a, &sp) > 0) {
		if (u->fatal)
			return;
		span(c, &sp, id);
		gr_unit_flush(u);
	}
}

static bool is_trace(const struct gr_jv *f)
{
	return f[T_SPANS].t == GR_JT_ARR &&
	       (f[T_TRACE_ID].t != GR_JT_NONE || f[T_PROCESSES].t != GR_JT_NONE);
}

/* The trace members among a document's top-level members. */
static void top_trace(const struct gr_jv *top, struct gr_jv *f)
{
	f[T_SPANS] = top[GR_TT_SPANS];
	f[T_PROCESSES] = top[GR_TT_PROCESSES];
	f[T_TRACE_ID] = top[GR_TT_TRACE_ID];
}

bool gr_jaeger_is(const struct gr_jv *top, struct gr_jaeger_seen *seen)
{
	const struct gr_jv *data = &top[GR_TT_DATA];
	struct gr_jv f[T_N], t;
	struct gr_js a;
	bool any = false;

	seen->n = 0;
	seen->more = false;
	top_trace(top, f);
	if (is_trace(f))
		return true;
	if (data->t == GR_JT_NONE ||
	    !(top[GR_TT_TOTAL].t != GR_JT_NONE || top[GR_TT_ERRORS].t != GR_JT_NONE ||
	      data->t == GR_JT_ARR))
		return false;
	if (!gr_tt_begin(&a, data, true))
		return true; /* {"data":null,"errors":[...]}: an answer without traces */
	for (;;) {
		if (seen->n == GR_JAEGER_SEEN && !seen->more) {
			seen->rest = a;
			seen->more = true;
		}
		if (gr_js_next_elem(&a, &t) <= 0)
			break;
		any = true;
		gr_tt_members(&t, trace_keys, T_N, f);
		if (t.t != GR_JT_OBJ || !is_trace(f))
			return false;
		if (seen->n < GR_JAEGER_SEEN)
			memcpy(seen->f[seen->n++], f, sizeof(f));
	}
	return any || top[GR_TT_TOTAL].t != GR_JT_NONE || top[GR_TT_ERRORS].t != GR_JT_NONE;
}

void gr_jaeger_doc(struct gr_unit *u, const struct gr_jv *top, const struct gr_jaeger_seen *seen)
{
	struct jctx c = { .u = u };
	struct gr_jv f[T_N], t;
	struct gr_js a;

	top_trace(top, f);
	if (is_trace(f)) {
		trace(&c, f);
		goto out;
	}
	for (size_t i = 0; i < seen->n; i++)
		trace(&c, seen->f[i]);
	if (seen->more) {
		a = seen->rest;
		while (gr_js_next_elem(&a, &t) > 0) {
			gr_tt_members(&t, trace_keys, T_N, f);
			trace(&c, f);
		}
	}
	if (seen->n)
		goto out;
	/* {"data":[] or null,"total":0,...,"errors":[...]}: an answer without traces */
	gr_unit_record(u);
	gr_unit_skip(u, GR_SKIP_NOT_TRACE);
	if (gr_tt_begin(&a, &top[GR_TT_ERRORS], true) && gr_js_next_elem(&a, &t) > 0) {
		static const struct gr_tt_key msg_key = GR_TT_KEY("msg");
		struct gr_jv msg;
		char esc[200];
		gr_tt_members(&t, &msg_key, 1, &msg);
		struct gr_str m = gr_tt_reserve(&c.dec, t.n) ? none : gr_tt_str(&msg, &c.dec);
		gr_unit_notice(u, "Jaeger answer without traces: %s",
			       m.n ? gr_escape_msg(m.p, m.n, 120, esc, sizeof(esc)) : "(no message)");
	}
out:
	procs_release(&c.pr);
	gr_buf_release(&c.dec);
}

/* A bare array of spans (what Jaeger's anonymizer and some exports write): one
 * trace without a processes table, each span's process inline. */
void gr_jaeger_spans(struct gr_unit *u, const struct gr_jv *arr)
{
	struct jctx c = { .u = u };
	struct gr_jv f[T_N], first, tid;
	struct gr_js a;
	static const struct gr_tt_key tk = GR_TT_KEY("traceID");

	f[T_SPANS] = *arr;
	f[T_PROCESSES] = (struct gr_jv){ GR_JT_NONE, NULL, 0, false };
	f[T_TRACE_ID] = (struct gr_jv){ GR_JT_NONE, NULL, 0, false };
	if (gr_tt_begin(&a, arr, true) && gr_js_next_elem(&a, &first) > 0) {
		gr_tt_members(&first, &tk, 1, &tid);
		f[T_TRACE_ID] = tid;
	}
	trace(&c, f);
	procs_release(&c.pr);
	gr_buf_release(&c.dec);
}

/* Is arr an array of Jaeger spans (every element with "spanID" and "traceID", none a
 * trace)? */
bool gr_jaeger_spans_is(const struct gr_jv *arr)
{
	static const struct gr_tt_key k[3] = {
		GR_TT_KEY("spanID"), GR_TT_KEY("traceID"), GR_TT_KEY("spans"),
	};
	struct gr_jv el, v[3];
	struct gr_js a;
	size_t count = 0;

	if (!gr_tt_begin(&a, arr, true))
		return false;
	while (gr_js_next_elem(&a, &el) > 0) {
		gr_tt_members(&el, k, 3, v);
		if (el.t != GR_JT_OBJ || v[0].t != GR_JT_STR || v[1].t != GR_JT_STR ||
		    v[2].t != GR_JT_NONE)
			return false;
		count++;
	}
	return count > 0;
}
