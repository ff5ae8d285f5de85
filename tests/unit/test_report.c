/* test_report.c: unit tests of gammaray-report: the page's JSON escaping, the model's map, runs and lists. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/reader.h"
#include "report/report.h"

/* --- gr_report_json_for_html ------------------------------------------------------- */

struct esc_case {
	const char *in;    /* JSON text */
	const char *want;  /* as it goes into the page */
};

static struct esc_case esc_cases[] = {
	{ "{\"a\":1}", "{\"a\":1}" },
	{ "\"</script>\"", "\"\\u003c/script\\u003e\"" },
	{ "\"a&b<!--\"", "\"a\\u0026b\\u003c!--\"" },
	{ "\"\xe2\x80\xa8\xe2\x80\xa9\"", "\"\\u2028\\u2029\"" },
	{ "\"\xe2\x80\xae" "abc\xe2\x81\xa6\xe2\x80\x8b\"", "\"\\u202eabc\\u2066\\u200b\"" },
	/* other characters of the same lead byte stay as they are */
	{ "\"\xe2\x80\x94 \xe2\x82\xac\"", "\"\xe2\x80\x94 \xe2\x82\xac\"" },
	/* a truncated sequence at the end is copied */
	{ "\"\xe2\x80", "\"\xe2\x80" },
};

/* indices, not the cases: the parameters are copied to the test's process */
static size_t esc_ix[] = { 0, 1, 2, 3, 4, 5, 6 };

ParameterizedTestParameters(report, json_for_html)
{
	return cr_make_param_array(size_t, esc_ix, sizeof(esc_cases) / sizeof(esc_cases[0]));
}

ParameterizedTest(size_t *ix, report, json_for_html)
{
	const struct esc_case *c = &esc_cases[*ix];
	struct gr_buf b = GR_BUF_INIT;

	cr_assert_eq(gr_report_json_for_html(&b, c->in, strlen(c->in)), 0);
	cr_assert_str_eq(b.data ? b.data : "", c->want);
	gr_buf_release(&b);
}

Test(report, escaped_json_parses_to_the_same_value)
{
	const char *in = "{\"k\":\"</script><script>alert(1)</script> & \xe2\x80\xae\xe2\x80\xa8\"}";
	struct gr_buf b = GR_BUF_INIT;

	cr_assert_eq(gr_report_json_for_html(&b, in, strlen(in)), 0);
	cr_assert_null(strchr(b.data, '<'));
	json_t *x = json_loads(in, 0, NULL), *y = json_loads(b.data, 0, NULL);
	cr_assert(x && y && json_equal(x, y));
	json_decref(x);
	json_decref(y);
	gr_buf_release(&b);
}

/* The byte-at-a-time escape the page's scan must agree with. */
static void naive_for_html(struct gr_buf *b, const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned cp = 0;
		if (s[i] == 0xe2 && i + 2 < n && (s[i + 1] & 0xc0) == 0x80 && (s[i + 2] & 0xc0) == 0x80)
			cp = 0x2000 + ((unsigned)(s[i + 1] & 0x3f) << 6) + (s[i + 2] & 0x3f);
		char tmp[8];
		if (s[i] == '<' || s[i] == '>' || s[i] == '&') {
			snprintf(tmp, sizeof(tmp), "\\u%04x", s[i]);
			gr_buf_adds(b, tmp);
		} else if ((cp >= 0x200b && cp <= 0x200f) || (cp >= 0x2028 && cp <= 0x202e) ||
			   (cp >= 0x2066 && cp <= 0x2069)) {
			snprintf(tmp, sizeof(tmp), "\\u%04x", cp);
			gr_buf_adds(b, tmp);
			i += 2;
		} else {
			gr_buf_add(b, (const char *)s + i, 1);
		}
	}
}

