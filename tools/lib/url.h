/*
 * The one URL grammar of smokekit: http://host[:port][/path][?query][#frag]
 * as httpprobe fetches it, portfree checks its port and the pipeline's
 * knobs (BASE_URL) validate it. Also its authority alone, host:port or
 * [v6]:port, as portfree's operands write it.
 *
 * Refused, each with its own reason: https:// and other schemes, spaces
 * and control characters, credentials (user:pass@), an empty host, an
 * IPv6 address without brackets, a port outside 1-65535. A reason never
 * contains any part of the URL, so a caller may print it as it is; a caller
 * that names the URL prints url_shown(), never the URL as given.
 */
#ifndef SMOKEKIT_URL_H
#define SMOKEKIT_URL_H

#include <stddef.h>

struct url {
	char *host;       /* without brackets for an IPv6 literal */
	char *port;       /* decimal, no leading zeros; "80" when absent */
	unsigned portnum; /* the same, 1-65535 */
	char *path;       /* path and query, "/" when absent, no fragment */
	char *hostport;   /* the Host header value: "host", "host:8082", "[::1]:8082" */
	char *endpoint;   /* always with the port: "host:80", "[::1]:8082" */
	int v6;           /* the host was an IPv6 literal in brackets */
};

/* Returns 0, or -1 with *why saying what is wrong. Free with url_free. */
int url_parse(const char *s, struct url *u, const char **why);

/*
 * host:port or [v6]:port, the port required (path is "/"). Returns 0, or
 * -1 with *why saying what is wrong. Free with url_free.
 */
int url_parse_endpoint(const char *s, struct url *u, const char **why);

void url_free(struct url *u);

/*
 * s as a diagnostic may show it: the userinfo of an http-like URL replaced
 * by "***", control characters and bytes past ASCII as '?', at most
 * n - 1 bytes (cut with "..."). Returns buf.
 */
char *url_shown(const char *s, char *buf, size_t n);

/*
 * The reference ref (a Location, say) resolved against the absolute URL
 * base as RFC 3986 section 5.2 resolves it: "../x", "/x", "//host/x",
 * "?q" and "#f" all become absolute; ref absolute already is only
 * cleared of its "." and ".." segments. Returns a malloc'd string.
 */
char *url_resolve(const char *base, const char *ref);

#endif
