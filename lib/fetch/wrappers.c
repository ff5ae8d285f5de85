/* wrappers.c: Lambda log text as tools print it, each line's wrapper told apart by its shape. */
#include "fetch/wrappers.h"

#include <jansson.h>
#include <string.h>

#include "common/base64.h"
#include "common/json_scan.h"
#include "fetch/unit.h"
#include "gammaray.h"

#define LIT(s) s, sizeof(s) - 1

static bool starts(const char *s, size_t n, const char *lit, size_t ln)
{
	return n >= ln && memcmp(s, lit, ln) == 0;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Length of the token at s, up to a blank. */
static size_t token(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && s[i] != ' ' && s[i] != '\t')
		i++;
	return i;
}

/* s[0..n) is one ISO time and nothing else ("2024-05-22T00:33:09.921Z"). */
static bool whole_time(const char *s, size_t n, int64_t *ts)
{
	return n >= 19 && is_digit(s[0]) && gr_time_parse_iso(s, n, ts) == n;
}

/* --- recognisers: each says where a wrapped line's message starts --------------- */

/* What a wrapper's prefix says about its line. */
struct wrapped {
	int64_t ts;                /* the wrapper's time, or GR_TIME_UNKNOWN */
	const char *stream;        /* the log stream it names, or NULL */
	size_t stream_n;
	const char *fn;            /* the function it names, or NULL */
	size_t fn_n;
	size_t msg;                /* offset of the message in the line */
};

/*
 * "<ISO> <message>" with the time first: an export line ("...123Z msg"), `aws logs
 * tail --format short` ("2024-03-11T09:12:44 msg") or --format detailed
 * ("2024-03-11T09:12:44.517000+00:00 <stream> msg"). The detailed form's time
 * always carries its offset (Python's isoformat of an aware time); the others never.
 */
static bool time_first(const char *s, size_t n, struct wrapped *o)
{
	size_t t = token(s, n);

	if (t < 19 || t >= n || s[t] != ' ' || s[10] != 'T' || !whole_time(s, t, &o->ts))
		return false;
	/* Lambda's own "<ISO> <request id> Task timed out after..." is no wrapper */
	size_t r = token(s + t + 1, n - t - 1);
	if (r == 36 && s[t + 1 + 8] == '-' && s[t + 1 + 13] == '-' &&
	    gr_is_request_id(s + t + 1, r) && !whole_time(s + t + 1, r, &o->ts))
		return false;
	o->msg = t + 1;
	if (s[t - 6] == '+' || s[t - 6] == '-') {
		size_t sn = token(s + t + 1, n - t - 1);
		if (!sn || t + 1 + sn >= n)
			return false;
		o->stream = s + t + 1;
		o->stream_n = sn;
		o->msg = t + 1 + sn + 1;
	}
	return true;
}

/* A Lambda log stream's name as `sam logs` prints it: "2023/07/05/[56]374cd...". */
static bool stream_like(const char *s, size_t n)
{
	return n >= 12 && is_digit(s[0]) && s[4] == '/' && s[7] == '/' && s[10] == '/';
}

/* `sam logs`: "<stream> <ISO without zone> <message>". */
static bool sam_line(const char *s, size_t n, struct wrapped *o)
{
	if (!stream_like(s, n))
		return false;
	size_t a = token(s, n);
	if (a + 1 >= n || s[a] != ' ' || !is_digit(s[a + 1]))
		return false;
	size_t t = token(s + a + 1, n - a - 1);
	if (a + 1 + t >= n || s[a + 1 + t] != ' ' || !whole_time(s + a + 1, t, &o->ts))
		return false;
	o->stream = s;
	o->stream_n = a;
	o->msg = a + 1 + t + 1;
	return true;
}

/* `pulumi logs`: "%30.30s[%30.30s] %v": the time right-aligned in 30 columns, then
 * the resource (the function) right-aligned in 30, cut to 30. */
static bool pulumi_line(const char *s, size_t n, struct wrapped *o)
{
	if (n < 64 || s[30] != '[' || s[61] != ']' || s[62] != ' ')
		return false;
	size_t i = 0;
	while (i < 30 && s[i] == ' ')
		i++;
	if (!whole_time(s + i, 30 - i, &o->ts))
		return false;
	size_t f = 31;
	while (f < 61 && s[f] == ' ')
		f++;
	if (f == 61)
		return false;
	o->fn = s + f;
	o->fn_n = 61 - f;
	o->stream = o->fn;
	o->stream_n = o->fn_n;
	o->msg = 63;
	return true;
}

