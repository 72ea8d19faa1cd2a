/* Unit tests: tools/httpprobe/loadstats.c (the statistics and outputs of load mode). */
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jsonout.h"
#include "loadconfig.h"
#include "loadstats.h"
#include "tap.h"

static const char *
duration(double ms)
{
	static char buf[64];

	k6_duration(buf, sizeof buf, ms);
	return buf;
}

static const char *
bytes(double b)
{
	static char buf[64];

	k6_bytes(buf, sizeof buf, b);
	return buf;
}

static const char *
fixed6(double v)
{
	static char buf[64];

	k6_fixed(buf, sizeof buf, v, 6);
	return buf;
}

/* The text one of the stats' outputs prints; the caller frees it. */
enum stats_output { KEYVALUE, EXPORT, SUMMARY, SUMMARY_COLOUR };

static char *
printed(struct load_stats *s, enum stats_output what)
{
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);

	switch (what) {
	case KEYVALUE: stats_keyvalue(fp, s); break;
	case EXPORT: stats_summary_export(fp, s); break;
	case SUMMARY: stats_summary_text(fp, s, 0); break;
	case SUMMARY_COLOUR: stats_summary_text(fp, s, 1); break;
	}
	fclose(fp);
	return text;
}

static void
test_trend(void)
{
	struct trend t = { 0 };
	static const double v[] = { 7, 3, 10, 1, 5, 9, 2, 8, 6, 4 };
	size_t i;

	is_double(trend_pct(&t, 0.95), 0, 0, "empty trend: p95 is 0");
	is_double(trend_avg(&t), 0, 0, "empty trend: avg is 0");
	trend_add(&t, 42.5, TREND_EXACT_DEFAULT);
	is_double(trend_pct(&t, 0.95), 42.5, 0, "one sample is every percentile");
	trend_free(&t);

	for (i = 0; i < sizeof v / sizeof v[0]; i++)
		trend_add(&t, v[i], TREND_EXACT_DEFAULT);
	is_double(t.min, 1, 0, "min");
	is_double(t.max, 10, 0, "max");
	is_double(trend_avg(&t), 5.5, 0, "avg");
	is_double(trend_pct(&t, 0.5), 5.5, 0, "med interpolates between 5 and 6");
	is_double(trend_pct(&t, 0.95), 9.55, 1e-12, "p95 at 0.95*(n-1) = 8.55");
	is_double(trend_pct(&t, 0.90), 9.1, 1e-12, "p90 at 8.1");
	is_double(trend_pct(&t, 0.999), 9.991, 1e-12, "p99.9 at 8.991");
	is_double(trend_pct(&t, 1), 10, 0, "p100 is the max");
	trend_add(&t, 0.5, TREND_EXACT_DEFAULT);
	is_double(trend_pct(&t, 0), 0.5, 0, "a sample added after sorting is seen");
	trend_free(&t);
}

static void
test_formats(void)
{
	static const struct { double ms; const char *want; } d[] = {
		{ 0, "0s" }, { 0.000123, "123ns" }, { 0.5, "500\xc2\xb5s" },
		{ 0.37835, "378.35\xc2\xb5s" }, { 0.008, "8\xc2\xb5s" },
		{ 0.181589, "181.58\xc2\xb5s" }, { 12.3456, "12.34ms" }, { 21, "21ms" },
		{ 9.6, "9.6ms" }, { 5.866125, "5.86ms" }, { 1534.5, "1.53s" },
		{ 1500, "1.5s" }, { 60000, "1m0s" }, { 62345.6, "1m2s" },
		{ 3723456.7, "1h2m3s" }, { 549621.3779604286, "9m9s" },
		{ 1526790.0400000014, "25m26s" }, { 2625123.369999998, "43m45s" },
	};
	static const struct { double b; const char *want; } b[] = {
		{ 0, "0 B" }, { 3.5, "3.5 B" }, { 811, "811 B" }, { 13940, "14 kB" },
		{ 6120, "6.1 kB" }, { 6760.894160379083, "6.8 kB" },
		{ 2968.1974362639876, "3.0 kB" }, { 16810, "17 kB" }, { 9050, "9.1 kB" },
		{ 17500, "18 kB" }, { 16500, "17 kB" }, { 2500000, "2.5 MB" },
	};
	size_t i;

	for (i = 0; i < sizeof d / sizeof d[0]; i++)
		is_str(duration(d[i].ms), d[i].want, "duration %.17g ms", d[i].ms);
	for (i = 0; i < sizeof b / sizeof b[0]; i++)
		is_str(bytes(b[i].b), b[i].want, "bytes %.17g", b[i].b);
	is_str(fixed6(32.97997151404431), "32.979972", "plain number: 6 decimals");
	is_str(fixed6(3.5), "3.5", "plain number: trailing zeros dropped");
	is_str(fixed6(68), "68", "plain number: a whole number");
}

