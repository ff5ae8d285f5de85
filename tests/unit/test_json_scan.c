/* test_json_scan.c: the validating pull scanner agrees with jansson and decodes strings. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json_scan.h"

/* One document and whether it is one valid JSON object. */
struct doc_case {
	const char *text;
	bool valid;
};

static struct doc_case docs[] = {
	{ "{}", true },
	{ " { } ", true },
	{ "{\"a\":1}", true },
	{ "{\"a\":-0.5e+10,\"b\":[1,2,{\"c\":null}],\"d\":true,\"e\":false}", true },
	{ "{\"s\":\"tab\\tquote\\\"slash\\/u\\u00e9\"}", true },
	{ "{\"pair\":\"\\ud83d\\ude00\"}", true },
	{ "{\"utf8\":\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"}", true },
	{ "{\"a\":1,}", false },
	{ "{\"a\" 1}", false },
	{ "{a:1}", false },
	{ "{\"a\":01}", false },
	{ "{\"a\":1.}", false },
	{ "{\"a\":.5}", false },
	{ "{\"a\":-}", false },
	{ "{\"a\":1e}", false },
	{ "{\"a\":tru}", false },
	{ "{\"a\":\"\\x\"}", false },
	{ "{\"a\":\"\\u12G4\"}", false },
	{ "{\"a\":\"\\udc00\"}", false },
	{ "{\"a\":\"\\ud800x\"}", false },
	{ "{\"a\":\"ctl\x01\"}", false },
	{ "{\"a\":\"bad\xc3\x28\"}", false },
	{ "{\"a\":\"overlong\xc0\xaf\"}", false },
	{ "{\"a\":\"surrogate\xed\xa0\x80\"}", false },
	{ "{\"a\":[1,2}", false },
	{ "{\"a\":1}x", false },
	{ "{\"a\":1}{}", false },
	{ "[1]", false },
	{ "", false },
	{ "{\"a\":\"unterminated}", false },
};

/* Parameters cross process boundaries: pass indices, not pointers. */
static size_t doc_ix[sizeof(docs) / sizeof(docs[0])];

ParameterizedTestParameters(json_scan, agrees_with_jansson)
{
	for (size_t i = 0; i < sizeof(doc_ix) / sizeof(doc_ix[0]); i++)
		doc_ix[i] = i;
	return cr_make_param_array(size_t, doc_ix, sizeof(doc_ix) / sizeof(doc_ix[0]));
}

ParameterizedTest(size_t *ix, json_scan, agrees_with_jansson)
{
	const struct doc_case *c = &docs[*ix];
	const char *why = NULL;
	bool ok = gr_js_valid(c->text, strlen(c->text), false, 64, &why);
	cr_expect_eq(ok, c->valid, "%s: scanner says %d (%s)", c->text, ok, why ? why : "");
	json_error_t e;
	json_t *j = json_loadb(c->text, strlen(c->text), 0, &e);
	bool jok = json_is_object(j);
	json_decref(j);
	cr_expect_eq(ok, jok, "%s: scanner %d, jansson %d", c->text, ok, jok);
}

Test(json_scan, members_in_order_with_slices)
{
	const char *s = "{\"type\":\"start\",\"n\":-42,\"o\":{\"x\":[1,{}]},\"b\":true,\"z\":null}";
	struct gr_js js;
	struct gr_jv k, v;
	int64_t n;

	cr_assert(gr_js_begin(&js, s, strlen(s), false, 64));
	cr_assert_eq(gr_js_next(&js, &k, &v), 1);
	cr_assert(gr_jv_is(&k, "type", 4));
	cr_assert(gr_jv_is(&v, "start", 5));
	cr_assert_eq(gr_js_next(&js, &k, &v), 1);
	cr_assert(gr_jv_int(&v, &n));
	cr_assert_eq(n, -42);
	cr_assert_eq(gr_js_next(&js, &k, &v), 1);
	cr_assert_eq(v.t, GR_JT_OBJ);
	cr_assert_eq(v.n, strlen("{\"x\":[1,{}]}"));
	cr_assert_eq(gr_js_next(&js, &k, &v), 1);
	cr_assert_eq(v.t, GR_JT_TRUE);
	cr_assert_eq(gr_js_next(&js, &k, &v), 1);
	cr_assert_eq(v.t, GR_JT_NULL);
	cr_assert_eq(gr_js_next(&js, &k, &v), 0);
	cr_assert_eq(gr_js_next(&js, &k, &v), 0);
}

