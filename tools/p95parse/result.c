/* smokekit: p95parse's one result for every input format (see result.h). */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
