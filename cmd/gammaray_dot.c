/* gammaray_dot.c: gammaray-dot, the causal graph as a Graphviz picture (DOT, SVG, PNG, PDF). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const char usage[] =
	"Usage: gammaray-dot [OPTION]... [FILE]...\n"
	"Read the causal graph (gammaray-graph(5), as gammaray-infer or gammaray-critpath\n"
	"--annotate write it; no FILE or - is standard input) and draw it with Graphviz:\n"
	"DOT text on stdout, or SVG, PNG or PDF rendered directly.\n"
	"\n"
	"  -T, --format FORMAT   dot (default), svg, png or pdf\n"
	"  -o, --output FILE     write to FILE instead of stdout\n"
	"      --view VIEW       invocations: one node per invocation, a cluster per run;\n"
	"                        functions: one node per function and service resource;\n"
	"                        auto (default): invocations when they fit in --max-nodes\n"
	"      --root ID         only the run that holds invocation ID (repeatable)\n"
	"      --trace ID        only runs with an invocation of X-Ray trace ID (repeatable)\n"
	"      --function NAME   only runs with an invocation of function NAME (repeatable)\n"
	"      --since TIME      only runs that start at or after TIME\n"
	"      --until TIME      only runs that start before TIME (TIME: ISO 8601, epoch\n"
	"                        seconds or milliseconds, or -30m, -2h, -7d from now)\n"
	"      --max-nodes N     invocation view: draw at most N invocations and say in a\n"
	"                        note what was left out (300; 0: no limit)\n"
	"      --rankdir DIR     LR (default: time flows left to right), TB, RL or BT\n"
	"      --no-legend       leave the legend out\n"
	"      --strict          stop at the first record that cannot be read\n"
	"      --stats           print per-reason record counts on stderr at the end\n"
	"  -q, --quiet           no per-record messages, only the final summary\n"
	"      --max-messages N  show at most N messages about lost records (10)\n"
	"      --max-line SIZE   longest graph record (8M; suffix K, M, G)\n"
	"  -h, --help            show this help and exit\n"
	"  -V, --version         show the version and exit\n"
	"\n"
	"Exit status: 0 when the picture was written and no record was lost, 1 when records\n"
	"were lost (see --stats) or on a runtime error, 2 on bad usage.\n"
	"Example: gammaray-infer events.ndjson | gammaray-dot -T svg -o graph.svg\n";

enum {
	OPT_VIEW = 256, OPT_ROOT, OPT_TRACE, OPT_FUNCTION, OPT_SINCE, OPT_UNTIL, OPT_MAX_NODES,
	OPT_RANKDIR, OPT_NO_LEGEND, OPT_STRICT, OPT_STATS, OPT_MAX_MESSAGES, OPT_MAX_LINE,
};

static const struct option longopts[] = {
	{ "format", required_argument, NULL, 'T' },
	{ "output", required_argument, NULL, 'o' },
	{ "view", required_argument, NULL, OPT_VIEW },
	{ "root", required_argument, NULL, OPT_ROOT },
	{ "trace", required_argument, NULL, OPT_TRACE },
	{ "function", required_argument, NULL, OPT_FUNCTION },
	{ "since", required_argument, NULL, OPT_SINCE },
	{ "until", required_argument, NULL, OPT_UNTIL },
	{ "max-nodes", required_argument, NULL, OPT_MAX_NODES },
	{ "rankdir", required_argument, NULL, OPT_RANKDIR },
	{ "no-legend", no_argument, NULL, OPT_NO_LEGEND },
	{ "strict", no_argument, NULL, OPT_STRICT },
	{ "stats", no_argument, NULL, OPT_STATS },
	{ "quiet", no_argument, NULL, 'q' },
	{ "max-messages", required_argument, NULL, OPT_MAX_MESSAGES },
	{ "max-line", required_argument, NULL, OPT_MAX_LINE },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* A repeatable option's values. */
struct list {
	const char **v;  /* values (argv strings) */
	size_t n;
};

static void list_add(struct list *l, const char *s, int argc)
{
	if (!l->v && !(l->v = calloc((size_t)argc + 1, sizeof(*l->v))))
		cli_die(CLI_FAIL, "out of memory");
	l->v[l->n++] = s;
}

