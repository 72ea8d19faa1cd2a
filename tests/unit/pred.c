/* Unit tests for tools/lib/pred.c and tools/lib/jpath.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jpath.h"
#include "pred.h"
#include "tap.h"

/* pred on doc: the result, and why's text when it fails. */
static const struct {
	const char *pred, *doc;
	int result;
	const char *why;
} evals[] = {
	/* Exists, and missing. */
	{ ".a", "{\"a\":null}", PRED_HOLDS, "" },
	{ ".b", "{\"a\":1}", PRED_FAILS, ".b: missing" },
	{ ".", "3", PRED_HOLDS, "" },
	{ ".a.b", "{\"a\":null}", PRED_FAILS, ".a: is null" },
	{ ".a.b", "{\"a\":3}", PRED_FAILS, ".a: is number, wanted object" },
	{ ".a[0]", "{\"a\":{}}", PRED_FAILS, ".a: is object, wanted array" },
	{ ".a[2]", "{\"a\":[1]}", PRED_FAILS, ".a[2]: missing" },
	/* A missing path is never equal to anything, not even null. */
	{ ".b == null", "{\"a\":1}", PRED_FAILS, ".b: missing" },
	{ ".b != null", "{\"a\":1}", PRED_FAILS, ".b: missing" },
	{ ".a == null", "{\"a\":null}", PRED_HOLDS, "" },
	/* Types. */
	{ ".a is bool", "{\"a\":false}", PRED_HOLDS, "" },
	{ ".a is null", "{\"a\":null}", PRED_HOLDS, "" },
	{ ".a is array", "{\"a\":[1]}", PRED_HOLDS, "" },
	{ ".a is object", "{\"a\":{}}", PRED_HOLDS, "" },
	{ ".a is number", "{\"a\":\"3\"}", PRED_FAILS, ".a: is string, wanted number" },
	{ ".a is string", "{\"a\":true}", PRED_FAILS, ".a: is bool, wanted string" },
	/* Booleans and null. */
	{ ".ok == true", "{\"ok\":true}", PRED_HOLDS, "" },
	{ ".ok == true", "{\"ok\":false}", PRED_FAILS, ".ok: is false, wanted == true" },
	{ ".ok != false", "{\"ok\":true}", PRED_HOLDS, "" },
	{ ".ok == true", "{\"ok\":1}", PRED_FAILS, ".ok: is 1, wanted == true" },
	/* Numbers by value, exactly. */
	{ ".n == 3", "{\"n\":3.0}", PRED_HOLDS, "" },
	{ ".n == 3", "{\"n\":30e-1}", PRED_HOLDS, "" },
	{ ".n == 0.1", "{\"n\":0.10}", PRED_HOLDS, "" },
	{ ".n == 0", "{\"n\":-0.0e5}", PRED_HOLDS, "" },
	{ ".n > 1e399", "{\"n\":1e400}", PRED_HOLDS, "" },
	{ ".n < 1e399", "{\"n\":1e400}", PRED_FAILS, ".n: is 1e400, wanted < 1e399" },
	{ ".n == 12345678901234567891", "{\"n\":12345678901234567890}", PRED_FAILS,
	    ".n: is 12345678901234567890, wanted == 12345678901234567891" },
	{ ".n < 12345678901234567891", "{\"n\":12345678901234567890}", PRED_HOLDS, "" },
	{ ".n > 9007199254740992", "{\"n\":9007199254740993}", PRED_HOLDS, "" },
	{ ".n <= -1", "{\"n\":-1.5}", PRED_HOLDS, "" },
	{ ".n >= -1", "{\"n\":-1.5}", PRED_FAILS, ".n: is -1.5, wanted >= -1" },
	{ ".n > -0.001", "{\"n\":0}", PRED_HOLDS, "" },
	{ ".n < 0.001", "{\"n\":-0}", PRED_HOLDS, "" },
	{ ".n > 0.000001", "{\"n\":1e-7}", PRED_FAILS, ".n: is 1e-7, wanted > 0.000001" },
	{ ".n == 100", "{\"n\":1E2}", PRED_HOLDS, "" },
	/* Exponents of any length, exactly. */
	{ ".n > 1e99999999999999999999", "{\"n\":1e100000000000000000000}", PRED_HOLDS, "" },
	{ ".n == 10e99999999999999999999", "{\"n\":1e100000000000000000000}", PRED_HOLDS, "" },
	{ ".n == 0.01e100000000000000000001", "{\"n\":100e99999999999999999997}", PRED_HOLDS, "" },
	{ ".n < 2e99999999999999999999", "{\"n\":10e99999999999999999999}", PRED_FAILS,
	    ".n: is 10e99999999999999999999, wanted < 2e99999999999999999999" },
	{ ".n == 1e-100000000000000000000", "{\"n\":0.1e-99999999999999999999}", PRED_HOLDS, "" },
	{ ".n > 0", "{\"n\":1e-100000000000000000000}", PRED_HOLDS, "" },
	{ ".n < 1e-99999999999999999999", "{\"n\":1e-100000000000000000000}", PRED_HOLDS, "" },
	{ ".n > 1e-99999999999999999999", "{\"n\":1e99999999999999999999}", PRED_HOLDS, "" },
	{ ".n < -1e99999999999999999999", "{\"n\":-1e100000000000000000000}", PRED_HOLDS, "" },
	{ ".n == 1e999999999999999999", "{\"n\":10e999999999999999998}", PRED_HOLDS, "" },
	{ ".n == 1e1000000000000000000", "{\"n\":0.1e1000000000000000001}", PRED_HOLDS, "" },
	{ ".n > 1e1000000000000000000", "{\"n\":1e1000000000000000001}", PRED_HOLDS, "" },
	{ ".n == 1e00000000000000000000000000003", "{\"n\":1000}", PRED_HOLDS, "" },
	{ ".n == 5e-0", "{\"n\":5}", PRED_HOLDS, "" },
	{ ".n == 100", "{\"n\":1e+2}", PRED_HOLDS, "" },
	{ ".n == 100.5", "{\"n\":1005e-1}", PRED_HOLDS, "" },
	{ ".n < 5", "{\"n\":\"4\"}", PRED_FAILS, ".n: is string, wanted number" },
	{ ".n == 5", "{\"n\":\"5\"}", PRED_FAILS, ".n: is \"5\", wanted == 5" },
	{ ".n != 5", "{\"n\":\"5\"}", PRED_HOLDS, "" },
	/* Strings byte by byte, after unescaping. */
	{ ".s == \"caf\\u00e9\"", "{\"s\":\"caf\xc3\xa9\"}", PRED_HOLDS, "" },
	{ ".s == \"a\"", "{\"s\":\"\\u0061\"}", PRED_HOLDS, "" },
	{ ".s < \"b\"", "{\"s\":\"abc\"}", PRED_HOLDS, "" },
	{ ".s < \"ab\"", "{\"s\":\"ab\"}", PRED_FAILS, ".s: is \"ab\", wanted < \"ab\"" },
	{ ".s <= \"ab\"", "{\"s\":\"ab\"}", PRED_HOLDS, "" },
	{ ".s > \"a\"", "{\"s\":\"a\\u0000\"}", PRED_HOLDS, "" },
	{ ".error == \"llm_concurrency_limited\"", "{\"error\":\"llm_concurrency_limited\"}",
	    PRED_HOLDS, "" },
	/* Objects and arrays structurally; member order ignored, first key wins. */
	{ ". == {\"a\":1,\"b\":[1,2]}", "{\"b\":[1,2.0],\"a\":1}", PRED_HOLDS, "" },
	{ ". == {\"a\":1,\"b\":[1,2]}", "{\"b\":[2,1],\"a\":1}", PRED_FAILS,
	    ".: is object, wanted == {\"a\":1,\"b\":[1,2]}" },
	{ ". == {\"a\":1}", "{\"a\":1,\"a\":2}", PRED_HOLDS, "" },
	{ ". == {\"a\":2}", "{\"a\":1,\"a\":2}", PRED_FAILS, ".: is object, wanted == {\"a\":2}" },
	{ ". == {\"a\":1,\"a\":2}", "{\"a\":1}", PRED_HOLDS, "" },
	{ ". == {\"a\":1}", "{\"a\":1,\"b\":1}", PRED_FAILS, ".: is object, wanted == {\"a\":1}" },
	{ ". == {\"a\":1,\"b\":1}", "{\"a\":1}", PRED_FAILS, ".: is object, wanted == {\"a\":1,\"b\":1}" },
	{ ". == []", "[]", PRED_HOLDS, "" },
	{ ". == []", "{}", PRED_FAILS, ".: is object, wanted == []" },
	{ ". == [[]]", "[[],[]]", PRED_FAILS, ".: is array, wanted == [[]]" },
	{ ". != [1]", "[1,2]", PRED_HOLDS, "" },
	{ ".a == {}", "{\"a\":{},\"b\":[1,{\"c\":2}]}", PRED_HOLDS, "" },
	/* Paths: quoted keys, .["key"], negative indices, []. */
	{ ".[\"a b\"] == 1", "{\"a b\":1}", PRED_HOLDS, "" },
	{ ".\"a=b\" == 1", "{\"a=b\":1}", PRED_HOLDS, "" },
	{ "[\"x\"][0] == 1", "{\"x\":[1]}", PRED_HOLDS, "" },
	{ ".a[-1] == 3", "{\"a\":[1,2,3]}", PRED_HOLDS, "" },
	{ ".a[-3] == 1", "{\"a\":[1,2,3]}", PRED_HOLDS, "" },
	{ ".a[-4] == 1", "{\"a\":[1,2,3]}", PRED_FAILS, ".a[-4]: missing" },
	{ ".a[-1].b == 2", "{\"a\":[{\"b\":1},{\"b\":2}]}", PRED_HOLDS, "" },
	{ ".a[-1][-1] == 4", "{\"a\":[[1,2],[3,4]]}", PRED_HOLDS, "" },
	{ ".a[-2].b is string", "{\"a\":[{\"b\":1},{\"b\":2}]}", PRED_FAILS,
	    ".a[-2].b: is number, wanted string" },
	{ ".a[] is number", "{\"a\":[1,2,3]}", PRED_HOLDS, "" },
	{ ".a[] is number", "{\"a\":[1,\"x\",3]}", PRED_FAILS, ".a[1]: is string, wanted number" },
	{ ".a[] > 0", "{\"a\":{\"p\":1,\"q\":0}}", PRED_FAILS, ".a.q: is 0, wanted > 0" },
	{ ".a[] > 0", "{\"a\":[]}", PRED_HOLDS, "" },
	{ ".[] > 0", "{\"p\":1,\"q\":0}", PRED_FAILS, ".q: is 0, wanted > 0" },
	{ ".[] > 0", "[1,0]", PRED_FAILS, ".[1]: is 0, wanted > 0" },
	{ ".[-1] > 0", "[1,0]", PRED_FAILS, ".[-1]: is 0, wanted > 0" },
	/* Bad JSON anywhere is bad JSON, even after the answer is known. */
	{ ".a", "{\"a\":1,}", PRED_BAD_JSON, "body:1:8: expected a key" },
	{ ".a == 2", "{\"a\":1} x", PRED_BAD_JSON,
	    "body:1:9: expected the end of the input after the value" },
	{ ".a", "", PRED_BAD_JSON, "body:1:1: unexpected end of input, expected a value" },
	{ ".a[-1] == 1", "{\"a\":[1,]}", PRED_BAD_JSON, "body:1:9: expected a value" },
};

