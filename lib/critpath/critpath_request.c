/* critpath_request.c: request critical paths over span trees (CRISP semantics, Jaeger clipping), without recursion. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "critpath/critpath.h"
#include "stream/events.h"
#include "common/reader.h"

/* --- reading ------------------------------------------------------------------ */

void gr_spans_init(struct gr_spans *s)
{
	memset(s, 0, sizeof(*s));
}

void gr_spans_release(struct gr_spans *s)
{
	gr_arena_release(&s->arena);
	gr_strmap_release(&s->ids);
	free(s->v);
	free(s->child);
	memset(s, 0, sizeof(*s));
}

static enum gr_span_kind kind_parse(struct gr_str s)
{
	static const char *const names[] = { "", "internal", "server", "client", "producer",
					     "consumer" };

	for (int k = 1; s.n && k <= GR_SPAN_CONSUMER; k++)
		if (strlen(names[k]) == s.n && !strncasecmp(s.p, names[k], s.n))
			return (enum gr_span_kind)k;
	return GR_SPAN_UNSET;
}

/* An arena copy of a string field, or NULL when absent. */
static const char *dup_str(struct gr_spans *s, struct gr_str v, bool *oom)
{
	if (!v.n)
		return NULL;
	const char *c = gr_arena_strdup(&s->arena, v.p, v.n);
	if (!c)
		*oom = true;
	return c;
}

/* Fill the optional fields of sp from a segment record. */
static void fill_span(struct gr_spans *s, struct gr_span *sp, const struct gr_event *ev,
		      bool *oom)
{
	sp->parent_id = dup_str(s, ev->parent, oom);
	sp->svc = dup_str(s, ev->svc, oom);
	sp->op = dup_str(s, ev->name, oom);
	sp->inv = dup_str(s, ev->inv, oom);
	sp->aws_op = dup_str(s, ev->op, oom);
	sp->sub = ev->sub;
	sp->error = ev->seg_error || ev->fault;
	sp->kind = (uint8_t)kind_parse(ev->kind);
	sp->follows = ev->ref.n == 12 && !strncasecmp(ev->ref.p, "follows_from", 12);
	sp->inferred = ev->inferred;
	if (gr_str_is(ev->origin, "AWS::Lambda"))
		sp->xray = GR_XRAY_LAMBDA;
	else if (gr_str_is(ev->origin, "AWS::Lambda::Function"))
		sp->xray = GR_XRAY_FUNCTION;
	else if (sp->sub && sp->op && !strncmp(sp->op, "Attempt #", 9))
		sp->xray = GR_XRAY_ATTEMPT;
	if (!sp->svc && sp->kind == GR_SPAN_UNSET) {
		/* X-Ray: a segment serves a request; a subsegment in the aws or remote
		 * namespace is a call out */
		if (!sp->sub)
			sp->kind = GR_SPAN_SERVER;
		else if (gr_str_is(ev->ns, "aws") || gr_str_is(ev->ns, "remote"))
			sp->kind = GR_SPAN_CLIENT;
	}
}

/* A segment record: added, or set aside (*skip: a duplicate, or still in progress),
 * or refused (returns why). */
static const char *read_segment(struct gr_spans *s, const struct gr_event *ev, bool *oom,
				enum gr_reason *skip)
{
	const char *trace = ev->trace.p, *id = ev->id.p;
	size_t tn = ev->trace.n, in = ev->id.n;
	int64_t start = ev->start_us, end = ev->end_us;

	if (!in)
		return "segment without an id";
	if (start == GR_TIME_UNKNOWN)
		return "segment without start_us";
	if (end < 0) {
		s->in_progress++;
		*skip = GR_SKIP_UNUSED;
		return NULL;
	}
	if (end < start)
		return "segment that ends before it starts";
	if (!trace)
		tn = 0;
	char kbuf[256];
	char *key = kbuf;
	size_t kn = tn + 1 + in;
	if (kn > sizeof(kbuf) && !(key = malloc(kn))) {
		*oom = true;
		return NULL;
	}
	if (tn)
		memcpy(key, trace, tn);
	key[tn] = '\n';
	memcpy(key + tn + 1, id, in);
	uint32_t *ix = gr_strmap_get(&s->ids, key, kn);
	if (ix) {
		/* in-progress documents were set aside: both are complete, keep the first */
		if (key != kbuf)
			free(key);
		s->duplicates++;
		*skip = GR_SKIP_DUPLICATE;
		return NULL;
	}
	if (GR_GROW(s->v, s->n, s->cap)) {
		*oom = true;
		goto done;
	}
	const char *k = gr_arena_strdup(&s->arena, key, kn);
	if (!k || !gr_strmap_put(&s->ids, k, kn, (uint32_t)s->n, NULL)) {
		*oom = true;
		goto done;
	}
	struct gr_span *sp = &s->v[s->n];
	memset(sp, 0, sizeof(*sp));
	sp->trace = k;          /* "trace\nid": the trace is its prefix */
	sp->id = k + tn + 1;
	sp->start_us = start;
	sp->end_us = end;
	sp->seq = (uint32_t)s->n;
	sp->parent = GR_NONE;
	fill_span(s, sp, ev, oom);
	s->n++;
	s->linked = false;
done:
	if (key != kbuf)
		free(key);
	return NULL;
}

