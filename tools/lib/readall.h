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
 * The whole of fd, up to end of file, in a buffer from xmalloc (free it)
 * with a NUL after the *len bytes read, so text parsers may stop at it.
 * NULL with errno set on a read error; out of memory is fatal (xalloc.h).
 */
char *read_all(int fd, size_t *len);

#endif