static bool wrapped_line(const char *s, size_t n, struct wrapped *o)
{
	*o = (struct wrapped){ GR_TIME_UNKNOWN, NULL, 0, NULL, 0, 0 };
	if (!n)
		return false;
	if (!is_digit(s[0]))
		return s[0] == ' ' && pulumi_line(s, n, o);
	return time_first(s, n, o) || sam_line(s, n, o);
}

/* --- serverless logs (format-lambda-log-event.js) ------------------------------ */

/* "START - <id> - Version: X", "END - <id>", "REPORT - <id>": the request id after
 * the keyword's " - ", or 0. */
static size_t sls_platform(const char *s, size_t n, const char *kw, size_t kn, size_t *id)
{
	if (!starts(s, n, kw, kn) || !starts(s + kn, n - kn, LIT(" - ")))
		return 0;
	size_t t = token(s + kn + 3, n - kn - 3);
	if (t < 8 || !gr_is_request_id(s + kn + 3, t))
		return 0;
	*id = kn + 3;
	return t;
}

/* "2024-02-01 10:11:12.345 - <id> - [LEVEL\t]": an application line's header; its
 * text is on the next line. */
static bool sls_app_header(const char *s, size_t n, size_t *id, size_t *idn)
{
	int64_t ts;

	if (n < 30 || s[10] != ' ' || gr_time_parse_iso(s, 23, &ts) != 23 ||
	    !starts(s + 23, n - 23, LIT(" - ")))
		return false;
	size_t t = token(s + 26, n - 26);
	if (t < 8 || !gr_is_request_id(s + 26, t) || !starts(s + 26 + t, n - 26 - t, LIT(" - ")))
		return false;
	*id = 26;
	*idn = t;
	return true;
}

/* --- events -------------------------------------------------------------------- */

void gr_wrap_init(struct gr_wrap *w, struct gr_unit *u)
{
	memset(w, 0, sizeof(*w));
	w->u = u;
	w->ts = GR_TIME_UNKNOWN;
}

static struct gr_stream *bare_stream(struct gr_wrap *w)
{
	const struct gr_unit_spec *sp = w->u->spec;

	if (!w->has_bare) {
		struct gr_stream *s = gr_unit_stream(w->u, sp->group,
						     sp->group ? strlen(sp->group) : 0, sp->stream,
						     sp->stream ? strlen(sp->stream) : 0);
		if (!s)
			return NULL;
		w->bare = gr_unit_stream_ix(w->u, s);
		w->has_bare = true;
	}
	return gr_unit_stream_at(w->u, w->bare);
}

/* Hand one log event to the unit. A JSON record printed over several lines (a
 * console copy, sam's indenting) is compacted first: it is one record. */
static void emit(struct gr_wrap *w, struct gr_stream *s, int64_t ts, uint64_t line,
		 const char *m, size_t n)
{
	struct gr_unit *u = w->u;

	if (n && m[0] == '{' && memchr(m, '\n', n)) {
		struct gr_buf *c = &u->scratch2;
		gr_buf_reset(c);
		if (!gr_js_compact(m, n, c)) {
			m = c->data;
			n = c->len;
		}
	}
	u->line = line;
	gr_unit_log_event(u, s, ts, m, n);
	gr_unit_flush(u);
}

/* Write the event being assembled. */
static void finish(struct gr_wrap *w)
{
	if (!w->have)
		return;
	w->have = false;
	if (w->console && !w->msg.len) {
		/* a timestamp line with nothing after it */
		w->u->line = w->line;
		gr_unit_record(w->u);
		gr_unit_skip(w->u, GR_SKIP_EMPTY);
		return;
	}
	emit(w, gr_unit_stream_at(w->u, w->s), w->ts, w->line, w->msg.data, w->msg.len);
}

static void begin(struct gr_wrap *w, struct gr_stream *s, int64_t ts, uint64_t line,
		  const char *m, size_t n, bool console)
{
	finish(w);
	gr_buf_reset(&w->msg);
	if (!s || gr_buf_add(&w->msg, m, n)) {
		gr_unit_nomem(w->u);
		return;
	}
	w->have = true;
	w->joins = true;
	w->console = console;
	w->fault = false;
	w->s = gr_unit_stream_ix(w->u, s);
	w->ts = ts;
	w->line = line;
}

