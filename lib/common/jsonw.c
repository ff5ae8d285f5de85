/* jsonw.c: a small, fast writer of compact JSON objects. */
#include "common/jsonw.h"

#include <stdio.h>

#include "gammaray.h"
#include "common/numbers.h"

const unsigned char gr_json_special[256] = {
	['\0'] = 1, [1] = 1, [2] = 1, [3] = 1, [4] = 1, [5] = 1, [6] = 1, [7] = 1,
	[8] = 1, [9] = 1, [10] = 1, [11] = 1, [12] = 1, [13] = 1, [14] = 1, [15] = 1,
	[16] = 1, [17] = 1, [18] = 1, [19] = 1, [20] = 1, [21] = 1, [22] = 1, [23] = 1,
	[24] = 1, [25] = 1, [26] = 1, [27] = 1, [28] = 1, [29] = 1, [30] = 1, [31] = 1,
	['"'] = 1, ['\\'] = 1,
#define H16(b) [b] = 1, [b + 1] = 1, [b + 2] = 1, [b + 3] = 1, [b + 4] = 1, [b + 5] = 1, \
	[b + 6] = 1, [b + 7] = 1, [b + 8] = 1, [b + 9] = 1, [b + 10] = 1, [b + 11] = 1,   \
	[b + 12] = 1, [b + 13] = 1, [b + 14] = 1, [b + 15] = 1
	H16(0x80), H16(0x90), H16(0xa0), H16(0xb0), H16(0xc0), H16(0xd0), H16(0xe0),
	H16(0xf0),
#undef H16
};

size_t gr_utf8_len(const unsigned char *s, size_t n)
{
	unsigned c = s[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return n >= 2 && (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		if (n < 3 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
			return 0;
		if ((c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] >= 0xa0))
			return 0; /* overlong, surrogate */
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if (n < 4 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 ||
		    (s[3] & 0xc0) != 0x80)
			return 0;
		if ((c == 0xf0 && s[1] < 0x90) || (c == 0xf4 && s[1] >= 0x90))
			return 0;
		return 4;
	}
	return 0;
}

int gr_json_escape(struct gr_buf *b, const char *str, size_t n)
{
	const char *s = str ? str : "", *end = s + (str ? n : 0); /* NULL + 0 is undefined */
	int rc;

	/* room for the text as it is and its quotes; an escape asks for more */
	if ((rc = gr_buf_reserve(b, n + 2)))
		return rc;
	b->data[b->len++] = '"';
	for (;;) {
		const char *run = s;
		s = gr_json_plain_end(s, end);
		if (s > run) {
			memcpy(b->data + b->len, run, (size_t)(s - run));
			b->len += (size_t)(s - run);
		}
		if (s == end)
			break;
		unsigned c = (unsigned char)*s;
		char esc[8];
		size_t el = 0;
		if (c >= 0x80) {
			size_t ul = gr_utf8_len((const unsigned char *)s, (size_t)(end - s));
			if (ul) {
				memcpy(b->data + b->len, s, ul);
				b->len += ul;
				s += ul;
				continue;
			}
			memcpy(esc, "\xef\xbf\xbd", 3); /* U+FFFD */
			el = 3;
		} else if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			el = 2;
		} else if (c == '\n') {
			memcpy(esc, "\\n", 2);
			el = 2;
		} else if (c == '\t') {
			memcpy(esc, "\\t", 2);
			el = 2;
		} else if (c == '\r') {
			memcpy(esc, "\\r", 2);
			el = 2;
		} else {
			static const char hex[] = "0123456789abcdef";
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			el = 6;
		}
		s++;
		/* this escape, the rest as it is, the closing quote */
		if ((rc = gr_buf_grow(b, el + (size_t)(end - s) + 1)))
			return rc;
		memcpy(b->data + b->len, esc, el);
		b->len += el;
	}
	b->data[b->len++] = '"';
	b->data[b->len] = '\0';
	return 0;
}

void gr_jw_init(struct gr_jw *w, struct gr_buf *b)
{
	w->b = b;
	w->depth = 0;
	w->comma = false;
	w->err = 0;
}

