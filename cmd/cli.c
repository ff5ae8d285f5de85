/* cli.c: plumbing shared by the gammaray programs: messages, usage, numbers, output. */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static const char *progname = "gammaray";
static FILE *out;
static const char *out_path = "standard output";
static bool progress_shown;
static bool progress_forced; /* --progress: drawn even when stderr is no terminal */
static bool color_on;        /* --color: the program name bold, losses red, on stderr */

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

static void vmsg_as(const char *color, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

static void vmsg_as(const char *color, const char *fmt, va_list ap)
{
	cli_progress_clear();
	if (color_on)
		fprintf(stderr, "\033[1m%s:\033[0m %s", progname, color ? color : "");
	else
		fprintf(stderr, "%s: ", progname);
	vfprintf(stderr, fmt, ap);
	if (color_on && color)
		fputs("\033[0m", stderr);
	fputc('\n', stderr);
}

static void vmsg(const char *fmt, va_list ap)
	__attribute__((format(printf, 1, 0)));

static void vmsg(const char *fmt, va_list ap)
{
	vmsg_as(NULL, fmt, ap);
}

/* A message in red when colour is on: what was lost. */
static void loss_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void loss_msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg_as("\033[31m", fmt, ap);
	va_end(ap);
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
	if (!path || strcmp(path, "-") == 0) {
#ifdef F_SETPIPE_SZ
		/* the next stage of a pipeline reads what we write a megabyte at a time
		 * (records leave us in blocks that size), not 64 KB: sixteen times fewer
		 * wake-ups for both (Linux; where it is refused the pipe stays as it is) */
		struct stat st;
		if (fstat(STDOUT_FILENO, &st) == 0 && S_ISFIFO(st.st_mode))
			(void)fcntl(STDOUT_FILENO, F_SETPIPE_SZ, 1 << 20);
#endif
		return;
	}
	out = fopen(path, "w");
	if (!out)
		cli_die(CLI_FAIL, "%s: cannot open for writing: %s", path, strerror(errno));
	out_path = path;
}

/* Why the first write to the output failed (errno), for cli_finish to say: by then
 * errno may be another call's. */
static int out_errno;

int cli_write(void *ctx, const char *data, size_t len)
{
	(void)ctx;
	if (fwrite(data, 1, len, out) == len)
		return 0;
	if (!out_errno)
		out_errno = errno;
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
		int e = out_errno ? out_errno : errno;
		if (e == EPIPE)
			die_of_pipe();
		cli_msg("error writing %s: %s", out_path, strerror(e));
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
	if (!cli_stderr_tty() && !progress_forced)
		return;
	if (!cli_stderr_tty()) {
		/* not a terminal: whole lines, nothing to erase */
		fprintf(stderr, "%s: %s\n", progname, text);
		return;
	}
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
		loss_msg("%llu record%s and %llu file%s lost (%s); --stats shows every count",
			(unsigned long long)recs, recs == 1 ? "" : "s", (unsigned long long)files,
			files == 1 ? "" : "s", buf);
	else if (files)
		loss_msg("%llu file%s lost (%s); --stats shows every count", (unsigned long long)files,
			files == 1 ? "" : "s", buf);
	else
		loss_msg("%llu record%s lost (%s); --stats shows every count", (unsigned long long)recs,
			recs == 1 ? "" : "s", buf);
	return true;
}

/* --- the options every program shares ------------------------------------------ */


void cli_common_init(struct cli_common *c)
{
	memset(c, 0, sizeof(*c));
	c->since_us = c->until_us = GR_TIME_UNKNOWN;
	c->progress = true;
	c->color = "auto";
	c->msgs = (struct cli_msgs)CLI_MSGS_INIT;
}

bool cli_common_option(struct cli_common *c, int opt, const char *arg, const char *usage)
{
	switch (opt) {
	case 'o': c->output = arg; return true;
	case CLI_OPT_STRICT: c->strict = true; return true;
	case CLI_OPT_STATS:
		if (!arg || !strcmp(arg, "text"))
			c->stats = CLI_STATS_TEXT;
		else if (!strcmp(arg, "json"))
			c->stats = CLI_STATS_JSON;
		else
			cli_usage_error("--stats=%.40s: expected --stats or --stats=json", arg);
		return true;
	case 'q': c->msgs.quiet = true; return true;
	case CLI_OPT_MAX_MESSAGES:
		c->msgs.max = cli_long("--max-messages", arg, 0, 1000000000L);
		return true;
	case CLI_OPT_PROGRESS: c->progress = true; progress_forced = true; return true;
	case CLI_OPT_NO_PROGRESS: c->progress = false; return true;
	case CLI_OPT_COLOR:
		if (strcmp(arg, "auto") && strcmp(arg, "always") && strcmp(arg, "never"))
			cli_usage_error("--color: '%.40s' is not auto, always or never", arg);
		c->color = arg;
		return true;
	case CLI_OPT_MAX_LINE:
		c->max_line = cli_size("--max-line", arg, 1024, (size_t)1 << 40);
		return true;
	case CLI_OPT_SINCE: c->since_us = cli_time("--since", arg); return true;
	case CLI_OPT_UNTIL: c->until_us = cli_time("--until", arg); return true;
	case CLI_OPT_FUNCTION: c->function = arg; return true;
	case 'h': case 'V': case '?':
		cli_std_option(opt, usage);
	default:
		return false;
	}
}