static void join(struct gr_wrap *w, const char *m, size_t n)
{
	if ((w->msg.len && gr_buf_addc(&w->msg, '\n')) || gr_buf_add(&w->msg, m, n))
		gr_unit_nomem(w->u);
}

/* A Lambda platform line's keyword at s ("START RequestId: "...). */
static bool platform_start(const char *s, size_t n)
{
	switch (n ? s[0] : 0) {
	case 'S': return starts(s, n, LIT("START RequestId: "));
	case 'E': return starts(s, n, LIT("END RequestId: ")) || starts(s, n, LIT("EXTENSION"));
	case 'R': return starts(s, n, LIT("REPORT RequestId: ")) || starts(s, n, LIT("RESTORE_"));
	case 'I': return starts(s, n, LIT("INIT_"));
	}
	return false;
}

/* Blanks (and U+00A0, which console copies carry) before a platform line. */
static size_t lead_blanks(const char *s, size_t n)
{
	size_t i = 0;

	for (;;) {
		if (i < n && (s[i] == ' ' || s[i] == '\t'))
			i++;
		else if (i + 1 < n && (unsigned char)s[i] == 0xc2 && (unsigned char)s[i + 1] == 0xa0)
			i += 2;
		else
			return i;
	}
}

/* Does s hold "RequestId: "? Found from its rare 'q' (memchr is cheaper than memmem
 * on the short lines most text is made of). */
static bool has_request_id(const char *s, size_t n)
{
	const char *p = s, *e = s + n;

	while ((p = memchr(p, 'q', (size_t)(e - p)))) {
		if (p - s >= 2 && e - p >= 9 && !memcmp(p - 2, "RequestId: ", 11))
			return true;
		p++;
	}
	return false;
}

/*
 * A platform line glued to the end of the previous line's text, as the console
 * prints a traceback whose last line has no newline ("...messageEND RequestId: x").
 * Returns the offset of the platform line when the rest of s is one that parses,
 * else 0. Quoted ones ("message": "END RequestId...") are text.
 */
static size_t glued_platform(const char *s, size_t n)
{
	static const struct { const char *kw; size_t n; } kws[] = {
		{ LIT("END RequestId: ") }, { LIT("REPORT RequestId: ") },
		{ LIT("START RequestId: ") },
	};

	/* the glued line runs to the end: look in the tail only (a REPORT line is
	 * under 400 bytes) */
	size_t from = n > 400 ? n - 400 : 0;
	if (n < 20 || !has_request_id(s + from, n - from))
		return 0;
	for (size_t k = 0; k < sizeof(kws) / sizeof(kws[0]); k++) {
		size_t f = from ? from : 1;
		const char *p = memmem(s + f, n - f, kws[k].kw, kws[k].n);
		if (!p || p[-1] == '"' || p[-1] == '\'' || p[-1] == '\\')
			continue;
		struct gr_lambda_line l;
		gr_lambda_parse_text(p, n - (size_t)(p - s), &l);
		if (l.kind == GR_LINE_START || l.kind == GR_LINE_END || l.kind == GR_LINE_REPORT)
			return (size_t)(p - s);
	}
	return 0;
}

/* A line without a wrapper's prefix, outside any wrapped event: a bare Lambda line,
 * one event of its own. */
static void bare_line(struct gr_wrap *w, const char *s, size_t n, uint64_t lineno)
{
	struct gr_stream *b = bare_stream(w);
	size_t lead = lead_blanks(s, n), g;

	if (!b)
		return;
	if (starts(s, n, LIT("RequestId: ")) && memmem(s, n, "Error: Runtime exited", 21)) {
		/* its error type ("Runtime.ExitError") is printed on the next line */
		begin(w, b, GR_TIME_UNKNOWN, lineno, s, n, false);
		w->fault = true;
		return;
	}
	if (lead && platform_start(s + lead, n - lead)) {
		s += lead;
		n -= lead;
	} else if (!platform_start(s, n) && (g = glued_platform(s, n))) {
		emit(w, b, GR_TIME_UNKNOWN, lineno, s, g);
		s += g;
		n -= g;
	}
	emit(w, b, GR_TIME_UNKNOWN, lineno, s, n);
}

