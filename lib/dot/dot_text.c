/* dot_text.c: log text made safe and faithful inside Graphviz labels and tooltips. */
#include <stdio.h>
#include <string.h>

#include "dot/dot.h"

size_t gr_utf8_seq(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t len;
	unsigned cp, min;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		cp = c & 0x1f;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		cp = c & 0x0f;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		cp = c & 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

/* The code point of the valid 3-byte UTF-8 sequence at p when it changes or hides what
 * is shown: U+200B..U+200F (zero width, marks), U+202A..U+202E (embeddings,
 * overrides), U+2060..U+2064 and U+2066..U+2069 (invisible operators, isolates),
 * U+FEFF; else 0. */
static unsigned invisible(const unsigned char *p)
{
	unsigned cp = (p[0] & 0x0fu) << 12 | (p[1] & 0x3fu) << 6 | (p[2] & 0x3fu);

	return (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2060 && cp <= 0x2069 && cp != 0x2065) || cp == 0xfeff ? cp : 0;
}

/* A backslash as the mode needs it: labels undo one level, SVG tooltips two. */
static int add_backslash(struct gr_buf *b, enum gr_dot_text mode)
{
	return mode == GR_DOT_LABEL ? gr_buf_add(b, "\\\\", 2) : gr_buf_add(b, "\\\\\\\\", 4);
}

int gr_dot_text(struct gr_buf *b, enum gr_dot_text mode, const char *s, size_t n, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	int rc = 0;

	if (!s)
		return 0;
	while (i < n && !rc) {
		unsigned c = p[i];
		if (i >= max)
			return gr_buf_add(b, "...", 3);
		if (c == '\\') {
			rc = add_backslash(b, mode);
			i++;
		} else if (c == '&') {
			rc = gr_buf_add(b, "&amp;", 5);
			i++;
		} else if (c < 0x20 || c == 0x7f) {
			char hex[8];
			const char *esc = c == '\n' ? "n" : c == '\r' ? "r" : c == '\t' ? "t" : NULL;
			if (!esc) {
				snprintf(hex, sizeof(hex), "x%02X", c);
				esc = hex;
			}
			if (!(rc = add_backslash(b, mode)))
				rc = gr_buf_adds(b, esc);
			i++;
		} else if (c < 0x80) {
			/* a run of plain ASCII in one append */
			size_t j = i + 1;
			while (j < n && j < max && p[j] >= 0x20 && p[j] < 0x7f && p[j] != '\\' &&
			       p[j] != '&')
				j++;
			rc = gr_buf_add(b, s + i, j - i);
			i = j;
		} else {
			size_t len = gr_utf8_seq(p + i, n - i);
			unsigned cp = len == 3 ? invisible(p + i) : 0;
			if (cp && i + len <= max) {
				/* shown by code point: bidirectional overrides reorder what
				 * a reader sees, zero-width characters hide in names */
				char hex[12];
				snprintf(hex, sizeof(hex), "u%04X", cp);
				if (!(rc = add_backslash(b, mode)))
					rc = gr_buf_adds(b, hex);
				i += len;
			} else if (len && i + len <= max) {
				rc = gr_buf_add(b, s + i, len);
				i += len;
			} else if (len) {
				return gr_buf_add(b, "...", 3);
			} else {
				char hex[8];
				snprintf(hex, sizeof(hex), "x%02X", c);
				if (!(rc = add_backslash(b, mode)))
					rc = gr_buf_adds(b, hex);
				i++;
			}
		}
	}
	return rc;
}

int gr_dot_texts(struct gr_buf *b, enum gr_dot_text mode, const char *s)
{
	if (!s)
		return 0;
	return gr_dot_text(b, mode, s, strlen(s),
			   mode == GR_DOT_LABEL ? GR_DOT_MAX_LABEL_TEXT : GR_DOT_MAX_TOOLTIP_TEXT);
}

int gr_dot_newline(struct gr_buf *b)
{
	/* \n in both: labels centre the line, SVG tooltips get a line feed */
	return gr_buf_add(b, "\\n", 2);
}

