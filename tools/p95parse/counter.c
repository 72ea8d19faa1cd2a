/* smokekit: p95parse -c, one counter of a Prometheus page by name and labels. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "counter.h"
#include "die.h"
#include "jsonout.h"
#include "prom.h"
#include "readall.h"
#include "xalloc.h"

struct want {
	struct prom_sample sel;    /* the spec, parsed as a sample line */
	char *line, *scratch;
};

struct found {
	double sum;
	unsigned long series, exact, total;
	unsigned long bad_line;    /* the first line that is not a sample */
};

/* The spec is read by the same grammar as a sample: "spec 0". */
static void
want_parse(const char *spec, struct want *w)
{
	size_t n = strlen(spec);

	w->line = xmalloc(n + 3);
	memcpy(w->line, spec, n);
	memcpy(w->line + n, " 0", 3);
	w->scratch = xmalloc(n + 3);
	if (strchr(spec, '\n') != NULL ||
	    prom_sample(w->line, n + 2, w->scratch, &w->sel) != 0)
		die(EXIT_USAGE, "bad counter '%s': want name or name{label=\"value\",...}",
		    spec);
}

static int
same(const char *a, size_t al, const char *b, size_t bl)
{
	return al == bl && memcmp(a, b, al) == 0;
}

/* Does the sample carry every label of the selector with its value? */
static int
labels_match(const struct prom_sample *sm, const struct prom_sample *sel)
{
	size_t i, j;

	for (i = 0; i < sel->nlab; i++) {
		for (j = 0; j < sm->nlab; j++)
			if (same(sm->lab[j].k, sm->lab[j].kl, sel->lab[i].k, sel->lab[i].kl))
				break;
		if (j == sm->nlab ||
		    !same(sm->lab[j].v, sm->lab[j].vl, sel->lab[i].v, sel->lab[i].vl))
			return 0;
	}
	return 1;
}

/* 1: the name itself; 2: the name with _total (a counter's sample name). */
static int
name_match(const struct prom_sample *sm, const struct prom_sample *sel)
{
	if (same(sm->name, sm->nlen, sel->name, sel->nlen))
		return 1;
	return sm->nlen == sel->nlen + 6 && memcmp(sm->name, sel->name, sel->nlen) == 0 &&
	    memcmp(sm->name + sel->nlen, "_total", 6) == 0 ? 2 : 0;
}

/* Adds up the matching series of one page; -1 at a line that is not a sample. */
static int
scan(const char *buf, size_t len, const struct want *w, struct found *f,
    double *total_sum)
{
	const char *p = buf, *end = buf + len, *nl;
	struct prom_sample sm;
	char *scratch = NULL;
	size_t cap = 0, n;
	unsigned long line = 0;
	int m, rc = 0;

	for (; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		line++;
		n = (size_t)(nl - p);
		while (n > 0 && (p[n - 1] == '\r' || p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		while (n > 0 && (*p == ' ' || *p == '\t'))
			p++, n--;
		if (n == 0 || *p == '#') {
			if (n == 5 && memcmp(p, "# EOF", 5) == 0)
				break;
			continue;
		}
		if (n + 1 > cap)
			scratch = xrealloc(scratch, cap = n + 1);
		if (prom_sample(p, n, scratch, &sm) != 0) {
			f->bad_line = line;
			rc = -1;
			break;
		}
		if ((m = name_match(&sm, &w->sel)) == 0 || !labels_match(&sm, &w->sel))
			continue;
		/* The name as given wins over its _total form when both are there. */
		if (m == 1) {
			f->exact++;
			f->sum += sm.value;
		} else {
			f->total++;
			*total_sum += sm.value;
		}
	}
	free(scratch);
	return rc;
}

/* 0 found, 1 not there, 3 unreadable or malformed (warned). */
static int
from_file(const char *path, const struct want *w, struct found *f)
{
	int fd = strcmp(path, "-") == 0 ? 0 : open(path, O_RDONLY);
	double total_sum = 0;
	size_t len;
	char *buf;
	int rc;

	memset(f, 0, sizeof *f);
	if (fd < 0 || (buf = read_whole(fd, &len)) == NULL) {
		warnf("%s: %s", path, strerror(errno));
		if (fd > 0)
			close(fd);
		return EXIT_ERROR;
	}
	if (fd > 0)
		close(fd);
	rc = scan(buf, len, w, f, &total_sum);
	free(buf);
	if (rc != 0) {
		warnf("%s: line %lu: not a Prometheus sample line", path, f->bad_line);
		return EXIT_ERROR;
	}
	if (f->exact == 0) {
		f->sum = total_sum;
		f->exact = f->total;
	}
	f->series = f->exact;
	if (f->series == 0) {
		warnf("%s: no series %s", path, w->line);
		return EXIT_FAILS;
	}
	return EXIT_HOLDS;
}

int
counter_main(const char *spec, int json, char *const files[], int nfiles)
{
	struct facts out;
	struct found f;
	struct want w;
	int i, rc, worst = EXIT_HOLDS;

	want_parse(spec, &w);
	w.line[strlen(w.line) - 2] = '\0';   /* the spec again, for messages */
	for (i = 0; i < nfiles; i++) {
		if ((rc = from_file(files[i], &w, &f)) == EXIT_HOLDS)
			break;
		worst = rc > worst ? rc : worst;
	}
	if (i == nfiles) {
		free(w.line);
		free(w.scratch);
		return worst;
	}
	facts_begin(&out, stdout, json);
	facts_str(&out, "counter", w.line);
	facts_num(&out, "value", f.sum);
	facts_int(&out, "series", (long long)f.series);
	facts_str(&out, "file", files[i]);
	facts_end(&out);
	if (json)
		putchar('\n');
	free(w.line);
	free(w.scratch);
	return finish_stdout(EXIT_HOLDS);
}
