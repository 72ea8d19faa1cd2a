/* smokekit: k6's --out csv (see csv.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "k6name.h"
#include "names.h"
#include "xalloc.h"

#define CSV_LINE_MAX (16u << 20)
#define CSV_HEADER "metric_name,timestamp,metric_value,"
#define CSV_COLS_MAX 256

struct field {
	const char *s;
	size_t len;
};

struct csv {
	const struct query *q;
	size_t mlen;
	unsigned long long all_tags;
	char *carry;                    /* a record split between feeds or lines */
	size_t ncarry, capcarry;
	unsigned long long line;
	char *col[CSV_COLS_MAX];        /* the header's names; NULL before it */
	size_t ncol, extra, metadata;
	char *scratch;                  /* quoted fields, unescaped */
	size_t capscratch;
	struct field f[CSV_COLS_MAX];
	double *v;
	size_t cap;
	struct tally t;
	sample_fn *sink;
	void *sink_ctx;
	struct names names;
	int failed;
	char err[512];
};

int
csv_detect(const char *buf, size_t len)
{
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0) {
		buf += 3;
		len -= 3;
	}
	return k6_starts(buf, len, CSV_HEADER);
}

struct csv *
csv_new(const struct query *q)
{
	struct csv *c;

	if (q->ntags > 64)
		return NULL;
	c = xmalloc(sizeof *c);
	memset(c, 0, sizeof *c);
	c->q = q;
	c->mlen = strlen(q->metric);
	c->all_tags = q->ntags == 64 ? ~0ull : (1ull << q->ntags) - 1;
	return c;
}

void
csv_free(struct csv *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->ncol; i++)
		free(c->col[i]);
	free(c->carry);
	free(c->scratch);
	free(c->v);
	names_free(&c->names);
	free(c);
}

void
csv_sink(struct csv *c, sample_fn *fn, void *ctx)
{
	c->sink = fn;
	c->sink_ctx = ctx;
}

static int
csv_fail(struct csv *c, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(c->err, sizeof c->err, "line %llu: ", c->line);
	va_start(ap, fmt);
	vsnprintf(c->err + n, sizeof c->err - (size_t)n, fmt, ap);
	va_end(ap);
	c->failed = 1;
	return -1;
}

/*
 * Splits the record s[0..n) into c->f as RFC 4180 (Go's encoding/csv
 * writes it so): a quoted field has its "" unescaped into c->scratch.
 * Returns the number of fields, or -1.
 */
static long
split(struct csv *c, const char *s, size_t n)
{
	const char *p = s, *end = s + n;
	size_t nf = 0, used = 0;
	char *o;

	if (c->capscratch < n + 1) {
		c->capscratch = 2 * (n + 1);
		c->scratch = xrealloc(c->scratch, c->capscratch);
	}
	for (;;) {
		if (nf == CSV_COLS_MAX)
			return -1;
		if (p < end && *p == '"') {
			o = c->scratch + used;
			c->f[nf].s = o;
			for (p++; p < end; p++) {
				if (*p == '"' && (p + 1 == end || p[1] != '"'))
					break;
				*o++ = *p;
				p += *p == '"';
			}
			if (p == end)
				return -1;
			c->f[nf].len = (size_t)(o - c->f[nf].s);
			used += c->f[nf++].len;
			if (++p < end && *p != ',')
				return -1;
		} else {
			c->f[nf].s = p;
			while (p < end && *p != ',' && *p != '"')
				p++;
			if (p < end && *p == '"')
				return -1;
			c->f[nf].len = (size_t)(p - c->f[nf].s);
			nf++;
		}
		if (p == end)
			return (long)nf;
		p++;                    /* the comma */
	}
}

static int
header(struct csv *c, long nf)
{
	size_t i;

	if (nf < 5 || !k6_span_eq(c->f[0].s, c->f[0].len, "metric_name") ||
	    !k6_span_eq(c->f[1].s, c->f[1].len, "timestamp") ||
	    !k6_span_eq(c->f[2].s, c->f[2].len, "metric_value"))
		return csv_fail(c, "not k6's CSV header (metric_name,timestamp,metric_value,...)");
	c->ncol = (size_t)nf;
	c->extra = c->metadata = (size_t)-1;
	for (i = 0; i < c->ncol; i++) {
		c->col[i] = xstrndup(c->f[i].s, c->f[i].len);
		if (strcmp(c->col[i], "extra_tags") == 0)
			c->extra = i;
		else if (strcmp(c->col[i], "metadata") == 0)
			c->metadata = i;
	}
	return 0;
}

/* extra_tags: k=v pairs joined by '&', as k6's SampleToRow writes them. */
static void
extra_tags(struct csv *c, const struct field *f, unsigned long long *seen,
    unsigned long long *match)
{
	const char *p = f->s, *end = f->s + f->len, *amp, *eq;

	while (p < end) {
		amp = memchr(p, '&', (size_t)(end - p));
		if (amp == NULL)
			amp = end;
		eq = memchr(p, '=', (size_t)(amp - p));
		if (eq != NULL)
			k6_tag_first(c->q, p, (size_t)(eq - p), eq + 1, (size_t)(amp - eq - 1),
			    seen, match);
		p = amp + 1;
	}
}

