/* synth_sim.c: gammaray-synth's discrete-event simulator of Lambda applications. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/jsonw.h"
#include "synth/synth.h"

#define MS 1000
#define SEC 1000000

/*
 * What a stream of draws decides. Each decision's stream is keyed by what it is
 * about: a run (the workload's key and the run's number), an invocation (its cause's
 * call, item and subscriber), an attempt (the invocation and the attempt's number),
 * an action (the attempt and the action's place in the handler), a call (the action
 * and the call's number in it). A change that removes, delays or speeds some
 * invocations leaves every other decision as it was.
 */
enum draw {
	D_RUN = 1, /* run: its root, recursion depth, API Gateway request id, next root */
	D_ID,      /* invocation: its request id */
	D_SAMPLE,  /* invocation: sampled by X-Ray beyond the reservoir */
	D_TRACE,   /* invocation: the trace it starts */
	D_DELAY,   /* invocation: the trigger delay of the hop that brings it */
	D_WINDOW,  /* record: the batch window of the batch it opens */
	D_ATTEMPT, /* invocation: one attempt (with its number) */
	D_ENV,     /* attempt: the environment it starts (lifetime, log stream name) */
	D_INIT,    /* attempt: cold start */
	D_WARM,    /* attempt: warm start */
	D_FAIL,    /* attempt: failure */
	D_HANDLER, /* attempt: first line, compute before the first action */
	D_NOISE,   /* attempt: application lines */
	D_ACT,     /* attempt: one action (count, skipping, compute before it) */
	D_CALL,    /* attempt: one call of one action (latency, ids, items, pause) */
	D_END,     /* attempt: after the last call */
	D_MEM,     /* attempt: memory used */
	D_BUSY,    /* attempt: the environment's time after the end */
	D_RETRY,   /* attempt: wait before the retry */
	D_CHILD,   /* call: what it causes (item, subscriber) */
	D_XRAY,    /* invocation, attempt or call: its X-Ray and OpenTelemetry ids */
};

/* A hop's trigger delay d of kind k, with the --what-if delay= changes applied. */
static int64_t hop(const struct gr_sy_sim *s, int k, int64_t d)
{
	if (s->hop_set[k] >= 0)
		d = s->hop_set[k];
	if (s->hop_mul[k] != 1)
		d = (int64_t)((double)d * s->hop_mul[k]);
	return d;
}

/* ---------------------------------------------------------------------------
 * Pools: requests, records and traces come from slabs and go back to free lists.
 */
static void *slab(struct gr_sy_sim *s, size_t elem, size_t count)
{
	void **bl = gr_sy_alloc_array(s, s->blocks, &s->cap_blocks, s->nblocks + 1, sizeof(*bl));
	if (!bl)
		return NULL;
	s->blocks = bl;
	void *b = calloc(count, elem);
	if (!b) {
		gr_sy_fail(s, GR_ERR_NOMEM);
		return NULL;
	}
	s->blocks[s->nblocks++] = b;
	return b;
}

static struct gr_sy_req *req_new(struct gr_sy_sim *s)
{
	if (!s->free_reqs) {
		struct gr_sy_req *b = slab(s, sizeof(*b), 256);
		if (!b)
			return NULL;
		for (size_t i = 0; i < 256; i++) {
			b[i].next = s->free_reqs;
			s->free_reqs = &b[i];
		}
	}
	struct gr_sy_req *r = s->free_reqs;
	s->free_reqs = r->next;
	memset(r, 0, sizeof(*r));
	r->node = SY_NONE;
	r->caller = SY_NONE;
	return r;
}

static void req_free(struct gr_sy_sim *s, struct gr_sy_req *r)
{
	r->next = s->free_reqs;
	s->free_reqs = r;
}

struct gr_sy_rec *gr_sy_rec_new(struct gr_sy_sim *s)
{
	if (!s->free_recs) {
		struct gr_sy_rec *b = slab(s, sizeof(*b), 512);
		if (!b)
			return NULL;
		for (size_t i = 0; i < 512; i++) {
			b[i].next = s->free_recs;
			s->free_recs = &b[i];
		}
	}
	struct gr_sy_rec *r = s->free_recs;
	s->free_recs = r->next;
	memset(r, 0, sizeof(*r));
	r->producer = SY_NONE;
	return r;
}

void gr_sy_rec_free_list(struct gr_sy_sim *s, struct gr_sy_rec *r)
{
	while (r) {
		struct gr_sy_rec *n = r->next;
		r->next = s->free_recs;
		s->free_recs = r;
		r = n;
	}
}

static void req_add_rec(struct gr_sy_req *q, struct gr_sy_rec *r)
{
	r->next = NULL;
	if (q->recs_tail)
		q->recs_tail->next = r;
	else
		q->recs = r;
	q->recs_tail = r;
	q->nrec++;
}

/* ---------------------------------------------------------------------------
 * The time line: a min-heap of requests on (time, insertion order).
 */
static bool item_less(const struct gr_sy_heap_item *a, const struct gr_sy_heap_item *b)
{
	return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}

static void heap_push(struct gr_sy_sim *s, struct gr_sy_req *r)
{
	struct gr_sy_heap_item *h = gr_sy_alloc_array(s, s->heap, &s->cap_heap, s->nheap + 1,
						sizeof(*h));
	if (!h)
		return;
	s->heap = h;
	struct gr_sy_heap_item it = { r->t, s->heap_seq++, r };
	size_t i = s->nheap++;
	while (i > 0) {
		size_t p = (i - 1) / 2;
		if (!item_less(&it, &h[p]))
			break;
		h[i] = h[p];
		i = p;
	}
	h[i] = it;
}

static struct gr_sy_req *heap_pop(struct gr_sy_sim *s)
{
	struct gr_sy_heap_item *h = s->heap;
	struct gr_sy_req *top = h[0].req;
	struct gr_sy_heap_item last = h[--s->nheap];
	size_t i = 0, n = s->nheap;

	for (;;) {
		size_t l = 2 * i + 1, m = i;
		if (l >= n)
			break;
		m = l;
		if (l + 1 < n && item_less(&h[l + 1], &h[l]))
			m = l + 1;
		if (!item_less(&h[m], &last))
			break;
		h[i] = h[m];
		i = m;
	}
	if (n)
		h[i] = last;
	return top;
}

/* ---------------------------------------------------------------------------
 * Nodes and edges of the truth.
 */
static uint32_t node_new(struct gr_sy_sim *s, uint32_t fn, uint64_t key)
{
	struct gr_sy_rng r;

	struct gr_sy_node *n = gr_sy_alloc_array(s, s->nodes, &s->cap_nodes, s->nnodes + 1,
					   sizeof(*n));
	if (!n)
		return 0;
	s->nodes = n;
	n = &s->nodes[s->nnodes];
	memset(n, 0, sizeof(*n));
	gr_sy_rng_uuid(gr_sy_rng_keyed(&r, key, D_ID), n->id);
	n->fn = (uint16_t)fn;
	return (uint32_t)s->nnodes++;
}

static void edge_add(struct gr_sy_sim *s, uint32_t from, uint32_t to, int kind, bool sync,
		     int64_t cause, bool xray, bool otel)
{
	struct gr_sy_edge *e = gr_sy_alloc_array(s, s->edges, &s->cap_edges, s->nedges + 1,
					   sizeof(*e));
	if (!e)
		return;
	s->edges = e;
	e = &s->edges[s->nedges++];
	e->cause_us = cause;
	e->from = from;
	e->to = to;
	e->kind = (uint8_t)kind;
	e->sync = sync;
	e->xray = xray;
	e->otel = otel && s->otel;
	s->st->edges++;
	if (xray)
		s->st->xray_edges++;
	if (e->otel)
		s->st->otel_edges++;
}

/* ---------------------------------------------------------------------------
 * Execution environments: one log stream each. Idle ones are reused, most recently
 * freed first; Lambda reclaims those idle for longer than their ttl.
 */
static struct gr_sy_env *env_new(struct gr_sy_sim *s, struct gr_sy_fn *fn, int64_t t,
			       uint64_t key)
{
	struct gr_sy_env *e = calloc(1, sizeof(*e));
	uint8_t hex[16];
	struct gr_sy_rng r;

	if (!e) {
		gr_sy_fail(s, GR_ERR_NOMEM);
		return NULL;
	}
	e->fn = (uint32_t)(fn - s->fns);
	e->live = SY_NONE;
	gr_sy_rng_keyed(&r, key, D_ENV);
	e->ttl_us = gr_sy_rng_range(&r, 5 * 60, 20 * 60) * (int64_t)SEC;
	size_t n = gr_sy_fmt_date_slash(t, e->name);
	memcpy(e->name + n, "/[$LATEST]", 10);
	n += 10;
	gr_sy_rng_bytes(&r, hex, 16);
	n += gr_sy_fmt_hex(hex, 16, e->name + n);
	e->name[n] = '\0';
	e->name_len = (uint8_t)n;
	fn->envs++;
	s->st->streams++;
	return e;
}

static bool busy_less(const struct gr_sy_env *a, const struct gr_sy_env *b)
{
	return a->busy_until < b->busy_until;
}

static void busy_push(struct gr_sy_sim *s, struct gr_sy_fn *fn, struct gr_sy_env *e)
{
	struct gr_sy_env **h = gr_sy_alloc_array(s, fn->busy, &fn->cap_busy, fn->nbusy + 1,
					   sizeof(*h));
	if (!h)
		return;
	fn->busy = h;
	size_t i = fn->nbusy++;
	while (i > 0) {
		size_t p = (i - 1) / 2;
		if (!busy_less(e, h[p]))
			break;
		h[i] = h[p];
		i = p;
	}
	h[i] = e;
}

