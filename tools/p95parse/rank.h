/*
 * Exact order statistics in bounded memory, over samples that can be read
 * again (p95parse --merge over regular files): the value of rank k of n
 * samples without keeping the n. A first pass counts the samples in
 * buckets by the top bits of the IEEE 754 double (monotonic for values
 * >= 0): p95parse's are loghist.h's, the top 19 bits. Each further pass
 * keeps only the samples in the bucket that holds a rank, or, when that
 * bucket alone holds more than a set number, counts it in 4096 finer
 * buckets (12 more bits) and tries again. A bucket of one bit pattern
 * holds one value: at most five passes in all, two when the bucket is
 * small enough, which it is unless the samples crowd.
 */
#ifndef SMOKEKIT_RANK_H
#define SMOKEKIT_RANK_H

#include <stddef.h>

#define RANK_COARSE (1u << 15)  /* coarse buckets: bits 62..48 */

struct ranker;

/*
 * The first pass's counts: count[i] samples whose bits >> shift (<= 48)
 * are first + i, and below them zero samples whose bits >> shift are 0
 * (a histogram may keep those apart, as loghist.h does).
 */
struct rank_counts {
	const unsigned long long *count;
	size_t n;
	unsigned long long first, zero;
	int shift;
};

/*
 * c: the first pass's counts, n their sum; ranks[0..nranks) (at most 8)
 * the ranks wanted; collect_max the most samples a pass keeps for one
 * bucket.
 */
struct ranker *ranker_new(const struct rank_counts *c, unsigned long long n,
    const unsigned long long *ranks, size_t nranks, size_t collect_max);
void ranker_free(struct ranker *rk);

/* The coarse bucket of v (finite, >= 0). */
size_t rank_coarse_index(double v);
/*
 * A coarse bucket's kind, 0..63 (its index mod 64): what a blockmap.h
 * keeps of each sample, so that a later pass reads only where samples of
 * the kinds it needs lie (ranker_coarse_kinds).
 */
unsigned rank_coarse_kind(size_t coarse);

/* 1 when every rank's value is known (no further pass). */
int ranker_done(const struct ranker *rk);
void ranker_pass_begin(struct ranker *rk);
/* A sample_fn: each of the n samples once per pass, in any order. */
void ranker_add(void *rk, double v);
/* The kinds (a bit each) of the coarse buckets this pass reads: other samples may be left out. */
unsigned long long ranker_coarse_kinds(const struct ranker *rk);
/* Does this pass need v? A sample it does not need may be left out. */
int ranker_wants(const void *rk, double v);
/*
 * 0, or -1 when the buckets followed did not get the samples the first
 * pass counted in them (the input changed between passes).
 */
int ranker_pass_end(struct ranker *rk, unsigned long long *seen);
/* The value of ranks[i], once ranker_done. */
double ranker_value(const struct ranker *rk, size_t i);
/* How many passes after the first it took. */
unsigned ranker_passes(const struct ranker *rk);

#endif
