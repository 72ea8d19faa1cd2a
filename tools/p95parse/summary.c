/* smokekit: k6's JSON summaries (see summary.h and shared/k6-formats.md). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "k6name.h"
#include "record.h"
#include "summary.h"
#include "xalloc.h"

struct jctx {
	struct json_scanner *js;
	struct pick *pk;
	struct result *r;
	int values_seen;    /* handleSummary: metrics.<name>.values */
	int array_seen;     /* machine-readable: results.metrics[] */
	/* httpprobe's smokekit_precision: the trends past its exact bound */
	char **bounded;
	size_t nbounded;
	double rel_error;
};

static int
jfail(struct jctx *c, const char *what)
{
	if (json_error(c->js)[0] != '\0')
		result_seterr(c->r, "line %lu, column %lu: %s", json_line(c->js),
		    json_col(c->js), k6_json_why(c->js));
	else
		result_seterr(c->r, "%s", what);
	return -1;
}

/* "values": { stat: number, ... } */
static int
j_values(struct jctx *c, struct rec *rc)
{
	enum json_token t;
	char key[64];
	size_t klen;
	const char *s;

	while ((t = json_next(c->js)) == JSON_KEY) {
		s = json_text(c->js, &klen);
		if (klen >= sizeof key)
			klen = sizeof key - 1;   /* too long to be a stat; rec_put ignores it */
		memcpy(key, s, klen);
		t = json_next(c->js);
		if (t == JSON_NUMBER) {
			if (!isfinite(k6_json_num(c->js)))
				return jfail(c, "a number out of range");
			rec_put(rc, key, klen, k6_json_num(c->js));
		} else if (t == JSON_ERROR || json_skip(c->js) == JSON_ERROR) {
			return jfail(c, "bad values");
		}
	}
	return t == JSON_OBJECT_END ? 0 : jfail(c, "bad values");
}

/*
 * "thresholds": { source: true|false } in the export, where true means the
 * threshold was CROSSED; { source: { "ok": bool } } in handleSummary data.
 */
static int
j_thresholds(struct jctx *c, struct rec *rc)
{
	enum json_token t;
	char *src;
	size_t len;
	const char *s;
	int ok;

	while ((t = json_next(c->js)) == JSON_KEY) {
		s = json_text(c->js, &len);
		src = xstrndup(s, len);
		t = json_next(c->js);
		ok = -1;
		if (t == JSON_TRUE || t == JSON_FALSE) {
			ok = t == JSON_FALSE;
		} else if (t == JSON_OBJECT) {
			int ok_seen = 0;
			while ((t = json_next(c->js)) == JSON_KEY) {
				s = json_text(c->js, &len);
				int is_ok = !ok_seen && k6_span_eq(s, len, "ok");
				ok_seen |= is_ok;
				t = json_next(c->js);
				if (is_ok && (t == JSON_TRUE || t == JSON_FALSE))
					ok = t == JSON_TRUE;
				else if (t == JSON_ERROR || json_skip(c->js) == JSON_ERROR)
					break;
			}
			if (t != JSON_OBJECT_END) {
				free(src);
				return jfail(c, "bad thresholds");
			}
		} else if (t == JSON_ERROR || json_skip(c->js) == JSON_ERROR) {
			free(src);
			return jfail(c, "bad thresholds");
		}
		if (ok >= 0)
			rec_verdict(rc, src, strlen(src), ok);
		free(src);
	}
	return t == JSON_OBJECT_END ? 0 : jfail(c, "bad thresholds");
}

static char
type_char(const char *s, size_t len)
{
	if (k6_span_eq(s, len, "trend"))
		return 't';
	if (k6_span_eq(s, len, "rate"))
		return 'r';
	if (k6_span_eq(s, len, "counter"))
		return 'c';
	if (k6_span_eq(s, len, "gauge"))
		return 'g';
	return 0;
}

/* Members of a metric that count by their first (G_ bits). */
enum { G_VALUES = 1, G_THRESHOLDS = 2, G_TYPE = 4, G_NAME = 8 };

static unsigned
member_bit(const char *key)
{
	return strcmp(key, "values") == 0 ? G_VALUES : strcmp(key, "thresholds") == 0 ?
	    G_THRESHOLDS : strcmp(key, "type") == 0 ? G_TYPE : strcmp(key, "name") == 0 ?
	    G_NAME : 0;
}

/*
 * One metric object (its '{' just read). Stats are its number members
 * (export) or the members of "values" (handleSummary, machine-readable);
 * "name" is the machine-readable summary's, copied to *name.
 */
