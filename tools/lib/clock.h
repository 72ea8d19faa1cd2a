/* Time for deadlines and waits: one monotonic clock, in milliseconds. */
#ifndef SMOKEKIT_CLOCK_H
#define SMOKEKIT_CLOCK_H

/* Milliseconds on the monotonic clock (never jumps with the wall clock). */
double clock_ms(void);

/* Sleeps ms milliseconds (nothing for ms <= 0), resuming after signals. */
void sleep_ms(double ms);

#endif
