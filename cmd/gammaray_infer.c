/* gammaray_infer.c: gammaray-infer, the event stream to the causal graph of invocations. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const char usage[] =
	"Usage: gammaray-infer [OPTION]... [FILE]...\n"
	"Read the event stream of gammaray-fetch (gammaray-events(5); FILEs, or standard\n"
	"input; gzip is undone; records in any order) and write the causal graph of the\n"
	"Lambda invocations (gammaray-graph(5)): one node per request id, one edge per\n"
	"cause, found from GAMMARAY markers (gammaray-markers(7)) and X-Ray.\n"
	"\n"
	"  -o, --output FILE       write the graph to FILE instead of stdout\n"
	"      --tolerance DUR     clock tolerance between hosts (100ms); a cause later\n"
	"                          than its effect by more is a counted violation\n"
	"      --link-window DUR   how long before its effect a write may be, for\n"
	"                          triggers matched by key and time (15m)\n"
	"      --window DUR        input in time order: write and forget invocations that\n"
	"                          ended DUR before the newest record (bounded memory;\n"
	"                          evidence arriving later than DUR is not linked)\n"
	"      --no-unmatched      do not write \"unmatched\" records (still counted)\n"
	"      --strict            stop at the first record that cannot be used\n"
	"      --stats             print counts on stderr at the end: records by reason,\n"
	"                          edges by kind and evidence, unmatched evidence, clock\n"
	"                          violations, function-level loops\n"
	"  -q, --quiet             no per-record messages, only the final summary\n"
	"      --max-messages N    show at most N messages about lost records (10)\n"
	"      --max-line SIZE     longest record (8M; suffix K, M, G)\n"
	"  -h, --help              show this help and exit\n"
	"  -V, --version           show the version and exit\n"
	"\n"
	"DUR is a number with a unit: us, ms, s, m, h, d (a bare number is seconds).\n"
	"Exit status: 0 when every record was used or deliberately skipped, 1 when\n"
	"records were lost (see --stats) or on a runtime error, 2 on bad usage.\n"
	"Example: gammaray-fetch export/ traces/ | gammaray-infer --stats > graph.ndjson\n";

enum {
	OPT_TOLERANCE = 256, OPT_LINK_WINDOW, OPT_WINDOW, OPT_NO_UNMATCHED, OPT_STRICT,
	OPT_STATS, OPT_MAX_MESSAGES, OPT_MAX_LINE,
};

static const struct option longopts[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "tolerance", required_argument, NULL, OPT_TOLERANCE },
	{ "link-window", required_argument, NULL, OPT_LINK_WINDOW },
	{ "window", required_argument, NULL, OPT_WINDOW },
	{ "no-unmatched", no_argument, NULL, OPT_NO_UNMATCHED },
	{ "strict", no_argument, NULL, OPT_STRICT },
	{ "stats", no_argument, NULL, OPT_STATS },
	{ "quiet", no_argument, NULL, 'q' },
	{ "max-messages", required_argument, NULL, OPT_MAX_MESSAGES },
	{ "max-line", required_argument, NULL, OPT_MAX_LINE },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
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

/* "s3 12, sqs 3" of the nonzero counts, into out. */
static void per_kind(const uint64_t *v, char *out, size_t size)
{
	size_t o = 0;

	out[0] = '\0';
	for (int k = 1; k < GR_INFER_KINDS; k++) {
		if (!v[k])
			continue;
		int n = snprintf(out + o, size - o, "%s%s %llu", o ? ", " : "", gr_infer_kind_name(k),
				 (unsigned long long)v[k]);
		if (n < 0 || (size_t)n >= size - o)
			return;
		o += (size_t)n;
	}
}

static uint64_t sum(const uint64_t *v, int n)
{
	uint64_t s = 0;

	for (int i = 0; i < n; i++)
		s += v[i];
	return s;
}

