/* infer_shard_link.c: the link and effect stages of a sharded run: writes and sends matched with the triggers that name them, X-Ray links joined; each invocation's edges and unmatched evidence. */
#include "infer/infer_shard.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A candidate edge line for the effect stage. */
static void cand_line(struct gr_shard *sh, const char *effect, const char *pos, int64_t tag,
		      const char *from, const struct gr_inf_cand *x, bool at_start)
{
	gr_sh_begin(sh, SH_EFFECT, effect, strlen(effect), pos, 'X');
	gr_sh_i64(sh, tag);
	gr_sh_cstr(sh, from);
	gr_sh_i64(sh, x->cause_us);
	gr_sh_i64(sh, at_start);
	gr_sh_opt(sh, x->key);
	gr_sh_f32(sh, x->conf);
	gr_sh_i64(sh, x->kind);
	gr_sh_i64(sh, x->sync);
	gr_sh_i64(sh, x->evidence);
	gr_sh_i64(sh, x->sync_known);
	gr_sh_i64(sh, x->time_known);
	gr_sh_end(sh);
}

/* --- link: keys, with and without time --------------------------------------------- */

/* What the stage knows of the group's causes and triggers besides the engine. */
struct key_group {
	const struct gr_sh_line **cause;  /* per cause: its line */
	const struct gr_sh_line **src;    /* per trigger: its line */
};

/* The node of an id in a group's engine, its fields set so that the rules see the
 * function, first START and end the trace stage found. */
static uint32_t group_node(struct gr_infer *inf, const char *id, const char *fn, int64_t first,
			   int64_t end, bool effect)
{
	uint32_t ni = gr_inf_node_get(inf, id, strlen(id));

	if (ni == INF_NONE)
		return ni;
	struct gr_inf_node *n = INF_NODE(inf, ni);
	n->flags |= NF_RUN;
	if (first != GR_TIME_UNKNOWN)
		n->first_ts = first;
	if (effect) {
		if (fn && !(n->flags & NF_FN_START)) {
			n->fn = gr_inf_intern(inf, fn, strlen(fn));
			n = INF_NODE(inf, ni);
			n->flags |= NF_FN_START;
		}
		if (end != GR_TIME_UNKNOWN)
			n->report_ts = end;
	}
	return ni;
}

/* A cause's candidate for a trigger, and its verdict: used (from_cause in infer_link.c). */
static void use_cause(struct gr_shard *sh, struct gr_infer *inf, const struct key_group *g,
		      uint32_t si, uint32_t ci, float conf, int evidence)
{
	const struct gr_inf_src *s = INF_SRC(inf, si);
	const struct gr_inf_cause *cs = INF_CAUSE(inf, ci);
	const struct gr_sh_line *sl = g->src[si], *cl = g->cause[ci];
	bool sync = cs->op == OP_SYNC;
	struct gr_inf_cand x = {
		.cause_us = cs->ts,
		.key = s->text,
		.conf = conf,
		.kind = s->kind,
		.sync = sync,
		.evidence = (uint8_t)evidence,
		.sync_known = cs->op == OP_SYNC || cs->op == OP_ASYNC,
		.time_known = !sync,
	};
	const char *producer = gr_sh_f_opt(cl, 3);

	if (!producer)
		return;
	cand_line(sh, gr_sh_f_str(sl, 3), sl->f[1], (int64_t)gr_sh_f_u64(sh, sl, 4), producer, &x,
		  sync);
	gr_sh_begin(sh, SH_EFFECT, producer, strlen(producer), cl->f[1], 'V');
	gr_sh_cstr(sh, gr_sh_f_str(cl, 5));
	gr_sh_u64(sh, gr_sh_f_u64(sh, cl, 6));
	gr_sh_end(sh);
}

