/* cli.h: plumbing shared by the gammaray programs: messages, usage, numbers, output. */
#ifndef GR_CLI_H
#define GR_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "gammaray.h"

/* Exit statuses: 0 ok, 1 data or runtime failure, 2 usage error. */
enum { CLI_OK = 0, CLI_FAIL = 1, CLI_USAGE = 2 };

/* Set the program name used as the prefix of every message. */
void cli_init(const char *name);
const char *cli_name(void);

/* "prog: message" on stderr. */
void cli_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* cli_msg, then exit(status). */
void cli_die(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));
/* A usage error: the message, a hint to try --help, exit 2. */
void cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* A library error with its position: "prog: file:line: message". */
void cli_error(const struct gr_error *e);

/* Numbers from option values: the whole string, in range, else a usage error. */
long cli_long(const char *opt, const char *s, long min, long max);
/* Sizes with an optional K, M or G suffix (powers of 1024). */
size_t cli_size(const char *opt, const char *s, size_t min, size_t max);
/* A time (gr_time_parse_user) or a usage error. */
int64_t cli_time(const char *opt, const char *s);

/* Open FILE for output instead of stdout ("-" keeps stdout). Exits 1 on failure. */
void cli_output(const char *path);
/* Write to the output; returns 0, GR_ERR_PIPE or GR_ERR_IO (fits gr_fetch_opts.write). */
int cli_write(void *ctx, const char *data, size_t len);
/* Flush and close the output, checking for errors; a closed pipe exits quietly. Returns
 * the status to exit with (status unchanged, or 1 on a write error). */
int cli_finish(int status);

/* Is stderr a terminal (progress lines and colour)? */
bool cli_stderr_tty(void);
/* Show or clear a one-line progress display on stderr (terminal only). */
void cli_progress_line(const char *text);
void cli_progress_clear(void);

/* Per-reason accounting on stderr, one line per nonzero reason. */
void cli_print_stats(const struct gr_stats *st, const char *in_unit, const char *out_unit);

/* Print the version line of every program. */
void cli_version(void);

/* -h/--help (print usage), -V/--version, and getopt's unknown-option case ('?'):
 * the shared ends of every program's option switch. Exits. */
void cli_std_option(int c, const char *usage) __attribute__((noreturn));

/*
 * Messages about lost records and notices, as a library's diag callback receives
 * them: the first `max` of each kind are printed, the rest counted.
 */
struct cli_msgs {
	long max;              /* shown per kind (--max-messages) */
	long losses, notices;  /* seen so far */
	bool quiet;            /* -q: show none */
};
#define CLI_MSGS_INIT { 10, 0, 0, false }

/* --- the options every program shares ------------------------------------------ */

/* --stats: none, the text lines, or one JSON object (gammaray-stats(5)). */
enum cli_stats { CLI_STATS_NONE, CLI_STATS_TEXT, CLI_STATS_JSON };

/* What the shared options set (cli_common_init gives the defaults). */
struct cli_common {
	const char *output;       /* -o FILE, NULL: stdout */
	int64_t since_us;         /* --since, GR_TIME_UNKNOWN: none */
	int64_t until_us;         /* --until, GR_TIME_UNKNOWN: none */
	const char *function;     /* --function */
	bool strict;              /* --strict */
	enum cli_stats stats;     /* --stats[=json] */
	bool progress;            /* a progress line on a terminal (--no-progress: off) */
	const char *color;        /* --color WHEN: auto, always, never */
	size_t max_line;          /* --max-line, 0: the library's default */
	struct cli_msgs msgs;     /* -q, --max-messages */
};

/* Option codes of the shared long options without a short letter. */
enum {
	CLI_OPT_STRICT = 1000, CLI_OPT_STATS, CLI_OPT_MAX_MESSAGES, CLI_OPT_PROGRESS,
	CLI_OPT_NO_PROGRESS, CLI_OPT_COLOR, CLI_OPT_MAX_LINE, CLI_OPT_SINCE, CLI_OPT_UNTIL,
	CLI_OPT_FUNCTION, CLI_OPT_COST, CLI_OPT_PRICES,
};

/* The shared long options, for the end of a program's table (before its terminator). */
#define CLI_COMMON_LONGOPTS                                                       \
	{ "output", required_argument, NULL, 'o' },                               \
	{ "strict", no_argument, NULL, CLI_OPT_STRICT },                          \
	{ "stats", optional_argument, NULL, CLI_OPT_STATS },                      \
	{ "quiet", no_argument, NULL, 'q' },                                      \
	{ "max-messages", required_argument, NULL, CLI_OPT_MAX_MESSAGES },        \
	{ "progress", no_argument, NULL, CLI_OPT_PROGRESS },                      \
	{ "no-progress", no_argument, NULL, CLI_OPT_NO_PROGRESS },                \
	{ "color", required_argument, NULL, CLI_OPT_COLOR },                      \
	{ "max-line", required_argument, NULL, CLI_OPT_MAX_LINE },                \
	{ "help", no_argument, NULL, 'h' },                                       \
	{ "version", no_argument, NULL, 'V' }
/* --since, --until and --function, for the programs that select by time and function. */
#define CLI_FILTER_LONGOPTS                                                       \
	{ "since", required_argument, NULL, CLI_OPT_SINCE },                      \
	{ "until", required_argument, NULL, CLI_OPT_UNTIL },                      \
	{ "function", required_argument, NULL, CLI_OPT_FUNCTION }
/* Their lines in --help. */
#define CLI_FILTER_HELP                                                                    \
	"      --since TIME        only what starts at or after TIME\n"                        \
	"      --until TIME        only what starts before TIME (TIME: ISO 8601, epoch\n"      \
	"                          seconds or milliseconds, or -30m, -2h, -7d from now)\n"
