/* Unit tests: tools/lib/json.c */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "tap.h"

static char out[8192];

static void
add(const char *s, size_t n)
{
	size_t len = strlen(out);

	if (len + n < sizeof out) {
		memcpy(out + len, s, n);
		out[len + n] = '\0';
	}
}

/* Token text with anything outside printable ASCII as \xHH. */
static void
add_text(const struct json_scanner *js)
{
	size_t n, i;
	const char *t = json_text(js, &n);
	char hex[8];

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)t[i];

		if (c < 0x20 || c >= 0x7f) {
			snprintf(hex, sizeof hex, "\\x%02X", c);
			add(hex, strlen(hex));
		} else {
			add(t + i, 1);
		}
	}
}

/*
 * Every token of a scanner as one line: { } [ ] k:KEY s:STR n:NUM t f z,
 * then "ERR:message" if it failed.
 */
static const char *
trace_scanner(struct json_scanner *js)
{
	enum json_token t;

	out[0] = '\0';
	while ((t = json_next(js)) != JSON_END && t != JSON_ERROR) {
		if (out[0] != '\0')
			add(" ", 1);
		switch (t) {
		case JSON_OBJECT: add("{", 1); break;
		case JSON_OBJECT_END: add("}", 1); break;
		case JSON_ARRAY: add("[", 1); break;
		case JSON_ARRAY_END: add("]", 1); break;
		case JSON_KEY: add("k:", 2); add_text(js); break;
		case JSON_STRING: add("s:", 2); add_text(js); break;
		case JSON_NUMBER: add("n:", 2); add_text(js); break;
		case JSON_TRUE: add("t", 1); break;
		case JSON_FALSE: add("f", 1); break;
		case JSON_NULL: add("z", 1); break;
		default: add("?", 1); break;
		}
	}
	if (t == JSON_ERROR) {
		add(out[0] != '\0' ? " ERR:" : "ERR:", out[0] != '\0' ? 5 : 4);
		add(json_error(js), strlen(json_error(js)));
	}
	return out;
}

static const char *
trace_n(const char *in, size_t n)
{
	struct json_scanner *js = json_open_mem(in, n, "t");
	const char *r = trace_scanner(js);

	json_close(js);
	return r;
}

static const char *
trace(const char *in)
{
	return trace_n(in, strlen(in));
}

/* The same input through a file whose 64 KiB buffer splits it at pad. */
static const char *
trace_file(const char *in, size_t pad)
{
	FILE *fp = tmpfile();
	struct json_scanner *js;
	const char *r;
	size_t i;

	if (fp == NULL)
		return "tmpfile failed";
	for (i = 0; i < pad; i++)
		putc(i % 64 == 63 ? '\n' : ' ', fp);
	fputs(in, fp);
	rewind(fp);
	js = json_open_file(fp, "f");
	r = trace_scanner(js);
	json_close(js);
	fclose(fp);
	return r;
}

static void
test_values(void)
{
	is_str(trace("{\"a\":[1,\"x\",true,false,null],\"b\":{}}"),
	    "{ k:a [ n:1 s:x t f z ] k:b { } }", "object and array");
	is_str(trace(" \t\r\n[ ] "), "[ ]", "whitespace around");
	is_str(trace("\"\""), "s:", "empty string");
	is_str(trace("12345678901234567890"), "n:12345678901234567890",
	    "a big integer stays as written");
	is_str(trace("[-0.0e+00,1E400,0.5,-12.25E-3,0]"),
	    "[ n:-0.0e+00 n:1E400 n:0.5 n:-12.25E-3 n:0 ]", "numbers as written");
	is_str(trace("\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\""),
	    "s:a\"b\\c/d\\x08\\x0C\\x0A\\x0D\\x09", "simple escapes");
	is_str(trace("\"\\u00e9\\u20AC\""), "s:\\xC3\\xA9\\xE2\\x82\\xAC",
	    "\\u escapes become UTF-8");
	is_str(trace("\"\\ud83d\\ude00\""), "s:\\xF0\\x9F\\x98\\x80",
	    "a surrogate pair becomes one 4-byte sequence");
	is_str(trace("\"\\uDBFF\\uDFFF\""), "s:\\xF4\\x8F\\xBF\\xBF", "U+10FFFF");
	is_str(trace("\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\""),
	    "s:\\xC3\\xA9\\xE2\\x82\\xAC\\xF0\\x9F\\x98\\x80", "raw UTF-8 kept");
	is_str(trace("\"\xef\xbf\xbf\xf4\x8f\xbf\xbf\""),
	    "s:\\xEF\\xBF\\xBF\\xF4\\x8F\\xBF\\xBF", "noncharacters are valid");
	is_str(trace("\"0123456789abcdef0123456789\\n\""),
	    "s:0123456789abcdef0123456789\\x0A", "long run then an escape");
	is_str(trace("{\"\":\"\"}"), "{ k: s: }", "empty key");
}

