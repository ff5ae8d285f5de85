/* gammaray_infer.c: gammaray-infer, the event stream to the causal graph of invocations. */
#include <errno.h>
#include <getopt.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const char usage[] =
	"Usage: gammaray-infer [OPTION]... [FILE]...\n"
	"Read the event stream of gammaray-fetch (gammaray-events(5); FILEs, directories, or\n"
	"standard input; gzip is undone; records in any order) and write the causal graph\n"
	"of the Lambda invocations (gammaray-graph(5)): one node per request id, one edge per\n"
	"cause, found from GAMMARAY markers (gammaray-markers(7)) and X-Ray.\n"
	"\n"
	"      --tolerance DUR     clock tolerance between hosts (100ms); a cause later\n"
	"                          than its effect by more is a counted violation\n"
	"      --link-window DUR   how long before its effect a write may be, for\n"
	"                          triggers matched by key and time (15m)\n"
	"      --window DUR        input in time order: write and forget invocations that\n"
	"                          ended DUR before the newest record (bounded memory;\n"
	"                          evidence arriving later than DUR is not linked)\n"
	"      --no-unmatched      do not write \"unmatched\" records (still counted)\n"
	"      --stage NAME        one stage of a sharded run (gammaray-shard(7)): map,\n"
	"                          request, stream, trace, link, effect or merge; each\n"
	"                          reads the previous one's output sorted (LC_ALL=C sort)\n"
	"      --part N            map: the input is part N of one event stream cut into\n"
	"                          parts, numbered in order (0: its first, or all of it)\n"
	"      --buckets N         a stage but the merge: write the lines into files of\n"
	"                          --bucket-dir by the stage that reads them and the hash\n"
	"                          of their key: L-B.lines, stage letter L, bucket B < N\n"
	"      --bucket-dir DIR    where those go (a driver moves files, not lines)\n"
	"      --unsorted          a stage but the map: its input is not sorted; it holds\n"
	"                          all of it and orders it itself (no sort before it)\n"
	"      --split N           merge: also write each run (invocations joined by\n"
	"                          edges) whole into one of N graph files, in --split-dir\n"
	"      --split-dir DIR     merge: where those go: DIR/runs-0000.ndjson...\n"
	CLI_COMMON_HELP
	"\n"
	"DUR is a number with a unit: us, ms, s, m, h, d (a bare number is seconds).\n"
	"--stats also counts edges by kind and evidence, unmatched evidence, clock\n"
	"violations and function-level loops.\n"
	"Exit status: 0 when every record was used or deliberately skipped, 1 when\n"
	"records or files were lost (see --stats) or on a runtime error, 2 on bad usage.\n"
	"Example: gammaray-fetch export/ traces/ | gammaray-infer --stats > graph.ndjson\n";

enum { OPT_TOLERANCE = 256, OPT_LINK_WINDOW, OPT_WINDOW, OPT_NO_UNMATCHED, OPT_STAGE, OPT_PART,
       OPT_SPLIT, OPT_SPLIT_DIR, OPT_BUCKETS, OPT_BUCKET_DIR, OPT_UNSORTED };

static const struct option longopts[] = {
	{ "tolerance", required_argument, NULL, OPT_TOLERANCE },
	{ "link-window", required_argument, NULL, OPT_LINK_WINDOW },
	{ "window", required_argument, NULL, OPT_WINDOW },
	{ "no-unmatched", no_argument, NULL, OPT_NO_UNMATCHED },
	{ "stage", required_argument, NULL, OPT_STAGE },
	{ "part", required_argument, NULL, OPT_PART },
	{ "split", required_argument, NULL, OPT_SPLIT },
	{ "split-dir", required_argument, NULL, OPT_SPLIT_DIR },
	{ "buckets", required_argument, NULL, OPT_BUCKETS },
	{ "bucket-dir", required_argument, NULL, OPT_BUCKET_DIR },
	{ "unsorted", no_argument, NULL, OPT_UNSORTED },
	CLI_COMMON_LONGOPTS,
	{ NULL, 0, NULL, 0 },
};