static void
test_rfc3339(void)
{
	struct timespec ts = { 1795304884, 430418097 };
	char buf[64];

	rfc3339nano(buf, sizeof buf, &ts);
	is_str(buf, "2026-11-21T23:48:04.430418097Z", "RFC 3339 with nanoseconds");
	ts.tv_nsec = 490778480;
	rfc3339nano(buf, sizeof buf, &ts);
	is_str(buf, "2026-11-21T23:48:04.49077848Z", "trailing zeros dropped, as Go does");
	ts.tv_nsec = 0;
	rfc3339nano(buf, sizeof buf, &ts);
	is_str(buf, "2026-11-21T23:48:04Z", "no fraction at all for a whole second");
}

/* The line of FILE that starts with PREFIX (after blanks), or NULL. */
static char *
line_of(const char *text, const char *prefix)
{
	static char line[1024];
	const char *p = text, *nl;

	while (*p) {
		const char *s = p + strspn(p, " ");
		/* k6 marks a metric that has thresholds. */
		if (strncmp(s, "\xe2\x9c\x93 ", 4) == 0 || strncmp(s, "\xe2\x9c\x97 ", 4) == 0)
			s += 4;
		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = p + strlen(p);
		if (strncmp(s, prefix, strlen(prefix)) == 0 && (size_t)(nl - p) < sizeof line) {
			memcpy(line, p, (size_t)(nl - p));
			line[nl - p] = '\0';
			return line;
		}
		p = *nl ? nl + 1 : nl;
	}
	return NULL;
}

/* The data of a summary line with its column padding squeezed out. */
static const char *
squeeze(const char *line)
{
	static char out[1024];
	const char *p;
	size_t n = 0;

	if (line == NULL || (p = strstr(line, ": ")) == NULL)
		return "(no line)";
	for (p += 2; *p && n < sizeof out - 1; p++)
		if (*p != ' ' || (p[1] != ' ' && p[1] != '\0'))
			out[n++] = *p;
	out[n] = '\0';
	return out;
}

static char *
slurp(const char *path)
{
	FILE *fp = fopen(path, "r");
	char *buf;
	long n;

	if (fp == NULL)
		return NULL;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	buf = malloc((size_t)n + 1);
	if (buf != NULL) {
		n = (long)fread(buf, 1, (size_t)n, fp);
		buf[n] = '\0';
	}
	fclose(fp);
	return buf;
}

/* The number after "KEY": inside the object named NAME of a k6 export. */
static double
export_value(const char *json, const char *name, const char *key)
{
	char pat[128];
	const char *obj, *end, *k;

	/* Past the root group, which has a "checks" of its own. */
	if ((obj = strstr(json, "\"metrics\": {")) != NULL)
		json = obj;
	snprintf(pat, sizeof pat, "\"%s\": {", name);
	if ((obj = strstr(json, pat)) == NULL || (end = strchr(obj += strlen(pat), '}')) == NULL)
		return -1;
	snprintf(pat, sizeof pat, "\"%s\": ", key);
	if ((k = strstr(obj, pat)) == NULL || k > end)
		return -1;
	return strtod(k + strlen(pat), NULL);
}

/*
 * A real k6 run (testdata/k6/v0.57.0/c_json_out): its per-request NDJSON
 * durations fed to our statistics give k6's own export values, bit for
 * bit, and our summary shows them as k6's summary did.
 */