Test(json_scan, depth_limit)
{
	char deep[200];
	size_t n = 0;

	deep[n++] = '{';
	memcpy(deep + n, "\"a\":", 4);
	n += 4;
	for (int i = 0; i < 40; i++)
		deep[n++] = '[';
	for (int i = 0; i < 40; i++)
		deep[n++] = ']';
	deep[n++] = '}';
	cr_assert(gr_js_valid(deep, n, false, 64, NULL));
	const char *why = NULL;
	cr_assert(!gr_js_valid(deep, n, false, 10, &why));
	cr_assert_str_eq(why, "nested too deep");
}

Test(json_scan, unescape)
{
	const char *raw = "a\\tb\\n\\\"\\\\\\/\\u00e9\\u20ac\\ud83d\\ude00";
	char out[64];
	size_t n = gr_js_unescape(raw, strlen(raw), out);

	cr_assert_eq(n, strlen("a\tb\n\"\\/\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"));
	cr_assert(!memcmp(out, "a\tb\n\"\\/\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", n));
	cr_assert_leq(n, strlen(raw));
}

Test(json_scan, integers_and_reals)
{
	struct gr_jv v = { GR_JT_NUM, "9223372036854775807", 19, false };
	int64_t x;
	double d;

	cr_assert(gr_jv_int(&v, &x));
	cr_assert_eq(x, INT64_MAX);
	v.p = "9223372036854775808";
	cr_assert(!gr_jv_int(&v, &x));
	v.p = "1.5e3";
	v.n = 5;
	cr_assert(gr_jv_int(&v, &x));
	cr_assert_eq(x, 1500);
	cr_assert(gr_jv_double(&v, &d));
	cr_assert_float_eq(d, 1500.0, 1e-9);
	v.t = GR_JT_STR;
	cr_assert(!gr_jv_int(&v, &x));
}

Test(json_scan, arrays)
{
	const char *s = " [ \"a\" , 2 , [ ] ] ";
	struct gr_js js;
	struct gr_jv v;
	int n = 0;

	cr_assert(gr_js_begin(&js, s, strlen(s), true, 8));
	while (gr_js_next_elem(&js, &v) > 0)
		n++;
	cr_assert_null(js.err);
	cr_assert_eq(n, 3);
	cr_assert(!gr_js_begin(&js, "{}", 2, true, 8));
}

/* Exact mode refuses what jansson refuses beyond the grammar; the default mode
 * takes it (callers that need jansson's verdict ask for exact). */
static const char *const exact_docs[] = {
	"{\"a\":9223372036854775807,\"b\":-9223372036854775808}",
	"{\"a\":9223372036854775808}",
	"{\"a\":-9223372036854775809}",
	"{\"a\":[1,{\"b\":12345678901234567890}]}",
	"{\"a\":1e308,\"b\":-1.7976931348623157e308,\"c\":1e-400}",
	"{\"a\":1e309}",
	"{\"a\":[-1E+400]}",
	"{\"a\":123456789012345678901234567890.5}",
	"{\"a\":1000000000000000000000000000000000000000000000000000000000000000000000000000000"
	"000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
	"000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
	"000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
	"0000000000000000000000000000000000.0}",
	"{\"k\\u0000\":1}",
	"{\"o\":{\"x\\u0000y\":1}}",
	"{\"k\\\\u0000\":1,\"v\":\"\\u0000\"}",
};

static size_t exact_ix[sizeof(exact_docs) / sizeof(exact_docs[0])];

