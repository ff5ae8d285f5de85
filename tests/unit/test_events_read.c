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
