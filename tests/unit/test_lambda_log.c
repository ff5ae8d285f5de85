/* test_lambda_log.c: Lambda log lines of every runtime and format. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <string.h>

#include "gammaray.h"
#include "fetch/lambda_log.h"

static bool str_is(struct gr_str s, const char *want)
{
	return s.n == strlen(want) && (!s.n || !memcmp(s.p, want, s.n));
}

#define RID "f08bb4c8-d6b2-4f05-ac17-af7e2ba005fb"

/* One text line and what it must say (arrays: Criterion re-executes tests). */
struct line_case {
	char in[400];
	enum gr_line_kind kind;
	char req[48];
	char level[12];
	bool marker;
	enum gr_status status;
};

ParameterizedTestParameters(lambda_log, kinds)
{
	static struct line_case cases[] = {
		{ "START RequestId: " RID " Version: $LATEST\n", GR_LINE_START, RID, "", false, 0 },
		{ "END RequestId: " RID "\n", GR_LINE_END, RID, "", false, 0 },
		{ "REPORT RequestId: " RID "\tDuration: 619.31 ms\tBilled Duration: 700 ms\t"
		  "Memory Size: 128 MB\tMax Memory Used: 118 MB\t\n", GR_LINE_REPORT, RID, "", false, 0 },
		{ "REPORT RequestId: " RID "\tDuration: 3003.16 ms\tBilled Duration: 3000 ms\t"
		  "Memory Size: 128 MB\tMax Memory Used: 30 MB\tStatus: timeout",
		  GR_LINE_REPORT, RID, "", false, GR_STATUS_TIMEOUT },
		{ "INIT_START Runtime Version: python:3.9.v18\tRuntime Version ARN: arn:x",
		  GR_LINE_INIT_START, "", "", false, 0 },
		{ "INIT_REPORT Init Duration: 154.03 ms\tPhase: init\tStatus: error\t"
		  "Error Type: Runtime.ExitError", GR_LINE_INIT_REPORT, "", "", false, GR_STATUS_ERROR },
		{ "EXTENSION Name: datadog-agent State: Ready Events: [INVOKE, SHUTDOWN]",
		  GR_LINE_PLATFORM, "", "", false, 0 },
		{ "RESTORE_START Runtime Version: java:11.v15", GR_LINE_RESTORE_START, "", "", false, 0 },
		{ "XRAY TraceId: 1-5e61292c-cc1229a4dfbeae1043928548\tSegmentId: 07a85e713f6302b2\t"
		  "Sampled: true", GR_LINE_XRAY, "", "", false, 0 },
		{ "2020-03-05T16:30:36.113Z\t" RID "\tINFO\thello", GR_LINE_APP, RID, "INFO", false, 0 },
		{ "2019-06-07T19:11:20.562Z\t" RID "\told node without level", GR_LINE_APP, RID, "",
		  false, 0 },
		{ "[INFO]\t2020-01-31T22:12:58.534Z\t" RID "\tGAMMARAY {\"v\":1,\"ev\":\"call\"}",
		  GR_LINE_APP, RID, "INFO", true, 0 },
		{ "[WARNING]\t2026-04-24T17:39:52.929Z\t\tLAMBDA_WARNING: Unhandled exception",
		  GR_LINE_APP, "", "WARNING", false, 0 },
		{ "[ERROR] Runtime.ImportModuleError: Unable to import module 'app': No module\n"
		  "Traceback (most recent call last):", GR_LINE_FAULT, "", "ERROR", false,
		  GR_STATUS_ERROR },
		{ "2022-03-14T21:31:36.819Z\t" RID "\tERROR\tInvoke Error \t{\"errorType\":\"Error\","
		  "\"errorMessage\":\"boom\"}", GR_LINE_FAULT, RID, "ERROR", false, GR_STATUS_ERROR },
		{ "2020-06-09T15:02:26.150Z " RID " Task timed out after 3.00 seconds",
		  GR_LINE_FAULT, RID, "", false, GR_STATUS_TIMEOUT },
		{ "2020-06-09T15:02:26.150Z\t" RID "\tERROR\tdownstream said: Task timed out after 3.00 seconds",
		  GR_LINE_APP, RID, "ERROR", false, 0 },
		{ "RequestId: " RID " Process exited before completing request", GR_LINE_FAULT, RID,
		  "", false, GR_STATUS_ERROR },
		{ "RequestId: " RID " Error: Runtime exited with error: signal: killed\nRuntime.ExitError",
		  GR_LINE_FAULT, RID, "", false, GR_STATUS_ERROR },
		{ "I, [2019-10-26T10:04:01.689856 #8]  INFO 6573a3a0-2fb1-4e78-a582-2c769282e0bd -- : "
		  "Hello", GR_LINE_APP, "6573a3a0-2fb1-4e78-a582-2c769282e0bd", "INFO", false, 0 },
		{ "2020-03-18 08:52:43 6bc28136-xmpl-4365-b021-0ce6b2e64ab0 INFO  Handler - CONTEXT:",
		  GR_LINE_APP, "6bc28136-xmpl-4365-b021-0ce6b2e64ab0", "INFO", false, 0 },
		{ "2020/03/27 03:40:05 EVENT: {", GR_LINE_APP, "", "", false, 0 },
		{ "GAMMARAY {\"v\":1,\"ev\":\"entry\",\"fn\":\"x\"}", GR_LINE_APP, "", "", true, 0 },
		{ "the word GAMMARAY without an object", GR_LINE_APP, "", "", false, 0 },
		{ "START RequestId: not/a/request Version: $LATEST", GR_LINE_BAD, "", "", false, 0 },
		{ "REPORT RequestId: " RID "\tBilled Duration: 700 ms", GR_LINE_BAD, RID, "", false, 0 },
		/* a fixture artefact: literal backslash-escapes instead of tabs */
		{ "END RequestId: " RID "\\n", GR_LINE_END, RID, "", false, 0 },
	};
	return cr_make_param_array(struct line_case, cases, sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct line_case *c, lambda_log, kinds)
{
	struct gr_lambda_line l;

	gr_lambda_parse_text(c->in, strlen(c->in), &l);
	cr_assert_eq(l.kind, c->kind, "%s: kind %d", c->in, l.kind);
	if (c->kind != GR_LINE_BAD)
		cr_assert(str_is(l.req, c->req), "%s: req '%.*s'", c->in, (int)l.req.n, l.req.p);
	cr_assert(str_is(l.level, c->level), "%s: level '%.*s'", c->in, (int)l.level.n, l.level.p);
	cr_assert_eq(l.marker, c->marker, "%s", c->in);
	cr_assert_eq(l.status, c->status, "%s: status %d", c->in, l.status);
}

Test(lambda_log, report_fields)
{
	const char *s = "REPORT RequestId: " RID "\tDuration: 619.31 ms\tBilled Duration: 700 ms \t"
			"Memory Size: 128 MB\tMax Memory Used: 118 MB\tInit Duration: 127.02 ms\t\n"
			"XRAY TraceId: 1-5e61292c-cc1229a4dfbeae1043928548\tSegmentId: 07a85e713f6302b2\t"
			"Sampled: true\t\n";
	struct gr_lambda_line l;

	gr_lambda_parse_text(s, strlen(s), &l);
	cr_assert_eq(l.kind, GR_LINE_REPORT);
	cr_assert_eq(l.dur_us, 619310);
	cr_assert_eq(l.billed_us, 700000);
	cr_assert_eq(l.mem_mb, 128);
	cr_assert_eq(l.maxmem_mb, 118);
	cr_assert_eq(l.init_us, 127020);
	cr_assert(str_is(l.trace, "1-5e61292c-cc1229a4dfbeae1043928548"));
	cr_assert(str_is(l.segment, "07a85e713f6302b2"));
	cr_assert_eq(l.sampled, 1);
}

Test(lambda_log, report_with_spaces_as_in_the_docs)
{
	const char *s = "REPORT RequestId: 3604209a-e9a3-11e6-939a-754dd98c7be3  Duration: 2.16 ms  "
			"Billed Duration: 3 ms Memory Size: 128 MB Max Memory Used: 56 MB  "
			"Init Duration: 113.51 ms";
	struct gr_lambda_line l;

	gr_lambda_parse_text(s, strlen(s), &l);
	cr_assert_eq(l.kind, GR_LINE_REPORT);
	cr_assert_eq(l.dur_us, 2160);
	cr_assert_eq(l.billed_us, 3000);
	cr_assert_eq(l.init_us, 113510);
	cr_assert_eq(l.maxmem_mb, 56);
}

/* issue 14: "Billed Restore Duration" used to overwrite the restore duration */
Test(lambda_log, snapstart_lines)
{
	const char *rep = "REPORT RequestId: dfdd669e-d1d5-48a7-9fbf-9247b567555a Duration: 98.35 ms "
			  "Billed Duration: 175 ms Memory Size: 3538 MB Max Memory Used: 157 MB "
			  "Restore Duration: 422.92 ms Billed Restore Duration: 76 ms";
	const char *rs = "RESTORE_START Runtime Version: java:21.v38 Runtime Version ARN: "
			 "arn:aws:lambda:ap-southeast-2::runtime:81e4";
	const char *rr = "RESTORE_REPORT Restore Duration: 1236.04 ms Status: timeout";
	struct gr_lambda_line l;

	gr_lambda_parse_text(rep, strlen(rep), &l);
	cr_assert_eq(l.kind, GR_LINE_REPORT);
	cr_assert_eq(l.restore_us, 422920);
	cr_assert_eq(l.billed_restore_us, 76000);
	cr_assert_eq(l.billed_us, 175000);
	cr_assert_eq(l.dur_us, 98350);
	gr_lambda_parse_text(rs, strlen(rs), &l);
	cr_assert_eq(l.kind, GR_LINE_RESTORE_START);
	cr_assert(str_is(l.runtime, "java:21.v38"));
	gr_lambda_parse_text(rr, strlen(rr), &l);
	cr_assert_eq(l.kind, GR_LINE_RESTORE_REPORT);
	cr_assert_eq(l.restore_us, 1236040);
	cr_assert_eq(l.status, GR_STATUS_TIMEOUT);
}

Test(lambda_log, timeout_detail)
{
	const char *s = "2020-06-09T15:02:26.150Z 7c9567b5-107b-4a6c-8798-0157ac21db52 Task timed out after 5.01 seconds\n\n";
	struct gr_lambda_line l;

	gr_lambda_parse_text(s, strlen(s), &l);
	cr_assert_eq(l.kind, GR_LINE_FAULT);
	cr_assert_eq(l.timeout_us, 5010000);
	cr_assert(str_is(l.detail, "Task timed out after 5.01 seconds"));
	cr_assert_eq(l.ts, 1591714946150000);
}

static struct gr_buf dec = GR_BUF_INIT;

static struct gr_lambda_line parse_json(const char *text)
{
	struct gr_lambda_line l;

	cr_assert(gr_lambda_parse_json(text, strlen(text), &dec, &l), "%s", text);
	return l;
}

Test(lambda_log, json_platform_records)
{
	struct gr_lambda_line l;

	l = parse_json("{\"time\":\"2024-05-20T16:29:45.008Z\",\"type\":\"platform.start\",\"record\":"
		       "{\"requestId\":\"4b142fc3-17b8-4cdb-a46b-a8dbe7918715\",\"version\":\"$LATEST\","
		       "\"tracing\":{\"spanId\":\"24cd7d670fa455f0\",\"type\":\"X-Amzn-Trace-Id\","
		       "\"value\":\"Root=1-6352a70e-1e2c502e358361800241fd45;Parent=35465b3a9e2f7c6a;Sampled=1\"}}}");
	cr_assert_eq(l.kind, GR_LINE_START);
	cr_assert(str_is(l.req, "4b142fc3-17b8-4cdb-a46b-a8dbe7918715"));
	cr_assert(str_is(l.trace, "1-6352a70e-1e2c502e358361800241fd45"));
	cr_assert_eq(l.sampled, 1);
	cr_assert_eq(l.ts, 1716222585008000);

	l = parse_json("{\"time\":\"2024-05-20T16:29:45.022Z\",\"type\":\"platform.report\",\"record\":"
		       "{\"requestId\":\"4b142fc3-17b8-4cdb-a46b-a8dbe7918715\",\"status\":\"timeout\","
		       "\"metrics\":{\"durationMs\":11.642,\"billedDurationMs\":12,\"memorySizeMB\":128,"
		       "\"maxMemoryUsedMB\":67,\"initDurationMs\":174.055}}}");
	cr_assert_eq(l.kind, GR_LINE_REPORT);
	cr_assert_eq(l.dur_us, 11642);
	cr_assert_eq(l.billed_us, 12000);
	cr_assert_eq(l.init_us, 174055);
	cr_assert_eq(l.status, GR_STATUS_TIMEOUT);

	l = parse_json("{\"time\":\"2024-05-20T16:29:44.833Z\",\"type\":\"platform.initStart\",\"record\":"
		       "{\"initializationType\":\"on-demand\",\"phase\":\"init\",\"runtimeVersion\":\"nodejs:18.v28\","
		       "\"functionName\":\"ColdStartPerf\",\"functionVersion\":\"$LATEST\"}}");
	cr_assert_eq(l.kind, GR_LINE_INIT_START);
	cr_assert(str_is(l.fn, "ColdStartPerf"));

	/* SnapStart records (Telemetry API schema: restoreStart, restoreRuntimeDone,
	 * restoreReport with metrics.durationMs) */
	l = parse_json("{\"time\":\"2022-10-12T00:00:15.064Z\",\"type\":\"platform.restoreStart\","
		       "\"record\":{\"runtimeVersion\":\"java:17.v13\",\"functionName\":\"snap\","
		       "\"functionVersion\":\"3\"}}");
	cr_assert_eq(l.kind, GR_LINE_RESTORE_START);
	cr_assert(str_is(l.fn, "snap"));
	cr_assert(str_is(l.version, "3"));
	l = parse_json("{\"time\":\"2022-10-12T00:00:15.064Z\",\"type\":\"platform.restoreRuntimeDone\","
		       "\"record\":{\"status\":\"failure\",\"errorType\":\"Runtime.ExitError\"}}");
	cr_assert_eq(l.kind, GR_LINE_RESTORE_DONE);
	cr_assert_eq(l.status, GR_STATUS_ERROR);
	l = parse_json("{\"time\":\"2022-10-12T00:00:15.064Z\",\"type\":\"platform.restoreReport\","
		       "\"record\":{\"status\":\"success\",\"metrics\":{\"durationMs\":15.19}}}");
	cr_assert_eq(l.kind, GR_LINE_RESTORE_REPORT);
	cr_assert_eq(l.restore_us, 15190);
	cr_assert_eq(l.dur_us, -1);
	l = parse_json("{\"time\":\"2024-11-04T09:12:00.851Z\",\"type\":\"platform.report\",\"record\":"
		       "{\"requestId\":\"" RID "\",\"metrics\":{\"durationMs\":147.2,"
		       "\"restoreDurationMs\":500.8}}}");
	cr_assert_eq(l.dur_us, 147200);
	cr_assert_eq(l.restore_us, 500800);

	l = parse_json("{\"time\":\"2022-06-23T18:14:45.494Z\",\"type\":\"function\",\"record\":"
		       "\"2022-06-23T18:14:45.494Z\\t" RID "\\tINFO\\tAfter sleep\\n\"}");
	cr_assert_eq(l.kind, GR_LINE_APP);
	cr_assert(str_is(l.req, RID));
}

Test(lambda_log, json_application_records)
{
	struct gr_lambda_line l;

	l = parse_json("{\"timestamp\":\"2024-05-20T16:29:45.009Z\",\"level\":\"INFO\",\"requestId\":\""
		       RID "\",\"message\":\"GAMMARAY {\\\"v\\\":1,\\\"ev\\\":\\\"entry\\\"}\"}");
	cr_assert_eq(l.kind, GR_LINE_APP);
	cr_assert(l.marker);
	cr_assert(str_is(l.req, RID));

	/* Python's unhandled error record uses log_level */
	l = parse_json("{\"timestamp\":\"2024-05-20T16:29:45Z\",\"log_level\":\"ERROR\",\"errorMessage\":"
		       "\"name 'x' is not defined\",\"errorType\":\"NameError\",\"requestId\":\"" RID "\","
		       "\"stackTrace\":[]}");
	cr_assert_eq(l.kind, GR_LINE_FAULT);
	cr_assert(str_is(l.error_type, "NameError"));

	cr_assert(!gr_lambda_parse_json("{\"errorMessage\":\"x\",\"errorType\":\"Y\"}", 33, &dec, &l));
	cr_assert(!gr_lambda_parse_json("{\"time\":\"x\"", 11, &dec, &l), "not JSON");
	/* escaped strings come back decoded */
	l = parse_json("{\"timestamp\":\"2024-05-20T16:29:45Z\",\"level\":\"INFO\",\"message\":\"caf\\u00e9 \\\"q\\\"\"}");
	cr_assert(str_is(l.msg, "caf\xc3\xa9 \"q\""), "%.*s", (int)l.msg.n, l.msg.p);
}

Test(lambda_log, request_ids_and_markers)
{
	cr_assert(gr_is_request_id(RID, strlen(RID)));
	cr_assert(gr_is_request_id("d1cf0ccb-xmpl-46e6-950d-04c96c9b1c5d", 36));
	cr_assert(!gr_is_request_id("", 0));
	cr_assert(!gr_is_request_id("a b", 3));
	const char *m = "x GAMMARAY  {\"v\":1}";
	cr_assert_eq(gr_marker_find(m, strlen(m)), m + 12);
	cr_assert_null(gr_marker_find("GAMMARAY: {}", 12));
}
