/* gen_main.c: gen-tests, the grammar-driven variants of every input family run through the whole pipeline. */
#include "gen.h"

#include <cgraph.h>
#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <time.h>

#include "fuzz_fetch.h"
#include "fuzz_infer.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/common_interface_defs.h>
#endif

static const char usage[] =
	"usage: gen-tests [-v] [-j N] [--templates DIR] [--write DIR [--sample]] [FAMILY[:INDEX]]...\n"
	"Make the grammar-driven variants of every input family (or of the named ones,\n"
	"or one variant) and run each through fetch, infer, critpath and dot in process,\n"
	"checking the accounting and that every output reads back. With --write, write\n"
	"them instead, one batch per family, and list the batches: FAMILY FEED GROUP PATH.\n"
	"GEN_DUMP=DIR also writes every variant run to DIR/FAMILY/INDEX-CLASS.EXT.\n"
	"-j N runs the families in N processes (the counts are the same).\n";

/* The families, in the order they run. */
static const struct gen_family families[] = {
	{ "export", "export.txt", GEN_ENC_TEXT, GEN_FEED_FETCH, "/aws/lambda/resize", "txt", false },
	{ "lambda-text", "lambda-text.txt", GEN_ENC_TEXT, GEN_FEED_FETCH, "/aws/lambda/resize", "txt",
	  false },
	{ "lambda-json", "lambda-json.ndjson", GEN_ENC_EXPORT, GEN_FEED_FETCH, "/aws/lambda/resize",
	  "txt", false },
	{ "telemetry", "lambda-json.ndjson", GEN_ENC_LINES, GEN_FEED_FETCH, "/aws/lambda/resize",
	  "ndjson", false },
	{ "sam-logs", "sam-logs.txt", GEN_ENC_TEXT, GEN_FEED_FETCH, NULL, "txt", false },
	{ "aws-logs-tail", "aws-logs-tail.txt", GEN_ENC_TEXT, GEN_FEED_FETCH, "/aws/lambda/resize",
	  "txt", false },
	{ "pulumi-logs", "pulumi-logs.txt", GEN_ENC_TEXT, GEN_FEED_FETCH, NULL, "txt", false },
	{ "serverless-logs", "serverless-logs.txt", GEN_ENC_TEXT, GEN_FEED_FETCH, "/aws/lambda/resize",
	  "txt", false },
	{ "console-copy", "console-copy.txt", GEN_ENC_TEXT, GEN_FEED_FETCH, "/aws/lambda/resize", "txt",
	  false },
	{ "logresult", "logresult.json", GEN_ENC_JSON, GEN_FEED_FETCH, NULL, "json", true },
	{ "lambda-insights", "lambda-insights.ndjson", GEN_ENC_LINES, GEN_FEED_FETCH, NULL, "ndjson",
	  true },
	{ "filter-log-events", "filter-log-events.json", GEN_ENC_JSON, GEN_FEED_FETCH,
	  "/aws/lambda/upload", "json", true },
	{ "get-log-events", "get-log-events.json", GEN_ENC_JSON, GEN_FEED_FETCH, "/aws/lambda/upload",
	  "json", true },
	{ "insights", "insights.json", GEN_ENC_JSON, GEN_FEED_FETCH, NULL, "json", true },
	{ "awslogs", "awslogs.json", GEN_ENC_PAYLOAD, GEN_FEED_FETCH, NULL, "json", true },
	{ "kinesis", "kinesis.json", GEN_ENC_PAYLOAD, GEN_FEED_FETCH, NULL, "json", true },
	{ "firehose", "firehose.json", GEN_ENC_PAYLOAD, GEN_FEED_FETCH, NULL, "json", true },
	{ "firehose-s3", "firehose-s3.json", GEN_ENC_GZIP_EACH, GEN_FEED_FETCH, NULL, "gz", true },
	{ "xray-doc", "xray-doc.json", GEN_ENC_JSON, GEN_FEED_FETCH, NULL, "json", true },
	{ "xray-page", "xray-page.json", GEN_ENC_DOCUMENT, GEN_FEED_FETCH, NULL, "json", true },
	{ "xray-page-objects", "xray-page.json", GEN_ENC_JSON, GEN_FEED_FETCH, NULL, "json", true },
	{ "xray-datagram", "xray-datagram.ndjson", GEN_ENC_LINES, GEN_FEED_FETCH, NULL, "txt", true },
	{ "jaeger", "jaeger.json", GEN_ENC_JSON, GEN_FEED_FETCH, NULL, "json", true },
	{ "jaeger-spans", "jaeger-spans.json", GEN_ENC_JSON, GEN_FEED_FETCH, NULL, "json", true },
	{ "otlp", "otlp.json", GEN_ENC_JSON, GEN_FEED_FETCH, NULL, "json", true },
	{ "otlp-lambda", "otlp-lambda.json", GEN_ENC_JSON, GEN_FEED_FETCH, NULL, "json", true },
	{ "aws-spans", "aws-spans.ndjson", GEN_ENC_EXPORT, GEN_FEED_FETCH, "aws/spans", "txt", false },
	{ "events", "events.ndjson", GEN_ENC_LINES, GEN_FEED_EVENTS, NULL, "ndjson", false },
	{ "graph", "graph.ndjson", GEN_ENC_LINES, GEN_FEED_GRAPH, NULL, "ndjson", false },
};
#define NFAMILIES (sizeof(families) / sizeof(*families))

