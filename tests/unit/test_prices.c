/* test_prices.c: Lambda prices: real REPORT lines priced by hand, the price file and its errors. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <string.h>

#include "common/prices.h"
#include "fetch/lambda_log.h"
#include "gammaray.h"

/* A REPORT line's bill, as gammaray-fetch reads it. */
static struct gr_bill bill_of(const char *report, const char *fn, bool restored)
{
	struct gr_lambda_line l;

	gr_lambda_parse_text(report, strlen(report), &l);
	cr_assert_eq(l.kind, GR_LINE_REPORT, "%s", report);
	return (struct gr_bill){ fn, fn ? strlen(fn) : 0, l.billed_us, l.mem_mb, restored, NULL, 0 };
}

static struct gr_prices *table(const char *file_text)
{
	struct gr_prices *p = gr_prices_new();
	struct gr_error err = { 0 };

	cr_assert_not_null(p);
	if (file_text)
		cr_assert_eq(gr_prices_load_mem(p, "test.prices", file_text, strlen(file_text), &err),
			     0, "%s", err.msg);
	return p;
}

static int64_t cost(struct gr_prices *p, const struct gr_bill *b)
{
	int64_t pico = -7;

	cr_assert(gr_prices_cost(p, b, &pico), "billed %lld us, %lld MB: unknown",
		  (long long)b->billed_us, (long long)b->mem_mb);
	return pico;
}

#define REPORT_700 "REPORT RequestId: 8f5ca4d4-7f1e-4bd2-9d6e-c9a16f3a4c51\tDuration: 619.31 ms\t" \
		   "Billed Duration: 700 ms \tMemory Size: 128 MB\tMax Memory Used: 118 MB\t"    \
		   "Init Duration: 127.02 ms\t"
#define REPORT_3 "REPORT RequestId: 3604209a-e9a3-11e6-939a-754dd98c7be3  Duration: 2.16 ms  " \
		 "Billed Duration: 3 ms Memory Size: 128 MB Max Memory Used: 56 MB  "        \
		 "Init Duration: 113.51 ms"
/* the real SnapStart sample (corpus 09): 99 ms of execution + 76 ms of restore = 175 */
#define REPORT_SNAP "REPORT RequestId: dfdd669e-d1d5-48a7-9fbf-9247b567555a Duration: 98.35 ms " \
		    "Billed Duration: 175 ms Memory Size: 3538 MB Max Memory Used: 157 MB "    \
		    "Restore Duration: 422.92 ms Billed Restore Duration: 76 ms"

/*
 * x86_64, us-east-1, the compiled-in prices ($0.0000166667 per GB-s = 16,666,700
 * pico-dollars; $0.20 per million requests = 200,000 pico-dollars per request).
 * Billed Duration 700 ms, 128 MB (the Init Duration is not added: Billed Duration is
 * taken as printed):
 *   16,666,700 * 0.7 s * 128/1024 GB = 1,458,336.25; + 200,000 = 1,658,336.25
 *   -> 1,658,336 pico-dollars ($0.000001658336).
 * Billed Duration 3 ms, 128 MB:
 *   16,666,700 * 0.003 * 0.125 = 6,250.0125; + 200,000 -> 206,250.
 */
Test(prices, x86_us_east_1_by_hand)
{
	struct gr_prices *p = table(NULL);
	struct gr_bill a = bill_of(REPORT_700, "resize", false), b = bill_of(REPORT_3, NULL, false);

	cr_assert_eq(a.billed_us, 700000);
	cr_assert_eq(cost(p, &a), 1658336);
	cr_assert_eq(cost(p, &b), 206250);
	cr_assert(!gr_prices_from_file(p));
	gr_prices_free(p);
}

/*
 * arm64 ($0.0000133334 per GB-s = 13,333,400 pico), the same 700 ms, 128 MB:
 *   13,333,400 * 0.0875 = 1,166,672.5; + 200,000 = 1,366,672.5: exactly half a
 *   pico-dollar, rounded up -> 1,366,673.
 */
