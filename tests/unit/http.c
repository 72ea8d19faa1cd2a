/* Unit tests: tools/httpprobe/http.c (requests, status sets, the response parser, Retry-After). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "tap.h"

struct body {
	char data[4096];
	size_t len;
};

static void
on_body(void *ctx, const char *data, size_t n)
{
	struct body *b = ctx;

	if (b->len + n < sizeof b->data) {
		memcpy(b->data + b->len, data, n);
		b->len += n;
		b->data[b->len] = '\0';
	}
}

/*
 * Feeds resp in pieces of step bytes (0: all at once), then EOF when the
 * parser still wants more and eof is set. Returns the final state; the
 * body lands in *b, the bytes left over after DONE in *rest.
 */
static enum http_parse
feed(struct http_parser *p, const char *resp, size_t step, int eof,
    struct body *b, size_t *rest)
{
	size_t len = strlen(resp), off = 0, used;
	enum http_parse st = HTTP_PARSE_MORE;

	memset(b, 0, sizeof *b);
	while (off < len && st == HTTP_PARSE_MORE) {
		size_t n = step == 0 || len - off < step ? len - off : step;
		st = http_parser_feed(p, resp + off, n, &used, on_body, b);
		off += used;
	}
	if (st == HTTP_PARSE_MORE && eof)
		st = http_parser_eof(p);
	*rest = len - off;
	return st;
}

/* The response parses to DONE with want_status and want_body at every split. */
static void
parses(const char *name, const char *resp, int head, int eof, int want_status,
    const char *want_body)
{
	static const size_t steps[] = { 0, 1, 2, 3, 7, 64 };
	struct http_parser *p = http_parser_new(head);
	struct body b;
	size_t i, rest;
	int good = 1;

	for (i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		enum http_parse st;
		http_parser_reset(p, head);
		st = feed(p, resp, steps[i], eof, &b, &rest);
		if (st != HTTP_PARSE_DONE || http_parser_status(p) != want_status ||
		    strcmp(b.data, want_body) != 0 || rest != 0) {
			printf("# step %zu: state %d status %d body '%s' rest %zu error %s\n",
			    steps[i], (int)st, http_parser_status(p), b.data, rest,
			    http_parser_error(p) ? http_parser_error(p) : "-");
			good = 0;
		}
	}
	ok(good, "parses: %s", name);
	http_parser_free(p);
}

/* The response is an error whose message contains want_err. */
static void
fails(const char *name, const char *resp, int eof, const char *want_err)
{
	struct http_parser *p = http_parser_new(0);
	struct body b;
	size_t rest;
	enum http_parse st = feed(p, resp, 0, eof, &b, &rest);
	const char *e = http_parser_error(p);

	if (!ok(st == HTTP_PARSE_ERROR && e != NULL && strstr(e, want_err) != NULL,
	    "rejects: %s", name))
		printf("#   state %d, error '%s', want '%s'\n", (int)st, e ? e : "(none)", want_err);
	http_parser_free(p);
}

static void
test_requests(void)
{
	struct url u;
	const char *why;
	struct http_header h[3];
	char *r;

	url_parse("http://[::1]:8082/v1/models?x=1", &u, &why);
	r = http_format_request("GET", &u, NULL, 0, 0, 1);
	is_str(r, "GET /v1/models?x=1 HTTP/1.1\r\nHost: [::1]:8082\r\n"
	    "User-Agent: smokekit/" SMOKEKIT_VERSION "\r\nAccept-Encoding: identity\r\n\r\n",
	    "request: GET, keep-alive");
	free(r);

	h[0].name = "user-agent", h[0].value = "me/1";
	h[1].name = "X-Api-Key", h[1].value = "k";
	h[2].name = "accept-encoding", h[2].value = NULL;
	r = http_format_request("POST", &u, h, 3, 5, 0);
	is_str(r, "POST /v1/models?x=1 HTTP/1.1\r\nHost: [::1]:8082\r\n"
	    "user-agent: me/1\r\nContent-Length: 5\r\nConnection: close\r\n"
	    "X-Api-Key: k\r\n\r\n", "request: POST, replaced and removed defaults");
	free(r);

	r = http_format_request("PUT", &u, NULL, 0, 0, 1);
	ok(r != NULL && strstr(r, "Content-Length: 0\r\n") != NULL, "request: PUT without a body says 0");
	free(r);
	r = http_format_request("DELETE", &u, NULL, 0, 0, 1);
	ok(r != NULL && strstr(r, "Content-Length") == NULL, "request: DELETE without a body has none");
	free(r);
	h[0].name = "Host", h[0].value = "a";
	h[1].name = "HOST", h[1].value = "b";
	r = http_format_request("GET", &u, h, 2, 0, 1);
	ok(r != NULL && strstr(r, "\r\nHOST: b\r\n") != NULL && strstr(r, ": a\r") == NULL &&
	    strstr(r, "::1") == NULL, "request: the last -H Host wins, sent once");
	free(r);
	url_free(&u);
}

