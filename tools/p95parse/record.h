/*
 * One metric as a k6 summary gives it (a record of stats and threshold
 * verdicts), and the pick: the few records a query needs, kept while a
 * summary (JSON or stdout log) is read, and turned into a struct result.
 */
#ifndef SMOKEKIT_RECORD_H
#define SMOKEKIT_RECORD_H

#include <stddef.h>

#include "names.h"
#include "result.h"

/* How a value was printed in the stdout summary. */
enum cls {
	CLS_EXACT,     /* a JSON number, a count, "0s" */
	CLS_AUTO,      /* only k6's automatic units print it so: truncated */
	CLS_UNIT,      /* only --summary-time-unit prints it so: rounded */
	CLS_EITHER,    /* "12.34ms": either */
	CLS_ROUNDED    /* a plain number, toFixed(6) */
};

struct kv {
	char key[32];
	double v;
	double step;
	enum cls cls;
};

struct rec {
	int present;            /* the metric itself was seen */
	char type;              /* 't'rend 'r'ate 'c'ounter 'g'auge, 0 unknown */
	char name[RESULT_NAME_MAX]; /* as the input spells it */
	struct kv *kv;          /* in input order; the first of a key counts */
	size_t nkv, capkv;
	struct verdict *vd;     /* likewise */
	size_t nvd, capvd;
	int mark;               /* legacy ✓ 1 / ✗ 0 on the line, -1 none */
};

void rec_init(struct rec *rc);
void rec_clear(struct rec *rc);
/* Adds a stat; NULL when the key is too long to be one. */
struct kv *rec_put(struct rec *rc, const char *key, size_t klen, double v);
void rec_verdict(struct rec *rc, const char *src, size_t len, int ok);

/*
 * The metrics a query needs: the trend itself, http_req_failed with the
 * same tags and without, and http_reqs with the same tags (for a count).
 */
enum { S_METRIC, S_FAILED, S_FAILED_ALL, S_REQS, NSLOTS };

struct pick {
	const struct query *q;
	struct rec slot[NSLOTS];
	struct names names;         /* every metric seen */
	int first_wins;             /* JSON: a metric given twice keeps its first */
	int auto_seen, unit_seen;   /* text summaries: which value styles */
};

void pick_init(struct pick *pk, const struct query *q, int first_wins);
/* Forgets everything (a second summary begins); also what frees a pick. */
void pick_reset(struct pick *pk);
/* Which slot name[0..len) fills, or -1. */
int pick_slot(const struct pick *pk, const char *name, size_t len);
/* Takes over *rc into the slot its name selects (or frees it). */
void pick_take(struct pick *pk, const char *name, size_t len, struct rec *rc);
/* The result from the picked records: 0, or -1 with r->err saying why. */
int pick_finish(struct pick *pk, struct result *r);

#endif
