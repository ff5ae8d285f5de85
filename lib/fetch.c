/* fetch.c: gammaray-fetch's driver: inputs to units, units to workers, ordered output. */
#include <string.h>

#include "gammaray.h"

void gr_fetch_opts_init(struct gr_fetch_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->since_us = GR_TIME_UNKNOWN;
	o->until_us = GR_TIME_UNKNOWN;
	o->jobs = 1;
}

int gr_fetch(const struct gr_fetch_opts *o, const char *const *paths, size_t npaths,
	     struct gr_stats *st, struct gr_error *err)
{
	(void)o; (void)paths; (void)npaths; (void)st;
	return gr_error_set(err, GR_ERR_USAGE, "not yet");
}
