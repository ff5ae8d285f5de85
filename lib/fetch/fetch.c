/* fetch.c: gammaray-fetch's driver: inputs to units, units to workers, ordered output. */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/fn_filter.h"
#include "common/reader.h"
#include "fetch/unit.h"

#define MAX_DEPTH_DIRS 64 /* directory nesting followed */

void gr_fetch_opts_init(struct gr_fetch_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->since_us = GR_TIME_UNKNOWN;
	o->until_us = GR_TIME_UNKNOWN;
	o->jobs = 1;
}

/* --- export task ids -> log groups ---------------------------------------------- */

static int load_export_tasks(struct gr_fetch_cfg *cfg, struct gr_arena *arena, const char *path,
			     struct gr_error *err)
{
	struct gr_reader r;
	const char *doc;
	size_t n;
	uint64_t line;
	int rc;

	if ((rc = gr_reader_open(&r, path, err)))
		return rc;
	while ((rc = gr_reader_json(&r, &doc, &n, &line)) > 0) {
		json_error_t jerr;
		json_t *j = json_loadb(doc, n, 0, &jerr), *tasks, *t;
		size_t i;
		if (!j) {
			gr_error_set(err, GR_ERR_JSON, "malformed JSON: %s", jerr.text);
			gr_error_at(err, path, line + (jerr.line > 1 ? (uint64_t)jerr.line - 1 : 0));
			gr_reader_release(&r);
			return GR_ERR_JSON;
		}
		tasks = json_object_get(j, "exportTasks");
		if (!json_is_array(tasks)) {
			json_decref(j);
			gr_reader_release(&r);
			gr_error_set(err, GR_ERR_FORMAT,
				     "not 'aws logs describe-export-tasks' output (no exportTasks)");
			gr_error_at(err, path, line);
			return GR_ERR_FORMAT;
		}
		json_array_foreach(tasks, i, t) {
			json_t *id = json_object_get(t, "taskId"), *g = json_object_get(t, "logGroupName");
			if (!json_is_string(id) || !json_is_string(g))
				continue;
			if (cfg->ntask_groups == cfg->task_cap) {
				size_t cap = cfg->task_cap ? cfg->task_cap * 2 : 16;
				char **p = realloc(cfg->task_groups, cap * sizeof(*p));
				if (!p)
					goto nomem;
				cfg->task_groups = p;
				cfg->task_cap = cap;
			}
			char *k = gr_arena_strdup(arena, json_string_value(id), json_string_length(id));
			char *v = gr_arena_strdup(arena, json_string_value(g), json_string_length(g));
			if (!k || !v)
				goto nomem;
			int added;
			uint32_t *slot = gr_strmap_put(&cfg->tasks, k, strlen(k),
						       (uint32_t)cfg->ntask_groups, &added);
			if (!slot)
				goto nomem;
			if (added)
				cfg->task_groups[cfg->ntask_groups++] = v;
			continue;
nomem:
			json_decref(j);
			gr_reader_release(&r);
			return gr_error_set(err, GR_ERR_NOMEM, "out of memory");
		}
		json_decref(j);
	}
	if (rc < 0) {
		*err = r.errinfo;
		gr_reader_release(&r);
		return rc;
	}
	gr_reader_release(&r);
	return 0;
}

/* --- walking the inputs into units --------------------------------------------- */

struct walker {
	struct gr_fetch_cfg *cfg;
	struct gr_arena *arena;        /* paths and names */
	struct gr_unit_spec *units;
	size_t n, cap;
	dev_t dev[MAX_DEPTH_DIRS];     /* directories being walked, for loops */
	ino_t ino[MAX_DEPTH_DIRS];
	int depth;
	struct gr_fetch_input cur;     /* the operand being walked */
	struct gr_diag *notes;         /* walk notices (loops...) */
	size_t nnotes;
	int err;
};

static struct gr_unit_spec *add_unit(struct walker *w)
{
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 64;
		struct gr_unit_spec *p = realloc(w->units, cap * sizeof(*p));
		if (!p) {
			w->err = GR_ERR_NOMEM;
			return NULL;
		}
		w->units = p;
		w->cap = cap;
	}
	struct gr_unit_spec *u = &w->units[w->n++];
	memset(u, 0, sizeof(*u));
	u->group = w->cur.log_group;
	u->group_from = w->cur.log_group ? "option" : NULL;
	return u;
}

