#!/bin/sh
# smokereport -H: report.html, checked with a real HTML parser (python3's
# html.parser) and, where Chromium is installed, in a real browser: a
# headless screenshot must not be blank and must show each plot where the
# page lays it out.
# The helpers below run inside test bodies (eval), hence SC2317.
# shellcheck source=tests/lib.sh disable=SC2317
. "${0%/*}/lib.sh"

have python3 || skip_all "no python3 (it checks the HTML)"

# A run directory as the pipeline leaves it, and the facts of the run.
make_run() {
	mkdir -p run/k6_out &&
	printf '{"ok":true}\n' >run/healthz.json &&
	printf '{"data":[]}\n' >run/models.json &&
	printf 'summary\n' >run/k6_stdout.log &&
	printf '{}\n' >run/k6_out/k6_models.json &&
	cat >facts <<-\EOF
	base_url=http://localhost:8082
	k6_mode=native
	p95_max_ms=20
	failed_max=0.01
	started=2026-12-03T06:34:26Z
	host=box <b>&"'
	tools.httpprobe=httpprobe smokekit 0.1.0
	tools.k6=absent
	check.healthz.ok=true
	check.healthz.detail=HTTP 200, ok is true
	check.healthz.ms=12.5
	check.models.ok=true
	check.models.detail=2 models <script>alert(1)</script>
	check.gate.ok=false
	check.gate.detail=p95 21.00 ms is not below 20 ms
	check.gate.evidence=k6_out/k6_models.json k6_stdout.log
	metrics.p95_ms=21.004567891
	metrics.avg_ms=3.2497667953985188
	metrics.med_ms=3.4588645
	metrics.max_ms=37.904757
	metrics.http_req_failed=0.012325390304026294
	metrics.http_req_failed_count=30
	metrics.http_req_failed_of=2434
	metrics.requests=2434
	metrics.source=summary-export
	failed_step=gate
	reason=p95 21.00 ms is not below 20 ms
	EOF
}

# make_series SECONDS: a per-second series in p95parse's --series format.
make_series() {
	awk -v n="$1" 'BEGIN {
		print "# a series written by hand"
		print "series metric=http_req_duration{ep:models} start=2026-12-03T06:34:26Z step=1 samples=2434 failed=30 p50=3.4588645 p95=21.004567891 p99=30.5 max=37.904757"
		for (t = 0; t < n; t++)
			printf "row t=%d n=%d failed=%d p50=%.3f p95=%.3f max=%.3f\n", t,
			    40 + int(10 * sin(t / 5)), (t >= 20 && t < 25) ? 3 : 0,
			    3 + sin(t / 7), 15 + 6 * sin(t / 9), 25 + 5 * cos(t)
		split("1 1.25 1.6 2 2.5 3.2 4 5 6.3 8", r, " ")
		for (e = 1; e <= 10; e *= 10)
			for (i = 1; i <= 10; i++)
				printf "hist le=%g count=%d\n", r[i] * e, 800 * exp(-((i + (e > 1) * 10 - 7) / 3) ^ 2)
		print "hist le=+Inf count=2"
		print "status code=200 count=2404"
		print "status code=503 count=30"
	}' >series.txt
}

