/* infer.c: gammaray-infer's driver: reading the event stream, accounting, joining invocations. */
#include "infer/infer.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/reader.h"

#define PACK_BLOCK (64u << 10)

/* --- names, options ---------------------------------------------------------- */

const char *gr_infer_kind_name(int k)
{
	return k > 0 && k < GR_KIND_COUNT ? gr_kind_name((enum gr_kind)k) : NULL;
}

const char *gr_infer_evidence_name(int e)
{
	static const char *const names[GR_INFER_EVIDENCE] = {
		[EV_MARKER] = "marker",       [EV_XRAY_PARENT] = "xray-parent",
		[EV_XRAY_LINK] = "xray-link", [EV_XRAY_CALL] = "xray-call",
		[EV_HEURISTIC] = "heuristic",
	};

	return e > 0 && e < GR_INFER_EVIDENCE ? names[e] : NULL;
}

int gr_duration_parse(const char *s, int64_t *us)
{
	static const struct {
		const char *unit;
		double mult;
	} units[] = {
		{ "us", 1 }, { "ms", 1e3 }, { "s", 1e6 }, { "m", 60e6 }, { "h", 3600e6 },
		{ "d", 86400e6 }, { "", 1e6 },
	};
	double v = 0, scale = 0;
	const char *p = s;
	bool digits = false;

	if (!s)
		return GR_ERR_USAGE;
	while (*p >= '0' && *p <= '9') {
		v = v * 10 + (*p++ - '0');
		digits = true;
	}
	if (*p == '.') {
		p++;
		scale = 0.1;
		while (*p >= '0' && *p <= '9') {
			v += (*p++ - '0') * scale;
			scale /= 10;
			digits = true;
		}
	}
	if (!digits || v > 1e12)
		return GR_ERR_USAGE;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(p, units[i].unit))
			continue;
		double r = v * units[i].mult;
		if (r > 9e18)
			return GR_ERR_USAGE;
		*us = (int64_t)(r + 0.5);
		return 0;
	}
	return GR_ERR_USAGE;
}

void gr_infer_opts_init(struct gr_infer_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->tolerance_us = 100000;
	o->link_window_us = 15 * 60 * 1000000LL;
	o->unmatched = true;
}

/* --- plumbing ---------------------------------------------------------------- */

void inf_fail(struct gr_infer *inf, int code, const char *what)
{
	if (inf->fatal)
		return;
	inf->fatal = code;
	if (inf->err)
		gr_error_set(inf->err, code, "%s", what);
}

static void report(struct gr_infer *inf, int severity, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

static void report(struct gr_infer *inf, int severity, const char *fmt, va_list ap)
{
	struct gr_error e = { 0 };

	vsnprintf(e.msg, sizeof(e.msg), fmt, ap);
	e.code = severity ? GR_ERR_DATA : GR_OK;
	gr_error_at(&e, inf->file, inf->line);
	if (severity && inf->o.strict && !inf->fatal) {
		inf->fatal = GR_ERR_DATA;
		if (inf->err)
			*inf->err = e;
	}
	if (inf->o.diag)
		inf->o.diag(inf->o.diag_ctx, severity, &e);
}

void inf_lost(struct gr_infer *inf, enum gr_reason r, const char *fmt, ...)
{
	va_list ap;

	inf->st.io.reason[r]++;
	va_start(ap, fmt);
	report(inf, 1, fmt, ap);
	va_end(ap);
}

void inf_notice(struct gr_infer *inf, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(inf, 0, fmt, ap);
	va_end(ap);
}

void *inf_vec_push(struct gr_infer *inf, struct inf_vec *v, size_t elem)
{
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 256;
		void *p = realloc(v->v, cap * elem);
		if (!p) {
			inf_fail(inf, GR_ERR_NOMEM, "out of memory");
			return NULL;
		}
		v->v = p;
		v->cap = cap;
	}
	void *e = (char *)v->v + v->n++ * elem;
	memset(e, 0, elem);
	return e;
}

const char *inf_pack_str(struct gr_infer *inf, const char *s, size_t n)
{
	if (n + 1 > inf->pack.left) {
		if (n + 1 > PACK_BLOCK / 8) {
			char *big = gr_arena_strdup(&inf->arena, s, n);
			if (!big)
				inf_fail(inf, GR_ERR_NOMEM, "out of memory");
			return big;
		}
		inf->pack.p = gr_arena_alloc(&inf->arena, PACK_BLOCK);
		if (!inf->pack.p) {
			inf->pack.left = 0;
			inf_fail(inf, GR_ERR_NOMEM, "out of memory");
			return NULL;
		}
		inf->pack.left = PACK_BLOCK;
	}
	char *p = inf->pack.p;
	memcpy(p, s, n);
	p[n] = '\0';
	inf->pack.p += n + 1;
	inf->pack.left -= n + 1;
	return p;
}

