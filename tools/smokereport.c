/* smokereport: write a smoke run's status.json, metrics.txt, TAP and JUnit XML from key=value lines. */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomic.h"
#include "die.h"
#include "jsonout.h"
#include "readall.h"
#include "usage.h"
#include "xalloc.h"

/*
 * The input is a list of facts, one "key=value" per line:
 *   name=value              a member of the top-level object
 *   section.name=value      a member of the object "section"
 *   check.NAME.field=value  a field of the check NAME (ok, detail, ms, ...)
 * A later line with the same key replaces the value in place, so a step may
 * record a provisional answer and correct it.
 */
struct kv {
	char *key;
	char *val;
};

struct group {
	char *name;          /* NULL for the top level */
	struct kv *kv;
	size_t n, cap;
};

struct groups {
	struct group *g;
	size_t n, cap;
};

static struct group top;
static struct groups sections, checks;

static const char *
group_get(const struct group *g, const char *key)
{
	size_t i;

	for (i = 0; i < g->n; i++)
		if (strcmp(g->kv[i].key, key) == 0)
			return g->kv[i].val;
	return NULL;
}

static void
group_set(struct group *g, const char *key, size_t klen, const char *val)
{
	size_t i;

	for (i = 0; i < g->n; i++)
		if (strlen(g->kv[i].key) == klen && memcmp(g->kv[i].key, key, klen) == 0) {
			free(g->kv[i].val);
			g->kv[i].val = xstrdup(val);
			return;
		}
	if (g->n == g->cap) {
		g->cap = g->cap ? 2 * g->cap : 8;
		g->kv = xreallocarray(g->kv, g->cap, sizeof *g->kv);
	}
	g->kv[g->n].key = xstrndup(key, klen);
	g->kv[g->n].val = xstrdup(val);
	g->n++;
}

static struct group *
groups_find(struct groups *gs, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < gs->n; i++)
		if (strlen(gs->g[i].name) == len && memcmp(gs->g[i].name, name, len) == 0)
			return &gs->g[i];
	if (gs->n == gs->cap) {
		gs->cap = gs->cap ? 2 * gs->cap : 8;
		gs->g = xreallocarray(gs->g, gs->cap, sizeof *gs->g);
	}
	memset(&gs->g[gs->n], 0, sizeof gs->g[gs->n]);
	gs->g[gs->n].name = xstrndup(name, len);
	return &gs->g[gs->n++];
}

static void
group_free(struct group *g)
{
	size_t i;

	for (i = 0; i < g->n; i++) {
		free(g->kv[i].key);
		free(g->kv[i].val);
	}
	free(g->kv);
	free(g->name);
}

static void
groups_free(struct groups *gs)
{
	size_t i;

	for (i = 0; i < gs->n; i++)
		group_free(&gs->g[i]);
	free(gs->g);
}

/* RFC 8259's number grammar, the whole string. */
static int
is_json_number(const char *s)
{
	if (*s == '-')
		s++;
	if (*s == '0')
		s++;
	else if (*s >= '1' && *s <= '9')
		while (*s >= '0' && *s <= '9')
			s++;
	else
		return 0;
	if (*s == '.') {
		s++;
		if (!(*s >= '0' && *s <= '9'))
			return 0;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (!(*s >= '0' && *s <= '9'))
			return 0;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	return *s == '\0';
}

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

static int
is_key_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '-';
}

/* Splits key into at most three dot-separated parts; returns how many, 0 if bad. */
static int
split_key(const char *key, size_t len, const char *part[3], size_t plen[3])
{
	size_t i, start = 0;
	int n = 0;

	for (i = 0; i <= len; i++) {
		if (i < len && is_key_char((unsigned char)key[i]))
			continue;
		if ((i < len && key[i] != '.') || i == start || n == 3)
			return 0;
		part[n] = key + start;
		plen[n++] = i - start;
		start = i + 1;
	}
	return n;
}

