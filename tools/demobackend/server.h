/*
 * demobackend: the server (server.c). It answers until SIGTERM or SIGINT.
 * Keep-alive and pipelining as request.h says; answers are written as the
 * socket drains, held answers and slow bodies wait on timers, and a
 * connection closes by FIN and a short drain, or by a TCP reset when a
 * fault asks for one.
 */
#ifndef DEMOBACKEND_SERVER_H
#define DEMOBACKEND_SERVER_H

/*
 * Listens on addr and port ("0": the kernel picks one), ready for SIGTERM
 * and SIGINT; returns the port. Dies (exit 3) with the reason.
 */
int server_start(const char *addr, const char *port);

/* Serves until SIGTERM or SIGINT, logging each request line when log_requests. */
void server_run(int log_requests);

#endif
