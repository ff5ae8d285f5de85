/* test_timeparse.c: ISO 8601 and user times. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <string.h>

#include "gammaray.h"

struct iso_case {
	char in[40];      /* text (an array: Criterion re-executes, so no pointers) */
	size_t used;      /* bytes consumed, 0 = rejected */
	int64_t us;       /* expected epoch microseconds */
};

ParameterizedTestParameters(timeparse, iso)
{
	static struct iso_case cases[] = {
		{ "2020-03-05T16:30:36.113Z", 24, 1583425836113000 },
		{ "1970-01-01T00:00:00Z", 20, 0 },
		{ "2024-02-29T23:59:59.999999Z", 27, 1709251199999999 },
		{ "2022-07-18 12:34:30.964", 23, 1658147670964000 },
		{ "2024-05-01T12:00:00+02:00", 25, 1714557600000000 },
		{ "2024-05-01T12:00:00.1234567Z", 28, 1714564800123456 },
		{ "2020-03-18 08:52:43 6bc2", 19, 1584521563000000 },
		{ "2020/03/27 03:40:05", 0, 0 },
		{ "2024-13-01T00:00:00Z", 0, 0 },
		{ "2024-05-01T12:00:00.Z", 0, 0 },
		{ "not a time at all", 0, 0 },
	};
	return cr_make_param_array(struct iso_case, cases, sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct iso_case *c, timeparse, iso)
{
	int64_t us = -1;
	size_t used = gr_time_parse_iso(c->in, strlen(c->in), &us);

	cr_assert_eq(used, c->used, "%s: used %zu", c->in, used);
	if (c->used)
		cr_assert_eq(us, c->us, "%s: %lld", c->in, (long long)us);
}

Test(timeparse, format_round_trip)
{
	char buf[40];
	int64_t back;

	gr_time_format_iso(1714564800123456, buf, sizeof(buf));
	cr_assert_str_eq(buf, "2024-05-01T12:00:00.123456Z");
	cr_assert_eq(gr_time_parse_iso(buf, strlen(buf), &back), strlen(buf));
	cr_assert_eq(back, 1714564800123456);
	gr_time_format_iso(-1, buf, sizeof(buf));
	cr_assert_str_eq(buf, "1969-12-31T23:59:59.999999Z");
}

Test(timeparse, user_forms)
{
	int64_t us, now = 1714564800000000;

	cr_assert_eq(gr_time_parse_user("1714564800", now, &us), 0);
	cr_assert_eq(us, 1714564800000000);
	cr_assert_eq(gr_time_parse_user("1714564800123", now, &us), 0);
	cr_assert_eq(us, 1714564800123000);
	cr_assert_eq(gr_time_parse_user("-2h", now, &us), 0);
	cr_assert_eq(us, now - 7200000000LL);
	cr_assert_eq(gr_time_parse_user("2024-05-01", now, &us), 0);
	cr_assert_eq(us, 1714521600000000);
	cr_assert_eq(gr_time_parse_user("yesterday", now, &us), GR_ERR_USAGE);
	cr_assert_eq(gr_time_parse_user("-2x", now, &us), GR_ERR_USAGE);
	cr_assert_eq(gr_time_parse_user("", now, &us), GR_ERR_USAGE);
}
