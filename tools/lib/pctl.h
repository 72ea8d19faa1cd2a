/*
 * Percentiles by k6's rule (TrendSink.P): sort the samples, then
 * interpolate linearly at index p·(n−1). p95parse computes them from
 * NDJSON points and httpprobe's load mode from its own latencies; both
 * must agree with k6 bit for bit, so the rule lives here once.
 */
#ifndef SMOKEKIT_PCTL_H
#define SMOKEKIT_PCTL_H

#include <stddef.h>

/* Sorts v ascending (numerically; NaNs are never stored by the callers). */
void pctl_sort(double *v, size_t n);

/* The fraction p (0..1) of sorted[0..n); NaN when n is 0. */
double pctl_sorted(const double *sorted, size_t n, double p);

/*
 * The same from the two samples the rule reads, when the caller found them
 * without sorting everything (p95parse --merge): lo and hi are the values
 * of rank floor(p·(n−1)) and ceil(p·(n−1)) of n samples.
 */
double pctl_between(double lo, double hi, double p, size_t n);

#endif
