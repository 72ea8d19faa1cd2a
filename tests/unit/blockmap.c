/* Unit tests: tools/p95parse/blockmap.c (reading again only where samples of some kinds lie). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "blockmap.h"
#include "tap.h"

#define SIZE (600u << 10)
#define LINES 20000

static char text[SIZE], got[SIZE], want[SIZE];
static size_t ngot, start[LINES], len[LINES], nlines, ntext;
static unsigned kind[LINES];

static unsigned long long
next(unsigned long long *st)
{
	*st = *st * 6364136223846793005ull + 1442695040888963407ull;
	return *st >> 33;
}

/*
 * Lines of 1 to 400 bytes, now and then one of 20 to 40 KiB (longer than
 * a block), one that starts right on the boundary of the second 16 KiB
 * block, and a last one with no newline.
 */
static void
make_text(unsigned long long st)
{
	size_t n, i;

	ntext = nlines = 0;
	while (nlines < LINES) {
		n = next(&st) % 50 == 0 ? 20000 + next(&st) % 20000 : 1 + next(&st) % 400;
		if (ntext < 32768 && ntext + n >= 32768)
			n = 32768 - ntext;
		if (ntext + n + 1 > SIZE)
			break;
		start[nlines] = ntext;
		len[nlines] = n;
		kind[nlines] = (unsigned)(next(&st) % 64);
		for (i = 0; i + 1 < n; i++)
			text[ntext + i] = (char)('a' + (ntext + i) % 26);
		text[ntext + n - 1] = '\n';
		ntext += n;
		nlines++;
	}
	text[ntext - 1] = 'z';
}

static int
collect(void *reader, const char *buf, size_t n)
{
	(void)reader;
	memcpy(got + ngot, buf, n);
	ngot += n;
	return 0;
}

/*
 * Marks every line by its kind, then reads again the blocks that hold one
 * of the kinds in w: exactly the lines that start in those blocks, whole?
 */
static int
reads_exactly(int fd, size_t max, unsigned long long w, size_t cap)
{
	struct blockmap bm;
	char *buf = malloc(cap);
	size_t i, nwant = 0;
	int rc;

	blockmap_init(&bm, ntext, max);
	for (i = 0; i < nlines; i++)
		blockmap_mark(&bm, start[i], kind[i]);
	for (i = 0; i < nlines; i++)
		if (bm.kinds[start[i] >> bm.shift] & w) {
			memcpy(want + nwant, text + start[i], len[i]);
			nwant += len[i];
		}
	ngot = 0;
	rc = blockmap_feed(&bm, fd, ntext, w, buf, cap, collect, NULL);
	blockmap_free(&bm);
	free(buf);
	return rc == 0 && ngot == nwant && memcmp(got, want, nwant) == 0;
}

int
main(void)
{
	char path[] = "/tmp/unit_blockmap.XXXXXX";
	unsigned long long st = 5, w;
	size_t maxes[] = { 1, 3, 100000 }, caps[] = { 7, 4096, 1 << 20 }, m, c;
	int fd, all;

	if ((fd = mkstemp(path)) < 0) {
		perror(path);
		return 1;
	}
	unlink(path);
	make_text(11);
	if (write(fd, text, ntext) != (ssize_t)ntext) {
		perror(path);
		return 1;
	}
	/*
	 * Twenty random sets of kinds each, but three at 7 bytes a read: the
	 * tiny reads are there to split lines and blocks anywhere, and a pass
	 * of them is some 90,000 system calls.
	 */
	for (m = 0; m < 3; m++)
		for (c = 0; c < 3; c++) {
			all = 1;
			for (w = 0; w < (caps[c] < 64 ? 3u : 20u) && all; w++)
				all = reads_exactly(fd, maxes[m], 1ull << next(&st) % 64 |
				    (w % 2 ? 1ull << next(&st) % 64 : 0), caps[c]);
			ok(all, "at most %zu blocks, reading %zu bytes at a time: the lines that "
			    "start in the blocks of the kinds asked, whole, and no other", maxes[m],
			    caps[c]);
		}
	ok(reads_exactly(fd, 100000, 0, 4096) && ngot == 0, "no kind asked: nothing read");
	ok(reads_exactly(fd, 100000, ~0ull, 4096) && ngot == ntext, "every kind: the whole file");
	close(fd);
	return tap_done();
}
