/* infer_shard_trace.c: the trace stage of a sharded run: one trace's segments and spans with its invocations; the nodes, and evidence for the link and effect stages. */
#include "infer/infer_shard.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What the stage knows of the engine's nodes and causes besides the engine. */
struct trace_unit {
	struct gr_shard *sh;
	struct gr_infer *inf;
	const char *unit;          /* the key: "t:<trace>" or "r:<id>" */
	uint8_t *ours;             /* per node: 1 its bundle came here, 2 a span's node made
				    * here (the nodes this unit writes) */
	uint8_t *named;            /* per node: an Invoke named its request id */
	const char **first_ref;    /* per node: where it was first named */
	size_t nodes_cap;
	const char **cpos;         /* per cause: the position of the record that made it */
	uint64_t *cord;            /* per cause: its number among that record's causes */
	size_t causes_cap;
	uint32_t *ahead, *anext;   /* the causes' aliases (gr_sh_alias_lists) */
	uint64_t *child;           /* targets named by "child" links (from the copies) */
	size_t nchild, child_cap;
	struct gr_buf key;         /* keys being made */
};

static bool grow_nodes(struct trace_unit *u)
{
	size_t n = u->inf->nodes.n;

	if (n <= u->nodes_cap)
		return true;
	size_t cap = n + n / 2 + 16;
	uint8_t *o = realloc(u->ours, cap), *nm = realloc(u->named, cap);
	if (o)
		u->ours = o;
	if (nm)
		u->named = nm;
	const char **fr = realloc(u->first_ref, cap * sizeof(*fr));
	if (fr)
		u->first_ref = fr;
	if (!o || !nm || !fr) {
		gr_sh_fail(u->sh, GR_ERR_NOMEM, "out of memory");
		return false;
	}
	memset(u->ours + u->nodes_cap, 0, cap - u->nodes_cap);
	memset(u->named + u->nodes_cap, 0, cap - u->nodes_cap);
	memset(u->first_ref + u->nodes_cap, 0, (cap - u->nodes_cap) * sizeof(*fr));
	u->nodes_cap = cap;
	return true;
}

static bool grow_causes(struct trace_unit *u)
{
	size_t n = u->inf->causes.n;

	if (n <= u->causes_cap)
		return true;
	size_t cap = n + n / 2 + 16;
	const char **p = realloc(u->cpos, cap * sizeof(*p));
	if (p)
		u->cpos = p;
	uint64_t *q = realloc(u->cord, cap * sizeof(*q));
	if (q)
		u->cord = q;
	if (!p || !q) {
		gr_sh_fail(u->sh, GR_ERR_NOMEM, "out of memory");
		return false;
	}
	u->causes_cap = cap;
	return true;
}

/* --- the bundles ------------------------------------------------------------------- */

static void load_node(struct trace_unit *u, const struct gr_sh_line *l)
{
	struct gr_shard *sh = u->sh;
	struct gr_infer *inf = u->inf;
	const char *id = gr_sh_f_str(l, 3), *fn = gr_sh_f_opt(l, 5), *stream = gr_sh_f_opt(l, 6);
	const char *trace = gr_sh_f_opt(l, 7);
	uint32_t ni = gr_inf_node_get(inf, id, strlen(id));

	if (ni == INF_NONE || !grow_nodes(u))
		return;
	struct gr_inf_node *n = INF_NODE(inf, ni);
	n->fn = fn ? gr_inf_intern(inf, fn, strlen(fn)) : NULL;
	if (stream) {
		struct gr_inf_stream *s = gr_inf_stream_get(inf, stream, strlen(stream));
		n = INF_NODE(inf, ni);
		n->stream = s ? s->name : NULL;
	}
	n->trace = trace ? gr_inf_pack_str(inf, trace, strlen(trace)) : NULL;
	gr_sh_f_fields(sh, l, 8, n, gr_sh_node_fields, gr_sh_node_nfields);
	u->named[ni] = gr_sh_f_i64(sh, l, 8 + gr_sh_node_nfields) != 0;
	u->ours[ni] = 1;
	u->first_ref[ni] = l->f[1];
}

