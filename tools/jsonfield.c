/* jsonfield: placeholder until its issue lands. */
#include <stdio.h>

#include "die.h"

int
main(int argc, char *argv[])
{
	(void)argc;
	setprogname(argv[0]);
	die(EXIT_ERROR, "not implemented yet");
}
