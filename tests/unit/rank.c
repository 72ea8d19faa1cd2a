/* Unit tests: tools/p95parse/rank.c (exact order statistics by passes). */
#include <stdio.h>
#include <string.h>

#include "pctl.h"
#include "rank.h"
#include "tap.h"

#define N 5000

static double v[N], sorted[N];
static unsigned long long coarse[RANK_COARSE];

/* Runs every pass over v (leaving out sample drop, when below N): the ranks' values. */
static int
ranks(const unsigned long long *r, size_t nr, size_t collect_max, size_t drop,
    double *out, unsigned *passes)
{
	unsigned long long seen;
	struct ranker *rk;
	size_t i;
	int rc = 0;

	memset(coarse, 0, sizeof coarse);
	for (i = 0; i < N; i++)
		coarse[rank_coarse_index(v[i])]++;
	rk = ranker_new(coarse, N, r, nr, collect_max);
	while (rc == 0 && !ranker_done(rk)) {
		ranker_pass_begin(rk);
		for (i = 0; i < N; i++)
			if (i != drop && ranker_wants(rk, v[i]))
				ranker_add(rk, v[i]);
		rc = ranker_pass_end(rk, &seen);
	}
	for (i = 0; rc == 0 && i < nr; i++)
		out[i] = ranker_value(rk, i);
	*passes = ranker_passes(rk);
	ranker_free(rk);
	return rc;
}

int
main(void)
{
	unsigned long long st = 7, r[] = { 0, 1, 2499, 2500, 4749, 4750, 4999 };
	double got[7];
	size_t i, k, nr = sizeof r / sizeof r[0];
	size_t caps[] = { 1, 2, 16, 1000, N };
	unsigned passes;
	int all_ok;

	/* Crowded: a few hundred distinct values, many repeated, one octave. */
	for (i = 0; i < N; i++) {
		st = st * 6364136223846793005ull + 1442695040888963407ull;
		v[i] = 100 + (double)((st >> 33) % 300) / 64;
	}
	memcpy(sorted, v, sizeof v);
	pctl_sort(sorted, N);
	for (k = 0; k < sizeof caps / sizeof caps[0]; k++) {
		all_ok = ranks(r, nr, caps[k], N, got, &passes) == 0;
		for (i = 0; all_ok && i < nr; i++)
			all_ok = got[i] == sorted[r[i]];
		ok(all_ok, "every rank exact, keeping at most %zu samples a bucket (%u passes)",
		    caps[k], passes);
		ok(passes <= 4, "at most four passes after the first");
	}
	ok(ranks(r, nr, 1000, 123, got, &passes) != 0,
	    "a sample missing from a later pass is caught (the input changed)");
	ok(ranks(r, nr, 1, 4000, got, &passes) != 0,
	    "... also while refining");
	return tap_done();
}
