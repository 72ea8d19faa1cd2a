/* smokekit: base64 (RFC 4648). */
#include "base64.h"

static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t
base64_encode(const void *in, size_t n, char *out)
{
	const unsigned char *p = in;
	char *o = out;
	unsigned long v;

	for (; n >= 3; p += 3, n -= 3) {
		v = (unsigned long)p[0] << 16 | (unsigned long)p[1] << 8 | p[2];
		*o++ = alphabet[v >> 18];
		*o++ = alphabet[v >> 12 & 63];
		*o++ = alphabet[v >> 6 & 63];
		*o++ = alphabet[v & 63];
	}
	if (n > 0) {
		v = (unsigned long)p[0] << 16 | (n == 2 ? (unsigned long)p[1] << 8 : 0);
		*o++ = alphabet[v >> 18];
		*o++ = alphabet[v >> 12 & 63];
		*o++ = n == 2 ? alphabet[v >> 6 & 63] : '=';
		*o++ = '=';
	}
	*o = '\0';
	return (size_t)(o - out);
}
