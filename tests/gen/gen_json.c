/* gen_json.c: variants of a JSON template: every path of its tree times every mutation class that fits. */
#include "gen.h"

#include <jansson.h>
#include <zlib.h>

/* One step of a path: a member (key) or an element (key NULL, idx). */
struct step {
	const char *key; /* member name (owned by the template), NULL for an element */
	size_t idx;      /* element index */
};

/* A path from the root: n steps. */
struct jpath {
	struct step *s; /* the steps (owned) */
	size_t n;       /* how many */
};

/* Every path of the template, in document order (pre-order). */
struct paths {
	struct jpath *p; /* the paths */
	size_t n, cap;   /* used, allocated */
};

/* Texts a dump writes in place of the string "@@raw:N@@": numbers jansson cannot hold
 * (-0, 1e400), bytes it will not write (invalid UTF-8), nesting deeper than we build,
 * duplicated keys. Reset for every variant. */
static struct {
	char **s;      /* the texts (owned) */
	size_t n, cap; /* used, allocated */
} raws;

/* The state of one family's run. */
struct gen_ctx {
	const struct gen_family *fam; /* the family */
	const struct gen_sink *sink;  /* where variants go */
	json_t *tmpl;                 /* the template */
	size_t index;                 /* next variant's index */
	struct gr_buf out;            /* the bytes of the current variant */
	struct gr_buf tmp;            /* scratch for nested encodings */
};

#define DEEP_ARRAY 600  /* deeper than GR_DEFAULT_MAX_DEPTH (512) */
#define DEEP_OBJECT 100 /* deep, but within the default limits */
#define HUGE_STRING 70000
#define MANY_BYTES 200000 /* "many" elements: about this many bytes of them */
#define MANY_MEMBERS 1000

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n);

	FUZZ_CHECK(q, "out of memory");
	return q;
}

static void add(struct gr_buf *b, const void *p, size_t n)
{
	FUZZ_CHECK(gr_buf_add(b, p, n) == 0, "out of memory");
}

static void adds(struct gr_buf *b, const char *s)
{
	add(b, s, strlen(s));
}

static json_t *raw_ref(const char *text, size_t n)
{
	char name[32];

	if (raws.n == raws.cap) {
		raws.cap = raws.cap ? 2 * raws.cap : 16;
		raws.s = xrealloc(raws.s, raws.cap * sizeof(*raws.s));
	}
	raws.s[raws.n] = xrealloc(NULL, n + 1);
	memcpy(raws.s[raws.n], text, n);
	raws.s[raws.n][n] = '\0';
	snprintf(name, sizeof(name), "@@raw:%zu@@", raws.n++);
	return json_string(name);
}

static void raws_reset(void)
{
	for (size_t i = 0; i < raws.n; i++)
		free(raws.s[i]);
	raws.n = 0;
}

/* Compact JSON of v onto out, raw texts put in place. */
static void dump(json_t *v, struct gr_buf *out)
{
	char *t = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	const char *p, *q;

	FUZZ_CHECK(t, "jansson cannot write a variant");
	for (p = t; (q = strstr(p, "\"@@raw:")); ) {
		char *e;
		unsigned long long k = strtoull(q + 7, &e, 10);
		add(out, p, (size_t)(q - p));
		if (e[0] == '@' && e[1] == '@' && e[2] == '"' && k < raws.n) {
			adds(out, raws.s[k]);
			p = e + 3;
		} else {
			add(out, q, 1);
			p = q + 1;
		}
	}
	adds(out, p);
	free(t);
}

/* A JSON string of any bytes (invalid UTF-8 kept as it is), as a raw text. */
static json_t *raw_string(const char *s, size_t n)
{
	struct gr_buf b = GR_BUF_INIT;

	add(&b, "\"", 1);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[8];
		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			add(&b, esc, 2);
		} else if (c < 0x20) {
			snprintf(esc, sizeof(esc), "\\u%04x", c);
			adds(&b, esc);
		} else {
			add(&b, &s[i], 1);
		}
	}
	add(&b, "\"", 1);
	json_t *v = raw_ref(b.data, b.len);
	gr_buf_release(&b);
	return v;
}