static int
is(const char *s, size_t len, const char *word)
{
	return strlen(word) == len && memcmp(s, word, len) == 0;
}

/* Is name[0..len) a top-level value, or a section? */
static int
top_has(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < top.n; i++)
		if (is(name, len, top.kv[i].key))
			return 1;
	return 0;
}

static int
section_has(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < sections.n; i++)
		if (is(name, len, sections.g[i].name))
			return 1;
	return 0;
}

/* One input line; returns NULL or what is wrong with it. */
static const char *
take_line(char *line)
{
	const char *part[3];
	size_t plen[3];
	char *eq = strchr(line, '=');
	int n;

	if (eq == NULL)
		return "no '=' in the line";
	n = split_key(line, (size_t)(eq - line), part, plen);
	if (n == 0)
		return "bad key: want name, section.name or check.NAME.field of [A-Za-z0-9_-]";
	if (n <= 2 && (is(part[0], plen[0], "status") || is(part[0], plen[0], "checks")))
		return "reserved key: smokereport writes \"status\" and \"checks\" itself";
	/* status.json would have the member twice, and readers keep one. */
	if ((n == 1 && section_has(part[0], plen[0])) || (n == 2 && top_has(part[0], plen[0])))
		return "bad key: a name is a value or a section, not both";
	if ((n == 3) != is(part[0], plen[0], "check"))
		return "bad key: only check.NAME.field has three parts";
	if (n == 3 && is(part[2], plen[2], "ok") &&
	    strcmp(eq + 1, "true") != 0 && strcmp(eq + 1, "false") != 0)
		return "a check's ok must be true or false";
	if (n == 3 && is(part[2], plen[2], "ms") && !is_json_number(eq + 1))
		return "a check's ms must be a number";
	if (n == 3 && is(part[2], plen[2], "name"))
		return "a check's name is its key: check.NAME.field";
	if (n == 1)
		group_set(&top, part[0], plen[0], eq + 1);
	else if (n == 2)
		group_set(groups_find(&sections, part[0], plen[0]), part[1], plen[1], eq + 1);
	else
		group_set(groups_find(&checks, part[1], plen[1]), part[2], plen[2], eq + 1);
	return NULL;
}

/* The lines of one input; NUL-terminated in place, CR LF taken as LF. */
static int
take_lines(const char *name, char *buf, size_t len)
{
	char *line = buf, *end = buf + len, *nl;
	const char *why;
	size_t n;
	long lineno = 0;

	while (line < end) {
		lineno++;
		if ((nl = memchr(line, '\n', (size_t)(end - line))) == NULL)
			nl = end;
		*nl = '\0';
		n = (size_t)(nl - line);
		if (n > 0 && line[n - 1] == '\r')
			line[--n] = '\0';
		if (strlen(line) != n) {
			warnf("%s:%ld: a NUL byte in the line", name, lineno);
			return -1;
		}
		if (n > 0 && line[0] != '#' && (why = take_line(line)) != NULL) {
			warnf("%s:%ld: %s", name, lineno, why);
			return -1;
		}
		line = nl + 1;
	}
	return 0;
}

static int
read_input(const char *path)
{
	int fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY);
	const char *name = fd == STDIN_FILENO ? "<stdin>" : path;
	size_t len;
	char *buf;
	int status;

	if (fd < 0) {
		warnf("open %s:", path);
		return -1;
	}
	buf = read_whole(fd, &len);
	if (buf == NULL)
		warnf("read %s:", name);
	if (fd != STDIN_FILENO)
		close(fd);
	if (buf == NULL)
		return -1;
	status = take_lines(name, buf, len);
	free(buf);
	return status;
}

