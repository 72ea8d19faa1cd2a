/* aclcheck: can a user read, write or execute a path, decided from metadata alone. */
#define _GNU_SOURCE /* statx(2): the immutable attribute without opening the file */

#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/xattr.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "die.h"
#include "jsonout.h"
#include "num.h"
#include "usage.h"
#include "xalloc.h"

#define MAXLINKS 40	/* the kernel's MAXSYMLINKS */

enum { P_X = 1, P_W = 2, P_R = 4 };

/* Entry tags of the system.posix_acl_* xattrs (linux/posix_acl_xattr.h). */
enum {
	TAG_USER_OBJ = 0x01, TAG_USER = 0x02, TAG_GROUP_OBJ = 0x04,
	TAG_GROUP = 0x08, TAG_MASK = 0x10, TAG_OTHER = 0x20
};

struct ace {
	unsigned tag, perm;
	uint32_t id;
};

struct acl {
	struct ace *e;
	size_t n;		/* 0: no ACL, the mode bits decide */
};

struct who {
	uid_t uid;
	char *name;		/* from passwd, or NULL */
	gid_t *groups;		/* primary and supplementary */
	size_t ngroups;
	char label[96];		/* "uid 1000 (app)" */
};

enum kind { K_DIR, K_LINK, K_TARGET };

/* One step of the walk: a directory searched, a link followed, the target. */
struct node {
	enum kind kind;
	char *path;		/* absolute, without symbolic links */
	char *link;		/* K_LINK: what the link says */
	struct stat st;
	struct acl acl, dacl;	/* access ACL; default ACL of a directory */
	unsigned want;
	int allowed;
	unsigned missing;	/* refused bits, for the message */
	int fixable;		/* 0: read-only or immutable, no permission helps */
	char why[512];		/* the entry or rule that decided */
};

struct check {
	const char *arg;
	struct node *nodes;
	size_t n, cap;
	int denied;
	char *errpath;		/* set when the walk failed: what failed */
	int err;
	int err_at_arg;		/* errpath is what arg names, no link taken */
};

static int jflag, vflag;



/* a/b joined with one slash; a "" is the root directory. */
static char *
join(const char *a, const char *b, size_t blen)
{
	size_t alen = strlen(a);
	char *s = xmalloc(alen + blen + 2);

	memcpy(s, a, alen);
	s[alen] = '/';
	memcpy(s + alen + 1, b, blen);
	s[alen + blen + 1] = '\0';
	return s;
}

static const char *
rwx(unsigned p, char buf[4])
{
	buf[0] = p & P_R ? 'r' : '-';
	buf[1] = p & P_W ? 'w' : '-';
	buf[2] = p & P_X ? 'x' : '-';
	buf[3] = '\0';
	return buf;
}

/* "rx": the letters setfacl and chmod take. */
static const char *
letters(unsigned p, char buf[4])
{
	char *s = buf;

	if (p & P_R)
		*s++ = 'r';
	if (p & P_W)
		*s++ = 'w';
	if (p & P_X)
		*s++ = 'x';
	*s = '\0';
	return buf;
}

/* "read", "read and write", "read, write and search". */
static const char *
words(unsigned p, int dir, char buf[32])
{
	const char *w[3];
	size_t n = 0, i;

	if (p & P_R)
		w[n++] = "read";
	if (p & P_W)
		w[n++] = "write";
	if (p & P_X)
		w[n++] = dir ? "search" : "execute";
	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		if (i > 0)
			strcat(buf, i + 1 == n ? " and " : ", ");
		strcat(buf, w[i]);
	}
	return buf;
}

/* The passwd or group name of id, or the number when it has none. */
static const char *
id_name(int group, unsigned long id, char *buf, size_t sz)
{
	const char *name = NULL;
	struct passwd *pw;
	struct group *gr;

	if (group && (gr = getgrgid((gid_t)id)) != NULL)
		name = gr->gr_name;
	else if (!group && (pw = getpwuid((uid_t)id)) != NULL)
		name = pw->pw_name;
	if (name != NULL)
		snprintf(buf, sz, "%s", name);
	else
		snprintf(buf, sz, "%lu", id);
	return buf;
}

#define user_name(uid, buf, sz)		id_name(0, (uid), (buf), (sz))
#define group_name(gid, buf, sz)	id_name(1, (gid), (buf), (sz))

