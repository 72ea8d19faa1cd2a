/*
 * The block functions behind sha256.c: 64-byte blocks into the state h.
 * The portable one, and one with the x86 SHA extensions where the
 * processor has them; sha256.c picks, the unit test holds them equal.
 */
#ifndef SMOKEKIT_SHA256_BLOCKS_H
#define SMOKEKIT_SHA256_BLOCKS_H

#include <stddef.h>
#include <stdint.h>

extern const uint32_t sha256_k[64];

void sha256_blocks_portable(uint32_t h[8], const unsigned char *p, size_t nblocks);

/* 1 when this build and this processor have the SHA extensions. */
int sha256_x86_usable(void);
/* Only when sha256_x86_usable(). */
void sha256_x86_blocks(uint32_t h[8], const unsigned char *p, size_t nblocks);

#endif
