/* smokekit: p95parse's one result for every input format (see result.h). */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "k6name.h"
#include "pctl.h"
#include "result.h"

void
result_init(struct result *r)
{
	memset(r, 0, sizeof *r);
	r->verdict = r->failed_verdict = -1;
}

void
result_free(struct result *r)
{
	size_t i;

	for (i = 0; i < r->nverdicts; i++)
		free(r->verdicts[i].source);
	free(r->verdicts);
	r->verdicts = NULL;
	r->nverdicts = 0;
}

void
result_seterr(struct result *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->err, sizeof r->err, fmt, ap);
	va_end(ap);
}

void
val_exact(struct val *out, double v)
{
	out->have = 1;
	out->v = v;
	out->step = 0;
	out->prec = PREC_EXACT;
}

int
result_check(struct result *r, double pct)
{
	const struct val *v[] = { &r->pct, &r->avg, &r->min, &r->med, &r->max };
	const char *what[] = { NULL, "avg", "min", "med", "max" };
	char p[48];
	size_t i;

	snprintf(p, sizeof p, "p(%g)", pct);
	what[0] = p;
	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		if (!v[i]->have || (isfinite(v[i]->v) && v[i]->v >= 0))
			continue;
		result_seterr(r, "%s: %s is %g ms; a latency is never %s, the input is bad",
		    r->metric, what[i], v[i]->v, isnan(v[i]->v) ? "NaN" :
		    isinf(v[i]->v) ? "infinite" : "negative");
		return -1;
	}
	return 0;
}

int
result_fill(struct result *r, const struct query *q, const char *source,
    double pct, double med, double min, double max, const struct tally *t)
{
	r->source = source;
	k6_full_name(r->metric, sizeof r->metric, q->metric, q->tags, q->ntags);
	val_exact(&r->pct, pct);
	val_exact(&r->med, med);
	val_exact(&r->min, min);
	val_exact(&r->max, max);
	val_exact(&r->avg, t->sum / (double)t->n);
	r->requests = (double)t->n;
	r->have_requests = 1;
	if (t->fail_total > 0) {
		r->failed_n = (double)t->fail_n;
		r->failed_total = (double)t->fail_total;
		k6_full_name(r->failed_metric, sizeof r->failed_metric, "http_req_failed",
		    q->tags, q->ntags);
	} else if (t->all_total > 0) {
		r->failed_n = (double)t->all_n;
		r->failed_total = (double)t->all_total;
		snprintf(r->failed_metric, sizeof r->failed_metric, "http_req_failed");
	}
	if (r->failed_total > 0) {
		r->have_failed = r->have_failed_counts = 1;
		r->failed = r->failed_n / r->failed_total;
	}
	return result_check(r, q->pct);
}

int
result_samples(struct result *r, const struct query *q, const char *source,
    double *v, const struct tally *t)
{
	size_t n = (size_t)t->n;

	pctl_sort(v, n);
	return result_fill(r, q, source, pctl_sorted(v, n, q->pct / 100),
	    pctl_sorted(v, n, 0.5), v[0], v[n - 1], t);
}
