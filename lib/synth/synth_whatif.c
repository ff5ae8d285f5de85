/* synth_whatif.c: gammaray-synth --what-if: the changes, parsed and set on the simulated world. */
#include <stdlib.h>
#include <string.h>

#include "synth/synth.h"

_Static_assert(GR_SYNTH_HOP_KINDS == SY_K_COUNT + 1, "hop kinds: the truth's kinds and sfn");

const char *gr_synth_hop_name(int i)
{
	if (i >= 0 && i < SY_K_COUNT)
		return gr_sy_kind_name[i];
	return i == SY_K_COUNT ? "sfn" : NULL; /* Step Functions: no such hop in synth */
}

static int bad(struct gr_error *err, const char *text, const char *why)
{
	char e[160];

	return gr_error_set(err, GR_ERR_USAGE, "invalid --what-if '%s': %s",
			    gr_escape_msg(text, strlen(text), 100, e, sizeof(e)), why);
}

/* A positive decimal "2", "1.5", ".5" at the start of p: its length (0: none). */
static size_t decimal(const char *p, double *v)
{
	size_t n = strspn(p, "0123456789"), f = 0;

	if (p[n] == '.')
		f = 1 + strspn(p + n + 1, "0123456789");
	if (n + f == 0 || (n == 0 && f == 1) || n > 12)
		return 0;
	*v = strtod(p, NULL); /* only digits and one point: no locale, hex or inf */
	return n + f;
}

static int factor(const char *text, const char *p, double *v, struct gr_error *err)
{
	size_t n = decimal(p, v);

	if (!n || p[n] || !(*v > 0) || *v > 1e6)
		return bad(err, text, "the factor must be a positive decimal number up to 1000000");
	return 0;
}

/* N, Nus, Nms or Ns (N decimal; bare: microseconds). */
static int duration(const char *text, const char *p, int64_t *us, struct gr_error *err)
{
	static const struct {
		const char *unit;
		double mult;
	} units[] = { { "", 1 }, { "us", 1 }, { "ms", 1e3 }, { "s", 1e6 } };
	double v;
	size_t n = decimal(p, &v);

	for (size_t i = 0; n && i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(p + n, units[i].unit))
			continue;
		double r = v * units[i].mult;
		if (r > 86400e6)
			break;
		*us = (int64_t)(r + 0.5);
		return 0;
	}
	return bad(err, text, "the delay must be N, Nus, Nms or Ns (at most a day) or xF");
}

static int fn_name(const char *text, const char *p, size_t n, struct gr_synth_change *c,
		   struct gr_error *err)
{
	if (!n)
		return bad(err, text, "no function named");
	if (n >= sizeof(c->fn))
		return bad(err, text, "function name too long");
	memcpy(c->fn, p, n);
	c->fn[n] = '\0';
	return 0;
}

