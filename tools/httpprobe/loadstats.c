/* smokekit: the results of a load run, written the way k6 writes them. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "atomic.h"
#include "die.h"
#include "jsonout.h"
#include "loadstats.h"
#include "pctl.h"

int
trend_add(struct trend *t, double ms, size_t exact_max)
{
	double *v;
	size_t cap;

	if (!t->bounded && t->kept == exact_max) {
		/* One more than the bound: from now on the histogram answers. */
		free(t->v);
		t->v = NULL;
		t->kept = t->cap = 0;
		t->bounded = 1;
	}
	if (!t->bounded) {
		if (t->kept == t->cap) {
			/* No room past exact_max; it is at most SIZE_MAX / 8, so no overflow. */
			cap = t->cap ? t->cap * 2 : 4096;
			cap = cap < exact_max ? cap : exact_max;
			if ((v = realloc(t->v, cap * sizeof *v)) == NULL)
				return -1;
			t->v = v;
			t->cap = cap;
		}
		t->v[t->kept++] = ms;
		t->sorted = 0;
	}
	if (t->n == 0 || ms < t->min)
		t->min = ms;
	if (t->n == 0 || ms > t->max)
		t->max = ms;
	t->n++;
	t->sum += ms;
	loghist_add(&t->h, ms > 0 ? ms : 0);
	return 0;
}

double
trend_avg(const struct trend *t)
{
	return t->n ? t->sum / (double)t->n : 0;
}

double
trend_pct(struct trend *t, double p)
{
	double v;

	if (t->n == 0)
		return 0;
	if (t->bounded) {
		/* The exact percentile is within [min, max]: so may the estimate be. */
		v = loghist_pct(&t->h, p);
		return v < t->min ? t->min : v > t->max ? t->max : v;
	}
	if (!t->sorted) {
		pctl_sort(t->v, t->kept);
		t->sorted = 1;
	}
	return pctl_sorted(t->v, t->kept, p);
}

void
trend_free(struct trend *t)
{
	free(t->v);
	loghist_free(&t->h);
	memset(t, 0, sizeof *t);
}

const char *
load_fail_name(enum load_fail f)
{
	static const char *const names[FAIL_NCLASS] = {
		"none", "refused", "reset", "timeout", "status", "protocol"
	};

	return (unsigned)f < FAIL_NCLASS ? names[f] : "unknown";
}

const char *const phase_metric[NPHASES] = {
	"http_req_blocked", "http_req_connecting", "http_req_sending",
	"http_req_waiting", "http_req_receiving",
};

static size_t
exact_max(const struct load_stats *s)
{
	return s->exact_max ? s->exact_max : TREND_EXACT_DEFAULT;
}

int
stats_add(struct load_stats *s, const struct load_result *r)
{
	size_t i, max = exact_max(s);

	if (trend_add(&s->all, r->ms, max) != 0 ||
	    (r->expected && trend_add(&s->ok, r->ms, max) != 0))
		return -1;
	for (i = 0; i < NPHASES; i++)
		if (trend_add(&s->phase[i], r->phase[i], max) != 0)
			return -1;
	s->check_passes += (unsigned long long)r->checks_passed;
	s->check_fails += (unsigned long long)r->checks_failed;
	s->reqs++;
	if (r->status > 0)
		s->responses++;
	if (r->fail != FAIL_NONE && (unsigned)r->fail < FAIL_NCLASS) {
		s->failed++;
		if (s->by_class[r->fail]++ == 0)
			snprintf(s->first_error[r->fail], sizeof s->first_error[0],
			    "%s", r->error ? r->error : "");
		if (r->fail == FAIL_STATUS && s->first_status == 0)
			s->first_status = r->status;
	}
	return 0;
}

void
stats_free(struct load_stats *s)
{
	size_t i;

	trend_free(&s->all);
	trend_free(&s->ok);
	for (i = 0; i < NPHASES; i++)
		trend_free(&s->phase[i]);
}

/* parseFloat(v.toFixed(prec)).toString(): fixed point, trailing zeros dropped. */
void
k6_fixed(char *buf, size_t size, double v, int prec)
{
	char *end;

	snprintf(buf, size, "%.*f", prec, v);
	if (strchr(buf, '.') != NULL) {
		end = buf + strlen(buf);
		while (end[-1] == '0')
			*--end = '\0';
		if (end[-1] == '.')
			*--end = '\0';
	}
	if (strcmp(buf, "-0") == 0)
		strcpy(buf, "0");
}

