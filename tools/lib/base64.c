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

/* The 6-bit value of an alphabet character, or -1. */
static int
sextet(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	return c == '+' ? 62 : c == '/' ? 63 : -1;
}

int
base64_decode(const char *in, size_t n, unsigned char *out, size_t *outlen)
{
	size_t i, o = 0, pad = 0;
	unsigned long v;
	int j, s;

	if (n % 4 != 0)
		return -1;
	if (n > 0 && in[n - 1] == '=')
		pad = n > 1 && in[n - 2] == '=' ? 2 : 1;
	for (i = 0; i < n; i += 4) {
		int last = i + 4 == n;
		v = 0;
		for (j = 0; j < 4; j++) {
			if (last && j >= 4 - (int)pad) {
				v <<= 6;
				continue;
			}
			if ((s = sextet(in[i + (size_t)j])) < 0)
				return -1;
			v = v << 6 | (unsigned long)s;
		}
		if (last && (v & (pad == 2 ? 0xffff : pad == 1 ? 0xff : 0)) != 0)
			return -1;   /* bits past the data: not the canonical form */
		out[o++] = (unsigned char)(v >> 16);
		if (!last || pad < 2)
			out[o++] = (unsigned char)(v >> 8);
		if (!last || pad < 1)
			out[o++] = (unsigned char)v;
	}
	*outlen = o;
	return 0;
}
