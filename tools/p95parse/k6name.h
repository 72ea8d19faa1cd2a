/*
 * Names, tags and numbers as k6 writes them, for the three k6 formats
 * (summary JSON, stdout log, NDJSON): the rules shared/k6-formats.md gives.
 */
#ifndef SMOKEKIT_K6NAME_H
#define SMOKEKIT_K6NAME_H

#include <stddef.h>
#include <string.h>

#include "result.h"

/* s[0..len) is the C string z (inline: z is most often a literal, its length then known). */
static inline int
k6_span_eq(const char *s, size_t len, const char *z)
{
	return strlen(z) == len && memcmp(s, z, len) == 0;
}

/* A blank: space, tab, CR, LF, VT, FF (inline: it runs at the end of every line). */
static inline int
k6_is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

/* s[0..n) begins with the C string z. */
int k6_starts(const char *s, size_t n, const char *z);
/* Drops blank space at both ends of s[0..*len). */
void k6_trim(const char **s, size_t *len);

/*
 * Is name[0..len) the metric with exactly these tags? Sub-metric names are
 * compared as k6 does: "name{a:b, c:d}" is the tag set {a=b, c=d}, blanks
 * and quotes around keys and values dropped, order ignored.
 */
int k6_name_is(const char *name, size_t len, const char *metric,
    const struct tag *tags, size_t ntags);

/* "http_req_duration{ep:models}" for a metric and tags, into buf. */
void k6_full_name(char *buf, size_t size, const char *metric,
    const struct tag *tags, size_t ntags);

/*
 * One tag k=v of a Point, against the query's filters (at most 64): the
 * first tag of a key is the one that counts (a later duplicate is ignored,
 * as jsonfield takes the first member of a key). *seen and *match have a
 * bit per filter: its key was seen, its first value matched. Inline: it
 * runs for every tag of every Point read.
 */
static inline void
k6_tag_first(const struct query *q, const char *k, size_t kl, const char *v,
    size_t vl, unsigned long long *seen, unsigned long long *match)
{
	unsigned long long bit;
	size_t i;

	for (i = 0; i < q->ntags; i++) {
		bit = 1ull << i;
		/* The first byte first: most tags of a Point are not filtered on. */
		if ((*seen & bit) || kl == 0 || k[0] != q->tags[i].key[0] ||
		    !k6_span_eq(k, kl, q->tags[i].key))
			continue;
		*seen |= bit;
		if (k6_span_eq(v, vl, q->tags[i].value))
			*match |= bit;
	}
}

/* A JSON-style decimal at the start of s: -?digits[.digits][e[+-]digits]; its length, 0 if none. */
size_t k6_number_len(const char *s, size_t len);
/* Such a finite decimal at the start of s: its length, with *v; 0 if none. */
size_t k6_scan_num(const char *s, size_t len, double *v);
/* The whole of s[0..len) as such a finite decimal. Returns 0 or -1. */
int k6_parse_num(const char *s, size_t len, double *v);

/* The JSON scanner's message without its ":line:col: " prefix (no name was given). */
struct json_scanner;
const char *k6_json_why(const struct json_scanner *js);
/* The number token just read. */
double k6_json_num(struct json_scanner *js);

/* The percentile a trend stat name stands for: "p(99.9)" → 99.9, "med" → 50. */
int k6_stat_pct(const char *stat, size_t len, double *pct);

#endif