static struct gr_sy_env *busy_pop(struct gr_sy_fn *fn)
{
	struct gr_sy_env **h = fn->busy;
	struct gr_sy_env *top = h[0], *last = h[--fn->nbusy];
	size_t i = 0, n = fn->nbusy;

	for (;;) {
		size_t l = 2 * i + 1, m;
		if (l >= n)
			break;
		m = l;
		if (l + 1 < n && busy_less(h[l + 1], h[l]))
			m = l + 1;
		if (!busy_less(h[m], last))
			break;
		h[i] = h[m];
		i = m;
	}
	if (n)
		h[i] = last;
	return top;
}

/*
 * An environment for a request at t. The main loop (drain) moves environments that
 * are free by t to the idle stack; a synchronous callee simulated ahead of the
 * clock only takes environments that were idle already, so no two invocations of an
 * environment ever overlap.
 */
static struct gr_sy_env *env_pick(struct gr_sy_sim *s, struct gr_sy_fn *fn, int64_t t, bool drain,
			       uint64_t key, bool *cold)
{
	while (drain && fn->nbusy && fn->busy[0]->busy_until <= t) {
		struct gr_sy_env *e = busy_pop(fn);
		struct gr_sy_env **f = gr_sy_alloc_array(s, fn->free, &fn->cap_free, fn->nfree + 1,
						   sizeof(*f));
		if (!f)
			return NULL;
		fn->free = f;
		fn->free[fn->nfree++] = e;
	}
	while (fn->nfree) {
		struct gr_sy_env *e = fn->free[fn->nfree - 1];
		if (e->busy_until > t)
			break; /* cannot happen on the main loop; play safe */
		if (t - e->busy_until > e->ttl_us) {
			/* the most recently freed one is stale: so are the older ones */
			while (fn->nfree)
				gr_sy_env_retire(s, fn->free[--fn->nfree]);
			break;
		}
		fn->nfree--;
		*cold = false;
		return e;
	}
	*cold = true;
	return env_new(s, fn, t, key);
}

/* ---------------------------------------------------------------------------
 * Markers (GAMMARAY v1) and other application lines.
 */
static void jw_uuid(struct gr_jw *w, const char *key, const uint8_t id[16])
{
	char u[36];
	gr_jw_str(w, key, u, gr_sy_fmt_uuid(id, u));
}

/* Stream sequence numbers: Kinesis (56 digits) and DynamoDB streams (24 digits). */
static size_t kin_seq(uint64_t seq, int64_t t, char *out)
{
	memcpy(out, "4959", 4);
	gr_sy_fmt_u64_pad((uint64_t)t, 20, out + 4);
	gr_sy_fmt_u64_pad(seq, 32, out + 24);
	return 56;
}

static size_t ddb_seq(uint64_t seq, char *out)
{
	memcpy(out, "1000", 4);
	gr_sy_fmt_u64_pad(seq, 20, out + 4);
	return 24;
}

/* S3 sequencer: 16 hex digits growing with time, per bucket, plus a counter. */
static size_t s3_sequencer(uint64_t seq, char *out)
{
	uint8_t b[9];
	for (int i = 8; i >= 0; i--) {
		b[i] = (uint8_t)seq;
		seq >>= 8;
	}
	return gr_sy_fmt_hex_upper(b, 9, out);
}

/* Begin a marker in s->tmp: "GAMMARAY {"v":1,"ev":EV,... */
static void marker_begin(struct gr_sy_sim *s, struct gr_jw *w, const char *ev)
{
	gr_buf_reset(&s->tmp);
	SY_ADDL(s, &s->tmp, "GAMMARAY ");
	gr_jw_init(w, &s->tmp);
	gr_jw_begin(w);
	gr_jw_int(w, "v", 1);
	gr_jw_cstr(w, "ev", ev);
}

static void marker_end(struct gr_sy_sim *s, struct gr_jw *w, struct gr_sy_ctx *c,
		       const struct gr_sy_fn *fn, const uint8_t reqid[16], int64_t t)
{
	gr_jw_end(w);
	if (w->err) {
		gr_sy_fail(s, w->err);
		return;
	}
	s->tmp.len--; /* the writer's newline: the runtime adds its own */
	gr_sy_log_app(s, c, fn, reqid, t, "INFO", s->tmp.data, s->tmp.len);
}

static void rec_src(struct gr_sy_sim *s, struct gr_jw *w, const char *key,
		    const struct gr_sy_rec *r, int trig, bool typed)
{
	char b[256];
	const struct gr_sy_res *res = &s->res[r->res];

	gr_jw_obj(w, key);
	switch (trig) {
	case SY_T_S3:
		gr_jw_cstr(w, "svc", "s3");
		gr_jw_cstr(w, "bucket", res->def->name);
		gr_jw_str(w, "key", b, gr_sy_s3_key(s, r, b, sizeof(b)));
		gr_jw_str(w, "etag", b, gr_sy_fmt_hex(r->id, 16, b)); /* events carry it unquoted */
		if (res->def->versioned)
			gr_jw_str(w, "version", b, gr_sy_fmt_hex(r->ver, 16, b));
		gr_jw_str(w, "sequencer", b, s3_sequencer(r->seq, b));
		gr_jw_cstr(w, "event", "ObjectCreated:Put");
		break;
	case SY_T_DDB:
		gr_jw_cstr(w, "svc", "dynamodb");
		gr_jw_cstr(w, "table", res->def->name);
		gr_buf_reset(&s->tmp2);
		gr_sy_ddb_keys(&s->tmp2, s, r, typed);
		gr_jw_raw(w, "keys", s->tmp2.data, s->tmp2.len);
		gr_jw_str(w, "seq", b, ddb_seq(r->seq, b));
		gr_jw_cstr(w, "event", r->modify ? "MODIFY" : "INSERT");
		break;
	case SY_T_SNS:
	case SY_T_SNS_EXT:
		gr_jw_cstr(w, "svc", "sns");
		gr_jw_cstr(w, "topic", res->arn);
		jw_uuid(w, "msg", r->id);
		break;
	case SY_T_SQS:
		gr_jw_cstr(w, "svc", "sqs");
		gr_jw_cstr(w, "queue", res->arn);
		jw_uuid(w, "msg", r->id);
		break;
	case SY_T_KIN:
		gr_jw_cstr(w, "svc", "kinesis");
		gr_jw_cstr(w, "stream", res->def->name);
		gr_jw_str(w, "seq", b, kin_seq(r->seq, r->cause_us, b));
		break;
	case SY_T_EVENTS:
		gr_jw_cstr(w, "svc", "events");
		jw_uuid(w, "id", r->id);
		break;
	}
	gr_jw_obj_end(w);
}

static void entry_marker(struct gr_sy_sim *s, struct gr_sy_ctx *c, const struct gr_sy_fn *fn,
			 const struct gr_sy_req *rq, const uint8_t reqid[16], int64_t t)
{
	struct gr_jw w;
	bool typed = fn->def->runtime == SY_PY; /* boto3 hands stream records over typed */

	marker_begin(s, &w, "entry");
	gr_jw_cstr(&w, "fn", fn->def->name);
	switch (rq->trig) {
	case SY_T_INVOKE:
	case SY_T_INVOKE_SYNC:
		gr_jw_obj(&w, "src");
		gr_jw_cstr(&w, "svc", "lambda");
		if (rq->propagate)
			jw_uuid(&w, "caller", s->nodes[rq->caller].id);
		gr_jw_obj_end(&w);
		break;
	case SY_T_SCHEDULE:
		gr_jw_obj(&w, "src");
		gr_jw_cstr(&w, "svc", "schedule");
		gr_jw_obj_end(&w);
		break;
	case SY_T_APIGW:
		gr_jw_obj(&w, "src");
		gr_jw_cstr(&w, "svc", "apigw");
		jw_uuid(&w, "request", rq->ext);
		gr_jw_obj_end(&w);
		break;
	case SY_T_DDB:
	case SY_T_SQS:
	case SY_T_KIN:
		gr_jw_arr(&w, "src");
		for (const struct gr_sy_rec *r = rq->recs; r; r = r->next)
			rec_src(s, &w, NULL, r, rq->trig, typed);
		gr_jw_arr_end(&w);
		break;
	default:
		rec_src(s, &w, "src", rq->recs, rq->trig, typed);
		break;
	}
	marker_end(s, &w, c, fn, reqid, t);
}

/* ---------------------------------------------------------------------------
 * One attempt of one invocation.
 */
struct att {
	struct gr_sy_req *rq;        /* the request */
	struct gr_sy_fn *fn;         /* its function */
	struct gr_sy_ctx *c;         /* scratch of this nesting level */
	int depth;                /* nesting level */
	uint32_t ni;              /* node */
	uint8_t reqid[16];        /* its request id */
	uint64_t key;             /* the attempt's identity */
	double speed;             /* handler time is divided by this (--what-if) */
	int act;                  /* the action being done */
	uint32_t callno;          /* calls begun by that action */
	struct gr_sy_rng arng;    /* the action's draws */
	uint64_t ckey;            /* the call being made: its identity... */
	struct gr_sy_rng crng;    /* ...and its draws */
	struct gr_sy_rng cxrng;   /* ...and its trace ids (sampled only) */
	int64_t cur;              /* simulated clock inside the handler */
	int64_t deadline;         /* START + timeout */
	int calls;                /* trigger-capable calls made */
	int fail_at;              /* fail before this call (INT_MAX: never) */
	bool stop;                /* the handler stopped (failure or timeout) */
	bool timed_out;           /* ...by its timeout */
};

