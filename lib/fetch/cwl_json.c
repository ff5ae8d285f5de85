/* cwl_json.c: CloudWatch Logs JSON: filter/get-log-events, Insights results, subscription payloads. */
#include <stdlib.h>
#include <string.h>

#include "common/base64.h"
#include "common/reader.h"
#include "fetch/trace_text.h"
#include "fetch/unit.h"

/*
 * Documents are read from their text, validated once as jansson would take them
 * (exact mode), then scanned in trusted mode (trace_text.h): a member is the last
 * of its duplicated keys, C string comparisons stop at an embedded NUL, integers and
 * reals are told apart by their text, as the jansson-tree reader did. Strings are
 * decoded onto u->cdec, reserved for one event (or Insights row) at a time: nothing
 * downstream keeps a pointer to them past the call it gets them in.
 */

/* Members of a log event. */
enum { EV_MESSAGE, EV_TIMESTAMP, EV_STREAM, EV_N };
static const struct gr_tt_key ev_keys[EV_N] = {
	[EV_MESSAGE] = GR_TT_KEY("message"),
	[EV_TIMESTAMP] = GR_TT_KEY("timestamp"),
	[EV_STREAM] = GR_TT_KEY("logStreamName"),
};

/* Members of a decoded subscription payload. */
enum { PL_TYPE, PL_GROUP, PL_STREAM, PL_EVENTS, PL_N };
static const struct gr_tt_key pl_keys[PL_N] = {
	[PL_TYPE] = GR_TT_KEY("messageType"),
	[PL_GROUP] = GR_TT_KEY("logGroup"),
	[PL_STREAM] = GR_TT_KEY("logStream"),
	[PL_EVENTS] = GR_TT_KEY("logEvents"),
};

static const struct gr_tt_key data_key = GR_TT_KEY("data");
static const struct gr_tt_key kinesis_key = GR_TT_KEY("kinesis");

/* The member key of object obj (GR_JT_NONE when absent or obj is no object). */
static struct gr_jv member(const struct gr_jv *obj, const struct gr_tt_key *key)
{
	struct gr_jv v;

	gr_tt_members(obj, key, 1, &v);
	return v;
}

/* Epoch milliseconds (number, or digits in a string) to microseconds; unknown beyond
 * +-GR_MAX_INT microseconds (multiplying or converting further is undefined). */
static int64_t jms(const struct gr_jv *v, struct gr_buf *dec)
{
	const int64_t lim = GR_MAX_INT / 1000;
	int64_t x;
	double d;

	if (gr_tt_int(v, &x))
		return x >= -lim && x <= lim ? x * 1000 : GR_TIME_UNKNOWN;
	if (gr_tt_real(v, &d))
		return d >= -(double)lim && d <= (double)lim ? (int64_t)(d * 1000.0) : GR_TIME_UNKNOWN;
	if (v->t == GR_JT_STR) {
		/* digits up to the end of the C string: a NUL ends it */
		struct gr_str s = gr_tt_str(v, dec);
		size_t i = 0, n = gr_tt_clen(s);
		x = 0;
		for (; i < n && s.p[i] >= '0' && s.p[i] <= '9' && i < 18; i++)
			x = x * 10 + (s.p[i] - '0');
		if (i && i == n && x <= lim)
			return x * 1000;
	}
	return GR_TIME_UNKNOWN;
}

/* One log event of stream s whose members are f: {"timestamp": ms, "message": "..."}
 * (u->cdec reserved for it). */
static void log_event(struct gr_unit *u, struct gr_stream *s, const struct gr_jv *f)
{
	if (f[EV_MESSAGE].t != GR_JT_STR) {
		gr_unit_record(u);
		gr_unit_lost(u, GR_LOST_BAD_PAYLOAD, "log event without a message");
		return;
	}
	struct gr_str msg = gr_tt_str(&f[EV_MESSAGE], &u->cdec);
	gr_unit_log_event(u, s, jms(&f[EV_TIMESTAMP], &u->cdec), msg.p, msg.n);
}

