/* test_synth.c: gammaray-synth invariants: causes before effects, evidence for every truth edge, determinism. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <dirent.h>
#include <ftw.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "gammaray.h"
#include "common/jsonw.h"
#include "synth/synth.h"

/* ---------------------------------------------------------------------------
 * Helpers: generate into a temporary directory, read everything back.
 */
static int rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static void rm_rf(const char *dir)
{
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

struct run {
	char dir[256];              /* output directory */
	struct gr_synth_stats st;   /* what it says it wrote */
};

static void opts_small(struct gr_synth_opts *o, const char *app, uint64_t runs)
{
	gr_synth_opts_init(o);
	o->app = app;
	o->runs = runs;
	o->sample_rate = 1.0;
	o->error_rate = 0.08;
	o->timeout_rate = 0.02;
	o->chunk_events = 200; /* several files for busy streams, shuffled */
	o->jobs = 1;
}

static void gen(struct run *r, struct gr_synth_opts *o)
{
	struct gr_error err;

	const char *tmp = getenv("TMPDIR");
	snprintf(r->dir, sizeof(r->dir), "%s/gr-synth-test-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	cr_assert_not_null(mkdtemp(r->dir));
	o->out_dir = r->dir;
	int rc = gr_synth_run(o, &r->st, &err);
	cr_assert_eq(rc, 0, "gr_synth_run: %s", err.msg);
}

static char *slurp_gz(const char *path, size_t *len)
{
	gzFile f = gzopen(path, "rb");
	size_t cap = 1 << 16, n = 0;
	char *b = malloc(cap);
	int k;

	cr_assert_not_null(f, "gzopen %s", path);
	while ((k = gzread(f, b + n, (unsigned)(cap - n - 1))) > 0) {
		n += (size_t)k;
		if (cap - n < 4096)
			b = realloc(b, cap *= 2);
	}
	int errnum;
	gzerror(f, &errnum);
	cr_assert(k == 0 && errnum == Z_OK, "%s does not decompress", path);
	gzclose(f);
	b[n] = '\0';
	*len = n;
	return b;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	cr_assert_not_null(f, "open %s", path);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *b = malloc((size_t)n + 1);
	cr_assert_eq(fread(b, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	b[n] = '\0';
	if (len)
		*len = (size_t)n;
	return b;
}

/* Every regular file under dir, relative paths, sorted. */
struct files {
	char **p;        /* relative paths */
	size_t n, cap;   /* used, allocated */
};

static void list_rec(const char *root, const char *rel, struct files *fl)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s%s%s", root, *rel ? "/" : "", rel);
	DIR *d = opendir(path);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char sub[4096], full[8192];
		snprintf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "", e->d_name);
		snprintf(full, sizeof(full), "%s/%s", root, sub);
		struct stat sb;
		cr_assert_eq(stat(full, &sb), 0);
		if (S_ISDIR(sb.st_mode)) {
			list_rec(root, sub, fl);
		} else {
			if (fl->n == fl->cap)
				fl->p = realloc(fl->p, (fl->cap = fl->cap ? fl->cap * 2 : 64) *
							       sizeof(*fl->p));
			fl->p[fl->n++] = strdup(sub);
		}
	}
	closedir(d);
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static struct files list_files(const char *root)
{
	struct files fl = { 0 };
	list_rec(root, "", &fl);
	qsort(fl.p, fl.n, sizeof(*fl.p), str_cmp);
	return fl;
}

static void files_free(struct files *fl)
{
	for (size_t i = 0; i < fl->n; i++)
		free(fl->p[i]);
	free(fl->p);
}

static bool ends_with(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);
	return a >= b && !strcmp(s + a - b, suf);
}

/* --- truth ----------------------------------------------------------------- */
struct truth {
	json_t *header;                  /* the gammaray-truth line */
	json_t **nodes, **edges, **cps;  /* node, edge and critpath records, in file order */
	size_t nn, ne, ncp;              /* their counts */
};

static void truth_load(const char *dir, struct truth *t)
{
	char path[512];
	size_t len;

	memset(t, 0, sizeof(*t));
	snprintf(path, sizeof(path), "%s/truth.ndjson", dir);
	char *b = slurp(path, &len);
	size_t cap = 1024;
	t->nodes = malloc(cap * sizeof(json_t *));
	t->edges = malloc(cap * sizeof(json_t *));
	t->cps = malloc(cap * sizeof(json_t *));
	size_t cn = cap, ce = cap, cc = cap;
	char *p = b;
	while (*p) {
		char *nl = strchr(p, '\n');
		cr_assert_not_null(nl, "truth line without newline");
		json_error_t je;
		json_t *o = json_loadb(p, (size_t)(nl - p), 0, &je);
		cr_assert_not_null(o, "truth line does not parse: %s", je.text);
		const char *type = json_string_value(json_object_get(o, "type"));
		cr_assert_not_null(type);
		if (!strcmp(type, "gammaray-truth")) {
			cr_assert_null(t->header, "two headers");
			cr_assert(t->nn == 0 && t->ne == 0, "header not first");
			t->header = o;
		} else if (!strcmp(type, "node")) {
			if (t->nn == cn)
				t->nodes = realloc(t->nodes, (cn *= 2) * sizeof(json_t *));
			t->nodes[t->nn++] = o;
		} else if (!strcmp(type, "edge")) {
			if (t->ne == ce)
				t->edges = realloc(t->edges, (ce *= 2) * sizeof(json_t *));
			t->edges[t->ne++] = o;
		} else if (!strcmp(type, "critpath")) {
			if (t->ncp == cc)
				t->cps = realloc(t->cps, (cc *= 2) * sizeof(json_t *));
			t->cps[t->ncp++] = o;
		} else {
			cr_assert_fail("unknown truth record %s", type);
		}
		p = nl + 1;
	}
	free(b);
	cr_assert_not_null(t->header, "no header");
}

static void truth_free(struct truth *t)
{
	json_decref(t->header);
	for (size_t i = 0; i < t->nn; i++)
		json_decref(t->nodes[i]);
	for (size_t i = 0; i < t->ne; i++)
		json_decref(t->edges[i]);
	for (size_t i = 0; i < t->ncp; i++)
		json_decref(t->cps[i]);
	free(t->nodes);
	free(t->edges);
	free(t->cps);
}

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static int64_t jint(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	cr_assert(json_is_integer(v), "%s is not an integer", k);
	return json_integer_value(v);
}

static json_t *node_by_id(struct truth *t, const char *id)
{
	for (size_t i = 0; i < t->nn; i++)
		if (!strcmp(jstr(t->nodes[i], "id"), id))
			return t->nodes[i];
	return NULL;
}

/* --- logs ------------------------------------------------------------------ */
struct ev {
	char *stream;     /* file's stream directory name */
	int64_t ts_us;    /* the export's time stamp */
	char *msg;        /* the message, with its trailing newline */
	json_t *marker;   /* parsed GAMMARAY marker, or NULL */
	char reqid[40];   /* request id of an application or platform line, or "" */
	int kind;         /* 'S' start, 'R' report, 'I' init start, 'A' app, 'P' other */
	int64_t dur_us;   /* REPORT: duration */
	int64_t init_us;  /* REPORT: init duration, -1 if none */
};

struct evs {
	struct ev *e;    /* events of every export file */
	size_t n, cap;   /* used, allocated */
};

static bool is_ts(const char *p, const char *end)
{
	static const char pat[] = "dddd-dd-ddTdd:dd:dd.dddZ ";
	if (end - p < 25)
		return false;
	for (int i = 0; i < 25; i++) {
		if (pat[i] == 'd' ? (p[i] < '0' || p[i] > '9') : p[i] != pat[i])
			return false;
	}
	return true;
}

static int64_t ms_field(const char *s, const char *name)
{
	const char *p = strstr(s, name);
	if (!p)
		return -1;
	char *end;
	double v = strtod(p + strlen(name), &end);
	cr_assert(end > p + strlen(name), "bad number after %s", name);
	return (int64_t)(v * 1000 + 0.5);
}

static void classify(struct ev *e)
{
	const char *m = e->msg;
	const char *marker = NULL;

	e->kind = 'P';
	e->init_us = -1;
	if (m[0] == '{') {
		json_error_t je;
		json_t *o = json_loads(m, 0, &je);
		cr_assert_not_null(o, "JSON log line does not parse: %s: %s", je.text, m);
		const char *type = jstr(o, "type");
		json_t *rec = json_object_get(o, "record");
		if (type && rec) {
			const char *rid = jstr(rec, "requestId");
			if (rid)
				snprintf(e->reqid, sizeof(e->reqid), "%s", rid);
			if (!strcmp(type, "platform.start"))
				e->kind = 'S';
			else if (!strcmp(type, "platform.initStart"))
				e->kind = 'I';
			else if (!strcmp(type, "platform.report")) {
				json_t *mt = json_object_get(rec, "metrics");
				e->kind = 'R';
				e->dur_us = (int64_t)(json_number_value(json_object_get(mt, "durationMs")) *
						      1000 + 0.5);
				json_t *in = json_object_get(mt, "initDurationMs");
				if (in)
					e->init_us = (int64_t)(json_number_value(in) * 1000 + 0.5);
			}
		} else {
			e->kind = 'A';
			const char *rid = jstr(o, "requestId");
			cr_assert_not_null(rid, "JSON application line without requestId");
			snprintf(e->reqid, sizeof(e->reqid), "%s", rid);
			const char *msg = jstr(o, "message");
			if (msg && !strncmp(msg, "GAMMARAY ", 9)) {
				json_error_t je2;
				e->marker = json_loads(msg + 9, 0, &je2);
				cr_assert_not_null(e->marker, "marker does not parse: %s", msg);
			}
		}
		json_decref(o);
		return;
	}
	if (!strncmp(m, "START RequestId: ", 17)) {
		e->kind = 'S';
		snprintf(e->reqid, sizeof(e->reqid), "%.36s", m + 17);
	} else if (!strncmp(m, "REPORT RequestId: ", 18)) {
		e->kind = 'R';
		snprintf(e->reqid, sizeof(e->reqid), "%.36s", m + 18);
		e->dur_us = ms_field(m, "\tDuration: ");
		e->init_us = ms_field(m, "\tInit Duration: ");
	} else if (!strncmp(m, "INIT_START ", 11)) {
		e->kind = 'I';
	} else if (m[0] == '[') {
		/* Python: [LEVEL]\tTS\tREQID\tMSG */
		const char *t1 = strchr(m, '\t');
		if (t1 && strlen(t1) > 63 && t1[25] == '\t' && t1[62] == '\t') {
			e->kind = 'A';
			snprintf(e->reqid, sizeof(e->reqid), "%.36s", t1 + 26);
			marker = t1 + 63;
		} else {
			e->kind = 'A'; /* "[ERROR] Type: ..." traceback */
		}
	} else if (m[0] >= '0' && m[0] <= '9' && strlen(m) > 62 && m[24] == '\t') {
		/* Node: TS\tREQID\tLEVEL\tMSG */
		e->kind = 'A';
		snprintf(e->reqid, sizeof(e->reqid), "%.36s", m + 25);
		const char *t3 = strchr(m + 62, '\t');
		if (t3)
			marker = t3 + 1;
	}
	if (marker && !strncmp(marker, "GAMMARAY ", 9)) {
		json_error_t je;
		e->marker = json_loads(marker + 9, JSON_DISABLE_EOF_CHECK, &je);
		cr_assert_not_null(e->marker, "marker does not parse: %s", marker);
	}
}

/* Split one decompressed export file into events: a line that starts with the time
 * stamp begins an event, the others continue it. */
static void split_events(const char *stream, char *b, size_t n, struct evs *out)
{
	char *p = b, *end = b + n;

	cr_assert(n == 0 || is_ts(p, end), "%s: does not start with a time stamp", stream);
	while (p < end) {
		char *q = p + 25;
		for (;;) {
			char *nl = memchr(q, '\n', (size_t)(end - q));
			cr_assert_not_null(nl, "%s: last line without newline", stream);
			q = nl + 1;
			if (q >= end || is_ts(q, end))
				break;
		}
		/* the event is "<ts> <message>\n": the message itself ends in "\n" */
		cr_assert(q - p >= 27 && q[-1] == '\n' && q[-2] == '\n',
			  "%s: event not followed by a blank line", stream);
		if (out->n == out->cap)
			out->e = realloc(out->e, (out->cap = out->cap ? 2 * out->cap : 1024) *
							 sizeof(*out->e));
		struct ev *e = &out->e[out->n++];
		memset(e, 0, sizeof(*e));
		e->stream = strdup(stream);
		cr_assert_eq(gr_time_parse_iso(p, 24, &e->ts_us), 24);
		e->msg = strndup(p + 25, (size_t)(q - 1 - (p + 25)));
		classify(e);
		p = q;
	}
}

static struct evs load_export(const char *dir)
{
	struct evs out = { 0 };
	char root[512];

	snprintf(root, sizeof(root), "%s/export", dir);
	struct files fl = list_files(root);
	for (size_t i = 0; i < fl.n; i++) {
		char path[4096], stream[512];
		if (!ends_with(fl.p[i], ".gz"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", root, fl.p[i]);
		/* fn/task/stream/000000.gz */
		char *a = strchr(fl.p[i], '/'), *b2 = a ? strchr(a + 1, '/') : NULL;
		char *c = b2 ? strchr(b2 + 1, '/') : NULL;
		cr_assert_not_null(c, "unexpected export path %s", fl.p[i]);
		snprintf(stream, sizeof(stream), "%.*s", (int)(c - b2 - 1), b2 + 1);
		size_t len;
		char *buf = slurp_gz(path, &len);
		split_events(stream, buf, len, &out);
		free(buf);
	}
	files_free(&fl);
	return out;
}

static void evs_free(struct evs *v)
{
	for (size_t i = 0; i < v->n; i++) {
		free(v->e[i].stream);
		free(v->e[i].msg);
		json_decref(v->e[i].marker);
	}
	free(v->e);
}

/* --- markers --------------------------------------------------------------- */
static bool str_in(json_t *arr_or_str, const char *v)
{
	if (json_is_string(arr_or_str))
		return !strcmp(json_string_value(arr_or_str), v);
	size_t i;
	json_t *x;
	json_array_foreach(arr_or_str, i, x)
		if (json_is_string(x) && !strcmp(json_string_value(x), v))
			return true;
	return false;
}

/* DynamoDB keys, plain or typed, as "name=value;..." */
static void keys_norm(json_t *keys, char *out, size_t size)
{
	const char *k;
	json_t *v;
	size_t n = 0;

	out[0] = '\0';
	json_object_foreach(keys, k, v) {
		if (json_is_object(v))
			v = json_object_iter_value(json_object_iter(v));
		n += (size_t)snprintf(out + n, size - n, "%s=%s;", k, json_string_value(v));
	}
}

static bool etag_eq(const char *call, const char *entry)
{
	size_t n = strlen(call);
	if (call[0] == '"' && n >= 2)
		return strlen(entry) == n - 2 && !strncmp(call + 1, entry, n - 2);
	return !strcmp(call, entry);
}

/* Does this call marker of `from` produce this source record of `to`? */
static bool call_matches(json_t *call, json_t *src, const char *kind, const char *from,
			 const char *to)
{
	if (strcmp(jstr(call, "svc"), kind) || strcmp(jstr(src, "svc"), kind))
		return false;
	if (!strcmp(kind, "s3"))
		return !strcmp(jstr(call, "bucket"), jstr(src, "bucket")) &&
		       !strcmp(jstr(call, "key"), jstr(src, "key")) &&
		       etag_eq(jstr(call, "etag"), jstr(src, "etag"));
	if (!strcmp(kind, "dynamodb")) {
		char a[256], b[256];
		keys_norm(json_object_get(src, "keys"), b, sizeof(b));
		json_t *items = json_object_get(call, "items");
		if (!items) {
			keys_norm(json_object_get(call, "keys"), a, sizeof(a));
			return !strcmp(jstr(call, "table"), jstr(src, "table")) && !strcmp(a, b);
		}
		size_t i;
		json_t *it;
		json_array_foreach(items, i, it) {
			keys_norm(json_object_get(it, "keys"), a, sizeof(a));
			if (!strcmp(jstr(it, "table"), jstr(src, "table")) && !strcmp(a, b))
				return true;
		}
		return false;
	}
	if (!strcmp(kind, "sns"))
		return !strcmp(jstr(call, "msg"), jstr(src, "msg"));
	if (!strcmp(kind, "sqs"))
		return str_in(json_object_get(call, json_object_get(call, "msg") ? "msg" : "msgs"),
			      jstr(src, "msg"));
	if (!strcmp(kind, "kinesis"))
		return str_in(json_object_get(call, json_object_get(call, "seq") ? "seq" : "seqs"),
			      jstr(src, "seq"));
	if (!strcmp(kind, "events"))
		return str_in(json_object_get(call, "ids"), jstr(src, "id"));
	if (!strcmp(kind, "lambda")) {
		const char *caller = jstr(src, "caller");
		return !strcmp(jstr(call, "callee"), to) && (!caller || !strcmp(caller, from));
	}
	return false;
}

/* Marker evidence for one truth edge: a call of `from` matching an entry of `to`.
 * A caller that timed out waiting for its synchronous callee never logged the call
 * (from_timed_out): then the callee's entry marker must name it. */
static bool edge_has_markers(struct evs *v, json_t *edge, bool from_timed_out)
{
	const char *from = jstr(edge, "from"), *to = jstr(edge, "to"), *kind = jstr(edge, "kind");

	for (size_t i = 0; i < v->n; i++) {
		struct ev *en = &v->e[i];
		if (!en->marker || strcmp(en->reqid, to) || strcmp(jstr(en->marker, "ev"), "entry"))
			continue;
		json_t *src = json_object_get(en->marker, "src");
		size_t nsrc = json_is_array(src) ? json_array_size(src) : 1;
		for (size_t k = 0; k < nsrc; k++) {
			json_t *one = json_is_array(src) ? json_array_get(src, k) : src;
			const char *caller = jstr(one, "caller");
			if (from_timed_out && !strcmp(kind, "lambda") && caller &&
			    !strcmp(caller, from))
				return true;
			for (size_t j = 0; j < v->n; j++) {
				struct ev *c = &v->e[j];
				if (c->marker && !strcmp(c->reqid, from) &&
				    !strcmp(jstr(c->marker, "ev"), "call") &&
				    call_matches(c->marker, one, kind, from, to))
					return true;
			}
		}
	}
	return false;
}

/* --- X-Ray ----------------------------------------------------------------- */
struct seg {
	json_t *doc;          /* the document */
	const char *id;       /* its id (or a subsegment's) */
	const char *owner;    /* request id of the invocation it belongs to, or NULL */
};

struct segs {
	struct seg *s;           /* segments and subsegments with their owners */
	size_t n, cap;
	json_t **docs;           /* every document (owned) */
	size_t ndocs, capdocs;
};

static void seg_add(struct segs *x, json_t *doc, const char *id, const char *owner)
{
	if (x->n == x->cap)
		x->s = realloc(x->s, (x->cap = x->cap ? 2 * x->cap : 256) * sizeof(*x->s));
	x->s[x->n++] = (struct seg){ doc, id, owner };
}

static struct seg *seg_find(struct segs *x, const char *id)
{
	for (size_t i = 0; i < x->n; i++)
		if (!strcmp(x->s[i].id, id))
			return &x->s[i];
	return NULL;
}

static void subs_own(struct segs *x, json_t *doc, const char *owner)
{
	size_t i;
	json_t *sub;
	json_array_foreach(json_object_get(doc, "subsegments"), i, sub) {
		seg_add(x, sub, jstr(sub, "id"), owner);
		subs_own(x, sub, owner);
	}
}

static bool is_hex(const char *s, size_t n)
{
	if (!s || strlen(s) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!strchr("0123456789abcdef", s[i]))
			return false;
	return true;
}

static bool trace_id_ok(const char *t)
{
	return t && strlen(t) == 35 && t[0] == '1' && t[1] == '-' && t[10] == '-' &&
	       is_hex((char[9]){ t[2], t[3], t[4], t[5], t[6], t[7], t[8], t[9], 0 }, 8) &&
	       is_hex(t + 11, 24);
}

static struct segs load_xray(const char *dir)
{
	struct segs x = { 0 };
	char root[512];

	snprintf(root, sizeof(root), "%s/xray", dir);
	struct files fl = list_files(root);
	cr_assert_gt(fl.n, 0, "no X-Ray pages");
	for (size_t i = 0; i < fl.n; i++) {
		char path[4096];
		json_error_t je;
		snprintf(path, sizeof(path), "%s/%s", root, fl.p[i]);
		json_t *page = json_load_file(path, 0, &je);
		cr_assert_not_null(page, "%s: %s", path, je.text);
		cr_assert(json_is_array(json_object_get(page, "UnprocessedTraceIds")));
		size_t k;
		json_t *tr;
		json_array_foreach(json_object_get(page, "Traces"), k, tr) {
			cr_assert(trace_id_ok(jstr(tr, "Id")), "bad trace id %s", jstr(tr, "Id"));
			cr_assert(json_is_false(json_object_get(tr, "LimitExceeded")));
			cr_assert(json_is_number(json_object_get(tr, "Duration")));
			size_t j;
			json_t *sg;
			json_array_foreach(json_object_get(tr, "Segments"), j, sg) {
				const char *text = jstr(sg, "Document");
				cr_assert_not_null(text);
				cr_assert_leq(strlen(text), 65536, "segment document over 64 KB");
				json_t *doc = json_loads(text, 0, &je);
				cr_assert_not_null(doc, "document does not parse: %s", je.text);
				cr_assert_str_eq(jstr(doc, "id"), jstr(sg, "Id"));
				cr_assert(is_hex(jstr(doc, "id"), 16), "bad id %s", jstr(doc, "id"));
				cr_assert_str_eq(jstr(doc, "trace_id"), jstr(tr, "Id"));
				if (x.ndocs == x.capdocs)
					x.docs = realloc(x.docs, (x.capdocs = x.capdocs ? 2 * x.capdocs
											: 256) *
								       sizeof(*x.docs));
				x.docs[x.ndocs++] = doc;
			}
		}
		json_decref(page);
	}
	files_free(&fl);
	/* owners: AWS::Lambda by request id, the function segment and its subsegments
	 * through it, inferred segments through the subsegment they hang off */
	for (size_t i = 0; i < x.ndocs; i++) {
		json_t *d = x.docs[i];
		const char *o = jstr(d, "origin");
		if (o && !strcmp(o, "AWS::Lambda"))
			seg_add(&x, d, jstr(d, "id"),
				jstr(json_object_get(d, "aws"), "request_id"));
	}
	for (size_t i = 0; i < x.ndocs; i++) {
		json_t *d = x.docs[i];
		const char *o = jstr(d, "origin");
		if (o && !strcmp(o, "AWS::Lambda::Function")) {
			struct seg *svc = seg_find(&x, jstr(d, "parent_id"));
			cr_assert_not_null(svc, "function segment without its AWS::Lambda segment");
			const char *owner = svc->owner; /* seg_add moves the array */
			seg_add(&x, d, jstr(d, "id"), owner);
			subs_own(&x, d, owner);
		}
	}
	for (size_t i = 0; i < x.ndocs; i++) {
		json_t *d = x.docs[i];
		if (json_is_true(json_object_get(d, "inferred"))) {
			struct seg *p = seg_find(&x, jstr(d, "parent_id"));
			cr_assert_not_null(p, "inferred segment without its subsegment");
			const char *owner = p->owner;
			seg_add(&x, d, jstr(d, "id"), owner);
		} else if (!seg_find(&x, jstr(d, "id"))) {
			seg_add(&x, d, jstr(d, "id"), NULL); /* API Gateway, SNS from outside */
		}
	}
	return x;
}

static void xray_free(struct segs *x)
{
	for (size_t i = 0; i < x->ndocs; i++)
		json_decref(x->docs[i]);
	free(x->docs);
	free(x->s);
}

/* Does X-Ray alone show the edge: the callee's AWS::Lambda segment hangs off a
 * subsegment (or inferred segment) of the caller, or links back to one (SQS)? */
static bool xray_shows(struct segs *x, json_t *edge)
{
	const char *from = jstr(edge, "from"), *to = jstr(edge, "to");

	for (size_t i = 0; i < x->n; i++) {
		json_t *d = x->s[i].doc;
		const char *o = jstr(d, "origin");
		if (!o || strcmp(o, "AWS::Lambda") || !x->s[i].owner || strcmp(x->s[i].owner, to))
			continue;
		const char *parent = jstr(d, "parent_id");
		if (parent) {
			struct seg *p = seg_find(x, parent);
			if (p && p->owner && !strcmp(p->owner, from))
				return true;
		}
		size_t k;
		json_t *l;
		json_array_foreach(json_object_get(d, "links"), k, l) {
			struct seg *p = seg_find(x, jstr(l, "id"));
			if (p && p->owner && !strcmp(p->owner, from) &&
			    !strcmp(jstr(json_object_get(l, "attributes"),
					 "aws.xray.reserved.reference_type"), "parent"))
				return true;
		}
	}
	return false;
}

/* ---------------------------------------------------------------------------
 * The tests.
 */
Test(synth, every_effect_after_cause)
{
	struct gr_synth_opts o;
	struct run r;
	struct truth t;

	opts_small(&o, "mixed", 60);
	gen(&r, &o);
	truth_load(r.dir, &t);
	cr_assert_gt(t.ne, 50);
	cr_assert_eq(t.nn, r.st.invocations);
	cr_assert_eq(t.ne, r.st.edges);
	for (size_t i = 0; i < t.ne; i++) {
		json_t *e = t.edges[i];
		json_t *from = node_by_id(&t, jstr(e, "from")), *to = node_by_id(&t, jstr(e, "to"));
		cr_assert(from && to, "edge between unknown invocations");
		int64_t cause = jint(e, "cause_us");
		cr_assert_gt(jint(to, "start_us"), cause, "effect %s starts before its cause",
			     jstr(e, "to"));
		cr_assert_eq(jint(e, "delay_us"), jint(to, "start_us") - cause);
		/* the cause happens while the producer runs */
		cr_assert(cause >= jint(from, "start_us") && cause <= jint(from, "end_us"),
			  "cause outside its producer");
	}
	for (size_t i = 0; i < t.nn; i++) {
		json_t *n = t.nodes[i];
		cr_assert_leq(jint(n, "start_us"), jint(n, "end_us"));
		cr_assert_eq(json_is_true(json_object_get(n, "cold")), jint(n, "init_us") > 0);
		if (i)
			cr_assert_leq(jint(t.nodes[i - 1], "start_us"), jint(n, "start_us"),
				      "nodes not sorted by start");
	}
	truth_free(&t);
	rm_rf(r.dir);
}

Test(synth, edges_backed_by_markers)
{
	struct gr_synth_opts o;
	struct run r;
	struct truth t;

	opts_small(&o, "mixed", 60);
	gen(&r, &o);
	truth_load(r.dir, &t);
	struct evs v = load_export(r.dir);
	size_t entries = 0;
	for (size_t i = 0; i < v.n; i++)
		entries += v.e[i].marker && !strcmp(jstr(v.e[i].marker, "ev"), "entry");
	cr_assert_geq(entries, t.nn, "fewer entry markers than invocations");
	for (size_t i = 0; i < t.ne; i++)
		cr_assert(edge_has_markers(&v, t.edges[i],
					   !strcmp(jstr(node_by_id(&t, jstr(t.edges[i], "from")),
							"status"), "timeout")),
			  "%s edge %s -> %s has no matching call and entry markers",
			  jstr(t.edges[i], "kind"), jstr(t.edges[i], "from"), jstr(t.edges[i], "to"));
	evs_free(&v);
	truth_free(&t);
	rm_rf(r.dir);
}

Test(synth, xray_edges_visible_exactly)
{
	struct gr_synth_opts o;
	struct run r;
	struct truth t;
	size_t shown = 0;

	opts_small(&o, "mixed", 60);
	o.sample_rate = 0.6;
	o.reservoir = 0;
	gen(&r, &o);
	truth_load(r.dir, &t);
	struct segs x = load_xray(r.dir);
	for (size_t i = 0; i < t.ne; i++) {
		bool flag = json_is_true(json_object_get(t.edges[i], "xray"));
		bool vis = xray_shows(&x, t.edges[i]);
		cr_assert_eq(flag, vis, "%s edge %s -> %s: xray %d but visible %d",
			     jstr(t.edges[i], "kind"), jstr(t.edges[i], "from"),
			     jstr(t.edges[i], "to"), flag, vis);
		shown += vis;
	}
	cr_assert_gt(shown, 10);
	/* every sampled invocation has its AWS::Lambda segment with the node's trace */
	for (size_t i = 0; i < t.nn; i++) {
		json_t *n = t.nodes[i];
		bool sampled = json_is_true(json_object_get(n, "sampled"));
		cr_assert_eq(sampled, jstr(n, "trace") != NULL);
		bool found = false;
		for (size_t k = 0; k < x.n && !found; k++) {
			const char *org = jstr(x.s[k].doc, "origin");
			if (org && !strcmp(org, "AWS::Lambda") && x.s[k].owner &&
			    !strcmp(x.s[k].owner, jstr(n, "id"))) {
				found = true;
				cr_assert_str_eq(jstr(x.s[k].doc, "trace_id"), jstr(n, "trace"));
			}
		}
		cr_assert_eq(found, sampled, "sampled %d but segment %d", sampled, found);
	}
	xray_free(&x);
	truth_free(&t);
	rm_rf(r.dir);
}

static bool files_equal(const char *a, const char *b, const char *rel)
{
	char pa[4096], pb[4096];
	size_t la, lb;
	snprintf(pa, sizeof(pa), "%s/%s", a, rel);
	snprintf(pb, sizeof(pb), "%s/%s", b, rel);
	char *x = slurp(pa, &la), *y = slurp(pb, &lb);
	bool eq = la == lb && !memcmp(x, y, la);
	free(x);
	free(y);
	return eq;
}

Test(synth, deterministic_per_seed)
{
	struct gr_synth_opts o;
	struct run a, b, c;

	opts_small(&o, "mixed", 40);
	o.seed = 42;
	gen(&a, &o);
	o.jobs = 3; /* compression threads do not change a byte */
	gen(&b, &o);
	struct files fa = list_files(a.dir), fb = list_files(b.dir);
	cr_assert_eq(fa.n, fb.n, "different file counts");
	cr_assert_gt(fa.n, 20);
	for (size_t i = 0; i < fa.n; i++) {
		cr_assert_str_eq(fa.p[i], fb.p[i]);
		cr_assert(files_equal(a.dir, b.dir, fa.p[i]), "%s differs", fa.p[i]);
	}
	o.seed = 43;
	o.jobs = 1;
	gen(&c, &o);
	cr_assert_not(files_equal(a.dir, c.dir, "truth.ndjson"), "seed made no difference");
	files_free(&fa);
	files_free(&fb);
	rm_rf(a.dir);
	rm_rf(b.dir);
	rm_rf(c.dir);
}

/* Invocations of a stream, from its START and REPORT lines. */
struct inv {
	int64_t start;   /* START, us */
	int64_t dur;     /* REPORT duration */
	int64_t init;    /* REPORT init duration, -1 when warm */
	char id[40];
};

static int inv_cmp(const void *pa, const void *pb)
{
	const struct inv *a = pa, *b = pb;
	return a->start < b->start ? -1 : a->start > b->start;
}

Test(synth, streams_never_overlap_cold_iff_first)
{
	struct gr_synth_opts o;
	struct run r;

	opts_small(&o, "mixed", 80);
	o.rate = 40; /* concurrency: several environments per function */
	gen(&r, &o);
	struct evs v = load_export(r.dir);
	size_t streams = 0, multi = 0;
	for (size_t i = 0; i < v.n; i++) {
		/* first event of a stream not seen yet */
		bool seen = false;
		for (size_t k = 0; k < i && !seen; k++)
			seen = !strcmp(v.e[k].stream, v.e[i].stream);
		if (seen)
			continue;
		streams++;
		struct inv inv[512];
		size_t ninv = 0, inits = 0;
		int64_t first_init_ts = INT64_MAX;
		for (size_t k = i; k < v.n; k++) {
			struct ev *e = &v.e[k];
			if (strcmp(e->stream, v.e[i].stream))
				continue;
			if (e->kind == 'I') {
				inits++;
				first_init_ts = e->ts_us;
			}
			if (e->kind != 'R')
				continue;
			/* its START: same request id, the latest START not after the REPORT */
			int64_t start = -1;
			for (size_t j = i; j < v.n; j++)
				if (v.e[j].kind == 'S' && !strcmp(v.e[j].stream, e->stream) &&
				    !strcmp(v.e[j].reqid, e->reqid) && v.e[j].ts_us <= e->ts_us &&
				    v.e[j].ts_us > start)
					start = v.e[j].ts_us;
			cr_assert_geq(start, 0, "REPORT without START");
			cr_assert_lt(ninv, 512);
			inv[ninv++] = (struct inv){ start, e->dur_us, e->init_us, { 0 } };
			snprintf(inv[ninv - 1].id, 40, "%s", e->reqid);
		}
		cr_assert_gt(ninv, 0, "stream without invocations");
		qsort(inv, ninv, sizeof(*inv), inv_cmp);
		cr_assert_eq(inits, 1, "%s: %zu INIT_START lines", v.e[i].stream, inits);
		cr_assert_leq(first_init_ts, inv[0].start);
		for (size_t k = 0; k < ninv; k++) {
			cr_assert_eq(inv[k].init >= 0, k == 0,
				     "%s: invocation %zu of the stream %s Init Duration",
				     v.e[i].stream, k, inv[k].init >= 0 ? "has" : "lacks");
			if (k) {
				int64_t prev_end = inv[k - 1].start + inv[k - 1].dur;
				cr_assert_lt(prev_end, inv[k].start, "%s: %s overlaps %s",
					     v.e[i].stream, inv[k - 1].id, inv[k].id);
			}
		}
		multi += ninv > 1;
	}
	cr_assert_gt(streams, 10);
	cr_assert_gt(multi, 3, "no warm starts");
	evs_free(&v);
	rm_rf(r.dir);
}

Test(synth, truth_times_match_logs)
{
	struct gr_synth_opts o;
	struct run r;
	struct truth t;

	opts_small(&o, "mixed", 40);
	gen(&r, &o);
	truth_load(r.dir, &t);
	struct evs v = load_export(r.dir);
	for (size_t i = 0; i < t.nn; i++) {
		json_t *n = t.nodes[i];
		const char *id = jstr(n, "id");
		/* the final attempt: the latest START and REPORT of the request id */
		int64_t start = -1, dur = -1, init = -1, rep_ts = -1;
		for (size_t k = 0; k < v.n; k++) {
			struct ev *e = &v.e[k];
			if (strcmp(e->reqid, id))
				continue;
			if (e->kind == 'S' && e->ts_us > start)
				start = e->ts_us;
			if (e->kind == 'R' && e->ts_us > rep_ts) {
				rep_ts = e->ts_us;
				dur = e->dur_us;
				init = e->init_us;
			}
		}
		cr_assert(start >= 0 && dur >= 0, "%s: no START/REPORT", id);
		int64_t init_us = init < 0 ? 0 : init;
		cr_assert_eq(jint(n, "init_us"), init_us, "%s init", id);
		cr_assert_eq(jint(n, "start_us"), start - init_us, "%s start", id);
		cr_assert_eq(jint(n, "end_us"), start + dur, "%s end", id);
	}
	evs_free(&v);
	truth_free(&t);
	rm_rf(r.dir);
}

Test(synth, retries_keep_request_id)
{
	struct gr_synth_opts o;
	struct run r;
	struct truth t;

	opts_small(&o, "webapp", 40);
	o.error_rate = 0.3;
	gen(&r, &o);
	cr_assert_gt(r.st.retries, 0);
	cr_assert_eq(r.st.attempts, r.st.invocations + r.st.retries);
	truth_load(r.dir, &t);
	struct evs v = load_export(r.dir);
	size_t twice = 0;
	for (size_t i = 0; i < t.nn; i++) {
		size_t starts = 0;
		for (size_t k = 0; k < v.n; k++)
			starts += v.e[k].kind == 'S' && !strcmp(v.e[k].reqid, jstr(t.nodes[i], "id"));
		cr_assert_geq(starts, 1);
		twice += starts > 1;
	}
	cr_assert_gt(twice, 0, "no request id appears in two attempts");
	evs_free(&v);
	truth_free(&t);
	rm_rf(r.dir);
}

Test(synth, no_markers_same_workload)
{
	struct gr_synth_opts o;
	struct run a, b;

	opts_small(&o, "mixed", 30);
	gen(&a, &o);
	o.markers = false;
	o.sample_rate = 0.1; /* neither changes the workload */
	gen(&b, &o);
	struct evs v = load_export(b.dir);
	for (size_t i = 0; i < v.n; i++)
		cr_assert_null(strstr(v.e[i].msg, "GAMMARAY"), "marker with --no-markers");
	struct truth ta, tb;
	truth_load(a.dir, &ta);
	truth_load(b.dir, &tb);
	cr_assert_eq(ta.nn, tb.nn);
	cr_assert_eq(ta.ne, tb.ne);
	static const char *const same[] = { "id", "fn", "status" };
	for (size_t i = 0; i < ta.nn; i++) {
		for (size_t k = 0; k < 3; k++)
			cr_assert_str_eq(jstr(ta.nodes[i], same[k]), jstr(tb.nodes[i], same[k]));
		cr_assert_eq(jint(ta.nodes[i], "start_us"), jint(tb.nodes[i], "start_us"));
		cr_assert_eq(jint(ta.nodes[i], "end_us"), jint(tb.nodes[i], "end_us"));
	}
	for (size_t i = 0; i < ta.ne; i++) {
		cr_assert_str_eq(jstr(ta.edges[i], "from"), jstr(tb.edges[i], "from"));
		cr_assert_str_eq(jstr(ta.edges[i], "to"), jstr(tb.edges[i], "to"));
	}
	truth_free(&ta);
	truth_free(&tb);
	evs_free(&v);
	rm_rf(a.dir);
	rm_rf(b.dir);
}

Test(synth, gzip_files_and_export_layout)
{
	struct gr_synth_opts o;
	struct run r;
	json_error_t je;
	char path[1024];

	opts_small(&o, "mixed", 30);
	gen(&r, &o);
	snprintf(path, sizeof(path), "%s/export-tasks.json", r.dir);
	json_t *tasks = json_load_file(path, 0, &je);
	cr_assert_not_null(tasks, "export-tasks.json: %s", je.text);
	size_t i, ntasks = json_array_size(json_object_get(tasks, "exportTasks"));
	json_t *task;
	cr_assert_gt(ntasks, 5);
	json_array_foreach(json_object_get(tasks, "exportTasks"), i, task) {
		const char *group = jstr(task, "logGroupName"), *prefix = jstr(task, "destinationPrefix");
		cr_assert(group && !strncmp(group, "/aws/lambda/", 12));
		cr_assert_str_eq(jstr(json_object_get(task, "status"), "code"), "COMPLETED");
		cr_assert_lt(jint(task, "from"), jint(task, "to"));
		/* the task's directory holds the function's streams */
		snprintf(path, sizeof(path), "%s/%s/%s", r.dir, prefix, jstr(task, "taskId"));
		DIR *d = opendir(path);
		cr_assert_not_null(d, "no directory %s", path);
		closedir(d);
		snprintf(path, sizeof(path), "%s/export/%s", r.dir, group + 12);
		cr_assert_str_eq(prefix + 7, group + 12);
		snprintf(path, sizeof(path), "%s/%s/aws-logs-write-test", r.dir, prefix);
		size_t len;
		char *w = slurp(path, &len);
		cr_assert_str_eq(w, "Permission Check Successful");
		free(w);
	}
	json_decref(tasks);
	/* streams are named YYYY-MM-DD-[$LATEST]<32 hex>; some files are out of order */
	struct evs v = load_export(r.dir);
	size_t backwards = 0;
	for (size_t k = 0; k < v.n; k++) {
		const char *s = v.e[k].stream;
		cr_assert_eq(strlen(s), 10 + 10 + 32, "stream %s", s);
		cr_assert(!strncmp(s + 10, "-[$LATEST]", 10) && is_hex(s + 20, 32), "stream %s", s);
		if (k && !strcmp(s, v.e[k - 1].stream) && v.e[k].ts_us < v.e[k - 1].ts_us)
			backwards++;
	}
	cr_assert_gt(backwards, 0, "every export file is in time order");
	cr_assert_eq(v.n, r.st.log_events);
	evs_free(&v);
	rm_rf(r.dir);
}

Test(synth, filter_log_events_pages)
{
	struct gr_synth_opts o;
	struct run r;
	size_t events = 0;

	opts_small(&o, "mixed", 30);
	o.format = GR_SYNTH_FILTER;
	gen(&r, &o);
	char root[512];
	snprintf(root, sizeof(root), "%s/logs", r.dir);
	struct files fl = list_files(root);
	cr_assert_gt(fl.n, 5);
	for (size_t i = 0; i < fl.n; i++) {
		char path[4096];
		json_error_t je;
		snprintf(path, sizeof(path), "%s/%s", root, fl.p[i]);
		json_t *page = json_load_file(path, 0, &je);
		cr_assert_not_null(page, "%s: %s", path, je.text);
		cr_assert(json_is_array(json_object_get(page, "searchedLogStreams")));
		/* a next page exists exactly when there is a token */
		char next[4096];
		snprintf(next, sizeof(next), "%s", fl.p[i]);
		char *num = strstr(next, "page-");
		cr_assert_not_null(num);
		long pn = strtol(num + 5, NULL, 10);
		snprintf(num, sizeof(next) - (size_t)(num - next), "page-%04ld.json", pn + 1);
		bool more = i + 1 < fl.n && !strcmp(fl.p[i + 1], next);
		cr_assert_eq(json_object_get(page, "nextToken") != NULL, more, "%s", path);
		size_t k;
		json_t *e;
		json_array_foreach(json_object_get(page, "events"), k, e) {
			cr_assert_not_null(jstr(e, "logStreamName"));
			cr_assert_not_null(jstr(e, "message"));
			const char *id = jstr(e, "eventId");
			cr_assert(id && strlen(id) == 56);
			cr_assert_geq(jint(e, "ingestionTime"), jint(e, "timestamp"));
			events++;
		}
		json_decref(page);
	}
	cr_assert_eq(events, r.st.log_events);
	files_free(&fl);
	rm_rf(r.dir);
}

Test(synth, racing_writes_to_one_key)
{
	struct gr_synth_opts o;
	struct run r;
	struct truth t;

	opts_small(&o, "mapreduce", 12);
	o.error_rate = 0;
	o.timeout_rate = 0;
	gen(&r, &o);
	truth_load(r.dir, &t);
	struct evs v = load_export(r.dir);
	/* two S3 entries with the same bucket and key, different ETags, in two
	 * invocations: the edge into each comes from a different writer */
	size_t races = 0;
	for (size_t i = 0; i < v.n; i++) {
		json_t *a = v.e[i].marker;
		if (!a || strcmp(jstr(a, "ev"), "entry"))
			continue;
		json_t *sa = json_object_get(a, "src");
		if (!json_is_object(sa) || strcmp(jstr(sa, "svc"), "s3"))
			continue;
		for (size_t k = i + 1; k < v.n; k++) {
			json_t *b = v.e[k].marker;
			if (!b || strcmp(jstr(b, "ev"), "entry") || !strcmp(v.e[i].reqid, v.e[k].reqid))
				continue;
			json_t *sb = json_object_get(b, "src");
			if (json_is_object(sb) && !strcmp(jstr(sb, "svc"), "s3") &&
			    !strcmp(jstr(sa, "key"), jstr(sb, "key")) &&
			    strcmp(jstr(sa, "etag"), jstr(sb, "etag")))
				races++;
		}
	}
	cr_assert_gt(races, 0, "no racing writes in 12 map-reduce runs");
	evs_free(&v);
	truth_free(&t);
	rm_rf(r.dir);
}

/* Criterion runs each case in another process: no pointers in parameters. */
struct app_case {
	char app[16];      /* application */
	char kind[16];     /* an edge kind it must produce */
	bool sync;         /* ...synchronous? */
};

ParameterizedTestParameters(synth, every_app_has_its_edges)
{
	static struct app_case cases[] = {
		{ "mapreduce", "lambda", false }, { "mapreduce", "s3", false },
		{ "mapreduce", "lambda", true },  { "webapp", "s3", false },
		{ "webapp", "dynamodb", false },  { "imagepipe", "dynamodb", false },
		{ "imagepipe", "lambda", true },  { "sqs-fanin", "sqs", false },
		{ "sns-fanout", "sns", false },   { "kinesis", "kinesis", false },
		{ "eventbridge", "events", false }, { "recursive", "s3", false },
		{ "mixed", "sqs", false },
	};
	return cr_make_param_array(struct app_case, cases, sizeof(cases) / sizeof(*cases));
}

ParameterizedTest(struct app_case *c, synth, every_app_has_its_edges)
{
	struct gr_synth_opts o;
	struct run r;
	struct truth t;
	size_t found = 0, fan_in = 0;

	opts_small(&o, c->app, 15);
	o.error_rate = 0.01;
	o.timeout_rate = 0;
	gen(&r, &o);
	truth_load(r.dir, &t);
	cr_assert_str_eq(jstr(t.header, "app"), c->app);
	cr_assert_eq(jint(t.header, "v"), 1);
	cr_assert_eq(t.ncp, r.st.runs, "one critical path per root");
	for (size_t i = 0; i < t.ne; i++) {
		json_t *e = t.edges[i];
		if (!strcmp(jstr(e, "kind"), c->kind) &&
		    json_is_true(json_object_get(e, "sync")) == c->sync)
			found++;
		/* batches: one invocation, several producers */
		for (size_t k = 0; k < i; k++)
			if (!strcmp(jstr(t.edges[k], "to"), jstr(e, "to")) &&
			    strcmp(jstr(t.edges[k], "from"), jstr(e, "from")))
				fan_in++;
	}
	cr_assert_gt(found, 0, "%s: no %s%s edge", c->app, c->sync ? "sync " : "", c->kind);
	if (!strcmp(c->app, "sqs-fanin"))
		cr_assert_gt(fan_in, 0, "no SQS batch with several producers");
	if (!strcmp(c->app, "recursive")) {
		/* a function triggering itself: the invocation graph stays acyclic, since
		 * every edge goes forward in time */
		for (size_t i = 0; i < t.ne; i++)
			cr_assert_str_eq(jstr(node_by_id(&t, jstr(t.edges[i], "from")), "fn"),
					 "rec-crawler");
	}
	truth_free(&t);
	rm_rf(r.dir);
}

/* An independent, quadratic rendering of the critical-path definition. */
static void critpath_naive(struct truth *t, const char *root, const char **sink,
			   const char **path, size_t *len)
{
	bool *inR = calloc(t->nn, sizeof(*inR));
	size_t r = 0;
	for (size_t i = 0; i < t->nn; i++)
		if (!strcmp(jstr(t->nodes[i], "id"), root))
			r = i;
	inR[r] = true;
	for (bool grew = true; grew;) {
		grew = false;
		for (size_t i = 0; i < t->ne; i++) {
			json_t *e = t->edges[i];
			for (size_t a = 0; a < t->nn; a++) {
				if (!inR[a] || strcmp(jstr(t->nodes[a], "id"), jstr(e, "from")))
					continue;
				for (size_t b = 0; b < t->nn; b++)
					if (!inR[b] && !strcmp(jstr(t->nodes[b], "id"), jstr(e, "to")))
						inR[b] = grew = true;
			}
		}
	}
	size_t sk = r;
	for (size_t i = 0; i < t->nn; i++) {
		if (!inR[i])
			continue;
		int64_t ei = jint(t->nodes[i], "end_us"), es = jint(t->nodes[sk], "end_us");
		if (ei > es || (ei == es && strcmp(jstr(t->nodes[i], "id"),
						   jstr(t->nodes[sk], "id")) < 0))
			sk = i;
	}
	*sink = jstr(t->nodes[sk], "id");
	const char *rev[4096];
	size_t n = 0;
	const char *v = *sink;
	rev[n++] = v;
	while (strcmp(v, root)) {
		json_t *best = NULL;
		for (size_t i = 0; i < t->ne; i++) {
			json_t *e = t->edges[i];
			if (strcmp(jstr(e, "to"), v))
				continue;
			bool from_in = false;
			for (size_t a = 0; a < t->nn && !from_in; a++)
				from_in = inR[a] && !strcmp(jstr(t->nodes[a], "id"), jstr(e, "from"));
			if (!from_in)
				continue;
			if (!best || jint(e, "cause_us") > jint(best, "cause_us") ||
			    (jint(e, "cause_us") == jint(best, "cause_us") &&
			     strcmp(jstr(e, "from"), jstr(best, "from")) < 0))
				best = e;
		}
		cr_assert_not_null(best, "walk back stuck");
		v = jstr(best, "from");
		rev[n++] = v;
	}
	for (size_t i = 0; i < n; i++)
		path[i] = rev[n - 1 - i];
	*len = n;
	free(inR);
}

Test(synth, critpath_follows_definition)
{
	struct gr_synth_opts o;
	struct run r;
	struct truth t;

	opts_small(&o, "mixed", 30);
	o.rate = 30;
	gen(&r, &o);
	truth_load(r.dir, &t);
	cr_assert_eq(t.ncp, r.st.runs);
	size_t longer = 0;
	for (size_t i = 0; i < t.ncp; i++) {
		json_t *cp = t.cps[i];
		const char *root = jstr(cp, "root"), *sink, *path[4096];
		size_t len;
		critpath_naive(&t, root, &sink, path, &len);
		cr_assert_str_eq(jstr(cp, "sink"), sink);
		json_t *jp = json_object_get(cp, "path");
		cr_assert_eq(json_array_size(jp), len);
		for (size_t k = 0; k < len; k++)
			cr_assert_str_eq(json_string_value(json_array_get(jp, k)), path[k]);
		cr_assert_eq(jint(cp, "latency_us"),
			     jint(node_by_id(&t, sink), "end_us") - jint(node_by_id(&t, root), "start_us"));
		longer += len > 2;
		/* roots are exactly the invocations without an incoming edge */
		for (size_t k = 0; k < t.ne; k++)
			cr_assert_str_neq(jstr(t.edges[k], "to"), root);
	}
	cr_assert_gt(longer, 3);
	truth_free(&t);
	rm_rf(r.dir);
}

static void node_set(struct gr_sy_node *n, uint8_t id, int64_t start, int64_t end)
{
	memset(n, 0, sizeof(*n));
	memset(n->id, id, 16);
	n->start_us = start;
	n->end_us = end;
}

Test(synth, critpath_tiny_graph)
{
	/* A(1) root; B(2) and C(3) from A; D(4) from B, C and X(5), another root;
	 * E(6) and F(7) end together, E from D, F from D; G(8) from B and C at the
	 * same cause time */
	struct gr_sy_node n[8];
	node_set(&n[0], 0x10, 0, 100);   /* A */
	node_set(&n[1], 0x20, 150, 300); /* B */
	node_set(&n[2], 0x30, 120, 400); /* C */
	node_set(&n[3], 0x40, 500, 900); /* D */
	node_set(&n[4], 0x50, 0, 460);   /* X */
	node_set(&n[5], 0x70, 950, 1200); /* E: same end as F, larger id */
	node_set(&n[6], 0x60, 960, 1200); /* F */
	node_set(&n[7], 0x80, 350, 380); /* G */
	struct gr_sy_edge e[] = {
		{ .from = 0, .to = 1, .cause_us = 90, .kind = SY_K_LAMBDA },
		{ .from = 0, .to = 2, .cause_us = 100, .kind = SY_K_S3 },
		{ .from = 1, .to = 3, .cause_us = 250, .kind = SY_K_SQS },
		{ .from = 2, .to = 3, .cause_us = 350, .kind = SY_K_SQS },
		{ .from = 4, .to = 3, .cause_us = 450, .kind = SY_K_SQS }, /* latest, not in R(A) */
		{ .from = 3, .to = 5, .cause_us = 940, .kind = SY_K_SNS },
		{ .from = 3, .to = 6, .cause_us = 940, .kind = SY_K_SNS },
		{ .from = 2, .to = 7, .cause_us = 300, .kind = SY_K_S3 },
		{ .from = 1, .to = 7, .cause_us = 300, .kind = SY_K_S3 }, /* tie: smaller id B */
	};
	struct gr_sy_graph g;
	uint32_t path[8], sink;
	int64_t lat;

	cr_assert_eq(gr_sy_graph_init(&g, n, 8, e, sizeof(e) / sizeof(*e)), 0);
	size_t len = gr_sy_graph_critpath(&g, 0, path, &sink, &lat);
	cr_assert_eq(sink, 6, "sink: the latest end, ties to the smaller request id");
	cr_assert_eq(lat, 1200);
	cr_assert_eq(len, 4);
	cr_assert(path[0] == 0 && path[1] == 2 && path[2] == 3 && path[3] == 6,
		  "path %u %u %u %u", path[0], path[1], path[2], path[3]);

	len = gr_sy_graph_critpath(&g, 4, path, &sink, &lat);
	cr_assert_eq(sink, 6);
	cr_assert_eq(len, 3);
	cr_assert(path[0] == 4 && path[1] == 3 && path[2] == 6);
	cr_assert_eq(lat, 1200);

	/* a root reaching only G: path through the tie-broken cause */
	len = gr_sy_graph_critpath(&g, 7, path, &sink, &lat);
	cr_assert_eq(len, 1);
	cr_assert_eq(sink, 7);
	cr_assert_eq(lat, 30);
	gr_sy_graph_release(&g);

	/* G alone under B's and C's common root: walk back from G picks B (tie) */
	struct gr_sy_edge e2[] = {
		{ .from = 0, .to = 1, .cause_us = 90 }, { .from = 0, .to = 2, .cause_us = 100 },
		{ .from = 2, .to = 7, .cause_us = 300 }, { .from = 1, .to = 7, .cause_us = 300 },
	};
	struct gr_sy_node n2[8];
	memcpy(n2, n, sizeof(n));
	n2[2].end_us = 200; /* C ends before G */
	n2[1].end_us = 250;
	cr_assert_eq(gr_sy_graph_init(&g, n2, 8, e2, 4), 0);
	len = gr_sy_graph_critpath(&g, 0, path, &sink, &lat);
	cr_assert_eq(sink, 7);
	cr_assert_eq(len, 3);
	cr_assert_eq(path[1], 1, "equal cause times: the cause with the smaller request id");
	gr_sy_graph_release(&g);
}

Test(synth, bad_options)
{
	struct gr_synth_opts o;
	struct gr_synth_stats st;
	struct gr_error err;
	struct run r;

	gr_synth_opts_init(&o);
	o.out_dir = NULL;
	cr_assert_eq(gr_synth_run(&o, &st, &err), GR_ERR_USAGE);
	opts_small(&o, "no-such-app", 1);
	snprintf(r.dir, sizeof(r.dir), "/tmp/gr-synth-test-XXXXXX");
	cr_assert_not_null(mkdtemp(r.dir));
	o.out_dir = r.dir;
	cr_assert_eq(gr_synth_run(&o, &st, &err), GR_ERR_USAGE);
	cr_assert_not_null(strstr(err.msg, "no-such-app"));
	opts_small(&o, "mixed", 1);
	o.out_dir = r.dir;
	o.sample_rate = 1.5;
	cr_assert_eq(gr_synth_run(&o, &st, &err), GR_ERR_USAGE);
	o.sample_rate = 1;
	cr_assert_eq(gr_synth_run(&o, &st, &err), 0);
	/* not into a directory that holds something */
	cr_assert_eq(gr_synth_run(&o, &st, &err), GR_ERR_USAGE);
	cr_assert_not_null(strstr(err.msg, "not empty"));
	o.force = true;
	cr_assert_eq(gr_synth_run(&o, &st, &err), 0);
	rm_rf(r.dir);
}

Test(synth, app_list)
{
	bool mixed = false;
	cr_assert_geq(gr_synth_app_count(), 9);
	for (size_t i = 0; i < gr_synth_app_count(); i++) {
		cr_assert_not_null(gr_synth_app_summary(i));
		mixed |= !strcmp(gr_synth_app_name(i), "mixed");
	}
	cr_assert(mixed);
	cr_assert_null(gr_synth_app_name(gr_synth_app_count()));
}

/* --- formatting and numbers --------------------------------------------------- */
Test(synth_fmt, times_and_numbers)
{
	char b[64];
	size_t n;

	n = gr_sy_fmt_iso_ms(1714564800123456, b);
	cr_assert_eq(n, 24);
	cr_assert(!memcmp(b, "2024-05-01T12:00:00.123Z", 24));
	n = gr_sy_fmt_iso_s(1714564800999999, b);
	cr_assert(n == 20 && !memcmp(b, "2024-05-01T12:00:00Z", 20));
	n = gr_sy_fmt_secs(1714564800123400, b);
	cr_assert(n == 15 && !memcmp(b, "1714564800.1234", 15));
	n = gr_sy_fmt_secs(1714564800000000, b);
	cr_assert(n == 10 && !memcmp(b, "1714564800", 10));
	n = gr_sy_fmt_secs_e(1714564800123000, b);
	b[n] = '\0';
	cr_assert_str_eq(b, "1.714564800123E9");
	n = gr_sy_fmt_secs_e(1700000000000000, b);
	b[n] = '\0';
	cr_assert_str_eq(b, "1.7E9");
	n = gr_sy_fmt_ms2(12345, b);
	b[n] = '\0';
	cr_assert_str_eq(b, "12.35");
	n = gr_sy_fmt_ms2(3000000, b);
	b[n] = '\0';
	cr_assert_str_eq(b, "3000.00");
	uint8_t t[16] = { 0x66, 0x32, 0x2e, 0xc0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
	n = gr_sy_fmt_trace(t, b);
	b[n] = '\0';
	cr_assert_str_eq(b, "1-66322ec0-0102030405060708090a0b0c");
	n = gr_sy_fmt_date_slash(1714564800000000, b);
	cr_assert(n == 10 && !memcmp(b, "2024/05/01", 10));
}

Test(synth_fmt, json_strings_match_the_general_escaper)
{
	static const char *const cases[] = { "plain", "q\"uote\\d", "tab\tnew\nline",
					     "ctl\x01x", "utf8 \xc3\xa9 ok", "bad \xff byte" };
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct gr_buf a = GR_BUF_INIT, b = GR_BUF_INIT;
		cr_assert_eq(gr_sy_json_str(&a, cases[i], strlen(cases[i])), 0);
		cr_assert_eq(gr_json_escape(&b, cases[i], strlen(cases[i])), 0);
		cr_assert_str_eq(a.data, b.data);
		gr_buf_release(&a);
		gr_buf_release(&b);
	}
}

Test(synth_rng, reproducible_and_close_to_libm)
{
	struct gr_sy_rng a, b;

	gr_sy_rng_seed(&a, 7);
	gr_sy_rng_seed(&b, 7);
	for (int i = 0; i < 1000; i++)
		cr_assert_eq(gr_sy_rng_next(&a), gr_sy_rng_next(&b));
	for (double x = -5; x < 5; x += 0.37) {
		double e = gr_sy_exp(x), l = gr_sy_log(e);
		cr_assert_float_eq(l, x, 1e-12, "log(exp(%g)) = %g", x, l);
	}
	cr_assert_float_eq(gr_sy_exp(1), 2.718281828459045, 1e-14);
	cr_assert_float_eq(gr_sy_log(10), 2.302585092994046, 1e-14);
	double sum = 0;
	for (int i = 0; i < 20000; i++) {
		int64_t v = gr_sy_rng_range(&a, 3, 5);
		cr_assert(v >= 3 && v <= 5);
		sum += (double)gr_sy_rng_exp(&a, 1000.0);
	}
	cr_assert_float_eq(sum / 20000, 1000, 40, "exponential mean %g", sum / 20000);
}

/* --- --what-if ---------------------------------------------------------------- */
/* A truth's nodes by request id (borrowed references into t). */
static json_t *by_id(struct truth *t)
{
	json_t *m = json_object();
	for (size_t i = 0; i < t->nn; i++)
		json_object_set(m, jstr(t->nodes[i], "id"), t->nodes[i]);
	return m;
}

/* The handler's time: end - start - init. */
static int64_t handler_us(json_t *n)
{
	return jint(n, "end_us") - jint(n, "start_us") - jint(n, "init_us");
}

static bool same_times(json_t *a, json_t *b)
{
	return jint(a, "start_us") == jint(b, "start_us") && jint(a, "end_us") == jint(b, "end_us") &&
	       jint(a, "init_us") == jint(b, "init_us");
}

static bool node_is(json_t *n, const char *fn)
{
	return !strcmp(jstr(n, "fn"), fn);
}

/* Mark (value true in the map) every node reachable from a node of fn in t. */
static json_t *downstream(struct truth *t, const char *fn)
{
	json_t *m = json_object();
	for (size_t i = 0; i < t->nn; i++)
		if (node_is(t->nodes[i], fn))
			json_object_set_new(m, jstr(t->nodes[i], "id"), json_true());
	for (bool more = true; more;) {
		more = false;
		for (size_t i = 0; i < t->ne; i++) {
			const char *to = jstr(t->edges[i], "to");
			if (json_object_get(m, jstr(t->edges[i], "from")) && !json_object_get(m, to)) {
				json_object_set_new(m, to, json_true());
				more = true;
			}
		}
	}
	return m;
}

/* Generate o with the changes texts[0..n) into r. */
static void gen_what_if(struct run *r, struct gr_synth_opts *o, const char *const *texts, size_t n,
			struct gr_synth_change *ch)
{
	struct gr_error err;
	for (size_t i = 0; i < n; i++)
		cr_assert_eq(gr_synth_change_parse(texts[i], &ch[i], &err), 0, "%s", err.msg);
	o->changes = ch;
	o->nchanges = n;
	gen(r, o);
	o->changes = NULL;
	o->nchanges = 0;
}

static void same_tree(const char *a, const char *b)
{
	struct files fa = list_files(a), fb = list_files(b);
	cr_assert_eq(fa.n, fb.n, "different file counts");
	for (size_t i = 0; i < fa.n; i++) {
		cr_assert_str_eq(fa.p[i], fb.p[i]);
		cr_assert(files_equal(a, b, fa.p[i]), "%s differs", fa.p[i]);
	}
	files_free(&fa);
	files_free(&fb);
}

/* Every log line naming a request id: id -> the sorted "time message" lines. */
static json_t *lines_by_id(const char *dir)
{
	struct evs v = load_export(dir);
	json_t *m = json_object();
	for (size_t i = 0; i < v.n; i++) {
		if (!v.e[i].reqid[0])
			continue;
		json_t *a = json_object_get(m, v.e[i].reqid);
		if (!a)
			json_object_set_new(m, v.e[i].reqid, a = json_array());
		char *line = NULL;
		cr_assert_gt(asprintf(&line, "%020lld %s", (long long)v.e[i].ts_us, v.e[i].msg), 0);
		json_array_append_new(a, json_string(line));
		free(line);
	}
	const char *k;
	json_t *a;
	json_object_foreach(m, k, a) {
		/* sort: insertion, the arrays are short */
		for (size_t i = 1; i < json_array_size(a); i++)
			for (size_t j = i; j > 0 && strcmp(json_string_value(json_array_get(a, j - 1)),
						    json_string_value(json_array_get(a, j))) > 0; j--) {
				json_t *x = json_incref(json_array_get(a, j - 1));
				json_array_set(a, j - 1, json_array_get(a, j));
				json_array_set_new(a, j, x);
			}
	}
	evs_free(&v);
	return m;
}

Test(synth_whatif, no_op_change_same_bytes)
{
	struct gr_synth_opts o;
	struct gr_synth_change ch[2];
	static const char *const noop[] = { "faster=web-process:1", "delay=sqs:x1" };
	struct run a, b;

	opts_small(&o, "mixed", 60);
	gen(&a, &o);
	o.jobs = 3;
	gen_what_if(&b, &o, noop, 2, ch);
	same_tree(a.dir, b.dir);
	rm_rf(a.dir);
	rm_rf(b.dir);
}

Test(synth_whatif, deterministic_across_jobs)
{
	struct gr_synth_opts o;
	struct gr_synth_change ch[3];
	static const char *const c[] = { "faster=mr-mapper:2", "no-cold-starts=img-recognize",
					 "delay=sns:20ms" };
	struct run a, b, base;

	opts_small(&o, "mixed", 60);
	gen(&base, &o);
	gen_what_if(&a, &o, c, 3, ch);
	o.jobs = 3;
	gen_what_if(&b, &o, c, 3, ch);
	same_tree(a.dir, b.dir);
	cr_assert_not(files_equal(a.dir, base.dir, "truth.ndjson"), "the changes changed nothing");
	rm_rf(a.dir);
	rm_rf(b.dir);
	rm_rf(base.dir);
}

/* -N stops at some number of runs R; -n R is the same workload (what --what-if takes). */
Test(synth_whatif, runs_of_invocations_same_workload)
{
	struct gr_synth_opts o;
	struct run a, b;

	opts_small(&o, "mixed", 0);
	o.max_invocations = 500;
	gen(&a, &o);
	cr_assert_gt(a.st.runs, 20);
	o.max_invocations = 0;
	o.runs = a.st.runs;
	gen(&b, &o);
	same_tree(a.dir, b.dir);
	rm_rf(a.dir);
	rm_rf(b.dir);
}

Test(synth_whatif, faster_halves_the_handler_keeps_other_draws)
{
	struct gr_synth_opts o;
	struct gr_synth_change ch[1];
	static const char *const c[] = { "faster=web-process:2" };
	struct run a, b;
	struct truth ta, tb;

	opts_small(&o, "mixed", 120);
	o.rate = 40;      /* environments in demand: warm and cold starts can move */
	o.reservoir = 0;  /* X-Ray's first trace each second: order, not a draw */
	gen(&a, &o);
	gen_what_if(&b, &o, c, 1, ch);
	truth_load(a.dir, &ta);
	truth_load(b.dir, &tb);
	json_t *ib = by_id(&tb), *down = downstream(&ta, "web-process");
	json_t *la = lines_by_id(a.dir), *lb = lines_by_id(b.dir);
	size_t fn = 0, others = 0, moved = 0;
	for (size_t i = 0; i < ta.nn; i++) {
		json_t *x = ta.nodes[i], *y = json_object_get(ib, jstr(x, "id"));
		if (node_is(x, "web-process")) {
			/* the same invocation, its handler at half the time: each piece of it
			 * rounds down by under 1 us, the end to 10 us */
			cr_assert_not_null(y, "web-process %s gone", jstr(x, "id"));
			int64_t want = handler_us(x) / 2, got = handler_us(y);
			if (!strcmp(jstr(x, "status"), "timeout"))
				continue; /* a hang lasts to the deadline at any speed */
			cr_assert(got >= want - 40 && got <= want + 10,
				  "%s: handler %lld us, was %lld", jstr(x, "id"), (long long)got,
				  (long long)handler_us(x));
			fn++;
		} else if (!json_object_get(down, jstr(x, "id"))) {
			/* not downstream: the same invocation, the same draws */
			cr_assert_not_null(y, "%s %s gone", jstr(x, "fn"), jstr(x, "id"));
			cr_assert_eq(handler_us(x), handler_us(y), "%s %s: handler changed",
				     jstr(x, "fn"), jstr(x, "id"));
			cr_assert_str_eq(jstr(x, "status"), jstr(y, "status"));
			/* here nothing it depends on moved: the same log lines, every id,
			 * key and time in them */
			json_t *xa = json_object_get(la, jstr(x, "id"));
			cr_assert_not_null(xa);
			json_t *ya = json_object_get(lb, jstr(x, "id"));
			cr_assert(json_equal(xa, ya), "%s %s: other log lines\n%s\n%s", jstr(x, "fn"),
				  jstr(x, "id"), json_dumps(xa, JSON_INDENT(1)),
				  ya ? json_dumps(ya, JSON_INDENT(1)) : "none");
			others++;
		} else {
			moved += !y || !same_times(x, y);
		}
	}
	cr_assert_gt(fn, 10);
	cr_assert_gt(others, ta.nn / 2);
	cr_assert_gt(moved, 10, "nothing downstream moved");
	json_decref(la);
	json_decref(lb);
	json_decref(ib);
	json_decref(down);
	truth_free(&ta);
	truth_free(&tb);
	rm_rf(a.dir);
	rm_rf(b.dir);
}

/*
 * Removed: fn's invocations and those only they cause, i.e. every invocation all of
 * whose causes are removed. Nothing else changes here: the removed functions are
 * reached by asynchronous calls and triggers, which their callers still make.
 */
static void removes_exactly(const char *app, const char *fn, bool others_same)
{
	struct gr_synth_opts o;
	struct gr_synth_change ch[1];
	char text[128];
	const char *c[] = { text };
	struct run a, b;
	struct truth ta, tb;

	snprintf(text, sizeof(text), "remove=%s", fn);
	opts_small(&o, app, 100);
	gen(&a, &o);
	gen_what_if(&b, &o, c, 1, ch);
	truth_load(a.dir, &ta);
	truth_load(b.dir, &tb);
	json_t *gone = json_object(), *ib = by_id(&tb);
	for (size_t i = 0; i < ta.nn; i++)
		if (node_is(ta.nodes[i], fn))
			json_object_set_new(gone, jstr(ta.nodes[i], "id"), json_true());
	cr_assert_gt(json_object_size(gone), 5);
	for (bool more = true; more;) {
		more = false;
		for (size_t i = 0; i < ta.nn; i++) {
			const char *id = jstr(ta.nodes[i], "id");
			bool any = false, all = true;
			if (json_object_get(gone, id))
				continue;
			for (size_t k = 0; k < ta.ne; k++) {
				if (strcmp(jstr(ta.edges[k], "to"), id))
					continue;
				any = true;
				all &= json_object_get(gone, jstr(ta.edges[k], "from")) != NULL;
			}
			if (any && all) {
				json_object_set_new(gone, id, json_true());
				more = true;
			}
		}
	}
	cr_assert_eq(tb.nn, ta.nn - json_object_size(gone), "%zu invocations, expected %zu",
		     tb.nn, ta.nn - json_object_size(gone));
	for (size_t i = 0; i < ta.nn; i++) {
		json_t *x = ta.nodes[i], *y = json_object_get(ib, jstr(x, "id"));
		bool g = json_object_get(gone, jstr(x, "id")) != NULL;
		cr_assert_eq(y == NULL, g, "%s %s: %s", jstr(x, "fn"), jstr(x, "id"),
			     g ? "should be gone" : "missing");
		if (y && others_same)
			cr_assert(same_times(x, y), "%s %s moved", jstr(x, "fn"), jstr(x, "id"));
	}
	json_decref(gone);
	json_decref(ib);
	truth_free(&ta);
	truth_free(&tb);
	rm_rf(a.dir);
	rm_rf(b.dir);
}

Test(synth_whatif, remove_takes_what_only_it_causes)
{
	removes_exactly("webapp", "web-notify", true);   /* and web-audit behind a stream */
	removes_exactly("webapp", "web-process", true);  /* an S3 subscriber, and after it */
	removes_exactly("sns-fanout", "fan-email", true); /* one SNS subscriber of three */
	removes_exactly("eventbridge", "eb-billing", true); /* one rule target of two */
	removes_exactly("mapreduce", "mr-driver", true); /* a root: its runs are empty */
	removes_exactly("imagepipe", "img-replicate", false); /* a synchronous callee */
}

Test(synth_whatif, no_cold_starts)
{
	struct gr_synth_opts o;
	struct gr_synth_change ch[1];
	static const char *const c[] = { "no-cold-starts=img-recognize" };
	struct run a, b;
	struct truth ta, tb;

	opts_small(&o, "imagepipe", 100);
	o.rate = 40;
	gen(&a, &o);
	gen_what_if(&b, &o, c, 1, ch);
	truth_load(a.dir, &ta);
	truth_load(b.dir, &tb);
	json_t *ib = by_id(&tb);
	size_t cold = 0, n = 0;
	for (size_t i = 0; i < ta.nn; i++) {
		json_t *x = ta.nodes[i], *y = json_object_get(ib, jstr(x, "id"));
		if (!node_is(x, "img-recognize"))
			continue;
		cr_assert_not_null(y);
		cold += jint(x, "init_us") > 0;
		cr_assert_eq(jint(y, "init_us"), 0);
		cr_assert(json_is_false(json_object_get(y, "cold")));
		cr_assert_eq(handler_us(x), handler_us(y));
		n++;
	}
	cr_assert_gt(cold, 3, "no cold start to remove");
	/* and no INIT_START line in its log streams */
	struct evs v = load_export(b.dir);
	for (size_t i = 0; i < v.n; i++)
		cr_assert(!(v.e[i].kind == 'I' && strstr(v.e[i].stream, "img-recognize")),
			  "INIT_START in %s", v.e[i].stream);
	cr_assert_gt(n, 20);
	evs_free(&v);
	json_decref(ib);
	truth_free(&ta);
	truth_free(&tb);
	rm_rf(a.dir);
	rm_rf(b.dir);
}

Test(synth_whatif, delay_set_and_scaled)
{
	struct gr_synth_opts o;
	struct gr_synth_change ch[2];
	static const char *const c[] = { "delay=sns:50ms", "delay=events:x0.5" };
	struct run a, b;
	struct truth ta, tb;

	opts_small(&o, "mixed", 80);
	o.error_rate = 0; /* no retries: a hop's delay is the delivery's alone */
	o.timeout_rate = 0;
	gen(&a, &o);
	gen_what_if(&b, &o, c, 2, ch);
	truth_load(a.dir, &ta);
	truth_load(b.dir, &tb);
	json_t *ia = by_id(&ta), *ib = by_id(&tb);
	size_t sns = 0, ev = 0;
	double before = 0, after = 0;
	for (size_t i = 0; i < tb.ne; i++) {
		json_t *e = tb.edges[i];
		/* the delay runs to the start, init included, after the platform's own
		 * 0.2 to 3 ms */
		int64_t d = jint(e, "delay_us");
		if (!strcmp(jstr(e, "kind"), "sns")) {
			cr_assert(d >= 50200 && d < 53000, "sns delay %lld", (long long)d);
			sns++;
		} else if (!strcmp(jstr(e, "kind"), "events")) {
			json_t *x = json_object_get(ia, jstr(e, "to"));
			cr_assert_not_null(x);
			after += (double)d;
			ev++;
		}
	}
	for (size_t i = 0; i < ta.ne; i++)
		if (!strcmp(jstr(ta.edges[i], "kind"), "events"))
			before += (double)jint(ta.edges[i], "delay_us");
	cr_assert_gt(sns, 10);
	cr_assert_gt(ev, 10);
	cr_assert(after < 0.6 * before && after > 0.4 * before, "events delays %g -> %g", before,
		  after);
	json_decref(ia);
	json_decref(ib);
	truth_free(&ta);
	truth_free(&tb);
	rm_rf(a.dir);
	rm_rf(b.dir);
}

Test(synth_whatif, unknown_function_and_runs)
{
	struct gr_synth_opts o;
	struct gr_synth_change ch;
	struct gr_synth_stats st;
	struct gr_error err;
	char dir[] = "/tmp/gr-synth-test-XXXXXX";

	cr_assert_not_null(mkdtemp(dir));
	opts_small(&o, "webapp", 5);
	o.out_dir = dir;
	cr_assert_eq(gr_synth_change_parse("remove=nope", &ch, &err), 0);
	o.changes = &ch;
	o.nchanges = 1;
	cr_assert_eq(gr_synth_run(&o, &st, &err), GR_ERR_USAGE);
	cr_assert_not_null(strstr(err.msg, "'nope'"), "%s", err.msg);
	cr_assert_not_null(strstr(err.msg, "web-frontend, web-process, web-notify, web-audit"), "%s",
			   err.msg);
	cr_assert_eq(gr_synth_change_parse("remove=web-audit", &ch, &err), 0);
	o.runs = 0;
	o.max_invocations = 100;
	cr_assert_eq(gr_synth_run(&o, &st, &err), GR_ERR_USAGE);
	cr_assert_not_null(strstr(err.msg, "-n"), "%s", err.msg);
	o.runs = 5;
	o.max_invocations = 0;
	cr_assert_eq(gr_synth_run(&o, &st, &err), 0, "%s", err.msg);
	rm_rf(dir);
}

/* No pointers in parameters (another process runs each case). */
struct change_case {
	char text[32];     /* --what-if argument */
	int rc;            /* 0 or GR_ERR_USAGE */
	int kind;          /* enum gr_synth_change_kind when 0 */
	char fn[16];       /* function, or "" */
	int hop;           /* delay: hop kind index */
	double factor;     /* factor */
	int64_t delay_us;  /* delay=KIND:TIME */
};

ParameterizedTestParameters(synth_whatif, change_grammar)
{
	static struct change_case cases[] = {
		{ "no-cold-starts=resize", 0, GR_SYNTH_NO_COLD, "resize", 0, 1, 0 },
		{ "faster=resize:2", 0, GR_SYNTH_FASTER, "resize", 0, 2, 0 },
		{ "slower=my_fn-1:1.5", 0, GR_SYNTH_SLOWER, "my_fn-1", 0, 1.5, 0 },
		{ "faster=a:.5", 0, GR_SYNTH_FASTER, "a", 0, 0.5, 0 },
		{ "delay=sqs:50ms", 0, GR_SYNTH_DELAY_SET, "", 3, 1, 50000 },
		{ "delay=s3:250", 0, GR_SYNTH_DELAY_SET, "", 0, 1, 250 },
		{ "delay=lambda:1.5s", 0, GR_SYNTH_DELAY_SET, "", 5, 1, 1500000 },
		{ "delay=sfn:0us", 0, GR_SYNTH_DELAY_SET, "", 7, 1, 0 },
		{ "delay=events:x0.25", 0, GR_SYNTH_DELAY_SCALE, "", 6, 0.25, 0 },
		{ "remove=audit", 0, GR_SYNTH_REMOVE, "audit", 0, 1, 0 },
		{ "faster=resize", GR_ERR_USAGE, 0, "", 0, 0, 0 },
		{ "faster=resize:0", GR_ERR_USAGE, 0, "", 0, 0, 0 },
		{ "faster=resize:-2", GR_ERR_USAGE, 0, "", 0, 0, 0 },
		{ "faster=resize:inf", GR_ERR_USAGE, 0, "", 0, 0, 0 },
		{ "faster=resize:2x", GR_ERR_USAGE, 0, "", 0, 0, 0 },
		{ "faster=:2", GR_ERR_USAGE, 0, "", 0, 0, 0 },
		{ "remove=", GR_ERR_USAGE, 0, "", 0, 0, 0 },
		{ "delay=sqs", GR_ERR_USAGE, 0, "", 0, 0, 0 },
		{ "delay=queue:1s", GR_ERR_USAGE, 0, "", 0, 0, 0 },
		{ "delay=sqs:5m", GR_ERR_USAGE, 0, "", 0, 0, 0 },
		{ "delay=sqs:2d", GR_ERR_USAGE, 0, "", 0, 0, 0 },
		{ "delay=sqs:x", GR_ERR_USAGE, 0, "", 0, 0, 0 },
		{ "warmer=resize", GR_ERR_USAGE, 0, "", 0, 0, 0 },
		{ "resize", GR_ERR_USAGE, 0, "", 0, 0, 0 },
		{ "", GR_ERR_USAGE, 0, "", 0, 0, 0 },
	};
	return cr_make_param_array(struct change_case, cases, sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct change_case *c, synth_whatif, change_grammar)
{
	struct gr_synth_change ch;
	struct gr_error err;

	memset(&err, 0, sizeof(err));
	int rc = gr_synth_change_parse(c->text, &ch, &err);
	cr_assert_eq(rc, c->rc, "%s: %d (%s)", c->text, rc, err.msg);
	if (rc) {
		cr_assert_not_null(strstr(err.msg, "--what-if"), "%s", err.msg);
		return;
	}
	cr_assert_eq((int)ch.kind, c->kind, "%s", c->text);
	cr_assert_eq(ch.text, c->text);
	if (c->fn[0])
		cr_assert_str_eq(ch.fn, c->fn);
	if (ch.kind == GR_SYNTH_DELAY_SET || ch.kind == GR_SYNTH_DELAY_SCALE)
		cr_assert_eq(ch.hop, c->hop, "%s", c->text);
	cr_assert_float_eq(ch.factor, c->factor, 1e-12, "%s", c->text);
	cr_assert_eq(ch.delay_us, c->delay_us, "%s", c->text);
}