const char *inf_intern(struct gr_infer *inf, const char *s, size_t n)
{
	uint32_t *v = gr_strmap_get(&inf->names, s, n);

	if (v)
		return *INF_AT(inf, namev, const char *, *v);
	const char *copy = gr_arena_strdup(&inf->fnarena, s, n);
	const char **slot = inf_vec_push(inf, &inf->namev, sizeof(*slot));
	if (!copy || !slot ||
	    !gr_strmap_put(&inf->names, copy, n, (uint32_t)(inf->namev.n - 1), NULL)) {
		inf_fail(inf, GR_ERR_NOMEM, "out of memory");
		return NULL;
	}
	*slot = copy;
	return copy;
}

uint64_t inf_fp1(int tag, const char *a, size_t an)
{
	return gr_fp_fix(gr_fp_mix(gr_fp_mix_u64(0x51ed270b7a3c9e11ull, (uint64_t)tag), a, an));
}

uint64_t inf_fp2(int tag, const char *a, size_t an, const char *b, size_t bn)
{
	uint64_t h = gr_fp_mix(gr_fp_mix_u64(0x51ed270b7a3c9e11ull, (uint64_t)tag), a, an);
	return gr_fp_fix(gr_fp_mix(h, b, bn));
}

uint64_t inf_fp3(int tag, const char *a, size_t an, const char *b, size_t bn, const char *c,
		 size_t cn)
{
	uint64_t h = gr_fp_mix(gr_fp_mix_u64(0x51ed270b7a3c9e11ull, (uint64_t)tag), a, an);
	return gr_fp_fix(gr_fp_mix(gr_fp_mix(h, b, bn), c, cn));
}

bool inf_jstr(struct gr_infer *inf, const struct gr_jv *v, struct gr_str *out)
{
	if (v->t != GR_JT_STR)
		return false;
	if (!v->esc) {
		out->p = v->p;
		out->n = v->n;
		return true;
	}
	if (gr_buf_grow(&inf->mscratch, v->n + 1)) {
		inf_fail(inf, GR_ERR_NOMEM, "out of memory");
		return false;
	}
	/* mscratch is sized for the whole marker before any decoding (infer_marker.c),
	 * so earlier slices into it stay valid */
	char *d = inf->mscratch.data + inf->mscratch.len;
	out->n = gr_js_unescape(v->p, v->n, d);
	out->p = d;
	inf->mscratch.len += out->n;
	return true;
}

struct gr_str inf_arn_name(struct gr_str s, const char *after)
{
	size_t an = strlen(after);

	if (s.n < 4 || memcmp(s.p, "arn:", 4))
		return s;
	for (size_t i = 0; i + an <= s.n; i++) {
		if (memcmp(s.p + i, after, an))
			continue;
		struct gr_str r = { s.p + i + an, s.n - i - an };
		for (size_t j = 0; j < r.n; j++)
			if (r.p[j] == '/') {
				r.n = j;
				break;
			}
		return r;
	}
	/* arn:aws:sns:region:account:name, arn:aws:sqs:...:name */
	for (size_t i = s.n; i-- > 0;)
		if (s.p[i] == ':')
			return (struct gr_str){ s.p + i + 1, s.n - i - 1 };
	return s;
}

/* --- invocations ------------------------------------------------------------ */

uint32_t inf_node_find(const struct gr_infer *inf, const char *id, size_t n)
{
	uint32_t *v = gr_fpmap_get(&inf->node_ix, inf_fp1(T_REQ, id, n));

	return v ? *v : INF_NONE;
}

uint32_t inf_node_get(struct gr_infer *inf, const char *id, size_t n)
{
	int added;
	uint32_t *v = gr_fpmap_put(&inf->node_ix, inf_fp1(T_REQ, id, n), (uint32_t)inf->nodes.n,
				   &added);

	if (!v) {
		inf_fail(inf, GR_ERR_NOMEM, "out of memory");
		return INF_NONE;
	}
	if (!added)
		return *v;
	if (inf->nodes.n >= INF_NONE - 1) {
		inf_fail(inf, GR_ERR_LIMIT, "more than 4 billion invocations");
		return INF_NONE;
	}
	struct inf_node *nd = inf_vec_push(inf, &inf->nodes, sizeof(*nd));
	const char *copy = inf_pack_str(inf, id, n);
	if (!nd || !copy)
		return INF_NONE;
	nd->id = copy;
	nd->start_ts = nd->first_ts = nd->report_ts = nd->end_ts = nd->fault_ts = GR_TIME_UNKNOWN;
	nd->mark_ts = GR_TIME_UNKNOWN;
	nd->dur_us = nd->end_dur_us = nd->init_us = nd->billed_us = nd->mem_mb = -1;
	nd->src = nd->xsvc = INF_NONE;
	return *v;
}

static struct inf_stream *stream_get(struct gr_infer *inf, const char *name, size_t n)
{
	uint32_t *v = gr_strmap_get(&inf->stream_ix, name, n);

	if (v)
		return INF_AT(inf, streams, struct inf_stream, *v);
	const char *key = inf_pack_str(inf, name, n);
	struct inf_stream *s = key ? inf_vec_push(inf, &inf->streams, sizeof(*s)) : NULL;
	if (!s)
		return NULL;
	if (!gr_strmap_put(&inf->stream_ix, key, n, (uint32_t)(inf->streams.n - 1), NULL)) {
		inf_fail(inf, GR_ERR_NOMEM, "out of memory");
		return NULL;
	}
	s->name = key;
	s->init_ts = s->first_after = GR_TIME_UNKNOWN;
	s->init_us = -1;
	return s;
}

