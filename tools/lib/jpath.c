/* smokekit: paths into JSON documents (see jpath.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "die.h"
#include "jpath.h"
#include "json.h"
#include "jsonout.h"
#include "num.h"
#include "xalloc.h"

/* The parse in progress: where errors go, and where the path may stop. */
struct parse {
	struct jpath *p;
	const char *s;
	int in_pred;           /* a predicate goes on after the path */
	char *err;
	size_t errsz;
};

static int
bad(struct parse *ps, size_t at, const char *what)
{
	snprintf(ps->err, ps->errsz, "column %zu: %s", at + 1, what);
	return -1;
}

/* Where a path inside a predicate ends: a blank or an operator. */
static int
stops(const struct parse *ps, unsigned char c)
{
	return c == '\0' || (ps->in_pred && strchr(" \t=!<>", c) != NULL);
}

/* A byte that may appear in an unquoted key. */
static int
key_byte(const struct parse *ps, unsigned char c)
{
	return c > ' ' && c != 0x7f && strchr(".[]\"\\", c) == NULL && !stops(ps, c);
}

static struct jpath_step *
add_step(struct jpath *p, enum jpath_kind kind)
{
	struct jpath_step *s = xreallocarray(p->steps, p->n + 1, sizeof *s);

	p->steps = s;
	s += p->n++;
	memset(s, 0, sizeof *s);
	s->kind = kind;
	return s;
}

/*
 * A quoted key at s[i] (the quote), decoded as a JSON string; *end is set
 * past it. Returns 0 or -1.
 */
static int
quoted_key(struct parse *ps, size_t i, size_t *end)
{
	const char *s = ps->s;
	struct json_scanner *js;
	struct jpath_step *st;
	size_t j = i + 1, len, skip;
	const char *text;
	char what[160];

	while (s[j] != '\0' && s[j] != '"')
		j += s[j] == '\\' && s[j + 1] != '\0' ? 2 : 1;
	if (s[j] == '\0')
		return bad(ps, j, "unterminated quoted key");
	js = json_open_mem(s + i, j + 1 - i, "");
	if (json_next(js) != JSON_STRING) {
		/* The scanner's message without its "name:line:col: " prefix. */
		skip = (size_t)snprintf(NULL, 0, ":%lu:%lu: ", json_line(js), json_col(js));
		snprintf(what, sizeof what, "%s", json_error(js) + skip);
		j = i + json_col(js) - 1;
		json_close(js);
		return bad(ps, j, what);
	}
	text = json_text(js, &len);
	st = add_step(ps->p, JPATH_KEY);
	st->key = xstrndup(text, len);
	st->keylen = len;
	json_close(js);
	*end = j + 1;
	return 0;
}

static int
plain_key(struct parse *ps, size_t i, size_t *end)
{
	struct jpath_step *st;
	size_t j = i;

	while (key_byte(ps, (unsigned char)ps->s[j]))
		j++;
	if (j == i)
		return bad(ps, i, "expected a key");
	st = add_step(ps->p, JPATH_KEY);
	st->key = xstrndup(ps->s + i, j - i);
	st->keylen = j - i;
	*end = j;
	return 0;
}

/* [N], [-N], ["key"] or [] at s[i] (the '['); *end is set past it. */
static int
bracket(struct parse *ps, size_t i, size_t *end)
{
	const char *s = ps->s;
	char num[32];
	size_t j = ++i, k;
	long long n;

	if (s[i] == ']') {
		add_step(ps->p, JPATH_EACH);
		*end = i + 1;
		return 0;
	}
	if (s[i] == '"') {
		if (quoted_key(ps, i, &j) < 0)
			return -1;
		if (s[j] != ']')
			return bad(ps, j, "expected ']'");
		*end = j + 1;
		return 0;
	}
	k = j += s[j] == '-';
	while (s[j] >= '0' && s[j] <= '9')
		j++;
	if (j == k)
		return bad(ps, k, "expected a number, a quoted key or ']'");
	if (j - i >= sizeof num)
		return bad(ps, i, "index out of range");
	memcpy(num, s + i, j - i);
	num[j - i] = '\0';
	if (parse_ll(num, -0x7fffffffffffffffLL, 0x7fffffffffffffffLL, &n) < 0)
		return bad(ps, i, "index out of range");
	if (s[j] != ']')
		return bad(ps, j, "expected ']'");
	add_step(ps->p, JPATH_INDEX)->index = n;
	*end = j + 1;
	return 0;
}

