/* score.c: gammaray-score: a graph stream against a gammaray-synth truth file, per edge kind. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/fpmap.h"
#include "gammaray.h"
#include "stream/graph.h"
#include "common/json_scan.h"
#include "common/jsonw.h"
#include "common/reader.h"

/* What a record reader returns when memory ran out: told apart from a bad record
 * by identity, not by its text. */
static const char NOMEM[] = "out of memory";

/* Truth edge values in the map: kind | XRAY | MATCHED. */
enum { SC_XRAY = 1 << 8, SC_MATCHED = 1 << 9, SC_OTEL = 1 << 10 };

/* A truth node, for the node agreement counts. */
struct sc_node {
	int64_t start, end;   /* times */
	uint64_t fn;          /* fingerprint of the function name */
	uint8_t status;       /* enum gr_status */
};

/* State of one scoring run. */
struct sc {
	const struct gr_score_opts *o;  /* options */
	struct gr_score *out;           /* the counts */
	struct gr_stats *st;            /* records read */
	struct gr_fpmap truth;      /* (from, to, kind) -> kind | flags */
	struct gr_fpmap found;      /* graph edges seen (duplicates counted once) */
	struct gr_fpmap nodes;      /* truth request id -> index into tnodes */
	struct gr_fpmap gnodes;     /* graph request ids seen */
	struct sc_node *tnodes;     /* truth nodes */
	size_t ntnodes, cap;        /* used, allocated */
};

/* Fields of a node or edge record. */
struct sc_rec {
	struct gr_jv type, id, fn, from, to, kind, xray, otel, start, end, status; /* the members */
};

static uint64_t fp_str(uint64_t h, const struct gr_jv *v)
{
	/* ids are plain ASCII: hash the raw text (escapes would only change spelling) */
	return gr_fp_mix(h, v->p, v->n);
}

static uint64_t edge_fp(const struct sc_rec *r, int kind)
{
	uint64_t h = fp_str(fp_str(0x2545F4914F6CDD1Dull, &r->from), &r->to);

	return gr_fp_fix(gr_fp_mix_u64(h, (uint64_t)kind));
}

static enum gr_status status_of(const struct gr_jv *v)
{
	if (gr_jv_is(v, "ok", 2))
		return GR_STATUS_OK;
	if (gr_jv_is(v, "error", 5))
		return GR_STATUS_ERROR;
	if (gr_jv_is(v, "timeout", 7))
		return GR_STATUS_TIMEOUT;
	return GR_STATUS_NONE;
}

static bool parse(const char *line, size_t n, struct sc_rec *r, const char **why)
{
	struct gr_js js;
	struct gr_jv k, v;
	int rc;

	memset(r, 0, sizeof(*r));
	if (!gr_js_begin(&js, line, n, false, 0)) {
		*why = js.err;
		return false;
	}
	while ((rc = gr_js_next(&js, &k, &v)) > 0) {
		struct gr_jv *dst = NULL;
		if (gr_jv_is(&k, "type", 4))
			dst = &r->type;
		else if (gr_jv_is(&k, "id", 2))
			dst = &r->id;
		else if (gr_jv_is(&k, "fn", 2))
			dst = &r->fn;
		else if (gr_jv_is(&k, "from", 4))
			dst = &r->from;
		else if (gr_jv_is(&k, "to", 2))
			dst = &r->to;
		else if (gr_jv_is(&k, "kind", 4))
			dst = &r->kind;
		else if (gr_jv_is(&k, "xray", 4))
			dst = &r->xray;
		else if (gr_jv_is(&k, "otel", 4))
			dst = &r->otel;
		else if (gr_jv_is(&k, "start_us", 8))
			dst = &r->start;
		else if (gr_jv_is(&k, "end_us", 6))
			dst = &r->end;
		else if (gr_jv_is(&k, "status", 6))
			dst = &r->status;
		if (dst)
			*dst = v;
	}
	*why = js.err;
	return rc == 0;
}

static int64_t int_of(const struct gr_jv *v)
{
	int64_t x;

	return gr_jv_int(v, &x) ? x : GR_TIME_UNKNOWN;
}

