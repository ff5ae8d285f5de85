/* prices.c: the Lambda price table (compiled-in defaults and gammaray-prices(5) files) and exact invocation costs. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/fn_filter.h"
#include "common/prices.h"
#include "common/strmap.h"

#define MAX_FILE (1u << 20)  /* a price file larger than this is not one */
#define MAX_LINE 4096        /* nor is a line longer than this */
#define MAX_TOKENS 16        /* words of one line */

/*
 * The public AWS Lambda prices of GR_PRICES_DATE (gammaray-prices(5) says where each
 * number comes from), read by the same parser as a user's file. The regions whose
 * duration prices differ from us-east-1's have their own lines; their request and
 * restore prices are taken from the "*" lines.
 */
static const char default_prices[] =
	"# AWS Lambda, on demand, first tier, " GR_PRICES_DATE "\n"
	"price * x86_64 duration=0.0000166667 request=0.0000002 restore=0.0001397998\n"
	"price * arm64 duration=0.0000133334 request=0.0000002 restore=0.0001397998\n"
	"price af-south-1 x86_64 duration=0.0000221\n"
	"price af-south-1 arm64 duration=0.00001768\n"
	"price ap-east-1 x86_64 duration=0.00002292\n"
	"price ap-east-1 arm64 duration=0.0000183\n"
	"price eu-south-1 x86_64 duration=0.0000195172\n"
	"price eu-south-1 arm64 duration=0.0000156138\n"
	"price me-central-1 x86_64 duration=0.0000206667\n"
	"price me-central-1 arm64 duration=0.0000165334\n"
	"price me-south-1 x86_64 duration=0.0000206667\n"
	"price me-south-1 arm64 duration=0.0000165334\n"
	"default region=us-east-1 arch=x86_64 restore=runtime\n";

enum { ARCH_X86, ARCH_ARM, ARCH_COUNT };
static const char *const arch_names[ARCH_COUNT] = { "x86_64", "arm64" };

/* The prices of one (region, architecture). */
struct tariff {
	const char *region;  /* a region name, or "*" for every region without its own line */
	int arch;            /* ARCH_* */
	int64_t duration;    /* pico-dollars per GB-second */
	int64_t request;     /* pico-dollars per request */
	int64_t restore;     /* pico-dollars per GB restored (SnapStart) */
};

/* Whether a SnapStart restore is charged per GB restored. */
enum restore_mode {
	RESTORE_FREE,      /* never */
	RESTORE_CHARGED,   /* always */
	RESTORE_RUNTIME    /* by the runtime: Python and .NET yes, Java no (SnapStart for
			    * Java has no restore charge); unknown runtime: charged */
};

/* What a default or function line sets; unset members keep what came before. */
struct setting {
	const char *region;  /* NULL: not set */
	int arch;            /* ARCH_*, -1: not set */
	int restore;         /* enum restore_mode, -1: not set */
};

/* A function line: the functions it names and what it sets for them. */
struct rule {
	const char *name;          /* an exact name, or NULL for a pattern */
	size_t name_len;           /* bytes of name */
	struct gr_fn_filter *re;   /* a PCRE2 pattern (whole name), or NULL */
	struct setting set;        /* what it sets */
};

/* A function's prices once its lines are applied. */
struct resolved {
	uint32_t tariff;     /* index into gr_prices.t */
	int restore;         /* enum restore_mode */
};

struct gr_prices {
	struct gr_arena arena;     /* names, regions and cache keys */
	struct tariff *t;          /* price lines, the later of a pair replacing the earlier */
	size_t nt, cap_t;          /* used, allocated */
	struct rule *rules;        /* function lines, in order */
	size_t nrules, cap_rules;  /* used, allocated */
	struct setting def;        /* the default lines, merged */
	bool from_file;            /* a file was read over the defaults */
	struct gr_strmap cache;    /* function name -> index into res */
	struct resolved *res;      /* resolved functions */
	size_t nres, cap_res;      /* used, allocated */
};

