/* dot_attr.c: what every view shares: attributes, notes, the legend. */
#include <cgraph.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dot/dot.h"



/* --- attributes ---------------------------------------------------------------- */

void gr_dot_set(struct gr_dot_build *b, void *obj, const char *name, const char *value)
{
	(void)b;
	agsafeset(obj, (char *)name, (char *)value, "");
}

void gr_dot_set_text(struct gr_dot_build *b, void *obj, const char *name)
{
	if (b->t.len > (1u << 20)) {
		if (!b->err) {
			b->err = GR_ERR_LIMIT;
			snprintf(b->errmsg, sizeof(b->errmsg), "an attribute grew over 1 MiB");
		}
		return;
	}
	agsafeset(obj, (char *)name, b->t.data ? b->t.data : (char *)"", "");
}

void gr_dot_note(struct gr_dot_build *b, const char *name)
{
	Agnode_t *n = agnode(b->g, (char *)name, 1);

	gr_dot_set(b, n, "shape", "note");
	gr_dot_set(b, n, "fillcolor", "#fff7c2");
	gr_dot_set_text(b, n, "label");
}

/* Two point nodes joined by an edge that shows one edge style. */
static void legend_edge(struct gr_dot_build *b, Agraph_t *lg, int i, const char *label,
			const char *style, bool critical)
{
	char a[32], z[32];

	snprintf(a, sizeof(a), "legend_e%d", i);
	snprintf(z, sizeof(z), "legend_e%d_to", i);
	Agnode_t *na = agnode(lg, a, 1), *nz = agnode(lg, z, 1);
	gr_dot_set(b, na, "shape", "point");
	gr_dot_set(b, nz, "shape", "point");
	gr_dot_set(b, na, "label", "");
	gr_dot_set(b, nz, "label", "");
	Agedge_t *e = agedge(lg, na, nz, NULL, 1);
	gr_dot_set(b, e, "label", (char *)label);
	if (style)
		gr_dot_set(b, e, "style", (char *)style);
	if (critical) {
		gr_dot_set(b, e, "color", "#d00000");
		gr_dot_set(b, e, "penwidth", "3");
	}
}

static Agnode_t *legend_node(struct gr_dot_build *b, Agraph_t *lg, const char *name,
			     const char *label)
{
	Agnode_t *n = agnode(lg, (char *)name, 1);

	gr_dot_set(b, n, "label", label);
	return n;
}

void gr_dot_legend(struct gr_dot_build *b, bool functions)
{
	Agraph_t *lg = agsubg(b->g, "cluster_legend", 1);
	Agnode_t *n;

	gr_dot_set(b, lg, "label", "legend");
	gr_dot_set(b, lg, "style", "rounded");
	gr_dot_set(b, lg, "color", "#999999");
	if (functions) {
		legend_node(b, lg, "legend_fn",
			    b->o->prices ? "function\\ninvocations\\nduration p50, p95\\n"
					   "cold starts, errors\\ncost (gammaray-prices(5))"
					 : "function\\ninvocations\\nduration p50, p95\\ncold starts, errors");
		n = legend_node(b, lg, "legend_svc", "service resource\\n(bucket, table, queue...)");
		gr_dot_set(b, n, "shape", "cylinder");
		gr_dot_set(b, n, "fillcolor", "#e8f0e0");
		n = legend_node(b, lg, "legend_err", "function with errors\\nor timeouts");
		gr_dot_set(b, n, "fillcolor", "#f8c9c4");
		n = legend_node(b, lg, "legend_crit", "on a critical path");
	} else {
		legend_node(b, lg, "legend_inv",
			    "invocation\\nfunction, request id\\nstart in run, duration");
		n = legend_node(b, lg, "legend_cold", "cold start");
		gr_dot_set(b, n, "peripheries", "2");
		n = legend_node(b, lg, "legend_err", "error");
		gr_dot_set(b, n, "fillcolor", "#f8c9c4");
		n = legend_node(b, lg, "legend_timeout", "timeout");
		gr_dot_set(b, n, "fillcolor", "#fbd9a6");
		n = legend_node(b, lg, "legend_stub", "no record\\n(only named by an edge)");
		gr_dot_set(b, n, "style", "dashed,rounded");
		n = legend_node(b, lg, "legend_crit", "on a critical path");
	}
	gr_dot_set(b, n, "color", "#d00000");
	gr_dot_set(b, n, "penwidth", "3");
	legend_edge(b, lg, 1, "synchronous call", NULL, false);
	legend_edge(b, lg, 2, "asynchronous trigger", "dashed", false);
	legend_edge(b, lg, 3, "heuristic evidence\\n(confidence in tooltip)", "dotted", false);
	legend_edge(b, lg, 4, "critical path", NULL, true);
}
