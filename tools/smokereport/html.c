/* smokereport: report.html (html.h). */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "figures.h"
#include "html.h"
#include "markup.h"
#include "num.h"
#include "svg.h"
#include "xalloc.h"

#define FILES_MAX 400

static const char style[] =
    "body{font-family:sans-serif;margin:16px auto;max-width:940px;color:#222;"
    "background:#fff}\n"
    "h1{font-size:22px;margin:0 0 8px}h2{font-size:17px;margin:24px 0 6px;"
    "border-bottom:1px solid #ddd}\n"
    ".verdict{font-size:18px;font-weight:bold;padding:10px 12px;margin:0}\n"
    ".pass{background:#e3f4e3}.fail{background:#fbe3e3}.skip{background:#f2f2f2}\n"
    ".warn{background:#fff4d6;padding:6px 12px;margin:8px 0}\n"
    "table{border-collapse:collapse;width:100%;font-size:13px}\n"
    "td,th{border:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top}\n"
    "td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
    "td.mark{text-align:center;font-weight:bold;width:1.5em}\n"
    "figure{margin:6px 0}figcaption{font-size:12px;color:#555}\n"
    ".none{background:#f2f2f2;padding:6px 12px}\n"
    "code{font-size:12px}footer{margin-top:24px;font-size:11px;color:#777}\n";

static void
put(FILE *fp, const char *s)
{
	xml_put(fp, s != NULL ? s : "");
}

/* A relative link to a file of the run: bytes outside a safe set as %XX. */
static void
put_href(FILE *fp, const char *name)
{
	const unsigned char *s = (const unsigned char *)name;

	for (; *s; s++)
		if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || strchr("-._~/", *s) != NULL)
			putc(*s, fp);
		else
			fprintf(fp, "%%%02X", *s);
}

static void
put_link(FILE *fp, const char *name)
{
	fputs("<a href=\"", fp);
	put_href(fp, name);
	fputs("\">", fp);
	put(fp, name);
	fputs("</a>", fp);
}

static double
num_or_nan(const char *s)
{
	double d;

	return s != NULL && parse_double(s, -1e300, 1e300, &d) == 0 ? d : NAN;
}

/* --- the files of the run directory ---------------------------------- */

struct file {
	char *name;             /* relative to the run directory */
	long long size;
};

struct files {
	struct file *f;
	size_t n, cap;
};

static int
by_name(const void *a, const void *b)
{
	return strcmp(((const struct file *)a)->name, ((const struct file *)b)->name);
}

/* The regular files of dir/sub (sub "" for dir), one level of folders down. */
static void
list_dir(struct files *fs, const char *dir, const char *sub, int depth)
{
	char *path, *rel, *full;
	struct dirent *e;
	struct stat st;
	DIR *d;
	size_t n;

	n = strlen(dir) + strlen(sub) + 2;
	path = xmalloc(n);
	snprintf(path, n, "%s%s%s", dir, *sub ? "/" : "", sub);
	if ((d = opendir(path)) == NULL) {
		free(path);
		return;
	}
	while ((e = readdir(d)) != NULL && fs->n < FILES_MAX) {
		/* Dot files are temporaries and links (latest), not evidence. */
		if (e->d_name[0] == '.')
			continue;
		n = strlen(sub) + strlen(e->d_name) + 2;
		rel = xmalloc(n);
		snprintf(rel, n, "%s%s%s", sub, *sub ? "/" : "", e->d_name);
		n = strlen(dir) + strlen(rel) + 2;
		full = xmalloc(n);
		snprintf(full, n, "%s/%s", dir, rel);
		if (lstat(full, &st) != 0) {
			free(rel);
		} else if (S_ISDIR(st.st_mode) && depth == 0) {
			list_dir(fs, dir, rel, 1);
			free(rel);
		} else if (S_ISREG(st.st_mode)) {
			if (fs->n == fs->cap) {
				fs->cap = fs->cap ? 2 * fs->cap : 32;
				fs->f = xreallocarray(fs->f, fs->cap, sizeof *fs->f);
			}
			fs->f[fs->n].name = rel;
			fs->f[fs->n++].size = (long long)st.st_size;
		} else {
			free(rel);
		}
		free(full);
	}
	closedir(d);
	free(path);
}

static const struct file *
files_find(const struct files *fs, const char *name)
{
	size_t i;

	for (i = 0; i < fs->n; i++)
		if (strcmp(fs->f[i].name, name) == 0)
			return &fs->f[i];
	return NULL;
}

/*
 * A check's evidence: its field "evidence" (names separated by blanks),
 * else the files of the run named after the check (healthz.json).
 */
