/* smokekit: Prometheus text exposition, histogram_quantile and summaries. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "names.h"
#include "prom.h"
#include "result.h"
#include "xalloc.h"

#define NCAND 6

/* One _bucket sample: its bound, count, series (labels but le) and line. */
struct bsample {
	double le, count;
	size_t series;
	unsigned long line;
};

/* One spelling of the metric: its bucket samples, sum, count. */
struct cand {
	char name[RESULT_NAME_MAX];
	size_t nlen;
	struct bsample *bs;
	size_t nb, capb;
	double sum, count;
	int have_sum, have_count;
	double qv;                     /* the summary's matching quantile */
	unsigned long qseries;
	unsigned long qlines;          /* quantile lines of any quantile */
};

static int
name_char(int c, int first)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	    c == ':' || (!first && c >= '0' && c <= '9');
}

static int
blank(int c)
{
	return c == ' ' || c == '\t';
}

static int
eq(const char *s, size_t len, const char *z)
{
	return strlen(z) == len && memcmp(s, z, len) == 0;
}

/* A Go ParseFloat number as the exposition writes it: decimal, ±Inf, NaN. */
static int
parse_float(const char *s, size_t len, double *v)
{
	char buf[64];
	const char *p = s;
	size_t i, n = len;
	char *end;

	if (len == 0 || len >= sizeof buf)
		return -1;
	if (*p == '+' || *p == '-')
		p++, n--;
	if ((n == 3 && strncasecmp(p, "inf", 3) == 0) ||
	    (n == 8 && strncasecmp(p, "infinity", 8) == 0)) {
		*v = s[0] == '-' ? -HUGE_VAL : HUGE_VAL;
		return 0;
	}
	if (n == 3 && strncasecmp(p, "nan", 3) == 0 && p == s) {
		*v = NAN;
		return 0;
	}
	for (i = 0; i < n; i++)
		if (!((p[i] >= '0' && p[i] <= '9') || p[i] == '.' || p[i] == 'e' ||
		    p[i] == 'E' || p[i] == '+' || p[i] == '-'))
			return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	*v = strtod(buf, &end);
	return *end == '\0' && end != buf ? 0 : -1;
}

/* A label value with its escapes (\\, \", \n) decoded into *out. */
static int
label_value(const char **p, const char *end, char **out, struct prom_label *l)
{
	const char *s = *p;

	if (s == end || *s++ != '"')
		return -1;
	l->v = *out;
	for (; s < end && *s != '"'; s++) {
		if (*s == '\\') {
			if (++s == end)
				return -1;
			*(*out)++ = *s == 'n' ? '\n' : *s;
		} else {
			*(*out)++ = *s;
		}
	}
	if (s == end)
		return -1;
	l->vl = (size_t)(*out - l->v);
	*p = s + 1;
	return 0;
}

/* name{k="v",...} value [timestamp] [# exemplar]; scratch holds decoded values. */
static int
parse_sample(const char *s, size_t n, char *scratch, struct prom_sample *sm)
{
	const char *p = s, *end = s + n, *t;
	struct prom_label *l;

	if (p == end || !name_char((unsigned char)*p, 1))
		return -1;
	sm->name = p;
	while (p < end && name_char((unsigned char)*p, 0))
		p++;
	sm->nlen = (size_t)(p - s);
	sm->nlab = 0;
	if (p < end && *p == '{') {
		p++;
		for (;;) {
			while (p < end && blank((unsigned char)*p))
				p++;
			if (p < end && *p == '}')
				break;
			if (sm->nlab == PROM_MAX_LABELS || p == end || !name_char((unsigned char)*p, 1))
				return -1;
			l = &sm->lab[sm->nlab++];
			for (l->k = p; p < end && name_char((unsigned char)*p, 0); p++)
				;
			l->kl = (size_t)(p - l->k);
			while (p < end && blank((unsigned char)*p))
				p++;
			if (p == end || *p++ != '=')
				return -1;
			while (p < end && blank((unsigned char)*p))
				p++;
			if (label_value(&p, end, &scratch, l) != 0)
				return -1;
			while (p < end && blank((unsigned char)*p))
				p++;
			if (p < end && *p == ',')
				p++;
			else if (p == end || *p != '}')
				return -1;
		}
		p++;
	}
	if (p == end || !blank((unsigned char)*p))
		return -1;
	while (p < end && blank((unsigned char)*p))
		p++;
	for (t = p; p < end && !blank((unsigned char)*p); p++)
		;
	if (parse_float(t, (size_t)(p - t), &sm->value) != 0)
		return -1;
	while (p < end && blank((unsigned char)*p))
		p++;
	if (p < end && *p != '#') {             /* a timestamp in milliseconds */
		if (*p == '-')
			p++;
		for (t = p; p < end && *p >= '0' && *p <= '9'; p++)
			;
		if (p == t)
			return -1;
		while (p < end && blank((unsigned char)*p))
			p++;
	}
	return p == end || *p == '#' ? 0 : -1;   /* "# {...}" is an OpenMetrics exemplar */
}

