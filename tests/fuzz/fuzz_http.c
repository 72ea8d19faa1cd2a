/*
 * libFuzzer harness for tools/httpprobe/http.c: the bytes (after the first) are a
 * server's response. They are parsed twice, all at once and in pieces of
 * 1 to 8 bytes, followed by EOF; both runs must agree on the outcome, the
 * status, the body and the error message, else the harness aborts. The
 * first byte picks options: bit 0 the request was HEAD, bits 1-3 the piece
 * size, bit 4 also feeds the bytes as a URL (url.c, whole and as
 * HOST:PORT, and as a diagnostic shows it), a duration as a person writes
 * it (dur.c), a Retry-After value, a -H header and a Location (url_resolve)
 * to their parsers.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dur.h"
#include "http.h"
#include "url.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct run {
	enum http_parse st;
	int status;
	unsigned long long body_bytes;
	unsigned long hash;
	size_t consumed;
	char err[256];
};

static void
on_body(void *ctx, const char *d, size_t n)
{
	struct run *r = ctx;
	size_t i;

	for (i = 0; i < n; i++)
		r->hash = r->hash * 31 + (unsigned char)d[i];
}

static void
parse(const char *buf, size_t len, size_t step, int head, struct run *r)
{
	struct http_parser *p = http_parser_new(head);
	struct http_header h;
	size_t off = 0, used, pos = 0;

	memset(r, 0, sizeof *r);
	if (p == NULL)
		abort();
	r->st = HTTP_PARSE_MORE;
	while (off < len && r->st == HTTP_PARSE_MORE) {
		size_t n = step == 0 || len - off < step ? len - off : step;
		r->st = http_parser_feed(p, buf + off, n, &used, on_body, r);
		if (used > n)
			abort();
		off += used;
		if (r->st == HTTP_PARSE_MORE && used != n)
			abort();	/* MORE means every byte was taken */
	}
	if (r->st == HTTP_PARSE_MORE)
		r->st = http_parser_eof(p);
	r->consumed = off;
	r->status = http_parser_status(p);
	r->body_bytes = http_parser_body_bytes(p);
	if (r->st == HTTP_PARSE_ERROR)
		snprintf(r->err, sizeof r->err, "%s", http_parser_error(p));
	if (r->st == HTTP_PARSE_DONE) {
		if (r->status < 200 || r->status > 599)
			abort();
		while (http_parser_header_next(p, &pos, &h))
			if (http_parser_header(p, h.name) == NULL)
				abort();
		(void)http_parser_reason(p);
		(void)http_parser_keep_alive(p);
	}
	http_parser_free(p);
}

static void
other_parsers(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	struct url u;
	struct http_header h;
	const char *why;
	double ms;

	if (s == NULL)
		return;
	memcpy(s, data, size);
	s[size] = '\0';
	if (url_parse(s, &u, &why) == 0) {
		char *req = http_format_request("GET", &u, NULL, 0, 0, 1);
		if (req == NULL || strstr(req, "\r\n\r\n") != req + strlen(req) - 4)
			abort();
		free(req);
		url_free(&u);
	}
	if (url_parse_endpoint(s, &u, &why) == 0) {
		if (u.portnum < 1 || u.portnum > 65535 || strcmp(u.path, "/") != 0)
			abort();
		url_free(&u);
	}
	{
		char shown[32];
		if (strlen(url_shown(s, shown, sizeof shown)) >= sizeof shown)
			abort();
	}
	if (dur_parse_user(s, 86400000, &ms) == 0 && !(ms >= 0 && ms <= 86400000))
		abort();
	if (http_retry_after_ms(s, 1767225600, &ms) == 0 && !(ms >= 0 && ms <= HTTP_RETRY_AFTER_MAX_MS))
		abort();
	(void)http_header_parse(s, &h, &why);
	{
		/* A Location from the server, resolved (and the other way round). */
		char *abs = url_resolve("http://h:8082/a/b?q", s);
		if (s[strcspn(s, ":/?#")] != ':' && strncmp(abs, "http:", 5) != 0)
			abort();
		free(abs);
		free(url_resolve(s, "../x?y#z"));
	}
	free(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct run whole, pieces;
	int head;
	size_t step;

	if (size < 1)
		return 0;
	head = data[0] & 1;
	step = (size_t)((data[0] >> 1) & 7) + 1;
	if (data[0] & 16)
		other_parsers(data + 1, size - 1);
	parse((const char *)data + 1, size - 1, 0, head, &whole);
	parse((const char *)data + 1, size - 1, step, head, &pieces);
	/*
	 * "not an HTTP response" quotes the bytes seen so far, which depend on
	 * the pieces; every other message must be the same.
	 */
	if (strncmp(whole.err, "not an HTTP response", 20) == 0)
		whole.err[20] = pieces.err[20] = '\0';
	if (whole.st != pieces.st || whole.status != pieces.status ||
	    (whole.st == HTTP_PARSE_DONE && (whole.body_bytes != pieces.body_bytes ||
	    whole.hash != pieces.hash || whole.consumed != pieces.consumed)) ||
	    strcmp(whole.err, pieces.err) != 0) {
		fprintf(stderr, "whole: %d %d %llu '%s'; pieces of %zu: %d %d %llu '%s'\n",
		    (int)whole.st, whole.status, whole.body_bytes, whole.err, step,
		    (int)pieces.st, pieces.status, pieces.body_bytes, pieces.err);
		abort();
	}
	return 0;
}
