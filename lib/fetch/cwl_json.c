/* cwl_json.c: CloudWatch Logs JSON: filter/get-log-events, Insights results, subscription payloads. */
#include <string.h>

#include "common/base64.h"
#include "common/reader.h"
#include "fetch/unit.h"

static const char *jstr(json_t *obj, const char *key, size_t *n)
{
	json_t *v = json_object_get(obj, key);

	if (!json_is_string(v)) {
		*n = 0;
		return NULL;
	}
	*n = json_string_length(v);
	return json_string_value(v);
}

/* Epoch milliseconds (number, or digits in a string) to microseconds; unknown beyond
 * +-GR_MAX_INT microseconds (multiplying or converting further is undefined). */
static int64_t jms(json_t *v)
{
	const int64_t lim = GR_MAX_INT / 1000;

	if (json_is_integer(v)) {
		json_int_t x = json_integer_value(v);
		return x >= -lim && x <= lim ? (int64_t)x * 1000 : GR_TIME_UNKNOWN;
	}
	if (json_is_real(v)) {
		double d = json_real_value(v);
		return d >= -(double)lim && d <= (double)lim ? (int64_t)(d * 1000.0) : GR_TIME_UNKNOWN;
	}
	if (json_is_string(v)) {
		const char *s = json_string_value(v);
		int64_t x = 0;
		size_t i = 0;
		for (; s[i] >= '0' && s[i] <= '9' && i < 18; i++)
			x = x * 10 + (s[i] - '0');
		if (i && !s[i] && x <= lim)
			return x * 1000;
	}
	return GR_TIME_UNKNOWN;
}

/* One log event of stream s: {"timestamp": ms, "message": "..."} */
static void log_event(struct gr_unit *u, struct gr_stream *s, json_t *ev)
{
	size_t n;
	const char *msg = jstr(ev, "message", &n);

	if (!msg) {
		gr_unit_record(u);
		gr_unit_lost(u, GR_LOST_BAD_PAYLOAD, "log event without a message");
		return;
	}
	gr_unit_log_event(u, s, jms(json_object_get(ev, "timestamp")), msg, n);
}

/* Decoded subscription payload: {"messageType","logGroup","logStream","logEvents"}. */
static void payload(struct gr_unit *u, json_t *p)
{
	size_t n, gn, sn, i;
	const char *type = jstr(p, "messageType", &n);
	json_t *events = json_object_get(p, "logEvents"), *ev;

	if (type && !strcmp(type, "CONTROL_MESSAGE")) {
		size_t k = json_is_array(events) ? json_array_size(events) : 0;
		for (i = 0; i < (k ? k : 1); i++) {
			gr_unit_record(u);
			gr_unit_skip(u, GR_SKIP_CONTROL);
		}
		return;
	}
	if (!json_is_array(events)) {
		gr_unit_record(u);
		gr_unit_lost(u, GR_LOST_BAD_PAYLOAD, "subscription payload without logEvents");
		return;
	}
	const char *group = jstr(p, "logGroup", &gn), *stream = jstr(p, "logStream", &sn);
	struct gr_stream *s = gr_unit_stream(u, group, gn, stream, sn);
	json_array_foreach(events, i, ev)
		log_event(u, s, ev);
}

