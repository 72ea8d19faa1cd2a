/* smokekit: predicates on JSON documents (see pred.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "die.h"
#include "jpath.h"
#include "json.h"
#include "jsonout.h"
#include "pred.h"
#include "xalloc.h"

static const char *const types[] = { "object", "array", "string", "number", "bool", "null" };

/*
 * A JSON number as a sign, significant digits and a decimal exponent: the
 * value is 0.DIGITS times ten to the (exponent as written) + adj. The
 * exponent stays a digit string, so that no length of it is rounded.
 */
struct dec {
	int neg, zero;
	const char *ip, *fp;   /* integer and fraction digits */
	size_t ni, nf;
	size_t lo, hi;         /* the significant digits, as indices into ip then fp */
	int eneg;              /* the exponent as written: its sign and digits */
	const char *ed;        /* (no leading zeros) */
	size_t ne;
	long long adj;         /* what the place of the point adds to it */
};

static char
dec_digit(const struct dec *d, size_t k)
{
	return k < d->ni ? d->ip[k] : d->fp[k - d->ni];
}

/* s is a valid JSON number (the scanner said so). */
static void
dec_parse(const char *s, size_t len, struct dec *d)
{
	const char *end = s + len;

	memset(d, 0, sizeof *d);
	if (s < end && *s == '-')
		d->neg = 1, s++;
	d->ip = s;
	while (s < end && *s >= '0' && *s <= '9')
		s++;
	d->ni = (size_t)(s - d->ip);
	d->fp = s;
	if (s < end && *s == '.') {
		d->fp = ++s;
		while (s < end && *s >= '0' && *s <= '9')
			s++;
		d->nf = (size_t)(s - d->fp);
	}
	if (s < end && (*s == 'e' || *s == 'E')) {
		s++;
		if (s < end && (*s == '+' || *s == '-'))
			d->eneg = *s++ == '-';
		while (s < end - 1 && *s == '0')
			s++;
		d->ed = s;
		d->ne = (size_t)(end - s);
		if (d->ne == 1 && *s == '0')
			d->ne = 0, d->eneg = 0;
	}
	d->lo = 0;
	d->hi = d->ni + d->nf;
	while (d->lo < d->hi && dec_digit(d, d->lo) == '0')
		d->lo++;
	while (d->hi > d->lo && dec_digit(d, d->hi - 1) == '0')
		d->hi--;
	d->zero = d->lo == d->hi;
	d->adj = (long long)d->ni - (long long)d->lo;
}

/* Digit strings up to this long are read as long long. */
#define SHORT_DIGITS 18

static long long
digits_value(const char *s, size_t n)
{
	long long v = 0;

	while (n-- > 0)
		v = v * 10 + (*s++ - '0');
	return v;
}

/* Two magnitudes without leading zeros: <0, 0, >0. */
static int
digits_cmp(const char *a, size_t na, const char *b, size_t nb)
{
	int c;

	if (na != nb)
		return na < nb ? -1 : 1;
	c = memcmp(a, b, na);
	return (c > 0) - (c < 0);
}

/*
 * Is a - b (magnitudes, a >= b, no leading zeros) short? Then *v is its
 * value. Digit by digit from the right, with a borrow.
 */
static int
digits_sub_short(const char *a, size_t na, const char *b, size_t nb, long long *v)
{
	size_t i, top = 0;
	int borrow = 0, d;
	long long x = 0, p = 1;

	for (i = 0; i < na; i++) {
		d = (a[na - 1 - i] - '0') - borrow - (i < nb ? b[nb - 1 - i] - '0' : 0);
		borrow = d < 0;
		d += borrow ? 10 : 0;
		if (d != 0)
			top = i + 1;
		if (i < SHORT_DIGITS) {
			x += d * p;
			p *= i + 1 < SHORT_DIGITS ? 10 : 1;
		}
	}
	*v = x;
	return top <= SHORT_DIGITS;
}

