/*
 * The fast path of k6's --out json NDJSON: a Point line read without the
 * general JSON scanner, when it is exactly k6's own layout (wrapper.go's
 * field order, no escapes, ASCII). Anything else is left to the plain
 * path in ndjson.c, which the differential tests and fuzz_ndjson hold it to.
 */
#ifndef SMOKEKIT_NDJSON_FAST_H
#define SMOKEKIT_NDJSON_FAST_H

#include <stddef.h>

#include "result.h"

struct ndjson_point {
	double value;
	unsigned long long seen, match;  /* k6_tag_first's bits for q's filters */
	const char *time, *status;       /* data.time, the first tag status (or NULL) */
	size_t tlen, slen;
};

/*
 * What follows the value of the Points read lately ("tags" to the end of
 * the line), with what the fast path read there: k6 writes a few sets of
 * tags over and over, and a tail met again byte for byte reads the same
 * (its tags checked and matched once, then compared whole).
 */
#define NDJSON_TAILS 8
#define NDJSON_TAIL_MAX 1024

struct ndjson_tails {
	struct ndjson_tail {
		size_t len;                     /* 0: not used yet */
		unsigned long long seen, match;
		size_t status_at, slen;         /* the status tag's value, when have_status */
		int have_status;
		char text[NDJSON_TAIL_MAX];
	} tail[NDJSON_TAILS];
	unsigned next;                      /* the slot a new tail takes */
};

/*
 * The metric of a line that begins as k6 writes a Point ({"metric":"NAME",
 * NAME without an escape): 0 with *name and *len, or -1.
 */
int ndjson_fast_metric(const char *s, size_t n, const char **name, size_t *len);

/*
 * The whole line s[0..n) as k6 writes a Point: 0 with *pt filled, or -1
 * when it is not exactly that layout (then read it the plain way). tails
 * (zeroed at first, then kept for the same q) may be NULL.
 */
int ndjson_fast_point(const char *s, size_t n, const struct query *q,
    struct ndjson_tails *tails, struct ndjson_point *pt);

/*
 * The value of a Point line in k6's layout whose metric name is namelen
 * bytes (from ndjson_fast_metric), without reading its tags: 0 with *v, or
 * -1 (then read the line whole).
 */
int ndjson_fast_value(const char *s, size_t n, size_t namelen, double *v);

#endif