/* Serverless: a line rewritten into its Lambda form. True when the line was one of
 * its shapes (handled). */
static bool serverless_line(struct gr_wrap *w, const char *s, size_t n, uint64_t lineno)
{
	struct gr_buf *rw = &w->rw;
	size_t id, idn;

	if (w->sls_report) {
		w->sls_report = false;
		if (starts(s, n, LIT("Duration: "))) {
			/* "REPORT - id" + "\n" + "Duration: ..." was one REPORT line */
			if (gr_buf_addc(rw, '\t') || gr_buf_add(rw, s, n))
				gr_unit_nomem(w->u);
			emit(w, bare_stream(w), GR_TIME_UNKNOWN, w->line, rw->data, rw->len);
			return true;
		}
		emit(w, bare_stream(w), GR_TIME_UNKNOWN, w->line, rw->data, rw->len);
	}
	if (w->sls_app) {
		/* the text of "time - id - " is this line: Node's "LEVEL\ttext" */
		w->sls_app = false;
		if (gr_buf_addc(rw, '\t') || gr_buf_add(rw, s, n))
			gr_unit_nomem(w->u);
		emit(w, bare_stream(w), GR_TIME_UNKNOWN, w->line, rw->data, rw->len);
		return true;
	}
	if (!n || (s[0] != 'S' && s[0] != 'E' && s[0] != 'R' && s[0] != 'I' && !is_digit(s[0])))
		return false;
	gr_buf_reset(rw);
	if ((idn = sls_platform(s, n, LIT("START"), &id))) {
		const char *v = s + id + idn;
		size_t vn = n - id - idn;
		if (starts(v, vn, LIT(" - Version: "))) {
			v += 2; /* " Version: X" */
			vn -= 2;
		}
		if (gr_buf_add(rw, LIT("START RequestId: ")) || gr_buf_add(rw, s + id, idn) ||
		    gr_buf_add(rw, v, vn))
			gr_unit_nomem(w->u);
	} else if ((idn = sls_platform(s, n, LIT("END"), &id))) {
		if (gr_buf_add(rw, LIT("END RequestId: ")) || gr_buf_add(rw, s + id, n - id))
			gr_unit_nomem(w->u);
	} else if ((idn = sls_platform(s, n, LIT("REPORT"), &id))) {
		if (gr_buf_add(rw, LIT("REPORT RequestId: ")) || gr_buf_add(rw, s + id, n - id))
			gr_unit_nomem(w->u);
		w->sls_report = true;
		w->line = lineno;
		return true;
	} else if (starts(s, n, LIT("INIT_START Runtime - Version: "))) {
		if (gr_buf_add(rw, LIT("INIT_START Runtime Version: ")) ||
		    gr_buf_add(rw, s + 30, n - 30))
			gr_unit_nomem(w->u);
	} else if (sls_app_header(s, n, &id, &idn)) {
		/* "time\tid" + "\t" + the next line: a Node runtime line */
		if (gr_buf_add(rw, s, 23) || gr_buf_addc(rw, '\t') || gr_buf_add(rw, s + id, idn))
			gr_unit_nomem(w->u);
		w->sls_app = true;
		w->line = lineno;
		return true;
	} else {
		return false;
	}
	emit(w, bare_stream(w), GR_TIME_UNKNOWN, lineno, rw->data, rw->len);
	return true;
}

/* The line without its terminal colour codes (ESC [ ... letter), which tools print
 * when told to colour a pipe. */
