/* smokekit: a k6 summary's metrics and the pick of a query (see record.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "k6name.h"
#include "record.h"
#include "xalloc.h"

void
rec_init(struct rec *rc)
{
	memset(rc, 0, sizeof *rc);
	rc->mark = -1;
}

void
rec_clear(struct rec *rc)
{
	size_t i;

	for (i = 0; i < rc->nvd; i++)
		free(rc->vd[i].source);
	free(rc->vd);
	free(rc->kv);
	rec_init(rc);
}

/* Appended, never looked up: a key given twice costs nothing more. */
struct kv *
rec_put(struct rec *rc, const char *key, size_t klen, double v)
{
	struct kv *e;

	if (klen >= sizeof rc->kv->key)
		return NULL;
	if (rc->nkv == rc->capkv) {
		rc->capkv = rc->capkv ? 2 * rc->capkv : 8;
		rc->kv = xreallocarray(rc->kv, rc->capkv, sizeof *rc->kv);
	}
	e = &rc->kv[rc->nkv++];
	memcpy(e->key, key, klen);
	e->key[klen] = '\0';
	e->v = v;
	e->step = 0;
	e->cls = CLS_EXACT;
	return e;
}

/* The first stat of that key, or NULL. */
static const struct kv *
rec_get(const struct rec *rc, const char *key)
{
	size_t i;

	for (i = 0; i < rc->nkv; i++)
		if (strcmp(rc->kv[i].key, key) == 0)
			return &rc->kv[i];
	return NULL;
}

void
rec_verdict(struct rec *rc, const char *src, size_t len, int ok)
{
	if (rc->nvd == rc->capvd) {
		rc->capvd = rc->capvd ? 2 * rc->capvd : 4;
		rc->vd = xreallocarray(rc->vd, rc->capvd, sizeof *rc->vd);
	}
	rc->vd[rc->nvd].source = xstrndup(src, len);
	rc->vd[rc->nvd].ok = ok;
	rc->vd[rc->nvd].on_failed = 0;
	rc->nvd++;
}

void
pick_init(struct pick *pk, const struct query *q, int first_wins)
{
	int i;

	memset(pk, 0, sizeof *pk);
	pk->q = q;
	pk->first_wins = first_wins;
	for (i = 0; i < NSLOTS; i++)
		rec_init(&pk->slot[i]);
}

void
pick_reset(struct pick *pk)
{
	int i;

	for (i = 0; i < NSLOTS; i++)
		rec_clear(&pk->slot[i]);
	names_free(&pk->names);
	pk->auto_seen = pk->unit_seen = 0;
}

int
pick_slot(const struct pick *pk, const char *name, size_t len)
{
	const struct query *q = pk->q;

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

void
pick_take(struct pick *pk, const char *name, size_t len, struct rec *rc)
{
	int s = pick_slot(pk, name, len);

	names_add(&pk->names, name, len);
	if (s < 0 || len >= RESULT_NAME_MAX || (pk->first_wins && pk->slot[s].present)) {
		rec_clear(rc);
		return;
	}
	/* Verdicts printed before the metric's line (v1 THRESHOLDS) stay. */
	if (rc->nvd == 0) {
		rc->vd = pk->slot[s].vd;
		rc->nvd = pk->slot[s].nvd;
		rc->capvd = pk->slot[s].capvd;
		pk->slot[s].vd = NULL;
		pk->slot[s].nvd = pk->slot[s].capvd = 0;
	}
	rec_clear(&pk->slot[s]);
	pk->slot[s] = *rc;
	pk->slot[s].present = 1;
	memcpy(pk->slot[s].name, name, len);
	pk->slot[s].name[len] = '\0';
	rec_init(rc);
}

/* The precision of a printed value, now that the summary's style is known. */
static void
set_val(struct val *out, const struct kv *e, const struct pick *pk)
{
	out->have = 1;
	out->v = e->v;
	out->step = e->step;
	switch (e->cls) {
	case CLS_EXACT:
		out->prec = PREC_EXACT;
		out->step = 0;
		break;
	case CLS_AUTO:
		out->prec = PREC_TRUNCATED;
		break;
	case CLS_UNIT:
	case CLS_ROUNDED:
		out->prec = PREC_ROUNDED;
		break;
	case CLS_EITHER:
		out->prec = pk->auto_seen && !pk->unit_seen ? PREC_TRUNCATED :
		    pk->unit_seen && !pk->auto_seen ? PREC_ROUNDED : PREC_UNSURE;
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
tell_stats(const struct rec *rc, struct result *r)
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
rate_of(const struct rec *rc, struct result *r)
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

/* By source, then by place in the input: the first of a source sorts first. */
static int
cmp_vd(const void *a, const void *b)
{
	const struct verdict *x = *(const struct verdict *const *)a;
	const struct verdict *y = *(const struct verdict *const *)b;
	int c = strcmp(x->source, y->source);

	return c != 0 ? c : (x > y) - (x < y);
}

/* The verdicts of a record, a source given twice counted once (its first). */
static void
take_verdicts(struct result *r, const struct rec *rc, int on_failed)
{
	const struct verdict **by;
	char *later;
	size_t i;
	int all = 1;

	by = xreallocarray(NULL, rc->nvd + 1, sizeof *by);
	later = xmalloc(rc->nvd + 1);
	memset(later, 0, rc->nvd + 1);
	for (i = 0; i < rc->nvd; i++)
		by[i] = &rc->vd[i];
	qsort(by, rc->nvd, sizeof *by, cmp_vd);
	for (i = 1; i < rc->nvd; i++)
		if (strcmp(by[i]->source, by[i - 1]->source) == 0)
			later[by[i] - rc->vd] = 1;
	r->verdicts = xreallocarray(r->verdicts, r->nverdicts + rc->nvd + 1, sizeof *r->verdicts);
	for (i = 0; i < rc->nvd; i++) {
		if (later[i])
			continue;
		r->verdicts[r->nverdicts].source = xstrdup(rc->vd[i].source);
		r->verdicts[r->nverdicts].ok = rc->vd[i].ok;
		r->verdicts[r->nverdicts].on_failed = on_failed;
		r->nverdicts++;
		all &= rc->vd[i].ok;
	}
	free(by);
	free(later);
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

int
pick_finish(struct pick *pk, struct result *r)
{
	const struct query *q = pk->q;
	const struct rec *m = &pk->slot[S_METRIC], *f;
	const struct kv *e;
	char full[RESULT_NAME_MAX], m_type;

	k6_full_name(full, sizeof full, q->metric, q->tags, q->ntags);
	if (!m->present) {
		result_seterr(r, "no metric %s", full);
		names_tell(&pk->names, r, "metrics");
		return -1;
	}
	m_type = m->type != 0 ? m->type : rec_type(m);
	if (m_type != 't') {
		result_seterr(r, "%s is a %s, not a trend", m->name,
		    m_type == 'r' ? "rate" : m_type == 'c' ? "counter" : "gauge");
		return -1;
	}
	if (find_pct(m, q->pct, &e) != 0) {
		result_seterr(r, "%s has no p(%g)", m->name, q->pct);
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
	return result_check(r, q->pct);
}
