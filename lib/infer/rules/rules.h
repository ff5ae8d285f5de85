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

/* --- link_keytime.c: keys with time ------------------------------------------ */

/* Match every R_KEYTIME src of the given nodes (all nodes when nodes is NULL). */
void gr_inf_keytime(struct gr_infer *inf, const uint32_t *nodes, size_t n);

/* --- link_xray.c: candidate edges from X-Ray ---------------------------------------- */

/* X-Ray evidence of effect node: parent chain, span links, Invoke subsegments. */
void gr_inf_xray_cands(struct gr_infer *inf, uint32_t node, struct gr_inf_cands *c);

#endif
