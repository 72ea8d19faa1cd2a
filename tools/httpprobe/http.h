/*
 * HTTP/1.1 client pieces shared by httpprobe's single request, its load mode
 * and the fuzz harness: request formatting, expected-status
 * sets, and an incremental (push) response parser that never blocks and
 * never reads past the bytes it is given.
 */
#ifndef SMOKEKIT_HTTP_H
#define SMOKEKIT_HTTP_H

#include <stddef.h>

#include "url.h"

/* A response header block larger than this is an error. */
#define HTTP_MAX_HEAD (64 * 1024)

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
char *http_format_request(const char *method, const struct url *u,
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

/*
 * Additions for httpprobe's single request (everything above is the
 * interface the load mode also uses).
 */

/* Iterates the final head's fields: size_t pos = 0; while (...next(p, &pos, &h)). */
int http_parser_header_next(const struct http_parser *p, size_t *pos,
    struct http_header *h);
/* The reason phrase of the final status line ("" when there was none). */
const char *http_parser_reason(const struct http_parser *p);

/*
 * "Name: value" from the command line, split in place. A value may be
 * empty. Returns 0, or -1 with *why saying what is wrong (no colon, a
 * name that is not a token, a control character in the value).
 */
int http_header_parse(char *line, struct http_header *h, const char **why);

/* Is the method safe to send twice (GET, HEAD, PUT, DELETE, OPTIONS, TRACE)? */
int http_method_idempotent(const char *method);

/*
 * Retry-After (RFC 9110 10.2.3): delay-seconds or an HTTP-date, as the
 * milliseconds to wait from now (0 for a date in the past), at most
 * HTTP_RETRY_AFTER_MAX_MS (longer than any deadline; a larger value, of
 * any number of digits, is clamped to it). Returns 0, or -1 when the value
 * is neither.
 */
#define HTTP_RETRY_AFTER_MAX_MS 1e12
int http_retry_after_ms(const char *value, long long now_epoch_s, double *ms);

/* Why an exchange produced no valid response. */
enum http_error {
	HTTP_ERR_NONE,
	HTTP_ERR_DNS,           /* the name does not resolve */
	HTTP_ERR_REFUSED,       /* every address refused the connection */
	HTTP_ERR_UNREACHABLE,   /* no route to any address */
	HTTP_ERR_TIMEOUT,       /* a deadline passed (connect, or the attempt) */
	HTTP_ERR_RESET,         /* the peer reset the connection */
	HTTP_ERR_EMPTY,         /* the peer closed without sending a byte */
	HTTP_ERR_PROTOCOL,      /* the bytes are not a valid HTTP/1.x response */
	HTTP_ERR_SYSTEM         /* a local failure: sockets, memory, the body sink */
};

/* "dns", "refused", "unreachable", "timeout", "reset", "empty", "protocol", "system". */
const char *http_error_class(enum http_error e);

/*
 * One blocking request on a fresh connection (Connection: close), bounded
 * by deadline_ms. Every address of the host is tried in turn, the connect
 * budget shared between them.
 */
struct http_exchange {
	/* The request. */
	const char *method;
	const struct url *url;
	const struct http_header *headers;
	size_t nheaders;
	const char *body;
	size_t body_len;
	double connect_timeout_ms;   /* 0: only the deadline bounds the connect */
	double deadline_ms;          /* absolute, on clock_ms()'s clock (clock.h) */
	double start_ms;             /* the attempt's start there (the deadline's own);
	                                0: when http_exchange_run is called */
	/* Body bytes as they arrive; a non-zero return stops the exchange. */
	int (*on_body)(void *ctx, const char *data, size_t n);
	void *ctx;

	/* The outcome, valid after http_exchange_run. */
	struct http_parser *parser;  /* the response head is there when status != 0 */
	enum http_error error;       /* HTTP_ERR_NONE for a complete response */
	char message[256];           /* what went wrong, without the class */
	int sent;                    /* the request may have reached the server */
	char peer[64];               /* "127.0.0.1 port 8080" once connected */
	double connect_ms;           /* from the start; < 0 when not reached */
	double first_byte_ms;
	double total_ms;
};

/* Returns 0 for a complete response, -1 otherwise (x->error says why). */
int http_exchange_run(struct http_exchange *x);
/* Frees x->parser. */
void http_exchange_free(struct http_exchange *x);

#endif
