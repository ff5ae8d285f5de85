/* gammaray_fetch.c: gammaray-fetch, CloudWatch Logs and X-Ray inputs to the event stream. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const char usage[] =
	"Usage: gammaray-fetch [OPTION]... [[--log-group GROUP] PATH]...\n"
	"Read CloudWatch Logs exports, Logs CLI/API JSON, subscription payloads, X-Ray\n"
	"traces, and Jaeger or OTLP/JSON traces (files, directories, or - for standard\n"
	"input; gzip and zlib are undone) and write one normalized event stream (NDJSON,\n"
	"gammaray-events(5)) to stdout.\n"
	"\n"
	"  -g, --log-group GROUP   log group of the PATHs that follow it (export trees and\n"
	"                          bare log text do not name it)\n"
	"      --export-tasks FILE 'aws logs describe-export-tasks' output: log group of\n"
	"                          each export task folder\n"
	CLI_FILTER_HELP
	"      --function PATTERN  keep only functions whose whole name matches the PCRE2\n"
	"                          PATTERN (log streams, and X-Ray traces that show one)\n"
	"      --keep-logs         also write application log lines as \"log\" events\n"
	"  -j, --jobs N            read N files at once (output order does not change;\n"
	"                          0: one per CPU)\n"
	"      --max-doc SIZE      largest JSON document (512M)\n"
	"      --max-depth N       deepest JSON nesting (512)\n"
	CLI_COMMON_HELP
	"\n"
	"Exit status: 0 when every record read was written or deliberately skipped,\n"
	"1 when records were lost (see --stats) or on a runtime error, 2 on bad usage.\n"
	"Example: gammaray-fetch --export-tasks tasks.json export/ traces/ | gammaray-infer\n";

enum { OPT_KEEP_LOGS = 256, OPT_MAX_DOC, OPT_MAX_DEPTH, OPT_EXPORT_TASKS };

static const struct option longopts[] = {
	{ "log-group", required_argument, NULL, 'g' },
	{ "export-tasks", required_argument, NULL, OPT_EXPORT_TASKS },
	{ "keep-logs", no_argument, NULL, OPT_KEEP_LOGS },
	{ "jobs", required_argument, NULL, 'j' },
	{ "max-doc", required_argument, NULL, OPT_MAX_DOC },
	{ "max-depth", required_argument, NULL, OPT_MAX_DEPTH },
	CLI_FILTER_LONGOPTS,
	CLI_COMMON_LONGOPTS,
	{ NULL, 0, NULL, 0 },
};

/* The operands; static so that usage errors, which exit, leave nothing behind. */
static struct gr_fetch_input *in;

int main(int argc, char **argv)
{
	struct gr_fetch_opts o;
	struct cli_common cc;
	size_t nin = 0;
	const char *group = NULL;
	int c;

	cli_init("gammaray-fetch");
	cli_common_init(&cc);
	gr_fetch_opts_init(&o);
	in = calloc((size_t)argc + 1, sizeof(*in));
	if (!in)
		cli_die(CLI_FAIL, "out of memory");

	/* '-' first: operands come back in order (as 1), so --log-group scopes them */
	while ((c = getopt_long(argc, argv, "-g:j:o:qhV", longopts, NULL)) != -1) {
		switch (c) {
		case 1:
			in[nin].path = optarg;
			in[nin].log_group = group;
			nin++;
			break;
		case 'g': group = *optarg ? optarg : NULL; break;
		case OPT_EXPORT_TASKS: o.export_tasks = optarg; break;
		case OPT_KEEP_LOGS: o.keep_logs = true; break;
		case 'j': {
			long j = cli_long("--jobs", optarg, 0, GR_MAX_JOBS);
			if (j == 0) {
				long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
				j = ncpu < 1 ? 1 : ncpu > GR_MAX_JOBS ? GR_MAX_JOBS : ncpu;
			}
			o.jobs = (int)j;
			break;
		}
		case OPT_MAX_DOC:
			o.max_doc = cli_size("--max-doc", optarg, 1024, (size_t)1 << 40);
			break;
		case OPT_MAX_DEPTH:
			o.max_depth = (int)cli_long("--max-depth", optarg, 2, 100000);
			break;
		default:
			if (!cli_common_option(&cc, c, optarg, usage))
				cli_std_option('?', usage);
		}
	}
	if (!nin) {
		in[0].path = "-";
		in[0].log_group = group;
		nin = 1;
	}
	if (!cc.output && isatty(1))
		cli_usage_error("refusing to write the event stream to a terminal "
				"(use -o FILE or a pipe)");
	cli_common_done(&cc);
	o.since_us = cc.since_us;
	o.until_us = cc.until_us;
	o.function = cc.function;
	CLI_IO_OPTS(o, cc);

	struct gr_stats st;
	struct gr_error err = { 0 };
	int rc = gr_fetch(&o, in, nin, &st, &err);

	cli_progress_clear();
	int status = cli_status(&cc, rc, &err);
	status = cli_report(&cc, &st, "records", "events", NULL, NULL, status);
	free(in);
	return cli_finish(status);
}