static int64_t duration(const char *opt, const char *s)
{
	int64_t us;

	if (gr_duration_parse(s, &us))
		cli_usage_error("invalid duration '%s' for %s (a number with us, ms, s, m, h or d)",
				s, opt);
	return us;
}

/* "s3 12, sqs 3" of the nonzero counts, as text and as an object. */
static void per_kind(struct cli_report *r, const char *key, const uint64_t *v, char *out,
		     size_t size)
{
	size_t o = 0;

	out[0] = '\0';
	cli_report_obj(r, key);
	for (int k = 1; k < GR_INFER_KINDS; k++) {
		if (!v[k])
			continue;
		cli_report_u64(r, gr_infer_kind_name(k), v[k]);
		int n = snprintf(out + o, size - o, "%s%s %llu", o ? ", " : "", gr_infer_kind_name(k),
				 (unsigned long long)v[k]);
		if (n < 0 || (size_t)n >= size - o)
			break;
		o += (size_t)n;
	}
	cli_report_obj_end(r);
}

static uint64_t sum(const uint64_t *v, int n)
{
	uint64_t s = 0;

	for (int i = 0; i < n; i++)
		s += v[i];
	return s;
}

/* What --stats adds to the record counts. */
static void more_stats(void *ctx, struct cli_report *r)
{
	const struct gr_infer_stats *st = ctx;
	char buf[400];
	size_t o = 0;

	cli_report_u64(r, "invocations", st->invocations);
	cli_report_u64(r, "retried", st->retried);
	cli_report_u64(r, "referenced", st->referenced);
	cli_report_u64(r, "edges", st->edges);
	cli_report_u64(r, "uncertain", st->uncertain);
	cli_report_text(r, "%llu invocations (%llu retried, %llu more only referenced), "
			"%llu edges (%llu below confidence 1)", (unsigned long long)st->invocations,
			(unsigned long long)st->retried, (unsigned long long)st->referenced,
			(unsigned long long)st->edges, (unsigned long long)st->uncertain);
	per_kind(r, "edges_by_kind", st->edges_kind, buf, sizeof(buf));
	if (buf[0])
		cli_report_text(r, "  edges by kind: %s", buf);
	buf[0] = '\0';
	cli_report_obj(r, "edges_by_evidence");
	for (int e = 1; e < GR_INFER_EVIDENCE; e++) {
		if (!st->edges_evidence[e])
			continue;
		cli_report_u64(r, gr_infer_evidence_name(e), st->edges_evidence[e]);
		int n = snprintf(buf + o, sizeof(buf) - o, "%s%s %llu", o ? ", " : "",
				 gr_infer_evidence_name(e), (unsigned long long)st->edges_evidence[e]);
		if (n < 0 || (size_t)n >= sizeof(buf) - o)
			break;
		o += (size_t)n;
	}
	cli_report_obj_end(r);
	if (buf[0])
		cli_report_text(r, "  edges by evidence: %s", buf);
	per_kind(r, "unmatched_triggers", st->unmatched_trigger, buf, sizeof(buf));
	cli_report_text(r, "unmatched: %llu triggers without a producer%s%s%s",
			(unsigned long long)sum(st->unmatched_trigger, GR_INFER_KINDS),
			buf[0] ? " (" : "", buf, buf[0] ? ")" : "");
	per_kind(r, "unmatched_causes", st->unmatched_cause, buf, sizeof(buf));
	cli_report_text(r, "unmatched: %llu writes or sends without an effect seen%s%s%s",
			(unsigned long long)sum(st->unmatched_cause, GR_INFER_KINDS),
			buf[0] ? " (" : "", buf, buf[0] ? ")" : "");
	cli_report_u64(r, "unmatched_xray", st->unmatched_xray);
	cli_report_text(r, "unmatched: %llu X-Ray parents or links not in the input",
			(unsigned long long)st->unmatched_xray);
	cli_report_u64(r, "clock_violations", st->clock_violations);
	cli_report_u64(r, "cycles_broken", st->cycles_broken);
	cli_report_text(r, "%llu clock violations, %llu edges dropped to keep the graph acyclic",
			(unsigned long long)st->clock_violations,
			(unsigned long long)st->cycles_broken);
	cli_report_u64(r, "released", st->released);
	cli_report_u64(r, "late", st->late);
	if (st->released || st->late)
		cli_report_text(r, "--window: %llu invocations released early, %llu late records",
				(unsigned long long)st->released, (unsigned long long)st->late);
	cli_report_strs(r, "loops", st->loops, st->nloops);
	cli_report_text(r, "%zu function-level loops%s", st->nloops, st->nloops ? ":" : "");
	for (size_t i = 0; i < st->nloops; i++)
		cli_report_text(r, "  %s", st->loops[i]);
}