static void gzip_to(struct gr_buf *out, const char *p, size_t n)
{
	z_stream z;
	unsigned char chunk[16384];
	int rc;

	memset(&z, 0, sizeof(z));
	FUZZ_CHECK(deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) == Z_OK, "deflateInit2");
	z.next_in = (unsigned char *)p;
	z.avail_in = (uInt)n;
	do {
		z.next_out = chunk;
		z.avail_out = sizeof(chunk);
		rc = deflate(&z, Z_FINISH);
		FUZZ_CHECK(rc != Z_STREAM_ERROR, "deflate");
		add(out, chunk, sizeof(chunk) - z.avail_out);
	} while (rc != Z_STREAM_END);
	deflateEnd(&z);
}

static void base64_to(struct gr_buf *out, const unsigned char *p, size_t n)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0) |
			     (i + 2 < n ? p[i + 2] : 0);
		char q[4] = { tab[v >> 18 & 63], tab[v >> 12 & 63],
			      i + 1 < n ? tab[v >> 6 & 63] : '=', i + 2 < n ? tab[v & 63] : '=' };
		add(out, q, 4);
	}
}

/* --- encodings ------------------------------------------------------------- */

/* Members named key holding an object or an array become strings: the JSON text
 * (Document) or base64(gzip(JSON)) (subscription data). */
static void encode_members(struct gen_ctx *c, json_t *v, const char *key, bool payload)
{
	const char *k;
	json_t *m;
	size_t i;

	if (json_is_array(v)) {
		json_array_foreach(v, i, m)
			encode_members(c, m, key, payload);
		return;
	}
	if (!json_is_object(v))
		return;
	json_object_foreach(v, k, m) {
		if (strcmp(k, key) || !(json_is_object(m) || json_is_array(m))) {
			encode_members(c, m, key, payload);
			continue;
		}
		struct gr_buf text = GR_BUF_INIT;
		dump(m, &text);
		json_t *s;
		if (payload) {
			gr_buf_reset(&c->tmp);
			gzip_to(&c->tmp, text.data, text.len);
			struct gr_buf b64 = GR_BUF_INIT;
			base64_to(&b64, (const unsigned char *)c->tmp.data, c->tmp.len);
			s = json_string(b64.data ? b64.data : "");
			gr_buf_release(&b64);
		} else {
			s = raw_string(text.data, text.len);
		}
		gr_buf_release(&text);
		FUZZ_CHECK(s && json_object_set_new(v, k, s) == 0, "out of memory");
	}
}

static void encode(struct gen_ctx *c, json_t *root)
{
	struct gr_buf *out = &c->out;
	json_t *el;
	size_t i;

	gr_buf_reset(out);
	switch (c->fam->enc) {
	case GEN_ENC_DOCUMENT:
	case GEN_ENC_PAYLOAD:
		encode_members(c, root, c->fam->enc == GEN_ENC_DOCUMENT ? "Document" : "data",
			       c->fam->enc == GEN_ENC_PAYLOAD);
		/* fall through */
	case GEN_ENC_JSON:
	case GEN_ENC_TEXT:
		dump(root, out);
		adds(out, "\n");
		break;
	case GEN_ENC_LINES:
	case GEN_ENC_EXPORT:
	case GEN_ENC_GZIP_EACH:
		if (!json_is_array(root)) {
			json_t *one = json_array();
			json_array_append(one, root);
			json_decref(root);
			root = one; /* the caller's reference went with it: see variant() */
		}
		json_array_foreach(root, i, el) {
			if (c->fam->enc == GEN_ENC_EXPORT) {
				char ts[40];
				/* times go back now and then: export events are not in order */
				snprintf(ts, sizeof(ts), "2024-05-01T12:00:%02zu.%03zuZ ", i * 7 % 60,
					 i * 37 % 1000);
				adds(out, ts);
			}
			if (c->fam->enc == GEN_ENC_GZIP_EACH) {
				struct gr_buf text = GR_BUF_INIT;
				dump(el, &text);
				gzip_to(out, text.data, text.len);
				gr_buf_release(&text);
			} else {
				dump(el, out);
				adds(out, "\n");
			}
		}
		json_decref(root);
		return;
	}
	json_decref(root);
}

/* --- paths ----------------------------------------------------------------- */

#define MAX_DEPTH 64

static void collect(json_t *v, struct step *st, size_t depth, struct paths *ps)
{
	const char *k;
	json_t *m;
	size_t i;

	if (ps->n == ps->cap) {
		ps->cap = ps->cap ? 2 * ps->cap : 64;
		ps->p = xrealloc(ps->p, ps->cap * sizeof(*ps->p));
	}
	struct jpath *p = &ps->p[ps->n++];
	p->n = depth;
	p->s = xrealloc(NULL, (depth + 1) * sizeof(*p->s));
	memcpy(p->s, st, depth * sizeof(*st));
	if (depth + 1 >= MAX_DEPTH)
		return;
	if (json_is_object(v)) {
		json_object_foreach(v, k, m) {
			st[depth] = (struct step){ k, 0 };
			collect(m, st, depth + 1, ps);
		}
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, m) {
			st[depth] = (struct step){ NULL, i };
			collect(m, st, depth + 1, ps);
		}
	}
}

