/* gammaray_score.c: gammaray-score, precision and recall of a graph stream against a truth file. */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"

static const char usage[] =
	"Usage: gammaray-score [OPTION]... TRUTH GRAPH\n"
	"Compare the graph stream GRAPH (gammaray-graph(5), from gammaray-infer) with the\n"
	"ground truth TRUTH (truth.ndjson of gammaray-synth): edges match on (from, to,\n"
	"kind). Print precision and recall per edge kind and overall, and how many\n"
	"invocations both know. Either file may be - (standard input) or gzip.\n"
	"\n"
	"      --json        one JSON object instead of the table\n"
	"      --xray-only   recall over the truth edges marked \"xray\":true only (the\n"
	"                    edges X-Ray alone shows); precision is unchanged\n"
	"      --otel-only   the same over the edges marked \"otel\":true (the edges\n"
	"                    OpenTelemetry spans alone show)\n"
	"      --critpath[=RUNS]  also the share of the truth's roots whose workflow\n"
	"                    critical path (gammaray-critpath) has the same invocations\n"
	"                    and a latency within 1 ms or 1%: computed from GRAPH, or\n"
	"                    read from RUNS, a 'gammaray-critpath --json' output (with\n"
	"                    --json: a second line {\"critpath\":{...}})\n"
	"      --stats       print record counts on stderr at the end\n"
	"  -h, --help        show this help and exit\n"
	"  -V, --version     show the version and exit\n"
	"\n"
	"Exit status: 0 when both files were read, 1 on a bad record or runtime error,\n"
	"2 on bad usage.\n"
	"Example: gammaray-score out/truth.ndjson graph.ndjson\n";

enum { OPT_JSON = 256, OPT_XRAY_ONLY, OPT_STATS, OPT_CRITPATH, OPT_OTEL_ONLY };

static const struct option longopts[] = {
	{ "json", no_argument, NULL, OPT_JSON },
	{ "xray-only", no_argument, NULL, OPT_XRAY_ONLY },
	{ "otel-only", no_argument, NULL, OPT_OTEL_ONLY },
	{ "stats", no_argument, NULL, OPT_STATS },
	{ "critpath", optional_argument, NULL, OPT_CRITPATH },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

int main(int argc, char **argv)
{
	struct gr_score_opts o = { 0 };
	struct gr_score s;
	struct gr_stats st;
	struct gr_error err = { 0 };
	bool json = false, stats = false, critpath = false;
	const char *runs = NULL;
	int c, rc;

	cli_init("gammaray-score");
	while ((c = getopt_long(argc, argv, "hV", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_JSON: json = true; break;
		case OPT_XRAY_ONLY: o.xray_only = true; break;
		case OPT_OTEL_ONLY: o.otel_only = true; break;
		case OPT_STATS: stats = true; break;
		case OPT_CRITPATH:
			critpath = true;
			runs = optarg;
			break;
		default:
			cli_std_option(c, usage);
		}
	}
	if (argc - optind != 2)
		cli_usage_error("expected two files, TRUTH and GRAPH");
	rc = gr_score_run(&o, argv[optind], argv[optind + 1], &s, &st, &err);
	if (stats)
		cli_print_stats(&st, "records", "");
	if (rc) {
		cli_error(&err);
		return cli_finish(CLI_FAIL);
	}
	rc = gr_score_report(&s, &o, json, cli_write, NULL);
	if (!rc && critpath) {
		struct gr_critpath_agreement a;
		const char *truth = argv[optind], *graph = argv[optind + 1];
		if (runs ? gr_critpath_score_json(truth, runs, &a, &st, &err)
			 : gr_critpath_score(truth, graph, &a, &st, &err)) {
			cli_error(&err);
			return cli_finish(CLI_FAIL);
		}
		rc = gr_critpath_agreement_report(&a, json, cli_write, NULL);
	}
	return cli_finish(rc ? CLI_FAIL : CLI_OK);
}
