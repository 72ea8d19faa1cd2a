/*
 * k6's --out csv: a header (metric_name,timestamp,metric_value, a column
 * per system tag, extra_tags, metadata), then a row per sample. Streamed
 * like NDJSON: feed it in pieces of any size, then finish; percentiles from
 * the samples by k6's own rule.
 */
#ifndef SMOKEKIT_CSV_H
#define SMOKEKIT_CSV_H

#include <stddef.h>

#include "result.h"

struct csv;

/* Do the first bytes of an input begin k6's CSV header? */
int csv_detect(const char *buf, size_t len);

/* NULL when q has more than 64 tags. */
struct csv *csv_new(const struct query *q);
/* Hands each matching sample to fn instead of keeping it (before the first feed). */
void csv_sink(struct csv *c, sample_fn *fn, void *ctx);
/* 0, or -1 once the input is bad (csv_end says why). */
int csv_feed(struct csv *c, const char *buf, size_t len);
/* 0 with *t filled, or -1 with r->err saying why. */
int csv_end(struct csv *c, struct tally *t, struct result *r);
/* 0 with r filled from the kept samples, or -1 with r->err saying why. */
int csv_finish(struct csv *c, struct result *r);
void csv_free(struct csv *c);

#endif
