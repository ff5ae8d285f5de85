/* lambda_log.c: Lambda log lines, text and JSON format, classified and parsed. */
#include "lambda_log.h"

#include <string.h>

#include "gammaray.h"

#define LIT(s) s, sizeof(s) - 1

static bool starts(const char *s, size_t n, const char *lit, size_t ln)
{
	return n >= ln && memcmp(s, lit, ln) == 0;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static struct gr_str slice(const char *p, size_t n)
{
	return (struct gr_str){ p, n };
}

/*
 * Whitespace at s[0]: 1 for a blank, 2 for a literal "\\t", "\\n" or "\\r" (log lines
 * that went through one JSON encoding too many, as in some copied fixtures), 0 if
 * none.
 */
static size_t ws_len(const char *s, size_t n)
{
	if (n && is_ws(s[0]))
		return 1;
	if (n >= 2 && s[0] == '\\' && (s[1] == 't' || s[1] == 'n' || s[1] == 'r'))
		return 2;
	return 0;
}

static size_t skip_ws(const char *s, size_t n, size_t i)
{
	size_t k;

	while (i < n && (k = ws_len(s + i, n - i)))
		i += k;
	return i;
}

/* Length of the token at s (up to whitespace). */
static size_t token(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && !ws_len(s + i, n - i))
		i++;
	return i;
}

bool gr_is_request_id(const char *s, size_t n)
{
	if (n == 0 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      c == '-'))
			return false;
	}
	return true;
}

const char *gr_marker_find(const char *s, size_t n)
{
	const char *p = s, *end = s + n;

	while ((p = memmem(p, (size_t)(end - p), "GAMMARAY ", 9))) {
		const char *q = p + 9;
		while (q < end && is_space(*q))
			q++;
		if (q < end && *q == '{')
			return q;
		p += 9;
	}
	return NULL;
}

/* Decimal number with an optional fraction, scaled by `mult` (1000 for ms -> us).
 * Returns bytes used, 0 if none. */
static size_t parse_scaled(const char *s, size_t n, int64_t mult, int64_t *out)
{
	size_t i = 0;
	int64_t ip = 0, fp = 0, fd = 1;

	while (i < n && s[i] >= '0' && s[i] <= '9') {
		if (ip < INT64_MAX / 100)
			ip = ip * 10 + (s[i] - '0');
		i++;
	}
	if (i == 0)
		return 0;
	if (i < n && s[i] == '.') {
		i++;
		while (i < n && s[i] >= '0' && s[i] <= '9') {
			if (fd < 1000000000) {
				fp = fp * 10 + (s[i] - '0');
				fd *= 10;
			}
			i++;
		}
	}
	if (ip > INT64_MAX / mult / 2)
		return 0;
	*out = ip * mult + fp * mult / fd;
	return i;
}

static enum gr_status status_of(const char *s, size_t n)
{
	if (starts(s, n, LIT("success")) || starts(s, n, LIT("ok")))
		return GR_STATUS_OK;
	if (starts(s, n, LIT("timeout")))
		return GR_STATUS_TIMEOUT;
	if (starts(s, n, LIT("error")) || starts(s, n, LIT("failure")))
		return GR_STATUS_ERROR;
	return GR_STATUS_NONE;
}

enum field {
	F_REQ, F_DUR, F_BILLED, F_MEM, F_MAXMEM, F_INIT, F_RESTORE, F_STATUS, F_ERRTYPE,
	F_TRACE, F_SEG, F_SAMPLED, F_PHASE, F_RUNTIME, F_RUNTIME_ARN, F_VERSION
};

/* Longer labels first where one is a suffix of another ("Billed Duration:"). */
static const struct {
	const char *label;
	size_t len;
	enum field f;
} labels[] = {
	{ LIT("Billed Duration:"), F_BILLED },
	{ LIT("Init Duration:"), F_INIT },
	{ LIT("Restore Duration:"), F_RESTORE },
	{ LIT("Max Memory Used:"), F_MAXMEM },
	{ LIT("Memory Size:"), F_MEM },
	{ LIT("Duration:"), F_DUR },
	{ LIT("Status:"), F_STATUS },
	{ LIT("Error Type:"), F_ERRTYPE },
	{ LIT("XRAY TraceId:"), F_TRACE },
	{ LIT("TraceId:"), F_TRACE },
	{ LIT("SegmentId:"), F_SEG },
	{ LIT("Sampled:"), F_SAMPLED },
	{ LIT("Phase:"), F_PHASE },
	{ LIT("RequestId:"), F_REQ },
	{ LIT("Runtime Version ARN:"), F_RUNTIME_ARN },
	{ LIT("Runtime Version:"), F_RUNTIME },
	{ LIT("Version:"), F_VERSION },
};

