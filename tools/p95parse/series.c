/* smokekit: p95parse --series, the per-second series of the samples (series.h). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "atomic.h"
#include "jsonout.h"
#include "pctl.h"
#include "series.h"
#include "xalloc.h"

#define STATUS_MAX 64
#define BINS 100       /* le = 0.01 ms times 10^(k/10), k = 0..99 (R10 numbers) */

struct sample {
	double t;           /* seconds since the epoch */
	double v;           /* ms */
	int status;         /* index into codes; -1 none */
};

struct fail {
	double t;
	int failed, match;
};

struct series {
	struct sample *s;
	size_t n, cap;
	struct fail *f;
	size_t nf, capf;
	char codes[STATUS_MAX + 1][16];  /* the last one is "other" */
	int ncodes;
	unsigned long long bad_time;     /* times that are not RFC 3339 */
	char first_bad[40];
};

struct series *
series_new(void)
{
	struct series *s = xmalloc(sizeof *s);

	memset(s, 0, sizeof *s);
	return s;
}

void
series_free(struct series *s)
{
	if (s == NULL)
		return;
	free(s->s);
	free(s->f);
	free(s);
}

static int
digits(const char *p, int n, int *out)
{
	int i, v = 0;

	for (i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	*out = v;
	return 0;
}

/* Days from 1970-01-01 to y-m-d of the proleptic Gregorian calendar. */
static long
days_from_civil(int y, int m, int d)
{
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* RFC 3339 (YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)) as seconds since the epoch. */
static int
rfc3339(const char *p, size_t n, double *out)
{
	int y, mo, d, h, mi, sec, oh, om;
	double frac = 0, scale = 0.1;
	size_t i = 19;

	if (n < 20 || digits(p, 4, &y) || p[4] != '-' || digits(p + 5, 2, &mo) ||
	    p[7] != '-' || digits(p + 8, 2, &d) || (p[10] != 'T' && p[10] != 't' &&
	    p[10] != ' ') || digits(p + 11, 2, &h) || p[13] != ':' ||
	    digits(p + 14, 2, &mi) || p[16] != ':' || digits(p + 17, 2, &sec) ||
	    mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return -1;
	if (p[i] == '.') {
		for (i++; i < n && p[i] >= '0' && p[i] <= '9'; i++, scale /= 10)
			frac += (p[i] - '0') * scale;
		if (p[i - 1] == '.')
			return -1;
	}
	*out = (double)days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec + frac;
	if (i + 1 == n && (p[i] == 'Z' || p[i] == 'z'))
		return 0;
	if (i + 6 != n || (p[i] != '+' && p[i] != '-') || digits(p + i + 1, 2, &oh) ||
	    p[i + 3] != ':' || digits(p + i + 4, 2, &om) || oh > 23 || om > 59)
		return -1;
	*out -= (p[i] == '+' ? 1 : -1) * (oh * 3600.0 + om * 60.0);
	return 0;
}

static int
time_of(struct series *s, const char *time, size_t tlen, double *t)
{
	if (time != NULL && rfc3339(time, tlen, t) == 0)
		return 0;
	if (s->bad_time++ == 0)
		snprintf(s->first_bad, sizeof s->first_bad, "%.*s",
		    time != NULL ? (int)(tlen < 32 ? tlen : 32) : 0, time != NULL ? time : "");
	return -1;
}

static int
status_of(struct series *s, const char *code, size_t len)
{
	size_t i;
	int k;

	if (code == NULL)
		return -1;
	if (len == 0 || len >= sizeof s->codes[0])
		return STATUS_MAX;
	for (i = 0; i < len; i++)
		if (code[i] <= ' ' || code[i] == '=' || (unsigned char)code[i] >= 0x7f)
			return STATUS_MAX;
	for (k = 0; k < s->ncodes; k++)
		if (strlen(s->codes[k]) == len && memcmp(s->codes[k], code, len) == 0)
			return k;
	if (s->ncodes == STATUS_MAX)
		return STATUS_MAX;
	memcpy(s->codes[s->ncodes], code, len);
	s->codes[s->ncodes][len] = '\0';
	return s->ncodes++;
}

void
series_sample(struct series *s, const char *time, size_t tlen, double ms,
    const char *status, size_t slen)
{
	double t;

	if (time_of(s, time, tlen, &t) != 0)
		return;
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 1024;
		s->s = xreallocarray(s->s, s->cap, sizeof *s->s);
	}
	s->s[s->n].t = t;
	s->s[s->n].v = ms;
	s->s[s->n++].status = status_of(s, status, slen);
}

void
series_failed(struct series *s, const char *time, size_t tlen, int failed, int match)
{
	double t;

	if (time_of(s, time, tlen, &t) != 0)
		return;
	if (s->nf == s->capf) {
		s->capf = s->capf ? 2 * s->capf : 1024;
		s->f = xreallocarray(s->f, s->capf, sizeof *s->f);
	}
	s->f[s->nf].t = t;
	s->f[s->nf].failed = failed;
	s->f[s->nf++].match = match;
}

static int
by_time(const void *a, const void *b)
{
	double x = ((const struct sample *)a)->t, y = ((const struct sample *)b)->t;

	return (x > y) - (x < y);
}

static double
bin_le(int k)
{
	static const double r10[] = { 1, 1.25, 1.6, 2, 2.5, 3.2, 4, 5, 6.3, 8 };
	static double le[BINS];

	if (le[0] == 0)
		for (int i = 0; i < BINS; i++)
			le[i] = r10[i % 10] * pow(10, i / 10 - 2);
	return le[k];
}

/* The bin of v: the first whose le is at least v, BINS above them all. */
static int
bin_of(double v)
{
	int lo = 0, hi = BINS, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (v > bin_le(mid))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void
put_num(FILE *fp, const char *key, double v)
{
	fprintf(fp, " %s=", key);
	json_put_number(fp, v);
}

static void
put_row(FILE *fp, double t, size_t n, double failed, double *v)
{
	fprintf(fp, "row t=%.0f n=%zu failed=%.0f", t, n, failed);
	if (n > 0) {
		pctl_sort(v, n);
		put_num(fp, "p50", pctl_sorted(v, n, 0.5));
		put_num(fp, "p95", pctl_sorted(v, n, 0.95));
		put_num(fp, "max", v[n - 1]);
	}
	putc('\n', fp);
}

/* The failed Points that count: those with the tags, else all (as the gate). */
static int
failed_match(const struct series *s)
{
	size_t i;

	for (i = 0; i < s->nf; i++)
		if (s->f[i].match)
			return 1;
	return 0;
}

static void
put_series(FILE *fp, struct series *s, const char *metric)
{
	double t0, tmax, step, nfailed = 0, *all, *row, *rfail;
	unsigned long long bins[BINS + 1] = { 0 }, codes[STATUS_MAX + 1] = { 0 };
	size_t i, j, k, nrow, nsec;
	int match = failed_match(s), lo = BINS, hi = -1, b, order[STATUS_MAX];
	char start[32];
	time_t tt;
	struct tm tm;

	qsort(s->s, s->n, sizeof *s->s, by_time);
	t0 = floor(s->s[0].t);
	tmax = s->s[s->n - 1].t;
	for (i = 0; i < s->nf; i++)
		if (s->f[i].match == match || !match) {
			if (s->f[i].t < t0)
				t0 = floor(s->f[i].t);
			if (s->f[i].t > tmax)
				tmax = s->f[i].t;
		}
	nsec = (size_t)(tmax - t0) + 1;
	step = ceil((double)nsec / SERIES_MAX_ROWS);
	nrow = (size_t)ceil(nsec / step);
	rfail = xreallocarray(NULL, nrow, sizeof *rfail);
	memset(rfail, 0, nrow * sizeof *rfail);
	for (i = 0; i < s->nf; i++)
		if ((s->f[i].match || !match) && s->f[i].failed) {
			k = (size_t)((s->f[i].t - t0) / step);
			rfail[k < nrow ? k : nrow - 1]++;
			nfailed++;
		}
	all = xreallocarray(NULL, s->n, sizeof *all);
	row = xreallocarray(NULL, s->n, sizeof *row);
	for (i = 0; i < s->n; i++) {
		all[i] = s->s[i].v;
		codes[s->s[i].status < 0 ? STATUS_MAX : s->s[i].status] += s->s[i].status >= 0;
		b = bin_of(s->s[i].v);
		bins[b]++;
		lo = b < lo ? b : lo;
		hi = b > hi ? b : hi;
	}
	pctl_sort(all, s->n);
	tt = (time_t)t0;
	gmtime_r(&tt, &tm);
	strftime(start, sizeof start, "%Y-%m-%dT%H:%M:%SZ", &tm);
	fputs("# smokekit series 1 (p95parse --series; see p95parse(1))\nseries metric=", fp);
	for (; *metric != '\0'; metric++)
		putc((unsigned char)*metric <= ' ' || *metric == '=' || *metric == 0x7f ?
		    '?' : *metric, fp);
	fprintf(fp, " start=%s step=%.0f samples=%zu failed=%.0f", start, step, s->n, nfailed);
	put_num(fp, "p50", pctl_sorted(all, s->n, 0.5));
	put_num(fp, "p95", pctl_sorted(all, s->n, 0.95));
	put_num(fp, "p99", pctl_sorted(all, s->n, 0.99));
	put_num(fp, "max", all[s->n - 1]);
	putc('\n', fp);
	for (i = 0, k = 0; k < nrow; k++) {
		for (j = 0; i < s->n && (size_t)((s->s[i].t - t0) / step) <= k; i++)
			row[j++] = s->s[i].v;
		put_row(fp, (double)k * step, j, rfail[k], row);
	}
	for (b = lo; b <= hi; b++) {
		if (b == BINS)
			fprintf(fp, "hist le=+Inf count=%llu\n", bins[b]);
		else
			fprintf(fp, "hist le=%g count=%llu\n", bin_le(b), bins[b]);
	}
	for (b = 0; b < s->ncodes; b++)
		order[b] = b;
	/* Codes in order (insertion sort: 64 at most). */
	for (b = 1; b < s->ncodes; b++)
		for (k = (size_t)b; k > 0 && strcmp(s->codes[order[k - 1]], s->codes[order[k]]) > 0; k--) {
			int tmp = order[k];

			order[k] = order[k - 1];
			order[k - 1] = tmp;
		}
	for (b = 0; b < s->ncodes; b++)
		fprintf(fp, "status code=%s count=%llu\n", s->codes[order[b]], codes[order[b]]);
	if (codes[STATUS_MAX] > 0)
		fprintf(fp, "status code=other count=%llu\n", codes[STATUS_MAX]);
	free(all);
	free(row);
	free(rfail);
}

int
series_write(struct series *s, const char *path, const char *metric, char *why, size_t size)
{
	struct atomic_file af;

	if (s->bad_time > 0) {
		snprintf(why, size, "%llu Points have a time that is not RFC 3339, the first '%s'",
		    s->bad_time, s->first_bad);
		return -1;
	}
	if (s->n == 0) {
		snprintf(why, size, "no sample");
		return -1;
	}
	if (atomic_open(&af, path) == -1) {
		snprintf(why, size, "create: %s", strerror(errno));
		return -1;
	}
	put_series(af.fp, s, metric);
	if (atomic_commit(&af) == -1) {
		snprintf(why, size, "write: %s", strerror(errno));
		return -1;
	}
	return 0;
}
