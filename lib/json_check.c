/* json_check.c: validate and pick apart small JSON texts without building a tree. */
#include "json_check.h"

#include <string.h>

#define MAX_STACK 1024 /* nesting a caller may ask for */

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

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static unsigned hex4(const char *s)
{
	unsigned v = 0;

	for (int i = 0; i < 4; i++) {
		char c = s[i];
		v = v * 16 + (unsigned)(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
	}
	return v;
}

/* A string starting at s[i] == '"'. Returns the index after it, 0 if invalid. */
static size_t string_end(const char *s, size_t n, size_t i, const char **why)
{
	const unsigned char *u = (const unsigned char *)s;

	for (i++; i < n;) {
		unsigned char c = u[i];
		if (c == '"')
			return i + 1;
		if (c < 0x20) {
			*why = "control character in a string";
			return 0;
		}
		if (c == '\\') {
			if (i + 1 >= n)
				break;
			char e = s[i + 1];
			if (e == 'u') {
				if (i + 6 > n || !is_hex(s[i + 2]) || !is_hex(s[i + 3]) ||
				    !is_hex(s[i + 4]) || !is_hex(s[i + 5])) {
					*why = "bad \\u escape";
					return 0;
				}
				unsigned cp = hex4(s + i + 2);
				i += 6;
				if (cp >= 0xd800 && cp <= 0xdbff) {
					/* a high surrogate must be followed by a low one */
					if (i + 6 > n || s[i] != '\\' || s[i + 1] != 'u' ||
					    !is_hex(s[i + 2]) || !is_hex(s[i + 3]) || !is_hex(s[i + 4]) ||
					    !is_hex(s[i + 5]) || hex4(s + i + 2) < 0xdc00 ||
					    hex4(s + i + 2) > 0xdfff) {
						*why = "unpaired surrogate escape";
						return 0;
					}
					i += 6;
				} else if (cp >= 0xdc00 && cp <= 0xdfff) {
					*why = "unpaired surrogate escape";
					return 0;
				}
				continue;
			}
			if (!strchr("\"\\/bfnrt", e) || !e) {
				*why = "bad escape in a string";
				return 0;
			}
			i += 2;
			continue;
		}
		if (c < 0x80) {
			i++;
			continue;
		}
		size_t l = gr_utf8_len(u + i, n - i);
		if (!l) {
			*why = "invalid UTF-8 in a string";
			return 0;
		}
		i += l;
	}
	*why = "unterminated string";
	return 0;
}

static size_t number_end(const char *s, size_t n, size_t i)
{
	size_t start = i;

	if (i < n && s[i] == '-')
		i++;
	if (i < n && s[i] == '0') {
		i++;
	} else if (i < n && s[i] >= '1' && s[i] <= '9') {
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	} else {
		return 0;
	}
	if (i < n && s[i] == '.') {
		size_t d = ++i;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == d)
			return 0;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		size_t d = i;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == d)
			return 0;
	}
	return i > start ? i : 0;
}

static size_t skip_ws(const char *s, size_t n, size_t i)
{
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
		i++;
	return i;
}

size_t gr_json_check(const char *s, size_t n, int max_depth, const char **why, size_t *at)
{
	char stack[MAX_STACK]; /* '{' or '[' per open container */
	int depth = 0;
	size_t i = 0;
	enum { VALUE, AFTER_VALUE, KEY } want = VALUE;

	if (max_depth > MAX_STACK)
		max_depth = MAX_STACK;
	*why = NULL;
	for (;;) {
		i = skip_ws(s, n, i);
		if (i >= n) {
			*why = "unexpected end of text";
			break;
		}
		char c = s[i];
		if (want == KEY) {
			if (c != '"') {
				*why = "expected a string key";
				break;
			}
			size_t e = string_end(s, n, i, why);
			if (!e)
				break;
			i = skip_ws(s, n, e);
			if (i >= n || s[i] != ':') {
				*why = "expected ':'";
				break;
			}
			i++;
			want = VALUE;
			continue;
		}
		if (want == AFTER_VALUE) {
			if (depth == 0)
				return i; /* the value ended */
			if (c == ',') {
				i++;
				want = stack[depth - 1] == '{' ? KEY : VALUE;
				if (want == KEY) {
					i = skip_ws(s, n, i);
					if (i < n && s[i] == '}') {
						*why = "trailing comma";
						break;
					}
				}
				continue;
			}
			if ((c == '}' && stack[depth - 1] == '{') || (c == ']' && stack[depth - 1] == '[')) {
				depth--;
				i++;
				if (depth == 0)
					return i;
				continue;
			}
			*why = "expected ',' or a closing bracket";
			break;
		}
		/* want == VALUE */
		if (c == '{' || c == '[') {
			if (depth >= max_depth) {
				*why = "nested too deep";
				break;
			}
			stack[depth++] = c;
			i = skip_ws(s, n, i + 1);
			want = c == '{' ? KEY : VALUE;
			if (i < n && s[i] == (c == '{' ? '}' : ']')) {
				/* empty container */
				depth--;
				i++;
				if (depth == 0)
					return i;
				want = AFTER_VALUE;
			}
			continue;
		}
		size_t e = 0;
		if (c == '"')
			e = string_end(s, n, i, why);
		else if (c == '-' || (c >= '0' && c <= '9'))
			e = number_end(s, n, i);
		else if (n - i >= 4 && !memcmp(s + i, "true", 4))
			e = i + 4;
		else if (n - i >= 5 && !memcmp(s + i, "false", 5))
			e = i + 5;
		else if (n - i >= 4 && !memcmp(s + i, "null", 4))
			e = i + 4;
		if (!e) {
			if (!*why)
				*why = "invalid value";
			break;
		}
		i = e;
		want = AFTER_VALUE;
		if (depth == 0)
			return i;
	}
	if (at)
		*at = i;
	return 0;
}