/*
 * Walk "Label: value" fields separated by any whitespace (tabs in real data,
 * spaces in the docs, '\n' before the XRAY tail). Unknown words are skipped.
 */
static void parse_fields(const char *s, size_t n, struct gr_lambda_line *o)
{
	size_t i = 0;

	while (i < n) {
		i = skip_ws(s, n, i);
		if (i >= n)
			break;
		size_t k = sizeof(labels) / sizeof(labels[0]);
		/* every label starts with an upper-case letter and ends in ':' */
		if (s[i] >= 'A' && s[i] <= 'Z')
			for (k = 0; k < sizeof(labels) / sizeof(labels[0]); k++)
				if (labels[k].label[0] == s[i] &&
				    starts(s + i, n - i, labels[k].label, labels[k].len))
					break;
		if (k == sizeof(labels) / sizeof(labels[0])) {
			i += token(s + i, n - i);
			continue;
		}
		i += labels[k].len;
		while (i < n && is_space(s[i]))
			i++;
		const char *v = s + i;
		size_t vn = token(v, n - i), used;
		int64_t x;
		switch (labels[k].f) {
		case F_REQ: o->req = slice(v, vn); break;
		case F_VERSION: o->version = slice(v, vn); break;
		case F_RUNTIME: o->runtime = slice(v, vn); break;
		case F_RUNTIME_ARN: break;
		case F_DUR:
		case F_BILLED:
		case F_INIT:
		case F_RESTORE:
			used = parse_scaled(v, n - i, 1000, &x);
			if (!used)
				break;
			if (labels[k].f == F_DUR)
				o->dur_us = x;
			else if (labels[k].f == F_BILLED)
				o->billed_us = x;
			else if (labels[k].f == F_INIT)
				o->init_us = x;
			else
				o->restore_us = x;
			vn = used; /* the unit ("ms") is skipped as an unknown word */
			break;
		case F_MEM:
		case F_MAXMEM:
			used = parse_scaled(v, n - i, 1, &x);
			if (!used)
				break;
			if (labels[k].f == F_MEM)
				o->mem_mb = x;
			else
				o->maxmem_mb = x;
			vn = used;
			break;
		case F_STATUS: o->status = status_of(v, vn); break;
		case F_ERRTYPE: o->error_type = slice(v, vn); break;
		case F_TRACE: o->trace = slice(v, vn); break;
		case F_SEG: o->segment = slice(v, vn); break;
		case F_SAMPLED: o->sampled = starts(v, vn, LIT("true")) || starts(v, vn, LIT("1")); break;
		case F_PHASE: o->phase = slice(v, vn); break;
		}
		i += vn;
	}
}

void gr_lambda_line_init(struct gr_lambda_line *o)
{
	memset(o, 0, sizeof(*o));
	o->kind = GR_LINE_APP;
	o->ts = GR_TIME_UNKNOWN;
	o->dur_us = o->billed_us = o->init_us = o->restore_us = -1;
	o->mem_mb = o->maxmem_mb = -1;
	o->timeout_us = -1;
	o->sampled = -1;
}

static void bad(struct gr_lambda_line *o, const char *s, size_t n)
{
	o->kind = GR_LINE_BAD;
	o->bad = slice(s, n > 120 ? 120 : n);
}

/* The request id after "RequestId: " at s, validated. */
static bool request_after(const char *s, size_t n, struct gr_lambda_line *o)
{
	size_t t = token(s, n);

	if (!gr_is_request_id(s, t))
		return false;
	o->req = slice(s, t);
	return true;
}