int gr_synth_change_parse(const char *text, struct gr_synth_change *c, struct gr_error *err)
{
	static const struct {
		const char *what;
		enum gr_synth_change_kind kind;
	} whats[] = {
		{ "no-cold-starts", GR_SYNTH_NO_COLD }, { "faster", GR_SYNTH_FASTER },
		{ "slower", GR_SYNTH_SLOWER },          { "delay", GR_SYNTH_DELAY_SET },
		{ "remove", GR_SYNTH_REMOVE },
	};
	const char *eq = text ? strchr(text, '=') : NULL;

	memset(c, 0, sizeof(*c));
	c->text = text;
	c->factor = 1;
	if (!eq)
		return bad(err, text ? text : "",
			   "expected no-cold-starts=FN, faster=FN:F, slower=FN:F, "
			   "delay=KIND:TIME, delay=KIND:xF or remove=FN");
	size_t wl = (size_t)(eq - text);
	const char *arg = eq + 1, *colon;
	for (size_t i = 0; i < sizeof(whats) / sizeof(whats[0]); i++)
		if (strlen(whats[i].what) == wl && !memcmp(whats[i].what, text, wl))
			c->kind = whats[i].kind;
	switch (c->kind) {
	case GR_SYNTH_NO_COLD:
	case GR_SYNTH_REMOVE:
		return fn_name(text, arg, strlen(arg), c, err);
	case GR_SYNTH_FASTER:
	case GR_SYNTH_SLOWER:
		/* function names have no ':' (Lambda allows letters, digits, - and _) */
		if (!(colon = strchr(arg, ':')))
			return bad(err, text, "expected FN:F");
		if (fn_name(text, arg, (size_t)(colon - arg), c, err))
			return GR_ERR_USAGE;
		return factor(text, colon + 1, &c->factor, err);
	case GR_SYNTH_DELAY_SET:
		if (!(colon = strchr(arg, ':')))
			return bad(err, text, "expected KIND:TIME or KIND:xF");
		c->hop = -1;
		for (int i = 0; i < GR_SYNTH_HOP_KINDS; i++) {
			const char *h = gr_synth_hop_name(i);
			if (strlen(h) == (size_t)(colon - arg) && !memcmp(h, arg, strlen(h)))
				c->hop = i;
		}
		if (c->hop < 0)
			return bad(err, text, "unknown kind (s3, dynamodb, sns, sqs, kinesis, lambda, "
					      "events or sfn)");
		if (colon[1] == 'x') {
			c->kind = GR_SYNTH_DELAY_SCALE;
			return factor(text, colon + 2, &c->factor, err);
		}
		return duration(text, colon + 1, &c->delay_us, err);
	default:
		return bad(err, text, "expected no-cold-starts=, faster=, slower=, delay= or remove=");
	}
}

/* "unknown function 'x' in --what-if 'remove=x': webapp has web-frontend, ..." */
static int unknown_fn(struct gr_sy_sim *s, const struct gr_synth_change *c)
{
	char e[160], list[384];
	size_t n = 0;

	list[0] = '\0';
	for (size_t i = 0; i < s->nfns && n + 4 < sizeof(list); i++) {
		const char *name = s->fns[i].def->name;
		size_t k = strlen(name);
		if (n + k + 6 >= sizeof(list)) {
			memcpy(list + n, ", ...", 6);
			break;
		}
		if (i) {
			memcpy(list + n, ", ", 2);
			n += 2;
		}
		memcpy(list + n, name, k + 1);
		n += k;
	}
	return gr_error_set(s->err, GR_ERR_USAGE, "unknown function '%s' in --what-if: %s has %s",
			    gr_escape_msg(c->fn, strlen(c->fn), 64, e, sizeof(e)), s->app->name,
			    list);
}

int gr_sy_whatif_apply(struct gr_sy_sim *s)
{
	for (int k = 0; k < GR_SYNTH_HOP_KINDS; k++) {
		s->hop_set[k] = -1;
		s->hop_mul[k] = 1;
	}
	for (size_t i = 0; i < s->nfns; i++)
		s->fns[i].speed = 1;
	for (size_t i = 0; i < s->o->nchanges; i++) {
		const struct gr_synth_change *c = &s->o->changes[i];
		struct gr_sy_fn *fn = NULL;
		if (c->kind != GR_SYNTH_DELAY_SET && c->kind != GR_SYNTH_DELAY_SCALE) {
			for (size_t k = 0; k < s->nfns && !fn; k++)
				if (!strcmp(s->fns[k].def->name, c->fn))
					fn = &s->fns[k];
			if (!fn)
				return unknown_fn(s, c);
		}
		switch (c->kind) {
		case GR_SYNTH_NO_COLD: fn->no_cold = true; break;
		case GR_SYNTH_FASTER: fn->speed *= c->factor; break;
		case GR_SYNTH_SLOWER: fn->speed /= c->factor; break;
		case GR_SYNTH_REMOVE: fn->removed = true; break;
		case GR_SYNTH_DELAY_SET:
			s->hop_set[c->hop] = c->delay_us;
			s->hop_mul[c->hop] = 1;
			break;
		case GR_SYNTH_DELAY_SCALE: s->hop_mul[c->hop] *= c->factor; break;
		default:
			return gr_error_set(s->err, GR_ERR_USAGE, "invalid --what-if change");
		}
	}
	return 0;
}
