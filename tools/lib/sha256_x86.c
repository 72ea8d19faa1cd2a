/*
 * smokekit: SHA-256 blocks with the x86 SHA extensions (SHA-NI), about
 * five times the portable code's speed, chosen at run time by sha256.c.
 * Elsewhere (another processor, another compiler, or built with
 * -DSMOKEKIT_NO_SHANI) it is never usable.
 * The schedule is Intel's: W[g] = msg2(msg1(W[g-4], W[g-3]) +
 * alignr(W[g-1], W[g-2]), W[g-1]) for each group g of four words.
 */
#include "sha256_blocks.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) && \
    !defined(SMOKEKIT_NO_SHANI)
#include <cpuid.h>
#include <immintrin.h>

#define SHA_TARGET __attribute__((target("sha,sse4.1,ssse3")))

int
sha256_x86_usable(void)
{
	unsigned a, b, c, d;

	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_SSSE3) || !(c & bit_SSE4_1))
		return 0;
	return __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & (1u << 29)) != 0;
}

SHA_TARGET void
sha256_x86_blocks(uint32_t h[8], const unsigned char *p, size_t nblocks)
{
	const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
	__m128i s0, s1, t, msg, save0, save1, w[4];
	int g;

	/* The state as the instructions want it: ABEF and CDGH. */
	t = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)(const void *)&h[0]), 0xb1);
	s1 = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)(const void *)&h[4]), 0x1b);
	s0 = _mm_alignr_epi8(t, s1, 8);
	s1 = _mm_blend_epi16(s1, t, 0xf0);
	for (; nblocks > 0; nblocks--, p += 64) {
		save0 = s0;
		save1 = s1;
		for (g = 0; g < 16; g++) {
			if (g < 4) {
				w[g] = _mm_shuffle_epi8(_mm_loadu_si128(
				    (const __m128i *)(const void *)(p + 16 * g)), bswap);
			} else {
				t = _mm_sha256msg1_epu32(w[g & 3], w[(g - 3) & 3]);
				t = _mm_add_epi32(t,
				    _mm_alignr_epi8(w[(g - 1) & 3], w[(g - 2) & 3], 4));
				w[g & 3] = _mm_sha256msg2_epu32(t, w[(g - 1) & 3]);
			}
			msg = _mm_add_epi32(w[g & 3],
			    _mm_loadu_si128((const __m128i *)(const void *)&sha256_k[4 * g]));
			s1 = _mm_sha256rnds2_epu32(s1, s0, msg);
			s0 = _mm_sha256rnds2_epu32(s0, s1, _mm_shuffle_epi32(msg, 0x0e));
		}
		s0 = _mm_add_epi32(s0, save0);
		s1 = _mm_add_epi32(s1, save1);
	}
	/* Back to A..H. */
	t = _mm_shuffle_epi32(s0, 0x1b);
	s1 = _mm_shuffle_epi32(s1, 0xb1);
	s0 = _mm_blend_epi16(t, s1, 0xf0);
	s1 = _mm_alignr_epi8(s1, t, 8);
	_mm_storeu_si128((__m128i *)(void *)&h[0], s0);
	_mm_storeu_si128((__m128i *)(void *)&h[4], s1);
}

#else

int
sha256_x86_usable(void)
{
	return 0;
}

void
sha256_x86_blocks(uint32_t h[8], const unsigned char *p, size_t nblocks)
{
	sha256_blocks_portable(h, p, nblocks);
}

#endif
