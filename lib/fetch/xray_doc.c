/* xray_doc.c: X-Ray inputs: batch-get-traces pages, trace objects, segment documents, daemon datagrams. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/json_scan.h"
#include "fetch/unit.h"

/*
 * X-Ray pages are large (megabytes) and made mostly of segment documents held as
 * JSON strings inside JSON, so they are read with the pull scanner, not jansson:
 * the page is validated once, each Document string is decoded once and its
 * (sub)segments are walked without building a tree.
 */

#define MAX_SEGMENT_NODES (1u << 22) /* (sub)segments walked in one document */
#define MAX_LINKS 64                 /* links kept per segment (X-Ray allows 20) */

/* Start a scanner over text already validated (the whole page or document was
 * checked once): nested values are skipped without being checked again. */
static bool begin(struct gr_js *js, const char *p, size_t n, bool arr)
{
	if (!gr_js_begin(js, p, n, arr, 0))
		return false;
	js->trusted = true;
	return true;
}

/* Float epoch seconds ("1.499473411677E9") to microseconds; -1 if not a time. */
static int64_t seconds(const struct gr_jv *v)
{
	double d;

	if (v->t != GR_JT_NUM || !gr_jv_double(v, &d) || !(d > 0 && d < 1e11))
		return -1;
	return (int64_t)llround(d * 1e6);
}

#define KEY(k, lit) gr_jv_is(&(k), lit, sizeof(lit) - 1)

/* Fields of the "aws" object of a (sub)segment (js: entered on it). */
static void aws_fields(struct gr_xseg *s, struct gr_js *js, struct gr_buf *dec)
{
	struct gr_js a, o;
	struct gr_jv k, v, ok, ov;

	while (gr_js_key(js, &k) > 0) {
		if (KEY(k, "cloudwatch_logs") && gr_js_enter(js, true, &a)) {
			if (gr_js_elem(&a) > 0 && gr_js_enter(&a, false, &o)) {
				while (gr_js_next(&o, &ok, &ov) > 0)
					if (KEY(ok, "log_group"))
						s->log_group = gr_jv_text(&ov, dec);
				gr_js_leave(&a, &o);
			}
			gr_js_leave(js, &a);
			continue;
		}
		if (gr_js_value(js, &v) <= 0)
			return;
		if (KEY(k, "request_id"))
			s->req = gr_jv_text(&v, dec);
		else if (KEY(k, "operation"))
			s->op = gr_jv_text(&v, dec);
		else if (KEY(k, "function_name"))
			s->fn = gr_jv_text(&v, dec);
		else if (KEY(k, "invocation_type"))
			s->inv = gr_jv_text(&v, dec);
		else if (KEY(k, "table_name"))
			s->table = gr_jv_text(&v, dec);
		else if (KEY(k, "queue_url"))
			s->queue = gr_jv_text(&v, dec);
		else if (KEY(k, "topic_arn"))
			s->topic = gr_jv_text(&v, dec);
		else if (KEY(k, "function_arn") && !s->arn.n)
			s->arn = gr_jv_text(&v, dec);
	}
}

/* http.response.status (js: entered on "http"); 0 when absent */
static int http_status(struct gr_js *js)
{
	struct gr_js r;
	struct gr_jv k, rk, rv;
	int64_t st;
	int found = 0;

	while (!found && gr_js_key(js, &k) > 0) {
		if (!KEY(k, "response") || !gr_js_enter(js, false, &r))
			continue;
		while (gr_js_next(&r, &rk, &rv) > 0)
			if (KEY(rk, "status") && gr_jv_int(&rv, &st) && st > 0 && st < 1000) {
				found = (int)st;
				break;
			}
		gr_js_leave(js, &r);
	}
	return found;
}

