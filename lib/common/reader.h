/* reader.h: byte input with transparent gzip/zlib, split into lines or JSON values (lib-internal). */
#ifndef GR_READER_H
#define GR_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gammaray.h"

#define GR_MAX_LAYERS 3 /* compression layers undone (Firehose double gzip is 2) */

enum gr_compress { GR_PLAIN, GR_GZIP, GR_ZLIB };

struct gr_layer; /* one inflate stage, private to reader.c */

/*
 * Buffers and inflate state kept between readers of one thread (a worker reading
 * thousands of small files): the read buffer and one gzip/zlib stage are reused
 * instead of being allocated, mapped and faulted in again for every file.
 */
struct gr_reader_cache {
	char *buf;               /* a read buffer, or NULL */
	size_t cap;              /* its size */
	struct gr_layer *layer;  /* an inflate stage (state allocated), or NULL */
};

/* Free what the cache holds. */
void gr_reader_cache_release(struct gr_reader_cache *c);

/*
 * A decompressing reader over a file descriptor or a memory block. Compression is
 * detected from the content at every layer: gzip (any number of concatenated
 * members), zlib, or plain bytes. Lines and JSON values are returned as slices of
 * an internal buffer that stay valid until the next call.
 */
struct gr_reader {
	const char *name;         /* file name for messages ("-" for stdin) */
	int fd;                   /* source, or -1 for a memory source */
	bool own_fd;              /* close fd in gr_reader_release */
	const unsigned char *mem; /* memory source */
	size_t mem_len, mem_pos;
	uint64_t bytes_in;        /* bytes taken from the source (compressed) */
	int nlayers;              /* inflate stages in use */
	struct gr_layer *layer[GR_MAX_LAYERS];
	enum gr_compress outer;   /* compression of the source itself */

	char *buf;                /* decompressed bytes buf[pos..len) not yet returned */
	size_t cap, pos, len;
	bool eof;                 /* the top layer reported end of data */
	int err;                  /* sticky source error (enum gr_err), 0 if none */
	struct gr_error errinfo;  /* details of err */
	uint64_t base;            /* decompressed offset of buf[0] */
	uint64_t lineno;          /* lines returned so far (number of the last line) */
	size_t max_line;          /* longest line returned */
	size_t max_doc;           /* largest JSON value returned */
	int max_depth;            /* deepest JSON nesting accepted */
	struct gr_reader_cache *cache; /* where buffers come from and go back, or NULL */
	bool json_lines;          /* JSON values are one per line (decided on the first) */
	bool json_mode_known;
};

/* Open path ("-" is stdin). 0 or GR_ERR_IO with err filled. */
int gr_reader_open(struct gr_reader *r, const char *path, struct gr_error *err);
/* Read from memory (not copied; must outlive the reader). */
void gr_reader_open_mem(struct gr_reader *r, const char *name, const void *data, size_t len);
void gr_reader_release(struct gr_reader *r);

/* Take buffers from c and give them back at release (before the first read). */
static inline void gr_reader_use_cache(struct gr_reader *r, struct gr_reader_cache *c)
{
	r->cache = c;
}

/* Set the limits (0 keeps the defaults). */
void gr_reader_limits(struct gr_reader *r, size_t max_line, size_t max_doc, int max_depth);

/*
 * Peek at the first decompressed bytes: sets *p and *n to up to `want` bytes (fewer at
 * end of data). Returns 0 or a negative enum gr_err (with r->errinfo filled).
 */
int gr_reader_peek(struct gr_reader *r, size_t want, const char **p, size_t *n);

/*
 * Next line, without its '\n' (a trailing '\r' is kept). Returns 1 with a line, 0 at
 * end of data, or a negative enum gr_err. GR_ERR_LIMIT means one line was longer
 * than max_line: it was skipped, r->lineno is its number, and reading can go on.
 * Other errors (GR_ERR_COMPRESS, GR_ERR_IO) are final for this reader.
 */
int gr_reader_line(struct gr_reader *r, const char **line, size_t *len);

/*
 * Next top-level JSON value (object or array), found by scanning for its end, not
 * parsed. Values may be separated by whitespace or nothing ("}{"). Returns 1, 0 at
 * end of data, or a negative enum gr_err: GR_ERR_LIMIT (too large), GR_ERR_DEPTH
 * (nested deeper than max_depth) and GR_ERR_JSON (bytes that do not start a value, or a value cut short by the end of
 * data) skip the offending bytes so reading can go on; r->errinfo says what and
 * where. *line is the line the value starts on.
 */
int gr_reader_json(struct gr_reader *r, const char **doc, size_t *len, uint64_t *line);

/* The bytes after the last line returned that are already buffered (no read):
 * lets a caller look ahead without copying. *eof says nothing follows them. */
static inline void gr_reader_ahead(const struct gr_reader *r, const char **p, size_t *n,
				   bool *eof)
{
	*p = r->buf + r->pos;
	*n = r->len - r->pos;
	*eof = r->eof && !r->err;
}

/* Offset (decompressed) of the next unread byte. */
static inline uint64_t gr_reader_offset(const struct gr_reader *r)
{
	return r->base + r->pos;
}

/* Decompressed bytes an input is judged by before it is read as text (gr_text_check). */
#define GR_TEXT_PEEK (64u << 10)

/* True when path's name says gzip: it ends in ".gz" (any case). */
bool gr_gzip_named(const char *path);

/*
 * Is s[0..n), the start of an input, text? Returns 0 when it is; GR_ERR_FORMAT when it
 * holds a NUL byte or when more than 10% of its bytes are not part of valid UTF-8,
 * with err (which may be NULL) saying which: "not text (NUL byte at offset 123)",
 * "not text (2841 of the first 5000 bytes are not UTF-8)". more: the input goes on
 * past n, so a sequence cut at the end is not counted as invalid. A few invalid bytes
 * (Latin-1 text) pass: writers make them U+FFFD.
 */
int gr_text_check(const char *s, size_t n, bool more, struct gr_error *err);

/* Number of bytes of s[0..n) that are not part of a valid UTF-8 sequence. */
size_t gr_utf8_invalid(const char *s, size_t n);

/* Decompress a whole memory block (gzip members or zlib; plain is copied) into out,
 * at most max bytes. For subscription payloads. 0 or a negative enum gr_err. */
struct gr_buf;
int gr_inflate_mem(const void *data, size_t len, size_t max, struct gr_buf *out,
		   struct gr_error *err);

#endif
