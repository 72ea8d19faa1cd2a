/* smokekit: a log-linear histogram of latencies (see loghist.h). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loghist.h"
#include "pctl.h"
#include "xalloc.h"

void
loghist_init(struct loghist *h)
{
	memset(h, 0, sizeof *h);
}

void
loghist_free(struct loghist *h)
{
	free(h->c);
	loghist_init(h);
}

long
loghist_index(double v)
{
	uint64_t bits;

	if (!(v > 0))
		return 0;
	memcpy(&bits, &v, sizeof bits);
	/* 11 exponent bits and the top 7 of the mantissa: monotonic in v. */
	return (long)(bits >> LOGHIST_SHIFT);
}

static double
from_bits(uint64_t bits)
{
	double v;

	memcpy(&v, &bits, sizeof v);
	return v;
}

double
loghist_lower(long index)
{
	return index <= 0 ? 0 : from_bits((uint64_t)index << LOGHIST_SHIFT);
}

double
loghist_upper(long index)
{
	return index <= 0 ? 0 : from_bits((uint64_t)(index + 1) << LOGHIST_SHIFT);
}

double
loghist_mid(long index)
{
	return index <= 0 ? 0 : loghist_lower(index) / 2 + loghist_upper(index) / 2;
}

/* Makes room for bucket index in h's dense window. */
static void
cover(struct loghist *h, long index)
{
	long lo, hi;
	size_t n;
	unsigned long long *c;

	if (h->n > 0 && index >= h->lo && index < h->lo + (long)h->n)
		return;
	lo = h->n == 0 || index < h->lo ? index : h->lo;
	hi = h->n == 0 || index >= h->lo + (long)h->n ? index : h->lo + (long)h->n - 1;
	/* Grow by half again on the side that grew, so a drift costs log n copies. */
	n = (size_t)(hi - lo + 1);
	if (h->n > 0 && index < h->lo)
		lo = lo - (long)(n / 2) < 0 ? 0 : lo - (long)(n / 2);
	else if (h->n > 0)
		hi = hi + (long)(n / 2) > LOGHIST_INDEX_MAX ? LOGHIST_INDEX_MAX : hi + (long)(n / 2);
	n = (size_t)(hi - lo + 1);
	c = xreallocarray(NULL, n, sizeof *c);
	memset(c, 0, n * sizeof *c);
	if (h->n > 0)
		memcpy(c + (h->lo - lo), h->c, h->n * sizeof *c);
	free(h->c);
	h->c = c;
	h->lo = lo;
	h->n = n;
}

int
loghist_add_bucket(struct loghist *h, long index, unsigned long long count)
{
	if (index < 0 || index > LOGHIST_INDEX_MAX)
		return -1;
	if (count == 0)
		return 0;
	h->count += count;
	if (index == 0) {
		h->zero += count;
		return 0;
	}
	cover(h, index);
	h->c[index - h->lo] += count;
	return 0;
}

void
loghist_add(struct loghist *h, double v)
{
	loghist_add_bucket(h, loghist_index(v), 1);
}

void
loghist_merge(struct loghist *into, const struct loghist *from)
{
	size_t i;

	loghist_add_bucket(into, 0, from->zero);
	for (i = 0; i < from->n; i++)
		loghist_add_bucket(into, from->lo + (long)i, from->c[i]);
}

/* The midpoint of the bucket that holds the value of rank (0-based). */
static double
rank_mid(const struct loghist *h, unsigned long long rank)
{
	unsigned long long seen = h->zero;
	size_t i;

	if (rank < seen)
		return 0;
	for (i = 0; i < h->n; i++) {
		seen += h->c[i];
		if (rank < seen)
			return loghist_mid(h->lo + (long)i);
	}
	return NAN;
}

double
loghist_pct(const struct loghist *h, double p)
{
	double i, lo;

	if (h->count == 0)
		return NAN;
	i = p * ((double)h->count - 1.0);
	lo = floor(i);
	return pctl_between(rank_mid(h, (unsigned long long)lo),
	    rank_mid(h, (unsigned long long)ceil(i)), p, (size_t)h->count);
}

void
loghist_write_json(FILE *fp, const struct loghist *h)
{
	size_t i;
	int first = 1;

	fprintf(fp, "{\"scheme\":\"log-linear\",\"rel_error\":%g,\"count\":%llu,\"buckets\":[",
	    LOGHIST_REL_ERROR, h->count);
	if (h->zero > 0) {
		fprintf(fp, "[0,%llu]", h->zero);
		first = 0;
	}
	for (i = 0; i < h->n; i++) {
		if (h->c[i] == 0)
			continue;
		fprintf(fp, "%s[%ld,%llu]", first ? "" : ",", h->lo + (long)i, h->c[i]);
		first = 0;
	}
	fputs("]}", fp);
}