/* ls -l's mode column, with '+' for an extended ACL. */
static const char *
mode_str(const struct node *nd, char buf[12])
{
	mode_t m = nd->st.st_mode;
	char t = '?';

	if (S_ISREG(m))
		t = '-';
	else if (S_ISDIR(m))
		t = 'd';
	else if (S_ISLNK(m))
		t = 'l';
	else if (S_ISCHR(m))
		t = 'c';
	else if (S_ISBLK(m))
		t = 'b';
	else if (S_ISFIFO(m))
		t = 'p';
	else if (S_ISSOCK(m))
		t = 's';
	buf[0] = t;
	rwx(m >> 6 & 7, buf + 1);
	rwx(m >> 3 & 7, buf + 4);
	rwx(m & 7, buf + 7);
	if (m & S_ISUID)
		buf[3] = m & S_IXUSR ? 's' : 'S';
	if (m & S_ISGID)
		buf[6] = m & S_IXGRP ? 's' : 'S';
	if (m & S_ISVTX)
		buf[9] = m & S_IXOTH ? 't' : 'T';
	buf[10] = nd->acl.n > 3 ? '+' : '\0';
	buf[11] = '\0';
	return buf;
}

static uint32_t
le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

/*
 * The xattr: version 2 (4 bytes), then entries of 8 bytes {tag, perm, id},
 * little-endian, in the order the kernel keeps (tags ascending). The
 * kernel validates an ACL when it is set; this guards against garbage.
 */
static int
acl_decode(const unsigned char *b, size_t len, struct acl *a)
{
	unsigned seen = 0, tag, last = 0;
	size_t i, n;

	if (len < 4 || (len - 4) % 8 != 0 || le32(b) != 2)
		return -1;
	n = (len - 4) / 8;
	a->e = xmalloc(n * sizeof *a->e);
	for (i = 0; i < n; i++) {
		const unsigned char *p = b + 4 + 8 * i;

		tag = p[0] | (unsigned)p[1] << 8;
		a->e[i].tag = tag;
		a->e[i].perm = p[2] | (unsigned)p[3] << 8;
		a->e[i].id = le32(p + 4);
		if (tag == 0 || (tag & (tag - 1)) != 0 || tag > TAG_OTHER ||
		    tag < last || a->e[i].perm > 7)
			break;
		if (tag == last && tag != TAG_USER && tag != TAG_GROUP)
			break;
		seen |= last = tag;
	}
	a->n = n;
	if (i == n && (seen & (TAG_USER_OBJ | TAG_GROUP_OBJ | TAG_OTHER)) ==
	    (TAG_USER_OBJ | TAG_GROUP_OBJ | TAG_OTHER) &&
	    (!(seen & (TAG_USER | TAG_GROUP)) || (seen & TAG_MASK)))
		return 0;
	free(a->e);
	a->e = NULL;
	a->n = 0;
	return -1;
}

/* Reads one ACL xattr of path: 0 (a->n is 0 when there is none) or -1. */
static int
acl_read(const char *path, const char *name, struct acl *a)
{
	unsigned char *buf;
	ssize_t len, got;
	int tries, r;

	a->e = NULL;
	a->n = 0;
	for (tries = 0; tries < 8; tries++) {
		len = lgetxattr(path, name, NULL, 0);
		if (len < 0)
			break;
		buf = xmalloc((size_t)len);
		got = lgetxattr(path, name, buf, (size_t)len);
		if (got >= 0) {
			r = acl_decode(buf, (size_t)got, a);
			free(buf);
			if (r < 0)
				errno = EINVAL;
			return r;
		}
		free(buf);
		if (errno != ERANGE)	/* ERANGE: it grew in between */
			break;
	}
	return errno == ENODATA || errno == ENOTSUP ? 0 : -1;
}

static int
acl_mask(const struct acl *a)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		if (a->e[i].tag == TAG_MASK)
			return (int)a->e[i].perm;
	return -1;
}

/* "user:app:", "group::", "mask::": an entry as getfacl writes it, less the perms. */
static const char *
ace_prefix(const struct ace *e, char *buf, size_t sz)
{
	char name[64];

	switch (e->tag) {
	case TAG_USER_OBJ:
		return "user::";
	case TAG_USER:
		snprintf(buf, sz, "user:%s:", user_name(e->id, name, sizeof name));
		return buf;
	case TAG_GROUP_OBJ:
		return "group::";
	case TAG_GROUP:
		snprintf(buf, sz, "group:%s:", group_name(e->id, name, sizeof name));
		return buf;
	case TAG_MASK:
		return "mask::";
	default:
		return "other::";
	}
}

static int
in_group(const struct who *w, gid_t gid)
{
	size_t i;

	for (i = 0; i < w->ngroups; i++)
		if (w->groups[i] == gid)
			return 1;
	return 0;
}

/* Decides nd by one entry's perm, limited by mask (-1: not masked). */
static int
settle(struct node *nd, const char *src, const char *entry, unsigned perm,
    int mask, const char *note)
{
	unsigned eff = mask >= 0 ? perm & (unsigned)mask : perm;
	char p[4], e[4];

	nd->allowed = (eff & nd->want) == nd->want;
	nd->missing = nd->want & ~eff;
	if (mask >= 0)
		snprintf(nd->why, sizeof nd->why, "%s %s%s (effective %s)%s",
		    src, entry, rwx(perm, p), rwx(eff, e), note);
	else
		snprintf(nd->why, sizeof nd->why, "%s %s%s%s", src, entry,
		    rwx(perm, p), note);
	return nd->allowed;
}

