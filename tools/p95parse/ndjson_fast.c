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

/*
 * The bytes that end a fast string: its quote, or what the fast path
 * leaves to the plain one; and those that end a metric name.
 */
static unsigned char stops[256], name_ends[256];

static void
init_tables(void)
{
	int c;

	if (stops['"'])
		return;
	for (c = 0; c < 256; c++)
		stops[c] = c < 0x20 || c >= 0x80 || c == '"' || c == '\\';
	name_ends['"'] = name_ends['\\'] = 1;
}

#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

/*
 * Strings are scanned eight bytes at a time. Each test below sets the high
 * bit of every byte it looks for, and of no byte before the first one (a
 * borrow only runs upwards), so on a little-endian machine the lowest bit
 * set is the first such byte.
 */
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define FIRST_BYTE(m) ((size_t)__builtin_ctzll(m) >> 3)
#endif

/* The zero bytes of x. */
static uint64_t
zero_bytes(uint64_t x)
{
	return (x - ONES) & ~x & HIGHS;
}

/* The bytes of w that stop a fast string (see stops): a byte < 0x20 or >= 0x80, '"', '\\'. */
static uint64_t
stop_bytes(uint64_t w)
{
	return ((w | ((w - ONES * 0x20) & ~w)) & HIGHS) | zero_bytes(w ^ (ONES * '"')) |
	    zero_bytes(w ^ (ONES * '\\'));
}

/* The bytes of w that end a metric name in the fast path: '"', '\\'. */
static uint64_t
name_end_bytes(uint64_t w)
{
	return zero_bytes(w ^ (ONES * '"')) | zero_bytes(w ^ (ONES * '\\'));
}

/* The first byte of s[0..end) that stop() finds in a word, or that tab[] marks; end if none. */
static const char *
scan(const char *s, const char *end, uint64_t (*stop)(uint64_t), const unsigned char *tab)
{
	uint64_t w, m;

	while (end - s >= 8) {
		memcpy(&w, s, sizeof w);
		if ((m = stop(w)) != 0) {
#ifdef FIRST_BYTE
			return s + FIRST_BYTE(m);
#else
			break;
#endif
		}
		s += 8;
	}
	while (s < end && !tab[(unsigned char)*s])
		s++;
	return s;
}

/* A string with no escape, control or non-ASCII byte. */
static int
fast_str(const char **p, const char *end, const char **s, size_t *len)
{
	const char *q = *p;

	if (q == end || *q++ != '"')
		return -1;
	*s = q;
	q = scan(q, end, stop_bytes, stops);
	if (q == end || *q != '"')
		return -1;
	*len = (size_t)(q - *s);
	*p = q + 1;
	return 0;
}

/*
 * A flat object of strings, its '{' already read: the byte after it, or
 * NULL. Tags matched when q is given.
 */
static const char *
fast_strmap(const struct query *q, const char *p, const char *end,
    struct ndjson_point *pt)
{
	const char *k, *v;
	size_t kl, vl;

	if (p < end && *p == '}')
		return p + 1;
	for (;;) {
		if (fast_str(&p, end, &k, &kl) != 0 || p == end || *p++ != ':' ||
		    fast_str(&p, end, &v, &vl) != 0 || p == end)
			return NULL;
		if (q != NULL) {
			k6_tag_first(q, k, kl, v, vl, &pt->seen, &pt->match);
			if (pt->status == NULL && k6_span_eq(k, kl, "status")) {
				pt->status = v;
				pt->slen = vl;
			}
		}
		if (*p == '}')
			return p + 1;
		if (*p++ != ',')
			return NULL;
	}
}

int
ndjson_fast_metric(const char *s, size_t n, const char **name, size_t *len)
{
	const char *q;

	if (n <= sizeof POINT_PREFIX || memcmp(s, POINT_PREFIX, sizeof POINT_PREFIX - 1) != 0)
		return -1;
	init_tables();
	*name = s + sizeof POINT_PREFIX - 1;
	q = scan(*name, s + n, name_end_bytes, name_ends);
	if (q == s + n || *q != '"')
		return -1;
	*len = (size_t)(q - *name);
	return 0;
}

/* A Point's tags and metadata, from its ,"tags":{ to the end: the byte after, or NULL. */
static const char *
fast_tail(const char *p, const char *end, const struct query *q, struct ndjson_point *pt)
{
	if (LIT(&p, end, ",\"tags\":{") != 0 || (p = fast_strmap(q, p, end, pt)) == NULL)
		return NULL;
	if (LIT(&p, end, ",\"metadata\":{") == 0 && (p = fast_strmap(NULL, p, end, pt)) == NULL)
		return NULL;
	return LIT(&p, end, "}}") == 0 ? p : NULL;
}

/* fast_tail through the tails read lately (ndjson_tails): 0, or -1. */
static int
cached_tail(struct ndjson_tails *c, const char *p, const char *end, const struct query *q,
    struct ndjson_point *pt)
{
	struct ndjson_tail *t;
	size_t len = (size_t)(end - p), i;

	for (i = 0; i < NDJSON_TAILS; i++) {
		t = &c->tail[i];
		if (t->len != 0 && t->len == len && memcmp(t->text, p, len) == 0) {
			pt->seen = t->seen;
			pt->match = t->match;
			pt->status = t->have_status ? p + t->status_at : NULL;
			pt->slen = t->slen;
			return 0;
		}
	}
	if (fast_tail(p, end, q, pt) != end)
		return -1;
	if (len <= NDJSON_TAIL_MAX) {
		t = &c->tail[c->next];
		c->next = (c->next + 1) % NDJSON_TAILS;
		memcpy(t->text, p, len);
		t->len = len;
		t->seen = pt->seen;
		t->match = pt->match;
		t->have_status = pt->status != NULL;
		t->status_at = pt->status != NULL ? (size_t)(pt->status - p) : 0;
		t->slen = pt->slen;
	}
	return 0;
}

int
ndjson_fast_point(const char *s, size_t n, const struct query *q,
    struct ndjson_tails *tails, struct ndjson_point *pt)
{
	const char *p, *end = s + n, *t, *name;
	size_t tl, nl, len;

	init_tables();
	if (ndjson_fast_metric(s, n, &name, &len) != 0)
		return -1;
	p = name + len + 1;
	pt->seen = pt->match = 0;
	pt->status = NULL;
	pt->slen = 0;
	if (LIT(&p, end, ",\"type\":\"Point\",\"data\":{\"time\":") != 0 ||
	    fast_str(&p, end, &t, &tl) != 0 || LIT(&p, end, ",\"value\":") != 0 ||
	    (nl = k6_scan_num(p, (size_t)(end - p), &pt->value)) == 0)
		return -1;
	p += nl;
	if (tails != NULL ? cached_tail(tails, p, end, q, pt) != 0 : fast_tail(p, end, q, pt) != end)
		return -1;
	pt->time = t;
	pt->tlen = tl;
	return 0;
}

int
ndjson_fast_value(const char *s, size_t n, size_t namelen, double *v)
{
	const char *p = s + sizeof POINT_PREFIX - 1 + namelen + 1, *end = s + n, *t;
	size_t tl;

	init_tables();
	if (p > end || LIT(&p, end, ",\"type\":\"Point\",\"data\":{\"time\":") != 0 ||
	    fast_str(&p, end, &t, &tl) != 0 || LIT(&p, end, ",\"value\":") != 0 ||
	    k6_scan_num(p, (size_t)(end - p), v) == 0)
		return -1;
	return 0;
}
