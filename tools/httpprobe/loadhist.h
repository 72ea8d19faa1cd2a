/*
 * The histograms of a load run's http_req_duration (loghist.h), written
 * into --summary-export as the top-level member "smokekit_histogram" that
 * k6's own readers ignore: N exports from N hosts merge with p95parse
 * --merge to a percentile within LOGHIST_REL_ERROR of the exact one.
 */
#ifndef SMOKEKIT_LOADHIST_H
#define SMOKEKIT_LOADHIST_H

#include <stdio.h>

struct load_result;   /* loadstats.h */
struct load_stats;
struct loadhist;      /* the histograms of all requests and of the expected ones */

/* Counts r's latency; *hp is allocated on the first call. */
void loadhist_add(struct loadhist **hp, const struct load_result *r);
void loadhist_free(struct loadhist **hp);
/*
 * ,"smokekit_histogram": {...} after the export's "metrics" member: one
 * histogram for each http_req_duration trend the export lists. Nothing
 * when no request finished.
 */
void loadhist_export(FILE *fp, const struct load_stats *s);

#endif