/* The kernel's posix_acl_permission (fs/posix_acl.c), entry by entry. */
static int
acl_check(const struct who *w, struct node *nd)
{
	const struct acl *a = &nd->acl;
	int mask = acl_mask(a), found = 0;
	unsigned granted = 0;
	char entry[96], matched[256] = "", p[4], l[4];
	size_t i;

	for (i = 0; i < a->n; i++) {
		const struct ace *e = &a->e[i];
		const char *pre = ace_prefix(e, entry, sizeof entry);

		switch (e->tag) {
		case TAG_USER_OBJ:
			if (nd->st.st_uid == w->uid)
				return settle(nd, "ACL", pre, e->perm, -1, "");
			break;
		case TAG_USER:
			if (e->id == w->uid)
				return settle(nd, "ACL", pre, e->perm, mask, "");
			break;
		case TAG_GROUP_OBJ:
		case TAG_GROUP:
			if (!in_group(w, e->tag == TAG_GROUP ? e->id : nd->st.st_gid))
				break;
			/* Any matching group entry that grants all of want, masked. */
			if ((e->perm & nd->want) == nd->want)
				return settle(nd, "ACL", pre, e->perm, mask, "");
			found = 1;
			granted |= mask >= 0 ? e->perm & (unsigned)mask : e->perm;
			snprintf(matched + strlen(matched), sizeof matched - strlen(matched),
			    "%s%s%s", *matched ? ", " : "", pre, rwx(e->perm, p));
			break;
		case TAG_OTHER:
			if (!found)
				return settle(nd, "ACL", pre, e->perm, -1, "");
			nd->allowed = 0;
			nd->missing = nd->want & ~granted ? nd->want & ~granted : nd->want;
			snprintf(nd->why, sizeof nd->why,
			    "ACL %s (no matching group entry grants %s; other:: is not consulted)",
			    matched, letters(nd->want, l));
			return 0;
		}
	}
	return 0;	/* not reached: acl_decode demands an other:: entry */
}

/* The kernel's acl_permission_check (fs/namei.c): owner, ACL, group, other. */
static int
dac_check(const struct who *w, struct node *nd)
{
	mode_t mode = nd->st.st_mode;
	const char *src = nd->acl.n > 0 ? "ACL" : "mode", *note = "";

	if (nd->st.st_uid == w->uid)
		return settle(nd, src, "user::", mode >> 6 & 7, -1, "");
	if (nd->acl.n > 0) {
		if (mode & S_IRWXG)
			return acl_check(w, nd);
		/* With no group-class bits the kernel does not look at the ACL. */
		src = "mode";
		if (acl_mask(&nd->acl) >= 0)
			note = " (mask::--- so the kernel skips the ACL)";
	}
	if (in_group(w, nd->st.st_gid))
		return settle(nd, src, "group::", mode >> 3 & 7, -1, note);
	return settle(nd, src, "other::", mode & 7, -1, note);
}

/*
 * generic_permission's capability override for uid 0: directories always
 * (CAP_DAC_READ_SEARCH for read and search, CAP_DAC_OVERRIDE for write),
 * files for read and write, and for execute only when some x bit is set.
 */
static void
root_override(struct node *nd)
{
	mode_t mode = nd->st.st_mode;
	const char *cap = NULL;
	char why[sizeof nd->why];
	size_t len;

	if (S_ISDIR(mode))
		cap = nd->want & P_W ? "CAP_DAC_OVERRIDE" : "CAP_DAC_READ_SEARCH";
	else if (nd->want == P_R)
		cap = "CAP_DAC_READ_SEARCH";
	else if (!(nd->want & P_X) || (mode & (S_IXUSR | S_IXGRP | S_IXOTH)))
		cap = "CAP_DAC_OVERRIDE";
	if (cap != NULL) {
		memcpy(why, nd->why, sizeof why);
		snprintf(nd->why, sizeof nd->why, "%s of uid 0 (%.400s alone denies)",
		    cap, why);
		nd->allowed = 1;
		nd->missing = 0;
		return;
	}
	len = strlen(nd->why);
	snprintf(nd->why + len, sizeof nd->why - len,
	    "; uid 0 executes only a file with an x bit set");
}

/* Is path immutable (chattr +i)? statx(2) says so without opening it. */
static int
immutable(const char *path)
{
#if defined(STATX_ATTR_IMMUTABLE)
	struct statx sx;

	return statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, STATX_TYPE, &sx) == 0 &&
	    (sx.stx_attributes & STATX_ATTR_IMMUTABLE);