ParameterizedTestParameters(json_scan, exact_agrees_with_jansson)
{
	for (size_t i = 0; i < sizeof(exact_ix) / sizeof(exact_ix[0]); i++)
		exact_ix[i] = i;
	return cr_make_param_array(size_t, exact_ix, sizeof(exact_ix) / sizeof(exact_ix[0]));
}

ParameterizedTest(size_t *ix, json_scan, exact_agrees_with_jansson)
{
	const char *text = exact_docs[*ix];
	struct gr_js js;
	struct gr_jv k, v;
	int rc;

	cr_assert(gr_js_begin(&js, text, strlen(text), false, 64));
	js.exact = true;
	while ((rc = gr_js_next(&js, &k, &v)) > 0)
		;
	json_error_t e;
	json_t *j = json_loadb(text, strlen(text), JSON_ALLOW_NUL, &e);
	cr_expect_eq(rc == 0, j != NULL, "%s: exact scanner %d (%s), jansson %s", text, rc,
		     js.err ? js.err : "", j ? "ok" : e.text);
	json_decref(j);
	cr_expect(gr_js_valid(text, strlen(text), false, 64, NULL), "%s: default mode", text);
}

/* Descent: a child scanner reads a nested value in place; the parent reads on after
 * it, whatever the child left unread, and a value never read is skipped. */
Test(json_scan, descent_reads_in_place)
{
	const char *s = "{\"a\":{\"b\":[1,{\"c\":\"x\"},3],\"d\":2},\"e\":[4,5],\"f\":{\"g\":6},\"h\":7}";
	struct gr_js js, a, b, f;
	struct gr_jv k, v;
	int64_t x;

	for (int trusted = 0; trusted < 2; trusted++) {
		cr_assert(gr_js_begin(&js, s, strlen(s), false, 64));
		js.trusted = trusted;
		cr_assert_eq(gr_js_key(&js, &k), 1);
		cr_assert(gr_jv_is(&k, "a", 1));
		cr_assert(!gr_js_enter(&js, true, &a), "an object is not an array");
		cr_assert(gr_js_enter(&js, false, &a));
		cr_assert_eq(gr_js_key(&a, &k), 1);
		cr_assert(gr_js_enter(&a, true, &b));
		cr_assert_eq(gr_js_next_elem(&b, &v), 1);
		cr_assert(gr_jv_int(&v, &x) && x == 1);
		/* the rest of b and of a left unread */
		cr_assert_eq(gr_js_leave(&a, &b), 1);
		cr_assert_eq(gr_js_leave(&js, &a), 1);
		cr_assert_eq(gr_js_key(&js, &k), 1);
		cr_assert(gr_jv_is(&k, "e", 1)); /* its value never read */
		cr_assert_eq(gr_js_key(&js, &k), 1);
		cr_assert(gr_jv_is(&k, "f", 1));
		cr_assert(gr_js_enter(&js, false, &f));
		cr_assert_eq(gr_js_next(&f, &k, &v), 1);
		cr_assert(gr_jv_is(&k, "g", 1) && gr_jv_int(&v, &x) && x == 6);
		cr_assert_eq(gr_js_next(&f, &k, &v), 0);
		cr_assert_eq(gr_js_leave(&js, &f), 1);
		cr_assert_eq(gr_js_next(&js, &k, &v), 1);
		cr_assert(gr_jv_is(&k, "h", 1) && gr_jv_int(&v, &x) && x == 7);
		cr_assert_eq(gr_js_next(&js, &k, &v), 0, "%s", js.err ? js.err : "");
	}
}

