/* demobackend: the heads and bodies of the answers (see reply.h). */
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "reply.h"

static const char *replica = "fixture";
static unsigned long long replicas, next_replica;
static char replica_line[96];

void
reply_setup(const char *name, long long n)
{
	replica = name;
	replicas = (unsigned long long)n;
	if (replicas == 0)
		snprintf(replica_line, sizeof replica_line, "X-Replica: %s\r\n", name);
}

const char *
reply_replica_line(void)
{
	return replica_line;
}

static const char *
reason(int status)
{
	switch (status) {
	case 100: return "Continue";
	case 200: return "OK";
	case 201: return "Created";
	case 202: return "Accepted";
	case 204: return "No Content";
	case 301: return "Moved Permanently";
	case 302: return "Found";
	case 303: return "See Other";
	case 304: return "Not Modified";
	case 307: return "Temporary Redirect";
	case 308: return "Permanent Redirect";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 411: return "Length Required";
	case 413: return "Content Too Large";
	case 429: return "Too Many Requests";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	case 505: return "HTTP Version Not Supported";
	default: return "Status";
	}
}

void
reply_head(struct conn *c, const struct req *r, int status, const char *extra)
{
	const char *conn = !r->keep ? "Connection: close\r\n" :
	    r->http10 ? "Connection: keep-alive\r\n" : "";

	buf_fmt(&c->out, "HTTP/1.1 %d %s\r\nServer: smokekit-fixture\r\n%s%s",
	    status, reason(status), conn, extra != NULL ? extra : "");
	/* -N: one instance answers as several replicas, round-robin. */
	if (replicas > 0)
		buf_fmt(&c->out, "X-Replica: %s-%llu\r\n", replica,
		    next_replica++ % replicas + 1);
}

void
reply_body(struct conn *c, const struct req *r, int status, const char *extra,
    const char *type, const char *body, size_t len)
{
	int bodyless = status == 204 || status == 304;

	reply_head(c, r, status, extra);
	if (!bodyless)
		buf_fmt(&c->out, "Content-Type: %s\r\nContent-Length: %zu\r\n",
		    type, len);
	buf_add(&c->out, "\r\n", 2);
	if (!bodyless && !r->head_only)
		buf_add(&c->out, body, len);
}

void
reply_json(struct conn *c, const struct req *r, int status, const char *extra,
    const char *body)
{
	reply_body(c, r, status, extra, "application/json", body, strlen(body));
}

void
reply_error(struct conn *c, const struct req *r, int status, const char *extra)
{
	char body[64];

	snprintf(body, sizeof body, "{\"error\": \"%s\"}", reason(status));
	reply_json(c, r, status, extra, body);
}

void
reply_bad_param(struct conn *c, const struct req *r, const char *name)
{
	char body[128];

	snprintf(body, sizeof body, "{\"error\": \"bad parameter %s\"}", name);
	reply_json(c, r, 400, NULL, body);
}