/* One record of the truth (truth true) or graph file. Returns NULL, or what was wrong. */
static const char *record(struct sc *sc, const struct sc_rec *r, bool truth, int *used)
{
	const char *hdr = truth ? "gammaray-truth" : "gammaray-graph";

	*used = 1;
	if (r->type.t != GR_JT_STR)
		return "record without a \"type\"";
	if (gr_jv_is(&r->type, hdr, strlen(hdr))) {
		*used = 0;
		sc->st->reason[GR_SKIP_STREAM_HEADER]++;
		return NULL;
	}
	if (gr_jv_is(&r->type, truth ? "gammaray-graph" : "gammaray-truth", 14))
		return truth ? "this is a graph stream, not a truth file (give the truth first)"
			     : "this is a truth file, not a graph stream";
	if (gr_jv_is(&r->type, "gammaray-events", 15))
		return "this is an event stream: run gammaray-infer on it first";
	if (gr_jv_is(&r->type, "edge", 4)) {
		if (r->from.t != GR_JT_STR || r->to.t != GR_JT_STR || r->kind.t != GR_JT_STR)
			return "edge without \"from\", \"to\" and \"kind\"";
		int kind = gr_kind_parse(r->kind.p, r->kind.n);
		if (!kind)
			return "edge of an unknown kind";
		uint64_t fp = edge_fp(r, kind);
		int added;
		if (truth) {
			uint32_t v = (uint32_t)kind | (r->xray.t == GR_JT_TRUE ? SC_XRAY : 0) |
				     (r->otel.t == GR_JT_TRUE ? SC_OTEL : 0);
			if (!gr_fpmap_put(&sc->truth, fp, v, &added))
				return NOMEM;
			return NULL;
		}
		if (!gr_fpmap_put(&sc->found, fp, (uint32_t)kind, &added))
			return NOMEM;
		if (!added)
			return NULL; /* the same edge twice counts once */
		sc->out->kind[kind].found++;
		sc->out->all.found++;
		uint32_t *t = gr_fpmap_get(&sc->truth, fp);
		if (t) {
			sc->out->kind[kind].found_ok++;
			sc->out->all.found_ok++;
			*t |= SC_MATCHED;
		}
		return NULL;
	}
	if (gr_jv_is(&r->type, "node", 4)) {
		if (r->id.t != GR_JT_STR)
			return "node without an \"id\"";
		uint64_t fp = gr_fp_fix(fp_str(0x9E3779B97F4A7C15ull, &r->id));
		uint64_t fn = r->fn.t == GR_JT_STR ? gr_fp_fix(fp_str(1, &r->fn)) : 0;
		int added;
		if (truth) {
			if (sc->ntnodes == sc->cap) {
				size_t cap = sc->cap ? sc->cap * 2 : 1024;
				struct sc_node *p = realloc(sc->tnodes, cap * sizeof(*p));
				if (!p)
					return NOMEM;
				sc->tnodes = p;
				sc->cap = cap;
			}
			if (!gr_fpmap_put(&sc->nodes, fp, (uint32_t)sc->ntnodes, &added))
				return NOMEM;
			if (!added)
				return NULL;
			sc->tnodes[sc->ntnodes++] = (struct sc_node){ int_of(&r->start), int_of(&r->end),
								     fn, (uint8_t)status_of(&r->status) };
			sc->out->truth_nodes++;
			return NULL;
		}
		if (!gr_fpmap_put(&sc->gnodes, fp, 0, &added))
			return NOMEM;
		if (!added)
			return NULL;
		sc->out->graph_nodes++;
		uint32_t *ix = gr_fpmap_get(&sc->nodes, fp);
		if (!ix)
			return NULL;
		const struct sc_node *t = &sc->tnodes[*ix];
		int64_t s = int_of(&r->start), e = int_of(&r->end);
		sc->out->common_nodes++;
		sc->out->status_agree += t->status == status_of(&r->status);
		sc->out->fn_agree += t->fn == fn;
		sc->out->time_agree += s != GR_TIME_UNKNOWN && e != GR_TIME_UNKNOWN &&
				       llabs(s - t->start) <= 1000 && llabs(e - t->end) <= 1000;
		return NULL;
	}
	/* critical paths, unmatched evidence...: not scored here */
	*used = 0;
	sc->st->reason[GR_SKIP_UNUSED]++;
	return NULL;
}