static const struct prom_label *
label(const struct prom_sample *sm, const char *k)
{
	size_t i;

	for (i = 0; i < sm->nlab; i++)
		if (eq(sm->lab[i].k, sm->lab[i].kl, k))
			return &sm->lab[i];
	return NULL;
}

/* Does the series carry every filter label with its value? */
static int
labels_match(const struct prom_sample *sm, const struct query *q)
{
	const struct prom_label *l;
	size_t i;

	for (i = 0; i < q->ntags; i++)
		if ((l = label(sm, q->tags[i].key)) == NULL || !eq(l->v, l->vl, q->tags[i].value))
			return 0;
	return 1;
}

/* name[0..len) is cand + suffix */
static int
is_(const struct prom_sample *sm, const char *cand, size_t cl, const char *suffix, size_t sl)
{
	return sm->nlen == cl + sl && memcmp(sm->name, cand, cl) == 0 &&
	    memcmp(sm->name + cl, suffix, sl) == 0;
}

#define is(sm, c, suffix) is_(sm, (c)->name, (c)->nlen, suffix, sizeof suffix - 1)

static int
cmp_label(const void *x, const void *y)
{
	const struct prom_label *a = x, *b = y;
	size_t n = a->kl < b->kl ? a->kl : b->kl;
	int c = memcmp(a->k, b->k, n);

	return c != 0 ? c : (a->kl > b->kl) - (a->kl < b->kl);
}

/*
 * The series of a sample: its labels but le, sorted, each value with its
 * length (so no value can pass for another), as a number.
 */
static size_t
series_of(const struct prom_sample *sm, struct names *series, char **buf, size_t *cap)
{
	struct prom_label l[PROM_MAX_LABELS];
	size_t i, n = 0, need = 1, at = 0;

	for (i = 0; i < sm->nlab; i++)
		if (!eq(sm->lab[i].k, sm->lab[i].kl, "le")) {
			l[n++] = sm->lab[i];
			need += sm->lab[i].kl + sm->lab[i].vl + 24;
		}
	qsort(l, n, sizeof *l, cmp_label);
	if (need > *cap)
		*buf = xrealloc(*buf, *cap = need);
	for (i = 0; i < n; i++)
		at += (size_t)snprintf(*buf + at, *cap - at, "%.*s=%zu:", (int)l[i].kl, l[i].k,
		    l[i].vl);
	for (i = 0; i < n; i++) {
		memcpy(*buf + at, l[i].v, l[i].vl);
		at += l[i].vl;
	}
	return names_add(series, *buf, at);
}

static void
add_bucket(struct cand *c, double le, double count, size_t series, unsigned long line)
{
	if (c->nb == c->capb) {
		c->capb = c->capb ? 2 * c->capb : 16;
		c->bs = xreallocarray(c->bs, c->capb, sizeof *c->bs);
	}
	c->bs[c->nb].le = le;
	c->bs[c->nb].count = count;
	c->bs[c->nb].series = series;
	c->bs[c->nb++].line = line;
}

/* What one sample line needs to be read. */
struct ctx {
	const struct query *q;
	struct cand *cs;
	struct names series;
	char *key;
	size_t capkey;
	unsigned long line;
	struct result *r;
};

