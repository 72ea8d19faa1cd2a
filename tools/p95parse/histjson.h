/*
 * The histogram httpprobe writes into its summary export (the member
 * "smokekit_histogram", loghist.h gives its shape), read for p95parse
 * --merge: a percentile within its bound, from N runs merged.
 */
#ifndef SMOKEKIT_HISTJSON_H
#define SMOKEKIT_HISTJSON_H

#include <stddef.h>

#include "loghist.h"
#include "result.h"

/*
 * Adds the histogram of q's metric (its full name, tags and all) in the
 * JSON document buf[0..len) to h. Returns 0; 1 when the document has no
 * top-level "smokekit_histogram" (a plain summary); -1 with r->err saying
 * why (invalid JSON, no histogram of that metric, a bad histogram).
 */
int histjson_read(const char *buf, size_t len, const struct query *q,
    struct loghist *h, struct result *r);

#endif
