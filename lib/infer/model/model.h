/* model.h: gammaray-infer's model: invocations, causes, triggers, X-Ray segments (lib-internal). */
#ifndef GR_INFER_MODEL_H
#define GR_INFER_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "common/buf.h"
#include "stream/events.h"
#include "common/fpmap.h"
#include "gammaray.h"
#include "stream/graph.h"
#include "common/json_scan.h"
#include "common/strmap.h"

/*
 * The model. Everything is stored in arrays and referred to by index, strings in
 * arenas, lookups in fingerprint maps; so the whole state can be rebuilt without
 * what --window releases (infer_window.c).
 *
 * - A node is one invocation (a Lambda request id), joined from its platform
 *   records, markers and X-Ray segments.
 * - A cause is something an invocation did that can trigger others: an S3 write, a
 *   DynamoDB write, a publish, a send, a put, an invoke (from "call" markers), or an
 *   X-Ray Invoke subsegment naming the callee's request id. Causes are found through
 *   aliases: fingerprints of what an effect will name (a message id, a bucket/key...).
 * - A src is one trigger record of an invocation, from its "entry" marker.
 * - Edges are made from the effect side: for each invocation, its srcs, the causes
 *   that name its request id, and its X-Ray parents and links (infer_link.c).
 */

#define INF_NONE UINT32_MAX

/* Fingerprint namespaces: what an alias or a src key is made of. */
enum gr_inf_tag {
	T_S3KEY = 1,  /* bucket, key */
	T_S3ETAG,     /* bucket, key, ETag without quotes */
	T_S3VER,      /* bucket, key, version id */
	T_DDB,        /* table, normalised keys */
	T_SNS,        /* message id */
	T_SQS,        /* message id */
	T_KIN,        /* stream name, sequence number */
	T_EVENTS,     /* event id */
	T_SFN,        /* execution ARN */
	T_LCALLEE,    /* the request id an Invoke returned */
	T_LFN,        /* the function an Invoke named (no request id known) */
	T_SEG,        /* X-Ray trace id, (sub)segment id */
	T_REQ,        /* a request id (the node index) */
	T_SEEN,       /* duplicate detection */
	T_OMSG,       /* OpenTelemetry: messaging.message.id of a send span or a link */
};

/* What a write did, or what a call was, when that tells causes apart. */
enum gr_inf_op {
	OP_NONE,      /* not known or not relevant */
	OP_PUT,       /* created or changed (S3 ObjectCreated, DynamoDB INSERT/MODIFY) */
	OP_REMOVE,    /* deleted (S3 ObjectRemoved, DynamoDB REMOVE) */
	OP_SYNC,      /* Invoke RequestResponse (and StartSyncExecution) */
	OP_ASYNC,     /* Invoke Event */
};

/* How a trigger record is matched. */
enum gr_inf_rule {
	R_EXACT,      /* one id names the cause: look its alias up */
	R_KEYTIME,    /* keys with time: the latest matching write before the effect */
	R_CALLER,     /* Lambda: the caller's request id is given (text) */
	R_ROOT,       /* started from outside (API Gateway, schedule): no cause */
	R_UNKNOWN,    /* a service the contract does not know */
};

/* Evidence of an edge, best first (index into gr_infer_evidence_name). */
enum gr_inf_evidence {
	EV_NONE,
	EV_MARKER,      /* GAMMARAY markers on both sides, an id or every key field */
	EV_XRAY_PARENT, /* X-Ray parent chain */
	EV_XRAY_LINK,   /* X-Ray span link */
	EV_XRAY_CALL,   /* X-Ray Invoke subsegment naming the callee's request id */
	EV_HEURISTIC,   /* keys and time, without a distinguishing id */
};

enum gr_inf_node_flag {
	NF_RUN = 1 << 0,      /* a record of its own was read (not only referenced) */
	NF_COLD = 1 << 1,     /* REPORT gave an init duration */
	NF_RELEASED = 1 << 2, /* --window: written and linked */
	NF_XFAULT = 1 << 3,   /* X-Ray: a function segment of its last attempt failed */
	NF_EDGES = 1 << 4,    /* its incoming edges were made */
	NF_FN_START = 1 << 5, /* fn was named by its START record (else by a marker or X-Ray) */
	NF_RESTORE = 1 << 6,  /* REPORT gave a restore duration (SnapStart) */
	NF_FAILED_INIT = 1 << 7, /* untimed: its START followed a failed INIT_REPORT */
};

