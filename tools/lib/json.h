/*
 * A streaming, strictly validating JSON scanner (RFC 8259).
 *
 * It pulls tokens from a FILE or a memory buffer and keeps only the nesting
 * state (one bit per level) and the current token's text, so memory does not
 * grow with the document. It validates as it goes: structure, string escapes,
 * UTF-8, number syntax, and that nothing but whitespace follows the value.
 * Decoded text is always valid UTF-8: a \u escape of a lone UTF-16
 * surrogate is an error (it stands for no character), and so is a byte
 * order mark at the start.
 *
 *	struct json_scanner *js = json_open_file(fp, "models.json");
 *	enum json_token t;
 *	while ((t = json_next(js)) != JSON_END && t != JSON_ERROR)
 *		...;
 *	if (t == JSON_ERROR)
 *		warnf("%s", json_error(js));   → "models.json:1:17: expected ',' or '}'"
 *	json_close(js);
 */
#ifndef SMOKEKIT_JSON_H
#define SMOKEKIT_JSON_H

#include <stddef.h>
#include <stdio.h>

/* Nesting deeper than this is an error, never a stack overflow. */
#define JSON_MAX_DEPTH 512

enum json_token {
	JSON_ERROR = -1, /* json_error() says where and what */
	JSON_END = 0,    /* the document is complete and valid */
	JSON_OBJECT,     /* { */
	JSON_OBJECT_END, /* } */
	JSON_ARRAY,      /* [ */
	JSON_ARRAY_END,  /* ] */
	JSON_KEY,        /* a member name; json_text() is its decoded UTF-8 */
	JSON_STRING,     /* a string value; json_text() is its decoded UTF-8 */
	JSON_NUMBER,     /* json_text() is the number exactly as written */
	JSON_TRUE,
	JSON_FALSE,
	JSON_NULL
};

struct json_scanner;

/*
 * name is used in error messages ("-" or a path). Out of memory ends the
 * program, as everywhere (xalloc.h): these never return NULL.
 */
struct json_scanner *json_open_file(FILE *fp, const char *name);
struct json_scanner *json_open_mem(const char *buf, size_t len, const char *name);

/*
 * How much a file scanner asks for in one read (default and maximum
 * 64 KiB), before the first json_next. Tests use tiny sizes so that every
 * token crosses the edge of the buffer.
 */
void json_set_bufsize(struct json_scanner *js, size_t size);

/*
 * The next token. After the top-level value, JSON_END once the rest of the
 * input is whitespace, else JSON_ERROR. After JSON_ERROR or JSON_END every
 * further call returns the same.
 */
enum json_token json_next(struct json_scanner *js);

/*
 * Skips the value whose first token was just returned (a no-op for a
 * scalar). Returns JSON_ERROR if the skipped part is invalid, else the
 * token that was skipped to (the value's closing bracket, or the scalar).
 */
enum json_token json_skip(struct json_scanner *js);

/*
 * Like json_skip, and counts what it skips: the elements of the array or
 * the members of the object whose first token was just returned go into
 * *count (0 when that token was not [ or {, or on JSON_ERROR).
 */
enum json_token json_skip_count(struct json_scanner *js, unsigned long long *count);

/*
 * Like json_next, but a value is consumed whole without keeping its text:
 * returns its first token (JSON_OBJECT for a whole object, JSON_STRING for
 * a string whose text is not kept) and leaves the scanner after its end.
 * Keys and closing brackets are returned as json_next returns them. This
 * is the fast way to step over values one does not need.
 */
enum json_token json_skip_next(struct json_scanner *js);

/*
 * JSON lines (one document per line). With on, a newline ends the current
 * document: JSON_END once it is complete, JSON_ERROR if it is not.
 * json_next_document() moves to the next non-blank line (after an error,
 * past the rest of the bad line) and returns 1, or 0 at the end of the
 * input (then json_io_error() tells a read error from the end). Call it
 * before the first document too. Error messages name the physical line.
 */
void json_set_lines(struct json_scanner *js, int on);
int json_next_document(struct json_scanner *js);

/*
 * The text of the last KEY, STRING or NUMBER token. Strings are decoded
 * (escapes resolved, may contain NUL: use len). Valid until the next call.
 */
const char *json_text(const struct json_scanner *js, size_t *len);

/* Current nesting depth: 0 at top level, 1 inside the outermost [ or {. */
unsigned json_depth(const struct json_scanner *js);

/*
 * After JSON_ERROR: "name:line:col: what was expected". Line and column are
 * 1-based; the column counts bytes. After a read error the text is
 * "name: read error: reason" and json_io_error() is 1.
 */
const char *json_error(const struct json_scanner *js);
unsigned long json_line(const struct json_scanner *js);
unsigned long json_col(const struct json_scanner *js);

/* 1 when the error was an I/O error rather than invalid JSON. */
int json_io_error(const struct json_scanner *js);

void json_close(struct json_scanner *js);

#endif
