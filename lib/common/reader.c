/* reader.c: byte input with transparent gzip/zlib, split into lines or JSON values. */
#include "common/reader.h"

#include "common/json_scan.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <zlib.h>

#include "common/buf.h"
#include "common/jsonw.h"

#define CHUNK (256u << 10)   /* bytes read or inflated per call */
#define INBUF (128u << 10)   /* compressed input buffer per layer */

struct gr_layer {
	z_stream z;            /* inflate state; next_in/avail_in index into `in` */
	unsigned char *in;     /* compressed input from the layer below */
	size_t in_cap;         /* size of in */
	bool gzip;             /* gzip members (else zlib streams) */
	bool src_eof;          /* the layer below has no more data */
	bool ended;            /* every member inflated, nothing follows */
	bool in_member;        /* inside a member: running out of input truncates it */
	uint64_t consumed;     /* compressed bytes inflated so far (for error offsets) */
	uint64_t members;      /* members finished */
};

__attribute__((format(printf, 4, 5)))
static int fail(struct gr_reader *r, int code, uint64_t off, const char *fmt, ...)
{
	va_list ap;

	r->err = code;
	r->errinfo.code = code;
	va_start(ap, fmt);
	vsnprintf(r->errinfo.msg, sizeof(r->errinfo.msg), fmt, ap);
	va_end(ap);
	gr_error_at(&r->errinfo, r->name, 0);
	r->errinfo.offset = off;
	r->errinfo.has_offset = true;
	return code;
}

static void reader_init(struct gr_reader *r, const char *name)
{
	memset(r, 0, sizeof(*r));
	r->name = name;
	r->fd = -1;
	r->max_line = GR_DEFAULT_MAX_LINE;
	r->max_doc = GR_DEFAULT_MAX_DOC;
	r->max_depth = GR_DEFAULT_MAX_DEPTH;
}

int gr_reader_open(struct gr_reader *r, const char *path, struct gr_error *err)
{
	reader_init(r, path);
	if (strcmp(path, "-") == 0) {
		r->fd = 0;
		return 0;
	}
	r->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (r->fd < 0) {
		gr_error_set(err, GR_ERR_IO, "cannot open: %s", strerror(errno));
		gr_error_at(err, path, 0);
		return GR_ERR_IO;
	}
	r->own_fd = true;
	return 0;
}

void gr_reader_open_mem(struct gr_reader *r, const char *name, const void *data, size_t len)
{
	reader_init(r, name);
	r->mem = data;
	r->mem_len = len;
}

void gr_reader_limits(struct gr_reader *r, size_t max_line, size_t max_doc, int max_depth)
{
	if (max_line)
		r->max_line = max_line;
	if (max_doc)
		r->max_doc = max_doc;
	if (max_depth > 0)
		r->max_depth = max_depth;
}

static void layer_free(struct gr_layer *L)
{
	inflateEnd(&L->z);
	free(L->in);
	free(L);
}

void gr_reader_cache_release(struct gr_reader_cache *c)
{
	free(c->buf);
	if (c->layer)
		layer_free(c->layer);
	memset(c, 0, sizeof(*c));
}

void gr_reader_release(struct gr_reader *r)
{
	struct gr_reader_cache *c = r->cache;

	for (int i = 0; i < r->nlayers; i++) {
		if (c && !c->layer && r->layer[i]->in_cap == INBUF) {
			c->layer = r->layer[i]; /* kept with its inflate state */
			continue;
		}
		layer_free(r->layer[i]);
	}
	if (r->own_fd)
		close(r->fd);
	if (c && r->buf && (!c->buf || c->cap < r->cap) && r->cap <= 4 * CHUNK) {
		free(c->buf);
		c->buf = r->buf;
		c->cap = r->cap;
		r->buf = NULL;
	}
	free(r->buf);
	memset(r, 0, sizeof(*r));
	r->fd = -1;
}