/* Write (mode "w") or append ("a") data to path; says why on failure. */
static int put_file(const char *path, const char *mode, const char *data, size_t len)
{
	FILE *f = fopen(path, mode);
	if (!f) {
		cli_msg("cannot %s %s: %s", *mode == 'a' ? "open" : "create", path, strerror(errno));
		return GR_ERR_IO;
	}
	size_t w = fwrite(data, 1, len, f);
	if (fclose(f) != 0 || w != len) {
		cli_msg("cannot write %s: %s", path, strerror(errno));
		return GR_ERR_IO;
	}
	return 0;
}

/* --split: the graph stream of shard i of the runs, into DIR/runs-NNNN.ndjson. */
static int write_run(void *ctx, unsigned shard, const char *data, size_t len)
{
	char path[4096];
	int n = snprintf(path, sizeof(path), "%s/runs-%04u.ndjson", (const char *)ctx, shard);

	if (n < 0 || (size_t)n >= sizeof(path))
		return GR_ERR_IO;
	return put_file(path, "w", data, len);
}

/* --buckets: lines of stage letter L, bucket B appended to DIR/L-B.lines. */
static int write_bucket(void *ctx, char letter, unsigned bucket, const char *data, size_t len)
{
	char path[4096];
	int n = snprintf(path, sizeof(path), "%s/%c-%u.lines", (const char *)ctx, letter, bucket);

	if (n < 0 || (size_t)n >= sizeof(path))
		return GR_ERR_IO;
	return put_file(path, "a", data, len);
}

/* One stage of a sharded run (gammaray-shard(7)). Only the merge reports the run's
 * counts and exits 1 for what was lost: a stage before it fails only when it cannot
 * go on (an engine that runs it, such as Hadoop, retries a failed task). */
static int run_stage(struct cli_common *cc, const struct gr_infer_opts *o,
		     const struct gr_shard_opts *so, char **paths, size_t npaths)
{
	struct gr_shard *sh;
	struct gr_error err = { 0 };
	int rc, status;

	if ((rc = gr_shard_new(&sh, o, so, &err))) {
		cli_error(&err);
		return cli_finish(rc == GR_ERR_USAGE ? CLI_USAGE : CLI_FAIL);
	}
	rc = gr_shard_read_inputs(sh, (const char *const *)paths, npaths, &err);
	if (!rc)
		rc = gr_shard_finish(sh, &err);
	status = cli_status(cc, rc, &err);
	const struct gr_infer_stats *st = gr_shard_get_stats(sh);
	if (so->stage == GR_STAGE_MERGE)
		status = cli_report(cc, &st->io, "records", "graph records", more_stats, (void *)st,
				    status);
	else
		cli_msgs_done(&cc->msgs);
	status = cli_finish(status);
	gr_shard_free(sh);
	return status;
}

