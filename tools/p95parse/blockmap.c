/* smokekit: where a file's samples lie, by kind (see blockmap.h). */
#include <sys/types.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "blockmap.h"
#include "readall.h"
#include "xalloc.h"

#define SHIFT_MIN 14    /* 16 KiB: the lines of a few k6 requests */
#define TAIL 4096       /* read past a block for the rest of its last line: more than a line */

void
blockmap_init(struct blockmap *bm, unsigned long long size, size_t max)
{
	memset(bm, 0, sizeof *bm);
	bm->max = max < 1 ? 1 : max;
	bm->shift = SHIFT_MIN;
	while ((size >> bm->shift) >= bm->max)
		bm->shift++;
	bm->n = (size_t)(size >> bm->shift) + 1;
	bm->kinds = xreallocarray(NULL, bm->n, sizeof *bm->kinds);
	memset(bm->kinds, 0, bm->n * sizeof *bm->kinds);
}

void
blockmap_free(struct blockmap *bm)
{
	free(bm->kinds);
	memset(bm, 0, sizeof *bm);
}

/* Neighbours merged: blocks twice as large, half as many. */
static void
halve(struct blockmap *bm)
{
	size_t i;

	for (i = 0; 2 * i < bm->n; i++)
		bm->kinds[i] = bm->kinds[2 * i] | (2 * i + 1 < bm->n ? bm->kinds[2 * i + 1] : 0);
	bm->n = i;
	bm->shift++;
}

void
blockmap_mark(struct blockmap *bm, unsigned long long at, unsigned kind)
{
	size_t i;

	/* Past the size given: the file grows while read (a later pass refuses it). */
	while ((at >> bm->shift) >= bm->max)
		halve(bm);
	i = (size_t)(at >> bm->shift);
	if (i >= bm->n) {
		bm->kinds = xreallocarray(bm->kinds, i + 1, sizeof *bm->kinds);
		memset(bm->kinds + bm->n, 0, (i + 1 - bm->n) * sizeof *bm->kinds);
		bm->n = i + 1;
	}
	bm->kinds[i] |= 1ull << (kind & 63);
}

/*
 * The lines that start in [a, b), then the rest of the last one. *pos is
 * a line start at or before a, and where the lines fed end afterwards.
 */
static int
feed_lines(int fd, unsigned long long a, unsigned long long b, unsigned long long *pos,
    char *buf, size_t cap, feed_fn *feed, void *reader)
{
	/* Unless a line is known to start at a, the byte before a tells. */
	unsigned long long at = a == *pos ? a : a - 1;
	int skip = at < a, ended = 1;
	const char *s, *nl;
	ssize_t got = 0;
	size_t len, tail = TAIL;

	/* From here on, each read follows the last. */
	if (lseek(fd, (off_t)at, SEEK_SET) < 0)
		return -1;
	while (at < b || !ended) {
		if (at < b) {
			len = b - at < cap ? (size_t)(b - at) : cap;
		} else {        /* a line is short: a little at a time, more if it is not */
			len = tail < cap ? tail : cap;
			tail = len < cap / 2 ? 2 * len : cap;
		}
		if ((got = read_full(fd, buf, len)) <= 0)
			break;
		s = buf;
		if (skip) {
			/* The line holding byte a - 1 is not one of these. */
			if ((nl = memchr(buf, '\n', (size_t)got)) == NULL) {
				at += (unsigned long long)got;
				continue;
			}
			s = nl + 1;
			skip = 0;
			if (at + (unsigned long long)(s - buf) >= b) {
				at += (unsigned long long)(s - buf);
				break;
			}
		}
		len = (size_t)(buf + got - s);
		if (at >= b && (nl = memchr(s, '\n', len)) != NULL)
			len = (size_t)(nl + 1 - s);
		if (feed(reader, s, len) != 0)
			return 1;
		at += (unsigned long long)(s - buf) + len;
		ended = s[len - 1] == '\n';
	}
	*pos = at;
	return got < 0 ? -1 : 0;
}

int
blockmap_feed(const struct blockmap *bm, int fd, unsigned long long size,
    unsigned long long want, char *buf, size_t cap, feed_fn *feed, void *reader)
{
	unsigned long long pos = 0, a, b;
	size_t i = 0, j;
	int rc = 0;

	while (rc == 0 && i < bm->n) {
		if (!(bm->kinds[i] & want)) {
			i++;
			continue;
		}
		for (j = i + 1; j < bm->n && (bm->kinds[j] & want); j++)
			;
		a = (unsigned long long)i << bm->shift;
		b = (unsigned long long)j << bm->shift;
		b = b < size ? b : size;
		a = a > pos ? a : pos;
		i = j;
		if (a < b)
			rc = feed_lines(fd, a, b, &pos, buf, cap, feed, reader);
	}
	return rc;
}
