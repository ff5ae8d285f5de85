/* fuzz_json_scan.c: libFuzzer target of the pull JSON scanner, checked against jansson (differential). */
#include <jansson.h>

#include "fuzz.h"
#include "common/json_scan.h"

/* Deepest bracket nesting outside strings (good enough to tell the depth limits apart). */
static int nesting(const uint8_t *p, size_t n)
{
	int d = 0, max = 0;
	bool str = false;

	for (size_t i = 0; i < n; i++) {
		if (str) {
			if (p[i] == '\\')
				i++;
			else if (p[i] == '"')
				str = false;
		} else if (p[i] == '"') {
			str = true;
		} else if (p[i] == '{' || p[i] == '[') {
			if (++d > max)
				max = d;
		} else if (p[i] == '}' || p[i] == ']') {
			d--;
		}
	}
	return max;
}

/* Walk every member the way the readers do; checks slices and decoding against j. */
static void walk(const char *p, size_t n, bool arr, json_t *j, int depth)
{
	struct gr_js s;
	struct gr_jv k, v;
	size_t count = 0;
	int rc;
	char *dec = malloc(n + 1);

	FUZZ_CHECK(dec, "out of memory");
	FUZZ_CHECK(gr_js_begin(&s, p, n, arr, 0), "begin fails on a valid value");
	while ((rc = arr ? gr_js_next_elem(&s, &v) : gr_js_next(&s, &k, &v)) > 0) {
		json_t *jv;
		FUZZ_CHECK(v.p >= p && v.p + v.n <= p + n, "value outside the input");
		if (arr) {
			jv = json_array_get(j, count);
		} else {
			FUZZ_CHECK(k.t == GR_JT_STR, "key is not a string");
			size_t kn = k.esc ? gr_js_unescape(k.p, k.n, dec) : k.n;
			if (!k.esc)
				memcpy(dec, k.p, k.n);
			jv = json_object_getn(j, dec, kn);
			FUZZ_CHECK(jv, "key jansson does not have");
		}
		count++;
		FUZZ_CHECK(jv, "more elements than jansson sees");
		if (!arr) {
			/* a repeated key keeps jansson's last value: types are compared in arrays */
			if (v.t == GR_JT_NUM) {
				int64_t i;
				double d;
				gr_jv_int(&v, &i);
				gr_jv_double(&v, &d);
			}
			continue;
		}
		switch (v.t) {
		case GR_JT_STR: {
			FUZZ_CHECK(json_is_string(jv), "string where jansson has another type");
			size_t dn = v.esc ? gr_js_unescape(v.p, v.n, dec) : v.n;
			if (!v.esc)
				memcpy(dec, v.p, v.n);
			FUZZ_CHECK(dn == json_string_length(jv) && !memcmp(dec, json_string_value(jv), dn),
				   "string decoded differently from jansson");
			break;
		}
		case GR_JT_NUM: {
			int64_t i;
			double d;
			FUZZ_CHECK(json_is_number(jv), "number where jansson has another type");
			gr_jv_int(&v, &i);
			gr_jv_double(&v, &d);
			break;
		}
		case GR_JT_TRUE: case GR_JT_FALSE:
			FUZZ_CHECK(json_is_boolean(jv), "boolean where jansson has another type");
			break;
		case GR_JT_NULL:
			FUZZ_CHECK(json_is_null(jv), "null where jansson has another type");
			break;
		case GR_JT_OBJ: case GR_JT_ARR:
			FUZZ_CHECK(v.t == GR_JT_OBJ ? json_is_object(jv) : json_is_array(jv),
				   "container where jansson has another type");
			if (depth < 64)
				walk(v.p, v.n, v.t == GR_JT_ARR, jv, depth + 1);
			break;
		default:
			FUZZ_CHECK(0, "value of no type");
		}
	}
	FUZZ_CHECK(rc == 0, "error while walking a valid value");
	if (arr)
		FUZZ_CHECK(count == json_array_size(j), "element count differs from jansson");
	else
		FUZZ_CHECK(count >= json_object_size(j), "fewer members than jansson has keys");
	free(dec);
}

