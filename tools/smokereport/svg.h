/*
 * The plots of report.html as inline SVG: fixed size, drawn from a
 * series (series.h), no script. Each writes one <svg> element.
 */
#ifndef SMOKEREPORT_SVG_H
#define SMOKEREPORT_SVG_H

#include <stdio.h>

#include "series.h"

#define SVG_W 900
#define SVG_H 260

/* Colours the plots use, also named in the captions. */
#define C_P50 "#1f77b4"
#define C_P95 "#d62728"
#define C_MAX "#8c8c8c"
#define C_P99 "#ff7f0e"
#define C_REQ "#1f77b4"
#define C_FAIL "#d62728"
#define C_HIST "#b4c7e7"

/* p50, p95 and max per row, the gate (NaN: none) as a dashed line. */
void svg_latency(FILE *fp, const struct series *s, double gate_ms, int *clipped);
/* The histogram's bins, p50, p95 and p99 (NaN: not drawn) marked. */
void svg_histogram(FILE *fp, const struct series *s, double p50, double p95, double p99);
/* Requests and failed requests per second, a bar per row. */
void svg_requests(FILE *fp, const struct series *s);
/* A bar per status code. */
void svg_status(FILE *fp, const struct series *s);

/* "%.2f ms" and "%.2f%%" into buf: how every figure of the page reads. */
const char *fmt_ms(char *buf, size_t size, double ms);
const char *fmt_pct(char *buf, size_t size, double ratio);

#endif
