/* smokekit: a set of names, hashed (see names.h). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "names.h"
#include "xalloc.h"

/*
 * FNV-1a from a seed that differs from run to run, so that no input can
 * be made ahead of time to put every name in one chain.
 */
static size_t
hash(const struct names *ns, const char *s, size_t len)
{
	unsigned long long h = ns->seed;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3ull;
	h ^= h >> 33;           /* MurmurHash3's finalizer: every bit moves the low ones */
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return (size_t)h;
}

static size_t *
lookup(const struct names *ns, const char *s, size_t len, size_t h)
{
	size_t i = h & (ns->nslot - 1), k;

	while ((k = ns->slot[i]) != 0 && (ns->hv[k - 1] != h || ns->lv[k - 1] != len ||
	    memcmp(ns->v[k - 1], s, len) != 0))
		i = (i + 1) & (ns->nslot - 1);
	return &ns->slot[i];
}

static void
grow(struct names *ns)
{
	size_t i, j;

	if (ns->nslot == 0)
		ns->seed = 0xcbf29ce484222325ull ^ (unsigned long long)time(NULL) * 0x9e3779b97f4a7c15ull ^
		    (unsigned long long)(uintptr_t)ns;
	free(ns->slot);
	ns->nslot = ns->nslot ? 2 * ns->nslot : 64;
	ns->slot = xreallocarray(NULL, ns->nslot, sizeof *ns->slot);
	memset(ns->slot, 0, ns->nslot * sizeof *ns->slot);
	for (i = 0; i < ns->n; i++) {
		j = ns->hv[i] & (ns->nslot - 1);
		while (ns->slot[j] != 0)
			j = (j + 1) & (ns->nslot - 1);
		ns->slot[j] = i + 1;
	}
}

long
names_find(const struct names *ns, const char *s, size_t len)
{
	size_t *at;

	if (ns->nslot == 0)
		return -1;
	at = lookup(ns, s, len, hash(ns, s, len));
	return *at == 0 ? -1 : (long)(*at - 1);
}

size_t
names_add(struct names *ns, const char *s, size_t len)
{
	size_t *at, h;

	if (2 * (ns->n + 1) > ns->nslot)
		grow(ns);
	h = hash(ns, s, len);
	at = lookup(ns, s, len, h);
	if (*at != 0)
		return *at - 1;
	if (ns->n == ns->cap) {
		ns->cap = ns->cap ? 2 * ns->cap : 32;
		ns->v = xreallocarray(ns->v, ns->cap, sizeof *ns->v);
		ns->lv = xreallocarray(ns->lv, ns->cap, sizeof *ns->lv);
		ns->hv = xreallocarray(ns->hv, ns->cap, sizeof *ns->hv);
	}
	ns->lv[ns->n] = len;
	ns->hv[ns->n] = h;
	ns->v[ns->n] = xstrndup(s, len);
	*at = ++ns->n;
	return ns->n - 1;
}

void
names_free(struct names *ns)
{
	while (ns->n > 0)
		free(ns->v[--ns->n]);
	free(ns->v);
	free(ns->lv);
	free(ns->hv);
	free(ns->slot);
	memset(ns, 0, sizeof *ns);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
names_tell(const struct names *ns, struct result *r, const char *what)
{
	size_t len = strlen(r->err), i;
	char **v;

	if (ns->n == 0) {
		snprintf(r->err + len, sizeof r->err - len, "; it has no %s at all", what);
		return;
	}
	v = xreallocarray(NULL, ns->n, sizeof *v);
	memcpy(v, ns->v, ns->n * sizeof *v);
	qsort(v, ns->n, sizeof *v, cmp_str);
	len += (size_t)snprintf(r->err + len, sizeof r->err - len, "; %s present:", what);
	for (i = 0; i < ns->n && len < sizeof r->err; i++) {
		if (len + strlen(v[i]) + 24 >= sizeof r->err) {
			snprintf(r->err + len, sizeof r->err - len, " and %zu more", ns->n - i);
			break;
		}
		len += (size_t)snprintf(r->err + len, sizeof r->err - len, "%s %s",
		    i ? "," : "", v[i]);
	}
	free(v);
}