static void
test_real_k6(void)
{
	static const char *const stats[] = { "avg", "min", "med", "max", "p(90)", "p(95)" };
	const char *td = getenv("SMOKEKIT_TESTDATA");
	char path[512], *nd, *ex, *log, *p, *text = NULL;
	struct load_stats s = { 0 };
	struct load_result r = { 0 };
	struct metric_want { const char *name; } names[] = {
		{ "http_req_duration" }, { "http_req_duration{ep:models}" },
		{ "http_req_duration{expected_response:true}" },
		{ "http_req_blocked" }, { "http_req_connecting" }, { "http_req_sending" },
		{ "http_req_waiting" }, { "http_req_receiving" },
	};
	char pat[128];
	const char *q;
	size_t i, j;
	double got[6];

	if (td == NULL)
		td = "tests/data";
	snprintf(path, sizeof path, "%s/k6/v0.57.0/c_json_out/raw.ndjson", td);
	nd = slurp(path);
	snprintf(path, sizeof path, "%s/k6/v0.57.0/c_json_out/k6_models.json", td);
	ex = slurp(path);
	snprintf(path, sizeof path, "%s/k6/v0.57.0/c_json_out/stdout.log", td);
	log = slurp(path);
	if (nd == NULL || ex == NULL || log == NULL) {
		ok(0, "real k6 output in %s/k6/v0.57.0/c_json_out", td);
		free(nd), free(ex), free(log);
		return;
	}
	r.expected = 1;
	r.status = 200;
	r.checks_passed = 1;    /* k6_models.js's one check, "status is 200" */
	s.have_checks = 1;
	for (p = nd; (p = strstr(p, "{\"metric\":\"http_req_duration\",\"type\":\"Point\"")) != NULL; p++) {
		r.ms = strtod(strstr(p, "\"value\":") + 8, NULL);
		/* The request's phases follow its duration point. */
		for (i = 0; i < NPHASES; i++) {
			snprintf(pat, sizeof pat, "{\"metric\":\"%s\",\"type\":\"Point\"",
			    phase_metric[i]);
			q = strstr(p, pat);
			r.phase[i] = q != NULL ? strtod(strstr(q, "\"value\":") + 8, NULL) : -1;
		}
		stats_add(&s, &r);
	}
	is_int(s.reqs, 68, "68 http_req_duration points in the NDJSON");
	s.tag_key = "ep";
	s.tag_value = "models";
	s.vus = 2;
	s.bytes_in = 13940;
	s.bytes_out = 6120;
	s.elapsed_ms = 13940 / 6760.894160379083 * 1000;

	text = printed(&s, EXPORT);
	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		for (j = 0; j < 6; j++) {
			got[j] = export_value(text, names[i].name, stats[j]);
			is_double(got[j], export_value(ex, names[i].name, stats[j]), 0,
			    "export %s %s equals k6's", names[i].name, stats[j]);
			ok(got[j] > 0 || (got[j] == 0 && i == 4), "export %s %s is there",
			    names[i].name, stats[j]);
		}
	}
	is_double(export_value(text, "checks", "passes"), 68, 0, "checks passes, as k6's");
	is_double(export_value(text, "checks", "fails"), 0, 0, "checks fails");
	is_double(export_value(text, "checks", "value"), 1, 0, "checks value (the rate)");
	is_double(export_value(text, "http_req_failed", "passes"), 0, 0, "http_req_failed passes");
	is_double(export_value(text, "http_req_failed", "fails"), 68, 0, "http_req_failed fails");
	is_double(export_value(text, "http_reqs", "count"), 68, 0, "http_reqs count");
	is_double(export_value(text, "vus", "max"), 2, 0, "vus max");
	ok(strncmp(text, "{\n    \"root_group\": {\n        \"name\": \"\",", 40) == 0,
	    "export: JSON.stringify's 4-space layout");
	ok(text[strlen(text) - 1] == '}', "export: no newline after the last brace, like k6");
	free(text);

	text = printed(&s, SUMMARY);
	{
		static const char *const lines[] = {
			"checks", "data_received", "data_sent", "http_req_blocked",
			"http_req_connecting", "http_req_duration", "http_req_receiving",
			"http_req_sending", "http_req_waiting",
			"{ ep:models }", "{ expected_response:true }", "http_req_failed",
			"http_reqs", "vus.", "vus_max",
		};
		for (i = 0; i < sizeof lines / sizeof lines[0]; i++) {
			char want[1024];
			snprintf(want, sizeof want, "%s", squeeze(line_of(log, lines[i])));
			is_str(squeeze(line_of(text, lines[i])), want, "summary line %s", lines[i]);
		}
	}
	ok(strncmp(text, "\n     checks....", 16) == 0, "summary: 5 spaces, dots, checks first");
	ok(strstr(text, "\n       { ep:models }.") != NULL, "summary: sub-metric indented 2 more");
	free(text);
	stats_free(&s);
	free(nd), free(ex), free(log);
}

/* r becomes a request that failed without a valid response. */
static void
failed(struct load_result *r, enum load_fail f, const char *error, int code)
{
	r->status = 0;
	r->expected = 0;
	r->fail = f;
	r->error = error;
	r->error_code = code;
}