/* links[] (a: entered on it): {"trace_id","id","attributes":{"aws.xray.reserved.reference_type"}} */
static size_t links(struct gr_xlink *out, struct gr_js *a, struct gr_buf *dec)
{
	struct gr_js o, at;
	struct gr_jv k, v, ak, av;
	size_t n = 0;

	while (n < MAX_LINKS && gr_js_elem(a) > 0) {
		if (!gr_js_enter(a, false, &o))
			continue;
		struct gr_xlink l = { 0 };
		while (gr_js_key(&o, &k) > 0) {
			if (KEY(k, "attributes") && gr_js_enter(&o, false, &at)) {
				while (gr_js_next(&at, &ak, &av) > 0)
					if (KEY(ak, "aws.xray.reserved.reference_type"))
						l.ref = gr_jv_text(&av, dec);
				gr_js_leave(&o, &at);
				continue;
			}
			if (gr_js_value(&o, &v) <= 0)
				break;
			if (KEY(k, "trace_id"))
				l.trace = gr_jv_text(&v, dec);
			else if (KEY(k, "id"))
				l.id = gr_jv_text(&v, dec);
		}
		gr_js_leave(a, &o);
		if (l.id.n)
			out[n++] = l;
	}
	return n;
}

/* precursor_ids[] (a: entered on it): strings */
static size_t id_list(struct gr_str *out, size_t max, struct gr_js *a, struct gr_buf *dec)
{
	struct gr_jv el;
	size_t n = 0;

	while (n < max && gr_js_next_elem(a, &el) > 0)
		if (el.t == GR_JT_STR)
			out[n++] = gr_jv_text(&el, dec);
	return n;
}

/* One work item of the walk: a (sub)segment and what it inherits. */
struct walk {
	struct gr_jv obj;     /* the (sub)segment's text */
	struct gr_str parent; /* enclosing (sub)segment id */
	bool sub;             /* nested under another */
};

/* Scratch of one document walk. */
struct xwalk {
	struct walk *stack;
	size_t n, cap;
	struct gr_jv *kids;      /* the subsegments of the (sub)segment last filled */
	size_t nkids, kcap;
	size_t kids_lost;        /* of them, not kept for want of memory */
	struct gr_xlink link[MAX_LINKS];
	struct gr_str prec[MAX_LINKS];
};

/* Its subsegments[] (a: entered on it) into x->kids, each element skipped once. */
static void kids(struct xwalk *x, struct gr_js *a)
{
	struct gr_jv el;

	while (gr_js_next_elem(a, &el) > 0) {
		if (x->nkids == x->kcap) {
			size_t cap = x->kcap ? x->kcap * 2 : 16;
			struct gr_jv *p = realloc(x->kids, cap * sizeof(*p));
			if (!p) {
				x->kids_lost++;
				continue;
			}
			x->kids = p;
			x->kcap = cap;
		}
		x->kids[x->nkids++] = el;
	}
}

/* A member of a (sub)segment holding an object or array, read by descending into
 * it (js is before its value): true when k names one (its value is then read). */
static bool fill_nested(struct gr_xseg *s, struct xwalk *x, struct gr_js *js,
			const struct gr_jv *k, struct gr_buf *dec)
{
	struct gr_js c;

	if (KEY(*k, "aws")) {
		if (gr_js_enter(js, false, &c)) {
			aws_fields(s, &c, dec);
			gr_js_leave(js, &c);
		}
	} else if (KEY(*k, "http")) {
		s->http = 0;
		if (gr_js_enter(js, false, &c)) {
			s->http = http_status(&c);
			gr_js_leave(js, &c);
		}
	} else if (KEY(*k, "links")) {
		s->nlinks = 0;
		if (gr_js_enter(js, true, &c)) {
			s->nlinks = links(x->link, &c, dec);
			gr_js_leave(js, &c);
		}
	} else if (KEY(*k, "precursor_ids")) {
		s->nprecursors = 0;
		if (gr_js_enter(js, true, &c)) {
			s->nprecursors = id_list(x->prec, MAX_LINKS, &c, dec);
			gr_js_leave(js, &c);
		}
	} else if (KEY(*k, "subsegments")) {
		x->nkids = x->kids_lost = 0; /* the last one counts */
		if (gr_js_enter(js, true, &c)) {
			kids(x, &c);
			gr_js_leave(js, &c);
		}
	} else {
		return false;
	}
	return true;
}

