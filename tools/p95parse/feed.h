/*
 * Feeding a whole input to a streaming reader (NDJSON, CSV): the rest of a
 * regular file is mapped a window at a time (no copy, and unmapping each
 * window keeps the resident size small), anything else is read.
 */
#ifndef SMOKEKIT_FEED_H
#define SMOKEKIT_FEED_H

#include <stddef.h>

#include "detect.h"
#include "result.h"

/* A reader's feed: 0, or -1 once the input is bad. */
typedef int feed_fn(void *reader, const char *buf, size_t len);

/*
 * Feeds buf[0..n), the first bytes already read from fd, then, when n is
 * size (more may follow), the rest of fd: mapped by windows of window
 * bytes when fd is a regular file, else read through buf. Returns 0; 1
 * when the reader refused a piece; -1 with errno set on a read error.
 */
int feed_fd(int fd, char *buf, size_t n, size_t size, size_t window,
    feed_fn *feed, void *reader);

/* A raw-result reader: NDJSON or CSV behind one face. */
struct raw;

/* f is FMT_NDJSON (read by the fast path) or FMT_CSV; NULL past 64 tags. */
struct raw *raw_new(enum format f, const struct query *q);
/* Hands each matching sample to fn instead of keeping it (before the first feed). */
void raw_sink(struct raw *rw, sample_fn *fn, void *ctx);
/*
 * Where each sample goes as well, with its time and status (--series):
 * NDJSON only, whose Points carry both. 0, or -1 for CSV.
 */
struct ndjson_observer;
int raw_observe(struct raw *rw, const struct ndjson_observer *obs);
/* Where the line being read starts, in the bytes fed: NDJSON (a sink may ask); 0 for CSV. */
unsigned long long raw_line_at(const struct raw *rw);
/* A later pass reads only the samples keep() needs (NDJSON; see ndjson_again). */
void raw_again(struct raw *rw, int (*keep)(const void *ctx, double v));
/* A feed_fn: reader is a struct raw. */
int raw_feed(void *reader, const char *buf, size_t len);
/* 0 with *t filled, or -1 with r->err saying why. */
int raw_end(struct raw *rw, struct tally *t, struct result *r);
/* 0 with r filled from the kept samples, or -1 with r->err saying why. */
int raw_finish(struct raw *rw, struct result *r);
void raw_free(struct raw *rw);

#endif
