/* test_otel.c: OpenTelemetry spans: aws/spans records read by gammaray-fetch, spans made into invocations and edges by gammaray-infer. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gammaray.h"
#include "common/buf.h"
#include "stats_line.h"

static int to_buf(void *ctx, const char *p, size_t n)
{
	return gr_buf_add(ctx, p, n);
}

/* Single quotes to double quotes, in a copy. */
static char *q(const char *s)
{
	char *d = strdup(s);

	cr_assert_not_null(d);
	for (char *p = d; *p; p++)
		if (*p == '\'')
			*p = '"';
	return d;
}

/* Fetch text (single quotes) from a file: the events in out, the counts in st. */
static void fetch_text(const char *text, struct gr_buf *out, struct gr_stats *st)
{
	char path[] = "/tmp/gammaray-otel-XXXXXX";
	struct gr_fetch_opts o;
	struct gr_error err = { 0 };
	char *d = q(text);
	int fd = mkstemp(path);

	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, d, strlen(d)), (ssize_t)strlen(d));
	close(fd);
	struct gr_fetch_input in = { path, NULL };
	gr_fetch_opts_init(&o);
	o.write = to_buf;
	o.write_ctx = out;
	gr_buf_reset(out);
	cr_assert_eq(gr_fetch(&o, &in, 1, st, &err), 0, "%s", err.msg);
	unlink(path);
	free(d);
	cr_assert(gr_stats_balanced(st));
	strip_fetch_stats(out);
}

/* One aws/spans record as an export line, and the segment record expected. */
struct span_case {
	const char *record; /* single quotes */
	const char *segment;/* single quotes, without the header */
};

static const struct span_case span_cases[] = {
	/* kind by name, numbers, ids lower-cased, request id */
	{ "{'resource':{'attributes':{'service.name':'w','faas.name':'w'}},'traceId':'AB00000000000000000000000000000C',"
	  "'spanId':'00000000000000AA','parentSpanId':'','name':'w','kind':'SERVER',"
	  "'startTimeUnixNano':1000000,'endTimeUnixNano':3000000,"
	  "'attributes':{'faas.invocation_id':'r-1','faas.coldstart':true},'status':{'code':'UNSET'}}",
	  "{'type':'segment','trace':'ab00000000000000000000000000000c','id':'00000000000000aa',"
	  "'name':'w','svc':'w','kind':'server','start_us':1000,'end_us':3000,'req':'r-1',"
	  "'fn':'w','cold':true}" },
	/* OTLP's kind name, string times, ERROR status, list attributes */
	{ "{'traceId':'ab','spanId':'cd','kind':'SPAN_KIND_PRODUCER','startTimeUnixNano':'5000',"
	  "'endTimeUnixNano':'7000','status':{'code':'ERROR'},'attributes':[{'key':'rpc.system',"
	  "'value':{'stringValue':'aws-api'}},{'key':'rpc.method','value':{'stringValue':'Publish'}},"
	  "{'key':'rpc.service','value':{'stringValue':'SNS'}}]}",
	  "{'type':'segment','trace':'ab','id':'cd','kind':'producer','start_us':5,'end_us':7,"
	  "'op':'Publish','error':true,'rpc':'SNS'}" },
	/* a number kind, the end from durationNano, links with message ids, tables */
	{ "{'traceId':'ab','spanId':'ef','kind':5,'startTimeUnixNano':2000,'durationNano':3000,"
	  "'attributes':{'aws.dynamodb.table_names':['T1','T2'],'aws.s3.bucket':'b','aws.s3.key':'k'},"
	  "'links':[{'traceId':'AA','spanId':'BB','attributes':{'messaging.message.id':'m-1'}},"
	  "{'traceId':'aa'}]}",
	  "{'type':'segment','trace':'ab','id':'ef','kind':'consumer','start_us':2,'end_us':5,"
	  "'table':'T1','bucket':'b','s3key':'k','links':[{'trace':'aa','id':'bb','msg_id':'m-1'}]}" },
	/* a Lambda resource named by its ARN; the Invoke's callee */
	{ "{'resource':{'attributes':{'cloud.resource_id':'arn:aws:lambda:r:1:function:fx:live'}},"
	  "'traceId':'ab','spanId':'01','kind':'CLIENT','startTimeUnixNano':1000,"
	  "'endTimeUnixNano':1000,'attributes':{'rpc.system':'aws-api','rpc.method':'Invoke',"
	  "'faas.invoked_name':'callee','aws.request_id':'r-2'}}",
	  "{'type':'segment','trace':'ab','id':'01','kind':'client','start_us':1,'end_us':1,"
	  "'req':'r-2','op':'Invoke','fn':'fx','invoked':'callee'}" },
};

/* Indices into span_cases (parameters are copied into each test's process). */
static size_t span_ix[] = { 0, 1, 2, 3 };

ParameterizedTestParameters(aws_spans, records)
{
	cr_assert_eq(sizeof(span_ix) / sizeof(span_ix[0]), sizeof(span_cases) / sizeof(span_cases[0]));
	return cr_make_param_array(size_t, span_ix, sizeof(span_ix) / sizeof(span_ix[0]));
}

ParameterizedTest(size_t *ix, aws_spans, records)
{
	const struct span_case *c = &span_cases[*ix];
	struct gr_buf out = GR_BUF_INIT, line = GR_BUF_INIT;
	struct gr_stats st;
	char want[2048];

	gr_buf_add(&line, "2024-05-01T12:00:00.000Z ", 25);
	gr_buf_add(&line, c->record, strlen(c->record));
	gr_buf_add(&line, "\n", 2);
	fetch_text(line.data, &out, &st);
	char *seg = q(c->segment);
	snprintf(want, sizeof(want), "{\"type\":\"gammaray-events\",\"v\":1}\n%s\n", seg);
	cr_assert_str_eq(out.data, want);
	cr_assert_eq(st.records_out, 1);
	free(seg);
	gr_buf_release(&out);
	gr_buf_release(&line);
}