static void key_group(struct gr_shard *sh)
{
	struct gr_infer *inf = gr_sh_engine(sh);
	struct key_group g = { NULL, NULL };
	bool any_cause = false;

	if (!inf)
		return;
	g.cause = calloc(sh->gn + 1, sizeof(*g.cause));
	g.src = calloc(sh->gn + 1, sizeof(*g.src));
	if (!g.cause || !g.src) {
		gr_sh_fail(sh, GR_ERR_NOMEM, "out of memory");
		goto out;
	}
	/* the writes, sends and invokes, in the order they were read (the aliases' order) */
	for (size_t i = 0; i < sh->gn && !inf->fatal && !sh->fatal; i++) {
		const struct gr_sh_line *l = &sh->lines[i];
		if (gr_sh_type(l) != 'K')
			continue;
		any_cause = true;
		const char *producer = gr_sh_f_opt(l, 3), *text = gr_sh_f_opt(l, 9);
		if (!producer)
			continue; /* a span's write of an invocation not known: only says it is */
		uint32_t ni = group_node(inf, producer, NULL, gr_sh_f_i64(sh, l, 4), GR_TIME_UNKNOWN,
					 false);
		if (ni == INF_NONE)
			break;
		uint32_t c = gr_inf_cause_add(inf, ni, gr_sh_f_i64(sh, l, 7), gr_sh_f_kind(sh, l, 10),
					      gr_sh_f_op(sh, l, 11), text, text ? strlen(text) : 0);
		if (c == INF_NONE)
			break;
		INF_CAUSE(inf, c)->key = gr_sh_f_u64(sh, l, 8);
		INF_CAUSE(inf, c)->flags = gr_sh_f_u8(sh, l, 12);
		for (size_t f = 13; f < l->nf; f++)
			gr_inf_alias_add(inf, gr_sh_f_u64(sh, l, f), c);
		g.cause[c] = l;
	}
	/* the triggers naming the key */
	for (size_t i = 0; i < sh->gn && !inf->fatal && !sh->fatal; i++) {
		const struct gr_sh_line *l = &sh->lines[i];
		if (gr_sh_type(l) != 'S')
			continue;
		const char *id = gr_sh_f_str(l, 3), *fn = gr_sh_f_opt(l, 5), *text = gr_sh_f_opt(l, 9);
		const char *order = gr_sh_f_opt(l, 10);
		int flags = gr_sh_f_u8(sh, l, 14);
		if ((flags & SF_ORPHAN) && !any_cause)
			continue; /* no Invoke names its function: no trigger (infer_spans.c) */
		if (flags & SF_ORPHAN) {
			gr_sh_begin(sh, SH_EFFECT, id, strlen(id), l->f[1], 'Y');
			gr_sh_u64(sh, gr_sh_f_u64(sh, l, 4));
			gr_sh_end(sh);
		}
		uint32_t ni = group_node(inf, id, fn, gr_sh_f_i64(sh, l, 6), gr_sh_f_i64(sh, l, 7), true);
		if (ni == INF_NONE)
			break;
		struct gr_inf_src *s = gr_inf_src_add(inf, ni, gr_sh_f_kind(sh, l, 11),
						      gr_sh_f_rule(sh, l, 13), gr_sh_f_u64(sh, l, 8),
						      text, text ? strlen(text) : 0);
		if (!s)
			break;
		uint32_t si = (uint32_t)(inf->srcs.n - 1);
		const char *o = order ? gr_inf_pack_str(inf, order, strlen(order)) : NULL;
		s = INF_SRC(inf, si);
		s->order = o;
		s->op = (uint8_t)gr_sh_f_op(sh, l, 12);
		s->flags = (uint8_t)(flags & ~SF_ORPHAN);
		struct gr_inf_s3x x = { gr_sh_f_u64(sh, l, 15), gr_sh_f_u64(sh, l, 16),
					gr_sh_f_u64(sh, l, 17) };
		if (x.alt || x.version || x.etag) {
			uint32_t xi = (uint32_t)inf->s3x.n;
			struct gr_inf_s3x *px = gr_inf_vec_push(inf, &inf->s3x, sizeof(*px));
			if (!px)
				break;
			*px = x;
			INF_SRC(inf, si)->s3 = xi;
		}
		g.src[si] = l;
	}
	if (inf->fatal || sh->fatal)
		goto out;
	/* exact ids: every cause the id names (src_cands in infer_link.c) */
	for (uint32_t si = 0; si < inf->srcs.n; si++) {
		const struct gr_inf_src *s = INF_SRC(inf, si);
		if (s->rule != R_EXACT)
			continue;
		for (uint32_t a = gr_inf_alias_first(inf, s->key); a != INF_NONE;
		     a = INF_ALIAS(inf, a)->next) {
			uint32_t ci = INF_ALIAS(inf, a)->cause;
			if (INF_CAUSE(inf, ci)->flags & CF_XRAY)
				continue;
			use_cause(sh, inf, &g, si, ci, 1.0f, EV_MARKER);
		}
	}
	/* keys with time: the latest untaken write before each trigger */
	gr_inf_keytime(inf, NULL, 0);
	for (uint32_t si = 0; si < inf->srcs.n && !inf->fatal; si++) {
		const struct gr_inf_src *s = INF_SRC(inf, si);
		if (s->rule == R_KEYTIME && s->cause != INF_NONE)
			use_cause(sh, inf, &g, si, s->cause, s->conf, s->evidence);
	}
out:
	free(g.cause);
	free(g.src);
	gr_sh_engine_done(sh, inf);
}

