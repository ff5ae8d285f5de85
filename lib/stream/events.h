/* events.h: the event stream (gammaray-events(5)): one writer per record type (lib-internal). */
#ifndef GR_EVENTS_H
#define GR_EVENTS_H

#include <jansson.h>

#include "common/json_scan.h"
#include "common/jsonw.h"
#include "gammaray.h"

/* Invocation outcome as Lambda states it. */
enum gr_status { GR_STATUS_NONE, GR_STATUS_OK, GR_STATUS_ERROR, GR_STATUS_TIMEOUT };

/* Does s look like a Lambda request id (1..64 of [0-9A-Za-z-])? */
bool gr_is_request_id(const char *s, size_t n);

/* Where a log record came from: its log group, stream and function, if known. */
struct gr_logsrc {
	const char *group;  /* "/aws/lambda/fn", or NULL */
	const char *stream; /* "2024/05/01/[$LATEST]abc...", or NULL */
	const char *fn;     /* function name, or NULL */
};

/* {"type":"gammaray-events","v":1} */
void gr_ev_header(struct gr_jw *w);

/* Optional members: nothing is written for an empty string, a negative number,
 * GR_TIME_UNKNOWN or GR_STATUS_NONE (the stream's "absent"). */
void gr_ev_opt_str(struct gr_jw *w, const char *key, struct gr_str s);
void gr_ev_opt_cstr(struct gr_jw *w, const char *key, const char *s);
void gr_ev_opt_int(struct gr_jw *w, const char *key, int64_t v);
void gr_ev_opt_ts(struct gr_jw *w, int64_t ts);
void gr_ev_opt_status(struct gr_jw *w, enum gr_status st);

/* {"type":"marker","ts":T,"req":R,"m":{...}}; m_json is compact single-line JSON. */
void gr_ev_marker(struct gr_jw *w, int64_t ts, struct gr_str req, const char *m_json,
		  size_t m_len);
/* The same split around the request id, as gr_ev_fault_parts. */
void gr_ev_marker_parts(struct gr_jw *w, int64_t ts, const char *m_json, size_t m_len,
			bool tail);

/* {"type":"log","ts":T,"req":R,"level":L,"msg":M} (with --keep-logs). */
void gr_ev_log(struct gr_jw *w, int64_t ts, struct gr_str req, struct gr_str level,
	       struct gr_str msg);

/* {"type":"stream","group":G,"stream":S,"fn":F,"fn_from":HOW} */
void gr_ev_stream(struct gr_jw *w, const struct gr_logsrc *src, const char *fn_from);

/* One X-Ray span link: {"trace_id","id","attributes":{"...reference_type"}}. */
struct gr_xlink {
	struct gr_str trace; /* linked trace id */
	struct gr_str id;    /* linked (sub)segment id */
	struct gr_str ref;   /* aws.xray.reserved.reference_type: "parent", "child" */
	struct gr_str msg;   /* OpenTelemetry: the link's messaging.message.id */
};

/* One X-Ray segment or subsegment, flattened. Slices point into the input. */
struct gr_xseg {
	struct gr_str trace, id, parent;  /* trace id, own id, parent (sub)segment id */
	struct gr_str name, origin, ns;   /* name, origin (segments), namespace (subsegments) */
	struct gr_str req, op;            /* aws.request_id, aws.operation */
	struct gr_str fn, inv;            /* aws.function_name, aws.invocation_type */
	struct gr_str table, queue, topic;/* aws.table_name, aws.queue_url, aws.topic_arn */
	struct gr_str arn;                /* resource_arn or aws.function_arn */
	struct gr_str log_group;          /* aws.cloudwatch_logs[0].log_group */
	struct gr_str svc;                /* Jaeger/OTLP: service name */
	struct gr_str kind;               /* Jaeger/OTLP: span kind, "server", "client"... */
	struct gr_str ref;                /* Jaeger: "follows_from" when the parent is
					   * referenced so (absent: child of) */
	struct gr_str rpc;                /* OpenTelemetry: rpc.service ("Lambda", "SQS") */
	struct gr_str invoked;            /* OpenTelemetry: faas.invoked_name (the callee) */
	struct gr_str msg_id, msys;       /* messaging.message.id, messaging.system */
	struct gr_str bucket, s3key;      /* aws.s3.bucket, aws.s3.key */
	bool cold;                        /* OpenTelemetry: faas.coldstart */
	int64_t start_us, end_us;         /* end_us -1 when in progress */
	int http;                         /* http.response.status, 0 if absent */
	bool sub;                         /* a subsegment (embedded or independent) */
	bool in_progress, inferred;       /* flags as X-Ray states them */
	bool error, fault, throttle;
	const struct gr_xlink *links;     /* links[] */
	size_t nlinks;
	const struct gr_str *precursors;  /* precursor_ids[] */
	size_t nprecursors;
};

void gr_ev_segment(struct gr_jw *w, const struct gr_xseg *s);

/*
 * {"type":"stats","stage":S,"files":...,"skipped":{...},"lost":{...}}: what one stage
 * of the pipeline read, wrote, skipped and lost (gammaray-events(5), gammaray-graph(5)),
 * so that later stages can say what was lost upstream. The members are those of
 * gammaray-stats(5); reasons with no count are left out.
 */
void gr_ev_stats(struct gr_jw *w, const char *stage, const struct gr_stats *st);
/*
 * Read a stats record back: stage (at most stage_size - 1 bytes, NUL-terminated) and
 * the counts added to *st (reason names this version does not know are counted in
 * *unknown). 0, or GR_ERR_JSON / GR_ERR_FORMAT when the line is not one.
 */
