/*
 * smokereport's input: facts about a run, one "key=value" per line.
 *   name=value              a member of the top-level object
 *   section.name=value      a member of the object "section"
 *   check.NAME.field=value  a field of the check NAME (ok, detail, ms, ...)
 * A later line with the same key replaces the value in place, so a step may
 * record a provisional answer and correct it.
 */
#ifndef SMOKEREPORT_FACTS_H
#define SMOKEREPORT_FACTS_H

#include <stddef.h>

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

struct run {
	struct group top;
	struct groups sections, checks;
};

/* How a check ends up: passed, failed, or skipped (ok, with a skip reason). */
enum verdict { V_PASS, V_FAIL, V_SKIP };

/* Reads one input ("-" is stdin); 0, or -1 said on stderr. */
int facts_read(struct run *f, const char *path);
/* The same for buf[0..len) (changed in place), named name in messages. */
int facts_parse(struct run *f, const char *name, char *buf, size_t len);
void facts_free(struct run *f);

const char *group_get(const struct group *g, const char *key);
/* The section of that name, or NULL. */
const struct group *facts_section(const struct run *f, const char *name);
/* A value by its key as written in the input ("base_url", "metrics.p95_ms"), or NULL. */
const char *facts_get(const struct run *f, const char *key);

enum verdict verdict_of(const struct group *check);
/* Whether every check passed; no check at all is not a pass. */
int facts_all_ok(const struct run *f);

/* RFC 8259's number grammar, the whole string. */
int is_json_number(const char *s);

#endif
