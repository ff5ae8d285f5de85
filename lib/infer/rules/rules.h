/* rules.h: gammaray-infer's linking rules, one file per trigger family (lib-internal). */
#ifndef GR_INFER_RULES_H
#define GR_INFER_RULES_H

#include "infer/model/model.h"

/* --- link_s3.c, link_dynamodb.c, link_messages.c, link_lambda.c -------------- */
/*
 * Each service module turns the fields of a "call" marker into causes and aliases,
 * and the fields of an entry "src" object into trigger records. obj is the whole
 * marker object (call) or one src object (entry). They return 1 when something was
 * recorded, 0 for an operation that triggers nothing (unused), -1 for a marker
 * that lacks what the contract requires (*why says what).
 */
int gr_inf_s3_call(struct gr_infer *inf, uint32_t node, int64_t ts, struct gr_str op,
		struct gr_str obj, const char **why);
int gr_inf_s3_src(struct gr_infer *inf, uint32_t node, struct gr_str obj, const char **why);
int gr_inf_ddb_call(struct gr_infer *inf, uint32_t node, int64_t ts, struct gr_str op,
		 struct gr_str obj, const char **why);
int gr_inf_ddb_src(struct gr_infer *inf, uint32_t node, struct gr_str obj, const char **why);
/* Normalise DynamoDB keys (plain or typed) into out: "name\x1fvalue\x1e" pairs
 * sorted by name. False when keys is not an object of scalars. */
bool gr_inf_ddb_keys(struct gr_infer *inf, const struct gr_jv *keys, struct gr_buf *out);
int gr_inf_msg_call(struct gr_infer *inf, uint32_t node, int64_t ts, int kind, struct gr_str op,
		 struct gr_str obj, const char **why);
int gr_inf_msg_src(struct gr_infer *inf, uint32_t node, int kind, struct gr_str obj,
		const char **why);
int gr_inf_lambda_call(struct gr_infer *inf, uint32_t node, int64_t ts, int kind,
		    struct gr_str op, struct gr_str obj, const char **why);
int gr_inf_lambda_src(struct gr_infer *inf, uint32_t node, int kind, struct gr_str obj,
		   struct gr_str fn, const char **why);

/* The group of an S3 write or trigger of "bucket/key" in a sharded run: the key
 * URL-decoded until nothing changes, so that a write and every trigger that may match
 * it (by the key as written or decoded) share one. */
uint64_t gr_inf_s3_group(struct gr_infer *inf, const char *text);
/* S3 triggers matched by key and time (link_s3.c): the key to match, the notification's
 * (URL-decoded) alternative when only it names writes; and the writes a version or an
 * ETag names, which are taken before any by time (true when s was matched). */
uint64_t gr_inf_s3_key(const struct gr_infer *inf, const struct gr_inf_src *s, uint64_t key);
bool gr_inf_s3_exact(struct gr_infer *inf, struct gr_inf_src *s, uint64_t key, int64_t t);
/* A by-name Invoke with no write before it (link_lambda.c): a RequestResponse call that
 * returned after its callee ended, matched heuristically; true when s was matched. */
bool gr_inf_lambda_sync(struct gr_infer *inf, struct gr_inf_src *s, uint64_t key,
			const struct gr_inf_node *e);

/* --- link_keytime.c: keys with time ------------------------------------------ */

/* Match every R_KEYTIME src of the given nodes (all nodes when nodes is NULL). */
void gr_inf_keytime(struct gr_infer *inf, const uint32_t *nodes, size_t n);

/* --- link_xray.c: candidate edges from X-Ray ---------------------------------------- */

/* How a walk up the X-Ray parents from a segment ended. */
enum gr_inf_chain_end {
	CH_MISSING,   /* a segment on the way is not in the input */
	CH_ROOT,      /* no invocation on the way (a root, API Gateway) */
	CH_OWNER,     /* at a segment of an invocation: the cause */
};

/* How the sync of a chain's edge is known. */
enum gr_inf_chain_sync {
	CHS_NONE,     /* not known: asynchronous */
	CHS_SYNC,     /* the call subsegment says it waited */
	CHS_ASYNC,    /* ...that it did not */
	CHS_EFFECT,   /* an Invoke without its type: the effect's AWS::Lambda segment says
		       * (HTTP 202 for Event) */
};

/* What a walk up the X-Ray parents found. */
struct gr_inf_chain {
	uint8_t end;        /* enum gr_inf_chain_end */
	uint8_t kind;       /* CH_OWNER: the edge's kind */
	uint8_t sync;       /* CH_OWNER: enum gr_inf_chain_sync */
	uint32_t owner;     /* CH_OWNER: the invocation */
	int64_t t0, t1;     /* the segment the cause's time comes from (t1 -1: in progress) */
	uint64_t id;        /* its id as a number (the edge's key), 0 */
};

/* Walk up from the segment with fingerprint key to the first invocation that owns a
 * segment on the way. Service segments in between (an SNS topic, EventBridge, a Step
 * Functions state machine) say which service it went through; the first call
 * subsegment met says it better; dflt_kind when neither does. API Gateway is a root. */
void gr_inf_chain_walk(const struct gr_infer *inf, uint64_t key, int dflt_kind,
		       struct gr_inf_chain *ch);
/* The candidate edge of a walk that ended at another invocation than the effect: x
 * gets all but from and key (the owner, the id as 16 hex digits). has_svc and
 * svc_async: the effect has an AWS::Lambda segment, and it says HTTP 202. */
void gr_inf_chain_cand(const struct gr_inf_chain *ch, int evidence, bool has_svc, bool svc_async,
		       struct gr_inf_cand *x);

/* X-Ray evidence of effect node: parent chain, span links, Invoke subsegments. */
void gr_inf_xray_cands(struct gr_infer *inf, uint32_t node, struct gr_inf_cands *c);

#endif