static void
test_nul(void)
{
	struct json_scanner *js = json_open_mem("\"a\\u0000b\"", 10, "t");
	const char *t;
	size_t n = 0;

	ok(json_next(js) == JSON_STRING, "\\u0000 is a string");
	t = json_text(js, &n);
	ok(n == 3 && memcmp(t, "a\0b", 3) == 0, "\\u0000 decodes to a NUL byte");
	ok(json_next(js) == JSON_END, "then the end");
	ok(json_next(js) == JSON_END, "JSON_END is sticky");
	json_close(js);
}

static void
test_errors(void)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "", "ERR:t:1:1: unexpected end of input, expected a value" },
		{ "   ", "ERR:t:1:4: unexpected end of input, expected a value" },
		{ "{\"a\":1 \"b\":2}", "{ k:a n:1 ERR:t:1:8: expected ',' or '}'" },
		{ "[1 2]", "[ n:1 ERR:t:1:4: expected ',' or ']'" },
		{ "{\"a\":", "{ k:a ERR:t:1:6: unexpected end of input, expected a value" },
		{ "{\"a\"1}", "{ k:a ERR:t:1:5: expected ':'" },
		{ "{\"a\":1,}", "{ k:a n:1 ERR:t:1:8: expected a key" },
		{ "{1:2}", "{ ERR:t:1:2: expected a key or '}'" },
		{ "[1,]", "[ n:1 ERR:t:1:4: expected a value" },
		{ "[,1]", "[ ERR:t:1:2: expected a value or ']'" },
		{ "[1]]", "[ n:1 ] ERR:t:1:4: expected the end of the input after the value" },
		{ "1 2", "n:1 ERR:t:1:3: expected the end of the input after the value" },
		{ "[\n1,\n x]", "[ n:1 ERR:t:3:2: expected a value" },
		{ "\"abc", "ERR:t:1:5: unexpected end of input in a string" },
		{ "\"a\nb\"", "ERR:t:1:3: control character U+000A in a string must be escaped" },
		{ "\"\\x\"", "ERR:t:1:3: invalid escape '\\x' in a string" },
		{ "\"\\u12G4\"", "ERR:t:1:6: expected four hex digits after '\\u'" },
		{ "\"\\u12", "ERR:t:1:6: unexpected end of input, expected four hex digits after '\\u'" },
		{ "\"\\ud800\"", "ERR:t:1:2: lone surrogate \\uD800 in a string" },
		{ "\"\\udc00\"", "ERR:t:1:2: lone surrogate \\uDC00 in a string" },
		{ "\"\\ud800\\u0041\"", "ERR:t:1:2: lone surrogate \\uD800 in a string" },
		{ "\"\\ud800\\n\"", "ERR:t:1:2: lone surrogate \\uD800 in a string" },
		{ "\"\xc0\x80\"", "ERR:t:1:2: invalid UTF-8 byte 0xC0 in a string" },
		{ "\"\xc1\xbf\"", "ERR:t:1:2: invalid UTF-8 byte 0xC1 in a string" },
		{ "\"\xe0\x80\x80\"", "ERR:t:1:3: invalid UTF-8 sequence in a string" },
		{ "\"\xf0\x80\x80\x80\"", "ERR:t:1:3: invalid UTF-8 sequence in a string" },
		{ "\"\xed\xa0\x80\"", "ERR:t:1:3: invalid UTF-8 sequence in a string" },
		{ "\"\xf4\x90\x80\x80\"", "ERR:t:1:3: invalid UTF-8 sequence in a string" },
		{ "\"\xf5\x80\x80\x80\"", "ERR:t:1:2: invalid UTF-8 byte 0xF5 in a string" },
		{ "\"\x80\"", "ERR:t:1:2: invalid UTF-8 byte 0x80 in a string" },
		{ "\"\xe2\x82\"", "ERR:t:1:4: invalid UTF-8 sequence in a string" },
		{ "\"\xe2\x82", "ERR:t:1:4: unexpected end of input in a string" },
		{ "\xef\xbb\xbf{}", "ERR:t:1:1: a byte order mark (U+FEFF) is not allowed" },
		{ "\xef\xbb{}", "ERR:t:1:1: expected a value" },
		{ "01", "ERR:t:1:2: a number cannot have a leading zero" },
		{ "-", "ERR:t:1:2: unexpected end of input, expected a digit after '-'" },
		{ "-a", "ERR:t:1:2: expected a digit after '-'" },
		{ "1.", "ERR:t:1:3: unexpected end of input, expected a digit after '.'" },
		{ "1.e5", "ERR:t:1:3: expected a digit after '.'" },
		{ "1e+", "ERR:t:1:4: unexpected end of input, expected a digit in the exponent" },
		{ ".5", "ERR:t:1:1: expected a value" },
		{ "+1", "ERR:t:1:1: expected a value" },
		{ "[1e5x]", "[ n:1e5 ERR:t:1:5: expected ',' or ']'" },
		{ "tru", "ERR:t:1:4: unexpected end of input, expected 'true'" },
		{ "[nul]", "[ ERR:t:1:5: expected 'null'" },
		{ "[True]", "[ ERR:t:1:2: expected a value or ']'" },
		{ "'a'", "ERR:t:1:1: expected a value" },
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		is_str(trace(cases[i].in), cases[i].want, "error: %s", cases[i].want);
	is_str(trace_n("[\"a\"\0]", 6), "[ s:a ERR:t:1:5: expected ',' or ']'",
	    "error: a NUL byte outside a string");
}

