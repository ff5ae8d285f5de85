/* gen_text.c: variants of a text template: every field, optional group and line of its grammar, mutated. */
#include "gen.h"

/*
 * A text template is lines of literal text in which <<value>> marks a field (a
 * number, a unit, an id, a time...) and [[...]] an optional group (a "\tInit
 * Duration: <<380.12>> <<ms>>" part of a REPORT line); groups do not nest.
 */

/* One piece of a line: literal text or a field. */
struct tok {
	const char *p; /* its text in the template */
	size_t n;      /* length */
	bool field;    /* a field (mutated), else literal */
	int group;     /* the optional group it belongs to, -1 for none */
};

/* One template line. */
struct tline {
	struct tok *t; /* its pieces */
	size_t nt;     /* how many */
	int ngroups;   /* groups on it, numbered 0.. */
};

/* What a variant changes. */
enum tkind {
	T_NONE,       /* nothing: the template */
	T_FIELD,      /* field tok of line replaced by val */
	T_GROUP_ABSENT, /* group of line left out */
	T_GROUP_DUP,  /* group of line written twice */
	T_LINE_ABSENT, /* line left out */
	T_LINE_DUP,   /* line written twice */
	T_LINE_CUT,   /* line ends before piece tok */
	T_LINE_CRLF,  /* line ends in CR LF */
	T_NO_NEWLINE, /* the text does not end in a newline */
};

/* One variant's change. */
struct tspec {
	enum tkind kind; /* what */
	size_t line;     /* which line */
	size_t tok;      /* which piece (T_FIELD, T_LINE_CUT) */
	int group;       /* which group (T_GROUP_*) */
	const char *val; /* the field's new text (T_FIELD) */
	size_t nval;     /* its length */
};

/* Field values: missing, empty, not a number, out of range, huge, garbage units,
 * bytes that are not text, separators inside a field. */
static const struct {
	const char *cls; /* class name */
	const char *val; /* the value (NULL: built: see field_value) */
	size_t n;        /* its length */
} fields[] = {
#define V(c, s) { c, s, sizeof(s) - 1 }
	V("empty", ""),
	V("space", " "),
	V("non-number", "x1"),
	V("negative", "-1"),
	V("zero", "0"),
	V("minus-zero", "-0"),
	V("fraction", "0.5"),
	V("1e300", "1e300"),
	V("2^63", "9223372036854775808"),
	V("2^64", "18446744073709551616"),
	V("hex", "0x1F"),
	V("nan", "NaN"),
	V("garbage-unit", "parsecs"),
	V("nul", "\0"),
	V("bad-utf8", "\xff\xfe"),
	V("tab-inside", "1\t2"),
	V("newline-inside", "1\n2"),
	{ "huge-number", NULL, 400 },
	{ "huge-string", NULL, 70000 },
	{ "doubled", NULL, 0 },
	V("time=9999", "9999-12-31T23:59:59.999Z"),
	V("time=1969", "1969-12-31T23:59:59.999Z"),
	V("time=zero", "0000-00-00T00:00:00Z"),
	V("time=bad-day", "2024-02-30T25:61:61Z"),
	V("time=long-fraction", "2024-05-01T12:00:00.123456789123Z"),
#undef V
};

static void add(struct gr_buf *b, const void *p, size_t n)
{
	FUZZ_CHECK(gr_buf_add(b, p, n) == 0, "out of memory");
}

static bool iso_like(const char *s, size_t n)
{
	return n >= 10 && s[4] == '-' && s[7] == '-' && s[0] >= '0' && s[0] <= '9';
}

