/* infer_shard_io.c: the keyed lines of a sharded run: writing, reading, positions, counts, the engines of a stage. */
#include "infer/infer_shard.h"

#include "common/strmap.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void gr_sh_fail(struct gr_shard *sh, int code, const char *fmt, ...)
{
	va_list ap;

	if (sh->fatal)
		return;
	sh->fatal = code;
	va_start(ap, fmt);
	char msg[sizeof(sh->ferr.msg)];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	gr_error_set(&sh->ferr, code, "%s", msg);
}

int gr_sh_grow(void *arr, size_t *cap, size_t need, size_t sz)
{
	void **a = arr;

	if (need <= *cap)
		return 0;
	size_t nc = *cap ? *cap : 16;
	while (nc < need) {
		if (nc > SIZE_MAX / 4 / sz)
			return GR_ERR_NOMEM;
		nc *= 2;
	}
	void *p = realloc(*a, nc * sz);
	if (!p)
		return GR_ERR_NOMEM;
	*a = p;
	*cap = nc;
	return 0;
}

/* --- numbers ----------------------------------------------------------------------- */

/* A decimal number as gr_sh_i64 writes it: an optional '-', then digits, nothing else
 * (by hand: the stages read millions of numbers, and strtoll was a tenth of some). */
static bool parse_dec(const char *s, int64_t *out)
{
	bool neg = *s == '-';
	uint64_t v = 0, max = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;

	s += neg;
	if (!*s)
		return false;
	for (; *s; s++) {
		unsigned d = (unsigned)(unsigned char)*s - '0';
		if (d > 9 || v > (max - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return true;
}

/* n hex digits (what follows them is the caller's to check; a NUL among them stops). */
static bool parse_hex(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;

	for (size_t k = 0; k < n; k++) {
		unsigned c = (unsigned char)s[k], d;
		if (c - '0' <= 9)
			d = c - '0';
		else if ((c | 0x20) - 'a' <= 5)
			d = (c | 0x20) - 'a' + 10;
		else
			return false;
		v = v << 4 | d;
	}
	*out = v;
	return true;
}

/* v in decimal at o; returns the end. */
static char *put_dec(char *o, uint64_t v)
{
	char t[20], *p = t + sizeof(t);

	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	memcpy(o, p, (size_t)(t + sizeof(t) - p));
	return o + (t + sizeof(t) - p);
}

/* --- positions --------------------------------------------------------------------- */

/* v's last n hex digits, lowercase, at out. */
static void put_hex(char *out, uint64_t v, int n)
{
	static const char hx[] = "0123456789abcdef";

	for (int i = n - 1; i >= 0; i--, v >>= 4)
		out[i] = hx[v & 15];
}

void gr_sh_pos(char *out, uint32_t part, uint32_t input, uint64_t line)
{
	put_hex(out, part, 8);
	put_hex(out + 8, input & 0xffffu, 4);
	put_hex(out + 12, line & 0xffffffffffull, 10);
	out[SH_POS_LEN] = '\0';
}

void gr_sh_pos_where(const char *pos, char *where, size_t size, uint64_t *line)
{
	uint64_t part = 0, input = 0, ln = 0;

	if (!parse_hex(pos, 8, &part) || !parse_hex(pos + 8, 4, &input) ||
	    !parse_hex(pos + 12, 10, &ln) || pos[SH_POS_LEN])
		part = input = ln = 0;
	/* "part P input I", by hand: made for every record a stage replays */
	char b[48], *o = b;
	memcpy(o, "part ", 5);
	o = put_dec(o + 5, part);
	memcpy(o, " input ", 7);
	o = put_dec(o + 7, input);
	size_t n = (size_t)(o - b) < size ? (size_t)(o - b) : size - 1;
	memcpy(where, b, n);
	where[n] = '\0';
	*line = ln;
}

/* --- writing ------------------------------------------------------------------------ */

/* Does any of the 8 bytes of w need escaping (a control byte, a backslash)? Exact:
 * (x - 0x01..) & ~x & 0x80.. is nonzero iff a byte of x is zero, and
 * (w - 0x20..) & ~w & 0x80.. iff a byte of w is below 0x20. */
static inline bool esc8(uint64_t w)
{
	const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
	uint64_t bs = w ^ (ones * '\\');

	return (((w - ones * 0x20) & ~w) | ((bs - ones) & ~bs)) & highs;
}

static void put_esc_to(struct gr_shard *sh, struct gr_buf *b, const char *s, size_t n)
{
	size_t run = 0;

	for (size_t i = 0; i < n; i++) {
		/* eight bytes at a time past those that need nothing (most of them: an
		 * event's JSON has no control byte, and few backslashes) */
		while (i + 8 <= n) {
			uint64_t w;
			memcpy(&w, s + i, 8);
			if (esc8(w))
				break;
			i += 8;
		}
		if (i >= n)
			break;
		unsigned char c = (unsigned char)s[i];
		if (c != '\\' && c >= 0x20)
			continue;
		int rc = gr_buf_add(b, s + run, i - run);
		if (c == '\\' || c == '\t' || c == '\n' || c == '\r')
			rc |= gr_buf_addc(b, '\\') | gr_buf_addc(b, c == '\\' ? '\\' : c == '\t' ? 't' :
							    c == '\n' ? 'n' : 'r');
		else /* other control bytes: sorted keys stay in the order of their bytes */
			rc |= gr_buf_addf(b, "\\x%02x", c);
		if (rc)
			gr_sh_fail(sh, GR_ERR_NOMEM, "out of memory");
		run = i + 1;
	}
	if (gr_buf_add(b, s + run, n - run))
		gr_sh_fail(sh, GR_ERR_NOMEM, "out of memory");
}

static void put_esc(struct gr_shard *sh, const char *s, size_t n)
{
	put_esc_to(sh, sh->cur, s, n);
}

static void put_tab(struct gr_shard *sh)
{
	if (gr_buf_addc(sh->cur, '\t'))
		gr_sh_fail(sh, GR_ERR_NOMEM, "out of memory");
}

/* With buckets: the line whose letter and escaped key are key[0, kn) goes to its
 * bucket's lines (the merge's to bucket 0), written there as it is made. */
static void route(struct gr_shard *sh, const char *key, size_t kn)
{
	char letter = key[0];

	if (letter < SH_REQUEST || letter > SH_MERGE) {
		gr_sh_fail(sh, GR_ERR_FORMAT, "a line for no stage ('%c')", letter);
		sh->cur = &sh->out;
		return;
	}
	sh->cur_letter = letter;
	sh->cur_bucket = letter == SH_MERGE ? 0 : (unsigned)(gr_hash(key, kn) % sh->buckets);
	sh->cur = &sh->bk[(unsigned)(letter - SH_REQUEST) * sh->buckets + sh->cur_bucket];
}

void gr_sh_begin(struct gr_shard *sh, char letter, const char *key, size_t kn, const char *pos,
		 char type)
{
	if (sh->buckets) {
		gr_buf_reset(&sh->kesc);
		if (gr_buf_addc(&sh->kesc, letter))
			gr_sh_fail(sh, GR_ERR_NOMEM, "out of memory");
		put_esc_to(sh, &sh->kesc, key, kn);
		route(sh, sh->kesc.data, sh->kesc.len);
		if (gr_buf_add(sh->cur, sh->kesc.data, sh->kesc.len))
			gr_sh_fail(sh, GR_ERR_NOMEM, "out of memory");
	} else {
		if (gr_buf_addc(sh->cur, letter))
			gr_sh_fail(sh, GR_ERR_NOMEM, "out of memory");
		put_esc(sh, key, kn);
	}
	put_tab(sh);
	put_esc(sh, pos, strlen(pos));
	put_tab(sh);
	if (gr_buf_addc(sh->cur, type))
		gr_sh_fail(sh, GR_ERR_NOMEM, "out of memory");
}

void gr_sh_str(struct gr_shard *sh, const char *s, size_t n)
{
	put_tab(sh);
	put_esc(sh, s, n);
}

void gr_sh_cstr(struct gr_shard *sh, const char *s)
{
	gr_sh_str(sh, s ? s : "", s ? strlen(s) : 0);
}

void gr_sh_opt(struct gr_shard *sh, const char *s)
{
	put_tab(sh);
	if (!s)
		return;
	if (gr_buf_addc(sh->cur, '='))
		gr_sh_fail(sh, GR_ERR_NOMEM, "out of memory");
	put_esc(sh, s, strlen(s));
}

void gr_sh_i64(struct gr_shard *sh, int64_t v)
{
	char b[24], *p = b + sizeof(b);
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

	/* (by hand: the stages write millions of numbers) */
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	put_tab(sh);
	if (gr_buf_add(sh->cur, p, (size_t)(b + sizeof(b) - p)))
		gr_sh_fail(sh, GR_ERR_NOMEM, "out of memory");
}

void gr_sh_u64(struct gr_shard *sh, uint64_t v)
{
	char b[16];

	put_hex(b, v, 16);
	put_tab(sh);
	if (gr_buf_add(sh->cur, b, 16))
		gr_sh_fail(sh, GR_ERR_NOMEM, "out of memory");
}

void gr_sh_f32(struct gr_shard *sh, float v)
{
	uint32_t bits;
	char b[8];

	memcpy(&bits, &v, sizeof(bits));
	put_hex(b, bits, 8);
	gr_sh_str(sh, b, 8);
}

/* Every bucket's lines not yet handed over. */
static int flush_buckets(struct gr_shard *sh)
{
	int rc = 0;

	for (unsigned i = 0; !rc && i < 6 * sh->buckets; i++) {
		struct gr_buf *bb = &sh->bk[i];
		if (!bb->len)
			continue;
		rc = sh->write_bucket(sh->write_bucket_ctx, (char)(SH_REQUEST + i / sh->buckets),
				      i % sh->buckets, bb->data, bb->len);
		gr_buf_reset(bb);
	}
	return rc;
}

static int write_failed(struct gr_shard *sh, int rc)
{
	if (rc)
		gr_sh_fail(sh, rc, "%s", rc == GR_ERR_PIPE ? "broken pipe" : "cannot write the output");
	return rc;
}

int gr_sh_flush(struct gr_shard *sh, bool force)
{
	int rc;

	if (sh->buckets)
		return force ? write_failed(sh, flush_buckets(sh)) : 0;
	if (!sh->out.len || (!force && sh->out.len < (1u << 20)))
		return 0;
	rc = sh->o.write(sh->o.write_ctx, sh->out.data, sh->out.len);
	gr_buf_reset(&sh->out);
	return write_failed(sh, rc);
}

void gr_sh_end(struct gr_shard *sh)
{
	struct gr_buf *b = sh->cur;

	if (gr_buf_addc(b, '\n'))
		gr_sh_fail(sh, GR_ERR_NOMEM, "out of memory");
	if (!sh->buckets) {
		gr_sh_flush(sh, false);
		return;
	}
	/* a bucket's lines handed over a megabyte at a time */
	sh->cur = &sh->out;
	if (b->len >= (1u << 20)) {
		int rc = sh->write_bucket(sh->write_bucket_ctx, sh->cur_letter, sh->cur_bucket,
					  b->data, b->len);
		gr_buf_reset(b);
		write_failed(sh, rc);
	}
}

void gr_sh_copy(struct gr_shard *sh, const char *line, size_t n)
{
	if (sh->buckets) {
		const char *tab = memchr(line, '\t', n);
		route(sh, line, tab ? (size_t)(tab - line) : n);
	}
	if (gr_buf_add(sh->cur, line, n))
		gr_sh_fail(sh, GR_ERR_NOMEM, "out of memory");
	gr_sh_end(sh);
}

/* --- reading ------------------------------------------------------------------------ */

static bool bad_field(struct gr_shard *sh, const struct gr_sh_line *l, size_t i)
{
	gr_sh_fail(sh, GR_ERR_FORMAT, "a line of the stage before has no field %zu, or a bad one "
		   "(key '%.40s'): the stages of a run must be this version's", i, l->f[0]);
	return false;
}

#define NODE(m, t) GR_SH_FIELD(struct gr_inf_node, m, t)
const struct gr_sh_field gr_sh_node_fields[] = {
	NODE(start_ts, SH_I64),	     NODE(first_ts, SH_I64),	  NODE(report_ts, SH_I64),
	NODE(end_ts, SH_I64),	     NODE(fault_ts, SH_I64),	  NODE(mark_ts, SH_I64),
	NODE(report_seg, SH_U64),    NODE(dur_us, SH_I32),	  NODE(end_dur_us, SH_I32),
	NODE(init_us, SH_I32),	     NODE(restore_us, SH_I32),	  NODE(billed_us, SH_I32),
	NODE(billed_restore_us, SH_I32), NODE(mem_mb, SH_I32),	  NODE(attempts, SH_U16),
	NODE(report_status, SH_U8),  NODE(end_status, SH_U8),	  NODE(fault_status, SH_U8),
	NODE(flags, SH_U8),
};
const size_t gr_sh_node_nfields = sizeof(gr_sh_node_fields) / sizeof(gr_sh_node_fields[0]);
#undef NODE

#define STREAM(m, t) GR_SH_FIELD(struct gr_inf_stream, m, t)
const struct gr_sh_field gr_sh_stream_fields[] = {
	STREAM(init_ts, SH_I64),     STREAM(restore_ts, SH_I64),     STREAM(fail_ts, SH_I64),
	STREAM(first_after, SH_I64), STREAM(init_us, SH_I32),	     STREAM(invoke_init_us, SH_I32),
	STREAM(restore_us, SH_I32),
};
const size_t gr_sh_stream_nfields = sizeof(gr_sh_stream_fields) / sizeof(gr_sh_stream_fields[0]);
#undef STREAM

void gr_sh_fields(struct gr_shard *sh, const void *obj, const struct gr_sh_field *f, size_t n)
{
	const char *base = obj;

	for (size_t i = 0; i < n; i++) {
		const char *m = base + f[i].off;
		switch (f[i].type) {
		case SH_I64: { int64_t v; memcpy(&v, m, sizeof(v)); gr_sh_i64(sh, v); break; }
		case SH_U64: { uint64_t v; memcpy(&v, m, sizeof(v)); gr_sh_u64(sh, v); break; }
		case SH_I32: { int32_t v; memcpy(&v, m, sizeof(v)); gr_sh_i64(sh, v); break; }
		case SH_U16: { uint16_t v; memcpy(&v, m, sizeof(v)); gr_sh_i64(sh, v); break; }
		case SH_U8: gr_sh_i64(sh, *(const uint8_t *)m); break;
		}
	}
}

void gr_sh_f_fields(struct gr_shard *sh, const struct gr_sh_line *l, size_t at, void *obj,
		    const struct gr_sh_field *f, size_t n)
{
	char *base = obj;

	for (size_t i = 0; i < n; i++) {
		char *m = base + f[i].off;
		switch (f[i].type) {
		case SH_I64: { int64_t v = gr_sh_f_i64(sh, l, at + i); memcpy(m, &v, sizeof(v)); break; }
		case SH_U64: { uint64_t v = gr_sh_f_u64(sh, l, at + i); memcpy(m, &v, sizeof(v)); break; }
		case SH_I32: { int32_t v = (int32_t)gr_sh_f_i64(sh, l, at + i); memcpy(m, &v, sizeof(v)); break; }
		case SH_U16: { uint16_t v = (uint16_t)gr_sh_f_range(sh, l, at + i, 0, UINT16_MAX); memcpy(m, &v, sizeof(v)); break; }
		case SH_U8: *(uint8_t *)m = gr_sh_f_u8(sh, l, at + i); break;
		}
	}
}

int64_t gr_sh_f_i64(struct gr_shard *sh, const struct gr_sh_line *l, size_t i)
{
	int64_t v;

	if (i >= l->nf || !parse_dec(l->f[i], &v))
		return bad_field(sh, l, i), 0;
	return v;
}

int64_t gr_sh_f_range(struct gr_shard *sh, const struct gr_sh_line *l, size_t i, int64_t lo,
		      int64_t hi)
{
	int64_t v = gr_sh_f_i64(sh, l, i);

	if (v < lo || v > hi)
		return bad_field(sh, l, i), lo;
	return v;
}

uint64_t gr_sh_f_u64(struct gr_shard *sh, const struct gr_sh_line *l, size_t i)
{
	uint64_t v;

	if (i >= l->nf || !parse_hex(l->f[i], 16, &v) || l->f[i][16])
		return bad_field(sh, l, i), 0;
	return v;
}

float gr_sh_f_f32(struct gr_shard *sh, const struct gr_sh_line *l, size_t i)
{
	uint64_t x;
	float v;

	if (i >= l->nf || !parse_hex(l->f[i], 8, &x) || l->f[i][8])
		return bad_field(sh, l, i), 0.0f;
	uint32_t bits = (uint32_t)x;
	memcpy(&v, &bits, sizeof(v));
	return v;
}

const char *gr_sh_f_str(const struct gr_sh_line *l, size_t i)
{
	return i < l->nf ? l->f[i] : "";
}

const char *gr_sh_f_opt(const struct gr_sh_line *l, size_t i)
{
	return i < l->nf && l->f[i][0] == '=' ? l->f[i] + 1 : NULL;
}

/* Undo the escapes of s in place; returns its end. */
/* A field unescaped in place from s, its first backslash, to end: the bytes between
 * escapes moved a run at a time. Returns its new end. */
static char *unescape(char *s, char *end)
{
	char *o = s, *p = s;

	while (p < end) {
		char *bs = memchr(p, '\\', (size_t)(end - p));
		char *stop = bs ? bs : end;
		if (o != p)
			memmove(o, p, (size_t)(stop - p));
		o += stop - p;
		if (!bs)
			break;
		p = bs + 1;
		if (p == end) { /* a backslash that ends the field is itself */
			*o++ = '\\';
			break;
		}
		if (*p == 'x' && end - p >= 3) {
			char h[3] = { p[1], p[2], '\0' };
			*o++ = (char)strtoul(h, NULL, 16);
			p += 3;
			continue;
		}
		*o++ = *p == 't' ? '\t' : *p == 'n' ? '\n' : *p == 'r' ? '\r' : *p;
		p++;
	}
	return o;
}

int gr_sh_group_split(struct gr_shard *sh)
{
	size_t fi = 0;

	gr_buf_reset(&sh->gsplit);
	if (sh->graw.len && gr_buf_add(&sh->gsplit, sh->graw.data, sh->graw.len + 1))
		return GR_ERR_NOMEM;
	if (gr_sh_grow(&sh->lines, &sh->lines_cap, sh->gn, sizeof(*sh->lines)))
		return GR_ERR_NOMEM;
	for (size_t i = 0; i < sh->gn; i++) {
		struct gr_sh_line *l = &sh->lines[i];
		/* (goff is in the group's order, not graw's: a line's end is its NUL) */
		size_t at = sh->goff[i], n = strlen(sh->graw.data + at);
		char *p = sh->gsplit.data + at, *end = p + n;
		l->raw = sh->graw.data + at;
		l->rawn = n;
		l->nf = 0;
		for (;;) {
			char *tab = memchr(p, '\t', (size_t)(end - p));
			char *fe = tab ? tab : end;
			char *bs = memchr(p, '\\', (size_t)(fe - p));
			if (bs)
				fe = unescape(bs, fe);
			*fe = '\0';
			if (gr_sh_grow(&sh->fields, &sh->fields_cap, fi + 1, sizeof(*sh->fields)))
				return GR_ERR_NOMEM;
			sh->fields[fi++] = p;
			l->nf++;
			if (!tab)
				break;
			p = tab + 1;
		}
		if (l->nf < 3)
			return gr_sh_fail(sh, GR_ERR_FORMAT, "a line without a position and a type "
					  "(key '%.40s')", sh->fields[fi - l->nf]), GR_ERR_FORMAT;
	}
	/* the field pointers, once the array no longer moves */
	for (size_t i = 0, k = 0; i < sh->gn; k += sh->lines[i++].nf)
		sh->lines[i].f = &sh->fields[k];
	return 0;
}

/* --- counts ------------------------------------------------------------------------- */

void gr_sh_add_stats(struct gr_shard *sh, const struct gr_infer_stats *st)
{
	struct gr_infer_stats *a = &sh->acc;

	a->io.records_out += st->io.records_out;
	a->io.invalid_utf8 += st->io.invalid_utf8;
	for (int r = 0; r < GR_REASON_COUNT; r++)
		a->io.reason[r] += st->io.reason[r];
	a->clock_violations += st->clock_violations;
	a->cycles_broken += st->cycles_broken;
	a->unmatched_xray += st->unmatched_xray;
	for (int k = 0; k < GR_INFER_KINDS; k++) {
		a->unmatched_trigger[k] += st->unmatched_trigger[k];
		a->unmatched_cause[k] += st->unmatched_cause[k];
	}
}

void gr_sh_account(struct gr_shard *sh)
{
	const struct gr_infer_stats *a = &sh->acc;
	char pos[SH_POS_LEN + 1];

	gr_sh_pos(pos, 0, 0, 0);
	gr_sh_begin(sh, SH_MERGE, "5", 1, pos, 'A');
	gr_sh_i64(sh, GR_REASON_COUNT);
	gr_sh_i64(sh, GR_INFER_KINDS);
	gr_sh_i64(sh, (int64_t)a->io.files);
	gr_sh_i64(sh, (int64_t)a->io.bytes_in);
	gr_sh_i64(sh, (int64_t)a->io.bytes);
	gr_sh_i64(sh, (int64_t)a->io.records_in);
	gr_sh_i64(sh, (int64_t)a->io.records_out);
	gr_sh_i64(sh, (int64_t)a->io.invalid_utf8);
	for (int r = 0; r < GR_REASON_COUNT; r++)
		gr_sh_i64(sh, (int64_t)a->io.reason[r]);
	gr_sh_i64(sh, (int64_t)a->clock_violations);
	gr_sh_i64(sh, (int64_t)a->cycles_broken);
	gr_sh_i64(sh, (int64_t)a->unmatched_xray);
	for (int k = 0; k < GR_INFER_KINDS; k++)
		gr_sh_i64(sh, (int64_t)a->unmatched_trigger[k]);
	for (int k = 0; k < GR_INFER_KINDS; k++)
		gr_sh_i64(sh, (int64_t)a->unmatched_cause[k]);
	gr_sh_end(sh);
}

/* --- the engines of a stage ----------------------------------------------------------- */

struct gr_infer *gr_sh_engine(struct gr_shard *sh)
{
	struct gr_infer *inf;
	struct gr_error e = { 0 };

	if (gr_infer_new(&inf, &sh->o, &e)) {
		gr_sh_fail(sh, e.code ? e.code : GR_ERR_NOMEM, "%s", e.msg);
		return NULL;
	}
	inf->shard = true;
	inf->err = &sh->ferr;
	return inf;
}

void gr_sh_replay(struct gr_shard *sh, struct gr_infer *inf, const struct gr_sh_line *l,
		  size_t field, bool counted)
{
	const char *rec = gr_sh_f_str(l, field);
	uint64_t line;

	gr_sh_pos_where(l->f[1], sh->where, sizeof(sh->where), &line);
	inf->file = sh->where;
	inf->line = line;
	if (counted) {
		gr_inf_record(inf, rec, strlen(rec));
		return;
	}
	/* a copy sent for what it tells: neither counted nor reported (its home is) */
	struct gr_stats keep = inf->st.io;
	uint64_t unm_xray = inf->st.unmatched_xray;
	void (*diag)(void *, int, const struct gr_error *) = inf->o.diag;
	bool strict = inf->o.strict;
	inf->o.diag = NULL;
	inf->o.strict = false;
	gr_inf_record(inf, rec, strlen(rec));
	inf->o.diag = diag;
	inf->o.strict = strict;
	inf->st.io = keep;
	inf->st.unmatched_xray = unm_xray;
}

void gr_sh_engine_done(struct gr_shard *sh, struct gr_infer *inf)
{
	if (!inf)
		return;
	if (inf->fatal && !sh->fatal)
		sh->fatal = inf->fatal; /* its message is in sh->ferr */
	gr_sh_add_stats(sh, &inf->st);
	gr_infer_free(inf);
}

int gr_sh_alias_lists(const struct gr_infer *inf, uint32_t **head, uint32_t **next)
{
	size_t nc = inf->causes.n, na = inf->aliases.n;
	const struct gr_inf_alias *al = inf->aliases.v;

	*head = malloc((nc + 1) * sizeof(**head));
	*next = malloc((na + 1) * sizeof(**next));
	if (!*head || !*next) {
		free(*head);
		free(*next);
		*head = *next = NULL;
		return GR_ERR_NOMEM;
	}
	for (size_t c = 0; c < nc; c++)
		(*head)[c] = INF_NONE;
	/* backwards, each prepended: the lists come out in the aliases' order */
	for (size_t a = na; a-- > 0;) {
		(*next)[a] = (*head)[al[a].cause];
		(*head)[al[a].cause] = (uint32_t)a;
	}
	return 0;
}

/* --- keys ----------------------------------------------------------------------------- */

size_t gr_sh_trace_key(char *out, size_t size, struct gr_str trace)
{
	char tb[33];
	struct gr_str t = gr_inf_trace_norm(trace, tb);
	int n = snprintf(out, size, "t:%.*s", (int)t.n, t.p ? t.p : "");

	return n < 0 ? 0 : (size_t)n < size ? (size_t)n : size - 1;
}

void gr_sh_hex_key(char *out, char ns, uint64_t fp)
{
	snprintf(out, 18, "%c%016llx", ns, (unsigned long long)fp);
}
