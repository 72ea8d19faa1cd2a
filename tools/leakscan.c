/* leakscan: does any value of an env file appear in files, raw or encoded? */
#include <sys/stat.h>
#include <sys/types.h>

#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "die.h"
#include "jsonout.h"
#include "num.h"
#include "readall.h"
#include "usage.h"
#include "xalloc.h"

#define CHUNK	(1 << 20)	/* bytes read at a time */
#define MINB64	4		/* shorter base64 fragments would match anything */
#define JSON_LEVELS 3		/* JSON in a JSON string in a JSON string */

enum enc { ENC_RAW, ENC_BASE64, ENC_URL, ENC_JSON, ENC_HTML };
static const char *enc_name[] = { "raw", "base64", "urlencoded", "json", "html" };

/* One KEY=VALUE of an env file. */
struct secret {
	char *key;
	unsigned char *val;
	size_t len;
};

/* A byte string to look for, and what finding it means. */
struct pattern {
	unsigned char *s;
	size_t len;
	size_t secret;
	enum enc enc;
	long next;		/* next pattern with the same first bytes, or -1 */
};

struct finding {
	unsigned long line;
	size_t secret;
	enum enc enc;
};

/* Where a file's scan stands: findings so far, the line of buf[0]. */
struct scan {
	const char *name;
	struct finding *f;
	size_t nf, capf;
	unsigned long line0;
	const unsigned char *buf;	/* the text being searched */
	size_t carry;		/* its first bytes, searched already */
	size_t cur;		/* line counting: offset reached ... */
	unsigned long curline;	/* ... and its line number */
};

static struct secret *secrets;
static size_t nsecrets;
static struct pattern *pats;
static size_t npats;
static long head1[256], head2[65536];
static size_t maxspan;		/* the longest text a match can cover */
static int space_values;	/* a value holds ' ': '+' may encode it */
static int high_values;		/* a value holds a byte >= 0x80 */
static struct stat *envst;	/* the env files, never scanned */
static size_t nenvst;
static int jflag, qflag, failed;
static size_t found;


/* --- the env file --------------------------------------------------- */

struct envparse {
	const char *name;
	const char *p, *end;
	unsigned long line;	/* where p is */
	size_t minlen;
	unsigned long nbad;	/* malformed lines so far */
};

#define MAXBAD	10	/* malformed lines said one by one; a binary file has many */

/*
 * Hosts the run itself uses (-H): a value naming one is no secret, since
 * the artifacts name that host anyway.
 */
static const char **run_hosts;
static size_t nrun_hosts;

static int
blank(int c)
{
	return c == ' ' || c == '\t';
}

static int
same_word(const unsigned char *s, size_t len, const char *word)
{
	size_t i;

	if (strlen(word) != len)
		return 0;
	for (i = 0; i < len; i++)
		if (tolower(s[i]) != tolower((unsigned char)word[i]))
			return 0;
	return 1;
}

/* 127.0.0.0/8 in dotted-quad form. */
static int
is_loopback_v4(const unsigned char *s, size_t len)
{
	size_t i, digits = 0, dots = 0;

	if (len < 9 || memcmp(s, "127.", 4) != 0)
		return 0;
	for (i = 0; i < len; i++) {
		if (s[i] == '.') {
			if (digits == 0 || digits > 3)
				return 0;
			dots++;
			digits = 0;
		} else if (s[i] >= '0' && s[i] <= '9') {
			digits++;
		} else {
			return 0;
		}
	}
	return dots == 3 && digits > 0 && digits <= 3;
}

/* A name or address every machine has for itself, or one of -H. */
static int
is_run_host(const unsigned char *h, size_t len)
{
	static const char *const local[] = {
		"localhost", "localhost.localdomain", "ip6-localhost",
		"ip6-loopback", "0.0.0.0", "::1", "::", "host.docker.internal",
	};
	size_t i;

	if (len > 2 && h[0] == '[' && h[len - 1] == ']') {
		h++;
		len -= 2;
	}
	for (i = 0; i < sizeof local / sizeof local[0]; i++)
		if (same_word(h, len, local[i]))
			return 1;
	for (i = 0; i < nrun_hosts; i++)
		if (same_word(h, len, run_hosts[i]))
			return 1;
	return is_loopback_v4(h, len);
}

/*
 * A host of the run, alone or as host:port, or as a URL that holds nothing
 * else (scheme://host[:port][/]): no user, no path, no query that could
 * carry a token.
 */
