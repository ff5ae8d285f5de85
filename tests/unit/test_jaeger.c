/* test_jaeger.c: Jaeger JSON and OTLP/JSON traces read by gammaray-fetch into segment records. */
#include <criterion/criterion.h>
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
	strip_fetch_stats(out);
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

/* --- read from text with the pull scanner: what jansson's reading did, exactly --- */

/* Messages of a run, one per line. */
static void to_msgs(void *ctx, int severity, const struct gr_error *e)
{
	(void)severity;
	gr_buf_adds(ctx, e->msg);
	gr_buf_addc(ctx, '\n');
}

/* Single quotes to double quotes: JSON written readably in C. */
static char *q(const char *s)
{
	char *d = strdup(s);

	cr_assert_not_null(d);
	for (char *p = d; *p; p++)
		if (*p == '\'')
			*p = '"';
	return d;
}

/* Fetch doc[0..n) (with --function pattern if not NULL): events, messages, counts. */
static void fetch_doc(const char *doc, size_t n, const char *function, struct gr_buf *out,
		      struct gr_buf *msgs, struct gr_stats *st)
{
	char path[] = "/tmp/gammaray-jaeger-XXXXXX";
	struct gr_fetch_opts o;
	struct gr_error err = { 0 };
	int fd = mkstemp(path);

	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, doc, n), (ssize_t)n);
	close(fd);
	struct gr_fetch_input in = { path, NULL };
	gr_fetch_opts_init(&o);
	o.function = function;
	o.write = to_buf;
	o.write_ctx = out;
	o.diag = to_msgs;
	o.diag_ctx = msgs;
	gr_buf_reset(out);
	gr_buf_reset(msgs);
	cr_assert_eq(gr_fetch(&o, &in, 1, st, &err), 0, "%s", err.msg);
	unlink(path);
	cr_assert(gr_stats_balanced(st));
	strip_fetch_stats(out);
}

/* Fetch the document written with single quotes; check the whole event stream
 * (header included, single quotes again) and return the messages. */
static void expect_events(const char *doc, const char *function, const char *events,
			  struct gr_buf *msgs, struct gr_stats *st)
{
	struct gr_buf b = GR_BUF_INIT;
	char *d = q(doc), *e = q(events);

	fetch_doc(d, strlen(d), function, &b, msgs, st);
	cr_assert_str_eq(b.data ? b.data : "", e);
	free(d);
	free(e);
	gr_buf_release(&b);
}

#define HEADER "{'type':'gammaray-events','v':1}\n"

/* The same trace with its processes table after or before its spans. */
static const char *const processes_orders[] = {
	"{'traceID':'t1','spans':[{'spanID':'a','operationName':'root','startTime':10,"
	"'duration':90,'processID':'p1'},{'spanID':'b','startTime':20,'duration':5,"
	"'processID':'p2','references':[{'refType':'CHILD_OF','traceID':'t1','spanID':'a'}]},"
	"{'spanID':'c','startTime':30,'processID':'p\\u0000x'},{'spanID':'d','startTime':40,"
	"'processID':'nope'}],'processes':{'p1':{'serviceName':'front'},"
	"'p2':{'serviceName':'old'},'p\\u00e9':{'serviceName':'accent'},"
	"'p2':{'serviceName':'back'},'p':{'serviceName':'nul-cut'}}}",
	"{'processes':{'p1':{'serviceName':'front'},'p2':{'serviceName':'old'},"
	"'p\\u00e9':{'serviceName':'accent'},'p2':{'serviceName':'back'},"
	"'p':{'serviceName':'nul-cut'}},'spans':[{'spanID':'a','operationName':'root',"
	"'startTime':10,'duration':90,'processID':'p1'},{'spanID':'b','startTime':20,"
	"'duration':5,'processID':'p2','references':[{'refType':'CHILD_OF','traceID':'t1',"
	"'spanID':'a'}]},{'spanID':'c','startTime':30,'processID':'p\\u0000x'},"
	"{'spanID':'d','startTime':40,'processID':'nope'}],'traceID':'t1'}",
	"{'data':[{'spans':[{'spanID':'a','operationName':'root','startTime':10,'duration':90,"
	"'processID':'p1'},{'spanID':'b','startTime':20,'duration':5,'processID':'p2',"
	"'references':[{'refType':'CHILD_OF','traceID':'t1','spanID':'a'}]},"
	"{'spanID':'c','startTime':30,'processID':'p\\u0000x'},{'spanID':'d','startTime':40,"
	"'processID':'nope'}],'processes':{'p1':{'serviceName':'front'},"
	"'p2':{'serviceName':'old'},'p\\u00e9':{'serviceName':'accent'},"
	"'p2':{'serviceName':'back'},'p':{'serviceName':'nul-cut'}},'traceID':'t1'}]}",
};

