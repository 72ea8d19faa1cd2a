/* See usage.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "die.h"
#include "usage.h"

static void
put_synopsis(FILE *fp, const struct usage *u)
{
	fprintf(fp, "usage: %s %s\n", progname, u->synopsis);
}

noreturn void
usage_error(const struct usage *u)
{
	put_synopsis(stderr, u);
	exit(EXIT_USAGE);
}

noreturn void
usage_help(const struct usage *u)
{
	const struct usage_opt *o;
	int width = 0, n;

	for (o = u->opts; o->flag != NULL; o++) {
		n = (int)strlen(o->flag);
		if (n > width)
			width = n;
	}
	put_synopsis(stdout, u);
	for (o = u->opts; o->flag != NULL; o++)
		printf("  %-*s  %s\n", width, o->flag, o->text);
	exit(finish_stdout(EXIT_HOLDS));
}

noreturn void
usage_version(void)
{
	printf("%s smokekit %s\n", progname, SMOKEKIT_VERSION);
	exit(finish_stdout(EXIT_HOLDS));
}
