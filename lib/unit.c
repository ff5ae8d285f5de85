/* unit.c: one unit of gammaray-fetch work: files to log events, attribution, accounting. */
#include "unit.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_scan.h"
#include "reader.h"

#define FLUSH_AT (1u << 20) /* hand output to the ordered writer past this size */

/* One invocation's span in its log stream, for attributing lines that do not name
 * their request id. Keys compare by (ts, seq) when the stream's events carry
 * times, by seq alone otherwise. */
struct interval {
	const char *req;      /* request id (arena) */
	int64_t s_ts, e_ts;   /* START and END/REPORT envelope times */
	uint64_t s_seq, e_seq;/* their positions in the unit */
	bool has_end;         /* END or REPORT seen */
};

/* A log stream of this unit: its names, function, and attribution state. */
struct gr_stream {
	char *group;            /* log group (arena), or NULL */
	char *name;             /* log stream (arena), or NULL */
	char *fn;               /* function (arena), or NULL */
	const char *fn_from;    /* how fn is known: "log-group", "marker"... */
	bool by_time;           /* events carry envelope times */
	bool any;               /* produced a platform event or marker */
	struct interval *iv;    /* invocations seen, in arrival order */
	size_t niv, cap_iv;
	struct gr_strmap iv_ix; /* request id -> newest index into iv */
	const char *cur_req;    /* request id of the open START (for --keep-logs) */
	struct gr_buf pending;  /* a REPORT without XRAY tail, minus its final "}\n" */
	bool has_pending;
	struct gr_buf buf;      /* this stream's events, when --function needs them held */
	uint64_t records, events;/* counted into buf, for the filter's accounting */
};

/* A record waiting for its request id: written as head + "req" + tail. */
struct gr_deferred {
	uint32_t stream;        /* index into streams */
	int64_t ts;             /* envelope time (or GR_TIME_UNKNOWN) */
	uint64_t seq;           /* position in the unit */
	const char *head, *tail;/* record text around the request id (arena) */
	size_t head_n, tail_n;
	const char *file;       /* where it was read, for the message */
	uint64_t line;
	bool marker;            /* a marker (else a fault line) */
};

