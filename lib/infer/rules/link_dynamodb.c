/* link_dynamodb.c: the DynamoDB rule: item writes (table, keys) and the stream records they cause. */
#include <stdlib.h>
#include <string.h>

#include "infer/rules/rules.h"

#define MAX_KEY_ATTRS 16

/* One key attribute: its name and value as text. */
struct attr {
	struct gr_str name, value; /* attribute name, value as text */
};

static int attr_cmp(const void *a, const void *b)
{
	const struct attr *x = a, *y = b;
	size_t n = x->name.n < y->name.n ? x->name.n : y->name.n;
	int c = memcmp(x->name.p, y->name.p, n);

	return c ? c : (x->name.n > y->name.n) - (x->name.n < y->name.n);
}

/* A key value, plain ("101", 101) or typed ({"N":"101"}), as text. */
static bool attr_value(struct gr_infer *inf, const struct gr_jv *v, struct gr_str *out)
{
	switch (v->t) {
	case GR_JT_STR:
		return gr_inf_jstr(inf, v, out);
	case GR_JT_NUM:
	case GR_JT_TRUE:
	case GR_JT_FALSE:
		out->p = v->p;
		out->n = v->n;
		return true;
	case GR_JT_OBJ: {
		struct gr_js js;
		struct gr_jv k, t;
		int members = 0;
		gr_inf_js_begin(&js, v->p, v->n, false);
		while (gr_js_next(&js, &k, &t) > 0) {
			if (++members > 1)
				break;
			if (gr_jv_is(&k, "S", 1) || gr_jv_is(&k, "N", 1) || gr_jv_is(&k, "B", 1))
				if (t.t == GR_JT_STR)
					return gr_inf_jstr(inf, &t, out);
		}
		/* another shape: compare it as written */
		out->p = v->p;
		out->n = v->n;
		return true;
	}
	default:
		return false;
	}
}

bool gr_inf_ddb_keys(struct gr_infer *inf, const struct gr_jv *keys, struct gr_buf *out)
{
	struct attr a[MAX_KEY_ATTRS];
	size_t n = 0;
	struct gr_js js;
	struct gr_jv k, v;

	if (keys->t != GR_JT_OBJ || !gr_inf_js_begin(&js, keys->p, keys->n, false))
		return false;
	while (gr_js_next(&js, &k, &v) > 0) {
		if (n == MAX_KEY_ATTRS || !gr_inf_jstr(inf, &k, &a[n].name) ||
		    !attr_value(inf, &v, &a[n].value))
			return false;
		n++;
	}
	if (!n)
		return false;
	qsort(a, n, sizeof(a[0]), attr_cmp);
	for (size_t i = 0; i < n; i++)
		if (gr_buf_add(out, a[i].name.p, a[i].name.n) || gr_buf_addc(out, '=') ||
		    gr_buf_add(out, a[i].value.p, a[i].value.n) ||
		    (i + 1 < n && gr_buf_addc(out, ','))) {
			gr_inf_fail(inf, GR_ERR_NOMEM, "out of memory");
			return false;
		}
	return true;
}

/* "table/Id=101,Sort=x" into inf->tmp, and the fingerprint of table and keys. */
static bool item_key(struct gr_infer *inf, struct gr_str table, const struct gr_jv *keys,
		     uint64_t *fp)
{
	table = gr_inf_arn_name(table, "table/");
	gr_buf_reset(&inf->tmp);
	if (gr_buf_add(&inf->tmp, table.p, table.n) || gr_buf_addc(&inf->tmp, '/')) {
		gr_inf_fail(inf, GR_ERR_NOMEM, "out of memory");
		return false;
	}
	size_t at = inf->tmp.len;
	if (!gr_inf_ddb_keys(inf, keys, &inf->tmp))
		return false;
	*fp = gr_inf_fp2(T_DDB, table.p, table.n, inf->tmp.data + at, inf->tmp.len - at);
	return true;
}

