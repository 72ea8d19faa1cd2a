/* smokekit: knobcheck, the pipeline's knobs validated and normalised. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "die.h"
#include "dur.h"
#include "num.h"
#include "url.h"
#include "usage.h"

/*
 * The shell glue of the pipeline (mk/smoke.sh) knows no grammar: it hands
 * every knob to this program, which parses each with the grammar the
 * programs use (url.c for a URL, dur.c for a duration, num.c for a
 * number) and prints what the glue needs as key=value facts.
 */

/* The longest duration a knob may hold: httpprobe's own bound. */
#define MAX_MS (24 * 3600 * 1000.0)

enum kind {
	K_COUNT, K_DURATION, K_IMAGE, K_MODE, K_MS, K_NAME, K_NAMES, K_PATH,
	K_PORT, K_RATIO, K_SECONDS, K_TEXT, K_URL, K_USER
};

static const char *const kind_names[] = {
	[K_COUNT] = "count", [K_DURATION] = "duration", [K_IMAGE] = "image",
	[K_MODE] = "mode", [K_MS] = "milliseconds", [K_NAME] = "name",
	[K_NAMES] = "names", [K_PATH] = "path", [K_PORT] = "port",
	[K_RATIO] = "ratio", [K_SECONDS] = "seconds", [K_TEXT] = "text",
	[K_URL] = "url", [K_USER] = "user",
};

struct knob {
	const char *name;
	enum kind kind;
	int optional;        /* may be empty */
	long long min, max;  /* a count's range; for a duration, min 0 allows 0 */
};

/* Sorted by name; man/knobcheck.1 and smokekit(7) describe each. */
static const struct knob knobs[] = {
	{ "BASE_URL", K_URL, 0, 0, 0 },
	{ "COMPOSE_FILE", K_PATH, 1, 0, 0 },
	{ "COMPOSE_NETWORK", K_NAME, 1, 0, 0 },
	{ "COMPOSE_SERVICE", K_NAME, 0, 0, 0 },
	{ "DEMO_DURATION", K_DURATION, 0, 1, 0 },
	{ "ENV_FILE", K_PATH, 1, 0, 0 },
	{ "ENV_USER", K_USER, 1, 0, 0 },
	{ "FAILED_MAX", K_RATIO, 0, 0, 0 },
	{ "K6_COMPOSE_URL", K_URL, 1, 0, 0 },
	{ "K6_DURATION", K_DURATION, 0, 1, 0 },
	{ "K6_IMAGE", K_IMAGE, 0, 0, 0 },
	{ "K6_MODE", K_MODE, 0, 0, 0 },
	{ "K6_SCRIPT", K_PATH, 0, 0, 0 },
	{ "K6_VUS", K_COUNT, 0, 1, 100000 },
	{ "LEAK_IGNORE", K_NAMES, 1, 0, 0 },
	{ "LOG_FILE", K_PATH, 1, 0, 0 },
	{ "P95_MAX_MS", K_MS, 0, 0, 0 },
	{ "PORT", K_PORT, 0, 1, 65535 },
	{ "RETRIES", K_COUNT, 0, 0, 1000 },
	{ "RUNS_DIR", K_PATH, 0, 0, 0 },
	{ "RUN_DIR", K_PATH, 1, 0, 0 },
	{ "STAGE_API_SERVICE", K_NAME, 0, 0, 0 },
	{ "STAGE_ASK_BODY", K_PATH, 1, 0, 0 },
	{ "STAGE_BALANCE_N", K_COUNT, 0, 1, 100000 },
	{ "STAGE_BURST_N", K_COUNT, 0, 1, 100000 },
	{ "STAGE_DEADLINE_S", K_SECONDS, 0, 1, 0 },
	{ "STAGE_DEMO_LLM_LIMIT", K_COUNT, 0, 0, 1000 },
	{ "STAGE_DEMO_REPLICAS", K_COUNT, 0, 1, 1000 },
	{ "STAGE_GATEWAY_SERVICE", K_NAME, 0, 0, 0 },
	{ "STAGE_LONG_BODY", K_PATH, 1, 0, 0 },
	{ "STAGE_METRICS_URL", K_URL, 1, 0, 0 },
	{ "STAGE_OVERLOAD_N", K_COUNT, 0, 1, 100000 },
	{ "STAGE_P95_MS", K_MS, 0, 0, 0 },
	{ "STAGE_REPLICAS", K_COUNT, 0, 1, 1000 },
	{ "STAGE_REPLICA_HEADER", K_NAME, 0, 0, 0 },
	{ "STAGE_URL", K_URL, 0, 0, 0 },
	{ "STARTUP_LINE", K_TEXT, 1, 0, 0 },
	{ "TIMEOUT", K_SECONDS, 0, 1, 0 },
	{ "UP", K_TEXT, 1, 0, 0 },
	{ "WAIT_S", K_SECONDS, 0, 0, 0 },
	{ "WARMUP_S", K_SECONDS, 0, 0, 0 },
};
#define NKNOBS (sizeof knobs / sizeof knobs[0])

