/* score_critpath.c: agreement of workflow critical paths with a gammaray-synth truth file. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "critpath/critpath.h"
#include "common/reader.h"

/* The runs to score, by root id: from a graph (computed) or a --json output (read). */
struct runs {
	struct gr_arena arena;  /* ids read from JSON */
	struct gr_strmap roots; /* root id -> index into v */
	struct got {
		const char *root, *sink; /* request ids */
		int64_t latency_us;      /* its latency */
		size_t p0, np;           /* path ids[p0 .. p0+np) */
	} *v;                   /* the runs */
	size_t n, cap;          /* used, allocated */
	const char **ids;       /* every run's path, root to sink */
	size_t nids, cap_ids;   /* used, allocated */
};

static void runs_release(struct runs *r)
{
	gr_arena_release(&r->arena);
	gr_strmap_release(&r->roots);
	free(r->v);
	free(r->ids);
}

/* Add a run (strings must outlive r); a repeated root keeps the first. */
static int runs_add(struct runs *r, const char *root, const char *sink, int64_t lat)
{
	int added;

	if (GR_GROW(r->v, r->n, r->cap))
		return GR_ERR_NOMEM;
	if (!gr_strmap_put(&r->roots, root, strlen(root), (uint32_t)r->n, &added))
		return GR_ERR_NOMEM;
	r->v[r->n] = (struct got){ root, sink, lat, r->nids, 0 };
	if (added)
		r->n++;
	return 0;
}

static int runs_hop(struct runs *r, const char *id)
{
	if (GR_GROW(r->ids, r->nids, r->cap_ids))
		return GR_ERR_NOMEM;
	r->ids[r->nids++] = id;
	r->v[r->n - 1].np++;
	return 0;
}

/* Latency agreement: within 1 ms or 1% of the truth. */
static bool latency_close(int64_t got, int64_t want)
{
	int64_t d = got > want ? got - want : want - got;

	return d <= 1000 || (double)d <= 0.01 * (double)want;
}

/* Compare one truth record with the run of the same root. */
static void compare(const struct runs *r, json_t *rec, struct gr_critpath_agreement *out)
{
	json_t *root = json_object_get(rec, "root"), *path = json_object_get(rec, "path");
	json_t *sink = json_object_get(rec, "sink");
	json_t *lat = json_object_get(rec, "latency_us");

	out->truth_roots++;
	if (!json_is_string(root))
		return;
	uint32_t *ri = gr_strmap_get(&r->roots, json_string_value(root), json_string_length(root));
	if (!ri)
		return;
	out->found++;
	const struct got *g = &r->v[*ri];
	bool path_ok = json_is_array(path) && json_array_size(path) == g->np;
	for (size_t i = 0; path_ok && i < g->np; i++) {
		json_t *id = json_array_get(path, i);
		path_ok = json_is_string(id) && !strcmp(json_string_value(id), r->ids[g->p0 + i]);
	}
	bool lat_ok = json_is_integer(lat) && latency_close(g->latency_us, json_integer_value(lat));
	out->path_ok += path_ok;
	out->latency_ok += lat_ok;
	out->agree += path_ok && lat_ok;
	out->exact += path_ok && json_is_string(sink) && !strcmp(json_string_value(sink), g->sink) &&
		      json_is_integer(lat) && json_integer_value(lat) == g->latency_us;
}

/* Every critpath record of the truth (kept verbatim by the graph reader) against r. */
static int score(const struct gr_graph *t, const struct runs *r, struct gr_critpath_agreement *out,
		 struct gr_error *err)
{
	struct gr_strmap seen = { 0 };
	struct gr_arena keys = { 0 };
	int rc = 0;

