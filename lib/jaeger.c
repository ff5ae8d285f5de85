/* jaeger.c: Jaeger JSON traces (query HTTP API, UI downloads, CRISP inputs) to segment records. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "unit.h"

#define MAX_LINKS 64 /* references to other traces kept per span */

static struct gr_str jstr(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	if (json_is_string(v))
		return (struct gr_str){ json_string_value(v), json_string_length(v) };
	return (struct gr_str){ NULL, 0 };
}

static bool same(struct gr_str a, struct gr_str b)
{
	return a.n == b.n && (!a.n || !memcmp(a.p, b.p, a.n));
}

/* A tag's value: tags are [{"key","type","value"}] (or, in some exports, an object). */
static json_t *tag(json_t *tags, const char *key)
{
	size_t i;
	json_t *t;

	if (json_is_object(tags))
		return json_object_get(tags, key);
	json_array_foreach(tags, i, t) {
		json_t *k = json_object_get(t, "key");
		if (json_is_string(k) && !strcmp(json_string_value(k), key))
			return json_object_get(t, "value");
	}
	return NULL;
}

static bool truthy(json_t *v)
{
	return json_is_true(v) || (json_is_string(v) && !strcasecmp(json_string_value(v), "true"));
}

/* "server", "client", "producer", "consumer", "internal", as written by every tracer. */
static struct gr_str kind_of(json_t *v)
{
	static const char *const kinds[] = { "server", "client", "producer", "consumer",
					     "internal", NULL };

	if (!json_is_string(v))
		return (struct gr_str){ NULL, 0 };
	for (int i = 0; kinds[i]; i++)
		if (!strcasecmp(json_string_value(v), kinds[i]))
			return (struct gr_str){ kinds[i], strlen(kinds[i]) };
	return (struct gr_str){ NULL, 0 };
}

/* The service of a span: its process (inline or in the trace's table). */
static struct gr_str service(json_t *span, json_t *procs)
{
	json_t *p = json_object_get(span, "process");

	if (!json_is_object(p)) {
		struct gr_str pid = jstr(span, "processID");
		p = pid.n ? json_object_get(procs, pid.p) : NULL;
	}
	return jstr(p, "serviceName");
}

/* Does the trace show a service (or Lambda function) that --function keeps? */
static bool trace_wanted(struct gr_unit *u, json_t *spans, json_t *procs)
{
	size_t i;
	json_t *sp;

	if (!u->cfg->filter)
		return true;
	json_array_foreach(spans, i, sp) {
		struct gr_str svc = service(sp, procs);
		json_t *faas = tag(json_object_get(sp, "tags"), "faas.name");
		if (svc.n && gr_fn_filter_match(u->cfg->filter, svc.p, svc.n))
			return true;
		if (json_is_string(faas) &&
		    gr_fn_filter_match(u->cfg->filter, json_string_value(faas),
				       json_string_length(faas)))
			return true;
	}
	return false;
}

