/* gammaray_critpath.c: gammaray-critpath, what determined end-to-end latency, across asynchronous hops. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const char usage[] =
	"Usage: gammaray-critpath [OPTION]... [FILE]...\n"
	"Read the causal graph (gammaray-graph(5), from gammaray-infer; FILEs or standard\n"
	"input) and find, for every root invocation, the chain of invocations and hops that\n"
	"determined when its last reachable invocation ended: the workflow critical path,\n"
	"across S3, streams, queues and asynchronous invokes. With --request, read the event\n"
	"stream instead (gammaray-fetch output, also of Jaeger and OTLP traces) and find the\n"
	"critical path of every span tree over synchronous calls only, as Jaeger and CRISP do.\n"
	"\n"
	"Output (default: a report of shares on the path per root function, slowest runs):\n"
	"      --json              one JSON object per root: path, typed segments, shares\n"
	"      --folded            folded stacks for flamegraph.pl or speedscope\n"
	"      --chrome-trace      Trace Event JSON of one run (Perfetto, chrome://tracing):\n"
	"                          --root's, else the slowest\n"
	"      --annotate          the graph stream again with \"critical\":true on the\n"
	"                          paths' nodes and edges (for gammaray-dot)\n"
	"\n"
	"  -r, --request           span trees of the event stream's segment records\n"
	"      --root ID           only this root (a request id; a span id with --request)\n"
	"      --slack             --json: how much later each invocation off the path could\n"
	"                          end without moving the sink\n"
	"      --top N             slowest runs listed in the report (5)\n"
	"      --color WHEN        colour the report: auto (a terminal), always, never\n"
	"      --tolerance TIME    a synchronous callee may end this much after its caller\n"
	"                          moves on (1ms; TIME: N, Nus, Nms or Ns)\n"
	"      --overlap FRACTION  --request: sibling overlap taken as clock skew, as a\n"
	"                          fraction of the parent's duration (0.01)\n"
	"      --lengthening F     --request: a server span up to F times its client's\n"
	"                          duration is moved into it, not cut (1.01)\n"
	"  -o, --output FILE       write to FILE instead of stdout\n"
	"      --stats             print per-reason record counts on stderr at the end\n"
	"  -q, --quiet             no per-record messages, only the final summary\n"
	"      --max-messages N    show at most N messages about lost records (10)\n"
	"      --max-line SIZE     longest input line (8M; suffix K, M, G)\n"
	"  -h, --help              show this help and exit\n"
	"  -V, --version           show the version and exit\n"
	"\n"
	"Exit status: 0 when every record read was used or deliberately skipped, 1 when\n"
	"records were lost (see --stats) or on a runtime error, 2 on bad usage.\n"
	"Example: gammaray-fetch logs/ | gammaray-infer | gammaray-critpath --top 3\n";

enum {
	OPT_JSON = 256, OPT_FOLDED, OPT_CHROME, OPT_ANNOTATE, OPT_ROOT, OPT_SLACK, OPT_TOP,
	OPT_COLOR, OPT_TOLERANCE, OPT_OVERLAP, OPT_LENGTHENING, OPT_STATS, OPT_MAX_MESSAGES,
	OPT_MAX_LINE,
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
	{ "color", required_argument, NULL, OPT_COLOR },
	{ "tolerance", required_argument, NULL, OPT_TOLERANCE },
	{ "overlap", required_argument, NULL, OPT_OVERLAP },
	{ "lengthening", required_argument, NULL, OPT_LENGTHENING },
	{ "output", required_argument, NULL, 'o' },
	{ "stats", no_argument, NULL, OPT_STATS },
	{ "quiet", no_argument, NULL, 'q' },
	{ "max-messages", required_argument, NULL, OPT_MAX_MESSAGES },
	{ "max-line", required_argument, NULL, OPT_MAX_LINE },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
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

static bool want_color(const char *when)
{
	if (!strcmp(when, "always"))
		return true;
	if (!strcmp(when, "never"))
		return false;
	if (strcmp(when, "auto"))
		cli_usage_error("--color: '%s' is not auto, always or never", when);
	const char *term = getenv("TERM");
	return isatty(STDOUT_FILENO) && !getenv("NO_COLOR") && !(term && !strcmp(term, "dumb"));
}

int main(int argc, char **argv)
{
	struct gr_critpath_opts o;
	struct cli_msgs msgs = CLI_MSGS_INIT;
	const char *output = NULL, *color = "auto";
	bool stats = false, chosen = false;
	int c;

	cli_init("gammaray-critpath");
	gr_critpath_opts_init(&o);
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
		case OPT_COLOR: color = optarg; break;
		case OPT_TOLERANCE: o.tolerance_us = parse_time("--tolerance", optarg); break;
		case OPT_OVERLAP: o.overlap = parse_double("--overlap", optarg, 0, 0.5); break;
		case OPT_LENGTHENING:
			o.lengthening = parse_double("--lengthening", optarg, 1, 10);
			break;
		case 'o': output = optarg; break;
		case OPT_STATS: stats = true; break;
		case 'q': msgs.quiet = true; break;
		case OPT_MAX_MESSAGES:
			msgs.max = cli_long("--max-messages", optarg, 0, 1000000000L);
			break;
		case OPT_MAX_LINE:
			o.max_line = cli_size("--max-line", optarg, 1024, (size_t)1 << 40);
			break;
		default:
			cli_std_option(c, usage);
		}
	}
	if (o.request && o.format == GR_CRITPATH_ANNOTATE)
		cli_usage_error("--annotate passes a graph stream through; not with --request");
	if (o.slack && o.format != GR_CRITPATH_JSON && o.format != GR_CRITPATH_CHROME)
		cli_usage_error("--slack goes with --json (or --chrome-trace)");
	if (o.slack && o.request)
		cli_usage_error("--slack is for workflow paths, not --request");
	o.color = o.format == GR_CRITPATH_TEXT && want_color(color);
	cli_output(output);
	o.write = cli_write;
	o.diag = cli_on_diag;
	o.diag_ctx = &msgs;

	struct gr_stats st;
	struct gr_critpath_summary sum;
	struct gr_error err = { 0 };
	int rc = gr_critpath(&o, (const char *const *)argv + optind, (size_t)(argc - optind), &st,
			     &sum, &err);
	int status = CLI_OK;

	if (rc == GR_ERR_PIPE)
		status = cli_finish(CLI_FAIL); /* exits quietly on a closed pipe */
	if (rc) {
		cli_error(&err);
		status = rc == GR_ERR_USAGE ? CLI_USAGE : CLI_FAIL;
	}
	cli_msgs_done(&msgs);
	if (!rc && !msgs.quiet && sum.untimed)
		cli_msg("%llu root%s skipped: no start time, or nothing reachable has an end",
			(unsigned long long)sum.untimed, sum.untimed == 1 ? "" : "s");
	if (!rc && !msgs.quiet && sum.fallbacks)
		cli_msg("%llu path%s met a cycle in the graph and follow the search tree",
			(unsigned long long)sum.fallbacks, sum.fallbacks == 1 ? "" : "s");
	if (stats) {
		cli_print_stats(&st, "records", "runs");
		cli_msg("%llu %s, %llu root%s", (unsigned long long)sum.nodes,
			o.request ? "spans" : "invocations", (unsigned long long)sum.roots,
			sum.roots == 1 ? "" : "s");
	}
	if (cli_loss_summary(&st) && status == CLI_OK)
		status = CLI_FAIL;
	return cli_finish(status);
}