static void load_stream(struct trace_unit *u, const struct gr_sh_line *l)
{
	struct gr_shard *sh = u->sh;
	const char *id = gr_sh_f_str(l, 3), *name = gr_sh_f_str(l, 4), *fn = gr_sh_f_opt(l, 5);
	uint32_t ni = gr_inf_node_find(u->inf, id, strlen(id));
	struct gr_inf_stream *s = gr_inf_stream_get(u->inf, name, strlen(name));

	if (!s)
		return;
	s->fn = fn ? gr_inf_intern(u->inf, fn, strlen(fn)) : NULL;
	size_t at = 6 + gr_sh_stream_nfields; /* failed, runtime */
	gr_sh_f_fields(sh, l, 6, s, gr_sh_stream_fields, gr_sh_stream_nfields);
	const char *rt = gr_sh_f_opt(l, at + 1);
	s->runtime = rt ? gr_inf_intern(u->inf, rt, strlen(rt)) : NULL;
	if (ni != INF_NONE && gr_sh_f_i64(sh, l, at))
		INF_NODE(u->inf, ni)->flags |= NF_FAILED_INIT;
}

static void load_cause(struct trace_unit *u, const struct gr_sh_line *l)
{
	struct gr_shard *sh = u->sh;
	struct gr_infer *inf = u->inf;
	const char *id = gr_sh_f_str(l, 3), *text = gr_sh_f_opt(l, 8);
	uint32_t ni = gr_inf_node_find(inf, id, strlen(id));

	if (ni == INF_NONE)
		return;
	uint32_t c = gr_inf_cause_add(inf, ni, gr_sh_f_i64(sh, l, 6), gr_sh_f_kind(sh, l, 9),
				      gr_sh_f_op(sh, l, 10), text, text ? strlen(text) : 0);
	if (c == INF_NONE || !grow_causes(u))
		return;
	INF_CAUSE(inf, c)->key = gr_sh_f_u64(sh, l, 7);
	INF_CAUSE(inf, c)->flags = gr_sh_f_u8(sh, l, 11);
	for (size_t f = 12; f < l->nf; f++)
		gr_inf_alias_add(inf, gr_sh_f_u64(sh, l, f), c);
	u->cpos[c] = gr_sh_f_str(l, 4);
	u->cord[c] = gr_sh_f_u64(sh, l, 5);
}

static void load_src(struct trace_unit *u, const struct gr_sh_line *l)
{
	struct gr_shard *sh = u->sh;
	struct gr_infer *inf = u->inf;
	const char *id = gr_sh_f_str(l, 3), *text = gr_sh_f_opt(l, 6), *order = gr_sh_f_opt(l, 7);
	uint32_t ni = gr_inf_node_find(inf, id, strlen(id));

	if (ni == INF_NONE)
		return;
	struct gr_inf_src *s = gr_inf_src_add(inf, ni, gr_sh_f_kind(sh, l, 8),
					      gr_sh_f_rule(sh, l, 10), gr_sh_f_u64(sh, l, 5), text,
					      text ? strlen(text) : 0);
	if (!s)
		return;
	uint32_t si = (uint32_t)(inf->srcs.n - 1);
	s->order = order ? gr_inf_pack_str(inf, order, strlen(order)) : NULL;
	s = INF_SRC(inf, si);
	s->op = (uint8_t)gr_sh_f_op(sh, l, 9);
	s->flags = gr_sh_f_u8(sh, l, 11);
	struct gr_inf_s3x x = { gr_sh_f_u64(sh, l, 12), gr_sh_f_u64(sh, l, 13), gr_sh_f_u64(sh, l, 14) };
	if (x.alt || x.version || x.etag) {
		uint32_t xi = (uint32_t)inf->s3x.n;
		struct gr_inf_s3x *px = gr_inf_vec_push(inf, &inf->s3x, sizeof(*px));
		if (!px)
			return;
		*px = x;
		INF_SRC(inf, si)->s3 = xi;
	}
}

/* --- output ------------------------------------------------------------------------- */

/* 16 hex digits of a signed time, in the order of the time. */
static void put_time(struct gr_buf *b, int64_t t)
{
	gr_buf_addf(b, "%016llx", (unsigned long long)((uint64_t)t ^ 0x8000000000000000ull));
}

/* Hex digits of a string: in the order of strcmp, any bytes. */
static void put_hex(struct gr_buf *b, const char *s)
{
	static const char hx[] = "0123456789abcdef";

	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		gr_buf_addc(b, hx[c >> 4]);
		gr_buf_addc(b, hx[c & 15]);
	}
}

