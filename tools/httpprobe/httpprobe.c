/* httpprobe: one HTTP/1.1 request with deadlines and retries, or a bounded load run. */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "atomic.h"
#include "clock.h"
#include "die.h"
#include "dur.h"
#include "http.h"
#include "jsonout.h"
#include "load.h"
#include "num.h"
#include "observe.h"
#include "readall.h"
#include "sign.h"
#include "usage.h"
#include "xalloc.h"

#define MAX_HEADERS 64
#define BACKOFF_FIRST_MS 500.0
#define BACKOFF_MAX_MS 8000.0
#define MAX_SECONDS 86400.0
#define DEFAULT_SLACK_MS 1000.0
#define DEFAULT_GRACE_MS 30000.0   /* k6's gracefulStop */

enum {
	OPT_RATE = 256, OPT_TAG, OPT_SUMMARY, OPT_OUT, OPT_HMAC, OPT_HMAC_FILE, OPT_BURST,
	OPT_TALLY, OPT_CHECK, OPT_BODIES, OPT_GRACE
};

struct opts {
	const char *url_arg;
	struct url url;
	const char *method;
	struct http_header headers[MAX_HEADERS];
	size_t nheaders;
	const char *redact[MAX_HEADERS];
	size_t nredact;
	char *body;
	size_t body_len;
	const char *out;            /* -o */
	const char *wfmt;           /* -w */
	const char *expect_spec;    /* -s */
	struct http_status_set expect;
	long long retries;          /* -r */
	double timeout_ms;          /* -t */
	double connect_ms;          /* -T, 0: none */
	double max_ms;              /* -m, or the default overall deadline */
	int max_given;              /* -m was given */
	int grace_given;            /* --grace was given */
	int json, quiet, verbose, retry_all;
	int load;                   /* a load option was given */
	const char *hmac_keyid, *hmac_file;   /* --hmac, --hmac-secret-file */
	struct sign *sign;          /* --hmac: every request signed afresh */
	struct observe *ob;         /* --tally, --check, --bodies */
	struct body *keep;          /* the attempt's body, when ob needs it; else NULL */
	struct load_config lc;
};

struct result {
	int status;                 /* 0: no valid response */
	char reason[64];
	char location[256];         /* "" when there was none */
	struct http_parser *parser; /* the final response (-w %header{}), or NULL */
	int check_failed;           /* --check: the first that failed, + 1; 0: none */
	char check_why[192];        /* then why */
	long long attempts;
	enum http_error error;
	char message[320];
	double connect_ms, first_byte_ms, total_ms;   /* < 0: not reached */
	unsigned long long bytes;
	int open_line;              /* the body on stdout did not end with a newline */
	double demand_ms;           /* a Retry-After beyond the deadline ended the run, or -1 */
	double left_ms;             /* then the time that was left until the deadline */
	int exit;
};

/* Where the body of an attempt goes. */
struct sink {
	FILE *fp;                   /* NULL: discarded */
	struct atomic_file af;      /* -o FILE, a regular file */
	int spool;                  /* fp is a temporary copied to stdout at the end */
	int direct;                 /* fp is -o FILE opened as it is (a device, a FIFO) */
	int to_stdout;              /* the body ends up on standard output */
	struct body *keep;          /* --check, --tally .path, --bodies: a copy, or NULL */
	int wrote;                  /* at least one byte of body came */
	char lastc;                 /* then its last byte */
	int err;                    /* errno of a failed write, or 0 */
};

static const char *const always_redacted[] = {
	"Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie",
	"X-Api-Key", "X-Signature",
};

static const struct usage_opt usage_opts[] = {
	{ "-c conns", "load mode: connections, one request in flight each (1)" },
	{ "-D duration", "load mode: stop starting requests after duration (10, 1m30s)" },
	{ "-d data | @file", "send data, or a file's contents (@- stdin), as the body" },
	{ "-H header", "add, replace (Name: value) or remove (Name:) a request header" },
	{ "-h, --help", "print this help and exit" },
	{ "-j", "print the result as one JSON object (load mode: one per request)" },
	{ "-m seconds", "overall deadline over every attempt and wait (from -r and -t)" },
	{ "-n requests", "load mode: make this many requests" },
	{ "-o file", "write the body to file, atomically; print key=value facts" },
	{ "-q", "no body on standard output; load mode: no summary" },
	{ "-R", "retry even a request that is not idempotent" },
	{ "-r retries", "retry a failed attempt this many times (0)" },
	{ "-S, --redact header", "never show this header's value with -v" },
	{ "-s codes", "expected statuses: 200, 200,204, 2xx (2xx)" },
	{ "-T seconds", "connect deadline" },
	{ "-t seconds", "deadline of one attempt (10)" },
	{ "-V, --version", "print the version and exit" },
	{ "-v", "log each attempt, its request and response heads, on stderr" },
	{ "-w format", "print format, with %{http_code} and the like, as the result" },
	{ "-X method", "the request method (GET, or POST with -d)" },
	{ "--bodies dir", "keep every response body as dir/N.body (N: request, 1-10000)" },
	{ "--burst", "load mode: connect every connection, then send the first requests at once" },
	{ "--check pred", "a predicate on every JSON body (.data is array, .ok == true)" },
	{ "--grace duration", "load mode: time after -D for requests in flight (30s)" },
	{ "--hmac keyid", "sign every request (X-Api-Key, X-Timestamp, X-Nonce, X-Signature)" },
	{ "--hmac-secret-file file", "the signing secret (else SMOKEKIT_HMAC_SECRET)" },
	{ "--out file", "load mode: every request as k6's NDJSON" },
	{ "--rate rps", "load mode: start requests at this rate (open model)" },
	{ "--summary-export file", "load mode: k6's summary export" },
	{ "--tag key=value", "load mode: tag every request, as k6's tags" },
	{ "--tally src", "count the values of status, header:NAME or a JSON path" },
	{ NULL, NULL },
};