static int parse(const char *text, size_t len, struct tline **out, size_t *nout)
{
	struct tline *lines = NULL;
	size_t nl = 0, i = 0;

	while (i < len) {
		const char *e = memchr(text + i, '\n', len - i);
		size_t end = e ? (size_t)(e - text) : len, j = i;
		struct tline *l;
		int group = -1;

		lines = realloc(lines, (nl + 1) * sizeof(*lines));
		FUZZ_CHECK(lines, "out of memory");
		l = &lines[nl++];
		l->t = NULL;
		l->nt = 0;
		l->ngroups = 0;
		while (j < end) {
			struct tok t = { text + j, 0, false, group };
			if (end - j >= 2 && !memcmp(text + j, "[[", 2)) {
				group = l->ngroups++;
				j += 2;
				continue;
			}
			if (end - j >= 2 && !memcmp(text + j, "]]", 2)) {
				group = -1;
				j += 2;
				continue;
			}
			if (end - j >= 2 && !memcmp(text + j, "<<", 2)) {
				const char *f = memmem(text + j + 2, end - j - 2, ">>", 2);
				if (!f) {
					fprintf(stderr, "gen-tests: template line %zu: << without >>\n", nl);
					free(lines);
					return -1;
				}
				t.p = text + j + 2;
				t.n = (size_t)(f - t.p);
				t.field = true;
				j = (size_t)(f - text) + 2;
			} else {
				size_t k = j;
				while (k < end && !(end - k >= 2 && (!memcmp(text + k, "[[", 2) ||
								    !memcmp(text + k, "]]", 2) ||
								    !memcmp(text + k, "<<", 2))))
					k++;
				t.n = k - j;
				j = k;
			}
			l->t = realloc(l->t, (l->nt + 1) * sizeof(*l->t));
			FUZZ_CHECK(l->t, "out of memory");
			l->t[l->nt++] = t;
		}
		i = end + 1;
	}
	*out = lines;
	*nout = nl;
	return 0;
}

static void add_piece(struct gr_buf *b, const struct tspec *s, size_t li, size_t ti,
		      const struct tok *t)
{
	if (s->kind == T_FIELD && s->line == li && s->tok == ti)
		add(b, s->val, s->nval);
	else
		add(b, t->p, t->n);
}

static void render(const struct tline *lines, size_t nl, const struct tspec *s, struct gr_buf *b)
{
	gr_buf_reset(b);
	for (size_t li = 0; li < nl; li++) {
		const struct tline *l = &lines[li];
		bool here = s->line == li;
		int reps = here && s->kind == T_LINE_DUP ? 2 : 1;

		if (here && s->kind == T_LINE_ABSENT)
			continue;
		for (int r = 0; r < reps; r++) {
			for (size_t ti = 0; ti < l->nt; ti++) {
				const struct tok *t = &l->t[ti];
				if (here && s->kind == T_LINE_CUT && ti >= s->tok)
					break;
				if (here && s->kind == T_GROUP_ABSENT && t->group == s->group)
					continue;
				add_piece(b, s, li, ti, t);
				/* the group's last piece: write the whole group again */
				if (here && s->kind == T_GROUP_DUP && t->group == s->group &&
				    (ti + 1 == l->nt || l->t[ti + 1].group != s->group)) {
					size_t a = ti;
					while (a > 0 && l->t[a - 1].group == s->group)
						a--;
					for (; a <= ti; a++)
						add_piece(b, s, li, a, &l->t[a]);
				}
			}
			add(b, here && s->kind == T_LINE_CRLF ? "\r\n" : "\n",
			    here && s->kind == T_LINE_CRLF ? 2 : 1);
		}
	}
	if (s->kind == T_NO_NEWLINE && b->len)
		b->len--;
}

struct tctx {
	const struct gen_family *fam; /* the family */
	const struct gen_sink *sink;  /* where variants go */
	const struct tline *lines;    /* the template */
	size_t nl;                    /* its lines */
	size_t index;                 /* next variant's index */
	struct gr_buf out;            /* the current variant */
};

static void emit(struct tctx *c, const struct tspec *s, const char *path, const char *cls)
{
	render(c->lines, c->nl, s, &c->out);
	struct gen_variant v = { c->fam, c->index++, path, cls, c->out.data ? c->out.data : "",
				 c->out.len };
	c->sink->emit(c->sink->ctx, &v);
}