static struct gr_sy_call *call_new(struct gr_sy_sim *s, struct att *a, const struct gr_sy_act_def *act,
				uint32_t target)
{
	struct gr_sy_ctx *c = a->c;
	struct gr_sy_call *cl = gr_sy_alloc_array(s, c->calls, &c->cap_calls, c->ncalls + 1,
					    sizeof(*cl));
	if (!cl)
		return NULL;
	c->calls = cl;
	cl = &c->calls[c->ncalls++];
	memset(cl, 0, sizeof(*cl));
	cl->act = act;
	cl->target = target;
	cl->callee = SY_NONE;
	if (a->rq->sampled) {
		gr_sy_rng_keyed(&a->cxrng, a->ckey, D_XRAY);
		cl->seg = gr_sy_rng_next(&a->cxrng);
		cl->ospan = gr_sy_rng_next(&a->cxrng);
		if (!s->otel)
			cl->ospan = 0;
	}
	return cl;
}

/* Time d spent in the handler, at the function's speed. */
static int64_t sc(const struct att *a, int64_t d)
{
	return a->speed == 1 ? d : (int64_t)((double)d / a->speed);
}

/* The next call of the action being done: its identity and its stream. */
static void call_begin(struct att *a)
{
	a->ckey = gr_sy_key(gr_sy_key(gr_sy_key(a->key, D_CALL), (uint64_t)a->act), a->callno++);
	gr_sy_rng_keyed(&a->crng, a->ckey, 0);
}

/* Identity of what the current call causes: item i, for subscriber k. */
static uint64_t child_key(const struct att *a, uint32_t i, uint32_t k)
{
	return gr_sy_key(gr_sy_key(gr_sy_key(a->ckey, D_CHILD), i), k);
}

/* Latency of the current call (its first draw), us. */
static int64_t latency(struct att *a, const struct gr_sy_act_def *act, uint32_t n)
{
	int64_t med;

	switch (act->kind) {
	case SY_A_S3_PUT: med = 35 * MS; break;
	case SY_A_DDB_PUT: med = 8 * MS; break;
	case SY_A_DDB_BATCH: med = 12 * MS + n * 800; break;
	case SY_A_SNS_PUB: med = 25 * MS; break;
	case SY_A_SQS_SEND: med = 12 * MS; break;
	case SY_A_SQS_BATCH: med = 16 * MS + n * 800; break;
	case SY_A_KIN_PUT: med = 15 * MS; break;
	case SY_A_KIN_PUTS: med = 20 * MS + n * 500; break;
	case SY_A_EB_PUT: med = 30 * MS; break;
	case SY_A_INVOKE: med = 20 * MS; break;
	case SY_A_OTHER: med = (int64_t)act->lat_ms * MS; break;
	default: med = 10 * MS; break;
	}
	return sc(a, 200 + gr_sy_rng_lognorm(&a->crng, med, 0.4));
}

/* Before a call: may the handler make it? Returns the call's end time, or -1 when
 * the handler stops here (failure point, or the call would outlive the timeout). */
static int64_t call_window(struct gr_sy_sim *s, struct att *a, int64_t lat)
{
	if (a->stop)
		return -1;
	if (a->calls == a->fail_at) {
		a->stop = true;
		return -1;
	}
	if (a->cur + lat > a->deadline) {
		a->stop = a->timed_out = true;
		return -1;
	}
	(void)s;
	return a->cur + lat;
}

static void call_done(struct gr_sy_sim *s, struct att *a, int64_t t1)
{
	(void)s;
	a->calls++;
	a->cur = t1 + sc(a, gr_sy_rng_range(&a->crng, 100, 800));
}

static void trace_pass(struct gr_sy_req *from, struct gr_sy_req *to, uint64_t parent)
{
	to->sampled = from->sampled;
	to->trace = from->trace;
	to->parent_seg = parent;
	if (to->trace)
		gr_sy_trace_ref(to->trace);
}

/* Hand a record to a poller subscription: join its open batch or open a new one. */
static void batch_add(struct gr_sy_sim *s, struct gr_sy_sub *sb, struct gr_sy_rec *r, int trig)
{
	const struct gr_sy_res_def *rd = s->res[sb->res].def;
	struct gr_sy_rng rr;

	if (sb->open && r->cause_us < sb->fire && sb->open->nrec < rd->batch) {
		req_add_rec(sb->open, r);
		return;
	}
	struct gr_sy_req *q = req_new(s);
	if (!q)
		return;
	q->fn = sb->fn;
	q->trig = (uint8_t)trig;
	/* the batch is the invocation of the record that opened it */
	q->key = r->key;
	gr_sy_rng_keyed(&rr, r->key, D_WINDOW);
	q->t = r->cause_us + hop(s, rd->kind,
				 gr_sy_rng_range(&rr, rd->win_min_ms, rd->win_max_ms) * MS);
	q->run = r->run;
	q->acc = sb;
	sb->open = q;
	sb->fire = q->t;
	req_add_rec(q, r);
	heap_push(s, q);
}

/* Records of one write go to every subscriber (a copy each). */
static void fan_records(struct gr_sy_sim *s, const struct gr_sy_rec *proto, int trig)
{
	const struct gr_sy_res *res = &s->res[proto->res];

	for (uint32_t k = 0; k < res->nsub; k++) {
		struct gr_sy_sub *sb = &s->subs[res->sub0 + k];
		if (s->fns[sb->fn].removed)
			continue;
		struct gr_sy_rec *r = gr_sy_rec_new(s);
		struct gr_sy_rng rr;
		if (!r)
			return;
		*r = *proto;
		r->next = NULL;
		r->key = gr_sy_key(proto->key, k);
		if (trig == SY_T_DDB || trig == SY_T_SQS || trig == SY_T_KIN) {
			batch_add(s, sb, r, trig);
			continue;
		}
		struct gr_sy_req *q = req_new(s);
		if (!q)
			return;
		q->fn = sb->fn;
		q->trig = (uint8_t)trig;
		q->run = r->run;
		q->arg = r->arg;
		q->depth = r->depth;
		q->key = r->key;
		gr_sy_rng_keyed(&rr, q->key, D_DELAY);
		int64_t d;
		switch (trig) {
		case SY_T_S3: d = hop(s, SY_K_S3, 15 * MS + gr_sy_rng_lognorm(&rr, 75 * MS, 0.6)); break;
		case SY_T_SNS: d = hop(s, SY_K_SNS, 5 * MS + gr_sy_rng_lognorm(&rr, 30 * MS, 0.5)); break;
		default:
			d = hop(s, SY_K_EVENTS, 10 * MS + gr_sy_rng_lognorm(&rr, 110 * MS, 0.6));
			break;
		}
		q->t = r->cause_us + d;
		req_add_rec(q, r);
		heap_push(s, q);
	}
}

/* Record item i of the current call (fan_records keys it per subscriber). */
static void rec_proto(struct att *a, struct gr_sy_rec *r, uint32_t res, int64_t t1,
		      uint32_t i)
{
	memset(r, 0, sizeof(*r));
	r->key = child_key(a, i, 0);
	r->producer = a->ni;
	r->res = res;
	r->run = a->rq->run;
	r->arg = a->rq->arg;
	r->depth = (uint16_t)(a->rq->depth + 1);
	r->cause_us = t1;
	r->uniq = r->key >> 11; /* unique (53 bits, exact as a JSON number), and keyed */
	r->sampled = a->rq->sampled;
	if (a->rq->trace)
		memcpy(r->xtrace, a->rq->trace->id, 16);
}

static void act_s3_put(struct gr_sy_sim *s, struct att *a, const struct gr_sy_act_def *act,
		       uint32_t res, uint32_t n)
{
	struct gr_sy_res *rs = &s->res[res];
	char b[256];

	for (uint32_t i = 0; i < n && !s->rc; i++) {
		call_begin(a);
		int64_t t1 = call_window(s, a, latency(a, act, 1));
		if (t1 < 0)
			return;
		struct gr_sy_call *cl = call_new(s, a, act, res);
		if (!cl)
			return;
		cl->t0 = a->cur;
		cl->t1 = t1;
		gr_sy_rng_bytes(&a->crng, cl->reqid, 8);
		struct gr_sy_rec r;
		rec_proto(a, &r, res, t1, 0);
		gr_sy_rng_bytes(&a->crng, r.id, 16);
		if (rs->def->versioned)
			gr_sy_rng_bytes(&a->crng, r.ver, 16);
		r.seq = ((uint64_t)t1 << 8) | (++rs->seq & 0xff);
		cl->key = r;
		if (s->o->markers) {
			struct gr_jw w;
			marker_begin(s, &w, "call");
			gr_jw_cstr(&w, "svc", "s3");
			gr_jw_cstr(&w, "op", "PutObject");
			gr_jw_cstr(&w, "bucket", rs->def->name);
			gr_jw_str(&w, "key", b, gr_sy_s3_key(s, &r, b, sizeof(b)));
			b[0] = '"';
			gr_sy_fmt_hex(r.id, 16, b + 1);
			b[33] = '"';
			gr_jw_str(&w, "etag", b, 34);
			if (rs->def->versioned)
				gr_jw_str(&w, "version", b, gr_sy_fmt_hex(r.ver, 16, b));
			marker_end(s, &w, a->c, a->fn, a->reqid, t1);
		}
		fan_records(s, &r, SY_T_S3);
		call_done(s, a, t1);
	}
}

