/* smokekit: reading to the end. */
#include <errno.h>
#include <unistd.h>

#include "readall.h"

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
