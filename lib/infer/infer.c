/* infer.c: gammaray-infer's driver: reading the event stream, accounting, joining invocations. */
#include "infer/infer.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/numbers.h"
#include "common/stage.h"
#include "common/input.h"
#include "common/reader.h"

void gr_infer_opts_init(struct gr_infer_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->tolerance_us = 100000;
	o->link_window_us = 15 * 60 * 1000000LL;
	o->unmatched = true;
}

/* --- records ----------------------------------------------------------------- */

/* Was this record read before? (Marks it read.) */
static bool seen(struct gr_infer *inf, uint64_t fp)
{
	int added;

	if (inf->seen_old.count && gr_fpmap_get(&inf->seen_old, fp))
		return true;
	if (!gr_fpmap_put(&inf->seen, fp, 0, &added)) {
		gr_inf_fail(inf, GR_ERR_NOMEM, "out of memory");
		return false;
	}
	return !added;
}

static uint64_t record_fp(const struct gr_event *ev, int64_t ts, const char *extra, size_t en)
{
	char t[24];
	size_t tn = gr_i64_dec(ts, t);

	return gr_inf_fp3(T_SEEN, ev->type_name.p, ev->type_name.n, ev->req.p, ev->req.n, t, tn) ^
	       (en ? gr_inf_fp1(T_SEEN, extra, en) : 0);
}

/*
 * Is this platform record a copy of one read before? A copy of the latest record of
 * its kind has the same time. Only invocations that ran more than once (retries)
 * remember every record, so copies of earlier attempts' records are recognised
 * too without a fingerprint per record of every invocation.
 */
static bool platform_dup(struct gr_infer *inf, const struct gr_inf_node *n, int64_t latest)
{
	const struct gr_event *ev = &inf->ev;

	if (ev->ts != GR_TIME_UNKNOWN && ev->ts == latest)
		return true;
	if (n->attempts > 1)
		return seen(inf, record_fp(ev, ev->ts, NULL, 0));
	return false;
}

/* The node a log record names; counts the loss when it names none. */
static uint32_t record_node(struct gr_infer *inf)
{
	const struct gr_event *ev = &inf->ev;

	if (!ev->req.n) {
		gr_inf_lost(inf, GR_LOST_NO_REQUEST, "%.*s record without a request id",
			 (int)ev->type_name.n, ev->type_name.p);
		return INF_NONE;
	}
	if (!gr_is_request_id(ev->req.p, ev->req.n)) {
		gr_inf_lost(inf, GR_LOST_BAD_RECORD, "%.*s record with an invalid request id",
			 (int)ev->type_name.n, ev->type_name.p);
		return INF_NONE;
	}
	uint32_t n = gr_inf_node_find(inf, ev->req.p, ev->req.n);
	if ((n != INF_NONE && (INF_NODE(inf, n)->flags & NF_RELEASED)) ||
	    (n == INF_NONE && inf->o.window_us &&
	     gr_inf_was_released(inf, gr_inf_fp1(T_REQ, ev->req.p, ev->req.n)))) {
		/* --window: its invocation was written already */
		inf->st.io.reason[GR_SKIP_LATE]++;
		inf->st.late++;
		return INF_NONE;
	}
	if (n == INF_NONE)
		n = gr_inf_node_get(inf, ev->req.p, ev->req.n);
	if (n != INF_NONE)
		INF_NODE(inf, n)->flags |= NF_RUN;
	return n;
}

static void set_trace(struct gr_infer *inf, struct gr_inf_node *n, struct gr_str t)
{
	if (t.n && !n->trace)
		n->trace = gr_inf_pack_str(inf, t.p, t.n);
}

static int32_t clamp32(int64_t v)
{
	return v < 0 ? -1 : v > INT32_MAX ? INT32_MAX : (int32_t)v;
}

static uint8_t worse(uint8_t a, uint8_t b)
{
	return a > b ? a : b;
}

