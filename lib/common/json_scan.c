/* json_scan.c: a fast, validating pull scanner of JSON objects and arrays into slices. */
#include "common/json_scan.h"

#include "common/jsonw.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>

/* Byte classes inside strings: 0 plain ASCII, 1 quote, 2 backslash, 3 control, 4 UTF-8. */
static const unsigned char str_class[256] = {
	3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
	3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
	0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
};

static bool fail(struct gr_js *s, const char *p, const char *why)
{
	if (!s->err) {
		s->err = why;
		s->err_off = (size_t)(p - s->start);
	}
	return false;
}

static inline const char *skip_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
		p++;
	return p;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Four hex digits at p (room checked by the caller); -1 if not hex. */
static long hex4(const char *p)
{
	long v = 0;

	for (int i = 0; i < 4; i++) {
		int h = hexval(p[i]);
		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

/* Length of the valid UTF-8 sequence at p (lead byte >= 0x80), 0 if invalid. */
/* A multi-byte UTF-8 sequence at p: its length, 0 if invalid (jsonw.c decides). */
static size_t utf8_len(const unsigned char *p, const unsigned char *end)
{
	return gr_utf8_len(p, (size_t)(end - p));
}

/* 1 for the letters of a one-letter escape: \" \\ \/ \b \f \n \r \t */
static const unsigned char simple_escape[256] = {
	['"'] = 1, ['\\'] = 1, ['/'] = 1, ['b'] = 1, ['f'] = 1, ['n'] = 1, ['r'] = 1, ['t'] = 1,
};

/* p is after the opening quote; on success *out is after the closing quote. */
static bool scan_string(struct gr_js *s, const char *p, struct gr_jv *v, const char **out)
{
	const char *end = s->end, *b = p;
	bool esc = false;

	for (;;) {
#ifdef __SSE2__
		/* once a string showed an escape, sixteen bytes a step while they hold
		 * nothing but ASCII, quotes and one-letter escapes (as a Document string
		 * does), the escaped bytes worked out from the backslash mask
		 * (gr_js_string_end); anything else (\u, UTF-8, a control, a bad
		 * escape) is read below, a byte or an escape at a time */
		bool carry = false; /* the step's first byte is escaped */
		while (esc && end - p >= 16) {
			__m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
			unsigned q = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8('"')));
			unsigned bs = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8('\\')));
			unsigned odd = (unsigned)_mm_movemask_epi8(_mm_cmplt_epi8(x, _mm_set1_epi8(0x20)));
			unsigned e = carry, starts = 0;
			bs &= ~(unsigned)carry;
			while (bs) {
				unsigned i = (unsigned)__builtin_ctz(bs);
				starts |= 1u << i;
				e |= 2u << i;
				bs &= ~(3u << i);
			}
			q &= ~e;
			unsigned before = q ? (1u << __builtin_ctz(q)) - 1 : 0xffffu;
			if (odd & before)
				break;
			unsigned m = e & before;
			while (m && simple_escape[(unsigned char)p[__builtin_ctz(m)]])
				m &= m - 1;
			if (m)
				break;
			esc |= (starts & before) != 0;
			if (q) {
				p += __builtin_ctz(q);
				carry = false;
				break;
			}
			carry = e >> 16;
			p += 16;
		}
		if (carry)
			p--; /* back to the backslash: its escape is read whole below */
#endif
		p = gr_json_plain_end(p, end);
		if (p >= end)
			return fail(s, p, "unterminated string");
		switch (str_class[(unsigned char)*p]) {
		case 1:
			v->t = GR_JT_STR;
			v->p = b;
			v->n = (size_t)(p - b);
			v->esc = esc;
			*out = p + 1;
			return true;
		case 2:
			esc = true;
			if (end - p < 2)
				return fail(s, p, "unterminated string");
			switch (p[1]) {
			case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
				p += 2;
				break;
			case 'u': {
				if (end - p < 6)
					return fail(s, p, "invalid \\u escape");
				long u = hex4(p + 2);
				if (u < 0)
					return fail(s, p, "invalid \\u escape");
				p += 6;
				if (u >= 0xDC00 && u <= 0xDFFF)
					return fail(s, p - 6, "invalid Unicode escape (lone low surrogate)");
				if (u >= 0xD800 && u <= 0xDBFF) {
					long lo = end - p >= 6 && p[0] == '\\' && p[1] == 'u' ? hex4(p + 2) : -1;
					if (lo < 0xDC00 || lo > 0xDFFF)
						return fail(s, p - 6, "invalid Unicode escape (lone high surrogate)");
					p += 6;
				}
				break;
			}
			default:
				return fail(s, p, "invalid escape in string");
			}
			break;
		case 3:
			return fail(s, p, "control character in string");
		default: {
			size_t n = utf8_len((const unsigned char *)p, (const unsigned char *)end);
			if (!n)
				return fail(s, p, "invalid UTF-8 in string");
			p += n;
		}
		}
	}
}

