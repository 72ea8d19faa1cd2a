/* jsonfield: extract, type-check, measure or test one field of JSON documents. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "die.h"
#include "jpath.h"
#include "json.h"
#include "pred.h"
#include "usage.h"
#include "xalloc.h"

enum mode { PRINT, RAW, LENGTH, EXISTS, TYPE, CHECK };

/* One document being answered; its output waits until it is known valid. */
struct doc {
	struct json_scanner *js;
	const char *name;
	unsigned long line;    /* -n: the document's line, else 0 */
	FILE *out;             /* NULL with -q */
	FILE *msg;
};

static enum mode mode = PRINT;
static const char *want_type;
static int quiet;

static const char *const types[] = { "object", "array", "string", "number", "bool", "null" };

static const struct usage_opt opts[] = {
	{ "-c pred", "test a predicate (PATH, PATH is TYPE, PATH OP VALUE); repeatable" },
	{ "-e", "only test that the path exists" },
	{ "-h, --help", "print this help and exit" },
	{ "-l", "print the length of the array, object or string" },
	{ "-n", "read JSON lines: one document per line" },
	{ "-q", "print nothing; the exit status tells" },
	{ "-r", "print a string raw, without quotes" },
	{ "-t type", "test that the value is of the type (object array string number bool null)" },
	{ "-V, --version", "print the version and exit" },
	{ NULL, NULL }
};

static const struct usage use = {
	"[-hnqV] [-e | -l | -r | -t type] path [file ...]\n"
	"       jsonfield [-nq] -c pred [-c pred ...] [file ...]",
	opts
};

static int
worst(int a, int b)
{
	return a > b ? a : b;
}

/* "jsonfield: FILE[:LINE]: " into the document's messages. */
static void
put_where(const struct doc *d)
{
	fprintf(d->msg, "%s: %s", progname, d->name);
	if (d->line > 0)
		fprintf(d->msg, ":%lu", d->line);
	fputs(": ", d->msg);
}

/* "jsonfield: FILE[:LINE]: PATH: why" after n steps of the walk. */
static int
answer_no(struct jpath_walk *w, size_t n, const char *why)
{
	struct doc *d = w->ctx;

	put_where(d);
	jpath_put(d->msg, w, n);
	fprintf(d->msg, ": %s\n", why);
	return EXIT_FAILS;
}

/* The value (first token t) the path leads to is not what was wanted; skip it. */
static int
wrong_type(struct jpath_walk *w, enum json_token t, const char *wanted)
{
	char why[96];

	if (json_skip(w->js) == JSON_ERROR)
		return EXIT_ERROR;
	snprintf(why, sizeof why, "is %s, wanted %s", jpath_type(t), wanted);
	return answer_no(w, w->path->n, why);
}

/* Writes the value (first token t) as compact JSON, or skips it. */
static int
put_value(struct jpath_walk *w, enum json_token t)
{
	struct doc *d = w->ctx;

	if (jpath_put_value(d->out, w->js, t) < 0)
		return EXIT_ERROR;
	if (d->out != NULL)
		putc('\n', d->out);
	return EXIT_HOLDS;
}

/* -l: elements, members, or characters. */
static int
length(struct jpath_walk *w, enum json_token t)
{
	struct doc *d = w->ctx;
	unsigned long long count = 0;
	const char *text;
	size_t len, i;

	if (t == JSON_STRING) {
		text = json_text(w->js, &len);
		for (i = 0; i < len; i++)
			count += ((unsigned char)text[i] & 0xc0) != 0x80;
	} else if (t == JSON_OBJECT || t == JSON_ARRAY) {
		if (json_skip_count(w->js, &count) == JSON_ERROR)
			return EXIT_ERROR;
	} else {
		return wrong_type(w, t, "array, object or string");
	}
	if (d->out != NULL)
		fprintf(d->out, "%llu\n", count);
	return EXIT_HOLDS;
}

