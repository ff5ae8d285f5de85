/* unit.h: one unit of gammaray-fetch work (a file, or an export stream's chunk files) (lib-internal). */
#ifndef GR_UNIT_H
#define GR_UNIT_H

#include <jansson.h>
#include <stdbool.h>

#include "common/buf.h"
#include "common/fn_filter.h"
#include "stream/events.h"
#include "gammaray.h"
#include "common/jsonw.h"
#include "fetch/lambda_log.h"
#include "common/reader.h"
#include "common/strmap.h"

struct gr_unit;
struct gr_stream;

/* Shared, read-only configuration of a run, prepared once by fetch.c. */
struct gr_fetch_cfg {
	const struct gr_fetch_opts *o;  /* the caller's options */
	struct gr_fn_filter *filter;    /* compiled --function pattern, or NULL */
	struct gr_strmap tasks;         /* export task id -> index into task_groups */
	char **task_groups;             /* log group of each export task */
	size_t ntask_groups, task_cap;  /* used and allocated entries of task_groups */
};

/* A diagnostic kept until the unit's output is written, so messages come out in
 * the same order as the data whatever the number of jobs. */
struct gr_diag {
	int severity;          /* 0 notice, 1 loss */
	struct gr_error e;     /* what and where */
};

#define GR_UNIT_MAX_DIAGS 64 /* kept per unit; the stats count every loss anyway */

/* Work item: the files to read and what is known about them beforehand. */
struct gr_unit_spec {
	char **files;          /* paths, in reading order */
	size_t nfiles;
	const char *stream;    /* export tree: log stream of these chunk files, or NULL */
	const char *group;     /* log group known for these paths (--log-group, tasks) */
	const char *group_from;/* how the group is known: "option", "export-tasks" */
	uint64_t bytes;        /* total size on disk, for progress */
};

struct gr_unit {
	const struct gr_fetch_cfg *cfg;  /* run configuration */
	const struct gr_unit_spec *spec; /* what to read */
	struct gr_buf out;               /* events written, not yet flushed */
	struct gr_jw w;                  /* writer over `out` (or a stream's buffer) */
	struct gr_stats st;              /* this unit's accounting */
	struct gr_diag *diags;           /* first GR_UNIT_MAX_DIAGS diagnostics */
	size_t ndiags;
	uint64_t diags_dropped;          /* diagnostics beyond the kept ones */
	int fatal;                       /* 0, or the enum gr_err that stopped the unit */
	struct gr_error fatal_err;       /* details of fatal */

	struct gr_reader_cache *rcache;  /* the worker's reusable read buffers, or NULL */

	/* a log message that is a record of another format (aws/spans spans): read
	 * it and return true, else false with nothing counted; NULL: none */
	bool (*other_event)(struct gr_unit *u, const char *msg, size_t n);

	/* flush hook: called when out grows past a threshold (ordered streaming) */
	int (*flush)(struct gr_unit *u);
	void *flush_ctx;

	/* current input position */
	const char *file;                /* file being read */
	uint64_t line;                   /* line (or record) of the current record */
	uint64_t seq;                    /* records seen in this unit, for ordering */
	bool rec_out;                    /* the current record produced an event */

	/* log streams seen in this unit */
	struct gr_arena arena;           /* names, request ids, deferred records */
	struct gr_strmap stream_ix;      /* "group\nstream" -> index into streams */
	struct gr_stream *streams;
	size_t nstreams, cap_streams;
	struct gr_deferred *deferred;    /* records waiting for their request id */
	size_t ndeferred, cap_deferred;

	struct gr_buf scratch;           /* event message being assembled */
	struct gr_buf scratch2;          /* decoded payloads */
	struct gr_buf mbuf;              /* a marker's compacted text */
	struct gr_buf xdocs;             /* decoded X-Ray documents of one trace */
	struct gr_buf xdec;              /* decoded strings of one X-Ray document */
	struct gr_buf jdec;              /* decoded strings of one JSON-format log record */
	struct gr_buf cdec;              /* decoded strings of one CloudWatch JSON event */
};

