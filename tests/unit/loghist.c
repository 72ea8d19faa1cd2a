/* Unit tests: tools/lib/loghist.c (the log-linear latency histogram). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loghist.h"
#include "pctl.h"
#include "tap.h"

/* A reproducible spread of latencies over six decades (LCG, no rand()). */
static double
sample(unsigned long long *state)
{
	*state = *state * 6364136223846793005ull + 1442695040888963407ull;
	return 0.01 * pow(10, 6.0 * (double)(*state >> 11) / 9007199254740992.0);
}

static unsigned long long
count_at(const struct loghist *h, long idx)
{
	return idx >= h->lo && idx < h->lo + (long)h->n ? h->c[idx - h->lo] : 0;
}

static int
within(double got, double exact)
{
	return fabs(got - exact) <= LOGHIST_REL_ERROR * exact;
}

int
main(void)
{
	static double v[20000];
	struct loghist a, b, all;
	unsigned long long st = 42;
	double worst = 0, x, ps[] = { 0, 0.5, 0.9, 0.95, 0.99, 0.999, 1 };
	size_t i;
	long idx;
	int bounds_ok = 1, pct_ok = 1;
	char buf[256];
	FILE *fp;

	loghist_init(&a);
	loghist_init(&b);
	loghist_init(&all);
	for (i = 0; i < 20000; i++) {
		v[i] = sample(&st);
		loghist_add(i % 3 ? &a : &b, v[i]);
		loghist_add(&all, v[i]);
		idx = loghist_index(v[i]);
		if (!(loghist_lower(idx) <= v[i] && v[i] < loghist_upper(idx)))
			bounds_ok = 0;
		x = fabs(loghist_mid(idx) - v[i]) / v[i];
		worst = x > worst ? x : worst;
	}
	ok(bounds_ok, "every value lies in its bucket [lower, upper)");
	ok(worst <= LOGHIST_REL_ERROR, "a bucket's midpoint is within 0.5%% of its values (worst %.5f)", worst);
	ok(worst <= 1.0 / 256, "... and within 1/256, the scheme's own bound");
	is_int(loghist_index(0), 0, "zero is bucket 0");
	is_double(loghist_mid(0), 0, 0, "bucket 0 stands for zero");
	is_int(loghist_index(1), 1023L * LOGHIST_SUB, "1 ms is bucket 1023*128");
	is_int(loghist_index(1.5), 1023L * LOGHIST_SUB + 64, "1.5 ms is half way up that octave");

	loghist_merge(&a, &b);
	is_int((long long)a.count, 20000, "merging adds the counts");
	for (idx = 0; idx <= LOGHIST_INDEX_MAX; idx++)
		if (count_at(&all, idx) != count_at(&a, idx))
			break;
	ok(idx > LOGHIST_INDEX_MAX, "two merged histograms equal the histogram of the union");

	pctl_sort(v, 20000);
	for (i = 0; i < sizeof ps / sizeof ps[0]; i++)
		if (!within(loghist_pct(&a, ps[i]), pctl_sorted(v, 20000, ps[i]))) {
			printf("# p%g: %g vs exact %g\n", ps[i] * 100, loghist_pct(&a, ps[i]),
			    pctl_sorted(v, 20000, ps[i]));
			pct_ok = 0;
		}
	ok(pct_ok, "percentiles from the merged histogram are within the bound of the exact ones");
	ok(isnan(loghist_pct(&b, 0.95)) == 0, "a filled histogram has a p95");
	loghist_free(&b);
	ok(isnan(loghist_pct(&b, 0.95)), "an empty histogram has none (NaN)");

	ok(loghist_add_bucket(&b, -1, 1) == -1 && loghist_add_bucket(&b, LOGHIST_INDEX_MAX + 1, 1) == -1,
	    "an index outside the scheme is refused");
	loghist_add_bucket(&b, 1023L * LOGHIST_SUB, 3);
	loghist_add_bucket(&b, 1024L * LOGHIST_SUB, 1);
	fp = fmemopen(buf, sizeof buf, "w");
	loghist_write_json(fp, &b);
	fclose(fp);
	is_str(buf, "{\"scheme\":\"log-linear\",\"rel_error\":0.005,\"count\":4,"
	    "\"buckets\":[[130944,3],[131072,1]]}", "the JSON shape loghist.h documents");

	/* Mostly zeros, as http_req_connecting on kept-alive connections. */
	loghist_free(&b);
	for (i = 0; i < 90; i++)
		loghist_add(&b, 0);
	for (i = 0; i < 10; i++)
		loghist_add(&b, 0.05);
	ok(b.n < 64, "zeros beside 0.05 ms keep the window small (%zu buckets)", b.n);
	is_double(loghist_pct(&b, 0.5), 0, 0, "the median of mostly zeros is 0");
	ok(within(loghist_pct(&b, 0.95), 0.05), "p95 lies in the 0.05 ms bucket");
	loghist_free(&a);
	loghist_init(&a);
	loghist_merge(&a, &b);
	is_int((long long)a.zero, 90, "merging adds the zeros");
	fp = fmemopen(buf, sizeof buf, "w");
	loghist_write_json(fp, &b);
	fclose(fp);
	ok(strstr(buf, "\"count\":100,\"buckets\":[[0,90],[") != NULL,
	    "zero is bucket 0 in the JSON, first: %s", buf);
	loghist_free(&a);
	loghist_free(&b);
	loghist_free(&all);
	return tap_done();
}
