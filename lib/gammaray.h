/* gammaray.h: the public interface of libgammaray, which every gammaray program links. */
#ifndef GAMMARAY_H
#define GAMMARAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifndef GR_VERSION
#define GR_VERSION "0.0.0"
#endif

/* Version of the event stream (gammaray-events(5)) this library reads and writes. */
#define GR_EVENTS_VERSION 1

/* ---------------------------------------------------------------------------
 * Limits. Every one is an explicit constant, can be changed per run, and hitting
 * it is a clear, counted error for that record, never a crash.
 */
#define GR_DEFAULT_MAX_LINE (8u << 20)    /* one log line or log event message */
#define GR_DEFAULT_MAX_DOC (512u << 20)   /* one JSON document (an X-Ray page...) */
#define GR_DEFAULT_MAX_DEPTH 512          /* JSON nesting */
#define GR_MAX_JOBS 64                    /* worker threads */
/* Integers in records (times, durations, sizes) are taken within +-2^60 (+-36,000 years
 * of microseconds): sums and differences of a few of them never overflow int64_t. */
#define GR_MAX_INT ((int64_t)1 << 60)

/* A time that is not known (a log line without a timestamp). */
#define GR_TIME_UNKNOWN INT64_MIN

/* ---------------------------------------------------------------------------
 * Errors: functions return 0 or a negative enum gr_err and fill a struct gr_error.
 */
enum gr_err {
	GR_OK = 0,
	GR_ERR_NOMEM = -1,    /* out of memory */
	GR_ERR_IO = -2,       /* a file could not be opened, read or written */
	GR_ERR_COMPRESS = -3, /* corrupt or truncated gzip/zlib data */
	GR_ERR_JSON = -4,     /* malformed JSON */
	GR_ERR_FORMAT = -5,   /* well-formed input of a shape we do not know */
	GR_ERR_LIMIT = -6,    /* a configured limit was hit */
	GR_ERR_USAGE = -7,    /* invalid argument (option value, API misuse) */
	GR_ERR_DATA = -8,     /* records were lost (with --strict: the first one) */
	GR_ERR_PIPE = -9,     /* the reader of our output went away (EPIPE) */
	GR_ERR_DEPTH = -10,   /* JSON nested deeper than the configured limit */
};

/* Where and why something failed. line and offset are 0 when unknown. */
struct gr_error {
	int code;            /* enum gr_err */
	char msg[512];       /* one line, lower case, no final period, bytes escaped */
	char file[512];      /* input file ("-" for stdin), "" when not about a file */
	uint64_t line;       /* 1-based line (or record) number in file, 0 if unknown */
	uint64_t offset;     /* byte offset in the decompressed file, 0 if unknown */
	bool has_offset;     /* offset is meaningful (offset 0 is a valid position) */
};

/* Static text for an error code ("corrupt compressed data"). */
const char *gr_strerror(int code);

