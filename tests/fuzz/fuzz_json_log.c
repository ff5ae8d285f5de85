/* fuzz_json_log.c: libFuzzer target of Lambda JSON log format records, one per line, as export events. */
#include "fuzz_fetch.h"

/* Each input line becomes the message of one export event ("<time>Z <line>"), so the
 * fuzzer works on the records themselves: Telemetry-style platform records
 * ({"time","type":"platform.start","record"}) and JSON application records
 * ({"timestamp","level","requestId","message"}), mixed with text lines. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	static struct fuzz_file f;
	struct gr_buf b = GR_BUF_INIT;
	struct gr_fetch_opts o;
	size_t i = 0, k = 0;

	while (i <= n) {
		const uint8_t *nl = i < n ? memchr(data + i, '\n', n - i) : NULL;
		size_t len = (nl ? (size_t)(nl - data) : n) - i;
		/* times go back now and then: export events are not in order */
		FUZZ_CHECK(!gr_buf_addf(&b, "2024-05-01T12:%02u:%02u.%03uZ ", (unsigned)(k / 7 % 60),
					(unsigned)(k * 13 % 60), (unsigned)(k * 37 % 1000)) &&
			   !gr_buf_add(&b, data + i, len) && !gr_buf_addc(&b, '\n'),
			   "out of memory");
		k++;
		i += len + 1;
	}
	fuzz_fetch_opts(&o, n);
	/* every line is an event of its own: each one counts */
	fuzz_fetch_check(&o, fuzz_file_set(&f, "json-log", b.data, b.len),
			 n % 4 ? "/aws/lambda/fuzz" : NULL, k);
	gr_buf_release(&b);
	return 0;
}