static const struct usage usage = {
	"[-hjqRVv] [-c conns] [-D duration] [-d data | @file] [-H header] "
	"[-m seconds] [-n requests] [-o file] [-r retries] [-S header] [-s codes] "
	"[-T seconds] [-t seconds] [-w format] [-X method] [--bodies dir] [--burst] "
	"[--check pred] [--grace duration] [--hmac keyid] [--hmac-secret-file file] "
	"[--out file] [--rate rps] [--summary-export file] [--tag key=value] [--tally src] url",
	usage_opts,
};

static void
bad_arg(int opt, const char *arg, const char *what)
{
	static const char *const names[] = {
		[OPT_RATE - 256] = "--rate", [OPT_TAG - 256] = "--tag",
		[OPT_TALLY - 256] = "--tally", [OPT_CHECK - 256] = "--check",
		[OPT_BODIES - 256] = "--bodies", [OPT_GRACE - 256] = "--grace",
	};

	if (opt < 256)
		warnf("bad -%c '%s': %s", opt, arg, what);
	else if (opt - 256 < (int)(sizeof names / sizeof names[0]) && names[opt - 256] != NULL)
		warnf("bad %s '%s': %s", names[opt - 256], arg, what);
	else
		warnf("bad option argument '%s': %s", arg, what);
	usage_error(&usage);
}

/* --grace: as -D's durations, and 0 for none (k6's gracefulStop: 0s). */
static double
grace_arg(int opt, const char *arg)
{
	double ms;

	if (dur_parse_user(arg, MAX_SECONDS * 1000, &ms) != 0)
		bad_arg(opt, arg, "not a duration up to 24h (0, 500ms, 30s, 1m)");
	return ms;
}

static double
seconds_arg(int opt, const char *arg)
{
	double ms;

	if (dur_parse_user(arg, MAX_SECONDS * 1000, &ms) != 0 || ms <= 0)
		bad_arg(opt, arg, "not a duration from 1ms to 24h (10, 0.5, 500ms, 1m30s)");
	return ms;
}

/* The characters of a token (RFC 9110 5.6.2): header names, methods. */
#define TCHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$%&'*+-.^_`|~"

/*
 * A bad -H is named by its header name alone, and only when the text
 * before the colon is a header name: anything else (no colon, a name with
 * blanks) may be a secret typed in the wrong place, and is not shown.
 */
static void
bad_header(const char *arg, const char *why)
{
	size_t n = strcspn(arg, ":");

	if (arg[n] == ':' && n > 0 && n <= 64 && strspn(arg, TCHARS) == n)
		warnf("bad -H '%.*s...': %s", (int)n, arg, why);
	else
		warnf("bad -H (not shown: it may hold a secret): %s", why);
	usage_error(&usage);
}

/* "Name: value" adds or replaces; "Name:" removes a default; "Name;" sends it empty. */
static void
add_header(struct opts *o, char *arg)
{
	struct http_header *h = &o->headers[o->nheaders];
	size_t len = strlen(arg);
	const char *why;

	if (o->nheaders == MAX_HEADERS)
		bad_header(arg, "too many headers");
	if (len > 1 && arg[len - 1] == ';' && strchr(arg, ':') == NULL) {
		arg[len - 1] = ':';
		if (http_header_parse(arg, h, &why) != 0)
			bad_header(arg, why);
	} else {
		if (http_header_parse(arg, h, &why) != 0)
			bad_header(arg, why);
		if (*h->value == '\0')
			h->value = NULL;
	}
	o->nheaders++;
}

/* -d data, -d @file, -d @- (standard input). */
static void
read_data(struct opts *o, const char *arg)
{
	const char *path = arg + 1;
	int fd;

	if (o->body != NULL) {
		/* Not bad_arg: the data may be a secret and is never echoed. */
		warnf("-d given twice");
		usage_error(&usage);
	}
	if (arg[0] != '@') {
		o->body = xstrdup(arg);
		o->body_len = strlen(arg);
		return;
	}
	if (strcmp(path, "-") == 0)
		fd = STDIN_FILENO;
	else if ((fd = open(path, O_RDONLY)) < 0)
		die(EXIT_ERROR, "open %s:", path);
	/* A directory opens, and fails here: "read dir: Is a directory". */
	if ((o->body = read_whole(fd, &o->body_len)) == NULL)
		die(EXIT_ERROR, "read %s:", path);
	if (fd != STDIN_FILENO)
		close(fd);
}

