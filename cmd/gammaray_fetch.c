/* gammaray_fetch.c: gammaray-fetch, CloudWatch Logs and X-Ray inputs to the event stream. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
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
	"      --since TIME        drop records before TIME\n"
	"      --until TIME        drop records at or after TIME (TIME: ISO 8601, epoch\n"
	"                          seconds or milliseconds, or -30m, -2h, -7d from now)\n"
	"      --function PATTERN  keep only functions whose whole name matches the PCRE2\n"
	"                          PATTERN (log streams, and X-Ray traces that show one)\n"
	"      --keep-logs         also write application log lines as \"log\" events\n"
	"  -j, --jobs N            read N files at once (output order does not change;\n"
	"                          0: one per CPU)\n"
	"  -o, --output FILE       write the events to FILE instead of stdout\n"
	"      --strict            stop at the first record that cannot be read\n"
	"      --stats             print per-reason record counts on stderr at the end\n"
	"  -q, --quiet             no per-record messages, only the final summary\n"
	"      --max-messages N    show at most N messages about lost records (10)\n"
	"      --no-progress       no progress line, even on a terminal\n"
	"      --max-line SIZE     longest log line or event (8M; suffix K, M, G)\n"
	"      --max-doc SIZE      largest JSON document (512M)\n"
	"      --max-depth N       deepest JSON nesting (512)\n"
	"  -h, --help              show this help and exit\n"
	"  -V, --version           show the version and exit\n"
	"\n"
	"Exit status: 0 when every record read was written or deliberately skipped,\n"
	"1 when records were lost (see --stats) or on a runtime error, 2 on bad usage.\n"
	"Example: gammaray-fetch --export-tasks tasks.json export/ traces/ | gammaray-infer\n";

enum {
	OPT_SINCE = 256, OPT_UNTIL, OPT_FUNCTION, OPT_KEEP_LOGS, OPT_STRICT, OPT_STATS,
	OPT_MAX_LINE, OPT_MAX_DOC, OPT_MAX_DEPTH, OPT_EXPORT_TASKS, OPT_MAX_MESSAGES,
	OPT_NO_PROGRESS,
};

static const struct option longopts[] = {
	{ "log-group", required_argument, NULL, 'g' },
	{ "export-tasks", required_argument, NULL, OPT_EXPORT_TASKS },
	{ "since", required_argument, NULL, OPT_SINCE },
	{ "until", required_argument, NULL, OPT_UNTIL },
	{ "function", required_argument, NULL, OPT_FUNCTION },
	{ "keep-logs", no_argument, NULL, OPT_KEEP_LOGS },
	{ "jobs", required_argument, NULL, 'j' },
	{ "output", required_argument, NULL, 'o' },
	{ "strict", no_argument, NULL, OPT_STRICT },
	{ "stats", no_argument, NULL, OPT_STATS },
	{ "quiet", no_argument, NULL, 'q' },
	{ "max-messages", required_argument, NULL, OPT_MAX_MESSAGES },
	{ "no-progress", no_argument, NULL, OPT_NO_PROGRESS },
	{ "max-line", required_argument, NULL, OPT_MAX_LINE },
	{ "max-doc", required_argument, NULL, OPT_MAX_DOC },
	{ "max-depth", required_argument, NULL, OPT_MAX_DEPTH },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

struct progress {
	struct timeval start;  /* when the run began */
	bool enabled;
};

static double since(const struct timeval *t)
{
	struct timeval now;

	gettimeofday(&now, NULL);
	return (double)(now.tv_sec - t->tv_sec) + (double)(now.tv_usec - t->tv_usec) / 1e6;
}

static void human_bytes(uint64_t b, char *out, size_t n)
{
	const char *unit[] = { "B", "KB", "MB", "GB", "TB" };
	double v = (double)b;
	int i = 0;

	while (v >= 1000 && i < 4) {
		v /= 1000;
		i++;
	}
	snprintf(out, n, i ? "%.1f %s" : "%.0f %s", v, unit[i]);
}

