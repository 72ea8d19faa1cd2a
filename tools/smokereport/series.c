/* smokereport: reading p95parse's per-second series (series.h). */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "num.h"
#include "readall.h"
#include "series.h"
#include "xalloc.h"

/* Why a line is wrong, with its number; returns -1. */
static int
bad(char *why, size_t size, long lineno, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(why, size, "line %ld: ", lineno);

	if (n < 0 || (size_t)n >= size)
		return -1;
	va_start(ap, fmt);
	vsnprintf(why + n, size - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

/* The value of field key in the line's fields, or NULL. */
static const char *
field(char **f, size_t nf, const char *key)
{
	size_t i, kl = strlen(key);

	for (i = 0; i < nf; i++)
		if (strncmp(f[i], key, kl) == 0 && f[i][kl] == '=')
			return f[i] + kl + 1;
	return NULL;
}

/* A number field: *out stays NaN when absent; -1 when malformed. */
static int
num_field(char **f, size_t nf, const char *key, double *out)
{
	const char *v = field(f, nf, key);
	double d;

	*out = NAN;
	if (v == NULL)
		return 0;
	if (strcmp(v, "+Inf") == 0) {
		*out = INFINITY;
		return 0;
	}
	if (parse_double(v, 0, 1e300, &d) != 0)
		return -1;
	*out = d;
	return 0;
}

#define GROW(arr, n, cap) do { \
	if ((n) == (cap)) { \
		(cap) = (cap) ? 2 * (cap) : 64; \
		(arr) = xreallocarray((arr), (cap), sizeof *(arr)); \
	} \
} while (0)

static int
take_series(struct series *s, char **f, size_t nf)
{
	const char *m = field(f, nf, "metric"), *st = field(f, nf, "start");

	free(s->metric);
	free(s->start);
	s->metric = m != NULL ? xstrdup(m) : NULL;
	s->start = st != NULL ? xstrdup(st) : NULL;
	if (num_field(f, nf, "step", &s->step) != 0 ||
	    (!isnan(s->step) && (s->step < 0.001 || s->step > SERIES_MAX_SECONDS)))
		return -1;
	return num_field(f, nf, "samples", &s->samples) |
	    num_field(f, nf, "failed", &s->failed) | num_field(f, nf, "p50", &s->p50) |
	    num_field(f, nf, "p95", &s->p95) | num_field(f, nf, "p99", &s->p99) |
	    num_field(f, nf, "max", &s->max);
}

static int
take_row(struct series *s, char **f, size_t nf)
{
	struct series_row r;

	if ((num_field(f, nf, "t", &r.t) | num_field(f, nf, "n", &r.n) |
	    num_field(f, nf, "failed", &r.failed) | num_field(f, nf, "p50", &r.p50) |
	    num_field(f, nf, "p95", &r.p95) | num_field(f, nf, "max", &r.max)) != 0 ||
	    isnan(r.t) || isnan(r.n) || r.t > SERIES_MAX_SECONDS || isinf(r.n))
		return -1;
	if (isnan(r.failed))
		r.failed = 0;
	if (s->nrow > 0 && r.t <= s->row[s->nrow - 1].t)
		return -2;
	GROW(s->row, s->nrow, s->caprow);
	s->row[s->nrow++] = r;
	return 0;
}

static int
take_hist(struct series *s, char **f, size_t nf)
{
	struct series_bin b;

	if ((num_field(f, nf, "le", &b.le) | num_field(f, nf, "count", &b.count)) != 0 ||
	    isnan(b.le) || isnan(b.count) || isinf(b.count) || b.le <= 0)
		return -1;
	if (s->nbin > 0 && b.le <= s->bin[s->nbin - 1].le)
		return -2;
	GROW(s->bin, s->nbin, s->capbin);
	s->bin[s->nbin++] = b;
	return 0;
}

static int
take_status(struct series *s, char **f, size_t nf)
{
	const char *code = field(f, nf, "code");
	double count;

	if (code == NULL || *code == '\0' || strlen(code) >= sizeof s->status[0].code ||
	    num_field(f, nf, "count", &count) != 0 || isnan(count) || isinf(count))
		return -1;
	GROW(s->status, s->nstatus, s->capstatus);
	snprintf(s->status[s->nstatus].code, sizeof s->status[0].code, "%s", code);
	s->status[s->nstatus++].count = count;
	return 0;
}

/* Splits line at blanks into at most max fields; returns how many. */
static size_t
split(char *line, char **f, size_t max)
{
	size_t n = 0;
	char *p = line;

	while (n < max) {
		while (*p == ' ' || *p == '\t')
			*p++ = '\0';
		if (*p == '\0')
			break;
		f[n++] = p;
		while (*p != '\0' && *p != ' ' && *p != '\t')
			p++;
	}
	return n;
}

static int
take_line(struct series *s, char *line, long lineno, char *why, size_t size)
{
	char *f[32];
	size_t nf = split(line, f, 32);
	int rc;

	if (nf == 0 || f[0][0] == '#')
		return 0;
	if (strcmp(f[0], "series") == 0)
		rc = take_series(s, f + 1, nf - 1);
	else if (strcmp(f[0], "row") == 0)
		rc = take_row(s, f + 1, nf - 1);
	else if (strcmp(f[0], "hist") == 0)
		rc = take_hist(s, f + 1, nf - 1);
	else if (strcmp(f[0], "status") == 0)
		rc = take_status(s, f + 1, nf - 1);
	else
		return 0;
	if (rc == -2)
		return bad(why, size, lineno, "%s lines must be in ascending order", f[0]);
	if (rc != 0)
		return bad(why, size, lineno, "a bad %s line: want numbers where the format has them", f[0]);
	return 0;
}

/*
 * Adjacent rows in groups of k: counts added, max the highest; p95 the
 * highest of the group's (an upper bound) and p50 the mean weighted by
 * samples, as the exact percentiles of a group are not in the file.
 */
static void
merge_rows(struct series *s, double k)
{
	size_t i, out = 0;
	double w, span = isnan(s->step) || s->step <= 0 ? 1 : s->step;

	for (i = 0; i < s->nrow; i++) {
		struct series_row *r = &s->row[i], *o;
		double slot = floor(r->t / (span * k)) * span * k;

		if (out == 0 || s->row[out - 1].t != slot) {
			o = &s->row[out++];
			*o = *r;
			o->t = slot;
			if (o->n == 0 || isnan(o->p50))
				o->p50 = NAN;
			continue;
		}
		o = &s->row[out - 1];
		w = o->n + r->n;
		if (!isnan(r->p50) && r->n > 0)
			o->p50 = isnan(o->p50) ? r->p50 : (o->p50 * o->n + r->p50 * r->n) / w;
		if (!isnan(r->p95) && (isnan(o->p95) || r->p95 > o->p95))
			o->p95 = r->p95;
		if (!isnan(r->max) && (isnan(o->max) || r->max > o->max))
			o->max = r->max;
		o->n = w;
		o->failed += r->failed;
	}
	s->nrow = out;
	s->merged = k;
}

int
series_parse(struct series *s, char *buf, size_t len, char *why, size_t size)
{
	char *line, *end, *nl;
	long lineno = 0;
	double span, k;

	memset(s, 0, sizeof *s);
	s->step = s->samples = s->failed = s->p50 = s->p95 = s->p99 = s->max = NAN;
	s->merged = 1;
	for (line = buf, end = buf + len; line < end; line = nl + 1) {
		lineno++;
		if ((nl = memchr(line, '\n', (size_t)(end - line))) == NULL)
			nl = end;
		*nl = '\0';
		if (strlen(line) != (size_t)(nl - line))
			return bad(why, size, lineno, "a NUL byte in the line");
		if (take_line(s, line, lineno, why, size) != 0)
			return -1;
	}
	if (s->nrow > SERIES_MAX_POINTS) {
		span = isnan(s->step) || s->step <= 0 ? 1 : s->step;
		k = ceil((s->row[s->nrow - 1].t / span + 1) / SERIES_MAX_POINTS);
		while (floor(s->row[s->nrow - 1].t / span / k) + 1 > SERIES_MAX_POINTS)
			k++;
		merge_rows(s, k < 2 ? 2 : k);
	}
	return 0;
}

int
series_read(struct series *s, const char *path, char *why, size_t size)
{
	int fd = open(path, O_RDONLY), rc;
	char *buf;
	size_t len;

	memset(s, 0, sizeof *s);
	if (fd < 0) {
		snprintf(why, size, "%s", strerror(errno));
		return -1;
	}
	buf = read_whole(fd, &len);
	if (buf == NULL)
		snprintf(why, size, "%s", strerror(errno));
	close(fd);
	if (buf == NULL)
		return -1;
	rc = series_parse(s, buf, len, why, size);
	free(buf);
	return rc;
}

void
series_free(struct series *s)
{
	free(s->metric);
	free(s->start);
	free(s->row);
	free(s->bin);
	free(s->status);
	memset(s, 0, sizeof *s);
}
