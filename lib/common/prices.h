/* prices.h: what a Lambda invocation costs, in integer pico-dollars, from a price table (lib-internal). */
#ifndef GR_PRICES_H
#define GR_PRICES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gammaray.h"

/* Sums of costs: never overflow (each cost < 2^63, fewer than 2^64 of them). */
__extension__ typedef unsigned __int128 gr_u128;

/* Bounds of what is priced; beyond them a cost is unknown (the product of price,
 * duration and memory must fit 128 bits, the cost 63). Lambda's own limits are far
 * inside: 15 minutes, 10,240 MB. */
#define GR_BILL_MAX_US ((int64_t)1 << 40)   /* about 12.7 days */
#define GR_BILL_MAX_MB ((int64_t)1 << 24)   /* 16 TB */
#define GR_PRICE_MAX_PICO 1000000000000000LL /* $1000 per unit */

/* What one invocation is billed on: its REPORT (gammaray-graph(5) mem_mb, billed_us). */
struct gr_bill {
	const char *fn;     /* function name, or NULL (priced by the default line) */
	size_t fn_len;      /* bytes of fn */
	int64_t billed_us;  /* Billed Duration as printed (init included where billed), -1 */
	int64_t mem_mb;     /* Memory Size, -1 */
	bool restored;      /* its environment was restored from a SnapStart snapshot */
	const char *runtime;/* runtime version ("python:3.12.v16"), or NULL when unknown */
	size_t runtime_len; /* bytes of runtime */
};

/*
 * The cost of one invocation, in pico-dollars (1e-12 $), into *pico:
 *
 *   request + round(duration * billed_us * mem_mb / (1024 * 10^6)
 *                   + [restored] restore * mem_mb / 1024)
 *
 * with duration in pico-dollars per GB-second, restore per GB restored (SnapStart,
 * when the function's restore is charged: by default when its runtime is not Java), request per request, of the function's
 * architecture and region (gammaray-prices(5)); rounded once, to the nearest
 * pico-dollar, halves up. Exact: 128-bit integers throughout. Returns false (cost
 * unknown, never zero) when billed_us or mem_mb is unknown or out of the bounds
 * above. Caches per function name: not thread-safe.
 */
bool gr_prices_cost(struct gr_prices *p, const struct gr_bill *b, int64_t *pico);

/* v in decimal into out (at least 40 bytes); returns its length. */
size_t gr_u128_dec(gr_u128 v, char *out, size_t size);
/* pico-dollars as dollars, exactly, with the 12 decimals (columns align):
 * "$0.000002083334", "$12.500000000000"; "$0" for nothing. out at least 48 bytes. */
void gr_pico_dollars(gr_u128 pico, char *out, size_t size);

#endif