static int find_tariff(const struct gr_prices *p, const char *region, int arch)
{
	for (size_t i = 0; i < p->nt; i++)
		if (p->t[i].arch == arch && !strcmp(p->t[i].region, region))
			return (int)i;
	return -1;
}

/* Dollars ("0.0000166667") into pico-dollars: digits, at most one '.', at most 12
 * decimals that are not zeros, at most $1000. NULL on success, else what is wrong. */
static const char *parse_dollars(const char *s, int64_t *pico)
{
	int64_t v = 0;
	int decimals = -1;
	bool digits = false;

	for (; *s; s++) {
		if (*s == '.' && decimals < 0) {
			decimals = 0;
			continue;
		}
		if (*s < '0' || *s > '9')
			return "is not a price in dollars (digits and one '.')";
		digits = true;
		if (decimals >= 0 && ++decimals > 12) {
			if (*s != '0')
				return "is finer than a pico-dollar (12 decimals)";
			continue;
		}
		if (v > GR_PRICE_MAX_PICO) /* the integer part alone is too large */
			return "is more than $1000";
		v = v * 10 + (*s - '0');
	}
	if (!digits)
		return "is not a price in dollars (digits and one '.')";
	for (int d = decimals < 0 ? 0 : decimals > 12 ? 12 : decimals; d < 12; d++) {
		if (v > GR_PRICE_MAX_PICO)
			return "is more than $1000";
		v *= 10;
	}
	if (v > GR_PRICE_MAX_PICO)
		return "is more than $1000";
	*pico = v;
	return NULL;
}

/* Parsing state of one file. */
struct parse {
	struct gr_prices *p;       /* the table read into */
	const char *name;          /* file name for messages */
	uint64_t line;             /* current line, 1-based */
	struct gr_error *err;      /* where errors go */
};

/* Untrusted words in messages: escaped, cut at 80 bytes. */
struct esc {
	char s[200]; /* the escaped text */
};

static struct esc esc(const char *w)
{
	struct esc e;

	gr_escape_msg(w, strlen(w), 80, e.s, sizeof(e.s));
	return e;
}