/* toFixedNoTrailingZerosTrunc: truncated, not rounded. */
static void
fixed_trunc(char *buf, size_t size, double v, int prec)
{
	double mult = pow(10, prec);

	k6_fixed(buf, size, trunc(mult * v) / mult, prec);
}

/* humanizeGenericDuration: 0s, 123ns, 378.35µs, 9.6ms, 1.53s, 1m2s, 1h2m3s. */
void
k6_duration(char *buf, size_t size, double ms)
{
	char num[64], sec[80];
	double rem;

	if (ms == 0) {
		snprintf(buf, size, "0s");
		return;
	}
	if (ms < 0.001) {
		snprintf(buf, size, "%.0fns", trunc(ms * 1000000));
		return;
	}
	if (ms < 1 || ms < 1000) {
		fixed_trunc(num, sizeof num, ms < 1 ? ms * 1000 : ms, 2);
		snprintf(buf, size, "%s%s", num, ms < 1 ? "\xc2\xb5s" : "ms");
		return;
	}
	fixed_trunc(num, sizeof num, fmod(ms, 60000) / 1000, ms > 60000 ? 0 : 2);
	snprintf(sec, sizeof sec, "%ss", num);
	rem = trunc(ms / 60000);
	if (rem < 1) {
		snprintf(buf, size, "%s", sec);
		return;
	}
	if (trunc(rem / 60) < 1)
		snprintf(buf, size, "%.0fm%s", fmod(rem, 60), sec);
	else
		snprintf(buf, size, "%.0fh%.0fm%s", trunc(rem / 60), fmod(rem, 60), sec);
}

