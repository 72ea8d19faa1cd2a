/* smokekit: k6's percentile rule. */
#include <math.h>
#include <stdlib.h>

#include "pctl.h"

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

void
pctl_sort(double *v, size_t n)
{
	qsort(v, n, sizeof *v, cmp_double);
}

double
pctl_between(double j, double k, double p, size_t n)
{
	double i, lo, f, d, prod;

	if (n == 0)
		return NAN;
	if (n == 1)
		return j;
	/*
	 * The same operations as k6's TrendSink.P, in separate statements
	 * so that no compiler fuses a multiply-add and changes the last bit.
	 */
	i = p * ((double)n - 1.0);
	lo = floor(i);
	f = i - lo;
	d = k - j;
	prod = d * f;
	return j + prod;
}

double
pctl_sorted(const double *s, size_t n, double p)
{
	double i;

	if (n == 0)
		return NAN;
	i = p * ((double)n - 1.0);
	return pctl_between(s[(size_t)floor(i)], s[(size_t)ceil(i)], p, n);
}
