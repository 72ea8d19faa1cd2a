/* smokekit: the one URL grammar (see url.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "url.h"
#include "xalloc.h"

void
url_free(struct url *u)
{
	free(u->host);
	free(u->port);
	free(u->path);
	free(u->hostport);
	free(u->endpoint);
	memset(u, 0, sizeof *u);
}

static int
fail(const char **why, const char *msg)
{
	*why = msg;
	return -1;
}

static int
has_blank(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || s[i] == 0x7f)
			return 1;
	return 0;
}

/* Where the host of s[0..n) ends, [v6] or a name or IPv4 address. */
static int
split_host(const char *s, size_t n, struct url *u, size_t *hlen, const char **hend,
    const char **why)
{
	const char *end = s + n, *h;
	size_t i;

	if (*s != '[') {
		h = memchr(s, ':', n);
		if (h != NULL && memchr(h + 1, ':', (size_t)(end - h - 1)) != NULL)
			return fail(why, "an IPv6 address goes in brackets, [::1]:8082");
		*hend = h != NULL ? h : end;
		*hlen = (size_t)(*hend - s);
		return 0;
	}
	if ((h = memchr(s + 1, ']', n - 1)) == NULL)
		return fail(why, "unterminated [ in the host");
	*hlen = (size_t)(h - s - 1);
	for (i = 1; i <= *hlen; i++)
		if (strchr("0123456789abcdefABCDEF:.", s[i]) == NULL)
			return fail(why, "bad IPv6 address in the host");
	if (*hlen == 0 || memchr(s + 1, ':', *hlen) == NULL)
		return fail(why, "bad IPv6 address in the host");
	if (h + 1 < end && h[1] != ':')
		return fail(why, "junk after ] in the host");
	u->v6 = 1;
	*hend = h + 1;
	return 0;
}

/* ":port" at p (p == end: none), into u->port; "http://h:/" means port 80. */
static int
take_port(const char *p, const char *end, int required, struct url *u, const char **why)
{
	size_t plen, i;
	long v = 0;

	if (p == end || p + 1 == end) {
		if (required)
			return fail(why, "no port (want HOST:PORT)");
		u->portnum = 80;
		return 0;
	}
	p++;
	plen = (size_t)(end - p);
	for (i = 0; i < plen; i++) {
		if (p[i] < '0' || p[i] > '9' || i >= 5)
			return fail(why, "bad port");
		v = v * 10 + (p[i] - '0');
	}
	if (v < 1 || v > 65535)
		return fail(why, "port out of range (1-65535)");
	u->portnum = (unsigned)v;
	return 0;
}

/* host[:port] of s[0..n) into u (host, port, hostport, endpoint). */
static int
authority(const char *s, size_t n, int port_required, struct url *u, const char **why)
{
	const char *hend;
	char num[8];
	size_t hlen, len;

	if (memchr(s, '@', n) != NULL)
		return fail(why, "credentials (user:password@) in the URL are not supported");
	if (split_host(s, n, u, &hlen, &hend, why) != 0)
		return -1;
	if (hlen == 0)
		return fail(why, "empty host");
	if (take_port(hend, s + n, port_required, u, why) != 0)
		return -1;
	snprintf(num, sizeof num, "%u", u->portnum);
	u->host = xstrndup(s + u->v6, hlen);
	u->port = xstrdup(num);
	len = hlen + strlen(num) + 4;
	u->endpoint = xmalloc(len);
	snprintf(u->endpoint, len, "%s%s%s:%s", u->v6 ? "[" : "", u->host, u->v6 ? "]" : "", num);
	u->hostport = u->portnum == 80 ? xstrndup(u->endpoint, strlen(u->endpoint) - 3) :
	    xstrdup(u->endpoint);
	return 0;
}

int
url_parse(const char *s, struct url *u, const char **why)
{
	const char *auth, *end;
	size_t qlen;

	memset(u, 0, sizeof *u);
	if (strncasecmp(s, "https://", 8) == 0)
		return fail(why, "https is not supported (use curl for TLS)");
	if (strncasecmp(s, "http://", 7) != 0)
		return fail(why, strstr(s, "://") != NULL ?
		    "unsupported scheme (only http:// is)" : "not an http:// URL");
	if (has_blank(s, strlen(s)))
		return fail(why, "space or control character in the URL");
	auth = s + 7;
	end = auth + strcspn(auth, "/?#");
	if (authority(auth, (size_t)(end - auth), 0, u, why) != 0) {
		url_free(u);
		return -1;
	}
	/* "http://h?q" asks for "/?q", "http://h" and "http://h#f" for "/". */
	qlen = strcspn(end, "#");
	u->path = xmalloc(qlen + 2);
	snprintf(u->path, qlen + 2, "%s%.*s", *end == '/' ? "" : "/", (int)qlen, end);
	return 0;
}

int
url_parse_endpoint(const char *s, struct url *u, const char **why)
{
	size_t n = strlen(s);

	memset(u, 0, sizeof *u);
	if (has_blank(s, n))
		return fail(why, "space or control character");
	if (strcspn(s, "/?#") != n)
		return fail(why, "want HOST:PORT or http://HOST[:PORT]/");
	if (authority(s, n, 1, u, why) != 0) {
		url_free(u);
		return -1;
	}
	u->path = xstrdup("/");
	return 0;
}