/* The checks and whether all of them passed; no check at all is not a pass. */
static int
all_ok(void)
{
	const char *ok;
	size_t i;

	for (i = 0; i < checks.n; i++) {
		ok = group_get(&checks.g[i], "ok");
		if (ok == NULL)
			die(EXIT_ERROR, "check %s has no ok line", checks.g[i].name);
		if (strcmp(ok, "true") != 0)
			return 0;
	}
	return checks.n > 0;
}

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

static void
put_status(FILE *fp, int pass)
{
	size_t i;

	fprintf(fp, "{\n  \"status\": \"%s\"", pass ? "pass" : "fail");
	put_members(fp, &top, "  ", 0);
	for (i = 0; i < sections.n; i++) {
		fputs(",\n  ", fp);
		json_put_cstring(fp, sections.g[i].name);
		fputs(": {", fp);
		put_members(fp, &sections.g[i], "    ", 1);
		fputs(sections.g[i].n > 0 ? "\n  }" : "}", fp);
	}
	fputs(",\n  \"checks\": [", fp);
	for (i = 0; i < checks.n; i++) {
		fputs(i > 0 ? ",\n    " : "\n    ", fp);
		put_check(fp, &checks.g[i]);
	}
	fputs(checks.n > 0 ? "\n  ]\n}\n" : "]\n}\n", fp);
}