static json_t *at(json_t *v, const struct jpath *p, size_t upto)
{
	for (size_t i = 0; i < upto && v; i++)
		v = p->s[i].key ? json_object_get(v, p->s[i].key) : json_array_get(v, p->s[i].idx);
	return v;
}

static void path_text(const struct jpath *p, char *out, size_t size)
{
	size_t o = 0;

	out[0] = '\0';
	for (size_t i = 0; i < p->n && o + 1 < size; i++) {
		int n = p->s[i].key ? snprintf(out + o, size - o, "/%s", p->s[i].key)
				    : snprintf(out + o, size - o, "/%zu", p->s[i].idx);
		if (n < 0 || (size_t)n >= size - o)
			break;
		o += (size_t)n;
	}
	if (!p->n)
		snprintf(out, size, "/");
}

/* --- mutations ------------------------------------------------------------- */

/* What a variant does at its path. */
enum op {
	OP_SET,            /* the value replaced */
	OP_ABSENT,         /* the member or element removed */
	OP_DUP_SAME,       /* the member twice, the same value */
	OP_DUP_NULL_FIRST, /* "k":null before "k":value */
	OP_DUP_OTHER_LAST, /* "k":value then "k":<a value of the wrong type> */
};

static json_t *wrong_type(json_t *v)
{
	char num[64];
	const char *k;
	json_t *m, *r;
	size_t i;

	switch (json_typeof(v)) {
	case JSON_STRING: return json_integer(42);
	case JSON_INTEGER:
		snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v));
		return json_string(num);
	case JSON_REAL:
		snprintf(num, sizeof(num), "%.17g", json_real_value(v));
		return json_string(num);
	case JSON_TRUE:
	case JSON_FALSE: return json_string(json_is_true(v) ? "true" : "false");
	case JSON_NULL: return json_integer(0);
	case JSON_OBJECT:
		r = json_array();
		json_object_foreach(v, k, m)
			json_array_append_new(r, json_deep_copy(m));
		return r;
	case JSON_ARRAY:
		r = json_object();
		json_array_foreach(v, i, m) {
			snprintf(num, sizeof(num), "%zu", i);
			json_object_set_new(r, num, json_deep_copy(m));
		}
		return r;
	}
	return json_null();
}

static void variant(struct gen_ctx *c, const struct jpath *p, const char *cls, enum op op,
		    json_t *nv)
{
	json_t *root = json_deep_copy(c->tmpl);
	json_t *parent = p->n ? at(root, p, p->n - 1) : NULL;
	const struct step *last = p->n ? &p->s[p->n - 1] : NULL;
	char path[512];

	FUZZ_CHECK(root && (!p->n || parent), "template path lost");
	switch (op) {
	case OP_SET:
		if (!parent) {
			json_decref(root);
			root = nv;
		} else if (last->key) {
			json_object_set_new(parent, last->key, nv);
		} else {
			json_array_set_new(parent, last->idx, nv);
		}
		break;
	case OP_ABSENT:
		if (last->key)
			json_object_del(parent, last->key);
		else
			json_array_remove(parent, last->idx);
		break;
	case OP_DUP_SAME:
	case OP_DUP_NULL_FIRST:
	case OP_DUP_OTHER_LAST: {
		json_t *old = json_copy(parent), *m;
		const char *k;
		json_object_clear(parent);
		json_object_foreach(old, k, m) {
			if (strcmp(k, last->key)) {
				json_object_set(parent, k, m);
				continue;
			}
			json_t *key = json_string(k);
			struct gr_buf kt = GR_BUF_INIT;
			dump(key, &kt);
			json_decref(key);
			json_t *dk = raw_ref(kt.data, kt.len);
			gr_buf_release(&kt);
			const char *dup = json_string_value(dk);
			if (op == OP_DUP_NULL_FIRST)
				json_object_set_new(parent, dup, json_null());
			json_object_set(parent, k, m);
			if (op == OP_DUP_SAME)
				json_object_set_new(parent, dup, json_deep_copy(m));
			else if (op == OP_DUP_OTHER_LAST)
				json_object_set_new(parent, dup, wrong_type(m));
			json_decref(dk);
		}
		json_decref(old);
		break;
	}
	}
	path_text(p, path, sizeof(path));
	encode(c, root);
	struct gen_variant v = { c->fam, c->index++, path, cls, c->out.data ? c->out.data : "",
				 c->out.len };
	c->sink->emit(c->sink->ctx, &v);
	raws_reset();
}

