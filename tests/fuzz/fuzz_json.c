/*
 * libFuzzer harness for tools/lib/json.c and json_block.c. Every input is
 * scanned six ways over the same bytes: from memory and from a FILE, each
 * with json_next (copying every token, the careful path), with
 * json_skip_next (the fast skipping path) and with json_skip_count over
 * the outermost container.
 * All six must agree on the result and on the error message, and on valid
 * input json_skip_count on the count json_next sees, else the harness
 * aborts. The first input byte picks options:
 * bit 0 makes the FILE scanners read 1 to 32 bytes at a time (so tokens
 * cross the buffer's edge), bit 1 reads JSON lines, bit 2 wraps the input
 * in 504 arrays, so that the nesting limit (512) is 8 levels into it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Arrays around the input for option bit 2: the limit is 8 levels in. */
#define WRAP (JSON_MAX_DEPTH - 8)

/* Decoded text must be valid UTF-8 (no surrogates, nothing past U+10FFFF). */
static int
valid_utf8(const unsigned char *s, size_t n)
{
	size_t i = 0, len, k;
	unsigned long cp;

	while (i < n) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if (s[i] >= 0xc2 && s[i] <= 0xdf)
			len = 2, cp = s[i] & 0x1f;
		else if (s[i] >= 0xe0 && s[i] <= 0xef)
			len = 3, cp = s[i] & 0x0f;
		else if (s[i] >= 0xf0 && s[i] <= 0xf4)
			len = 4, cp = s[i] & 0x07;
		else
			return 0;
		if (len > n - i)
			return 0;
		for (k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
			return 0;
		i += len;
	}
	return 1;
}

/* The elements or members of the outermost container, as json_next sees them. */
static unsigned long long
counted(struct json_scanner *js, enum json_token first, enum json_token t)
{
	unsigned d = json_depth(js);

	if (first == JSON_OBJECT)
		return t == JSON_KEY && d == 1;
	if (first != JSON_ARRAY)
		return 0;
	if (t == JSON_OBJECT || t == JSON_ARRAY)
		return d == 2;
	return t >= JSON_STRING && d == 1;
}

/*
 * One document, to its end or its error; appends the outcome to out. skip
 * 0 reads with json_next, 1 with json_skip_next, 2 skips the outermost
 * container with json_skip_count; *count adds up its elements (0 and 2).
 */
static void
document(struct json_scanner *js, int skip, char *out, size_t outsize,
    unsigned long long *count)
{
	enum json_token t, first = JSON_END;
	const char *text;
	size_t len, used;
	unsigned long long n;

	for (;;) {
		t = skip == 1 ? json_skip_next(js) : json_next(js);
		if (first == JSON_END) {
			first = t;
			if (skip == 2 && (t == JSON_OBJECT || t == JSON_ARRAY)) {
				t = json_skip_count(js, &n);
				*count += n;
			}
		} else if (skip == 0) {
			*count += counted(js, first, t);
		}
		if (t <= JSON_END)
			break;
		text = json_text(js, &len);
		if (text[len] != '\0')
			abort();
		if ((t == JSON_KEY || t == JSON_STRING) && !valid_utf8((const unsigned char *)text, len))
			abort();
		if (t == JSON_NUMBER && len == 0 && !skip)
			abort();
	}
	used = strlen(out);
	snprintf(out + used, outsize - used, "%s;", t == JSON_END ? "ok" : json_error(js));
}

static void
run(struct json_scanner *js, int skip, int opts, char *out, size_t outsize,
    unsigned long long *count)
{
	int lines = opts & 2;

	out[0] = '\0';
	if (js == NULL)
		abort();
	if (opts & 1)
		json_set_bufsize(js, 1 + (size_t)(opts >> 3));
	if (lines) {
		json_set_lines(js, 1);
		while (json_next_document(js))
			document(js, skip, out, outsize, count);
	} else {
		document(js, skip, out, outsize, count);
	}
	json_close(js);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char res[6][65536];
	unsigned long long count[6];
	uint8_t *wrapped = NULL;
	int opts, k;
	FILE *fp;

	if (size == 0)
		return 0;
	opts = data[0];
	data++, size--;
	if (opts & 4) {
		if ((wrapped = malloc(size + 2 * WRAP)) == NULL)
			abort();
		memset(wrapped, '[', WRAP);
		memcpy(wrapped + WRAP, data, size);
		memset(wrapped + WRAP + size, ']', WRAP);
		data = wrapped;
		size += 2 * WRAP;
	}
	for (k = 0; k < 6; k++) {
		struct json_scanner *js;

		count[k] = 0;
		if (k < 3) {
			js = json_open_mem((const char *)data, size, "in");
			run(js, k, opts & ~1, res[k], sizeof res[k], &count[k]);
			continue;
		}
		/* fmemopen cannot open an empty buffer: read its one byte first. */
		fp = fmemopen(size > 0 ? (void *)data : (void *)"x", size > 0 ? size : 1, "r");
		if (fp == NULL)
			abort();
		if (size == 0)
			(void)getc(fp);
		js = json_open_file(fp, "in");
		run(js, k - 3, opts, res[k], sizeof res[k], &count[k]);
		fclose(fp);
	}
	for (k = 1; k < 6; k++) {
		if (strcmp(res[0], res[k]) != 0) {
			fprintf(stderr, "next/mem: %s\nway %d:   %s\n", res[0], k, res[k]);
			abort();
		}
	}
	/* Every document valid: json_skip_count counted what json_next saw. */
	if (strstr(res[0], "in:") == NULL &&
	    (count[2] != count[0] || count[5] != count[0] || count[3] != count[0])) {
		fprintf(stderr, "counts: next %llu, skip_count %llu and %llu\n",
		    count[0], count[2], count[5]);
		abort();
	}
	free(wrapped);
	return 0;
}