Test(aws_spans, bad_records_counted)
{
	struct gr_buf out = GR_BUF_INIT;
	struct gr_stats st;

	fetch_text("{'traceId':'ab','startTimeUnixNano':1000,'endTimeUnixNano':2000}\n"
		   "{'traceId':'ab','spanId':'cd','startTimeUnixNano':'x','endTimeUnixNano':2000}\n"
		   "{'traceId':'ab','spanId':'cd','startTimeUnixNano':3000,'endTimeUnixNano':2000}\n"
		   "{'traceId':'ab','spanId':'cd','kind':'SERVER','startTimeUnixNano':1000,"
		   "'endTimeUnixNano':2000,'attributes':7}\n"
		   "{'traceId':'ab','spanId':'cd','kind':'SERVER','startTimeUnixNano':1000,"
		   "'endTimeUnixNano':2000,'resource':{'attributes':'x'}}\n",
		   &out, &st);
	cr_assert_eq(st.records_in, 5);
	cr_assert_eq(st.reason[GR_LOST_BAD_SEGMENT], 5);
	gr_buf_release(&out);
}

/* Infer a stream given with single quotes; the graph in out. */
static const struct gr_infer_stats *infer_text(struct gr_infer **inf, const char *text,
					       struct gr_buf *out)
{
	struct gr_infer_opts o;
	struct gr_error err = { 0 };
	char *d = q(text);

	gr_infer_opts_init(&o);
	o.write = to_buf;
	o.write_ctx = out;
	cr_assert_eq(gr_infer_new(inf, &o, &err), 0);
	cr_assert_eq(gr_infer_read_mem(*inf, "t", d, strlen(d), &err), 0, "%s", err.msg);
	cr_assert_eq(gr_infer_finish(*inf, &err), 0, "%s", err.msg);
	free(d);
	return gr_infer_get_stats(*inf);
}

Test(infer_spans, xray_and_w3c_ids_are_one_trace)
{
	struct gr_infer *inf;
	struct gr_buf out = GR_BUF_INIT;

	/* an X-Ray caller's Invoke subsegment (upper-case id) is the parent of a W3C
	 * callee span; a batch consumer links to two sends */
	const struct gr_infer_stats *st = infer_text(&inf,
		"{'type':'segment','trace':'1-6553a1a3-00112233445566778899aabb','id':'1a1a1a1a1a1a1a1a',"
		"'origin':'AWS::Lambda','name':'legacy','start_us':100,'end_us':900,'req':'r-1'}\n"
		"{'type':'segment','trace':'1-6553a1a3-00112233445566778899aabb','id':'4D4D4D4D4D4D4D4D',"
		"'parent':'1a1a1a1a1a1a1a1a','sub':true,'ns':'aws','name':'Lambda','op':'Invoke',"
		"'start_us':200,'end_us':400}\n"
		"{'type':'segment','trace':'1-6553a1a3-00112233445566778899aabb','id':'5e5e5e5e5e5e5e5e',"
		"'parent':'1a1a1a1a1a1a1a1a','sub':true,'ns':'aws','name':'SQS','op':'SendMessage',"
		"'start_us':500,'end_us':510}\n"
		"{'type':'segment','trace':'6553a1a300112233445566778899aabb','id':'6f6f6f6f6f6f6f6f',"
		"'parent':'4d4d4d4d4d4d4d4d','kind':'server','fn':'modern','name':'h','start_us':210,"
		"'end_us':390,'req':'r-2'}\n"
		"{'type':'segment','trace':'6553a1a400000000000000000000000a','id':'0000000000000001',"
		"'parent':'aaaaaaaaaaaaaaaa','kind':'client','fn':'other','op':'SendMessage',"
		"'start_us':520,'end_us':530}\n"
		"{'type':'segment','trace':'6553a1a400000000000000000000000a','id':'aaaaaaaaaaaaaaaa',"
		"'kind':'server','fn':'other','start_us':515,'end_us':540,'req':'r-3'}\n"
		"{'type':'segment','trace':'6553a1a400000000000000000000000a','id':'0000000000000001',"
		"'parent':'aaaaaaaaaaaaaaaa','kind':'client','fn':'other','op':'SendMessage',"
		"'start_us':520,'end_us':530}\n"
		"{'type':'segment','trace':'6553a1a5000000000000000000000001','id':'0000000000000002',"
		"'kind':'server','fn':'batch','start_us':900,'end_us':990,'req':'r-4',"
		"'links':[{'trace':'1-6553a1a3-00112233445566778899aabb','id':'5E5E5E5E5E5E5E5E'},"
		"{'trace':'6553a1a400000000000000000000000a','id':'0000000000000001'}]}\n",
		&out);
	cr_assert_eq(st->invocations, 4);
	cr_assert_eq(st->edges, 3, "%s", out.data);
	cr_assert_eq(st->io.reason[GR_SKIP_DUPLICATE], 1);
	cr_assert_not_null(strstr(out.data, "\"from\":\"r-1\",\"to\":\"r-2\",\"kind\":\"lambda\",\"sync\":true"));
	cr_assert_not_null(strstr(out.data, "\"from\":\"r-1\",\"to\":\"r-4\",\"kind\":\"sqs\""));
	cr_assert_not_null(strstr(out.data, "\"from\":\"r-3\",\"to\":\"r-4\",\"kind\":\"sqs\""));
	gr_infer_free(inf);
	gr_buf_release(&out);
}
