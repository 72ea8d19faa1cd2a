/*
 * The per-second series of a run's latency, as p95parse --series writes
 * it (see p95parse(1) and smokereport(1)): one word and key=value fields
 * a line,
 *   series metric=NAME start=TIME step=S samples=N failed=N p50=MS p95=MS p99=MS max=MS
 *   row t=S n=N failed=N p50=MS p95=MS max=MS
 *   hist le=MS count=N
 *   status code=CODE count=N
 * '#' lines are comments; unknown words and fields are skipped, so the
 * format may grow.
 */
#ifndef SMOKEREPORT_SERIES_H
#define SMOKEREPORT_SERIES_H

#include <stddef.h>

#define SERIES_MAX_POINTS 600
/* Times and steps beyond this many seconds (31,700 years) are malformed. */
#define SERIES_MAX_SECONDS 1e12

struct series_row {
	double t;               /* seconds from the start */
	double n, failed;
	double p50, p95, max;   /* NaN when the row has no sample */
};

struct series_bin {
	double le;              /* upper bound in ms; INFINITY for the last */
	double count;           /* samples in (previous le, le] */
};

struct series_status {
	char code[16];
	double count;
};

struct series {
	char *metric, *start;
	double step, samples, failed, p50, p95, p99, max; /* NaN when unknown */
	struct series_row *row;
	size_t nrow, caprow;
	struct series_bin *bin;
	size_t nbin, capbin;
	struct series_status *status;
	size_t nstatus, capstatus;
	double merged;          /* rows of the file in one row here (1: none merged) */
};

/*
 * Reads path into s; 0, or -1 with why (at most size bytes) saying what is
 * wrong, with its line number. Rows are then merged, adjacent ones
 * together, until at most SERIES_MAX_POINTS remain.
 */
int series_read(struct series *s, const char *path, char *why, size_t size);
/* The same for buf[0..len), changed in place. */
int series_parse(struct series *s, char *buf, size_t len, char *why, size_t size);
void series_free(struct series *s);

#endif
