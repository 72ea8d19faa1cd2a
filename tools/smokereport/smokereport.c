/* smokereport: write a smoke run's status.json, metrics.txt, TAP and JUnit XML from key=value lines. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomic.h"
#include "facts.h"
#include "figures.h"
#include "html.h"
#include "die.h"
#include "jsonout.h"
#include "markup.h"
#include "readall.h"
#include "series.h"
#include "usage.h"
#include "xalloc.h"

/* A value as JSON: true, false, null and numbers as such, anything else a string. */
static void
put_typed(FILE *fp, const char *val)
{
	if (strcmp(val, "true") == 0 || strcmp(val, "false") == 0 ||
	    strcmp(val, "null") == 0 || is_json_number(val))
		fputs(val, fp);
	else
		json_put_cstring(fp, val);
}

static struct run F;

/* The members of g, one a line; "first" when nothing precedes them. */
static void
put_members(FILE *fp, const struct group *g, const char *indent, int first)
{
	size_t i;

	for (i = 0; i < g->n; i++, first = 0) {
		fprintf(fp, "%s\n%s", first ? "" : ",", indent);
		json_put_cstring(fp, g->kv[i].key);
		fputs(": ", fp);
		put_typed(fp, g->kv[i].val);
	}
}

static void
put_check(FILE *fp, const struct group *c)
{
	static const char *const fixed[] = { "ok", "detail", "ms" };
	struct json_obj o;
	const char *v;
	size_t i, k;

	jo_begin(&o, fp);
	jo_str(&o, "name", c->name);
	for (k = 0; k < 3; k++) {
		v = group_get(c, fixed[k]);
		if (v == NULL)
			jo_null(&o, fixed[k]);
		else if (k == 1)
			jo_str(&o, fixed[k], v);
		else
			put_typed(jo_key(&o, fixed[k]), v);
	}
	for (i = 0; i < c->n; i++) {
		for (k = 0; k < 3 && strcmp(c->kv[i].key, fixed[k]) != 0; k++)
			;
		if (k == 3)
			put_typed(jo_key(&o, c->kv[i].key), c->kv[i].val);
	}
	jo_end(&o);
}

/*
 * "latency": each latency figure with the samples it rests on (null when
 * not known), and "warnings" when a percentile rests on too few of them.
 */
static void
put_latency(FILE *fp)
{
	struct figure fig[FIGURES_MAX];
	size_t i, n = latency_figures(&F, fig, FIGURES_MAX);
	char buf[256];
	int any = 0;

	if (n == 0)
		return;
	fputs(",\n  \"latency\": {", fp);
	for (i = 0; i < n; i++) {
		fputs(i > 0 ? ",\n    " : "\n    ", fp);
		json_put_cstring(fp, fig[i].key);
		fputs(": {\"value\":", fp);
		put_typed(fp, fig[i].value);
		fputs(",\"samples\":", fp);
		json_put_number(fp, fig[i].samples);
		fputs("}", fp);
	}
	fputs("\n  }", fp);
	for (i = 0; i < n; i++)
		if (figure_warning(&fig[i], buf, sizeof buf) != NULL) {
			fputs(any++ ? ",\n    " : ",\n  \"warnings\": [\n    ", fp);
			json_put_cstring(fp, buf);
		}
	if (any)
		fputs("\n  ]", fp);
}

static void
put_status(FILE *fp, int pass)
{
	size_t i;

	fprintf(fp, "{\n  \"status\": \"%s\"", pass ? "pass" : "fail");
	put_members(fp, &F.top, "  ", 0);
	for (i = 0; i < F.sections.n; i++) {
		fputs(",\n  ", fp);
		json_put_cstring(fp, F.sections.g[i].name);
		fputs(": {", fp);
		put_members(fp, &F.sections.g[i], "    ", 1);
		fputs(F.sections.g[i].n > 0 ? "\n  }" : "}", fp);
	}
	put_latency(fp);
	fputs(",\n  \"checks\": [", fp);
	for (i = 0; i < F.checks.n; i++) {
		fputs(i > 0 ? ",\n    " : "\n    ", fp);
		put_check(fp, &F.checks.g[i]);
	}
	fputs(F.checks.n > 0 ? "\n  ]\n}\n" : "]\n}\n", fp);
}

static void
put_metrics(FILE *fp)
{
	size_t i, k;

	for (i = 0; i < F.sections.n; i++)
		if (strcmp(F.sections.g[i].name, "metrics") == 0)
			for (k = 0; k < F.sections.g[i].n; k++)
			{
				/* A CR or ESC in a value must not reach a key=value line. */
				put_line_safe(fp, F.sections.g[i].kv[k].key);
				putc('=', fp);
				put_line_safe(fp, F.sections.g[i].kv[k].val);
				putc('\n', fp);
			}
}

