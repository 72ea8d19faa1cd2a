/* libFuzzer harness: k6's stdout summary and JSON summaries (tools/lib/k6.c). */
#include <stddef.h>
#include <stdint.h>

#include "k6.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct k6_tag tags[] = { { "ep", "models" }, { "group", "::g" } };
	static const struct k6_query queries[] = {
		{ "http_req_duration", tags, 1, 95 },
		{ "http_req_duration", NULL, 0, 99.9 },
		{ "http_req_duration", tags, 2, 50 },
	};
	const char *buf = (const char *)data;
	struct k6_result r;
	size_t i;

	(void)k6_unreadable(buf, size);
	(void)k6_detect(buf, size);
	for (i = 0; i < sizeof queries / sizeof queries[0]; i++) {
		k6_result_init(&r);
		(void)k6_parse_log(buf, size, &queries[i], &r);
		k6_result_free(&r);
		k6_result_init(&r);
		(void)k6_parse_json(buf, size, &queries[i], &r);
		k6_result_free(&r);
	}
	return 0;
}