static const struct inf_stream *stream_find(const struct gr_infer *inf, const char *name)
{
	uint32_t *v = name ? gr_strmap_get(&inf->stream_ix, name, strlen(name)) : NULL;

	return v ? &((const struct inf_stream *)inf->streams.v)[*v] : NULL;
}

const char *inf_node_fn(const struct gr_infer *inf, const struct inf_node *n)
{
	if (n->flags & NF_FN_START)
		return n->fn;
	const struct inf_stream *s = stream_find(inf, n->stream);
	if (s && s->fn)
		return s->fn;
	return n->fn;
}

bool inf_node_xspan(const struct gr_infer *inf, const struct inf_node *n, int64_t *t0,
		    int64_t *t1, bool *fault)
{
	const struct inf_seg *segs = inf->segs.v;
	bool found = false;

	if (n->xsvc == INF_NONE)
		return false;
	uint32_t *head = gr_fpmap_get(&inf->fnseg_ix, segs[n->xsvc].key);
	for (uint32_t fi = head ? *head : INF_NONE; fi != INF_NONE; fi = segs[fi].next) {
		if (found && segs[fi].t0 < *t0)
			continue;
		found = true;
		*t0 = segs[fi].t0;
		*t1 = segs[fi].t1 >= 0 ? segs[fi].t1 : GR_TIME_UNKNOWN;
		*fault = (segs[fi].flags & XF_FAULT) != 0;
	}
	if (!found) {
		/* no function segment: the service segment's span (dwell time included) */
		const struct inf_seg *s = &segs[n->xsvc];
		*t0 = s->t0;
		*t1 = s->t1 >= 0 ? s->t1 : GR_TIME_UNKNOWN;
		*fault = (s->flags & XF_FAULT) != 0;
		found = true;
	}
	return found;
}

int64_t inf_node_first(const struct gr_infer *inf, const struct inf_node *n)
{
	int64_t t0, t1;
	bool fault;

	if (n->first_ts != GR_TIME_UNKNOWN)
		return n->first_ts;
	if (inf_node_xspan(inf, n, &t0, &t1, &fault))
		return t0;
	return n->mark_ts;
}

/* Init duration of the last attempt, 0 when warm. */
static int64_t node_init(const struct gr_infer *inf, const struct inf_node *n, bool *cold)
{
	*cold = false;
	if (n->start_ts == GR_TIME_UNKNOWN || n->report_ts >= n->start_ts) {
		/* the REPORT of the last attempt says it (Init Duration on cold starts) */
		if (n->init_us > 0 && n->report_ts != GR_TIME_UNKNOWN) {
			*cold = true;
			return n->init_us;
		}
		if (n->report_ts != GR_TIME_UNKNOWN)
			return 0;
	}
	/* no REPORT: the first START after an INIT_START of its stream was cold */
	const struct inf_stream *s = stream_find(inf, n->stream);
	if (s && s->init_ts != GR_TIME_UNKNOWN && n->start_ts != GR_TIME_UNKNOWN &&
	    s->first_after == n->start_ts) {
		*cold = true;
		return s->init_us >= 0 ? s->init_us : n->start_ts - s->init_ts;
	}
	return 0;
}

int64_t inf_node_start(const struct gr_infer *inf, const struct inf_node *n)
{
	bool cold, fault;
	int64_t t0, t1;

	if (n->start_ts != GR_TIME_UNKNOWN)
		return n->start_ts - node_init(inf, n, &cold);
	if (inf_node_xspan(inf, n, &t0, &t1, &fault))
		return t0;
	if (n->report_ts != GR_TIME_UNKNOWN && n->dur_us >= 0)
		return n->report_ts - n->dur_us;
	return n->mark_ts;
}

int64_t inf_node_end(const struct gr_infer *inf, const struct inf_node *n)
{
	int64_t t0, t1;
	bool fault;

	if (n->start_ts != GR_TIME_UNKNOWN) {
		if (n->dur_us >= 0 && n->report_ts >= n->start_ts)
			return n->start_ts + n->dur_us;
		if (n->end_dur_us >= 0 && n->end_ts >= n->start_ts)
			return n->start_ts + n->end_dur_us;
		if (n->end_ts >= n->start_ts)
			return n->end_ts;
		if (n->report_ts >= n->start_ts)
			return n->report_ts;
	}
	if (inf_node_xspan(inf, n, &t0, &t1, &fault) && t1 != GR_TIME_UNKNOWN)
		return t1;
	if (n->report_ts != GR_TIME_UNKNOWN)
		return n->report_ts;
	return n->end_ts;
}

