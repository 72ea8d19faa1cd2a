/* smokekit: k6's --out json NDJSON, the plain path (see ndjson.h). */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "k6name.h"
#include "names.h"
#include "ndjson.h"
#include "ndjson_fast.h"
#include "xalloc.h"

#define NDJSON_LINE_MAX (16u << 20)

struct ndjson {
	const struct query *q;
	int fast;
	size_t mlen;
	unsigned long long all_tags;    /* a bit per filter */
	char *carry;                    /* a line split between two feeds */
	size_t ncarry, capcarry;
	unsigned long long line;
	unsigned long long fed, at;     /* bytes fed so far; where the line read starts */
	double *v;                      /* the matching samples */
	size_t cap;
	struct tally t;
	sample_fn *sink;                /* else the samples are kept in v */
	void *sink_ctx;
	int (*keep)(const void *, double); /* a later pass: the values it needs */
	struct names names;
	struct ndjson_tails tails;          /* the fast path's, for the tags read lately */
	const struct ndjson_observer *obs; /* --series, or NULL */
	int failed;
	char err[512];
};

struct ndjson *
ndjson_new(const struct query *q, int fast)
{
	struct ndjson *nd;

	if (q->ntags > 64)
		return NULL;
	nd = xmalloc(sizeof *nd);
	memset(nd, 0, sizeof *nd);
	nd->q = q;
	nd->fast = fast;
	nd->mlen = strlen(q->metric);
	nd->all_tags = q->ntags == 64 ? ~0ull : (1ull << q->ntags) - 1;
	return nd;
}

void
ndjson_observe(struct ndjson *nd, const struct ndjson_observer *obs)
{
	nd->obs = obs;
}

void
ndjson_free(struct ndjson *nd)
{
	if (nd == NULL)
		return;
	free(nd->carry);
	free(nd->v);
	names_free(&nd->names);
	free(nd);
}

static int
nd_fail(struct ndjson *nd, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(nd->err, sizeof nd->err, "line %llu: ", nd->line);
	va_start(ap, fmt);
	vsnprintf(nd->err + n, sizeof nd->err - (size_t)n, fmt, ap);
	va_end(ap);
	nd->failed = 1;
	return -1;
}

/*
 * want: 1 a Point of the metric, 2 of http_req_failed; match: it has the
 * tags; pt: its time and status, for the series.
 */
static int
nd_point(struct ndjson *nd, int want, double v, int match, const struct ndjson_point *pt)
{
	if ((want & 1) && match && !(v >= 0))
		return nd_fail(nd, "%s is %g; a latency is never negative", nd->q->metric, v);
	if (nd->obs != NULL && nd->obs->sample != NULL && (want & 1) && match)
		nd->obs->sample(nd->obs->ctx, pt->time, pt->tlen, v, pt->status, pt->slen);
	if (nd->obs != NULL && nd->obs->failed != NULL && (want & 2))
		nd->obs->failed(nd->obs->ctx, pt->time, pt->tlen, v != 0, match);
	if (want & 1) {
		nd->t.points++;
		if (match && nd->sink != NULL) {
			nd->sink(nd->sink_ctx, v);
		} else if (match) {
			if (nd->t.n == nd->cap) {
				nd->cap = nd->cap ? 2 * nd->cap : 1024;
				nd->v = xreallocarray(nd->v, nd->cap, sizeof *nd->v);
			}
			nd->v[nd->t.n] = v;
		}
		if (match) {
			nd->t.n++;
			nd->t.sum += v;
		}
	}
	if (want & 2) {
		nd->t.all_total++;
		nd->t.all_n += v != 0;
		if (match) {
			nd->t.fail_total++;
			nd->t.fail_n += v != 0;
		}
	}
	return 0;
}

static int
want_of(const struct ndjson *nd, const char *name, size_t len)
{
	return (len == nd->mlen && memcmp(name, nd->q->metric, len) == 0) |
	    k6_span_eq(name, len, "http_req_failed") << 1;
}

/* What the plain path takes from a line: of each key, its first member. */
struct sline {
	int type;               /* 1 Point, 2 Metric, 3 other */
	char *metric, *name;    /* "metric", data.name */
	int have_value;
	double value;
	unsigned long long seen, match;
	unsigned got;           /* G_ bits: the keys already met */
	char *time, *status;    /* data.time, the first tag status */
};

enum { G_TYPE = 1, G_METRIC = 2, G_DATA = 4, G_VALUE = 8, G_TAGS = 16, G_NAME = 32,
    G_TIME = 64 };

/* Is this the first member of key bit g? Marks it met. */
static int
first(struct sline *sl, unsigned g)
{
	if (sl->got & g)
		return 0;
	sl->got |= g;
	return 1;
}

