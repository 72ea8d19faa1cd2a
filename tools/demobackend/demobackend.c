/*
 * demobackend: the HTTP/1.1 server `make demo` runs, and the one the
 * smokekit tests and the load mode run against: fixture endpoints,
 * injected faults, signed requests and a stage mode. Built from tools/
 * with the programs, never installed.
 *
 * usage: demobackend [-hVv] [-b addr] [-C] [-c ms] [-e n] [-G] [-H file]
 *                    [-j ms] [-L n] [-l ms] [-M code] [-m file] [-N n]
 *                    [-P portfile] [-p port] [-q n] [-R name]
 *                    [-S secretfile] [-s code] [-t ms]
 *
 *   -b addr   bind address (default 127.0.0.1; ::1 for IPv6)
 *   -e n      every nth request to /v1/models answers 500
 *             {"error": "injected failure (-e)"}
 *   -H file   the body of /healthz instead of {"ok": true}
 *   -h        print the usage line and the options on stdout, exit 0
 *   -j ms     random jitter 0..ms on top of -l (fixed seed: repeatable)
 *   -l ms     added latency for /healthz and /v1/models
 *   -M code   the status of /v1/models (default 200)
 *   -m file   the body of /v1/models instead of the built-in list
 *   -P file   once listening, write the port (digits, newline) to file,
 *             atomically; the port is also printed as "port=N" on stdout
 *   -p port   port (default 0: the kernel picks one)
 *   -R name   the X-Replica header of /ask (default fixture)
 *   stage mode (/ask with a JSON body, /metrics):
 *   -C        plan cache off: every /ask computes its plan (a miss)
 *   -c ms     the time one plan takes to compute (default 200)
 *   -G        /ask hangs: answered only after 600 s
 *   -L n      at most n long questions in the "LLM" at once (default 2;
 *             0: no limit, none is ever refused)
 *   -N n      answer as n replicas: every answer carries X-Replica:
 *             NAME-K, K = 1..n round-robin (NAME from -R)
 *   -q n      a question longer than n bytes is long (default 500)
 *   -t ms     the time the "LLM" takes for a long question (default 1000)
 *   -S file   verify signed requests (httpprobe --hmac) with the secret in
 *             file (one trailing newline is not part of it): verify.h
 *   -s code   the status of /healthz (default 200)
 *   -V        print the version and exit 0
 *   -v        log each request line on stderr
 *
 * It runs until SIGTERM or SIGINT, then exits 0.
 *
 * The files, one job each: server.c the loop and a connection's life,
 * request.c reading a request, reply.c the answers' heads and bodies,
 * conn.c the bodies sent over time, routes.c the endpoints by path,
 * faults.c the misbehaving ones, keys.c the per-key counts, stage.c the
 * stage mode, verify.c signed requests (-S); buf.c, hash.c and now.c
 * their buffer, hash and clock.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "atomic.h"
#include "die.h"
#include "num.h"
#include "readall.h"
#include "reply.h"
#include "request.h"
#include "routes.h"
#include "server.h"
#include "stage.h"
#include "usage.h"
#include "verify.h"

static struct {
	const char *addr, *port, *portfile, *replica;
	long long replicas;
	int verbose;
} opt = { "127.0.0.1", "0", NULL, "fixture", 0, 0 };
static struct routes_cfg fixture = { .health_status = 200, .models_status = 200 };
static struct stage_cfg stage = {
	.compute_ms = 200, .llm_ms = 1000, .llm_limit = 2, .long_bytes = 500
};

/* A body file (-H, -m), up to BODY_MAX bytes. */
static char *
slurp(const char *path, size_t *len)
{
	char *body = NULL;
	int fd, r;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		die(EXIT_ERROR, "open %s:", path);
	*len = 0;
	if ((r = read_all(fd, &body, len, BODY_MAX)) < 0)
		die(EXIT_ERROR, "read %s:", path);
	if (r > 0)
		die(EXIT_ERROR, "%s: larger than %d bytes", path, BODY_MAX);
	close(fd);
	return body;
}

/* The port on stdout as port=N, and in the -P file. */
static void
announce(int port)
{
	char line[16];
	int n = snprintf(line, sizeof line, "%d\n", port);

	if (opt.portfile != NULL && atomic_write(opt.portfile, line, (size_t)n) != 0)
		die(EXIT_ERROR, "write %s:", opt.portfile);
	printf("port=%d\n", port);
	if (fflush(stdout) == EOF)
		die(EXIT_ERROR, "write error on standard output:");
}

static long long
opt_num(int ch, const char *arg, long long min, long long max, const char *what)
{
	long long v;

	if (parse_ll(arg, min, max, &v) != 0)
		die(EXIT_USAGE, "bad -%c '%s': not %s (%lld..%lld)", ch, arg, what,
		    min, max);
	return v;
}