static int bad(struct parse *ps, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A bad line: "FILE:LINE: message". */
static int bad(struct parse *ps, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	gr_error_set(ps->err, GR_ERR_FORMAT, "%s", msg);
	gr_error_at(ps->err, ps->name, ps->line);
	return GR_ERR_FORMAT;
}

static int nomem(struct parse *ps)
{
	gr_error_set(ps->err, GR_ERR_NOMEM, "out of memory");
	gr_error_at(ps->err, ps->name, ps->line);
	return GR_ERR_NOMEM;
}

/* "key=value" of a default or function line into set. */
static int setting_word(struct parse *ps, char *w, struct setting *set)
{
	char *v = strchr(w, '=');

	if (!v)
		return bad(ps, "'%s' is not KEY=VALUE (arch, region, restore)", esc(w).s);
	*v++ = '\0';
	if (!strcmp(w, "arch")) {
		set->arch = -1;
		for (int a = 0; a < ARCH_COUNT; a++)
			if (!strcmp(v, arch_names[a]))
				set->arch = a;
		if (set->arch < 0)
			return bad(ps, "arch '%s' is not x86_64 or arm64", esc(v).s);
	} else if (!strcmp(w, "region")) {
		if (!*v)
			return bad(ps, "an empty region");
		if (!(set->region = gr_arena_strdup(&ps->p->arena, v, strlen(v))))
			return nomem(ps);
	} else if (!strcmp(w, "restore")) {
		if (!strcmp(v, "charged"))
			set->restore = RESTORE_CHARGED;
		else if (!strcmp(v, "free"))
			set->restore = RESTORE_FREE;
		else if (!strcmp(v, "runtime"))
			set->restore = RESTORE_RUNTIME;
		else
			return bad(ps, "restore '%s' is not charged, free or runtime", esc(v).s);
	} else {
		return bad(ps, "unknown key '%s' (arch, region, restore)", esc(w).s);
	}
	return 0;
}

static void merge(struct setting *into, const struct setting *s)
{
	if (s->region)
		into->region = s->region;
	if (s->arch >= 0)
		into->arch = s->arch;
	if (s->restore >= 0)
		into->restore = s->restore;
}

/* price REGION ARCH duration=$ request=$ restore=$ */
static int price_line(struct parse *ps, char **w, int n)
{
	struct gr_prices *p = ps->p;
	int arch = -1;
	int64_t val[3] = { -1, -1, -1 };
	static const char *const keys[3] = { "duration", "request", "restore" };

	if (n < 4)
		return bad(ps, "'price' wants REGION ARCH and prices");
	for (int a = 0; a < ARCH_COUNT; a++)
		if (!strcmp(w[2], arch_names[a]))
			arch = a;
	if (arch < 0)
		return bad(ps, "arch '%s' is not x86_64 or arm64", esc(w[2]).s);
	for (int i = 3; i < n; i++) {
		char *v = strchr(w[i], '=');
		int k = -1;
		if (v)
			*v++ = '\0';
		for (int j = 0; j < 3 && v; j++)
			if (!strcmp(w[i], keys[j]))
				k = j;
		if (k < 0)
			return bad(ps, "'%s' is not duration=, request= or restore=", esc(w[i]).s);
		const char *why = parse_dollars(v, &val[k]);
		if (why)
			return bad(ps, "%s '%s' %s", keys[k], esc(v).s, why);
	}
	int ix = find_tariff(p, w[1], arch);
	if (ix < 0) {
		/* a new line: what it leaves out comes from "*" of its architecture */
		int base = find_tariff(p, "*", arch);
		for (int k = 0; k < 3; k++)
			if (val[k] < 0 && base < 0)
				return bad(ps, "no %s price, and no '* %s' line to take it from",
					   keys[k], arch_names[arch]);
		const char *region = gr_arena_strdup(&p->arena, w[1], strlen(w[1]));
		if (!region || GR_GROW(p->t, p->nt, p->cap_t))
			return nomem(ps);
		struct tariff *t = &p->t[p->nt];
		t->region = region;
		t->arch = arch;
		t->duration = base >= 0 ? p->t[base].duration : 0;
		t->request = base >= 0 ? p->t[base].request : 0;
		t->restore = base >= 0 ? p->t[base].restore : 0;
		ix = (int)p->nt++;
	}
	struct tariff *t = &p->t[ix];
	if (val[0] >= 0)
		t->duration = val[0];
	if (val[1] >= 0)
		t->request = val[1];
	if (val[2] >= 0)
		t->restore = val[2];
	return 0;
}

/* function NAME|/PATTERN/ key=value... */
static int function_line(struct parse *ps, char **w, int n)
{
	struct gr_prices *p = ps->p;
	struct rule r = { NULL, 0, NULL, { NULL, -1, -1 } };
	size_t len;
	int rc;

	if (n < 3)
		return bad(ps, "'function' wants a NAME or /PATTERN/ and what it sets");
	len = strlen(w[1]);
	for (int i = 2; i < n; i++)
		if ((rc = setting_word(ps, w[i], &r.set)))
			return rc;
	if (w[1][0] == '/') {
		if (len < 3 || w[1][len - 1] != '/')
			return bad(ps, "pattern '%s' is not /PCRE2/ (a non-empty one)", esc(w[1]).s);
		w[1][len - 1] = '\0';
		struct gr_error e = { 0 };
		if (!(r.re = gr_fn_filter_compile(w[1] + 1, "function", &e))) {
			if (!e.code)
				return nomem(ps);
			return bad(ps, "%s", e.msg);
		}
	} else if (!(r.name = gr_arena_strdup(&p->arena, w[1], len))) {
		return nomem(ps);
	}
	r.name_len = len;
	if (GR_GROW(p->rules, p->nrules, p->cap_rules)) {
		gr_fn_filter_free(r.re);
		return nomem(ps);
	}
	p->rules[p->nrules++] = r;
	return 0;
}

static int parse_line(struct parse *ps, char *s)
{
	char *w[MAX_TOKENS];
	int n = 0;

	/* words split by blanks; a word starting with '#' starts a comment */
	for (;;) {
		while (*s == ' ' || *s == '\t' || *s == '\r')
			*s++ = '\0';
		if (!*s || *s == '#')
			break;
		if (n == MAX_TOKENS)
			return bad(ps, "more than 16 words");
		w[n++] = s;
		while (*s && *s != ' ' && *s != '\t' && *s != '\r')
			s++;
	}
	if (!n)
		return 0;
	if (!strcmp(w[0], "price"))
		return price_line(ps, w, n);
	if (!strcmp(w[0], "function"))
		return function_line(ps, w, n);
	if (!strcmp(w[0], "default")) {
		struct setting set = { NULL, -1, -1 };
		int rc;
		for (int i = 1; i < n; i++)
			if ((rc = setting_word(ps, w[i], &set)))
				return rc;
		merge(&ps->p->def, &set);
		return 0;
	}
	return bad(ps, "'%s' is not price, default or function", esc(w[0]).s);
}

static void forget_cache(struct gr_prices *p)
{
	gr_strmap_release(&p->cache);
	memset(&p->cache, 0, sizeof(p->cache));
	p->nres = 0;
}

int gr_prices_load_mem(struct gr_prices *p, const char *name, const char *text, size_t n,
		       struct gr_error *err)
{
	struct parse ps = { p, name, 0, err };
	char line[MAX_LINE + 1];
	size_t at = 0;
	int rc;

	forget_cache(p);
	while (at < n) {
		const char *nl = memchr(text + at, '\n', n - at);
		size_t len = (nl ? (size_t)(nl - text) : n) - at;
		ps.line++;
		if (len > MAX_LINE)
			return bad(&ps, "a line longer than 4096 bytes");
		if (memchr(text + at, '\0', len))
			return bad(&ps, "a NUL byte: not a text file");
		memcpy(line, text + at, len);
		line[len] = '\0';
		if ((rc = parse_line(&ps, line)))
			return rc;
		at += len + 1;
	}
	return 0;
}

int gr_prices_load(struct gr_prices *p, const char *path, struct gr_error *err)
{
	struct gr_buf b = GR_BUF_INIT;
	char chunk[8192];
	size_t got;
	int rc = 0;
	FILE *f = fopen(path, "rb");

	if (!f) {
		gr_error_set(err, GR_ERR_IO, "cannot open the price file: %s", strerror(errno));
		gr_error_at(err, path, 0);
		return GR_ERR_IO;
	}
	b.max = MAX_FILE;
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if ((rc = gr_buf_add(&b, chunk, got)))
			break;
	if (!rc && ferror(f))
		rc = GR_ERR_IO;
	fclose(f);
	if (rc) {
		gr_error_set(err, rc, rc == GR_ERR_LIMIT ? "a price file larger than 1 MiB"
				      : rc == GR_ERR_IO ? "cannot read the price file"
							: "out of memory");
		gr_error_at(err, path, 0);
	} else {
		rc = gr_prices_load_mem(p, path, b.data ? b.data : "", b.len, err);
		if (!rc)
			p->from_file = true;
	}
	gr_buf_release(&b);
	return rc;
}

struct gr_prices *gr_prices_new(void)
{
	struct gr_prices *p = calloc(1, sizeof(*p));
	struct gr_error e = { 0 };

	if (!p)
		return NULL;
	p->def = (struct setting){ NULL, -1, -1 };
	if (gr_prices_load_mem(p, "(compiled-in prices)", default_prices,
			       sizeof(default_prices) - 1, &e)) {
		gr_prices_free(p);
		return NULL;
	}
	return p;
}

bool gr_prices_from_file(const struct gr_prices *p)
{
	return p && p->from_file;
}

void gr_prices_free(struct gr_prices *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->nrules; i++)
		gr_fn_filter_free(p->rules[i].re);
	free(p->rules);
	free(p->t);
	free(p->res);
	gr_strmap_release(&p->cache);
	gr_arena_release(&p->arena);
	free(p);
}

