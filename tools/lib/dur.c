/* smokekit: durations and their units, into milliseconds. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dur.h"

/*
 * Units that are a power of ten of a millisecond are applied by shifting
 * the decimal exponent before strtod, so "378.35µs" is exactly the double
 * nearest 0.37835 rather than 378.35 * 0.001 rounded twice.
 */
static const struct unit {
	const char *name;
	int exp10;        /* used when mult is 0 */
	double mult;
	double unit_ms;
	int user_only;    /* written by people, never printed by Go or k6 */
} units[] = {
	{ "ns", -6, 0, 1e-6, 0 },
	{ "us", -3, 0, 1e-3, 0 },
	{ "\xc2\xb5s", -3, 0, 1e-3, 0 },   /* U+00B5 MICRO SIGN, what k6 prints */
	{ "\xce\xbcs", -3, 0, 1e-3, 0 },   /* U+03BC GREEK SMALL LETTER MU */
	{ "ms", 0, 0, 1, 0 },
	{ "s", 3, 0, 1000, 0 },
	{ "m", 0, 60000, 60000, 0 },
	{ "h", 0, 3600000, 3600000, 0 },
	{ "d", 0, 86400000, 86400000, 1 },
};

static const struct unit *
find_unit(const char *s, size_t len, int user)
{
	size_t i;

	for (i = 0; i < sizeof units / sizeof units[0]; i++)
		if (strlen(units[i].name) == len && memcmp(units[i].name, s, len) == 0 &&
		    (user || !units[i].user_only))
			return &units[i];
	return NULL;
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* One number+unit component starting at s[*pos]; adds it to *d. */
static int
component(const char *s, size_t len, size_t *pos, int user, struct dur *d)
{
	char buf[80];
	size_t i = *pos, start = i, nlen, ulen;
	int digits = 0, decimals = 0, point = 0;
	const struct unit *u;
	double v;

	for (; i < len && (is_digit(s[i]) || s[i] == '.'); i++) {
		if (s[i] == '.') {
			if (point++)
				return -1;
		} else {
			digits++;
			decimals += point;
		}
	}
	nlen = i - start;
	if (digits == 0 || nlen + 8 > sizeof buf)
		return -1;
	for (; i < len && !is_digit(s[i]) && s[i] != '.'; i++)
		;
	ulen = i - start - nlen;
	if ((u = find_unit(s + start + nlen, ulen, user)) == NULL)
		return -1;
	memcpy(buf, s + start, nlen);
	if (u->mult == 0)
		snprintf(buf + nlen, sizeof buf - nlen, "e%d", u->exp10);
	else
		buf[nlen] = '\0';
	v = strtod(buf, NULL);
	if (u->mult != 0)
		v *= u->mult;
	if (!isfinite(v))
		return -1;
	d->ms += v;
	d->unit_ms = u->unit_ms;
	d->decimals = decimals;
	d->parts++;
	*pos = i;
	return 0;
}

/* user: a person wrote it (days allowed, no sign); else Go or k6 printed it. */
static int
parse(const char *s, size_t len, int user, struct dur *d)
{
	struct dur r = { 0, 0, 0, 0, 0 };
	size_t pos = 0;
	int neg = 0;

	if (!user && len > 0 && (s[0] == '-' || s[0] == '+')) {
		neg = s[0] == '-';
		r.sign = 1;
		pos = 1;
	}
	if (len - pos == 1 && s[pos] == '0') {
		*d = r;
		return 0;
	}
	if (pos >= len)
		return -1;
	while (pos < len)
		if (component(s, len, &pos, user, &r) != 0)
			return -1;
	if (!isfinite(r.ms))
		return -1;
	if (neg)
		r.ms = -r.ms;
	*d = r;
	return 0;
}

int
dur_parse(const char *s, size_t len, struct dur *d)
{
	return parse(s, len, 0, d);
}

/* Digits, optionally a point and more digits: "10", "0.5". */
static int
plain_seconds(const char *s)
{
	size_t n = strspn(s, "0123456789");

	if (n == 0)
		return 0;
	if (s[n] == '.') {
		size_t f = strspn(s + n + 1, "0123456789");
		if (f == 0)
			return 0;
		n += 1 + f;
	}
	return s[n] == '\0';
}

int
dur_parse_user(const char *s, double max_ms, double *ms)
{
	struct dur d;
	double v;

	if (s == NULL || strlen(s) > 64)
		return -1;
	if (plain_seconds(s)) {
		v = strtod(s, NULL) * 1000;
	} else {
		if (parse(s, strlen(s), 1, &d) != 0)
			return -1;
		v = d.ms;
	}
	if (!isfinite(v) || v < 0 || v > max_ms)
		return -1;
	*ms = v;
	return 0;
}