Test(json_scan, descent_errors_and_depth)
{
	const char *bad = "{\"a\":{\"b\":1,},\"c\":2}";
	struct gr_js js, a, b;
	struct gr_jv k, v;

	cr_assert(gr_js_begin(&js, bad, strlen(bad), false, 64));
	cr_assert_eq(gr_js_key(&js, &k), 1);
	cr_assert(gr_js_enter(&js, false, &a));
	cr_assert_eq(gr_js_leave(&js, &a), -1);
	cr_assert_str_eq(js.err, "expected a string key");
	cr_assert_eq(js.err_off, strlen("{\"a\":{\"b\":1,"));
	cr_assert_eq(gr_js_next(&js, &k, &v), -1);

	/* the same depth limit as a scan of the whole: [[1]] under "a" is 3 deep */
	const char *deep = "{\"a\":[[1]]}";
	cr_assert(!gr_js_valid(deep, strlen(deep), false, 2, NULL));
	cr_assert(gr_js_begin(&js, deep, strlen(deep), false, 2));
	cr_assert_eq(gr_js_key(&js, &k), 1);
	cr_assert(gr_js_enter(&js, true, &a));
	cr_assert_eq(gr_js_elem(&a), 1);
	cr_assert(!gr_js_enter(&a, true, &b));
	cr_assert_str_eq(a.err, "nested too deep");
	cr_assert(gr_js_valid(deep, strlen(deep), false, 3, NULL));
	cr_assert(gr_js_begin(&js, deep, strlen(deep), false, 3));
	cr_assert_eq(gr_js_key(&js, &k), 1);
	cr_assert(gr_js_enter(&js, true, &a));
	cr_assert_eq(gr_js_elem(&a), 1);
	cr_assert(gr_js_enter(&a, true, &b));
	cr_assert_eq(gr_js_leave(&a, &b), 1);
	cr_assert_eq(gr_js_leave(&js, &a), 1);
	cr_assert_eq(gr_js_next(&js, &k, &v), 0);
}

/* Trusted skipping steps over escapes: runs of backslashes before a quote, a JSON
 * document held in a string, escapes just before the end of a string. */
Test(json_scan, trusted_strings_dense_with_escapes)
{
	const char *s = "{\"a\":\"x\\\\\",\"b\":\"y\\\"z\\\\\\\"\",\"c\":[\"\\\\\\\\\",{\"d\":\"\\\"\"}],"
			"\"doc\":\"{\\\"id\\\":\\\"1\\\",\\\"s\\\":\\\"q\\\\\\\"\\\"}\",\"plain\":\"abcdefghijklmnop\","
			"\"n\":7}";
	static const struct {
		const char *key, *val;
		bool esc;
	} want[] = {
		{ "a", "x\\\\", true },
		{ "b", "y\\\"z\\\\\\\"", true },
		{ "c", "[\"\\\\\\\\\",{\"d\":\"\\\"\"}]", false },
		{ "doc", "{\\\"id\\\":\\\"1\\\",\\\"s\\\":\\\"q\\\\\\\"\\\"}", true },
		{ "plain", "abcdefghijklmnop", false },
		{ "n", "7", false },
	};
	struct gr_js js;
	struct gr_jv k, v;

	cr_assert(gr_js_valid(s, strlen(s), false, 64, NULL));
	cr_assert(gr_js_begin(&js, s, strlen(s), false, 64));
	js.trusted = true;
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		cr_assert_eq(gr_js_next(&js, &k, &v), 1, "%zu: %s", i, js.err ? js.err : "");
		cr_assert(gr_jv_is(&k, want[i].key, strlen(want[i].key)));
		cr_assert_eq(v.n, strlen(want[i].val), "%s: %.*s", want[i].key, (int)v.n, v.p);
		cr_assert(!memcmp(v.p, want[i].val, v.n), "%s: %.*s", want[i].key, (int)v.n, v.p);
		cr_assert_eq(v.esc, want[i].esc, "%s", want[i].key);
	}
	cr_assert_eq(gr_js_next(&js, &k, &v), 0);
	/* cut inside an escape: unterminated, not read past the end */
	const char *cut = "{\"a\":\"xy\\";
	cr_assert(gr_js_begin(&js, cut, strlen(cut), false, 64));
	js.trusted = true;
	cr_assert_eq(gr_js_next(&js, &k, &v), -1);
	cr_assert_str_eq(js.err, "unterminated string");
}

/* Reals read as strtod reads them, bit for bit, on the fast path (up to 19
 * significant digits, exponent within 22) and off it. */
