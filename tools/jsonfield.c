/* jsonfield: extract, type-check, measure or test one field of JSON documents. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "die.h"
#include "json.h"
#include "jsonout.h"
#include "num.h"
#include "xalloc.h"

enum mode { PRINT, RAW, LENGTH, EXISTS, TYPE };

enum step_kind { STEP_KEY, STEP_INDEX, STEP_EACH };

struct step {
	enum step_kind kind;
	char *key;             /* STEP_KEY: the decoded name */
	size_t keylen;
	long long index;       /* STEP_INDEX */
	long long at;          /* STEP_EACH: the current element of an array */
	char *atkey;           /* STEP_EACH: the current member of an object */
	size_t atkeylen;
};

struct path {
	struct step *steps;
	size_t n;
	const char *text;
};

/* One document being answered; its output waits until it is known valid. */
struct doc {
	struct json_scanner *js;
	const struct path *path;
	const char *name;
	unsigned long line;    /* -n: the document's line, else 0 */
	FILE *out;             /* NULL with -q */
	FILE *msg;
};

static enum mode mode = PRINT;
static const char *want_type;
static int quiet;

static const char *const types[] = { "object", "array", "string", "number", "bool", "null" };

static const char *
type_name(enum json_token t)
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

static int
worst(int a, int b)
{
	return a > b ? a : b;
}

static noreturn void
bad_path(const struct path *p, size_t at, const char *what)
{
	die(EXIT_USAGE, "bad path '%s': column %zu: %s", p->text, at + 1, what);
}

static struct step *
add_step(struct path *p, enum step_kind kind)
{
	struct step *s = xreallocarray(p->steps, p->n + 1, sizeof *s);

	p->steps = s;
	s += p->n++;
	memset(s, 0, sizeof *s);
	s->kind = kind;
	return s;
}

/* A byte that may appear in an unquoted key. */
static int
key_byte(unsigned char c)
{
	return c > ' ' && c != 0x7f && strchr(".[]\"\\", c) == NULL;
}

/* A quoted key at s[i] (the quote), decoded as a JSON string; returns its end. */
static size_t
quoted_key(struct path *p, size_t i)
{
	const char *s = p->text;
	struct json_scanner *js;
	struct step *st;
	size_t j = i + 1, len, skip;
	const char *text;
	char what[160];

	while (s[j] != '\0' && s[j] != '"')
		j += s[j] == '\\' && s[j + 1] != '\0' ? 2 : 1;
	if (s[j] == '\0')
		bad_path(p, j, "unterminated quoted key");
	if ((js = json_open_mem(s + i, j + 1 - i, "")) == NULL)
		die(EXIT_ERROR, "out of memory");
	if (json_next(js) != JSON_STRING) {
		/* The scanner's message without its "name:line:col: " prefix. */
		skip = (size_t)snprintf(NULL, 0, ":%lu:%lu: ", json_line(js), json_col(js));
		snprintf(what, sizeof what, "%s", json_error(js) + skip);
		j = i + json_col(js) - 1;
		json_close(js);
		bad_path(p, j, what);
	}
	text = json_text(js, &len);
	st = add_step(p, STEP_KEY);
	st->key = xstrndup(text, len);
	st->keylen = len;
	json_close(js);
	return j + 1;
}

static size_t
plain_key(struct path *p, size_t i)
{
	const char *s = p->text;
	struct step *st;
	size_t j = i;

	while (key_byte((unsigned char)s[j]))
		j++;
	if (j == i)
		bad_path(p, i, "expected a key");
	st = add_step(p, STEP_KEY);
	st->key = xstrndup(s + i, j - i);
	st->keylen = j - i;
	return j;
}

/* [N] or [] at s[i] (the '['); returns the end. */
static size_t
bracket(struct path *p, size_t i)
{
	const char *s = p->text;
	char num[32];
	size_t j = ++i;
	long long n;

	if (s[i] == ']') {
		add_step(p, STEP_EACH);
		return i + 1;
	}
	while (s[j] >= '0' && s[j] <= '9')
		j++;
	if (j == i)
		bad_path(p, i, "expected a number or ']'");
	if (j - i >= sizeof num)
		bad_path(p, i, "index out of range");
	memcpy(num, s + i, j - i);
	num[j - i] = '\0';
	if (parse_ll(num, 0, 0x7fffffffffffffffLL, &n) < 0)
		bad_path(p, i, "index out of range");
	if (s[j] != ']')
		bad_path(p, j, "expected ']'");
	add_step(p, STEP_INDEX)->index = n;
	return j + 1;
}