static void
test_ndjson(void)
{
	static const char want_metric[] =
	    "{\"type\":\"Metric\",\"data\":{\"name\":\"http_req_duration\",\"type\":\"trend\","
	    "\"contains\":\"time\",\"thresholds\":[],\"submetrics\":[{\"name\":"
	    "\"http_req_duration{ep:models}\",\"suffix\":\"ep:models\",\"tags\":{\"ep\":"
	    "\"models\"}},{\"name\":\"http_req_duration{expected_response:true}\",\"suffix\":"
	    "\"expected_response:true\",\"tags\":{\"expected_response\":\"true\"}}]},"
	    "\"metric\":\"http_req_duration\"}\n";
	static const char want_point[] =
	    "{\"metric\":\"http_req_duration\",\"type\":\"Point\",\"data\":{\"time\":"
	    "\"2026-11-21T23:48:04.430418097Z\",\"value\":8.028984,\"tags\":{\"ep\":\"models\","
	    "\"expected_response\":\"true\",\"group\":\"\",\"method\":\"GET\",\"name\":"
	    "\"http://127.0.0.1:18082/v1/models\",\"proto\":\"HTTP/1.1\",\"scenario\":"
	    "\"default\",\"status\":\"200\",\"url\":\"http://127.0.0.1:18082/v1/models\"}}}\n";
	struct ndjson nd = { 0 };
	struct load_result r = { 0 };
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);

	nd.fp = fp;
	nd.url = "http://127.0.0.1:18082/v1/models";
	nd.method = "GET";
	nd.tag_key = "ep";
	nd.tag_value = "models";
	r.seq = 1;
	r.ms = 8.028984;
	r.end.tv_sec = 1795304884;
	r.end.tv_nsec = 430418097;
	r.status = 200;
	r.expected = 1;
	ndjson_request(&nd, &r);
	failed(&r, FAIL_REFUSED, "dial: connection refused", 1212);
	ndjson_request(&nd, &r);
	fclose(fp);

	ok(strstr(text, want_metric) != NULL, "NDJSON: the http_req_duration Metric line is k6's");
	ok(strstr(text, want_point) != NULL, "NDJSON: a Point line is k6's");
	is_int(strstr(text, want_metric) < strstr(text, want_point), 1, "Metric before its first Point");
	ok(strstr(strstr(text, want_point) + 1, "{\"type\":\"Metric\",\"data\":{\"name\":\"http_req_duration\"") == NULL,
	    "the Metric line is written once");
	ok(strstr(text, "\"tags\":{\"ep\":\"models\",\"error\":\"dial: connection refused\","
	    "\"error_code\":\"1212\",\"expected_response\":\"false\",\"group\":\"\","
	    "\"method\":\"GET\",\"name\":\"http://127.0.0.1:18082/v1/models\","
	    "\"scenario\":\"default\",\"status\":\"0\",\"url\":") != NULL,
	    "NDJSON: a refused request has error, error_code, status 0 and no proto");
	ok(strstr(text, "{\"metric\":\"http_req_failed\",\"type\":\"Point\",\"data\":{\"time\":"
	    "\"2026-11-21T23:48:04.430418097Z\",\"value\":1,") != NULL,
	    "NDJSON: http_req_failed is 1 for a failed request");
	ok(strstr(text, "{\"metric\":\"data_sent\",\"type\":\"Point\",\"data\":{\"time\":"
	    "\"2026-11-21T23:48:04.430418097Z\",\"value\":0,\"tags\":{\"ep\":\"models\","
	    "\"group\":\"\",\"scenario\":\"default\"}}}") != NULL,
	    "NDJSON: data_sent carries the iteration's tags");
	free(text);
}

