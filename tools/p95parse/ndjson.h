/*
 * k6's --out json NDJSON: a Metric line per metric, a Point line per
 * sample. Streamed: feed it in pieces of any size, then finish. The
 * percentiles are computed from the samples by k6's own rule.
 */
#ifndef SMOKEKIT_NDJSON_H
#define SMOKEKIT_NDJSON_H

#include <stddef.h>

#include "result.h"

struct ndjson;

/*
 * fast: 1 reads k6's own layout of a Point by the fast path
 * (ndjson_fast.c), 0 reads every line with the JSON scanner; both give the
 * same result (the plain path also checks lines the fast one skips).
 * NULL when q has more than 64 tags.
 */
struct ndjson *ndjson_new(const struct query *q, int fast);
/* 0, or -1 once the input is bad (ndjson_finish says why). */
int ndjson_feed(struct ndjson *nd, const char *buf, size_t len);
/*
 * Hands each matching sample to fn instead of keeping it (call before the
 * first feed); ndjson_end then gives the counts.
 */
void ndjson_sink(struct ndjson *nd, sample_fn *fn, void *ctx);
/* Where the line being read starts, in the bytes fed (for a sink). */
unsigned long long ndjson_line_at(const struct ndjson *nd);
/*
 * A later pass over an input a first pass read whole (p95parse --merge):
 * lines of other metrics and of http_req_failed are skipped unread, and a
 * Point in k6's own layout whose value keep(ctx, v) refuses is skipped
 * before its tags are read. The tally then counts only what was read.
 */
void ndjson_again(struct ndjson *nd, int (*keep)(const void *ctx, double v));
/* 0 with *t filled, or -1 with r->err saying why. */
int ndjson_end(struct ndjson *nd, struct tally *t, struct result *r);
/* 0 with r filled, or -1 with r->err saying why. */
int ndjson_finish(struct ndjson *nd, struct result *r);
void ndjson_free(struct ndjson *nd);

/*
 * Where each Point of the metric with the query's tags (sample) and each
 * Point of http_req_failed (failed) goes as well, with its time and status
 * tag as written (p95parse --series); either may be NULL.
 */
struct ndjson_observer {
	void (*sample)(void *ctx, const char *time, size_t tlen, double ms,
	    const char *status, size_t slen);
	void (*failed)(void *ctx, const char *time, size_t tlen, int failed, int match);
	void *ctx;
};

void ndjson_observe(struct ndjson *nd, const struct ndjson_observer *obs);

/*
 * Is s[0..n) one whole JSON object with a k6 "type" (Metric or Point)?
 * For telling another producer's JSON lines from a summary.
 */
int ndjson_is_k6_line(const char *s, size_t n);

#endif
