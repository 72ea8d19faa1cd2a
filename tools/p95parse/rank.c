/* smokekit: exact order statistics in bounded memory (see rank.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pctl.h"
#include "rank.h"
#include "xalloc.h"

#define FINE_BITS 12
#define FINE (1u << FINE_BITS)
#define RANKS_MAX 8

enum mode { M_DONE, M_COLLECT, M_REFINE };

/* The samples whose bits >> shift == prefix. */
struct bucket {
	int shift;
	uint64_t prefix;
	unsigned long long below;   /* samples under the bucket */
	unsigned long long count;   /* in it */
	enum mode mode;
	double *v;                  /* M_COLLECT: its samples */
	size_t nv;
	unsigned long long *fine;   /* M_REFINE: its counts by 12 more bits (or all that are left) */
};

struct ranker {
	unsigned long long n, seen;
	size_t collect_max;
	unsigned long long rank[RANKS_MAX];
	double value[RANKS_MAX];
	struct bucket b[RANKS_MAX]; /* one per rank; shared ones are followed once */
	int owner[RANKS_MAX];       /* the rank whose bucket this rank reads */
	size_t nranks;
	unsigned passes;
};

/* v's bits, -0 as 0 (both are >= 0, one bucket). */
static uint64_t
bits_of(double v)
{
	uint64_t u;

	if (v == 0)
		v = 0;
	memcpy(&u, &v, sizeof u);
	return u;
}

static double
value_of(uint64_t u)
{
	double v;

	memcpy(&v, &u, sizeof v);
	return v;
}

size_t
rank_coarse_index(double v)
{
	return (size_t)(bits_of(v) >> 48) & (RANK_COARSE - 1);
}

unsigned
rank_coarse_kind(size_t coarse)
{
	return (unsigned)(coarse & 63);
}

/* Which of counts[0..n) holds rank (counting from below): sets *below. */
static size_t
locate(const unsigned long long *counts, size_t n, unsigned long long rank,
    unsigned long long *below)
{
	unsigned long long seen = *below;
	size_t i;

	for (i = 0; i + 1 < n && rank >= seen + counts[i]; i++)
		seen += counts[i];
	*below = seen;
	return i;
}

/* How many bits finer the next counts of a bucket of this shift are. */
static int
fine_bits(int shift)
{
	return shift < FINE_BITS ? shift : FINE_BITS;
}

/* What bucket b needs next: nothing, a pass that keeps it, or finer counts. */
static void
plan(struct ranker *rk, struct bucket *b)
{
	if (b->shift == 0)
		b->mode = M_DONE;
	else if (b->count <= rk->collect_max)
		b->mode = M_COLLECT;
	else
		b->mode = M_REFINE;
}

/* Ranks in the same bucket share it: only the first one's is followed. */
static void
share(struct ranker *rk)
{
	size_t i, j;

	for (i = 0; i < rk->nranks; i++) {
		rk->owner[i] = (int)i;
		for (j = 0; j < i; j++)
			if (rk->owner[j] == (int)j && rk->b[j].shift == rk->b[i].shift &&
			    rk->b[j].prefix == rk->b[i].prefix) {
				rk->owner[i] = (int)j;
				break;
			}
	}
}

struct ranker *
ranker_new(const struct rank_counts *c, unsigned long long n,
    const unsigned long long *ranks, size_t nranks, size_t collect_max)
{
	struct ranker *rk = xmalloc(sizeof *rk);
	size_t i, at;

	memset(rk, 0, sizeof *rk);
	rk->n = n;
	rk->collect_max = collect_max < 1 ? 1 : collect_max;
	rk->nranks = nranks > RANKS_MAX ? RANKS_MAX : nranks;
	for (i = 0; i < rk->nranks; i++) {
		rk->rank[i] = ranks[i];
		rk->b[i].shift = c->shift;
		if (ranks[i] < c->zero) {
			rk->b[i].count = c->zero;
		} else {
			rk->b[i].below = c->zero;
			at = locate(c->count, c->n, ranks[i], &rk->b[i].below);
			rk->b[i].prefix = c->first + at;
			rk->b[i].count = c->count[at];
		}
		plan(rk, &rk->b[i]);
	}
	share(rk);
	for (i = 0; i < rk->nranks; i++)
		if (rk->b[i].mode == M_DONE)
			rk->value[i] = value_of(rk->b[i].prefix << rk->b[i].shift);
	return rk;
}

void
ranker_free(struct ranker *rk)
{
	size_t i;

	if (rk == NULL)
		return;
	for (i = 0; i < rk->nranks; i++) {
		free(rk->b[i].v);
		free(rk->b[i].fine);
	}
	free(rk);
}

int
ranker_done(const struct ranker *rk)
{
	size_t i;

	for (i = 0; i < rk->nranks; i++)
		if (rk->b[rk->owner[i]].mode != M_DONE)
			return 0;
	return 1;
}