static void
load_option(struct opts *o, int c, char *arg)
{
	long long n;

	o->load = 1;
	switch (c) {
	case 'c':
		if (parse_ll(arg, 1, 100000, &n) != 0)
			bad_arg(c, arg, "not a number of connections (1-100000)");
		o->lc.conns = (unsigned)n;
		break;
	case 'D':
		o->lc.duration_ms = seconds_arg(c, arg);
		break;
	case OPT_BURST:
		o->lc.burst = 1;
		break;
	case 'n':
		if (parse_ll(arg, 1, 1000000000000LL, &n) != 0)
			bad_arg(c, arg, "not a number of requests");
		o->lc.requests = (unsigned long long)n;
		break;
	default:	/* OPT_RATE */
		if (parse_double(arg, 0, 1e7, &o->lc.rate) != 0 || o->lc.rate <= 0)
			bad_arg(c, arg, "--rate wants requests per second (a positive number)");
		break;
	}
}

/* HTTPPROBE_EXACT_SAMPLES: how many latencies a trend keeps exactly. */
static void
exact_samples_env(struct opts *o)
{
	const char *env = getenv(LOAD_EXACT_ENV);
	long long n, max = LOAD_EXACT_MAX;

	if (env == NULL || *env == '\0')
		return;
	if ((unsigned long long)max > SIZE_MAX / sizeof(double))
		max = (long long)(SIZE_MAX / sizeof(double));
	if (parse_ll(env, 1, max, &n) == 0) {
		o->lc.exact_samples = (size_t)n;
		return;
	}
	die(EXIT_USAGE, "bad %s '%s': not a number of samples (1-%lld)", LOAD_EXACT_ENV,
	    env, max);
}

static int wformat(FILE *fp, const char *fmt, const struct opts *o, const struct result *r);

/* --tally, --check, --bodies: into the one struct observe of the run. */
static void
observe_option(struct opts *o, int c, char *arg)
{
	static struct observe ob;
	char err[192];
	const char *why;

	o->ob = &ob;
	if (c == OPT_TALLY && observe_tally(&ob, arg, &why) != 0)
		bad_arg(c, arg, why);
	if (c == OPT_CHECK && observe_check(&ob, arg, err, sizeof err) != 0)
		bad_arg(c, arg, err);
	if (c == OPT_BODIES) {
		if (*arg == '\0')
			bad_arg(c, arg, "--bodies wants a directory");
		ob.bodies = arg;
	}
}

static void
option(struct opts *o, int c, char *arg)
{
	long long n;
	char *eq;

	switch (c) {
	case 'c': case 'D': case 'n': case OPT_RATE: case OPT_BURST:
		load_option(o, c, arg);
		break;
	case 'd':
		read_data(o, arg);
		break;
	case 'H':
		add_header(o, arg);
		break;
	case 'h':
		usage_help(&usage);
	case 'j':
		o->json = 1;
		break;
	case 'm':
		o->max_ms = seconds_arg(c, arg);
		o->max_given = 1;
		break;
	case 'o':
		if (*arg == '\0')
			bad_arg(c, arg, "an empty file name (- is standard output)");
		o->out = arg;
		break;
	case 'q':
		o->quiet = 1;
		break;
	case 'R':
		o->retry_all = 1;
		break;
	case 'r':
		if (parse_ll(arg, 0, 1000, &n) != 0)
			bad_arg(c, arg, "not a number of retries (0-1000)");
		o->retries = n;
		break;
	case 'S':
		if (o->nredact == MAX_HEADERS)
			bad_arg(c, arg, "too many headers to redact");
		o->redact[o->nredact++] = arg;
		break;
	case 's':
		if (http_status_set_parse(arg, &o->expect) != 0)
			bad_arg(c, arg, "not a list of statuses (200, 200,204, 2xx)");
		o->expect_spec = arg;
		break;
	case 'T':
		o->connect_ms = seconds_arg(c, arg);
		break;
	case 't':
		o->timeout_ms = seconds_arg(c, arg);
		break;
	case 'V':
		usage_version();
	case 'v':
		o->verbose = 1;
		break;
	case 'w':
		if (wformat(NULL, arg, o, NULL) != 0)
			usage_error(&usage);
		o->wfmt = arg;
		break;
	case 'X':
		if (*arg == '\0' || strspn(arg, TCHARS) != strlen(arg))
			bad_arg(c, arg, "not a method name");
		o->method = arg;
		break;
	case OPT_TAG:
		if ((eq = strchr(arg, '=')) == NULL || eq == arg)
			bad_arg(c, arg, "--tag wants KEY=VALUE");
		*eq = '\0';
		o->lc.tag_key = arg;
		o->lc.tag_value = eq + 1;
		break;
	case OPT_SUMMARY:
		o->lc.summary_export = arg;
		break;
	case OPT_GRACE:
		o->lc.grace_ms = grace_arg(c, arg);
		o->grace_given = 1;
		break;
	case OPT_OUT:
		o->lc.out = arg;
		break;
	case OPT_HMAC:
		o->hmac_keyid = arg;
		break;
	case OPT_HMAC_FILE:
		o->hmac_file = arg;
		break;
	case OPT_TALLY: case OPT_CHECK: case OPT_BODIES:
		observe_option(o, c, arg);
		break;
	default:
		usage_error(&usage);
	}
}

/* --hmac: the signer, its four headers after the -H ones. */
static void
hmac_option(struct opts *o)
{
	static struct sign signer;

	if (o->hmac_keyid == NULL && o->hmac_file != NULL)
		die(EXIT_USAGE, "--hmac-secret-file needs --hmac keyid");
	if (o->hmac_keyid == NULL)
		return;
	sign_setup(&signer, o->hmac_keyid, o->hmac_file, o->headers, &o->nheaders,
	    MAX_HEADERS);
	o->sign = &signer;
}