/* Fill s from one (sub)segment; x->kids gets its subsegments. False when it is not
 * a (sub)segment (no id or start time). */
static bool fill(struct gr_xseg *s, struct xwalk *x, const struct walk *w, struct gr_str trace,
		 struct gr_buf *dec)
{
	struct gr_js js;
	struct gr_jv k, v;

	memset(s, 0, sizeof(*s));
	s->start_us = s->end_us = -1;
	x->nkids = x->kids_lost = 0;
	if (w->obj.t != GR_JT_OBJ || !begin(&js, w->obj.p, w->obj.n, false))
		return false;
	while (gr_js_key(&js, &k) > 0) {
		if (k.esc || !k.n || fill_nested(s, x, &js, &k, dec))
			continue;
		if (gr_js_value(&js, &v) <= 0)
			break;
		switch (k.p[0]) {
		case 'e':
			if (KEY(k, "end_time"))
				s->end_us = seconds(&v);
			else if (KEY(k, "error"))
				s->error = v.t == GR_JT_TRUE;
			break;
		case 'f':
			if (KEY(k, "fault"))
				s->fault = v.t == GR_JT_TRUE;
			break;
		case 'i':
			if (KEY(k, "id"))
				s->id = gr_jv_text(&v, dec);
			else if (KEY(k, "in_progress"))
				s->in_progress = v.t == GR_JT_TRUE;
			else if (KEY(k, "inferred"))
				s->inferred = v.t == GR_JT_TRUE;
			break;
		case 'n':
			if (KEY(k, "name"))
				s->name = gr_jv_text(&v, dec);
			else if (KEY(k, "namespace"))
				s->ns = gr_jv_text(&v, dec);
			break;
		case 'o':
			if (KEY(k, "origin"))
				s->origin = gr_jv_text(&v, dec);
			break;
		case 'p':
			if (KEY(k, "parent_id"))
				s->parent = gr_jv_text(&v, dec);
			break;
		case 'r':
			if (KEY(k, "resource_arn"))
				s->arn = gr_jv_text(&v, dec);
			break;
		case 's':
			if (KEY(k, "start_time"))
				s->start_us = seconds(&v);
			break;
		case 't':
			if (KEY(k, "trace_id"))
				s->trace = gr_jv_text(&v, dec);
			else if (KEY(k, "throttle"))
				s->throttle = v.t == GR_JT_TRUE;
			else if (KEY(k, "type") && gr_jv_is(&v, "subsegment", 10))
				s->sub = true;
			break;
		}
	}
	s->links = x->link;
	s->precursors = x->prec;
	if (!s->trace.n)
		s->trace = trace;
	if (!s->parent.n)
		s->parent = w->parent;
	s->sub = s->sub || w->sub;
	if (s->in_progress)
		s->end_us = -1;
	return s->id.n && s->start_us >= 0;
}

static bool push(struct xwalk *x, const struct walk *w)
{
	if (x->n == x->cap) {
		size_t cap = x->cap ? x->cap * 2 : 32;
		struct walk *p = realloc(x->stack, cap * sizeof(*p));
		if (!p)
			return false;
		x->stack = p;
		x->cap = cap;
	}
	x->stack[x->n++] = *w;
	return true;
}

/* Emit a segment document (doc[0..n), validated) and every nested subsegment,
 * depth first in document order, without recursion. The record is begun. */
