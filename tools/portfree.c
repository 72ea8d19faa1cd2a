/* portfree: is a TCP port free; if not, who holds it; wait until it is free or listening. */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "die.h"
#include "dur.h"
#include "jsonout.h"
#include "num.h"
#include "url.h"
#include "usage.h"
#include "xalloc.h"

#define CMDLINE_SHOWN 80       /* bytes of a command line shown, then "..." */
#define SOURCE_ENV "PORTFREE_SOURCE"

struct addr {
	int family;                    /* AF_INET or AF_INET6 */
	unsigned char b[16];           /* network order; IPv4 uses b[0..3] */
};

struct target {
	const char *arg;               /* as given: 8082, [::1]:8082, localhost:8082 */
	char *host;                    /* its host part; NULL for a bare port */
	unsigned port;
	int any;                       /* a bare port: every address, both families */
	struct addr *addrs;
	size_t naddrs;
};

enum owner_kind { OWNER_UNKNOWN, OWNER_HIDDEN, OWNER_PROCESS, OWNER_CONTAINER };

struct owner {
	enum owner_kind kind;
	long pid;
	long uid;                      /* the process's, else the socket's */
	char comm[32];
	char cmdline[CMDLINE_SHOWN + 8];
	char container[INET6_ADDRSTRLEN + 16];
};

struct listener {
	struct addr addr;
	unsigned port;
	unsigned long inode;           /* 0 for a bind probe */
	long uid;                      /* the socket's */
	int v6only;                    /* IPV6_V6ONLY of a "::" socket; -1 unknown */
	const struct target *probed;   /* the target a bind probe failed for */
	struct owner own;
};

struct listeners {
	struct listener *v;
	size_t n, cap;
};

/* The kernel's sock_diag first, /proc/net/tcp without it, else bind probes. */
enum source { SRC_NETLINK, SRC_PROC, SRC_PROBE };
static const char *const source_name[] = { "netlink", "proc", "probe" };

struct opts {
	int json, quiet, pick;
	int wait;                      /* 0, 'l' (until listening) or 'f' (until free) */
	double wait_ms;                /* < 0: no bound */
	double interval_ms;
	enum source source;            /* where the listening sockets come from */
	int source_forced;             /* by PORTFREE_SOURCE: no fallback */
	int v6only;                    /* net.ipv6.bindv6only */
};

static int
addr_len(const struct addr *a)
{
	return a->family == AF_INET ? 4 : 16;
}

static int
addr_is_any(const struct addr *a)
{
	static const unsigned char zero[16];

	return memcmp(a->b, zero, addr_len(a)) == 0;
}

/* ::ffff:a.b.c.d binds, and collides, as the IPv4 address a.b.c.d. */
static struct addr
addr_canon(const struct addr *a)
{
	static const unsigned char mapped[12] = { [10] = 0xff, [11] = 0xff };
	struct addr c = *a;

	if (a->family == AF_INET6 && memcmp(a->b, mapped, sizeof mapped) == 0) {
		c.family = AF_INET;
		memset(c.b, 0, sizeof c.b);
		memcpy(c.b, a->b + 12, 4);
	}
	return c;
}

static void
addr_str(const struct addr *a, char *buf, size_t len)
{
	if (inet_ntop(a->family, a->b, buf, len) == NULL)
		snprintf(buf, len, "?");
}

/* "0.0.0.0:8082", "[::1]:8082": the form portfree reads back. */
static void
hostport_str(const struct addr *a, unsigned port, char *buf, size_t len)
{
	char h[INET6_ADDRSTRLEN];

	addr_str(a, h, sizeof h);
	snprintf(buf, len, a->family == AF_INET6 ? "[%s]:%u" : "%s:%u", h, port);
}

static socklen_t
to_sockaddr(const struct addr *a, unsigned port, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof *ss);
	if (a->family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;
		sin->sin_family = AF_INET;
		sin->sin_port = htons((unsigned short)port);
		memcpy(&sin->sin_addr, a->b, 4);
		return sizeof *sin;
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((unsigned short)port);
		memcpy(&sin6->sin6_addr, a->b, 16);
		return sizeof *sin6;
	}
}

/*
 * Would the listener l make a bind on t fail? The kernel's rule: within a
 * family the same address, or a wildcard on either side; across families
 * only a dual-stack "::" takes IPv4 as well. A bind on "::" is dual-stack
 * when net.ipv6.bindv6only (sys_v6only) is 0; a listener on "::" is when
 * its IPV6_V6ONLY is off, and where that is unknown (/proc/net/tcp6 does
 * not show it) it is taken to follow bindv6only, which errs on busy.
 */
static int
addrs_collide(const struct addr *t, const struct listener *l, int sys_v6only)
{
	struct addr a = addr_canon(t), b = addr_canon(&l->addr);
	int l_v6only = l->v6only >= 0 ? l->v6only : sys_v6only;

	if (a.family == b.family)
		return addr_is_any(&a) || addr_is_any(&b) ||
		    memcmp(a.b, b.b, addr_len(&a)) == 0;
	if (a.family == AF_INET6)
		return addr_is_any(&a) && !sys_v6only;
	return addr_is_any(&b) && !l_v6only;
}

static int
blocks(const struct listener *l, const struct target *t, int v6only)
{
	size_t i;

	if (l->port != t->port)
		return 0;
	if (l->probed != NULL)
		return l->probed == t;
	if (t->any)
		return 1;
	for (i = 0; i < t->naddrs; i++)
		if (addrs_collide(&t->addrs[i], l, v6only))
			return 1;
	return 0;
}

