/* test_critpath_request.c: request critical paths: Jaeger UI's and CRISP's conformance cases, edge cases, size. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "critpath/critpath.h"
#include "common/reader.h"

#define FIX "../../fixtures/critpath/"

static int to_buf(void *ctx, const char *p, size_t n)
{
	return gr_buf_add(ctx, p, n);
}

/* gammaray-fetch of one file into an event stream in memory. */
static void fetch(const char *path, struct gr_buf *out)
{
	struct gr_fetch_opts o;
	struct gr_fetch_input in = { path, NULL };
	struct gr_stats st;
	struct gr_error err = { 0 };

	gr_fetch_opts_init(&o);
	o.write = to_buf;
	o.write_ctx = out;
	cr_assert_eq(gr_fetch(&o, &in, 1, &st, &err), 0, "%s", err.msg);
	cr_assert_eq(gr_stats_lost(&st), 0, "%s: records lost", path);
}

/* Spans of an event stream in memory, critical paths computed. */
static void analyse(const struct gr_buf *ev, struct gr_spans *sp, struct gr_cp_req *rq)
{
	struct gr_reader r;
	struct gr_stats st = { 0 };
	struct gr_error err = { 0 };
	struct gr_cp_req_opts o;

	gr_spans_init(sp);
	gr_cp_req_init(rq);
	gr_reader_open_mem(&r, "events", ev->data, ev->len);
	cr_assert_eq(gr_spans_read(sp, &r, &st, NULL, NULL, &err), 0, "%s", err.msg);
	gr_reader_release(&r);
	cr_assert_eq(gr_stats_lost(&st), 0);
	gr_cp_req_opts_init(&o);
	cr_assert_eq(gr_cp_request(sp, &o, rq, &err), 0, "%s", err.msg);
}

static void analyse_file(const char *path, struct gr_spans *sp, struct gr_cp_req *rq)
{
	struct gr_buf ev = GR_BUF_INIT;

	fetch(path, &ev);
	analyse(&ev, sp, rq);
	gr_buf_release(&ev);
}

/* --- CRISP: expected exclusive critical-path time per "[service] operation" -------- */

/* Criterion runs each case in a new process: parameters hold no pointers. */
struct crisp_case {
	char name[24]; /* file under fixtures/critpath/crisp/, without .json */
};

static struct crisp_case crisp_cases[] = {
	{ "1" }, { "2" }, { "3" }, { "4" }, { "5" }, { "6" }, { "7" }, { "8" }, { "9" },
	{ "10" }, { "11" }, { "12" }, { "13" }, { "14" }, { "15" }, { "16" }, { "17" },
	{ "18" }, { "19" }, { "20" }, { "21" }, { "22" }, { "23" }, { "24" }, { "25" },
	{ "err_pattern1/err1" }, { "err_pattern1/err2" }, { "err_pattern2/err1" },
	{ "err_pattern2/err2" }, { "err_pattern3/err1" }, { "err_pattern3/err2" },
	{ "err_pattern4/err1" }, { "err_pattern4/err2" },
};

ParameterizedTestParameters(critpath_request, crisp)
{
	return cr_make_param_array(struct crisp_case, crisp_cases,
				   sizeof(crisp_cases) / sizeof(crisp_cases[0]));
}

ParameterizedTest(struct crisp_case *c, critpath_request, crisp)
{
	char path[256];
	json_error_t jerr;
	struct gr_spans sp;
	struct gr_cp_req rq;
	struct gr_buf label = GR_BUF_INIT;

	snprintf(path, sizeof(path), FIX "crisp/%s.json", c->name);
	json_t *doc = json_load_file(path, 0, &jerr);
	cr_assert(doc, "%s: %s", path, jerr.text);
	json_t *want = json_object_get(doc, "testing");
	if (json_is_array(want))
		want = json_array_get(want, 0);
	else
		want = json_object_get(want, "opTimeExclusive");
	cr_assert(json_is_object(want));

	analyse_file(path, &sp, &rq);
	/* CRISP analyses the trees rooted at service S1, operation O1 (-s S1 -a O1) */
	json_t *got = json_object();
	for (size_t i = 0; i < rq.nruns; i++) {
		const struct gr_cp_req_run *run = &rq.runs[i];
		const struct gr_span *root = &sp.v[run->root];
		if (strcmp(root->svc, "S1") || strcmp(root->op, "O1"))
			continue;
		for (size_t k = 0; k < run->nitem; k++) {
			const struct gr_cp_item *it = &rq.items[run->item0 + k];
			const struct gr_span *s = &sp.v[it->span];
			gr_buf_reset(&label);
			gr_buf_addf(&label, "[%s] %s", s->svc, s->op);
			json_t *v = json_object_get(got, label.data);
			json_object_set_new(got, label.data,
					    json_integer((v ? json_integer_value(v) : 0) + it->self_us));
		}
	}
	char *a = json_dumps(want, JSON_SORT_KEYS | JSON_COMPACT);
	char *b = json_dumps(got, JSON_SORT_KEYS | JSON_COMPACT);
	cr_expect(json_equal(want, got), "CRISP case %s: want %s, got %s", c->name, a, b);
	free(a);
	free(b);
	json_decref(got);
	json_decref(doc);
	gr_buf_release(&label);
	gr_cp_req_release(&rq);
	gr_spans_release(&sp);
}

