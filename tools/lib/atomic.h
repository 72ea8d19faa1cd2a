/*
 * Atomic file output: write to a temporary file in the target's directory,
 * fsync, rename over the target. A reader sees the old file or the whole
 * new one, never half of it; a failed or interrupted write leaves the old
 * file untouched. SIGINT, SIGTERM and SIGHUP remove pending temporaries.
 */
#ifndef SMOKEKIT_ATOMIC_H
#define SMOKEKIT_ATOMIC_H

#include <stddef.h>
#include <stdio.h>

struct atomic_file {
	FILE *fp;        /* write here */
	char *path;      /* the target */
	char *tmp;       /* the temporary beside it; NULL when written in place */
	int direct;      /* a device or FIFO, opened and written in place */
};

/*
 * Opens a temporary beside path. "-" means stdout; a path that exists and
 * is not a regular file (/dev/null, a FIFO) is written in place.
 * Returns 0, or -1 with errno set.
 */
int atomic_open(struct atomic_file *af, const char *path);

/*
 * Flushes, fsyncs and renames the temporary over the target.
 * Returns 0, or -1 with errno set (the temporary is then removed).
 */
int atomic_commit(struct atomic_file *af);

/* Discards the temporary; the target keeps its earlier content. */
void atomic_abort(struct atomic_file *af);

/* The whole of buf as path, atomically. Returns 0 or -1 with errno set. */
int atomic_write(const char *path, const void *buf, size_t len);

#endif