#elif defined(SYS_statx)
	/*
	 * A C library without statx() (musl before 1.2.5): the system call.
	 * struct statx starts {u32 mask, u32 blksize, u64 attributes} and is
	 * 256 bytes; STATX_TYPE is 1, STATX_ATTR_IMMUTABLE 0x10.
	 */
	uint64_t sx[32];

	return syscall(SYS_statx, AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, 1U, sx) == 0 &&
	    (sx[1] & 0x10);
#else
	(void)path;
	return 0;
#endif
}

/* Write refused before any permission is looked at: EROFS, EPERM. */
static int
write_blocked(struct node *nd)
{
	mode_t m = nd->st.st_mode;
	struct statvfs sv;

	if (!(nd->want & P_W) || !(S_ISREG(m) || S_ISDIR(m) || S_ISLNK(m)))
		return 0;
	if (statvfs(nd->path, &sv) == 0 && (sv.f_flag & ST_RDONLY)) {
		snprintf(nd->why, sizeof nd->why, "read-only file system");
		goto blocked;
	}
	if (immutable(nd->path)) {
		snprintf(nd->why, sizeof nd->why, "immutable (chattr +i)");
		goto blocked;
	}
	return 0;
blocked:
	nd->allowed = 0;
	nd->missing = P_W;
	nd->fixable = 0;
	return 1;
}

static void
decide(const struct who *w, struct node *nd)
{
	nd->fixable = 1;
	if (write_blocked(nd))
		return;
	if (!dac_check(w, nd) && w->uid == 0)
		root_override(nd);
}

static struct node *
add_node(struct check *c, enum kind kind, const char *path)
{
	struct node *nd;

	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 16;
		c->nodes = xreallocarray(c->nodes, c->cap, sizeof *c->nodes);
	}
	nd = &c->nodes[c->n++];
	memset(nd, 0, sizeof *nd);
	nd->kind = kind;
	nd->path = xstrdup(*path ? path : "/");
	return nd;
}

/* Looks at path (no symbolic link) and decides want for w. */
static int
inspect(struct check *c, enum kind kind, const char *path, unsigned want,
    const struct who *w)
{
	struct node *nd;
	struct stat st;
	size_t i;

	if (lstat(*path ? path : "/", &st) < 0)
		return -1;
	/* A directory met again (through "..", a link) was decided already. */
	for (i = 0; kind == K_DIR && i < c->n; i++)
		if (c->nodes[i].kind == K_DIR && c->nodes[i].st.st_dev == st.st_dev &&
		    c->nodes[i].st.st_ino == st.st_ino)
			return 0;
	nd = add_node(c, kind, path);
	nd->st = st;
	nd->want = want;
	if (acl_read(nd->path, "system.posix_acl_access", &nd->acl) < 0 ||
	    (S_ISDIR(st.st_mode) &&
	    acl_read(nd->path, "system.posix_acl_default", &nd->dacl) < 0))
		return -1;
	decide(w, nd);
	if (!nd->allowed)
		c->denied = 1;
	return 0;
}

static int
add_link(struct check *c, const char *path, char **target)
{
	struct node *nd;
	struct stat st;
	ssize_t len;
	char *buf;

	if (lstat(path, &st) < 0)
		return -1;
	buf = xmalloc((size_t)st.st_size + 1);
	len = readlink(path, buf, (size_t)st.st_size + 1);
	if (len < 0 || len > st.st_size) {
		if (len >= 0)
			errno = EAGAIN;	/* it changed under us */
		free(buf);
		return -1;
	}
	buf[len] = '\0';
	nd = add_node(c, K_LINK, path);
	nd->st = st;
	nd->link = buf;
	nd->allowed = 1;
	*target = buf;
	return 0;
}

/*
 * The kernel's path walk, done on paths: every lookup of a component needs
 * search permission on the directory it is looked up in; "." and ".." are
 * lookups too; a symbolic link (the last component included, as open(2)
 * and test(1) follow it) restarts from / or from its directory. A relative
 * path is taken from the current directory but walked from /, because the
 * other user has to get there too.
 */