/* Fill a graph node (for the canonical writer) from an invocation. */
void inf_node_out(const struct gr_infer *inf, const struct inf_node *n, struct gr_node *g)
{
	bool cold;
	int64_t init = n->start_ts != GR_TIME_UNKNOWN ? node_init(inf, n, &cold) : 0;

	memset(g, 0, sizeof(*g));
	if (n->start_ts == GR_TIME_UNKNOWN)
		cold = (n->flags & NF_COLD) != 0;
	if (n->start_ts == GR_TIME_UNKNOWN && cold && n->init_us > 0)
		init = n->init_us;
	g->id = n->id;
	g->fn = inf_node_fn(inf, n);
	g->trace = n->trace;
	g->stream = n->stream;
	g->start_us = inf_node_start(inf, n);
	g->end_us = inf_node_end(inf, n);
	g->init_us = init;
	g->cold = cold;
	g->mem_mb = n->mem_mb;
	g->billed_us = n->billed_us;
	g->attempts = n->attempts;
	/* the status of the last attempt: records from its START on */
	enum gr_status st = GR_STATUS_NONE;
	int64_t from = n->start_ts;
	if (n->report_status && (from == GR_TIME_UNKNOWN || n->report_ts >= from))
		st = (enum gr_status)n->report_status;
	if (n->end_status && (from == GR_TIME_UNKNOWN || n->end_ts >= from) &&
	    n->end_status > st)
		st = (enum gr_status)n->end_status;
	if (n->fault_status && (from == GR_TIME_UNKNOWN || n->fault_ts >= from) &&
	    n->fault_status > st)
		st = (enum gr_status)n->fault_status;
	if (st == GR_STATUS_NONE) {
		if (n->flags & NF_XFAULT)
			st = GR_STATUS_ERROR;
		else if (n->report_ts != GR_TIME_UNKNOWN || n->end_ts != GR_TIME_UNKNOWN ||
			 n->xsvc != INF_NONE)
			st = GR_STATUS_OK;
	}
	g->status = st;
	g->in = g->out = GR_NONE;
}

/* --- causes, aliases, triggers ---------------------------------------------- */

uint32_t inf_cause_add(struct gr_infer *inf, uint32_t node, int64_t ts, int kind, int op,
		       const char *text, size_t tn)
{
	struct inf_cause *c = inf_vec_push(inf, &inf->causes, sizeof(*c));

	if (!c)
		return INF_NONE;
	c->ts = ts;
	c->node = node;
	c->kind = (uint8_t)kind;
	c->op = (uint8_t)op;
	c->text = text ? inf_pack_str(inf, text, tn) : NULL;
	return (uint32_t)(inf->causes.n - 1);
}

void inf_alias_add(struct gr_infer *inf, uint64_t key, uint32_t cause)
{
	int added;
	uint32_t ix = (uint32_t)inf->aliases.n;
	struct inf_alias *a = inf_vec_push(inf, &inf->aliases, sizeof(*a));
	uint32_t *head = a ? gr_fpmap_put(&inf->alias_ix, key, ix, &added) : NULL;

	if (!head) {
		inf_fail(inf, GR_ERR_NOMEM, "out of memory");
		return;
	}
	a->key = key;
	a->cause = cause;
	a->next = added ? INF_NONE : *head;
	*head = ix;
}

uint32_t inf_alias_first(const struct gr_infer *inf, uint64_t key)
{
	uint32_t *v = gr_fpmap_get(&inf->alias_ix, key);

	return v ? *v : INF_NONE;
}

struct inf_src *inf_src_add(struct gr_infer *inf, uint32_t node, int kind, int rule,
			    uint64_t key, const char *text, size_t tn)
{
	uint32_t ix = (uint32_t)inf->srcs.n;
	struct inf_src *s = inf_vec_push(inf, &inf->srcs, sizeof(*s));

	if (!s)
		return NULL;
	s->key = key;
	s->text = text ? inf_pack_str(inf, text, tn) : NULL;
	s->node = node;
	s->cause = INF_NONE;
	s->s3 = INF_NONE;
	s->kind = (uint8_t)kind;
	s->rule = (uint8_t)rule;
	/* keep the invocation's list in reading order: append at the end */
	struct inf_node *n = INF_NODE(inf, node);
	s->next = INF_NONE;
	if (n->src == INF_NONE) {
		n->src = ix;
	} else {
		uint32_t j = n->src;
		while (INF_SRC(inf, j)->next != INF_NONE)
			j = INF_SRC(inf, j)->next;
		INF_SRC(inf, j)->next = ix;
	}
	return s;
}

/* --- records ----------------------------------------------------------------- */

/* Was this record read before? (Marks it read.) */
static bool seen(struct gr_infer *inf, uint64_t fp)
{
	int added;

	if (inf->seen_old.count && gr_fpmap_get(&inf->seen_old, fp))
		return true;
	if (!gr_fpmap_put(&inf->seen, fp, 0, &added)) {
		inf_fail(inf, GR_ERR_NOMEM, "out of memory");
		return false;
	}
	return !added;
}

static uint64_t record_fp(const struct gr_event *ev, int64_t ts, const char *extra, size_t en)
{
	char t[24];
	int tn = snprintf(t, sizeof(t), "%lld", (long long)ts);

	return inf_fp3(T_SEEN, ev->type_name.p, ev->type_name.n, ev->req.p, ev->req.n, t,
		       (size_t)tn) ^ (en ? inf_fp1(T_SEEN, extra, en) : 0);
}