static bool is_level(const char *s, size_t n)
{
	switch (n) {
	case 4: return !memcmp(s, "INFO", 4) || !memcmp(s, "WARN", 4);
	case 5: return !memcmp(s, "ERROR", 5) || !memcmp(s, "DEBUG", 5) ||
		       !memcmp(s, "TRACE", 5) || !memcmp(s, "FATAL", 5);
	case 7: return !memcmp(s, "WARNING", 7);
	case 8: return !memcmp(s, "CRITICAL", 8);
	}
	return false;
}

/* "Task timed out after 3.00 seconds" anywhere in an application message. */
static bool timeout_in(const char *s, size_t n, struct gr_lambda_line *o)
{
	const char *p = memmem(s, n, "Task timed out after ", 21);

	if (!p)
		return false;
	size_t rest = n - (size_t)(p - s);
	size_t len = 0;
	while (len < rest && p[len] != '\n' && p[len] != '\r')
		len++;
	o->kind = GR_LINE_FAULT;
	o->status = GR_STATUS_TIMEOUT;
	o->detail = slice(p, len);
	int64_t us;
	if (parse_scaled(p + 21, rest - 21, 1000000, &us))
		o->timeout_us = us;
	return true;
}

/* errorType value inside an application message ("errorType":"X"), for faults. */
static void error_type_in(const char *s, size_t n, struct gr_lambda_line *o)
{
	const char *p = memmem(s, n, "\"errorType\":\"", 13);

	if (!p)
		return;
	p += 13;
	const char *q = memchr(p, '"', n - (size_t)(p - s));
	if (q)
		o->error_type = slice(p, (size_t)(q - p));
}

/* First line of s, for a one-line detail. */
static struct gr_str first_line(const char *s, size_t n)
{
	const char *nl = memchr(s, '\n', n);
	size_t len = nl ? (size_t)(nl - s) : n;

	while (len && (s[len - 1] == '\r' || is_space(s[len - 1])))
		len--;
	return slice(s, len);
}

