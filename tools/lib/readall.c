/* smokekit: reading to the end. */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "readall.h"
#include "xalloc.h"

ssize_t
read_full(int fd, void *buf, size_t size)
{
	char *p = buf;
	size_t got = 0;
	ssize_t n;

	while (got < size) {
		n = read(fd, p + got, size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

char *
read_all(int fd, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = NULL;
	ssize_t r;
	int saved;

	/* One byte is always left for the NUL: a short read means the end. */
	for (;;) {
		buf = xrealloc(buf, cap);
		if ((r = read_full(fd, buf + n, cap - 1 - n)) < 0) {
			saved = errno;
			free(buf);
			errno = saved;
			return NULL;
		}
		n += (size_t)r;
		if (n < cap - 1)
			break;
		if (cap > (size_t)-1 / 2) {
			free(buf);
			errno = EFBIG;
			return NULL;
		}
		cap *= 2;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}
