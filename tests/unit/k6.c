/* Unit tests: p95parse's k6 formats (tools/p95parse/: k6name, record, summary, k6log, ndjson, detect). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect.h"
#include "k6log.h"
#include "k6name.h"
#include "names.h"
#include "ndjson.h"
#include "result.h"
#include "summary.h"
#include "tap.h"

static const struct tag models[] = { { "ep", "models" } };
static const struct tag two[] = { { "ep", "models" }, { "status", "200" } };
static const struct tag group[] = { { "group", "::list models" } };

static int
name_is(const char *name, const char *metric, const struct tag *t, size_t n)
{
	return k6_name_is(name, strlen(name), metric, t, n);
}

static int
log_parse(const char *text, const struct query *q, struct result *r)
{
	result_free(r);
	result_init(r);
	return k6log_parse(text, strlen(text), q, r);
}

/* NDJSON fed piece bytes at a time, by the fast path or the plain one. */
static int
ndjson_pieces(const char *text, size_t piece, int fast, const struct query *q,
    struct result *r)
{
	struct ndjson *nd = ndjson_new(q, fast);
	size_t i, n = strlen(text);
	int rc = 0;

	result_init(r);
	for (i = 0; i < n && rc == 0; i += piece)
		rc = ndjson_feed(nd, text + i, n - i < piece ? n - i : piece);
	rc = ndjson_finish(nd, r);
	ndjson_free(nd);
	return rc;
}

/*
 * The differential rule: the fast path gives what the plain path gives,
 * whole or byte by byte. Returns the plain path's status, with *r from it.
 */
static int
ndjson_both(const char *text, const struct query *q, struct result *r)
{
	struct result f, b;
	int rc, rf, rb;

	rc = ndjson_pieces(text, strlen(text) + 1, 0, q, r);
	rf = ndjson_pieces(text, strlen(text) + 1, 1, q, &f);
	rb = ndjson_pieces(text, 1, 1, q, &b);
	if (rc == 0)
		ok(rf == 0 && rb == 0 && memcmp(&r->pct, &f.pct, sizeof f.pct) == 0 &&
		    memcmp(&r->pct, &b.pct, sizeof b.pct) == 0 && r->requests == f.requests &&
		    r->failed == f.failed && strcmp(r->metric, f.metric) == 0,
		    "fast path = plain path");
	else
		ok(rf == 0 || strcmp(f.err, r->err) == 0, "fast path fails as the plain one: %s",
		    f.err);
	result_free(&f);
	result_free(&b);
	return rc;
}