/*
 * path   = "." | [ key ] step*
 * step   = "." key | "." "[" ... "]" | "[" number "]" | "[" "]"
 * key    = unquoted | JSON string
 */
static void
parse_path(const char *text, struct path *p)
{
	size_t i = 0;

	memset(p, 0, sizeof *p);
	p->text = text;
	if (strcmp(text, ".") == 0)
		return;
	if (text[0] == '"')
		i = quoted_key(p, 0);
	else if (text[0] != '.' && text[0] != '[')
		i = plain_key(p, 0);
	while (text[i] != '\0') {
		if (text[i] == '[') {
			i = bracket(p, i);
		} else if (text[i] == '.') {
			i++;
			if (text[i] == '"')
				i = quoted_key(p, i);
			else if (text[i] != '[')
				i = plain_key(p, i);
		} else {
			bad_path(p, i, "expected '.' or '['");
		}
	}
}

static void
free_path(struct path *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		free(p->steps[i].key);
	free(p->steps);
}

static void
put_key(FILE *fp, const char *key, size_t len)
{
	size_t i;

	for (i = 0; i < len && key_byte((unsigned char)key[i]); i++)
		;
	putc('.', fp);
	if (i == len && len > 0)
		fwrite(key, 1, len, fp);
	else
		json_put_string(fp, key, len);
}

/* The path up to step n, with the element being visited for each []. */
static void
put_path(FILE *fp, const struct path *p, size_t n)
{
	size_t i;

	if (n == 0)
		putc('.', fp);
	for (i = 0; i < n; i++) {
		const struct step *s = &p->steps[i];

		if (s->kind == STEP_KEY)
			put_key(fp, s->key, s->keylen);
		else if (s->kind == STEP_INDEX)
			fprintf(fp, "[%lld]", s->index);
		else if (s->atkey != NULL)
			put_key(fp, s->atkey, s->atkeylen);
		else
			fprintf(fp, "[%lld]", s->at);
	}
}

/* "jsonfield: FILE[:LINE]: PATH: what" into the document's messages. */
static int
answer_no(struct doc *d, size_t n, const char *fmt, ...)
{
	va_list ap;

	fprintf(d->msg, "%s: %s", progname, d->name);
	if (d->line > 0)
		fprintf(d->msg, ":%lu", d->line);
	fputs(": ", d->msg);
	put_path(d->msg, d->path, n);
	fputs(": ", d->msg);
	va_start(ap, fmt);
	vfprintf(d->msg, fmt, ap);
	va_end(ap);
	putc('\n', d->msg);
	return EXIT_FAILS;
}

/* The value (first token t) at step n is not what was wanted; skip it. */
static int
wrong_type(struct doc *d, enum json_token t, size_t n, const char *wanted)
{
	if (json_skip(d->js) == JSON_ERROR)
		return EXIT_ERROR;
	return answer_no(d, n, "is %s, wanted %s", type_name(t), wanted);
}

/* The same on the way to the value, where a null is the whole answer. */
static int
not_container(struct doc *d, enum json_token t, size_t n, const char *wanted)
{
	if (t == JSON_NULL)
		return answer_no(d, n, "is null");
	return wrong_type(d, t, n, wanted);
}

/* Writes the value (first token t) as compact JSON, or skips it. */
static int
put_value(struct doc *d, enum json_token t)
{
	enum json_token prev = JSON_OBJECT;
	unsigned base = json_depth(d->js);
	const char *text;
	size_t len;

	if (d->out == NULL)
		return json_skip(d->js) == JSON_ERROR ? EXIT_ERROR : EXIT_HOLDS;
	if (t == JSON_OBJECT || t == JSON_ARRAY)
		base--;
	for (;;) {
		/* A comma goes between a complete value and what follows it. */
		if (t != JSON_OBJECT_END && t != JSON_ARRAY_END && prev != JSON_OBJECT &&
		    prev != JSON_ARRAY && prev != JSON_KEY)
			putc(',', d->out);
		text = json_text(d->js, &len);
		switch (t) {
		case JSON_ERROR: return EXIT_ERROR;
		case JSON_OBJECT: putc('{', d->out); break;
		case JSON_OBJECT_END: putc('}', d->out); break;
		case JSON_ARRAY: putc('[', d->out); break;
		case JSON_ARRAY_END: putc(']', d->out); break;
		case JSON_KEY: json_put_string(d->out, text, len); putc(':', d->out); break;
		case JSON_STRING: json_put_string(d->out, text, len); break;
		case JSON_NUMBER: fwrite(text, 1, len, d->out); break;
		default: fputs(t == JSON_NULL ? "null" : t == JSON_TRUE ? "true" : "false", d->out); break;
		}
		if (json_depth(d->js) == base && t != JSON_KEY)
			break;
		prev = t;
		t = json_next(d->js);
	}
	putc('\n', d->out);
	return EXIT_HOLDS;
}

