/* smokekit: p95parse --merge (see merge.h). */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "blockmap.h"
#include "feed.h"
#include "histjson.h"
#include "k6name.h"
#include "loghist.h"
#include "merge.h"
#include "pctl.h"
#include "rank.h"
#include "readall.h"
#include "summary.h"
#include "xalloc.h"

#define CHUNK (1u << 20)
#define WINDOW (8u << 20)           /* mapped at once: part of the resident size */
#define WHOLE_MAX (256u << 20)      /* a summary export read whole */
#define MAP_BLOCKS (1u << 17)       /* the blocks of all the inputs' maps: 1 MiB */
#define MAP_BLOCKS_MIN 256u         /* of one input's, however many there are */

#define WHY_SUMMARY "holds percentiles, not samples, and percentiles cannot be " \
	"merged (an average of p95s is not the p95 of the whole); give the " \
	"runners' raw results instead: k6 run --out json=FILE (or --out csv=FILE), " \
	"httpprobe --out FILE"

struct src {
	const char *path;
	int pipe;                   /* read once: its samples are kept */
	double *kept;
	size_t nkept, capkept;
	enum format f;              /* a regular file's, as the first pass read it */
	struct stat st;             /* its identity, size and time then */
	struct blockmap map;        /* NDJSON: where its samples lie, by kind */
};

struct merge {
	const struct merge_conf *c;
	const struct query *q;
	struct src *src, *cur;
	size_t nsrc;
	struct raw *rw;             /* the first pass's reader of cur */
	size_t map_max;             /* the most blocks of an input's map */
	unsigned long long *coarse;
	double *all;                /* every sample, while within c->samples */
	size_t nall, capall;
	int spilled;                /* too many: a second pass finds the ranks */
	unsigned char *inwin;       /* after the spill: coarse buckets kept whole */
	double *win;                /* their samples, while within c->samples */
	size_t nwin, capwin;
	struct loghist h;           /* every sample too, for a histogram source */
	int bounded;                /* a histogram source: the percentiles are bounded */
	double min, max;
	struct tally t;             /* the union's */
	int untagged_only;          /* a source's http_req_failed has no tagged counts */
	int untagged_missing;       /* a source has no untagged counts */
};

/* Appends x to v[0..*n), growing the array to at most max. */
static void
push_max(double **v, size_t *n, size_t *cap, size_t max, double x)
{
	if (*n == *cap) {
		*cap = *cap ? 2 * *cap : 4096;
		if (*cap > max)
			*cap = max;
		*v = xreallocarray(*v, *cap, sizeof **v);
	}
	(*v)[(*n)++] = x;
}

/* Ranks floor and ceil of p·(n−1), as k6's rule reads them. */
static void
ranks_of(double p, unsigned long long n, unsigned long long *lo, unsigned long long *hi)
{
	double i = p * ((double)n - 1.0);

	*lo = (unsigned long long)floor(i);
	*hi = (unsigned long long)ceil(i);
}

/* The coarse bucket that holds rank (0-based), with *below the samples under it. */
static size_t
coarse_of(const unsigned long long *coarse, unsigned long long rank,
    unsigned long long *below)
{
	unsigned long long seen = 0;
	size_t i;

	for (i = 0; i + 1 < RANK_COARSE && rank >= seen + coarse[i]; i++)
		seen += coarse[i];
	*below = seen;
	return i;
}

/*
 * Too many samples to keep them all: keep whole only the coarse buckets
 * where the ranks fall so far, and their neighbours while they fit in half
 * the budget. Runs are steady enough that the ranks usually stay there:
 * then one pass is enough (merge_exact checks), else a second pass.
 */