char *
url_shown(const char *s, char *buf, size_t n)
{
	const char *auth = strstr(s, "://"), *at = NULL, *p;
	size_t o = 0;

	if (n < 8) {
		if (n > 0)
			buf[0] = '\0';
		return buf;
	}
	auth = auth != NULL ? auth + 3 : s;
	for (p = auth; *p != '\0' && strchr("/?#", *p) == NULL; p++)
		if (*p == '@')
			at = p;
	for (p = s; *p != '\0' && o + 8 < n; p++) {
		if (p == auth && at != NULL) {
			memcpy(buf + o, "***", 3);
			o += 3;
			p = at;
		}
		buf[o++] = (unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f ? '?' : *p;
	}
	if (*p != '\0') {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
	return buf;
}

/* RFC 3986 appendix B: the five parts of a reference; a part absent is NULL. */
struct uriref {
	const char *scheme, *auth, *path, *query, *frag;
	size_t scheme_len, auth_len, path_len, query_len, frag_len;
};

static void
split_ref(const char *s, struct uriref *r)
{
	size_t n = strcspn(s, ":/?#");

	memset(r, 0, sizeof *r);
	if (n > 0 && s[n] == ':') {
		r->scheme = s;
		r->scheme_len = n;
		s += n + 1;
	}
	if (s[0] == '/' && s[1] == '/') {
		r->auth = s + 2;
		r->auth_len = strcspn(r->auth, "/?#");
		s = r->auth + r->auth_len;
	}
	r->path = s;
	r->path_len = strcspn(s, "?#");
	s += r->path_len;
	if (*s == '?') {
		r->query = s + 1;
		r->query_len = strcspn(r->query, "#");
		s = r->query + r->query_len;
	}
	if (*s == '#') {
		r->frag = s + 1;
		r->frag_len = strlen(r->frag);
	}
}

/* RFC 3986 5.2.4: in[0, n) without its "." and ".." segments, into out. */
static size_t
remove_dots(const char *in, size_t n, char *out)
{
	const char *end = in + n, *seg;
	size_t len = 0;

	while (in < end) {
		size_t left = (size_t)(end - in);
		if (left >= 3 && strncmp(in, "../", 3) == 0) {
			in += 3;
		} else if (left >= 2 && strncmp(in, "./", 2) == 0) {
			in += 2;
		} else if (left >= 3 && strncmp(in, "/./", 3) == 0) {
			in += 2;
		} else if (left == 2 && strncmp(in, "/.", 2) == 0) {
			in += 1;
			out[len++] = '/';
			in += 1;
		} else if ((left >= 4 && strncmp(in, "/../", 4) == 0) ||
		    (left == 3 && strncmp(in, "/..", 3) == 0)) {
			while (len > 0 && out[--len] != '/')
				;
			if (left == 3) {
				out[len++] = '/';
				in += 3;
			} else {
				in += 3;
			}
		} else if ((left == 1 && *in == '.') || (left == 2 && strncmp(in, "..", 2) == 0)) {
			in = end;
		} else {
			seg = in + 1;
			while (seg < end && *seg != '/')
				seg++;
			memcpy(out + len, in, (size_t)(seg - in));
			len += (size_t)(seg - in);
			in = seg;
		}
	}
	return len;
}

static size_t
put_part(char *out, const char *pre, const char *s, size_t n)
{
	size_t m = strlen(pre);

	memcpy(out, pre, m);
	memcpy(out + m, s, n);
	return m + n;
}

char *
url_resolve(const char *base, const char *ref)
{
	struct uriref b, r;
	const struct uriref *a, *q;
	char *out, *merged = NULL, *slash;
	const char *path;
	size_t len = 0, plen;

	split_ref(base, &b);
	split_ref(ref, &r);
	/* Whatever is built is no longer than both together, and then some. */
	out = xmalloc(strlen(base) + strlen(ref) + 8);
	path = r.path;
	plen = r.path_len;
	a = r.scheme != NULL || r.auth != NULL ? &r : &b;
	q = &r;
	if (r.scheme == NULL && r.auth == NULL) {
		if (r.path_len == 0) {
			path = b.path;
			plen = b.path_len;
			if (r.query == NULL)
				q = &b;
		} else if (r.path[0] != '/') {
			/* 5.2.3: the base path up to its last "/", then the reference's. */
			merged = xmalloc(b.path_len + r.path_len + 2);
			if (b.auth != NULL && b.path_len == 0) {
				plen = (size_t)sprintf(merged, "/%.*s", (int)r.path_len, r.path);
			} else {
				memcpy(merged, b.path, b.path_len);
				merged[b.path_len] = '\0';
				slash = strrchr(merged, '/');
				plen = slash != NULL ? (size_t)(slash - merged + 1) : 0;
				memcpy(merged + plen, r.path, r.path_len);
				plen += r.path_len;
			}
			path = merged;
		}
	}
	if (r.scheme != NULL)
		len += put_part(out + len, "", r.scheme, r.scheme_len);
	else if (b.scheme != NULL)
		len += put_part(out + len, "", b.scheme, b.scheme_len);
	if (len > 0)
		out[len++] = ':';
	if (a->auth != NULL)
		len += put_part(out + len, "//", a->auth, a->auth_len);
	len += remove_dots(path, plen, out + len);
	if (q->query != NULL)
		len += put_part(out + len, "?", q->query, q->query_len);
	if (r.frag != NULL)
		len += put_part(out + len, "#", r.frag, r.frag_len);
	out[len] = '\0';
	free(merged);
	return out;
}