Test(jaeger, processes_before_or_after_spans)
{
	struct gr_buf m = GR_BUF_INIT;
	struct gr_stats st;

	for (size_t i = 0; i < sizeof(processes_orders) / sizeof(processes_orders[0]); i++) {
		/* the last of a duplicated process id counts; a processID is looked up as a
		 * C string (up to a \u0000); an unknown one names no service */
		expect_events(processes_orders[i], NULL,
			      HEADER
			      "{'type':'segment','trace':'t1','id':'a','name':'root','svc':'front',"
			      "'start_us':10,'end_us':100}\n"
			      "{'type':'segment','trace':'t1','id':'b','parent':'a','svc':'back',"
			      "'start_us':20,'end_us':25}\n"
			      "{'type':'segment','trace':'t1','id':'c','svc':'nul-cut','start_us':30,"
			      "'end_us':30}\n"
			      "{'type':'segment','trace':'t1','id':'d','start_us':40,'end_us':40}\n",
			      &m, &st);
		cr_assert_eq(st.records_in, 4);
		cr_assert_eq(st.records_out, 4);
	}
	gr_buf_release(&m);
}

Test(jaeger, references_tags_and_keys_as_jansson_read_them)
{
	struct gr_buf m = GR_BUF_INIT;
	struct gr_stats st;

	/* escaped and duplicated keys (the last counts), the first tag of a key (even
	 * without a value), tags as an object, strings compared up to a \u0000, an
	 * integer status cut to an int as before, a real status ignored */
	expect_events("{'traceID':'t','spans':[{'spanID':'x','sp\\u0061nID':'a','startTime':5,"
		      "'startTime':7,'duration':3,'process':{'serviceName':'inline'},"
		      "'references':[{'refType':'FOLLOWS_FROM\\u0000junk','spanID':'f'},"
		      "{'refType':'follows_from','traceID':'u','spanID':'g'},"
		      "{'refType':'CHILD_OF','traceID':'t'}],"
		      "'tags':[{'key':'span.kind','value':'Producer'},{'key':'span.kind','value':'server'},"
		      "{'key':'http.status_code'},{'key':'http.response.status_code','value':'404'},"
		      "{'key':'error','value':'TRUE'},{'key':'rpc.system','value':'aws-api'},"
		      "{'key':'rpc.method','value':'PutItem'},{'key':'faas.name\\u0000x','value':'cut'},"
		      "{'key':'faas.invocation_id','value':'r\\u0000q'}]},"
		      "{'spanID':'b','startTime':8,'tags':{'span.kind':'CONSUMER',"
		      "'otel.status_code':'ERROR','http.status_code':4294967496,'faas.name':'fn',"
		      "'rpc.system':'aws-api\\u0000','rpc.method':'GetItem'},'parentSpanID':'0000'},"
		      "{'spanID':'c','startTime':9,'tags':[{'key':'http.status_code','value':200.0},"
		      "{'key':'error','value':true},{'key':'span.kind','value':7}],"
		      "'parentSpanID':'p\\u0000'}]}",
		      NULL,
		      HEADER
		      "{'type':'segment','trace':'t','id':'a','parent':'f','svc':'inline',"
		      "'kind':'producer','ref':'follows_from','start_us':7,'end_us':10,"
		      "'req':'r\\u0000q','op':'PutItem','fn':'cut','http':404,'error':true,"
		      "'links':[{'trace':'u','id':'g','ref':'follows_from'}]}\n"
		      "{'type':'segment','trace':'t','id':'b','kind':'consumer','start_us':8,"
		      "'end_us':8,'op':'GetItem','fn':'fn','http':200,'error':true}\n"
		      "{'type':'segment','trace':'t','id':'c','parent':'p\\u0000','start_us':9,"
		      "'end_us':9,'error':true}\n",
		      &m, &st);
	gr_buf_release(&m);
}

