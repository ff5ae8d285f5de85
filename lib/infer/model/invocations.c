/* invocations.c: gammaray-infer's model: the invocation table, causes, aliases, triggers, segments, unmatched evidence. */
#include "infer/model/model.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PACK_BLOCK (64u << 10)

/* gammaray.h counts edge kinds for its callers; the graph model names them. */
_Static_assert(GR_INFER_KINDS == GR_KIND_COUNT, "GR_INFER_KINDS must equal GR_KIND_COUNT");

/* --- names ---------------------------------------------------------- */

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

/* --- plumbing ---------------------------------------------------------------- */

void gr_inf_fail(struct gr_infer *inf, int code, const char *what)
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

void gr_inf_lost(struct gr_infer *inf, enum gr_reason r, const char *fmt, ...)
{
	va_list ap;

	inf->st.io.reason[r]++;
	va_start(ap, fmt);
	report(inf, 1, fmt, ap);
	va_end(ap);
}

void gr_inf_notice(struct gr_infer *inf, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(inf, 0, fmt, ap);
	va_end(ap);
}

void *gr_inf_vec_push(struct gr_infer *inf, struct gr_inf_vec *v, size_t elem)
{
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 256;
		void *p = realloc(v->v, cap * elem);
		if (!p) {
			gr_inf_fail(inf, GR_ERR_NOMEM, "out of memory");
			return NULL;
		}
		v->v = p;
		v->cap = cap;
	}
	void *e = (char *)v->v + v->n++ * elem;
	memset(e, 0, elem);
	return e;
}

