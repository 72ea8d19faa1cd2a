/* demobackend: what answers a request, by its path (see routes.h). */
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "faults.h"
#include "reply.h"
#include "routes.h"
#include "stage.h"

#define BIG_DEFAULT (1ULL << 30)

static const char models_builtin[] =
    "{\"object\":\"list\",\"data\":["
    "{\"id\":\"smoke-small\",\"object\":\"model\",\"owned_by\":\"smokekit\"},"
    "{\"id\":\"smoke-large\",\"object\":\"model\",\"owned_by\":\"smokekit\"}]}";

static const struct routes_cfg *cfg;
static unsigned long long models_count, rng_state = 0x9e3779b97f4a7c15ULL;

void
routes_setup(const struct routes_cfg *c)
{
	cfg = c;
}

/* xorshift64: a fixed seed, so a jittered run can be repeated. */
static unsigned long long
rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static long long
latency(void)
{
	if (cfg->jitter == 0)
		return cfg->latency;
	return cfg->latency + (long long)(rng() % (unsigned long long)(cfg->jitter + 1));
}

static void
healthz(struct conn *c, const struct req *r)
{
	if (cfg->health_body != NULL)
		reply_body(c, r, (int)cfg->health_status, NULL, "application/json",
		    cfg->health_body, cfg->health_len);
	else
		reply_json(c, r, (int)cfg->health_status, NULL, OK_BODY);
	c->hold_ms = latency();
}

static void
models(struct conn *c, const struct req *r)
{
	models_count++;
	if (cfg->every > 0 && models_count % (unsigned long long)cfg->every == 0)
		reply_json(c, r, 500, NULL, "{\"error\": \"injected failure (-e)\"}");
	else if (cfg->models_body != NULL)
		reply_body(c, r, (int)cfg->models_status, NULL, "application/json",
		    cfg->models_body, cfg->models_len);
	else
		reply_body(c, r, (int)cfg->models_status, NULL, "application/json",
		    models_builtin, sizeof models_builtin - 1);
	c->hold_ms = latency();
}

static void
echo(struct conn *c, const struct req *r)
{
	reply_head(c, r, 200, NULL);
	buf_fmt(&c->out, "Content-Type: text/plain\r\nContent-Length: %zu\r\n\r\n",
	    r->head_len + r->body_len);
	if (r->head_only)
		return;
	buf_add(&c->out, r->head, r->head_len);
	buf_add(&c->out, r->body, r->body_len);
}

static void
delay(struct conn *c, const struct req *r)
{
	long long ms;

	if (query_num(r, "ms", 0, DELAY_MAX, 0, &ms) != 0) {
		reply_bad_param(c, r, "ms");
		return;
	}
	reply_json(c, r, 200, NULL, OK_BODY);
	c->hold_ms = ms;
}

static void
status(struct conn *c, const struct req *r)
{
	long long code;
	char body[64];
	const char *extra = NULL;

	if (query_num(r, "code", 200, 599, 200, &code) != 0) {
		reply_bad_param(c, r, "code");
		return;
	}
	if (code >= 300 && code < 400 && code != 304)
		extra = "Location: /healthz\r\n";
	snprintf(body, sizeof body, "{\"status\": %lld}", code);
	reply_json(c, r, (int)code, extra, body);
}

static void
big(struct conn *c, const struct req *r)
{
	long long bytes, chunked;

	if (query_num(r, "bytes", 0, 1LL << 62, (long long)BIG_DEFAULT, &bytes) != 0) {
		reply_bad_param(c, r, "bytes");
		return;
	}
	if (query_num(r, "chunked", 0, 1, 0, &chunked) != 0) {
		reply_bad_param(c, r, "chunked");
		return;
	}
	reply_head(c, r, 200, "Content-Type: application/octet-stream\r\n");
	if (chunked)
		buf_str(&c->out, "Transfer-Encoding: chunked\r\n\r\n");
	else
		buf_fmt(&c->out, "Content-Length: %lld\r\n\r\n", bytes);
	if (!r->head_only)
		conn_stream(c, (unsigned long long)bytes, (int)chunked);
}

static void
chunked(struct conn *c, const struct req *r)
{
	reply_head(c, r, 200, "Content-Type: text/plain\r\n"
	    "Transfer-Encoding: chunked\r\nTrailer: X-Trailer\r\n\r\n");
	if (!r->head_only)
		buf_str(&c->out, "5\r\nhello\r\n2\r\n, \r\n6\r\nworld\n\r\n"
		    "0\r\nX-Trailer: yes\r\n\r\n");
}

static const struct route {
	const char *path;
	void (*fn)(struct conn *, const struct req *);
} routes[] = {
	{ "/v1/models", models },
	{ "/healthz", healthz },
	{ "/echo", echo },
	{ "/delay", delay },
	{ "/status", status },
	{ "/big", big },
	{ "/chunked", chunked },
	{ "/fault/slow-headers", fault_slow_headers },
	{ "/fault/slow-body", fault_slow_body },
	{ "/fault/huge-header", fault_huge_header },
	{ "/fault/continue", fault_continue },
	{ "/fault/retry-after", fault_retry_after },
	{ "/fault/429-once", fault_429_once },
	{ "/fault/500-once", fault_500_once },
	{ "/fault/flaky", fault_flaky },
	{ "/ask", stage_ask },
	{ "/metrics", stage_metrics },
};

void
route(struct conn *c, const struct req *r)
{
	size_t i;

	for (i = 0; i < sizeof routes / sizeof routes[0]; i++)
		if (req_path_is(r, routes[i].path)) {
			routes[i].fn(c, r);
			return;
		}
	if (!fault_canned(c, r))
		reply_error(c, r, 404, NULL);
}