/* base64 (of gzip, zlib or plain) JSON payload, as in awslogs.data and Kinesis. */
static void encoded_payload(struct gr_unit *u, const char *b64, size_t n)
{
	struct gr_buf raw = GR_BUF_INIT;
	struct gr_error err = { 0 };
	size_t max = u->cfg->o->max_doc ? u->cfg->o->max_doc : GR_DEFAULT_MAX_DOC;
	char esc[200];

	gr_buf_reset(&u->scratch2);
	if (gr_base64_decode(b64, n, &raw)) {
		gr_unit_record(u);
		gr_unit_lost(u, GR_LOST_BAD_PAYLOAD, "subscription data is not base64");
		goto out;
	}
	if (gr_inflate_mem(raw.data, raw.len, max, &u->scratch2, &err)) {
		gr_unit_record(u);
		gr_unit_lost(u, GR_LOST_BAD_PAYLOAD, "subscription data does not decompress: %s",
			     gr_escape_msg(err.msg, strlen(err.msg), 150, esc, sizeof(esc)));
		goto out;
	}
	/* a payload may hold several concatenated JSON objects (Firehose records) */
	size_t off = 0, docs = 0;
	while (off < u->scratch2.len) {
		/* not strchr(" \t\r\n", c): it finds a NUL byte too (the terminator) */
		while (off < u->scratch2.len && (u->scratch2.data[off] == ' ' ||
		       u->scratch2.data[off] == '\t' || u->scratch2.data[off] == '\r' ||
		       u->scratch2.data[off] == '\n'))
			off++;
		if (off >= u->scratch2.len)
			break;
		docs++;
		json_error_t jerr;
		json_t *j = json_loadb(u->scratch2.data + off, u->scratch2.len - off,
				       JSON_DISABLE_EOF_CHECK | JSON_ALLOW_NUL, &jerr);
		if (!j) {
			gr_unit_record(u);
			gr_unit_lost(u, GR_LOST_BAD_PAYLOAD, "subscription data is not JSON: %s",
				     gr_escape_msg(jerr.text, strlen(jerr.text), 150, esc,
						   sizeof(esc)));
			break;
		}
		off += (size_t)jerr.position;
		if (json_object_get(j, "logEvents") || json_object_get(j, "messageType")) {
			payload(u, j);
		} else {
			gr_unit_record(u);
			gr_unit_lost(u, GR_LOST_BAD_PAYLOAD,
				     "decoded data is not a CloudWatch Logs subscription payload");
		}
		json_decref(j);
	}
	if (!docs) {
		/* nothing but blanks: the record still counts, as lost */
		gr_unit_record(u);
		gr_unit_lost(u, GR_LOST_BAD_PAYLOAD, "subscription data is empty");
	}
out:
	gr_buf_release(&raw);
}

/* aws logs filter-log-events / get-log-events: {"events":[...]}. The API does not
 * name the log group; gammaray-pull adds it to the page as "logGroupName", which
 * --log-group and --export-tasks override. */
static void events_page(struct gr_unit *u, json_t *doc)
{
	json_t *events = json_object_get(doc, "events"), *ev;
	size_t i, sn, gn;
	const struct gr_unit_spec *sp = u->spec;
	const char *group = sp->group;

	if (group)
		gn = strlen(group);
	else
		group = jstr(doc, "logGroupName", &gn);

	json_array_foreach(events, i, ev) {
		const char *stream = jstr(ev, "logStreamName", &sn);
		if (!stream) {
			stream = sp->stream;
			sn = stream ? strlen(stream) : 0;
		}
		struct gr_stream *s = gr_unit_stream(u, group, gn, stream, sn);
		if (!json_is_object(ev)) {
			gr_unit_record(u);
			gr_unit_lost(u, GR_LOST_UNKNOWN_DOC, "log event is not a JSON object");
			continue;
		}
		log_event(u, s, ev);
	}
}

/* Logs Insights field value of a result row. */
static const char *field(json_t *row, const char *name, size_t *n)
{
	size_t i;
	json_t *f;

	json_array_foreach(row, i, f) {
		json_t *k = json_object_get(f, "field");
		if (json_is_string(k) && !strcmp(json_string_value(k), name))
			return jstr(f, "value", n);
	}
	*n = 0;
	return NULL;
}

/* "1234.56" (ms) or bytes for memory, to the scale asked; -1 if absent. */
static int64_t num_field(json_t *row, const char *name, double scale)
{
	size_t n;
	const char *v = field(row, name, &n);
	char buf[40], *end;

	if (!v || !n || n >= sizeof(buf))
		return -1;
	memcpy(buf, v, n);
	buf[n] = '\0';
	double d = strtod(buf, &end);
	if (*end || !(d >= 0 && d * scale < (double)GR_MAX_INT)) /* NaN and huge: not a number */
		return -1;
	return (int64_t)(d * scale + 0.5);
}