static void
test_classes_and_keyvalue(void)
{
	struct load_stats s = { 0 };
	struct load_result r = { 0 };
	char *text;
	int i;

	for (i = 1; i <= 100; i++) {
		r.ms = i;
		r.status = i % 10 == 0 ? 500 : 200;
		r.expected = r.status == 200;
		r.fail = r.expected ? FAIL_NONE : FAIL_STATUS;
		stats_add(&s, &r);
	}
	failed(&r, FAIL_TIMEOUT, "request timeout", 1050);
	r.ms = 1000;
	stats_add(&s, &r);
	s.elapsed_ms = 2000;
	is_int(s.reqs, 101, "every request counted");
	is_int(s.failed, 11, "failed = unexpected statuses + timeouts");
	is_int(s.by_class[FAIL_STATUS], 10, "class status");
	is_int(s.by_class[FAIL_TIMEOUT], 1, "class timeout");
	is_int(s.responses, 100, "responses");
	is_int(s.first_status, 500, "the first unexpected status is kept");
	is_str(s.first_error[FAIL_TIMEOUT], "request timeout", "the first timeout message is kept");

	text = printed(&s, KEYVALUE);
	ok(strstr(text, "requests=101\nok=90\nfailed=11\n") != NULL, "key=value counts");
	ok(strstr(text, "failed_status=10\nfailed_protocol=0\n") != NULL ||
	    strstr(text, "failed_status=10\n") != NULL, "key=value classes");
	ok(strstr(text, "failed_timeout=1\n") != NULL, "key=value timeout class");
	ok(strstr(text, "http_req_failed=0.10891089108910891\n") != NULL, "key=value failed ratio");
	ok(strstr(text, "p50_ms=51\n") != NULL, "key=value p50");
	ok(strstr(text, "p99_9_ms=") != NULL && strstr(text, "max_ms=1000\n") != NULL,
	    "key=value p99.9 and max");
	ok(strstr(text, "rps=50.5\n") != NULL, "key=value rate");
	free(text);

	text = printed(&s, EXPORT);
	is_double(export_value(text, "http_req_duration{expected_response:true}", "max"), 99, 0,
	    "expected_response:true leaves out the unexpected (max 99, not 100 or 1000)");
	is_double(export_value(text, "http_req_duration{expected_response:true}", "avg"), 50, 0,
	    "expected_response:true: the average of the 90 expected");
	is_double(export_value(text, "http_req_duration", "max"), 1000, 0,
	    "http_req_duration has them all");
	free(text);

	text = printed(&s, SUMMARY);
	ok(strstr(text, "http_req_failed.") != NULL &&
	    strstr(text, ".: 10.89% 11 out of 101\n") != NULL,
	    "summary: the rate is truncated, passes are the failures");
	free(text);
	text = printed(&s, SUMMARY_COLOUR);
	ok(strstr(text, "\x1b[36m10.89%\x1b[0m") != NULL, "summary in colour: values cyan");
	ok(strstr(text, "\x1b[36;2m11 out of 101\x1b[0m") != NULL, "summary in colour: extras faint");
	free(text);
	stats_free(&s);

	/* The first request fails, the second succeeds. */
	memset(&s, 0, sizeof s);
	failed(&r, FAIL_RESET, "read: connection reset by peer", 1220);
	r.ms = 7;
	stats_add(&s, &r);
	r.fail = FAIL_NONE;
	r.expected = 1;
	r.status = 200;
	r.ms = 3;
	stats_add(&s, &r);
	text = printed(&s, EXPORT);
	is_double(export_value(text, "http_req_duration{expected_response:true}", "max"), 3, 0,
	    "a failed first request is not in expected_response:true");
	is_double(export_value(text, "http_req_duration", "max"), 7, 0, "but in http_req_duration");
	free(text);
	stats_free(&s);
}

/* The exit status of a run, and the export written or not. */
static void
test_report(void)
{
	struct load_config cfg = { 0 };
	struct load_stats s = { 0 };
	struct load_result r = { 0 };
	char dir[] = "/tmp/smokekit-load.XXXXXX", path[64];
	int saved_out, saved_err, null, got[5];

	if (mkdtemp(dir) == NULL)
		return;
	snprintf(path, sizeof path, "%s/k6.json", dir);
	cfg.quiet = 1;
	cfg.json = 1;
	cfg.summary_export = path;
	/* The outputs go nowhere: only the status and the file count here.
	 * The results are checked once stdout is back, or TAP loses them. */
	fflush(stdout);
	saved_out = dup(STDOUT_FILENO);
	saved_err = dup(STDERR_FILENO);
	null = open("/dev/null", O_WRONLY);
	dup2(null, STDOUT_FILENO);
	dup2(null, STDERR_FILENO);
	got[0] = stats_report(&s, &cfg, "h:1", 0);
	failed(&r, FAIL_REFUSED, "dial: connection refused", 1212);
	stats_add(&s, &r);
	got[1] = stats_report(&s, &cfg, "h:1", 0);
	r.status = 500;
	r.fail = FAIL_STATUS;
	stats_add(&s, &r);
	got[2] = stats_report(&s, &cfg, "h:1", 0);
	stats_free(&s);
	memset(&s, 0, sizeof s);
	r.status = 200;
	r.expected = 1;
	r.fail = FAIL_NONE;
	stats_add(&s, &r);
	got[3] = stats_report(&s, &cfg, "h:1", 0);
	snprintf(path, sizeof path, "%s/no/such/dir/k6.json", dir);
	got[4] = stats_report(&s, &cfg, "h:1", 0);
	fflush(stdout);
	dup2(saved_out, STDOUT_FILENO);
	dup2(saved_err, STDERR_FILENO);
	close(saved_out);
	close(saved_err);
	close(null);
	is_int(got[0], 3, "nothing ran: exit 3");
	is_int(got[1], 3, "no valid response at all: exit 3");
	is_int(got[2], 1, "an unexpected status: exit 1");
	is_int(got[3], 0, "every status expected: exit 0");
	is_int(got[4], 3, "an export that cannot be written: exit 3");
	snprintf(path, sizeof path, "%s/k6.json", dir);
	ok(access(path, F_OK) == 0, "the export is written");
	unlink(path);
	rmdir(dir);
	stats_free(&s);
}