/* -l: elements, members, or characters. */
static int
length(struct doc *d, enum json_token t, size_t n)
{
	unsigned long long count = 0;
	const char *text;
	size_t len, i;

	if (t == JSON_STRING) {
		text = json_text(d->js, &len);
		for (i = 0; i < len; i++)
			count += ((unsigned char)text[i] & 0xc0) != 0x80;
	} else if (t == JSON_OBJECT || t == JSON_ARRAY) {
		if (json_skip_count(d->js, &count) == JSON_ERROR)
			return EXIT_ERROR;
	} else {
		return wrong_type(d, t, n, "array, object or string");
	}
	if (d->out != NULL)
		fprintf(d->out, "%llu\n", count);
	return EXIT_HOLDS;
}

/* The path matched: the value's first token is t. */
static int
found(struct doc *d, enum json_token t, size_t n)
{
	const char *text;
	size_t len;

	switch (mode) {
	case EXISTS:
		break;
	case TYPE:
		if (strcmp(type_name(t), want_type) != 0)
			return wrong_type(d, t, n, want_type);
		break;
	case LENGTH:
		return length(d, t, n);
	case RAW:
		if (t != JSON_STRING)
			return put_value(d, t);
		text = json_text(d->js, &len);
		if (memchr(text, '\0', len) != NULL)
			return answer_no(d, n, "holds U+0000, which -r cannot print");
		if (d->out != NULL) {
			fwrite(text, 1, len, d->out);
			putc('\n', d->out);
		}
		return EXIT_HOLDS;
	case PRINT:
		return put_value(d, t);
	}
	return json_skip(d->js) == JSON_ERROR ? EXIT_ERROR : EXIT_HOLDS;
}

static int apply(struct doc *d, enum json_token t, size_t n);

static int
member(struct doc *d, enum json_token t, size_t n)
{
	const struct step *s = &d->path->steps[n];
	int status = -1;
	const char *key;
	size_t len;

	if (t != JSON_OBJECT)
		return not_container(d, t, n, "object");
	while ((t = json_next(d->js)) == JSON_KEY) {
		key = json_text(d->js, &len);
		/* The first of duplicate keys wins; later ones are only validated. */
		if (status < 0 && len == s->keylen && memcmp(key, s->key, len) == 0)
			status = apply(d, json_next(d->js), n + 1);
		else if (json_skip_next(d->js) == JSON_ERROR)
			return EXIT_ERROR;
		if (status == EXIT_ERROR)
			return EXIT_ERROR;
	}
	if (t == JSON_ERROR)
		return EXIT_ERROR;
	return status >= 0 ? status : answer_no(d, n + 1, "missing");
}

static int
element(struct doc *d, enum json_token t, size_t n)
{
	const struct step *s = &d->path->steps[n];
	long long i;
	int status = -1;

	if (t != JSON_ARRAY)
		return not_container(d, t, n, "array");
	for (i = 0;; i++) {
		t = i == s->index ? json_next(d->js) : json_skip_next(d->js);
		if (t == JSON_ARRAY_END || t == JSON_ERROR)
			break;
		if (i == s->index && (status = apply(d, t, n + 1)) == EXIT_ERROR)
			return EXIT_ERROR;
	}
	if (t == JSON_ERROR)
		return EXIT_ERROR;
	return status >= 0 ? status : answer_no(d, n + 1, "missing");
}

/* [] over an array's elements or an object's member values. */
static int
each(struct doc *d, enum json_token t, size_t n)
{
	struct step *s = &d->path->steps[n];
	enum json_token end = t == JSON_OBJECT ? JSON_OBJECT_END : JSON_ARRAY_END;
	int status = EXIT_HOLDS;
	const char *key;
	size_t len;

	if (t != JSON_ARRAY && t != JSON_OBJECT)
		return not_container(d, t, n, "array or object");
	for (s->at = 0; (t = json_next(d->js)) != end; s->at++) {
		if (t == JSON_KEY) {
			key = json_text(d->js, &len);
			free(s->atkey);
			s->atkey = xstrndup(key, len);
			s->atkeylen = len;
			t = json_next(d->js);
		}
		status = worst(status, apply(d, t, n + 1));
		if (status == EXIT_ERROR)
			break;
	}
	free(s->atkey);
	s->atkey = NULL;
	return status;
}