static void segment_doc(struct gr_unit *u, const char *doc, size_t n, struct gr_str trace)
{
	struct gr_buf *dec = &u->xdec;
	struct xwalk x = { 0 };
	struct gr_xseg s;
	size_t walked = 0, skipped = 0;
	char esc[80];

	/* decoded strings never outgrow the document: reserve once, slices stay put */
	gr_buf_reset(dec);
	if (gr_buf_grow(dec, n + 1)) {
		gr_unit_lost(u, GR_LOST_BAD_SEGMENT, "out of memory");
		return;
	}
	struct walk root = { { GR_JT_OBJ, doc, n, false }, { NULL, 0 }, false };
	if (!fill(&s, &x, &root, trace, dec)) {
		free(x.kids);
		gr_unit_lost(u, GR_LOST_BAD_SEGMENT, "X-Ray segment %s%s%s without %s",
			     s.id.n ? "'" : "",
			     s.id.n ? gr_escape_msg(s.id.p, s.id.n, 40, esc, sizeof(esc)) : "",
			     s.id.n ? "'" : "", !s.id.n ? "an id" : "a valid start_time");
		return;
	}
	const struct gr_fetch_opts *o = u->cfg->o;
	if ((o->since_us != GR_TIME_UNKNOWN && s.start_us < o->since_us) ||
	    (o->until_us != GR_TIME_UNKNOWN && s.start_us >= o->until_us)) {
		gr_unit_skip(u, GR_SKIP_FILTERED);
		return;
	}
	struct gr_str root_trace = s.trace;
	for (;;) {
		gr_ev_segment(gr_unit_writer(u), &s);
		if (gr_unit_wrote(u))
			break;
		/* its subsegments, pushed in reverse so the first is written first */
		size_t base = x.n;
		for (size_t i = 0; i < x.nkids; i++) {
			struct walk w = { x.kids[i], s.id, true };
			if (++walked > MAX_SEGMENT_NODES || !push(&x, &w))
				skipped++;
		}
		walked += x.kids_lost;
		skipped += x.kids_lost;
		/* j is one past the element to swap: no subsegments push nothing */
		for (size_t i = base, j = x.n; i + 1 < j; i++, j--) {
			struct walk t = x.stack[i];
			x.stack[i] = x.stack[j - 1];
			x.stack[j - 1] = t;
		}
		bool found = false;
		while (x.n && !found) {
			struct walk w = x.stack[--x.n];
			found = fill(&s, &x, &w, root_trace, dec);
			if (!found)
				skipped++;
		}
		if (!found)
			break;
	}
	free(x.stack);
	free(x.kids);
	if (skipped)
		gr_unit_notice(u, "%zu X-Ray subsegment%s without id or start_time skipped",
			       skipped, skipped == 1 ? "" : "s");
}

/* Does this segment document name a function --function keeps? */
static bool names_function(struct gr_unit *u, const char *doc, size_t n)
{
	struct gr_js js;
	struct gr_jv k, v;
	bool lambda = false;
	char name[1024];
	size_t nn = 0;

	if (!begin(&js, doc, n, false))
		return false;
	while (gr_js_next(&js, &k, &v) > 0) {
		if (KEY(k, "origin"))
			lambda = v.t == GR_JT_STR && v.n >= 11 && !memcmp(v.p, "AWS::Lambda", 11);
		else if (KEY(k, "name") && v.t == GR_JT_STR && v.n < sizeof(name))
			nn = v.esc ? gr_js_unescape(v.p, v.n, name) : (memcpy(name, v.p, v.n), v.n);
	}
	return lambda && nn && gr_fn_filter_match(u->cfg->filter, name, nn);
}

/* A segment document held in Segments[]: as a JSON string (decoded into the unit's
 * trace buffer, so known by offset until every document is decoded), as an object,
 * or the element being the segment itself. */
struct seg_text {
	const char *p;  /* text in the page, or NULL when decoded */
	size_t off;     /* offset in u->xdocs when decoded */
	size_t n;       /* length */
};

/* What one element of Segments[] holds, found while the trace is read; what it
 * costs (decoding, accounting) waits until the whole trace was read. */
struct seg_ref {
	struct gr_jv el;        /* the element */
	struct gr_jv doc, sid;  /* its "Document" and "Id" (the last of each), or none */
	bool has_id, has_start; /* it has "id" and "start_time" (a document itself) */
};

/* Read the element a is before into r, descending into it when it is an object:
 * the page is passed once, the Document string skipped once. */