static void ddb_item(struct gr_sy_sim *s, struct att *a, struct gr_sy_rec *r, uint32_t res,
		     int64_t t1, uint32_t i, uint64_t image)
{
	struct gr_sy_res *rs = &s->res[res];

	rec_proto(a, r, res, t1, i);
	switch (rs->def->keyfmt) {
	case SY_KEY_POOL: {
		uint32_t k = (uint32_t)gr_sy_rng_range(&a->crng, 0, 63);
		r->arg = k;
		r->modify = (rs->pool_seen[k / 8] >> (k % 8)) & 1;
		rs->pool_seen[k / 8] |= (uint8_t)(1u << (k % 8));
		break;
	}
	case SY_KEY_IMAGE:
		r->uniq = image;
		r->arg = i;
		break;
	default:
		break;
	}
	r->seq = ++rs->seq;
}

static void act_ddb(struct gr_sy_sim *s, struct att *a, const struct gr_sy_act_def *act,
		    uint32_t res, uint32_t n)
{
	struct gr_sy_res *rs = &s->res[res];
	bool batch = act->kind == SY_A_DDB_BATCH;
	uint64_t image = gr_sy_rng_next(&a->arng) >> 11;
	uint32_t done = 0;
	struct gr_sy_rec items[25];

	while (done < n && !s->rc) {
		uint32_t k = batch ? (n - done > 25 ? 25 : n - done) : 1;
		call_begin(a);
		int64_t t1 = call_window(s, a, latency(a, act, k));
		if (t1 < 0)
			return;
		struct gr_sy_call *cl = call_new(s, a, act, res);
		if (!cl)
			return;
		cl->t0 = a->cur;
		cl->t1 = t1;
		cl->n = k;
		gr_sy_rng_bytes(&a->crng, cl->reqid, 26);
		for (uint32_t i = 0; i < k; i++)
			ddb_item(s, a, &items[i], res, t1, done + i, image);
		if (s->o->markers) {
			struct gr_jw w;
			marker_begin(s, &w, "call");
			gr_jw_cstr(&w, "svc", "dynamodb");
			gr_jw_cstr(&w, "op", batch ? "BatchWriteItem" : "PutItem");
			if (batch)
				gr_jw_arr(&w, "items");
			for (uint32_t i = 0; i < k; i++) {
				if (batch)
					gr_jw_obj(&w, NULL);
				gr_jw_cstr(&w, "table", rs->def->name);
				gr_buf_reset(&s->tmp2);
				gr_sy_ddb_keys(&s->tmp2, s, &items[i], false);
				gr_jw_raw(&w, "keys", s->tmp2.data, s->tmp2.len);
				if (batch)
					gr_jw_obj_end(&w);
			}
			if (batch)
				gr_jw_arr_end(&w);
			marker_end(s, &w, a->c, a->fn, a->reqid, t1);
		}
		for (uint32_t i = 0; i < k; i++)
			fan_records(s, &items[i], SY_T_DDB);
		done += k;
		call_done(s, a, t1);
	}
}

static void act_sns(struct gr_sy_sim *s, struct att *a, const struct gr_sy_act_def *act,
		    uint32_t res, uint32_t n)
{
	struct gr_sy_res *rs = &s->res[res];

	for (uint32_t i = 0; i < n && !s->rc; i++) {
		call_begin(a);
		int64_t t1 = call_window(s, a, latency(a, act, 1));
		if (t1 < 0)
			return;
		struct gr_sy_call *cl = call_new(s, a, act, res);
		if (!cl)
			return;
		cl->t0 = a->cur;
		cl->t1 = t1;
		gr_sy_rng_uuid(&a->crng, cl->reqid);
		if (a->rq->sampled)
			cl->inferred = gr_sy_rng_next(&a->cxrng);
		struct gr_sy_rec r;
		rec_proto(a, &r, res, t1, 0);
		gr_sy_rng_uuid(&a->crng, r.id);
		if (s->o->markers) {
			struct gr_jw w;
			marker_begin(s, &w, "call");
			gr_jw_cstr(&w, "svc", "sns");
			gr_jw_cstr(&w, "op", "Publish");
			gr_jw_cstr(&w, "topic", rs->arn);
			jw_uuid(&w, "msg", r.id);
			marker_end(s, &w, a->c, a->fn, a->reqid, t1);
		}
		/* SNS delivers to Lambda asynchronously and carries the trace on */
		for (uint32_t k = 0; k < rs->nsub && !s->rc; k++) {
			if (s->fns[s->subs[rs->sub0 + k].fn].removed)
				continue;
			struct gr_sy_req *q = req_new(s);
			struct gr_sy_rec *rr = gr_sy_rec_new(s);
			struct gr_sy_rng dr;
			if (!q || !rr)
				return;
			*rr = r;
			rr->key = gr_sy_key(r.key, k);
			q->key = rr->key;
			q->fn = s->subs[rs->sub0 + k].fn;
			q->trig = SY_T_SNS;
			q->run = r.run;
			gr_sy_rng_keyed(&dr, q->key, D_DELAY);
			q->t = t1 + hop(s, SY_K_SNS, 5 * MS + gr_sy_rng_lognorm(&dr, 30 * MS, 0.5));
			req_add_rec(q, rr);
			trace_pass(a->rq, q, cl->inferred);
			heap_push(s, q);
		}
		call_done(s, a, t1);
	}
}

static void act_events(struct gr_sy_sim *s, struct att *a, const struct gr_sy_act_def *act,
		       uint32_t res, uint32_t n)
{
	struct gr_sy_res *rs = &s->res[res];
	uint8_t ids[10][16];

	if (n > 10)
		n = 10; /* PutEvents takes at most 10 entries */
	call_begin(a);
	int64_t t1 = call_window(s, a, latency(a, act, n));
	if (t1 < 0)
		return;
	struct gr_sy_call *cl = call_new(s, a, act, res);
	if (!cl)
		return;
	cl->t0 = a->cur;
	cl->t1 = t1;
	cl->n = n;
	gr_sy_rng_uuid(&a->crng, cl->reqid);
	if (a->rq->sampled)
		cl->inferred = gr_sy_rng_next(&a->cxrng);
	for (uint32_t i = 0; i < n; i++)
		gr_sy_rng_uuid(&a->crng, ids[i]);
	if (s->o->markers) {
		struct gr_jw w;
		marker_begin(s, &w, "call");
		gr_jw_cstr(&w, "svc", "events");
		gr_jw_cstr(&w, "op", "PutEvents");
		gr_jw_arr(&w, "ids");
		for (uint32_t i = 0; i < n; i++)
			jw_uuid(&w, NULL, ids[i]);
		gr_jw_arr_end(&w);
		marker_end(s, &w, a->c, a->fn, a->reqid, t1);
	}
	for (uint32_t i = 0; i < n && !s->rc; i++) {
		struct gr_sy_rec r;
		rec_proto(a, &r, res, t1, i);
		memcpy(r.id, ids[i], 16);
		for (uint32_t k = 0; k < rs->nsub && !s->rc; k++) {
			if (s->fns[s->subs[rs->sub0 + k].fn].removed)
				continue;
			struct gr_sy_req *q = req_new(s);
			struct gr_sy_rec *rr = gr_sy_rec_new(s);
			struct gr_sy_rng dr;
			if (!q || !rr)
				return;
			*rr = r;
			rr->key = gr_sy_key(r.key, k);
			q->key = rr->key;
			q->fn = s->subs[rs->sub0 + k].fn;
			q->trig = SY_T_EVENTS;
			q->run = r.run;
			gr_sy_rng_keyed(&dr, q->key, D_DELAY);
			q->t = t1 + hop(s, SY_K_EVENTS,
					10 * MS + gr_sy_rng_lognorm(&dr, 110 * MS, 0.6));
			req_add_rec(q, rr);
			trace_pass(a->rq, q, cl->inferred);
			heap_push(s, q);
		}
	}
	call_done(s, a, t1);
}

static void act_sqs(struct gr_sy_sim *s, struct att *a, const struct gr_sy_act_def *act,
		    uint32_t res, uint32_t n)
{
	struct gr_sy_res *rs = &s->res[res];
	bool batch = act->kind == SY_A_SQS_BATCH;
	uint32_t done = 0;
	struct gr_sy_rec recs[10];

	while (done < n && !s->rc) {
		uint32_t k = batch ? (n - done > 10 ? 10 : n - done) : 1;
		call_begin(a);
		int64_t t1 = call_window(s, a, latency(a, act, k));
		if (t1 < 0)
			return;
		struct gr_sy_call *cl = call_new(s, a, act, res);
		if (!cl)
			return;
		cl->t0 = a->cur;
		cl->t1 = t1;
		cl->n = k;
		gr_sy_rng_uuid(&a->crng, cl->reqid);
		for (uint32_t i = 0; i < k; i++) {
			rec_proto(a, &recs[i], res, t1, i);
			gr_sy_rng_uuid(&a->crng, recs[i].id);
			recs[i].xseg = cl->seg;
			recs[i].xfn = a->rq->fn_seg;
			recs[i].ospan = cl->ospan;
			memcpy(recs[i].otrace, a->rq->otrace, 16);
			recs[i].oflags = (uint8_t)((a->fn->otel == SY_O_ADOT_PY ||
						    a->fn->otel == SY_O_ADOT_NODE ? SY_R_ADOT : 0) |
						   (batch ? 0 : SY_R_MSGID));
		}
		memcpy(cl->msg, recs[0].id, 16);
		if (s->o->markers) {
			struct gr_jw w;
			marker_begin(s, &w, "call");
			gr_jw_cstr(&w, "svc", "sqs");
			gr_jw_cstr(&w, "op", batch ? "SendMessageBatch" : "SendMessage");
			gr_jw_cstr(&w, "queue", rs->url);
			if (batch) {
				gr_jw_arr(&w, "msgs");
				for (uint32_t i = 0; i < k; i++)
					jw_uuid(&w, NULL, recs[i].id);
				gr_jw_arr_end(&w);
			} else {
				jw_uuid(&w, "msg", recs[0].id);
			}
			marker_end(s, &w, a->c, a->fn, a->reqid, t1);
		}
		for (uint32_t i = 0; i < k; i++)
			fan_records(s, &recs[i], SY_T_SQS);
		done += k;
		call_done(s, a, t1);
	}
}