static const char *const feed_names[] = { "fetch", "events", "graph" };

/* --- the variant being run, for failure reports ----------------------------------- */

static char current[1400];        /* "family F variant N (path P, class C); rerun: ..." */
static const char *prog = "gen-tests";
static jmp_buf on_fail;           /* back to the variant loop after a broken invariant */
static bool running;              /* on_fail is set */
static pthread_t main_thread;     /* the only thread that may jump to on_fail */
static unsigned long long failed; /* variants with a broken invariant */

_Noreturn void gen_fail(const char *what, const char *file, int line)
{
	fprintf(stderr, "gen-check: FAIL %s: %s (%s:%d)\n", current, what, file, line);
	if (running && pthread_equal(pthread_self(), main_thread))
		longjmp(on_fail, 1);
	abort();
}

static void say_current(const char *why)
{
	char msg[1600];
	int n = snprintf(msg, sizeof(msg), "\ngen-check: %s in %s\n", why, current);

	if (n > 0 && write(2, msg, (size_t)n < sizeof(msg) ? (size_t)n : sizeof(msg) - 1) < 0)
		return;
}

static struct sigaction old_action[NSIG];

static void on_signal(int sig)
{
	say_current(sig == SIGALRM ? "HANG (no end within GEN_ALARM seconds)" : "CRASH");
	if (sig == SIGALRM)
		_exit(124);
	/* the previous handler (the sanitizers', or the default) reports and ends */
	sigaction(sig, &old_action[sig], NULL);
	if (sig != SIGSEGV && sig != SIGBUS && sig != SIGFPE && sig != SIGILL)
		raise(sig); /* a faulting instruction faults again by itself */
}

#if defined(__SANITIZE_ADDRESS__)
static void on_sanitizer_death(void)
{
	say_current("SANITIZER REPORT");
}
#endif

static void catch_signals(void)
{
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGALRM };
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(*sigs); i++)
		sigaction(sigs[i], &sa, &old_action[sigs[i]]);
#if defined(__SANITIZE_ADDRESS__)
	__sanitizer_set_death_callback(on_sanitizer_death);
#endif
}

/* --- the checks after fetch and infer (those are in tests/fuzz/fuzz_*.h) ------------- */

static bool json_line(const char *p, size_t n, size_t flags)
{
	json_error_t e;
	json_t *v = json_loadb(p, n, flags | JSON_ALLOW_NUL, &e);
	bool ok = v && (flags & JSON_DECODE_ANY || json_is_object(v));

	if (!ok)
		fprintf(stderr, "not JSON (%s): %.*s\n", e.text, (int)(n > 300 ? 300 : n), p);
	json_decref(v);
	return ok;
}

/* gammaray-critpath on the stream s (a graph stream, or an event stream with request),
 * in one of its formats: documented stops only, accounting, JSON outputs are JSON. */
