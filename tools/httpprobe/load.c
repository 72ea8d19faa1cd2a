/* smokekit: httpprobe's load mode, one thread, non-blocking sockets. */
#include <sys/types.h>
#include <sys/resource.h>
#include <sys/socket.h>
#if defined(__linux__) && !defined(LOAD_USE_POLL)
#include <sys/epoll.h>
#define USE_EPOLL 1
#endif

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "atomic.h"
#include "die.h"
#include "http.h"
#include "load.h"
#include "loadstats.h"
#include "observe.h"
#include "sign.h"
#include "xalloc.h"

/* C_BARRIER: --burst, connected, waiting for the others of the first wave. */
enum cstate { C_IDLE, C_CONNECTING, C_BARRIER, C_SENDING, C_READING };

/* Input, output and error readiness, whichever of epoll and poll said it. */
enum { EV_IN = 1, EV_OUT = 2, EV_ERR = 4 };

struct conn {
	int fd;                 /* -1 when not connected */
	uint32_t gen;           /* bumped for every socket, so stale events are dropped */
	enum cstate state;
	int reused;             /* a response already came on this connection */
	int retried;            /* the request was resent after a stale keep-alive */
	int readable;           /* input came while not reading (epoll is edge-triggered) */
	int idle_listed;        /* on the idle stack */
	int in_wave;            /* --burst: of the first wave, not yet at the barrier */
	int addr, tries;        /* the address being connected, how many tried */
	size_t sent;
	unsigned long long seq;
	long long start_ns;     /* the request started (its deadline counts from here) */
	long long clock_ns;     /* the latency's origin; < 0 until sending starts */
	/* k6's phases (loadstats.h); 0: not reached. */
	long long conn_ns, connected_ns, send_ns, sent_ns, first_ns;
	double deadline, conn_deadline;
	unsigned long long bytes_in, bytes_out;
	struct http_parser *p;
	char *req;              /* --hmac: this request's own signed bytes */
	struct body body;       /* the response's body, when a check or --bodies needs it */
};

struct run {
	const struct load_config *cfg;
	const struct url *url;          /* cfg->parsed */
	struct addrinfo *ai;
	struct addrinfo **addrs;
	int naddrs, good_addr;
	char *req;
	size_t req_len;
	int head, idempotent, open_model;
	struct conn *c;
	unsigned nconns;
	unsigned *idle;         /* stack of idle connections */
	unsigned nidle;
	unsigned long long started, target;
	long long t0_ns;        /* the start; every double time below is ms since then */
	double end, interval, next_deadline, next_progress;
	struct timespec wall0;
	struct load_stats st;
	struct ndjson nd;
	struct atomic_file out;
	int have_out, progress, color, oom;
	int burst;              /* --burst: the barrier is up until the wave is connected */
	int need_body;          /* keep each response's body (observe.h) */
	unsigned char check_ok[OBSERVE_MAX];   /* the checks of the request being recorded */
	unsigned wave_pending;  /* requests of the first wave not yet at the barrier */
	unsigned long long wave;   /* how many requests the first wave has */
	unsigned spin_skip;     /* sleep at once for this many more waits */
	unsigned spin_backoff;  /* spin_skip after the next poll that finds nothing */
#ifdef USE_EPOLL
	int efd;
#else
	struct pollfd *pfd;
	unsigned *pidx;
#endif
};

static volatile sig_atomic_t interrupted;

static void
on_sigint(int sig)
{
	(void)sig;
	interrupted = 1;
}

/* Nanoseconds on the monotonic clock: latencies are whole ns, as in k6. */
static long long
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* A mono_ns() reading as ms since the start, the unit of the run's timers. */
static double
ms_at(const struct run *r, long long ns)
{
	return (double)(ns - r->t0_ns) / 1e6;
}

static double
now_ms(const struct run *r)
{
	return ms_at(r, mono_ns());
}

static void
wall_at(const struct run *r, long long mono, struct timespec *ts)
{
	long long ns = (long long)r->wall0.tv_nsec + (mono - r->t0_ns);

	ts->tv_sec = r->wall0.tv_sec + (time_t)(ns / 1000000000);
	ts->tv_nsec = (long)(ns % 1000000000);
}

static void
push_idle(struct run *r, struct conn *c)
{
	c->state = C_IDLE;
	if (!c->idle_listed) {
		c->idle_listed = 1;
		r->idle[r->nidle++] = (unsigned)(c - r->c);
	}
}

static void
close_conn(struct conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->reused = 0;
	c->readable = 0;
}

static void
set_deadline(struct run *r, double d)
{
	if (d > 0 && (r->next_deadline == 0 || d < r->next_deadline))
		r->next_deadline = d;
}

