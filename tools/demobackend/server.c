/*
 * demobackend: the server. One thread, one poll(2) loop, non-blocking
 * sockets, a small state machine per connection; timers (never sleep)
 * for the slow and delayed answers, so one slow client never holds up
 * another. Pipelined requests are answered in order.
 */
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "conn.h"
#include "die.h"
#include "now.h"
#include "reply.h"
#include "request.h"
#include "routes.h"
#include "server.h"
#include "verify.h"
#include "xalloc.h"

#define OUT_HIGH      (256 * 1024)  /* stop answering pipelined requests */
#define STREAM_ROUNDS 16            /* stream blocks per turn, for fairness */
#define LINGER_MS     1000          /* drain time after our FIN */
#define RESET_MS      10            /* let the bytes before a reset leave */

/* The loop: pfds[0] the wake pipe, [1] the listener, [2 + i] conns[i]. */
static struct pollfd *pfds;
static struct conn **conns;
static size_t nconns, capconns;
static int accept_paused, lfd = -1, verbose;   /* lfd: the listener */
static int wake[2] = { -1, -1 };

static void run(struct conn *c);

/* Timers and connection ends. */

static void
arm(struct conn *c, enum timer t, long long ms)
{
	c->timer = t;
	c->deadline = now_us() + ms * 1000;
}

static void
kill_conn(struct conn *c)
{
	if (c->dead)
		return;
	close(c->fd);
	c->dead = 1;
	c->timer = T_NONE;
}

/* A TCP reset: SO_LINGER with a zero timeout makes close(2) send RST. */
static void
reset_conn(struct conn *c)
{
	struct linger lg = { 1, 0 };

	setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	kill_conn(c);
}

/*
 * Closing with unread input makes the kernel send a reset, which can
 * destroy the answer before the client reads it; so send FIN and drain
 * the client's remaining bytes for a while first.
 */
static void
begin_close(struct conn *c)
{
	if (c->eof) {
		kill_conn(c);
		return;
	}
	shutdown(c->fd, SHUT_WR);
	c->after = AFTER_LINGER;
	c->in.len = 0;
	arm(c, T_CLOSE, LINGER_MS);
}

/* Requests in, answers out. */

/* One request: logged (-v), its signature checked (-S), answered, held if asked. */
static void
dispatch(struct conn *c, const struct req *r)
{
	size_t mark = c->out.len;

	if (verbose)
		warnf("%.*s %.*s", (int)r->method_len, r->method,
		    (int)r->target_len, r->target);
	c->after = r->keep ? AFTER_NEXT : AFTER_CLOSE;
	c->hold_ms = 0;
	if (verify_ok(c, r, verbose))
		route(c, r);
	if (c->hold_ms > 0) {
		c->held = 1;
		c->held_at = mark;
		arm(c, T_RELEASE, c->hold_ms);
	}
}

/* An unparseable request: say why, then close. */
static void
refuse(struct conn *c, int status)
{
	struct req r;

	memset(&r, 0, sizeof r);
	reply_error(c, &r, status, NULL);
	c->after = AFTER_CLOSE;
}

/* Drops the first n input bytes; makes room when a request needs more. */
static void
consume(struct conn *c, size_t n, int more)
{
	if (n > 0) {
		memmove(c->in.p, c->in.p + n, c->in.len - n);
		c->in.len -= n;
	}
	if (!more)
		return;
	if (c->scan.need > c->in.cap)
		buf_reserve(&c->in, c->scan.need - c->in.len);
	else if (c->in.len == c->in.cap)
		buf_reserve(&c->in, c->in.cap);
}

/* Answers the complete requests in the input, in order, until one must wait. */
static void
answer(struct conn *c)
{
	struct req r;
	size_t used = 0;
	int st = REQ_OK;

	while (c->after == AFTER_NEXT && !c->held && c->out.len < OUT_HIGH) {
		st = req_parse(&c->scan, c->in.p + used, c->in.len - used, &r);
		if (st == REQ_CONTINUE) {
			buf_str(&c->out, "HTTP/1.1 100 Continue\r\n\r\n");
			st = REQ_MORE;
		}
		if (st == REQ_MORE)
			break;
		if (st != REQ_OK) {
			refuse(c, st);
			used = c->in.len;
			break;
		}
		dispatch(c, &r);
		used += r.total;
	}
	consume(c, used, st == REQ_MORE);
}

