/* smokekit: k6's result formats (see k6.h and shared/k6-formats.md). */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dur.h"
#include "json.h"
#include "k6.h"
#include "pctl.h"
#include "xalloc.h"

#define MARK_OK   "\xe2\x9c\x93"   /* ✓ */
#define MARK_FAIL "\xe2\x9c\x97"   /* ✗ */
#define BLOCK     "\xe2\x96\x88"   /* █ */
#define MARK_LEN  3

/* ---- results, names, tag sets ---------------------------------------- */

void
k6_result_init(struct k6_result *r)
{
	memset(r, 0, sizeof *r);
	r->verdict = r->failed_verdict = -1;
}

void
k6_result_free(struct k6_result *r)
{
	size_t i;

	for (i = 0; i < r->nverdicts; i++)
		free(r->verdicts[i].source);
	free(r->verdicts);
	r->verdicts = NULL;
	r->nverdicts = 0;
}

void
k6_seterr(struct k6_result *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->err, sizeof r->err, fmt, ap);
	va_end(ap);
}

static int
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

static void
trim(const char **s, size_t *len)
{
	while (*len > 0 && is_space((unsigned char)**s))
		(*s)++, (*len)--;
	while (*len > 0 && is_space((unsigned char)(*s)[*len - 1]))
		(*len)--;
}

/* k6 trims blanks, then quotes, around sub-metric keys and values. */
static void
trim_tag(const char **s, size_t *len)
{
	trim(s, len);
	while (*len > 0 && (**s == '"' || **s == '\''))
		(*s)++, (*len)--;
	while (*len > 0 && ((*s)[*len - 1] == '"' || (*s)[*len - 1] == '\''))
		(*len)--;
}

static int
span_eq(const char *s, size_t len, const char *z)
{
	return strlen(z) == len && memcmp(s, z, len) == 0;
}

int
k6_name_is(const char *name, size_t len, const char *metric,
    const struct k6_tag *tags, size_t ntags)
{
	const char *brace = memchr(name, '{', len), *p, *end;
	size_t mlen = brace ? (size_t)(brace - name) : len, seen = 0, i;

	if (!span_eq(name, mlen, metric))
		return 0;
	if (brace == NULL)
		return ntags == 0;
	if (name[len - 1] != '}')
		return 0;
	p = brace + 1;
	end = name + len - 1;
	while (p <= end) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *stop = comma ? comma : end, *k = p, *v, *colon;
		size_t klen, vlen;

		colon = memchr(p, ':', (size_t)(stop - p));
		klen = (size_t)((colon ? colon : stop) - k);
		v = colon ? colon + 1 : stop;
		vlen = (size_t)(stop - v);
		trim_tag(&k, &klen);
		trim_tag(&v, &vlen);
		p = stop + 1;
		if (klen == 0 && colon == NULL)
			continue;  /* k6 skips empty items ("a:b,") */
		for (i = 0; i < ntags; i++)
			if (span_eq(k, klen, tags[i].key))
				break;
		if (i == ntags || !span_eq(v, vlen, tags[i].value))
			return 0;
		seen++;
	}
	return seen == ntags;
}

void
k6_full_name(char *buf, size_t size, const char *metric,
    const struct k6_tag *tags, size_t ntags)
{
	size_t i, n;

	n = (size_t)snprintf(buf, size, "%s", metric);
	for (i = 0; i < ntags && n < size; i++)
		n += (size_t)snprintf(buf + n, size - n, "%s%s:%s", i ? "," : "{",
		    tags[i].key, tags[i].value);
	if (ntags > 0 && n < size)
		snprintf(buf + n, size - n, "}");
}

/* A JSON-style decimal: -?digits[.digits][e[+-]digits]. Returns its length. */
static size_t
number_len(const char *s, size_t len)
{
	size_t i = 0, d;

	if (i < len && s[i] == '-')
		i++;
	for (d = i; i < len && s[i] >= '0' && s[i] <= '9'; i++)
		;
	if (i == d || (s[d] == '0' && i - d > 1))
		return 0;
	if (i < len && s[i] == '.') {
		for (d = ++i; i < len && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == d)
			return 0;
	}
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < len && (s[i] == '+' || s[i] == '-'))
			i++;
		for (d = i; i < len && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == d)
			return 0;
	}
	return i;
}

/* The whole of s[0..len) as a decimal number. */
static int
parse_num(const char *s, size_t len, double *v)
{
	char buf[128];

	if (len == 0 || len >= sizeof buf || number_len(s, len) != len)
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	*v = strtod(buf, NULL);
	return isfinite(*v) ? 0 : -1;
}

int
k6_stat_pct(const char *s, size_t len, double *pct)
{
	double v;

	if (span_eq(s, len, "med"))
		v = 50;
	else if (span_eq(s, len, "min"))
		v = 0;
	else if (span_eq(s, len, "max"))
		v = 100;
	else if (len > 3 && s[0] == 'p' && s[1] == '(' && s[len - 1] == ')' &&
	    parse_num(s + 2, len - 3, &v) == 0 && v >= 0 && v <= 100 && s[2] != '-')
		;
	else
		return -1;
	*pct = v;
	return 0;
}

double
k6_percentile(const double *s, size_t n, double pct)
{
	return pctl_sorted(s, n, pct / 100);
}

void
k6_names_add(struct k6_names *ns, const char *s, size_t len)
{
	size_t i;

	for (i = ns->n; i-- > 0;)
		if (span_eq(s, len, ns->v[i]))
			return;
	if (ns->n == ns->cap) {
		ns->cap = ns->cap ? 2 * ns->cap : 32;
		ns->v = xrealloc(ns->v, ns->cap * sizeof *ns->v);
	}
	ns->v[ns->n++] = xstrndup(s, len);
}