static ssize_t raw_read(struct gr_reader *r, unsigned char *out, size_t n)
{
	if (!r->mem && r->fd < 0)
		return 0;
	if (r->mem) {
		size_t k = r->mem_len - r->mem_pos;
		if (k > n)
			k = n;
		memcpy(out, r->mem + r->mem_pos, k);
		r->mem_pos += k;
		r->bytes_in += k;
		return (ssize_t)k;
	}
	for (;;) {
		ssize_t k = read(r->fd, out, n);
		if (k >= 0) {
			r->bytes_in += (uint64_t)k;
			return k;
		}
		if (errno != EINTR)
			return fail(r, GR_ERR_IO, r->bytes_in, "read error: %s", strerror(errno));
	}
}

static ssize_t src_read(struct gr_reader *r, int level, unsigned char *out, size_t n);

/* Make sure at least `want` compressed bytes are buffered in L (fewer at EOF). */
static int layer_refill(struct gr_reader *r, int level, struct gr_layer *L, size_t want)
{
	while (L->z.avail_in < want && !L->src_eof) {
		if (L->z.avail_in && L->z.next_in != L->in)
			memmove(L->in, L->z.next_in, L->z.avail_in);
		L->z.next_in = L->in;
		ssize_t got = src_read(r, level - 1, L->in + L->z.avail_in, L->in_cap - L->z.avail_in);
		if (got < 0)
			return (int)got;
		if (got == 0)
			L->src_eof = true;
		L->z.avail_in += (uInt)got;
	}
	return 0;
}

static bool is_gzip(const unsigned char *p, size_t n)
{
	return n >= 2 && p[0] == 0x1f && p[1] == 0x8b;
}

static bool is_zlib(const unsigned char *p, size_t n)
{
	return n >= 2 && p[0] == 0x78 &&
	       (p[1] == 0x01 || p[1] == 0x5e || p[1] == 0x9c || p[1] == 0xda);
}

/* After a member ended: is another one next? Zero padding after the last member is
 * tolerated (as gzip(1) does); anything else is an error. */
static int next_member(struct gr_reader *r, int level, struct gr_layer *L)
{
	for (;;) {
		int rc = layer_refill(r, level, L, 2);
		if (rc)
			return rc;
		if (L->z.avail_in == 0) {
			L->ended = true;
			return 0;
		}
		if (L->gzip ? is_gzip(L->z.next_in, L->z.avail_in)
			    : is_zlib(L->z.next_in, L->z.avail_in)) {
			inflateReset(&L->z);
			return 0;
		}
		size_t zeros = 0;
		while (zeros < L->z.avail_in && L->z.next_in[zeros] == 0)
			zeros++;
		if (zeros == 0)
			return fail(r, GR_ERR_COMPRESS, L->consumed,
				    "trailing garbage after %s data", L->gzip ? "gzip" : "zlib");
		L->z.next_in += zeros;
		L->z.avail_in -= (uInt)zeros;
		L->consumed += zeros;
	}
}

static ssize_t src_read(struct gr_reader *r, int level, unsigned char *out, size_t n)
{
	if (level == 0)
		return raw_read(r, out, n);

	struct gr_layer *L = r->layer[level - 1];
	if (L->ended)
		return 0;
	L->z.next_out = out;
	L->z.avail_out = (uInt)n;
	while (L->z.avail_out == n && !L->ended) {
		int rc = layer_refill(r, level, L, 1);
		if (rc)
			return rc;
		if (L->z.avail_in == 0) {
			if (L->in_member)
				return fail(r, GR_ERR_COMPRESS, L->consumed, "truncated %s data",
					    L->gzip ? "gzip" : "zlib");
			L->ended = true;
			break;
		}
		uInt before = L->z.avail_in;
		L->in_member = true;
		int zr = inflate(&L->z, Z_NO_FLUSH);
		L->consumed += before - L->z.avail_in;
		if (zr == Z_STREAM_END) {
			L->in_member = false;
			L->members++;
			if ((rc = next_member(r, level, L)))
				return rc;
		} else if (zr == Z_BUF_ERROR) {
			if (L->src_eof && L->z.avail_in == 0)
				return fail(r, GR_ERR_COMPRESS, L->consumed, "truncated %s data",
					    L->gzip ? "gzip" : "zlib");
		} else if (zr != Z_OK) {
			return fail(r, GR_ERR_COMPRESS, L->consumed, "corrupt data: %s",
				    L->z.msg ? L->z.msg : "inflate failed");
		}
	}
	return (ssize_t)(n - L->z.avail_out);
}

