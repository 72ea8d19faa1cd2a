/*
 * Which format an input is, from its first bytes (or all of a short
 * input): what p95parse reads when -f is auto.
 */
#ifndef SMOKEKIT_DETECT_H
#define SMOKEKIT_DETECT_H

#include <stddef.h>

enum format {
	FMT_AUTO,       /* not decided: detect it */
	FMT_JSON,       /* k6 summary export, handleSummary or machine-readable */
	FMT_NDJSON,     /* k6 --out json */
	FMT_LOG,        /* k6's stdout */
	FMT_PROM,       /* Prometheus text exposition */
	FMT_CSV         /* k6 --out csv */
};

/*
 * Why the first bytes of the input named path cannot be any text format
 * ("empty file", "gzip-compressed; read it with: gzip -dc x.gz | p95parse -",
 * ...), into msg; 0 when they can be.
 */
int input_unreadable(const char *buf, size_t len, const char *path, char *msg,
    size_t size);

/* JSON, NDJSON, CSV or PROM by their first lines, else LOG. */
enum format input_detect(const char *buf, size_t len);

#endif
