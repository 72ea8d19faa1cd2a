/* smokekit: the end-of-test summary in k6's stdout (see k6log.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dur.h"
#include "k6log.h"
#include "k6name.h"
#include "record.h"
#include "xalloc.h"

#define MARK_OK   "\xe2\x9c\x93"   /* ✓ */
#define MARK_FAIL "\xe2\x9c\x97"   /* ✗ */
#define BLOCK     "\xe2\x96\x88"   /* █ */
#define MARK_LEN  3

enum section { SEC_NONE, SEC_THRESHOLDS, SEC_TOTAL, SEC_OTHER };

struct lctx {
	struct pick pk;
	enum section sec;
	int v1;                         /* a v1.x section title was seen */
	int total_done;                 /* this summary's TOTAL RESULTS began */
	int lines;                      /* metric lines in this summary */
	char parent[RESULT_NAME_MAX];       /* the last metric, for "{ tag:value }" lines */
	char th_parent[RESULT_NAME_MAX];    /* the same in THRESHOLDS */
	char th_name[RESULT_NAME_MAX];      /* whose verdicts follow */
};

struct tok {
	const char *s;
	size_t n;
};

#define MAX_TOKS 64

static size_t
tokens(const char *s, size_t n, struct tok *t)
{
	size_t i = 0, k = 0, start;

	while (i < n && k < MAX_TOKS) {
		while (i < n && s[i] == ' ')
			i++;
		if (i == n)
			break;
		for (start = i; i < n && s[i] != ' '; i++)
			;
		t[k].s = s + start;
		t[k++].n = i - start;
	}
	return i < n ? MAX_TOKS + 1 : k;
}

/*
 * The line as a terminal would show it: ANSI escapes dropped, and of the
 * pieces between carriage returns the last that is not blank (a progress
 * line redrawn with '\r', or a CRLF line end). Returns its length in out.
 */
static size_t
clean_line(const char *s, size_t n, char *out, size_t *start)
{
	size_t i, o = 0, seg = 0, bs = 0, be = 0;
	int blank = 1;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == 0x1b) {
			if (i + 1 < n && s[i + 1] == '[') {
				for (i += 2; i < n && ((s[i] >= '0' && s[i] <= '9') ||
				    s[i] == ';' || s[i] == '?'); i++)
					;
			} else {
				i++;
			}
			continue;
		}
		if (c == '\r') {
			if (!blank)
				bs = seg, be = o;
			seg = o;
			blank = 1;
			continue;
		}
		if (!k6_is_space(c))
			blank = 0;
		out[o++] = (char)c;
	}
	if (!blank)
		bs = seg, be = o;
	*start = bs;
	return be - bs;
}

static int
metric_name_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || (s[0] >= '0' && s[0] <= '9'))
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	return 1;
}

/*
 * How a printed duration was made (humanizeGenericDuration, or toFixed(2)
 * with --summary-time-unit), hence its step and whether it is truncated.
 */
static void
classify(const char *val, size_t vlen, const struct dur *d, struct kv *e,
    struct pick *pk)
{
	size_t i;
	char last;
	int in_auto_range;

	e->v = d->ms;
	if (d->ms == 0 && d->parts == 1 && d->decimals == 0) {
		e->cls = CLS_EXACT;     /* "0s": only an exact 0 prints so */
		e->step = 0;
		pk->auto_seen++;
		return;
	}
	if (d->parts > 1 || d->unit_ms >= 60000) {
		e->cls = CLS_AUTO;      /* "1m2s": whole seconds past a minute */
		e->step = 1000;
		pk->auto_seen++;
		return;
	}
	if (d->unit_ms == 1e-6) {
		e->cls = CLS_AUTO;      /* "123ns": whole nanoseconds */
		e->step = 1e-6;
		pk->auto_seen++;
		return;
	}
	e->step = d->unit_ms / 100;  /* two decimals of µs, ms or s */
	for (i = 0; i < vlen && ((val[i] >= '0' && val[i] <= '9') || val[i] == '.'); i++)
		;
	last = i > 0 ? val[i - 1] : '0';
	in_auto_range = d->unit_ms == 1e-3 ? d->ms >= 0.001 && d->ms < 1 :
	    d->unit_ms == 1 ? d->ms >= 1 && d->ms < 1000 : d->ms >= 1000 && d->ms < 60000;
	if (d->decimals != 2) {
		e->cls = CLS_AUTO;      /* automatic units drop trailing zeros */
		pk->auto_seen++;
	} else if (last == '0' || !in_auto_range) {
		e->cls = CLS_UNIT;
		pk->unit_seen++;
	} else {
		e->cls = CLS_EITHER;
	}
}

