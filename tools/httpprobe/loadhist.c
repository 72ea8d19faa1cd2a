/* smokekit: the load run's latency histograms, for p95parse --merge. */
#include <stdio.h>
#include <string.h>

#include "jsonout.h"
#include "loadhist.h"
#include "loadstats.h"
#include "loghist.h"

static void
one(FILE *fp, int first, const char *name, const struct loghist *h)
{
	fputs(first ? "\n        " : ",\n        ", fp);
	json_put_cstring(fp, name);
	fputs(": ", fp);
	loghist_write_json(fp, h);
}

void
loadhist_export(FILE *fp, const struct load_stats *s)
{
	const struct loghist *all = &s->all.h, *ok_h = s->ok_apart ? &s->ok.h : &s->all.h;
	const char *ok = "http_req_duration{expected_response:true}";
	char tagged[600];
	int tag_first;

	if (s->reqs == 0)
		return;
	fputs(",\n    \"smokekit_histogram\": {", fp);
	one(fp, 1, "http_req_duration", all);
	tagged[0] = '\0';
	if (s->tag_key != NULL)
		snprintf(tagged, sizeof tagged, "http_req_duration{%s:%s}",
		    s->tag_key, s->tag_value);
	/* Sub-metrics in the order "metrics" lists them: sorted by name. */
	tag_first = tagged[0] != '\0' && strcmp(tagged, ok) < 0;
	if (tag_first)
		one(fp, 0, tagged, all);
	if (ok_h->count > 0)
		one(fp, 0, ok, ok_h);
	if (tagged[0] != '\0' && !tag_first)
		one(fp, 0, tagged, all);
	fputs("\n    }", fp);
}