static char *
nested(unsigned n)
{
	char *s = malloc(2 * (size_t)n + 1);
	unsigned i;

	for (i = 0; i < n; i++) {
		s[i] = '[';
		s[n + i] = ']';
	}
	s[2 * n] = '\0';
	return s;
}

static void
test_depth(void)
{
	char *s = nested(JSON_MAX_DEPTH), *t = nested(JSON_MAX_DEPTH + 1);
	char *deep = malloc(200001);
	struct json_scanner *js;
	enum json_token tok;
	unsigned maxd = 0;

	js = json_open_mem(s, strlen(s), "t");
	while ((tok = json_next(js)) > JSON_END)
		if (json_depth(js) > maxd)
			maxd = json_depth(js);
	ok(tok == JSON_END && maxd == JSON_MAX_DEPTH, "512 levels are fine");
	json_close(js);

	js = json_open_mem(t, strlen(t), "t");
	while ((tok = json_next(js)) > JSON_END)
		;
	is_str(json_error(js), "t:1:513: nesting deeper than 512 levels", "513 levels are not");
	json_close(js);

	memset(deep, '[', 200000);
	deep[200000] = '\0';
	js = json_open_mem(deep, 200000, "t");
	while ((tok = json_next(js)) > JSON_END)
		;
	ok(tok == JSON_ERROR, "200000 open brackets: an error, not a crash");
	json_close(js);

	/* The skipping paths stop at the limit too, and say the same. */
	js = json_open_mem(t, strlen(t), "t");
	while ((tok = json_skip_next(js)) > JSON_END)
		;
	is_str(json_error(js), "t:1:513: nesting deeper than 512 levels",
	    "json_skip_next: 513 levels are not fine either");
	json_close(js);

	memcpy(deep, t, JSON_MAX_DEPTH + 1);
	strcpy(deep + JSON_MAX_DEPTH + 1, "{\"a\":1}");
	js = json_open_mem(deep, strlen(deep), "t");
	tok = json_next(js);
	tok = json_skip(js);
	ok(tok == JSON_ERROR && strcmp(json_error(js), "t:1:513: nesting deeper than 512 levels") == 0,
	    "json_skip: the same at the limit, past 64 levels of the fast path's register");
	json_close(js);
	free(s);
	free(t);
	free(deep);
}