static void set(struct gen_ctx *c, const struct jpath *p, const char *cls, json_t *nv)
{
	FUZZ_CHECK(nv, "out of memory");
	variant(c, p, cls, OP_SET, nv);
}

static void set_raw(struct gen_ctx *c, const struct jpath *p, const char *cls, const char *text,
		    size_t n)
{
	set(c, p, cls, raw_ref(text, n));
}

static bool iso_like(const char *s, size_t n)
{
	return n >= 10 && s[4] == '-' && s[7] == '-' && s[0] >= '0' && s[0] <= '9' &&
	       s[5] >= '0' && s[5] <= '9';
}

static bool number_like(const char *s, size_t n)
{
	bool digit = false;

	if (!n || n > 40)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] >= '0' && s[i] <= '9')
			digit = true;
		else if (!strchr(".-+eE", s[i]))
			return false;
	}
	return digit;
}

/* Out of range numbers: negative times, -0, beyond int64, beyond GR_MAX_INT, denormal,
 * beyond double. */
static const char *const numbers[] = {
	"-1", "0", "-0", "0.5", "1e300", "-1e300", "9223372036854775807", "9223372036854775808",
	"-9223372036854775809", "18446744073709551616", "1152921504606846977", "4.9e-324", "1e400",
};

/* Times at and beyond the edges, and not times. */
static const char *const times[] = {
	"9999-12-31T23:59:59.999Z", "1969-12-31T23:59:59.999Z", "0000-00-00T00:00:00Z",
	"2024-02-30T25:61:61Z", "2024-05-01T12:00:00.123456789123Z",
};

static void mutate(struct gen_ctx *c, const struct jpath *p)
{
	json_t *orig = at(c->tmpl, p, p->n);
	json_t *parent = p->n ? at(c->tmpl, p, p->n - 1) : NULL;
	char cls[64];
	struct gr_buf b = GR_BUF_INIT;

	if (p->n)
		variant(c, p, "absent", OP_ABSENT, NULL);
	if (!json_is_null(orig))
		set(c, p, "null", json_null());
	if (!json_is_string(orig) || json_string_length(orig))
		set(c, p, "empty-string", json_string(""));
	if (!json_is_array(orig) || json_array_size(orig))
		set(c, p, "empty-array", json_array());
	if (!json_is_object(orig) || json_object_size(orig))
		set(c, p, "empty-object", json_object());
	set(c, p, "wrong-type", wrong_type(orig));
	if (!json_is_boolean(orig))
		set(c, p, "bool", json_true());
	/* deeply nested: beyond the depth limit as arrays, within it as objects */
	for (int i = 0; i < DEEP_ARRAY; i++)
		add(&b, "[", 1);
	for (int i = 0; i < DEEP_ARRAY; i++)
		add(&b, "]", 1);
	set_raw(c, p, "deep-array", b.data, b.len);
	gr_buf_reset(&b);
	for (int i = 0; i < DEEP_OBJECT; i++)
		adds(&b, "{\"a\":");
	adds(&b, "1");
	for (int i = 0; i < DEEP_OBJECT; i++)
		add(&b, "}", 1);
	set_raw(c, p, "deep-object", b.data, b.len);
	gr_buf_reset(&b);
	if (json_is_object(parent)) {
		variant(c, p, "dup-same", OP_DUP_SAME, NULL);
		variant(c, p, "dup-null-first", OP_DUP_NULL_FIRST, NULL);
		variant(c, p, "dup-other-last", OP_DUP_OTHER_LAST, NULL);
	}
	if (json_is_number(orig)) {
		for (int i = 0; i < 400; i++)
			add(&b, "9", 1);
		set_raw(c, p, "huge-number", b.data, b.len);
		for (size_t i = 0; i < sizeof(numbers) / sizeof(*numbers); i++) {
			snprintf(cls, sizeof(cls), "range=%s", numbers[i]);
			set_raw(c, p, cls, numbers[i], strlen(numbers[i]));
		}
	}
	if (json_is_string(orig)) {
		const char *s = json_string_value(orig);
		size_t n = json_string_length(orig);
		char *h = xrealloc(NULL, HUGE_STRING);
		memset(h, 'x', HUGE_STRING);
		set(c, p, "huge-string", json_stringn(h, HUGE_STRING));
		free(h);
		set(c, p, "string=nul", json_stringn("a\0b", 3));
		set(c, p, "string=control", json_string("\n\t\"\\\r"));
		set(c, p, "string=bidi", json_string("\xe2\x80\xae"));
		set(c, p, "string=emoji", json_string("\xf0\x9f\x92\xa5"));
		set_raw(c, p, "string=bad-utf8", "\"\xff\xfe\"", 4);
		set_raw(c, p, "string=lone-surrogate", "\"\\ud800\"", 8);
		if (iso_like(s, n))
			for (size_t i = 0; i < sizeof(times) / sizeof(*times); i++) {
				snprintf(cls, sizeof(cls), "time=%s", times[i]);
				set(c, p, cls, json_string(times[i]));
			}
		if (number_like(s, n))
			for (size_t i = 0; i < sizeof(numbers) / sizeof(*numbers); i++) {
				snprintf(cls, sizeof(cls), "range-string=%s", numbers[i]);
				set(c, p, cls, json_string(numbers[i]));
			}
	}
	if (json_is_array(orig) && json_array_size(orig)) {
		json_t *el = json_array_get(orig, 0), *r;
		if (json_array_size(orig) > 1) {
			r = json_array();
			json_array_append_new(r, json_deep_copy(el));
			set(c, p, "one-element", r);
		}
		gr_buf_reset(&b);
		dump(el, &b);
		size_t k = MANY_BYTES / (b.len + 1);
		k = k < 16 ? 16 : k > 3000 ? 3000 : k;
		r = json_array();
		for (size_t i = 0; i < k; i++)
			json_array_append_new(r, json_deep_copy(el));
		set(c, p, "many-elements", r);
	}
	if (json_is_object(orig)) {
		json_t *r = json_deep_copy(orig);
		for (int i = 0; i < MANY_MEMBERS; i++) {
			snprintf(cls, sizeof(cls), "gen-%d", i);
			json_object_set_new(r, cls, json_integer(i));
		}
		set(c, p, "many-members", r);
	}
	gr_buf_release(&b);
}

