/* libFuzzer harness: k6's stdout summary and JSON summaries (tools/p95parse/). */
#include <stddef.h>
#include <stdint.h>

#include "detect.h"
#include "k6log.h"
#include "result.h"
#include "summary.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct tag tags[] = { { "ep", "models" }, { "group", "::g" } };
	static const struct query queries[] = {
		{ "http_req_duration", tags, 1, 95 },
		{ "http_req_duration", NULL, 0, 99.9 },
		{ "http_req_duration", tags, 2, 50 },
	};
	const char *buf = (const char *)data;
	struct result r;
	char msg[256];
	size_t i;

	(void)input_unreadable(buf, size, "f", msg, sizeof msg);
	(void)input_detect(buf, size);
	for (i = 0; i < sizeof queries / sizeof queries[0]; i++) {
		result_init(&r);
		(void)k6log_parse(buf, size, &queries[i], &r);
		result_free(&r);
		result_init(&r);
		(void)summary_parse(buf, size, &queries[i], &r);
		result_free(&r);
	}
	return 0;
}
