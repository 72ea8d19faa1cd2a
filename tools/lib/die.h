/* Diagnostics and the exit statuses every smokekit program shares. */
#ifndef SMOKEKIT_DIE_H
#define SMOKEKIT_DIE_H

#include <stdnoreturn.h>

enum {
	EXIT_HOLDS = 0,   /* the check holds, success */
	EXIT_FAILS = 1,   /* the check ran and does not hold */
	EXIT_USAGE = 2,   /* bad command line */
	EXIT_ERROR = 3    /* could not check: bad input, network, system */
};

/* The program name used as the prefix of every diagnostic. */
extern const char *progname;

/* Sets progname from argv[0] (its last path component). */
void setprogname(const char *argv0);

/*
 * Print "progname: message" on stderr. A format ending in ':' gets
 * " strerror(errno)" appended, so warnf("open %s:", path) prints
 * "prog: open x: No such file or directory".
 */
void warnf(const char *fmt, ...);

/* warnf, then exit with status. */
noreturn void die(int status, const char *fmt, ...);

/* Flush stdout and turn a write error (disk full, closed pipe) into exit 3. */
int finish_stdout(int status);

#endif
