/* infer_shard.c: gammaray-infer --stage: the stages' driver, and the map, request and stream stages. */
#include "infer/infer_shard.h"

#include "common/numbers.h"
#include "common/strmap.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const stage_names[GR_STAGE_COUNT] = {
	[GR_STAGE_MAP] = "map",       [GR_STAGE_REQUEST] = "request", [GR_STAGE_STREAM] = "stream",
	[GR_STAGE_TRACE] = "trace",   [GR_STAGE_LINK] = "link",       [GR_STAGE_EFFECT] = "effect",
	[GR_STAGE_MERGE] = "merge",
};

static const char stage_letters[GR_STAGE_COUNT] = {
	[GR_STAGE_REQUEST] = SH_REQUEST, [GR_STAGE_STREAM] = SH_STREAM, [GR_STAGE_TRACE] = SH_TRACE,
	[GR_STAGE_LINK] = SH_LINK,       [GR_STAGE_EFFECT] = SH_EFFECT, [GR_STAGE_MERGE] = SH_MERGE,
};

int gr_infer_stage_parse(const char *name)
{
	for (int i = GR_STAGE_MAP; i < GR_STAGE_COUNT; i++)
		if (!strcmp(name, stage_names[i]))
			return i;
	return -1;
}

const char *gr_infer_stage_name(int stage)
{
	return stage > GR_STAGE_NONE && stage < GR_STAGE_COUNT ? stage_names[stage] : NULL;
}

static const char *letter_stage(char c)
{
	for (int i = GR_STAGE_REQUEST; i < GR_STAGE_COUNT; i++)
		if (stage_letters[i] == c)
			return stage_names[i];
	return NULL;
}

/* --- map: event records to keyed lines ------------------------------------------ */

static void emit(struct gr_shard *sh, char letter, const char *key, size_t kn, const char *pos,
		 char type, const char *line, size_t n)
{
	gr_sh_begin(sh, letter, key, kn, pos, type);
	gr_sh_str(sh, line, n);
	gr_sh_end(sh);
}

/* The request id a record names, or false with the loss counted (as gammaray-infer). */
static bool record_req(struct gr_infer *rd)
{
	const struct gr_event *ev = &rd->ev;

	if (!ev->req.n) {
		gr_inf_lost(rd, GR_LOST_NO_REQUEST, "%.*s record without a request id",
			    (int)ev->type_name.n, ev->type_name.p);
		return false;
	}
	if (!gr_is_request_id(ev->req.p, ev->req.n)) {
		gr_inf_lost(rd, GR_LOST_BAD_RECORD, "%.*s record with an invalid request id",
			    (int)ev->type_name.n, ev->type_name.p);
		return false;
	}
	return true;
}

/* The request id a call marker names as its callee (a request id as written), if any. */
static struct gr_str marker_callee(struct gr_infer *rd, const struct gr_event *ev)
{
	static const char *const names[] = { "callee" };
	struct gr_jv v[1];

	/* the line buffer is reused: what the engine remembers of the last objects
	 * may sit at the same address */
	gr_inf_objs_clear(rd);
	if (!gr_inf_obj_fields(rd, ev->m, names, 1, v) || v[0].t != GR_JT_STR || v[0].esc ||
	    !gr_is_request_id(v[0].p, v[0].n))
		return (struct gr_str){ NULL, 0 };
	return (struct gr_str){ v[0].p, v[0].n };
}

static bool is_invoke(struct gr_str op)
{
	return gr_str_is(op, "Invoke") || gr_str_is(op, "InvokeAsync") ||
	       gr_str_is(op, "InvokeWithResponseStream");
}

/*
 * A segment: its home is its trace, but an invocation's own segment (AWS::Lambda with
 * aws.request_id, or the span of an invocation with faas.invocation_id) is read with
 * the request's records first (a copy goes to the trace); an Invoke naming its
 * callee's request id is copied to the callee; a segment holding span links is copied
 * to each trace its links name, where they are followed.
 */
static void map_segment(struct gr_shard *sh, struct gr_infer *rd, const char *pos,
			const char *line, size_t n)
{
	const struct gr_event *ev = &rd->ev;
	bool req_ok = ev->req.n && gr_is_request_id(ev->req.p, ev->req.n);
	bool svc, callee;
	char key[128], lkey[128];

	if (ev->kind.n) {
		bool server = gr_str_is(ev->kind, "server"), consumer = gr_str_is(ev->kind, "consumer");
		bool client = gr_str_is(ev->kind, "client") || gr_str_is(ev->kind, "producer");
		bool invocation = ev->fn.n && (server || (consumer && (req_ok || !ev->parent.n)));
		svc = invocation && req_ok;
		callee = !invocation && client && req_ok && is_invoke(ev->op);
	} else {
		svc = !ev->sub && gr_str_is(ev->origin, "AWS::Lambda") && !ev->inferred && req_ok;
		callee = ev->sub && req_ok && is_invoke(ev->op);
	}
	size_t kn = gr_sh_trace_key(key, sizeof(key), ev->trace);
	if (svc) {
		emit(sh, SH_REQUEST, ev->req.p, ev->req.n, pos, 'R', line, n);
		emit(sh, SH_TRACE, key, kn, pos, 'C', line, n);
	} else {
		emit(sh, SH_TRACE, key, kn, pos, 'R', line, n);
	}
	if (callee)
		emit(sh, SH_REQUEST, ev->req.p, ev->req.n, pos, 'C', line, n);
	if (!ev->links.n)
		return;
	/* one copy to each trace the links name */
	struct gr_js it;
	struct gr_ev_link lk;
	uint64_t done[16];
	size_t ndone = 0;
	gr_ev_links_begin(&it, &ev->links);
	while (gr_ev_link_next(&it, &lk)) {
		size_t ln = gr_sh_trace_key(lkey, sizeof(lkey), lk.trace.n ? lk.trace : ev->trace);
		uint64_t h = gr_hash(lkey, ln);
		bool seen = false;
		for (size_t i = 0; i < ndone; i++)
			seen |= done[i] == h;
		if (seen)
			continue;
		if (ndone < sizeof(done) / sizeof(done[0]))
			done[ndone++] = h;
		emit(sh, SH_TRACE, lkey, ln, pos, 'Q', line, n);
	}
}

