/* gammaray_synth.c: gammaray-synth, simulated Lambda applications with their ground truth. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

static const char usage_text[] =
	"Usage: gammaray-synth [OPTION]... -o DIR\n"
	"Simulate Lambda applications; write into DIR what AWS would (a CloudWatch Logs\n"
	"export, X-Ray batch-get-traces pages) and the true causal graph (truth.ndjson).\n"
	"\n"
	"  -o, --out DIR            output directory (created; must be new or empty)\n"
	"  -a, --app NAME           application to simulate (default mixed; --list-apps)\n"
	"  -n, --runs N             root invocations to start (default 20)\n"
	"  -N, --invocations N      start roots until N invocations exist (with no -n,\n"
	"                           the number of runs is not limited)\n"
	"  -s, --seed N             random seed (default 1); same seed, same bytes\n"
	"      --start TIME         simulated start (default 2024-05-01T12:00:00Z)\n"
	"      --rate R             roots started per simulated second (default 10)\n"
	"      --sample-rate R      X-Ray: share of new traces sampled (default 0.05)\n"
	"      --reservoir N        X-Ray: traces sampled each second first (default 1)\n"
	"      --error-rate R       share of attempts ending in an error (default 0.02)\n"
	"      --timeout-rate R     share of attempts timing out (default 0.003)\n"
	"      --no-markers         do not write GAMMARAY markers\n"
	"      --format FMT         export (default) or filter-log-events\n"
	"      --chunk-events N     export: events per file of a stream (default 10000)\n"
	"      --ordered            export: keep each file in time order\n"
	"      --traces KIND        xray (default), otel (aws/spans export and OTLP/JSON\n"
	"                           files) or both\n"
	"      --traces-per-page N  X-Ray: traces per page (default 100)\n"
	"      --compress-level N   gzip level 1..9 (default 1)\n"
	"      --memory SIZE        log text buffered before files are written early\n"
	"                           (default 64M; K, M, G suffixes)\n"
	"  -j, --jobs N             threads (default: one per CPU, at most 8); those\n"
	"                           beyond the first compress; the output is the same\n"
	"      --what-if CHANGE     re-simulate the same workload (same seed and -n,\n"
	"                           same random decisions) with CHANGE; repeatable:\n"
	"                           no-cold-starts=FN, faster=FN:F, slower=FN:F (handler\n"
	"                           time divided or multiplied by F), delay=KIND:TIME or\n"
	"                           delay=KIND:xF (trigger delay of s3, dynamodb, sns,\n"
	"                           sqs, kinesis, lambda, events or sfn hops set or\n"
	"                           scaled; TIME: N, Nus, Nms or Ns), remove=FN\n"
	"  -f, --force              write into a non-empty directory\n"
	"      --list-apps          list the applications and exit\n"
	"  -q, --quiet              no summary on standard error\n"
	"  -h, --help               show this help and exit\n"
	"      --version            show the version and exit\n";

enum {
	OPT_START = 256, OPT_RATE, OPT_SAMPLE, OPT_RESERVOIR, OPT_ERRORS, OPT_TIMEOUTS,
	OPT_NO_MARKERS, OPT_FORMAT, OPT_CHUNK, OPT_ORDERED, OPT_PAGE, OPT_LEVEL, OPT_MEMORY,
	OPT_LIST, OPT_VERSION, OPT_TRACES, OPT_WHAT_IF,
};

static const struct option longopts[] = {
	{ "out", required_argument, NULL, 'o' },
	{ "app", required_argument, NULL, 'a' },
	{ "runs", required_argument, NULL, 'n' },
	{ "invocations", required_argument, NULL, 'N' },
	{ "seed", required_argument, NULL, 's' },
	{ "start", required_argument, NULL, OPT_START },
	{ "rate", required_argument, NULL, OPT_RATE },
	{ "sample-rate", required_argument, NULL, OPT_SAMPLE },
	{ "reservoir", required_argument, NULL, OPT_RESERVOIR },
	{ "error-rate", required_argument, NULL, OPT_ERRORS },
	{ "timeout-rate", required_argument, NULL, OPT_TIMEOUTS },
	{ "no-markers", no_argument, NULL, OPT_NO_MARKERS },
	{ "traces", required_argument, NULL, OPT_TRACES },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "chunk-events", required_argument, NULL, OPT_CHUNK },
	{ "ordered", no_argument, NULL, OPT_ORDERED },
	{ "traces-per-page", required_argument, NULL, OPT_PAGE },
	{ "compress-level", required_argument, NULL, OPT_LEVEL },
	{ "memory", required_argument, NULL, OPT_MEMORY },
	{ "jobs", required_argument, NULL, 'j' },
	{ "what-if", required_argument, NULL, OPT_WHAT_IF },
	{ "force", no_argument, NULL, 'f' },
	{ "list-apps", no_argument, NULL, OPT_LIST },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

/* A real number in [min, max] or a usage error. */
static double real_arg(const char *opt, const char *s, double min, double max)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(v) || v < min || v > max)
		cli_usage_error("invalid value '%s' for %s (expected %g..%g)", s, opt, min, max);
	return v;
}

