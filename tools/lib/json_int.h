/*
 * The inside of the JSON scanner, shared by its two files and by no one
 * else: json.c (the scanner, token by token, and the token-by-token
 * skipper) and json_block.c (the block-at-a-time skipper, SSE2).
 */
#ifndef SMOKEKIT_JSON_INT_H
#define SMOKEKIT_JSON_INT_H

#include <stdint.h>
#include <string.h>

#include "json.h"

/*
 * The one switch between the two engines of skipping. x86-64 always has
 * SSE2: then json_block.c classifies 64 bytes at a time, and strings,
 * numbers and whitespace are scanned 16 bytes at a time. -DJSON_NO_SIMD
 * builds the portable token-by-token code alone, so that it can be tested
 * here too; json_block.c is then empty.
 */
#if defined(__SSE2__) && defined(__GNUC__) && !defined(JSON_NO_SIMD)
#define JSON_SSE2 1
#include <emmintrin.h>
#endif

/* The fast path's helpers belong in its loop, not behind calls. */
#if defined(__GNUC__)
#define HOT_INLINE static inline __attribute__((always_inline))
#else
#define HOT_INLINE static inline
#endif

#ifdef JSON_SSE2
static inline __m128i
load16(const unsigned char *s)
{
	return _mm_loadu_si128((const __m128i *)(const void *)s);
}

/* Bit i is set when byte i of v is c. */
static inline unsigned
eq16(__m128i v, char c)
{
	return (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(c)));
}
#endif

/* The read buffer of a file scanner; memory scanners read in place. */
#define JSON_BUFSIZE 65536

/* What the scanner expects next. */
enum state {
	ST_VALUE,          /* a value: at the top, after ':', after ',' in an array */
	ST_VALUE_OR_CLOSE, /* after '[' */
	ST_KEY_OR_CLOSE,   /* after '{' */
	ST_KEY,            /* after ',' in an object */
	ST_COLON,          /* after a key */
	ST_NEXT,           /* after a value in a container: ',' or its close */
	ST_TRAILER,        /* after the top-level value: whitespace, then the end */
	ST_DONE            /* JSON_END or JSON_ERROR was returned: sticky */
};

struct json_scanner {
	const unsigned char *p, *end; /* the unread part of the window */
	const unsigned char *win;     /* the window: buf, or the caller's memory */
	unsigned char *buf;           /* file scanners: the read buffer */
	size_t bufsize;               /* how much one read asks for */
	FILE *fp;
	unsigned long long off;       /* input offset of win[0] */
	unsigned long long linestart; /* input offset of the current line */
	unsigned long line;
	unsigned long errline, errcol;
	int io_errno;                 /* nonzero after a read error */
	int eof;
	int lines;                    /* JSON lines: a newline ends a document */
	int started;                  /* JSON lines: a document was begun */
	enum state state;
	enum json_token last;         /* the last token returned */
	unsigned depth;
	unsigned count_depth;         /* json_skip_count: commas here are counted */
	unsigned long long count;
	unsigned char stack[JSON_MAX_DEPTH / 8]; /* one bit per level: 1 = object */
	char *text;                   /* the last KEY, STRING or NUMBER */
	size_t len, cap;
	char *err;
	size_t errcap;
	char name[];
};

/* 1 for the bytes that may follow a backslash, but 'u'. */
static const unsigned char short_escape[256] = {
	['"'] = 1, ['\\'] = 1, ['/'] = 1, ['b'] = 1, ['f'] = 1, ['n'] = 1,
	['r'] = 1, ['t'] = 1,
};

/*
 * Four hex digits at s, or -1. The fast path meets \u escapes often enough
 * that this is worth doing inline rather than with four calls to hexval().
 */
static inline long
hex4_at(const unsigned char *s)
{
	long v = 0;
	unsigned i, dec, alpha;

	for (i = 0; i < 4; i++) {
		dec = s[i] - (unsigned)'0';
		alpha = (s[i] | 0x20u) - (unsigned)'a';
		if (dec < 10)
			v = v << 4 | (long)dec;
		else if (alpha < 6)
			v = v << 4 | (long)(alpha + 10);
		else
			return -1;
	}
	return v;
}

#define IS_DIGIT(c) ((c) >= '0' && (c) <= '9')
#define IS_SPACE(c) ((c) == ' ' || (c) == '\n' || (c) == '\t' || (c) == '\r')

/* The length of the valid escape at s (a backslash), or 0. */
static inline size_t
fast_escape(const unsigned char *s, const unsigned char *end)
{
	long hi, lo;

	if (end - s < 2)
		return 0;
	switch (s[1]) {
	case '"': case '\\': case '/': case 'b': case 'f':
	case 'n': case 'r': case 't':
		return 2;
	case 'u':
		if (end - s < 6 || (hi = hex4_at(s + 2)) < 0 ||
		    (hi >= 0xdc00 && hi <= 0xdfff))
			return 0;
		if (hi < 0xd800 || hi > 0xdbff)
			return 6;
		if (end - s < 12 || s[6] != '\\' || s[7] != 'u' ||
		    (lo = hex4_at(s + 8)) < 0xdc00 || lo > 0xdfff)
			return 0;
		return 12;
	}
	return 0;
}


/*
 * The length of the valid UTF-8 sequence at s (a byte >= 0x80), or 0:
 * overlong forms, surrogates and code points past U+10FFFF are invalid.
 */
