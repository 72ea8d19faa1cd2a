/* smokekit: writing JSON. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonout.h"

/*
 * Length of the valid UTF-8 sequence at s (at most n bytes), or 0 when it
 * is invalid: overlong forms, surrogates and values past U+10FFFF included.
 */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
	size_t len, i;
	unsigned long cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

void
json_put_string(FILE *fp, const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, n;

	putc('"', fp);
	while (i < len) {
		unsigned char c = s[i];
		switch (c) {
		case '"':  fputs("\\\"", fp); i++; continue;
		case '\\': fputs("\\\\", fp); i++; continue;
		case '\b': fputs("\\b", fp); i++; continue;
		case '\f': fputs("\\f", fp); i++; continue;
		case '\n': fputs("\\n", fp); i++; continue;
		case '\r': fputs("\\r", fp); i++; continue;
		case '\t': fputs("\\t", fp); i++; continue;
		}
		if (c < 0x20 || c == 0x7f) {
			fprintf(fp, "\\u%04x", c);
			i++;
		} else if ((n = utf8_len(s + i, len - i)) == 0) {
			fputs("\xef\xbf\xbd", fp);
			i++;
		} else {
			fwrite(s + i, 1, n, fp);
			i += n;
		}
	}
	putc('"', fp);
}

void
json_put_cstring(FILE *fp, const char *s)
{
	json_put_string(fp, s, strlen(s));
}

void
json_put_number(FILE *fp, double v)
{
	char buf[40];
	int prec;

	if (!isfinite(v)) {
		fputs("null", fp);
		return;
	}
	if (v == 0) {
		fputs("0", fp);
		return;
	}
	/* Whole numbers print in full ("1200", not "1.2e+03"). */
	if (fabs(v) < 1e17 && v == trunc(v)) {
		fprintf(fp, "%.0f", v);
		return;
	}
	for (prec = 1; prec <= 17; prec++) {
		snprintf(buf, sizeof buf, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	fputs(buf, fp);
}

void
jo_begin(struct json_obj *o, FILE *fp)
{
	o->fp = fp;
	o->members = 0;
	putc('{', fp);
}

FILE *
jo_key(struct json_obj *o, const char *key)
{
	if (o->members++ > 0)
		putc(',', o->fp);
	json_put_cstring(o->fp, key);
	putc(':', o->fp);
	return o->fp;
}

void
jo_str(struct json_obj *o, const char *key, const char *val)
{
	jo_key(o, key);
	if (val == NULL)
		fputs("null", o->fp);
	else
		json_put_cstring(o->fp, val);
}

void
jo_num(struct json_obj *o, const char *key, double val)
{
	json_put_number(jo_key(o, key), val);
}

void
jo_int(struct json_obj *o, const char *key, long long val)
{
	fprintf(jo_key(o, key), "%lld", val);
}

void
jo_bool(struct json_obj *o, const char *key, int val)
{
	fputs(val ? "true" : "false", jo_key(o, key));
}

void
jo_null(struct json_obj *o, const char *key)
{
	fputs("null", jo_key(o, key));
}

void
jo_end(struct json_obj *o)
{
	putc('}', o->fp);
}

void
facts_begin(struct facts *f, FILE *fp, int json)
{
	f->json = json;
	f->o.fp = fp;
	f->o.members = 0;
	if (json)
		jo_begin(&f->o, fp);
}

void
put_line_safe(FILE *fp, const char *s)
{
	for (; *s != '\0'; s++)
		putc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, fp);
}

/*
 * A key and its '='. A key may hold input text (p95parse's threshold
 * sources, such as "p(95)<=1200"); an '=' in it would end the key early
 * for every reader that splits at the first '='.
 */
static void
put_key_eq(FILE *fp, const char *key)
{
	for (; *key != '\0'; key++)
		putc((unsigned char)*key < 0x20 || *key == 0x7f || *key == '=' ?
		    '?' : *key, fp);
	putc('=', fp);
}

void
facts_str(struct facts *f, const char *key, const char *val)
{
	if (f->json) {
		jo_str(&f->o, key, val);
		return;
	}
	put_key_eq(f->o.fp, key);
	put_line_safe(f->o.fp, val != NULL ? val : "");
	putc('\n', f->o.fp);
}

void
facts_int(struct facts *f, const char *key, long long val)
{
	if (f->json) {
		jo_int(&f->o, key, val);
		return;
	}
	put_key_eq(f->o.fp, key);
	fprintf(f->o.fp, "%lld\n", val);
}

void
facts_num(struct facts *f, const char *key, double val)
{
	if (f->json) {
		jo_num(&f->o, key, val);
		return;
	}
	put_key_eq(f->o.fp, key);
	json_put_number(f->o.fp, val);
	putc('\n', f->o.fp);
}

void
facts_end(struct facts *f)
{
	if (f->json)
		jo_end(&f->o);
}
