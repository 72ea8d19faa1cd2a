/*
 * The set of names an input has (metrics, series), each kept once, in
 * constant time per name whatever the input holds: for "no metric X;
 * metrics present: a, b, c", for telling a repeated name, and for giving
 * a series a number.
 */
#ifndef SMOKEKIT_NAMES_H
#define SMOKEKIT_NAMES_H

#include <stddef.h>

#include "result.h"

struct names {
	char **v;               /* in order of first appearance */
	size_t *lv, *hv;        /* their lengths and hashes */
	size_t n, cap;
	size_t *slot;           /* open addressing: index + 1 into v, 0 empty */
	size_t nslot;           /* a power of two, at least 2 * n */
	unsigned long long seed;
};

/* Adds s[0..len) unless present; returns its index either way. */
size_t names_add(struct names *ns, const char *s, size_t len);
/* The index of s[0..len), or -1 when absent. */
long names_find(const struct names *ns, const char *s, size_t len);
/* Appends "; WHAT present: a, b, c" (sorted, cut to fit r->err) to r->err. */
void names_tell(const struct names *ns, struct result *r, const char *what);
void names_free(struct names *ns);

#endif
