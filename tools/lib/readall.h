/* Reading a file descriptor to the end, through short reads and EINTR. */
#ifndef SMOKEKIT_READALL_H
#define SMOKEKIT_READALL_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Reads until size bytes or end of file. Returns the bytes read (short
 * only at end of file), or -1 with errno set.
 */
ssize_t read_full(int fd, void *buf, size_t size);

/*
 * Reads the rest of fd onto the end of *buf, which holds *len bytes (NULL
 * and 0 to read a whole file), growing it through xalloc.h. Returns 0; -1
 * with errno set on a read error; 1 when the whole would pass max bytes
 * (*buf then holds at least max of them).
 */
int read_all(int fd, char **buf, size_t *len, size_t max);

/*
 * read_all of the whole of fd, with a NUL after the *len bytes read, so
 * text parsers may stop at it; free the result. NULL with errno set on a
 * read error; out of memory is fatal (xalloc.h).
 */
char *read_whole(int fd, size_t *len);

#endif