static int
data_trend(struct lctx *lc, struct rec *rc, const struct tok *t, size_t nt)
{
	size_t i;
	struct dur d;
	struct kv *e;
	double v;

	for (i = 0; i < nt; i++) {
		const char *eq = memchr(t[i].s, '=', t[i].n);
		const char *val;
		size_t klen, vlen;

		if (eq == NULL)
			return -1;
		klen = (size_t)(eq - t[i].s);
		val = eq + 1;
		vlen = t[i].n - klen - 1;
		if (k6_parse_num(val, vlen, &v) == 0) {
			if ((e = rec_put(rc, t[i].s, klen, v)) != NULL &&
			    !k6_span_eq(t[i].s, klen, "count")) {
				e->cls = CLS_ROUNDED;   /* a plain trend: toFixed(6) */
				e->step = 1e-6;
			}
		} else if (dur_parse(val, vlen, &d) == 0) {
			if ((e = rec_put(rc, t[i].s, klen, d.ms)) != NULL)
				classify(val, vlen, &d, e, &lc->pk);
		} else {
			return -1;
		}
	}
	rc->type = 't';
	return 0;
}

/* "25.49% 26 out of 102" (k6 ≥ 0.54) or "25.49% ✓ 26 ✗ 76" (≤ 0.53). */
static int
data_rate(struct rec *rc, const struct tok *t, size_t nt)
{
	double pct, a, b;
	struct kv *e;

	if (k6_parse_num(t[0].s, t[0].n - 1, &pct) != 0)
		return -1;
	if (nt == 5 && k6_span_eq(t[2].s, t[2].n, "out") && k6_span_eq(t[3].s, t[3].n, "of") &&
	    k6_parse_num(t[1].s, t[1].n, &a) == 0 && k6_parse_num(t[4].s, t[4].n, &b) == 0 &&
	    b >= a) {
		b -= a;
	} else if (nt == 5 && k6_span_eq(t[1].s, t[1].n, MARK_OK) &&
	    k6_span_eq(t[3].s, t[3].n, MARK_FAIL) && k6_parse_num(t[2].s, t[2].n, &a) == 0 &&
	    k6_parse_num(t[4].s, t[4].n, &b) == 0) {
		;
	} else {
		return -1;
	}
	rec_put(rc, "passes", 6, a);
	rec_put(rc, "fails", 5, b);
	if ((e = rec_put(rc, "value", 5, pct / 100)) != NULL) {
		e->cls = CLS_AUTO;
		e->step = 1e-4;
	}
	rc->type = 'r';
	return 0;
}

static int
data_part(struct lctx *lc, struct rec *rc, const char *s, size_t n)
{
	struct tok t[MAX_TOKS];
	size_t nt = tokens(s, n, t);
	double v;

	if (nt == 0 || nt > MAX_TOKS)
		return -1;
	if (memchr(t[0].s, '=', t[0].n) != NULL)
		return data_trend(lc, rc, t, nt);
	if (t[0].s[t[0].n - 1] == '%')
		return data_rate(rc, t, nt);
	if (nt >= 2 && t[nt - 1].n > 2 && memcmp(t[nt - 1].s + t[nt - 1].n - 2, "/s", 2) == 0) {
		if (nt == 2 && k6_parse_num(t[0].s, t[0].n, &v) == 0)
			rec_put(rc, "count", 5, v);
		rc->type = 'c';
		return 0;
	}
	if (nt >= 2 && k6_starts(t[1].s, t[1].n, "min=")) {
		rc->type = 'g';
		return 0;
	}
	return -1;
}

/* "   ✓ name.........: data" or "     { tag:value }...: data". */
static void
metric_line(struct lctx *lc, const char *t, size_t n)
{
	size_t i, d, nlen;
	const char *name;
	char full[RESULT_NAME_MAX];
	struct rec rc;
	int mark = -1, len;

	for (i = 3; i < n; i++)
		if (t[i] == ':' && t[i - 1] == '.' && t[i - 2] == '.' && t[i - 3] == '.' &&
		    (i + 1 == n || t[i + 1] == ' '))
			break;
	if (i >= n)
		return;
	for (d = i - 3; d > 0 && t[d - 1] == '.'; d--)
		;
	name = t;
	nlen = d;
	k6_trim(&name, &nlen);
	if (k6_starts(name, nlen, MARK_OK " ") || k6_starts(name, nlen, MARK_FAIL " ")) {
		mark = k6_starts(name, nlen, MARK_OK);
		name += MARK_LEN + 1;
		nlen -= MARK_LEN + 1;
		k6_trim(&name, &nlen);
	}
	if (nlen >= 2 && name[0] == '{' && name[nlen - 1] == '}') {
		const char *in = name + 1;
		size_t inlen = nlen - 2;
		if (lc->parent[0] == '\0')
			return;
		k6_trim(&in, &inlen);
		len = snprintf(full, sizeof full, "%s{%.*s}", lc->parent, (int)inlen, in);
	} else if (metric_name_ok(name, nlen) && nlen < sizeof lc->parent) {
		memcpy(lc->parent, name, nlen);
		lc->parent[nlen] = '\0';
		len = snprintf(full, sizeof full, "%s", lc->parent);
	} else {
		return;
	}
	if (len < 0 || (size_t)len >= sizeof full)
		return;
	rec_init(&rc);
	rc.mark = mark;
	if (data_part(lc, &rc, t + i + 1, n - i - 1) != 0) {
		rec_clear(&rc);
		return;
	}
	/* A name seen twice outside v1's sections: a second legacy summary. */
	if (lc->sec == SEC_NONE && names_find(&lc->pk.names, full, (size_t)len) >= 0) {
		pick_reset(&lc->pk);
		lc->lines = 0;
	}
	lc->lines++;
	pick_take(&lc->pk, full, (size_t)len, &rc);
}

