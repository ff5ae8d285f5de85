/* test_json_check.c: the tree-less JSON validator and member lookup. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <jansson.h>
#include <string.h>

#include "json_check.h"

/* A text and whether it is one valid JSON value (arrays: Criterion re-executes). */
struct check_case {
	char text[80];
	bool valid;
};

ParameterizedTestParameters(json_check, agrees_with_jansson)
{
	static struct check_case cases[] = {
		{ "{}", true }, { "[]", true }, { "{ }", true }, { "[ ]", true },
		{ "{\"a\":1,\"b\":[true,false,null,-0.5e+3,\"x\"]}", true },
		{ "{\"a\":{\"b\":{\"c\":[{}]}}}", true },
		{ "{\"s\":\"\\u00e9\\n\\\"\\\\\\/\"}", true },
		{ "{\"s\":\"\\ud83d\\ude00\"}", true },
		{ "{\"s\":\"\xc3\xa9\"}", true },
		{ "{\"a\":1,}", false }, { "{\"a\" 1}", false }, { "{a:1}", false },
		{ "[1,2", false }, { "{\"a\":01}", false }, { "{\"a\":1.}", false },
		{ "{\"a\":.5}", false }, { "{\"a\":tru}", false }, { "{\"a\":\"\x01\"}", false },
		{ "{\"a\":\"\\x\"}", false }, { "{\"a\":\"\\ud800\"}", false },
		{ "{\"a\":\"\\udc00\"}", false }, { "{\"a\":\"\xff\"}", false },
		{ "{\"a\":\"\xc0\xaf\"}", false }, { "[1,,2]", false }, { "{\"a\":1}}", true },
	};
	return cr_make_param_array(struct check_case, cases, sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct check_case *c, json_check, agrees_with_jansson)
{
	const char *why;
	size_t at, n = strlen(c->text);
	size_t len = gr_json_check(c->text, n, 64, &why, &at);

	cr_assert_eq(len != 0, c->valid, "%s: %s", c->text, len ? "valid" : why);
	/* jansson agrees on the value itself */
	json_t *j = json_loadb(c->text, len ? len : n, JSON_DISABLE_EOF_CHECK | JSON_ALLOW_NUL, NULL);
	cr_assert_eq(j != NULL, c->valid, "jansson disagrees on %s", c->text);
	json_decref(j);
}

Test(json_check, depth_limit)
{
	char deep[300];
	const char *why;
	size_t at;

	memset(deep, '[', 150);
	memset(deep + 150, ']', 150);
	cr_assert_eq(gr_json_check(deep, sizeof(deep), 200, &why, &at), sizeof(deep));
	cr_assert_eq(gr_json_check(deep, sizeof(deep), 100, &why, &at), 0);
	cr_assert_str_eq(why, "nested too deep");
}

Test(json_check, members_in_one_pass)
{
	const char *o = "{ \"v\":1, \"src\":{\"req\":\"inner\"}, \"req\" : \"abc\", \"ts\":1714564800123.5, "
			"\"fn\":\"f\\\"x\" }";
	static const char *const keys[] = { "req", "ts", "fn", "missing" };
	struct gr_json_span v[4];
	const char *p;
	size_t pn;

	cr_assert_eq(gr_json_members(o, strlen(o), keys, 4, v), 3);
	cr_assert(gr_json_plain_string(v[0].p, v[0].n, &p, &pn));
	cr_assert_eq(pn, 3);
	cr_assert_eq(memcmp(p, "abc", 3), 0);
	cr_assert_eq(v[1].n, 15);
	cr_assert(!gr_json_plain_string(v[2].p, v[2].n, &p, &pn), "escaped strings are not plain");
	cr_assert_null(v[3].p);
}

Test(json_check, compact)
{
	struct gr_buf b = GR_BUF_INIT;
	const char *in = "{\n  \"a\" : [ 1, 2 ],\n  \"s\": \"keep  these\\n spaces\"\n}";

	cr_assert_eq(gr_json_compact(in, strlen(in), &b), 0);
	cr_assert_str_eq(b.data, "{\"a\":[1,2],\"s\":\"keep  these\\n spaces\"}");
	gr_buf_release(&b);
}
