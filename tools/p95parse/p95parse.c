/* p95parse: one latency gate for every k6 output and for Prometheus. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "counter.h"
#include "detect.h"
#include "die.h"
#include "feed.h"
#include "jsonout.h"
#include "k6log.h"
#include "merge.h"
#include "ndjson.h"
#include "num.h"
#include "prom.h"
#include "readall.h"
#include "result.h"
#include "series.h"
#include "summary.h"
#include "usage.h"
#include "xalloc.h"

#define MAX_TAGS 16
#define CHUNK (1u << 20)
#define WHOLE_MAX (256u << 20)   /* a summary, log or /metrics page read whole */

static const struct usage_opt options_help[] = {
	{ "-c counter", "print a counter's value: name or name{label=\"v\"}, --counter" },
	{ "-e ratio", "gate: http_req_failed must be below ratio (0 to 1), --failed-max" },
	{ "-f format", "auto, json, ndjson, csv, log or prom (default auto), --format" },
	{ "-h", "print this help and exit, --help" },
	{ "-j", "one JSON object instead of key=value lines, --json" },
	{ "-l ms", "gate: the percentile must be below ms milliseconds, --max" },
	{ "-M", "read the files as one run: exact percentiles over all their samples, --merge" },
	{ "-m metric", "the trend metric (default http_req_duration), --metric" },
	{ "-p pct", "the percentile, 0 to 100 (default 95), --percentile" },
	{ "-s file", "also write NDJSON's per-second series there, for smokereport -H, --series" },
	{ "-t tag=value", "only the sub-metric (series) with this tag; repeatable, --tag" },
	{ "-V", "print the version and exit, --version" },
	{ NULL, NULL },
};

static const struct usage usage_p95parse = {
	"[-hjMV] [-e ratio] [-f format] [-l ms] [-m metric] [-p pct] [-s file] [-t tag=value] file ...\n"
	"       p95parse [-j] -c counter file ...",
	options_help,
};

struct opts {
	int json, merge;
	const char *counter;    /* -c: a counter's value instead of a gate */
	enum format fmt;
	struct query q;
	struct tag tags[MAX_TAGS];
	int have_max, have_fmax;
	double max, fmax;
	char pname[48];         /* "p95", "p99.9" */
	const char *series;     /* --series: where, or NULL */
};

/* --series: 1 written, -1 could not be, 0 no NDJSON input gave one. */
static int series_done;

/* The shortest decimal that reads back as v (jsonout's form), into buf. */
static const char *
num(char *buf, size_t size, double v)
{
	FILE *fp = fmemopen(buf, size, "w");

	if (fp == NULL) {
		snprintf(buf, size, "%.17g", v);
		return buf;
	}
	json_put_number(fp, v);
	fclose(fp);
	return buf;
}


static int
fail_errno(struct result *r, const char *what)
{
	snprintf(r->err, sizeof r->err, "%s: %s", what, strerror(errno));
	return -1;
}

#define WINDOW (16u << 20)

static void
to_sample(void *se, const char *time, size_t tlen, double ms, const char *status, size_t slen)
{
	series_sample(se, time, tlen, ms, status, slen);
}

static void
to_failed(void *se, const char *time, size_t tlen, int failed, int match)
{
	series_failed(se, time, tlen, failed, match);
}

static int
write_series(struct series *se, const struct opts *o, const struct result *r)
{
	char why[256];

	if (series_write(se, o->series, r->metric, why, sizeof why) == 0)
		return 0;
	warnf("--series %s: %s", o->series, why);
	return -1;
}

/* NDJSON or CSV, streamed: a regular file is mapped, a window at a time (feed.h). */
static int
parse_stream(int fd, char *buf, size_t n, enum format f, const struct opts *o,
    struct result *r)
{
	struct raw *rw = raw_new(f, &o->q);
	struct series *se = o->series != NULL ? series_new() : NULL;
	struct ndjson_observer obs = { to_sample, to_failed, se };
	int rc = -1;