/* Room on u->cdec for the strings of a value of n bytes; false (counted) when none. */
static bool reserve(struct gr_unit *u, size_t n)
{
	if (!gr_tt_reserve(&u->cdec, n))
		return true;
	gr_unit_nomem(u);
	return false;
}

/* Decoded subscription payload p (an object): {"messageType","logGroup","logStream",
 * "logEvents"}. */
static void payload(struct gr_unit *u, const struct gr_jv *p)
{
	struct gr_jv f[PL_N], ev, evf[EV_N];
	struct gr_js a;

	gr_tt_members(p, pl_keys, PL_N, f);
	if (!reserve(u, f[PL_TYPE].n + f[PL_GROUP].n + f[PL_STREAM].n))
		return;
	struct gr_str type = gr_tt_str(&f[PL_TYPE], &u->cdec);
	if (gr_tt_ceq(type, "CONTROL_MESSAGE")) {
		size_t k = 0;
		if (gr_tt_begin(&a, &f[PL_EVENTS], true))
			while (gr_js_next_elem(&a, &ev) > 0)
				k++;
		for (size_t i = 0; i < (k ? k : 1); i++) {
			gr_unit_record(u);
			gr_unit_skip(u, GR_SKIP_CONTROL);
		}
		return;
	}
	if (f[PL_EVENTS].t != GR_JT_ARR) {
		gr_unit_record(u);
		gr_unit_lost(u, GR_LOST_BAD_PAYLOAD, "subscription payload without logEvents");
		return;
	}
	struct gr_str group = gr_tt_str(&f[PL_GROUP], &u->cdec);
	struct gr_str stream = gr_tt_str(&f[PL_STREAM], &u->cdec);
	struct gr_stream *s = gr_unit_stream(u, group.p, group.n, stream.p, stream.n);
	gr_tt_begin(&a, &f[PL_EVENTS], true);
	while (gr_js_next_elem(&a, &ev) > 0) {
		gr_tt_members(&ev, ev_keys, EV_N - 1, evf);
		if (reserve(u, ev.n))
			log_event(u, s, evf);
	}
}

/*
 * The one JSON object or array at the start of p[0..n), validated as jansson would
 * take it: true with *v its value and *len where what follows it starts (past
 * blanks); false when the scanner refuses it (jansson then decides).
 */
static bool first_value(const char *p, size_t n, struct gr_jv *v, size_t *len)
{
	struct gr_js js;
	struct gr_jv k, x;
	bool arr = n && p[0] == '[';
	int rc;

	if (!n || (p[0] != '{' && p[0] != '[') || !gr_js_begin(&js, p, n, arr, GR_TT_JANSSON_DEPTH))
		return false;
	js.exact = true;
	while ((rc = arr ? gr_js_next_elem(&js, &x) : gr_js_next(&js, &k, &x)) > 0)
		;
	if (rc < 0 && !js.done)
		return false; /* rc < 0 after the closing bracket: more text follows */
	*len = rc == 0 ? n : (size_t)(js.p - p);
	/* the value ends at the last closing bracket before *len */
	size_t e = *len;
	while (e && p[e - 1] != (arr ? ']' : '}'))
		e--;
	*v = (struct gr_jv){ arr ? GR_JT_ARR : GR_JT_OBJ, p, e, false };
	return true;
}

/* One value decoded from subscription data: a payload, or lost. */
static void payload_value(struct gr_unit *u, const struct gr_jv *v)
{
	struct gr_jv f[PL_N];

	gr_tt_members(v, pl_keys, PL_N, f); /* all absent for an array */
	if (f[PL_EVENTS].t != GR_JT_NONE || f[PL_TYPE].t != GR_JT_NONE) {
		payload(u, v);
	} else {
		gr_unit_record(u);
		gr_unit_lost(u, GR_LOST_BAD_PAYLOAD,
			     "decoded data is not a CloudWatch Logs subscription payload");
	}
}

/*
 * The value at p[0..n) the scanner refused: jansson decides, as it did when it read
 * every payload. 0 with *len its length when it takes it (read from its own compact
 * text), -1 (counted as lost) when it does not.
 */