/* Validation in exact mode (what the Jaeger and OTLP readers ask for). */
static bool exact_valid(const char *p, size_t n, bool arr)
{
	struct gr_js s;
	struct gr_jv k, v;
	int rc;

	if (!gr_js_begin(&s, p, n, arr, 0))
		return false;
	s.exact = true;
	while ((rc = arr ? gr_js_next_elem(&s, &v) : gr_js_next(&s, &k, &v)) > 0)
		;
	return rc == 0;
}

/*
 * gr_js accepts exactly the objects and arrays that jansson (with JSON_ALLOW_NUL)
 * accepts, except numbers jansson cannot hold (integers beyond 64 bits, reals
 * beyond a double), which JSON allows and gr_js keeps as text, and "\u0000" in a key
 * (both refused in exact mode, as jansson does);
 * nesting beyond
 * gr_js's limit (512); and raw NUL bytes, which jansson sometimes skips. Accepted values walk, decode and compact the way jansson
 * reads them.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	char *p = malloc(n ? n : 1);
	const char *why = NULL;
	json_error_t jerr;

	FUZZ_CHECK(p, "out of memory");
	memcpy(p, data, n);
	bool obj = gr_js_valid(p, n, false, 0, &why), arr = gr_js_valid(p, n, true, 0, &why);
	json_t *j = json_loadb(p, n, JSON_ALLOW_NUL, &jerr);
	int depth = nesting(data, n);
	/* jansson refuses numbers it cannot hold and "\u0000" in keys; gr_js takes both */
	bool number_range = !j && (strstr(jerr.text, "too big") || strstr(jerr.text, "overflow") ||
				   strstr(jerr.text, "NUL byte in object key"));

	/* jansson takes a raw NUL byte between tokens in some places, which RFC 8259
	 * does not allow and gr_js refuses: with one, only gr_js's acceptance counts */
	bool nul = memchr(data, 0, n) != NULL;

	if (depth < 500 && !number_range && (!nul || obj || arr)) {
		if ((obj || arr) != (j != NULL))
			fprintf(stderr, "gr_js %s (%s), jansson %s (%s)\n", obj || arr ? "accepts" : "rejects",
				why ? why : "", j ? "accepts" : "rejects", j ? "" : jerr.text);
		FUZZ_CHECK((obj || arr) == (j != NULL), "gr_js and jansson disagree");
	}
	/* in exact mode the number and key exceptions are gone */
	bool exact = exact_valid(p, n, false) || exact_valid(p, n, true);
	FUZZ_CHECK(!exact || obj || arr, "exact mode accepts what the default refuses");
	if (depth < 500 && (!nul || exact))
		FUZZ_CHECK(exact == (j != NULL), "gr_js exact mode and jansson disagree");
	if (j && (obj || arr)) {
		FUZZ_CHECK(obj ? json_is_object(j) : json_is_array(j), "kind differs from jansson");
		walk(p, n, arr, j, 0);
		/* compacting keeps the value */
		struct gr_buf c = GR_BUF_INIT;
		FUZZ_CHECK(!gr_js_compact(p, n, &c), "gr_js_compact");
		FUZZ_CHECK(gr_js_valid(c.data, c.len, arr, 0, &why), "compacted text is not valid");
		json_t *cj = json_loadb(c.data, c.len, JSON_ALLOW_NUL, &jerr);
		FUZZ_CHECK(cj && json_equal(j, cj), "compacted text reads differently");
		json_decref(cj);
		/* the value's length as found inside a longer line (a marker) */
		size_t lead = 0, at = 0;
		while (lead < n && strchr(" \t\r\n", p[lead]))
			lead++;
		size_t len = gr_js_value_len(p + lead, n - lead, 0, &why, &at);
		FUZZ_CHECK(len && lead + len <= n, "gr_js_value_len rejects a valid value");
		for (size_t i = lead + len; i < n; i++)
			FUZZ_CHECK(strchr(" \t\r\n", p[i]), "gr_js_value_len stops early");
		gr_buf_release(&c);
	} else if (n) {
		size_t at = 0;
		gr_js_value_len(p, n, 0, &why, &at);
	}
	json_decref(j);
	free(p);
	return 0;
}