static void
put_metrics(FILE *fp)
{
	size_t i, k;

	for (i = 0; i < sections.n; i++)
		if (strcmp(sections.g[i].name, "metrics") == 0)
			for (k = 0; k < sections.g[i].n; k++)
			{
				/* A CR or ESC in a value must not reach a key=value line. */
				put_line_safe(fp, sections.g[i].kv[k].key);
				putc('=', fp);
				put_line_safe(fp, sections.g[i].kv[k].val);
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

/* How a check ends up: passed, failed, or skipped (ok, with a skip reason). */
enum verdict { V_PASS, V_FAIL, V_SKIP };

static enum verdict
verdict_of(const struct group *c)
{
	const char *ok = group_get(c, "ok"), *skip = group_get(c, "skip");

	if (ok == NULL || strcmp(ok, "true") != 0)
		return V_FAIL;
	return skip != NULL && *skip != '\0' ? V_SKIP : V_PASS;
}

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
	if (checks.n == 0) {
		fputs("1..1\nnot ok 1 - checks: no check was recorded\n", fp);
		return;
	}
	fprintf(fp, "1..%zu\n", checks.n);
	for (i = 0; i < checks.n; i++) {
		c = &checks.g[i];
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

/*
 * The length of the valid UTF-8 sequence at s that XML 1.0 allows as a
 * character, or 0.
 */
static size_t
xml_char_len(const unsigned char *s)
{
	unsigned long c;
	size_t n, i;

	if (s[0] < 0x80)
		return s[0] >= 0x20 || s[0] == '\t' || s[0] == '\n' || s[0] == '\r';
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, c = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, c = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, c = s[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff) || c == 0xfffe || c == 0xffff)
		return 0;
	return n;
}

/*
 * s as XML character data or an attribute value: markup characters as
 * entities, what XML cannot hold (control characters, bytes that are not
 * UTF-8) as U+FFFD, so the document always parses.
 */
static void
xml_put(FILE *fp, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n;

	while (*s) {
		switch (*s) {
		case '&': fputs("&amp;", fp); s++; continue;
		case '<': fputs("&lt;", fp); s++; continue;
		case '>': fputs("&gt;", fp); s++; continue;
		case '"': fputs("&quot;", fp); s++; continue;
		case '\'': fputs("&apos;", fp); s++; continue;
		case '\t': fputs("&#9;", fp); s++; continue;
		case '\n': fputs("&#10;", fp); s++; continue;
		case '\r': fputs("&#13;", fp); s++; continue;
		}
		if ((n = xml_char_len(s)) == 0) {
			fputs("\xef\xbf\xbd", fp);
			s++;
			continue;
		}
		fwrite(s, 1, n, fp);
		s += n;
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
	for (i = 0; i < checks.n; i++) {
		enum verdict v = verdict_of(&checks.g[i]);

		nfail += v == V_FAIL;
		nskip += v == V_SKIP;
		if ((ms = group_get(&checks.g[i], "ms")) != NULL) {
			total_ms += strtod(ms, NULL);
			timed = 1;
		}
	}
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", fp);
	fprintf(fp, "<testsuites name=\"smokekit\" tests=\"%zu\" failures=\"%zu\" "
	    "errors=\"0\" skipped=\"%zu\">\n", checks.n ? checks.n : 1,
	    checks.n ? nfail : 1, nskip);
	fprintf(fp, "  <testsuite name=\"smokekit\" tests=\"%zu\" failures=\"%zu\" "
	    "errors=\"0\" skipped=\"%zu\"", checks.n ? checks.n : 1,
	    checks.n ? nfail : 1, nskip);
	if (timed)
		fprintf(fp, " time=\"%.3f\"", total_ms / 1000);
	fputs(">\n", fp);
	if (top.n > 0) {
		fputs("    <properties>\n", fp);
		for (i = 0; i < top.n; i++) {
			fputs("      <property name=\"", fp);
			xml_put(fp, top.kv[i].key);
			fputs("\" value=\"", fp);
			xml_put(fp, top.kv[i].val);
			fputs("\"/>\n", fp);
		}
		fputs("    </properties>\n", fp);
	}
	if (checks.n == 0)
		put_testcase(fp, "checks", V_FAIL, "no check was recorded", NULL, NULL);
	for (i = 0; i < checks.n; i++)
		put_testcase(fp, checks.g[i].name, verdict_of(&checks.g[i]),
		    group_get(&checks.g[i], "detail"), group_get(&checks.g[i], "skip"),
		    group_get(&checks.g[i], "ms"));
	fputs("  </testsuite>\n</testsuites>\n", fp);
}

static const struct usage_opt opts[] = {
	{ "-h, --help", "print this help and exit" },
	{ "-J junit.xml", "also write the checks as JUnit XML" },
	{ "-m metrics.txt", "also write the metrics section as key=value lines" },
	{ "-o status.json", "write the JSON object there (default: standard output)" },
	{ "-t", "print the checks as TAP on standard output" },
	{ "-V, --version", "print the version and exit" },
	{ NULL, NULL },
};

static const struct usage usage = {
	"[-htV] [-J junit.xml] [-m metrics.txt] [-o status.json] [file ...]",
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
	const char *metrics = NULL, *out = NULL, *junit = NULL;
	int c, i, pass, tflag = 0, status = EXIT_HOLDS;

	setprogname(argv[0]);
	while ((c = getopt_long(argc, argv, "hJ:m:o:tV", longopts, NULL)) != -1) {
		switch (c) {
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
	if (out == NULL && !tflag && !is_stdout(junit))
		out = "-";
	if (tflag + is_stdout(out) + is_stdout(junit) + is_stdout(metrics) > 1) {
		warnf("only one of -t, -o -, -J - and -m - may write to standard output");
		usage_error(&usage);
	}
	if (optind == argc) {
		if (read_input("-") == -1)
			return EXIT_ERROR;
	}
	for (i = optind; i < argc; i++)
		if (read_input(argv[i]) == -1)
			return EXIT_ERROR;
	pass = all_ok();
	if (out != NULL && write_file(out, put_status, pass) == -1)
		status = EXIT_ERROR;
	if (metrics != NULL && write_file(metrics, put_metrics_file, pass) == -1)
		status = EXIT_ERROR;
	if (junit != NULL && write_file(junit, put_junit, pass) == -1)
		status = EXIT_ERROR;
	if (tflag)
		put_tap(stdout, pass);
	group_free(&top);
	groups_free(&sections);
	groups_free(&checks);
	if (status == EXIT_HOLDS && !pass)
		status = EXIT_FAILS;
	return finish_stdout(status);
}
