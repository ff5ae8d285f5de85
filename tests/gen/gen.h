/* gen.h: grammar-driven variants of every input family, made from templates (tests/fuzz/README.md). */
#ifndef GR_GEN_H
#define GR_GEN_H

#include <stdbool.h>
#include <stddef.h>

/* A broken invariant of the fuzz helpers' checks (tests/fuzz/fuzz*.h) names the variant
 * being run and goes on with the next one, instead of aborting (gen_main.c). */
_Noreturn void gen_fail(const char *what, const char *file, int line);
#define FUZZ_CHECK(cond, what)                                   \
	do {                                                     \
		if (!(cond))                                     \
			gen_fail((what), __FILE__, __LINE__);    \
	} while (0)

#include "fuzz.h"

/* What a family's bytes are fed to. */
enum gen_feed {
	GEN_FEED_FETCH,  /* a gammaray-fetch input: then infer, critpath and dot on the results */
	GEN_FEED_EVENTS, /* an event stream: infer, critpath (both modes) and dot */
	GEN_FEED_GRAPH,  /* a graph stream: critpath and dot */
};

/* How a template, once mutated, becomes the bytes of an input. */
enum gen_enc {
	GEN_ENC_TEXT,      /* a text template: the line grammar, not JSON */
	GEN_ENC_JSON,      /* the document as it is */
	GEN_ENC_LINES,     /* an array: one compact element per line (NDJSON, datagrams) */
	GEN_ENC_EXPORT,    /* an array: each element the message of one export line */
	GEN_ENC_DOCUMENT,  /* "Document" objects become JSON strings (batch-get-traces) */
	GEN_ENC_PAYLOAD,   /* "data" objects become base64(gzip(JSON)) (subscriptions) */
	GEN_ENC_GZIP_EACH, /* an array: each element gzip'd, the members concatenated (Firehose S3) */
};

/* One input family: its template and how its variants are made and fed. */
struct gen_family {
	const char *name;  /* "xray-page" */
	const char *tmpl;  /* template file, relative to the template directory */
	enum gen_enc enc;  /* how the mutated template becomes bytes */
	enum gen_feed feed; /* what reads the bytes */
	const char *group; /* log group given to gammaray-fetch (exports, bare text), or NULL */
	const char *ext;   /* extension of written files: "json", "txt", "ndjson", "gz" */
	bool dir;          /* --write: one file per variant (else all in one file) */
};

/* One variant: its bytes and where in the grammar it differs from the template. */
struct gen_variant {
	const struct gen_family *fam; /* its family */
	size_t index;                 /* 0-based, in the family's fixed order (0: the template) */
	const char *path;             /* JSON path ("/Traces/0/Segments") or line grammar place */
	const char *cls;              /* mutation class ("empty-array"; "template" for index 0) */
	const char *data;             /* the input's bytes */
	size_t len;                   /* their length */
};

/* Where variants go, one at a time, in order. */
struct gen_sink {
	void (*emit)(void *ctx, const struct gen_variant *v); /* called with each variant */
	void *ctx;                                            /* its context */
};

/* Every variant of a JSON family (template dir/f->tmpl), in a fixed order, through s.
 * 0, or -1 when the template cannot be read (said on stderr). */
int gen_json_family(const struct gen_family *f, const char *dir, const struct gen_sink *s);
/* The same for a text family (f->enc is GEN_ENC_TEXT): fields <<...>>, groups [[...]]. */
int gen_text_family(const struct gen_family *f, const char *dir, const struct gen_sink *s);

#endif
