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
	"--annotate write it; FILEs, directories, or standard input) and draw it with\n"
	"Graphviz: DOT text on stdout, or SVG, PNG or PDF rendered directly.\n"
	"\n"
	"  -T, --format FORMAT     dot (default), svg, png or pdf\n"
	"      --view VIEW         invocations: one node per invocation, a cluster per run;\n"
	"                          functions: one node per function and service resource;\n"
	"                          auto (default): invocations when they fit in --max-nodes\n"
	"      --root ID           only the run that holds invocation ID (repeatable)\n"
	"      --trace ID          only runs with an invocation of X-Ray trace ID (repeatable)\n"
	"      --function NAME     only runs with an invocation of function NAME (repeatable)\n"
	"      --since TIME        only runs that start at or after TIME\n"
	"      --until TIME        only runs that start before TIME (TIME: ISO 8601, epoch\n"
	"                          seconds or milliseconds, or -30m, -2h, -7d from now)\n"
	"      --max-nodes N       invocation view: draw at most N invocations and say in a\n"
	"                          note what was left out (300; 0: no limit)\n"
	"      --rankdir DIR       LR (default: time flows left to right), TB, RL or BT\n"
	"      --no-legend         leave the legend out\n"
	"\n"
	"Cost: beside each function's time in the function view (each invocation's in its\n"
	"tooltip in the invocation view):\n"
	CLI_COST_HELP
	"\n"
	CLI_COMMON_HELP
	"\n"
	"Exit status: 0 when the picture was written and no record was lost, 1 when records\n"
	"were lost (see --stats) or on a runtime error, 2 on bad usage.\n"
	"Example: gammaray-infer events.ndjson | gammaray-dot -T svg -o graph.svg\n";

enum { OPT_VIEW = 256, OPT_ROOT, OPT_TRACE, OPT_MAX_NODES, OPT_RANKDIR, OPT_NO_LEGEND };

static const struct option longopts[] = {
	{ "format", required_argument, NULL, 'T' },
	{ "view", required_argument, NULL, OPT_VIEW },
	{ "root", required_argument, NULL, OPT_ROOT },
	{ "trace", required_argument, NULL, OPT_TRACE },
	{ "max-nodes", required_argument, NULL, OPT_MAX_NODES },
	{ "rankdir", required_argument, NULL, OPT_RANKDIR },
	{ "no-legend", no_argument, NULL, OPT_NO_LEGEND },
	CLI_FILTER_LONGOPTS,
	CLI_COST_LONGOPTS,
	CLI_COMMON_LONGOPTS,
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

/* What --stats adds: the picture. */
struct picture {
	const struct gr_dot_summary *sum;  /* what gr_dot drew */
	bool drawn;                        /* the run went through */
};

static void more_stats(void *ctx, struct cli_report *r)
{
	const struct picture *p = ctx;
	const struct gr_dot_summary *sum = p->sum;

	if (!p->drawn)
		return;
	cli_report_str(r, "view", sum->view == GR_DOT_VIEW_FUNCTIONS ? "functions" : "invocations");
	cli_report_u64(r, "runs", sum->runs);
	cli_report_u64(r, "runs_selected", sum->runs_selected);
	cli_report_u64(r, "invocations_drawn", sum->shown);
	cli_report_u64(r, "invocations_left_out", sum->pruned);
	cli_report_u64(r, "edges_drawn", sum->edges_shown);
	cli_report_u64(r, "edges_hidden", sum->edges_hidden);
	cli_report_text(r, "%s view: %zu of %zu runs selected, %zu invocations drawn, "
			"%zu left out, %zu edges drawn, %zu hidden",
			sum->view == GR_DOT_VIEW_FUNCTIONS ? "function" : "invocation",
			sum->runs_selected, sum->runs, sum->shown, sum->pruned, sum->edges_shown,
			sum->edges_hidden);
}

int main(int argc, char **argv)
{
	struct gr_dot_opts o;
	struct list roots = { 0 }, traces = { 0 }, fns = { 0 };
	struct cli_common cc;
	struct cli_cost cost = { false, NULL };
	int c;

	cli_init("gammaray-dot");
	cli_common_init(&cc);
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
		case CLI_OPT_FUNCTION: list_add(&fns, optarg, argc); break;
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
		default:
			if (!cli_cost_option(&cost, c, optarg) &&
			    !cli_common_option(&cc, c, optarg, usage))
				cli_std_option('?', usage);
		}
	}
	if (!cc.output && o.format != GR_DOT_FORMAT_DOT && o.format != GR_DOT_FORMAT_SVG &&
	    isatty(1))
		cli_usage_error("refusing to write a binary picture to a terminal "
				"(use -o FILE or a pipe)");
	cli_common_done(&cc);
	o.prices = cli_cost_prices(&cost, &cc.msgs);
	o.since_us = cc.since_us;
	o.until_us = cc.until_us;
	CLI_IO_OPTS(o, cc);
	o.roots = roots.v;
	o.nroots = roots.n;
	o.traces = traces.v;
	o.ntraces = traces.n;
	o.functions = fns.v;
	o.nfunctions = fns.n;

	struct gr_stats st;
	struct gr_dot_summary sum;
	struct gr_error err = { 0 };
	int rc = gr_dot(&o, (const char *const *)argv + optind, (size_t)(argc - optind), &st, &sum,
			&err);
	int status = cli_status(&cc, rc, &err);
	struct picture pic = { &sum, rc == 0 };
	status = cli_report(&cc, &st, "records", "graph elements", more_stats, &pic, status);
	free(roots.v);
	free(traces.v);
	free(fns.v);
	gr_prices_free(o.prices);
	return cli_finish(status);
}
