/*
 * What p95parse asks of an input and what it finds there, whatever the
 * format: k6's summaries, stdout log and NDJSON, and Prometheus text all
 * fill one struct result for one struct query.
 */
#ifndef SMOKEKIT_RESULT_H
#define SMOKEKIT_RESULT_H

#include <stddef.h>

#define RESULT_NAME_MAX 512
#define RESULT_ERR_MAX 2048

/* One tag (label) filter, -t ep=models. */
struct tag {
	const char *key;
	const char *value;
};

struct query {
	const char *metric;         /* "http_req_duration" */
	const struct tag *tags;     /* sub-metric / Point / label filter, may be empty */
	size_t ntags;
	double pct;                 /* 95, 99.9 */
};

/* How exactly a value is known. */
enum prec {
	PREC_EXACT,       /* the double the producer computed */
	PREC_TRUNCATED,   /* printed truncated: the value is in [v, v + step) */
	PREC_ROUNDED,     /* printed rounded: the value is in [v - step/2, v + step/2] */
	PREC_UNSURE,      /* printed truncated or rounded; the text cannot tell */
	PREC_BOUNDED      /* from a histogram: within step (a fraction) of the value */
};

struct val {
	int have;
	double v;
	double step;            /* the printed resolution; 0 when exact */
	enum prec prec;
};

/* One of k6's own threshold verdicts. */
struct verdict {
	char *source;           /* "p(95)<1200" */
	int ok;                 /* 1 the threshold holds, 0 it was crossed */
	int on_failed;          /* 1: on the http_req_failed metric, 0: on the metric */
};

struct result {
	const char *source;                 /* "summary-export", "k6-ndjson", ... */
	char metric[RESULT_NAME_MAX];       /* the full name of what was found */
	struct val pct, avg, min, med, max; /* milliseconds */
	int have_requests;
	double requests;
	int have_failed;                    /* the http_req_failed rate, 0..1 */
	double failed;
	int have_failed_counts;             /* failed requests out of a total */
	double failed_n, failed_total;
	char failed_metric[RESULT_NAME_MAX];/* which http_req_failed was used */
	int verdict, failed_verdict;        /* -1 unknown, 0 crossed, 1 all hold */
	struct verdict *verdicts;
	size_t nverdicts;
	const char *method;                 /* Prometheus: how the quantile was made */
	int fixed_monotonic;                /* Prometheus: bucket counts were repaired */
	unsigned long series;               /* Prometheus: series added up */
	int merged;                         /* --merge: files read as one run */
	unsigned nfiles, passes;            /* --merge: inputs, passes over them */
	char err[RESULT_ERR_MAX];           /* why a parse failed */
};

/*
 * What a raw-result reader (NDJSON, CSV) counts besides the samples:
 * Points of the metric whatever their tags, samples with the tags, and
 * http_req_failed with the tags (fail_*) and without (all_*).
 */
struct tally {
	unsigned long long points, n;
	double sum;
	unsigned long long fail_n, fail_total, all_n, all_total;
};

/* Where a reader hands each matching sample when told to (p95parse --merge). */
typedef void sample_fn(void *ctx, double v);

void result_init(struct result *r);
void result_free(struct result *r);
/* Sets r->err, printf-style. */
void result_seterr(struct result *r, const char *fmt, ...);
/* Sets *out to the exact value v. */
void val_exact(struct val *out, double v);

/*
 * Every parser's last word: a latency it found that is negative, NaN or
 * infinite makes the input bad (r->err says which), never a pass.
 * Returns 0, or -1.
 */
int result_check(struct result *r, double pct);

/*
 * The result of a raw-result reader: percentile pct and median found, min,
 * max and the tally; the metric's full name and the failed rate from q.
 * Returns result_check's answer.
 */
int result_fill(struct result *r, const struct query *q, const char *source,
    double pct, double med, double min, double max, const struct tally *t);
/* The same from all the samples, v[0..t->n), which it sorts. */
int result_samples(struct result *r, const struct query *q, const char *source,
    double *v, const struct tally *t);

#endif
