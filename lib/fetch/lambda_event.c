/* lambda_event.c: parsed Lambda log lines as platform records of the event stream. */
#include "fetch/lambda_log.h"

#include "gammaray.h"

void gr_ev_fault_parts(struct gr_jw *w, const struct gr_lambda_line *l, int64_t ts, bool tail)
{
	if (!tail) {
		gr_jw_begin(w);
		gr_jw_cstr(w, "type", "fault");
		gr_ev_opt_ts(w, ts);
		return;
	}
	w->comma = true;
	w->depth = 1;
	gr_ev_opt_status(w, l->status);
	gr_ev_opt_str(w, "error", l->error_type);
	gr_ev_opt_int(w, "timeout_us", l->timeout_us);
	gr_ev_opt_str(w, "detail", l->detail);
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
		gr_ev_opt_ts(w, ts);
		gr_ev_opt_str(w, "req", req);
		gr_ev_opt_cstr(w, "fn", src->fn);
		gr_ev_opt_cstr(w, "stream", src->stream);
		gr_ev_opt_str(w, "version", l->version);
		gr_ev_opt_str(w, "trace", l->trace);
		if (l->sampled >= 0)
			gr_jw_bool(w, "sampled", l->sampled);
		break;
	case GR_LINE_END:
		gr_jw_begin(w);
		gr_jw_cstr(w, "type", "end");
		gr_ev_opt_ts(w, ts);
		gr_ev_opt_str(w, "req", req);
		gr_ev_opt_status(w, l->status);
		gr_ev_opt_str(w, "error", l->error_type);
		gr_ev_opt_int(w, "dur_us", l->dur_us);
		break;
	case GR_LINE_REPORT:
		gr_jw_begin(w);
		gr_jw_cstr(w, "type", "report");
		gr_ev_opt_ts(w, ts);
		gr_ev_opt_str(w, "req", req);
		gr_ev_opt_int(w, "dur_us", l->dur_us);
		gr_ev_opt_int(w, "billed_us", l->billed_us);
		gr_ev_opt_int(w, "mem_mb", l->mem_mb);
		gr_ev_opt_int(w, "maxmem_mb", l->maxmem_mb);
		gr_ev_opt_int(w, "init_us", l->init_us);
		gr_ev_opt_int(w, "restore_us", l->restore_us);
		gr_ev_opt_int(w, "billed_restore_us", l->billed_restore_us);
		gr_ev_opt_status(w, l->status);
		gr_ev_opt_str(w, "error", l->error_type);
		gr_ev_opt_str(w, "trace", l->trace);
		gr_ev_opt_str(w, "segment", l->segment);
		if (l->sampled >= 0)
			gr_jw_bool(w, "sampled", l->sampled);
		break;
	case GR_LINE_INIT_START:
	case GR_LINE_RESTORE_START:
		gr_jw_begin(w);
		gr_jw_cstr(w, "type", l->kind == GR_LINE_RESTORE_START ? "restore_start" : "init_start");
		gr_ev_opt_ts(w, ts);
		if (l->fn.n)
			gr_ev_opt_str(w, "fn", l->fn);
		else
			gr_ev_opt_cstr(w, "fn", src->fn);
		gr_ev_opt_cstr(w, "stream", src->stream);
		gr_ev_opt_str(w, "runtime", l->runtime);
		gr_ev_opt_str(w, "version", l->version);
		break;
	case GR_LINE_INIT_REPORT:
		gr_jw_begin(w);
		gr_jw_cstr(w, "type", "init_report");
		gr_ev_opt_ts(w, ts);
		gr_ev_opt_cstr(w, "stream", src->stream);
		gr_ev_opt_int(w, "init_us", l->init_us);
		gr_ev_opt_str(w, "phase", l->phase);
		gr_ev_opt_status(w, l->status);
		gr_ev_opt_str(w, "error", l->error_type);
		break;
	case GR_LINE_RESTORE_REPORT:
	case GR_LINE_RESTORE_DONE:
		gr_jw_begin(w);
		gr_jw_cstr(w, "type", l->kind == GR_LINE_RESTORE_DONE ? "restore_done" : "restore_report");
		gr_ev_opt_ts(w, ts);
		gr_ev_opt_cstr(w, "stream", src->stream);
		gr_ev_opt_int(w, "restore_us", l->restore_us);
		gr_ev_opt_status(w, l->status);
		gr_ev_opt_str(w, "error", l->error_type);
		break;
	case GR_LINE_FAULT:
		gr_ev_fault_parts(w, l, ts, false);
		gr_ev_opt_str(w, "req", req);
		gr_ev_fault_parts(w, l, ts, true);
		return true;
	default:
		return false;
	}
	gr_jw_end(w);
	return true;
}