static void write_node(struct trace_unit *u, uint32_t ni)
{
	struct gr_shard *sh = u->sh;
	struct gr_infer *inf = u->inf;
	const struct gr_inf_node *n = INF_NODE(inf, ni);
	struct gr_node g;
	struct gr_buf json = GR_BUF_INIT;
	struct gr_jw w;
	char pos[SH_POS_LEN + 1];

	gr_inf_node_out(inf, n, &g);
	gr_jw_init(&w, &json);
	gr_graph_write_node(&w, &g);
	if (w.err || !json.len) {
		gr_buf_release(&json);
		gr_sh_fail(sh, GR_ERR_NOMEM, "out of memory");
		return;
	}
	json.data[--json.len] = '\0'; /* the newline */
	/* the graph's order: start_us, then id */
	gr_buf_reset(&u->key);
	gr_buf_addc(&u->key, '1');
	put_time(&u->key, g.start_us);
	put_hex(&u->key, n->id);
	gr_sh_pos(pos, 0, 0, 0);
	gr_sh_begin(sh, SH_MERGE, u->key.data, u->key.len, pos, 'O');
	gr_sh_cstr(sh, n->id);
	gr_sh_opt(sh, gr_inf_node_fn(inf, n));
	gr_sh_i64(sh, n->attempts);
	gr_sh_str(sh, json.data, json.len);
	gr_sh_end(sh);
	gr_buf_release(&json);
}

/* A candidate edge into effect (a line for the effect stage). */
static void cand_line(struct gr_shard *sh, const char *effect, const char *pos, const char *from,
		      const struct gr_inf_cand *x, bool at_start, const char *key)
{
	gr_sh_begin(sh, SH_EFFECT, effect, strlen(effect), pos, 'X');
	gr_sh_i64(sh, -1);
	gr_sh_cstr(sh, from);
	gr_sh_i64(sh, x->cause_us);
	gr_sh_i64(sh, at_start);
	gr_sh_opt(sh, key);
	gr_sh_f32(sh, x->conf);
	gr_sh_i64(sh, x->kind);
	gr_sh_i64(sh, x->sync);
	gr_sh_i64(sh, x->evidence);
	gr_sh_i64(sh, x->sync_known);
	gr_sh_i64(sh, x->time_known);
	gr_sh_end(sh);
}

static bool is_child_target(const struct trace_unit *u, uint64_t key)
{
	for (size_t i = 0; i < u->nchild; i++)
		if (u->child[i] == key)
			return true;
	return false;
}

/* The X-Ray evidence of one of the unit's invocations (gr_inf_xray_cands, with what lies
 * in other traces left to the link stage). */
static void xray_evidence(struct trace_unit *u, uint32_t e)
{
	struct gr_shard *sh = u->sh;
	struct gr_infer *inf = u->inf;
	const struct gr_inf_node *n = INF_NODE(inf, e);
	const char *pos = u->first_ref[e] ? u->first_ref[e] : "0000000000000000000000";
	char key[18], idt[17];

	if (n->xsvc == INF_NONE)
		return;
	const struct gr_inf_seg *svc = INF_SEG(inf, n->xsvc);
	bool async = (svc->flags & XF_ASYNC) != 0;
	int64_t first = gr_inf_node_first(inf, n);
	if (svc->parent) {
		struct gr_inf_chain ch;
		struct gr_inf_cand x;
		gr_inf_chain_walk(inf, svc->parent, GR_KIND_LAMBDA, &ch);
		if (ch.end == CH_MISSING) {
			gr_sh_begin(sh, SH_EFFECT, n->id, strlen(n->id), pos, 'U');
			gr_sh_i64(sh, U_XRAY_PARENT);
			gr_sh_i64(sh, GR_KIND_NONE);
			gr_sh_i64(sh, first);
			gr_sh_opt(sh, NULL);
			gr_sh_u64(sh, svc->id);
			gr_sh_end(sh);
		} else if (ch.end == CH_OWNER && ch.owner != e) {
			gr_inf_chain_cand(&ch, EV_XRAY_PARENT, true, async, &x);
			snprintf(idt, sizeof(idt), "%016llx", (unsigned long long)ch.id);
			cand_line(sh, n->id, pos, INF_NODE(inf, ch.owner)->id, &x, false,
				  ch.id ? idt : NULL);
		}
	}
	/* its segment and its attempts' function segments: their links, and the "child"
	 * links that name them */
	uint32_t *head = gr_fpmap_get(&inf->fnseg_ix, svc->key);
	uint32_t si = n->xsvc;
	bool first_seg = true;
	while (si != INF_NONE) {
		const struct gr_inf_seg *s = INF_SEG(inf, si);
		for (uint32_t li = s->links; li != INF_NONE; li = INF_LINK(inf, li)->next) {
			const struct gr_inf_link *lk = INF_LINK(inf, li);
			gr_sh_hex_key(key, lk->msg ? 'm' : 'l', lk->msg ? lk->msg : lk->target);
			gr_sh_begin(sh, SH_LINK, key, 17, pos, 'L');
			gr_sh_cstr(sh, n->id);
			gr_sh_i64(sh, first);
			gr_sh_u64(sh, lk->target);
			gr_sh_u64(sh, s->id);
			gr_sh_i64(sh, 1);
			gr_sh_i64(sh, async);
			gr_sh_end(sh);
		}
		if (is_child_target(u, s->key)) {
			gr_sh_hex_key(key, 'c', s->key);
			gr_sh_begin(sh, SH_LINK, key, 17, pos, 'E');
			gr_sh_cstr(sh, n->id);
			gr_sh_i64(sh, 1);
			gr_sh_i64(sh, async);
			gr_sh_end(sh);
		}
		if (first_seg) {
			first_seg = false;
			si = head ? *head : INF_NONE;
		} else {
			si = s->next;
		}
	}
}

