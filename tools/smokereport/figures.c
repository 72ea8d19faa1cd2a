/* smokereport: the latency figures and the samples behind them (figures.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "figures.h"
#include "num.h"

/* p95_ms, p99_9_ms: 'p', digits, optionally '_' and digits, "_ms". */
static int
is_percentile_key(const char *k)
{
	const char *p = k + 1;

	if (k[0] != 'p' || !(*p >= '0' && *p <= '9'))
		return strcmp(k, "med_ms") == 0;
	while (*p >= '0' && *p <= '9')
		p++;
	if (*p == '_' && p[1] >= '0' && p[1] <= '9')
		for (p++; *p >= '0' && *p <= '9'; p++)
			;
	return strcmp(p, "_ms") == 0;
}

static int
is_latency_key(const char *k)
{
	return is_percentile_key(k) || strcmp(k, "avg_ms") == 0 ||
	    strcmp(k, "min_ms") == 0 || strcmp(k, "max_ms") == 0;
}

size_t
latency_figures(const struct run *r, struct figure *out, size_t max)
{
	const struct group *m = facts_section(r, "metrics");
	const char *n;
	double samples = NAN, d;
	size_t i, k = 0;

	if (m == NULL)
		return 0;
	/* The latency's own count first; the failure rate's total counts the same requests. */
	if ((n = group_get(m, "samples")) == NULL && (n = group_get(m, "requests")) == NULL)
		n = group_get(m, "http_req_failed_of");
	if (n != NULL && parse_double(n, 0, 1e18, &d) == 0)
		samples = d;
	for (i = 0; i < m->n && k < max; i++)
		if (is_latency_key(m->kv[i].key)) {
			out[k].key = m->kv[i].key;
			out[k].value = m->kv[i].val;
			out[k].samples = samples;
			out[k].percentile = is_percentile_key(m->kv[i].key);
			k++;
		}
	return k;
}

const char *
figure_name(const char *key, char *buf, size_t size)
{
	size_t n = strlen(key) - 3, i;

	if (strcmp(key, "med_ms") == 0) {
		snprintf(buf, size, "median");
		return buf;
	}
	snprintf(buf, size, "%.*s", (int)n, key);
	if (key[0] == 'p')
		for (i = 0; buf[i] != '\0'; i++)
			if (buf[i] == '_')
				buf[i] = '.';
	return buf;
}

const char *
figure_warning(const struct figure *f, char *buf, size_t size)
{
	char name[64];

	if (!f->percentile || isnan(f->samples) || f->samples >= FEW_SAMPLES)
		return NULL;
	snprintf(buf, size, "%s of %.0f samples: fewer than %d, so it is close to their "
	    "maximum, not a percentile to rely on", figure_name(f->key, name, sizeof name),
	    f->samples, FEW_SAMPLES);
	return buf;
}
