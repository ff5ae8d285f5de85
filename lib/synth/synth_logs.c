/* synth_logs.c: gammaray-synth's Lambda log lines and their CloudWatch Logs export / filter-log-events files. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/jsonw.h"
#include "synth/synth.h"

#define LIT(s) s, sizeof(s) - 1

static const char *runtime_version(const struct gr_sy_fn *fn)
{
	return fn->def->runtime == SY_PY ? "python:3.12.v38" : "nodejs:20.v33";
}

static const char *runtime_hash(const struct gr_sy_fn *fn)
{
	return fn->def->runtime == SY_PY
		? "7b620fc2e66107a1046b140b9d320295811af3ad5d4c6a011fad1fa65127e9e6"
		: "0cdcfbdefbc5e7d3343f73c2e2dd3cba17d61dea0686b404502a0c9ce83931b9";
}

/* ---------------------------------------------------------------------------
 * Application lines, collected per attempt in the context.
 */
static struct gr_sy_line *line_new(struct gr_sy_sim *s, struct gr_sy_ctx *c, int64_t t)
{
	struct gr_sy_line *l = gr_sy_alloc_array(s, c->lines, &c->cap_lines, c->nlines + 1,
					   sizeof(*l));
	if (!l)
		return NULL;
	c->lines = l;
	l = &c->lines[c->nlines++];
	l->t = t;
	l->off = (uint32_t)c->text.len;
	return l;
}

static void line_end(struct gr_sy_ctx *c, struct gr_sy_line *l)
{
	l->len = (uint32_t)(c->text.len - l->off);
}

static void escaped(struct gr_sy_sim *s, struct gr_buf *b, const char *p, size_t n)
{
	int rc;

	if (!s->rc && (rc = gr_sy_json_str(b, p, n)))
		gr_sy_fail(s, rc);
}

void gr_sy_log_app(struct gr_sy_sim *s, struct gr_sy_ctx *c, const struct gr_sy_fn *fn,
		const uint8_t reqid[16], int64_t t, const char *level, const char *msg,
		size_t len)
{
	struct gr_sy_line *l = line_new(s, c, t);
	struct gr_buf *b = &c->text;
	char iso[24], id[36];
	char *p;

	if (!l)
		return;
	gr_sy_fmt_uuid(reqid, id);
	if (fn->def->fmt == SY_TEXT) {
		if (!(p = gr_sy_reserve(s, b, len + 120)))
			return;
		char *q = p;
		size_t ll = strlen(level);
		if (fn->def->runtime == SY_PY) {
			/* logging's "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t" */
			*q++ = '[';
			memcpy(q, level, ll);
			q += ll;
			*q++ = ']';
			*q++ = '\t';
			q += gr_sy_fmt_iso_ms(t, q);
			*q++ = '\t';
			memcpy(q, id, 36);
			q += 36;
			*q++ = '\t';
		} else {
			/* Node: "<ISO>\t<requestId>\t<LEVEL>\t" */
			q += gr_sy_fmt_iso_ms(t, q);
			*q++ = '\t';
			memcpy(q, id, 36);
			q += 36;
			*q++ = '\t';
			memcpy(q, level, ll);
			q += ll;
			*q++ = '\t';
		}
		memcpy(q, msg, len);
		q += len;
		*q++ = '\n';
		gr_sy_commit(b, (size_t)(q - p));
	} else if (fn->def->runtime == SY_NODE) {
		SY_ADDL(s, b, "{\"timestamp\":\"");
		gr_sy_add(s, b, iso, gr_sy_fmt_iso_ms(t, iso));
		SY_ADDL(s, b, "\",\"level\":\"");
		gr_sy_adds(s, b, level);
		SY_ADDL(s, b, "\",\"requestId\":\"");
		gr_sy_add(s, b, id, 36);
		SY_ADDL(s, b, "\",\"message\":");
		escaped(s, b, msg, len);
		SY_ADDL(s, b, "}\n");
	} else {
		/* Python's JsonFormatter stamps whole seconds */
		SY_ADDL(s, b, "{\"timestamp\":\"");
		gr_sy_add(s, b, iso, gr_sy_fmt_iso_s(t, iso));
		SY_ADDL(s, b, "\",\"level\":\"");
		gr_sy_adds(s, b, level);
		SY_ADDL(s, b, "\",\"message\":");
		escaped(s, b, msg, len);
		SY_ADDL(s, b, ",\"logger\":\"root\",\"requestId\":\"");
		gr_sy_add(s, b, id, 36);
		SY_ADDL(s, b, "\"}\n");
	}
	line_end(c, l);
}

void gr_sy_log_raw(struct gr_sy_sim *s, struct gr_sy_ctx *c, int64_t t, const char *msg, size_t len)
{
	struct gr_sy_line *l = line_new(s, c, t);

	if (!l)
		return;
	gr_sy_add(s, &c->text, msg, len);
	SY_ADDL(s, &c->text, "\n");
	line_end(c, l);
}

static const char *const error_msgs[] = {
	"downstream service unavailable",
	"invalid payload: missing field 'id'",
	"connection reset by peer",
	"item not found",
};