static int
target_busy(const struct target *t, const struct listeners *ls, int v6only)
{
	size_t i;

	for (i = 0; i < ls->n; i++)
		if (blocks(&ls->v[i], t, v6only))
			return 1;
	return 0;
}

static struct listener *
listener_add(struct listeners *ls)
{
	if (ls->n == ls->cap) {
		size_t cap = ls->cap ? ls->cap * 2 : 16;
		ls->v = xreallocarray(ls->v, cap, sizeof *ls->v);
		ls->cap = cap;
	}
	memset(&ls->v[ls->n], 0, sizeof ls->v[0]);
	return &ls->v[ls->n++];
}

/* Exactly n hex digits at *sp. */
static int
hex_field(const char **sp, int n, unsigned long *out)
{
	const char *s = *sp;
	unsigned long v = 0;
	int i;

	for (i = 0; i < n; i++) {
		int c = (unsigned char)s[i], d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else
			return -1;
		v = v << 4 | (unsigned long)d;
	}
	*sp = s + n;
	*out = v;
	return 0;
}

static int
port_wanted(unsigned port, const struct target *t, size_t nt)
{
	size_t i;

	for (i = 0; i < nt; i++)
		if (t[i].port == port)
			return 1;
	return 0;
}

/*
 * One line of /proc/net/tcp or tcp6: "sl: local:port remote:port st ...
 * uid timeout inode". The kernel prints each 32-bit word of the address
 * in host byte order, so the word's own bytes are the network bytes.
 * Returns 1 for a LISTEN socket on a wanted port, else 0.
 */
static int
parse_tcp_line(const char *s, int family, const struct target *t, size_t nt,
    struct listener *l)
{
	int words = family == AF_INET ? 1 : 4, i;
	unsigned long w, port, state;

	if ((s = strchr(s, ':')) == NULL)
		return 0;
	for (s++; *s == ' '; s++)
		;
	for (i = 0; i < words; i++) {
		uint32_t u;
		if (hex_field(&s, 8, &w) != 0)
			return 0;
		u = (uint32_t)w;
		memcpy(l->addr.b + 4 * i, &u, 4);
	}
	if (*s++ != ':' || hex_field(&s, 4, &port) != 0 || *s++ != ' ')
		return 0;
	if ((s = strchr(s, ' ')) == NULL)
		return 0;
	s++;
	if (hex_field(&s, 2, &state) != 0 || state != 0x0A ||
	    !port_wanted((unsigned)port, t, nt))
		return 0;
	if (sscanf(s, " %*x:%*x %*x:%*x %*x %ld %*d %lu", &l->uid, &l->inode) != 2)
		return 0;
	l->addr.family = family;
	l->port = (unsigned)port;
	l->v6only = -1;
	return 1;
}

/* The LISTEN sockets on wanted ports. Returns 0, or -1 with errno set. */
static int
read_proc_net(const char *path, int family, const struct target *t, size_t nt,
    struct listeners *ls)
{
	char line[512];
	struct listener l;
	FILE *fp;
	int err;

	if ((fp = fopen(path, "r")) == NULL)
		return -1;
	if (fgets(line, sizeof line, fp) != NULL) {       /* the header */
		while (fgets(line, sizeof line, fp) != NULL) {
			memset(&l, 0, sizeof l);
			if (parse_tcp_line(line, family, t, nt, &l))
				*listener_add(ls) = l;
		}
	}
	err = ferror(fp) ? errno : 0;
	fclose(fp);
	errno = err;
	return err ? -1 : 0;
}

#ifdef __linux__
/*
 * The kernel's sock_diag interface, as ss(8) uses it: asked for listening
 * sockets only, it walks the listening table alone (no per-connection
 * text as in /proc/net/tcp), and it tells whether a "::" socket is
 * v6-only. The structures are linux/inet_diag.h's, declared here because
 * musl ships no kernel headers; the ABI is fixed.
 */
struct nl_hdr { uint32_t len; uint16_t type, flags; uint32_t seq, pid; };
struct nl_addr { sa_family_t family; unsigned short pad; uint32_t pid, groups; };
struct nl_attr { uint16_t len, type; };
struct diag_sockid { uint16_t sport, dport; uint32_t src[4], dst[4], ifindex, cookie[2]; };
struct diag_req { uint8_t family, protocol, ext, pad; uint32_t states; struct diag_sockid id; };
struct diag_msg {
	uint8_t family, state, timer, retrans;
	struct diag_sockid id;
	uint32_t expires, rqueue, wqueue, uid, inode;
};

enum {
	NETLINK_SOCK_DIAG_PROTO = 4, SOCK_DIAG_BY_FAMILY_TYPE = 20,
	NL_REQUEST = 0x1, NL_DUMP = 0x300, NL_ERROR = 0x2, NL_DONE = 0x3,
	DIAG_ATTR_V6ONLY = 11, TCP_STATE_LISTEN = 10
};
#define NL_ALIGN(n) (((n) + 3u) & ~(size_t)3u)

static void
diag_one(const char *p, size_t len, int family, const struct target *t, size_t nt,
    struct listeners *ls)
{
	struct diag_msg m;
	struct listener *l;
	struct nl_attr a;
	size_t off;