int gr_spans_read(struct gr_spans *s, struct gr_reader *r, struct gr_stats *st,
		  void (*diag)(void *ctx, int severity, const struct gr_error *e), void *ctx,
		  struct gr_error *err)
{
	struct gr_buf scratch = GR_BUF_INIT;
	struct gr_event ev;
	const char *line;
	size_t n;
	int rc, ret = 0;

	while ((rc = gr_reader_line(r, &line, &n)) != 0) {
		struct gr_error e = { 0 };
		enum gr_reason why;
		if (rc == GR_ERR_LIMIT) {
			st->records_in++;
			why = GR_LOST_LINE_LIMIT;
			e = r->errinfo;
			goto lost;
		}
		if (rc < 0) {
			/* the rest of the file is lost, and counted so (the run stops) */
			if (rc == GR_ERR_COMPRESS || rc == GR_ERR_IO)
				st->reason[rc == GR_ERR_COMPRESS ? GR_LOST_COMPRESS : GR_LOST_UNREADABLE]++;
			*err = r->errinfo;
			ret = rc;
			break;
		}
		while (n && (line[n - 1] == '\r' || line[n - 1] == ' '))
			n--;
		if (!n)
			continue;
		st->records_in++;
		int prc = gr_ev_parse(line, n, &ev, &scratch, 0, &e);
		if (prc == GR_ERR_NOMEM) {
			ret = gr_error_set(err, GR_ERR_NOMEM, "out of memory");
			break;
		}
		if (prc) {
			why = prc == GR_ERR_JSON ? GR_LOST_JSON : GR_LOST_UNKNOWN_DOC;
			goto lost_at;
		}
		const char *bad = NULL;
		bool oom = false;
		enum gr_reason skip = GR_REASON_COUNT;
		if (ev.type == GR_EV_SEGMENT) {
			bad = read_segment(s, &ev, &oom, &skip);
		} else if (ev.type == GR_EV_HEADER) {
			if (ev.v != GR_EVENTS_VERSION) {
				st->records_in--; /* the run stops: this record is not read */
				gr_error_set(err, GR_ERR_FORMAT,
					     "event stream version %lld, this program reads version %d",
					     (long long)ev.v, GR_EVENTS_VERSION);
				gr_error_at(err, r->name, r->lineno);
				ret = GR_ERR_FORMAT;
				break;
			}
			skip = GR_SKIP_STREAM_HEADER;
		} else if (gr_str_is(ev.type_name, "gammaray-graph")) {
			st->records_in--;
			gr_error_set(err, GR_ERR_FORMAT,
				     "this is a graph stream: --request reads the event stream "
				     "(gammaray-fetch output)");
			gr_error_at(err, r->name, r->lineno);
			ret = GR_ERR_FORMAT;
			break;
		} else {
			skip = GR_SKIP_UNUSED;
		}
		if (oom) {
			ret = gr_error_set(err, GR_ERR_NOMEM, "out of memory");
			break;
		}
		if (skip != GR_REASON_COUNT) {
			st->reason[skip]++;
			continue;
		}
		if (!bad) {
			st->records_out++;
			continue;
		}
		why = GR_LOST_BAD_SEGMENT;
		gr_error_set(&e, GR_ERR_DATA, "%s", bad);
lost_at:
		gr_error_at(&e, r->name, r->lineno);
lost:
		st->reason[why]++;
		if (diag)
			diag(ctx, 1, &e);
	}
	gr_buf_release(&scratch);
	return ret;
}