void gr_sy_log_error(struct gr_sy_sim *s, struct gr_sy_ctx *c, const struct gr_sy_fn *fn,
		  const uint8_t reqid[16], int64_t t)
{
	struct gr_sy_line *l = line_new(s, c, t);
	struct gr_buf *b = &c->text;
	const char *em = error_msgs[reqid[3] % 4];
	unsigned line = 20u + reqid[5] % 80u;
	char iso[24], id[36], tmp[512];
	int n;

	if (!l)
		return;
	gr_sy_fmt_uuid(reqid, id);
	if (fn->def->runtime == SY_PY) {
		const char *type = reqid[3] % 4 == 3 ? "KeyError" : "RuntimeError";
		if (fn->def->fmt == SY_TEXT) {
			/* bootstrap.py log_error: one event, the traceback on continuation lines */
			n = snprintf(tmp, sizeof(tmp),
				     "[ERROR] %s: %s\nTraceback (most recent call last):\n"
				     "  File \"/var/task/app.py\", line %u, in handler\n"
				     "    raise %s(\"%s\")\n",
				     type, em, line, type, em);
			gr_sy_add(s, b, tmp, (size_t)n);
		} else {
			SY_ADDL(s, b, "{\"timestamp\":\"");
			gr_sy_add(s, b, iso, gr_sy_fmt_iso_s(t, iso));
			SY_ADDL(s, b, "\",\"log_level\":\"ERROR\",\"errorMessage\":");
			escaped(s, b, em, strlen(em));
			SY_ADDL(s, b, ",\"errorType\":\"");
			gr_sy_adds(s, b, type);
			SY_ADDL(s, b, "\",\"requestId\":\"");
			gr_sy_add(s, b, id, 36);
			SY_ADDL(s, b, "\",\"stackTrace\":[");
			n = snprintf(tmp, sizeof(tmp),
				     "  File \"/var/task/app.py\", line %u, in handler\n"
				     "    raise %s(\"%s\")\n", line, type, em);
			escaped(s, b, tmp, (size_t)n);
			SY_ADDL(s, b, "]}\n");
		}
	} else {
		char stack[256];
		int sn = snprintf(stack, sizeof(stack),
				  "[\"Error: %s\",\"    at Runtime.handler "
				  "(file:///var/task/index.mjs:%u:11)\"]", em, line);
		if (fn->def->fmt == SY_TEXT) {
			gr_sy_add(s, b, iso, gr_sy_fmt_iso_ms(t, iso));
			SY_ADDL(s, b, "\t");
			gr_sy_add(s, b, id, 36);
			SY_ADDL(s, b, "\tERROR\tInvoke Error \t{\"errorType\":\"Error\",\"errorMessage\":");
			escaped(s, b, em, strlen(em));
			SY_ADDL(s, b, ",\"stack\":");
			gr_sy_add(s, b, stack, (size_t)sn);
			SY_ADDL(s, b, "}\n");
		} else {
			SY_ADDL(s, b, "{\"timestamp\":\"");
			gr_sy_add(s, b, iso, gr_sy_fmt_iso_ms(t, iso));
			SY_ADDL(s, b, "\",\"level\":\"ERROR\",\"requestId\":\"");
			gr_sy_add(s, b, id, 36);
			SY_ADDL(s, b, "\",\"message\":\"Invoke Error\",\"errorType\":\"Error\","
				      "\"errorMessage\":");
			escaped(s, b, em, strlen(em));
			SY_ADDL(s, b, ",\"stackTrace\":");
			gr_sy_add(s, b, stack, (size_t)sn);
			SY_ADDL(s, b, "}\n");
		}
	}
	line_end(c, l);
}

/* ---------------------------------------------------------------------------
 * Events into streams (export) or log group pages (filter-log-events).
 */
static void live_add(struct gr_sy_sim *s, struct gr_sy_env *e)
{
	struct gr_sy_env **l = gr_sy_alloc_array(s, s->live, &s->cap_live, s->nlive + 1, sizeof(*l));
	if (!l)
		return;
	s->live = l;
	e->live = (uint32_t)s->nlive;
	s->live[s->nlive++] = e;
}

static void live_remove(struct gr_sy_sim *s, struct gr_sy_env *e)
{
	if (e->live == SY_NONE)
		return;
	struct gr_sy_env *last = s->live[--s->nlive];
	s->live[e->live] = last;
	last->live = e->live;
	e->live = SY_NONE;
}

static int fn_dir(struct gr_sy_sim *s, struct gr_sy_fn *fn, const char *sub)
{
	char path[4096];

	if (fn->dir_made)
		return 0;
	if (gr_sy_path(path, sizeof(path), s->err, "%s/%s/%s", s->dir, sub, fn->def->name) ||
	    gr_sy_mkdirs(path, s->err)) {
		gr_sy_fail(s, s->err->code);
		return -1;
	}
	fn->dir_made = true;
	return 0;
}