static int read_file(struct sc *sc, const char *path, bool truth, struct gr_error *err)
{
	struct gr_reader r;
	const char *line;
	size_t n;
	int rc;

	sc->st->files++;
	if ((rc = gr_reader_open(&r, path, err))) {
		sc->st->reason[GR_LOST_UNREADABLE]++;
		return rc;
	}
	while ((rc = gr_reader_line(&r, &line, &n)) != 0) {
		struct sc_rec rec;
		const char *why = NULL;
		int used;
		if (rc == GR_ERR_LIMIT) {
			sc->st->records_in++;
			sc->st->reason[GR_LOST_LINE_LIMIT]++;
			continue;
		}
		if (rc < 0) {
			*err = r.errinfo;
			break;
		}
		while (n && (line[n - 1] == '\r' || line[n - 1] == ' '))
			n--;
		if (!n)
			continue;
		sc->st->records_in++;
		if (!parse(line, n, &rec, &why)) {
			sc->st->reason[GR_LOST_JSON]++;
			rc = gr_error_set(err, GR_ERR_JSON, "malformed JSON: %s", why);
			gr_error_at(err, path, r.lineno);
			break;
		}
		if ((why = record(sc, &rec, truth, &used))) {
			sc->st->reason[GR_LOST_BAD_RECORD]++;
			rc = gr_error_set(err, why != NOMEM ? GR_ERR_FORMAT
									: GR_ERR_NOMEM, "%s", why);
			gr_error_at(err, path, r.lineno);
			break;
		}
		sc->st->records_out += (uint64_t)used;
	}
	sc->st->bytes_in += r.bytes_in;
	sc->st->bytes += gr_reader_offset(&r);
	gr_reader_release(&r);
	return rc < 0 ? rc : 0;
}

int gr_score_run(const struct gr_score_opts *o, const char *truth, const char *graph,
		 struct gr_score *out, struct gr_stats *st, struct gr_error *err)
{
	struct sc sc = { .o = o, .out = out, .st = st };
	int rc;

	memset(out, 0, sizeof(*out));
	memset(st, 0, sizeof(*st));
	if (!(rc = read_file(&sc, truth, true, err)))
		rc = read_file(&sc, graph, false, err);
	if (!rc) {
		for (size_t i = 0; i < sc.truth.cap; i++) {
			if (!sc.truth.keys[i])
				continue;
			uint32_t v = sc.truth.vals[i];
			int kind = (int)(v & 0xff);
			if ((o->xray_only && !(v & SC_XRAY)) || (o->otel_only && !(v & SC_OTEL)))
				continue;
			out->kind[kind].truth++;
			out->all.truth++;
			if (v & SC_MATCHED) {
				out->kind[kind].truth_ok++;
				out->all.truth_ok++;
			}
		}
	}
	gr_fpmap_release(&sc.truth);
	gr_fpmap_release(&sc.found);
	gr_fpmap_release(&sc.nodes);
	gr_fpmap_release(&sc.gnodes);
	free(sc.tnodes);
	return rc;
}

double gr_score_precision(const struct gr_score_row *r)
{
	return r->found ? (double)r->found_ok / (double)r->found : 1.0;
}

double gr_score_recall(const struct gr_score_row *r)
{
	return r->truth ? (double)r->truth_ok / (double)r->truth : 1.0;
}

/* --- the report: one function per section, in order (critical paths go after) --- */

static void row_text(struct gr_buf *b, const char *name, const struct gr_score_row *r)
{
	gr_buf_addf(b, "%-10s %10llu %10llu %10llu %10.4f %10.4f\n", name,
		    (unsigned long long)r->truth, (unsigned long long)r->found,
		    (unsigned long long)r->found_ok, gr_score_precision(r), gr_score_recall(r));
}