static int
is_host_value(const unsigned char *v, size_t len)
{
	const unsigned char *end = v + len, *h, *colon;
	size_t i;

	if (is_run_host(v, len))
		return 1;
	for (i = 0; i < len && (isalnum(v[i]) || v[i] == '+' || v[i] == '-' ||
	    v[i] == '.'); i++)
		;
	if (i > 0 && len - i > 3 && memcmp(v + i, "://", 3) == 0) {
		v += i + 3;
		if (end > v && end[-1] == '/')
			end--;
	}
	if (v < end && *v == '[') {
		if ((h = memchr(v, ']', (size_t)(end - v))) == NULL)
			return 0;
		colon = h + 1;
	} else {
		colon = memchr(v, ':', (size_t)(end - v));
		if (colon == NULL)
			colon = end;
	}
	if (colon < end) {
		if (*colon != ':' || end - colon < 2 || end - colon > 6)
			return 0;
		for (h = colon + 1; h < end; h++)
			if (*h < '0' || *h > '9')
				return 0;
	}
	return colon > v && is_run_host(v, (size_t)(colon - v));
}

/*
 * Words that configure rather than identify (booleans, environment names,
 * log levels): found in every log, they would make every run a leak.
 */
static int
is_common_word(const unsigned char *v, size_t len)
{
	static const char *const common[] = {
		"true", "false", "yes", "no", "on", "off", "none", "null", "nil",
		"enabled", "disabled", "enable", "disable",
		"development", "production", "staging", "testing", "test",
		"local", "dev", "prod",
		"trace", "debug", "info", "notice", "warn", "warning", "error",
		"critical", "fatal",
	};
	size_t i;

	for (i = 0; i < sizeof common / sizeof common[0]; i++)
		if (same_word(v, len, common[i]))
			return 1;
	return 0;
}

/* Is the value worth looking for? See "What is a secret" in leakscan(1). */
static int
is_secret(const unsigned char *v, size_t len, size_t minlen)
{
	return len > 0 && len >= minlen && !is_common_word(v, len) &&
	    !is_host_value(v, len);
}

static void
add_secret(const char *key, size_t klen, unsigned char *val, size_t vlen)
{
	size_t i;

	for (i = 0; i < nsecrets; i++)
		if (strlen(secrets[i].key) == klen && memcmp(secrets[i].key, key, klen) == 0 &&
		    secrets[i].len == vlen && memcmp(secrets[i].val, val, vlen) == 0) {
			free(val);
			return;
		}
	secrets = xrealloc(secrets, (nsecrets + 1) * sizeof *secrets);
	secrets[nsecrets].key = xstrndup(key, klen);
	secrets[nsecrets].val = val;
	secrets[nsecrets].len = vlen;
	nsecrets++;
}

/*
 * A malformed line: said by number (never its text, which may hold the
 * value), remembered for the exit status; the scan goes on.
 */
static void
bad_line(struct envparse *e, unsigned long line, const char *what)
{
	if (++e->nbad <= MAXBAD)
		warnf("%s:%lu: %s", e->name, line, what);
	else if (e->nbad == MAXBAD + 1)
		warnf("%s:%lu: more malformed lines, not shown", e->name, line);
	failed = 1;
}

/* The escapes of a double-quoted value: \n \t \r and friends; \x is x otherwise. */
static int
unescape(int c)
{
	switch (c) {
	case 'n': return '\n';
	case 't': return '\t';
	case 'r': return '\r';
	case 'a': return '\a';
	case 'b': return '\b';
	case 'f': return '\f';
	case 'v': return '\v';
	case '"': case '\\': case '\'': case '$': case '`': return c;
	default: return -1;
	}
}

/* From p to the end of its line, less trailing blanks and CR. */
static unsigned char *
rest_of_line(const char *p, const char *end, size_t *len)
{
	const char *t = memchr(p, '\n', (size_t)(end - p));

	if (t == NULL)
		t = end;
	while (t > p && (blank(t[-1]) || t[-1] == '\r'))
		t--;
	*len = (size_t)(t - p);
	return (unsigned char *)xstrndup(p, *len);
}

/*
 * A quoted value from just past its opening quote; may span lines. Without
 * a closing quote (or with one lines later that has text after it: the
 * opening quote of another value), the value is taken to be the rest of
 * the opening line (what was most likely meant) and the parse goes on at
 * the next line.
 */