/* --- templates ----------------------------------------------------------------- */

/* A .json template is one document; an .ndjson one an array of its lines. */
static json_t *load(const char *path)
{
	json_error_t e;
	size_t n = strlen(path);

	if (n < 7 || strcmp(path + n - 7, ".ndjson")) {
		json_t *v = json_load_file(path, 0, &e);
		if (!v)
			fprintf(stderr, "gen-tests: %s:%d: %s\n", path, e.line, e.text);
		return v;
	}
	/* template file: NDJSON, one record a line */
	FILE *f = fopen(path, "r");
	char line[65536];
	int lineno = 0;
	json_t *arr = json_array();

	if (!f) {
		fprintf(stderr, "gen-tests: cannot open %s\n", path);
		json_decref(arr);
		return NULL;
	}
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		if (line[0] == '\n')
			continue;
		json_t *v = json_loads(line, 0, &e);
		if (!v) {
			fprintf(stderr, "gen-tests: %s:%d: %s\n", path, lineno, e.text);
			json_decref(arr);
			fclose(f);
			return NULL;
		}
		json_array_append_new(arr, v);
	}
	fclose(f);
	return arr;
}

int gen_json_family(const struct gen_family *f, const char *dir, const struct gen_sink *s)
{
	char path[1024];
	struct step st[MAX_DEPTH];
	struct paths ps = { NULL, 0, 0 };
	struct gen_ctx c = { f, s, NULL, 0, GR_BUF_INIT, GR_BUF_INIT };

	snprintf(path, sizeof(path), "%s/%s", dir, f->tmpl);
	if (!(c.tmpl = load(path)))
		return -1;
	collect(c.tmpl, st, 0, &ps);
	struct jpath root = { NULL, 0 };
	/* the template itself first: a well-formed input, and the head of --write batches */
	variant(&c, &root, "template", OP_SET, json_deep_copy(c.tmpl));
	for (size_t i = 0; i < ps.n; i++)
		mutate(&c, &ps.p[i]);
	for (size_t i = 0; i < ps.n; i++)
		free(ps.p[i].s);
	free(ps.p);
	json_decref(c.tmpl);
	gr_buf_release(&c.out);
	gr_buf_release(&c.tmp);
	return 0;
}