static void act_kinesis(struct gr_sy_sim *s, struct att *a, const struct gr_sy_act_def *act,
			uint32_t res, uint32_t n)
{
	struct gr_sy_res *rs = &s->res[res];
	bool batch = act->kind == SY_A_KIN_PUTS;
	uint32_t done = 0;
	struct gr_sy_rec recs[50];
	char b[64];

	while (done < n && !s->rc) {
		uint32_t k = batch ? (n - done > 50 ? 50 : n - done) : 1;
		call_begin(a);
		int64_t t1 = call_window(s, a, latency(a, act, k));
		if (t1 < 0)
			return;
		struct gr_sy_call *cl = call_new(s, a, act, res);
		if (!cl)
			return;
		cl->t0 = a->cur;
		cl->t1 = t1;
		cl->n = k;
		gr_sy_rng_uuid(&a->crng, cl->reqid);
		for (uint32_t i = 0; i < k; i++) {
			rec_proto(a, &recs[i], res, t1, i);
			recs[i].seq = ++rs->seq;
		}
		if (s->o->markers) {
			struct gr_jw w;
			marker_begin(s, &w, "call");
			gr_jw_cstr(&w, "svc", "kinesis");
			gr_jw_cstr(&w, "op", batch ? "PutRecords" : "PutRecord");
			gr_jw_cstr(&w, "stream", rs->def->name);
			if (batch) {
				gr_jw_arr(&w, "seqs");
				for (uint32_t i = 0; i < k; i++)
					gr_jw_str(&w, NULL, b, kin_seq(recs[i].seq, t1, b));
				gr_jw_arr_end(&w);
			} else {
				gr_jw_str(&w, "seq", b, kin_seq(recs[0].seq, t1, b));
			}
			marker_end(s, &w, a->c, a->fn, a->reqid, t1);
		}
		for (uint32_t i = 0; i < k; i++)
			fan_records(s, &recs[i], SY_T_KIN);
		done += k;
		call_done(s, a, t1);
	}
}

static int64_t process(struct gr_sy_sim *s, struct gr_sy_req *rq, int depth);

static void invoke_marker(struct gr_sy_sim *s, struct att *a, uint32_t fn, bool sync,
			  uint32_t callee, int64_t t1)
{
	struct gr_jw w;

	if (!s->o->markers)
		return;
	marker_begin(s, &w, "call");
	gr_jw_cstr(&w, "svc", "lambda");
	gr_jw_cstr(&w, "op", "Invoke");
	gr_jw_cstr(&w, "fn", s->fns[fn].def->name);
	gr_jw_cstr(&w, "mode", sync ? "RequestResponse" : "Event");
	jw_uuid(&w, "callee", s->nodes[callee].id);
	marker_end(s, &w, a->c, a->fn, a->reqid, t1);
}

static void act_invoke(struct gr_sy_sim *s, struct att *a, const struct gr_sy_act_def *act,
		       uint32_t fn, uint32_t n)
{
	uint32_t backup = SY_NONE;

	if ((act->flags & SY_F_BACKUP) && gr_sy_rng_chance(&a->arng, 0.25))
		backup = (uint32_t)gr_sy_rng_range(&a->arng, 0, n - 1);
	if (act->flags & SY_F_SET_EXPECT)
		s->run_expect[a->rq->run] = (uint16_t)(n + (backup != SY_NONE));
	for (uint32_t i = 0; i < n + (backup != SY_NONE) && !s->rc; i++) {
		call_begin(a);
		int64_t t1 = call_window(s, a, latency(a, act, 1));
		if (t1 < 0)
			return;
		if (s->fns[fn].removed) {
			/* --what-if remove: the call takes its time, nothing runs */
			call_done(s, a, t1);
			continue;
		}
		struct gr_sy_call *cl = call_new(s, a, act, fn);
		if (!cl)
			return;
		cl->t0 = a->cur;
		cl->t1 = t1;
		/* the request id is known when the call returns: Lambda assigns it */
		uint64_t key = child_key(a, 0, 0);
		uint32_t callee = node_new(s, fn, key);
		if (s->rc)
			return;
		cl->callee = callee;
		memcpy(cl->reqid, s->nodes[callee].id, 16);
		invoke_marker(s, a, fn, false, callee, t1);
		struct gr_sy_req *q = req_new(s);
		struct gr_sy_rng dr;
		if (!q)
			return;
		q->key = key;
		q->fn = fn;
		q->node = callee;
		q->trig = SY_T_INVOKE;
		q->caller = a->ni;
		q->cause_us = t1;
		q->run = a->rq->run;
		q->depth = a->rq->depth;
		q->arg = (act->flags & SY_F_PASS_INDEX) ? (i < n ? i : backup) : a->rq->arg;
		q->propagate = !a->fn->def->no_caller;
		gr_sy_rng_keyed(&dr, key, D_DELAY);
		q->t = t1 + hop(s, SY_K_LAMBDA, 1 * MS + gr_sy_rng_lognorm(&dr, 10 * MS, 0.8));
		trace_pass(a->rq, q, cl->seg);
		gr_sy_otel_pass(s, a->rq, a->fn, cl, q);
		heap_push(s, q);
		call_done(s, a, t1);
	}
}

static void act_invoke_sync(struct gr_sy_sim *s, struct att *a, const struct gr_sy_act_def *act,
			    uint32_t fn, uint32_t n)
{
	for (uint32_t i = 0; i < n && !s->rc; i++) {
		if (a->stop)
			return;
		if (a->calls == a->fail_at) {
			a->stop = true;
			return;
		}
		if (a->depth + 1 >= SY_MAX_DEPTH)
			return; /* deeper synchronous chains are not simulated */
		call_begin(a);
		/* the Lambda service's time: to the callee's arrival, and back from its end */
		uint64_t key = child_key(a, 0, 0);
		struct gr_sy_rng dr;
		gr_sy_rng_keyed(&dr, key, D_DELAY);
		int64_t there = hop(s, SY_K_LAMBDA, gr_sy_rng_range(&dr, 3 * MS, 15 * MS));
		int64_t back = gr_sy_rng_range(&dr, 1 * MS, 5 * MS);
		int64_t t0 = a->cur, t1;
		struct gr_sy_call *cl = NULL;
		uint32_t callee = SY_NONE;
		if (s->fns[fn].removed) {
			/* --what-if remove: the round trip, no callee to wait for */
			t1 = t0 + there + back;
		} else {
			cl = call_new(s, a, act, fn);
			if (!cl)
				return;
			cl->t0 = t0;
			struct gr_sy_req *q = req_new(s);
			if (!q)
				return;
			q->key = key;
			q->fn = fn;
			q->trig = SY_T_INVOKE_SYNC;
			q->caller = a->ni;
			q->cause_us = t0;
			q->run = a->rq->run;
			q->depth = a->rq->depth;
			q->arg = (act->flags & SY_F_REC_COUNT) ? a->rq->nrec : a->rq->arg;
			q->propagate = !a->fn->def->no_caller;
			q->t = t0 + there;
			trace_pass(a->rq, q, cl->seg);
			gr_sy_otel_pass(s, a->rq, a->fn, cl, q);
			q->node = node_new(s, fn, key);
			if (s->rc)
				return;
			callee = q->node;
			cl->callee = callee;
			memcpy(cl->reqid, s->nodes[callee].id, 16);
			int64_t end = process(s, q, a->depth + 1); /* frees q */
			t1 = end + back;
			cl->callee_err = s->nodes[callee].status != SY_OK;
		}
		if (t1 > a->deadline) {
			/* the caller timed out waiting */
			if (cl) {
				cl->t1 = a->deadline;
				cl->fault = 1;
			}
			a->cur = a->deadline;
			a->stop = a->timed_out = true;
			return;
		}
		if (cl) {
			cl->t1 = t1;
			invoke_marker(s, a, fn, true, callee, t1);
		}
		call_done(s, a, t1);
	}
}

static void act_other(struct gr_sy_sim *s, struct att *a, const struct gr_sy_act_def *act)
{
	call_begin(a);
	int64_t lat = latency(a, act, 1);

	if (a->stop || a->cur + lat > a->deadline)
		return;
	struct gr_sy_call *cl = call_new(s, a, act, SY_NONE);
	if (!cl)
		return;
	cl->t0 = a->cur;
	cl->t1 = a->cur + lat;
	gr_sy_rng_uuid(&a->crng, cl->reqid);
	if (a->rq->sampled)
		cl->inferred = gr_sy_rng_next(&a->cxrng);
	a->cur = cl->t1 + sc(a, gr_sy_rng_range(&a->crng, 100, 800));
}