/* A real k6 run's checks and phase points are what ours look like. */
static void
test_ndjson_phases_checks(void)
{
	static const char *const checks[] = { "status is 200" };
	static const unsigned char passed[] = { 1 };
	struct ndjson nd = { 0 };
	struct load_result r = { 0 };
	char *text = NULL, *order[6];
	size_t len = 0, i;
	FILE *fp = open_memstream(&text, &len);

	nd.fp = fp;
	nd.url = "http://127.0.0.1:18082/v1/models";
	nd.method = "GET";
	nd.checks = checks;
	nd.nchecks = 1;
	r.end.tv_sec = 1795304884;
	r.end.tv_nsec = 430712876;
	r.status = 200;
	r.expected = 1;
	r.ms = 7;
	r.phase[PH_BLOCKED] = 0.173894;
	r.phase[PH_SENDING] = 1;
	r.phase[PH_WAITING] = 5.5;
	r.phase[PH_RECEIVING] = 0.5;
	r.check_ok = passed;
	ndjson_request(&nd, &r);
	fclose(fp);
	ok(strstr(text, "{\"metric\":\"checks\",\"type\":\"Point\",\"data\":{\"time\":"
	    "\"2026-11-21T23:48:04.430712876Z\",\"value\":1,\"tags\":{\"check\":"
	    "\"status is 200\",\"group\":\"\",\"scenario\":\"default\"}}}\n") != NULL,
	    "NDJSON: a check's point is k6's (tags check, group, scenario)");
	ok(strstr(text, "{\"type\":\"Metric\",\"data\":{\"name\":\"checks\",\"type\":"
	    "\"rate\",\"contains\":\"default\",\"thresholds\":[],\"submetrics\":null},"
	    "\"metric\":\"checks\"}") != NULL, "NDJSON: the checks Metric line is k6's");
	ok(strstr(text, "{\"metric\":\"http_req_blocked\",\"type\":\"Point\",\"data\":"
	    "{\"time\":\"2026-11-21T23:48:04.430712876Z\",\"value\":0.173894,") != NULL,
	    "NDJSON: http_req_blocked point");
	/* k6's order: duration, blocked, connecting, sending, waiting, receiving. */
	order[0] = strstr(text, "{\"metric\":\"http_req_duration\",\"type\":\"Point\"");
	for (i = 0; i < NPHASES; i++) {
		char pat[96];
		snprintf(pat, sizeof pat, "{\"metric\":\"%s\",\"type\":\"Point\"", phase_metric[i]);
		order[i + 1] = strstr(text, pat);
	}
	for (i = 0; i < NPHASES; i++)
		ok(order[i] != NULL && order[i + 1] != NULL && order[i] < order[i + 1],
		    "NDJSON: %s after the one before, as k6 writes them", phase_metric[i]);
	free(text);

	text = NULL;
	fp = open_memstream(&text, &len);
	result_json_line(fp, &r);
	fclose(fp);
	ok(strstr(text, "\"blocked_ms\":0.173894,\"connecting_ms\":0,\"sending_ms\":1,"
	    "\"waiting_ms\":5.5,\"receiving_ms\":0.5}") != NULL, "-j line: the phases");
	free(text);
}