/* Application line: recognise the runtime prefix, then faults and markers. */
static void parse_app(const char *s, size_t n, struct gr_lambda_line *o)
{
	size_t i = 0, used;
	int64_t ts;

	o->msg = slice(s, n);
	if (n && s[0] == '[') {
		/* Python: "[LEVEL]\tISO\treqid\tmsg"; unhandled error: "[ERROR] Type: msg" */
		const char *rb = memchr(s, ']', n < 12 ? n : 12);
		if (rb && is_level(s + 1, (size_t)(rb - s - 1))) {
			o->level = slice(s + 1, (size_t)(rb - s - 1));
			i = (size_t)(rb - s) + 1;
			size_t j = i;
			while (j < n && is_space(s[j]))
				j++;
			if ((used = gr_time_parse_iso(s + j, n - j, &ts))) {
				o->ts = ts;
				j += used;
				/* the request id field may be empty: two tabs */
				if (j < n && is_space(s[j]))
					j++;
				size_t t = token(s + j, n - j);
				if (t && gr_is_request_id(s + j, t)) {
					o->req = slice(s + j, t);
					j += t;
				}
				while (j < n && is_space(s[j]))
					j++;
				o->msg = slice(s + j, n - j);
			} else {
				o->msg = slice(s + j, n - j);
				if (starts(o->level.p, o->level.n, LIT("ERROR")) && j == i + 1 &&
				    s[i] == ' ') {
					/* bootstrap.py log_error: "[ERROR] Type: message\nTraceback" */
					const char *colon = memchr(s + j, ':', n - j);
					size_t tl = token(s + j, n - j);
					if (colon && (size_t)(colon - (s + j)) < tl + 1) {
						o->kind = GR_LINE_FAULT;
						o->status = GR_STATUS_ERROR;
						o->error_type = slice(s + j, (size_t)(colon - (s + j)));
						o->detail = first_line(s + j, n - j);
					}
				}
			}
		}
	} else if (n && s[0] >= '0' && s[0] <= '9' && (used = gr_time_parse_iso(s, n, &ts))) {
		/* Node: "ISO\treqid\tLEVEL\tmsg", old Node "ISO\treqid\tmsg", Java
		 * appenders "YYYY-MM-DD HH:MM:SS reqid LEVEL msg" */
		size_t j = used;
		if (j < n && is_space(s[j])) {
			while (j < n && is_space(s[j]))
				j++;
			size_t t = token(s + j, n - j);
			if (t && gr_is_request_id(s + j, t) && t >= 8) {
				o->ts = ts;
				o->req = slice(s + j, t);
				j += t;
				while (j < n && is_space(s[j]))
					j++;
				size_t lt = token(s + j, n - j);
				if (is_level(s + j, lt)) {
					o->level = slice(s + j, lt);
					j += lt;
					while (j < n && is_space(s[j]))
						j++;
				}
				o->msg = slice(s + j, n - j);
			}
		}
		if (o->req.n && o->level.n && starts(o->level.p, o->level.n, LIT("ERROR")) &&
		    starts(o->msg.p, o->msg.n, LIT("Invoke Error"))) {
			/* Node runtime: unhandled error of the invocation */
			o->kind = GR_LINE_FAULT;
			o->status = GR_STATUS_ERROR;
			o->detail = slice(LIT("Invoke Error"));
			error_type_in(o->msg.p, o->msg.n, o);
		}
	} else if (n > 4 && s[1] == ',' && s[2] == ' ' && s[3] == '[') {
		/* Ruby Logger: "I, [ISO #pid]  LEVEL reqid -- : msg" */
		size_t j = 4;
		if ((used = gr_time_parse_iso(s + j, n - j, &ts))) {
			o->ts = ts;
			const char *rb = memchr(s + j, ']', n - j);
			if (rb) {
				j = (size_t)(rb - s) + 1;
				while (j < n && is_space(s[j]))
					j++;
				size_t lt = token(s + j, n - j);
				if (is_level(s + j, lt)) {
					o->level = slice(s + j, lt);
					j += lt;
				}
				while (j < n && is_space(s[j]))
					j++;
				size_t t = token(s + j, n - j);
				if (gr_is_request_id(s + j, t) && t >= 8) {
					o->req = slice(s + j, t);
					j += t;
				}
				const char *sep = memmem(s + j, n - j, "-- : ", 5);
				if (sep)
					j = (size_t)(sep - s) + 5;
				o->msg = slice(s + j, n - j);
			}
		}
	} else if (starts(s, n, LIT("RequestId: "))) {
		/* "RequestId: X Process exited before completing request",
		 * "RequestId: X Error: Runtime exited with error: signal: killed" */
		if (request_after(s + 11, n - 11, o)) {
			size_t j = 11 + o->req.n;
			while (j < n && is_space(s[j]))
				j++;
			const char *rest = s + j;
			if (starts(rest, n - j, LIT("Process exited")) ||
			    starts(rest, n - j, LIT("Error: Runtime exited")) ||
			    starts(rest, n - j, LIT("Error: Task timed out"))) {
				if (!timeout_in(rest, n - j, o)) {
					o->kind = GR_LINE_FAULT;
					o->status = GR_STATUS_ERROR;
					o->detail = first_line(rest, n - j);
					const char *rt = memmem(rest, n - j, "Runtime.", 8);
					if (rt)
						o->error_type = slice(rt, token(rt, n - (size_t)(rt - s)));
				}
				return;
			}
		}
	}

	/* "ISO reqid Task timed out after 3.00 seconds": the runtime's own line,
	 * without a level (a logged message quoting it has one) */
	if (o->kind == GR_LINE_APP && o->req.n && !o->level.n &&
	    starts(o->msg.p, o->msg.n, LIT("Task timed out after ")) &&
	    timeout_in(o->msg.p, o->msg.n, o))
		return;
	if (o->kind == GR_LINE_APP && gr_marker_find(o->msg.p, o->msg.n))
		o->marker = true;
}

