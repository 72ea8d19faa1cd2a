/*
 * Base64 (RFC 4648 section 4): the standard alphabet, with padding. Only
 * the encoder: the signatures are compared as text.
 */
#ifndef SMOKEKIT_BASE64_H
#define SMOKEKIT_BASE64_H

#include <stddef.h>

/* The encoded length of n bytes (without the terminating NUL). */
#define BASE64_LEN(n) (((n) + 2) / 3 * 4)

/* Encodes in[0, n) into out (BASE64_LEN(n) + 1 bytes); returns the length. */
size_t base64_encode(const void *in, size_t n, char *out);

#endif
