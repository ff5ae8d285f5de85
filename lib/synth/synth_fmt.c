/* synth_fmt.c: gammaray-synth's fast number, id and time formatting, file helpers, and the sticky error. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/jsonw.h"
#include "common/timeparse.h"
#include "synth/synth.h"

static const char hexl[] = "0123456789abcdef";
static const char hexu[] = "0123456789ABCDEF";

size_t gr_sy_fmt_u64(uint64_t v, char *out)
{
	char tmp[20];
	size_t n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (size_t i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	return n;
}

size_t gr_sy_fmt_u64_pad(uint64_t v, int width, char *out)
{
	for (int i = width - 1; i >= 0; i--) {
		out[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return (size_t)width;
}

size_t gr_sy_fmt_i64(int64_t v, char *out)
{
	if (v < 0) {
		out[0] = '-';
		return 1 + gr_sy_fmt_u64((uint64_t)0 - (uint64_t)v, out + 1);
	}
	return gr_sy_fmt_u64((uint64_t)v, out);
}

size_t gr_sy_fmt_hex(const uint8_t *b, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hexl[b[i] >> 4];
		out[2 * i + 1] = hexl[b[i] & 15];
	}
	return 2 * n;
}

size_t gr_sy_fmt_hex_upper(const uint8_t *b, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hexu[b[i] >> 4];
		out[2 * i + 1] = hexu[b[i] & 15];
	}
	return 2 * n;
}

size_t gr_sy_fmt_uuid(const uint8_t id[16], char *out)
{
	char *p = out;

	p += gr_sy_fmt_hex(id, 4, p);
	*p++ = '-';
	p += gr_sy_fmt_hex(id + 4, 2, p);
	*p++ = '-';
	p += gr_sy_fmt_hex(id + 6, 2, p);
	*p++ = '-';
	p += gr_sy_fmt_hex(id + 8, 2, p);
	*p++ = '-';
	p += gr_sy_fmt_hex(id + 10, 6, p);
	return (size_t)(p - out);
}

size_t gr_sy_fmt_trace(const uint8_t t[16], char *out)
{
	out[0] = '1';
	out[1] = '-';
	gr_sy_fmt_hex(t, 4, out + 2);
	out[10] = '-';
	gr_sy_fmt_hex(t + 4, 12, out + 11);
	return 35;
}

size_t gr_sy_fmt_id64(uint64_t id, char *out)
{
	for (int i = 15; i >= 0; i--) {
		out[i] = hexl[id & 15];
		id >>= 4;
	}
	return 16;
}

static inline void two(unsigned v, char *out)
{
	out[0] = (char)('0' + v / 10);
	out[1] = (char)('0' + v % 10);
}

/* Date part "YYYY-MM-DD" with a one-entry cache: the simulator's times move slowly. */
static void date_part(int64_t days, char *out, char sep)
{
	static _Thread_local int64_t cached_days = INT64_MIN;
	static _Thread_local char cached[10];
	if (days != cached_days) {
		int y;
		unsigned m, d;
		gr_civil_from_days(days, &y, &m, &d);
		gr_sy_fmt_u64_pad((uint64_t)y, 4, cached);
		cached[4] = '-';
		two(m, cached + 5);
		cached[7] = '-';
		two(d, cached + 8);
		cached_days = days;
	}
	memcpy(out, cached, 10);
	if (sep != '-') {
		out[4] = sep;
		out[7] = sep;
	}
}

static void split(int64_t us, int64_t *days, unsigned *sod, unsigned *ms)
{
	int64_t msec = us >= 0 ? us / 1000 : -((-us + 999) / 1000);
	int64_t sec = msec >= 0 ? msec / 1000 : -((-msec + 999) / 1000);
	*ms = (unsigned)(msec - sec * 1000);
	*days = sec >= 0 ? sec / 86400 : -((-sec + 86399) / 86400);
	*sod = (unsigned)(sec - *days * 86400);
}

size_t gr_sy_fmt_iso_ms(int64_t us, char *out)
{
	int64_t days;
	unsigned sod, ms;

	split(us, &days, &sod, &ms);
	date_part(days, out, '-');
	out[10] = 'T';
	two(sod / 3600, out + 11);
	out[13] = ':';
	two(sod / 60 % 60, out + 14);
	out[16] = ':';
	two(sod % 60, out + 17);
	out[19] = '.';
	out[20] = (char)('0' + ms / 100);
	out[21] = (char)('0' + ms / 10 % 10);
	out[22] = (char)('0' + ms % 10);
	out[23] = 'Z';
	return 24;
}

size_t gr_sy_fmt_iso_s(int64_t us, char *out)
{
	gr_sy_fmt_iso_ms(us, out);
	out[19] = 'Z';
	return 20;
}

size_t gr_sy_fmt_date_slash(int64_t us, char *out)
{
	int64_t days;
	unsigned sod, ms;

	split(us, &days, &sod, &ms);
	date_part(days, out, '/');
	return 10;
}

