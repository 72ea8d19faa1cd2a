/* The proleptic Gregorian calendar, for the dates of HTTP and RFC 3339. */
#ifndef SMOKEKIT_CIVIL_H
#define SMOKEKIT_CIVIL_H

/* Days from 1970-01-01 to y-m-d (m 1..12); negative before it. */
long long days_from_civil(long long y, int m, int d);

#endif