static const struct {
	const char *pred, *err;
} bad[] = {
	{ "", "bad path: column 1: expected a key" },
	{ ".a ==", "expected a value after the operator" },
	{ ".a == tru", "bad value 'tru': unexpected end of input, expected 'true'" },
	{ ".a == 1 2", "bad value '1 2': expected the end of the input after the value" },
	{ ".a = 1", "expected ==, !=, <, <=, >, >= or 'is' after the path, not '= 1'" },
	{ ".a is", "expected ==, !=, <, <=, >, >= or 'is' after the path, not 'is'" },
	{ ".a is int", "expected a type after 'is' (object, array, string, number, bool or null)" },
	{ ".a is bool x", "unexpected 'x' after the type" },
	{ ".a < true", "< compares only numbers or strings" },
	{ ".a >= [1]", ">= compares only numbers or strings" },
	{ ".a[ == 1", "bad path: column 4: expected a number, a quoted key or ']'" },
};

static void
test_eval(void)
{
	struct pred p;
	char err[256], why[256];
	size_t i;
	int r;

	for (i = 0; i < sizeof evals / sizeof evals[0]; i++) {
		if (pred_compile(evals[i].pred, &p, err, sizeof err) < 0) {
			ok(0, "compile %s: %s", evals[i].pred, err);
			continue;
		}
		r = pred_eval(&p, evals[i].doc, strlen(evals[i].doc), why, sizeof why);
		is_int(r, evals[i].result, "%s on %s", evals[i].pred, evals[i].doc);
		is_str(why, evals[i].why, "  and says why");
		pred_free(&p);
	}
}