int gr_ev_stats_parse(const char *line, size_t n, char *stage, size_t stage_size,
		      struct gr_stats *st, uint64_t *unknown);

/* "ok", "error", "timeout" or NULL. */
const char *gr_status_name(enum gr_status s);

/* ---------------------------------------------------------------------------
 * Reading the event stream (gammaray-infer): one line into one typed record.
 */

/* Record types of the event stream. */
enum gr_ev_type {
	GR_EV_OTHER,       /* a type this reader does not know (type_name says which) */
	GR_EV_HEADER,      /* {"type":"gammaray-events","v":N} */
	GR_EV_START,
	GR_EV_END,
	GR_EV_REPORT,
	GR_EV_INIT_START,
	GR_EV_INIT_REPORT,
	GR_EV_RESTORE_START, /* SnapStart: RESTORE_START, platform.restoreStart */
	GR_EV_RESTORE_REPORT,/* RESTORE_REPORT, platform.restoreReport */
	GR_EV_RESTORE_DONE,  /* platform.restoreRuntimeDone */
	GR_EV_FAULT,
	GR_EV_MARKER,
	GR_EV_LOG,
	GR_EV_STREAM,
	GR_EV_SEGMENT,
	GR_EV_STATS,       /* {"type":"stats","stage":...}: what a stage read and lost */
};

/*
 * One record of the event stream, as read. Slices point into the line or into the
 * scratch buffer given to gr_ev_parse (escaped strings are decoded there) and stay
 * valid until the next call. Absent strings have n == 0; absent numbers are -1
 * (times: GR_TIME_UNKNOWN); absent flags are false.
 */
struct gr_event {
	enum gr_ev_type type;       /* what the record is */
	struct gr_str type_name;    /* its "type" as written */
	int64_t v;                  /* header: stream version */
	int64_t ts;                 /* when it happened */
	struct gr_str req;          /* Lambda request id (segments: aws.request_id) */
	struct gr_str fn;           /* function name (segments: aws.function_name) */
	struct gr_str stream;       /* log stream */
	struct gr_str group;        /* stream record: log group */
	struct gr_str fn_from;      /* stream record: how fn is known */
	struct gr_str version;      /* start, init_start, restore_start: function version */
	struct gr_str runtime;      /* init_start, restore_start: runtime version */
	struct gr_str trace;        /* X-Ray trace id */
	struct gr_str segment;      /* report: the XRAY tail's segment id */
	struct gr_str phase;        /* init_report: init or invoke */
	struct gr_str error;        /* error type (end, report, fault, init_report) */
	struct gr_str detail;       /* fault: what the line said */
	struct gr_str level, msg;   /* log records */
	int64_t dur_us, billed_us;  /* end/report durations */
	int64_t mem_mb, maxmem_mb;  /* report memory */
	int64_t init_us;            /* report, init_report: init duration */
	int64_t restore_us;         /* report, restore_report: SnapStart restore */
	int64_t billed_restore_us;  /* report: billed restore duration */
	int64_t timeout_us;         /* fault: configured timeout */
	enum gr_status status;      /* ok, error, timeout, or NONE */
	int sampled;                /* -1 unknown, 0, 1 */
	struct gr_str m;            /* marker: the marker object, raw JSON */
	/* segment records */
	struct gr_str id, parent;   /* (sub)segment id and its parent's */
	struct gr_str name, origin, ns, op, inv;
	struct gr_str table, queue, topic, arn, log_group;
	int64_t start_us, end_us;   /* end_us -1 while in progress */
	int64_t http;               /* response status, -1 absent */
	bool sub, in_progress, inferred;
	bool seg_error, fault, throttle;
	struct gr_str svc, kind;    /* Jaeger/OTLP: service name, span kind */
	struct gr_str ref;          /* Jaeger: "follows_from" (absent: child of) */
	struct gr_str links;        /* raw JSON array [{"trace","id","ref","msg_id"}], or empty */
	struct gr_str rpc, invoked; /* OpenTelemetry: rpc.service, faas.invoked_name */
	struct gr_str msg_id, msys; /* messaging.message.id, messaging.system */
	struct gr_str bucket, s3key;/* aws.s3.bucket, aws.s3.key */
	bool cold;                  /* faas.coldstart */
	struct gr_str precursors;   /* raw JSON array of ids, or empty */
};

struct gr_error;

/*
 * Parse one line of the event stream. scratch holds decoded strings (it is reset
 * and grown to the line's size first, so slices into it stay put). Returns 0,
 * GR_ERR_JSON (not well-formed JSON, or not an object), GR_ERR_FORMAT (no "type",
 * or a known field of the wrong JSON type), or GR_ERR_NOMEM; err->msg says what.
 * Unknown fields are ignored; unknown types come back as GR_EV_OTHER.
 */
int gr_ev_parse(const char *line, size_t n, struct gr_event *ev, struct gr_buf *scratch,
		int max_depth, struct gr_error *err);

/* One element of a segment's links array. */
struct gr_ev_link {
	struct gr_str trace;  /* linked trace id (may be empty: same trace) */
	struct gr_str id;     /* linked (sub)segment id */
	struct gr_str ref;    /* "parent", "child", or empty */
	struct gr_str msg;    /* OpenTelemetry: messaging.message.id, or empty */
};

/*
 * Iterate ev->links (already validated by gr_ev_parse): begin, then next until it
 * returns false. Slices point into the links text; elements that are not objects
 * with a plain string "id" are skipped (X-Ray ids are hex, never escaped).
 */
void gr_ev_links_begin(struct gr_js *it, const struct gr_str *links);
bool gr_ev_link_next(struct gr_js *it, struct gr_ev_link *out);

#endif