static void
spill(struct merge *m)
{
	unsigned long long r[4], below, kept = 0;
	size_t i, b, nb;
	int d;

	m->spilled = 1;
	if (m->nall > 0) {
		m->inwin = xmalloc(RANK_COARSE);
		memset(m->inwin, 0, RANK_COARSE);
		ranks_of(m->q->pct / 100, m->nall, &r[0], &r[1]);
		ranks_of(0.5, m->nall, &r[2], &r[3]);
		for (d = 0; d <= 1; d++)
			for (i = 0; i < 4; i++) {
				b = coarse_of(m->coarse, r[i], &below);
				for (nb = d == 0 ? b : b - (b > 0); nb <= b + (size_t)d &&
				    nb < RANK_COARSE; nb++) {
					if (m->inwin[nb] || (d > 0 && kept + m->coarse[nb] >
					    m->c->samples / 2))
						continue;
					m->inwin[nb] = 1;
					kept += m->coarse[nb];
				}
			}
		for (i = 0; i < m->nall; i++)
			if (m->inwin[rank_coarse_index(m->all[i])])
				push_max(&m->win, &m->nwin, &m->capwin, m->c->samples, m->all[i]);
	}
	free(m->all);
	m->all = NULL;
	m->nall = m->capall = 0;
}

/* The window has outgrown the budget: forget it, a second pass will do. */
static void
drop_window(struct merge *m)
{
	free(m->inwin);
	free(m->win);
	m->inwin = NULL;
	m->win = NULL;
	m->nwin = m->capwin = 0;
}

/* The first pass's sink: counts, a histogram, and the samples while they fit. */
static void
pass1(void *ctx, double v)
{
	struct merge *m = ctx;
	size_t b = rank_coarse_index(v);

	m->coarse[b]++;
	loghist_add(&m->h, v);
	m->min = v < m->min ? v : m->min;
	m->max = v > m->max ? v : m->max;
	if (!m->spilled && m->nall == m->c->samples)
		spill(m);
	if (!m->spilled) {
		push_max(&m->all, &m->nall, &m->capall, m->c->samples, v);
	} else if (m->inwin != NULL && m->inwin[b]) {
		if (m->nwin == m->c->samples)
			drop_window(m);
		else
			push_max(&m->win, &m->nwin, &m->capwin, m->c->samples, v);
	}
	if (m->cur->pipe)
		push_max(&m->cur->kept, &m->cur->nkept, &m->cur->capkept, SIZE_MAX, v);
	else if (m->cur->map.kinds != NULL)
		blockmap_mark(&m->cur->map, raw_line_at(m->rw), rank_coarse_kind(b));
}

static void
add_failed(struct merge *m, const struct tally *t)
{
	m->t.fail_n += t->fail_n;
	m->t.fail_total += t->fail_total;
	m->t.all_n += t->all_n;
	m->t.all_total += t->all_total;
	if (t->all_total > 0 && t->fail_total == 0)
		m->untagged_only = 1;
}

static int
open_src(const char *path)
{
	return strcmp(path, "-") == 0 ? 0 : open(path, O_RDONLY);
}

static void
close_src(int fd)
{
	if (fd > 0)
		close(fd);
}

/* A raw-result file through rw, its sink set: 0 with *t, or -1 with r->err. */
static int
read_raw(int fd, char *buf, size_t n, struct raw *rw, struct tally *t, struct result *r)
{
	if (feed_fd(fd, buf, n, CHUNK, WINDOW, raw_feed, rw) < 0) {
		result_seterr(r, "read: %s", strerror(errno));
		return -1;
	}
	return raw_end(rw, t, r);
}

/* A summary export with a histogram: its counts, min, max and avg too. */
static int
read_hist(struct merge *m, const char *buf, size_t n, struct result *r)
{
	struct query q0 = *m->q;
	struct result s, s0;
	struct tally t;
	unsigned long long before = m->h.count, cnt;
	int rc;

	if ((rc = histjson_read(buf, n, m->q, &m->h, r)) != 0) {
		if (rc == 1)
			result_seterr(r, "a summary export " WHY_SUMMARY
			    " (or httpprobe --summary-export, whose smokekit_histogram merges "
			    "within 0.5%%)");
		return -1;
	}
	cnt = m->h.count - before;
	result_init(&s);
	if (summary_parse(buf, n, m->q, &s) != 0) {
		result_seterr(r, "%s", s.err);
		result_free(&s);
		return -1;
	}
	memset(&t, 0, sizeof t);
	if (s.have_failed_counts && strchr(s.failed_metric, '{') != NULL) {
		t.fail_n = (unsigned long long)s.failed_n;
		t.fail_total = (unsigned long long)s.failed_total;
	} else if (s.have_failed_counts) {
		t.all_n = (unsigned long long)s.failed_n;
		t.all_total = (unsigned long long)s.failed_total;
	}
	q0.ntags = 0;
	result_init(&s0);
	if (m->q->ntags > 0 && summary_parse(buf, n, &q0, &s0) == 0 && s0.have_failed_counts &&
	    strchr(s0.failed_metric, '{') == NULL) {
		t.all_n = (unsigned long long)s0.failed_n;
		t.all_total = (unsigned long long)s0.failed_total;
	}
	if (t.all_total == 0 && t.fail_total > 0)
		m->untagged_missing = 1;
	add_failed(m, &t);
	m->bounded = 1;
	m->t.points += cnt;
	m->t.n += cnt;
	if (cnt > 0 && s.avg.have && s.min.have && s.max.have) {
		m->t.sum += s.avg.v * (double)cnt;
		m->min = s.min.v < m->min ? s.min.v : m->min;
		m->max = s.max.v > m->max ? s.max.v : m->max;
	}
	result_free(&s);
	result_free(&s0);
	return 0;
}

