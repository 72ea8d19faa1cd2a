/* Unit tests: tools/lib/url.c, the one URL grammar. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "url.h"

struct bad {
	const char *s, *why;
};

/* Each of bad[0..n) is refused by parse, the reason saying why. */
static void
refused(int (*parse)(const char *, struct url *, const char **), const char *what,
    const struct bad *bad, size_t n)
{
	struct url u;
	const char *why;
	size_t i;

	for (i = 0; i < n; i++) {
		why = "";
		ok(parse(bad[i].s, &u, &why) == -1 && strstr(why, bad[i].why) != NULL,
		    "%s '%s' rejected (%s)", what, bad[i].s, why);
	}
}

static void
test_good(void)
{
	static const struct { const char *url, *host, *port, *path, *hostport, *endpoint; } good[] = {
		{ "http://127.0.0.1:8082/healthz", "127.0.0.1", "8082", "/healthz", "127.0.0.1:8082", "127.0.0.1:8082" },
		{ "http://localhost", "localhost", "80", "/", "localhost", "localhost:80" },
		{ "HTTP://example.com:80/a?b=c#frag", "example.com", "80", "/a?b=c", "example.com", "example.com:80" },
		{ "http://[::1]:8082/v1/models", "::1", "8082", "/v1/models", "[::1]:8082", "[::1]:8082" },
		{ "http://[::1]/", "::1", "80", "/", "[::1]", "[::1]:80" },
		{ "http://h?q=1", "h", "80", "/?q=1", "h", "h:80" },
		{ "http://h:/x", "h", "80", "/x", "h", "h:80" },
		{ "http://h:08082/", "h", "8082", "/", "h:8082", "h:8082" },
		{ "http://h#f", "h", "80", "/", "h", "h:80" },
	};
	struct url u;
	const char *why;
	size_t i;

	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		int r = url_parse(good[i].url, &u, &why);
		if (!ok(r == 0 && strcmp(u.host, good[i].host) == 0 &&
		    strcmp(u.port, good[i].port) == 0 && strcmp(u.path, good[i].path) == 0 &&
		    strcmp(u.hostport, good[i].hostport) == 0 &&
		    strcmp(u.endpoint, good[i].endpoint) == 0 &&
		    u.portnum == (unsigned)atoi(good[i].port), "url %s", good[i].url))
			printf("#   %s\n", r == 0 ? u.endpoint : why);
		if (r == 0)
			url_free(&u);
	}
}

static void
test_bad(void)
{
	static const struct bad bad[] = {
		{ "https://example.com/", "curl" },
		{ "ftp://example.com/", "scheme" },
		{ "example.com", "not an http:// URL" },
		{ "", "not an http:// URL" },
		{ "http://", "empty host" },
		{ "http:///path", "empty host" },
		{ "http://:80/", "empty host" },
		{ "http://h:99999/", "out of range" },
		{ "http://h:123456/", "bad port" },
		{ "http://h:65536/", "out of range" },
		{ "http://h:0/", "out of range" },
		{ "http://h:8x/", "bad port" },
		{ "http://h:-1/", "bad port" },
		{ "http://[::1/", "unterminated" },
		{ "http://[::1]x/", "junk" },
		{ "http://[zz]/", "IPv6" },
		{ "http://[]/", "IPv6" },
		{ "http://::1/", "brackets" },
		{ "http://user:pw@h/", "credentials" },
		{ "http://user@h/", "credentials" },
		{ "http://h/a b", "space" },
		{ "http://h/\x01", "control" },
	};
	struct url u;
	const char *why = "";

	refused(url_parse, "url", bad, sizeof bad / sizeof bad[0]);
	ok(url_parse("http://alice:s3cret@h/", &u, &why) == -1 && strstr(why, "s3cret") == NULL &&
	    strstr(why, "alice") == NULL, "the reason never holds the credentials");
}

static void
test_endpoints(void)
{
	static const struct { const char *s, *host; unsigned port; } good[] = {
		{ "localhost:8082", "localhost", 8082 },
		{ "127.0.0.1:1", "127.0.0.1", 1 },
		{ "[::1]:65535", "::1", 65535 },
	};
	static const struct bad bad[] = {
		{ "localhost", "no port" },
		{ "localhost:", "no port" },
		{ ":80", "empty host" },
		{ "::1:80", "brackets" },
		{ "[::1]80", "junk" },
		{ "h:80/x", "want HOST:PORT" },
		{ "u:p@h:80", "credentials" },
		{ "h:0", "out of range" },
	};
	struct url u;
	const char *why;
	size_t i;

	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		int r = url_parse_endpoint(good[i].s, &u, &why);
		ok(r == 0 && strcmp(u.host, good[i].host) == 0 && u.portnum == good[i].port &&
		    strcmp(u.path, "/") == 0, "endpoint %s", good[i].s);
		if (r == 0)
			url_free(&u);
	}
	refused(url_parse_endpoint, "endpoint", bad, sizeof bad / sizeof bad[0]);
}

