/* Unit tests: tools/p95parse/prom.c */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "prom.h"
#include "result.h"
#include "tap.h"

static int
quantile(double q, struct prom_bucket *b, size_t n, double *out, int *fixed)
{
	const char *why = NULL;

	return prom_bucket_quantile(q, b, n, out, fixed, &why);
}

static int
parse(const char *text, const char *metric, double pct, struct result *r)
{
	struct query q = { metric, NULL, 0, pct };

	result_init(r);
	return prom_parse(text, strlen(text), &q, r);
}

int
main(void)
{
	struct prom_bucket b[8];
	struct result r;
	double v = -1;
	int fixed = -1;
	const char *why = NULL;

	/* Unsorted on purpose: the rule sorts by upper bound. */
	b[0] = (struct prom_bucket){ HUGE_VAL, 100 };
	b[1] = (struct prom_bucket){ 0.5, 90 };
	b[2] = (struct prom_bucket){ 0.1, 10 };
	b[3] = (struct prom_bucket){ 1, 100 };
	b[4] = (struct prom_bucket){ 0.25, 50 };
	ok(quantile(0.95, b, 5, &v, &fixed) == 0, "p95");
	is_double(v, 0.75, 1e-15, "p95 interpolates inside (0.5, 1]");
	is_int(fixed, 0, "nothing repaired");
	ok(quantile(0.05, b, 5, &v, &fixed) == 0 && fabs(v - 0.05) < 1e-15,
	    "the lowest bucket starts at 0");
	ok(quantile(1, b, 5, &v, &fixed) == 0 && v == 1, "p100: the +Inf bucket is not reached");

	b[0] = (struct prom_bucket){ 1, 90 };
	b[1] = (struct prom_bucket){ HUGE_VAL, 100 };
	ok(quantile(0.95, b, 2, &v, &fixed) == 0 && v == 1,
	    "a rank in +Inf gives the highest finite bound");

	b[0] = (struct prom_bucket){ HUGE_VAL, 10 };
	ok(prom_bucket_quantile(0.5, b, 1, &v, &fixed, &why) == -1 && strstr(why, "too few"),
	    "a single bucket is an error");
	b[0] = (struct prom_bucket){ 1, 0 };
	b[1] = (struct prom_bucket){ HUGE_VAL, 0 };
	ok(prom_bucket_quantile(0.5, b, 2, &v, &fixed, &why) == -1 && strstr(why, "count 0"),
	    "zero count is an error");
	b[0] = (struct prom_bucket){ 1, 5 };
	b[1] = (struct prom_bucket){ 2, 10 };
	ok(prom_bucket_quantile(0.5, b, 2, &v, &fixed, &why) == -1 && strstr(why, "+Inf"),
	    "no +Inf bucket is an error");

	b[0] = (struct prom_bucket){ 1, 10 };
	b[1] = (struct prom_bucket){ 2, 5 };
	b[2] = (struct prom_bucket){ 3, 20 };
	b[3] = (struct prom_bucket){ HUGE_VAL, 20 };
	ok(quantile(0.75, b, 4, &v, &fixed) == 0 && fixed == 1, "a decrease is repaired");
	is_double(v, 2.5, 0, "as the max of the counts before it (not 2.67)");
	b[0] = (struct prom_bucket){ 1, 10 };
	b[1] = (struct prom_bucket){ 2, 10 * (1 - 1e-14) };
	b[2] = (struct prom_bucket){ HUGE_VAL, 10 };
	ok(quantile(0.5, b, 3, &v, &fixed) == 0 && fixed == 0 && v == 0.5,
	    "float noise is ignored, not reported");

	ok(prom_detect("# HELP x y\n", 11) == 1, "HELP line");
	ok(prom_detect("\nx{a=\"b\"} 1\n", 12) == 1, "a sample line");
	ok(prom_detect("# comment\nx 1\n", 14) == 0, "another comment first");
	ok(prom_detect("     execution: local\n", 22) == 0, "k6's stdout");
	ok(prom_detect("time=\"2026\" level=info\n", 23) == 0, "a logrus line");

	ok(parse("x_milliseconds_bucket{le=\"10\"} 1\nx_milliseconds_bucket{le=\"+Inf\"} 2\n",
	    "x", 50, &r) == 0, "the _milliseconds spelling");
	is_double(r.pct.v, 10, 0, "in milliseconds as is");
	is_str(r.metric, "x_milliseconds", "its name");
	ok(parse("x_seconds_bucket{le=\"0.010\"} 1\nx_seconds_bucket{le=\"+Inf\"} 2\n",
	    "x", 50, &r) == 0 && r.pct.v == 10, "seconds into milliseconds");
	ok(parse("x_bucket{le=\"+Inf\"} 2\nx_bucket{le=\"1e1\"} 1\n", "x", 50, &r) == 0 &&
	    r.pct.v == 10, "bounds in any float form, any order");
	ok(parse("x_bucket{le=\"1\"} NaN\nx_bucket{le=\"+Inf\"} 2\n", "x", 50, &r) == -1 &&
	    strstr(r.err, "line 1: x_bucket{le=\"1\"} count is NaN") != NULL,
	    "a NaN count is an error, not skipped: %s", r.err);
	ok(parse("x_bucket{le=\"1\"} 1\nx_bucket{le=\"+Inf\"} -2\n", "x", 50, &r) == -1 &&
	    strstr(r.err, "line 2: x_bucket{le=\"+Inf\"} count is negative") != NULL,
	    "a negative count: %s", r.err);
	ok(parse("x_bucket{le=\"1\"} +Inf\nx_bucket{le=\"+Inf\"} 2\n", "x", 50, &r) == -1 &&
	    strstr(r.err, "count is infinite") != NULL, "an infinite count: %s", r.err);
	ok(parse("x_bucket{le=\"NaN\"} 1\nx_bucket{le=\"+Inf\"} 2\n", "x", 50, &r) == -1 &&
	    strstr(r.err, "le=\"NaN\"") != NULL, "a NaN bound: %s", r.err);
	ok(parse("x_bucket{a=\"1\",le=\"1\"} 1\nx_bucket{le=\"1\",a=\"1\"} 1\n"
	    "x_bucket{a=\"1\",le=\"+Inf\"} 2\n", "x", 50, &r) == -1 &&
	    strstr(r.err, "the same series gives le=\"1\" twice (lines 1 and 2)") != NULL,
	    "a series giving one le twice (labels in any order) is an error: %s", r.err);
	ok(parse("x_bucket{a=\"1\",le=\"1\"} 1\nx_bucket{a=\"2\",le=\"1\"} 1\n"
	    "x_bucket{a=\"1\",le=\"+Inf\"} 2\nx_bucket{a=\"2\",le=\"+Inf\"} 2\n", "x", 50,
	    &r) == 0 && r.series == 2 && r.pct.v == 1, "two series are added up by le");
	ok(parse("x_bucket{a=\"1=1:\",le=\"1\"} 1\nx_bucket{a=\"1\",le=\"1\"} 1\n"
	    "x_bucket{a=\"1=1:\",le=\"+Inf\"} 2\nx_bucket{a=\"1\",le=\"+Inf\"} 2\n", "x", 50,
	    &r) == 0 && r.series == 2, "label values that look alike stay apart");
	ok(parse("x_bucket{le=\"-2\"} 1\nx_bucket{le=\"+Inf\"} 1\n", "x", 50, &r) == -1 &&
	    strstr(r.err, "is -2 ms; a latency is never negative") != NULL,
	    "a negative quantile is bad input: %s", r.err);
	ok(parse("x{quantile=\"0.5\"} -3\n", "x", 50, &r) == -1 &&
	    strstr(r.err, "a latency is never negative") != NULL,
	    "a negative summary quantile: %s", r.err);
	ok(parse("x_bucket{le=\"1\"} 1\nx_bucket{le=\"+Inf\"} 1\nx_sum -5\nx_count 1\n",
	    "x", 50, &r) == -1 && strstr(r.err, "avg is -5 ms") != NULL,
	    "a negative average: %s", r.err);
	ok(parse("x 1 2 3\n", "x", 50, &r) == -1 && strstr(r.err, "line 1") != NULL,
	    "junk after the timestamp");
	ok(parse("x{a=\"b} 1\n", "x", 50, &r) == -1, "an open quote");
	ok(parse("x{a=\"b\"}1\n", "x", 50, &r) == -1, "no blank before the value");
	ok(parse("x 0x10\n", "x", 50, &r) == -1, "hex is no sample value");
	ok(parse("other_bucket{le=\"+Inf\"} 1\n", "x", 50, &r) == -1 &&
	    strstr(r.err, "metrics present: other") != NULL, "absent metric names what exists");
	return tap_done();
}