/* Would jansson hold the number b[0..n) (valid JSON, with a fraction when frac, an
 * exponent when exp)? It refuses integers that strtoll cannot hold and reals that
 * strtod makes infinite. */
static bool number_fits(const char *b, size_t n, bool frac, bool exp)
{
	const char *digits = b + (*b == '-');
	size_t nd = n - (size_t)(digits - b);

	if (!frac && !exp) {
		/* no leading zeros in JSON: the digit count decides, then the text */
		if (nd != 19)
			return nd < 19;
		return memcmp(digits, *b == '-' ? "9223372036854775808" : "9223372036854775807",
			      19) <= 0;
	}
	if (!exp && nd < 300)
		return true; /* below 1e300 */
	char small[128], *t = n < sizeof(small) ? small : malloc(n + 1);
	if (!t)
		return true; /* cannot tell: the parser that follows will */
	memcpy(t, b, n);
	t[n] = '\0';
	errno = 0;
	double d = strtod(t, NULL);
	bool ok = !(errno == ERANGE && (d == HUGE_VAL || d == -HUGE_VAL));
	if (t != small)
		free(t);
	return ok;
}

/* Does the escaped key text p[0..n) (valid) hold a "\u0000"? */
static bool key_has_nul(const char *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i++) {
		if (p[i] != '\\')
			continue;
		if (p[i + 1] == 'u' && i + 5 < n && !memcmp(p + i + 2, "0000", 4))
			return true;
		i += p[i + 1] == 'u' ? 5 : 1;
	}
	return false;
}

