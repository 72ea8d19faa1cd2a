/*
 * Prometheus text exposition (a /metrics page): the quantile of a
 * histogram by histogram_quantile()'s rules, or a summary's quantile line,
 * for one metric and label filters; results in milliseconds.
 */
#ifndef SMOKEKIT_PROM_H
#define SMOKEKIT_PROM_H

#include <stddef.h>

#include "result.h"

/* 1 when the first lines read as the exposition format. */
int prom_detect(const char *buf, size_t len);

/*
 * The metric is looked up as q->metric, then with _seconds and
 * _milliseconds, then with a k6_ prefix; a name ending in _seconds is
 * converted to milliseconds. Series whose labels include every q->tags
 * pair are added up by le (sum by (le)); a series that gives one le twice,
 * or a bucket count that is NaN, negative or infinite, is an error.
 * http_req_failed is read from a gauge of that name (or _rate, or k6_…)
 * when one matches. Returns 0 with r filled, or -1 with r->err saying why.
 */
int prom_parse(const char *buf, size_t len, const struct query *q,
    struct result *r);

/*
 * histogram_quantile(q) over buckets sorted by upper bound, the last +Inf,
 * counts cumulative. Repairs non-monotonic counts as Prometheus does (sets
 * *fixed). Returns 0, or -1 with *why when there is no answer.
 */
struct prom_bucket {
	double le;
	double count;
};
int prom_bucket_quantile(double q, struct prom_bucket *b, size_t n,
    double *out, int *fixed, const char **why);

/*
 * One sample line (name{k="v",...} value [timestamp]) read by the same
 * rules as prom_parse, for other readers of the format (counter.c).
 * scratch holds at least n bytes: the decoded label values point into it.
 * Returns 0, or -1 when the line is not a sample.
 */
#define PROM_MAX_LABELS 64
struct prom_label {
	const char *k, *v;
	size_t kl, vl;
};
struct prom_sample {
	const char *name;
	size_t nlen;
	struct prom_label lab[PROM_MAX_LABELS];
	size_t nlab;
	double value;
};
int prom_sample(const char *line, size_t n, char *scratch, struct prom_sample *out);

#endif
