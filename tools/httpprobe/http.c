/* smokekit: the HTTP/1.1 client pieces (URL, request, response parser, one exchange). */
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "civil.h"
#include "clock.h"
#include "http.h"
#include "num.h"
#include "url.h"

/* ---- characters ---- */

static int
is_tchar(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z') || (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* A control character other than HTAB (field values and reason phrases forbid them). */
static int
is_ctl(unsigned char c)
{
	return (c < 0x20 && c != '\t') || c == 0x7f;
}

static int
is_token(const char *s, size_t n)
{
	size_t i;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		if (!is_tchar((unsigned char)s[i]))
			return 0;
	return 1;
}

/* s[0..n) printable for a diagnostic: quoted, at most 40 bytes, escapes for the rest. */
static void
quote(char *out, size_t outsz, const char *s, size_t n)
{
	size_t o = 0, i;

	if (outsz < 8)
		return;
	out[o++] = '"';
	for (i = 0; i < n && i < 40 && o + 6 < outsz; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
			out[o++] = (char)c;
		else
			o += (size_t)snprintf(out + o, outsz - o, "\\x%02x", c);
	}
	if (i < n && o + 5 < outsz) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o++] = '"';
	out[o] = '\0';
}

/* ---- requests ---- */

struct strbuf {
	char *s;
	size_t len, cap;
	int failed;
};

