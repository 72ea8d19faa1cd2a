/* smokekit: a streaming, strictly validating JSON scanner (RFC 8259). */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "json_int.h"
#include "num.h"
#include "xalloc.h"



static struct json_scanner *
scanner_new(const char *name)
{
	struct json_scanner *js;
	size_t n = strlen(name);

	js = xmalloc(sizeof *js + n + 1);
	memset(js, 0, sizeof *js);
	memcpy(js->name, name, n + 1);
	js->line = 1;
	js->state = ST_VALUE;
	js->last = JSON_END;
	js->errcap = n + 160;
	js->err = xmalloc(js->errcap);
	js->err[0] = '\0';
	return js;
}

struct json_scanner *
json_open_file(FILE *fp, const char *name)
{
	struct json_scanner *js = scanner_new(name);

	js->buf = xmalloc(JSON_BUFSIZE);
	js->fp = fp;
	js->bufsize = JSON_BUFSIZE;
	js->win = js->p = js->end = js->buf;
	return js;
}

struct json_scanner *
json_open_mem(const char *buf, size_t len, const char *name)
{
	struct json_scanner *js = scanner_new(name);

	js->win = js->p = (const unsigned char *)(buf != NULL ? buf : "");
	js->end = js->p + (buf != NULL ? len : 0);
	js->eof = 1;
	return js;
}

void
json_set_bufsize(struct json_scanner *js, size_t size)
{
	if (js->buf != NULL && size > 0 && size <= JSON_BUFSIZE)
		js->bufsize = size;
}

void
json_close(struct json_scanner *js)
{
	if (js == NULL)
		return;
	free(js->buf);
	free(js->text);
	free(js->err);
	free(js);
}

/* What scan() keeps of the token text. */
enum { COPY_NONE, COPY_ALL, COPY_KEYS };

/* Reads the next window once the current one is used up; 0 at the end. */
static int
refill(struct json_scanner *js)
{
	size_t n;

	if (js->eof)
		return 0;
	js->off += (unsigned long long)(js->end - js->win);
	n = fread(js->buf, 1, js->bufsize, js->fp);
	js->win = js->p = js->buf;
	js->end = js->buf + n;
	if (n < js->bufsize) {
		if (ferror(js->fp))
			js->io_errno = errno != 0 ? errno : EIO;
		if (n == 0 || ferror(js->fp) || feof(js->fp))
			js->eof = 1;
	}
	return n > 0;
}

/* The next byte, not consumed, or -1 at the end of the input. */
static inline int
peek(struct json_scanner *js)
{
	if (js->p < js->end || refill(js))
		return *js->p;
	return -1;
}

static unsigned long long
offset(const struct json_scanner *js)
{
	return js->off + (unsigned long long)(js->p - js->win);
}

static void
vfail(struct json_scanner *js, unsigned long long at, const char *fmt, va_list ap)
{
	int n;

	js->errline = js->line;
	js->errcol = (unsigned long)(at - js->linestart + 1);
	if (js->io_errno != 0) {
		snprintf(js->err, js->errcap, "%s: read error: %s", js->name,
		    strerror(js->io_errno));
	} else {
		n = snprintf(js->err, js->errcap, "%s:%lu:%lu: ", js->name,
		    js->errline, js->errcol);
		if (n > 0 && (size_t)n < js->errcap)
			vsnprintf(js->err + n, js->errcap - (size_t)n, fmt, ap);
	}
	js->state = ST_DONE;
	js->len = 0;
	js->last = JSON_ERROR;
}

/* Records an error at the current position; every later call returns it. */
static enum json_token
fail(struct json_scanner *js, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(js, offset(js), fmt, ap);
	va_end(ap);
	return JSON_ERROR;
}

/* The same at an earlier input offset on the current line. */
static enum json_token
fail_at(struct json_scanner *js, unsigned long long at, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(js, at, fmt, ap);
	va_end(ap);
	return JSON_ERROR;
}

