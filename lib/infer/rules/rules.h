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

/* X-Ray evidence of effect node: parent chain, span links, Invoke subsegments. */
void gr_inf_xray_cands(struct gr_infer *inf, uint32_t node, struct gr_inf_cands *c);

#endif