int main(int argc, char **argv)
{
	struct gr_shard_opts so = { 0 };
	const char *split_dir = NULL, *bucket_dir = NULL;
	struct gr_infer_opts o;
	struct gr_infer *inf;
	struct gr_error err = { 0 };
	struct cli_common cc;
	int c, rc, status = CLI_OK;

	cli_init("gammaray-infer");
	cli_common_init(&cc);
	gr_infer_opts_init(&o);
	while ((c = getopt_long(argc, argv, "o:qhV", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_TOLERANCE: o.tolerance_us = duration("--tolerance", optarg); break;
		case OPT_LINK_WINDOW: o.link_window_us = duration("--link-window", optarg); break;
		case OPT_WINDOW:
			o.window_us = duration("--window", optarg);
			if (!o.window_us)
				cli_usage_error("--window must be longer than 0");
			break;
		case OPT_NO_UNMATCHED: o.unmatched = false; break;
		case OPT_STAGE:
			so.stage = gr_infer_stage_parse(optarg);
			if (so.stage < 0)
				cli_usage_error("unknown stage '%s' (map, request, stream, trace, link, "
						"effect or merge)", optarg);
			break;
		case OPT_PART: so.part = (uint32_t)cli_long("--part", optarg, 0, UINT32_MAX); break;
		case OPT_SPLIT: so.split = (unsigned)cli_long("--split", optarg, 1, 65536); break;
		case OPT_SPLIT_DIR: split_dir = optarg; break;
		case OPT_BUCKETS: so.buckets = (unsigned)cli_long("--buckets", optarg, 1, 65536); break;
		case OPT_BUCKET_DIR: bucket_dir = optarg; break;
		case OPT_UNSORTED: so.unsorted = true; break;
		default:
			if (!cli_common_option(&cc, c, optarg, usage))
				cli_std_option('?', usage);
		}
	}
	if ((so.split || split_dir) && so.stage != GR_STAGE_MERGE)
		cli_usage_error("--split and --split-dir go with --stage merge");
	if (!so.split != !split_dir)
		cli_usage_error("--split and --split-dir go together");
	if (!so.buckets != !bucket_dir)
		cli_usage_error("--buckets and --bucket-dir go together");
	if (so.buckets && (!so.stage || so.stage == GR_STAGE_MERGE))
		cli_usage_error("--buckets goes with --stage, but not merge");
	if (so.unsorted && (!so.stage || so.stage == GR_STAGE_MAP))
		cli_usage_error("--unsorted goes with --stage, but not map");
	if (so.stage && o.window_us)
		cli_usage_error("--window and --stage do not go together");
	cli_common_done(&cc);
	CLI_IO_OPTS(o, cc);
	if (so.stage) {
#ifdef __GLIBC__
		/* A stage builds an engine per key and frees it: the top of the heap rose and
		 * fell with each, glibc giving the memory back and asking for it again (the
		 * link stage made 98,000 brk calls, its system time three times its own). Keep
		 * what was freed, and grow in 16 MiB steps. */
		mallopt(M_TRIM_THRESHOLD, 64 << 20);
		mallopt(M_TOP_PAD, 16 << 20);
#endif
		so.write_run = write_run;
		so.write_run_ctx = (void *)split_dir;
		so.write_bucket = write_bucket;
		so.write_bucket_ctx = (void *)bucket_dir;
		return run_stage(&cc, &o, &so, argv + optind, (size_t)(argc - optind));
	}
	if ((rc = gr_infer_new(&inf, &o, &err))) {
		cli_error(&err);
		return cli_finish(rc == GR_ERR_USAGE ? CLI_USAGE : CLI_FAIL);
	}
	rc = gr_infer_read_inputs(inf, (const char *const *)argv + optind, (size_t)(argc - optind),
				  &err);
	if (!rc)
		rc = gr_infer_finish(inf, &err);
	status = cli_status(&cc, rc, &err);
	const struct gr_infer_stats *st = gr_infer_get_stats(inf);
	status = cli_report(&cc, &st->io, "records", "graph records", more_stats, (void *)st,
			    status);
	status = cli_finish(status);
	gr_infer_free(inf);
	return status;
}
