/* gammaray_critpath.c: gammaray-critpath, what determined end-to-end latency, across asynchronous hops. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* longer than the 4095 bytes C99 promises; every compiler we build with takes it */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverlength-strings"
static const char usage[] =
	"Usage: gammaray-critpath [OPTION]... [FILE]...\n"
	"Read the causal graph (gammaray-graph(5), from gammaray-infer; FILEs, directories\n"
	"or standard input) and find, for every root invocation, the chain of invocations\n"
	"and hops that determined when its last reachable invocation ended: the workflow\n"
	"critical path, across S3, streams, queues and asynchronous invokes. With --request,\n"
	"read the event stream instead (gammaray-fetch output, also of Jaeger and OTLP\n"
	"traces) and find the critical path of every span tree over synchronous calls only,\n"
	"as Jaeger and CRISP do.\n"
	"\n"
	"Output (default: a report of shares on the path per root function, slowest runs):\n"
	"      --json              one JSON object per root: path, typed segments, shares\n"
	"      --folded            folded stacks for flamegraph.pl or speedscope\n"
	"      --chrome-trace      Trace Event JSON of one run (Perfetto, chrome://tracing):\n"
	"                          --root's, else the slowest\n"
	"      --annotate          the graph stream again with \"critical\":true on the\n"
	"                          paths' nodes and edges (for gammaray-dot)\n"
	"\n"
	"      --what-if CHANGE    replay the graph with CHANGE (repeatable): latency\n"
	"                          before and after per root function, the runs that\n"
	"                          change most, the new shares (text or --json). CHANGE:\n"
	"                          no-cold-starts=FN, faster=FN:F, slower=FN:F,\n"
	"                          delay=KIND:TIME, delay=KIND:xF or remove=FN\n"
	"                          (FN a function of the graph, F > 0)\n"
	"  -r, --request           span trees of the event stream's segment records\n"
	"      --root ID           only this root (a request id; a span id with --request)\n"
	"      --since TIME        only runs whose root starts at or after TIME\n"
	"      --until TIME        only runs whose root starts before TIME (TIME: ISO 8601,\n"
	"                          epoch seconds or ms, or -30m, -2h, -7d from now)\n"
	"      --function PATTERN  only runs whose root's function matches the PCRE2\n"
	"                          PATTERN (the whole name)\n"
	"      --slack             --json: how much later each invocation off the path could\n"
	"                          end without moving the sink\n"
	"      --top N             slowest runs listed in the report, runs that change\n"
	"                          most with --what-if (5)\n"
	"      --tolerance TIME    a synchronous callee may end this much after its caller\n"
	"                          moves on (1ms; TIME: N, Nus, Nms or Ns)\n"
	"      --overlap FRACTION  --request: sibling overlap taken as clock skew, as a\n"
	"                          fraction of the parent's duration (0.01)\n"
	"      --lengthening F     --request: a server span up to F times its client's\n"
	"                          duration is moved into it, not cut (1.01)\n"
	"\n"
	"Cost (the report and --json): per run, per root function and per function, and\n"
	"how much of it is off the critical path (money that buys no latency):\n"
	CLI_COST_HELP
	"\n"
	CLI_COMMON_HELP
	"\n"
	"Exit status: 0 when every record read was used or deliberately skipped, 1 when\n"
	"records were lost (see --stats) or on a runtime error, 2 on bad usage.\n"
	"Example: gammaray-fetch logs/ | gammaray-infer | gammaray-critpath --top 3\n";
#pragma GCC diagnostic pop

enum {
	OPT_JSON = 256, OPT_FOLDED, OPT_CHROME, OPT_ANNOTATE, OPT_ROOT, OPT_SLACK, OPT_TOP,
	OPT_TOLERANCE, OPT_OVERLAP, OPT_LENGTHENING, OPT_WHAT_IF,
};

static const struct option longopts[] = {
	{ "json", no_argument, NULL, OPT_JSON },
	{ "folded", no_argument, NULL, OPT_FOLDED },
	{ "chrome-trace", no_argument, NULL, OPT_CHROME },
	{ "annotate", no_argument, NULL, OPT_ANNOTATE },
	{ "request", no_argument, NULL, 'r' },
	{ "root", required_argument, NULL, OPT_ROOT },
	{ "slack", no_argument, NULL, OPT_SLACK },
	{ "top", required_argument, NULL, OPT_TOP },
	{ "tolerance", required_argument, NULL, OPT_TOLERANCE },
	{ "overlap", required_argument, NULL, OPT_OVERLAP },
	{ "lengthening", required_argument, NULL, OPT_LENGTHENING },
	{ "what-if", required_argument, NULL, OPT_WHAT_IF },
	CLI_FILTER_LONGOPTS,
	CLI_COST_LONGOPTS,
	CLI_COMMON_LONGOPTS,
	{ NULL, 0, NULL, 0 },
};