static void print_stats(const struct gr_infer_stats *st)
{
	char buf[400];
	const char *me = cli_name();

	cli_print_stats(&st->io, "records", "graph records");
	fprintf(stderr, "%s: %llu invocations (%llu retried, %llu more only referenced), "
		"%llu edges (%llu below confidence 1)\n", me,
		(unsigned long long)st->invocations, (unsigned long long)st->retried,
		(unsigned long long)st->referenced, (unsigned long long)st->edges,
		(unsigned long long)st->uncertain);
	per_kind(st->edges_kind, buf, sizeof(buf));
	if (buf[0])
		fprintf(stderr, "%s:   edges by kind: %s\n", me, buf);
	size_t o = 0;
	buf[0] = '\0';
	for (int e = 1; e < GR_INFER_EVIDENCE; e++) {
		if (!st->edges_evidence[e])
			continue;
		int n = snprintf(buf + o, sizeof(buf) - o, "%s%s %llu", o ? ", " : "",
				 gr_infer_evidence_name(e), (unsigned long long)st->edges_evidence[e]);
		if (n < 0 || (size_t)n >= sizeof(buf) - o)
			break;
		o += (size_t)n;
	}
	if (buf[0])
		fprintf(stderr, "%s:   edges by evidence: %s\n", me, buf);
	per_kind(st->unmatched_trigger, buf, sizeof(buf));
	fprintf(stderr, "%s: unmatched: %llu triggers without a producer%s%s%s\n", me,
		(unsigned long long)sum(st->unmatched_trigger, GR_INFER_KINDS), buf[0] ? " (" : "",
		buf, buf[0] ? ")" : "");
	per_kind(st->unmatched_cause, buf, sizeof(buf));
	fprintf(stderr, "%s: unmatched: %llu writes or sends without an effect seen%s%s%s\n", me,
		(unsigned long long)sum(st->unmatched_cause, GR_INFER_KINDS), buf[0] ? " (" : "",
		buf, buf[0] ? ")" : "");
	fprintf(stderr, "%s: unmatched: %llu X-Ray parents or links not in the input\n", me,
		(unsigned long long)st->unmatched_xray);
	fprintf(stderr, "%s: %llu clock violations, %llu edges dropped to keep the graph acyclic\n",
		me, (unsigned long long)st->clock_violations,
		(unsigned long long)st->cycles_broken);
	if (st->released || st->late)
		fprintf(stderr, "%s: --window: %llu invocations released early, %llu late records\n",
			me, (unsigned long long)st->released, (unsigned long long)st->late);
	fprintf(stderr, "%s: %zu function-level loops%s\n", me, st->nloops, st->nloops ? ":" : "");
	for (size_t i = 0; i < st->nloops; i++)
		fprintf(stderr, "%s:   %s\n", me, st->loops[i]);
}

int main(int argc, char **argv)
{
	struct gr_infer_opts o;
	struct gr_infer *inf;
	struct gr_error err = { 0 };
	struct cli_msgs msgs = CLI_MSGS_INIT;
	const char *output = NULL;
	bool stats = false;
	int c, rc, status = CLI_OK;

	cli_init("gammaray-infer");
	gr_infer_opts_init(&o);
	while ((c = getopt_long(argc, argv, "o:qhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': output = optarg; break;
		case OPT_TOLERANCE: o.tolerance_us = duration("--tolerance", optarg); break;
		case OPT_LINK_WINDOW: o.link_window_us = duration("--link-window", optarg); break;
		case OPT_WINDOW:
			o.window_us = duration("--window", optarg);
			if (!o.window_us)
				cli_usage_error("--window must be longer than 0");
			break;
		case OPT_NO_UNMATCHED: o.unmatched = false; break;
		case OPT_STRICT: o.strict = true; break;
		case OPT_STATS: stats = true; break;
		case 'q': msgs.quiet = true; break;
		case OPT_MAX_MESSAGES:
			msgs.max = cli_long("--max-messages", optarg, 0, 1000000000L);
			break;
		case OPT_MAX_LINE:
			o.max_line = cli_size("--max-line", optarg, 1024, (size_t)1 << 40);
			break;
		case 'h':
			fputs(usage, stdout);
			return cli_finish(CLI_OK);
		case 'V':
			cli_version();
			return cli_finish(CLI_OK);
		default:
			fprintf(stderr, "Try '%s --help' for more information.\n", cli_name());
			return CLI_USAGE;
		}
	}
	cli_output(output);
	o.write = cli_write;
	o.diag = cli_on_diag;
	o.diag_ctx = &msgs;
	if ((rc = gr_infer_new(&inf, &o, &err))) {
		cli_error(&err);
		return cli_finish(rc == GR_ERR_USAGE ? CLI_USAGE : CLI_FAIL);
	}
	if (optind == argc)
		rc = gr_infer_read(inf, "-", &err);
	for (int i = optind; i < argc && !rc; i++)
		rc = gr_infer_read(inf, argv[i], &err);
	if (!rc)
		rc = gr_infer_finish(inf, &err);
	if (rc == GR_ERR_PIPE)
		status = cli_finish(CLI_FAIL); /* exits quietly on a closed pipe */
	if (rc) {
		/* under --strict the loss was shown as it happened, unless -q */
		if (rc != GR_ERR_DATA || msgs.quiet)
			cli_error(&err);
		if (rc == GR_ERR_DATA)
			cli_msg("stopped at the first lost record (--strict)");
		status = CLI_FAIL;
	}
	const struct gr_infer_stats *st = gr_infer_get_stats(inf);
	cli_msgs_done(&msgs);
	if (stats)
		print_stats(st);
	if (cli_loss_summary(&st->io))
		status = CLI_FAIL;
	status = cli_finish(status);
	gr_infer_free(inf);
	return status;
}
