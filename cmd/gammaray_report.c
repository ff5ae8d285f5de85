/* gammaray_report.c: gammaray-report, one self-contained HTML page of what caused what and where the time went. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

static const char usage[] =
	"Usage: gammaray-report [OPTION]... [GRAPH]...\n"
	"Read the causal graph (gammaray-graph(5), from gammaray-infer, annotated by\n"
	"gammaray-critpath --annotate or not; FILEs, directories or standard input) and\n"
	"write one self-contained HTML page (inline SVG, style and script; no network):\n"
	"the application map with the critical path in red, where the time went per root\n"
	"function (gammaray-critpath's shares), the slowest, failed, cold-started and\n"
	"retried runs with their timelines, search by request id, trace id, function and\n"
	"time, and what was not linked or read.\n"
	"\n"
	"      --top N             runs with a timeline in each list (50)\n"
	"      --max-index N       runs in the search index, the slowest first (100000)\n"
	"\n"
	"Cost: per function, per run and per root function beside the times, and what is\n"
	"off the critical path (money that buys no latency):\n"
	CLI_COST_HELP
	"\n"
	CLI_COMMON_HELP
	"\n"
	"Exit status: 0 when every record read was used or deliberately skipped, 1 when\n"
	"records were lost (see --stats) or on a runtime error, 2 on bad usage.\n"
	"Example: gammaray-fetch logs/ | gammaray-infer | gammaray-report -o report.html\n";

enum { OPT_TOP = 256, OPT_MAX_INDEX };

static const struct option longopts[] = {
	{ "top", required_argument, NULL, OPT_TOP },
	{ "max-index", required_argument, NULL, OPT_MAX_INDEX },
	CLI_COST_LONGOPTS,
	CLI_COMMON_LONGOPTS,
	{ NULL, 0, NULL, 0 },
};

/* What --stats adds: the page. */
struct page {
	const struct gr_report_summary *sum;  /* what gr_report wrote */
	bool cost;                            /* --cost */
};

static void more_stats(void *ctx, struct cli_report *r)
{
	const struct page *pg = ctx;
	const struct gr_report_summary *s = pg->sum;

	cli_report_u64(r, "invocations", s->invocations);
	cli_report_u64(r, "runs", s->runs);
	cli_report_u64(r, "detailed", s->detailed);
	cli_report_u64(r, "indexed", s->indexed);
	cli_report_u64(r, "unmatched", s->unmatched);
	cli_report_u64(r, "page_bytes", s->bytes);
	if (pg->cost) {
		cli_report_u64(r, "cost_known", s->cost_known);
		cli_report_u64(r, "cost_unknown", s->cost_unknown);
	}
	cli_report_text(r, "%llu invocations, %llu runs (%llu with a timeline), %zu bytes",
			(unsigned long long)s->invocations, (unsigned long long)s->runs,
			(unsigned long long)s->detailed, s->bytes);
}

int main(int argc, char **argv)
{
	struct gr_report_opts o;
	struct cli_common cc;
	struct cli_cost cost = { false, NULL };
	int c;

	cli_init("gammaray-report");
	cli_common_init(&cc);
	gr_report_opts_init(&o);
	while ((c = getopt_long(argc, argv, "o:qhV", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_TOP: o.top = (int)cli_long("--top", optarg, 0, 100000); break;
		case OPT_MAX_INDEX:
			o.max_index = (size_t)cli_long("--max-index", optarg, 0, 100000000);
			break;
		default:
			if (!cli_cost_option(&cost, c, optarg) &&
			    !cli_common_option(&cc, c, optarg, usage))
				cli_std_option('?', usage);
		}
	}
	cli_common_done(&cc);
	o.prices = cli_cost_prices(&cost, &cc.msgs);
	CLI_IO_OPTS(o, cc);

	struct gr_stats st;
	struct gr_report_summary sum;
	struct gr_error err = { 0 };
	int rc = gr_report(&o, (const char *const *)argv + optind, (size_t)(argc - optind), &st,
			   &sum, &err);
	int status = cli_status(&cc, rc, &err);
	if (!rc && !sum.map && !cc.msgs.quiet)
		cli_msg("the application map could not be drawn; the page says so");
	if (!rc && !cc.msgs.quiet && o.prices && sum.cost_unknown)
		cli_msg("%llu invocation%s of unknown cost (no Billed Duration or Memory Size: "
			"X-Ray or spans only), not counted as free",
			(unsigned long long)sum.cost_unknown, sum.cost_unknown == 1 ? "" : "s");
	struct page pg = { &sum, o.prices != NULL };
	status = cli_report(&cc, &st, "records", "pages", more_stats, &pg, status);
	gr_prices_free(o.prices);
	return cli_finish(status);
}
