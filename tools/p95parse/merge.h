/*
 * p95parse --merge: several runners' raw results (k6 --out json, k6 --out
 * csv, httpprobe --out) read as one run, exact percentiles over the union
 * of their samples in bounded memory (rank.h); httpprobe summary exports
 * with a histogram (loghist.h) merged within its bound. Summaries and
 * stdout logs hold percentiles, which cannot be merged: refused.
 */
#ifndef SMOKEKIT_MERGE_H
#define SMOKEKIT_MERGE_H

#include <stddef.h>

#include "detect.h"
#include "result.h"

#define MERGE_SAMPLES_DEFAULT (1u << 20)

struct merge_conf {
	const struct query *q;
	enum format fmt;            /* FMT_AUTO, or what -f forces */
	size_t samples;             /* the most samples held in memory at once */
};

/*
 * Returns 0 with r filled (r->merged set); -1 with r->err saying why and
 * *bad the path at fault (NULL when it is the union's fault).
 */
int merge_run(const struct merge_conf *c, char *const *paths, size_t npaths,
    struct result *r, const char **bad);

#endif