static void
test_skip(void)
{
	const char *doc = "{\"a\":{\"b\":[1,\"x\",{\"c\":null}]},\"d\":\"long\",\"e\":[],\"f\":7}";
	struct json_scanner *js = json_open_mem(doc, strlen(doc), "t");
	size_t n;

	ok(json_next(js) == JSON_OBJECT, "skip: {");
	ok(json_next(js) == JSON_KEY, "skip: key a");
	ok(json_next(js) == JSON_OBJECT && json_depth(js) == 2, "skip: a's object, depth 2");
	ok(json_skip(js) == JSON_OBJECT_END && json_depth(js) == 1, "json_skip to its }");
	ok(json_next(js) == JSON_KEY, "skip: key d");
	ok(json_skip_next(js) == JSON_STRING, "json_skip_next over a string");
	json_text(js, &n);
	ok(n == 0, "a skipped string keeps no text");
	ok(json_skip_next(js) == JSON_KEY && strcmp(json_text(js, NULL), "e") == 0,
	    "json_skip_next returns a key with its text");
	ok(json_skip_next(js) == JSON_ARRAY && json_depth(js) == 1,
	    "json_skip_next over an array leaves the depth alone");
	ok(json_skip(js) == JSON_ARRAY_END, "json_skip after json_skip_next: nothing left to skip");
	ok(json_next(js) == JSON_KEY, "skip: key f");
	ok(json_next(js) == JSON_NUMBER && json_skip(js) == JSON_NUMBER,
	    "json_skip of a scalar is a no-op");
	ok(json_next(js) == JSON_OBJECT_END && json_next(js) == JSON_END, "skip: the end");
	json_close(js);

	js = json_open_mem("[[1,2 3]]", 9, "t");
	ok(json_next(js) == JSON_ARRAY && json_skip(js) == JSON_ERROR,
	    "json_skip validates what it skips");
	is_str(json_error(js), "t:1:7: expected ',' or ']'", "and says where");
	json_close(js);

	js = json_open_mem("[\"\\q\"]", 6, "t");
	ok(json_next(js) == JSON_ARRAY && json_skip_next(js) == JSON_ERROR,
	    "json_skip_next validates strings too");
	json_close(js);
}

/*
 * The outcome of a whole document read with json_next (skip 0), skipped
 * with json_skip_next (1), or with json_skip_count over its outermost
 * container (2).
 */
static const char *
outcome(const char *doc, int skip)
{
	static char res[3][512];
	struct json_scanner *js = json_open_mem(doc, strlen(doc), "s");
	enum json_token t = JSON_END;
	unsigned long long n;

	if (skip == 2 && ((t = json_next(js)) == JSON_ARRAY || t == JSON_OBJECT))
		t = json_skip_count(js, &n);
	while (t != JSON_ERROR && (t = skip == 1 ? json_skip_next(js) : json_next(js)) > JSON_END)
		;
	snprintf(res[skip], sizeof res[skip], "%s", t == JSON_END ? "ok" : json_error(js));
	json_close(js);
	return res[skip];
}