static int
walk(struct check *c, const struct who *w, unsigned want)
{
	char *todo, *cur = xstrdup(""), *next, *target, *p, *q, *cwd, *slash;
	struct stat st;
	size_t len;
	int links = 0;

	if (c->arg[0] == '\0') {
		/* The empty path names nothing: open(2) says ENOENT, not ".". */
		errno = ENOENT;
		c->errpath = xstrdup("");
		c->err_at_arg = 1;
		goto fail;
	}
	/*
	 * The kernel refuses a path of PATH_MAX bytes or more before it looks
	 * at any component, however short the path would be once walked.
	 */
	if (strlen(c->arg) >= PATH_MAX) {
		errno = ENAMETOOLONG;
		c->errpath = xstrdup(c->arg);
		c->err_at_arg = 1;
		goto fail;
	}
	if (c->arg[0] == '/') {
		todo = xstrdup(c->arg);
	} else {
		if ((cwd = getcwd(NULL, 0)) == NULL) {
			c->errpath = xstrdup(".");
			goto fail;
		}
		todo = join(cwd, c->arg, strlen(c->arg));
		free(cwd);
	}
	for (p = todo;;) {
		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		q = p + strcspn(p, "/");
		len = (size_t)(q - p);
		if (inspect(c, K_DIR, cur, P_X, w) < 0) {
			c->errpath = xstrdup(*cur ? cur : "/");
			goto fail_walk;
		}
		if (len == 1 && p[0] == '.') {
			p = q;
			continue;
		}
		if (len == 2 && p[0] == '.' && p[1] == '.') {
			if ((slash = strrchr(cur, '/')) != NULL)
				*slash = '\0';
			p = q;
			continue;
		}
		next = join(cur, p, len);
		if (lstat(next, &st) < 0)
			goto fail_next;
		if (S_ISLNK(st.st_mode)) {
			if (++links > MAXLINKS) {
				errno = ELOOP;
				goto fail_next;
			}
			if (add_link(c, next, &target) < 0)
				goto fail_next;
			free(next);
			/* The link's text replaces it; what followed it stays. */
			len = strlen(target);
			next = xmalloc(len + strlen(q) + 1);
			memcpy(next, target, len);
			strcpy(next + len, q);
			if (target[0] == '/')
				*cur = '\0';
			free(todo);
			todo = p = next;
			continue;
		}
		if (*q == '/' && !S_ISDIR(st.st_mode)) {
			errno = ENOTDIR;
			goto fail_next;
		}
		free(cur);
		cur = next;
		p = q;
	}
	free(todo);
	if (inspect(c, K_TARGET, cur, want, w) < 0) {
		c->errpath = xstrdup(*cur ? cur : "/");
		goto fail;
	}
	free(cur);
	return 0;
fail_next:
	c->errpath = next;
	c->err_at_arg = links == 0 && q[strspn(q, "/")] == '\0';
fail_walk:
	c->err = errno;
	free(todo);
	free(cur);
	return -1;
fail:
	c->err = errno;
	free(cur);
	return -1;
}

static void
add_group(struct who *w, gid_t gid)
{
	if (in_group(w, gid))
		return;
	w->groups = xreallocarray(w->groups, w->ngroups + 1, sizeof *w->groups);
	w->groups[w->ngroups++] = gid;
}

/* The passwd entry's primary group and every group listing the user. */
static void
add_passwd_groups(struct who *w, const struct passwd *pw)
{
	int cap = 32, n, i;
	gid_t *g = NULL;

	for (;;) {
		free(g);
		g = xmalloc((size_t)cap * sizeof *g);
		n = cap;
		if (getgrouplist(pw->pw_name, pw->pw_gid, g, &n) >= 0)
			break;
		/* n now says how many there are (glibc, musl); grow to fit. */
		if (cap >= 1 << 20)
			die(EXIT_ERROR, "getgrouplist %s: too many groups", pw->pw_name);
		cap = n > cap ? n : 2 * cap;
	}
	add_group(w, pw->pw_gid);
	for (i = 0; i < n; i++)
		add_group(w, g[i]);
	free(g);
}

/* The caller as the kernel sees it: effective ids and supplementary groups. */
static void
add_caller_groups(struct who *w)
{
	int n = getgroups(0, NULL), i;
	gid_t *g;

	add_group(w, getegid());
	if (n <= 0)
		return;
	g = xmalloc((size_t)n * sizeof *g);
	n = getgroups(n, g);
	for (i = 0; i < n; i++)
		add_group(w, g[i]);
	free(g);
}

static int
is_number(const char *s)
{
	return *s != '\0' && strspn(s, "0123456789") == strlen(s);
}

/* USER by name or number; a number without a passwd entry has no groups. */
static void
set_user(struct who *w, const char *spec)
{
	struct passwd *pw;
	long long id;

	if (spec == NULL) {
		w->uid = geteuid();
		pw = getpwuid(w->uid);
		add_caller_groups(w);
	} else if (is_number(spec)) {
		if (parse_ll(spec, 0, (uid_t)-2, &id) < 0)
			die(EXIT_USAGE, "bad user '%s': not a uid", spec);
		w->uid = (uid_t)id;
		if ((pw = getpwuid(w->uid)) != NULL)
			add_passwd_groups(w, pw);
	} else {
		if ((pw = getpwnam(spec)) == NULL)
			die(EXIT_ERROR, "unknown user '%s'", spec);
		w->uid = pw->pw_uid;
		add_passwd_groups(w, pw);
	}
	if (pw != NULL) {
		w->name = xstrdup(pw->pw_name);
		snprintf(w->label, sizeof w->label, "uid %lu (%s)",
		    (unsigned long)w->uid, w->name);
	} else {
		snprintf(w->label, sizeof w->label, "uid %lu", (unsigned long)w->uid);
	}
}

