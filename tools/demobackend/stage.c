/* demobackend: the stage mode (see stage.h). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "hash.h"
#include "json.h"
#include "keys.h"
#include "now.h"
#include "reply.h"
#include "stage.h"

#define PLAN_SLOTS 4096   /* plan cache keys */

static const struct stage_cfg *cfg;
static unsigned long long llm_ok, llm_overload, hits, misses;
static long long llm_until[LLM_MAX];   /* when each LLM slot is free (us) */
static struct {
	uint64_t key;                     /* 0: a free slot */
	long long ready_us;               /* when its plan is computed */
} plans[PLAN_SLOTS];
static size_t nplans;

void
stage_setup(const struct stage_cfg *c)
{
	cfg = c;
}

/* The question and client_id of an /ask body, as one 64-bit key; 0 if bad. */
static uint64_t
ask_key(const struct req *r, size_t *question_len)
{
	struct json_scanner *js = json_open_mem(r->body, r->body_len, "body");
	uint64_t h = FNV_OFFSET;
	enum json_token t = json_next(js);
	const char *text, *field;
	int have = 0;
	size_t len;

	if (t != JSON_OBJECT)
		t = JSON_ERROR;
	while (t != JSON_ERROR && (t = json_next(js)) == JSON_KEY) {
		text = json_text(js, &len);
		field = len == 8 && memcmp(text, "question", 8) == 0 ? "q" :
		    len == 9 && memcmp(text, "client_id", 9) == 0 ? "c" : NULL;
		if ((t = json_next(js)) == JSON_STRING && field != NULL) {
			text = json_text(js, &len);
			if (*field == 'q')
				*question_len = len;
			have |= *field == 'q' ? 1 : 2;
			/* The field's name first: question "a" differs from client "a". */
			h = fnv1a(h, field, 1);
			h = fnv1a(h, text, len);
			h = fnv1a(h, "\xff", 1);
		} else if (t != JSON_ERROR) {
			t = json_skip(js);
		}
	}
	if (t == JSON_OBJECT_END && json_next(js) != JSON_END)
		t = JSON_ERROR;
	json_close(js);
	if (t != JSON_OBJECT_END || (have & 1) == 0)
		return 0;
	return h + (h == 0);
}

/*
 * Single flight: the first request of a key computes its plan; the others
 * wait until it is computed. Returns 1 for a hit and the time this request
 * waits in *wait_ms.
 */
static int
plan_lookup(uint64_t key, long long *wait_ms)
{
	long long now = now_us();
	size_t slot;

	*wait_ms = cfg->compute_ms;
	if (cfg->cache_off)
		return 0;
	for (slot = key % PLAN_SLOTS; plans[slot].key != 0; slot = (slot + 1) % PLAN_SLOTS)
		if (plans[slot].key == key) {
			*wait_ms = plans[slot].ready_us > now ?
			    (plans[slot].ready_us - now + 999) / 1000 : 0;
			return 1;
		}
	if (nplans < PLAN_SLOTS / 4 * 3) {   /* full: computed, never kept */
		plans[slot].key = key;
		plans[slot].ready_us = now + cfg->compute_ms * 1000;
		nplans++;
	}
	return 0;
}

/* Takes an LLM slot for ms; 0 when all -L of them are busy (overload). */
static int
llm_take(long long ms)
{
	long long i, now = now_us();

	if (cfg->llm_limit == 0)
		return 1;
	for (i = 0; i < cfg->llm_limit; i++)
		if (llm_until[i] <= now) {
			llm_until[i] = now + ms * 1000;
			return 1;
		}
	return 0;
}

/* POST /ask: the plan cache and the LLM. */
static void
ask_planned(struct conn *c, const struct req *r)
{
	char body[256];
	size_t qlen = 0;
	uint64_t key = ask_key(r, &qlen);
	long long wait_ms;
	int hit;

	if (key == 0) {
		reply_json(c, r, 400, NULL, "{\"error\": \"the body is not a JSON object "
		    "with a question string\"}");
		return;
	}
	hit = plan_lookup(key, &wait_ms);
	hits += hit;
	misses += !hit;
	if ((long long)qlen > cfg->long_bytes) {
		if (!llm_take(wait_ms + cfg->llm_ms)) {
			llm_overload++;
			reply_json(c, r, 503, NULL, "{\"error\":\"llm_concurrency_limited\"}");
			return;
		}
		llm_ok++;
		wait_ms += cfg->llm_ms;
	}
	snprintf(body, sizeof body, "{\"answer\":\"smokekit demo answer\",\"meta\":"
	    "{\"compute\":{\"plan_cache_hit\":%s,\"plan_cache_key\":\"pk-%016llx\"},"
	    "\"narrative_overload\":false}}", hit ? "true" : "false",
	    (unsigned long long)key);
	reply_json(c, r, 200, NULL, body);
	c->hold_ms = cfg->hang ? DELAY_MAX : wait_ms;
}

/*
 * /ask?key=K: a plan cache's miss then hits, as the users' API has one;
 * /ask with a body: the stage mode's plan cache.
 */
void
stage_ask(struct conn *c, const struct req *r)
{
	char body[96], key[2];
	unsigned long long n;

	if (query_param(r, "key", key, sizeof key) == 0) {
		ask_planned(c, r);
		return;
	}
	if ((n = keyed_count(c, r, "ask")) == 0)
		return;
	snprintf(body, sizeof body, "{\"data\":[],\"meta\":{\"compute\":"
	    "{\"plan_cache_hit\":%s}}}", n > 1 ? "true" : "false");
	reply_json(c, r, 200, reply_replica_line(), body);
}

void
stage_metrics(struct conn *c, const struct req *r)
{
	char body[768];

	snprintf(body, sizeof body,
	    "# HELP services_narrator_llm_requests_total Long questions by outcome.\n"
	    "# TYPE services_narrator_llm_requests_total counter\n"
	    "services_narrator_llm_requests_total{outcome=\"ok\"} %llu\n"
	    "services_narrator_llm_requests_total{outcome=\"overload\"} %llu\n"
	    "# HELP services_plan_cache_requests_total /ask requests by plan cache result.\n"
	    "# TYPE services_plan_cache_requests_total counter\n"
	    "services_plan_cache_requests_total{result=\"hit\"} %llu\n"
	    "services_plan_cache_requests_total{result=\"miss\"} %llu\n",
	    llm_ok, llm_overload, hits, misses);
	reply_body(c, r, 200, NULL, "text/plain; version=0.0.4", body, strlen(body));
}