static int
slow_tags(const struct query *q, struct json_scanner *js, struct sline *sl)
{
	enum json_token t;
	size_t len, kl;
	const char *s;
	char *key;

	while ((t = json_next(js)) == JSON_KEY) {
		s = json_text(js, &kl);
		key = xstrndup(s, kl);
		if ((t = json_next(js)) == JSON_STRING) {
			s = json_text(js, &len);
			k6_tag_first(q, key, kl, s, len, &sl->seen, &sl->match);
			if (sl->status == NULL && k6_span_eq(key, kl, "status"))
				sl->status = xstrndup(s, len);
		} else {
			k6_tag_first(q, key, kl, NULL, 0, &sl->seen, &sl->match);
			if (t == JSON_ERROR || json_skip(js) == JSON_ERROR) {
				free(key);
				return -1;
			}
		}
		free(key);
	}
	return t == JSON_OBJECT_END ? 0 : -1;
}

static int
slow_data(const struct query *q, struct json_scanner *js, struct sline *sl)
{
	enum json_token t;
	size_t len;
	const char *s;
	int which;

	while ((t = json_next(js)) == JSON_KEY) {
		s = json_text(js, &len);
		which = k6_span_eq(s, len, "value") ? G_VALUE : k6_span_eq(s, len, "tags") ?
		    G_TAGS : k6_span_eq(s, len, "name") ? G_NAME :
		    k6_span_eq(s, len, "time") ? G_TIME : 0;
		if (which != 0 && !first(sl, (unsigned)which))
			which = 0;
		t = json_next(js);
		if (which == G_VALUE && t == JSON_NUMBER) {
			sl->value = k6_json_num(js);
			sl->have_value = isfinite(sl->value);
		} else if (which == G_TAGS && t == JSON_OBJECT) {
			if (slow_tags(q, js, sl) != 0)
				return -1;
		} else if (which == G_NAME && t == JSON_STRING) {
			s = json_text(js, &len);
			sl->name = xstrndup(s, len);
		} else if (which == G_TIME && t == JSON_STRING) {
			s = json_text(js, &len);
			sl->time = xstrndup(s, len);
		} else if (t == JSON_ERROR || json_skip(js) == JSON_ERROR) {
			return -1;
		}
	}
	return t == JSON_OBJECT_END ? 0 : -1;
}

static int
slow_doc(const struct query *q, struct json_scanner *js, struct sline *sl)
{
	enum json_token t;
	size_t len;
	const char *s;
	int which;

	if (json_next(js) != JSON_OBJECT)
		return -1;
	while ((t = json_next(js)) == JSON_KEY) {
		s = json_text(js, &len);
		which = k6_span_eq(s, len, "type") ? G_TYPE : k6_span_eq(s, len, "metric") ?
		    G_METRIC : k6_span_eq(s, len, "data") ? G_DATA : 0;
		if (which != 0 && !first(sl, (unsigned)which))
			which = 0;
		t = json_next(js);
		if (which == G_TYPE && t == JSON_STRING) {
			s = json_text(js, &len);
			sl->type = k6_span_eq(s, len, "Point") ? 1 :
			    k6_span_eq(s, len, "Metric") ? 2 : 3;
		} else if (which == G_METRIC && t == JSON_STRING) {
			s = json_text(js, &len);
			sl->metric = xstrndup(s, len);
		} else if (which == G_DATA && t == JSON_OBJECT) {
			if (slow_data(q, js, sl) != 0)
				return -1;
		} else if (t == JSON_ERROR || json_skip(js) == JSON_ERROR) {
			return -1;
		}
	}
	return t == JSON_OBJECT_END && json_next(js) == JSON_END ? 0 : -1;
}

static int
slow_line(struct ndjson *nd, const char *s, size_t n)
{
	struct json_scanner *js = json_open_mem(s, n, "");
	struct sline sl;
	int rc = 0;

	if (js == NULL)
		return nd_fail(nd, "out of memory");
	memset(&sl, 0, sizeof sl);
	if (slow_doc(nd->q, js, &sl) != 0) {
		if (json_error(js)[0] != '\0')
			rc = nd_fail(nd, "column %lu: %s", json_col(js), k6_json_why(js));
		else
			rc = nd_fail(nd, "not a JSON object");
	} else if (sl.type == 1 && sl.metric != NULL && sl.have_value) {
		struct ndjson_point pt = { sl.value, sl.seen, sl.match, sl.time, sl.status,
		    sl.time != NULL ? strlen(sl.time) : 0, sl.status != NULL ? strlen(sl.status) : 0 };

		names_add(&nd->names, sl.metric, strlen(sl.metric));
		rc = nd_point(nd, want_of(nd, sl.metric, strlen(sl.metric)), sl.value,
		    sl.match == nd->all_tags, &pt);
	} else if (sl.type == 2 && sl.name != NULL) {
		names_add(&nd->names, sl.name, strlen(sl.name));
	} else {
		rc = nd_fail(nd, "not a k6 Metric or Point line (a Point needs a finite value)");
	}
	free(sl.metric);
	free(sl.name);
	free(sl.time);
	free(sl.status);
	json_close(js);
	return rc;
}