static void edges_text(struct gr_buf *b, const struct gr_score *s, const struct gr_score_opts *o)
{
	gr_buf_addf(b, "edges (match on from, to, kind%s)\n",
		    o->xray_only ? "; recall over the edges X-Ray shows" :
		    o->otel_only ? "; recall over the edges spans show" : "");
	gr_buf_addf(b, "%-10s %10s %10s %10s %10s %10s\n", "kind", "truth", "found", "correct",
		    "precision", "recall");
	for (int k = 1; k < GR_INFER_KINDS; k++)
		if (s->kind[k].truth || s->kind[k].found)
			row_text(b, gr_kind_name((enum gr_kind)k), &s->kind[k]);
	row_text(b, "all", &s->all);
}

static void nodes_text(struct gr_buf *b, const struct gr_score *s, const struct gr_score_opts *o)
{
	(void)o;
	gr_buf_addf(b, "nodes: truth %llu, graph %llu, in both %llu; of those the same status "
		    "%llu, function %llu, start and end within 1 ms %llu\n",
		    (unsigned long long)s->truth_nodes, (unsigned long long)s->graph_nodes,
		    (unsigned long long)s->common_nodes, (unsigned long long)s->status_agree,
		    (unsigned long long)s->fn_agree, (unsigned long long)s->time_agree);
}

static void row_json(struct gr_jw *w, const char *name, const struct gr_score_row *r)
{
	char num[32];
	int n;

	gr_jw_obj(w, name);
	gr_jw_int(w, "truth", (int64_t)r->truth);
	gr_jw_int(w, "found", (int64_t)r->found);
	gr_jw_int(w, "correct", (int64_t)r->found_ok);
	gr_jw_int(w, "recalled", (int64_t)r->truth_ok);
	n = snprintf(num, sizeof(num), "%.6f", gr_score_precision(r));
	gr_jw_raw(w, "precision", num, (size_t)n);
	n = snprintf(num, sizeof(num), "%.6f", gr_score_recall(r));
	gr_jw_raw(w, "recall", num, (size_t)n);
	gr_jw_obj_end(w);
}

static void edges_json(struct gr_jw *w, const struct gr_score *s, const struct gr_score_opts *o)
{
	gr_jw_bool(w, "xray_only", o->xray_only);
	if (o->otel_only)
		gr_jw_bool(w, "otel_only", true);
	gr_jw_obj(w, "edges");
	for (int k = 1; k < GR_INFER_KINDS; k++)
		if (s->kind[k].truth || s->kind[k].found)
			row_json(w, gr_kind_name((enum gr_kind)k), &s->kind[k]);
	row_json(w, "all", &s->all);
	gr_jw_obj_end(w);
}

static void nodes_json(struct gr_jw *w, const struct gr_score *s, const struct gr_score_opts *o)
{
	(void)o;
	gr_jw_obj(w, "nodes");
	gr_jw_int(w, "truth", (int64_t)s->truth_nodes);
	gr_jw_int(w, "graph", (int64_t)s->graph_nodes);
	gr_jw_int(w, "common", (int64_t)s->common_nodes);
	gr_jw_int(w, "same_status", (int64_t)s->status_agree);
	gr_jw_int(w, "same_fn", (int64_t)s->fn_agree);
	gr_jw_int(w, "same_times", (int64_t)s->time_agree);
	gr_jw_obj_end(w);
}

/* The sections of the report, in order. */
static const struct {
	void (*text)(struct gr_buf *b, const struct gr_score *s, const struct gr_score_opts *o);
	void (*json)(struct gr_jw *w, const struct gr_score *s, const struct gr_score_opts *o);
} sections[] = {
	{ edges_text, edges_json },
	{ nodes_text, nodes_json },
};

int gr_score_report(const struct gr_score *s, const struct gr_score_opts *o, bool json,
		    int (*write)(void *ctx, const char *data, size_t len), void *ctx)
{
	struct gr_buf b = GR_BUF_INIT;
	struct gr_jw w;
	int rc;

	gr_jw_init(&w, &b);
	if (json)
		gr_jw_begin(&w);
	for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++) {
		if (json)
			sections[i].json(&w, s, o);
		else
			sections[i].text(&b, s, o);
	}
	if (json)
		gr_jw_end(&w);
	rc = w.err ? w.err : write(ctx, b.data ? b.data : "", b.len);
	gr_buf_release(&b);
	return rc;
}
