/*
 * p95parse -c: the value of one counter (or gauge) from a Prometheus text
 * page, by name and labels, read with prom.c's parser.
 */
#ifndef SMOKEKIT_COUNTER_H
#define SMOKEKIT_COUNTER_H

/*
 * spec is name or name{label="value",...}, as PromQL selects a series.
 * Tries each file in turn until one has the counter; prints counter=,
 * value= (the sum over the series that match) and series= facts, or one
 * JSON object with json. Returns the exit status.
 */
int counter_main(const char *spec, int json, char *const files[], int nfiles);

#endif