/* Returns true when the record was used (else it was counted under a reason). */
static bool on_start(struct gr_infer *inf)
{
	const struct gr_event *ev = &inf->ev;
	uint32_t ni = record_node(inf);

	if (ni == INF_NONE)
		return false;
	struct gr_inf_node *n = INF_NODE(inf, ni);
	if (ev->ts != GR_TIME_UNKNOWN && (ev->ts == n->start_ts || ev->ts == n->first_ts)) {
		inf->st.io.reason[GR_SKIP_DUPLICATE]++;
		return false;
	}
	if (n->attempts >= 1) {
		/* another attempt (a retry keeps the request id): from now on every
		 * START of this invocation is remembered */
		if (n->attempts == 1) {
			seen(inf, record_fp(ev, n->start_ts, NULL, 0));
			if (n->first_ts != n->start_ts)
				seen(inf, record_fp(ev, n->first_ts, NULL, 0));
		}
		if (seen(inf, record_fp(ev, ev->ts, NULL, 0))) {
			inf->st.io.reason[GR_SKIP_DUPLICATE]++;
			return false;
		}
		n = INF_NODE(inf, ni);
	}
	if (n->attempts < UINT16_MAX)
		n->attempts++;
	if (n->start_ts == GR_TIME_UNKNOWN || ev->ts > n->start_ts) {
		n->start_ts = ev->ts;
		if (ev->stream.n) {
			struct gr_inf_stream *st = gr_inf_stream_get(inf, ev->stream.p, ev->stream.n);
			n = INF_NODE(inf, ni);
			n->stream = st ? st->name : NULL;
			if (st && st->fail_next && ev->ts == GR_TIME_UNKNOWN) {
				st->fail_next = false;
				n->flags |= NF_FAILED_INIT;
			}
			/* the first START after an INIT_START (or RESTORE_START, or a
			 * failed init) of the stream was not warm */
			int64_t boot = st ? gr_inf_stream_boot(st) : GR_TIME_UNKNOWN;
			if (boot != GR_TIME_UNKNOWN && ev->ts >= boot &&
			    (st->first_after == GR_TIME_UNKNOWN || ev->ts < st->first_after))
				st->first_after = ev->ts;
		}
		if (ev->fn.n) {
			n->fn = gr_inf_intern(inf, ev->fn.p, ev->fn.n);
			n->flags |= NF_FN_START;
		}
	}
	if (n->first_ts == GR_TIME_UNKNOWN || ev->ts < n->first_ts)
		n->first_ts = ev->ts;
	if (!(n->flags & NF_FN_START) && ev->fn.n) {
		n->fn = gr_inf_intern(inf, ev->fn.p, ev->fn.n);
		n->flags |= NF_FN_START;
	}
	set_trace(inf, n, ev->trace);
	return true;
}

static bool on_end(struct gr_infer *inf)
{
	const struct gr_event *ev = &inf->ev;
	uint32_t ni = record_node(inf);

	if (ni == INF_NONE)
		return false;
	struct gr_inf_node *n = INF_NODE(inf, ni);
	if (platform_dup(inf, n, n->end_ts)) {
		inf->st.io.reason[GR_SKIP_DUPLICATE]++;
		return false;
	}
	n = INF_NODE(inf, ni);
	if (n->end_ts == GR_TIME_UNKNOWN || ev->ts >= n->end_ts) {
		n->end_ts = ev->ts;
		n->end_status = (uint8_t)ev->status;
		n->end_dur_us = clamp32(ev->dur_us);
	}
	return true;
}

static bool on_report(struct gr_infer *inf)
{
	const struct gr_event *ev = &inf->ev;
	uint32_t ni = record_node(inf);

	if (ni == INF_NONE)
		return false;
	struct gr_inf_node *n = INF_NODE(inf, ni);
	if (platform_dup(inf, n, n->report_ts)) {
		inf->st.io.reason[GR_SKIP_DUPLICATE]++;
		return false;
	}
	n = INF_NODE(inf, ni);
	if (n->report_ts == GR_TIME_UNKNOWN || ev->ts >= n->report_ts) {
		n->report_ts = ev->ts;
		n->dur_us = clamp32(ev->dur_us);
		n->init_us = clamp32(ev->init_us);
		n->restore_us = clamp32(ev->restore_us);
		n->billed_us = clamp32(ev->billed_us);
		n->billed_restore_us = clamp32(ev->billed_restore_us);
		n->mem_mb = clamp32(ev->mem_mb);
		n->report_status = (uint8_t)ev->status;
		if (ev->init_us > 0)
			n->flags |= NF_COLD;
		else
			n->flags &= (uint8_t)~NF_COLD;
		if (ev->restore_us > 0)
			n->flags |= NF_RESTORE;
		else
			n->flags &= (uint8_t)~NF_RESTORE;
		if (ev->trace.n && ev->segment.n) {
			char tb[33];
			struct gr_str t = gr_inf_trace_norm(ev->trace, tb);
			n->report_seg = gr_inf_fp2(T_SEG, t.p, t.n, ev->segment.p, ev->segment.n);
		}
	}
	set_trace(inf, n, ev->trace);
	return true;
}