/* One invocation. */
struct gr_inf_node {
	const char *id;         /* request id (pack arena) */
	const char *fn;         /* function from START, else a marker or X-Ray (interned) */
	const char *stream;     /* log stream of its last attempt (interned), or NULL */
	const char *trace;      /* X-Ray trace id, or NULL */
	int64_t start_ts;       /* START of the last attempt, GR_TIME_UNKNOWN */
	int64_t first_ts;       /* START of the first attempt */
	int64_t report_ts;      /* the latest REPORT */
	int64_t end_ts;         /* the latest END */
	int64_t fault_ts;       /* the latest fault record */
	int64_t mark_ts;        /* the earliest marker (a start when no START was read) */
	uint64_t report_seg;    /* fingerprint of the REPORT's X-Ray segment, 0 */
	int32_t dur_us;         /* REPORT duration, -1 */
	int32_t end_dur_us;     /* END duration (JSON format), -1 */
	int32_t init_us;        /* REPORT init duration, -1 */
	int32_t restore_us;     /* REPORT restore duration (SnapStart), -1 */
	int32_t billed_us;      /* -1 unknown */
	int32_t billed_restore_us; /* REPORT billed restore duration (SnapStart), -1 */
	int32_t mem_mb;         /* -1 unknown */
	uint32_t src;           /* first trigger record, INF_NONE */
	uint32_t xsvc;          /* its AWS::Lambda segment, INF_NONE */
	uint16_t attempts;      /* distinct START records */
	uint8_t report_status;  /* enum gr_status of the latest REPORT */
	uint8_t end_status;     /* ...of the latest END */
	uint8_t fault_status;   /* ...of the latest fault */
	uint8_t flags;          /* enum gr_inf_node_flag */
};

enum gr_inf_cause_flag {
	CF_USED = 1 << 0,   /* an effect was linked to it */
	CF_XRAY = 1 << 1,   /* from X-Ray: `node` is the call subsegment */
	CF_GONE = 1 << 2,   /* --window: past the window, kept only until compaction */
	CF_SPAN = 1 << 3,   /* from an OpenTelemetry CLIENT span whose invocation is not
			     * known yet: `node` is the span's segment (gr_inf_span_causes) */
};

/* Something an invocation did that can trigger others. */
struct gr_inf_cause {
	int64_t ts;         /* when: the call returned (the marker's time) */
	uint64_t key;       /* fingerprint of its primary alias (S3: bucket and key) */
	const char *text;   /* what it wrote or sent, as text */
	uint32_t node;      /* producer (CF_XRAY: the call subsegment) */
	uint8_t kind;       /* enum gr_kind */
	uint8_t op;         /* enum gr_inf_op */
	uint8_t flags;      /* enum gr_inf_cause_flag */
};

/* One way to find a cause: the fingerprint an effect names. */
struct gr_inf_alias {
	uint64_t key;       /* fingerprint */
	uint32_t cause;     /* the cause */
	uint32_t next;      /* next alias with the same key (older), INF_NONE */
};

enum gr_inf_src_flag {
	SF_DONE = 1 << 0,   /* matched (or found unmatched) */
	SF_ORPHAN = 1 << 1, /* a sharded run: made for a span without a parent, kept only
			     * when its function is invoked by name (the link stage says) */
};

/* One trigger record of an invocation (an entry marker's src). */
struct gr_inf_src {
	uint64_t key;       /* fingerprint of what it names */
	const char *text;   /* key as text (the edge's "key"; R_CALLER: the caller's id) */
	const char *order;  /* S3 sequencer or stream sequence number, or NULL */
	uint32_t node;      /* the invocation it triggered */
	uint32_t next;      /* next src of the same invocation */
	uint32_t cause;     /* matched cause, INF_NONE */
	uint32_t s3;        /* S3: its ids in inf->s3x, INF_NONE */
	float conf;         /* confidence of the match */
	uint8_t kind;       /* enum gr_kind */
	uint8_t op;         /* enum gr_inf_op */
	uint8_t rule;       /* enum gr_inf_rule */
	uint8_t evidence;   /* of the match */
	uint8_t flags;      /* enum gr_inf_src_flag */
};

