/* smokereport: text as XML and HTML character data. */
#include <stdio.h>

#include "markup.h"

/*
 * The length of the valid UTF-8 sequence at s that XML 1.0 allows as a
 * character, or 0.
 */
static size_t
xml_char_len(const unsigned char *s)
{
	unsigned long c;
	size_t n, i;

	if (s[0] < 0x80)
		return s[0] >= 0x20 || s[0] == '\t' || s[0] == '\n' || s[0] == '\r';
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, c = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, c = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, c = s[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff) || c == 0xfffe || c == 0xffff)
		return 0;
	return n;
}

/*
 * s as XML character data or an attribute value: markup characters as
 * entities, what XML cannot hold (control characters, bytes that are not
 * UTF-8) as U+FFFD, so the document always parses.
 */
void
xml_put(FILE *fp, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n;

	while (*s) {
		switch (*s) {
		case '&': fputs("&amp;", fp); s++; continue;
		case '<': fputs("&lt;", fp); s++; continue;
		case '>': fputs("&gt;", fp); s++; continue;
		case '"': fputs("&quot;", fp); s++; continue;
		case '\'': fputs("&apos;", fp); s++; continue;
		case '\t': fputs("&#9;", fp); s++; continue;
		case '\n': fputs("&#10;", fp); s++; continue;
		case '\r': fputs("&#13;", fp); s++; continue;
		}
		if ((n = xml_char_len(s)) == 0) {
			fputs("\xef\xbf\xbd", fp);
			s++;
			continue;
		}
		fwrite(s, 1, n, fp);
		s += n;
	}
}

