/* Unit tests: tools/lib/atomic.c */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomic.h"
#include "tap.h"

static char dir[] = "/tmp/smokekit-atomic.XXXXXX";

static const char *
slurp(const char *path)
{
	static char buf[256];
	FILE *fp = fopen(path, "r");
	size_t n;

	if (fp == NULL)
		return NULL;
	n = fread(buf, 1, sizeof buf - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

static int
entries(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

int
main(void)
{
	struct atomic_file af;
	char path[256];
	struct stat st;

	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(path, sizeof path, "%s/out.json", dir);

	ok(atomic_write(path, "first\n", 6) == 0, "atomic_write creates the file");
	is_str(slurp(path), "first\n", "with its content");
	ok(stat(path, &st) == 0 && (st.st_mode & 0777) != 0600 && (st.st_mode & 0600) == 0600,
	    "mode follows the umask, not mkstemp's 0600");

	ok(atomic_open(&af, path) == 0, "atomic_open beside an existing file");
	fputs("half", af.fp);
	fflush(af.fp);
	is_str(slurp(path), "first\n", "the target is untouched while writing");
	is_int(entries(), 2, "the temporary sits in the same directory");
	atomic_abort(&af);
	is_str(slurp(path), "first\n", "abort keeps the earlier content");
	is_int(entries(), 1, "abort removes the temporary");

	ok(atomic_open(&af, path) == 0, "atomic_open again");
	fputs("second\n", af.fp);
	ok(atomic_commit(&af) == 0, "commit");
	is_str(slurp(path), "second\n", "commit replaces the content");
	is_int(entries(), 1, "and leaves no temporary");

	snprintf(path, sizeof path, "%s/no/such/dir/x", dir);
	errno = 0;
	ok(atomic_write(path, "x", 1) == -1 && errno == ENOENT,
	    "a missing directory is an error with errno");

	snprintf(path, sizeof path, "out.txt");
	ok(chdir(dir) == 0 && atomic_write(path, "rel\n", 4) == 0, "a relative path works");
	is_str(slurp("out.txt"), "rel\n", "and is written in the current directory");

	ok(atomic_open(&af, "/dev/null") == 0 && af.tmp == NULL, "/dev/null is written in place");
	fputs("discarded\n", af.fp);
	ok(atomic_commit(&af) == 0, "and committed");
	ok(stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode), "/dev/null is still a device");

	unlink("out.txt");
	snprintf(path, sizeof path, "%s/out.json", dir);
	unlink(path);
	rmdir(dir);
	return tap_done();
}