/* The ids of an S3 trigger record (kept apart: most triggers are not S3). */
struct gr_inf_s3x {
	uint64_t alt;       /* another spelling of the key (URL-decoded), or 0 */
	uint64_t version;   /* version id alias, or 0 */
	uint64_t etag;      /* ETag alias, or 0 */
};

/* X-Ray roles. */
enum gr_inf_role {
	XR_SVC = 1,   /* AWS::Lambda segment: one invocation (aws.request_id) */
	XR_FN,        /* AWS::Lambda::Function segment: one attempt, child of XR_SVC */
	XR_SUB,       /* a subsegment that is not a call (Invocation, Attempt #1, custom) */
	XR_CALL,      /* an SDK call subsegment (namespace aws or an operation) */
	XR_SERVICE,   /* a service's own or inferred segment (SNS topic, API Gateway...) */
	XR_LINKS,     /* OpenTelemetry: a span just below an invocation's span that holds
		       * span links (an SQS consumer's "process" span), indexed as XR_FN */
};

enum gr_inf_seg_flag {
	XF_SYNC = 1 << 0,      /* CALL: the caller waited (Invoke RequestResponse) */
	XF_ASYNC = 1 << 1,     /* CALL: Invoke Event; XR_SVC: HTTP 202 */
	XF_FAULT = 1 << 2,     /* fault or error flag */
	XF_PROGRESS = 1 << 3,  /* in progress (a complete copy replaces it) */
	XF_APIGW = 1 << 4,     /* API Gateway stage: a root for the marker contract */
	XF_OTEL = 1 << 5,      /* XR_SVC from an OpenTelemetry span (joined by trace) */
	XF_COLD = 1 << 6,      /* XR_SVC: the span says faas.coldstart */
};

/* One X-Ray segment or subsegment (leaves that lead nowhere are not kept). */
struct gr_inf_seg {
	uint64_t key;       /* fingerprint of (trace, id) */
	uint64_t parent;    /* fingerprint of (trace, parent id), 0 for a root */
	uint64_t id;        /* the id's 16 hex digits as a number, 0 if not hex */
	int64_t t0, t1;     /* start and end (t1 -1 while in progress) */
	uint32_t node;      /* XR_SVC: its invocation; XR_CALL Invoke: the callee, or INF_NONE */
	uint32_t next;      /* XR_FN: next function segment of the same XR_SVC */
	uint32_t links;     /* first span link with reference "parent" (or none), INF_NONE */
	uint8_t role;       /* enum gr_inf_role */
	uint8_t kind;       /* XR_CALL, XR_SERVICE: enum gr_kind, NONE if another service */
	uint8_t flags;      /* enum gr_inf_seg_flag */
	const char *fn;     /* XF_OTEL: the span's function (interned), or NULL */
	uint64_t thi, tlo;  /* XF_OTEL: the trace id's 128 bits */
};

/* A function-level edge: some invocation of a caused one of b. */
struct gr_inf_fedge {
	uint32_t a, b;      /* function names (indices into namev) */
	uint32_t kinds;     /* 1 << kind of each kind seen */
};

/* An X-Ray span link. */
struct gr_inf_link {
	uint64_t target;    /* fingerprint of the linked (trace, id) */
	uint32_t seg;       /* the segment that holds the link */
	uint32_t next;      /* next link of that segment, or next child link of that target */
	uint64_t msg;       /* fingerprint of its messaging.message.id (T_OMSG), 0 */
	bool child;         /* reference "child": held by the producer (child_ix) */
};