/* Skipping (the fast path) accepts and rejects exactly what reading does. */
static void
test_skip_same(void)
{
	static const char *docs[] = {
		"[ [ ] , { } ,[1 ,2 ] ,\"abcdefgh\" ]",
		"{ \"a\" : [ 1 , 2.5e3 , -0 , true , false , null ] , \"b\" : { } }\n",
		"[\n\t{\"k\":\"\\u00e9\\ud83d\\ude00\\n\", \"v\":[[[[]]]]}\r\n]",
		"[\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xed\x9f\xbf\xee\x80\x80\xf4\x8f\xbf\xbf\"]",
		"[1,2,3,4,5,6,7,8,9,10,11,12] ",
		"[1,2,3,4,5,6,7,8,9,10,11,12,]",
		"{\"a\":1,\"b\":2,\"c\":3,}",
		"{\"a\":1 \"b\":2,\"c\":3333333}",
		"[\"abcdefghij\\x\",1,2,3,4,5,6]",
		"[\"abcdefghij\\ud800\",1,2,3,4,5,6]",
		"[\"abcdefghij\xed\xa0\x80\",1,2,3,4,5,6]",
		"[\"abcdefghij\x01\",1,2,3,4,5,6]",
		"[0123, 1, 2, 3, 4, 5, 6, 7]",
		"[1.e5, 1, 2, 3, 4, 5, 6, 7]",
		"[tru , 1, 2, 3, 4, 5, 6, 7]",
		"[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]",
		"{\"a\":[1,2,3,4,5,6,7,8,9,10]} x",
		("[1234567890123456789,0.12345678901234567,-1.5e+123456789012,"
		"12345678901234.5,123456789012345e1,1e-0000000000000007,-0,0e0]"),
		"[123456789012345.x,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17]",
		"[12345678901234567.e5,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17]",
		"[1234567890123456e,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17]",
		"[123456789012345E+,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17]",
		"[-123456789012345,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17]",
		"[-0123456789012345,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17]",
		"[\n    1,\n        \n\t\t  2  \r\n  ,\n               \n\n       x]",
		"[               \n\n\n 1, 2,\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n 3 4]",
	};
	size_t i;

	for (i = 0; i < sizeof docs / sizeof docs[0]; i++) {
		char want[512];

		snprintf(want, sizeof want, "%s", outcome(docs[i], 0));
		is_str(outcome(docs[i], 1), want, "skipping doc %zu: %s", i, want);
		is_str(outcome(docs[i], 2), want, "counting doc %zu: %s", i, want);
	}
}

/*
 * An array of strings long enough to cross several 64-byte blocks, with
 * escapes and UTF-8 at every offset from a block's start.
 */
static const char *
long_strings(void)
{
	static const char *units[] = {
		"ab", "\\\"", "\xc3\xa9", "\\u00e9", "\\ud83d\\ude00", "\xf0\x9f\x98\x80",
		"\\\\", "xyz", "\xe2\x82\xac", "\\n",
	};
	static char doc[1024];
	size_t len, u = 0, k;

	strcpy(doc, "[");
	for (k = 0; k < 5; k++) {
		strcat(doc, k == 0 ? "\"" : ",\"");
		for (len = 0; len < 20 + 40 * k; u++) {
			strcat(doc, units[u % (sizeof units / sizeof units[0])]);
			len += strlen(units[u % (sizeof units / sizeof units[0])]);
		}
		strcat(doc, "\"");
	}
	strcat(doc, "]");
	return doc;
}

/*
 * Every one-byte change of documents with every kind of token, in one line
 * and spread over lines: skipping gives the same answer as reading, error
 * messages, lines and columns included.
 */