/*
 * Is this platform record a copy of one read before? A copy of the latest record of
 * its kind has the same time. Only invocations that ran more than once (retries)
 * remember every record, so copies of earlier attempts' records are recognised
 * too without a fingerprint per record of every invocation.
 */
static bool platform_dup(struct gr_infer *inf, const struct inf_node *n, int64_t latest)
{
	const struct gr_event *ev = &inf->ev;

	if (ev->ts != GR_TIME_UNKNOWN && ev->ts == latest)
		return true;
	if (n->attempts > 1)
		return seen(inf, record_fp(ev, ev->ts, NULL, 0));
	return false;
}

/* The node a log record names; counts the loss when it names none. */
static uint32_t record_node(struct gr_infer *inf)
{
	const struct gr_event *ev = &inf->ev;

	if (!ev->req.n) {
		inf_lost(inf, GR_LOST_NO_REQUEST, "%.*s record without a request id",
			 (int)ev->type_name.n, ev->type_name.p);
		return INF_NONE;
	}
	if (!gr_is_request_id(ev->req.p, ev->req.n)) {
		inf_lost(inf, GR_LOST_BAD_RECORD, "%.*s record with an invalid request id",
			 (int)ev->type_name.n, ev->type_name.p);
		return INF_NONE;
	}
	uint32_t n = inf_node_find(inf, ev->req.p, ev->req.n);
	if ((n != INF_NONE && (INF_NODE(inf, n)->flags & NF_RELEASED)) ||
	    (n == INF_NONE && inf->o.window_us &&
	     inf_was_released(inf, inf_fp1(T_REQ, ev->req.p, ev->req.n)))) {
		/* --window: its invocation was written already */
		inf->st.io.reason[GR_SKIP_LATE]++;
		inf->st.late++;
		return INF_NONE;
	}
	if (n == INF_NONE)
		n = inf_node_get(inf, ev->req.p, ev->req.n);
	if (n != INF_NONE)
		INF_NODE(inf, n)->flags |= NF_RUN;
	return n;
}

static void set_trace(struct gr_infer *inf, struct inf_node *n, struct gr_str t)
{
	if (t.n && !n->trace)
		n->trace = inf_pack_str(inf, t.p, t.n);
}

static int32_t clamp32(int64_t v)
{
	return v < 0 ? -1 : v > INT32_MAX ? INT32_MAX : (int32_t)v;
}

static uint8_t worse(uint8_t a, uint8_t b)
{
	return a > b ? a : b;
}

/* Returns true when the record was used (else it was counted under a reason). */
static bool on_start(struct gr_infer *inf)
{
	const struct gr_event *ev = &inf->ev;
	uint32_t ni = record_node(inf);

	if (ni == INF_NONE)
		return false;
	struct inf_node *n = INF_NODE(inf, ni);
	if (ev->ts != GR_TIME_UNKNOWN && (ev->ts == n->start_ts || ev->ts == n->first_ts)) {
		inf->st.io.reason[GR_SKIP_DUPLICATE]++;
		return false;
	}
	if (n->attempts >= 1) {
		/* another attempt (a retry keeps the request id): from now on every
		 * START of this invocation is remembered */
		if (n->attempts == 1) {
			seen(inf, record_fp(ev, n->start_ts, NULL, 0));
			if (n->first_ts != n->start_ts)
				seen(inf, record_fp(ev, n->first_ts, NULL, 0));
		}
		if (seen(inf, record_fp(ev, ev->ts, NULL, 0))) {
			inf->st.io.reason[GR_SKIP_DUPLICATE]++;
			return false;
		}
		n = INF_NODE(inf, ni);
	}
	if (n->attempts < UINT16_MAX)
		n->attempts++;
	if (n->start_ts == GR_TIME_UNKNOWN || ev->ts > n->start_ts) {
		n->start_ts = ev->ts;
		if (ev->stream.n) {
			struct inf_stream *st = stream_get(inf, ev->stream.p, ev->stream.n);
			n = INF_NODE(inf, ni);
			n->stream = st ? st->name : NULL;
			/* the first START after an INIT_START of the stream was cold */
			if (st && st->init_ts != GR_TIME_UNKNOWN && ev->ts >= st->init_ts &&
			    (st->first_after == GR_TIME_UNKNOWN || ev->ts < st->first_after))
				st->first_after = ev->ts;
		}
		if (ev->fn.n) {
			n->fn = inf_intern(inf, ev->fn.p, ev->fn.n);
			n->flags |= NF_FN_START;
		}
	}
	if (n->first_ts == GR_TIME_UNKNOWN || ev->ts < n->first_ts)
		n->first_ts = ev->ts;
	if (!(n->flags & NF_FN_START) && ev->fn.n) {
		n->fn = inf_intern(inf, ev->fn.p, ev->fn.n);
		n->flags |= NF_FN_START;
	}
	set_trace(inf, n, ev->trace);
	return true;
}

