/*
 * The end-of-test summary in k6's stdout, legacy (k6 ≤ 0.x) and v1.x
 * layouts, with the precision each printed value has.
 */
#ifndef SMOKEKIT_K6LOG_H
#define SMOKEKIT_K6LOG_H

#include <stddef.h>

#include "result.h"

/*
 * The last summary in buf[0..len). Returns 0 with r filled, or -1 with
 * r->err saying why (no summary, or what is absent and what is there).
 */
int k6log_parse(const char *buf, size_t len, const struct query *q,
    struct result *r);

#endif