/* One span: a record of its own. */
static void span(struct gr_unit *u, json_t *sp, struct gr_str trace, json_t *procs)
{
	struct gr_xseg s;
	struct gr_xlink links[MAX_LINKS];
	json_t *refs, *r, *tags, *v;
	size_t i;

	gr_unit_record(u);
	if (!json_is_object(sp)) {
		gr_unit_lost(u, GR_LOST_BAD_SEGMENT, "Jaeger span that is not an object");
		return;
	}
	memset(&s, 0, sizeof(s));
	s.id = jstr(sp, "spanID");
	json_t *st = json_object_get(sp, "startTime"), *du = json_object_get(sp, "duration");
	if (!s.id.n || !json_is_integer(st) || (du && !json_is_integer(du)) ||
	    json_integer_value(st) < 0 || (du && json_integer_value(du) < 0) ||
	    json_integer_value(st) > GR_MAX_INT || (du && json_integer_value(du) > GR_MAX_INT)) {
		gr_unit_lost(u, GR_LOST_BAD_SEGMENT, "Jaeger span without %s",
			     !s.id.n ? "a spanID" : "an integer startTime and duration");
		return;
	}
	s.start_us = (int64_t)json_integer_value(st);
	s.end_us = s.start_us + (du ? (int64_t)json_integer_value(du) : 0);
	const struct gr_fetch_opts *o = u->cfg->o;
	if ((o->since_us != GR_TIME_UNKNOWN && s.start_us < o->since_us) ||
	    (o->until_us != GR_TIME_UNKNOWN && s.start_us >= o->until_us)) {
		gr_unit_skip(u, GR_SKIP_FILTERED);
		return;
	}
	struct gr_str own = jstr(sp, "traceID");
	s.trace = own.n ? own : trace;
	s.name = jstr(sp, "operationName");
	s.svc = service(sp, procs);

	/* the parent: the first CHILD_OF reference in the trace, else the first
	 * FOLLOWS_FROM; references into other traces become links */
	struct gr_str follows = { NULL, 0 };
	refs = json_object_get(sp, "references");
	json_array_foreach(refs, i, r) {
		struct gr_str rt = jstr(r, "traceID"), rid = jstr(r, "spanID");
		struct gr_str type = jstr(r, "refType");
		bool ff = type.n && !strcasecmp(type.p, "FOLLOWS_FROM");
		if (!rid.n)
			continue;
		if (rt.n && !same(rt, s.trace)) {
			if (s.nlinks < MAX_LINKS)
				links[s.nlinks++] = (struct gr_xlink){
					rt, rid,
					ff ? (struct gr_str){ "follows_from", 12 }
					   : (struct gr_str){ "child_of", 8 } };
			continue;
		}
		if (!ff && !s.parent.n)
			s.parent = rid;
		else if (ff && !follows.n)
			follows = rid;
	}
	if (!s.parent.n && follows.n) {
		s.parent = follows;
		s.ref = (struct gr_str){ "follows_from", 12 };
	}
	if (!s.parent.n)
		s.parent = jstr(sp, "parentSpanID"); /* the older model */
	if (s.parent.n && strspn(s.parent.p, "0") == s.parent.n)
		s.parent = (struct gr_str){ NULL, 0 }; /* "0", "0000000000000000": none */
	s.links = links;

	tags = json_object_get(sp, "tags");
	s.kind = kind_of(tag(tags, "span.kind"));
	s.error = truthy(tag(tags, "error"));
	v = tag(tags, "otel.status_code");
	if (json_is_string(v) && !strcmp(json_string_value(v), "ERROR"))
		s.error = true;
	v = tag(tags, "http.status_code");
	if (!v)
		v = tag(tags, "http.response.status_code");
	if (json_is_integer(v))
		s.http = (int)json_integer_value(v);
	else if (json_is_string(v))
		s.http = (int)strtol(json_string_value(v), NULL, 10);
	if (s.http < 100 || s.http > 999)
		s.http = 0;
	/* OpenTelemetry Lambda spans name their invocation and function */
	v = tag(tags, "faas.invocation_id");
	if (json_is_string(v))
		s.req = (struct gr_str){ json_string_value(v), json_string_length(v) };
	v = tag(tags, "faas.name");
	if (json_is_string(v))
		s.fn = (struct gr_str){ json_string_value(v), json_string_length(v) };
	v = tag(tags, "rpc.system");
	if (json_is_string(v) && !strcmp(json_string_value(v), "aws-api")) {
		v = tag(tags, "rpc.method");
		if (json_is_string(v))
			s.op = (struct gr_str){ json_string_value(v), json_string_length(v) };
	}
	gr_ev_segment(gr_unit_writer(u), &s);
	gr_unit_wrote(u);
}

/* One trace: {"traceID","spans":[...],"processes":{...}}. */
static void trace(struct gr_unit *u, json_t *t)
{
	json_t *spans = json_object_get(t, "spans"), *procs = json_object_get(t, "processes");
	struct gr_str id = jstr(t, "traceID");
	size_t i;
	json_t *sp;

	if (!trace_wanted(u, spans, procs)) {
		for (i = 0; i < json_array_size(spans); i++) {
			gr_unit_record(u);
			gr_unit_skip(u, GR_SKIP_FILTERED);
		}
		return;
	}
	json_array_foreach(spans, i, sp) {
		if (u->fatal)
			return;
		span(u, sp, id, procs);
	}
}

static bool is_trace(json_t *t)
{
	return json_is_object(t) && json_is_array(json_object_get(t, "spans")) &&
	       (json_object_get(t, "traceID") || json_object_get(t, "processes"));
}

bool gr_jaeger_json(struct gr_unit *u, json_t *doc)
{
	json_t *data = json_object_get(doc, "data"), *t;
	size_t i;

	if (is_trace(doc)) {
		trace(u, doc);
		return true;
	}
	if (!data || !(json_object_get(doc, "total") || json_object_get(doc, "errors") ||
		       json_is_array(data)))
		return false;
	if (json_is_array(data)) {
		bool all = true;
		json_array_foreach(data, i, t)
			all = all && is_trace(t);
		if (!all || (!json_array_size(data) && !json_object_get(doc, "total") &&
			     !json_object_get(doc, "errors")))
			return false;
		json_array_foreach(data, i, t)
			trace(u, t);
		if (json_array_size(data))
			return true;
	}
	/* {"data":[] or null,"total":0,...,"errors":[...]}: an answer without traces */
	gr_unit_record(u);
	gr_unit_skip(u, GR_SKIP_NOT_TRACE);
	json_t *errs = json_object_get(doc, "errors");
	if (json_array_size(errs)) {
		struct gr_str m = jstr(json_array_get(errs, 0), "msg");
		char esc[200];
		gr_unit_notice(u, "Jaeger answer without traces: %s",
			       m.n ? gr_escape_msg(m.p, m.n, 120, esc, sizeof(esc)) : "(no message)");
	}
	return true;
}
