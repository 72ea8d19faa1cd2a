/* smokekit: k6's percentile rule. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pctl.h"
#include "xalloc.h"

#define RADIX_MIN 1024      /* fewer samples: qsort is as quick */

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/*
 * A double's bits as an unsigned key in the order of the numbers: the
 * sign bit flipped for a number >= 0, every bit for a negative one.
 */
static uint64_t
key_of(double d)
{
	uint64_t u;

	memcpy(&u, &d, sizeof u);
	return u >> 63 ? ~u : u | 1ull << 63;
}

static double
double_of(uint64_t k)
{
	double d;

	k = k >> 63 ? k & ~(1ull << 63) : ~k;
	memcpy(&d, &k, sizeof d);
	return d;
}

/* Key i of an array of keys kept in memory of any type (v's own, while it sorts). */
static uint64_t
key_at(const void *keys, size_t i)
{
	uint64_t k;

	memcpy(&k, (const char *)keys + i * sizeof k, sizeof k);
	return k;
}

static void
key_put(void *keys, size_t i, uint64_t k)
{
	memcpy((char *)keys + i * sizeof k, &k, sizeof k);
}

/*
 * Sorted by the keys' bytes, lowest first (a stable counting sort each),
 * skipping a byte every key shares: latencies share their top bytes, so
 * most of a large sort is four or five passes, in time linear in n. The
 * keys go back and forth between v's own memory and one more array as
 * large (qsort's merge sort takes as much).
 */
static void
radix_sort(double *v, size_t n)
{
	size_t count[8][256];
	void *from = v, *to = xreallocarray(NULL, n, sizeof(uint64_t)), *tmp = to, *t;
	uint64_t k;
	size_t i, d, at, c;

	memset(count, 0, sizeof count);
	for (i = 0; i < n; i++) {
		k = key_of(v[i]);
		key_put(from, i, k);
		for (d = 0; d < 8; d++)
			count[d][(k >> (8 * d)) & 0xff]++;
	}
	for (d = 0; d < 8; d++) {
		if (count[d][(key_at(from, 0) >> (8 * d)) & 0xff] == n)
			continue;
		for (at = 0, c = 0; c < 256; c++) {
			i = count[d][c];
			count[d][c] = at;
			at += i;
		}
		for (i = 0; i < n; i++) {
			k = key_at(from, i);
			key_put(to, count[d][(k >> (8 * d)) & 0xff]++, k);
		}
		t = from;
		from = to;
		to = t;
	}
	for (i = 0; i < n; i++)
		v[i] = double_of(key_at(from, i));
	free(tmp);
}

void
pctl_sort(double *v, size_t n)
{
	if (n < RADIX_MIN)
		qsort(v, n, sizeof *v, cmp_double);
	else
		radix_sort(v, n);
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