static int jansson_value(struct gr_unit *u, const char *p, size_t n, size_t *len)
{
	json_error_t jerr;
	char esc[200];
	json_t *j = json_loadb(p, n, JSON_DISABLE_EOF_CHECK | JSON_ALLOW_NUL, &jerr);

	if (!j) {
		gr_unit_record(u);
		gr_unit_lost(u, GR_LOST_BAD_PAYLOAD, "subscription data is not JSON: %s",
			     gr_escape_msg(jerr.text, strlen(jerr.text), 150, esc, sizeof(esc)));
		return -1;
	}
	/* jansson's position, not the scanner's: it swallows a NUL after a number */
	*len = (size_t)jerr.position;
	char *text = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	struct gr_jv v;
	size_t tn;
	json_decref(j);
	if (!text) {
		gr_unit_nomem(u);
		return 0;
	}
	if (first_value(text, strlen(text), &v, &tn))
		payload_value(u, &v);
	else
		gr_unit_nomem(u); /* jansson's own text is JSON: only memory fails */
	free(text);
	return 0;
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
	const char *d = u->scratch2.data;
	size_t off = 0, docs = 0, len = u->scratch2.len;
	while (off < len) {
		/* not strchr(" \t\r\n", c): it finds a NUL byte too (the terminator) */
		while (off < len && (d[off] == ' ' || d[off] == '\t' || d[off] == '\r' ||
				     d[off] == '\n'))
			off++;
		if (off >= len)
			break;
		docs++;
		struct gr_jv v;
		size_t vn;
		if (first_value(d + off, len - off, &v, &vn)) {
			payload_value(u, &v);
		} else if (jansson_value(u, d + off, len - off, &vn)) {
			break;
		}
		off += vn;
	}
	if (!docs) {
		/* nothing but blanks: the record still counts, as lost */
		gr_unit_record(u);
		gr_unit_lost(u, GR_LOST_BAD_PAYLOAD, "subscription data is empty");
	}
out:
	gr_buf_release(&raw);
}

/* The base64 data string v of a record (u->cdec reserved for it) read as a payload;
 * what when it is not a string. */
static void data_member(struct gr_unit *u, const struct gr_jv *v, const char *what)
{
	if (v->t != GR_JT_STR) {
		gr_unit_record(u);
		gr_unit_lost(u, GR_LOST_BAD_PAYLOAD, "%s", what);
		return;
	}
	if (!reserve(u, v->n))
		return;
	struct gr_str b64 = gr_tt_str(v, &u->cdec);
	encoded_payload(u, b64.p, b64.n);
}

/* aws logs filter-log-events / get-log-events: {"events":[...]}. The API does not
 * name the log group; gammaray-pull adds it to the page as "logGroupName", which
 * --log-group and --export-tasks override. */
static void events_page(struct gr_unit *u, const struct gr_jv *doc, const struct gr_jv *events)
{
	static const struct gr_tt_key group_key = GR_TT_KEY("logGroupName");
	const struct gr_unit_spec *sp = u->spec;
	struct gr_jv ev, f[EV_N];
	struct gr_js a;
	struct gr_buf gbuf = GR_BUF_INIT;
	struct gr_str group = { sp->group, sp->group ? strlen(sp->group) : 0 };

	if (!group.p) {
		struct gr_jv g = member(doc, &group_key);
		if (g.t == GR_JT_STR && !gr_tt_reserve(&gbuf, g.n))
			group = gr_tt_str(&g, &gbuf);
		if (group.n && memchr(group.p, '\0', group.n))
			group = (struct gr_str){ NULL, 0 }; /* a name with NUL names nothing */
	}
	gr_tt_begin(&a, events, true);
	while (gr_js_next_elem(&a, &ev) > 0) {
		gr_tt_members(&ev, ev_keys, EV_N, f);
		if (!reserve(u, ev.n))
			return;
		struct gr_str stream = gr_tt_str(&f[EV_STREAM], &u->cdec);
		if (!stream.p) {
			stream.p = sp->stream;
			stream.n = stream.p ? strlen(stream.p) : 0;
		}
		struct gr_stream *s = gr_unit_stream(u, group.p, group.n, stream.p, stream.n);
		if (ev.t != GR_JT_OBJ) {
			gr_unit_record(u);
			gr_unit_lost(u, GR_LOST_UNKNOWN_DOC, "log event is not a JSON object");
			continue;
		}
		log_event(u, s, f);
	}
	gr_buf_release(&gbuf);
}

