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
} units[] = {
	{ "ns", -6, 0, 1e-6 },
	{ "us", -3, 0, 1e-3 },
	{ "\xc2\xb5s", -3, 0, 1e-3 },   /* U+00B5 MICRO SIGN, what k6 prints */
	{ "\xce\xbcs", -3, 0, 1e-3 },   /* U+03BC GREEK SMALL LETTER MU */
	{ "ms", 0, 0, 1 },
	{ "s", 3, 0, 1000 },
	{ "m", 0, 60000, 60000 },
	{ "h", 0, 3600000, 3600000 },
};

static const struct unit *
find_unit(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof units / sizeof units[0]; i++)
		if (strlen(units[i].name) == len && memcmp(units[i].name, s, len) == 0)
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
component(const char *s, size_t len, size_t *pos, struct dur *d)
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
	if ((u = find_unit(s + start + nlen, ulen)) == NULL)
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

int
dur_parse(const char *s, size_t len, struct dur *d)
{
	struct dur r = { 0, 0, 0, 0, 0 };
	size_t pos = 0;
	int neg = 0;

	if (len > 0 && (s[0] == '-' || s[0] == '+')) {
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
		if (component(s, len, &pos, &r) != 0)
			return -1;
	if (!isfinite(r.ms))
		return -1;
	if (neg)
		r.ms = -r.ms;
	*d = r;
	return 0;
}

int
dur_parse_ms(const char *s, double *ms)
{
	struct dur d;

	if (s == NULL || dur_parse(s, strlen(s), &d) != 0)
		return -1;
	*ms = d.ms;
	return 0;
}