	if (se != NULL && rw != NULL && raw_observe(rw, &obs) != 0) {
		warnf("--series %s: not written: the input is not k6 NDJSON (no times per sample)", o->series);
		series_done = -1;
		series_free(se);
		se = NULL;
	}
	if (feed_fd(fd, buf, n, CHUNK, WINDOW, raw_feed, rw) < 0)
		fail_errno(r, "read");
	else
		rc = raw_finish(rw, r);
	if (rc == 0 && se != NULL)
		series_done = write_series(se, o, r) == 0 ? 1 : -1;
	series_free(se);
	raw_free(rw);
	return rc;
}

static int
parse_file(const char *path, const struct opts *o, struct result *r)
{
	int fd = strcmp(path, "-") == 0 ? 0 : open(path, O_RDONLY);
	char *buf = NULL;
	size_t n = 0;
	enum format f = o->fmt;
	int rc = -1, got;

	if (fd < 0)
		return fail_errno(r, "open");
	if ((got = read_all(fd, &buf, &n, CHUNK - 1)) < 0) {
		fail_errno(r, "read");
		goto out;
	}
	if (got > 0)
		n = CHUNK;     /* more follows: the first CHUNK bytes decide */
	if (input_unreadable(buf, n, path, r->err, sizeof r->err) != 0)
		goto out;
	if (f == FMT_AUTO)
		f = input_detect(buf, n);
	if (f == FMT_NDJSON || f == FMT_CSV) {
		rc = parse_stream(fd, buf, n, f, o, r);
		goto out;
	}
	if (n == CHUNK && (got = read_all(fd, &buf, &n, WHOLE_MAX)) != 0) {
		if (got < 0)
			fail_errno(r, "read");
		else
			result_seterr(r, "larger than %u MiB; not a summary", WHOLE_MAX >> 20);
		goto out;
	}
	if (f == FMT_JSON)
		rc = summary_parse(buf, n, &o->q, r);
	else if (f == FMT_PROM)
		rc = prom_parse(buf, n, &o->q, r);
	else
		rc = k6log_parse(buf, n, &o->q, r);
out:
	free(buf);
	if (fd > 0)
		close(fd);
	return rc;
}

/* Never a number that is not one: such a value counts as not known. */
static void
out_val(struct facts *w, const char *key, const struct val *v)
{
	if (v->have && isfinite(v->v))
		facts_num(w, key, v->v);
}

static const char *
pass(int ok)
{
	return ok ? "pass" : "fail";
}

static void
out_verdicts(struct facts *w, const struct result *r, int on_failed)
{
	const char *what = on_failed ? "http_req_failed_threshold" : "threshold";
	int verdict = on_failed ? r->failed_verdict : r->verdict;
	struct json_obj inner;
	size_t i, k = 0;
	char key[RESULT_NAME_MAX + 64];

	if (verdict >= 0) {
		snprintf(key, sizeof key, "%ss", what);
		facts_str(w, key, pass(verdict));
	}
	for (i = 0; i < r->nverdicts; i++) {
		if (r->verdicts[i].on_failed != on_failed)
			continue;
		if (w->json) {
			if (k++ == 0) {
				jo_key(&w->o, what);
				jo_begin(&inner, stdout);
			}
			jo_str(&inner, r->verdicts[i].source, pass(r->verdicts[i].ok));
		} else {
			snprintf(key, sizeof key, "%s.%s", what, r->verdicts[i].source);
			facts_str(w, key, pass(r->verdicts[i].ok));
		}
	}
	if (k > 0)
		jo_end(&inner);
}

static const char *
prec_name(enum prec p)
{
	return p == PREC_TRUNCATED ? "truncated" : p == PREC_ROUNDED ? "rounded" :
	    p == PREC_UNSURE ? "truncated-or-rounded" : p == PREC_BOUNDED ? "bounded" : "exact";
}

/*
 * Whether the value is below the limit, and the largest value it may stand
 * for. A printed value passes only when all it may stand for is below: a
 * truncated v is in [v, v + step), a rounded one in [v - step/2, v + step/2],
 * a bounded one within step·t of the true t, so t <= v / (1 - step).
 */
static int
below(const struct val *v, double max, double *hi)
{
	switch (v->prec) {
	case PREC_EXACT:
		*hi = v->v;
		return v->v < max;
	case PREC_ROUNDED:
		*hi = v->v + v->step / 2;
		return *hi < max;
	case PREC_BOUNDED:
		*hi = v->v / (1 - v->step);
		return *hi < max;
	default:
		*hi = v->v + v->step;
		return *hi <= max;
	}
}

