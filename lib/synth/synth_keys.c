/* synth_keys.c: gammaray-synth's keys of S3 objects and DynamoDB items, as AWS shows them. */
#include <string.h>

#include "synth/synth.h"

static const char *const labels[] = { "Dog", "Cat", "Car", "Tree", "Person", "Bicycle",
				      "Beach", "Mountain" };
size_t gr_sy_s3_key(const struct gr_sy_sim *s, const struct gr_sy_rec *r, char *out, size_t size)
{
	char *p = out;

	(void)size; /* every key fits in 64 bytes */
	switch (s->res[r->res].def->keyfmt) {
	case SY_KEY_PART:
		memcpy(p, "job-", 4);
		p += 4;
		p += gr_sy_fmt_u64_min(r->run, 6, p);
		memcpy(p, "/part-", 6);
		p += 6;
		p += gr_sy_fmt_u64_min(r->arg, 4, p);
		break;
	case SY_KEY_DEPTH:
		*p++ = 'd';
		p += gr_sy_fmt_u64(r->depth, p);
		*p++ = '/';
		p += gr_sy_fmt_id64(r->uniq, p);
		memcpy(p, ".html", 5);
		p += 5;
		break;
	default:
		memcpy(p, "o/", 2);
		p += 2;
		p += gr_sy_fmt_id64(r->uniq, p);
		memcpy(p, ".json", 5);
		p += 5;
		break;
	}
	return (size_t)(p - out);
}

/* "name":"value" or "name":{"T":"value"} */
static char *put_attr(char *p, const char *name, const char *type, const char *v, size_t vn,
		      bool typed)
{
	*p++ = '"';
	p = gr_sy_put_lit(p, name);
	p = gr_sy_put_lit(p, "\":");
	if (typed) {
		*p++ = '{';
		*p++ = '"';
		p = gr_sy_put_lit(p, type);
		p = gr_sy_put_lit(p, "\":");
	}
	*p++ = '"';
	memcpy(p, v, vn);
	p += vn;
	*p++ = '"';
	if (typed)
		*p++ = '}';
	return p;
}

void gr_sy_ddb_keys(struct gr_buf *b, const struct gr_sy_sim *s, const struct gr_sy_rec *r, bool typed)
{
	char v[32];
	size_t vn;
	char *p0, *p;

	if (gr_buf_grow(b, 160)) {
		gr_sy_fail((struct gr_sy_sim *)s, GR_ERR_NOMEM);
		return;
	}
	p0 = p = b->data + b->len;
	*p++ = '{';
	switch (s->res[r->res].def->keyfmt) {
	case SY_KEY_POOL:
		memcpy(v, "user-", 5);
		vn = 5 + gr_sy_fmt_u64_min(r->arg, 2, v + 5);
		p = put_attr(p, "UserId", "S", v, vn, typed);
		break;
	case SY_KEY_IMAGE:
		memcpy(v, "img-", 4);
		vn = 4 + gr_sy_fmt_id64(r->uniq, v + 4);
		p = put_attr(p, "ImageId", "S", v, vn, typed);
		*p++ = ',';
		{
			const char *l = labels[r->arg % (sizeof(labels) / sizeof(*labels))];
			p = put_attr(p, "Label", "S", l, strlen(l), typed);
		}
		break;
	default:
		vn = gr_sy_fmt_u64(r->uniq, v);
		p = put_attr(p, "Id", "N", v, vn, typed);
		break;
	}
	*p++ = '}';
	gr_sy_commit(b, (size_t)(p - p0));
}

