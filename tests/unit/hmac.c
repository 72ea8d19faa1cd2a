/*
 * Unit tests: tools/lib/hmac.c against RFC 4231's test cases 1-7, the
 * secret file's one rule (a trailing newline is not part of the secret),
 * the signing message (hmac_request_sign), and httpprobe's signing
 * (tools/httpprobe/sign.c), each checked against a MAC computed here.
 *
 * unit_hmac bench [SECONDS]: signatures a second of CPU time, instead of
 * the tests:
 * HMAC-SHA256 and base64 of messages of openssl speed's sizes, and
 * httpprobe's whole signing of a request (timestamp, nonce from the
 * kernel, MAC, base64). bench/hmac.sh runs it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base64.h"
#include "hmac.h"
#include "sign.h"
#include "tap.h"

static void
hex(const unsigned char *d, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void
rfc4231(void)
{
	static unsigned char k1[20], k3[20], k4[25], k5[20], k6[131], d3[50], d4[50];
	static const char m6[] = "Test Using Larger Than Block-Size Key - Hash Key First";
	static const char m7[] = "This is a test using a larger than block-size key and a "
	    "larger than block-size data. The key needs to be hashed before being used by "
	    "the HMAC algorithm.";
	struct {
		const unsigned char *key;
		size_t klen;
		const void *msg;
		size_t mlen;
		size_t outlen;
		const char *want;
	} tc[] = {
		{ k1, 20, "Hi There", 8, 32,
		  "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7" },
		{ (const unsigned char *)"Jefe", 4, "what do ya want for nothing?", 28, 32,
		  "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843" },
		{ k3, 20, d3, 50, 32,
		  "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe" },
		{ k4, 25, d4, 50, 32,
		  "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b" },
		{ k5, 20, "Test With Truncation", 20, 16,
		  "a3b6167473100ee06e0c796c2955552b" },
		{ k6, 131, m6, sizeof m6 - 1, 32,
		  "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54" },
		{ k6, 131, m7, sizeof m7 - 1, 32,
		  "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2" },
	};
	unsigned char mac[HMAC_SHA256_LEN];
	char out[2 * HMAC_SHA256_LEN + 1];
	struct hmac_key k;
	struct hmac h;
	size_t i, j;

	memset(k1, 0x0b, sizeof k1);
	memset(k3, 0xaa, sizeof k3);
	memset(d3, 0xdd, sizeof d3);
	for (i = 0; i < sizeof k4; i++)
		k4[i] = (unsigned char)(i + 1);
	memset(d4, 0xcd, sizeof d4);
	memset(k5, 0x0c, sizeof k5);
	memset(k6, 0xaa, sizeof k6);
	for (i = 0; i < sizeof tc / sizeof tc[0]; i++) {
		hmac_sha256(tc[i].key, tc[i].klen, tc[i].msg, tc[i].mlen, mac);
		hex(mac, tc[i].outlen, out);
		is_str(out, tc[i].want, "RFC 4231 test case %zu%s", i + 1,
		    tc[i].outlen < 32 ? " (truncated to 128 bits)" : "");
		/* The same with a prepared key, the message a byte at a time. */
		hmac_key_init(&k, tc[i].key, tc[i].klen);
		hmac_begin(&h, &k);
		for (j = 0; j < tc[i].mlen; j++)
			hmac_update(&h, (const char *)tc[i].msg + j, 1);
		hmac_final(&h, mac);
		hex(mac, tc[i].outlen, out);
		is_str(out, tc[i].want, "RFC 4231 test case %zu, prepared key, streamed", i + 1);
	}
	/* A prepared key serves many messages: the first must not change it. */
	hmac_key_init(&k, "Jefe", 4);
	hmac_begin(&h, &k);
	hmac_update(&h, "something else", 14);
	hmac_final(&h, mac);
	hmac_begin(&h, &k);
	hmac_update(&h, "what do ya want for nothing?", 28);
	hmac_final(&h, mac);
	hex(mac, 32, out);
	is_str(out, tc[1].want, "a prepared key reused for a second message");
	ok(hmac_equal("abcd", "abcd", 4) && !hmac_equal("abcd", "abce", 4) &&
	    !hmac_equal("xbcd", "abcd", 4), "hmac_equal");
}

/* The secret read from a file holding text[0, n), capacity cap. */
static int
secret(const char *text, size_t n, size_t cap, char *got, size_t *len)
{
	char path[] = "/tmp/smokekit-unit-hmac.XXXXXX";
	FILE *fp;
	int fd, rc, saved;

	if ((fd = mkstemp(path)) < 0 || (fp = fdopen(fd, "w")) == NULL)
		return -2;
	fwrite(text, 1, n, fp);
	fclose(fp);
	rc = hmac_secret_read(path, (unsigned char *)got, cap, len);
	saved = errno;
	unlink(path);
	errno = saved;
	return rc;
}