/* The check lines above the metrics are k6's (v0.57.0/d_http_500). */
static void
test_summary_checks(void)
{
	static const char *const names[] = { "status is 200", "fail status is 200" };
	static const unsigned long long passes[] = { 76, 0 }, fails[] = { 0, 26 };
	static const char want[] =
	    "\n     \xe2\x9c\x93 status is 200\n"
	    "     \xe2\x9c\x97 fail status is 200\n"
	    "      \xe2\x86\xb3  0% \xe2\x80\x94 \xe2\x9c\x93 0 / \xe2\x9c\x97 26\n"
	    "\n     checks....";
	const char *td = getenv("SMOKEKIT_TESTDATA");
	struct load_stats s = { 0 };
	struct load_result r = { 0 };
	char path[512], *text = NULL, *log;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);

	r.status = 200;
	r.expected = 1;
	r.checks_passed = 1;
	stats_add(&s, &r);
	s.have_checks = 1;
	s.check_names = names;
	s.check_passes_by = passes;
	s.check_fails_by = fails;
	s.nchecks = 2;
	stats_summary_text(fp, &s, 0);
	fclose(fp);
	ok(strncmp(text, want, sizeof want - 1) == 0, "summary: k6's check lines, then the metrics");
	snprintf(path, sizeof path, "%s/k6/v0.57.0/d_http_500/stdout.log",
	    td != NULL ? td : "tests/data");
	log = slurp(path);
	ok(log != NULL && strstr(log, "     \xe2\x9c\x97 fail status is 200\n"
	    "      \xe2\x86\xb3  0% \xe2\x80\x94 \xe2\x9c\x93 0 / \xe2\x9c\x97 26\n") != NULL,
	    "k6's own summary (%s) has those lines", path);
	free(log);
	free(text);
	stats_free(&s);
}

static void
extra_facts(void *ctx, struct facts *f)
{
	facts_int(f, ctx, 7);
}

/* -j's last line: the key=value facts as one JSON object, with more after them. */
static void
test_facts_json(void)
{
	struct load_stats s = { 0 };
	struct load_result r = { 0 };
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);

	r.status = 200;
	r.expected = 1;
	r.ms = 2;
	stats_add(&s, &r);
	s.more_facts = extra_facts;
	s.more_ctx = (void *)"more";
	stats_facts(fp, &s, 1);
	fclose(fp);
	ok(strncmp(text, "{\"requests\":1,\"ok\":1,\"failed\":0,", 32) == 0,
	    "facts as JSON: the key=value keys");
	ok(strstr(text, ",\"more\":7}\n") != NULL && strchr(text, '\n') == text + len - 1,
	    "facts as JSON: the hook's facts last, one line");
	free(text);
	stats_free(&s);
}