static const char *uncolour(struct gr_wrap *w, const char *s, size_t *n)
{
	if (!memchr(s, '\x1b', *n))
		return s;
	gr_buf_reset(&w->clean);
	for (size_t i = 0; i < *n; i++) {
		if (s[i] == '\x1b' && i + 1 < *n && s[i + 1] == '[') {
			i += 2;
			while (i < *n && !((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z')))
				i++;
			continue;
		}
		if (gr_buf_addc(&w->clean, s[i])) {
			gr_unit_nomem(w->u);
			return s;
		}
	}
	*n = w->clean.len;
	return w->clean.data ? w->clean.data : "";
}

void gr_wrap_line(struct gr_wrap *w, const char *s, size_t n, uint64_t lineno)
{
	struct gr_unit *u = w->u;
	struct wrapped o;
	int64_t ts;

	while (n && s[n - 1] == '\r')
		n--;
	s = uncolour(w, s, &n);
	if ((w->sls_report || w->sls_app) && serverless_line(w, s, n, lineno))
		return;
	if (n == 0) {
		/* a blank line ends an event; a console timestamp line's message may
		 * still follow */
		if (w->have && !(w->console && !w->msg.len))
			finish(w);
		return;
	}
	if (s[0] == '2' && n <= 35 && whole_time(s, n, &ts)) {
		/* the console's timestamp line: the message follows */
		begin(w, bare_stream(w), ts, lineno, "", 0, true);
		return;
	}
	if (wrapped_line(s, n, &o)) {
		struct gr_stream *st;
		const struct gr_unit_spec *sp = u->spec;
		if (o.stream)
			st = gr_unit_stream(u, sp->group, sp->group ? strlen(sp->group) : 0,
					    o.stream, o.stream_n);
		else
			st = bare_stream(w);
		if (!st) {
			gr_unit_nomem(u);
			return;
		}
		if (o.fn)
			gr_unit_stream_fn(u, st, o.fn, o.fn_n, "pulumi-logs");
		begin(w, st, o.ts, lineno, s + o.msg, n - o.msg, false);
		return;
	}
	if (w->have && w->joins && !(w->fault && !starts(s, n, LIT("Runtime.")))) {
		/* a continuation line (a stack trace, an XRAY tail, an indented JSON
		 * record), unless it is a platform line of its own after a message */
		if (!w->msg.len || !platform_start(s, n)) {
			join(w, s, n);
			return;
		}
		finish(w);
	}
	finish(w);
	if (starts(s, n, LIT("Collecting logs for stack "))) {
		/* pulumi logs' header */
		u->line = lineno;
		gr_unit_record(u);
		gr_unit_skip(u, GR_SKIP_HEADER);
		return;
	}
	if (serverless_line(w, s, n, lineno))
		return;
	bare_line(w, s, n, lineno);
}

void gr_wrap_end(struct gr_wrap *w)
{
	if (w->sls_report || w->sls_app) {
		if (w->rw.len)
			emit(w, bare_stream(w), GR_TIME_UNKNOWN, w->line, w->rw.data, w->rw.len);
		w->sls_report = w->sls_app = false;
	}
	if (!w->u->fatal)
		finish(w);
	gr_buf_release(&w->msg);
	gr_buf_release(&w->clean);
	gr_buf_release(&w->rw);
}

bool gr_wrap_console_copy(const char *p, size_t n)
{
	const char *e = p + n, *q = p;
	int64_t ts;

	while (q < e) {
		const char *nl = memchr(q, '\n', (size_t)(e - q));
		if (!nl)
			return false; /* the last line may be cut short: not judged */
		size_t len = (size_t)(nl - q);
		if (len && q[len - 1] == '\r')
			len--;
		if (len >= 19 && len <= 35 && q[0] == '2' && whole_time(q, len, &ts))
			return true;
		q = nl + 1;
	}
	return false;
}

/* --- JSON documents that wrap Lambda log text ------------------------------------ */

/* `aws lambda invoke --log-type Tail`: LogResult is base64 of the log's last 4 KB,
 * which may begin in the middle of a line. */
static void log_result(struct gr_unit *u, const char *b64, size_t n)
{
	struct gr_buf text = GR_BUF_INIT;
	struct gr_wrap w;
	uint64_t base = u->line, lineno = 0;

	if (gr_base64_decode(b64, n, &text)) {
		gr_unit_record(u);
		gr_unit_lost(u, GR_LOST_BAD_PAYLOAD, "LogResult is not base64");
		gr_buf_release(&text);
		return;
	}
	gr_wrap_init(&w, u);
	const char *p = text.data ? text.data : "", *e = p + text.len;
	while (p < e && !u->fatal) {
		const char *nl = memchr(p, '\n', (size_t)(e - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(e - p);
		gr_wrap_line(&w, p, len, base + lineno++);
		p += len + (nl != NULL);
	}
	gr_wrap_end(&w);
	u->line = base;
	gr_buf_release(&text);
}

/* Milliseconds as microseconds, within what the event stream carries; -1 if none. */
static int64_t num_ms(json_t *v)
{
	if (json_is_integer(v) && json_integer_value(v) >= 0 &&
	    json_integer_value(v) < GR_MAX_INT / 1000)
		return (int64_t)json_integer_value(v) * 1000;
	if (json_is_real(v) && json_real_value(v) >= 0 && json_real_value(v) < 1e12)
		return (int64_t)(json_real_value(v) * 1000.0 + 0.5);
	return -1;
}

/* Megabytes, within what the event stream carries; -1 if none. */
static int64_t num_mb(json_t *v)
{
	if (json_is_integer(v) && json_integer_value(v) >= 0 &&
	    json_integer_value(v) < GR_MAX_INT)
		return (int64_t)json_integer_value(v);
	return -1;
}

static struct gr_str str_of(json_t *v)
{
	if (!json_is_string(v))
		return (struct gr_str){ NULL, 0 };
	return (struct gr_str){ json_string_value(v), json_string_length(v) };
}

/* A Lambda Insights performance event: one per invocation, a REPORT in all but name
 * (durations in ms, memory in MB; _aws.Timestamp in ms). */
static void insights(struct gr_unit *u, json_t *doc)
{
	const struct gr_unit_spec *sp = u->spec;
	struct gr_lambda_line l;
	struct gr_str fn = str_of(json_object_get(doc, "function_name"));
	json_t *aws = json_object_get(doc, "_aws");
	int64_t ts = GR_TIME_UNKNOWN, ms = num_ms(json_object_get(aws, "Timestamp"));

	gr_unit_record(u);
	gr_lambda_line_init(&l);
	l.kind = GR_LINE_REPORT;
	l.req = str_of(json_object_get(doc, "request_id"));
	if (!l.req.n || !gr_is_request_id(l.req.p, l.req.n)) {
		gr_unit_lost(u, GR_LOST_BAD_RECORD, "Lambda Insights event without a request_id");
		return;
	}
	if (ms > 0)
		ts = ms; /* ms * 1000 is already microseconds */
	l.dur_us = num_ms(json_object_get(doc, "duration"));
	l.billed_us = num_ms(json_object_get(doc, "billed_duration"));
	if (json_is_true(json_object_get(doc, "cold_start")))
		l.init_us = num_ms(json_object_get(doc, "init_duration"));
	l.mem_mb = num_mb(json_object_get(doc, "total_memory"));
	l.maxmem_mb = num_mb(json_object_get(doc, "used_memory_max"));
	if (json_is_true(json_object_get(doc, "timeout")))
		l.status = GR_STATUS_TIMEOUT;
	l.trace = str_of(json_object_get(doc, "trace_id"));
	if (l.dur_us < 0) {
		gr_unit_lost(u, GR_LOST_BAD_RECORD, "Lambda Insights event without a duration");
		return;
	}
	struct gr_stream *s = gr_unit_stream(u, sp->group, sp->group ? strlen(sp->group) : 0,
					     sp->stream, sp->stream ? strlen(sp->stream) : 0);
	if (!s) {
		gr_unit_nomem(u);
		return;
	}
	if (fn.n)
		gr_unit_stream_fn(u, s, fn.p, fn.n, "lambda-insights");
	gr_unit_log_line(u, s, ts, &l);
}

bool gr_wrap_json(struct gr_unit *u, const char *doc, size_t n)
{
	bool lr = n > 12 && memmem(doc, n, "\"LogResult\"", 11);
	bool perf = !lr && n > 24 && memmem(doc, n, "\"performance\"", 13) &&
		    memmem(doc, n, "\"event_type\"", 12);

	if (!lr && !perf)
		return false;
	json_t *j = json_loadb(doc, n, 0, NULL);
	if (!json_is_object(j)) {
		json_decref(j);
		return false;
	}
	bool done = false;
	json_t *v;
	if (lr && json_is_string(v = json_object_get(j, "LogResult"))) {
		log_result(u, json_string_value(v), json_string_length(v));
		done = true;
	} else if (perf && json_is_string(v = json_object_get(j, "event_type")) &&
		   !strcmp(json_string_value(v), "performance") &&
		   json_object_get(j, "request_id")) {
		insights(u, j);
		done = true;
	}
	json_decref(j);
	return done;
}
