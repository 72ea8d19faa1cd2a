/* smokekit: httpprobe's tallies, checks and kept bodies (see observe.h). */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "atomic.h"
#include "die.h"
#include "http.h"
#include "jpath.h"
#include "json.h"
#include "jsonout.h"
#include "observe.h"
#include "pred.h"
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
		t->by_status = xreallocarray(NULL, 600, sizeof *t->by_status);
		memset(t->by_status, 0, 600 * sizeof *t->by_status);
	} else if (strncasecmp(src, "header:", 7) == 0) {
		t->kind = TALLY_HEADER;
		t->header = src + 7;
		if (*t->header == '\0' || strspn(t->header, TCHARS) != strlen(t->header)) {
			*why = "header:NAME wants a header name";
			return -1;
		}
	} else if (src[0] == '.') {
		static char err[192];
		t->kind = TALLY_PATH;
		t->path = xmalloc(sizeof (struct jpath));
		if (jpath_parse(src, NULL, t->path, err, sizeof err) != 0) {
			free(t->path);
			*why = err;
			return -1;
		}
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
	struct pred *p;

	if (ob->ncheck == OBSERVE_MAX) {
		snprintf(err, errsz, "too many --check (32 at most)");
		return -1;
	}
	p = xmalloc(sizeof *p);
	if (pred_compile(text, p, err, errsz) != 0) {
		free(p);
		return -1;
	}
	ob->check_text[ob->ncheck] = text;
	ob->check[ob->ncheck++] = p;
	return 0;
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

/* count more of value in t: a new value while there is room, else "(other)". */
static void
tally_add(struct tally *t, const char *value, size_t len, unsigned long long count)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (strncmp(t->v[i].value, value, len) == 0 && t->v[i].value[len] == '\0') {
			t->v[i].n += count;
			return;
		}
	if (t->n == TALLY_MAX) {
		t->other += count;
		return;
	}
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 8;
		t->v = xreallocarray(t->v, t->cap, sizeof *t->v);
	}
	t->v[t->n].value = xmalloc(len + 1);
	memcpy(t->v[t->n].value, value, len);
	t->v[t->n].value[len] = '\0';
	t->v[t->n++].n = count;
}

static void
tally_count(struct tally *t, const char *value, size_t len)
{
	tally_add(t, value, len, 1);
}

/* The counts by status become values (a status is one of at most 500). */
static void
status_values(struct tally *t)
{
	char num[4];
	int s;

	for (s = 100; t->by_status != NULL && s < 600; s++) {
		if (t->by_status[s] == 0)
			continue;
		num[0] = (char)('0' + s / 100);
		num[1] = (char)('0' + s / 10 % 10);
		num[2] = (char)('0' + s % 10);
		num[3] = '\0';
		tally_add(t, num, 3, t->by_status[s]);
		t->by_status[s] = 0;
	}
}

/* The path's first value, compact, into the memory stream at w->ctx. */
static int
path_found(struct jpath_walk *w, enum json_token t)
{
	FILE *fp = w->ctx;

	/* With "[]" the path may lead to more: the first one is the value. */
	if (jpath_put_value(ftell(fp) == 0 ? fp : NULL, w->js, t) < 0)
		return EXIT_ERROR;
	return EXIT_HOLDS;
}

static int
path_missed(struct jpath_walk *w, size_t n, const char *why)
{
	(void)w;
	(void)n;
	(void)why;
	return EXIT_FAILS;
}

/* The value a path tally counts for body b. */
static void
tally_path(struct tally *t, const struct body *b)
{
	struct json_scanner *js;
	struct jpath_walk w;
	FILE *fp;
	char *text = NULL;
	size_t len = 0;
	int rc;

	if (b == NULL || b->cut || b->len == 0) {
		tally_count(t, TALLY_NOT_JSON, strlen(TALLY_NOT_JSON));
		return;
	}
	if ((fp = open_memstream(&text, &len)) == NULL)
		die(EXIT_ERROR, "out of memory");
	js = json_open_mem(b->buf, b->len, "body");
	memset(&w, 0, sizeof w);
	w.path = t->path;
	w.js = js;
	w.found = path_found;
	w.miss = path_missed;
	w.ctx = fp;
	rc = jpath_walk(&w, json_next(js));
	if (rc != EXIT_ERROR && json_next(js) != JSON_END)
		rc = EXIT_ERROR;
	json_close(js);
	fclose(fp);
	if (rc == EXIT_ERROR)
		tally_count(t, TALLY_NOT_JSON, strlen(TALLY_NOT_JSON));
	else if (len == 0)
		tally_count(t, TALLY_MISSING, strlen(TALLY_MISSING));
	else
		tally_count(t, text, len);
	free(text);
}