static unsigned char *
quoted(struct envparse *e, int q, size_t *len)
{
	unsigned char *v = xmalloc((size_t)(e->end - e->p) + 1);
	const char *open = e->p;
	unsigned long start = e->line;
	size_t n = 0;
	int c;

	for (; e->p < e->end && *e->p != q; e->p++) {
		if (*e->p == '\n')
			e->line++;
		if (q == '"' && *e->p == '\\' && e->p + 1 < e->end &&
		    (c = unescape((unsigned char)e->p[1])) >= 0) {
			v[n++] = (unsigned char)c;
			e->p++;
			continue;
		}
		v[n++] = (unsigned char)*e->p;
	}
	if (e->p < e->end) {
		e->p++;
		/* After the closing quote: blanks, a comment, the end of the line. */
		while (e->p < e->end && (blank(*e->p) || *e->p == '\r'))
			e->p++;
		if (e->p == e->end || *e->p == '\n' || *e->p == '#') {
			*len = n;
			return v;
		}
		/* On its own line, the text is junk; lines later, the quote was not closed. */
		if (e->line == start) {
			bad_line(e, e->line, "text after the closing quote");
			*len = n;
			return v;
		}
	}
	free(v);
	bad_line(e, start, q == '"' ? "unterminated double quote" :
	    "unterminated single quote");
	e->p = open;
	e->line = start;
	return rest_of_line(open, e->end, len);
}

/*
 * An unquoted value: the rest of the line, less trailing blanks and CR,
 * cut at a '#' that follows a blank (a comment, as in compose's .env).
 * Cutting too soon only makes the search wider, never blinder.
 */
static unsigned char *
unquoted(struct envparse *e, int after_blank, size_t *len)
{
	const char *s = e->p, *t;

	while (e->p < e->end && *e->p != '\n') {
		if (*e->p == '#' && (e->p == s ? after_blank : blank(e->p[-1])))
			break;
		e->p++;
	}
	t = e->p;
	while (t > s && (blank(t[-1]) || t[-1] == '\r'))
		t--;
	*len = (size_t)(t - s);
	return (unsigned char *)xstrndup(s, *len);
}

/* KEY=VALUE from e->p, just past the key and its blanks. */
static void
env_value(struct envparse *e, const char *key, size_t klen)
{
	unsigned char *val;
	size_t vlen;
	int after_blank;

	for (e->p++, after_blank = 0; e->p < e->end && blank(*e->p); e->p++)
		after_blank = 1;
	if (e->p < e->end && (*e->p == '"' || *e->p == '\'')) {
		e->p++;
		val = quoted(e, e->p[-1], &vlen);
	} else {
		val = unquoted(e, after_blank, &vlen);
	}
	if (is_secret(val, vlen, e->minlen))
		add_secret(key, klen, val, vlen);
	else
		free(val);
}

/* One line (or a quoted value's lines) from e->p. */
static void
env_line(struct envparse *e)
{
	const char *key, *nl = memchr(e->p, '\n', (size_t)(e->end - e->p));
	size_t klen;

	if (memchr(e->p, '\0', (size_t)((nl != NULL ? nl : e->end) - e->p)) != NULL) {
		bad_line(e, e->line, "a NUL byte");
		e->p = nl != NULL ? nl : e->end;
	}
	while (e->p < e->end && (blank(*e->p) || *e->p == '\r'))
		e->p++;
	if (e->p < e->end && *e->p != '\n' && *e->p != '#') {
		if (e->end - e->p > 7 && memcmp(e->p, "export", 6) == 0 && blank(e->p[6]))
			for (e->p += 6; blank(*e->p); e->p++)
				;
		key = e->p;
		klen = strspn(key, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		    "0123456789_.-");
		if (klen > (size_t)(e->end - key))
			klen = (size_t)(e->end - key);
		e->p += klen;
		while (e->p < e->end && blank(*e->p))
			e->p++;
		if (klen == 0)
			bad_line(e, e->line, "not a variable name");
		else if (e->p < e->end && *e->p == '=')
			env_value(e, key, klen);
		else if (e->p < e->end && *e->p != '\n' && *e->p != '\r' && *e->p != '#')
			bad_line(e, e->line, "expected '=' after the variable name");
		/* A bare KEY takes its value from the environment: nothing here. */
	}
	while (e->p < e->end && *e->p != '\n')
		e->p++;
	if (e->p < e->end) {
		e->p++;
		e->line++;
	}
}

static void
read_env(const char *path, size_t minlen)
{
	struct envparse e;
	struct stat st;
	size_t len;
	char *buf;
	int fd;

	if (strcmp(path, "-") == 0) {
		fd = STDIN_FILENO;
	} else if ((fd = open(path, O_RDONLY)) < 0) {
		die(EXIT_ERROR, "open %s:", path);
	}
	if (fstat(fd, &st) == 0 && fd != STDIN_FILENO) {
		envst = xrealloc(envst, (nenvst + 1) * sizeof *envst);
		envst[nenvst++] = st;
	}
	if ((buf = read_whole(fd, &len)) == NULL)
		die(EXIT_ERROR, "read %s:", path);
	if (fd != STDIN_FILENO)
		close(fd);
	/* The NUL read_all puts after the text ends it, so strspn stops there. */
	memset(&e, 0, sizeof e);
	e.name = path;
	e.p = buf;
	e.end = buf + len;
	e.line = 1;
	e.minlen = minlen;
	while (e.p < e.end)
		env_line(&e);
	free(buf);
}