static int
refuse(struct result *r, enum format f)
{
	if (f == FMT_LOG)
		result_seterr(r, "a k6 stdout log " WHY_SUMMARY);
	else if (f == FMT_PROM)
		result_seterr(r, "Prometheus text is not a run's samples; give the runners' "
		    "raw results: k6 run --out json=FILE (or --out csv=FILE), httpprobe --out FILE");
	else
		result_seterr(r, "a summary export " WHY_SUMMARY);
	return -1;
}

/* The first pass over one input. */
static int
first_pass(struct merge *m, struct src *s, struct result *r)
{
	int fd = open_src(s->path), got, rc = -1;
	enum format f = m->c->fmt;
	struct tally t;
	char *buf = NULL;
	size_t n = 0, len;

	if (fd < 0) {
		result_seterr(r, "open: %s", strerror(errno));
		return -1;
	}
	if ((got = read_all(fd, &buf, &n, CHUNK - 1)) < 0) {
		result_seterr(r, "read: %s", strerror(errno));
		goto out;
	}
	if (got > 0)
		n = CHUNK;
	if (input_unreadable(buf, n, s->path, r->err, sizeof r->err) != 0) {
		/* The command that reads a gzip file, said for a merge. */
		len = strlen(r->err);
		if (len > 10 && strcmp(r->err + len - 10, "p95parse -") == 0)
			snprintf(r->err + len - 1, sizeof r->err - (len - 1),
			    "--merge - (and the other files)");
		goto out;
	}
	if (f == FMT_AUTO)
		f = input_detect(buf, n);
	if (f == FMT_NDJSON || f == FMT_CSV) {
		s->pipe = fd == 0 || fstat(fd, &s->st) != 0 || !S_ISREG(s->st.st_mode);
		s->f = f;
		if (!s->pipe && f == FMT_NDJSON)
			blockmap_init(&s->map, (unsigned long long)s->st.st_size, m->map_max);
		m->cur = s;
		m->rw = raw_new(f, m->q);
		raw_sink(m->rw, pass1, m);
		rc = read_raw(fd, buf, n, m->rw, &t, r);
		raw_free(m->rw);
		m->rw = NULL;
		if (rc == 0) {
			m->t.points += t.points;
			m->t.n += t.n;
			m->t.sum += t.sum;
			if (t.all_total == 0 && t.fail_total > 0)
				m->untagged_missing = 1;
			add_failed(m, &t);
		}
	} else if (f == FMT_JSON) {
		if (n == CHUNK && (got = read_all(fd, &buf, &n, WHOLE_MAX)) != 0)
			result_seterr(r, got < 0 ? "read error" :
			    "larger than 256 MiB; not a summary export");
		else
			rc = read_hist(m, buf, n, r);
	} else {
		rc = refuse(r, f);
	}
out:
	free(buf);
	close_src(fd);
	return rc;
}

/* Is the file open at fd the one the first pass read, as it was then? */
static int
unchanged(int fd, const struct stat *was)
{
	struct stat st;

	return fstat(fd, &st) == 0 && st.st_dev == was->st_dev && st.st_ino == was->st_ino &&
	    st.st_size == was->st_size && st.st_mtim.tv_sec == was->st_mtim.tv_sec &&
	    st.st_mtim.tv_nsec == was->st_mtim.tv_nsec;
}

