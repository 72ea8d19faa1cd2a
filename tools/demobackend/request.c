/* demobackend: reading HTTP/1.1 requests (see request.h). */
#include <string.h>
#include <strings.h>

#include "num.h"
#include "request.h"

static int
name_is(const char *s, size_t len, const char *name)
{
	return strlen(name) == len && strncasecmp(s, name, len) == 0;
}

/*
 * The end of the head (just past its blank line) in p[0, len), searching
 * from *from; 0 when it is not there yet, with *from advanced.
 */
static size_t
head_end(const char *p, size_t len, size_t *from)
{
	const char *nl;
	size_t i = *from;

	while (i < len && (nl = memchr(p + i, '\n', len - i)) != NULL) {
		i = (size_t)(nl - p);
		if (i + 1 < len && p[i + 1] == '\n')
			return i + 2;
		if (i + 2 < len && p[i + 1] == '\r' && p[i + 2] == '\n')
			return i + 3;
		if (i + 1 >= len || (p[i + 1] == '\r' && i + 2 >= len))
			break;
		i++;
	}
	*from = i < len ? i : len;
	return 0;
}

static int
parse_target(struct req *r, const char *t, size_t len)
{
	const char *q;

	r->target = t;
	r->target_len = len;
	if (len > 7 && strncasecmp(t, "http://", 7) == 0) {
		/* absolute-form: the path starts after the authority */
		const char *slash = memchr(t + 7, '/', len - 7);
		if (slash == NULL)
			slash = t + len;
		len -= (size_t)(slash - t);
		t = slash;
	} else if (len == 0 || (t[0] != '/' && !(len == 1 && t[0] == '*'))) {
		return 400;
	}
	q = memchr(t, '?', len);
	r->path = t;
	r->path_len = q != NULL ? (size_t)(q - t) : len;
	r->query = q != NULL ? q + 1 : t + len;
	r->query_len = q != NULL ? len - r->path_len - 1 : 0;
	return REQ_OK;
}

static int
parse_request_line(struct req *r, const char *line, size_t len)
{
	const char *sp1, *sp2, *v;
	size_t vlen;

	if ((sp1 = memchr(line, ' ', len)) == NULL || sp1 == line)
		return 400;
	if ((sp2 = memchr(sp1 + 1, ' ', len - (size_t)(sp1 + 1 - line))) == NULL)
		return 400;
	r->method = line;
	r->method_len = (size_t)(sp1 - line);
	v = sp2 + 1;
	vlen = len - (size_t)(v - line);
	if (vlen == 8 && memcmp(v, "HTTP/1.1", 8) == 0)
		r->http10 = 0;
	else if (vlen == 8 && memcmp(v, "HTTP/1.0", 8) == 0)
		r->http10 = 1;
	else if (vlen >= 5 && memcmp(v, "HTTP/", 5) == 0)
		return 505;
	else
		return 400;
	r->head_only = name_is(line, r->method_len, "HEAD");
	return parse_target(r, sp1 + 1, (size_t)(sp2 - sp1 - 1));
}

