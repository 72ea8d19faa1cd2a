/*
 * smokekit: the block-at-a-time JSON skipper, the fast path of json.c's
 * token-by-token skipper: the same grammar, 64 bytes at a time. The
 * differential tests (tests/unit/json.c, the fuzzer tests/fuzz/fuzz_json.c)
 * hold every skipping path to the careful scanner, json_next(), token for
 * token and error for error; built with -DJSON_NO_SIMD (as .ci/run does)
 * they test the token-by-token skipper alone.
 */
#include <stdint.h>
#include <string.h>

#include "json_int.h"

#ifdef JSON_SSE2
/* The sign bits of four vectors of bytes as one 64-bit mask. */
static inline uint64_t
bits64(__m128i a, __m128i b, __m128i c, __m128i d)
{
	return (uint64_t)(unsigned)_mm_movemask_epi8(a) |
	    (uint64_t)(unsigned)_mm_movemask_epi8(b) << 16 |
	    (uint64_t)(unsigned)_mm_movemask_epi8(c) << 32 |
	    (uint64_t)(unsigned)_mm_movemask_epi8(d) << 48;
}

/* Bit i is set when byte i of the block is c. */
static inline uint64_t
eq64(const __m128i v[4], char c)
{
	__m128i x = _mm_set1_epi8(c);

	return bits64(_mm_cmpeq_epi8(v[0], x), _mm_cmpeq_epi8(v[1], x),
	    _mm_cmpeq_epi8(v[2], x), _mm_cmpeq_epi8(v[3], x));
}

/* Bit i is set when bits 0 to i of x hold an odd number of ones. */
static inline uint64_t
prefix_xor(uint64_t x)
{
	x ^= x << 1;
	x ^= x << 2;
	x ^= x << 4;
	x ^= x << 8;
	x ^= x << 16;
	x ^= x << 32;
	return x;
}

/* The bits below bit n (n <= 64). */
#define BELOW(n) ((n) < 64 ? (1ULL << (n)) - 1 : ~0ULL)

/* A block of 64 bytes, as bit masks (bit i stands for byte i). */
struct block {
	uint64_t tok;  /* bytes that start a token, or continue a number or literal */
	uint64_t nl;   /* newlines outside strings, when they are whitespace */
	unsigned open; /* the opening quote of a string that goes on past the block, or 64 */
};

/* What a block passes on to the next one. */
struct carry {
	uint64_t inside; /* all ones when the next block starts inside a string */
	uint64_t esc;    /* its bytes escaped by a backslash at the end of this one */
	uint64_t done;   /* its backslashes already checked as part of an escape */
	uint64_t cont;   /* its leading bytes that end a UTF-8 sequence checked here */
};

/*
 * Classifies the 64 bytes at s all at once, as simdjson's first stage
 * does, in SSE2: which quotes open or close strings, which bytes are
 * inside strings, which are whitespace. Every token outside strings then
 * starts at a set bit of tok, with no byte-by-byte scanning and no chain
 * of dependent loads from one token to the next. Strings are validated
 * here too: escapes, control characters, UTF-8, with c carrying what
 * crosses into the next block. Returns 0 if a string is not valid, so
 * that the token-by-token path can find what is wrong; the end of the
 * window must be at least 128 bytes away.
 */
static inline int
classify(const struct json_scanner *js, const unsigned char *s, struct block *b,
    struct carry *c)
{
	__m128i v[4];
	uint64_t quote, backslash, odd, space, esc, bad = 0;
	uint64_t real, inside, instring, m;
	unsigned i, n;
	long cp;
	int k;

	for (k = 0; k < 4; k++)
		v[k] = load16(s + 16 * k);
	quote = eq64(v, '"');
	backslash = eq64(v, '\\');
	space = eq64(v, ' ');
	/* Signed: control characters and non-ASCII bytes, both rare outside strings. */
	odd = bits64(_mm_cmplt_epi8(v[0], _mm_set1_epi8(0x20)),
	    _mm_cmplt_epi8(v[1], _mm_set1_epi8(0x20)),
	    _mm_cmplt_epi8(v[2], _mm_set1_epi8(0x20)),
	    _mm_cmplt_epi8(v[3], _mm_set1_epi8(0x20)));

