/* Unit tests: tools/lib/pctl.c (k6's percentile rule). */
#include <math.h>
#include <stdio.h>

#include "pctl.h"
#include "tap.h"

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
	return tap_done();
}
