/* xray.c: X-Ray inputs: batch-get-traces pages, segment documents, daemon datagrams. */
#include <math.h>
#include <string.h>

#include "unit.h"

#define MAX_SEGMENT_NODES (1u << 22) /* (sub)segments walked in one document */

static struct gr_str jstr(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	if (json_is_string(v))
		return (struct gr_str){ json_string_value(v), json_string_length(v) };
	return (struct gr_str){ NULL, 0 };
}

/* Float epoch seconds ("1.499473411677E9") to microseconds; -1 if not a time. */
static int64_t jsec(json_t *v)
{
	double d;

	if (json_is_real(v))
		d = json_real_value(v);
	else if (json_is_integer(v))
		d = (double)json_integer_value(v);
	else
		return -1;
	if (!(d > 0 && d < 1e11))
		return -1;
	return (int64_t)llround(d * 1e6);
}

static bool jtrue(json_t *obj, const char *key)
{
	return json_is_true(json_object_get(obj, key));
}

/* Fill s from one (sub)segment object; false when it lacks what makes it one. */
static bool fill(struct gr_xseg *s, json_t *o, struct gr_str trace, struct gr_str parent,
		 bool sub)
{
	json_t *aws = json_object_get(o, "aws");
	json_t *http = json_object_get(o, "http");

	memset(s, 0, sizeof(*s));
	s->id = jstr(o, "id");
	s->name = jstr(o, "name");
	s->start_us = jsec(json_object_get(o, "start_time"));
	if (!s->id.n || s->start_us < 0)
		return false;
	struct gr_str own = jstr(o, "trace_id");
	s->trace = own.n ? own : trace;
	struct gr_str p = jstr(o, "parent_id");
	s->parent = p.n ? p : parent;
	struct gr_str type = jstr(o, "type");
	s->sub = sub || (type.n && !strcmp(type.p, "subsegment"));
	s->origin = jstr(o, "origin");
	s->ns = jstr(o, "namespace");
	s->in_progress = jtrue(o, "in_progress");
	s->end_us = s->in_progress ? -1 : jsec(json_object_get(o, "end_time"));
	s->inferred = jtrue(o, "inferred");
	s->error = jtrue(o, "error");
	s->fault = jtrue(o, "fault");
	s->throttle = jtrue(o, "throttle");
	s->req = jstr(aws, "request_id");
	s->op = jstr(aws, "operation");
	s->fn = jstr(aws, "function_name");
	s->inv = jstr(aws, "invocation_type");
	s->table = jstr(aws, "table_name");
	s->queue = jstr(aws, "queue_url");
	s->topic = jstr(aws, "topic_arn");
	s->arn = jstr(o, "resource_arn");
	if (!s->arn.n)
		s->arn = jstr(aws, "function_arn");
	json_t *cwl = json_object_get(aws, "cloudwatch_logs");
	if (json_is_array(cwl))
		s->log_group = jstr(json_array_get(cwl, 0), "log_group");
	json_t *status = json_object_get(json_object_get(http, "response"), "status");
	if (json_is_integer(status))
		s->http = (int)json_integer_value(status);
	s->links = json_object_get(o, "links");
	s->precursors = json_object_get(o, "precursor_ids");
	return true;
}

/* One work item of the walk: a (sub)segment object and what it inherits. */
struct walk {
	json_t *obj;          /* the (sub)segment */
	struct gr_str parent; /* enclosing (sub)segment id */
	bool sub;             /* nested under another */
};

/* Emit a segment document and every nested subsegment, depth first in document
 * order, without recursion. The current record is already begun. */
static void segment_doc(struct gr_unit *u, json_t *doc, struct gr_str trace)
{
	struct gr_xseg s;
	struct walk *stack = NULL;
	size_t n = 0, cap = 0, walked = 0, skipped = 0;
	char esc[80];

	if (!fill(&s, doc, trace, (struct gr_str){ NULL, 0 }, false)) {
		struct gr_str id = jstr(doc, "id");
		gr_unit_lost(u, GR_LOST_BAD_SEGMENT, "X-Ray segment %s%s%s without %s",
			     id.n ? "'" : "", id.n ? gr_escape_msg(id.p, id.n, 40, esc, sizeof(esc)) : "",
			     id.n ? "'" : "", !id.n ? "an id" : "a valid start_time");
		return;
	}
	const struct gr_fetch_opts *o = u->cfg->o;
	if ((o->since_us != GR_TIME_UNKNOWN && s.start_us < o->since_us) ||
	    (o->until_us != GR_TIME_UNKNOWN && s.start_us >= o->until_us)) {
		gr_unit_skip(u, GR_SKIP_FILTERED);
		return;
	}
	struct gr_str root_trace = s.trace;
	struct walk root = { doc, s.parent, s.sub };
	cap = 16;
	if (!(stack = malloc(cap * sizeof(*stack)))) {
		gr_unit_lost(u, GR_LOST_BAD_SEGMENT, "out of memory");
		return;
	}
	stack[n++] = root;
	while (n && !u->fatal) {
		struct walk w = stack[--n];
		if (!fill(&s, w.obj, root_trace, w.parent, w.sub)) {
			skipped++;
			continue;
		}
		gr_ev_segment(gr_unit_writer(u), &s);
		if (gr_unit_wrote(u))
			break;
		json_t *subs = json_object_get(w.obj, "subsegments");
		size_t k = json_is_array(subs) ? json_array_size(subs) : 0;
		if (++walked + k > MAX_SEGMENT_NODES) {
			skipped += k;
			continue;
		}
		if (n + k > cap) {
			size_t nc = (n + k) * 2;
			struct walk *p = realloc(stack, nc * sizeof(*p));
			if (!p) {
				skipped += k;
				continue;
			}
			stack = p;
			cap = nc;
		}
		/* push in reverse so the first subsegment is written first */
		for (size_t i = k; i-- > 0;)
			stack[n++] = (struct walk){ json_array_get(subs, i), s.id, true };
	}
	free(stack);
	if (skipped)
		gr_unit_notice(u, "%zu X-Ray subsegment%s without id or start_time skipped",
			       skipped, skipped == 1 ? "" : "s");
}

