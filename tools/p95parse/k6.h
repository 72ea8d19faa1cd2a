/*
 * k6's result formats, read by the rules in shared/k6-formats.md: the
 * --summary-export JSON, handleSummary JSON and the machine-readable
 * summary (k6_parse_json), the end-of-test summary in k6's stdout, legacy
 * and v1.x layouts (k6_parse_log), and --out json NDJSON (k6_ndjson_*).
 * Each fills one struct k6_result for one query: a trend metric or
 * sub-metric, a percentile, and the http_req_failed rate beside it.
 */
#ifndef SMOKEKIT_K6_H
#define SMOKEKIT_K6_H

#include <stddef.h>

#define K6_NAME_MAX 512
#define K6_ERR_MAX 2048

/* One tag filter, -t ep=models. */
struct k6_tag {
	const char *key;
	const char *value;
};

struct k6_query {
	const char *metric;         /* "http_req_duration" */
	const struct k6_tag *tags;  /* sub-metric / Point filter, may be empty */
	size_t ntags;
	double pct;                 /* 95, 99.9 */
};

/* How exactly a value is known. */
enum k6_prec {
	K6_EXACT,       /* the double k6 computed (JSON, NDJSON, counts) */
	K6_TRUNCATED,   /* printed truncated: the value is in [v, v + step) */
	K6_ROUNDED,     /* printed rounded: the value is in [v - step/2, v + step/2] */
	K6_UNSURE       /* printed truncated or rounded; the text cannot tell */
};

struct k6_val {
	int have;
	double v;
	double step;            /* the printed resolution; 0 when exact */
	enum k6_prec prec;
};

/* One of k6's own threshold verdicts. */
struct k6_verdict {
	char *source;           /* "p(95)<1200" */
	int ok;                 /* 1 the threshold holds, 0 it was crossed */
	int on_failed;          /* 1: on the http_req_failed metric, 0: on the metric */
};

struct k6_result {
	const char *source;                 /* "summary-export", "k6-ndjson", ... */
	char metric[K6_NAME_MAX];           /* the full name of what was found */
	struct k6_val pct, avg, min, med, max;
	int have_requests;
	double requests;
	int have_failed;                    /* the http_req_failed rate, 0..1 */
	double failed;
	int have_failed_counts;             /* failed requests out of a total */
	double failed_n, failed_total;
	char failed_metric[K6_NAME_MAX];    /* which http_req_failed was used */
	int verdict, failed_verdict;        /* -1 unknown, 0 crossed, 1 all hold */
	struct k6_verdict *verdicts;
	size_t nverdicts;
	const char *method;                 /* Prometheus: how the quantile was made */
	int fixed_monotonic;                /* Prometheus: bucket counts were repaired */
	unsigned long series;               /* Prometheus: series added up */
	char err[K6_ERR_MAX];               /* why a parse failed */
};

enum k6_format {
	K6_FMT_UNKNOWN,
	K6_FMT_JSON,      /* summary export, handleSummary or machine-readable */
	K6_FMT_NDJSON,    /* --out json */
	K6_FMT_LOG        /* k6's stdout */
};

void k6_result_init(struct k6_result *r);
void k6_result_free(struct k6_result *r);
/* Sets *out to the exact value v. */
void k6_exact(struct k6_val *out, double v);
/* Sets r->err, printf-style. */
void k6_seterr(struct k6_result *r, const char *fmt, ...);

/*
 * What the first bytes of an input are not: NULL, or a reason it cannot
 * be any text format ("empty", "gzip-compressed", "binary data", ...).
 */
const char *k6_unreadable(const char *buf, size_t len);

/* JSON or NDJSON from the first bytes (or all of a short input), else LOG. */
enum k6_format k6_detect(const char *buf, size_t len);

/*
 * Each returns 0 with r filled, or -1 with r->err saying why: invalid
 * input, no summary, or the metric, sub-metric or percentile is absent
 * (then r->err names what the input does have).
 */
int k6_parse_json(const char *buf, size_t len, const struct k6_query *q,
    struct k6_result *r);
int k6_parse_log(const char *buf, size_t len, const struct k6_query *q,
    struct k6_result *r);

/* NDJSON is streamed: feed it in pieces of any size, then finish. */
struct k6_ndjson;
struct k6_ndjson *k6_ndjson_new(const struct k6_query *q);
int k6_ndjson_feed(struct k6_ndjson *nd, const char *buf, size_t len);
const char *k6_ndjson_error(const struct k6_ndjson *nd);
int k6_ndjson_finish(struct k6_ndjson *nd, struct k6_result *r);
void k6_ndjson_free(struct k6_ndjson *nd);

/*
 * k6's percentile of n sorted samples (TrendSink.P): linear interpolation
 * at index pct/100 * (n - 1).
 */
double k6_percentile(const double *sorted, size_t n, double pct);

/*
 * Is name[0..len) the metric with exactly these tags? Sub-metric names are
 * compared as k6 does: "name{a:b, c:d}" is the tag set {a=b, c=d}, blanks
 * and quotes around keys and values dropped, order ignored.
 */
int k6_name_is(const char *name, size_t len, const char *metric,
    const struct k6_tag *tags, size_t ntags);

/* "http_req_duration{ep:models}" for a metric and tags, into buf. */
void k6_full_name(char *buf, size_t size, const char *metric,
    const struct k6_tag *tags, size_t ntags);

/* The names an input has, for "no metric X; metrics present: a, b, c". */
struct k6_names {
	char **v;
	size_t n, cap;
};

void k6_names_add(struct k6_names *ns, const char *s, size_t len);
/* Appends "; WHAT present: a, b, c" (sorted, cut to fit r->err) to r->err. */
void k6_names_tell(struct k6_names *ns, struct k6_result *r, const char *what);
void k6_names_free(struct k6_names *ns);

/* The percentile a trend stat name stands for: "p(99.9)" → 99.9, "med" → 50. */
int k6_stat_pct(const char *stat, size_t len, double *pct);

#endif