void
k6_names_free(struct k6_names *ns)
{
	while (ns->n > 0)
		free(ns->v[--ns->n]);
	free(ns->v);
	ns->v = NULL;
	ns->cap = 0;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
k6_names_tell(struct k6_names *ns, struct k6_result *r, const char *what)
{
	size_t len = strlen(r->err), i;

	if (ns->n == 0) {
		snprintf(r->err + len, sizeof r->err - len, "; it has no %s at all", what);
		return;
	}
	qsort(ns->v, ns->n, sizeof *ns->v, cmp_str);
	len += (size_t)snprintf(r->err + len, sizeof r->err - len, "; %s present:", what);
	for (i = 0; i < ns->n && len < sizeof r->err; i++) {
		if (len + strlen(ns->v[i]) + 24 >= sizeof r->err) {
			snprintf(r->err + len, sizeof r->err - len, " and %zu more", ns->n - i);
			return;
		}
		len += (size_t)snprintf(r->err + len, sizeof r->err - len, "%s %s",
		    i ? "," : "", ns->v[i]);
	}
}

/* ---- one metric's values, shared by the JSON and text summaries ------- */

/* How a value was printed in the stdout summary. */
enum cls {
	CLS_EXACT,     /* a JSON number, a count, "0s" */
	CLS_AUTO,      /* only k6's automatic units print it so: truncated */
	CLS_UNIT,      /* only --summary-time-unit prints it so: rounded */
	CLS_EITHER,    /* "12.34ms": either */
	CLS_ROUNDED    /* a plain number, toFixed(6) */
};

struct kv {
	char key[32];
	double v;
	double step;
	enum cls cls;
};

struct rec {
	int present;            /* the metric itself was seen */
	char type;              /* 't'rend 'r'ate 'c'ounter 'g'auge, 0 unknown */
	char name[K6_NAME_MAX]; /* as the input spells it */
	struct kv *kv;
	size_t nkv, capkv;
	struct k6_verdict *vd;
	size_t nvd;
	int mark;               /* legacy ✓ 1 / ✗ 0 on the line, -1 none */
};

static void
rec_clear(struct rec *rc)
{
	size_t i;

	for (i = 0; i < rc->nvd; i++)
		free(rc->vd[i].source);
	free(rc->vd);
	free(rc->kv);
	memset(rc, 0, sizeof *rc);
	rc->mark = -1;
}

static struct kv *
rec_put(struct rec *rc, const char *key, size_t klen, double v)
{
	struct kv *e;
	size_t i;

	if (klen >= sizeof rc->kv->key)
		return NULL;
	for (i = 0; i < rc->nkv; i++)
		if (span_eq(key, klen, rc->kv[i].key))
			break;
	if (i == rc->nkv) {
		if (rc->nkv == rc->capkv) {
			rc->capkv = rc->capkv ? 2 * rc->capkv : 8;
			rc->kv = xrealloc(rc->kv, rc->capkv * sizeof *rc->kv);
		}
		rc->nkv++;
	}
	e = &rc->kv[i];
	memcpy(e->key, key, klen);
	e->key[klen] = '\0';
	e->v = v;
	e->step = 0;
	e->cls = CLS_EXACT;
	return e;
}

static const struct kv *
rec_get(const struct rec *rc, const char *key)
{
	size_t i;

	for (i = 0; i < rc->nkv; i++)
		if (strcmp(rc->kv[i].key, key) == 0)
			return &rc->kv[i];
	return NULL;
}

static void
rec_verdict(struct rec *rc, const char *src, size_t len, int ok)
{
	size_t i;

	for (i = 0; i < rc->nvd; i++)
		if (span_eq(src, len, rc->vd[i].source)) {
			rc->vd[i].ok = ok;
			return;
		}
	rc->vd = xrealloc(rc->vd, (rc->nvd + 1) * sizeof *rc->vd);
	rc->vd[rc->nvd].source = xstrndup(src, len);
	rc->vd[rc->nvd].ok = ok;
	rc->vd[rc->nvd].on_failed = 0;
	rc->nvd++;
}

/*
 * The metrics a query needs: the trend itself, http_req_failed with the
 * same tags and without, and http_reqs with the same tags (for a count).
 */
enum { S_METRIC, S_FAILED, S_FAILED_ALL, S_REQS, NSLOTS };

struct pick {
	const struct k6_query *q;
	struct rec slot[NSLOTS];
	struct k6_names names;
	int auto_seen, unit_seen;   /* text summaries: which value styles */
};

static void
pick_init(struct pick *pk, const struct k6_query *q)
{
	int i;

	memset(pk, 0, sizeof *pk);
	pk->q = q;
	for (i = 0; i < NSLOTS; i++)
		pk->slot[i].mark = -1;
}

static void
pick_reset(struct pick *pk)
{
	int i;

	for (i = 0; i < NSLOTS; i++)
		rec_clear(&pk->slot[i]);
	k6_names_free(&pk->names);
	pk->auto_seen = pk->unit_seen = 0;
}

/* Which slot name[0..len) fills, or -1. */
static int
pick_slot(const struct pick *pk, const char *name, size_t len)
{
	const struct k6_query *q = pk->q;

	if (k6_name_is(name, len, q->metric, q->tags, q->ntags))
		return S_METRIC;
	if (k6_name_is(name, len, "http_req_failed", q->tags, q->ntags))
		return S_FAILED;
	if (k6_name_is(name, len, "http_req_failed", NULL, 0))
		return S_FAILED_ALL;
	if (k6_name_is(name, len, "http_reqs", q->tags, q->ntags))
		return S_REQS;
	return -1;
}

/* Takes over *rc into the slot its name selects (or frees it). */
static void
pick_take(struct pick *pk, const char *name, size_t len, struct rec *rc)
{
	int s = pick_slot(pk, name, len);

	k6_names_add(&pk->names, name, len);
	if (s < 0 || len >= K6_NAME_MAX) {
		rec_clear(rc);
		return;
	}
	/* Verdicts printed before the metric's line (v1 THRESHOLDS) stay. */
	if (rc->nvd == 0) {
		rc->vd = pk->slot[s].vd;
		rc->nvd = pk->slot[s].nvd;
		pk->slot[s].vd = NULL;
		pk->slot[s].nvd = 0;
	}
	rec_clear(&pk->slot[s]);
	pk->slot[s] = *rc;
	pk->slot[s].present = 1;
	memcpy(pk->slot[s].name, name, len);
	pk->slot[s].name[len] = '\0';
	memset(rc, 0, sizeof *rc);
	rc->mark = -1;
}

/* The precision of a printed value, now that the summary's style is known. */
static void
set_val(struct k6_val *out, const struct kv *e, const struct pick *pk)
{
	out->have = 1;
	out->v = e->v;
	out->step = e->step;
	switch (e->cls) {
	case CLS_EXACT:
		out->prec = K6_EXACT;
		out->step = 0;
		break;
	case CLS_AUTO:
		out->prec = K6_TRUNCATED;
		break;
	case CLS_UNIT:
	case CLS_ROUNDED:
		out->prec = K6_ROUNDED;
		break;
	case CLS_EITHER:
		out->prec = pk->auto_seen && !pk->unit_seen ? K6_TRUNCATED :
		    pk->unit_seen && !pk->auto_seen ? K6_ROUNDED : K6_UNSURE;
		break;
	}
}

static int
find_pct(const struct rec *rc, double pct, const struct kv **out)
{
	size_t i;
	double p;

	for (i = 0; i < rc->nkv; i++)
		if (rc->kv[i].key[0] == 'p' &&
		    k6_stat_pct(rc->kv[i].key, strlen(rc->kv[i].key), &p) == 0 && p == pct) {
			*out = &rc->kv[i];
			return 0;
		}
	for (i = 0; i < rc->nkv; i++)
		if (k6_stat_pct(rc->kv[i].key, strlen(rc->kv[i].key), &p) == 0 && p == pct) {
			*out = &rc->kv[i];
			return 0;
		}
	return -1;
}

static void
tell_stats(const struct rec *rc, struct k6_result *r)
{
	size_t len = strlen(r->err), i;

	for (i = 0; i < rc->nkv && len + 40 < sizeof r->err; i++)
		len += (size_t)snprintf(r->err + len, sizeof r->err - len, "%s%s",
		    i ? ", " : " (it has ", rc->kv[i].key);
	if (i > 0 && len + 2 < sizeof r->err)
		snprintf(r->err + len, sizeof r->err - len, ")");
}

/* The rate of a rate metric: from its counts when they are there. */
static int
rate_of(const struct rec *rc, struct k6_result *r)
{
	const struct kv *a = rec_get(rc, "passes"), *b = rec_get(rc, "fails");
	const struct kv *m = rec_get(rc, "matches"), *t = rec_get(rc, "total");
	const struct kv *v = rec_get(rc, "value");

	if (v == NULL)
		v = rec_get(rc, "rate");
	/* A rate outside [0, 1] or a negative count is not a rate: never gate on it. */
	if ((v != NULL && v->cls == CLS_EXACT && !(v->v >= 0 && v->v <= 1)) ||
	    (a != NULL && a->v < 0) || (b != NULL && b->v < 0) ||
	    (m != NULL && m->v < 0) || (t != NULL && t->v < 0))
		return -1;
	if (a != NULL && b != NULL && a->v + b->v > 0) {
		r->failed_n = a->v;
		r->failed_total = a->v + b->v;
	} else if (m != NULL && t != NULL && t->v > 0) {
		r->failed_n = m->v;
		r->failed_total = t->v;
	} else if (v != NULL && v->cls == CLS_EXACT) {
		r->failed = v->v;
		r->have_failed = 1;
		return 0;
	} else {
		return -1;
	}
	r->have_failed_counts = 1;
	r->have_failed = 1;
	r->failed = v != NULL && v->cls == CLS_EXACT ? v->v : r->failed_n / r->failed_total;
	return 0;
}

static void
take_verdicts(struct k6_result *r, const struct rec *rc, int on_failed)
{
	size_t i;
	int all = 1;

	for (i = 0; i < rc->nvd; i++) {
		r->verdicts = xrealloc(r->verdicts, (r->nverdicts + 1) * sizeof *r->verdicts);
		r->verdicts[r->nverdicts].source = xstrndup(rc->vd[i].source,
		    strlen(rc->vd[i].source));
		r->verdicts[r->nverdicts].ok = rc->vd[i].ok;
		r->verdicts[r->nverdicts].on_failed = on_failed;
		r->nverdicts++;
		all &= rc->vd[i].ok;
	}
	if (on_failed)
		r->failed_verdict = rc->nvd ? all : rc->mark;
	else
		r->verdict = rc->nvd ? all : rc->mark;
}

/* The export has no "type": its stats tell (rate, counter, gauge, trend). */
static char
rec_type(const struct rec *rc)
{
	if (rec_get(rc, "passes") != NULL || rec_get(rc, "matches") != NULL)
		return 'r';
	if (rec_get(rc, "avg") != NULL || rec_get(rc, "med") != NULL || rc->nkv == 0)
		return 't';
	if (rec_get(rc, "count") != NULL && rec_get(rc, "rate") != NULL)
		return 'c';
	if (rec_get(rc, "value") != NULL)
		return 'g';
	return 't';
}

static int
pick_finish(struct pick *pk, struct k6_result *r)
{
	const struct k6_query *q = pk->q;
	const struct rec *m = &pk->slot[S_METRIC], *f;
	const struct kv *e;
	char full[K6_NAME_MAX], m_type;

	k6_full_name(full, sizeof full, q->metric, q->tags, q->ntags);
	if (!m->present) {
		k6_seterr(r, "no metric %s", full);
		k6_names_tell(&pk->names, r, "metrics");
		return -1;
	}
	if (m->type == 0)
		m_type = rec_type(m);
	else
		m_type = m->type;
	if (m_type != 't') {
		k6_seterr(r, "%s is a %s, not a trend", m->name,
		    m_type == 'r' ? "rate" : m_type == 'c' ? "counter" : "gauge");
		return -1;
	}
	if (find_pct(m, q->pct, &e) != 0) {
		k6_seterr(r, "%s has no p(%g)", m->name, q->pct);
		tell_stats(m, r);
		return -1;
	}
	snprintf(r->metric, sizeof r->metric, "%s", m->name);
	set_val(&r->pct, e, pk);
	if ((e = rec_get(m, "avg")) != NULL)
		set_val(&r->avg, e, pk);
	if ((e = rec_get(m, "min")) != NULL)
		set_val(&r->min, e, pk);
	if ((e = rec_get(m, "med")) != NULL)
		set_val(&r->med, e, pk);
	if ((e = rec_get(m, "max")) != NULL)
		set_val(&r->max, e, pk);
	take_verdicts(r, m, 0);

	f = pk->slot[S_FAILED].present ? &pk->slot[S_FAILED] : &pk->slot[S_FAILED_ALL];
	if (f->present && rate_of(f, r) == 0) {
		snprintf(r->failed_metric, sizeof r->failed_metric, "%s", f->name);
		take_verdicts(r, f, 1);
	}

	/* A request count: the trend's own count, else http_reqs, else the rate's total. */
	if ((e = rec_get(m, "count")) != NULL) {
		r->requests = e->v;
		r->have_requests = 1;
	} else if (strncmp(q->metric, "http_req_", 9) == 0) {
		if (pk->slot[S_REQS].present && (e = rec_get(&pk->slot[S_REQS], "count")) != NULL) {
			r->requests = e->v;
			r->have_requests = 1;
		} else if (f == &pk->slot[S_FAILED] && r->have_failed_counts) {
			r->requests = r->failed_total;
			r->have_requests = 1;
		}
	}
	return 0;
}

static void
pick_free(struct pick *pk)
{
	pick_reset(pk);
}

/* ---- JSON summaries ---------------------------------------------------- */

struct jctx {
	struct json_scanner *js;
	struct pick *pk;
	struct k6_result *r;
	int values_seen;    /* handleSummary: metrics.<name>.values */
	int array_seen;     /* machine-readable: results.metrics[] */
};

/* The scanner's message without its ":line:col: " prefix (no name was given). */
static const char *
json_why(const struct json_scanner *js)
{
	const char *s = json_error(js);
	int colons = 0;

	while (*s != '\0' && colons < 3)
		colons += *s++ == ':';
	return *s == ' ' ? s + 1 : s;
}

static int
jfail(struct jctx *c, const char *what)
{
	if (json_error(c->js)[0] != '\0')
		k6_seterr(c->r, "line %lu, column %lu: %s", json_line(c->js),
		    json_col(c->js), json_why(c->js));
	else
		k6_seterr(c->r, "%s", what);
	return -1;
}

static double
jnum(struct json_scanner *js)
{
	size_t len;
	const char *s = json_text(js, &len);

	return strtod(s, NULL);
}

/* "values": { stat: number, ... } */
static int
j_values(struct jctx *c, struct rec *rc)
{
	enum json_token t;
	char key[64];
	size_t klen;
	const char *s;

	while ((t = json_next(c->js)) == JSON_KEY) {
		s = json_text(c->js, &klen);
		if (klen >= sizeof key)
			klen = sizeof key - 1;   /* too long to be a stat; rec_put ignores it */
		memcpy(key, s, klen);
		t = json_next(c->js);
		if (t == JSON_NUMBER) {
			if (!isfinite(jnum(c->js)))
				return jfail(c, "a number out of range");
			rec_put(rc, key, klen, jnum(c->js));
		} else if (t == JSON_ERROR || json_skip(c->js) == JSON_ERROR) {
			return jfail(c, "bad values");
		}
	}
	return t == JSON_OBJECT_END ? 0 : jfail(c, "bad values");
}

/*
 * "thresholds": { source: true|false } in the export, where true means the
 * threshold was CROSSED; { source: { "ok": bool } } in handleSummary data.
 */
static int
j_thresholds(struct jctx *c, struct rec *rc)
{
	enum json_token t;
	char *src;
	size_t len;
	const char *s;
	int ok;

	while ((t = json_next(c->js)) == JSON_KEY) {
		s = json_text(c->js, &len);
		src = xstrndup(s, len);
		t = json_next(c->js);
		ok = -1;
		if (t == JSON_TRUE || t == JSON_FALSE) {
			ok = t == JSON_FALSE;
		} else if (t == JSON_OBJECT) {
			while ((t = json_next(c->js)) == JSON_KEY) {
				s = json_text(c->js, &len);
				int is_ok = span_eq(s, len, "ok");
				t = json_next(c->js);
				if (is_ok && (t == JSON_TRUE || t == JSON_FALSE))
					ok = t == JSON_TRUE;
				else if (t == JSON_ERROR || json_skip(c->js) == JSON_ERROR)
					break;
			}
			if (t != JSON_OBJECT_END) {
				free(src);
				return jfail(c, "bad thresholds");
			}
		} else if (t == JSON_ERROR || json_skip(c->js) == JSON_ERROR) {
			free(src);
			return jfail(c, "bad thresholds");
		}
		if (ok >= 0)
			rec_verdict(rc, src, strlen(src), ok);
		free(src);
	}
	return t == JSON_OBJECT_END ? 0 : jfail(c, "bad thresholds");
}

static char
type_char(const char *s, size_t len)
{
	if (span_eq(s, len, "trend"))
		return 't';
	if (span_eq(s, len, "rate"))
		return 'r';
	if (span_eq(s, len, "counter"))
		return 'c';
	if (span_eq(s, len, "gauge"))
		return 'g';
	return 0;
}

/*
 * One metric object (its '{' just read). Stats are its number members
 * (export) or the members of "values" (handleSummary, machine-readable);
 * "name" is the machine-readable summary's, copied to *name.
 */
static int
j_metric(struct jctx *c, struct rec *rc, char **name)
{
	enum json_token t;
	char key[64];
	size_t klen;
	const char *s;

	while ((t = json_next(c->js)) == JSON_KEY) {
		s = json_text(c->js, &klen);
		if (klen >= sizeof key)
			klen = sizeof key - 1;
		memcpy(key, s, klen);
		key[klen] = '\0';
		t = json_next(c->js);
		if (t == JSON_NUMBER) {
			if (!isfinite(jnum(c->js)))
				return jfail(c, "a number out of range");
			rec_put(rc, key, klen, jnum(c->js));
		} else if (t == JSON_OBJECT && strcmp(key, "values") == 0) {
			c->values_seen = 1;
			if (j_values(c, rc) != 0)
				return -1;
		} else if (t == JSON_OBJECT && strcmp(key, "thresholds") == 0) {
			if (j_thresholds(c, rc) != 0)
				return -1;
		} else if (t == JSON_STRING && strcmp(key, "type") == 0) {
			s = json_text(c->js, &klen);
			rc->type = type_char(s, klen);
		} else if (t == JSON_STRING && strcmp(key, "name") == 0 && name != NULL) {
			s = json_text(c->js, &klen);
			free(*name);
			*name = xstrndup(s, klen);
		} else if (t == JSON_ERROR || json_skip(c->js) == JSON_ERROR) {
			return jfail(c, "bad metric");
		}
	}
	return t == JSON_OBJECT_END ? 0 : jfail(c, "expected a metric's members");
}

/* "metrics": { name: {...}, ... } */
static int
j_metric_object(struct jctx *c)
{
	enum json_token t;
	struct rec rc;
	char *name;
	size_t len;
	const char *s;

	memset(&rc, 0, sizeof rc);
	rc.mark = -1;
	while ((t = json_next(c->js)) == JSON_KEY) {
		s = json_text(c->js, &len);
		name = xstrndup(s, len);
		t = json_next(c->js);
		if (t == JSON_OBJECT) {
			if (j_metric(c, &rc, NULL) != 0) {
				free(name);
				rec_clear(&rc);
				return -1;
			}
			pick_take(c->pk, name, len, &rc);
		} else if (t == JSON_ERROR || json_skip(c->js) == JSON_ERROR) {
			free(name);
			return jfail(c, "bad metrics");
		}
		free(name);
	}
	return t == JSON_OBJECT_END ? 0 : jfail(c, "bad metrics");
}

/* "metrics": [ { "name": ..., "type": ..., "values": {...} }, ... ] */
static int
j_metric_array(struct jctx *c)
{
	enum json_token t;
	struct rec rc;
	char *name;

	c->array_seen = 1;
	memset(&rc, 0, sizeof rc);
	rc.mark = -1;
	while ((t = json_next(c->js)) != JSON_ARRAY_END) {
		if (t != JSON_OBJECT) {
			if (t == JSON_ERROR || json_skip(c->js) == JSON_ERROR)
				return jfail(c, "bad metrics");
			continue;
		}
		name = NULL;
		if (j_metric(c, &rc, &name) != 0) {
			free(name);
			rec_clear(&rc);
			return -1;
		}
		if (name != NULL)
			pick_take(c->pk, name, strlen(name), &rc);
		else
			rec_clear(&rc);
		free(name);
	}
	return 0;
}

/* "results": { "metrics": [...], ... } (the machine-readable summary). */
static int
j_results(struct jctx *c, int *found)
{
	enum json_token t;
	size_t len;
	const char *s;

	while ((t = json_next(c->js)) == JSON_KEY) {
		s = json_text(c->js, &len);
		int is_metrics = span_eq(s, len, "metrics");
		t = json_next(c->js);
		if (is_metrics && t == JSON_ARRAY) {
			*found = 1;
			if (j_metric_array(c) != 0)
				return -1;
		} else if (t == JSON_ERROR || json_skip(c->js) == JSON_ERROR) {
			return jfail(c, "bad results");
		}
	}
	return t == JSON_OBJECT_END ? 0 : jfail(c, "bad results");
}

static int
j_document(struct jctx *c)
{
	enum json_token t;
	int found = 0;
	size_t len;
	const char *s;

	t = json_next(c->js);
	if (t == JSON_ERROR)
		return jfail(c, "invalid JSON");
	if (t != JSON_OBJECT) {
		k6_seterr(c->r, "not a k6 JSON summary: the top level is not an object");
		return -1;
	}
	while ((t = json_next(c->js)) == JSON_KEY) {
		s = json_text(c->js, &len);
		int which = span_eq(s, len, "metrics") ? 1 : span_eq(s, len, "results") ? 2 : 0;
		t = json_next(c->js);
		if (which == 1 && t == JSON_OBJECT) {
			found = 1;
			if (j_metric_object(c) != 0)
				return -1;
		} else if (which == 1 && t == JSON_ARRAY) {
			found = 1;
			if (j_metric_array(c) != 0)
				return -1;
		} else if (which == 2 && t == JSON_OBJECT) {
			if (j_results(c, &found) != 0)
				return -1;
		} else if (t == JSON_ERROR || json_skip(c->js) == JSON_ERROR) {
			return jfail(c, "invalid JSON");
		}
	}
	if (t != JSON_OBJECT_END || json_next(c->js) != JSON_END)
		return jfail(c, "invalid JSON");
	if (!found) {
		k6_seterr(c->r, "not a k6 summary: no \"metrics\" object");
		return -1;
	}
	return 0;
}

int
k6_parse_json(const char *buf, size_t len, const struct k6_query *q,
    struct k6_result *r)
{
	struct pick pk;
	struct jctx c;
	int rc = -1;

	pick_init(&pk, q);
	memset(&c, 0, sizeof c);
	c.pk = &pk;
	c.r = r;
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0) {
		buf += 3;      /* a UTF-8 byte order mark, as some editors save */
		len -= 3;
	}
	if ((c.js = json_open_mem(buf, len, "")) == NULL) {
		k6_seterr(r, "out of memory");
		return -1;
	}
	if (j_document(&c) == 0) {
		r->source = c.array_seen ? "machine-readable-summary" :
		    c.values_seen ? "handle-summary" : "summary-export";
		rc = pick_finish(&pk, r);
	}
	json_close(c.js);
	pick_free(&pk);
	return rc;
}