static void
test_skip_mutations(void)
{
	static const char *docs[] = {
		"{\"id\":\"model-000001-\\u00e9x\",\"object\":\"model\",\"created\":1731304897,"
		"\"description\":\"Mod\xc3\xa8le \\\"618\\\" \xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e "
		"\\\\ path\\n\\tend \xf0\x9f\x98\x80 \\ud83d\\ude00\",\"permission\":[{\"id\":"
		"\"perm-72928\",\"allow_sampling\":false,\"scopes\":[\"admin\",\"admin\"],"
		"\"limits\":[50,61.75,-6e27,[[],[1]]]}],\"parent\":null,\"ok\":true,"
		"\"max_tokens\":4096,\"score\":0.125E+3,\"long\":\"abcdefghijklmnopqrstuvwxyz"
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789\"}",
		"{\n  \"a\": [\n    1,\n    -2.5e-3,\n    \"x\\ty\"\n  ],\r\n\t\"b\": {\n"
		"    \"c\": true, \"d\": null , \"e\" : false\n  },\n  \"f\": [ [ ] , { } ]\n}\n",
	};
	static char both[1024];
	static const char repl[] = "\"\\,:[]{} \n\t0-.ex1tu\x01\x7f\x80\xc3\xe2\xed\xf0\xf5";
	const char *all[4];
	char doc[1024], want[512];
	size_t d, i, k, n, bad = 0, cases = 0;

	snprintf(both, sizeof both, "[%s,%s]", docs[0], docs[1]);
	all[0] = docs[0], all[1] = docs[1], all[2] = both;
	all[3] = long_strings();
	for (d = 0; d < 4; d++) {
		n = strlen(all[d]);
		for (i = 0; i < n; i++) {
			for (k = 0; k < sizeof repl - 1; k++) {
				memcpy(doc, all[d], n + 1);
				doc[i] = repl[k];
				snprintf(want, sizeof want, "%s", outcome(doc, 0));
				cases++;
				if (strcmp(outcome(doc, 1), want) != 0 && bad++ < 5)
					printf("# doc %zu byte %zu = 0x%02X: read %s, skipped %s\n",
					    d, i, (unsigned)(unsigned char)repl[k], want, outcome(doc, 1));
				if (strcmp(outcome(doc, 2), want) != 0 && bad++ < 5)
					printf("# doc %zu byte %zu = 0x%02X: read %s, counted %s\n",
					    d, i, (unsigned)(unsigned char)repl[k], want, outcome(doc, 2));
			}
			/* The document cut short here. */
			memcpy(doc, all[d], i);
			doc[i] = '\0';
			snprintf(want, sizeof want, "%s", outcome(doc, 0));
			cases++;
			if (strcmp(outcome(doc, 1), want) != 0 && bad++ < 5)
				printf("# doc %zu cut at %zu: read %s, skipped %s\n",
				    d, i, want, outcome(doc, 1));
			if (strcmp(outcome(doc, 2), want) != 0 && bad++ < 5)
				printf("# doc %zu cut at %zu: read %s, counted %s\n",
				    d, i, want, outcome(doc, 2));
		}
	}
	ok(bad == 0, "skipping agrees with reading on %zu changed documents", cases);
}

/*
 * Objects and arrays nested past 64 levels (where skipping keeps the kinds
 * of the deeper levels in memory), with a wrong closing bracket at
 * several depths: skipping and reading agree.
 */
static void
test_skip_deep(void)
{
	static const unsigned wrong[] = { 0, 1, 3, 62, 63, 64, 65, 66, 69, 70 };
	static char doc[1024];
	char want[512];
	size_t w, n;
	unsigned i, bad = 0;

	for (w = 0; w < sizeof wrong / sizeof wrong[0]; w++) {
		n = 0;
		for (i = 0; i < 70; i++)
			n += (size_t)snprintf(doc + n, sizeof doc - n, i % 2 ? "[" : "{\"k\":");
		n += (size_t)snprintf(doc + n, sizeof doc - n, "1");
		for (i = 70; i-- > 0;) {
			int obj = i % 2 == 0;

			/* wrong[w] == 0: every bracket right. */
			if (i + 1 == wrong[w])
				obj = !obj;
			doc[n++] = obj ? '}' : ']';
		}
		/* Blanks after it, so that the closing brackets are skipped by blocks too. */
		memset(doc + n, ' ', 200);
		doc[n + 200] = '\0';
		snprintf(want, sizeof want, "%s", outcome(doc, 0));
		if (strcmp(outcome(doc, 1), want) != 0 || strcmp(outcome(doc, 2), want) != 0) {
			bad++;
			printf("# wrong at %u: read %s, skipped %s\n", wrong[w], want, outcome(doc, 1));
		}
	}
	ok(bad == 0, "70 levels, wrong brackets at several depths: skipped as read");
	is_str(outcome(doc, 0), "s:1:212: expected ',' or ']'", "and the last one fails where it should");
}

