/* detect.c: a unit's files read: each told apart by its content (export chunk, Lambda text, JSON documents) and handed to its format's reader. */
#include <stdlib.h>
#include <string.h>

#include "common/reader.h"
#include "fetch/otel_span.h"
#include "fetch/trace_text.h"
#include "fetch/unit.h"
#include "fetch/wrappers.h"

/* === JSON documents: trace documents read with the scanner ===================== */

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

/* Would gr_cwl_json take the document? It is asked first (json_document): its
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

/*
 * Jaeger JSON ({"data":[trace...]}, or one trace {"traceID","spans","processes"}) and
 * OTLP/JSON ({"resourceSpans":[...]}), or an array of them, read from the text
 * p[0..n) of one JSON value: one segment record per span; false when it is none of
 * them (or not well-formed: the caller's JSON parser then says why). CloudWatch Logs
 * shapes (gr_cwl_json) are left to the caller. When seen is not NULL, *valid says
 * whether the value was validated whole (exact mode, seen[] its top-level members
 * for an object), so that the caller need not validate it again.
 */
static bool trace_text(struct gr_unit *u, const char *p, size_t n, struct gr_jv *seen_top,
		       bool *valid)
{
	int max_depth = u->cfg->o->max_depth;
	struct gr_jv mine[GR_TT_NTOP], *top = seen_top ? seen_top : mine;
	struct gr_jaeger_seen seen;
	size_t i = 0;
	bool ok = false;

	if (valid)
		*valid = false;
	while (i < n && (p[i] == ' ' || p[i] == '\n' || p[i] == '\r' || p[i] == '\t'))
		i++;
	if (i < n && p[i] == '{') {
		enum kind k;
		ok = validate(p, n, false, max_depth, top);
		if (valid)
			*valid = ok;
		if (!ok || (k = kind_of(top, &seen)) == NEITHER)
			return false; /* malformed: jansson says why */
		read_doc(u, k, top, &seen);
		return true;
	}
	if (i < n && p[i] == '[') {
		/* an array of traces: taken when every element is one (else json_document
		 * reads each element for itself) */
		struct gr_jv arr = { GR_JT_ARR, p + i, n - i, false }, el;
		struct gr_js a;
		size_t count = 0;
		ok = validate(p, n, true, max_depth, NULL);
		if (valid)
			*valid = ok;
		if (!ok || !gr_tt_begin(&a, &arr, true))
			return false;
		if (gr_jaeger_spans_is(&arr)) {
			gr_jaeger_spans(u, &arr);
			return true;
		}
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

/* === the other JSON documents, read from their text =============================== */

/*
 * What no reader above took is read here from the same text: CloudWatch Logs shapes
 * (cwl_json.c), the elements of an array each for itself, or a loss that names the
 * document's first keys. The text was validated as jansson takes it; a document the
 * scanner refuses goes to jansson, which words the message, or, when it takes it
 * (a NUL byte after a number), is read from jansson's own compact text, as every
 * document was before.
 */

/* The first few keys of an object, in order and each once (the last of its
 * duplicates is the member), for a message about an unknown document. */
static void key_list(const struct gr_jv *obj, char *out, size_t size)
{
	struct gr_js js;
	struct gr_jv k, v;
	struct gr_buf dec = GR_BUF_INIT; /* the keys listed, decoded, one after another */
	size_t at[5], len[5];            /* where each listed key is in dec */
	size_t o = 0, nk = 0;
	char esc[64];

	out[0] = '\0';
	if (!gr_tt_begin(&js, obj, false))
		return;
	while (gr_js_next(&js, &k, &v) > 0) {
		if (gr_buf_grow(&dec, k.n + 1))
			break;
		const char *key = dec.data + dec.len;
		size_t kn = k.esc ? gr_js_unescape(k.p, k.n, dec.data + dec.len) : k.n;
		if (!k.esc)
			memcpy(dec.data + dec.len, k.p, kn);
		size_t i = 0;
		while (i < nk && !(len[i] == kn && !memcmp(dec.data + at[i], key, kn)))
			i++;
		if (i < nk)
			continue; /* a duplicate: listed where it came first */
		if (nk == 5) {
			snprintf(out + o, size - o, ", ...");
			break;
		}
		at[nk] = dec.len;
		len[nk++] = kn;
		dec.len += kn;
		int w = snprintf(out + o, size - o, "%s%s", o ? ", " : "",
				 gr_escape_msg(key, kn, 40, esc, sizeof(esc)));
		if (w < 0 || (size_t)w >= size - o)
			break;
		o += (size_t)w;
	}
	gr_buf_release(&dec);
}

/* An element of an array that is one Lambda JSON-format record. gr_lambda_parse_json
 * reads keys in order and skips escaped ones: it is given the text jansson writes
 * of the element (each key once, unescaped), as it always was. */
static bool lambda_element(struct gr_unit *u, const struct gr_jv *el)
{
	json_t *j = json_loadb(el->p, el->n, JSON_ALLOW_NUL, NULL);
	char *text = j ? json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	bool done = text && gr_unit_lambda_json(u, text, strlen(text));

	free(text);
	json_decref(j);
	return done;
}

/* One validated value v of a document (depth 0) or of its top-level array (depth 1);
 * top: v's top-level members when known; tried: trace_text and gr_awsspans_record
 * have already refused this very text. */
static void document(struct gr_unit *u, const struct gr_jv *v, const struct gr_jv *top,
		     int depth, bool tried)
{
	if (v->t == GR_JT_ARR && depth == 0) {
		struct gr_js a;
		struct gr_jv el;
		gr_tt_begin(&a, v, true);
		while (gr_js_next_elem(&a, &el) > 0)
			document(u, &el, NULL, depth + 1, false);
		return;
	}
	if (v->t == GR_JT_OBJ) {
		struct gr_jv mine[GR_TT_NTOP];
		if (!top) {
			gr_tt_members(v, top_keys, GR_TT_NTOP, mine);
			top = mine;
		}
		if (gr_cwl_json(u, v, top))
			return;
		/* an element of an array of traces or of Telemetry records */
		if ((!tried && (trace_text(u, v->p, v->n, NULL, NULL) ||
				gr_awsspans_record(u, v->p, v->n, true))) ||
		    (depth > 0 && lambda_element(u, v)))
			return;
		char keys[200];
		key_list(v, keys, sizeof(keys));
		gr_unit_record(u);
		gr_unit_lost(u, GR_LOST_UNKNOWN_DOC, "JSON document of unknown shape (keys: %s)",
			     keys[0] ? keys : "none");
		return;
	}
	gr_unit_record(u);
	gr_unit_lost(u, GR_LOST_UNKNOWN_DOC, "JSON %s where a document was expected",
		     v->t == GR_JT_ARR ? "array" : "scalar");
}

/*
 * One JSON document doc[0..n) (an object or array, begun at line) that the readers
 * of read_json refused, of any shape fetch knows; valid: trace_text validated it in
 * exact mode no deeper than jansson goes, top its members.
 */
static void json_document(struct gr_unit *u, const char *doc, size_t n, uint64_t line,
			  struct gr_jv *top, bool valid)
{
	int max_depth = u->cfg->o->max_depth > 0 ? u->cfg->o->max_depth : 512;
	bool arr = n && doc[0] == '[';
	struct gr_jv v = { arr ? GR_JT_ARR : GR_JT_OBJ, doc, n, false };

	if (valid && max_depth <= GR_TT_JANSSON_DEPTH) {
		document(u, &v, arr ? NULL : top, 0, true);
		return;
	}
	if (validate(doc, n, arr, GR_TT_JANSSON_DEPTH, top)) {
		document(u, &v, arr ? NULL : top, 0, true);
		return;
	}
	json_error_t jerr;
	json_t *j = json_loadb(doc, n, JSON_ALLOW_NUL, &jerr);
	if (!j) {
		char esc[200];
		gr_unit_record(u);
		u->line = line + (jerr.line > 1 ? (uint64_t)jerr.line - 1 : 0);
		gr_unit_lost(u, GR_LOST_JSON, "malformed JSON: %s",
			     gr_escape_msg(jerr.text, strlen(jerr.text), 120, esc, sizeof(esc)));
		return;
	}
	char *text = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(j);
	size_t tn = text ? strlen(text) : 0;
	if (text && validate(text, tn, arr, GR_TT_JANSSON_DEPTH, top)) {
		v.p = text;
		v.n = tn;
		document(u, &v, arr ? NULL : top, 0, false);
	} else {
		gr_unit_nomem(u); /* jansson's own text is JSON: only memory fails */
	}
	free(text);
}

/* === files ====================================================================== */

/* "2024-05-01T12:00:00.123Z " at the start of an export line. */
static bool prefix_shape(const char *s, size_t n)
{
	return n >= 25 && s[4] == '-' && s[7] == '-' && s[10] == 'T' && s[13] == ':' &&
	       s[16] == ':' && s[19] == '.' && s[23] == 'Z' && s[24] == ' ';
}

/* Millions of lines share their minute: parse "YYYY-MM-DDTHH:MM" once per change. */
struct minute_cache {
	char text[16];  /* the last minute seen */
	int64_t us;     /* its time */
};

static bool export_prefix_cached(const char *s, size_t n, int64_t *ts, struct minute_cache *c)
{
	if (!prefix_shape(s, n))
		return false;
	unsigned sec = (unsigned)(s[17] - '0') * 10 + (unsigned)(s[18] - '0');
	unsigned ms = (unsigned)(s[20] - '0') * 100 + (unsigned)(s[21] - '0') * 10 +
		      (unsigned)(s[22] - '0');
	if (s[17] < '0' || s[17] > '9' || s[18] < '0' || s[18] > '9' || sec > 60 ||
	    s[20] < '0' || s[20] > '9' || s[21] < '0' || s[21] > '9' || s[22] < '0' ||
	    s[22] > '9')
		return false;
	if (memcmp(c->text, s, 16) != 0) {
		char minute[24];
		memcpy(minute, s, 16);
		memcpy(minute + 16, ":00Z", 4);
		if (gr_time_parse_iso(minute, 20, &c->us) != 20)
			return false;
		memcpy(c->text, s, 16);
	}
	*ts = c->us + (int64_t)sec * 1000000 + (int64_t)ms * 1000;
	return true;
}

static bool export_prefix(const char *s, size_t n, int64_t *ts)
{
	return prefix_shape(s, n) && gr_time_parse_iso(s, 24, ts) == 24;
}

static void reader_failed(struct gr_unit *u, struct gr_reader *r, int rc)
{
	enum gr_reason why = rc == GR_ERR_COMPRESS ? GR_LOST_COMPRESS : GR_LOST_UNREADABLE;

	if (rc == GR_ERR_NOMEM) {
		gr_unit_nomem(u);
		return;
	}
	gr_unit_file_lost(u, why, &r->errinfo);
}

/* Does the event whose first line was just read end there? True when what follows
 * (after blank lines, which only end its message) is the next event's prefix or
 * the end of data. False when unsure (the buffer ends too soon): copy then. The
 * shape is enough here: a line shaped like a prefix whose time does not parse is
 * rare garbage, read as a record of its own. */
static bool single_line_event(const struct gr_reader *r)
{
	const char *p;
	size_t n;
	bool eof;

	gr_reader_ahead(r, &p, &n, &eof);
	while (n && *p == '\n') {
		p++;
		n--;
	}
	if (n == 0)
		return eof;
	return prefix_shape(p, n);
}

/* CloudWatch Logs export chunk: "<ISO>Z <message>" lines; continuation lines carry no
 * prefix; events are not guaranteed to be in time order. */
static void read_export(struct gr_unit *u, struct gr_reader *r, struct gr_stream *s)
{
	const char *line;
	size_t n;
	int64_t ts = GR_TIME_UNKNOWN, t;
	struct minute_cache mc = { { 0 }, 0 };
	bool have = false;     /* an event is being assembled in scratch */
	bool dropping = false; /* continuation lines of a dropped event follow */
	uint64_t ev_line = 0;
	int rc;

	while (!u->fatal && (rc = gr_reader_line(r, &line, &n)) != 0) {
		if (rc == GR_ERR_LIMIT) {
			if (have) {
				u->line = ev_line;
				gr_unit_log_event(u, s, ts, u->scratch.data, u->scratch.len);
				have = false;
			}
			u->line = r->lineno;
			gr_unit_record(u);
			gr_unit_lost(u, GR_LOST_LINE_LIMIT, "%s", r->errinfo.msg);
			dropping = true;
			continue;
		}
		if (rc < 0) {
			reader_failed(u, r, rc);
			break;
		}
		if (export_prefix_cached(line, n, &t, &mc)) {
			dropping = false;
			if (have) {
				u->line = ev_line;
				gr_unit_log_event(u, s, ts, u->scratch.data, u->scratch.len);
				gr_unit_flush(u);
				have = false;
			}
			if (single_line_event(r)) {
				/* the common case: read it in place, no copy */
				u->line = r->lineno;
				gr_unit_log_event(u, s, t, line + 25, n - 25);
				gr_unit_flush(u);
				continue;
			}
			gr_buf_reset(&u->scratch);
			if (gr_buf_add(&u->scratch, line + 25, n - 25)) {
				gr_unit_nomem(u);
				return;
			}
			ts = t;
			have = true;
			ev_line = r->lineno;
		} else if (have) {
			if (u->scratch.len + n + 1 > r->max_line) {
				u->line = r->lineno;
				gr_unit_record(u);
				gr_unit_lost(u, GR_LOST_LINE_LIMIT,
					     "log event longer than %zu bytes skipped", r->max_line);
				have = false;
				dropping = true;
				continue;
			}
			if (gr_buf_addc(&u->scratch, '\n') || gr_buf_add(&u->scratch, line, n)) {
				gr_unit_nomem(u);
				return;
			}
		} else if (n && !dropping) {
			/* text before the first timestamped line: a record of its own */
			u->line = r->lineno;
			gr_unit_log_event(u, s, GR_TIME_UNKNOWN, line, n);
		}
	}
	if (have && !u->fatal) {
		u->line = ev_line;
		gr_unit_log_event(u, s, ts, u->scratch.data, u->scratch.len);
	}
}

/* Lambda log text as a person pastes or pipes it: bare lines, console copies, the
 * output of sam, pulumi, serverless and aws logs tail, each line told apart by its
 * shape (wrappers.c). */
static void read_text(struct gr_unit *u, struct gr_reader *r)
{
	const char *line;
	size_t n;
	int rc;
	struct gr_wrap w;

	gr_wrap_init(&w, u);
	while (!u->fatal && (rc = gr_reader_line(r, &line, &n)) != 0) {
		u->line = r->lineno;
		if (rc == GR_ERR_LIMIT) {
			gr_unit_record(u);
			gr_unit_lost(u, GR_LOST_LINE_LIMIT, "%s", r->errinfo.msg);
			continue;
		}
		if (rc < 0) {
			reader_failed(u, r, rc);
			break;
		}
		gr_wrap_line(&w, line, n, r->lineno);
	}
	gr_wrap_end(&w);
}

/* A sequence of JSON values (one document, NDJSON, or concatenated "}{"). */
static void read_json(struct gr_unit *u, struct gr_reader *r)
{
	const char *doc;
	size_t n;
	uint64_t line;
	int rc;

	while (!u->fatal && (rc = gr_reader_json(r, &doc, &n, &line)) != 0) {
		if (rc == GR_ERR_LIMIT || rc == GR_ERR_DEPTH || rc == GR_ERR_JSON) {
			u->line = r->errinfo.line;
			gr_unit_record(u);
			gr_unit_lost(u, rc == GR_ERR_JSON ? GR_LOST_JSON
				     : rc == GR_ERR_DEPTH ? GR_LOST_DEPTH
				     : GR_LOST_DOC_LIMIT, "%s", r->errinfo.msg);
			continue;
		}
		if (rc < 0) {
			reader_failed(u, r, rc);
			break;
		}
		u->line = line;
		struct gr_jv top[GR_TT_NTOP];
		bool valid;
		if (gr_xray_text(u, doc, n) || gr_unit_lambda_json(u, doc, n) ||
		    trace_text(u, doc, n, top, &valid) || gr_awsspans_record(u, doc, n, true) ||
		    gr_wrap_json(u, doc, n)) {
			gr_unit_flush(u);
			continue;
		}
		json_document(u, doc, n, line, top, valid);
		gr_unit_flush(u);
	}
}

/* A whole file lost before any record of it was read: counted under a file reason,
 * reported by name ("x.bin: not text (NUL byte at offset 3); skipped"). */
static void file_skipped(struct gr_unit *u, enum gr_reason why, const char *path,
			 const char *what)
{
	struct gr_error e = { 0 };

	gr_error_set(&e, GR_ERR_DATA, "%s; skipped", what);
	gr_error_at(&e, path, 0);
	gr_unit_file_lost(u, why, &e);
}

/* Text or log lines: binary data must not be read as lines (the JSON readers already
 * refuse it record by record). True when the file may be read as text. */
static bool text_ok(struct gr_unit *u, struct gr_reader *r, const char *path)
{
	struct gr_error e = { 0 };
	const char *p;
	size_t n;
	int rc;

	if ((rc = gr_reader_peek(r, GR_TEXT_PEEK, &p, &n))) {
		reader_failed(u, r, rc);
		return false;
	}
	if (gr_text_check(p, n, n == GR_TEXT_PEEK, &e) == 0)
		return true;
	file_skipped(u, GR_LOST_NOT_TEXT, path, e.msg);
	return false;
}

/* Does a file that begins like JSON hold a console timestamp line in its first
 * part? Then it is a console copy, not JSON. */
static bool text_peek_console(struct gr_unit *u, struct gr_reader *r)
{
	const char *p;
	size_t n;

	if (gr_reader_peek(r, GR_TEXT_PEEK, &p, &n))
		return false; /* the JSON reader says why */
	(void)u;
	return gr_wrap_console_copy(p, n);
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

static void read_file(struct gr_unit *u, const char *path)
{
	struct gr_reader r;
	struct gr_error err = { 0 };
	const char *p;
	size_t n;
	int rc;
	const struct gr_fetch_opts *o = u->cfg->o;

	u->file = path;
	u->line = 0;
	u->st.files++;
	if (gr_reader_open(&r, path, &err)) {
		gr_unit_file_lost(u, GR_LOST_UNREADABLE, &err);
		return;
	}
	gr_reader_limits(&r, o->max_line, o->max_doc, o->max_depth);
	if (u->rcache)
		gr_reader_use_cache(&r, u->rcache);
	if ((rc = gr_reader_peek(&r, 64, &p, &n))) {
		reader_failed(u, &r, rc);
		goto out;
	}
	if (r.outer != GR_GZIP && gr_gzip_named(path)) {
		/* formats are found by content, but a .gz of no gzip is damage: random
		 * bytes would otherwise be read as lines of text */
		char esc[64], what[128];
		if (n)
			snprintf(what, sizeof(what), "not gzip data despite its .gz name "
				 "(starts '%s')", gr_escape_msg(p, n, 8, esc, sizeof(esc)));
		else
			snprintf(what, sizeof(what), "empty: not gzip data despite its .gz name");
		file_skipped(u, GR_LOST_COMPRESS, path, what);
		goto out;
	}
	if (!strcmp(base_name(path), "aws-logs-write-test") &&
	    n >= 27 && !memcmp(p, "Permission Check Successful", 27)) {
		gr_unit_skip(u, GR_SKIP_WRITE_TEST);
		goto out;
	}
	/* skip a UTF-8 byte order mark and leading whitespace to see the format */
	size_t i = 0;
	if (n >= 3 && !memcmp(p, "\xef\xbb\xbf", 3)) {
		r.pos += 3;
		p += 3;
		n -= 3;
	}
	while (i < n && (p[i] == ' ' || p[i] == '\n' || p[i] == '\r' || p[i] == '\t'))
		i++;
	int64_t t;
	size_t k = i + 1;
	while (k < n && (p[k] == ' ' || p[k] == '\n' || p[k] == '\r' || p[k] == '\t'))
		k++;
	/* "[INFO]\t..." is a Python log line, "[{" or "[]" a JSON array */
	bool json_array = i < n && p[i] == '[' &&
			  (k >= n || strchr("{[]\"-0123456789tfn", p[k]));
	bool export = export_prefix(p, n, &t); /* p is stale after text_ok */
	bool json = i < n && (p[i] == '{' || json_array);
	if (json && text_peek_console(u, &r)) {
		/* a console copy of JSON-format records begun at a record */
		json = false;
		export = false;
	}
	if (json) {
		read_json(u, &r);
	} else if (!n || !text_ok(u, &r, path)) {
		/* empty, or lost as not text */
	} else if (export) {
		struct gr_stream *s = gr_unit_stream(u, u->spec->group,
						     u->spec->group ? strlen(u->spec->group) : 0,
						     u->spec->stream,
						     u->spec->stream ? strlen(u->spec->stream) : 0);
		read_export(u, &r, s);
	} else {
		read_text(u, &r);
	}
out:
	u->st.bytes_in += r.bytes_in;
	u->st.bytes += gr_reader_offset(&r);
	gr_reader_release(&r);
}

/* A log event's message that is an aws/spans record. */
static bool other_event(struct gr_unit *u, const char *msg, size_t n)
{
	return gr_awsspans_maybe(msg, n) && gr_awsspans_record(u, msg, n, false);
}

int gr_unit_run(struct gr_unit *u)
{
	u->other_event = other_event;
	for (size_t i = 0; i < u->spec->nfiles && !u->fatal; i++)
		read_file(u, u->spec->files[i]);
	return gr_unit_finish(u);
}