static bool on_fault(struct gr_infer *inf)
{
	const struct gr_event *ev = &inf->ev;
	uint32_t ni = record_node(inf);

	if (ni == INF_NONE)
		return false;
	struct gr_inf_node *n = INF_NODE(inf, ni);
	if (platform_dup(inf, n, n->fault_ts)) {
		inf->st.io.reason[GR_SKIP_DUPLICATE]++;
		return false;
	}
	n = INF_NODE(inf, ni);
	uint8_t st = ev->status ? (uint8_t)ev->status : (uint8_t)GR_STATUS_ERROR;
	if (n->fault_ts == GR_TIME_UNKNOWN || ev->ts > n->fault_ts) {
		n->fault_ts = ev->ts;
		n->fault_status = st;
	} else if (ev->ts == n->fault_ts) {
		n->fault_status = worse(n->fault_status, st);
	}
	return true;
}

/* INIT_START or RESTORE_START of an execution environment: its stream (NULL when the
 * record names none, counted unused, or out of memory), the function it names taken
 * if the stream has none yet. */
static struct gr_inf_stream *env_start(struct gr_infer *inf)
{
	const struct gr_event *ev = &inf->ev;

	if (!ev->stream.n) {
		inf->st.io.reason[GR_SKIP_UNUSED]++;
		return NULL;
	}
	struct gr_inf_stream *s = gr_inf_stream_get(inf, ev->stream.p, ev->stream.n);
	if (s && !s->fn && ev->fn.n)
		s->fn = gr_inf_intern(inf, ev->fn.p, ev->fn.n);
	/* the runtime of the newest boot (one environment boots once; a second boot
	 * of a stream is a stream name reused) */
	if (s && ev->runtime.n && (!s->runtime || ev->ts == GR_TIME_UNKNOWN ||
				   ev->ts >= gr_inf_stream_boot(s)))
		s->runtime = gr_inf_intern(inf, ev->runtime.p, ev->runtime.n);
	return s;
}

/* The newest of *ts and the record's time. */
static void newest(int64_t *ts, int64_t t)
{
	if (t != GR_TIME_UNKNOWN && (*ts == GR_TIME_UNKNOWN || t > *ts))
		*ts = t;
}

static bool on_init_start(struct gr_infer *inf)
{
	struct gr_inf_stream *s = env_start(inf);

	if (s)
		newest(&s->init_ts, inf->ev.ts);
	return s != NULL;
}

static bool on_init_report(struct gr_infer *inf)
{
	const struct gr_event *ev = &inf->ev;
	/* a failed init is retried in the invoke phase (suppressed init) */
	bool invoke = gr_str_is(ev->phase, "invoke");
	bool failed = invoke || ev->status == GR_STATUS_ERROR || ev->status == GR_STATUS_TIMEOUT;

	if (!ev->stream.n || (ev->init_us < 0 && !failed)) {
		inf->st.io.reason[GR_SKIP_UNUSED]++;
		return false;
	}
	struct gr_inf_stream *s = gr_inf_stream_get(inf, ev->stream.p, ev->stream.n);
	if (!s)
		return false;
	if (invoke) {
		if (ev->init_us >= 0)
			s->invoke_init_us = clamp32(ev->init_us);
	} else if (ev->init_us >= 0) {
		s->init_us = clamp32(ev->init_us);
	}
	if (failed && ev->ts != GR_TIME_UNKNOWN &&
	    (s->fail_ts == GR_TIME_UNKNOWN || ev->ts > s->fail_ts))
		s->fail_ts = ev->ts;
	if (failed && ev->ts == GR_TIME_UNKNOWN)
		s->fail_next = true; /* untimed text (LogResult, console): by order */
	return true;
}

