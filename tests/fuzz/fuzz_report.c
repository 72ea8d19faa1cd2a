/*
 * libFuzzer harness for smokereport's readers and its page: the input is
 * facts (key=value lines), then a line "--", then a series (p95parse
 * --series format). Both are parsed; when the facts parse, report.html is
 * rendered into memory, with the series or with the reason it has none.
 * The page must be whole (end with </html>) and hold no byte of the input
 * that could open markup: every '<' in it is one the page wrote.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../tools/smokereport/html.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The page's own tags: anything else after a '<' came from the input. */
static int
known_tag(const char *p)
{
	static const char *const tags[] = {
		"!DOCTYPE", "html", "head", "meta", "title", "style", "body", "h1", "h2",
		"p ", "p>", "ul", "li", "table", "tr", "th", "td", "a ", "a>", "code",
		"figure", "figcaption", "span", "svg", "rect", "line", "text", "path",
		"footer", NULL
	};
	size_t i;

	if (*p == '/')
		p++;
	for (i = 0; tags[i] != NULL; i++)
		if (strncmp(p, tags[i], strlen(tags[i])) == 0)
			return 1;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1), *sep, *page = NULL, *p, why[256];
	size_t flen = size, slen = 0, plen = 0;
	struct run run;
	struct series series;
	struct page pg;
	FILE *fp;
	int have_series = 0;

	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	if ((sep = strstr(buf, "\n--\n")) != NULL) {
		flen = (size_t)(sep - buf) + 1;
		slen = size - flen - 3;
	}
	memset(&run, 0, sizeof run);
	memset(&series, 0, sizeof series);
	memset(&pg, 0, sizeof pg);
	if (sep != NULL) {
		pg.series_path = "series.txt";
		if (series_parse(&series, sep + 4, slen, why, sizeof why) == 0)
			have_series = 1;
		else
			pg.series_why = why;
	}
	if (facts_parse(&run, "fuzz", buf, flen) == 0 && (fp = open_memstream(&page, &plen)) != NULL) {
		pg.run = &run;
		pg.pass = 0;
		pg.series = have_series ? &series : NULL;
		pg.dir = "/nonexistent/smokekit-fuzz";
		pg.self = "report.html";
		html_page(fp, &pg);
		fclose(fp);
		if (plen < 8 || strcmp(page + plen - 8, "</html>\n") != 0)
			abort();
		for (p = strchr(page, '<'); p != NULL; p = strchr(p + 1, '<'))
			if (!known_tag(p + 1))
				abort();
		free(page);
	}
	series_free(&series);
	facts_free(&run);
	free(buf);
	return 0;
}