/* Read more decompressed bytes into buf, compacting and growing it as needed.
 * Returns 0 (possibly setting eof) or an error. Callers bound how much unread data
 * they let accumulate (max_line, max_doc). */
static int fill(struct gr_reader *r)
{
	if (r->err)
		return r->err;
	if (r->eof)
		return 0;
	if (r->pos > 0 && r->cap - r->len < CHUNK) {
		memmove(r->buf, r->buf + r->pos, r->len - r->pos);
		r->base += r->pos;
		r->len -= r->pos;
		r->pos = 0;
	}
	if (!r->buf && r->cache && r->cache->buf) {
		r->buf = r->cache->buf;
		r->cap = r->cache->cap;
		r->cache->buf = NULL;
	}
	if (r->cap - r->len < CHUNK) {
		size_t cap = r->cap ? r->cap * 2 : CHUNK;
		if (cap < r->len + CHUNK)
			cap = r->len + CHUNK;
		char *p = realloc(r->buf, cap + 1);
		if (!p)
			return fail(r, GR_ERR_NOMEM, 0, "%s", "out of memory");
		r->buf = p;
		r->cap = cap;
	}
	ssize_t got = src_read(r, r->nlayers, (unsigned char *)r->buf + r->len, r->cap - r->len);
	if (got < 0)
		return (int)got;
	if (got == 0)
		r->eof = true;
	r->len += (size_t)got;
	return 0;
}

/* On first use: undo every compression layer the content shows. */
static int sniff(struct gr_reader *r)
{
	if (r->buf || r->err)
		return r->err;
	for (;;) {
		int rc;
		while (r->len < 2 && !r->eof)
			if ((rc = fill(r)))
				return rc;
		const unsigned char *p = (const unsigned char *)r->buf;
		bool gz = is_gzip(p, r->len), zl = !gz && is_zlib(p, r->len);
		if ((!gz && !zl) || r->nlayers == GR_MAX_LAYERS)
			return 0;
		struct gr_layer *L = NULL;
		size_t k = r->len - r->pos;
		if (r->cache && r->cache->layer && k <= INBUF) {
			/* a kept stage: reset its state instead of allocating one */
			L = r->cache->layer;
			r->cache->layer = NULL;
			unsigned char *in = L->in;
			z_stream z = L->z;
			memset(L, 0, sizeof(*L));
			L->in = in;
			L->in_cap = INBUF;
			L->z = z;
			if (inflateReset2(&L->z, gz ? 16 + MAX_WBITS : MAX_WBITS) != Z_OK) {
				layer_free(L);
				return fail(r, GR_ERR_NOMEM, 0, "%s", "cannot start inflate");
			}
		} else {
			L = calloc(1, sizeof(*L));
			if (L)
				L->in_cap = k > INBUF ? k : INBUF;
			if (!L || !(L->in = malloc(L->in_cap))) {
				free(L);
				return fail(r, GR_ERR_NOMEM, 0, "%s", "out of memory");
			}
			if (inflateInit2(&L->z, gz ? 16 + MAX_WBITS : MAX_WBITS) != Z_OK) {
				free(L->in);
				free(L);
				return fail(r, GR_ERR_NOMEM, 0, "%s", "cannot start inflate");
			}
		}
		L->gzip = gz;
		/* what we buffered is this layer's compressed input */
		memcpy(L->in, r->buf + r->pos, k);
		L->z.next_in = L->in;
		L->z.avail_in = (uInt)k;
		L->src_eof = r->eof;
		if (r->nlayers == 0)
			r->outer = gz ? GR_GZIP : GR_ZLIB;
		r->layer[r->nlayers++] = L;
		r->len = r->pos = 0;
		r->base = 0;
		r->eof = false;
	}
}