/* ---- the end-of-test summary in k6's stdout ----------------------------- */

enum section { SEC_NONE, SEC_THRESHOLDS, SEC_TOTAL, SEC_OTHER };

struct lctx {
	struct pick pk;
	enum section sec;
	int v1;                         /* a v1.x section title was seen */
	int total_done;                 /* this summary's TOTAL RESULTS began */
	int lines;                      /* metric lines in this summary */
	char parent[K6_NAME_MAX];       /* the last metric, for "{ tag:value }" lines */
	char th_parent[K6_NAME_MAX];    /* the same in THRESHOLDS */
	char th_name[K6_NAME_MAX];      /* whose verdicts follow */
};

struct tok {
	const char *s;
	size_t n;
};

#define MAX_TOKS 64

static size_t
tokens(const char *s, size_t n, struct tok *t)
{
	size_t i = 0, k = 0, start;

	while (i < n && k < MAX_TOKS) {
		while (i < n && s[i] == ' ')
			i++;
		if (i == n)
			break;
		for (start = i; i < n && s[i] != ' '; i++)
			;
		t[k].s = s + start;
		t[k++].n = i - start;
	}
	return i < n ? MAX_TOKS + 1 : k;
}

/*
 * The line as a terminal would show it: ANSI escapes dropped, and of the
 * pieces between carriage returns the last that is not blank (a progress
 * line redrawn with '\r', or a CRLF line end). Returns its length in out.
 */
