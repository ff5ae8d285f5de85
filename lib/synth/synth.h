/* synth.h: gammaray-synth internals: Lambda application simulator, its writers and truth (lib-internal). */
#ifndef GR_SYNTH_H
#define GR_SYNTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zlib.h>

#include "common/buf.h"
#include "gammaray.h"

#define SY_NONE UINT32_MAX
#define SY_MAX_ACTS 6        /* actions per function handler */
#define SY_MAX_SUBS 4        /* subscribers per resource */
#define SY_MAX_DEPTH 6       /* nesting of synchronous invocations being simulated */
#define SY_MAX_ATTEMPTS 3    /* Lambda async: the first attempt and two retries */
#define SY_MAX_LINKS 20      /* X-Ray span links per segment */
#define SY_ACCOUNT "123456789012"

/* ---------------------------------------------------------------------------
 * Random numbers: splitmix64 streams, and distributions built only from + - * / so
 * that a seed gives the same output on every IEEE machine.
 *
 * The workload draws each decision from a stream of its own, keyed by what the
 * decision is about (a run, an invocation, an attempt, an action, a call) and not by
 * how many draws came before it: a run re-simulated with a change (--what-if) makes
 * every decision the change does not reach exactly as before (request ids, trace
 * ids and the segment ids logs show included). Only output details come from
 * sequential streams: the ids the X-Ray writer and OpenTelemetry spans add, file
 * order, ingestion times.
 */
struct gr_sy_rng {
	uint64_t s; /* splitmix64 state: the next draw is mix(s + golden gamma) */
};

/* A key derived from key k and value v (different v, different keys). */
uint64_t gr_sy_key(uint64_t k, uint64_t v);
void gr_sy_rng_seed(struct gr_sy_rng *r, uint64_t seed);
/* Set r to the stream of decision v of key k; returns r. */
struct gr_sy_rng *gr_sy_rng_keyed(struct gr_sy_rng *r, uint64_t k, uint64_t v);
uint64_t gr_sy_rng_next(struct gr_sy_rng *r);
/* Uniform in [0, 1). */
double gr_sy_rng_unit(struct gr_sy_rng *r);
/* Uniform in [lo, hi] (inclusive). */
int64_t gr_sy_rng_range(struct gr_sy_rng *r, int64_t lo, int64_t hi);
bool gr_sy_rng_chance(struct gr_sy_rng *r, double p);
/* Log-normal-like: median * exp(sigma * z), z ~ N(0,1) (Irwin-Hall), clamped to
 * [median / 20, median * 20]. */
int64_t gr_sy_rng_lognorm(struct gr_sy_rng *r, int64_t median, double sigma);
/* Exponential with the given mean. */
int64_t gr_sy_rng_exp(struct gr_sy_rng *r, double mean);
void gr_sy_rng_bytes(struct gr_sy_rng *r, uint8_t *out, size_t n);
/* A version 4 UUID's 16 bytes. */
void gr_sy_rng_uuid(struct gr_sy_rng *r, uint8_t out[16]);
/* exp and natural log from basic arithmetic (bit-reproducible). */
double gr_sy_exp(double x);
double gr_sy_log(double x);

/* ---------------------------------------------------------------------------
 * Formatting without printf on the hot paths. Each returns the bytes written; no
 * terminator unless stated.
 */
size_t gr_sy_fmt_u64(uint64_t v, char *out);
size_t gr_sy_fmt_u64_pad(uint64_t v, int width, char *out);
/* v in decimal, zero-padded to at least width digits (more when it needs them). */
size_t gr_sy_fmt_u64_min(uint64_t v, int width, char *out);
/* v as 8 lower-case hex digits. */
size_t gr_sy_fmt_hex32(uint32_t v, char *out);
size_t gr_sy_fmt_i64(int64_t v, char *out);
size_t gr_sy_fmt_hex(const uint8_t *b, size_t n, char *out);
size_t gr_sy_fmt_hex_upper(const uint8_t *b, size_t n, char *out);
size_t gr_sy_fmt_uuid(const uint8_t id[16], char *out);        /* 36 chars */
size_t gr_sy_fmt_trace(const uint8_t t[16], char *out);        /* 35 chars, 1-8hex-24hex */
size_t gr_sy_fmt_id64(uint64_t id, char *out);                 /* 16 hex */
/* "2024-05-01T12:00:00.123Z" (24 chars): us truncated to the millisecond. */
size_t gr_sy_fmt_iso_ms(int64_t us, char *out);
/* "2024-05-01T12:00:00Z" (20 chars). */
size_t gr_sy_fmt_iso_s(int64_t us, char *out);
/* "2024/05/01" of a time. */
size_t gr_sy_fmt_date_slash(int64_t us, char *out);
/* Milliseconds with two decimals from microseconds ("12.34"; rounds to 10 us). */
size_t gr_sy_fmt_ms2(int64_t us, char *out);
/* Epoch seconds "1714564800.123456" and "1.714564800123456E9" (trailing zeros cut). */
size_t gr_sy_fmt_secs(int64_t us, char *out);
size_t gr_sy_fmt_secs_e(int64_t us, char *out);