static void run_critpath(const char *s, size_t n, bool request, size_t k)
{
	static struct fuzz_file f;
	struct fuzz_sink sink = { .keep = 256u << 20 };
	struct gr_critpath_opts o;
	struct gr_stats st;
	struct gr_critpath_summary sum;
	struct gr_error err = { 0 };
	const char *path = fuzz_file_set(&f, "critpath", s, n);

	memset(&st, 0, sizeof(st));
	memset(&sum, 0, sizeof(sum));
	gr_critpath_opts_init(&o);
	o.request = request;
	o.format = (enum gr_critpath_format)(k / 2 % 5);
	if (o.request && o.format == GR_CRITPATH_ANNOTATE)
		o.format = GR_CRITPATH_JSON;
	o.slack = k % 3 == 0;
	o.top = 1 + (int)(k % 4);
	o.write = fuzz_sink_write;
	o.write_ctx = &sink;
	o.diag = fuzz_diag;
	int rc = gr_critpath(&o, &path, 1, &st, &sum, &err);
	fuzz_check_error(rc, &err);
	if (rc)
		FUZZ_CHECK(rc == GR_ERR_FORMAT || rc == GR_ERR_COMPRESS ||
			   (rc == GR_ERR_DATA && o.format == GR_CRITPATH_CHROME),
			   "gr_critpath stopped on input data");
	fuzz_check_stats(&st);
	FUZZ_CHECK(sink.total == sink.b.len, "output larger than the sink keeps");
	if (!rc && sink.b.data && (o.format == GR_CRITPATH_JSON || o.format == GR_CRITPATH_ANNOTATE)) {
		const char *p = sink.b.data, *end = p + sink.b.len;
		while (p < end) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			FUZZ_CHECK(nl, "unterminated output line");
			FUZZ_CHECK(json_line(p, (size_t)(nl - p), 0),
				   "gammaray-critpath wrote a line that is not a JSON object");
			p = nl + 1;
		}
	}
	if (!rc && o.format == GR_CRITPATH_CHROME && sink.b.len)
		FUZZ_CHECK(json_line(sink.b.data, sink.b.len, JSON_DECODE_ANY),
			   "gammaray-critpath wrote a trace that is not JSON");
	gr_buf_release(&sink.b);
}

/* gammaray-dot on the graph stream s: drawn (or refused for its version), accounting,
 * and the DOT parses with cgraph into the nodes and edges the summary counts. */
static void run_dot(const char *s, size_t n, size_t k)
{
	static struct fuzz_file f;
	static const char *const rankdir[] = { "LR", "TB", "RL", "BT" };
	struct fuzz_sink sink = { .keep = 256u << 20 };
	struct gr_dot_opts o;
	struct gr_stats st;
	struct gr_dot_summary sum;
	struct gr_error err = { 0 };
	const char *path = fuzz_file_set(&f, "graph", s, n);

	memset(&st, 0, sizeof(st));
	gr_dot_opts_init(&o);
	o.view = (enum gr_dot_view)(k % 3);
	o.max_nodes = k % 5 ? 3 + k % 11 : 0;
	o.legend = k % 2;
	o.rankdir = rankdir[k / 2 % 4];
	o.write = fuzz_sink_write;
	o.write_ctx = &sink;
	o.diag = fuzz_diag;
	int rc = gr_dot(&o, &path, 1, &st, &sum, &err);
	fuzz_check_error(rc, &err);
	if (rc) {
		FUZZ_CHECK(rc == GR_ERR_FORMAT, "gr_dot stopped on input data");
		gr_buf_release(&sink.b);
		return;
	}
	fuzz_check_stats(&st);
	FUZZ_CHECK(sink.total == sink.b.len && sink.b.len == sum.bytes, "bytes written");
	agseterr(AGMAX);
	Agraph_t *g = agmemread(sink.b.data);
	FUZZ_CHECK(g, "gammaray-dot wrote DOT that Graphviz cannot parse");
	FUZZ_CHECK((size_t)agnnodes(g) == sum.dot_nodes, "DOT nodes != nodes drawn");
	FUZZ_CHECK((size_t)agnedges(g) == sum.dot_edges, "DOT edges != edges drawn");
	agclose(g);
	gr_buf_release(&sink.b);
}

