/* Unit tests: tools/lib/k6.c */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "k6.h"
#include "tap.h"

static const struct k6_tag models[] = { { "ep", "models" } };
static const struct k6_tag two[] = { { "ep", "models" }, { "status", "200" } };
static const struct k6_tag group[] = { { "group", "::list models" } };

static int
name_is(const char *name, const char *metric, const struct k6_tag *t, size_t n)
{
	return k6_name_is(name, strlen(name), metric, t, n);
}

static int
log_parse(const char *text, const struct k6_query *q, struct k6_result *r)
{
	k6_result_free(r);
	k6_result_init(r);
	return k6_parse_log(text, strlen(text), q, r);
}

/* The NDJSON parser fed one byte at a time must agree with one feed. */
static int
ndjson_bytewise(const char *text, const struct k6_query *q, struct k6_result *r)
{
	struct k6_ndjson *nd = k6_ndjson_new(q);
	size_t i;
	int rc = 0;

	k6_result_init(r);
	for (i = 0; text[i] != '\0' && rc == 0; i++)
		rc = k6_ndjson_feed(nd, text + i, 1);
	rc = k6_ndjson_finish(nd, r);
	k6_ndjson_free(nd);
	return rc;
}

int
main(void)
{
	struct k6_query q = { "http_req_duration", models, 1, 95 };
	struct k6_result r;
	double s[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 }, p;
	const char *ndjson =
	    "{\"type\":\"Metric\",\"data\":{\"name\":\"http_req_duration\"},\"metric\":\"http_req_duration\"}\n"
	    "{\"metric\":\"http_req_duration\",\"type\":\"Point\",\"data\":{\"time\":\"t\",\"value\":3,\"tags\":{\"ep\":\"models\"}}}\n"
	    "{\"metric\":\"http_req_duration\",\"type\":\"Point\",\"data\":{\"time\":\"t\",\"value\":1,\"tags\":{\"ep\":\"models\"}}}\n"
	    "\n"
	    "{\"metric\":\"http_req_duration\",\"type\":\"Point\",\"data\":{\"time\":\"t\",\"value\":2,\"tags\":{\"ep\":\"other\"}}}\r\n"
	    "{\"metric\":\"http_req_failed\",\"type\":\"Point\",\"data\":{\"time\":\"t\",\"value\":1,\"tags\":{\"ep\":\"models\"}}}\n"
	    "{\"metric\":\"http_req_duration\",\"type\":\"Point\",\"data\":{\"time\":\"t\",\"value\":2.5,\"tags\":{\"ep\":\"models\"}}}";

	/* k6's TrendSink.P: index pct * (n - 1), interpolated. */
	is_double(k6_percentile(s, 10, 95), 9.55, 1e-15, "p95 of 1..10");
	is_double(k6_percentile(s, 10, 50), 5.5, 0, "p50 of 1..10");
	is_double(k6_percentile(s, 10, 0), 1, 0, "p0 is the minimum");
	is_double(k6_percentile(s, 10, 100), 10, 0, "p100 is the maximum");
	is_double(k6_percentile(s, 1, 95), 1, 0, "one sample is every percentile");
	ok(isnan(k6_percentile(s, 0, 95)), "no samples: NaN");
	is_double(k6_percentile(s, 3, 99.9), 2.998, 1e-15, "p99.9 of 1..3");

	ok(k6_stat_pct("p(95)", 5, &p) == 0 && p == 95, "p(95)");
	ok(k6_stat_pct("p(99.9)", 7, &p) == 0 && p == 99.9, "p(99.9)");
	ok(k6_stat_pct("p(99.90)", 8, &p) == 0 && p == 99.9, "p(99.90) is p(99.9)");
	ok(k6_stat_pct("med", 3, &p) == 0 && p == 50, "med is p(50)");
	ok(k6_stat_pct("p(101)", 6, &p) == -1, "p(101) is no percentile");
	ok(k6_stat_pct("p(-1)", 5, &p) == -1, "p(-1) is no percentile");
	ok(k6_stat_pct("avg", 3, &p) == -1, "avg is no percentile");
	ok(k6_stat_pct("p()", 3, &p) == -1, "p() is no percentile");

	ok(name_is("http_req_duration{ep:models}", "http_req_duration", models, 1), "sub-metric");
	ok(name_is("http_req_duration{ ep : 'models' }", "http_req_duration", models, 1),
	    "blanks and quotes dropped as k6 does");
	ok(name_is("http_req_duration{status:200,ep:models}", "http_req_duration", two, 2),
	    "tag order does not matter");
	ok(!name_is("http_req_duration{ep:models}", "http_req_duration", two, 2), "a tag short");
	ok(!name_is("http_req_duration{ep:models,status:200}", "http_req_duration", models, 1),
	    "a tag too many");
	ok(!name_is("http_req_duration", "http_req_duration", models, 1), "the parent is not the sub-metric");
	ok(name_is("http_req_duration", "http_req_duration", NULL, 0), "the parent");
	ok(!name_is("http_req_duration{ep:models}", "http_req_duration", NULL, 0), "nor the reverse");
	ok(name_is("http_req_duration{group:::list models}", "http_req_duration", group, 1),
	    "a value with colons");
	ok(!name_is("http_req_durations{ep:models}", "http_req_duration", models, 1), "another metric");
	ok(!name_is("http_req_duration{ep:models", "http_req_duration", models, 1), "no closing brace");

	{
		char buf[64];
		k6_full_name(buf, sizeof buf, "m", two, 2);
		is_str(buf, "m{ep:models,status:200}", "full name");
		k6_full_name(buf, 6, "m", two, 2);
		is_str(buf, "m{ep:", "full name cut to fit");
	}

	k6_result_init(&r);
	ok(log_parse("     http_req_duration...: avg=1ms min=1ms med=1ms max=2ms p(90)=2ms p(95)=1.5ms\n"
	    "       { ep:models }.....: avg=1ms min=1ms med=1ms max=2ms p(90)=2ms p(95)=378.35\xc2\xb5s\n",
	    &q, &r) == 0, "legacy log");
	is_double(r.pct.v, 0.37835, 0, "µs value exact");
	is_double(r.pct.step, 1e-5, 1e-12, "µs step");
	ok(r.pct.prec == K6_TRUNCATED, "truncated");
	is_str(r.source, "k6-stdout-legacy", "legacy source");
	is_str(r.metric, "http_req_duration{ep:models}", "the sub-metric's name");

	ok(log_parse("    x...: avg=1.50ms min=1.00ms med=1.20ms max=2.00ms p(90)=2.00ms p(95)=1.90ms\n",
	    &(struct k6_query){ "x", NULL, 0, 95 }, &r) == 0, "time-unit log");
	ok(r.pct.prec == K6_ROUNDED, "two decimals ending in 0: --summary-time-unit, rounded");
	ok(log_parse("    x...: avg=1.51ms min=1.11ms med=1.21ms max=2.11ms p(90)=2.11ms p(95)=1.91ms\n",
	    &(struct k6_query){ "x", NULL, 0, 95 }, &r) == 0, "ambiguous log");
	ok(r.pct.prec == K6_UNSURE, "nothing tells truncated from rounded");
	ok(log_parse("    x...: avg=1.51ms min=1ms med=1.21ms max=2.11ms p(90)=2.11ms p(95)=1.91ms\n",
	    &(struct k6_query){ "x", NULL, 0, 95 }, &r) == 0, "auto log");
	ok(r.pct.prec == K6_TRUNCATED, "a dropped trailing zero tells: automatic units");
	ok(log_parse("    x...: avg=0s min=0s med=0s max=0s p(90)=0s p(95)=0s\n",
	    &(struct k6_query){ "x", NULL, 0, 95 }, &r) == 0 && r.pct.prec == K6_EXACT &&
	    r.pct.v == 0, "0s is an exact zero");
	ok(log_parse("    x...: avg=1 min=1\n", &(struct k6_query){ "x", NULL, 0, 95 }, &r) == -1 &&
	    strstr(r.err, "x has no p(95) (it has avg, min)") != NULL, "absent percentile: %s", r.err);
	ok(log_parse("nothing here\n", &q, &r) == -1 && strstr(r.err, "no k6 end-of-test summary"),
	    "no summary");
	ok(log_parse("     a...: avg=1ms p(95)=9ms\n     a...: avg=1ms p(95)=7ms\n",
	    &(struct k6_query){ "a", NULL, 0, 95 }, &r) == 0 && r.pct.v == 7,
	    "a second legacy summary replaces the first");
	ok(log_parse("  \xe2\x96\x88 TOTAL RESULTS \n    a...: avg=1ms p(95)=9ms\n"
	    "  \xe2\x96\x88 TOTAL RESULTS \n    a...: avg=1ms p(95)=8ms\n",
	    &(struct k6_query){ "a", NULL, 0, 95 }, &r) == 0 && r.pct.v == 8,
	    "a second v1 summary replaces the first");
	ok(log_parse("     \xe2\x96\x88 GROUP: g\n     a...: avg=1ms p(95)=9ms\n",
	    &(struct k6_query){ "a", NULL, 0, 95 }, &r) == 0 && r.pct.v == 9,
	    "a legacy group title (indented) is not a v1 section");
	k6_result_free(&r);

	ok(ndjson_bytewise(ndjson, &q, &r) == 0, "NDJSON byte by byte");
	is_double(r.pct.v, 2.95, 1e-15, "p95 of 1, 2.5, 3");
	is_double(r.med.v, 2.5, 0, "median");
	is_double(r.avg.v, 6.5 / 3, 1e-15, "average");
	is_int((long long)r.requests, 3, "requests");
	is_double(r.failed, 1, 0, "failed rate");
	is_str(r.failed_metric, "http_req_failed{ep:models}", "failed metric");
	k6_result_free(&r);

	{
		struct k6_ndjson *nd = k6_ndjson_new(&q);
		k6_result_init(&r);
		const char *bad = "{\"metric\":\"vus\"}\n{\"metric\":\"vus\",\"data\":{\n";
		ok(k6_ndjson_feed(nd, bad, strlen(bad)) == -1,
		    "a Point line of another metric must still end in '}'");
		ok(strstr(k6_ndjson_error(nd), "line 2: truncated") != NULL, "the error names the line");
		ok(k6_ndjson_finish(nd, &r) == -1, "finish reports it");
		k6_ndjson_free(nd);
	}

	is_int(k6_detect("{\"type\":\"Metric\"", 16), K6_FMT_NDJSON, "NDJSON by its prefix");
	is_int(k6_detect("\n\n{\n  \"metrics\": {}}", 19), K6_FMT_JSON, "a JSON summary");
	is_int(k6_detect("{\"data\":{},\"type\":\"Point\",\"metric\":\"a\"}\n{", 41), K6_FMT_NDJSON,
	    "JSON lines with a k6 type");
	is_int(k6_detect("  execution: local", 18), K6_FMT_LOG, "anything else is a log");
	ok(k6_unreadable("", 0) != NULL, "empty");
	ok(k6_unreadable("a\0b", 3) != NULL, "NUL");
	ok(k6_unreadable("\x1f\x8b", 2) != NULL, "gzip");
	ok(k6_unreadable(" x", 2) == NULL, "text");

	k6_result_init(&r);
	ok(k6_parse_json("{\"metrics\":{\"a\":{\"p(95)\":1}}} x", 31, &q, &r) == -1 &&
	    strstr(r.err, "line 1, column") != NULL, "trailing garbage after JSON: %s", r.err);
	k6_result_free(&r);
	k6_result_init(&r);
	ok(k6_parse_json("[1]", 3, &q, &r) == -1 && strstr(r.err, "not an object") != NULL,
	    "top level not an object");
	k6_result_free(&r);
	return tap_done();
}