/* A walk's result for the link stage: the link's key, the target it started from. */
static void chain_line(struct trace_unit *u, const char *key, uint64_t from, const char *pos,
		       const struct gr_inf_chain *ch)
{
	struct gr_shard *sh = u->sh;

	gr_sh_begin(sh, SH_LINK, key, strlen(key), pos, 'H');
	gr_sh_u64(sh, from);
	gr_sh_i64(sh, ch->end);
	gr_sh_i64(sh, ch->kind);
	gr_sh_i64(sh, ch->sync);
	gr_sh_opt(sh, ch->end == CH_OWNER ? INF_NODE(u->inf, ch->owner)->id : NULL);
	gr_sh_i64(sh, ch->t0);
	gr_sh_i64(sh, ch->t1);
	gr_sh_u64(sh, ch->id);
	gr_sh_end(sh);
}

/* The span links of a copy of a segment from (maybe) another trace: those naming a
 * segment of this trace are followed here (parent references), or noted (child
 * references: the effect's side says so). */
static void query(struct trace_unit *u, const struct gr_sh_line *l, uint64_t *done, size_t *ndone,
		  size_t cap)
{
	struct gr_event ev;
	struct gr_buf scratch = GR_BUF_INIT;
	struct gr_error e = { 0 };
	const char *rec = gr_sh_f_str(l, 3);
	char tkey[128], ib[33], tb[33], key[18];

	if (gr_ev_parse(rec, strlen(rec), &ev, &scratch, u->sh->o.max_depth, &e) ||
	    ev.type != GR_EV_SEGMENT) {
		gr_buf_release(&scratch);
		return;
	}
	struct gr_js it;
	struct gr_ev_link lk;
	gr_ev_links_begin(&it, &ev.links);
	while (gr_ev_link_next(&it, &lk)) {
		struct gr_str lt = lk.trace.n ? lk.trace : ev.trace;
		size_t kn = gr_sh_trace_key(tkey, sizeof(tkey), lt);
		if (kn != strlen(u->unit) || memcmp(tkey, u->unit, kn))
			continue;
		struct gr_str t = gr_inf_trace_norm(lt, tb), id = gr_inf_id_norm(lk.id, ib);
		uint64_t target = gr_inf_fp2(T_SEG, t.p, t.n, id.p, id.n);
		if (gr_str_is(lk.ref, "child")) {
			if (!is_child_target(u, target)) {
				if (gr_sh_grow(&u->child, &u->child_cap, u->nchild + 1,
						  sizeof(*u->child))) {
					gr_sh_fail(u->sh, GR_ERR_NOMEM, "out of memory");
					break;
				}
				u->child[u->nchild++] = target;
			}
			continue;
		}
		uint64_t msg = lk.msg.n ? gr_inf_fp1(T_OMSG, lk.msg.p, lk.msg.n) : 0;
		uint64_t id2 = gr_fp_mix_u64(target, msg);
		bool seen = false;
		for (size_t i = 0; i < *ndone && !seen; i++)
			seen = done[i] == id2;
		if (seen)
			continue;
		if (*ndone < cap)
			done[(*ndone)++] = id2;
		struct gr_inf_chain ch;
		gr_inf_chain_walk(u->inf, target, GR_KIND_SQS, &ch);
		gr_sh_hex_key(key, msg ? 'm' : 'l', msg ? msg : target);
		chain_line(u, key, target, l->f[1], &ch);
	}
	gr_buf_release(&scratch);
}