/* The byte c (or the end, c < 0) is not what was expected. */
static enum json_token
fail_expected(struct json_scanner *js, int c, const char *what)
{
	if (c < 0)
		return fail(js, "unexpected end of input, expected %s", what);
	return fail(js, "expected %s", what);
}

/* Appends to the token text, keeping it NUL-terminated. */
static int
put(struct json_scanner *js, const void *s, size_t n)
{
	if (js->cap - js->len <= n) {
		size_t cap = js->cap != 0 ? js->cap : 256;
	
		while (cap - js->len <= n) {
			if (cap > SIZE_MAX / 2) {
				fail(js, "a token longer than memory");
				return -1;
			}
			cap *= 2;
		}
		js->text = xrealloc(js->text, cap);
		js->cap = cap;
	}
	memcpy(js->text + js->len, s, n);
	js->len += n;
	js->text[js->len] = '\0';
	return 0;
}

/* Skips whitespace; returns the next byte, not consumed, or -1 at the end. */
static int
skip_ws(struct json_scanner *js)
{
	for (;;) {
		const unsigned char *p = js->p, *e = js->end;

		for (; p < e; p++) {
			if (*p > ' ')
				break;
			if (*p == '\n') {
				if (js->lines)
					break;
				js->line++;
				js->linestart = js->off + (unsigned long long)(p + 1 - js->win);
			} else if (*p != ' ' && *p != '\t' && *p != '\r') {
				break;
			}
		}
		js->p = p;
		if (p < e)
			return *p;
		if (!refill(js))
			return -1;
	}
}

/*
 * Eight bytes at a time: does the word hold a byte that ends a plain run
 * inside a string ('"', '\\', a control character, or a non-ASCII byte)?
 */
#define ONES  0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL
#define HAS_ZERO(v) (((v) - ONES) & ~(v) & HIGHS)

/* 1 for bytes that need no attention inside a string. */
static const unsigned char plain[256] = {
	['\x20'] = 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,        /* 20-2f, '"' */
	['0'] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,          /* 30-3f */
	['@'] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,          /* 40-4f */
	['P'] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,          /* 50-5f, '\\' */
	['`'] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,          /* 60-6f */
	['p'] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,          /* 70-7f */
};


static inline uint64_t
special8(uint64_t w)
{
	return HAS_ZERO(w ^ (ONES * '"')) | HAS_ZERO(w ^ (ONES * '\\')) |
	    ((w - ONES * 0x20) & ~w & HIGHS) | (w & HIGHS);
}

/*
 * Moves s to the first byte of a string that needs attention, or to end.
 * The lowest flagged byte of special8() is exact (a borrow only flags bytes
 * above a real one), so on little-endian machines it is found directly.
 */
static inline const unsigned char *
plain_run(const unsigned char *s, const unsigned char *end)
{
	uint64_t w, m;

#ifdef JSON_SSE2
	/* The same bytes as special8(): '"', '\\', and (signed) below 0x20. */
	while (end - s >= 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)s);
		__m128i x = _mm_or_si128(_mm_or_si128(
		    _mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
		    _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))),
		    _mm_cmplt_epi8(v, _mm_set1_epi8(0x20)));
		int mask = _mm_movemask_epi8(x);

		if (mask != 0)
			return s + __builtin_ctz((unsigned)mask);
		s += 16;
	}
#endif
	while (end - s >= 8) {
		memcpy(&w, s, 8);
		if ((m = special8(w)) != 0) {
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
			return s + __builtin_ctzll(m) / 8;
#else
			break;
#endif
		}
		s += 8;
	}
	while (s < end && plain[*s])
		s++;
	return s;
}
/* The four hex digits of a \u escape, or -1 after failing. */
static long
hex4(struct json_scanner *js)
{
	long v = 0;
	int i, c, h;

	for (i = 0; i < 4; i++) {
		c = peek(js);
		if ((h = hexval(c)) < 0) {
			fail_expected(js, c, "four hex digits after '\\u'");
			return -1;
		}
		v = v << 4 | h;
		js->p++;
	}
	return v;
}

