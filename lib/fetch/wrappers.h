/* wrappers.h: Lambda log text as tools print it (sam, pulumi, aws logs tail, serverless, console copies, LogResult, Lambda Insights) (lib-internal). */
#ifndef GR_WRAPPERS_H
#define GR_WRAPPERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"

struct gr_unit;
struct gr_stream;

/*
 * A text input read line by line. Each line is told apart by its own shape: a
 * wrapper's prefix (its time, and the log stream or function it names) starts a
 * log event; a console timestamp line starts one whose message follows; lines
 * without a prefix continue the event a prefix began, or are bare Lambda lines,
 * one event each. Blank lines end an event.
 */
struct gr_wrap {
	struct gr_unit *u;         /* the unit the events go to */
	/* Streams are held by their index in u->streams, never by pointer: a line
	 * naming a new stream grows that array and moves every stream in it. */
	size_t bare;               /* stream of lines that name none (the input's own) */
	bool has_bare;             /* bare is made */
	struct gr_buf msg;         /* message of the event being assembled */
	struct gr_buf clean;       /* a line without its terminal colour codes */
	struct gr_buf rw;          /* a line rewritten into the Lambda form */
	size_t s;                  /* stream of the event being assembled */
	int64_t ts;                /* its time, or GR_TIME_UNKNOWN */
	uint64_t line;             /* the line it began on */
	bool have;                 /* an event is being assembled */
	bool joins;                /* lines without a prefix continue it */
	bool console;              /* begun by a console timestamp line */
	bool fault;                /* a "Runtime exited" line: only its error type joins */
	bool sls_report;           /* serverless: a "REPORT - id" awaits its Duration line */
	bool sls_app;              /* serverless: an application header awaits its text */
	uint64_t headers;          /* tool header lines skipped */
};

/* Begin reading; bare is the stream of lines that name none (may be NULL: made
 * when first needed). */
void gr_wrap_init(struct gr_wrap *w, struct gr_unit *u);
/* One line (without its newline); lineno is where it was read. */
void gr_wrap_line(struct gr_wrap *w, const char *line, size_t n, uint64_t lineno);
/* After the last line: write the event being assembled, release. */
void gr_wrap_end(struct gr_wrap *w);

/*
 * Does the text p[0..n) (the start of a file) hold a console timestamp line (a line
 * that is only an ISO time)? A JSON value never does: such a file is a console copy
 * whatever its first byte.
 */
bool gr_wrap_console_copy(const char *p, size_t n);

/*
 * A JSON document doc[0..n) that wraps Lambda log text or stands for an invocation:
 * `aws lambda invoke --log-type Tail` output (LogResult, base64 of the log's tail)
 * or a Lambda Insights performance event. Read and true; false (nothing counted)
 * when it is neither.
 */
bool gr_wrap_json(struct gr_unit *u, const char *doc, size_t n);

#endif