/* --- link: X-Ray links ------------------------------------------------------------------ */

/* The walk a result line describes. */
static void read_chain(struct gr_shard *sh, const struct gr_sh_line *l, struct gr_inf_chain *ch)
{
	memset(ch, 0, sizeof(*ch));
	ch->end = gr_sh_f_u8(sh, l, 4);
	ch->kind = (uint8_t)gr_sh_f_kind(sh, l, 5);
	ch->sync = gr_sh_f_u8(sh, l, 6);
	ch->t0 = gr_sh_f_i64(sh, l, 8);
	ch->t1 = gr_sh_f_i64(sh, l, 9);
	ch->id = gr_sh_f_u64(sh, l, 10);
}

/* The candidate of a walk for effect (chain in link_xray.c); true when the walk found
 * its way (false: a segment on it is missing). */
static bool apply_chain(struct gr_shard *sh, const struct gr_sh_line *res, const char *effect,
			const char *pos, bool has_svc, bool async)
{
	struct gr_inf_chain ch;
	struct gr_inf_cand x;
	char idt[17];

	read_chain(sh, res, &ch);
	if (ch.end == CH_MISSING)
		return false;
	const char *owner = gr_sh_f_opt(res, 7);
	if (ch.end != CH_OWNER || !owner || !strcmp(owner, effect))
		return true;
	gr_inf_chain_cand(&ch, EV_XRAY_LINK, has_svc, async, &x);
	snprintf(idt, sizeof(idt), "%016llx", (unsigned long long)ch.id);
	x.key = ch.id ? idt : NULL;
	cand_line(sh, effect, pos, -1, owner, &x, false);
	return true;
}

static void link_group(struct gr_shard *sh, char ns)
{
	for (size_t i = 0; i < sh->gn && !sh->fatal; i++) {
		const struct gr_sh_line *l = &sh->lines[i];
		char t = gr_sh_type(l);
		if (ns == 'c' && t == 'E') {
			/* an invocation's segment that "child" links name: a walk up from each
			 * link's holder */
			const char *effect = gr_sh_f_str(l, 3);
			bool has_svc = gr_sh_f_i64(sh, l, 4) != 0, async = gr_sh_f_i64(sh, l, 5) != 0;
			for (size_t j = 0; j < sh->gn; j++)
				if (gr_sh_type(&sh->lines[j]) == 'H')
					apply_chain(sh, &sh->lines[j], effect, l->f[1], has_svc, async);
			continue;
		}
		if (t != 'L')
			continue;
		/* a link held by an invocation's segment: the walk from its target, else the
		 * send span of its message (by_message in link_xray.c) */
		const char *effect = gr_sh_f_str(l, 3);
		uint64_t target = gr_sh_f_u64(sh, l, 5);
		bool has_svc = gr_sh_f_i64(sh, l, 7) != 0, async = gr_sh_f_i64(sh, l, 8) != 0;
		const struct gr_sh_line *res = NULL;
		for (size_t j = 0; j < sh->gn && !res; j++)
			if (gr_sh_type(&sh->lines[j]) == 'H' && gr_sh_f_u64(sh, &sh->lines[j], 3) == target)
				res = &sh->lines[j];
		if (res && apply_chain(sh, res, effect, l->f[1], has_svc, async))
			continue;
		bool found = false;
		for (size_t j = 0; ns == 'm' && j < sh->gn; j++) {
			const struct gr_sh_line *m = &sh->lines[j];
			if (gr_sh_type(m) != 'M')
				continue;
			const char *owner = gr_sh_f_opt(m, 3);
			if (!owner || !strcmp(owner, effect))
				continue;
			struct gr_inf_cand x = {
				.cause_us = gr_sh_f_i64(sh, m, 5),
				.key = gr_sh_f_opt(m, 6),
				.conf = 1.0f,
				.kind = (uint8_t)gr_sh_f_edge_kind(sh, m, 4),
				.evidence = EV_XRAY_LINK,
				.sync_known = true,
				.time_known = true,
			};
			cand_line(sh, effect, l->f[1], -1, owner, &x, false);
			found = true;
		}
		if (found)
			continue;
		gr_sh_begin(sh, SH_EFFECT, effect, strlen(effect), l->f[1], 'U');
		gr_sh_i64(sh, U_XRAY_LINK);
		gr_sh_i64(sh, GR_KIND_SQS);
		gr_sh_i64(sh, gr_sh_f_i64(sh, l, 4));
		gr_sh_opt(sh, NULL);
		gr_sh_u64(sh, gr_sh_f_u64(sh, l, 6));
		gr_sh_end(sh);
	}
}