/* --- Jaeger UI: expected sections, newest first ------------------------------------ */

static const int jaeger_cases[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };

ParameterizedTestParameters(critpath_request, jaeger_ui)
{
	return cr_make_param_array(int, jaeger_cases, sizeof(jaeger_cases) / sizeof(int));
}

ParameterizedTest(int *n, critpath_request, jaeger_ui)
{
	char path[256], tmp[] = "/tmp/gammaray-jaeger-XXXXXX";
	json_error_t jerr;
	struct gr_spans sp;
	struct gr_cp_req rq;

	snprintf(path, sizeof(path), FIX "jaeger-ui/test%d.json", *n);
	json_t *doc = json_load_file(path, 0, &jerr);
	cr_assert(doc, "%s: %s", path, jerr.text);
	/* the test module's trace object is a Jaeger trace of its own */
	int fd = mkstemp(tmp);
	cr_assert_geq(fd, 0);
	cr_assert_eq(json_dumpfd(json_object_get(doc, "trace"), fd, 0), 0);
	close(fd);
	analyse_file(tmp, &sp, &rq);
	unlink(tmp);

	/* Jaeger analyses the trees of spans without any parent (rootSpans) */
	json_t *got = json_array();
	for (size_t i = 0; i < rq.nruns; i++) {
		const struct gr_cp_req_run *run = &rq.runs[i];
		if (sp.v[run->root].async)
			continue;
		for (size_t k = run->nsec; k-- > 0;) {
			const struct gr_cp_section *s = &rq.secs[run->sec0 + k];
			json_array_append_new(got, json_pack("{s:s,s:I,s:I}", "spanID", sp.v[s->span].id,
							     "sectionStart", (json_int_t)s->start_us,
							     "sectionEnd", (json_int_t)s->end_us));
		}
	}
	json_t *want = json_object_get(doc, "expectedCriticalPathSections");
	char *a = json_dumps(want, JSON_SORT_KEYS | JSON_COMPACT);
	char *b = json_dumps(got, JSON_SORT_KEYS | JSON_COMPACT);
	cr_expect(json_equal(want, got), "Jaeger test%d: want %s, got %s", *n, a, b);
	free(a);
	free(b);
	json_decref(got);
	json_decref(doc);
	gr_cp_req_release(&rq);
	gr_spans_release(&sp);
}

Test(critpath_request, single_child_after_parent_verbatim_trace)
{
	struct gr_spans sp;
	struct gr_cp_req rq;

	analyse_file(FIX "jaeger-ui/traceWithSingleChildLongerThanParentAndStartsAfterParent.json",
		     &sp, &rq);
	cr_assert_eq(rq.nruns, 1);
	cr_assert_eq(rq.runs[0].nsec, 1);
	cr_assert_str_eq(sp.v[rq.secs[0].span].id, "006c3cf93508f205");
	cr_assert_eq(rq.secs[0].start_us, 100);
	cr_assert_eq(rq.secs[0].end_us, 140);
	cr_assert_eq(rq.runs[0].dropped, 1);
	gr_cp_req_release(&rq);
	gr_spans_release(&sp);
}

/* --- our own cases --------------------------------------------------------------- */

static void events(struct gr_buf *b, const char *lines)
{
	gr_buf_reset(b);
	gr_buf_adds(b, "{\"type\":\"gammaray-events\",\"v\":1}\n");
	gr_buf_adds(b, lines);
}

#define SEG(id, parent, s, e) \
	"{\"type\":\"segment\",\"trace\":\"t\",\"id\":\"" id "\"" parent \
	",\"name\":\"" id "\",\"svc\":\"s\",\"start_us\":" #s ",\"end_us\":" #e "}\n"