static void
tally_response(struct tally *t, const struct http_parser *p, const struct body *b)
{
	const char *v;
	int status = p != NULL ? http_parser_status(p) : 0;

	if (status < 100 || status > 599) {
		tally_count(t, TALLY_NO_RESPONSE, strlen(TALLY_NO_RESPONSE));
		return;
	}
	switch (t->kind) {
	case TALLY_STATUS:
		t->by_status[status]++;
		break;
	case TALLY_HEADER:
		v = http_parser_header(p, t->header);
		if (v == NULL)
			v = TALLY_NONE;
		tally_count(t, v, strlen(v));
		break;
	case TALLY_PATH:
		tally_path(t, b);
		break;
	}
}

/*
 * Does predicate p hold on the body of response r? A request without a
 * valid response, a body cut at BODY_KEEP_MAX and one that is not JSON
 * fail it, as k6's check fails on them; msg says why.
 */
static int
check_one(const struct pred *p, const struct http_parser *r, const struct body *b,
    char *msg, size_t n)
{
	char why[160];

	if (r == NULL || http_parser_status(r) == 0 || b == NULL) {
		snprintf(msg, n, "no response");
		return 0;
	}
	if (b->cut) {
		snprintf(msg, n, "the body is over %u MiB, not checked", BODY_KEEP_MAX >> 20);
		return 0;
	}
	switch (pred_eval(p, b->buf != NULL ? b->buf : "", b->len, why, sizeof why)) {
	case PRED_HOLDS:
		return 1;
	case PRED_FAILS:
		snprintf(msg, n, "%s", why);
		return 0;
	default:
		snprintf(msg, n, "the body is not JSON: %s", why);
		return 0;
	}
}

#define MEMO_MAX 65536   /* longer bodies are checked every time */

/*
 * 1: b's bytes are those the checks last ran on, their results in memo_ok;
 * 0: they are not, and become the memo (run the checks, keep the results);
 * -1: nothing to remember (no response, a cut or long body).
 */
static int
memo_use(struct observe *ob, const struct http_parser *p, const struct body *b)
{
	if (p == NULL || http_parser_status(p) == 0 || b == NULL || b->cut ||
	    b->len > MEMO_MAX)
		return -1;
	if (ob->memo_valid && b->len == ob->memo.len &&
	    (b->len == 0 || memcmp(b->buf, ob->memo.buf, b->len) == 0))
		return 1;
	body_reset(&ob->memo);
	body_add(&ob->memo, b->buf, b->len);
	ob->memo_valid = 1;
	ob->memo_why[0] = '\0';
	return 0;
}

int
observe_response(struct observe *ob, const struct http_parser *p,
    const struct body *b, unsigned char *ok, size_t *first, char *why, size_t whysz)
{
	size_t i;
	int failed = 0, holds, memo;
	char msg[192];

	for (i = 0; i < ob->ntally; i++)
		tally_response(&ob->tally[i], p, b);
	if (ob->ncheck == 0)
		return 0;
	memo = memo_use(ob, p, b);
	for (i = 0; i < ob->ncheck; i++) {
		if (memo > 0) {
			holds = ob->memo_ok[i];
			snprintf(msg, sizeof msg, "%s", holds ? "" : ob->memo_why);
		} else {
			holds = check_one(ob->check[i], p, b, msg, sizeof msg);
			if (memo == 0 && !holds && failed == 0)
				snprintf(ob->memo_why, sizeof ob->memo_why, "%s", msg);
			if (memo == 0)
				ob->memo_ok[i] = (unsigned char)holds;
		}
		if (ok != NULL)
			ok[i] = (unsigned char)holds;
		if (holds) {
			ob->check_passes++;
			ob->passes_by[i]++;
			continue;
		}
		ob->fails_by[i]++;
		if (ob->check_fails++ == 0) {
			ob->first_fail = i;
			snprintf(ob->first_why, sizeof ob->first_why, "%s", msg);
		}
		if (failed++ == 0) {
			*first = i;
			snprintf(why, whysz, "%s", msg);
		}
	}
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

	status_values(t);
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
		free(ob->tally[i].by_status);
	}
	for (i = 0; i < ob->ntally; i++)
		if (ob->tally[i].path != NULL) {
			jpath_free(ob->tally[i].path);
			free(ob->tally[i].path);
		}
	ob->ntally = 0;
	for (i = 0; i < ob->ncheck; i++) {
		pred_free(ob->check[i]);
		free(ob->check[i]);
	}
	ob->ncheck = 0;
	body_free(&ob->memo);
}
