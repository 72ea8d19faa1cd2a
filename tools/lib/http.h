/*
 * HTTP/1.1 client pieces shared by httpprobe's single request, its load mode
 * and the fuzz harness: URL parsing, request formatting, expected-status
 * sets, and an incremental (push) response parser that never blocks and
 * never reads past the bytes it is given.
 */
#ifndef SMOKEKIT_HTTP_H
#define SMOKEKIT_HTTP_H

#include <stddef.h>

/* A response header block larger than this is an error. */
#define HTTP_MAX_HEAD (64 * 1024)

/* http://host[:port][/path?query]; https:// is refused (use curl for TLS). */
struct http_url {
	char *host;       /* without brackets for an IPv6 literal */
	char *port;       /* "80" when absent */
	char *path;       /* path and query, "/" when absent */
	char *hostport;   /* the Host header value: "host", "host:8082", "[::1]:8082" */
};

/* Returns 0, or -1 with *why saying what is wrong. Free with http_url_free. */
int http_url_parse(const char *url, struct http_url *u, const char **why);
void http_url_free(struct http_url *u);

struct http_header {
	const char *name;
	const char *value;
};

/*
 * The request head: request line, Host, User-Agent: smokekit/VERSION,
 * Accept-Encoding: identity, Content-Length when body_len > 0 or the
 * method carries a body, then the caller's headers, which add or replace
 * (case-insensitively) the defaults. Returns a malloc'd string.
 */
char *http_format_request(const char *method, const struct http_url *u,
    const struct http_header *headers, size_t nheaders, size_t body_len,
    int keep_alive);

/* Expected statuses: "200", "200,204", "2xx", "2xx,304". */
struct http_status_set {
	unsigned char ok[600];
};
int http_status_set_parse(const char *spec, struct http_status_set *set);
int http_status_expected(const struct http_status_set *set, int status);

/* The incremental response parser. */
enum http_parse {
	HTTP_PARSE_MORE,   /* feed more bytes (or call http_parser_eof) */
	HTTP_PARSE_DONE,   /* one complete final response */
	HTTP_PARSE_ERROR   /* http_parser_error() says what */
};

struct http_parser;

/* head_request: the request was HEAD (no body whatever the headers say). */
struct http_parser *http_parser_new(int head_request);
void http_parser_reset(struct http_parser *p, int head_request);
void http_parser_free(struct http_parser *p);

/*
 * Consumes bytes of the response stream. *used is how many were consumed
 * (bytes after a DONE response belong to the next one). Interim 1xx
 * responses are skipped. Body bytes (de-chunked) go to on_body, which may
 * be NULL.
 */
enum http_parse http_parser_feed(struct http_parser *p, const char *buf,
    size_t len, size_t *used,
    void (*on_body)(void *ctx, const char *data, size_t n), void *ctx);

/* The peer closed: DONE for a close-delimited body, else ERROR. */
enum http_parse http_parser_eof(struct http_parser *p);

/* After at least the head was parsed: */
int http_parser_status(const struct http_parser *p);          /* 0 before the head */
int http_parser_keep_alive(const struct http_parser *p);      /* reusable after DONE */
const char *http_parser_header(const struct http_parser *p, const char *name);
unsigned long long http_parser_body_bytes(const struct http_parser *p);
const char *http_parser_error(const struct http_parser *p);

#endif