static bool on_restore_start(struct gr_infer *inf)
{
	struct gr_inf_stream *s = env_start(inf);

	if (s)
		newest(&s->restore_ts, inf->ev.ts);
	return s != NULL;
}

static bool on_restore_report(struct gr_infer *inf)
{
	const struct gr_event *ev = &inf->ev;

	if (!ev->stream.n || ev->restore_us < 0) {
		inf->st.io.reason[GR_SKIP_UNUSED]++;
		return false;
	}
	struct gr_inf_stream *s = gr_inf_stream_get(inf, ev->stream.p, ev->stream.n);
	if (!s)
		return false;
	s->restore_us = clamp32(ev->restore_us);
	return true;
}

static bool on_stream(struct gr_infer *inf)
{
	const struct gr_event *ev = &inf->ev;

	if (!ev->stream.n || !ev->fn.n) {
		inf->st.io.reason[GR_SKIP_UNUSED]++;
		return false;
	}
	struct gr_inf_stream *s = gr_inf_stream_get(inf, ev->stream.p, ev->stream.n);
	if (!s)
		return false;
	/* the stream record states the function with the most authority (log group) */
	s->fn = gr_inf_intern(inf, ev->fn.p, ev->fn.n);
	return true;
}

static bool on_marker(struct gr_infer *inf)
{
	const struct gr_event *ev = &inf->ev;

	if (!ev->m.n) {
		gr_inf_lost(inf, GR_LOST_BAD_MARKER, "marker record without its object \"m\"");
		return false;
	}
	uint32_t ni = record_node(inf);
	if (ni == INF_NONE)
		return false;
	if (seen(inf, record_fp(ev, ev->ts, ev->m.p, ev->m.n))) {
		inf->st.io.reason[GR_SKIP_DUPLICATE]++;
		return false;
	}
	struct gr_inf_node *n = INF_NODE(inf, ni);
	if (ev->ts != GR_TIME_UNKNOWN && (n->mark_ts == GR_TIME_UNKNOWN || ev->ts < n->mark_ts))
		n->mark_ts = ev->ts;
	return gr_inf_marker(inf, ni, ev->ts, &ev->m);
}

static int on_header(struct gr_infer *inf)
{
	const struct gr_event *ev = &inf->ev;

	inf->st.io.reason[GR_SKIP_STREAM_HEADER]++;
	inf->header_seen = true;
	if (ev->v != GR_EVENTS_VERSION) {
		gr_error_set(inf->err, GR_ERR_FORMAT,
			     "event stream version %lld, this program reads version %d",
			     (long long)ev->v, GR_EVENTS_VERSION);
		gr_error_at(inf->err, inf->file, inf->line);
		inf->fatal = GR_ERR_FORMAT;
		return GR_ERR_FORMAT;
	}
	return 0;
}

/* What an upstream stage read and lost: summed per stage, written again at the end
 * of the graph stream (gammaray-graph(5)). */
static bool on_stats(struct gr_infer *inf, const char *line, size_t n)
{
	char stage[16];
	struct gr_stats add;
	uint64_t unknown = 0;
	size_t i;

	memset(&add, 0, sizeof(add));
	if (gr_ev_stats_parse(line, n, stage, sizeof(stage), &add, &unknown)) {
		gr_inf_lost(inf, GR_LOST_BAD_RECORD, "stats record that cannot be read");
		return false;
	}
	if (unknown)
		gr_inf_notice(inf, "stats record of stage '%s' names reasons this version does "
			      "not know (%llu records); they are left out", stage,
			      (unsigned long long)unknown);
	for (i = 0; i < inf->nupstream; i++)
		if (!strcmp(inf->upstream_stage[i], stage))
			break;
	if (i == inf->nupstream) {
		if (i == GR_INF_STAGES) {
			gr_inf_notice(inf, "stats record of a fifth stage '%s' left out", stage);
			return false;
		}
		snprintf(inf->upstream_stage[i], sizeof(inf->upstream_stage[i]), "%s", stage);
		inf->nupstream++;
	}
	gr_stats_add(&inf->upstream[i], &add);
	return true;
}