static bool on_end(struct gr_infer *inf)
{
	const struct gr_event *ev = &inf->ev;
	uint32_t ni = record_node(inf);

	if (ni == INF_NONE)
		return false;
	struct inf_node *n = INF_NODE(inf, ni);
	if (platform_dup(inf, n, n->end_ts)) {
		inf->st.io.reason[GR_SKIP_DUPLICATE]++;
		return false;
	}
	n = INF_NODE(inf, ni);
	if (n->end_ts == GR_TIME_UNKNOWN || ev->ts >= n->end_ts) {
		n->end_ts = ev->ts;
		n->end_status = (uint8_t)ev->status;
		n->end_dur_us = clamp32(ev->dur_us);
	}
	return true;
}

static bool on_report(struct gr_infer *inf)
{
	const struct gr_event *ev = &inf->ev;
	uint32_t ni = record_node(inf);

	if (ni == INF_NONE)
		return false;
	struct inf_node *n = INF_NODE(inf, ni);
	if (platform_dup(inf, n, n->report_ts)) {
		inf->st.io.reason[GR_SKIP_DUPLICATE]++;
		return false;
	}
	n = INF_NODE(inf, ni);
	if (n->report_ts == GR_TIME_UNKNOWN || ev->ts >= n->report_ts) {
		n->report_ts = ev->ts;
		n->dur_us = clamp32(ev->dur_us);
		n->init_us = clamp32(ev->init_us);
		n->billed_us = clamp32(ev->billed_us);
		n->mem_mb = clamp32(ev->mem_mb);
		n->report_status = (uint8_t)ev->status;
		if (ev->init_us > 0)
			n->flags |= NF_COLD;
		else
			n->flags &= (uint8_t)~NF_COLD;
		if (ev->trace.n && ev->segment.n)
			n->report_seg = inf_fp2(T_SEG, ev->trace.p, ev->trace.n, ev->segment.p,
						ev->segment.n);
	}
	set_trace(inf, n, ev->trace);
	return true;
}

static bool on_fault(struct gr_infer *inf)
{
	const struct gr_event *ev = &inf->ev;
	uint32_t ni = record_node(inf);

	if (ni == INF_NONE)
		return false;
	struct inf_node *n = INF_NODE(inf, ni);
	if (platform_dup(inf, n, n->fault_ts)) {
		inf->st.io.reason[GR_SKIP_DUPLICATE]++;
		return false;
	}
	n = INF_NODE(inf, ni);
	uint8_t st = ev->status ? (uint8_t)ev->status : (uint8_t)GR_STATUS_ERROR;
	if (n->fault_ts == GR_TIME_UNKNOWN || ev->ts > n->fault_ts) {
		n->fault_ts = ev->ts;
		n->fault_status = st;
	} else if (ev->ts == n->fault_ts) {
		n->fault_status = worse(n->fault_status, st);
	}
	return true;
}

static bool on_init_start(struct gr_infer *inf)
{
	const struct gr_event *ev = &inf->ev;

	if (!ev->stream.n) {
		inf->st.io.reason[GR_SKIP_UNUSED]++;
		return false;
	}
	struct inf_stream *s = stream_get(inf, ev->stream.p, ev->stream.n);
	if (!s)
		return false;
	if (ev->ts != GR_TIME_UNKNOWN && (s->init_ts == GR_TIME_UNKNOWN || ev->ts > s->init_ts))
		s->init_ts = ev->ts;
	if (!s->fn && ev->fn.n)
		s->fn = inf_intern(inf, ev->fn.p, ev->fn.n);
	return true;
}

static bool on_init_report(struct gr_infer *inf)
{
	const struct gr_event *ev = &inf->ev;

	if (!ev->stream.n || ev->init_us < 0) {
		inf->st.io.reason[GR_SKIP_UNUSED]++;
		return false;
	}
	struct inf_stream *s = stream_get(inf, ev->stream.p, ev->stream.n);
	if (!s)
		return false;
	s->init_us = clamp32(ev->init_us);
	return true;
}

static bool on_stream(struct gr_infer *inf)
{
	const struct gr_event *ev = &inf->ev;

	if (!ev->stream.n || !ev->fn.n) {
		inf->st.io.reason[GR_SKIP_UNUSED]++;
		return false;
	}
	struct inf_stream *s = stream_get(inf, ev->stream.p, ev->stream.n);
	if (!s)
		return false;
	/* the stream record states the function with the most authority (log group) */
	s->fn = inf_intern(inf, ev->fn.p, ev->fn.n);
	return true;
}

static bool on_marker(struct gr_infer *inf)
{
	const struct gr_event *ev = &inf->ev;

	if (!ev->m.n) {
		inf_lost(inf, GR_LOST_BAD_MARKER, "marker record without its object \"m\"");
		return false;
	}
	uint32_t ni = record_node(inf);
	if (ni == INF_NONE)
		return false;
	if (seen(inf, record_fp(ev, ev->ts, ev->m.p, ev->m.n))) {
		inf->st.io.reason[GR_SKIP_DUPLICATE]++;
		return false;
	}
	struct inf_node *n = INF_NODE(inf, ni);
	if (ev->ts != GR_TIME_UNKNOWN && (n->mark_ts == GR_TIME_UNKNOWN || ev->ts < n->mark_ts))
		n->mark_ts = ev->ts;
	return inf_marker(inf, ni, ev->ts, &ev->m);
}

