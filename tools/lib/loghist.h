/*
 * A log-linear histogram of latencies (milliseconds): 128 buckets per
 * power of two, so a bucket's midpoint is within 0.4% (at most 0.5%, the
 * documented bound) of every value in it. Two histograms merge by adding
 * counts, so N load runs give one percentile within that bound; httpprobe
 * writes one into its summary export and p95parse --merge reads it.
 *
 * A bucket's INDEX, for a value v > 0 with v = 2^e * (1 + k/128 + r),
 * 0 <= k < 128, 0 <= r < 1/128: INDEX = (e + 1023) * 128 + k (the biased
 * exponent and the top 7 bits of the mantissa of the IEEE 754 double).
 * Zero is INDEX 0. The bucket holds [2^e (1 + k/128), 2^e (1 + (k+1)/128)).
 *
 * In a summary export (a member k6's own readers ignore), at the top level:
 *
 *   "smokekit_histogram": {
 *     "http_req_duration{ep:models}": {
 *       "scheme": "log-linear", "rel_error": 0.005, "count": 1234,
 *       "buckets": [[INDEX, COUNT], ...]
 *     }
 *   }
 *
 * keyed by the metric's full name as in "metrics"; buckets in ascending
 * INDEX, COUNT > 0, their sum is "count".
 *
 * Zero is counted apart from the other buckets: a trend where most values
 * are 0 (http_req_connecting on kept-alive connections) would otherwise
 * stretch the dense window over a thousand octaves it never uses.
 */
#ifndef SMOKEKIT_LOGHIST_H
#define SMOKEKIT_LOGHIST_H

#include <stddef.h>
#include <stdio.h>

#define LOGHIST_SUB 128                 /* buckets per power of two */
#define LOGHIST_SHIFT 45                /* INDEX is the double's bits >> 45 (0 for 0) */
#define LOGHIST_REL_ERROR 0.005         /* the bound stated to readers */
#define LOGHIST_INDEX_MAX (2047L * LOGHIST_SUB - 1)

struct loghist {
	unsigned long long *c;      /* counts of buckets lo .. lo + n - 1, INDEX > 0 */
	long lo;
	size_t n;
	unsigned long long zero;    /* the count of INDEX 0, apart from the window */
	unsigned long long count;
};

void loghist_init(struct loghist *h);
void loghist_free(struct loghist *h);

/* The bucket of v (finite, >= 0). */
long loghist_index(double v);
/* The bucket's bounds, and the value that stands for it (its midpoint). */
double loghist_lower(long index);
double loghist_upper(long index);
double loghist_mid(long index);

/* v finite and >= 0. */
void loghist_add(struct loghist *h, double v);
/* count more in bucket index; -1 when index is not a bucket. */
int loghist_add_bucket(struct loghist *h, long index, unsigned long long count);
void loghist_merge(struct loghist *into, const struct loghist *from);

/*
 * The fraction p (0..1) by k6's rule (pctl.h) over the buckets' midpoints:
 * within LOGHIST_REL_ERROR of the exact percentile of the values added.
 * NaN when empty.
 */
double loghist_pct(const struct loghist *h, double p);

/* {"scheme":"log-linear","rel_error":0.005,"count":N,"buckets":[[i,c],...]} */
void loghist_write_json(FILE *fp, const struct loghist *h);

#endif
