/* unit.c: one unit of gammaray-fetch work: files to log events, attribution, accounting. */
#include "fetch/unit.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json_scan.h"
#include "common/reader.h"

#define FLUSH_AT (1u << 20) /* hand output to the ordered writer past this size */

/* One invocation's span in its log stream, for attributing lines that do not name
 * their request id. Keys compare by (ts, seq) when the stream's events carry
 * times, by seq alone otherwise. */
struct interval {
	const char *req;      /* request id (arena) */
	int64_t s_ts, e_ts;   /* START and END/REPORT envelope times */
	uint64_t s_seq, e_seq;/* their positions in the unit */
	int64_t m_ts;         /* the latest END among this one and those that started
			       * before it (sorted), for concurrent invocations */
	uint64_t m_seq;       /* ...and its position */
	uint32_t prev_same;   /* the interval before it of the same request id (a retry
			       * runs again under it), or UINT32_MAX */
	bool has_end;         /* END or REPORT seen */
	bool m_any;           /* m_ts, m_seq are set */
};

/* An END or REPORT, matched with its START once the stream is read: chunks of an
 * export come out of order, so a retry's END may be read before its START. */
struct iv_end {
	const char *req;      /* request id (arena) */
	size_t n;             /* its length */
	int64_t ts;           /* envelope time */
	uint64_t seq;         /* position in the unit */
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
	struct iv_end *ends;    /* ENDs and REPORTs, matched at the end of the unit */
	size_t nends, cap_ends;
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
void gr_unit_file_lost(struct gr_unit *u, enum gr_reason r, const struct gr_error *e)
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

void gr_unit_nomem(struct gr_unit *u)
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
		gr_unit_nomem(u);
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
		gr_unit_nomem(u);
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
		gr_unit_nomem(u);
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
			gr_unit_nomem(u);
			return NULL;
		}
		u->streams = p;
		u->cap_streams = cap;
	}
	struct gr_stream *s = &u->streams[u->nstreams];
	memset(s, 0, sizeof(*s));
	char *key = gr_arena_strdup(&u->arena, keybuf, kn);
	if (!key || !gr_strmap_put(&u->stream_ix, key, kn, (uint32_t)u->nstreams, NULL)) {
		gr_unit_nomem(u);
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

size_t gr_unit_stream_ix(const struct gr_unit *u, const struct gr_stream *s)
{
	return (size_t)(s - u->streams);
}

struct gr_stream *gr_unit_stream_at(struct gr_unit *u, size_t ix)
{
	return &u->streams[ix];
}

void gr_unit_stream_fn(struct gr_unit *u, struct gr_stream *s, const char *fn, size_t n,
		       const char *from)
{
	set_fn(u, s, fn, n, from);
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
			gr_unit_nomem(u);
			return;
		}
		s->iv = p;
		s->cap_iv = cap;
	}
	char *r = gr_arena_strdup(&u->arena, req.p, req.n);
	if (!r) {
		gr_unit_nomem(u);
		return;
	}
	struct interval *iv = &s->iv[s->niv];
	*iv = (struct interval){ r, ts, 0, u->seq, 0, 0, 0, UINT32_MAX, false, false };
	int added;
	uint32_t *slot = gr_strmap_put(&s->iv_ix, r, req.n, (uint32_t)s->niv, &added);
	if (!slot) {
		gr_unit_nomem(u);
		return;
	}
	if (!added)
		iv->prev_same = *slot; /* a retry keeps its request id */
	*slot = (uint32_t)s->niv;
	s->niv++;
	s->cur_req = r;
}