static const struct usage usage = {
	"[-hlqV] NAME=VALUE ...",
	(const struct usage_opt[]) {
		{ "-h", "print this help and exit" },
		{ "-l", "list the knobs and their kinds, and exit" },
		{ "-q", "print no facts: the exit status and the diagnostics only" },
		{ "-V", "print the version and exit" },
		{ NULL, NULL },
	},
};

static int quiet;

static const struct knob *
find_knob(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < NKNOBS; i++)
		if (strlen(knobs[i].name) == len && memcmp(knobs[i].name, name, len) == 0)
			return &knobs[i];
	return NULL;
}

static void
fact(const char *name, const char *key, const char *value)
{
	if (!quiet)
		printf("%s%s%s=%s\n", name, key[0] != '\0' ? "." : "", key, value);
}

static void
fact_ms(const char *name, double ms)
{
	char buf[32];

	snprintf(buf, sizeof buf, "%.0f", ceil(ms));
	fact(name, "ms", buf);
}

static int
has_control(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

/* Every byte of s in set, and s not empty. */
static int
all_in(const char *s, const char *set)
{
	return *s != '\0' && strspn(s, set) == strlen(s);
}

#define DIGITS "0123456789"
#define LETTERS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

/*
 * BASE_URL and the like: url.c's grammar, then what a base needs: no query
 * or fragment, since the pipeline appends /healthz and /v1/models to it.
 */
static const char *
check_url(const struct knob *k, const char *v)
{
	struct url u;
	const char *why = NULL;
	char *base;
	size_t n;

	if (url_parse(v, &u, &why) != 0)
		return why;
	if (strchr(u.path, '?') != NULL || strchr(v, '#') != NULL) {
		url_free(&u);
		return "a base URL has no query or fragment (the pipeline appends /healthz and /v1/models)";
	}
	n = strlen(u.path);
	while (n > 0 && u.path[n - 1] == '/')
		u.path[--n] = '\0';
	n += strlen(u.hostport) + sizeof "http://";
	if ((base = malloc(n)) == NULL)
		die(EXIT_ERROR, "out of memory");
	snprintf(base, n, "http://%s%s", u.hostport, u.path);
	fact(k->name, "", v);
	fact(k->name, "host", u.host);
	fact(k->name, "port", u.port);
	fact(k->name, "hostport", u.hostport);
	fact(k->name, "endpoint", u.endpoint);
	fact(k->name, "prefix", u.path);
	fact(k->name, "base", base);
	free(base);
	url_free(&u);
	return NULL;
}

/* A duration (every form k6 takes) or, for the seconds kind, also 0. */
static const char *
check_duration(const struct knob *k, const char *v)
{
	double ms;

	if (dur_parse_user(v, HUGE_VAL, &ms) != 0)
		return k->kind == K_DURATION ? "not a duration (e.g. 10s, 1m30s, 500ms)" :
		    "not a number of seconds or a duration (e.g. 10, 0.5, 500ms, 1m)";
	if (ms > MAX_MS)
		return "longer than 24h";
	if (ms == 0 && k->min > 0)
		return "must be longer than 0";
	fact(k->name, "", v);
	fact_ms(k->name, ms);
	return NULL;
}

static const char *
check_number(const struct knob *k, const char *v)
{
	static char why[64];
	long long n;
	double d;
	char buf[32];

	switch (k->kind) {
	case K_MS:
		if (parse_double(v, 0, 1e15, &d) != 0)
			return "not a number of milliseconds (e.g. 1200)";
		break;
	case K_RATIO:
		if (parse_double(v, 0, 1, &d) != 0)
			return "not a ratio from 0 to 1 (e.g. 0.01 for 1%)";
		break;
	case K_PORT:
		if (parse_ll(v, k->min, k->max, &n) != 0)
			return "want a port number, 1 to 65535";
		break;
	default:	/* K_COUNT */
		if (parse_ll(v, k->min, k->max, &n) != 0) {
			snprintf(why, sizeof why, "want a count from %lld to %lld", k->min, k->max);
			return why;
		}
		break;
	}
	if (k->kind == K_PORT || k->kind == K_COUNT) {
		snprintf(buf, sizeof buf, "%lld", n);
		fact(k->name, "", buf);
	} else {
		fact(k->name, "", v);
	}
	return NULL;
}

/* The words of a knob that is a list of environment variable names. */
static const char *
check_names(const char *v)
{
	const char *p = v;
	size_t n;

	while (*p != '\0') {
		p += strspn(p, " ");
		n = strspn(p, LETTERS DIGITS "_");
		if ((n == 0 && *p != '\0') || (n > 0 && strchr(DIGITS, *p) != NULL))
			return "not a list of variable names (e.g. DB_HOST MODEL_NAME)";
		p += n;
		if (*p != '\0' && *p != ' ')
			return "not a list of variable names (e.g. DB_HOST MODEL_NAME)";
	}
	return NULL;
}

/* The kinds that are words or text: a charset, never a leading '-'. */
static const char *
check_word(const struct knob *k, const char *v)
{
	const char *why = NULL;

	switch (k->kind) {
	case K_MODE:
		if (strcmp(v, "auto") != 0 && strcmp(v, "host") != 0 &&
		    strcmp(v, "compose") != 0 && strcmp(v, "native") != 0)
			why = "want auto, host, compose or native";
		break;
	case K_NAME:
		if (!all_in(v, LETTERS DIGITS "_.-") || *v == '.' || *v == '-')
			why = "not a name (letters, digits, '_', '.' and '-', not first)";
		break;
	case K_IMAGE:
		if (!all_in(v, LETTERS DIGITS "_.-/:@") || *v == '-')
			why = "not an image reference (e.g. grafana/k6:1.0.0)";
		break;
	case K_USER:
		if (!all_in(v, LETTERS DIGITS "_.-") || *v == '-')
			why = "not a user name or uid (e.g. 1000, www-data)";
		break;
	case K_NAMES:
		why = check_names(v);
		break;
	case K_PATH:
		if (*v == '-')
			why = "starts with '-', which a program would take for an option (write ./ first)";
		break;
	default:	/* K_TEXT */
		break;
	}
	if (why == NULL)
		fact(k->name, "", v);
	return why;
}

/* NULL when v is a good value of knob k (its facts printed), else why not. */
static const char *
check_knob(const struct knob *k, const char *v)
{
	if (*v == '\0') {
		if (!k->optional)
			return "is empty";
		fact(k->name, "", v);
		return NULL;
	}
	if (k->kind == K_URL)
		return check_url(k, v);
	if (has_control(v))
		return "a newline or control character (a knob is one line)";
	switch (k->kind) {
	case K_DURATION: case K_SECONDS:
		return check_duration(k, v);
	case K_COUNT: case K_MS: case K_PORT: case K_RATIO:
		return check_number(k, v);
	default:
		return check_word(k, v);
	}
}

/*
 * v as a diagnostic may show it: a URL through url_shown (its credentials
 * masked), anything else with control characters as '?', cut at 80 bytes.
 */
static const char *
shown(const struct knob *k, const char *v, char *buf, size_t n)
{
	size_t i;

	if (k->kind == K_URL)
		return url_shown(v, buf, n);
	for (i = 0; v[i] != '\0' && i + 4 < n && i < 80; i++)
		buf[i] = (unsigned char)v[i] < 0x20 || v[i] == 0x7f ? '?' : v[i];
	if (v[i] != '\0')
		memcpy(buf + i, "...", 3), i += 3;
	buf[i] = '\0';
	return buf;
}

/* Operands are NAME=VALUE with a known NAME, each once; else usage. */
static void
check_operands(int argc, char *argv[])
{
	const struct knob *seen[NKNOBS];
	const struct knob *k;
	size_t nseen = 0, i;
	char *eq;
	int a;

	for (a = 0; a < argc; a++) {
		if ((eq = strchr(argv[a], '=')) == NULL)
			die(EXIT_USAGE, "%s: want NAME=VALUE", argv[a]);
		if ((k = find_knob(argv[a], (size_t)(eq - argv[a]))) == NULL)
			die(EXIT_USAGE, "%.*s: not a knob (knobcheck -l lists them)",
			    (int)(eq - argv[a]) > 40 ? 40 : (int)(eq - argv[a]), argv[a]);
		for (i = 0; i < nseen; i++)
			if (seen[i] == k)
				die(EXIT_USAGE, "%s: given twice", k->name);
		seen[nseen++] = k;
	}
}

static void
list_knobs(void)
{
	size_t i;

	for (i = 0; i < NKNOBS; i++)
		printf("%s %s%s\n", knobs[i].name, kind_names[knobs[i].kind],
		    knobs[i].optional ? " optional" : "");
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = { USAGE_LONGOPTS, { NULL, 0, NULL, 0 } };
	const struct knob *k;
	const char *why, *eq;
	char buf[128];
	int c, list = 0, bad = 0, a;

	setprogname(argv[0]);
	while ((c = getopt_long(argc, argv, "hlqV", longopts, NULL)) != -1) {
		switch (c) {
		case 'h': usage_help(&usage);
		case 'l': list = 1; break;
		case 'q': quiet = 1; break;
		case 'V': usage_version();
		default: usage_error(&usage);
		}
	}
	argc -= optind;
	argv += optind;
	if (list) {
		list_knobs();
		return finish_stdout(EXIT_HOLDS);
	}
	if (argc == 0)
		usage_error(&usage);
	check_operands(argc, argv);
	for (a = 0; a < argc; a++) {
		eq = strchr(argv[a], '=');
		k = find_knob(argv[a], (size_t)(eq - argv[a]));
		if ((why = check_knob(k, eq + 1)) != NULL) {
			warnf("%s='%s': %s", k->name, shown(k, eq + 1, buf, sizeof buf), why);
			bad = 1;
		}
	}
	return finish_stdout(bad ? EXIT_FAILS : EXIT_HOLDS);
}