static void
test_shown(void)
{
	char buf[64], small[12];
	char longer[200];

	is_str(url_shown("http://alice:s3cret@h:80/x", buf, sizeof buf), "http://***@h:80/x",
	    "shown: credentials masked");
	is_str(url_shown("http://a@b@h/x@y", buf, sizeof buf), "http://***@h/x@y",
	    "shown: up to the last @ of the authority");
	is_str(url_shown("alice:pw@h:80", buf, sizeof buf), "***@h:80", "shown: an endpoint too");
	is_str(url_shown("http://h/\x01\xc3\xa4", buf, sizeof buf), "http://h/???",
	    "shown: control and non-ASCII bytes as ?");
	is_str(url_shown("http://h/path", buf, sizeof buf), "http://h/path", "shown: plain URL as is");
	memset(longer, 'a', sizeof longer - 1);
	longer[sizeof longer - 1] = '\0';
	url_shown(longer, buf, sizeof buf);
	ok(strlen(buf) < sizeof buf && strcmp(buf + strlen(buf) - 3, "...") == 0,
	    "shown: cut with ... within the buffer");
	url_shown("http://alice:s3cret@hhhhhhhhhhhh/", small, sizeof small);
	ok(strstr(small, "s3cret") == NULL && strlen(small) < sizeof small,
	    "shown: a small buffer never shows the secret (%s)", small);
}

/* RFC 3986 5.4: every normal and abnormal example, and what a Location holds. */
static void
test_resolve(void)
{
	static const char *const cases[][2] = {
		{ "g:h", "g:h" }, { "g", "http://a/b/c/g" }, { "./g", "http://a/b/c/g" },
		{ "g/", "http://a/b/c/g/" }, { "/g", "http://a/g" }, { "//g", "http://g" },
		{ "?y", "http://a/b/c/d;p?y" }, { "g?y", "http://a/b/c/g?y" },
		{ "#s", "http://a/b/c/d;p?q#s" }, { "g#s", "http://a/b/c/g#s" },
		{ "g?y#s", "http://a/b/c/g?y#s" }, { ";x", "http://a/b/c/;x" },
		{ "g;x", "http://a/b/c/g;x" }, { "g;x?y#s", "http://a/b/c/g;x?y#s" },
		{ "", "http://a/b/c/d;p?q" }, { ".", "http://a/b/c/" }, { "./", "http://a/b/c/" },
		{ "..", "http://a/b/" }, { "../", "http://a/b/" }, { "../g", "http://a/b/g" },
		{ "../..", "http://a/" }, { "../../", "http://a/" }, { "../../g", "http://a/g" },
		/* 5.4.2 */
		{ "../../../g", "http://a/g" }, { "../../../../g", "http://a/g" },
		{ "/./g", "http://a/g" }, { "/../g", "http://a/g" }, { "g.", "http://a/b/c/g." },
		{ ".g", "http://a/b/c/.g" }, { "g..", "http://a/b/c/g.." }, { "..g", "http://a/b/c/..g" },
		{ "./../g", "http://a/b/g" }, { "./g/.", "http://a/b/c/g/" },
		{ "g/./h", "http://a/b/c/g/h" }, { "g/../h", "http://a/b/c/h" },
		{ "g;x=1/./y", "http://a/b/c/g;x=1/y" }, { "g;x=1/../y", "http://a/b/c/y" },
		{ "g?y/./x", "http://a/b/c/g?y/./x" }, { "g?y/../x", "http://a/b/c/g?y/../x" },
		{ "g#s/./x", "http://a/b/c/g#s/./x" }, { "g#s/../x", "http://a/b/c/g#s/../x" },
		{ "http:g", "http:g" },
	};
	size_t i;
	char *got;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		got = url_resolve("http://a/b/c/d;p?q", cases[i][0]);
		is_str(got, cases[i][1], "resolve '%s' (RFC 3986 5.4)", cases[i][0]);
		free(got);
	}
	got = url_resolve("http://127.0.0.1:8082/v1/models?x=1#top", "/healthz");
	is_str(got, "http://127.0.0.1:8082/healthz", "an absolute path keeps host and port");
	free(got);
	got = url_resolve("http://[::1]:8082", "healthz");
	is_str(got, "http://[::1]:8082/healthz", "a base without a path merges under /");
	free(got);
	got = url_resolve("http://h/a/b", "https://other.example/x/../y");
	is_str(got, "https://other.example/y", "an absolute Location stays, dots removed");
	free(got);
}

int
main(void)
{
	test_good();
	test_bad();
	test_endpoints();
	test_shown();
	test_resolve();
	return tap_done();
}
