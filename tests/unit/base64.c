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

int
main(void)
{
	static const unsigned char high[] = { 0xfb, 0xff, 0xbf, 0x00, 0x3e };
	static const unsigned char mac[32] = {   /* RFC 4231 test case 2 */
		0x5b, 0xdc, 0xc1, 0x46, 0xbf, 0x60, 0x75, 0x4e, 0x6a, 0x04, 0x24, 0x26,
		0x08, 0x95, 0x75, 0xc7, 0x5a, 0x00, 0x3f, 0x08, 0x9d, 0x27, 0x39, 0x83,
		0x9d, 0xec, 0x58, 0xb9, 0x64, 0xec, 0x38, 0x43,
	};
	unsigned char all[256];
	char out[400];
	size_t i, n;

	for (i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
		n = base64_encode(vectors[i][0], strlen(vectors[i][0]), out);
		is_str(out, vectors[i][1], "encode \"%s\"", vectors[i][0]);
		is_int(n, strlen(vectors[i][1]), "encode \"%s\": its length", vectors[i][0]);
	}
	is_int(BASE64_LEN(32), 44, "a SHA-256 MAC is 44 characters");
	base64_encode(high, sizeof high, out);
	is_str(out, "+/+/AD4=", "the last two characters of the alphabet are + and /");
	base64_encode(mac, sizeof mac, out);
	is_str(out, "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM=",
	    "a MAC as X-Signature carries it");
	for (i = 0; i < sizeof all; i++)
		all[i] = (unsigned char)i;
	n = base64_encode(all, sizeof all, out);
	ok(n == 344 && strcmp(out + n - 12, "+fr7/P3+/w==") == 0, "every byte value, 0 to 255");
	return tap_done();
}
