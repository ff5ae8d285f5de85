/* test_jsonw.c: the JSON writer: escaping, UTF-8 repair, key order. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <string.h>

#include "gammaray.h"
#include "common/jsonw.h"

static char *escaped(const char *s, size_t n)
{
	static struct gr_buf b;

	gr_buf_reset(&b);
	cr_assert_eq(gr_json_escape(&b, s, n), 0);
	return b.data;
}

Test(jsonw, escapes_specials)
{
	cr_assert_str_eq(escaped("a\"b\\c", 5), "\"a\\\"b\\\\c\"");
	cr_assert_str_eq(escaped("l1\nl2\tx\r", 8), "\"l1\\nl2\\tx\\r\"");
	cr_assert_str_eq(escaped("\x01\x1f", 2), "\"\\u0001\\u001f\"");
	cr_assert_str_eq(escaped("nul\0here", 8), "\"nul\\u0000here\"");
}

Test(jsonw, keeps_valid_utf8_and_repairs_invalid)
{
	/* é, €, 😀 are kept; a lone continuation byte, an overlong form and a
	 * surrogate each become U+FFFD */
	cr_assert_str_eq(escaped("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 9),
			 "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"");
	cr_assert_str_eq(escaped("a\x80z", 3), "\"a\xef\xbf\xbdz\"");
	cr_assert_str_eq(escaped("\xc0\xaf", 2), "\"\xef\xbf\xbd\xef\xbf\xbd\"");
	cr_assert_str_eq(escaped("\xed\xa0\x80", 3),
			 "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"");
	cr_assert_str_eq(escaped("cut\xe2\x82", 5), "\"cut\xef\xbf\xbd\xef\xbf\xbd\"");
}

Test(jsonw, every_byte_string_parses_back)
{
	unsigned char all[256];
	for (int i = 0; i < 256; i++)
		all[i] = (unsigned char)i;
	const char *out = escaped((const char *)all, sizeof(all));
	json_error_t e;
	json_t *j = json_loads(out, JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);
	cr_assert_not_null(j, "%s", e.text);
	cr_assert(json_is_string(j));
	json_decref(j);
}

Test(jsonw, object_in_key_order)
{
	struct gr_buf b = GR_BUF_INIT;
	struct gr_jw w;

	gr_jw_init(&w, &b);
	gr_jw_begin(&w);
	gr_jw_cstr(&w, "type", "x");
	gr_jw_int(&w, "n", -42);
	gr_jw_bool(&w, "ok", true);
	gr_jw_arr(&w, "a");
	gr_jw_int(&w, NULL, 1);
	gr_jw_obj(&w, NULL);
	gr_jw_null(&w, "z");
	gr_jw_obj_end(&w);
	gr_jw_arr_end(&w);
	gr_jw_raw(&w, "m", "{\"k\":1}", 7);
	gr_jw_end(&w);
	cr_assert_eq(w.err, 0);
	cr_assert_str_eq(b.data, "{\"type\":\"x\",\"n\":-42,\"ok\":true,\"a\":[1,{\"z\":null}],\"m\":{\"k\":1}}\n");
	gr_buf_release(&b);
}

Test(jsonw, size_limit_is_an_error_not_a_crash)
{
	struct gr_buf b = GR_BUF_INIT;
	struct gr_jw w;
	char big[600];

	memset(big, 'x', sizeof(big));
	b.max = 512;
	gr_jw_init(&w, &b);
	gr_jw_begin(&w);
	gr_jw_str(&w, "s", big, sizeof(big));
	gr_jw_end(&w);
	cr_assert_eq(w.err, GR_ERR_LIMIT);
	gr_buf_release(&b);
}

/* Eight bytes are looked at together: a byte to escape at every offset of a longer
 * string, alone or next to another, comes out escaped, the rest as it is. */
Test(jsonw, specials_at_every_offset)
{
	static const struct {
		const char *in, *out;
	} sp[] = {
		{ "\"", "\\\"" }, { "\\", "\\\\" }, { "\n", "\\n" }, { "\x01", "\\u0001" },
		{ "\x1f", "\\u001f" }, { "\xc3\xa9", "\xc3\xa9" }, { "\x80", "\xef\xbf\xbd" },
		{ "\x7f", "\x7f" }, { " ", " " },
	};
	char in[64], want[128];

	for (size_t k = 0; k < sizeof(sp) / sizeof(sp[0]); k++) {
		for (size_t at = 0; at < 24; at++) {
			size_t il = strlen(sp[k].in), n = 0, wn = 0;
			memset(in, 'a', at);
			n = at;
			memcpy(in + n, sp[k].in, il);
			n += il;
			memcpy(in + n, "bcdefghijklmnop", 15);
			n += 15;
			want[wn++] = '"';
			memset(want + wn, 'a', at);
			wn += at;
			memcpy(want + wn, sp[k].out, strlen(sp[k].out));
			wn += strlen(sp[k].out);
			memcpy(want + wn, "bcdefghijklmnop\"", 17);
			cr_assert_str_eq(escaped(in, n), want, "byte %zu at %zu", k, at);
		}
	}
}