/* The path led to a value whose first token is t. */
static int
found(struct jpath_walk *w, enum json_token t)
{
	struct doc *d = w->ctx;
	const char *text;
	size_t len;

	switch (mode) {
	case EXISTS: case CHECK:
		break;
	case TYPE:
		if (strcmp(jpath_type(t), want_type) != 0)
			return wrong_type(w, t, want_type);
		break;
	case LENGTH:
		return length(w, t);
	case RAW:
		if (t != JSON_STRING)
			return put_value(w, t);
		text = json_text(w->js, &len);
		if (memchr(text, '\0', len) != NULL)
			return answer_no(w, w->path->n, "holds U+0000, which -r cannot print");
		if (d->out != NULL) {
			fwrite(text, 1, len, d->out);
			putc('\n', d->out);
		}
		return EXIT_HOLDS;
	case PRINT:
		return put_value(w, t);
	}
	return json_skip(w->js) == JSON_ERROR ? EXIT_ERROR : EXIT_HOLDS;
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

/* A predicate that does not hold: "jsonfield: FILE[:LINE]: why". */
static int
check_fails(struct doc *d, const char *why)
{
	put_where(d);
	fprintf(d->msg, "%s\n", why);
	return EXIT_FAILS;
}

/*
 * -c: one predicate is tested on the stream as it goes by; several on a
 * compact copy of the document (read once, validated on the way).
 */
static int
check(struct doc *d, const struct pred *preds, size_t npreds)
{
	char why[256], *copy = NULL;
	size_t len = 0, i;
	int status = EXIT_HOLDS, r;
	FILE *fp;

	if (npreds == 1) {
		r = pred_eval_next(&preds[0], d->js, why, sizeof why);
		if (r == PRED_BAD_JSON)
			return EXIT_ERROR;
		return r == PRED_HOLDS ? EXIT_HOLDS : check_fails(d, why);
	}
	if ((fp = open_memstream(&copy, &len)) == NULL)
		die(EXIT_ERROR, "open_memstream:");
	r = jpath_put_value(fp, d->js, json_next(d->js));
	if (fclose(fp) != 0)
		die(EXIT_ERROR, "out of memory");
	for (i = 0; r == 0 && i < npreds; i++) {
		if (pred_eval(&preds[i], copy, len, why, sizeof why) != PRED_HOLDS)
			status = check_fails(d, why);
	}
	free(copy);
	return r < 0 ? EXIT_ERROR : status;
}

/* One document: the answer is only told once the document is known valid. */
static int
document(struct json_scanner *js, const char *name, const struct jpath *p,
    const struct pred *preds, size_t npreds, unsigned long line)
{
	struct doc d = { js, name, line, NULL, NULL };
	struct jpath_walk w = { p, js, found, answer_no, &d, NULL };
	char *out = NULL, *msg = NULL;
	size_t outlen = 0, msglen = 0;
	int status;

	d.msg = open_memstream(&msg, &msglen);
	d.out = quiet ? NULL : open_memstream(&out, &outlen);
	if (d.msg == NULL || (!quiet && d.out == NULL))
		die(EXIT_ERROR, "open_memstream:");
	if (mode == CHECK)
		status = check(&d, preds, npreds);
	else
		status = jpath_walk(&w, json_next(js));
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
file(const char *path, const struct jpath *p, const struct pred *preds, size_t npreds,
    int lines)
{
	int is_stdin = strcmp(path, "-") == 0, status = EXIT_HOLDS;
	const char *name = is_stdin ? "<stdin>" : path;
	struct json_scanner *js;
	FILE *fp = is_stdin ? stdin : fopen(path, "r");

	if (fp == NULL) {
		warnf("open %s:", path);
		return EXIT_ERROR;
	}
	js = json_open_file(fp, name);
	if (!lines) {
		status = document(js, name, p, preds, npreds, 0);
	} else {
		json_set_lines(js, 1);
		while (json_next_document(js))
			status = worst(status, document(js, name, p, preds, npreds, json_line(js)));
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

static const char *
check_type(const char *arg)
{
	size_t i;

	for (i = 0; i < sizeof types / sizeof types[0]; i++)
		if (strcmp(arg, types[i]) == 0)
			return types[i];
	die(EXIT_USAGE, "bad type '%s': expected object, array, string, number, bool or null", arg);
}

static void
add_pred(struct pred **preds, size_t *npreds, const char *text)
{
	char err[256];

	*preds = xreallocarray(*preds, *npreds + 1, sizeof **preds);
	if (pred_compile(text, &(*preds)[*npreds], err, sizeof err) < 0)
		die(EXIT_USAGE, "bad check '%s': %s", text, err);
	(*npreds)++;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = { USAGE_LONGOPTS, { NULL, 0, NULL, 0 } };
	struct jpath path = { NULL, 0, NULL };
	struct pred *preds = NULL;
	size_t npreds = 0, i;
	char err[256];
	int c, modes = 0, lines = 0, status = EXIT_HOLDS;

	setprogname(argv[0]);
	while ((c = getopt_long(argc, argv, "c:ehlnqrt:V", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': mode = CHECK; modes += npreds == 0; add_pred(&preds, &npreds, optarg); break;
		case 'e': mode = EXISTS; modes++; break;
		case 'h': usage_help(&use);
		case 'l': mode = LENGTH; modes++; break;
		case 'n': lines = 1; break;
		case 'q': quiet = 1; break;
		case 'r': mode = RAW; modes++; break;
		case 't': mode = TYPE; modes++; want_type = check_type(optarg); break;
		case 'V': usage_version();
		default: usage_error(&use);
		}
	}
	argc -= optind;
	argv += optind;
	if (modes > 1) {
		warnf("-c, -e, -l, -r and -t exclude each other");
		usage_error(&use);
	}
	if (mode != CHECK) {
		if (argc < 1)
			usage_error(&use);
		if (jpath_parse(argv[0], NULL, &path, err, sizeof err) < 0)
			die(EXIT_USAGE, "bad path '%s': %s", argv[0], err);
		argc--;
		argv++;
	}
	if (argc == 0)
		status = file("-", &path, preds, npreds, lines);
	for (c = 0; c < argc; c++)
		status = worst(status, file(argv[c], &path, preds, npreds, lines));
	jpath_free(&path);
	for (i = 0; i < npreds; i++)
		pred_free(&preds[i]);
	free(preds);
	return finish_stdout(status);
}
