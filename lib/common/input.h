/* input.h: one loop over a program's inputs: files, directories, "-", gzip/zlib, limits, loss accounting, --strict (lib-internal). */
#ifndef GR_INPUT_H
#define GR_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/reader.h"
#include "gammaray.h"

/* How a run reads its inputs: limits, what stops it, where it reports. */
struct gr_input_opts {
	size_t max_line;    /* longest line (0: the reader's default) */
	size_t max_doc;     /* largest JSON value (0: default) */
	int max_depth;      /* deepest JSON nesting (0: default) */
	bool strict;        /* the first lost record or file stops the run */
	/* Each lost record or file (severity 1) and notice (0), as it happens; may be
	 * NULL. Under strict only the first loss is passed on: it is the run's error. */
	void (*diag)(void *ctx, int severity, const struct gr_error *e);
	void *diag_ctx;
	/* Progress after each file and whenever a reader calls gr_input_progress;
	 * may be NULL. */
	void (*progress)(void *ctx, const struct gr_progress *p);
	void *progress_ctx;
};

/* One input as its reader sees it. */
struct gr_input {
	struct gr_reader r;                 /* the open reader, limits applied */
	const char *path;                   /* as given, or a file found in a directory */
	struct gr_stats *st;                /* the run's counts */
	const struct gr_input_opts *o;      /* the run's options */
	struct gr_error first;              /* the first loss, kept for strict */
	bool lost;                          /* a record or file was lost */
	struct gr_progress prog;            /* what progress reports */
};

/*
 * The diag callback readers are given (ctx is the struct gr_input): it notes the
 * first loss and passes each message on to the run's diag.
 */
void gr_input_diag(void *ctx, int severity, const struct gr_error *e);

/* Report progress (at most every 64K calls; cheap to call per record). */
void gr_input_progress(struct gr_input *in, uint64_t records, uint64_t events);

/*
 * Read every input in order: no operand or "-" is standard input; a directory is
 * every regular file below it, in name order (hidden ones left out). Each file is
 * opened with the limits and handed to read(ctx, in, e), which reads its records,
 * counting them in in->st, reporting losses through gr_input_diag, and returns 0 or
 * an error described in e. A file that cannot be opened, or whose
 * reading ends in GR_ERR_COMPRESS or GR_ERR_IO (a truncated gzip member...), is
 * counted lost (unreadable, corrupt-compression), named through diag, and the run
 * goes on with the next file. Returns 0, or a negative enum gr_err when the run had to
 * stop: read returned another error (output gone, out of memory, a wrong stream), or
 * under strict the first loss (GR_ERR_DATA for a record, the file's error for a
 * file); err says what and where.
 */
int gr_input_each(const struct gr_input_opts *o, const char *const *paths, size_t npaths,
		  int (*read)(void *ctx, struct gr_input *in, struct gr_error *err), void *ctx,
		  struct gr_stats *st, struct gr_error *err);

#endif