/* --- linking ------------------------------------------------------------------ */

static uint32_t find(const struct gr_spans *s, const struct gr_span *sp, const char *id,
		     struct gr_buf *key)
{
	size_t tn = (size_t)(sp->id - sp->trace) - 1;

	gr_buf_reset(key);
	if (gr_buf_add(key, sp->trace, tn + 1) || gr_buf_adds(key, id))
		return GR_NONE;
	uint32_t *ix = gr_strmap_get(&s->ids, key->data, key->len);
	return ix ? *ix : GR_NONE;
}

/* X-Ray: a segment started by a call that does not wait for it (an asynchronous
 * Invoke, or a write, publish or send whose consumer runs later). */
static bool xray_async(const struct gr_span *p, const struct gr_span *c)
{
	static const char *const ops[] = {
		"Publish", "SendMessage", "SendMessageBatch", "PutObject", "CopyObject",
		"CompleteMultipartUpload", "PutRecord", "PutRecords", "PutEvents", "PutItem",
		"BatchWriteItem", "UpdateItem", "DeleteItem", "StartExecution", NULL
	};

	if (c->sub || !p->sub || c->inferred)
		return false;
	if (p->inv && !strcmp(p->inv, "Event"))
		return true;
	for (int i = 0; p->aws_op && ops[i]; i++)
		if (!strcmp(p->aws_op, ops[i]))
			return true;
	return false;
}

/* What cmp_attempt needs. */
struct attempts {
	const uint32_t *up;     /* parent of each span */
	const struct gr_span *v;/* the spans */
};

/* Attempt subsegments by parent, then start, then reading order. */
static int cmp_attempt(const void *a, const void *b, void *ctx)
{
	const struct attempts *at = ctx;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	if (at->up[x] != at->up[y])
		return at->up[x] < at->up[y] ? -1 : 1;
	if (at->v[x].start_us != at->v[y].start_us)
		return at->v[x].start_us < at->v[y].start_us ? -1 : 1;
	return x < y ? -1 : x > y;
}

