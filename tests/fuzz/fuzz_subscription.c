/* fuzz_subscription.c: libFuzzer target of subscription payloads: base64 of gzip, zlib or plain JSON. */
#include <zlib.h>

#include "fuzz_fetch.h"

/* Compress p[0..n) as gzip (wbits 31) or zlib (wbits 15) onto out. */
static void deflate_to(struct gr_buf *out, const uint8_t *p, size_t n, int wbits)
{
	z_stream z;
	unsigned char chunk[16384];
	int rc;

	memset(&z, 0, sizeof(z));
	FUZZ_CHECK(deflateInit2(&z, 6, Z_DEFLATED, wbits, 8, Z_DEFAULT_STRATEGY) == Z_OK, "deflateInit2");
	z.next_in = (unsigned char *)p;
	z.avail_in = (uInt)n;
	do {
		z.next_out = chunk;
		z.avail_out = sizeof(chunk);
		rc = deflate(&z, Z_FINISH);
		FUZZ_CHECK(rc != Z_STREAM_ERROR, "deflate");
		FUZZ_CHECK(!gr_buf_add(out, chunk, sizeof(chunk) - z.avail_out), "out of memory");
	} while (rc != Z_STREAM_END);
	deflateEnd(&z);
}

static void base64_to(struct gr_buf *out, const unsigned char *p, size_t n)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0) |
			     (i + 2 < n ? p[i + 2] : 0);
		char q[4] = { tab[v >> 18 & 63], tab[v >> 12 & 63],
			      i + 1 < n ? tab[v >> 6 & 63] : '=', i + 2 < n ? tab[v & 63] : '=' };
		FUZZ_CHECK(!gr_buf_add(out, q, 4), "out of memory");
	}
}

/*
 * The first byte chooses how the rest is carried: bits 0-1 the encoding (0 as is:
 * the fuzzer's own compressed bytes; 1 gzip; 2 zlib; 3 plain JSON), bits 2-3 the
 * envelope (a Lambda awslogs event, a Kinesis event, a Firehose transformation
 * input, or two Firehose records of the same payload). The rest is the payload:
 * usually {"messageType":"DATA_MESSAGE","logGroup",...,"logEvents":[...]}.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	static struct fuzz_file f;
	struct gr_buf raw = GR_BUF_INIT, b64 = GR_BUF_INIT, doc = GR_BUF_INIT;
	struct gr_fetch_opts o;

	if (n < 1)
		return 0;
	unsigned mode = data[0] & 3, env = data[0] >> 2 & 3;
	const uint8_t *p = data + 1;
	size_t pn = n - 1;
	if (mode == 1 || mode == 2)
		deflate_to(&raw, p, pn, mode == 1 ? 31 : 15);
	else
		FUZZ_CHECK(!gr_buf_add(&raw, p, pn), "out of memory");
	base64_to(&b64, (const unsigned char *)raw.data, raw.len);
	const char *d = b64.data ? b64.data : "";
	switch (env) {
	case 0: gr_buf_addf(&doc, "{\"awslogs\":{\"data\":\"%s\"}}\n", d); break;
	case 1:
		gr_buf_addf(&doc, "{\"Records\":[{\"kinesis\":{\"partitionKey\":\"k\",\"data\":\"%s\"},"
			    "\"eventSource\":\"aws:kinesis\"}]}\n", d);
		break;
	case 2: gr_buf_addf(&doc, "{\"records\":[{\"recordId\":\"1\",\"data\":\"%s\"}]}\n", d); break;
	default:
		gr_buf_addf(&doc, "{\"records\":[{\"recordId\":\"1\",\"data\":\"%s\"},"
			    "{\"recordId\":\"2\",\"data\":\"%s\"}]}\n", d, d);
		break;
	}
	FUZZ_CHECK(doc.data, "out of memory");
	fuzz_fetch_opts(&o, n);
	o.max_doc = 0; /* the envelope is 4/3 of the payload: a small limit would hide it */
	/* each record of the envelope counts, whatever its data holds */
	fuzz_fetch_check(&o, fuzz_file_set(&f, "subscription", doc.data, doc.len), NULL,
			 env == 3 ? 2 : 1);
	gr_buf_release(&raw);
	gr_buf_release(&b64);
	gr_buf_release(&doc);
	return 0;
}