	/* Each backslash escapes the next byte, a backslash included. */
	esc = c->esc;
	m = backslash & ~c->done;
	c->esc = c->done = 0;
	for (; m != 0; m &= ~(3ULL << i)) {
		i = (unsigned)__builtin_ctzll(m);
		if (s[i + 1] == 'u') {
			/* Most are not surrogates: then the four hex digits will do. */
			cp = hex4_at(s + i + 2);
			if (cp >= 0 && (cp < 0xd800 || cp > 0xdfff))
				;
			else if ((n = (unsigned)fast_escape(s + i, js->end)) == 0)
				bad |= 1ULL << i;
			else if (n == 12 && i < 58)
				m &= ~(1ULL << (i + 6)); /* the pair's second half is checked */
			else if (n == 12)
				c->done |= 1ULL << (i - 58);
		} else if (!short_escape[s[i + 1]]) {
			bad |= 1ULL << i;
		}
		if (i < 63) {
			esc |= 2ULL << i;
		} else {
			c->esc = 1;
			c->done |= 1;
		}
	}
	real = quote & ~esc;
	inside = prefix_xor(real) ^ c->inside; /* from an opening quote to before its closing one */
	c->inside = 0 - (inside >> 63);
	instring = inside ^ real;              /* from after an opening quote to its closing one */
	b->open = 64;
	if (c->inside != 0 && real != 0)
		b->open = 63 - (unsigned)__builtin_clzll(real);
	if ((bad & instring) != 0)
		return 0;
	b->nl = 0;
	if ((odd & ~instring) != 0) {
		/* Whitespace other than blanks (or bytes that are errors there). */
		if (!js->lines)
			b->nl = eq64(v, '\n');
		space |= b->nl | eq64(v, '\t') | eq64(v, '\r');
	}
	b->tok = ~(space | instring);
	/* UTF-8 in strings; a control character is no valid first byte either. */
	m = odd & instring & ~c->cont;
	c->cont = 0;
	for (; m != 0; m &= ~0ULL << (i + n)) {
		i = (unsigned)__builtin_ctzll(m);
		if ((n = (unsigned)utf8_len(s + i, js->end)) == 0)
			return 0;
		if (i + n >= 64) {
			c->cont = BELOW(i + n - 64);
			break;
		}
	}
	return 1;
}

/* The newlines of a block before byte n are behind us: count them. */
static inline void
block_lines(struct json_scanner *js, const unsigned char *s, uint64_t nl, unsigned n)
{
	nl &= BELOW(n);
	if (nl != 0) {
		js->line += (unsigned long)__builtin_popcountll(nl);
		js->linestart = js->off + (unsigned long long)(s - js->win) +
		    (unsigned long long)(64 - __builtin_clzll(nl));
	}
}

/*
 * The state is where the code is (one label per state) rather than a
 * variable to switch on; st is only written where the code may leave.
 * It goes block by block (classify()) and takes the tokens of a block
 * from its bit mask. A block it cannot classify, the end of the window,
 * and any token it does not handle (some numbers, errors, limits) go back
 * to the token-by-token skipper.
 */