#define P(x) ",\"parent\":\"" x "\""

Test(critpath_request, back_to_back_siblings_are_both_on_the_path)
{
	/* jaegertracing/jaeger #9148: Jaeger's strict < bills C1 to P */
	struct gr_buf ev = GR_BUF_INIT;
	struct gr_spans sp;
	struct gr_cp_req rq;

	events(&ev, SEG("P", "", 0, 100) SEG("C1", P("P"), 0, 50) SEG("C2", P("P"), 50, 100));
	analyse(&ev, &sp, &rq);
	cr_assert_eq(rq.runs[0].nsec, 2);
	cr_assert_str_eq(sp.v[rq.secs[0].span].id, "C1");
	cr_assert_str_eq(sp.v[rq.secs[1].span].id, "C2");
	cr_assert_eq(rq.runs[0].nitem, 3);
	gr_cp_req_release(&rq);
	gr_spans_release(&sp);
	gr_buf_release(&ev);
}

Test(critpath_request, child_enclosing_its_parent_is_clipped_not_dropped)
{
	/* Jaeger test8's shape: CRISP's case analysis drops it; we clip like Jaeger */
	struct gr_buf ev = GR_BUF_INIT;
	struct gr_spans sp;
	struct gr_cp_req rq;

	events(&ev, SEG("A", "", 10, 30) SEG("B", P("A"), 5, 35));
	analyse(&ev, &sp, &rq);
	cr_assert_eq(rq.runs[0].nsec, 1);
	cr_assert_str_eq(sp.v[rq.secs[0].span].id, "B");
	cr_assert(sp.v[1].clipped);
	gr_cp_req_release(&rq);
	gr_spans_release(&sp);
	gr_buf_release(&ev);
}

Test(critpath_request, server_outlasting_its_client_is_moved_not_cut)
{
	/* clock skew: the server span (one child of a client span) is 0.5% longer */
	struct gr_buf ev = GR_BUF_INIT;
	struct gr_spans sp;
	struct gr_cp_req rq;

	events(&ev,
	       "{\"type\":\"segment\",\"trace\":\"t\",\"id\":\"R\",\"svc\":\"a\",\"name\":\"r\",\"kind\":\"server\",\"start_us\":0,\"end_us\":2000}\n"
	       "{\"type\":\"segment\",\"trace\":\"t\",\"id\":\"C\",\"parent\":\"R\",\"svc\":\"a\",\"name\":\"call\",\"kind\":\"client\",\"start_us\":100,\"end_us\":1100}\n"
	       "{\"type\":\"segment\",\"trace\":\"t\",\"id\":\"S\",\"parent\":\"C\",\"svc\":\"b\",\"name\":\"serve\",\"kind\":\"server\",\"start_us\":103,\"end_us\":1108}\n"
	       "{\"type\":\"segment\",\"trace\":\"t\",\"id\":\"D\",\"parent\":\"S\",\"svc\":\"b\",\"name\":\"db\",\"kind\":\"client\",\"start_us\":1000,\"end_us\":1106}\n");
	analyse(&ev, &sp, &rq);
	const struct gr_span *s = &sp.v[2], *d = &sp.v[3];
	cr_assert(s->skewed);
	cr_assert_eq(s->end_us - s->start_us, 1000); /* capped at the client's duration */
	cr_assert_eq(s->end_us, 1100);
	/* its child moved with it: 1000-1106 -> 997-1103, then clipped to 1100 */
	cr_assert_eq(d->start_us, 997);
	cr_assert_eq(d->end_us, 1100);
	gr_cp_req_release(&rq);
	gr_spans_release(&sp);
	gr_buf_release(&ev);
}