/* -D has passed (at now, ms): nothing starts any more; the grace runs. */
static int
past_end(const struct run *r, double now)
{
	return r->end > 0 && now >= r->end;
}

static void start_request(struct run *r, struct conn *c, long long now);

/*
 * The connection is free since now (ns). In the closed model a kept-alive
 * connection sends the next request at once; anything else waits for
 * dispatch(), so that a server refusing at once cannot recurse here.
 */
static void
next(struct run *r, struct conn *c, long long now)
{
	if (!r->open_model && c->fd >= 0 && !interrupted &&
	    (!r->target || r->started < r->target) &&
	    !past_end(r, ms_at(r, now))) {
		start_request(r, c, now);
		return;
	}
	push_idle(r, c);
}

/* The request is over: count it, write it, free the connection for the next. */
static double
span_ms(long long from, long long to)
{
	return from != 0 && to > from ? (double)(to - from) / 1e6 : 0;
}

/* k6's breakdown of c's request, which ends now. */
static void
phases(const struct run *r, const struct conn *c, long long now, double *ph)
{
	long long from = r->open_model && c->clock_ns < c->start_ns ? c->clock_ns : c->start_ns;

	ph[PH_BLOCKED] = span_ms(from, c->send_ns != 0 ? c->send_ns : now);
	ph[PH_CONNECTING] = span_ms(c->conn_ns, c->connected_ns);
	ph[PH_SENDING] = span_ms(c->send_ns, c->sent_ns);
	ph[PH_WAITING] = span_ms(c->sent_ns, c->first_ns);
	ph[PH_RECEIVING] = span_ms(c->first_ns, now);
}

/* now: when the request ended, read before observing it (--bodies writes files). */
static void
record(struct run *r, struct conn *c, struct load_result *res, long long now)
{
	phases(r, c, now, res->phase);
	res->seq = c->seq;
	res->ms = (double)(now - (c->clock_ns >= 0 ? c->clock_ns : c->start_ns)) / 1e6;
	wall_at(r, now, &res->end);
	res->bytes_in = c->bytes_in;
	res->bytes_out = c->bytes_out;
	if (stats_add(&r->st, res) != 0)
		r->oom = 1;
	if (r->cfg->json)
		result_json_line(stdout, res);
	if (r->have_out)
		ndjson_request(&r->nd, res);
	next(r, c, now);
}

static void release_burst(struct run *r);

/* A request of the first wave is settled: at the barrier, or failed. */
static void
leave_wave(struct run *r, struct conn *c)
{
	if (!c->in_wave)
		return;
	c->in_wave = 0;
	if (--r->wave_pending == 0 && r->started >= r->wave)
		release_burst(r);
}

static void
more_facts(void *ctx, struct facts *f)
{
	observe_facts(ctx, f);
}

/* --tally, --check, --bodies on c's response (complete: a whole one, else none). */
static void
observe_conn(struct run *r, struct conn *c, struct load_result *res, int complete)
{
	struct observe *ob = r->cfg->observe;
	char why[8];
	size_t first;
	int failed;

	if (ob == NULL)
		return;
	failed = observe_response(ob, complete ? c->p : NULL, complete && r->need_body ?
	    &c->body : NULL, r->check_ok, &first, why, sizeof why);
	if (failed < 0) {
		r->oom = 1;
		return;
	}
	res->checks_failed = failed;
	res->checks_passed = (int)ob->ncheck - failed;
	res->check_ok = ob->ncheck > 0 ? r->check_ok : NULL;
	if (complete)
		observe_keep_body(ob, c->seq, &c->body);
}

static void
fail(struct run *r, struct conn *c, enum load_fail f, const char *error, int code)
{
	struct load_result res = { 0 };
	long long now = mono_ns();

	observe_conn(r, c, &res, 0);
	res.fail = f;
	res.error = error;
	res.error_code = code;
	close_conn(c);
	leave_wave(r, c);
	record(r, c, &res, now);
}

static void try_send(struct run *r, struct conn *c);
static void open_conn(struct run *r, struct conn *c);

/* A reused keep-alive connection the server had already closed: send again. */
static int
stale_retry(struct run *r, struct conn *c)
{
	if (!c->reused || c->retried || !r->idempotent || c->bytes_in > 0)
		return 0;
	close_conn(c);
	c->retried = 1;
	http_parser_reset(c->p, r->head);
	body_reset(&c->body);
	open_conn(r, c);
	return 1;
}

