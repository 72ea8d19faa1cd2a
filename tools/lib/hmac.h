/*
 * HMAC-SHA256 (RFC 2104, RFC 4231). A key is prepared once (its inner and
 * outer padded blocks hashed ahead), so that each MAC under the same key
 * costs only its message's blocks and one more: the signer of a load run
 * makes one per request.
 */
#ifndef SMOKEKIT_HMAC_H
#define SMOKEKIT_HMAC_H

#include <stddef.h>

#include "base64.h"
#include "sha256.h"

#define HMAC_SHA256_LEN SHA256_DIGEST

/* A prepared key. It holds no copy of the key's bytes. */
struct hmac_key {
	struct sha256 inner, outer;
};

/* One MAC in the making. */
struct hmac {
	struct sha256 inner;
	const struct hmac_key *key;
};

void hmac_key_init(struct hmac_key *k, const void *key, size_t len);
void hmac_begin(struct hmac *h, const struct hmac_key *k);
void hmac_update(struct hmac *h, const void *data, size_t n);
void hmac_final(struct hmac *h, unsigned char mac[HMAC_SHA256_LEN]);

/* The MAC of msg[0, n) under key[0, klen) in one call. */
void hmac_sha256(const void *key, size_t klen, const void *msg, size_t n,
    unsigned char mac[HMAC_SHA256_LEN]);

/* Equal MACs, in a time that does not depend on where they differ. */
int hmac_equal(const void *a, const void *b, size_t n);

/* Overwrites n bytes in a way the compiler may not drop (for secrets). */
void hmac_wipe(void *p, size_t n);

/*
 * A signed request's parts: httpprobe --hmac signs them, demobackend -S
 * checks them. The target from its path on, with its query; ts and nonce
 * the values of X-Timestamp and X-Nonce.
 */
struct hmac_request {
	const char *method;
	size_t method_len;
	const char *target;
	size_t target_len;
	const void *body;
	size_t body_len;
	const char *ts;
	size_t ts_len;
	const char *nonce;
	size_t nonce_len;
};

#define HMAC_SIG_LEN BASE64_LEN(HMAC_SHA256_LEN)   /* X-Signature's length */

/*
 * The X-Signature of r into sig (NUL-terminated): base64(HMAC-SHA256(key,
 * METHOD|TARGET|BODY|TS|NONCE)), "|" literal, the body's bytes exact.
 */
void hmac_request_sign(const struct hmac_key *k, const struct hmac_request *r,
    char sig[HMAC_SIG_LEN + 1]);

/* The longest shared secret either side takes, signer and verifier alike. */
#define HMAC_SECRET_MAX 4096

/*
 * A shared secret from a file ("-": standard input) into buf: the whole
 * file except one trailing newline, which is not part of the secret.
 * Returns 0, or -1 with errno set (EFBIG: longer than cap bytes).
 */
int hmac_secret_read(const char *path, unsigned char *buf, size_t cap, size_t *len);

#endif