static void write_page(struct gr_sy_sim *s, struct gr_sy_fn *fn, bool last)
{
	char path[4096], tok[64];

	if (fn_dir(s, fn, "logs"))
		return;
	if (fn->page_events == 0)
		SY_ADDL(s, &fn->page, "{\"events\":[");
	SY_ADDL(s, &fn->page, "],\"searchedLogStreams\":[]");
	if (!last) {
		/* an opaque token, as the API hands out */
		uint8_t r[24];
		gr_sy_rng_bytes(&s->orng, r, sizeof(r));
		SY_ADDL(s, &fn->page, ",\"nextToken\":\"");
		gr_sy_add(s, &fn->page, tok, gr_sy_fmt_hex(r, sizeof(r), tok));
		SY_ADDL(s, &fn->page, "\"");
	}
	SY_ADDL(s, &fn->page, "}\n");
	if (s->rc)
		return;
	if (gr_sy_path(path, sizeof(path), s->err, "%s/logs/%s/page-%04u.json", s->dir,
		    fn->def->name, fn->pageno) ||
	    gr_sy_write_file(path, fn->page.data, fn->page.len, s->err)) {
		gr_sy_fail(s, s->err->code);
		return;
	}
	s->st->files++;
	s->st->bytes_written += fn->page.len;
	fn->pageno++;
	fn->page_events = 0;
	gr_buf_reset(&fn->page);
}

static void emit_filter(struct gr_sy_sim *s, struct gr_sy_env *env, int64_t ms, const char *msg,
			size_t len)
{
	struct gr_sy_fn *fn = &s->fns[env->fn];
	struct gr_buf *b = &fn->page;
	size_t before = b->len;
	char num[64];

	if (fn->page_events == 0)
		SY_ADDL(s, b, "{\"events\":[");
	else
		SY_ADDL(s, b, ",");
	SY_ADDL(s, b, "{\"logStreamName\":\"");
	gr_sy_add(s, b, env->name, env->name_len);
	SY_ADDL(s, b, "\",\"timestamp\":");
	gr_sy_add(s, b, num, gr_sy_fmt_i64(ms, num));
	SY_ADDL(s, b, ",\"message\":");
	escaped(s, b, msg, len);
	SY_ADDL(s, b, ",\"ingestionTime\":");
	gr_sy_add(s, b, num, gr_sy_fmt_i64(ms + gr_sy_rng_range(&s->orng, 150, 900), num));
	SY_ADDL(s, b, ",\"eventId\":\"");
	/* 56 digits, like the service's: time, a counter, noise */
	num[0] = '3';
	gr_sy_fmt_u64_pad((uint64_t)ms, 19, num + 1);
	gr_sy_fmt_u64_pad(++s->event_counter, 20, num + 20);
	gr_sy_fmt_u64_pad(gr_sy_rng_next(&s->orng) % 10000000000000000ull, 16, num + 40);
	gr_sy_add(s, b, num, 56);
	SY_ADDL(s, b, "\"}");
	fn->page_events++;
	s->st->log_bytes += b->len - before;
	if (fn->page_events >= 10000 || b->len >= (1u << 20))
		write_page(s, fn, false);
}

void gr_sy_log_emit(struct gr_sy_sim *s, struct gr_sy_env *env, int64_t t_us, const char *msg,
		 size_t len)
{
	struct gr_sy_fn *fn = &s->fns[env->fn];
	int64_t ms = t_us / 1000;

	if (!fn->first_ms || ms < fn->first_ms)
		fn->first_ms = ms;
	if (ms > fn->last_ms)
		fn->last_ms = ms;
	env->last_ms = ms;
	s->st->log_events++;
	if (s->o->format == GR_SYNTH_FILTER) {
		emit_filter(s, env, ms, msg, len);
		return;
	}
	uint32_t *ev = gr_sy_alloc_array(s, env->ev, &env->cap_ev, env->nev + 1, sizeof(*ev));
	char *p = gr_sy_reserve(s, &env->buf, len + 26);
	if (!ev || !p)
		return;
	env->ev = ev;
	env->ev[env->nev++] = (uint32_t)env->buf.len;
	/* "<time> <message>\n": messages end in "\n" too, so a blank line follows */
	gr_sy_fmt_iso_ms(t_us, p);
	p[24] = ' ';
	memcpy(p + 25, msg, len);
	p[25 + len] = '\n';
	gr_sy_commit(&env->buf, len + 26);
	s->st->log_bytes += len + 26;
	s->buffered += len + 26;
	if (s->buffered > s->st->peak_buffer)
		s->st->peak_buffer = s->buffered;
	if (env->live == SY_NONE)
		live_add(s, env);
	if (env->nev >= s->o->chunk_events || env->buf.len > (256u << 20))
		gr_sy_log_flush_env(s, env);
}

/* ---------------------------------------------------------------------------
 * Platform lines of one attempt.
 */
static void emit_msg(struct gr_sy_sim *s, struct gr_sy_env *env, int64_t t)
{
	gr_sy_log_emit(s, env, t, s->msg.data, s->msg.len);
	gr_buf_reset(&s->msg);
}

static void tracing_json(struct gr_sy_sim *s, struct gr_buf *b, const struct gr_sy_attempt *a)
{
	char tmp[40];

	if (!a->sampled)
		return;
	SY_ADDL(s, b, ",\"tracing\":{\"spanId\":\"");
	gr_sy_add(s, b, tmp, gr_sy_fmt_id64(a->svc_seg, tmp));
	SY_ADDL(s, b, "\",\"type\":\"X-Amzn-Trace-Id\",\"value\":\"Root=");
	gr_sy_add(s, b, tmp, gr_sy_fmt_trace(a->trace, tmp));
	SY_ADDL(s, b, ";Parent=");
	gr_sy_add(s, b, tmp, gr_sy_fmt_id64(a->fn_seg, tmp));
	SY_ADDL(s, b, ";Sampled=1\"}");
}