void gr_inf_record(struct gr_infer *inf, const char *line, size_t n)
{
	struct gr_event *ev = &inf->ev;
	struct gr_error e = { 0 };
	bool used = false;

	inf->st.io.records_in++;
	gr_inf_objs_clear(inf);
	int rc = gr_ev_parse(line, n, ev, &inf->scratch, inf->o.max_depth, &e);
	if (rc == GR_ERR_NOMEM) {
		gr_inf_fail(inf, rc, "out of memory");
		return;
	}
	if (rc) {
		gr_inf_lost(inf, rc == GR_ERR_JSON ? GR_LOST_JSON : GR_LOST_BAD_RECORD, "%s", e.msg);
		return;
	}
	if (ev->ts != GR_TIME_UNKNOWN && ev->ts > inf->newest)
		inf->newest = ev->ts;
	switch (ev->type) {
	case GR_EV_HEADER:
		on_header(inf);
		return;
	case GR_EV_START: used = on_start(inf); break;
	case GR_EV_END: used = on_end(inf); break;
	case GR_EV_REPORT: used = on_report(inf); break;
	case GR_EV_FAULT: used = on_fault(inf); break;
	case GR_EV_INIT_START: used = on_init_start(inf); break;
	case GR_EV_INIT_REPORT: used = on_init_report(inf); break;
	case GR_EV_RESTORE_START: used = on_restore_start(inf); break;
	case GR_EV_RESTORE_REPORT: used = on_restore_report(inf); break;
	case GR_EV_RESTORE_DONE: /* its status is the restore report's too */
		inf->st.io.reason[GR_SKIP_UNUSED]++;
		break;
	case GR_EV_STREAM: used = on_stream(inf); break;
	case GR_EV_MARKER: used = on_marker(inf); break;
	case GR_EV_STATS: used = on_stats(inf, line, n); break;
	case GR_EV_SEGMENT:
		if (ev->start_us != GR_TIME_UNKNOWN && ev->start_us > inf->newest)
			inf->newest = ev->start_us;
		used = ev->kind.n ? gr_inf_span(inf) : gr_inf_segment(inf);
		break;
	case GR_EV_LOG:
		inf->st.io.reason[GR_SKIP_UNUSED]++;
		break;
	case GR_EV_OTHER:
		if (gr_str_is(ev->type_name, "gammaray-graph") || gr_str_is(ev->type_name, "gammaray-truth")) {
			inf->st.io.reason[GR_SKIP_STREAM_HEADER]++;
			gr_error_set(inf->err, GR_ERR_FORMAT,
				     "this is a %s, not an event stream (gammaray-fetch writes those)",
				     ev->type_name.n == 14 && ev->type_name.p[9] == 'g' ?
				     "graph stream" : "truth file");
			gr_error_at(inf->err, inf->file, inf->line);
			inf->fatal = GR_ERR_FORMAT;
			return;
		}
		inf->st.io.reason[GR_SKIP_UNKNOWN_TYPE]++;
		break;
	}
	if (used)
		inf->st.io.records_out++;
}

/* --- the run ----------------------------------------------------------------- */

int gr_infer_new(struct gr_infer **out, const struct gr_infer_opts *o, struct gr_error *err)
{
	struct gr_infer *inf;

	*out = NULL;
	if (!o->write)
		return gr_error_set(err, GR_ERR_USAGE, "no output");
	if (o->tolerance_us < 0 || o->link_window_us < 0 || o->window_us < 0)
		return gr_error_set(err, GR_ERR_USAGE, "negative duration");
	inf = calloc(1, sizeof(*inf));
	if (!inf)
		return gr_error_set(err, GR_ERR_NOMEM, "out of memory");
	inf->o = *o;
	if (!inf->o.max_line)
		inf->o.max_line = GR_DEFAULT_MAX_LINE;
	if (!inf->o.max_depth)
		inf->o.max_depth = GR_DEFAULT_MAX_DEPTH;
	inf->newest = INT64_MIN;
	inf->next_release = INT64_MIN;
	inf->rotated = INT64_MIN;
	inf->compact_at = 65536;
	gr_jw_init(&inf->w, &inf->out);
	*out = inf;
	return 0;
}

/* The first line of an input says it is no event stream but what gammaray-fetch
 * reads: said once, the input's rest not read (instead of one loss per line); the
 * next input is. */
