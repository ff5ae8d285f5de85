/* test_infer.c: gammaray-infer on small event streams: invocations, every linking rule, accounting. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "infer/model/model.h"
#include "gammaray.h"
#include "stats_line.h"

#define HDR "{\"type\":\"gammaray-events\",\"v\":1}\n"
#define R1 "11111111-1111-4111-8111-111111111111"
#define R2 "22222222-2222-4222-8222-222222222222"
#define R3 "33333333-3333-4333-8333-333333333333"
#define R4 "44444444-4444-4444-8444-444444444444"
#define T0 1714564800000000LL

/* The result of one run. */
struct run {
	char *out;                      /* the graph stream */
	struct gr_infer_stats st;       /* counters (loops not kept) */
	char loops[512];                /* the loops, joined by ';' */
	int rc;                         /* what read/finish returned */
	int losses;                     /* diagnostics of severity 1 */
};

static int to_buf(void *ctx, const char *p, size_t n)
{
	return gr_buf_add(ctx, p, n);
}

static void count_diag(void *ctx, int severity, const struct gr_error *e)
{
	(void)e;
	if (severity)
		(*(int *)ctx)++;
}

static struct run run_opts(const char *input, const struct gr_infer_opts *oin)
{
	struct gr_buf out = GR_BUF_INIT;
	struct gr_infer_opts o;
	struct gr_infer *inf;
	struct gr_error err = { 0 };
	struct run r;

	memset(&r, 0, sizeof(r));
	if (oin)
		o = *oin;
	else
		gr_infer_opts_init(&o);
	o.write = to_buf;
	o.write_ctx = &out;
	o.diag = count_diag;
	o.diag_ctx = &r.losses;
	cr_assert_eq(gr_infer_new(&inf, &o, &err), 0);
	r.rc = gr_infer_read_mem(inf, "test", input, strlen(input), &err);
	if (!r.rc)
		r.rc = gr_infer_finish(inf, &err);
	r.st = *gr_infer_get_stats(inf);
	if (!r.rc) /* the graph; its stats record (and upstream ones) end it */
		cr_assert_geq(strip_stats(out.data), 1, "the graph does not end with stats");
	out.len = out.data ? strlen(out.data) : 0;
	for (size_t i = 0; i < r.st.nloops; i++) {
		strncat(r.loops, r.st.loops[i], sizeof(r.loops) - strlen(r.loops) - 2);
		strcat(r.loops, ";");
	}
	r.st.loops = NULL;
	gr_infer_free(inf);
	gr_buf_addc(&out, '\0');
	r.out = gr_buf_detach(&out, NULL);
	return r;
}

static struct run run(const char *input)
{
	return run_opts(input, NULL);
}

/* The edge line from -> to of kind, or NULL. */
static const char *edge(const struct run *r, const char *from, const char *to, const char *kind)
{
	char pat[256];

	snprintf(pat, sizeof(pat), "\"type\":\"edge\",\"from\":\"%s\",\"to\":\"%s\",\"kind\":\"%s\"",
		 from, to, kind);
	return strstr(r->out, pat);
}

