/* smokereport: the facts of a run, read from key=value lines. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "die.h"
#include "facts.h"
#include "readall.h"
#include "xalloc.h"

const char *
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
int
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
top_has(const struct run *f, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < f->top.n; i++)
		if (is(name, len, f->top.kv[i].key))
			return 1;
	return 0;
}

static int
section_has(const struct run *f, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < f->sections.n; i++)
		if (is(name, len, f->sections.g[i].name))
			return 1;
	return 0;
}

/* One input line; returns NULL or what is wrong with it. */
static const char *
take_line(struct run *f, char *line)
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
	if (n <= 2 && (is(part[0], plen[0], "status") || is(part[0], plen[0], "checks") ||
	    is(part[0], plen[0], "latency") || is(part[0], plen[0], "warnings")))
		return "reserved key: smokereport writes \"status\", \"checks\", "
		    "\"latency\" and \"warnings\" itself";
	/* status.json would have the member twice, and readers keep one. */
	if ((n == 1 && section_has(f, part[0], plen[0])) || (n == 2 && top_has(f, part[0], plen[0])))
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
		group_set(&f->top, part[0], plen[0], eq + 1);
	else if (n == 2)
		group_set(groups_find(&f->sections, part[0], plen[0]), part[1], plen[1], eq + 1);
	else
		group_set(groups_find(&f->checks, part[1], plen[1]), part[2], plen[2], eq + 1);
	return NULL;
}

/* The lines of one input; NUL-terminated in place, CR LF taken as LF. */
int
facts_parse(struct run *f, const char *name, char *buf, size_t len)
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
		if (n > 0 && line[0] != '#' && (why = take_line(f, line)) != NULL) {
			warnf("%s:%ld: %s", name, lineno, why);
			return -1;
		}
		line = nl + 1;
	}
	return 0;
}

int
facts_read(struct run *f, const char *path)
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
	status = facts_parse(f, name, buf, len);
	free(buf);
	return status;
}

void
facts_free(struct run *f)
{
	group_free(&f->top);
	groups_free(&f->sections);
	groups_free(&f->checks);
	memset(f, 0, sizeof *f);
}

const struct group *
facts_section(const struct run *f, const char *name)
{
	size_t i;

	for (i = 0; i < f->sections.n; i++)
		if (strcmp(f->sections.g[i].name, name) == 0)
			return &f->sections.g[i];
	return NULL;
}

const char *
facts_get(const struct run *f, const char *key)
{
	const char *dot = strchr(key, '.');
	const struct group *g;
	char *name;

	if (dot == NULL)
		return group_get(&f->top, key);
	name = xstrndup(key, (size_t)(dot - key));
	g = facts_section(f, name);
	free(name);
	return g != NULL ? group_get(g, dot + 1) : NULL;
}

enum verdict
verdict_of(const struct group *c)
{
	const char *ok = group_get(c, "ok"), *skip = group_get(c, "skip");

	if (ok == NULL || strcmp(ok, "true") != 0)
		return V_FAIL;
	return skip != NULL && *skip != '\0' ? V_SKIP : V_PASS;
}

int
facts_all_ok(const struct run *f)
{
	const char *ok;
	size_t i;

	for (i = 0; i < f->checks.n; i++) {
		ok = group_get(&f->checks.g[i], "ok");
		if (ok == NULL)
			die(EXIT_ERROR, "check %s has no ok line", f->checks.g[i].name);
		if (strcmp(ok, "true") != 0)
			return 0;
	}
	return f->checks.n > 0;
}