Test(critpath_request, follows_from_and_producer_consumer_are_roots_of_their_own)
{
	struct gr_buf ev = GR_BUF_INIT;
	struct gr_spans sp;
	struct gr_cp_req rq;

	events(&ev,
	       "{\"type\":\"segment\",\"trace\":\"t\",\"id\":\"A\",\"svc\":\"a\",\"name\":\"send\",\"kind\":\"producer\",\"start_us\":0,\"end_us\":10}\n"
	       "{\"type\":\"segment\",\"trace\":\"t\",\"id\":\"B\",\"parent\":\"A\",\"svc\":\"b\",\"name\":\"recv\",\"kind\":\"consumer\",\"start_us\":5,\"end_us\":50}\n"
	       "{\"type\":\"segment\",\"trace\":\"t\",\"id\":\"C\",\"parent\":\"A\",\"ref\":\"follows_from\",\"svc\":\"c\",\"name\":\"later\",\"start_us\":2,\"end_us\":8}\n"
	       "{\"type\":\"segment\",\"trace\":\"t\",\"id\":\"D\",\"parent\":\"nowhere\",\"svc\":\"d\",\"name\":\"orphan\",\"start_us\":2,\"end_us\":8}\n");
	analyse(&ev, &sp, &rq);
	cr_assert_eq(rq.nruns, 4);
	cr_assert(sp.v[1].async && sp.v[2].async && sp.v[3].orphan);
	cr_assert_eq(rq.runs[0].root, 0); /* A, start 0 */
	cr_assert_eq(rq.runs[0].nitem, 1);
	gr_cp_req_release(&rq);
	gr_spans_release(&sp);
	gr_buf_release(&ev);
}

Test(critpath_request, a_deep_chain_of_spans)
{
	struct gr_buf ev = GR_BUF_INIT;
	struct gr_spans sp;
	struct gr_cp_req rq;
	const int n = 400000;
	char line[200];

	/* a chain: each span the only child of the previous, 40 times as deep as what
	 * overflows Jaeger UI's stack (10,000); a million-span trace is measured in the
	 * benchmark, outside `make check` */
	events(&ev, "");
	for (int i = 0; i < n; i++) {
		int k;
		if (i)
			k = snprintf(line, sizeof(line),
				     "{\"type\":\"segment\",\"trace\":\"t\",\"id\":\"%d\",\"parent\":\"%d\",\"svc\":\"s\",\"name\":\"o\",\"start_us\":%d,\"end_us\":%d}\n",
				     i, i - 1, i, 4 * n - i);
		else
			k = snprintf(line, sizeof(line),
				     "{\"type\":\"segment\",\"trace\":\"t\",\"id\":\"0\",\"svc\":\"s\",\"name\":\"o\",\"start_us\":0,\"end_us\":%d}\n",
				     4 * n);
		gr_buf_add(&ev, line, (size_t)k);
	}
	analyse(&ev, &sp, &rq);
	cr_assert_eq(rq.nruns, 1);
	cr_assert_eq(rq.runs[0].nitem, (uint32_t)n);
	cr_assert_eq(rq.runs[0].nsec, (uint32_t)(2 * n - 1));
	int64_t total = 0;
	for (uint32_t i = 0; i < rq.runs[0].nitem; i++)
		total += rq.items[rq.runs[0].item0 + i].self_us;
	cr_assert_eq(total, rq.runs[0].latency_us);
	gr_cp_req_release(&rq);
	gr_spans_release(&sp);
	gr_buf_release(&ev);
}

Test(critpath_request, sections_tile_the_root_on_random_trees)
{
	struct gr_buf ev = GR_BUF_INIT;
	char line[256];

	for (unsigned seed = 1; seed <= 30; seed++) {
		struct gr_spans sp;
		struct gr_cp_req rq;
		int64_t st[300], en[300];
		srand(seed);
		events(&ev, "");
		for (int i = 0; i < 300; i++) {
			int p = i ? rand() % i : -1;
			/* children mostly inside, sometimes overflowing (clock skew) */
			int64_t lo = i ? st[p] - (rand() % 8 == 0 ? 20 : 0) : 0;
			int64_t hi = i ? en[p] + (rand() % 8 == 0 ? 20 : 0) : 100000;
			st[i] = lo + rand() % (hi - lo + 1);
			en[i] = st[i] + rand() % (hi - st[i] + 1);
			int k = p >= 0 ? snprintf(line, sizeof(line),
					  "{\"type\":\"segment\",\"trace\":\"t\",\"id\":\"%d\",\"parent\":\"%d\",\"svc\":\"s\",\"name\":\"o%d\",\"start_us\":%lld,\"end_us\":%lld}\n",
					  i, p, i % 5, (long long)st[i], (long long)en[i])
				       : snprintf(line, sizeof(line),
					  "{\"type\":\"segment\",\"trace\":\"t\",\"id\":\"%d\",\"svc\":\"s\",\"name\":\"root\",\"start_us\":%lld,\"end_us\":%lld}\n",
					  i, (long long)st[i], (long long)en[i]);
			gr_buf_add(&ev, line, (size_t)k);
		}
		analyse(&ev, &sp, &rq);
		cr_assert_eq(rq.nruns, 1);
		const struct gr_cp_req_run *run = &rq.runs[0];
		int64_t t = sp.v[run->root].start_us;
		for (uint32_t i = 0; i < run->nsec; i++) {
			const struct gr_cp_section *s = &rq.secs[run->sec0 + i];
			cr_assert_eq(s->start_us, t, "seed %u: sections are contiguous", seed);
			cr_assert_gt(s->end_us, s->start_us);
			t = s->end_us;
		}
		cr_assert_eq(t, sp.v[run->root].end_us);
		/* every critical span's parent is critical too */
		for (uint32_t i = 1; i < run->nitem; i++) {
			uint32_t p = sp.v[rq.items[run->item0 + i].span].parent;
			bool found = false;
			for (uint32_t j = 0; j < run->nitem && !found; j++)
				found = rq.items[run->item0 + j].span == p;
			cr_assert(found);
		}
		gr_cp_req_release(&rq);
		gr_spans_release(&sp);
	}
	gr_buf_release(&ev);
}

