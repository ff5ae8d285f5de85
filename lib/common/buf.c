/* buf.c: growable byte buffer with a hard size limit. */
#include "common/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "gammaray.h"

int gr_buf_grow(struct gr_buf *b, size_t extra)
{
	size_t max = b->max ? b->max : SIZE_MAX / 2;
	size_t need, cap;
	char *p;

	if (extra > max || b->len > max - extra)
		return GR_ERR_LIMIT;
	need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap = cap > SIZE_MAX / 4 ? need : cap * 2;
	p = realloc(b->data, cap);
	if (!p)
		return GR_ERR_NOMEM;
	if (!b->data)
		p[0] = '\0';
	b->data = p;
	b->cap = cap;
	return 0;
}

int gr_buf_add_slow(struct gr_buf *b, const void *p, size_t n)
{
	int rc = gr_buf_grow(b, n);

	if (rc)
		return rc;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int gr_buf_addc(struct gr_buf *b, char c)
{
	return gr_buf_add(b, &c, 1);
}

int gr_buf_adds(struct gr_buf *b, const char *s)
{
	return gr_buf_add(b, s, strlen(s));
}

int gr_buf_addf(struct gr_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n, rc;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return GR_ERR_USAGE;
	rc = gr_buf_grow(b, (size_t)n);
	if (rc)
		return rc;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

void gr_buf_consume(struct gr_buf *b, size_t n)
{
	if (n >= b->len) {
		gr_buf_reset(b);
		return;
	}
	memmove(b->data, b->data + n, b->len - n);
	b->len -= n;
	b->data[b->len] = '\0';
}

char *gr_buf_detach(struct gr_buf *b, size_t *len)
{
	char *p = b->data;

	if (len)
		*len = b->len;
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}

void gr_buf_release(struct gr_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

int gr_array_grow(void **arr, size_t *cap, size_t n, size_t sz)
{
	if (n < *cap)
		return 0;
	size_t nc = *cap ? *cap * 2 : 16;
	if (nc > SIZE_MAX / 2 / sz)
		return GR_ERR_NOMEM;
	void *p = realloc(*arr, nc * sz);
	if (!p)
		return GR_ERR_NOMEM;
	*arr = p;
	*cap = nc;
	return 0;
}
