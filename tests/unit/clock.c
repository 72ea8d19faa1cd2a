/* Unit tests: tools/lib/clock.c */
#include <stdio.h>

#include "clock.h"
#include "tap.h"

int
main(void)
{
	double a, b, c;

	a = clock_ms();
	b = clock_ms();
	ok(a > 0 && b >= a, "clock_ms never goes back");
	sleep_ms(20);
	c = clock_ms();
	ok(c - b >= 20, "sleep_ms(20) sleeps at least 20 ms (slept %.3f)", c - b);
	sleep_ms(0);
	sleep_ms(-5);
	ok(clock_ms() >= c, "sleep_ms of zero or less returns at once");
	sleep_ms(1000.5 - 1000);
	ok(clock_ms() - c >= 0.5, "a fraction of a millisecond is slept too");
	return tap_done();
}