int gen_text_family(const struct gen_family *f, const char *dir, const struct gen_sink *s)
{
	char path[1024], where[160], cls[64];
	struct tctx c = { f, s, NULL, 0, 0, GR_BUF_INIT };
	struct tline *lines;
	struct gr_buf text = GR_BUF_INIT, val = GR_BUF_INIT;
	size_t nl;

	snprintf(path, sizeof(path), "%s/%s", dir, f->tmpl);
	/* template file: text lines with <<fields>> and [[groups]] */
	FILE *in = fopen(path, "rb");
	if (!in) {
		fprintf(stderr, "gen-tests: cannot open %s\n", path);
		return -1;
	}
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), in)) > 0)
		add(&text, chunk, n);
	fclose(in);
	if (!text.data || parse(text.data, text.len, &lines, &nl)) {
		gr_buf_release(&text);
		return -1;
	}
	c.lines = lines;
	c.nl = nl;

	struct tspec none = { T_NONE, (size_t)-1, 0, -1, NULL, 0 };
	emit(&c, &none, "", "template");
	none.kind = T_NO_NEWLINE;
	emit(&c, &none, "end", "no-final-newline");
	for (size_t li = 0; li < nl; li++) {
		const struct tline *l = &lines[li];
		struct tspec sp = { T_NONE, li, 0, -1, NULL, 0 };
		snprintf(where, sizeof(where), "line %zu", li + 1);
		if (!l->nt)
			continue; /* blank separators: their neighbours' variants cover them */
		sp.kind = T_LINE_ABSENT;
		emit(&c, &sp, where, "line-absent");
		sp.kind = T_LINE_DUP;
		emit(&c, &sp, where, "line-duplicated");
		sp.kind = T_LINE_CRLF;
		emit(&c, &sp, where, "line-crlf");
		for (int g = 0; g < l->ngroups; g++) {
			snprintf(where, sizeof(where), "line %zu group %d", li + 1, g + 1);
			sp.group = g;
			sp.kind = T_GROUP_ABSENT;
			emit(&c, &sp, where, "group-absent");
			sp.kind = T_GROUP_DUP;
			emit(&c, &sp, where, "group-duplicated");
		}
		sp.group = -1;
		int fno = 0;
		for (size_t ti = 0; ti < l->nt; ti++) {
			const struct tok *t = &l->t[ti];
			if (!t->field)
				continue;
			fno++;
			snprintf(where, sizeof(where), "line %zu field %d (%.*s)", li + 1, fno,
				 (int)(t->n > 24 ? 24 : t->n), t->p);
			sp.kind = T_LINE_CUT;
			sp.tok = ti;
			emit(&c, &sp, where, "cut-before-field");
			sp.kind = T_FIELD;
			for (size_t k = 0; k < sizeof(fields) / sizeof(*fields); k++) {
				if (!strncmp(fields[k].cls, "time=", 5) && !iso_like(t->p, t->n))
					continue;
				gr_buf_reset(&val);
				if (fields[k].val) {
					add(&val, fields[k].val, fields[k].n);
				} else if (!strcmp(fields[k].cls, "doubled")) {
					add(&val, t->p, t->n);
					add(&val, t->p, t->n);
				} else {
					char fill = fields[k].cls[5] == 'n' ? '9' : 'a';
					for (size_t i = 0; i < fields[k].n; i++)
						add(&val, &fill, 1);
				}
				snprintf(cls, sizeof(cls), "%s", fields[k].cls);
				sp.val = val.data ? val.data : "";
				sp.nval = val.len;
				emit(&c, &sp, where, cls);
			}
		}
	}
	for (size_t li = 0; li < nl; li++)
		free(lines[li].t);
	free(lines);
	gr_buf_release(&text);
	gr_buf_release(&val);
	gr_buf_release(&c.out);
	return 0;
}
