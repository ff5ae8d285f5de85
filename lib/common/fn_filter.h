/* fn_filter.h: the --function filter: a PCRE2 pattern matched against whole function names (lib-internal). */
#ifndef GR_FN_FILTER_H
#define GR_FN_FILTER_H

#include <stdbool.h>
#include <stddef.h>

#include "gammaray.h"

struct gr_fn_filter;

/* Compile pattern, anchored at both ends (UTF-8; match and depth limited). NULL with
 * err set (GR_ERR_USAGE) when it does not compile, or NULL and err untouched when out
 * of memory. */
struct gr_fn_filter *gr_fn_filter_new(const char *pattern, struct gr_error *err);
/* The same with the pattern's origin named in the message ("invalid WHAT pattern..."). */
struct gr_fn_filter *gr_fn_filter_compile(const char *pattern, const char *what,
					  struct gr_error *err);
void gr_fn_filter_free(struct gr_fn_filter *f);
/* Does fn[0..n) match the whole pattern? A NULL filter matches everything.
 * Thread-safe. */
bool gr_fn_filter_match(struct gr_fn_filter *f, const char *fn, size_t n);

#endif