static void note(struct walker *w, const char *path, const char *msg)
{
	struct gr_diag *p = realloc(w->notes, (w->nnotes + 1) * sizeof(*p));

	if (!p)
		return;
	w->notes = p;
	memset(&p[w->nnotes], 0, sizeof(*p));
	p[w->nnotes].severity = 0;
	gr_error_set(&p[w->nnotes].e, 0, "%s", msg);
	gr_error_at(&p[w->nnotes].e, path, 0);
	w->nnotes++;
}

static void single_file(struct walker *w, char *path, uint64_t size)
{
	struct gr_unit_spec *u = add_unit(w);
	char **files = gr_arena_alloc(w->arena, sizeof(char *));

	if (!u || !files) {
		w->err = GR_ERR_NOMEM;
		return;
	}
	files[0] = path;
	u->files = files;
	u->nfiles = 1;
	u->bytes = size;
}

/* "000000.gz", "000001": the chunk files of one exported log stream. */
static bool chunk_name(const char *name)
{
	size_t d = strspn(name, "0123456789");

	return d >= 1 && (!name[d] || !strcmp(name + d, ".gz"));
}

static bool date_dirs(const char *y, const char *m, const char *d)
{
	return strlen(y) == 4 && strspn(y, "0123456789") == 4 && strlen(m) == 2 &&
	       strspn(m, "0123456789") == 2 && strlen(d) == 2 && strspn(d, "0123456789") == 2;
}

/* The log stream and export task of a directory of chunk files. Handles the
 * flattened folder ("2024-05-01-[$LATEST]abc", '/' replaced by '-') and the nested
 * one (".../2024/05/01/[$LATEST]abc/"). */
static void export_names(struct walker *w, const char *dir, struct gr_unit_spec *u)
{
	char *parts[6] = { 0 };
	int np = 0;
	char *copy = gr_arena_strdup(w->arena, dir, strlen(dir));

	if (!copy)
		return;
	/* the last path components, innermost first */
	for (char *end = copy + strlen(copy); np < 6;) {
		while (end > copy && end[-1] == '/')
			*--end = '\0';
		char *slash = memrchr(copy, '/', (size_t)(end - copy));
		parts[np++] = slash ? slash + 1 : copy;
		if (!slash)
			break;
		*slash = '\0';
		end = slash;
	}
	const char *task = NULL;
	char *stream = NULL;
	if (np >= 4 && parts[0][0] == '[' && date_dirs(parts[3], parts[2], parts[1])) {
		size_t len = strlen(parts[0]) + 12;
		stream = gr_arena_alloc(w->arena, len);
		if (stream)
			snprintf(stream, len, "%s/%s/%s/%s", parts[3], parts[2], parts[1], parts[0]);
		task = np >= 5 ? parts[4] : NULL;
	} else {
		stream = gr_arena_strdup(w->arena, parts[0], strlen(parts[0]));
		if (stream && strlen(stream) > 11 && stream[4] == '-' && stream[7] == '-' &&
		    stream[10] == '-' && strspn(stream, "0123456789") == 4) {
			stream[4] = stream[7] = stream[10] = '/';
		}
		task = np >= 2 ? parts[1] : NULL;
	}
	u->stream = stream;
	if (!u->group && task) {
		uint32_t *ix = gr_strmap_get(&w->cfg->tasks, task, strlen(task));
		if (ix) {
			u->group = w->cfg->task_groups[*ix];
			u->group_from = "export-tasks";
		}
	}
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void walk(struct walker *w, const char *path);

static void walk_dir(struct walker *w, const char *path, const struct stat *st)
{
	for (int i = 0; i < w->depth; i++) {
		if (w->dev[i] == st->st_dev && w->ino[i] == st->st_ino) {
			note(w, path, "directory loop (symbolic link) not followed");
			return;
		}
	}
	if (w->depth == MAX_DEPTH_DIRS) {
		note(w, path, "directories nested too deep: not followed");
		return;
	}
	DIR *d = opendir(path);
	if (!d) {
		/* reported as an unreadable file by the unit that tries to read it */
		single_file(w, gr_arena_strdup(w->arena, path, strlen(path)), 0);
		return;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		/* ".", "..", and hidden names (gammaray-pull's state, editors' files) */
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			char **p = realloc(names, cap * sizeof(*p));
			if (!p)
				break;
			names = p;
		}
		names[n++] = gr_arena_strdup(w->arena, de->d_name, strlen(de->d_name));
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_names);

	w->dev[w->depth] = st->st_dev;
	w->ino[w->depth] = st->st_ino;
	w->depth++;
	size_t chunk_ix = SIZE_MAX; /* unit of this directory's chunk files, if any */
	for (size_t i = 0; i < n && !w->err; i++) {
		if (!names[i])
			continue;
		size_t len = strlen(path) + strlen(names[i]) + 2;
		char *child = gr_arena_alloc(w->arena, len);
		if (!child) {
			w->err = GR_ERR_NOMEM;
			break;
		}
		snprintf(child, len, "%s%s%s", path, path[strlen(path) - 1] == '/' ? "" : "/",
			 names[i]);
		struct stat cst;
		if (stat(child, &cst) == 0 && S_ISREG(cst.st_mode) && chunk_name(names[i])) {
			/* chunk files of one exported stream form one unit, read in order */
			if (chunk_ix == SIZE_MAX) {
				struct gr_unit_spec *c = add_unit(w);
				if (!c)
					break;
				chunk_ix = w->n - 1;
				c->files = gr_arena_alloc(w->arena, n * sizeof(char *));
				if (!c->files) {
					w->err = GR_ERR_NOMEM;
					break;
				}
				export_names(w, path, c);
			}
			struct gr_unit_spec *c = &w->units[chunk_ix]; /* units may have moved */
			c->files[c->nfiles++] = child;
			c->bytes += (uint64_t)cst.st_size;
			continue;
		}
		walk(w, child);
	}
	w->depth--;
	free(names);
}

