/* fuzz_marker.c: libFuzzer target of GAMMARAY v1 markers (gammaray-markers(7)) as gammaray-infer reads them. */
#include "fuzz_infer.h"

/*
 * Each input line is the marker object of one "marker" record; the markers go, in
 * turn, to four invocations of two functions that start 100 ms apart, so that an
 * entry marker of one can be linked to a call marker of another. The fuzzer works
 * on the marker objects: entry and call, every svc, batches, keys, ids.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	static const char *const req[4] = {
		"aaaaaaaa-0000-4000-8000-000000000001", "bbbbbbbb-0000-4000-8000-000000000002",
		"aaaaaaaa-0000-4000-8000-000000000003", "bbbbbbbb-0000-4000-8000-000000000004",
	};
	struct gr_buf b = GR_BUF_INIT;
	const int64_t t0 = 1714564800000000;
	size_t i = 0, k = 0;

	gr_buf_adds(&b, "{\"type\":\"gammaray-events\",\"v\":1}\n");
	for (int r = 0; r < 4; r++)
		gr_buf_addf(&b, "{\"type\":\"start\",\"ts\":%lld,\"req\":\"%s\",\"fn\":\"%s\","
			    "\"stream\":\"s%d\"}\n{\"type\":\"report\",\"ts\":%lld,\"req\":\"%s\","
			    "\"dur_us\":90000,\"status\":\"ok\"}\n",
			    (long long)(t0 + r * 100000), req[r], r % 2 ? "consumer" : "producer", r,
			    (long long)(t0 + r * 100000 + 90000), req[r]);
	while (i < n) {
		const uint8_t *nl = memchr(data + i, '\n', n - i);
		size_t len = (nl ? (size_t)(nl - data) : n) - i;
		gr_buf_addf(&b, "{\"type\":\"marker\",\"ts\":%lld,\"req\":\"%s\",\"m\":",
			    (long long)(t0 + (int64_t)(k % 4) * 100000 + 1000 + (int64_t)k),
			    req[k % 4]);
		gr_buf_add(&b, data + i, len);
		gr_buf_adds(&b, "}\n");
		k++;
		i += len + 1;
	}
	FUZZ_CHECK(b.data, "out of memory");
	fuzz_infer_check(b.data, b.len, 0);
	gr_buf_release(&b);
	return 0;
}
