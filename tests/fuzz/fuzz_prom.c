/* libFuzzer harness: Prometheus text exposition (tools/p95parse/prom.c). */
#include <stddef.h>
#include <stdint.h>

#include "prom.h"
#include "result.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct tag tags[] = { { "ep", "models" } };
	static const struct query queries[] = {
		{ "x", NULL, 0, 95 },
		{ "http_req_duration", tags, 1, 99.9 },
	};
	const char *buf = (const char *)data;
	struct result r;
	size_t i;

	(void)prom_detect(buf, size);
	for (i = 0; i < sizeof queries / sizeof queries[0]; i++) {
		result_init(&r);
		(void)prom_parse(buf, size, &queries[i], &r);
		result_free(&r);
	}
	return 0;
}
