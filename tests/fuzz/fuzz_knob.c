/*
 * libFuzzer harness for knobcheck's validation, the shell-facing grammar of
 * the pipeline: the first byte picks a knob, the rest is its value. The
 * program's own source is compiled in (its main renamed), so the harness
 * runs exactly the checks knobcheck runs, with url.c, dur.c and num.c
 * behind them. It aborts when a value is accepted that holds a control
 * character (it would split a line of facts, or a recipe), when a duration
 * is accepted that is beyond the bound, or when a diagnostic would show a
 * control character or a URL's credentials.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define main knobcheck_main
#include "../../tools/knobcheck.c"
#undef main

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Where the userinfo of URL v would start, or -1 when it has none. */
static long
userinfo_at(const char *v)
{
	const char *auth = strstr(v, "://");
	size_t n, i;

	if (auth == NULL)
		return -1;
	auth += 3;
	n = strcspn(auth, "/?#");
	for (i = 0; i < n; i++)
		if (auth[i] == '@')
			return (long)(auth - v);
	return -1;
}

static void
check_shown(const struct knob *k, const char *v)
{
	char buf[128];
	const char *s = shown(k, v, buf, sizeof buf);
	long at;
	size_t i;

	if (strlen(s) >= sizeof buf)
		abort();
	for (i = 0; s[i] != '\0'; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			abort();
	/* A URL's userinfo is masked: "***" where it was (a value this short
	 * is never cut). */
	if (k->kind == K_URL && strlen(v) < 100 && (at = userinfo_at(v)) >= 0 &&
	    strncmp(s + at, "***", 3) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct knob *k;
	char *v;
	double ms;

	if (size < 1 || memchr(data + 1, '\0', size - 1) != NULL)
		return 0;
	quiet = 1;
	k = &knobs[data[0] % NKNOBS];
	v = malloc(size);
	if (v == NULL)
		return 0;
	memcpy(v, data + 1, size - 1);
	v[size - 1] = '\0';
	if (check_knob(k, v) == NULL) {
		if (has_control(v))
			abort();
		if ((k->kind == K_DURATION || k->kind == K_SECONDS) &&
		    (dur_parse_user(v, MAX_MS, &ms) != 0 || ms < 0))
			abort();
	}
	check_shown(k, v);
	free(v);
	return 0;
}