static void run_actions(struct gr_sy_sim *s, struct att *a)
{
	const struct gr_sy_fn_def *fd = a->fn->def;
	struct gr_sy_req *rq = a->rq;

	for (int i = 0; i < SY_MAX_ACTS && fd->acts[i].kind != SY_A_END && !a->stop; i++) {
		const struct gr_sy_act_def *act = &fd->acts[i];
		uint32_t target = a->fn->target[i];
		a->act = i;
		a->callno = 0;
		gr_sy_rng_keyed(&a->arng, gr_sy_key(a->key, D_ACT), (uint64_t)i);
		uint32_t n = (uint32_t)gr_sy_rng_range(&a->arng, act->min, act->max);

		if (a->calls == a->fail_at) {
			a->stop = true;
			break;
		}
		if ((act->flags & SY_F_SOMETIMES) && gr_sy_rng_chance(&a->arng, 0.5))
			continue;
		if ((act->flags & SY_F_DEPTH) && rq->depth >= s->run_depth[rq->run])
			continue;
		if (act->flags & SY_F_ONLY_LAST) {
			/* the coordinator that sees the last expected output goes on */
			if (++s->run_seen[rq->run] != s->run_expect[rq->run])
				continue;
		}
		if (act->flags & SY_F_ARG_COUNT)
			n = rq->arg < act->min ? act->min : rq->arg;
		if (act->ms)
			a->cur += sc(a, gr_sy_rng_lognorm(&a->arng, (int64_t)act->ms * MS, 0.5));
		switch (act->kind) {
		case SY_A_S3_PUT: act_s3_put(s, a, act, target, n); break;
		case SY_A_DDB_PUT:
		case SY_A_DDB_BATCH: act_ddb(s, a, act, target, n); break;
		case SY_A_SNS_PUB: act_sns(s, a, act, target, n); break;
		case SY_A_SQS_SEND:
		case SY_A_SQS_BATCH: act_sqs(s, a, act, target, n); break;
		case SY_A_KIN_PUT:
		case SY_A_KIN_PUTS: act_kinesis(s, a, act, target, n); break;
		case SY_A_EB_PUT: act_events(s, a, act, target, n); break;
		case SY_A_INVOKE: act_invoke(s, a, act, target, n); break;
		case SY_A_INVOKE_SYNC: act_invoke_sync(s, a, act, target, n); break;
		case SY_A_OTHER: act_other(s, a, act); break;
		}
	}
}

static bool async_trig(int trig)
{
	return trig == SY_T_S3 || trig == SY_T_SNS || trig == SY_T_INVOKE ||
	       trig == SY_T_EVENTS || trig == SY_T_SCHEDULE || trig == SY_T_SNS_EXT;
}

static bool continues_trace(int trig)
{
	return trig == SY_T_SNS || trig == SY_T_INVOKE || trig == SY_T_INVOKE_SYNC ||
	       trig == SY_T_EVENTS;
}

static bool sample(struct gr_sy_sim *s, const struct gr_sy_req *rq, int64_t t)
{
	int64_t sec = t / SEC;
	struct gr_sy_rng r;

	if (sec != s->res_second) {
		s->res_second = sec;
		s->res_used = 0;
	}
	if (s->res_used < s->o->reservoir) {
		s->res_used++;
		return true;
	}
	return gr_sy_rng_chance(gr_sy_rng_keyed(&r, rq->key, D_SAMPLE), s->o->sample_rate);
}

static int64_t ceil_ms(int64_t us)
{
	return (us + MS - 1) / MS * MS;
}

static int64_t round10(int64_t us)
{
	return (us + 9) / 10 * 10;
}

static void noise(struct gr_sy_sim *s, struct att *a, int64_t t)
{
	char b[96], *p = b;
	struct gr_sy_rng r;

	if (a->rq->nrec > 1) {
		p = gr_sy_put_lit(p, "processing ");
		p += gr_sy_fmt_u64(a->rq->nrec, p);
		p = gr_sy_put_lit(p, " records");
	} else {
		p = gr_sy_put_lit(p, "processing event (attempt ");
		p += gr_sy_fmt_u64(a->rq->attempt + 1u, p);
		*p++ = ')';
	}
	gr_sy_log_app(s, a->c, a->fn, a->reqid, t, "INFO", b, (size_t)(p - b));
	gr_sy_rng_keyed(&r, a->key, D_NOISE);
	if (gr_sy_rng_chance(&r, 0.3)) {
		p = gr_sy_put_lit(b, gr_sy_rng_chance(&r, 0.5) ? "cache hit for key "
							: "cache miss for key ");
		p += gr_sy_fmt_hex32((uint32_t)gr_sy_rng_next(&r), p);
		if (a->fn->def->runtime == SY_PY)
			gr_sy_log_raw(s, a->c, t + sc(a, 50), b, (size_t)(p - b));
		else
			gr_sy_log_app(s, a->c, a->fn, a->reqid, t + sc(a, 50), "INFO", b,
				      (size_t)(p - b));
	}
}

/* Edges into a finished invocation, one per producer (batches: the latest record). */
static void edges_in(struct gr_sy_sim *s, struct gr_sy_req *rq, uint32_t ni)
{
	static const uint8_t kind_of[] = {
		[SY_T_S3] = SY_K_S3, [SY_T_DDB] = SY_K_DDB, [SY_T_SNS] = SY_K_SNS,
		[SY_T_SQS] = SY_K_SQS, [SY_T_KIN] = SY_K_KIN, [SY_T_INVOKE] = SY_K_LAMBDA,
		[SY_T_INVOKE_SYNC] = SY_K_LAMBDA, [SY_T_EVENTS] = SY_K_EVENTS,
	};

	if (rq->trig >= SY_T_SCHEDULE)
		return;
	if (rq->trig == SY_T_INVOKE || rq->trig == SY_T_INVOKE_SYNC) {
		/* the caller's Invoke span names the callee's request id */
		edge_add(s, rq->caller, ni, SY_K_LAMBDA, rq->trig == SY_T_INVOKE_SYNC,
			 rq->cause_us, rq->sampled, rq->sampled);
		return;
	}
	/* X-Ray shows SNS and EventBridge hops of a sampled trace, and SQS span links
	 * (the first SY_MAX_LINKS sampled records) when both ends are sampled */
	for (struct gr_sy_rec *r = rq->recs; r; r = r->next) {
		if (r->producer == SY_NONE)
			continue;
		bool seen = false;
		for (struct gr_sy_rec *p = rq->recs; p != r && !seen; p = p->next)
			seen = p->producer == r->producer;
		if (seen)
			continue;
		int64_t cause = r->cause_us;
		bool xray = rq->sampled && (rq->trig == SY_T_SNS || rq->trig == SY_T_EVENTS);
		bool otel = false;
		for (struct gr_sy_rec *q = r; q; q = q->next) {
			if (q->producer != r->producer)
				continue;
			if (q->cause_us > cause)
				cause = q->cause_us;
			xray |= q->linked != 0;
			otel |= rq->sampled && rq->trig == SY_T_SQS &&
				gr_sy_otel_sqs_shown(&s->fns[rq->fn], q);
		}
		edge_add(s, r->producer, ni, kind_of[rq->trig], false, cause, xray, otel);
	}
}

/* SQS -> Lambda: which records the consumer's segment links back to: one link per
 * producer subsegment (a SendMessageBatch sends several), at most SY_MAX_LINKS.
 * linked = 1: a link is written for it; 2: an earlier record's link covers it. */
static void mark_links(struct gr_sy_req *rq)
{
	int links = 0;

	if (rq->trig != SY_T_SQS || !rq->sampled)
		return;
	for (struct gr_sy_rec *r = rq->recs; r; r = r->next) {
		if (r->producer == SY_NONE || !r->sampled)
			continue;
		for (struct gr_sy_rec *p = rq->recs; p != r && !r->linked; p = p->next)
			if (p->linked && p->xseg == r->xseg)
				r->linked = 2;
		if (!r->linked && links < SY_MAX_LINKS) {
			r->linked = 1;
			links++;
		}
	}
}

/* Order a batch's records by time (as a stream or queue hands them over). */
static void sort_recs(struct gr_sy_req *rq)
{
	struct gr_sy_rec *sorted = NULL, *tail = NULL;

	if (rq->nrec < 2)
		return;
	while (rq->recs) {
		struct gr_sy_rec **best = &rq->recs;
		for (struct gr_sy_rec **p = &rq->recs; *p; p = &(*p)->next)
			if ((*p)->cause_us < (*best)->cause_us)
				best = p;
		struct gr_sy_rec *r = *best;
		*best = r->next;
		r->next = NULL;
		if (tail)
			tail->next = r;
		else
			sorted = r;
		tail = r;
	}
	rq->recs = sorted;
	rq->recs_tail = tail;
}

/*
 * Simulate one attempt of rq at rq->t, nested `depth` synchronous calls deep; the
 * request is retried, or finished and freed. Returns the attempt's end.
 */