void
ranker_pass_begin(struct ranker *rk)
{
	struct bucket *b;
	size_t i;

	rk->seen = 0;
	for (i = 0; i < rk->nranks; i++) {
		if (rk->owner[i] != (int)i)
			continue;
		b = &rk->b[i];
		if (b->mode == M_COLLECT) {
			b->v = xreallocarray(b->v, (size_t)b->count, sizeof *b->v);
			b->nv = 0;
		} else if (b->mode == M_REFINE) {
			b->fine = xreallocarray(b->fine, FINE, sizeof *b->fine);
			memset(b->fine, 0, FINE * sizeof *b->fine);
		}
	}
}

int
ranker_wants(const void *ctx, double v)
{
	const struct ranker *rk = ctx;
	const struct bucket *b;
	uint64_t u = bits_of(v);
	size_t i;

	for (i = 0; i < rk->nranks; i++) {
		b = &rk->b[i];
		if (rk->owner[i] == (int)i && b->mode != M_DONE && (u >> b->shift) == b->prefix)
			return 1;
	}
	return 0;
}

void
ranker_add(void *ctx, double v)
{
	struct ranker *rk = ctx;
	struct bucket *b;
	uint64_t u = bits_of(v);
	size_t i;

	rk->seen++;
	for (i = 0; i < rk->nranks; i++) {
		b = &rk->b[i];
		if (rk->owner[i] != (int)i || b->mode == M_DONE || (u >> b->shift) != b->prefix)
			continue;
		if (b->mode == M_REFINE)
			b->fine[(u >> (b->shift - fine_bits(b->shift))) &
			    ((1u << fine_bits(b->shift)) - 1)]++;
		else if (b->nv < b->count)   /* more than pass 1 saw: caught at the end */
			b->v[b->nv++] = v;
		else
			b->nv = (size_t)b->count + 1;
	}
}

/* Moves rank i (not an owner) into the state its owner's pass found. */
static void
follow(struct ranker *rk, size_t i, const struct bucket *from)
{
	struct bucket *b = &rk->b[i];
	uint64_t sub;

	if (from->mode == M_COLLECT) {
		rk->value[i] = from->v[rk->rank[i] - from->below];
		b->mode = M_DONE;
		return;
	}
	b->shift = from->shift - fine_bits(from->shift);
	b->below = from->below;
	sub = locate(from->fine, 1u << fine_bits(from->shift), rk->rank[i], &b->below);
	b->prefix = (from->prefix << fine_bits(from->shift)) | sub;
	b->count = from->fine[sub];
	plan(rk, b);
	if (b->mode == M_DONE)
		rk->value[i] = value_of(b->prefix << b->shift);
}

int
ranker_pass_end(struct ranker *rk, unsigned long long *seen)
{
	struct bucket snap[RANKS_MAX];
	unsigned long long sum;
	size_t i, j;
	int ok = 1;

	*seen = rk->seen;
	rk->passes++;
	for (i = 0; i < rk->nranks; i++) {
		snap[i] = rk->b[i];
		if (rk->owner[i] != (int)i)
			continue;
		if (snap[i].mode == M_COLLECT && snap[i].nv != snap[i].count)
			ok = 0;
		else if (snap[i].mode == M_COLLECT)
			pctl_sort(snap[i].v, snap[i].nv);
		if (snap[i].mode == M_REFINE) {
			for (sum = 0, j = 0; j < FINE; j++)
				sum += snap[i].fine[j];
			ok &= sum == snap[i].count;
		}
	}
	if (!ok)
		return -1;
	for (i = 0; i < rk->nranks; i++)
		if (snap[rk->owner[i]].mode != M_DONE)
			follow(rk, i, &snap[rk->owner[i]]);
	/* The arrays belong to the owners' snapshots: freed here, made anew. */
	for (i = 0; i < rk->nranks; i++) {
		if (rk->owner[i] != (int)i)
			continue;
		free(snap[i].v);
		free(snap[i].fine);
	}
	for (i = 0; i < rk->nranks; i++) {
		rk->b[i].v = NULL;
		rk->b[i].nv = 0;
		rk->b[i].fine = NULL;
	}
	share(rk);
	return 0;
}

unsigned long long
ranker_coarse_kinds(const struct ranker *rk)
{
	unsigned long long kinds = 0;
	const struct bucket *b;
	size_t i;

	for (i = 0; i < rk->nranks; i++) {
		b = &rk->b[i];
		if (rk->owner[i] == (int)i && b->mode != M_DONE)
			kinds |= 1ull << rank_coarse_kind((size_t)(b->prefix >> (48 - b->shift)));
	}
	return kinds;
}

double
ranker_value(const struct ranker *rk, size_t i)
{
	return rk->value[i];
}

unsigned
ranker_passes(const struct ranker *rk)
{
	return rk->passes;
}