# html_facts FILE: parses the page with python3's html.parser and prints
# what a reader sees: the tags' balance, scripts, external references, the
# verdict, each check, the metrics table, the summary, the plots.
html_facts() {
	python3 -c '
import sys
from html.parser import HTMLParser
VOID = {"area","base","br","col","embed","hr","img","input","link","meta","param","source","track","wbr"}
class P(HTMLParser):
    def __init__(s):
        super().__init__(convert_charrefs=True)
        s.stack, s.errors, s.scripts, s.external = [], [], 0, []
        s.ids, s.text, s.cur, s.rows, s.row, s.cell, s.svgs, s.paths = {}, [], None, [], None, None, [], 0
    def attrs(s, tag, attrs):
        for k, v in attrs:
            v = v or ""
            if k.startswith("on"):
                s.external.append("event handler " + k)
            if k == "xmlns":
                continue
            low = v.strip().lower()
            if k in ("href", "src", "xlink:href", "action", "srcset", "poster") and (":" in low.split("/")[0] or low.startswith("//")):
                s.external.append(k + "=" + v)
            if "url(" in low:
                s.external.append(k + "=" + v)
            if k == "id":
                s.ids[v] = True
                s.cur = v if v in ("verdict", "no-series") else s.cur
    def handle_starttag(s, tag, attrs):
        s.attrs(tag, attrs)
        if tag == "script":
            s.scripts += 1
        if tag == "svg":
            s.svgs.append(dict(attrs).get("id"))
        if tag == "path":
            s.paths = max(s.paths, dict(attrs).get("d", "").count(" L"))
        if tag == "table":
            s.table = dict(attrs).get("id")
        if tag == "tr":
            s.row = []
        if tag in ("td", "th"):
            s.cell = []
        if tag not in VOID:
            s.stack.append(tag)
    def handle_startendtag(s, tag, attrs):
        s.attrs(tag, attrs)
        if tag == "path":
            s.paths = max(s.paths, dict(attrs).get("d", "").count(" L"))
        if tag not in VOID and "svg" not in s.stack:
            s.errors.append("<%s/> outside svg" % tag)
    def handle_endtag(s, tag):
        if tag in VOID:
            return
        if not s.stack or s.stack[-1] != tag:
            s.errors.append("</%s> closes <%s>" % (tag, s.stack[-1] if s.stack else "nothing"))
            return
        s.stack.pop()
        if tag in ("td", "th") and s.row is not None:
            s.row.append(" ".join("".join(s.cell).split()))
            s.cell = None
        if tag == "tr" and s.row is not None:
            s.rows.append((s.table, s.row))
            s.row = None
        if tag == "p" and s.cur:
            print(s.cur + ": " + " ".join("".join(s.text).split()))
            s.cur, s.text = None, []
    def handle_data(s, d):
        if s.cell is not None:
            s.cell.append(d)
        if s.cur:
            s.text.append(d)
    def handle_comment(s, d):
        s.errors.append("a comment")
p = P()
src = open(sys.argv[1], encoding="utf-8").read()
p.feed(src)
p.close()
if not src.startswith("<!DOCTYPE html>\n"):
    p.errors.append("no doctype")
print("balanced" if not p.stack and not p.errors else "unbalanced: %s %s" % (p.stack, p.errors))
print("scripts %d" % p.scripts)
print("external %s" % (p.external or "none"))
for t, r in p.rows:
    if t in ("checks", "metrics", "summary"):
        print(t + ": " + " | ".join(r))
print("svg: " + " ".join(x for x in p.svgs))
print("longest path: %d segments" % p.paths)
' "$1"
}

# metrics_rows FILE: metrics.txt as html_facts prints the metrics table.
metrics_rows() {
	sed 's/=/ | /; s/^/metrics: /' "$1"
}

test_expect_success 'the page: well formed, no script, no external reference, the numbers of metrics.txt' '
	make_run && make_series 60 &&
	expect_code 1 smokereport -o run/status.json -m run/metrics.txt -H run/report.html \
	    -s series.txt facts 2>err &&
	test ! -s err &&
	html_facts run/report.html >facts.out &&
	contains balanced facts.out &&
	contains "scripts 0" facts.out &&
	contains "external none" facts.out &&
	metrics_rows run/metrics.txt >want &&
	grep "^metrics: " facts.out >got &&
	check want got &&
	contains "verdict: FAIL gate: p95 21.00 ms is not below 20 ms" facts.out &&
	contains "svg: svg-latency svg-histogram svg-requests svg-status" facts.out
'

test_expect_success 'the page: every check with its mark, figure, time and evidence links' '
	make_run && make_series 60 &&
	expect_code 1 smokereport -o run/status.json -H run/report.html -s series.txt facts &&
	html_facts run/report.html >facts.out &&
	grep "^checks: " facts.out >got &&
	cat >want <<-\EOF &&
	checks:  | check | figure | time | evidence
	checks: ✓ | healthz | HTTP 200, ok is true | 12.50 ms | healthz.json
	checks: ✓ | models | 2 models <script>alert(1)</script> |  | models.json
	checks: ✗ | gate | p95 21.00 ms is not below 20 ms |  | k6_out/k6_models.json k6_stdout.log
	EOF
	check want got &&
	contains "<a href=\"k6_out/k6_models.json\">" run/report.html &&
	contains "&lt;script&gt;alert(1)&lt;/script&gt;" run/report.html &&
	contains "box &lt;b&gt;&amp;&quot;&apos;" run/report.html
'

test_expect_success 'the summary: ms and percent with two decimals, from the exact metrics' '
	make_run && make_series 60 &&
	expect_code 1 smokereport -o run/status.json -H run/report.html -s series.txt facts &&
	html_facts run/report.html >facts.out &&
	grep "^summary: " facts.out >got &&
	cat >want <<-\EOF &&
	summary: p95 | 21.00 ms | of 2434 samples
	summary: avg | 3.25 ms | of 2434 samples
	summary: median | 3.46 ms | of 2434 samples
	summary: max | 37.90 ms | of 2434 samples
	summary: failed requests | 1.23% | 30 of 2434
	summary: source | summary-export
	EOF
	check want got
