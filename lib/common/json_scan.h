/* json_scan.h: a fast, validating pull scanner of JSON objects and arrays into slices (lib-internal). */
#ifndef GR_JSON_SCAN_H
#define GR_JSON_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "common/buf.h"
#include "common/jsonw.h"

/*
 * Reads one JSON object (or array) member by member without building a tree: each
 * value comes back as a slice of the input. Nested objects and arrays are validated
 * and skipped in one pass; scan them again with a new gr_js over their slice. The
 * scanner accepts exactly RFC 8259 JSON (strings must be valid UTF-8, as jansson
 * requires), so a line it accepts is a line jansson accepts and the other way round,
 * except that "\u0000" is allowed.
 */
enum gr_jt {
	GR_JT_NONE,  /* no value (error or end) */
	GR_JT_STR,   /* string: p/n are the bytes between the quotes, still escaped */
	GR_JT_NUM,   /* number: p/n are its text */
	GR_JT_TRUE,
	GR_JT_FALSE,
	GR_JT_NULL,
	GR_JT_OBJ,   /* object: p/n span from '{' to '}' inclusive */
	GR_JT_ARR,   /* array: p/n span from '[' to ']' inclusive */
};

/* One value (or key) as found in the input. */
struct gr_jv {
	enum gr_jt t;   /* its type */
	const char *p;  /* its text (see enum gr_jt) */
	size_t n;       /* bytes in p */
	bool esc;       /* a string holding backslash escapes: decode with gr_js_unescape */
};

/* The scanner of one object or array. */
struct gr_js {
	const char *p;      /* next byte */
	const char *end;    /* end of input */
	const char *start;  /* beginning of the input, for error offsets */
	int max_depth;      /* deepest nesting accepted below this level */
	bool arr;           /* scanning an array (else an object) */
	bool first;         /* no member read yet */
	bool done;          /* the closing bracket was read */
	bool trusted;       /* the text was validated before: nested values are skipped
			     * by bracket matching, not checked again (set after begin) */
	bool exact;         /* also refuse what jansson refuses beyond the grammar:
			     * integers beyond int64_t, reals beyond a double, "\u0000"
			     * in a key (set after begin) */
	bool nested;        /* started by gr_js_enter: ends at its closing bracket */
	bool at_value;      /* gr_js_key or gr_js_elem stopped before a value not yet
			     * read (the next member skips it) */
	const char *err;    /* what was wrong (static text), NULL while all is well */
	size_t err_off;     /* byte offset of the error in the input */
};

/*
 * The first '"' or '\\' in p[0..end), or end: eight bytes at a time (a zero byte
 * of w ^ '"' or of w ^ '\\' found with the carry trick; the lowest flag is exact).
 */
static inline const char *gr_js_quote_or_backslash(const char *p, const char *end)
{
#ifdef __SSE2__
	while (end - p >= 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
		unsigned bits = (unsigned)_mm_movemask_epi8(
			_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
				     _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))));
		if (bits)
			return p + __builtin_ctz(bits);
		p += 16;
	}
#endif
	while (end - p >= 8) {
		uint64_t w, q, b, m;
		memcpy(&w, p, 8);
		q = w ^ 0x2222222222222222ull;
		b = w ^ 0x5c5c5c5c5c5c5c5cull;
		m = (((q - 0x0101010101010101ull) & ~q) | ((b - 0x0101010101010101ull) & ~b)) &
		    0x8080808080808080ull;
		if (m) {
			p += GR_FIRST_FLAGGED(m);
			break;
		}
		p += 8;
	}
	while (p < end && *p != '"' && *p != '\\')
		p++;
	return p;
}

/*
 * Trusted text: where the string whose bytes continue at p closes, its closing
 * quote, or end when it does not close before end. *esc says on entry whether the
 * byte at p is escaped (the text before ended inside an escape) and on a return of
 * end whether the byte at end would be; *any (NULL for none) is set when a
 * backslash escape comes before the closing quote.
 *
 * Sixteen bytes a step with SSE2, however dense the escapes: the backslashes of a
 * step, taken from the left, each escape the byte after them (a backslash so
 * escaped escapes nothing), which gives the mask of escaped bytes, and the first
 * quote outside it closes the string. Byte by byte elsewhere.
 */
