/*
 * demobackend: the stage mode, an API with the behaviours `make
 * stage-check` looks for (with -N replicas behind one port, reply.h):
 *   POST /ask   the body is a JSON object with "question" and "client_id"
 *               strings; 200 {"answer":"...","meta":{"compute":
 *               {"plan_cache_hit":B,"plan_cache_key":"pk-HEX"},
 *               "narrative_overload":false}}. The key is derived from
 *               question and client_id. The first request of a key
 *               computes its plan (-c); the identical requests that come
 *               while it computes wait for it and answer as hits (single
 *               flight), as do the later ones. A long question (-q) also
 *               takes the "LLM" (-t); when -L of them are already there it
 *               is answered at once 503 {"error":"llm_concurrency_limited"}
 *               (overload), never queued. A body that is not such an
 *               object is 400.
 *   /ask?key=K  200 {"data":[],"meta":{"compute":{"plan_cache_hit":B}}}
 *               with X-Replica: NAME (-R, default "fixture"); B is false
 *               for the first request of K, true after
 *   /metrics    Prometheus text: services_narrator_llm_requests_total
 *               {outcome="ok"|"overload"},
 *               services_plan_cache_requests_total{result="hit"|"miss"}
 */
#ifndef DEMOBACKEND_STAGE_H
#define DEMOBACKEND_STAGE_H

#include "conn.h"
#include "request.h"

#define LLM_MAX 1000   /* the most -L takes */

struct stage_cfg {
	int cache_off;          /* -C: every /ask computes its plan (a miss) */
	int hang;               /* -G: /ask answers only after DELAY_MAX */
	long long compute_ms;   /* -c: the time one plan takes to compute */
	long long llm_ms;       /* -t: the LLM's time for a long question */
	long long llm_limit;    /* -L: long questions at once; 0: no limit */
	long long long_bytes;   /* -q: a longer question is long */
};

/* The settings the answers follow; cfg must stay. */
void stage_setup(const struct stage_cfg *cfg);

void stage_ask(struct conn *c, const struct req *r);
void stage_metrics(struct conn *c, const struct req *r);

#endif