void gr_sh_map_line(struct gr_infer *rd, const char *line, size_t n)
{
	struct gr_shard *sh = rd->line_ctx;
	struct gr_event *ev = &rd->ev;
	struct gr_error e = { 0 };
	char pos[SH_POS_LEN + 1];

	/* where it was read: positions order the records as one run reads them */
	gr_sh_pos(pos, sh->part, rd->inputs ? rd->inputs - 1 : 0, rd->line);
	int rc = gr_ev_parse(line, n, ev, &rd->scratch, rd->o.max_depth, &e);
	if (rc || ev->type == GR_EV_HEADER || ev->type == GR_EV_OTHER || ev->type == GR_EV_LOG ||
	    ev->type == GR_EV_RESTORE_DONE) {
		/* what the record is decides its fate here, as gammaray-infer decides it */
		gr_inf_record(rd, line, n);
		return;
	}
	rd->st.io.records_in++;
	switch (ev->type) {
	case GR_EV_MARKER:
		if (!ev->m.n) {
			gr_inf_lost(rd, GR_LOST_BAD_MARKER, "marker record without its object \"m\"");
			return;
		}
		/* fall through */
	case GR_EV_START:
	case GR_EV_END:
	case GR_EV_REPORT:
	case GR_EV_FAULT:
		if (!record_req(rd))
			return;
		emit(sh, SH_REQUEST, ev->req.p, ev->req.n, pos, 'R', line, n);
		if (ev->type == GR_EV_START && ev->stream.n)
			emit(sh, SH_STREAM, ev->stream.p, ev->stream.n, pos, 'C', line, n);
		if (ev->type == GR_EV_MARKER) {
			struct gr_str callee = marker_callee(rd, ev);
			if (callee.n && !(callee.n == ev->req.n && !memcmp(callee.p, ev->req.p, callee.n)))
				emit(sh, SH_REQUEST, callee.p, callee.n, pos, 'C', line, n);
		}
		break;
	case GR_EV_INIT_START:
	case GR_EV_INIT_REPORT:
	case GR_EV_RESTORE_START:
	case GR_EV_RESTORE_REPORT:
	case GR_EV_STREAM:
		emit(sh, SH_STREAM, ev->stream.p ? ev->stream.p : "", ev->stream.n, pos, 'R', line, n);
		break;
	case GR_EV_STATS:
		/* the merge sums them per stage, as gammaray-infer does */
		emit(sh, SH_MERGE, "4", 1, pos, 'S', line, n);
		break;
	case GR_EV_SEGMENT:
		map_segment(sh, rd, pos, line, n);
		break;
	default:
		break;
	}
	if (sh->fatal)
		rd->fatal = sh->fatal;
}

/* --- request: one request id's records ------------------------------------------------ */

/* The trace key of a segment record (its trace id normalised). */
static size_t segment_trace_key(struct gr_shard *sh, const char *rec, char *out, size_t size)
{
	struct gr_event ev;
	struct gr_buf scratch = GR_BUF_INIT;
	struct gr_error e = { 0 };
	size_t n = 0;

	if (!gr_ev_parse(rec, strlen(rec), &ev, &scratch, sh->o.max_depth, &e))
		n = gr_sh_trace_key(out, size, ev.trace);
	gr_buf_release(&scratch);
	return n;
}

/* An invocation's bundle ('N'), to its trace (unit, un bytes). */
static void bundle_node(struct gr_shard *sh, const char *unit, size_t un, const char *pos,
			const struct gr_infer *inf, const struct gr_inf_node *n, bool named)
{
	struct gr_inf_node m = *n;

	m.flags &= (uint8_t)~NF_RELEASED; /* the engine's own bookkeeping */
	gr_sh_begin(sh, SH_TRACE, unit, un, pos, 'N');
	gr_sh_cstr(sh, n->id);
	gr_sh_cstr(sh, unit);
	gr_sh_opt(sh, n->fn);
	gr_sh_opt(sh, n->stream);
	gr_sh_opt(sh, n->trace);
	gr_sh_fields(sh, &m, gr_sh_node_fields, gr_sh_node_nfields);
	gr_sh_i64(sh, named);
	gr_sh_end(sh);
	(void)inf;
}

