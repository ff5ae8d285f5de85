/* link_s3.c: the S3 rule: writes (bucket, key, ETag, version), the notifications they cause, and how a version or an ETag picks the write. */
#include <string.h>

#include "infer/rules/rules.h"

/* Bucket names may come as ARNs (arn:aws:s3:::bucket). */
static struct gr_str bucket_name(struct gr_str b)
{
	return gr_inf_arn_name(b, ":::");
}

/* ETags are quoted in API responses and bare in event notifications. */
static struct gr_str etag_bare(struct gr_str e)
{
	if (e.n >= 2 && e.p[0] == '"' && e.p[e.n - 1] == '"') {
		e.p++;
		e.n -= 2;
	}
	return e;
}

/* "bucket/key" into inf->tmp; returns it as a slice. */
static struct gr_str key_text(struct gr_infer *inf, struct gr_str b, struct gr_str k)
{
	gr_buf_reset(&inf->tmp);
	if (gr_buf_add(&inf->tmp, b.p, b.n) || gr_buf_addc(&inf->tmp, '/') ||
	    gr_buf_add(&inf->tmp, k.p, k.n)) {
		gr_inf_fail(inf, GR_ERR_NOMEM, "out of memory");
		return (struct gr_str){ "", 0 };
	}
	return (struct gr_str){ inf->tmp.data, inf->tmp.len };
}

int gr_inf_s3_call(struct gr_infer *inf, uint32_t node, int64_t ts, struct gr_str op,
		struct gr_str obj, const char **why)
{
	static const char *const names[] = { "bucket", "key", "etag", "version" };
	struct gr_jv v[4];
	struct gr_str b, k, e = { NULL, 0 }, ver = { NULL, 0 };
	int kop;

	if (gr_str_is(op, "PutObject") || gr_str_is(op, "CopyObject") || gr_str_is(op, "CompleteMultipartUpload"))
		kop = OP_PUT;
	else if (gr_str_is(op, "DeleteObject"))
		kop = OP_REMOVE;
	else
		return 0; /* reads and the rest trigger nothing */
	gr_inf_obj_fields(inf, obj, names, 4, v);
	if (!gr_inf_jstr(inf, &v[0], &b) || !b.n || !gr_inf_jstr(inf, &v[1], &k)) {
		*why = "S3 call without \"bucket\" and \"key\"";
		return -1;
	}
	b = bucket_name(b);
	if (v[2].t != GR_JT_NONE)
		gr_inf_jstr(inf, &v[2], &e);
	if (v[3].t != GR_JT_NONE)
		gr_inf_jstr(inf, &v[3], &ver);
	e = etag_bare(e);
	struct gr_str text = key_text(inf, b, k);
	uint32_t c = gr_inf_cause_add(inf, node, ts, GR_KIND_S3, kop, text.p, text.n);
	if (c == INF_NONE)
		return -1;
	uint64_t key = gr_inf_fp2(T_S3KEY, b.p, b.n, k.p, k.n);
	INF_CAUSE(inf, c)->key = key;
	gr_inf_alias_add(inf, key, c);
	if (e.n)
		gr_inf_alias_add(inf, gr_inf_fp2(T_S3ETAG, b.p, b.n, e.p, e.n), c);
	if (ver.n)
		gr_inf_alias_add(inf, gr_inf_fp2(T_S3VER, b.p, b.n, ver.p, ver.n), c);
	return 1;
}

static int hexv(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
	       c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Event notifications URL-encode the key (space as '+'). Decoded into out (room n). */
static size_t url_decode(const char *s, size_t n, char *out)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '+') {
			out[o++] = ' ';
		} else if (s[i] == '%' && i + 2 < n && hexv(s[i + 1]) >= 0 && hexv(s[i + 2]) >= 0) {
			out[o++] = (char)(hexv(s[i + 1]) * 16 + hexv(s[i + 2]));
			i += 2;
		} else {
			out[o++] = s[i];
		}
	}
	return o;
}

