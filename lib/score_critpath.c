/* score_critpath.c: agreement of workflow critical paths with a gammaray-synth truth file. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "critpath.h"

/* Latency agreement: within 1 ms or 1% of the truth. */
static bool latency_close(int64_t got, int64_t want)
{
	int64_t d = got > want ? got - want : want - got;

	return d <= 1000 || (double)d <= 0.01 * (double)want;
}

/* Compare one truth record with the graph's run of the same root. */
static void compare(const struct gr_graph *g, const struct gr_cp *cp, const struct gr_strmap *runs,
		    json_t *rec, struct gr_critpath_agreement *out)
{
	json_t *root = json_object_get(rec, "root"), *path = json_object_get(rec, "path");
	json_t *sink = json_object_get(rec, "sink");
	json_t *lat = json_object_get(rec, "latency_us");

	out->truth_roots++;
	if (!json_is_string(root))
		return;
	uint32_t *ri = gr_strmap_get(runs, json_string_value(root), json_string_length(root));
	if (!ri)
		return;
	out->found++;
	const struct gr_cp_run *run = &cp->runs[*ri];
	bool path_ok = json_is_array(path) && json_array_size(path) == run->nhop;
	for (size_t i = 0; path_ok && i < run->nhop; i++) {
		json_t *id = json_array_get(path, i);
		path_ok = json_is_string(id) &&
			  !strcmp(json_string_value(id), g->nodes[cp->hops[run->hop0 + i].node].id);
	}
	bool lat_ok = json_is_integer(lat) &&
		      latency_close(run->latency_us, (int64_t)json_integer_value(lat));
	out->path_ok += path_ok;
	out->latency_ok += lat_ok;
	out->agree += path_ok && lat_ok;
	out->exact += path_ok && json_is_string(sink) &&
		      !strcmp(json_string_value(sink), g->nodes[run->sink].id) &&
		      json_is_integer(lat) && json_integer_value(lat) == run->latency_us;
}

int gr_critpath_score(const char *truth, const char *graph, struct gr_critpath_agreement *out,
		      struct gr_stats *st, struct gr_error *err)
{
	struct gr_critpath_opts o;
	struct gr_graph t, g;
	struct gr_cp cp;
	struct gr_cp_opts co;
	struct gr_strmap runs = { 0 };
	int rc;

	memset(out, 0, sizeof(*out));
	memset(st, 0, sizeof(*st));
	gr_critpath_opts_init(&o);
	gr_graph_init(&t);
	gr_graph_init(&g);
	gr_cp_init(&cp);
	gr_cp_opts_init(&co);
	if ((rc = gr_critpath_read_graph(&o, &truth, 1, &t, st, err)) ||
	    (rc = gr_critpath_read_graph(&o, &graph, 1, &g, st, err)))
		goto done;
	if (st->reason[GR_LOST_UNREADABLE]) {
		rc = gr_error_set(err, GR_ERR_IO, "cannot read %s",
				  t.nnodes || t.nextra ? graph : truth);
		goto done;
	}
	if ((rc = gr_cp_workflow(&g, &co, &cp, err)))
		goto done;
	for (size_t i = 0; i < cp.nruns; i++) {
		const char *id = g.nodes[cp.runs[i].root].id;
		if (!gr_strmap_put(&runs, id, strlen(id), (uint32_t)i, NULL)) {
			rc = gr_error_set(err, GR_ERR_NOMEM, "out of memory");
			goto done;
		}
	}
	/* the truth's critpath records were kept verbatim as unknown record types */
	struct gr_strmap seen = { 0 };
	struct gr_arena keys = { 0 };
	for (size_t i = 0; i < t.nextra; i++) {
		if (!strstr(t.extra[i], "\"critpath\""))
			continue;
		json_t *rec = json_loads(t.extra[i], 0, NULL);
		json_t *type = json_object_get(rec, "type");
		if (json_is_string(type) && !strcmp(json_string_value(type), "critpath")) {
			compare(&g, &cp, &runs, rec, out);
			json_t *root = json_object_get(rec, "root");
			const char *k = json_is_string(root)
				? gr_arena_strdup(&keys, json_string_value(root), json_string_length(root))
				: NULL;
			if (k && !gr_strmap_put(&seen, k, json_string_length(root), 1, NULL))
				rc = GR_ERR_NOMEM;
		}
		json_decref(rec);
	}
	for (size_t i = 0; i < cp.nruns; i++) {
		const char *id = g.nodes[cp.runs[i].root].id;
		if (!gr_strmap_get(&seen, id, strlen(id)))
			out->extra++;
	}
	gr_strmap_release(&seen);
	gr_arena_release(&keys);
	if (rc)
		gr_error_set(err, rc, "out of memory");
done:
	gr_strmap_release(&runs);
	gr_cp_release(&cp);
	gr_graph_release(&t);
	gr_graph_release(&g);
	return rc;
}