static int on_header(struct gr_infer *inf)
{
	const struct gr_event *ev = &inf->ev;

	inf->st.io.reason[GR_SKIP_STREAM_HEADER]++;
	inf->header_seen = true;
	if (ev->v != GR_EVENTS_VERSION) {
		gr_error_set(inf->err, GR_ERR_FORMAT,
			     "event stream version %lld, this program reads version %d",
			     (long long)ev->v, GR_EVENTS_VERSION);
		gr_error_at(inf->err, inf->file, inf->line);
		inf->fatal = GR_ERR_FORMAT;
		return GR_ERR_FORMAT;
	}
	return 0;
}

static bool is_lit(struct gr_str s, const char *lit)
{
	return s.n == strlen(lit) && !memcmp(s.p, lit, s.n);
}

/* One line of input. */
static void record(struct gr_infer *inf, const char *line, size_t n)
{
	struct gr_event *ev = &inf->ev;
	struct gr_error e = { 0 };
	bool used = false;

	inf->st.io.records_in++;
	int rc = gr_ev_parse(line, n, ev, &inf->scratch, inf->o.max_depth, &e);
	if (rc == GR_ERR_NOMEM) {
		inf_fail(inf, rc, "out of memory");
		return;
	}
	if (rc) {
		inf_lost(inf, rc == GR_ERR_JSON ? GR_LOST_JSON : GR_LOST_BAD_RECORD, "%s", e.msg);
		return;
	}
	if (ev->ts != GR_TIME_UNKNOWN && ev->ts > inf->newest)
		inf->newest = ev->ts;
	switch (ev->type) {
	case GR_EV_HEADER:
		on_header(inf);
		return;
	case GR_EV_START: used = on_start(inf); break;
	case GR_EV_END: used = on_end(inf); break;
	case GR_EV_REPORT: used = on_report(inf); break;
	case GR_EV_FAULT: used = on_fault(inf); break;
	case GR_EV_INIT_START: used = on_init_start(inf); break;
	case GR_EV_INIT_REPORT: used = on_init_report(inf); break;
	case GR_EV_STREAM: used = on_stream(inf); break;
	case GR_EV_MARKER: used = on_marker(inf); break;
	case GR_EV_SEGMENT:
		if (ev->start_us != GR_TIME_UNKNOWN && ev->start_us > inf->newest)
			inf->newest = ev->start_us;
		used = inf_segment(inf);
		break;
	case GR_EV_LOG:
		inf->st.io.reason[GR_SKIP_UNUSED]++;
		break;
	case GR_EV_OTHER:
		if (is_lit(ev->type_name, "gammaray-graph") || is_lit(ev->type_name, "gammaray-truth")) {
			inf->st.io.reason[GR_SKIP_STREAM_HEADER]++;
			gr_error_set(inf->err, GR_ERR_FORMAT,
				     "this is a %s, not an event stream (gammaray-fetch writes those)",
				     ev->type_name.n == 14 && ev->type_name.p[9] == 'g' ?
				     "graph stream" : "truth file");
			gr_error_at(inf->err, inf->file, inf->line);
			inf->fatal = GR_ERR_FORMAT;
			return;
		}
		inf->st.io.reason[GR_SKIP_UNKNOWN_TYPE]++;
		break;
	}
	if (used)
		inf->st.io.records_out++;
}

/* --- the run ----------------------------------------------------------------- */

int gr_infer_new(struct gr_infer **out, const struct gr_infer_opts *o, struct gr_error *err)
{
	struct gr_infer *inf;

	*out = NULL;
	if (!o->write)
		return gr_error_set(err, GR_ERR_USAGE, "no output");
	if (o->tolerance_us < 0 || o->link_window_us < 0 || o->window_us < 0)
		return gr_error_set(err, GR_ERR_USAGE, "negative duration");
	inf = calloc(1, sizeof(*inf));
	if (!inf)
		return gr_error_set(err, GR_ERR_NOMEM, "out of memory");
	inf->o = *o;
	if (!inf->o.max_line)
		inf->o.max_line = GR_DEFAULT_MAX_LINE;
	if (!inf->o.max_depth)
		inf->o.max_depth = GR_DEFAULT_MAX_DEPTH;
	inf->newest = INT64_MIN;
	inf->next_release = INT64_MIN;
	inf->rotated = INT64_MIN;
	inf->compact_at = 65536;
	gr_jw_init(&inf->w, &inf->out);
	*out = inf;
	return 0;
}

