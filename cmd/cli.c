/* cli.c: plumbing shared by the gammaray programs: messages, usage, numbers, output. */
#include "cli.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static const char *progname = "gammaray";
static FILE *out;
static const char *out_path = "standard output";
static bool progress_shown;

void cli_init(const char *name)
{
	progname = name;
	out = stdout;
	/* a closed pipe must show up as EPIPE on write, to exit quietly (see cli_write) */
	signal(SIGPIPE, SIG_IGN);
}

const char *cli_name(void)
{
	return progname;
}

static void vmsg(const char *fmt, va_list ap)
{
	cli_progress_clear();
	fprintf(stderr, "%s: ", progname);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void cli_msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
}

void cli_die(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
	exit(status);
}

void cli_usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try '%s --help' for more information.\n", progname);
	exit(CLI_USAGE);
}

void cli_error(const struct gr_error *e)
{
	char line[1200];

	gr_error_format(e, line, sizeof(line));
	cli_msg("%s", line);
}

long cli_long(const char *opt, const char *s, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		cli_usage_error("invalid value '%s' for %s (expected %ld..%ld)", s, opt, min, max);
	return v;
}

size_t cli_size(const char *opt, const char *s, size_t min, size_t max)
{
	char *end;
	unsigned long long v;
	unsigned shift = 0;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end == 'K' || *end == 'k')
		shift = 10;
	else if (*end == 'M' || *end == 'm')
		shift = 20;
	else if (*end == 'G' || *end == 'g')
		shift = 30;
	if (shift)
		end++;
	if (errno || end == s || *end || s[0] == '-' || v > (max >> shift) ||
	    (v << shift) < min)
		cli_usage_error("invalid size '%s' for %s (expected %zu..%zu, suffix K, M or G)",
				s, opt, min, max);
	return (size_t)(v << shift);
}

int64_t cli_time(const char *opt, const char *s)
{
	struct timeval tv;
	int64_t us;

	gettimeofday(&tv, NULL);
	if (gr_time_parse_user(s, (int64_t)tv.tv_sec * 1000000 + tv.tv_usec, &us))
		cli_usage_error("invalid time '%s' for %s (ISO 8601, epoch seconds or ms, "
				"or -15m, -2h, -3d)", s, opt);
	return us;
}

void cli_output(const char *path)
{
	if (!path || strcmp(path, "-") == 0)
		return;
	out = fopen(path, "w");
	if (!out)
		cli_die(CLI_FAIL, "%s: cannot open for writing: %s", path, strerror(errno));
	out_path = path;
}

int cli_write(void *ctx, const char *data, size_t len)
{
	(void)ctx;
	if (fwrite(data, 1, len, out) == len)
		return 0;
	return errno == EPIPE ? GR_ERR_PIPE : GR_ERR_IO;
}

/* Die the way a pipeline expects a reader-gone writer to die (git's check_pipe). */
static void die_of_pipe(void)
{
	signal(SIGPIPE, SIG_DFL);
	raise(SIGPIPE);
	_exit(141);
}

int cli_finish(int status)
{
	cli_progress_clear();
	if (fflush(out) != 0 || ferror(out)) {
		if (errno == EPIPE)
			die_of_pipe();
		cli_msg("error writing %s: %s", out_path, strerror(errno));
		return CLI_FAIL;
	}
	if (out != stdout && fclose(out) != 0) {
		cli_msg("error closing %s: %s", out_path, strerror(errno));
		return CLI_FAIL;
	}
	if (out == stdout && fclose(stdout) != 0 && errno != EBADF) {
		if (errno == EPIPE)
			die_of_pipe();
		cli_msg("error closing standard output: %s", strerror(errno));
		return CLI_FAIL;
	}
	return status;
}

bool cli_stderr_tty(void)
{
	static int tty = -1;

	if (tty < 0)
		tty = isatty(2);
	return tty == 1;
}

void cli_progress_line(const char *text)
{
	if (!cli_stderr_tty())
		return;
	fprintf(stderr, "\r\033[K%s: %s", progname, text);
	fflush(stderr);
	progress_shown = true;
}

void cli_progress_clear(void)
{
	if (!progress_shown)
		return;
	fputs("\r\033[K", stderr);
	fflush(stderr);
	progress_shown = false;
}

