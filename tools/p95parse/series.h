/*
 * p95parse --series: the samples of NDJSON (k6's --out json, httpprobe's
 * --out) as a per-second series for report.html, in a small text format
 * (p95parse(1), SERIES FILE):
 *   series metric=NAME start=TIME step=S samples=N failed=N p50=MS p95=MS p99=MS max=MS
 *   row t=S n=N failed=N p50=MS p95=MS max=MS      (a row per step, none left out)
 *   hist le=MS count=N                             (log-spaced bins, not cumulative)
 *   status code=CODE count=N
 * The NDJSON reader (ndjson.c) hands each matching Point over; nothing
 * here reads JSON.
 */
#ifndef SMOKEKIT_SERIES_H
#define SMOKEKIT_SERIES_H

#include <stddef.h>

/* At most this many rows: longer runs get rows of several seconds. */
#define SERIES_MAX_ROWS 600

struct series;

struct series *series_new(void);
void series_free(struct series *s);

/*
 * A sample of the metric with the query's tags: its time as k6 writes it
 * (RFC 3339), its value in ms, its status tag (NULL when it has none).
 */
void series_sample(struct series *s, const char *time, size_t tlen, double ms,
    const char *status, size_t slen);
/* A Point of http_req_failed; match: it has the query's tags. */
void series_failed(struct series *s, const char *time, size_t tlen, int failed, int match);

/*
 * Writes the series of metric (its full name) to path, atomically.
 * Returns 0, or -1 with why (errno's text, or a time that is not RFC 3339).
 */
int series_write(struct series *s, const char *path, const char *metric,
    char *why, size_t size);

#endif