/* Fill err (which may be NULL) and return code. */
int gr_error_set(struct gr_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Set the position part of err. file may be NULL. */
void gr_error_at(struct gr_error *err, const char *file, uint64_t line);
/* Format "file:line: msg" (or "file: byte N: msg", or "msg") into out. */
void gr_error_format(const struct gr_error *err, char *out, size_t size);
/* Escape untrusted bytes for a message: printable ASCII kept, others as \xNN, at
 * most max input bytes (then "..."). Returns out. */
char *gr_escape_msg(const char *s, size_t n, size_t max, char *out, size_t size);

/* ---------------------------------------------------------------------------
 * Accounting: every input record is either written or counted under one reason.
 * Reasons are of two classes: SKIP (deliberate: filtered, not wanted) and LOST
 * (damaged or unusable input). A program exits 1 when anything was lost.
 * Some reasons count whole files (an unreadable file), the others records.
 */
enum gr_reason {
	/* deliberately skipped records */
	GR_SKIP_APP_LOG,        /* application log line, not a marker (see --keep-logs) */
	GR_SKIP_PLATFORM,       /* platform line that carries nothing we use */
	GR_SKIP_CONTROL,        /* subscription CONTROL_MESSAGE */
	GR_SKIP_FILTERED,       /* outside --since/--until or not --function */
	GR_SKIP_EMPTY,          /* empty log event */
	GR_SKIP_NOT_TRACE,      /* X-Ray or Logs output that holds no events (summaries...) */
	GR_SKIP_HEADER,         /* X-Ray daemon datagram header */
	GR_SKIP_STREAM_HEADER,  /* event stream header line (gammaray-infer) */
	GR_SKIP_DUPLICATE,      /* the same record again, merged (gammaray-infer) */
	GR_SKIP_UNUSED,         /* a record that carries nothing the program uses */
	GR_SKIP_UNKNOWN_TYPE,   /* a record type this version does not know */
	GR_SKIP_LATE,           /* about an invocation already written (gammaray-infer --window) */
	GR_SKIP_NOT_SHOWN,      /* left out of a picture and said so in it (gammaray-dot) */
	/* deliberately skipped files */
	GR_SKIP_WRITE_TEST,     /* the export's aws-logs-write-test object */
	/* lost records */
	GR_LOST_JSON,           /* malformed JSON document or record */
	GR_LOST_LINE_LIMIT,     /* line longer than the line limit */
	GR_LOST_DOC_LIMIT,      /* JSON document larger than the document limit */
	GR_LOST_DEPTH,          /* JSON nested deeper than the depth limit */
	GR_LOST_UNKNOWN_DOC,    /* JSON document of a shape we do not know */
	GR_LOST_BAD_PLATFORM,   /* START/END/REPORT... line we could not parse */
	GR_LOST_BAD_MARKER,     /* GAMMARAY marker that is not one JSON object */
	GR_LOST_NO_REQUEST,     /* marker or error line whose invocation is unknown */
	GR_LOST_BAD_SEGMENT,    /* X-Ray segment without id, trace or times */
	GR_LOST_BAD_PAYLOAD,    /* subscription data that is not base64/gzip/JSON */
	GR_LOST_BAD_RECORD,     /* record without a required field, or a field of the wrong type */
	/* lost files (or the rest of a file) */
	GR_LOST_UNREADABLE,     /* could not open or read */
	GR_LOST_COMPRESS,       /* corrupt or truncated compressed data, or a .gz of none */
	GR_LOST_NOT_TEXT,       /* binary: a NUL byte or mostly invalid UTF-8 at its start */
	GR_REASON_COUNT
};

#define GR_REASON_FIRST_LOST GR_LOST_JSON

/* "app-log", "bad-json"... as printed by --stats. */
const char *gr_reason_name(enum gr_reason r);
/* The reason of a name (n bytes), or -1 for a name this version does not know. */
int gr_reason_from_name(const char *name, size_t n);
/* True for reasons that count files rather than records. */
bool gr_reason_is_file(enum gr_reason r);
static inline bool gr_reason_is_lost(enum gr_reason r)
{
	return r >= GR_REASON_FIRST_LOST;
}

/* Counters of one run. records_in == records_out + the sum of record reasons. */
struct gr_stats {
	uint64_t files;                   /* files opened (or attempted) */
	uint64_t bytes_in;                /* bytes read from files, before decompression */
	uint64_t bytes;                   /* bytes after decompression */
	uint64_t records_in;              /* log events, JSON records, X-Ray documents read */
	uint64_t records_out;             /* of which written as one or more events */
	uint64_t events_out;              /* events written (one document may give many) */
	uint64_t reason[GR_REASON_COUNT]; /* skipped or lost, per reason */
	uint64_t invalid_utf8;            /* records read holding bytes that are not UTF-8: a
					   * note, in no reason (each is also written, skipped
					   * or lost; what is written has U+FFFD for them) */
};

void gr_stats_add(struct gr_stats *dst, const struct gr_stats *src);
/* Sum of the lost reasons (records and files). */
uint64_t gr_stats_lost(const struct gr_stats *st);
/* Sum of the skipped record reasons. */
uint64_t gr_stats_skipped(const struct gr_stats *st);
/* True when records_in == records_out + every record reason (the accounting holds). */
bool gr_stats_balanced(const struct gr_stats *st);

/* ---------------------------------------------------------------------------
 * Time helpers. Times are microseconds since the Unix epoch, UTC.
 */
/* Parse "2020-03-05T16:30:36.113Z" (also "+00:00", no fraction, a space for 'T',
 * no zone meaning UTC) from s[0..len). Returns the number of bytes used, 0 if s does
 * not start with such a time. */
size_t gr_time_parse_iso(const char *s, size_t len, int64_t *us);
/* Format as "2020-03-05T16:30:36.113000Z" into out (at least 28 bytes). */
void gr_time_format_iso(int64_t us, char *out, size_t size);
/* Parse a user time: ISO 8601 (as above), epoch seconds or milliseconds (digits;
 * 13+ digits are milliseconds), or a relative "-15m", "-2h", "-3d" from now_us. */
int gr_time_parse_user(const char *s, int64_t now_us, int64_t *us);

/* ---------------------------------------------------------------------------
 * Lambda prices (gammaray-prices(5)): what an invocation costs, in integer
 * pico-dollars, from its billed duration, memory, architecture and region. The
 * compiled-in table holds the public AWS prices of GR_PRICES_DATE and prices every
 * function as x86_64 in us-east-1; a price file read over it sets architectures,
 * regions and prices. gammaray-critpath, gammaray-dot and gammaray-report take one
 * in their options (NULL: no cost shown).
 */
#define GR_PRICES_DATE "2025-10-01"

struct gr_prices;

/* The compiled-in table; NULL when out of memory. */
struct gr_prices *gr_prices_new(void);
/* Read a price file over p (later lines win). 0, or GR_ERR_IO (it cannot be read),
 * GR_ERR_LIMIT (over 1 MiB), GR_ERR_FORMAT (a bad line: err names the file and line),
 * GR_ERR_NOMEM. After an error p holds the lines before the bad one. */
int gr_prices_load(struct gr_prices *p, const char *path, struct gr_error *err);
/* The same from memory; name is the file named in messages. */
int gr_prices_load_mem(struct gr_prices *p, const char *name, const char *text, size_t n,
		       struct gr_error *err);
/* Was a file read (else every price is the compiled-in guess)? */
bool gr_prices_from_file(const struct gr_prices *p);
void gr_prices_free(struct gr_prices *p);

/* ---------------------------------------------------------------------------
 * gammaray-fetch: read log and trace inputs, write the event stream.
 */

/* Progress, reported at most a few times per second. */
struct gr_progress {
	uint64_t files_done, files_total;
	uint64_t bytes_done, bytes_total; /* compressed bytes on disk; total 0 if unknown */
	uint64_t records, events;
};

struct gr_fetch_opts {
	int64_t since_us;          /* drop events before (GR_TIME_UNKNOWN: no bound) */
	int64_t until_us;          /* drop events at or after (GR_TIME_UNKNOWN: no bound) */
	const char *function;      /* keep only matching functions (PCRE2, whole name) */
	const char *export_tasks;  /* describe-export-tasks JSON: task id -> log group */
	bool keep_logs;            /* also write application log lines as "log" events */
	bool strict;               /* the first lost record is a fatal error */
	int jobs;                  /* worker threads, 1..GR_MAX_JOBS */
	size_t max_line;           /* 0: GR_DEFAULT_MAX_LINE */
	size_t max_doc;            /* 0: GR_DEFAULT_MAX_DOC */
	int max_depth;             /* 0: GR_DEFAULT_MAX_DEPTH */

	/* Output sink: called with whole lines, in deterministic order. Returns 0 or
	 * a negative enum gr_err (GR_ERR_PIPE, GR_ERR_IO), which stops the run. */
	int (*write)(void *ctx, const char *data, size_t len);
	void *write_ctx;
	/* Each lost record or file, and each notice ("function taken from..."), as it
	 * happens; severity is 0 for a notice, 1 for a loss. May be NULL. */
	void (*diag)(void *ctx, int severity, const struct gr_error *e);
	void *diag_ctx;
	/* Progress callback, may be NULL. */
	void (*progress)(void *ctx, const struct gr_progress *p);
	void *progress_ctx;
};

/* Defaults: no bounds, one job, default limits, no callbacks. */
void gr_fetch_opts_init(struct gr_fetch_opts *o);

/* One input operand: a file, a directory (read recursively) or "-" (stdin). */
struct gr_fetch_input {
	const char *path;      /* the operand */
	const char *log_group; /* log group of what it holds when the data does not say
				* (export trees, bare text), or NULL */
};

/*
 * Read every input in order (none means stdin) and write the event stream through
 * o->write, in an order that depends only on the inputs, whatever o->jobs is.
 * Returns 0 when the run went through (st says what was lost, if anything); a
 * negative enum gr_err when it had to stop: bad options, output error, out of
 * memory, or the first loss under strict (err says which and where).
 */
int gr_fetch(const struct gr_fetch_opts *o, const struct gr_fetch_input *in, size_t nin,
	     struct gr_stats *st, struct gr_error *err);

/* --- gammaray-dot --- */

/* What one picture shows. */
enum gr_dot_view {
	GR_DOT_VIEW_AUTO,        /* invocations when they fit in max_nodes, else functions */
	GR_DOT_VIEW_INVOCATIONS, /* one node per invocation, a cluster per run */
	GR_DOT_VIEW_FUNCTIONS,   /* one node per function and per service resource */
};

/* Output format: DOT text, or rendered by Graphviz (dot layout). */
enum gr_dot_format { GR_DOT_FORMAT_DOT, GR_DOT_FORMAT_SVG, GR_DOT_FORMAT_PNG, GR_DOT_FORMAT_PDF };

struct gr_dot_opts {
	enum gr_dot_view view;        /* default GR_DOT_VIEW_AUTO */
	enum gr_dot_format format;    /* default GR_DOT_FORMAT_DOT */
	/* Selection of runs; each list ORs its entries, the lists AND. Empty: all runs. */
	const char *const *roots;     /* runs holding these request ids */
	size_t nroots;                /* entries of roots */
	const char *const *traces;    /* runs holding an invocation of these X-Ray traces */
	size_t ntraces;               /* entries of traces */
	const char *const *functions; /* runs holding an invocation of these functions */
	size_t nfunctions;            /* entries of functions */
	int64_t since_us;             /* runs starting at or after (GR_TIME_UNKNOWN: no bound) */
	int64_t until_us;             /* runs starting before (GR_TIME_UNKNOWN: no bound) */
	size_t max_nodes;             /* invocation view: most invocations drawn (0: no limit) */
	const char *rankdir;          /* "LR" (default), "TB", "RL", "BT" */
	bool legend;                  /* draw the legend (default true) */
	struct gr_prices *prices;     /* each function's cost beside its time (and each
				       * invocation's in its tooltip); NULL: none */
	bool strict;                  /* the first lost record is a fatal error */
	size_t max_line;              /* longest graph record (0: GR_DEFAULT_MAX_LINE) */

	/* Output sink, called with chunks of the DOT text or rendered file. Returns 0 or a
	 * negative enum gr_err (GR_ERR_PIPE, GR_ERR_IO), which stops the run. */
	int (*write)(void *ctx, const char *data, size_t len);
	void *write_ctx;
	/* Each lost record (severity 1) and each Graphviz message (severity 0). May be NULL. */
	void (*diag)(void *ctx, int severity, const struct gr_error *e);
	void *diag_ctx;
	/* Progress while reading; may be NULL. */
	void (*progress)(void *ctx, const struct gr_progress *p);
	void *progress_ctx;
};

#define GR_DOT_DEFAULT_MAX_NODES 300

/* Defaults: auto view, DOT, no selection, 300 nodes, LR, a legend. */
void gr_dot_opts_init(struct gr_dot_opts *o);

/* What a picture holds, for messages and --stats. */
struct gr_dot_summary {
	enum gr_dot_view view;     /* the view drawn (never AUTO) */
	size_t invocations;        /* invocations in the graph (stubs included) */
	size_t runs;               /* runs in the graph */
	size_t runs_selected;      /* runs chosen by the selection */
	size_t selected;           /* invocations in the selected runs */
	size_t shown;              /* invocations drawn as nodes, or counted in function nodes */
	size_t pruned;             /* selected invocations left out over max_nodes */
	size_t runs_pruned;        /* selected runs left out entirely over max_nodes */
	size_t edges_shown;        /* causal edges drawn or counted in function-view edges */
	size_t edges_hidden;       /* selected causal edges not drawn (an end left out) */
	size_t dot_nodes;          /* nodes in the picture (legend and notes included) */
	size_t dot_edges;          /* edges in the picture */
	size_t bytes;              /* bytes written */
};

/*
 * Read graph streams (gammaray-graph(5); none means stdin, "-" is stdin), select,
 * build the picture with cgraph and write it through o->write as DOT or rendered.
 * The output depends only on the graph read. Records: node and edge records drawn or
 * aggregated count as written; records outside the selection as GR_SKIP_FILTERED,
 * invocations pruned over max_nodes, their edges and records of other types as
 * GR_SKIP_NOT_SHOWN. Returns 0 when the picture was written (st says what was lost),
 * or a negative enum gr_err (err says what and where).
 */
int gr_dot(const struct gr_dot_opts *o, const char *const *paths, size_t npaths,
	   struct gr_stats *st, struct gr_dot_summary *sum, struct gr_error *err);

/* --- gammaray-report --- */
/*
 * One self-contained HTML page of a causal graph (gammaray-graph(5), annotated or not):
 * the application map with the critical path, the critical-path shares per root
 * function (gammaray-critpath's numbers), the slowest, failed, cold-started and
 * retried runs with timelines, search, and what was not linked or read. See
 * gammaray-report(1).
 */
#define GR_REPORT_DEFAULT_MAX_INDEX 100000

struct gr_report_opts {
	int top;                   /* runs with per-run detail in each list (50) */
	size_t max_index;          /* runs in the search index, the slowest first (100000) */
	int64_t tolerance_us;      /* as gr_critpath_opts (1 ms) */
	struct gr_prices *prices;  /* cost per function and per run beside the times
				    * (gammaray-prices(5)); NULL: none */
	bool strict;               /* the first lost record or file is a fatal error */
	size_t max_line;           /* longest input line (0: GR_DEFAULT_MAX_LINE) */
	/* Output sink: the page, in one call. Returns 0 or a negative enum gr_err. */
	int (*write)(void *ctx, const char *data, size_t len);
	void *write_ctx;
	/* Each lost record (severity 1) and each Graphviz message (severity 0); may be NULL. */
	void (*diag)(void *ctx, int severity, const struct gr_error *e);
	void *diag_ctx;
	/* Progress while reading; may be NULL. */
	void (*progress)(void *ctx, const struct gr_progress *p);
	void *progress_ctx;
};

/* What a page holds, for messages and --stats. */
struct gr_report_summary {
	uint64_t invocations, edges; /* read */
	uint64_t runs;             /* runs (roots with a critical path) */
	uint64_t detailed;         /* runs with a timeline in the page */
	uint64_t indexed;          /* runs in the search index */
	uint64_t unmatched;        /* unmatched evidence records */
	bool map;                  /* the map was drawn (Graphviz worked) */
	size_t bytes;              /* bytes of the page */
	uint64_t cost_known;       /* with prices: invocations priced */
	uint64_t cost_unknown;     /* ...and of unknown cost (no billing fields) */
};

/* Defaults: top 50, 100000 runs indexed, tolerance 1 ms. */
void gr_report_opts_init(struct gr_report_opts *o);

/* Read every input (none: "-") and write the page. Returns 0 when it was written (st
 * says what was lost), else a negative enum gr_err (err says what and where). */
int gr_report(const struct gr_report_opts *o, const char *const *paths, size_t npaths,
	      struct gr_stats *st, struct gr_report_summary *sum, struct gr_error *err);

/* --- gammaray-synth --- */
/*
 * A deterministic simulator of Lambda applications that writes what AWS writes
 * (CloudWatch Logs exports or filter-log-events pages, X-Ray batch-get-traces pages)
 * and the ground truth (truth.ndjson). See gammaray-synth(1).
 */
enum gr_synth_format {
	GR_SYNTH_EXPORT,  /* CreateExportTask tree of gzip files (the default) */
	GR_SYNTH_FILTER,  /* filter-log-events JSON pages */
};

/* Which traces gammaray-synth writes (--traces). */
enum gr_synth_traces {
	GR_SYNTH_XRAY,    /* X-Ray batch-get-traces pages (the default) */
	GR_SYNTH_OTEL,    /* OpenTelemetry spans: aws/spans export and OTLP/JSON files */
	GR_SYNTH_BOTH,    /* both */
};

struct gr_synth_stats;

/* What a --what-if CHANGE does (gammaray-synth(1)). */
enum gr_synth_change_kind {
	GR_SYNTH_NO_COLD = 1, /* no-cold-starts=FN: environments come initialised */
	GR_SYNTH_FASTER,      /* faster=FN:F: handler durations divided by F */
	GR_SYNTH_SLOWER,      /* slower=FN:F: ...multiplied by F */
	GR_SYNTH_DELAY_SET,   /* delay=KIND:TIME: trigger delay of KIND hops set */
	GR_SYNTH_DELAY_SCALE, /* delay=KIND:xF: ...multiplied by F */
	GR_SYNTH_REMOVE,      /* remove=FN: never invoked */
};

/* Number of hop kinds a delay= change may name (s3 ... sfn). */
#define GR_SYNTH_HOP_KINDS 8

/* One --what-if CHANGE, parsed (gr_synth_change_parse). */
struct gr_synth_change {
	enum gr_synth_change_kind kind;
	const char *text;   /* the CHANGE as given (not owned) */
	char fn[128];       /* the function (no-cold-starts, faster, slower, remove) */
	int hop;            /* delay: index of the kind, gr_synth_hop_name(hop) */
	double factor;      /* faster, slower, delay=KIND:xF */
	int64_t delay_us;   /* delay=KIND:TIME */
};

struct gr_synth_opts {
	const char *out_dir;       /* output directory (created) */
	const char *app;           /* application (gr_synth_app_name); NULL: "mixed" */
	bool force;                /* write into a non-empty directory */
	uint64_t seed;             /* random seed: same seed, same bytes */
	uint64_t runs;             /* root invocations to start (0: unlimited, see next) */
	uint64_t max_invocations;  /* stop starting roots once this many exist (0: none) */
	int64_t start_us;          /* simulated start, epoch microseconds */
	double rate;               /* roots started per simulated second (Poisson) */
	double sample_rate;        /* X-Ray: share of new traces sampled beyond the reservoir */
	uint32_t reservoir;        /* X-Ray: traces sampled per second before the rate */
	double error_rate;         /* share of attempts that fail with an unhandled error */
	double timeout_rate;       /* share of attempts that time out */
	bool markers;              /* write GAMMARAY v1 markers */
	bool ordered;              /* keep export files in time order (no chunk shuffling) */
	enum gr_synth_format format;
	enum gr_synth_traces traces; /* X-Ray pages, OpenTelemetry spans or both */
	uint32_t chunk_events;     /* export: events per file of a stream */
	uint32_t traces_per_page;  /* X-Ray: traces per batch-get-traces page */
	int compress_level;        /* gzip level, 1..9 */
	size_t memory;             /* log text buffered before files are written early */
	int jobs;                  /* threads: 1 compresses inline, N adds N-1 compressors;
				      0 picks from the CPUs. The output is the same */
	/* Changes to re-simulate the same workload with (--what-if): same seed, same
	 * random decisions, the changes applied (order matters only between changes of
	 * one function or kind). A function the application does not have is a usage
	 * error naming its functions. Needs runs (not max_invocations alone). */
	const struct gr_synth_change *changes;
	size_t nchanges;
	/* Progress, every 50,000 invocations; may be NULL. */
	void (*progress)(void *ctx, const struct gr_synth_stats *st);
	void *progress_ctx;
};

struct gr_synth_stats {
	uint64_t runs;          /* root invocations */
	uint64_t invocations;   /* invocations (request ids, nodes of the truth) */
	uint64_t attempts;      /* attempts (START lines): retries add to them */
	uint64_t retries;       /* async retries (same request id) */
	uint64_t cold;          /* cold attempts */
	uint64_t errors;        /* invocations whose final attempt failed */
	uint64_t timeouts;      /* ...by timing out */
	uint64_t edges;         /* causal edges */
	uint64_t xray_edges;    /* ...that X-Ray alone shows */
	uint64_t otel_edges;    /* ...that OpenTelemetry spans alone show (--traces otel) */
	uint64_t spans;         /* OpenTelemetry spans written */
	uint64_t span_bytes;    /* their uncompressed bytes (aws/spans text, OTLP/JSON) */
	uint64_t traces;        /* sampled traces */
	uint64_t segments;      /* X-Ray segment documents */
	uint64_t streams;       /* log streams (execution environments) */
	uint64_t log_events;    /* log events */
	uint64_t log_bytes;     /* uncompressed log output (export text or page JSON) */
	uint64_t xray_bytes;    /* X-Ray page bytes */
	uint64_t truth_bytes;   /* truth.ndjson bytes */
	uint64_t files;         /* files written */
	uint64_t bytes_written; /* bytes written to disk */
	uint64_t peak_buffer;   /* most export text held in memory at once */
};

/* Defaults: mixed, seed 1, 20 runs, 10 roots/s, sampling 5% + 1/s, markers on. */
void gr_synth_opts_init(struct gr_synth_opts *o);
/* Applications: names and one-line summaries, i < gr_synth_app_count(). */
size_t gr_synth_app_count(void);
const char *gr_synth_app_name(size_t i);
const char *gr_synth_app_summary(size_t i);
/* Parse a --what-if CHANGE: no-cold-starts=FN, faster=FN:F, slower=FN:F,
 * delay=KIND:TIME (N, Nus, Nms, Ns; a bare N is microseconds), delay=KIND:xF,
 * remove=FN. The function is checked by gr_synth_run, against the application.
 * 0 or GR_ERR_USAGE (err says what is wrong). */
int gr_synth_change_parse(const char *text, struct gr_synth_change *c, struct gr_error *err);
/* Hop kinds of delay=, i < GR_SYNTH_HOP_KINDS: "s3", "dynamodb", ... "sfn". */
const char *gr_synth_hop_name(int i);
/* The workload version: it changes whenever a seed stops giving the same workload. */
#define GR_SYNTH_WORKLOAD 2
/* Simulate and write everything into o->out_dir. 0 or a negative enum gr_err. */
int gr_synth_run(const struct gr_synth_opts *o, struct gr_synth_stats *st,
		 struct gr_error *err);

/* --- gammaray-infer --- */
/*
 * Read the event stream (gammaray-events(5)) and write the causal graph of the
 * invocations (gammaray-graph(5)). See gammaray-infer(1) and gammaray-markers(7).
 */

/* Parse a duration: a number with a unit us, ms, s, m, h or d ("250ms", "1.5s",
 * "15m"); a bare number is seconds. 0 or GR_ERR_USAGE. */
int gr_duration_parse(const char *s, int64_t *us);

#define GR_INFER_KINDS 9    /* edge kinds by index, 1..8: s3 ... sfn (0 unused) */
#define GR_INFER_EVIDENCE 6 /* evidence by index: marker, xray-parent... */

/* "s3", "dynamodb", "sns", "sqs", "kinesis", "lambda", "events", "sfn"; NULL for 0. */
const char *gr_infer_kind_name(int k);
/* "marker", "xray-parent", "xray-link", "xray-call", "heuristic"; NULL for 0. */
const char *gr_infer_evidence_name(int e);

struct gr_infer_opts {
	int64_t tolerance_us;    /* clock tolerance between hosts (default 100 ms) */
	int64_t link_window_us;  /* keys with time: how far back a write may be (15 min) */
	int64_t window_us;       /* 0: keep everything to the end; else release the state
				  * of invocations that ended this long before the newest
				  * record (time-ordered input, bounded memory) */
	bool strict;             /* the first lost record is a fatal error */
	bool unmatched;          /* write "unmatched" records (default true) */
	size_t max_line;         /* 0: GR_DEFAULT_MAX_LINE */
	int max_depth;           /* 0: GR_DEFAULT_MAX_DEPTH */
	/* Output sink: whole lines. Returns 0 or a negative enum gr_err, which stops. */
	int (*write)(void *ctx, const char *data, size_t len);
	void *write_ctx;
	/* Each lost record (severity 1) and notice (0), as it happens; may be NULL. */
	void (*diag)(void *ctx, int severity, const struct gr_error *e);
	void *diag_ctx;
	/* Progress of gr_infer_read_inputs; may be NULL. */
	void (*progress)(void *ctx, const struct gr_progress *p);
	void *progress_ctx;
};

/* Defaults as stated above, no callbacks. */
void gr_infer_opts_init(struct gr_infer_opts *o);

/* What a run found. Loop strings are owned by the run (valid until gr_infer_free). */
struct gr_infer_stats {
	struct gr_stats io;            /* records read: used, or skipped/lost by reason */
	uint64_t invocations;          /* node records written */
	uint64_t retried;              /* of which ran more than once (same request id) */
	uint64_t referenced;           /* request ids named by evidence but never seen run */
	uint64_t edges;                /* edge records written */
	uint64_t edges_kind[GR_INFER_KINDS];         /* by kind */
	uint64_t edges_evidence[GR_INFER_EVIDENCE];  /* by evidence */
	uint64_t uncertain;            /* edges with confidence below 1 (racing writes) */
	uint64_t unmatched_trigger[GR_INFER_KINDS];  /* triggers whose producer was not found */
	uint64_t unmatched_cause[GR_INFER_KINDS];    /* writes, sends... that triggered nothing seen */
	uint64_t unmatched_xray;       /* X-Ray parents or links that lead nowhere in the input */
	uint64_t clock_violations;     /* edges whose cause is later than the effect + tolerance */
	uint64_t cycles_broken;        /* edges dropped to keep the invocation graph acyclic */
	uint64_t released;             /* --window: invocations written before the end */
	uint64_t late;                 /* --window: records about already released invocations */
	const char *const *loops;      /* function-level loops: "a -> b -> a (s3, sqs)" */
	size_t nloops;
};

struct gr_infer;

/* A run with the given options (copied). 0 or a negative enum gr_err. */
int gr_infer_new(struct gr_infer **out, const struct gr_infer_opts *o, struct gr_error *err);
/*
 * Read one input: a file (gzip is undone) or "-" for stdin. Records may come in
 * any order, across any number of inputs. Returns 0, or a negative enum gr_err when
 * the run must stop (unreadable input, unknown stream version, output error, the
 * first loss under strict); bad records are counted and reported through diag.
 */
int gr_infer_read(struct gr_infer *inf, const char *path, struct gr_error *err);
/* Read every input in order with the toolkit's input loop (none: "-"; directories:
 * the files below them): a file that cannot be opened or whose compressed data
 * breaks off is counted lost, named through diag, and the run goes on with the next
 * (under strict it stops). Returns 0 or a negative enum gr_err, as gr_infer_read. */
int gr_infer_read_inputs(struct gr_infer *inf, const char *const *paths, size_t npaths,
			 struct gr_error *err);
/* The same from memory (name is used in messages). */
int gr_infer_read_mem(struct gr_infer *inf, const char *name, const void *data, size_t n,
		      struct gr_error *err);
/* Link everything still held and write the graph. 0 or a negative enum gr_err. */
int gr_infer_finish(struct gr_infer *inf, struct gr_error *err);
const struct gr_infer_stats *gr_infer_get_stats(const struct gr_infer *inf);
void gr_infer_free(struct gr_infer *inf);

/* --- gammaray-infer --stage: a sharded run (gammaray-shard(7)) --- */
/*
 * gammaray-infer cut into stages, each a filter over lines keyed by what it must see
 * together (a request id, a log stream, a trace, a link key), so that "map | sort |
 * request | sort | ... | merge" run on many machines writes byte for byte the graph
 * one gammaray-infer writes.
 */
enum gr_infer_stage {
	GR_STAGE_NONE,
	GR_STAGE_MAP,      /* event records -> lines keyed by request id, stream, trace */
	GR_STAGE_REQUEST,  /* by request id: invocations, their causes and triggers */
	GR_STAGE_STREAM,   /* by log stream: cold starts */
	GR_STAGE_TRACE,    /* by trace: X-Ray and spans, the nodes */
	GR_STAGE_LINK,     /* by link key: writes and sends matched with their triggers */
	GR_STAGE_EFFECT,   /* by invocation: its edges, unmatched evidence */
	GR_STAGE_MERGE,    /* the graph stream in its order */
	GR_STAGE_COUNT
};

/* The stage of a name ("map", "request"...), or -1. */
int gr_infer_stage_parse(const char *name);
/* The name of a stage, or NULL. */
const char *gr_infer_stage_name(int stage);

/* How one stage runs, besides the options every stage is given alike. */
struct gr_shard_opts {
	int stage;              /* enum gr_infer_stage */
	uint32_t part;          /* map: the input is part `part` of one event stream cut
				 * into parts, numbered in order (the records' order); parts
				 * after 0 do not count the stream as a file again */
	unsigned split;         /* merge: also hand each run (a connected component) to
				 * write_run, spread over this many shards (0: no) */
	/* merge with split: a graph stream's lines of shard i (0 <= i < split). */
	int (*write_run)(void *ctx, unsigned shard, const char *data, size_t len);
	void *write_run_ctx;
	unsigned buckets;       /* the stages but the merge: hand the lines written to
				 * write_bucket, by the letter of the stage that reads them and
				 * a hash of their key (the merge's all in bucket 0), instead of
				 * the output (0: no); a driver then moves files, not lines */
	int (*write_bucket)(void *ctx, char letter, unsigned bucket, const char *data,
			    size_t len);
	void *write_bucket_ctx;
	bool unsorted;          /* the stages but the map: the lines come in any order; the
				 * stage holds all of them and orders them itself, as
				 * LC_ALL=C sort would (a driver that moves whole partitions
				 * needs no sort between the stages) */
};

struct gr_shard;

/* A stage with the run's options o (as gr_infer_new; --window is not possible). 0 or a
 * negative enum gr_err (GR_ERR_USAGE for a bad combination). */
int gr_shard_new(struct gr_shard **out, const struct gr_infer_opts *o,
		 const struct gr_shard_opts *so, struct gr_error *err);
/* Read the inputs (as gr_infer_read_inputs): event streams for the map, else the
 * sorted lines of the stage before. 0 or a negative enum gr_err. */
int gr_shard_read_inputs(struct gr_shard *sh, const char *const *paths, size_t npaths,
			 struct gr_error *err);
/* Write what is left (the merge: the graph's end). 0 or a negative enum gr_err. */
int gr_shard_finish(struct gr_shard *sh, struct gr_error *err);
/* What the stage decided (the merge: the whole run's counts, as gr_infer_get_stats). */
const struct gr_infer_stats *gr_shard_get_stats(const struct gr_shard *sh);
void gr_shard_free(struct gr_shard *sh);

/* --- gammaray-score --- */
/*
 * Compare a graph stream with a gammaray-synth truth file: edges match on
 * (from, to, kind). Sections after the edges (critical paths) are added here.
 */
struct gr_score_opts {
	bool xray_only;   /* recall over the truth edges marked "xray":true only */
	bool otel_only;   /* recall over the truth edges marked "otel":true only */
};

/* Counts of one edge kind (or all). */
struct gr_score_row {
	uint64_t truth;      /* distinct truth edges counted for recall */
	uint64_t found;      /* distinct graph edges */
	uint64_t found_ok;   /* graph edges that are truth edges (precision numerator) */
	uint64_t truth_ok;   /* counted truth edges the graph has (recall numerator) */
};

struct gr_score {
	struct gr_score_row kind[GR_INFER_KINDS]; /* by edge kind */
	struct gr_score_row all;                  /* every kind */
	uint64_t truth_nodes, graph_nodes;        /* invocations in each */
	uint64_t common_nodes;                    /* in both */
	uint64_t status_agree;                    /* common nodes with the same status */
	uint64_t fn_agree;                        /* ...and the same function */
	uint64_t time_agree;                      /* ...whose start and end are within 1 ms */
};

/* Read both files and count. st accounts for the records read (both files). */
int gr_score_run(const struct gr_score_opts *o, const char *truth, const char *graph,
		 struct gr_score *out, struct gr_stats *st, struct gr_error *err);
/* Precision (found_ok / found) and recall (truth_ok / truth); 1 when empty. */
double gr_score_precision(const struct gr_score_row *r);
double gr_score_recall(const struct gr_score_row *r);
/* The report, as a table or as one JSON object, through write. */
int gr_score_report(const struct gr_score *s, const struct gr_score_opts *o, bool json,
		    int (*write)(void *ctx, const char *data, size_t len), void *ctx);

/* --- gammaray-critpath --- */
/*
 * Critical paths: of every root invocation of a causal graph (gammaray-graph(5)),
 * across asynchronous hops (the workflow critical path, the default), or of every
 * span tree of an event stream's segment records (--request, comparable with Jaeger
 * and CRISP). Definitions in gammaray-critpath(1).
 */
enum gr_critpath_format {
	GR_CRITPATH_TEXT,      /* a report: per root function, shares on the path; slowest runs */
	GR_CRITPATH_JSON,      /* one object per root */
	GR_CRITPATH_FOLDED,    /* folded stacks (flamegraph.pl, speedscope) */
	GR_CRITPATH_CHROME,    /* Trace Event JSON of one run (Perfetto, chrome://tracing) */
	GR_CRITPATH_ANNOTATE,  /* the graph stream again, "critical":true on the paths */
};

struct gr_critpath_opts {
	enum gr_critpath_format format;
	bool request;              /* span trees of the event stream instead of the graph */
	bool slack;                /* JSON: the slack of the invocations off each path */
	bool color;                /* ANSI colour in the text report */
	const char *root;          /* only this root (request id; span id with request) */
	int top;                   /* text: slowest runs listed (5) */
	int64_t tolerance_us;      /* workflow: a synchronous callee may end this much after
				    * its caller's path moves on (1 ms: log clocks) */
	double overlap;            /* request: sibling overlap taken as clock skew, as a
				    * fraction of the parent's duration (0.01, CRISP) */
	double lengthening;        /* request: a server span may outlast its client by this
				    * factor and is moved, not clipped (1.01, CRISP) */
	int64_t since_us;          /* workflow: only runs whose root starts at or after */
	int64_t until_us;          /* ... and before (GR_TIME_UNKNOWN: no bound) */
	const char *function;      /* workflow: only runs whose root's function matches the
				    * PCRE2 pattern (whole name), or NULL */
	const char *const *what_if;/* workflow, text or JSON: changes to replay (CHANGE of
				    * --what-if, gammaray-critpath(1)); latencies before and
				    * after per root function instead of the paths */
	size_t nwhat_if;           /* their number (0: no what-if) */
	struct gr_prices *prices;  /* workflow, text or JSON: what the runs cost, on their
				    * paths and off them (gammaray-prices(5)); NULL: no cost */
	bool strict;               /* the first lost record or file is a fatal error */
	size_t max_line;           /* longest input line (0: GR_DEFAULT_MAX_LINE) */
	/* Output sink (whole lines); returns 0 or a negative enum gr_err, which stops. */
	int (*write)(void *ctx, const char *data, size_t len);
	void *write_ctx;
	/* Each lost record as it is met (severity 1); may be NULL. */
	void (*diag)(void *ctx, int severity, const struct gr_error *e);
	void *diag_ctx;
	/* Progress while reading; may be NULL. */
	void (*progress)(void *ctx, const struct gr_progress *p);
	void *progress_ctx;
};

/* What a run found, for the summary line. */
struct gr_critpath_summary {
	uint64_t roots;            /* roots (span trees with request) */
	uint64_t runs;             /* of which analysed and written */
	uint64_t untimed;          /* roots without a start, or nothing reachable ending */
	uint64_t filtered;         /* roots left out by since, until or function */
	uint64_t fallbacks;        /* paths that met a cycle (see gammaray-critpath(1)) */
	uint64_t nodes, edges;     /* invocations and edges read (spans with request) */
	uint64_t wi_removed;       /* what-if: invocations removed */
	uint64_t wi_unmoved;       /* what-if: invocations without times, kept as they were */
	uint64_t wi_forced;        /* what-if: invocations replayed out of causal order */
	uint64_t cost_known;       /* with prices: invocations of the graph priced */
	uint64_t cost_unknown;     /* ...and of unknown cost (no billing fields) */
};

/* Defaults: text, top 5, tolerance 1 ms, overlap 0.01, lengthening 1.01. */
void gr_critpath_opts_init(struct gr_critpath_opts *o);

/* Read every input (none: "-") and write the chosen output. Returns 0 when the run
 * went through (st says what was lost), else a negative enum gr_err (err says where:
 * an unreadable input, a wrong stream, an unknown --root, an output error). */
int gr_critpath(const struct gr_critpath_opts *o, const char *const *paths, size_t npaths,
		struct gr_stats *st, struct gr_critpath_summary *sum, struct gr_error *err);

/* Agreement of the workflow critical paths of a graph with a truth file's
 * {"type":"critpath"} records (gammaray-synth): per truth root, the same path (the
 * same request ids, root to sink) and a latency within 1 ms or 1%. */
struct gr_critpath_agreement {
	uint64_t truth_roots;      /* critpath records in the truth */
	uint64_t found;            /* of which the graph has a run for that root */
	uint64_t path_ok;          /* ...with the same path */
	uint64_t latency_ok;       /* ...with the latency within tolerance */
	uint64_t agree;            /* both */
	uint64_t exact;            /* the same path, sink and latency to the microsecond */
	uint64_t extra;            /* graph runs whose root the truth does not list */
};

/* Score the graph file against the truth file (gr_graph_read on both; the truth's
 * critpath records are the reference). st accounts for the records read. */
int gr_critpath_score(const char *truth, const char *graph, struct gr_critpath_agreement *out,
		      struct gr_stats *st, struct gr_error *err);
/* The same with the runs read from a `gammaray-critpath --json` output (one object
 * per line: root, sink, latency_us, path[].id) instead of computed. */
int gr_critpath_score_json(const char *truth, const char *runs,
			   struct gr_critpath_agreement *out, struct gr_stats *st,
			   struct gr_error *err);
/* agree / truth_roots (1 when there is no truth root). */
double gr_critpath_agreement_share(const struct gr_critpath_agreement *a);
/* The agreement as two lines of text, or as one JSON object {"critpath":{...}}. */
int gr_critpath_agreement_report(const struct gr_critpath_agreement *a, bool json,
				 int (*write)(void *ctx, const char *data, size_t len), void *ctx);

#endif
