/* test_jaeger.c: Jaeger JSON and OTLP/JSON traces read by gammaray-fetch into segment records. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gammaray.h"
#include "buf.h"

static int to_buf(void *ctx, const char *p, size_t n)
{
	return gr_buf_add(ctx, p, n);
}

/* Fetch one document given as text; the events in out, the counts in st. */
static void fetch_text(const char *doc, struct gr_buf *out, struct gr_stats *st)
{
	char path[] = "/tmp/gammaray-jaeger-XXXXXX";
	struct gr_fetch_opts o;
	struct gr_error err = { 0 };
	int fd = mkstemp(path);

	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, doc, strlen(doc)), (ssize_t)strlen(doc));
	close(fd);
	struct gr_fetch_input in = { path, NULL };
	gr_fetch_opts_init(&o);
	o.write = to_buf;
	o.write_ctx = out;
	gr_buf_reset(out);
	cr_assert_eq(gr_fetch(&o, &in, 1, st, &err), 0, "%s", err.msg);
	unlink(path);
	cr_assert(gr_stats_balanced(st));
}

/* The n-th line (0: the header) of the event stream, without its newline. */
static const char *line(const struct gr_buf *b, int n, char *out, size_t size)
{
	const char *p = b->data ? b->data : "";

	for (; n > 0 && p; n--) {
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
	}
	cr_assert(p && *p, "no line %d", n);
	size_t k = strcspn(p, "\n");
	cr_assert_lt(k, size);
	memcpy(out, p, k);
	out[k] = '\0';
	return out;
}

Test(jaeger, parent_prefers_child_of_and_other_traces_are_links)
{
	struct gr_buf b = GR_BUF_INIT;
	struct gr_stats st;
	char l[1024];

	fetch_text("{\"traceID\":\"t1\",\"processes\":{\"p\":{\"serviceName\":\"svc\"}},\"spans\":["
		   "{\"spanID\":\"a\",\"operationName\":\"root\",\"startTime\":10,\"duration\":90,\"processID\":\"p\"},"
		   "{\"spanID\":\"b\",\"operationName\":\"op\",\"startTime\":20,\"duration\":10,\"processID\":\"p\","
		   "\"references\":[{\"refType\":\"FOLLOWS_FROM\",\"spanID\":\"x\"},"
		   "{\"refType\":\"CHILD_OF\",\"traceID\":\"other\",\"spanID\":\"y\"},"
		   "{\"refType\":\"CHILD_OF\",\"spanID\":\"a\"}],"
		   "\"tags\":[{\"key\":\"span.kind\",\"value\":\"Client\"},{\"key\":\"error\",\"value\":\"true\"},"
		   "{\"key\":\"http.status_code\",\"value\":\"503\"}]}]}",
		   &b, &st);
	cr_assert_eq(st.records_in, 2);
	cr_assert_eq(st.records_out, 2);
	cr_assert_str_eq(line(&b, 2, l, sizeof(l)),
			 "{\"type\":\"segment\",\"trace\":\"t1\",\"id\":\"b\",\"parent\":\"a\",\"name\":\"op\","
			 "\"svc\":\"svc\",\"kind\":\"client\",\"start_us\":20,\"end_us\":30,\"http\":503,"
			 "\"error\":true,\"links\":[{\"trace\":\"other\",\"id\":\"y\",\"ref\":\"child_of\"}]}");
	gr_buf_release(&b);
}

Test(jaeger, follows_from_only_is_a_parent_with_ref)
{
	struct gr_buf b = GR_BUF_INIT;
	struct gr_stats st;
	char l[1024];

	fetch_text("{\"data\":[{\"traceID\":\"t\",\"spans\":[{\"traceID\":\"t\",\"spanID\":\"c\","
		   "\"operationName\":\"o\",\"startTime\":5,\"duration\":0,"
		   "\"references\":[{\"refType\":\"FOLLOWS_FROM\",\"traceID\":\"t\",\"spanID\":\"p\"}],"
		   "\"process\":{\"serviceName\":\"inline\"}}]}]}",
		   &b, &st);
	cr_assert_str_eq(line(&b, 1, l, sizeof(l)),
			 "{\"type\":\"segment\",\"trace\":\"t\",\"id\":\"c\",\"parent\":\"p\",\"name\":\"o\","
			 "\"svc\":\"inline\",\"ref\":\"follows_from\",\"start_us\":5,\"end_us\":5}");
	gr_buf_release(&b);
}