/* Writes path with put(); returns 0 or -1 (said on stderr). */
static int
write_file(const char *path, void (*put)(FILE *, int), int pass)
{
	struct atomic_file af;

	if (atomic_open(&af, path) == -1) {
		warnf("create %s:", path);
		return -1;
	}
	put(af.fp, pass);
	/* Standard output is checked once, at the end; a device now. */
	if (af.tmp == NULL && !af.direct)
		return 0;
	if (atomic_commit(&af) == -1) {
		warnf("write %s:", path);
		return -1;
	}
	return 0;
}

static void
put_metrics_file(FILE *fp, int pass)
{
	(void)pass;
	put_metrics(fp);
}

/* --- TAP and JUnit: one test per check ----------------------------- */

/* A TAP description: '#' and '\' escaped (TAP 13), control characters as '?'. */
static void
tap_put(FILE *fp, const char *s)
{
	for (; *s; s++) {
		if (*s == '#' || *s == '\\')
			putc('\\', fp);
		putc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, fp);
	}
}

/*
 * TAP: the plan, then one line per check in order. No check at all is
 * one failing test, as it is a failing run.
 */
static void
put_tap(FILE *fp, int pass)
{
	const struct group *c;
	const char *detail;
	enum verdict v;
	size_t i;

	(void)pass;
	if (F.checks.n == 0) {
		fputs("1..1\nnot ok 1 - checks: no check was recorded\n", fp);
		return;
	}
	fprintf(fp, "1..%zu\n", F.checks.n);
	for (i = 0; i < F.checks.n; i++) {
		c = &F.checks.g[i];
		v = verdict_of(c);
		fprintf(fp, "%sok %zu - ", v == V_FAIL ? "not " : "", i + 1);
		tap_put(fp, c->name);
		if ((detail = group_get(c, "detail")) != NULL && *detail != '\0') {
			fputs(": ", fp);
			tap_put(fp, detail);
		}
		if (v == V_SKIP) {
			fputs(" # SKIP ", fp);
			tap_put(fp, group_get(c, "skip"));
		}
		putc('\n', fp);
	}
}

/* A check's ms as JUnit's seconds, when it has one. */
static void
put_junit_time(FILE *fp, const char *ms)
{
	if (ms != NULL)
		fprintf(fp, " time=\"%.3f\"", strtod(ms, NULL) / 1000);
}

static void
put_testcase(FILE *fp, const char *name, enum verdict v, const char *detail,
    const char *skip, const char *ms)
{
	fputs("    <testcase classname=\"smokekit\" name=\"", fp);
	xml_put(fp, name);
	putc('"', fp);
	put_junit_time(fp, ms);
	fputs(">\n", fp);
	if (v == V_FAIL) {
		fputs("      <failure message=\"", fp);
		xml_put(fp, detail != NULL ? detail : "failed");
		fputs("\"/>\n", fp);
	} else if (v == V_SKIP) {
		fputs("      <skipped message=\"", fp);
		xml_put(fp, skip);
		fputs("\"/>\n", fp);
	}
	if (detail != NULL && *detail != '\0') {
		fputs("      <system-out>", fp);
		xml_put(fp, detail);
		fputs("</system-out>\n", fp);
	}
	fputs("    </testcase>\n", fp);
}

/*
 * JUnit XML as CI systems read it: one testsuite, one testcase per check
 * in order, <failure> and <skipped> marked, the top-level facts as
 * properties.
 */
static void
put_junit(FILE *fp, int pass)
{
	size_t i, nfail = 0, nskip = 0;
	double total_ms = 0;
	const char *ms;
	int timed = 0;

	(void)pass;
	for (i = 0; i < F.checks.n; i++) {
		enum verdict v = verdict_of(&F.checks.g[i]);

		nfail += v == V_FAIL;
		nskip += v == V_SKIP;
		if ((ms = group_get(&F.checks.g[i], "ms")) != NULL) {
			total_ms += strtod(ms, NULL);
			timed = 1;
		}
	}
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", fp);
	fprintf(fp, "<testsuites name=\"smokekit\" tests=\"%zu\" failures=\"%zu\" "
	    "errors=\"0\" skipped=\"%zu\">\n", F.checks.n ? F.checks.n : 1,
	    F.checks.n ? nfail : 1, nskip);
	fprintf(fp, "  <testsuite name=\"smokekit\" tests=\"%zu\" failures=\"%zu\" "
	    "errors=\"0\" skipped=\"%zu\"", F.checks.n ? F.checks.n : 1,
	    F.checks.n ? nfail : 1, nskip);
	if (timed)
		fprintf(fp, " time=\"%.3f\"", total_ms / 1000);
	fputs(">\n", fp);
	if (F.top.n > 0) {
		fputs("    <properties>\n", fp);
		for (i = 0; i < F.top.n; i++) {
			fputs("      <property name=\"", fp);
			xml_put(fp, F.top.kv[i].key);
			fputs("\" value=\"", fp);
			xml_put(fp, F.top.kv[i].val);
			fputs("\"/>\n", fp);
		}
		fputs("    </properties>\n", fp);
	}
	if (F.checks.n == 0)
		put_testcase(fp, "checks", V_FAIL, "no check was recorded", NULL, NULL);
	for (i = 0; i < F.checks.n; i++)
		put_testcase(fp, F.checks.g[i].name, verdict_of(&F.checks.g[i]),
		    group_get(&F.checks.g[i], "detail"), group_get(&F.checks.g[i], "skip"),
		    group_get(&F.checks.g[i], "ms"));
	fputs("  </testsuite>\n</testsuites>\n", fp);
}