	if (len < sizeof m)
		return;
	memcpy(&m, p, sizeof m);
	if (m.state != TCP_STATE_LISTEN || m.family != family ||
	    !port_wanted(ntohs(m.id.sport), t, nt))
		return;
	l = listener_add(ls);
	l->addr.family = family;
	memcpy(l->addr.b, m.id.src, family == AF_INET ? 4 : 16);
	l->port = ntohs(m.id.sport);
	l->uid = m.uid;
	l->inode = m.inode;
	l->v6only = -1;
	for (off = NL_ALIGN(sizeof m); off + sizeof a <= len; off += NL_ALIGN(a.len)) {
		memcpy(&a, p + off, sizeof a);
		if (a.len < sizeof a || off + a.len > len)
			break;
		if (a.type == DIAG_ATTR_V6ONLY && a.len > sizeof a)
			l->v6only = p[off + sizeof a] != 0;
	}
}

/* One family's listening TCP sockets. Returns 0, or -1 with errno set. */
static int
diag_dump(int fd, int family, const struct target *t, size_t nt, struct listeners *ls)
{
	struct { struct nl_hdr h; struct diag_req r; } req;
	union { struct nl_hdr h; char b[32768]; } buf;
	struct nl_addr kernel;
	struct nl_hdr h;

	memset(&req, 0, sizeof req);
	req.h.len = sizeof req;
	req.h.type = SOCK_DIAG_BY_FAMILY_TYPE;
	req.h.flags = NL_REQUEST | NL_DUMP;
	req.r.family = (uint8_t)family;
	req.r.protocol = IPPROTO_TCP;
	req.r.states = 1u << TCP_STATE_LISTEN;
	memset(&kernel, 0, sizeof kernel);
	kernel.family = AF_NETLINK;
	if (sendto(fd, &req, sizeof req, 0, (struct sockaddr *)&kernel, sizeof kernel) < 0)
		return -1;
	for (;;) {
		ssize_t n = recv(fd, buf.b, sizeof buf.b, 0);
		size_t off;
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			errno = n < 0 ? errno : EPROTO;
			return -1;
		}
		for (off = 0; off + sizeof h <= (size_t)n; off += NL_ALIGN(h.len)) {
			memcpy(&h, buf.b + off, sizeof h);
			if (h.len < sizeof h || off + h.len > (size_t)n) {
				errno = EPROTO;
				return -1;
			}
			if (h.type == NL_DONE)
				return 0;
			if (h.type == NL_ERROR) {
				int err = EPROTO;
				if (h.len >= sizeof h + sizeof err)
					memcpy(&err, buf.b + off + sizeof h, sizeof err);
				errno = err < 0 ? -err : EPROTO;
				return -1;
			}
			diag_one(buf.b + off + sizeof h, h.len - sizeof h, family, t, nt, ls);
		}
	}
}

static int
diag_listeners(const struct target *t, size_t nt, struct listeners *ls)
{
	int fd, r;

	if ((fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_SOCK_DIAG_PROTO)) < 0)
		return -1;
	r = diag_dump(fd, AF_INET, t, nt, ls);
	/* Without IPv6 there is no AF_INET6 table, and nothing to miss. */
	if (r == 0 && diag_dump(fd, AF_INET6, t, nt, ls) != 0 &&
	    errno != ENOENT && errno != EAFNOSUPPORT)
		r = -1;
	close(fd);
	return r;
}
#else
static int
diag_listeners(const struct target *t, size_t nt, struct listeners *ls)
{
	(void)t, (void)nt, (void)ls;
	errno = ENOSYS;
	return -1;
}
#endif

/*
 * A bind such as a server would do. Linux refuses an SO_REUSEADDR bind
 * only next to a listener (or a socket without the option), so TIME_WAIT
 * counts as free there as it does for a real server; elsewhere the option
 * lets a wildcard bind share a port with a specific one, so it stays off.
 * v6only < 0 leaves IPV6_V6ONLY at the system default.
 * Returns 0 when the bind works, 1 on EADDRINUSE, -1 with errno otherwise.
 */
static int
try_bind(const struct addr *a, unsigned port, int v6only)
{
	struct sockaddr_storage ss;
	socklen_t len = to_sockaddr(a, port, &ss);
	int fd, r, err, one = 1;

	if ((fd = socket(a->family, SOCK_STREAM, 0)) < 0)
		return -1;
#ifdef __linux__
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
#else
	(void)one;
#endif
	if (v6only >= 0 && a->family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only);
	r = bind(fd, (struct sockaddr *)&ss, len);
	err = errno;
	close(fd);
	errno = err;
	if (r == 0)
		return 0;
	return err == EADDRINUSE ? 1 : -1;
}

static int
no_ipv6(int err)
{
	return err == EAFNOSUPPORT || err == EADDRNOTAVAIL || err == EPROTONOSUPPORT;
}

/* A failed probe becomes a listener whose owner is unknown. */
static void
probe_one(const struct target *t, const struct addr *a, int v6only,
    struct listeners *ls)
{
	char hp[INET6_ADDRSTRLEN + 16];
	struct listener *l;
	int r = try_bind(a, t->port, v6only);

	if (r < 0 && t->any && a->family == AF_INET6 && no_ipv6(errno))
		return;
	if (r < 0) {
		hostport_str(a, t->port, hp, sizeof hp);
		die(EXIT_ERROR, "bind probe on %s:", hp);
	}
	if (r == 0)
		return;
	l = listener_add(ls);
	l->addr = *a;
	l->port = t->port;
	l->uid = l->own.uid = -1;
	l->probed = t;
}