/* --- running and writing variants --------------------------------------------------- */

/* What the run is doing. */
struct run {
	const char *dump;          /* GEN_DUMP: write every variant here too, or NULL */
	const char *write;         /* --write: write batches here instead of running */
	long only;                 /* run only this index (-1: all) */
	unsigned alarm;            /* seconds one variant may take */
	unsigned long long count;  /* variants made (and run, unless writing) */
	bool sample;               /* --sample: write one variant per class of each family */
	char seen[64][48];         /* --sample: the classes of this family written so far */
	size_t nseen;
	FILE *batch;               /* --write: the family's batch file (one-file families) */
	char dir[1024];            /* --write: the family's batch directory (dir families) */
};

static void mkdirs(const char *path)
{
	char p[1024];

	snprintf(p, sizeof(p), "%s", path);
	for (char *s = p + 1; *s; s++)
		if (*s == '/') {
			*s = '\0';
			mkdir(p, 0777);
			*s = '/';
		}
	if (mkdir(p, 0777) && errno != EEXIST) {
		fprintf(stderr, "%s: cannot create %s: %s\n", prog, p, strerror(errno));
		exit(2);
	}
}

static void write_file(const char *path, const char *data, size_t n)
{
	/* a variant written out (--write, GEN_DUMP) */
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(data, 1, n, f) != n || fclose(f)) {
		fprintf(stderr, "%s: cannot write %s: %s\n", prog, path, strerror(errno));
		exit(2);
	}
}

static void file_class(const char *cls, char *out, size_t size)
{
	size_t i;

	for (i = 0; cls[i] && i + 1 < size; i++)
		out[i] = cls[i] == '/' ? '_' : cls[i];
	out[i] = '\0';
}

static void run_variant(const struct gen_variant *v)
{
	static struct fuzz_file input;
	struct gr_buf events = GR_BUF_INIT, graph = GR_BUF_INIT;
	const char *ev = NULL, *gr = NULL;
	size_t nev = 0, ngr = 0;

	if (v->fam->feed == GEN_FEED_FETCH) {
		struct gr_fetch_opts o;
		gr_fetch_opts_init(&o);
		o.jobs = 1;
		o.keep_logs = v->index % 2;
		fuzz_fetch_run(&o, fuzz_file_set(&input, v->fam->name, v->data, v->len),
			       v->fam->group, 0, &events);
		ev = events.data ? events.data : "";
		nev = events.len;
	} else if (v->fam->feed == GEN_FEED_EVENTS) {
		ev = v->data;
		nev = v->len;
	} else {
		gr = v->data;
		ngr = v->len;
	}
	if (ev) {
		/* now and then with --window: invocations released in batches */
		fuzz_infer_run(ev, nev, v->index % 3 == 2 ? 1000000 : 0, &graph);
		run_critpath(ev, nev, true, v->index);
		gr = graph.data ? graph.data : "";
		ngr = graph.len;
	}
	run_critpath(gr, ngr, false, v->index);
	run_dot(gr, ngr, v->index);
	gr_buf_release(&events);
	gr_buf_release(&graph);
}