static void walk(struct walker *w, const char *path)
{
	struct stat st;

	if (!strcmp(path, "-")) {
		single_file(w, (char *)"-", 0);
		return;
	}
	char *p = gr_arena_strdup(w->arena, path, strlen(path));
	if (!p) {
		w->err = GR_ERR_NOMEM;
		return;
	}
	if (stat(path, &st) != 0) {
		single_file(w, p, 0); /* the unit reports why it cannot be opened */
		return;
	}
	if (S_ISDIR(st.st_mode)) {
		walk_dir(w, p, &st);
		return;
	}
	single_file(w, p, (uint64_t)st.st_size);
}

/* --- running units in order ------------------------------------------------------ */

struct slot {
	struct gr_unit *u; /* running or finished unit, NULL before it starts */
	bool done;         /* finished: may be written once it is the head */
};

struct run {
	const struct gr_fetch_opts *o;
	struct gr_fetch_cfg *cfg;
	struct gr_unit_spec *specs;
	size_t n;
	struct slot *slots;
	atomic_size_t next;          /* next unit to start */
	pthread_mutex_t lock;        /* head, slots, output, stats */
	pthread_cond_t changed;      /* a unit finished */
	size_t head;                 /* first unit not yet completely written */
	size_t finished;             /* units done */
	uint64_t bytes_done;         /* on-disk bytes of finished units */
	int fatal;                   /* first error that stops the run */
	struct gr_error fatal_err;
	atomic_bool stop;            /* workers should not start more units */
	struct gr_stats st;          /* totals of written units */
};

/* Write u's buffered output (under run->lock, u is the head). */
static int emit(struct run *run, struct gr_unit *u)
{
	int rc = 0;

	if (u->out.len && !run->fatal) {
		rc = run->o->write ? run->o->write(run->o->write_ctx, u->out.data, u->out.len) : 0;
		if (rc && !run->fatal) {
			run->fatal = rc;
			gr_error_set(&run->fatal_err, rc, "cannot write output: %s", gr_strerror(rc));
			atomic_store(&run->stop, true);
		}
	}
	gr_buf_reset(&u->out);
	return rc;
}

static void deliver_diags(struct run *run, struct gr_unit *u)
{
	if (!run->o->diag)
		return;
	for (size_t i = 0; i < u->ndiags; i++)
		run->o->diag(run->o->diag_ctx, u->diags[i].severity, &u->diags[i].e);
	if (u->diags_dropped) {
		struct gr_error e = { 0 };
		gr_error_set(&e, GR_ERR_DATA, "%llu more messages about this input not shown",
			     (unsigned long long)u->diags_dropped);
		gr_error_at(&e, u->spec->nfiles ? u->spec->files[0] : "", 0);
		run->o->diag(run->o->diag_ctx, 0, &e);
	}
}