static void
parse_args(struct opts *o, int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "bodies", required_argument, NULL, OPT_BODIES },
		{ "burst", no_argument, NULL, OPT_BURST },
		{ "check", required_argument, NULL, OPT_CHECK },
		{ "grace", required_argument, NULL, OPT_GRACE },
		{ "hmac", required_argument, NULL, OPT_HMAC },
		{ "hmac-secret-file", required_argument, NULL, OPT_HMAC_FILE },
		{ "out", required_argument, NULL, OPT_OUT },
		{ "rate", required_argument, NULL, OPT_RATE },
		{ "redact", required_argument, NULL, 'S' },
		{ "summary-export", required_argument, NULL, OPT_SUMMARY },
		{ "tag", required_argument, NULL, OPT_TAG },
		{ "tally", required_argument, NULL, OPT_TALLY },
		USAGE_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	const char *why;
	char shown[128];
	int c;

	memset(o, 0, sizeof *o);
	o->timeout_ms = 10000;
	o->lc.grace_ms = DEFAULT_GRACE_MS;
	o->expect_spec = "2xx";
	http_status_set_parse(o->expect_spec, &o->expect);
	while ((c = getopt_long(argc, argv, "c:D:d:H:hjm:n:o:qRr:S:s:T:t:Vvw:X:",
	    longopts, NULL)) != -1)
		option(o, c, optarg);
	if (optind != argc - 1)
		usage_error(&usage);
	o->url_arg = argv[optind];
	if (url_parse(o->url_arg, &o->url, &why) != 0) {
		warnf("bad URL '%s': %s", url_shown(o->url_arg, shown, sizeof shown), why);
		usage_error(&usage);
	}
	if (o->method == NULL)
		o->method = o->body != NULL ? "POST" : "GET";
	if (o->json && o->wfmt != NULL)
		die(EXIT_USAGE, "-j and -w are exclusive");
	if (o->load && (o->out != NULL || o->wfmt != NULL || o->retries > 0 ||
	    o->max_given || o->retry_all || o->verbose))
		die(EXIT_USAGE, "-o, -w, -r, -m, -R and -v do not apply to load mode");
	if (!o->load && (o->lc.tag_key != NULL || o->lc.summary_export != NULL ||
	    o->lc.out != NULL))
		die(EXIT_USAGE, "--tag, --summary-export and --out need load mode (-c, -n, -D or --rate)");
	if (o->grace_given && o->lc.duration_ms == 0)
		die(EXIT_USAGE, "--grace needs -D (it is the time given, after -D, to requests in flight)");
	if (o->lc.burst && o->lc.rate > 0)
		die(EXIT_USAGE, "--burst and --rate are exclusive (--burst is the closed model's first wave)");
	/* --burst alone: one request on each connection. */
	if (o->lc.burst && o->lc.requests == 0 && o->lc.duration_ms == 0)
		o->lc.requests = o->lc.conns > 0 ? o->lc.conns : 1;
	if (o->load && o->lc.requests == 0 && o->lc.duration_ms == 0)
		die(EXIT_USAGE, "load mode needs a bound: -n requests or -D duration");
	if (o->load)
		exact_samples_env(o);
	/*
	 * Without -m: every attempt and the longest backoff between each, and
	 * a second for the work between them, so that an attempt's own -t
	 * always ends it first (the overall deadline is for waits).
	 */
	if (!o->max_given)
		o->max_ms = (double)(o->retries + 1) * o->timeout_ms +
		    (double)o->retries * BACKOFF_MAX_MS + DEFAULT_SLACK_MS;
	hmac_option(o);
	if (o->ob != NULL && observe_needs_body(o->ob)) {
		static struct body keep;
		o->keep = &keep;
	}
}

/* ---- the body sink ---- */

static int
sink_write(void *ctx, const char *data, size_t n)
{
	struct sink *s = ctx;

	if (s->keep != NULL)
		body_add(s->keep, data, n);
	if (s->fp == NULL || n == 0)
		return 0;
	s->wrote = 1;
	s->lastc = data[n - 1];
	if (fwrite(data, 1, n, s->fp) != n) {
		s->err = errno != 0 ? errno : EIO;
		return -1;
	}
	return 0;
}