static void
output(const struct opts *o, const char *file, const struct result *r, int gate_p, int gate_f)
{
	struct facts w;
	char key[64];

	facts_begin(&w, stdout, o->json);
	snprintf(key, sizeof key, "%s_ms", o->pname);
	out_val(&w, key, &r->pct);
	if (r->merged || r->pct.prec == PREC_BOUNDED) {
		snprintf(key, sizeof key, "%s_precision", o->pname);
		facts_str(&w, key, prec_name(r->pct.prec));
		snprintf(key, sizeof key, "%s_rel_error", o->pname);
		if (r->pct.prec == PREC_BOUNDED)
			facts_num(&w, key, r->pct.step);
	} else if (r->pct.prec != PREC_EXACT) {
		snprintf(key, sizeof key, "%s_ms_step", o->pname);
		facts_num(&w, key, r->pct.step);
		facts_str(&w, "rounding", prec_name(r->pct.prec));
	}
	out_val(&w, "avg_ms", &r->avg);
	out_val(&w, "min_ms", &r->min);
	out_val(&w, "med_ms", &r->med);
	out_val(&w, "max_ms", &r->max);
	if (r->have_failed) {
		facts_num(&w, "http_req_failed", r->failed);
		facts_str(&w, "http_req_failed_metric", r->failed_metric);
		if (r->have_failed_counts) {
			facts_num(&w, "http_req_failed_count", r->failed_n);
			facts_num(&w, "http_req_failed_of", r->failed_total);
		}
	}
	if (r->have_requests)
		facts_num(&w, "requests", r->requests);
	facts_str(&w, "source", r->source);
	facts_str(&w, "file", file);
	facts_str(&w, "metric", r->metric);
	if (r->merged) {
		facts_num(&w, "files", r->nfiles);
		facts_num(&w, "passes", r->passes);
	}
	if (r->method != NULL) {
		facts_str(&w, "method", r->method);
		facts_num(&w, "series", (double)r->series);
		if (r->fixed_monotonic)
			facts_str(&w, "buckets", "fixed-monotonic");
	}
	out_verdicts(&w, r, 0);
	out_verdicts(&w, r, 1);
	if (gate_p >= 0) {
		snprintf(key, sizeof key, "gate_%s", o->pname);
		facts_str(&w, key, gate_p == 2 ? "unknown" : pass(gate_p));
	}
	if (gate_f >= 0)
		facts_str(&w, "gate_http_req_failed", gate_f == 2 ? "unknown" : pass(gate_f));
	facts_end(&w);
	if (w.json)
		putchar('\n');
}

/* Each gate: 1 passes, 0 fails (said on stderr), 2 cannot be checked, -1 not asked. */
static int
gate_pct(const struct opts *o, const char *file, const struct result *r)
{
	char a[40], b[40], c[40], d[40];
	double hi;

	if (!o->have_max)
		return -1;
	if (!r->pct.have || !isfinite(r->pct.v) || r->pct.v < 0)
		return 2;
	if (below(&r->pct, o->max, &hi))
		return 1;
	if (r->pct.prec == PREC_BOUNDED)
		warnf("%s: %s %s ms (from histograms, within %g%%: up to %s ms) is not below %s ms",
		    file, o->pname, num(a, sizeof a, r->pct.v), r->pct.step * 100,
		    num(c, sizeof c, hi), num(b, sizeof b, o->max));
	else if (r->pct.prec == PREC_EXACT)
		warnf("%s: %s %s ms is not below %s ms (+%.6g ms)", file, o->pname,
		    num(a, sizeof a, r->pct.v), num(b, sizeof b, o->max), r->pct.v - o->max);
	else
		warnf("%s: %s %s ms (printed %s by k6: up to %s ms) is not below %s ms (+%s ms)",
		    file, o->pname, num(a, sizeof a, r->pct.v), prec_name(r->pct.prec),
		    num(c, sizeof c, hi), num(b, sizeof b, o->max),
		    num(d, sizeof d, hi - o->max));
	return 0;
}

