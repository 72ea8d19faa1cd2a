/* smokekit: allocation that cannot fail. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "die.h"
#include "xalloc.h"

static void *
checked(void *p)
{
	if (p == NULL)
		die(EXIT_ERROR, "out of memory");
	return p;
}

void *
xmalloc(size_t size)
{
	return checked(malloc(size > 0 ? size : 1));
}

void *
xrealloc(void *p, size_t size)
{
	return checked(realloc(p, size > 0 ? size : 1));
}

void *
xreallocarray(void *p, size_t nmemb, size_t size)
{
	if (size != 0 && nmemb > SIZE_MAX / size)
		die(EXIT_ERROR, "out of memory");
	return checked(realloc(p, nmemb * size > 0 ? nmemb * size : 1));
}

char *
xstrdup(const char *s)
{
	return checked(strdup(s));
}

char *
xstrndup(const char *s, size_t n)
{
	char *d = xmalloc(n + 1);

	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}