Test(jaeger, times_ids_and_spans_that_are_not_spans)
{
	struct gr_buf m = GR_BUF_INIT;
	struct gr_stats st;

	/* up to 2^60 each, so start plus duration stays far from overflow */
	expect_events("{'data':[{'traceID':'t','spans':[{'spanID':'a','startTime':1152921504606846976,"
		      "'duration':1152921504606846976},{'spanID':'b','startTime':1152921504606846977},"
		      "{'spanID':'c','startTime':1,'duration':1152921504606846977},"
		      "{'spanID':'d','startTime':1.0},{'spanID':'e','startTime':-1},"
		      "{'spanID':'f','startTime':1,'duration':null},{'startTime':1},"
		      "{'spanID':'','startTime':1},'span',null],'processes':{}}],'total':1}",
		      NULL,
		      HEADER
		      "{'type':'segment','trace':'t','id':'a','start_us':1152921504606846976,"
		      "'end_us':2305843009213693952}\n",
		      &m, &st);
	cr_assert_eq(st.records_in, 10);
	cr_assert_eq(st.reason[GR_LOST_BAD_SEGMENT], 9);
	cr_assert_str_eq(m.data,
			 "Jaeger span without an integer startTime and duration\n"
			 "Jaeger span without an integer startTime and duration\n"
			 "Jaeger span without an integer startTime and duration\n"
			 "Jaeger span without an integer startTime and duration\n"
			 "Jaeger span without an integer startTime and duration\n"
			 "Jaeger span without a spanID\n"
			 "Jaeger span without a spanID\n"
			 "Jaeger span that is not an object\n"
			 "Jaeger span that is not an object\n");
	gr_buf_release(&m);
}

/* Documents jansson refuses although their grammar is right: one malformed record. */
static const char *const jansson_refuses[][2] = {
	{ "{'traceID':'t','spans':[{'spanID':'a','startTime':99999999999999999999}]}",
	  "malformed JSON: too big integer near '99999999999999999999'\n" },
	{ "{'traceID':'t','spans':[{'spanID':'a','startTime':1,'logs':[{'v':1e400}]}]}",
	  "malformed JSON: real number overflow near '1e400'\n" },
	{ "{'traceID':'t','spans':[{'spanID':'a','startTime':1,'tags':{'k\\u0000':1}}]}",
	  "malformed JSON: NUL byte in object key not supported near '\"k\\x5cu0000\"'\n" },
	{ "{'resourceSpans':[{'scopeSpans':[{'spans':[{'spanId':'a','x':-99999999999999999999}]}]}]}",
	  "malformed JSON: too big negative integer\n" },
};

Test(jaeger, numbers_jansson_cannot_hold_make_the_document_malformed)
{
	struct gr_buf m = GR_BUF_INIT;
	struct gr_stats st;

	for (size_t i = 0; i < sizeof(jansson_refuses) / sizeof(jansson_refuses[0]); i++) {
		expect_events(jansson_refuses[i][0], NULL, HEADER, &m, &st);
		cr_assert_eq(st.records_in, 1);
		cr_assert_eq(st.reason[GR_LOST_JSON], 1);
		cr_assert_str_eq(m.data, jansson_refuses[i][1]);
	}
	gr_buf_release(&m);
}