static bool raw_input(struct gr_infer *inf, const char *line, size_t n)
{
	const char *what = gr_stage_raw(line, n);

	if (!what)
		return false;
	inf->st.io.records_in++;
	gr_inf_lost(inf, GR_LOST_UNKNOWN_DOC,
		    "this is %s, not an event stream: run gammaray-fetch on it first", what);
	return true;
}

static int read_reader(struct gr_infer *inf, struct gr_reader *r, struct gr_error *err)
{
	const char *line;
	size_t n;
	int rc;

	inf->err = err;
	inf->file = r->name;
	inf->header_seen = false;
	inf->inputs++;
	bool first = true;
	gr_reader_limits(r, inf->o.max_line, 0, 0);
	while (!inf->fatal && (rc = gr_reader_line(r, &line, &n)) != 0) {
		inf->line = r->lineno;
		if (rc == GR_ERR_LIMIT && inf->keyed) {
			gr_error_set(err, GR_ERR_LIMIT, "line of a stage longer than %zu bytes",
				     inf->o.max_line);
			gr_error_at(err, inf->file, inf->line);
			inf->fatal = GR_ERR_LIMIT;
			break;
		}
		if (rc == GR_ERR_LIMIT) {
			inf->st.io.records_in++;
			gr_inf_lost(inf, GR_LOST_LINE_LIMIT, "line longer than %zu bytes",
				 inf->o.max_line);
			first = false; /* the first line, lost: it shows nothing of the input */
			continue;
		}
		if (rc < 0) {
			/* the rest of the file is lost: the caller counts it and goes on */
			*err = r->errinfo;
			return rc;
		}
		if (inf->keyed) {
			/* a stage's keyed lines: trailing tabs end empty fields */
			if (n && line[n - 1] == '\r')
				n--;
			if (n)
				inf->line_fn(inf, line, n);
			continue;
		}
		while (n && (line[n - 1] == '\r' || line[n - 1] == ' ' || line[n - 1] == '\t'))
			n--;
		if (!n)
			continue;
		if (first && (first = false, !inf->mid_stream && raw_input(inf, line, n)))
			break;
		if (inf->line_fn)
			inf->line_fn(inf, line, n);
		else
			gr_inf_record(inf, line, n);
		if (inf->o.window_us && !inf->line_fn && !inf->fatal && inf->newest != INT64_MIN &&
		    inf->newest >= inf->next_release)
			gr_inf_window_step(inf);
	}
	return inf->fatal;
}

/* One file of gr_infer_read or gr_infer_read_mem: a broken compressed stream or a
 * read error stops the run, as these calls always did. */
static int read_one(struct gr_infer *inf, struct gr_reader *r, struct gr_error *err)
{
	int rc = read_reader(inf, r, err);

	if (rc == GR_ERR_COMPRESS || rc == GR_ERR_IO) {
		inf->st.io.reason[rc == GR_ERR_COMPRESS ? GR_LOST_COMPRESS : GR_LOST_UNREADABLE]++;
		inf->fatal = rc;
	}
	inf->st.io.bytes_in += r->bytes_in;
	inf->st.io.bytes += gr_reader_offset(r);
	return rc;
}

static int read_input(void *ctx, struct gr_input *in, struct gr_error *err)
{
	return read_reader(ctx, &in->r, err);
}

int gr_infer_read_inputs(struct gr_infer *inf, const char *const *paths, size_t npaths,
			 struct gr_error *err)
{
	struct gr_input_opts io = {
		.max_line = inf->o.max_line,
		.strict = inf->o.strict,
		.diag = inf->o.diag,
		.diag_ctx = inf->o.diag_ctx,
		.progress = inf->o.progress,
		.progress_ctx = inf->o.progress_ctx,
	};

	if (inf->fatal)
		return inf->fatal;
	int rc = gr_input_each(&io, paths, npaths, read_input, inf, &inf->st.io, err);
	if (rc && !inf->fatal)
		inf->fatal = rc;
	return rc;
}

int gr_infer_read(struct gr_infer *inf, const char *path, struct gr_error *err)
{
	struct gr_reader r;
	int rc;

	if (inf->fatal)
		return inf->fatal;
	inf->st.io.files++;
	if ((rc = gr_reader_open(&r, path, err))) {
		inf->st.io.reason[GR_LOST_UNREADABLE]++;
		return rc;
	}
	rc = read_one(inf, &r, err);
	gr_reader_release(&r);
	return rc;
}