'

test_expect_success 'the files of the run are listed and linked, the page itself and temporaries not' '
	make_run && make_series 60 && : >run/.report.html.tmp.abcdef &&
	expect_code 1 smokereport -o run/status.json -H run/report.html -s series.txt facts &&
	expect_code 1 smokereport -o run/status.json -H run/report.html -s series.txt facts &&
	sed -n "/<ul id=\"files\">/,/<\/ul>/p" run/report.html >files &&
	cat >want <<-\EOF &&
	<ul id="files">
	<li><a href="healthz.json">healthz.json</a> (12 bytes)</li>
	<li><a href="k6_out/k6_models.json">k6_out/k6_models.json</a> (3 bytes)</li>
	<li><a href="k6_stdout.log">k6_stdout.log</a> (8 bytes)</li>
	<li><a href="models.json">models.json</a> (12 bytes)</li>
	<li><a href="status.json">status.json</a> (1311 bytes)</li>
	</ul>
	EOF
	sed "s/status.json<\/a> ([0-9]* bytes)/status.json<\/a> (1311 bytes)/" files >got &&
	check want got
'

test_expect_success 'a file name cannot leave the run: links are relative, odd bytes %-encoded' '
	mkdir run && : >"run/javascript:x \"<y>" &&
	printf "check.a.ok=true\n" >facts &&
	expect_code 0 smokereport -o /dev/null -H run/report.html facts &&
	contains "<a href=\"javascript%3Ax%20%22%3Cy%3E\">javascript:x &quot;&lt;y&gt;</a>" \
	    run/report.html &&
	html_facts run/report.html >facts.out &&
	contains balanced facts.out && contains "external none" facts.out
'

test_expect_success 'only a summary: the page says which plots cannot be drawn and why' '
	make_run &&
	expect_code 1 smokereport -o run/status.json -H run/report.html facts &&
	html_facts run/report.html >facts.out &&
	contains balanced facts.out &&
	contains "svg: " facts.out && lacks "svg-" facts.out &&
	contains "no-series: The plots of latency over the run, the latency histogram, requests and failures per second and the status codes cannot be drawn: no per-second series was given (smokereport -s)." facts.out &&
	contains "this run'"'"'s figures come from a summary (summary-export), which has no time in it." facts.out &&
	contains "summary: p95 | 21.00 ms | of 2434 samples" facts.out
'

test_expect_success 'a series file that does not exist: no plots, said why, not an error' '
	make_run &&
	expect_code 1 smokereport -o run/status.json -H run/report.html -s nothere.txt facts 2>err &&
	test ! -s err &&
	html_facts run/report.html >facts.out &&
	contains "cannot be drawn: the series nothere.txt could not be read: No such file or directory." facts.out
'

test_expect_success 'a malformed series: exit 3 naming its line, the page written and saying why' '
	make_run && printf "row t=0 n=x\n" >series.txt &&
	expect_code 3 smokereport -o run/status.json -H run/report.html -s series.txt facts 2>err &&
	check_str "smokereport: series.txt: line 1: a bad row line: want numbers where the format has them" err &&
	html_facts run/report.html >facts.out &&
	contains "could not be read: line 1: a bad row line" facts.out
'

test_expect_success 'rows out of order are malformed' '
	make_run && printf "row t=1 n=1\nrow t=1 n=2\n" >series.txt &&
	expect_code 3 smokereport -o /dev/null -H run/report.html -s series.txt facts 2>err &&
	contains "line 2: row lines must be in ascending order" err
'

test_expect_success 'times and steps out of range are malformed; far apart rows still fit 600 points' '
	make_run && printf "row t=1e13 n=1\n" >series.txt &&
	expect_code 3 smokereport -o /dev/null -H run/report.html -s series.txt facts 2>err &&
	contains "line 1: a bad row line" err &&
	printf "series step=0\n" >series.txt &&
	expect_code 3 smokereport -o /dev/null -H run/report.html -s series.txt facts 2>err &&
	contains "line 1: a bad series line" err &&
	awk "BEGIN { for (i = 0; i < 700; i++) printf \"row t=%d n=1 p50=1 p95=1 max=1\\n\", i
		print \"row t=1e12 n=1 p50=1 p95=1 max=1\" }" >series.txt &&
	expect_code 1 smokereport -o /dev/null -H run/report.html -s series.txt facts &&
	html_facts run/report.html >facts.out && contains balanced facts.out &&
	contains "each point is 1666666667 rows of the series merged" run/report.html
