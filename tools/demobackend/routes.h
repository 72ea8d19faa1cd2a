/*
 * demobackend: what answers a request, by its path. The plain endpoints:
 *   /healthz          200 application/json {"ok": true}  (-s, -H, -l, -j)
 *   /v1/models        200 application/json {"object":"list","data":[
 *                     {"id":"smoke-small",...},{"id":"smoke-large",...}]}
 *                                                        (-M, -m, -e, -l, -j)
 *   /echo             200 text/plain: the request head and body as received
 *   /delay?ms=N       200 {"ok": true} after N ms (0..600000)
 *   /status?code=N    status N (200..599) with {"status": N}; 204 and 304
 *                     without a body; other 3xx with Location: /healthz
 *   /big?bytes=N      200, Content-Length N (default 1 GiB), streamed as the
 *                     socket drains; &chunked=1 sends it chunked
 *   /chunked          200 chunked "hello, world\n" in 3 chunks, trailer
 *                     X-Trailer: yes
 * then /ask and /metrics (stage.h) and /fault/... (faults.h). Anything
 * else is 404 {"error": "Not Found"}. Bodies have no trailing newline
 * unless said.
 */
#ifndef DEMOBACKEND_ROUTES_H
#define DEMOBACKEND_ROUTES_H

#include <stddef.h>

#include "conn.h"
#include "request.h"

/* What the options make of /healthz and /v1/models. */
struct routes_cfg {
	long long latency;         /* -l: ms added to their answers */
	long long jitter;          /* -j: up to ms more, from a fixed seed */
	long long every;           /* -e: every nth /v1/models is 500; 0: none */
	long long health_status;   /* -s */
	long long models_status;   /* -M */
	char *health_body;         /* -H: NULL for {"ok": true} */
	char *models_body;         /* -m: NULL for the built-in list */
	size_t health_len, models_len;
};

/* The settings the answers follow; cfg must stay. */
void routes_setup(const struct routes_cfg *cfg);

/* Answers r on c. */
void route(struct conn *c, const struct req *r);

#endif
