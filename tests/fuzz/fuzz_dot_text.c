/* fuzz_dot_text.c: libFuzzer target of the DOT label escaper and the DOT writer's quoting, read back by cgraph. */
#include <cgraph.h>

#include "dot/dot.h"
#include "fuzz.h"
#include "common/jsonw.h"

/* What Graphviz would see in a value made by gr_dot_text: every backslash pairs with
 * another (labels) or comes in fours (tooltips), '&' only opens "&amp;", no control
 * byte, valid UTF-8 without bidirectional or zero-width characters. */
static void check_shown(const struct gr_buf *b, enum gr_dot_text mode)
{
	const unsigned char *p = (const unsigned char *)b->data;
	size_t n = b->len, unit = mode == GR_DOT_LABEL ? 2 : 4;

	for (size_t i = 0; i < n;) {
		if (p[i] == '\\') {
			size_t j = i;
			while (j < n && p[j] == '\\')
				j++;
			FUZZ_CHECK((j - i) % unit == 0, "a backslash Graphviz would interpret");
			i = j;
		} else if (p[i] == '&') {
			FUZZ_CHECK(n - i >= 5 && !memcmp(p + i, "&amp;", 5), "a bare '&' (an entity)");
			i += 5;
		} else if (p[i] < 0x20 || p[i] == 0x7f) {
			FUZZ_CHECK(0, "a control byte in a label");
		} else if (p[i] < 0x80) {
			i++;
		} else {
			size_t k = gr_utf8_len(p + i, n - i);
			FUZZ_CHECK(k, "invalid UTF-8 in a label");
			/* no bidirectional override, isolate or zero-width character */
			FUZZ_CHECK(!(k == 3 && p[i] == 0xe2 && p[i + 1] == 0x80 &&
				     ((p[i + 2] >= 0x8b && p[i + 2] <= 0x8f) ||
				      (p[i + 2] >= 0xaa && p[i + 2] <= 0xae))),
				   "a character that reorders or hides text in a label");
			FUZZ_CHECK(!(k == 3 && p[i] == 0xef && p[i + 1] == 0xbb && p[i + 2] == 0xbf),
				   "a zero-width no-break space in a label");
			i += k;
		}
	}
}

/*
 * Escape the input for a label and a tooltip, then put the results as attribute
 * values of a node and an edge, write the graph with gr_dot_write and parse it back with cgraph: every value must
 * come back byte for byte.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	struct gr_buf label = GR_BUF_INIT, tip = GR_BUF_INIT, name = GR_BUF_INIT;
	struct fuzz_sink out = { .keep = 64u << 20 };
	size_t max = n % 3 ? 1 + n % 200 : SIZE_MAX;

	FUZZ_CHECK(!gr_dot_text(&label, GR_DOT_LABEL, (const char *)data, n, max), "gr_dot_text");
	FUZZ_CHECK(!gr_dot_text(&tip, GR_DOT_TOOLTIP, (const char *)data, n, max), "gr_dot_text");
	check_shown(&label, GR_DOT_LABEL);
	check_shown(&tip, GR_DOT_TOOLTIP);
	if (max != SIZE_MAX)
		FUZZ_CHECK(label.len <= 5 * max + 3 && tip.len <= 7 * max + 3, "text over its limit");
	const char *lv = label.data ? label.data : "", *tv = tip.data ? tip.data : "";

	/* node names are made by gammaray-dot ("i12", "f3"), never taken from the input */
	gr_buf_addf(&name, "i%zu", n);
	const char *nv = name.data;

	agseterr(AGMAX);
	Agraph_t *g = agopen("fuzz", Agdirected, NULL);
	FUZZ_CHECK(g, "agopen");
	/* defaults of each kind, as gammaray-dot always declares (gr_dot_write writes a
	 * "graph;" statement without attributes otherwise, which DOT does not allow) */
	agattr(g, AGRAPH, "rankdir", "LR");
	agattr(g, AGNODE, "shape", "box");
	agattr(g, AGEDGE, "fontsize", "9");
	agattr(g, AGNODE, "label", "");
	agattr(g, AGNODE, "tooltip", "");
	agattr(g, AGEDGE, "label", "");
	Agnode_t *a = agnode(g, (char *)nv, 1), *z = agnode(g, "z", 1);
	agsafeset(a, "label", (char *)lv, "");
	agsafeset(a, "tooltip", (char *)tv, "");
	Agedge_t *e = agedge(g, a, z, NULL, 1);
	agsafeset(e, "label", (char *)lv, "");
	FUZZ_CHECK(gr_dot_write(g, fuzz_sink_write, &out, NULL) == 0, "gr_dot_write");
	agclose(g);

	Agraph_t *r = agmemread(out.b.data);
	if (!r)
		fprintf(stderr, "unreadable DOT:\n%s\n", out.b.data);
	FUZZ_CHECK(r, "gr_dot_write wrote DOT that cgraph cannot parse");
	Agnode_t *ra = agnode(r, (char *)nv, 0);
	FUZZ_CHECK(ra && agnnodes(r) == 2 && agnedges(r) == 1, "graph shape changed");
	/* a value equal to the default is not written, nor declared when all are */
#define GET(obj, name) (agget((obj), (name)) ? agget((obj), (name)) : "")
	const char *got = GET(ra, "label");
	if (strcmp(got, lv))
		fprintf(stderr, "label went in as\n%s\ncame back as\n%s\nDOT:\n%s\n", lv, got,
			out.b.data);
	FUZZ_CHECK(!strcmp(got, lv), "label changed through DOT");
	got = GET(ra, "tooltip");
	FUZZ_CHECK(!strcmp(got, tv), "tooltip changed through DOT");
	got = GET(agfstout(r, ra), "label");
	FUZZ_CHECK(!strcmp(got, lv), "edge label changed through DOT");
#undef GET
	agclose(r);
	gr_buf_release(&label);
	gr_buf_release(&tip);
	gr_buf_release(&name);
	gr_buf_release(&out.b);
	return 0;
}