static void
done(struct run *r, struct conn *c, int must_close)
{
	struct load_result res = { 0 };
	int keep = !must_close && http_parser_keep_alive(c->p);
	long long now = mono_ns();

	res.status = http_parser_status(c->p);
	res.expected = http_status_expected(&r->cfg->expect, res.status);
	res.fail = res.expected ? FAIL_NONE : FAIL_STATUS;
	res.error_code = res.status >= 400 ? 1000 + res.status : 0;
	observe_conn(r, c, &res, 1);
	if (keep)
		c->reused = 1;
	else
		close_conn(c);
	record(r, c, &res, now);
}

static void
on_readable(struct run *r, struct conn *c)
{
	static char buf[65536];
	enum http_parse rc;
	size_t used;
	ssize_t n;

	for (;;) {
		n = recv(c->fd, buf, sizeof buf, 0);
		if (n > 0) {
			r->st.bytes_in += (unsigned long long)n;
			if (c->state != C_READING) {
				/* Bytes nobody asked for on an idle connection. */
				close_conn(c);
				return;
			}
			if (c->bytes_in == 0)
				c->first_ns = mono_ns();
			c->bytes_in += (unsigned long long)n;
			rc = http_parser_feed(c->p, buf, (size_t)n, &used,
			    r->need_body ? body_add : NULL, &c->body);
			if (rc == HTTP_PARSE_DONE) {
				done(r, c, used < (size_t)n);
				return;
			}
			if (rc == HTTP_PARSE_ERROR) {
				fail(r, c, FAIL_PROTOCOL, http_parser_error(c->p), 1000);
				return;
			}
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (c->state != C_READING) {
			close_conn(c);   /* the server closed an idle connection */
			return;
		}
		if (stale_retry(r, c))
			return;
		if (n == 0 && http_parser_eof(c->p) == HTTP_PARSE_DONE) {
			done(r, c, 1);
			return;
		}
		if (n == 0)
			fail(r, c, FAIL_RESET, http_parser_error(c->p), 1000);
		else if (errno == ECONNRESET)
			fail(r, c, FAIL_RESET, "read: connection reset by peer", 1220);
		else
			fail(r, c, FAIL_RESET, strerror(errno), 1200);
		return;
	}
}

static void
try_send(struct run *r, struct conn *c)
{
	const char *req = c->req != NULL ? c->req : r->req;
	ssize_t n;

	while (c->sent < r->req_len) {
		n = send(c->fd, req + c->sent, r->req_len - c->sent, MSG_NOSIGNAL);
		if (n > 0) {
			c->sent += (size_t)n;
			c->bytes_out += (unsigned long long)n;
			r->st.bytes_out += (unsigned long long)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;     /* the next EV_OUT continues */
		if (stale_retry(r, c))
			return;
		if (errno == EPIPE)
			fail(r, c, FAIL_RESET, "write: broken pipe", 1201);
		else
			fail(r, c, FAIL_RESET, "write: connection reset by peer", 1220);
		return;
	}
	c->sent_ns = mono_ns();
	c->state = C_READING;
	if (c->readable) {
		c->readable = 0;
		on_readable(r, c);
	}
}

/* --hmac: the request's bytes with fresh signature headers (each resend too). */
static void
sign_conn(struct run *r, struct conn *c)
{
	if (c->req == NULL) {
		c->req = xmalloc(r->req_len);
		memcpy(c->req, r->req, r->req_len);
	}
	sign_patch(r->cfg->sign, r->cfg->method, r->url->path, c->req,
	    r->req_len - r->cfg->body_len, r->cfg->body_len);
}

/*
 * The latency counts from here, just before the first byte is written
 * (as wrk's does), with a clock read of its own: the time the previous
 * request ended, or the loop woke, would be earlier by whatever ran since.
 */
static void
start_sending(struct run *r, struct conn *c)
{
	if (r->burst) {
		c->state = C_BARRIER;
		leave_wave(r, c);
		return;
	}
	c->state = C_SENDING;
	c->sent = 0;
	if (r->cfg->sign != NULL)
		sign_conn(r, c);
	c->send_ns = mono_ns();
	if (c->clock_ns < 0)
		c->clock_ns = c->send_ns;
	try_send(r, c);
}

/*
 * --burst: every connection of the first wave is connected (or failed),
 * so their requests go out now, one right after the other: signed first,
 * then written in one pass, so that they reach the server together.
 */
static void
release_burst(struct run *r)
{
	unsigned i;
	long long now;
	struct conn *c;

	if (!r->burst)
		return;
	r->burst = 0;
	for (i = 0; i < r->nconns; i++) {
		c = &r->c[i];
		if (c->state != C_BARRIER)
			continue;
		c->state = C_SENDING;
		c->sent = 0;
		if (r->cfg->sign != NULL)
			sign_conn(r, c);
	}
	now = mono_ns();
	for (i = 0; i < r->nconns; i++) {
		c = &r->c[i];
		if (c->state != C_SENDING || c->sent != 0 || c->fd < 0)
			continue;
		c->send_ns = now;
		if (c->clock_ns < 0)
			c->clock_ns = now;
		try_send(r, c);
	}
}

static void
connect_failed(struct run *r, struct conn *c, int err)
{
	static char msg[FAIL_NCLASS][128];

	close_conn(c);
	/* Every address of the host is tried before the request fails. */
	if (err != ETIMEDOUT && ++c->tries < r->naddrs) {
		c->addr = (c->addr + 1) % r->naddrs;
		open_conn(r, c);
		return;
	}
	if (err == ETIMEDOUT) {
		fail(r, c, FAIL_TIMEOUT, "dial: i/o timeout", 1211);
	} else if (err == ECONNREFUSED) {
		fail(r, c, FAIL_REFUSED, "dial: connection refused", 1212);
	} else {
		snprintf(msg[FAIL_REFUSED], sizeof msg[0], "dial: %s", strerror(err));
		fail(r, c, FAIL_REFUSED, msg[FAIL_REFUSED], 1210);
	}
}

static int
watch(struct run *r, struct conn *c)
{
#ifdef USE_EPOLL
	struct epoll_event ev;

	ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
	ev.data.u64 = (uint64_t)c->gen << 32 | (uint64_t)(c - r->c);
	return epoll_ctl(r->efd, EPOLL_CTL_ADD, c->fd, &ev);
#else
	(void)r;
	(void)c;
	return 0;
#endif
}

/* A new non-blocking connection for c's request. */
static void
open_conn(struct run *r, struct conn *c)
{
	const struct addrinfo *a = r->addrs[c->addr];
	double now = now_ms(r);
	int one = 1, err;

	c->state = C_CONNECTING;
	c->readable = 0;
	c->gen++;
	if (c->conn_ns == 0)
		c->conn_ns = mono_ns();
	c->fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
	if (c->fd < 0 || fcntl(c->fd, F_SETFL, O_NONBLOCK) != 0 || watch(r, c) != 0) {
		err = errno;
		close_conn(c);
		/* Out of descriptors or ports: a failed request, said once per class. */
		fail(r, c, FAIL_REFUSED, err == EMFILE ? "socket: too many open files" :
		    "socket: cannot create", 1200);
		return;
	}
	fcntl(c->fd, F_SETFD, FD_CLOEXEC);
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (r->cfg->connect_timeout_ms > 0) {
		c->conn_deadline = now + r->cfg->connect_timeout_ms;
		set_deadline(r, c->conn_deadline);
	}
	if (connect(c->fd, a->ai_addr, a->ai_addrlen) == 0) {
		c->connected_ns = mono_ns();
		r->good_addr = c->addr;
		start_sending(r, c);
	} else if (errno != EINPROGRESS && errno != EINTR) {
		connect_failed(r, c, errno);
	}
}

static void
connected(struct run *r, struct conn *c)
{
	int err = 0;
	socklen_t len = sizeof err;

	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
		err = errno;
	if (err != 0) {
		connect_failed(r, c, err);
		return;
	}
	c->connected_ns = mono_ns();
	r->good_addr = c->addr;
	start_sending(r, c);
}

static void
on_event(struct run *r, struct conn *c, unsigned ev)
{
	switch (c->state) {
	case C_CONNECTING:
		if (ev & EV_IN)
			c->readable = 1;
		if (ev & (EV_OUT | EV_ERR))
			connected(r, c);
		break;
	case C_BARRIER:
		if (ev & EV_IN)
			c->readable = 1;
		break;
	case C_SENDING:
		if (ev & EV_IN)
			c->readable = 1;
		if (ev & (EV_OUT | EV_ERR))
			try_send(r, c);
		break;
	default:
		if (c->fd >= 0 && (ev & (EV_IN | EV_ERR)))
			on_readable(r, c);
		break;
	}
}

/* How many requests are due by now: all of them in the closed model. */
static unsigned long long
due(const struct run *r, double now)
{
	unsigned long long n;

	if (!r->open_model)
		return r->target ? r->target : ~0ULL;
	if (past_end(r, now))   /* the sends scheduled before the end */
		n = (unsigned long long)ceil(r->end / r->interval);
	else if (now < 0)
		n = 0;
	else
		n = (unsigned long long)floor(now / r->interval) + 1;
	return r->target && n > r->target ? r->target : n;
}

/* Starts the next request on c at now (ns), which also starts its deadline. */
static void
start_request(struct run *r, struct conn *c, long long now)
{
	c->seq = ++r->started;
	c->start_ns = now;
	c->clock_ns = r->open_model ?
	    r->t0_ns + llround((double)(c->seq - 1) * r->interval * 1e6) : -1;
	c->bytes_in = c->bytes_out = 0;
	c->retried = 0;
	c->tries = 0;
	c->conn_ns = c->connected_ns = c->send_ns = c->sent_ns = c->first_ns = 0;
	body_reset(&c->body);
	if (r->burst && c->seq <= r->nconns) {
		c->in_wave = 1;
		r->wave_pending++;
	}
	http_parser_reset(c->p, r->head);
	if (r->cfg->timeout_ms > 0) {
		c->deadline = ms_at(r, now) + r->cfg->timeout_ms;
		set_deadline(r, c->deadline);
	}
	if (c->fd >= 0) {
		start_sending(r, c);
	} else {
		c->addr = r->good_addr;
		open_conn(r, c);
	}
}

/*
 * Starts what may start on the idle connections. Each is taken once per
 * call, so a server that refuses at once cannot starve the event loop.
 */
static void
dispatch(struct run *r, long long now_ns)
{
	double now = ms_at(r, now_ns);
	unsigned long long limit = due(r, now);
	unsigned n = r->nidle, i;
	struct conn *c;

	if (interrupted || past_end(r, now))
		return;
	for (i = 0; i < n && r->nidle > 0 && r->started < limit; i++) {
		c = &r->c[r->idle[--r->nidle]];
		c->idle_listed = 0;
		start_request(r, c, now_ns);
	}
}

/* Fails what passed its deadline; finds the next deadline. */
static void
expire(struct run *r, double now)
{
	struct conn *c;
	unsigned i;

	r->next_deadline = 0;
	for (i = 0; i < r->nconns; i++) {
		c = &r->c[i];
		if (c->state == C_CONNECTING && c->conn_deadline > 0 && now >= c->conn_deadline)
			connect_failed(r, c, ETIMEDOUT);
		else if (c->state != C_IDLE && r->cfg->timeout_ms > 0 && now >= c->deadline)
			fail(r, c, FAIL_TIMEOUT, "request timeout", 1050);
		if (c->state == C_CONNECTING && c->conn_deadline > 0)
			set_deadline(r, c->conn_deadline);
		if (c->state != C_IDLE && r->cfg->timeout_ms > 0)
			set_deadline(r, c->deadline);
	}
}

static void
progress(struct run *r, double now, int last)
{
	const char *red = r->color && r->st.failed ? "\x1b[31m" : "";
	double secs = now / 1000;

	if (last) {
		fputs("\r\x1b[K", stderr);
		return;
	}
	fprintf(stderr, "\r%s (%.1fs), %u conns, %llu requests, %.1f req/s, %s%llu errors%s\x1b[K",
	    past_end(r, now) ? "stopping" : "running", secs, r->nconns, r->st.reqs,
	    secs > 0 ? (double)r->st.reqs / secs : 0, red, r->st.failed, *red ? "\x1b[0m" : "");
	fflush(stderr);
	r->next_progress = now + 100;
}

#define SPIN_NS 50000           /* how long to poll before sleeping */
#define SPIN_BACKOFF 64         /* waits that sleep at once after a poll found nothing, */
#define SPIN_BACKOFF_MAX 8192   /* doubled up to this while polls keep finding nothing */
#define NEVS 256

/* One epoll_wait or poll for m descriptors, for up to timeout_ms. */
static int
sys_wait(struct run *r, void *evs, unsigned m, int timeout_ms)
{
#ifdef USE_EPOLL
	(void)m;
	return epoll_wait(r->efd, evs, NEVS, timeout_ms);
#else
	(void)evs;
	return poll(r->pfd, m, timeout_ms);
#endif
}

/*
 * Waits like sys_wait, but while requests are in flight polls for up to
 * SPIN_NS before going to sleep. A sleeping client is slow to wake: in a
 * virtual machine an idle CPU halts, and the server's answer has to wake
 * it through the hypervisor, which the latency of that request and the
 * server's time both pay. A server that answers within microseconds then
 * had the client asleep for nearly every answer: a higher tail and fewer
 * requests a second than a busier client (such as wrk) gets. When a poll
 * finds nothing in SPIN_NS (a slower server, or one that shares our CPU
 * and cannot answer while we spin), the next waits sleep at once,
 * SPIN_BACKOFF of them, twice as many after each further such poll, so
 * that spinning costs little CPU, and delays a server on our CPU little,
 * where it does not help.
 */
static int
ready(struct run *r, void *evs, unsigned m, int timeout_ms)
{
	long long start, spun;
	int n, polls = 0;

	if (timeout_ms <= 0 || r->started == r->st.reqs)
		return sys_wait(r, evs, m, timeout_ms);
	if (r->spin_skip > 0) {
		r->spin_skip--;
		return sys_wait(r, evs, m, timeout_ms);
	}
	start = mono_ns();
	do {
		n = sys_wait(r, evs, m, 0);
		polls++;
		spun = mono_ns() - start;
	} while (n == 0 && spun < SPIN_NS);
	if (n != 0 && polls == 1)
		return n;       /* ready at once: nothing learnt about spinning */
	if (n != 0 && spun < SPIN_NS) {
		r->spin_backoff = SPIN_BACKOFF;
		return n;
	}
	/* Nothing, or found only after SPIN_NS: the server ran while we were out. */
	r->spin_skip = r->spin_backoff;
	if (r->spin_backoff < SPIN_BACKOFF_MAX)
		r->spin_backoff *= 2;
	return n != 0 ? n : sys_wait(r, evs, m, timeout_ms);
}

/* Waits for readiness until timeout_ms and handles what came. */
static int
wait_events(struct run *r, int timeout_ms)
{
#ifdef USE_EPOLL
	struct epoll_event evs[NEVS];
	int n, i;
	unsigned ev;
	struct conn *c;

	n = ready(r, evs, 0, timeout_ms);
	for (i = 0; i < n; i++) {
		c = &r->c[(uint32_t)evs[i].data.u64];
		if ((uint32_t)(evs[i].data.u64 >> 32) != c->gen || c->fd < 0)
			continue;
		ev = (evs[i].events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP) ? EV_IN : 0) |
		    (evs[i].events & EPOLLOUT ? EV_OUT : 0) |
		    (evs[i].events & EPOLLERR ? EV_ERR : 0);
		on_event(r, c, ev);
	}
#else
	unsigned i, m = 0;
	int n;
	struct conn *c;

	for (i = 0; i < r->nconns; i++) {
		c = &r->c[i];
		if (c->fd < 0)
			continue;
		r->pfd[m].fd = c->fd;
		r->pfd[m].events = c->state == C_CONNECTING || c->state == C_SENDING ?
		    POLLOUT : POLLIN;
		r->pidx[m++] = i;
	}
	n = ready(r, NULL, m, timeout_ms);
	for (i = 0; n > 0 && i < m; i++) {
		short re = r->pfd[i].revents;
		c = &r->c[r->pidx[i]];
		if (re == 0 || c->fd != r->pfd[i].fd)
			continue;
		on_event(r, c, (re & (POLLIN | POLLHUP) ? EV_IN : 0) |
		    (re & POLLOUT ? EV_OUT : 0) | (re & (POLLERR | POLLNVAL) ? EV_ERR : 0));
	}
#endif
	return n < 0 && errno != EINTR ? -1 : 0;
}

/* Milliseconds to wait: until the next thing that must happen, at most 100. */
static int
wait_ms(struct run *r, double now)
{
	double t = 100;
	unsigned long long limit = due(r, now);
	/* In the grace nothing starts: an idle connection is no reason to wake. */
	int may_start = !past_end(r, now);

	if (may_start && r->nidle > 0 && r->started < limit)
		return 0;
	if (may_start && r->open_model && r->nidle > 0 && (!r->target || r->started < r->target))
		t = fmin(t, (double)r->started * r->interval - now);
	if (r->end > 0)
		t = fmin(t, (may_start ? r->end : r->end + r->cfg->grace_ms) - now);
	if (r->next_deadline > 0)
		t = fmin(t, r->next_deadline - now);
	if (r->progress)
		t = fmin(t, r->next_progress - now);
	return t <= 0 ? 0 : (int)ceil(t);
}

static int
in_flight(const struct run *r)
{
	unsigned i;

	for (i = 0; i < r->nconns; i++)
		if (r->c[i].state != C_IDLE)
			return 1;
	return 0;
}

/*
 * After -D nothing starts, and what is in flight may finish within the
 * grace, as k6's gracefulStop lets it: the requests in flight at the end
 * tend to be the slow ones (a slow request is more likely to be running at
 * any instant), and cutting them would bias the percentiles low.
 */
static int
finished(const struct run *r, double now)
{
	if (interrupted || r->oom)
		return 1;
	if (past_end(r, now))
		return now >= r->end + r->cfg->grace_ms || !in_flight(r);
	if (r->target && r->st.reqs >= r->target)
		return 1;
	/* Everything started; done when nothing is in flight. */
	return r->target && r->started >= r->target && !in_flight(r);
}

static int
loop(struct run *r)
{
	long long now_ns;
	double now;

	for (;;) {
		now_ns = mono_ns();
		now = ms_at(r, now_ns);
		if (finished(r, now))
			return 0;
		dispatch(r, now_ns);
		if (r->next_deadline > 0 && now >= r->next_deadline)
			expire(r, now);
		if (r->progress && now >= r->next_progress)
			progress(r, now, 0);
		if (finished(r, now))
			return 0;
		if (wait_events(r, wait_ms(r, now_ms(r))) != 0) {
			warnf("load: waiting for sockets:");
			return -1;
		}
	}
}

/* Room for a descriptor per connection: the soft limit is often 1024. */
static void
raise_fd_limit(unsigned conns)
{
	struct rlimit rl;
	rlim_t want = (rlim_t)conns + 64;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= want)
		return;
	rl.rlim_cur = rl.rlim_max != RLIM_INFINITY && rl.rlim_max < want ? rl.rlim_max : want;
	setrlimit(RLIMIT_NOFILE, &rl);
}