static void
put_evidence(FILE *fp, const struct group *c, const struct files *fs)
{
	const char *ev = group_get(c, "evidence");
	size_t i, n = strlen(c->name);
	char *copy, *tok, *save;
	int any = 0;

	if (ev != NULL) {
		copy = xstrdup(ev);
		for (tok = strtok_r(copy, " \t", &save); tok != NULL;
		    tok = strtok_r(NULL, " \t", &save)) {
			fputs(any++ ? " " : "", fp);
			put_link(fp, tok);
		}
		free(copy);
		return;
	}
	for (i = 0; i < fs->n; i++)
		if (strncmp(fs->f[i].name, c->name, n) == 0 && fs->f[i].name[n] == '.') {
			fputs(any++ ? " " : "", fp);
			put_link(fp, fs->f[i].name);
		}
}

/* --- the sections of the page ---------------------------------------- */

static void
put_verdict(FILE *fp, const struct page *p)
{
	const char *v = group_get(&p->run->top, "verdict");
	const char *step = group_get(&p->run->top, "failed_step");
	const char *why = group_get(&p->run->top, "reason");

	fprintf(fp, "<p id=\"verdict\" class=\"verdict %s\">", p->pass ? "pass" : "fail");
	if (v != NULL) {
		put(fp, v);
	} else if (p->pass) {
		fputs("PASS: every check passed", fp);
	} else {
		fputs("FAIL", fp);
		if (step != NULL) {
			fputs(" ", fp);
			put(fp, step);
			fputs(": ", fp);
			put(fp, why);
		} else if (p->run->checks.n == 0) {
			fputs(": no check was recorded", fp);
		}
	}
	fputs("</p>\n", fp);
}

static void
put_warnings(FILE *fp, const struct page *p)
{
	struct figure fig[FIGURES_MAX];
	size_t i, n = latency_figures(p->run, fig, FIGURES_MAX);
	char buf[256];
	int any = 0;

	for (i = 0; i < n; i++)
		if (figure_warning(&fig[i], buf, sizeof buf) != NULL) {
			fputs(any++ ? "" : "<ul id=\"warnings\" class=\"warn\">\n", fp);
			fputs("<li>", fp);
			put(fp, buf);
			fputs("</li>\n", fp);
		}
	if (any)
		fputs("</ul>\n", fp);
}

static void
put_checks(FILE *fp, const struct page *p, const struct files *fs)
{
	static const char *const cls[] = { "pass", "fail", "skip" };
	static const char *const mark[] = { "\xe2\x9c\x93", "\xe2\x9c\x97", "\xe2\x97\x8b" };
	const struct group *c;
	enum verdict v;
	char buf[64];
	size_t i;

	fputs("<h2>Checks</h2>\n<table id=\"checks\">\n<tr><th></th><th>check</th>"
	    "<th>figure</th><th>time</th><th>evidence</th></tr>\n", fp);
	if (p->run->checks.n == 0)
		fputs("<tr class=\"fail\"><td class=\"mark\">\xe2\x9c\x97</td><td>checks</td>"
		    "<td>no check was recorded</td><td></td><td></td></tr>\n", fp);
	for (i = 0; i < p->run->checks.n; i++) {
		c = &p->run->checks.g[i];
		v = verdict_of(c);
		fprintf(fp, "<tr class=\"%s\"><td class=\"mark\">%s</td><td>", cls[v], mark[v]);
		put(fp, c->name);
		fputs("</td><td>", fp);
		put(fp, group_get(c, "detail"));
		if (v == V_SKIP) {
			fputs(" (skipped: ", fp);
			put(fp, group_get(c, "skip"));
			fputs(")", fp);
		}
		fputs("</td><td class=\"n\">", fp);
		if (group_get(c, "ms") != NULL)
			put(fp, fmt_ms(buf, sizeof buf, num_or_nan(group_get(c, "ms"))));
		fputs("</td><td>", fp);
		put_evidence(fp, c, fs);
		fputs("</td></tr>\n", fp);
	}
	fputs("</table>\n", fp);
}

