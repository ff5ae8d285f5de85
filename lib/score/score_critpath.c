/* score_critpath.c: agreement of workflow critical paths with a gammaray-synth truth file. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "critpath/critpath.h"
#include "common/json_scan.h"
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

/*
 * The members of a truth critpath record or a --json run that scoring reads, as
 * slices (the last of duplicate keys, as jansson's json_object_get; t GR_JT_NONE
 * when absent). Strings are decoded onto dec, sized for the whole record.
 */
struct cprec {
	struct gr_jv type, root, sink, latency, path; /* the members */
	struct gr_buf dec;                            /* decoded strings */
};

/* Scan the object p[0..n) into c: 0, GR_ERR_JSON when the scanner refused it
 * (js->err), GR_ERR_NOMEM. trusted: the text is known to be JSON. */
static int cprec_scan(struct cprec *c, const char *p, size_t n, bool trusted, struct gr_js *js)
{
	struct gr_jv k, v;
	int rc;

	c->type.t = c->root.t = c->sink.t = c->latency.t = c->path.t = GR_JT_NONE;
	gr_buf_reset(&c->dec);
	if (gr_buf_grow(&c->dec, n + 1))
		return GR_ERR_NOMEM;
	if (!gr_js_begin(js, p, n, false, 512))
		return GR_ERR_JSON;
	js->exact = true;
	js->trusted = trusted;
	while ((rc = gr_js_next(js, &k, &v)) > 0) {
		char d[64]; /* an escaped key, decoded: ours have at most 10 bytes */
		struct gr_str key = { k.p, k.n };
		if (k.esc) {
			if (k.n > sizeof(d))
				continue;
			key.n = gr_js_unescape(k.p, k.n, d);
			key.p = d;
		}
		struct gr_jv *dst = key.n == 4 && !memcmp(key.p, "type", 4) ? &c->type
			: key.n == 4 && !memcmp(key.p, "root", 4) ? &c->root
			: key.n == 4 && !memcmp(key.p, "sink", 4) ? &c->sink
			: key.n == 4 && !memcmp(key.p, "path", 4) ? &c->path
			: key.n == 10 && !memcmp(key.p, "latency_us", 10) ? &c->latency : NULL;
		if (dst)
			*dst = v;
	}
	return rc < 0 ? GR_ERR_JSON : 0;
}

/* A JSON integer (json_is_integer: no fraction, no exponent) into *x. */
static bool jv_integer(const struct gr_jv *v, int64_t *x)
{
	if (v->t != GR_JT_NUM || memchr(v->p, '.', v->n) || memchr(v->p, 'e', v->n) ||
	    memchr(v->p, 'E', v->n))
		return false;
	return gr_jv_int(v, x);
}

/* Is the string value v (decoded) exactly s? */
static bool jv_equals(const struct gr_jv *v, struct gr_buf *dec, const char *s)
{
	struct gr_str t = gr_jv_text(v, dec);

	return t.p && t.n == strlen(s) && !memcmp(t.p, s, t.n);
}

/* Compare one truth record with the run of the same root. */
static void compare(const struct runs *r, struct cprec *c, struct gr_critpath_agreement *out)
{
	int64_t lat;
	bool lat_int = jv_integer(&c->latency, &lat);

	out->truth_roots++;
	struct gr_str root = gr_jv_text(&c->root, &c->dec);
	if (!root.p)
		return;
	uint32_t *ri = gr_strmap_get(&r->roots, root.p, root.n);
	if (!ri)
		return;
	out->found++;
	const struct got *g = &r->v[*ri];
	bool path_ok = c->path.t == GR_JT_ARR;
	if (path_ok) {
		struct gr_js it;
		struct gr_jv el;
		size_t i = 0;
		gr_js_begin(&it, c->path.p, c->path.n, true, 0);
		it.trusted = true;
		while (gr_js_next_elem(&it, &el) > 0) {
			path_ok = path_ok && i < g->np && jv_equals(&el, &c->dec, r->ids[g->p0 + i]);
			i++;
		}
		path_ok = path_ok && i == g->np;
	}
	bool lat_ok = lat_int && latency_close(g->latency_us, lat);
	out->path_ok += path_ok;
	out->latency_ok += lat_ok;
	out->agree += path_ok && lat_ok;
	out->exact += path_ok && jv_equals(&c->sink, &c->dec, g->sink) && lat_int &&
		      lat == g->latency_us;
}

/* Every critpath record of the truth (kept verbatim by the graph reader) against r. */
static int score(const struct gr_graph *t, const struct runs *r, struct gr_critpath_agreement *out,
		 struct gr_error *err)
{
	struct gr_strmap seen = { 0 };
	struct gr_arena keys = { 0 };
	int rc = 0;