Test(jaeger, answers_without_traces_are_skipped_bad_spans_lost)
{
	struct gr_buf b = GR_BUF_INIT;
	struct gr_stats st;

	fetch_text("{\"data\":[],\"total\":0,\"limit\":0,\"offset\":0,\"errors\":null}", &b, &st);
	cr_assert_eq(st.records_in, 1);
	cr_assert_eq(st.reason[GR_SKIP_NOT_TRACE], 1);
	cr_assert_eq(gr_stats_lost(&st), 0);
	fetch_text("{\"data\":null,\"errors\":[{\"code\":404,\"msg\":\"trace not found\"}]}", &b, &st);
	cr_assert_eq(st.reason[GR_SKIP_NOT_TRACE], 1);
	fetch_text("{\"traceID\":\"t\",\"spans\":[{\"spanID\":\"a\",\"startTime\":\"10\"},7,"
		   "{\"spanID\":\"b\",\"startTime\":10,\"duration\":-1}]}",
		   &b, &st);
	cr_assert_eq(st.records_in, 3);
	cr_assert_eq(st.reason[GR_LOST_BAD_SEGMENT], 3);
	/* "data" that holds something else is not Jaeger's */
	fetch_text("{\"data\":[1,2]}", &b, &st);
	cr_assert_eq(st.reason[GR_LOST_UNKNOWN_DOC], 1);
	gr_buf_release(&b);
}

Test(jaeger, otlp_kinds_times_ids_and_links)
{
	struct gr_buf b = GR_BUF_INIT;
	struct gr_stats st;
	char l[1024];

	fetch_text("{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\","
		   "\"value\":{\"stringValue\":\"api\"}}]},\"scopeSpans\":[{\"spans\":["
		   "{\"traceId\":\"W47/95gDgQPSabYzgT/GDA==\",\"spanId\":\"qrvM3e7/ABE=\","
		   "\"parentSpanId\":\"0000000000000000\",\"name\":\"GET\",\"kind\":\"SPAN_KIND_SERVER\","
		   "\"startTimeUnixNano\":\"1714564800000001999\",\"endTimeUnixNano\":1714564800000900000,"
		   "\"status\":{\"code\":\"STATUS_CODE_ERROR\"},"
		   "\"links\":[{\"traceId\":\"0af7651916cd43dd8448eb211c80319c\",\"spanId\":\"b7ad6b7169203331\"}],"
		   "\"attributes\":[{\"key\":\"http.status_code\",\"value\":{\"intValue\":\"500\"}}]},"
		   "{\"traceId\":\"5b8efff798038103d269b633813fc60c\",\"spanId\":\"1\",\"name\":\"x\","
		   "\"kind\":5,\"startTimeUnixNano\":\"20\",\"endTimeUnixNano\":\"10\"}"
		   "]}]}]}",
		   &b, &st);
	cr_assert_eq(st.records_in, 2);
	cr_assert_eq(st.reason[GR_LOST_BAD_SEGMENT], 1); /* ends before it starts */
	cr_assert_str_eq(line(&b, 1, l, sizeof(l)),
			 "{\"type\":\"segment\",\"trace\":\"5b8efff798038103d269b633813fc60c\","
			 "\"id\":\"aabbccddeeff0011\",\"name\":\"GET\",\"svc\":\"api\",\"kind\":\"server\","
			 "\"start_us\":1714564800000001,\"end_us\":1714564800000900,\"http\":500,"
			 "\"error\":true,\"links\":[{\"trace\":\"0af7651916cd43dd8448eb211c80319c\","
			 "\"id\":\"b7ad6b7169203331\"}]}");
	fetch_text("{\"resourceSpans\":[]}", &b, &st);
	cr_assert_eq(st.reason[GR_SKIP_NOT_TRACE], 1);
	gr_buf_release(&b);
}