static int
steps(struct parse *ps, size_t *end)
{
	const char *s = ps->s;
	size_t i = 0;

	if (s[0] == '.' && stops(ps, (unsigned char)s[1])) {
		*end = 1;
		return 0;
	}
	if (s[0] == '"' && quoted_key(ps, 0, &i) < 0)
		return -1;
	if (s[0] != '"' && s[0] != '.' && s[0] != '[' && plain_key(ps, 0, &i) < 0)
		return -1;
	while (!stops(ps, (unsigned char)s[i])) {
		if (s[i] == '[') {
			if (bracket(ps, i, &i) < 0)
				return -1;
		} else if (s[i] == '.') {
			i++;
			if (s[i] == '"') {
				if (quoted_key(ps, i, &i) < 0)
					return -1;
			} else if (s[i] != '[' && plain_key(ps, i, &i) < 0) {
				return -1;
			}
		} else {
			return bad(ps, i, "expected '.' or '['");
		}
	}
	*end = i;
	return 0;
}

int
jpath_parse(const char *text, const char **end, struct jpath *p, char *err, size_t errsz)
{
	struct parse ps = { p, text, end != NULL, err, errsz };
	size_t n = 0;

	memset(p, 0, sizeof *p);
	if (steps(&ps, &n) < 0) {
		jpath_free(p);
		return -1;
	}
	p->text = xstrndup(text, n);
	if (end != NULL)
		*end = text + n;
	return 0;
}

void
jpath_free(struct jpath *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		free(p->steps[i].key);
	free(p->steps);
	free(p->text);
	memset(p, 0, sizeof *p);
}

const char *
jpath_type(enum json_token t)
{
	switch (t) {
	case JSON_OBJECT: return "object";
	case JSON_ARRAY: return "array";
	case JSON_STRING: return "string";
	case JSON_NUMBER: return "number";
	case JSON_TRUE: case JSON_FALSE: return "bool";
	default: return "null";
	}
}

static void
put_key(FILE *fp, const char *key, size_t len)
{
	static const struct parse plain = { NULL, NULL, 0, NULL, 0 };
	size_t i;

	for (i = 0; i < len && key_byte(&plain, (unsigned char)key[i]); i++)
		;
	putc('.', fp);
	if (i == len && len > 0)
		fwrite(key, 1, len, fp);
	else
		json_put_string(fp, key, len);
}

void
jpath_put(FILE *fp, const struct jpath_walk *w, size_t n)
{
	size_t i;

	/* ".", and ".[0]" rather than "[0]", as jq writes them. */
	if (n == 0 || w->path->steps[0].kind == JPATH_INDEX ||
	    (w->path->steps[0].kind == JPATH_EACH && w->at[0].key == NULL))
		putc('.', fp);
	for (i = 0; i < n; i++) {
		const struct jpath_step *s = &w->path->steps[i];

		if (s->kind == JPATH_KEY)
			put_key(fp, s->key, s->keylen);
		else if (s->kind == JPATH_INDEX)
			fprintf(fp, "[%lld]", s->index);
		else if (w->at[i].key != NULL)
			put_key(fp, w->at[i].key, w->at[i].keylen);
		else
			fprintf(fp, "[%lld]", w->at[i].i);
	}
}