/*
 * A regular file read again for rk's pass: of NDJSON, only the blocks that
 * hold samples of the kinds it needs, and of those lines only the Points
 * whose value it needs are read whole. 0, or -1 with r->err.
 */
static int
read_again(struct merge *m, struct src *s, struct ranker *rk, char *buf, struct result *r)
{
	struct raw *rw;
	struct tally t;
	ssize_t n;
	int fd, got, rc = -1;

	if ((fd = open(s->path, O_RDONLY)) < 0) {
		result_seterr(r, "open again: %s", strerror(errno));
		return -1;
	}
	if (!unchanged(fd, &s->st)) {
		result_seterr(r, "changed since the first pass read it (its size or time)");
		close(fd);
		return -1;
	}
	rw = raw_new(s->f, m->q);
	raw_sink(rw, ranker_add, rk);
	raw_again(rw, ranker_wants);
	if (s->map.kinds != NULL)
		got = blockmap_feed(&s->map, fd, (unsigned long long)s->st.st_size,
		    ranker_coarse_kinds(rk), buf, CHUNK, raw_feed, rw);
	else if ((n = read_full(fd, buf, CHUNK)) < 0)
		got = -1;
	else
		got = feed_fd(fd, buf, (size_t)n, CHUNK, WINDOW, raw_feed, rw);
	if (got < 0)
		result_seterr(r, "read again: %s", strerror(errno));
	else
		rc = raw_end(rw, &t, r);
	raw_free(rw);
	close(fd);
	return rc;
}

/* One more pass for the ranks: regular files read again, pipes' samples replayed. */
static int
next_pass(struct merge *m, struct ranker *rk, struct result *r, const char **bad)
{
	unsigned long long seen;
	struct src *s;
	char *buf = xmalloc(CHUNK);
	size_t i, j;
	int rc = 0;

	ranker_pass_begin(rk);
	for (i = 0; i < m->nsrc && rc == 0; i++) {
		s = &m->src[i];
		if (s->pipe) {
			for (j = 0; j < s->nkept; j++)
				ranker_add(rk, s->kept[j]);
		} else if ((rc = read_again(m, s, rk, buf, r)) != 0) {
			*bad = s->path;
		}
	}
	free(buf);
	if (rc == 0 && ranker_pass_end(rk, &seen) != 0) {
		result_seterr(r, "the files changed while they were read (%llu samples "
		    "at first)", m->t.n);
		rc = -1;
	}
	return rc;
}

/*
 * The value of each rank from the window, when every rank fell in a
 * bucket the window kept whole: 0, else -1 (a second pass is needed).
 */
static int
from_window(struct merge *m, const unsigned long long *r, double *val, size_t nr)
{
	unsigned long long below;
	size_t i, j, at, b, inside;

	if (m->inwin == NULL)
		return -1;
	for (i = 0; i < nr; i++)
		if (!m->inwin[coarse_of(m->coarse, r[i], &below)])
			return -1;
	pctl_sort(m->win, m->nwin);
	for (i = 0; i < nr; i++) {
		b = coarse_of(m->coarse, r[i], &below);
		/* Sorted by value is sorted by bucket: b's samples are one run. */
		for (at = 0; at < m->nwin && rank_coarse_index(m->win[at]) < b; at++)
			;
		for (inside = 0, j = at; j < m->nwin && rank_coarse_index(m->win[j]) == b; j++)
			inside++;
		if (inside != m->coarse[b])
			return -1;
		val[i] = m->win[at + (r[i] - below)];
	}
	return 0;
}