'

test_expect_success 'a long run: at most 600 points a line, the page small' '
	make_run && make_series 7200 &&
	expect_code 1 smokereport -o /dev/null -H run/report.html -s series.txt facts &&
	html_facts run/report.html >facts.out &&
	contains balanced facts.out &&
	sed -n "s/^longest path: \([0-9]*\) segments$/\1/p" facts.out >n &&
	test "$(cat n)" -le 600 && test "$(cat n)" -ge 300 &&
	test "$(wc -c <run/report.html)" -lt 200000 &&
	contains "each point is 12 rows of the series merged" run/report.html
'

test_expect_success 'no check, no metrics: a failing page that still parses' '
	mkdir run && printf "base_url=http://x\n" >facts &&
	expect_code 1 smokereport -o /dev/null -H run/report.html facts &&
	html_facts run/report.html >facts.out &&
	contains balanced facts.out &&
	contains "verdict: FAIL: no check was recorded" facts.out &&
	contains "no-series:" facts.out && contains "this run has no latency figures at all" facts.out
'

test_expect_success 'a verdict fact is the verdict line as given; PASS otherwise says so' '
	mkdir run && printf "check.a.ok=true\nverdict=smoke: PASS p95 1.00 ms < 1200 ms\n" >facts &&
	expect_code 0 smokereport -o /dev/null -H run/report.html facts &&
	html_facts run/report.html >facts.out &&
	contains "verdict: smoke: PASS p95 1.00 ms < 1200 ms" facts.out &&
	printf "check.a.ok=true\n" >facts &&
	expect_code 0 smokereport -o /dev/null -H run/report.html facts &&
	html_facts run/report.html >facts.out &&
	contains "verdict: PASS: every check passed" facts.out
'

test_expect_success '-H - writes the page on standard output, alone' '
	printf "check.a.ok=true\n" >facts &&
	expect_code 0 smokereport -H - facts >out &&
	head -n 1 out >first && check_str "<!DOCTYPE html>" first &&
	expect_code 2 smokereport -H - -o - facts >out 2>err &&
	contains "only one of -t, -o -, -H -, -J - and -m - may write to standard output" err
'

test_expect_success '-s without -H is a usage error' '
	printf "check.a.ok=true\n" >facts && make_series 3 &&
	expect_code 2 smokereport -s series.txt facts >out 2>err &&
	contains "smokereport: -s gives the page its plots: it needs -H" err &&
	test ! -s out
'

test_expect_success 'malformed facts: no page written, an earlier one left as it was' '
	mkdir run && printf "old\n" >run/report.html &&
	printf "no equals sign\n" >facts &&
	expect_code 3 smokereport -o /dev/null -H run/report.html facts 2>err &&
	check_str old run/report.html
'

# --- samples: a percentile of a handful is marked ---------------------

test_expect_success 'status.json: each latency figure with its samples; a warning under 20' '
	printf "%s\n" check.gate.ok=false metrics.p95_ms=1430.9870736999999 \
	    metrics.avg_ms=700.5 metrics.requests=7 metrics.healthz_ms=3 >facts &&
	expect_code 1 smokereport -o status.json -H report.html facts &&
	sed -n "/\"latency\"/,/^  ]/p" status.json >got &&
	cat >want <<-\EOF &&
	  "latency": {
	    "p95_ms": {"value":1430.9870736999999,"samples":7},
	    "avg_ms": {"value":700.5,"samples":7}
	  },
	  "warnings": [
	    "p95 of 7 samples: fewer than 20, so it is close to their maximum, not a percentile to rely on"
	  ],
	EOF
	check want got &&
	html_facts report.html >facts.out &&
	contains "summary: p95 | 1430.99 ms | of 7 samples (too few for a percentile)" facts.out &&
	contains "<li>p95 of 7 samples: fewer than 20" report.html
'

test_expect_success 'status.json: 20 samples and more, or an unknown count, warn of nothing' '
	printf "%s\n" check.a.ok=true metrics.p99_9_ms=5 metrics.med_ms=4 metrics.requests=20 >facts &&
	expect_code 0 smokereport facts >out &&
	contains "\"p99_9_ms\": {\"value\":5,\"samples\":20}" out &&
	contains "\"med_ms\": {\"value\":4,\"samples\":20}" out &&
	lacks warnings out &&
	printf "%s\n" check.a.ok=true metrics.p95_ms=5 >facts &&
	expect_code 0 smokereport facts >out &&
	contains "\"p95_ms\": {\"value\":5,\"samples\":null}" out &&
	lacks warnings out
'

