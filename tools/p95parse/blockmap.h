/*
 * Where in a file its samples lie, by kind (p95parse --merge): the file
 * cut in blocks of a power of two bytes, and for each block the set of
 * kinds (0..63) of the samples whose line starts in it. A later pass,
 * which needs the samples of a few kinds only, reads the blocks that hold
 * them and skips the rest of the file unread. The number of blocks is
 * bounded: past it, neighbours merge into blocks twice as large.
 */
#ifndef SMOKEKIT_BLOCKMAP_H
#define SMOKEKIT_BLOCKMAP_H

#include <stddef.h>

#include "feed.h"

struct blockmap {
	unsigned long long *kinds;  /* a set of kinds per block */
	size_t n, max;              /* blocks in use, at most */
	unsigned shift;             /* a block is 1 << shift bytes */
};

/* For a file of size bytes, at most max blocks (at least 1). */
void blockmap_init(struct blockmap *bm, unsigned long long size, size_t max);
void blockmap_free(struct blockmap *bm);

/* A sample of kind (0..63) on the line that starts at byte at. */
void blockmap_mark(struct blockmap *bm, unsigned long long at, unsigned kind);

/*
 * Feeds reader, in order and whole, every line of fd (the regular file
 * the map was made from, size bytes) that starts in a block holding a
 * kind in the set want; the rest is not read. It reads into buf, cap
 * bytes at a time, with a seek before each run of such blocks. Returns 0;
 * 1 when the reader refused a piece; -1 with errno set on a read error.
 */
int blockmap_feed(const struct blockmap *bm, int fd, unsigned long long size,
    unsigned long long want, char *buf, size_t cap, feed_fn *feed, void *reader);

#endif