/*
 * json_skip_count after the first tokens of doc: the count of the
 * container just opened, or -1 if that or the rest of doc fails.
 */
static long long
count_of(const char *doc, int tokens)
{
	struct json_scanner *js = json_open_mem(doc, strlen(doc), "c");
	unsigned long long n = 0;
	long long r = -1;
	int i;

	for (i = 0; i < tokens; i++)
		json_next(js);
	if (json_skip_count(js, &n) > JSON_END && json_next(js) != JSON_ERROR)
		r = (long long)n;
	json_close(js);
	return r;
}

static void
test_skip_count(void)
{
	static char big[4096];
	size_t i;

	ok(count_of("[]", 1) == 0, "count: []");
	ok(count_of("{}", 1) == 0, "count: {}");
	ok(count_of("[1]", 1) == 1, "count: [1]");
	ok(count_of("[[1,2],{\"a\":[3,4]},\"x,y\",5]", 1) == 4, "count: elements, not their insides");
	ok(count_of("{\"a\":1,\"b\":[1,2],\"c\":{\"d\":{}}}", 1) == 3, "count: members");
	ok(count_of("{\"a\":[1,2,3],\"b\":4}", 3) == 3, "count: a nested array");
	ok(count_of("[1,2,[3,4]]", 4) == 2, "count: the inner array, then the rest");
	ok(count_of("[1,2,3,]", 1) == -1, "count: an invalid array is an error");
	strcpy(big, "[");
	for (i = 0; i < 100; i++)
		strcat(big, i == 0 ? "{\"k\":[1,2,\"v\"]}" : ", {\"k\":[1,2,\"v\"]}");
	strcat(big, "]");
	ok(count_of(big, 1) == 100, "count: 100 elements over many blocks");
}

/* Every token kind split at each offset across the 64 KiB buffer edge. */
static void
test_file_boundaries(void)
{
	const char *doc = "{\"k\\u00e9y\":[\"ab\\ud83d\\ude00c\xe2\x82\xac\\n\",-12.5e+30,"
	    "true,false,null,\"\xf0\x9f\x98\x80\",12345678]}";
	const char *errdoc = "[\"abcdef\xe2\x28\"]";
	char want[8192], wanterr[512];
	size_t pad;
	int same = 1, sameerr = 1;

	snprintf(want, sizeof want, "%s", trace(doc));
	for (pad = 65536 - 70; pad <= 65536; pad++) {
		const char *got = trace_file(doc, pad);

		if (strcmp(got, want) != 0) {
			same = 0;
			printf("# pad %zu: %s\n", pad, got);
		}
	}
	ok(same, "file scanner: same tokens wherever the buffer splits them");
	is_str(want, "{ k:k\\xC3\\xA9y [ s:ab\\xF0\\x9F\\x98\\x80c\\xE2\\x82\\xAC\\x0A "
	    "n:-12.5e+30 t f z s:\\xF0\\x9F\\x98\\x80 n:12345678 ] }", "boundary document");

	snprintf(wanterr, sizeof wanterr, "[ ERR:f:1025:10: invalid UTF-8 sequence in a string");
	for (pad = 65536 - 12; pad <= 65536; pad++) {
		const char *got = trace_file(errdoc, pad);

		if (pad == 65536 && strcmp(got, wanterr) != 0) {
			sameerr = 0;
			printf("# pad %zu: %s\n", pad, got);
		}
		if (strncmp(got, "[ ERR:f:", 8) != 0 ||
		    strstr(got, "invalid UTF-8 sequence") == NULL) {
			sameerr = 0;
			printf("# pad %zu: %s\n", pad, got);
		}
	}
	ok(sameerr, "file scanner: errors across the buffer edge, line and column");
}