/* --- the patterns --------------------------------------------------- */

static void
add_pattern(const unsigned char *s, size_t len, size_t secret, enum enc enc)
{
	struct pattern *p;
	size_t i;

	if (len == 0)
		return;
	for (i = 0; i < npats; i++)
		if (pats[i].secret == secret && pats[i].len == len &&
		    memcmp(pats[i].s, s, len) == 0)
			return;
	pats = xrealloc(pats, (npats + 1) * sizeof *pats);
	p = &pats[npats];
	p->s = (unsigned char *)xstrndup((const char *)s, len);
	p->len = len;
	p->secret = secret;
	p->enc = enc;
	if (len == 1) {
		p->next = head1[s[0]];
		head1[s[0]] = (long)npats;
	} else {
		p->next = head2[s[0] << 8 | s[1]];
		head2[s[0] << 8 | s[1]] = (long)npats;
	}
	npats++;
	if (len > maxspan)
		maxspan = len;
}

/*
 * The base64 of a value that sits at byte offset align (0, 1, 2) of a
 * longer encoded text: the characters that depend on the value alone.
 * Alignment 0 is also the value encoded by itself, less its last
 * character when that one is completed by padding bits.
 */
static void
add_base64(const struct secret *sc, size_t secret, const char *alphabet)
{
	unsigned char *in, *out;
	size_t align, n, i, j, start, end;
	unsigned long v;

	for (align = 0; align < 3; align++) {
		n = align + sc->len;
		in = xrealloc(NULL, n + 2);
		memset(in, 0, n + 2);
		memcpy(in + align, sc->val, sc->len);
		out = xrealloc(NULL, (n + 2) / 3 * 4);
		for (i = j = 0; i < n; i += 3) {
			v = (unsigned long)in[i] << 16 | (unsigned long)in[i + 1] << 8 | in[i + 2];
			out[j++] = (unsigned char)alphabet[v >> 18 & 63];
			out[j++] = (unsigned char)alphabet[v >> 12 & 63];
			out[j++] = (unsigned char)alphabet[v >> 6 & 63];
			out[j++] = (unsigned char)alphabet[v & 63];
		}
		start = (8 * align + 5) / 6;
		end = 8 * n / 6;
		if (end > start && end - start >= MINB64)
			add_pattern(out + start, end - start, secret, ENC_BASE64);
		free(in);
		free(out);
	}
}

