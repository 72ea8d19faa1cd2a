/* smokekit: strict number parsing. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "num.h"

int
parse_ll(const char *s, long long min, long long max, long long *out)
{
	char *end;
	long long v;

	if (s == NULL || *s == '\0' || isspace((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/* strtod accepts hex, inf and nan; a command-line number should not. */
static int
plain_decimal(const char *s)
{
	if (*s == '+' || *s == '-')
		s++;
	if (!isdigit((unsigned char)*s) && !(*s == '.' && isdigit((unsigned char)s[1])))
		return 0;
	return strpbrk(s, "xXnNiI") == NULL;
}

int
parse_double(const char *s, double min, double max, double *out)
{
	char *end;
	double v;

	if (s == NULL || !plain_decimal(s))
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || *end != '\0' || !isfinite(v) || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int
parse_seconds_ms(const char *s, double max_s, double *ms)
{
	static const struct { const char *suffix; double ms; } units[] = {
		{ "ms", 1 }, { "s", 1000 }, { "m", 60000 }, { "h", 3600000 },
	};
	char buf[64];
	size_t len = s != NULL ? strlen(s) : 0;
	double v, scale = 1000;
	size_t i;

	if (len == 0 || len >= sizeof buf)
		return -1;
	memcpy(buf, s, len + 1);
	for (i = 0; i < sizeof units / sizeof units[0]; i++) {
		size_t sl = strlen(units[i].suffix);
		if (len > sl && strcmp(buf + len - sl, units[i].suffix) == 0 &&
		    isdigit((unsigned char)buf[len - sl - 1])) {
			buf[len - sl] = '\0';
			scale = units[i].ms;
			break;
		}
	}
	if (parse_double(buf, 0, HUGE_VAL, &v) != 0 || v * scale > max_s * 1000)
		return -1;
	*ms = v * scale;
	return 0;
}

int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}
