/* input.c: one loop over a program's inputs: files, directories, "-", gzip/zlib, limits, loss accounting, --strict. */
#include "common/input.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_DIR_DEPTH 64 /* directory nesting followed */

/* The files of a run, operands expanded. */
struct file_list {
	char **v;         /* paths (owned) */
	uint64_t *size;   /* on-disk sizes, 0 when unknown (stdin) */
	size_t n, cap;
};

static int list_add(struct file_list *l, const char *path, uint64_t size)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		char **v = realloc(l->v, cap * sizeof(*v));
		if (!v)
			return GR_ERR_NOMEM;
		l->v = v;
		uint64_t *s = realloc(l->size, cap * sizeof(*s));
		if (!s)
			return GR_ERR_NOMEM;
		l->size = s;
		l->cap = cap;
	}
	if (!(l->v[l->n] = strdup(path)))
		return GR_ERR_NOMEM;
	l->size[l->n++] = size;
	return 0;
}

static void list_free(struct file_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	free(l->size);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A directory that cannot be read is a lost input, said where it is met. */
static void dir_lost(struct gr_input *in, const char *path, const char *why)
{
	struct gr_error e = { 0 };

	in->st->files++;
	in->st->reason[GR_LOST_UNREADABLE]++;
	gr_error_set(&e, GR_ERR_IO, "cannot read directory: %s", why);
	gr_error_at(&e, path, 0);
	gr_input_diag(in, 1, &e);
}

/* Add path (a file, or the files below a directory in name order) to l. */
static int expand(struct file_list *l, struct gr_input *in, const char *path, int depth)
{
	struct stat st;

	if (!strcmp(path, "-"))
		return list_add(l, path, 0);
	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
		/* a missing file is said when it fails to open, in its turn */
		return list_add(l, path, stat(path, &st) == 0 ? (uint64_t)st.st_size : 0);
	if (depth >= MAX_DIR_DEPTH) {
		dir_lost(in, path, "nested too deep");
		return 0;
	}
	DIR *d = opendir(path);
	if (!d) {
		dir_lost(in, path, strerror(errno));
		return 0;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue; /* ".", "..", and hidden files such as editors' swap files */
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 32;
			char **p = realloc(names, nc * sizeof(*p));
			if (!p) {
				rc = GR_ERR_NOMEM;
				break;
			}
			names = p;
			cap = nc;
		}
		size_t len = strlen(path) + strlen(de->d_name) + 2;
		if (!(names[n] = malloc(len))) {
			rc = GR_ERR_NOMEM;
			break;
		}
		size_t pl = strlen(path);
		snprintf(names[n], len, "%s%s%s", path, pl && path[pl - 1] == '/' ? "" : "/",
			 de->d_name);
		n++;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_names);
	size_t before = l->n;
	for (size_t i = 0; i < n; i++) {
		if (!rc) {
			struct stat cst;
			if (stat(names[i], &cst) == 0 && S_ISDIR(cst.st_mode))
				rc = expand(l, in, names[i], depth + 1);
			else if (stat(names[i], &cst) != 0 || S_ISREG(cst.st_mode))
				rc = list_add(l, names[i], stat(names[i], &cst) == 0 ? (uint64_t)cst.st_size : 0);
		}
		free(names[i]);
	}
	free(names);
	if (!rc && l->n == before && depth == 0) {
		struct gr_error e = { 0 };
		gr_error_set(&e, GR_OK, "directory holds no files to read");
		gr_error_at(&e, path, 0);
		gr_input_diag(in, 0, &e);
	}
	return rc;
}

void gr_input_diag(void *ctx, int severity, const struct gr_error *e)
{
	struct gr_input *in = ctx;
	bool after_first = severity && in->lost;

	if (severity && !in->lost) {
		in->first = *e;
		in->lost = true;
	}
	/* under strict the first loss is the run's error: shown as it is met, as in every
	 * program; what the rest of its file loses lies past the stop and is not */
	if (after_first && in->o->strict)
		return;
	if (in->o->diag)
		in->o->diag(in->o->diag_ctx, severity, e);
}

void gr_input_progress(struct gr_input *in, uint64_t records, uint64_t events)
{
	static const uint64_t every = 1u << 16;

	if (!in->o->progress || (records % every && records != UINT64_MAX))
		return;
	in->prog.records = records == UINT64_MAX ? in->prog.records : records;
	in->prog.events = events;
	struct gr_progress p = in->prog;
	p.bytes_done += in->r.bytes_in;
	in->o->progress(in->o->progress_ctx, &p);
}

/* A file lost whole, or the rest of it (rc from opening or reading). 0, or rc under
 * strict. */
static int file_lost(struct gr_input *in, int rc, const struct gr_error *e, struct gr_error *err)
{
	in->st->reason[rc == GR_ERR_COMPRESS ? GR_LOST_COMPRESS : GR_LOST_UNREADABLE]++;
	if (in->o->strict) {
		if (err)
			*err = *e;
		return rc;
	}
	gr_input_diag(in, 1, e);
	return 0;
}

int gr_input_each(const struct gr_input_opts *o, const char *const *paths, size_t npaths,
		  int (*read)(void *ctx, struct gr_input *in, struct gr_error *err), void *ctx,
		  struct gr_stats *st, struct gr_error *err)
{
	static const char *const stdin_only[] = { "-" };
	struct file_list files = { 0 };
	struct gr_input in;
	int rc = 0;

	memset(&in, 0, sizeof(in));
	in.st = st;
	in.o = o;
	if (!npaths) {
		paths = stdin_only;
		npaths = 1;
	}
	for (size_t i = 0; i < npaths && !rc; i++)
		rc = expand(&files, &in, paths[i], 0);
	if (rc) {
		gr_error_set(err, rc, "out of memory");
		goto out;
	}
	if (o->strict && in.lost) {
		if (err)
			*err = in.first;
		rc = in.first.code ? in.first.code : GR_ERR_IO;
		goto out;
	}
	in.prog.files_total = files.n;
	for (size_t i = 0; i < files.n; i++)
		in.prog.bytes_total += files.size[i];

	for (size_t i = 0; i < files.n && !rc; i++) {
		struct gr_error e = { 0 };
		in.path = files.v[i];
		st->files++;
		if (gr_reader_open(&in.r, in.path, &e)) {
			rc = file_lost(&in, e.code ? e.code : GR_ERR_IO, &e, err);
			in.prog.files_done++;
			in.prog.bytes_done += files.size[i];
			continue;
		}
		gr_reader_limits(&in.r, o->max_line, o->max_doc, o->max_depth);
		int frc = read(ctx, &in, &e);
		st->bytes_in += in.r.bytes_in;
		st->bytes += gr_reader_offset(&in.r);
		if (frc == GR_ERR_COMPRESS || frc == GR_ERR_IO) {
			/* what was read of it stands; the rest of this file is lost */
			if (!e.code && in.r.err)
				e = in.r.errinfo;
			if (!e.code) {
				gr_error_set(&e, frc, "%s", gr_strerror(frc));
				gr_error_at(&e, in.path, 0);
			}
			rc = file_lost(&in, frc, &e, err);
		} else if (frc) {
			rc = frc;
			if (err)
				*err = e;
		}
		gr_reader_release(&in.r);
		in.prog.files_done++;
		in.prog.bytes_done += files.size[i];
		if (o->progress)
			o->progress(o->progress_ctx, &in.prog);
		if (!rc && o->strict && in.lost) {
			if (err)
				*err = in.first;
			rc = GR_ERR_DATA;
		}
	}
out:
	list_free(&files);
	return rc;
}