	struct cprec c = { .dec = GR_BUF_INIT };
	for (size_t i = 0; i < t->nextra && !rc; i++) {
		if (!strstr(t->extra[i], "\"critpath\""))
			continue;
		/* kept by the graph reader: JSON it took */
		struct gr_js js;
		const char *x = t->extra[i];
		int src = cprec_scan(&c, x, strlen(x), true, &js);
		if (src == GR_ERR_NOMEM) {
			rc = src;
			break;
		}
		if (src < 0 || !jv_equals(&c.type, &c.dec, "critpath"))
			continue;
		compare(r, &c, out);
		struct gr_str root = gr_jv_text(&c.root, &c.dec);
		if (!root.p)
			continue;
		const char *k = gr_arena_strdup(&keys, root.p, root.n);
		if (!k || !gr_strmap_put(&seen, k, root.n, 1, NULL))
			rc = GR_ERR_NOMEM;
	}
	gr_buf_release(&c.dec);
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
static const char *read_run(struct runs *r, struct cprec *c, int *rc)
{
	struct gr_str root = gr_jv_text(&c->root, &c->dec), sink = gr_jv_text(&c->sink, &c->dec);
	int64_t lat;

	if (!root.p || !sink.p || !jv_integer(&c->latency, &lat) || c->path.t != GR_JT_ARR)
		return "not a gammaray-critpath --json run (root, sink, latency_us, path)";
	const char *a = gr_arena_strdup(&r->arena, root.p, root.n);
	const char *b = gr_arena_strdup(&r->arena, sink.p, sink.n);
	if (!a || !b || (*rc = runs_add(r, a, b, lat)))
		goto oom;
	struct gr_js it;
	struct gr_jv h;
	gr_js_begin(&it, c->path.p, c->path.n, true, 0);
	it.trusted = true;
	while (gr_js_next_elem(&it, &h) > 0) {
		struct gr_jv id = { .t = GR_JT_NONE }, k, v;
		struct gr_js o;
		if (h.t == GR_JT_OBJ && gr_js_begin(&o, h.p, h.n, false, 0)) {
			o.trusted = true;
			while (gr_js_next(&o, &k, &v) > 0) {
				char d[64]; /* an escaped key, decoded */
				if (k.esc && k.n <= sizeof(d)) {
					k.n = gr_js_unescape(k.p, k.n, d);
					k.p = d;
					k.esc = false;
				}
				if (gr_jv_is(&k, "id", 2))
					id = v;
			}
		}
		struct gr_str s = gr_jv_text(&id, &c->dec);
		const char *hop = s.p ? gr_arena_strdup(&r->arena, s.p, s.n) : "";
		if (!hop || (*rc = runs_hop(r, hop)))
			goto oom;
	}
	return NULL;
oom:
	*rc = GR_ERR_NOMEM;
	return NULL;
}

/*
 * Does line[0..n) hold a "\u0000" escape? jansson refuses one anywhere, the
 * scanner only in keys.
 */
static bool has_u0000(const char *line, size_t n)
{
	const char *p = line, *end = line + n;

	while ((p = memchr(p, '\\', (size_t)(end - p)))) {
		if (end - p >= 6 && !memcmp(p, "\\u0000", 6))
			return true;
		p += 2; /* the escaped byte, a backslash included, is not an escape */
		if (p >= end)
			break;
	}
	return false;
}

int gr_critpath_score_json(const char *truth, const char *runs, struct gr_critpath_agreement *out,
			   struct gr_stats *st, struct gr_error *err)
{
	struct gr_graph t;
	struct runs r = { 0 };
	struct cprec c = { .dec = GR_BUF_INIT };
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
		rc = 0; /* not the reader's 1: a bad line is counted and named below */
		/* the scanner; jansson decides (and words why) for lines it refuses */
		struct gr_js js;
		const char *bad = NULL;
		bool json = true;
		int src = cprec_scan(&c, line, n, false, &js);
		if (src == GR_ERR_NOMEM) {
			rc = src;
			break;
		}
		if (src < 0 || has_u0000(line, n)) {
			json_error_t jerr;
			json_t *o = json_loadb(line, n, 0, &jerr);
			json = o != NULL;
			if (!o)
				bad = jerr.text;
			else if (!json_is_object(o))
				bad = "not a gammaray-critpath --json run (root, sink, latency_us, path)";
			else if (src < 0 && cprec_scan(&c, line, n, true, &js) < 0)
				bad = js.err; /* jansson took what the scanner cannot read */
			json_decref(o);
		}
		if (!bad)
			bad = read_run(&r, &c, &rc);
		if (rc)
			break;
		if (bad) {
			st->reason[json ? GR_LOST_BAD_RECORD : GR_LOST_JSON]++;
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
	gr_buf_release(&c.dec);
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