/* "250", "250us", "1.5ms", "2s" -> microseconds, or a usage error. */
static int64_t parse_time(const char *opt, const char *s)
{
	char *end;
	double v = strtod(s, &end);
	double mul = 1;

	if (end == s || v < 0)
		cli_usage_error("%s: '%s' is not a duration", opt, s);
	if (!strcmp(end, "ms"))
		mul = 1e3;
	else if (!strcmp(end, "s"))
		mul = 1e6;
	else if (*end && strcmp(end, "us"))
		cli_usage_error("%s: '%s' is not a duration (N, Nus, Nms or Ns)", opt, s);
	if (v * mul > 3.6e12)
		cli_usage_error("%s: '%s' is too long", opt, s);
	return (int64_t)(v * mul + 0.5);
}

static double parse_double(const char *opt, const char *s, double min, double max)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || *end || !(v >= min && v <= max))
		cli_usage_error("%s: '%s' is not a number from %g to %g", opt, s, min, max);
	return v;
}

static void set_format(struct gr_critpath_opts *o, enum gr_critpath_format f, bool *chosen)
{
	if (*chosen && o->format != f)
		cli_usage_error("--json, --folded, --chrome-trace and --annotate exclude each other");
	o->format = f;
	*chosen = true;
}

/* What --stats adds: what was found. */
struct found {
	const struct gr_critpath_summary *sum;  /* the run's summary */
	bool request;                           /* spans, not invocations */
	bool cost;                              /* --cost */
};

static void more_stats(void *ctx, struct cli_report *r)
{
	const struct found *f = ctx;
	const struct gr_critpath_summary *sum = f->sum;

	cli_report_u64(r, f->request ? "spans" : "invocations", sum->nodes);
	cli_report_u64(r, "roots", sum->roots);
	cli_report_u64(r, "runs", sum->runs);
	cli_report_u64(r, "untimed", sum->untimed);
	cli_report_u64(r, "filtered", sum->filtered);
	cli_report_u64(r, "fallbacks", sum->fallbacks);
	if (f->cost) {
		cli_report_u64(r, "cost_known", sum->cost_known);
		cli_report_u64(r, "cost_unknown", sum->cost_unknown);
	}
	cli_report_text(r, "%llu %s, %llu root%s", (unsigned long long)sum->nodes,
			f->request ? "spans" : "invocations", (unsigned long long)sum->roots,
			sum->roots == 1 ? "" : "s");
}