static void json_head(struct gr_sy_sim *s, int64_t t, const char *type)
{
	char iso[24];

	SY_ADDL(s, &s->msg, "{\"time\":\"");
	gr_sy_add(s, &s->msg, iso, gr_sy_fmt_iso_ms(t, iso));
	SY_ADDL(s, &s->msg, "\",\"type\":\"");
	gr_sy_adds(s, &s->msg, type);
	SY_ADDL(s, &s->msg, "\",\"record\":{");
}

static void attempt_json(struct gr_sy_sim *s, struct gr_sy_env *env, const struct gr_sy_fn *fn,
			 const struct gr_sy_ctx *c, const struct gr_sy_attempt *a)
{
	struct gr_buf *m = &s->msg;
	char id[36], num[32];
	static const char *const st[] = { "success", "error", "timeout" };
	int64_t dur = a->end - a->start;

	gr_sy_fmt_uuid(a->reqid, id);
	if (a->init_start) {
		json_head(s, a->init_start, "platform.initStart");
		SY_ADDL(s, m, "\"initializationType\":\"on-demand\",\"phase\":\"init\","
			      "\"runtimeVersion\":\"");
		gr_sy_adds(s, m, runtime_version(fn));
		SY_ADDL(s, m, "\",\"runtimeVersionArn\":\"arn:aws:lambda:");
		gr_sy_adds(s, m, gr_sy_region_name[fn->def->region]);
		SY_ADDL(s, m, "::runtime:");
		gr_sy_adds(s, m, runtime_hash(fn));
		SY_ADDL(s, m, "\",\"functionName\":\"");
		gr_sy_add(s, m, fn->def->name, fn->name_len);
		SY_ADDL(s, m, "\",\"functionVersion\":\"$LATEST\"}}\n");
		emit_msg(s, env, a->init_start);
		json_head(s, a->start, "platform.initRuntimeDone");
		SY_ADDL(s, m, "\"initializationType\":\"on-demand\",\"phase\":\"init\","
			      "\"status\":\"success\"}}\n");
		emit_msg(s, env, a->start);
		json_head(s, a->start, "platform.initReport");
		SY_ADDL(s, m, "\"initializationType\":\"on-demand\",\"phase\":\"init\","
			      "\"status\":\"success\",\"metrics\":{\"durationMs\":");
		gr_sy_add(s, m, num, gr_sy_fmt_ms2(a->init_us, num));
		SY_ADDL(s, m, "}}}\n");
		emit_msg(s, env, a->start);
	}
	json_head(s, a->start, "platform.start");
	SY_ADDL(s, m, "\"requestId\":\"");
	gr_sy_add(s, m, id, 36);
	SY_ADDL(s, m, "\",\"version\":\"$LATEST\"");
	tracing_json(s, m, a);
	SY_ADDL(s, m, "}}\n");
	emit_msg(s, env, a->start);
	for (size_t i = 0; i < c->nlines; i++)
		gr_sy_log_emit(s, env, c->lines[i].t, c->text.data + c->lines[i].off,
			    c->lines[i].len);
	json_head(s, a->end, "platform.runtimeDone");
	SY_ADDL(s, m, "\"requestId\":\"");
	gr_sy_add(s, m, id, 36);
	SY_ADDL(s, m, "\",\"status\":\"");
	gr_sy_adds(s, m, st[a->status]);
	SY_ADDL(s, m, "\"");
	if (a->status == SY_TIMEOUT)
		SY_ADDL(s, m, ",\"errorType\":\"Sandbox.Timedout\"");
	tracing_json(s, m, a);
	SY_ADDL(s, m, ",\"metrics\":{\"durationMs\":");
	gr_sy_add(s, m, num, gr_sy_fmt_ms2(dur, num));
	SY_ADDL(s, m, ",\"producedBytes\":");
	gr_sy_add(s, m, num, gr_sy_fmt_u64(a->status == SY_OK ? 40 + a->reqid[1] % 200 : 0, num));
	SY_ADDL(s, m, "}}}\n");
	emit_msg(s, env, a->end);
	json_head(s, a->end, "platform.report");
	SY_ADDL(s, m, "\"requestId\":\"");
	gr_sy_add(s, m, id, 36);
	SY_ADDL(s, m, "\",\"metrics\":{\"durationMs\":");
	gr_sy_add(s, m, num, gr_sy_fmt_ms2(dur, num));
	SY_ADDL(s, m, ",\"billedDurationMs\":");
	gr_sy_add(s, m, num, gr_sy_fmt_u64((uint64_t)(dur + 999) / 1000, num));
	SY_ADDL(s, m, ",\"memorySizeMB\":");
	gr_sy_add(s, m, num, gr_sy_fmt_u64(fn->def->mem_mb, num));
	SY_ADDL(s, m, ",\"maxMemoryUsedMB\":");
	gr_sy_add(s, m, num, gr_sy_fmt_u64((uint64_t)a->mem_used, num));
	if (a->init_start) {
		SY_ADDL(s, m, ",\"initDurationMs\":");
		gr_sy_add(s, m, num, gr_sy_fmt_ms2(a->init_us, num));
	}
	SY_ADDL(s, m, "}");
	tracing_json(s, m, a);
	SY_ADDL(s, m, ",\"status\":\"");
	gr_sy_adds(s, m, st[a->status]);
	SY_ADDL(s, m, "\"");
	if (a->status == SY_TIMEOUT)
		SY_ADDL(s, m, ",\"errorType\":\"Sandbox.Timedout\"");
	SY_ADDL(s, m, "}}\n");
	emit_msg(s, env, a->end);
}