static void emit(void *ctx, const struct gen_variant *v)
{
	struct run *r = ctx;
	char cls[80], path[1400];

	if (r->only >= 0 && (long)v->index != r->only)
		return;
	if (r->write && r->sample) {
		/* one variant per mutation class (valgrind-check runs these) */
		for (size_t i = 0; i < r->nseen; i++)
			if (!strcmp(r->seen[i], v->cls))
				return;
		if (r->nseen < sizeof(r->seen) / sizeof(r->seen[0]))
			snprintf(r->seen[r->nseen++], sizeof(r->seen[0]), "%s", v->cls);
	}
	r->count++;
	file_class(v->cls, cls, sizeof(cls));
	if (r->write) {
		if (!r->batch) {
			snprintf(path, sizeof(path), "%s/%05zu.%s", r->dir, v->index, v->fam->ext);
			write_file(path, v->data, v->len);
			return;
		}
		const char *p = v->data;
		size_t n = v->len;
		if (v->fam->feed != GEN_FEED_FETCH) {
			/* one stream: the header once (a changed header would end the batch:
			 * those variants run in process only) */
			if (!strncmp(v->path, "/0", 2) && (v->path[2] == '/' || !v->path[2]))
				return;
			const char *nl = memchr(p, '\n', n);
			if (v->index && nl) {
				n -= (size_t)(nl + 1 - p);
				p = nl + 1;
			}
		}
		FUZZ_CHECK(fwrite(p, 1, n, r->batch) == n, "cannot write the batch");
		return;
	}
	snprintf(current, sizeof(current),
		 "family %s variant %zu (path %s, class %s); rerun: %s %s:%zu, GEN_DUMP=DIR writes it "
		 "to DIR/%s/%05zu-%s.%s", v->fam->name, v->index, v->path[0] ? v->path : "-", v->cls,
		 prog, v->fam->name, v->index, v->fam->name, v->index, cls, v->fam->ext);
	if (r->dump) {
		snprintf(path, sizeof(path), "%s/%s/%05zu-%s.%s", r->dump, v->fam->name, v->index, cls,
			 v->fam->ext);
		write_file(path, v->data, v->len);
	}
	if (setjmp(on_fail)) {
		running = false;
		alarm(0);
		failed++;
		return;
	}
	running = true;
	alarm(r->alarm);
	run_variant(v);
	alarm(0);
	running = false;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int run_family(struct run *r, const struct gen_family *f, const char *tmpl, bool verbose)
{
	struct gen_sink sink = { emit, r };
	unsigned long long before = r->count, fails = failed;
	char path[1100];
	double t0 = now();
	int rc;

	r->batch = NULL;
	r->nseen = 0;
	if (r->write) {
		if (f->dir) {
			snprintf(r->dir, sizeof(r->dir), "%s/%s", r->write, f->name);
			mkdirs(r->dir);
			snprintf(path, sizeof(path), "%s", r->dir);
		} else {
			snprintf(path, sizeof(path), "%s/%s.%s", r->write, f->name, f->ext);
			/* the family's batch: every variant, one after the other */
			if (!(r->batch = fopen(path, "wb"))) {
				fprintf(stderr, "%s: cannot write %s: %s\n", prog, path, strerror(errno));
				return -1;
			}
		}
	}
	if (r->dump) {
		snprintf(path, sizeof(path), "%s/%s", r->dump, f->name);
		mkdirs(path);
	}
	rc = f->enc == GEN_ENC_TEXT ? gen_text_family(f, tmpl, &sink) : gen_json_family(f, tmpl, &sink);
	if (r->batch && fclose(r->batch)) {
		fprintf(stderr, "%s: cannot write %s/%s.%s\n", prog, r->write, f->name, f->ext);
		rc = -1;
	}
	if (r->write && !rc)
		printf("%s %s %s %s\n", f->name, feed_names[f->feed], f->group ? f->group : "-",
		       f->dir ? r->dir : path);
	else if (verbose)
		fprintf(stderr, "gen-check: %-18s %6llu variants, %llu failed, %.1f s\n", f->name,
			r->count - before, failed - fails, now() - t0);
	return rc;
}

/*
 * -j N: the families dealt to N child processes in turn (family k to child k % N,
 * so the big ones spread); each child runs its share as one process would and
 * reports its counts through a pipe; the parent sums them. A child that dies
 * (a signal the handler could not turn into a failure) fails the run.
 */
static int run_jobs(struct run *r0, int jobs, const char *tmpl, bool verbose, const bool *picked,
		    const long *only, double t0)
{
	unsigned long long count = 0, nfail = 0;
	int nfam = 0, bad = 0, fds[64];
	pid_t pids[64];

	fflush(NULL);
	for (int j = 0; j < jobs; j++) {
		int pfd[2];
		if (pipe(pfd) < 0 || (pids[j] = fork()) < 0) {
			fprintf(stderr, "%s: cannot start a job: %s\n", prog, strerror(errno));
			return 2;
		}
		if (pids[j] == 0) {
			struct run r = *r0;
			unsigned long long mine[3] = { 0, 0, 0 };
			close(pfd[0]);
			for (size_t k = (size_t)j; k < NFAMILIES; k += (size_t)jobs) {
				if (picked && !picked[k])
					continue;
				r.only = picked ? only[k] : -1;
				if (run_family(&r, &families[k], tmpl, verbose))
					_exit(2);
				mine[2]++;
			}
			mine[0] = r.count;
			mine[1] = failed;
			fflush(NULL);
			if (write(pfd[1], mine, sizeof(mine)) != (ssize_t)sizeof(mine))
				_exit(2);
			_exit(0);
		}
		close(pfd[1]);
		fds[j] = pfd[0];
	}
	for (int j = 0; j < jobs; j++) {
		unsigned long long got[3];
		int st;
		bool ok = read(fds[j], got, sizeof(got)) == (ssize_t)sizeof(got);
		close(fds[j]);
		if (waitpid(pids[j], &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) == 2 || !ok) {
			fprintf(stderr, "%s: job %d of %d failed (status %d)\n", prog, j + 1, jobs, st);
			bad = 1;
			continue;
		}
		count += got[0];
		nfail += got[1];
		nfam += (int)got[2];
	}
	if (bad)
		return 2;
	printf("gen-check: %llu variants in %d families, %llu failed\n", count, nfam, nfail);
	if (verbose)
		fprintf(stderr, "gen-check: %.1f s\n", now() - t0);
	return nfail ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct run r = { .dump = getenv("GEN_DUMP"), .only = -1, .alarm = 60 };
	const char *tmpl = "tests/gen/templates";
	bool verbose = false, picked[NFAMILIES] = { false }, any = false;
	long only[NFAMILIES];
	int nfam = 0, i, jobs = 1;

	prog = argv[0];
	main_thread = pthread_self();
	if (getenv("GEN_ALARM"))
		r.alarm = (unsigned)strtoul(getenv("GEN_ALARM"), NULL, 10);
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-v")) {
			verbose = true;
		} else if (!strcmp(argv[i], "--templates") && i + 1 < argc) {
			tmpl = argv[++i];
		} else if (!strcmp(argv[i], "--write") && i + 1 < argc) {
			r.write = argv[++i];
		} else if (!strcmp(argv[i], "-j") && i + 1 < argc) {
			jobs = atoi(argv[++i]);
			if (jobs < 1 || jobs > 64) {
				fprintf(stderr, "%s: -j takes 1 to 64\n", prog);
				return 2;
			}
		} else if (!strcmp(argv[i], "--sample")) {
			r.sample = true;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			fputs(usage, stdout);
			return 0;
		} else if (argv[i][0] == '-') {
			fputs(usage, stderr);
			return 2;
		} else {
			const char *colon = strchr(argv[i], ':');
			size_t n = colon ? (size_t)(colon - argv[i]) : strlen(argv[i]), k;
			for (k = 0; k < NFAMILIES; k++)
				if (strlen(families[k].name) == n && !strncmp(families[k].name, argv[i], n))
					break;
			if (k == NFAMILIES) {
				fprintf(stderr, "%s: no family '%s'\n", prog, argv[i]);
				return 2;
			}
			picked[k] = any = true;
			only[k] = colon ? strtol(colon + 1, NULL, 10) : -1;
		}
	}
	if (r.write)
		mkdirs(r.write);
	if (r.dump)
		mkdirs(r.dump);
	catch_signals();
	double t0 = now();
	if (jobs > 1 && !r.write && !r.dump)
		return run_jobs(&r, jobs, tmpl, verbose, any ? picked : NULL, only, t0);
	for (size_t k = 0; k < NFAMILIES; k++) {
		if (any && !picked[k])
			continue;
		r.only = any ? only[k] : -1;
		if (run_family(&r, &families[k], tmpl, verbose))
			return 2;
		nfam++;
	}
	if (r.write)
		return 0;
	printf("gen-check: %llu variants in %d families, %llu failed\n", r.count, nfam, failed);
	if (verbose)
		fprintf(stderr, "gen-check: %.1f s\n", now() - t0);
	return failed ? 1 : 0;
}