Test(jaeger, nul_byte_after_a_number_read_as_jansson_reads_it)
{
	static const char doc[] = "{\"traceID\":\"t\",\"spans\":[{\"spanID\":\"a\",\"startTime\":1\0,"
				  "\"duration\":2}]}";
	struct gr_buf b = GR_BUF_INIT, m = GR_BUF_INIT;
	struct gr_stats st;
	char l[256];

	/* the scanner refuses the byte, jansson skips it: read from jansson's text */
	fetch_doc(doc, sizeof(doc) - 1, NULL, &b, &m, &st);
	cr_assert_eq(st.records_out, 1);
	cr_assert_str_eq(line(&b, 1, l, sizeof(l)),
			 "{\"type\":\"segment\",\"trace\":\"t\",\"id\":\"a\",\"start_us\":1,\"end_us\":3}");
	gr_buf_release(&b);
	gr_buf_release(&m);
}

Test(jaeger, cloudwatch_shapes_come_first)
{
	struct gr_buf m = GR_BUF_INIT;
	struct gr_stats st;

	/* a filter-log-events page without events */
	expect_events("{'traceID':'t','spans':[{'spanID':'a','startTime':1}],'events':[]}", NULL,
		      HEADER, &m, &st);
	cr_assert_eq(st.records_in, 0);
	expect_events("{'data':[{'traceID':'t','spans':[{'spanID':'a','startTime':1}]}],"
		      "'nextForwardToken':'f/1'}",
		      NULL, HEADER, &m, &st);
	cr_assert_eq(st.reason[GR_SKIP_NOT_TRACE], 1);
	/* a Kinesis event, then one whose first record is not */
	expect_events("{'traceID':'t','spans':[{'spanID':'a','startTime':1}],"
		      "'Records':[{'kinesis':{}}]}",
		      NULL, HEADER, &m, &st);
	cr_assert_eq(st.reason[GR_LOST_BAD_PAYLOAD], 1);
	expect_events("{'traceID':'t','spans':[{'spanID':'a','startTime':1}],"
		      "'Records':[{'other':{}}],'records':[]}",
		      NULL, HEADER "{'type':'segment','trace':'t','id':'a','start_us':1,'end_us':1}\n",
		      &m, &st);
	gr_buf_release(&m);
}

Test(jaeger, arrays_of_traces)
{
	struct gr_buf m = GR_BUF_INIT;
	struct gr_stats st;

	expect_events("[{'traceID':'t','spans':[{'spanID':'a','startTime':1}]},"
		      "{'resourceSpans':[{'resource':{'attributes':[{'key':'service.name',"
		      "'value':{'stringValue':'api'}}]},'scopeSpans':[{'spans':[{'spanId':'b',"
		      "'startTimeUnixNano':'2000','endTimeUnixNano':'3000'}]}]}]}]",
		      NULL,
		      HEADER "{'type':'segment','trace':'t','id':'a','start_us':1,'end_us':1}\n"
		      "{'type':'segment','id':'b','svc':'api','start_us':2,'end_us':3}\n",
		      &m, &st);
	/* with other elements: each element for itself */
	expect_events("[{'traceID':'t','spans':[{'spanID':'a','startTime':1}]},{'message':'x'},7]",
		      NULL,
		      HEADER "{'type':'segment','trace':'t','id':'a','start_us':1,'end_us':1}\n",
		      &m, &st);
	cr_assert_eq(st.records_in, 3);
	cr_assert_str_eq(m.data, "JSON document of unknown shape (keys: message)\n"
				 "JSON scalar where a document was expected\n");
	gr_buf_release(&m);
}

Test(jaeger, function_keeps_whole_traces)
{
	struct gr_buf m = GR_BUF_INIT;
	struct gr_stats st;

	expect_events("{'data':[{'traceID':'t1','spans':[{'spanID':'a','startTime':1,'processID':'p1'},"
		      "{'spanID':'b','startTime':2,'processID':'p2'}],'processes':{'p1':"
		      "{'serviceName':'db'},'p2':{'serviceName':'front'}}},{'traceID':'t2',"
		      "'spans':[{'spanID':'c','startTime':3,'processID':'p1'},'x'],'processes':"
		      "{'p1':{'serviceName':'db'}}},{'traceID':'t3','spans':[{'spanID':'d',"
		      "'startTime':4,'tags':[{'key':'faas.name','value':'front'}]}]}]}",
		      "front",
		      HEADER "{'type':'segment','trace':'t1','id':'a','svc':'db','start_us':1,'end_us':1}\n"
		      "{'type':'segment','trace':'t1','id':'b','svc':'front','start_us':2,'end_us':2}\n"
		      "{'type':'segment','trace':'t3','id':'d','start_us':4,'end_us':4,'fn':'front'}\n",
		      &m, &st);
	cr_assert_eq(st.records_in, 5);
	cr_assert_eq(st.reason[GR_SKIP_FILTERED], 2);
	gr_buf_release(&m);
}