static inline size_t
utf8_len(const unsigned char *s, const unsigned char *end)
{
	unsigned lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, lo = s[0] == 0xe0 ? 0xa0 : 0x80, hi = s[0] == 0xed ? 0x9f : 0xbf;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, lo = s[0] == 0xf0 ? 0x90 : 0x80, hi = s[0] == 0xf4 ? 0x8f : 0xbf;
	else
		return 0;
	if ((size_t)(end - s) < n || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

/* The end of a number inside the window, or NULL as for fast_string. */
static inline const unsigned char *
number_end(const unsigned char *s, const unsigned char *end)
{
	if (*s == '-')
		s++;
	if (s == end || !IS_DIGIT(*s))
		return NULL;
	if (*s++ == '0') {
		if (s < end && IS_DIGIT(*s))
			return NULL;
	} else {
		while (s < end && IS_DIGIT(*s))
			s++;
	}
	if (s < end && *s == '.') {
		if (++s == end || !IS_DIGIT(*s))
			return NULL;
		while (s < end && IS_DIGIT(*s))
			s++;
	}
	if (s < end && (*s == 'e' || *s == 'E')) {
		if (++s < end && (*s == '+' || *s == '-'))
			s++;
		if (s == end || !IS_DIGIT(*s))
			return NULL;
		while (s < end && IS_DIGIT(*s))
			s++;
	}
	return s < end ? s : NULL;
}

#ifdef JSON_SSE2
/*
 * Numbers are short: one 16-byte block nearly always holds a whole number
 * and the byte after it. Its digits become a bit mask, and each run of
 * digits is then one count of trailing zeros instead of a loop whose end
 * the branch predictor cannot guess. A number that reaches the block's
 * end is left to number_end().
 */
HOT_INLINE const unsigned char *
fast_number(const unsigned char *s, const unsigned char *end)
{
	unsigned digit, i, n;

	if (end - s < 16)
		return number_end(s, end);
	/* Minus 0xb0, the digits wrap to -128..-119 and nothing else does. */
	digit = (unsigned)_mm_movemask_epi8(_mm_cmplt_epi8(
	    _mm_sub_epi8(load16(s), _mm_set1_epi8(-0x50)), _mm_set1_epi8(-118)));
	i = s[0] == '-';
	n = (unsigned)__builtin_ctz(~(digit >> i)); /* the digits before any '.' */
	if (n == 0 || (n > 1 && s[i] == '0'))
		return NULL;
	if ((i += n) == 16)
		return number_end(s, end);
	if (s[i] == '.') {
		if (++i == 16)
			return number_end(s, end);
		if ((n = (unsigned)__builtin_ctz(~(digit >> i))) == 0)
			return NULL;
		if ((i += n) == 16)
			return number_end(s, end);
	}
	if ((s[i] | 0x20) == 'e') {
		if (++i < 16 && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i == 16)
			return number_end(s, end);
		if ((n = (unsigned)__builtin_ctz(~(digit >> i))) == 0)
			return NULL;
		if ((i += n) == 16)
			return number_end(s, end);
	}
	return s + i;
}
#else
#define fast_number number_end
#endif

#define IN_OBJECT(js, d) ((js)->stack[((d) - 1) / 8] >> (((d) - 1) % 8) & 1)

/*
 * skip_fast() keeps the kinds of the outermost 64 levels in a register,
 * bit d - 1 for depth d (1 for an object), and only deeper ones in
 * js->stack; the stack has at least 64 bytes.
 */
static inline uint64_t
kinds_load(const struct json_scanner *js)
{
	uint64_t kinds = 0;
	int k;

	for (k = 0; k < 8; k++)
		kinds |= (uint64_t)js->stack[k] << (8 * k);
	return kinds;
}

static inline void
kinds_store(struct json_scanner *js, uint64_t kinds)
{
	int k;

	for (k = 0; k < 8; k++)
		js->stack[k] = (unsigned char)(kinds >> (8 * k));
}

/* A container opens at depth d + 1, an object if obj. */
HOT_INLINE uint64_t
kinds_push(struct json_scanner *js, uint64_t kinds, unsigned d, unsigned obj)
{
	unsigned char bit = (unsigned char)(1u << (d % 8));

	if (d < 64)
		return (kinds & ~(1ULL << d)) | (uint64_t)obj << d;
	if (obj)
		js->stack[d / 8] |= bit;
	else
		js->stack[d / 8] &= (unsigned char)~bit;
	return kinds;
}

/* The closing bracket of the container at depth d (> 0). */
HOT_INLINE unsigned char
kinds_closer(const struct json_scanner *js, uint64_t kinds, unsigned d)
{
	unsigned obj = d <= 64 ? (unsigned)(kinds >> (d - 1)) & 1 : IN_OBJECT(js, d);

	return (unsigned char)(']' | obj << 5);
}

#ifdef JSON_SSE2
/*
 * The block-at-a-time skipper (json_block.c), from js->p, js->state and
 * js->depth, until the depth is back to target: then it returns the
 * closing token. Otherwise it returns JSON_KEY with the scanner at a
 * token boundary and *last set to how far the token-by-token skipper must
 * go before blocks can take over again.
 */
enum json_token json_block_skip(struct json_scanner *js, unsigned target,
    const unsigned char **last);
#endif

#endif
