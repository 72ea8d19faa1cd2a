/*
 * report.html: one self-contained page a person reads at a glance (no
 * script, no network fetch, inline SVG): the verdict, every check with
 * its evidence, the plots of the series when there is one, the metrics
 * exactly as metrics.txt has them, what the run was, and its files.
 */
#ifndef SMOKEREPORT_HTML_H
#define SMOKEREPORT_HTML_H

#include <stdio.h>

#include "facts.h"
#include "series.h"

struct page {
	const struct run *run;
	int pass;
	const struct series *series;   /* NULL when there is none */
	const char *series_path;       /* as given with -s, or NULL */
	const char *series_why;        /* why there is none, when series_path */
	const char *dir;               /* the run directory: report.html's */
	const char *self;              /* report.html's own name in dir */
};

void html_page(FILE *fp, const struct page *p);

#endif