Test(critpath_request, xray_lambda_segments)
{
	/* AWS::Lambda with Dwell Time and Attempt #1, the function segment under it,
	 * its Invocation calling SQS (with X-Ray's inferred SQS segment) and invoking
	 * another function asynchronously (whose AWS::Lambda segment is a root) */
	struct gr_buf ev = GR_BUF_INIT;
	struct gr_spans sp;
	struct gr_cp_req rq;

#define X(id, rest) "{\"type\":\"segment\",\"trace\":\"1-x\",\"id\":\"" id "\"," rest "}\n"
	events(&ev,
	       X("L", "\"name\":\"fn\",\"origin\":\"AWS::Lambda\",\"start_us\":0,\"end_us\":1000")
	       X("D", "\"parent\":\"L\",\"sub\":true,\"name\":\"Dwell Time\",\"start_us\":0,\"end_us\":100")
	       X("A", "\"parent\":\"L\",\"sub\":true,\"name\":\"Attempt #1\",\"start_us\":100,\"end_us\":1000")
	       X("F", "\"parent\":\"L\",\"name\":\"fn\",\"origin\":\"AWS::Lambda::Function\",\"start_us\":100,\"end_us\":1000")
	       X("I", "\"parent\":\"F\",\"sub\":true,\"name\":\"Invocation\",\"start_us\":100,\"end_us\":990")
	       X("Q", "\"parent\":\"I\",\"sub\":true,\"name\":\"SQS\",\"ns\":\"aws\",\"op\":\"SendMessage\",\"start_us\":200,\"end_us\":300")
	       X("QI", "\"parent\":\"Q\",\"name\":\"SQS\",\"origin\":\"AWS::SQS::Queue\",\"inferred\":true,\"op\":\"SendMessage\",\"start_us\":200,\"end_us\":300")
	       X("V", "\"parent\":\"I\",\"sub\":true,\"name\":\"Lambda\",\"ns\":\"aws\",\"op\":\"Invoke\",\"inv\":\"Event\",\"start_us\":400,\"end_us\":450")
	       X("L2", "\"parent\":\"V\",\"name\":\"other\",\"origin\":\"AWS::Lambda\",\"start_us\":460,\"end_us\":5000"));
#undef X
	analyse(&ev, &sp, &rq);
	cr_assert_eq(rq.nruns, 2);
	cr_assert_str_eq(sp.v[sp.v[3].parent].id, "A", "the function segment runs in its attempt");
	cr_assert(!sp.v[6].async, "an inferred segment is the service a call waited on");
	cr_assert_str_eq(sp.v[sp.v[6].parent].id, "Q");
	cr_assert(sp.v[8].async, "an asynchronous invoke starts a tree of its own");
	cr_assert_str_eq(sp.v[4].svc, "fn", "subsegments take their segment's service");
	const struct gr_cp_req_run *run = &rq.runs[0];
	cr_assert_str_eq(sp.v[run->root].id, "L");
	/* on the path: L, Dwell, Attempt, function, Invocation, SQS call, inferred SQS,
	 * Invoke; 1000 us of latency split among them */
	cr_assert_eq(run->nitem, 8);
	int64_t total = 0;
	for (uint32_t i = 0; i < run->nitem; i++)
		total += rq.items[run->item0 + i].self_us;
	cr_assert_eq(total, 1000);
	gr_cp_req_release(&rq);
	gr_spans_release(&sp);
	gr_buf_release(&ev);
}
