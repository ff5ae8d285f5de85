/* synth_truth.c: gammaray-synth's ground truth: invocation graph, critical paths, truth.ndjson. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "synth/synth.h"

/* ---------------------------------------------------------------------------
 * Graph and critical path (the definition of gammaray-critpath, issue 5).
 */
static int csr(uint32_t **off, uint32_t **idx, size_t nn, const struct gr_sy_edge *e, size_t ne,
	       bool out)
{
	*off = calloc(nn + 1, sizeof(**off));
	*idx = malloc((ne ? ne : 1) * sizeof(**idx));
	if (!*off || !*idx)
		return GR_ERR_NOMEM;
	for (size_t i = 0; i < ne; i++)
		(*off)[(out ? e[i].from : e[i].to) + 1]++;
	for (size_t i = 0; i < nn; i++)
		(*off)[i + 1] += (*off)[i];
	uint32_t *fill = malloc((nn ? nn : 1) * sizeof(*fill));
	if (!fill)
		return GR_ERR_NOMEM;
	memcpy(fill, *off, nn * sizeof(*fill));
	for (size_t i = 0; i < ne; i++)
		(*idx)[fill[out ? e[i].from : e[i].to]++] = (uint32_t)i;
	free(fill);
	return 0;
}

int gr_sy_graph_init(struct gr_sy_graph *g, const struct gr_sy_node *nodes, size_t nn,
		  const struct gr_sy_edge *edges, size_t ne)
{
	int rc;

	memset(g, 0, sizeof(*g));
	g->nodes = nodes;
	g->nn = nn;
	g->edges = edges;
	g->ne = ne;
	for (size_t i = 0; i < ne; i++)
		if (edges[i].from >= nn || edges[i].to >= nn)
			return GR_ERR_USAGE;
	if ((rc = csr(&g->out_off, &g->out_idx, nn, edges, ne, true)) ||
	    (rc = csr(&g->in_off, &g->in_idx, nn, edges, ne, false)))
		return rc;
	g->mark = calloc(nn ? nn : 1, sizeof(*g->mark));
	g->queue = malloc((nn ? nn : 1) * sizeof(*g->queue));
	if (!g->mark || !g->queue)
		return GR_ERR_NOMEM;
	return 0;
}

void gr_sy_graph_release(struct gr_sy_graph *g)
{
	free(g->out_off);
	free(g->out_idx);
	free(g->in_off);
	free(g->in_idx);
	free(g->mark);
	free(g->queue);
	memset(g, 0, sizeof(*g));
}

static int id_cmp(const struct gr_sy_node *a, const struct gr_sy_node *b)
{
	return memcmp(a->id, b->id, 16);
}

size_t gr_sy_graph_critpath(struct gr_sy_graph *g, uint32_t r, uint32_t *path, uint32_t *sink,
			 int64_t *latency_us)
{
	const struct gr_sy_node *N = g->nodes;
	size_t qh = 0, qt = 0, len = 0;

	if (++g->epoch == 0) {
		memset(g->mark, 0, g->nn * sizeof(*g->mark));
		g->epoch = 1;
	}
	g->mark[r] = g->epoch;
	g->queue[qt++] = r;
	uint32_t sk = r;
	while (qh < qt) {
		uint32_t v = g->queue[qh++];
		if (N[v].end_us > N[sk].end_us ||
		    (N[v].end_us == N[sk].end_us && id_cmp(&N[v], &N[sk]) < 0))
			sk = v;
		for (uint32_t k = g->out_off[v]; k < g->out_off[v + 1]; k++) {
			uint32_t w = g->edges[g->out_idx[k]].to;
			if (g->mark[w] != g->epoch) {
				g->mark[w] = g->epoch;
				g->queue[qt++] = w;
			}
		}
	}
	/* walk back along the last input to arrive, inside R */
	uint32_t v = sk;
	path[len++] = v;
	while (v != r && len < g->nn) {
		const struct gr_sy_edge *best = NULL;
		for (uint32_t k = g->in_off[v]; k < g->in_off[v + 1]; k++) {
			const struct gr_sy_edge *e = &g->edges[g->in_idx[k]];
			if (g->mark[e->from] != g->epoch)
				continue;
			if (!best || e->cause_us > best->cause_us ||
			    (e->cause_us == best->cause_us &&
			     id_cmp(&N[e->from], &N[best->from]) < 0))
				best = e;
		}
		if (!best)
			break; /* cannot happen: every v in R but r has a cause in R */
		v = best->from;
		path[len++] = v;
	}
	for (size_t i = 0; i < len / 2; i++) {
		uint32_t t = path[i];
		path[i] = path[len - 1 - i];
		path[len - 1 - i] = t;
	}
	*sink = sk;
	*latency_us = N[sk].end_us - N[r].start_us;
	return len;
}

/* ---------------------------------------------------------------------------
 * truth.ndjson
 */
