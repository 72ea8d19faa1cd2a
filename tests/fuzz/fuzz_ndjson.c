/* libFuzzer harness: --out json NDJSON (tools/lib/k6.c), fed in pieces. */
#include <stddef.h>
#include <stdint.h>

#include "k6.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct k6_tag tags[] = { { "ep", "models" }, { "status", "200" } };
	static const struct k6_query q = { "http_req_duration", tags, 2, 95 };
	struct k6_ndjson *nd;
	struct k6_result r;
	size_t piece, off;

	if (size == 0)
		return 0;
	/* The first byte chooses the piece size, so line splits are explored. */
	piece = (size_t)data[0] % 64 + 1;
	data++;
	size--;
	if ((nd = k6_ndjson_new(&q)) == NULL)
		return 0;
	for (off = 0; off < size; off += piece)
		if (k6_ndjson_feed(nd, (const char *)data + off,
		    size - off < piece ? size - off : piece) != 0)
			break;
	k6_result_init(&r);
	(void)k6_ndjson_finish(nd, &r);
	k6_result_free(&r);
	k6_ndjson_free(nd);
	return 0;
}
