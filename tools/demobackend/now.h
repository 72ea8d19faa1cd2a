/*
 * demobackend: the loop's clock, in microseconds on the monotonic clock,
 * read once a turn: every timer set while answering counts from the same
 * instant. Microseconds, so that "after N ms" never fires early through
 * a rounding to milliseconds.
 */
#ifndef DEMOBACKEND_NOW_H
#define DEMOBACKEND_NOW_H

/* The time of this turn. */
long long now_us(void);

/* Reads the clock: the time of the turn that begins. */
long long now_tick(void);

#endif
