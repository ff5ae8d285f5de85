/* events.c: the event stream (gammaray-events(5)): one writer per record type. */
#include "stream/events.h"

#include <stdlib.h>
#include <string.h>

#include "gammaray.h"

const char *gr_status_name(enum gr_status s)
{
	switch (s) {
	case GR_STATUS_OK: return "ok";
	case GR_STATUS_ERROR: return "error";
	case GR_STATUS_TIMEOUT: return "timeout";
	case GR_STATUS_NONE: break;
	}
	return NULL;
}

bool gr_is_request_id(const char *s, size_t n)
{
	/* 1 for the bytes of a request id: letters, digits, '-' */
	static const unsigned char id_byte[256] = {
		['-'] = 1,
		['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1,
		['7'] = 1, ['8'] = 1, ['9'] = 1,
		['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1,
		['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1,
		['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1,
		['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1,
		['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1,
		['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1,
		['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1,
		['V'] = 1, ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1,
	};
	unsigned char all = 1;

	if (n == 0 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++)
		all &= id_byte[(unsigned char)s[i]];
	return all;
}

void gr_ev_opt_str(struct gr_jw *w, const char *key, struct gr_str s)
{
	if (s.n)
		gr_jw_str(w, key, s.p, s.n);
}

void gr_ev_opt_cstr(struct gr_jw *w, const char *key, const char *s)
{
	if (s && *s)
		gr_jw_cstr(w, key, s);
}

void gr_ev_opt_int(struct gr_jw *w, const char *key, int64_t v)
{
	if (v >= 0)
		gr_jw_int(w, key, v);
}

void gr_ev_opt_ts(struct gr_jw *w, int64_t ts)
{
	if (ts != GR_TIME_UNKNOWN)
		gr_jw_int(w, "ts", ts);
}

void gr_ev_opt_status(struct gr_jw *w, enum gr_status st)
{
	const char *s = gr_status_name(st);

	if (s)
		gr_jw_cstr(w, "status", s);
}

void gr_ev_header(struct gr_jw *w)
{
	gr_jw_begin(w);
	gr_jw_cstr(w, "type", "gammaray-events");
	gr_jw_int(w, "v", GR_EVENTS_VERSION);
	gr_jw_end(w);
}

void gr_ev_marker_parts(struct gr_jw *w, int64_t ts, const char *m_json, size_t m_len,
			bool tail)
{
	if (!tail) {
		gr_jw_begin(w);
		gr_jw_cstr(w, "type", "marker");
		gr_ev_opt_ts(w, ts);
		return;
	}
	w->comma = true;
	w->depth = 1;
	gr_jw_raw(w, "m", m_json, m_len);
	gr_jw_end(w);
}

void gr_ev_marker(struct gr_jw *w, int64_t ts, struct gr_str req, const char *m_json,
		  size_t m_len)
{
	gr_ev_marker_parts(w, ts, m_json, m_len, false);
	gr_ev_opt_str(w, "req", req);
	gr_ev_marker_parts(w, ts, m_json, m_len, true);
}

void gr_ev_log(struct gr_jw *w, int64_t ts, struct gr_str req, struct gr_str level,
	       struct gr_str msg)
{
	gr_jw_begin(w);
	gr_jw_cstr(w, "type", "log");
	gr_ev_opt_ts(w, ts);
	gr_ev_opt_str(w, "req", req);
	gr_ev_opt_str(w, "level", level);
	gr_jw_str(w, "msg", msg.p, msg.n);
	gr_jw_end(w);
}

void gr_ev_stream(struct gr_jw *w, const struct gr_logsrc *src, const char *fn_from)
{
	gr_jw_begin(w);
	gr_jw_cstr(w, "type", "stream");
	gr_ev_opt_cstr(w, "group", src->group);
	gr_ev_opt_cstr(w, "stream", src->stream);
	gr_ev_opt_cstr(w, "fn", src->fn);
	gr_ev_opt_cstr(w, "fn_from", fn_from);
	gr_jw_end(w);
}

static void links(struct gr_jw *w, const struct gr_xlink *l, size_t n)
{
	if (!n)
		return;
	gr_jw_arr(w, "links");
	for (size_t i = 0; i < n; i++) {
		gr_jw_obj(w, NULL);
		gr_ev_opt_str(w, "trace", l[i].trace);
		gr_jw_str(w, "id", l[i].id.p, l[i].id.n);
		gr_ev_opt_str(w, "ref", l[i].ref);
		gr_ev_opt_str(w, "msg_id", l[i].msg);
		gr_jw_obj_end(w);
	}
	gr_jw_arr_end(w);
}

static void id_array(struct gr_jw *w, const char *key, const struct gr_str *ids, size_t n)
{
	if (!n)
		return;
	gr_jw_arr(w, key);
	for (size_t i = 0; i < n; i++)
		gr_jw_str(w, NULL, ids[i].p, ids[i].n);
	gr_jw_arr_end(w);
}

void gr_ev_segment(struct gr_jw *w, const struct gr_xseg *s)
{
	gr_jw_begin(w);
	gr_jw_cstr(w, "type", "segment");
	gr_ev_opt_str(w, "trace", s->trace);
	gr_ev_opt_str(w, "id", s->id);
	gr_ev_opt_str(w, "parent", s->parent);
	if (s->sub)
		gr_jw_bool(w, "sub", true);
	gr_ev_opt_str(w, "name", s->name);
	gr_ev_opt_str(w, "origin", s->origin);
	gr_ev_opt_str(w, "ns", s->ns);
	gr_ev_opt_str(w, "svc", s->svc);
	gr_ev_opt_str(w, "kind", s->kind);
	gr_ev_opt_str(w, "ref", s->ref);
	gr_jw_int(w, "start_us", s->start_us);
	if (s->end_us >= 0)
		gr_jw_int(w, "end_us", s->end_us);
	if (s->in_progress)
		gr_jw_bool(w, "in_progress", true);
	if (s->inferred)
		gr_jw_bool(w, "inferred", true);
	gr_ev_opt_str(w, "req", s->req);
	gr_ev_opt_str(w, "op", s->op);
	gr_ev_opt_str(w, "fn", s->fn);
	gr_ev_opt_str(w, "inv", s->inv);
	gr_ev_opt_str(w, "table", s->table);
	gr_ev_opt_str(w, "queue", s->queue);
	gr_ev_opt_str(w, "topic", s->topic);
	gr_ev_opt_str(w, "arn", s->arn);
	gr_ev_opt_str(w, "log_group", s->log_group);
	if (s->http)
		gr_jw_int(w, "http", s->http);
	if (s->error)
		gr_jw_bool(w, "error", true);
	if (s->fault)
		gr_jw_bool(w, "fault", true);
	if (s->throttle)
		gr_jw_bool(w, "throttle", true);
	gr_ev_opt_str(w, "rpc", s->rpc);
	gr_ev_opt_str(w, "invoked", s->invoked);
	gr_ev_opt_str(w, "msg_id", s->msg_id);
	gr_ev_opt_str(w, "msys", s->msys);
	gr_ev_opt_str(w, "bucket", s->bucket);
	gr_ev_opt_str(w, "s3key", s->s3key);
	if (s->cold)
		gr_jw_bool(w, "cold", true);
	links(w, s->links, s->nlinks);
	id_array(w, "precursors", s->precursors, s->nprecursors);
	gr_jw_end(w);
}

/* --- reading the event stream ------------------------------------------------ */

#include <stddef.h> /* offsetof */

enum ev_field_kind { F_STR, F_INT, F_BOOL, F_STATUS, F_SAMPLED, F_ERROR, F_OBJ, F_ARR, F_TYPE };

/* A known field: its name, how to store it and where. */
struct ev_field {
	const char *name;  /* key */
	unsigned char len; /* strlen(name) */
	unsigned char kind;/* enum ev_field_kind */
	size_t off;        /* offset in struct gr_event */
};

#define FLD(n, k, m) { n, sizeof(n) - 1, k, offsetof(struct gr_event, m) }

/* Grouped by key length, so a lookup compares only keys of the same length. */
static const struct ev_field ev_fields[] = {
	FLD("m", F_OBJ, m),
	FLD("v", F_INT, v),
	FLD("fn", F_STR, fn),
	FLD("id", F_STR, id),
	FLD("ns", F_STR, ns),
	FLD("op", F_STR, op),
	FLD("ts", F_INT, ts),
	FLD("arn", F_STR, arn),
	FLD("inv", F_STR, inv),
	FLD("msg", F_STR, msg),
	FLD("ref", F_STR, ref),
	FLD("req", F_STR, req),
	FLD("rpc", F_STR, rpc),
	FLD("sub", F_BOOL, sub),
	FLD("svc", F_STR, svc),
	FLD("cold", F_BOOL, cold),
	FLD("http", F_INT, http),
	FLD("kind", F_STR, kind),
	FLD("msys", F_STR, msys),
	FLD("name", F_STR, name),
	FLD("type", F_TYPE, type_name),
	FLD("error", F_ERROR, error),
	FLD("fault", F_BOOL, fault),
	FLD("group", F_STR, group),
	FLD("level", F_STR, level),
	FLD("links", F_ARR, links),
	FLD("phase", F_STR, phase),
	FLD("queue", F_STR, queue),
	FLD("s3key", F_STR, s3key),
	FLD("table", F_STR, table),
	FLD("topic", F_STR, topic),
	FLD("trace", F_STR, trace),
	FLD("bucket", F_STR, bucket),
	FLD("detail", F_STR, detail),
	FLD("dur_us", F_INT, dur_us),
	FLD("end_us", F_INT, end_us),
	FLD("mem_mb", F_INT, mem_mb),
	FLD("msg_id", F_STR, msg_id),
	FLD("origin", F_STR, origin),
	FLD("parent", F_STR, parent),
	FLD("status", F_STATUS, status),
	FLD("stream", F_STR, stream),
	FLD("fn_from", F_STR, fn_from),
	FLD("init_us", F_INT, init_us),
	FLD("invoked", F_STR, invoked),
	FLD("runtime", F_STR, runtime),
	FLD("sampled", F_SAMPLED, sampled),
	FLD("segment", F_STR, segment),
	FLD("version", F_STR, version),
	FLD("inferred", F_BOOL, inferred),
	FLD("start_us", F_INT, start_us),
	FLD("throttle", F_BOOL, throttle),
	FLD("billed_us", F_INT, billed_us),
	FLD("log_group", F_STR, log_group),
	FLD("maxmem_mb", F_INT, maxmem_mb),
	FLD("precursors", F_ARR, precursors),
	FLD("restore_us", F_INT, restore_us),
	FLD("timeout_us", F_INT, timeout_us),
	FLD("in_progress", F_BOOL, in_progress),
	FLD("billed_restore_us", F_INT, billed_restore_us),
};

static const struct ev_field *ev_field_find(const char *k, size_t n)
{
	/* first entry of each key length 1..17 in ev_fields (ev_fields is sorted by length) */
	static const unsigned char first[19] = { 0, 0, 2, 7, 15, 21, 32, 42, 49, 52, 55, 58, 59,
						 59, 59, 59, 59, 59, 60 };

	if (n < 1 || n > 17)
		return NULL;
	/* the first byte tells most keys of one length apart: memcmp only on a match */
	for (unsigned i = first[n]; i < first[n + 1]; i++)
		if (ev_fields[i].name[0] == k[0] && !memcmp(ev_fields[i].name + 1, k + 1, n - 1))
			return &ev_fields[i];
	return NULL;
}

static const struct {
	const char *name;
	enum gr_ev_type type;
} ev_types[] = {
	{ "start", GR_EV_START },         { "end", GR_EV_END },
	{ "report", GR_EV_REPORT },       { "marker", GR_EV_MARKER },
	{ "segment", GR_EV_SEGMENT },     { "fault", GR_EV_FAULT },
	{ "stream", GR_EV_STREAM },       { "init_start", GR_EV_INIT_START },
	{ "init_report", GR_EV_INIT_REPORT }, { "log", GR_EV_LOG },
	{ "restore_start", GR_EV_RESTORE_START }, { "restore_report", GR_EV_RESTORE_REPORT },
	{ "restore_done", GR_EV_RESTORE_DONE },
	{ "gammaray-events", GR_EV_HEADER }, { "stats", GR_EV_STATS },
};

static void ev_reset(struct gr_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->v = -1;
	ev->ts = GR_TIME_UNKNOWN;
	ev->dur_us = ev->billed_us = ev->mem_mb = ev->maxmem_mb = -1;
	ev->init_us = ev->restore_us = ev->billed_restore_us = ev->timeout_us = -1;
	ev->sampled = -1;
	ev->start_us = GR_TIME_UNKNOWN;
	ev->end_us = -1;
	ev->http = -1;
}

static bool ev_string(const struct gr_jv *v, struct gr_buf *scratch, struct gr_str *out)
{
	if (!v->esc) {
		out->p = v->p;
		out->n = v->n;
		return true;
	}
	/* room for the whole line was reserved: this never reallocates */
	char *d = scratch->data + scratch->len;
	size_t n = gr_js_unescape(v->p, v->n, d);
	scratch->len += n;
	out->p = d;
	out->n = n;
	return true;
}

static enum gr_status ev_status(const struct gr_str *s)
{
	if (s->n == 2 && !memcmp(s->p, "ok", 2))
		return GR_STATUS_OK;
	if (s->n == 5 && !memcmp(s->p, "error", 5))
		return GR_STATUS_ERROR;
	if (s->n == 7 && !memcmp(s->p, "timeout", 7))
		return GR_STATUS_TIMEOUT;
	return GR_STATUS_NONE;
}

int gr_ev_parse(const char *line, size_t n, struct gr_event *ev, struct gr_buf *scratch,
		int max_depth, struct gr_error *err)
{
	struct gr_js js;
	struct gr_jv k, v;
	int rc;

	ev_reset(ev);
	gr_buf_reset(scratch);
	if (gr_buf_grow(scratch, n + 1))
		return gr_error_set(err, GR_ERR_NOMEM, "out of memory");
	if (!gr_js_begin(&js, line, n, false, max_depth))
		return gr_error_set(err, GR_ERR_JSON, "malformed JSON: %s", js.err);
	while ((rc = gr_js_next(&js, &k, &v)) > 0) {
		const struct ev_field *f = k.esc ? NULL : ev_field_find(k.p, k.n);
		void *dst; /* the field, at its offset in *ev */
		if (!f)
			continue;
		dst = (char *)ev + f->off;
		switch (f->kind) {
		case F_STR:
		case F_TYPE:
			if (v.t == GR_JT_NULL)
				break;
			if (v.t != GR_JT_STR)
				goto bad_type;
			ev_string(&v, scratch, dst);
			break;
		case F_INT: {
			int64_t x;
			if (v.t == GR_JT_NULL)
				break;
			if (!gr_jv_int(&v, &x))
				goto bad_type;
			if (x < -GR_MAX_INT || x > GR_MAX_INT)
				return gr_error_set(err, GR_ERR_FORMAT, "field \"%s\" beyond +-2^60",
						    f->name);
			memcpy(dst, &x, sizeof(x));
			break;
		}
		case F_BOOL:
			if (v.t != GR_JT_TRUE && v.t != GR_JT_FALSE && v.t != GR_JT_NULL)
				goto bad_type;
			*(bool *)dst = v.t == GR_JT_TRUE;
			break;
		case F_SAMPLED:
			if (v.t != GR_JT_TRUE && v.t != GR_JT_FALSE && v.t != GR_JT_NULL)
				goto bad_type;
			ev->sampled = v.t == GR_JT_NULL ? -1 : v.t == GR_JT_TRUE;
			break;
		case F_STATUS: {
			struct gr_str s;
			if (v.t == GR_JT_NULL)
				break;
			if (v.t != GR_JT_STR)
				goto bad_type;
			ev_string(&v, scratch, &s);
			ev->status = ev_status(&s);
			break;
		}
		case F_ERROR:
			/* a string (error type) in log records, a flag in segments */
			if (v.t == GR_JT_STR)
				ev_string(&v, scratch, &ev->error);
			else if (v.t == GR_JT_TRUE || v.t == GR_JT_FALSE)
				ev->seg_error = v.t == GR_JT_TRUE;
			else if (v.t != GR_JT_NULL)
				goto bad_type;
			break;
		case F_OBJ:
		case F_ARR:
			if (v.t == GR_JT_NULL)
				break;
			if (v.t != (f->kind == F_OBJ ? GR_JT_OBJ : GR_JT_ARR))
				goto bad_type;
			{
				struct gr_str *text = dst;
				text->p = v.p;
				text->n = v.n;
			}
			break;
		}
		continue;
bad_type:
		return gr_error_set(err, GR_ERR_FORMAT, "field \"%s\" has the wrong type", f->name);
	}
	if (rc < 0)
		return gr_error_set(err, GR_ERR_JSON, "malformed JSON: %s", js.err);
	if (!ev->type_name.n)
		return gr_error_set(err, GR_ERR_FORMAT, "record without a \"type\"");
	ev->type = GR_EV_OTHER;
	for (size_t i = 0; i < sizeof(ev_types) / sizeof(ev_types[0]); i++)
		if (ev_types[i].name[0] == ev->type_name.p[0] &&
		    strlen(ev_types[i].name) == ev->type_name.n &&
		    !memcmp(ev_types[i].name, ev->type_name.p, ev->type_name.n)) {
			ev->type = ev_types[i].type;
			break;
		}
	return 0;
}

void gr_ev_links_begin(struct gr_js *it, const struct gr_str *links)
{
	if (!gr_js_begin(it, links->p, links->n, true, 0))
		it->done = true;
}

bool gr_ev_link_next(struct gr_js *it, struct gr_ev_link *out)
{
	struct gr_jv el;

	while (gr_js_next_elem(it, &el) > 0) {
		struct gr_js o;
		struct gr_jv k, v;
		if (el.t != GR_JT_OBJ || !gr_js_begin(&o, el.p, el.n, false, 0))
			continue;
		memset(out, 0, sizeof(*out));
		while (gr_js_next(&o, &k, &v) > 0) {
			if (v.t != GR_JT_STR || v.esc)
				continue;
			if (gr_jv_is(&k, "id", 2)) {
				out->id.p = v.p;
				out->id.n = v.n;
			} else if (gr_jv_is(&k, "trace", 5)) {
				out->trace.p = v.p;
				out->trace.n = v.n;
			} else if (gr_jv_is(&k, "ref", 3)) {
				out->ref.p = v.p;
				out->ref.n = v.n;
			} else if (gr_jv_is(&k, "msg_id", 6)) {
				out->msg.p = v.p;
				out->msg.n = v.n;
			}
		}
		if (out->id.n)
			return true;
	}
	return false;
}

/* --- stats records ------------------------------------------------------------ */

static void reasons(struct gr_jw *w, const char *key, const struct gr_stats *st, bool lost)
{
	gr_jw_obj(w, key);
	for (int r = 0; r < GR_REASON_COUNT; r++)
		if (st->reason[r] && gr_reason_is_lost((enum gr_reason)r) == lost)
			gr_jw_int(w, gr_reason_name((enum gr_reason)r), (int64_t)st->reason[r]);
	gr_jw_obj_end(w);
}

void gr_ev_stats(struct gr_jw *w, const char *stage, const struct gr_stats *st)
{
	gr_jw_begin(w);
	gr_jw_cstr(w, "type", "stats");
	gr_jw_cstr(w, "stage", stage);
	gr_jw_int(w, "files", (int64_t)st->files);
	gr_jw_int(w, "bytes_in", (int64_t)st->bytes_in);
	gr_jw_int(w, "bytes", (int64_t)st->bytes);
	gr_jw_int(w, "records_in", (int64_t)st->records_in);
	gr_jw_int(w, "records_out", (int64_t)st->records_out);
	gr_jw_int(w, "written", (int64_t)st->events_out);
	reasons(w, "skipped", st, false);
	reasons(w, "lost", st, true);
	if (st->invalid_utf8)
		gr_jw_int(w, "invalid_utf8", (int64_t)st->invalid_utf8);
	gr_jw_end(w);
}

/* A count: a non-negative integer within what the streams carry. */
static bool count_of(const struct gr_jv *v, uint64_t *out)
{
	char buf[24];
	char *end;

	if (v->t != GR_JT_NUM || v->n == 0 || v->n >= sizeof(buf) || v->p[0] == '-')
		return false;
	memcpy(buf, v->p, v->n);
	buf[v->n] = '\0';
	unsigned long long x = strtoull(buf, &end, 10);
	if (*end || x > (1ull << 60))
		return false;
	*out = x;
	return true;
}

static int reasons_parse(const struct gr_jv *obj, struct gr_stats *st, uint64_t *unknown)
{
	struct gr_js js;
	struct gr_jv k, v;
	int rc;

	if (obj->t != GR_JT_OBJ || !gr_js_begin(&js, obj->p, obj->n, false, 0))
		return GR_ERR_FORMAT;
	js.trusted = true;
	while ((rc = gr_js_next(&js, &k, &v)) > 0) {
		uint64_t c;
		if (k.esc || !count_of(&v, &c))
			return GR_ERR_FORMAT;
		int r = gr_reason_from_name(k.p, k.n);
		if (r < 0)
			*unknown += c;
		else
			st->reason[r] += c;
	}
	return rc < 0 ? GR_ERR_JSON : 0;
}

int gr_ev_stats_parse(const char *line, size_t n, char *stage, size_t stage_size,
		      struct gr_stats *st, uint64_t *unknown)
{
	static const char *const keys[] = { "files", "bytes_in", "bytes", "records_in",
					    "records_out", "written", "invalid_utf8" };
	struct gr_stats add;
	struct gr_js js;
	struct gr_jv k, v;
	bool have_stage = false;
	int rc;

	memset(&add, 0, sizeof(add));
	if (!gr_js_begin(&js, line, n, false, 0))
		return GR_ERR_JSON;
	while ((rc = gr_js_next(&js, &k, &v)) > 0) {
		if (k.esc)
			continue;
		uint64_t *slot[] = { &add.files, &add.bytes_in, &add.bytes, &add.records_in,
				     &add.records_out, &add.events_out, &add.invalid_utf8 };
		bool done = false;
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]) && !done; i++) {
			if (strlen(keys[i]) == k.n && !memcmp(keys[i], k.p, k.n)) {
				if (!count_of(&v, slot[i]))
					return GR_ERR_FORMAT;
				done = true;
			}
		}
		if (done)
			continue;
		if (k.n == 5 && !memcmp(k.p, "stage", 5)) {
			if (v.t != GR_JT_STR || v.esc || v.n == 0 || v.n >= stage_size)
				return GR_ERR_FORMAT;
			memcpy(stage, v.p, v.n);
			stage[v.n] = '\0';
			have_stage = true;
		} else if ((k.n == 7 && !memcmp(k.p, "skipped", 7)) ||
			   (k.n == 4 && !memcmp(k.p, "lost", 4))) {
			if ((rc = reasons_parse(&v, &add, unknown)))
				return rc;
		}
	}
	if (rc < 0)
		return GR_ERR_JSON;
	if (!have_stage)
		return GR_ERR_FORMAT;
	gr_stats_add(st, &add);
	return 0;
}