static int
gate_failed(const struct opts *o, const char *file, const struct result *r)
{
	char a[40], b[40];

	if (!o->have_fmax)
		return -1;
	if (!r->have_failed) {
		warnf("%s: no http_req_failed to check --failed-max against", file);
		return 2;
	}
	if (r->failed < o->fmax)
		return 1;
	if (r->have_failed_counts)
		warnf("%s: http_req_failed %s (%.0f of %.0f) is not below %s (+%.6g)", file,
		    num(a, sizeof a, r->failed), r->failed_n, r->failed_total,
		    num(b, sizeof b, o->fmax), r->failed - o->fmax);
	else
		warnf("%s: http_req_failed %s is not below %s (+%.6g)", file,
		    num(a, sizeof a, r->failed), num(b, sizeof b, o->fmax),
		    r->failed - o->fmax);
	return 0;
}

static void
add_tag(struct opts *o, char *arg)
{
	char *sep = strchr(arg, '=');
	size_t i;

	if (sep == NULL)
		sep = strchr(arg, ':');
	if (sep == NULL || sep == arg)
		die(EXIT_USAGE, "bad tag '%s': want tag=value", arg);
	if (o->q.ntags == MAX_TAGS)
		die(EXIT_USAGE, "too many -t (at most %d)", MAX_TAGS);
	*sep = '\0';
	if (strpbrk(arg, ",{}:") != NULL || strpbrk(sep + 1, ",{}") != NULL)
		die(EXIT_USAGE, "bad tag '%s': a k6 tag name has no ':', ',', '{' or '}'", arg);
	for (i = 0; i < o->q.ntags; i++)
		if (strcmp(o->tags[i].key, arg) == 0)
			die(EXIT_USAGE, "tag '%s' given twice", arg);
	o->tags[o->q.ntags].key = arg;
	o->tags[o->q.ntags++].value = sep + 1;
}