/* The Logs Insights fields read from a result row. */
enum {
	F_TIMESTAMP, F_STREAM, F_LOG, F_MESSAGE, F_REQUEST, F_DURATION, F_BILLED, F_INIT,
	F_MEMORY, F_MAXMEM, F_TRACE, F_SEGMENT, F_N
};
static const char *const field_names[F_N] = {
	[F_TIMESTAMP] = "@timestamp", [F_STREAM] = "@logStream", [F_LOG] = "@log",
	[F_MESSAGE] = "@message", [F_REQUEST] = "@requestId", [F_DURATION] = "@duration",
	[F_BILLED] = "@billedDuration", [F_INIT] = "@initDuration",
	[F_MEMORY] = "@memorySize", [F_MAXMEM] = "@maxMemoryUsed",
	[F_TRACE] = "@xrayTraceId", [F_SEGMENT] = "@xraySegmentId",
};

/* A row's fields, [{"field","value"}...]: each the "value" string of the first
 * element whose "field" is its name as a C string ({NULL, 0} when that value is no
 * string, or no element has the name); u->cdec reserved for the row. */
static void row_fields(struct gr_unit *u, const struct gr_jv *row, struct gr_str *out)
{
	static const struct gr_tt_key fv_keys[2] = { GR_TT_KEY("field"), GR_TT_KEY("value") };
	unsigned found = 0; /* bit i: field_names[i] seen */
	struct gr_jv el, fv[2];
	struct gr_js a;

	for (size_t i = 0; i < F_N; i++)
		out[i] = (struct gr_str){ NULL, 0 };
	if (!gr_tt_begin(&a, row, true))
		return;
	while (found != (1u << F_N) - 1 && gr_js_next_elem(&a, &el) > 0) {
		gr_tt_members(&el, fv_keys, 2, fv);
		if (fv[0].t != GR_JT_STR)
			continue;
		struct gr_str name = gr_tt_str(&fv[0], &u->cdec);
		for (size_t i = 0; i < F_N; i++) {
			if ((found & (1u << i)) || !gr_tt_ceq(name, field_names[i]))
				continue;
			found |= 1u << i;
			out[i] = gr_tt_str(&fv[1], &u->cdec);
			break;
		}
	}
}

/* "1234.56" (ms) or bytes for memory, to the scale asked; -1 if absent. */
static int64_t num_field(struct gr_str v, double scale)
{
	char buf[40], *end;

	if (!v.p || !v.n || v.n >= sizeof(buf))
		return -1;
	memcpy(buf, v.p, v.n);
	buf[v.n] = '\0';
	double d = strtod(buf, &end);
	if (*end || !(d >= 0 && d * scale < (double)GR_MAX_INT)) /* NaN and huge: not a number */
		return -1;
	return (int64_t)(d * scale + 0.5);
}

