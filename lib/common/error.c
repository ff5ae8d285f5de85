/* error.c: the error contract: codes, messages, positions, and record accounting. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "gammaray.h"

const char *gr_strerror(int code)
{
	switch (code) {
	case GR_OK: return "success";
	case GR_ERR_NOMEM: return "out of memory";
	case GR_ERR_IO: return "input/output error";
	case GR_ERR_COMPRESS: return "corrupt compressed data";
	case GR_ERR_JSON: return "malformed JSON";
	case GR_ERR_FORMAT: return "unknown input format";
	case GR_ERR_LIMIT: return "limit exceeded";
	case GR_ERR_USAGE: return "invalid argument";
	case GR_ERR_DATA: return "records lost";
	case GR_ERR_PIPE: return "broken pipe";
	case GR_ERR_DEPTH: return "nested too deep";
	}
	return "unknown error";
}

int gr_error_set(struct gr_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return code;
}

void gr_error_at(struct gr_error *err, const char *file, uint64_t line)
{
	if (!err)
		return;
	snprintf(err->file, sizeof(err->file), "%s", file ? file : "");
	err->line = line;
	err->offset = 0;
	err->has_offset = false;
}

void gr_error_format(const struct gr_error *err, char *out, size_t size)
{
	if (err->file[0] && err->line)
		snprintf(out, size, "%s:%llu: %s", err->file, (unsigned long long)err->line,
			 err->msg);
	else if (err->file[0] && err->has_offset)
		snprintf(out, size, "%s: byte %llu: %s", err->file,
			 (unsigned long long)err->offset, err->msg);
	else if (err->file[0])
		snprintf(out, size, "%s: %s", err->file, err->msg);
	else
		snprintf(out, size, "%s", err->msg);
}

static const struct {
	const char *name;
	bool file;
} reasons[GR_REASON_COUNT] = {
	[GR_SKIP_APP_LOG] = { "app-log", false },
	[GR_SKIP_PLATFORM] = { "platform-other", false },
	[GR_SKIP_CONTROL] = { "control-message", false },
	[GR_SKIP_FILTERED] = { "filtered", false },
	[GR_SKIP_EMPTY] = { "empty", false },
	[GR_SKIP_NOT_TRACE] = { "no-events", false },
	[GR_SKIP_HEADER] = { "daemon-header", false },
	[GR_SKIP_STREAM_HEADER] = { "stream-header", false },
	[GR_SKIP_DUPLICATE] = { "duplicate", false },
	[GR_SKIP_UNUSED] = { "unused", false },
	[GR_SKIP_UNKNOWN_TYPE] = { "unknown-type", false },
	[GR_SKIP_LATE] = { "late", false },
	[GR_SKIP_NOT_SHOWN] = { "not-shown", false },
	[GR_SKIP_WRITE_TEST] = { "write-test", true },
	[GR_LOST_JSON] = { "bad-json", false },
	[GR_LOST_LINE_LIMIT] = { "line-too-long", false },
	[GR_LOST_DOC_LIMIT] = { "document-too-large", false },
	[GR_LOST_DEPTH] = { "too-deep", false },
	[GR_LOST_UNKNOWN_DOC] = { "unknown-document", false },
	[GR_LOST_BAD_PLATFORM] = { "bad-platform-line", false },
	[GR_LOST_BAD_MARKER] = { "bad-marker", false },
	[GR_LOST_NO_REQUEST] = { "no-request-id", false },
	[GR_LOST_BAD_SEGMENT] = { "bad-segment", false },
	[GR_LOST_BAD_PAYLOAD] = { "bad-payload", false },
	[GR_LOST_BAD_RECORD] = { "bad-record", false },
	[GR_LOST_UNREADABLE] = { "unreadable", true },
	[GR_LOST_COMPRESS] = { "bad-compression", true },
	[GR_LOST_NOT_TEXT] = { "not-text", true },
};

const char *gr_reason_name(enum gr_reason r)
{
	return (unsigned)r < GR_REASON_COUNT ? reasons[r].name : "?";
}

bool gr_reason_is_file(enum gr_reason r)
{
	return (unsigned)r < GR_REASON_COUNT && reasons[r].file;
}

void gr_stats_add(struct gr_stats *dst, const struct gr_stats *src)
{
	dst->files += src->files;
	dst->bytes_in += src->bytes_in;
	dst->bytes += src->bytes;
	dst->records_in += src->records_in;
	dst->records_out += src->records_out;
	dst->events_out += src->events_out;
	for (int i = 0; i < GR_REASON_COUNT; i++)
		dst->reason[i] += src->reason[i];
	dst->invalid_utf8 += src->invalid_utf8;
}

uint64_t gr_stats_lost(const struct gr_stats *st)
{
	uint64_t n = 0;

	for (int i = GR_REASON_FIRST_LOST; i < GR_REASON_COUNT; i++)
		n += st->reason[i];
	return n;
}

uint64_t gr_stats_skipped(const struct gr_stats *st)
{
	uint64_t n = 0;

	for (int i = 0; i < GR_REASON_FIRST_LOST; i++)
		if (!reasons[i].file)
			n += st->reason[i];
	return n;
}

bool gr_stats_balanced(const struct gr_stats *st)
{
	uint64_t n = st->records_out;

	for (int i = 0; i < GR_REASON_COUNT; i++)
		if (!reasons[i].file)
			n += st->reason[i];
	return n == st->records_in;
}

char *gr_escape_msg(const char *s, size_t n, size_t max, char *out, size_t size)
{
	size_t o = 0;

	for (size_t i = 0; i < n && o + 8 < size; i++) {
		unsigned char c = (unsigned char)s[i];
		if (i >= max) {
			memcpy(out + o, "...", 3);
			o += 3;
			break;
		}
		if (c >= 0x20 && c < 0x7f && c != '\\') {
			out[o++] = (char)c;
		} else {
			static const char hex[] = "0123456789abcdef";
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	out[o] = '\0';
	return out;
}

int gr_reason_from_name(const char *name, size_t n)
{
	for (int r = 0; r < GR_REASON_COUNT; r++) {
		const char *s = gr_reason_name((enum gr_reason)r);
		if (s && strlen(s) == n && !memcmp(s, name, n))
			return r;
	}
	return -1;
}
