/* smokereport: the plots of report.html as inline SVG (svg.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "markup.h"
#include "svg.h"

/* The plot area inside the SVG_W x SVG_H frame. */
#define X0 64.0
#define X1 (SVG_W - 16.0)
#define Y0 16.0
#define Y1 (SVG_H - 40.0)

const char *
fmt_ms(char *buf, size_t size, double ms)
{
	if (isnan(ms))
		snprintf(buf, size, "unknown");
	else
		snprintf(buf, size, "%.2f ms", ms);
	return buf;
}

const char *
fmt_pct(char *buf, size_t size, double ratio)
{
	if (isnan(ratio))
		snprintf(buf, size, "unknown");
	else
		snprintf(buf, size, "%.2f%%", ratio * 100);
	return buf;
}

/* A step of 1, 2 or 5 times a power of ten giving about n ticks up to max. */
static double
nice_step(double max, int n)
{
	double raw = max / n, p = pow(10, floor(log10(raw))), m = raw / p;

	return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

/* The top of a y axis from the highest value: a whole number of steps. */
static double
nice_top(double max, double *step)
{
	if (!(max > 0) || isinf(max))
		max = 1;
	*step = nice_step(max, 5);
	return ceil(max / *step) * *step;
}

static void
svg_begin(FILE *fp, const char *id, int h, const char *label)
{
	fprintf(fp, "<svg id=\"%s\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
	    "height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"", id, SVG_W, h,
	    SVG_W, h);
	xml_put(fp, label);
	fprintf(fp, "\">\n<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#fff\"/>\n",
	    SVG_W, h);
}

/* The y axis: grid lines and labels from 0 to top, and the frame. */
static void
y_axis(FILE *fp, double top, double step, const char *unit)
{
	double v, y;

	for (v = 0; v <= top * (1 + 1e-9); v += step) {
		y = Y1 - v / top * (Y1 - Y0);
		fprintf(fp, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
		    "stroke=\"#e5e5e5\"/>\n", X0, y, X1, y);
		fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" "
		    "font-size=\"11\">%g</text>\n", X0 - 4, y + 4, v);
	}
	fprintf(fp, "<text x=\"12\" y=\"%.1f\" font-size=\"11\" transform=\"rotate(-90 12 %.1f)\" "
	    "text-anchor=\"middle\">%s</text>\n", (Y0 + Y1) / 2, (Y0 + Y1) / 2, unit);
	fprintf(fp, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
	    "fill=\"none\" stroke=\"#999\"/>\n", X0, Y0, X1 - X0, Y1 - Y0);
}

/* The x axis in seconds from the start, 0 to span. */
static void
x_axis_seconds(FILE *fp, double span)
{
	double step = nice_step(span, 8), t, x;

	for (t = 0; t <= span * (1 + 1e-9); t += step) {
		x = X0 + t / span * (X1 - X0);
		fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
		    "font-size=\"11\">%g</text>\n", x, Y1 + 14, t);
	}
	fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"11\">"
	    "seconds from the start</text>\n", (X0 + X1) / 2, Y1 + 30);
}

/* The width of a row in seconds, and the span the x axis covers. */
static double
row_width(const struct series *s)
{
	return (isnan(s->step) || s->step <= 0 ? 1 : s->step) * s->merged;
}

static double
span_of(const struct series *s)
{
	return s->nrow == 0 ? 1 : s->row[s->nrow - 1].t + row_width(s);
}

enum field { F_P50, F_P95, F_MAX };

static double
field_of(const struct series_row *r, enum field f)
{
	return r->n == 0 ? NAN : f == F_P50 ? r->p50 : f == F_P95 ? r->p95 : r->max;
}

/* One field of the rows as a path, broken where a row has no value. */
static void
line_of(FILE *fp, const struct series *s, enum field f, double top, const char *colour,
    double width, int *clipped)
{
	double span = span_of(s), half = row_width(s) / 2, v, x, y;
	int pen = 0;
	size_t i;

	fprintf(fp, "<path fill=\"none\" stroke=\"%s\" stroke-width=\"%.1f\" "
	    "stroke-linejoin=\"round\" d=\"", colour, width);
	for (i = 0; i < s->nrow; i++) {
		v = field_of(&s->row[i], f);
		if (isnan(v)) {
			pen = 0;
			continue;
		}
		if (v > top) {
			v = top;
			if (clipped != NULL)
				*clipped = 1;
		}
		x = X0 + (s->row[i].t + half) / span * (X1 - X0);
		y = Y1 - v / top * (Y1 - Y0);
		fprintf(fp, "%s%.1f %.1f", pen ? " L" : (i > 0 ? " M" : "M"), x, y);
		/* A lone point is a short tick, so that it shows. */
		if (!pen && (i + 1 == s->nrow || isnan(field_of(&s->row[i + 1], f))))
			fprintf(fp, " L%.1f %.1f", x + 2, y);
		pen = 1;
	}
	fputs("\"/>\n", fp);
}

