/*
 * k6's JSON summaries: the --summary-export file, handleSummary's data and
 * the machine-readable summary (results.metrics[]).
 */
#ifndef SMOKEKIT_SUMMARY_H
#define SMOKEKIT_SUMMARY_H

#include <stddef.h>

#include "result.h"

/*
 * Returns 0 with r filled, or -1 with r->err saying why: invalid JSON, no
 * summary, or the metric, sub-metric or percentile is absent (then r->err
 * names what the input does have). A metric or stat given twice counts
 * by its first, as jsonfield reads a key given twice.
 */
int summary_parse(const char *buf, size_t len, const struct query *q,
    struct result *r);

#endif