enum json_token
json_block_skip(struct json_scanner *js, unsigned target, const unsigned char **last)
{
	const unsigned char *p = js->p, *q;
	const unsigned char *const end = js->end;
	const unsigned char *const stop = end - 8; /* the last p with 8 bytes to spare */
	enum json_token t = JSON_KEY;
	enum state st = js->state;
	unsigned d = js->depth;
	uint64_t kinds;                 /* see kinds_load() */
	unsigned char cl;               /* the innermost container's closing bracket */
	unsigned long long commas = 0;
	unsigned cdepth = js->count_depth;
	const unsigned char *s;         /* the block */
	struct block blk;
	struct carry c;
	const unsigned char *open = NULL; /* the string that goes on in the next block */
	enum state open_st = ST_VALUE;  /* and the state before it */
	uint64_t tok;                   /* the block's tokens not yet taken */
	unsigned i;                     /* the token at s + i */

	*last = stop;
	if (end - p < 8 || d <= target)
		return t;
	kinds = kinds_load(js);
	cl = kinds_closer(js, kinds, d);
fresh:
	/* p is a token boundary: nothing carries over. */
	s = p;
	memset(&c, 0, sizeof c);
	open = NULL;
block:
	if (end - s < 128 || !classify(js, s, &blk, &c)) {
		/* Token by token from the start of what this block has not finished. */
		if (open != NULL) {
			p = open;
			st = open_st;
		} else {
			p = s;
		}
		*last = end - s < 128 ? stop : s + 63;
		goto out;
	}
	p = s;
	tok = blk.tok;
	switch (st) {
	case ST_VALUE: goto b_value;
	case ST_VALUE_OR_CLOSE: goto b_value_or_close;
	case ST_KEY_OR_CLOSE: goto b_key_or_close;
	case ST_KEY: goto b_key;
	case ST_COLON: goto b_colon;
	case ST_NEXT: goto b_next;
	default: goto out;
	}

b_value_or_close:
	st = ST_VALUE_OR_CLOSE;
	if (tok == 0)
		goto b_done;
	i = (unsigned)__builtin_ctzll(tok);
	if (s[i] == ']')
		goto b_close;
	goto b_value_here;
b_value:
	st = ST_VALUE;
	if (tok == 0)
		goto b_done;
	i = (unsigned)__builtin_ctzll(tok);
b_value_here:
	if (s[i] == '"') {
		/* classify() has checked it and tok has no bit inside it. */
		tok &= tok - 1;
		goto b_next;
	}
	if ((unsigned)(s[i] - '-') < 13) {
		/* '-', '0' to '9', or '.' or '/', which fast_number() refuses. */
		q = fast_number(s + i, end);
	} else if ((s[i] | 0x20) == '{') {
		/* '{' or '['; the closing bracket is two bytes on. */
		/* Deeper than this is for scan(), which fails. */
		if (d >= JSON_MAX_DEPTH)
			goto b_stop;
		cl = (unsigned char)(s[i] + 2);
		kinds = kinds_push(js, kinds, d++, cl == '}');
		tok &= tok - 1;
		if (cl == '}')
			goto b_key_or_close;
		goto b_value_or_close;
	} else if (s[i] == 't') {
		q = memcmp(s + i, "true", 4) == 0 ? s + i + 4 : NULL;
	} else if (s[i] == 'f') {
		q = memcmp(s + i, "false", 5) == 0 ? s + i + 5 : NULL;
	} else if (s[i] == 'n') {
		q = memcmp(s + i, "null", 4) == 0 ? s + i + 4 : NULL;
	} else {
		goto b_stop;
	}
	/* A number or literal: its bytes are in tok, and what follows it may be too. */
	if (q == NULL)
		goto b_stop;
	if (q - s >= 64) {
		block_lines(js, s, blk.nl, i);
		p = q;
		st = ST_NEXT;
		goto fresh;
	}
	tok &= ~0ULL << (q - s);
b_next:
	if (tok == 0) {
		st = ST_NEXT;
		goto b_done;
	}
	i = (unsigned)__builtin_ctzll(tok);
	if (s[i] == ',') {
		tok &= tok - 1;
		commas += d == cdepth;
		if (cl == '}')
			goto b_key;
		goto b_value;
	}
	if (s[i] == cl)
		goto b_close;
	st = ST_NEXT;
	goto b_stop;

b_key_or_close:
	if (tok == 0) {
		st = ST_KEY_OR_CLOSE;
		goto b_done;
	}
	i = (unsigned)__builtin_ctzll(tok);
	if (s[i] == '}')
		goto b_close;
	st = ST_KEY_OR_CLOSE;
	goto b_key_here;
b_key:
	if (tok == 0) {
		st = ST_KEY;
		goto b_done;
	}
	i = (unsigned)__builtin_ctzll(tok);
	st = ST_KEY;
b_key_here:
	if (s[i] != '"')
		goto b_stop;
	tok &= tok - 1;
b_colon:
	if (tok == 0) {
		st = ST_COLON;
		goto b_done;
	}
	i = (unsigned)__builtin_ctzll(tok);
	if (s[i] != ':') {
		st = ST_COLON;
		goto b_stop;
	}
	tok &= tok - 1;
	goto b_value;

b_close:
	tok &= tok - 1;
	if (--d == target) {
		t = cl == '}' ? JSON_OBJECT_END : JSON_ARRAY_END;
		st = d > 0 ? ST_NEXT : ST_TRAILER;
		block_lines(js, s, blk.nl, i + 1);
		p = s + i + 1;
		goto out;
	}
	/* d > target, so d > 0: there is an enclosing container. */
	cl = kinds_closer(js, kinds, d);
	goto b_next;

b_done:
	/* The rest of the block is whitespace or inside a string. */
	block_lines(js, s, blk.nl, 64);
	if (c.inside == 0) {
		open = NULL;
	} else if (blk.open < 64) {
		open = s + blk.open;
		open_st = st == ST_COLON ? ST_KEY : ST_VALUE;
	}
	s += 64;
	goto block;
b_stop:
	/* This token, token by token; then blocks again. */
	block_lines(js, s, blk.nl, i);
	p = s + i;
	*last = p;
out:
	kinds_store(js, kinds);
	js->p = p;
	js->state = st;
	js->depth = d;
	js->count += commas;
	return t;
}
#else
/* ISO C wants something in a translation unit. */
typedef int json_block_unused;
#endif
