/* base64.c: base64 decoding for subscription payloads. */
#include "common/base64.h"

#include <pthread.h>

#include "gammaray.h"

/* 0..63 for alphabet bytes, 64 for padding/whitespace (ignored), 255 invalid */
static unsigned char table[256];

static void init_table(void)
{
	static const char alpha[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	for (int i = 0; i < 256; i++)
		table[i] = 255;
	for (int i = 0; i < 64; i++)
		table[(unsigned char)alpha[i]] = (unsigned char)i;
	table['-'] = 62;
	table['_'] = 63;
	table['='] = table[' '] = table['\n'] = table['\r'] = table['\t'] = 64;
}

int gr_base64_decode(const char *s, size_t n, struct gr_buf *out)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	unsigned acc = 0;
	int bits = 0, rc;

	pthread_once(&once, init_table);
	if ((rc = gr_buf_grow(out, n / 4 * 3 + 3)))
		return rc;
	for (size_t i = 0; i < n; i++) {
		unsigned v = table[(unsigned char)s[i]];
		if (v == 64)
			continue;
		if (v == 255)
			return GR_ERR_FORMAT;
		acc = (acc << 6) | v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out->data[out->len++] = (char)((acc >> bits) & 0xff);
		}
	}
	out->data[out->len] = '\0';
	return 0;
}