static void seg_ref(struct gr_js *a, struct seg_ref *r)
{
	struct gr_js o;
	struct gr_jv k, v;
	const char *b = a->p;

	memset(r, 0, sizeof(*r));
	r->doc.t = r->sid.t = GR_JT_NONE;
	if (!gr_js_enter(a, false, &o)) {
		gr_js_value(a, &r->el);
		return;
	}
	while (gr_js_next(&o, &k, &v) > 0) {
		if (KEY(k, "Document"))
			r->doc = v;
		else if (KEY(k, "Id"))
			r->sid = v;
		else if (KEY(k, "id"))
			r->has_id = true;
		else if (KEY(k, "start_time"))
			r->has_start = true;
	}
	gr_js_leave(a, &o);
	r->el = (struct gr_jv){ GR_JT_OBJ, b, (size_t)(a->p - b), false };
}

static bool segment_text(struct gr_unit *u, const struct seg_ref *r, struct seg_text *out)
{
	const struct gr_jv *seg = &r->el, *doc = &r->doc, *sid = &r->sid;
	const char *why = NULL;
	char esc[80];

	if (doc->t == GR_JT_OBJ) {
		*out = (struct seg_text){ doc->p, 0, doc->n };
		return true;
	}
	if (doc->t == GR_JT_NONE && r->has_id && r->has_start) {
		/* the document itself, as AWS IATK stores it */
		*out = (struct seg_text){ seg->p, 0, seg->n };
		return true;
	}
	if (doc->t == GR_JT_STR) {
		if (gr_buf_grow(&u->xdocs, doc->n + 1)) {
			gr_unit_record(u);
			gr_unit_lost(u, GR_LOST_BAD_SEGMENT, "out of memory");
			return false;
		}
		char *p = u->xdocs.data + u->xdocs.len;
		size_t n = doc->esc ? gr_js_unescape(doc->p, doc->n, p)
				    : (memcpy(p, doc->p, doc->n), doc->n);
		if (gr_js_valid(p, n, false, u->cfg->o->max_depth, &why)) {
			*out = (struct seg_text){ NULL, u->xdocs.len, n };
			u->xdocs.len += n;
			return true;
		}
	}
	gr_unit_record(u); /* lost here: a record of its own */
	gr_escape_msg(sid->p, sid->t == GR_JT_STR ? sid->n : 0, 40, esc, sizeof(esc));
	if (doc->t != GR_JT_STR)
		gr_unit_lost(u, GR_LOST_BAD_SEGMENT, "X-Ray trace segment '%s' without a Document",
			     esc);
	else
		gr_unit_lost(u, GR_LOST_JSON, "malformed X-Ray segment Document of '%s': %s", esc,
			     why ? why : "not a JSON object");
	return false;
}

/* A trace as found while its page is read: its elements are refs[first..first+n)
 * of the page. */
struct xtrace {
	struct gr_str id;   /* "Id" (the last unescaped string), or none */
	size_t first, n;    /* its elements among the page's refs */
	bool segs;          /* it has a Segments (or Spans) array */
	bool nomem;         /* its elements could not all be noted */
};

/* The traces of a page (or of one trace object), noted in one pass. */
struct xpage {
	struct xtrace *t;
	size_t nt, tcap;
	struct seg_ref *refs;
	size_t nrefs, rcap;
	size_t lost;        /* traces that could not be noted (out of memory) */
};

static void xpage_release(struct xpage *pg)
{
	free(pg->t);
	free(pg->refs);
	memset(pg, 0, sizeof(*pg));
}

/* Note one trace (js: entered on it, validating or trusted; every member is read
 * so that a validating scan checks it all):
 * {"Id","Duration","Segments"|"Spans":[{"Id","Document"}]} */
