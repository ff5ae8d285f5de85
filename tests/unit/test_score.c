/* test_score.c: gammaray-score's counts, per kind, with and without --xray-only. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "gammaray.h"

static const char *truth =
	"{\"type\":\"gammaray-truth\",\"v\":1,\"seed\":1,\"app\":\"t\"}\n"
	"{\"type\":\"node\",\"id\":\"a\",\"fn\":\"f\",\"start_us\":1000,\"end_us\":2000,\"status\":\"ok\"}\n"
	"{\"type\":\"node\",\"id\":\"b\",\"fn\":\"g\",\"start_us\":3000,\"end_us\":4000,\"status\":\"error\"}\n"
	"{\"type\":\"node\",\"id\":\"c\",\"fn\":\"g\",\"start_us\":5000,\"end_us\":6000,\"status\":\"ok\"}\n"
	"{\"type\":\"edge\",\"from\":\"a\",\"to\":\"b\",\"kind\":\"s3\",\"sync\":false,\"xray\":false}\n"
	"{\"type\":\"edge\",\"from\":\"a\",\"to\":\"c\",\"kind\":\"sns\",\"sync\":false,\"xray\":true}\n"
	"{\"type\":\"edge\",\"from\":\"b\",\"to\":\"c\",\"kind\":\"lambda\",\"sync\":true,\"xray\":true}\n"
	"{\"type\":\"critpath\",\"root\":\"a\"}\n";

static const char *graph =
	"{\"type\":\"gammaray-graph\",\"v\":1}\n"
	"{\"type\":\"node\",\"id\":\"a\",\"fn\":\"f\",\"start_us\":1000,\"end_us\":2000,\"status\":\"ok\"}\n"
	"{\"type\":\"node\",\"id\":\"b\",\"fn\":\"g\",\"start_us\":3000,\"end_us\":6000,\"status\":\"ok\"}\n"
	"{\"type\":\"edge\",\"from\":\"a\",\"to\":\"b\",\"kind\":\"s3\",\"sync\":false}\n"
	"{\"type\":\"edge\",\"from\":\"a\",\"to\":\"b\",\"kind\":\"s3\",\"sync\":false}\n"
	"{\"type\":\"edge\",\"from\":\"a\",\"to\":\"c\",\"kind\":\"sqs\",\"sync\":false}\n"
	"{\"type\":\"edge\",\"from\":\"b\",\"to\":\"c\",\"kind\":\"lambda\",\"sync\":true}\n"
	"{\"type\":\"unmatched\",\"what\":\"trigger\",\"req\":\"c\"}\n";

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
}

static int to_buf(void *ctx, const char *p, size_t n)
{
	return gr_buf_add(ctx, p, n);
}

Test(score, counts_per_kind)
{
	struct gr_score_opts o = { 0 };
	struct gr_score s;
	struct gr_stats st;
	struct gr_error err = { 0 };

	put("score_truth.ndjson", truth);
	put("score_graph.ndjson", graph);
	cr_assert_eq(gr_score_run(&o, "score_truth.ndjson", "score_graph.ndjson", &s, &st, &err), 0,
		     "%s", err.msg);
	cr_assert_eq(s.all.truth, 3);
	cr_assert_eq(s.all.found, 3);        /* the duplicate s3 edge counts once */
	cr_assert_eq(s.all.found_ok, 2);
	cr_assert_eq(s.all.truth_ok, 2);
	cr_assert_eq(s.kind[1].found_ok, 1); /* s3 */
	cr_assert_eq(s.kind[3].truth, 1);    /* sns: missed */
	cr_assert_eq(s.kind[3].truth_ok, 0);
	cr_assert_eq(s.kind[4].found, 1);    /* sqs: wrong */
	cr_assert_float_eq(gr_score_precision(&s.kind[4]), 0.0, 1e-9);
	cr_assert_float_eq(gr_score_recall(&s.kind[4]), 1.0, 1e-9); /* nothing to find */
	cr_assert_eq(s.common_nodes, 2);
	cr_assert_eq(s.status_agree, 1);
	cr_assert_eq(s.fn_agree, 2);
	cr_assert_eq(s.time_agree, 1);
	cr_assert(gr_stats_balanced(&st));

	o.xray_only = true;
	cr_assert_eq(gr_score_run(&o, "score_truth.ndjson", "score_graph.ndjson", &s, &st, &err), 0);
	cr_assert_eq(s.all.truth, 2);
	cr_assert_eq(s.all.truth_ok, 1);
	cr_assert_eq(s.all.found_ok, 2);     /* precision still counts every truth edge */

	struct gr_buf b = GR_BUF_INIT;
	cr_assert_eq(gr_score_report(&s, &o, true, to_buf, &b), 0);
	cr_assert_not_null(strstr(b.data, "\"all\":{\"truth\":2,\"found\":3,\"correct\":2,\"recalled\":1,"
					  "\"precision\":0.666667,\"recall\":0.500000}"), "%s", b.data);
	gr_buf_release(&b);
	remove("score_truth.ndjson");
	remove("score_graph.ndjson");
}

Test(score, files_swapped_or_wrong)
{
	struct gr_score_opts o = { 0 };
	struct gr_score s;
	struct gr_stats st;
	struct gr_error err = { 0 };

	put("score_t2.ndjson", truth);
	put("score_g2.ndjson", graph);
	cr_assert_eq(gr_score_run(&o, "score_g2.ndjson", "score_t2.ndjson", &s, &st, &err),
		     GR_ERR_FORMAT);
	cr_assert_eq(err.line, 1);
	cr_assert_eq(gr_score_run(&o, "score_t2.ndjson", "no-such-file", &s, &st, &err), GR_ERR_IO);
	remove("score_t2.ndjson");
	remove("score_g2.ndjson");
}