test_expect_success 'metrics.samples, when given, is the count over metrics.requests' '
	printf "%s\n" check.a.ok=true metrics.p95_ms=5 metrics.requests=100 metrics.samples=3 >facts &&
	expect_code 0 smokereport facts >out &&
	contains "\"p95_ms\": {\"value\":5,\"samples\":3}" out &&
	contains "p95 of 3 samples" out
'

test_expect_success 'without requests, the failure rate'"'"'s total is the count (a native summary export)' '
	printf "%s\n" check.a.ok=true metrics.p95_ms=5 metrics.http_req_failed_of=12 >facts &&
	expect_code 0 smokereport facts >out &&
	contains "\"p95_ms\": {\"value\":5,\"samples\":12}" out &&
	contains "p95 of 12 samples" out
'

test_expect_success 'latency and warnings are reserved names' '
	printf "latency=x\ncheck.a.ok=true\n" >facts &&
	expect_code 3 smokereport facts >out 2>err &&
	contains "reserved key" err &&
	printf "warnings.a=x\ncheck.a.ok=true\n" >facts &&
	expect_code 3 smokereport facts >out 2>err &&
	contains "reserved key" err
'

test_expect_success 'man page example: samples, a percentile of seven in status.json (EXAMPLES)' '
	printf "%s\n" check.gate.ok=false metrics.p95_ms=1430.98 metrics.requests=7 >in &&
	expect_code 1 smokereport -o - <in >out &&
	sed -n "/latency/,/^  ]/p" out >got &&
	cat >want <<-\EOF &&
	  "latency": {
	    "p95_ms": {"value":1430.98,"samples":7}
	  },
	  "warnings": [
	    "p95 of 7 samples: fewer than 20, so it is close to their maximum, not a percentile to rely on"
	  ],
	EOF
	check want got
'

# --- p95parse --series: the series from the raw samples --------------------

# point METRIC TIME VALUE TAGS: one NDJSON Point line in k6's own layout.
point() {
	printf '{"metric":"%s","type":"Point","data":{"time":"%s","value":%s,"tags":{%s}}}\n' "$@"
}

test_expect_success 'p95parse --series: rows, failures, bins and codes of hand-made samples' '
	{
		point http_req_duration 2026-12-03T06:34:26.5Z 1 "\"ep\":\"models\",\"status\":\"200\"" &&
		point http_req_duration 2026-12-03T06:34:26.9Z 3 "\"ep\":\"models\",\"status\":\"200\"" &&
		point http_req_failed 2026-12-03T06:34:26.9Z 0 "\"ep\":\"models\"" &&
		point http_req_duration 2026-12-03T06:34:26.9Z 500 "\"ep\":\"other\",\"status\":\"200\"" &&
		point http_req_duration 2026-12-03T07:34:28.2+01:00 10 "\"ep\":\"models\",\"status\":\"503\"" &&
		point http_req_failed 2026-12-03T07:34:28.2+01:00 1 "\"ep\":\"models\"" &&
		printf "%s\n" "{\"type\":\"Point\",\"metric\":\"http_req_duration\",\"data\":{\"value\":2,\"time\":\"2026-12-03T06:34:28.7Z\",\"tags\":{\"status\":\"\u0032\u0030\u0030\",\"ep\":\"models\"}}}"
	} >raw.ndjson &&
	expect_code 0 p95parse -t ep=models -s series.txt raw.ndjson >out 2>err &&
	test ! -s err &&
	cat >want <<-\EOF &&
	# smokekit series 1 (p95parse --series; see p95parse(1))
	series metric=http_req_duration{ep:models} start=2026-12-03T06:34:26Z step=1 samples=4 failed=1 p50=2.5 p95=8.949999999999998 p99=9.79 max=10
	row t=0 n=2 failed=0 p50=2 p95=2.9 max=3
	row t=1 n=0 failed=0
	row t=2 n=2 failed=1 p50=6 p95=9.6 max=10
	hist le=1 count=1
	hist le=1.25 count=0
	hist le=1.6 count=0
	hist le=2 count=1
	hist le=2.5 count=0
	hist le=3.2 count=1
	hist le=4 count=0
	hist le=5 count=0
	hist le=6.3 count=0
	hist le=8 count=0
	hist le=10 count=1
	status code=200 count=3
	status code=503 count=1
	EOF
	check want series.txt &&
	contains p95_ms=8.949999999999998 out
'

