/*
 * The latency figures of a run (the metrics p95parse gave: p95_ms,
 * med_ms, avg_ms, ...) with the number of samples each rests on, so that
 * a percentile of a handful of samples is marked wherever it is shown.
 */
#ifndef SMOKEREPORT_FIGURES_H
#define SMOKEREPORT_FIGURES_H

#include <stddef.h>

#include "facts.h"

/* Below this many samples a percentile is close to their maximum. */
#define FEW_SAMPLES 20
#define FIGURES_MAX 32

struct figure {
	const char *key;        /* "p95_ms" */
	const char *value;      /* as in metrics.txt */
	double samples;         /* NaN when not known */
	int percentile;         /* p*_ms and med_ms */
};

/*
 * The figures of the section metrics named p<digits>[_digits]_ms, med_ms,
 * avg_ms, min_ms and max_ms, in order; their samples from metrics.samples,
 * else metrics.requests, else metrics.http_req_failed_of (the requests the
 * failure rate counts). Returns how many (at most max).
 */
size_t latency_figures(const struct run *r, struct figure *out, size_t max);

/* "p95 of 7 samples: ..." when f is a percentile of too few; else NULL. */
const char *figure_warning(const struct figure *f, char *buf, size_t size);

/* The figure's short name: "p95", "p99.9", "median", "avg", ... into buf. */
const char *figure_name(const char *key, char *buf, size_t size);

#endif