int
jpath_put_value(FILE *fp, struct json_scanner *js, enum json_token t)
{
	enum json_token prev = JSON_OBJECT;
	unsigned base = json_depth(js);
	const char *text;
	size_t len;

	if (fp == NULL)
		return json_skip(js) == JSON_ERROR ? -1 : 0;
	if (t == JSON_OBJECT || t == JSON_ARRAY)
		base--;
	for (;;) {
		/* A comma goes between a complete value and what follows it. */
		if (t != JSON_OBJECT_END && t != JSON_ARRAY_END && prev != JSON_OBJECT &&
		    prev != JSON_ARRAY && prev != JSON_KEY)
			putc(',', fp);
		text = json_text(js, &len);
		switch (t) {
		case JSON_ERROR: case JSON_END: return -1;
		case JSON_OBJECT: putc('{', fp); break;
		case JSON_OBJECT_END: putc('}', fp); break;
		case JSON_ARRAY: putc('[', fp); break;
		case JSON_ARRAY_END: putc(']', fp); break;
		case JSON_KEY: json_put_string(fp, text, len); putc(':', fp); break;
		case JSON_STRING: json_put_string(fp, text, len); break;
		case JSON_NUMBER: fwrite(text, 1, len, fp); break;
		default: fputs(t == JSON_NULL ? "null" : t == JSON_TRUE ? "true" : "false", fp); break;
		}
		if (json_depth(js) == base && t != JSON_KEY)
			return 0;
		prev = t;
		t = json_next(js);
	}
}

static int
worst(int a, int b)
{
	return a > b ? a : b;
}