int gr_spans_link(struct gr_spans *s)
{
	struct gr_buf key = GR_BUF_INIT;
	uint32_t *up = malloc((s->n ? s->n : 1) * sizeof(*up));
	uint32_t *cnt = NULL, *chain = NULL;
	int rc = GR_ERR_NOMEM;

	if (!up)
		return rc;
	for (size_t i = 0; i < s->n; i++) {
		struct gr_span *sp = &s->v[i];
		sp->orphan = sp->async = false;
		up[i] = GR_NONE;
		if (!sp->parent_id)
			continue;
		up[i] = find(s, sp, sp->parent_id, &key);
		if (up[i] == i)
			up[i] = GR_NONE; /* its own parent: a root */
		if (up[i] == GR_NONE)
			sp->orphan = true;
	}
	/* X-Ray: a function segment runs within an attempt of its service segment:
	 * nest it there (the attempt that contains its start, else the last one before) */
	if (!(chain = malloc((s->n ? s->n : 1) * sizeof(*chain))))
		goto out;
	size_t na = 0;
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].xray == GR_XRAY_ATTEMPT && up[i] != GR_NONE &&
		    s->v[up[i]].xray == GR_XRAY_LAMBDA)
			chain[na++] = (uint32_t)i;
	if (na) {
		struct attempts at = { up, s->v };
		qsort_r(chain, na, sizeof(*chain), cmp_attempt, &at);
		for (size_t i = 0; i < s->n; i++) {
			if (s->v[i].xray != GR_XRAY_FUNCTION || up[i] == GR_NONE ||
			    s->v[up[i]].xray != GR_XRAY_LAMBDA)
				continue;
			uint32_t best = GR_NONE;
			/* the attempts of up[i]: binary search for the first, then by start */
			size_t a = 0, b = na;
			while (a < b) {
				size_t m = a + (b - a) / 2;
				if (up[chain[m]] < up[i])
					a = m + 1;
				else
					b = m;
			}
			for (; a < na && up[chain[a]] == up[i]; a++)
				if (s->v[chain[a]].start_us <= s->v[i].start_us)
					best = chain[a];
			if (best != GR_NONE)
				up[i] = best;
		}
	}
	free(chain);
	chain = NULL;
	/* X-Ray subsegments belong to the service of their segment */
	if (!(chain = malloc((s->n ? s->n : 1) * sizeof(*chain))))
		goto out;
	for (size_t i = 0; i < s->n; i++) {
		if (s->v[i].svc)
			continue;
		size_t nc = 0;
		uint32_t v = (uint32_t)i;
		const char *svc = NULL;
		while (v != GR_NONE && nc < s->n) {
			struct gr_span *x = &s->v[v];
			if (x->svc) {
				svc = x->svc;
				break;
			}
			chain[nc++] = v;
			if (!x->sub) {
				svc = x->op ? x->op : "";
				break;
			}
			v = up[v];
		}
		for (size_t k = 0; k < nc; k++)
			s->v[chain[k]].svc = svc ? svc : "";
	}
	for (size_t i = 0; i < s->n; i++) {
		struct gr_span *sp = &s->v[i];
		if (!sp->op)
			sp->op = "";
		sp->parent = GR_NONE;
		if (up[i] == GR_NONE)
			continue;
		const struct gr_span *p = &s->v[up[i]];
		if (sp->follows || (p->kind == GR_SPAN_PRODUCER && sp->kind == GR_SPAN_CONSUMER) ||
		    xray_async(p, sp))
			sp->async = true;
		else
			sp->parent = up[i];
	}
	/* a parent cycle (bad data) would hide its spans from every root: cut it */
	for (size_t i = 0; i < s->n; i++)
		chain[i] = 0;
	for (size_t i = 0; i < s->n; i++) {
		uint32_t v = (uint32_t)i;
		/* mark 1: being walked from i; 2: known to reach a root */
		while (v != GR_NONE && chain[v] == 0) {
			chain[v] = 1;
			v = s->v[v].parent;
		}
		if (v != GR_NONE && chain[v] == 1) {
			s->v[v].parent = GR_NONE; /* v closes a cycle */
			s->v[v].orphan = true;
		}
		for (v = (uint32_t)i; v != GR_NONE && chain[v] == 1; v = s->v[v].parent)
			chain[v] = 2;
	}
	/* children in reading order */
	free(s->child);
	s->child = malloc((s->n ? s->n : 1) * sizeof(*s->child));
	cnt = calloc(s->n + 1, sizeof(*cnt));
	if (!s->child || !cnt)
		goto out;
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].parent != GR_NONE)
			cnt[s->v[i].parent]++;
	uint32_t off = 0;
	for (size_t i = 0; i < s->n; i++) {
		s->v[i].child0 = off;
		off += cnt[i];
		s->v[i].nchild = 0;
	}
	for (size_t i = 0; i < s->n; i++) {
		uint32_t p = s->v[i].parent;
		if (p != GR_NONE)
			s->child[s->v[p].child0 + s->v[p].nchild++] = (uint32_t)i;
	}
	s->linked = true;
	rc = 0;
out:
	gr_buf_release(&key);
	free(up);
	free(cnt);
	free(chain);
	return rc;
}

/* --- the critical path ---------------------------------------------------------- */

void gr_cp_req_opts_init(struct gr_cp_req_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->overlap = 0.01;
	o->lengthening = 1.01;
}

void gr_cp_req_init(struct gr_cp_req *r)
{
	memset(r, 0, sizeof(*r));
}

void gr_cp_req_release(struct gr_cp_req *r)
{
	free(r->runs);
	free(r->items);
	free(r->secs);
	memset(r, 0, sizeof(*r));
}

/* A frame of the walk back through one span. */
struct rframe {
	uint32_t span;      /* the span */
	uint32_t item;      /* its entry in gr_cp_req.items */
	uint32_t depth;     /* 0 for the root */
	int64_t t;          /* the walk back has reached this time */
	size_t c0, nc, ci;  /* its critical children sel[c0 .. c0+nc), latest first; next ci */
};

struct rq {
	struct gr_spans *s;     /* the spans (times are sanitised in place) */
	const struct gr_cp_req_opts *o; /* tolerances */
	struct gr_cp_req *out;  /* the runs found */
	int64_t *off;           /* per span: clock shift applied to its subtree */
	uint32_t *stack;        /* sanitising */
	uint32_t *tmp;          /* one span's children, sorted */
	int64_t *starts, *ends; /* their starts and ends, ascending */
	size_t cap_tmp;         /* room in tmp, starts and ends */
	uint32_t *sel;          /* critical children of the frames */
	size_t nsel, cap_sel;   /* used, allocated */
	struct rframe *fr;      /* the walk's stack */
	size_t nfr, cap_fr;     /* used, allocated */
};