static void
probe_target(const struct target *t, struct listeners *ls)
{
	static const struct addr any4 = { AF_INET, { 0 } }, any6 = { AF_INET6, { 0 } };
	size_t i;

	if (t->any) {
		/* 0.0.0.0 covers every IPv4 address, a v6-only :: every IPv6 one. */
		probe_one(t, &any4, -1, ls);
		probe_one(t, &any6, 1, ls);
		return;
	}
	for (i = 0; i < t->naddrs; i++)
		probe_one(t, &t->addrs[i], -1, ls);
}

/*
 * One look at the ports of every target. Without sock_diag (an old or
 * sandboxed kernel) the next source takes over for good.
 */
static void
observe(const struct target *t, size_t nt, struct opts *o, struct listeners *ls)
{
	size_t i;

	ls->n = 0;
	if (o->source == SRC_NETLINK) {
		if (diag_listeners(t, nt, ls) == 0)
			return;
		if (o->source_forced)
			die(EXIT_ERROR, "sock_diag netlink:");
		o->source = access("/proc/net/tcp", F_OK) == 0 ? SRC_PROC : SRC_PROBE;
		ls->n = 0;
	}
	if (o->source == SRC_PROBE) {
		for (i = 0; i < nt; i++)
			probe_target(&t[i], ls);
		return;
	}
	if (read_proc_net("/proc/net/tcp", AF_INET, t, nt, ls) != 0)
		die(EXIT_ERROR, "read /proc/net/tcp:");
	/* Without IPv6 the kernel has no tcp6 table, and nothing to miss. */
	if (read_proc_net("/proc/net/tcp6", AF_INET6, t, nt, ls) != 0 && errno != ENOENT)
		die(EXIT_ERROR, "read /proc/net/tcp6:");
}

/* Reads up to len bytes of a small /proc file. Returns the count or -1. */
static ssize_t
read_small(int dirfd, const char *path, char *buf, size_t len)
{
	ssize_t n, total = 0;
	int fd;

	if ((fd = openat(dirfd, path, O_RDONLY)) < 0)
		return -1;
	while ((size_t)total < len && (n = read(fd, buf + total, len - total)) > 0)
		total += n;
	close(fd);
	return total;
}

/* Control characters would break a key=value line: blanks or '?'. */
static void
printable(char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\t' || *s == '\n' || *s == '\r')
			*s = ' ';
		else if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
	}
}

/* The value of a Go-style flag (-name v, --name v, -name=v) in NUL-separated args. */
static const char *
flag_value(const char *args, size_t len, const char *name)
{
	const char *a = args, *end = args + len, *next;
	size_t nl = strlen(name);

	for (; a < end; a = next) {
		next = a + strlen(a) + 1;
		if (*a != '-')
			continue;
		a += a[1] == '-' ? 2 : 1;
		if (strncmp(a, name, nl) != 0)
			continue;
		if (a[nl] == '=')
			return a + nl + 1;
		if (a[nl] == '\0' && next < end)
			return next;
	}
	return NULL;
}

static int
is_docker_proxy(const char *comm, const char *args)
{
	const char *base = strrchr(args, '/');

	base = base != NULL ? base + 1 : args;
	return strcmp(comm, "docker-proxy") == 0 || strcmp(base, "docker-proxy") == 0;
}

/* docker-proxy forwards to -container-ip:-container-port. */
static void
container_of(struct owner *own, const char *args, size_t len)
{
	const char *ip = flag_value(args, len, "container-ip");
	const char *port = flag_value(args, len, "container-port");

	own->kind = OWNER_CONTAINER;
	if (ip == NULL)
		return;
	snprintf(own->container, sizeof own->container,
	    strchr(ip, ':') != NULL ? "[%s]:%s" : "%s:%s", ip, port != NULL ? port : "?");
	printable(own->container);
}

/* The start of the command line, NULs as spaces, cut at a character boundary. */
static void
shown_cmdline(char *dst, size_t dstlen, const char *args, size_t len)
{
	size_t i, n;

	while (len > 0 && args[len - 1] == '\0')
		len--;
	n = len < CMDLINE_SHOWN ? len : CMDLINE_SHOWN;
	while (n < len && n > 0 && ((unsigned char)args[n] & 0xc0) == 0x80)
		n--;
	if (n + 4 > dstlen)
		n = dstlen - 4;
	for (i = 0; i < n; i++)
		dst[i] = args[i] == '\0' ? ' ' : args[i];
	strcpy(dst + n, n < len ? "..." : "");
	printable(dst);
}

/* The effective uid from /proc/PID/status ("Uid: real effective saved fs"). */
static long
status_uid(int procfd, long pid)
{
	char path[64], buf[2048], *s;
	ssize_t n;
	long ruid, euid;

	snprintf(path, sizeof path, "%ld/status", pid);
	if ((n = read_small(procfd, path, buf, sizeof buf - 1)) < 0)
		return -1;
	buf[n] = '\0';
	if ((s = strstr(buf, "\nUid:")) == NULL ||
	    sscanf(s + 5, "%ld %ld", &ruid, &euid) != 2)
		return -1;
	return euid;
}

