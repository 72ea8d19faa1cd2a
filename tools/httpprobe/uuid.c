/* smokekit: UUIDv4 from the kernel's random source. */
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/random.h>
#endif

#include "readall.h"
#include "uuid.h"

/* n random bytes from the kernel; 0, or -1 with errno set. */
static int
kernel_random(unsigned char *buf, size_t n)
{
	ssize_t got;
	int fd, saved;

#if defined(__linux__)
	size_t have = 0;

	while (have < n) {
		got = getrandom(buf + have, n - have, 0);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			break;
		have += (size_t)got;
	}
	if (have == n)
		return 0;
	if (errno != ENOSYS)
		return -1;
#endif
	if ((fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	got = read_full(fd, buf, n);
	saved = errno;
	close(fd);
	if (got >= 0 && (size_t)got != n)
		saved = EIO;
	errno = saved;
	return got >= 0 && (size_t)got == n ? 0 : -1;
}

void
uuid_v4_format(const unsigned char rnd[16], char out[UUID_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char b;
	int i, o = 0;

	for (i = 0; i < 16; i++) {
		b = rnd[i];
		if (i == 6)
			b = (unsigned char)((b & 0x0f) | 0x40);   /* version 4 */
		else if (i == 8)
			b = (unsigned char)((b & 0x3f) | 0x80);   /* variant 10 */
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hex[b >> 4];
		out[o++] = hex[b & 15];
	}
	out[o] = '\0';
}

int
uuid_v4(char out[UUID_LEN + 1])
{
	unsigned char rnd[16];

	if (kernel_random(rnd, sizeof rnd) != 0)
		return -1;
	uuid_v4_format(rnd, out);
	return 0;
}