void gr_sh_request(struct gr_shard *sh)
{
	const char *id = sh->lines[0].f[0] + 1;
	struct gr_infer *inf = gr_sh_engine(sh);
	const char *first_ref = NULL, **cpos = NULL;
	uint32_t *cord = NULL, *ahead = NULL, *anext = NULL;
	char unit[160];
	size_t unit_n = 0;

	if (!inf)
		return;
	for (size_t i = 0; i < sh->gn && !inf->fatal; i++) {
		const struct gr_sh_line *l = &sh->lines[i];
		char t = gr_sh_type(l);
		if (t != 'R' && t != 'C') {
			gr_sh_fail(sh, GR_ERR_FORMAT, "request stage: a line of type '%c'", t);
			break;
		}
		size_t before = inf->causes.n;
		uint32_t ni = gr_inf_node_find(inf, id, strlen(id));
		uint32_t xs = ni == INF_NONE ? INF_NONE : INF_NODE(inf, ni)->xsvc;
		gr_sh_replay(sh, inf, l, 3, t == 'R');
		if (inf->causes.n > before) {
			const char **p = realloc(cpos, inf->causes.n * sizeof(*p));
			uint32_t *q = p ? realloc(cord, inf->causes.n * sizeof(*q)) : NULL;
			if (!p || !q) {
				free(p ? p : cpos);
				cpos = NULL;
				gr_sh_fail(sh, GR_ERR_NOMEM, "out of memory");
				break;
			}
			cpos = p;
			cord = q;
			for (size_t c = before; c < inf->causes.n; c++) {
				cpos[c] = l->f[1];
				cord[c] = (uint32_t)(c - before);
			}
		}
		/* the node was first named here (its own record, or an Invoke's segment) */
		if (!first_ref && (t == 'R' || inf->ev.type == GR_EV_SEGMENT))
			first_ref = l->f[1];
		ni = gr_inf_node_find(inf, id, strlen(id));
		if (!unit_n && ni != INF_NONE && xs == INF_NONE && INF_NODE(inf, ni)->xsvc != INF_NONE)
			unit_n = segment_trace_key(sh, gr_sh_f_str(l, 3), unit, sizeof(unit));
	}
	uint32_t ni = gr_inf_node_find(inf, id, strlen(id));
	if (sh->fatal || inf->fatal || ni == INF_NONE || !(INF_NODE(inf, ni)->flags & NF_RUN) ||
	    !first_ref)
		goto out;
	const struct gr_inf_node *n = INF_NODE(inf, ni);
	if (!unit_n && n->trace)
		unit_n = gr_sh_trace_key(unit, sizeof(unit),
					 (struct gr_str){ n->trace, strlen(n->trace) });
	if (!unit_n)
		unit_n = (size_t)snprintf(unit, sizeof(unit), "r:%s", id);
	uint64_t callee_fp = gr_inf_fp1(T_LCALLEE, id, strlen(id));
	bool named = gr_inf_alias_first(inf, callee_fp) != INF_NONE;
	/* the bundle, to its trace; to the log stream of its last attempt, what the stream
	 * stage needs to find the cold start: its start, and where the bundle went */
	size_t un = strlen(unit); /* (unit_n is what snprintf wanted: more, if it was cut) */
	if (n->stream) {
		gr_sh_begin(sh, SH_STREAM, n->stream, strlen(n->stream), first_ref, 'n');
		gr_sh_cstr(sh, id);
		gr_sh_cstr(sh, unit);
		gr_sh_i64(sh, n->start_ts);
		gr_sh_end(sh);
	}
	bundle_node(sh, unit, un, first_ref, inf, n, named);
	if (gr_sh_alias_lists(inf, &ahead, &anext)) {
		gr_sh_fail(sh, GR_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (size_t c = 0; c < inf->causes.n; c++) {
		const struct gr_inf_cause *cs = INF_CAUSE(inf, c);
		if (cs->node != ni || (cs->flags & CF_XRAY))
			continue;
		gr_sh_begin(sh, SH_TRACE, unit, un, first_ref, 'K');
		gr_sh_cstr(sh, id);
		gr_sh_cstr(sh, cpos[c]);
		gr_sh_u64(sh, cord[c]);
		gr_sh_i64(sh, cs->ts);
		gr_sh_u64(sh, cs->key);
		gr_sh_opt(sh, cs->text);
		gr_sh_i64(sh, cs->kind);
		gr_sh_i64(sh, cs->op);
		gr_sh_i64(sh, cs->flags);
		for (uint32_t a = ahead[c]; a != INF_NONE; a = anext[a])
			gr_sh_u64(sh, INF_ALIAS(inf, a)->key);
		gr_sh_end(sh);
	}
	int ord = 0;
	for (uint32_t si = n->src; si != INF_NONE; si = INF_SRC(inf, si)->next, ord++) {
		const struct gr_inf_src *s = INF_SRC(inf, si);
		const struct gr_inf_s3x *x = s->s3 != INF_NONE ?
			INF_AT(inf, s3x, struct gr_inf_s3x, s->s3) : NULL;
		gr_sh_begin(sh, SH_TRACE, unit, un, first_ref, 'S');
		gr_sh_cstr(sh, id);
		gr_sh_u64(sh, (uint64_t)ord);
		gr_sh_u64(sh, s->key);
		gr_sh_opt(sh, s->text);
		gr_sh_opt(sh, s->order);
		gr_sh_i64(sh, s->kind);
		gr_sh_i64(sh, s->op);
		gr_sh_i64(sh, s->rule);
		gr_sh_i64(sh, s->flags);
		gr_sh_u64(sh, x ? x->alt : 0);
		gr_sh_u64(sh, x ? x->version : 0);
		gr_sh_u64(sh, x ? x->etag : 0);
		gr_sh_end(sh);
	}
	/* Invokes whose call markers name this request id: candidates of its edges, and
	 * their causes are used */
	for (uint32_t a = gr_inf_alias_first(inf, callee_fp); a != INF_NONE;
	     a = INF_ALIAS(inf, a)->next) {
		uint32_t ci = INF_ALIAS(inf, a)->cause;
		const struct gr_inf_cause *cs = INF_CAUSE(inf, ci);
		if (cs->flags & CF_XRAY)
			continue;
		const char *from = INF_NODE(inf, cs->node)->id;
		bool sync = cs->op == OP_SYNC;
		gr_sh_begin(sh, SH_EFFECT, id, strlen(id), cpos[ci], 'X');
		gr_sh_i64(sh, -1);
		gr_sh_cstr(sh, from);
		gr_sh_i64(sh, cs->ts);
		gr_sh_i64(sh, sync);
		gr_sh_opt(sh, id);
		gr_sh_f32(sh, 1.0f);
		gr_sh_i64(sh, cs->kind);
		gr_sh_i64(sh, sync);
		gr_sh_i64(sh, EV_MARKER);
		gr_sh_i64(sh, 1);
		gr_sh_i64(sh, !sync);
		gr_sh_end(sh);
		gr_sh_begin(sh, SH_EFFECT, from, strlen(from), cpos[ci], 'V');
		gr_sh_cstr(sh, cpos[ci]);
		gr_sh_u64(sh, cord[ci]);
		gr_sh_end(sh);
	}
out:
	free(cpos);
	free(cord);
	free(ahead);
	free(anext);
	gr_sh_engine_done(sh, inf);
}

/* --- stream: one log stream --------------------------------------------------------- */

void gr_sh_stream(struct gr_shard *sh)
{
	const char *name = sh->lines[0].f[0] + 1;
	struct gr_infer *inf = gr_sh_engine(sh);

	if (!inf)
		return;
	/* its INIT and RESTORE records, and copies of the STARTs it ran, in the order one
	 * run reads them (an untimed failed init goes with the next untimed START) */
	for (size_t i = 0; i < sh->gn && !inf->fatal; i++) {
		const struct gr_sh_line *l = &sh->lines[i];
		char t = gr_sh_type(l);
		if (t == 'R' || t == 'C')
			gr_sh_replay(sh, inf, l, 3, t == 'R');
	}
	struct gr_inf_stream *s = gr_inf_stream_get(inf, name, strlen(name));
	if (!s || inf->fatal || sh->fatal)
		goto out;
	int64_t boot = gr_inf_stream_boot(s), first_after = GR_TIME_UNKNOWN;
	/* the first START after the boot among the invocations whose last attempt ran here */
	for (size_t i = 0; i < sh->gn; i++) {
		const struct gr_sh_line *l = &sh->lines[i];
		if (gr_sh_type(l) != 'n')
			continue;
		int64_t st = gr_sh_f_i64(sh, l, 5);
		if (boot != GR_TIME_UNKNOWN && st != GR_TIME_UNKNOWN && st >= boot &&
		    (first_after == GR_TIME_UNKNOWN || st < first_after))
			first_after = st;
	}
	/* the stream, to the traces of the invocations; an invocation's line shares its
	 * bundle's position */
	for (size_t i = 0, j; i < sh->gn && !sh->fatal; i = j) {
		const char *pos = sh->lines[i].f[1], *unit = NULL, *id = NULL;
		for (j = i; j < sh->gn && !strcmp(sh->lines[j].f[1], pos); j++)
			if (gr_sh_type(&sh->lines[j]) == 'n') {
				id = gr_sh_f_str(&sh->lines[j], 3);
				unit = gr_sh_f_str(&sh->lines[j], 4);
			}
		if (!unit)
			continue;
		uint32_t ni = gr_inf_node_find(inf, id, strlen(id));
		bool failed = ni != INF_NONE && (INF_NODE(inf, ni)->flags & NF_FAILED_INIT);
		size_t un = strlen(unit);
		struct gr_inf_stream m = *s;
		m.first_after = first_after;
		gr_sh_begin(sh, SH_TRACE, unit, un, pos, 'T');
		gr_sh_cstr(sh, id);
		gr_sh_cstr(sh, name);
		gr_sh_opt(sh, s->fn);
		gr_sh_fields(sh, &m, gr_sh_stream_fields, gr_sh_stream_nfields);
		gr_sh_i64(sh, failed);
		gr_sh_opt(sh, s->runtime);
		gr_sh_end(sh);
	}
out:
	gr_sh_engine_done(sh, inf);
}

/* --- the driver ------------------------------------------------------------------------ */

static int cmp_line(const void *a, const void *b, void *ctx)
{
	const char *raw = ctx;

	return strcmp(raw + *(const size_t *)a, raw + *(const size_t *)b);
}

static void group_done(struct gr_shard *sh)
{
	if (!sh->gn)
		return;
	/* a group's lines in their positions' order, whatever the order they came in (an
	 * engine that sorts by key alone, as Hadoop does, keeps them together) */
	qsort_r(sh->goff, sh->gn, sizeof(*sh->goff), cmp_line, sh->graw.data);
	if (!gr_sh_group_split(sh) && !sh->fatal) {
		switch (sh->stage) {
		case GR_STAGE_REQUEST: gr_sh_request(sh); break;
		case GR_STAGE_STREAM: gr_sh_stream(sh); break;
		case GR_STAGE_TRACE: gr_sh_trace(sh); break;
		case GR_STAGE_LINK: gr_sh_link(sh); break;
		case GR_STAGE_EFFECT: gr_sh_effect(sh); break;
		default: break;
		}
	} else if (!sh->fatal) {
		gr_sh_fail(sh, GR_ERR_NOMEM, "out of memory");
	}
	/* the key read last, for the order check */
	gr_buf_reset(&sh->prev);
	if (gr_buf_add(&sh->prev, sh->gkey.data, sh->gkey.len))
		gr_sh_fail(sh, GR_ERR_NOMEM, "out of memory");
	gr_buf_reset(&sh->gkey);
	gr_buf_reset(&sh->graw);
	sh->gn = 0;
}

/* Is key a after key b in the order of LC_ALL=C sort (a key ends at a tab)? */
static int cmp_key(const char *a, size_t an, const char *b, size_t bn)
{
	int c = memcmp(a, b, an < bn ? an : bn);

	if (c)
		return c;
	return (an > bn) - (an < bn);
}

/* Add a line of this stage's (key: its first kn bytes) to the group being read, the
 * group before done when the key changes; sorted: check the keys' order. same: 1 the
 * caller knows the key is the group's, 0 that it is another, -1 compare them. */
static void group_add(struct gr_shard *sh, const char *line, size_t n, size_t kn, bool sorted,
		      int same, const char *file, uint64_t lineno)
{
	if (sorted && (sh->passing || (sh->gn && cmp_key(line, kn, sh->gkey.data, sh->gkey.len) < 0) ||
		       (!sh->gn && sh->prev.len && cmp_key(line, kn, sh->prev.data, sh->prev.len) <= 0))) {
		gr_sh_fail(sh, GR_ERR_FORMAT, "%s:%llu: the input is not sorted (sort it with "
			   "LC_ALL=C sort before each stage, or give --unsorted)", file,
			   (unsigned long long)lineno);
		return;
	}
	if (sh->gn && (same < 0 ? cmp_key(line, kn, sh->gkey.data, sh->gkey.len) != 0 : !same))
		group_done(sh);
	if (!sh->gn && gr_buf_add(&sh->gkey, line, kn)) {
		gr_sh_fail(sh, GR_ERR_NOMEM, "out of memory");
		return;
	}
	if (gr_sh_grow(&sh->goff, &sh->gcap, sh->gn + 1, sizeof(*sh->goff))) {
		gr_sh_fail(sh, GR_ERR_NOMEM, "out of memory");
		return;
	}
	sh->goff[sh->gn++] = sh->graw.len;
	if (gr_buf_add(&sh->graw, line, n) || gr_buf_addc(&sh->graw, '\0'))
		gr_sh_fail(sh, GR_ERR_NOMEM, "out of memory");
}

/* Unsorted input: hold a line of this stage's (its key the first kn bytes) until all
 * are read: where it is in a file mapped (seg > 0), else copied. */
static void hold_line(struct gr_shard *sh, const char *line, size_t n, size_t kn, uint32_t seg)
{
	if (sh->un >= UINT32_MAX) {
		gr_sh_fail(sh, GR_ERR_NOMEM, "more than %u lines for one stage with --unsorted "
			   "(give it fewer, or sorted)", UINT32_MAX);
		return;
	}
	if (gr_sh_grow(&sh->uh, &sh->ucap, sh->un + 1, sizeof(*sh->uh))) {
		gr_sh_fail(sh, GR_ERR_NOMEM, "out of memory");
		return;
	}
	struct gr_sh_held *h = &sh->uh[sh->un++];
	h->seg = seg;
	h->len = (uint32_t)n;
	h->kn = (uint32_t)kn;
	if (seg) {
		h->off = (size_t)(line - sh->useg[seg - 1].base);
		return;
	}
	h->off = sh->uraw.len;
	if (gr_buf_add(&sh->uraw, line, n))
		gr_sh_fail(sh, GR_ERR_NOMEM, "out of memory");
}

static void stage_line(struct gr_shard *sh, struct gr_infer *rd, const char *line, size_t n,
		       uint32_t seg)
{
	const char *tab = memchr(line, '\t', n);
	size_t kn = tab ? (size_t)(tab - line) : n;

	if (sh->fatal)
		goto out;
	if (!tab || !kn || !letter_stage(line[0]) || memchr(line, '\0', n)) {
		gr_sh_fail(sh, GR_ERR_FORMAT, "%s:%llu: not a line of a stage of gammaray-infer "
			   "(give each stage the sorted output of the one before)", rd->file,
			   (unsigned long long)rd->line);
		goto out;
	}
	if (line[0] < sh->letter) {
		gr_sh_fail(sh, GR_ERR_FORMAT, "%s:%llu: a line for the %s stage: this is the %s "
			   "stage (give each stage the sorted output of the one before)", rd->file,
			   (unsigned long long)rd->line, letter_stage(line[0]),
			   gr_infer_stage_name(sh->stage));
		goto out;
	}
	if (sh->unsorted && (line[0] == sh->letter || sh->stage == GR_STAGE_MERGE)) {
		hold_line(sh, line, n, kn, seg);
		goto out;
	}
	if (sh->stage == GR_STAGE_MERGE) {
		gr_sh_merge_line(sh, line, n);
		goto out;
	}
	if (line[0] > sh->letter) {
		/* a later stage's: the groups of this one are done (sorted input) */
		if (!sh->unsorted) {
			group_done(sh);
			sh->passing = true;
		}
		gr_sh_copy(sh, line, n);
		goto out;
	}
	group_add(sh, line, n, kn, true, -1, rd->file, rd->line);
out:
	if (sh->fatal)
		rd->fatal = sh->fatal;
}

static void reduce_line(struct gr_infer *rd, const char *line, size_t n)
{
	stage_line(rd->line_ctx, rd, line, n, 0);
}

/*
 * Unsorted input from a file: mapped, its lines held where they are (a stage's input
 * is its whole partition: copied, it was as much memory again, and on a machine where
 * fresh memory is dear, most of the merge's time). 1: not a file that can be mapped
 * (a pipe, gzip, empty), to be read as any input; 0 done, or a fatal error.
 */
static int map_input(struct gr_shard *sh, const char *path)
{
	struct gr_infer *rd = sh->rd;
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 1;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size < 2) {
		close(fd);
		return 1;
	}
	size_t size = (size_t)st.st_size;
	char *base = mmap(NULL, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
	close(fd);
	if (base == MAP_FAILED)
		return 1;
	if ((unsigned char)base[0] == 0x1f && (unsigned char)base[1] == 0x8b) {
		munmap(base, size);
		return 1;
	}
	if (gr_sh_grow(&sh->useg, &sh->segcap, sh->nseg + 1, sizeof(*sh->useg))) {
		munmap(base, size);
		return gr_sh_fail(sh, GR_ERR_NOMEM, "out of memory"), sh->fatal;
	}
	sh->useg[sh->nseg++] = (struct gr_sh_seg){ base, size };
	/* as the input loop reads a stage's lines: a carriage return before the newline
	 * is not the line's, empty lines are none */
	rd->file = path;
	rd->line = 0;
	for (const char *p = base, *end = base + size; p < end && !sh->fatal;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		size_t n = (size_t)(le - p);
		rd->line++;
		if (n && p[n - 1] == '\r')
			n--;
		if (n > rd->o.max_line)
			gr_sh_fail(sh, GR_ERR_DATA, "%s:%llu: a line longer than %zu bytes: not a "
				   "line of a stage of gammaray-infer", path,
				   (unsigned long long)rd->line, rd->o.max_line);
		else if (n)
			stage_line(sh, rd, p, n, (uint32_t)sh->nseg);
		p = le + 1;
	}
	return sh->fatal;
}

/* The held lines let go, the files unmapped. */
static void release_held(struct gr_shard *sh)
{
	for (size_t i = 0; i < sh->nseg; i++)
		munmap(sh->useg[i].base, sh->useg[i].size);
	free(sh->useg);
	free(sh->uh);
	gr_buf_release(&sh->uraw);
	sh->useg = NULL;
	sh->uh = NULL;
	sh->nseg = sh->segcap = sh->un = sh->ucap = 0;
}

struct held {
	const struct gr_sh_held *h;
	const char *const *base;  /* each segment's */
	size_t from;              /* the lines compared: equal before this byte */
};

static const char *held_at(const struct held *c, uint32_t x)
{
	return c->base[c->h[x].seg] + c->h[x].off;
}

/* The bytes from `from` on, as LC_ALL=C sort compares lines (no NUL in them). */
static int cmp_held_line(const void *a, const void *b, void *ctx)
{
	const struct held *c = ctx;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	size_t xn = c->h[x].len - c->from, yn = c->h[y].len - c->from;
	int r = memcmp(held_at(c, x) + c->from, held_at(c, y) + c->from, xn < yn ? xn : yn);

	return r ? r : (xn > yn) - (xn < yn);
}

static int cmp_held_key(const void *a, const void *b, void *ctx)
{
	const struct held *c = ctx;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return cmp_key(held_at(c, x), c->h[x].kn, held_at(c, y), c->h[y].kn);
}

/* Order idx[0..n) of held lines, equal in their first `from` bytes, as LC_ALL=C sort:
 * by their next 8 bytes (a radix sort), then each run of equal ones by the bytes after
 * (the merge's keys share long prefixes: times, then ids). */
static void order_lines(struct held *c, uint32_t *idx, int64_t *key, size_t n, size_t from)
{
	if (n < 64 || from >= 64) {
		c->from = from;
		qsort_r(idx, n, sizeof(*idx), cmp_held_line, c);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const char *l = held_at(c, idx[i]);
		size_t len = c->h[idx[i]].len;
		uint64_t k = 0;
		/* big-endian: the integers' order is the bytes' (a short line ends in 0s) */
		for (size_t b = from; b < from + 8 && b < len; b++)
			k |= (uint64_t)(unsigned char)l[b] << (56 - 8 * (b - from));
		key[idx[i]] = (int64_t)(k ^ (UINT64_C(1) << 63)); /* unsigned order as signed */
	}
	if (gr_order_i64(idx, key, n)) {
		c->from = from;
		qsort_r(idx, n, sizeof(*idx), cmp_held_line, c);
		return;
	}
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i + 1; j < n && key[idx[j]] == key[idx[i]]; j++)
			;
		/* equal so far and ended: the same line */
		if (j - i > 1 && c->h[idx[i]].len > from + 8)
			order_lines(c, idx + i, key, j - i, from + 8);
	}
}