Test(json_scan, reals_agree_with_strtod)
{
	static const char *const fixed[] = {
		"1.714564800405039E9", "1714564800.00157", "1714564800.365", "0", "-0", "-0.0",
		"0.1", "0.3", "123456789012345678", "9007199254740993", "9007199254740992.5",
		"1e22", "1e23", "1e-22", "1e-23", "4.9e-324", "1.7976931348623157e308",
		"0.000000000000000000000000000001", "12345678901234567890", "1.5e3", "-2.5E-3",
		"100000000000000000000000", "3.141592653589793238462643383279",
	};
	char text[64];
	uint64_t seed = 1;

	for (size_t i = 0; i < 20000 + sizeof(fixed) / sizeof(fixed[0]); i++) {
		if (i < sizeof(fixed) / sizeof(fixed[0])) {
			snprintf(text, sizeof(text), "%s", fixed[i]);
		} else {
			/* random digits, a point somewhere, maybe an exponent */
			size_t n = 0;
			seed = seed * 6364136223846793005ull + 1442695040888963407ull;
			int ndig = 1 + (int)((seed >> 33) % 20), point = (int)((seed >> 40) % 22);
			if ((seed >> 20) & 1)
				text[n++] = '-';
			for (int d = 0; d < ndig; d++) {
				seed = seed * 6364136223846793005ull + 1442695040888963407ull;
				text[n++] = (char)('0' + (d == 0 && ndig > 1 ? 1 + (seed >> 33) % 9
									   : (seed >> 33) % 10));
				if (d + 1 == point && d + 1 < ndig)
					text[n++] = '.';
			}
			if ((seed >> 50) & 1)
				n += (size_t)snprintf(text + n, sizeof(text) - n, "e%d",
						      (int)((seed >> 52) % 61) - 30);
			text[n] = '\0';
		}
		struct gr_jv v = { GR_JT_NUM, text, strlen(text), false };
		double got, want;
		errno = 0;
		want = strtod(text, NULL);
		bool ok = errno != ERANGE; /* out of range: refused, as before */
		cr_assert_eq(gr_jv_double(&v, &got), ok, "%s", text);
		if (ok)
			cr_assert(!memcmp(&got, &want, sizeof(got)), "%s: %.17g != strtod %.17g",
				  text, got, want);
	}
}

/* Escaped strings of every length, escapes at every offset (sixteen bytes are
 * copied at a time): decoded as jansson decodes them, into exactly n bytes of room
 * (the sanitizer run catches a write past them), and their end found by the
 * trusted scan as by the validating one. */
Test(json_scan, unescape_and_skip_long_strings)
{
	static const char *const parts[] = { "a", "bc", "\\\"", "\\\\", "\\/", "\\n", "\\t",
					     "\\u00e9", "\\ud83d\\ude00", "\xc3\xa9", "0123456789abcdef" };
	uint64_t seed = 5;
	char text[600], quoted[700];

	for (int round = 0; round < 3000; round++) {
		size_t n = 0;
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		int count = (int)((seed >> 33) % 40);
		for (int i = 0; i < count; i++) {
			seed = seed * 6364136223846793005ull + 1442695040888963407ull;
			const char *pt = parts[(seed >> 33) % (sizeof(parts) / sizeof(parts[0]))];
			memcpy(text + n, pt, strlen(pt));
			n += strlen(pt);
		}
		char *out = malloc(n ? n : 1);
		size_t got = gr_js_unescape(text, n, out);
		int qn = snprintf(quoted, sizeof(quoted), "[\"%.*s\"]", (int)n, text);
		json_error_t e;
		json_t *j = json_loadb(quoted, (size_t)qn, 0, &e);
		cr_assert_not_null(j, "%s: %s", quoted, e.text);
		const char *want = json_string_value(json_array_get(j, 0));
		size_t wn = json_string_length(json_array_get(j, 0));
		cr_assert_eq(got, wn, "%s", quoted);
		cr_assert(!memcmp(out, want, wn), "%s", quoted);
		json_decref(j);
		free(out);

		/* the same string as a member: trusted and validating scans agree */
		struct gr_js a, b;
		struct gr_jv ka, va, kb, vb;
		int on = snprintf(quoted, sizeof(quoted), "{\"s\":\"%.*s\",\"n\":1}", (int)n, text);
		cr_assert(gr_js_begin(&a, quoted, (size_t)on, false, 64));
		cr_assert(gr_js_begin(&b, quoted, (size_t)on, false, 64));
		b.trusted = true;
		cr_assert_eq(gr_js_next(&a, &ka, &va), 1);
		cr_assert_eq(gr_js_next(&b, &kb, &vb), 1, "%s", quoted);
		cr_assert(va.p == vb.p && va.n == vb.n && va.esc == vb.esc, "%s", quoted);
		cr_assert_eq(gr_js_next(&b, &kb, &vb), 1);
		cr_assert(gr_jv_is(&kb, "n", 1));
	}
}

