/* jsonw.h: a small, fast writer of compact JSON objects into a gr_buf (lib-internal). */
#ifndef GR_JSONW_H
#define GR_JSONW_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "common/buf.h"

/*
 * Writes one object at a time, keys in the order the caller writes them, so the
 * output is deterministic by construction. Strings are escaped and made valid
 * UTF-8 (invalid bytes become U+FFFD). Errors (out of memory, size limit) are
 * sticky: check `err` once after gr_jw_end().
 */
struct gr_jw {
	struct gr_buf *b; /* destination */
	int depth;        /* open objects/arrays */
	bool comma;       /* a member was written at the current level */
	int err;          /* first error, 0 if none */
};

void gr_jw_init(struct gr_jw *w, struct gr_buf *b);
void gr_jw_begin(struct gr_jw *w);                 /* { */
void gr_jw_end(struct gr_jw *w);                   /* } and, at depth 0, a newline */

/*
 * The members: key (trusted ASCII; NULL inside arrays) and value. Each is an inline
 * wrapper around a function taking the key's length, so that the length of a
 * literal key is counted by the compiler, not by strlen at every record.
 */
void gr_jw_key_n(struct gr_jw *w, const char *key, size_t kn);
void gr_jw_str_n(struct gr_jw *w, const char *key, size_t kn, const char *s, size_t n);
void gr_jw_cstr_n(struct gr_jw *w, const char *key, size_t kn, const char *s);
void gr_jw_int_n(struct gr_jw *w, const char *key, size_t kn, int64_t v);
void gr_jw_bool_n(struct gr_jw *w, const char *key, size_t kn, bool v);
void gr_jw_double_n(struct gr_jw *w, const char *key, size_t kn, double v);
void gr_jw_null_n(struct gr_jw *w, const char *key, size_t kn);
void gr_jw_raw_n(struct gr_jw *w, const char *key, size_t kn, const char *json, size_t n);
void gr_jw_obj_n(struct gr_jw *w, const char *key, size_t kn);
void gr_jw_arr_n(struct gr_jw *w, const char *key, size_t kn);

#define GR_JW_KEYLEN(key) ((key) ? strlen(key) : 0)

/* "key": */
static inline void gr_jw_key(struct gr_jw *w, const char *key)
{
	gr_jw_key_n(w, key, GR_JW_KEYLEN(key));
}
static inline void gr_jw_str(struct gr_jw *w, const char *key, const char *s, size_t n)
{
	gr_jw_str_n(w, key, GR_JW_KEYLEN(key), s, n);
}
static inline void gr_jw_cstr(struct gr_jw *w, const char *key, const char *s)
{
	gr_jw_cstr_n(w, key, GR_JW_KEYLEN(key), s);
}
static inline void gr_jw_int(struct gr_jw *w, const char *key, int64_t v)
{
	gr_jw_int_n(w, key, GR_JW_KEYLEN(key), v);
}
static inline void gr_jw_bool(struct gr_jw *w, const char *key, bool v)
{
	gr_jw_bool_n(w, key, GR_JW_KEYLEN(key), v);
}
static inline void gr_jw_double(struct gr_jw *w, const char *key, double v)
{
	gr_jw_double_n(w, key, GR_JW_KEYLEN(key), v);
}
static inline void gr_jw_null(struct gr_jw *w, const char *key)
{
	gr_jw_null_n(w, key, GR_JW_KEYLEN(key));
}
/* Already-serialised JSON value, written as is (the caller vouches for it). */
static inline void gr_jw_raw(struct gr_jw *w, const char *key, const char *json, size_t n)
{
	gr_jw_raw_n(w, key, GR_JW_KEYLEN(key), json, n);
}
/* Nested object or array. */
static inline void gr_jw_obj(struct gr_jw *w, const char *key)
{
	gr_jw_obj_n(w, key, GR_JW_KEYLEN(key));
}
void gr_jw_obj_end(struct gr_jw *w);
static inline void gr_jw_arr(struct gr_jw *w, const char *key)
{
	gr_jw_arr_n(w, key, GR_JW_KEYLEN(key));
}
void gr_jw_arr_end(struct gr_jw *w);

/* The index of the first byte flagged (its high bit set) in m, a mask over eight
 * bytes read with memcpy; 0 where that order is not known, and the caller's byte
 * loop finds it. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define GR_FIRST_FLAGGED(m) ((size_t)__builtin_ctzll(m) >> 3)
#else
#define GR_FIRST_FLAGGED(m) ((size_t)0)
#endif

/* 1 for the bytes a JSON string cannot hold as they are (controls, '"', '\\') and
 * for those that need a UTF-8 check (>= 0x80), else 0. */
extern const unsigned char gr_json_special[256];

/*
 * Where the plain ASCII of a JSON string ends: the first byte of p[0..end) that is
 * a control, '"', '\\' or not ASCII (>= 0x80), or end. Eight bytes at a time: the
 * carry trick flags a byte below 0x20, and zero bytes of w ^ '"' and w ^ '\\'; the
 * lowest flag is always exact.
 */
static inline const char *gr_json_plain_end(const char *p, const char *end)
{
#ifdef __SSE2__
	/* sixteen at a time where SSE2 is there (every x86-64): the signed compare with
	 * 0x20 takes the controls and the bytes >= 0x80 at once */
	while (end - p >= 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
		__m128i m = _mm_or_si128(_mm_cmplt_epi8(v, _mm_set1_epi8(0x20)),
					 _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
						      _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))));
		unsigned bits = (unsigned)_mm_movemask_epi8(m);
		if (bits)
			return p + __builtin_ctz(bits);
		p += 16;
	}
#endif
	while (end - p >= 8) {
		uint64_t w, ctl, q, bs, m;
		memcpy(&w, p, 8);
		ctl = (w - 0x2020202020202020ull) & ~w;
		q = w ^ 0x2222222222222222ull;
		bs = w ^ 0x5c5c5c5c5c5c5c5cull;
		q = (q - 0x0101010101010101ull) & ~q;
		bs = (bs - 0x0101010101010101ull) & ~bs;
		m = (ctl | q | bs | w) & 0x8080808080808080ull;
		if (m) {
			p += GR_FIRST_FLAGGED(m);
			break;
		}
		p += 8;
	}
	while (p < end && !gr_json_special[(unsigned char)*p])
		p++;
	return p;
}

/* Length of the valid UTF-8 sequence at s (1..4, n >= 1), or 0 if invalid. */
size_t gr_utf8_len(const unsigned char *s, size_t n);

/* Append s[0..n) to b as a JSON string literal with quotes. */
int gr_json_escape(struct gr_buf *b, const char *s, size_t n);

#endif