static size_t
utf8_encode(unsigned long cp, unsigned char *out)
{
	if (cp < 0x80) {
		out[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (unsigned char)(0xc0 | cp >> 6);
		out[1] = (unsigned char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (unsigned char)(0xe0 | cp >> 12);
		out[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (unsigned char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (unsigned char)(0xf0 | cp >> 18);
	out[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3f));
	out[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
	out[3] = (unsigned char)(0x80 | (cp & 0x3f));
	return 4;
}

/*
 * An escape; js->p is at the backslash. A \u escape that is half of a
 * surrogate pair must be followed by the other half: a lone surrogate has
 * no UTF-8 form, so it is an error rather than silently replaced.
 */
static int
escape(struct json_scanner *js, int copy)
{
	unsigned char out[4];
	unsigned long long at = offset(js);
	long cp, lo;
	int c;

	js->p++;
	c = peek(js);
	switch (c) {
	case '"': case '\\': case '/': out[0] = (unsigned char)c; break;
	case 'b': out[0] = '\b'; break;
	case 'f': out[0] = '\f'; break;
	case 'n': out[0] = '\n'; break;
	case 'r': out[0] = '\r'; break;
	case 't': out[0] = '\t'; break;
	case 'u':
		js->p++;
		if ((cp = hex4(js)) < 0)
			return -1;
		if (cp >= 0xdc00 && cp <= 0xdfff) {
			fail_at(js, at, "lone surrogate \\u%04lX in a string", cp);
			return -1;
		}
		if (cp >= 0xd800 && cp <= 0xdbff) {
			if (peek(js) != '\\' || (js->p++, peek(js) != 'u')) {
				fail_at(js, at, "lone surrogate \\u%04lX in a string", cp);
				return -1;
			}
			js->p++;
			if ((lo = hex4(js)) < 0)
				return -1;
			if (lo < 0xdc00 || lo > 0xdfff) {
				fail_at(js, at, "lone surrogate \\u%04lX in a string", cp);
				return -1;
			}
			cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
		}
		return copy ? put(js, out, utf8_encode((unsigned long)cp, out)) : 0;
	default:
		if (c < 0)
			fail(js, "unexpected end of input in a string");
		else if (c > ' ' && c < 0x7f)
			fail(js, "invalid escape '\\%c' in a string", c);
		else
			fail(js, "invalid escape in a string");
		return -1;
	}
	js->p++;
	return copy ? put(js, out, 1) : 0;
}

/*
 * One UTF-8 sequence; js->p is at its first byte (>= 0x80). Overlong
 * forms, UTF-16 surrogates and code points past U+10FFFF are rejected.
 */
static int
utf8(struct json_scanner *js, int copy)
{
	unsigned char seq[4];
	int c = *js->p, n, i, lo = 0x80, hi = 0xbf;

	if (c >= 0xc2 && c <= 0xdf)
		n = 1;
	else if (c >= 0xe0 && c <= 0xef)
		n = 2, lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 3, lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;
	else {
		fail(js, "invalid UTF-8 byte 0x%02X in a string", (unsigned)c);
		return -1;
	}
	seq[0] = (unsigned char)c;
	js->p++;
	for (i = 1; i <= n; i++) {
		c = peek(js);
		if (c < lo || c > hi) {
			if (c < 0)
				fail(js, "unexpected end of input in a string");
			else
				fail(js, "invalid UTF-8 sequence in a string");
			return -1;
		}
		seq[i] = (unsigned char)c;
		js->p++;
		lo = 0x80, hi = 0xbf;
	}
	return copy ? put(js, seq, (size_t)n + 1) : 0;
}

/* A string; js->p is just past its opening quote. */
static int
string(struct json_scanner *js, int copy)
{
	if (copy)
		js->len = 0;
	for (;;) {
		const unsigned char *s = plain_run(js->p, js->end), *e = js->end;

		if (copy && s > js->p && put(js, js->p, (size_t)(s - js->p)) < 0)
			return -1;
		js->p = s;
		if (s == e) {
			if (!refill(js)) {
				fail(js, "unexpected end of input in a string");
				return -1;
			}
			continue;
		}
		if (*s == '"') {
			js->p++;
			return 0;
		}
		if (*s == '\\') {
			if (escape(js, copy) < 0)
				return -1;
		} else if (*s < 0x20) {
			fail(js, "control character U+%04X in a string must be escaped",
			    (unsigned)*s);
			return -1;
		} else if (utf8(js, copy) < 0) {
			return -1;
		}
	}
}

/* A run of digits, copied; returns the byte after it (or -1). */
static int
digits(struct json_scanner *js, int copy)
{
	for (;;) {
		const unsigned char *s = js->p, *e = js->end;

		while (s < e && *s >= '0' && *s <= '9')
			s++;
		if (copy && s > js->p && put(js, js->p, (size_t)(s - js->p)) < 0)
			return -2;
		js->p = s;
		if (s < e)
			return *s;
		if (!refill(js))
			return -1;
	}
}

static int
take(struct json_scanner *js, int copy)
{
	char c = (char)*js->p++;

	return copy ? put(js, &c, 1) : 0;
}

/* A number, kept exactly as written; js->p is at its first byte. */
static int
number(struct json_scanner *js, int copy)
{
	int c = *js->p;

	js->len = 0;
	if (c == '-') {
		if (take(js, copy) < 0)
			return -1;
		c = peek(js);
	}
	if (c == '0') {
		if (take(js, copy) < 0)
			return -1;
		c = peek(js);
		if (IS_DIGIT(c)) {
			fail(js, "a number cannot have a leading zero");
			return -1;
		}
	} else if (IS_DIGIT(c)) {
		c = digits(js, copy);
	} else {
		fail_expected(js, c, "a digit after '-'");
		return -1;
	}
	if (c == '.') {
		if (take(js, copy) < 0)
			return -1;
		c = peek(js);
		if (!IS_DIGIT(c)) {
			fail_expected(js, c, "a digit after '.'");
			return -1;
		}
		c = digits(js, copy);
	}
	if (c == 'e' || c == 'E') {
		if (take(js, copy) < 0)
			return -1;
		c = peek(js);
		if (c == '+' || c == '-') {
			if (take(js, copy) < 0)
				return -1;
			c = peek(js);
		}
		if (!IS_DIGIT(c)) {
			fail_expected(js, c, "a digit in the exponent");
			return -1;
		}
		c = digits(js, copy);
	}
	return c == -2 ? -1 : 0;
}

/* true, false or null; js->p is at its first byte. */
static int
literal(struct json_scanner *js, const char *word)
{
	size_t i;
	int c;

	if (js->end - js->p >= 5 && memcmp(js->p, word, strlen(word)) == 0) {
		js->p += strlen(word);
		return 0;
	}
	for (i = 0; word[i] != '\0'; i++) {
		c = peek(js);
		if (c != (unsigned char)word[i]) {
			if (i == 0)
				fail_expected(js, c, "a value");
			else
				fail(js, c < 0 ? "unexpected end of input, expected '%s'" :
				    "expected '%s'", word);
			return -1;
		}
		js->p++;
	}
	return 0;
}

static int
in_object(const struct json_scanner *js)
{
	unsigned d = js->depth - 1;

	return js->stack[d / 8] >> (d % 8) & 1;
}

static enum json_token
push(struct json_scanner *js, int object)
{
	unsigned d = js->depth;

	if (d >= JSON_MAX_DEPTH)
		return fail(js, "nesting deeper than %u levels", JSON_MAX_DEPTH);
	if (object)
		js->stack[d / 8] |= (unsigned char)(1u << (d % 8));
	else
		js->stack[d / 8] &= (unsigned char)~(1u << (d % 8));
	js->depth++;
	js->p++;
	js->state = object ? ST_KEY_OR_CLOSE : ST_VALUE_OR_CLOSE;
	return object ? JSON_OBJECT : JSON_ARRAY;
}

/* The closing bracket at js->p ends the innermost container. */
static enum json_token
pop(struct json_scanner *js)
{
	enum json_token t = in_object(js) ? JSON_OBJECT_END : JSON_ARRAY_END;

	js->p++;
	js->depth--;
	js->state = js->depth > 0 ? ST_NEXT : ST_TRAILER;
	return t;
}

static enum json_token
scalar_done(struct json_scanner *js, enum json_token t)
{
	js->state = js->depth > 0 ? ST_NEXT : ST_TRAILER;
	return t;
}

/* A value starting with the byte c at js->p. */
static enum json_token
value(struct json_scanner *js, int c, int copy, const char *expected)
{
	switch (c) {
	case '{':
		return push(js, 1);
	case '[':
		return push(js, 0);
	case '"':
		js->p++;
		if (string(js, copy == COPY_ALL) < 0)
			return JSON_ERROR;
		return scalar_done(js, JSON_STRING);
	case '-': case '0': case '1': case '2': case '3': case '4':
	case '5': case '6': case '7': case '8': case '9':
		if (number(js, copy == COPY_ALL) < 0)
			return JSON_ERROR;
		return scalar_done(js, JSON_NUMBER);
	case 't':
		return literal(js, "true") < 0 ? JSON_ERROR : scalar_done(js, JSON_TRUE);
	case 'f':
		return literal(js, "false") < 0 ? JSON_ERROR : scalar_done(js, JSON_FALSE);
	case 'n':
		return literal(js, "null") < 0 ? JSON_ERROR : scalar_done(js, JSON_NULL);
	}
	if (c == 0xef && offset(js) == 0 && js->end - js->p >= 3 &&
	    js->p[1] == 0xbb && js->p[2] == 0xbf)
		return fail(js, "a byte order mark (U+FEFF) is not allowed");
	return fail_expected(js, c, expected);
}

static enum json_token
key(struct json_scanner *js, int c, int copy, const char *expected)
{
	if (c != '"')
		return fail_expected(js, c, expected);
	js->p++;
	if (string(js, copy != COPY_NONE) < 0)
		return JSON_ERROR;
	js->state = ST_COLON;
	return JSON_KEY;
}

/* A newline inside a JSON lines document: the line ended too early. */
static int
line_ended(const struct json_scanner *js, int c)
{
	return c == '\n' && js->lines;
}

/* The scanner proper; copy says which text is kept (COPY_*). */
static enum json_token
scan(struct json_scanner *js, int copy)
{
	int c;

	if (js->state == ST_DONE)
		return js->last;
	c = skip_ws(js);
	if (line_ended(js, c) && js->state != ST_TRAILER)
		return fail(js, "unexpected end of line");
	switch (js->state) {
	case ST_VALUE:
		return value(js, c, copy, "a value");
	case ST_VALUE_OR_CLOSE:
		if (c == ']')
			return pop(js);
		return value(js, c, copy, "a value or ']'");
	case ST_KEY_OR_CLOSE:
		if (c == '}')
			return pop(js);
		return key(js, c, copy, "a key or '}'");
	case ST_KEY:
		return key(js, c, copy, "a key");
	case ST_COLON:
		if (c != ':')
			return fail_expected(js, c, "':'");
		js->p++;
		c = skip_ws(js);
		if (line_ended(js, c))
			return fail(js, "unexpected end of line");
		return value(js, c, copy, "a value");
	case ST_NEXT:
		if (c == ',') {
			js->p++;
			js->count += js->depth == js->count_depth;
			js->state = in_object(js) ? ST_KEY : ST_VALUE;
			return scan(js, copy);
		}
		if (c == (in_object(js) ? '}' : ']'))
			return pop(js);
		return fail_expected(js, c, in_object(js) ? "',' or '}'" : "',' or ']'");
	case ST_TRAILER:
		if (c >= 0 && !line_ended(js, c))
			return fail(js, "expected the end of the input after the value");
		if (c < 0 && js->io_errno != 0)
			return fail(js, "read error");
		js->state = ST_DONE;
		return js->last = JSON_END;
	case ST_DONE:
		break;
	}
	return js->last;
}

enum json_token
json_next(struct json_scanner *js)
{
	enum json_token t = scan(js, COPY_ALL);

	if (t != JSON_KEY && t != JSON_STRING && t != JSON_NUMBER)
		js->len = 0;
	return js->last = t;
}

/*
 * The end of a string inside the window; s is past the opening quote.
 * NULL when the string crosses the window's end or is invalid: scan() then
 * reads it again, carefully, and says what is wrong with it.
 */
HOT_INLINE const unsigned char *
fast_string(const unsigned char *s, const unsigned char *end)
{
	size_t n;

	for (;;) {
		s = plain_run(s, end);
		if (s == end)
			return NULL;
		if (*s == '"')
			return s + 1;
		if (*s == '\\') {
			/* \n and the like inline, \u escapes in fast_escape. */
			if (end - s >= 2 && short_escape[s[1]])
				n = 2;
			else if ((n = fast_escape(s, end)) == 0)
				return NULL;
			s += n;
			continue;
		}
		if (*s < 0x80)
			return NULL;
		/* Non-ASCII text comes in runs: stay here while it lasts. */
		do {
			if ((n = utf8_len(s, end)) == 0)
				return NULL;
			s += n;
		} while (s < end && *s >= 0x80);
	}
}

/*
 * Skips the whitespace at p inside the window and returns the first other
 * byte (or end). Newlines occur only in whitespace, so lines are counted
 * here and nowhere else on the fast path. In JSON lines a newline is not
 * whitespace: it ends the document, and the careful path deals with it.
 */
static const unsigned char *
fast_space(struct json_scanner *js, const unsigned char *p, const unsigned char *end)
{
#ifdef JSON_SSE2
	/* Indentation comes in runs: 16 bytes at a time. */
	while (end - p >= 16) {
		__m128i v = load16(p);
		unsigned nl = js->lines ? 0 : eq16(v, '\n');
		unsigned blank = eq16(v, ' ') | eq16(v, '\t') | eq16(v, '\r') | nl;
		unsigned n = (unsigned)__builtin_ctz(~blank);

		nl &= (1u << n) - 1;
		if (nl != 0) {
			js->line += (unsigned long)__builtin_popcount(nl);
			js->linestart = js->off + (unsigned long long)(p - js->win) +
			    (unsigned long long)(32 - __builtin_clz(nl));
		}
		p += n;
		if (n < 16)
			return p;
	}
#endif
	for (; p < end; p++) {
		if (*p == ' ' || *p == '\t' || *p == '\r')
			continue;
		if (*p != '\n' || js->lines)
			break;
		js->line++;
		js->linestart = js->off + (unsigned long long)(p + 1 - js->win);
	}
	return p;
}


/*
 * The token-by-token skipper: the same grammar as scan(), for whole tokens
 * inside the window, up to last. The state is where the code is (one label
 * per state) rather than a variable to switch on; st is only written where
 * the code may leave. It stops at anything it does not handle (the
 * window's end, some escapes and UTF-8, a newline in JSON lines, limits,
 * errors) and leaves that token to scan(), which also words every error;
 * *more is then 0. Past last (*more is 1) blocks may take over again.
 * Returns the closing token once the depth is back to target, else
 * JSON_KEY. Commas at depth js->count_depth are counted.
 */
static enum json_token
skip_tokens(struct json_scanner *js, unsigned target, const unsigned char *last,
    int *more)
{
	const unsigned char *p = js->p, *q;
	const unsigned char *const end = js->end;
	enum json_token t = JSON_KEY;
	enum state st = js->state;
	unsigned d = js->depth;
	uint64_t kinds;                 /* see kinds_load() */
	unsigned char cl;               /* the innermost container's closing bracket */
	unsigned long long commas = 0;
	unsigned cdepth = js->count_depth;

	*more = 0;
	if (end - p < 8 || d <= target)
		return t;
	kinds = kinds_load(js);
	cl = kinds_closer(js, kinds, d);
again:
	switch (st) {
	case ST_VALUE: goto value;
	case ST_VALUE_OR_CLOSE: goto value_or_close;
	case ST_KEY_OR_CLOSE: goto key_or_close;
	case ST_KEY: goto key;
	case ST_COLON: goto colon;
	case ST_NEXT: goto next;
	default: goto out;
	}

value_or_close:
	st = ST_VALUE_OR_CLOSE;
	if (p > last)
		goto limit;
	if (*p == ']')
		goto close;
	goto value_here;
value:
	st = ST_VALUE;
	if (p > last)
		goto limit;
value_here:
	switch (*p) {
	case '"':
		q = fast_string(p + 1, end);
		break;
	case '-': case '0': case '1': case '2': case '3': case '4':
	case '5': case '6': case '7': case '8': case '9':
		q = fast_number(p, end);
		break;
	case 't':
		q = memcmp(p, "true", 4) == 0 ? p + 4 : NULL;
		break;
	case 'f':
		q = memcmp(p, "false", 5) == 0 ? p + 5 : NULL;
		break;
	case 'n':
		q = memcmp(p, "null", 4) == 0 ? p + 4 : NULL;
		break;
	case '{': case '[':
		/* Deeper than this is for scan(), which fails. */
		if (d >= JSON_MAX_DEPTH)
			goto out;
		cl = (unsigned char)(*p++ + 2);
		kinds = kinds_push(js, kinds, d++, cl == '}');
		if (cl == '}')
			goto key_or_close;
		goto value_or_close;
	default:
		goto space;
	}
	if (q == NULL)
		goto out;
	p = q;
next:
	st = ST_NEXT;
	if (p > last)
		goto limit;
	if (*p == ',') {
		p++;
		commas += d == cdepth;
		if (cl == '}')
			goto key;
		goto value;
	}
	if (*p == cl)
		goto close;
	goto space;

key_or_close:
	st = ST_KEY_OR_CLOSE;
	if (p > last)
		goto limit;
	if (*p == '}')
		goto close;
	goto key_here;
key:
	st = ST_KEY;
	if (p > last)
		goto limit;
key_here:
	if (*p != '"')
		goto space;
	if ((q = fast_string(p + 1, end)) == NULL)
		goto out;
	p = q;
colon:
	st = ST_COLON;
	if (p > last)
		goto limit;
	if (*p != ':')
		goto space;
	p++;
	goto value;

close:
	p++;
	if (--d == target) {
		t = cl == '}' ? JSON_OBJECT_END : JSON_ARRAY_END;
		st = d > 0 ? ST_NEXT : ST_TRAILER;
		goto out;
	}
	/* d > target, so d > 0: there is an enclosing container. */
	cl = kinds_closer(js, kinds, d);
	goto next;

space:
	if (!IS_SPACE(*p) || (q = fast_space(js, p, end)) == p)
		goto out;
	p = q;
	if (p <= last)
		goto again;
limit:
	*more = 1;
out:
	kinds_store(js, kinds);
	js->p = p;
	js->state = st;
	js->depth = d;
	js->count += commas;
	return t;
}

/*
 * The fast path of skipping: blocks where they can go (json_block.c),
 * tokens where they cannot, until the depth is back to target (then the
 * closing token) or something is left to scan() (then JSON_KEY).
 */
static enum json_token
skip_fast(struct json_scanner *js, unsigned target)
{
	const unsigned char *stop, *last;
	enum json_token t;
	int more;

	for (;;) {
		stop = js->end - 8; /* the last p with 8 bytes to spare */
		last = stop;
#ifdef JSON_SSE2
		t = json_block_skip(js, target, &last);
		if (t != JSON_KEY)
			return t;
#endif
		t = skip_tokens(js, target, last, &more);
		if (t != JSON_KEY || !more || js->p > stop)
			return t;
	}
}

/* Reads tokens without keeping text until the depth is back to depth. */
static enum json_token
skip_to(struct json_scanner *js, unsigned depth)
{
	enum json_token t;

	for (;;) {
		t = skip_fast(js, depth);
		if (t != JSON_KEY)
			break;
		t = scan(js, COPY_NONE);
		if (t == JSON_ERROR || js->depth <= depth)
			break;
	}
	js->len = 0;
	return js->last = t;
}

enum json_token
json_skip(struct json_scanner *js)
{
	if (js->last != JSON_OBJECT && js->last != JSON_ARRAY)
		return js->last;
	return skip_to(js, js->depth - 1);
}

enum json_token
json_skip_count(struct json_scanner *js, unsigned long long *count)
{
	unsigned depth = js->depth;
	enum json_token t;

	*count = 0;
	if (js->last != JSON_OBJECT && js->last != JSON_ARRAY)
		return js->last;
	/* The first element or member, or the closing bracket. */
	t = scan(js, COPY_NONE);
	if (t == JSON_ERROR || js->depth < depth)
		return js->last = t;
	js->count = 1;
	js->count_depth = depth;
	t = skip_to(js, depth - 1);
	js->count_depth = 0;
	if (t != JSON_ERROR)
		*count = js->count;
	return t;
}

enum json_token
json_skip_next(struct json_scanner *js)
{
	enum json_token t;

	t = scan(js, COPY_KEYS);
	if (t != JSON_KEY)
		js->len = 0;
	js->last = t;
	if (t == JSON_OBJECT || t == JSON_ARRAY) {
		if (skip_to(js, js->depth - 1) == JSON_ERROR)
			return JSON_ERROR;
	}
	return t;
}

void
json_set_lines(struct json_scanner *js, int on)
{
	js->lines = on != 0;
}

/* Discards the input up to and including the next newline. */
static void
discard_line(struct json_scanner *js)
{
	const unsigned char *nl;

	for (;;) {
		nl = memchr(js->p, '\n', (size_t)(js->end - js->p));
		if (nl != NULL) {
			js->p = nl + 1;
			js->line++;
			js->linestart = offset(js);
			return;
		}
		js->p = js->end;
		if (!refill(js))
			return;
	}
}

int
json_next_document(struct json_scanner *js)
{
	int c, lines;

	if (js->started)
		discard_line(js);
	js->started = 1;
	/* Blank lines between documents are whitespace. */
	lines = js->lines;
	js->lines = 0;
	c = skip_ws(js);
	js->lines = lines;
	if (c < 0) {
		if (js->io_errno != 0)
			fail(js, "read error");
		else
			js->state = ST_DONE, js->last = JSON_END;
		return 0;
	}
	js->state = ST_VALUE;
	js->last = JSON_END;
	js->depth = 0;
	js->len = 0;
	js->err[0] = '\0';
	return 1;
}

const char *
json_text(const struct json_scanner *js, size_t *len)
{
	if (len != NULL)
		*len = js->len;
	return js->len > 0 ? js->text : "";
}

unsigned
json_depth(const struct json_scanner *js)
{
	return js->depth;
}

const char *
json_error(const struct json_scanner *js)
{
	return js->err;
}

unsigned long
json_line(const struct json_scanner *js)
{
	return js->last == JSON_ERROR ? js->errline : js->line;
}

unsigned long
json_col(const struct json_scanner *js)
{
	if (js->last == JSON_ERROR)
		return js->errcol;
	return (unsigned long)(offset(js) - js->linestart + 1);
}

int
json_io_error(const struct json_scanner *js)
{
	return js->last == JSON_ERROR && js->io_errno != 0;
}
