/* buf.h: growable byte buffer with a hard size limit (lib-internal). */
#ifndef GR_BUF_H
#define GR_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/*
 * A byte buffer that grows geometrically up to `max` bytes. `data` is always
 * NUL-terminated when non-NULL (the terminator is not counted in `len`), so a
 * buffer holding text can be handed to C string functions.
 */
struct gr_buf {
	char *data;   /* contents, NUL-terminated; NULL until the first append */
	size_t len;   /* bytes in use, excluding the terminator */
	size_t cap;   /* bytes allocated, including room for the terminator */
	size_t max;   /* largest len allowed; 0 means SIZE_MAX / 2 */
};

#define GR_BUF_INIT { NULL, 0, 0, 0 }

/* A slice of someone else's bytes (a line, a buffer); not NUL-terminated. */
struct gr_str {
	const char *p; /* first byte, NULL when absent */
	size_t n;      /* length */
};

/* Is s exactly the NUL-terminated lit? */
static inline bool gr_str_is(struct gr_str s, const char *lit)
{
	size_t n = strlen(lit);

	return s.n == n && (n == 0 || !memcmp(s.p, lit, n));
}

/* Ensure room for `extra` more bytes. 0, GR_ERR_NOMEM or GR_ERR_LIMIT. */
int gr_buf_grow(struct gr_buf *b, size_t extra);
/* gr_buf_grow, inline when the room is there already (the writers' every call). */
static inline int gr_buf_reserve(struct gr_buf *b, size_t extra)
{
	if (b->data && b->cap - b->len > extra && (!b->max || b->len + extra <= b->max))
		return 0;
	return gr_buf_grow(b, extra);
}
int gr_buf_add_slow(struct gr_buf *b, const void *p, size_t n);
/* Append n bytes (inline when they fit). 0, GR_ERR_NOMEM or GR_ERR_LIMIT. */
static inline int gr_buf_add(struct gr_buf *b, const void *p, size_t n)
{
	if (b->data && b->cap - b->len > n && (!b->max || b->len + n <= b->max)) {
		memcpy(b->data + b->len, p, n);
		b->len += n;
		b->data[b->len] = '\0';
		return 0;
	}
	return gr_buf_add_slow(b, p, n);
}
int gr_buf_addc(struct gr_buf *b, char c);
int gr_buf_adds(struct gr_buf *b, const char *s);
/* printf-style append; the format is always a literal in this code base */
int gr_buf_addf(struct gr_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Forget the contents, keep the allocation. */
static inline void gr_buf_reset(struct gr_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}
/* Drop the first n bytes. */
void gr_buf_consume(struct gr_buf *b, size_t n);
/* Hand the allocation to the caller (who frees it) and reset the buffer. */
char *gr_buf_detach(struct gr_buf *b, size_t *len);
void gr_buf_release(struct gr_buf *b);

/*
 * Make room for one more element in a growable array: *arr holds n elements of size
 * sz in room for *cap; the room doubles (starting at 16) when full. 0 or
 * GR_ERR_NOMEM. GR_GROW(arr, n, cap) is the usual call.
 */
int gr_array_grow(void **arr, size_t *cap, size_t n, size_t sz);
#define GR_GROW(arr, n, cap) gr_array_grow((void **)&(arr), &(cap), (n), sizeof(*(arr)))

/* Unchecked fast appends for callers that reserved room with gr_buf_grow(). */
static inline void gr_buf_put(struct gr_buf *b, const void *p, size_t n)
{
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

#endif