static int
j_metric(struct jctx *c, struct rec *rc, char **name)
{
	enum json_token t;
	char key[64];
	size_t klen;
	const char *s;
	unsigned got = 0, bit;

	while ((t = json_next(c->js)) == JSON_KEY) {
		s = json_text(c->js, &klen);
		if (klen >= sizeof key)
			klen = sizeof key - 1;
		memcpy(key, s, klen);
		key[klen] = '\0';
		bit = member_bit(key);
		if (got & bit)
			key[0] = '\0';     /* a later one: validated, otherwise ignored */
		got |= bit;
		t = json_next(c->js);
		if (t == JSON_NUMBER) {
			if (!isfinite(k6_json_num(c->js)))
				return jfail(c, "a number out of range");
			if (key[0] != '\0')
				rec_put(rc, key, klen, k6_json_num(c->js));
		} else if (t == JSON_OBJECT && strcmp(key, "values") == 0) {
			c->values_seen = 1;
			if (j_values(c, rc) != 0)
				return -1;
		} else if (t == JSON_OBJECT && strcmp(key, "thresholds") == 0) {
			if (j_thresholds(c, rc) != 0)
				return -1;
		} else if (t == JSON_STRING && strcmp(key, "type") == 0) {
			s = json_text(c->js, &klen);
			rc->type = type_char(s, klen);
		} else if (t == JSON_STRING && strcmp(key, "name") == 0 && name != NULL) {
			s = json_text(c->js, &klen);
			free(*name);
			*name = xstrndup(s, klen);
		} else if (t == JSON_ERROR || json_skip(c->js) == JSON_ERROR) {
			return jfail(c, "bad metric");
		}
	}
	return t == JSON_OBJECT_END ? 0 : jfail(c, "expected a metric's members");
}

/* "metrics": { name: {...}, ... } */
static int
j_metric_object(struct jctx *c)
{
	enum json_token t;
	struct rec rc;
	char *name;
	size_t len;
	const char *s;

	rec_init(&rc);
	while ((t = json_next(c->js)) == JSON_KEY) {
		s = json_text(c->js, &len);
		name = xstrndup(s, len);
		t = json_next(c->js);
		if (t == JSON_OBJECT) {
			if (j_metric(c, &rc, NULL) != 0) {
				free(name);
				rec_clear(&rc);
				return -1;
			}
			pick_take(c->pk, name, len, &rc);
		} else if (t == JSON_ERROR || json_skip(c->js) == JSON_ERROR) {
			free(name);
			return jfail(c, "bad metrics");
		}
		free(name);
	}
	return t == JSON_OBJECT_END ? 0 : jfail(c, "bad metrics");
}

/* "metrics": [ { "name": ..., "type": ..., "values": {...} }, ... ] */
static int
j_metric_array(struct jctx *c)
{
	enum json_token t;
	struct rec rc;
	char *name;

	c->array_seen = 1;
	rec_init(&rc);
	while ((t = json_next(c->js)) != JSON_ARRAY_END) {
		if (t != JSON_OBJECT) {
			if (t == JSON_ERROR || json_skip(c->js) == JSON_ERROR)
				return jfail(c, "bad metrics");
			continue;
		}
		name = NULL;
		if (j_metric(c, &rc, &name) != 0) {
			free(name);
			rec_clear(&rc);
			return -1;
		}
		if (name != NULL)
			pick_take(c->pk, name, strlen(name), &rc);
		else
			rec_clear(&rc);
		free(name);
	}
	return 0;
}

/* "results": { "metrics": [...], ... } (the machine-readable summary). */
static int
j_results(struct jctx *c, int *found)
{
	enum json_token t;
	size_t len;
	const char *s;

	while ((t = json_next(c->js)) == JSON_KEY) {
		s = json_text(c->js, &len);
		int is_metrics = k6_span_eq(s, len, "metrics");
		t = json_next(c->js);
		if (is_metrics && t == JSON_ARRAY) {
			*found = 1;
			if (j_metric_array(c) != 0)
				return -1;
		} else if (t == JSON_ERROR || json_skip(c->js) == JSON_ERROR) {
			return jfail(c, "bad results");
		}
	}
	return t == JSON_OBJECT_END ? 0 : jfail(c, "bad results");
}

/*
 * httpprobe's "smokekit_precision": { "rel_error": R, "percentiles":
 * { name: "exact"|"bounded", ... }, ... }: which trends kept too many
 * samples to keep them all, so that their percentiles come from a
 * histogram within R of the exact ones (httpprobe(1)).
 */
static int
j_percentiles(struct jctx *c)
{
	enum json_token t;
	const char *s;
	char *name;
	size_t len;
	int bounded;

	while ((t = json_next(c->js)) == JSON_KEY) {
		s = json_text(c->js, &len);
		name = xmalloc(len + 1);    /* the key's text lasts until the next token */
		memcpy(name, s, len);
		name[len] = '\0';
		s = json_next(c->js) == JSON_STRING ? json_text(c->js, &len) : NULL;
		bounded = s != NULL && k6_span_eq(s, len, "bounded");
		if (!bounded) {
			free(name);
			if (s == NULL || !k6_span_eq(s, len, "exact"))
				return jfail(c, "smokekit_precision: a percentile is not \"exact\" or \"bounded\"");
			continue;
		}
		c->bounded = xreallocarray(c->bounded, c->nbounded + 1, sizeof *c->bounded);
		c->bounded[c->nbounded++] = name;
	}
	return t == JSON_OBJECT_END ? 0 : jfail(c, "smokekit_precision: bad percentiles");
}

