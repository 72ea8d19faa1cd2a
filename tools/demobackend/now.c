/* demobackend: the loop's clock (see now.h). */
#include "clock.h"
#include "now.h"

static long long turn_us;

long long
now_us(void)
{
	return turn_us;
}

long long
now_tick(void)
{
	return turn_us = (long long)(clock_ms() * 1000);
}