/* A reproducible spread of latencies, 0.1 ms to 1 s (LCG, no rand()). */
static double
latency(unsigned long long *state)
{
	*state = *state * 6364136223846793005ull + 1442695040888963407ull;
	return 0.1 * pow(10, 4.0 * (double)(*state >> 11) / 9007199254740992.0);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* k6's rule over a sorted copy: the exact figure a bounded trend must approach. */
static double
exact_pct(const double *v, size_t n, double p)
{
	double i = p * (double)(n - 1), lo = floor(i);
	size_t k = (size_t)lo;

	return k + 1 < n ? v[k] + (v[k + 1] - v[k]) * (i - lo) : v[k];
}

/* Past exact_max samples a trend keeps none, and its percentiles stay within the bound. */
static void
test_trend_bounded(void)
{
	static const double ps[] = { 0, 0.5, 0.9, 0.95, 0.99, 0.999, 1 };
	static double v[1000];
	struct trend t = { 0 };
	unsigned long long st = 7;
	double sum = 0, min = 1e9, max = 0, got;
	size_t i;
	int within = 1;

	for (i = 0; i < 50; i++)
		trend_add(&t, v[i] = latency(&st), 50);
	ok(!t.bounded && t.kept == 50, "50 samples under a bound of 50: all kept, exact");
	qsort(v, 50, sizeof v[0], cmp_double);
	is_double(trend_pct(&t, 0.95), exact_pct(v, 50, 0.95), 0, "... and p95 is exact");
	trend_free(&t);

	st = 7;
	for (i = 0; i < 1000; i++) {
		v[i] = latency(&st);
		trend_add(&t, v[i], 50);
		sum += v[i];
		min = v[i] < min ? v[i] : min;
		max = v[i] > max ? v[i] : max;
	}
	ok(t.bounded && t.kept == 0 && t.v == NULL, "1000 samples past a bound of 50: none kept");
	is_int((long long)t.n, 1000, "the count stays exact");
	is_double(t.sum, sum, 0, "the sum stays exact");
	is_double(t.min, min, 0, "min stays exact");
	is_double(t.max, max, 0, "max stays exact");
	qsort(v, 1000, sizeof v[0], cmp_double);
	for (i = 0; i < sizeof ps / sizeof ps[0]; i++) {
		got = trend_pct(&t, ps[i]);
		if (fabs(got - exact_pct(v, 1000, ps[i])) > LOGHIST_REL_ERROR * exact_pct(v, 1000, ps[i])) {
			printf("# p%g: %g vs exact %g\n", ps[i] * 100, got, exact_pct(v, 1000, ps[i]));
			within = 0;
		}
	}
	ok(within, "every percentile of the bounded trend is within 0.5%% of the exact one");
	ok(trend_pct(&t, 1) <= max && trend_pct(&t, 0) >= min,
	    "no percentile beyond the exact min and max");

	trend_free(&t);

	trend_add(&t, 3, 0);
	ok(t.bounded && trend_pct(&t, 0.5) == 3, "a bound of 0: the histogram from the first sample");
	trend_free(&t);
}

/* A run past the bound says so in every output that has percentiles. */
static void
test_stats_bounded(void)
{
	struct load_stats s = { 0 };
	struct load_result r = { 0 };
	char *text = NULL;
	size_t len = 0;
	FILE *fp;
	int i;

	s.exact_max = 50;
	r.status = 200;
	r.expected = 1;
	for (i = 1; i <= 40; i++) {
		r.ms = i;
		stats_add(&s, &r);
	}
	r.status = 500;
	r.expected = 0;
	r.fail = FAIL_STATUS;
	for (i = 41; i <= 60; i++) {
		r.ms = i;
		stats_add(&s, &r);
	}
	ok(s.all.bounded && !s.ok.bounded && s.ok.n == 40, "60 requests, 40 expected, bound 50");

	text = printed(&s, KEYVALUE);
	ok(strstr(text, "\np95_precision=bounded\np95_rel_error=0.005\n") != NULL,
	    "key=value: p95_precision=bounded and its bound");
	ok(strstr(text, "\nmin_ms=1\n") != NULL && strstr(text, "\nmax_ms=60\n") != NULL &&
	    strstr(text, "\navg_ms=30.5\n") != NULL, "key=value: min, avg, max exact");
	free(text);

	text = printed(&s, SUMMARY);
	ok(strstr(text, "\n     percentiles are within 0.5%: more than 50 samples a metric, "
	    "from a log-linear histogram; exact: { expected_response:true }\n") != NULL,
	    "summary: bounded, and which trend is still exact");
	free(text);

	text = printed(&s, EXPORT);
	ok(strstr(text, ",\n    \"smokekit_precision\": {\n        \"exact_samples\": 50,\n"
	    "        \"rel_error\": 0.005,\n        \"percentiles\": {\n"
	    "            \"http_req_blocked\": \"bounded\",") != NULL,
	    "export: smokekit_precision, with the bound and each trend");
	ok(strstr(text, "\"http_req_duration{expected_response:true}\": \"exact\"") != NULL &&
	    strstr(text, "\"http_req_duration\": \"bounded\"") != NULL,
	    "export: http_req_duration bounded, its expected_response:true part exact");
	is_double(export_value(text, "http_req_duration{expected_response:true}", "max"), 40, 0,
	    "expected_response:true: max 40, of the expected ones only");
	is_double(export_value(text, "http_req_duration", "max"), 60, 0, "http_req_duration max 60");
	ok(strstr(text, "\"http_req_duration{expected_response:true}\": {\"scheme\":\"log-linear\","
	    "\"rel_error\":0.005,\"count\":40,") != NULL,
	    "export: the histogram of the 40 expected ones");
	free(text);
	stats_free(&s);

	memset(&s, 0, sizeof s);
	r.status = 200;
	r.expected = 1;
	r.fail = FAIL_NONE;
	stats_add(&s, &r);
	fp = open_memstream(&text, &len);
	stats_keyvalue(fp, &s);
	stats_summary_text(fp, &s, 0);
	fclose(fp);
	ok(strstr(text, "\np95_precision=exact\n") != NULL && strstr(text, "p95_rel_error") == NULL,
	    "key=value: p95_precision=exact, no bound");
	ok(strstr(text, "\n     percentiles are exact: every sample kept (at most 1000000 a metric)\n")
	    != NULL, "summary: exact, and the default bound");
	free(text);
	stats_free(&s);
}

int
main(void)
{
	test_trend();
	test_trend_bounded();
	test_stats_bounded();
	test_formats();
	test_rfc3339();
	test_real_k6();
	test_ndjson();
	test_ndjson_phases_checks();
	test_facts_json();
	test_summary_checks();
	test_classes_and_keyvalue();
	test_report();
	return tap_done();
}