static int read_reader(struct gr_infer *inf, struct gr_reader *r, struct gr_error *err)
{
	const char *line;
	size_t n;
	int rc;

	inf->err = err;
	inf->file = r->name;
	inf->header_seen = false;
	gr_reader_limits(r, inf->o.max_line, 0, 0);
	while (!inf->fatal && (rc = gr_reader_line(r, &line, &n)) != 0) {
		inf->line = r->lineno;
		if (rc == GR_ERR_LIMIT) {
			inf->st.io.records_in++;
			inf_lost(inf, GR_LOST_LINE_LIMIT, "line longer than %zu bytes",
				 inf->o.max_line);
			continue;
		}
		if (rc < 0) {
			inf->st.io.reason[rc == GR_ERR_COMPRESS ? GR_LOST_COMPRESS : GR_LOST_UNREADABLE]++;
			*err = r->errinfo;
			inf->fatal = rc;
			break;
		}
		while (n && (line[n - 1] == '\r' || line[n - 1] == ' ' || line[n - 1] == '\t'))
			n--;
		if (!n)
			continue;
		record(inf, line, n);
		if (inf->o.window_us && !inf->fatal && inf->newest != INT64_MIN &&
		    inf->newest >= inf->next_release)
			inf_window_step(inf);
	}
	inf->st.io.bytes_in += r->bytes_in;
	inf->st.io.bytes += gr_reader_offset(r);
	return inf->fatal;
}

int gr_infer_read(struct gr_infer *inf, const char *path, struct gr_error *err)
{
	struct gr_reader r;
	int rc;

	if (inf->fatal)
		return inf->fatal;
	inf->st.io.files++;
	if ((rc = gr_reader_open(&r, path, err))) {
		inf->st.io.reason[GR_LOST_UNREADABLE]++;
		return rc;
	}
	rc = read_reader(inf, &r, err);
	gr_reader_release(&r);
	return rc;
}

int gr_infer_read_mem(struct gr_infer *inf, const char *name, const void *data, size_t n,
		      struct gr_error *err)
{
	struct gr_reader r;

	if (inf->fatal)
		return inf->fatal;
	inf->st.io.files++;
	gr_reader_open_mem(&r, name, data, n);
	int rc = read_reader(inf, &r, err);
	gr_reader_release(&r);
	return rc;
}

/* Streams: the first START at or after each INIT_START (cold starts), whatever the
 * order the records came in. */
static void streams_finalize(struct gr_infer *inf)
{
	for (size_t i = 0; i < inf->streams.n; i++)
		INF_AT(inf, streams, struct inf_stream, i)->first_after = GR_TIME_UNKNOWN;
	for (size_t i = 0; i < inf->nodes.n; i++) {
		struct inf_node *n = INF_NODE(inf, i);
		if (!n->stream || n->start_ts == GR_TIME_UNKNOWN)
			continue;
		uint32_t *v = gr_strmap_get(&inf->stream_ix, n->stream, strlen(n->stream));
		if (!v)
			continue;
		struct inf_stream *s = INF_AT(inf, streams, struct inf_stream, *v);
		if (s->init_ts == GR_TIME_UNKNOWN || n->start_ts < s->init_ts)
			continue;
		if (s->first_after == GR_TIME_UNKNOWN || n->start_ts < s->first_after)
			s->first_after = n->start_ts;
	}
}

int gr_infer_finish(struct gr_infer *inf, struct gr_error *err)
{
	inf->err = err;
	inf->file = NULL;
	inf->line = 0;
	if (inf->fatal)
		return inf->fatal;
	if (inf->o.window_us) {
		inf_window_finish(inf);
	} else {
		streams_finalize(inf);
		inf_release(inf, NULL, 0, true);
	}
	if (!inf->fatal)
		inf_find_loops(inf);
	inf->st.loops = (const char *const *)inf->loops.v;
	inf->st.nloops = inf->loops.n;
	return inf->fatal;
}

const struct gr_infer_stats *gr_infer_get_stats(const struct gr_infer *inf)
{
	return &inf->st;
}

void gr_infer_free(struct gr_infer *inf)
{
	if (!inf)
		return;
	for (size_t i = 0; i < inf->loops.n; i++)
		free(*INF_AT(inf, loops, char *, i));
	struct inf_vec *vecs[] = { &inf->nodes, &inf->causes, &inf->aliases, &inf->srcs, &inf->s3x,
				   &inf->segs, &inf->links, &inf->edges, &inf->unms,
				   &inf->streams, &inf->loops, &inf->namev, &inf->fedges };
	for (size_t i = 0; i < sizeof(vecs) / sizeof(vecs[0]); i++)
		free(vecs[i]->v);
	struct gr_fpmap *maps[] = { &inf->node_ix, &inf->alias_ix, &inf->seg_ix, &inf->fnseg_ix,
				    &inf->child_ix, &inf->seen, &inf->seen_old, &inf->fedge_ix,
				    &inf->released, &inf->released_old, &inf->taken,
				    &inf->taken_old };
	for (size_t i = 0; i < sizeof(maps) / sizeof(maps[0]); i++)
		gr_fpmap_release(maps[i]);
	gr_strmap_release(&inf->names);
	gr_strmap_release(&inf->stream_ix);
	gr_arena_release(&inf->arena);
	gr_arena_release(&inf->fnarena);
	gr_buf_release(&inf->scratch);
	gr_buf_release(&inf->tmp);
	gr_buf_release(&inf->mscratch);
	gr_buf_release(&inf->out);
	free(inf);
}