/* aws logs get-query-results: {"results":[[{"field","value"}...]...],"status"} */
static void insights(struct gr_unit *u, const struct gr_jv *rows)
{
	const struct gr_unit_spec *sp = u->spec;
	struct gr_str f[F_N];
	struct gr_jv row;
	struct gr_js a;

	gr_tt_begin(&a, rows, true);
	while (gr_js_next_elem(&a, &row) > 0) {
		if (!reserve(u, row.n))
			return;
		row_fields(u, &row, f);
		int64_t ts = GR_TIME_UNKNOWN;
		if (f[F_TIMESTAMP].p)
			gr_time_parse_iso(f[F_TIMESTAMP].p, f[F_TIMESTAMP].n, &ts);
		struct gr_str group = f[F_LOG];
		if (group.p) {
			/* "account-id:log-group" */
			const char *colon = memchr(group.p, ':', group.n);
			if (colon) {
				group.n -= (size_t)(colon + 1 - group.p);
				group.p = colon + 1;
			}
		} else if (sp->group) {
			group.p = sp->group;
			group.n = strlen(group.p);
		}
		struct gr_stream *s = gr_unit_stream(u, group.p, group.n, f[F_STREAM].p,
						     f[F_STREAM].n);
		if (f[F_MESSAGE].p) {
			gr_unit_log_event(u, s, ts, f[F_MESSAGE].p, f[F_MESSAGE].n);
			continue;
		}
		/* a REPORT summarised by Lambda's discovered fields */
		struct gr_str req = f[F_REQUEST];
		int64_t dur = num_field(f[F_DURATION], 1000);
		gr_unit_record(u);
		if (!req.p || dur < 0 || !gr_is_request_id(req.p, req.n) || !s) {
			gr_unit_skip(u, GR_SKIP_NOT_TRACE);
			continue;
		}
		struct gr_lambda_line l;
		gr_lambda_line_init(&l);
		l.kind = GR_LINE_REPORT;
		l.req = req;
		l.dur_us = dur;
		l.billed_us = num_field(f[F_BILLED], 1000);
		l.init_us = num_field(f[F_INIT], 1000);
		l.mem_mb = num_field(f[F_MEMORY], 1.0 / (1024 * 1024));
		l.maxmem_mb = num_field(f[F_MAXMEM], 1.0 / (1024 * 1024));
		l.trace = f[F_TRACE];
		l.segment = f[F_SEGMENT];
		gr_unit_log_line(u, s, ts, &l);
	}
}

#define HAS(m) (top[m].t != GR_JT_NONE)

/* Does the first element of the array arr have the member key? */
static bool first_has(const struct gr_jv *arr, const struct gr_tt_key *key)
{
	struct gr_js a;
	struct gr_jv el;

	if (!gr_tt_begin(&a, arr, true) || gr_js_next_elem(&a, &el) <= 0)
		return false;
	return member(&el, key).t != GR_JT_NONE;
}

bool gr_cwl_json(struct gr_unit *u, const struct gr_jv *doc, const struct gr_jv *top)
{
	if (top[GR_TT_EVENTS].t == GR_JT_ARR) {
		events_page(u, doc, &top[GR_TT_EVENTS]);
		return true;
	}
	if (top[GR_TT_RESULTS].t == GR_JT_ARR && (HAS(GR_TT_STATUS) || HAS(GR_TT_STATISTICS))) {
		insights(u, &top[GR_TT_RESULTS]);
		return true;
	}
	if (HAS(GR_TT_AWSLOGS)) {
		struct gr_jv d = member(&top[GR_TT_AWSLOGS], &data_key);
		data_member(u, &d, "awslogs without data");
		return true;
	}
	if (HAS(GR_TT_LOG_EVENTS) && HAS(GR_TT_MESSAGE_TYPE)) {
		payload(u, doc);
		return true;
	}
	/* Kinesis event (Records[].kinesis.data) or Firehose transformation input
	 * (records[].data) carrying subscription payloads */
	const struct gr_jv *recs = &top[GR_TT_RECORDS];
	bool kinesis = first_has(recs, &kinesis_key);
	if (!kinesis) {
		recs = &top[GR_TT_RECORDS_LC];
		if (!first_has(recs, &data_key))
			recs = NULL;
	}
	if (recs) {
		struct gr_js a;
		struct gr_jv v;
		gr_tt_begin(&a, recs, true);
		while (gr_js_next_elem(&a, &v) > 0) {
			struct gr_jv holder = kinesis ? member(&v, &kinesis_key) : v;
			struct gr_jv d = member(&holder, &data_key);
			data_member(u, &d, "record without data");
		}
		return true;
	}
	if (HAS(GR_TT_EXPORT_TASKS) || HAS(GR_TT_NEXT_FORWARD) || HAS(GR_TT_LOG_GROUPS) ||
	    HAS(GR_TT_LOG_STREAMS)) {
		gr_unit_record(u);
		gr_unit_skip(u, GR_SKIP_NOT_TRACE);
		return true;
	}
	return false;
}
