/* smokekit: the load run's latency histograms, for p95parse --merge. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonout.h"
#include "loadhist.h"
#include "loadstats.h"
#include "loghist.h"
#include "xalloc.h"

struct loadhist {
	struct loghist all;   /* http_req_duration (and its --tag sub-metric) */
	struct loghist ok;    /* http_req_duration{expected_response:true} */
};

void
loadhist_add(struct loadhist **hp, const struct load_result *r)
{
	struct loadhist *h = *hp;

	if (h == NULL) {
		h = *hp = xmalloc(sizeof *h);
		loghist_init(&h->all);
		loghist_init(&h->ok);
	}
	/* A latency is never negative; a clock step must not make it a bad bucket. */
	loghist_add(&h->all, r->ms > 0 ? r->ms : 0);
	if (r->expected)
		loghist_add(&h->ok, r->ms > 0 ? r->ms : 0);
}

void
loadhist_free(struct loadhist **hp)
{
	if (*hp == NULL)
		return;
	loghist_free(&(*hp)->all);
	loghist_free(&(*hp)->ok);
	free(*hp);
	*hp = NULL;
}

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
	const struct loadhist *h = s->hist;
	const char *ok = "http_req_duration{expected_response:true}";
	char tagged[600];
	int tag_first;

	if (h == NULL || s->reqs == 0)
		return;
	fputs(",\n    \"smokekit_histogram\": {", fp);
	one(fp, 1, "http_req_duration", &h->all);
	tagged[0] = '\0';
	if (s->tag_key != NULL)
		snprintf(tagged, sizeof tagged, "http_req_duration{%s:%s}",
		    s->tag_key, s->tag_value);
	/* Sub-metrics in the order "metrics" lists them: sorted by name. */
	tag_first = tagged[0] != '\0' && strcmp(tagged, ok) < 0;
	if (tag_first)
		one(fp, 0, tagged, &h->all);
	if (h->ok.count > 0)
		one(fp, 0, ok, &h->ok);
	if (tagged[0] != '\0' && !tag_first)
		one(fp, 0, tagged, &h->all);
	fputs("\n    }", fp);
}
