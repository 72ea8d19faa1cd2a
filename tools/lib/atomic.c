/* smokekit: atomic file output. */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomic.h"

/*
 * Temporaries not yet committed, so that a signal handler can unlink them
 * (unlink is async-signal-safe). A program has a handful at most.
 */
#define MAX_PENDING 16
static char *volatile pending[MAX_PENDING];

static void
on_signal(int sig)
{
	int i;

	for (i = 0; i < MAX_PENDING; i++)
		if (pending[i] != NULL)
			unlink(pending[i]);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
track(char *tmp)
{
	static int installed;
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa, old;
	size_t i;

	if (!installed) {
		installed = 1;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_signal;
		sigemptyset(&sa.sa_mask);
		for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
			/* Leave a signal alone if the caller chose to ignore it. */
			if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_DFL)
				sigaction(sigs[i], &sa, NULL);
		}
	}
	for (i = 0; i < MAX_PENDING; i++)
		if (pending[i] == NULL) {
			pending[i] = tmp;
			return;
		}
}

static void
untrack(const char *tmp)
{
	int i;

	for (i = 0; i < MAX_PENDING; i++)
		if (pending[i] == tmp)
			pending[i] = NULL;
}

/* 1 when path is a regular file or does not exist (yet). */
static int
regular_or_absent(const char *path)
{
	struct stat st;

	return stat(path, &st) != 0 || S_ISREG(st.st_mode);
}

int
atomic_open(struct atomic_file *af, const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t dirlen = slash != NULL ? (size_t)(slash - path) + 1 : 0;
	int fd;

	memset(af, 0, sizeof *af);
	if (strcmp(path, "-") == 0) {
		af->fp = stdout;
		return 0;
	}
	if (!regular_or_absent(path)) {
		/*
		 * A device or FIFO (/dev/null, a named pipe) is written in
		 * place: renaming a regular file over it would replace it.
		 */
		if ((af->fp = fopen(path, "w")) == NULL)
			return -1;
		af->direct = 1;
		return 0;
	}
	if ((af->path = strdup(path)) == NULL ||
	    (af->tmp = malloc(strlen(path) + sizeof ".tmp.XXXXXX" + 1)) == NULL)
		goto fail;
	/* "dir/.name.tmp.XXXXXX": hidden, same directory, so rename is atomic. */
	memcpy(af->tmp, path, dirlen);
	sprintf(af->tmp + dirlen, ".%s.tmp.XXXXXX", path + dirlen);
	if ((fd = mkstemp(af->tmp)) < 0)
		goto fail;
	track(af->tmp);
	/* mkstemp makes 0600; an artifact should get the usual umask mode. */
	{
		mode_t mask = umask(0);
		umask(mask);
		fchmod(fd, 0666 & ~mask);
	}
	if ((af->fp = fdopen(fd, "w")) == NULL) {
		int saved = errno;
		close(fd);
		unlink(af->tmp);
		untrack(af->tmp);
		errno = saved;
		goto fail;
	}
	return 0;
fail:
	{
		int saved = errno;
		free(af->path);
		free(af->tmp);
		memset(af, 0, sizeof *af);
		errno = saved;
	}
	return -1;
}

static void
release(struct atomic_file *af)
{
	untrack(af->tmp);
	free(af->path);
	free(af->tmp);
	memset(af, 0, sizeof *af);
}

int
atomic_commit(struct atomic_file *af)
{
	int saved;

	if (af->tmp == NULL) {
		int bad = fflush(af->fp) == EOF || ferror(af->fp);
		if (af->direct && fclose(af->fp) == EOF)
			bad = 1;
		memset(af, 0, sizeof *af);
		return bad ? -1 : 0;
	}
	if (fflush(af->fp) == EOF || ferror(af->fp) || fsync(fileno(af->fp)) != 0)
		goto fail;
	if (fclose(af->fp) == EOF) {
		af->fp = NULL;
		goto fail;
	}
	af->fp = NULL;
	if (rename(af->tmp, af->path) != 0)
		goto fail;
	release(af);
	return 0;
fail:
	saved = errno;
	if (af->fp != NULL)
		fclose(af->fp);
	unlink(af->tmp);
	release(af);
	errno = saved;
	return -1;
}

void
atomic_abort(struct atomic_file *af)
{
	if (af->tmp == NULL) {
		if (af->direct)
			fclose(af->fp);
		memset(af, 0, sizeof *af);
		return;
	}
	if (af->fp != NULL)
		fclose(af->fp);
	unlink(af->tmp);
	release(af);
}

int
atomic_write(const char *path, const void *buf, size_t len)
{
	struct atomic_file af;

	if (atomic_open(&af, path) != 0)
		return -1;
	if (len > 0 && fwrite(buf, 1, len, af.fp) != len) {
		int saved = errno;
		atomic_abort(&af);
		errno = saved;
		return -1;
	}
	return atomic_commit(&af);
}
