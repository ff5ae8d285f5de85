/* timeparse.h: calendar arithmetic shared by the time parsers and writers (lib-internal). */
#ifndef GR_TIMEPARSE_H
#define GR_TIMEPARSE_H

#include <stdint.h>

/* Days since 1970-01-01 of a proleptic Gregorian date, and back (exact for every
 * year an int64 of microseconds reaches). */
int64_t gr_days_from_civil(int64_t y, unsigned m, unsigned d);
void gr_civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d);

#endif