static void
secret_file(void)
{
	char buf[16];
	size_t len = 99;

	ok(secret("s3cret\n", 7, 16, buf, &len) == 0 && len == 6 &&
	    memcmp(buf, "s3cret", 6) == 0, "secret file: one trailing newline is dropped");
	ok(secret("s3cret", 6, 16, buf, &len) == 0 && len == 6,
	    "secret file: no newline, all of it");
	ok(secret("s3cret\n\n", 8, 16, buf, &len) == 0 && len == 7 &&
	    memcmp(buf, "s3cret\n", 7) == 0, "secret file: only one newline is dropped");
	ok(secret("a\r\n", 3, 16, buf, &len) == 0 && len == 2,
	    "secret file: a carriage return stays");
	ok(secret("0123456789abcdef", 16, 16, buf, &len) == 0 && len == 16,
	    "secret file: exactly the capacity");
	ok(secret("0123456789abcdef\n", 17, 16, buf, &len) == 0 && len == 16,
	    "secret file: the capacity and a newline");
	ok(secret("0123456789abcde\n", 16, 16, buf, &len) == 0 && len == 15,
	    "secret file: the capacity ending in the newline");
	ok(secret("0123456789abcdefg", 17, 16, buf, &len) == -1 && errno == EFBIG,
	    "secret file: longer than the capacity is EFBIG");
	ok(secret("0123456789abcdef\n\n", 18, 16, buf, &len) == -1 && errno == EFBIG,
	    "secret file: the capacity and two newlines is EFBIG");
	ok(secret("", 0, 16, buf, &len) == 0 && len == 0, "secret file: empty");
	ok(hmac_secret_read("/nonexistent/secret", (unsigned char *)buf, 16, &len) == -1 &&
	    errno == ENOENT, "secret file: missing is ENOENT");
}

/* base64(HMAC(secret, METHOD|TARGET|BODY|TS|NONCE)), computed here. */
static void
expected_sig(const char *secret, const char *method, const char *target,
    const char *body, size_t blen, const char *ts, const char *nonce, char *out)
{
	unsigned char mac[HMAC_SHA256_LEN];
	char msg[512];
	int n;

	n = snprintf(msg, sizeof msg, "%s|%s|", method, target);
	memcpy(msg + n, body, blen);
	n += (int)blen;
	n += snprintf(msg + n, sizeof msg - (size_t)n, "|%s|%s", ts, nonce);
	hmac_sha256(secret, strlen(secret), msg, (size_t)n, mac);
	base64_encode(mac, sizeof mac, out);
}

/* The one signing message, as both httpprobe and demobackend -S use it. */
static void
request_sign(void)
{
	static const char secret[] = "sign-unit-secret";
	struct hmac_request r = { "POST", 4, "/v1/x?a=1&b=2", 13, "a|b\0c", 5,
	    "1700000000000", 13, "n|1", 3 };
	char got[HMAC_SIG_LEN + 1], want[HMAC_SIG_LEN + 1];
	struct hmac_key k;

	hmac_key_init(&k, secret, strlen(secret));
	hmac_request_sign(&k, &r, got);
	expected_sig(secret, "POST", "/v1/x?a=1&b=2", "a|b\0c", 5, "1700000000000", "n|1",
	    want);
	is_str(got, want, "hmac_request_sign: METHOD|TARGET|BODY|TS|NONCE, body bytes exact");
	r.body = NULL;
	r.body_len = 0;
	hmac_request_sign(&k, &r, got);
	expected_sig(secret, "POST", "/v1/x?a=1&b=2", "", 0, "1700000000000", "n|1", want);
	is_str(got, want, "hmac_request_sign with no body");
}

/* The value of header name in req (up to its CR) copied into out. */
static int
header_value(const char *req, const char *name, char *out, size_t size)
{
	const char *p = strstr(req, name), *end;

	if (p == NULL || (end = strstr(p, "\r\n")) == NULL)
		return -1;
	p += strlen(name) + 2;
	if ((size_t)(end - p) >= size)
		return -1;
	memcpy(out, p, (size_t)(end - p));
	out[end - p] = '\0';
	return 0;
}