void gr_sh_link(struct gr_shard *sh)
{
	char ns = sh->lines[0].f[0][1];

	if (ns == 'k')
		key_group(sh);
	else if (ns == 'm' || ns == 'l' || ns == 'c')
		link_group(sh, ns);
	else
		gr_sh_fail(sh, GR_ERR_FORMAT, "link stage: a key of no kind it knows ('%c')", ns);
}

/* --- effect: one invocation's edges -------------------------------------------------- */

/* 16 hex digits of a signed time, in the order of the time. */
static void put_time(struct gr_buf *b, int64_t t)
{
	gr_buf_addf(b, "%016llx", (unsigned long long)((uint64_t)t ^ 0x8000000000000000ull));
}

/* Hex digits of a string: in the order of strcmp. */
static void put_hex(struct gr_buf *b, const char *s)
{
	static const char hx[] = "0123456789abcdef";

	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		gr_buf_addc(b, hx[c >> 4]);
		gr_buf_addc(b, hx[c & 15]);
	}
}

static void write_edge(struct gr_shard *sh, struct gr_infer *inf, const struct gr_inf_edge *e,
		       int64_t start_ts, int64_t start)
{
	const struct gr_inf_node *from = INF_NODE(inf, e->from), *to = INF_NODE(inf, e->to);
	struct gr_node two[2];
	struct gr_graph g2;
	struct gr_edge ge = { 0 };
	struct gr_buf json = GR_BUF_INIT;
	struct gr_jw w;
	char pos[SH_POS_LEN + 1];

	memset(two, 0, sizeof(two));
	memset(&g2, 0, sizeof(g2));
	g2.nodes = two;
	g2.nnodes = 2;
	two[0].id = from->id;
	two[1].id = to->id;
	gr_inf_edge_out(e, start_ts != GR_TIME_UNKNOWN ? start_ts : start, &ge);
	gr_jw_init(&w, &json);
	gr_graph_write_edge(&w, &g2, &ge);
	if (w.err || !json.len) {
		gr_buf_release(&json);
		gr_sh_fail(sh, GR_ERR_NOMEM, "out of memory");
		return;
	}
	json.data[--json.len] = '\0';
	/* the graph's order: cause_us, from, to, kind */
	struct gr_buf *k = &sh->tmp;
	gr_buf_reset(k);
	gr_buf_addc(k, '2');
	put_time(k, e->cause_us);
	put_hex(k, from->id);
	gr_buf_addc(k, '.');
	put_hex(k, to->id);
	gr_buf_addf(k, ".%02x", e->kind);
	gr_sh_pos(pos, 0, 0, 0);
	gr_sh_begin(sh, SH_MERGE, k->data, k->len, pos, 'O');
	gr_sh_cstr(sh, from->id);
	gr_sh_cstr(sh, to->id);
	gr_sh_i64(sh, e->kind);
	gr_sh_i64(sh, e->evidence);
	gr_sh_f32(sh, e->conf);
	gr_sh_str(sh, json.data, json.len);
	gr_sh_end(sh);
	gr_buf_release(&json);
}

static void write_unm(struct gr_shard *sh, struct gr_infer *inf, const struct gr_inf_unm *u)
{
	struct gr_buf json = GR_BUF_INIT;
	struct gr_jw w;
	char pos[SH_POS_LEN + 1];

	gr_jw_init(&w, &json);
	gr_inf_unm_json(inf, u, &w);
	if (w.err || !json.len) {
		gr_buf_release(&json);
		gr_sh_fail(sh, GR_ERR_NOMEM, "out of memory");
		return;
	}
	json.data[--json.len] = '\0';
	/* the graph's order: ts, req, what, kind, key, segment */
	struct gr_buf *k = &sh->tmp;
	gr_buf_reset(k);
	gr_buf_addc(k, '3');
	put_time(k, u->ts);
	put_hex(k, INF_NODE(inf, u->node)->id);
	gr_buf_addf(k, ".%x%02x", u->what, u->kind);
	put_hex(k, u->key);
	gr_buf_addf(k, ".%016llx", (unsigned long long)u->seg);
	gr_sh_pos(pos, 0, 0, 0);
	gr_sh_begin(sh, SH_MERGE, k->data, k->len, pos, 'O');
	gr_sh_str(sh, json.data, json.len);
	gr_sh_end(sh);
	gr_buf_release(&json);
}