/* The --what-if changes (gr_synth_change_parse). */
static struct gr_synth_change *changes;

static void progress(void *ctx, const struct gr_synth_stats *st)
{
	char line[128];

	(void)ctx;
	snprintf(line, sizeof(line), "%llu invocations, %llu log events",
		 (unsigned long long)st->invocations, (unsigned long long)st->log_events);
	cli_progress_line(line);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void summary(const struct gr_synth_stats *st, double secs)
{
	const double mb = 1024.0 * 1024.0;

	cli_msg("%llu invocations in %llu runs (%llu attempts, %llu retries, %llu cold, "
		"%llu errors, %llu timeouts), %llu edges (%llu visible in X-Ray)",
		(unsigned long long)st->invocations, (unsigned long long)st->runs,
		(unsigned long long)st->attempts, (unsigned long long)st->retries,
		(unsigned long long)st->cold, (unsigned long long)st->errors,
		(unsigned long long)st->timeouts, (unsigned long long)st->edges,
		(unsigned long long)st->xray_edges);
	if (st->spans)
		cli_msg("%llu OpenTelemetry spans (%.1f MB), %llu edges visible in spans",
			(unsigned long long)st->spans, st->span_bytes / mb,
			(unsigned long long)st->otel_edges);
	cli_msg("%llu log streams, %llu log events (%.1f MB), %llu traces (%.1f MB), "
		"truth %.1f MB; %llu files, %.1f MB on disk",
		(unsigned long long)st->streams, (unsigned long long)st->log_events,
		st->log_bytes / mb, (unsigned long long)st->traces, st->xray_bytes / mb,
		st->truth_bytes / mb, (unsigned long long)st->files, st->bytes_written / mb);
	cli_msg("%.2f s, %.0f invocations/s, %.0f log bytes per invocation", secs,
		secs > 0 ? st->invocations / secs : 0.0,
		st->invocations ? (double)st->log_bytes / st->invocations : 0.0);
}

int main(int argc, char **argv)
{
	struct gr_synth_opts o;
	struct gr_synth_stats st;
	struct gr_error err;
	bool quiet = false, runs_set = false;
	size_t nchanges = 0;
	int c;

	/* --what-if changes: at most one per argument (a global: the usage errors exit) */
	changes = calloc((size_t)argc, sizeof(*changes));
	if (!changes) {
		fprintf(stderr, "gammaray-synth: out of memory\n");
		return CLI_FAIL;
	}
	cli_init("gammaray-synth");
	gr_synth_opts_init(&o);
	while ((c = getopt_long(argc, argv, "o:a:n:N:s:j:fqh", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': o.out_dir = optarg; break;
		case 'a': o.app = optarg; break;
		case 'n':
			o.runs = (uint64_t)cli_long("--runs", optarg, 1, 100000000);
			runs_set = true;
			break;
		case 'N':
			o.max_invocations = (uint64_t)cli_long("--invocations", optarg, 1, 1000000000);
			break;
		case 's': {
			char *end;
			errno = 0;
			unsigned long long v = strtoull(optarg, &end, 10);
			if (errno || end == optarg || *end || optarg[0] == '-')
				cli_usage_error("invalid value '%s' for --seed", optarg);
			o.seed = v;
			break;
		}
		case OPT_START: o.start_us = cli_time("--start", optarg); break;
		case OPT_RATE: o.rate = real_arg("--rate", optarg, 0.001, 1e6); break;
		case OPT_SAMPLE: o.sample_rate = real_arg("--sample-rate", optarg, 0, 1); break;
		case OPT_RESERVOIR:
			o.reservoir = (uint32_t)cli_long("--reservoir", optarg, 0, 1000000);
			break;
		case OPT_ERRORS: o.error_rate = real_arg("--error-rate", optarg, 0, 0.5); break;
		case OPT_TIMEOUTS: o.timeout_rate = real_arg("--timeout-rate", optarg, 0, 0.5); break;
		case OPT_NO_MARKERS: o.markers = false; break;
		case OPT_TRACES:
			if (!strcmp(optarg, "xray"))
				o.traces = GR_SYNTH_XRAY;
			else if (!strcmp(optarg, "otel"))
				o.traces = GR_SYNTH_OTEL;
			else if (!strcmp(optarg, "both"))
				o.traces = GR_SYNTH_BOTH;
			else
				cli_usage_error("invalid value '%s' for --traces (expected xray, otel or "
						"both)", optarg);
			break;
		case OPT_FORMAT:
			if (!strcmp(optarg, "export"))
				o.format = GR_SYNTH_EXPORT;
			else if (!strcmp(optarg, "filter-log-events"))
				o.format = GR_SYNTH_FILTER;
			else
				cli_usage_error("invalid value '%s' for --format (export or "
						"filter-log-events)", optarg);
			break;
		case OPT_CHUNK:
			o.chunk_events = (uint32_t)cli_long("--chunk-events", optarg, 1, 100000000);
			break;
		case OPT_ORDERED: o.ordered = true; break;
		case OPT_PAGE:
			o.traces_per_page = (uint32_t)cli_long("--traces-per-page", optarg, 1, 1000000);
			break;
		case OPT_LEVEL:
			o.compress_level = (int)cli_long("--compress-level", optarg, 1, 9);
			break;
		case OPT_MEMORY: o.memory = cli_size("--memory", optarg, 1 << 20, (size_t)1 << 40); break;
		case 'j': o.jobs = (int)cli_long("--jobs", optarg, 1, GR_MAX_JOBS); break;
		case OPT_WHAT_IF:
			if (gr_synth_change_parse(optarg, &changes[nchanges++], &err))
				cli_usage_error("%s", err.msg);
			break;
		case 'f': o.force = true; break;
		case OPT_LIST:
			for (size_t i = 0; i < gr_synth_app_count(); i++)
				printf("%-12s %s\n", gr_synth_app_name(i), gr_synth_app_summary(i));
			return cli_finish(CLI_OK);
		case 'q': quiet = true; break;
		case OPT_VERSION: /* long only: synth has no -V; the workload version keys caches */
			printf("%s %s (event stream v%d, workload v%d)\n", cli_name(), GR_VERSION,
			       GR_EVENTS_VERSION, GR_SYNTH_WORKLOAD);
			return cli_finish(CLI_OK);
		default:
			cli_std_option(c, usage_text);
		}
	}
	if (optind < argc)
		cli_usage_error("unexpected operand '%s'", argv[optind]);
	if (!o.out_dir)
		cli_usage_error("no output directory (-o DIR)");
	if (o.max_invocations && !runs_set)
		o.runs = 0;
	o.changes = changes;
	o.nchanges = nchanges;

	if (!quiet && cli_stderr_tty()) {
		o.progress = progress;
	}
	double t0 = now_s();
	int rc = gr_synth_run(&o, &st, &err);
	double secs = now_s() - t0;
	free(changes);
	changes = NULL;
	cli_progress_clear();
	if (rc == GR_ERR_USAGE) {
		cli_error(&err);
		fprintf(stderr, "Try '%s --help' for more information.\n", cli_name());
		return CLI_USAGE;
	}
	if (rc) {
		cli_error(&err);
		return cli_finish(CLI_FAIL);
	}
	if (!quiet)
		summary(&st, secs);
	return cli_finish(CLI_OK);
}
