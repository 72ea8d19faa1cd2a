/*
 * httpprobe's load mode: a bounded run of many requests, one thread,
 * non-blocking sockets (epoll on Linux, poll elsewhere), whose results read
 * like k6's: a summary on stderr, --summary-export in k6's layout, and
 * k6-style NDJSON points.
 */
#ifndef SMOKEKIT_LOAD_H
#define SMOKEKIT_LOAD_H

#include <stddef.h>

#include "http.h"

struct sign;   /* sign.h */

struct load_config {
	const char *url;
	const char *method;                  /* "GET" unless -X */
	const struct http_header *headers;   /* -H, in order */
	size_t nheaders;
	const char *body;                    /* -d, or NULL */
	size_t body_len;
	struct http_status_set expect;       /* -s, default 2xx */
	unsigned conns;                      /* -c, at least 1 */
	unsigned long long requests;         /* -n, 0 = bounded by duration only */
	double duration_ms;                  /* -D, 0 = bounded by requests only */
	double rate;                         /* --rate requests/s, 0 = closed model */
	double timeout_ms;                   /* -t: per request */
	double connect_timeout_ms;           /* -T */
	const char *tag_key, *tag_value;     /* --tag ep=models, or NULLs */
	const char *summary_export;          /* --summary-export FILE, or NULL */
	const char *out;                     /* --out FILE (NDJSON), or NULL */
	int json;                            /* -j: a JSON line per request on stdout */
	int quiet;                           /* -q: no summary on stderr */
	struct sign *sign;                   /* --hmac: headers among -H's, or NULL */
};

/* Runs the load; returns the exit status (documented in httpprobe(1)). */
int load_run(const struct load_config *cfg);

#endif