/* The latency summary in the page's units: what every run has. */
static void
put_summary(FILE *fp, const struct page *p)
{
	const struct group *m = facts_section(p->run, "metrics");
	struct figure fig[FIGURES_MAX];
	size_t i, n = latency_figures(p->run, fig, FIGURES_MAX);
	const char *v;
	char buf[64], name[64];

	if (m == NULL)
		return;
	fputs("<h2>Latency summary</h2>\n<table id=\"summary\">\n", fp);
	for (i = 0; i < n; i++) {
		fputs("<tr><th>", fp);
		put(fp, figure_name(fig[i].key, name, sizeof name));
		fputs("</th><td class=\"n\">", fp);
		put(fp, fmt_ms(buf, sizeof buf, num_or_nan(fig[i].value)));
		fputs("</td><td>", fp);
		if (!isnan(fig[i].samples))
			fprintf(fp, "of %.0f samples%s", fig[i].samples,
			    fig[i].percentile && fig[i].samples < FEW_SAMPLES ?
			    " (too few for a percentile)" : "");
		fputs("</td></tr>\n", fp);
	}
	if ((v = group_get(m, "http_req_failed")) != NULL) {
		fputs("<tr><th>failed requests</th><td class=\"n\">", fp);
		put(fp, fmt_pct(buf, sizeof buf, num_or_nan(v)));
		fputs("</td><td>", fp);
		if (group_get(m, "http_req_failed_count") != NULL) {
			put(fp, group_get(m, "http_req_failed_count"));
			fputs(" of ", fp);
			put(fp, group_get(m, "http_req_failed_of"));
		}
		fputs("</td></tr>\n", fp);
	}
	if ((v = group_get(m, "source")) != NULL) {
		fputs("<tr><th>source</th><td colspan=\"2\">", fp);
		put(fp, v);
		fputs("</td></tr>\n", fp);
	}
	fputs("</table>\n", fp);
}

/* Why the plots are not there, and which ones. */
static void
put_no_series(FILE *fp, const struct page *p)
{
	const struct group *m = facts_section(p->run, "metrics");
	const char *src = m != NULL ? group_get(m, "source") : NULL;

	fputs("<h2>Plots</h2>\n<p id=\"no-series\" class=\"none\">The plots of latency over the "
	    "run, the latency histogram, requests and failures per second and the status "
	    "codes cannot be drawn: ", fp);
	if (p->series_path == NULL) {
		fputs("no per-second series was given (smokereport -s)", fp);
	} else if (p->series == NULL) {
		fputs("the series ", fp);
		put(fp, p->series_path);
		fputs(" could not be read: ", fp);
		put(fp, p->series_why);
	} else {
		fputs("the series has no sample", fp);
	}
	fputs(". They need the raw samples of the load (k6's --out json, or the native "
	    "load's --out), and ", fp);
	if (src != NULL) {
		fputs("this run's figures come from a summary (", fp);
		put(fp, src);
		fputs("), which has no time in it. ", fp);
	} else {
		fputs("this run has no latency figures at all. ", fp);
	}
	fputs("The figures it has are above and in Metrics below.</p>\n", fp);
}

static void
put_plots(FILE *fp, const struct page *p)
{
	const struct series *s = p->series;
	const struct group *m = facts_section(p->run, "metrics");
	double gate = num_or_nan(group_get(&p->run->top, "p95_max_ms"));
	double p95 = num_or_nan(m != NULL ? group_get(m, "p95_ms") : NULL);
	char a[64], b[64];
	int clipped;

	if (s == NULL || s->nrow == 0) {
		put_no_series(fp, p);
		return;
	}
	if (isnan(p95))
		p95 = s->p95;
	fputs("<h2>Latency over the run</h2>\n<figure id=\"plot-latency\">\n", fp);
	svg_latency(fp, s, gate, &clipped);
	fprintf(fp, "<figcaption>Per %s of ", s->merged > 1 ? "group of seconds" : "second");
	put(fp, s->metric != NULL ? s->metric : "the metric");
	fputs(": <span style=\"color:" C_P50 "\">p50</span>, <span style=\"color:" C_P95
	    "\">p95</span> and <span style=\"color:" C_MAX "\">max</span>", fp);
	if (!isnan(gate))
		fprintf(fp, "; the gate is p95 below %s (the dashed line, or named at the top "
		    "edge when it is far above the latencies)", fmt_ms(a, sizeof a, gate));
	if (clipped)
		fputs("; a max above the top of the plot is drawn at the top edge", fp);
	if (s->merged > 1)
		fprintf(fp, "; each point is %.0f rows of the series merged (p95: the highest of "
		    "them, p50: their mean weighted by requests)", s->merged);
	fputs(".</figcaption>\n</figure>\n", fp);

	fputs("<h2>Latency histogram</h2>\n<figure id=\"plot-histogram\">\n", fp);
	if (s->nbin > 0) {
		svg_histogram(fp, s, s->p50, p95, s->p99);
		fprintf(fp, "<figcaption>Requests by latency, log-spaced bins; p50 %s, p95 %s, ",
		    fmt_ms(a, sizeof a, s->p50), fmt_ms(b, sizeof b, p95));
		fprintf(fp, "p99 %s.</figcaption>\n", fmt_ms(a, sizeof a, s->p99));
	} else {
		fputs("<p class=\"none\">The series has no histogram.</p>\n", fp);
	}
	fputs("</figure>\n", fp);

	fputs("<h2>Requests and failures per second</h2>\n<figure id=\"plot-requests\">\n", fp);
	svg_requests(fp, s);
	fprintf(fp, "<figcaption><span style=\"color:" C_REQ "\">Requests</span> and <span "
	    "style=\"color:" C_FAIL "\">failed requests</span> per second: %.0f requests, "
	    "%.0f failed.</figcaption>\n</figure>\n", isnan(s->samples) ? 0 : s->samples,
	    isnan(s->failed) ? 0 : s->failed);

	fputs("<h2>Status codes</h2>\n<figure id=\"plot-status\">\n", fp);
	if (s->nstatus > 0) {
		svg_status(fp, s);
		fputs("<figcaption>Requests by HTTP status code (0: no answer).</figcaption>\n", fp);
	} else {
		fputs("<p class=\"none\">The series has no status codes.</p>\n", fp);
	}
	fputs("</figure>\n", fp);
}