/* The function a Lambda segment names (origin AWS::Lambda or AWS::Lambda::Function). */
static bool names_function(struct gr_unit *u, json_t *doc)
{
	struct gr_str origin = jstr(doc, "origin"), name = jstr(doc, "name");

	return origin.n >= 11 && !strncmp(origin.p, "AWS::Lambda", 11) && name.n &&
	       gr_fn_filter_match(u->cfg->filter, name.p, name.n);
}

/* Parse Segments[].Document (a JSON string, already an object, or the segment
 * itself in place of the {Id, Document} pair, as some tools store it). Returns a new reference or NULL after counting the record lost. */
static json_t *segment_document(struct gr_unit *u, json_t *seg)
{
	json_t *d = json_object_get(seg, "Document"), *j = NULL;
	json_error_t jerr;
	char esc[200];

	if (json_is_object(d))
		return json_incref(d);
	if (!d && json_object_get(seg, "id") && json_object_get(seg, "start_time"))
		return json_incref(seg); /* the document itself, as AWS IATK stores it */
	if (json_is_string(d)) {
		j = json_loadb(json_string_value(d), json_string_length(d), JSON_ALLOW_NUL, &jerr);
		if (json_is_object(j))
			return j;
	}
	/* lost here: a record of its own */
	gr_unit_record(u);
	if (!json_is_string(d))
		gr_unit_lost(u, GR_LOST_BAD_SEGMENT, "X-Ray trace segment without a Document");
	else
		gr_unit_lost(u, GR_LOST_JSON, "malformed X-Ray segment Document: %s",
			     j ? "not an object"
			       : gr_escape_msg(jerr.text, strlen(jerr.text), 120, esc, sizeof(esc)));
	json_decref(j);
	return NULL;
}

/* One trace: {"Id","Duration","Segments"|"Spans":[{"Id","Document"}]} */
static void trace(struct gr_unit *u, json_t *t)
{
	struct gr_str id = jstr(t, "Id");
	json_t *segs = json_object_get(t, "Segments");
	if (!segs)
		segs = json_object_get(t, "Spans");
	size_t k = json_is_array(segs) ? json_array_size(segs) : 0;
	if (!k)
		return;
	json_t **docs = calloc(k, sizeof(*docs));
	if (!docs) {
		gr_unit_record(u);
		gr_unit_lost(u, GR_LOST_BAD_SEGMENT, "out of memory");
		return;
	}
	/* parse first: --function keeps or drops a trace as a whole */
	bool keep = !u->cfg->filter;
	size_t j;
	for (j = 0; j < k; j++) {
		docs[j] = segment_document(u, json_array_get(segs, j));
		if (docs[j] && !keep && names_function(u, docs[j]))
			keep = true;
	}
	for (j = 0; j < k; j++) {
		if (!docs[j])
			continue;
		gr_unit_record(u);
		if (keep)
			segment_doc(u, docs[j], id);
		else
			gr_unit_skip(u, GR_SKIP_FILTERED);
		json_decref(docs[j]);
	}
	free(docs);
}

/* batch-get-traces / ListRetrievedTraces: {"Traces":[trace...]} */
static void traces_page(struct gr_unit *u, json_t *page)
{
	json_t *traces = json_object_get(page, "Traces"), *t;
	size_t i;

	json_array_foreach(traces, i, t)
		trace(u, t);
}

static bool is_segment(json_t *doc)
{
	return json_is_string(json_object_get(doc, "id")) &&
	       (json_object_get(doc, "start_time") || json_object_get(doc, "in_progress")) &&
	       (json_object_get(doc, "trace_id") || json_object_get(doc, "parent_id") ||
		json_object_get(doc, "name"));
}

bool gr_xray_json(struct gr_unit *u, json_t *doc)
{
	json_t *fmt = json_object_get(doc, "format");

	if (json_is_array(json_object_get(doc, "Traces"))) {
		traces_page(u, doc);
		return true;
	}
	if (json_is_string(json_object_get(doc, "Id")) &&
	    (json_is_array(json_object_get(doc, "Segments")) ||
	     json_is_array(json_object_get(doc, "Spans")))) {
		trace(u, doc); /* one element of Traces, as some tools store it */
		return true;
	}
	if (json_is_string(fmt) && !strcmp(json_string_value(fmt), "json") &&
	    json_object_get(doc, "version")) {
		gr_unit_record(u);
		gr_unit_skip(u, GR_SKIP_HEADER);
		return true;
	}
	if (is_segment(doc)) {
		gr_unit_record(u);
		if (u->cfg->filter && !names_function(u, doc))
			gr_unit_skip(u, GR_SKIP_FILTERED);
		else
			segment_doc(u, doc, (struct gr_str){ NULL, 0 });
		return true;
	}
	if (json_object_get(doc, "TraceSummaries") || json_object_get(doc, "Services") ||
	    json_object_get(doc, "TraceIds") || json_object_get(doc, "UnprocessedTraceIds")) {
		gr_unit_record(u);
		gr_unit_skip(u, GR_SKIP_NOT_TRACE);
		return true;
	}
	return false;
}