/* End of the value at s[i] of a text already validated: bracket matching only. */
static size_t value_end(const char *s, size_t n, size_t i)
{
	int depth = 0;

	if (i >= n)
		return n;
	if (s[i] != '"' && s[i] != '{' && s[i] != '[') {
		while (i < n && s[i] != ',' && s[i] != '}' && s[i] != ']' && s[i] != ' ' &&
		       s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
			i++;
		return i;
	}
	do {
		char c = s[i++];
		if (c == '"') {
			while (i < n && s[i] != '"')
				i += s[i] == '\\' ? 2 : 1;
			i++;
		} else if (c == '{' || c == '[') {
			depth++;
		} else if (c == '}' || c == ']') {
			depth--;
		}
	} while (depth > 0 && i < n);
	return i < n ? i : n;
}

size_t gr_json_members(const char *obj, size_t n, const char *const *keys, size_t nkeys,
		       struct gr_json_span *vals)
{
	size_t i = skip_ws(obj, n, 0), found = 0;

	for (size_t k = 0; k < nkeys; k++)
		vals[k].p = NULL, vals[k].n = 0;
	if (i >= n || obj[i] != '{')
		return 0;
	i++;
	while (found < nkeys) {
		i = skip_ws(obj, n, i);
		if (i >= n || obj[i] != '"')
			break;
		size_t ks = i + 1, ke = value_end(obj, n, i) - 1; /* key text is [ks, ke) */
		i = skip_ws(obj, n, ke + 1);
		if (i >= n || obj[i] != ':')
			break;
		i = skip_ws(obj, n, i + 1);
		size_t ve = value_end(obj, n, i);
		for (size_t k = 0; k < nkeys; k++) {
			size_t kl = strlen(keys[k]);
			if (!vals[k].p && ke - ks == kl && !memcmp(obj + ks, keys[k], kl)) {
				vals[k].p = obj + i;
				vals[k].n = ve - i;
				found++;
				break;
			}
		}
		i = skip_ws(obj, n, ve);
		if (i >= n || obj[i] != ',')
			break;
		i++;
	}
	return found;
}

bool gr_json_member(const char *obj, size_t n, const char *key, const char **v, size_t *vn)
{
	struct gr_json_span span;

	if (!gr_json_members(obj, n, &key, 1, &span))
		return false;
	*v = span.p;
	*vn = span.n;
	return true;
}

bool gr_json_plain_string(const char *v, size_t vn, const char **p, size_t *pn)
{
	if (vn < 2 || v[0] != '"' || v[vn - 1] != '"' || memchr(v, '\\', vn))
		return false;
	*p = v + 1;
	*pn = vn - 2;
	return true;
}

int gr_json_compact(const char *s, size_t n, struct gr_buf *out)
{
	size_t i = 0, run = 0;
	int rc;

	while (i < n) {
		char c = s[i];
		if (c == '"') {
			const char *why;
			size_t e = string_end(s, n, i, &why);
			i = e ? e : n;
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			if ((rc = gr_buf_add(out, s + run, i - run)))
				return rc;
			while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
				i++;
			run = i;
			continue;
		}
		i++;
	}
	return gr_buf_add(out, s + run, n - run);
}