int gr_infer_read_mem(struct gr_infer *inf, const char *name, const void *data, size_t n,
		      struct gr_error *err)
{
	struct gr_reader r;

	if (inf->fatal)
		return inf->fatal;
	inf->st.io.files++;
	gr_reader_open_mem(&r, name, data, n);
	int rc = read_one(inf, &r, err);
	gr_reader_release(&r);
	return rc;
}

/* Streams: the first START at or after each boot (INIT_START, RESTORE_START, a failed
 * init: not warm), whatever the order the records came in. */
static void streams_finalize(struct gr_infer *inf)
{
	for (size_t i = 0; i < inf->streams.n; i++)
		INF_AT(inf, streams, struct gr_inf_stream, i)->first_after = GR_TIME_UNKNOWN;
	for (size_t i = 0; i < inf->nodes.n; i++) {
		struct gr_inf_node *n = INF_NODE(inf, i);
		if (!n->stream || n->start_ts == GR_TIME_UNKNOWN)
			continue;
		uint32_t *v = gr_strmap_get(&inf->stream_ix, n->stream, strlen(n->stream));
		if (!v)
			continue;
		struct gr_inf_stream *s = INF_AT(inf, streams, struct gr_inf_stream, *v);
		int64_t boot = gr_inf_stream_boot(s);
		if (boot == GR_TIME_UNKNOWN || n->start_ts < boot)
			continue;
		if (s->first_after == GR_TIME_UNKNOWN || n->start_ts < s->first_after)
			s->first_after = n->start_ts;
	}
}

int gr_infer_finish(struct gr_infer *inf, struct gr_error *err)
{
	inf->err = err;
	inf->file = NULL;
	inf->line = 0;
	gr_inf_objs_clear(inf); /* the last record's text is gone */
	if (inf->fatal)
		return inf->fatal;
	if (inf->o.window_us) {
		gr_inf_window_finish(inf);
	} else {
		streams_finalize(inf);
		gr_inf_release(inf, NULL, 0, true);
	}
	if (!inf->fatal)
		gr_inf_find_loops(inf);
	if (!inf->fatal) {
		int rc = gr_inf_write_stats(inf);
		if (rc)
			gr_inf_fail(inf, rc, rc == GR_ERR_NOMEM ? "out of memory"
					   : "cannot write the output");
	}
	inf->st.loops = (const char *const *)inf->loops.v;
	inf->st.nloops = inf->loops.n;
	return inf->fatal;
}

const struct gr_infer_stats *gr_infer_get_stats(const struct gr_infer *inf)
{
	return &inf->st;
}

void gr_infer_free(struct gr_infer *inf)
{
	if (!inf)
		return;
	for (size_t i = 0; i < inf->loops.n; i++)
		free(*INF_AT(inf, loops, char *, i));
	struct gr_inf_vec *vecs[] = { &inf->nodes, &inf->causes, &inf->aliases, &inf->srcs, &inf->s3x,
				   &inf->segs, &inf->links, &inf->edges, &inf->unms,
				   &inf->streams, &inf->loops, &inf->namev, &inf->fedges };
	for (size_t i = 0; i < sizeof(vecs) / sizeof(vecs[0]); i++)
		free(vecs[i]->v);
	struct gr_fpmap *maps[] = { &inf->node_ix, &inf->alias_ix, &inf->seg_ix, &inf->fnseg_ix,
				    &inf->child_ix, &inf->seen, &inf->seen_old, &inf->fedge_ix,
				    &inf->released, &inf->released_old, &inf->taken,
				    &inf->taken_old };
	for (size_t i = 0; i < sizeof(maps) / sizeof(maps[0]); i++)
		gr_fpmap_release(maps[i]);
	gr_strmap_release(&inf->names);
	gr_strmap_release(&inf->stream_ix);
	gr_arena_release(&inf->arena);
	gr_arena_release(&inf->fnarena);
	gr_buf_release(&inf->scratch);
	gr_buf_release(&inf->tmp);
	gr_buf_release(&inf->mscratch);
	gr_buf_release(&inf->out);
	free(inf);
}