int gr_reader_peek(struct gr_reader *r, size_t want, const char **p, size_t *n)
{
	int rc;

	if (!r->buf && (rc = sniff(r)))
		return rc;
	while (r->len - r->pos < want && !r->eof)
		if ((rc = fill(r)))
			return rc;
	*p = r->buf + r->pos;
	*n = r->len - r->pos < want ? r->len - r->pos : want;
	return 0;
}

/* Only spaces and carriage returns: what every stream reader trims from a line's end,
 * so a line of them is blank however long. */
static bool blank(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\r')
			return false;
	return true;
}

int gr_reader_line(struct gr_reader *r, const char **line, size_t *len)
{
	size_t scan = 0; /* bytes after pos already known to hold no newline */
	int rc;

	if (!r->buf && (rc = sniff(r)))
		return rc;
	for (;;) {
		char *start = r->buf + r->pos;
		char *nl = memchr(start + scan, '\n', r->len - r->pos - scan);
		if (nl) {
			size_t n = (size_t)(nl - start);
			r->pos += n + 1;
			r->lineno++;
			if (n > r->max_line && !blank(start, n))
				goto too_long;
			*line = start;
			if (n > r->max_line)
				n = 0; /* a blank line, however long */
			*len = n;
			return 1;
		}
		scan = r->len - r->pos;
		if (r->eof || r->err) {
			if (r->err)
				return r->err;
			if (scan == 0)
				return 0;
			r->pos = r->len;
			r->lineno++;
			if (scan > r->max_line && !blank(start, scan))
				goto too_long;
			*line = start;
			*len = scan > r->max_line ? 0 : scan;
			return 1;
		}
		if (scan > r->max_line) {
			/* discard the rest of this line without buffering it; a line of
			 * blanks only is a blank line, not a loss */
			bool empty = blank(start, scan);
			r->lineno++;
			for (;;) {
				r->pos = r->len;
				if ((rc = fill(r)))
					return rc;
				if (r->eof)
					break;
				nl = memchr(r->buf + r->pos, '\n', r->len - r->pos);
				if (empty)
					empty = blank(r->buf + r->pos,
						      (nl ? (size_t)(nl - r->buf) : r->len) - r->pos);
				if (nl) {
					r->pos = (size_t)(nl - r->buf) + 1;
					break;
				}
			}
			if (!empty)
				goto too_long;
			*line = r->buf + r->pos;
			*len = 0;
			return 1;
		}
		if ((rc = fill(r)))
			return rc;
	}
too_long:
	r->err = 0;
	gr_error_set(&r->errinfo, GR_ERR_LIMIT, "line longer than %zu bytes skipped", r->max_line);
	gr_error_at(&r->errinfo, r->name, r->lineno);
	return GR_ERR_LIMIT;
}

/* Resumable scan for the end of one JSON value. */
struct scan {
	size_t at;      /* bytes of the value scanned so far */
	int depth;      /* open brackets */
	int max_seen;   /* deepest nesting seen */
	bool in_str;    /* inside a string */
	bool esc;       /* the previous byte was a backslash inside a string */
};

/* Scan s[st->at..n). Returns true when the value ended (st->at is then its length). */
static bool scan_value(const char *s, size_t n, struct scan *st)
{
	size_t i = st->at;

	while (i < n) {
		if (st->esc) {
			st->esc = false;
			i++;
			continue;
		}
		if (st->in_str) {
			/* to the closing quote, escapes and all; an escape cut by the end
			 * of the buffer is carried to the next one in st->esc */
			const char *q = gr_js_string_end(s + i, s + n, &st->esc, NULL);
			i = (size_t)(q - s);
			if (i == n)
				break;
			st->in_str = false;
			i++;
			continue;
		}
		char c = s[i++];
		if (c == '"') {
			st->in_str = true;
		} else if (c == '{' || c == '[') {
			if (++st->depth > st->max_seen)
				st->max_seen = st->depth;
		} else if (c == '}' || c == ']') {
			if (--st->depth == 0) {
				st->at = i;
				return true;
			}
		}
	}
	st->at = i;
	return false;
}

