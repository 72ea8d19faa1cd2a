/*
 * demobackend -S: signed requests (httpprobe --hmac). Every request,
 * whatever its path, must carry X-Api-Key (any non-empty key id),
 * X-Timestamp (epoch milliseconds), X-Nonce and X-Signature =
 * base64(HMAC-SHA256(secret, METHOD|PATH|BODY|TS|NONCE)), "|" literal,
 * PATH the request target with its query, BODY the exact body bytes. A
 * header missing, a bad signature, or a timestamp more than 5 minutes
 * away from the clock is 401; a nonce seen before (with a good signature)
 * is 409; the error body says which. Nonces are remembered for 10 to 20
 * minutes, up to 786,432 of them at a time (then 503 {"error": "too many
 * nonces"}).
 */
#ifndef DEMOBACKEND_VERIFY_H
#define DEMOBACKEND_VERIFY_H

#include "conn.h"
#include "request.h"

/*
 * -S file: the shared secret (one trailing newline is not part of it),
 * kept only as a prepared HMAC key. Dies (exit 3) when it cannot be read
 * or is empty.
 */
void verify_setup(const char *path);

/*
 * 1 for a request with a good signature, or any request without -S; else
 * 0, the request answered with why (logged on stderr when verbose).
 */
int verify_ok(struct conn *c, const struct req *r, int verbose);

#endif