/* The default line, then every function line naming fn, in order. */
static struct resolved resolve(const struct gr_prices *p, const char *fn, size_t n)
{
	struct setting s = p->def;

	for (size_t i = 0; fn && i < p->nrules; i++) {
		const struct rule *r = &p->rules[i];
		if (r->name ? r->name_len == n && !memcmp(r->name, fn, n)
			    : gr_fn_filter_match(r->re, fn, n))
			merge(&s, &r->set);
	}
	int arch = s.arch >= 0 ? s.arch : ARCH_X86;
	int ix = find_tariff(p, s.region ? s.region : "*", arch);
	if (ix < 0)
		ix = find_tariff(p, "*", arch);
	/* "*" of both architectures comes with the defaults and is never removed */
	return (struct resolved){ (uint32_t)(ix < 0 ? 0 : ix),
				  s.restore >= 0 ? s.restore : RESTORE_RUNTIME };
}

/* Is a restore of this runtime ("java:21.v38", "python:3.12.v16") charged under
 * restore=runtime? Java's is not; Python's and .NET's are, and so is an unknown one. */
static bool runtime_restore_charged(const char *rt, size_t n)
{
	size_t fam = 0;

	while (fam < n && rt[fam] != ':' && !(rt[fam] >= '0' && rt[fam] <= '9'))
		fam++;
	return !(fam == 4 && !memcmp(rt, "java", 4));
}

