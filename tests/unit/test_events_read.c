/* test_events_read.c: gr_ev_parse, the event stream reader, on every record type. */
#include <criterion/criterion.h>
#include <string.h>

#include "common/buf.h"
#include "stream/events.h"
#include "gammaray.h"

static struct gr_buf scratch = GR_BUF_INIT;

static int parse(const char *line, struct gr_event *ev, struct gr_error *err)
{
	return gr_ev_parse(line, strlen(line), ev, &scratch, 64, err);
}

static bool str_is(struct gr_str s, const char *lit)
{
	return s.n == strlen(lit) && !memcmp(s.p, lit, s.n);
}

Test(events_read, header_and_start)
{
	struct gr_event ev;
	struct gr_error err = { 0 };

	cr_assert_eq(parse("{\"type\":\"gammaray-events\",\"v\":1}", &ev, &err), 0);
	cr_assert_eq(ev.type, GR_EV_HEADER);
	cr_assert_eq(ev.v, 1);
	cr_assert_eq(parse("{\"type\":\"start\",\"ts\":1714564800400000,\"req\":\"1111\","
			   "\"fn\":\"resize\",\"stream\":\"s\",\"version\":\"$LATEST\","
			   "\"trace\":\"1-a-b\",\"sampled\":true}", &ev, &err), 0);
	cr_assert_eq(ev.type, GR_EV_START);
	cr_assert_eq(ev.ts, 1714564800400000);
	cr_assert(str_is(ev.req, "1111"));
	cr_assert(str_is(ev.fn, "resize"));
	cr_assert(str_is(ev.trace, "1-a-b"));
	cr_assert_eq(ev.sampled, 1);
	cr_assert_eq(ev.dur_us, -1);
}

Test(events_read, report_fault_status)
{
	struct gr_event ev;
	struct gr_error err = { 0 };

	cr_assert_eq(parse("{\"type\":\"report\",\"ts\":5,\"req\":\"r\",\"dur_us\":200000,"
			   "\"billed_us\":201000,\"mem_mb\":256,\"maxmem_mb\":75,\"init_us\":380120,"
			   "\"status\":\"timeout\",\"segment\":\"07a85e713f6302b2\"}", &ev, &err), 0);
	cr_assert_eq(ev.type, GR_EV_REPORT);
	cr_assert_eq(ev.init_us, 380120);
	cr_assert_eq(ev.status, GR_STATUS_TIMEOUT);
	cr_assert(str_is(ev.segment, "07a85e713f6302b2"));
	cr_assert_eq(parse("{\"type\":\"fault\",\"ts\":5,\"req\":\"r\",\"status\":\"error\","
			   "\"error\":\"KeyError\",\"detail\":\"KeyError: 'w'\"}", &ev, &err), 0);
	cr_assert_eq(ev.type, GR_EV_FAULT);
	cr_assert(str_is(ev.error, "KeyError"));
	cr_assert_eq(ev.status, GR_STATUS_ERROR);
}

Test(events_read, marker_object_raw_and_escapes_decoded)
{
	struct gr_event ev;
	struct gr_error err = { 0 };
	const char *line = "{\"type\":\"marker\",\"ts\":1,\"req\":\"r\\u002d1\",\"m\":{\"v\":1,\"ev\":\"entry\"}}";

	cr_assert_eq(parse(line, &ev, &err), 0);
	cr_assert_eq(ev.type, GR_EV_MARKER);
	cr_assert(str_is(ev.req, "r-1"));
	cr_assert(str_is(ev.m, "{\"v\":1,\"ev\":\"entry\"}"));
}

Test(events_read, segment_flags_and_links)
{
	struct gr_event ev;
	struct gr_error err = { 0 };
	const char *line = "{\"type\":\"segment\",\"trace\":\"1-x\",\"id\":\"a1\",\"parent\":\"p1\","
			   "\"sub\":true,\"name\":\"SQS\",\"ns\":\"aws\",\"start_us\":10,\"end_us\":20,"
			   "\"op\":\"SendMessage\",\"http\":200,\"error\":true,\"fault\":true,"
			   "\"links\":[{\"trace\":\"1-y\",\"id\":\"b2\",\"ref\":\"parent\"},"
			   "{\"id\":\"c3\"},7,{\"trace\":\"1-z\"}]}";

	cr_assert_eq(parse(line, &ev, &err), 0);
	cr_assert_eq(ev.type, GR_EV_SEGMENT);
	cr_assert(ev.sub);
	cr_assert(ev.seg_error);
	cr_assert(ev.fault);
	cr_assert_eq(ev.http, 200);
	cr_assert_eq(ev.start_us, 10);
	cr_assert_eq(ev.end_us, 20);
	struct gr_js it;
	struct gr_ev_link l;
	gr_ev_links_begin(&it, &ev.links);
	cr_assert(gr_ev_link_next(&it, &l));
	cr_assert(str_is(l.trace, "1-y"));
	cr_assert(str_is(l.id, "b2"));
	cr_assert(str_is(l.ref, "parent"));
	cr_assert(gr_ev_link_next(&it, &l));
	cr_assert(str_is(l.id, "c3"));
	cr_assert_eq(l.trace.n, 0);
	cr_assert(!gr_ev_link_next(&it, &l)); /* 7 and an object without id are skipped */
}

