/* stage.h: an input meant for another stage of the pipeline, told from its first line (lib-internal). */
#ifndef GR_STAGE_H
#define GR_STAGE_H

#include <stddef.h>

/*
 * The first non-blank line s[0..n) of an input that should hold a gammaray stream
 * (events or graph): NULL when it may be one (a record with a "type"), else what
 * the input looks like ("CloudWatch Logs or Lambda JSON", "Lambda log text"...), so
 * that the program can say once what to run first instead of losing every line.
 * Text of no known kind is NULL too: its lines are lost one by one, as before.
 */
const char *gr_stage_raw(const char *s, size_t n);

#endif