for v in v0.57.0 v1.0.0; do
	test_expect_success "p95parse --series: real k6 $v NDJSON: the series is the gate's samples" "
		expect_code 0 p95parse -t ep=models -s series.txt \"\$TESTDATA/k6/$v/c_json_out/raw.ndjson\" >p95.txt &&
		n=\$(sed -n 's/^requests=//p' p95.txt) &&
		grep \"^series metric=http_req_duration{ep:models} start=.* step=1 samples=\$n failed=0 .* p95=\$(sed -n 's/^p95_ms=//p' p95.txt) \" series.txt &&
		awk '/^row /{ split(\$3, a, \"=\"); r += a[2] } /^hist /{ split(\$3, a, \"=\"); h += a[2] } END { print r, h }' series.txt >sums &&
		check_str \"\$n \$n\" sums &&
		grep -c '^status code=200 count='\"\$n\"'\$' series.txt >c && check_str 1 c
	"
done

test_expect_success 'p95parse --series: RFC 3339 offsets, fractions and a lower-case z place samples in their second' '
	{
		point http_req_duration 2026-12-03T01:00:00.999-05:00 1 "" &&
		point http_req_duration 2026-12-03t06:00:01z 2 "" &&
		point http_req_duration "2026-12-03 11:30:02.5+05:30" 3 ""
	} >raw.ndjson &&
	expect_code 0 p95parse -s series.txt raw.ndjson >out &&
	grep "^row " series.txt >got &&
	printf "%s\n" "row t=0 n=1 failed=0 p50=1 p95=1 max=1" "row t=1 n=1 failed=0 p50=2 p95=2 max=2" \
	    "row t=2 n=1 failed=0 p50=3 p95=3 max=3" >want &&
	check want got &&
	contains " start=2026-12-03T06:00:00Z " series.txt
'

test_expect_success 'p95parse --series: a summary has no series: said, not written, the gate decides' '
	printf "%s" "{\"metrics\":{\"http_req_duration\":{\"avg\":1,\"min\":1,\"med\":1,\"max\":1,\"p(90)\":1,\"p(95)\":1}}}" >export.json &&
	expect_code 0 p95parse --series series.txt --max 10 export.json >out 2>err &&
	test ! -e series.txt &&
	check_str "p95parse: --series series.txt: not written: export.json is not NDJSON, and only the raw samples (k6'"'"'s --out json, httpprobe'"'"'s --out) have the time of each request" err
'

test_expect_success 'p95parse --series: a time that is not RFC 3339 is exit 3, no file' '
	point http_req_duration "03/12/2026 06:34" 1 "" >raw.ndjson &&
	expect_code 3 p95parse -s series.txt raw.ndjson >out 2>err &&
	test ! -e series.txt &&
	contains "p95parse: --series series.txt: 1 Points have a time that is not RFC 3339, the first '"'"'03/12/2026 06:34'"'"'" err
'

test_expect_success 'p95parse --series: 10^5 samples over two hours: 600 rows of 12 s, a small page' '
	awk "BEGIN {
		for (i = 0; i < 100000; i++) {
			t = int(i * 7200 / 100000)
			printf \"{\\\"metric\\\":\\\"http_req_duration\\\",\\\"type\\\":\\\"Point\\\",\\\"data\\\":{\\\"time\\\":\\\"2026-12-03T%02d:%02d:%02dZ\\\",\\\"value\\\":%d,\\\"tags\\\":{\\\"status\\\":\\\"200\\\"}}}\\n\", int(t / 3600), int(t / 60) % 60, t % 60, 1 + i % 97
		}
	}" >raw.ndjson &&
	expect_code 0 p95parse -s series.txt raw.ndjson >p95.txt &&
	grep -c "^row " series.txt >n && check_str 600 n &&
	contains " step=12 samples=100000 " series.txt &&
	awk "/^row /{ split(\$3, a, \"=\"); n += a[2] } END { print n }" series.txt >sum &&
	check_str 100000 sum &&
	mkdir run && sed "s/^/metrics./" p95.txt >facts && echo check.gate.ok=true >>facts &&
	expect_code 0 smokereport -o /dev/null -H run/report.html -s series.txt facts &&
	test "$(wc -c <run/report.html)" -lt 100000 &&
	html_facts run/report.html >facts.out && contains balanced facts.out
'

# --- in a real browser ---------------------------------------------------