/* The exponents of two numbers (written plus adj), exactly: <0, 0, >0. */
static int
exp_cmp(const struct dec *a, const struct dec *b)
{
	long long diff, adj = a->adj - b->adj;
	int sa = a->ne == 0 ? 0 : a->eneg ? -1 : 1, sb = b->ne == 0 ? 0 : b->eneg ? -1 : 1;
	int c;

	if (a->ne <= SHORT_DIGITS && b->ne <= SHORT_DIGITS) {
		diff = sa * digits_value(a->ed, a->ne) - sb * digits_value(b->ed, b->ne);
	} else if (sa != sb) {
		/* One of them is 1e18 or more away from zero, the other on its other side. */
		return sa > sb ? 1 : -1;
	} else {
		/* Same sign: the difference of the magnitudes decides, unless it is short. */
		c = digits_cmp(a->ed, a->ne, b->ed, b->ne);
		if (c == 0) {
			diff = 0;
		} else if (c > 0 ? !digits_sub_short(a->ed, a->ne, b->ed, b->ne, &diff) :
		    !digits_sub_short(b->ed, b->ne, a->ed, a->ne, &diff)) {
			return c * sa;
		} else {
			diff = c * sa * diff;
		}
	}
	/* |diff| < 2e18 and |adj| is bounded by the lengths of the numbers. */
	if (diff > 0 && adj >= 0)
		return 1;
	if (diff < 0 && adj <= 0)
		return -1;
	diff += adj;
	return (diff > 0) - (diff < 0);
}

/* The magnitudes of two nonzero numbers: <0, 0, >0. */
static int
dec_cmp_abs(const struct dec *a, const struct dec *b)
{
	int c = exp_cmp(a, b);
	size_t i, j;
	char x, y;

	if (c != 0)
		return c;
	for (i = a->lo, j = b->lo; i < a->hi && j < b->hi; i++, j++) {
		x = dec_digit(a, i);
		y = dec_digit(b, j);
		if (x != y)
			return x < y ? -1 : 1;
	}
	/* The longer one goes on with digits that are not all zeros. */
	return (i < a->hi) - (j < b->hi);
}

/* Two JSON numbers by value: <0, 0, >0. */
static int
num_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	struct dec x, y;
	int c;

	dec_parse(a, alen, &x);
	dec_parse(b, blen, &y);
	if (x.zero || y.zero) {
		if (x.zero && y.zero)
			return 0;
		return x.zero ? (y.neg ? 1 : -1) : (x.neg ? -1 : 1);
	}
	if (x.neg != y.neg)
		return x.neg ? -1 : 1;
	c = dec_cmp_abs(&x, &y);
	return x.neg ? -c : c;
}

static int
str_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int c = memcmp(a, b, alen < blen ? alen : blen);

	if (c != 0)
		return c;
	return (alen > blen) - (alen < blen);
}

static void
value_free(struct pred_value *v)
{
	size_t i;

	for (i = 0; i < v->n; i++) {
		value_free(&v->kids[i]);
		if (v->keys != NULL)
			free(v->keys[i]);
	}
	free(v->kids);
	free(v->keys);
	free(v->keylens);
	free(v->text);
	memset(v, 0, sizeof *v);
}

/* The member of object v named key, or -1. */
static long
value_member(const struct pred_value *v, const char *key, size_t len)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		if (v->keylens[i] == len && memcmp(v->keys[i], key, len) == 0)
			return (long)i;
	return -1;
}

/* Builds v from the value whose first token is t; -1 on bad JSON. */
static int
value_build(struct json_scanner *js, enum json_token t, struct pred_value *v)
{
	struct pred_value dup;
	const char *text;
	size_t len;

	memset(v, 0, sizeof *v);
	v->type = t;
	switch (t) {
	case JSON_ERROR:
		return -1;
	case JSON_STRING: case JSON_NUMBER:
		text = json_text(js, &len);
		v->text = xstrndup(text, len);
		v->len = len;
		return 0;
	case JSON_ARRAY:
		while ((t = json_next(js)) != JSON_ARRAY_END) {
			v->kids = xreallocarray(v->kids, v->n + 1, sizeof *v->kids);
			if (value_build(js, t, &v->kids[v->n++]) < 0)
				return -1;
		}
		return 0;
	case JSON_OBJECT:
		while ((t = json_next(js)) == JSON_KEY) {
			text = json_text(js, &len);
			if (value_member(v, text, len) >= 0) {
				/* Of duplicate keys the first wins. */
				t = value_build(js, json_next(js), &dup);
				value_free(&dup);
				if (t < 0)
					return -1;
				continue;
			}
			v->kids = xreallocarray(v->kids, v->n + 1, sizeof *v->kids);
			v->keys = xreallocarray(v->keys, v->n + 1, sizeof *v->keys);
			v->keylens = xreallocarray(v->keylens, v->n + 1, sizeof *v->keylens);
			v->keys[v->n] = xstrndup(text, len);
			v->keylens[v->n] = len;
			v->kids[v->n].n = 0;
			if (value_build(js, json_next(js), &v->kids[v->n++]) < 0)
				return -1;
		}
		return t == JSON_OBJECT_END ? 0 : -1;
	default:
		return 0;
	}
}