/* The key of a link stage's group for a cause's or trigger's alias. */
static void group_key(struct trace_unit *u, char *key, uint64_t fp, int kind, const char *text)
{
	if (kind == GR_KIND_S3 && text)
		fp = gr_inf_s3_group(u->inf, text);
	gr_sh_hex_key(key, 'k', fp);
}

static void cause_evidence(struct trace_unit *u, uint32_t c, const char *producer, int64_t first)
{
	struct gr_shard *sh = u->sh;
	struct gr_infer *inf = u->inf;
	const struct gr_inf_cause *cs = INF_CAUSE(inf, c);
	char key[18];
	uint64_t groups[8];
	size_t ng = 0;

	/* each group once: an S3 write's key, ETag and version are one group */
	for (uint32_t a = u->ahead[c]; a != INF_NONE; a = u->anext[a]) {
		const struct gr_inf_alias *al = INF_ALIAS(inf, a);
		if (cs->kind == GR_KIND_LAMBDA && cs->text &&
		    al->key == gr_inf_fp1(T_LCALLEE, cs->text, strlen(cs->text)))
			continue; /* an Invoke naming its callee: the request stage linked it */
		uint64_t g = cs->kind == GR_KIND_S3 && cs->text ? gr_inf_s3_group(inf, cs->text) :
			     al->key;
		bool seen = false;
		for (size_t i = 0; i < ng && !seen; i++)
			seen = groups[i] == g;
		if (seen || ng == sizeof(groups) / sizeof(groups[0]))
			continue;
		groups[ng++] = g;
	}
	for (size_t i = 0; i < ng; i++) {
		cs = INF_CAUSE(inf, c);
		gr_sh_hex_key(key, 'k', groups[i]);
		gr_sh_begin(sh, SH_LINK, key, 17, u->cpos[c], 'K');
		gr_sh_opt(sh, producer);
		gr_sh_i64(sh, first);
		gr_sh_cstr(sh, u->cpos[c]);
		gr_sh_u64(sh, u->cord[c]);
		gr_sh_i64(sh, cs->ts);
		gr_sh_u64(sh, cs->key);
		gr_sh_opt(sh, cs->text);
		gr_sh_i64(sh, cs->kind);
		gr_sh_i64(sh, cs->op);
		gr_sh_i64(sh, cs->flags);
		for (uint32_t a = u->ahead[c]; a != INF_NONE; a = u->anext[a])
			gr_sh_u64(sh, INF_ALIAS(inf, a)->key);
		gr_sh_end(sh);
	}
}

/* What the effect stage needs of one of the unit's invocations, and its evidence for
 * the link stage. */
