/* synth.c: gammaray-synth's public entry points: options, applications, one run. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "synth/synth.h"

void gr_synth_opts_init(struct gr_synth_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->app = "mixed";
	o->seed = 1;
	o->runs = 20;
	o->start_us = 1714564800000000; /* 2024-05-01T12:00:00Z */
	o->rate = 10;
	o->sample_rate = 0.05;
	o->reservoir = 1;
	o->error_rate = 0.02;
	o->timeout_rate = 0.003;
	o->markers = true;
	o->format = GR_SYNTH_EXPORT;
	o->chunk_events = 10000;
	o->traces_per_page = 100;
	o->compress_level = 1;
	o->memory = 64u << 20;
}

size_t gr_synth_app_count(void)
{
	return gr_sy_napps;
}

const char *gr_synth_app_name(size_t i)
{
	return i < gr_sy_napps ? gr_sy_apps[i]->name : NULL;
}

const char *gr_synth_app_summary(size_t i)
{
	return i < gr_sy_napps ? gr_sy_apps[i]->summary : NULL;
}

static int check_opts(const struct gr_synth_opts *o, struct gr_error *err)
{
	if (!o->out_dir || !*o->out_dir)
		return gr_error_set(err, GR_ERR_USAGE, "no output directory");
	if (!(o->rate > 0 && o->rate <= 1e6))
		return gr_error_set(err, GR_ERR_USAGE, "rate must be in (0, 1000000]");
	if (!(o->sample_rate >= 0 && o->sample_rate <= 1) ||
	    !(o->error_rate >= 0 && o->error_rate <= 0.5) ||
	    !(o->timeout_rate >= 0 && o->timeout_rate <= 0.5))
		return gr_error_set(err, GR_ERR_USAGE,
				    "sample rate must be in [0, 1], error and timeout rates in [0, 0.5]");
	if (o->chunk_events < 1 || o->traces_per_page < 1)
		return gr_error_set(err, GR_ERR_USAGE, "chunk and page sizes must be positive");
	if (o->jobs < 0 || o->jobs > GR_MAX_JOBS)
		return gr_error_set(err, GR_ERR_USAGE, "jobs must be in 0..%d", GR_MAX_JOBS);
	if (o->traces != GR_SYNTH_XRAY && o->traces != GR_SYNTH_OTEL && o->traces != GR_SYNTH_BOTH)
		return gr_error_set(err, GR_ERR_USAGE, "traces must be xray, otel or both");
	if (o->compress_level < 1 || o->compress_level > 9)
		return gr_error_set(err, GR_ERR_USAGE, "compression level must be in 1..9");
	if (o->max_invocations > UINT32_MAX / 2 || o->runs > UINT32_MAX / 2)
		return gr_error_set(err, GR_ERR_USAGE, "too many runs or invocations");
	if (o->nchanges && (!o->runs || o->max_invocations))
		/* the runs -N starts depend on the invocations, which a change changes:
		 * the same workload is the same number of runs */
		return gr_error_set(err, GR_ERR_USAGE,
				    "--what-if takes the number of runs (-n), not -N: that of the "
				    "simulation without the change (its truth has one critpath "
				    "record per run)");
	if (o->start_us < 1000000000000000 || o->start_us > 4000000000000000)
		return gr_error_set(err, GR_ERR_USAGE, "start time must be between 2001 and 2096");
	return 0;
}

/* The output directory must be new or empty, unless forced. */
static int check_dir(const struct gr_synth_opts *o, struct gr_error *err)
{
	DIR *d = opendir(o->out_dir);

	if (!d) {
		if (errno == ENOENT)
			return gr_sy_mkdirs(o->out_dir, err);
		gr_error_set(err, GR_ERR_IO, "cannot open directory: %s", strerror(errno));
		gr_error_at(err, o->out_dir, 0);
		return GR_ERR_IO;
	}
	struct dirent *e;
	bool empty = true;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			empty = false;
	closedir(d);
	if (!empty && !o->force) {
		gr_error_set(err, GR_ERR_USAGE, "output directory is not empty (use --force)");
		gr_error_at(err, o->out_dir, 0);
		return GR_ERR_USAGE;
	}
	return 0;
}

static void release(struct gr_sy_sim *s)
{
	gr_sy_log_release(s);
	gr_sy_otel_release(s);
	for (size_t i = 0; i < s->ntraces; i++) {
		gr_buf_release(&s->traces[i]->segs);
		free(s->traces[i]);
	}
	free(s->traces);
	for (size_t i = 0; i < s->nblocks; i++)
		free(s->blocks[i]);
	free(s->blocks);
	for (int i = 0; i < SY_MAX_DEPTH; i++) {
		gr_buf_release(&s->ctx[i].text);
		free(s->ctx[i].lines);
		free(s->ctx[i].calls);
	}
	free(s->heap);
	free(s->nodes);
	free(s->edges);
	free(s->run_expect);
	free(s->run_seen);
	free(s->run_depth);
	free(s->fns);
	free(s->res);
	free(s->subs);
	free(s->roots);
	free(s->root_fn);
	free(s->root_res);
	free(s->root_cum);
	gr_buf_release(&s->tmp);
	gr_buf_release(&s->tmp2);
	gr_buf_release(&s->xpage);
	free(s);
}

int gr_synth_run(const struct gr_synth_opts *o, struct gr_synth_stats *st,
		 struct gr_error *err)
{
	struct gr_error dummy;
	int rc;

	if (!err)
		err = &dummy;
	memset(err, 0, sizeof(*err));
	memset(st, 0, sizeof(*st));
	if ((rc = check_opts(o, err)) || (rc = check_dir(o, err)))
		return rc;
	struct gr_sy_sim *s = calloc(1, sizeof(*s));
	if (!s)
		return gr_error_set(err, GR_ERR_NOMEM, "out of memory");
	s->o = o;
	s->st = st;
	s->err = err;
	if (gr_sy_path(s->dir, sizeof(s->dir), err, "%s", o->out_dir)) {
		free(s);
		return GR_ERR_LIMIT;
	}
	/* the workload's decisions come from streams keyed from the seed (see synth.h),
	 * output details from three sequential streams: the workload does not change
	 * with the sampling rate, the markers or the output format */
	s->key = gr_sy_key(o->seed, 0x7768617469660a01ull);
	gr_sy_rng_seed(&s->xrng, o->seed ^ 0x5851f42d4c957f2dull);
	gr_sy_rng_seed(&s->orng, o->seed ^ 0x14057b7ef767814full);
	/* a fourth, for OpenTelemetry only: the rest is the same with or without it */
	gr_sy_rng_seed(&s->trng, o->seed ^ 0x2545f4914f6cdd1dull);
	s->otel = o->traces == GR_SYNTH_OTEL || o->traces == GR_SYNTH_BOTH;
	if (s->otel)
		gr_sy_rng_uuid(&s->trng, s->span_task);
	s->res_second = INT64_MIN;
	if ((rc = gr_sy_world_build(s, o->app ? o->app : "mixed")) ||
	    (rc = gr_sy_whatif_apply(s))) {
		release(s);
		return rc;
	}
	if (!gr_sy_log_start(s))
		gr_sy_sim_loop(s);
	gr_sy_log_finish(s);
	if (!s->rc)
		gr_sy_xray_finish(s);
	if (!s->rc)
		gr_sy_otel_finish(s);
	if (!s->rc)
		gr_sy_truth_write(s);
	rc = s->rc;
	release(s);
	return rc;
}