static void collect_trace(struct xpage *pg, struct gr_js *js)
{
	struct gr_js a;
	struct gr_jv k, v;
	struct xtrace t = { { NULL, 0 }, pg->nrefs, 0, false, false };

	while (gr_js_key(js, &k) > 0) {
		if ((KEY(k, "Segments") || KEY(k, "Spans")) && gr_js_enter(js, true, &a)) {
			t.segs = true;
			pg->nrefs = t.first; /* the last array counts */
			t.n = 0;
			while (gr_js_elem(&a) > 0) {
				if (!t.nomem && pg->nrefs == pg->rcap &&
				    GR_GROW(pg->refs, pg->nrefs, pg->rcap))
					t.nomem = true;
				if (t.nomem)
					continue; /* the next element skips (and checks) it */
				seg_ref(&a, &pg->refs[pg->nrefs++]);
				t.n++;
			}
			gr_js_leave(js, &a);
			continue;
		}
		if (gr_js_value(js, &v) <= 0)
			break;
		if (KEY(k, "Id") && v.t == GR_JT_STR && !v.esc)
			t.id = (struct gr_str){ v.p, v.n };
	}
	if (pg->nt == pg->tcap && GR_GROW(pg->t, pg->nt, pg->tcap)) {
		pg->nrefs = t.first;
		pg->lost++;
		return;
	}
	pg->t[pg->nt++] = t;
}

/* Decode, count and write one noted trace. */
static void emit_trace(struct gr_unit *u, const struct xpage *pg, const struct xtrace *t)
{
	const struct seg_ref *refs = pg->refs ? pg->refs + t->first : NULL; /* NULL + 0: undefined */
	struct seg_text *docs = NULL;
	size_t k_docs = 0;

	if (!t->segs)
		return;
	if (t->nomem || (t->n && !(docs = malloc(t->n * sizeof(*docs))))) {
		gr_unit_record(u);
		gr_unit_lost(u, GR_LOST_BAD_SEGMENT, "out of memory");
		return;
	}
	/* decode every document first: --function keeps or drops a trace as a whole */
	gr_buf_reset(&u->xdocs);
	for (size_t i = 0; i < t->n; i++)
		if (segment_text(u, &refs[i], &docs[k_docs]))
			k_docs++;
	/* the buffer no longer moves: turn offsets into pointers */
	for (size_t i = 0; i < k_docs; i++)
		if (!docs[i].p)
			docs[i].p = u->xdocs.data + docs[i].off;
	bool keep = !u->cfg->filter;
	for (size_t i = 0; i < k_docs && !keep; i++)
		keep = names_function(u, docs[i].p, docs[i].n);
	for (size_t i = 0; i < k_docs && !u->fatal; i++) {
		gr_unit_record(u);
		if (keep)
			segment_doc(u, docs[i].p, docs[i].n, t->id);
		else
			gr_unit_skip(u, GR_SKIP_FILTERED);
	}
	free(docs);
}

static void emit_page(struct gr_unit *u, const struct xpage *pg)
{
	for (size_t i = 0; i < pg->lost; i++) {
		gr_unit_record(u);
		gr_unit_lost(u, GR_LOST_BAD_SEGMENT, "out of memory");
	}
	for (size_t i = 0; i < pg->nt; i++)
		emit_trace(u, pg, &pg->t[i]);
}

/* Which X-Ray shape is this object (its top-level keys)? */
enum shape { NOT_XRAY, PAGE, TRACE, SEGMENT, HEADER, NO_EVENTS };

/*
 * Validate the object p[0..n) and tell its shape. The traces of a page are noted
 * into pg on the way (descending into Traces[] with the validating scanner), so a
 * page is passed once before its documents are decoded; they count only when the
 * whole object proves valid.
 */
static enum shape shape_of(const char *p, size_t n, int max_depth, struct xpage *pg)
{
	struct gr_js js, a, t;
	struct gr_jv k, v;
	bool id = false, ID = false, start = false, segs = false, trace_id = false;
	bool fmt = false, version = false, name = false, parent = false;
	bool traces = false, summaries = false;
	int rc;