static void
build_patterns(void)
{
	static const char std[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	static const char url[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	size_t i, k;

	memset(head1, -1, sizeof head1);
	memset(head2, -1, sizeof head2);
	maxspan = 1;
	for (i = 0; i < nsecrets; i++) {
		add_pattern(secrets[i].val, secrets[i].len, i, ENC_RAW);
		add_base64(&secrets[i], i, std);
		add_base64(&secrets[i], i, url);
		/*
		 * Percent-encoded, a byte takes up to three characters; escaped
		 * in JSON, up to six (\u00e4, or a surrogate pair for four), and
		 * escaped again inside a JSON string, more: twelve covers a
		 * writer that escapes each of those six, and all usual writers
		 * at any level.
		 */
		if (12 * secrets[i].len > maxspan)
			maxspan = 12 * secrets[i].len;
		if (memchr(secrets[i].val, ' ', secrets[i].len) != NULL)
			space_values = 1;
		for (k = 0; k < secrets[i].len; k++)
			if (secrets[i].val[k] >= 0x80)
				high_values = 1;
	}
}

/* --- the search ----------------------------------------------------- */

/* The line number of text offset off; offsets come in increasing order. */
static unsigned long
line_at(struct scan *sc, size_t off)
{
	const unsigned char *p = sc->buf + sc->cur, *end = sc->buf + off;

	while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		sc->curline++;
		p++;
	}
	sc->cur = off;
	return sc->curline;
}

static void
record(struct scan *sc, size_t off, const struct pattern *p, enum enc enc)
{
	struct finding *f;
	unsigned long line = line_at(sc, off);
	size_t i;

	/* Findings of one pass come in line order: look back over this line. */
	for (i = sc->nf; i > 0 && sc->f[i - 1].line == line; i--)
		if (sc->f[i - 1].secret == p->secret && sc->f[i - 1].enc == enc)
			return;
	if (sc->nf == sc->capf) {
		sc->capf = sc->capf ? 2 * sc->capf : 64;
		sc->f = xrealloc(sc->f, sc->capf * sizeof *sc->f);
	}
	f = &sc->f[sc->nf++];
	f->line = line;
	f->secret = p->secret;
	f->enc = enc;
}

static void
try_chain(struct scan *sc, long k, const unsigned char *t, size_t n, size_t i,
    const uint32_t *map, enum enc dec)
{
	const struct pattern *p;
	size_t start, end;

	for (; k >= 0; k = p->next) {
		p = &pats[k];
		if (p->len > n - i || memcmp(t + i, p->s, p->len) != 0)
			continue;
		start = map ? map[i] : i;
		end = map ? map[i + p->len] : i + p->len;
		if (end <= sc->carry)
			continue;	/* found in the previous chunk */
		if (map == NULL) {
			record(sc, start, p, p->enc);
		} else if (end - start != p->len ||
		    memcmp(sc->buf + start, p->s, p->len) != 0) {
			/* Decoding changed it; else the raw pass has it. */
			record(sc, start, p, p->enc == ENC_RAW ? dec : p->enc);
		}
	}
}

/*
 * Every pattern in t[0..n); map, when set, leads back to sc->buf offsets
 * and dec says how t was decoded from there.
 */
static void
search(struct scan *sc, const unsigned char *t, size_t n, const uint32_t *map,
    enum enc dec)
{
	size_t i;

	sc->cur = 0;
	sc->curline = sc->line0;
	for (i = 0; i < n; i++) {
		if (i + 1 < n && head2[t[i] << 8 | t[i + 1]] >= 0)
			try_chain(sc, head2[t[i] << 8 | t[i + 1]], t, n, i, map, dec);
		if (head1[t[i]] >= 0)
			try_chain(sc, head1[t[i]], t, n, i, map, dec);
	}
}


/*
 * Percent-decodes b[0..n) into out (any hex case, any subset of bytes
 * encoded), '+' as a space when plus is set; map[k] is where decoded byte k
 * came from, map[len] is n. Returns len.
 */
static size_t
url_decode(const unsigned char *b, size_t n, int plus, unsigned char *out,
    uint32_t *map)
{
	size_t i = 0, k = 0;
	int hi, lo;

	while (i < n) {
		map[k] = (uint32_t)i;
		if (b[i] == '%' && i + 2 < n && (hi = hexval(b[i + 1])) >= 0 &&
		    (lo = hexval(b[i + 2])) >= 0) {
			out[k++] = (unsigned char)(hi << 4 | lo);
			i += 3;
		} else {
			out[k++] = plus && b[i] == '+' ? ' ' : b[i];
			i++;
		}
	}
	map[k] = (uint32_t)n;
	return k;
}

static size_t put_utf8(unsigned char *, unsigned long);

/*
 * The value of the character reference at b[i..n) ("&amp;", "&#39;",
 * "&#x27;"), its length in *len; -1 when there is none. Only what an HTML
 * writer escapes by name, and every numeric reference.
 */
static long
html_ref(const unsigned char *b, size_t i, size_t n, size_t *len)
{
	static const struct { const char *name; char c; } named[] = {
		{ "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' },
		{ "&quot;", '"' }, { "&apos;", '\'' },
	};
	size_t j, k;
	unsigned long v = 0;
	int base = 10, d;

	for (k = 0; k < sizeof named / sizeof named[0]; k++) {
		j = strlen(named[k].name);
		if (n - i >= j && memcmp(b + i, named[k].name, j) == 0) {
			*len = j;
			return named[k].c;
		}
	}
	if (n - i < 4 || b[i + 1] != '#')
		return -1;
	j = i + 2;
	if (b[j] == 'x' || b[j] == 'X') {
		base = 16;
		j++;
	}
	for (k = j; k < n && k < j + 8 && b[k] != ';'; k++) {
		if ((d = hexval(b[k])) < 0 || d >= base)
			return -1;
		v = v * (unsigned long)base + (unsigned long)d;
	}
	if (k == j || k >= n || b[k] != ';' || v > 0x10ffff)
		return -1;
	*len = k + 1 - i;
	return (long)v;
}

/*
 * Undoes HTML character references in b[0..n) into out, as url_decode
 * does percent-encoding (a value in report.html is written escaped).
 */
static size_t
html_decode(const unsigned char *b, size_t n, unsigned char *out, uint32_t *map)
{
	size_t i = 0, k = 0, len, w, m;
	long c;

	while (i < n) {
		if (b[i] == '&' && (c = html_ref(b, i, n, &len)) >= 0) {
			w = put_utf8(out + k, (unsigned long)c);
			for (m = 0; m < w; m++)
				map[k + m] = (uint32_t)i;
			k += w;
			i += len;
		} else {
			map[k] = (uint32_t)i;
			out[k++] = b[i++];
		}
	}
	map[k] = (uint32_t)n;
	return k;
}

/* Four hex digits (any case) at s, or -1. */
static long
hex4(const unsigned char *s)
{
	long v = 0;
	int i, d;

	for (i = 0; i < 4; i++) {
		if ((d = hexval(s[i])) < 0)
			return -1;
		v = v << 4 | d;
	}
	return v;
}

/* Code point c as UTF-8 into out (a lone surrogate as its three bytes). */
static size_t
put_utf8(unsigned char *out, unsigned long c)
{
	if (c < 0x80) {
		out[0] = (unsigned char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (unsigned char)(0xc0 | c >> 6);
		out[1] = (unsigned char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (unsigned char)(0xe0 | c >> 12);
		out[1] = (unsigned char)(0x80 | (c >> 6 & 0x3f));
		out[2] = (unsigned char)(0x80 | (c & 0x3f));
		return 3;
	}
	out[0] = (unsigned char)(0xf0 | c >> 18);
	out[1] = (unsigned char)(0x80 | (c >> 12 & 0x3f));
	out[2] = (unsigned char)(0x80 | (c >> 6 & 0x3f));
	out[3] = (unsigned char)(0x80 | (c & 0x3f));
	return 4;
}

/*
 * One JSON escape at b[i] (a backslash) into out; returns the characters
 * it takes in b, or 0 when it is none (the backslash stays as it is).
 * \uXXXX is the code point in UTF-8, a surrogate pair one code point; with
 * bytes set, \u0000 to \u00ff are single bytes instead (a writer that
 * took each byte of a value for a code point, as Latin-1).
 */
static size_t
json_escape(const unsigned char *b, size_t n, size_t i, int bytes,
    unsigned char *out, size_t *olen)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *e;
	long c, lo;

	if (i + 1 >= n)
		return 0;
	if (b[i + 1] != 'u') {
		if (b[i + 1] == '\0' || (e = strchr(from, b[i + 1])) == NULL)
			return 0;
		out[0] = (unsigned char)to[e - from];
		*olen = 1;
		return 2;
	}
	if (i + 6 > n || (c = hex4(b + i + 2)) < 0)
		return 0;
	if (bytes && c <= 0xff) {
		out[0] = (unsigned char)c;
		*olen = 1;
		return 6;
	}
	if (c >= 0xd800 && c <= 0xdbff && i + 12 <= n && b[i + 6] == '\\' &&
	    b[i + 7] == 'u' && (lo = hex4(b + i + 8)) >= 0xdc00 && lo <= 0xdfff) {
		*olen = put_utf8(out, 0x10000 + ((unsigned long)(c - 0xd800) << 10) +
		    (unsigned long)(lo - 0xdc00));
		return 12;
	}
	*olen = put_utf8(out, (unsigned long)c);
	return 6;
}

/*
 * Undoes every escape a JSON writer may use, in b[0..n), into out; map as
 * url_decode's (every byte an escape yields maps to the escape's start).
 * The output is never longer than the input. Returns its length.
 */
static size_t
json_decode(const unsigned char *b, size_t n, int bytes, unsigned char *out,
    uint32_t *map)
{
	const unsigned char *bs;
	size_t i = 0, k = 0, used, olen, j, run;

	while (i < n) {
		/* The text up to the next backslash, as it is. */
		bs = memchr(b + i, '\\', n - i);
		run = (bs != NULL ? (size_t)(bs - b) : n) - i;
		memcpy(out + k, b + i, run);
		for (j = 0; j < run; j++)
			map[k + j] = (uint32_t)(i + j);
		k += run;
		if ((i += run) == n)
			break;
		if ((used = json_escape(b, n, i, bytes, out + k, &olen)) > 0) {
			for (j = 0; j < olen; j++)
				map[k + j] = (uint32_t)i;
			k += olen;
			i += used;
		} else {
			map[k] = (uint32_t)i;
			out[k++] = b[i++];
		}
	}
	map[k] = (uint32_t)n;
	return k;
}

/*
 * JSON-unescaped, level after level: a JSON document kept as a string in
 * another (a log line of docker's json-file driver, a body in a report) is
 * escaped twice. dec and map are two buffers each, used in turn; every map
 * leads back to b.
 */
static void
search_json(struct scan *sc, const unsigned char *b, size_t n, int bytes,
    unsigned char *dec[2], uint32_t *map[2])
{
	const unsigned char *src = b;
	const uint32_t *prev = NULL;
	size_t slen = n, dlen, k;
	int level, cur;

	for (level = 0; level < JSON_LEVELS; level++) {
		cur = level % 2;
		dlen = json_decode(src, slen, bytes, dec[cur], map[cur]);
		if (dlen == slen)
			break;		/* no escape: nothing new to see */
		for (k = 0; prev != NULL && k <= dlen; k++)
			map[cur][k] = prev[map[cur][k]];
		search(sc, dec[cur], dlen, map[cur], ENC_JSON);
		if (memchr(dec[cur], '\\', dlen) == NULL)
			break;
		src = dec[cur];
		slen = dlen;
		prev = map[cur];
	}
}

/* One buffer: raw and base64 as they are, then percent-decoded, HTML-unescaped, JSON-unescaped. */
static void
search_all(struct scan *sc, const unsigned char *b, size_t n,
    unsigned char *dec[2], uint32_t *map[2])
{
	size_t dlen;

	sc->buf = b;
	search(sc, b, n, NULL, ENC_RAW);
	if (memchr(b, '%', n) != NULL) {
		dlen = url_decode(b, n, 0, dec[0], map[0]);
		search(sc, dec[0], dlen, map[0], ENC_URL);
	}
	if (space_values && memchr(b, '+', n) != NULL) {
		dlen = url_decode(b, n, 1, dec[0], map[0]);
		search(sc, dec[0], dlen, map[0], ENC_URL);
	}
	if (memchr(b, '&', n) != NULL) {
		dlen = html_decode(b, n, dec[0], map[0]);
		search(sc, dec[0], dlen, map[0], ENC_HTML);
	}
	if (memchr(b, '\\', n) != NULL) {
		search_json(sc, b, n, 0, dec, map);
		if (high_values)
			search_json(sc, b, n, 1, dec, map);
	}
}

static int
cmp_finding(const void *a, const void *b)
{
	const struct finding *x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->secret != y->secret)
		return x->secret < y->secret ? -1 : 1;
	return (int)x->enc - (int)y->enc;
}

static void
report(struct scan *sc)
{
	struct json_obj o;
	size_t i;

	if (sc->nf == 0)
		return;
	qsort(sc->f, sc->nf, sizeof *sc->f, cmp_finding);
	for (i = 0; i < sc->nf; i++) {
		const struct finding *f = &sc->f[i];

		if (i > 0 && cmp_finding(f, f - 1) == 0)
			continue;
		found++;
		if (qflag)
			continue;
		if (jflag) {
			jo_begin(&o, stdout);
			jo_str(&o, "file", sc->name);
			jo_int(&o, "line", (long long)f->line);
			jo_str(&o, "key", secrets[f->secret].key);
			jo_str(&o, "encoding", enc_name[f->enc]);
			jo_end(&o);
		} else {
			put_line_safe(stdout, sc->name);
			printf(":%lu: %s (%s)", f->line, secrets[f->secret].key,
			    enc_name[f->enc]);
		}
		putchar('\n');
	}
}

/*
 * Streams fd in chunks. Each chunk is searched with the last maxspan-1
 * bytes of the one before in front, so that a match across the seam is
 * found whole; matches that lie within those bytes were found already.
 */
static void
scan_fd(int fd, const char *name)
{
	static unsigned char *buf, *dec[2];
	static uint32_t *map[2];
	size_t keep = maxspan - 1, carry = 0, total;
	struct scan sc;
	ssize_t n;
	int i;

	if (buf == NULL) {
		buf = xmalloc(keep + CHUNK);
		for (i = 0; i < 2; i++) {
			dec[i] = xmalloc(keep + CHUNK);
			map[i] = xreallocarray(NULL, keep + CHUNK + 1, sizeof *map[i]);
		}
	}
	memset(&sc, 0, sizeof sc);
	sc.name = name;
	sc.line0 = 1;
	for (;;) {
		if ((n = read_full(fd, buf + carry, CHUNK)) < 0) {
			warnf("read %s:", name);
			failed = 1;
			break;
		}
		if (n == 0)
			break;
		total = carry + (size_t)n;
		sc.carry = carry;
		search_all(&sc, buf, total, dec, map);
		if (n < CHUNK)
			break;
		carry = total < keep ? total : keep;
		sc.cur = 0;
		sc.curline = sc.line0;
		sc.line0 = line_at(&sc, total - carry);
		memmove(buf, buf + total - carry, carry);
	}
	report(&sc);
	free(sc.f);
}

static int
is_env_file(const struct stat *st)
{
	size_t i;

	for (i = 0; i < nenvst; i++)
		if (envst[i].st_dev == st->st_dev && envst[i].st_ino == st->st_ino)
			return 1;
	return 0;
}

static void
scan_file(const char *path)
{
	int fd;

	if ((fd = open(path, O_RDONLY | O_NOCTTY)) < 0) {
		warnf("open %s:", path);
		failed = 1;
		return;
	}
	scan_fd(fd, path);
	close(fd);
}

static void scan_path(const char *path, int top);

static void
scan_dir(const char *path)
{
	struct dirent **names;
	size_t len = strlen(path);
	char *child;
	int n, i;

	if ((n = scandir(path, &names, NULL, alphasort)) < 0) {
		warnf("%s:", path);
		failed = 1;
		return;
	}
	for (i = 0; i < n; i++) {
		const char *d = names[i]->d_name;

		if (strcmp(d, ".") != 0 && strcmp(d, "..") != 0) {
			child = xrealloc(NULL, len + strlen(d) + 2);
			sprintf(child, "%s%s%s", path, len > 0 && path[len - 1] == '/' ?
			    "" : "/", d);
			scan_path(child, 0);
			free(child);
		}
		free(names[i]);
	}
	free(names);
}

/*
 * A named path is followed if it is a link; inside directories, links are
 * not (as grep -r), so a link to the env file or out of the tree is not
 * read and a loop cannot happen. Only regular files are read there.
 */
static void
scan_path(const char *path, int top)
{
	struct stat st;

	if (top && strcmp(path, "-") == 0) {
		scan_fd(STDIN_FILENO, "-");
		return;
	}
	if ((top ? stat(path, &st) : lstat(path, &st)) < 0) {
		warnf("%s:", path);
		failed = 1;
		return;
	}
	if (S_ISDIR(st.st_mode)) {
		scan_dir(path);
	} else if (is_env_file(&st)) {
		if (top)
			warnf("%s: skipped: it is the env file", path);
	} else if (S_ISREG(st.st_mode) || (top && !S_ISDIR(st.st_mode))) {
		scan_file(path);
	}
}

static const struct usage_opt opts[] = {
	{ "-e envfile", "an env file whose values are looked for; repeatable" },
	{ "-H host", "a host name the run uses: a value naming it is no secret" },
	{ "-h, --help", "print this help and exit" },
	{ "-j", "one JSON object per finding" },
	{ "-n minlen", "ignore values shorter than minlen bytes (default 6)" },
	{ "-q", "print nothing; the exit status says it" },
	{ "-V, --version", "print the version and exit" },
	{ "-x key", "do not look for the value of key; repeatable" },
	{ NULL, NULL },
};

static const struct usage usage = {
	"[-hjqV] [-H host] [-n minlen] [-x key] -e envfile ... path ...\n"
	"       leakscan [-hjqV] [-H host] [-n minlen] [-x key] envfile path ...",
	opts,
};

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = { USAGE_LONGOPTS, { NULL, 0, NULL, 0 } };
	static const char **envs, **skip;	/* static: reachable until exit */
	size_t nenv = 0, nskip = 0, i, j, minlen = 6;
	long long ll;
	int ch;

	setprogname(argv[0]);
	envs = xreallocarray(NULL, (size_t)argc, sizeof *envs);
	skip = xreallocarray(NULL, (size_t)argc, sizeof *skip);
	run_hosts = xreallocarray(NULL, (size_t)argc, sizeof *run_hosts);
	while ((ch = getopt_long(argc, argv, "e:H:hjn:qVx:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'e':
			envs[nenv++] = optarg;
			break;
		case 'H':
			run_hosts[nrun_hosts++] = optarg;
			break;
		case 'h':
			usage_help(&usage);
		case 'j':
			jflag = 1;
			break;
		case 'n':
			if (parse_ll(optarg, 1, 65536, &ll) < 0) {
				warnf("bad minimum length '%s': want 1 to 65536", optarg);
				usage_error(&usage);
			}
			minlen = (size_t)ll;
			break;
		case 'q':
			qflag = 1;
			break;
		case 'V':
			usage_version();
		case 'x':
			skip[nskip++] = optarg;
			break;
		default:
			usage_error(&usage);
		}
	}
	argc -= optind;
	argv += optind;
	if (nenv == 0 && argc > 0) {
		envs[nenv++] = *argv++;
		argc--;
	}
	if (nenv == 0 || argc == 0)
		usage_error(&usage);
	for (i = 0; i < nenv; i++)
		read_env(envs[i], minlen);
	/* -x KEY: that key's values are not secret (a host name, a port). */
	for (i = j = 0; i < nsecrets; i++) {
		size_t k;

		for (k = 0; k < nskip && strcmp(skip[k], secrets[i].key) != 0; k++)
			;
		if (k < nskip) {
			free(secrets[i].key);
			free(secrets[i].val);
		} else {
			secrets[j++] = secrets[i];
		}
	}
	nsecrets = j;
	if (nsecrets == 0)
		warnf("no value of %zu characters or more in the env file: nothing to look for",
		    minlen);
	build_patterns();
	for (i = 0; i < (size_t)argc; i++)
		scan_path(argv[i], 1);
	return finish_stdout(failed ? EXIT_ERROR : found > 0 ? EXIT_FAILS : EXIT_HOLDS);
}
