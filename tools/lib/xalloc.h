/*
 * Allocation that cannot fail: out of memory is "could not check" (exit 3)
 * with one clear line, never a NULL dereference further on.
 */
#ifndef SMOKEKIT_XALLOC_H
#define SMOKEKIT_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xrealloc(void *p, size_t size);
/* nmemb * size, checked for overflow; p may be NULL. */
void *xreallocarray(void *p, size_t nmemb, size_t size);
char *xstrdup(const char *s);
/* The first n bytes of s (all readable), NUL-terminated. */
char *xstrndup(const char *s, size_t n);

#endif
