/* Unit tests: tools/lib/dur.c */
#include <stdio.h>
#include <string.h>

#include "dur.h"
#include "tap.h"

/* Durations as a person writes them in a knob or an option. */
static void
test_user(void)
{
	static const struct { const char *s; double ms; } good[] = {
		{ "10", 10000 }, { "0.5", 500 }, { "0", 0 }, { "007", 7000 },
		{ "1m30s", 90000 }, { "1.5s", 1500 }, { "500ms", 500 }, { "2h", 7200000 },
		{ "0m2s", 2000 }, { "0m1.5s", 1500 }, { "10s", 10000 }, { "250us", 0.25 },
		{ "1d", 86400000 }, { "1d12h", 129600000 }, { "1h2m3s", 3723000 },
		{ ".5s", 500 }, { "0s", 0 },
	};
	static const char *bad[] = {
		"", " 10", "10 ", "-1", "-1s", "+5s", "1e3", "1e3s", "0x10", "10.",
		".5", "1..5", "s", "10sec", "1S", "1m30", "nan", "inf", "1,5s", "1d-2h",
		"1h1h1h1h1h1h1h1h1h1h1h1h1h1h1h1h1h1h1h1h1h1h1h1h1h1h1h1h1h1h1h1h1h",
	};
	double ms;
	size_t i;

	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		ms = -1;
		ok(dur_parse_user(good[i].s, 1e12, &ms) == 0, "user duration '%s'", good[i].s);
		is_double(ms, good[i].ms, 1e-15, "user duration '%s' is %g ms", good[i].s, good[i].ms);
	}
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ms = 42;
		ok(dur_parse_user(bad[i], 1e12, &ms) == -1 && ms == 42, "user duration '%s' rejected",
		    bad[i]);
	}
	ok(dur_parse_user("24h", 86400000, &ms) == 0 && ms == 86400000, "the maximum itself");
	ok(dur_parse_user("24h1ms", 86400000, &ms) == -1, "above the maximum");
	ok(dur_parse_user("86401", 86400000, &ms) == -1, "plain seconds above the maximum");
	ok(dur_parse_user("9999999999999999999999999999999999999999999999999999999999"
	    "99999999999h", 1e300, &ms) == -1, "too long to be a duration");
	ok(dur_parse_user(NULL, 1, &ms) == -1, "NULL");
}

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
	ok(dur_parse("1d", 2, &d) == -1, "days are not a unit Go or k6 prints");
	test_user();
	return tap_done();
}