static size_t
clean_line(const char *s, size_t n, char *out, size_t *start)
{
	size_t i, o = 0, seg = 0, bs = 0, be = 0;
	int blank = 1;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == 0x1b) {
			if (i + 1 < n && s[i + 1] == '[') {
				for (i += 2; i < n && ((s[i] >= '0' && s[i] <= '9') ||
				    s[i] == ';' || s[i] == '?'); i++)
					;
			} else {
				i++;
			}
			continue;
		}
		if (c == '\r') {
			if (!blank)
				bs = seg, be = o;
			seg = o;
			blank = 1;
			continue;
		}
		if (!is_space(c))
			blank = 0;
		out[o++] = (char)c;
	}
	if (!blank)
		bs = seg, be = o;
	*start = bs;
	return be - bs;
}

static int
starts(const char *s, size_t n, const char *z)
{
	size_t zl = strlen(z);

	return n >= zl && memcmp(s, z, zl) == 0;
}

static int
metric_name_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || (s[0] >= '0' && s[0] <= '9'))
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	return 1;
}

/*
 * How a printed duration was made (humanizeGenericDuration, or toFixed(2)
 * with --summary-time-unit), hence its step and whether it is truncated.
 */
static void
classify(const char *val, size_t vlen, const struct dur *d, struct kv *e,
    struct pick *pk)
{
	size_t i;
	char last;
	int in_auto_range;