static void
test_header_parse(void)
{
	struct http_header h;
	const char *why;
	char l1[] = "X-Api-Key:  secret \t", l2[] = "Accept:", l3[] = "No colon",
	     l4[] = "Bad Name: v", l5[] = "X: a\rb", l6[] = ": v";

	ok(http_header_parse(l1, &h, &why) == 0 && strcmp(h.name, "X-Api-Key") == 0 &&
	    strcmp(h.value, "secret") == 0, "header: trimmed value");
	ok(http_header_parse(l2, &h, &why) == 0 && strcmp(h.value, "") == 0, "header: empty value");
	ok(http_header_parse(l3, &h, &why) == -1 && strstr(why, "colon") != NULL, "header: no colon");
	ok(http_header_parse(l4, &h, &why) == -1, "header: space in the name");
	ok(http_header_parse(l5, &h, &why) == -1 && strstr(why, "control") != NULL, "header: CR in the value");
	ok(http_header_parse(l6, &h, &why) == -1, "header: empty name");
	ok(http_method_idempotent("GET") && http_method_idempotent("PUT") &&
	    !http_method_idempotent("POST") && !http_method_idempotent("PATCH"), "idempotent methods");
}

static void
test_status_sets(void)
{
	struct http_status_set s;

	ok(http_status_set_parse("2xx", &s) == 0 && http_status_expected(&s, 200) &&
	    http_status_expected(&s, 299) && !http_status_expected(&s, 300) &&
	    !http_status_expected(&s, 199), "status set 2xx");
	ok(http_status_set_parse("200,204", &s) == 0 && http_status_expected(&s, 204) &&
	    !http_status_expected(&s, 201), "status set 200,204");
	ok(http_status_set_parse("2xx,304", &s) == 0 && http_status_expected(&s, 304) &&
	    http_status_expected(&s, 250), "status set 2xx,304");
	ok(http_status_set_parse("5XX", &s) == 0 && http_status_expected(&s, 503), "status set 5XX");
	ok(http_status_set_parse("", &s) == -1 && http_status_set_parse("200,", &s) == -1 &&
	    http_status_set_parse("2000", &s) == -1 && http_status_set_parse("6xx", &s) == -1 &&
	    http_status_set_parse("099", &s) == -1 && http_status_set_parse("20x", &s) == -1 &&
	    http_status_set_parse(" 200", &s) == -1, "status sets rejected");
	ok(!http_status_expected(&s, -1) && !http_status_expected(&s, 600), "status out of range");
}

