/* events.h: the event stream (gammaray-events(5)): one writer per record type (lib-internal). */
#ifndef GR_EVENTS_H
#define GR_EVENTS_H

#include <jansson.h>

#include "jsonw.h"
#include "lambda_log.h"

/* Where a log record came from: its log group, stream and function, if known. */
struct gr_logsrc {
	const char *group;  /* "/aws/lambda/fn", or NULL */
	const char *stream; /* "2024/05/01/[$LATEST]abc...", or NULL */
	const char *fn;     /* function name, or NULL */
};

/* {"type":"gammaray-events","v":1} */
void gr_ev_header(struct gr_jw *w);

/*
 * A platform record (start, end, report, init_start, init_report, fault) from a
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

/* One X-Ray segment or subsegment, flattened. Slices point into jansson values. */
struct gr_xseg {
	struct gr_str trace, id, parent;  /* trace id, own id, parent (sub)segment id */
	struct gr_str name, origin, ns;   /* name, origin (segments), namespace (subsegments) */
	struct gr_str req, op;            /* aws.request_id, aws.operation */
	struct gr_str fn, inv;            /* aws.function_name, aws.invocation_type */
	struct gr_str table, queue, topic;/* aws.table_name, aws.queue_url, aws.topic_arn */
	struct gr_str arn;                /* resource_arn or aws.function_arn */
	struct gr_str log_group;          /* aws.cloudwatch_logs[0].log_group */
	int64_t start_us, end_us;         /* end_us -1 when in progress */
	int http;                         /* http.response.status, 0 if absent */
	bool sub;                         /* a subsegment (embedded or independent) */
	bool in_progress, inferred;       /* flags as X-Ray states them */
	bool error, fault, throttle;
	json_t *links;                    /* links[] as in the document, or NULL */
	json_t *precursors;               /* precursor_ids[], or NULL */
};

void gr_ev_segment(struct gr_jw *w, const struct gr_xseg *s);

/* "ok", "error", "timeout" or NULL. */
const char *gr_status_name(enum gr_status s);

#endif
