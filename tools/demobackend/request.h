/*
 * demobackend: reading HTTP/1.1 requests. A request is parsed where it
 * lies in the connection's input, nothing copied; keep-alive is the
 * default for HTTP/1.1 (Connection: close honoured), and empty lines
 * before a request line are allowed (RFC 9112 2.2). A request head over
 * HEAD_MAX is 431, a body over BODY_MAX 413, a chunked request body 411.
 */
#ifndef DEMOBACKEND_REQUEST_H
#define DEMOBACKEND_REQUEST_H

#include <stddef.h>

#define HEAD_MAX (64 * 1024)         /* a longer request head is 431 */
#define BODY_MAX (8 * 1024 * 1024)   /* a longer request body is 413 */

/* What req_parse returns, besides an HTTP error status (> 0). */
enum {
	REQ_OK = 0,         /* a whole request */
	REQ_MORE = -1,      /* its bytes are not all there yet */
	REQ_CONTINUE = -2   /* REQ_MORE, and the client waits for a 100 Continue */
};

struct req {
	const char *method, *target, *path, *query, *head, *body;
	size_t method_len, target_len, path_len, query_len, head_len, body_len;
	size_t total;            /* bytes of the input this request used */
	long long clen;
	int http10, keep, head_only, expect, close_tok, keep_tok, chunked_body;
};

/* How far the reading of a connection's next request got (zero: nowhere). */
struct req_scan {
	size_t scanned;          /* request bytes searched for the head's end */
	size_t need;             /* the whole request's size once known */
	int continued;           /* 100 Continue sent for this request */
};

/*
 * The next request in p[0, len): REQ_OK with r filled (r->total bytes of
 * p), REQ_MORE or REQ_CONTINUE, or an HTTP error status. s carries the
 * search over the calls that wait for more bytes.
 */
int req_parse(struct req_scan *s, const char *p, size_t len, struct req *r);

/* Is the request's path (without its query) path? */
int req_path_is(const struct req *r, const char *path);

/* The value of the first header called name in r's head, or NULL. */
const char *req_header(const struct req *r, const char *name, size_t *len);

/* The value of query parameter name copied into out: 1, 0 when absent, -1 too long. */
int query_param(const struct req *r, const char *name, char *out, size_t size);

/* A numeric query parameter in [min, max]: 0, def when absent; -1 when bad. */
int query_num(const struct req *r, const char *name, long long min, long long max,
    long long def, long long *out);

#endif