/* Strings dense with escapes, with now and then something the sixteen-byte steps
 * leave to the byte loop (\u, UTF-8, a control, a bad escape, bad UTF-8): the
 * verdict is jansson's, and the error and its offset do not depend on where the
 * steps fall (the same text shifted by 0..16 bytes). */
Test(json_scan, validating_strings_at_every_alignment)
{
	static const char *const good[] = { "ab", "\\\"", "\\\\", "\\/", "\\n", "x\\\"y",
					    "0123456789", "\\u00e9", "\\ud83d\\ude00", "\xc3\xa9" };
	static const char *const bad[] = { "\\x", "\x01", "\xff", "\\u12G4", "\\udc00", "\\ud800x",
					   "\xc0\xaf" };
	uint64_t seed = 9;
	char text[400], doc[480];

	for (int round = 0; round < 2000; round++) {
		size_t n = 0;
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		int count = (int)((seed >> 33) % 30);
		bool spoil = (seed >> 20) % 3 == 0;
		int at = count ? (int)((seed >> 40) % (unsigned)count) : 0;
		for (int i = 0; i < count; i++) {
			seed = seed * 6364136223846793005ull + 1442695040888963407ull;
			const char *pt = spoil && i == at ? bad[(seed >> 33) % (sizeof(bad) / sizeof(bad[0]))]
							  : good[(seed >> 33) % (sizeof(good) / sizeof(good[0]))];
			memcpy(text + n, pt, strlen(pt));
			n += strlen(pt);
		}
		const char *err0 = NULL;
		size_t off0 = 0;
		bool ok0 = false;
		for (int pad = 0; pad <= 16; pad++) {
			int dn = snprintf(doc, sizeof(doc), "%*s{\"s\":\"%.*s\",\"t\":\"\\\"%.*s\"}", pad, "",
					  (int)n, text, (int)n, text);
			struct gr_js js;
			struct gr_jv k, v;
			int rc;
			cr_assert(gr_js_begin(&js, doc, (size_t)dn, false, 64));
			while ((rc = gr_js_next(&js, &k, &v)) > 0)
				cr_assert_eq(v.esc, memchr(v.p, '\\', v.n) != NULL, "%s", doc);
			if (pad == 0) {
				ok0 = rc == 0;
				err0 = js.err;
				off0 = js.err_off;
				json_error_t e;
				json_t *j = json_loadb(doc, (size_t)dn, 0, &e);
				cr_assert_eq(ok0, j != NULL, "%s: scanner %s, jansson %s", doc,
					     err0 ? err0 : "ok", j ? "ok" : e.text);
				json_decref(j);
			} else {
				cr_assert_eq(rc == 0, ok0, "%s", doc);
				cr_assert(err0 == js.err || (err0 && js.err && !strcmp(err0, js.err)),
					  "pad %d: %s", pad, doc);
				cr_assert_eq(js.err_off, off0 + (size_t)(js.err ? pad : 0), "pad %d: %s", pad, doc);
			}
		}
	}
}
