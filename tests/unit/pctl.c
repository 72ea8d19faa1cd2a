/* Unit tests: tools/lib/pctl.c (k6's percentile rule). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pctl.h"
#include "tap.h"

#define BIG 5000    /* past the size where pctl_sort sorts by the bits */

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* pctl_sort gives qsort's order, value for value, over BIG samples made by make(i). */
static int
sorts_as_qsort(double (*make)(unsigned long long *))
{
	static double a[BIG], b[BIG];
	unsigned long long st = 11;
	size_t i;

	for (i = 0; i < BIG; i++)
		a[i] = b[i] = make(&st);
	pctl_sort(a, BIG);
	qsort(b, BIG, sizeof *b, cmp);
	for (i = 0; i < BIG; i++)
		if (a[i] != b[i] || signbit(a[i]) != signbit(b[i]))
			return 0;
	return 1;
}

static unsigned long long
next(unsigned long long *st)
{
	*st = *st * 6364136223846793005ull + 1442695040888963407ull;
	return *st >> 11;
}

/* Latencies: milliseconds with six decimals, as k6 writes them. */
static double
latency(unsigned long long *st)
{
	return (double)(next(st) % 400000000) / 1e6;
}

/* Every sign and scale, zeros and repeats among them (no -0: qsort may put it either side of 0). */
static double
wild(unsigned long long *st)
{
	unsigned long long r = next(st);
	double x = ldexp((double)(r % 1000), (int)(r >> 20 & 127) - 64);

	return r & 1 && x != 0 ? -x : (r & 6) == 0 ? 0 : x;
}

int
main(void)
{
	double v[] = { 7, 3, 10, 1, 5, 2, 9, 4, 8, 6 };
	double one[] = { 42 };

	pctl_sort(v, 10);
	ok(v[0] == 1 && v[4] == 5 && v[9] == 10, "pctl_sort sorts ascending");
	/* index 0.95 * 9 = 8.55: 9 + 0.55 * (10 - 9) */
	is_double(pctl_sorted(v, 10, 0.95), 9.55, 1e-15, "p95 of 1..10 interpolates at p(n-1)");
	is_double(pctl_sorted(v, 10, 0.5), 5.5, 0, "the median of an even count");
	is_double(pctl_sorted(v, 10, 0), 1, 0, "p0 is the minimum");
	is_double(pctl_sorted(v, 10, 1), 10, 0, "p100 is the maximum");
	is_double(pctl_sorted(v, 10, 0.999), 9.991, 1e-12, "p99.9");
	is_double(pctl_sorted(one, 1, 0.95), 42, 0, "one sample is every percentile");
	ok(isnan(pctl_sorted(v, 0, 0.95)), "no samples: NaN");
	ok(sorts_as_qsort(latency), "many latencies: the order qsort gives");
	ok(sorts_as_qsort(wild), "many numbers of every sign and scale: the order qsort gives");
	return tap_done();
}
