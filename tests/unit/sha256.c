/*
 * Unit tests: tools/lib/sha256.c against the FIPS 180-2 / NIST vectors
 * (through whichever block function this processor gets), and its two
 * block functions, portable and SHA-NI, against each other.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sha256.h"
#include "sha256_blocks.h"
#include "tap.h"

static void
hex(const unsigned char *d, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static const char *
digest_of(const void *data, size_t n)
{
	static char out[2 * SHA256_DIGEST + 1];
	unsigned char d[SHA256_DIGEST];

	sha256(data, n, d);
	hex(d, sizeof d, out);
	return out;
}

/* data hashed in pieces of the given sizes (cycled), as hex. */
static const char *
digest_chunked(const unsigned char *data, size_t n, const size_t *sizes, size_t nsizes)
{
	static char out[2 * SHA256_DIGEST + 1];
	unsigned char d[SHA256_DIGEST];
	struct sha256 s;
	size_t off = 0, i = 0, k;

	sha256_init(&s);
	while (off < n) {
		k = sizes[i++ % nsizes];
		if (k > n - off)
			k = n - off;
		sha256_update(&s, data + off, k);
		off += k;
	}
	sha256_final(&s, d);
	hex(d, sizeof d, out);
	return out;
}

static void
million_a(void)
{
	static const char want[] =
	    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
	unsigned char d[SHA256_DIGEST];
	char out[2 * SHA256_DIGEST + 1], *a;
	struct sha256 s;
	int i;

	a = malloc(1000000);
	memset(a, 'a', 1000000);
	is_str(digest_of(a, 1000000), want, "one million 'a', one call");
	free(a);
	sha256_init(&s);
	for (i = 0; i < 1000000; i++)
		sha256_update(&s, "a", 1);
	sha256_final(&s, d);
	hex(d, sizeof d, out);
	is_str(out, want, "one million 'a', a byte at a time");
}

static void
streaming(void)
{
	static const size_t odd[] = { 1, 3, 7, 13, 63, 64, 65, 127, 129, 5 };
	static const size_t one[] = { 1 };
	static const size_t edge[] = { 55, 1, 8, 56, 64 };
	unsigned char data[5000];
	char whole[2 * SHA256_DIGEST + 1];
	size_t i, n;
	int same = 1;

	for (i = 0; i < sizeof data; i++)
		data[i] = (unsigned char)(i * 31 + 7);
	/* Every length up to 200 (every padding case), then some long ones. */
	for (n = 0; n <= 200 || n == 1000 || n == 4999 || n == 5000;
	    n = n < 200 ? n + 1 : n == 200 ? 1000 : n == 1000 ? 4999 : n + 1) {
		strcpy(whole, digest_of(data, n));
		if (strcmp(whole, digest_chunked(data, n, odd, 10)) != 0 ||
		    strcmp(whole, digest_chunked(data, n, one, 1)) != 0 ||
		    strcmp(whole, digest_chunked(data, n, edge, 5)) != 0) {
			printf("# length %zu differs\n", n);
			same = 0;
		}
		if (n == 5000)
			break;
	}
	ok(same, "streaming in odd chunk sizes equals one call, lengths 0..200, 1000, 4999, 5000");
}

/* xorshift64: the same random-looking bytes on every run. */
static unsigned long long
next(unsigned long long *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

static void
fast_path(void)
{
	unsigned char data[64 * 9];
	uint32_t a[8], b[8];
	unsigned long long x = 0x9e3779b97f4a7c15ULL;
	size_t i, n;
	int round, same = 1;

	if (!sha256_x86_usable()) {
		printf("ok %d # skip SHA-NI blocks equal the portable ones "
		    "(no SHA extensions here)\n", ++tap_count);
		return;
	}
	for (round = 0; round < 2000; round++) {
		for (i = 0; i < 8; i++)
			a[i] = b[i] = (uint32_t)next(&x);
		n = (size_t)(next(&x) % 9);
		for (i = 0; i < 64 * n; i++)
			data[i] = (unsigned char)next(&x);
		sha256_blocks_portable(a, data, n);
		sha256_x86_blocks(b, data, n);
		if (memcmp(a, b, sizeof a) != 0) {
			printf("# round %d (%zu blocks) differs\n", round, n);
			same = 0;
			break;
		}
	}
	ok(same, "SHA-NI blocks equal the portable ones: 2000 random states and 0..8 blocks");
}

int
main(void)
{
	is_str(digest_of("", 0),
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	    "the empty string");
	is_str(digest_of("abc", 3),
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
	    "\"abc\"");
	is_str(digest_of("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56),
	    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
	    "the 448-bit message");
	is_str(digest_of("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
	    "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu", 112),
	    "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1",
	    "the 896-bit message");
	million_a();
	streaming();
	fast_path();
	return tap_done();
}
