/* base64.h: base64 decoding for subscription payloads (lib-internal). */
#ifndef GR_BASE64_H
#define GR_BASE64_H

#include <stddef.h>

#include "common/buf.h"

/* Decode standard or URL-safe base64 (padding optional, whitespace ignored) from
 * s[0..n) onto the end of out. 0, GR_ERR_FORMAT on a bad character, or a buffer
 * error. */
int gr_base64_decode(const char *s, size_t n, struct gr_buf *out);

#endif