struct out {
	struct gr_sy_sim *s;  /* for errors */
	int fd;            /* the file */
	const char *path;  /* its name */
	struct gr_buf b;   /* pending bytes */
};

static void out_flush(struct out *o)
{
	const char *p = o->b.data;
	size_t n = o->b.len;

	while (n && !o->s->rc) {
		ssize_t w = write(o->fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			gr_error_set(o->s->err, GR_ERR_IO, "cannot write: %s", strerror(errno));
			gr_error_at(o->s->err, o->path, 0);
			gr_sy_fail(o->s, GR_ERR_IO);
			break;
		}
		p += w;
		n -= (size_t)w;
	}
	o->s->st->truth_bytes += o->b.len;
	o->s->st->bytes_written += o->b.len;
	gr_buf_reset(&o->b);
}

static char *out_room(struct out *o, size_t n)
{
	if (o->b.len + n > (1u << 20))
		out_flush(o);
	return gr_sy_reserve(o->s, &o->b, n);
}

static size_t put(char *p, const char *lit)
{
	size_t n = strlen(lit);
	memcpy(p, lit, n);
	return n;
}

static size_t put_id(char *p, const struct gr_sy_node *n)
{
	p[0] = '"';
	gr_sy_fmt_uuid(n->id, p + 1);
	p[37] = '"';
	return 38;
}

/* Sort key of a node: start, then request id. */
struct node_key {
	int64_t start_us; /* start (init included) */
	uint8_t id[16];   /* request id */
	uint32_t idx;     /* index before sorting */
};

static int node_order(const void *pa, const void *pb)
{
	const struct node_key *a = pa, *b = pb;

	if (a->start_us != b->start_us)
		return a->start_us < b->start_us ? -1 : 1;
	return memcmp(a->id, b->id, 16);
}

static int edge_order(const void *pa, const void *pb)
{
	const struct gr_sy_edge *a = pa, *b = pb;

	if (a->cause_us != b->cause_us)
		return a->cause_us < b->cause_us ? -1 : 1;
	if (a->from != b->from)
		return a->from < b->from ? -1 : 1;
	if (a->to != b->to)
		return a->to < b->to ? -1 : 1;
	return 0;
}

static void write_node(struct out *o, const struct gr_sy_sim *s, const struct gr_sy_node *n)
{
	static const char *const st[] = { "\"ok\"", "\"error\"", "\"timeout\"" };
	const struct gr_sy_fn *fn = &s->fns[n->fn];
	char *p0 = out_room(o, 400 + fn->name_len), *p = p0;

	if (!p)
		return;
	p += put(p, "{\"type\":\"node\",\"id\":");
	p += put_id(p, n);
	p += put(p, ",\"fn\":\"");
	memcpy(p, fn->def->name, fn->name_len);
	p += fn->name_len;
	p += put(p, "\",\"start_us\":");
	p += gr_sy_fmt_i64(n->start_us, p);
	p += put(p, ",\"end_us\":");
	p += gr_sy_fmt_i64(n->end_us, p);
	p += put(p, ",\"init_us\":");
	p += gr_sy_fmt_i64(n->init_us, p);
	p += put(p, (n->flags & SY_N_COLD) ? ",\"cold\":true" : ",\"cold\":false");
	p += put(p, ",\"status\":");
	p += put(p, st[n->status]);
	if (n->flags & SY_N_SAMPLED) {
		p += put(p, ",\"trace\":\"");
		p += gr_sy_fmt_trace(n->trace, p);
		p += put(p, "\",\"sampled\":true}\n");
	} else {
		p += put(p, ",\"sampled\":false}\n");
	}
	gr_sy_commit(&o->b, (size_t)(p - p0));
}

static void write_edge(struct out *o, const struct gr_sy_node *N, const struct gr_sy_edge *e)
{
	char *p0 = out_room(o, 300), *p = p0;

	if (!p)
		return;
	p += put(p, "{\"type\":\"edge\",\"from\":");
	p += put_id(p, &N[e->from]);
	p += put(p, ",\"to\":");
	p += put_id(p, &N[e->to]);
	p += put(p, ",\"kind\":\"");
	p += put(p, gr_sy_kind_name[e->kind]);
	p += put(p, e->sync ? "\",\"sync\":true" : "\",\"sync\":false");
	p += put(p, ",\"cause_us\":");
	p += gr_sy_fmt_i64(e->cause_us, p);
	p += put(p, ",\"delay_us\":");
	p += gr_sy_fmt_i64(N[e->to].start_us - e->cause_us, p);
	p += put(p, e->xray ? ",\"xray\":true" : ",\"xray\":false");
	if (o->s->otel) /* only with spans: the truth of --traces xray stays as it was */
		p += put(p, e->otel ? ",\"otel\":true" : ",\"otel\":false");
	p += put(p, "}\n");
	gr_sy_commit(&o->b, (size_t)(p - p0));
}

