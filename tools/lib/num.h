/* Strict number parsing: the whole string, no blanks, in range, or an error. */
#ifndef SMOKEKIT_NUM_H
#define SMOKEKIT_NUM_H

/*
 * Each returns 0 and stores the value, or returns -1 and leaves *out alone
 * when s is empty, has anything after the number, or is out of [min, max].
 */
int parse_ll(const char *s, long long min, long long max, long long *out);
int parse_double(const char *s, double min, double max, double *out);

/* The value of a hexadecimal digit, or -1. */
int hexval(int c);

#endif
