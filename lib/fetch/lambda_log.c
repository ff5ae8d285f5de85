/* lambda_log.c: Lambda log lines, text and JSON format, classified and parsed. */
#include "fetch/lambda_log.h"

#include <string.h>

#include "gammaray.h"
#include "common/json_scan.h"

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

const char *gr_marker_find(const char *s, size_t n)
{
	const char *p = s, *end;

	if (n < 10)
		return NULL; /* before any arithmetic on s, which is NULL for an empty message */
	end = s + n;
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
	if (ip >= GR_MAX_INT / mult)
		return 0; /* beyond what the event stream carries (gammaray.h) */
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
	F_REQ, F_DUR, F_BILLED, F_MEM, F_MAXMEM, F_INIT, F_RESTORE, F_BILLED_RESTORE, F_STATUS,
	F_ERRTYPE,
	F_TRACE, F_SEG, F_SAMPLED, F_PHASE, F_RUNTIME, F_RUNTIME_ARN, F_VERSION
};

/* Longer labels first where one is a suffix of another ("Billed Duration:"). */
static const struct {
	const char *label;
	size_t len;
	enum field f;
} labels[] = {
	{ LIT("Billed Duration:"), F_BILLED },
	{ LIT("Billed Restore Duration:"), F_BILLED_RESTORE },
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
		case F_BILLED_RESTORE:
			used = parse_scaled(v, n - i, 1000, &x);
			if (!used)
				break;
			if (labels[k].f == F_DUR)
				o->dur_us = x;
			else if (labels[k].f == F_BILLED)
				o->billed_us = x;
			else if (labels[k].f == F_INIT)
				o->init_us = x;
			else if (labels[k].f == F_BILLED_RESTORE)
				o->billed_restore_us = x;
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
	o->dur_us = o->billed_us = o->init_us = o->restore_us = o->billed_restore_us = -1;
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
	const char *p = n >= 21 ? memmem(s, n, "Task timed out after ", 21) : NULL;

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
	const char *p = n >= 13 ? memmem(s, n, "\"errorType\":\"", 13) : NULL;

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
		if (starts(s, n, LIT("RESTORE_START"))) {
			o->kind = GR_LINE_RESTORE_START;
			parse_fields(s + 13, n - 13, o);
			return;
		}
		if (starts(s, n, LIT("RESTORE_REPORT"))) {
			o->kind = GR_LINE_RESTORE_REPORT;
			parse_fields(s + 14, n - 14, o);
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

#define KEY(k, lit) gr_jv_is(&(k), lit, sizeof(lit) - 1)

/* Milliseconds (a JSON number) to microseconds, -1 if absent or not a number. */
static int64_t ms_value(const struct gr_jv *v)
{
	double d;

	if (v->t != GR_JT_NUM || !gr_jv_double(v, &d) || !(d >= 0 && d < (double)(GR_MAX_INT / 1000)))
		return -1;
	return (int64_t)(d * 1000.0 + 0.5);
}

static int64_t int_value(const struct gr_jv *v)
{
	int64_t x;

	return v->t == GR_JT_NUM && gr_jv_int(v, &x) && x >= -GR_MAX_INT && x <= GR_MAX_INT ? x : -1;
}

static int64_t iso_value(struct gr_str t)
{
	int64_t us;

	return t.n && gr_time_parse_iso(t.p, t.n, &us) ? us : GR_TIME_UNKNOWN;
}

/* "Root=1-...;Parent=...;Sampled=1" */
static void trace_header(struct gr_str v, struct gr_lambda_line *o)
{
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

/* The "record" object of a platform record, into o (kind already set). */
static void platform_record(const struct gr_jv *rec, struct gr_buf *dec, struct gr_lambda_line *o)
{
	struct gr_js js, m;
	struct gr_jv k, v, mk, mv;

	if (rec->t != GR_JT_OBJ || !gr_js_begin(&js, rec->p, rec->n, false, 0))
		return;
	js.trusted = true;
	while (gr_js_next(&js, &k, &v) > 0) {
		if (KEY(k, "requestId")) {
			o->req = gr_jv_text(&v, dec);
		} else if (KEY(k, "version") || KEY(k, "functionVersion")) {
			o->version = gr_jv_text(&v, dec);
		} else if (KEY(k, "status")) {
			struct gr_str st = gr_jv_text(&v, dec);
			o->status = status_of(st.p, st.n);
		} else if (KEY(k, "errorType")) {
			o->error_type = gr_jv_text(&v, dec);
		} else if (KEY(k, "functionName")) {
			o->fn = gr_jv_text(&v, dec);
		} else if (KEY(k, "runtimeVersion")) {
			o->runtime = gr_jv_text(&v, dec);
		} else if (KEY(k, "phase")) {
			o->phase = gr_jv_text(&v, dec);
		} else if (KEY(k, "tracing") && v.t == GR_JT_OBJ &&
			   gr_js_begin(&m, v.p, v.n, false, 0)) {
			m.trusted = true;
			while (gr_js_next(&m, &mk, &mv) > 0)
				if (KEY(mk, "value"))
					trace_header(gr_jv_text(&mv, dec), o);
		} else if (KEY(k, "metrics") && v.t == GR_JT_OBJ &&
			   gr_js_begin(&m, v.p, v.n, false, 0)) {
			m.trusted = true;
			while (gr_js_next(&m, &mk, &mv) > 0) {
				if (KEY(mk, "durationMs")) {
					if (o->kind == GR_LINE_INIT_REPORT)
						o->init_us = ms_value(&mv);
					else if (o->kind == GR_LINE_RESTORE_REPORT)
						o->restore_us = ms_value(&mv);
					else
						o->dur_us = ms_value(&mv);
				} else if (KEY(mk, "billedDurationMs")) {
					o->billed_us = ms_value(&mv);
				} else if (KEY(mk, "initDurationMs")) {
					o->init_us = ms_value(&mv);
				} else if (KEY(mk, "restoreDurationMs")) {
					o->restore_us = ms_value(&mv);
				} else if (KEY(mk, "memorySizeMB")) {
					o->mem_mb = int_value(&mv);
				} else if (KEY(mk, "maxMemoryUsedMB")) {
					o->maxmem_mb = int_value(&mv);
				}
			}
		}
	}
}

/* What a "platform.*" type means for us. */
static enum gr_line_kind platform_kind(struct gr_str t)
{
	static const struct {
		const char *name;
		size_t len;
		enum gr_line_kind kind;
	} kinds[] = {
		{ LIT("platform.start"), GR_LINE_START },
		{ LIT("platform.runtimeDone"), GR_LINE_END },
		{ LIT("platform.report"), GR_LINE_REPORT },
		{ LIT("platform.initStart"), GR_LINE_INIT_START },
		{ LIT("platform.initReport"), GR_LINE_INIT_REPORT },
		{ LIT("platform.restoreStart"), GR_LINE_RESTORE_START },
		{ LIT("platform.restoreReport"), GR_LINE_RESTORE_REPORT },
		{ LIT("platform.restoreRuntimeDone"), GR_LINE_RESTORE_DONE },
	};
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (t.n == kinds[i].len && !memcmp(t.p, kinds[i].name, t.n))
			return kinds[i].kind;
	return GR_LINE_PLATFORM;
}

bool gr_lambda_parse_json(const char *s, size_t n, struct gr_buf *dec, struct gr_lambda_line *o)
{
	struct gr_js js;
	struct gr_jv k, v, rec = { GR_JT_NONE, NULL, 0, false };
	struct gr_str type = { 0 }, time = { 0 }, stamp = { 0 }, level = { 0 }, req = { 0 };
	struct gr_str etype = { 0 }, emsg = { 0 };
	bool has_time = false, has_stamp = false, log_level = false;
	int rc;

	gr_lambda_line_init(o);
	gr_buf_reset(dec);
	if (gr_buf_grow(dec, n + 1) || !gr_js_begin(&js, s, n, false, 0))
		return false;
	while ((rc = gr_js_next(&js, &k, &v)) > 0) {
		if (k.esc || !k.n)
			continue;
		if (KEY(k, "type"))
			type = gr_jv_text(&v, dec);
		else if (KEY(k, "time"))
			has_time = true, time = gr_jv_text(&v, dec);
		else if (KEY(k, "record"))
			rec = v;
		else if (KEY(k, "timestamp"))
			has_stamp = true, stamp = gr_jv_text(&v, dec);
		else if (KEY(k, "level"))
			level = gr_jv_text(&v, dec);
		else if (KEY(k, "log_level") && !level.n)
			level = gr_jv_text(&v, dec), log_level = true;
		else if (KEY(k, "requestId") || (KEY(k, "AWSrequestId") && !req.n))
			req = gr_jv_text(&v, dec);
		else if (KEY(k, "message"))
			o->msg = gr_jv_text(&v, dec);
		else if (KEY(k, "errorType"))
			etype = gr_jv_text(&v, dec);
		else if (KEY(k, "errorMessage"))
			emsg = gr_jv_text(&v, dec);
	}
	if (rc < 0)
		return false;

	if (type.n && has_time && rec.t != GR_JT_NONE) {
		o->ts = iso_value(time);
		if (starts(type.p, type.n, LIT("platform."))) {
			o->kind = platform_kind(type);
			if (o->kind == GR_LINE_PLATFORM)
				return true;
			platform_record(&rec, dec, o);
			if (o->kind == GR_LINE_INIT_START || o->kind == GR_LINE_INIT_REPORT ||
			    o->kind == GR_LINE_RESTORE_START || o->kind == GR_LINE_RESTORE_REPORT ||
			    o->kind == GR_LINE_RESTORE_DONE)
				return true;
			if (o->kind == GR_LINE_REPORT && o->dur_us < 0)
				bad(o, LIT("platform.report without metrics.durationMs"));
			else if (!gr_is_request_id(o->req.p, o->req.n))
				bad(o, LIT("platform record without a valid requestId"));
			return true;
		}
		if (type.n == 8 && !memcmp(type.p, "function", 8) && rec.t == GR_JT_STR) {
			/* Telemetry API function record: a text line inside */
			struct gr_str line = gr_jv_text(&rec, dec);
			int64_t t = o->ts;
			gr_lambda_parse_text(line.p, line.n, o);
			if (o->ts == GR_TIME_UNKNOWN)
				o->ts = t;
			return true;
		}
		if ((type.n == 8 && !memcmp(type.p, "function", 8)) ||
		    (type.n == 9 && !memcmp(type.p, "extension", 9)))
			return true; /* an application line (kind APP) with nothing in it */
		return false;
	}

	/* application record of the JSON log format */
	if (!has_stamp || (!level.n && !req.n))
		return false;
	o->kind = GR_LINE_APP;
	o->ts = iso_value(stamp);
	o->level = level;
	if (gr_is_request_id(req.p, req.n))
		o->req = req;
	if (etype.n && starts(level.p, level.n, LIT("ERROR")) &&
	    (log_level || starts(o->msg.p, o->msg.n, LIT("Invoke Error")))) {
		o->kind = GR_LINE_FAULT;
		o->status = GR_STATUS_ERROR;
		o->error_type = etype;
		o->detail = emsg.n ? first_line(emsg.p, emsg.n) : etype;
		return true;
	}
	if (gr_marker_find(o->msg.p, o->msg.n))
		o->marker = true;
	return true;
}