	pg->nt = pg->nrefs = pg->lost = 0;
	if (!gr_js_begin(&js, p, n, false, max_depth))
		return NOT_XRAY;
	while ((rc = gr_js_key(&js, &k)) > 0) {
		if (KEY(k, "Traces") && gr_js_enter(&js, true, &a)) {
			traces = true;
			while (gr_js_elem(&a) > 0)
				if (gr_js_enter(&a, false, &t)) {
					collect_trace(pg, &t);
					gr_js_leave(&a, &t);
				}
			gr_js_leave(&js, &a);
			continue;
		}
		if ((rc = gr_js_value(&js, &v)) < 0)
			break;
		summaries |= KEY(k, "TraceSummaries") || KEY(k, "Services") || KEY(k, "TraceIds");
		id |= KEY(k, "id") && v.t == GR_JT_STR;
		ID |= KEY(k, "Id") && v.t == GR_JT_STR;
		start |= KEY(k, "start_time") || KEY(k, "in_progress");
		segs |= (KEY(k, "Segments") || KEY(k, "Spans")) && v.t == GR_JT_ARR;
		trace_id |= KEY(k, "trace_id");
		parent |= KEY(k, "parent_id");
		name |= KEY(k, "name");
		fmt |= KEY(k, "format") && gr_jv_is(&v, "json", 4);
		version |= KEY(k, "version");
	}
	if (rc < 0)
		return NOT_XRAY; /* malformed: jansson says why */
	if (traces)
		return PAGE;
	if (summaries)
		return NO_EVENTS;
	if (ID && segs)
		return TRACE;
	if (fmt && version)
		return HEADER;
	if (id && start && (trace_id || parent || name))
		return SEGMENT;
	return NOT_XRAY;
}

/* Write the object p[0..n) of shape sh (a page's traces noted in pg). */
static void object(struct gr_unit *u, const char *p, size_t n, enum shape sh, struct xpage *pg)
{
	struct gr_js js;

	switch (sh) {
	case PAGE:
		emit_page(u, pg);
		return;
	case TRACE:
		if (!begin(&js, p, n, false))
			return;
		pg->nt = pg->nrefs = pg->lost = 0;
		collect_trace(pg, &js);
		emit_page(u, pg);
		return;
	case SEGMENT:
		gr_unit_record(u);
		if (u->cfg->filter && !names_function(u, p, n))
			gr_unit_skip(u, GR_SKIP_FILTERED);
		else
			segment_doc(u, p, n, (struct gr_str){ NULL, 0 });
		return;
	case HEADER:
		gr_unit_record(u);
		gr_unit_skip(u, GR_SKIP_HEADER);
		return;
	case NO_EVENTS:
		gr_unit_record(u);
		gr_unit_skip(u, GR_SKIP_NOT_TRACE);
		return;
	case NOT_XRAY:
		return;
	}
}

bool gr_xray_text(struct gr_unit *u, const char *p, size_t n)
{
	int max_depth = u->cfg->o->max_depth;
	struct xpage pg = { 0 };
	bool xray = false;
	size_t i = 0;

	while (i < n && (p[i] == ' ' || p[i] == '\n' || p[i] == '\r' || p[i] == '\t'))
		i++;
	if (i < n && p[i] == '{') {
		enum shape sh = shape_of(p, n, max_depth, &pg);
		if (sh != NOT_XRAY) {
			object(u, p, n, sh, &pg);
			xray = true;
		}
	} else if (i < n && p[i] == '[') {
		/* an array of X-Ray objects (segment documents, traces) */
		struct gr_js a;
		struct gr_jv el;
		if (gr_js_valid(p, n, true, max_depth, NULL) && begin(&a, p, n, true) &&
		    gr_js_next_elem(&a, &el) > 0 && el.t == GR_JT_OBJ &&
		    shape_of(el.p, el.n, max_depth, &pg) != NOT_XRAY) {
			xray = true;
			begin(&a, p, n, true);
			while (gr_js_next_elem(&a, &el) > 0) {
				enum shape sh = el.t == GR_JT_OBJ ? shape_of(el.p, el.n, max_depth, &pg)
								  : NOT_XRAY;
				if (sh == NOT_XRAY) {
					gr_unit_record(u);
					gr_unit_lost(u, GR_LOST_UNKNOWN_DOC,
						     "array element that is not an X-Ray document");
					continue;
				}
				object(u, el.p, el.n, sh, &pg);
			}
		}
	}
	xpage_release(&pg);
	return xray;
}