static int
exact(struct merge *m, struct result *r, const char **bad, double *pct, double *med,
    unsigned *passes)
{
	unsigned long long rk4[4];
	double v4[4];
	struct rank_counts hc;
	struct ranker *rk;
	int rc = 0;

	if (!m->spilled) {
		pctl_sort(m->all, m->nall);
		*pct = pctl_sorted(m->all, m->nall, m->q->pct / 100);
		*med = pctl_sorted(m->all, m->nall, 0.5);
		*passes = 1;
		return 0;
	}
	ranks_of(m->q->pct / 100, m->t.n, &rk4[0], &rk4[1]);
	ranks_of(0.5, m->t.n, &rk4[2], &rk4[3]);
	if (from_window(m, rk4, v4, 4) == 0) {
		*pct = pctl_between(v4[0], v4[1], m->q->pct / 100, (size_t)m->t.n);
		*med = pctl_between(v4[2], v4[3], 0.5, (size_t)m->t.n);
		*passes = 1;
		return 0;
	}
	/* The histogram's buckets are finer than the coarse ones: fewer passes. */
	hc.count = m->h.c;
	hc.n = m->h.n;
	hc.first = (unsigned long long)m->h.lo;
	hc.zero = m->h.zero;
	hc.shift = LOGHIST_SHIFT;
	rk = ranker_new(&hc, m->t.n, rk4, 4, m->c->samples / 4);
	while (rc == 0 && !ranker_done(rk))
		rc = next_pass(m, rk, r, bad);
	if (rc == 0) {
		*pct = pctl_between(ranker_value(rk, 0), ranker_value(rk, 1), m->q->pct / 100,
		    (size_t)m->t.n);
		*med = pctl_between(ranker_value(rk, 2), ranker_value(rk, 3), 0.5, (size_t)m->t.n);
		*passes = 1 + ranker_passes(rk);
	}
	ranker_free(rk);
	return rc;
}

static int
finish(struct merge *m, struct result *r, const char **bad)
{
	char full[RESULT_NAME_MAX];
	double pct, med;
	unsigned passes = 1;

	k6_full_name(full, sizeof full, m->q->metric, m->q->tags, m->q->ntags);
	if (m->t.n == 0) {
		result_seterr(r, "no sample of %s in the %zu inputs (%llu of %s without its tags)",
		    full, m->nsrc, m->t.points, m->q->metric);
		return -1;
	}
	if (m->bounded) {
		pct = loghist_pct(&m->h, m->q->pct / 100);
		med = loghist_pct(&m->h, 0.5);
	} else if (exact(m, r, bad, &pct, &med, &passes) != 0) {
		return -1;
	}
	if (m->untagged_only)
		m->t.fail_n = m->t.fail_total = 0;
	if (m->untagged_only && m->untagged_missing) {
		m->t.all_n = m->t.all_total = 0;   /* neither sum covers every input */
	}
	if (result_fill(r, m->q, "merge", pct, med, m->min, m->max, &m->t) != 0)
		return -1;
	r->merged = 1;
	r->nfiles = (unsigned)m->nsrc;
	r->passes = passes;
	if (m->bounded) {
		r->pct.prec = r->med.prec = PREC_BOUNDED;
		r->pct.step = r->med.step = LOGHIST_REL_ERROR;
	}
	return 0;
}

int
merge_run(const struct merge_conf *c, char *const *paths, size_t npaths,
    struct result *r, const char **bad)
{
	struct merge m;
	size_t i;
	int rc = 0, stdin_seen = 0;

	memset(&m, 0, sizeof m);
	m.c = c;
	m.q = c->q;
	m.min = INFINITY;
	m.max = -INFINITY;
	m.nsrc = npaths;
	m.map_max = npaths > 0 && MAP_BLOCKS / npaths > MAP_BLOCKS_MIN ? MAP_BLOCKS / npaths :
	    MAP_BLOCKS_MIN;
	m.src = xreallocarray(NULL, npaths, sizeof *m.src);
	memset(m.src, 0, npaths * sizeof *m.src);
	m.coarse = xreallocarray(NULL, RANK_COARSE, sizeof *m.coarse);
	memset(m.coarse, 0, RANK_COARSE * sizeof *m.coarse);
	loghist_init(&m.h);
	*bad = NULL;
	for (i = 0; i < npaths && rc == 0; i++) {
		m.src[i].path = paths[i];
		if (strcmp(paths[i], "-") == 0 && stdin_seen++) {
			result_seterr(r, "standard input given twice");
			rc = -1;
		} else {
			rc = first_pass(&m, &m.src[i], r);
		}
		if (rc != 0)
			*bad = paths[i];
	}
	if (rc == 0)
		rc = finish(&m, r, bad);
	for (i = 0; i < npaths; i++) {
		free(m.src[i].kept);
		blockmap_free(&m.src[i].map);
	}
	free(m.src);
	free(m.coarse);
	free(m.all);
	drop_window(&m);
	loghist_free(&m.h);
	return rc;
}
