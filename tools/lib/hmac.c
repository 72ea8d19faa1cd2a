/* smokekit: HMAC-SHA256, the shared secret it is keyed with, signed requests. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "base64.h"
#include "hmac.h"
#include "readall.h"

void
hmac_key_init(struct hmac_key *k, const void *key, size_t len)
{
	unsigned char block[SHA256_BLOCK], pad[SHA256_BLOCK];
	size_t i;

	memset(block, 0, sizeof block);
	if (len > SHA256_BLOCK)
		sha256(key, len, block);   /* a long key is replaced by its digest */
	else if (len > 0)
		memcpy(block, key, len);
	for (i = 0; i < SHA256_BLOCK; i++)
		pad[i] = block[i] ^ 0x36;
	sha256_init(&k->inner);
	sha256_update(&k->inner, pad, sizeof pad);
	for (i = 0; i < SHA256_BLOCK; i++)
		pad[i] = block[i] ^ 0x5c;
	sha256_init(&k->outer);
	sha256_update(&k->outer, pad, sizeof pad);
	hmac_wipe(block, sizeof block);
	hmac_wipe(pad, sizeof pad);
}

void
hmac_begin(struct hmac *h, const struct hmac_key *k)
{
	h->inner = k->inner;
	h->key = k;
}

void
hmac_update(struct hmac *h, const void *data, size_t n)
{
	sha256_update(&h->inner, data, n);
}

void
hmac_final(struct hmac *h, unsigned char mac[HMAC_SHA256_LEN])
{
	unsigned char inner[SHA256_DIGEST];
	struct sha256 outer = h->key->outer;

	sha256_final(&h->inner, inner);
	sha256_update(&outer, inner, sizeof inner);
	sha256_final(&outer, mac);
}

void
hmac_sha256(const void *key, size_t klen, const void *msg, size_t n,
    unsigned char mac[HMAC_SHA256_LEN])
{
	struct hmac_key k;
	struct hmac h;

	hmac_key_init(&k, key, klen);
	hmac_begin(&h, &k);
	hmac_update(&h, msg, n);
	hmac_final(&h, mac);
	hmac_wipe(&k, sizeof k);
}

int
hmac_equal(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;
	unsigned char diff = 0;
	size_t i;

	for (i = 0; i < n; i++)
		diff |= x[i] ^ y[i];
	return diff == 0;
}

void
hmac_wipe(void *p, size_t n)
{
	volatile unsigned char *v = p;

	while (n-- > 0)
		*v++ = 0;
}

void
hmac_request_sign(const struct hmac_key *k, const struct hmac_request *r,
    char sig[HMAC_SIG_LEN + 1])
{
	unsigned char mac[HMAC_SHA256_LEN];
	struct hmac h;

	hmac_begin(&h, k);
	hmac_update(&h, r->method, r->method_len);
	hmac_update(&h, "|", 1);
	hmac_update(&h, r->target, r->target_len);
	hmac_update(&h, "|", 1);
	hmac_update(&h, r->body, r->body_len);
	hmac_update(&h, "|", 1);
	hmac_update(&h, r->ts, r->ts_len);
	hmac_update(&h, "|", 1);
	hmac_update(&h, r->nonce, r->nonce_len);
	hmac_final(&h, mac);
	base64_encode(mac, sizeof mac, sig);
	hmac_wipe(&h, sizeof h);
}

int
hmac_secret_read(const char *path, unsigned char *buf, size_t cap, size_t *len)
{
	int fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	unsigned char tail[2];
	ssize_t n, more = 0;
	int saved;

	if (fd < 0)
		return -1;
	n = read_full(fd, buf, cap);
	/* Full: what follows may only be the trailing newline. */
	if (n >= 0 && (size_t)n == cap)
		more = read_full(fd, tail, sizeof tail);
	saved = n < 0 || more < 0 ? errno : more == 2 || (more == 1 && tail[0] != '\n') ?
	    EFBIG : 0;
	hmac_wipe(tail, sizeof tail);
	if (fd != STDIN_FILENO)
		close(fd);
	if (saved != 0) {
		hmac_wipe(buf, cap);
		errno = saved;
		return -1;
	}
	if (more == 0 && n > 0 && buf[n - 1] == '\n')
		n--;
	*len = (size_t)n;
	return 0;
}