/* THRESHOLDS: a metric name, or "✓ 'p(95)<1200' p(95)=11.25ms". */
static void
threshold_line(struct lctx *lc, const char *t, size_t n)
{
	const char *q1, *q2;
	int s, ok;

	k6_trim(&t, &n);
	if (n == 0)
		return;
	if ((k6_starts(t, n, MARK_OK " '") || k6_starts(t, n, MARK_FAIL " '"))) {
		ok = k6_starts(t, n, MARK_OK);
		q1 = t + MARK_LEN + 1;
		for (q2 = t + n - 1; q2 > q1 && *q2 != '\''; q2--)
			;
		if (q2 <= q1 || (s = pick_slot(&lc->pk, lc->th_name, strlen(lc->th_name))) < 0)
			return;
		rec_verdict(&lc->pk.slot[s], q1 + 1, (size_t)(q2 - q1 - 1), ok);
		return;
	}
	if (n >= RESULT_NAME_MAX)
		return;
	if (t[0] == '{') {
		size_t plen = strlen(lc->th_parent);
		if (plen + n >= sizeof lc->th_name)
			return;
		memcpy(lc->th_name, lc->th_parent, plen);
		memcpy(lc->th_name + plen, t, n);
		lc->th_name[plen + n] = '\0';
	} else {
		const char *brace = memchr(t, '{', n);
		size_t plen = brace ? (size_t)(brace - t) : n;
		snprintf(lc->th_parent, sizeof lc->th_parent, "%.*s", (int)plen, t);
		snprintf(lc->th_name, sizeof lc->th_name, "%.*s", (int)n, t);
	}
}

/* "  █ TOTAL RESULTS ": a v1.x section title. Returns 1 when it was one. */
static int
title_line(struct lctx *lc, const char *line, size_t n)
{
	size_t indent = 0;
	const char *t;

	while (indent < n && line[indent] == ' ')
		indent++;
	t = line + indent;
	n -= indent;
	/* Legacy group titles ("     █ list models") are indented further. */
	if (indent >= 4 || !k6_starts(t, n, BLOCK " "))
		return 0;
	t += MARK_LEN + 1;
	n -= MARK_LEN + 1;
	k6_trim(&t, &n);
	if (k6_span_eq(t, n, "THRESHOLDS") || k6_span_eq(t, n, "TOTAL RESULTS")) {
		if (lc->total_done || (!lc->v1 && lc->lines > 0)) {
			pick_reset(&lc->pk);   /* the next summary in the same log */
			lc->total_done = 0;
		}
		lc->v1 = 1;
		lc->lines = 0;
		lc->parent[0] = '\0';
		if (t[0] == 'T' && t[1] == 'O') {
			lc->sec = SEC_TOTAL;
			lc->total_done = 1;
		} else {
			lc->sec = SEC_THRESHOLDS;
		}
		return 1;
	}
	if (k6_starts(t, n, "SCENARIO: ") || k6_starts(t, n, "GROUP: ")) {
		lc->sec = SEC_OTHER;
		return 1;
	}
	return 0;
}

int
k6log_parse(const char *buf, size_t len, const struct query *q,
    struct result *r)
{
	struct lctx lc;
	const char *p = buf, *end = buf + len, *nl;
	char *scratch = NULL;
	size_t cap = 0, n, st;
	int rc;

	memset(&lc, 0, sizeof lc);
	pick_init(&lc.pk, q, 0);
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		if ((size_t)(nl - p) + 1 > cap) {
			cap = (size_t)(nl - p) + 1;
			scratch = xrealloc(scratch, cap);
		}
		n = clean_line(p, (size_t)(nl - p), scratch, &st);
		p = nl + 1;
		if (title_line(&lc, scratch + st, n))
			continue;
		if (lc.sec == SEC_THRESHOLDS)
			threshold_line(&lc, scratch + st, n);
		else if (lc.sec != SEC_OTHER)
			metric_line(&lc, scratch + st, n);
	}
	free(scratch);
	if (lc.pk.names.n == 0) {
		result_seterr(r, "no k6 end-of-test summary in it (k6 run with --no-summary, "
		    "stopped early, or not k6 output)");
		rc = -1;
	} else {
		r->source = lc.v1 ? "k6-stdout-v1" : "k6-stdout-legacy";
		rc = pick_finish(&lc.pk, r);
	}
	pick_reset(&lc.pk);
	return rc;
}
