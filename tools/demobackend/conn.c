/* demobackend: the bodies that are not sent at once (see conn.h). */
#include <string.h>

#include "buf.h"
#include "conn.h"

#define STREAM_BLOCK (64 * 1024)

const char *
conn_filler(void)
{
	static char pattern[STREAM_BLOCK];
	static int ready;
	size_t i;

	if (!ready) {
		for (i = 0; i < sizeof pattern; i++)
			pattern[i] = i % 64 == 63 ? '\n' : (char)('a' + i % 64 % 26);
		ready = 1;
	}
	return pattern;
}

void
conn_stream(struct conn *c, unsigned long long bytes, int chunked)
{
	c->left = bytes;
	c->chunked = chunked;
	c->then = c->after;
	c->after = AFTER_STREAM;
}

void
conn_stream_next(struct conn *c)
{
	size_t n = c->left < STREAM_BLOCK ? (size_t)c->left : STREAM_BLOCK;

	if (n > 0) {
		if (c->chunked)
			buf_fmt(&c->out, "%zx\r\n", n);
		buf_add(&c->out, conn_filler(), n);
		if (c->chunked)
			buf_add(&c->out, "\r\n", 2);
		c->left -= n;
	}
	if (c->left == 0) {
		if (c->chunked)
			buf_str(&c->out, "0\r\n\r\n");
		c->after = c->then;
	}
}

void
conn_drip(struct conn *c, const char *text, size_t len, int ms, enum after then)
{
	c->drip = text;
	c->drip_len = len;
	c->drip_pos = 0;
	c->drip_ms = ms;
	c->then = then;
	c->after = len > 0 ? AFTER_DRIP : then;
}

void
conn_drip_next(struct conn *c)
{
	buf_add(&c->out, c->drip + c->drip_pos++, 1);
	if (c->drip_pos == c->drip_len)
		c->after = c->then;
}