Test(prices, arm_against_x86)
{
	struct gr_prices *p = table("function resize arch=arm64\n");
	struct gr_bill arm = bill_of(REPORT_700, "resize", false);
	struct gr_bill x86 = bill_of(REPORT_700, "resizer", false); /* a name, not a prefix */

	cr_assert_eq(cost(p, &arm), 1366673);
	cr_assert_eq(cost(p, &x86), 1658336);
	gr_prices_free(p);
}

/*
 * A region whose duration price differs: af-south-1, x86_64, $0.0000221 per GB-s
 * (22,100,000 pico); its request price is the "*" line's.
 *   22,100,000 * 0.0875 = 1,933,750; + 200,000 -> 2,133,750.
 * A region the table does not list (eu-west-1) is priced as "*"; a user's price line
 * for it then wins: $0.00002 per GB-s and $0.0000003 per request:
 *   20,000,000 * 0.0875 = 1,750,000; + 300,000 -> 2,050,000.
 */
Test(prices, region_override)
{
	struct gr_prices *p = table("function /img-.*/ region=af-south-1\n"
				     "function img-west region=eu-west-1\n");
	struct gr_bill af = bill_of(REPORT_700, "img-resize", false);
	struct gr_bill west = bill_of(REPORT_700, "img-west", false);

	cr_assert_eq(cost(p, &af), 2133750);
	cr_assert_eq(cost(p, &west), 1658336);
	struct gr_error err = { 0 };
	const char *more = "price eu-west-1 x86_64 duration=0.00002 request=0.0000003\n";
	cr_assert_eq(gr_prices_load_mem(p, "more", more, strlen(more), &err), 0, "%s", err.msg);
	cr_assert_eq(cost(p, &west), 2050000); /* the cache was forgotten */
	cr_assert_eq(cost(p, &af), 2133750);
	gr_prices_free(p);
}

/*
 * SnapStart, the real sample: Billed Duration 175 ms (the 76 ms billed restore is in
 * it), 3538 MB, x86_64, us-east-1, restore charged at $0.0001397998 per GB restored
 * (139,799,800 pico):
 *   duration 16,666,700 * 0.175 * 3538/1024 = 10,077,331.35...
 *   restore  139,799,800 * 3538/1024        = 483,019,400.97...
 *   + 200,000 = 505,135,679,705/1024 = 493,296,562.21... -> 493,296,562.
 * With restore=free (Java: no restore charge):
 *   10,077,331.35... + 200,000 = 10,523,987,305/1024 = 10,277,331.35... -> 10,277,331.
 * Not restored: the restore is not charged either.
 */
Test(prices, snapstart_restore)
{
	struct gr_prices *p = table("function java-fn restore=free\n");
	struct gr_bill snap = bill_of(REPORT_SNAP, "py-fn", true);
	struct gr_bill java = bill_of(REPORT_SNAP, "java-fn", true);
	struct gr_bill warm = bill_of(REPORT_SNAP, "py-fn", false);

	cr_assert_eq(snap.billed_us, 175000);
	cr_assert_eq(snap.mem_mb, 3538);
	cr_assert_eq(cost(p, &snap), 493296562);
	cr_assert_eq(cost(p, &java), 10277331);
	cr_assert_eq(cost(p, &warm), 10277331);
	gr_prices_free(p);
}

/* REPORT_SNAP's bill, restored, in an environment of runtime rt (NULL: unknown). */
static struct gr_bill snap_of(const char *fn, const char *rt)
{
	struct gr_bill b = bill_of(REPORT_SNAP, fn, true);

	b.runtime = rt;
	b.runtime_len = rt ? strlen(rt) : 0;
	return b;
}

