/* fn_filter.c: the --function filter: a PCRE2 pattern matched against whole function names. */
#define PCRE2_CODE_UNIT_WIDTH 8

#include <pcre2.h>
#include <stdlib.h>

#include "common/fn_filter.h"

struct gr_fn_filter {
	pcre2_code *re;             /* the pattern, anchored at both ends */
	pcre2_match_context *mctx;  /* match and depth limits */
};

struct gr_fn_filter *gr_fn_filter_new(const char *pattern, struct gr_error *err)
{
	return gr_fn_filter_compile(pattern, "--function", err);
}

struct gr_fn_filter *gr_fn_filter_compile(const char *pattern, const char *what,
					  struct gr_error *err)
{
	int code;
	PCRE2_SIZE off;
	struct gr_fn_filter *f = calloc(1, sizeof(*f));

	if (!f)
		return NULL;
	f->re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
			      PCRE2_ANCHORED | PCRE2_ENDANCHORED | PCRE2_UTF | PCRE2_MATCH_INVALID_UTF,
			      &code, &off, NULL);
	if (!f->re) {
		PCRE2_UCHAR msg[160];
		pcre2_get_error_message(code, msg, sizeof(msg));
		gr_error_set(err, GR_ERR_USAGE, "invalid %s pattern at offset %zu: %s", what,
			     (size_t)off, (const char *)msg);
		free(f);
		return NULL;
	}
	pcre2_jit_compile(f->re, PCRE2_JIT_COMPLETE); /* optional speed-up */
	f->mctx = pcre2_match_context_create(NULL);
	if (f->mctx) {
		pcre2_set_match_limit(f->mctx, 100000);
		pcre2_set_depth_limit(f->mctx, 1000);
	}
	return f;
}

void gr_fn_filter_free(struct gr_fn_filter *f)
{
	if (!f)
		return;
	pcre2_code_free(f->re);
	pcre2_match_context_free(f->mctx);
	free(f);
}

bool gr_fn_filter_match(struct gr_fn_filter *f, const char *fn, size_t n)
{
	if (!f)
		return true;
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(f->re, NULL);
	if (!md)
		return false;
	int rc = pcre2_match(f->re, (PCRE2_SPTR)fn, n, 0, 0, md, f->mctx);
	pcre2_match_data_free(md);
	return rc >= 0;
}