/* Newlines in s[0..n): most JSON values hold none, and memchr says so at once. */
static uint64_t count_nl(const char *s, size_t n)
{
	const char *p = s, *end = s + n;
	uint64_t k = 0;

	while ((p = memchr(p, '\n', (size_t)(end - p)))) {
		k++;
		p++;
	}
	return k;
}

static bool is_ws(char c)
{
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\0';
}

__attribute__((format(printf, 4, 5)))
static int json_error(struct gr_reader *r, int code, uint64_t line, const char *fmt, ...)
{
	va_list ap;

	r->errinfo.code = code;
	va_start(ap, fmt);
	vsnprintf(r->errinfo.msg, sizeof(r->errinfo.msg), fmt, ap);
	va_end(ap);
	gr_error_at(&r->errinfo, r->name, line);
	return code;
}

/* Skip the rest of the current line (after a value that could not be read). */
static int skip_line(struct gr_reader *r)
{
	for (;;) {
		char *nl = memchr(r->buf + r->pos, '\n', r->len - r->pos);
		if (nl) {
			r->pos = (size_t)(nl - r->buf) + 1;
			r->lineno++;
			return 0;
		}
		r->pos = r->len;
		if (r->eof)
			return 0;
		int rc = fill(r);
		if (rc)
			return rc;
	}
}

int gr_reader_json(struct gr_reader *r, const char **doc, size_t *len, uint64_t *line)
{
	int rc;

	if (!r->buf && (rc = sniff(r)))
		return rc;
	/* skip whitespace, counting lines */
	for (;;) {
		while (r->pos < r->len && is_ws(r->buf[r->pos])) {
			if (r->buf[r->pos] == '\n')
				r->lineno++;
			r->pos++;
		}
		if (r->pos < r->len)
			break;
		if (r->err)
			return r->err;
		if (r->eof)
			return 0;
		if ((rc = fill(r)))
			return rc;
	}
	uint64_t start_line = r->lineno + 1;
	*line = start_line;
	char c = r->buf[r->pos];
	if (c != '{' && c != '[') {
		if ((rc = skip_line(r)))
			return rc;
		return json_error(r, GR_ERR_JSON, start_line,
				  "expected a JSON object or array, found byte 0x%02x",
				  (unsigned)(unsigned char)c);
	}

	struct scan st = { 0 };
	bool discard = false; /* too large: scan on without keeping */
	for (;;) {
		size_t avail = r->len - r->pos;
		const char *s = r->buf + r->pos;
		bool done;
		if (r->json_lines && !discard) {
			/* one value per line: never scan past the end of the line */
			const char *nl = memchr(s + st.at, '\n', avail - st.at);
			size_t lim = nl ? (size_t)(nl - s) : avail;
			done = scan_value(s, lim, &st);
			if (!done && nl && lim + 1 < avail) {
				char next = s[lim + 1];
				if (next != '{' && next != '[') {
					/* a pretty-printed value after one-line ones (an X-Ray
					 * daemon datagram: header line, then the segment) */
					r->json_lines = false;
					continue;
				}
				/* the next line starts a new value: this one was cut short */
				r->lineno += count_nl(s, lim);
				r->pos += lim;
				return json_error(r, GR_ERR_JSON, start_line,
						  "JSON value not terminated on its line (%zu bytes)", lim);
			}
		} else {
			done = scan_value(s, avail, &st);
		}
		if (st.max_seen > r->max_depth || st.at > r->max_doc) {
			/* skip the whole value, then report */
			discard = true;
		}
		if (done) {
			if (!r->json_mode_known) {
				/* NDJSON when the first value sits alone on its line */
				size_t k = st.at;
				while (k < avail && (s[k] == ' ' || s[k] == '\t' || s[k] == '\r'))
					k++;
				r->json_lines = !memchr(s, '\n', st.at) && (k == avail || s[k] == '\n');
				r->json_mode_known = true;
			}
			r->lineno += count_nl(s, st.at);
			r->pos += st.at;
			if (discard) {
				if (st.max_seen > r->max_depth)
					return json_error(r, GR_ERR_DEPTH, start_line,
							  "JSON nested deeper than %d levels skipped",
							  r->max_depth);
				return json_error(r, GR_ERR_LIMIT, start_line,
						  "JSON document larger than %zu bytes skipped",
						  r->max_doc);
			}
			*doc = s;
			*len = st.at;
			return 1;
		}
		if (st.at > r->max_doc || discard) {
			discard = true;
			/* count lines of what we drop, then drop it */
			r->lineno += count_nl(s, st.at);
			r->pos += st.at;
			st.at = 0;
		}
		if (r->err)
			return r->err;
		if (r->eof) {
			r->lineno += count_nl(r->buf + r->pos, st.at);
			r->pos = r->len;
			if (discard)
				return json_error(r, GR_ERR_LIMIT, start_line,
						  "JSON document larger than %zu bytes skipped",
						  r->max_doc);
			return json_error(r, GR_ERR_JSON, start_line,
					  "JSON document cut short by the end of data (%zu bytes)",
					  st.at);
		}
		if ((rc = fill(r)))
			return rc;
	}
}