	for (size_t i = 0; i < t->nextra && !rc; i++) {
		if (!strstr(t->extra[i], "\"critpath\""))
			continue;
		json_t *rec = json_loads(t->extra[i], 0, NULL);
		json_t *type = json_object_get(rec, "type");
		if (json_is_string(type) && !strcmp(json_string_value(type), "critpath")) {
			compare(r, rec, out);
			json_t *root = json_object_get(rec, "root");
			const char *k = json_is_string(root)
				? gr_arena_strdup(&keys, json_string_value(root), json_string_length(root))
				: NULL;
			if (json_is_string(root) &&
			    (!k || !gr_strmap_put(&seen, k, json_string_length(root), 1, NULL)))
				rc = GR_ERR_NOMEM;
		}
		json_decref(rec);
	}
	for (size_t i = 0; i < r->n && !rc; i++)
		if (!gr_strmap_get(&seen, r->v[i].root, strlen(r->v[i].root)))
			out->extra++;
	gr_strmap_release(&seen);
	gr_arena_release(&keys);
	return rc ? gr_error_set(err, rc, "out of memory") : 0;
}

static int read_one(const char *path, struct gr_graph *g, struct gr_stats *st, struct gr_error *err)
{
	struct gr_critpath_opts o;
	int rc;

	gr_critpath_opts_init(&o);
	rc = gr_critpath_read_graph(&o, &path, 1, g, st, err);
	if (!rc && st->reason[GR_LOST_UNREADABLE])
		rc = gr_error_set(err, GR_ERR_IO, "cannot read %s", path);
	return rc;
}

int gr_critpath_score(const char *truth, const char *graph, struct gr_critpath_agreement *out,
		      struct gr_stats *st, struct gr_error *err)
{
	struct gr_graph t, g;
	struct gr_cp cp;
	struct gr_cp_opts co;
	struct runs r = { 0 };
	int rc;

	memset(out, 0, sizeof(*out));
	memset(st, 0, sizeof(*st));
	gr_graph_init(&t);
	gr_graph_init(&g);
	gr_cp_init(&cp);
	gr_cp_opts_init(&co);
	if ((rc = read_one(truth, &t, st, err)) || (rc = read_one(graph, &g, st, err)) ||
	    (rc = gr_cp_workflow(&g, &co, &cp, err)))
		goto done;
	for (size_t i = 0; i < cp.nruns && !rc; i++) {
		const struct gr_cp_run *run = &cp.runs[i];
		rc = runs_add(&r, g.nodes[run->root].id, g.nodes[run->sink].id, run->latency_us);
		for (uint32_t h = 0; h < run->nhop && !rc; h++)
			rc = runs_hop(&r, g.nodes[cp.hops[run->hop0 + h].node].id);
	}
	rc = rc ? gr_error_set(err, rc, "out of memory") : score(&t, &r, out, err);
done:
	runs_release(&r);
	gr_cp_release(&cp);
	gr_graph_release(&t);
	gr_graph_release(&g);
	return rc;
}

/* One line of gammaray-critpath --json: root, sink, latency_us, path[].id. */
static const char *read_run(struct runs *r, json_t *o, int *rc)
{
	json_t *root = json_object_get(o, "root"), *sink = json_object_get(o, "sink");
	json_t *lat = json_object_get(o, "latency_us"), *path = json_object_get(o, "path"), *h;
	size_t i;

	if (!json_is_string(root) || !json_is_string(sink) || !json_is_integer(lat) ||
	    !json_is_array(path))
		return "not a gammaray-critpath --json run (root, sink, latency_us, path)";
	const char *a = gr_arena_strdup(&r->arena, json_string_value(root), json_string_length(root));
	const char *b = gr_arena_strdup(&r->arena, json_string_value(sink), json_string_length(sink));
	if (!a || !b || (*rc = runs_add(r, a, b, json_integer_value(lat))))
		goto oom;
	json_array_foreach(path, i, h) {
		json_t *id = json_object_get(h, "id");
		const char *c = json_is_string(id)
			? gr_arena_strdup(&r->arena, json_string_value(id), json_string_length(id))
			: "";
		if (!c || (*rc = runs_hop(r, c)))
			goto oom;
	}
	return NULL;
oom:
	*rc = GR_ERR_NOMEM;
	return NULL;
}