void gr_sh_effect(struct gr_shard *sh)
{
	const struct gr_sh_line *sum = NULL;
	struct gr_inf_cands c = { 0 };
	struct gr_fpmap used = { 0 };  /* (position, number) of the causes used */
	size_t *matched = NULL;        /* per trigger: its candidates */
	uint8_t *confirmed = NULL;     /* per trigger: the link stage kept it */

	for (size_t i = 0; i < sh->gn && !sum; i++)
		if (gr_sh_type(&sh->lines[i]) == 'E')
			sum = &sh->lines[i];
	if (!sum)
		return; /* not an invocation of the input: what names it leads nowhere */
	struct gr_infer *inf = gr_sh_engine(sh);
	if (!inf)
		return;
	uint32_t e = INF_NONE;
	const char *id = gr_sh_f_str(sum, 3), *fn = gr_sh_f_opt(sum, 4);
	int64_t start = gr_sh_f_i64(sh, sum, 5), start_ts = gr_sh_f_i64(sh, sum, 6);
	int64_t first = gr_sh_f_i64(sh, sum, 7);
	bool named = gr_sh_f_i64(sh, sum, 8) != 0;
	e = group_node(inf, id, fn, first, GR_TIME_UNKNOWN, true);
	if (e == INF_NONE)
		goto out;
	/* the candidates found upstream */
	for (size_t i = 0; i < sh->gn && !inf->fatal; i++) {
		const struct gr_sh_line *l = &sh->lines[i];
		if (gr_sh_type(l) != 'X')
			continue;
		const char *from = gr_sh_f_str(l, 4), *key = gr_sh_f_opt(l, 7);
		uint32_t fi = gr_inf_node_get(inf, from, strlen(from));
		if (fi == INF_NONE)
			break;
		struct gr_inf_cand x = {
			.cause_us = gr_sh_f_i64(sh, l, 6) ? start : gr_sh_f_i64(sh, l, 5),
			.key = key ? gr_inf_pack_str(inf, key, strlen(key)) : NULL,
			.from = fi,
			.conf = gr_sh_f_f32(sh, l, 8),
			.kind = (uint8_t)gr_sh_f_edge_kind(sh, l, 9),
			.sync = gr_sh_f_u8(sh, l, 10),
			.evidence = (uint8_t)gr_sh_f_evidence(sh, l, 11),
			.sync_known = gr_sh_f_i64(sh, l, 12) != 0,
			.time_known = gr_sh_f_i64(sh, l, 13) != 0,
		};
		gr_inf_cand_add(inf, &c, &x);
	}
	/* per trigger: candidates found upstream, and whether the link stage kept it */
	size_t nsrc = 0;
	for (size_t i = 0; i < sh->gn; i++)
		nsrc += gr_sh_type(&sh->lines[i]) == 'S';
	matched = calloc(nsrc + 1, sizeof(*matched));
	confirmed = calloc(nsrc + 1, 1);
	if (!matched || !confirmed) {
		gr_sh_fail(sh, GR_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < sh->gn; i++) {
		const struct gr_sh_line *m = &sh->lines[i];
		char t = gr_sh_type(m);
		if (t == 'X') {
			int64_t tag = gr_sh_f_i64(sh, m, 3);
			if (tag >= 0 && (uint64_t)tag < nsrc)
				matched[tag]++;
		} else if (t == 'Y') {
			uint64_t ord = gr_sh_f_u64(sh, m, 3);
			if (ord < nsrc)
				confirmed[ord] = 1;
		} else if (t == 'V') {
			uint64_t fp = gr_fp_mix_u64(gr_fp_mix(17, gr_sh_f_str(m, 3),
							      strlen(gr_sh_f_str(m, 3))),
						    gr_sh_f_u64(sh, m, 4));
			if (!gr_fpmap_put(&used, gr_fp_fix(fp), 1, NULL)) {
				gr_sh_fail(sh, GR_ERR_NOMEM, "out of memory");
				goto out;
			}
		}
	}
	/* its triggers: a caller's id is a candidate here; the rest were matched upstream
	 * or are unmatched */
	for (size_t i = 0; i < sh->gn && !inf->fatal; i++) {
		const struct gr_sh_line *l = &sh->lines[i];
		if (gr_sh_type(l) != 'S')
			continue;
		uint64_t ord = gr_sh_f_u64(sh, l, 3);
		int rule = gr_sh_f_rule(sh, l, 4), kind = gr_sh_f_kind(sh, l, 5);
		const char *text = gr_sh_f_opt(l, 6);
		int flags = gr_sh_f_u8(sh, l, 7);
		size_t n_matched = ord < nsrc ? matched[ord] : 0;
		bool is_confirmed = ord < nsrc && confirmed[ord];
		const char *kt = text ? gr_inf_pack_str(inf, text, strlen(text)) : NULL;
		switch (rule) {
		case R_EXACT:
			if (!n_matched)
				gr_inf_unm_add(inf, U_TRIGGER, kind, e, first, kt, 0);
			break;
		case R_KEYTIME:
			if (kind == GR_KIND_LAMBDA && named)
				break; /* the Invoke named its request id */
			if ((flags & SF_ORPHAN) && !is_confirmed)
				break; /* no Invoke names its function: not a trigger */
			if (!n_matched)
				gr_inf_unm_add(inf, U_TRIGGER, kind, e, first, kt, 0);
			break;
		case R_CALLER: {
			uint32_t from = gr_inf_node_get(inf, kt ? kt : "", kt ? strlen(kt) : 0);
			if (from == INF_NONE)
				break;
			struct gr_inf_cand x = {
				.cause_us = start,
				.key = kt,
				.from = from,
				.conf = 1.0f,
				.kind = GR_KIND_LAMBDA,
				.evidence = EV_MARKER,
			};
			gr_inf_cand_add(inf, &c, &x);
			break;
		}
		case R_UNKNOWN:
			gr_inf_unm_add(inf, U_TRIGGER, GR_KIND_NONE, e, first, kt, 0);
			break;
		default:
			break;
		}
	}
	/* evidence that led nowhere, found upstream */
	for (size_t i = 0; i < sh->gn && !inf->fatal; i++) {
		const struct gr_sh_line *l = &sh->lines[i];
		if (gr_sh_type(l) != 'U')
			continue;
		const char *key = gr_sh_f_opt(l, 6);
		gr_inf_unm_add(inf, gr_sh_f_what(sh, l, 3), gr_sh_f_kind(sh, l, 4), e,
			       gr_sh_f_i64(sh, l, 5), key ? gr_inf_pack_str(inf, key, strlen(key)) : NULL,
			       gr_sh_f_u64(sh, l, 7));
	}
	/* its writes and sends no effect used */
	for (size_t i = 0; i < sh->gn && !inf->fatal; i++) {
		const struct gr_sh_line *l = &sh->lines[i];
		if (gr_sh_type(l) != 'K')
			continue;
		int flags = gr_sh_f_u8(sh, l, 8);
		if (flags & (CF_USED | CF_XRAY | CF_SPAN))
			continue;
		const char *cpos = gr_sh_f_str(l, 3);
		uint64_t fp = gr_fp_mix_u64(gr_fp_mix(17, cpos, strlen(cpos)), gr_sh_f_u64(sh, l, 4));
		if (gr_fpmap_get(&used, gr_fp_fix(fp)))
			continue;
		const char *text = gr_sh_f_opt(l, 7);
		gr_inf_unm_add(inf, U_CAUSE, gr_sh_f_kind(sh, l, 6), e, gr_sh_f_i64(sh, l, 5),
			       text ? gr_inf_pack_str(inf, text, strlen(text)) : NULL, 0);
	}
	if (inf->fatal || sh->fatal)
		goto out;
	gr_inf_link_cands(inf, e, &c);
	for (size_t i = 0; i < inf->edges.n && !sh->fatal; i++)
		write_edge(sh, inf, INF_EDGE(inf, i), start_ts, start);
	for (size_t i = 0; i < inf->unms.n && !sh->fatal; i++)
		write_unm(sh, inf, INF_AT(inf, unms, struct gr_inf_unm, i));
out:
	free(c.v);
	free(matched);
	free(confirmed);
	gr_fpmap_release(&used);
	gr_sh_engine_done(sh, inf);
}
