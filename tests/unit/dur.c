/* Unit tests: tools/lib/dur.c */
#include <stdio.h>
#include <string.h>

#include "dur.h"
#include "tap.h"

int
main(void)
{
	static const struct { const char *s; double ms; double unit_ms; int parts; } good[] = {
		{ "0", 0, 0, 0 },
		{ "0s", 0, 1000, 1 },
		{ "123ns", 0.000123, 1e-6, 1 },
		{ "500\xc2\xb5s", 0.5, 1e-3, 1 },          /* k6's micro sign U+00B5 */
		{ "378.35\xc2\xb5s", 0.37835, 1e-3, 1 },
		{ "8\xce\xbcs", 0.008, 1e-3, 1 },           /* Greek mu U+03BC */
		{ "181.58us", 0.18158, 1e-3, 1 },
		{ "12.34ms", 12.34, 1, 1 },
		{ "21ms", 21, 1, 1 },
		{ "0.47ms", 0.47, 1, 1 },
		{ "1.53s", 1530, 1000, 1 },
		{ "60.00s", 60000, 1000, 1 },
		{ "3723.46s", 3723460, 1000, 1 },
		{ "1m0s", 60000, 1000, 2 },
		{ "1m2s", 62000, 1000, 2 },
		{ "1m2.5s", 62500, 1000, 2 },
		{ "9m9s", 549000, 1000, 2 },
		{ "1h2m3s", 3723000, 1000, 3 },
		{ "25m26s", 1526000, 1000, 2 },
		{ "2h", 7200000, 3600000, 1 },
		{ "1.5h", 5400000, 3600000, 1 },
		{ ".5s", 500, 1000, 1 },
		{ "1h30m", 5400000, 60000, 2 },
		{ "-1.5s", -1500, 1000, 1 },
	};
	static const char *bad[] = {
		"", "s", "12", "1.2.3s", "12 ms", " 1s", "1s ", "1x", "1sec", "1S",
		"1e3ms", "-", "+", "1m2", "ms5", "1.5\xc2\xb5", "\xc2\xb5s", "1..s",
		"nan", "infs", "0x10s",
	};
	struct dur d;
	double ms = -1;
	size_t i;

	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		int rc = dur_parse(good[i].s, strlen(good[i].s), &d);
		ok(rc == 0, "parses '%s'", good[i].s);
		if (rc != 0)
			continue;
		is_double(d.ms, good[i].ms, 0, "'%s' is %.17g ms", good[i].s, good[i].ms);
		is_double(d.unit_ms, good[i].unit_ms, 0, "'%s' last unit", good[i].s);
		is_int(d.parts, good[i].parts, "'%s' parts", good[i].s);
	}
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ok(dur_parse(bad[i], strlen(bad[i]), &d) == -1, "rejects '%s'", bad[i]);

	ok(dur_parse("378.35\xc2\xb5s", 9, &d) == 0 && d.decimals == 2, "decimals of 378.35us");
	ok(dur_parse("12ms trailing", 4, &d) == 0 && d.ms == 12, "length bounds the input");
	ok(dur_parse("1e999s", 6, &d) == -1, "exponent syntax is not a duration");
	ok(dur_parse("99999999999999999999999999999999999999999999999999999999"
	    "9999999999999999999h", 77, &d) == -1, "too long a number");
	ok(dur_parse_ms("1m2.5s", &ms) == 0 && ms == 62500, "dur_parse_ms");
	ok(dur_parse_ms("bogus", &ms) == -1 && ms == 62500, "dur_parse_ms leaves *ms on error");
	ok(dur_parse_ms(NULL, &ms) == -1, "dur_parse_ms NULL");
	return tap_done();
}