static const struct usage_opt usage_opts[] = {
	{ "-b addr", "bind address (default 127.0.0.1; ::1 for IPv6)" },
	{ "-C", "stage mode: plan cache off, every /ask a miss" },
	{ "-c ms", "stage mode: the time a plan takes to compute (default 200)" },
	{ "-e n", "every nth request to /v1/models answers 500" },
	{ "-G", "stage mode: /ask hangs (answers after 600 s)" },
	{ "-H file", "the body of /healthz instead of {\"ok\": true}" },
	{ "-h", "print this help and exit 0" },
	{ "-j ms", "random jitter 0..ms on top of -l (fixed seed: repeatable)" },
	{ "-L n", "stage mode: long questions in the LLM at once (default 2; 0: no limit)" },
	{ "-l ms", "added latency for /healthz and /v1/models" },
	{ "-M code", "the status of /v1/models (default 200)" },
	{ "-m file", "the body of /v1/models instead of the built-in list" },
	{ "-N n", "stage mode: answer as n replicas, X-Replica: NAME-K round-robin" },
	{ "-P portfile", "once listening, write the port to portfile (atomically)" },
	{ "-p port", "port (default 0: the kernel picks one)" },
	{ "-q n", "stage mode: a question longer than n bytes is long (default 500)" },
	{ "-R name", "the X-Replica header of /ask, NAME of -N (default fixture)" },
	{ "-S secretfile", "every request must be signed (httpprobe --hmac): X-Api-Key, "
	  "X-Timestamp (epoch ms, within 5 minutes), X-Nonce, X-Signature = "
	  "base64(HMAC-SHA256(secret, METHOD|PATH|BODY|TS|NONCE)); "
	  "401 when it is not, 409 for a nonce seen before" },
	{ "-s code", "the status of /healthz (default 200)" },
	{ "-t ms", "stage mode: the LLM's time for a long question (default 1000)" },
	{ "-V", "print the version and exit 0" },
	{ "-v", "log each request line on stderr" },
	{ NULL, NULL },
};
static const struct usage usage_desc = {
	"[-hVv] [-b addr] [-C] [-c ms] [-e n] [-G] [-H file] [-j ms] [-L n] "
	"[-l ms] [-M code] [-m file] [-N n] [-P portfile] [-p port] [-q n] "
	"[-R name] [-S secretfile] [-s code] [-t ms]",
	usage_opts,
};

static void
options(int argc, char *argv[])
{
	static const struct option longopts[] = {
		USAGE_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	static char port[8];
	int ch;

	while ((ch = getopt_long(argc, argv, "b:Cc:e:GH:hj:L:l:M:m:N:P:p:q:R:S:s:t:Vv",
	    longopts, NULL)) != -1) {
		switch (ch) {
		case 'b': opt.addr = optarg; break;
		case 'C': stage.cache_off = 1; break;
		case 'c': stage.compute_ms = opt_num(ch, optarg, 0, DELAY_MAX, "milliseconds"); break;
		case 'G': stage.hang = 1; break;
		case 'L': stage.llm_limit = opt_num(ch, optarg, 0, LLM_MAX, "a count"); break;
		case 'N': opt.replicas = opt_num(ch, optarg, 1, 1000, "a count"); break;
		case 'q': stage.long_bytes = opt_num(ch, optarg, 0, BODY_MAX, "a size in bytes"); break;
		case 't': stage.llm_ms = opt_num(ch, optarg, 0, DELAY_MAX, "milliseconds"); break;
		case 'e': fixture.every = opt_num(ch, optarg, 1, 1000000000, "a count"); break;
		case 'H': fixture.health_body = slurp(optarg, &fixture.health_len); break;
		case 'h': usage_help(&usage_desc);
		case 'j': fixture.jitter = opt_num(ch, optarg, 0, DELAY_MAX, "milliseconds"); break;
		case 'l': fixture.latency = opt_num(ch, optarg, 0, DELAY_MAX, "milliseconds"); break;
		case 'M': fixture.models_status = opt_num(ch, optarg, 200, 599, "a status"); break;
		case 'm': fixture.models_body = slurp(optarg, &fixture.models_len); break;
		case 'P': opt.portfile = optarg; break;
		case 'R': opt.replica = optarg; break;
		case 'p':
			snprintf(port, sizeof port, "%lld",
			    opt_num(ch, optarg, 0, 65535, "a port"));
			opt.port = port;
			break;
		case 'S': verify_setup(optarg); break;
		case 's': fixture.health_status = opt_num(ch, optarg, 200, 599, "a status"); break;
		case 'V': usage_version();
		case 'v': opt.verbose = 1; break;
		default: usage_error(&usage_desc);
		}
	}
	if (optind != argc)
		usage_error(&usage_desc);
}

int
main(int argc, char *argv[])
{
	setprogname(argv[0]);
	options(argc, argv);
	routes_setup(&fixture);
	stage_setup(&stage);
	reply_setup(opt.replica, opt.replicas);
	announce(server_start(opt.addr, opt.port));
	server_run(opt.verbose);
	free(fixture.health_body);
	free(fixture.models_body);
	return finish_stdout(EXIT_HOLDS);
}