static gid_t
parse_group(const char *spec)
{
	struct group *gr;
	long long id;

	if (is_number(spec)) {
		if (parse_ll(spec, 0, (gid_t)-2, &id) < 0)
			die(EXIT_USAGE, "bad group '%s': not a gid", spec);
		return (gid_t)id;
	}
	if ((gr = getgrnam(spec)) == NULL)
		die(EXIT_ERROR, "unknown group '%s'", spec);
	return gr->gr_gid;
}

/* s for sh(1): as is when plain, else in single quotes. */
static void
put_shell_word(FILE *fp, const char *s)
{
	if (*s != '\0' && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789_./+-:@%=,") == strlen(s)) {
		fputs(s, fp);
		return;
	}
	putc('\'', fp);
	for (; *s; s++) {
		if (*s == '\'')
			fputs("'\\''", fp);
		else
			putc(*s, fp);
	}
	putc('\'', fp);
}

/* The named-user entry's perms for uid, or 0 when there is none. */
static unsigned
named_perm(const struct acl *a, uid_t uid)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		if (a->e[i].tag == TAG_USER && a->e[i].id == uid)
			return a->e[i].perm;
	return 0;
}

/*
 * A command that grants what nd refused (malloc'd), or NULL when no
 * permission change can (read-only, immutable). The owner is judged by the
 * owner bits alone, so chmod; anyone else gets a named-user ACL entry that
 * keeps the bits it had (setfacl recomputes the mask).
 */
static char *
fix_command(const struct who *w, const struct node *nd)
{
	char *buf = NULL, l[4], name[64];
	size_t len = 0;
	FILE *fp;

	if (!nd->fixable)
		return NULL;
	if ((fp = open_memstream(&buf, &len)) == NULL)
		die(EXIT_ERROR, "open_memstream:");
	if (nd->st.st_uid == w->uid || w->uid == 0) {
		fprintf(fp, "chmod u+%s ", letters(nd->missing, l));
	} else {
		fputs("setfacl -m u:", fp);
		put_shell_word(fp, w->name ? w->name :
		    user_name(w->uid, name, sizeof name));
		fprintf(fp, ":%s ", letters(nd->want | named_perm(&nd->acl, w->uid), l));
	}
	put_shell_word(fp, nd->path);
	if (fclose(fp) != 0)
		die(EXIT_ERROR, "open_memstream:");
	return buf;
}

/* "-rw-r-----+ root:app" */
static void
put_owner(const struct node *nd)
{
	char m[12], u[64], g[64];

	printf("%s %s:%s", mode_str(nd, m), user_name(nd->st.st_uid, u, sizeof u),
	    group_name(nd->st.st_gid, g, sizeof g));
}

static void
print_acl(const struct acl *a, const char *prefix)
{
	int mask = acl_mask(a);
	char entry[96], p[4], e[4];
	size_t i;

	for (i = 0; i < a->n; i++) {
		const struct ace *x = &a->e[i];

		printf("%s%s%s", prefix, ace_prefix(x, entry, sizeof entry),
		    rwx(x->perm, p));
		if (mask >= 0 && (x->tag == TAG_USER || x->tag == TAG_GROUP_OBJ ||
		    x->tag == TAG_GROUP) && (x->perm & ~(unsigned)mask))
			printf("\t#effective:%s", rwx(x->perm & (unsigned)mask, e));
		putchar('\n');
	}
}

/* getfacl -p's listing of one component, and what aclcheck concluded. */
static void
print_listing(const struct node *nd, const struct who *w)
{
	mode_t m = nd->st.st_mode;
	char u[64], g[64], p[4], ws[32];

	fputs("# file: ", stdout);
	put_line_safe(stdout, nd->path);
	putchar('\n');
	if (nd->kind == K_LINK) {
		fputs("# symlink: ", stdout);
		put_line_safe(stdout, nd->link);
		fputs("\n\n", stdout);
		return;
	}
	printf("# owner: %s\n# group: %s\n", user_name(nd->st.st_uid, u, sizeof u),
	    group_name(nd->st.st_gid, g, sizeof g));
	if (m & (S_ISUID | S_ISGID | S_ISVTX))
		printf("# flags: %c%c%c\n", m & S_ISUID ? 's' : '-',
		    m & S_ISGID ? 's' : '-', m & S_ISVTX ? 't' : '-');
	if (nd->acl.n > 0) {
		print_acl(&nd->acl, "");
	} else {
		printf("user::%s\n", rwx(m >> 6 & 7, p));
		printf("group::%s\n", rwx(m >> 3 & 7, p));
		printf("other::%s\n", rwx(m & 7, p));
	}
	print_acl(&nd->dacl, "default:");
	printf("# aclcheck: %s %s for %s: %s\n\n",
	    words(nd->want, S_ISDIR(m), ws), nd->allowed ? "allowed" : "denied",
	    w->label, nd->why);
}