/* aws logs get-query-results: {"results":[[{"field","value"}...]...],"status"} */
static void insights(struct gr_unit *u, json_t *doc)
{
	json_t *rows = json_object_get(doc, "results"), *row;
	size_t i, n, sn, gn;
	const struct gr_unit_spec *sp = u->spec;

	json_array_foreach(rows, i, row) {
		int64_t ts = GR_TIME_UNKNOWN;
		const char *t = field(row, "@timestamp", &n);
		if (t)
			gr_time_parse_iso(t, n, &ts);
		const char *stream = field(row, "@logStream", &sn);
		const char *group = field(row, "@log", &gn);
		if (group) {
			/* "account-id:log-group" */
			const char *colon = memchr(group, ':', gn);
			if (colon) {
				gn -= (size_t)(colon + 1 - group);
				group = colon + 1;
			}
		} else if (sp->group) {
			group = sp->group;
			gn = strlen(group);
		}
		struct gr_stream *s = gr_unit_stream(u, group, gn, stream, sn);
		const char *msg = field(row, "@message", &n);
		if (msg) {
			gr_unit_log_event(u, s, ts, msg, n);
			continue;
		}
		/* a REPORT summarised by Lambda's discovered fields */
		size_t rn;
		const char *req = field(row, "@requestId", &rn);
		int64_t dur = num_field(row, "@duration", 1000);
		gr_unit_record(u);
		if (!req || dur < 0 || !gr_is_request_id(req, rn) || !s) {
			gr_unit_skip(u, GR_SKIP_NOT_TRACE);
			continue;
		}
		struct gr_lambda_line l;
		gr_lambda_line_init(&l);
		l.kind = GR_LINE_REPORT;
		l.req = (struct gr_str){ req, rn };
		l.dur_us = dur;
		l.billed_us = num_field(row, "@billedDuration", 1000);
		l.init_us = num_field(row, "@initDuration", 1000);
		l.mem_mb = num_field(row, "@memorySize", 1.0 / (1024 * 1024));
		l.maxmem_mb = num_field(row, "@maxMemoryUsed", 1.0 / (1024 * 1024));
		l.trace.p = field(row, "@xrayTraceId", &l.trace.n);
		l.segment.p = field(row, "@xraySegmentId", &l.segment.n);
		gr_unit_log_line(u, s, ts, &l);
	}
}

bool gr_cwl_json(struct gr_unit *u, json_t *doc)
{
	json_t *v;
	size_t n, i;

	if (json_is_array(json_object_get(doc, "events"))) {
		events_page(u, doc);
		return true;
	}
	if (json_is_array(json_object_get(doc, "results")) &&
	    (json_object_get(doc, "status") || json_object_get(doc, "statistics"))) {
		insights(u, doc);
		return true;
	}
	if ((v = json_object_get(doc, "awslogs"))) {
		const char *d = jstr(v, "data", &n);
		if (!d) {
			gr_unit_record(u);
			gr_unit_lost(u, GR_LOST_BAD_PAYLOAD, "awslogs without data");
		} else {
			encoded_payload(u, d, n);
		}
		return true;
	}
	if (json_object_get(doc, "logEvents") && json_object_get(doc, "messageType")) {
		payload(u, doc);
		return true;
	}
	/* Kinesis event (Records[].kinesis.data) or Firehose transformation input
	 * (records[].data) carrying subscription payloads */
	json_t *recs = json_object_get(doc, "Records");
	bool kinesis = json_is_array(recs) && json_object_get(json_array_get(recs, 0), "kinesis");
	if (!kinesis) {
		recs = json_object_get(doc, "records");
		if (!(json_is_array(recs) && json_object_get(json_array_get(recs, 0), "data")))
			recs = NULL;
	}
	if (recs) {
		json_array_foreach(recs, i, v) {
			json_t *holder = kinesis ? json_object_get(v, "kinesis") : v;
			const char *d = jstr(holder, "data", &n);
			if (!d) {
				gr_unit_record(u);
				gr_unit_lost(u, GR_LOST_BAD_PAYLOAD, "record without data");
				continue;
			}
			encoded_payload(u, d, n);
		}
		return true;
	}
	if (json_object_get(doc, "exportTasks") || json_object_get(doc, "nextForwardToken") ||
	    json_object_get(doc, "logGroups") || json_object_get(doc, "logStreams")) {
		gr_unit_record(u);
		gr_unit_skip(u, GR_SKIP_NOT_TRACE);
		return true;
	}
	return false;
}