static int count(const struct run *r, const char *needle)
{
	int n = 0;

	for (const char *p = r->out; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

/* A field of the line at p ("cold":true...). */
static bool line_has(const char *p, const char *field)
{
	const char *end = p ? strchr(p, '\n') : NULL;
	const char *f = p ? strstr(p, field) : NULL;

	return f && (!end || f < end);
}

static const char *node(const struct run *r, const char *id)
{
	char pat[128];

	snprintf(pat, sizeof(pat), "{\"type\":\"node\",\"id\":\"%s\"", id);
	return strstr(r->out, pat);
}

static bool balanced(const struct run *r)
{
	return gr_stats_balanced(&r->st.io);
}

#define START(req, ts, fn) "{\"type\":\"start\",\"ts\":" #ts ",\"req\":\"" req "\",\"fn\":\"" fn "\"}\n"
#define REPORT(req, ts, dur) "{\"type\":\"report\",\"ts\":" #ts ",\"req\":\"" req "\",\"dur_us\":" #dur "}\n"
#define MARK(req, ts, m) "{\"type\":\"marker\",\"ts\":" #ts ",\"req\":\"" req "\",\"m\":" m "}\n"

Test(infer, joins_an_invocation)
{
	struct run r = run(HDR
		"{\"type\":\"init_start\",\"ts\":1714564800000000,\"fn\":\"resize\",\"stream\":\"st1\"}\n"
		"{\"type\":\"report\",\"ts\":1714564800600000,\"req\":\"" R1 "\",\"dur_us\":200000,"
		"\"billed_us\":201000,\"mem_mb\":256,\"init_us\":380000,\"trace\":\"1-abc-def\"}\n"
		"{\"type\":\"start\",\"ts\":1714564800400000,\"req\":\"" R1 "\",\"stream\":\"st1\"}\n"
		"{\"type\":\"stream\",\"group\":\"/aws/lambda/resize\",\"stream\":\"st1\",\"fn\":\"resize\"}\n");
	const char *n = node(&r, R1);

	cr_assert_not_null(n, "%s", r.out);
	cr_assert(line_has(n, "\"fn\":\"resize\""));
	cr_assert(line_has(n, "\"start_us\":1714564800020000"));
	cr_assert(line_has(n, "\"end_us\":1714564800600000"));
	cr_assert(line_has(n, "\"init_us\":380000,\"cold\":true,\"start\":\"cold\",\"status\":\"ok\""));
	cr_assert(line_has(n, "\"trace\":\"1-abc-def\""));
	cr_assert(line_has(n, "\"billed_us\":201000"));
	cr_assert(balanced(&r));
	free(r.out);
}

/* SnapStart: REPORT's Billed Restore Duration reaches the node (it is priced: the
 * restore's billing lies inside Billed Duration, 99 ms + 76 ms = 175 ms here). */
Test(infer, billed_restore_reaches_the_node)
{
	struct run r = run(HDR
		"{\"type\":\"start\",\"ts\":1714564800400000,\"req\":\"" R1 "\",\"fn\":\"snap\"}\n"
		"{\"type\":\"report\",\"ts\":1714564800500000,\"req\":\"" R1 "\",\"dur_us\":98350,"
		"\"billed_us\":175000,\"mem_mb\":3538,\"restore_us\":422920,"
		"\"billed_restore_us\":76000}\n"
		START(R2, 1714564801000000, "plain")
		"{\"type\":\"report\",\"ts\":1714564801100000,\"req\":\"" R2 "\",\"dur_us\":1000,"
		"\"billed_us\":1000,\"mem_mb\":128}\n");
	const char *n = node(&r, R1), *m = node(&r, R2);

	cr_assert_not_null(n, "%s", r.out);
	cr_assert(line_has(n, "\"start\":\"restore\""), "%s", n);
	cr_assert(line_has(n, "\"mem_mb\":3538,\"billed_us\":175000,\"billed_restore_us\":76000}"),
		  "%s", n);
	/* written only when REPORT gave it */
	cr_assert_not_null(m);
	cr_assert(!line_has(m, "billed_restore_us"), "%s", m);
	cr_assert(balanced(&r));
	free(r.out);
}

Test(infer, retries_keep_the_request_id)
{
	/* attempt 1 times out, attempt 2 (warm) succeeds: the node is attempt 2 */
	struct run r = run(HDR
		START(R1, 1714564800000000, "w")
		"{\"type\":\"fault\",\"ts\":1714564803000000,\"req\":\"" R1 "\",\"status\":\"timeout\"}\n"
		"{\"type\":\"report\",\"ts\":1714564803001000,\"req\":\"" R1 "\",\"dur_us\":3000000,"
		"\"init_us\":100000,\"status\":\"timeout\"}\n"
		START(R1, 1714564863000000, "w")
		REPORT(R1, 1714564863100000, 100000)
		START(R1, 1714564863000000, "w")
		START(R1, 1714564800000000, "w"));
	const char *n = node(&r, R1);

	cr_assert(line_has(n, "\"start_us\":1714564863000000,\"end_us\":1714564863100000"), "%s", r.out);
	cr_assert(line_has(n, "\"cold\":false,\"status\":\"ok\""));
	cr_assert(line_has(n, "\"attempts\":2"));
	cr_assert_eq(r.st.io.reason[GR_SKIP_DUPLICATE], 2);
	cr_assert_eq(r.st.retried, 1);
	free(r.out);
}

Test(infer, status_from_faults_of_the_last_attempt)
{
	struct run r = run(HDR
		START(R1, 1714564800000000, "f")
		REPORT(R1, 1714564800100000, 100000)
		"{\"type\":\"fault\",\"ts\":1714564800090000,\"req\":\"" R1 "\",\"status\":\"error\","
		"\"error\":\"KeyError\"}\n"
		START(R2, 1714564800000000, "f")
		"{\"type\":\"end\",\"ts\":1714564803000000,\"req\":\"" R2 "\"}\n"
		"{\"type\":\"fault\",\"ts\":1714564803001000,\"req\":\"" R2 "\",\"status\":\"timeout\"}\n");

	cr_assert(line_has(node(&r, R1), "\"status\":\"error\""), "%s", r.out);
	cr_assert(line_has(node(&r, R2), "\"status\":\"timeout\""));
	cr_assert(line_has(node(&r, R2), "\"end_us\":1714564803000000"));
	free(r.out);
}

Test(infer, exact_ids_every_service)
{
	struct run r = run(HDR
		START(R1, 1714564800000000, "p")
		MARK(R1, 1714564800010000, "{\"v\":1,\"ev\":\"call\",\"svc\":\"sns\",\"op\":\"PublishBatch\","
		     "\"topic\":\"t\",\"msgs\":[\"n1\",\"n2\"]}")
		MARK(R1, 1714564800020000, "{\"v\":1,\"ev\":\"call\",\"svc\":\"sqs\",\"op\":\"SendMessage\","
		     "\"queue\":\"https://sqs/q\",\"msg\":\"q1\"}")
		MARK(R1, 1714564800030000, "{\"v\":1,\"ev\":\"call\",\"svc\":\"kinesis\",\"op\":\"PutRecord\","
		     "\"stream\":\"clicks\",\"seq\":\"77\"}")
		MARK(R1, 1714564800040000, "{\"v\":1,\"ev\":\"call\",\"svc\":\"events\",\"op\":\"PutEvents\","
		     "\"ids\":[\"e1\"]}")
		REPORT(R1, 1714564800100000, 100000)
		START(R2, 1714564800200000, "c")
		MARK(R2, 1714564800201000, "{\"v\":1,\"ev\":\"entry\",\"fn\":\"c\",\"src\":["
		     "{\"svc\":\"sns\",\"topic\":\"t\",\"msg\":\"n2\"},"
		     "{\"svc\":\"sqs\",\"queue\":\"arn:aws:sqs:r:1:q\",\"msg\":\"q1\"},"
		     "{\"svc\":\"kinesis\",\"stream\":\"arn:aws:kinesis:r:1:stream/clicks\",\"seq\":\"77\"},"
		     "{\"svc\":\"events\",\"id\":\"e1\"}]}")
		REPORT(R2, 1714564800300000, 100000));

	for (const char *k = "sns\0sqs\0kinesis\0events\0"; *k; k += strlen(k) + 1) {
		const char *e = edge(&r, R1, R2, k);
		cr_assert_not_null(e, "no %s edge in %s", k, r.out);
		cr_assert(line_has(e, "\"evidence\":\"marker\""));
		cr_assert(line_has(e, "\"confidence\":1.000"));
	}
	cr_assert(line_has(edge(&r, R1, R2, "sqs"), "\"cause_us\":1714564800020000,\"delay_us\":180000"));
	/* keys name the topic, queue (URL on one side, ARN on the other) and stream */
	cr_assert(line_has(edge(&r, R1, R2, "sns"), "\"key\":\"t/n2\""));
	cr_assert(line_has(edge(&r, R1, R2, "sqs"), "\"key\":\"q/q1\""));
	cr_assert(line_has(edge(&r, R1, R2, "kinesis"), "\"key\":\"clicks/77\""));
	cr_assert(line_has(edge(&r, R1, R2, "events"), "\"key\":\"e1\""));
	/* n1 was published and nothing took it */
	cr_assert_eq(r.st.unmatched_cause[3 /* sns */], 1);
	cr_assert(strstr(r.out, "\"what\":\"cause\",\"req\":\"" R1 "\",\"fn\":\"p\",\"kind\":\"sns\",\"key\":\"t/n1\""));
	free(r.out);
}

Test(infer, s3_etag_quotes_url_encoding_and_version)
{
	struct run r = run(HDR
		START(R1, 1714564800000000, "p")
		MARK(R1, 1714564800010000, "{\"v\":1,\"ev\":\"call\",\"svc\":\"s3\",\"op\":\"PutObject\","
		     "\"bucket\":\"b\",\"key\":\"a b+c.jpg\",\"etag\":\"\\\"e1\\\"\"}")
		MARK(R1, 1714564800020000, "{\"v\":1,\"ev\":\"call\",\"svc\":\"s3\",\"op\":\"PutObject\","
		     "\"bucket\":\"arn:aws:s3:::v\",\"key\":\"k\",\"version\":\"ver1\"}")
		START(R2, 1714564800100000, "c")
		MARK(R2, 1714564800101000, "{\"v\":1,\"ev\":\"entry\",\"fn\":\"c\",\"src\":{\"svc\":\"s3\","
		     "\"bucket\":\"b\",\"key\":\"a+b%2Bc.jpg\",\"etag\":\"e1\"}}")
		START(R3, 1714564800100000, "c")
		MARK(R3, 1714564800101000, "{\"v\":1,\"ev\":\"entry\",\"fn\":\"c\",\"src\":{\"svc\":\"s3\","
		     "\"bucket\":\"v\",\"key\":\"k\",\"version\":\"ver1\"}}"));
	const char *e = edge(&r, R1, R2, "s3");

	cr_assert_not_null(e, "%s", r.out);
	cr_assert(line_has(e, "\"evidence\":\"marker\""));
	cr_assert(line_has(e, "\"confidence\":1.000"));
	cr_assert(line_has(edge(&r, R1, R3, "s3"), "\"evidence\":\"marker\""));
	free(r.out);
}

Test(infer, racing_s3_writes_follow_the_sequencer)
{
	/* R1 writes k, then R2 writes k; R4 (sequencer 2) starts before R3 (sequencer 1) */
	struct run r = run(HDR
		START(R1, 1714564800000000, "w1")
		MARK(R1, 1714564800100000, "{\"v\":1,\"ev\":\"call\",\"svc\":\"s3\",\"op\":\"PutObject\",\"bucket\":\"b\",\"key\":\"k\"}")
		START(R2, 1714564800000000, "w2")
		MARK(R2, 1714564800110000, "{\"v\":1,\"ev\":\"call\",\"svc\":\"s3\",\"op\":\"PutObject\",\"bucket\":\"b\",\"key\":\"k\"}")
		START(R3, 1714564800300000, "r")
		MARK(R3, 1714564800301000, "{\"v\":1,\"ev\":\"entry\",\"src\":{\"svc\":\"s3\",\"bucket\":\"b\",\"key\":\"k\",\"sequencer\":\"0A1\"}}")
		START(R4, 1714564800200000, "r")
		MARK(R4, 1714564800201000, "{\"v\":1,\"ev\":\"entry\",\"src\":{\"svc\":\"s3\",\"bucket\":\"b\",\"key\":\"k\",\"sequencer\":\"0A2\"}}"));

	cr_assert_not_null(edge(&r, R1, R3, "s3"), "%s", r.out);
	cr_assert_not_null(edge(&r, R2, R4, "s3"));
	cr_assert(line_has(edge(&r, R1, R3, "s3"), "\"evidence\":\"heuristic\""));
	cr_assert_eq(r.st.edges, 2);
	free(r.out);
}

Test(infer, racing_without_order_takes_the_latest_and_says_so)
{
	/* one trigger, two writers before it: the latest, with a lower confidence */
	struct run r = run(HDR
		START(R1, 1714564800000000, "w1")
		MARK(R1, 1714564800100000, "{\"v\":1,\"ev\":\"call\",\"svc\":\"dynamodb\",\"op\":\"PutItem\",\"table\":\"t\",\"keys\":{\"Id\":\"1\"}}")
		START(R2, 1714564800000000, "w2")
		MARK(R2, 1714564800110000, "{\"v\":1,\"ev\":\"call\",\"svc\":\"dynamodb\",\"op\":\"UpdateItem\",\"table\":\"t\",\"keys\":{\"Id\":1}}")
		START(R3, 1714564800300000, "r")
		MARK(R3, 1714564800301000, "{\"v\":1,\"ev\":\"entry\",\"src\":[{\"svc\":\"dynamodb\",\"table\":\"t\",\"keys\":{\"Id\":{\"N\":\"1\"}}}]}"));
	const char *e = edge(&r, R2, R3, "dynamodb");

	cr_assert_not_null(e, "%s", r.out);
	cr_assert(line_has(e, "\"confidence\":0.450"));
	cr_assert(line_has(e, "\"key\":\"t/Id=1\""));
	cr_assert_null(edge(&r, R1, R3, "dynamodb"));
	cr_assert_eq(r.st.uncertain, 1);
	free(r.out);
}

Test(infer, write_after_the_effect_is_not_its_cause)
{
	struct run r = run(HDR
		START(R1, 1714564800000000, "w")
		MARK(R1, 1714564801000000, "{\"v\":1,\"ev\":\"call\",\"svc\":\"dynamodb\",\"op\":\"PutItem\",\"table\":\"t\",\"keys\":{\"Id\":\"1\"}}")
		START(R3, 1714564800300000, "r")
		MARK(R3, 1714564800301000, "{\"v\":1,\"ev\":\"entry\",\"src\":{\"svc\":\"dynamodb\",\"table\":\"t\",\"keys\":{\"Id\":\"1\"}}}"));

	cr_assert_eq(r.st.edges, 0, "%s", r.out);
	cr_assert_eq(r.st.unmatched_trigger[2], 1);
	cr_assert_eq(r.st.unmatched_cause[2], 1);
	free(r.out);
}

Test(infer, lambda_callee_and_caller)
{
	struct run r = run(HDR
		START(R1, 1714564800000000, "p")
		MARK(R1, 1714564800100000, "{\"v\":1,\"ev\":\"call\",\"svc\":\"lambda\",\"op\":\"Invoke\",\"fn\":\"s\","
		     "\"mode\":\"RequestResponse\",\"callee\":\"" R2 "\"}")
		MARK(R1, 1714564800110000, "{\"v\":1,\"ev\":\"call\",\"svc\":\"lambda\",\"op\":\"Invoke\",\"fn\":\"a\","
		     "\"mode\":\"Event\"}")
		START(R2, 1714564800020000, "s")
		MARK(R2, 1714564800021000, "{\"v\":1,\"ev\":\"entry\",\"src\":{\"svc\":\"lambda\"}}")
		START(R3, 1714564800150000, "a")
		MARK(R3, 1714564800151000, "{\"v\":1,\"ev\":\"entry\",\"fn\":\"a\",\"src\":{\"svc\":\"lambda\"}}")
		START(R4, 1714564800160000, "x")
		MARK(R4, 1714564800161000, "{\"v\":1,\"ev\":\"entry\",\"src\":{\"svc\":\"lambda\",\"caller\":\"" R1 "\"}}"));

	cr_assert(line_has(edge(&r, R1, R2, "lambda"), "\"sync\":true,\"evidence\":\"marker\""), "%s", r.out);
	cr_assert(line_has(edge(&r, R1, R3, "lambda"), "\"sync\":false,\"evidence\":\"heuristic\""));
	cr_assert(line_has(edge(&r, R1, R4, "lambda"), "\"evidence\":\"marker\""));
	cr_assert_eq(r.st.edges, 3);
	free(r.out);
}

Test(infer, recursion_is_a_function_loop_not_a_cycle)
{
	struct run r = run(HDR
		START(R1, 1714564800000000, "crawl")
		MARK(R1, 1714564800010000, "{\"v\":1,\"ev\":\"call\",\"svc\":\"s3\",\"op\":\"PutObject\",\"bucket\":\"b\",\"key\":\"1\",\"etag\":\"x1\"}")
		START(R2, 1714564800100000, "crawl")
		MARK(R2, 1714564800101000, "{\"v\":1,\"ev\":\"entry\",\"src\":{\"svc\":\"s3\",\"bucket\":\"b\",\"key\":\"1\",\"etag\":\"x1\"}}")
		MARK(R2, 1714564800110000, "{\"v\":1,\"ev\":\"call\",\"svc\":\"sqs\",\"op\":\"SendMessage\",\"queue\":\"q\",\"msg\":\"m\"}")
		START(R3, 1714564800200000, "index")
		MARK(R3, 1714564800201000, "{\"v\":1,\"ev\":\"entry\",\"src\":[{\"svc\":\"sqs\",\"queue\":\"q\",\"msg\":\"m\"}]}")
		MARK(R3, 1714564800210000, "{\"v\":1,\"ev\":\"call\",\"svc\":\"events\",\"op\":\"PutEvents\",\"ids\":[\"e\"]}")
		START(R4, 1714564800300000, "crawl")
		MARK(R4, 1714564800301000, "{\"v\":1,\"ev\":\"entry\",\"src\":{\"svc\":\"events\",\"id\":\"e\"}}"));

	cr_assert_eq(r.st.edges, 3, "%s", r.out);
	cr_assert_eq(r.st.cycles_broken, 0);
	cr_assert_str_eq(r.loops, "crawl -> crawl (s3);crawl -> index -> crawl (sqs, events);");
	free(r.out);
}

Test(infer, ids_that_close_a_cycle_are_dropped)
{
	/* two invocations naming each other as caller: one edge has to go */
	struct run r = run(HDR
		START(R1, 1714564800000000, "a")
		MARK(R1, 1714564800001000, "{\"v\":1,\"ev\":\"entry\",\"src\":{\"svc\":\"lambda\",\"caller\":\"" R2 "\"}}")
		START(R2, 1714564800000000, "b")
		MARK(R2, 1714564800001000, "{\"v\":1,\"ev\":\"entry\",\"src\":{\"svc\":\"lambda\",\"caller\":\"" R1 "\"}}"));

	cr_assert_eq(r.st.cycles_broken, 1, "%s", r.out);
	cr_assert_eq(r.st.edges, 1);
	free(r.out);
}

Test(infer, clock_violation_is_counted_and_kept)
{
	struct run r = run(HDR
		START(R1, 1714564800000000, "p")
		MARK(R1, 1714564802000000, "{\"v\":1,\"ev\":\"call\",\"svc\":\"sns\",\"op\":\"Publish\",\"topic\":\"t\",\"msg\":\"n\"}")
		START(R2, 1714564801000000, "c")
		MARK(R2, 1714564801001000, "{\"v\":1,\"ev\":\"entry\",\"src\":{\"svc\":\"sns\",\"topic\":\"t\",\"msg\":\"n\"}}"));

	cr_assert_eq(r.st.clock_violations, 1);
	cr_assert(line_has(edge(&r, R1, R2, "sns"), "\"confidence\":0.500"), "%s", r.out);
	free(r.out);
}

Test(infer, bad_markers_and_records_are_counted)
{
	struct run r = run(HDR
		START(R1, 1714564800000000, "p")
		MARK(R1, 1714564800001000, "{\"v\":2,\"ev\":\"entry\"}")
		MARK(R1, 1714564800002000, "{\"ev\":\"entry\"}")
		MARK(R1, 1714564800003000, "{\"v\":1,\"ev\":\"exit\"}")
		MARK(R1, 1714564800004000, "{\"v\":1,\"ev\":\"call\",\"svc\":\"s3\",\"op\":\"PutObject\"}")
		MARK(R1, 1714564800005000, "{\"v\":1,\"ev\":\"entry\",\"src\":\"s3\"}")
		MARK(R1, 1714564800006000, "{\"v\":1,\"ev\":\"call\",\"svc\":\"s3\",\"op\":\"GetObject\",\"bucket\":\"b\",\"key\":\"k\"}")
		"{\"type\":\"marker\",\"ts\":1,\"m\":{\"v\":1,\"ev\":\"entry\"}}\n"
		"{\"type\":\"start\",\"ts\":1,\"req\":\"not a request id!\"}\n"
		"{\"type\":\"start\",\"ts\":\"x\"}\n"
		"{\"type\":\"start\",\n"
		"{\"type\":\"log\",\"ts\":1,\"msg\":\"hi\"}\n"
		"{\"type\":\"new-kind\"}\n"
		"{\"type\":\"segment\",\"trace\":\"1-a\"}\n");

	cr_assert_eq(r.st.io.reason[GR_LOST_BAD_MARKER], 5);
	cr_assert_eq(r.st.io.reason[GR_SKIP_UNUSED], 2);
	cr_assert_eq(r.st.io.reason[GR_LOST_NO_REQUEST], 1);
	cr_assert_eq(r.st.io.reason[GR_LOST_BAD_RECORD], 2);
	cr_assert_eq(r.st.io.reason[GR_LOST_JSON], 1);
	cr_assert_eq(r.st.io.reason[GR_SKIP_UNKNOWN_TYPE], 1);
	cr_assert_eq(r.st.io.reason[GR_LOST_BAD_SEGMENT], 1);
	cr_assert_eq(r.st.io.records_in, 15);
	cr_assert(balanced(&r));
	cr_assert_eq(r.losses, 10);
	cr_assert_eq(r.rc, 0);
	free(r.out);
}

Test(infer, strict_stops_at_the_first_loss)
{
	struct gr_infer_opts o;

	gr_infer_opts_init(&o);
	o.strict = true;
	struct run r = run_opts(HDR START(R1, 1714564800000000, "p") "{\"type\":\n" START(R2, 1714564800000000, "p"), &o);
	cr_assert_eq(r.rc, GR_ERR_DATA);
	cr_assert_eq(r.st.io.records_in, 3);
	free(r.out);
}

Test(infer, unknown_stream_version_is_fatal)
{
	struct run r = run("{\"type\":\"gammaray-events\",\"v\":2}\n" START(R1, 1714564800000000, "p"));

	cr_assert_eq(r.rc, GR_ERR_FORMAT);
	free(r.out);
}

Test(infer, no_unmatched_records_but_counted)
{
	struct gr_infer_opts o;

	gr_infer_opts_init(&o);
	o.unmatched = false;
	struct run r = run_opts(HDR START(R1, 1714564800000000, "p")
				MARK(R1, 1714564800001000, "{\"v\":1,\"ev\":\"entry\",\"src\":{\"svc\":\"sns\",\"msg\":\"n\"}}"), &o);
	cr_assert_eq(count(&r, "\"type\":\"unmatched\""), 0);
	cr_assert_eq(r.st.unmatched_trigger[3], 1);
	free(r.out);
}

Test(infer, order_of_records_does_not_matter)
{
	FILE *f = fopen("../../fixtures/infer/markers.ndjson", "r");
	char *lines[256], buf[4096];
	size_t n = 0;

	cr_assert_not_null(f);
	while (n < 256 && fgets(buf, sizeof(buf), f))
		lines[n++] = strdup(buf);
	fclose(f);
	struct gr_buf in = GR_BUF_INIT, rev = GR_BUF_INIT;
	for (size_t i = 0; i < n; i++)
		gr_buf_adds(&in, lines[i]);
	/* the header first, then the rest backwards, every record twice */
	gr_buf_adds(&rev, lines[0]);
	for (size_t i = n; i-- > 1;) {
		gr_buf_adds(&rev, lines[i]);
		gr_buf_adds(&rev, lines[i]);
	}
	struct run a = run(in.data), b = run(rev.data);
	cr_assert_str_eq(a.out, b.out);
	cr_assert_gt(b.st.io.reason[GR_SKIP_DUPLICATE], 60);
	cr_assert(balanced(&b));
	for (size_t i = 0; i < n; i++)
		free(lines[i]);
	gr_buf_release(&in);
	gr_buf_release(&rev);
	free(a.out);
	free(b.out);
}

Test(infer, window_gives_the_same_graph_on_time_ordered_input)
{
	struct gr_buf in = GR_BUF_INIT;
	char line[512];

	gr_buf_adds(&in, HDR);
	/* a chain of 400 invocations, one every 10 s, each triggering the next by SQS */
	for (int i = 0; i < 400; i++) {
		long long t = T0 + (long long)i * 10000000;
		snprintf(line, sizeof(line),
			 "{\"type\":\"start\",\"ts\":%lld,\"req\":\"00000000-0000-4000-8000-%012d\",\"fn\":\"f%d\"}\n"
			 "{\"type\":\"marker\",\"ts\":%lld,\"req\":\"00000000-0000-4000-8000-%012d\",\"m\":"
			 "{\"v\":1,\"ev\":\"entry\",\"src\":{\"svc\":\"sqs\",\"msg\":\"m%d\"}}}\n"
			 "{\"type\":\"marker\",\"ts\":%lld,\"req\":\"00000000-0000-4000-8000-%012d\",\"m\":"
			 "{\"v\":1,\"ev\":\"call\",\"svc\":\"sqs\",\"op\":\"SendMessage\",\"msg\":\"m%d\"}}\n"
			 "{\"type\":\"report\",\"ts\":%lld,\"req\":\"00000000-0000-4000-8000-%012d\",\"dur_us\":100000}\n",
			 t, i, i % 3, t + 1000, i, i, t + 50000, i, i + 1, t + 100000, i);
		gr_buf_adds(&in, line);
	}
	struct gr_infer_opts o;
	gr_infer_opts_init(&o);
	o.window_us = 60000000;
	o.link_window_us = 60000000;
	struct run a = run(in.data), b = run_opts(in.data, &o);
	cr_assert_eq(a.st.edges, 399);
	cr_assert_eq(b.st.edges, 399);
	cr_assert_eq(b.st.invocations, 400);
	cr_assert_gt(b.st.released, 300);
	cr_assert_eq(count(&a, "\"type\":\"unmatched\""), count(&b, "\"type\":\"unmatched\""));
	/* the same records, in batches instead of one sorted run */
	cr_assert_eq(strlen(a.out), strlen(b.out));
	/* a record about an invocation long written is late */
	gr_buf_adds(&in, "{\"type\":\"report\",\"ts\":1714564800100000,\"req\":\"00000000-0000-4000-8000-000000000000\",\"dur_us\":1}\n");
	struct run c = run_opts(in.data, &o);
	cr_assert_eq(c.st.late, 1);
	cr_assert(balanced(&c));
	gr_buf_release(&in);
	free(a.out);
	free(b.out);
	free(c.out);
}

Test(infer, durations)
{
	int64_t us;

	cr_assert_eq(gr_duration_parse("250ms", &us), 0);
	cr_assert_eq(us, 250000);
	cr_assert_eq(gr_duration_parse("1.5s", &us), 0);
	cr_assert_eq(us, 1500000);
	cr_assert_eq(gr_duration_parse("15m", &us), 0);
	cr_assert_eq(us, 900000000);
	cr_assert_eq(gr_duration_parse("2", &us), 0);
	cr_assert_eq(us, 2000000);
	cr_assert_eq(gr_duration_parse("3d", &us), 0);
	cr_assert_eq(gr_duration_parse("7us", &us), 0);
	cr_assert_eq(us, 7);
	cr_assert_neq(gr_duration_parse("", &us), 0);
	cr_assert_neq(gr_duration_parse("5x", &us), 0);
	cr_assert_neq(gr_duration_parse("-5s", &us), 0);
	cr_assert_neq(gr_duration_parse("ms", &us), 0);
}

/* The whole file, as a string. */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	struct gr_buf b = GR_BUF_INIT;
	char buf[4096];
	size_t n;

	cr_assert_not_null(f, "%s", path);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		gr_buf_add(&b, buf, n);
	fclose(f);
	gr_buf_addc(&b, '\0');
	return gr_buf_detach(&b, NULL);
}

#define B(n) "bbbbbbbb-0000-4000-8000-00000000000" #n

Test(infer, xray_parent_chains_links_and_roots)
{
	char *in = slurp("../../fixtures/infer/xray.ndjson");
	struct run r = run(in);

	/* sync Invoke subsegment -> callee: sync, caused at the call's start */
	cr_assert(line_has(edge(&r, B(1), B(2), "lambda"),
			   "\"sync\":true,\"evidence\":\"xray-parent\",\"key\":\"a000000000000005\","
			   "\"confidence\":1.000,\"cause_us\":1714564800200000"), "%s", r.out);
	/* through the inferred SNS topic segment to the Publish subsegment */
	cr_assert(line_has(edge(&r, B(1), B(3), "sns"), "\"sync\":false,\"evidence\":\"xray-parent\""));
	/* an Event Invoke naming its callee, whose own segment is not in the input */
	cr_assert(line_has(edge(&r, B(1), B(4), "lambda"), "\"sync\":false,\"evidence\":\"xray-call\""));
	/* SQS span link (reference parent) on the consumer */
	cr_assert(line_has(edge(&r, B(1), B(5), "sqs"), "\"evidence\":\"xray-link\""));
	/* EventBridge through its inferred segment; a child link from the producer */
	cr_assert_not_null(edge(&r, B(1), B(6), "events"));
	cr_assert(line_has(edge(&r, B(1), B(7), "events"), "\"evidence\":\"xray-link\""));
	/* API Gateway is a root; a missing parent and a missing link are unmatched */
	cr_assert_eq(count(&r, "\"to\":\"" B(8) "\""), 0);
	cr_assert_eq(r.st.unmatched_xray, 2);
	cr_assert_eq(r.st.edges, 6);
	/* invocations seen only by X-Ray: status from the function segment's fault */
	cr_assert(line_has(node(&r, B(2)), "\"status\":\"error\""));
	cr_assert(line_has(node(&r, B(2)), "\"start_us\":1714564800210000,\"end_us\":1714564800390000"));
	/* the in-progress copy is replaced by the complete one; the third is a duplicate */
	cr_assert(line_has(node(&r, B(7)), "\"end_us\":1714564801300000"));
	cr_assert_eq(r.st.io.reason[GR_SKIP_DUPLICATE], 1);
	cr_assert_eq(r.st.io.reason[GR_LOST_BAD_SEGMENT], 1);
	cr_assert(balanced(&r));
	free(in);
	free(r.out);
}

/* X-Ray and W3C trace ids, and span ids, compared in one form: lower-case hex. */
Test(infer, trace_and_id_normal_forms)
{
	char out[33];
	struct gr_str t;

	t = gr_inf_trace_norm((struct gr_str){ "1-66322EC0-2fe2a02ab9e5e0148cf2D3EF", 35 }, out);
	cr_assert_eq(t.n, 32);
	cr_assert_str_eq(t.p, "66322ec02fe2a02ab9e5e0148cf2d3ef");
	t = gr_inf_trace_norm((struct gr_str){ "66322EC02fe2a02ab9e5e0148cf2D3EF", 32 }, out);
	cr_assert_str_eq(t.p, "66322ec02fe2a02ab9e5e0148cf2d3ef");
	const char *bad[] = { "1-66322ec0-2fe2a02ab9e5e0148cf2d3eg", "66322ec02fe2a02ab9e5e0148cf2d3e-",
			      "2-66322ec0-2fe2a02ab9e5e0148cf2d3ef", "abc" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct gr_str in = { bad[i], strlen(bad[i]) };
		t = gr_inf_trace_norm(in, out);
		cr_assert(t.p == in.p && t.n == in.n, "%s", bad[i]);
	}
	struct gr_str low = { "40342a61cace34ce", 16 };
	t = gr_inf_id_norm(low, out);
	cr_assert(t.p == low.p, "already lower case: kept");
	t = gr_inf_id_norm((struct gr_str){ "40342A61CACE34CE", 16 }, out);
	cr_assert(t.p == out && t.n == 16);
	cr_assert_str_eq(out, "40342a61cace34ce");
	struct gr_str notid = { "40342A61CACE34CX", 16 };
	t = gr_inf_id_norm(notid, out);
	cr_assert(t.p == notid.p, "not hex: kept as it is");
}

/* Members of a record's objects: read once, asked for many times; the last of a
 * repeated key counts; members past those remembered are still found. */
Test(infer, object_members_read_once)
{
	struct gr_infer_opts o;
	struct gr_infer *inf;
	struct gr_error err = { 0 };
	struct gr_buf big = GR_BUF_INIT;
	static const char *const names[] = { "svc", "op", "far", "none" };
	struct gr_jv v[4];

	gr_infer_opts_init(&o);
	o.write = to_buf;
	o.write_ctx = &big;
	cr_assert_eq(gr_infer_new(&inf, &o, &err), 0);
	gr_buf_adds(&big, "{\"svc\":\"s3\",\"op\":\"Get\"");
	/* members 2..23, then "far" first past the 24 remembered, then more */
	for (int i = 2; i < 24; i++)
		gr_buf_addf(&big, ",\"k%d\":[%d,{\"x\":\"y\"}]", i, i);
	gr_buf_adds(&big, ",\"far\":7");
	for (int i = 25; i < 40; i++)
		gr_buf_addf(&big, ",\"k%d\":%d", i, i);
	gr_buf_adds(&big, ",\"op\":\"Put\"}");
	const char *small = "{\"svc\":\"sns\",\"op\":\"Publish\"}", *other = "{\"far\":1}";
	struct gr_str objs[] = { { big.data, big.len }, { small, strlen(small) },
				 { other, strlen(other) } };
	for (int round = 0; round < 3; round++) {
		for (size_t i = 0; i < 3; i++) {
			cr_assert(gr_inf_obj_fields(inf, objs[i], names, 4, v));
			cr_assert_eq(v[3].t, GR_JT_NONE);
			if (i == 0) {
				cr_assert(gr_jv_is(&v[0], "s3", 2));
				cr_assert(gr_jv_is(&v[1], "Put", 3), "the last op counts");
				cr_assert(v[2].t == GR_JT_NUM && v[2].n == 1 && v[2].p[0] == '7');
			} else if (i == 1) {
				cr_assert(gr_jv_is(&v[0], "sns", 3) && gr_jv_is(&v[1], "Publish", 7));
				cr_assert_eq(v[2].t, GR_JT_NONE);
			} else {
				cr_assert(v[0].t == GR_JT_NONE && v[2].t == GR_JT_NUM);
			}
		}
		gr_inf_objs_clear(inf);
	}
	cr_assert(!gr_inf_obj_fields(inf, (struct gr_str){ "[1]", 3 }, names, 4, v));
	gr_buf_release(&big);
	gr_infer_free(inf);
}
