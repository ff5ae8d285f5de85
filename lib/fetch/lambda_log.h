/* lambda_log.h: Lambda log lines, text and JSON format, classified and parsed (lib-internal). */
#ifndef GR_LAMBDA_LOG_H
#define GR_LAMBDA_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/jsonw.h"
#include "stream/events.h"


enum gr_line_kind {
	GR_LINE_APP,          /* application output (runtime prefix parsed if any) */
	GR_LINE_START,        /* START RequestId: ... / platform.start */
	GR_LINE_END,          /* END RequestId: ... / platform.runtimeDone */
	GR_LINE_REPORT,       /* REPORT RequestId: ... / platform.report */
	GR_LINE_INIT_START,   /* INIT_START ... / platform.initStart */
	GR_LINE_INIT_REPORT,  /* INIT_REPORT ... / platform.initReport */
	GR_LINE_RESTORE_START,  /* RESTORE_START ... / platform.restoreStart (SnapStart) */
	GR_LINE_RESTORE_REPORT, /* RESTORE_REPORT ... / platform.restoreReport */
	GR_LINE_RESTORE_DONE,   /* platform.restoreRuntimeDone: the runtime's restore hooks ran */
	GR_LINE_XRAY,         /* an XRAY TraceId tail on a line of its own */
	GR_LINE_FAULT,        /* timeout, crash, or unhandled error of an invocation */
	GR_LINE_PLATFORM,     /* other platform lines (EXTENSION, TELEMETRY...) */
	GR_LINE_BAD,          /* looked like a platform line but did not parse */
};

/*
 * What one log message says. Slices point into the input (or into the jansson
 * value given to gr_lambda_parse_json, which must outlive them). Times and
 * durations are microseconds; -1 means absent.
 */
struct gr_lambda_line {
	enum gr_line_kind kind;
	struct gr_str req;        /* request id, when the line names one */
	int64_t ts;               /* time the line itself carries, or GR_TIME_UNKNOWN */
	struct gr_str level;      /* INFO, ERROR... (application lines) */
	struct gr_str msg;        /* message after the runtime prefix (application lines) */
	struct gr_str version;    /* START: function version */
	struct gr_str runtime;    /* INIT_START: runtime version */
	struct gr_str fn;         /* function name when the record names it (JSON initStart) */
	struct gr_str phase;      /* INIT_REPORT: init or invoke */
	int64_t dur_us;           /* REPORT/END duration */
	int64_t billed_us;        /* REPORT billed duration */
	int64_t init_us;          /* REPORT/INIT_REPORT init duration */
	int64_t restore_us;       /* REPORT/RESTORE_REPORT restore duration (SnapStart) */
	int64_t billed_restore_us;/* REPORT billed restore duration (SnapStart) */
	int64_t mem_mb, maxmem_mb;/* REPORT memory size and max used */
	enum gr_status status;    /* REPORT/END/INIT_REPORT/FAULT */
	struct gr_str error_type; /* "Runtime.ExitError", "Sandbox.Timedout"... */
	struct gr_str detail;     /* FAULT: what the line says ("Task timed out after 3.00 seconds") */
	int64_t timeout_us;       /* FAULT timeout: the configured timeout */
	struct gr_str trace;      /* X-Ray trace id (REPORT XRAY tail or JSON tracing) */
	struct gr_str segment;    /* X-Ray segment id (REPORT tail) or span id (JSON tracing) */
	int sampled;              /* -1 unknown, 0, 1 */
	bool marker;              /* application line holding "GAMMARAY {" */
	struct gr_str bad;        /* GR_LINE_BAD: what could not be parsed */
};

/* Reset to an application line with every field absent. */
void gr_lambda_line_init(struct gr_lambda_line *o);

/* Parse one text log message (possibly several lines, e.g. REPORT + XRAY tail). */
void gr_lambda_parse_text(const char *s, size_t n, struct gr_lambda_line *out);

/*
 * Parse one JSON-format record s[0..n): a Telemetry-style platform record
 * ({"time","type":"platform.*","record"}) or a JSON application record
 * ({"timestamp","level","requestId","message"...}). Escaped strings are decoded
 * into dec (reset first; slices into it stay valid until its next use). Returns
 * false when s is not one JSON object of either kind (the caller treats it as an
 * ordinary application line).
 */
bool gr_lambda_parse_json(const char *s, size_t n, struct gr_buf *dec, struct gr_lambda_line *out);


/* Find "GAMMARAY " followed by '{' in s; returns the '{' or NULL. */
const char *gr_marker_find(const char *s, size_t n);

/* --- lambda_event.c: parsed lines as records of the event stream ------------ */

/*
 * A platform record (start, end, report, init_start, init_report, restore_start,
 * restore_report, restore_done, fault) from a
 * parsed log line. ts is the record's time (GR_TIME_UNKNOWN: omitted); req
 * overrides l->req when non-empty (attribution). Returns false for kinds that
 * are not platform records.
 */
bool gr_ev_platform(struct gr_jw *w, const struct gr_lambda_line *l, int64_t ts,
		    struct gr_str req, const struct gr_logsrc *src);

/*
 * The head of a fault record without its request id, and the tail: written as
 * head + ,"req":"..." + tail once the invocation is known (deferred attribution).
 * gr_ev_platform writes the same bytes in one go.
 */
void gr_ev_fault_parts(struct gr_jw *w, const struct gr_lambda_line *l, int64_t ts,
		       bool tail);

#endif