static int64_t dur(const struct gr_span *x)
{
	return x->end_us - x->start_us;
}

/* CRISP: a server child up to `lengthening` times longer than its client parent is
 * clock skew, not work outside the parent (clean client->server, or a server behind
 * a single-child non-server under a server). */
static bool client_server(const struct gr_spans *s, const struct gr_span *p,
			  const struct gr_span *c, double lengthening)
{
	if (c->kind != GR_SPAN_SERVER || p->nchild != 1)
		return false;
	if ((double)dur(c) > lengthening * (double)dur(p))
		return false;
	if (p->kind == GR_SPAN_CLIENT)
		return true;
	return p->kind != GR_SPAN_SERVER && p->parent != GR_NONE &&
	       s->v[p->parent].kind == GR_SPAN_SERVER;
}

/* Fit every synchronous descendant of root into its parent's interval, top down. */
static void sanitize(struct rq *q, uint32_t root, struct gr_cp_req_run *run)
{
	struct gr_spans *s = q->s;
	size_t n = 0;

	q->off[root] = 0;
	s->v[root].dropped = s->v[root].clipped = s->v[root].skewed = false;
	q->stack[n++] = root;
	run->spans = 0;
	run->dropped = 0;
	while (n) {
		uint32_t pi = q->stack[--n];
		struct gr_span *p = &s->v[pi];
		run->spans++;
		if (p->dropped)
			run->dropped++;
		for (uint32_t k = 0; k < p->nchild; k++) {
			uint32_t ci = s->child[p->child0 + k];
			struct gr_span *c = &s->v[ci];
			c->start_us += q->off[pi];
			c->end_us += q->off[pi];
			q->off[ci] = q->off[pi];
			c->clipped = c->skewed = false;
			c->dropped = p->dropped;
			q->stack[n++] = ci;
			if (c->dropped)
				continue;
			int64_t ps = p->start_us, pe = p->end_us, cs = c->start_us, ce = c->end_us;
			if ((cs < ps || ce > pe) && client_server(s, p, c, q->o->lengthening)) {
				int64_t d = ce - cs < pe - ps ? ce - cs : pe - ps, ns = cs;
				if (ns < ps)
					ns = ps;
				if (ns + d > pe)
					ns = pe - d;
				q->off[ci] += ns - cs;
				c->start_us = ns;
				c->end_us = ns + d;
				c->skewed = true;
			} else if (cs >= ps && ce <= pe) {
				/* inside */
			} else if (ce <= ps || cs >= pe) {
				c->dropped = true;
			} else {
				c->start_us = cs < ps ? ps : cs;
				c->end_us = ce > pe ? pe : ce;
				c->clipped = true;
			}
		}
	}
}

/* Children: latest end first; equal ends in reverse reading order (as CRISP). */
static int cmp_child(const void *a, const void *b, void *ctx)
{
	const struct gr_spans *s = ctx;
	const struct gr_span *x = &s->v[*(const uint32_t *)a], *y = &s->v[*(const uint32_t *)b];

	if (x->end_us != y->end_us)
		return x->end_us > y->end_us ? -1 : 1;
	return x->seq > y->seq ? -1 : x->seq < y->seq;
}


/* How many of the sorted values lie in [lo, hi]. */
static size_t count_in(const int64_t *v, size_t n, int64_t lo, int64_t hi)
{
	size_t a = 0, b = n;

	while (a < b) { /* first >= lo */
		size_t m = a + (b - a) / 2;
		if (v[m] < lo)
			a = m + 1;
		else
			b = m;
	}
	size_t first = a;
	b = n;
	while (a < b) { /* first > hi */
		size_t m = a + (b - a) / 2;
		if (v[m] <= hi)
			a = m + 1;
		else
			b = m;
	}
	return a - first;
}

/*
 * Does child cn end before child lrc starts? Back to back counts (cn.end <= lrc.start,
 * unlike Jaeger's strict <). A small overlap is clock skew when it is below the
 * allowance (a fraction of the parent's duration) and no other child starts or ends
 * inside it (CRISP's "exactly two events in the window").
 */