void gr_lambda_parse_text(const char *s, size_t n, struct gr_lambda_line *o)
{
	gr_lambda_line_init(o);
	/* the message of one event usually ends in "\n" */
	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	while (n >= 2 && s[n - 2] == '\\' && (s[n - 1] == 'n' || s[n - 1] == 'r'))
		n -= 2;

	switch (n ? s[0] : 0) {
	case 'S':
		if (starts(s, n, LIT("START RequestId: "))) {
			o->kind = GR_LINE_START;
			parse_fields(s + 6, n - 6, o);
			if (!gr_is_request_id(o->req.p, o->req.n))
				bad(o, s, n);
			return;
		}
		break;
	case 'E':
		if (starts(s, n, LIT("END RequestId: "))) {
			o->kind = GR_LINE_END;
			if (!request_after(s + 15, n - 15, o))
				bad(o, s, n);
			return;
		}
		if (starts(s, n, LIT("EXTENSION")) && (n == 9 || is_ws(s[9]))) {
			o->kind = GR_LINE_PLATFORM;
			return;
		}
		break;
	case 'R':
		if (starts(s, n, LIT("REPORT RequestId: "))) {
			o->kind = GR_LINE_REPORT;
			parse_fields(s + 7, n - 7, o);
			if (!gr_is_request_id(o->req.p, o->req.n) || o->dur_us < 0)
				bad(o, s, n);
			return;
		}
		if (starts(s, n, LIT("RESTORE_")) || starts(s, n, LIT("RUNTIME_"))) {
			o->kind = GR_LINE_PLATFORM;
			return;
		}
		break;
	case 'I':
		if (starts(s, n, LIT("INIT_START"))) {
			o->kind = GR_LINE_INIT_START;
			parse_fields(s + 10, n - 10, o);
			return;
		}
		if (starts(s, n, LIT("INIT_REPORT"))) {
			o->kind = GR_LINE_INIT_REPORT;
			parse_fields(s + 11, n - 11, o);
			return;
		}
		if (starts(s, n, LIT("INIT_"))) {
			o->kind = GR_LINE_PLATFORM;
			return;
		}
		break;
	case 'X':
		if (starts(s, n, LIT("XRAY TraceId:"))) {
			o->kind = GR_LINE_XRAY;
			parse_fields(s, n, o);
			return;
		}
		break;
	case 'T':
		if (starts(s, n, LIT("TELEMETRY")) && (n == 9 || is_ws(s[9]))) {
			o->kind = GR_LINE_PLATFORM;
			return;
		}
		break;
	}
	parse_app(s, n, o);
}

/* --- JSON log format ---------------------------------------------------------- */

static struct gr_str jstr(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	if (json_is_string(v))
		return slice(json_string_value(v), json_string_length(v));
	return slice(NULL, 0);
}

/* Milliseconds (a JSON number) to microseconds, -1 if absent. */
static int64_t jms(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	if (json_is_integer(v))
		return (int64_t)json_integer_value(v) * 1000;
	if (json_is_real(v)) {
		double d = json_real_value(v);
		if (d >= 0 && d < 9e15)
			return (int64_t)(d * 1000.0 + 0.5);
	}
	return -1;
}

static int64_t jint(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	if (json_is_integer(v))
		return (int64_t)json_integer_value(v);
	if (json_is_real(v))
		return (int64_t)json_real_value(v);
	return -1;
}

static int64_t jtime(json_t *obj, const char *key)
{
	struct gr_str t = jstr(obj, key);
	int64_t us;

	if (t.n && gr_time_parse_iso(t.p, t.n, &us))
		return us;
	return GR_TIME_UNKNOWN;
}

/* "Root=1-...;Parent=...;Sampled=1" */
static void trace_header(json_t *tracing, struct gr_lambda_line *o)
{
	struct gr_str v = jstr(tracing, "value");
	size_t i = 0;

	while (i < v.n) {
		const char *f = v.p + i;
		const char *semi = memchr(f, ';', v.n - i);
		size_t fl = semi ? (size_t)(semi - f) : v.n - i;
		if (starts(f, fl, LIT("Root=")))
			o->trace = slice(f + 5, fl - 5);
		else if (starts(f, fl, LIT("Sampled=")))
			o->sampled = fl > 8 && f[8] == '1';
		i += fl + 1;
	}
}