size_t gr_sy_fmt_ms2(int64_t us, char *out)
{
	int64_t cs = (us + 5) / 10; /* hundredths of a millisecond */
	size_t n = gr_sy_fmt_u64((uint64_t)(cs / 100), out);
	out[n++] = '.';
	two((unsigned)(cs % 100), out + n);
	return n + 2;
}

size_t gr_sy_fmt_secs(int64_t us, char *out)
{
	size_t n = gr_sy_fmt_u64((uint64_t)(us / 1000000), out);
	unsigned frac = (unsigned)(us % 1000000);
	if (!frac)
		return n;
	out[n++] = '.';
	char f[6];
	gr_sy_fmt_u64_pad(frac, 6, f);
	int last = 5;
	while (f[last] == '0')
		last--;
	memcpy(out + n, f, (size_t)last + 1);
	return n + (size_t)last + 1;
}

size_t gr_sy_fmt_secs_e(int64_t us, char *out)
{
	/* 10-digit epoch seconds (2001..2286): d.ddddddddd[ffffff]E9 */
	char digits[16];
	gr_sy_fmt_u64_pad((uint64_t)(us / 1000000), 10, digits);
	gr_sy_fmt_u64_pad((uint64_t)(us % 1000000), 6, digits + 10);
	int last = 15;
	while (last > 0 && digits[last] == '0')
		last--;
	size_t n = 0;
	out[n++] = digits[0];
	if (last > 0) {
		out[n++] = '.';
		memcpy(out + n, digits + 1, (size_t)last);
		n += (size_t)last;
	}
	memcpy(out + n, "E9", 2);
	return n + 2;
}

int gr_sy_json_str(struct gr_buf *b, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	int rc;

	if ((rc = gr_buf_grow(b, 2 * n + 2)))
		return rc;
	char *o0 = b->data + b->len, *o = o0;
	*o++ = '"';
	for (size_t i = 0; i < n; i++) {
		unsigned c = s[i];
		if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
			*o++ = (char)c;
		} else if (c == '"' || c == '\\') {
			*o++ = '\\';
			*o++ = (char)c;
		} else if (c == '\n') {
			*o++ = '\\';
			*o++ = 'n';
		} else if (c == '\t') {
			*o++ = '\\';
			*o++ = 't';
		} else {
			/* other control bytes or non-ASCII: the general escaper (nothing
			 * has been committed yet) */
			return gr_json_escape(b, str, n);
		}
	}
	*o++ = '"';
	b->len += (size_t)(o - o0);
	b->data[b->len] = '\0';
	return 0;
}

int gr_sy_path(char *out, size_t size, struct gr_error *err, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(out, size, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size)
		return gr_error_set(err, GR_ERR_LIMIT, "output path too long");
	return 0;
}

int gr_sy_mkdirs(const char *path, struct gr_error *err)
{
	char tmp[4096];
	size_t n = strlen(path);

	if (n >= sizeof(tmp))
		return gr_error_set(err, GR_ERR_LIMIT, "output path too long");
	memcpy(tmp, path, n + 1);
	for (size_t i = 1; i <= n; i++) {
		if (tmp[i] != '/' && tmp[i] != '\0')
			continue;
		char c = tmp[i];
		tmp[i] = '\0';
		if (mkdir(tmp, 0777) != 0 && errno != EEXIST) {
			int e = errno;
			gr_error_set(err, GR_ERR_IO, "cannot create directory: %s", strerror(e));
			gr_error_at(err, tmp, 0);
			return GR_ERR_IO;
		}
		tmp[i] = c;
	}
	return 0;
}

int gr_sy_write_file(const char *path, const void *data, size_t n, struct gr_error *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	const char *p = data;

	if (fd < 0)
		goto fail;
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			close(fd);
			errno = e;
			goto fail;
		}
		p += w;
		n -= (size_t)w;
	}
	if (close(fd) != 0)
		goto fail;
	return 0;
fail:
	gr_error_set(err, GR_ERR_IO, "cannot write: %s", strerror(errno));
	gr_error_at(err, path, 0);
	return GR_ERR_IO;
}

/* v in decimal, zero-padded to at least width digits. */
size_t gr_sy_fmt_u64_min(uint64_t v, int width, char *out)
{
	int digits = 1;
	for (uint64_t x = v; x >= 10; x /= 10)
		digits++;
	return gr_sy_fmt_u64_pad(v, digits > width ? digits : width, out);
}

/* v as 8 lower-case hex digits. */
size_t gr_sy_fmt_hex32(uint32_t v, char *out)
{
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };
	return gr_sy_fmt_hex(b, 4, out);
}

/* --- the sticky error every writer shares -------------------------------------- */

void gr_sy_fail(struct gr_sy_sim *s, int rc)
{
	if (s->rc)
		return;
	s->rc = rc;
	if (s->err && s->err->code == 0)
		gr_error_set(s->err, rc, "%s", gr_strerror(rc));
}

void *gr_sy_alloc_array(struct gr_sy_sim *s, void *p, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return p;
	size_t nc = *cap ? *cap : 16;
	while (nc < need)
		nc *= 2;
	void *q = realloc(p, nc * elem);
	if (!q) {
		gr_sy_fail(s, GR_ERR_NOMEM);
		return NULL;
	}
	*cap = nc;
	return q;
}