static bool happens_before(const struct rq *q, const struct gr_span *p, size_t nk,
			   const struct gr_span *cn, const struct gr_span *lrc)
{
	if (cn->end_us <= lrc->start_us)
		return true;
	if (cn->end_us < lrc->end_us && cn->start_us < lrc->start_us && dur(p) > 0 &&
	    (double)(cn->end_us - lrc->start_us) / (double)dur(p) < q->o->overlap)
		return count_in(q->starts, nk, lrc->start_us, cn->end_us) +
		       count_in(q->ends, nk, lrc->start_us, cn->end_us) == 2;
	return false;
}

static int push_item(struct gr_cp_req *out, uint32_t span, uint32_t depth, int64_t self)
{
	if (GR_GROW(out->items, out->nitems, out->cap_items))
		return GR_ERR_NOMEM;
	out->items[out->nitems++] = (struct gr_cp_item){ span, depth, self };
	return 0;
}

static int push_sec(struct gr_cp_req *out, uint32_t span, int64_t a, int64_t b)
{
	if (b <= a)
		return 0;
	if (GR_GROW(out->secs, out->nsecs, out->cap_secs))
		return GR_ERR_NOMEM;
	out->secs[out->nsecs++] = (struct gr_cp_section){ span, a, b };
	return 0;
}

/* Enter span si with the walk at time t: its critical children, latest first. */
static int enter(struct rq *q, uint32_t si, uint32_t depth, int64_t t)
{
	struct gr_spans *s = q->s;
	struct gr_span *sp = &s->v[si];
	size_t nk = 0;

	if (GR_GROW(q->fr, q->nfr, q->cap_fr))
		return GR_ERR_NOMEM;
	if (sp->nchild > q->cap_tmp) {
		size_t c = sp->nchild;
		uint32_t *a = realloc(q->tmp, c * sizeof(*a));
		if (a)
			q->tmp = a;
		int64_t *b = realloc(q->starts, c * sizeof(*b));
		if (b)
			q->starts = b;
		int64_t *d = realloc(q->ends, c * sizeof(*d));
		if (d)
			q->ends = d;
		if (!a || !b || !d)
			return GR_ERR_NOMEM;
		q->cap_tmp = c;
	}
	for (uint32_t k = 0; k < sp->nchild; k++) {
		uint32_t ci = s->child[sp->child0 + k];
		if (!s->v[ci].dropped)
			q->tmp[nk++] = ci;
	}
	for (size_t k = 0; k < nk; k++) {
		q->starts[k] = s->v[q->tmp[k]].start_us;
		q->ends[k] = s->v[q->tmp[k]].end_us;
	}
	if (nk > 1) {
		qsort_r(q->tmp, nk, sizeof(*q->tmp), cmp_child, s);
		qsort(q->starts, nk, sizeof(*q->starts), gr_cmp_i64);
		qsort(q->ends, nk, sizeof(*q->ends), gr_cmp_i64);
	}

	struct rframe *f = &q->fr[q->nfr++];
	*f = (struct rframe){ .span = si, .item = (uint32_t)q->out->nitems, .depth = depth,
			      .t = t < sp->end_us ? t : sp->end_us, .c0 = q->nsel, .ci = q->nsel };
	int64_t self = dur(sp);
	const struct gr_span *lrc = NULL;
	for (size_t k = 0; k < nk; k++) {
		const struct gr_span *cn = &s->v[q->tmp[k]];
		if (lrc && !happens_before(q, sp, nk, cn, lrc))
			continue;
		if (GR_GROW(q->sel, q->nsel, q->cap_sel))
			return GR_ERR_NOMEM;
		q->sel[q->nsel++] = q->tmp[k];
		self -= dur(cn);
		lrc = cn;
	}
	f->nc = q->nsel - f->c0;
	return push_item(q->out, si, depth, self > 0 ? self : 0);
}

static int cmp_item(const void *a, const void *b, void *ctx)
{
	const struct gr_spans *s = ctx;
	const struct gr_cp_item *x = a, *y = b;
	const struct gr_span *sx = &s->v[x->span], *sy = &s->v[y->span];

	if (sx->start_us != sy->start_us)
		return sx->start_us < sy->start_us ? -1 : 1;
	if (x->depth != y->depth)
		return x->depth < y->depth ? -1 : 1;
	return sx->seq < sy->seq ? -1 : sx->seq > sy->seq;
}