Test(jaeger, a_large_trace_is_written_as_it_is_read)
{
	enum { N = 20000 };
	struct gr_buf doc = GR_BUF_INIT, b = GR_BUF_INIT, m = GR_BUF_INIT;
	struct gr_stats st;
	char l[512];

	/* past the unit's flush threshold (1 MiB of events), processes at the end */
	gr_buf_adds(&doc, "{\"data\":[{\"traceID\":\"T\",\"spans\":[");
	for (int i = 0; i < N; i++)
		gr_buf_addf(&doc, "%s{\"spanID\":\"s%d\",\"operationName\":\"op\",\"references\":"
			    "[{\"refType\":\"CHILD_OF\",\"traceID\":\"T\",\"spanID\":\"s%d\"}],"
			    "\"startTime\":%d,\"duration\":10,\"processID\":\"p%d\"}",
			    i ? "," : "", i, i / 2, 1000 + i, i % 3);
	gr_buf_adds(&doc, "],\"processes\":{\"p0\":{\"serviceName\":\"a\"},\"p1\":{\"serviceName\":"
		    "\"b\"},\"p2\":{\"serviceName\":\"c\"}}}]}");
	fetch_doc(doc.data, doc.len, NULL, &b, &m, &st);
	cr_assert_eq(st.records_in, N);
	cr_assert_eq(st.records_out, N);
	cr_assert_gt(b.len, 1u << 20);
	cr_assert_str_eq(line(&b, N, l, sizeof(l)),
			 "{\"type\":\"segment\",\"trace\":\"T\",\"id\":\"s19999\",\"parent\":\"s9999\","
			 "\"name\":\"op\",\"svc\":\"b\",\"start_us\":20999,\"end_us\":21009}");
	gr_buf_release(&doc);
	gr_buf_release(&b);
	gr_buf_release(&m);
}

