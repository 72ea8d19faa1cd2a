/* demobackend: signed requests (see verify.h). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "die.h"
#include "hash.h"
#include "hmac.h"
#include "reply.h"
#include "verify.h"
#include "xalloc.h"

#define SKEW_MS      (5 * 60 * 1000)    /* a timestamp further away is 401 */
#define NONCE_SLOTS  (1 << 20)          /* per generation of remembered nonces */
#define NONCE_GEN_MS (2 * SKEW_MS)      /* a replay is fresh this long at most */

static struct {
	int on;
	struct hmac_key key;
	uint64_t *gen[2];          /* nonce hashes: this generation, the last */
	size_t count;              /* in gen[0] */
	long long gen_start;       /* epoch ms gen[0] began */
} signing;

void
verify_setup(const char *path)
{
	unsigned char secret[HMAC_SECRET_MAX];
	size_t len;

	if (hmac_secret_read(path, secret, sizeof secret, &len) != 0)
		die(EXIT_ERROR, "read %s:", path);
	if (len == 0)
		die(EXIT_ERROR, "%s: the secret is empty", path);
	hmac_key_init(&signing.key, secret, len);
	hmac_wipe(secret, sizeof secret);
	signing.on = 1;
}

static long long
epoch_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Was this nonce seen before? Records it if not; -1 when the table is
 * full. Two generations of hashes, the older dropped every NONCE_GEN_MS:
 * a request is accepted only within SKEW_MS of its timestamp, so its
 * replay can come at most 2 * SKEW_MS after it was first seen.
 */
static int
nonce_seen(const char *nonce, size_t len, long long now)
{
	uint64_t h, *t;
	size_t g, slot;

	if (signing.gen[0] == NULL) {
		for (g = 0; g < 2; g++) {
			signing.gen[g] = xreallocarray(NULL, NONCE_SLOTS, sizeof (uint64_t));
			memset(signing.gen[g], 0, NONCE_SLOTS * sizeof (uint64_t));
		}
		signing.gen_start = now;
	}
	if (now - signing.gen_start >= NONCE_GEN_MS) {
		t = signing.gen[1];
		signing.gen[1] = signing.gen[0];
		signing.gen[0] = t;
		memset(t, 0, NONCE_SLOTS * sizeof (uint64_t));
		signing.count = 0;
		signing.gen_start = now;
	}
	h = fnv1a(FNV_OFFSET, nonce, len);
	h += h == 0;   /* 0 marks a free slot */
	for (g = 0; g < 2; g++) {
		t = signing.gen[g];
		for (slot = h % NONCE_SLOTS; t[slot] != 0; slot = (slot + 1) % NONCE_SLOTS)
			if (t[slot] == h)
				return 1;
	}
	if (signing.count >= NONCE_SLOTS / 4 * 3)
		return -1;
	t = signing.gen[0];
	for (slot = h % NONCE_SLOTS; t[slot] != 0; slot = (slot + 1) % NONCE_SLOTS)
		;
	t[slot] = h;
	signing.count++;
	return 0;
}

/* Is got (the X-Signature) the MAC of r with this timestamp and nonce? */
static int
signature_good(const struct req *r, const char *ts, size_t ts_len,
    const char *nonce, size_t nonce_len, const char *got, size_t got_len)
{
	char want[HMAC_SIG_LEN + 1];
	/* The target from its path on: an absolute-form target signs the same. */
	struct hmac_request m = {
		r->method, r->method_len,
		r->path, (size_t)(r->target + r->target_len - r->path),
		r->body, r->body_len, ts, ts_len, nonce, nonce_len
	};

	hmac_request_sign(&signing.key, &m, want);
	return got_len == HMAC_SIG_LEN && hmac_equal(got, want, got_len);
}

/* Epoch milliseconds from 1 to 15 digits; -1 when it is not that. */
static long long
timestamp(const char *s, size_t len)
{
	long long t = 0;
	size_t i;

	if (len == 0 || len > 15)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		t = t * 10 + (s[i] - '0');
	}
	return t;
}

/* Why the request is refused, with its status in *status; NULL if it is not. */
static const char *
refused(const struct req *r, int *status)
{
	const char *key, *ts, *nonce, *got;
	size_t key_len = 0, ts_len = 0, nonce_len = 0, got_len = 0;
	long long t, now = epoch_ms();
	int seen;

	*status = 401;
	key = req_header(r, "X-Api-Key", &key_len);
	ts = req_header(r, "X-Timestamp", &ts_len);
	nonce = req_header(r, "X-Nonce", &nonce_len);
	got = req_header(r, "X-Signature", &got_len);
	if (key == NULL || ts == NULL || nonce == NULL || got == NULL ||
	    key_len == 0 || ts_len == 0 || nonce_len == 0 || got_len == 0)
		return "missing X-Api-Key, X-Timestamp, X-Nonce or X-Signature";
	if ((t = timestamp(ts, ts_len)) < 0)
		return "bad timestamp";
	if (t < now - SKEW_MS || t > now + SKEW_MS)
		return "timestamp outside 5 minutes";
	if (!signature_good(r, ts, ts_len, nonce, nonce_len, got, got_len))
		return "bad signature";
	/* Only now: a request that fails the signature cannot use a nonce up. */
	if ((seen = nonce_seen(nonce, nonce_len, now)) != 0) {
		*status = seen > 0 ? 409 : 503;
		return seen > 0 ? "replayed nonce" : "too many nonces";
	}
	return NULL;
}

int
verify_ok(struct conn *c, const struct req *r, int verbose)
{
	char body[96];
	const char *why;
	int status;

	if (!signing.on || (why = refused(r, &status)) == NULL)
		return 1;
	if (verbose)
		warnf("refused (%d): %s", status, why);
	snprintf(body, sizeof body, "{\"error\": \"%s\"}", why);
	reply_json(c, r, status, NULL, body);
	return 0;
}