static void
describe_process(int procfd, long pid, struct owner *own)
{
	char path[64], args[4096];
	ssize_t n;

	own->kind = OWNER_PROCESS;
	own->pid = pid;
	snprintf(path, sizeof path, "%ld/comm", pid);
	n = read_small(procfd, path, own->comm, sizeof own->comm - 1);
	own->comm[n > 0 ? n : 0] = '\0';
	own->comm[strcspn(own->comm, "\n")] = '\0';
	printable(own->comm);
	snprintf(path, sizeof path, "%ld/cmdline", pid);
	if ((n = read_small(procfd, path, args, sizeof args - 1)) < 0)
		n = 0;
	args[n] = '\0';
	if (n == 0)   /* a kernel thread or a zombie: shown as ps does */
		snprintf(own->cmdline, sizeof own->cmdline, "[%s]", own->comm);
	else
		shown_cmdline(own->cmdline, sizeof own->cmdline, args, (size_t)n);
	if (is_docker_proxy(own->comm, args))
		container_of(own, args, (size_t)n);
	if ((n = status_uid(procfd, pid)) >= 0)
		own->uid = n;
}

/* "socket:[12345]" → 12345, anything else → 0. */
static unsigned long
socket_inode(const char *link)
{
	char *end;
	unsigned long ino;

	if (strncmp(link, "socket:[", 8) != 0)
		return 0;
	ino = strtoul(link + 8, &end, 10);
	return *end == ']' ? ino : 0;
}

/* Does this pid hold one of the still unowned sockets? Fills their owner. */
static size_t
scan_fds(int procfd, long pid, struct listener **want, size_t n)
{
	char path[64], link[64];
	struct dirent *e;
	size_t found = 0, i;
	DIR *d;
	int fd;

	snprintf(path, sizeof path, "%ld/fd", pid);
	/* Not ours to see (EACCES), or gone (ENOENT): someone else's question. */
	if ((fd = openat(procfd, path, O_RDONLY | O_DIRECTORY)) < 0)
		return 0;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return 0;
	}
	while ((e = readdir(d)) != NULL) {
		ssize_t len;
		unsigned long ino;
		if (e->d_name[0] == '.')
			continue;
		if ((len = readlinkat(fd, e->d_name, link, sizeof link - 1)) <= 0)
			continue;
		link[len] = '\0';
		if ((ino = socket_inode(link)) == 0)
			continue;
		for (i = 0; i < n; i++) {
			if (want[i]->inode == ino && want[i]->own.kind == OWNER_HIDDEN) {
				describe_process(procfd, pid, &want[i]->own);
				found++;
			}
		}
	}
	closedir(d);
	return found;
}

static int
pid_newest_first(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return (x < y) - (x > y);
}

/* The pids in /proc, newest (highest) first. */
static long *
list_pids(DIR *d, size_t *n)
{
	struct dirent *e;
	size_t cap = 0;
	long *v = NULL;

	*n = 0;
	while ((e = readdir(d)) != NULL) {
		char *end;
		long pid = strtol(e->d_name, &end, 10);
		if (pid <= 0 || *end != '\0')
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 512;
			v = xreallocarray(v, cap, sizeof *v);
		}
		v[(*n)++] = pid;
	}
	qsort(v, *n, sizeof *v, pid_newest_first);
	return v;
}

/*
 * Owners by socket inode: the inodes are known already, so the walk over
 * /proc/PID/fd stops at the first process holding each one. It goes from
 * the newest process down: a port in question was most often taken by
 * something started lately (the backend, a container's docker-proxy), not
 * by the daemons and kernel threads that fill the low pids.
 */
static void
find_owners(struct listener **want, size_t n)
{
	size_t left = n, i, npids;
	long *pids;
	DIR *d;

	for (i = 0; i < n; i++) {
		want[i]->own.kind = OWNER_HIDDEN;
		want[i]->own.uid = want[i]->uid;
	}
	if (n == 0 || (d = opendir("/proc")) == NULL)
		return;
	pids = list_pids(d, &npids);
	for (i = 0; i < npids && left > 0; i++)
		left -= scan_fds(dirfd(d), pids[i], want, n);
	free(pids);
	closedir(d);
}

static void
user_name(long uid, char *buf, size_t len)
{
	struct passwd *pw = uid >= 0 ? getpwuid((uid_t)uid) : NULL;

	if (pw != NULL)
		snprintf(buf, len, "%s", pw->pw_name);
	else if (uid >= 0)
		snprintf(buf, len, "%ld", uid);
	else
		snprintf(buf, len, "unknown");
}

static const char *
owner_word(enum owner_kind k)
{
	switch (k) {
	case OWNER_PROCESS:   return "process";
	case OWNER_CONTAINER: return "container";
	case OWNER_HIDDEN:    return "not visible";
	default:              return "unknown";
	}
}

/* One human line per listener, for a preflight message. */
static void
summary(const struct listener *l, char *buf, size_t len)
{
	char hp[INET6_ADDRSTRLEN + 16], user[64];
	const struct owner *o = &l->own;

	hostport_str(&l->addr, l->port, hp, sizeof hp);
	user_name(o->uid, user, sizeof user);
	switch (o->kind) {
	case OWNER_PROCESS:
		snprintf(buf, len, "%s held by %s (pid %ld, user %s): %s",
		    hp, o->comm, o->pid, user, o->cmdline);
		break;
	case OWNER_CONTAINER:
		snprintf(buf, len, "%s published by a container%s%s (%s pid %ld)",
		    hp, o->container[0] ? " at " : "", o->container, o->comm, o->pid);
		break;
	case OWNER_HIDDEN:
		snprintf(buf, len, "%s in use, owner not visible (socket of user %s; %s)",
		    hp, user, geteuid() != 0 ? "root can see more" :
		    "held from another pid namespace, or hidden by hidepid");
		break;
	default:
		snprintf(buf, len, "%s in use, owner unknown (bind probe)", hp);
	}
}