int
main(void)
{
	struct query q = { "http_req_duration", models, 1, 95 };
	struct result r;
	double p;
	const char *ndjson =
	    "{\"type\":\"Metric\",\"data\":{\"name\":\"http_req_duration\"},\"metric\":\"http_req_duration\"}\n"
	    "{\"metric\":\"http_req_duration\",\"type\":\"Point\",\"data\":{\"time\":\"t\",\"value\":3,\"tags\":{\"ep\":\"models\"}}}\n"
	    "{\"metric\":\"http_req_duration\",\"type\":\"Point\",\"data\":{\"time\":\"t\",\"value\":1,\"tags\":{\"ep\":\"models\"}}}\n"
	    "\n"
	    "{\"metric\":\"http_req_duration\",\"type\":\"Point\",\"data\":{\"time\":\"t\",\"value\":2,\"tags\":{\"ep\":\"other\"}}}\r\n"
	    "{\"metric\":\"http_req_failed\",\"type\":\"Point\",\"data\":{\"time\":\"t\",\"value\":1,\"tags\":{\"ep\":\"models\"}}}\n"
	    "{\"metric\":\"http_req_duration\",\"type\":\"Point\",\"data\":{\"time\":\"t\",\"value\":2.5,\"tags\":{\"ep\":\"models\"}}}";

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

	result_init(&r);
	ok(log_parse("     http_req_duration...: avg=1ms min=1ms med=1ms max=2ms p(90)=2ms p(95)=1.5ms\n"
	    "       { ep:models }.....: avg=1ms min=1ms med=1ms max=2ms p(90)=2ms p(95)=378.35\xc2\xb5s\n",
	    &q, &r) == 0, "legacy log");
	is_double(r.pct.v, 0.37835, 0, "µs value exact");
	is_double(r.pct.step, 1e-5, 1e-12, "µs step");
	ok(r.pct.prec == PREC_TRUNCATED, "truncated");
	is_str(r.source, "k6-stdout-legacy", "legacy source");
	is_str(r.metric, "http_req_duration{ep:models}", "the sub-metric's name");

	ok(log_parse("    x...: avg=1.50ms min=1.00ms med=1.20ms max=2.00ms p(90)=2.00ms p(95)=1.90ms\n",
	    &(struct query){ "x", NULL, 0, 95 }, &r) == 0, "time-unit log");
	ok(r.pct.prec == PREC_ROUNDED, "two decimals ending in 0: --summary-time-unit, rounded");
	ok(log_parse("    x...: avg=1.51ms min=1.11ms med=1.21ms max=2.11ms p(90)=2.11ms p(95)=1.91ms\n",
	    &(struct query){ "x", NULL, 0, 95 }, &r) == 0, "ambiguous log");
	ok(r.pct.prec == PREC_UNSURE, "nothing tells truncated from rounded");
	ok(log_parse("    x...: avg=1.51ms min=1ms med=1.21ms max=2.11ms p(90)=2.11ms p(95)=1.91ms\n",
	    &(struct query){ "x", NULL, 0, 95 }, &r) == 0, "auto log");
	ok(r.pct.prec == PREC_TRUNCATED, "a dropped trailing zero tells: automatic units");
	ok(log_parse("    x...: avg=0s min=0s med=0s max=0s p(90)=0s p(95)=0s\n",
	    &(struct query){ "x", NULL, 0, 95 }, &r) == 0 && r.pct.prec == PREC_EXACT &&
	    r.pct.v == 0, "0s is an exact zero");
	ok(log_parse("    x...: avg=1 min=1\n", &(struct query){ "x", NULL, 0, 95 }, &r) == -1 &&
	    strstr(r.err, "x has no p(95) (it has avg, min)") != NULL, "absent percentile: %s", r.err);
	ok(log_parse("nothing here\n", &q, &r) == -1 && strstr(r.err, "no k6 end-of-test summary"),
	    "no summary");
	ok(log_parse("     a...: avg=1ms p(95)=9ms\n     a...: avg=1ms p(95)=7ms\n",
	    &(struct query){ "a", NULL, 0, 95 }, &r) == 0 && r.pct.v == 7,
	    "a second legacy summary replaces the first");
	ok(log_parse("  \xe2\x96\x88 TOTAL RESULTS \n    a...: avg=1ms p(95)=9ms\n"
	    "  \xe2\x96\x88 TOTAL RESULTS \n    a...: avg=1ms p(95)=8ms\n",
	    &(struct query){ "a", NULL, 0, 95 }, &r) == 0 && r.pct.v == 8,
	    "a second v1 summary replaces the first");
	ok(log_parse("     \xe2\x96\x88 GROUP: g\n     a...: avg=1ms p(95)=9ms\n",
	    &(struct query){ "a", NULL, 0, 95 }, &r) == 0 && r.pct.v == 9,
	    "a legacy group title (indented) is not a v1 section");
	result_free(&r);

	ok(ndjson_both(ndjson, &q, &r) == 0, "NDJSON whole and byte by byte");
	is_double(r.pct.v, 2.95, 1e-15, "p95 of 1, 2.5, 3");
	is_double(r.med.v, 2.5, 0, "median");
	is_double(r.avg.v, 6.5 / 3, 1e-15, "average");
	is_int((long long)r.requests, 3, "requests");
	is_double(r.failed, 1, 0, "failed rate");
	is_str(r.failed_metric, "http_req_failed{ep:models}", "failed metric");
	result_free(&r);

	{
		struct ndjson *nd = ndjson_new(&q, 1);
		result_init(&r);
		const char *bad = "{\"metric\":\"vus\"}\n{\"metric\":\"vus\",\"data\":{\n";
		ok(ndjson_feed(nd, bad, strlen(bad)) == -1,
		    "a Point line of another metric must still end in '}'");
		ok(ndjson_finish(nd, &r) == -1 && strstr(r.err, "line 2: truncated") != NULL,
		    "finish reports it with the line: %s", r.err);
		ndjson_free(nd);
		result_free(&r);
	}

	is_int(input_detect("{\"type\":\"Metric\"", 16), FMT_NDJSON, "NDJSON by its prefix");
	is_int(input_detect("\n\n{\n  \"metrics\": {}}", 19), FMT_JSON, "a JSON summary");
	is_int(input_detect("{\"data\":{},\"type\":\"Point\",\"metric\":\"a\"}\n{", 41), FMT_NDJSON,
	    "JSON lines with a k6 type");
	is_int(input_detect("  execution: local", 18), FMT_LOG, "anything else is a log");
	{
		char m[256];
		ok(input_unreadable("", 0, "f", m, sizeof m) != 0, "empty");
		ok(input_unreadable("a\0b", 3, "f", m, sizeof m) != 0, "NUL");
		ok(input_unreadable("\x1f\x8b", 2, "run 1.gz", m, sizeof m) != 0 &&
		    strcmp(m, "gzip-compressed, not text; read it with: gzip -dc 'run 1.gz' | "
		    "p95parse -") == 0, "gzip, with the command that reads it: %s", m);
		ok(input_unreadable("\x1f\x8b", 2, "-", m, sizeof m) != 0 &&
		    strstr(m, "gzip -dc | p95parse -") != NULL, "gzip on stdin: %s", m);
		ok(input_unreadable("\x1f\x8b", 2, "it's.gz", m, sizeof m) != 0 &&
		    strstr(m, "gzip -dc 'it'\\''s.gz' |") != NULL, "a quote in the name: %s", m);
		ok(input_unreadable(" x", 2, "f", m, sizeof m) == 0, "text");
		is_int(input_detect("x_bucket{le=\"1\"} 1\n", 19), FMT_PROM, "Prometheus");
	}

	result_init(&r);
	ok(summary_parse("{\"metrics\":{\"a\":{\"p(95)\":1}}} x", 31, &q, &r) == -1 &&
	    strstr(r.err, "line 1, column") != NULL, "trailing garbage after JSON: %s", r.err);
	result_free(&r);
	result_init(&r);
	ok(summary_parse("[1]", 3, &q, &r) == -1 && strstr(r.err, "not an object") != NULL,
	    "top level not an object");
	result_free(&r);

	/* Issue 12, item 8: a latency that is negative is bad input, in every k6 format. */
	result_init(&r);
	ok(summary_parse("{\"metrics\":{\"a\":{\"p(95)\":-5}}}", 30,
	    &(struct query){ "a", NULL, 0, 95 }, &r) == -1 &&
	    strstr(r.err, "a: p(95) is -5 ms; a latency is never negative") != NULL,
	    "summary: negative p(95): %s", r.err);
	ok(log_parse("     a...: avg=1ms p(95)=-5ms\n", &(struct query){ "a", NULL, 0, 95 }, &r) == -1 &&
	    strstr(r.err, "p(95) is -5 ms") != NULL, "log: negative p(95): %s", r.err);
	ok(log_parse("     a...: avg=-0.5 p(95)=5\n", &(struct query){ "a", NULL, 0, 95 }, &r) == -1 &&
	    strstr(r.err, "avg is -0.5 ms") != NULL, "log: negative avg: %s", r.err);
	result_free(&r);
	ok(ndjson_both("{\"metric\":\"http_req_duration\",\"type\":\"Point\",\"data\":{\"time\":\"t\","
	    "\"value\":-1,\"tags\":{\"ep\":\"models\"}}}\n", &q, &r) == -1 &&
	    strstr(r.err, "line 1: http_req_duration is -1") != NULL, "NDJSON: a negative Point: %s",
	    r.err);
	result_free(&r);

	/* Issue 12, item 14: a key given twice counts by its first, fast path or plain. */
	ok(ndjson_both("{\"metric\":\"http_req_duration\",\"type\":\"Point\",\"data\":{\"time\":\"t\","
	    "\"value\":4,\"tags\":{\"ep\":\"models\",\"ep\":\"x\"}}}\n", &q, &r) == 0 &&
	    r.pct.v == 4, "first tag of a key matches");
	result_free(&r);
	ok(ndjson_both("{\"metric\":\"http_req_duration\",\"type\":\"Point\",\"data\":{\"time\":\"t\","
	    "\"value\":4,\"tags\":{\"ep\":\"x\",\"ep\":\"models\"}}}\n", &q, &r) == -1,
	    "a later tag of a key does not");
	result_free(&r);
	ok(ndjson_both("{\"metric\":\"http_req_duration\",\"type\":\"Point\",\"data\":{\"time\":\"t\","
	    "\"value\":4,\"tags\":{\"ep\":1,\"ep\":\"models\"}}}\n", &q, &r) == -1,
	    "a first tag that is no string still counts as the first");
	result_free(&r);
	ok(ndjson_both("{\"type\":\"Point\",\"metric\":\"http_req_duration\",\"data\":{\"value\":4,"
	    "\"value\":9,\"tags\":{\"ep\":\"models\"},\"tags\":{}},\"metric\":\"vus\",\"type\":\"Metric\"}\n",
	    &q, &r) == 0 && r.pct.v == 4, "first value, tags, metric and type");
	result_free(&r);
	result_init(&r);
	ok(summary_parse("{\"metrics\":{\"a\":{\"p(95)\":1,\"p(95)\":2},\"a\":{\"p(95)\":3}}}", 55,
	    &(struct query){ "a", NULL, 0, 95 }, &r) == 0 && r.pct.v == 1,
	    "summary: first metric, first stat");
	result_free(&r);
	{
		const char *hs = "{\"metrics\":{\"a\":{\"type\":\"trend\",\"type\":\"rate\","
		    "\"values\":{\"p(95)\":5},\"values\":{\"p(95)\":6},\"thresholds\":{\"p(95)<9\":"
		    "{\"ok\":true,\"ok\":false}}}},\"metrics\":{\"a\":{\"p(95)\":7}}}";
		result_init(&r);
		ok(summary_parse(hs, strlen(hs), &(struct query){ "a", NULL, 0, 95 }, &r) == 0 &&
		    r.pct.v == 5 && r.verdict == 1, "handleSummary: first type, values, ok, metrics");
		result_free(&r);
	}

	/* The fast path reads a tail met again from what it read there before. */
	{
		char text[8192], line[256];
		size_t at = 0, i;
		struct result f;

		for (i = 0; i < 40; i++) {
			/* Ten tails, more than the fast path keeps, in and out of the filter. */
			snprintf(line, sizeof line, "{\"metric\":\"http_req_duration\",\"type\":"
			    "\"Point\",\"data\":{\"time\":\"t\",\"value\":%zu,\"tags\":{\"ep\":"
			    "\"%s\",\"n\":\"%zu\"}}}\n", i, i % 3 ? "models" : "other", i % 10);
			memcpy(text + at, line, strlen(line) + 1);
			at += strlen(line);
		}
		ok(ndjson_both(text, &q, &r) == 0 && r.requests == 26, "tails met again: fast = plain");
		result_free(&r);
		/* A line cut after its value has a tail of nothing: never one read before. */
		strcpy(text, line);
		strcat(text, "{\"metric\":\"http_req_duration\",\"type\":\"Point\","
		    "\"data\":{\"time\":\"t\",\"value\":5\n");
		ok(ndjson_pieces(text, strlen(text) + 1, 0, &q, &r) == -1 &&
		    ndjson_pieces(text, strlen(text) + 1, 1, &q, &f) == -1 &&
		    strcmp(r.err, f.err) == 0, "a Point cut after its value fails, fast or plain: %s",
		    f.err);
		result_free(&r);
		result_free(&f);
	}

	{
		struct names ns;
		char name[32];
		size_t i;
		memset(&ns, 0, sizeof ns);
		ok(names_find(&ns, "a", 1) == -1, "an empty set has nothing");
		for (i = 0; i < 100000; i++) {
			snprintf(name, sizeof name, "n%zu", i % 50000);
			if (names_add(&ns, name, strlen(name)) != i % 50000)
				break;
		}
		ok(i == 100000 && ns.n == 50000, "each name once, by its first index");
		ok(names_find(&ns, "n49999", 6) == 49999 && names_find(&ns, "n50000", 6) == -1,
		    "found, not found");
		ok(names_add(&ns, "a\0b", 3) == 50000 && names_add(&ns, "a\0b", 3) == 50000 &&
		    names_find(&ns, "a\0c", 3) == -1 && names_find(&ns, "a", 1) == -1,
		    "a name with a NUL in it is one name, not a new one each time");
		result_init(&r);
		names_tell(&ns, &r, "metrics");
		ok(strncmp(r.err, "; metrics present: a, n0, n1, n10, n100,", 40) == 0 &&
		    strstr(r.err, " more") != NULL, "told sorted, cut to fit: %.60s", r.err);
		names_free(&ns);
	}
	return tap_done();
}