	e->v = d->ms;
	if (d->ms == 0 && d->parts == 1 && d->decimals == 0) {
		e->cls = CLS_EXACT;     /* "0s": only an exact 0 prints so */
		e->step = 0;
		pk->auto_seen++;
		return;
	}
	if (d->parts > 1 || d->unit_ms >= 60000) {
		e->cls = CLS_AUTO;      /* "1m2s": whole seconds past a minute */
		e->step = 1000;
		pk->auto_seen++;
		return;
	}
	if (d->unit_ms == 1e-6) {
		e->cls = CLS_AUTO;      /* "123ns": whole nanoseconds */
		e->step = 1e-6;
		pk->auto_seen++;
		return;
	}
	e->step = d->unit_ms / 100;  /* two decimals of µs, ms or s */
	for (i = 0; i < vlen && ((val[i] >= '0' && val[i] <= '9') || val[i] == '.'); i++)
		;
	last = i > 0 ? val[i - 1] : '0';
	in_auto_range = d->unit_ms == 1e-3 ? d->ms >= 0.001 && d->ms < 1 :
	    d->unit_ms == 1 ? d->ms >= 1 && d->ms < 1000 : d->ms >= 1000 && d->ms < 60000;
	if (d->decimals != 2) {
		e->cls = CLS_AUTO;      /* automatic units drop trailing zeros */
		pk->auto_seen++;
	} else if (last == '0' || !in_auto_range) {
		e->cls = CLS_UNIT;
		pk->unit_seen++;
	} else {
		e->cls = CLS_EITHER;
	}
}

static int
data_trend(struct lctx *lc, struct rec *rc, const struct tok *t, size_t nt)
{
	size_t i;
	struct dur d;
	struct kv *e;
	double v;

	for (i = 0; i < nt; i++) {
		const char *eq = memchr(t[i].s, '=', t[i].n);
		const char *val;
		size_t klen, vlen;

		if (eq == NULL)
			return -1;
		klen = (size_t)(eq - t[i].s);
		val = eq + 1;
		vlen = t[i].n - klen - 1;
		if (parse_num(val, vlen, &v) == 0) {
			if ((e = rec_put(rc, t[i].s, klen, v)) != NULL &&
			    !span_eq(t[i].s, klen, "count")) {
				e->cls = CLS_ROUNDED;   /* a plain trend: toFixed(6) */
				e->step = 1e-6;
			}
		} else if (dur_parse(val, vlen, &d) == 0) {
			if ((e = rec_put(rc, t[i].s, klen, d.ms)) != NULL)
				classify(val, vlen, &d, e, &lc->pk);
		} else {
			return -1;
		}
	}
	rc->type = 't';
	return 0;
}

/* "25.49% 26 out of 102" (k6 ≥ 0.54) or "25.49% ✓ 26 ✗ 76" (≤ 0.53). */
static int
data_rate(struct rec *rc, const struct tok *t, size_t nt)
{
	double pct, a, b;
	struct kv *e;

	if (parse_num(t[0].s, t[0].n - 1, &pct) != 0)
		return -1;
	if (nt == 5 && span_eq(t[2].s, t[2].n, "out") && span_eq(t[3].s, t[3].n, "of") &&
	    parse_num(t[1].s, t[1].n, &a) == 0 && parse_num(t[4].s, t[4].n, &b) == 0 &&
	    b >= a) {
		b -= a;
	} else if (nt == 5 && span_eq(t[1].s, t[1].n, MARK_OK) &&
	    span_eq(t[3].s, t[3].n, MARK_FAIL) && parse_num(t[2].s, t[2].n, &a) == 0 &&
	    parse_num(t[4].s, t[4].n, &b) == 0) {
		;
	} else {
		return -1;
	}
	rec_put(rc, "passes", 6, a);
	rec_put(rc, "fails", 5, b);
	if ((e = rec_put(rc, "value", 5, pct / 100)) != NULL) {
		e->cls = CLS_AUTO;
		e->step = 1e-4;
	}
	rc->type = 'r';
	return 0;
}

static int
data_part(struct lctx *lc, struct rec *rc, const char *s, size_t n)
{
	struct tok t[MAX_TOKS];
	size_t nt = tokens(s, n, t);
	double v;

	if (nt == 0 || nt > MAX_TOKS)
		return -1;
	if (memchr(t[0].s, '=', t[0].n) != NULL)
		return data_trend(lc, rc, t, nt);
	if (t[0].s[t[0].n - 1] == '%')
		return data_rate(rc, t, nt);
	if (nt >= 2 && t[nt - 1].n > 2 && memcmp(t[nt - 1].s + t[nt - 1].n - 2, "/s", 2) == 0) {
		if (nt == 2 && parse_num(t[0].s, t[0].n, &v) == 0)
			rec_put(rc, "count", 5, v);
		rc->type = 'c';
		return 0;
	}
	if (nt >= 2 && starts(t[1].s, t[1].n, "min=")) {
		rc->type = 'g';
		return 0;
	}
	return -1;
}

