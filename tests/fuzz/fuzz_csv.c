/*
 * libFuzzer harness: k6's --out csv (tools/p95parse/csv.c), read whole and
 * fed in pieces: the split must never change the answer.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "result.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
run(const uint8_t *data, size_t size, size_t piece, struct result *r)
{
	static const struct tag tags[] = { { "ep", "models" }, { "status", "200" } };
	static const struct query q = { "http_req_duration", tags, 2, 95 };
	struct csv *c = csv_new(&q);
	size_t off;
	int rc;

	for (off = 0; off < size; off += piece)
		if (csv_feed(c, (const char *)data + off,
		    size - off < piece ? size - off : piece) != 0)
			break;
	result_init(r);
	rc = csv_finish(c, r);
	csv_free(c);
	return rc;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct result whole, pieces;
	size_t piece;
	int rw, rp;

	if (size == 0)
		return 0;
	piece = (size_t)data[0] % 64 + 1;
	data++;
	size--;
	rw = run(data, size, size + 1, &whole);
	rp = run(data, size, piece, &pieces);
	if (rw != rp || (rw == 0 && (memcmp(&whole.pct, &pieces.pct, sizeof whole.pct) != 0 ||
	    memcmp(&whole.avg, &pieces.avg, sizeof whole.avg) != 0 ||
	    whole.requests != pieces.requests || whole.failed_n != pieces.failed_n ||
	    whole.failed_total != pieces.failed_total)))
		abort();
	result_free(&whole);
	result_free(&pieces);
	return 0;
}