static void node_evidence(struct trace_unit *u, uint32_t ni)
{
	struct gr_shard *sh = u->sh;
	struct gr_infer *inf = u->inf;
	const struct gr_inf_node *n = INF_NODE(inf, ni);
	const char *pos = u->first_ref[ni] ? u->first_ref[ni] : "0000000000000000000000";
	const char *fn = gr_inf_node_fn(inf, n);
	int64_t first = gr_inf_node_first(inf, n), end = gr_inf_node_end(inf, n);
	char key[18];

	gr_sh_begin(sh, SH_EFFECT, n->id, strlen(n->id), pos, 'E');
	gr_sh_cstr(sh, n->id);
	gr_sh_opt(sh, fn);
	gr_sh_i64(sh, gr_inf_node_start(inf, n));
	gr_sh_i64(sh, n->start_ts);
	gr_sh_i64(sh, first);
	gr_sh_i64(sh, u->named[ni]);
	gr_sh_end(sh);
	/* its triggers, in their order */
	uint64_t ord = 0;
	for (uint32_t si = n->src; si != INF_NONE; si = INF_SRC(inf, si)->next, ord++) {
		struct gr_inf_src *s = INF_SRC(inf, si);
		uint64_t k = s->key;
		bool send = false;
		if (s->rule == R_EXACT) {
			send = true;
		} else if (s->rule == R_KEYTIME) {
			if (s->kind == GR_KIND_LAMBDA && u->named[ni]) {
				send = false; /* the Invoke named its request id */
			} else if (s->kind == GR_KIND_LAMBDA && !k) {
				if (fn) {
					k = s->key = gr_inf_fp1(T_LFN, fn, strlen(fn));
					if (!s->text)
						s->text = fn;
					send = true;
				}
			} else {
				send = true;
			}
		}
		gr_sh_begin(sh, SH_EFFECT, n->id, strlen(n->id), pos, 'S');
		gr_sh_u64(sh, ord);
		gr_sh_i64(sh, s->rule);
		gr_sh_i64(sh, s->kind);
		gr_sh_opt(sh, s->text);
		gr_sh_i64(sh, s->flags);
		gr_sh_end(sh);
		if (!send)
			continue;
		const struct gr_inf_s3x *x = s->s3 != INF_NONE ?
			INF_AT(inf, s3x, struct gr_inf_s3x, s->s3) : NULL;
		group_key(u, key, k, s->kind, s->text);
		s = INF_SRC(inf, si);
		gr_sh_begin(sh, SH_LINK, key, 17, pos, 'S');
		gr_sh_cstr(sh, n->id);
		gr_sh_u64(sh, ord);
		gr_sh_opt(sh, fn);
		gr_sh_i64(sh, first);
		gr_sh_i64(sh, end);
		gr_sh_u64(sh, k);
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
	/* its causes: for its unmatched ones, and to the link stage */
	for (size_t c = 0; c < inf->causes.n; c++) {
		const struct gr_inf_cause *cs = INF_CAUSE(inf, c);
		if (cs->node != ni || (cs->flags & (CF_XRAY | CF_SPAN)))
			continue;
		gr_sh_begin(sh, SH_EFFECT, n->id, strlen(n->id), u->cpos[c], 'K');
		gr_sh_cstr(sh, u->cpos[c]);
		gr_sh_u64(sh, u->cord[c]);
		gr_sh_i64(sh, cs->ts);
		gr_sh_i64(sh, cs->kind);
		gr_sh_opt(sh, cs->text);
		gr_sh_i64(sh, cs->flags);
		gr_sh_end(sh);
		cause_evidence(u, (uint32_t)c, n->id, first);
	}
	xray_evidence(u, ni);
}

void gr_sh_trace(struct gr_shard *sh)
{
	struct trace_unit u;

	memset(&u, 0, sizeof(u));
	u.sh = sh;
	u.unit = sh->lines[0].f[0] + 1;
	u.inf = gr_sh_engine(sh);
	if (!u.inf)
		return;
	struct gr_infer *inf = u.inf;
	/* the bundles: nodes (in the order they were first named), their streams, causes,
	 * triggers */
	for (size_t i = 0; i < sh->gn && !sh->fatal && !inf->fatal; i++)
		if (gr_sh_type(&sh->lines[i]) == 'N')
			load_node(&u, &sh->lines[i]);
	for (size_t i = 0; i < sh->gn && !sh->fatal && !inf->fatal; i++) {
		const struct gr_sh_line *l = &sh->lines[i];
		switch (gr_sh_type(l)) {
		case 'T': load_stream(&u, l); break;
		case 'K': load_cause(&u, l); break;
		case 'S': load_src(&u, l); break;
		default: break;
		}
	}
	/* the trace's segments, in the order they were read; copies of other traces'
	 * segments that link here are followed afterwards */
	for (size_t i = 0; i < sh->gn && !sh->fatal && !inf->fatal; i++) {
		const struct gr_sh_line *l = &sh->lines[i];
		char t = gr_sh_type(l);
		if (t != 'R' && t != 'C')
			continue;
		size_t before = inf->causes.n;
		gr_sh_replay(sh, inf, l, 3, t == 'R');
		if (!grow_nodes(&u) || !grow_causes(&u))
			break;
		for (size_t c = before; c < inf->causes.n; c++) {
			u.cpos[c] = l->f[1];
			u.cord[c] = c - before;
		}
	}
	size_t before = inf->nodes.n;
	if (!sh->fatal && !inf->fatal) {
		gr_inf_spans_join(inf);
		gr_inf_xray_finalize(inf, NULL, 0);
		gr_inf_span_causes(inf, NULL, 0);
	}
	if (sh->fatal || inf->fatal || !grow_nodes(&u) || !grow_causes(&u))
		goto out;
	for (size_t i = before; i < inf->nodes.n; i++)
		if (INF_NODE(inf, i)->flags & NF_RUN)
			u.ours[i] = 2;
	if (gr_sh_alias_lists(inf, &u.ahead, &u.anext)) {
		gr_sh_fail(sh, GR_ERR_NOMEM, "out of memory");
		goto out;
	}
	/* the span links of copies that name this trace */
	uint64_t done[256];
	size_t ndone = 0;
	for (size_t i = 0; i < sh->gn && !sh->fatal; i++)
		if (gr_sh_type(&sh->lines[i]) == 'Q')
			query(&u, &sh->lines[i], done, &ndone, sizeof(done) / sizeof(done[0]));
	/* the unit's invocations */
	for (size_t i = 0; i < inf->nodes.n && !sh->fatal; i++) {
		if (!u.ours[i] || !(INF_NODE(inf, i)->flags & NF_RUN))
			continue;
		write_node(&u, (uint32_t)i);
		node_evidence(&u, (uint32_t)i);
	}
	/* causes made by this trace's spans and segments */
	char key[18];
	for (size_t c = 0; c < inf->causes.n && !sh->fatal; c++) {
		const struct gr_inf_cause *cs = INF_CAUSE(inf, c);
		if (cs->flags & CF_XRAY) {
			const struct gr_inf_seg *sg = INF_SEG(inf, cs->node);
			uint32_t owner = gr_inf_seg_owner(inf, cs->node);
			if (cs->kind == GR_KIND_LAMBDA && sg->node != INF_NONE) {
				/* an Invoke naming its callee: a candidate of the callee's edges */
				if (owner == INF_NONE)
					continue;
				bool sync = cs->op == OP_SYNC;
				struct gr_inf_cand x = {
					.cause_us = sync || sg->t1 < 0 ? sg->t0 : sg->t1,
					.conf = 1.0f,
					.kind = cs->kind,
					.sync = sync,
					.evidence = EV_XRAY_CALL,
					.sync_known = (sg->flags & (XF_SYNC | XF_ASYNC)) != 0,
					.time_known = true,
				};
				const char *callee = INF_NODE(inf, sg->node)->id;
				cand_line(sh, callee, u.cpos[c], INF_NODE(inf, owner)->id, &x, false,
					  callee);
			} else {
				/* a send span naming its message: for links that name it */
				gr_sh_hex_key(key, 'm', cs->key);
				gr_sh_begin(sh, SH_LINK, key, 17, u.cpos[c], 'M');
				gr_sh_opt(sh, owner != INF_NONE ? INF_NODE(inf, owner)->id : NULL);
				gr_sh_i64(sh, cs->kind);
				gr_sh_i64(sh, cs->ts);
				gr_sh_opt(sh, cs->text);
				gr_sh_end(sh);
			}
			continue;
		}
		if (cs->flags & CF_SPAN) {
			/* a span's write whose invocation is not known: it still says the
			 * key is written (or the function invoked by name) */
			cause_evidence(&u, (uint32_t)c, NULL, GR_TIME_UNKNOWN);
		} else if (cs->node < u.nodes_cap && u.ours[cs->node]) {
			continue; /* an invocation's here: sent with it */
		} else {
			const struct gr_inf_node *p = INF_NODE(inf, cs->node);
			cause_evidence(&u, (uint32_t)c, p->id, gr_inf_node_first(inf, p));
		}
	}
	/* "child" links held here: each a walk up from its holder */
	for (size_t li = 0; li < inf->links.n && !sh->fatal; li++) {
		const struct gr_inf_link *lk = INF_LINK(inf, li);
		if (!lk->child)
			continue;
		struct gr_inf_chain ch;
		const struct gr_inf_seg *holder = INF_SEG(inf, lk->seg);
		gr_inf_chain_walk(inf, holder->key, GR_KIND_SQS, &ch);
		gr_sh_hex_key(key, 'c', lk->target);
		chain_line(&u, key, holder->key, "0000000000000000000000", &ch);
	}
out:
	gr_buf_release(&u.key);
	free(u.ours);
	free(u.named);
	free(u.first_ref);
	free(u.cpos);
	free(u.cord);
	free(u.child);
	free(u.ahead);
	free(u.anext);
	gr_sh_engine_done(sh, inf);
}