# png_check PNG BOXES...: the screenshot is not blank, and each box of each
# BOXES file ("id left top width height" a line) holds its plot: pixels of
# the plot's own colour, and more than one colour. One decode answers for
# every BOXES file, each line said with the name of its file.
# python3's standard library only: zlib inflates the PNG, Python unfilters.
png_check() {
	python3 -c '
import sys, zlib, struct
from collections import Counter
from itertools import accumulate
# One function per PNG filter type: LINE a row as filtered, PREV the row
# above unfiltered; each returns the row unfiltered. Sub and Up take the
# row whole (accumulate, zip); Average and Paeth go byte by byte.
def none(line, prev, bpp):
    return line
def sub(line, prev, bpp):
    out = bytearray(len(line))
    for k in range(bpp):
        out[k::bpp] = bytes(s & 255 for s in accumulate(line[k::bpp]))
    return bytes(out)
def up(line, prev, bpp):
    if line.count(0) == len(line):
        return prev
    return bytes((x + b) & 255 for x, b in zip(line, prev))
def average(line, prev, bpp):
    out = bytearray(line)
    for x in range(len(out)):
        a = out[x - bpp] if x >= bpp else 0
        out[x] = (out[x] + (a + prev[x]) // 2) & 255
    return bytes(out)
def paeth(line, prev, bpp):
    out = bytearray(line)
    for x in range(bpp):
        out[x] = (out[x] + prev[x]) & 255
    for x in range(bpp, len(out)):
        a, b, c = out[x - bpp], prev[x], prev[x - bpp]
        # Where the row above is flat (b == c) the predictor is a: most
        # bytes of a page, spared the three distances.
        if b != c:
            pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - c - c)
            a = a if pa <= pb and pa <= pc else b if pb <= pc else c
        out[x] = (out[x] + a) & 255
    return bytes(out)
def png(path):
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat = 8, []
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype, _, _, lace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and ctype in (2, 6) and lace == 0, (depth, ctype, lace)
        elif kind == b"IDAT":
            idat.append(body)
        pos += 12 + n
    bpp = 4 if ctype == 6 else 3
    raw, stride = zlib.decompress(b"".join(idat)), w * bpp
    rows, prev = [], bytes(stride)
    for y in range(h):
        at = y * (stride + 1)
        unfilter = (none, sub, up, average, paeth)[raw[at]]
        prev = unfilter(raw[at + 1:at + 1 + stride], prev, bpp)
        rows.append(prev)
    return w, h, bpp, rows
w, h, bpp, rows = png(sys.argv[1])
# colours(Y, LEFT, RIGHT, STEP): the (r, g, b) of row Y from x = LEFT up to
# RIGHT, every STEP pixels.
def colours(y, left, right, step=1):
    r = rows[y]
    return zip(*(r[left * bpp + k:right * bpp:step * bpp] for k in range(3)))
seen = Counter(c for y in range(0, h, 4) for c in colours(y, 0, w, 4))
blank = seen[(255, 255, 255)] > sum(seen.values()) * 0.995
print("screenshot %dx%d, %s" % (w, h, "blank" if blank else "not blank"))
want = {"svg-latency": (0xd6, 0x27, 0x28), "svg-histogram": (0xb4, 0xc7, 0xe7),
        "svg-requests": (0x1f, 0x77, 0xb4), "svg-status": (0x2c, 0xa0, 0x2c)}
for boxes in sys.argv[2:]:
    for line in open(boxes):
        name, left, top, bw, bh = line.split()
        left, top, bw, bh = int(left), int(top), int(bw), int(bh)
        if top + bh > h or left + bw > w:
            print(boxes + ":", name, "outside the screenshot")
            continue
        seen = Counter(c for y in range(top, top + bh) for c in colours(y, left, left + bw))
        hits = sum(n for c, n in seen.items() if max(abs(c[k] - want[name][k]) for k in range(3)) <= 8)
        print(boxes + ":", name, "drawn" if len(seen) > 2 and hits >= 40 else
              "missing (%d colours, %d pixels of its colour)" % (len(seen), hits))
' "$@"
}

# chromium_run ARGS...: headless Chromium, no network, bounded in time.
chromium_run() {
	udd=$(mktemp -d "$TRASH/chromium.XXXXXX") &&
	timeout 90 chromium --headless --no-sandbox --disable-gpu --disable-quic \
	    --no-first-run --disable-background-networking --disable-component-update \
	    --disable-sync --hide-scrollbars --user-data-dir="$udd" --window-size=1000,4000 \
	    "$@" 2>>chromium.err
}

# measure_copy PAGE COPY: the page with a script at its end that lays out
# nothing before it and appends the boxes of its SVGs in a hidden <pre>:
# the copy looks as the page does, and its DOM says where the plots are.
measure_copy() {
	sed '/^<\/body>$/d; /^<\/html>$/d' "$1" >"$2" &&
	cat >>"$2" <<-\EOF
	<script>
	var o = [], nl = String.fromCharCode(10);
	document.querySelectorAll("svg").forEach(function (e) {
		var r = e.getBoundingClientRect();
		o.push([e.id, Math.round(r.left), Math.round(r.top), Math.floor(r.width), Math.floor(r.height)].join(" "));
	});
	o.push("page " + document.documentElement.scrollHeight);
	var p = document.createElement("pre");
	p.id = "boxes";
	p.hidden = true;
	p.textContent = nl + o.join(nl) + nl;
	document.body.appendChild(p);
	</script>
	</body>
	</html>
	EOF
}

