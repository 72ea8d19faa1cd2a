/*
 * httpprobe --hmac: signed requests. Every request (each retry, each
 * request of a load run) carries fresh X-Api-Key, X-Timestamp (epoch
 * milliseconds), X-Nonce (a UUIDv4) and X-Signature =
 * base64(HMAC-SHA256(secret, METHOD|PATH|BODY|TS|NONCE)), PATH with its
 * query. The secret is kept only as a prepared HMAC key, never printed.
 */
#ifndef SMOKEKIT_SIGN_H
#define SMOKEKIT_SIGN_H

#include <stddef.h>

#include "base64.h"
#include "hmac.h"
#include "http.h"
#include "uuid.h"

#define SIGN_TS_LEN 13    /* epoch milliseconds, 2001 to 2286 */
#define SIGN_SIG_LEN HMAC_SIG_LEN

struct sign {
	const char *keyid;
	struct hmac_key key;
	/* The header values, rewritten in place for every request. */
	char ts[SIGN_TS_LEN + 1];
	char nonce[UUID_LEN + 1];
	char sig[SIGN_SIG_LEN + 1];
};

/*
 * Reads the secret from file, or from SMOKEKIT_HMAC_SECRET when file is
 * NULL, and appends the four headers to h[0, *n) (room for max), their
 * values pointing into s. Dies (exit 2 or 3) on a missing or unreadable
 * secret, no room, or a header of those names given already.
 */
void sign_setup(struct sign *s, const char *keyid, const char *file,
    struct http_header *h, size_t *n, size_t max);

/* Fresh values for one request; dies (exit 3) without random bytes. */
void sign_request(struct sign *s, const char *method, const char *target,
    const void *body, size_t body_len);

/*
 * The same for the bytes of a request formatted with the headers of
 * sign_setup (its head req[0, head_len), then body_len bytes of body):
 * the three values are rewritten in place, at the same widths.
 */
void sign_patch(struct sign *s, const char *method, const char *target,
    char *req, size_t head_len, size_t body_len);

#endif