static void
sb_add(struct strbuf *b, const char *s, size_t n)
{
	if (b->failed)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap > 0 ? b->cap : 256;
		char *t;
		while (cap < b->len + n + 1)
			cap *= 2;
		if ((t = realloc(b->s, cap)) == NULL) {
			b->failed = 1;
			return;
		}
		b->s = t;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void
sb_line(struct strbuf *b, const char *name, const char *value)
{
	sb_add(b, name, strlen(name));
	sb_add(b, ": ", 2);
	sb_add(b, value, strlen(value));
	sb_add(b, "\r\n", 2);
}

static const struct http_header *
find_header(const struct http_header *h, size_t n, const char *name)
{
	const struct http_header *last = NULL;
	size_t i;

	/* The last one wins, as when a later -H overrides an earlier one. */
	for (i = 0; i < n; i++)
		if (strcasecmp(h[i].name, name) == 0)
			last = &h[i];
	return last;
}

/*
 * A default header, unless the caller names it too: then the caller's
 * value is used, or none when the caller's value is NULL.
 */
static void
sb_default(struct strbuf *b, const struct http_header *h, size_t n,
    const char *name, const char *value)
{
	const struct http_header *mine = find_header(h, n, name);

	if (mine == NULL)
		sb_line(b, name, value);
	else if (mine->value != NULL)
		sb_line(b, mine->name, mine->value);
}

static int
carries_body(const char *method)
{
	return strcmp(method, "POST") == 0 || strcmp(method, "PUT") == 0 ||
	    strcmp(method, "PATCH") == 0;
}

/* Is name one of the defaults written (or removed) before the caller's headers? */
static int
placed(const char *name, const char *method, size_t body_len, int keep_alive)
{
	if (strcasecmp(name, "Host") == 0 || strcasecmp(name, "User-Agent") == 0 ||
	    strcasecmp(name, "Accept-Encoding") == 0)
		return 1;
	if (strcasecmp(name, "Content-Length") == 0)
		return body_len > 0 || carries_body(method);
	if (strcasecmp(name, "Connection") == 0)
		return !keep_alive;
	return 0;
}

char *
http_format_request(const char *method, const struct url *u,
    const struct http_header *headers, size_t nheaders, size_t body_len,
    int keep_alive)
{
	struct strbuf b = { NULL, 0, 0, 0 };
	char num[32];
	size_t i;

	sb_add(&b, method, strlen(method));
	sb_add(&b, " ", 1);
	sb_add(&b, u->path, strlen(u->path));
	sb_add(&b, " HTTP/1.1\r\n", 11);
	sb_default(&b, headers, nheaders, "Host", u->hostport);
	sb_default(&b, headers, nheaders, "User-Agent", "smokekit/" SMOKEKIT_VERSION);
	sb_default(&b, headers, nheaders, "Accept-Encoding", "identity");
	if (body_len > 0 || carries_body(method)) {
		snprintf(num, sizeof num, "%zu", body_len);
		sb_default(&b, headers, nheaders, "Content-Length", num);
	}
	if (!keep_alive)
		sb_default(&b, headers, nheaders, "Connection", "close");
	for (i = 0; i < nheaders; i++)
		if (headers[i].value != NULL &&
		    !placed(headers[i].name, method, body_len, keep_alive))
			sb_line(&b, headers[i].name, headers[i].value);
	sb_add(&b, "\r\n", 2);
	if (b.failed) {
		free(b.s);
		return NULL;
	}
	return b.s;
}

int
http_header_parse(char *line, struct http_header *h, const char **why)
{
	char *colon = strchr(line, ':'), *v, *e;

	if (colon == NULL) {
		*why = "no colon (want \"Name: value\")";
		return -1;
	}
	if (!is_token(line, (size_t)(colon - line))) {
		*why = "the name is not a valid header name";
		return -1;
	}
	*colon = '\0';
	for (v = colon + 1; *v == ' ' || *v == '\t'; v++)
		;
	for (e = v + strlen(v); e > v && (e[-1] == ' ' || e[-1] == '\t'); e--)
		;
	*e = '\0';
	for (e = v; *e != '\0'; e++)
		if (is_ctl((unsigned char)*e)) {
			*colon = ':';
			*why = "control character in the value";
			return -1;
		}
	h->name = line;
	h->value = v;
	return 0;
}

int
http_method_idempotent(const char *method)
{
	static const char *const safe[] = { "GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE" };
	size_t i;

	for (i = 0; i < sizeof safe / sizeof safe[0]; i++)
		if (strcmp(method, safe[i]) == 0)
			return 1;
	return 0;
}

/* ---- expected statuses ---- */

int
http_status_set_parse(const char *spec, struct http_status_set *set)
{
	const char *p = spec;

	memset(set, 0, sizeof *set);
	for (;;) {
		size_t n = strcspn(p, ",");
		int lo, hi, i;
		if (n == 3 && p[0] >= '1' && p[0] <= '5' &&
		    (p[1] == 'x' || p[1] == 'X') && (p[2] == 'x' || p[2] == 'X')) {
			lo = (p[0] - '0') * 100;
			hi = lo + 99;
		} else if (n == 3 && p[0] >= '1' && p[0] <= '5' &&
		    p[1] >= '0' && p[1] <= '9' && p[2] >= '0' && p[2] <= '9') {
			lo = hi = (p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0');
		} else {
			return -1;
		}
		for (i = lo; i <= hi; i++)
			set->ok[i] = 1;
		if (p[n] == '\0')
			return 0;
		p += n + 1;
	}
}

int
http_status_expected(const struct http_status_set *set, int status)
{
	return status >= 0 && status < 600 && set->ok[status];
}

/* ---- the response parser ---- */

enum pstate {
	P_STATUS, P_HEADER, P_BODY_LEN, P_BODY_CLOSE, P_CHUNK_SIZE, P_CHUNK_EXT,
	P_CHUNK_SIZE_LF, P_CHUNK_DATA, P_CHUNK_DATA_CR, P_CHUNK_DATA_LF,
	P_TRAILER, P_DONE, P_ERROR
};

#define MAX_INTERIM 16
#define MAX_CHUNK_EXT 4096

struct http_parser {
	enum pstate state;
	int head_request;
	int status;             /* of the final head, once parsed */
	int cur_status;         /* of the head being parsed */
	int minor;              /* HTTP/1.minor */
	int interim;            /* 1xx heads skipped */
	int keep_alive;
	int has_length, te, te_chunked, conn_close, conn_keep;
	unsigned long long length, remaining, body_bytes;
	unsigned long long chunk;
	int chunk_digits;
	size_t ext_len;
	size_t raw;             /* raw bytes of the current head or trailer block */
	/*
	 * buf holds the parsed fields as "reason\0name\0value\0name\0value\0..."
	 * up to used (head_end once the head is done: trailers are not kept), then the raw
	 * bytes of the line being read (linelen of them).
	 */
	char *buf;
	size_t used, linelen, cap, head_end;
	char err[160];
};

static int
fail(struct http_parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int
fail(struct http_parser *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->err, sizeof p->err, fmt, ap);
	va_end(ap);
	p->state = P_ERROR;
	return -1;
}

void
http_parser_reset(struct http_parser *p, int head_request)
{
	char *buf = p->buf;
	size_t cap = p->cap;

	memset(p, 0, sizeof *p);
	p->buf = buf;
	p->cap = cap;
	p->head_request = head_request;
	p->state = P_STATUS;
}

struct http_parser *
http_parser_new(int head_request)
{
	struct http_parser *p = calloc(1, sizeof *p);

	if (p != NULL)
		http_parser_reset(p, head_request);
	return p;
}

void
http_parser_free(struct http_parser *p)
{
	if (p != NULL)
		free(p->buf);
	free(p);
}

/* Appends the reason phrase or a field to the parsed store (in place: it never grows). */
static void
store(struct http_parser *p, const char *s, size_t n)
{
	memmove(p->buf + p->used, s, n);
	p->buf[p->used + n] = '\0';
	p->used += n + 1;
}

static int
parse_status_line(struct http_parser *p, char *line, size_t n)
{
	char q[64];
	int code;

	if (n < 12 || memcmp(line, "HTTP/", 5) != 0 || line[5] < '0' || line[5] > '9' ||
	    line[6] != '.' || line[7] < '0' || line[7] > '9' || line[8] != ' ' ||
	    line[9] < '0' || line[9] > '9' || line[10] < '0' || line[10] > '9' ||
	    line[11] < '0' || line[11] > '9' || (n > 12 && line[12] != ' ')) {
		quote(q, sizeof q, line, n);
		return fail(p, "malformed status line %s", q);
	}
	if (line[5] != '1') {
		quote(q, sizeof q, line, 8);
		return fail(p, "unsupported HTTP version %s", q);
	}
	code = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
	if (code < 100 || code > 599) {
		quote(q, sizeof q, line + 9, 3);
		return fail(p, "status code %s out of range", q);
	}
	{
		size_t i, r = n > 12 ? 13 : n;
		for (i = r; i < n; i++)
			if (is_ctl((unsigned char)line[i]))
				return fail(p, "control character in the reason phrase");
		p->minor = line[7] - '0';
		p->cur_status = code;
		p->used = 0;
		store(p, line + r, n - r);
	}
	return 0;
}

/* Content-Length: digits, or a list of equal values ("10, 10"). */
static int
parse_length(struct http_parser *p, const char *v)
{
	unsigned long long n;

	do {
		n = 0;
		while (*v == ' ' || *v == '\t')
			v++;
		if (*v < '0' || *v > '9')
			return fail(p, "bad Content-Length");
		for (; *v >= '0' && *v <= '9'; v++) {
			if (n > (~0ULL - 9) / 10)
				return fail(p, "Content-Length too large");
			n = n * 10 + (unsigned)(*v - '0');
		}
		while (*v == ' ' || *v == '\t')
			v++;
		if (p->has_length && n != p->length)
			return fail(p, "conflicting Content-Length values");
		p->has_length = 1;
		p->length = n;
	} while (*v++ == ',');
	return v[-1] == '\0' ? 0 : fail(p, "bad Content-Length");
}

/* Does the comma-separated list v hold token t (case-insensitively)? Is it last? */
static int
list_has(const char *v, const char *t, int *last)
{
	size_t tl = strlen(t);
	int found = 0;

	*last = 0;
	for (;;) {
		size_t n;
		while (*v == ' ' || *v == '\t' || *v == ',')
			v++;
		if (*v == '\0')
			return found;
		n = strcspn(v, ",");
		while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
			n--;
		*last = n == tl && strncasecmp(v, t, tl) == 0;
		found |= *last;
		v += n;
		while (*v == ' ' || *v == '\t')
			v++;
	}
}

/*
 * Transfer-Encoding: chunked is the one coding we can undo. Any other
 * (gzip, deflate, compress, one of our own) would leave the body saved
 * still encoded, so it is a protocol error, named.
 */
static int
parse_te(struct http_parser *p, const char *v)
{
	for (;;) {
		size_t n;
		while (*v == ' ' || *v == '\t' || *v == ',')
			v++;
		if (*v == '\0')
			break;
		n = strcspn(v, ",;");
		while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
			n--;
		if (n != 7 || strncasecmp(v, "chunked", 7) != 0 || p->te_chunked) {
			char q[64];
			quote(q, sizeof q, v, n);
			return fail(p, p->te_chunked ? "Transfer-Encoding chunked more than once" :
			    "unsupported Transfer-Encoding %s (only chunked is)", q);
		}
		p->te_chunked = 1;
		v += strcspn(v, ",");
	}
	if (!p->te_chunked)
		return fail(p, "empty Transfer-Encoding");
	p->te = 1;
	return 0;
}

static int
parse_field(struct http_parser *p, char *line, size_t n, int trailer)
{
	char *colon = memchr(line, ':', n), *v, *e;
	size_t i, at;

	if (line[0] == ' ' || line[0] == '\t')
		return fail(p, "obsolete line folding in a header field");
	if (colon == NULL)
		return fail(p, "header line without a colon");
	if (!is_token(line, (size_t)(colon - line))) {
		char q[64];
		quote(q, sizeof q, line, (size_t)(colon - line));
		return fail(p, "invalid header name %s", q);
	}
	for (v = colon + 1; v < line + n && (*v == ' ' || *v == '\t'); v++)
		;
	for (e = line + n; e > v && (e[-1] == ' ' || e[-1] == '\t'); e--)
		;
	for (i = 0; v + i < e; i++)
		if (is_ctl((unsigned char)v[i])) {
			*colon = '\0';
			/* The name only: a value may be a secret. */
			return fail(p, "control character in the value of header %s", line);
		}
	/* A trailer is checked, not kept: nothing reads one. */
	if (trailer)
		return 0;
	at = p->used;
	*colon = '\0';
	*e = '\0';
	store(p, line, (size_t)(colon - line));
	store(p, v, (size_t)(e - v));
	line = p->buf + at;
	v = line + strlen(line) + 1;
	if (strcasecmp(line, "Content-Length") == 0)
		return parse_length(p, v);
	if (strcasecmp(line, "Transfer-Encoding") == 0)
		return parse_te(p, v); else if (strcasecmp(line, "Connection") == 0) {
		int last;
		p->conn_close |= list_has(v, "close", &last);
		p->conn_keep |= list_has(v, "keep-alive", &last);
	}
	return 0;
}

static void
head_done(struct http_parser *p)
{
	int status = p->cur_status;

	if (status >= 100 && status < 200) {
		if (status == 101) {
			fail(p, "unexpected 101 Switching Protocols");
			return;
		}
		if (++p->interim > MAX_INTERIM) {
			fail(p, "more than 16 interim (1xx) responses");
			return;
		}
		/* An interim answer: forget it, read the next head. */
		p->used = p->raw = 0;
		p->has_length = p->te = p->te_chunked = p->conn_close = p->conn_keep = 0;
		p->length = 0;
		p->state = P_STATUS;
		return;
	}
	p->status = status;
	p->head_end = p->used;
	p->raw = 0;
	p->keep_alive = p->minor >= 1 ? !p->conn_close : p->conn_keep && !p->conn_close;
	if (p->te && p->has_length)
		p->keep_alive = 0;	/* a framing conflict: never reuse */
	if (p->head_request || status == 204 || status == 304) {
		p->state = P_DONE;
	} else if (p->te) {	/* chunked: parse_te refused every other coding */
		if (p->minor == 0)
			p->keep_alive = 0;
		p->state = P_CHUNK_SIZE;
	} else if (p->has_length) {
		p->remaining = p->length;
		p->state = p->length > 0 ? P_BODY_LEN : P_DONE;
	} else {
		p->keep_alive = 0;
		p->state = P_BODY_CLOSE;
	}
}

/* One complete line (terminator stripped) in the status, header or trailer state. */
static void
line_done(struct http_parser *p, char *line, size_t n)
{
	if (memchr(line, '\r', n) != NULL || memchr(line, '\0', n) != NULL) {
		fail(p, "%s in the response head", memchr(line, '\0', n) != NULL ?
		    "NUL byte" : "bare CR");
		return;
	}
	switch (p->state) {
	case P_STATUS:
		if (parse_status_line(p, line, n) == 0)
			p->state = P_HEADER;
		break;
	case P_HEADER:
		if (n == 0)
			head_done(p);
		else
			parse_field(p, line, n, 0);
		break;
	default:		/* P_TRAILER */
		if (n == 0)
			p->state = P_DONE;
		else
			parse_field(p, line, n, 1);
		break;
	}
}

static int
grow(struct http_parser *p, size_t need)
{
	size_t cap = p->cap > 0 ? p->cap : 1024;
	char *b;

	if (need <= p->cap)
		return 0;
	while (cap < need)
		cap *= 2;
	if ((b = realloc(p->buf, cap)) == NULL) {
		fail(p, "out of memory");
		return -1;
	}
	p->buf = b;
	p->cap = cap;
	return 0;
}

/* Takes bytes of a line-oriented part; returns how many it consumed. */
static size_t
take_line(struct http_parser *p, const char *s, size_t n)
{
	const char *nl = memchr(s, '\n', n);
	size_t take = nl != NULL ? (size_t)(nl - s) + 1 : n;
	char *line;

	if (p->raw + take > HTTP_MAX_HEAD) {
		snprintf(p->err, sizeof p->err, "response %s larger than %d bytes",
		    p->state == P_TRAILER ? "trailer" : "head", HTTP_MAX_HEAD);
		p->state = P_ERROR;
		return take;
	}
	if (grow(p, p->used + p->linelen + take + 1) != 0)
		return take;
	line = p->buf + p->used;
	memcpy(line + p->linelen, s, take);
	p->linelen += take;
	line[p->linelen] = '\0';
	p->raw += take;
	if (p->state == P_STATUS) {
		/* Say at once when it is not HTTP at all, without waiting for a line. */
		size_t k = p->linelen < 5 ? p->linelen : 5;
		if (memcmp(line, "HTTP/", k) != 0) {
			char q[64];
			quote(q, sizeof q, line, strcspn(line, "\r\n") < p->linelen ?
			    strcspn(line, "\r\n") : p->linelen);
			fail(p, "not an HTTP response: %s", q);
			return take;
		}
	}
	if (nl != NULL) {
		size_t len = p->linelen - 1;
		if (len > 0 && line[len - 1] == '\r')
			len--;
		line[len] = '\0';
		p->linelen = 0;
		line_done(p, line, len);
	}
	return take;
}


static void
chunk_size_done(struct http_parser *p)
{
	if (p->chunk == 0) {
		p->raw = 0;
		p->state = P_TRAILER;
	} else {
		p->state = P_CHUNK_DATA;
	}
}

/* One byte of the chunk framing (size line, CRLF after the data). */
static void
chunk_byte(struct http_parser *p, unsigned char c)
{
	char q[16];
	int h;

	switch (p->state) {
	case P_CHUNK_SIZE:
		if ((h = hexval(c)) >= 0) {
			if (++p->chunk_digits > 15) {
				fail(p, "chunk size too large");
				return;
			}
			p->chunk = p->chunk * 16 + (unsigned)h;
		} else if (p->chunk_digits > 0 && (c == ';' || c == ' ' || c == '\t')) {
			p->state = P_CHUNK_EXT;
		} else if (p->chunk_digits > 0 && c == '\r') {
			p->state = P_CHUNK_SIZE_LF;
		} else if (p->chunk_digits > 0 && c == '\n') {
			chunk_size_done(p);
		} else {
			quote(q, sizeof q, (const char *)&c, 1);
			fail(p, "bad chunk size: unexpected byte %s", q);
		}
		break;
	case P_CHUNK_EXT:
		if (c == '\r')
			p->state = P_CHUNK_SIZE_LF;
		else if (c == '\n')
			chunk_size_done(p);
		else if (is_ctl(c) || ++p->ext_len > MAX_CHUNK_EXT)
			fail(p, "bad chunk extension");
		break;
	case P_CHUNK_SIZE_LF:
		if (c == '\n')
			chunk_size_done(p);
		else
			fail(p, "bad chunk size line: CR without LF");
		break;
	case P_CHUNK_DATA_CR:
		if (c == '\r')
			p->state = P_CHUNK_DATA_LF;
		else if (c == '\n')
			goto next;
		else
			fail(p, "chunk data longer than its size");
		break;
	default:		/* P_CHUNK_DATA_LF */
		if (c != '\n') {
			fail(p, "chunk data longer than its size");
			break;
		}
	next:
		p->chunk = 0;
		p->chunk_digits = 0;
		p->ext_len = 0;
		p->state = P_CHUNK_SIZE;
		break;
	}
}

static void
body(struct http_parser *p, const char *s, size_t n,
    void (*on_body)(void *, const char *, size_t), void *ctx)
{
	p->body_bytes += n;
	if (on_body != NULL && n > 0)
		on_body(ctx, s, n);
}

enum http_parse
http_parser_feed(struct http_parser *p, const char *buf, size_t len, size_t *used,
    void (*on_body)(void *ctx, const char *data, size_t n), void *ctx)
{
	size_t i = 0, n;

	while (i < len && p->state != P_DONE && p->state != P_ERROR) {
		switch (p->state) {
		case P_STATUS:
		case P_HEADER:
		case P_TRAILER:
			i += take_line(p, buf + i, len - i);
			break;
		case P_BODY_LEN:
			n = len - i < p->remaining ? len - i : (size_t)p->remaining;
			body(p, buf + i, n, on_body, ctx);
			i += n;
			if ((p->remaining -= n) == 0)
				p->state = P_DONE;
			break;
		case P_BODY_CLOSE:
			body(p, buf + i, len - i, on_body, ctx);
			i = len;
			break;
		case P_CHUNK_DATA:
			n = len - i < p->chunk ? len - i : (size_t)p->chunk;
			body(p, buf + i, n, on_body, ctx);
			i += n;
			if ((p->chunk -= n) == 0)
				p->state = P_CHUNK_DATA_CR;
			break;
		default:
			chunk_byte(p, (unsigned char)buf[i++]);
			break;
		}
	}
	*used = i;
	return p->state == P_DONE ? HTTP_PARSE_DONE :
	    p->state == P_ERROR ? HTTP_PARSE_ERROR : HTTP_PARSE_MORE;
}

enum http_parse
http_parser_eof(struct http_parser *p)
{
	char n1[24], n2[24];

	switch (p->state) {
	case P_DONE:
		return HTTP_PARSE_DONE;
	case P_ERROR:
		return HTTP_PARSE_ERROR;
	case P_BODY_CLOSE:
		p->state = P_DONE;
		return HTTP_PARSE_DONE;
	case P_STATUS:
	case P_HEADER:
		snprintf(p->err, sizeof p->err, p->raw == 0 && p->interim == 0 ?
		    "connection closed before any response" :
		    "connection closed in the middle of the response head");
		break;
	case P_BODY_LEN:
		snprintf(n1, sizeof n1, "%llu", p->body_bytes);
		snprintf(n2, sizeof n2, "%llu", p->length);
		snprintf(p->err, sizeof p->err,
		    "connection closed after %s of %s body bytes", n1, n2);
		break;
	default:
		snprintf(n1, sizeof n1, "%llu", p->body_bytes);
		snprintf(p->err, sizeof p->err,
		    "connection closed in the middle of the chunked body (after %s bytes)", n1);
		break;
	}
	p->state = P_ERROR;
	return HTTP_PARSE_ERROR;
}

int
http_parser_status(const struct http_parser *p)
{
	return p->status;
}

int
http_parser_keep_alive(const struct http_parser *p)
{
	return p->state == P_DONE && p->keep_alive;
}

int
http_parser_header_next(const struct http_parser *p, size_t *pos,
    struct http_header *h)
{
	size_t at = *pos;

	if (p->status == 0)
		return 0;
	if (at == 0)
		at = strlen(p->buf) + 1;	/* past the reason */
	if (at >= p->head_end)
		return 0;
	h->name = p->buf + at;
	at += strlen(h->name) + 1;
	h->value = p->buf + at;
	*pos = at + strlen(h->value) + 1;
	return 1;
}

const char *
http_parser_header(const struct http_parser *p, const char *name)
{
	struct http_header h;
	size_t pos = 0;

	while (http_parser_header_next(p, &pos, &h))
		if (strcasecmp(h.name, name) == 0)
			return h.value;
	return NULL;
}

const char *
http_parser_reason(const struct http_parser *p)
{
	return p->status != 0 ? p->buf : "";
}

unsigned long long
http_parser_body_bytes(const struct http_parser *p)
{
	return p->body_bytes;
}

const char *
http_parser_error(const struct http_parser *p)
{
	return p->state == P_ERROR ? p->err : NULL;
}

/* ---- Retry-After ---- */

static int
month_of(const char *s)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	int i;

	for (i = 0; i < 12; i++)
		if (strlen(s) == 3 && strncmp(s, months + 3 * i, 3) == 0)
			return i + 1;
	return 0;
}

/* The three HTTP-date forms (RFC 9110 5.6.7) as seconds since the epoch. */
static int
http_date(const char *v, long long now, long long *t)
{
	char wd[16], mon[4];
	int d, y, hh, mm, ss, n = -1;

	if (sscanf(v, "%3[A-Za-z], %2d %3[A-Za-z] %4d %2d:%2d:%2d GMT%n",
	    wd, &d, mon, &y, &hh, &mm, &ss, &n) == 7 && n > 0) {
		;
	} else if (n = -1, sscanf(v, "%9[A-Za-z], %2d-%3[A-Za-z]-%2d %2d:%2d:%2d GMT%n",
	    wd, &d, mon, &y, &hh, &mm, &ss, &n) == 7 && n > 0) {
		/* A two-digit year more than 50 years ahead is in the past century. */
		long long cy = 1970 + now / 31556952;
		y += (int)(cy / 100 * 100);
		if (y > cy + 50)
			y -= 100;
	} else if (n = -1, sscanf(v, "%3[A-Za-z] %3[A-Za-z] %2d %2d:%2d:%2d %4d%n",
	    wd, mon, &d, &hh, &mm, &ss, &y, &n) == 7 && n > 0) {
		;
	} else {
		return -1;
	}
	while (v[n] == ' ')
		n++;
	if (v[n] != '\0' || month_of(mon) == 0 || d < 1 || d > 31 || y < 1900 ||
	    hh > 23 || mm > 59 || ss > 60 || hh < 0 || mm < 0 || ss < 0)
		return -1;
	*t = days_from_civil(y, month_of(mon), d) * 86400 + hh * 3600 + mm * 60 + ss;
	return 0;
}

int
http_retry_after_ms(const char *value, long long now_epoch_s, double *ms)
{
	const char *v = value;
	long long t;
	double s = 0;

	while (*v == ' ' || *v == '\t')
		v++;
	if (*v >= '0' && *v <= '9') {
		/* Any number of digits: the value saturates, it never overflows. */
		for (; *v >= '0' && *v <= '9'; v++)
			if (s < HTTP_RETRY_AFTER_MAX_MS / 1000)
				s = s * 10 + (*v - '0');
		while (*v == ' ' || *v == '\t')
			v++;
		if (*v != '\0')
			return -1;
		*ms = s * 1000 < HTTP_RETRY_AFTER_MAX_MS ? s * 1000 : HTTP_RETRY_AFTER_MAX_MS;
		return 0;
	}
	if (http_date(v, now_epoch_s, &t) != 0)
		return -1;
	s = t > now_epoch_s ? (double)(t - now_epoch_s) * 1000 : 0;
	*ms = s < HTTP_RETRY_AFTER_MAX_MS ? s : HTTP_RETRY_AFTER_MAX_MS;
	return 0;
}

/* ---- one exchange ---- */


const char *
http_error_class(enum http_error e)
{
	static const char *const names[] = {
		"", "dns", "refused", "unreachable", "timeout", "reset", "empty",
		"protocol", "system",
	};

	return (size_t)e < sizeof names / sizeof names[0] ? names[e] : "system";
}

static int
x_fail(struct http_exchange *x, enum http_error e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
x_fail(struct http_exchange *x, enum http_error e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(x->message, sizeof x->message, fmt, ap);
	va_end(ap);
	x->error = e;
	return -1;
}

/* Waits for events on fd until deadline; 0 when it passed, -1 on error. */
static int
wait_fd(int fd, short events, double deadline)
{
	struct pollfd pfd;
	int r;

	for (;;) {
		double left = deadline - clock_ms();
		if (left <= 0)
			return 0;
		pfd.fd = fd;
		pfd.events = events;
		pfd.revents = 0;
		r = poll(&pfd, 1, left > 2e9 ? 2000000000 : (int)left + 1);
		if (r > 0)
			return pfd.revents;
		if (r < 0 && errno != EINTR)
			return -1;
	}
}

struct addrs {
	int n;
	struct {
		int family;
		socklen_t len;
		struct sockaddr_storage sa;
	} a[16];
};

static void
addrs_from(struct addrs *out, const struct addrinfo *res)
{
	out->n = 0;
	for (; res != NULL && out->n < 16; res = res->ai_next) {
		if (res->ai_addrlen > sizeof out->a[0].sa)
			continue;
		out->a[out->n].family = res->ai_family;
		out->a[out->n].len = res->ai_addrlen;
		memcpy(&out->a[out->n].sa, res->ai_addr, res->ai_addrlen);
		out->n++;
	}
}

/* Reads exactly n bytes from a pipe until deadline; 0, or -1. */
static int
read_full(int fd, void *buf, size_t n, double deadline)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r;
		if (wait_fd(fd, POLLIN, deadline) <= 0)
			return -1;
		r = read(fd, (char *)buf + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		got += (size_t)r;
	}
	return 0;
}

/*
 * getaddrinfo cannot be interrupted, and a resolver may hang far past any
 * deadline, so a name (not a numeric address) is resolved in a child that
 * is killed when the deadline passes.
 */
static int
resolve(struct http_exchange *x, struct addrs *out)
{
	struct addrinfo hints, *res;
	int gai = 0, answered, fds[2];
	pid_t pid;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	if (getaddrinfo(x->url->host, x->url->port, &hints, &res) == 0) {
		addrs_from(out, res);
		freeaddrinfo(res);
		return 0;
	}
	if (pipe(fds) != 0)
		return x_fail(x, HTTP_ERR_SYSTEM, "pipe: %s", strerror(errno));
	if ((pid = fork()) < 0) {
		close(fds[0]);
		close(fds[1]);
		return x_fail(x, HTTP_ERR_SYSTEM, "fork: %s", strerror(errno));
	}
	if (pid == 0) {
		close(fds[0]);
		hints.ai_flags = AI_NUMERICSERV;
		gai = getaddrinfo(x->url->host, x->url->port, &hints, &res);
		if (gai == 0) {
			addrs_from(out, res);
			freeaddrinfo(res);
		}
		if (write(fds[1], &gai, sizeof gai) != (ssize_t)sizeof gai ||
		    (gai == 0 && write(fds[1], out, sizeof *out) != (ssize_t)sizeof *out))
			_exit(1);
		_exit(0);
	}
	close(fds[1]);
	answered = read_full(fds[0], &gai, sizeof gai, x->deadline_ms) == 0 &&
	    (gai != 0 || read_full(fds[0], out, sizeof *out, x->deadline_ms) == 0);
	if (!answered)
		kill(pid, SIGKILL);
	close(fds[0]);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	if (!answered && clock_ms() >= x->deadline_ms)
		return x_fail(x, HTTP_ERR_TIMEOUT, "resolving %s: timed out", x->url->host);
	if (!answered || gai != 0)
		return x_fail(x, HTTP_ERR_DNS, "resolve %s: %s", x->url->host,
		    !answered ? "the resolver failed" : gai_strerror(gai));
	if (out->n == 0)
		return x_fail(x, HTTP_ERR_DNS, "resolve %s: no address", x->url->host);
	return 0;
}

static void
peer_name(char *buf, size_t n, const struct sockaddr_storage *sa)
{
	char host[INET6_ADDRSTRLEN] = "?";
	int port = 0;

	if (sa->ss_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)sa;
		inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
		port = ntohs(in->sin_port);
	} else if (sa->ss_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const void *)sa;
		inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host);
		port = ntohs(in6->sin6_port);
	}
	snprintf(buf, n, "%s port %d", host, port);
}