bool cli_cost_option(struct cli_cost *c, int opt, const char *arg)
{
	switch (opt) {
	case CLI_OPT_COST: c->on = true; return true;
	case CLI_OPT_PRICES: c->on = true; c->file = arg; return true;
	default: return false;
	}
}

struct gr_prices *cli_cost_prices(const struct cli_cost *c, struct cli_msgs *msgs)
{
	struct gr_error err = { 0 };
	struct gr_prices *p;

	if (!c->on)
		return NULL;
	if (!(p = gr_prices_new()))
		cli_die(CLI_FAIL, "out of memory");
	if (c->file) {
		if (gr_prices_load(p, c->file, &err)) {
			gr_prices_free(p);
			cli_error(&err);
			exit(CLI_USAGE);
		}
		return p;
	}
	gr_error_set(&err, 0, "no --prices file: every function priced as x86_64 in us-east-1 "
		     "at the public AWS prices of %s (gammaray-prices(5))", GR_PRICES_DATE);
	cli_on_diag(msgs, 0, &err);
	return p;
}

/* auto: colour where a person looks at it (a terminal), unless NO_COLOR or TERM=dumb. */
static bool want_color(const char *when, int fd)
{
	if (!strcmp(when, "always"))
		return true;
	if (!strcmp(when, "never"))
		return false;
	const char *term = getenv("TERM");
	return isatty(fd) && !getenv("NO_COLOR") && !(term && !strcmp(term, "dumb"));
}

bool cli_common_done(struct cli_common *c)
{
	if (c->since_us != GR_TIME_UNKNOWN && c->until_us != GR_TIME_UNKNOWN &&
	    c->until_us <= c->since_us)
		cli_usage_error("--until must be later than --since");
	color_on = want_color(c->color, STDERR_FILENO);
	cli_output(c->output);
	return want_color(c->color, STDOUT_FILENO);
}

static double seconds_since(const struct timeval *t)
{
	struct timeval now;

	gettimeofday(&now, NULL);
	return (double)(now.tv_sec - t->tv_sec) + (double)(now.tv_usec - t->tv_usec) / 1e6;
}

static void human_bytes(uint64_t b, char *buf, size_t n)
{
	static const char *const unit[] = { "B", "KB", "MB", "GB", "TB" };
	double v = (double)b;
	int i = 0;

	while (v >= 1000 && i < 4) {
		v /= 1000;
		i++;
	}
	snprintf(buf, n, i ? "%.1f %s" : "%.0f %s", v, unit[i]);
}

void cli_on_progress(void *ctx, const struct gr_progress *p)
{
	static struct timeval start;
	const struct cli_common *c = ctx;
	char done[32], total[32], rate[32], line[240];

	if (!start.tv_sec)
		gettimeofday(&start, NULL);
	if (!c->progress || (!progress_forced && !cli_stderr_tty()))
		return;
	double secs = seconds_since(&start);
	if (secs < 1.0)
		return;
	human_bytes(p->bytes_done, done, sizeof(done));
	human_bytes(p->bytes_total, total, sizeof(total));
	human_bytes((uint64_t)((double)p->bytes_done / secs), rate, sizeof(rate));
	snprintf(line, sizeof(line), "%llu/%llu inputs, %s of %s (%.0f%%, %s/s), %llu records, "
		 "%llu out", (unsigned long long)p->files_done, (unsigned long long)p->files_total,
		 done, total, p->bytes_total ? 100.0 * (double)p->bytes_done / (double)p->bytes_total : 0.0,
		 rate, (unsigned long long)p->records, (unsigned long long)p->events);
	cli_progress_line(line);
}

/* --- the end-of-run report ------------------------------------------------------ */