/* Append s[0..n) as a JSON string literal: gr_json_escape, faster on ASCII text. */
int gr_sy_json_str(struct gr_buf *b, const char *s, size_t n);
/* Create a directory and its parents (mode 0777 & umask). */
int gr_sy_mkdirs(const char *path, struct gr_error *err);
/* Write a whole file (created or truncated). */
int gr_sy_write_file(const char *path, const void *data, size_t n, struct gr_error *err);
/* snprintf into a path buffer; GR_ERR_LIMIT when it does not fit. */
int gr_sy_path(char *out, size_t size, struct gr_error *err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* ---------------------------------------------------------------------------
 * Topologies: static descriptions of applications (synth_apps.c).
 */

/* Services that cause invocations: also the kinds of truth edges. */
enum gr_sy_kind { SY_K_S3, SY_K_DDB, SY_K_SNS, SY_K_SQS, SY_K_KIN, SY_K_LAMBDA, SY_K_EVENTS,
	       SY_K_COUNT };

/* Why an invocation ran. */
enum gr_sy_trig {
	SY_T_S3,          /* S3 event notification (async) */
	SY_T_DDB,         /* DynamoDB stream batch (poller) */
	SY_T_SNS,         /* SNS subscription (async) */
	SY_T_SQS,         /* SQS batch (poller) */
	SY_T_KIN,         /* Kinesis batch (poller) */
	SY_T_INVOKE,      /* Lambda Invoke, InvocationType Event (async) */
	SY_T_INVOKE_SYNC, /* Lambda Invoke, RequestResponse */
	SY_T_EVENTS,      /* EventBridge rule target (async) */
	SY_T_SCHEDULE,    /* root: EventBridge schedule (async) */
	SY_T_APIGW,       /* root: API Gateway (sync) */
	SY_T_SNS_EXT,     /* root: SNS message published from outside (async) */
};

enum gr_sy_runtime { SY_PY, SY_NODE };
/* OpenTelemetry instrumentation of a function (--traces otel): see gammaray-synth(1). */
enum gr_sy_otel { SY_O_ADOT_PY, SY_O_PY, SY_O_ADOT_NODE, SY_O_JS };
enum gr_sy_logfmt { SY_TEXT, SY_JSON };
enum gr_sy_status { SY_OK, SY_ERROR, SY_TIMEOUT };

/* What a handler does, in order. */
enum gr_sy_act_kind {
	SY_A_END = 0,     /* end of the list */
	SY_A_S3_PUT,      /* PutObject, one call per object */
	SY_A_DDB_PUT,     /* PutItem, one call per item */
	SY_A_DDB_BATCH,   /* one BatchWriteItem of several items */
	SY_A_SNS_PUB,     /* Publish */
	SY_A_SQS_SEND,    /* SendMessage, one call per message */
	SY_A_SQS_BATCH,   /* one SendMessageBatch */
	SY_A_KIN_PUT,     /* PutRecord, one call per record */
	SY_A_KIN_PUTS,    /* one PutRecords */
	SY_A_EB_PUT,      /* one PutEvents of several entries */
	SY_A_INVOKE,      /* Lambda Invoke, Event, one call per callee */
	SY_A_INVOKE_SYNC, /* Lambda Invoke, RequestResponse */
	SY_A_OTHER,       /* an SDK call that triggers nothing (X-Ray only) */
};

enum gr_sy_act_flag {
	SY_F_SET_EXPECT = 1 << 0, /* the count sets how many completions the run expects */
	SY_F_ONLY_LAST = 1 << 1,  /* only by the invocation that completes the expectation */
	SY_F_BACKUP = 1 << 2,     /* sometimes one extra speculative callee, same argument */
	SY_F_DEPTH = 1 << 3,      /* only while the run's recursion depth allows */
	SY_F_ARG_COUNT = 1 << 4,  /* count = the invocation's argument */
	SY_F_PASS_INDEX = 1 << 5, /* each callee's argument is its index */
	SY_F_REC_COUNT = 1 << 6,  /* argument passed = records in this invocation's batch */
	SY_F_SOMETIMES = 1 << 7,  /* done by about half of the invocations */
};

/* How a resource names its objects or items. */
enum gr_sy_keyfmt {
	SY_KEY_UNIQUE, /* a fresh key per write */
	SY_KEY_PART,   /* job-<run>/part-<arg>: writers with the same argument race */
	SY_KEY_DEPTH,  /* d<depth>/<unique>.html */
	SY_KEY_POOL,   /* one of a few dozen keys: writes to the same key race */
	SY_KEY_IMAGE,  /* ImageId + Label */
};

struct gr_sy_act_def {
	uint8_t kind;       /* enum gr_sy_act_kind */
	uint8_t min, max;   /* how many calls, items or messages */
	uint16_t flags;     /* enum gr_sy_act_flag */
	uint16_t ms;        /* median compute before the action, ms */
	uint16_t lat_ms;    /* SY_A_OTHER: median latency of the call, ms */
	const char *target; /* resource or function name */
	const char *svc;    /* SY_A_OTHER: X-Ray service name */
	const char *op;     /* SY_A_OTHER: operation */
};

struct gr_sy_fn_def {
	const char *name;   /* function name (and log group /aws/lambda/<name>) */
	uint8_t runtime;    /* enum gr_sy_runtime */
	uint8_t fmt;        /* enum gr_sy_logfmt */
	uint8_t region;     /* index into gr_sy_region_name */
	bool no_caller;     /* does not pass its request id to the functions it invokes */
	uint16_t mem_mb;    /* configured memory */
	uint16_t timeout_s; /* configured timeout */
	uint16_t work_ms;   /* median handler compute before the first action */
	uint16_t init_ms;   /* median cold-start init */
	struct gr_sy_act_def acts[SY_MAX_ACTS]; /* the handler, ended by SY_A_END */
};

struct gr_sy_res_def {
	const char *name;               /* bucket, table, topic, queue, stream or bus */
	uint8_t kind;                   /* enum gr_sy_kind */
	uint8_t region;                 /* index into gr_sy_region_name */
	uint8_t keyfmt;                 /* enum gr_sy_keyfmt */
	bool versioned;                 /* S3: versioning on */
	uint8_t batch;                  /* pollers: most records per invocation */
	uint16_t win_min_ms;            /* pollers: delay from a batch's first record... */
	uint16_t win_max_ms;            /* ...to the invocation that takes it */
	const char *subs[SY_MAX_SUBS];  /* subscribed functions (NULL-terminated) */
};

struct gr_sy_root_def {
	const char *fn;     /* function started from outside */
	uint8_t trig;       /* SY_T_SCHEDULE, SY_T_APIGW or SY_T_SNS_EXT */
	uint8_t weight;     /* share of runs */
	const char *topic;  /* SY_T_SNS_EXT: the topic */
};

struct gr_sy_app_def {
	const char *name;                 /* --app NAME */
	const char *summary;              /* one line for --list-apps */
	const struct gr_sy_fn_def *fns;
	size_t nfns;
	const struct gr_sy_res_def *res;
	size_t nres;
	const struct gr_sy_root_def *roots;
	size_t nroots;
};

extern const char *const gr_sy_region_name[];
/* The applications; the last one is "mixed" (every other one at once). */
extern const struct gr_sy_app_def *const gr_sy_apps[];
extern const size_t gr_sy_napps;

/* ---------------------------------------------------------------------------
 * The truth graph: invocations (nodes) and causal edges (synth_truth.c).
 */
enum gr_sy_node_flag {
	SY_N_COLD = 1 << 0,    /* the final attempt started an environment */
	SY_N_SAMPLED = 1 << 1, /* traced by X-Ray (trace is set) */
	SY_N_ROOT = 1 << 2,    /* started from outside */
	SY_N_DONE = 1 << 3,    /* its final attempt ran */
};

struct gr_sy_node {
	int64_t start_us;  /* start of the final attempt, init included */
	int64_t end_us;    /* end of the final attempt */
	int32_t init_us;   /* init duration of the final attempt (0 when warm) */
	uint16_t fn;       /* function index */
	uint8_t status;    /* enum gr_sy_status */
	uint8_t flags;     /* enum gr_sy_node_flag */
	uint8_t id[16];    /* request id (UUID bytes) */
	uint8_t trace[16]; /* X-Ray trace id: 4 bytes epoch seconds, 12 random */
};

struct gr_sy_edge {
	int64_t cause_us; /* when the cause happened (see the truth format) */
	uint32_t from;    /* node index of the cause */
	uint32_t to;      /* node index of the effect */
	uint8_t kind;     /* enum gr_sy_kind */
	uint8_t sync;     /* the caller waited (synchronous Invoke) */
	uint8_t xray;     /* X-Ray alone shows this edge */
	uint8_t otel;     /* OpenTelemetry spans alone show this edge */
};

/* Adjacency over nodes and edges, for critical paths. */
struct gr_sy_graph {
	const struct gr_sy_node *nodes; /* not owned */
	size_t nn;
	const struct gr_sy_edge *edges; /* not owned */
	size_t ne;
	uint32_t *out_off;           /* CSR: edges leaving node i are out_idx[out_off[i]..] */
	uint32_t *out_idx;
	uint32_t *in_off;            /* CSR: edges entering node i */
	uint32_t *in_idx;
	uint32_t *mark;              /* per node: epoch of the last search that reached it */
	uint32_t epoch;              /* current search */
	uint32_t *queue;             /* search queue (nn entries) */
};

int gr_sy_graph_init(struct gr_sy_graph *g, const struct gr_sy_node *nodes, size_t nn,
		  const struct gr_sy_edge *edges, size_t ne);
void gr_sy_graph_release(struct gr_sy_graph *g);
/*
 * The workflow critical path of root r, as gammaray-critpath defines it: R = the
 * invocations reachable from r; the sink is the one in R with the latest end (ties:
 * the smallest request id); walk back from the sink, at each invocation following the
 * incoming edge from R with the latest cause time (ties: the smallest request id of
 * the cause), until r. path (room for nn entries) receives the path from r to the
 * sink; returns its length (1 when r is its own sink).
 */
size_t gr_sy_graph_critpath(struct gr_sy_graph *g, uint32_t r, uint32_t *path, uint32_t *sink,
			 int64_t *latency_us);

/* Edge kind names as in the truth and graph streams: "s3", "dynamodb"... */
extern const char *const gr_sy_kind_name[];

/* ---------------------------------------------------------------------------
 * The simulation (synth_sim.c) and its writers (synth_logs.c, synth_xray.c,
 * synth_truth.c).
 */
struct gr_sy_req;

/* A subscription of a function to a resource, with its open batch. */
struct gr_sy_sub {
	uint32_t fn;            /* subscribed function */
	uint32_t res;           /* resource */
	struct gr_sy_req *open;    /* pollers: the batch still taking records, or NULL */
	int64_t fire;           /* when that batch is taken */
};

struct gr_sy_res {
	const struct gr_sy_res_def *def; /* static description */
	uint32_t sub0, nsub;          /* subscriptions gr_sy_sim.subs[sub0 .. sub0+nsub) */
	uint64_t seq;                 /* stream / sequencer counter */
	uint8_t pool_seen[8];         /* SY_KEY_POOL: which of the 64 keys exist (MODIFY) */
	char arn[160];                /* ARN */
	char url[160];                /* SQS queue URL */
};

/* One execution environment and its log stream. */
struct gr_sy_env {
	int64_t busy_until;   /* free from this time on */
	int64_t last_ms;      /* time of its last event */
	int64_t ttl_us;       /* idle time after which Lambda reclaims it */
	uint32_t fn;          /* function */
	uint32_t live;        /* index in gr_sy_sim.live, SY_NONE when nothing is buffered */
	uint32_t chunk;       /* next export file number */
	uint32_t attempts;    /* invocations run in it */
	bool dir_made;        /* its export directory exists */
	uint8_t name_len;     /* length of name */
	char name[72];        /* log stream name, YYYY/MM/DD/[$LATEST]<32 hex> */
	struct gr_buf buf;    /* export text not yet written */
	uint32_t *ev;         /* offset of each buffered event in buf */
	size_t nev, cap_ev;   /* buffered events, room in ev */
};

struct gr_sy_fn {
	const struct gr_sy_fn_def *def;   /* static description */
	uint32_t app;                  /* index of the application it belongs to */
	uint32_t name_len;             /* strlen(def->name) */
	char arn[160];                 /* function ARN */
	uint8_t task[16];              /* export task id */
	struct gr_sy_env **free;          /* idle environments, most recently freed last */
	size_t nfree, cap_free;
	struct gr_sy_env **busy;          /* busy environments: min-heap on busy_until */
	size_t nbusy, cap_busy;
	uint64_t attempts;             /* attempts run */
	uint64_t envs;                 /* environments created */
	uint32_t target[SY_MAX_ACTS];  /* resolved resource or function of each action */
	double speed;                  /* --what-if: handler time divided by this (1) */
	bool no_cold;                  /* --what-if: environments start initialised */
	bool removed;                  /* --what-if: never invoked */
	int64_t first_ms, last_ms;     /* first and last event (export task range) */
	struct gr_buf page;            /* filter-log-events: the page being filled */
	uint32_t page_events;          /* events in page */
	uint32_t pageno;               /* pages written */
	bool dir_made;                 /* its output directory exists */
	uint8_t otel;                  /* enum gr_sy_otel: its instrumentation */
	struct gr_buf spans;           /* ADOT: aws/spans export text not yet written */
	uint32_t span_lines;           /* lines in spans */
	uint32_t span_chunk;           /* next aws/spans export file number */
};

/* A cause record: one write, message or event on its way to a consumer. */
struct gr_sy_rec {
	struct gr_sy_rec *next; /* next record of the same request (or free list) */
	int64_t cause_us;    /* when the producer's call completed */
	uint32_t producer;   /* node of the producer */
	uint32_t res;        /* resource */
	uint32_t run;        /* key material: run, argument, unique number, depth */
	uint32_t arg;
	uint64_t uniq;       /* 53 bits of the record's identity, or the image's */
	uint16_t depth;
	uint8_t sampled;     /* the producer's trace is sampled */
	uint8_t modify;      /* DynamoDB: the item existed (MODIFY) */
	uint8_t linked;      /* SQS: the consumer's segment links to it (1), or to the
				same subsegment through an earlier record (2) */
	uint8_t id[16];      /* message id, event id or ETag */
	uint8_t ver[16];     /* S3 version id material */
	uint64_t seq;        /* stream sequence number or S3 sequencer */
	uint8_t xtrace[16];  /* the producer's X-Ray trace */
	uint64_t xseg;       /* the producer's SDK call subsegment (SQS span link) */
	uint64_t xfn;        /* the producer's AWS::Lambda::Function segment (AWSTraceHeader) */
	uint8_t otrace[16];  /* OpenTelemetry: the producer's trace */
	uint64_t ospan;      /* ...and its send span */
	uint8_t oflags;      /* SY_R_ADOT, SY_R_MSGID */
	uint64_t key;        /* identity: the producer's call, the item, the subscriber */
};

enum gr_sy_rec_flag {
	SY_R_ADOT = 1 << 0,  /* the producer is ADOT: AWSTraceHeader names its span */
	SY_R_MSGID = 1 << 1, /* its send span carries messaging.message.id */
};

/* A sampled X-Ray trace whose segments are being collected. */
struct gr_sy_trace {
	uint8_t id[16];        /* trace id */
	int refs;              /* requests and invocations that may still add segments */
	int64_t tmin, tmax;    /* time span of its segments */
	uint32_t nseg;         /* segments in segs */
	struct gr_buf segs;    /* {"Id":...,"Document":"..."} entries, comma-separated */
	struct gr_sy_trace *next; /* free list */
};

/* A request for an invocation (or a retry of one) waiting for its time. */
struct gr_sy_req {
	int64_t t;                  /* when the Lambda service has it */
	uint64_t key;               /* identity of the invocation: its decisions' streams */
	int64_t arrive;             /* first arrival (X-Ray dwell start) */
	int64_t cause_us;           /* Invoke: call end (Event) or call start (sync) */
	uint32_t node;              /* the invocation, SY_NONE until first processed */
	uint32_t fn;                /* function */
	uint32_t caller;            /* Invoke: the calling node */
	uint32_t run;               /* root run */
	uint32_t arg;               /* argument (partition index, record count) */
	uint16_t depth;             /* recursion depth */
	uint8_t trig;               /* enum gr_sy_trig */
	uint8_t attempt;            /* 0-based attempt */
	uint8_t sampled;            /* continues a sampled trace */
	uint8_t propagate;          /* Invoke: the caller passed its request id */
	uint16_t nrec;              /* records in recs */
	struct gr_sy_rec *recs;        /* cause records (batches, S3, SNS, EventBridge) */
	struct gr_sy_rec *recs_tail;
	struct gr_sy_trace *trace;     /* trace continued or started (sampled only) */
	uint64_t parent_seg;        /* X-Ray parent of the AWS::Lambda segment, 0 if none */
	uint64_t svc_seg;           /* the AWS::Lambda segment id */
	struct gr_sy_sub *acc;         /* pollers: the subscription whose open batch this is */
	int64_t att_start[SY_MAX_ATTEMPTS]; /* attempts so far: start, end, failed */
	int64_t att_end[SY_MAX_ATTEMPTS];
	uint8_t att_fault[SY_MAX_ATTEMPTS];
	uint8_t ext[16];            /* roots: API Gateway request id or SNS message id */
	uint8_t otrace[16];         /* OpenTelemetry trace of its spans */
	uint64_t oparent;           /* parent of its SERVER span, 0 for a root */
	uint64_t oserver;           /* the SERVER span of the current attempt */
	uint64_t fn_seg;            /* the X-Ray function segment of the current attempt */
	uint8_t ocarried;           /* a W3C context came with the event (otrace, oparent) */
	struct gr_sy_req *next;        /* free list */
};

/* One SDK call of the attempt being simulated (for its X-Ray subsegment). */
struct gr_sy_call {
	int64_t t0, t1;      /* call start and end */
	uint64_t seg;        /* subsegment id */
	uint64_t inferred;   /* X-Ray inferred/service segment id, 0 if none */
	const struct gr_sy_act_def *act; /* the action */
	uint32_t target;     /* resource or function index */
	uint32_t n;          /* items, messages, entries */
	uint32_t callee;     /* Invoke: callee node */
	uint64_t ospan;      /* OpenTelemetry: its CLIENT span */
	uint8_t reqid[16];   /* AWS request id of the call */
	uint8_t msg[16];     /* SendMessage: message id */
	struct gr_sy_rec key;   /* S3: the object written (bucket_name, key) */
	uint8_t fault;       /* the call failed or was cut by a timeout */
	uint8_t callee_err;  /* Invoke: FunctionError */
};

/* An application log line of the attempt being simulated. */
struct gr_sy_line {
	int64_t t;      /* when it was logged */
	uint32_t off;   /* message in gr_sy_ctx.text */
	uint32_t len;
};

/* Scratch state of one attempt (one per nesting level of synchronous calls). */
struct gr_sy_ctx {
	struct gr_buf text;    /* application messages, complete with runtime prefix */
	struct gr_sy_line *lines; /* their times and places in text */
	size_t nlines, cap_lines;
	struct gr_sy_call *calls; /* SDK calls */
	size_t ncalls, cap_calls;
};

struct gr_sy_heap_item {
	int64_t t;          /* due time */
	uint64_t seq;       /* insertion order: ties are FIFO, so runs are deterministic */
	struct gr_sy_req *req; /* the request */
};

struct gr_sy_sim {
	const struct gr_synth_opts *o;   /* options */
	struct gr_synth_stats *st;       /* counters */
	struct gr_error *err;            /* first error */
	int rc;                          /* sticky error code, 0 while all is well */
	uint64_t key;                    /* the workload: every decision's stream derives
					    from it (times, counts, failures, request ids) */
	struct gr_sy_rng xrng;              /* X-Ray writer: the segment ids it adds */
	struct gr_sy_rng orng;              /* output cosmetics: chunk order, ingestion times */
	struct gr_sy_rng trng;              /* OpenTelemetry only: span and new trace ids */
	bool otel;                       /* write OpenTelemetry spans */
	const struct gr_sy_app_def *app;    /* the chosen application */

	/* world */
	struct gr_sy_fn *fns;               /* functions */
	size_t nfns;
	struct gr_sy_res *res;              /* resources */
	size_t nres;
	struct gr_sy_sub *subs;             /* subscriptions */
	size_t nsubs;
	const struct gr_sy_root_def **roots;/* root definitions with their functions... */
	uint32_t *root_fn;               /* ...resolved */
	uint32_t *root_res;              /* ...and SNS topics (SY_NONE if none) */
	uint32_t *root_cum;              /* cumulative weights */
	size_t nroots;

	/* time line */
	struct gr_sy_heap_item *heap;       /* pending requests, min-heap on (t, seq) */
	size_t nheap, cap_heap;
	uint64_t heap_seq;
	int64_t now;                     /* time of the request being processed */
	uint64_t runs_started;
	int64_t next_root;               /* when the next root starts */
	uint16_t *run_expect;            /* per run: completions expected (map-reduce) */
	uint16_t *run_seen;              /* per run: completions seen */
	uint8_t *run_depth;              /* per run: recursion depth allowed */
	size_t cap_runs;
	int64_t hop_set[GR_SYNTH_HOP_KINDS]; /* --what-if: delay=KIND:TIME, -1 when unset */
	double hop_mul[GR_SYNTH_HOP_KINDS];  /* --what-if: delay=KIND:xF (1) */
	int64_t res_second;              /* X-Ray reservoir: current second... */
	uint32_t res_used;               /* ...and traces taken from it */

	/* truth */
	struct gr_sy_node *nodes;
	size_t nnodes, cap_nodes;
	struct gr_sy_edge *edges;
	size_t nedges, cap_edges;

	/* pools */
	struct gr_sy_req *free_reqs;
	struct gr_sy_rec *free_recs;
	struct gr_sy_trace *free_traces;
	struct gr_sy_trace **traces;        /* every trace allocated (to release them) */
	size_t ntraces, cap_traces;
	void **blocks;                   /* slabs behind the pools */
	size_t nblocks, cap_blocks;
	struct gr_sy_ctx ctx[SY_MAX_DEPTH];

	/* output */
	char dir[3072];                  /* output directory */
	struct gr_sy_pool *pool;            /* compression threads, NULL to compress inline */
	z_stream z;                      /* gzip compressor (export files) */
	bool z_ready;
	struct gr_buf zout;              /* compressed file */
	struct gr_buf shuf;              /* a chunk in its shuffled order */
	struct gr_buf msg;               /* one log message being built */
	struct gr_buf tmp;               /* marker JSON, segment documents */
	struct gr_buf tmp2;
	struct gr_sy_env **live;            /* environments with buffered export text */
	size_t nlive, cap_live;
	size_t buffered;                 /* bytes buffered across them */
	struct gr_buf xpage;             /* X-Ray page being filled */
	uint32_t xpage_traces;           /* traces in it */
	uint32_t xpageno;                /* pages written */
	uint64_t event_counter;          /* filter-log-events event ids */
	struct gr_buf otlp;              /* OTLP/JSON file being filled */
	uint32_t otlp_n;                 /* resourceSpans in it */
	uint32_t otlp_no;                /* OTLP files written */
	uint8_t span_task[16];           /* the aws/spans export task id */
	z_stream oz;                     /* gzip compressor (aws/spans files) */
	bool oz_ready;
	struct gr_buf ozout;             /* a compressed aws/spans file */
};

/* synth_sim.c */
/* Resolve the application's functions, resources and roots. */
int gr_sy_world_build(struct gr_sy_sim *s, const char *app);
/* Run the simulation to its end (s->rc says whether it went through). */
void gr_sy_sim_loop(struct gr_sy_sim *s);
/* An environment Lambda reclaimed, or the end: write its last export file, free it. */
void gr_sy_env_retire(struct gr_sy_sim *s, struct gr_sy_env *e);
/* Record the first error (s->err gets a generic message unless already set). */
void gr_sy_fail(struct gr_sy_sim *s, int rc);
void *gr_sy_alloc_array(struct gr_sy_sim *s, void *p, size_t *cap, size_t need, size_t elem);
struct gr_sy_rec *gr_sy_rec_new(struct gr_sy_sim *s);
void gr_sy_rec_free_list(struct gr_sy_sim *s, struct gr_sy_rec *r);

/* synth_logs.c: log lines and their files */
/* Start and finish one log message in s->msg; gr_sy_log_emit appends it to env's stream. */
void gr_sy_log_emit(struct gr_sy_sim *s, struct gr_sy_env *env, int64_t t_us, const char *msg,
		 size_t len);
/* Append the application line "msg" of the runtime to ctx (with prefix). */
void gr_sy_log_app(struct gr_sy_sim *s, struct gr_sy_ctx *c, const struct gr_sy_fn *fn,
		const uint8_t reqid[16], int64_t t, const char *level, const char *msg,
		size_t len);
/* A line printed without the runtime's prefix (Python print()). */
void gr_sy_log_raw(struct gr_sy_sim *s, struct gr_sy_ctx *c, int64_t t, const char *msg, size_t len);
/* The unhandled-error record of the runtime. */
void gr_sy_log_error(struct gr_sy_sim *s, struct gr_sy_ctx *c, const struct gr_sy_fn *fn,
		  const uint8_t reqid[16], int64_t t);
/* Platform lines of one attempt around the application lines of ctx. */
struct gr_sy_attempt {
	const uint8_t *reqid;   /* request id */
	int64_t init_start;     /* cold: INIT_START time, else 0 */
	int32_t init_us;        /* cold: init duration */
	int64_t start;          /* START (ms-aligned) */
	int64_t end;            /* START + duration */
	int32_t mem_used;       /* Max Memory Used, MB */
	uint8_t status;         /* enum gr_sy_status */
	bool sampled;           /* the REPORT carries the XRAY tail */
	const uint8_t *trace;   /* trace id when sampled */
	uint64_t svc_seg;       /* AWS::Lambda segment id */
	uint64_t fn_seg;        /* AWS::Lambda::Function segment id */
};
void gr_sy_log_attempt(struct gr_sy_sim *s, struct gr_sy_env *env, struct gr_sy_ctx *c,
		    const struct gr_sy_attempt *a);
/* Write one environment's buffered events as the next export file. */
void gr_sy_log_flush_env(struct gr_sy_sim *s, struct gr_sy_env *env);
/* Bound the buffered text: flush the largest streams when over the budget. */
void gr_sy_log_budget(struct gr_sy_sim *s);
/* Start the compression threads (o->jobs - 1 of them), if any. */
int gr_sy_log_start(struct gr_sy_sim *s);
/* End of run: every stream, every page, export-tasks.json; threads joined. */
void gr_sy_log_finish(struct gr_sy_sim *s);
void gr_sy_log_release(struct gr_sy_sim *s);

/* synth_xray.c */
/* A new trace at time t, its random bits from key. */
struct gr_sy_trace *gr_sy_trace_new(struct gr_sy_sim *s, int64_t t, uint64_t key);
void gr_sy_trace_ref(struct gr_sy_trace *t);
void gr_sy_trace_unref(struct gr_sy_sim *s, struct gr_sy_trace *t);
/* Add a segment document (s->tmp holds it) with the given id and time span. */
void gr_sy_trace_add(struct gr_sy_sim *s, struct gr_sy_trace *t, uint64_t id, int64_t t0, int64_t t1);
void gr_sy_xray_function(struct gr_sy_sim *s, struct gr_sy_trace *tr, const struct gr_sy_fn *fn,
		      const struct gr_sy_ctx *c, const struct gr_sy_attempt *a, int64_t fn_end);
void gr_sy_xray_service(struct gr_sy_sim *s, struct gr_sy_trace *tr, const struct gr_sy_fn *fn,
		     const struct gr_sy_req *rq, const struct gr_sy_node *n);
void gr_sy_xray_apigw(struct gr_sy_sim *s, struct gr_sy_trace *tr, const struct gr_sy_fn *fn,
		   const struct gr_sy_req *rq, uint64_t seg, uint64_t sub, int64_t t0, int64_t t1);
void gr_sy_xray_sns_ext(struct gr_sy_sim *s, struct gr_sy_trace *tr, const struct gr_sy_res *topic,
		     uint64_t seg, int64_t t0, int64_t t1);
void gr_sy_xray_finish(struct gr_sy_sim *s);

/* Key material of a record as the strings AWS shows. */
size_t gr_sy_s3_key(const struct gr_sy_sim *s, const struct gr_sy_rec *r, char *out, size_t size);
/* DynamoDB keys as a JSON object, plain ({"Id":"7"}) or typed ({"Id":{"S":"7"}}). */
void gr_sy_ddb_keys(struct gr_buf *b, const struct gr_sy_sim *s, const struct gr_sy_rec *r, bool typed);

/* synth_otel.c: OpenTelemetry spans */
/* The instrumentation of a function, by its name and runtime. */
int gr_sy_otel_flavour(const struct gr_sy_fn_def *fd);
/* At an invocation's first attempt: its trace (continued or new). */
void gr_sy_otel_begin(struct gr_sy_sim *s, struct gr_sy_req *rq);
/* An Invoke call cl of caller rq passes context to the callee's request q. */
void gr_sy_otel_pass(struct gr_sy_sim *s, const struct gr_sy_req *rq, const struct gr_sy_fn *caller,
		  const struct gr_sy_call *cl, struct gr_sy_req *q);
/* The spans of one attempt: SERVER (CONSUMER with links for SQS), CLIENT per call. */
void gr_sy_otel_attempt(struct gr_sy_sim *s, struct gr_sy_fn *fn, const struct gr_sy_req *rq,
		     const struct gr_sy_ctx *c, const struct gr_sy_attempt *a);
/* Does the SQS record r show its producer to consumer function fn through spans? */
bool gr_sy_otel_sqs_shown(const struct gr_sy_fn *fn, const struct gr_sy_rec *r);
/* End of run: the rest of every file. */
void gr_sy_otel_finish(struct gr_sy_sim *s);
void gr_sy_otel_release(struct gr_sy_sim *s);
/* gzip data[0..len) into out (a fixed header: the same bytes per seed). */
int gr_sy_gzip(z_stream *z, bool *ready, int level, const char *data, size_t len, struct gr_buf *out);

/* synth_whatif.c: the --what-if changes set on the world (after gr_sy_world_build) */
int gr_sy_whatif_apply(struct gr_sy_sim *s);

/* synth_truth.c */
int gr_sy_truth_write(struct gr_sy_sim *s);

/* Copy the string lit to p (no NUL); returns the end. */
static inline char *gr_sy_put_lit(char *p, const char *lit)
{
	size_t n = strlen(lit);

	memcpy(p, lit, n);
	return p + n;
}

/* Small sticky-error appenders. */
static inline void gr_sy_add(struct gr_sy_sim *s, struct gr_buf *b, const void *p, size_t n)
{
	int rc;

	if (!s->rc && (rc = gr_buf_add(b, p, n)))
		gr_sy_fail(s, rc);
}
#define SY_ADDL(s, b, lit) gr_sy_add((s), (b), (lit), sizeof(lit) - 1)
static inline void gr_sy_adds(struct gr_sy_sim *s, struct gr_buf *b, const char *str)
{
	gr_sy_add(s, b, str, strlen(str));
}
/* Reserve n bytes and return where to write them (NULL after an error). */
static inline char *gr_sy_reserve(struct gr_sy_sim *s, struct gr_buf *b, size_t n)
{
	int rc;

	if (s->rc)
		return NULL;
	if ((rc = gr_buf_grow(b, n))) {
		gr_sy_fail(s, rc);
		return NULL;
	}
	return b->data + b->len;
}
static inline void gr_sy_commit(struct gr_buf *b, size_t n)
{
	b->len += n;
	b->data[b->len] = '\0';
}

#endif