/* An edge, made from the effect side. */
struct gr_inf_edge {
	int64_t cause_us;   /* when the cause happened */
	const char *key;    /* what matched, or NULL */
	uint32_t from, to;  /* nodes */
	float conf;         /* confidence */
	uint8_t kind;       /* enum gr_kind */
	uint8_t sync;       /* the cause waited */
	uint8_t evidence;   /* enum gr_inf_evidence */
	uint8_t dead;       /* dropped (a cycle) */
};

/* Unmatched evidence, kept for the "unmatched" records. */
enum gr_inf_unm_what { U_TRIGGER = 1, U_CAUSE, U_XRAY_PARENT, U_XRAY_LINK };

struct gr_inf_unm {
	int64_t ts;         /* when */
	const char *key;    /* what it named (text), or NULL */
	uint64_t seg;       /* X-Ray: the (sub)segment id as a number, 0 */
	uint32_t node;      /* the invocation it belongs to */
	uint8_t what;       /* enum gr_inf_unm_what */
	uint8_t kind;       /* enum gr_kind, NONE if not known */
};

/* A log stream (execution environment). */
struct gr_inf_stream {
	const char *name;   /* interned */
	const char *fn;     /* function named by its stream or init_start record */
	const char *runtime;/* runtime version of its latest INIT_START or RESTORE_START
			     * ("python:3.12.v16"), interned, or NULL */
	int64_t init_ts;    /* the latest INIT_START, GR_TIME_UNKNOWN */
	int64_t restore_ts; /* the latest RESTORE_START (SnapStart), GR_TIME_UNKNOWN */
	int64_t fail_ts;    /* the latest INIT_REPORT that failed or ran in the invoke
			     * phase (suppressed init), GR_TIME_UNKNOWN */
	int64_t first_after;/* the first START at or after the boot (gr_inf_stream_boot) */
	int32_t init_us;    /* INIT_REPORT duration (init phase), -1 */
	int32_t invoke_init_us; /* INIT_REPORT Phase: invoke duration, -1 */
	int32_t restore_us; /* RESTORE_REPORT duration, -1 */
	bool fail_next;     /* an untimed failed INIT_REPORT waits for the next untimed START */
};

/* A growable array of fixed-size elements. */
struct gr_inf_vec {
	void *v;            /* elements */
	size_t n, cap;      /* used, allocated */
};

/* Strings packed without alignment, in 64 KiB blocks of an arena. */
struct gr_inf_pack {
	char *p;            /* free space in the current block */
	size_t left;        /* bytes left there */
};

#define GR_INF_STAGES 4 /* upstream stages whose stats records are kept */

#define INF_OBJ_MEMBERS 24 /* members of an object remembered (more: read each time) */

/* The members of one object of the record being read, read once for every rule
 * that asks for some of them (gr_inf_obj_fields). */
struct gr_inf_obj {
	const char *p;                  /* the object's text, NULL when unused */
	size_t n;                       /* its length */
	size_t nm;                      /* members remembered */
	bool all;                       /* every member is remembered (else: rescan) */
	struct gr_jv k[INF_OBJ_MEMBERS], v[INF_OBJ_MEMBERS]; /* keys and values in order */
};

struct gr_infer {
	struct gr_infer_opts o;         /* options */
	struct gr_infer_stats st;       /* counters */
	struct gr_stats upstream[GR_INF_STAGES]; /* stats records read, summed per stage */
	char upstream_stage[GR_INF_STAGES][16];  /* their stage names ("fetch") */
	size_t nupstream;               /* stages seen */
	struct gr_error *err;           /* where the current call reports a fatal error */
	int fatal;                      /* sticky fatal error, 0 */

	struct gr_arena arena;          /* strings and blocks of pack (rebuilt by --window) */
	struct gr_inf_pack pack;           /* request ids, trace ids, keys, stream names */
	struct gr_arena fnarena;        /* function names: kept for the whole run */
	struct gr_strmap names;         /* interned function names -> namev */
	struct gr_inf_vec namev;           /* const char *: the interned function names */
	struct gr_strmap stream_ix;     /* stream name -> index into streams */