static void
options(int argc, char *argv[], struct opts *o)
{
	static const struct option longs[] = {
		{ "counter", required_argument, NULL, 'c' },
		{ "failed-max", required_argument, NULL, 'e' },
		{ "format", required_argument, NULL, 'f' },
		{ "json", no_argument, NULL, 'j' },
		{ "max", required_argument, NULL, 'l' },
		{ "merge", no_argument, NULL, 'M' },
		{ "metric", required_argument, NULL, 'm' },
		{ "percentile", required_argument, NULL, 'p' },
		{ "series", required_argument, NULL, 's' },
		{ "tag", required_argument, NULL, 't' },
		USAGE_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	static const char *fmts[] = { "auto", "json", "ndjson", "log", "prom", "csv" };
	char b[40];
	int c;
	size_t i;

	memset(o, 0, sizeof *o);
	o->q.metric = "http_req_duration";
	o->q.pct = 95;
	o->q.tags = o->tags;
	while ((c = getopt_long(argc, argv, "MVc:e:f:hjl:m:p:s:t:", longs, NULL)) != -1) {
		switch (c) {
		case 'V':
			usage_version();
		case 'c':
			o->counter = optarg;
			break;
		case 'e':
			if (parse_double(optarg, 0, 1, &o->fmax) != 0)
				die(EXIT_USAGE, "bad --failed-max '%s': not a ratio from 0 to 1", optarg);
			o->have_fmax = 1;
			break;
		case 'f':
			for (i = 0; i < sizeof fmts / sizeof fmts[0]; i++)
				if (strcmp(optarg, fmts[i]) == 0)
					break;
			if (i == sizeof fmts / sizeof fmts[0])
				die(EXIT_USAGE, "bad format '%s': want auto, json, ndjson, csv, log or prom",
				    optarg);
			o->fmt = (enum format)i;
			break;
		case 'h':
			usage_help(&usage_p95parse);
		case 'j':
			o->json = 1;
			break;
		case 'l':
			if (parse_double(optarg, 0, 1e15, &o->max) != 0)
				die(EXIT_USAGE, "bad --max '%s': not a number of milliseconds", optarg);
			o->have_max = 1;
			break;
		case 'M':
			o->merge = 1;
			break;
		case 'm':
			if (*optarg == '\0' || strpbrk(optarg, "{}, ") != NULL)
				die(EXIT_USAGE, "bad metric '%s': give the name; tags go in -t", optarg);
			o->q.metric = optarg;
			break;
		case 'p':
			if (parse_double(optarg, 0, 100, &o->q.pct) != 0)
				die(EXIT_USAGE, "bad percentile '%s': not a number from 0 to 100", optarg);
			break;
		case 's':
			o->series = optarg;
			break;
		case 't':
			add_tag(o, optarg);
			break;
		default:
			usage_error(&usage_p95parse);
		}
	}
	snprintf(o->pname, sizeof o->pname, "p%s", num(b, sizeof b, o->q.pct));
}

/* The error of an input: its text must not break the line. */
static void
tell(const char *file, struct result *r)
{
	char *p;

	for (p = r->err; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	warnf("%s: %s", file, r->err);
}

/* --merge: every file, read as one run (merge.h). */
static int
merge_main(const struct opts *o, char *const *paths, size_t n)
{
	struct merge_conf c = { &o->q, o->fmt, MERGE_SAMPLES_DEFAULT };
	char files[4096], label[64];
	const char *bad, *env = getenv("P95PARSE_MERGE_SAMPLES");
	struct result r;
	long long lim;
	size_t i, len = 0;
	int gp, gf, status;

	if (env != NULL && *env == '\0')
		env = NULL;
	if (env != NULL && parse_ll(env, 0, 1LL << 40, &lim) != 0)
		die(EXIT_USAGE, "bad P95PARSE_MERGE_SAMPLES '%s': not a count of samples", env);
	if (env != NULL)
		c.samples = (size_t)lim;
	result_init(&r);
	if (merge_run(&c, paths, n, &r, &bad) != 0) {
		snprintf(label, sizeof label, "%zu files merged", n);
		tell(bad != NULL ? bad : label, &r);
		result_free(&r);
		return EXIT_ERROR;
	}
	for (i = 0; i < n && len < sizeof files; i++)
		len += (size_t)snprintf(files + len, sizeof files - len, "%s%s", i ? " " : "",
		    paths[i]);
	snprintf(label, sizeof label, "%zu file%s merged", n, n == 1 ? "" : "s");
	gp = gate_pct(o, label, &r);
	gf = gate_failed(o, label, &r);
	output(o, files, &r, gp, gf);
	result_free(&r);
	status = gp == 0 || gf == 0 ? EXIT_FAILS : gp == 2 || gf == 2 ? EXIT_ERROR : EXIT_HOLDS;
	return finish_stdout(status);
}

int
main(int argc, char *argv[])
{
	struct opts o;
	struct result r;
	int i, gp, gf, status;

	setprogname(argv[0]);
	options(argc, argv, &o);
	if (optind == argc)
		usage_error(&usage_p95parse);
	if (o.merge)
		return merge_main(&o, argv + optind, (size_t)(argc - optind));
	if (o.counter != NULL)
		return counter_main(o.counter, o.json, argv + optind, argc - optind);
	for (i = optind; i < argc; i++) {
		result_init(&r);
		if (parse_file(argv[i], &o, &r) == 0)
			break;
		tell(argv[i], &r);
		result_free(&r);
	}
	if (i == argc)
		return EXIT_ERROR;
	if (r.fixed_monotonic)
		warnf("%s: the bucket counts of %s decrease; repaired as histogram_quantile does",
		    argv[i], r.metric);
	if (o.series != NULL && series_done == 0)
		warnf("--series %s: not written: %s is not NDJSON, and only the raw samples "
		    "(k6's --out json, httpprobe's --out) have the time of each request",
		    o.series, argv[i]);
	gp = gate_pct(&o, argv[i], &r);
	gf = gate_failed(&o, argv[i], &r);
	output(&o, argv[i], &r, gp, gf);
	result_free(&r);
	status = gp == 0 || gf == 0 ? EXIT_FAILS : gp == 2 || gf == 2 ? EXIT_ERROR : EXIT_HOLDS;
	if (series_done < 0)
		status = EXIT_ERROR;
	return finish_stdout(status);
}
