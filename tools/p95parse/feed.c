/* smokekit: feeding an input to a streaming reader (see feed.h). */
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <stddef.h>
#include <stdlib.h>
#include <unistd.h>

#include "csv.h"
#include "feed.h"
#include "ndjson.h"
#include "readall.h"
#include "xalloc.h"

struct raw {
	struct ndjson *nd;
	struct csv *csv;
};

struct raw *
raw_new(enum format f, const struct query *q)
{
	struct raw *rw = xmalloc(sizeof *rw);

	rw->nd = f == FMT_NDJSON ? ndjson_new(q, 1) : NULL;
	rw->csv = f == FMT_CSV ? csv_new(q) : NULL;
	if (rw->nd == NULL && rw->csv == NULL) {
		free(rw);
		return NULL;
	}
	return rw;
}

void
raw_sink(struct raw *rw, sample_fn *fn, void *ctx)
{
	if (rw->nd != NULL)
		ndjson_sink(rw->nd, fn, ctx);
	else
		csv_sink(rw->csv, fn, ctx);
}

int
raw_observe(struct raw *rw, const struct ndjson_observer *obs)
{
	if (rw->nd == NULL)
		return -1;
	ndjson_observe(rw->nd, obs);
	return 0;
}

unsigned long long
raw_line_at(const struct raw *rw)
{
	return rw->nd != NULL ? ndjson_line_at(rw->nd) : 0;
}

void
raw_again(struct raw *rw, int (*keep)(const void *ctx, double v))
{
	if (rw->nd != NULL)
		ndjson_again(rw->nd, keep);
}

int
raw_feed(void *reader, const char *buf, size_t len)
{
	struct raw *rw = reader;

	return rw->nd != NULL ? ndjson_feed(rw->nd, buf, len) : csv_feed(rw->csv, buf, len);
}

int
raw_end(struct raw *rw, struct tally *t, struct result *r)
{
	return rw->nd != NULL ? ndjson_end(rw->nd, t, r) : csv_end(rw->csv, t, r);
}

int
raw_finish(struct raw *rw, struct result *r)
{
	return rw->nd != NULL ? ndjson_finish(rw->nd, r) : csv_finish(rw->csv, r);
}

void
raw_free(struct raw *rw)
{
	if (rw == NULL)
		return;
	ndjson_free(rw->nd);
	csv_free(rw->csv);
	free(rw);
}

#ifndef MAP_POPULATE
#define MAP_POPULATE 0     /* Linux: fault a window in with one call */
#endif

/* 1 when the rest was fed so (2 when the reader refused it), 0 when it must be read. */
static int
rest_mapped(int fd, size_t off, size_t window, feed_fn *feed, void *reader)
{
	struct stat st;
	size_t size, at, len, skip;
	void *map;
	long page = sysconf(_SC_PAGESIZE);

	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (off_t)off >= st.st_size)
		return 0;
	if (page > 0)
		window -= window % (size_t)page;
	size = (size_t)st.st_size;
	for (at = off - off % window; at < size; at += window) {
		len = size - at < window ? size - at : window;
		map = mmap(NULL, len, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, (off_t)at);
		if (map == MAP_FAILED)   /* read the rest instead, from where it stopped */
			return lseek(fd, (off_t)(at < off ? off : at), SEEK_SET) < 0 ? -1 : 0;
		madvise(map, len, MADV_SEQUENTIAL);
		skip = at < off ? off - at : 0;
		if (feed(reader, (const char *)map + skip, len - skip) != 0) {
			munmap(map, len);
			return 2;
		}
		munmap(map, len);
	}
	return 1;
}

int
feed_fd(int fd, char *buf, size_t n, size_t size, size_t window, feed_fn *feed,
    void *reader)
{
	ssize_t got;
	int m;

	if (feed(reader, buf, n) != 0)
		return 1;
	if (n < size)
		return 0;
	if ((m = rest_mapped(fd, n, window, feed, reader)) != 0)
		return m < 0 ? -1 : m == 2;
	while ((got = read_full(fd, buf, size)) > 0)
		if (feed(reader, buf, (size_t)got) != 0)
			return 1;
	return got < 0 ? -1 : 0;
}