/* One byte per read: every token crosses the buffer's edge. */
static void
test_small_reads(void)
{
	const char *doc = "{\"k\\u00e9y\":[\"ab\\ud83d\\ude00c\xe2\x82\xac\\n\",-12.5e+30,"
	    "true,false,null,\"\xf0\x9f\x98\x80\",12345678,{\"a\":[[]]}]}";
	char want[4096];
	size_t size;
	int same = 1, skipped = 1;

	snprintf(want, sizeof want, "%s", trace(doc));
	for (size = 1; size <= 9; size++) {
		FILE *fp = tmpfile();
		struct json_scanner *js;

		fputs(doc, fp);
		rewind(fp);
		js = json_open_file(fp, "f");
		json_set_bufsize(js, size);
		if (strcmp(trace_scanner(js), want) != 0) {
			same = 0;
			printf("# size %zu: %s\n", size, out);
		}
		json_close(js);
		rewind(fp);
		js = json_open_file(fp, "f");
		json_set_bufsize(js, size);
		if (json_skip_next(js) != JSON_OBJECT || json_next(js) != JSON_END)
			skipped = 0;
		json_close(js);
		fclose(fp);
	}
	ok(same, "reads of 1 to 9 bytes: the same tokens");
	ok(skipped, "reads of 1 to 9 bytes: json_skip_next over the whole document");
}

static void
test_lines(void)
{
	const char *in = "1\n\n{\"a\":2}\r\n[1,\n2]\nx\n  \n3";
	struct json_scanner *js = json_open_mem(in, strlen(in), "l");
	char got[1024] = "";
	enum json_token t;

	json_set_lines(js, 1);
	while (json_next_document(js)) {
		char line[256];

		while ((t = json_next(js)) > JSON_END)
			;
		snprintf(line, sizeof line, "%s;", t == JSON_END ? "ok" : json_error(js));
		strncat(got, line, sizeof got - strlen(got) - 1);
	}
	ok(!json_io_error(js), "lines: no read error at the end");
	is_str(got, "ok;ok;l:4:4: unexpected end of line;"
	    "l:5:2: expected the end of the input after the value;"
	    "l:6:1: expected a value;ok;", "JSON lines: one result per line");
	json_close(js);

	js = json_open_mem("", 0, "l");
	json_set_lines(js, 1);
	ok(json_next_document(js) == 0, "lines: empty input has no documents");
	json_close(js);
}

static void
test_io_error(void)
{
	FILE *fp = fopen(".", "r");
	struct json_scanner *js;

	if (fp == NULL) {
		ok(1, "# skip cannot open a directory for reading here");
		return;
	}
	js = json_open_file(fp, "dir");
	ok(json_next(js) == JSON_ERROR && json_io_error(js), "a read error is an I/O error");
	is_str(json_error(js), "dir: read error: Is a directory", "and says so");
	json_close(js);
	fclose(fp);

	js = json_open_mem("[", 1, "m");
	ok(json_next(js) == JSON_ARRAY && json_next(js) == JSON_ERROR && !json_io_error(js),
	    "truncated input is not an I/O error");
	json_close(js);
}

int
main(void)
{
	test_values();
	test_nul();
	test_errors();
	test_depth();
	test_skip();
	test_skip_same();
	test_skip_mutations();
	test_skip_count();
	test_skip_deep();
	test_file_boundaries();
	test_small_reads();
	test_lines();
	test_io_error();
	return tap_done();
}