static int
compile_error(struct pred *p, char *err, size_t errsz, const char *fmt, const char *arg)
{
	snprintf(err, errsz, fmt, arg);
	pred_free(p);
	return -1;
}

static const char *
skip_blanks(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* VALUE: a JSON literal, the rest of the text. */
static int
compile_value(struct pred *p, const char *s, char *err, size_t errsz)
{
	struct json_scanner *js;
	const char *msg;
	size_t skip;
	int r;

	if (*s == '\0')
		return compile_error(p, err, errsz, "expected a value after the operator%s", "");
	p->value_text = xstrdup(s);
	js = json_open_mem(s, strlen(s), "");
	r = value_build(js, json_next(js), &p->value);
	if (r == 0 && json_next(js) != JSON_END)
		r = -1;
	if (r < 0) {
		/* The scanner's message without its "name:line:col: " prefix. */
		msg = json_error(js);
		skip = (size_t)snprintf(NULL, 0, ":%lu:%lu: ", json_line(js), json_col(js));
		if (strlen(msg) >= skip)
			msg += skip;
		snprintf(err, errsz, "bad value '%s': %s", s, msg);
		json_close(js);
		pred_free(p);
		return -1;
	}
	json_close(js);
	if (p->op >= PRED_LT && p->value.type != JSON_NUMBER && p->value.type != JSON_STRING)
		return compile_error(p, err, errsz, "%s compares only numbers or strings",
		    p->op == PRED_LT ? "<" : p->op == PRED_LE ? "<=" : p->op == PRED_GT ? ">" : ">=");
	return 0;
}

static int
compile_type(struct pred *p, const char *s, char *err, size_t errsz)
{
	size_t i, n = strcspn(s, " \t");

	for (i = 0; i < sizeof types / sizeof types[0]; i++)
		if (strlen(types[i]) == n && strncmp(s, types[i], n) == 0)
			p->type = types[i];
	if (p->type == NULL)
		return compile_error(p, err, errsz,
		    "expected a type after 'is' (object, array, string, number, bool or null)%s", "");
	if (*skip_blanks(s + n) != '\0')
		return compile_error(p, err, errsz, "unexpected '%s' after the type", skip_blanks(s + n));
	return 0;
}

int
pred_compile(const char *text, struct pred *p, char *err, size_t errsz)
{
	static const struct { const char *op; enum pred_op code; } ops[] = {
		{ "==", PRED_EQ }, { "!=", PRED_NE }, { "<=", PRED_LE },
		{ ">=", PRED_GE }, { "<", PRED_LT }, { ">", PRED_GT },
	};
	char perr[160];
	const char *s;
	size_t i;

	memset(p, 0, sizeof *p);
	p->text = xstrdup(text);
	if (jpath_parse(text, &s, &p->path, perr, sizeof perr) < 0)
		return compile_error(p, err, errsz, "bad path: %s", perr);
	s = skip_blanks(s);
	if (*s == '\0') {
		p->op = PRED_EXISTS;
		return 0;
	}
	if (strncmp(s, "is", 2) == 0 && (s[2] == ' ' || s[2] == '\t')) {
		p->op = PRED_IS;
		return compile_type(p, skip_blanks(s + 2), err, errsz);
	}
	for (i = 0; i < sizeof ops / sizeof ops[0]; i++) {
		if (strncmp(s, ops[i].op, strlen(ops[i].op)) == 0) {
			p->op = ops[i].code;
			return compile_value(p, skip_blanks(s + strlen(ops[i].op)), err, errsz);
		}
	}
	return compile_error(p, err, errsz,
	    "expected ==, !=, <, <=, >, >= or 'is' after the path, not '%s'", s);
}

void
pred_free(struct pred *p)
{
	jpath_free(&p->path);
	value_free(&p->value);
	free(p->value_text);
	free(p->text);
	memset(p, 0, sizeof *p);
}

/* The rest of a value whose first token t is read; -1 on bad JSON. */
static int
skip_value(struct json_scanner *js, enum json_token t)
{
	if (t == JSON_ERROR)
		return -1;
	if (t == JSON_OBJECT || t == JSON_ARRAY)
		return json_skip(js) == JSON_ERROR ? -1 : 0;
	return 0;
}

static int equal(struct json_scanner *js, enum json_token t, const struct pred_value *v);

static int
equal_object(struct json_scanner *js, const struct pred_value *v)
{
	unsigned char *seen = xreallocarray(NULL, v->n + 1, 1);
	enum json_token t;
	const char *key;
	size_t len, i;
	long m;
	int eq = 1, r;

	memset(seen, 0, v->n + 1);
	while ((t = json_next(js)) == JSON_KEY) {
		key = json_text(js, &len);
		m = value_member(v, key, len);
		t = json_next(js);
		if (m < 0 || seen[m]) {
			/* Not in VALUE; or a duplicate key, of which the first won. */
			eq &= m >= 0;
			r = skip_value(js, t);
		} else {
			seen[m] = 1;
			r = equal(js, t, &v->kids[m]);
			eq &= r > 0;
		}
		if (r < 0)
			break;
	}
	for (i = 0; i < v->n; i++)
		eq &= seen[i];
	free(seen);
	return t == JSON_OBJECT_END ? eq : -1;
}

static int
equal_array(struct json_scanner *js, const struct pred_value *v)
{
	enum json_token t;
	size_t i;
	int eq = 1, r;

	for (i = 0; (t = json_next(js)) != JSON_ARRAY_END; i++) {
		if (i < v->n) {
			r = equal(js, t, &v->kids[i]);
			eq &= r > 0;
		} else {
			eq = 0;
			r = skip_value(js, t);
		}
		if (r < 0)
			return -1;
	}
	return eq && i == v->n;
}

/* Is the value whose first token is t equal to v? 1, 0, or -1 on bad JSON. */
static int
equal(struct json_scanner *js, enum json_token t, const struct pred_value *v)
{
	const char *text;
	size_t len;

	if (t == JSON_OBJECT && v->type == JSON_OBJECT)
		return equal_object(js, v);
	if (t == JSON_ARRAY && v->type == JSON_ARRAY)
		return equal_array(js, v);
	if (skip_value(js, t) < 0)
		return -1;
	if (t != v->type)
		return 0;
	text = json_text(js, &len);
	if (t == JSON_STRING)
		return str_cmp(text, len, v->text, v->len) == 0;
	if (t == JSON_NUMBER)
		return num_cmp(text, len, v->text, v->len) == 0;
	return 1;
}

/* One evaluation: where its answer goes. */
struct eval {
	const struct pred *p;
	char *why;
	size_t whysz;
};

/* why = "PATH: reason" for the value the walk stands on (after n steps). */
static int
fails(struct jpath_walk *w, size_t n, const char *reason, const char *reason2)
{
	struct eval *ev = w->ctx;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;

	if (ev->whysz == 0)
		return EXIT_FAILS;
	if ((fp = open_memstream(&buf, &len)) == NULL)
		die(EXIT_ERROR, "open_memstream:");
	jpath_put(fp, w, n);
	fprintf(fp, ": %s%s", reason, reason2);
	if (fclose(fp) != 0)
		die(EXIT_ERROR, "out of memory");
	snprintf(ev->why, ev->whysz, "%s", buf);
	free(buf);
	return EXIT_FAILS;
}

static int
missed(struct jpath_walk *w, size_t n, const char *why)
{
	return fails(w, n, why, "");
}

/*
 * "is false, wanted == true": the value (first token t, consumed) as
 * compact JSON when it is a scalar, else its type.
 */
static int
fails_value(struct jpath_walk *w, enum json_token t)
{
	const struct eval *ev = w->ctx;
	static const char *const opname[] = { "", "is", "==", "!=", "<", "<=", ">", ">=" };
	char is[96], wanted[96];
	const char *text;
	size_t len;
	FILE *fp;

	text = json_text(w->js, &len);
	if ((fp = fmemopen(is, sizeof is, "w")) == NULL)
		die(EXIT_ERROR, "fmemopen:");
	fputs("is ", fp);
	if (t == JSON_STRING)
		json_put_string(fp, text, len > 60 ? 60 : len);
	else if (t == JSON_NUMBER)
		fwrite(text, 1, len > 60 ? 60 : len, fp);
	else if (t == JSON_TRUE || t == JSON_FALSE)
		fputs(t == JSON_TRUE ? "true" : "false", fp);
	else
		fputs(jpath_type(t), fp);
	putc('\0', fp);
	fclose(fp);
	is[sizeof is - 1] = '\0';
	snprintf(wanted, sizeof wanted, ", wanted %s %.60s", opname[ev->p->op], ev->p->value_text);
	return fails(w, w->path->n, is, wanted);
}

/* "is string, wanted number". */
static int
fails_type(struct jpath_walk *w, enum json_token t, const char *wanted)
{
	char is[32], want[32];

	snprintf(is, sizeof is, "is %s", jpath_type(t));
	snprintf(want, sizeof want, ", wanted %s", wanted);
	return fails(w, w->path->n, is, want);
}

static int
found(struct jpath_walk *w, enum json_token t)
{
	const struct eval *ev = w->ctx;
	const struct pred *p = ev->p;
	const char *text;
	size_t len;
	int c, r;

	switch (p->op) {
	case PRED_EXISTS:
		return skip_value(w->js, t) < 0 ? EXIT_ERROR : EXIT_HOLDS;
	case PRED_IS:
		if (skip_value(w->js, t) < 0)
			return EXIT_ERROR;
		if (strcmp(jpath_type(t), p->type) == 0)
			return EXIT_HOLDS;
		return fails_type(w, t, p->type);
	case PRED_EQ: case PRED_NE:
		if ((r = equal(w->js, t, &p->value)) < 0)
			return EXIT_ERROR;
		if (r == (p->op == PRED_EQ))
			return EXIT_HOLDS;
		return fails_value(w, t);
	default:
		break;
	}
	if (skip_value(w->js, t) < 0)
		return EXIT_ERROR;
	if (t != p->value.type)
		return fails_type(w, t, jpath_type(p->value.type));
	text = json_text(w->js, &len);
	c = t == JSON_NUMBER ? num_cmp(text, len, p->value.text, p->value.len) :
	    str_cmp(text, len, p->value.text, p->value.len);
	switch (p->op) {
	case PRED_LT: r = c < 0; break;
	case PRED_LE: r = c <= 0; break;
	case PRED_GT: r = c > 0; break;
	default: r = c >= 0; break;
	}
	return r ? EXIT_HOLDS : fails_value(w, t);
}

int
pred_eval_next(const struct pred *p, struct json_scanner *js, char *why, size_t whysz)
{
	struct eval ev = { p, why, whysz };
	struct jpath_walk w = { &p->path, js, found, missed, &ev, NULL };
	int status;

	if (whysz > 0)
		why[0] = '\0';
	status = jpath_walk(&w, json_next(js));
	if (status == EXIT_ERROR) {
		if (whysz > 0)
			snprintf(why, whysz, "%s", json_error(js));
		return PRED_BAD_JSON;
	}
	return status == EXIT_HOLDS ? PRED_HOLDS : PRED_FAILS;
}

int
pred_eval(const struct pred *p, const char *buf, size_t len, char *why, size_t whysz)
{
	struct json_scanner *js = json_open_mem(buf, len, "body");
	int r;

	r = pred_eval_next(p, js, why, whysz);
	if (r != PRED_BAD_JSON && json_next(js) != JSON_END) {
		if (whysz > 0)
			snprintf(why, whysz, "%s", json_error(js));
		r = PRED_BAD_JSON;
	}
	json_close(js);
	return r;
}