void cli_print_stats(const struct gr_stats *st, const char *in_unit, const char *out_unit)
{
	uint64_t skipped = gr_stats_skipped(st), lost = gr_stats_lost(st);

	cli_progress_clear();
	fprintf(stderr,
		"%s: %llu file%s, %llu bytes (%llu decompressed)\n"
		"%s: %s in: %llu, written: %llu (%llu %s), skipped: %llu, lost: %llu\n",
		progname, (unsigned long long)st->files, st->files == 1 ? "" : "s",
		(unsigned long long)st->bytes_in,
		(unsigned long long)st->bytes, progname, in_unit, (unsigned long long)st->records_in,
		(unsigned long long)st->records_out, (unsigned long long)st->events_out,
		out_unit, (unsigned long long)skipped, (unsigned long long)lost);
	for (int r = 0; r < GR_REASON_COUNT; r++) {
		if (!st->reason[r])
			continue;
		fprintf(stderr, "%s:   %-8s %-20s %llu%s\n", progname,
			gr_reason_is_lost((enum gr_reason)r) ? "lost" : "skipped",
			gr_reason_name((enum gr_reason)r), (unsigned long long)st->reason[r],
			gr_reason_is_file((enum gr_reason)r) ? " files" : "");
	}
	/* a note, not a reason: these records are also counted above */
	if (st->invalid_utf8)
		fprintf(stderr, "%s:   %-8s %-20s %llu\n", progname, "note", "invalid-utf8",
			(unsigned long long)st->invalid_utf8);
	if (!gr_stats_balanced(st))
		fprintf(stderr, "%s: internal error: the accounting does not add up\n", progname);
}

void cli_version(void)
{
	printf("%s %s (event stream v%d)\n", progname, GR_VERSION, GR_EVENTS_VERSION);
}

void cli_std_option(int c, const char *usage)
{
	if (c == 'h') {
		fputs(usage, stdout);
		exit(cli_finish(CLI_OK));
	}
	if (c == 'V') {
		cli_version();
		exit(cli_finish(CLI_OK));
	}
	/* getopt has said what was wrong */
	fprintf(stderr, "Try '%s --help' for more information.\n", progname);
	exit(CLI_USAGE);
}

void cli_on_diag(void *ctx, int severity, const struct gr_error *e)
{
	struct cli_msgs *m = ctx;
	long *count = severity ? &m->losses : &m->notices;

	if (m->quiet || ++*count > m->max)
		return;
	cli_error(e);
}

void cli_msgs_done(const struct cli_msgs *m)
{
	if (m->quiet)
		return;
	if (m->losses > m->max)
		cli_msg("%ld more lost records not shown (--max-messages)", m->losses - m->max);
	if (m->notices > m->max)
		cli_msg("%ld more notices not shown (--max-messages)", m->notices - m->max);
}

bool cli_loss_summary(const struct gr_stats *st)
{
	char buf[600];
	size_t o = 0;
	uint64_t recs = 0, files = 0;

	buf[0] = '\0';
	for (int r = GR_REASON_FIRST_LOST; r < GR_REASON_COUNT; r++) {
		if (!st->reason[r])
			continue;
		if (gr_reason_is_file((enum gr_reason)r))
			files += st->reason[r];
		else
			recs += st->reason[r];
		int n = snprintf(buf + o, sizeof(buf) - o, "%s%s %llu", o ? ", " : "",
				 gr_reason_name((enum gr_reason)r), (unsigned long long)st->reason[r]);
		if (n < 0 || (size_t)n >= sizeof(buf) - o)
			break;
		o += (size_t)n;
	}
	if (!recs && !files)
		return false;
	if (files && recs)
		cli_msg("%llu record%s and %llu file%s lost (%s); --stats shows every count",
			(unsigned long long)recs, recs == 1 ? "" : "s", (unsigned long long)files,
			files == 1 ? "" : "s", buf);
	else if (files)
		cli_msg("%llu file%s lost (%s); --stats shows every count", (unsigned long long)files,
			files == 1 ? "" : "s", buf);
	else
		cli_msg("%llu record%s lost (%s); --stats shows every count", (unsigned long long)recs,
			recs == 1 ? "" : "s", buf);
	return true;
}
