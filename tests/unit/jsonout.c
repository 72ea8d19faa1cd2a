/* Unit tests: tools/lib/jsonout.c */
#include <stdio.h>
#include <string.h>

#include "jsonout.h"
#include "tap.h"

static char buf[512];

static FILE *
open_buf(void)
{
	memset(buf, 0, sizeof buf);
	return fmemopen(buf, sizeof buf - 1, "w");
}

static const char *
str(const char *s, size_t len)
{
	FILE *fp = open_buf();
	json_put_string(fp, s, len);
	fclose(fp);
	return buf;
}

static const char *
num(double v)
{
	FILE *fp = open_buf();
	json_put_number(fp, v);
	fclose(fp);
	return buf;
}

int
main(void)
{
	struct json_obj o;
	FILE *fp;

	is_str(str("plain", 5), "\"plain\"", "plain string");
	is_str(str("a\"b\\c", 5), "\"a\\\"b\\\\c\"", "quote and backslash escaped");
	is_str(str("t\tn\nr\r", 6), "\"t\\tn\\nr\\r\"", "control characters escaped");
	is_str(str("\x01\x1f", 2), "\"\\u0001\\u001f\"", "other control characters as \\u");
	is_str(str("a\0b", 3), "\"a\\u0000b\"", "NUL inside the string");
	is_str(str("caf\xc3\xa9 \xe2\x82\xac", 9), "\"caf\xc3\xa9 \xe2\x82\xac\"", "valid UTF-8 kept");
	is_str(str("\xff", 1), "\"\xef\xbf\xbd\"", "invalid byte becomes U+FFFD");
	is_str(str("\xc0\xaf", 2), "\"\xef\xbf\xbd\xef\xbf\xbd\"", "overlong form rejected");
	is_str(str("\xed\xa0\x80", 3), "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"", "surrogate rejected");
	is_str(str("\xe2\x82", 2), "\"\xef\xbf\xbd\xef\xbf\xbd\"", "truncated sequence rejected");

	is_str(num(0), "0", "zero");
	is_str(num(12.5), "12.5", "12.5");
	is_str(num(0.1), "0.1", "0.1 shortest form");
	is_str(num(1200), "1200", "integer");
	is_str(num(22.447645109756102), "22.447645109756102", "17 digits kept when needed");
	is_str(num(1.0 / 0.0), "null", "infinity is null");

	fp = open_buf();
	jo_begin(&o, fp);
	jo_str(&o, "url", "http://x/\"q\"");
	jo_int(&o, "status", 200);
	jo_num(&o, "ms", 1.5);
	jo_bool(&o, "ok", 1);
	jo_null(&o, "error");
	jo_str(&o, "none", NULL);
	jo_end(&o);
	fclose(fp);
	is_str(buf, "{\"url\":\"http://x/\\\"q\\\"\",\"status\":200,\"ms\":1.5,\"ok\":true,"
	    "\"error\":null,\"none\":null}", "an object member by member");
	fp = open_buf();
	{
		struct facts f;
		facts_begin(&f, fp, 0);
		facts_str(&f, "cmdline", "python3 -m\nuvicorn");
		facts_int(&f, "pid", 42);
		facts_num(&f, "p95_ms", 23.74);
		facts_end(&f);
	}
	fclose(fp);
	is_str(buf, "cmdline=python3 -m?uvicorn\npid=42\np95_ms=23.74\n",
	    "facts as key=value lines; a newline in a value cannot break the line");
	fp = open_buf();
	{
		struct facts f;
		facts_begin(&f, fp, 1);
		facts_str(&f, "cmdline", "a\nb");
		facts_int(&f, "pid", 42);
		facts_num(&f, "p95_ms", 23.74);
		facts_end(&f);
	}
	fclose(fp);
	is_str(buf, "{\"cmdline\":\"a\\nb\",\"pid\":42,\"p95_ms\":23.74}", "the same facts as JSON");
	fp = open_buf();
	{
		struct facts f;
		facts_begin(&f, fp, 0);
		facts_str(&f, "threshold.p(95)<=1200", "pass");
		facts_int(&f, "a=b", 1);
		facts_num(&f, "c=d", 2.5);
		facts_end(&f);
	}
	fclose(fp);
	is_str(buf, "threshold.p(95)<?1200=pass\na?b=1\nc?d=2.5\n",
	    "an '=' in a key prints as '?': the first '=' of a line ends its key");
	fp = open_buf();
	{
		struct facts f;
		facts_begin(&f, fp, 1);
		facts_str(&f, "threshold.p(95)<=1200", "pass");
		facts_end(&f);
	}
	fclose(fp);
	is_str(buf, "{\"threshold.p(95)<=1200\":\"pass\"}", "a JSON key keeps its '='");
	fp = open_buf();
	put_line_safe(fp, "a\tb\nc\x7f\xc3\xa9");
	fclose(fp);
	is_str(buf, "a?b?c?\xc3\xa9", "put_line_safe: control characters as '?', UTF-8 kept");
	return tap_done();
}
