/* test_fetch.c: gr_fetch end to end: ordering, jobs, accounting, attribution. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "common/buf.h"
#include "gammaray.h"

static int to_buf(void *ctx, const char *p, size_t n)
{
	return gr_buf_add(ctx, p, n);
}

/* Diagnostics as "sev file:line msg\n". */
static void to_diag(void *ctx, int sev, const struct gr_error *e)
{
	char line[1200];

	gr_error_format(e, line, sizeof(line));
	gr_buf_addf(ctx, "%d %s\n", sev, line);
}

static int run(const char *path, int jobs, struct gr_buf *out, struct gr_buf *diag,
	       struct gr_stats *st)
{
	struct gr_fetch_opts o;
	struct gr_fetch_input in = { path, NULL };
	struct gr_error err = { 0 };

	gr_fetch_opts_init(&o);
	o.jobs = jobs;
	o.write = to_buf;
	o.write_ctx = out;
	o.diag = to_diag;
	o.diag_ctx = diag;
	o.export_tasks = "../../fixtures/export-tasks.json";
	return gr_fetch(&o, &in, 1, st, &err);
}

Test(fetch, same_output_whatever_the_jobs)
{
	struct gr_buf a = GR_BUF_INIT, b = GR_BUF_INIT, da = GR_BUF_INIT, db = GR_BUF_INIT;
	struct gr_stats sa, sb;

	cr_assert_eq(run("../../fixtures", 1, &a, &da, &sa), 0);
	cr_assert_eq(run("../../fixtures", 7, &b, &db, &sb), 0);
	cr_assert_gt(a.len, 10000);
	cr_assert_eq(a.len, b.len);
	cr_assert_eq(memcmp(a.data, b.data, a.len), 0);
	cr_assert_str_eq(da.data, db.data, "messages come out in the same order too");
	cr_assert_eq(sa.records_in, sb.records_in);
	cr_assert(gr_stats_balanced(&sa));
	cr_assert(gr_stats_balanced(&sb));
	gr_buf_release(&a);
	gr_buf_release(&b);
	gr_buf_release(&da);
	gr_buf_release(&db);
}

static void write_gz(const char *path, const char *text)
{
	gzFile f = gzopen(path, "wb");
	cr_assert_not_null(f);
	gzwrite(f, text, (unsigned)strlen(text));
	gzclose(f);
}

/* A stream whose chunks are out of time order, with print()-style markers that name
 * no request id: each goes to the invocation whose START..END encloses it in time. */
Test(fetch, attribution_across_out_of_order_chunks)
{
	char dir[] = "/tmp/gr-fetch-XXXXXX", path[256];
	struct gr_buf out = GR_BUF_INIT, diag = GR_BUF_INIT;
	struct gr_stats st;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/2024-05-01-[$LATEST]abc", dir);
	cr_assert_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/2024-05-01-[$LATEST]abc/000000.gz", dir);
	/* the later invocation B comes first; A's END is in the next file */
	write_gz(path,
		 "2024-05-01T12:00:10.000Z START RequestId: bbbbbbbb-0000-4000-8000-000000000002 Version: $LATEST\n\n"
		 "2024-05-01T12:00:10.500Z GAMMARAY {\"v\":1,\"ev\":\"call\",\"n\":\"b\"}\n\n"
		 "2024-05-01T12:00:11.000Z END RequestId: bbbbbbbb-0000-4000-8000-000000000002\n\n"
		 "2024-05-01T12:00:01.000Z START RequestId: aaaaaaaa-0000-4000-8000-000000000001 Version: $LATEST\n\n"
		 "2024-05-01T12:00:01.500Z GAMMARAY {\"v\":1,\"ev\":\"call\",\"n\":\"a1\"}\n\n");
	snprintf(path, sizeof(path), "%s/2024-05-01-[$LATEST]abc/000001.gz", dir);
	write_gz(path,
		 "2024-05-01T12:00:01.700Z GAMMARAY {\"v\":1,\"ev\":\"call\",\"n\":\"a2\"}\n\n"
		 "2024-05-01T12:00:02.000Z END RequestId: aaaaaaaa-0000-4000-8000-000000000001\n\n"
		 "2024-05-01T12:00:05.000Z GAMMARAY {\"v\":1,\"ev\":\"call\",\"n\":\"between\"}\n\n");
	cr_assert_eq(run(dir, 1, &out, &diag, &st), 0);
	cr_assert(strstr(out.data, "\"req\":\"bbbbbbbb-0000-4000-8000-000000000002\",\"m\":{\"v\":1,\"ev\":\"call\",\"n\":\"b\"}"), "%s", out.data);
	cr_assert(strstr(out.data, "\"req\":\"aaaaaaaa-0000-4000-8000-000000000001\",\"m\":{\"v\":1,\"ev\":\"call\",\"n\":\"a1\"}"), "%s", out.data);
	cr_assert(strstr(out.data, "\"req\":\"aaaaaaaa-0000-4000-8000-000000000001\",\"m\":{\"v\":1,\"ev\":\"call\",\"n\":\"a2\"}"), "%s", out.data);
	cr_assert_null(strstr(out.data, "between"));
	cr_assert_eq(st.reason[GR_LOST_NO_REQUEST], 1);
	cr_assert(strstr(diag.data, "000001.gz:5:"), "%s", diag.data);
	cr_assert(strstr(out.data, "\"stream\":\"2024/05/01/[$LATEST]abc\""), "%s", out.data);
	cr_assert(gr_stats_balanced(&st));
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	cr_assert_eq(system(path), 0);
	gr_buf_release(&out);
	gr_buf_release(&diag);
}

static int fail_write(void *ctx, const char *p, size_t n)
{
	(void)ctx;
	(void)p;
	(void)n;
	return GR_ERR_PIPE;
}

Test(fetch, output_errors_stop_the_run)
{
	struct gr_fetch_opts o;
	struct gr_fetch_input in = { "../../fixtures/export", NULL };
	struct gr_error err = { 0 };
	struct gr_stats st;

	gr_fetch_opts_init(&o);
	o.write = fail_write;
	cr_assert_eq(gr_fetch(&o, &in, 1, &st, &err), GR_ERR_PIPE);
	o.jobs = 0;
	cr_assert_eq(gr_fetch(&o, &in, 1, &st, &err), GR_ERR_USAGE);
}

Test(fetch, strict_stops_at_the_first_loss)
{
	struct gr_fetch_opts o;
	struct gr_fetch_input in[2] = { { "../../fixtures/logs/console-copy.txt", NULL },
					{ "../../fixtures/logs/insights-results.json", NULL } };
	struct gr_buf out = GR_BUF_INIT;
	struct gr_error err = { 0 };
	struct gr_stats st;

	gr_fetch_opts_init(&o);
	o.write = to_buf;
	o.write_ctx = &out;
	o.strict = true;
	cr_assert_eq(gr_fetch(&o, in, 2, &st, &err), GR_ERR_DATA);
	cr_assert(strstr(err.msg, "without a request id"), "%s", err.msg);
	cr_assert_str_eq(err.file, "../../fixtures/logs/console-copy.txt");
	cr_assert_eq(err.line, 17);
	cr_assert_null(strstr(out.data, "55555555"), "nothing after the failing input is written");
	gr_buf_release(&out);
}