Test(report, json_for_html_at_every_offset)
{
	/* escapes at every place of the sixteen-byte blocks, split across them, near the end */
	static const unsigned char alphabet[] = { 'a', '"', '<', '>', '&', 0xe2, 0x80, 0x81,
						  0xa8, 0xae, 0x8b, 0x94, 0xbf, 0x00 };
	unsigned seed = 12345;

	for (int round = 0; round < 4000; round++) {
		unsigned char in[80];
		size_t n = (size_t)(round % 80);
		for (size_t i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			/* mostly plain text, so blocks with nothing to escape come up too */
			unsigned pick = (seed >> 16) % 40;
			in[i] = pick < sizeof(alphabet) ? alphabet[pick] : (unsigned char)('b' + pick % 20);
		}
		struct gr_buf got = GR_BUF_INIT, want = GR_BUF_INIT;
		cr_assert_eq(gr_report_json_for_html(&got, (const char *)in, n), 0);
		naive_for_html(&want, in, n);
		cr_assert_eq(got.len, want.len, "round %d", round);
		cr_assert(!got.len || !memcmp(got.data, want.data, got.len), "round %d", round);
		gr_buf_release(&got);
		gr_buf_release(&want);
	}
}

/* --- the model ----------------------------------------------------------------------- */

/* a -> (s3 bkt) -> b (cold, failed); c alone, retried. */
static const char graph_text[] =
	"{\"type\":\"gammaray-graph\",\"v\":1}\n"
	"{\"type\":\"node\",\"id\":\"a\",\"fn\":\"up\",\"start_us\":1000,\"end_us\":3000,\"status\":\"ok\"}\n"
	"{\"type\":\"node\",\"id\":\"b\",\"fn\":\"resize\",\"start_us\":4000,\"end_us\":9000,\"init_us\":1000,"
	"\"cold\":true,\"start\":\"cold\",\"status\":\"error\"}\n"
	"{\"type\":\"node\",\"id\":\"c\",\"fn\":\"up\",\"start_us\":20000,\"end_us\":21000,\"status\":\"ok\","
	"\"attempts\":2}\n"
	"{\"type\":\"edge\",\"from\":\"a\",\"to\":\"b\",\"kind\":\"s3\",\"evidence\":\"marker\","
	"\"key\":\"bkt/x.jpg\",\"cause_us\":2500,\"delay_us\":1500,\"confidence\":1}\n"
	"{\"type\":\"unmatched\",\"what\":\"trigger\",\"req\":\"c\",\"kind\":\"sqs\",\"key\":\"m\",\"ts\":20500}\n";

/* A graph read, its critical paths and statistics, and the report built on them. */
struct built {
	struct gr_graph g;
	struct gr_stats st;
	struct gr_cp cp;
	struct gr_cp_stats cs;
	struct gr_report r;
};

static void build(struct built *b, const char *text, int top, size_t max_index)
{
	struct gr_reader rd;
	struct gr_error err = { 0 };
	struct gr_cp_opts co;

	memset(b, 0, sizeof(*b));
	gr_graph_init(&b->g);
	gr_reader_open_mem(&rd, "test", text, strlen(text));
	cr_assert_eq(gr_graph_read(&b->g, &rd, &b->st, NULL, NULL, &err), 0, "%s", err.msg);
	gr_reader_release(&rd);
	gr_cp_init(&b->cp);
	gr_cp_opts_init(&co);
	co.mark = true;
	cr_assert_eq(gr_cp_workflow(&b->g, &co, &b->cp, &err), 0);
	gr_cp_stats_init(&b->cs);
	cr_assert_eq(gr_cp_stats_workflow(&b->cs, &b->g, &b->cp), 0);
	cr_assert_eq(gr_report_begin(&b->r, &b->g, &b->cp, top, max_index), 0);
	cr_assert_eq(gr_report_build(&b->r, &b->cs), 0);
}

static void built_release(struct built *b)
{
	gr_report_release(&b->r);
	gr_cp_stats_release(&b->cs);
	gr_cp_release(&b->cp);
	gr_graph_release(&b->g);
}