/* Flush hook: the head unit streams its output; others keep buffering. */
static int unit_flush(struct gr_unit *u)
{
	struct run *run = u->flush_ctx;
	int rc = 0;

	pthread_mutex_lock(&run->lock);
	if (run->slots[run->head].u == u)
		rc = emit(run, u);
	if (run->fatal)
		rc = run->fatal;
	pthread_mutex_unlock(&run->lock);
	return rc;
}

/* Write every finished unit at the head (under run->lock). */
static void advance(struct run *run)
{
	while (run->head < run->n && run->slots[run->head].done) {
		struct gr_unit *u = run->slots[run->head].u;
		deliver_diags(run, u);
		emit(run, u);
		gr_stats_add(&run->st, &u->st);
		if (u->fatal && !run->fatal) {
			run->fatal = u->fatal;
			run->fatal_err = u->fatal_err;
			atomic_store(&run->stop, true);
		}
		gr_unit_release(u);
		free(u);
		run->slots[run->head].u = NULL;
		run->head++;
		if (run->fatal)
			break;
	}
}

static void *worker(void *arg)
{
	struct run *run = arg;
	struct gr_reader_cache cache = { 0 };

	for (;;) {
		if (atomic_load(&run->stop))
			break;
		size_t i = atomic_fetch_add(&run->next, 1);
		if (i >= run->n)
			break;
		struct gr_unit *u = malloc(sizeof(*u));
		pthread_mutex_lock(&run->lock);
		if (!u) {
			if (!run->fatal) {
				run->fatal = GR_ERR_NOMEM;
				gr_error_set(&run->fatal_err, GR_ERR_NOMEM, "out of memory");
			}
			atomic_store(&run->stop, true);
			pthread_mutex_unlock(&run->lock);
			break;
		}
		gr_unit_init(u, run->cfg, &run->specs[i]);
		u->rcache = &cache;
		u->flush = unit_flush;
		u->flush_ctx = run;
		run->slots[i].u = u;
		pthread_mutex_unlock(&run->lock);

		gr_unit_run(u);

		pthread_mutex_lock(&run->lock);
		run->slots[i].done = true;
		run->finished++;
		run->bytes_done += run->specs[i].bytes;
		advance(run);
		pthread_cond_broadcast(&run->changed);
		pthread_mutex_unlock(&run->lock);
	}
	gr_reader_cache_release(&cache);
	pthread_mutex_lock(&run->lock);
	pthread_cond_broadcast(&run->changed);
	pthread_mutex_unlock(&run->lock);
	return NULL;
}

static void report_progress(struct run *run, uint64_t total_bytes)
{
	struct gr_progress p = {
		.files_done = run->finished, .files_total = run->n,
		.bytes_done = run->bytes_done, .bytes_total = total_bytes,
		.records = run->st.records_in, .events = run->st.events_out,
	};
	run->o->progress(run->o->progress_ctx, &p);
}

static int run_units(struct run *run, int jobs)
{
	pthread_t tid[GR_MAX_JOBS];
	int started = 0;
	uint64_t total = 0;

	for (size_t i = 0; i < run->n; i++)
		total += run->specs[i].bytes;
	for (int i = 0; i < jobs; i++) {
		if (pthread_create(&tid[i], NULL, worker, run) != 0)
			break;
		started++;
	}
	if (!started)
		worker(run);
	pthread_mutex_lock(&run->lock);
	while (run->finished < run->n && !run->fatal) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 250 * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&run->changed, &run->lock, &ts);
		if (run->o->progress)
			report_progress(run, total);
	}
	pthread_mutex_unlock(&run->lock);
	for (int i = 0; i < started; i++)
		pthread_join(tid[i], NULL);
	/* units that ran after a fatal error are dropped unwritten */
	for (size_t i = 0; i < run->n; i++) {
		if (run->slots[i].u) {
			gr_unit_release(run->slots[i].u);
			free(run->slots[i].u);
		}
	}
	if (run->o->progress)
		report_progress(run, total);
	return run->fatal;
}