static void attempt_text(struct gr_sy_sim *s, struct gr_sy_env *env, const struct gr_sy_fn *fn,
			 const struct gr_sy_ctx *c, const struct gr_sy_attempt *a)
{
	struct gr_buf *m = &s->msg;
	char id[36], num[40];
	int64_t dur = a->end - a->start;

	gr_sy_fmt_uuid(a->reqid, id);
	if (a->init_start) {
		SY_ADDL(s, m, "INIT_START Runtime Version: ");
		gr_sy_adds(s, m, runtime_version(fn));
		SY_ADDL(s, m, "\tRuntime Version ARN: arn:aws:lambda:");
		gr_sy_adds(s, m, gr_sy_region_name[fn->def->region]);
		SY_ADDL(s, m, "::runtime:");
		gr_sy_adds(s, m, runtime_hash(fn));
		SY_ADDL(s, m, "\n");
		emit_msg(s, env, a->init_start);
	}
	SY_ADDL(s, m, "START RequestId: ");
	gr_sy_add(s, m, id, 36);
	SY_ADDL(s, m, " Version: $LATEST\n");
	emit_msg(s, env, a->start);
	for (size_t i = 0; i < c->nlines; i++)
		gr_sy_log_emit(s, env, c->lines[i].t, c->text.data + c->lines[i].off,
			    c->lines[i].len);
	SY_ADDL(s, m, "END RequestId: ");
	gr_sy_add(s, m, id, 36);
	SY_ADDL(s, m, "\n");
	emit_msg(s, env, a->end);
	SY_ADDL(s, m, "REPORT RequestId: ");
	gr_sy_add(s, m, id, 36);
	SY_ADDL(s, m, "\tDuration: ");
	gr_sy_add(s, m, num, gr_sy_fmt_ms2(dur, num));
	SY_ADDL(s, m, " ms\tBilled Duration: ");
	gr_sy_add(s, m, num, gr_sy_fmt_u64((uint64_t)(dur + 999) / 1000, num));
	SY_ADDL(s, m, " ms\tMemory Size: ");
	gr_sy_add(s, m, num, gr_sy_fmt_u64(fn->def->mem_mb, num));
	SY_ADDL(s, m, " MB\tMax Memory Used: ");
	gr_sy_add(s, m, num, gr_sy_fmt_u64((uint64_t)a->mem_used, num));
	SY_ADDL(s, m, " MB\t");
	if (a->init_start) {
		SY_ADDL(s, m, "Init Duration: ");
		gr_sy_add(s, m, num, gr_sy_fmt_ms2(a->init_us, num));
		SY_ADDL(s, m, " ms\t");
	}
	if (a->status == SY_TIMEOUT)
		SY_ADDL(s, m, "Status: timeout\t");
	if (a->sampled) {
		SY_ADDL(s, m, "\nXRAY TraceId: ");
		gr_sy_add(s, m, num, gr_sy_fmt_trace(a->trace, num));
		SY_ADDL(s, m, "\tSegmentId: ");
		gr_sy_add(s, m, num, gr_sy_fmt_id64(a->svc_seg, num));
		SY_ADDL(s, m, "\tSampled: true\t");
	}
	SY_ADDL(s, m, "\n");
	emit_msg(s, env, a->end);
	if (a->status == SY_TIMEOUT) {
		/* the runtime's own line, after REPORT, with its own time stamp */
		gr_sy_add(s, m, num, gr_sy_fmt_iso_ms(a->end, num));
		SY_ADDL(s, m, " ");
		gr_sy_add(s, m, id, 36);
		SY_ADDL(s, m, " Task timed out after ");
		gr_sy_add(s, m, num, gr_sy_fmt_u64(fn->def->timeout_s, num));
		SY_ADDL(s, m, ".00 seconds\n");
		emit_msg(s, env, a->end);
	}
}

void gr_sy_log_attempt(struct gr_sy_sim *s, struct gr_sy_env *env, struct gr_sy_ctx *c,
		    const struct gr_sy_attempt *a)
{
	const struct gr_sy_fn *fn = &s->fns[env->fn];

	gr_buf_reset(&s->msg);
	if (fn->def->fmt == SY_JSON)
		attempt_json(s, env, fn, c, a);
	else
		attempt_text(s, env, fn, c, a);
}

/* ---------------------------------------------------------------------------
 * Export files: gzip, inline or on compression threads (the bytes are the same).
 */
int gr_sy_gzip(z_stream *z, bool *ready, int level, const char *data, size_t len,
		    struct gr_buf *out)
{
	int rc;