static void write_critpath(struct out *o, const struct gr_sy_node *N, uint32_t r, uint32_t sink,
			   int64_t lat, const uint32_t *path, size_t len)
{
	char *p0 = out_room(o, 200 + 40 * len), *p = p0;

	if (!p)
		return;
	p += put(p, "{\"type\":\"critpath\",\"root\":");
	p += put_id(p, &N[r]);
	p += put(p, ",\"sink\":");
	p += put_id(p, &N[sink]);
	p += put(p, ",\"latency_us\":");
	p += gr_sy_fmt_i64(lat, p);
	p += put(p, ",\"path\":[");
	for (size_t i = 0; i < len; i++) {
		if (i)
			*p++ = ',';
		p += put_id(p, &N[path[i]]);
	}
	p += put(p, "]}\n");
	gr_sy_commit(&o->b, (size_t)(p - p0));
}

int gr_sy_truth_write(struct gr_sy_sim *s)
{
	size_t nn = s->nnodes, ne = s->nedges;
	struct node_key *order = malloc((nn ? nn : 1) * sizeof(*order));
	uint32_t *rank = malloc((nn ? nn : 1) * sizeof(*rank));
	uint32_t *path = malloc((nn ? nn : 1) * sizeof(*path));
	struct gr_sy_node *sorted = malloc((nn ? nn : 1) * sizeof(*sorted));
	struct out o = { .s = s, .fd = -1, .b = GR_BUF_INIT };
	struct gr_sy_graph g;
	char fpath[4096];

	memset(&g, 0, sizeof(g));
	if (!order || !rank || !path || !sorted) {
		gr_sy_fail(s, GR_ERR_NOMEM);
		goto done;
	}
	for (size_t i = 0; i < nn; i++) {
		order[i].start_us = s->nodes[i].start_us;
		memcpy(order[i].id, s->nodes[i].id, 16);
		order[i].idx = (uint32_t)i;
		if (!(s->nodes[i].flags & SY_N_DONE)) {
			gr_error_set(s->err, GR_ERR_FORMAT, "internal: an invocation never ran");
			gr_sy_fail(s, GR_ERR_FORMAT);
			goto done;
		}
	}
	qsort(order, nn, sizeof(*order), node_order);
	for (size_t i = 0; i < nn; i++) {
		rank[order[i].idx] = (uint32_t)i;
		sorted[i] = s->nodes[order[i].idx];
	}
	free(s->nodes);
	s->nodes = sorted;
	sorted = NULL;
	for (size_t i = 0; i < ne; i++) {
		s->edges[i].from = rank[s->edges[i].from];
		s->edges[i].to = rank[s->edges[i].to];
	}
	if (ne) /* none (--what-if remove of every root) leaves edges NULL */
		qsort(s->edges, ne, sizeof(*s->edges), edge_order);

	if (gr_sy_path(fpath, sizeof(fpath), s->err, "%s/truth.ndjson", s->dir)) {
		gr_sy_fail(s, s->err->code);
		goto done;
	}
	o.path = fpath;
	o.fd = open(fpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (o.fd < 0) {
		gr_error_set(s->err, GR_ERR_IO, "cannot write: %s", strerror(errno));
		gr_error_at(s->err, fpath, 0);
		gr_sy_fail(s, GR_ERR_IO);
		goto done;
	}
	if (gr_buf_addf(&o.b, "{\"type\":\"gammaray-truth\",\"v\":1,\"seed\":%llu,\"app\":\"%s\"}\n",
			(unsigned long long)s->o->seed, s->app->name)) {
		gr_sy_fail(s, GR_ERR_NOMEM);
		goto done;
	}
	for (size_t i = 0; i < nn && !s->rc; i++)
		write_node(&o, s, &s->nodes[i]);
	for (size_t i = 0; i < ne && !s->rc; i++)
		write_edge(&o, s->nodes, &s->edges[i]);
	int rc = gr_sy_graph_init(&g, s->nodes, nn, s->edges, ne);
	if (rc) {
		gr_sy_fail(s, rc);
		goto done;
	}
	for (size_t i = 0; i < nn && !s->rc; i++) {
		if (!(s->nodes[i].flags & SY_N_ROOT))
			continue;
		uint32_t sink;
		int64_t lat;
		size_t len = gr_sy_graph_critpath(&g, (uint32_t)i, path, &sink, &lat);
		write_critpath(&o, s->nodes, (uint32_t)i, sink, lat, path, len);
	}
	out_flush(&o);
	if (close(o.fd) != 0 && !s->rc) {
		gr_error_set(s->err, GR_ERR_IO, "cannot write: %s", strerror(errno));
		gr_error_at(s->err, fpath, 0);
		gr_sy_fail(s, GR_ERR_IO);
	}
	o.fd = -1;
	s->st->files++;
done:
	if (o.fd >= 0)
		close(o.fd);
	gr_sy_graph_release(&g);
	gr_buf_release(&o.b);
	free(order);
	free(rank);
	free(path);
	free(sorted);
	return s->rc;
}
