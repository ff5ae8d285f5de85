/* fuzz_prices.c: libFuzzer target of the price file parser gr_prices_load_mem and of the invocation costs. */
#include "fuzz.h"
#include "common/prices.h"

/*
 * The input is a price file (gammaray-prices(5)) read over the compiled-in table.
 * Only a bad line stops, and its error names the file and a line of it; the lines
 * before it stay read. Then bills of every size are priced for names taken from the
 * input: a cost is never negative, never touched when unknown, and never falls when
 * the billed duration or the memory grows.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	static const int64_t billed[] = { -1, 0, 1, 700000, 900000000, GR_BILL_MAX_US,
					   GR_BILL_MAX_US + 1 };
	static const int64_t mem[] = { -1, 0, 1, 128, 10240, GR_BILL_MAX_MB, GR_BILL_MAX_MB + 1 };
	const char *s = (const char *)data;
	struct gr_prices *p = gr_prices_new();
	struct gr_error err = { 0 };
	uint64_t lines = 1;

	FUZZ_CHECK(p, "gr_prices_new");
	for (size_t i = 0; i < n; i++)
		lines += s[i] == '\n';
	int rc = gr_prices_load_mem(p, "fuzz.prices", s, n, &err);
	fuzz_check_error(rc, &err);
	FUZZ_CHECK(rc == 0 || rc == GR_ERR_FORMAT, "gr_prices_load_mem stopped but not on a bad line");
	if (rc) {
		FUZZ_CHECK(!strcmp(err.file, "fuzz.prices"), "the error names another file");
		FUZZ_CHECK(err.line >= 1 && err.line <= lines, "the error names no line of the file");
	}
	/* names: the input's words (a function line's NAME among them), and none */
	const char *names[8] = { NULL };
	size_t lens[8] = { 0 }, nn = 1;
	for (size_t i = 0; i < n && nn < 8;) {
		while (i < n && (s[i] == ' ' || s[i] == '\n' || s[i] == '\t'))
			i++;
		size_t j = i;
		while (j < n && s[j] != ' ' && s[j] != '\n' && s[j] != '\t')
			j++;
		if (j > i) {
			names[nn] = s + i;
			lens[nn++] = j - i;
		}
		i = j;
	}
	/* restored or not; restored with no runtime, Java's, or a word of the input */
	static const char *const runtimes[] = { NULL, NULL, "java:21.v38", NULL };
	int64_t plain[sizeof(billed) / sizeof(billed[0])][sizeof(mem) / sizeof(mem[0])];
	for (size_t k = 0; k < nn; k++) {
		for (int r = 0; r < 4; r++) {
			const char *rt = r == 3 ? names[nn - 1] : runtimes[r];
			size_t rt_len = r == 3 ? lens[nn - 1] : rt ? strlen(rt) : 0;
			int64_t prev_b = -1;
			for (size_t b = 0; b < sizeof(billed) / sizeof(billed[0]); b++) {
				int64_t prev_m = -1;
				for (size_t m = 0; m < sizeof(mem) / sizeof(mem[0]); m++) {
					struct gr_bill bill = { names[k], lens[k], billed[b], mem[m],
								r > 0, rt, rt_len };
					int64_t pico = -7;
					bool known = gr_prices_cost(p, &bill, &pico);
					if (r == 0)
						plain[b][m] = known ? pico : -7;
					FUZZ_CHECK(known == (plain[b][m] != -7),
						   "a restore made a cost known or unknown");
					FUZZ_CHECK(!known || pico >= plain[b][m],
						   "a restored environment costs less than a warm one");
					FUZZ_CHECK(known ? pico >= 0 : pico == -7,
						   "a cost negative, or written when unknown");
					FUZZ_CHECK(!known || (billed[b] >= 0 && billed[b] <= GR_BILL_MAX_US &&
							      mem[m] > 0 && mem[m] <= GR_BILL_MAX_MB),
						   "a bill outside the bounds priced");
					if (known && prev_m >= 0)
						FUZZ_CHECK(pico >= prev_m, "more memory, less money");
					if (known)
						prev_m = pico;
					if (known && m == 3 && prev_b >= 0)
						FUZZ_CHECK(pico >= prev_b, "a longer billed duration, less money");
					if (known && m == 3)
						prev_b = pico;
				}
			}
		}
	}
	gr_prices_free(p);
	return 0;
}