/* Writes what may be written now; -1 when the connection died. */
static int
flush(struct conn *c)
{
	size_t end = c->held ? c->held_at : c->out.len;
	ssize_t n;

	while (c->out_off < end) {
		n = send(c->fd, c->out.p + c->out_off, end - c->out_off, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			c->blocked = 1;
			return 0;
		}
		if (n < 0) {
			kill_conn(c);
			return -1;
		}
		c->out_off += (size_t)n;
	}
	c->blocked = 0;
	if (!c->held) {
		c->out.len = c->out_off = 0;
		if (c->out.cap > OUT_HIGH)
			buf_free(&c->out);
	} else if (c->out_off > 0 && c->out_off == c->held_at) {
		memmove(c->out.p, c->out.p + c->out_off, c->out.len - c->out_off);
		c->out.len -= c->out_off;
		c->held_at = c->out_off = 0;
	}
	return 0;
}

/* Moves the connection on as far as it can go without waiting. */
static void
run(struct conn *c)
{
	int rounds = 0;

	while (!c->dead) {
		if (flush(c) != 0 || c->held || c->out_off < c->out.len)
			return;
		switch (c->after) {
		case AFTER_NEXT:
			answer(c);
			if (c->out.len == 0 && c->after == AFTER_NEXT && !c->held) {
				if (c->eof)
					kill_conn(c);
				return;
			}
			break;
		case AFTER_STREAM:
			if (++rounds > STREAM_ROUNDS)
				return;   /* POLLOUT brings us back */
			conn_stream_next(c);
			break;
		case AFTER_DRIP:
			if (c->timer == T_NONE)
				arm(c, T_DRIP, c->drip_ms);
			return;
		case AFTER_CLOSE:
			begin_close(c);
			return;
		case AFTER_RESET:
			if (c->timer == T_NONE)
				arm(c, T_RESET, RESET_MS);
			return;
		case AFTER_LINGER:
			return;
		}
	}
}

static void
fire(struct conn *c)
{
	enum timer t = c->timer;

	c->timer = T_NONE;
	switch (t) {
	case T_NONE:
		break;
	case T_RELEASE:
		c->held = 0;
		run(c);
		break;
	case T_DRIP:
		conn_drip_next(c);
		run(c);
		break;
	case T_RESET:
		reset_conn(c);
		break;
	case T_CLOSE:
		kill_conn(c);
		break;
	}
}

static void
on_readable(struct conn *c)
{
	ssize_t n;

	n = recv(c->fd, c->in.p + c->in.len, c->in.cap - c->in.len, 0);
	if (n < 0) {
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			kill_conn(c);
		return;
	}
	if (n == 0)
		c->eof = 1;
	if (c->after == AFTER_LINGER) {
		if (c->eof)
			kill_conn(c);
		return;   /* discarded */
	}
	c->in.len += (size_t)n;
	if (c->after == AFTER_NEXT)
		run(c);
}

static short
want(const struct conn *c)
{
	short ev = 0;

	if (!c->eof && c->in.len < c->in.cap)
		ev |= POLLIN;
	if (c->blocked || c->after == AFTER_STREAM)
		ev |= POLLOUT;
	return ev;
}

static void
on_events(struct conn *c, short revents)
{
	if (revents & (POLLERR | POLLNVAL)) {
		kill_conn(c);
		return;
	}
	if (revents & (POLLIN | POLLHUP)) {
		if (c->eof || c->in.len == c->in.cap) {
			kill_conn(c);   /* hung up while we were not reading */
			return;
		}
		on_readable(c);
	}
	if (!c->dead && (revents & POLLOUT))
		run(c);
}

/* The event loop. */

static void
add_conn(int fd)
{
	struct conn *c;
	int one = 1;

	if (nconns == capconns) {
		capconns = capconns > 0 ? capconns * 2 : 64;
		conns = xreallocarray(conns, capconns, sizeof *conns);
		pfds = xreallocarray(pfds, capconns + 2, sizeof *pfds);
	}
	c = xmalloc(sizeof *c);
	memset(c, 0, sizeof *c);
	c->fd = fd;
	buf_reserve(&c->in, BUF_INIT);
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	conns[nconns] = c;
	pfds[2 + nconns].fd = fd;
	pfds[2 + nconns].events = POLLIN;
	pfds[2 + nconns].revents = 0;
	nconns++;
}

static void
free_conn(struct conn *c)
{
	if (!c->dead)
		close(c->fd);
	buf_free(&c->in);
	buf_free(&c->out);
	free(c);
}