static void
signing(void)
{
	static const char secret[] = "sign-unit-secret";
	struct http_header h[6] = { { "Accept", "*/*" } };
	char want[SIGN_SIG_LEN + 1], req[512], before[512], ts[32], nonce[64], sig[64];
	size_t n = 1, head_len, len;
	struct sign s;
	char *body;

	setenv("SMOKEKIT_HMAC_SECRET", secret, 1);
	sign_setup(&s, "key-1", NULL, h, &n, 6);
	ok(n == 5 && strcmp(h[1].name, "X-Api-Key") == 0 && strcmp(h[1].value, "key-1") == 0 &&
	    strcmp(h[2].name, "X-Timestamp") == 0 && strcmp(h[3].name, "X-Nonce") == 0 &&
	    strcmp(h[4].name, "X-Signature") == 0, "sign_setup appends the four headers");
	ok(strlen(h[2].value) == SIGN_TS_LEN && strlen(h[3].value) == UUID_LEN &&
	    strlen(h[4].value) == SIGN_SIG_LEN, "their placeholders have the final widths");

	sign_request(&s, "POST", "/v1/x?a=1&b=2", "a|b\0c", 5);
	expected_sig(secret, "POST", "/v1/x?a=1&b=2", "a|b\0c", 5, s.ts, s.nonce, want);
	is_str(s.sig, want,
	    "sign_request: the MAC of METHOD|PATH|BODY|TS|NONCE, body bytes exact");
	ok(strspn(s.ts, "0123456789") == SIGN_TS_LEN && s.ts[0] == '1',
	    "the timestamp is 13 digits of epoch milliseconds");
	ok(strlen(s.nonce) == UUID_LEN && s.nonce[14] == '4', "the nonce is a UUIDv4");
	strcpy(nonce, s.nonce);
	sign_request(&s, "GET", "/", NULL, 0);
	expected_sig(secret, "GET", "/", "", 0, s.ts, s.nonce, want);
	is_str(s.sig, want, "sign_request with no body");
	ok(strcmp(nonce, s.nonce) != 0, "a fresh nonce for the next request");

	/* A formatted request patched in place, as the load mode sends it. */
	n = 0;
	sign_setup(&s, "key-1", NULL, h, &n, 6);   /* the placeholders again */
	len = (size_t)snprintf(req, sizeof req, "PUT /p?q=1 HTTP/1.1\r\nHost: h\r\n"
	    "x-api-key: key-1\r\nX-Timestamp: %s\r\nX-Nonce: %s\r\nX-Signature: %s\r\n\r\n"
	    "{\"k\": 1}", s.ts, s.nonce, s.sig);
	body = strstr(req, "\r\n\r\n") + 4;
	head_len = (size_t)(body - req);
	memcpy(before, req, len + 1);
	sign_patch(&s, "PUT", "/p?q=1", req, head_len, len - head_len);
	ok(strlen(req) == len && strncmp(req, before,
	    (size_t)(strstr(before, "X-Timestamp") - before)) == 0 &&
	    strcmp(body, "{\"k\": 1}") == 0, "sign_patch keeps the length and the other bytes");
	ok(header_value(req, "X-Timestamp", ts, sizeof ts) == 0 &&
	    header_value(req, "X-Nonce", nonce, sizeof nonce) == 0 &&
	    header_value(req, "X-Signature", sig, sizeof sig) == 0,
	    "the patched values are there");
	expected_sig(secret, "PUT", "/p?q=1", "{\"k\": 1}", 8, ts, nonce, want);
	is_str(sig, want, "sign_patch: the MAC of the patched request's own values");
	ok(strcmp(ts, "0000000000000") != 0 && strspn(nonce, "0") != UUID_LEN,
	    "the placeholders are gone");
}

/*
 * The process's CPU time (user and system): on a shared machine the
 * steadier measure, and the one openssl speed divides by.
 */
static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Signatures a second over a message of n bytes: prepared key, MAC, base64. */
static double
bench_one(const struct hmac_key *k, size_t n, double secs)
{
	unsigned char msg[4096], mac[HMAC_SHA256_LEN];
	char sig[BASE64_LEN(HMAC_SHA256_LEN) + 1];
	unsigned long long count = 0, sum = 0;
	double start = now_s(), el;
	struct hmac h;
	int i;

	memset(msg, 'x', n);
	do {
		for (i = 0; i < 1000; i++) {
			msg[0] = (unsigned char)count++;
			hmac_begin(&h, k);
			hmac_update(&h, msg, n);
			hmac_final(&h, mac);
			base64_encode(mac, sizeof mac, sig);
			sum += (unsigned char)sig[0];
		}
	} while ((el = now_s() - start) < secs);
	if (sum == 0)
		printf("# impossible\n");   /* keeps the work from being optimised away */
	return (double)count / el;
}

/* httpprobe --hmac's signing of GET /v1/models: what each request costs. */
static double
bench_request(double secs)
{
	static struct http_header h[4];
	unsigned long long count = 0;
	double start = now_s(), el;
	struct sign s;
	size_t n = 0;
	int i;

	setenv("SMOKEKIT_HMAC_SECRET", "bench-secret-0123456789", 1);
	sign_setup(&s, "bench", NULL, h, &n, 4);
	do {
		for (i = 0; i < 1000; i++, count++)
			sign_request(&s, "GET", "/v1/models", NULL, 0);
	} while ((el = now_s() - start) < secs);
	return (double)count / el;
}

static int
bench(double secs)
{
	static const size_t sizes[] = { 16, 64, 256, 1024 };
	struct hmac_key k;
	size_t i;

	hmac_key_init(&k, "bench-secret-0123456789", 23);
	for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
		printf("message_bytes=%zu signatures_per_s=%.0f\n", sizes[i],
		    bench_one(&k, sizes[i], secs));
	printf("request_signing_per_s=%.0f\n", bench_request(secs));
	return 0;
}

int
main(int argc, char *argv[])
{
	if (argc > 1 && strcmp(argv[1], "bench") == 0)
		return bench(argc > 2 ? atof(argv[2]) : 1.0);
	rfc4231();
	secret_file();
	request_sign();
	signing();
	return tap_done();
}