int main(int argc, char **argv)
{
	struct gr_critpath_opts o;
	struct cli_common cc;
	struct cli_cost cost = { false, NULL };
	bool chosen = false;
	int c;
	/* --what-if CHANGEs: at most one per argument */
	const char **what_if = calloc((size_t)argc + 1, sizeof(*what_if));

	cli_init("gammaray-critpath");
	if (!what_if) {
		cli_msg("out of memory");
		return CLI_FAIL;
	}
	cli_common_init(&cc);
	gr_critpath_opts_init(&o);
	o.what_if = what_if;
	while ((c = getopt_long(argc, argv, "ro:qhV", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_JSON: set_format(&o, GR_CRITPATH_JSON, &chosen); break;
		case OPT_FOLDED: set_format(&o, GR_CRITPATH_FOLDED, &chosen); break;
		case OPT_CHROME: set_format(&o, GR_CRITPATH_CHROME, &chosen); break;
		case OPT_ANNOTATE: set_format(&o, GR_CRITPATH_ANNOTATE, &chosen); break;
		case 'r': o.request = true; break;
		case OPT_ROOT:
			if (!*optarg)
				cli_usage_error("--root: an empty id");
			o.root = optarg;
			break;
		case OPT_SLACK: o.slack = true; break;
		case OPT_TOP: o.top = (int)cli_long("--top", optarg, 0, 1000000); break;
		case OPT_TOLERANCE: o.tolerance_us = parse_time("--tolerance", optarg); break;
		case OPT_OVERLAP: o.overlap = parse_double("--overlap", optarg, 0, 0.5); break;
		case OPT_WHAT_IF:
			/* parsed by the library (before reading), checked against the
			 * graph's functions (after) */
			what_if[o.nwhat_if++] = optarg;
			break;
		case OPT_LENGTHENING:
			o.lengthening = parse_double("--lengthening", optarg, 1, 10);
			break;
		default:
			if (!cli_cost_option(&cost, c, optarg) &&
			    !cli_common_option(&cc, c, optarg, usage))
				cli_std_option('?', usage);
		}
	}
	if (o.request && o.format == GR_CRITPATH_ANNOTATE)
		cli_usage_error("--annotate passes a graph stream through; not with --request");
	if (o.slack && o.format != GR_CRITPATH_JSON && o.format != GR_CRITPATH_CHROME)
		cli_usage_error("--slack goes with --json (or --chrome-trace)");
	if (o.slack && o.request)
		cli_usage_error("--slack is for workflow paths, not --request");
	if (o.nwhat_if && o.request)
		cli_usage_error("--what-if replays workflow paths; not with --request");
	if (o.nwhat_if && o.format != GR_CRITPATH_TEXT && o.format != GR_CRITPATH_JSON)
		cli_usage_error("--what-if reports in text or with --json");
	if (o.nwhat_if && o.slack)
		cli_usage_error("--slack does not go with --what-if");
	if (o.request && (cc.function || cc.since_us != GR_TIME_UNKNOWN ||
			  cc.until_us != GR_TIME_UNKNOWN))
		cli_usage_error("--since, --until and --function select workflow runs; "
				"with --request use --root");
	if (cost.on && o.request)
		cli_usage_error("--cost prices the invocations of a graph; not with --request");
	if (cost.on && o.format != GR_CRITPATH_TEXT && o.format != GR_CRITPATH_JSON)
		cli_usage_error("--cost goes with the report or --json");
	if (cost.on && o.nwhat_if)
		cli_usage_error("--cost prices the runs as they were; not with --what-if");
	o.color = cli_common_done(&cc) && o.format == GR_CRITPATH_TEXT;
	o.prices = cli_cost_prices(&cost, &cc.msgs);
	o.since_us = cc.since_us;
	o.until_us = cc.until_us;
	o.function = cc.function;
	CLI_IO_OPTS(o, cc);

	struct gr_stats st;
	struct gr_critpath_summary sum;
	struct gr_error err = { 0 };
	int rc = gr_critpath(&o, (const char *const *)argv + optind, (size_t)(argc - optind), &st,
			     &sum, &err);
	int status = cli_status(&cc, rc, &err);

	if (!rc && !cc.msgs.quiet && sum.untimed)
		cli_msg("%llu root%s skipped: no start time, or nothing reachable has an end",
			(unsigned long long)sum.untimed, sum.untimed == 1 ? "" : "s");
	if (!rc && !cc.msgs.quiet && sum.fallbacks)
		cli_msg("%llu path%s met a cycle in the graph and follow the search tree",
			(unsigned long long)sum.fallbacks, sum.fallbacks == 1 ? "" : "s");
	if (!rc && !cc.msgs.quiet && sum.wi_unmoved)
		cli_msg("what-if: %llu invocation%s without a start or an end kept as they were",
			(unsigned long long)sum.wi_unmoved, sum.wi_unmoved == 1 ? "" : "s");
	if (!rc && !cc.msgs.quiet && sum.wi_forced)
		cli_msg("what-if: %llu invocation%s replayed out of causal order (a cycle, or "
			"times that contradict the edges)", (unsigned long long)sum.wi_forced,
			sum.wi_forced == 1 ? "" : "s");
	if (!rc && !cc.msgs.quiet && o.prices && sum.cost_unknown)
		cli_msg("%llu invocation%s of unknown cost (no Billed Duration or Memory Size: "
			"X-Ray or spans only), not counted as free",
			(unsigned long long)sum.cost_unknown, sum.cost_unknown == 1 ? "" : "s");
	struct found f = { &sum, o.request, o.prices != NULL };
	status = cli_report(&cc, &st, "records", "runs", more_stats, &f, status);
	free(what_if);
	gr_prices_free(o.prices);
	return cli_finish(status);
}
