/* demobackend: requests counted by key (see keys.h). */
#include <stdio.h>
#include <string.h>

#include "hash.h"
#include "keys.h"
#include "reply.h"

#define KEY_MAX   128
#define KEY_SLOTS 4096

static struct {
	unsigned long long count;
	char name[KEY_MAX + 16];
} keys[KEY_SLOTS];

/* Counts a request for key in namespace ns; 0 when the table is full. */
static unsigned long long
key_bump(const char *ns, const char *key)
{
	char name[sizeof keys[0].name];
	uint64_t h;
	size_t i, slot;

	snprintf(name, sizeof name, "%s:%s", ns, key);
	h = fnv1a(FNV_OFFSET, name, strlen(name));
	for (i = 0; i < KEY_SLOTS; i++) {
		slot = (size_t)((h + i) % KEY_SLOTS);
		if (keys[slot].count == 0) {
			memcpy(keys[slot].name, name, sizeof name);
			return keys[slot].count = 1;
		}
		if (strcmp(keys[slot].name, name) == 0)
			return ++keys[slot].count;
	}
	return 0;
}

unsigned long long
keyed_count(struct conn *c, const struct req *r, const char *ns)
{
	char key[KEY_MAX + 1] = "";
	unsigned long long n;

	if (query_param(r, "key", key, sizeof key) < 0) {
		reply_bad_param(c, r, "key");
		return 0;
	}
	if ((n = key_bump(ns, key)) == 0)
		reply_json(c, r, 503, NULL, "{\"error\": \"too many keys\"}");
	return n;
}
