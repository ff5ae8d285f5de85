/* timeparse.c: ISO 8601 and user-supplied times to epoch microseconds, and back. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/timeparse.h"
#include "gammaray.h"

/* Era arithmetic (Howard Hinnant's algorithms). */
int64_t gr_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

void gr_civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static int digits(const char *s, size_t n, unsigned *v)
{
	unsigned x = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned c = (unsigned char)s[i] - '0';
		if (c > 9)
			return -1;
		x = x * 10 + c;
	}
	*v = x;
	return 0;
}

size_t gr_time_parse_iso(const char *s, size_t len, int64_t *us)
{
	unsigned Y, M, D, h, m, sec;
	size_t i;
	int64_t frac = 0;

	if (len < 19 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != ' ') ||
	    s[13] != ':' || s[16] != ':')
		return 0;
	if (digits(s, 4, &Y) || digits(s + 5, 2, &M) || digits(s + 8, 2, &D) ||
	    digits(s + 11, 2, &h) || digits(s + 14, 2, &m) || digits(s + 17, 2, &sec))
		return 0;
	if (M < 1 || M > 12 || D < 1 || D > 31 || h > 23 || m > 59 || sec > 60)
		return 0;
	i = 19;
	if (i < len && (s[i] == '.' || s[i] == ',')) {
		size_t nd = 0;
		i++;
		while (i < len && s[i] >= '0' && s[i] <= '9') {
			if (nd < 6) {
				frac = frac * 10 + (s[i] - '0');
				nd++;
			}
			i++;
		}
		if (nd == 0)
			return 0;
		while (nd++ < 6)
			frac *= 10;
	}
	int64_t off = 0;
	if (i < len && s[i] == 'Z') {
		i++;
	} else if (i + 6 <= len && (s[i] == '+' || s[i] == '-') && s[i + 3] == ':') {
		unsigned oh, om;
		if (digits(s + i + 1, 2, &oh) || digits(s + i + 4, 2, &om) || oh > 23 || om > 59)
			return 0;
		off = ((int64_t)oh * 3600 + om * 60) * (s[i] == '+' ? 1 : -1);
		i += 6;
	}
	/* logs repeat the same date for millions of lines: remember the last one */
	static _Thread_local unsigned last_ymd;
	static _Thread_local int64_t last_days;
	unsigned ymd = Y * 10000 + M * 100 + D;
	if (ymd != last_ymd) {
		last_days = gr_days_from_civil(Y, M, D);
		last_ymd = ymd;
	}
	int64_t t = last_days * 86400 + h * 3600 + m * 60 + sec - off;
	*us = t * 1000000 + frac;
	return i;
}

void gr_time_format_iso(int64_t us, char *out, size_t size)
{
	int64_t s = us >= 0 ? us / 1000000 : -((-us + 999999) / 1000000);
	int64_t f = us - s * 1000000;
	int64_t days = s >= 0 ? s / 86400 : -((-s + 86399) / 86400);
	int64_t r = s - days * 86400;
	int y;
	unsigned m, d;

	gr_civil_from_days(days, &y, &m, &d);
	snprintf(out, size, "%04d-%02u-%02uT%02u:%02u:%02u.%06uZ", y, m, d,
		 (unsigned)(r / 3600), (unsigned)(r / 60 % 60), (unsigned)(r % 60), (unsigned)f);
}

int gr_time_parse_user(const char *s, int64_t now_us, int64_t *us)
{
	size_t len = strlen(s);
	char *end;

	if (len && gr_time_parse_iso(s, len, us) == len)
		return 0;
	if (len == 10 && s[4] == '-' && s[7] == '-') {
		/* a bare date means its midnight, UTC */
		char buf[32];
		snprintf(buf, sizeof(buf), "%sT00:00:00Z", s);
		if (gr_time_parse_iso(buf, strlen(buf), us) == strlen(buf))
			return 0;
		return GR_ERR_USAGE;
	}
	if (s[0] == '-' && len >= 3) {
		long long n = strtoll(s + 1, &end, 10);
		int64_t unit;
		if (end == s + 1 || n < 0 || end[0] == '\0' || end[1] != '\0')
			return GR_ERR_USAGE;
		switch (*end) {
		case 's': unit = 1; break;
		case 'm': unit = 60; break;
		case 'h': unit = 3600; break;
		case 'd': unit = 86400; break;
		default: return GR_ERR_USAGE;
		}
		if (n > INT64_MAX / 1000000 / unit)
			return GR_ERR_USAGE;
		*us = now_us - n * unit * 1000000;
		return 0;
	}
	if (len >= 1 && len <= 16 && strspn(s, "0123456789") == len) {
		long long n = strtoll(s, &end, 10);
		*us = len >= 13 ? (int64_t)n * 1000 : (int64_t)n * 1000000;
		return 0;
	}
	return GR_ERR_USAGE;
}

int gr_duration_parse(const char *s, int64_t *us)
{
	static const struct {
		const char *unit;
		double mult;
	} units[] = {
		{ "us", 1 }, { "ms", 1e3 }, { "s", 1e6 }, { "m", 60e6 }, { "h", 3600e6 },
		{ "d", 86400e6 }, { "", 1e6 },
	};
	double v = 0, scale = 0;
	const char *p = s;
	bool digits = false;

	if (!s)
		return GR_ERR_USAGE;
	while (*p >= '0' && *p <= '9') {
		v = v * 10 + (*p++ - '0');
		digits = true;
	}
	if (*p == '.') {
		p++;
		scale = 0.1;
		while (*p >= '0' && *p <= '9') {
			v += (*p++ - '0') * scale;
			scale /= 10;
			digits = true;
		}
	}
	if (!digits || v > 1e12)
		return GR_ERR_USAGE;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(p, units[i].unit))
			continue;
		double r = v * units[i].mult;
		if (r > 9e18)
			return GR_ERR_USAGE;
		*us = (int64_t)(r + 0.5);
		return 0;
	}
	return GR_ERR_USAGE;
}
