/*
 * The histograms of a load run's http_req_duration (loghist.h), written
 * into --summary-export as the top-level member "smokekit_histogram" that
 * k6's own readers ignore: N exports from N hosts merge with p95parse
 * --merge to a percentile within LOGHIST_REL_ERROR of the exact one.
 */
#ifndef SMOKEKIT_LOADHIST_H
#define SMOKEKIT_LOADHIST_H

#include <stdio.h>

struct load_stats;    /* loadstats.h: its trends keep the histograms */

/*
 * ,"smokekit_histogram": {...} after the export's "metrics" member: one
 * histogram for each http_req_duration trend the export lists. Nothing
 * when no request finished.
 */
void loadhist_export(FILE *fp, const struct load_stats *s);

#endif