static int
setup(struct run *r, const struct load_config *cfg)
{
	struct addrinfo hints, *a;
	char *head;
	int rc, n;
	unsigned i;

	r->cfg = cfg;
	r->url = cfg->parsed;
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if ((rc = getaddrinfo(r->url->host, r->url->port, &hints, &r->ai)) != 0) {
		warnf("resolve %s: %s", r->url->host, gai_strerror(rc));
		return EXIT_ERROR;
	}
	for (n = 0, a = r->ai; a != NULL; a = a->ai_next)
		n++;
	r->addrs = calloc((size_t)n, sizeof *r->addrs);
	r->nconns = cfg->conns > 0 ? cfg->conns : 1;
	raise_fd_limit(r->nconns);
	r->c = calloc(r->nconns, sizeof *r->c);
	r->idle = calloc(r->nconns, sizeof *r->idle);
	head = http_format_request(cfg->method, r->url, cfg->headers, cfg->nheaders,
	    cfg->body_len, 1);
	if (r->addrs == NULL || r->c == NULL || r->idle == NULL || head == NULL) {
		free(head);
		goto oom;
	}
	for (i = 0; i < r->nconns; i++)
		r->c[i].fd = -1;
	for (a = r->ai; a != NULL; a = a->ai_next)
		r->addrs[r->naddrs++] = a;
	r->req_len = strlen(head) + cfg->body_len;
	if ((r->req = malloc(r->req_len)) == NULL) {
		free(head);
		goto oom;
	}
	memcpy(r->req, head, strlen(head));
	if (cfg->body_len > 0)
		memcpy(r->req + strlen(head), cfg->body, cfg->body_len);
	free(head);
	r->head = strcmp(cfg->method, "HEAD") == 0;
	r->idempotent = http_method_idempotent(cfg->method);
	for (i = 0; i < r->nconns; i++) {
		if ((r->c[i].p = http_parser_new(r->head)) == NULL)
			goto oom;
		push_idle(r, &r->c[r->nconns - 1 - i]);
	}
#ifdef USE_EPOLL
	if ((r->efd = epoll_create1(EPOLL_CLOEXEC)) < 0) {
		warnf("load: epoll:");
		return EXIT_ERROR;
	}
#else
	r->pfd = calloc(r->nconns, sizeof *r->pfd);
	r->pidx = calloc(r->nconns, sizeof *r->pidx);
	if (r->pfd == NULL || r->pidx == NULL)
		goto oom;
#endif
	return 0;
oom:
	warnf("load: out of memory");
	return EXIT_ERROR;
}