	if (!*ready) {
		memset(z, 0, sizeof(*z));
		if (deflateInit2(z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
			return GR_ERR_NOMEM;
		*ready = true;
	} else if (deflateReset(z) != Z_OK) {
		return GR_ERR_COMPRESS;
	}
	/* a fixed header (no time stamp, Unix) keeps the files byte-identical per seed */
	gz_header h;
	memset(&h, 0, sizeof(h));
	h.os = 3;
	deflateSetHeader(z, &h);
	uLong bound = deflateBound(z, (uLong)len) + 64;
	gr_buf_reset(out);
	if ((rc = gr_buf_grow(out, bound)))
		return rc;
	z->next_in = (Bytef *)(uintptr_t)data;
	z->avail_in = (uInt)len;
	z->next_out = (Bytef *)out->data;
	z->avail_out = (uInt)bound;
	if (deflate(z, Z_FINISH) != Z_STREAM_END)
		return GR_ERR_COMPRESS;
	out->len = bound - z->avail_out;
	return 0;
}

/* One file for a compression thread. */
struct gr_sy_job {
	struct gr_sy_job *next; /* queue */
	char *data;          /* uncompressed text (owned) */
	size_t len;
	char path[];         /* where the gzip file goes */
};

struct gr_sy_pool {
	pthread_mutex_t mu;        /* guards everything below */
	pthread_cond_t work;       /* a job was queued, or the end */
	pthread_cond_t space;      /* the queue has room */
	struct gr_sy_job *head, *tail;
	size_t queued;             /* bytes queued */
	size_t max_queued;         /* main thread waits above this */
	bool end;                  /* no more jobs */
	int rc;                    /* first error of a thread */
	struct gr_error err;       /* its details */
	uint64_t files, bytes;     /* written by the threads */
	int level;                 /* gzip level */
	int nthreads;
	pthread_t th[GR_MAX_JOBS];
};

static void *compressor(void *arg)
{
	struct gr_sy_pool *p = arg;
	z_stream z;
	bool ready = false;
	struct gr_buf out = GR_BUF_INIT;
	struct gr_error err;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (!p->head && !p->end)
			pthread_cond_wait(&p->work, &p->mu);
		struct gr_sy_job *j = p->head;
		if (!j)
			break;
		p->head = j->next;
		if (!p->head)
			p->tail = NULL;
		p->queued -= j->len;
		pthread_cond_signal(&p->space);
		pthread_mutex_unlock(&p->mu);

		memset(&err, 0, sizeof(err));
		int rc = p->rc ? 0 : gr_sy_gzip(&z, &ready, p->level, j->data, j->len, &out);
		if (rc)
			gr_error_set(&err, rc, "cannot compress an export file: %s", gr_strerror(rc));
		else if (!p->rc)
			rc = gr_sy_write_file(j->path, out.data, out.len, &err);

		pthread_mutex_lock(&p->mu);
		if (rc && !p->rc) {
			p->rc = rc;
			p->err = err;
		} else if (!rc) {
			p->files++;
			p->bytes += out.len;
		}
		free(j->data);
		free(j);
	}
	pthread_mutex_unlock(&p->mu);
	if (ready)
		deflateEnd(&z);
	gr_buf_release(&out);
	return NULL;
}

int gr_sy_log_start(struct gr_sy_sim *s)
{
	int jobs = s->o->jobs;

	if (jobs == 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		jobs = n < 1 ? 1 : n > 8 ? 8 : (int)n;
	}
	if (jobs < 2 || s->o->format != GR_SYNTH_EXPORT)
		return 0;
	struct gr_sy_pool *p = calloc(1, sizeof(*p));
	if (!p) {
		gr_sy_fail(s, GR_ERR_NOMEM);
		return s->rc;
	}
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->work, NULL);
	pthread_cond_init(&p->space, NULL);
	p->level = s->o->compress_level;
	p->max_queued = s->o->memory / 2;
	s->pool = p;
	for (int i = 0; i < jobs - 1; i++) {
		if (pthread_create(&p->th[i], NULL, compressor, p) != 0)
			break;
		p->nthreads++;
	}
	return 0;
}

/* Hand a file to the threads (they own data from here on). */
static void pool_push(struct gr_sy_sim *s, const char *path, char *data, size_t len)
{
	struct gr_sy_pool *p = s->pool;
	size_t pl = strlen(path) + 1;
	struct gr_sy_job *j = malloc(sizeof(*j) + pl);

	if (!j) {
		free(data);
		gr_sy_fail(s, GR_ERR_NOMEM);
		return;
	}
	j->next = NULL;
	j->data = data;
	j->len = len;
	memcpy(j->path, path, pl);
	pthread_mutex_lock(&p->mu);
	while (p->queued > p->max_queued && !p->rc)
		pthread_cond_wait(&p->space, &p->mu);
	if (p->tail)
		p->tail->next = j;
	else
		p->head = j;
	p->tail = j;
	p->queued += len;
	pthread_cond_signal(&p->work);
	int rc = p->rc;
	pthread_mutex_unlock(&p->mu);
	if (rc && !s->rc) {
		*s->err = p->err;
		gr_sy_fail(s, rc);
	}
}

static void pool_stop(struct gr_sy_sim *s)
{
	struct gr_sy_pool *p = s->pool;

	if (!p)
		return;
	pthread_mutex_lock(&p->mu);
	p->end = true;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->mu);
	for (int i = 0; i < p->nthreads; i++)
		pthread_join(p->th[i], NULL);
	/* threads that could not start leave jobs behind: compress them here */
	for (struct gr_sy_job *j = p->head, *n; j; j = n) {
		n = j->next;
		int rc = s->rc ? 0 : gr_sy_gzip(&s->z, &s->z_ready, p->level, j->data, j->len, &s->zout);
		if (!rc && !s->rc && !(rc = gr_sy_write_file(j->path, s->zout.data, s->zout.len, s->err))) {
			p->files++;
			p->bytes += s->zout.len;
		}
		if (rc)
			gr_sy_fail(s, rc);
		free(j->data);
		free(j);
	}
	s->st->files += p->files;
	s->st->bytes_written += p->bytes;
	if (p->rc && !s->rc) {
		*s->err = p->err;
		gr_sy_fail(s, p->rc);
	}
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->work);
	pthread_cond_destroy(&p->space);
	free(p);
	s->pool = NULL;
}