void
svg_latency(FILE *fp, const struct series *s, double gate_ms, int *clipped)
{
	double hi = 0, step, top, y;
	size_t i;

	for (i = 0; i < s->nrow; i++)
		if (!isnan(s->row[i].p95) && s->row[i].p95 > hi)
			hi = s->row[i].p95;
	/*
	 * Room above p95 and the gate; a max far above is clipped, and said
	 * so. A gate far above the latencies would flatten them to a line at
	 * the bottom: it is then named at the top edge instead of drawn.
	 */
	if (!isnan(gate_ms) && gate_ms > hi && gate_ms <= 4 * hi)
		hi = gate_ms;
	top = nice_top(hi * 1.25, &step);
	*clipped = 0;
	svg_begin(fp, "svg-latency", SVG_H, "latency per second: p50, p95 and max, with the gate");
	y_axis(fp, top, step, "ms");
	x_axis_seconds(fp, span_of(s));
	line_of(fp, s, F_MAX, top, C_MAX, 1.5, clipped);
	line_of(fp, s, F_P50, top, C_P50, 2.5, NULL);
	line_of(fp, s, F_P95, top, C_P95, 2.5, NULL);
	if (!isnan(gate_ms) && gate_ms > top) {
		fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" font-size=\"11\">"
		    "gate %.2f ms: above the plot \xe2\x86\x91</text>\n", X1 - 4, Y0 + 12, gate_ms);
	} else if (!isnan(gate_ms)) {
		y = Y1 - gate_ms / top * (Y1 - Y0);
		fprintf(fp, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#000\" "
		    "stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>\n", X0, y, X1, y);
		fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" font-size=\"11\">"
		    "gate %.2f ms</text>\n", X1 - 4, y - 4, gate_ms);
	}
	fputs("</svg>\n", fp);
}

/* The lower edge of bin i: the previous bound, or one ratio below the first. */
static double
bin_low(const struct series *s, size_t i)
{
	if (i > 0)
		return s->bin[i - 1].le;
	if (s->nbin > 1 && !isinf(s->bin[1].le))
		return s->bin[0].le * s->bin[0].le / s->bin[1].le;
	return s->bin[0].le / 2;
}

/* Where a value falls on the histogram's x axis (log scale inside a bin). */
static double
hist_x(const struct series *s, double v)
{
	double bw = (X1 - X0) / (double)s->nbin, lo, hi, f;
	size_t i;

	for (i = 0; i < s->nbin; i++) {
		if (v > s->bin[i].le)
			continue;
		if (isinf(s->bin[i].le))
			return X0 + (i + 0.5) * bw;
		lo = bin_low(s, i);
		hi = s->bin[i].le;
		f = v <= lo ? 0 : (log(v) - log(lo)) / (log(hi) - log(lo));
		return X0 + (i + f) * bw;
	}
	return X1;
}

static void
marker(FILE *fp, const struct series *s, double v, const char *name, const char *colour,
    int row)
{
	double x;

	if (isnan(v))
		return;
	x = hist_x(s, v);
	fprintf(fp, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
	    "stroke-width=\"2\"/>\n", x, Y0, x, Y1, colour);
	/* Near the right edge the label goes to the left of its line. */
	fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" fill=\"%s\"%s>%s %.2f ms"
	    "</text>\n", x > X1 - 100 ? x - 3 : x + 3, Y0 + 12 + 13 * row, colour,
	    x > X1 - 100 ? " text-anchor=\"end\"" : "", name, v);
}

