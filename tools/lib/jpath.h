/*
 * Paths into a JSON document, the one grammar jsonfield and predicates
 * share (jq's, the part of it that names one place):
 *
 *	path  = "." | [ key ] step*
 *	step  = "." key | "." "[" ... "]" | "[" index "]" | "[" "]" | "[" string "]"
 *	key   = unquoted | JSON string
 *	index = [ "-" ] digits          -1 is the last element, -2 the one before
 *
 * "[]" visits every element of an array or member of an object. A walk
 * follows a path through a scanner as the document streams by, and keeps
 * only what the path needs (a negative index keeps the last few elements).
 */
#ifndef SMOKEKIT_JPATH_H
#define SMOKEKIT_JPATH_H

#include <stddef.h>
#include <stdio.h>

#include "json.h"

enum jpath_kind { JPATH_KEY, JPATH_INDEX, JPATH_EACH };

struct jpath_step {
	enum jpath_kind kind;
	char *key;             /* JPATH_KEY: the decoded name */
	size_t keylen;
	long long index;       /* JPATH_INDEX; negative counts from the end */
};

struct jpath {
	struct jpath_step *steps;
	size_t n;
	char *text;            /* the path as written */
};

/*
 * Parses text into p. With end NULL the whole text is the path; else the
 * path stops before a blank or one of = ! < > outside quotes (a predicate
 * goes on there) and *end is set to where it stopped. Returns 0, or -1 with
 * "column N: what is wrong" in err.
 */
int jpath_parse(const char *text, const char **end, struct jpath *p, char *err,
    size_t errsz);
void jpath_free(struct jpath *p);

/* Where a walk is: per step, the element or member being visited. */
struct jpath_at {
	long long i;
	char *key;
	size_t keylen;
};

/*
 * One walk of a path through one value. found() gets the first token of a
 * value the path leads to (with "[]" perhaps many) and must consume the
 * value whole; miss() is told why the path leads nowhere after n steps
 * ("missing", "is null", "is number, wanted object"), the value there
 * already consumed. Both return EXIT_HOLDS, EXIT_FAILS or EXIT_ERROR (bad
 * JSON, json_error() says why); the walk returns the worst of them.
 */
struct jpath_walk {
	const struct jpath *path;
	struct json_scanner *js;
	int (*found)(struct jpath_walk *w, enum json_token t);
	int (*miss)(struct jpath_walk *w, size_t n, const char *why);
	void *ctx;
	struct jpath_at *at;   /* set by jpath_walk */
};

/* Walks from the value whose first token is t (already read). */
int jpath_walk(struct jpath_walk *w, enum json_token t);

/* The path up to step n, with the element being visited for each "[]". */
void jpath_put(FILE *fp, const struct jpath_walk *w, size_t n);

/* The type name of a value's first token: object array string number bool null. */
const char *jpath_type(enum json_token t);

/*
 * Writes the value whose first token is t as compact JSON (numbers as
 * written); fp NULL skips it. Returns 0, or -1 on bad JSON.
 */
int jpath_put_value(FILE *fp, struct json_scanner *js, enum json_token t);

#endif