int
ndjson_is_k6_line(const char *s, size_t n)
{
	static const struct query none = { "", NULL, 0, 0 };
	struct json_scanner *js;
	struct sline sl;
	int complete;

	if ((js = json_open_mem(s, n, "")) == NULL)
		return 0;
	memset(&sl, 0, sizeof sl);
	complete = slow_doc(&none, js, &sl) == 0;
	json_close(js);
	free(sl.metric);
	free(sl.name);
	free(sl.time);
	free(sl.status);
	return complete && (sl.type == 1 || sl.type == 2);
}

static int
nd_line(struct ndjson *nd, const char *s, size_t n)
{
	struct ndjson_point pt;
	const char *name;
	size_t len;
	int want;

	nd->line++;
	/* k6 ends a line with '}': only another end (a CR, blanks) needs trimming. */
	if (n > 0 && s[n - 1] != '}')
		while (n > 0 && k6_is_space((unsigned char)s[n - 1]))
			n--;
	if (n == 0)
		return 0;
	if (nd->fast && ndjson_fast_metric(s, n, &name, &len) == 0) {
		want = want_of(nd, name, len);
		if (nd->keep != NULL) {
			/* A first pass checked every line: read only the samples needed. */
			if (!(want & 1))
				return 0;
			if (ndjson_fast_value(s, n, len, &pt.value) == 0 &&
			    !nd->keep(nd->sink_ctx, pt.value))
				return 0;
			want = 1;
		}
		/* Points of other metrics are not needed: only their framing is checked. */
		if (want == 0)
			return s[n - 1] == '}' ? 0 : nd_fail(nd, "truncated line");
		if (ndjson_fast_point(s, n, nd->q, &nd->tails, &pt) == 0)
			return nd_point(nd, want, pt.value, pt.match == nd->all_tags, &pt);
	}
	return slow_line(nd, s, n);
}

static int
carry(struct ndjson *nd, const char *s, size_t n)
{
	if (nd->ncarry + n > NDJSON_LINE_MAX)
		return nd_fail(nd, "longer than %u bytes", NDJSON_LINE_MAX);
	if (nd->ncarry + n > nd->capcarry) {
		nd->capcarry = 2 * (nd->ncarry + n);
		nd->carry = xrealloc(nd->carry, nd->capcarry);
	}
	memcpy(nd->carry + nd->ncarry, s, n);
	nd->ncarry += n;
	return 0;
}

int
ndjson_feed(struct ndjson *nd, const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len, *nl;
	unsigned long long base = nd->fed;

	if (nd->failed)
		return -1;
	nd->fed += len;
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nd->ncarry == 0)
			nd->at = base + (unsigned long long)(p - buf);
		if (nl == NULL)
			return carry(nd, p, (size_t)(end - p));
		if (nd->ncarry > 0) {
			if (carry(nd, p, (size_t)(nl - p)) != 0 ||
			    nd_line(nd, nd->carry, nd->ncarry) != 0)
				return -1;
			nd->ncarry = 0;
		} else if (nd_line(nd, p, (size_t)(nl - p)) != 0) {
			return -1;
		}
		p = nl + 1;
	}
	return 0;
}

unsigned long long
ndjson_line_at(const struct ndjson *nd)
{
	return nd->at;
}

void
ndjson_again(struct ndjson *nd, int (*keep)(const void *ctx, double v))
{
	nd->keep = keep;
}

void
ndjson_sink(struct ndjson *nd, sample_fn *fn, void *ctx)
{
	nd->sink = fn;
	nd->sink_ctx = ctx;
}

int
ndjson_end(struct ndjson *nd, struct tally *t, struct result *r)
{
	if (!nd->failed && nd->ncarry > 0 && nd_line(nd, nd->carry, nd->ncarry) == 0)
		nd->ncarry = 0;
	if (nd->failed) {
		result_seterr(r, "%s", nd->err);
		return -1;
	}
	*t = nd->t;
	return 0;
}

int
ndjson_finish(struct ndjson *nd, struct result *r)
{
	const struct query *q = nd->q;
	char full[RESULT_NAME_MAX];
	struct tally t;

	if (ndjson_end(nd, &t, r) != 0)
		return -1;
	k6_full_name(full, sizeof full, q->metric, q->tags, q->ntags);
	if (t.points == 0) {
		result_seterr(r, "no Point of %s", q->metric);
		names_tell(&nd->names, r, "metrics");
		return -1;
	}
	if (t.n == 0) {
		result_seterr(r, "none of the %llu Points of %s has the tags of %s",
		    t.points, q->metric, full);
		return -1;
	}
	return result_samples(r, q, "k6-ndjson", nd->v, &t);
}