static inline const char *gr_js_string_end(const char *p, const char *end, bool *esc, bool *any)
{
#ifdef __SSE2__
	while (end - p >= 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
		unsigned q = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')));
		unsigned b = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('\\')));
		unsigned e = 0; /* escaped bytes; bit 16: the first byte of the next step */
		if (*esc) {
			e = 1;
			b &= ~1u;
		}
		unsigned starts = 0; /* the backslashes that escape */
		while (b) {
			unsigned i = (unsigned)__builtin_ctz(b);
			starts |= 1u << i;
			e |= 2u << i;
			b &= ~(3u << i);
		}
		q &= ~e;
		if (q) {
			unsigned at = (unsigned)__builtin_ctz(q);
			if (any && (starts & ((1u << at) - 1)))
				*any = true;
			*esc = false;
			return p + at;
		}
		if (any && starts)
			*any = true;
		*esc = (e >> 16) & 1;
		p += 16;
	}
#endif
	for (; p < end; p++) {
		if (*esc) {
			*esc = false;
		} else if (*p == '"') {
			return p;
		} else if (*p == '\\') {
			*esc = true;
			if (any)
				*any = true;
		}
	}
	return end;
}

/*
 * Start on s[0..n), which must hold one object (arr false) or array (arr true) with
 * only whitespace around it. Returns false (with s->err set) if it does not start so.
 */
bool gr_js_begin(struct gr_js *s, const char *p, size_t n, bool arr, int max_depth);

/*
 * Next member of an object: 1 with *key (a string) and *val, 0 after the closing
 * brace when nothing but whitespace follows it, -1 on malformed input (s->err).
 */
int gr_js_next(struct gr_js *s, struct gr_jv *key, struct gr_jv *val);
/* Next element of an array: 1, 0 at the end, -1 on error. */
int gr_js_next_elem(struct gr_js *s, struct gr_jv *val);

/*
 * Descent: reading a nested object or array with a scanner of its own instead of
 * having the parent skip it first and scanning its slice again, so each byte is
 * passed once however deep the value that holds it. gr_js_key reads the next
 * member's key (1, 0 at the end, -1) and stops before its value; gr_js_elem does the
 * same for the next element of an array. Then either gr_js_value reads the value
 * (gr_js_next and gr_js_next_elem are key or elem, then value; a value left unread
 * is skipped by the next gr_js_key or gr_js_elem), or gr_js_enter
 * starts child on it when it is an object (arr false) or array (arr true): false,
 * with nothing read, when it is not. A child reads its members like any scanner
 * and stops after its closing bracket; gr_js_leave then reads whatever the child
 * left unread and moves the parent past the value (1, or -1 with the child's error
 * now the parent's). Child and parent share the input, its offsets and its flags.
 */
int gr_js_key(struct gr_js *s, struct gr_jv *key);
int gr_js_elem(struct gr_js *s);
int gr_js_value(struct gr_js *s, struct gr_jv *val);
bool gr_js_enter(struct gr_js *s, bool arr, struct gr_js *child);
int gr_js_leave(struct gr_js *s, struct gr_js *child);

/*
 * Validate a whole object or array at once (the way gr_js_next would, to the end).
 * Returns true when s[0..n) is one well-formed value of that kind.
 */
bool gr_js_valid(const char *p, size_t n, bool arr, int max_depth, const char **why);

/*
 * Validate the one JSON value that starts at p[0] and return its length, whatever
 * follows it (a marker inside a log line); 0 when it is not valid, with *why and
 * *at (byte offset) saying what and where.
 */
size_t gr_js_value_len(const char *p, size_t n, int max_depth, const char **why, size_t *at);

/* Decode an escaped string's bytes into out (room for n bytes); returns the length. */
size_t gr_js_unescape(const char *p, size_t n, char *out);

/*
 * A string value's text: its bytes when unescaped, else decoded onto the end of
 * dec, which the caller sized beforehand (gr_buf_grow by the text's length: decoded
 * strings are never longer) so earlier slices never move. Non-strings give {NULL, 0}.
 */
struct gr_str gr_jv_text(const struct gr_jv *v, struct gr_buf *dec);

/* Append the JSON text s[0..n) (valid) to out without insignificant whitespace. */
int gr_js_compact(const char *s, size_t n, struct gr_buf *out);

/* Is this string value, unescaped, exactly lit[0..litn)? (Escaped strings never are.) */
static inline bool gr_jv_is(const struct gr_jv *v, const char *lit, size_t litn)
{
	return v->t == GR_JT_STR && !v->esc && v->n == litn && memcmp(v->p, lit, litn) == 0;
}

/* An integer value: true when v is a number that fits int64_t; a fraction or an
 * exponent is allowed and the value truncated toward zero. */
bool gr_jv_int(const struct gr_jv *v, int64_t *out);
/* Any number as a double. */
bool gr_jv_double(const struct gr_jv *v, double *out);

#endif