/* Real exports do not keep chunks of a file in time order: swap some neighbouring
 * blocks of events. */
static const char *shuffle(struct gr_sy_sim *s, struct gr_sy_env *e, size_t *len)
{
	size_t nev = e->nev, bs = (size_t)gr_sy_rng_range(&s->orng, 8, 64);

	*len = e->buf.len;
	if (s->o->ordered || nev < 2 * bs)
		return e->buf.data;
	gr_buf_reset(&s->shuf);
	if (gr_buf_grow(&s->shuf, e->buf.len)) {
		gr_sy_fail(s, GR_ERR_NOMEM);
		return NULL;
	}
	size_t nblocks = (nev + bs - 1) / bs;
#define BLK_OFF(i) ((i) * bs < nev ? e->ev[(i) * bs] : e->buf.len)
	for (size_t i = 0; i < nblocks;) {
		if (i + 1 < nblocks && gr_sy_rng_chance(&s->orng, 0.2)) {
			gr_buf_put(&s->shuf, e->buf.data + BLK_OFF(i + 1),
				   BLK_OFF(i + 2) - BLK_OFF(i + 1));
			gr_buf_put(&s->shuf, e->buf.data + BLK_OFF(i), BLK_OFF(i + 1) - BLK_OFF(i));
			i += 2;
		} else {
			gr_buf_put(&s->shuf, e->buf.data + BLK_OFF(i), BLK_OFF(i + 1) - BLK_OFF(i));
			i++;
		}
	}
#undef BLK_OFF
	return s->shuf.data;
}

void gr_sy_log_flush_env(struct gr_sy_sim *s, struct gr_sy_env *e)
{
	struct gr_sy_fn *fn = &s->fns[e->fn];
	char path[4096], task[36], stream[80];
	size_t len, n;
	int rc;

	if (s->rc || s->o->format != GR_SYNTH_EXPORT || e->nev == 0)
		return;
	gr_sy_fmt_uuid(fn->task, task);
	memcpy(stream, e->name, e->name_len);
	for (n = 0; n < e->name_len; n++)
		if (stream[n] == '/')
			stream[n] = '-';
	stream[n] = '\0';
	if (gr_sy_path(path, sizeof(path), s->err, "%s/export/%s/%.36s/%s", s->dir, fn->def->name,
		    task, stream)) {
		gr_sy_fail(s, s->err->code);
		return;
	}
	if (!e->dir_made) {
		if (gr_sy_mkdirs(path, s->err)) {
			gr_sy_fail(s, s->err->code);
			return;
		}
		e->dir_made = true;
		fn->dir_made = true;
	}
	const char *data = shuffle(s, e, &len);
	if (!data)
		return;
	n = strlen(path);
	if (gr_sy_path(path + n, sizeof(path) - n, s->err, "/%06u.gz", e->chunk++)) {
		gr_sy_fail(s, s->err->code);
		return;
	}
	size_t buffered = e->buf.len;
	if (s->pool) {
		/* the text goes to a thread as it is, no copy: the shuffled chunk or
		 * the stream's own buffer */
		size_t dl;
		char *owned = data == s->shuf.data ? gr_buf_detach(&s->shuf, &dl)
						   : gr_buf_detach(&e->buf, &dl);
		pool_push(s, path, owned, dl);
	} else if ((rc = gr_sy_gzip(&s->z, &s->z_ready, s->o->compress_level, data, len,
				  &s->zout))) {
		gr_error_set(s->err, rc, "cannot compress an export file: %s", gr_strerror(rc));
		gr_sy_fail(s, rc);
		return;
	} else if (gr_sy_write_file(path, s->zout.data, s->zout.len, s->err)) {
		gr_sy_fail(s, s->err->code);
		return;
	} else {
		s->st->files++;
		s->st->bytes_written += s->zout.len;
	}
	/* a stream may stay quiet for long: give its memory back */
	s->buffered -= buffered;
	gr_buf_release(&e->buf);
	e->nev = 0;
	live_remove(s, e);
}

static int bigger_first(const void *pa, const void *pb)
{
	const struct gr_sy_env *a = *(const struct gr_sy_env *const *)pa;
	const struct gr_sy_env *b = *(const struct gr_sy_env *const *)pb;

	if (a->buf.len != b->buf.len)
		return a->buf.len > b->buf.len ? -1 : 1;
	return strcmp(a->name, b->name);
}

void gr_sy_log_budget(struct gr_sy_sim *s)
{
	if (s->buffered <= s->o->memory || s->rc)
		return;
	qsort(s->live, s->nlive, sizeof(*s->live), bigger_first);
	for (size_t i = 0; i < s->nlive; i++)
		s->live[i]->live = (uint32_t)i;
	while (s->nlive && s->buffered > s->o->memory / 2 && !s->rc)
		gr_sy_log_flush_env(s, s->live[0]);
}

