/* fuzz_events.c: libFuzzer target of the event stream reader gr_ev_parse, one record per line. */
#include "stream/events.h"
#include "fuzz.h"

static void check_slice(struct gr_str v, const char *line, size_t n, const struct gr_buf *scratch,
			const char *what)
{
	if (!v.n)
		return;
	bool in_line = v.p >= line && v.p + v.n <= line + n;
	bool in_scratch = v.p >= scratch->data && v.p + v.n <= scratch->data + scratch->len;
	if (!in_line && !in_scratch)
		fprintf(stderr, "field %s out of bounds\n", what);
	FUZZ_CHECK(in_line || in_scratch, "field outside the line and the scratch buffer");
}

static void check_event(const struct gr_event *ev, const char *line, size_t n,
			const struct gr_buf *scratch)
{
#define S(f) check_slice(ev->f, line, n, scratch, #f)
	S(type_name); S(req); S(fn); S(stream); S(group); S(fn_from); S(version); S(runtime);
	S(trace); S(segment); S(phase); S(error); S(detail); S(level); S(msg); S(m); S(id);
	S(parent); S(name); S(origin); S(ns); S(op); S(inv); S(table); S(queue); S(topic);
	S(arn); S(log_group); S(links); S(precursors);
#undef S
	FUZZ_CHECK(ev->type >= GR_EV_OTHER && ev->type <= GR_EV_STATS, "type out of range");
	FUZZ_CHECK(ev->type_name.n, "record without a type accepted");
	FUZZ_CHECK(!ev->m.n || (ev->m.p[0] == '{' && ev->m.p[ev->m.n - 1] == '}'),
		   "marker object is not an object");
	FUZZ_CHECK(!ev->links.n || (ev->links.p[0] == '[' && ev->links.p[ev->links.n - 1] == ']'),
		   "links is not an array");
	/* links were validated: iterating them never fails nor runs past them */
	struct gr_js it;
	struct gr_ev_link l;
	gr_ev_links_begin(&it, &ev->links);
	while (gr_ev_link_next(&it, &l)) {
		FUZZ_CHECK(l.id.n && l.id.p >= ev->links.p && l.id.p + l.id.n <= ev->links.p + ev->links.n,
			   "link id outside the links text");
	}
}

/* Each line parsed on its own, as gammaray-infer and gammaray-critpath --request do;
 * a line that parses is checked field by field. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	struct gr_buf scratch = GR_BUF_INIT;
	struct gr_event ev;
	size_t i = 0;

	while (i < n) {
		const uint8_t *nl = memchr(data + i, '\n', n - i);
		size_t len = (nl ? (size_t)(nl - data) : n) - i;
		/* an exact copy of the line: reads past its end are caught */
		char *line = malloc(len ? len : 1);
		struct gr_error err = { 0 };
		FUZZ_CHECK(line, "out of memory");
		memcpy(line, data + i, len);
		int rc = gr_ev_parse(line, len, &ev, &scratch, len % 5 ? 0 : 4, &err);
		if (rc == 0)
			check_event(&ev, line, len, &scratch);
		else
			FUZZ_CHECK((rc == GR_ERR_JSON || rc == GR_ERR_FORMAT) && err.msg[0],
				   "unexpected gr_ev_parse error");
		free(line);
		i += len + 1;
	}
	gr_buf_release(&scratch);
	return 0;
}