Test(report, model)
{
	struct built b;
	struct gr_error err = { 0 };

	build(&b, graph_text, 1, 10);

	/* the map: functions by name (f1 resize, f2 up), then the bucket */
	cr_assert_eq(b.r.map.nnodes, 3);
	cr_assert_str_eq(b.r.map.nodes[0].id, "f1");
	cr_assert_eq(b.r.map.nodes[0].name_len, 6);
	cr_assert(!memcmp(b.r.map.nodes[0].name, "resize", 6));
	cr_assert_eq(b.r.map.nodes[0].cold, 1);
	cr_assert_eq(b.r.map.nodes[0].errors, 1);
	cr_assert_eq(b.r.map.nodes[0].ndur, 1);
	cr_assert_eq(b.r.map.durs[b.r.map.nodes[0].dur_at], 4000); /* 9000 - 4000 - init */
	cr_assert_str_eq(b.r.map.nodes[1].id, "f2");
	cr_assert_eq(b.r.map.nodes[1].count, 2);
	cr_assert_str_eq(b.r.map.nodes[2].id, "s1");
	cr_assert_eq(b.r.map.nodes[2].type, GR_FMAP_SERVICE);
	cr_assert_eq(b.r.map.nlinks, 2);

	/* runs: a's (latency 8000, failed, cold) and c's (retried); top 1 per list */
	cr_assert_eq(b.r.nruns, 2);
	cr_assert_eq(b.r.nlist[GR_REPORT_SLOWEST], 1);
	cr_assert_eq(b.r.nflag[GR_REPORT_FAILED], 1);
	cr_assert_eq(b.r.nflag[GR_REPORT_COLD], 1);
	cr_assert_eq(b.r.nflag[GR_REPORT_RETRY], 1);
	cr_assert_eq(b.r.ndetail, 2);
	cr_assert_eq(b.cp.runs[b.r.runs[b.r.lists[GR_REPORT_SLOWEST][0]].cp].latency_us, 8000);
	cr_assert_eq(b.r.unmatched, 1);

	struct gr_buf json = GR_BUF_INIT, page = GR_BUF_INIT;
	cr_assert_eq(gr_report_data(&json, &b.r, &b.st, &err), 0);
	cr_assert_eq(gr_report_page(&page, &json, "<svg>&</svg>", 12, &err), 0);
	cr_assert_not_null(strstr(page.data, "<script type=\"application/json\" id=\"gr-data\">{"));
	cr_assert_not_null(strstr(page.data, ",\"svg\":\"\\u003csvg\\u003e\\u0026\\u003c/svg\\u003e\"}</script>"));
	gr_buf_release(&json);
	gr_buf_release(&page);
	built_release(&b);
}

/* Runs slowest first and, at equal latency, by root id. */
static void check_order(const char *text, const char *const *want, size_t n)
{
	struct built b;

	build(&b, text, 10, 100);
	cr_assert_eq(b.r.nindex, n);
	for (size_t i = 0; i < n; i++)
		cr_assert_str_eq(b.g.nodes[b.cp.runs[b.r.runs[b.r.index[i]].cp].root].id, want[i],
				 "at %zu", i);
	built_release(&b);
}

#define RUN(id, start, end)                                                                      \
	"{\"type\":\"node\",\"id\":\"" id "\",\"fn\":\"f\",\"start_us\":" #start ",\"end_us\":" #end \
	",\"status\":\"ok\"}\n"

Test(report, runs_slowest_first_ties_by_root)
{
	static const char text[] = "{\"type\":\"gammaray-graph\",\"v\":1}\n"
		RUN("m", 0, 500) RUN("k", 10, 510) RUN("z", 20, 9020) RUN("b", 30, 530)
		RUN("a", 40, 40) RUN("q", 50, 1050);
	static const char *const want[] = { "z", "q", "b", "k", "m", "a" };
	check_order(text, want, 6);

	/* a run of 23 days (2e12 us, past any 40-bit key): the same order */
	static const char big[] = "{\"type\":\"gammaray-graph\",\"v\":1}\n"
		RUN("m", 0, 500) RUN("k", 10, 510) RUN("z", 20, 2000000000020) RUN("b", 30, 530)
		RUN("a", 40, 40) RUN("q", 50, 1050);
	check_order(big, want, 6);
}