char *gr_escape_msg(const char *s, size_t n, size_t max, char *out, size_t size)
{
	size_t o = 0;

	for (size_t i = 0; i < n && o + 8 < size; i++) {
		unsigned char c = (unsigned char)s[i];
		if (i >= max) {
			memcpy(out + o, "...", 3);
			o += 3;
			break;
		}
		if (c >= 0x20 && c < 0x7f && c != '\\') {
			out[o++] = (char)c;
		} else {
			static const char hex[] = "0123456789abcdef";
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	out[o] = '\0';
	return out;
}

/* --- accounting and diagnostics ---------------------------------------------- */

static void add_diag(struct gr_unit *u, int severity, const char *file, uint64_t line,
		     int code, const char *fmt, va_list ap)
	__attribute__((format(printf, 6, 0)));

static void add_diag(struct gr_unit *u, int severity, const char *file, uint64_t line,
		     int code, const char *fmt, va_list ap)
{
	if (!u->diags) {
		u->diags = calloc(GR_UNIT_MAX_DIAGS, sizeof(*u->diags));
		if (!u->diags) {
			u->diags_dropped++;
			return;
		}
	}
	if (u->ndiags == GR_UNIT_MAX_DIAGS) {
		u->diags_dropped++;
		return;
	}
	struct gr_diag *d = &u->diags[u->ndiags++];
	d->severity = severity;
	d->e.code = code;
	vsnprintf(d->e.msg, sizeof(d->e.msg), fmt, ap);
	gr_error_at(&d->e, file, line);
}

void gr_unit_record(struct gr_unit *u)
{
	u->st.records_in++;
	u->seq++;
	u->rec_out = false;
}

void gr_unit_skip(struct gr_unit *u, enum gr_reason r)
{
	u->st.reason[r]++;
}

static void strict_stop(struct gr_unit *u, const struct gr_error *e)
{
	if (u->cfg->o->strict && !u->fatal) {
		u->fatal = GR_ERR_DATA;
		u->fatal_err = *e;
		u->fatal_err.code = GR_ERR_DATA;
	}
}

void gr_unit_lost(struct gr_unit *u, enum gr_reason r, const char *fmt, ...)
{
	va_list ap;

	u->st.reason[r]++;
	va_start(ap, fmt);
	add_diag(u, 1, u->file, u->line, GR_ERR_DATA, fmt, ap);
	va_end(ap);
	if (u->cfg->o->strict && !u->fatal) {
		struct gr_error e = { 0 };
		va_start(ap, fmt);
		vsnprintf(e.msg, sizeof(e.msg), fmt, ap);
		va_end(ap);
		gr_error_at(&e, u->file, u->line);
		strict_stop(u, &e);
	}
}

/* A whole file (or its rest) lost: counted under a file reason, reported with the
 * reader's own position. */
static void file_lost(struct gr_unit *u, enum gr_reason r, const struct gr_error *e)
{
	u->st.reason[r]++;
	if (u->ndiags < GR_UNIT_MAX_DIAGS && (u->diags || (u->diags = calloc(GR_UNIT_MAX_DIAGS,
									    sizeof(*u->diags))))) {
		u->diags[u->ndiags].severity = 1;
		u->diags[u->ndiags].e = *e;
		u->ndiags++;
	} else {
		u->diags_dropped++;
	}
	strict_stop(u, e);
}

void gr_unit_notice(struct gr_unit *u, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add_diag(u, 0, u->file, 0, 0, fmt, ap);
	va_end(ap);
}

struct gr_jw *gr_unit_writer(struct gr_unit *u)
{
	gr_jw_init(&u->w, &u->out);
	return &u->w;
}

static void out_of_memory(struct gr_unit *u)
{
	if (!u->fatal) {
		u->fatal = GR_ERR_NOMEM;
		gr_error_set(&u->fatal_err, GR_ERR_NOMEM, "out of memory");
		gr_error_at(&u->fatal_err, u->file, u->line);
	}
}

int gr_unit_wrote(struct gr_unit *u)
{
	if (u->w.err) {
		out_of_memory(u);
		return u->fatal;
	}
	u->st.events_out++;
	if (!u->rec_out) {
		u->rec_out = true;
		u->st.records_out++;
	}
	return 0;
}

/* Writer for a record of stream s: its own buffer while --function must decide. */
static struct gr_jw *writer_for(struct gr_unit *u, struct gr_stream *s)
{
	gr_jw_init(&u->w, s && u->cfg->filter ? &s->buf : &u->out);
	return &u->w;
}

/* Count one event of stream s (not tied to the current record). */
static void count_event(struct gr_unit *u, struct gr_stream *s)
{
	u->st.events_out++;
	if (u->cfg->filter)
		s->events++;
}

/* The current record of stream s produced output. */
static void count_record(struct gr_unit *u, struct gr_stream *s)
{
	if (u->rec_out)
		return;
	u->rec_out = true;
	u->st.records_out++;
	if (u->cfg->filter)
		s->records++;
}

/* An event of stream s was written for the current record. */
static void wrote_for(struct gr_unit *u, struct gr_stream *s)
{
	if (u->w.err) {
		out_of_memory(u);
		return;
	}
	count_event(u, s);
	count_record(u, s);
	s->any = true;
}

static void maybe_flush(struct gr_unit *u)
{
	if (u->out.len >= FLUSH_AT && u->flush && !u->fatal) {
		int rc = u->flush(u);
		if (rc && !u->fatal) {
			u->fatal = rc;
			gr_error_set(&u->fatal_err, rc, "cannot write output: %s", gr_strerror(rc));
		}
	}
}

void gr_unit_flush(struct gr_unit *u)
{
	maybe_flush(u);
}

/* --- streams ----------------------------------------------------------------- */

static void set_fn(struct gr_unit *u, struct gr_stream *s, const char *fn, size_t n,
		   const char *from)
{
	if (s->fn || !n || n > 256)
		return;
	s->fn = gr_arena_strdup(&u->arena, fn, n);
	s->fn_from = from;
	if (!s->fn)
		out_of_memory(u);
}

/* "/aws/lambda/NAME" -> NAME; custom groups say nothing. */
static void fn_from_group(struct gr_unit *u, struct gr_stream *s)
{
	static const char pre[] = "/aws/lambda/";

	if (s->group && !strncmp(s->group, pre, sizeof(pre) - 1) && s->group[sizeof(pre) - 1])
		set_fn(u, s, s->group + sizeof(pre) - 1, strlen(s->group + sizeof(pre) - 1),
		       "log-group");
}

/* Streams of custom log groups carry the function: "2020/03/05/NAME[$LATEST]hex". */
static void fn_from_stream_name(struct gr_unit *u, struct gr_stream *s)
{
	const char *n = s->name, *lb;

	if (!n || strlen(n) < 12 || !(lb = strchr(n, '[')))
		return;
	/* date part: YYYY/MM/DD/ or YYYY-MM-DD- (export folder) */
	if (!((n[4] == '/' || n[4] == '-') && (n[7] == '/' || n[7] == '-') &&
	      (n[10] == '/' || n[10] == '-')))
		return;
	if (lb > n + 11)
		set_fn(u, s, n + 11, (size_t)(lb - (n + 11)), "stream-name");
}

struct gr_stream *gr_unit_stream(struct gr_unit *u, const char *group, size_t gn,
				 const char *stream, size_t sn)
{
	char keybuf[1024];
	size_t kn;

	if (!group)
		gn = 0;
	if (!stream)
		sn = 0;
	if (gn + sn + 1 > sizeof(keybuf)) {
		/* absurd names: truncate the key, they still get a stream */
		gn = gn > 500 ? 500 : gn;
		sn = sn > 500 ? 500 : sn;
	}
	memcpy(keybuf, group ? group : "", gn);
	keybuf[gn] = '\n';
	memcpy(keybuf + gn + 1, stream ? stream : "", sn);
	kn = gn + 1 + sn;

	uint32_t *ix = gr_strmap_get(&u->stream_ix, keybuf, kn);
	if (ix)
		return &u->streams[*ix];
	if (u->nstreams == u->cap_streams) {
		size_t cap = u->cap_streams ? u->cap_streams * 2 : 4;
		struct gr_stream *p = realloc(u->streams, cap * sizeof(*p));
		if (!p) {
			out_of_memory(u);
			return NULL;
		}
		u->streams = p;
		u->cap_streams = cap;
	}
	struct gr_stream *s = &u->streams[u->nstreams];
	memset(s, 0, sizeof(*s));
	char *key = gr_arena_strdup(&u->arena, keybuf, kn);
	if (!key || !gr_strmap_put(&u->stream_ix, key, kn, (uint32_t)u->nstreams, NULL)) {
		out_of_memory(u);
		return NULL;
	}
	s->group = gn ? gr_arena_strdup(&u->arena, key, gn) : NULL;
	s->name = sn ? gr_arena_strdup(&u->arena, key + gn + 1, sn) : NULL;
	if (!s->name && u->spec->nfiles) {
		/* bare text names no stream: the input stands in for it, so that
		 * gammaray-infer can still join its invocations to a function */
		const char *f = u->spec->files[0];
		s->name = gr_arena_strdup(&u->arena, f, strlen(f));
	}
	u->nstreams++;
	if (!s->group && u->spec->group)
		s->group = (char *)u->spec->group;
	fn_from_group(u, s);
	fn_from_stream_name(u, s);
	return s;
}

static struct gr_logsrc logsrc(const struct gr_stream *s)
{
	return (struct gr_logsrc){ s->group, s->name, s->fn };
}

static void interval_start(struct gr_unit *u, struct gr_stream *s, struct gr_str req,
			   int64_t ts)
{
	if (s->niv == s->cap_iv) {
		size_t cap = s->cap_iv ? s->cap_iv * 2 : 16;
		struct interval *p = realloc(s->iv, cap * sizeof(*p));
		if (!p) {
			out_of_memory(u);
			return;
		}
		s->iv = p;
		s->cap_iv = cap;
	}
	char *r = gr_arena_strdup(&u->arena, req.p, req.n);
	if (!r) {
		out_of_memory(u);
		return;
	}
	struct interval *iv = &s->iv[s->niv];
	*iv = (struct interval){ r, ts, 0, u->seq, 0, false };
	int added;
	uint32_t *slot = gr_strmap_put(&s->iv_ix, r, req.n, (uint32_t)s->niv, &added);
	if (!slot) {
		out_of_memory(u);
		return;
	}
	*slot = (uint32_t)s->niv; /* a retry keeps its request id: newest wins */
	s->niv++;
	s->cur_req = r;
}

static void interval_end(struct gr_stream *s, struct gr_str req, int64_t ts, uint64_t seq)
{
	uint32_t *ix = gr_strmap_get(&s->iv_ix, req.p, req.n);

	if (s->cur_req && strlen(s->cur_req) == req.n && !memcmp(s->cur_req, req.p, req.n))
		s->cur_req = NULL;
	if (!ix)
		return;
	struct interval *iv = &s->iv[*ix];
	if (!iv->has_end || ts > iv->e_ts || (ts == iv->e_ts && seq > iv->e_seq)) {
		iv->e_ts = ts;
		iv->e_seq = seq;
		iv->has_end = true;
	}
}

/* Write the held REPORT, completed or not by an XRAY line. */
static void flush_pending(struct gr_unit *u, struct gr_stream *s, const struct gr_lambda_line *x)
{
	struct gr_jw *w;

	if (!s->has_pending)
		return;
	s->has_pending = false;
	w = writer_for(u, s);
	if (gr_buf_add(w->b, s->pending.data, s->pending.len)) {
		out_of_memory(u);
		return;
	}
	w->depth = 1;
	w->comma = true;
	if (x) {
		if (x->trace.n)
			gr_jw_str(w, "trace", x->trace.p, x->trace.n);
		if (x->segment.n)
			gr_jw_str(w, "segment", x->segment.p, x->segment.n);
		if (x->sampled >= 0)
			gr_jw_bool(w, "sampled", x->sampled);
	}
	gr_jw_end(w);
	if (w->err)
		out_of_memory(u);
	/* the REPORT's record was counted as written when it was held */
	count_event(u, s);
}

/* --- deferral: lines that do not say which invocation they belong to ---------- */

static void defer(struct gr_unit *u, struct gr_stream *s, int64_t ts, bool marker,
		  const char *head, size_t hn, const char *tail, size_t tn)
{
	if (u->ndeferred == u->cap_deferred) {
		size_t cap = u->cap_deferred ? u->cap_deferred * 2 : 16;
		struct gr_deferred *p = realloc(u->deferred, cap * sizeof(*p));
		if (!p) {
			out_of_memory(u);
			return;
		}
		u->deferred = p;
		u->cap_deferred = cap;
	}
	struct gr_deferred *d = &u->deferred[u->ndeferred];
	d->stream = (uint32_t)(s - u->streams);
	d->ts = ts;
	d->seq = u->seq;
	d->head = gr_arena_strdup(&u->arena, head, hn);
	d->tail = gr_arena_strdup(&u->arena, tail, tn);
	d->head_n = hn;
	d->tail_n = tn;
	d->file = u->file;
	d->line = u->line;
	d->marker = marker;
	if (!d->head || !d->tail) {
		out_of_memory(u);
		return;
	}
	u->ndeferred++;
}

static int cmp_key(bool by_time, int64_t ats, uint64_t aseq, int64_t bts, uint64_t bseq)
{
	if (by_time && ats != bts)
		return ats < bts ? -1 : 1;
	return aseq < bseq ? -1 : aseq > bseq;
}

static int cmp_interval(const void *a, const void *b, void *by_time)
{
	const struct interval *x = a, *y = b;

	return cmp_key(*(const bool *)by_time, x->s_ts, x->s_seq, y->s_ts, y->s_seq);
}

/* The invocation whose START..END holds (ts, seq), or NULL. iv is sorted. */
static const char *attribute(const struct gr_stream *s, int64_t ts, uint64_t seq)
{
	size_t lo = 0, hi = s->niv;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (cmp_key(s->by_time, s->iv[mid].s_ts, s->iv[mid].s_seq, ts, seq) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	const struct interval *iv = &s->iv[lo - 1];
	if (iv->has_end && cmp_key(s->by_time, iv->e_ts, iv->e_seq, ts, seq) < 0)
		return NULL;
	return iv->req;
}

static void resolve_deferred(struct gr_unit *u)
{
	for (size_t i = 0; i < u->nstreams; i++) {
		struct gr_stream *s = &u->streams[i];
		if (s->niv < 2)
			continue;
		qsort_r(s->iv, s->niv, sizeof(*s->iv), cmp_interval, &s->by_time);
	}
	for (size_t i = 0; i < u->ndeferred && !u->fatal; i++) {
		struct gr_deferred *d = &u->deferred[i];
		struct gr_stream *s = &u->streams[d->stream];
		const char *req = attribute(s, d->ts, d->seq);
		u->file = d->file;
		u->line = d->line;
		u->rec_out = false;
		if (!req) {
			gr_unit_lost(u, GR_LOST_NO_REQUEST,
				     "%s without a request id outside any START..END of its log stream",
				     d->marker ? "GAMMARAY marker" : "error line");
			continue;
		}
		struct gr_jw *w = writer_for(u, s);
		gr_buf_add(w->b, d->head, d->head_n);
		w->depth = 1;
		w->comma = true;
		gr_jw_cstr(w, "req", req);
		gr_buf_add(w->b, d->tail, d->tail_n);
		wrote_for(u, s);
	}
}

/* --- log events -------------------------------------------------------------- */

/* "AWS_LAMBDA_FUNCTION_NAME" in an environment dump names the function. */
static void fn_from_env(struct gr_unit *u, struct gr_stream *s, const char *m, size_t n)
{
	const char *p = n >= 24 ? memmem(m, n, "AWS_LAMBDA_FUNCTION_NAME", 24) : NULL;

	if (!p)
		return;
	const char *e = m + n;
	p += 24;
	while (p < e && (*p == '"' || *p == '\'' || *p == ':' || *p == '=' || *p == ' '))
		p++;
	const char *q = p;
	while (q < e && ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') ||
			 (*q >= '0' && *q <= '9') || *q == '-' || *q == '_'))
		q++;
	if (q > p && q - p <= 64)
		set_fn(u, s, p, (size_t)(q - p), "environment");
}

/*
 * A GAMMARAY marker: validated and passed through as written (compacted when it
 * spans lines), its own "req" and "ts" applied, its entry "fn" naming the stream's
 * function. Read with the pull scanner: markers are frequent.
 */
static void marker(struct gr_unit *u, struct gr_stream *s, int64_t ts,
		   const struct gr_lambda_line *l)
{
	const char *p = gr_marker_find(l->msg.p, l->msg.n), *why = NULL;
	size_t avail = l->msg.n - (size_t)(p - l->msg.p), at = 0;
	size_t mlen = gr_js_value_len(p, avail, 64, &why, &at);
	char esc[160];

	if (!mlen) {
		gr_unit_lost(u, GR_LOST_BAD_MARKER, "malformed GAMMARAY marker: %s at byte %zu of '%s'",
			     why ? why : "invalid JSON", at, gr_escape_msg(p, avail, 60, esc, sizeof(esc)));
		return;
	}
	const char *mj = p;
	if (memchr(mj, '\n', mlen) || memchr(mj, '\r', mlen)) {
		gr_buf_reset(&u->mbuf);
		if (gr_js_compact(mj, mlen, &u->mbuf)) {
			out_of_memory(u);
			return;
		}
		mj = u->mbuf.data;
		mlen = u->mbuf.len;
	}

	struct gr_js js;
	struct gr_jv k, v;
	struct gr_str req = l->req, ev = { 0 }, fn = { 0 };
	gr_js_begin(&js, mj, mlen, false, 0);
	js.trusted = true;
	while (gr_js_next(&js, &k, &v) > 0) {
		double ms;
		if (v.t == GR_JT_STR && !v.esc && gr_jv_is(&k, "req", 3) &&
		    gr_is_request_id(v.p, v.n))
			req = (struct gr_str){ v.p, v.n };
		else if (gr_jv_is(&k, "ts", 2) && v.t == GR_JT_NUM && gr_jv_double(&v, &ms) &&
			 ms > 0 && ms < 1e14)
			ts = (int64_t)(ms * 1000.0 + 0.5);
		else if (gr_jv_is(&k, "ev", 2) && v.t == GR_JT_STR && !v.esc)
			ev = (struct gr_str){ v.p, v.n };
		else if (gr_jv_is(&k, "fn", 2) && v.t == GR_JT_STR && !v.esc)
			fn = (struct gr_str){ v.p, v.n };
	}
	if (ev.n == 5 && !memcmp(ev.p, "entry", 5) && fn.n)
		set_fn(u, s, fn.p, fn.n, "marker");

	if (req.n) {
		gr_ev_marker(writer_for(u, s), ts, req, mj, mlen);
		wrote_for(u, s);
		return;
	}
	struct gr_buf head = GR_BUF_INIT, tail = GR_BUF_INIT;
	struct gr_jw w;
	gr_jw_init(&w, &head);
	gr_ev_marker_parts(&w, ts, mj, mlen, false);
	gr_jw_init(&w, &tail);
	gr_ev_marker_parts(&w, ts, mj, mlen, true);
	/* counted as written when resolved, or as lost */
	defer(u, s, ts, true, head.data, head.len, tail.data, tail.len);
	gr_buf_release(&head);
	gr_buf_release(&tail);
}

/* One parsed line of stream s: emit, hold, defer or count it. */
static void handle_line(struct gr_unit *u, struct gr_stream *s, int64_t ts_env,
			const struct gr_lambda_line *l)
{
	int64_t ts = l->ts != GR_TIME_UNKNOWN ? l->ts : ts_env;
	struct gr_logsrc src;
	char esc[200];

	if (l->kind != GR_LINE_XRAY)
		flush_pending(u, s, NULL);
	if (ts_env != GR_TIME_UNKNOWN)
		s->by_time = true;

	switch (l->kind) {
	case GR_LINE_START:
		interval_start(u, s, l->req, ts_env != GR_TIME_UNKNOWN ? ts_env : ts);
		break;
	case GR_LINE_END:
		interval_end(s, l->req, ts_env != GR_TIME_UNKNOWN ? ts_env : ts, u->seq);
		break;
	case GR_LINE_REPORT:
		interval_end(s, l->req, ts_env != GR_TIME_UNKNOWN ? ts_env : ts, u->seq);
		if (!l->trace.n) {
			/* an XRAY line of its own may follow (console copies, docs) */
			struct gr_jw w;
			gr_buf_reset(&s->pending);
			gr_jw_init(&w, &s->pending);
			src = logsrc(s);
			gr_ev_platform(&w, l, ts, l->req, &src);
			if (w.err || s->pending.len < 2) {
				out_of_memory(u);
				return;
			}
			s->pending.len -= 2; /* trace, segment, sampled come last: reopen */
			s->has_pending = true;
			s->any = true;
			count_record(u, s); /* its event is counted when flushed */
			return;
		}
		break;
	case GR_LINE_INIT_START:
		if (l->fn.n)
			set_fn(u, s, l->fn.p, l->fn.n, "initStart");
		break;
	case GR_LINE_INIT_REPORT:
		break;
	case GR_LINE_XRAY:
		if (s->has_pending) {
			flush_pending(u, s, l);
			count_record(u, s);
		} else {
			gr_unit_skip(u, GR_SKIP_PLATFORM);
		}
		return;
	case GR_LINE_FAULT:
		if (!l->req.n) {
			struct gr_buf head = GR_BUF_INIT, tail = GR_BUF_INIT;
			struct gr_jw w;
			gr_jw_init(&w, &head);
			gr_ev_fault_parts(&w, l, ts, false);
			gr_jw_init(&w, &tail);
			gr_ev_fault_parts(&w, l, ts, true);
			/* counted as written when resolved, or as lost */
			defer(u, s, ts, false, head.data, head.len, tail.data, tail.len);
			gr_buf_release(&head);
			gr_buf_release(&tail);
			return;
		}
		break;
	case GR_LINE_PLATFORM:
		gr_unit_skip(u, GR_SKIP_PLATFORM);
		return;
	case GR_LINE_BAD:
		gr_unit_lost(u, GR_LOST_BAD_PLATFORM, "cannot parse platform line '%s'",
			     gr_escape_msg(l->bad.p, l->bad.n, 100, esc, sizeof(esc)));
		return;
	case GR_LINE_APP:
		if (l->marker) {
			marker(u, s, ts, l);
			return;
		}
		if (!s->fn)
			fn_from_env(u, s, l->msg.p, l->msg.n);
		if (u->cfg->o->keep_logs) {
			struct gr_str req = l->req;
			if (!req.n && s->cur_req)
				req = (struct gr_str){ s->cur_req, strlen(s->cur_req) };
			gr_ev_log(writer_for(u, s), ts, req, l->level, l->msg);
			wrote_for(u, s);
			return;
		}
		gr_unit_skip(u, GR_SKIP_APP_LOG);
		return;
	}
	src = logsrc(s);
	gr_ev_platform(writer_for(u, s), l, ts, l->req, &src);
	wrote_for(u, s);
}

static bool out_of_range(const struct gr_unit *u, int64_t ts)
{
	const struct gr_fetch_opts *o = u->cfg->o;

	if (ts == GR_TIME_UNKNOWN)
		return false;
	return (o->since_us != GR_TIME_UNKNOWN && ts < o->since_us) ||
	       (o->until_us != GR_TIME_UNKNOWN && ts >= o->until_us);
}

/* A record outside --since/--until: not written, but its START, END and REPORT
 * still bound its invocation, so lines inside the window that need attribution
 * find it. */
static void filtered_line(struct gr_unit *u, struct gr_stream *s, int64_t ts_env,
			  const struct gr_lambda_line *l)
{
	int64_t ts = ts_env != GR_TIME_UNKNOWN ? ts_env : l->ts;

	if (ts_env != GR_TIME_UNKNOWN)
		s->by_time = true;
	if (l->kind == GR_LINE_START)
		interval_start(u, s, l->req, ts);
	else if (l->kind == GR_LINE_END || l->kind == GR_LINE_REPORT)
		interval_end(s, l->req, ts, u->seq);
	gr_unit_skip(u, GR_SKIP_FILTERED);
}

void gr_unit_log_line(struct gr_unit *u, struct gr_stream *s, int64_t ts,
		      const struct gr_lambda_line *l)
{
	if (out_of_range(u, ts != GR_TIME_UNKNOWN ? ts : l->ts)) {
		filtered_line(u, s, ts, l);
		return;
	}
	handle_line(u, s, ts, l);
}

/* A JSON-format record parsed into l: its own time is the envelope time of a
 * platform record that has none (a record standing alone in a file). */
static void log_parsed_json(struct gr_unit *u, struct gr_stream *s, int64_t ts,
			    const struct gr_lambda_line *l)
{
	if (ts == GR_TIME_UNKNOWN && l->kind != GR_LINE_APP)
		ts = l->ts;
	gr_unit_log_line(u, s, ts, l);
}

bool gr_unit_lambda_json(struct gr_unit *u, const char *doc, size_t n)
{
	struct gr_lambda_line l;
	const struct gr_unit_spec *sp = u->spec;

	if (!gr_lambda_parse_json(doc, n, &u->jdec, &l))
		return false;
	struct gr_stream *s = gr_unit_stream(u, sp->group, sp->group ? strlen(sp->group) : 0,
					     sp->stream, sp->stream ? strlen(sp->stream) : 0);
	gr_unit_record(u);
	if (!s)
		return true;
	if (l.kind == GR_LINE_APP && !l.msg.n && !l.req.n)
		gr_unit_skip(u, GR_SKIP_APP_LOG);
	else
		log_parsed_json(u, s, GR_TIME_UNKNOWN, &l);
	return true;
}

/* Is a JSON-looking message worth parsing? Most JSON application records are
 * neither platform records nor markers nor errors: skip them unparsed. */
static bool json_worth_parsing(const struct gr_unit *u, const char *m, size_t n)
{
	return (n > 8 && !memcmp(m, "{\"time\"", 7)) || u->cfg->o->keep_logs ||
	       memmem(m, n, "GAMMARAY", 8) || memmem(m, n, "\"errorType\"", 11) ||
	       memmem(m, n, "\"platform.", 10) || memmem(m, n, "AWS_LAMBDA_FUNCTION_NAME", 24);
}

void gr_unit_log_event(struct gr_unit *u, struct gr_stream *s, int64_t ts, const char *msg,
		       size_t n)
{
	struct gr_lambda_line l;

	gr_unit_record(u);
	if (gr_utf8_invalid(msg, n))
		u->st.invalid_utf8++; /* a note: the writer makes each such byte U+FFFD */
	if (!s) {
		out_of_memory(u);
		return;
	}
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
		n--;
	if (n == 0) {
		gr_unit_skip(u, GR_SKIP_EMPTY);
		return;
	}
	if (msg[0] == '{') {
		if (!json_worth_parsing(u, msg, n)) {
			if (out_of_range(u, ts))
				gr_unit_skip(u, GR_SKIP_FILTERED);
			else
				gr_unit_skip(u, GR_SKIP_APP_LOG);
			return;
		}
		if (gr_lambda_parse_json(msg, n, &u->jdec, &l)) {
			log_parsed_json(u, s, ts, &l);
			return;
		}
	}
	gr_lambda_parse_text(msg, n, &l);
	gr_unit_log_line(u, s, ts, &l);
}

/* --- files ------------------------------------------------------------------- */

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
		out_of_memory(u);
		return;
	}
	file_lost(u, why, &r->errinfo);
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
				maybe_flush(u);
				have = false;
			}
			if (single_line_event(r)) {
				/* the common case: read it in place, no copy */
				u->line = r->lineno;
				gr_unit_log_event(u, s, t, line + 25, n - 25);
				maybe_flush(u);
				continue;
			}
			gr_buf_reset(&u->scratch);
			if (gr_buf_add(&u->scratch, line + 25, n - 25)) {
				out_of_memory(u);
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
				out_of_memory(u);
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

/* Bare Lambda log text (console copies, LogResult, sam logs): one event per line. */
static void read_text(struct gr_unit *u, struct gr_reader *r, struct gr_stream *s)
{
	const char *line;
	size_t n;
	int rc;

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
		if (n == 0)
			continue; /* blank separators are not records */
		gr_unit_log_event(u, s, GR_TIME_UNKNOWN, line, n);
		maybe_flush(u);
	}
}