Test(events_read, unknown_type_and_fields)
{
	struct gr_event ev;
	struct gr_error err = { 0 };

	cr_assert_eq(parse("{\"type\":\"from-the-future\",\"extra\":[1,2],\"ts\":3}", &ev, &err), 0);
	cr_assert_eq(ev.type, GR_EV_OTHER);
	cr_assert(str_is(ev.type_name, "from-the-future"));
	cr_assert_eq(ev.ts, 3);
}

Test(events_read, errors)
{
	struct gr_event ev;
	struct gr_error err = { 0 };

	cr_assert_eq(parse("{\"type\":\"start\",\"ts\":\"soon\"}", &ev, &err), GR_ERR_FORMAT);
	cr_assert_str_eq(err.msg, "field \"ts\" has the wrong type");
	cr_assert_eq(parse("{\"ts\":1}", &ev, &err), GR_ERR_FORMAT);
	cr_assert_eq(parse("{\"type\":\"start\",", &ev, &err), GR_ERR_JSON);
	cr_assert_eq(parse("[1,2]", &ev, &err), GR_ERR_JSON);
	cr_assert_eq(parse("{\"type\":\"marker\",\"m\":[1]}", &ev, &err), GR_ERR_FORMAT);
}

/* A stats record written and read back gives the same counts; unknown reasons are
 * counted apart, and what is not one is refused. */
Test(events_stats, round_trip)
{
	struct gr_buf b = GR_BUF_INIT;
	struct gr_jw w;
	struct gr_stats st, back;
	char stage[16];
	uint64_t unknown = 0;

	memset(&st, 0, sizeof(st));
	memset(&back, 0, sizeof(back));
	st.files = 3;
	st.bytes_in = 100;
	st.bytes = 250;
	st.records_in = 10;
	st.records_out = 6;
	st.events_out = 7;
	st.reason[GR_SKIP_APP_LOG] = 3;
	st.reason[GR_LOST_JSON] = 1;
	st.reason[GR_LOST_COMPRESS] = 1;
	gr_jw_init(&w, &b);
	gr_ev_stats(&w, "fetch", &st);
	cr_assert_str_eq(b.data, "{\"type\":\"stats\",\"stage\":\"fetch\",\"files\":3,"
			 "\"bytes_in\":100,\"bytes\":250,\"records_in\":10,\"records_out\":6,"
			 "\"written\":7,\"skipped\":{\"app-log\":3},\"lost\":{\"bad-json\":1,"
			 "\"bad-compression\":1}}\n");
	cr_assert_eq(gr_ev_stats_parse(b.data, b.len - 1, stage, sizeof(stage), &back,
				       &unknown), 0);
	cr_assert_str_eq(stage, "fetch");
	cr_assert_eq(memcmp(&st, &back, sizeof(st)), 0);
	cr_assert(gr_stats_balanced(&back));
	/* summed: a second record of the same stage adds up */
	cr_assert_eq(gr_ev_stats_parse(b.data, b.len - 1, stage, sizeof(stage), &back,
				       &unknown), 0);
	cr_assert_eq(back.records_in, 20);
	cr_assert_eq(back.reason[GR_LOST_JSON], 2);
	const char *newer = "{\"type\":\"stats\",\"stage\":\"fetch\",\"records_in\":2,"
			    "\"skipped\":{\"from-the-future\":2}}";
	cr_assert_eq(gr_ev_stats_parse(newer, strlen(newer), stage, sizeof(stage), &back,
				       &unknown), 0);
	cr_assert_eq(unknown, 2);
	const char *bad[] = {
		"{\"type\":\"stats\"}",                                  /* no stage */
		"{\"type\":\"stats\",\"stage\":\"fetch\",\"files\":-1}",   /* negative */
		"{\"type\":\"stats\",\"stage\":\"fetch\",\"files\":\"3\"}", /* a string */
		"{\"type\":\"stats\",\"stage\":\"fetch\",\"lost\":[]}",    /* not an object */
		"{\"type\":\"stats\",\"stage\":\"fetch\"",                 /* cut short */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_neq(gr_ev_stats_parse(bad[i], strlen(bad[i]), stage, sizeof(stage),
						&back, &unknown), 0, "%s", bad[i]);
	gr_buf_release(&b);
}
