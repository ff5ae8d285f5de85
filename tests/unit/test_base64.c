/* test_base64.c: base64 decoding. */
#include <criterion/criterion.h>

#include "common/base64.h"
#include "gammaray.h"

Test(base64, standard_urlsafe_padding_whitespace)
{
	struct gr_buf b = GR_BUF_INIT;

	cr_assert_eq(gr_base64_decode("aGVsbG8gd29ybGQ=", 16, &b), 0);
	cr_assert_str_eq(b.data, "hello world");
	gr_buf_reset(&b);
	cr_assert_eq(gr_base64_decode("aGVs\nbG8", 8, &b), 0);
	cr_assert_str_eq(b.data, "hello");
	gr_buf_reset(&b);
	cr_assert_eq(gr_base64_decode("-_-_", 4, &b), 0);
	cr_assert_eq(b.len, 3);
	cr_assert_eq((unsigned char)b.data[0], 0xfb);
	gr_buf_reset(&b);
	cr_assert_eq(gr_base64_decode("ab$d", 4, &b), GR_ERR_FORMAT);
	gr_buf_release(&b);
}
