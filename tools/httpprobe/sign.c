/* smokekit: httpprobe's signed requests (--hmac). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "die.h"
#include "sign.h"

static const char *const names[4] = { "X-Api-Key", "X-Timestamp", "X-Nonce", "X-Signature" };

/* The secret from the file or the environment, kept only as s->key. */
static void
load_secret(struct sign *s, const char *file)
{
	unsigned char secret[HMAC_SECRET_MAX];
	const char *env;
	size_t len;

	if (file != NULL) {
		if (hmac_secret_read(file, secret, sizeof secret, &len) != 0)
			die(EXIT_ERROR, "--hmac-secret-file %s:", file);
		if (len == 0)
			die(EXIT_ERROR, "--hmac-secret-file %s: the secret is empty", file);
	} else {
		if ((env = getenv("SMOKEKIT_HMAC_SECRET")) == NULL || *env == '\0')
			die(EXIT_USAGE, "--hmac needs a secret: --hmac-secret-file FILE "
			    "or SMOKEKIT_HMAC_SECRET (never on the command line)");
		if ((len = strlen(env)) > sizeof secret)
			die(EXIT_USAGE, "SMOKEKIT_HMAC_SECRET: longer than %d bytes", HMAC_SECRET_MAX);
		memcpy(secret, env, len);
	}
	hmac_key_init(&s->key, secret, len);
	hmac_wipe(secret, sizeof secret);
}

void
sign_setup(struct sign *s, const char *keyid, const char *file,
    struct http_header *h, size_t *n, size_t max)
{
	size_t i, j;

	if (*keyid == '\0' || strpbrk(keyid, "\r\n") != NULL)
		die(EXIT_USAGE, "bad --hmac '%s': not a key id", keyid);
	for (i = 0; i < *n; i++)
		for (j = 0; j < 4; j++)
			if (strcasecmp(h[i].name, names[j]) == 0)
				die(EXIT_USAGE, "-H %s: --hmac sets it", names[j]);
	if (max - *n < 4)
		die(EXIT_USAGE, "too many headers for --hmac's four");
	load_secret(s, file);
	s->keyid = keyid;
	/* Placeholders of the final widths, so a formatted request can be patched. */
	memset(s->ts, '0', SIGN_TS_LEN);
	s->ts[SIGN_TS_LEN] = '\0';
	memset(s->nonce, '0', UUID_LEN);
	s->nonce[UUID_LEN] = '\0';
	memset(s->sig, 'A', SIGN_SIG_LEN);
	s->sig[SIGN_SIG_LEN] = '\0';
	h[*n].name = names[0], h[(*n)++].value = s->keyid;
	h[*n].name = names[1], h[(*n)++].value = s->ts;
	h[*n].name = names[2], h[(*n)++].value = s->nonce;
	h[*n].name = names[3], h[(*n)++].value = s->sig;
}

void
sign_request(struct sign *s, const char *method, const char *target,
    const void *body, size_t body_len)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	snprintf(s->ts, sizeof s->ts, "%013lld",
	    (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000);
	if (uuid_v4(s->nonce) != 0)
		die(EXIT_ERROR, "--hmac: no random bytes for a nonce:");
	hmac_request_sign(&s->key, &(struct hmac_request){
	    .method = method, .method_len = strlen(method),
	    .target = target, .target_len = strlen(target),
	    .body = body, .body_len = body_len,
	    .ts = s->ts, .ts_len = SIGN_TS_LEN,
	    .nonce = s->nonce, .nonce_len = UUID_LEN }, s->sig);
}

/* Where the value of header name starts in head[0, len), or NULL. */
static char *
value_at(char *head, size_t len, const char *name)
{
	size_t nlen = strlen(name), i = 0;
	char *nl;

	while (i < len && (nl = memchr(head + i, '\n', len - i)) != NULL) {
		i = (size_t)(nl - head) + 1;
		if (len - i > nlen + 2 && strncasecmp(head + i, name, nlen) == 0 &&
		    head[i + nlen] == ':' && head[i + nlen + 1] == ' ')
			return head + i + nlen + 2;
	}
	return NULL;
}

void
sign_patch(struct sign *s, const char *method, const char *target,
    char *req, size_t head_len, size_t body_len)
{
	char *ts = value_at(req, head_len, names[1]);
	char *nonce = value_at(req, head_len, names[2]);
	char *sig = value_at(req, head_len, names[3]);

	if (ts == NULL || nonce == NULL || sig == NULL)
		die(EXIT_ERROR, "--hmac: the request has no signature headers to sign");
	sign_request(s, method, target, req + head_len, body_len);
	memcpy(ts, s->ts, SIGN_TS_LEN);
	memcpy(nonce, s->nonce, UUID_LEN);
	memcpy(sig, s->sig, SIGN_SIG_LEN);
}
