/*
 * Durations as Go and k6 print them, and as people write them, into
 * milliseconds. As printed: a sequence of decimal numbers each followed
 * by a unit, ns, us, µs (U+00B5, and the Greek mu U+03BC), ms, s, m or h
 * ("378.35µs", "1m2.5s", "1h2m3s"), or a lone "0". The result is the
 * correctly rounded double where the unit is a power of ten of a
 * millisecond ("0.47ms", "500µs", "1.53s").
 */
#ifndef SMOKEKIT_DUR_H
#define SMOKEKIT_DUR_H

#include <stddef.h>

struct dur {
	double ms;        /* the whole duration in milliseconds */
	double unit_ms;   /* milliseconds per unit of the last component */
	int parts;        /* number+unit components ("1m2s" has 2) */
	int decimals;     /* digits after the point in the last number */
	int sign;         /* 1 when a leading '-' or '+' was given */
};

/*
 * Parses s[0..len) whole. Returns 0 and fills *d, or -1 when anything is
 * off: no unit, an unknown unit, a bare number other than "0", blanks, an
 * overflow.
 */
int dur_parse(const char *s, size_t len, struct dur *d);

/*
 * A duration as a person writes one in an option or a knob, into
 * milliseconds: every form k6 takes ("1m30s", "1.5s", "500ms", "2h",
 * "0m2s", "250us", "1d12h" with d for days), or a plain decimal number of
 * seconds ("10", "0.5"). No sign, no blanks, no exponent. Returns 0, or -1
 * (leaving *ms alone) when s is not such a duration or is above max_ms.
 */
int dur_parse_user(const char *s, double max_ms, double *ms);

#endif