static void
test_parser(void)
{
	struct http_parser *p;
	struct body b;
	size_t rest, pos = 0;
	struct http_header h;
	char big[HTTP_MAX_HEAD + 64];
	int n;

	parses("Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", 0, 0, 200, "hello");
	parses("Content-Length 0", "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 0, 0, 200, "");
	parses("bare LF lines", "HTTP/1.1 200 OK\nContent-Length: 2\n\nhi", 0, 0, 200, "hi");
	parses("no reason phrase", "HTTP/1.1 404\r\nContent-Length: 1\r\n\r\nx", 0, 0, 404, "x");
	parses("chunked with a trailer",
	    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n"
	    "7;ext=1\r\n, world\r\nA\r\n0123456789\r\n0\r\nX-Trailer: yes\r\n\r\n", 0, 0, 200,
	    "hello, world0123456789");
	parses("chunked, upper-case hex and LF only",
	    "HTTP/1.1 200 OK\r\ntransfer-encoding: Chunked\r\n\r\nA\n0123456789\n0\n\n", 0, 0, 200,
	    "0123456789");
	parses("close-delimited (HTTP/1.0)", "HTTP/1.0 200 OK\r\nServer: x\r\n\r\nclose-delimited body\n",
	    0, 1, 200, "close-delimited body\n");
	parses("100 Continue skipped",
	    "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 102 Processing\r\nX: y\r\n\r\n"
	    "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", 0, 0, 200, "ok");
	parses("HEAD has no body", "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n", 1, 0, 200, "");
	parses("204 has no body", "HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n", 0, 0, 204, "");
	parses("304 has no body", "HTTP/1.1 304 Not Modified\r\n\r\n", 0, 0, 304, "");
	parses("repeated equal Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\n"
	    "Content-Length: 2\r\n\r\nok", 0, 0, 200, "ok");
	fails("gzip: a coding we cannot undo", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nzz", 0,
	    "unsupported Transfer-Encoding \"gzip\"");
	fails("gzip, chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
	    "2\r\nzz\r\n0\r\n\r\n", 0, "unsupported Transfer-Encoding \"gzip\"");
	fails("gzip on a line of its own", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
	    "Transfer-Encoding: gzip\r\n\r\n", 0, "more than once");
	fails("chunked twice", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, chunked\r\n\r\n", 0,
	    "more than once");
	fails("empty Transfer-Encoding", "HTTP/1.1 200 OK\r\nTransfer-Encoding: ,\r\n\r\n", 0,
	    "empty Transfer-Encoding");
	parses("Chunked in capitals, blanks around", "HTTP/1.1 200 OK\r\nTransfer-Encoding:  Chunked \r\n\r\n"
	    "2\r\nzz\r\n0\r\n\r\n", 0, 1, 200, "zz");

	fails("garbage", "GARBAGE\r\n\r\n", 0, "not an HTTP response: \"GARBAGE\"");
	fails("HTTP/2", "HTTP/2.0 200 OK\r\n\r\n", 0, "unsupported HTTP version");
	fails("short status line", "HTTP/1.1 20\r\n\r\n", 0, "malformed status line");
	fails("status 600", "HTTP/1.1 600 X\r\n\r\n", 0, "out of range");
	fails("status 099", "HTTP/1.1 099 X\r\n\r\n", 0, "out of range");
	fails("bad chunk size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 0,
	    "bad chunk size: unexpected byte \"z\"");
	fails("chunk longer than its size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "2\r\nabc\r\n0\r\n\r\n", 0, "chunk data longer");
	fails("chunk size overflow", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "10000000000000000\r\n", 0, "too large");
	fails("truncated chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "10\r\nabc", 1, "middle of the chunked body");
	fails("short body", "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc", 1,
	    "after 3 of 100 body bytes");
	fails("closed mid-head", "HTTP/1.1 200 OK\r\nContent-", 1, "middle of the response head");
	fails("closed before anything", "", 1, "before any response");
	fails("conflicting Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n"
	    "Content-Length: 2\r\n\r\n", 0, "conflicting");
	fails("bad Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", 0, "bad Content-Length");
	fails("huge Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n",
	    0, "too large");
	fails("no colon", "HTTP/1.1 200 OK\r\nSet-Cookie secret\r\n\r\n", 0, "without a colon");
	fails("space before the colon", "HTTP/1.1 200 OK\r\nX-A : 1\r\n\r\n", 0, "invalid header name");
	fails("folded line", "HTTP/1.1 200 OK\r\nX-A: 1\r\n  2\r\n\r\n", 0, "folding");
	fails("control character in a value", "HTTP/1.1 200 OK\r\nCookie: a\001b\r\n\r\n", 0,
	    "value of header Cookie");
	fails("bare CR", "HTTP/1.1 200 OK\r\nX: a\rb\r\n\r\n", 0, "bare CR");
	fails("101", "HTTP/1.1 101 Switching Protocols\r\n\r\n", 0, "101");

	/* The head limit: a line of 64 KiB fails without waiting for its end. */
	n = snprintf(big, sizeof big, "HTTP/1.1 200 OK\r\nX-Big: ");
	memset(big + n, 'a', sizeof big - (size_t)n - 1);
	big[sizeof big - 1] = '\0';
	fails("head over 64 KiB", big, 0, "larger than 65536 bytes");
	memcpy(big + HTTP_MAX_HEAD - 8, "\r\n\r\n", 5);
	parses("head just under 64 KiB", big, 0, 1, 200, "");

	/* Headers, reason, trailers, keep-alive, bytes after DONE. */
	p = http_parser_new(0);
	ok(feed(p, "HTTP/1.1 200 Fine Thanks\r\nContent-Type: application/json\r\n"
	    "X-Empty:\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\nX-Trailer: yes\r\n\r\n"
	    "HTTP/1.1 200 OK\r\n", 0, 0, &b, &rest) == HTTP_PARSE_DONE && rest == 17,
	    "bytes after a response are left for the next one");
	is_str(http_parser_reason(p), "Fine Thanks", "reason phrase");
	is_str(http_parser_header(p, "content-type"), "application/json", "header lookup ignores case");
	is_str(http_parser_header(p, "X-Empty"), "", "empty header value");
	ok(http_parser_header(p, "X-Trailer") == NULL, "a trailer is not a header");
	ok(http_parser_header_next(p, &pos, &h) && strcmp(h.name, "Content-Type") == 0 &&
	    http_parser_header_next(p, &pos, &h) && strcmp(h.name, "X-Empty") == 0 &&
	    http_parser_header_next(p, &pos, &h) && !http_parser_header_next(p, &pos, &h),
	    "header iteration");
	ok(http_parser_keep_alive(p), "HTTP/1.1 keeps the connection");
	is_int(http_parser_body_bytes(p), 2, "body bytes");

	http_parser_reset(p, 0);
	ok(http_parser_status(p) == 0 && http_parser_header(p, "Content-Type") == NULL,
	    "reset forgets the response");
	feed(p, "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", 0, 0, &b, &rest);
	ok(!http_parser_keep_alive(p), "Connection: close");
	http_parser_reset(p, 0);
	feed(p, "HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n", 0, 0, &b, &rest);
	ok(http_parser_keep_alive(p), "HTTP/1.0 with keep-alive");
	http_parser_reset(p, 0);
	feed(p, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "1\r\nx\r\n0\r\n\r\n", 0, 0, &b, &rest);
	ok(http_parser_status(p) == 200 && strcmp(b.data, "x") == 0 && !http_parser_keep_alive(p),
	    "chunked wins over Content-Length, never reused");
	http_parser_reset(p, 0);
	ok(feed(p, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab", 0, 0, &b, &rest) ==
	    HTTP_PARSE_MORE && http_parser_status(p) == 200 && http_parser_body_bytes(p) == 2,
	    "a partial body asks for more");
	http_parser_free(p);
}

static void
test_retry_after(void)
{
	double ms = -1;
	long long now = 784111777;	/* Sun, 06 Nov 1994 08:49:37 GMT */

	ok(http_retry_after_ms("120", now, &ms) == 0 && ms == 120000, "Retry-After seconds");
	ok(http_retry_after_ms(" 1 ", now, &ms) == 0 && ms == 1000, "Retry-After with blanks");
	ok(http_retry_after_ms("Sun, 06 Nov 1994 08:49:47 GMT", now, &ms) == 0 && ms == 10000,
	    "Retry-After IMF-fixdate");
	ok(http_retry_after_ms("Sunday, 06-Nov-94 08:50:37 GMT", now, &ms) == 0 && ms == 60000,
	    "Retry-After RFC 850 date");
	ok(http_retry_after_ms("Sun Nov  6 08:49:38 1994", now, &ms) == 0 && ms == 1000,
	    "Retry-After asctime date");
	ok(http_retry_after_ms("Sat, 05 Nov 1994 08:49:37 GMT", now, &ms) == 0 && ms == 0,
	    "Retry-After in the past is now");
	ok(http_retry_after_ms("Thu, 01 Jan 2026 00:00:00 GMT", 1767225600 - 5, &ms) == 0 &&
	    ms == 5000, "Retry-After in 2026");
	ok(http_retry_after_ms("999999999", now, &ms) == 0 && ms == 999999999e3,
	    "Retry-After 999999999 s, exactly");
	ok(http_retry_after_ms("2147483648", now, &ms) == 0 && ms == HTTP_RETRY_AFTER_MAX_MS,
	    "Retry-After 2^31 s: clamped");
	ok(http_retry_after_ms("999999999999999999999999999999999999999999999999999999999999"
	    "9999999999999999999999999999999999999999999999999999999999999999999999999999999"
	    "9999999999999999999999999999999999999999999999999999999999999999999999999999999"
	    "9999999999999999999999999999999999999999999999999999999999999999999999999999999"
	    "99999999999999999999999", now, &ms) == 0 && ms == HTTP_RETRY_AFTER_MAX_MS,
	    "Retry-After of 330 digits: clamped, longer than any deadline");
	ok(http_retry_after_ms("Fri, 31 Dec 9999 23:59:59 GMT", now, &ms) == 0 &&
	    ms == HTTP_RETRY_AFTER_MAX_MS, "Retry-After in the year 9999: clamped");
	ok(http_retry_after_ms("1.5", now, &ms) == -1 && http_retry_after_ms("", now, &ms) == -1 &&
	    http_retry_after_ms("-1", now, &ms) == -1 &&
	    http_retry_after_ms("Sun, 06 Foo 1994 08:49:37 GMT", now, &ms) == -1 &&
	    http_retry_after_ms("Sun, 06 Nov 1994 25:49:37 GMT", now, &ms) == -1 &&
	    http_retry_after_ms("Sun, 06 Nov 1994 08:49:37 GMT junk", now, &ms) == -1,
	    "Retry-After junk rejected");
	is_str(http_error_class(HTTP_ERR_REFUSED), "refused", "error class names");
	is_str(http_error_class(HTTP_ERR_EMPTY), "empty", "error class empty");
}

int
main(void)
{
	test_requests();
	test_header_parse();
	test_status_sets();
	test_parser();
	test_retry_after();
	return tap_done();
}