if have chromium; then
	# One Chromium run lays the copy out, dumps its DOM (the boxes) and
	# takes its screenshot. The checker looks at the boxes, and at the same
	# boxes moved 3000 px down, below the page (white) or past the shot,
	# for the test after this one.
	test_expect_success 'Chromium: the page is not blank and every plot is where the page lays it out' '
		make_run && make_series 60 &&
		expect_code 1 smokereport -o run/status.json -m run/metrics.txt -H run/report.html \
		    -s series.txt facts &&
		measure_copy run/report.html run/measure.html &&
		chromium_run --dump-dom --screenshot="$PWD/shot.png" "file://$PWD/run/measure.html" >dom &&
		sed -n "/<pre id=\"boxes\"/,/<\/pre>/p" dom | grep "^svg-" >boxes &&
		sed -n "s/^page \([0-9]*\)$/\1/p" dom >height &&
		test "$(cat height)" -lt 4000 &&
		line_count 4 boxes &&
		test -s shot.png &&
		awk "{ \$3 = \$3 + 3000; print }" boxes >moved &&
		png_check shot.png boxes moved >checked &&
		cp checked "$TRASH/" &&
		grep -v "^moved: " checked >got &&
		cat >want <<-\EOF &&
		screenshot 1000x4000, not blank
		boxes: svg-latency drawn
		boxes: svg-histogram drawn
		boxes: svg-requests drawn
		boxes: svg-status drawn
		EOF
		check want got
	'
	test_expect_success 'Chromium: the checker sees a plot that is not there' '
		grep "^moved: " "$TRASH/checked" >got &&
		grep -c "missing\|outside" got >n && check_str 4 n &&
		grep "^moved: svg-latency missing" got
	'
else
	test_skip 'Chromium: the page is not blank and every plot is where the page lays it out' 'no chromium'
	test_skip 'Chromium: the checker sees a plot that is not there' 'no chromium'
fi

# --- the whole chain against the fixture -----------------------------------

start_fixture -j 2
test_expect_success 'man page example: p95parse --series from a native load, then the page (EXAMPLES)' '
	httpprobe -c 4 -D 1s --tag ep=models --out samples.ndjson \
	    --summary-export export.json "$FIXTURE_URL/v1/models" >load.txt 2>load.err &&
	expect_code 0 p95parse -t ep=models -s series.txt samples.ndjson >p95.txt &&
	sed -n 2p series.txt >line2 &&
	grep "^series metric=http_req_duration{ep:models} start=[0-9T:-]*Z step=1 samples=[0-9]* failed=0 p50=" line2 &&
	sed -n 3p series.txt | grep "^row t=0 n=[0-9]* failed=0 p50=[0-9.e-]* p95=[0-9.e-]* max=[0-9.e-]*$" &&
	sed -n "s/^requests=//p" p95.txt >n &&
	grep -c "^status code=200 count=$(cat n)$" series.txt >c && check_str 1 c &&
	grep "^series .* samples=$(cat n) .* p95=$(sed -n "s/^p95_ms=//p" p95.txt) " series.txt &&
	awk "/^hist /{ split(\$3, a, \"=\"); h += a[2] } END { print h }" series.txt >h &&
	check n h &&
	expect_code 0 p95parse -t ep=models export.json >p95e.txt &&
	test "$(sed -n "s/^p95_ms=//p" p95e.txt)" = "$(sed -n "s/^p95_ms=//p" p95.txt)" &&
	mkdir run && sed "s/^/metrics./" p95.txt >facts && echo check.gate.ok=true >>facts &&
	echo p95_max_ms=1200 >>facts &&
	expect_code 0 smokereport -o run/status.json -m run/metrics.txt -H run/report.html \
	    -s series.txt facts &&
	html_facts run/report.html >facts.out &&
	contains balanced facts.out &&
	contains "svg: svg-latency svg-histogram svg-requests svg-status" facts.out &&
	metrics_rows run/metrics.txt >want && grep "^metrics: " facts.out >got && check want got &&
	awk -F= "/^p95_ms=/{ printf \"p95 %.2f ms\", \$2 }" p95.txt >p95s &&
	contains "$(cat p95s)" run/report.html
'
stop_bg "$FIXTURE_PID"

test_done
