/*
 * What a load run is asked to do: the command line of httpprobe's load
 * mode, read by the event loop (load.c) and by the reports (loadstats.c),
 * so neither needs the other's header for it.
 */
#ifndef SMOKEKIT_LOADCONFIG_H
#define SMOKEKIT_LOADCONFIG_H

#include <stddef.h>

#include "http.h"

/* The environment variable that sets exact_samples (loadstats.h's trend). */
#define LOAD_EXACT_ENV "HTTPPROBE_EXACT_SAMPLES"
#define LOAD_EXACT_MAX 1000000000000LL

struct sign;      /* sign.h */
struct observe;   /* observe.h */

struct load_config {
	const char *url;                     /* as given, for the outputs */
	const struct url *parsed;            /* the same, parsed */
	const char *method;                  /* "GET" unless -X */
	const struct http_header *headers;   /* -H, in order */
	size_t nheaders;
	const char *body;                    /* -d, or NULL */
	size_t body_len;
	struct http_status_set expect;       /* -s, default 2xx */
	unsigned conns;                      /* -c, at least 1 */
	unsigned long long requests;         /* -n, 0 = bounded by duration only */
	double duration_ms;                  /* -D, 0 = bounded by requests only */
	double grace_ms;                     /* --grace: for what is in flight at -D's end */
	double rate;                         /* --rate requests/s, 0 = closed model */
	int burst;                           /* --burst: the first requests at once */
	double timeout_ms;                   /* -t: per request */
	double connect_timeout_ms;           /* -T */
	const char *tag_key, *tag_value;     /* --tag ep=models, or NULLs */
	const char *summary_export;          /* --summary-export FILE, or NULL */
	const char *out;                     /* --out FILE (NDJSON), or NULL */
	int json;                            /* -j: a JSON line per request on stdout */
	int quiet;                           /* -q: no summary on stderr */
	size_t exact_samples;                /* HTTPPROBE_EXACT_SAMPLES; 0: the default */
	struct sign *sign;                   /* --hmac: headers among -H's, or NULL */
	struct observe *observe;             /* --tally, --check, --bodies */
};

#endif