#define CLI_COMMON_HELP                                                                    \
	"  -o, --output FILE       write to FILE instead of stdout\n"                          \
	"      --strict            stop at the first record or file that cannot be read\n"    \
	"      --stats[=json]      print counts on stderr at the end: records by reason,\n"   \
	"                          or one JSON object (gammaray-stats(5))\n"                  \
	"  -q, --quiet             no per-record messages, only the final summary\n"          \
	"      --max-messages N    show at most N messages about lost records (10)\n"         \
	"      --progress          a progress line on stderr even when it is not a terminal\n"\
	"      --no-progress       no progress line, even on a terminal\n"                    \
	"      --color WHEN        colour messages (and reports): auto, always, never\n"      \
	"      --max-line SIZE     longest input line (8M; suffix K, M, G)\n"                 \
	"  -h, --help              show this help and exit\n"                                  \
	"  -V, --version           show the version and exit\n"

/* --cost and --prices FILE: gammaray-critpath, gammaray-dot and gammaray-report. */
struct cli_cost {
	bool on;                  /* --cost, or --prices */
	const char *file;         /* --prices FILE; NULL: the compiled-in prices */
};
#define CLI_COST_LONGOPTS                                                         \
	{ "cost", no_argument, NULL, CLI_OPT_COST },                              \
	{ "prices", required_argument, NULL, CLI_OPT_PRICES }
#define CLI_COST_HELP                                                                      \
	"      --cost              what the invocations cost, from their Billed Duration\n"   \
	"                          and memory: integer pico-dollars, exact; those without\n" \
	"                          them (X-Ray or spans only) are counted as of unknown cost\n"\
	"      --prices FILE       architectures, regions and prices (gammaray-prices(5));\n" \
	"                          implies --cost. Without it: x86_64 in us-east-1 at the\n"  \
	"                          public prices of " GR_PRICES_DATE ", and a warning\n"
/* Handle --cost or --prices: true when opt was one. */
bool cli_cost_option(struct cli_cost *c, int opt, const char *arg);
/* After the options: the price table, NULL without --cost. A price file that cannot be
 * read, or a bad line in it, is named (file:line) and exits 2; without a file, one
 * notice through msgs says what is assumed. The caller frees it (gr_prices_free). */
struct gr_prices *cli_cost_prices(const struct cli_cost *c, struct cli_msgs *msgs);

/* Defaults: stdout, no bounds, messages as CLI_MSGS_INIT, progress on a terminal. */
void cli_common_init(struct cli_common *c);
/*
 * Handle a shared option (its getopt code and argument): true when it was one.
 * -h/--help prints usage and exits 0, -V/--version exits 0, getopt's '?' exits 2.
 */
bool cli_common_option(struct cli_common *c, int opt, const char *arg, const char *usage);
/* After the options: --since before --until, the output opened, colour decided.
 * Returns whether colour is on. */
bool cli_common_done(struct cli_common *c);
/* A progress callback (ctx: a struct cli_common) drawing files, bytes and records. */
void cli_on_progress(void *ctx, const struct gr_progress *p);

/* Extra members of the --stats output, written by a program's callback. */
struct cli_report;
void cli_report_u64(struct cli_report *r, const char *key, uint64_t v);
void cli_report_str(struct cli_report *r, const char *key, const char *v);
/* An array of strings. */
void cli_report_strs(struct cli_report *r, const char *key, const char *const *v, size_t n);
/* A nested object of members, and its end. */
void cli_report_obj(struct cli_report *r, const char *key);
void cli_report_obj_end(struct cli_report *r);
/* A line of text (text mode only; "key: value" lines a person reads). */
void cli_report_text(struct cli_report *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/*
 * The status of a run that returned rc (err saying why): 0; on a closed pipe a quiet
 * exit; under --strict the stop at the first lost record (shown as it was met, again
 * here with -q); else the error, and 2 for a usage error, 1 for the rest.
 */
int cli_status(const struct cli_common *c, int rc, const struct gr_error *err);
/*
 * The end of a run: messages not shown, the --stats output (text or JSON, with the
 * program's extra members from more(ctx, r) when given), the loss summary. Returns
 * status, or CLI_FAIL when anything was lost.
 */
int cli_report(const struct cli_common *c, const struct gr_stats *st, const char *in_unit,
	       const char *out_unit, void (*more)(void *ctx, struct cli_report *r), void *ctx,
	       int status);

/* A diag callback (ctx is a struct cli_msgs). */
void cli_on_diag(void *ctx, int severity, const struct gr_error *e);

/*
 * The members the options of fetch, infer, critpath, dot and report share, filled
 * from the common options cc: how strictly and how long a line they read, and output,
 * messages and progress through cli_write, cli_on_diag and cli_on_progress. A macro:
 * the five option structs are of five types with these members alike.
 */
#define CLI_IO_OPTS(o, cc)                          \
	do {                                        \
		(o).strict = (cc).strict;           \
		(o).max_line = (cc).max_line;       \
		(o).write = cli_write;              \
		(o).diag = cli_on_diag;             \
		(o).diag_ctx = &(cc).msgs;          \
		(o).progress = cli_on_progress;     \
		(o).progress_ctx = &(cc);           \
	} while (0)
/* At the end: say how many messages were not shown. */
void cli_msgs_done(const struct cli_msgs *m);
/* "12 records and 1 file lost (bad-json 10, ...); --stats shows every count", when
 * anything was lost. Returns whether anything was. */
bool cli_loss_summary(const struct gr_stats *st);

#endif