/*
 * By default (restore=runtime) the restore charge follows the runtime of the restored
 * environment (RESTORE_START's "Runtime Version"): the real Java 21 sample's runtime
 * java:21.v38 is not charged (10,277,331 as above), Python and .NET are (493,296,562),
 * and so is an unknown runtime (no RESTORE_START read): a cost never drops a charge
 * it cannot rule out. A function line overrides either way.
 */
Test(prices, snapstart_restore_by_runtime)
{
	struct gr_prices *p = table("function forced restore=charged\nfunction waived restore=free\n");
	struct gr_bill java = snap_of("f", "java:21.v38"), py = snap_of("f", "python:3.12.v16");
	struct gr_bill net = snap_of("f", "dotnet:8.v13"), unknown = snap_of("f", NULL);
	struct gr_bill bare = snap_of("f", "java"), javaish = snap_of("f", "javascript:1");
	struct gr_bill forced = snap_of("forced", "java:21.v38"), waived = snap_of("waived", "python:3.13.v2");

	cr_assert_eq(cost(p, &java), 10277331);
	cr_assert_eq(cost(p, &bare), 10277331);
	cr_assert_eq(cost(p, &py), 493296562);
	cr_assert_eq(cost(p, &net), 493296562);
	cr_assert_eq(cost(p, &unknown), 493296562);
	cr_assert_eq(cost(p, &javaish), 493296562, "a runtime named javascript is not Java");
	cr_assert_eq(cost(p, &forced), 493296562);
	cr_assert_eq(cost(p, &waived), 10277331);
	gr_prices_free(p);
}

/* restore= takes charged, free or runtime, nothing else. */
Test(prices, restore_words)
{
	struct gr_prices *p = gr_prices_new();
	struct gr_error err = { 0 };
	const char *t = "default restore=sometimes\n";

	cr_assert_neq(gr_prices_load_mem(p, "x.prices", t, strlen(t), &err), 0);
	cr_assert(strstr(err.msg, "not charged, free or runtime"), "%s", err.msg);
	gr_prices_free(p);
}

/*
 * The request charge alone: a price file with no duration price. 0 ms billed costs
 * the request, 200,000 pico; a request price of $0.0000003 makes it 300,000.
 */
Test(prices, request_charge)
{
	struct gr_prices *p = table("price * x86_64 duration=0\n");
	struct gr_bill b = { "f", 1, 0, 128, false, NULL, 0 };
	struct gr_bill c = { "f", 1, 1000000, 1024, false, NULL, 0 };

	cr_assert_eq(cost(p, &b), 200000);
	cr_assert_eq(cost(p, &c), 200000);
	struct gr_error err = { 0 };
	const char *more = "price * x86_64 request=0.0000003\n";
	cr_assert_eq(gr_prices_load_mem(p, "more", more, strlen(more), &err), 0, "%s", err.msg);
	cr_assert_eq(cost(p, &b), 300000);
	gr_prices_free(p);
}

/* An invocation without billing fields (X-Ray or spans only, a stub) has no cost: the
 * answer is "unknown", never 0. */
