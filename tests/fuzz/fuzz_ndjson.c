/*
 * libFuzzer harness: --out json NDJSON (tools/p95parse/ndjson.c and
 * ndjson_fast.c), fed in pieces, and differential: the fast path must give
 * what the plain path gives.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ndjson.h"
#include "result.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
run(const uint8_t *data, size_t size, size_t piece, int fast, struct result *r)
{
	static const struct tag tags[] = { { "ep", "models" }, { "status", "200" } };
	static const struct query q = { "http_req_duration", tags, 2, 95 };
	struct ndjson *nd = ndjson_new(&q, fast);
	size_t off;
	int rc;

	for (off = 0; off < size; off += piece)
		if (ndjson_feed(nd, (const char *)data + off,
		    size - off < piece ? size - off : piece) != 0)
			break;
	result_init(r);
	rc = ndjson_finish(nd, r);
	ndjson_free(nd);
	return rc;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct result plain, fast;
	size_t piece;
	int rp, rf;

	if (size == 0)
		return 0;
	/* The first byte chooses the piece size, so line splits are explored. */
	piece = (size_t)data[0] % 64 + 1;
	data++;
	size--;
	rp = run(data, size, size + 1, 0, &plain);
	rf = run(data, size, piece, 1, &fast);
	/*
	 * The fast path skips the lines of other metrics (their framing only
	 * is checked), so it may accept what the plain path refuses; never
	 * the reverse, and never another figure.
	 */
	if (rp == 0 && (rf != 0 || memcmp(&plain.pct, &fast.pct, sizeof fast.pct) != 0 ||
	    memcmp(&plain.avg, &fast.avg, sizeof fast.avg) != 0 ||
	    memcmp(&plain.max, &fast.max, sizeof fast.max) != 0 ||
	    plain.requests != fast.requests || plain.failed_n != fast.failed_n ||
	    plain.failed_total != fast.failed_total ||
	    strcmp(plain.failed_metric, fast.failed_metric) != 0))
		abort();
	result_free(&plain);
	result_free(&fast);
	return 0;
}