struct cli_report {
	FILE *f;     /* stderr */
	bool json;   /* --stats=json: members, else text lines */
	bool open;   /* an object was just opened: its first member takes no comma */
};

/* s as a JSON string: the bytes as they are, but quotes, backslashes and controls
 * escaped (library strings are valid UTF-8: the event stream writer made them so). */
static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

void cli_report_u64(struct cli_report *r, const char *key, uint64_t v)
{
	if (r->json) {
		fprintf(r->f, "%s\"%s\":%llu", r->open ? "" : ",", key, (unsigned long long)v);
		r->open = false;
	}
}

void cli_report_strs(struct cli_report *r, const char *key, const char *const *v, size_t n)
{
	if (!r->json)
		return;
	fprintf(r->f, "%s\"%s\":[", r->open ? "" : ",", key);
	r->open = false;
	for (size_t i = 0; i < n; i++) {
		if (i)
			fputc(',', r->f);
		json_str(r->f, v[i]);
	}
	fputc(']', r->f);
}

void cli_report_obj(struct cli_report *r, const char *key)
{
	if (r->json) {
		fprintf(r->f, "%s\"%s\":{", r->open ? "" : ",", key);
		r->open = true;
	}
}

void cli_report_obj_end(struct cli_report *r)
{
	if (r->json) {
		fputc('}', r->f);
		r->open = false;
	}
}

void cli_report_str(struct cli_report *r, const char *key, const char *v)
{
	if (!r->json)
		return;
	fprintf(r->f, "%s\"%s\":", r->open ? "" : ",", key);
	r->open = false;
	json_str(r->f, v);
}

void cli_report_text(struct cli_report *r, const char *fmt, ...)
{
	va_list ap;

	if (r->json)
		return;
	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
}

static void reasons_json(FILE *f, const struct gr_stats *st, bool lost)
{
	bool first = true;

	fputc('{', f);
	for (int r = 0; r < GR_REASON_COUNT; r++) {
		if (!st->reason[r] || gr_reason_is_lost((enum gr_reason)r) != lost)
			continue;
		fprintf(f, "%s\"%s\":%llu", first ? "" : ",", gr_reason_name((enum gr_reason)r),
			(unsigned long long)st->reason[r]);
		first = false;
	}
	fputc('}', f);
}

static void stats_json(const struct gr_stats *st, void (*more)(void *, struct cli_report *),
		       void *ctx)
{
	struct cli_report r = { stderr, true, false };

	cli_progress_clear();
	fprintf(stderr, "{\"program\":\"%s\",\"version\":\"%s\",\"files\":%llu,\"bytes_in\":%llu,"
		"\"bytes\":%llu,\"records_in\":%llu,\"records_out\":%llu,\"written\":%llu,"
		"\"skipped\":", progname, GR_VERSION, (unsigned long long)st->files,
		(unsigned long long)st->bytes_in, (unsigned long long)st->bytes,
		(unsigned long long)st->records_in, (unsigned long long)st->records_out,
		(unsigned long long)st->events_out);
	reasons_json(stderr, st, false);
	fputs(",\"lost\":", stderr);
	reasons_json(stderr, st, true);
	fprintf(stderr, ",\"balanced\":%s", gr_stats_balanced(st) ? "true" : "false");
	if (more)
		more(ctx, &r);
	fputs("}\n", stderr);
}

int cli_status(const struct cli_common *c, int rc, const struct gr_error *err)
{
	int status = CLI_OK;

	if (rc == GR_ERR_PIPE)
		status = cli_finish(CLI_FAIL); /* exits quietly on a closed pipe */
	if (rc == GR_ERR_DATA && c->strict) {
		if (c->msgs.quiet)
			cli_error(err);
		cli_msg("stopped at the first lost record (--strict)");
		return CLI_FAIL;
	}
	if (rc) {
		cli_error(err);
		return rc == GR_ERR_USAGE ? CLI_USAGE : CLI_FAIL;
	}
	return status;
}

int cli_report(const struct cli_common *c, const struct gr_stats *st, const char *in_unit,
	       const char *out_unit, void (*more)(void *ctx, struct cli_report *r), void *ctx,
	       int status)
{
	cli_msgs_done(&c->msgs);
	if (c->stats == CLI_STATS_TEXT) {
		struct cli_report r = { stderr, false, false };
		cli_print_stats(st, in_unit, out_unit);
		if (more)
			more(ctx, &r);
	} else if (c->stats == CLI_STATS_JSON) {
		stats_json(st, more, ctx);
	}
	if (cli_loss_summary(st) && status == CLI_OK)
		status = CLI_FAIL;
	return status;
}