static void
sample(struct csv *c, double v)
{
	if (c->sink != NULL) {
		c->sink(c->sink_ctx, v);
	} else {
		if (c->t.n == c->cap) {
			c->cap = c->cap ? 2 * c->cap : 1024;
			c->v = xreallocarray(c->v, c->cap, sizeof *c->v);
		}
		c->v[c->t.n] = v;
	}
	c->t.n++;
	c->t.sum += v;
}

static int
row(struct csv *c, const char *s, size_t n)
{
	unsigned long long seen = 0, match = 0;
	long nf = split(c, s, n);
	size_t i;
	double v;
	int want;

	if (nf < 0)
		return csv_fail(c, "not a CSV record (a quote out of place)");
	if (c->ncol == 0)
		return header(c, nf);
	if ((size_t)nf != c->ncol)
		return csv_fail(c, "%ld fields; the header has %zu", nf, c->ncol);
	names_add(&c->names, c->f[0].s, c->f[0].len);
	want = (c->f[0].len == c->mlen && memcmp(c->f[0].s, c->q->metric, c->mlen) == 0) |
	    k6_span_eq(c->f[0].s, c->f[0].len, "http_req_failed") << 1;
	if (want == 0)
		return 0;
	if (k6_parse_num(c->f[2].s, c->f[2].len, &v) != 0)
		return csv_fail(c, "metric_value '%.*s' is not a finite number",
		    (int)(c->f[2].len > 40 ? 40 : c->f[2].len), c->f[2].s);
	for (i = 3; i < c->ncol; i++)
		if (i == c->extra)
			extra_tags(c, &c->f[i], &seen, &match);
		else if (i != c->metadata)
			k6_tag_first(c->q, c->col[i], strlen(c->col[i]), c->f[i].s,
			    c->f[i].len, &seen, &match);
	if ((want & 1) && match == c->all_tags && !(v >= 0))
		return csv_fail(c, "%s is %g; a latency is never negative", c->q->metric, v);
	if (want & 1) {
		c->t.points++;
		if (match == c->all_tags)
			sample(c, v);
	}
	if (want & 2) {
		c->t.all_total++;
		c->t.all_n += v != 0;
		if (match == c->all_tags) {
			c->t.fail_total++;
			c->t.fail_n += v != 0;
		}
	}
	return 0;
}

static int
record(struct csv *c, const char *s, size_t n)
{
	c->line++;
	if (n > 0 && s[n - 1] == '\r')
		n--;
	if (n == 0)
		return 0;
	return row(c, s, n);
}

static int
carry(struct csv *c, const char *s, size_t n)
{
	if (c->ncarry + n > CSV_LINE_MAX)
		return csv_fail(c, "a record longer than %u bytes", CSV_LINE_MAX);
	if (c->ncarry + n > c->capcarry) {
		c->capcarry = 2 * (c->ncarry + n);
		c->carry = xrealloc(c->carry, c->capcarry);
	}
	memcpy(c->carry + c->ncarry, s, n);
	c->ncarry += n;
	return 0;
}

/* An odd number of quotes: a quoted field goes on past the newline. */
static int
open_quote(const char *s, size_t n)
{
	const char *p = s, *end = s + n;
	int odd = 0;

	while ((p = memchr(p, '"', (size_t)(end - p))) != NULL) {
		odd ^= 1;
		p++;
	}
	return odd;
}

int
csv_feed(struct csv *c, const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len, *nl;

	if (c->failed)
		return -1;
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			return carry(c, p, (size_t)(end - p));
		if (c->ncarry > 0 || open_quote(p, (size_t)(nl - p))) {
			if (carry(c, p, (size_t)(nl - p)) != 0)
				return -1;
			if (open_quote(c->carry, c->ncarry)) {
				if (carry(c, "\n", 1) != 0)
					return -1;
			} else {
				if (record(c, c->carry, c->ncarry) != 0)
					return -1;
				c->ncarry = 0;
			}
		} else if (record(c, p, (size_t)(nl - p)) != 0) {
			return -1;
		}
		p = nl + 1;
	}
	return 0;
}

int
csv_end(struct csv *c, struct tally *t, struct result *r)
{
	if (!c->failed && c->ncarry > 0) {
		if (open_quote(c->carry, c->ncarry))
			csv_fail(c, "a quoted field is not closed at the end of the input");
		else if (record(c, c->carry, c->ncarry) == 0)
			c->ncarry = 0;
	}
	if (!c->failed && c->ncol == 0)
		csv_fail(c, "no header");
	if (c->failed) {
		result_seterr(r, "%s", c->err);
		return -1;
	}
	*t = c->t;
	return 0;
}

int
csv_finish(struct csv *c, struct result *r)
{
	const struct query *q = c->q;
	char full[RESULT_NAME_MAX];
	struct tally t;

	if (csv_end(c, &t, r) != 0)
		return -1;
	k6_full_name(full, sizeof full, q->metric, q->tags, q->ntags);
	if (t.points == 0) {
		result_seterr(r, "no row of %s", q->metric);
		names_tell(&c->names, r, "metrics");
		return -1;
	}
	if (t.n == 0) {
		result_seterr(r, "none of the %llu rows of %s has the tags of %s",
		    t.points, q->metric, full);
		return -1;
	}
	return result_samples(r, q, "k6-csv", c->v, &t);
}