/* "   ✓ name.........: data" or "     { tag:value }...: data". */
static void
metric_line(struct lctx *lc, const char *t, size_t n)
{
	size_t i, d, nlen;
	const char *name;
	char full[K6_NAME_MAX];
	struct rec rc;
	int mark = -1, len;

	for (i = 3; i < n; i++)
		if (t[i] == ':' && t[i - 1] == '.' && t[i - 2] == '.' && t[i - 3] == '.' &&
		    (i + 1 == n || t[i + 1] == ' '))
			break;
	if (i >= n)
		return;
	for (d = i - 3; d > 0 && t[d - 1] == '.'; d--)
		;
	name = t;
	nlen = d;
	trim(&name, &nlen);
	if (starts(name, nlen, MARK_OK " ") || starts(name, nlen, MARK_FAIL " ")) {
		mark = starts(name, nlen, MARK_OK);
		name += MARK_LEN + 1;
		nlen -= MARK_LEN + 1;
		trim(&name, &nlen);
	}
	if (nlen >= 2 && name[0] == '{' && name[nlen - 1] == '}') {
		const char *in = name + 1;
		size_t inlen = nlen - 2;
		if (lc->parent[0] == '\0')
			return;
		trim(&in, &inlen);
		len = snprintf(full, sizeof full, "%s{%.*s}", lc->parent, (int)inlen, in);
	} else if (metric_name_ok(name, nlen) && nlen < sizeof lc->parent) {
		memcpy(lc->parent, name, nlen);
		lc->parent[nlen] = '\0';
		len = snprintf(full, sizeof full, "%s", lc->parent);
	} else {
		return;
	}
	if (len < 0 || (size_t)len >= sizeof full)
		return;
	memset(&rc, 0, sizeof rc);
	rc.mark = mark;
	if (data_part(lc, &rc, t + i + 1, n - i - 1) != 0) {
		rec_clear(&rc);
		return;
	}
	/* A name seen twice outside v1's sections: a second legacy summary. */
	if (lc->sec == SEC_NONE) {
		size_t k;
		for (k = 0; k < lc->pk.names.n; k++)
			if (strcmp(lc->pk.names.v[k], full) == 0) {
				pick_reset(&lc->pk);
				lc->lines = 0;
				break;
			}
	}
	lc->lines++;
	pick_take(&lc->pk, full, (size_t)len, &rc);
}

/* THRESHOLDS: a metric name, or "✓ 'p(95)<1200' p(95)=11.25ms". */
static void
threshold_line(struct lctx *lc, const char *t, size_t n)
{
	const char *q1, *q2;
	int s, ok;

	trim(&t, &n);
	if (n == 0)
		return;
	if ((starts(t, n, MARK_OK " '") || starts(t, n, MARK_FAIL " '"))) {
		ok = starts(t, n, MARK_OK);
		q1 = t + MARK_LEN + 1;
		for (q2 = t + n - 1; q2 > q1 && *q2 != '\''; q2--)
			;
		if (q2 <= q1 || (s = pick_slot(&lc->pk, lc->th_name, strlen(lc->th_name))) < 0)
			return;
		rec_verdict(&lc->pk.slot[s], q1 + 1, (size_t)(q2 - q1 - 1), ok);
		return;
	}
	if (n >= K6_NAME_MAX)
		return;
	if (t[0] == '{') {
		size_t plen = strlen(lc->th_parent);
		if (plen + n >= sizeof lc->th_name)
			return;
		memcpy(lc->th_name, lc->th_parent, plen);
		memcpy(lc->th_name + plen, t, n);
		lc->th_name[plen + n] = '\0';
	} else {
		const char *brace = memchr(t, '{', n);
		size_t plen = brace ? (size_t)(brace - t) : n;
		snprintf(lc->th_parent, sizeof lc->th_parent, "%.*s", (int)plen, t);
		snprintf(lc->th_name, sizeof lc->th_name, "%.*s", (int)n, t);
	}
}

/* "  █ TOTAL RESULTS ": a v1.x section title. Returns 1 when it was one. */
static int
title_line(struct lctx *lc, const char *line, size_t n)
{
	size_t indent = 0;
	const char *t;

	while (indent < n && line[indent] == ' ')
		indent++;
	t = line + indent;
	n -= indent;
	/* Legacy group titles ("     █ list models") are indented further. */
	if (indent >= 4 || !starts(t, n, BLOCK " "))
		return 0;
	t += MARK_LEN + 1;
	n -= MARK_LEN + 1;
	trim(&t, &n);
	if (span_eq(t, n, "THRESHOLDS") || span_eq(t, n, "TOTAL RESULTS")) {
		if (lc->total_done || (!lc->v1 && lc->lines > 0)) {
			pick_reset(&lc->pk);   /* the next summary in the same log */
			lc->total_done = 0;
		}
		lc->v1 = 1;
		lc->lines = 0;
		lc->parent[0] = '\0';
		if (t[0] == 'T' && t[1] == 'O') {
			lc->sec = SEC_TOTAL;
			lc->total_done = 1;
		} else {
			lc->sec = SEC_THRESHOLDS;
		}
		return 1;
	}
	if (starts(t, n, "SCENARIO: ") || starts(t, n, "GROUP: ")) {
		lc->sec = SEC_OTHER;
		return 1;
	}
	return 0;
}

int
k6_parse_log(const char *buf, size_t len, const struct k6_query *q,
    struct k6_result *r)
{
	struct lctx lc;
	const char *p = buf, *end = buf + len, *nl;
	char *scratch = NULL;
	size_t cap = 0, n, st;
	int rc;

	memset(&lc, 0, sizeof lc);
	pick_init(&lc.pk, q);
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		if ((size_t)(nl - p) + 1 > cap) {
			cap = (size_t)(nl - p) + 1;
			scratch = xrealloc(scratch, cap);
		}
		n = clean_line(p, (size_t)(nl - p), scratch, &st);
		p = nl + 1;
		if (title_line(&lc, scratch + st, n))
			continue;
		if (lc.sec == SEC_THRESHOLDS)
			threshold_line(&lc, scratch + st, n);
		else if (lc.sec != SEC_OTHER)
			metric_line(&lc, scratch + st, n);
	}
	free(scratch);
	if (lc.pk.names.n == 0) {
		k6_seterr(r, "no k6 end-of-test summary in it (k6 run with --no-summary, "
		    "stopped early, or not k6 output)");
		rc = -1;
	} else {
		r->source = lc.v1 ? "k6-stdout-v1" : "k6-stdout-legacy";
		rc = pick_finish(&lc.pk, r);
	}
	pick_free(&lc.pk);
	return rc;
}

/* ---- --out json NDJSON -------------------------------------------------- */

#define NDJSON_LINE_MAX (16u << 20)
#define POINT_PREFIX "{\"metric\":\""

struct k6_ndjson {
	const struct k6_query *q;
	size_t mlen;
	unsigned long long all_tags;    /* a bit per filter */
	char *carry;                    /* a line split between two feeds */
	size_t ncarry, capcarry;
	unsigned long long line;
	double *v;                      /* the matching samples */
	size_t n, cap;
	double sum;
	unsigned long long points;      /* of the metric, whatever the tags */
	unsigned long long fail_n, fail_total, all_n, all_total;
	struct k6_names names;
	int failed;
	char err[512];
};