Test(prices, without_billing_fields_the_cost_is_unknown)
{
	struct gr_prices *p = table(NULL);
	const struct gr_bill cases[] = {
		{ "f", 1, -1, -1, false, NULL, 0 },               /* X-Ray only: neither */
		{ "f", 1, 700000, -1, false, NULL, 0 },           /* no Memory Size */
		{ "f", 1, -1, 128, false, NULL, 0 },              /* no Billed Duration */
		{ "f", 1, 700000, 0, false, NULL, 0 },            /* 0 MB is no memory size */
		{ "f", 1, GR_BILL_MAX_US + 1, 128, false, NULL, 0 }, /* beyond what is priced */
		{ "f", 1, 700000, GR_BILL_MAX_MB + 1, false, NULL, 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t pico = 12345;
		cr_assert(!gr_prices_cost(p, &cases[i], &pico), "case %zu", i);
		cr_assert_eq(pico, 12345, "case %zu: the output was touched", i);
	}
	gr_prices_free(p);
}

/*
 * Rounding, once per invocation, to the nearest pico-dollar, halves up. With 1 pico
 * per GB-s and no request price, the cost is billed_us * mem_mb / 1,024,000,000:
 *   512 ms, 1000 MB: 512,000,000 / 1,024,000,000 = 0.5   -> 1
 *   512 ms,  999 MB: 511,488,000 / 1,024,000,000 = 0.4995 -> 0
 *   2560 ms, 1000 MB: 2.5 -> 3 (half up, not half to even)
 * The largest duration and memory priced do not overflow: 2^40 us, 2^24 MB at
 * 1 pico per GB-s = 2^64 / 1,024,000,000 = 18,014,398,509.48... -> 18,014,398,509.
 */
Test(prices, rounding_at_the_boundary)
{
	struct gr_prices *p = table("price * x86_64 duration=0.000000000001 request=0\n");
	struct gr_bill half = { "f", 1, 512000, 1000, false, NULL, 0 };
	struct gr_bill below = { "f", 1, 512000, 999, false, NULL, 0 };
	struct gr_bill two_half = { "f", 1, 2560000, 1000, false, NULL, 0 };
	struct gr_bill max = { "f", 1, GR_BILL_MAX_US, GR_BILL_MAX_MB, false, NULL, 0 };

	cr_assert_eq(cost(p, &half), 1);
	cr_assert_eq(cost(p, &below), 0);
	cr_assert_eq(cost(p, &two_half), 3);
	cr_assert_eq(cost(p, &max), 18014398509LL);
	/* at $1000 per GB-s the same bill is more than 2^63 pico-dollars: unknown */
	struct gr_error err = { 0 };
	const char *dear = "price * x86_64 duration=1000\n";
	cr_assert_eq(gr_prices_load_mem(p, "dear", dear, strlen(dear), &err), 0, "%s", err.msg);
	int64_t pico;
	cr_assert(!gr_prices_cost(p, &max, &pico));
	gr_prices_free(p);
}

/* Later function lines win, key by key, over the default line. */
Test(prices, later_lines_win_key_by_key)
{
	struct gr_prices *p = table("default arch=arm64\n"
				     "function /a.*/ region=af-south-1 # every a...\n"
				     "function ab arch=x86_64\n");
	struct gr_bill other = bill_of(REPORT_700, "zz", false);
	struct gr_bill a = bill_of(REPORT_700, "ax", false);
	struct gr_bill ab = bill_of(REPORT_700, "ab", false);
	struct gr_bill none = bill_of(REPORT_700, NULL, false);

	cr_assert_eq(cost(p, &other), 1366673);  /* arm64, us-east-1 */
	cr_assert_eq(cost(p, &none), 1366673);   /* no function: the default line */
	/* arm64 af-south-1: 17,680,000 * 0.0875 = 1,547,000; + 200,000 */
	cr_assert_eq(cost(p, &a), 1747000);
	cr_assert_eq(cost(p, &ab), 2133750);     /* x86_64 af-south-1 */
	gr_prices_free(p);
}

/* Inline text: Criterion hands the cases to the test process by value. */
struct bad_case {
	char text[96];      /* a price file */
	uint64_t line;      /* the line named */
	char says[64];      /* in the message */
};

static struct bad_case bad_cases[] = {
	{ "# ok\nprice eu-west-1 sparc duration=1\n", 2, "arch 'sparc' is not x86_64 or arm64" },
	{ "price * x86_64 duration=0.0000000000001\n", 1, "finer than a pico-dollar" },
	{ "price * x86_64 duration=1e-5\n", 1, "is not a price in dollars" },
	{ "price * x86_64 duration=-1\n", 1, "is not a price in dollars" },
	{ "price * x86_64 duration=1001\n", 1, "more than $1000" },
	{ "price * x86_64 duration=99999999999999999999999\n", 1, "more than $1000" },
	{ "price * x86_64 durration=1\n", 1, "'durration' is not duration=" },
	{ "price * x86_64\n", 1, "wants REGION ARCH and prices" },
	{ "\n\nfunction f arch=arm\n", 3, "arch 'arm' is not x86_64 or arm64" },
	{ "function f colour=red\n", 1, "unknown key 'colour'" },
	{ "function f restore=maybe\n", 1, "restore 'maybe' is not charged, free or runtime" },
	{ "function /a(/ arch=arm64\n", 1, "invalid function pattern" },
	{ "function // arch=arm64\n", 1, "is not /PCRE2/" },
	{ "function f\n", 1, "wants a NAME or /PATTERN/" },
	{ "function f region=\n", 1, "an empty region" },
	{ "default arm64\n", 1, "is not KEY=VALUE" },
	{ "prices * x86_64 duration=1\n", 1, "'prices' is not price, default or function" },
	{ "function f arch=arm64\nfunction \x01\xff arch=x\n", 2, "arch 'x'" },
	{ "price x arm64 duration=\x1b[31m\n", 1, "duration '\\x1b[31m' is not a price" },
};

ParameterizedTestParameters(prices, bad_lines_name_file_and_line)
{
	return cr_make_param_array(struct bad_case, bad_cases, sizeof(bad_cases) / sizeof(bad_cases[0]));
}

ParameterizedTest(struct bad_case *c, prices, bad_lines_name_file_and_line)
{
	struct gr_prices *p = gr_prices_new();
	struct gr_error err = { 0 };
	char shown[1200];

	cr_assert_not_null(p);
	cr_assert_eq(gr_prices_load_mem(p, "my.prices", c->text, strlen(c->text), &err),
		     GR_ERR_FORMAT, "%s", c->text);
	gr_error_format(&err, shown, sizeof(shown));
	cr_assert_str_eq(err.file, "my.prices");
	cr_assert_eq(err.line, c->line, "%s", shown);
	cr_assert(strstr(err.msg, c->says), "%s (wanted '%s')", shown, c->says);
	gr_prices_free(p);
}

Test(prices, a_file_that_cannot_be_read)
{
	struct gr_prices *p = gr_prices_new();
	struct gr_error err = { 0 };
	char path[] = "/tmp/gammaray-prices-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");

	cr_assert_eq(gr_prices_load(p, "/nonexistent/prices", &err), GR_ERR_IO);
	cr_assert_str_eq(err.file, "/nonexistent/prices");
	cr_assert(!gr_prices_from_file(p));
	/* a long line: named by its number */
	fprintf(f, "default arch=arm64\n# %*s\n", 5000, "x");
	fclose(f);
	cr_assert_eq(gr_prices_load(p, path, &err), GR_ERR_FORMAT);
	cr_assert_eq(err.line, 2);
	cr_assert(strstr(err.msg, "longer than 4096"), "%s", err.msg);
	remove(path);
	gr_prices_free(p);
}

Test(prices, dollars_exactly)
{
	char s[64];

	gr_pico_dollars(1658336, s, sizeof(s));
	cr_assert_str_eq(s, "$0.000001658336");
	gr_pico_dollars(12500000000000ull, s, sizeof(s));
	cr_assert_str_eq(s, "$12.500000000000");
	gr_pico_dollars(0, s, sizeof(s));
	cr_assert_str_eq(s, "$0");
	gr_pico_dollars(1000000000000ull * 3 + 10, s, sizeof(s));
	cr_assert_str_eq(s, "$3.000000000010");
	/* beyond 64 bits: a sum of many costs */
	gr_u128 big = (gr_u128)UINT64_MAX * 1000;
	gr_u128_dec(big, s, sizeof(s));
	cr_assert_str_eq(s, "18446744073709551615000");
	gr_pico_dollars(big, s, sizeof(s));
	cr_assert_str_eq(s, "$18446744073.709551615000");
}