static int
take_sample(struct ctx *x, const struct prom_sample *sm)
{
	const struct prom_label *l;
	double le, qq;
	int i;

	if (!labels_match(sm, x->q))
		return 0;
	for (i = 0; i < NCAND; i++) {
		struct cand *c = &x->cs[i];
		if (is(sm, c, "_bucket")) {
			if ((l = label(sm, "le")) == NULL || parse_float(l->v, l->vl, &le) != 0)
				continue;
			if (isnan(le)) {
				result_seterr(x->r, "line %lu: %s_bucket has le=\"NaN\"; a bucket "
				    "bound is a number", x->line, c->name);
				return -1;
			}
			if (!(sm->value >= 0) || isinf(sm->value)) {
				result_seterr(x->r, "line %lu: %s_bucket{le=\"%.*s\"} count is %s; "
				    "a bucket count is a finite number, never negative", x->line,
				    c->name, (int)l->vl, l->v, isnan(sm->value) ? "NaN" :
				    isinf(sm->value) ? "infinite" : "negative");
				return -1;
			}
			add_bucket(c, le, sm->value, series_of(sm, &x->series, &x->key, &x->capkey),
			    x->line);
		} else if (is(sm, c, "_sum")) {
			c->sum += sm->value;
			c->have_sum = 1;
		} else if (is(sm, c, "_count")) {
			c->count += sm->value;
			c->have_count = 1;
		} else if (is(sm, c, "") && (l = label(sm, "quantile")) != NULL &&
		    parse_float(l->v, l->vl, &qq) == 0) {
			c->qlines++;
			if (fabs(qq - x->q->pct / 100) <= 1e-9 * fabs(x->q->pct / 100)) {
				c->qv = sm->value;
				c->qseries++;
			}
		}
	}
	return 0;
}

/* Prometheus's almost.Equal: equal within a relative epsilon. */
static int
almost_equal(double a, double b, double eps)
{
	const double min_normal = 2.2250738585072014e-308;
	double sum = fabs(a) + fabs(b), diff = fabs(a - b);

	if (a == b)
		return 1;
	if (a == 0 || b == 0 || sum < min_normal)
		return diff < eps * min_normal;
	return diff / sum < eps;
}

static int
cmp_le(const void *x, const void *y)
{
	double a = ((const struct prom_bucket *)x)->le, b = ((const struct prom_bucket *)y)->le;

	return (a > b) - (a < b);
}

int
prom_bucket_quantile(double q, struct prom_bucket *b, size_t n, double *out,
    int *fixed, const char **why)
{
	double prev, rank, start = 0, count;
	size_t i, k;

	*fixed = 0;
	qsort(b, n, sizeof *b, cmp_le);
	if (n == 0 || !isinf(b[n - 1].le) || b[n - 1].le < 0) {
		*why = "no le=\"+Inf\" bucket";
		return -1;
	}
	/* Counts are cumulative; a decrease is repaired, tiny float noise ignored. */
	prev = b[0].count;
	for (i = 1; i < n; i++) {
		if (b[i].count == prev)
			continue;
		if (almost_equal(prev, b[i].count, 1e-12) || b[i].count < prev) {
			*fixed |= b[i].count < prev && !almost_equal(prev, b[i].count, 1e-12);
			b[i].count = prev;
			continue;
		}
		prev = b[i].count;
	}
	if (n < 2) {
		*why = "too few buckets (a histogram needs a finite bucket and +Inf)";
		return -1;
	}
	if (b[n - 1].count == 0) {
		*why = "no observations (count 0)";
		return -1;
	}
	rank = q * b[n - 1].count;
	for (k = 0; k < n - 1 && b[k].count < rank; k++)
		;
	if (k == n - 1) {
		*out = b[n - 2].le;     /* in the +Inf bucket: the highest finite bound */
		return 0;
	}
	if (k == 0 && b[0].le <= 0) {
		*out = b[0].le;
		return 0;
	}
	count = b[k].count;
	if (k > 0) {
		start = b[k - 1].le;
		count -= b[k - 1].count;
		rank -= b[k - 1].count;
	}
	*out = start + (b[k].le - start) * (rank / count);
	return 0;
}

/* Milliseconds per unit of a metric, by its name's suffix. */
static double
unit_ms(const char *name)
{
	size_t n = strlen(name);

	if (n > 8 && strcmp(name + n - 8, "_seconds") == 0)
		return 1000;
	if (n > 13 && strcmp(name + n - 13, "_microseconds") == 0)
		return 0.001;
	return 1;
}

static void
full_name(char *buf, size_t size, const char *name, const struct query *q)
{
	size_t i, n;

	n = (size_t)snprintf(buf, size, "%s", name);
	for (i = 0; i < q->ntags && n < size; i++)
		n += (size_t)snprintf(buf + n, size - n, "%s%s=\"%s\"", i ? "," : "{",
		    q->tags[i].key, q->tags[i].value);
	if (q->ntags > 0 && n < size)
		snprintf(buf + n, size - n, "}");
}