static int
miss(struct jpath_walk *w, size_t n, const char *fmt, ...)
{
	char why[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	return w->miss(w, n, why);
}

/* On the way to the value, a value that is not the container wanted. */
static int
not_container(struct jpath_walk *w, enum json_token t, size_t n, const char *wanted)
{
	if (t == JSON_NULL)
		return miss(w, n, "is null");
	if (json_skip(w->js) == JSON_ERROR)
		return EXIT_ERROR;
	return miss(w, n, "is %s, wanted %s", jpath_type(t), wanted);
}

static int apply(struct jpath_walk *w, enum json_token t, size_t n);

static int
member(struct jpath_walk *w, enum json_token t, size_t n)
{
	const struct jpath_step *s = &w->path->steps[n];
	int status = -1;
	const char *key;
	size_t len;

	if (t != JSON_OBJECT)
		return not_container(w, t, n, "object");
	while ((t = json_next(w->js)) == JSON_KEY) {
		key = json_text(w->js, &len);
		/* The first of duplicate keys wins; later ones are only validated. */
		if (status < 0 && len == s->keylen && memcmp(key, s->key, len) == 0)
			status = apply(w, json_next(w->js), n + 1);
		else if (json_skip_next(w->js) == JSON_ERROR)
			return EXIT_ERROR;
		if (status == EXIT_ERROR)
			return EXIT_ERROR;
	}
	if (t == JSON_ERROR)
		return EXIT_ERROR;
	return status >= 0 ? status : miss(w, n + 1, "missing");
}

/*
 * [-k]: the last k elements are kept as compact JSON while the array goes
 * by (memory grows with k and the elements, not with the array); the path
 * then goes on in the one that turned out to be k-th from the end.
 */
static int
element_from_end(struct jpath_walk *w, size_t n)
{
	unsigned long long k = (unsigned long long)-(w->path->steps[n].index + 1) + 1;
	unsigned long long count, slot;
	struct json_scanner *js = w->js, *sub;
	char **ring = NULL;
	size_t *lens = NULL, nring = 0, i;
	enum json_token t;
	FILE *fp;
	int status;

	for (count = 0;; count++) {
		t = json_next(js);
		if (t == JSON_ARRAY_END || t == JSON_ERROR)
			break;
		slot = count % k;
		if (slot == nring) {
			ring = xreallocarray(ring, nring + 1, sizeof *ring);
			lens = xreallocarray(lens, nring + 1, sizeof *lens);
			ring[nring++] = NULL;
		}
		free(ring[slot]);
		ring[slot] = NULL;
		if ((fp = open_memstream(&ring[slot], &lens[slot])) == NULL)
			die(EXIT_ERROR, "open_memstream:");
		status = jpath_put_value(fp, js, t);
		if (fclose(fp) != 0)
			die(EXIT_ERROR, "out of memory");
		if (status < 0) {
			t = JSON_ERROR;
			break;
		}
	}
	if (t != JSON_ARRAY_END) {
		status = EXIT_ERROR;
	} else if (count < k) {
		status = miss(w, n + 1, "missing");
	} else {
		slot = (count - k) % k;
		w->at[n].i = (long long)(count - k);
		sub = json_open_mem(ring[slot], lens[slot], "");
		w->js = sub;
		status = apply(w, json_next(sub), n + 1);
		w->js = js;
		json_close(sub);
	}
	for (i = 0; i < nring; i++)
		free(ring[i]);
	free(ring);
	free(lens);
	return status;
}

static int
element(struct jpath_walk *w, enum json_token t, size_t n)
{
	const struct jpath_step *s = &w->path->steps[n];
	long long i;
	int status = -1;

	if (t != JSON_ARRAY)
		return not_container(w, t, n, "array");
	if (s->index < 0)
		return element_from_end(w, n);
	for (i = 0;; i++) {
		t = i == s->index ? json_next(w->js) : json_skip_next(w->js);
		if (t == JSON_ARRAY_END || t == JSON_ERROR)
			break;
		if (i == s->index && (status = apply(w, t, n + 1)) == EXIT_ERROR)
			return EXIT_ERROR;
	}
	if (t == JSON_ERROR)
		return EXIT_ERROR;
	return status >= 0 ? status : miss(w, n + 1, "missing");
}

/* [] over an array's elements or an object's member values. */
static int
each(struct jpath_walk *w, enum json_token t, size_t n)
{
	struct jpath_at *at = &w->at[n];
	enum json_token end = t == JSON_OBJECT ? JSON_OBJECT_END : JSON_ARRAY_END;
	int status = EXIT_HOLDS;
	const char *key;
	size_t len;

	if (t != JSON_ARRAY && t != JSON_OBJECT)
		return not_container(w, t, n, "array or object");
	for (at->i = 0; (t = json_next(w->js)) != end; at->i++) {
		if (t == JSON_KEY) {
			key = json_text(w->js, &len);
			free(at->key);
			at->key = xstrndup(key, len);
			at->keylen = len;
			t = json_next(w->js);
		}
		status = worst(status, apply(w, t, n + 1));
		if (status == EXIT_ERROR)
			break;
	}
	free(at->key);
	at->key = NULL;
	return status;
}

/* The steps from n on, applied to the value whose first token is t. */
static int
apply(struct jpath_walk *w, enum json_token t, size_t n)
{
	if (t == JSON_ERROR)
		return EXIT_ERROR;
	if (n == w->path->n)
		return w->found(w, t);
	switch (w->path->steps[n].kind) {
	case JPATH_KEY:
		return member(w, t, n);
	case JPATH_INDEX:
		return element(w, t, n);
	case JPATH_EACH:
		break;
	}
	return each(w, t, n);
}

int
jpath_walk(struct jpath_walk *w, enum json_token t)
{
	struct jpath_at one;
	int status;

	/* Most paths are short: no allocation for them. */
	w->at = w->path->n <= 1 ? &one : xreallocarray(NULL, w->path->n, sizeof *w->at);
	memset(w->at, 0, (w->path->n > 0 ? w->path->n : 1) * sizeof *w->at);
	status = apply(w, t, 0);
	if (w->at != &one)
		free(w->at);
	w->at = NULL;
	return status;
}
