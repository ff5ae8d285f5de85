/* fuzz.h: helpers shared by the libFuzzer targets: input as a file, sinks, invariant checks. */
#ifndef GR_FUZZ_H
#define GR_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/stage.h"
#include "gammaray.h"

/* A broken invariant is a bug: say which and abort, so libFuzzer keeps the input. A
 * driver that reports and goes on (tests/gen) defines its own before including this. */
#ifndef FUZZ_CHECK
#define FUZZ_CHECK(cond, what)                                                          \
	do {                                                                            \
		if (!(cond)) {                                                          \
			fprintf(stderr, "fuzz invariant broken at %s:%d: %s\n", __FILE__, \
				__LINE__, (what));                                      \
			abort();                                                        \
		}                                                                       \
	} while (0)
#endif

/* The programs' entry points read files by name: the input goes into one memory file
 * (created once, rewritten on every run) whose /proc/self/fd path they open. */
struct fuzz_file {
	int fd;          /* memfd (valid once path is set) */
	char path[64];   /* "/proc/self/fd/N", "" before the first use */
};

static inline const char *fuzz_file_set(struct fuzz_file *f, const char *name, const void *data,
					size_t n)
{
	if (!f->path[0]) {
		f->fd = memfd_create(name, 0);
		FUZZ_CHECK(f->fd >= 0, "memfd_create");
		snprintf(f->path, sizeof(f->path), "/proc/self/fd/%d", f->fd);
	}
	FUZZ_CHECK(ftruncate(f->fd, 0) == 0, "ftruncate");
	size_t off = 0;
	while (off < n) {
		ssize_t w = pwrite(f->fd, (const char *)data + off, n - off, (off_t)off);
		FUZZ_CHECK(w > 0, "pwrite");
		off += (size_t)w;
	}
	return f->path;
}

/* An output sink keeping what is written (up to a bound, then only counting). */
struct fuzz_sink {
	struct gr_buf b;  /* what was written, up to keep bytes */
	size_t keep;      /* bytes kept at most (0: none) */
	size_t total;     /* bytes written in all */
};

static inline int fuzz_sink_write(void *ctx, const char *p, size_t n)
{
	struct fuzz_sink *s = ctx;

	s->total += n;
	if (s->b.len + n <= s->keep)
		FUZZ_CHECK(gr_buf_add(&s->b, p, n) == 0, "sink out of memory");
	return 0;
}

/* Every diagnostic must carry a message (the programs print it). */
static inline void fuzz_diag(void *ctx, int severity, const struct gr_error *e)
{
	(void)ctx;
	(void)severity;
	FUZZ_CHECK(e && e->msg[0], "diagnostic without a message");
	FUZZ_CHECK(memchr(e->msg, '\0', sizeof(e->msg)) != NULL, "message not terminated");
}

/* The accounting identity every program prints with --stats. */
static inline void fuzz_check_stats(const struct gr_stats *st)
{
	FUZZ_CHECK(gr_stats_balanced(st), "records in != out + skipped + lost");
	FUZZ_CHECK(st->records_out <= st->records_in, "more records out than in");
}

/* An error returned by a library entry point is well formed. */
static inline void fuzz_check_error(int rc, const struct gr_error *e)
{
	if (!rc)
		return;
	FUZZ_CHECK(rc < 0 && rc >= GR_ERR_PIPE, "return code outside enum gr_err");
	FUZZ_CHECK(e->msg[0], "error without a message");
}

/* Lines that hold something once trailing bytes of trim are cut: the records a
 * line-based reader must count (blank lines are not records). */
static inline uint64_t fuzz_records(const char *s, size_t n, const char *trim)
{
	uint64_t count = 0;
	size_t i = 0;

	while (i < n) {
		const char *nl = memchr(s + i, '\n', n - i);
		size_t len = (nl ? (size_t)(nl - s) : n) - i;
		while (len && memchr(trim, s[i + len - 1], strlen(trim)))
			len--;
		count += len > 0;
		i = nl ? (size_t)(nl - s) + 1 : n;
	}
	return count;
}

/*
 * Records a stream reader counts in s[0..n): every line with something on it, or 1
 * when its first such line shows an input meant for another stage (gr_stage_raw: said
 * once, the rest not read). max_line is the reader's line limit (0: the default).
 */
static inline uint64_t fuzz_stream_records(const char *s, size_t n, const char *trim,
					   size_t max_line)
{
	size_t i = 0;

	while (i < n) {
		const char *nl = memchr(s + i, '\n', n - i);
		size_t raw = (nl ? (size_t)(nl - s) : n) - i, len = raw;
		while (len && memchr(trim, s[i + len - 1], strlen(trim)))
			len--;
		/* a first line over the limit is lost on its own (and shows nothing) */
		if (raw > (max_line ? max_line : GR_DEFAULT_MAX_LINE))
			return fuzz_records(s, n, trim);
		if (len)
			return gr_stage_raw(s + i, len) ? 1 : fuzz_records(s, n, trim);
		i = nl ? (size_t)(nl - s) + 1 : n;
	}
	return 0;
}

/* Split data at the first occurrence of the byte sequence sep: 1 when found. */
static inline int fuzz_split(const uint8_t *data, size_t n, const char *sep, size_t *at)
{
	size_t k = strlen(sep);

	for (size_t i = 0; i + k <= n; i++)
		if (!memcmp(data + i, sep, k)) {
			*at = i;
			return 1;
		}
	return 0;
}

#endif