static void
test_compile_errors(void)
{
	struct pred p;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		is_int(pred_compile(bad[i].pred, &p, err, sizeof err), -1, "'%s' is refused", bad[i].pred);
		is_str(err, bad[i].err, "  and says why");
	}
}

/* One compiled predicate, many bodies: the way httpprobe uses it. */
static void
test_many(void)
{
	struct pred p;
	char err[64], body[64];
	int i, holds = 0;

	ok(pred_compile(".n >= 500", &p, err, sizeof err) == 0, "compile once");
	for (i = 0; i < 1000; i++) {
		snprintf(body, sizeof body, "{\"n\":%d}", i);
		holds += pred_eval(&p, body, strlen(body), NULL, 0) == PRED_HOLDS;
	}
	is_int(holds, 500, "evaluate 1000 times (why may be NULL)");
	pred_free(&p);
}

static void
test_jpath(void)
{
	struct jpath p;
	const char *end;
	char err[128];

	ok(jpath_parse(".a[\"b c\"][-2][]", NULL, &p, err, sizeof err) == 0, "parse");
	is_int((long long)p.n, 4, "four steps");
	is_str(p.steps[1].key, "b c", ".[\"key\"]");
	is_int(p.steps[2].index, -2, "negative index");
	is_int(p.steps[3].kind, JPATH_EACH, "[]");
	jpath_free(&p);
	ok(jpath_parse(".a.b<=3", &end, &p, err, sizeof err) == 0, "in a predicate");
	is_str(end, "<=3", "  the path stops at the operator");
	is_str(p.text, ".a.b", "  and keeps its text");
	jpath_free(&p);
	ok(jpath_parse(".a.b<=3", NULL, &p, err, sizeof err) == 0, "alone");
	is_str(p.steps[1].key, "b<=3", "  the same bytes are a key");
	jpath_free(&p);
}

int
main(void)
{
	test_eval();
	test_compile_errors();
	test_many();
	test_jpath();
	return tap_done();
}
