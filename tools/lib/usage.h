/*
 * The program skeleton every smokekit program shares: a program describes
 * its command line once (a struct usage), and the usage error, -h/--help and
 * -V/--version all come from that one description, shaped the same way in
 * every program and matching the man page's SYNOPSIS.
 */
#ifndef SMOKEKIT_USAGE_H
#define SMOKEKIT_USAGE_H

#include <getopt.h>
#include <stdnoreturn.h>

/* One option of the help text: "-c conns" and what it does. */
struct usage_opt {
	const char *flag;
	const char *text;
};

struct usage {
	const char *synopsis;            /* after "usage: NAME ", as SYNOPSIS */
	const struct usage_opt *opts;    /* ends with { NULL, NULL } */
};

/*
 * The long options every program has; put USAGE_LONGOPTS in a program's
 * struct option array (before its terminator) and handle 'h' and 'V'.
 */
#define USAGE_LONGOPTS \
	{ "help", no_argument, NULL, 'h' }, \
	{ "version", no_argument, NULL, 'V' }

/* "usage: NAME SYNOPSIS" on stderr; exit 2. */
noreturn void usage_error(const struct usage *u);

/* The usage line and one line per option on stdout; exit 0 (3 on a write error). */
noreturn void usage_help(const struct usage *u);

/* "NAME smokekit VERSION" on stdout; exit 0 (3 on a write error). */
noreturn void usage_version(void);

#endif