const char *gr_inf_pack_str(struct gr_infer *inf, const char *s, size_t n)
{
	if (n + 1 > inf->pack.left) {
		if (n + 1 > PACK_BLOCK / 8) {
			char *big = gr_arena_strdup(&inf->arena, s, n);
			if (!big)
				gr_inf_fail(inf, GR_ERR_NOMEM, "out of memory");
			return big;
		}
		inf->pack.p = gr_arena_alloc(&inf->arena, PACK_BLOCK);
		if (!inf->pack.p) {
			inf->pack.left = 0;
			gr_inf_fail(inf, GR_ERR_NOMEM, "out of memory");
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

const char *gr_inf_intern(struct gr_infer *inf, const char *s, size_t n)
{
	uint32_t *v = gr_strmap_get(&inf->names, s, n);

	if (v)
		return *INF_AT(inf, namev, const char *, *v);
	const char *copy = gr_arena_strdup(&inf->fnarena, s, n);
	const char **slot = gr_inf_vec_push(inf, &inf->namev, sizeof(*slot));
	if (!copy || !slot ||
	    !gr_strmap_put(&inf->names, copy, n, (uint32_t)(inf->namev.n - 1), NULL)) {
		gr_inf_fail(inf, GR_ERR_NOMEM, "out of memory");
		return NULL;
	}
	*slot = copy;
	return copy;
}

uint64_t gr_inf_fp1(int tag, const char *a, size_t an)
{
	return gr_fp_fix(gr_fp_mix(gr_fp_mix_u64(0x51ed270b7a3c9e11ull, (uint64_t)tag), a, an));
}

uint64_t gr_inf_fp2(int tag, const char *a, size_t an, const char *b, size_t bn)
{
	uint64_t h = gr_fp_mix(gr_fp_mix_u64(0x51ed270b7a3c9e11ull, (uint64_t)tag), a, an);
	return gr_fp_fix(gr_fp_mix(h, b, bn));
}

uint64_t gr_inf_fp3(int tag, const char *a, size_t an, const char *b, size_t bn, const char *c,
		 size_t cn)
{
	uint64_t h = gr_fp_mix(gr_fp_mix_u64(0x51ed270b7a3c9e11ull, (uint64_t)tag), a, an);
	return gr_fp_fix(gr_fp_mix(gr_fp_mix(h, b, bn), c, cn));
}

bool gr_inf_jstr(struct gr_infer *inf, const struct gr_jv *v, struct gr_str *out)
{
	if (v->t != GR_JT_STR)
		return false;
	if (!v->esc) {
		out->p = v->p;
		out->n = v->n;
		return true;
	}
	if (gr_buf_grow(&inf->mscratch, v->n + 1)) {
		gr_inf_fail(inf, GR_ERR_NOMEM, "out of memory");
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

struct gr_str gr_inf_arn_name(struct gr_str s, const char *after)
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

uint32_t gr_inf_node_find(const struct gr_infer *inf, const char *id, size_t n)
{
	uint32_t *v = gr_fpmap_get(&inf->node_ix, gr_inf_fp1(T_REQ, id, n));

	return v ? *v : INF_NONE;
}

uint32_t gr_inf_node_get(struct gr_infer *inf, const char *id, size_t n)
{
	int added;
	uint32_t *v = gr_fpmap_put(&inf->node_ix, gr_inf_fp1(T_REQ, id, n), (uint32_t)inf->nodes.n,
				   &added);

	if (!v) {
		gr_inf_fail(inf, GR_ERR_NOMEM, "out of memory");
		return INF_NONE;
	}
	if (!added)
		return *v;
	if (inf->nodes.n >= INF_NONE - 1) {
		gr_inf_fail(inf, GR_ERR_LIMIT, "more than 4 billion invocations");
		return INF_NONE;
	}
	struct gr_inf_node *nd = gr_inf_vec_push(inf, &inf->nodes, sizeof(*nd));
	const char *copy = gr_inf_pack_str(inf, id, n);
	if (!nd || !copy)
		return INF_NONE;
	nd->id = copy;
	nd->start_ts = nd->first_ts = nd->report_ts = nd->end_ts = nd->fault_ts = GR_TIME_UNKNOWN;
	nd->mark_ts = GR_TIME_UNKNOWN;
	nd->dur_us = nd->end_dur_us = nd->init_us = nd->restore_us = nd->billed_us = nd->mem_mb = -1;
	nd->billed_restore_us = -1;
	nd->src = nd->xsvc = INF_NONE;
	return *v;
}

struct gr_inf_stream *gr_inf_stream_get(struct gr_infer *inf, const char *name, size_t n)
{
	uint32_t *v = gr_strmap_get(&inf->stream_ix, name, n);

	if (v)
		return INF_AT(inf, streams, struct gr_inf_stream, *v);
	const char *key = gr_inf_pack_str(inf, name, n);
	struct gr_inf_stream *s = key ? gr_inf_vec_push(inf, &inf->streams, sizeof(*s)) : NULL;
	if (!s)
		return NULL;
	if (!gr_strmap_put(&inf->stream_ix, key, n, (uint32_t)(inf->streams.n - 1), NULL)) {
		gr_inf_fail(inf, GR_ERR_NOMEM, "out of memory");
		return NULL;
	}
	s->name = key;
	s->init_ts = s->restore_ts = s->fail_ts = s->first_after = GR_TIME_UNKNOWN;
	s->init_us = s->invoke_init_us = s->restore_us = -1;
	return s;
}

int64_t gr_inf_stream_boot(const struct gr_inf_stream *s)
{
	int64_t t = s->init_ts;

	if (s->restore_ts != GR_TIME_UNKNOWN && (t == GR_TIME_UNKNOWN || s->restore_ts > t))
		t = s->restore_ts;
	if (s->fail_ts != GR_TIME_UNKNOWN && (t == GR_TIME_UNKNOWN || s->fail_ts > t))
		t = s->fail_ts;
	return t;
}

static const struct gr_inf_stream *stream_find(const struct gr_infer *inf, const char *name)
{
	uint32_t *v = name ? gr_strmap_get(&inf->stream_ix, name, strlen(name)) : NULL;

	return v ? &((const struct gr_inf_stream *)inf->streams.v)[*v] : NULL;
}

const char *gr_inf_node_fn(const struct gr_infer *inf, const struct gr_inf_node *n)
{
	if (n->flags & NF_FN_START)
		return n->fn;
	const struct gr_inf_stream *s = stream_find(inf, n->stream);
	if (s && s->fn)
		return s->fn;
	return n->fn;
}

bool gr_inf_node_xspan(const struct gr_infer *inf, const struct gr_inf_node *n, int64_t *t0,
		    int64_t *t1, bool *fault)
{
	const struct gr_inf_seg *segs = inf->segs.v;
	bool found = false;

	if (n->xsvc == INF_NONE)
		return false;
	uint32_t *head = gr_fpmap_get(&inf->fnseg_ix, segs[n->xsvc].key);
	for (uint32_t fi = head ? *head : INF_NONE; fi != INF_NONE; fi = segs[fi].next) {
		if (segs[fi].role != XR_FN || (found && segs[fi].t0 < *t0))
			continue;
		found = true;
		*t0 = segs[fi].t0;
		*t1 = segs[fi].t1 >= 0 ? segs[fi].t1 : GR_TIME_UNKNOWN;
		*fault = (segs[fi].flags & XF_FAULT) != 0;
	}
	if (!found) {
		/* no function segment: the service segment's span (dwell time included) */
		const struct gr_inf_seg *s = &segs[n->xsvc];
		*t0 = s->t0;
		*t1 = s->t1 >= 0 ? s->t1 : GR_TIME_UNKNOWN;
		*fault = (s->flags & XF_FAULT) != 0;
		found = true;
	}
	return found;
}

int64_t gr_inf_node_first(const struct gr_infer *inf, const struct gr_inf_node *n)
{
	int64_t t0, t1;
	bool fault;

	if (n->first_ts != GR_TIME_UNKNOWN)
		return n->first_ts;
	if (gr_inf_node_xspan(inf, n, &t0, &t1, &fault))
		return t0;
	return n->mark_ts;
}

/* How the last attempt's execution environment started. */
struct boot {
	int64_t init;       /* init duration, 0 */
	int64_t restore;    /* SnapStart restore duration, 0 */
	int64_t in_dur;     /* init that REPORT's Duration counts (suppressed init), 0 */
	enum gr_start start;/* warm, cold, restore, failed-init */
};

/* Did the stream's latest boot fail its init (or run it in the invoke phase)? */
static bool boot_failed(const struct gr_inf_stream *s)
{
	return s->fail_ts != GR_TIME_UNKNOWN &&
	       (s->init_ts == GR_TIME_UNKNOWN || s->fail_ts >= s->init_ts) &&
	       (s->restore_ts == GR_TIME_UNKNOWN || s->fail_ts >= s->restore_ts);
}

static void node_boot(const struct gr_infer *inf, const struct gr_inf_node *n, struct boot *b)
{
	const struct gr_inf_stream *s = stream_find(inf, n->stream);
	int64_t boot = s ? gr_inf_stream_boot(s) : GR_TIME_UNKNOWN;
	/* the first START after its stream's boot */
	bool first = boot != GR_TIME_UNKNOWN && n->start_ts != GR_TIME_UNKNOWN &&
		     s->first_after == n->start_ts;
	bool failed = first && boot_failed(s);

	memset(b, 0, sizeof(*b));
	b->start = GR_START_WARM;
	if (n->flags & NF_FAILED_INIT) {
		/* untimed: its START came next after a failed INIT_REPORT */
		b->start = GR_START_FAILED_INIT;
		if (n->init_us > 0)
			b->init = n->init_us;
		else if (s && s->invoke_init_us > 0)
			b->init = b->in_dur = s->invoke_init_us;
		return;
	}
	if (n->start_ts == GR_TIME_UNKNOWN || n->report_ts >= n->start_ts) {
		/* the REPORT of the last attempt says it (Init Duration on cold starts,
		 * Restore Duration on SnapStart restores) */
		if (n->init_us > 0 && n->report_ts != GR_TIME_UNKNOWN) {
			b->start = GR_START_COLD;
			b->init = n->init_us;
		}
		if (n->restore_us > 0 && (n->flags & NF_RESTORE) && n->report_ts != GR_TIME_UNKNOWN) {
			b->start = GR_START_RESTORE;
			b->restore = n->restore_us;
		}
		if (n->report_ts != GR_TIME_UNKNOWN) {
			/* a failed init is retried in the invoke phase: the REPORT then
			 * has no Init Duration, its Duration counts the init */
			if (failed) {
				b->start = GR_START_FAILED_INIT;
				if (!b->init && s->invoke_init_us > 0)
					b->init = b->in_dur = s->invoke_init_us;
			}
			return;
		}
	}
	/* no REPORT: the first START after the boot of its stream was not warm */
	if (!first)
		return;
	if (boot_failed(s)) {
		b->start = GR_START_FAILED_INIT;
		if (s->invoke_init_us >= 0)
			b->init = s->invoke_init_us;
		else
			b->init = s->init_us >= 0 ? s->init_us : n->start_ts - boot;
	} else if (boot == s->restore_ts) {
		b->start = GR_START_RESTORE;
		b->restore = s->restore_us >= 0 ? s->restore_us : n->start_ts - boot;
	} else {
		b->start = GR_START_COLD;
		b->init = s->init_us >= 0 ? s->init_us : n->start_ts - boot;
	}
}

int64_t gr_inf_node_start(const struct gr_infer *inf, const struct gr_inf_node *n)
{
	struct boot b;
	bool fault;
	int64_t t0, t1;

	if (n->start_ts != GR_TIME_UNKNOWN) {
		node_boot(inf, n, &b);
		return n->start_ts - b.init - b.restore;
	}
	if (gr_inf_node_xspan(inf, n, &t0, &t1, &fault))
		return t0;
	if (n->report_ts != GR_TIME_UNKNOWN && n->dur_us >= 0)
		return n->report_ts - n->dur_us;
	return n->mark_ts;
}

int64_t gr_inf_node_end(const struct gr_infer *inf, const struct gr_inf_node *n)
{
	int64_t t0, t1;
	bool fault;

	if (n->start_ts != GR_TIME_UNKNOWN) {
		if (n->dur_us >= 0 && n->report_ts >= n->start_ts) {
			struct boot b;
			node_boot(inf, n, &b);
			return n->start_ts - b.in_dur + n->dur_us;
		}
		if (n->end_dur_us >= 0 && n->end_ts >= n->start_ts)
			return n->start_ts + n->end_dur_us;
		if (n->end_ts >= n->start_ts)
			return n->end_ts;
		if (n->report_ts >= n->start_ts)
			return n->report_ts;
	}
	if (gr_inf_node_xspan(inf, n, &t0, &t1, &fault) && t1 != GR_TIME_UNKNOWN)
		return t1;
	if (n->report_ts != GR_TIME_UNKNOWN)
		return n->report_ts;
	return n->end_ts;
}

void gr_inf_edge_out(const struct gr_inf_edge *e, int64_t start, struct gr_edge *g)
{
	memset(g, 0, sizeof(*g));
	g->from = 0;
	g->to = 1;
	g->kind = (enum gr_kind)e->kind;
	g->sync = e->sync;
	g->evidence = gr_infer_evidence_name(e->evidence);
	g->key = e->key;
	g->confidence = e->conf;
	g->cause_us = e->cause_us;
	g->delay_us = start != GR_TIME_UNKNOWN && e->cause_us != GR_TIME_UNKNOWN ?
			      start - e->cause_us : 0;
}

/* Fill a graph node (for the canonical writer) from an invocation. */
void gr_inf_node_out(const struct gr_infer *inf, const struct gr_inf_node *n, struct gr_node *g)
{
	struct boot b = { 0, 0, 0, GR_START_WARM };

	if (n->start_ts != GR_TIME_UNKNOWN || (n->flags & NF_FAILED_INIT))
		node_boot(inf, n, &b);
	memset(g, 0, sizeof(*g));
	if (n->start_ts == GR_TIME_UNKNOWN && b.start == GR_START_WARM && (n->flags & NF_COLD)) {
		b.start = GR_START_COLD;
		if (n->init_us > 0)
			b.init = n->init_us;
	}
	if (n->start_ts == GR_TIME_UNKNOWN && b.start == GR_START_WARM && (n->flags & NF_RESTORE) &&
	    n->restore_us > 0) {
		b.start = GR_START_RESTORE;
		b.restore = n->restore_us;
	}
	g->id = n->id;
	g->fn = gr_inf_node_fn(inf, n);
	g->trace = n->trace;
	g->stream = n->stream;
	const struct gr_inf_stream *s = n->stream ? stream_find(inf, n->stream) : NULL;
	g->runtime = s ? s->runtime : NULL;
	g->start_us = gr_inf_node_start(inf, n);
	g->end_us = gr_inf_node_end(inf, n);
	g->init_us = b.init;
	g->restore_us = b.restore;
	g->start = b.start;
	g->cold = b.start != GR_START_WARM;
	g->mem_mb = n->mem_mb;
	g->billed_us = n->billed_us;
	g->billed_restore_us = n->billed_restore_us;
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

uint32_t gr_inf_cause_add(struct gr_infer *inf, uint32_t node, int64_t ts, int kind, int op,
		       const char *text, size_t tn)
{
	struct gr_inf_cause *c = gr_inf_vec_push(inf, &inf->causes, sizeof(*c));

	if (!c)
		return INF_NONE;
	c->ts = ts;
	c->node = node;
	c->kind = (uint8_t)kind;
	c->op = (uint8_t)op;
	c->text = text ? gr_inf_pack_str(inf, text, tn) : NULL;
	return (uint32_t)(inf->causes.n - 1);
}

void gr_inf_alias_add(struct gr_infer *inf, uint64_t key, uint32_t cause)
{
	int added;
	uint32_t ix = (uint32_t)inf->aliases.n;
	struct gr_inf_alias *a = gr_inf_vec_push(inf, &inf->aliases, sizeof(*a));
	uint32_t *head = a ? gr_fpmap_put(&inf->alias_ix, key, ix, &added) : NULL;

	if (!head) {
		gr_inf_fail(inf, GR_ERR_NOMEM, "out of memory");
		return;
	}
	a->key = key;
	a->cause = cause;
	a->next = added ? INF_NONE : *head;
	*head = ix;
}

uint32_t gr_inf_alias_first(const struct gr_infer *inf, uint64_t key)
{
	uint32_t *v = gr_fpmap_get(&inf->alias_ix, key);

	return v ? *v : INF_NONE;
}

struct gr_inf_src *gr_inf_src_add(struct gr_infer *inf, uint32_t node, int kind, int rule,
			    uint64_t key, const char *text, size_t tn)
{
	uint32_t ix = (uint32_t)inf->srcs.n;
	struct gr_inf_src *s = gr_inf_vec_push(inf, &inf->srcs, sizeof(*s));

	if (!s)
		return NULL;
	s->key = key;
	s->text = text ? gr_inf_pack_str(inf, text, tn) : NULL;
	s->node = node;
	s->cause = INF_NONE;
	s->s3 = INF_NONE;
	s->kind = (uint8_t)kind;
	s->rule = (uint8_t)rule;
	/* keep the invocation's list in reading order: append at the end */
	struct gr_inf_node *n = INF_NODE(inf, node);
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

/* --- what the rules and the driver share ------------------------------------ */

bool gr_inf_js_begin(struct gr_js *js, const char *p, size_t n, bool arr)
{
	if (!gr_js_begin(js, p, n, arr, 0))
		return false;
	js->trusted = true;
	return true;
}

/* Does key k name names[i]? */
static bool name_is(const struct gr_jv *k, const char *name)
{
	return !k->esc && k->n && name[0] == k->p[0] && strlen(name) == k->n &&
	       !memcmp(name, k->p, k->n);
}

bool gr_inf_obj_fields(struct gr_infer *inf, struct gr_str obj, const char *const *names, size_t n,
		       struct gr_jv *out)
{
	struct gr_inf_obj *o = NULL;
	struct gr_js js;
	struct gr_jv k, v;

	for (size_t i = 0; i < n; i++)
		out[i].t = GR_JT_NONE;
	for (size_t c = 0; c < 2 && !o; c++)
		if (inf->objs[c].p == obj.p && inf->objs[c].n == obj.n && obj.p)
			o = &inf->objs[c];
	if (!o) {
		if (!gr_inf_js_begin(&js, obj.p, obj.n, false))
			return false;
		o = &inf->objs[inf->obj_next++ & 1];
		o->p = obj.p;
		o->n = obj.n;
		o->nm = 0;
		o->all = true;
		while (gr_js_next(&js, &k, &v) > 0) {
			if (o->nm == INF_OBJ_MEMBERS) {
				o->all = false;
				break;
			}
			o->k[o->nm] = k;
			o->v[o->nm++] = v;
		}
	}
	/* in order, so that the last of a repeated key counts */
	for (size_t m = 0; m < o->nm; m++)
		for (size_t i = 0; i < n; i++)
			if (name_is(&o->k[m], names[i])) {
				out[i] = o->v[m];
				break;
			}
	if (!o->all) {
		/* a big object: the members past those remembered, read again */
		gr_inf_js_begin(&js, obj.p, obj.n, false);
		for (size_t m = 0; m < o->nm && gr_js_next(&js, &k, &v) > 0; m++)
			;
		while (gr_js_next(&js, &k, &v) > 0)
			for (size_t i = 0; i < n; i++)
				if (name_is(&k, names[i])) {
					out[i] = v;
					break;
				}
	}
	return true;
}

uint32_t gr_inf_seg_find(const struct gr_infer *inf, uint64_t key)
{
	uint32_t *v = key ? gr_fpmap_get(&inf->seg_ix, key) : NULL;

	return v ? *v : INF_NONE;
}

/* A hex digit in lower case, for each byte ('A' -> 'a', '7' -> '7'); 0 for others. */
static const char hex_lower[256] = {
	['0'] = '0', ['1'] = '1', ['2'] = '2', ['3'] = '3', ['4'] = '4', ['5'] = '5',
	['6'] = '6', ['7'] = '7', ['8'] = '8', ['9'] = '9', ['a'] = 'a', ['b'] = 'b',
	['c'] = 'c', ['d'] = 'd', ['e'] = 'e', ['f'] = 'f', ['A'] = 'a', ['B'] = 'b',
	['C'] = 'c', ['D'] = 'd', ['E'] = 'e', ['F'] = 'f',
};

struct gr_str gr_inf_trace_norm(struct gr_str t, char out[33])
{
	const unsigned char *p = (const unsigned char *)t.p;
	bool hex = true;

	if (t.n == 35 && p[0] == '1' && p[1] == '-' && p[10] == '-') {
		for (size_t i = 0; i < 8; i++)
			hex &= (out[i] = hex_lower[p[2 + i]]) != 0;
		for (size_t i = 8; i < 32; i++)
			hex &= (out[i] = hex_lower[p[3 + i]]) != 0;
	} else if (t.n == 32) {
		for (size_t i = 0; i < 32; i++)
			hex &= (out[i] = hex_lower[p[i]]) != 0;
	} else {
		return t;
	}
	if (!hex)
		return t;
	out[32] = '\0';
	return (struct gr_str){ out, 32 };
}

struct gr_str gr_inf_id_norm(struct gr_str s, char out[33])
{
	const unsigned char *p = (const unsigned char *)s.p;
	bool upper = false;

	if (s.n > 32)
		return s;
	for (size_t i = 0; i < s.n; i++) {
		char c = hex_lower[p[i]];
		if (!c)
			return s; /* not hex (a request id, a name): as it is */
		upper |= c != (char)p[i];
		out[i] = c;
	}
	if (!upper)
		return s;
	out[s.n] = '\0';
	return (struct gr_str){ out, s.n };
}

uint32_t gr_inf_seg_owner(const struct gr_infer *inf, uint32_t si)
{
	for (int steps = 0; si != INF_NONE && steps < 64; steps++) {
		const struct gr_inf_seg *s = &((const struct gr_inf_seg *)inf->segs.v)[si];
		switch (s->role) {
		case XR_SVC:
			return s->node;
		case XR_FN:
		case XR_LINKS:
		case XR_SUB:
		case XR_CALL:
			si = gr_inf_seg_find(inf, s->parent);
			break;
		default:
			return INF_NONE;
		}
	}
	return INF_NONE;
}

void gr_inf_unm_add(struct gr_infer *inf, int what, int kind, uint32_t node, int64_t ts,
		 const char *key, uint64_t seg)
{
	if (what == U_TRIGGER)
		inf->st.unmatched_trigger[kind]++;
	else if (what == U_CAUSE)
		inf->st.unmatched_cause[kind]++;
	else
		inf->st.unmatched_xray++;
	if (!inf->o.unmatched)
		return;
	struct gr_inf_unm *u = gr_inf_vec_push(inf, &inf->unms, sizeof(*u));
	if (!u)
		return;
	u->ts = ts;
	u->key = key;
	u->seg = seg;
	u->node = node;
	u->what = (uint8_t)what;
	u->kind = (uint8_t)kind;
}

bool gr_inf_was_released(const struct gr_infer *inf, uint64_t idfp)
{
	return gr_fpmap_get(&inf->released, idfp) || gr_fpmap_get(&inf->released_old, idfp);
}

bool gr_inf_cand_add(struct gr_infer *inf, struct gr_inf_cands *c, const struct gr_inf_cand *x)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 16;
		struct gr_inf_cand *p = realloc(c->v, cap * sizeof(*p));
		if (!p) {
			gr_inf_fail(inf, GR_ERR_NOMEM, "out of memory");
			return false;
		}
		c->v = p;
		c->cap = cap;
	}
	c->v[c->n++] = *x;
	return true;
}