static bool parse_platform(json_t *obj, const char *type, struct gr_lambda_line *o)
{
	json_t *rec = json_object_get(obj, "record");
	json_t *metrics = json_object_get(rec, "metrics");

	o->ts = jtime(obj, "time");
	if (!strcmp(type, "platform.start")) {
		o->kind = GR_LINE_START;
		o->req = jstr(rec, "requestId");
		o->version = jstr(rec, "version");
	} else if (!strcmp(type, "platform.runtimeDone")) {
		o->kind = GR_LINE_END;
		o->req = jstr(rec, "requestId");
		struct gr_str st = jstr(rec, "status");
		o->status = status_of(st.p, st.n);
		o->error_type = jstr(rec, "errorType");
		o->dur_us = jms(metrics, "durationMs");
	} else if (!strcmp(type, "platform.report")) {
		o->kind = GR_LINE_REPORT;
		o->req = jstr(rec, "requestId");
		struct gr_str st = jstr(rec, "status");
		o->status = status_of(st.p, st.n);
		o->error_type = jstr(rec, "errorType");
		o->dur_us = jms(metrics, "durationMs");
		o->billed_us = jms(metrics, "billedDurationMs");
		o->init_us = jms(metrics, "initDurationMs");
		o->restore_us = jms(metrics, "restoreDurationMs");
		o->mem_mb = jint(metrics, "memorySizeMB");
		o->maxmem_mb = jint(metrics, "maxMemoryUsedMB");
		if (o->dur_us < 0) {
			bad(o, LIT("platform.report without metrics.durationMs"));
			return true;
		}
	} else if (!strcmp(type, "platform.initStart")) {
		o->kind = GR_LINE_INIT_START;
		o->runtime = jstr(rec, "runtimeVersion");
		o->fn = jstr(rec, "functionName");
		o->version = jstr(rec, "functionVersion");
		o->phase = jstr(rec, "phase");
		return true;
	} else if (!strcmp(type, "platform.initReport")) {
		o->kind = GR_LINE_INIT_REPORT;
		o->phase = jstr(rec, "phase");
		struct gr_str st = jstr(rec, "status");
		o->status = status_of(st.p, st.n);
		o->error_type = jstr(rec, "errorType");
		o->init_us = jms(metrics, "durationMs");
		return true;
	} else {
		o->kind = GR_LINE_PLATFORM;
		return true;
	}
	if (!gr_is_request_id(o->req.p, o->req.n)) {
		bad(o, LIT("platform record without a valid requestId"));
		return true;
	}
	trace_header(json_object_get(rec, "tracing"), o);
	return true;
}

bool gr_lambda_parse_json(json_t *obj, struct gr_lambda_line *o)
{
	gr_lambda_line_init(o);
	if (!json_is_object(obj))
		return false;

	struct gr_str type = jstr(obj, "type");
	json_t *rec = json_object_get(obj, "record");
	if (type.n && rec && json_object_get(obj, "time")) {
		if (starts(type.p, type.n, LIT("platform.")))
			return parse_platform(obj, type.p, o);
		if (!strcmp(type.p, "function") && json_is_string(rec)) {
			/* Telemetry API function record: a text line inside */
			int64_t t = jtime(obj, "time");
			gr_lambda_parse_text(json_string_value(rec), json_string_length(rec), o);
			if (o->ts == GR_TIME_UNKNOWN)
				o->ts = t;
			return true;
		}
		if (!strcmp(type.p, "extension") || !strcmp(type.p, "function")) {
			o->kind = GR_LINE_APP;
			o->ts = jtime(obj, "time");
			return true;
		}
		return false;
	}

	/* application record of the JSON log format */
	struct gr_str level = jstr(obj, "level");
	bool log_level = false;
	if (!level.n) {
		level = jstr(obj, "log_level");
		log_level = level.n > 0;
	}
	struct gr_str req = jstr(obj, "requestId");
	if (!req.n)
		req = jstr(obj, "AWSrequestId");
	json_t *ts = json_object_get(obj, "timestamp");
	if (!ts || (!level.n && !req.n))
		return false;
	o->kind = GR_LINE_APP;
	o->ts = jtime(obj, "timestamp");
	o->level = level;
	if (gr_is_request_id(req.p, req.n))
		o->req = req;
	o->msg = jstr(obj, "message");
	struct gr_str etype = jstr(obj, "errorType");
	if (etype.n && starts(level.p, level.n, LIT("ERROR")) &&
	    (log_level || starts(o->msg.p, o->msg.n, LIT("Invoke Error")))) {
		o->kind = GR_LINE_FAULT;
		o->status = GR_STATUS_ERROR;
		o->error_type = etype;
		struct gr_str em = jstr(obj, "errorMessage");
		o->detail = em.n ? first_line(em.p, em.n) : etype;
		return true;
	}
	if (gr_marker_find(o->msg.p, o->msg.n))
		o->marker = true;
	return true;
}