static bool add_write(struct gr_infer *inf, uint32_t node, int64_t ts, int op, struct gr_str obj,
		      const char **why)
{
	static const char *const names[] = { "table", "keys", "op" };
	struct gr_jv v[3];
	struct gr_str table, iop;
	uint64_t fp;

	gr_inf_obj_fields(inf, obj, names, 3, v);
	if (!gr_inf_jstr(inf, &v[0], &table) || !table.n) {
		*why = "DynamoDB write without \"table\"";
		return false;
	}
	if (v[2].t != GR_JT_NONE && gr_inf_jstr(inf, &v[2], &iop) && iop.n >= 6 &&
	    !memcmp(iop.p, "Delete", 6))
		op = OP_REMOVE;
	if (!item_key(inf, table, &v[1], &fp)) {
		*why = "DynamoDB write without \"keys\" (an object of key attributes)";
		return false;
	}
	uint32_t c = gr_inf_cause_add(inf, node, ts, GR_KIND_DYNAMODB, op, inf->tmp.data, inf->tmp.len);
	if (c == INF_NONE)
		return false;
	INF_CAUSE(inf, c)->key = fp;
	gr_inf_alias_add(inf, fp, c);
	return true;
}

int gr_inf_ddb_call(struct gr_infer *inf, uint32_t node, int64_t ts, struct gr_str op,
		 struct gr_str obj, const char **why)
{
	if (gr_str_is(op, "PutItem") || gr_str_is(op, "UpdateItem"))
		return add_write(inf, node, ts, OP_PUT, obj, why) ? 1 : -1;
	if (gr_str_is(op, "DeleteItem"))
		return add_write(inf, node, ts, OP_REMOVE, obj, why) ? 1 : -1;
	if (!gr_str_is(op, "BatchWriteItem") && !gr_str_is(op, "TransactWriteItems"))
		return 0;
	static const char *const names[] = { "items" };
	struct gr_jv v[1];
	struct gr_js js;
	struct gr_jv el;
	gr_inf_obj_fields(inf, obj, names, 1, v);
	if (v[0].t != GR_JT_ARR) {
		*why = "BatchWriteItem without \"items\"";
		return -1;
	}
	gr_inf_js_begin(&js, v[0].p, v[0].n, true);
	while (gr_js_next_elem(&js, &el) > 0) {
		if (el.t != GR_JT_OBJ) {
			*why = "an element of \"items\" is not an object";
			return -1;
		}
		if (!add_write(inf, node, ts, OP_PUT, (struct gr_str){ el.p, el.n }, why))
			return -1;
	}
	return 1;
}

int gr_inf_ddb_src(struct gr_infer *inf, uint32_t node, struct gr_str obj, const char **why)
{
	static const char *const names[] = { "table", "keys", "seq", "event" };
	struct gr_jv v[4];
	struct gr_str table, seq = { NULL, 0 }, ev = { NULL, 0 };
	uint64_t fp;

	gr_inf_obj_fields(inf, obj, names, 4, v);
	if (!gr_inf_jstr(inf, &v[0], &table) || !table.n) {
		*why = "DynamoDB src without \"table\"";
		return -1;
	}
	if (!item_key(inf, table, &v[1], &fp)) {
		*why = "DynamoDB src without \"keys\" (an object of key attributes)";
		return -1;
	}
	if (v[2].t != GR_JT_NONE)
		gr_inf_jstr(inf, &v[2], &seq);
	if (v[3].t != GR_JT_NONE)
		gr_inf_jstr(inf, &v[3], &ev);
	struct gr_inf_src *s = gr_inf_src_add(inf, node, GR_KIND_DYNAMODB, R_KEYTIME, fp, inf->tmp.data,
					inf->tmp.len);
	if (!s)
		return -1;
	if (seq.n)
		s->order = gr_inf_pack_str(inf, seq.p, seq.n);
	if (gr_str_is(ev, "REMOVE"))
		s->op = OP_REMOVE;
	else if (gr_str_is(ev, "INSERT") || gr_str_is(ev, "MODIFY"))
		s->op = OP_PUT;
	return 1;
}
