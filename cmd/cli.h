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

/* A diag callback (ctx is a struct cli_msgs). */
void cli_on_diag(void *ctx, int severity, const struct gr_error *e);
/* At the end: say how many messages were not shown. */
void cli_msgs_done(const struct cli_msgs *m);
/* "12 records and 1 file lost (bad-json 10, ...); --stats shows every count", when
 * anything was lost. Returns whether anything was. */
bool cli_loss_summary(const struct gr_stats *st);

#endif
