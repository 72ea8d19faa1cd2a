/* smokekit: which format an input is (see detect.h). */
#include <stdio.h>
#include <string.h>

#include "csv.h"
#include "detect.h"
#include "k6name.h"
#include "ndjson.h"
#include "prom.h"

/* path as a shell word: as is when it needs no quotes, else in '...'. */
static void
shell_word(char *out, size_t size, const char *path)
{
	size_t n = 0;
	const char *p;

	if (strcmp(path, "-") != 0 && path[0] != '\0' && path[0] != '-' &&
	    strspn(path, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789._/+,:@%=-") == strlen(path)) {
		snprintf(out, size, "%s", path);
		return;
	}
	if (path[0] == '-' && strcmp(path, "-") != 0)
		n += (size_t)snprintf(out, size, "./");
	n += (size_t)snprintf(out + n, size - n, "'");
	for (p = path; *p != '\0' && n + 6 < size; p++)
		n += (size_t)(*p == '\'' ? snprintf(out + n, size - n, "'\\''") :
		    snprintf(out + n, size - n, "%c", *p));
	snprintf(out + n, size - n, "'");
}

int
input_unreadable(const char *buf, size_t len, const char *path, char *msg, size_t size)
{
	const unsigned char *u = (const unsigned char *)buf;
	char word[1024];
	size_t i;

	if (len == 0) {
		snprintf(msg, size, "empty file");
	} else if (len >= 2 && u[0] == 0x1f && u[1] == 0x8b) {
		if (strcmp(path, "-") == 0) {
			snprintf(msg, size, "gzip-compressed, not text; read it with: "
			    "gzip -dc | p95parse -");
		} else {
			shell_word(word, sizeof word, path);
			snprintf(msg, size, "gzip-compressed, not text; read it with: "
			    "gzip -dc %s | p95parse -", word);
		}
	} else if (len >= 2 && ((u[0] == 0xff && u[1] == 0xfe) || (u[0] == 0xfe && u[1] == 0xff))) {
		snprintf(msg, size, "UTF-16 text (convert it first: iconv -f UTF-16 -t UTF-8)");
	} else if (memchr(buf, '\0', len) != NULL) {
		snprintf(msg, size, "binary data, not text");
	} else {
		for (i = 0; i < len && k6_is_space(u[i]); i++)
			;
		if (i < len)
			return 0;
		snprintf(msg, size, "only blank space");
	}
	return -1;
}

enum format
input_detect(const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len, *nl;

	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	while (p < end && k6_is_space((unsigned char)*p))
		p++;
	if (csv_detect(buf, len))
		return FMT_CSV;
	if (p == end || *p != '{')
		return prom_detect(buf, len) ? FMT_PROM : FMT_LOG;
	if (k6_starts(p, (size_t)(end - p), "{\"type\":\"Metric\"") ||
	    k6_starts(p, (size_t)(end - p), "{\"metric\":\""))
		return FMT_NDJSON;
	/* Another producer's JSON lines: a whole first line with a k6 "type". */
	nl = memchr(p, '\n', (size_t)(end - p));
	return ndjson_is_k6_line(p, nl ? (size_t)(nl - p) : (size_t)(end - p)) ?
	    FMT_NDJSON : FMT_JSON;
}