static void on_progress(void *ctx, const struct gr_progress *p)
{
	struct progress *pr = ctx;
	char done[32], total[32], rate[32], line[240];

	if (!pr->enabled || since(&pr->start) < 1.0)
		return;
	double secs = since(&pr->start);
	human_bytes(p->bytes_done, done, sizeof(done));
	human_bytes(p->bytes_total, total, sizeof(total));
	human_bytes((uint64_t)((double)p->bytes_done / secs), rate, sizeof(rate));
	snprintf(line, sizeof(line), "%llu/%llu inputs, %s of %s (%.0f%%, %s/s), %llu records, "
		 "%llu events", (unsigned long long)p->files_done, (unsigned long long)p->files_total,
		 done, total, p->bytes_total ? 100.0 * (double)p->bytes_done / (double)p->bytes_total : 0.0,
		 rate, (unsigned long long)p->records, (unsigned long long)p->events);
	cli_progress_line(line);
}

/* The operands; static so that usage errors, which exit, leave nothing behind. */
static struct gr_fetch_input *in;

int main(int argc, char **argv)
{
	struct gr_fetch_opts o;
	size_t nin = 0;
	const char *group = NULL, *output = NULL;
	bool stats = false, no_progress = false;
	struct cli_msgs msgs = CLI_MSGS_INIT;
	struct progress pr;
	int c;

	cli_init("gammaray-fetch");
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
		case OPT_SINCE: o.since_us = cli_time("--since", optarg); break;
		case OPT_UNTIL: o.until_us = cli_time("--until", optarg); break;
		case OPT_FUNCTION: o.function = optarg; break;
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
		case 'o': output = optarg; break;
		case OPT_STRICT: o.strict = true; break;
		case OPT_STATS: stats = true; break;
		case 'q': msgs.quiet = true; break;
		case OPT_MAX_MESSAGES:
			msgs.max = cli_long("--max-messages", optarg, 0, 1000000000L);
			break;
		case OPT_NO_PROGRESS: no_progress = true; break;
		case OPT_MAX_LINE:
			o.max_line = cli_size("--max-line", optarg, 1024, (size_t)1 << 40);
			break;
		case OPT_MAX_DOC:
			o.max_doc = cli_size("--max-doc", optarg, 1024, (size_t)1 << 40);
			break;
		case OPT_MAX_DEPTH:
			o.max_depth = (int)cli_long("--max-depth", optarg, 2, 100000);
			break;
		default:
			cli_std_option(c, usage);
		}
	}
	if (o.since_us != GR_TIME_UNKNOWN && o.until_us != GR_TIME_UNKNOWN &&
	    o.until_us <= o.since_us)
		cli_usage_error("--until must be later than --since");
	if (!nin) {
		in[0].path = "-";
		in[0].log_group = group;
		nin = 1;
	}
	if (!output && isatty(1))
		cli_usage_error("refusing to write the event stream to a terminal "
				"(use -o FILE or a pipe)");
	cli_output(output);

	gettimeofday(&pr.start, NULL);
	pr.enabled = !no_progress && cli_stderr_tty();
	o.write = cli_write;
	o.diag = cli_on_diag;
	o.diag_ctx = &msgs;
	o.progress = on_progress;
	o.progress_ctx = &pr;

	struct gr_stats st;
	struct gr_error err = { 0 };
	int rc = gr_fetch(&o, in, nin, &st, &err);
	int status = CLI_OK;

	cli_progress_clear();
	if (rc == GR_ERR_PIPE)
		status = cli_finish(CLI_FAIL); /* exits quietly on a closed pipe */
	if (rc == GR_ERR_DATA) {
		/* the record itself was reported as it was lost */
		cli_msg("stopped at the first lost record (--strict)");
		status = CLI_FAIL;
	} else if (rc) {
		cli_error(&err);
		status = rc == GR_ERR_USAGE ? CLI_USAGE : CLI_FAIL;
	}
	cli_msgs_done(&msgs);
	if (stats)
		cli_print_stats(&st, "records", "events");
	if (cli_loss_summary(&st))
		status = CLI_FAIL;
	free(in);
	return cli_finish(status);
}