int main(int argc, char **argv)
{
	struct gr_dot_opts o;
	struct list roots = { 0 }, traces = { 0 }, fns = { 0 };
	const char *output = NULL;
	bool stats = false;
	struct cli_msgs msgs = CLI_MSGS_INIT;
	int c;

	cli_init("gammaray-dot");
	gr_dot_opts_init(&o);
	while ((c = getopt_long(argc, argv, "T:o:qhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'T':
			if (!strcmp(optarg, "dot") || !strcmp(optarg, "gv"))
				o.format = GR_DOT_FORMAT_DOT;
			else if (!strcmp(optarg, "svg"))
				o.format = GR_DOT_FORMAT_SVG;
			else if (!strcmp(optarg, "png"))
				o.format = GR_DOT_FORMAT_PNG;
			else if (!strcmp(optarg, "pdf"))
				o.format = GR_DOT_FORMAT_PDF;
			else
				cli_usage_error("-T: unknown format '%.40s' (dot, svg, png or pdf)",
						optarg);
			break;
		case 'o': output = optarg; break;
		case OPT_VIEW:
			if (!strcmp(optarg, "invocations"))
				o.view = GR_DOT_VIEW_INVOCATIONS;
			else if (!strcmp(optarg, "functions"))
				o.view = GR_DOT_VIEW_FUNCTIONS;
			else if (!strcmp(optarg, "auto"))
				o.view = GR_DOT_VIEW_AUTO;
			else
				cli_usage_error("--view: unknown view '%.40s' (invocations, "
						"functions or auto)", optarg);
			break;
		case OPT_ROOT: list_add(&roots, optarg, argc); break;
		case OPT_TRACE: list_add(&traces, optarg, argc); break;
		case OPT_FUNCTION: list_add(&fns, optarg, argc); break;
		case OPT_SINCE: o.since_us = cli_time("--since", optarg); break;
		case OPT_UNTIL: o.until_us = cli_time("--until", optarg); break;
		case OPT_MAX_NODES:
			o.max_nodes = (size_t)cli_long("--max-nodes", optarg, 0, 100000000L);
			break;
		case OPT_RANKDIR:
			if (strcmp(optarg, "LR") && strcmp(optarg, "TB") && strcmp(optarg, "RL") &&
			    strcmp(optarg, "BT"))
				cli_usage_error("--rankdir: '%.40s' is not LR, TB, RL or BT", optarg);
			o.rankdir = optarg;
			break;
		case OPT_NO_LEGEND: o.legend = false; break;
		case OPT_STRICT: o.strict = true; break;
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
	if (o.since_us != GR_TIME_UNKNOWN && o.until_us != GR_TIME_UNKNOWN &&
	    o.until_us <= o.since_us)
		cli_usage_error("--until must be later than --since");
	if (!output && o.format != GR_DOT_FORMAT_DOT && o.format != GR_DOT_FORMAT_SVG &&
	    isatty(1))
		cli_usage_error("refusing to write a binary picture to a terminal "
				"(use -o FILE or a pipe)");
	o.roots = roots.v;
	o.nroots = roots.n;
	o.traces = traces.v;
	o.ntraces = traces.n;
	o.functions = fns.v;
	o.nfunctions = fns.n;
	cli_output(output);
	o.write = cli_write;
	o.diag = cli_on_diag;
	o.diag_ctx = &msgs;

	struct gr_stats st;
	struct gr_dot_summary sum;
	struct gr_error err = { 0 };
	int rc = gr_dot(&o, (const char *const *)argv + optind, (size_t)(argc - optind), &st, &sum,
			&err);
	int status = CLI_OK;

	if (rc == GR_ERR_PIPE)
		status = cli_finish(CLI_FAIL); /* exits quietly on a closed pipe */
	if (rc) {
		cli_error(&err);
		status = rc == GR_ERR_USAGE ? CLI_USAGE : CLI_FAIL;
	}
	cli_msgs_done(&msgs);
	if (stats) {
		cli_print_stats(&st, "records", "graph elements");
		if (!rc)
			cli_msg("%s view: %zu of %zu runs selected, %zu invocations drawn, "
				"%zu left out, %zu edges drawn, %zu hidden",
				sum.view == GR_DOT_VIEW_FUNCTIONS ? "function" : "invocation",
				sum.runs_selected, sum.runs, sum.shown, sum.pruned, sum.edges_shown,
				sum.edges_hidden);
	}
	if (cli_loss_summary(&st) && !status)
		status = CLI_FAIL;
	free(roots.v);
	free(traces.v);
	free(fns.v);
	return cli_finish(status);
}