/* last: no retry can follow, so standard output may be written as the bytes come. */
static int
sink_open(const struct opts *o, struct sink *s, int last)
{
	struct stat st;

	memset(s, 0, sizeof *s);
	if ((s->keep = o->keep) != NULL)
		body_reset(s->keep);
	if (o->out != NULL && strcmp(o->out, "-") != 0) {
		/* A device or a FIFO cannot be replaced by a rename, nor should it be. */
		if (stat(o->out, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
			s->direct = 1;
			s->fp = fopen(o->out, "w");
			return s->fp != NULL ? 0 : -1;
		}
		return atomic_open(&s->af, o->out) == 0 ? (s->fp = s->af.fp, 0) : -1;
	}
	if (o->quiet && o->out == NULL)
		return 0;
	s->to_stdout = 1;
	if (last) {
		s->fp = stdout;
		return 0;
	}
	s->spool = 1;
	s->fp = tmpfile();
	return s->fp != NULL ? 0 : -1;
}

static void
sink_abort(struct sink *s)
{
	if (s->af.fp != NULL)
		atomic_abort(&s->af);
	else if ((s->spool || s->direct) && s->fp != NULL)
		fclose(s->fp);
	s->fp = NULL;
}

static int
sink_commit(struct sink *s)
{
	char buf[65536];
	size_t n;
	int rc = 0;

	if (s->af.fp != NULL)
		return atomic_commit(&s->af);
	if (s->direct)
		rc = fclose(s->fp) == 0 ? 0 : -1;
	if (s->spool) {
		rewind(s->fp);
		while ((n = fread(buf, 1, sizeof buf, s->fp)) > 0)
			if (fwrite(buf, 1, n, stdout) != n)
				rc = -1;
		if (ferror(s->fp))
			rc = -1;
		fclose(s->fp);
	}
	s->fp = NULL;
	return rc;
}

/* ---- the verbose log ---- */

static int
redacted(const struct opts *o, const char *name)
{
	size_t i;

	for (i = 0; i < sizeof always_redacted / sizeof always_redacted[0]; i++)
		if (strcasecmp(name, always_redacted[i]) == 0)
			return 1;
	for (i = 0; i < o->nredact; i++)
		if (strcasecmp(name, o->redact[i]) == 0)
			return 1;
	return 0;
}

static void
log_field(const struct opts *o, char dir, const char *name, const char *value)
{
	fprintf(stderr, "%s: %c %s: %s\n", progname, dir, name,
	    redacted(o, name) ? "<redacted>" : value);
}

static void
log_request(const struct opts *o)
{
	char *head = http_format_request(o->method, &o->url, o->headers, o->nheaders,
	    o->body_len, 0), *line, *next, *colon;

	if (head == NULL)
		return;
	for (line = head; *line != '\0' && *line != '\r'; line = next + 2) {
		next = strstr(line, "\r\n");
		*next = '\0';
		if (line == head || (colon = strchr(line, ':')) == NULL) {
			fprintf(stderr, "%s: > %s\n", progname, line);
			continue;
		}
		*colon = '\0';
		log_field(o, '>', line, colon + 2);
	}
	free(head);
}

static void
log_response(const struct opts *o, const struct http_exchange *x)
{
	struct http_header h;
	size_t pos = 0;

	if (http_parser_status(x->parser) == 0)
		return;
	fprintf(stderr, "%s: < %d %s\n", progname, http_parser_status(x->parser),
	    http_parser_reason(x->parser));
	while (http_parser_header_next(x->parser, &pos, &h))
		log_field(o, '<', h.name, h.value);
}

/* ---- one probe with its retries ---- */

static int
retryable_status(int status)
{
	return status == 408 || status == 429 || status == 500 || status == 502 ||
	    status == 503 || status == 504;
}

static int
retryable_error(enum http_error e)
{
	return e == HTTP_ERR_DNS || e == HTTP_ERR_REFUSED || e == HTTP_ERR_UNREACHABLE ||
	    e == HTTP_ERR_TIMEOUT || e == HTTP_ERR_RESET || e == HTTP_ERR_EMPTY;
}


/*
 * Should attempt n (which ended as x and r say) be followed by another?
 * Returns the milliseconds to wait first, or -1 for no. A Retry-After that
 * asks for a wait past the deadline also sets r->demand_ms: the server's
 * demand, not the last attempt, is then the outcome.
 */
static double
next_wait(const struct opts *o, const struct http_exchange *x, struct result *r,
    double deadline)
{
	double wait = BACKOFF_FIRST_MS * pow(2, (double)(r->attempts - 1)), ra;
	const char *why = NULL, *after;

	if (r->attempts > o->retries)
		return -1;
	if (r->status != 0 ? !retryable_status(r->status) || http_status_expected(&o->expect, r->status)
	    : !retryable_error(r->error))
		return -1;
	if (x->sent && !o->retry_all && !http_method_idempotent(o->method))
		why = "the method is not idempotent and the request was sent (-R retries it)";
	if (wait > BACKOFF_MAX_MS)
		wait = BACKOFF_MAX_MS;
	after = r->status != 0 ? http_parser_header(x->parser, "Retry-After") : NULL;
	if (why == NULL && after != NULL &&
	    http_retry_after_ms(after, (long long)time(NULL), &ra) == 0 && ra > wait) {
		if (o->verbose)
			warnf("attempt %lld: Retry-After: %s", r->attempts, after);
		if (clock_ms() + ra >= deadline) {
			r->demand_ms = ra;
			r->left_ms = deadline - clock_ms();
			return -1;
		}
		wait = ra;
	}
	if (why == NULL && clock_ms() + wait >= deadline)
		why = o->max_given ? "the next attempt would start after the -m deadline" :
		    "the next attempt would start after the overall deadline";
	if (why != NULL) {
		if (o->verbose)
			warnf("not retrying: %s", why);
		return -1;
	}
	return wait;
}

static void
take_result(const struct opts *o, const struct http_exchange *x, int rc,
    struct result *r, double deadline)
{
	const char *loc;

	r->status = rc == 0 ? http_parser_status(x->parser) : 0;
	/* Copies: the parser is gone when the result is reported. */
	loc = r->status != 0 ? http_parser_header(x->parser, "Location") : NULL;
	snprintf(r->reason, sizeof r->reason, "%s", r->status != 0 ? http_parser_reason(x->parser) : "");
	snprintf(r->location, sizeof r->location, "%s", loc != NULL ? loc : "");
	r->error = x->error;
	r->connect_ms = x->connect_ms;
	r->first_byte_ms = x->first_byte_ms;
	r->total_ms = x->total_ms;
	r->bytes = http_parser_body_bytes(x->parser);
	snprintf(r->message, sizeof r->message, "%s%s", x->message,
	    x->error != HTTP_ERR_TIMEOUT || clock_ms() < deadline ? "" :
	    o->max_given ? " (the -m deadline)" : " (the overall deadline)");
	if (r->status != 0)
		r->exit = http_status_expected(&o->expect, r->status) ? EXIT_HOLDS : EXIT_FAILS;
	else
		r->exit = EXIT_ERROR;
}

static void
log_attempt(const struct opts *o, const struct http_exchange *x, const struct result *r)
{
	if (x->peer[0] != '\0')
		warnf("attempt %lld: connected to %s in %.3f ms", r->attempts, x->peer,
		    x->connect_ms);
	log_response(o, x);
	if (r->status != 0)
		warnf("attempt %lld: %d %s, %llu bytes in %.3f ms", r->attempts, r->status,
		    r->reason, r->bytes, r->total_ms);
	else
		warnf("attempt %lld: %s: %s", r->attempts, http_error_class(r->error), r->message);
}

/* A local failure of the body sink ends the probe: no retry can help. */
static void
sink_failed(const struct opts *o, struct result *r, int err)
{
	r->status = 0;
	r->error = HTTP_ERR_SYSTEM;
	r->exit = EXIT_ERROR;
	snprintf(r->message, sizeof r->message, "write %s: %s",
	    o->out != NULL ? o->out : "standard output", strerror(err));
}

/*
 * The server's demand, not the last attempt, is the outcome: exit 3, named
 * in the server's own seconds when it gave a number, whatever its size.
 */
static void
demand_result(const struct opts *o, const struct http_exchange *x, struct result *r)
{
	const char *after = http_parser_header(x->parser, "Retry-After");
	char secs[48], left[48] = "";
	size_t n;

	while (after != NULL && (*after == ' ' || *after == '\t'))
		after++;
	n = after != NULL ? strspn(after, "0123456789") : 0;
	if (n > 0 && n < 40 && after[n + strspn(after + n, " \t")] == '\0')
		snprintf(secs, sizeof secs, "%.*s", (int)n, after);
	else if (r->demand_ms >= HTTP_RETRY_AFTER_MAX_MS)
		snprintf(secs, sizeof secs, "more than %.0f", HTTP_RETRY_AFTER_MAX_MS / 1000);
	else
		snprintf(secs, sizeof secs, "%.0f", ceil(r->demand_ms / 1000));
	if (r->demand_ms <= o->max_ms)
		snprintf(left, sizeof left, " (%.2f s left)", r->left_ms > 0 ? r->left_ms / 1000 : 0);
	snprintf(r->message, sizeof r->message,
	    "server asks to retry after %s s (Retry-After), beyond the %.10g s deadline%s",
	    secs, o->max_ms / 1000, left);
	r->exit = EXIT_ERROR;
}

/*
 * --tally and --check on the final attempt's response (none when rc says
 * it is not whole). A check that fails turns a success into exit 1.
 */
static void
observe_final(const struct opts *o, const struct http_exchange *x, int rc,
    struct result *r)
{
	size_t first = 0;
	int failed;

	if (o->ob == NULL)
		return;
	failed = observe_response(o->ob, rc == 0 ? x->parser : NULL,
	    rc == 0 ? o->keep : NULL, NULL, &first, r->check_why, sizeof r->check_why);
	if (failed <= 0)
		return;
	r->check_failed = (int)first + 1;
	if (r->exit == EXIT_HOLDS)
		r->exit = EXIT_FAILS;
}

static void
probe(const struct opts *o, struct result *r)
{
	double deadline = clock_ms() + o->max_ms;
	struct http_exchange x;
	struct sink s;

	r->connect_ms = r->first_byte_ms = r->total_ms = r->demand_ms = -1;
	memset(&x, 0, sizeof x);
	x.method = o->method;
	x.url = &o->url;
	x.headers = o->headers;
	x.nheaders = o->nheaders;
	x.body = o->body;
	x.body_len = o->body_len;
	x.connect_timeout_ms = o->connect_ms;
	x.on_body = sink_write;
	x.ctx = &s;
	for (r->attempts = 1;; r->attempts++) {
		double wait;
		int rc;

		if (sink_open(o, &s, r->attempts > o->retries) != 0) {
			sink_failed(o, r, errno);
			break;
		}
		if (o->sign != NULL)
			sign_request(o->sign, o->method, o->url.path, o->body, o->body_len);
		if (o->verbose) {
			warnf("attempt %lld of %lld: %s %s", r->attempts, o->retries + 1,
			    o->method, o->url_arg);
			log_request(o);
		}
		x.start_ms = clock_ms();
		x.deadline_ms = x.start_ms + o->timeout_ms;
		if (x.deadline_ms > deadline)
			x.deadline_ms = deadline;
		rc = http_exchange_run(&x);
		take_result(o, &x, rc, r, deadline);
		if (s.err != 0) {
			sink_abort(&s);
			sink_failed(o, r, s.err);
			break;
		}
		if (o->verbose)
			log_attempt(o, &x, r);
		if (o->ob != NULL && rc == 0)
			observe_keep_body(o->ob, (unsigned long long)r->attempts, o->keep);
		if ((wait = next_wait(o, &x, r, deadline)) < 0) {
			observe_final(o, &x, rc, r);
			/*
			 * The final attempt: its body is the evidence, if it has
			 * one. Written straight to stdout, even a failed attempt's
			 * bytes are there.
			 */
			r->open_line = s.to_stdout && s.wrote && s.lastc != '\n' &&
			    (rc == 0 || !s.spool);
			if (rc != 0)
				sink_abort(&s);
			else if (sink_commit(&s) != 0)
				sink_failed(o, r, errno);
			break;
		}
		sink_abort(&s);
		if (o->verbose)
			warnf("retrying in %.2f s", wait / 1000);
		sleep_ms(wait);
	}
	if (r->demand_ms >= 0 && r->status != 0 && r->error == HTTP_ERR_NONE)
		demand_result(o, &x, r);
	else
		r->demand_ms = -1;
	/* The final response's head stays for -w %header{}. */
	if (r->status != 0) {
		r->parser = x.parser;
		x.parser = NULL;
	}
	http_exchange_free(&x);
}

/* The class of a failed probe ("refused", "retry_after"...), or NULL. */
static const char *
error_class(const struct result *r)
{
	if (r->demand_ms >= 0)
		return "retry_after";
	return r->error != HTTP_ERR_NONE ? http_error_class(r->error) : NULL;
}

/* ---- results ---- */

static double
ms(double v)
{
	return round(v * 1000) / 1000;
}

static void
put_secs(FILE *fp, double v)
{
	fprintf(fp, "%.6f", v < 0 ? 0 : v / 1000);
}

/*
 * %header{NAME} at *p (curl 7.84's): the final response's header NAME,
 * any case, empty when absent. *p is left on the closing brace. With fp
 * NULL only checks the name. Returns 0, or -1 for a bad one.
 */
static int
wheader(FILE *fp, const char **p, const struct result *r)
{
	const char *name = *p + 8, *end = strchr(name, '}'), *v;
	char buf[256];
	size_t n;

	if (end == NULL) {
		warnf("bad -w: %%header{ without its closing }");
		return -1;
	}
	n = (size_t)(end - name);
	if (n == 0 || n >= sizeof buf || strspn(name, TCHARS) < n) {
		warnf("bad -w: %%header{%.*s}: not a header name", (int)(n < 40 ? n : 40), name);
		return -1;
	}
	*p = end;
	if (fp == NULL || r->parser == NULL)
		return 0;
	memcpy(buf, name, n);
	buf[n] = '\0';
	if ((v = http_parser_header(r->parser, buf)) != NULL)
		fputs(v, fp);
	return 0;
}

/* %{redirect_url}: the Location, resolved against the URL as curl does. */
static void
put_redirect(FILE *fp, const struct opts *o, const struct result *r)
{
	const char *loc = r->parser != NULL ? http_parser_header(r->parser, "Location") : NULL;
	char *abs;

	if (loc == NULL)
		return;
	abs = url_resolve(o->url_arg, loc);
	fputs(abs, fp);
	free(abs);
}

/*
 * Writes the -w format for r to fp; with fp NULL only checks it, and says
 * which variable is unknown. Returns 0, or -1 for an unknown variable.
 */
static int
wformat(FILE *fp, const char *fmt, const struct opts *o, const struct result *r)
{
	static const char *const vars[] = {
		"error_class", "errormsg", "exitcode", "http_code", "method", "num_retries",
		"redirect_url", "response_code", "size_download", "time_connect",
		"time_starttransfer", "time_total", "url",
	};
	const char *p, *end;
	size_t i, n;

	for (p = fmt; *p != '\0'; p++) {
		if (*p == '\\' && p[1] != '\0' && strchr("nrt\\", p[1]) != NULL) {
			p++;
			if (fp != NULL)
				fputc(*p == 'n' ? '\n' : *p == 'r' ? '\r' : *p == 't' ? '\t' : '\\', fp);
			continue;
		}
		if (*p == '%' && p[1] == '%') {
			p++;
			if (fp != NULL)
				fputc('%', fp);
			continue;
		}
		if (*p != '%') {
			if (fp != NULL)
				fputc(*p, fp);
			continue;
		}
		if (strncmp(p + 1, "header{", 7) == 0) {
			if (wheader(fp, &p, r) != 0)
				return -1;
			continue;
		}
		/* One grammar: %%, %{name} or %header{name}; anything else is a mistake. */
		if (p[1] != '{') {
			warnf("bad -w: a %% not followed by { or %% (write %%%% for a percent sign)");
			return -1;
		}
		if ((end = strchr(p, '}')) == NULL) {
			warnf("bad -w: %%{ without its closing }");
			return -1;
		}
		n = (size_t)(end - p - 2);
		for (i = 0; i < sizeof vars / sizeof vars[0]; i++)
			if (strlen(vars[i]) == n && strncmp(p + 2, vars[i], n) == 0)
				break;
		if (i == sizeof vars / sizeof vars[0]) {
			warnf("bad -w variable %%{%.*s}", (int)(n < 40 ? n : 40), p + 2);
			return -1;
		}
		p = end;
		if (fp == NULL)
			continue;
		switch (i) {
		case 0: fputs(error_class(r) != NULL ? error_class(r) : "", fp); break;
		case 1: fputs(error_class(r) != NULL ? r->message : "", fp); break;
		case 2: fprintf(fp, "%d", r->exit); break;
		case 3: case 7: fprintf(fp, "%03d", r->status); break;
		case 4: fputs(o->method, fp); break;
		case 5: fprintf(fp, "%lld", r->attempts - 1); break;
		case 6: put_redirect(fp, o, r); break;
		case 8: fprintf(fp, "%llu", r->bytes); break;
		case 9: put_secs(fp, r->connect_ms); break;
		case 10: put_secs(fp, r->first_byte_ms); break;
		case 11: put_secs(fp, r->total_ms); break;
		default: fputs(o->url_arg, fp); break;
		}
	}
	return 0;
}

/* A time in ms to the microsecond; null (key= in key=value) when not reached. */
static void
facts_ms(struct facts *f, const char *key, double v)
{
	if (v < 0)
		facts_str(f, key, NULL);
	else
		facts_num(f, key, ms(v));
}

/* The result as key=value lines, or with json as one JSON object on a line. */
static void
report_facts(const struct opts *o, const struct result *r, int json)
{
	struct facts f;
	const char *cls = error_class(r);

	facts_begin(&f, stdout, json);
	facts_str(&f, "url", o->url_arg);
	if (r->status != 0)
		facts_int(&f, "status", r->status);
	else
		facts_str(&f, "status", NULL);
	facts_int(&f, "attempts", r->attempts);
	facts_ms(&f, "connect_ms", r->connect_ms);
	facts_ms(&f, "first_byte_ms", r->first_byte_ms);
	facts_ms(&f, "total_ms", r->total_ms);
	facts_int(&f, "bytes", (long long)r->bytes);
	facts_str(&f, "error_class", cls);
	facts_str(&f, "error", cls != NULL ? r->message : NULL);
	if (o->ob != NULL)
		observe_facts(o->ob, &f);
	facts_end(&f);
	if (json)
		putchar('\n');
}

static void
report(const struct opts *o, const struct result *r)
{
	char more[32] = "";

	if (r->attempts > 1)
		snprintf(more, sizeof more, " (%lld attempts)", r->attempts);
	if (r->demand_ms >= 0 && r->attempts > 1)
		warnf("%s: %s (status %d, %lld attempts)", o->url_arg, r->message, r->status,
		    r->attempts);
	else if (r->demand_ms >= 0)
		warnf("%s: %s (status %d)", o->url_arg, r->message, r->status);
	else if (r->exit == EXIT_ERROR)
		warnf("%s: %s: %s%s", o->url_arg, http_error_class(r->error), r->message, more);
	else if (r->exit == EXIT_FAILS && r->check_failed &&
	    http_status_expected(&o->expect, r->status))
		warnf("%s: check '%s' failed: %s", o->url_arg,
		    o->ob->check_text[r->check_failed - 1], r->check_why);
	else if (r->exit == EXIT_FAILS)
		warnf("%s: status %d%s%s%s%s, expected %s%s", o->url_arg, r->status,
		    *r->reason != '\0' ? " " : "", r->reason,
		    *r->location != '\0' ? ", Location: " : "", r->location, o->expect_spec, more);
	if (o->wfmt != NULL)
		wformat(stdout, o->wfmt, o, r);
	else if (o->json) {
		/* The object on a line of its own, whatever the body's last byte. */
		if (r->open_line)
			putchar('\n');
		report_facts(o, r, 1);
	}
	else if (o->out != NULL && strcmp(o->out, "-") != 0 && !o->quiet)
		report_facts(o, r, 0);
}

static int
load_mode(struct opts *o)
{
	o->lc.url = o->url_arg;
	o->lc.parsed = &o->url;
	o->lc.method = o->method;
	o->lc.headers = o->headers;
	o->lc.nheaders = o->nheaders;
	o->lc.body = o->body;
	o->lc.body_len = o->body_len;
	o->lc.expect = o->expect;
	if (o->lc.conns == 0)
		o->lc.conns = 1;
	o->lc.timeout_ms = o->timeout_ms;
	o->lc.connect_timeout_ms = o->connect_ms > 0 ? o->connect_ms : o->timeout_ms;
	o->lc.json = o->json;
	o->lc.quiet = o->quiet;
	o->lc.sign = o->sign;
	o->lc.observe = o->ob;
	return load_run(&o->lc);
}

int
main(int argc, char *argv[])
{
	struct opts o;
	struct result r;
	int status;

	setprogname(argv[0]);
	parse_args(&o, argc, argv);
	if (o.load) {
		status = load_mode(&o);
	} else {
		memset(&r, 0, sizeof r);
		probe(&o, &r);
		report(&o, &r);
		status = r.exit;
		if (o.ob != NULL && o.ob->bodies_failed > 0) {
			/* The evidence asked for is not there: a local failure. */
			warnf("%s: body not kept in %s: %s", o.url_arg, o.ob->bodies,
			    strerror(o.ob->bodies_err));
			status = EXIT_ERROR;
		}
		http_parser_free(r.parser);
	}
	if (o.ob != NULL)
		observe_free(o.ob);
	if (o.keep != NULL)
		body_free(o.keep);
	url_free(&o.url);
	free(o.body);
	return finish_stdout(status);
}