/* Sets the flags of a Connection header: close, keep-alive. */
static void
parse_connection(struct req *r, const char *v, size_t len)
{
	size_t i = 0, start, end;

	while (i < len) {
		while (i < len && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
			i++;
		start = i;
		while (i < len && v[i] != ',')
			i++;
		end = i;
		while (end > start && (v[end - 1] == ' ' || v[end - 1] == '\t'))
			end--;
		if (name_is(v + start, end - start, "close"))
			r->close_tok = 1;
		else if (name_is(v + start, end - start, "keep-alive"))
			r->keep_tok = 1;
	}
}

static int
parse_content_length(struct req *r, const char *v, size_t len)
{
	long long n = 0;
	size_t i;

	if (len == 0)
		return 400;
	for (i = 0; i < len; i++) {
		if (v[i] < '0' || v[i] > '9')
			return 400;
		if (n > BODY_MAX)
			return 413;
		n = n * 10 + (v[i] - '0');
	}
	if (n > BODY_MAX)
		return 413;
	if (r->clen >= 0 && r->clen != n)
		return 400;
	r->clen = n;
	return REQ_OK;
}

static int
parse_header(struct req *r, const char *line, size_t len)
{
	const char *colon = memchr(line, ':', len), *v;
	size_t nlen, vlen, i;

	if (colon == NULL || colon == line)
		return 400;
	nlen = (size_t)(colon - line);
	for (i = 0; i < nlen; i++)
		if (line[i] == ' ' || line[i] == '\t')
			return 400;   /* also rejects obsolete line folding */
	v = colon + 1;
	vlen = len - nlen - 1;
	while (vlen > 0 && (*v == ' ' || *v == '\t'))
		v++, vlen--;
	while (vlen > 0 && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
		vlen--;
	if (name_is(line, nlen, "content-length"))
		return parse_content_length(r, v, vlen);
	if (name_is(line, nlen, "transfer-encoding"))
		r->chunked_body = 1;
	else if (name_is(line, nlen, "connection"))
		parse_connection(r, v, vlen);
	else if (name_is(line, nlen, "expect"))
		r->expect = name_is(v, vlen, "100-continue");
	return REQ_OK;
}

/* Parses the head h[0, n) (request line to blank line) into r. */
static int
parse_head(struct req *r, const char *h, size_t n)
{
	const char *line = h, *end = h + n, *nl;
	size_t len;
	int st;

	memset(r, 0, sizeof *r);
	r->clen = -1;
	for (; line < end; line = nl + 1) {
		nl = memchr(line, '\n', (size_t)(end - line));
		len = (size_t)(nl - line);
		if (len > 0 && line[len - 1] == '\r')
			len--;
		if (len == 0 && line != h)
			break;
		st = line == h ? parse_request_line(r, line, len) :
		    parse_header(r, line, len);
		if (st != REQ_OK)
			return st;
	}
	if (r->chunked_body)
		return 411;   /* the body's end is only known by Content-Length */
	if (r->clen < 0)
		r->clen = 0;
	r->keep = r->http10 ? r->keep_tok : !r->close_tok;
	return REQ_OK;
}

int
req_parse(struct req_scan *s, const char *p, size_t len, struct req *r)
{
	size_t skip = 0, end, from;
	int st;

	/* Empty lines before a request line are allowed (RFC 9112 2.2). */
	while (skip < len && (p[skip] == '\r' || p[skip] == '\n'))
		skip++;
	if (s->need > 0) {
		end = s->scanned;   /* the head was complete, the body was not */
	} else {
		from = s->scanned > skip ? s->scanned : skip;
		if ((end = head_end(p, len, &from)) == 0) {
			s->scanned = from;
			return len - skip > HEAD_MAX ? 431 : REQ_MORE;
		}
	}
	if (end - skip > HEAD_MAX)
		return 431;
	if ((st = parse_head(r, p + skip, end - skip)) != REQ_OK)
		return st;
	s->scanned = end;
	s->need = end + (size_t)r->clen;
	if (len < s->need) {
		if (r->expect && !s->continued) {
			s->continued = 1;
			return REQ_CONTINUE;
		}
		return REQ_MORE;
	}
	r->head = p + skip;
	r->head_len = end - skip;
	r->body = p + end;
	r->body_len = (size_t)r->clen;
	r->total = s->need;
	s->scanned = s->need = 0;
	s->continued = 0;
	return REQ_OK;
}

int
req_path_is(const struct req *r, const char *path)
{
	return strlen(path) == r->path_len && memcmp(r->path, path, r->path_len) == 0;
}

const char *
req_header(const struct req *r, const char *name, size_t *len)
{
	const char *line = r->head, *end = r->head + r->head_len, *nl, *colon, *v;
	size_t n;

	for (; line < end; line = nl + 1) {
		if ((nl = memchr(line, '\n', (size_t)(end - line))) == NULL)
			break;
		if (line == r->head || (colon = memchr(line, ':', (size_t)(nl - line))) == NULL)
			continue;
		if (!name_is(line, (size_t)(colon - line), name))
			continue;
		v = colon + 1;
		n = (size_t)(nl - v);
		while (n > 0 && (*v == ' ' || *v == '\t'))
			v++, n--;
		while (n > 0 && (v[n - 1] == '\r' || v[n - 1] == ' ' || v[n - 1] == '\t'))
			n--;
		*len = n;
		return v;
	}
	return NULL;
}

int
query_param(const struct req *r, const char *name, char *out, size_t size)
{
	const char *q = r->query, *end = r->query + r->query_len, *amp, *eq;
	size_t nlen = strlen(name), vlen;

	for (; q < end; q = amp + 1) {
		if ((amp = memchr(q, '&', (size_t)(end - q))) == NULL)
			amp = end;
		eq = memchr(q, '=', (size_t)(amp - q));
		if (eq == NULL || (size_t)(eq - q) != nlen || memcmp(q, name, nlen) != 0)
			continue;
		vlen = (size_t)(amp - eq - 1);
		if (vlen >= size)
			return -1;
		memcpy(out, eq + 1, vlen);
		out[vlen] = '\0';
		return 1;
	}
	return 0;
}

int
query_num(const struct req *r, const char *name, long long min, long long max,
    long long def, long long *out)
{
	char v[32];

	switch (query_param(r, name, v, sizeof v)) {
	case 0:
		*out = def;
		return 0;
	case 1:
		return parse_ll(v, min, max, out);
	default:
		return -1;
	}
}