int gr_critpath_score_json(const char *truth, const char *runs, struct gr_critpath_agreement *out,
			   struct gr_stats *st, struct gr_error *err)
{
	struct gr_graph t;
	struct runs r = { 0 };
	struct gr_reader rd;
	const char *line;
	size_t n;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(st, 0, sizeof(*st));
	gr_graph_init(&t);
	if ((rc = read_one(truth, &t, st, err)))
		goto done;
	st->files++;
	if ((rc = gr_reader_open(&rd, runs, err)))
		goto done;
	while ((rc = gr_reader_line(&rd, &line, &n)) > 0) {
		if (!n)
			continue;
		st->records_in++;
		json_error_t jerr;
		json_t *o = json_loadb(line, n, 0, &jerr);
		const char *bad = o ? read_run(&r, o, &rc) : jerr.text;
		json_decref(o);
		if (rc)
			break;
		if (bad) {
			st->reason[o ? GR_LOST_BAD_RECORD : GR_LOST_JSON]++;
			rc = gr_error_set(err, GR_ERR_FORMAT, "%s", bad);
			gr_error_at(err, rd.name, rd.lineno);
			break;
		}
		st->records_out++;
	}
	if (rc < 0 && rc != GR_ERR_FORMAT && rc != GR_ERR_NOMEM)
		*err = rd.errinfo;
	gr_reader_release(&rd);
	if (rc == GR_ERR_NOMEM)
		gr_error_set(err, rc, "out of memory");
	if (!rc)
		rc = score(&t, &r, out, err);
done:
	runs_release(&r);
	gr_graph_release(&t);
	return rc;
}

double gr_critpath_agreement_share(const struct gr_critpath_agreement *a)
{
	return a->truth_roots ? (double)a->agree / (double)a->truth_roots : 1.0;
}

int gr_critpath_agreement_report(const struct gr_critpath_agreement *a, bool json,
				 int (*write)(void *ctx, const char *data, size_t len), void *ctx)
{
	struct gr_buf b = GR_BUF_INIT;
	struct gr_jw w;
	char share[32];
	int rc;

	snprintf(share, sizeof(share), "%.4f", gr_critpath_agreement_share(a));
	if (json) {
		gr_jw_init(&w, &b);
		gr_jw_begin(&w);
		gr_jw_obj(&w, "critpath");
		gr_jw_int(&w, "truth_roots", (int64_t)a->truth_roots);
		gr_jw_int(&w, "found", (int64_t)a->found);
		gr_jw_int(&w, "path_ok", (int64_t)a->path_ok);
		gr_jw_int(&w, "latency_ok", (int64_t)a->latency_ok);
		gr_jw_int(&w, "agree", (int64_t)a->agree);
		gr_jw_int(&w, "exact", (int64_t)a->exact);
		gr_jw_int(&w, "extra", (int64_t)a->extra);
		gr_jw_raw(&w, "share", share, strlen(share));
		gr_jw_obj_end(&w);
		gr_jw_end(&w);
		rc = w.err;
	} else {
		rc = gr_buf_addf(&b,
				 "critical paths (same path, latency within 1 ms or 1%%)\n"
				 "roots %llu, found %llu, same path %llu, same latency %llu, both %llu "
				 "(%s), exact %llu; runs of other roots %llu\n",
				 (unsigned long long)a->truth_roots, (unsigned long long)a->found,
				 (unsigned long long)a->path_ok, (unsigned long long)a->latency_ok,
				 (unsigned long long)a->agree, share, (unsigned long long)a->exact,
				 (unsigned long long)a->extra);
	}
	if (!rc)
		rc = write(ctx, b.data ? b.data : "", b.len);
	gr_buf_release(&b);
	return rc;
}