/* A sequence of JSON values (one document, NDJSON, or concatenated "}{"). */
static void read_json(struct gr_unit *u, struct gr_reader *r)
{
	const char *doc;
	size_t n;
	uint64_t line;
	int rc;

	while (!u->fatal && (rc = gr_reader_json(r, &doc, &n, &line)) != 0) {
		if (rc == GR_ERR_LIMIT || rc == GR_ERR_JSON) {
			u->line = r->errinfo.line;
			gr_unit_record(u);
			gr_unit_lost(u, rc == GR_ERR_JSON ? GR_LOST_JSON
				     : strstr(r->errinfo.msg, "deeper") ? GR_LOST_DEPTH
				     : GR_LOST_DOC_LIMIT, "%s", r->errinfo.msg);
			continue;
		}
		if (rc < 0) {
			reader_failed(u, r, rc);
			break;
		}
		u->line = line;
		if (gr_xray_text(u, doc, n) || gr_unit_lambda_json(u, doc, n) ||
		    gr_trace_text(u, doc, n)) {
			maybe_flush(u);
			continue;
		}
		json_error_t jerr;
		json_t *j = json_loadb(doc, n, JSON_ALLOW_NUL, &jerr);
		if (!j) {
			char esc[200];
			gr_unit_record(u);
			u->line = line + (jerr.line > 1 ? (uint64_t)jerr.line - 1 : 0);
			gr_unit_lost(u, GR_LOST_JSON, "malformed JSON: %s",
				     gr_escape_msg(jerr.text, strlen(jerr.text), 120, esc, sizeof(esc)));
			continue;
		}
		gr_json_document(u, j);
		json_decref(j);
		maybe_flush(u);
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
	file_lost(u, why, &e);
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
		file_lost(u, GR_LOST_UNREADABLE, &err);
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
	if (i < n && (p[i] == '{' || json_array)) {
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
		struct gr_stream *s = gr_unit_stream(u, u->spec->group,
						     u->spec->group ? strlen(u->spec->group) : 0,
						     u->spec->stream,
						     u->spec->stream ? strlen(u->spec->stream) : 0);
		if (s)
			read_text(u, &r, s);
	}
out:
	u->st.bytes_in += r.bytes_in;
	u->st.bytes += gr_reader_offset(&r);
	gr_reader_release(&r);
}

/* --- the unit ---------------------------------------------------------------- */

void gr_unit_init(struct gr_unit *u, const struct gr_fetch_cfg *cfg,
		  const struct gr_unit_spec *spec)
{
	memset(u, 0, sizeof(*u));
	u->cfg = cfg;
	u->spec = spec;
	u->out.max = 0;
	u->scratch.max = 0;
}

/* At the end of the unit: say what each stream was, decide --function, report. */
static void finish_streams(struct gr_unit *u)
{
	for (size_t i = 0; i < u->nstreams && !u->fatal; i++) {
		struct gr_stream *s = &u->streams[i];
		flush_pending(u, s, NULL);
		if (s->any && (s->name || s->group || s->fn)) {
			struct gr_logsrc src = logsrc(s);
			gr_ev_stream(writer_for(u, s), &src, s->fn_from);
			if (u->w.err)
				out_of_memory(u);
			count_event(u, s);
		}
		if (u->spec->stream && !u->spec->group && s->any) {
			u->file = u->spec->nfiles ? u->spec->files[0] : NULL;
			if (s->fn)
				gr_unit_notice(u, "log group unknown: function '%s' taken from the %s",
					       s->fn, s->fn_from);
			else
				gr_unit_notice(u, "log group unknown and no record names the function "
					       "(use --log-group or --export-tasks)");
		}
		if (!u->cfg->filter)
			continue;
		if (s->fn && gr_fn_filter_match(u->cfg->filter, s->fn, strlen(s->fn))) {
			if (gr_buf_add(&u->out, s->buf.data, s->buf.len))
				out_of_memory(u);
		} else {
			u->st.records_out -= s->records;
			u->st.events_out -= s->events;
			u->st.reason[GR_SKIP_FILTERED] += s->records;
		}
		gr_buf_release(&s->buf);
	}
}

int gr_unit_run(struct gr_unit *u)
{
	for (size_t i = 0; i < u->spec->nfiles && !u->fatal; i++)
		read_file(u, u->spec->files[i]);
	if (!u->fatal)
		resolve_deferred(u);
	if (!u->fatal)
		finish_streams(u);
	return u->fatal;
}

void gr_unit_release(struct gr_unit *u)
{
	for (size_t i = 0; i < u->nstreams; i++) {
		struct gr_stream *s = &u->streams[i];
		free(s->iv);
		gr_strmap_release(&s->iv_ix);
		gr_buf_release(&s->pending);
		gr_buf_release(&s->buf);
	}
	free(u->streams);
	free(u->deferred);
	free(u->diags);
	gr_strmap_release(&u->stream_ix);
	gr_arena_release(&u->arena);
	gr_buf_release(&u->out);
	gr_buf_release(&u->scratch);
	gr_buf_release(&u->scratch2);
	gr_buf_release(&u->mbuf);
	gr_buf_release(&u->xdocs);
	gr_buf_release(&u->xdec);
	gr_buf_release(&u->jdec);
	u->streams = NULL;
	u->deferred = NULL;
	u->diags = NULL;
}
