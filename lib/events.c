/* events.c: the event stream (gammaray-events(5)): one writer per record type. */
#include "events.h"

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

static void opt_str(struct gr_jw *w, const char *key, struct gr_str s)
{
	if (s.n)
		gr_jw_str(w, key, s.p, s.n);
}

static void opt_cstr(struct gr_jw *w, const char *key, const char *s)
{
	if (s && *s)
		gr_jw_cstr(w, key, s);
}

static void opt_int(struct gr_jw *w, const char *key, int64_t v)
{
	if (v >= 0)
		gr_jw_int(w, key, v);
}

static void opt_ts(struct gr_jw *w, int64_t ts)
{
	if (ts != GR_TIME_UNKNOWN)
		gr_jw_int(w, "ts", ts);
}

static void opt_status(struct gr_jw *w, enum gr_status st)
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

void gr_ev_fault_parts(struct gr_jw *w, const struct gr_lambda_line *l, int64_t ts, bool tail)
{
	if (!tail) {
		gr_jw_begin(w);
		gr_jw_cstr(w, "type", "fault");
		opt_ts(w, ts);
		return;
	}
	w->comma = true;
	w->depth = 1;
	opt_status(w, l->status);
	opt_str(w, "error", l->error_type);
	opt_int(w, "timeout_us", l->timeout_us);
	opt_str(w, "detail", l->detail);
	gr_jw_end(w);
}

bool gr_ev_platform(struct gr_jw *w, const struct gr_lambda_line *l, int64_t ts,
		    struct gr_str req, const struct gr_logsrc *src)
{
	if (!req.n)
		req = l->req;
	switch (l->kind) {
	case GR_LINE_START:
		gr_jw_begin(w);
		gr_jw_cstr(w, "type", "start");
		opt_ts(w, ts);
		opt_str(w, "req", req);
		opt_cstr(w, "fn", src->fn);
		opt_cstr(w, "stream", src->stream);
		opt_str(w, "version", l->version);
		opt_str(w, "trace", l->trace);
		if (l->sampled >= 0)
			gr_jw_bool(w, "sampled", l->sampled);
		break;
	case GR_LINE_END:
		gr_jw_begin(w);
		gr_jw_cstr(w, "type", "end");
		opt_ts(w, ts);
		opt_str(w, "req", req);
		opt_status(w, l->status);
		opt_str(w, "error", l->error_type);
		opt_int(w, "dur_us", l->dur_us);
		break;
	case GR_LINE_REPORT:
		gr_jw_begin(w);
		gr_jw_cstr(w, "type", "report");
		opt_ts(w, ts);
		opt_str(w, "req", req);
		opt_int(w, "dur_us", l->dur_us);
		opt_int(w, "billed_us", l->billed_us);
		opt_int(w, "mem_mb", l->mem_mb);
		opt_int(w, "maxmem_mb", l->maxmem_mb);
		opt_int(w, "init_us", l->init_us);
		opt_int(w, "restore_us", l->restore_us);
		opt_status(w, l->status);
		opt_str(w, "error", l->error_type);
		opt_str(w, "trace", l->trace);
		opt_str(w, "segment", l->segment);
		if (l->sampled >= 0)
			gr_jw_bool(w, "sampled", l->sampled);
		break;
	case GR_LINE_INIT_START:
		gr_jw_begin(w);
		gr_jw_cstr(w, "type", "init_start");
		opt_ts(w, ts);
		if (l->fn.n)
			opt_str(w, "fn", l->fn);
		else
			opt_cstr(w, "fn", src->fn);
		opt_cstr(w, "stream", src->stream);
		opt_str(w, "runtime", l->runtime);
		opt_str(w, "version", l->version);
		break;
	case GR_LINE_INIT_REPORT:
		gr_jw_begin(w);
		gr_jw_cstr(w, "type", "init_report");
		opt_ts(w, ts);
		opt_cstr(w, "stream", src->stream);
		opt_int(w, "init_us", l->init_us);
		opt_str(w, "phase", l->phase);
		opt_status(w, l->status);
		opt_str(w, "error", l->error_type);
		break;
	case GR_LINE_FAULT:
		gr_ev_fault_parts(w, l, ts, false);
		opt_str(w, "req", req);
		gr_ev_fault_parts(w, l, ts, true);
		return true;
	default:
		return false;
	}
	gr_jw_end(w);
	return true;
}