	struct gr_inf_vec nodes;           /* struct gr_inf_node */
	struct gr_inf_vec causes;          /* struct gr_inf_cause */
	struct gr_inf_vec aliases;         /* struct gr_inf_alias */
	struct gr_inf_vec srcs;            /* struct gr_inf_src */
	struct gr_inf_vec s3x;             /* struct gr_inf_s3x */
	struct gr_inf_vec segs;            /* struct gr_inf_seg */
	struct gr_inf_vec links;           /* struct gr_inf_link */
	struct gr_inf_vec edges;           /* struct gr_inf_edge */
	struct gr_inf_vec unms;            /* struct gr_inf_unm */
	struct gr_inf_vec streams;         /* struct gr_inf_stream */
	struct gr_inf_vec loops;           /* char *: function-level loops */
	struct gr_inf_vec fedges;          /* struct gr_inf_fedge: function-level edges written */
	struct gr_fpmap fedge_ix;       /* (from fn, to fn) -> index into fedges */
	struct gr_fpmap released;       /* --window: request ids written (this generation) */
	struct gr_fpmap released_old;   /* ...and the previous one */
	struct gr_fpmap taken;          /* --window: writes taken by a function (keys with time) */
	struct gr_fpmap taken_old;      /* ...previous generation */

	struct gr_fpmap node_ix;        /* request id fingerprint -> node */
	struct gr_fpmap alias_ix;       /* alias key -> newest alias */
	struct gr_fpmap seg_ix;         /* (trace, id) -> segment */
	struct gr_fpmap fnseg_ix;       /* XR_SVC key -> first XR_FN segment under it */
	struct gr_fpmap child_ix;       /* link target -> first "child" link naming it */
	struct gr_fpmap seen;           /* fingerprints of records read (duplicates) */
	struct gr_fpmap seen_old;       /* --window: the previous generation of seen */

	/* reading */
	const char *file;               /* input being read */
	uint64_t line;                  /* its line number */
	struct gr_event ev;             /* the record being handled */
	struct gr_buf scratch;          /* decoded strings of the record */
	struct gr_buf tmp;              /* keys being normalised */
	struct gr_buf mscratch;         /* decoded strings of a marker */
	struct gr_inf_obj objs[2];      /* objects of the record read so far (a marker
					 * and its src), cleared at each record */
	unsigned obj_next;              /* which of objs is reused next */
	int64_t newest;                 /* newest record time seen (--window) */
	int64_t next_release;           /* --window: when to release next */
	int64_t rotated;                /* --window: when the remembered sets last rotated */
	size_t compact_at;              /* --window: held items that trigger a compaction */
	bool header_seen;               /* a stream header was read in this input */
	uint32_t inputs;                /* inputs begun */
	bool span_causes;               /* a CF_SPAN cause was made (gr_inf_span_causes) */
	bool written_header;            /* the graph header is out */
	/* a stage of a sharded run (infer_shard.c) */
	void (*line_fn)(struct gr_infer *inf, const char *line, size_t n); /* reads each
					 * line instead of gr_inf_record, or NULL */
	void *line_ctx;                 /* line_fn's context */
	bool keyed;                     /* the lines are a stage's keyed lines, as written */
	bool mid_stream;                /* the input starts inside an event stream (a later
					 * part of one cut into parts): its first line says
					 * nothing of what the input is */
	bool shard;                     /* an engine of a stage: span_causes leaves whether a
					 * function is invoked by name to the link stage */
	struct gr_buf out;              /* output not yet handed to o.write */
	struct gr_jw w;                 /* writer over out */
	uint64_t diags;                 /* losses reported */
};

/* --- invocations.c: the table ---------------------------------------------- */

void *gr_inf_vec_push(struct gr_infer *inf, struct gr_inf_vec *v, size_t elem);
#define INF_AT(inf, vec, type, i) (&((type *)(inf)->vec.v)[i])
#define INF_NODE(inf, i) INF_AT(inf, nodes, struct gr_inf_node, i)
#define INF_CAUSE(inf, i) INF_AT(inf, causes, struct gr_inf_cause, i)
#define INF_ALIAS(inf, i) INF_AT(inf, aliases, struct gr_inf_alias, i)
#define INF_SRC(inf, i) INF_AT(inf, srcs, struct gr_inf_src, i)
#define INF_SEG(inf, i) INF_AT(inf, segs, struct gr_inf_seg, i)
#define INF_LINK(inf, i) INF_AT(inf, links, struct gr_inf_link, i)
#define INF_EDGE(inf, i) INF_AT(inf, edges, struct gr_inf_edge, i)