static void interval_end(struct gr_unit *u, struct gr_stream *s, struct gr_str req, int64_t ts,
			 uint64_t seq)
{
	if (s->cur_req && strlen(s->cur_req) == req.n && !memcmp(s->cur_req, req.p, req.n))
		s->cur_req = NULL;
	if (s->nends == s->cap_ends) {
		size_t cap = s->cap_ends ? s->cap_ends * 2 : 16;
		struct iv_end *p = realloc(s->ends, cap * sizeof(*p));
		if (!p) {
			gr_unit_nomem(u);
			return;
		}
		s->ends = p;
		s->cap_ends = cap;
	}
	char *r = gr_arena_strdup(&u->arena, req.p, req.n);
	if (!r) {
		gr_unit_nomem(u);
		return;
	}
	s->ends[s->nends++] = (struct iv_end){ r, req.n, ts, seq };
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
		gr_unit_nomem(u);
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
		gr_unit_nomem(u);
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
			gr_unit_nomem(u);
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
		gr_unit_nomem(u);
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

/*
 * The invocation whose START..END holds (ts, seq), or NULL. iv is sorted. Where
 * invocations run at once in one environment (Lambda Managed Instances) several
 * may hold it: *ambiguous is then set and NULL returned. An invocation without an
 * END holds what follows it until the next START, as one at a time does.
 */
static const char *attribute(const struct gr_stream *s, int64_t ts, uint64_t seq,
			     bool *ambiguous)
{
	size_t lo = 0, hi = s->niv;
	const char *found = NULL;

	*ambiguous = false;
	/* With times, the millisecond decides and a tie is inside: an error line and its
	 * END share their millisecond, and the order lines were read in says nothing
	 * when the export's chunks came out of order. */
	if (s->by_time)
		seq = UINT64_MAX;
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
	if (!iv->has_end || (s->by_time ? iv->e_ts >= ts
				  : cmp_key(false, iv->e_ts, iv->e_seq, ts, seq) >= 0))
		found = iv->req;
	/* earlier invocations still running: only those whose END is later */
	for (size_t j = lo - 1; j-- > 0;) {
		const struct interval *e = &s->iv[j];
		/* with times, one that ends in this very millisecond is not running at once
		 * with the one that started in it */
		if (!e->m_any || (s->by_time ? e->m_ts <= ts
				  : cmp_key(false, e->m_ts, e->m_seq, ts, seq) < 0))
			break;
		if (!e->has_end || (s->by_time ? e->e_ts <= ts
				    : cmp_key(false, e->e_ts, e->e_seq, ts, seq) < 0) ||
		    (found && !strcmp(found, e->req)))
			continue;
		if (found) {
			*ambiguous = true;
			return NULL;
		}
		found = e->req;
	}
	return found;
}

/* Each END or REPORT ends the run of its request id that started last before it (a
 * retry in the same environment runs again under the same id), or the first one
 * when it came before them all. */
static void match_ends(struct gr_stream *s)
{
	for (size_t k = 0; k < s->nends; k++) {
		const struct iv_end *x = &s->ends[k];
		uint32_t *ix = gr_strmap_get(&s->iv_ix, x->req, x->n);
		uint32_t best = UINT32_MAX, first = UINT32_MAX;
		for (uint32_t j = ix ? *ix : UINT32_MAX; j != UINT32_MAX; j = s->iv[j].prev_same) {
			const struct interval *iv = &s->iv[j];
			first = j;
			if (cmp_key(s->by_time, iv->s_ts, iv->s_seq, x->ts, x->seq) <= 0 &&
			    (best == UINT32_MAX || cmp_key(s->by_time, s->iv[best].s_ts,
							   s->iv[best].s_seq, iv->s_ts,
							   iv->s_seq) < 0))
				best = j;
		}
		if (best == UINT32_MAX)
			best = first;
		if (best == UINT32_MAX)
			continue;
		struct interval *iv = &s->iv[best];
		if (!iv->has_end || cmp_key(s->by_time, iv->e_ts, iv->e_seq, x->ts, x->seq) < 0) {
			iv->e_ts = x->ts;
			iv->e_seq = x->seq;
			iv->has_end = true;
		}
	}
}

static void resolve_deferred(struct gr_unit *u)
{
	for (size_t i = 0; i < u->nstreams; i++) {
		struct gr_stream *s = &u->streams[i];
		match_ends(s);
		if (s->niv < 2)
			continue;
		qsort_r(s->iv, s->niv, sizeof(*s->iv), cmp_interval, &s->by_time);
		for (size_t j = 0; j < s->niv; j++) {
			struct interval *iv = &s->iv[j], *prev = j ? &s->iv[j - 1] : NULL;
			if (prev && prev->m_any) {
				iv->m_any = true;
				iv->m_ts = prev->m_ts;
				iv->m_seq = prev->m_seq;
			}
			if (iv->has_end && (!iv->m_any || cmp_key(s->by_time, iv->m_ts, iv->m_seq,
								  iv->e_ts, iv->e_seq) < 0)) {
				iv->m_any = true;
				iv->m_ts = iv->e_ts;
				iv->m_seq = iv->e_seq;
			}
		}
	}
	for (size_t i = 0; i < u->ndeferred && !u->fatal; i++) {
		struct gr_deferred *d = &u->deferred[i];
		struct gr_stream *s = &u->streams[d->stream];
		bool ambiguous;
		const char *req = attribute(s, d->ts, d->seq, &ambiguous);
		u->file = d->file;
		u->line = d->line;
		u->rec_out = false;
		if (ambiguous) {
			gr_unit_lost(u, GR_LOST_NO_REQUEST,
				     "%s without a request id inside the START..END of several "
				     "invocations running at once",
				     d->marker ? "GAMMARAY marker" : "error line");
			continue;
		}
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
			gr_unit_nomem(u);
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
		interval_end(u, s, l->req, ts_env != GR_TIME_UNKNOWN ? ts_env : ts, u->seq);
		break;
	case GR_LINE_REPORT:
		interval_end(u, s, l->req, ts_env != GR_TIME_UNKNOWN ? ts_env : ts, u->seq);
		if (!l->trace.n) {
			/* an XRAY line of its own may follow (console copies, docs) */
			struct gr_jw w;
			gr_buf_reset(&s->pending);
			gr_jw_init(&w, &s->pending);
			src = logsrc(s);
			gr_ev_platform(&w, l, ts, l->req, &src);
			if (w.err || s->pending.len < 2) {
				gr_unit_nomem(u);
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
	case GR_LINE_RESTORE_REPORT:
	case GR_LINE_RESTORE_DONE:
		break;
	case GR_LINE_RESTORE_START:
		if (l->fn.n)
			set_fn(u, s, l->fn.p, l->fn.n, "restoreStart");
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
		interval_end(u, s, l->req, ts, u->seq);
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
		gr_unit_nomem(u);
		return;
	}
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
		n--;
	if (n == 0) {
		gr_unit_skip(u, GR_SKIP_EMPTY);
		return;
	}
	if (msg[0] == '{') {
		/* the log group aws/spans (Transaction Search): one span per event */
		if (u->other_event && u->other_event(u, msg, n))
			return;
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

/* Once per stream: no record named its function. Invocations then stand under
 * "(unknown function)" downstream, and --function can keep none of them. */
static void unknown_fn(struct gr_unit *u, const struct gr_stream *s)
{
	const char *name = s->name ? s->name : s->group ? s->group : "(unnamed)";
	char esc[160];

	u->file = u->spec->nfiles ? u->spec->files[0] : NULL;
	gr_escape_msg(name, strlen(name), 100, esc, sizeof(esc));
	if (u->file && s->name && !strcmp(s->name, u->file)) {
		/* bare text: the input stands for its stream */
		if (u->cfg->filter)
			gr_unit_notice(u, "no record names the function, so --function keeps "
				       "none of its %llu records (name it with -g /aws/lambda/NAME)",
				       (unsigned long long)s->records);
		else
			gr_unit_notice(u, "no record names the function (name it with "
				       "-g /aws/lambda/NAME)");
		return;
	}
	if (u->cfg->filter)
		gr_unit_notice(u, "log stream '%s': no record names its function, so --function "
			       "keeps none of its %llu records (name it with -g /aws/lambda/NAME "
			       "or --export-tasks)", esc, (unsigned long long)s->records);
	else
		gr_unit_notice(u, "log stream '%s': no record names its function (name it with "
			       "-g /aws/lambda/NAME or --export-tasks)", esc);
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
				gr_unit_nomem(u);
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
		} else if (s->any && !s->fn) {
			unknown_fn(u, s);
		}
		if (!u->cfg->filter)
			continue;
		if (s->fn && gr_fn_filter_match(u->cfg->filter, s->fn, strlen(s->fn))) {
			if (gr_buf_add(&u->out, s->buf.data, s->buf.len))
				gr_unit_nomem(u);
		} else {
			u->st.records_out -= s->records;
			u->st.events_out -= s->events;
			u->st.reason[GR_SKIP_FILTERED] += s->records;
		}
		gr_buf_release(&s->buf);
	}
}

int gr_unit_finish(struct gr_unit *u)
{
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
		free(s->ends);
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
	gr_buf_release(&u->cdec);
	u->streams = NULL;
	u->deferred = NULL;
	u->diags = NULL;
}