static int
j_precision(struct jctx *c)
{
	enum json_token t;
	const char *s;
	size_t len;
	int which;

	while ((t = json_next(c->js)) == JSON_KEY) {
		s = json_text(c->js, &len);
		which = k6_span_eq(s, len, "rel_error") ? 1 : k6_span_eq(s, len, "percentiles") ? 2 : 0;
		t = json_next(c->js);
		if (which == 1 && t == JSON_NUMBER) {
			c->rel_error = k6_json_num(c->js);
			if (!(c->rel_error > 0 && c->rel_error < 1))
				return jfail(c, "smokekit_precision: rel_error not between 0 and 1");
		} else if (which == 2 && t == JSON_OBJECT) {
			if (j_percentiles(c) != 0)
				return -1;
		} else if (which != 0 || t == JSON_ERROR || json_skip(c->js) == JSON_ERROR) {
			return jfail(c, "smokekit_precision: not the documented shape");
		}
	}
	return t == JSON_OBJECT_END ? 0 : jfail(c, "smokekit_precision: not an object");
}

/* The metric found is one whose percentiles httpprobe says are bounded. */
static void
mark_bounded(const struct jctx *c, struct result *r)
{
	size_t i;

	if (c->rel_error <= 0)
		return;
	for (i = 0; i < c->nbounded; i++)
		if (strcmp(c->bounded[i], r->metric) == 0) {
			r->pct.prec = r->med.prec = PREC_BOUNDED;
			r->pct.step = r->med.step = c->rel_error;
			return;
		}
}

static int
j_document(struct jctx *c)
{
	enum json_token t;
	int found = 0, which, got = 0;
	size_t len;
	const char *s;

	t = json_next(c->js);
	if (t == JSON_ERROR)
		return jfail(c, "invalid JSON");
	if (t != JSON_OBJECT) {
		result_seterr(c->r, "not a k6 JSON summary: the top level is not an object");
		return -1;
	}
	while ((t = json_next(c->js)) == JSON_KEY) {
		s = json_text(c->js, &len);
		which = k6_span_eq(s, len, "metrics") ? 1 : k6_span_eq(s, len, "results") ? 2 :
		    k6_span_eq(s, len, "smokekit_precision") ? 4 : 0;
		if (got & which)
			which = 0;          /* a later one: validated, otherwise ignored */
		got |= which;
		t = json_next(c->js);
		if (which == 1 && t == JSON_OBJECT) {
			found = 1;
			if (j_metric_object(c) != 0)
				return -1;
		} else if (which == 1 && t == JSON_ARRAY) {
			found = 1;
			if (j_metric_array(c) != 0)
				return -1;
		} else if (which == 2 && t == JSON_OBJECT) {
			if (j_results(c, &found) != 0)
				return -1;
		} else if (which == 4 && t == JSON_OBJECT) {
			if (j_precision(c) != 0)
				return -1;
		} else if (t == JSON_ERROR || json_skip(c->js) == JSON_ERROR) {
			return jfail(c, "invalid JSON");
		}
	}
	if (t != JSON_OBJECT_END || json_next(c->js) != JSON_END)
		return jfail(c, "invalid JSON");
	if (!found) {
		result_seterr(c->r, "not a k6 summary: no \"metrics\" object");
		return -1;
	}
	return 0;
}

int
summary_parse(const char *buf, size_t len, const struct query *q,
    struct result *r)
{
	struct pick pk;
	struct jctx c;
	int rc = -1;

	pick_init(&pk, q, 1);
	memset(&c, 0, sizeof c);
	c.pk = &pk;
	c.r = r;
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0) {
		buf += 3;      /* a UTF-8 byte order mark, as some editors save */
		len -= 3;
	}
	if ((c.js = json_open_mem(buf, len, "")) == NULL) {
		result_seterr(r, "out of memory");
		return -1;
	}
	if (j_document(&c) == 0) {
		r->source = c.array_seen ? "machine-readable-summary" :
		    c.values_seen ? "handle-summary" : "summary-export";
		rc = pick_finish(&pk, r);
		if (rc == 0)
			mark_bounded(&c, r);
	}
	while (c.nbounded > 0)
		free(c.bounded[--c.nbounded]);
	free(c.bounded);
	json_close(c.js);
	pick_reset(&pk);
	return rc;
}
