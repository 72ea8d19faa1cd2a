/* Unit tests: tools/lib/num.c */
#include <stdio.h>

#include "num.h"
#include "tap.h"

int
main(void)
{
	static const char *bad_ll[] = {
		"", " 1", "1 ", "1x", "0x10", "+", "-", "99999999999999999999", "1.0",
	};
	static const char *bad_double[] = {
		"", "nan", "inf", "-inf", "0x1p3", "1e999", "1.5ms", " 2", ".", "e5",
	};
	long long ll = 42;
	double d = 0;
	size_t i;

	ok(parse_ll("12", 0, 100, &ll) == 0 && ll == 12, "parse_ll 12");
	ok(parse_ll("-5", -10, 10, &ll) == 0 && ll == -5, "parse_ll -5");
	ok(parse_ll("101", 0, 100, &ll) == -1 && ll == -5, "parse_ll out of range leaves *out");
	for (i = 0; i < sizeof bad_ll / sizeof bad_ll[0]; i++)
		ok(parse_ll(bad_ll[i], -1000, 1000, &ll) == -1, "parse_ll rejects '%s'", bad_ll[i]);

	ok(parse_double("0.5", 0, 1, &d) == 0 && d == 0.5, "parse_double 0.5");
	ok(parse_double(".5", 0, 1, &d) == 0 && d == 0.5, "parse_double .5");
	ok(parse_double("1e3", 0, 1e4, &d) == 0 && d == 1000, "parse_double 1e3");
	ok(parse_double("1200", 0, 1000, &d) == -1, "parse_double range");
	for (i = 0; i < sizeof bad_double / sizeof bad_double[0]; i++)
		ok(parse_double(bad_double[i], -1e300, 1e300, &d) == -1,
		    "parse_double rejects '%s'", bad_double[i]);

	is_int(hexval('0'), 0, "hexval 0");
	is_int(hexval('a'), 10, "hexval a");
	is_int(hexval('F'), 15, "hexval F");
	is_int(hexval('g'), -1, "hexval g is not a digit");
	is_int(hexval(0xb5), -1, "hexval of a high byte");
	return tap_done();
}
