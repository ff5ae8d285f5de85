/* trace_text.h: what the Jaeger and OTLP readers share: jansson's view of a document read with the pull scanner (lib-internal). */
#ifndef GR_TRACE_TEXT_H
#define GR_TRACE_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/json_scan.h"

struct gr_unit;

/*
 * Jaeger JSON and OTLP/JSON documents are read from their text, validated once
 * (gr_js exact mode: what jansson accepts), then scanned in trusted mode without a
 * tree. Each reader keeps the meaning the jansson-based readers had: a member is the
 * last of its duplicated keys, an absent member is a value of type GR_JT_NONE (a
 * JSON null is GR_JT_NULL), string comparisons that used C string functions stop
 * at an embedded NUL ("\u0000") as they did.
 */

/* Objects and arrays nested deeper than this jansson refuses (JSON_PARSER_MAX_DEPTH):
 * a scanner standing in for it refuses them too, and lets jansson word why. */
#define GR_TT_JANSSON_DEPTH 2048

/* A key looked for: its text and length. */
struct gr_tt_key {
	const char *s;  /* key */
	size_t n;       /* strlen(s) */
};

#define GR_TT_KEY(lit) { lit, sizeof(lit) - 1 }

/* Start a trusted scanner over validated text: false when it is not an object (arr
 * false) or array (arr true). */
bool gr_tt_begin(struct gr_js *js, const struct gr_jv *v, bool arr);

/* Is key k (escaped or not) exactly s[0..n)? */
bool gr_tt_key_is(const struct gr_jv *k, const char *s, size_t n);

/* The last value of each of keys[0..n) among the members of obj (validated); out[i]
 * of type GR_JT_NONE when absent, all of them when obj is not an object. */
void gr_tt_members(const struct gr_jv *obj, const struct gr_tt_key *keys, size_t n,
		   struct gr_jv *out);

/* Key-value lists, [{"key":K,"value":V}, ...] (Jaeger tags, OTLP attributes): for
 * each of keys[0..n), n <= 64, the "value" of the first element whose "key" is it (a
 * string compared as a C string); out[i] of type GR_JT_NONE when absent, all of them
 * when arr is not an array. Key strings are decoded onto dec. */
void gr_tt_kv_first(const struct gr_jv *arr, const struct gr_tt_key *keys, size_t n,
		    struct gr_jv *out, struct gr_buf *dec);

/* A string's text (decoded onto dec, reserved beforehand as gr_jv_text wants, and
 * NUL-terminated there); {NULL, 0} when v is not a string. */
struct gr_str gr_tt_str(const struct gr_jv *v, struct gr_buf *dec);

/* Length of s as a C string: up to its first NUL byte. */
size_t gr_tt_clen(struct gr_str s);
/* strcmp(s, lit) == 0, strcasecmp(s, lit) == 0 on s as a C string. */
bool gr_tt_ceq(struct gr_str s, const char *lit);
bool gr_tt_ceq_nocase(struct gr_str s, const char *lit);

/* jansson's integers (a number without fraction or exponent; exact mode checked the
 * range) and reals (the others). */
bool gr_tt_int(const struct gr_jv *v, int64_t *out);
bool gr_tt_real(const struct gr_jv *v, double *out);

/* Reserve room for decoding the strings of a value of n bytes onto dec (emptied). */
int gr_tt_reserve(struct gr_buf *dec, size_t n);

/* --- the two formats (jaeger.c, otlp.c) ----------------------------------------- */

/* Top-level members that decide a document's shape. */
enum gr_tt_top {
	GR_TT_DATA, GR_TT_TOTAL, GR_TT_ERRORS, GR_TT_SPANS, GR_TT_TRACE_ID, GR_TT_PROCESSES,
	GR_TT_RESOURCE_SPANS, GR_TT_RESOURCE_SPANS_PB,
	GR_TT_EVENTS, GR_TT_RESULTS, GR_TT_STATUS, GR_TT_STATISTICS, GR_TT_AWSLOGS,
	GR_TT_LOG_EVENTS, GR_TT_MESSAGE_TYPE, GR_TT_RECORDS, GR_TT_RECORDS_LC,
	GR_TT_EXPORT_TASKS, GR_TT_NEXT_FORWARD, GR_TT_LOG_GROUPS, GR_TT_LOG_STREAMS,
	GR_TT_NTOP
};

#define GR_JAEGER_SEEN 64 /* traces of "data" whose members gr_jaeger_is keeps */

/* What gr_jaeger_is saw of "data", so that gr_jaeger_doc does not scan it again. */
struct gr_jaeger_seen {
	struct gr_jv f[GR_JAEGER_SEEN][3]; /* spans, processes, traceID of the first traces */
	size_t n;                          /* traces kept in f */
	bool more;                         /* rest is where the traces after them start */
	struct gr_js rest;                 /* the scanner of "data" after the kept traces */
};

/* Would the Jaeger reader take this document (top: its top-level members)? */
bool gr_jaeger_is(const struct gr_jv *top, struct gr_jaeger_seen *seen);
/* Read a document gr_jaeger_is took (with what it saw): one segment record per span. */
void gr_jaeger_doc(struct gr_unit *u, const struct gr_jv *top, const struct gr_jaeger_seen *seen);
/* A bare array of Jaeger spans (validated): is it one, and read it as one trace. */
bool gr_jaeger_spans_is(const struct gr_jv *arr);
void gr_jaeger_spans(struct gr_unit *u, const struct gr_jv *arr);
/* The same for OTLP/JSON ({"resourceSpans":[...]}). */
bool gr_otlp_is(const struct gr_jv *top);
void gr_otlp_doc(struct gr_unit *u, const struct gr_jv *top);

#endif
