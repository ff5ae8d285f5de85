/* critpath_whatif.c: what if: a change to functions or hops replayed through the causal graph in causal order, the critical paths found again. */
#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "critpath/critpath.h"

#define MAX_FACTOR 1e6                 /* F of faster, slower and delay=KIND:xF */
#define MAX_DELAY_US 3600000000000LL   /* delay=KIND:TIME: 1000 hours, as --tolerance */

static const char grammar[] = "no-cold-starts=FN, faster=FN:F, slower=FN:F, "
			      "delay=KIND:TIME, delay=KIND:xF or remove=FN";

/* --- parsing ------------------------------------------------------------------- */

static int bad(struct gr_error *err, const char *spec, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int bad(struct gr_error *err, const char *spec, const char *fmt, ...)
{
	char e[160], why[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	gr_escape_msg(spec, strlen(spec), 100, e, sizeof(e));
	return gr_error_set(err, GR_ERR_USAGE, "--what-if '%s': %s", e, why);
}

/* A plain decimal ("2", "1.5", ".5", "2e3"): no sign, space, hex, inf or nan. */
static bool decimal(const char *s, size_t n, double *out)
{
	char tmp[64], *end;

	if (!n || n >= sizeof(tmp) || !(s[0] == '.' || (s[0] >= '0' && s[0] <= '9')))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!strchr("0123456789.eE+-", s[i]) || !s[i])
			return false;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	*out = strtod(tmp, &end);
	return *end == '\0' && isfinite(*out);
}

static int factor(struct gr_error *err, const char *spec, const char *s, double *out)
{
	char e[80];

	if (!decimal(s, strlen(s), out))
		return bad(err, spec, "'%s' is not a number (F: a positive decimal such as 2 "
			   "or 1.5)", gr_escape_msg(s, strlen(s), 40, e, sizeof(e)));
	if (!(*out > 0))
		return bad(err, spec, "F must be greater than 0");
	if (*out > MAX_FACTOR || *out < 1 / MAX_FACTOR)
		return bad(err, spec, "F out of range (%g to %g)", 1 / MAX_FACTOR, MAX_FACTOR);
	return 0;
}

/* TIME as --tolerance takes it: N (microseconds), Nus, Nms or Ns. */
static int duration(struct gr_error *err, const char *spec, const char *s, int64_t *out)
{
	size_t n = strlen(s), num = n;
	double v, mul = 1;
	char e[80];

	if (n > 2 && !strcmp(s + n - 2, "us"))
		num = n - 2;
	else if (n > 2 && !strcmp(s + n - 2, "ms"))
		num = n - 2, mul = 1e3;
	else if (n > 1 && s[n - 1] == 's')
		num = n - 1, mul = 1e6;
	if (!decimal(s, num, &v))
		return bad(err, spec, "'%s' is not a duration (TIME: N, Nus, Nms or Ns; "
			   "xF scales)", gr_escape_msg(s, n, 40, e, sizeof(e)));
	if (v * mul > (double)MAX_DELAY_US)
		return bad(err, spec, "'%s' is too long", gr_escape_msg(s, n, 40, e, sizeof(e)));
	*out = (int64_t)(v * mul + 0.5);
	return 0;
}

static bool is(const char *s, size_t n, const char *name)
{
	return strlen(name) == n && !memcmp(s, name, n);
}

int gr_cp_change_parse(const char *spec, struct gr_cp_change *c, struct gr_error *err)
{
	const char *eq = strchr(spec, '='), *v, *colon;
	size_t nl;
	char e[80];
	int rc;

	memset(c, 0, sizeof(*c));
	c->spec = spec;
	c->factor = 1;
	if (!eq)
		return bad(err, spec, "expected %s", grammar);
	nl = (size_t)(eq - spec);
	v = eq + 1;
	if (is(spec, nl, "no-cold-starts") || is(spec, nl, "remove")) {
		c->op = spec[0] == 'n' ? GR_CP_NO_COLD : GR_CP_REMOVE;
		c->fn = v;
		c->fn_len = strlen(v);
	} else if (is(spec, nl, "faster") || is(spec, nl, "slower")) {
		if (!(colon = strrchr(v, ':')))
			return bad(err, spec, "expected %.6s=FN:F", spec);
		c->op = GR_CP_SPEED;
		c->fn = v;
		c->fn_len = (size_t)(colon - v);
		if ((rc = factor(err, spec, colon + 1, &c->factor)))
			return rc;
		if (spec[0] == 'f')
			c->factor = 1 / c->factor;
	} else if (is(spec, nl, "delay")) {
		if (!(colon = strchr(v, ':')))
			return bad(err, spec, "expected delay=KIND:TIME or delay=KIND:xF");
		c->kind = gr_kind_parse(v, (size_t)(colon - v));
		if (c->kind == GR_KIND_NONE) {
			char kinds[128];
			size_t o = 0;
			for (int k = 1; k < GR_KIND_COUNT && o < sizeof(kinds); k++)
				o += (size_t)snprintf(kinds + o, sizeof(kinds) - o, "%s%s",
						      k > 1 ? ", " : "", gr_kind_name((enum gr_kind)k));
			return bad(err, spec, "unknown kind '%s' (kinds: %s)",
				   gr_escape_msg(v, (size_t)(colon - v), 40, e, sizeof(e)), kinds);
		}
		if (colon[1] == 'x') {
			c->op = GR_CP_DELAY_SCALE;
			return factor(err, spec, colon + 2, &c->factor);
		}
		c->op = GR_CP_DELAY_SET;
		return duration(err, spec, colon + 1, &c->us);
	} else {
		return bad(err, spec, "unknown change '%s' (%s)",
			   gr_escape_msg(spec, nl, 40, e, sizeof(e)), grammar);
	}
	if (!c->fn_len)
		return bad(err, spec, "no function named");
	return 0;
}

static bool fn_is(const struct gr_node *n, const struct gr_cp_change *c)
{
	return n->fn && !strncmp(n->fn, c->fn, c->fn_len) && n->fn[c->fn_len] == '\0';
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The message naming the graph's functions, sorted, as many as fit. */
static int unknown_fn(const struct gr_graph *g, const struct gr_cp_change *c,
		      struct gr_error *err)
{
	const char **fns = malloc((g->nnodes ? g->nnodes : 1) * sizeof(*fns));
	size_t nf = 0, nd = 0, o = 0;
	char list[300], e[100], f[80];

	if (!fns)
		return gr_error_set(err, GR_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < g->nnodes; i++)
		if (g->nodes[i].fn)
			fns[nf++] = g->nodes[i].fn;
	if (nf > 1)
		qsort(fns, nf, sizeof(*fns), cmp_str);
	for (size_t i = 0; i < nf; i++)
		if (!i || strcmp(fns[i], fns[i - 1]))
			fns[nd++] = fns[i];
	list[0] = '\0';
	for (size_t i = 0; i < nd; i++) {
		gr_escape_msg(fns[i], strlen(fns[i]), 60, f, sizeof(f));
		if (o + strlen(f) + 2 > sizeof(list) - 32) {
			snprintf(list + o, sizeof(list) - o, ", ... (%zu in all)", nd);
			break;
		}
		o += (size_t)snprintf(list + o, sizeof(list) - o, "%s%s", i ? ", " : "", f);
	}
	free(fns);
	gr_escape_msg(c->fn, c->fn_len, 60, e, sizeof(e));
	if (!nd)
		return bad(err, c->spec, "no function '%s' in the graph, which names none", e);
	return bad(err, c->spec, "no function '%s' in the graph (its functions: %s)", e, list);
}

int gr_cp_change_check(const struct gr_graph *g, const struct gr_cp_change *ch, size_t nch,
		       struct gr_error *err)
{
	bool *found = calloc(nch ? nch : 1, sizeof(*found));
	size_t left = 0;

	if (!found)
		return gr_error_set(err, GR_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < nch; i++)
		if (ch[i].fn)
			left++;
		else
			found[i] = true;
	for (size_t v = 0; v < g->nnodes && left; v++)
		for (size_t i = 0; i < nch; i++)
			if (!found[i] && fn_is(&g->nodes[v], &ch[i])) {
				found[i] = true;
				left--;
			}
	for (size_t i = 0; i < nch; i++)
		if (!found[i]) {
			free(found);
			return unknown_fn(g, &ch[i], err);
		}
	free(found);
	return 0;
}

/* --- the replay ------------------------------------------------------------------ */

/* Saturating arithmetic for the steps of the computation (never "unknown"); the
 * times kept are then brought within +-GR_MAX_INT (sat), the range of every number a
 * graph stream holds: the changed graph stays one the critical path's arithmetic
 * (end - start, sums of latencies) is made for. */
static int64_t add(int64_t a, int64_t b)
{
	int64_t r;

	if (__builtin_add_overflow(a, b, &r))
		return b > 0 ? INT64_MAX : -INT64_MAX;
	return r == INT64_MIN ? -INT64_MAX : r;
}

static int64_t sub(int64_t a, int64_t b)
{
	int64_t r;

	if (__builtin_sub_overflow(a, b, &r))
		return b < 0 ? INT64_MAX : -INT64_MAX;
	return r == INT64_MIN ? -INT64_MAX : r;
}

static int64_t sat(int64_t v)
{
	return v > GR_MAX_INT ? GR_MAX_INT : v < -GR_MAX_INT ? -GR_MAX_INT : v;
}

/* d x k, rounded; exact when k is 1 (the no-op change gives the input back). */
static int64_t scale(int64_t d, double k)
{
	if (k == 1)
		return d;
	double v = nearbyint((double)d * k);
	if (v >= 9.2e18)
		return INT64_MAX;
	if (v <= -9.2e18)
		return -INT64_MAX;
	return (int64_t)v;
}

static int64_t max64(int64_t a, int64_t b)
{
	return a > b ? a : b;
}

static bool known(int64_t t)
{
	return t != GR_TIME_UNKNOWN;
}

enum {
	F_FIXED = 1 << 0,   /* no usable times: kept as it is, its times map to themselves */
	F_RMFN = 1 << 1,    /* its function is removed */
	F_NOCOLD = 1 << 2,  /* its init and restore are removed */
	F_REMOVED = 1 << 3, /* gone (its function, or only reachable through gone ones) */
	F_FORCED = 1 << 4,  /* some of its steps were taken out of causal order */
};

/* A stretch of a caller's execution spent waiting on synchronous callees (their
 * waits overlapping): [p, q] in the input, [np, nq] after the change. */
struct comp {
	int64_t p, q;       /* input times */
	int64_t np, nq;     /* changed times (np set when the previous step is done) */
	uint32_t node;      /* the caller */
	uint32_t e0, ne;    /* its callees' edges in rp.cedge */
};

/* One wait of a caller on a synchronous callee, while building components. */
struct wait {
	int64_t lo, hi;     /* call issued, callee done (clipped to the caller) */
	uint32_t edge;      /* the edge */
};

/*
 * The replay runs over steps ("events"): the start of each invocation (index v) and
 * the end of each of its components (index n + component), each computed once the
 * steps it depends on are: a start on the step of each cause that gives the cause's
 * new time of the write or call; a component's end on the previous step of its caller
 * and on the end step of each callee in it. Kahn's algorithm in that order; when a
 * cycle (or times contradicting the edges) leaves steps waiting, the earliest in input
 * time is taken with what is known.
 */
struct rp {
	const struct gr_graph *g;       /* the input */
	size_t n;                       /* its nodes */
	int64_t tol;                    /* --tolerance */
	uint8_t *flag;                  /* per node: F_* */
	double *k;                      /* per node: own execution time factor */
	int64_t *x;                     /* per node: its execution starts (after init) */
	int64_t *sn, *xn, *en;          /* per node: changed start, execution start, end */
	uint32_t *c0, *nc;              /* per node: its components */
	int64_t *a;                     /* per edge: when the cause acted (cause_us, else
					 * the effect's start; unknown when neither is) */
	int64_t *qc;                    /* per edge: a callee's wait end, clipped */
	uint32_t *ec;                   /* per edge: its component, GR_NONE */
	struct comp *cp;                /* components, by node then time */
	size_t ncp, cap_cp;             /* used, allocated */
	uint32_t *cedge;                /* the components' callee edges */
	size_t ncedge, cap_cedge;       /* used, allocated */
	struct wait *wt;                /* one caller's waits (scratch) */
	size_t nwt, cap_wt;             /* used, allocated */
	bool set[GR_KIND_COUNT];        /* delay of a kind set ... */
	int64_t set_us[GR_KIND_COUNT];  /* ... to this */
	double dmul[GR_KIND_COUNT];     /* then multiplied by this */
	uint32_t *pending;              /* per step: steps it waits for, not yet done */
	uint32_t *dep0, *deps;          /* per step: the steps waiting for it (CSR) */
	uint8_t *done;                  /* per step: computed */
	uint32_t *queue;                /* steps ready, in order */
	size_t qh, qt;                  /* head, tail */
	size_t ndone;                   /* steps done */
	uint32_t *order;                /* every step by input time (built for cycles) */
	size_t opos;                    /* the next candidate in order */
};

static bool fixed(const struct rp *r, uint32_t v)
{
	return r->flag[v] & F_FIXED;
}

static uint32_t pred(const struct rp *r, uint32_t ci)
{
	uint32_t v = r->cp[ci].node;

	return ci == r->c0[v] ? v : (uint32_t)r->n + ci - 1;
}

static uint32_t end_step(const struct rp *r, uint32_t v)
{
	return r->nc[v] ? (uint32_t)r->n + r->c0[v] + r->nc[v] - 1 : v;
}

/* The last component of v that ends by t, GR_NONE when none does. */
static uint32_t last_by(const struct rp *r, uint32_t v, int64_t t)
{
	uint32_t lo = r->c0[v], hi = r->c0[v] + r->nc[v];

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (r->cp[mid].q <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo == r->c0[v] ? GR_NONE : lo - 1;
}

/* The step whose completion gives the new time of edge e's cause. */
static uint32_t src_step(const struct rp *r, uint32_t e)
{
	uint32_t y = r->g->edges[e].from;

	if (fixed(r, y) || !known(r->a[e]))
		return y;
	if (r->ec[e] != GR_NONE)
		return pred(r, r->ec[e]);
	uint32_t j = last_by(r, y, r->a[e]);
	return j == GR_NONE ? y : (uint32_t)r->n + j;
}

/* Input time t of node y's execution, changed. Its components up to t are done. */
static int64_t map(const struct rp *r, uint32_t y, int64_t t)
{
	const struct gr_node *nd = &r->g->nodes[y];

	if (fixed(r, y))
		return t;
	if (t < r->x[y])
		return add(r->xn[y], sub(t, r->x[y]));
	if (t > nd->end_us)
		return add(r->en[y], sub(t, nd->end_us));
	/* the last component starting by t */
	uint32_t lo = r->c0[y], hi = r->c0[y] + r->nc[y];
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (r->cp[mid].p <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == r->c0[y])
		return add(r->xn[y], scale(sub(t, r->x[y]), r->k[y]));
	const struct comp *c = &r->cp[lo - 1];
	if (t < c->q) /* waiting: moves with the wait's start */
		return add(c->np, sub(t, c->p));
	return add(c->nq, scale(sub(t, c->q), r->k[y]));
}

/* The new time of edge e's cause (its source step done). */
static int64_t cause_new(const struct rp *r, uint32_t e)
{
	uint32_t y = r->g->edges[e].from;

	if (fixed(r, y))
		return r->a[e];
	if (r->ec[e] != GR_NONE) {
		const struct comp *c = &r->cp[r->ec[e]];
		return add(c->np, sub(r->a[e], c->p));
	}
	return map(r, y, r->a[e]);
}

/* The trigger delay of edge e into w, changed. */
static int64_t delay_new(const struct rp *r, uint32_t e, int64_t d)
{
	enum gr_kind k = r->g->edges[e].kind;

	if ((unsigned)k >= GR_KIND_COUNT)
		return d;
	if (r->set[k])
		d = r->set_us[k];
	/* a negative delay is clocks disagreeing, not time to scale */
	return d > 0 ? scale(d, r->dmul[k]) : d;
}

/* After v's step before component ci (or its start) is done: where ci starts. */
static void comp_start(struct rp *r, uint32_t ci, int64_t from_new, int64_t from)
{
	struct comp *c = &r->cp[ci];

	c->np = sat(add(from_new, scale(sub(c->p, from), r->k[c->node])));
}

/* v's start step. */
static void eval_start(struct rp *r, uint32_t v, bool forced)
{
	const struct gr_graph *g = r->g;
	const struct gr_node *nd = &g->nodes[v];
	uint64_t live = 0;
	int64_t best = GR_TIME_UNKNOWN;

	for (uint32_t e = nd->in; e != GR_NONE; e = g->edges[e].next_in) {
		uint32_t y = g->edges[e].from;
		if (!r->done[src_step(r, e)]) { /* forced only: an unknown cause counts as live */
			live++;
			continue;
		}
		if (r->flag[y] & F_REMOVED)
			continue;
		live++;
		if (fixed(r, v) || !known(r->a[e]))
			continue;
		int64_t t = add(cause_new(r, e), delay_new(r, e, sub(nd->start_us, r->a[e])));
		if (!known(best) || t > best)
			best = t;
	}
	if (forced)
		r->flag[v] |= F_FORCED;
	if ((r->flag[v] & F_RMFN) || (nd->in != GR_NONE && !live)) {
		r->flag[v] |= F_REMOVED;
		return;
	}
	if (fixed(r, v))
		return;
	r->sn[v] = known(best) ? sat(best) : nd->start_us;
	r->xn[v] = (r->flag[v] & F_NOCOLD) ? r->sn[v]
						 : sat(add(r->sn[v], sub(r->x[v], nd->start_us)));
	if (r->nc[v])
		comp_start(r, r->c0[v], r->xn[v], r->x[v]);
	else
		r->en[v] = sat(add(r->xn[v], scale(sub(nd->end_us, r->x[v]), r->k[v])));
}

/* The end of component ci: the caller resumes when its callees are back, each moved
 * by however much its end moved. */
static void eval_comp(struct rp *r, uint32_t ci)
{
	struct comp *c = &r->cp[ci];
	uint32_t v = c->node;

	c->nq = c->np;
	for (uint32_t i = 0; i < c->ne; i++) {
		uint32_t e = r->cedge[c->e0 + i], cal = r->g->edges[e].to;
		int64_t t;
		if (!r->done[end_step(r, cal)])     /* forced only: taken as unchanged */
			t = add(c->np, sub(r->qc[e], c->p));
		else if (r->flag[cal] & F_REMOVED)  /* the call is gone */
			continue;
		else
			t = add(r->qc[e], sub(r->en[cal], r->g->nodes[cal].end_us));
		c->nq = max64(c->nq, sat(t));
	}
	if (ci + 1 < r->c0[v] + r->nc[v])
		comp_start(r, ci + 1, c->nq, c->q);
	else
		r->en[v] = sat(add(c->nq, scale(sub(r->g->nodes[v].end_us, c->q), r->k[v])));
}

static void finish(struct rp *r, uint32_t s, bool forced)
{
	if (s < r->n)
		eval_start(r, s, forced);
	else {
		eval_comp(r, s - (uint32_t)r->n);
		if (forced)
			r->flag[r->cp[s - r->n].node] |= F_FORCED;
	}
	r->done[s] = 1;
	r->ndone++;
	for (uint32_t i = r->dep0[s]; i < r->dep0[s + 1]; i++) {
		uint32_t d = r->deps[i];
		if (!r->done[d] && --r->pending[d] == 0)
			r->queue[r->qt++] = d;
	}
}

static int64_t step_time(const struct rp *r, uint32_t s)
{
	return s < r->n ? r->g->nodes[s].start_us : r->cp[s - r->n].p;
}

static int cmp_step(const void *a, const void *b, void *ctx)
{
	const struct rp *r = ctx;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	int64_t tx = step_time(r, x), ty = step_time(r, y);

	if (tx != ty)
		return tx < ty ? -1 : 1;
	return x < y ? -1 : x > y;
}

/* Nothing is ready but steps are left: take the earliest left (its caller's earlier
 * steps first) with what is known. */
static int force_next(struct rp *r, size_t nsteps)
{
	if (!r->order) {
		if (!(r->order = malloc(nsteps * sizeof(*r->order))))
			return GR_ERR_NOMEM;
		for (size_t i = 0; i < nsteps; i++)
			r->order[i] = (uint32_t)i;
		qsort_r(r->order, nsteps, sizeof(*r->order), cmp_step, r);
	}
	while (r->opos < nsteps && r->done[r->order[r->opos]])
		r->opos++;
	if (r->opos == nsteps)
		return 0;
	uint32_t s = r->order[r->opos], v = s < r->n ? s : r->cp[s - r->n].node;
	if (!r->done[v])
		finish(r, v, r->pending[v] != 0);
	for (uint32_t ci = r->c0[v]; ci < r->c0[v] + r->nc[v] && !r->done[s]; ci++)
		if (!r->done[r->n + ci])
			finish(r, (uint32_t)r->n + ci, r->pending[r->n + ci] != 0);
	return 0;
}

static int cmp_wait(const void *a, const void *b)
{
	const struct wait *x = a, *y = b;

	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	if (x->hi != y->hi)
		return x->hi < y->hi ? -1 : 1;
	return x->edge < y->edge ? -1 : x->edge > y->edge;
}

/* v's waits on its synchronous callees, merged into components. */
static int components(struct rp *r, uint32_t v)
{
	const struct gr_graph *g = r->g;
	const struct gr_node *nd = &g->nodes[v];

	r->c0[v] = (uint32_t)r->ncp;
	r->nc[v] = 0;
	r->nwt = 0;
	for (uint32_t e = nd->out; e != GR_NONE; e = g->edges[e].next_out) {
		uint32_t c = g->edges[e].to;
		if (!g->edges[e].sync || c == v || fixed(r, c) || !known(r->a[e]))
			continue;
		int64_t lo = r->a[e] < r->x[v] ? r->x[v] : r->a[e] > nd->end_us ? nd->end_us : r->a[e];
		int64_t ce = g->nodes[c].end_us;
		int64_t hi = ce > nd->end_us ? nd->end_us : ce < lo ? lo : ce;
		if (GR_GROW(r->wt, r->nwt, r->cap_wt))
			return GR_ERR_NOMEM;
		r->wt[r->nwt++] = (struct wait){ lo, hi, e };
	}
	if (r->nwt > 1)
		qsort(r->wt, r->nwt, sizeof(*r->wt), cmp_wait);
	for (size_t i = 0; i < r->nwt; i++) {
		const struct wait *w = &r->wt[i];
		struct comp *c = r->nc[v] ? &r->cp[r->ncp - 1] : NULL;
		if (!c || w->lo >= c->q) {
			if (GR_GROW(r->cp, r->ncp, r->cap_cp))
				return GR_ERR_NOMEM;
			c = &r->cp[r->ncp++];
			*c = (struct comp){ .p = w->lo, .q = w->hi, .node = v,
					    .e0 = (uint32_t)r->ncedge };
			r->nc[v]++;
		} else if (w->lo >= sub(c->q, r->tol)) {
			/* called within the tolerance of the previous return: one after
			 * the other (log clocks), the call moving with that return */
			int64_t p = c->q;
			if (GR_GROW(r->cp, r->ncp, r->cap_cp))
				return GR_ERR_NOMEM;
			c = &r->cp[r->ncp++];
			*c = (struct comp){ .p = p, .q = w->hi > p ? w->hi : p, .node = v,
					    .e0 = (uint32_t)r->ncedge };
			r->nc[v]++;
		} else if (w->hi > c->q) {
			c->q = w->hi;
		}
		if (GR_GROW(r->cedge, r->ncedge, r->cap_cedge))
			return GR_ERR_NOMEM;
		r->cedge[r->ncedge++] = w->edge;
		c->ne++;
		r->ec[w->edge] = (uint32_t)(c - r->cp);
		r->qc[w->edge] = w->hi;
	}
	return 0;
}

static void rp_release(struct rp *r)
{
	free(r->flag);
	free(r->k);
	free(r->x);
	free(r->sn);
	free(r->xn);
	free(r->en);
	free(r->c0);
	free(r->nc);
	free(r->a);
	free(r->qc);
	free(r->ec);
	free(r->cp);
	free(r->cedge);
	free(r->wt);
	free(r->pending);
	free(r->dep0);
	free(r->deps);
	free(r->done);
	free(r->queue);
	free(r->order);
}

/* Per node: its changes and input times. */
static void prepare_nodes(struct rp *r, const struct gr_cp_change *ch, size_t nch)
{
	const struct gr_graph *g = r->g;

	for (size_t v = 0; v < r->n; v++) {
		const struct gr_node *nd = &g->nodes[v];
		r->k[v] = 1;
		if (!known(nd->start_us) || !known(nd->end_us) || nd->end_us < nd->start_us)
			r->flag[v] |= F_FIXED;
		for (size_t i = 0; i < nch; i++) {
			if (!ch[i].fn || !fn_is(nd, &ch[i]))
				continue;
			if (ch[i].op == GR_CP_NO_COLD)
				r->flag[v] |= F_NOCOLD;
			else if (ch[i].op == GR_CP_REMOVE)
				r->flag[v] |= F_RMFN;
			else if (ch[i].op == GR_CP_SPEED)
				r->k[v] *= ch[i].factor;
		}
		if (fixed(r, (uint32_t)v))
			continue;
		/* init and restore lie at the start of [start_us, end_us] */
		int64_t pre = add(nd->init_us > 0 ? nd->init_us : 0,
				  nd->restore_us > 0 ? nd->restore_us : 0);
		int64_t span = sub(nd->end_us, nd->start_us);
		r->x[v] = add(nd->start_us, pre < span ? pre : span);
	}
}

/* The steps' dependencies, as CSR lists of the steps waiting on each. */
static int dependencies(struct rp *r, size_t nsteps)
{
	const struct gr_graph *g = r->g;
	size_t ndeps = 0;

	r->pending = calloc(nsteps, sizeof(*r->pending));
	r->dep0 = calloc(nsteps + 1, sizeof(*r->dep0));
	r->done = calloc(nsteps, 1);
	r->queue = malloc(nsteps * sizeof(*r->queue));
	if (!r->pending || !r->dep0 || !r->done || !r->queue)
		return GR_ERR_NOMEM;
	/* count, then fill (dep0[s + 1] counts s's dependents first) */
	for (int pass = 0; pass < 2; pass++) {
		for (uint32_t e = 0; e < g->nedges; e++) {
			uint32_t s = src_step(r, e), t = g->edges[e].to;
			if (!pass) {
				r->dep0[s + 1]++;
				r->pending[t]++;
			} else {
				r->deps[r->dep0[s]++] = t;
			}
		}
		for (uint32_t ci = 0; ci < r->ncp; ci++) {
			uint32_t t = (uint32_t)r->n + ci, s = pred(r, ci);
			const struct comp *c = &r->cp[ci];
			for (uint32_t i = 0; i <= c->ne; i++) {
				if (i)
					s = end_step(r, r->g->edges[r->cedge[c->e0 + i - 1]].to);
				if (!pass) {
					r->dep0[s + 1]++;
					r->pending[t]++;
				} else {
					r->deps[r->dep0[s]++] = t;
				}
			}
		}
		if (!pass) {
			for (size_t s = 0; s < nsteps; s++)
				r->dep0[s + 1] += r->dep0[s];
			ndeps = r->dep0[nsteps];
			if (!(r->deps = malloc((ndeps ? ndeps : 1) * sizeof(*r->deps))))
				return GR_ERR_NOMEM;
		}
	}
	/* the fill moved each start to the next one's: shift back */
	memmove(r->dep0 + 1, r->dep0, nsteps * sizeof(*r->dep0));
	r->dep0[0] = 0;
	return 0;
}

/* The changed graph from the replayed times. */
static int build(const struct rp *r, struct gr_graph *out, struct gr_cp_replay_stats *st)
{
	const struct gr_graph *g = r->g;

	memset(out, 0, sizeof(*out));
	out->nodes = malloc((r->n ? r->n : 1) * sizeof(*out->nodes));
	out->edges = malloc((g->nedges ? g->nedges : 1) * sizeof(*out->edges));
	if (!out->nodes || !out->edges) {
		gr_cp_replay_free(out);
		return GR_ERR_NOMEM;
	}
	if (r->n)
		memcpy(out->nodes, g->nodes, r->n * sizeof(*out->nodes));
	out->nnodes = out->cap_nodes = r->n;
	out->cap_edges = g->nedges;
	for (size_t v = 0; v < r->n; v++) {
		struct gr_node *nd = &out->nodes[v];
		nd->critical = false;
		if (r->flag[v] & F_FORCED)
			st->forced++;
		if (r->flag[v] & F_REMOVED) {
			st->removed++;
			nd->start_us = nd->end_us = GR_TIME_UNKNOWN;
			continue;
		}
		if (fixed(r, (uint32_t)v)) {
			st->unmoved++;
			continue;
		}
		nd->start_us = r->sn[v];
		nd->end_us = r->en[v] < r->sn[v] ? r->sn[v] : r->en[v];
		if (r->flag[v] & F_NOCOLD) {
			nd->init_us = nd->restore_us = 0;
			nd->cold = false;
			nd->start = GR_START_WARM;
		}
	}
	for (uint32_t e = 0; e < g->nedges; e++) {
		const struct gr_edge *ed = &g->edges[e];
		if ((r->flag[ed->from] | r->flag[ed->to]) & F_REMOVED)
			continue;
		struct gr_edge *o = &out->edges[out->nedges++];
		*o = *ed;
		o->critical = false;
		if (known(ed->cause_us)) {
			o->cause_us = sat(cause_new(r, e));
			/* delay_us moves with the trigger delay (start_us - cause_us) */
			if (!fixed(r, ed->to))
				o->delay_us = sat(add(ed->delay_us,
						  sub(sub(r->sn[ed->to], o->cause_us),
						      sub(g->nodes[ed->to].start_us, ed->cause_us))));
		}
	}
	/* the id map is g's (node indices are kept): for --root */
	out->ids = g->ids;
	return gr_graph_index(out);
}

int gr_cp_replay(const struct gr_graph *g, const struct gr_cp_change *ch, size_t nch,
		 int64_t tolerance_us, struct gr_graph *out, struct gr_cp_replay_stats *st)
{
	struct rp r = { .g = g, .n = g->nnodes, .tol = tolerance_us > 0 ? tolerance_us : 0 };
	size_t n = g->nnodes ? g->nnodes : 1, m = g->nedges ? g->nedges : 1;
	int rc = GR_ERR_NOMEM;

	memset(st, 0, sizeof(*st));
	memset(out, 0, sizeof(*out));
	assert(g->indexed);
	for (int k = 0; k < GR_KIND_COUNT; k++)
		r.dmul[k] = 1;
	for (size_t i = 0; i < nch; i++) {
		enum gr_kind k = ch[i].kind;
		if (ch[i].op == GR_CP_DELAY_SET) {
			r.set[k] = true;
			r.set_us[k] = ch[i].us;
			r.dmul[k] = 1;
		} else if (ch[i].op == GR_CP_DELAY_SCALE) {
			r.dmul[k] *= ch[i].factor;
		}
	}
	r.flag = calloc(n, 1);
	r.k = malloc(n * sizeof(*r.k));
	r.x = calloc(n, sizeof(*r.x));
	r.sn = calloc(n, sizeof(*r.sn));
	r.xn = calloc(n, sizeof(*r.xn));
	r.en = calloc(n, sizeof(*r.en));
	r.c0 = calloc(n, sizeof(*r.c0));
	r.nc = calloc(n, sizeof(*r.nc));
	r.a = malloc(m * sizeof(*r.a));
	r.qc = malloc(m * sizeof(*r.qc));
	r.ec = malloc(m * sizeof(*r.ec));
	if (!r.flag || !r.k || !r.x || !r.sn || !r.xn || !r.en || !r.c0 || !r.nc || !r.a ||
	    !r.qc || !r.ec)
		goto out;
	prepare_nodes(&r, ch, nch);
	for (size_t e = 0; e < g->nedges; e++) {
		const struct gr_edge *ed = &g->edges[e];
		r.a[e] = known(ed->cause_us) ? ed->cause_us : g->nodes[ed->to].start_us;
		r.ec[e] = GR_NONE;
		r.qc[e] = 0;
	}
	for (uint32_t v = 0; v < r.n; v++)
		if (!fixed(&r, v) && components(&r, v))
			goto out;
	size_t nsteps = r.n + r.ncp;
	if (nsteps && dependencies(&r, nsteps))
		goto out;
	for (uint32_t s = 0; s < nsteps; s++)
		if (!r.pending[s])
			r.queue[r.qt++] = s;
	while (r.ndone < nsteps) {
		if (r.qh == r.qt) {
			if (force_next(&r, nsteps))
				goto out;
		} else {
			uint32_t s = r.queue[r.qh++];
			if (!r.done[s])
				finish(&r, s, false);
		}
	}
	rc = 0;
out:
	if (!rc)
		rc = build(&r, out, st);
	rp_release(&r);
	return rc;
}

void gr_cp_replay_free(struct gr_graph *out)
{
	free(out->nodes);
	free(out->edges);
	memset(out, 0, sizeof(*out));
}

/* --- before and after, run by run ------------------------------------------------ */

void gr_cp_whatif_init(struct gr_cp_whatif *w)
{
	memset(w, 0, sizeof(*w));
	gr_cp_init(&w->before);
	gr_cp_init(&w->after);
}

void gr_cp_whatif_release(struct gr_cp_whatif *w)
{
	gr_cp_release(&w->before);
	gr_cp_release(&w->after);
	gr_cp_replay_free(&w->g);
	free(w->runs);
	free(w->groups);
	free(w->moved);
	memset(w, 0, sizeof(*w));
}

/* Sorting runs into groups and moved lists. */
struct sorter {
	const struct gr_cp_whatif *w;   /* the runs */
	const char **label;             /* per run: its root's function */
};

static int cmp_by_label(const void *a, const void *b, void *ctx)
{
	const struct sorter *s = ctx;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	int c = strcmp(s->label[x], s->label[y]);

	return c ? c : x < y ? -1 : x > y;
}

static uint64_t mag(int64_t d)
{
	return d < 0 ? (uint64_t)0 - (uint64_t)d : (uint64_t)d;
}

static int cmp_moved(const void *a, const void *b, void *ctx)
{
	const struct sorter *s = ctx;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	uint64_t mx = mag(s->w->runs[x].delta_us), my = mag(s->w->runs[y].delta_us);

	if (mx != my)
		return mx > my ? -1 : 1;
	return x < y ? -1 : x > y;
}

/* Every run first, then by runs descending, then label (as gr_cp_stats_finish). */
static int cmp_group(const void *a, const void *b)
{
	const struct gr_cp_wi_group *x = a, *y = b;

	if (!*x->label != !*y->label)
		return !*x->label ? -1 : 1;
	if (x->runs != y->runs)
		return x->runs > y->runs ? -1 : 1;
	return strcmp(x->label, y->label);
}

/* p50, p95, p99 and max of v[0..n), sorted here; all 0 when n is 0. */
static void pcts(int64_t *v, size_t n, int64_t out[4])
{
	if (n > 1)
		qsort(v, n, sizeof(*v), gr_cmp_i64);
	out[0] = gr_pct_i64(v, n, 0.50);
	out[1] = gr_pct_i64(v, n, 0.95);
	out[2] = gr_pct_i64(v, n, 0.99);
	out[3] = n ? v[n - 1] : 0;
}

/* One group over runs idx[0..n): percentiles before and after, the moved runs. */
static void group(struct gr_cp_whatif *w, struct gr_cp_wi_group *gp, const uint32_t *idx,
		  size_t n, int64_t *lb, int64_t *la, uint32_t *moved, struct sorter *so)
{
	size_t na = 0;

	gp->runs = n;
	gp->moved = moved;
	gp->nmoved = 0;
	for (size_t i = 0; i < n; i++) {
		const struct gr_cp_wi_run *r = &w->runs[idx[i]];
		lb[i] = w->before.runs[r->before].latency_us;
		if (r->after == GR_NONE) {
			gp->removed++;
			continue;
		}
		la[na++] = w->after.runs[r->after].latency_us;
		if (r->delta_us)
			moved[gp->nmoved++] = idx[i];
	}
	pcts(lb, n, gp->before);
	pcts(la, na, gp->after);
	if (gp->nmoved > 1)
		qsort_r(moved, gp->nmoved, sizeof(*moved), cmp_moved, so);
}

static int groups(struct gr_cp_whatif *w, const struct gr_graph *g)
{
	size_t n = w->nruns ? w->nruns : 1;
	uint32_t *idx = malloc(n * sizeof(*idx));
	int64_t *lb = malloc(n * sizeof(*lb)), *la = malloc(n * sizeof(*la));
	struct sorter so = { w, malloc(n * sizeof(*so.label)) };
	int rc = GR_ERR_NOMEM;

	w->moved = malloc(2 * n * sizeof(*w->moved));
	w->groups = malloc((w->nruns + 1) * sizeof(*w->groups));
	if (!idx || !lb || !la || !so.label || !w->moved || !w->groups)
		goto out;
	for (size_t i = 0; i < w->nruns; i++) {
		idx[i] = (uint32_t)i;
		so.label[i] = gr_cp_node_fn(&g->nodes[w->before.runs[w->runs[i].before].root]);
	}
	/* every run */
	struct gr_cp_wi_group *gp = &w->groups[w->ngroups++];
	memset(gp, 0, sizeof(*gp));
	gp->label = "";
	group(w, gp, idx, w->nruns, lb, la, w->moved, &so);
	size_t used = w->nruns;
	/* each root function */
	if (w->nruns > 1)
		qsort_r(idx, w->nruns, sizeof(*idx), cmp_by_label, &so);
	for (size_t i = 0, j; i < w->nruns; i = j) {
		for (j = i + 1; j < w->nruns && !strcmp(so.label[idx[j]], so.label[idx[i]]); j++)
			;
		gp = &w->groups[w->ngroups++];
		memset(gp, 0, sizeof(*gp));
		gp->label = so.label[idx[i]];
		group(w, gp, idx + i, j - i, lb, la, w->moved + used, &so);
		used += j - i;
	}
	if (w->ngroups > 1)
		qsort(w->groups, w->ngroups, sizeof(*w->groups), cmp_group);
	rc = 0;
out:
	free(idx);
	free(lb);
	free(la);
	free(so.label);
	return rc;
}

int gr_cp_whatif(struct gr_graph *g, const struct gr_cp_opts *o, const struct gr_cp_change *ch,
		 size_t nch, struct gr_cp_whatif *w, struct gr_error *err)
{
	struct gr_cp_opts oo = *o;
	uint32_t *after_of = NULL;
	int rc;

	oo.mark = false;
	oo.slack = false;
	if (!g->indexed && gr_graph_index(g))
		return gr_error_set(err, GR_ERR_NOMEM, "out of memory");
	if ((rc = gr_cp_workflow(g, &oo, &w->before, err)))
		return rc;
	if (gr_cp_replay(g, ch, nch, o->tolerance_us, &w->g, &w->st) ||
	    gr_cp_workflow(&w->g, &oo, &w->after, err))
		return gr_error_set(err, GR_ERR_NOMEM, "out of memory");
	/* runs matched by their root (the roots are the same nodes, their starts kept) */
	after_of = malloc((g->nnodes ? g->nnodes : 1) * sizeof(*after_of));
	w->runs = malloc((w->before.nruns ? w->before.nruns : 1) * sizeof(*w->runs));
	if (!after_of || !w->runs) {
		free(after_of);
		return gr_error_set(err, GR_ERR_NOMEM, "out of memory");
	}
	for (size_t i = 0; i < w->before.nruns; i++)
		after_of[w->before.runs[i].root] = GR_NONE;
	for (size_t i = 0; i < w->after.nruns; i++)
		after_of[w->after.runs[i].root] = (uint32_t)i;
	for (size_t i = 0; i < w->before.nruns; i++) {
		struct gr_cp_wi_run *r = &w->runs[w->nruns++];
		r->before = (uint32_t)i;
		r->after = after_of[w->before.runs[i].root];
		r->delta_us = r->after == GR_NONE ? 0
			    : sub(w->after.runs[r->after].latency_us, w->before.runs[i].latency_us);
	}
	free(after_of);
	if (groups(w, g))
		return gr_error_set(err, GR_ERR_NOMEM, "out of memory");
	return 0;
}
