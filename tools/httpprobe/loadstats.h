/*
 * The results of httpprobe's load mode: the latencies (exactly up to a
 * bound, then in histograms), k6's statistics over them, and the outputs
 * that read like k6's (the legacy end-of-test summary, --summary-export,
 * --out json NDJSON), plus our own key=value summary and -j lines. The
 * event loop is in load.c.
 */
#ifndef SMOKEKIT_LOADSTATS_H
#define SMOKEKIT_LOADSTATS_H

#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "loadconfig.h"
#include "loghist.h"

struct facts;     /* jsonout.h */

/*
 * A trend's samples in ms. Up to exact_max of them are kept, so that a
 * percentile is exact; past that they are dropped and the percentiles come
 * from the log-linear histogram every trend keeps (loghist.h), within
 * LOGHIST_REL_ERROR of the exact ones. The count, sum, min and max stay
 * exact. So a run of any length holds at most exact_max samples a trend:
 * with the default, 8 MB each and 56 MB for the seven trends of a run
 * (http_req_duration, its expected_response:true part, the five phases).
 */
#define TREND_EXACT_DEFAULT 1000000

struct trend {
	double *v;                  /* the samples, while they are kept */
	size_t kept, cap;
	unsigned long long n;       /* every sample */
	double sum, min, max;
	int sorted;
	int bounded;                /* more than exact_max came: v is gone */
	struct loghist h;           /* every sample, a negative one as 0 */
};

/* 0, or -1: out of memory (the trend is as it was). */
int trend_add(struct trend *t, double ms, size_t exact_max);
double trend_avg(const struct trend *t);             /* 0 when empty */
/*
 * k6's rule: sort, then interpolate linearly at p*(n-1); 0 when empty.
 * A bounded trend's is the histogram's (loghist_pct), within [min, max].
 */
double trend_pct(struct trend *t, double p);
void trend_free(struct trend *t);

/* Why a request failed; FAIL_NONE for an expected status. */
enum load_fail {
	FAIL_NONE,
	FAIL_REFUSED,    /* the connection could not be made */
	FAIL_RESET,      /* reset, or closed before the whole response */
	FAIL_TIMEOUT,    /* connect or request deadline passed */
	FAIL_STATUS,     /* a response whose status is not expected */
	FAIL_PROTOCOL,   /* bytes that are not a valid HTTP response */
	FAIL_NCLASS
};
const char *load_fail_name(enum load_fail f);

/*
 * k6's timing breakdown of a request, each a trend of its own:
 * blocked (from when the request could start to its first byte written:
 * waiting for a connection, connecting included), connecting (the TCP
 * connect; 0 on a kept-alive connection), sending (its bytes written),
 * waiting (last byte written to first byte received), receiving (first
 * byte to last). sending + waiting + receiving is http_req_duration
 * (with --rate that also counts from when the request was due).
 */
enum phase { PH_BLOCKED, PH_CONNECTING, PH_SENDING, PH_WAITING, PH_RECEIVING, NPHASES };
extern const char *const phase_metric[NPHASES];   /* "http_req_blocked"... */

/* One finished request. */
struct load_result {
	unsigned long long seq;        /* 1-based, in the order requests started */
	double ms;                     /* latency (from the intended time with --rate) */
	struct timespec end;           /* wall clock when it finished */
	int status;                    /* 0 when no response */
	int expected;                  /* status in the expected set */
	enum load_fail fail;
	const char *error;             /* what went wrong (k6's wording), or NULL */
	int error_code;                /* k6's error_code, or 0 */
	unsigned long long bytes_in, bytes_out;
	double phase[NPHASES];         /* ms; 0 for a phase not reached */
	int checks_passed, checks_failed;   /* --check: of this request */
	const unsigned char *check_ok;  /* --check: 1 or 0 for each check, or NULL */
};

/* A whole run. */
struct load_stats {
	struct trend all, ok;          /* http_req_duration; its expected_response:true part */
	struct trend phase[NPHASES];
	unsigned long long reqs, failed, interrupted, dropped;
	unsigned long long by_class[FAIL_NCLASS];
	char first_error[FAIL_NCLASS][160];     /* the first message of each class */
	int first_status;              /* the first unexpected status */
	unsigned long long responses;  /* requests that got any HTTP response */
	unsigned long long bytes_in, bytes_out;
	double elapsed_ms;
	unsigned vus;
	const char *tag_key, *tag_value;   /* --tag, or NULLs */
	int have_checks;               /* --check was given: the checks metric */
	unsigned long long check_passes, check_fails;
	/* --check: each check's text and counts, for the summary's check lines. */
	const char *const *check_names;
	const unsigned long long *check_passes_by, *check_fails_by;
	size_t nchecks;
	/* More facts after ours (--tally, --check: observe.h), or NULL. */
	void (*more_facts)(void *ctx, struct facts *f);
	void *more_ctx;
	size_t exact_max;              /* samples a trend keeps exactly; 0: TREND_EXACT_DEFAULT */
};

/* Counts a finished request. Returns 0, or -1: out of memory. */
int stats_add(struct load_stats *s, const struct load_result *r);
void stats_free(struct load_stats *s);

/* k6's value formats (summary.js humanizeValue and friends). */
void k6_duration(char *buf, size_t size, double ms);
void k6_bytes(char *buf, size_t size, double bytes);
void k6_fixed(char *buf, size_t size, double v, int prec);

/* The legacy k6 end-of-test summary; color adds k6's ANSI colours. */
void stats_summary_text(FILE *fp, struct load_stats *s, int color);
/* --summary-export: k6's layout, JSON.stringify(data, null, 4). */
void stats_summary_export(FILE *fp, struct load_stats *s);
/*
 * Our facts: key=value lines (stdout without -j), or with json one JSON
 * object on a line (the last line of -j's output).
 */
void stats_keyvalue(FILE *fp, struct load_stats *s);
void stats_facts(FILE *fp, struct load_stats *s, int json);
/*
 * After a run: the summary on stderr (unless -q), key=value lines on stdout
 * (unless -j), one line per class of failure, the --summary-export file.
 * Returns the exit status (0, 1, or 3 when no valid response came or the
 * export could not be written).
 */
int stats_report(struct load_stats *s, const struct load_config *cfg,
    const char *host, int color);
/* -j: one JSON object per request. */
void result_json_line(FILE *fp, const struct load_result *r);

/* --out: k6's NDJSON, a Metric line before the first Point of each metric. */
struct ndjson {
	FILE *fp;
	const char *url, *method;
	const char *tag_key, *tag_value;
	const char *const *checks;     /* --check: each one's text (k6's tag check), or NULL */
	size_t nchecks;
	unsigned seen;                 /* bit per metric: its Metric line is written */
};
void ndjson_vus(struct ndjson *nd, const struct timespec *when, unsigned vus);
void ndjson_request(struct ndjson *nd, const struct load_result *r);

/* RFC 3339 with nanoseconds, trailing zeros dropped, as Go writes it. */
void rfc3339nano(char *buf, size_t size, const struct timespec *ts);

#endif