void
svg_histogram(FILE *fp, const struct series *s, double p50, double p95, double p99)
{
	double hi = 0, step, top, bw, h, x;
	size_t i, every;

	for (i = 0; i < s->nbin; i++)
		if (s->bin[i].count > hi)
			hi = s->bin[i].count;
	top = nice_top(hi, &step);
	svg_begin(fp, "svg-histogram", SVG_H, "latency histogram, log-spaced bins, p50 p95 p99 marked");
	y_axis(fp, top, step, "requests");
	bw = (X1 - X0) / (double)s->nbin;
	for (i = 0; i < s->nbin; i++) {
		h = s->bin[i].count / top * (Y1 - Y0);
		if (h > 0)
			fprintf(fp, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
			    "fill=\"%s\"/>\n", X0 + i * bw + 0.5, Y1 - h, bw > 2 ? bw - 1 : bw, h,
			    C_HIST);
	}
	every = s->nbin / 10 + 1;
	for (i = 0; i < s->nbin; i += every) {
		x = X0 + (i + 1) * bw;
		if (isinf(s->bin[i].le))
			fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
			    "font-size=\"11\">&gt;%g</text>\n", x - bw / 2, Y1 + 14, bin_low(s, i));
		else
			fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
			    "font-size=\"11\">%g</text>\n", x, Y1 + 14, s->bin[i].le);
	}
	fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"11\">"
	    "ms (upper bound of each bin, log scale)</text>\n", (X0 + X1) / 2, Y1 + 30);
	marker(fp, s, p50, "p50", C_P50, 0);
	marker(fp, s, p95, "p95", C_P95, 1);
	marker(fp, s, p99, "p99", C_P99, 2);
	fputs("</svg>\n", fp);
}

void
svg_requests(FILE *fp, const struct series *s)
{
	double w = row_width(s), span = span_of(s), hi = 0, step, top, bw, x, h;
	size_t i;

	for (i = 0; i < s->nrow; i++)
		if (s->row[i].n / w > hi)
			hi = s->row[i].n / w;
	top = nice_top(hi, &step);
	svg_begin(fp, "svg-requests", SVG_H, "requests and failed requests per second");
	y_axis(fp, top, step, "per second");
	x_axis_seconds(fp, span);
	bw = w / span * (X1 - X0);
	for (i = 0; i < s->nrow; i++) {
		x = X0 + s->row[i].t / span * (X1 - X0);
		h = s->row[i].n / w / top * (Y1 - Y0);
		if (h > 0)
			fprintf(fp, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
			    "fill=\"%s\"/>\n", x, Y1 - h, bw > 2 ? bw - 0.5 : bw, h, C_REQ);
		h = s->row[i].failed / w / top * (Y1 - Y0);
		if (h > 0)
			fprintf(fp, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
			    "fill=\"%s\"/>\n", x, Y1 - (h < 2 ? 2 : h), bw > 2 ? bw - 0.5 : bw,
			    h < 2 ? 2 : h, C_FAIL);
	}
	fputs("</svg>\n", fp);
}

static const char *
status_colour(const char *code)
{
	switch (code[0]) {
	case '2': return "#2ca02c";
	case '3': return "#1f77b4";
	case '4': return "#ff7f0e";
	case '5': return "#d62728";
	default: return "#8c8c8c";
	}
}

void
svg_status(FILE *fp, const struct series *s)
{
	double hi = 0, w;
	size_t i;
	int h = 24 * (int)s->nstatus + 16;

	for (i = 0; i < s->nstatus; i++)
		if (s->status[i].count > hi)
			hi = s->status[i].count;
	svg_begin(fp, "svg-status", h, "requests by status code");
	for (i = 0; i < s->nstatus; i++) {
		w = hi > 0 ? s->status[i].count / hi * (X1 - X0 - 120) : 0;
		fprintf(fp, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"end\" font-size=\"12\">",
		    X0 - 6, 8 + 24 * (int)i + 16);
		xml_put(fp, s->status[i].code);
		fprintf(fp, "</text>\n<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"18\" "
		    "fill=\"%s\"/>\n", X0, 8 + 24 * (int)i + 2, w < 1 ? 1 : w,
		    status_colour(s->status[i].code));
		fprintf(fp, "<text x=\"%.1f\" y=\"%d\" font-size=\"12\">%.0f</text>\n",
		    X0 + (w < 1 ? 1 : w) + 6, 8 + 24 * (int)i + 16, s->status[i].count);
	}
	fputs("</svg>\n", fp);
}