/*
 * Unsorted input, all read: the lines in the order a stage needs. The merge needs the
 * graph's, which is LC_ALL=C sort's (order_lines). The other stages need each key's
 * lines together (they order a group themselves): the lines by a hash of their key,
 * ties by the key.
 */
static void replay_held(struct gr_shard *sh)
{
	bool merge = sh->stage == GR_STAGE_MERGE;
	size_t n = sh->un;
	uint32_t *idx = NULL;
	int64_t *key = NULL;
	const char **base = malloc((sh->nseg + 1) * sizeof(*base));
	struct held c = { sh->uh, base, 0 };

	if (!base) {
		gr_sh_fail(sh, GR_ERR_NOMEM, "out of memory");
		goto out;
	}
	base[0] = sh->uraw.data;
	for (size_t i = 0; i < sh->nseg; i++)
		base[i + 1] = sh->useg[i].base;
	if (!n)
		goto out;
	idx = malloc(n * sizeof(*idx));
	key = malloc(n * sizeof(*key));
	if (!idx || !key) {
		gr_sh_fail(sh, GR_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		idx[i] = (uint32_t)i;
		if (!merge) /* (the merge's keys are its lines' bytes: order_lines) */
			key[i] = (int64_t)gr_hash(held_at(&c, (uint32_t)i), sh->uh[i].kn);
	}
	if (merge) {
		order_lines(&c, idx, key, n, 0);
		for (size_t i = 0; i < n && !sh->fatal; i++)
			gr_sh_merge_line(sh, held_at(&c, idx[i]), sh->uh[idx[i]].len);
	} else if (gr_order_i64(idx, key, n)) {
		qsort_r(idx, n, sizeof(*idx), cmp_held_key, &c);
		for (size_t i = 0; i < n && !sh->fatal; i++)
			group_add(sh, held_at(&c, idx[i]), sh->uh[idx[i]].len, sh->uh[idx[i]].kn,
				  false, -1, NULL, 0);
	} else {
		/* a run of one hash is one key but where two keys' hashes meet: only those
		 * runs are ordered by key (one comparison a line, not a sort of each group),
		 * and the others are known to be one group each */
		for (size_t i = 0, j; i < n && !sh->fatal; i = j) {
			bool one = true;
			for (j = i + 1; j < n && key[idx[j]] == key[idx[i]]; j++)
				one = one && !cmp_held_key(&idx[j], &idx[i], &c);
			if (!one)
				qsort_r(idx + i, j - i, sizeof(*idx), cmp_held_key, &c);
			for (size_t k = i; k < j && !sh->fatal; k++) {
				uint32_t x = idx[k];
				group_add(sh, held_at(&c, x), sh->uh[x].len, sh->uh[x].kn, false,
					  !one ? -1 : k > i, NULL, 0);
			}
		}
	}
out:
	free(idx);
	free(key);
	free(base);
	release_held(sh);
}

int gr_shard_new(struct gr_shard **out, const struct gr_infer_opts *o,
		 const struct gr_shard_opts *so, struct gr_error *err)
{
	struct gr_shard *sh;
	struct gr_infer_opts ro = *o;
	int rc;

	*out = NULL;
	if (so->stage <= GR_STAGE_NONE || so->stage >= GR_STAGE_COUNT)
		return gr_error_set(err, GR_ERR_USAGE, "no such stage");
	if (o->window_us)
		return gr_error_set(err, GR_ERR_USAGE, "--window and --stage do not go together");
	if (so->split && (so->stage != GR_STAGE_MERGE || !so->write_run))
		return gr_error_set(err, GR_ERR_USAGE, "runs are split by the merge stage only");
	if (so->buckets && (so->stage == GR_STAGE_MERGE || !so->write_bucket))
		return gr_error_set(err, GR_ERR_USAGE, "the merge writes the graph, not buckets");
	sh = calloc(1, sizeof(*sh));
	if (!sh)
		return gr_error_set(err, GR_ERR_NOMEM, "out of memory");
	sh->o = *o;
	sh->cur = &sh->out;
	if (!sh->o.max_line)
		sh->o.max_line = GR_DEFAULT_MAX_LINE;
	sh->stage = so->stage;
	sh->letter = stage_letters[so->stage];
	sh->part = so->part;
	sh->unsorted = so->unsorted && so->stage != GR_STAGE_MAP;
	sh->err = err;
	if (so->stage != GR_STAGE_MAP) {
		/* a record travels escaped (at most twice its size) with a key and a position */
		ro.max_line = 2 * sh->o.max_line + 65536;
	}
	if ((rc = gr_infer_new(&sh->rd, &ro, err))) {
		free(sh);
		return rc;
	}
	sh->rd->line_ctx = sh;
	sh->rd->line_fn = so->stage == GR_STAGE_MAP ? gr_sh_map_line : reduce_line;
	sh->rd->keyed = so->stage != GR_STAGE_MAP;
	sh->rd->mid_stream = so->stage == GR_STAGE_MAP && so->part > 0;
	if (so->buckets) {
		sh->buckets = so->buckets;
		sh->write_bucket = so->write_bucket;
		sh->write_bucket_ctx = so->write_bucket_ctx;
		sh->bk = calloc(6 * (size_t)so->buckets, sizeof(*sh->bk));
		if (!sh->bk) {
			gr_shard_free(sh);
			return gr_error_set(err, GR_ERR_NOMEM, "out of memory");
		}
	}
	if (so->stage == GR_STAGE_MERGE) {
		sh->mg = gr_sh_engine(sh);
		if (!sh->mg) {
			gr_shard_free(sh);
			return gr_error_set(err, GR_ERR_NOMEM, "out of memory");
		}
		sh->split = so->split;
		sh->write_run = so->write_run;
		sh->write_run_ctx = so->write_run_ctx;
	}
	*out = sh;
	return 0;
}

int gr_shard_read_inputs(struct gr_shard *sh, const char *const *paths, size_t npaths,
			 struct gr_error *err)
{
	sh->err = err;
	sh->rd->err = err;
	if (sh->fatal)
		return *err = sh->ferr, sh->fatal;
	int rc = 0;
	if (!sh->unsorted) {
		rc = gr_infer_read_inputs(sh->rd, paths, npaths, err);
	} else {
		/* files mapped; the rest (standard input, gzip) read and copied */
		for (size_t i = 0; i < npaths && !rc && !sh->fatal; i++)
			if (map_input(sh, paths[i]) == 1)
				rc = gr_infer_read_inputs(sh->rd, paths + i, 1, err);
		if (!npaths)
			rc = gr_infer_read_inputs(sh->rd, paths, npaths, err);
	}
	if (sh->fatal)
		return *err = sh->ferr, sh->fatal;
	return rc;
}

static void finish_stage(struct gr_shard *sh);

int gr_shard_finish(struct gr_shard *sh, struct gr_error *err)
{
	sh->err = err;
	if (!sh->fatal && sh->unsorted)
		replay_held(sh);
	if (!sh->fatal && sh->stage == GR_STAGE_MERGE)
		gr_sh_merge_finish(sh);
	else if (!sh->fatal)
		finish_stage(sh);
	if (sh->fatal)
		*err = sh->ferr;
	return sh->fatal;
}

static void finish_stage(struct gr_shard *sh)
{
	group_done(sh);
	if (sh->stage == GR_STAGE_MAP) {
		sh->acc.io = sh->rd->st.io;
		/* a later part of one event stream cut into parts: the stream is one file,
		 * counted by part 0 (as one gammaray-infer reading it whole counts it) */
		if (sh->part > 0)
			sh->acc.io.files = 0;
	} else {
		/* what the stage's input loop decided is not about the user's records */
		const struct gr_stats *in = &sh->rd->st.io;
		for (int r = 0; r < GR_REASON_COUNT; r++)
			if (in->reason[r] && !sh->fatal)
				gr_sh_fail(sh, GR_ERR_DATA, "an input of the %s stage could not be read",
					   gr_infer_stage_name(sh->stage));
	}
	if (!sh->fatal)
		gr_sh_account(sh);
	gr_sh_flush(sh, true);
}

const struct gr_infer_stats *gr_shard_get_stats(const struct gr_shard *sh)
{
	return sh->stage == GR_STAGE_MERGE && sh->mg ? &sh->mg->st : &sh->acc;
}

void gr_shard_free(struct gr_shard *sh)
{
	if (!sh)
		return;
	gr_infer_free(sh->rd);
	gr_infer_free(sh->mg);
	gr_buf_release(&sh->out);
	gr_buf_release(&sh->kesc);
	gr_buf_release(&sh->gkey);
	gr_buf_release(&sh->graw);
	release_held(sh);
	gr_buf_release(&sh->gsplit);
	gr_buf_release(&sh->prev);
	gr_buf_release(&sh->tmp);
	gr_buf_release(&sh->mg_edges);
	free(sh->mg_edge_off);
	for (unsigned i = 0; sh->bk && i < 6 * sh->buckets; i++)
		gr_buf_release(&sh->bk[i]);
	free(sh->bk);
	gr_buf_release(&sh->mg_run);
	gr_buf_release(&sh->mg_stats);
	free(sh->mg_stats_off);
	free(sh->mg_run_off);
	free(sh->goff);
	free(sh->lines);
	free(sh->fields);
	free(sh);
}
