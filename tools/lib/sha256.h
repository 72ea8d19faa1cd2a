/*
 * SHA-256 (FIPS 180-4), streaming: init, update any number of times with
 * pieces of any size, final. For signing requests (hmac.h); no
 * dependency beyond libc.
 */
#ifndef SMOKEKIT_SHA256_H
#define SMOKEKIT_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST 32
#define SHA256_BLOCK  64

struct sha256 {
	uint32_t h[8];
	uint64_t bytes;                  /* message length so far */
	unsigned char buf[SHA256_BLOCK]; /* a partial block */
	size_t used;                     /* bytes in buf */
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t n);
/* Writes the digest; s must be initialised again before reuse. */
void sha256_final(struct sha256 *s, unsigned char digest[SHA256_DIGEST]);

/* The digest of data[0, n) in one call. */
void sha256(const void *data, size_t n, unsigned char digest[SHA256_DIGEST]);

#endif