static void write_tasks(struct gr_sy_sim *s)
{
	struct gr_buf b = GR_BUF_INIT;
	char path[4096], num[32], id[36];
	int64_t from = INT64_MAX, to = 0;
	bool first = true;

	for (size_t i = 0; i < s->nfns; i++) {
		if (!s->fns[i].attempts)
			continue;
		if (s->fns[i].first_ms < from)
			from = s->fns[i].first_ms;
		if (s->fns[i].last_ms > to)
			to = s->fns[i].last_ms;
	}
	if (from == INT64_MAX)
		from = to = s->o->start_us / 1000;
	from = from / 60000 * 60000;
	to = (to / 60000 + 1) * 60000;
	SY_ADDL(s, &b, "{\"exportTasks\":[");
	for (size_t i = 0; i < s->nfns && !s->rc; i++) {
		struct gr_sy_fn *fn = &s->fns[i];
		if (!fn->attempts)
			continue;
		if (!first)
			SY_ADDL(s, &b, ",");
		first = false;
		SY_ADDL(s, &b, "{\"taskId\":\"");
		gr_sy_add(s, &b, id, gr_sy_fmt_uuid(fn->task, id));
		SY_ADDL(s, &b, "\",\"taskName\":\"gammaray-synth-");
		gr_sy_adds(s, &b, fn->def->name);
		SY_ADDL(s, &b, "\",\"logGroupName\":\"/aws/lambda/");
		gr_sy_adds(s, &b, fn->def->name);
		SY_ADDL(s, &b, "\",\"from\":");
		gr_sy_add(s, &b, num, gr_sy_fmt_i64(from, num));
		SY_ADDL(s, &b, ",\"to\":");
		gr_sy_add(s, &b, num, gr_sy_fmt_i64(to, num));
		SY_ADDL(s, &b, ",\"destination\":\"gammaray-synth-exports\",\"destinationPrefix\":"
			       "\"export/");
		gr_sy_adds(s, &b, fn->def->name);
		SY_ADDL(s, &b, "\",\"status\":{\"code\":\"COMPLETED\",\"message\":\"Completed "
			       "successfully\"},\"executionInfo\":{\"creationTime\":");
		gr_sy_add(s, &b, num, gr_sy_fmt_i64(to + 60000 + (int64_t)i * 1000, num));
		SY_ADDL(s, &b, ",\"completionTime\":");
		gr_sy_add(s, &b, num, gr_sy_fmt_i64(to + 120000 + (int64_t)i * 1000, num));
		SY_ADDL(s, &b, "}}");
		/* CreateExportTask's permission probe, next to the task directory */
		if (gr_sy_path(path, sizeof(path), s->err, "%s/export/%s", s->dir, fn->def->name) ||
		    gr_sy_mkdirs(path, s->err) ||
		    gr_sy_path(path, sizeof(path), s->err, "%s/export/%s/aws-logs-write-test", s->dir,
			    fn->def->name) ||
		    gr_sy_write_file(path, "Permission Check Successful", 27, s->err)) {
			gr_sy_fail(s, s->err->code);
			break;
		}
		s->st->files++;
		s->st->bytes_written += 27;
	}
	SY_ADDL(s, &b, "]}\n");
	if (!s->rc && (gr_sy_path(path, sizeof(path), s->err, "%s/export-tasks.json", s->dir) ||
		       gr_sy_write_file(path, b.data, b.len, s->err)))
		gr_sy_fail(s, s->err->code);
	else if (!s->rc) {
		s->st->files++;
		s->st->bytes_written += b.len;
	}
	gr_buf_release(&b);
}

void gr_sy_log_finish(struct gr_sy_sim *s)
{
	for (size_t i = 0; i < s->nfns && !s->rc; i++) {
		struct gr_sy_fn *fn = &s->fns[i];
		while (fn->nfree && !s->rc)
			gr_sy_env_retire(s, fn->free[--fn->nfree]);
		for (size_t k = 0; k < fn->nbusy && !s->rc; k++)
			gr_sy_env_retire(s, fn->busy[k]);
		fn->nbusy = 0;
		if (s->o->format == GR_SYNTH_FILTER && (fn->pageno || fn->page_events))
			write_page(s, fn, true);
	}
	pool_stop(s);
	if (!s->rc && s->o->format == GR_SYNTH_EXPORT)
		write_tasks(s);
}

void gr_sy_log_release(struct gr_sy_sim *s)
{
	for (size_t i = 0; i < s->nfns; i++) {
		struct gr_sy_fn *fn = &s->fns[i];
		for (size_t k = 0; k < fn->nfree; k++) {
			gr_buf_release(&fn->free[k]->buf);
			free(fn->free[k]->ev);
			free(fn->free[k]);
		}
		for (size_t k = 0; k < fn->nbusy; k++) {
			gr_buf_release(&fn->busy[k]->buf);
			free(fn->busy[k]->ev);
			free(fn->busy[k]);
		}
		free(fn->free);
		free(fn->busy);
		gr_buf_release(&fn->page);
	}
	free(s->live);
	if (s->z_ready)
		deflateEnd(&s->z);
	gr_buf_release(&s->zout);
	gr_buf_release(&s->shuf);
	gr_buf_release(&s->msg);
}

void gr_sy_env_retire(struct gr_sy_sim *s, struct gr_sy_env *e)
{
	gr_sy_log_flush_env(s, e);
	gr_buf_release(&e->buf);
	free(e->ev);
	free(e);
}