static int
cmp_bsample(const void *x, const void *y)
{
	const struct bsample *a = x, *b = y;

	if (a->le != b->le)
		return (a->le > b->le) - (a->le < b->le);
	if (a->series != b->series)
		return (a->series > b->series) - (a->series < b->series);
	return (a->line > b->line) - (a->line < b->line);
}

/*
 * sum by (le) of the bucket samples, sorted by bound; a series that gives
 * a bound twice is an error, not a count to add.
 */
static int
buckets(struct cand *c, struct prom_bucket **out, size_t *n, unsigned long *series,
    struct result *r)
{
	struct prom_bucket *b;
	size_t i, k = 0;

	qsort(c->bs, c->nb, sizeof *c->bs, cmp_bsample);
	b = xreallocarray(NULL, c->nb, sizeof *b);
	*series = 0;
	for (i = 0; i < c->nb; i++) {
		const struct bsample *s = &c->bs[i];
		if (i > 0 && s->le == s[-1].le && s->series == s[-1].series) {
			char le[40];
			if (isinf(s->le))
				snprintf(le, sizeof le, "%cInf", s->le > 0 ? '+' : '-');
			else
				snprintf(le, sizeof le, "%g", s->le);
			result_seterr(r, "%s_bucket: the same series gives le=\"%s\" twice "
			    "(lines %lu and %lu); duplicate series are an error, not added up",
			    c->name, le, s[-1].line, s->line);
			free(b);
			return -1;
		}
		if (k > 0 && b[k - 1].le == s->le) {
			b[k - 1].count += s->count;
		} else {
			b[k].le = s->le;
			b[k++].count = s->count;
		}
		*series += isinf(s->le) && s->le > 0;
	}
	*out = b;
	*n = k;
	return 0;
}

static int
from_histogram(struct cand *c, const struct query *q, struct result *r)
{
	double v, u = unit_ms(c->name);
	const char *why;
	struct prom_bucket *b;
	size_t nb;

	if (buckets(c, &b, &nb, &r->series, r) != 0)
		return -1;
	if (prom_bucket_quantile(q->pct / 100, b, nb, &v, &r->fixed_monotonic, &why) != 0) {
		result_seterr(r, "%s_bucket: %s", c->name, why);
		free(b);
		return -1;
	}
	if (!isfinite(v)) {
		result_seterr(r, "%s_bucket: the quantile is not a finite number", c->name);
		free(b);
		return -1;
	}
	val_exact(&r->pct, v * u);
	r->method = "histogram_quantile";
	if (c->have_count && c->count > 0 && c->have_sum && isfinite(c->sum / c->count))
		val_exact(&r->avg, c->sum / c->count * u);
	r->requests = c->have_count ? c->count : b[nb - 1].count;
	r->have_requests = isfinite(r->requests) && r->requests >= 0;
	free(b);
	return 0;
}

static int
from_summary(struct cand *c, const struct query *q, struct result *r)
{
	double u = unit_ms(c->name);

	if (c->qseries > 1) {
		result_seterr(r, "%lu series of %s have quantile %g; choose one with -t", c->qseries,
		    c->name, q->pct / 100);
		return -1;
	}
	if (!isfinite(c->qv)) {
		result_seterr(r, "%s{quantile=\"%g\"} is %g (no observations)", c->name, q->pct / 100, c->qv);
		return -1;
	}
	val_exact(&r->pct, c->qv * u);
	r->method = "summary";
	r->series = 1;
	if (c->have_count && c->count > 0 && c->have_sum && isfinite(c->sum / c->count))
		val_exact(&r->avg, c->sum / c->count * u);
	if (c->have_count && isfinite(c->count) && c->count >= 0) {
		r->requests = c->count;
		r->have_requests = 1;
	}
	return 0;
}

/* The error rate: a 0..1 gauge named like http_req_failed. */
static void
failed_sample(const struct prom_sample *sm, const struct query *q, struct result *r,
    unsigned long *n)
{
	static const char *names[] = {
		"http_req_failed", "http_req_failed_rate", "k6_http_req_failed_rate",
		"k6_http_req_failed",
	};
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (eq(sm->name, sm->nlen, names[i]) && labels_match(sm, q) &&
		    sm->value >= 0 && sm->value <= 1) {
			if ((*n)++ == 0) {
				r->failed = sm->value;
				full_name(r->failed_metric, sizeof r->failed_metric, names[i], q);
			}
			return;
		}
}