struct k6_ndjson *
k6_ndjson_new(const struct k6_query *q)
{
	struct k6_ndjson *nd;

	if (q->ntags > 64 || (nd = calloc(1, sizeof *nd)) == NULL)
		return NULL;
	nd->q = q;
	nd->mlen = strlen(q->metric);
	nd->all_tags = q->ntags == 64 ? ~0ull : (1ull << q->ntags) - 1;
	return nd;
}

void
k6_ndjson_free(struct k6_ndjson *nd)
{
	if (nd == NULL)
		return;
	free(nd->carry);
	free(nd->v);
	k6_names_free(&nd->names);
	free(nd);
}

const char *
k6_ndjson_error(const struct k6_ndjson *nd)
{
	return nd->err;
}

static int
nd_fail(struct k6_ndjson *nd, const char *fmt, ...)
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

/* Which filters a tag satisfies. */
static unsigned long long
tag_bits(const struct k6_ndjson *nd, const char *k, size_t kl, const char *v, size_t vl)
{
	unsigned long long bits = 0;
	size_t i;

	for (i = 0; i < nd->q->ntags; i++)
		if (span_eq(k, kl, nd->q->tags[i].key) && span_eq(v, vl, nd->q->tags[i].value))
			bits |= 1ull << i;
	return bits;
}

static void
nd_point(struct k6_ndjson *nd, int want, double v, int match)
{
	if (want & 1) {
		nd->points++;
		if (match) {
			if (nd->n == nd->cap) {
				nd->cap = nd->cap ? 2 * nd->cap : 1024;
				nd->v = xrealloc(nd->v, nd->cap * sizeof *nd->v);
			}
			nd->v[nd->n++] = v;
			nd->sum += v;
		}
	}
	if (want & 2) {
		nd->all_total++;
		nd->all_n += v != 0;
		if (match) {
			nd->fail_total++;
			nd->fail_n += v != 0;
		}
	}
}

static int
want_of(const struct k6_ndjson *nd, const char *name, size_t len)
{
	return (len == nd->mlen && memcmp(name, nd->q->metric, len) == 0) |
	    span_eq(name, len, "http_req_failed") << 1;
}

/*
 * The fast path reads only k6's own layout of a Point line, exactly as
 * wrapper.go writes it; any string with an escape or a non-ASCII byte, or
 * any other shape, goes to the general scanner instead (slow_line).
 */
static int
lit(const char **p, const char *end, const char *z, size_t zl)
{
	if ((size_t)(end - *p) < zl || memcmp(*p, z, zl) != 0)
		return -1;
	*p += zl;
	return 0;
}

#define LIT(p, end, z) lit(p, end, z, sizeof z - 1)

static int
fast_str(const char **p, const char *end, const char **s, size_t *len)
{
	const char *q = *p;

	if (q == end || *q++ != '"')
		return -1;
	*s = q;
	for (; q < end && *q != '"'; q++)
		if ((unsigned char)*q < 0x20 || (unsigned char)*q >= 0x80 || *q == '\\')
			return -1;
	if (q == end)
		return -1;
	*len = (size_t)(q - *s);
	*p = q + 1;
	return 0;
}

/* A flat object of strings, its '{' already read; ORs filter bits. */
static int
fast_strmap(const struct k6_ndjson *nd, const char **p, const char *end,
    unsigned long long *bits)
{
	const char *k, *v;
	size_t kl, vl;

	if (*p < end && **p == '}') {
		(*p)++;
		return 0;
	}
	for (;;) {
		if (fast_str(p, end, &k, &kl) != 0 || LIT(p, end, ":") != 0 ||
		    fast_str(p, end, &v, &vl) != 0)
			return -1;
		if (bits != NULL)
			*bits |= tag_bits(nd, k, kl, v, vl);
		if (*p == end)
			return -1;
		if (*(*p)++ == '}')
			return 0;
		if ((*p)[-1] != ',')
			return -1;
	}
}

static int
fast_point(struct k6_ndjson *nd, const char *p, const char *end, int want)
{
	const char *t, *num;
	size_t tl, nl;
	unsigned long long bits = 0;
	double v;

	if (LIT(&p, end, ",\"type\":\"Point\",\"data\":{\"time\":") != 0 ||
	    fast_str(&p, end, &t, &tl) != 0 || LIT(&p, end, ",\"value\":") != 0)
		return -1;
	num = p;
	if ((nl = number_len(p, (size_t)(end - p))) == 0)
		return -1;
	p += nl;
	if (LIT(&p, end, ",\"tags\":{") != 0 || fast_strmap(nd, &p, end, &bits) != 0)
		return -1;
	if (LIT(&p, end, ",\"metadata\":{") == 0 && fast_strmap(nd, &p, end, NULL) != 0)
		return -1;
	if (LIT(&p, end, "}}") != 0 || p != end || parse_num(num, nl, &v) != 0)
		return -1;
	nd_point(nd, want, v, bits == nd->all_tags);
	return 0;
}

struct sline {
	int type;               /* 1 Point, 2 Metric, 3 other */
	char *metric, *name;    /* "metric", data.name */
	int have_value;
	double value;
	unsigned long long bits;
};

static int
slow_data(struct k6_ndjson *nd, struct json_scanner *js, struct sline *sl)
{
	enum json_token t;
	size_t len, kl;
	const char *s;
	char *key;

	while ((t = json_next(js)) == JSON_KEY) {
		s = json_text(js, &len);
		int which = span_eq(s, len, "value") ? 1 : span_eq(s, len, "tags") ? 2 :
		    span_eq(s, len, "name") ? 3 : 0;
		t = json_next(js);
		if (which == 1 && t == JSON_NUMBER) {
			sl->value = jnum(js);
			sl->have_value = isfinite(sl->value);
		} else if (which == 2 && t == JSON_OBJECT) {
			while ((t = json_next(js)) == JSON_KEY) {
				s = json_text(js, &kl);
				key = xstrndup(s, kl);
				if ((t = json_next(js)) == JSON_STRING) {
					s = json_text(js, &len);
					sl->bits |= tag_bits(nd, key, kl, s, len);
				} else if (t == JSON_ERROR || json_skip(js) == JSON_ERROR) {
					free(key);
					return -1;
				}
				free(key);
			}
			if (t != JSON_OBJECT_END)
				return -1;
		} else if (which == 3 && t == JSON_STRING) {
			s = json_text(js, &len);
			free(sl->name);
			sl->name = xstrndup(s, len);
		} else if (t == JSON_ERROR || json_skip(js) == JSON_ERROR) {
			return -1;
		}
	}
	return t == JSON_OBJECT_END ? 0 : -1;
}

static int
slow_doc(struct k6_ndjson *nd, struct json_scanner *js, struct sline *sl)
{
	enum json_token t;
	size_t len;
	const char *s;

	if (json_next(js) != JSON_OBJECT)
		return -1;
	while ((t = json_next(js)) == JSON_KEY) {
		s = json_text(js, &len);
		int which = span_eq(s, len, "type") ? 1 : span_eq(s, len, "metric") ? 2 :
		    span_eq(s, len, "data") ? 3 : 0;
		t = json_next(js);
		if (which == 1 && t == JSON_STRING) {
			s = json_text(js, &len);
			sl->type = span_eq(s, len, "Point") ? 1 : span_eq(s, len, "Metric") ? 2 : 3;
		} else if (which == 2 && t == JSON_STRING) {
			s = json_text(js, &len);
			free(sl->metric);
			sl->metric = xstrndup(s, len);
		} else if (which == 3 && t == JSON_OBJECT) {
			if (slow_data(nd, js, sl) != 0)
				return -1;
		} else if (t == JSON_ERROR || json_skip(js) == JSON_ERROR) {
			return -1;
		}
	}
	return t == JSON_OBJECT_END && json_next(js) == JSON_END ? 0 : -1;
}

