/* infer_shard.h: gammaray-infer --stage, one run in stages over keyed lines (gammaray-shard(7)) (lib-internal). */
#ifndef GR_INFER_SHARD_H
#define GR_INFER_SHARD_H

#include <stddef.h>

#include "infer/infer.h"

/*
 * A sharded run is gammaray-infer cut at the places where it needs to see
 * together what one key names, each cut a sort by key (gammaray-shard(7)):
 *
 *   map      event records -> by request id (or trace, or log stream)
 *   request  one request id: its records read as gammaray-infer reads them; the
 *            invocation, its causes and triggers (a "bundle") -> by trace; its start
 *            -> by log stream
 *   stream   one log stream: its INIT and RESTORE records; which START was the first
 *            after the environment booted -> what the stream says, by trace
 *   trace    one trace (or one request without one): X-Ray segments and spans, the
 *            nodes written; evidence -> by link key, edges' candidates -> by effect
 *   link     one link key: the writes and sends it names and the triggers naming it,
 *            matched (keys with time); X-Ray links joined -> candidates by effect
 *   effect   one invocation: its candidates merged into edges, unmatched evidence
 *   merge    everything in the graph's order: cycles, loops, the stats record
 *
 * A line is KEY TAB POS TAB TYPE (TAB FIELD)* NEWLINE. KEY starts with the letter of
 * the stage that reads it; a stage copies the lines of later stages unchanged. POS
 * is where the record that made the line was read (part, input, line: 22 hex
 * digits), so that a stage meets its records in the order one run would have read
 * them. Fields escape backslash, tab, newline and carriage return; a string that may
 * be absent is empty when absent and starts with '=' when present.
 */

/* The letter of each stage's keys (their order is the stages' order). */
#define SH_REQUEST 'b'
#define SH_STREAM 'c'
#define SH_TRACE 'd'
#define SH_LINK 'e'
#define SH_EFFECT 'f'
#define SH_MERGE 'g'

#define SH_POS_LEN 22     /* hex digits of a position */
#define SH_FIELDS_MAX 64  /* fields of a line, at most */

/* One line of the group being read, split into its fields (decoded in place). */
struct gr_sh_line {
	const char *raw;     /* the line as read (NUL-terminated, no newline) */
	size_t rawn;         /* its length */
	char **f;            /* fields: f[0] key, f[1] pos, f[2] type, f[3...] */
	size_t nf;           /* how many */
};

/* A file an unsorted stage reads, mapped. */
struct gr_sh_seg {
	char *base;
	size_t size;
};

/* A line an unsorted stage holds: in segment seg (0: sh->uraw) at off. */
struct gr_sh_held {
	size_t off;
	uint32_t seg;
	uint32_t len;     /* without its newline */
	uint32_t kn;      /* its key's length */
};

/* A run in stages: the state of one process. */
struct gr_shard {
	struct gr_infer_opts o;       /* the options (every stage of a run is given alike) */
	int stage;                    /* enum gr_infer_stage */
	char letter;                  /* the key letter this stage reads (0: map) */
	uint32_t part;                /* map: the part number of its input (positions) */
	struct gr_infer *rd;          /* reads the input: the input loop, the map's counts */
	struct gr_infer_stats acc;    /* what this stage decided about the user's records */
	struct gr_error *err;         /* the caller's, for the current call */
	struct gr_error ferr;         /* the fatal error (the engines report here too) */
	int fatal;                    /* sticky fatal error, 0 */
	struct gr_buf out;            /* output not yet handed to o.write */
	struct gr_buf *cur;           /* where the line being made goes: out, or with
				       * buckets its bucket's lines (gr_sh_begin) */
	char cur_letter;              /* with buckets: its stage letter and bucket */
	unsigned cur_bucket;
	struct gr_buf kesc;           /* with buckets: the line's letter and key, escaped */
	/* the group of lines with one key (the reducing stages) */
	struct gr_buf gkey;           /* its key */
	struct gr_buf graw;           /* its lines as read, each NUL-terminated */
	struct gr_buf gsplit;         /* the same, split into fields */
	size_t *goff;                 /* line starts in graw */
	size_t gn, gcap;              /* lines, allocated */
	struct gr_sh_line *lines;     /* the group's lines, split (gr_sh_group_split) */
	char **fields;                /* their field pointers */
	size_t lines_cap, fields_cap; /* allocated */
	struct gr_buf prev;           /* the previous group's key (the order check) */
	bool passing;                 /* reading lines of later stages */
	/* unsorted input: every line of this stage held, ordered at the end; a line is
	 * held where it is, in a file mapped (segment 1...) or copied (segment 0) */
	bool unsorted;
	struct gr_buf uraw;           /* segment 0: lines read from pipes, gzip... */
	struct gr_sh_seg *useg;       /* the files mapped */
	size_t nseg, segcap;
	struct gr_sh_held *uh;        /* the lines */
	size_t un, ucap;
	char where[48];               /* "part P input I": a record's origin in messages */
	struct gr_buf tmp;            /* keys being made */
	/* merge */
	struct gr_infer *mg;          /* the graph being written (nodes, edges, stats) */
	struct gr_buf mg_edges;       /* merge: the edge lines held until cycles are known */
	size_t *mg_edge_off;          /* their starts */
	size_t mg_edge_n, mg_edge_cap;
	struct gr_buf mg_stats;       /* merge: upstream stats records, until all are read */
	size_t *mg_stats_off;         /* their starts */
	size_t mg_stats_n, mg_stats_cap;
	bool stats_read;              /* merge: they were read */
	struct gr_buf mg_run;         /* merge with split: the graph's lines held for runs */
	size_t *mg_run_off;           /* their starts */
	size_t mg_run_n, mg_run_cap;
	int section;                  /* merge: the last section read (1 nodes ... 5 counts) */
	unsigned buckets;             /* lines by stage and key hash, 0: to the output */
	int (*write_bucket)(void *ctx, char letter, unsigned bucket, const char *data,
			    size_t len);
	void *write_bucket_ctx;       /* its context */
	struct gr_buf *bk;            /* the buckets' lines not yet handed over: 6 letters
				       * (b..g) times buckets */
	unsigned split;               /* merge: runs into this many shards, 0: none */
	int (*write_run)(void *ctx, unsigned shard, const char *data, size_t len);
	void *write_run_ctx;          /* its context */
};

