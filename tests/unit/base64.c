/* Unit tests: tools/lib/base64.c against RFC 4648's vectors. */
#include <string.h>

#include "base64.h"
#include "tap.h"

static const char *const vectors[][2] = {
	{ "", "" },
	{ "f", "Zg==" },
	{ "fo", "Zm8=" },
	{ "foo", "Zm9v" },
	{ "foob", "Zm9vYg==" },
	{ "fooba", "Zm9vYmE=" },
	{ "foobar", "Zm9vYmFy" },
};

static int
decodes_to(const char *text, const void *want, size_t n)
{
	unsigned char out[64];
	size_t len;

	return base64_decode(text, strlen(text), out, &len) == 0 && len == n &&
	    memcmp(out, want, n) == 0;
}

static int
rejected(const char *text)
{
	unsigned char out[64];
	size_t len;

	return base64_decode(text, strlen(text), out, &len) != 0;
}

int
main(void)
{
	static const unsigned char high[] = { 0xfb, 0xff, 0xbf, 0x00, 0x3e };
	char out[64];
	size_t i, n;

	for (i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
		n = base64_encode(vectors[i][0], strlen(vectors[i][0]), out);
		is_str(out, vectors[i][1], "encode \"%s\"", vectors[i][0]);
		is_int(n, strlen(vectors[i][1]), "encode \"%s\": its length", vectors[i][0]);
		ok(decodes_to(vectors[i][1], vectors[i][0], strlen(vectors[i][0])),
		    "decode \"%s\"", vectors[i][1]);
	}
	is_int(BASE64_LEN(32), 44, "a SHA-256 MAC is 44 characters");
	base64_encode(high, sizeof high, out);
	is_str(out, "+/+/AD4=", "the last two characters of the alphabet are + and /");
	ok(decodes_to("+/+/AD4=", high, sizeof high), "and decode back");
	ok(rejected("Zg="), "decode: a length not a multiple of 4");
	ok(rejected("Zg"), "decode: missing padding");
	ok(rejected("Zh=="), "decode: bits set past the data");
	ok(rejected("Zm9=v"), "decode: padding in the middle");
	ok(rejected("Zm 9"), "decode: white space");
	ok(rejected("Zm-_"), "decode: the URL-safe alphabet");
	ok(rejected("===="), "decode: only padding");
	return tap_done();
}
