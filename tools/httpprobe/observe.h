/*
 * What httpprobe observes in every response, in both modes: --tally
 * (the distinct values of the status, of a header or of a JSON path, and
 * how often each came), --check (a predicate on the JSON body, counted as
 * k6 counts its checks) and --bodies (every body kept as DIR/N.body).
 */
#ifndef SMOKEKIT_OBSERVE_H
#define SMOKEKIT_OBSERVE_H

#include <stddef.h>

#include "http.h"
#include "jsonout.h"

#define OBSERVE_MAX 32        /* --tally and --check, each at most this often */
#define TALLY_MAX 1000        /* distinct values per tally; the rest are "(other)" */
#define BODIES_MAX 10000      /* --bodies keeps the bodies of requests 1 to this */
#define BODY_KEEP_MAX (64u * 1024 * 1024)   /* a longer body is kept cut (checks fail) */

/* The values a tally counts that are not the response's own. */
#define TALLY_NONE "(none)"               /* header:NAME absent */
#define TALLY_MISSING "(missing)"         /* the path leads nowhere */
#define TALLY_NOT_JSON "(not json)"       /* the body is not JSON */
#define TALLY_NO_RESPONSE "(no response)" /* the request got no valid response */
#define TALLY_OTHER "(other)"             /* past TALLY_MAX distinct values */

enum tally_kind { TALLY_STATUS, TALLY_HEADER, TALLY_PATH };

struct tally_count {
	char *value;
	unsigned long long n;
};

struct tally {
	const char *src;            /* as given: "status", "header:X-Replica", ".a.b" */
	enum tally_kind kind;
	const char *header;         /* TALLY_HEADER: the name */
	void *path;                 /* TALLY_PATH: the compiled path */
	unsigned long long *by_status;   /* TALLY_STATUS: counts by status 100-599,
	                                  * made values when the facts are written */
	struct tally_count *v;
	size_t n, cap;
	unsigned long long other;
};

/* A response body as it came, up to BODY_KEEP_MAX bytes. */
struct body {
	char *buf;
	size_t len, cap;
	int cut;                    /* bytes past BODY_KEEP_MAX were dropped */
};

struct observe {
	struct tally tally[OBSERVE_MAX];
	size_t ntally;
	const char *check_text[OBSERVE_MAX];
	void *check[OBSERVE_MAX];   /* the compiled predicates */
	size_t ncheck;
	const char *bodies;         /* --bodies DIR, or NULL */
	unsigned long long check_passes, check_fails;
	unsigned long long passes_by[OBSERVE_MAX], fails_by[OBSERVE_MAX];   /* per check */
	/*
	 * The last body the checks ran on and how each went: a check is a
	 * function of the body's bytes, so the same bytes again (a static
	 * answer) need a comparison, not a parse.
	 */
	struct body memo;
	unsigned char memo_ok[OBSERVE_MAX];
	char memo_why[192];         /* why the first check that failed on it did */
	int memo_valid;
	size_t first_fail;          /* the check that failed first (when check_fails > 0) */
	char first_why[192];        /* and why */
	int bodies_err;             /* errno of the first body that could not be written */
	unsigned long long bodies_failed;
};

/* --tally SRC. Returns 0, or -1 with *why saying what is wrong. */
int observe_tally(struct observe *ob, const char *src, const char **why);
/* --check PRED. Returns 0, or -1 with what is wrong in err. */
int observe_check(struct observe *ob, const char *text, char *err, size_t errsz);
/* Does anything need the body of each response? */
int observe_needs_body(const struct observe *ob);

/* The http_parser_feed body callback: appends to the struct body at ctx. */
void body_add(void *ctx, const char *data, size_t n);
void body_reset(struct body *b);
void body_free(struct body *b);

/*
 * One response: p's status and headers (p NULL, or status 0: no valid
 * response), its body b (NULL: none). Counts it in every tally and runs
 * every check, ok[i] saying how check i went (ok may be NULL). Returns how
 * many checks failed; the first failure's index in *first and its reason
 * in why. Returns -1 when out of memory.
 */
int observe_response(struct observe *ob, const struct http_parser *p,
    const struct body *b, unsigned char *ok, size_t *first, char *why, size_t whysz);

/*
 * --bodies: b as DIR/n.body, atomically, when n <= BODIES_MAX. A failure
 * is remembered (bodies_err), not fatal. The directory is made if absent.
 */
void observe_keep_body(struct observe *ob, unsigned long long n, const struct body *b);

/*
 * The facts: "tallies" ({"SRC":{"VALUE":COUNT,...},...}; key=value:
 * tallies.SRC.VALUE=COUNT, values sorted, "(other)" last) and "checks"
 * ({"passes":N,"fails":M}; key=value: checks.passes, checks.fails), each
 * only when asked for.
 */
void observe_facts(struct observe *ob, struct facts *f);

void observe_free(struct observe *ob);

#endif
