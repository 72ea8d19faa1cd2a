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

int
read_all(int fd, char **buf, size_t *len, size_t max)
{
	size_t cap = *len + 65536;
	ssize_t got;

	for (;;) {
		if (cap > max)
			cap = max + 1;
		*buf = xrealloc(*buf, cap);
		if ((got = read_full(fd, *buf + *len, cap - *len)) < 0)
			return -1;
		*len += (size_t)got;
		if (*len < cap)
			return 0;
		if (*len > max)
			return 1;
		cap *= 2;
	}
}

char *
read_whole(int fd, size_t *len)
{
	char *buf = NULL;
	size_t n = 0;
	int saved;

	if (read_all(fd, &buf, &n, (size_t)-1 / 2) != 0) {
		saved = errno;
		free(buf);
		errno = saved == 0 ? EFBIG : saved;
		return NULL;
	}
	buf = xrealloc(buf, n + 1);
	buf[n] = '\0';
	*len = n;
	return buf;
}