/* --- report.html ------------------------------------------------------ */

static struct page page;

static void
put_html(FILE *fp, int pass)
{
	page.pass = pass;
	html_page(fp, &page);
}

/*
 * The page's directory and its own name there, for the list of the run's
 * files; the series, when one is given and readable. A series that exists
 * and is malformed is an error (said, and the page says why too); one that
 * does not exist is a run without raw samples.
 */
static int
prepare_page(const char *html, const char *series_path, struct series *s,
    char *why, size_t size, char **dir)
{
	const char *slash = strrchr(html, '/');
	int rc = 0;

	*dir = slash == NULL ? xstrdup(".") : slash == html ? xstrdup("/") :
	    xstrndup(html, (size_t)(slash - html));
	page.run = &F;
	page.dir = *dir;
	page.self = slash == NULL ? html : slash + 1;
	page.series_path = series_path;
	if (series_path == NULL)
		return 0;
	if (series_read(s, series_path, why, size) == 0) {
		page.series = s;
		return 0;
	}
	if (access(series_path, F_OK) == 0) {
		warnf("%s: %s", series_path, why);
		rc = -1;
	}
	page.series_why = why;
	return rc;
}

static const struct usage_opt opts[] = {
	{ "-H report.html", "also write the run as one self-contained HTML page" },
	{ "-h, --help", "print this help and exit" },
	{ "-J junit.xml", "also write the checks as JUnit XML" },
	{ "-m metrics.txt", "also write the metrics section as key=value lines" },
	{ "-o status.json", "write the JSON object there (default: standard output)" },
	{ "-s series.txt", "the per-second series for the page's plots (p95parse --series)" },
	{ "-t", "print the checks as TAP on standard output" },
	{ "-V, --version", "print the version and exit" },
	{ NULL, NULL },
};

static const struct usage usage = {
	"[-htV] [-H report.html] [-J junit.xml] [-m metrics.txt] [-o status.json] [-s series.txt] [file ...]",
	opts,
};

static int
is_stdout(const char *path)
{
	return path != NULL && strcmp(path, "-") == 0;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = { USAGE_LONGOPTS, { NULL, 0, NULL, 0 } };
	const char *metrics = NULL, *out = NULL, *junit = NULL, *html = NULL;
	const char *series_path = NULL;
	struct series series;
	char why[256], *dir = NULL;
	int c, i, pass, tflag = 0, status = EXIT_HOLDS;

	setprogname(argv[0]);
	while ((c = getopt_long(argc, argv, "H:hJ:m:o:s:tV", longopts, NULL)) != -1) {
		switch (c) {
		case 'H':
			html = optarg;
			break;
		case 'h':
			usage_help(&usage);
		case 'J':
			junit = optarg;
			break;
		case 'm':
			metrics = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 's':
			series_path = optarg;
			break;
		case 't':
			tflag = 1;
			break;
		case 'V':
			usage_version();
		default:
			usage_error(&usage);
		}
	}
	/* status.json takes standard output only when nothing else does. */
	if (out == NULL && !tflag && !is_stdout(junit) && !is_stdout(html))
		out = "-";
	if (tflag + is_stdout(out) + is_stdout(junit) + is_stdout(metrics) + is_stdout(html) > 1) {
		warnf("only one of -t, -o -, -H -, -J - and -m - may write to standard output");
		usage_error(&usage);
	}
	if (series_path != NULL && html == NULL) {
		warnf("-s gives the page its plots: it needs -H");
		usage_error(&usage);
	}
	if (optind == argc) {
		if (facts_read(&F, "-") == -1)
			return EXIT_ERROR;
	}
	for (i = optind; i < argc; i++)
		if (facts_read(&F, argv[i]) == -1)
			return EXIT_ERROR;
	pass = facts_all_ok(&F);
	if (out != NULL && write_file(out, put_status, pass) == -1)
		status = EXIT_ERROR;
	if (metrics != NULL && write_file(metrics, put_metrics_file, pass) == -1)
		status = EXIT_ERROR;
	if (junit != NULL && write_file(junit, put_junit, pass) == -1)
		status = EXIT_ERROR;
	if (html != NULL) {
		memset(&series, 0, sizeof series);
		if (prepare_page(is_stdout(html) ? "report.html" : html, series_path, &series,
		    why, sizeof why, &dir) == -1)
			status = EXIT_ERROR;
		if (write_file(html, put_html, pass) == -1)
			status = EXIT_ERROR;
		series_free(&series);
		free(dir);
	}
	if (tflag)
		put_tap(stdout, pass);
	facts_free(&F);
	if (status == EXIT_HOLDS && !pass)
		status = EXIT_FAILS;
	return finish_stdout(status);
}
