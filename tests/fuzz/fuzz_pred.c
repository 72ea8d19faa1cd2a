/*
 * libFuzzer harness for tools/lib/pred.c and jpath.c. The input is a
 * predicate, a newline, and a document. The harness aborts when:
 * - pred_eval calls a document bad JSON that the scanner accepts, or the
 *   other way round;
 * - the verdict on a valid document differs from the verdict on its
 *   compact copy (jpath_put_value), which must itself be valid;
 * - a valid document is not equal to itself: ". == DOC" must compile and
 *   hold on DOC, and ". != DOC" must not; a number or a string must be
 *   <= and >= itself, and not < or > itself.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jpath.h"
#include "json.h"
#include "pred.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
valid(const char *doc, size_t len)
{
	struct json_scanner *js = json_open_mem(doc, len, "in");
	enum json_token t;

	if (js == NULL)
		abort();
	while ((t = json_next(js)) != JSON_END && t != JSON_ERROR)
		;
	json_close(js);
	return t == JSON_END;
}

/* The document as compact JSON, in a buffer of its own. */
static char *
compact(const char *doc, size_t len, size_t *outlen)
{
	struct json_scanner *js = json_open_mem(doc, len, "in");
	char *out = NULL;
	FILE *fp;

	if (js == NULL || (fp = open_memstream(&out, outlen)) == NULL)
		abort();
	if (jpath_put_value(fp, js, json_next(js)) < 0 || json_next(js) != JSON_END)
		abort();
	fclose(fp);
	json_close(js);
	return out;
}

/* ". OP DOC" on DOC. */
static int
self(const char *op, const char *doc, size_t len)
{
	char *text = malloc(len + 8), err[256];
	struct pred p;
	size_t n;
	int r;

	if (text == NULL)
		abort();
	snprintf(text, len + 8, ". %s ", op);
	n = strlen(text);
	memcpy(text + n, doc, len);
	text[n + len] = '\0';
	if (pred_compile(text, &p, err, sizeof err) < 0) {
		fprintf(stderr, "%s: %s\n", text, err);
		abort();
	}
	r = pred_eval(&p, doc, len, NULL, 0);
	pred_free(&p);
	free(text);
	return r;
}

/* A valid document that is a number or a string. */
static int
ordered(const char *doc, size_t len)
{
	size_t i = 0;

	while (i < len && strchr(" \t\r\n", doc[i]) != NULL && doc[i] != '\0')
		i++;
	return i < len && (doc[i] == '"' || doc[i] == '-' || (doc[i] >= '0' && doc[i] <= '9'));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *nl = memchr(data, '\n', size), *doc;
	char *text, *copy, err[256], why[256];
	size_t dlen, clen;
	struct pred p;
	int ok, r, r2;

	if (nl == NULL || memchr(data, '\0', (size_t)(nl - (const char *)data)) != NULL)
		return 0;
	text = malloc((size_t)(nl - (const char *)data) + 1);
	if (text == NULL)
		abort();
	memcpy(text, data, (size_t)(nl - (const char *)data));
	text[nl - (const char *)data] = '\0';
	doc = nl + 1;
	dlen = size - (size_t)(doc - (const char *)data);
	ok = valid(doc, dlen);
	if (pred_compile(text, &p, err, sizeof err) == 0) {
		r = pred_eval(&p, doc, dlen, why, sizeof why);
		if ((r == PRED_BAD_JSON) == ok) {
			fprintf(stderr, "valid %d, pred_eval %d: %s\n", ok, r, why);
			abort();
		}
		if (ok) {
			copy = compact(doc, dlen, &clen);
			r2 = pred_eval(&p, copy, clen, why, sizeof why);
			if (r2 != r) {
				fprintf(stderr, "%d on the document, %d on its copy: %s\n", r, r2, why);
				abort();
			}
			free(copy);
		}
		pred_free(&p);
	}
	free(text);
	if (ok && memchr(doc, '\0', dlen) == NULL) {
		if (self("==", doc, dlen) != PRED_HOLDS || self("!=", doc, dlen) != PRED_FAILS)
			abort();
		if (ordered(doc, dlen) &&
		    (self("<=", doc, dlen) != PRED_HOLDS || self(">=", doc, dlen) != PRED_HOLDS ||
		    self("<", doc, dlen) != PRED_FAILS || self(">", doc, dlen) != PRED_FAILS))
			abort();
	}
	return 0;
}
