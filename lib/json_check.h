/* json_check.h: validate and pick apart small JSON texts without building a tree (lib-internal). */
#ifndef GR_JSON_CHECK_H
#define GR_JSON_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

/*
 * Validate the JSON value that starts at s[0] (RFC 8259: strings with valid escapes
 * and UTF-8, no control characters, number grammar, literals, nesting up to
 * max_depth). Trailing bytes after the value are not looked at. Returns the value's
 * length, or 0 when it is not valid JSON, with *why saying what is wrong and *at
 * where (byte offset).
 */
size_t gr_json_check(const char *s, size_t n, int max_depth, const char **why, size_t *at);

/* A slice of JSON text. */
struct gr_json_span {
	const char *p; /* start, NULL when absent */
	size_t n;      /* length */
};

/*
 * In a valid JSON object text, find the values of several top-level keys in one
 * pass (keys written without escapes; the first occurrence wins). Returns how many
 * were found; absent ones have p == NULL.
 */
size_t gr_json_members(const char *obj, size_t n, const char *const *keys, size_t nkeys,
		       struct gr_json_span *vals);

/*
 * In a valid JSON object text, find the value of a top-level key (the key must be
 * written without escapes). Sets *v and *vn to the value's text (strings keep their
 * quotes). Returns false when absent.
 */
bool gr_json_member(const char *obj, size_t n, const char *key, const char **v, size_t *vn);

/* The characters of a JSON string value text ("...") when it has no escapes:
 * *p and *pn without the quotes. False when it is not a string or has escapes. */
bool gr_json_plain_string(const char *v, size_t vn, const char **p, size_t *pn);

/* Append valid JSON text s[0..n) to out without insignificant whitespace. */
int gr_json_compact(const char *s, size_t n, struct gr_buf *out);

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if invalid. */
size_t gr_utf8_len(const unsigned char *s, size_t n);

#endif