static void put(struct gr_jw *w, const char *s, size_t n)
{
	int rc;

	if (w->err)
		return;
	if ((rc = gr_buf_add(w->b, s, n)))
		w->err = rc;
}

/* Write the comma and key of the next member, with room reserved for `more` bytes of
 * its value after them: where the value goes, or NULL once the writer has failed.
 * member_end closes it at the value's end. */
static char *member(struct gr_jw *w, const char *key, size_t n, size_t more)
{
	struct gr_buf *b = w->b;
	bool comma = w->comma;
	int rc;

	w->comma = true;
	if (!w->err && (rc = gr_buf_reserve(b, (comma ? 1 : 0) + (key ? n + 3 : 0) + more)))
		w->err = rc;
	if (w->err)
		return NULL;
	char *o = b->data + b->len;
	if (comma)
		*o++ = ',';
	if (key) {
		*o++ = '"';
		memcpy(o, key, n);
		o += n;
		*o++ = '"';
		*o++ = ':';
	}
	return o;
}

static void member_end(struct gr_jw *w, char *end)
{
	w->b->len = (size_t)(end - w->b->data);
	w->b->data[w->b->len] = '\0';
}

void gr_jw_key_n(struct gr_jw *w, const char *key, size_t n)
{
	char *o = member(w, key, n, 0);

	if (o)
		member_end(w, o);
}

void gr_jw_begin(struct gr_jw *w)
{
	put(w, "{", 1);
	w->depth = 1;
	w->comma = false;
}

void gr_jw_end(struct gr_jw *w)
{
	put(w, "}\n", 2);
	w->depth = 0;
	w->comma = false;
}

void gr_jw_str_n(struct gr_jw *w, const char *key, size_t kn, const char *s, size_t n)
{
	int rc;

	gr_jw_key_n(w, key, kn);
	if (!w->err && (rc = gr_json_escape(w->b, s, n)))
		w->err = rc;
}

void gr_jw_cstr_n(struct gr_jw *w, const char *key, size_t kn, const char *s)
{
	gr_jw_str_n(w, key, kn, s, strlen(s));
}

void gr_jw_int_n(struct gr_jw *w, const char *key, size_t kn, int64_t v)
{
	/* comma, key and number in one reservation: the graph and event writers' most
	 * frequent call (two reservations and a copy were twice the instructions) */
	char *o = member(w, key, kn, 20);

	if (o)
		member_end(w, o + gr_i64_dec(v, o));
}

void gr_jw_bool_n(struct gr_jw *w, const char *key, size_t kn, bool v)
{
	gr_jw_key_n(w, key, kn);
	put(w, v ? "true" : "false", v ? 4 : 5);
}

void gr_jw_double_n(struct gr_jw *w, const char *key, size_t kn, double v)
{
	char tmp[32];
	int n = snprintf(tmp, sizeof(tmp), "%.17g", v);

	gr_jw_key_n(w, key, kn);
	put(w, tmp, (size_t)n);
}

void gr_jw_null_n(struct gr_jw *w, const char *key, size_t kn)
{
	gr_jw_key_n(w, key, kn);
	put(w, "null", 4);
}

void gr_jw_raw_n(struct gr_jw *w, const char *key, size_t kn, const char *json, size_t n)
{
	gr_jw_key_n(w, key, kn);
	put(w, json, n);
}

void gr_jw_obj_n(struct gr_jw *w, const char *key, size_t kn)
{
	gr_jw_key_n(w, key, kn);
	put(w, "{", 1);
	w->depth++;
	w->comma = false;
}

void gr_jw_obj_end(struct gr_jw *w)
{
	put(w, "}", 1);
	w->depth--;
	w->comma = true;
}

void gr_jw_arr_n(struct gr_jw *w, const char *key, size_t kn)
{
	gr_jw_key_n(w, key, kn);
	put(w, "[", 1);
	w->depth++;
	w->comma = false;
}

void gr_jw_arr_end(struct gr_jw *w)
{
	put(w, "]", 1);
	w->depth--;
	w->comma = true;
}