Test(otlp, protobuf_names_attributes_times_and_links)
{
	struct gr_buf m = GR_BUF_INIT;
	struct gr_stats st;

	/* protobuf names; the first attribute of a key counts, its value the first of
	 * the members read; base64 ids (all-zero parent: none); times as strings with
	 * spaces or NUL, reals, beyond int64 (saturated, as strtoll does); a present
	 * but null scopeSpans hides instrumentationLibrarySpans */
	expect_events("{'resource_spans':[{'resource':{'attributes':[{'key':'service.name',"
		      "'value':{'string_value':'pb'}},{'key':'faas.name','value':{'stringValue':"
		      "'res-fn'}},{'key':'service.name','value':{'stringValue':'second'}}]},"
		      "'instrumentation_library_spans':[{'spans':[{'trace_id':"
		      "'5b8efff798038103d269b633813fc60c','span_id':'eee19b7ec3c1b174',"
		      "'parent_span_id':'AAAAAAAAAAA=','start_time_unix_nano':' 1000',"
		      "'end_time_unix_nano':1.5e3,'kind':'SPAN_KIND_consumer','status':{'code':2.0},"
		      "'attributes':[{'key':'http.status_code','value':{'intValue':'503'}},"
		      "{'key':'http.response.status_code','value':{'arrayValue':{}}},"
		      "{'key':'rpc.system','value':{'stringValue':'aws-api'}},{'key':'rpc.method',"
		      "'value':{'intValue':5}}],'links':[{'trace_id':'W47/95gDgQPSabYzgT/GDA==',"
		      "'span_id':'qrvM3e7/ABE='},{'traceId':'x','spanId':''}]},{'traceId':'a',"
		      "'spanId':'b','startTimeUnixNano':'20\\u0000','endTimeUnixNano':'30'},"
		      "{'traceId':'a','spanId':'c','startTimeUnixNano':'99999999999999999999',"
		      "'endTimeUnixNano':'99999999999999999999','kind':3,'status':{'code':"
		      "'STATUS_CODE_ERROR'},'attributes':[{'key':'faas.name','value':{'stringValue':"
		      "'own-fn'}},{'key':'faas.invocation_id','value':{'stringValue':'inv'}}]},"
		      "{'spanId':'d','startTimeUnixNano':1e300,'endTimeUnixNano':1e300},7]}]},'x',"
		      "{'scopeSpans':null,'instrumentationLibrarySpans':[{'spans':[{'spanId':'e',"
		      "'startTimeUnixNano':'5000','endTimeUnixNano':'6000'}]}]},{'scope_spans':"
		      "[{'spans':[{'spanId':'f','startTimeUnixNano':'5000','endTimeUnixNano':'6000',"
		      "'kind':'SPAN_KIND_SERVER\\u0000'}]}]}]}",
		      NULL,
		      HEADER
		      "{'type':'segment','trace':'5b8efff798038103d269b633813fc60c',"
		      "'id':'eee19b7ec3c1b174','svc':'pb','kind':'consumer','start_us':1,'end_us':1,"
		      "'fn':'res-fn','http':503,'links':[{'trace':'5b8efff798038103d269b633813fc60c',"
		      "'id':'aabbccddeeff0011'}]}\n"
		      "{'type':'segment','trace':'a','id':'b','svc':'pb','start_us':0,'end_us':0,"
		      "'fn':'res-fn'}\n"
		      "{'type':'segment','trace':'a','id':'c','svc':'pb','kind':'client',"
		      "'start_us':9223372036854775,'end_us':9223372036854775,'req':'inv',"
		      "'fn':'own-fn','error':true}\n"
		      "{'type':'segment','id':'f','kind':'server','start_us':5,'end_us':6}\n",
		      &m, &st);
	cr_assert_eq(st.records_in, 6);
	cr_assert_str_eq(m.data, "OTLP span without valid start and end times\n"
				 "OTLP span that is not an object\n");
	gr_buf_release(&m);
}

Test(otlp, camel_case_name_first_even_when_null)
{
	struct gr_buf m = GR_BUF_INIT;
	struct gr_stats st;

	expect_events("{'resourceSpans':null,'resource_spans':[]}", NULL, HEADER, &m, &st);
	cr_assert_eq(st.reason[GR_LOST_UNKNOWN_DOC], 1);
	cr_assert_str_eq(m.data,
			 "JSON document of unknown shape (keys: resourceSpans, resource_spans)\n");
	gr_buf_release(&m);
}

Test(otlp, function_keeps_resources)
{
	static const char doc[] =
		"{'resource_spans':[],'resourceSpans':[{'resource':{'attributes':[{'key':"
		"'service.name','value':{'stringValue':'keep-me'}}]},'scopeSpans':[{'spans':"
		"[{'spanId':'a','startTimeUnixNano':'5000','endTimeUnixNano':'6000'},3]}]},"
		"{'resource':{'attributes':[{'key':'faas.name','value':{'stringValue':'other'}}]},"
		"'scopeSpans':[{'spans':[{'spanId':'b','startTimeUnixNano':'5000',"
		"'endTimeUnixNano':'6000'},3]}]}]}";
	struct gr_buf m = GR_BUF_INIT;
	struct gr_stats st;

	expect_events(doc, NULL,
		      HEADER "{'type':'segment','id':'a','svc':'keep-me','start_us':5,'end_us':6}\n"
		      "{'type':'segment','id':'b','start_us':5,'end_us':6,'fn':'other'}\n",
		      &m, &st);
	cr_assert_eq(st.reason[GR_LOST_BAD_SEGMENT], 2);
	expect_events(doc, "keep-.*",
		      HEADER "{'type':'segment','id':'a','svc':'keep-me','start_us':5,'end_us':6}\n",
		      &m, &st);
	cr_assert_eq(st.reason[GR_SKIP_FILTERED], 2);
	cr_assert_eq(st.reason[GR_LOST_BAD_SEGMENT], 1);
	gr_buf_release(&m);
}