/* --- what an input claims to be ------------------------------------------------ */

bool gr_gzip_named(const char *path)
{
	size_t n = strlen(path);

	return n > 3 && !strcasecmp(path + n - 3, ".gz");
}

size_t gr_utf8_invalid(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t bad = 0, i = 0;

	while (i < n) {
		/* runs of ASCII, eight bytes at a time: most log text is nothing else */
		uint64_t w;
		while (i + 8 <= n && (memcpy(&w, s + i, 8), !(w & 0x8080808080808080ull)))
			i += 8;
		if (i >= n)
			break;
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		size_t k = gr_utf8_len(s + i, n - i);
		if (k) {
			i += k;
		} else {
			bad++;
			i++;
		}
	}
	return bad;
}

/* Length of s[0..n) without a multi-byte sequence cut short at its end. */
static size_t without_cut_tail(const unsigned char *s, size_t n)
{
	for (size_t back = 1; back <= 3 && back <= n; back++) {
		unsigned c = s[n - back];
		if ((c & 0xc0) == 0x80)
			continue; /* a continuation byte: look further back for its lead */
		size_t want = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
		return want > back ? n - back : n;
	}
	return n;
}

int gr_text_check(const char *s, size_t n, bool more, struct gr_error *err)
{
	const char *nul = memchr(s, '\0', n);

	if (nul)
		return gr_error_set(err, GR_ERR_FORMAT, "not text (NUL byte at offset %zu)",
				    (size_t)(nul - s));
	if (more)
		n = without_cut_tail((const unsigned char *)s, n);
	size_t bad = gr_utf8_invalid(s, n);
	if (bad * 10 > n)
		return gr_error_set(err, GR_ERR_FORMAT,
				    "not text (%zu of the first %zu bytes are not UTF-8)", bad, n);
	return 0;
}

int gr_inflate_mem(const void *data, size_t len, size_t max, struct gr_buf *out,
		   struct gr_error *err)
{
	struct gr_reader r;
	int rc = 0;

	gr_reader_open_mem(&r, "payload", data, len);
	out->max = max;
	for (;;) {
		const char *p;
		size_t n;
		if ((rc = gr_reader_peek(&r, CHUNK, &p, &n)))
			break;
		if (n == 0)
			break;
		if ((rc = gr_buf_add(out, p, n))) {
			if (rc == GR_ERR_NOMEM) /* not the limit: memory ran out first */
				gr_error_set(err, rc, "out of memory after %zu decompressed bytes",
					     out->len);
			else
				gr_error_set(err, rc, "decompressed payload larger than %zu bytes", max);
			gr_reader_release(&r);
			return rc;
		}
		r.pos += n;
	}
	if (rc && err)
		*err = r.errinfo;
	gr_reader_release(&r);
	return rc;
}
