/* smokekit: httpprobe's tallies, checks and kept bodies (see observe.h). */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "atomic.h"
#include "http.h"
#include "jsonout.h"
#include "observe.h"
#include "xalloc.h"

/* The characters of a header name (RFC 9110 5.6.2's token). */
#define TCHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$%&'*+-.^_`|~"

int
observe_tally(struct observe *ob, const char *src, const char **why)
{
	struct tally *t = &ob->tally[ob->ntally];

	if (ob->ntally == OBSERVE_MAX) {
		*why = "too many --tally (32 at most)";
		return -1;
	}
	memset(t, 0, sizeof *t);
	t->src = src;
	if (strcmp(src, "status") == 0) {
		t->kind = TALLY_STATUS;
	} else if (strncasecmp(src, "header:", 7) == 0) {
		t->kind = TALLY_HEADER;
		t->header = src + 7;
		if (*t->header == '\0' || strspn(t->header, TCHARS) != strlen(t->header)) {
			*why = "header:NAME wants a header name";
			return -1;
		}
	} else if (src[0] == '.') {
		*why = "a JSON path tally is not built into this httpprobe yet";
		return -1;
	} else {
		*why = "not status, header:NAME or a JSON path (.a.b)";
		return -1;
	}
	ob->ntally++;
	return 0;
}

int
observe_check(struct observe *ob, const char *text, char *err, size_t errsz)
{
	(void)ob;
	(void)text;
	snprintf(err, errsz, "--check is not built into this httpprobe yet");
	return -1;
}

int
observe_needs_body(const struct observe *ob)
{
	size_t i;

	if (ob->ncheck > 0 || ob->bodies != NULL)
		return 1;
	for (i = 0; i < ob->ntally; i++)
		if (ob->tally[i].kind == TALLY_PATH)
			return 1;
	return 0;
}

void
body_add(void *ctx, const char *data, size_t n)
{
	struct body *b = ctx;

	if (n > BODY_KEEP_MAX - b->len) {
		n = BODY_KEEP_MAX - b->len;
		b->cut = 1;
	}
	if (n == 0)
		return;
	if (b->len + n > b->cap) {
		b->cap = b->cap ? b->cap : 4096;
		while (b->cap < b->len + n)
			b->cap *= 2;
		b->buf = xrealloc(b->buf, b->cap);
	}
	memcpy(b->buf + b->len, data, n);
	b->len += n;
}

void
body_reset(struct body *b)
{
	b->len = 0;
	b->cut = 0;
}

void
body_free(struct body *b)
{
	free(b->buf);
	memset(b, 0, sizeof *b);
}

/* One more of value in t: a new value while there is room, else "(other)". */
static int
tally_count(struct tally *t, const char *value, size_t len)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (strncmp(t->v[i].value, value, len) == 0 && t->v[i].value[len] == '\0') {
			t->v[i].n++;
			return 0;
		}
	if (t->n == TALLY_MAX) {
		t->other++;
		return 0;
	}
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 8;
		t->v = xreallocarray(t->v, t->cap, sizeof *t->v);
	}
	t->v[t->n].value = xmalloc(len + 1);
	memcpy(t->v[t->n].value, value, len);
	t->v[t->n].value[len] = '\0';
	t->v[t->n++].n = 1;
	return 0;
}

static void
tally_response(struct tally *t, const struct http_parser *p, const struct body *b)
{
	char num[16];
	const char *v;
	int status = p != NULL ? http_parser_status(p) : 0;

	(void)b;
	if (status == 0) {
		tally_count(t, TALLY_NO_RESPONSE, strlen(TALLY_NO_RESPONSE));
		return;
	}
	switch (t->kind) {
	case TALLY_STATUS:
		snprintf(num, sizeof num, "%d", status);
		tally_count(t, num, strlen(num));
		break;
	case TALLY_HEADER:
		v = http_parser_header(p, t->header);
		if (v == NULL)
			v = TALLY_NONE;
		tally_count(t, v, strlen(v));
		break;
	case TALLY_PATH:
		break;
	}
}

int
observe_response(struct observe *ob, const struct http_parser *p,
    const struct body *b, unsigned char *ok, size_t *first, char *why, size_t whysz)
{
	size_t i;
	int failed = 0;

	(void)why;
	(void)whysz;
	(void)first;
	(void)ok;
	(void)b;
	for (i = 0; i < ob->ntally; i++)
		tally_response(&ob->tally[i], p, b);
	return failed;
}

void
observe_keep_body(struct observe *ob, unsigned long long n, const struct body *b)
{
	char path[4096];

	if (ob->bodies == NULL || n > BODIES_MAX)
		return;
	snprintf(path, sizeof path, "%s/%llu.body", ob->bodies, n);
	if (atomic_write(path, b != NULL && b->buf != NULL ? b->buf : "",
	    b != NULL ? b->len : 0) == 0)
		return;
	if (errno == ENOENT && mkdir(ob->bodies, 0777) == 0 &&
	    atomic_write(path, b != NULL && b->buf != NULL ? b->buf : "",
	    b != NULL ? b->len : 0) == 0)
		return;
	if (ob->bodies_failed++ == 0)
		ob->bodies_err = errno;
}

static int
cmp_count(const void *a, const void *b)
{
	return strcmp(((const struct tally_count *)a)->value,
	    ((const struct tally_count *)b)->value);
}

/*
 * t's values, sorted (three-digit statuses sort as numbers), "(other)"
 * last: as the members of a JSON object under parent, or with parent NULL
 * as key=value facts.
 */
static void
tally_facts(struct tally *t, struct json_obj *parent, struct facts *f)
{
	struct json_obj o;
	char key[1200];
	size_t i;

	qsort(t->v, t->n, sizeof *t->v, cmp_count);
	if (parent != NULL)
		jo_begin(&o, jo_key(parent, t->src));
	for (i = 0; i <= t->n; i++) {
		const char *v = i < t->n ? t->v[i].value : TALLY_OTHER;
		unsigned long long n = i < t->n ? t->v[i].n : t->other;
		if (i == t->n && n == 0)
			break;
		if (parent != NULL) {
			jo_int(&o, v, (long long)n);
		} else {
			snprintf(key, sizeof key, "tallies.%s.%s", t->src, v);
			facts_int(f, key, (long long)n);
		}
	}
	if (parent != NULL)
		jo_end(&o);
}

void
observe_facts(struct observe *ob, struct facts *f)
{
	struct json_obj o;
	size_t i;

	if (ob->ncheck > 0 && f->json) {
		jo_begin(&o, jo_key(&f->o, "checks"));
		jo_int(&o, "passes", (long long)ob->check_passes);
		jo_int(&o, "fails", (long long)ob->check_fails);
		jo_end(&o);
	} else if (ob->ncheck > 0) {
		facts_int(f, "checks.passes", (long long)ob->check_passes);
		facts_int(f, "checks.fails", (long long)ob->check_fails);
	}
	if (ob->ntally == 0)
		return;
	if (f->json)
		jo_begin(&o, jo_key(&f->o, "tallies"));
	for (i = 0; i < ob->ntally; i++)
		tally_facts(&ob->tally[i], f->json ? &o : NULL, f);
	if (f->json)
		jo_end(&o);
}

void
observe_free(struct observe *ob)
{
	size_t i, j;

	for (i = 0; i < ob->ntally; i++) {
		for (j = 0; j < ob->tally[i].n; j++)
			free(ob->tally[i].v[j].value);
		free(ob->tally[i].v);
	}
	ob->ntally = 0;
}
