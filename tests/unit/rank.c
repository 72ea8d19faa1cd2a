/* Unit tests: tools/p95parse/rank.c (exact order statistics by passes). */
#include <stdio.h>
#include <string.h>

#include "pctl.h"
#include "rank.h"
#include "tap.h"

#define N 5000

static double v[N], sorted[N];
static unsigned long long counts[RANK_COARSE], kinds_first;
static int kinds_ok = 1;

static unsigned long long
bits_of(double d)
{
	unsigned long long u;

	memcpy(&u, &d, sizeof u);
	return u;
}

/*
 * Runs every pass over v (leaving out sample drop, when below N), the
 * first counting by the top 64 - shift bits (shift 48: the coarse
 * buckets): the ranks' values.
 */
static int
ranks(int shift, const unsigned long long *r, size_t nr, size_t collect_max, size_t drop,
    double *out, unsigned *passes)
{
	struct rank_counts c = { counts, 0, 0, 0, shift };
	unsigned long long seen, b, lo = ~0ull, hi = 0;
	struct ranker *rk;
	size_t i;
	int rc = 0;

	/* The samples whose top bits are all 0 counted apart, as loghist.h counts them. */
	for (i = 0; i < N; i++) {
		b = bits_of(v[i]) >> shift;
		lo = b < lo && b > 0 ? b : lo;
		hi = b > hi ? b : hi;
	}
	if (hi - lo >= sizeof counts / sizeof counts[0])
		return -2;
	memset(counts, 0, sizeof counts);
	for (i = 0; i < N; i++)
		if ((b = bits_of(v[i]) >> shift) == 0)
			c.zero++;
		else
			counts[b - lo]++;
	c.n = (size_t)(hi - lo + 1);
	c.first = lo;
	rk = ranker_new(&c, N, r, nr, collect_max);
	/* The first pass after the counts reads the coarse buckets of the ranks' values. */
	kinds_first = ranker_coarse_kinds(rk);
	for (i = 0; !ranker_done(rk) && i < nr; i++)
		kinds_ok &= (kinds_first >> rank_coarse_kind(rank_coarse_index(sorted[r[i]]))) & 1;
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
	int shifts[] = { 48, 45 }, s;
	unsigned passes;
	int all_ok;

	/* Crowded: a few hundred distinct values, many repeated, one octave. */
	for (i = 0; i < N; i++) {
		st = st * 6364136223846793005ull + 1442695040888963407ull;
		v[i] = 100 + (double)((st >> 33) % 300) / 64;
	}
	memcpy(sorted, v, sizeof v);
	pctl_sort(sorted, N);
	for (s = 0; s < 2; s++)
		for (k = 0; k < sizeof caps / sizeof caps[0]; k++) {
			all_ok = ranks(shifts[s], r, nr, caps[k], N, got, &passes) == 0;
			for (i = 0; all_ok && i < nr; i++)
				all_ok = got[i] == sorted[r[i]];
			ok(all_ok, "every rank exact, counted by bits >> %d first, keeping at most "
			    "%zu samples a bucket (%u passes)", shifts[s], caps[k], passes);
			ok(passes <= 4, "at most four passes after the first");
		}
	ok(kinds_ok, "the pass after the counts asks for the kinds of the ranks' coarse buckets");
	/* A fifth of them 0 (the first ranks), the rest as before. */
	for (i = 0; i < N; i += 5)
		v[i] = 0;
	memcpy(sorted, v, sizeof v);
	pctl_sort(sorted, N);
	for (k = 0; k < sizeof caps / sizeof caps[0]; k++) {
		all_ok = ranks(45, r, nr, caps[k], N, got, &passes) == 0;
		for (i = 0; all_ok && i < nr; i++)
			all_ok = got[i] == sorted[r[i]];
		ok(all_ok, "zeros counted apart: every rank exact, keeping at most %zu samples a "
		    "bucket (%u passes)", caps[k], passes);
	}
	ok(ranks(48, r, nr, 1000, 123, got, &passes) == -1,
	    "a sample missing from a later pass is caught (the input changed)");
	ok(ranks(45, r, nr, 1, 4000, got, &passes) == -1,
	    "... also while refining");
	return tap_done();
}