static void
teardown(struct run *r)
{
	unsigned i;

	for (i = 0; r->c != NULL && i < r->nconns; i++) {
		close_conn(&r->c[i]);
		http_parser_free(r->c[i].p);
		free(r->c[i].req);
		body_free(&r->c[i].body);
	}
#ifdef USE_EPOLL
	if (r->efd >= 0)
		close(r->efd);
#else
	free(r->pfd);
	free(r->pidx);
#endif
	free(r->c);
	free(r->idle);
	free(r->addrs);
	free(r->req);
	if (r->ai != NULL)
		freeaddrinfo(r->ai);
	stats_free(&r->st);
}

/*
 * Failed checks and bodies not kept, in words: as k6 counts checks, they
 * do not change the exit status (a gate reads the checks rate); bodies
 * that could not be written, a local failure, make it 3.
 */
static int
observe_verdict(const struct observe *ob, int status)
{
	if (ob != NULL && ob->check_fails > 0)
		warnf("%llu of %llu checks failed; the first: '%s': %s", ob->check_fails,
		    ob->check_fails + ob->check_passes, ob->check_text[ob->first_fail],
		    ob->first_why);
	if (ob != NULL && ob->bodies_failed > 0) {
		warnf("%llu bodies not kept in %s: %s", ob->bodies_failed, ob->bodies,
		    strerror(ob->bodies_err));
		return EXIT_ERROR;
	}
	return status;
}