static void
print_listener(int json, const struct listener *l)
{
	char hp[INET6_ADDRSTRLEN + 16], user[64], sum[512];
	const struct owner *o = &l->own;
	int seen = o->kind == OWNER_PROCESS || o->kind == OWNER_CONTAINER;
	struct facts out;

	facts_begin(&out, stdout, json);
	if (json) {
		addr_str(&l->addr, hp, sizeof hp);
		facts_str(&out, "address", hp);
		facts_int(&out, "port", l->port);
	} else {
		hostport_str(&l->addr, l->port, hp, sizeof hp);
		facts_str(&out, "listener", hp);
	}
	facts_str(&out, "owner", owner_word(o->kind));
	if (seen)
		facts_int(&out, "pid", o->pid);
	if (o->uid >= 0) {
		user_name(o->uid, user, sizeof user);
		facts_int(&out, "uid", o->uid);
		facts_str(&out, "user", user);
	}
	if (seen) {
		facts_str(&out, "comm", o->comm);
		facts_str(&out, "cmdline", o->cmdline);
	}
	if (o->container[0] != '\0')
		facts_str(&out, "container", o->container);
	summary(l, sum, sizeof sum);
	facts_str(&out, "summary", sum);
	facts_end(&out);
}

/* One element of a space-separated list, or of a JSON array. */
static void
put_item(int json, FILE *fp, const char *s, int first)
{
	if (!first)
		putc(json ? ',' : ' ', fp);
	if (json)
		json_put_cstring(fp, s);
	else
		fputs(s, fp);
}

/* "127.0.0.1 ::1", or a JSON array; "any" for a bare port. */
static void
put_addresses(struct facts *out, const struct target *t)
{
	char h[INET6_ADDRSTRLEN];
	FILE *fp = out->json ? jo_key(&out->o, "addresses") : stdout;
	size_t i;

	fputs(out->json ? "[" : "addresses=", fp);
	if (t->any)
		put_item(out->json, fp, "any", 1);
	for (i = 0; i < t->naddrs; i++) {
		addr_str(&t->addrs[i], h, sizeof h);
		put_item(out->json, fp, h, i == 0);
	}
	fputs(out->json ? "]" : "\n", fp);
}

static void
print_target(const struct target *t, const struct listeners *ls, const struct opts *o)
{
	struct facts out;
	int first = 1;
	size_t i;

	facts_begin(&out, stdout, o->json);
	facts_str(&out, "target", t->arg);
	facts_int(&out, "port", t->port);
	put_addresses(&out, t);
	facts_str(&out, "source", source_name[o->source]);
	facts_str(&out, "state", target_busy(t, ls, o->v6only) ? "listening" : "free");
	if (o->json)
		putc('[', jo_key(&out.o, "listeners"));
	for (i = 0; i < ls->n; i++) {
		if (!blocks(&ls->v[i], t, o->v6only))
			continue;
		if (o->json && !first)
			putchar(',');
		first = 0;
		print_listener(o->json, &ls->v[i]);
	}
	if (o->json)
		putchar(']');
	facts_end(&out);
	if (o->json)
		putchar('\n');
}

/* Looks up the owners of the listeners that block some target, then prints. */
static void
report(const struct target *t, size_t nt, struct listeners *ls, const struct opts *o)
{
	struct listener **want;
	size_t i, k, n = 0;

	want = xreallocarray(NULL, ls->n + 1, sizeof *want);
	for (i = 0; i < ls->n; i++) {
		for (k = 0; k < nt; k++) {
			if (ls->v[i].probed == NULL && blocks(&ls->v[i], &t[k], o->v6only)) {
				want[n++] = &ls->v[i];
				break;
			}
		}
	}
	find_owners(want, n);
	free(want);
	for (k = 0; k < nt; k++) {
		if (k > 0 && !o->json)
			putchar('\n');
		print_target(&t[k], ls, o);
	}
}

static int
read_v6only(void)
{
	char buf[8] = "";
	ssize_t n = read_small(AT_FDCWD, "/proc/sys/net/ipv6/bindv6only", buf, sizeof buf - 1);

	return n > 0 && buf[0] == '1';
}

/* Is a an address of this host (a bind on port 0 works)? */
static int
addr_local(const struct addr *a)
{
	return try_bind(a, 0, -1) == 0;
}

static void
addr_add(struct target *t, const struct addr *a)
{
	size_t i;

	for (i = 0; i < t->naddrs; i++)
		if (t->addrs[i].family == a->family &&
		    memcmp(t->addrs[i].b, a->b, sizeof a->b) == 0)
			return;
	t->addrs = realloc(t->addrs, (t->naddrs + 1) * sizeof *t->addrs);
	if (t->addrs == NULL)
		die(EXIT_ERROR, "out of memory");
	t->addrs[t->naddrs++] = *a;
}

/*
 * The local addresses of host. A literal address must be one of this
 * host's; of a name's addresses those that are not (::1 where IPv6 is
 * off) are dropped, and at least one must remain.
 */