/* --- infer_shard_io.c: lines ----------------------------------------------------- */

/* Make room for need elements of sz bytes in *arr (cap: how many there is room for).
 * 0 or GR_ERR_NOMEM. */
int gr_sh_grow(void *arr, size_t *cap, size_t need, size_t sz);
/* A fatal error of the stage (sticky, the first one kept). */
void gr_sh_fail(struct gr_shard *sh, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Make a position: part, input, line. out holds SH_POS_LEN + 1 bytes. */
void gr_sh_pos(char *out, uint32_t part, uint32_t input, uint64_t line);
/* The origin of a position for messages ("part 0 input 1"), and its line. */
void gr_sh_pos_where(const char *pos, char *where, size_t size, uint64_t *line);

/* Begin a line: the stage letter, the key (escaped here), the position, the type. */
void gr_sh_begin(struct gr_shard *sh, char letter, const char *key, size_t kn, const char *pos,
		 char type);
/* Fields of the line begun. */
void gr_sh_str(struct gr_shard *sh, const char *s, size_t n);
void gr_sh_cstr(struct gr_shard *sh, const char *s);   /* NUL-terminated, NULL: absent */
void gr_sh_opt(struct gr_shard *sh, const char *s);    /* may be absent: "" or "=s" */
void gr_sh_i64(struct gr_shard *sh, int64_t v);
void gr_sh_u64(struct gr_shard *sh, uint64_t v);       /* 16 hex digits */
void gr_sh_f32(struct gr_shard *sh, float v);          /* its bits, 8 hex digits */
/* End the line (and hand the output over when much is held). */
void gr_sh_end(struct gr_shard *sh);
/* A line read, written again unchanged (a later stage's). */
void gr_sh_copy(struct gr_shard *sh, const char *line, size_t n);
/* Hand the output over (force: all of it). */
int gr_sh_flush(struct gr_shard *sh, bool force);

/*
 * The numeric members a line type carries, listed once for its writer and its reader:
 * each member's offset in the struct and its C type. gr_sh_fields writes them in
 * order (SH_U64 as 16 hex digits, the rest in decimal); gr_sh_f_fields reads them
 * back from the line's fields at, at + 1, ... into a struct of the same type.
 */
enum gr_sh_num { SH_I64, SH_U64, SH_I32, SH_U16, SH_U8 };
struct gr_sh_field {
	size_t off;           /* offsetof the member */
	enum gr_sh_num type;  /* its type */
};
#define GR_SH_FIELD(st, member, type) { offsetof(st, member), type }
void gr_sh_fields(struct gr_shard *sh, const void *obj, const struct gr_sh_field *f, size_t n);
void gr_sh_f_fields(struct gr_shard *sh, const struct gr_sh_line *l, size_t at, void *obj,
		    const struct gr_sh_field *f, size_t n);
/* An invocation's bundle ('N', after its id, unit, function, stream and trace) and an
 * execution environment ('T', after the invocation's id, the stream's name and
 * function): the members each line carries. */
extern const struct gr_sh_field gr_sh_node_fields[];
extern const size_t gr_sh_node_nfields;
extern const struct gr_sh_field gr_sh_stream_fields[];
extern const size_t gr_sh_stream_nfields;

/* Fields read back. A bad number makes the line's stage fail (it was not written by
 * a stage of this version). */
int64_t gr_sh_f_i64(struct gr_shard *sh, const struct gr_sh_line *l, size_t i);
uint64_t gr_sh_f_u64(struct gr_shard *sh, const struct gr_sh_line *l, size_t i);
float gr_sh_f_f32(struct gr_shard *sh, const struct gr_sh_line *l, size_t i);
/* A number that must lie in [lo, hi] (an enum's members, a narrower type's values):
 * out of them the stage fails as on a bad number, and lo is returned. */
int64_t gr_sh_f_range(struct gr_shard *sh, const struct gr_sh_line *l, size_t i, int64_t lo,
		      int64_t hi);
static inline int gr_sh_f_kind(struct gr_shard *sh, const struct gr_sh_line *l, size_t i)
{
	return (int)gr_sh_f_range(sh, l, i, 0, GR_INFER_KINDS - 1);
}
/* An edge's kind: one the graph names (1 ... GR_INFER_KINDS - 1). */
static inline int gr_sh_f_edge_kind(struct gr_shard *sh, const struct gr_sh_line *l, size_t i)
{
	return (int)gr_sh_f_range(sh, l, i, 1, GR_INFER_KINDS - 1);
}
static inline int gr_sh_f_evidence(struct gr_shard *sh, const struct gr_sh_line *l, size_t i)
{
	return (int)gr_sh_f_range(sh, l, i, 0, GR_INFER_EVIDENCE - 1);
}
static inline int gr_sh_f_op(struct gr_shard *sh, const struct gr_sh_line *l, size_t i)
{
	return (int)gr_sh_f_range(sh, l, i, OP_NONE, OP_ASYNC);
}
static inline int gr_sh_f_rule(struct gr_shard *sh, const struct gr_sh_line *l, size_t i)
{
	return (int)gr_sh_f_range(sh, l, i, R_EXACT, R_UNKNOWN);
}
static inline int gr_sh_f_what(struct gr_shard *sh, const struct gr_sh_line *l, size_t i)
{
	return (int)gr_sh_f_range(sh, l, i, U_TRIGGER, U_XRAY_LINK);
}
static inline uint8_t gr_sh_f_u8(struct gr_shard *sh, const struct gr_sh_line *l, size_t i)
{
	return (uint8_t)gr_sh_f_range(sh, l, i, 0, UINT8_MAX);
}
/* A string field ("" when the line has no field i). */
const char *gr_sh_f_str(const struct gr_sh_line *l, size_t i);
/* A field that may be absent: NULL when it is. */
const char *gr_sh_f_opt(const struct gr_sh_line *l, size_t i);
/* The line's type letter. */
static inline char gr_sh_type(const struct gr_sh_line *l)
{
	return l->nf > 2 ? l->f[2][0] : 0;
}

/* Split the lines of the group read into sh->lines (fields decoded). 0 or an error. */
int gr_sh_group_split(struct gr_shard *sh);

/* The accounting line of this stage (to the merge): what it decided. */
void gr_sh_account(struct gr_shard *sh);
/* Add what an engine of this stage decided about records (not what it read: the map
 * counted that) and found, to the stage's counts. */
void gr_sh_add_stats(struct gr_shard *sh, const struct gr_infer_stats *st);

/* A fresh engine for one group, with the stage's options; NULL (sh->fatal set) when
 * out of memory. */
struct gr_infer *gr_sh_engine(struct gr_shard *sh);
/* Read one record of the event stream into an engine. counted: its home copy, whose
 * fate is counted and reported; else a copy sent for context, read silently. */
void gr_sh_replay(struct gr_shard *sh, struct gr_infer *inf, const struct gr_sh_line *l,
		  size_t field, bool counted);
/* Done with an engine: its counts into the stage's, freed. */
void gr_sh_engine_done(struct gr_shard *sh, struct gr_infer *inf);

/* The aliases of each cause, in their order: for (a = head[c]; a != INF_NONE; a =
 * next[a]). Both arrays are the caller's to free. 0 or GR_ERR_NOMEM. */
int gr_sh_alias_lists(const struct gr_infer *inf, uint32_t **head, uint32_t **next);

/* Keys: "t:<trace>" of a trace (normalised as gammaray-infer does), "r:<id>". */
size_t gr_sh_trace_key(char *out, size_t size, struct gr_str trace);
/* A key of 16 hex digits after a one-letter namespace. */
void gr_sh_hex_key(char *out, char ns, uint64_t fp);

/* --- infer_shard.c: map, request, stream ----------------------------------------- */
void gr_sh_map_line(struct gr_infer *rd, const char *line, size_t n);
void gr_sh_request(struct gr_shard *sh);
void gr_sh_stream(struct gr_shard *sh);

/* --- infer_shard_trace.c ------------------------------------------------------------ */
void gr_sh_trace(struct gr_shard *sh);

/* --- infer_shard_link.c: link and effect ------------------------------------------ */
void gr_sh_link(struct gr_shard *sh);
void gr_sh_effect(struct gr_shard *sh);

/* --- infer_shard_merge.c ----------------------------------------------------------- */
/* One line of the merge (in the graph's order). */
void gr_sh_merge_line(struct gr_shard *sh, const char *line, size_t n);
/* The end: the edges held, the stats records. */
int gr_sh_merge_finish(struct gr_shard *sh);

#endif
