/* synth_rng.c: gammaray-synth's seeded random numbers (splitmix64 streams keyed by decision), bit-reproducible. */
#include "synth/synth.h"

/* The finaliser of splitmix64 (Stafford's mix13): a bijection of 64-bit words. */
static inline uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

uint64_t gr_sy_key(uint64_t k, uint64_t v)
{
	/* v -> v * odd + c is a bijection, so is xor with k, so is the finaliser: for a
	 * given k, different v never give the same key */
	return mix64(k ^ (v * 0x9e3779b97f4a7c15ull + 0x632be59bd9b4e019ull));
}

void gr_sy_rng_seed(struct gr_sy_rng *r, uint64_t seed)
{
	r->s = mix64(seed);
}

struct gr_sy_rng *gr_sy_rng_keyed(struct gr_sy_rng *r, uint64_t k, uint64_t v)
{
	r->s = gr_sy_key(k, v);
	return r;
}

uint64_t gr_sy_rng_next(struct gr_sy_rng *r)
{
	return mix64(r->s += 0x9e3779b97f4a7c15ull);
}

double gr_sy_rng_unit(struct gr_sy_rng *r)
{
	return (double)(gr_sy_rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

int64_t gr_sy_rng_range(struct gr_sy_rng *r, int64_t lo, int64_t hi)
{
	if (hi <= lo)
		return lo;
	uint64_t span = (uint64_t)(hi - lo) + 1;
	/* the modulo bias is below 2^-40 for the spans used here */
	return lo + (int64_t)(gr_sy_rng_next(r) % span);
}

bool gr_sy_rng_chance(struct gr_sy_rng *r, double p)
{
	if (p <= 0)
		return false;
	return gr_sy_rng_unit(r) < p;
}

void gr_sy_rng_bytes(struct gr_sy_rng *r, uint8_t *out, size_t n)
{
	while (n) {
		uint64_t v = gr_sy_rng_next(r);
		for (int i = 0; i < 8 && n; i++, n--) {
			*out++ = (uint8_t)v;
			v >>= 8;
		}
	}
}

void gr_sy_rng_uuid(struct gr_sy_rng *r, uint8_t out[16])
{
	gr_sy_rng_bytes(r, out, 16);
	out[6] = (uint8_t)((out[6] & 0x0f) | 0x40);
	out[8] = (uint8_t)((out[8] & 0x3f) | 0x80);
}

/* exp(x) = 2^k * exp(f), |f| <= ln2/2, exp(f) by its Taylor series: only + - * /, so
 * every IEEE machine gets the same bits (libm's exp may differ in the last place). */
double gr_sy_exp(double x)
{
	static const double ln2 = 0.6931471805599453;
	if (x > 700)
		x = 700;
	if (x < -700)
		return 0;
	double kf = x / ln2;
	long k = (long)(kf < 0 ? kf - 0.5 : kf + 0.5);
	double f = x - (double)k * ln2;
	double term = 1, sum = 1;
	for (int i = 1; i < 14; i++) { /* |f| <= 0.35: 0.35^14/14! < 1e-17 */
		term = term * f / i;
		sum += term;
	}
	while (k > 0) {
		sum *= 2;
		k--;
	}
	while (k < 0) {
		sum /= 2;
		k++;
	}
	return sum;
}

/* log(x) = k ln2 + 2 atanh((m-1)/(m+1)), m in [sqrt(1/2), sqrt(2)). */
double gr_sy_log(double x)
{
	static const double ln2 = 0.6931471805599453;
	if (x <= 0)
		return -745;
	int k = 0;
	while (x >= 1.4142135623730951) {
		x /= 2;
		k++;
	}
	while (x < 0.7071067811865476) {
		x *= 2;
		k--;
	}
	double y = (x - 1) / (x + 1), y2 = y * y, term = y, sum = 0;
	for (int i = 1; i < 40; i += 2) {
		sum += term / i;
		term *= y2;
	}
	return k * ln2 + 2 * sum;
}

int64_t gr_sy_rng_lognorm(struct gr_sy_rng *r, int64_t median, double sigma)
{
	/* Irwin-Hall with 4 uniforms, scaled to unit variance: close enough to normal */
	double z = gr_sy_rng_unit(r) + gr_sy_rng_unit(r) + gr_sy_rng_unit(r) + gr_sy_rng_unit(r) - 2.0;
	z *= 1.7320508075688772;
	double v = (double)median * gr_sy_exp(sigma * z);
	double lo = (double)median / 20, hi = (double)median * 20;
	if (v < lo)
		v = lo;
	if (v > hi)
		v = hi;
	return (int64_t)v;
}

int64_t gr_sy_rng_exp(struct gr_sy_rng *r, double mean)
{
	double u = gr_sy_rng_unit(r);
	return (int64_t)(-gr_sy_log(1.0 - u) * mean);
}