static void
family(struct names *ns, const char *name, size_t len)
{
	static const char *suffixes[] = { "_bucket", "_sum", "_count" };
	size_t i, sl;

	for (i = 0; i < 3; i++) {
		sl = strlen(suffixes[i]);
		if (len > sl && memcmp(name + len - sl, suffixes[i], sl) == 0) {
			len -= sl;
			break;
		}
	}
	names_add(ns, name, len);
}

int
prom_parse(const char *buf, size_t len, const struct query *q, struct result *r)
{
	static const char *forms[NCAND] = {
		"%s", "%s_seconds", "%s_milliseconds", "k6_%s", "k6_%s_seconds",
		"k6_%s_milliseconds",
	};
	struct cand cs[NCAND];
	struct names ns;
	struct prom_sample sm;
	struct ctx x;
	const char *p = buf, *end = buf + len, *nl;
	char *scratch = NULL;
	size_t cap = 0, n;
	unsigned long nfailed = 0;
	int i, rc = -1;

	memset(cs, 0, sizeof cs);
	memset(&ns, 0, sizeof ns);
	memset(&x, 0, sizeof x);
	x.q = q;
	x.cs = cs;
	x.r = r;
	for (i = 0; i < NCAND; i++) {
		snprintf(cs[i].name, sizeof cs[i].name, forms[i], q->metric);
		cs[i].nlen = strlen(cs[i].name);
	}
	for (; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		x.line++;
		n = (size_t)(nl - p);
		while (n > 0 && (p[n - 1] == '\r' || blank((unsigned char)p[n - 1])))
			n--;
		while (n > 0 && blank((unsigned char)*p))
			p++, n--;
		if (n == 0)
			continue;
		if (*p == '#') {
			if (n == 5 && memcmp(p, "# EOF", 5) == 0)
				break;
			continue;
		}
		if (n + 1 > cap)
			scratch = xrealloc(scratch, cap = n + 1);
		if (parse_sample(p, n, scratch, &sm) != 0) {
			result_seterr(r, "line %lu: not a Prometheus sample line", x.line);
			goto out;
		}
		family(&ns, sm.name, sm.nlen);
		if (take_sample(&x, &sm) != 0)
			goto out;
		failed_sample(&sm, q, r, &nfailed);
	}
	r->source = "prometheus";
	for (i = 0; i < NCAND; i++) {
		if (cs[i].nb == 0 && cs[i].qlines == 0)
			continue;
		full_name(r->metric, sizeof r->metric, cs[i].name, q);
		if (cs[i].nb > 0)
			rc = from_histogram(&cs[i], q, r);
		else if (cs[i].qseries > 0)
			rc = from_summary(&cs[i], q, r);
		else
			result_seterr(r, "summary %s has no quantile=\"%g\" line (a summary has only the "
			    "quantiles it was made with)", r->metric, q->pct / 100);
		break;
	}
	if (i == NCAND) {
		full_name(r->metric, sizeof r->metric, q->metric, q);
		result_seterr(r, "no histogram or summary %s (nor with _seconds, _milliseconds, k6_)",
		    r->metric);
		names_tell(&ns, r, "metrics");
	}
	if (rc == 0 && nfailed == 1)
		r->have_failed = 1;
	else
		r->failed_metric[0] = '\0';
	if (rc == 0)
		rc = result_check(r, q->pct);
out:
	for (i = 0; i < NCAND; i++)
		free(cs[i].bs);
	free(scratch);
	free(x.key);
	names_free(&ns);
	names_free(&x.series);
	return rc;
}

int
prom_detect(const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len, *nl;
	struct prom_sample sm;
	char scratch[4096];
	size_t n;
	int lines;

	for (lines = 0; p < end && lines < 50; p = nl + 1, lines++) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		n = (size_t)(nl - p);
		while (n > 0 && (p[n - 1] == '\r' || blank((unsigned char)p[n - 1])))
			n--;
		if (n == 0)
			continue;
		if (*p == '#')
			return n > 7 && (memcmp(p, "# HELP ", 7) == 0 || memcmp(p, "# TYPE ", 7) == 0);
		return n < sizeof scratch && parse_sample(p, n, scratch, &sm) == 0;
	}
	return 0;
}

int
prom_sample(const char *line, size_t n, char *scratch, struct prom_sample *out)
{
	return parse_sample(line, n, scratch, out);
}