/* Initialise and release a unit. */
void gr_unit_init(struct gr_unit *u, const struct gr_fetch_cfg *cfg,
		  const struct gr_unit_spec *spec);
void gr_unit_release(struct gr_unit *u);
/* Read the unit's files, each by its content (detect.c), then gr_unit_finish.
 * Returns 0 or u->fatal. */
int gr_unit_run(struct gr_unit *u);
/* After the last file: attribute deferred records, say what each stream was,
 * apply --function. Returns 0 or u->fatal. */
int gr_unit_finish(struct gr_unit *u);

/* --- used by the format modules (cwl_json.c, xray_doc.c, jaeger.c, otlp.c) ---------- */

/* A new input record begins (counted in records_in). */
void gr_unit_record(struct gr_unit *u);
/* The current record was deliberately skipped / lost (with a message). */
void gr_unit_skip(struct gr_unit *u, enum gr_reason r);
void gr_unit_lost(struct gr_unit *u, enum gr_reason r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A notice (not a loss) shown to the user. */
void gr_unit_notice(struct gr_unit *u, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The writer for the current record's events; call gr_unit_wrote after each. */
struct gr_jw *gr_unit_writer(struct gr_unit *u);
/* One event was written for the current record. Returns 0 or a fatal error. */
int gr_unit_wrote(struct gr_unit *u);
/* Hand the output written so far to the ordered writer if it has grown past the
 * threshold (between records of a large document). */
void gr_unit_flush(struct gr_unit *u);
/* Out of memory: the unit stops (u->fatal). */
void gr_unit_nomem(struct gr_unit *u);
/* A whole file lost under reason r, e saying why (shown, and fatal with --strict). */
void gr_unit_file_lost(struct gr_unit *u, enum gr_reason r, const struct gr_error *e);

/* Find or create the log stream (group, stream); either may be NULL/empty. Creating
 * one may move every stream: a reader that keeps a stream across calls keeps its
 * index (gr_unit_stream_ix), not the pointer. */
struct gr_stream *gr_unit_stream(struct gr_unit *u, const char *group, size_t gn,
				 const char *stream, size_t sn);
/* The index of stream s, and the stream at index ix. */
size_t gr_unit_stream_ix(const struct gr_unit *u, const struct gr_stream *s);
struct gr_stream *gr_unit_stream_at(struct gr_unit *u, size_t ix);
/* The function of stream s, as a wrapper names it (first name wins). */
void gr_unit_stream_fn(struct gr_unit *u, struct gr_stream *s, const char *fn, size_t n,
		       const char *from);
/*
 * One CloudWatch log event: a new record. ts is the event's envelope time
 * (GR_TIME_UNKNOWN for bare text). The message may span several lines.
 */
void gr_unit_log_event(struct gr_unit *u, struct gr_stream *s, int64_t ts, const char *msg,
		       size_t n);
/* A JSON document doc[0..n) that is one Lambda JSON-format record (a Telemetry or
 * JSON log format platform record, a JSON application record): handled as a log
 * event of the unit's stream and true; false (nothing counted) when it is not one. */
bool gr_unit_lambda_json(struct gr_unit *u, const char *doc, size_t n);
/* One line already parsed (e.g. synthesised from Logs Insights fields). */
void gr_unit_log_line(struct gr_unit *u, struct gr_stream *s, int64_t ts,
		      const struct gr_lambda_line *l);

/* --- format modules ---------------------------------------------------------- */

struct gr_jv;
/* CloudWatch Logs JSON shapes, read from the text of doc, an object validated as
 * jansson takes it (exact mode), whose top-level members are top (trace_text.h's
 * enum gr_tt_top, each the last of its duplicates); false when it is none of them
 * (nothing counted). */
bool gr_cwl_json(struct gr_unit *u, const struct gr_jv *doc, const struct gr_jv *top);
/* X-Ray shapes, read from the text doc[0..n) of one JSON value; false when it is
 * none of them (or not well-formed: the caller's JSON parser then says why). */
bool gr_xray_text(struct gr_unit *u, const char *doc, size_t n);
#endif