/* The steps from n on, applied to the value whose first token is t. */
static int
apply(struct doc *d, enum json_token t, size_t n)
{
	if (t == JSON_ERROR)
		return EXIT_ERROR;
	if (n == d->path->n)
		return found(d, t, n);
	switch (d->path->steps[n].kind) {
	case STEP_KEY:
		return member(d, t, n);
	case STEP_INDEX:
		return element(d, t, n);
	case STEP_EACH:
		break;
	}
	return each(d, t, n);
}

/* Moves a finished memory stream to fp (or drops it) and frees it. */
static void
flush_buffer(FILE *buf, char **mem, size_t *len, FILE *fp)
{
	fclose(buf);
	if (fp != NULL && *len > 0)
		fwrite(*mem, 1, *len, fp);
	free(*mem);
}

/* One document: the answer is only told once the document is known valid. */
static int
document(struct json_scanner *js, const char *name, const struct path *p, unsigned long line)
{
	struct doc d = { js, p, name, line, NULL, NULL };
	char *out = NULL, *msg = NULL;
	size_t outlen = 0, msglen = 0;
	int status;

	d.msg = open_memstream(&msg, &msglen);
	d.out = quiet ? NULL : open_memstream(&out, &outlen);
	if (d.msg == NULL || (!quiet && d.out == NULL))
		die(EXIT_ERROR, "open_memstream:");
	status = apply(&d, json_next(js), 0);
	if (status != EXIT_ERROR && json_next(js) != JSON_END)
		status = EXIT_ERROR;
	if (status == EXIT_ERROR)
		warnf("%s", json_error(js));
	if (d.out != NULL)
		flush_buffer(d.out, &out, &outlen, status == EXIT_ERROR ? NULL : stdout);
	flush_buffer(d.msg, &msg, &msglen, status == EXIT_ERROR || quiet ? NULL : stderr);
	return status;
}

static int
file(const char *path, const struct path *p, int lines)
{
	int is_stdin = strcmp(path, "-") == 0, status = EXIT_HOLDS;
	const char *name = is_stdin ? "<stdin>" : path;
	struct json_scanner *js;
	FILE *fp = is_stdin ? stdin : fopen(path, "r");

	if (fp == NULL) {
		warnf("open %s:", path);
		return EXIT_ERROR;
	}
	if ((js = json_open_file(fp, name)) == NULL)
		die(EXIT_ERROR, "out of memory");
	if (!lines) {
		status = document(js, name, p, 0);
	} else {
		json_set_lines(js, 1);
		while (json_next_document(js))
			status = worst(status, document(js, name, p, json_line(js)));
		if (json_io_error(js)) {
			warnf("%s", json_error(js));
			status = EXIT_ERROR;
		}
	}
	json_close(js);
	if (!is_stdin)
		fclose(fp);
	return status;
}

static void
put_usage(FILE *fp)
{
	fprintf(fp, "usage: %s [-e | -l | -r | -t type] [-nq] path [file ...]\n", progname);
}

static noreturn void
usage(void)
{
	put_usage(stderr);
	exit(EXIT_USAGE);
}

static const char *
check_type(const char *arg)
{
	size_t i;

	for (i = 0; i < sizeof types / sizeof types[0]; i++)
		if (strcmp(arg, types[i]) == 0)
			return types[i];
	die(EXIT_USAGE, "bad type '%s': expected object, array, string, number, bool or null", arg);
}

int
main(int argc, char *argv[])
{
	struct path path;
	int c, modes = 0, lines = 0, status = EXIT_HOLDS;

	setprogname(argv[0]);
	while ((c = getopt(argc, argv, "ehlnqrt:V")) != -1) {
		switch (c) {
		case 'e': mode = EXISTS; modes++; break;
		case 'h': put_usage(stdout); return finish_stdout(EXIT_HOLDS);
		case 'l': mode = LENGTH; modes++; break;
		case 'n': lines = 1; break;
		case 'q': quiet = 1; break;
		case 'r': mode = RAW; modes++; break;
		case 't': mode = TYPE; modes++; want_type = check_type(optarg); break;
		case 'V': puts("jsonfield smokekit " SMOKEKIT_VERSION); return finish_stdout(EXIT_HOLDS);
		default: usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (modes > 1) {
		warnf("-e, -l, -r and -t exclude each other");
		usage();
	}
	if (argc < 1)
		usage();
	parse_path(argv[0], &path);
	if (argc == 1)
		status = file("-", &path, lines);
	for (c = 1; c < argc; c++)
		status = worst(status, file(argv[c], &path, lines));
	free_path(&path);
	return finish_stdout(status);
}