int gr_inf_s3_src(struct gr_infer *inf, uint32_t node, struct gr_str obj, const char **why)
{
	static const char *const names[] = { "bucket", "key", "etag", "version", "sequencer",
					     "event" };
	struct gr_jv v[6];
	struct gr_str b, k, e = { NULL, 0 }, ver = { NULL, 0 }, seq = { NULL, 0 }, ev = { NULL, 0 };

	gr_inf_obj_fields(inf, obj, names, 6, v);
	if (!gr_inf_jstr(inf, &v[0], &b) || !b.n || !gr_inf_jstr(inf, &v[1], &k)) {
		*why = "S3 src without \"bucket\" and \"key\"";
		return -1;
	}
	b = bucket_name(b);
	if (v[2].t != GR_JT_NONE)
		gr_inf_jstr(inf, &v[2], &e);
	if (v[3].t != GR_JT_NONE)
		gr_inf_jstr(inf, &v[3], &ver);
	if (v[4].t != GR_JT_NONE)
		gr_inf_jstr(inf, &v[4], &seq);
	if (v[5].t != GR_JT_NONE)
		gr_inf_jstr(inf, &v[5], &ev);
	e = etag_bare(e);
	struct gr_str text = key_text(inf, b, k);
	struct gr_inf_src *s = gr_inf_src_add(inf, node, GR_KIND_S3, R_KEYTIME,
					gr_inf_fp2(T_S3KEY, b.p, b.n, k.p, k.n), text.p, text.n);
	if (!s)
		return -1;
	struct gr_inf_s3x x = { 0, 0, 0 };
	if (k.n && (memchr(k.p, '%', k.n) || memchr(k.p, '+', k.n))) {
		/* the text is packed already: tmp is free again */
		gr_buf_reset(&inf->tmp);
		if (!gr_buf_grow(&inf->tmp, k.n + 1)) {
			size_t dn = url_decode(k.p, k.n, inf->tmp.data);
			x.alt = gr_inf_fp2(T_S3KEY, b.p, b.n, inf->tmp.data, dn);
		}
	}
	if (ver.n)
		x.version = gr_inf_fp2(T_S3VER, b.p, b.n, ver.p, ver.n);
	if (e.n)
		x.etag = gr_inf_fp2(T_S3ETAG, b.p, b.n, e.p, e.n);
	if (x.alt || x.version || x.etag) {
		uint32_t xi = (uint32_t)inf->s3x.n;
		struct gr_inf_s3x *px = gr_inf_vec_push(inf, &inf->s3x, sizeof(*px));
		if (!px)
			return -1;
		*px = x;
		s = INF_SRC(inf, inf->srcs.n - 1);
		s->s3 = xi;
	}
	if (seq.n)
		s->order = gr_inf_pack_str(inf, seq.p, seq.n);
	if (ev.n >= 13 && !memcmp(ev.p, "ObjectRemoved", 13))
		s->op = OP_REMOVE;
	else if (ev.n >= 13 && !memcmp(ev.p, "ObjectCreated", 13))
		s->op = OP_PUT;
	return 1;
}

uint64_t gr_inf_s3_group(struct gr_infer *inf, const char *text)
{
	const char *slash = strchr(text, '/');
	size_t bn = slash ? (size_t)(slash - text) : strlen(text);
	const char *k = slash ? slash + 1 : "";
	size_t kn = strlen(k);

	gr_buf_reset(&inf->tmp);
	if (gr_buf_add(&inf->tmp, k, kn) || gr_buf_grow(&inf->tmp, kn + 1)) {
		gr_inf_fail(inf, GR_ERR_NOMEM, "out of memory");
		return 0;
	}
	/* decode until nothing changes: a key, its encoding and its encoding's encoding
	 * (every spelling one of them may be matched by) land in one group */
	for (int round = 0; round < 16; round++) {
		char *d = inf->tmp.data;
		if (!memchr(d, '%', inf->tmp.len) && !memchr(d, '+', inf->tmp.len))
			break;
		size_t dn = url_decode(d, inf->tmp.len, d);
		if (dn == inf->tmp.len && !memchr(d, '+', dn) && !memchr(d, '%', dn))
			break;
		inf->tmp.len = dn;
		d[dn] = '\0';
	}
	return gr_inf_fp2(T_S3KEY, text, bn, inf->tmp.data, inf->tmp.len);
}

/* --- matching by key and time (link_keytime.c asks) ------------------------- */

uint64_t gr_inf_s3_key(const struct gr_infer *inf, const struct gr_inf_src *s, uint64_t key)
{
	uint64_t alt = s->s3 != INF_NONE ? INF_AT(inf, s3x, struct gr_inf_s3x, s->s3)->alt : 0;

	if (alt && gr_inf_alias_first(inf, key) == INF_NONE && gr_inf_alias_first(inf, alt) != INF_NONE)
		return alt;
	return key;
}

/*
 * S3 ids: a version names one write; an ETag names the writes of that content.
 * Returns true when s was matched.
 */
bool gr_inf_s3_exact(struct gr_infer *inf, struct gr_inf_src *s, uint64_t key, int64_t t)
{
	const struct gr_inf_s3x *x = s->s3 != INF_NONE ? INF_AT(inf, s3x, struct gr_inf_s3x, s->s3) : NULL;
	uint64_t ids[2] = { x ? x->version : 0, x ? x->etag : 0 };
	int64_t late = t == GR_TIME_UNKNOWN ? INT64_MAX : t + inf->o.tolerance_us;

	for (int k = 0; k < 2; k++) {
		uint32_t best = INF_NONE, after = INF_NONE, first_node = INF_NONE;
		int producers = 0;
		if (!ids[k])
			continue;
		for (uint32_t a = gr_inf_alias_first(inf, ids[k]); a != INF_NONE;
		     a = INF_ALIAS(inf, a)->next) {
			uint32_t ci = INF_ALIAS(inf, a)->cause;
			const struct gr_inf_cause *c = INF_CAUSE(inf, ci);
			if (c->key != key || !gr_inf_op_fits(s->op, c->op))
				continue;
			if (first_node == INF_NONE)
				first_node = c->node;
			else if (c->node != first_node)
				producers++;
			if (c->ts > late) {
				if (after == INF_NONE || c->ts < INF_CAUSE(inf, after)->ts)
					after = ci;
			} else if (best == INF_NONE || c->ts > INF_CAUSE(inf, best)->ts) {
				/* of several writes of the same content: the latest before */
				best = ci;
			}
		}
		if (best == INF_NONE)
			best = after;
		if (best == INF_NONE)
			continue;
		gr_inf_src_assign(s, best, producers ? (float)(0.9 / (1 + producers)) : 1.0f, EV_MARKER);
		return true;
	}
	return false;
}