static void
resolve(struct target *t, const char *host)
{
	struct addrinfo hints, *res, *ai;
	struct addr a;
	int rc, literal = 1;

	memset(&hints, 0, sizeof hints);
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST;
	if ((rc = getaddrinfo(host, NULL, &hints, &res)) == EAI_NONAME) {
		literal = 0;
		hints.ai_flags = 0;
		rc = getaddrinfo(host, NULL, &hints, &res);
	}
	if (rc != 0)
		die(EXIT_ERROR, "%s: %s", host, gai_strerror(rc));
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		memset(&a, 0, sizeof a);
		a.family = ai->ai_family;
		if (ai->ai_family == AF_INET)
			memcpy(a.b, &((struct sockaddr_in *)ai->ai_addr)->sin_addr, 4);
		else if (ai->ai_family == AF_INET6)
			memcpy(a.b, &((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr, 16);
		else
			continue;
		if (addr_local(&a))
			addr_add(t, &a);
		else if (literal)
			die(EXIT_ERROR, "%s: not an address of this host", host);
	}
	freeaddrinfo(res);
	if (t->naddrs == 0)
		die(EXIT_ERROR, "%s: no address of this host", host);
}

static void
parse_port(const char *s, const char *arg, unsigned *port)
{
	long long v;

	if (parse_ll(s, 1, 65535, &v) != 0) {
		warnf("bad port in '%s': want a number from 1 to 65535", arg);
		exit(EXIT_USAGE);
	}
	*port = (unsigned)v;
}

/* A bare port; host:port, [v6]:port or an http:// URL by url.c's grammar. */
static void
parse_target(const char *arg, struct target *t)
{
	struct url u;
	const char *why;
	char shown[128];

	memset(t, 0, sizeof *t);
	t->arg = arg;
	if (strchr(arg, ':') == NULL) {
		t->any = 1;
		parse_port(arg, arg, &t->port);
		return;
	}
	if ((strstr(arg, "://") != NULL ? url_parse(arg, &u, &why) :
	    url_parse_endpoint(arg, &u, &why)) != 0) {
		warnf("bad target '%s': %s", url_shown(arg, shown, sizeof shown), why);
		exit(EXIT_USAGE);
	}
	t->host = u.host;
	u.host = NULL;
	t->port = u.portnum;
	url_free(&u);
}

static int
all_hold(const struct target *t, size_t nt, const struct listeners *ls, const struct opts *o)
{
	size_t i;

	for (i = 0; i < nt; i++)
		if (target_busy(&t[i], ls, o->v6only) != (o->wait == 'l'))
			return 0;
	return 1;
}

/* Looks until every target holds, or once without -l/-f, or until -w runs out. */
static int
run_check(struct target *t, size_t nt, struct opts *o)
{
	struct listeners ls = { NULL, 0, 0 };
	double deadline = o->wait_ms >= 0 ? clock_ms() + o->wait_ms : -1;
	int holds;

	for (;;) {
		observe(t, nt, o, &ls);
		holds = all_hold(t, nt, &ls, o);
		if (holds || !o->wait)
			break;
		if (deadline >= 0) {
			double left = deadline - clock_ms();
			if (left <= 0)
				break;
			sleep_ms(left < o->interval_ms ? left : o->interval_ms);
		} else {
			sleep_ms(o->interval_ms);
		}
	}
	if (!o->quiet)
		report(t, nt, &ls, o);
	if (!holds && o->wait && !o->quiet)
		warnf("timed out after %g s waiting for %s to be %s", o->wait_ms / 1000,
		    nt == 1 ? t[0].arg : "every port", o->wait == 'l' ? "listening" : "free");
	free(ls.v);
	return holds ? EXIT_HOLDS : EXIT_FAILS;
}

/* The port the kernel hands out for a bind on a, port 0. */
static unsigned
kernel_port(const struct addr *a, const char *host)
{
	struct sockaddr_storage ss;
	socklen_t len = to_sockaddr(a, 0, &ss);
	int fd;

	if ((fd = socket(a->family, SOCK_STREAM, 0)) < 0 ||
	    bind(fd, (struct sockaddr *)&ss, len) != 0 ||
	    getsockname(fd, (struct sockaddr *)&ss, &len) != 0)
		die(EXIT_ERROR, "bind %s port 0:", host);
	close(fd);
	return ntohs(ss.ss_family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port :
	    ((struct sockaddr_in6 *)&ss)->sin6_port);
}

/*
 * The kernel's port for the first address of the host, kept only if it is
 * free on every other address of the host and, as a bare port, on every
 * address of the machine.
 */
static int
pick(struct target *t, struct opts *o)
{
	struct listeners ls = { NULL, 0, 0 };
	struct target any;
	int tries, ok = 0;
	size_t i;

	for (tries = 0; tries < 100 && !ok; tries++) {
		t->port = kernel_port(&t->addrs[0], t->arg);
		for (ok = 1, i = 1; i < t->naddrs && ok; i++)
			ok = try_bind(&t->addrs[i], t->port, -1) == 0;
		memset(&any, 0, sizeof any);
		any.arg = t->arg;
		any.any = 1;
		any.port = t->port;
		observe(&any, 1, o, &ls);
		ok = ok && ls.n == 0;
	}
	free(ls.v);
	if (!ok)
		die(EXIT_ERROR, "no free port found on %s", t->arg);
	if (o->json) {
		struct json_obj j;
		jo_begin(&j, stdout);
		jo_str(&j, "host", t->arg);
		jo_int(&j, "port", t->port);
		jo_end(&j);
		putchar('\n');
	} else {
		printf("%u\n", t->port);
	}
	return EXIT_HOLDS;
}

static const struct usage_opt opts[] = {
	{ "-f", "wait until every target is free" },
	{ "-h, --help", "print this help and exit" },
	{ "-i interval", "how often to look while waiting (default 0.1s)" },
	{ "-j", "one JSON object per target" },
	{ "-l", "wait until every target is listening" },
	{ "-p, --pick", "print a port that is free now on host (default 127.0.0.1)" },
	{ "-q", "print nothing; the exit status tells" },
	{ "-V, --version", "print the version and exit" },
	{ "-w seconds", "wait at most this long" },
	{ NULL, NULL },
};

static const struct usage usage = {
	"[-hjqV] [-l | -f] [-w seconds] [-i interval] [host:]port ...\n"
	"       portfree -p [-j] [host]",
	opts,
};

static void
parse_duration(const char *arg, const char *what, double *ms)
{
	if (dur_parse_user(arg, 86400.0 * 365 * 1000, ms) != 0) {
		warnf("bad %s '%s': want a duration such as 10, 0.5, 250ms or 1m30s", what, arg);
		exit(EXIT_USAGE);
	}
}

static void
parse_opts(int argc, char *argv[], struct opts *o)
{
	static const struct option longopts[] = {
		{ "pick", no_argument, NULL, 'p' },
		USAGE_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	int c, interval_set = 0, wait_set = 0;

	while ((c = getopt_long(argc, argv, "fhi:jlpqVw:", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
		case 'l':
			if (o->wait != 0 && o->wait != c) {
				warnf("-l and -f exclude each other");
				usage_error(&usage);
			}
			o->wait = c;
			break;
		case 'h':
			usage_help(&usage);
		case 'i':
			parse_duration(optarg, "interval", &o->interval_ms);
			if (o->interval_ms < 1) {
				warnf("bad interval '%s': at least 1ms", optarg);
				exit(EXIT_USAGE);
			}
			interval_set = 1;
			break;
		case 'j': o->json = 1; break;
		case 'p': o->pick = 1; break;
		case 'q': o->quiet = 1; break;
		case 'V':
			usage_version();
		case 'w':
			parse_duration(optarg, "wait", &o->wait_ms);
			wait_set = 1;
			break;
		default:
			usage_error(&usage);
		}
	}
	if ((wait_set || interval_set) && !o->wait) {
		warnf("-w and -i go with -l or -f");
		usage_error(&usage);
	}
	if (o->pick && (o->wait || o->quiet || argc - optind > 1))
		usage_error(&usage);
	if (!o->pick && optind == argc)
		usage_error(&usage);
}

/*
 * sock_diag, falling back to /proc/net/tcp, or bind probes where there is
 * no /proc/net/tcp; PORTFREE_SOURCE forces one (for tests).
 */
static void
choose_source(struct opts *o)
{
	const char *e = getenv(SOURCE_ENV);
	size_t i;

	if (e != NULL && *e != '\0') {
		for (i = 0; i < sizeof source_name / sizeof source_name[0]; i++) {
			if (strcmp(e, source_name[i]) == 0) {
				o->source = (enum source)i;
				o->source_forced = 1;
				return;
			}
		}
		die(EXIT_USAGE, "bad %s '%s': want netlink, proc or probe", SOURCE_ENV, e);
	}
#ifdef __linux__
	o->source = SRC_NETLINK;
#else
	o->source = access("/proc/net/tcp", F_OK) == 0 ? SRC_PROC : SRC_PROBE;
#endif
}

/* --pick's host: 127.0.0.1, a name, an address, [::1]. */
static void
pick_target(const char *arg, struct target *t)
{
	size_t len = strlen(arg);

	t->arg = arg;
	if (arg[0] == '[' && len > 2 && arg[len - 1] == ']')
		t->host = strndup(arg + 1, len - 2);
	else
		t->host = strdup(arg);
	if (t->host == NULL)
		die(EXIT_ERROR, "out of memory");
}

int
main(int argc, char *argv[])
{
	struct opts o = { .wait_ms = -1, .interval_ms = 100 };
	struct target *t;
	int i, nt, status;

	setprogname(argv[0]);
	parse_opts(argc, argv, &o);
	choose_source(&o);
	o.v6only = read_v6only();
	nt = o.pick ? 1 : argc - optind;
	if ((t = calloc((size_t)nt, sizeof *t)) == NULL)
		die(EXIT_ERROR, "out of memory");
	if (o.pick)
		pick_target(optind < argc ? argv[optind] : "127.0.0.1", t);
	for (i = 0; i < nt && !o.pick; i++)
		parse_target(argv[optind + i], &t[i]);
	/* Every usage error (exit 2) before any lookup (exit 3). */
	for (i = 0; i < nt; i++)
		if (t[i].host != NULL)
			resolve(&t[i], t[i].host);
	status = o.pick ? pick(t, &o) : run_check(t, (size_t)nt, &o);
	for (i = 0; i < nt; i++) {
		free(t[i].host);
		free(t[i].addrs);
	}
	free(t);
	return finish_stdout(status);
}
