/* test_json_scan.c: the validating pull scanner agrees with jansson and decodes strings. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <jansson.h>
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
