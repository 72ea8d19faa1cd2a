/* smokekit: k6's names, tags and numbers (see k6name.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "k6name.h"

void
k6_trim(const char **s, size_t *len)
{
	while (*len > 0 && k6_is_space((unsigned char)**s))
		(*s)++, (*len)--;
	while (*len > 0 && k6_is_space((unsigned char)(*s)[*len - 1]))
		(*len)--;
}

/* k6 trims blanks, then quotes, around sub-metric keys and values. */
static void
trim_tag(const char **s, size_t *len)
{
	k6_trim(s, len);
	while (*len > 0 && (**s == '"' || **s == '\''))
		(*s)++, (*len)--;
	while (*len > 0 && ((*s)[*len - 1] == '"' || (*s)[*len - 1] == '\''))
		(*len)--;
}

int
k6_starts(const char *s, size_t n, const char *z)
{
	size_t zl = strlen(z);

	return n >= zl && memcmp(s, z, zl) == 0;
}

int
k6_name_is(const char *name, size_t len, const char *metric,
    const struct tag *tags, size_t ntags)
{
	const char *brace = memchr(name, '{', len), *p, *end;
	size_t mlen = brace ? (size_t)(brace - name) : len, seen = 0, i;

	if (!k6_span_eq(name, mlen, metric))
		return 0;
	if (brace == NULL)
		return ntags == 0;
	if (name[len - 1] != '}')
		return 0;
	p = brace + 1;
	end = name + len - 1;
	while (p <= end) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *stop = comma ? comma : end, *k = p, *v, *colon;
		size_t klen, vlen;

		colon = memchr(p, ':', (size_t)(stop - p));
		klen = (size_t)((colon ? colon : stop) - k);
		v = colon ? colon + 1 : stop;
		vlen = (size_t)(stop - v);
		trim_tag(&k, &klen);
		trim_tag(&v, &vlen);
		p = stop + 1;
		if (klen == 0 && colon == NULL)
			continue;  /* k6 skips empty items ("a:b,") */
		for (i = 0; i < ntags; i++)
			if (k6_span_eq(k, klen, tags[i].key))
				break;
		if (i == ntags || !k6_span_eq(v, vlen, tags[i].value))
			return 0;
		seen++;
	}
	return seen == ntags;
}

void
k6_full_name(char *buf, size_t size, const char *metric,
    const struct tag *tags, size_t ntags)
{
	size_t i, n;

	n = (size_t)snprintf(buf, size, "%s", metric);
	for (i = 0; i < ntags && n < size; i++)
		n += (size_t)snprintf(buf + n, size - n, "%s%s:%s", i ? "," : "{",
		    tags[i].key, tags[i].value);
	if (ntags > 0 && n < size)
		snprintf(buf + n, size - n, "}");
}

size_t
k6_number_len(const char *s, size_t len)
{
	size_t i = 0, d;

	if (i < len && s[i] == '-')
		i++;
	for (d = i; i < len && s[i] >= '0' && s[i] <= '9'; i++)
		;
	if (i == d || (s[d] == '0' && i - d > 1))
		return 0;
	if (i < len && s[i] == '.') {
		for (d = ++i; i < len && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == d)
			return 0;
	}
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < len && (s[i] == '+' || s[i] == '-'))
			i++;
		for (d = i; i < len && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == d)
			return 0;
	}
	return i;
}

size_t
k6_scan_num(const char *s, size_t len, double *v)
{
	static const double tens[] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8,
	    1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15 };
	char buf[128];
	unsigned long long m = 0;
	size_t i, n, digits = 0, frac = 0;
	int dot = 0;

	if ((n = k6_number_len(s, len)) == 0)
		return 0;
	/*
	 * Clinger's fast path, as k6 writes its values (6.247748): at most 15
	 * digits and no exponent, so the digits and the power of ten are exact
	 * doubles and one division rounds correctly, the double strtod gives.
	 */
	i = s[0] == '-';
	for (; i < n && digits <= 15; i++) {
		if (s[i] == '.') {
			dot = 1;
		} else if (s[i] >= '0' && s[i] <= '9') {
			m = m * 10 + (unsigned long long)(s[i] - '0');
			digits++;
			frac += dot;
		} else {
			break;
		}
	}
	if (i == n && digits <= 15) {
		*v = (double)m / tens[frac];
		if (s[0] == '-')
			*v = -*v;
		return n;
	}
	if (n >= sizeof buf)
		return 0;
	memcpy(buf, s, n);
	buf[n] = '\0';
	*v = strtod(buf, NULL);
	return isfinite(*v) ? n : 0;
}

int
k6_parse_num(const char *s, size_t len, double *v)
{
	return len > 0 && k6_scan_num(s, len, v) == len ? 0 : -1;
}

int
k6_stat_pct(const char *s, size_t len, double *pct)
{
	double v;

	if (k6_span_eq(s, len, "med"))
		v = 50;
	else if (k6_span_eq(s, len, "min"))
		v = 0;
	else if (k6_span_eq(s, len, "max"))
		v = 100;
	else if (len > 3 && s[0] == 'p' && s[1] == '(' && s[len - 1] == ')' &&
	    k6_parse_num(s + 2, len - 3, &v) == 0 && v >= 0 && v <= 100 && s[2] != '-')
		;
	else
		return -1;
	*pct = v;
	return 0;
}

const char *
k6_json_why(const struct json_scanner *js)
{
	const char *s = json_error(js);
	int colons = 0;

	while (*s != '\0' && colons < 3)
		colons += *s++ == ':';
	return *s == ' ' ? s + 1 : s;
}

double
k6_json_num(struct json_scanner *js)
{
	size_t len;

	return strtod(json_text(js, &len), NULL);
}