static int
slow_line(struct k6_ndjson *nd, const char *s, size_t n)
{
	struct json_scanner *js = json_open_mem(s, n, "");
	struct sline sl;
	int rc = 0;

	if (js == NULL)
		return nd_fail(nd, "out of memory");
	memset(&sl, 0, sizeof sl);
	if (slow_doc(nd, js, &sl) != 0) {
		if (json_error(js)[0] != '\0')
			rc = nd_fail(nd, "column %lu: %s", json_col(js), json_why(js));
		else
			rc = nd_fail(nd, "not a JSON object");
	} else if (sl.type == 1 && sl.metric != NULL && sl.have_value) {
		k6_names_add(&nd->names, sl.metric, strlen(sl.metric));
		nd_point(nd, want_of(nd, sl.metric, strlen(sl.metric)), sl.value,
		    sl.bits == nd->all_tags);
	} else if (sl.type == 2 && sl.name != NULL) {
		k6_names_add(&nd->names, sl.name, strlen(sl.name));
	} else {
		rc = nd_fail(nd, "not a k6 Metric or Point line (a Point needs a finite value)");
	}
	free(sl.metric);
	free(sl.name);
	json_close(js);
	return rc;
}

static int
nd_line(struct k6_ndjson *nd, const char *s, size_t n)
{
	const char *name, *q;
	size_t len;
	int want;

	nd->line++;
	while (n > 0 && is_space((unsigned char)s[n - 1]))
		n--;
	if (n == 0)
		return 0;
	if (n > sizeof POINT_PREFIX && memcmp(s, POINT_PREFIX, sizeof POINT_PREFIX - 1) == 0) {
		name = s + sizeof POINT_PREFIX - 1;
		q = memchr(name, '"', n - (sizeof POINT_PREFIX - 1));
		if (q != NULL && memchr(name, '\\', (size_t)(q - name)) == NULL) {
			len = (size_t)(q - name);
			want = want_of(nd, name, len);
			/* Points of other metrics are not needed: only their framing is checked. */
			if (want == 0)
				return s[n - 1] == '}' ? 0 : nd_fail(nd, "truncated line");
			if (fast_point(nd, q + 1, s + n, want) == 0)
				return 0;
		}
	}
	return slow_line(nd, s, n);
}

static int
carry(struct k6_ndjson *nd, const char *s, size_t n)
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
k6_ndjson_feed(struct k6_ndjson *nd, const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len, *nl;

	if (nd->failed)
		return -1;
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
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


void
k6_exact(struct k6_val *out, double v)
{
	out->have = 1;
	out->v = v;
	out->step = 0;
	out->prec = K6_EXACT;
}

int
k6_ndjson_finish(struct k6_ndjson *nd, struct k6_result *r)
{
	const struct k6_query *q = nd->q;
	char full[K6_NAME_MAX];

	if (!nd->failed && nd->ncarry > 0 && nd_line(nd, nd->carry, nd->ncarry) == 0)
		nd->ncarry = 0;
	if (nd->failed) {
		k6_seterr(r, "%s", nd->err);
		return -1;
	}
	k6_full_name(full, sizeof full, q->metric, q->tags, q->ntags);
	if (nd->points == 0) {
		k6_seterr(r, "no Point of %s", q->metric);
		k6_names_tell(&nd->names, r, "metrics");
		return -1;
	}
	if (nd->n == 0) {
		k6_seterr(r, "none of the %llu Points of %s has the tags of %s",
		    nd->points, q->metric, full);
		return -1;
	}
	pctl_sort(nd->v, nd->n);
	r->source = "k6-ndjson";
	snprintf(r->metric, sizeof r->metric, "%s", full);
	k6_exact(&r->pct, k6_percentile(nd->v, nd->n, q->pct));
	k6_exact(&r->med, k6_percentile(nd->v, nd->n, 50));
	k6_exact(&r->min, nd->v[0]);
	k6_exact(&r->max, nd->v[nd->n - 1]);
	k6_exact(&r->avg, nd->sum / (double)nd->n);
	r->requests = (double)nd->n;
	r->have_requests = 1;
	if (nd->fail_total > 0) {
		r->failed_n = (double)nd->fail_n;
		r->failed_total = (double)nd->fail_total;
		k6_full_name(r->failed_metric, sizeof r->failed_metric, "http_req_failed",
		    q->tags, q->ntags);
	} else if (nd->all_total > 0) {
		r->failed_n = (double)nd->all_n;
		r->failed_total = (double)nd->all_total;
		snprintf(r->failed_metric, sizeof r->failed_metric, "http_req_failed");
	}
	if (r->failed_total > 0) {
		r->have_failed = r->have_failed_counts = 1;
		r->failed = r->failed_n / r->failed_total;
	}
	return 0;
}

/* ---- which format ------------------------------------------------------- */

const char *
k6_unreadable(const char *buf, size_t len)
{
	size_t i;

	if (len == 0)
		return "empty file";
	if (len >= 2 && (unsigned char)buf[0] == 0x1f && (unsigned char)buf[1] == 0x8b)
		return "gzip-compressed (decompress it first: gzip -dc FILE | p95parse -)";
	if (len >= 2 && (((unsigned char)buf[0] == 0xff && (unsigned char)buf[1] == 0xfe) ||
	    ((unsigned char)buf[0] == 0xfe && (unsigned char)buf[1] == 0xff)))
		return "UTF-16 text (convert it first: iconv -f UTF-16 -t UTF-8)";
	if (memchr(buf, '\0', len) != NULL)
		return "binary data, not text";
	for (i = 0; i < len && is_space((unsigned char)buf[i]); i++)
		;
	return i == len ? "only blank space" : NULL;
}

enum k6_format
k6_detect(const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len, *nl;
	struct json_scanner *js;
	struct sline sl;
	struct k6_query q = { "", NULL, 0, 0 };
	struct k6_ndjson nd;
	int complete;

	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	while (p < end && is_space((unsigned char)*p))
		p++;
	if (p == end || *p != '{')
		return K6_FMT_LOG;
	if (starts(p, (size_t)(end - p), "{\"type\":\"Metric\"") ||
	    starts(p, (size_t)(end - p), POINT_PREFIX))
		return K6_FMT_NDJSON;
	/* Another producer's JSON lines: a whole first line with a k6 "type". */
	nl = memchr(p, '\n', (size_t)(end - p));
	if ((js = json_open_mem(p, nl ? (size_t)(nl - p) : (size_t)(end - p), "")) == NULL)
		return K6_FMT_JSON;
	memset(&sl, 0, sizeof sl);
	memset(&nd, 0, sizeof nd);
	nd.q = &q;
	complete = slow_doc(&nd, js, &sl) == 0;
	json_close(js);
	free(sl.metric);
	free(sl.name);
	return complete && (sl.type == 1 || sl.type == 2) ? K6_FMT_NDJSON : K6_FMT_JSON;
}
