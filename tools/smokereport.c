/* smokereport: write a smoke run's status.json and metrics.txt from key=value lines. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomic.h"
#include "die.h"
#include "jsonout.h"
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

static int
read_input(const char *path)
{
	FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	const char *name = fp == stdin ? "<stdin>" : path;
	char *line = NULL;
	const char *why;
	size_t cap = 0;
	ssize_t len;
	long lineno = 0;
	int status = 0;

	if (fp == NULL) {
		warnf("open %s:", path);
		return -1;
	}
	errno = 0;
	while (status == 0 && (len = getline(&line, &cap, fp)) != -1) {
		lineno++;
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		if (len > 0 && line[len - 1] == '\r')
			line[--len] = '\0';
		if ((size_t)len != strlen(line)) {
			warnf("%s:%ld: a NUL byte in the line", name, lineno);
			status = -1;
		} else if (len > 0 && line[0] != '#' && (why = take_line(line)) != NULL) {
			warnf("%s:%ld: %s", name, lineno, why);
			status = -1;
		}
	}
	if (status == 0 && ferror(fp)) {
		warnf("read %s:", name);
		status = -1;
	}
	free(line);
	if (fp != stdin)
		fclose(fp);
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

static void
usage(FILE *fp)
{
	fputs("usage: smokereport [-hV] [-m metrics.txt] [-o status.json] [file ...]\n", fp);
}

int
main(int argc, char *argv[])
{
	const char *metrics = NULL, *out = "-";
	int c, i, pass, status = EXIT_HOLDS;

	setprogname(argv[0]);
	while ((c = getopt(argc, argv, "hm:o:V")) != -1) {
		switch (c) {
		case 'h':
			usage(stdout);
			return finish_stdout(EXIT_HOLDS);
		case 'm':
			metrics = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'V':
			puts("smokereport smokekit " SMOKEKIT_VERSION);
			return finish_stdout(EXIT_HOLDS);
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind == argc) {
		if (read_input("-") == -1)
			return EXIT_ERROR;
	}
	for (i = optind; i < argc; i++)
		if (read_input(argv[i]) == -1)
			return EXIT_ERROR;
	pass = all_ok();
	if (write_file(out, put_status, pass) == -1)
		status = EXIT_ERROR;
	if (metrics != NULL && write_file(metrics, put_metrics_file, pass) == -1)
		status = EXIT_ERROR;
	group_free(&top);
	groups_free(&sections);
	groups_free(&checks);
	if (status == EXIT_HOLDS && !pass)
		status = EXIT_FAILS;
	return finish_stdout(status);
}
