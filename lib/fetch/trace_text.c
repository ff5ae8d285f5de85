/* trace_text.c: the scanning helpers the Jaeger and OTLP readers share. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fetch/trace_text.h"
#include "fetch/unit.h"

/* --- helpers ----------------------------------------------------------------- */

bool gr_tt_begin(struct gr_js *js, const struct gr_jv *v, bool arr)
{
	if (v->t != (arr ? GR_JT_ARR : GR_JT_OBJ) || !gr_js_begin(js, v->p, v->n, arr, 0))
		return false;
	js->trusted = true;
	return true;
}

bool gr_tt_key_is(const struct gr_jv *k, const char *s, size_t n)
{
	char tmp[384];

	if (!k->esc)
		return k->n == n && !memcmp(k->p, s, n);
	/* an escape is at most 6 bytes for one: a longer key decodes past 64 bytes,
	 * longer than any key looked for */
	if (k->n >= sizeof(tmp) || n >= sizeof(tmp) / 6)
		return false;
	size_t dn = gr_js_unescape(k->p, k->n, tmp);
	return dn == n && !memcmp(tmp, s, n);
}

void gr_tt_members(const struct gr_jv *obj, const struct gr_tt_key *keys, size_t n,
		   struct gr_jv *out)
{
	struct gr_js js;
	struct gr_jv k, v;

	for (size_t i = 0; i < n; i++)
		out[i] = (struct gr_jv){ GR_JT_NONE, NULL, 0, false };
	if (!gr_tt_begin(&js, obj, false))
		return;
	while (gr_js_next(&js, &k, &v) > 0) {
		for (size_t i = 0; i < n; i++) {
			if (gr_tt_key_is(&k, keys[i].s, keys[i].n)) {
				out[i] = v; /* the last of duplicated keys, as jansson keeps */
				break;
			}
		}
	}
}

void gr_tt_kv_first(const struct gr_jv *arr, const struct gr_tt_key *keys, size_t n,
		    struct gr_jv *out, struct gr_buf *dec)
{
	static const struct gr_tt_key kv_keys[2] = { GR_TT_KEY("key"), GR_TT_KEY("value") };
	uint64_t found = 0; /* bit i: keys[i] seen (its value may be absent) */
	struct gr_js a;
	struct gr_jv el, kv[2];

	for (size_t i = 0; i < n; i++)
		out[i] = (struct gr_jv){ GR_JT_NONE, NULL, 0, false };
	if (n > 64 || !gr_tt_begin(&a, arr, true))
		return;
	while (gr_js_next_elem(&a, &el) > 0) {
		gr_tt_members(&el, kv_keys, 2, kv);
		if (kv[0].t != GR_JT_STR)
			continue;
		struct gr_str key = gr_tt_str(&kv[0], dec);
		size_t kn = gr_tt_clen(key);
		for (size_t i = 0; i < n; i++) {
			if (keys[i].n != kn || memcmp(key.p, keys[i].s, kn))
				continue;
			if (!(found & (UINT64_C(1) << i))) {
				found |= UINT64_C(1) << i;
				out[i] = kv[1];
			}
			break;
		}
	}
}

int gr_tt_reserve(struct gr_buf *dec, size_t n)
{
	gr_buf_reset(dec);
	return gr_buf_grow(dec, n + 1);
}

struct gr_str gr_tt_str(const struct gr_jv *v, struct gr_buf *dec)
{
	if (v->t != GR_JT_STR)
		return (struct gr_str){ NULL, 0 };
	/* decoding must never move what was decoded before: room was reserved */
	assert(!v->esc || dec->cap - dec->len > v->n);
	return gr_jv_text(v, dec);
}

size_t gr_tt_clen(struct gr_str s)
{
	const char *z = s.n ? memchr(s.p, '\0', s.n) : NULL;

	return z ? (size_t)(z - s.p) : s.n;
}

bool gr_tt_ceq(struct gr_str s, const char *lit)
{
	size_t n = strlen(lit);

	return s.p && gr_tt_clen(s) == n && !memcmp(s.p, lit, n);
}

bool gr_tt_ceq_nocase(struct gr_str s, const char *lit)
{
	size_t n = strlen(lit);

	return s.p && gr_tt_clen(s) == n && !strncasecmp(s.p, lit, n);
}

/* A number's text has a fraction or an exponent: jansson holds it as a real. */
static bool is_real_text(const struct gr_jv *v)
{
	return memchr(v->p, '.', v->n) || memchr(v->p, 'e', v->n) || memchr(v->p, 'E', v->n);
}

bool gr_tt_int(const struct gr_jv *v, int64_t *out)
{
	return v->t == GR_JT_NUM && !is_real_text(v) && gr_jv_int(v, out);
}

bool gr_tt_real(const struct gr_jv *v, double *out)
{
	char small[128];

	if (v->t != GR_JT_NUM || !is_real_text(v))
		return false;
	char *t = v->n < sizeof(small) ? small : malloc(v->n + 1);
	if (!t)
		return false;
	memcpy(t, v->p, v->n);
	t[v->n] = '\0';
	*out = strtod(t, NULL);
	if (t != small)
		free(t);
	return true;
}
