/* fuzz_fetch.h: one gammaray-fetch run over a fuzz input, with the checks every fetch target makes. */
#ifndef GR_FUZZ_FETCH_H
#define GR_FUZZ_FETCH_H

#include "stream/events.h"
#include "fuzz.h"

/* Options that vary with the input's size: both sides of each branch get reached. */
static inline void fuzz_fetch_opts(struct gr_fetch_opts *o, size_t n)
{
	gr_fetch_opts_init(o);
	o->keep_logs = n % 2;
	o->max_line = n % 3 == 0 ? 200 : 0;
	o->max_doc = n % 5 == 0 ? 3000 : 0;
	o->max_depth = n % 7 == 0 ? 8 : 0;
	o->jobs = 1;
}

/*
 * Fetch path (as the program would) and check: the run ends without a fatal error,
 * the accounting holds (with at least min_records read: records the caller knows
 * are there, unless the file was refused whole as not text), and the output is an
 * event stream that gr_ev_parse reads back whole: a header, then one known record
 * per event counted. The output goes to out when it is not NULL (the caller
 * releases it).
 */
static inline void fuzz_fetch_run(struct gr_fetch_opts *o, const char *path, const char *group,
				  uint64_t min_records, struct gr_buf *out)
{
	struct fuzz_sink sink = { .keep = 64u << 20 };
	struct gr_fetch_input in = { path, group };
	struct gr_stats st;
	struct gr_error err = { 0 };
	struct gr_buf scratch = GR_BUF_INIT;
	struct gr_event ev;

	memset(&st, 0, sizeof(st));
	o->write = fuzz_sink_write;
	o->write_ctx = &sink;
	o->diag = fuzz_diag;
	int rc = gr_fetch(o, &in, 1, &st, &err);
	fuzz_check_error(rc, &err);
	FUZZ_CHECK(rc == 0, "gr_fetch stopped on input data");
	fuzz_check_stats(&st);
	if (st.reason[GR_LOST_NOT_TEXT]) {
		/* binary: lost as a whole before a record of it was read */
		FUZZ_CHECK(st.reason[GR_LOST_NOT_TEXT] == 1 && st.records_in == 0 &&
			   st.events_out == 0, "a file lost as not text was read");
		min_records = 0;
	}
	FUZZ_CHECK(st.records_in >= min_records, "a record of the input was not counted");

	const char *p = sink.b.data, *end = p + sink.b.len;
	uint64_t lines = 0, stats = 0;
	FUZZ_CHECK(sink.total == sink.b.len, "output larger than the sink keeps");
	FUZZ_CHECK(sink.b.len && end[-1] == '\n', "output does not end in a newline");
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		struct gr_error e = { 0 };
		FUZZ_CHECK(nl, "unterminated output line");
		int prc = gr_ev_parse(p, (size_t)(nl - p), &ev, &scratch, 0, &e);
		if (prc)
			fprintf(stderr, "unreadable output line: %.*s\n(%s)\n", (int)(nl - p), p,
				e.msg);
		FUZZ_CHECK(prc == 0, "gammaray-fetch wrote a line gr_ev_parse rejects");
		FUZZ_CHECK(ev.type != GR_EV_OTHER, "gammaray-fetch wrote an unknown record type");
		FUZZ_CHECK((lines == 0) == (ev.type == GR_EV_HEADER), "header not (only) first");
		if (ev.type == GR_EV_STATS) {
			/* the last line: fetch's own counts, as it returned them */
			struct gr_stats back;
			char stage[16];
			uint64_t unknown = 0;
			memset(&back, 0, sizeof(back));
			FUZZ_CHECK(nl + 1 == end, "the stats record is not the last line");
			FUZZ_CHECK(gr_ev_stats_parse(p, (size_t)(nl - p), stage, sizeof(stage),
						     &back, &unknown) == 0 && !unknown &&
				   !strcmp(stage, "fetch"), "the stats record does not read back");
			FUZZ_CHECK(!memcmp(&back, &st, sizeof(st)),
				   "the stats record differs from the run's counts");
			stats++;
		}
		lines++;
		p = nl + 1;
	}
	FUZZ_CHECK(stats == 1, "the event stream does not end with one stats record");
	FUZZ_CHECK(lines == st.events_out + 2, "events counted != event lines written");
	gr_buf_release(&scratch);
	if (out)
		*out = sink.b;
	else
		gr_buf_release(&sink.b);
}

static inline void fuzz_fetch_check(struct gr_fetch_opts *o, const char *path, const char *group,
				    uint64_t min_records)
{
	fuzz_fetch_run(o, path, group, min_records, NULL);
}

#endif
