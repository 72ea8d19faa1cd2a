/*
 * Predicates on JSON documents, the one grammar jsonfield -c and
 * httpprobe's checks share:
 *
 *	PATH                  the path leads to a value (exists)
 *	PATH is TYPE          TYPE: object array string number bool null
 *	PATH OP VALUE         OP: == != < <= > >=; VALUE: a JSON literal
 *
 * PATH is jpath.h's grammar (in a predicate a key holding a blank or one
 * of = ! < > must be quoted). Numbers compare by value, exactly, whatever
 * their length or their exponent's (1e400 > 1e399, 0.1 == 0.10, never
 * through a double); strings byte by byte after unescaping; == on objects and arrays
 * structurally (member order does not matter; of duplicate keys, in the
 * document or in VALUE, the first wins). < <= > >= take a number or a
 * string. A path that leads nowhere (missing, or through a value of
 * another type) makes every predicate fail, != included. With "[]" in
 * the path the predicate must hold for every value it leads to.
 *
 * Compile once, evaluate on many documents:
 *
 *	struct pred p;
 *	char err[160], why[160];
 *	if (pred_compile(".ok == true", &p, err, sizeof err) < 0) ...
 *	switch (pred_eval(&p, body, len, why, sizeof why)) ...  → ".ok: is false, wanted == true"
 */
#ifndef SMOKEKIT_PRED_H
#define SMOKEKIT_PRED_H

#include <stddef.h>

#include "jpath.h"
#include "json.h"

enum pred_op { PRED_EXISTS, PRED_IS, PRED_EQ, PRED_NE, PRED_LT, PRED_LE, PRED_GT, PRED_GE };

/* What pred_eval says: the same numbers as the exit statuses. */
enum pred_result { PRED_HOLDS = 0, PRED_FAILS = 1, PRED_BAD_JSON = 3 };

/* A compiled VALUE: a tree; object members deduplicated (first wins). */
struct pred_value {
	enum json_token type;  /* JSON_OBJECT, JSON_ARRAY, JSON_STRING, JSON_NUMBER, ... */
	char *text;            /* STRING decoded, NUMBER as written */
	size_t len;
	struct pred_value *kids; /* elements, or member values */
	char **keys;           /* OBJECT: member names (decoded) */
	size_t *keylens;
	size_t n;
};

struct pred {
	struct jpath path;
	enum pred_op op;
	const char *type;      /* PRED_IS */
	struct pred_value value;
	char *value_text;      /* VALUE as written, for messages */
	char *text;            /* the whole predicate */
};

/* Returns 0, or -1 with what is wrong (and where) in err. */
int pred_compile(const char *text, struct pred *p, char *err, size_t errsz);
void pred_free(struct pred *p);

/*
 * The predicate on the JSON document in buf: PRED_HOLDS, PRED_FAILS (why
 * says where and why: ".data: is string, wanted array") or PRED_BAD_JSON
 * (why holds the scanner's message). It streams: memory does not grow
 * with the document (but for a negative index, see jpath.h).
 */
int pred_eval(const struct pred *p, const char *buf, size_t len, char *why, size_t whysz);

/*
 * The same on the next document of a scanner (a file, JSON lines): reads
 * its value, not what follows it.
 */
int pred_eval_next(const struct pred *p, struct json_scanner *js, char *why, size_t whysz);

#endif