/* The walk back from the root's end: sections newest first, then reversed. */
static int one_tree(struct rq *q, uint32_t root)
{
	struct gr_spans *s = q->s;
	struct gr_cp_req *out = q->out;

	if (GR_GROW(out->runs, out->nruns, out->cap_runs))
		return GR_ERR_NOMEM;
	struct gr_cp_req_run *run = &out->runs[out->nruns++];
	memset(run, 0, sizeof(*run));
	run->root = root;
	run->latency_us = dur(&s->v[root]);
	run->item0 = (uint32_t)out->nitems;
	run->sec0 = (uint32_t)out->nsecs;
	sanitize(q, root, run);
	q->nsel = 0;
	q->nfr = 0;
	if (enter(q, root, 0, s->v[root].end_us))
		return GR_ERR_NOMEM;
	while (q->nfr) {
		struct rframe *f = &q->fr[q->nfr - 1];
		if (f->ci < f->c0 + f->nc) {
			uint32_t ci = q->sel[f->ci++];
			const struct gr_span *c = &s->v[ci];
			int64_t ce = c->end_us < f->t ? c->end_us : f->t;
			if (push_sec(out, f->span, ce, f->t))
				return GR_ERR_NOMEM;
			int64_t t = f->t;
			f->t = c->start_us < t ? c->start_us : t;
			if (enter(q, ci, f->depth + 1, ce))
				return GR_ERR_NOMEM;
			continue;
		}
		if (push_sec(out, f->span, s->v[f->span].start_us, f->t))
			return GR_ERR_NOMEM;
		q->nsel = f->c0;
		q->nfr--;
	}
	run = &out->runs[out->nruns - 1];
	run->nitem = (uint32_t)(out->nitems - run->item0);
	run->nsec = (uint32_t)(out->nsecs - run->sec0);
	/* secs is still NULL when no run had a section: no arithmetic on it */
	struct gr_cp_section *sec = run->nsec ? out->secs + run->sec0 : NULL;
	for (size_t i = 0, j = run->nsec; i + 1 < j; i++, j--) {
		struct gr_cp_section x = sec[i];
		sec[i] = sec[j - 1];
		sec[j - 1] = x;
	}
	if (run->nitem > 1)
		qsort_r(out->items + run->item0, run->nitem, sizeof(*out->items), cmp_item, s);
	return 0;
}

/* Runs by trace, then root start, then root id. */
static int cmp_root(const void *a, const void *b, void *ctx)
{
	const struct gr_spans *s = ctx;
	const struct gr_span *x = &s->v[*(const uint32_t *)a], *y = &s->v[*(const uint32_t *)b];
	size_t xn = (size_t)(x->id - x->trace) - 1, yn = (size_t)(y->id - y->trace) - 1;
	int c = memcmp(x->trace, y->trace, xn < yn ? xn : yn);

	if (c)
		return c;
	if (xn != yn)
		return xn < yn ? -1 : 1;
	if (x->start_us != y->start_us)
		return x->start_us < y->start_us ? -1 : 1;
	return strcmp(x->id, y->id);
}

int gr_cp_request(struct gr_spans *s, const struct gr_cp_req_opts *o, struct gr_cp_req *out,
		  struct gr_error *err)
{
	struct rq q = { .s = s, .o = o, .out = out };
	size_t n = s->n ? s->n : 1, nroots = 0;
	uint32_t *roots = NULL;
	int rc = GR_ERR_NOMEM;

	if (!s->linked && gr_spans_link(s))
		return gr_error_set(err, GR_ERR_NOMEM, "out of memory");
	q.off = malloc(n * sizeof(*q.off));
	q.stack = malloc(n * sizeof(*q.stack));
	roots = malloc(n * sizeof(*roots));
	if (!q.off || !q.stack || !roots)
		goto out;
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].parent == GR_NONE &&
		    (!o->root || !strcmp(s->v[i].id, o->root)))
			roots[nroots++] = (uint32_t)i;
	if (o->root && !nroots) {
		rc = gr_error_set(err, GR_ERR_USAGE, "--root %s: %s", o->root,
				  "no span tree has this root span id");
		goto out;
	}
	qsort_r(roots, nroots, sizeof(*roots), cmp_root, s);
	for (size_t i = 0; i < nroots; i++)
		if (one_tree(&q, roots[i]))
			goto out;
	rc = 0;
out:
	if (rc == GR_ERR_NOMEM)
		gr_error_set(err, rc, "out of memory");
	free(roots);
	free(q.off);
	free(q.stack);
	free(q.tmp);
	free(q.starts);
	free(q.ends);
	free(q.sel);
	free(q.fr);
	return rc;
}
