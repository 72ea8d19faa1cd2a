/*
 * Writing JSON correctly: every program's -j output and every JSON artifact
 * go through here, so escaping is done once, right.
 */
#ifndef SMOKEKIT_JSONOUT_H
#define SMOKEKIT_JSONOUT_H

#include <stddef.h>
#include <stdio.h>

/*
 * s[0..len) as a JSON string with its quotes. Control characters, '"' and
 * '\\' are escaped; invalid UTF-8 becomes U+FFFD, so the output is always
 * valid JSON.
 */
void json_put_string(FILE *fp, const char *s, size_t len);
void json_put_cstring(FILE *fp, const char *s);

/* The shortest decimal that reads back as v; null when v is not finite. */
void json_put_number(FILE *fp, double v);

/*
 * A flat or nested object written member by member:
 *   struct json_obj o; jo_begin(&o, stdout);
 *   jo_str(&o, "url", url); jo_num(&o, "ms", 12.5); jo_end(&o); → {"url":"…","ms":12.5}
 * jo_key writes the separator and the key; the caller then writes the value.
 */
struct json_obj {
	FILE *fp;
	int members;
};

void jo_begin(struct json_obj *o, FILE *fp);
FILE *jo_key(struct json_obj *o, const char *key);
void jo_str(struct json_obj *o, const char *key, const char *val); /* NULL → null */
void jo_num(struct json_obj *o, const char *key, double val);
void jo_int(struct json_obj *o, const char *key, long long val);
void jo_bool(struct json_obj *o, const char *key, int val);
void jo_null(struct json_obj *o, const char *key);
void jo_end(struct json_obj *o);

/*
 * Facts: one result written either as key=value lines (one fact per line;
 * control characters in keys and values, and '=' in keys, print as '?', so
 * neither can break the line) or, with json set, as the members of one
 * JSON object (facts_begin writes '{', facts_end '}').
 */
struct facts {
	int json;
	struct json_obj o;
};

void facts_begin(struct facts *f, FILE *fp, int json);
void facts_str(struct facts *f, const char *key, const char *val);
void facts_int(struct facts *f, const char *key, long long val);
void facts_num(struct facts *f, const char *key, double val);
void facts_end(struct facts *f);

/* s on the current line: control characters print as '?', as ls -q does. */
void put_line_safe(FILE *fp, const char *s);

#endif
