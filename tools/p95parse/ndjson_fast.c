/* smokekit: k6 NDJSON, the fast path (see ndjson_fast.h). */
#include <stdint.h>
#include <string.h>

#include "k6name.h"
#include "ndjson_fast.h"

#define POINT_PREFIX "{\"metric\":\""

static int
lit(const char **p, const char *end, const char *z, size_t zl)
{
	if ((size_t)(end - *p) < zl || memcmp(*p, z, zl) != 0)
		return -1;
	*p += zl;
	return 0;
}

#define LIT(p, end, z) lit(p, end, z, sizeof z - 1)

/* The bytes that end a fast string: its quote, or what the fast path leaves to the plain one. */
static unsigned char stops[256];

static void
init_stops(void)
{
	int c;

	for (c = 0; c < 256; c++)
		stops[c] = c < 0x20 || c >= 0x80 || c == '"' || c == '\\';
}

#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

/* Does the word hold a byte that stops a fast string (see stops)? */
static int
word_stops(uint64_t w)
{
	uint64_t quote = w ^ (ONES * '"'), bslash = w ^ (ONES * '\\');

	/* A zero byte in x: (x - ONES) & ~x & HIGHS; a byte < 0x20: w - 0x20.. */
	return ((w | ((w - ONES * 0x20) & ~w) | ((quote - ONES) & ~quote) |
	    ((bslash - ONES) & ~bslash)) & HIGHS) != 0;
}

/* A string with no escape, control or non-ASCII byte. */
static int
fast_str(const char **p, const char *end, const char **s, size_t *len)
{
	const char *q = *p;

	if (q == end || *q++ != '"')
		return -1;
	*s = q;
	/* Eight bytes at a time, then one table look-up a byte: the strings of
	 * the Points read are most of the time of a big file. */
	while (end - q >= 8) {
		uint64_t w;

		memcpy(&w, q, sizeof w);
		if (word_stops(w))
			break;
		q += 8;
	}
	while (q < end && !stops[(unsigned char)*q])
		q++;
	if (q == end || *q != '"')
		return -1;
	*len = (size_t)(q - *s);
	*p = q + 1;
	return 0;
}

/* A flat object of strings, its '{' already read; tags matched when q is given. */
static int
fast_strmap(const struct query *q, const char **p, const char *end,
    struct ndjson_point *pt)
{
	const char *k, *v;
	size_t kl, vl;

	if (*p < end && **p == '}') {
		(*p)++;
		return 0;
	}
	for (;;) {
		if (fast_str(p, end, &k, &kl) != 0 || LIT(p, end, ":") != 0 ||
		    fast_str(p, end, &v, &vl) != 0)
			return -1;
		if (q != NULL)
			k6_tag_first(q, k, kl, v, vl, &pt->seen, &pt->match);
		if (q != NULL && pt->status == NULL && k6_span_eq(k, kl, "status")) {
			pt->status = v;
			pt->slen = vl;
		}
		if (*p == end)
			return -1;
		if (*(*p)++ == '}')
			return 0;
		if ((*p)[-1] != ',')
			return -1;
	}
}

int
ndjson_fast_metric(const char *s, size_t n, const char **name, size_t *len)
{
	const char *q;

	if (n <= sizeof POINT_PREFIX || memcmp(s, POINT_PREFIX, sizeof POINT_PREFIX - 1) != 0)
		return -1;
	*name = s + sizeof POINT_PREFIX - 1;
	/* A metric name is short: a loop beats two calls of memchr. */
	for (q = *name; q < s + n && *q != '"'; q++)
		if (*q == '\\')
			return -1;
	if (q == s + n)
		return -1;
	*len = (size_t)(q - *name);
	return 0;
}

int
ndjson_fast_point(const char *s, size_t n, const struct query *q,
    struct ndjson_point *pt)
{
	const char *p, *end = s + n, *t, *num, *name;
	size_t tl, nl, len;

	if (!stops['"'])
		init_stops();
	if (ndjson_fast_metric(s, n, &name, &len) != 0)
		return -1;
	p = name + len + 1;
	pt->seen = pt->match = 0;
	pt->status = NULL;
	if (LIT(&p, end, ",\"type\":\"Point\",\"data\":{\"time\":") != 0 ||
	    fast_str(&p, end, &t, &tl) != 0 || LIT(&p, end, ",\"value\":") != 0)
		return -1;
	num = p;
	if ((nl = k6_number_len(p, (size_t)(end - p))) == 0)
		return -1;
	p += nl;
	if (LIT(&p, end, ",\"tags\":{") != 0 || fast_strmap(q, &p, end, pt) != 0)
		return -1;
	if (LIT(&p, end, ",\"metadata\":{") == 0 && fast_strmap(NULL, &p, end, pt) != 0)
		return -1;
	if (LIT(&p, end, "}}") != 0 || p != end || k6_parse_num(num, nl, &pt->value) != 0)
		return -1;
	pt->time = t;
	pt->tlen = tl;
	return 0;
}

int
ndjson_fast_value(const char *s, size_t n, size_t namelen, double *v)
{
	const char *p = s + sizeof POINT_PREFIX - 1 + namelen + 1, *end = s + n, *t;
	size_t tl, nl;

	if (!stops['"'])
		init_stops();
	if (p > end || LIT(&p, end, ",\"type\":\"Point\",\"data\":{\"time\":") != 0 ||
	    fast_str(&p, end, &t, &tl) != 0 || LIT(&p, end, ",\"value\":") != 0 ||
	    (nl = k6_number_len(p, (size_t)(end - p))) == 0)
		return -1;
	return k6_parse_num(p, nl, v);
}