static void
remove_conn(size_t i)
{
	free_conn(conns[i]);
	nconns--;
	conns[i] = conns[nconns];
	pfds[2 + i] = pfds[2 + nconns];
	accept_paused = 0;
}

static void
accept_all(void)
{
	int i, fd;

	for (i = 0; i < 256; i++) {
		if ((fd = accept(lfd, NULL, NULL)) >= 0) {
			add_conn(fd);
			continue;
		}
		if (errno == EINTR || errno == ECONNABORTED)
			continue;
		if (errno == EMFILE || errno == ENFILE) {
			/* Out of descriptors: stop accepting until one closes. */
			accept_paused = 1;
		} else if (errno != EAGAIN && errno != EWOULDBLOCK) {
			warnf("accept:");
		}
		return;
	}
}

/* Handles one turn's events and timers; returns the next deadline or -1. */
static long long
turn(void)
{
	long long next = -1;
	struct conn *c;
	size_t i;

	for (i = nconns; i-- > 0;) {
		c = conns[i];
		if (pfds[2 + i].revents != 0)
			on_events(c, pfds[2 + i].revents);
		if (!c->dead && c->timer != T_NONE && c->deadline <= now_us())
			fire(c);
		if (c->dead) {
			remove_conn(i);
			continue;
		}
		pfds[2 + i].events = want(c);
		pfds[2 + i].revents = 0;
		if (c->timer != T_NONE && (next < 0 || c->deadline < next))
			next = c->deadline;
	}
	return next;
}

void
server_run(int log_requests)
{
	long long next = -1, wait;
	size_t i;
	int n;

	verbose = log_requests;
	for (;;) {
		pfds[0].fd = wake[0];
		pfds[0].events = POLLIN;
		pfds[1].fd = lfd;
		pfds[1].events = accept_paused ? 0 : POLLIN;
		wait = -1;
		if (next >= 0) {
			wait = (next - now_tick() + 999) / 1000;   /* rounded up */
			wait = wait < 0 ? 0 : wait > 1000000 ? 1000000 : wait;
		}
		n = poll(pfds, 2 + nconns, (int)wait);
		if (n < 0 && errno != EINTR)
			die(EXIT_ERROR, "poll:");
		now_tick();
		if (n > 0 && pfds[0].revents != 0)
			break;
		if (n > 0 && (pfds[1].revents & POLLIN))
			accept_all();
		next = turn();
	}
	for (i = 0; i < nconns; i++)
		free_conn(conns[i]);
	free(conns);
	free(pfds);
	close(lfd);
}

/* Start and stop. */

static void
on_stop(int sig)
{
	int saved = errno;
	ssize_t n;

	(void)sig;
	n = write(wake[1], "x", 1);
	(void)n;
	errno = saved;
}

static void
setup_signals(void)
{
	struct sigaction sa;
	int i;

	signal(SIGPIPE, SIG_IGN);
	if (pipe(wake) != 0)
		die(EXIT_ERROR, "pipe:");
	for (i = 0; i < 2; i++) {
		fcntl(wake[i], F_SETFL, fcntl(wake[i], F_GETFL) | O_NONBLOCK);
		fcntl(wake[i], F_SETFD, FD_CLOEXEC);
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
}

/* Hundreds of connections need more than the usual 1024 descriptors. */
static void
raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return;
	rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > 65536 ?
	    65536 : rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
}

static int
listen_on(const char *addr, const char *port)
{
	struct addrinfo hints, *res, *ai;
	int fd = -1, err, one = 1, saved = 0;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if ((err = getaddrinfo(addr, port, &hints, &res)) != 0)
		die(EXIT_ERROR, "bad address %s: %s", addr, gai_strerror(err));
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if ((fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol)) < 0) {
			saved = errno;
			continue;
		}
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 &&
		    listen(fd, SOMAXCONN) == 0)
			break;
		saved = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0) {
		errno = saved;
		die(EXIT_ERROR, "listen on %s port %s:", addr, port);
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	return fd;
}

static int
bound_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;

	if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0)
		die(EXIT_ERROR, "getsockname:");
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

int
server_start(const char *addr, const char *port)
{
	setup_signals();
	raise_fd_limit();
	lfd = listen_on(addr, port);
	pfds = xreallocarray(NULL, 2, sizeof *pfds);
	return bound_port(lfd);
}