static bool scan_number(struct gr_js *s, const char *p, struct gr_jv *v, const char **out)
{
	const char *b = p, *end = s->end;
	bool frac = false, exp = false;

	if (p < end && *p == '-')
		p++;
	if (p >= end)
		return fail(s, p, "invalid number");
	if (*p == '0') {
		p++;
	} else if (*p >= '1' && *p <= '9') {
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	} else {
		return fail(s, p, "invalid number");
	}
	if (p < end && *p == '.') {
		frac = true;
		p++;
		if (p >= end || *p < '0' || *p > '9')
			return fail(s, p, "invalid number");
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		exp = true;
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		if (p >= end || *p < '0' || *p > '9')
			return fail(s, p, "invalid number");
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	if (s->exact && !number_fits(b, (size_t)(p - b), frac, exp))
		return fail(s, b, "number out of range");
	v->t = GR_JT_NUM;
	v->p = b;
	v->n = (size_t)(p - b);
	v->esc = false;
	*out = p;
	return true;
}

static bool scan_value(struct gr_js *s, const char *p, int depth, struct gr_jv *v,
		       const char **out);

/* A whole object or array at p (its opening bracket); *out after the closing one. */
static bool scan_container(struct gr_js *s, const char *p, int depth, const char **out)
{
	const char *end = s->end;
	char close = *p == '{' ? '}' : ']';
	bool obj = *p == '{';
	struct gr_jv tmp;

	if (depth >= s->max_depth)
		return fail(s, p, "nested too deep");
	p = skip_ws(p + 1, end);
	if (p < end && *p == close) {
		*out = p + 1;
		return true;
	}
	for (;;) {
		if (obj) {
			if (p >= end || *p != '"')
				return fail(s, p, "expected a string key");
			if (!scan_string(s, p + 1, &tmp, &p))
				return false;
			if (s->exact && tmp.esc && key_has_nul(tmp.p, tmp.n))
				return fail(s, tmp.p, "NUL byte in an object key");
			p = skip_ws(p, end);
			if (p >= end || *p != ':')
				return fail(s, p, "expected ':'");
			p = skip_ws(p + 1, end);
		}
		if (!scan_value(s, p, depth + 1, &tmp, &p))
			return false;
		p = skip_ws(p, end);
		if (p < end && *p == ',') {
			p = skip_ws(p + 1, end);
			continue;
		}
		if (p < end && *p == close) {
			*out = p + 1;
			return true;
		}
		return fail(s, p, obj ? "expected ',' or '}'" : "expected ',' or ']'");
	}
}

/* Trusted text: the closing quote of the string whose body starts at p, NULL if
 * none; *esc (when not NULL) says whether a backslash escape came before it. */
static const char *string_close(const char *p, const char *end, bool *esc)
{
	bool in_escape = false, any = false;
	const char *q = gr_js_string_end(p, end, &in_escape, &any);

	if (q == end)
		return NULL;
	if (esc)
		*esc = any;
	return q;
}

/* Trusted text: the end of the string after p (past its opening quote). */
static bool skip_string(struct gr_js *s, const char *p, struct gr_jv *v, const char **out)
{
	bool esc;
	const char *q = string_close(p, s->end, &esc);

	if (!q)
		return fail(s, s->end, "unterminated string");
	v->t = GR_JT_STR;
	v->p = p;
	v->n = (size_t)(q - p);
	v->esc = esc;
	*out = q + 1;
	return true;
}

/* Trusted text: the end of the object or array at p, by bracket matching; strings
 * are jumped over with memchr. */
static bool skip_container(struct gr_js *s, const char *p, const char **out)
{
	const char *end = s->end;
	long depth = 0;

	do {
		char c = *p++;
		if (c == '"') {
			p = string_close(p, end, NULL);
			if (!p)
				return fail(s, end, "unterminated string");
			p++;
		} else if (c == '{' || c == '[') {
			depth++;
		} else if (c == '}' || c == ']') {
			depth--;
		}
	} while (depth > 0 && p < end);
	if (depth > 0)
		return fail(s, end, "unexpected end of input");
	*out = p;
	return true;
}

static bool scan_value(struct gr_js *s, const char *p, int depth, struct gr_jv *v,
		       const char **out)
{
	const char *end = s->end;

	if (p >= end)
		return fail(s, p, "unexpected end of input");
	v->esc = false;
	switch (*p) {
	case '"':
		if (s->trusted)
			return skip_string(s, p + 1, v, out);
		return scan_string(s, p + 1, v, out);
	case '{':
	case '[':
		v->t = *p == '{' ? GR_JT_OBJ : GR_JT_ARR;
		v->p = p;
		if (s->trusted ? !skip_container(s, p, out) : !scan_container(s, p, depth, out))
			return false;
		v->n = (size_t)(*out - p);
		return true;
	case 't':
		if (end - p >= 4 && !memcmp(p, "true", 4)) {
			v->t = GR_JT_TRUE;
			goto lit4;
		}
		break;
	case 'f':
		if (end - p >= 5 && !memcmp(p, "false", 5)) {
			v->t = GR_JT_FALSE;
			v->p = p;
			v->n = 5;
			*out = p + 5;
			return true;
		}
		break;
	case 'n':
		if (end - p >= 4 && !memcmp(p, "null", 4)) {
			v->t = GR_JT_NULL;
			goto lit4;
		}
		break;
	default:
		if (*p == '-' || (*p >= '0' && *p <= '9'))
			return scan_number(s, p, v, out);
	}
	return fail(s, p, "invalid value");
lit4:
	v->p = p;
	v->n = 4;
	*out = p + 4;
	return true;
}

bool gr_js_begin(struct gr_js *s, const char *p, size_t n, bool arr, int max_depth)
{
	memset(s, 0, sizeof(*s));
	s->start = p;
	s->end = n ? p + n : p; /* an absent value is NULL: no arithmetic on it */
	s->max_depth = max_depth > 0 ? max_depth : 512;
	s->arr = arr;
	s->first = true;
	p = skip_ws(p, s->end);
	if (p >= s->end || *p != (arr ? '[' : '{'))
		return fail(s, p, arr ? "not a JSON array" : "not a JSON object");
	s->p = p + 1;
	return true;
}

/* After the closing bracket: only whitespace may follow (a nested scanner stops
 * right after it: its parent reads on). */
static int finish(struct gr_js *s, const char *p)
{
	s->done = true;
	if (s->nested) {
		s->p = p + 1;
		return 0;
	}
	p = skip_ws(p + 1, s->end);
	s->p = p;
	if (p != s->end) {
		fail(s, p, "text after the end of the value");
		return -1;
	}
	return 0;
}

static inline int read_value(struct gr_js *s, struct gr_jv *val);

/* Common part of next/next_elem: separator handling. 1 to read a member, 0 end, -1. */
static int member_start(struct gr_js *s)
{
	const char *p, *end = s->end;
	char close = s->arr ? ']' : '}';

	if (s->err)
		return -1;
	if (s->done)
		return 0;
	if (s->at_value) {
		/* the value of the last key or element was left unread: skip it */
		struct gr_jv v;
		if (read_value(s, &v) < 0)
			return -1;
	}
	p = skip_ws(s->p, end);
	if (s->first) {
		s->first = false;
		if (p < end && *p == close)
			return finish(s, p);
	} else {
		if (p < end && *p == close)
			return finish(s, p);
		if (p >= end || *p != ',') {
			fail(s, p, s->arr ? "expected ',' or ']'" : "expected ',' or '}'");
			return -1;
		}
		p = skip_ws(p + 1, end);
	}
	s->p = p;
	return 1;
}

static inline int read_key(struct gr_js *s, struct gr_jv *key)
{
	int rc = member_start(s);
	const char *p = s->p, *end = s->end;

	if (rc <= 0)
		return rc;
	if (p >= end || *p != '"') {
		fail(s, p, "expected a string key");
		return -1;
	}
	if (!(s->trusted ? skip_string(s, p + 1, key, &p) : scan_string(s, p + 1, key, &p)))
		return -1;
	if (s->exact && key->esc && key_has_nul(key->p, key->n)) {
		fail(s, key->p, "NUL byte in an object key");
		return -1;
	}
	p = skip_ws(p, end);
	if (p >= end || *p != ':') {
		fail(s, p, "expected ':'");
		return -1;
	}
	s->p = skip_ws(p + 1, end);
	return 1;
}

static inline int read_value(struct gr_js *s, struct gr_jv *val)
{
	const char *p = s->p;

	if (s->err)
		return -1;
	s->at_value = false;
	if (!scan_value(s, p, 1, val, &p))
		return -1;
	s->p = p;
	return 1;
}

int gr_js_key(struct gr_js *s, struct gr_jv *key)
{
	int rc = read_key(s, key);

	s->at_value = rc > 0;
	return rc;
}

int gr_js_elem(struct gr_js *s)
{
	int rc = member_start(s);

	s->at_value = rc > 0;
	return rc;
}

int gr_js_value(struct gr_js *s, struct gr_jv *val)
{
	return read_value(s, val);
}

int gr_js_next(struct gr_js *s, struct gr_jv *key, struct gr_jv *val)
{
	int rc = read_key(s, key);

	return rc <= 0 ? rc : read_value(s, val);
}

int gr_js_next_elem(struct gr_js *s, struct gr_jv *val)
{
	int rc = member_start(s);

	return rc <= 0 ? rc : read_value(s, val);
}

bool gr_js_enter(struct gr_js *s, bool arr, struct gr_js *child)
{
	const char *p = s->p;

	if (s->err || p >= s->end || *p != (arr ? '[' : '{'))
		return false;
	/* the depth scan_value would give it; trusted text was checked already */
	if (!s->trusted && s->max_depth <= 1) {
		fail(s, p, "nested too deep");
		return false;
	}
	s->at_value = false; /* the child reads it; gr_js_leave moves past it */
	memset(child, 0, sizeof(*child));
	child->p = p + 1;
	child->end = s->end;
	child->start = s->start;
	child->max_depth = s->max_depth > 1 ? s->max_depth - 1 : 1;
	child->arr = arr;
	child->first = true;
	child->trusted = s->trusted;
	child->exact = s->exact;
	child->nested = true;
	return true;
}

int gr_js_leave(struct gr_js *s, struct gr_js *child)
{
	struct gr_jv k, v;
	int rc;

	while ((rc = child->arr ? gr_js_next_elem(child, &v) : gr_js_next(child, &k, &v)) > 0)
		;
	if (rc < 0) {
		fail(s, child->start + child->err_off, child->err);
		return -1;
	}
	s->p = child->p;
	return 1;
}

bool gr_js_valid(const char *p, size_t n, bool arr, int max_depth, const char **why)
{
	struct gr_js s;
	struct gr_jv k, v;
	int rc;

	if (!gr_js_begin(&s, p, n, arr, max_depth)) {
		if (why)
			*why = s.err;
		return false;
	}
	while ((rc = arr ? gr_js_next_elem(&s, &v) : gr_js_next(&s, &k, &v)) > 0)
		;
	if (why)
		*why = s.err;
	return rc == 0;
}

static size_t put_utf8(unsigned long c, char *out)
{
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (char)(0xC0 | (c >> 6));
		out[1] = (char)(0x80 | (c & 0x3F));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (char)(0xE0 | (c >> 12));
		out[1] = (char)(0x80 | ((c >> 6) & 0x3F));
		out[2] = (char)(0x80 | (c & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (c >> 18));
	out[1] = (char)(0x80 | ((c >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((c >> 6) & 0x3F));
	out[3] = (char)(0x80 | (c & 0x3F));
	return 4;
}

size_t gr_js_unescape(const char *p, size_t n, char *out)
{
	const char *end = p + n;
	size_t o = 0;

	while (p < end) {
#ifdef __SSE2__
		/* sixteen bytes copied as they are, kept up to the first backslash:
		 * out never runs ahead of the input, so the room for n bytes holds them */
		if (end - p >= 16) {
			__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
			unsigned b = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('\\')));
			size_t run = b ? (size_t)__builtin_ctz(b) : 16;
			_mm_storeu_si128((__m128i *)(void *)(out + o), v);
			o += run;
			p += run;
			if (run == 16)
				continue;
		}
#endif
		if (*p != '\\') {
			out[o++] = *p++;
			continue;
		}
		if (end - p < 2)
			break;
		char c = p[1];
		p += 2;
		switch (c) {
		case 'b': out[o++] = '\b'; break;
		case 'f': out[o++] = '\f'; break;
		case 'n': out[o++] = '\n'; break;
		case 'r': out[o++] = '\r'; break;
		case 't': out[o++] = '\t'; break;
		case 'u': {
			long u = end - p >= 4 ? hex4(p) : -1;
			if (u < 0)
				return o;
			p += 4;
			if (u >= 0xD800 && u <= 0xDBFF && end - p >= 6 && p[0] == '\\' && p[1] == 'u') {
				long lo = hex4(p + 2);
				if (lo >= 0xDC00 && lo <= 0xDFFF) {
					u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
					p += 6;
				}
			}
			/* a \uXXXX escape is 6 bytes and decodes to at most 3 (4 for a pair of 12) */
			o += put_utf8((unsigned long)u, out + o);
			break;
		}
		default: out[o++] = c; break;
		}
	}
	return o;
}

bool gr_jv_int(const struct gr_jv *v, int64_t *out)
{
	if (v->t != GR_JT_NUM || v->n == 0)
		return false;
	const char *p = v->p, *end = p + v->n;
	bool neg = *p == '-';
	uint64_t acc = 0;

	if (neg)
		p++;
	/* up to 19 digits cannot overflow 64 bits: no check (and no division) per digit */
	for (const char *safe = end - p > 19 ? p + 19 : end; p < safe && *p >= '0' && *p <= '9'; p++)
		acc = acc * 10 + (unsigned)(*p - '0');
	while (p < end && *p >= '0' && *p <= '9') {
		unsigned d = (unsigned)(*p - '0');
		if (acc > (UINT64_MAX - d) / 10)
			return false;
		acc = acc * 10 + d;
		p++;
	}
	if (p == end) {
		if (neg ? acc > (uint64_t)INT64_MAX + 1 : acc > (uint64_t)INT64_MAX)
			return false;
		*out = neg ? (int64_t)(0 - acc) : (int64_t)acc;
		return true;
	}
	double d;
	if (!gr_jv_double(v, &d) || d != d || d >= 9.2e18 || d <= -9.2e18)
		return false;
	*out = (int64_t)d;
	return true;
}

/*
 * Clinger's fast path: a number whose significant digits make an integer m below
 * 2^53 and whose decimal exponent e is within +-22 is m * 10^e or m / 10^-e, one
 * correctly rounded operation on two exact doubles, which is what strtod returns.
 * True with *out set when it applies (X-Ray times such as 1.714564800405039E9 do).
 */
static bool fast_double(const char *p, const char *end, double *out)
{
#if FLT_EVAL_METHOD == 0
	static const double pow10[] = { 1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
					1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
					1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22 };
	bool neg = p < end && *p == '-';
	uint64_t m = 0;
	int digits = 0, e = 0;
	const char *d0;

	p += neg;
	for (d0 = p; p < end && *p >= '0' && *p <= '9'; p++) {
		if (m || *p != '0')
			digits++;
		m = m * 10 + (uint64_t)(*p - '0');
		if (digits > 19)
			return false;
	}
	if (p == d0)
		return false; /* JSON numbers start with a digit */
	if (p < end && *p == '.') {
		for (d0 = ++p; p < end && *p >= '0' && *p <= '9'; p++) {
			if (m || *p != '0')
				digits++;
			m = m * 10 + (uint64_t)(*p - '0');
			e--;
			if (digits > 19)
				return false;
		}
		if (p == d0)
			return false;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		bool eneg = false;
		int x = 0;
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			eneg = *p++ == '-';
		for (d0 = p; p < end && *p >= '0' && *p <= '9'; p++)
			if ((x = x * 10 + (*p - '0')) > 1000)
				return false;
		if (p == d0)
			return false;
		e += eneg ? -x : x;
	}
	if (p != end || m > (1ull << 53) || e < -22 || e > 22)
		return false;
	double d = (double)m;
	d = e < 0 ? d / pow10[-e] : d * pow10[e];
	*out = neg ? -d : d;
	return true;
#else
	(void)p;
	(void)end;
	(void)out;
	return false; /* extended precision: double rounding; strtod decides */
#endif
}

bool gr_jv_double(const struct gr_jv *v, double *out)
{
	char buf[64];
	char *endp;

	if (v->t != GR_JT_NUM || v->n == 0 || v->n >= sizeof(buf))
		return false;
	if (fast_double(v->p, v->p + v->n, out))
		return true;
	memcpy(buf, v->p, v->n);
	buf[v->n] = '\0';
	errno = 0;
	*out = strtod(buf, &endp);
	return *endp == '\0' && errno != ERANGE;
}

struct gr_str gr_jv_text(const struct gr_jv *v, struct gr_buf *dec)
{
	if (v->t != GR_JT_STR)
		return (struct gr_str){ NULL, 0 };
	if (!v->esc)
		return (struct gr_str){ v->p, v->n };
	char *out = dec->data + dec->len;
	size_t n = gr_js_unescape(v->p, v->n, out);
	dec->len += n;
	dec->data[dec->len] = '\0';
	return (struct gr_str){ out, n };
}

int gr_js_compact(const char *s, size_t n, struct gr_buf *out)
{
	const char *end = s + n, *run = s, *p = s;
	int rc;

	while (p < end) {
		if (*p == '"') {
			p = string_close(p + 1, end, NULL);
			p = p ? p + 1 : end;
			continue;
		}
		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
			if ((rc = gr_buf_add(out, run, (size_t)(p - run))))
				return rc;
			while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
				p++;
			run = p;
			continue;
		}
		p++;
	}
	return gr_buf_add(out, run, (size_t)(end - run));
}

size_t gr_js_value_len(const char *p, size_t n, int max_depth, const char **why, size_t *at)
{
	struct gr_js s;
	struct gr_jv v;
	const char *out;

	memset(&s, 0, sizeof(s));
	s.start = p;
	s.end = p + n;
	s.max_depth = max_depth > 0 ? max_depth : 512;
	if (scan_value(&s, p, 0, &v, &out))
		return (size_t)(out - p);
	if (why)
		*why = s.err;
	if (at)
		*at = s.err_off;
	return 0;
}
