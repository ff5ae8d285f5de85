/* dot_write.c: DOT text of a cgraph graph in one linear pass (cgraph's agwrite is quadratic in clusters). */
#include <cgraph.h>
#include <stdlib.h>
#include <string.h>

#include "dot/dot.h"

/* Output in chunks through the caller's write. */
struct out {
	struct gr_buf b;                                  /* pending text */
	int (*write)(void *ctx, const char *p, size_t n); /* sink */
	void *ctx;
	int err;                                          /* first error */
	size_t bytes;                                     /* handed to write */
};

static void flush(struct out *o, bool force)
{
	if (o->err || (!force && o->b.len < (1u << 16)))
		return;
	if (o->b.len) {
		o->err = o->write(o->ctx, o->b.data, o->b.len);
		o->bytes += o->b.len;
	}
	gr_buf_reset(&o->b);
}

static void add(struct out *o, const char *p, size_t n)
{
	if (!o->err && gr_buf_add(&o->b, p, n))
		o->err = GR_ERR_NOMEM;
}

static void adds(struct out *o, const char *s)
{
	add(o, s, strlen(s));
}

static void addc(struct out *o, char c)
{
	add(o, &c, 1);
}

static bool plain_id(const char *s)
{
	static const char *const keywords[] = { "node", "edge", "graph", "digraph", "subgraph",
						"strict" };

	if (!*s || (*s >= '0' && *s <= '9'))
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_'))
			return false;
	for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++)
		if (!strcasecmp(s, keywords[i]))
			return false;
	return true;
}

/*
 * A DOT quoted string. Only '"' needs a backslash: the values come from gr_dot_text,
 * where every backslash of the logs is doubled, and the DOT scanner reads "\\" as a
 * pair, so no value can end in a lone backslash that would escape the closing quote.
 */
static void put_quoted(struct out *o, const char *s)
{
	const char *p = s;

	addc(o, '"');
	for (const char *q; (q = strchr(p, '"')); p = q + 1) {
		add(o, p, (size_t)(q - p));
		add(o, "\\\"", 2);
	}
	adds(o, p);
	addc(o, '"');
}

static void put_id(struct out *o, const char *s)
{
	if (plain_id(s))
		adds(o, s);
	else
		put_quoted(o, s);
}

/* " [a=\"x\", b=\"y\"]" for the attributes of obj that differ from the default (or, with
 * nonempty, that are not empty). */
static void put_attrs(struct out *o, Agraph_t *root, int kind, void *obj, bool nonempty)
{
	bool first = true;

	for (Agsym_t *sym = agnxtattr(root, kind, NULL); sym; sym = agnxtattr(root, kind, sym)) {
		const char *v = obj ? agxget(obj, sym) : sym->defval;
		if (!v || (nonempty ? !*v : !strcmp(v, sym->defval)))
			continue;
		adds(o, first ? " [" : ", ");
		first = false;
		put_id(o, sym->name);
		addc(o, '=');
		put_quoted(o, v);
	}
	if (!first)
		addc(o, ']');
}

static void put_node(struct out *o, Agraph_t *root, Agnode_t *n, const char *indent)
{
	adds(o, indent);
	put_id(o, agnameof(n));
	put_attrs(o, root, AGNODE, n, false);
	adds(o, ";\n");
	flush(o, false);
}

static void put_edge(struct out *o, Agraph_t *root, Agedge_t *e, const char *indent)
{
	adds(o, indent);
	put_id(o, agnameof(agtail(e)));
	adds(o, " -> ");
	put_id(o, agnameof(aghead(e)));
	put_attrs(o, root, AGEDGE, e, false);
	adds(o, ";\n");
	flush(o, false);
}

int gr_dot_write(void *graph, int (*write)(void *ctx, const char *p, size_t n), void *ctx,
		 size_t *bytes)
{
	Agraph_t *root = graph, *sub;
	struct out o = { .b = GR_BUF_INIT, .write = write, .ctx = ctx };
	size_t nseq = 0, eseq = 0;
	uint8_t *node_done, *edge_done;

	/* sequence numbers index "written inside a subgraph" marks */
	for (Agnode_t *n = agfstnode(root); n; n = agnxtnode(root, n)) {
		if ((size_t)AGSEQ(n) >= nseq)
			nseq = (size_t)AGSEQ(n) + 1;
		for (Agedge_t *e = agfstout(root, n); e; e = agnxtout(root, e))
			if ((size_t)AGSEQ(e) >= eseq)
				eseq = (size_t)AGSEQ(e) + 1;
	}
	node_done = calloc(nseq + 1, 1);
	edge_done = calloc(eseq + 1, 1);
	if (!node_done || !edge_done) {
		free(node_done);
		free(edge_done);
		return GR_ERR_NOMEM;
	}

	adds(&o, "digraph ");
	put_id(&o, agnameof(root));
	adds(&o, " {\n\tgraph");
	put_attrs(&o, root, AGRAPH, root, true);
	adds(&o, ";\n\tnode");
	put_attrs(&o, root, AGNODE, NULL, true);
	adds(&o, ";\n\tedge");
	put_attrs(&o, root, AGEDGE, NULL, true);
	adds(&o, ";\n");
	/* subgraphs (one level: clusters and the legend) in creation order */
	for (sub = agfstsubg(root); sub; sub = agnxtsubg(sub)) {
		adds(&o, "\tsubgraph ");
		put_id(&o, agnameof(sub));
		adds(&o, " {\n\t\tgraph");
		put_attrs(&o, root, AGRAPH, sub, false);
		adds(&o, ";\n");
		for (Agnode_t *n = agfstnode(sub); n; n = agnxtnode(sub, n)) {
			node_done[AGSEQ(n)] = 1;
			put_node(&o, root, n, "\t\t");
		}
		for (Agnode_t *n = agfstnode(sub); n; n = agnxtnode(sub, n))
			for (Agedge_t *e = agfstout(sub, n); e; e = agnxtout(sub, e)) {
				edge_done[AGSEQ(e)] = 1;
				put_edge(&o, root, e, "\t\t");
			}
		adds(&o, "\t}\n");
	}
	for (Agnode_t *n = agfstnode(root); n; n = agnxtnode(root, n))
		if (!node_done[AGSEQ(n)])
			put_node(&o, root, n, "\t");
	for (Agnode_t *n = agfstnode(root); n; n = agnxtnode(root, n))
		for (Agedge_t *e = agfstout(root, n); e; e = agnxtout(root, e))
			if (!edge_done[AGSEQ(e)])
				put_edge(&o, root, e, "\t");
	adds(&o, "}\n");
	flush(&o, true);
	free(node_done);
	free(edge_done);
	gr_buf_release(&o.b);
	if (bytes)
		*bytes = o.bytes;
	return o.err;
}
