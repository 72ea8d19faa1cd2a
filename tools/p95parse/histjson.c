/* smokekit: the histogram member of a summary export (see histjson.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "histjson.h"
#include "json.h"
#include "k6name.h"
#include "names.h"

/* A count or an index: a whole number from 0 to max, as JSON writes it. */
static int
whole(struct json_scanner *js, double max, unsigned long long *out)
{
	double v = k6_json_num(js);

	if (!(v >= 0 && v <= max && v == floor(v)))
		return -1;
	*out = (unsigned long long)v;
	return 0;
}

/* "buckets": [[INDEX, COUNT], ...], its '[' read. */
static int
buckets(struct json_scanner *js, struct loghist *h, struct result *r)
{
	unsigned long long idx, cnt;
	enum json_token t;

	while ((t = json_next(js)) == JSON_ARRAY) {
		if (json_next(js) != JSON_NUMBER || whole(js, LOGHIST_INDEX_MAX, &idx) != 0 ||
		    json_next(js) != JSON_NUMBER || whole(js, 9007199254740992.0, &cnt) != 0 ||
		    json_next(js) != JSON_ARRAY_END) {
			result_seterr(r, "smokekit_histogram: a bucket is not [INDEX, COUNT] "
			    "with INDEX from 0 to %ld", LOGHIST_INDEX_MAX);
			return -1;
		}
		loghist_add_bucket(h, (long)idx, cnt);
	}
	return t == JSON_ARRAY_END ? 0 : -1;
}

/* One metric's histogram object, its '{' read. */
static int
one(struct json_scanner *js, struct loghist *h, const char *name, struct result *r)
{
	unsigned long long count = 0;
	int have_count = 0, scheme = 0;
	enum json_token t;
	const char *s;
	size_t len;

	while ((t = json_next(js)) == JSON_KEY) {
		s = json_text(js, &len);
		if (k6_span_eq(s, len, "scheme")) {
			if (json_next(js) != JSON_STRING)
				break;
			s = json_text(js, &len);
			scheme = k6_span_eq(s, len, "log-linear");
		} else if (k6_span_eq(s, len, "count")) {
			if (json_next(js) != JSON_NUMBER || whole(js, 9007199254740992.0, &count) != 0)
				break;
			have_count = 1;
		} else if (k6_span_eq(s, len, "buckets")) {
			if (json_next(js) != JSON_ARRAY || buckets(js, h, r) != 0)
				return -1;
		} else if (json_next(js) == JSON_ERROR || json_skip(js) == JSON_ERROR) {
			break;
		}
	}
	if (t != JSON_OBJECT_END) {
		result_seterr(r, "smokekit_histogram: %s: not the documented shape", name);
		return -1;
	}
	if (!scheme) {
		result_seterr(r, "smokekit_histogram: %s: not the log-linear scheme this "
		    "p95parse reads", name);
		return -1;
	}
	if (!have_count || count != h->count) {
		result_seterr(r, "smokekit_histogram: %s: its buckets add up to %llu, "
		    "its count says %llu", name, h->count, count);
		return -1;
	}
	return 0;
}

/* The "smokekit_histogram" object, its '{' read. */
static int
member(struct json_scanner *js, const struct query *q, struct loghist *h,
    struct result *r)
{
	struct names seen;
	struct loghist mine;
	char full[RESULT_NAME_MAX];
	enum json_token t;
	const char *s;
	size_t len;
	int found = 0, rc = -1;

	memset(&seen, 0, sizeof seen);
	loghist_init(&mine);
	k6_full_name(full, sizeof full, q->metric, q->tags, q->ntags);
	while ((t = json_next(js)) == JSON_KEY) {
		s = json_text(js, &len);
		names_add(&seen, s, len);
		if (!found && k6_name_is(s, len, q->metric, q->tags, q->ntags)) {
			found = 1;
			if (json_next(js) != JSON_OBJECT || one(js, &mine, full, r) != 0)
				goto out;
		} else if (json_next(js) == JSON_ERROR || json_skip(js) == JSON_ERROR) {
			break;
		}
	}
	if (t != JSON_OBJECT_END) {
		result_seterr(r, "smokekit_histogram: not an object of histograms");
	} else if (!found) {
		result_seterr(r, "smokekit_histogram: none of %s", full);
		names_tell(&seen, r, "histograms");
	} else {
		loghist_merge(h, &mine);
		rc = 0;
	}
out:
	names_free(&seen);
	loghist_free(&mine);
	return rc;
}

int
histjson_read(const char *buf, size_t len, const struct query *q,
    struct loghist *h, struct result *r)
{
	struct json_scanner *js = json_open_mem(buf, len, "");
	enum json_token t;
	const char *s;
	size_t kl;
	int rc = 1;

	if (js == NULL) {
		result_seterr(r, "out of memory");
		return -1;
	}
	if (json_next(js) != JSON_OBJECT) {
		rc = -1;
		result_seterr(r, "not a JSON object");
		goto out;
	}
	while ((t = json_next(js)) == JSON_KEY) {
		s = json_text(js, &kl);
		if (rc == 1 && k6_span_eq(s, kl, "smokekit_histogram")) {
			if (json_next(js) != JSON_OBJECT) {
				result_seterr(r, "smokekit_histogram: not an object");
				rc = -1;
				goto out;
			}
			if ((rc = member(js, q, h, r)) != 0)
				goto out;
		} else if (json_skip_next(js) == JSON_ERROR) {
			break;
		}
	}
	if (t != JSON_OBJECT_END || json_next(js) != JSON_END) {
		result_seterr(r, "column %lu: %s", json_col(js), k6_json_why(js));
		rc = -1;
	}
out:
	json_close(js);
	return rc;
}
