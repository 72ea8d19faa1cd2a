/*
 * httpprobe's load mode: a bounded run of many requests, one thread,
 * non-blocking sockets (epoll on Linux, poll elsewhere), whose results read
 * like k6's: a summary on stderr, --summary-export in k6's layout, and
 * k6-style NDJSON points.
 */
#ifndef SMOKEKIT_LOAD_H
#define SMOKEKIT_LOAD_H

#include "loadconfig.h"

/* Runs the load; returns the exit status (documented in httpprobe(1)). */
int load_run(const struct load_config *cfg);

#endif