static int64_t process(struct gr_sy_sim *s, struct gr_sy_req *rq, int depth)
{
	struct gr_sy_fn *fn = &s->fns[rq->fn];
	const struct gr_sy_fn_def *fd = fn->def;
	struct att a = { .rq = rq, .fn = fn, .c = &s->ctx[depth], .depth = depth,
			 .fail_at = INT32_MAX, .speed = fn->speed };
	struct gr_sy_rng r, xr = { 0 }; /* xr: the attempt's trace ids, sampled only */
	int64_t t = rq->t;

	if (rq->node == SY_NONE)
		rq->node = node_new(s, rq->fn, rq->key);
	if (s->rc)
		return t;
	a.ni = rq->node;
	a.key = gr_sy_key(gr_sy_key(rq->key, D_ATTEMPT), rq->attempt);
	memcpy(a.reqid, s->nodes[a.ni].id, 16);
	if (rq->attempt == 0) {
		rq->arrive = t;
		sort_recs(rq);
		if (!continues_trace(rq->trig) && sample(s, rq, t)) {
			rq->trace = gr_sy_trace_new(s, t, gr_sy_key(rq->key, D_TRACE));
			rq->sampled = rq->trace != NULL;
		}
		if (rq->sampled)
			rq->svc_seg = gr_sy_rng_next(gr_sy_rng_keyed(&r, rq->key, D_XRAY));
		mark_links(rq);
		gr_sy_otel_begin(s, rq);
	}

	/* environment, init, START */
	bool cold;
	struct gr_sy_env *env = env_pick(s, fn, t, depth == 0, a.key, &cold);
	if (!env)
		return t;
	if (fn->no_cold)
		cold = false; /* --what-if: provisioned, initialised before it was needed */
	struct gr_sy_attempt at = { .reqid = a.reqid, .sampled = rq->sampled,
				 .trace = rq->trace ? rq->trace->id : NULL,
				 .svc_seg = rq->svc_seg };
	int64_t start_us;
	if (cold) {
		gr_sy_rng_keyed(&r, a.key, D_INIT);
		at.init_start = t + gr_sy_rng_range(&r, 300, 2000);
		at.init_us = (int32_t)round10(gr_sy_rng_lognorm(&r, (int64_t)fd->init_ms * MS, 0.35));
		at.start = ceil_ms(at.init_start + at.init_us);
		start_us = at.start - at.init_us;
	} else {
		at.start = ceil_ms(t + gr_sy_rng_range(gr_sy_rng_keyed(&r, a.key, D_WARM), 200, 1500));
		start_us = at.start;
	}
	a.deadline = at.start + (int64_t)fd->timeout_s * SEC;
	if (rq->sampled) {
		/* drawn with or without spans: X-Ray's ids stay the same */
		at.fn_seg = gr_sy_rng_next(gr_sy_rng_keyed(&xr, a.key, D_XRAY));
		uint64_t server = gr_sy_rng_next(&xr);
		if (s->otel)
			rq->oserver = server;
	}
	rq->fn_seg = at.fn_seg;

	/* will it fail? Attempts Lambda will retry fail before their first call */
	bool retryable = async_trig(rq->trig) && rq->attempt + 1 < SY_MAX_ATTEMPTS;
	int fail = SY_OK;
	gr_sy_rng_keyed(&r, a.key, D_FAIL);
	if (gr_sy_rng_chance(&r, s->o->error_rate))
		fail = SY_ERROR;
	else if (gr_sy_rng_chance(&r, s->o->timeout_rate))
		fail = SY_TIMEOUT;
	if (fail != SY_OK)
		a.fail_at = retryable ? 0 : (int)gr_sy_rng_range(&r, 0, 3);

	/* the handler */
	struct gr_sy_ctx *c = a.c;
	gr_buf_reset(&c->text);
	c->nlines = 0;
	c->ncalls = 0;
	gr_sy_rng_keyed(&r, a.key, D_HANDLER);
	a.cur = at.start + sc(&a, gr_sy_rng_range(&r, 300, 1500));
	int64_t work = sc(&a, 200 + gr_sy_rng_lognorm(&r, (int64_t)fd->work_ms * MS, 0.5));
	if (s->o->markers)
		entry_marker(s, c, fn, rq, a.reqid, a.cur);
	noise(s, &a, a.cur + sc(&a, 100));
	a.cur += work;
	if (a.cur > a.deadline) {
		a.cur = a.deadline;
		a.stop = a.timed_out = true;
	}
	run_actions(s, &a);
	if (s->rc)
		return t;

	uint8_t status = SY_OK;
	int64_t end;
	gr_sy_rng_keyed(&r, a.key, D_END);
	if (a.timed_out || fail == SY_TIMEOUT) {
		/* a hang or a cut lasts to the deadline, at any speed */
		status = SY_TIMEOUT;
		end = a.deadline + gr_sy_rng_range(&r, 50, 3000);
	} else if (fail == SY_ERROR) {
		status = SY_ERROR;
		a.cur += sc(&a, gr_sy_rng_range(&r, 200, 3000));
		gr_sy_log_error(s, c, fn, a.reqid, a.cur);
		end = a.cur + sc(&a, gr_sy_rng_range(&r, 300, 2000));
	} else {
		end = a.cur + sc(&a, gr_sy_rng_lognorm(&r, 2 * MS, 0.5));
	}
	end = at.start + round10(end - at.start);
	at.end = end;
	at.status = status;
	at.mem_used = (int32_t)gr_sy_rng_range(gr_sy_rng_keyed(&r, a.key, D_MEM),
					       fd->mem_mb / 5 + 30, fd->mem_mb * 3 / 4);

	/* logs, X-Ray, environment */
	gr_sy_log_attempt(s, env, c, &at);
	int64_t fn_end = end + (rq->sampled ? gr_sy_rng_range(&xr, 100, 600) : 0);
	if (rq->sampled)
		gr_sy_xray_function(s, rq->trace, fn, c, &at, fn_end);
	gr_sy_otel_attempt(s, fn, rq, c, &at);
	env->busy_until = end + gr_sy_rng_range(gr_sy_rng_keyed(&r, a.key, D_BUSY), 500, 3000);
	env->attempts++;
	busy_push(s, fn, env);
	fn->attempts++;
	s->st->attempts++;
	s->st->cold += cold;
	rq->att_start[rq->attempt] = start_us;
	rq->att_end[rq->attempt] = fn_end;
	rq->att_fault[rq->attempt] = status != SY_OK;

	if (status != SY_OK && retryable) {
		/* Lambda retries an async event after about 1 and 2 more minutes, with
		 * the same request id */
		rq->attempt++;
		rq->t = end + (int64_t)rq->attempt * 60 * SEC +
			gr_sy_rng_range(gr_sy_rng_keyed(&r, a.key, D_RETRY), 0, 5 * SEC);
		s->st->retries++;
		heap_push(s, rq);
		return end;
	}

	/* the final attempt: the truth */
	struct gr_sy_node *n = &s->nodes[a.ni];
	n->start_us = start_us;
	n->end_us = end;
	n->init_us = at.init_us;
	n->status = status;
	n->flags = (uint8_t)(SY_N_DONE | (cold ? SY_N_COLD : 0) |
			     (rq->sampled ? SY_N_SAMPLED : 0) |
			     (rq->trig >= SY_T_SCHEDULE ? SY_N_ROOT : 0));
	if (rq->trace)
		memcpy(n->trace, rq->trace->id, 16);
	s->st->invocations++;
	s->st->errors += status == SY_ERROR;
	s->st->timeouts += status == SY_TIMEOUT;
	edges_in(s, rq, a.ni);
	if (rq->sampled && rq->trig == SY_T_APIGW) {
		uint64_t seg = gr_sy_rng_next(&xr), sub = gr_sy_rng_next(&xr);
		rq->parent_seg = sub;
		gr_sy_xray_apigw(s, rq->trace, fn, rq, seg, sub, rq->arrive - 2 * MS, fn_end + 2 * MS);
	} else if (rq->sampled && rq->trig == SY_T_SNS_EXT) {
		uint64_t seg = gr_sy_rng_next(&xr);
		rq->parent_seg = seg;
		gr_sy_xray_sns_ext(s, rq->trace, &s->res[rq->recs->res], seg, rq->arrive - 30 * MS,
				rq->arrive - 25 * MS);
	}
	if (rq->sampled)
		gr_sy_xray_service(s, rq->trace, fn, rq, &s->nodes[a.ni]);
	if (rq->trace)
		gr_sy_trace_unref(s, rq->trace);
	gr_sy_rec_free_list(s, rq->recs);
	req_free(s, rq);
	return end;
}

/* ---------------------------------------------------------------------------
 * Roots and the main loop.
 */
