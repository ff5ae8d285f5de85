/* stats_line.h: the stats records that end the event and graph streams, taken off for tests that compare the records before them. */
#ifndef GR_TEST_STATS_LINE_H
#define GR_TEST_STATS_LINE_H

#include <criterion/criterion.h>
#include <string.h>

#include "common/buf.h"

/*
 * Remove the trailing {"type":"stats",...} lines of the NUL-terminated text s (in
 * place) and return how many there were; every one must name its stage.
 */
static inline size_t strip_stats(char *s)
{
	size_t removed = 0, n = s ? strlen(s) : 0;

	while (n) {
		size_t start = n - 1;
		while (start && s[start - 1] != '\n')
			start--;
		if (strncmp(s + start, "{\"type\":\"stats\",\"stage\":\"", 25))
			break;
		s[start] = '\0';
		n = start;
		removed++;
	}
	return removed;
}

/* The same for a buffer written by a fetch (exactly one stats line, fetch's). */
static inline void strip_fetch_stats(struct gr_buf *b)
{
	cr_assert(b->data && strstr(b->data, "{\"type\":\"stats\",\"stage\":\"fetch\","),
		  "the event stream does not end with fetch's stats record");
	cr_assert_eq(strip_stats(b->data), 1);
	b->len = strlen(b->data);
}

#endif
