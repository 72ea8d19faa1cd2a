/* demobackend: the misbehaving endpoints (see faults.h). */
#include <string.h>

#include "buf.h"
#include "faults.h"
#include "keys.h"
#include "reply.h"

#define HUGE_HEADER (1024 * 1024)

static const char slow_header[] =   /* 60 bytes: one a second for 60 s */
    "X-Slow: 0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN\r\n";

/* The faults that are fixed bytes: text, pad bytes of body, then after. */
static const struct canned {
	const char *path, *text;
	size_t pad;
	enum after after;
} canned[] = {
	{ "/fault/close", "", 0, AFTER_CLOSE },
	{ "/fault/reset-headers",
	  "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Le",
	  0, AFTER_RESET },
	{ "/fault/reset-body", "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
	  "Content-Length: 1000\r\n\r\n", 100, AFTER_RESET },
	{ "/fault/bad-chunk", "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
	  "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nzz\r\n", 0, AFTER_CLOSE },
	{ "/fault/truncated-chunked", "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
	  "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n10\r\npartial",
	  0, AFTER_CLOSE },
	{ "/fault/short-body", "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
	  "Content-Length: 100\r\n\r\n", 50, AFTER_CLOSE },
	{ "/fault/garbage", "GARBAGE\r\n\r\n", 0, AFTER_CLOSE },
	{ "/fault/http10", "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\n"
	  "close-delimited body\n", 0, AFTER_CLOSE },
};

int
fault_canned(struct conn *c, const struct req *r)
{
	size_t i;

	for (i = 0; i < sizeof canned / sizeof canned[0]; i++)
		if (req_path_is(r, canned[i].path)) {
			buf_str(&c->out, canned[i].text);
			buf_add(&c->out, conn_filler(), canned[i].pad);
			c->after = canned[i].after;
			return 1;
		}
	return 0;
}

void
fault_slow_headers(struct conn *c, const struct req *r)
{
	(void)r;
	buf_str(&c->out, "HTTP/1.1 200 OK\r\n");
	conn_drip(c, slow_header, sizeof slow_header - 1, 1000, AFTER_CLOSE);
}

void
fault_slow_body(struct conn *c, const struct req *r)
{
	reply_head(c, r, 200, "Content-Type: text/plain\r\nContent-Length: 100\r\n\r\n");
	if (!r->head_only)
		conn_drip(c, conn_filler(), 100, 500, c->after);
}

void
fault_huge_header(struct conn *c, const struct req *r)
{
	(void)r;
	buf_str(&c->out, "HTTP/1.1 200 OK\r\nX-Huge: ");
	c->after = AFTER_CLOSE;
	buf_reserve(&c->out, HUGE_HEADER);
	memset(c->out.p + c->out.len, 'h', HUGE_HEADER);
	c->out.len += HUGE_HEADER;
	buf_str(&c->out, "\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n"
	    "Connection: close\r\n\r\nok\n");
}

void
fault_continue(struct conn *c, const struct req *r)
{
	buf_str(&c->out, "HTTP/1.1 100 Continue\r\n\r\n");
	reply_json(c, r, 200, NULL, OK_BODY);
}

void
fault_retry_after(struct conn *c, const struct req *r)
{
	reply_error(c, r, 503, "Retry-After: 1\r\n");
}

/* The first request for a key fails with status, the later ones succeed. */
static void
fail_once(struct conn *c, const struct req *r, const char *ns, int status,
    const char *extra)
{
	unsigned long long n = keyed_count(c, r, ns);

	if (n == 1)
		reply_error(c, r, status, extra);
	else if (n > 1)
		reply_json(c, r, 200, NULL, OK_BODY);
}

void
fault_429_once(struct conn *c, const struct req *r)
{
	fail_once(c, r, "429", 429, "Retry-After: 1\r\n");
}

void
fault_500_once(struct conn *c, const struct req *r)
{
	fail_once(c, r, "500", 500, NULL);
}

void
fault_flaky(struct conn *c, const struct req *r)
{
	long long every;
	unsigned long long n;

	if (query_num(r, "every", 1, 1000000000, 2, &every) != 0) {
		reply_bad_param(c, r, "every");
		return;
	}
	if ((n = keyed_count(c, r, "flaky")) == 0)
		return;
	if (n % (unsigned long long)every == 0)
		reply_json(c, r, 500, NULL, "{\"error\": \"injected failure\"}");
	else
		reply_json(c, r, 200, NULL, OK_BODY);
}