static enum http_error
connect_class(int err)
{
	switch (err) {
	case ECONNREFUSED:
		return HTTP_ERR_REFUSED;
	case ENETUNREACH:
	case EHOSTUNREACH:
	case EADDRNOTAVAIL:
	case ENETDOWN:
	case EAFNOSUPPORT:
		return HTTP_ERR_UNREACHABLE;
	case ETIMEDOUT:
		return HTTP_ERR_TIMEOUT;
	default:
		return HTTP_ERR_SYSTEM;
	}
}

/* Connects to the first address that answers; returns the socket or -1. */
static int
connect_any(struct http_exchange *x, const struct addrs *ad, double start)
{
	double budget_end = x->connect_timeout_ms > 0 ?
	    start + x->connect_timeout_ms : x->deadline_ms;
	char name[64];
	int i, fd = -1, one = 1;

	if (budget_end > x->deadline_ms)
		budget_end = x->deadline_ms;
	if (ad->n == 0)
		return x_fail(x, HTTP_ERR_DNS, "resolve %s: no address", x->url->host);
	for (i = 0; i < ad->n; i++) {
		/* Share what is left of the budget between the addresses left. */
		double now = clock_ms();
		double end = now + (budget_end - now) / (ad->n - i);
		int err = 0, ev;
		socklen_t elen = sizeof err;

		peer_name(name, sizeof name, &ad->a[i].sa);
		fd = socket(ad->a[i].family, SOCK_STREAM, 0);
		if (fd < 0) {
			x_fail(x, connect_class(errno), "socket for %s: %s", name, strerror(errno));
			continue;
		}
		fcntl(fd, F_SETFD, FD_CLOEXEC);
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		if (connect(fd, (const struct sockaddr *)&ad->a[i].sa, ad->a[i].len) == 0)
			goto connected;
		if (errno != EINPROGRESS) {
			err = errno;
		} else if ((ev = wait_fd(fd, POLLOUT, end)) == 0) {
			close(fd);
			fd = -1;
			/* The first address from the attempt's start: never below -T. */
			x_fail(x, HTTP_ERR_TIMEOUT, "connect to %s: timed out after %.2f s",
			    name, (clock_ms() - (i == 0 ? start : now)) / 1000);
			continue;
		} else if (ev < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) != 0) {
			err = errno;
		}
		if (err == 0)
			goto connected;
		close(fd);
		fd = -1;
		x_fail(x, connect_class(err), "connect to %s: %s", name, strerror(err));
	}
	if (ad->n > 1 && x->error != HTTP_ERR_NONE) {
		/* Say that every address was tried, then what the last one said. */
		char m[sizeof x->message];
		memcpy(m, x->message, sizeof m);
		snprintf(x->message, sizeof x->message, "%.200s (all %d addresses failed)",
		    m, ad->n);
	}
	return -1;