/* JavaScript's Number.prototype.toString for the values a summary shows. */
static void
js_number(char *buf, size_t size, double v)
{
	int prec;

	for (prec = 1; prec <= 17; prec++) {
		snprintf(buf, size, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
}

/* humanizeBytes: base 1000, "811 B", "6.6 kB", "17 kB". */
void
k6_bytes(char *buf, size_t size, double bytes)
{
	static const char *const units[] = {
		"B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"
	};
	char num[64];
	double e, val;

	if (bytes < 10) {
		js_number(num, sizeof num, bytes);
		snprintf(buf, size, "%s B", num);
		return;
	}
	e = floor(log(bytes) / log(1000));
	if (e > 8)
		e = 8;
	val = floor(bytes / pow(1000, e) * 10 + 0.5) / 10;
	/* toFixed rounds half up; val has one decimal, so this is exact. */
	if (val < 10)
		snprintf(buf, size, "%.1f %s", val, units[(int)e]);
	else
		snprintf(buf, size, "%.0f %s", floor(val + 0.5), units[(int)e]);
}

/*
 * The metrics of a run as k6 lists them: sorted by name, a sub-metric
 * right after its parent. Each has up to NSTATS values.
 */
#define NSTATS 6
static const char *const trend_stats[NSTATS] = {
	"avg", "min", "med", "max", "p(90)", "p(95)"
};
static const double trend_pcts[NSTATS] = { -1, -1, 0.5, -1, 0.90, 0.95 };

enum mtype { M_COUNTER, M_GAUGE, M_RATE, M_TREND };
enum mcontains { C_DEFAULT, C_TIME, C_DATA };

#define NAME_MAX_LEN 512   /* a sub-metric's name holds the --tag */

struct metric {
	char name[NAME_MAX_LEN];
	enum mtype type;
	enum mcontains contains;
	double v[NSTATS];   /* count rate | value min max | passes fails value | trend_stats */
	const struct trend *t;   /* a trend's: its histogram, and whether med and p(N) are */
};

#define MAX_METRICS 20

static void
put_counter(struct metric *m, const char *name, enum mcontains c,
    double count, double secs)
{
	snprintf(m->name, sizeof m->name, "%s", name);
	m->type = M_COUNTER;
	m->contains = c;
	m->v[0] = count;
	m->v[1] = secs > 0 ? count / secs : 0;
}

static void
put_gauge(struct metric *m, const char *name, double v)
{
	snprintf(m->name, sizeof m->name, "%s", name);
	m->type = M_GAUGE;
	m->contains = C_DEFAULT;
	m->v[0] = m->v[1] = m->v[2] = v;
}

static void
put_trend(struct metric *m, const char *name, struct trend *t)
{
	int i;

	snprintf(m->name, sizeof m->name, "%s", name);
	m->type = M_TREND;
	m->contains = C_TIME;
	m->t = t;
	m->v[0] = trend_avg(t);
	m->v[1] = t->min;
	m->v[3] = t->max;
	for (i = 0; i < NSTATS; i++)
		if (trend_pcts[i] >= 0)
			m->v[i] = trend_pct(t, trend_pcts[i]);
}

static void
put_rate(struct metric *m, const char *name, double passes, double fails)
{
	snprintf(m->name, sizeof m->name, "%s", name);
	m->type = M_RATE;
	m->contains = C_DEFAULT;
	m->v[0] = passes;
	m->v[1] = fails;
	m->v[2] = passes + fails > 0 ? passes / (passes + fails) : 0;
}

/* k6 lists metrics sorted by name: checks first, the phases around the duration. */
static size_t
build_metrics(struct load_stats *s, struct metric *m)
{
	double secs = s->elapsed_ms / 1000;
	size_t n = 0, first_sub;
	char name[NAME_MAX_LEN];

	if (s->have_checks)
		put_rate(&m[n++], "checks", (double)s->check_passes, (double)s->check_fails);
	put_counter(&m[n++], "data_received", C_DATA, (double)s->bytes_in, secs);
	put_counter(&m[n++], "data_sent", C_DATA, (double)s->bytes_out, secs);
	if (s->dropped > 0)
		put_counter(&m[n++], "dropped_iterations", C_DEFAULT, (double)s->dropped, secs);
	if (s->reqs > 0) {
		put_trend(&m[n++], "http_req_blocked", &s->phase[PH_BLOCKED]);
		put_trend(&m[n++], "http_req_connecting", &s->phase[PH_CONNECTING]);
		put_trend(&m[n++], "http_req_duration", &s->all);
		first_sub = n;
		if (s->tag_key != NULL) {
			snprintf(name, sizeof name, "http_req_duration{%s:%s}",
			    s->tag_key, s->tag_value);
			put_trend(&m[n++], name, &s->all);
		}
		if (s->ok.n > 0) {
			put_trend(&m[n++], "http_req_duration{expected_response:true}", &s->ok);
			/* Sub-metrics are sorted by their suffix. */
			if (n - first_sub == 2 && strcmp(m[first_sub].name, m[n - 1].name) > 0) {
				struct metric tmp = m[first_sub];
				m[first_sub] = m[n - 1];
				m[n - 1] = tmp;
			}
		}
		put_rate(&m[n++], "http_req_failed", (double)s->failed,
		    (double)(s->reqs - s->failed));
		put_trend(&m[n++], "http_req_receiving", &s->phase[PH_RECEIVING]);
		put_trend(&m[n++], "http_req_sending", &s->phase[PH_SENDING]);
		put_trend(&m[n++], "http_req_waiting", &s->phase[PH_WAITING]);
		put_counter(&m[n++], "http_reqs", C_DEFAULT, (double)s->reqs, secs);
		put_counter(&m[n++], "iterations", C_DEFAULT, (double)s->reqs, secs);
	}
	put_gauge(&m[n++], "vus", s->vus);
	put_gauge(&m[n++], "vus_max", s->vus);
	return n;
}

/* humanizeValue */
static void
k6_value(char *buf, size_t size, const struct metric *m, double v)
{
	if (m->type == M_RATE) {
		snprintf(buf, size, "%.2f%%", trunc(v * 100 * 100) / 100);
		return;
	}
	switch (m->contains) {
	case C_DATA:
		k6_bytes(buf, size, v);
		break;
	case C_TIME:
		k6_duration(buf, size, v);
		break;
	default:
		k6_fixed(buf, size, v, 6);
		break;
	}
}

/* Display width: code points, so "µs" is two columns wide, not three. */
static size_t
width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return w;
}

/* The text of one cell, coloured like k6 when asked. */
static void
put_cell(FILE *fp, int color, const char *codes, const char *text, size_t pad)
{
	if (color)
		fprintf(fp, "\x1b[%sm%s\x1b[0m", codes, text);
	else
		fputs(text, fp);
	while (pad-- > 0)
		putc(' ', fp);
}

#define CELL 96

/* k6's summarizeCheck: "✓ name", or "✗ name" and "↳  80% — ✓ 8 / ✗ 2". */
static void
summary_checks(FILE *fp, const struct load_stats *s, int color)
{
	unsigned long long p, f;
	size_t i;

	for (i = 0; i < s->nchecks; i++) {
		p = s->check_passes_by[i];
		f = s->check_fails_by[i];
		if (color)
			fputs(f == 0 ? "\x1b[32m" : "\x1b[31m", fp);
		if (f == 0)
			fprintf(fp, "     \xe2\x9c\x93 %s", s->check_names[i]);
		else
			fprintf(fp, "     \xe2\x9c\x97 %s\n      \xe2\x86\xb3  %llu%% \xe2\x80\x94 "
			    "\xe2\x9c\x93 %llu / \xe2\x9c\x97 %llu", s->check_names[i],
			    100 * p / (p + f), p, f);
		fputs(color ? "\x1b[0m\n" : "\n", fp);
	}
	if (s->nchecks > 0)
		putc('\n', fp);
}

/*
 * After the metrics, whether their percentiles are exact: one line that is
 * not a metric's (no dots before its colon), so readers of k6's summary
 * skip it. Every request adds to http_req_duration and to each phase, so
 * they are all bounded or none; only expected_response:true, when some
 * failed, may have fewer samples.
 */
static void
summary_precision(FILE *fp, const struct load_stats *s)
{
	if (s->reqs == 0)
		return;
	/* 0.5%: LOGHIST_REL_ERROR, written out to keep the line one format. */
	fprintf(fp, s->all.bounded ? "\n     percentiles are within 0.5%%: more than %zu samples "
	    "a metric, from a log-linear histogram" : "\n     percentiles are exact: every "
	    "sample kept (at most %zu a metric)", exact_max(s));
	if (s->all.bounded && s->ok.n > 0 && !s->ok.bounded)
		fputs("; exact: { expected_response:true }", fp);
	putc('\n', fp);
}

/* k6's summarizeMetrics (v0.57 legacy layout). */
void
stats_summary_text(FILE *fp, struct load_stats *s, int color)
{
	struct metric m[MAX_METRICS];
	char cells[MAX_METRICS][NSTATS][CELL], disp[MAX_METRICS][NAME_MAX_LEN + 4];
	size_t n = build_metrics(s, m), i, j, w, namemax = 0;
	size_t trendw[NSTATS] = { 0 }, valw = 0, extraw[2] = { 0 };
	int sub;

	for (i = 0; i < n; i++) {
		const char *brace = strchr(m[i].name, '{');
		if (brace != NULL)
			snprintf(disp[i], sizeof disp[i], "{ %.*s }",
			    (int)strlen(brace + 1) - 1, brace + 1);
		else   /* disp is larger than any name */
			memcpy(disp[i], m[i].name, strlen(m[i].name) + 1);
		w = width(disp[i]) + (brace != NULL ? 2 : 0);
		if (w > namemax)
			namemax = w;
		if (m[i].type == M_TREND) {
			for (j = 0; j < NSTATS; j++) {
				k6_value(cells[i][j], CELL, &m[i], m[i].v[j]);
				if ((w = width(cells[i][j])) > trendw[j])
					trendw[j] = w;
			}
			continue;
		}
		k6_value(cells[i][0], CELL, &m[i], m[i].v[m[i].type == M_RATE ? 2 : 0]);
		if (m[i].type == M_COUNTER) {
			k6_value(cells[i][1], CELL - 2, &m[i], m[i].v[1]);
			strcat(cells[i][1], "/s");
		} else if (m[i].type == M_GAUGE) {
			k6_value(cells[i][3], CELL, &m[i], m[i].v[1]);
			snprintf(cells[i][1], CELL, "min=%s", cells[i][3]);
			k6_value(cells[i][3], CELL, &m[i], m[i].v[2]);
			snprintf(cells[i][2], CELL, "max=%s", cells[i][3]);
		} else {
			snprintf(cells[i][1], CELL, "%.0f out of %.0f",
			    m[i].v[0], m[i].v[0] + m[i].v[1]);
		}
		if ((w = width(cells[i][0])) > valw)
			valw = w;
		for (j = 1; j <= (m[i].type == M_GAUGE ? 2u : 1u); j++)
			if ((w = width(cells[i][j])) > extraw[j - 1])
				extraw[j - 1] = w;
	}

	putc('\n', fp);
	summary_checks(fp, s, color);
	for (i = 0; i < n; i++) {
		sub = strchr(m[i].name, '{') != NULL;
		fprintf(fp, "   %s  %s", sub ? "  " : "", disp[i]);
		w = namemax - width(disp[i]) - (sub ? 2 : 0) + 3;
		if (color)
			fputs("\x1b[2m", fp);
		while (w-- > 0)
			putc('.', fp);
		fputs(color ? ":\x1b[0m " : ": ", fp);
		if (m[i].type == M_TREND) {
			for (j = 0; j < NSTATS; j++) {
				fprintf(fp, "%s%s=", j ? " " : "", trend_stats[j]);
				put_cell(fp, color, "36", cells[i][j], trendw[j] - width(cells[i][j]));
			}
		} else {
			put_cell(fp, color, "36", cells[i][0], valw - width(cells[i][0]));
			putc(' ', fp);
			if (m[i].type == M_GAUGE) {
				/* Two extras: each padded to its column. */
				put_cell(fp, color, "36;2", cells[i][1], extraw[0] - width(cells[i][1]));
				putc(' ', fp);
				put_cell(fp, color, "36;2", cells[i][2], extraw[1] - width(cells[i][2]));
			} else {
				put_cell(fp, color, "36;2", cells[i][1], 0);
			}
		}
		putc('\n', fp);
	}
	summary_precision(fp, s);
	fputs("\n\n", fp);
}

static void
indent(FILE *fp, int level)
{
	putc('\n', fp);
	while (level-- > 0)
		fputs("    ", fp);
}

/* "key": value with JSON.stringify's 4-space indentation. */
static void
export_key(FILE *fp, int level, int first, const char *key)
{
	if (!first)
		putc(',', fp);
	indent(fp, level);
	json_put_cstring(fp, key);
	fputs(": ", fp);
}

/*
 * The members k6's readers ignore, after "metrics": "smokekit_histogram",
 * each http_req_duration trend's histogram (loghist.h), so that N hosts'
 * exports merge with p95parse --merge within LOGHIST_REL_ERROR; and
 * "smokekit_precision", whether each trend's med and p(N) are exact or
 * its histogram's. Nothing when no request finished.
 */
static void
export_smokekit(FILE *fp, const struct load_stats *s, const struct metric *m, size_t n)
{
	size_t i;
	int first = 1;

	if (s->reqs == 0)
		return;
	fputs(",\n    \"smokekit_histogram\": {", fp);
	for (i = 0; i < n; i++)
		if (strncmp(m[i].name, "http_req_duration", 17) == 0) {
			fputs(first ? "\n        " : ",\n        ", fp);
			json_put_cstring(fp, m[i].name);
			fputs(": ", fp);
			loghist_write_json(fp, &m[i].t->h);
			first = 0;
		}
	fprintf(fp, "\n    },\n    \"smokekit_precision\": {\n        \"exact_samples\": %zu,\n"
	    "        \"rel_error\": %g,\n        \"percentiles\": {", exact_max(s), LOGHIST_REL_ERROR);
	for (first = 1, i = 0; i < n; i++)
		if (m[i].type == M_TREND) {
			fputs(first ? "\n            " : ",\n            ", fp);
			json_put_cstring(fp, m[i].name);
			fputs(m[i].t->bounded ? ": \"bounded\"" : ": \"exact\"", fp);
			first = 0;
		}
	fputs("\n        }\n    }", fp);
}

void
stats_summary_export(FILE *fp, struct load_stats *s)
{
	static const char *const keys[][NSTATS] = {
		[M_COUNTER] = { "count", "rate" },
		[M_GAUGE] = { "value", "min", "max" },
		[M_RATE] = { "passes", "fails", "value" },
	};
	static const int nkeys[] = { [M_COUNTER] = 2, [M_GAUGE] = 3, [M_RATE] = 3, [M_TREND] = NSTATS };
	/* No groups, no checks: the id is the md5 of the empty path, as in k6. */
	static const char *const root[][2] = {
		{ "name", "\"\"" }, { "path", "\"\"" },
		{ "id", "\"d41d8cd98f00b204e9800998ecf8427e\"" },
		{ "groups", "{}" }, { "checks", "{}" },
	};
	struct metric m[MAX_METRICS];
	size_t n = build_metrics(s, m), i;
	int j;

	fputs("{", fp);
	export_key(fp, 1, 1, "root_group");
	fputs("{", fp);
	for (i = 0; i < sizeof root / sizeof root[0]; i++) {
		export_key(fp, 2, i == 0, root[i][0]);
		fputs(root[i][1], fp);
	}
	indent(fp, 1);
	fputs("}", fp);
	export_key(fp, 1, 0, "metrics");
	fputs("{", fp);
	for (i = 0; i < n; i++) {
		export_key(fp, 2, i == 0, m[i].name);
		fputs("{", fp);
		for (j = 0; j < nkeys[m[i].type]; j++) {
			export_key(fp, 3, j == 0,
			    m[i].type == M_TREND ? trend_stats[j] : keys[m[i].type][j]);
			json_put_number(fp, m[i].v[j]);
		}
		indent(fp, 2);
		fputs("}", fp);
	}
	indent(fp, 1);
	fputs("}", fp);
	export_smokekit(fp, s, m, n);
	indent(fp, 0);
	fputs("}", fp);
}

void
stats_keyvalue(FILE *fp, struct load_stats *s)
{
	stats_facts(fp, s, 0);
}

void
stats_facts(FILE *fp, struct load_stats *s, int json)
{
	static const struct { const char *key; double p; } pcts[] = {
		{ "p50_ms", 0.5 }, { "p90_ms", 0.9 }, { "p95_ms", 0.95 },
		{ "p99_ms", 0.99 }, { "p99_9_ms", 0.999 },
	};
	struct facts f;
	char key[32];
	size_t i;

	/* In the same form as p95parse prints them. */
	facts_begin(&f, fp, json);
	facts_int(&f, "requests", (long long)s->reqs);
	facts_int(&f, "ok", (long long)(s->reqs - s->failed));
	facts_int(&f, "failed", (long long)s->failed);
	for (i = FAIL_NONE + 1; i < FAIL_NCLASS; i++) {
		snprintf(key, sizeof key, "failed_%s", load_fail_name(i));
		facts_int(&f, key, (long long)s->by_class[i]);
	}
	facts_num(&f, "http_req_failed", s->reqs ? (double)s->failed / (double)s->reqs : 0);
	facts_int(&f, "interrupted", (long long)s->interrupted);
	facts_int(&f, "dropped", (long long)s->dropped);
	facts_num(&f, "elapsed_ms", s->elapsed_ms);
	facts_num(&f, "rps", s->elapsed_ms > 0 ? (double)s->reqs * 1000 / s->elapsed_ms : 0);
	facts_num(&f, "min_ms", s->all.n ? s->all.min : 0);
	facts_num(&f, "avg_ms", trend_avg(&s->all));
	for (i = 0; i < sizeof pcts / sizeof pcts[0]; i++)
		facts_num(&f, pcts[i].key, trend_pct(&s->all, pcts[i].p));
	facts_num(&f, "max_ms", s->all.n ? s->all.max : 0);
	/* p95parse's words for a percentile from a histogram; min, avg, max stay exact. */
	facts_str(&f, "p95_precision", s->all.bounded ? "bounded" : "exact");
	if (s->all.bounded)
		facts_num(&f, "p95_rel_error", LOGHIST_REL_ERROR);
	facts_int(&f, "data_received", (long long)s->bytes_in);
	facts_int(&f, "data_sent", (long long)s->bytes_out);
	if (s->more_facts != NULL)
		s->more_facts(s->more_ctx, &f);
	facts_end(&f);
	if (json)
		putc('\n', fp);
}

void
rfc3339nano(char *buf, size_t size, const struct timespec *ts)
{
	struct tm tm;
	time_t t = ts->tv_sec;
	char frac[16] = "";
	long ns = ts->tv_nsec;
	int digits = 9;

	gmtime_r(&t, &tm);
	if (ns > 0) {
		while (ns % 10 == 0) {
			ns /= 10;
			digits--;
		}
		snprintf(frac, sizeof frac, ".%0*ld", digits, ns);
	}
	snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d%sZ", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
}

void
result_json_line(FILE *fp, const struct load_result *r)
{
	struct json_obj o;
	char when[48], key[32];
	size_t i;

	rfc3339nano(when, sizeof when, &r->end);
	jo_begin(&o, fp);
	jo_int(&o, "seq", (long long)r->seq);
	jo_str(&o, "time", when);
	jo_int(&o, "status", r->status);
	jo_num(&o, "ms", r->ms);
	jo_bool(&o, "expected", r->expected);
	jo_str(&o, "class", r->fail == FAIL_NONE ? NULL : load_fail_name(r->fail));
	jo_str(&o, "error", r->error);
	jo_int(&o, "bytes_received", (long long)r->bytes_in);
	jo_int(&o, "bytes_sent", (long long)r->bytes_out);
	for (i = 0; i < NPHASES; i++) {
		/* http_req_blocked is "blocked_ms". */
		snprintf(key, sizeof key, "%s_ms", phase_metric[i] + 9);
		jo_num(&o, key, r->phase[i]);
	}
	jo_end(&o);
	putc('\n', fp);
}

/* The NDJSON metrics, in the order k6 emits a request's samples. */
enum {
	N_REQS, N_DURATION, N_BLOCKED, N_CONNECTING, N_SENDING, N_WAITING, N_RECEIVING,
	N_FAILED, N_CHECKS, N_SENT, N_RECEIVED, N_ITERATIONS, N_VUS, N_VUS_MAX
};
static const struct {
	const char *name, *type, *contains;
} nd_metrics[] = {
	[N_REQS] = { "http_reqs", "counter", "default" },
	[N_DURATION] = { "http_req_duration", "trend", "time" },
	[N_BLOCKED] = { "http_req_blocked", "trend", "time" },
	[N_CONNECTING] = { "http_req_connecting", "trend", "time" },
	[N_SENDING] = { "http_req_sending", "trend", "time" },
	[N_WAITING] = { "http_req_waiting", "trend", "time" },
	[N_RECEIVING] = { "http_req_receiving", "trend", "time" },
	[N_FAILED] = { "http_req_failed", "rate", "default" },
	[N_CHECKS] = { "checks", "rate", "default" },
	[N_SENT] = { "data_sent", "counter", "data" },
	[N_RECEIVED] = { "data_received", "counter", "data" },
	[N_ITERATIONS] = { "iterations", "counter", "default" },
	[N_VUS] = { "vus", "gauge", "default" },
	[N_VUS_MAX] = { "vus_max", "gauge", "default" },
};

struct tag {
	const char *k, *v;
};

static int
cmp_tag(const void *a, const void *b)
{
	return strcmp(((const struct tag *)a)->k, ((const struct tag *)b)->k);
}

/* Adds the --tag unless a system tag of that name is already there. */
static size_t
add_user_tag(const struct ndjson *nd, struct tag *t, size_t n)
{
	size_t i;

	if (nd->tag_key == NULL)
		return n;
	for (i = 0; i < n; i++)
		if (strcmp(t[i].k, nd->tag_key) == 0)
			return n;
	t[n].k = nd->tag_key;
	t[n].v = nd->tag_value;
	return n + 1;
}

static void
nd_submetric(FILE *fp, const char *key, const char *value)
{
	struct json_obj o, tags;
	char buf[NAME_MAX_LEN];

	jo_begin(&o, fp);
	snprintf(buf, sizeof buf, "http_req_duration{%s:%s}", key, value);
	jo_str(&o, "name", buf);
	snprintf(buf, sizeof buf, "%s:%s", key, value);
	jo_str(&o, "suffix", buf);
	jo_begin(&tags, jo_key(&o, "tags"));
	jo_str(&tags, key, value);
	jo_end(&tags);
	jo_end(&o);
}

static void
nd_point(struct ndjson *nd, int metric, const char *when, double value,
    struct tag *t, size_t ntags)
{
	FILE *fp = nd->fp;
	struct json_obj o;
	size_t i;

	if (!(nd->seen & 1u << metric)) {
		nd->seen |= 1u << metric;
		fprintf(fp, "{\"type\":\"Metric\",\"data\":{\"name\":\"%s\",\"type\":\"%s\","
		    "\"contains\":\"%s\",\"thresholds\":[],\"submetrics\":",
		    nd_metrics[metric].name, nd_metrics[metric].type, nd_metrics[metric].contains);
		if (metric == N_DURATION) {
			putc('[', fp);
			if (nd->tag_key != NULL) {
				nd_submetric(fp, nd->tag_key, nd->tag_value);
				putc(',', fp);
			}
			nd_submetric(fp, "expected_response", "true");
			putc(']', fp);
		} else {
			fputs("null", fp);
		}
		fprintf(fp, "},\"metric\":\"%s\"}\n", nd_metrics[metric].name);
	}
	fprintf(fp, "{\"metric\":\"%s\",\"type\":\"Point\",\"data\":{\"time\":\"%s\",\"value\":",
	    nd_metrics[metric].name, when);
	json_put_number(fp, value);
	fputs(",\"tags\":", fp);
	jo_begin(&o, fp);
	for (i = 0; i < ntags; i++)
		jo_str(&o, t[i].k, t[i].v);
	jo_end(&o);
	fputs("}}\n", fp);
}

void
ndjson_vus(struct ndjson *nd, const struct timespec *when, unsigned vus)
{
	char ts[48];

	rfc3339nano(ts, sizeof ts, when);
	nd_point(nd, N_VUS, ts, vus, NULL, 0);
	nd_point(nd, N_VUS_MAX, ts, vus, NULL, 0);
}

void
ndjson_request(struct ndjson *nd, const struct load_result *r)
{
	struct tag t[12], it[4];
	char ts[48], status[16], code[16];
	size_t n = 0, ni = 0, i;

	rfc3339nano(ts, sizeof ts, &r->end);
	snprintf(status, sizeof status, "%d", r->status);
	/* The system tags k6 puts on an HTTP request's samples. */
	if (r->error != NULL && r->status == 0)
		t[n++] = (struct tag){ "error", r->error };
	if (r->error_code != 0) {
		snprintf(code, sizeof code, "%d", r->error_code);
		t[n++] = (struct tag){ "error_code", code };
	}
	t[n++] = (struct tag){ "expected_response", r->expected ? "true" : "false" };
	t[n++] = (struct tag){ "group", "" };
	t[n++] = (struct tag){ "method", nd->method };
	t[n++] = (struct tag){ "name", nd->url };
	if (r->status > 0)
		t[n++] = (struct tag){ "proto", "HTTP/1.1" };
	t[n++] = (struct tag){ "scenario", "default" };
	t[n++] = (struct tag){ "status", status };
	t[n++] = (struct tag){ "url", nd->url };
	n = add_user_tag(nd, t, n);
	qsort(t, n, sizeof t[0], cmp_tag);

	it[ni++] = (struct tag){ "group", "" };
	it[ni++] = (struct tag){ "scenario", "default" };
	ni = add_user_tag(nd, it, ni);
	qsort(it, ni, sizeof it[0], cmp_tag);

	nd_point(nd, N_REQS, ts, 1, t, n);
	nd_point(nd, N_DURATION, ts, r->ms, t, n);
	for (i = 0; i < NPHASES; i++)
		nd_point(nd, N_BLOCKED + (int)i, ts, r->phase[i], t, n);
	nd_point(nd, N_FAILED, ts, r->expected ? 0 : 1, t, n);
	for (i = 0; r->check_ok != NULL && i < nd->nchecks; i++) {
		/* k6 tags a check's point with its name, the group and the scenario. */
		struct tag ct[5];
		size_t nc = 0;
		ct[nc++] = (struct tag){ "check", nd->checks[i] };
		ct[nc++] = (struct tag){ "group", "" };
		ct[nc++] = (struct tag){ "scenario", "default" };
		nc = add_user_tag(nd, ct, nc);
		qsort(ct, nc, sizeof ct[0], cmp_tag);
		nd_point(nd, N_CHECKS, ts, r->check_ok[i], ct, nc);
	}
	nd_point(nd, N_SENT, ts, (double)r->bytes_out, it, ni);
	nd_point(nd, N_RECEIVED, ts, (double)r->bytes_in, it, ni);
	nd_point(nd, N_ITERATIONS, ts, 1, it, ni);
}

/* The failures in words on stderr, one line per class; the exit status. */
static int
verdict(const struct load_stats *s, const char *host)
{
	int f;

	for (f = FAIL_NONE + 1; f < FAIL_NCLASS; f++) {
		if (s->by_class[f] == 0)
			continue;
		if (f == FAIL_STATUS)
			warnf("%llu of %llu requests failed (status): unexpected status %d",
			    s->by_class[f], s->reqs, s->first_status);
		else
			warnf("%llu of %llu requests failed (%s): %s", s->by_class[f],
			    s->reqs, load_fail_name(f), s->first_error[f]);
	}
	if (s->reqs > 0 && s->interrupted > 0)
		warnf("%llu %s still in flight when the run stopped: not measured",
		    s->interrupted, s->interrupted == 1 ? "request" : "requests");
	if (s->reqs == 0 && s->interrupted > 0) {
		warnf("no request to %s finished: %llu still in flight when the run stopped",
		    host, s->interrupted);
		return EXIT_ERROR;
	}
	if (s->reqs == 0) {
		warnf("no request to %s finished", host);
		return EXIT_ERROR;
	}
	if (s->responses == 0) {
		warnf("no valid response from %s", host);
		return EXIT_ERROR;
	}
	return s->failed > 0 ? EXIT_FAILS : EXIT_HOLDS;
}

int
stats_report(struct load_stats *s, const struct load_config *cfg, const char *host,
    int color)
{
	struct atomic_file af;
	int status;

	if (!cfg->quiet)
		stats_summary_text(stderr, s, color);
	stats_facts(stdout, s, cfg->json);
	status = verdict(s, host);
	if (cfg->summary_export == NULL)
		return status;
	if (atomic_open(&af, cfg->summary_export) != 0) {
		warnf("%s:", cfg->summary_export);
		return EXIT_ERROR;
	}
	stats_summary_export(af.fp, s);
	if (atomic_commit(&af) != 0) {
		warnf("%s:", cfg->summary_export);
		return EXIT_ERROR;
	}
	return status;
}