static void
print_plain(const struct check *c, const struct who *w)
{
	const struct node *nd = &c->nodes[c->n - 1];
	char ws[32], *fix;
	size_t i;

	if (vflag)
		for (i = 0; i < c->n; i++)
			print_listing(&c->nodes[i], w);
	if (!c->denied) {
		fputs("allowed: ", stdout);
		put_line_safe(stdout, c->arg);
		fputs(": ", stdout);
		put_owner(nd);
		printf(": %s permission for %s: %s\n",
		    words(nd->want, S_ISDIR(nd->st.st_mode), ws), w->label, nd->why);
		return;
	}
	for (i = 0; i < c->n; i++) {
		nd = &c->nodes[i];
		if (nd->allowed)
			continue;
		fputs("denied: ", stdout);
		put_line_safe(stdout, nd->kind == K_TARGET ? c->arg : nd->path);
		fputs(": ", stdout);
		put_owner(nd);
		printf(": no %s permission for %s: %s\n",
		    words(nd->missing, S_ISDIR(nd->st.st_mode), ws), w->label, nd->why);
	}
	for (i = 0; i < c->n; i++) {
		if (c->nodes[i].allowed ||
		    (fix = fix_command(w, &c->nodes[i])) == NULL)
			continue;
		fputs("fix: ", stdout);
		put_line_safe(stdout, fix);
		putchar('\n');
		free(fix);
	}
}

static void
json_acl(struct json_obj *o, const char *key, const struct acl *a)
{
	FILE *fp = jo_key(o, key);
	char entry[96], p[4], buf[128];
	size_t i;

	putc('[', fp);
	for (i = 0; i < a->n; i++) {
		snprintf(buf, sizeof buf, "%s%s", ace_prefix(&a->e[i], entry,
		    sizeof entry), rwx(a->e[i].perm, p));
		if (i > 0)
			putc(',', fp);
		json_put_cstring(fp, buf);
	}
	putc(']', fp);
}

/* The facts of one node: path, mode, owner, group. */
static void
json_node(struct json_obj *o, const struct node *nd)
{
	char m[12], u[64], g[64];

	jo_str(o, "path", nd->path);
	jo_str(o, "mode", mode_str(nd, m));
	jo_str(o, "owner", user_name(nd->st.st_uid, u, sizeof u));
	jo_str(o, "group", group_name(nd->st.st_gid, g, sizeof g));
}

static void
json_components(struct json_obj *o, const struct check *c)
{
	static const char *kinds[] = { "dir", "link", "target" };
	FILE *fp = jo_key(o, "components");
	struct json_obj e;
	char l[4];
	size_t i;

	putc('[', fp);
	for (i = 0; i < c->n; i++) {
		const struct node *nd = &c->nodes[i];

		if (i > 0)
			putc(',', fp);
		jo_begin(&e, fp);
		jo_str(&e, "kind", kinds[nd->kind]);
		json_node(&e, nd);
		if (nd->kind == K_LINK) {
			jo_str(&e, "link", nd->link);
			jo_end(&e);
			continue;
		}
		json_acl(&e, "acl", &nd->acl);
		if (S_ISDIR(nd->st.st_mode))
			json_acl(&e, "default_acl", &nd->dacl);
		jo_str(&e, "need", letters(nd->want, l));
		jo_bool(&e, "allowed", nd->allowed);
		jo_str(&e, "entry", nd->why);
		jo_end(&e);
	}
	putc(']', fp);
}

static void
json_denials(struct json_obj *o, const struct check *c, const struct who *w)
{
	FILE *fp = jo_key(o, "denied");
	struct json_obj e;
	char l[4], *fix;
	size_t i;
	int n = 0;

	putc('[', fp);
	for (i = 0; i < c->n; i++) {
		const struct node *nd = &c->nodes[i];

		if (nd->allowed)
			continue;
		if (n++ > 0)
			putc(',', fp);
		jo_begin(&e, fp);
		json_node(&e, nd);
		jo_str(&e, "need", letters(nd->want, l));
		jo_str(&e, "missing", letters(nd->missing, l));
		jo_str(&e, "entry", nd->why);
		jo_end(&e);
	}
	putc(']', fp);
	fp = jo_key(o, "fix");
	putc('[', fp);
	for (i = n = 0; i < c->n; i++) {
		if (c->nodes[i].allowed ||
		    (fix = fix_command(w, &c->nodes[i])) == NULL)
			continue;
		if (n++ > 0)
			putc(',', fp);
		json_put_cstring(fp, fix);
		free(fix);
	}
	putc(']', fp);
}