/* A fatal error (out of memory...): sticky, reported at the end of the call. */
void gr_inf_fail(struct gr_infer *inf, int code, const char *what);
/* A lost record with a message (counted under r, shown through diag). */
void gr_inf_lost(struct gr_infer *inf, enum gr_reason r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A notice about the current record that loses nothing. */
void gr_inf_notice(struct gr_infer *inf, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Strings: packed copies (NUL-terminated) and interned function names. NULL when out
 * of memory. */
const char *gr_inf_pack_str(struct gr_infer *inf, const char *s, size_t n);
const char *gr_inf_intern(struct gr_infer *inf, const char *s, size_t n);

/* Fingerprints of a tag and one, two or three parts. */
uint64_t gr_inf_fp1(int tag, const char *a, size_t an);
uint64_t gr_inf_fp2(int tag, const char *a, size_t an, const char *b, size_t bn);
uint64_t gr_inf_fp3(int tag, const char *a, size_t an, const char *b, size_t bn, const char *c,
		 size_t cn);

/* The node of a request id, created when new (only referenced until it runs).
 * INF_NONE when out of memory (inf->fatal is set). */
uint32_t gr_inf_node_get(struct gr_infer *inf, const char *id, size_t n);
/* The execution environment of a log stream, created when new; NULL when out of
 * memory (inf->fatal is set). */
struct gr_inf_stream *gr_inf_stream_get(struct gr_infer *inf, const char *name, size_t n);
/* When the stream's latest execution environment started: the latest of its
 * INIT_START, RESTORE_START and failed INIT_REPORT, GR_TIME_UNKNOWN. */
int64_t gr_inf_stream_boot(const struct gr_inf_stream *s);
/* The node of a request id, or INF_NONE. */
uint32_t gr_inf_node_find(const struct gr_infer *inf, const char *id, size_t n);
/* The function of a node, by the rule of gammaray-infer(1); NULL when unknown. */
const char *gr_inf_node_fn(const struct gr_infer *inf, const struct gr_inf_node *n);
/* When an invocation began, init included / START of its first attempt. */
int64_t gr_inf_node_start(const struct gr_infer *inf, const struct gr_inf_node *n);
int64_t gr_inf_node_first(const struct gr_infer *inf, const struct gr_inf_node *n);
int64_t gr_inf_node_end(const struct gr_infer *inf, const struct gr_inf_node *n);
/* The span of the X-Ray function segment of its last attempt (else of its
 * AWS::Lambda segment); false if X-Ray does not show it. */
bool gr_inf_node_xspan(const struct gr_infer *inf, const struct gr_inf_node *n, int64_t *t0,
		    int64_t *t1, bool *fault);
/* Fill a graph node (for the canonical writer) from an invocation. */
void gr_inf_node_out(const struct gr_infer *inf, const struct gr_inf_node *n, struct gr_node *g);
/* Fill a graph edge from 0 to 1 (the two-node graph the writer is given) from an
 * invocation edge; its delay runs from the cause to start, the effect's start
 * (0 when either is unknown). */
void gr_inf_edge_out(const struct gr_inf_edge *e, int64_t start, struct gr_edge *g);

/* A new cause of node (returned index, INF_NONE when out of memory). */
uint32_t gr_inf_cause_add(struct gr_infer *inf, uint32_t node, int64_t ts, int kind, int op,
		       const char *text, size_t tn);
/* Make cause findable by key. */
void gr_inf_alias_add(struct gr_infer *inf, uint64_t key, uint32_t cause);
/* Newest alias of key, INF_NONE. Follow INF_ALIAS(inf, a)->next for older ones. */
uint32_t gr_inf_alias_first(const struct gr_infer *inf, uint64_t key);
/* A new trigger record of node; text is copied. */
struct gr_inf_src *gr_inf_src_add(struct gr_infer *inf, uint32_t node, int kind, int rule,
			    uint64_t key, const char *text, size_t tn);

/* A JSON string member value, decoded into inf->mscratch if escaped. */
bool gr_inf_jstr(struct gr_infer *inf, const struct gr_jv *v, struct gr_str *out);

/* Does a cause's operation fit what a trigger wants (0: any)? */
static inline bool gr_inf_op_fits(int want, int have)
{
	return !want || !have || want == have;
}

/* Settle trigger s on cause with this confidence and evidence. */
static inline void gr_inf_src_assign(struct gr_inf_src *s, uint32_t cause, float conf, int ev)
{
	s->cause = cause;
	s->conf = conf;
	s->evidence = (uint8_t)ev;
	s->flags |= SF_DONE;
}

/* --- invocations.c: what the rules and the driver share -------------------- */

/* Start a scanner on a value nested in an event record (a marker, its src, keys):
 * gr_ev_parse validated the whole line, so it is read as trusted text (nested
 * values skipped by bracket matching, not checked a second time). False when it
 * is not an object (arr false) or an array (arr true). */
bool gr_inf_js_begin(struct gr_js *js, const char *p, size_t n, bool arr);

/* Find the named members of a JSON object of the event record being read: out[i]
 * gets the value of names[i] (the last, t == GR_JT_NONE when absent). False when
 * obj is not an object. An object is scanned once per record however many rules
 * ask (the marker, then its src, by the marker rules and each trigger's rule). */
bool gr_inf_obj_fields(struct gr_infer *inf, struct gr_str obj, const char *const *names, size_t n,
		       struct gr_jv *out);

/* Forget the objects of the last record (their text is gone). */
static inline void gr_inf_objs_clear(struct gr_infer *inf)
{
	inf->objs[0].p = inf->objs[1].p = NULL;
}

/* The last path element of an ARN-like name after sep ("arn:...:table/T/stream/x" ->
 * "T" for "table/"), or the name itself. */
struct gr_str gr_inf_arn_name(struct gr_str s, const char *after);

/* A trace id as W3C writes it: X-Ray's "1-8hex-24hex" and 32 hex digits of any
 * case become 32 lower-case hex digits in out (the same trace for a mixed fleet);
 * anything else is returned as it is. */
struct gr_str gr_inf_trace_norm(struct gr_str t, char out[33]);
/* A (sub)segment or span id of up to 32 hex digits, lower-cased into out when it
 * has upper-case ones (ids are case-insensitive); else s as it is. */
struct gr_str gr_inf_id_norm(struct gr_str s, char out[33]);

/* The invocation a (sub)segment belongs to, or INF_NONE (a service's segment). */
uint32_t gr_inf_seg_owner(const struct gr_infer *inf, uint32_t seg);
/* The segment with this fingerprint, or INF_NONE. */
uint32_t gr_inf_seg_find(const struct gr_infer *inf, uint64_t key);

/* Unmatched evidence: counted, and kept for output with --unmatched. */
void gr_inf_unm_add(struct gr_infer *inf, int what, int kind, uint32_t node, int64_t ts,
		 const char *key, uint64_t seg);

/* Was this request id written already (--window)? */
bool gr_inf_was_released(const struct gr_infer *inf, uint64_t idfp);

/* A candidate edge of one effect, before merging. */
struct gr_inf_cand {
	int64_t cause_us;   /* when the cause happened */
	const char *key;    /* what matched */
	uint32_t from;      /* the cause's node */
	float conf;         /* confidence */
	uint8_t kind;       /* enum gr_kind */
	uint8_t sync;       /* the cause waited */
	uint8_t evidence;   /* enum gr_inf_evidence */
	bool sync_known;    /* sync is stated by the evidence (else a default) */
	bool time_known;    /* cause_us is the real time (else an estimate) */
};

/* Candidates collected for one effect. */
struct gr_inf_cands {
	struct gr_inf_cand *v;  /* the candidates */
	size_t n, cap;       /* used, allocated */
};

bool gr_inf_cand_add(struct gr_infer *inf, struct gr_inf_cands *c, const struct gr_inf_cand *x);

#endif