static void start_root(struct gr_sy_sim *s)
{
	uint32_t run = (uint32_t)s->runs_started++;
	uint64_t key = gr_sy_key(gr_sy_key(s->key, D_RUN), run);
	struct gr_sy_rng r;
	uint8_t ext[16];

	/* every draw of the run, whatever becomes of it */
	gr_sy_rng_keyed(&r, key, D_RUN);
	uint32_t total = s->root_cum[s->nroots - 1];
	uint32_t pick = (uint32_t)gr_sy_rng_range(&r, 0, total - 1), k = 0;
	while (s->root_cum[k] <= pick)
		k++;
	uint8_t depth = (uint8_t)gr_sy_rng_range(&r, 1, 4);
	gr_sy_rng_uuid(&r, ext);
	int64_t t = s->next_root;
	double mean = 1e6 / s->o->rate;
	s->next_root += 1 + gr_sy_rng_exp(&r, mean);
	s->now = t;

	size_t cap = s->cap_runs;
	uint16_t *ex = gr_sy_alloc_array(s, s->run_expect, &cap, run + 1, sizeof(*ex));
	if (!ex)
		return;
	s->run_expect = ex;
	cap = s->cap_runs;
	uint16_t *se = gr_sy_alloc_array(s, s->run_seen, &cap, run + 1, sizeof(*se));
	if (!se)
		return;
	s->run_seen = se;
	cap = s->cap_runs;
	uint8_t *dp = gr_sy_alloc_array(s, s->run_depth, &cap, run + 1, sizeof(*dp));
	if (!dp)
		return;
	s->run_depth = dp;
	s->cap_runs = cap;
	s->run_expect[run] = 0;
	s->run_seen[run] = 0;
	s->run_depth[run] = depth;
	if (s->fns[s->root_fn[k]].removed)
		return; /* --what-if remove: the run has nothing to do */

	struct gr_sy_req *q = req_new(s);
	if (!q)
		return;
	q->key = key;
	q->fn = s->root_fn[k];
	q->trig = s->roots[k]->trig;
	q->t = t;
	q->run = run;
	memcpy(q->ext, ext, 16);
	if (q->trig == SY_T_SNS_EXT) {
		struct gr_sy_rec *rr = gr_sy_rec_new(s);
		if (!rr)
			return;
		rr->res = s->root_res[k];
		rr->cause_us = q->t;
		rr->key = key;
		memcpy(rr->id, q->ext, 16);
		req_add_rec(q, rr);
	}
	s->st->runs++;
	process(s, q, 0);
}

void gr_sy_sim_loop(struct gr_sy_sim *s)
{
	const struct gr_synth_opts *o = s->o;
	uint64_t since = 0;

	s->next_root = o->start_us;
	for (;;) {
		if (s->rc)
			return;
		bool more = (o->runs == 0 || s->runs_started < o->runs) &&
			    (o->max_invocations == 0 || s->nnodes < o->max_invocations) &&
			    (o->runs || o->max_invocations);
		if (more && (s->nheap == 0 || s->next_root <= s->heap[0].t)) {
			start_root(s);
		} else if (s->nheap) {
			struct gr_sy_req *rq = heap_pop(s);
			if (rq->acc && rq->acc->open == rq)
				rq->acc->open = NULL;
			rq->acc = NULL;
			s->now = rq->t;
			process(s, rq, 0);
		} else {
			break;
		}
		gr_sy_log_budget(s);
		if (o->progress && s->nnodes - since >= 50000) {
			since = s->nnodes;
			o->progress(o->progress_ctx, s->st);
		}
	}
}

/* ---------------------------------------------------------------------------
 * The world: functions, resources and subscriptions of the chosen application.
 */
static uint32_t fn_index(struct gr_sy_sim *s, const char *name)
{
	for (size_t i = 0; i < s->nfns; i++)
		if (!strcmp(s->fns[i].def->name, name))
			return (uint32_t)i;
	return SY_NONE;
}

static uint32_t res_index(struct gr_sy_sim *s, const char *name)
{
	for (size_t i = 0; i < s->nres; i++)
		if (!strcmp(s->res[i].def->name, name))
			return (uint32_t)i;
	return SY_NONE;
}

int gr_sy_world_build(struct gr_sy_sim *s, const char *name)
{
	const struct gr_sy_app_def *apps[16];
	size_t napps = 0;

	for (size_t i = 0; i < gr_sy_napps; i++)
		if (!strcmp(gr_sy_apps[i]->name, name))
			s->app = gr_sy_apps[i];
	if (!s->app)
		return gr_error_set(s->err, GR_ERR_USAGE,
				    "unknown application '%.64s' (see --list-apps)", name);
	if (!s->app->nfns) {
		for (size_t i = 0; i < gr_sy_napps; i++)
			if (gr_sy_apps[i]->nfns)
				apps[napps++] = gr_sy_apps[i];
	} else {
		apps[napps++] = s->app;
	}
	size_t nf = 0, nr = 0, nro = 0, nsub = 0;
	for (size_t i = 0; i < napps; i++) {
		nf += apps[i]->nfns;
		nr += apps[i]->nres;
		nro += apps[i]->nroots;
		for (size_t j = 0; j < apps[i]->nres; j++)
			for (size_t k = 0; k < SY_MAX_SUBS && apps[i]->res[j].subs[k]; k++)
				nsub++;
	}
	s->fns = calloc(nf, sizeof(*s->fns));
	s->res = calloc(nr, sizeof(*s->res));
	s->subs = calloc(nsub ? nsub : 1, sizeof(*s->subs));
	s->roots = calloc(nro, sizeof(*s->roots));
	s->root_fn = calloc(nro, sizeof(*s->root_fn));
	s->root_res = calloc(nro, sizeof(*s->root_res));
	s->root_cum = calloc(nro, sizeof(*s->root_cum));
	if (!s->fns || !s->res || !s->subs || !s->roots || !s->root_fn || !s->root_res ||
	    !s->root_cum)
		return gr_error_set(s->err, GR_ERR_NOMEM, "out of memory");

	for (size_t i = 0; i < napps; i++) {
		for (size_t j = 0; j < apps[i]->nfns; j++) {
			struct gr_sy_fn *f = &s->fns[s->nfns++];
			f->def = &apps[i]->fns[j];
			f->otel = (uint8_t)gr_sy_otel_flavour(f->def);
			f->app = (uint32_t)i;
			f->name_len = (uint32_t)strlen(f->def->name);
			snprintf(f->arn, sizeof(f->arn), "arn:aws:lambda:%s:%s:function:%s",
				 gr_sy_region_name[f->def->region], SY_ACCOUNT, f->def->name);
			gr_sy_rng_uuid(&s->orng, f->task);
		}
		for (size_t j = 0; j < apps[i]->nres; j++) {
			struct gr_sy_res *r = &s->res[s->nres++];
			const struct gr_sy_res_def *d = &apps[i]->res[j];
			const char *reg = gr_sy_region_name[d->region];
			r->def = d;
			switch (d->kind) {
			case SY_K_S3:
				snprintf(r->arn, sizeof(r->arn), "arn:aws:s3:::%s", d->name);
				break;
			case SY_K_DDB:
				snprintf(r->arn, sizeof(r->arn), "arn:aws:dynamodb:%s:%s:table/%s",
					 reg, SY_ACCOUNT, d->name);
				break;
			case SY_K_SNS:
				snprintf(r->arn, sizeof(r->arn), "arn:aws:sns:%s:%s:%s", reg,
					 SY_ACCOUNT, d->name);
				break;
			case SY_K_SQS:
				snprintf(r->arn, sizeof(r->arn), "arn:aws:sqs:%s:%s:%s", reg,
					 SY_ACCOUNT, d->name);
				snprintf(r->url, sizeof(r->url), "https://sqs.%s.amazonaws.com/%s/%s",
					 reg, SY_ACCOUNT, d->name);
				break;
			case SY_K_KIN:
				snprintf(r->arn, sizeof(r->arn), "arn:aws:kinesis:%s:%s:stream/%s",
					 reg, SY_ACCOUNT, d->name);
				break;
			default:
				snprintf(r->arn, sizeof(r->arn), "arn:aws:events:%s:%s:event-bus/%s",
					 reg, SY_ACCOUNT, d->name);
				break;
			}
		}
	}
	for (size_t i = 0; i < s->nres; i++) {
		struct gr_sy_res *r = &s->res[i];
		r->sub0 = (uint32_t)s->nsubs;
		for (size_t k = 0; k < SY_MAX_SUBS && r->def->subs[k]; k++) {
			struct gr_sy_sub *sb = &s->subs[s->nsubs++];
			sb->fn = fn_index(s, r->def->subs[k]);
			sb->res = (uint32_t)i;
			if (sb->fn == SY_NONE)
				return gr_error_set(s->err, GR_ERR_FORMAT,
						    "internal: unknown subscriber '%s'",
						    r->def->subs[k]);
			r->nsub++;
		}
	}
	for (size_t i = 0; i < s->nfns; i++) {
		struct gr_sy_fn *f = &s->fns[i];
		for (int k = 0; k < SY_MAX_ACTS && f->def->acts[k].kind != SY_A_END; k++) {
			const struct gr_sy_act_def *act = &f->def->acts[k];
			if (act->kind == SY_A_OTHER) {
				f->target[k] = SY_NONE;
				continue;
			}
			bool fnt = act->kind == SY_A_INVOKE || act->kind == SY_A_INVOKE_SYNC;
			f->target[k] = fnt ? fn_index(s, act->target) : res_index(s, act->target);
			if (f->target[k] == SY_NONE)
				return gr_error_set(s->err, GR_ERR_FORMAT,
						    "internal: unknown target '%s'", act->target);
		}
	}
	uint32_t cum = 0;
	for (size_t i = 0; i < napps; i++) {
		for (size_t j = 0; j < apps[i]->nroots; j++) {
			const struct gr_sy_root_def *rd = &apps[i]->roots[j];
			s->roots[s->nroots] = rd;
			s->root_fn[s->nroots] = fn_index(s, rd->fn);
			s->root_res[s->nroots] = rd->topic ? res_index(s, rd->topic) : SY_NONE;
			cum += rd->weight;
			s->root_cum[s->nroots] = cum;
			if (s->root_fn[s->nroots] == SY_NONE)
				return gr_error_set(s->err, GR_ERR_FORMAT,
						    "internal: unknown root '%s'", rd->fn);
			s->nroots++;
		}
	}
	return 0;
}
