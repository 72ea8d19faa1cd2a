/* Base64 (RFC 4648 section 4): the standard alphabet, with padding. */
#ifndef SMOKEKIT_BASE64_H
#define SMOKEKIT_BASE64_H

#include <stddef.h>

/* The encoded length of n bytes (without the terminating NUL). */
#define BASE64_LEN(n) (((n) + 2) / 3 * 4)

/* Encodes in[0, n) into out (BASE64_LEN(n) + 1 bytes); returns the length. */
size_t base64_encode(const void *in, size_t n, char *out);

/*
 * Decodes in[0, n) into out (at least n / 4 * 3 bytes), strictly: padding
 * required, no white space, no bits set past the data. Returns 0 with
 * *outlen set, or -1 for text that is not canonical base64.
 */
int base64_decode(const char *in, size_t n, unsigned char *out, size_t *outlen);

#endif
