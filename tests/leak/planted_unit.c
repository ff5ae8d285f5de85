/* planted_unit.c: a Criterion test that leaks, which must fail the run (tests/leak/run.sh). */
#include <criterion/criterion.h>

#include "common/buf.h"

/* Memory dropped through project code (a gr_buf never released): the stack names
 * gr_buf_grow, so no suppression of tests/lsan.supp may hide it. */
Test(planted, leak)
{
	struct gr_buf b = GR_BUF_INIT;

	cr_assert_eq(gr_buf_add(&b, "planted leak", 12), 0);
	cr_assert_str_eq(b.data, "planted leak");
}

/* The control: the same without the leak passes. */
Test(planted, no_leak)
{
	struct gr_buf b = GR_BUF_INIT;

	cr_assert_eq(gr_buf_add(&b, "no leak", 7), 0);
	cr_assert_str_eq(b.data, "no leak");
	gr_buf_release(&b);
}