void gr_ev_marker_parts(struct gr_jw *w, int64_t ts, const char *m_json, size_t m_len,
			bool tail)
{
	if (!tail) {
		gr_jw_begin(w);
		gr_jw_cstr(w, "type", "marker");
		opt_ts(w, ts);
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
	opt_str(w, "req", req);
	gr_ev_marker_parts(w, ts, m_json, m_len, true);
}

void gr_ev_log(struct gr_jw *w, int64_t ts, struct gr_str req, struct gr_str level,
	       struct gr_str msg)
{
	gr_jw_begin(w);
	gr_jw_cstr(w, "type", "log");
	opt_ts(w, ts);
	opt_str(w, "req", req);
	opt_str(w, "level", level);
	gr_jw_str(w, "msg", msg.p, msg.n);
	gr_jw_end(w);
}

void gr_ev_stream(struct gr_jw *w, const struct gr_logsrc *src, const char *fn_from)
{
	gr_jw_begin(w);
	gr_jw_cstr(w, "type", "stream");
	opt_cstr(w, "group", src->group);
	opt_cstr(w, "stream", src->stream);
	opt_cstr(w, "fn", src->fn);
	opt_cstr(w, "fn_from", fn_from);
	gr_jw_end(w);
}

static void id_array(struct gr_jw *w, const char *key, json_t *arr)
{
	size_t i;
	json_t *v;

	if (!json_is_array(arr) || !json_array_size(arr))
		return;
	gr_jw_arr(w, key);
	json_array_foreach(arr, i, v)
		if (json_is_string(v))
			gr_jw_str(w, NULL, json_string_value(v), json_string_length(v));
	gr_jw_arr_end(w);
}

static void links(struct gr_jw *w, json_t *arr)
{
	size_t i;
	json_t *l;

	if (!json_is_array(arr) || !json_array_size(arr))
		return;
	gr_jw_arr(w, "links");
	json_array_foreach(arr, i, l) {
		json_t *t = json_object_get(l, "trace_id"), *id = json_object_get(l, "id");
		json_t *ref = json_object_get(json_object_get(l, "attributes"),
					      "aws.xray.reserved.reference_type");
		if (!json_is_string(id))
			continue;
		gr_jw_obj(w, NULL);
		if (json_is_string(t))
			gr_jw_str(w, "trace", json_string_value(t), json_string_length(t));
		gr_jw_str(w, "id", json_string_value(id), json_string_length(id));
		if (json_is_string(ref))
			gr_jw_str(w, "ref", json_string_value(ref), json_string_length(ref));
		gr_jw_obj_end(w);
	}
	gr_jw_arr_end(w);
}

void gr_ev_segment(struct gr_jw *w, const struct gr_xseg *s)
{
	gr_jw_begin(w);
	gr_jw_cstr(w, "type", "segment");
	opt_str(w, "trace", s->trace);
	opt_str(w, "id", s->id);
	opt_str(w, "parent", s->parent);
	if (s->sub)
		gr_jw_bool(w, "sub", true);
	opt_str(w, "name", s->name);
	opt_str(w, "origin", s->origin);
	opt_str(w, "ns", s->ns);
	gr_jw_int(w, "start_us", s->start_us);
	if (s->end_us >= 0)
		gr_jw_int(w, "end_us", s->end_us);
	if (s->in_progress)
		gr_jw_bool(w, "in_progress", true);
	if (s->inferred)
		gr_jw_bool(w, "inferred", true);
	opt_str(w, "req", s->req);
	opt_str(w, "op", s->op);
	opt_str(w, "fn", s->fn);
	opt_str(w, "inv", s->inv);
	opt_str(w, "table", s->table);
	opt_str(w, "queue", s->queue);
	opt_str(w, "topic", s->topic);
	opt_str(w, "arn", s->arn);
	opt_str(w, "log_group", s->log_group);
	if (s->http)
		gr_jw_int(w, "http", s->http);
	if (s->error)
		gr_jw_bool(w, "error", true);
	if (s->fault)
		gr_jw_bool(w, "fault", true);
	if (s->throttle)
		gr_jw_bool(w, "throttle", true);
	links(w, s->links);
	id_array(w, "precursors", s->precursors);
	gr_jw_end(w);
}