static void
print_json(const struct check *c, const struct who *w, unsigned want)
{
	struct json_obj o;
	char l[4];

	jo_begin(&o, stdout);
	jo_str(&o, "path", c->arg);
	jo_int(&o, "uid", (long long)w->uid);
	jo_str(&o, "user", w->name);
	jo_str(&o, "want", letters(want, l));
	if (c->errpath != NULL) {
		jo_str(&o, "result", "error");
		jo_str(&o, "error", strerror(c->err));
		jo_str(&o, "at", c->errpath);
	} else {
		jo_str(&o, "result", c->denied ? "denied" : "allowed");
		jo_str(&o, "target", c->nodes[c->n - 1].path);
		if (!c->denied)
			jo_str(&o, "entry", c->nodes[c->n - 1].why);
		json_denials(&o, c, w);
	}
	if (vflag)
		json_components(&o, c);
	jo_end(&o);
	putchar('\n');
}

static void
free_check(struct check *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		free(c->nodes[i].path);
		free(c->nodes[i].link);
		free(c->nodes[i].acl.e);
		free(c->nodes[i].dacl.e);
	}
	free(c->nodes);
	free(c->errpath);
}

/* Checks one path; returns its exit status. */
static int
check_path(const char *arg, const struct who *w, unsigned want)
{
	struct check c;
	int status;

	memset(&c, 0, sizeof c);
	c.arg = arg;
	if (walk(&c, w, want) < 0) {
		errno = c.err;
		if (c.err_at_arg)
			warnf("%s:", arg);
		else
			warnf("%s: %s:", arg, c.errpath);
		status = EXIT_ERROR;
	} else {
		status = c.denied ? EXIT_FAILS : EXIT_HOLDS;
	}
	if (jflag)
		print_json(&c, w, want);
	else if (c.errpath == NULL)
		print_plain(&c, w);
	free_check(&c);
	return status;
}

static unsigned
parse_mode(const char *s)
{
	unsigned m = 0;

	if (*s == '\0')
		return 0;
	for (; *s; s++) {
		if (*s == 'r')
			m |= P_R;
		else if (*s == 'w')
			m |= P_W;
		else if (*s == 'x')
			m |= P_X;
		else
			return 0;
	}
	return m;
}

static const struct usage_opt opts[] = {
	{ "-g group", "also a member of group (name or gid); repeatable" },
	{ "-h, --help", "print this help and exit" },
	{ "-j", "one JSON object per path" },
	{ "-m rwx", "the permissions wanted (default r)" },
	{ "-u user", "the user (name or uid; default the caller)" },
	{ "-V, --version", "print the version and exit" },
	{ "-v", "list every component of the walk as getfacl does" },
	{ NULL, NULL },
};

static const struct usage usage = {
	"[-hjVv] [-g group] [-m rwx] [-u user] path ...",
	opts,
};

int
main(int argc, char *argv[])
{
	struct who w;
	const char *user = NULL;
	static const struct option longopts[] = { USAGE_LONGOPTS, { NULL, 0, NULL, 0 } };
	static char **groups;	/* static: still reachable when -V exits early */
	unsigned want = P_R;
	size_t ngroups = 0, i;
	int ch, status = EXIT_HOLDS, st;

	setprogname(argv[0]);
	memset(&w, 0, sizeof w);
	groups = xreallocarray(NULL, (size_t)argc, sizeof *groups);
	while ((ch = getopt_long(argc, argv, "g:hjm:u:Vv", longopts, NULL)) != -1) {
		switch (ch) {
		case 'g':
			groups[ngroups++] = optarg;
			break;
		case 'h':
			usage_help(&usage);
		case 'j':
			jflag = 1;
			break;
		case 'm':
			if ((want = parse_mode(optarg)) == 0) {
				warnf("bad mode '%s': want letters of rwx", optarg);
				usage_error(&usage);
			}
			break;
		case 'u':
			user = optarg;
			break;
		case 'V':
			usage_version();
		case 'v':
			vflag = 1;
			break;
		default:
			usage_error(&usage);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0)
		usage_error(&usage);
	set_user(&w, user);
	for (i = 0; i < ngroups; i++)
		add_group(&w, parse_group(groups[i]));
	for (i = 0; i < (size_t)argc; i++) {
		st = check_path(argv[i], &w, want);
		/* Could not check outranks denied, which outranks allowed. */
		if (st == EXIT_ERROR || (st == EXIT_FAILS && status == EXIT_HOLDS))
			status = st;
	}
	free(groups);
	free(w.groups);
	free(w.name);
	return finish_stdout(status);
}