bool gr_prices_cost(struct gr_prices *p, const struct gr_bill *b, int64_t *pico)
{
	struct resolved rs;

	if (b->billed_us < 0 || b->billed_us > GR_BILL_MAX_US || b->mem_mb <= 0 ||
	    b->mem_mb > GR_BILL_MAX_MB)
		return false;
	if (!b->fn) {
		rs = resolve(p, NULL, 0);
	} else {
		uint32_t *ix = gr_strmap_get(&p->cache, b->fn, b->fn_len);
		if (ix) {
			rs = p->res[*ix];
		} else {
			rs = resolve(p, b->fn, b->fn_len);
			const char *k = gr_arena_strdup(&p->arena, b->fn, b->fn_len);
			/* out of memory: the cost is right, only not cached */
			if (k && !GR_GROW(p->res, p->nres, p->cap_res) &&
			    gr_strmap_put(&p->cache, k, b->fn_len, (uint32_t)p->nres, NULL))
				p->res[p->nres++] = rs;
		}
	}
	const struct tariff *t = &p->t[rs.tariff];
	/* pico-dollars * 10^-6 s * MB / (1024 MB/GB): over 1024 * 10^6 */
	const gr_u128 den = (gr_u128)1024 * 1000000;
	gr_u128 num = (gr_u128)t->duration * (gr_u128)b->billed_us * (gr_u128)b->mem_mb;
	bool restore = rs.restore == RESTORE_CHARGED ||
		       (rs.restore == RESTORE_RUNTIME &&
			(!b->runtime || runtime_restore_charged(b->runtime, b->runtime_len)));
	if (b->restored && restore)
		num += (gr_u128)t->restore * (gr_u128)b->mem_mb * 1000000;
	gr_u128 q = (num + den / 2) / den + (gr_u128)t->request;
	if (q > (gr_u128)INT64_MAX)
		return false;
	*pico = (int64_t)q;
	return true;
}

size_t gr_u128_dec(gr_u128 v, char *out, size_t size)
{
	char tmp[48];
	size_t n = 0;

	do {
		tmp[n++] = (char)('0' + (int)(v % 10));
		v /= 10;
	} while (v);
	if (!size)
		return 0;
	if (n >= size)
		n = size - 1;
	for (size_t i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	out[n] = '\0';
	return n;
}

void gr_pico_dollars(gr_u128 pico, char *out, size_t size)
{
	char whole[48];
	char frac[13];
	gr_u128 units = pico / 1000000000000ull;
	uint64_t rest = (uint64_t)(pico % 1000000000000ull);

	if (!pico) {
		snprintf(out, size, "$0");
		return;
	}
	gr_u128_dec(units, whole, sizeof(whole));
	for (int i = 11; i >= 0; i--, rest /= 10)
		frac[i] = (char)('0' + (int)(rest % 10));
	frac[12] = '\0';
	snprintf(out, size, "$%s.%s", whole, frac);
}