/* A group's members as a two-column table, values exactly as given. */
static void
put_table(FILE *fp, const char *id, const char *title, const struct group *g,
    const char *link)
{
	size_t i;

	if (g == NULL || g->n == 0)
		return;
	fputs("<h2>", fp);
	put(fp, title);
	if (link != NULL) {
		fputs(" (", fp);
		put_link(fp, link);
		fputs(")", fp);
	}
	fputs("</h2>\n<table id=\"", fp);
	put(fp, id);
	fputs("\">\n", fp);
	for (i = 0; i < g->n; i++) {
		fputs("<tr><td class=\"k\">", fp);
		put(fp, g->kv[i].key);
		fputs("</td><td class=\"v\">", fp);
		put(fp, g->kv[i].val);
		fputs("</td></tr>\n", fp);
	}
	fputs("</table>\n", fp);
}

static void
put_files(FILE *fp, const struct files *fs)
{
	size_t i;

	fputs("<h2>Files of the run</h2>\n<ul id=\"files\">\n", fp);
	for (i = 0; i < fs->n; i++) {
		fputs("<li>", fp);
		put_link(fp, fs->f[i].name);
		fprintf(fp, " (%lld bytes)</li>\n", fs->f[i].size);
	}
	fputs("</ul>\n", fp);
}

void
html_page(FILE *fp, const struct page *p)
{
	const char *url = group_get(&p->run->top, "base_url");
	struct files fs = { NULL, 0, 0 };
	size_t i;

	list_dir(&fs, p->dir, "", 0);
	if (fs.n > 1)
		qsort(fs.f, fs.n, sizeof *fs.f, by_name);
	/* The page itself is no evidence; it may exist from an earlier write. */
	for (i = 0; i < fs.n; i++)
		if (strcmp(fs.f[i].name, p->self) == 0) {
			free(fs.f[i].name);
			memmove(&fs.f[i], &fs.f[i + 1], (fs.n - i - 1) * sizeof *fs.f);
			fs.n--;
			break;
		}
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width\">\n<title>smokekit: ", fp);
	fputs(p->pass ? "PASS" : "FAIL", fp);
	if (url != NULL) {
		fputs(" \xe2\x80\x94 ", fp);
		put(fp, url);
	}
	fprintf(fp, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<h1>smokekit run", style);
	if (url != NULL) {
		fputs(" against <code>", fp);
		put(fp, url);
		fputs("</code>", fp);
	}
	fputs("</h1>\n", fp);
	put_verdict(fp, p);
	put_warnings(fp, p);
	put_checks(fp, p, &fs);
	put_summary(fp, p);
	put_plots(fp, p);
	put_table(fp, "metrics", "Metrics, exactly as in metrics.txt",
	    facts_section(p->run, "metrics"), files_find(&fs, "metrics.txt") ? "metrics.txt" : NULL);
	put_table(fp, "run", "The run", &p->run->top,
	    files_find(&fs, "sysinfo.txt") ? "sysinfo.txt" : NULL);
	put_table(fp, "tools", "Tool versions", facts_section(p->run, "tools"), NULL);
	for (i = 0; i < p->run->sections.n; i++)
		if (strcmp(p->run->sections.g[i].name, "metrics") != 0 &&
		    strcmp(p->run->sections.g[i].name, "tools") != 0)
			put_table(fp, p->run->sections.g[i].name, p->run->sections.g[i].name,
			    &p->run->sections.g[i], NULL);
	put_files(fp, &fs);
	fputs("<footer>Written by smokereport " SMOKEKIT_VERSION
	    "; a self-contained page: no script, nothing fetched.</footer>\n</body>\n</html>\n", fp);
	for (i = 0; i < fs.n; i++)
		free(fs.f[i].name);
	free(fs.f);
}