/* Everything after the run: counts, summary, files, verdict. */
static int
report(struct run *r, double stop)
{
	const char *nc = getenv("NO_COLOR");
	unsigned long long d;
	unsigned i;
	int status;

	for (i = 0; i < r->nconns; i++)
		if (r->c[i].state != C_IDLE)
			r->st.interrupted++;
	if (r->open_model && (d = due(r, stop)) > r->started)
		r->st.dropped = d - r->started;
	r->st.elapsed_ms = stop;
	if (r->progress)
		progress(r, stop, 1);
	if (r->oom) {
		warnf("load: out of memory after %llu requests", r->st.reqs);
		return EXIT_ERROR;
	}
	status = stats_report(&r->st, r->cfg, r->url->hostport,
	    isatty(STDERR_FILENO) && (nc == NULL || *nc == '\0'));
	status = observe_verdict(r->cfg->observe, status);
	if (r->have_out) {
		r->have_out = 0;
		if (atomic_commit(&r->out) != 0) {
			warnf("%s:", r->cfg->out);
			status = EXIT_ERROR;
		}
	}
	return status;
}

int
load_run(const struct load_config *cfg)
{
	struct run r;
	struct sigaction sa, old;
	const char *nc = getenv("NO_COLOR");
	int status, caught = 0;
	double stop;

	memset(&r, 0, sizeof r);
#ifdef USE_EPOLL
	r.efd = -1;
#endif
	interrupted = 0;
	/* SIGINT ends the run with its results; unless the caller ignores it. */
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_sigint;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, NULL, &old) == 0 && old.sa_handler != SIG_IGN)
		caught = sigaction(SIGINT, &sa, NULL) == 0;

	if ((status = setup(&r, cfg)) != 0)
		goto out;
	if (cfg->out != NULL) {
		if (atomic_open(&r.out, cfg->out) != 0) {
			warnf("%s:", cfg->out);
			status = EXIT_ERROR;
			goto out;
		}
		r.have_out = 1;
		r.nd = (struct ndjson){ .fp = r.out.fp, .url = cfg->url,
		    .method = cfg->method, .tag_key = cfg->tag_key,
		    .tag_value = cfg->tag_value };
	}
	r.target = cfg->requests;
	r.end = 0;
	r.spin_backoff = SPIN_BACKOFF;
	r.open_model = cfg->rate > 0;
	r.interval = r.open_model ? 1000 / cfg->rate : 0;
	/* Neither -n nor -D: one request on each connection. */
	if (cfg->requests == 0 && cfg->duration_ms <= 0)
		r.target = r.nconns;
	r.burst = cfg->burst;
	r.need_body = cfg->observe != NULL && observe_needs_body(cfg->observe);
	if (cfg->observe != NULL) {
		r.st.have_checks = cfg->observe->ncheck > 0;
		r.st.more_facts = more_facts;
		r.st.check_names = cfg->observe->check_text;
		r.st.check_passes_by = cfg->observe->passes_by;
		r.st.check_fails_by = cfg->observe->fails_by;
		r.st.nchecks = cfg->observe->ncheck;
		r.st.more_ctx = cfg->observe;
		r.nd.checks = cfg->observe->check_text;
		r.nd.nchecks = cfg->observe->ncheck;
	}
	r.wave = r.target && r.target < r.nconns ? r.target : r.nconns;
	r.st.vus = r.nconns;
	r.st.exact_max = cfg->exact_samples;
	r.st.tag_key = cfg->tag_key;
	r.st.tag_value = cfg->tag_value;
	r.progress = !cfg->quiet && isatty(STDERR_FILENO);
	r.color = r.progress && (nc == NULL || *nc == '\0');

	clock_gettime(CLOCK_REALTIME, &r.wall0);
	r.t0_ns = mono_ns();
	r.next_progress = 100;
	if (cfg->duration_ms > 0)
		r.end = cfg->duration_ms;
	if (r.have_out)
		ndjson_vus(&r.nd, &r.wall0, r.nconns);
	if (loop(&r) != 0) {
		status = EXIT_ERROR;
		goto out;
	}
	stop = now_ms(&r);
	status = report(&r, stop);
out:
	if (r.have_out)
		atomic_abort(&r.out);
	teardown(&r);
	if (caught && interrupted) {
		/* Die of the signal, as an interrupted program should, once the results are out. */
		fflush(stdout);
		fflush(stderr);
		signal(SIGINT, SIG_DFL);
		raise(SIGINT);
	}
	if (caught)
		sigaction(SIGINT, &old, NULL);
	return status;
}