connected:
	snprintf(x->peer, sizeof x->peer, "%s", name);
	x->error = HTTP_ERR_NONE;
	x->message[0] = '\0';
	return fd;
}

struct x_sink {
	struct http_exchange *x;
	int failed;
};

static void
x_body(void *ctx, const char *data, size_t n)
{
	struct x_sink *s = ctx;

	if (!s->failed && s->x->on_body != NULL && s->x->on_body(s->x->ctx, data, n) != 0)
		s->failed = 1;
}

/* Where the exchange was when it stopped, for the messages. */
static const char *
where(const struct http_exchange *x, unsigned long long got, char *buf, size_t n)
{
	const char *len = http_parser_header(x->parser, "Content-Length");
	unsigned long long body = http_parser_body_bytes(x->parser);

	if (got == 0)
		return "waiting for the response";
	if (http_parser_status(x->parser) == 0)
		snprintf(buf, n, "in the response head (%llu bytes received)", got);
	else if (len != NULL && http_parser_header(x->parser, "Transfer-Encoding") == NULL)
		snprintf(buf, n, "in the response body (%llu of %s bytes)", body, len);
	else
		snprintf(buf, n, "in the response body (%llu bytes)", body);
	return buf;
}

/* Sends the request; stops early (returning 0) when the server already answers. */
static int
send_request(struct http_exchange *x, int fd, const char *head)
{
	struct iovec iov[2];
	size_t hl = strlen(head), total = hl + x->body_len, off = 0;
	struct msghdr msg;

	while (off < total) {
		int ev = wait_fd(fd, POLLOUT | POLLIN, x->deadline_ms);
		ssize_t w;
		if (ev == 0)
			return x_fail(x, HTTP_ERR_TIMEOUT, "timed out sending the request (%zu of %zu bytes sent)",
			    off, total);
		if (ev & POLLIN)
			return 0;
		memset(&msg, 0, sizeof msg);
		msg.msg_iov = iov;
		if (off < hl) {
			iov[0].iov_base = (char *)head + off;
			iov[0].iov_len = hl - off;
			iov[1].iov_base = (char *)x->body;
			iov[1].iov_len = x->body_len;
			msg.msg_iovlen = x->body_len > 0 ? 2 : 1;
		} else {
			iov[0].iov_base = (char *)x->body + (off - hl);
			iov[0].iov_len = total - off;
			msg.msg_iovlen = 1;
		}
		w = sendmsg(fd, &msg, MSG_NOSIGNAL);
		if (w < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
			continue;
		if (w < 0) {
			/* The server may have answered and closed: read what it said. */
			if (errno == EPIPE || errno == ECONNRESET)
				return 0;
			return x_fail(x, HTTP_ERR_SYSTEM, "send: %s", strerror(errno));
		}
		x->sent = 1;
		off += (size_t)w;
	}
	return 0;
}

static int
receive(struct http_exchange *x, int fd, double start)
{
	char buf[65536], at[96];
	struct x_sink sink = { x, 0 };
	unsigned long long got = 0;

	for (;;) {
		ssize_t r;
		size_t used, off = 0;
		enum http_parse st = HTTP_PARSE_MORE;
		int ev = wait_fd(fd, POLLIN, x->deadline_ms);

		if (ev == 0)
			return x_fail(x, HTTP_ERR_TIMEOUT, "timed out after %.2f s %s",
			    (clock_ms() - start) / 1000, where(x, got, at, sizeof at));
		r = recv(fd, buf, sizeof buf, 0);
		if (r < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
			continue;
		if (r < 0) {
			if (errno == ECONNRESET || errno == EPIPE)
				return x_fail(x, HTTP_ERR_RESET, "connection reset by the server %s",
				    where(x, got, at, sizeof at));
			return x_fail(x, HTTP_ERR_SYSTEM, "recv: %s", strerror(errno));
		}
		if (r == 0) {
			if (got == 0)
				return x_fail(x, HTTP_ERR_EMPTY,
				    "the server closed the connection without a response");
			st = http_parser_eof(x->parser);
		} else {
			if (got == 0)
				x->first_byte_ms = clock_ms() - start;
			got += (size_t)r;
			while (off < (size_t)r && st == HTTP_PARSE_MORE) {
				st = http_parser_feed(x->parser, buf + off, (size_t)r - off,
				    &used, x_body, &sink);
				off += used;
			}
		}
		if (sink.failed)
			return x_fail(x, HTTP_ERR_SYSTEM, "the body could not be written");
		if (st == HTTP_PARSE_DONE)
			return 0;
		if (st == HTTP_PARSE_ERROR)
			return x_fail(x, HTTP_ERR_PROTOCOL, "%s", http_parser_error(x->parser));
	}
}

int
http_exchange_run(struct http_exchange *x)
{
	/* From the deadline's own start: "timed out after" is never below -t. */
	double start = x->start_ms > 0 ? x->start_ms : clock_ms();
	struct addrs ad;
	char *head;
	int fd, rc;

	x->error = HTTP_ERR_NONE;
	x->message[0] = '\0';
	x->peer[0] = '\0';
	x->sent = 0;
	x->connect_ms = x->first_byte_ms = x->total_ms = -1;
	if (x->parser == NULL)
		x->parser = http_parser_new(strcmp(x->method, "HEAD") == 0);
	else
		http_parser_reset(x->parser, strcmp(x->method, "HEAD") == 0);
	head = http_format_request(x->method, x->url, x->headers, x->nheaders,
	    x->body_len, 0);
	if (x->parser == NULL || head == NULL) {
		free(head);
		x->total_ms = clock_ms() - start;
		return x_fail(x, HTTP_ERR_SYSTEM, "out of memory");
	}
	rc = -1;
	if (resolve(x, &ad) == 0 && (fd = connect_any(x, &ad, start)) >= 0) {
		x->connect_ms = clock_ms() - start;
		rc = send_request(x, fd, head);
		if (rc == 0)
			rc = receive(x, fd, start);
		close(fd);
	}
	free(head);
	x->total_ms = clock_ms() - start;
	return rc;
}

void
http_exchange_free(struct http_exchange *x)
{
	http_parser_free(x->parser);
	x->parser = NULL;
}