int gr_fetch(const struct gr_fetch_opts *o, const struct gr_fetch_input *in, size_t nin,
	     struct gr_stats *st, struct gr_error *err)
{
	struct gr_fetch_cfg cfg = { 0 };
	struct gr_arena arena = { 0 };
	struct walker w = { 0 };
	struct run run = { 0 };
	static const struct gr_fetch_input stdin_input = { "-", NULL };
	int rc = 0;

	memset(st, 0, sizeof(*st));
	if (o->jobs < 1 || o->jobs > GR_MAX_JOBS)
		return gr_error_set(err, GR_ERR_USAGE, "jobs must be 1..%d", GR_MAX_JOBS);
	cfg.o = o;
	if (o->function && !(cfg.filter = gr_fn_filter_new(o->function, err)))
		return err && err->code ? err->code : GR_ERR_NOMEM;
	if (o->export_tasks && (rc = load_export_tasks(&cfg, &arena, o->export_tasks, err)))
		goto out;
	/* without --export-tasks, a directory operand's own export-tasks.json (as
	 * gammaray-pull and gammaray-synth write it) names its export folders' groups */
	for (size_t i = 0; i < nin && !o->export_tasks; i++) {
		char tasks[4096];
		struct stat ts;
		if (snprintf(tasks, sizeof(tasks), "%s/export-tasks.json", in[i].path) >=
		    (int)sizeof(tasks) || stat(tasks, &ts) || !S_ISREG(ts.st_mode))
			continue;
		if ((rc = load_export_tasks(&cfg, &arena, tasks, err)))
			goto out;
	}

	if (!nin) {
		in = &stdin_input;
		nin = 1;
	}
	w.cfg = &cfg;
	w.arena = &arena;
	for (size_t i = 0; i < nin && !w.err; i++) {
		w.cur = in[i];
		walk(&w, in[i].path);
	}
	if (w.err) {
		rc = gr_error_set(err, w.err, "out of memory");
		goto out;
	}
	if (o->diag)
		for (size_t i = 0; i < w.nnotes; i++)
			o->diag(o->diag_ctx, 0, &w.notes[i].e);

	run.o = o;
	run.cfg = &cfg;
	run.specs = w.units;
	run.n = w.n;
	run.slots = calloc(w.n ? w.n : 1, sizeof(*run.slots));
	if (!run.slots) {
		rc = gr_error_set(err, GR_ERR_NOMEM, "out of memory");
		goto out;
	}
	pthread_mutex_init(&run.lock, NULL);
	pthread_cond_init(&run.changed, NULL);
	if (o->write) {
		/* the stream header, then the units' events in input order */
		struct gr_buf hb = GR_BUF_INIT;
		struct gr_jw jw;
		gr_jw_init(&jw, &hb);
		gr_ev_header(&jw);
		rc = jw.err ? jw.err : o->write(o->write_ctx, hb.data, hb.len);
		gr_buf_release(&hb);
		if (rc) {
			gr_error_set(err, rc, "cannot write output: %s", gr_strerror(rc));
			goto out_run;
		}
	}
	int jobs = o->jobs;
	if ((size_t)jobs > run.n)
		jobs = run.n ? (int)run.n : 1;
	rc = run_units(&run, jobs);
	*st = run.st;
	if (rc && err)
		*err = run.fatal_err;
	if (o->write && (!rc || rc == GR_ERR_DATA)) {
		/* the stream ends with what was read and lost, for the stages after us */
		struct gr_buf sb = GR_BUF_INIT;
		struct gr_jw jw;
		gr_jw_init(&jw, &sb);
		gr_ev_stats(&jw, "fetch", st);
		int wrc = jw.err ? jw.err : o->write(o->write_ctx, sb.data, sb.len);
		gr_buf_release(&sb);
		if (wrc && !rc) {
			rc = wrc;
			gr_error_set(err, rc, "cannot write output: %s", gr_strerror(rc));
		}
	}
out_run:
	pthread_mutex_destroy(&run.lock);
	pthread_cond_destroy(&run.changed);
	free(run.slots);
out:
	free(w.units);
	free(w.notes);
	free(cfg.task_groups);
	gr_strmap_release(&cfg.tasks);
	gr_fn_filter_free(cfg.filter);
	gr_arena_release(&arena);
	return rc;
}
