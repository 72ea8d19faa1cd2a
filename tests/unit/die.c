/* Unit tests: tools/lib/die.c */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "die.h"
#include "tap.h"

/* Runs warnf with stderr redirected to a file and returns what it printed. */
static const char *
captured_warning(const char *fmt, const char *arg, int err)
{
	static char buf[256];
	FILE *tmp = tmpfile();
	int saved = dup(2);
	size_t n;

	fflush(stderr);
	dup2(fileno(tmp), 2);
	errno = err;
	warnf(fmt, arg);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(tmp);
	n = fread(buf, 1, sizeof buf - 1, tmp);
	buf[n] = '\0';
	fclose(tmp);
	return buf;
}

int
main(void)
{
	setprogname("/usr/local/bin/jsonfield");
	is_str(progname, "jsonfield", "setprogname keeps the last path component");
	is_str(captured_warning("open %s:", "x.json", ENOENT),
	    "jsonfield: open x.json: No such file or directory\n",
	    "a format ending in ':' appends the errno text");
	is_str(captured_warning("bad path '%s'", ".a[", ENOENT),
	    "jsonfield: bad path '.a['\n", "any other format does not");
	setprogname("");
	is_str(progname, "jsonfield", "an empty argv[0] keeps the old name");
	return tap_done();
}
