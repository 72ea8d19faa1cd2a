#!/bin/sh
# p95parse on hand-written inputs: what the real samples lack (colours,
# v0.53 rate lines, --summary-time-unit, p(99.9), full mode, CRLF, other
# JSON summaries, broken inputs), the command line and the output forms.
# The helpers below run inside test bodies (eval), hence SC2317.
# shellcheck source=tests/lib.sh disable=SC2317
. "${0%/*}/lib.sh"

IN=$TRASH/in
mkdir -p "$IN"
E=$(printf '\033')

# A summary export: p(95) 1534.2 ms on ep:models, http_req_failed with the
# ep tag (a threshold on it exists), a crossed p(95) threshold.
cat >"$IN/export.json" <<'EOF'
{
    "root_group": {"name": "", "path": "", "id": "d41d8cd98f00b204e9800998ecf8427e", "groups": {}, "checks": {}},
    "metrics": {
        "http_req_duration": {"avg": 800.5, "min": 10, "med": 700, "max": 2500, "p(90)": 1400, "p(95)": 1600.25},
        "http_req_duration{ep:models}": {"avg": 900, "min": 12.5, "med": 880, "max": 2400,
            "p(90)": 1300, "p(95)": 1534.2, "thresholds": {"p(95)<1200": true}},
        "http_req_failed": {"passes": 3, "fails": 97, "value": 0.03, "thresholds": {"rate<0.05": false}},
        "http_req_failed{ep:models}": {"passes": 1, "fails": 49, "value": 0.02,
            "thresholds": {"rate<0.01": true}},
        "http_reqs": {"count": 100, "rate": 33.3},
        "http_reqs{ep:models}": {"count": 50, "rate": 16.6}
    }
}
EOF

# The same run as handleSummary's data (thresholds as {ok}) on one line.
cat >"$IN/handle.json" <<'EOF'
{"root_group":{"name":"","path":"","id":"x","groups":[],"checks":[]},"options":{"summaryTrendStats":["avg","p(99.9)"],"summaryTimeUnit":"","noColor":false},"state":{"isStdOutTTY":false,"isStdErrTTY":false,"testRunDurationMs":3000},"metrics":{"http_req_duration{ep:models}":{"type":"trend","contains":"time","values":{"avg":900,"p(99.9)":2399.5},"thresholds":{"p(99.9)<2000":{"ok":false}}},"http_req_failed":{"type":"rate","contains":"default","values":{"rate":0.25,"passes":25,"fails":75},"thresholds":{"rate<0.01":{"ok":false}}}}}
EOF

# The machine-readable summary (k6 >= 1.5): results.metrics is an array.
cat >"$IN/machine.json" <<'EOF'
{"config":{"duration":3.0,"execution":"local","script":"models.js"},
 "metadata":{"generatedAt":"2026-11-21T23:43:57Z","k6Version":"1.5.0"},
 "results":{"checks":{"metrics":[],"results":[{"name":"status is 200","passes":82,"fails":0}]},
  "metrics":[
   {"values":{"avg":21.8,"max":26.2,"med":21.4,"min":20.7,"p(90)":22.8,"p(95)":23.7},"name":"http_req_duration{ep:models}","type":"trend","contains":"time"},
   {"name":"http_req_failed","type":"rate","contains":"default","values":{"matches":0,"rate":0,"total":82}}
  ]},
 "version":"1.0.0"}
EOF

# v0.57 legacy summary as a terminal shows it: colours, ESC[0K, and the
# last progress line redrawn with '\r' before the summary.
{
	printf 'running (03.0s), 2/2 VUs, 74 complete\r%s[0K' "$E"
	printf '     %s[32m\342\234\223 status is 200%s[0m%s[0K\n' "$E" "$E" "$E"
	printf '     checks%s[2;37m.........................:%s[0m %s[36m100.00%%%s[0m %s[36;2m82 out of 82%s[0m%s[0K\n' \
	    "$E" "$E" "$E" "$E" "$E" "$E" "$E"
	printf '     http_req_duration%s[2;37m..............:%s[0m avg=%s[36m21.85ms%s[0m min=%s[36m20.71ms%s[0m med=%s[36m21.49ms%s[0m max=%s[36m26.23ms%s[0m p(90)=%s[36m22.85ms%s[0m p(95)=%s[36m23.74ms%s[0m%s[0K\n' \
	    "$E" "$E" "$E" "$E" "$E" "$E" "$E" "$E" "$E" "$E" "$E" "$E" "$E" "$E" "$E"
	printf '     %s[32m\342\234\223%s[0m { ep:models }%s[2;37m................:%s[0m avg=%s[36m21.85ms%s[0m min=%s[36m20.71ms%s[0m med=%s[36m21.49ms%s[0m max=%s[36m26.23ms%s[0m p(90)=%s[36m22.85ms%s[0m p(95)=%s[36m23.7ms%s[0m%s[0K\n' \
	    "$E" "$E" "$E" "$E" "$E" "$E" "$E" "$E" "$E" "$E" "$E" "$E" "$E" "$E" "$E" "$E" "$E"
	printf '   %s[32m\342\234\223%s[0m http_req_failed%s[2;37m................:%s[0m %s[36m0.00%%%s[0m  %s[36;2m0 out of 82%s[0m%s[0K\n' \
	    "$E" "$E" "$E" "$E" "$E" "$E" "$E" "$E" "$E"
} >"$IN/color.log"

# k6 <= v0.53: rate lines are "✓ passes ✗ fails".
cat >"$IN/v053.log" <<'EOF'
     ✓ status is 200

     checks.........................: 75.00% ✓ 45  ✗ 15 
     http_req_duration..............: avg=1.1s     min=800ms   med=1.05s   max=1.9s     p(90)=1.5s    p(95)=1.62s  
     ✓ { ep:models }................: avg=1.02s    min=800ms   med=1s      max=1.3s     p(90)=1.15s   p(95)=1.19s  
   ✗ http_req_failed................: 25.00% ✓ 15  ✗ 45 
     http_reqs......................: 60     19.99/s
EOF

# v1.x with --summary-time-unit=s: two decimals, rounded, one unit.
cat >"$IN/unit_s.log" <<'EOF'
  █ THRESHOLDS 

    http_req_duration{ep:models}
    ✓ 'p(95)<1200' p(95)=1.19s


  █ TOTAL RESULTS 

    HTTP
    http_req_duration...: avg=0.02s min=0.01s med=0.02s max=1.20s p(90)=0.03s p(95)=1.19s
      { ep:models }.....: avg=0.02s min=0.01s med=0.02s max=1.20s p(90)=0.03s p(95)=1.19s
    http_req_failed.....: 0.00%  0 out of 82
EOF

# v1.2+ (dots padded to three), --summary-trend-stats with p(99.9) and count.
cat >"$IN/p999.log" <<'EOF'
  █ TOTAL RESULTS 

    HTTP
    http_req_duration...: avg=7.82ms min=5.8ms med=6.61ms max=23.8ms p(99)=20.1ms p(99.9)=23.49ms count=108
      { ep:models }.....: avg=7.82ms min=5.8ms med=6.61ms max=23.8ms p(99)=20.1ms p(99.9)=23.49ms count=108
    http_req_failed.....: 25.92% 28 out of 108
EOF

# v1.x full mode: a scenario block repeats the metrics with other values.
cat >"$IN/full.log" <<'EOF'
  █ THRESHOLDS 

    http_req_duration
    ✓ 'p(95)<1500' p(95)=13.23ms

      {scenario:models}
      ✓ 'p(95)<1200' p(95)=13.91ms
      ✗ 'avg<5' avg=7.85ms


  █ TOTAL RESULTS 

    checks_total.......................: 138     44.852578/s
    checks_succeeded...................: 100.00% 138 out of 138
    checks_failed......................: 0.00%   0 out of 138

    ✓ healthz ok

    HTTP
    http_req_blocked.......................: avg=61.16µs  min=2.66µs   med=9.26µs   max=1.73ms   p(90)=41.8µs   p(95)=103.1µs 
    http_req_duration......................: avg=7.7ms    min=5.64ms   med=6.75ms   max=17.63ms  p(90)=9.99ms   p(95)=13.23ms 
      { scenario:models }..................: avg=7.85ms   min=5.64ms   med=6.74ms   max=17.63ms  p(90)=12.9ms   p(95)=13.91ms 
    http_req_failed........................: 0.00%   0 out of 82
    http_reqs..............................: 82      26.651532/s


  █ SCENARIO: models 

    HTTP
    http_req_duration......................: avg=99ms     min=99ms     med=99ms     max=99ms     p(90)=99ms     p(95)=99ms    
      { scenario:models }..................: avg=99ms     min=99ms     med=99ms     max=99ms     p(90)=99ms     p(95)=99ms    
    http_req_failed........................: 50.00%  41 out of 82
EOF

# NDJSON: k6's layout, plus lines the fast path leaves to the JSON scanner
# (escapes, another key order, metadata) and a sub-metric of other tags.
cat >"$IN/raw.ndjson" <<'EOF'
{"type":"Metric","data":{"name":"http_req_duration","type":"trend","contains":"time","thresholds":[],"submetrics":null},"metric":"http_req_duration"}
{"metric":"http_req_duration","type":"Point","data":{"time":"2026-11-21T23:43:58.1Z","value":10,"tags":{"ep":"models","status":"200"}}}
{"metric":"http_req_duration","type":"Point","data":{"time":"2026-11-21T23:43:58.2Z","value":20,"tags":{"ep":"healthz","status":"200"}}}
{"metric":"http_req_duration","type":"Point","data":{"time":"2026-11-21T23:43:58.3Z","value":30.5,"tags":{"ep":"models","status":"200"},"metadata":{"trace_id":"abc"}}}
{"type":"Point","metric":"http_req_duration","data":{"value":4e1,"tags":{"status":"500","ep":"models"},"time":"2026-11-21T23:43:58.4Z"}}
{"metric":"http_req_duration","type":"Point","data":{"time":"2026-11-21T23:43:58.5Z","value":50,"tags":{"ep":"mod\u0065ls","name":"a\"b"}}}
{"type":"Metric","data":{"name":"http_req_failed","type":"rate","contains":"default","thresholds":["rate<0.01"],"submetrics":null},"metric":"http_req_failed"}
{"metric":"http_req_failed","type":"Point","data":{"time":"2026-11-21T23:43:58.1Z","value":0,"tags":{"ep":"models","status":"200"}}}
{"metric":"http_req_failed","type":"Point","data":{"time":"2026-11-21T23:43:58.2Z","value":1,"tags":{"ep":"healthz","status":"500"}}}
{"metric":"http_req_failed","type":"Point","data":{"time":"2026-11-21T23:43:58.4Z","value":1,"tags":{"ep":"models","status":"500"}}}
{"metric":"vus","type":"Point","data":{"time":"2026-11-21T23:43:59Z","value":2,"tags":{}}}
EOF

# More than p95parse's first read (1 MiB), so the rest of a file is mapped.
awk 'BEGIN {
	q = "\""
	for (i = 0; i < 12000; i++)
		printf "{%smetric%s:%shttp_req_duration%s,%stype%s:%sPoint%s,%sdata%s:{%stime%s:" \
		    "%s2026-11-21T23:43:58.213302549Z%s,%svalue%s:%d.%03d,%stags%s:{%sep%s:%s%s%s," \
		    "%sname%s:%shttp://127.0.0.1:18082/v1/models/padding/padding/padding%s}}}\n",
		    q, q, q, q, q, q, q, q, q, q, q, q, q, q, q, q, (i * 7919) % 1000, i % 1000,
		    q, q, q, q, q, i % 3 ? "models" : "healthz", q, q, q, q, q
}' >"$IN/big.ndjson"

test_expect_success 'summary export: sub-metric, its own http_req_failed, verdicts' '
	p95parse -t ep=models "$IN/export.json" >out &&
	check_str "p95_ms=1534.2
avg_ms=900
min_ms=12.5
med_ms=880
max_ms=2400
http_req_failed=0.02
http_req_failed_metric=http_req_failed{ep:models}
http_req_failed_count=1
http_req_failed_of=50
requests=50
source=summary-export
file=$IN/export.json
metric=http_req_duration{ep:models}
thresholds=fail
threshold.p(95)<1200=fail
http_req_failed_thresholds=fail
http_req_failed_threshold.rate<0.01=fail" out
'

test_expect_success 'the gate line says which gate and by how much' '
	expect_code 1 p95parse -t ep=models --max 1200 "$IN/export.json" >out 2>err &&
	check_str "p95parse: $IN/export.json: p95 1534.2 ms is not below 1200 ms (+334.2 ms)" err &&
	contains gate_p95=fail out &&
	expect_code 1 p95parse -t ep=models --failed-max 0.01 "$IN/export.json" >out 2>err &&
	check_str "p95parse: $IN/export.json: http_req_failed 0.02 (1 of 50) is not below 0.01 (+0.01)" err &&
	expect_code 0 p95parse -t ep=models --max 1534.3 --failed-max 0.021 "$IN/export.json" >out 2>err &&
	test ! -s err &&
	expect_code 1 p95parse -t ep=models -l 1534.2 "$IN/export.json" >out 2>err &&
	contains "(+0 ms)" err
'

test_expect_success 'no tag: the metric itself and the overall rate' '
	p95parse -e 0.05 "$IN/export.json" >out &&
	contains p95_ms=1600.25 out &&
	contains http_req_failed=0.03 out &&
	contains http_req_failed_metric=http_req_failed out &&
	contains requests=100 out &&
	! grep "^threshold" out
'

test_expect_success 'handleSummary JSON: values, {ok} thresholds, p(99.9)' '
	p95parse -t ep=models -p 99.9 "$IN/handle.json" >out &&
	check_str "p99.9_ms=2399.5
avg_ms=900
http_req_failed=0.25
http_req_failed_metric=http_req_failed
http_req_failed_count=25
http_req_failed_of=100
source=handle-summary
file=$IN/handle.json
metric=http_req_duration{ep:models}
thresholds=fail
threshold.p(99.9)<2000=fail
http_req_failed_thresholds=fail
http_req_failed_threshold.rate<0.01=fail" out
'

test_expect_success 'machine-readable summary: results.metrics array, rate as matches/total' '
	p95parse -t ep=models --max 1200 --failed-max 0.01 "$IN/machine.json" >out &&
	contains source=machine-readable-summary out &&
	contains p95_ms=23.7 out &&
	contains http_req_failed=0 out &&
	contains http_req_failed_of=82 out &&
	contains gate_p95=pass out
'

test_expect_success 'terminal colours, ESC[0K and a \r-redrawn progress line' '
	p95parse -t ep=models "$IN/color.log" >out &&
	contains p95_ms=23.7 out &&
	contains avg_ms=21.85 out &&
	contains source=k6-stdout-legacy out &&
	contains thresholds=pass out &&
	contains http_req_failed_thresholds=pass out &&
	contains http_req_failed_of=82 out
'

test_expect_success 'k6 v0.53 rate lines and seconds, truncated' '
	p95parse -t ep=models "$IN/v053.log" >out &&
	check_str "p95_ms=1190
p95_ms_step=10
rounding=truncated
avg_ms=1020
min_ms=800
med_ms=1000
max_ms=1300
http_req_failed=0.25
http_req_failed_metric=http_req_failed
http_req_failed_count=15
http_req_failed_of=60
source=k6-stdout-legacy
file=$IN/v053.log
metric=http_req_duration{ep:models}
thresholds=pass
http_req_failed_thresholds=fail" out &&
	expect_code 0 p95parse -t ep=models --max 1200 "$IN/v053.log" >out2 2>err &&
	expect_code 1 p95parse -t ep=models --max 1199 "$IN/v053.log" >out2 2>err &&
	contains "p95 1190 ms (printed truncated by k6: up to 1200 ms) is not below 1199 ms (+1 ms)" err
'

test_expect_success '--summary-time-unit=s: rounded values, gated by their upper end' '
	p95parse -t ep=models "$IN/unit_s.log" >out &&
	contains p95_ms=1190 out &&
	contains p95_ms_step=10 out &&
	contains rounding=rounded out &&
	contains max_ms=1200 out &&
	contains source=k6-stdout-v1 out &&
	contains "threshold.p(95)<1200=pass" out &&
	expect_code 0 p95parse -t ep=models --max 1200 "$IN/unit_s.log" >o2 &&
	expect_code 1 p95parse -t ep=models --max 1195 "$IN/unit_s.log" >o2 2>err &&
	contains "printed rounded by k6: up to 1195 ms" err
'

test_expect_success 'p(99.9) from --summary-trend-stats, count as requests' '
	p95parse -t ep=models -p 99.9 "$IN/p999.log" >out &&
	contains "p99.9_ms=23.49" out &&
	contains "p99.9_ms_step=0.01" out &&
	contains requests=108 out &&
	contains http_req_failed_count=28 out &&
	expect_code 3 p95parse -t ep=models "$IN/p999.log" >out 2>err &&
	contains "http_req_duration{ep:models} has no p(95) (it has avg, min, med, max, p(99), p(99.9), count)" err
'

test_expect_success 'full mode: TOTAL RESULTS counts, not the scenario blocks' '
	p95parse -t scenario=models "$IN/full.log" >out &&
	contains p95_ms=13.91 out &&
	contains http_req_failed=0 out &&
	contains thresholds=fail out &&
	contains "threshold.p(95)<1200=pass" out &&
	contains "threshold.avg<5=fail" out &&
	p95parse "$IN/full.log" >all &&
	contains p95_ms=13.23 all &&
	contains "threshold.p(95)<1500=pass" all &&
	p95parse -m http_req_blocked "$IN/full.log" >b &&
	contains p95_ms=0.1031 b &&
	contains p95_ms_step=1e-05 b
'

test_expect_success 'CRLF line ends read like LF' '
	sed "s/\$/$(printf "\r")/" "$IN/v053.log" >crlf.log &&
	p95parse -t ep=models "$IN/v053.log" >lf.out &&
	p95parse -t ep=models crlf.log >crlf.out &&
	grep -v ^file= lf.out >a && grep -v ^file= crlf.out >b &&
	check a b &&
	sed "s/\$/$(printf "\r")/" "$IN/export.json" >crlf.json &&
	p95parse -t ep=models crlf.json >j &&
	contains p95_ms=1534.2 j
'

test_expect_success 'NDJSON: exact over matching Points, escapes and key orders too' '
	p95parse -t ep=models -p 50 "$IN/raw.ndjson" >out &&
	check_str "p50_ms=35.25
avg_ms=32.625
min_ms=10
med_ms=35.25
max_ms=50
http_req_failed=0.5
http_req_failed_metric=http_req_failed{ep:models}
http_req_failed_count=1
http_req_failed_of=2
requests=4
source=k6-ndjson
file=$IN/raw.ndjson
metric=http_req_duration{ep:models}" out &&
	p95parse -p 99.9 -t ep=models "$IN/raw.ndjson" >p999 &&
	contains p99.9_ms=49.97 p999 &&
	p95parse -t ep=models -t status=200 "$IN/raw.ndjson" >two &&
	contains p95_ms=29.474999999999998 two &&
	contains "metric=http_req_duration{ep:models,status:200}" two &&
	p95parse -p 0 "$IN/raw.ndjson" >p0 &&
	contains p0_ms=10 p0 &&
	contains http_req_failed=0.6666666666666666 p0
'

test_expect_success 'NDJSON past the first read: mapped file and stdin agree' '
	test "$(wc -c <"$IN/big.ndjson")" -gt 2100000 &&
	p95parse -t ep=models -p 99 "$IN/big.ndjson" >file.out &&
	p95parse -t ep=models -p 99 - <"$IN/big.ndjson" >stdin.out &&
	grep -v ^file= file.out >a && grep -v ^file= stdin.out >b &&
	check a b &&
	contains requests=8000 a
'

test_expect_success 'NDJSON: a bad or truncated line is exit 3 with its number' '
	cp "$IN/raw.ndjson" t.ndjson &&
	printf "{\"metric\":\"vus\",\"type\":\"Point\",\"data\":{\"time\":\"x\",\"val" >>t.ndjson &&
	expect_code 3 p95parse -t ep=models t.ndjson >out 2>err &&
	contains "t.ndjson: line 12: truncated line" err &&
	{ head -n 3 "$IN/raw.ndjson"; echo "{\"metric\":\"http_req_duration\",\"type\":\"Point\",\"data\":{\"time\":\"x\",\"value\":01,\"tags\":{}}}"; } >n.ndjson &&
	expect_code 3 p95parse n.ndjson >out 2>err &&
	contains "n.ndjson: line 4: column " err &&
	{ head -n 2 "$IN/raw.ndjson"; echo "{\"type\":\"Other\"}"; } >o.ndjson &&
	expect_code 3 p95parse o.ndjson >out 2>err &&
	contains "line 3: not a k6 Metric or Point line" err &&
	expect_code 3 p95parse -m nope "$IN/raw.ndjson" >out 2>err &&
	contains "no Point of nope; metrics present: http_req_duration, http_req_failed" err
'

test_expect_success 'an empty file, blank space, truncated JSON, binary garbage' '
	: >empty && printf "  \n\n" >blank &&
	head -c 300 "$IN/export.json" >trunc.json &&
	printf "\000\001\002garbage\377" >bin &&
	printf "\037\213\010\000" >gz &&
	printf "\360\237 random \242 text\n" >noise &&
	expect_code 3 p95parse empty >out 2>err && contains "empty: empty file" err &&
	expect_code 3 p95parse blank >out 2>err && contains "blank: only blank space" err &&
	expect_code 3 p95parse trunc.json >out 2>err && contains "trunc.json: line 5, column " err &&
	expect_code 3 p95parse bin >out 2>err && contains "bin: binary data" err &&
	expect_code 3 p95parse gz >out 2>err && contains "gz: gzip-compressed" err &&
	expect_code 3 p95parse noise >out 2>err && contains "noise: no k6 end-of-test summary" err &&
	printf "{\"metrics\":{\"http_req_duration\":{\"p(95)\":1e999}}}" >inf.json &&
	expect_code 3 p95parse inf.json >out 2>err && contains "a number out of range" err &&
	test ! -s out
'

test_expect_success 'a metric or sub-metric that is absent names what exists' '
	expect_code 3 p95parse -t ep=health --max 1200 "$IN/export.json" >out 2>err &&
	test ! -s out &&
	contains "no metric http_req_duration{ep:health}; metrics present: http_req_duration, http_req_duration{ep:models}, http_req_failed" err &&
	expect_code 3 p95parse -m http_req_failed "$IN/export.json" >out 2>err &&
	contains "http_req_failed is a rate, not a trend" err &&
	expect_code 3 p95parse -m checks "$IN/v053.log" >out 2>err &&
	contains "checks is a rate, not a trend" err
'

test_expect_success 'several files: the first that yields the metric wins, in order' '
	expect_code 0 p95parse -t ep=models missing.json "$IN/empty-nope" "$IN/color.log" "$IN/export.json" >out 2>err &&
	contains "file=$IN/color.log" out &&
	contains "missing.json: open: No such file or directory" err &&
	p95parse -t ep=models "$IN/export.json" "$IN/color.log" >out 2>err &&
	contains "file=$IN/export.json" out &&
	test ! -s err &&
	expect_code 3 p95parse -t ep=nope "$IN/export.json" "$IN/color.log" >out 2>err &&
	test "$(grep -c "no metric http_req_duration{ep:nope}" err)" -eq 2
'

test_expect_success '-j: one JSON object with the same facts' '
	p95parse -j -t ep=models --max 1200 "$IN/export.json" >out;
	test $? -eq 1 &&
	check_str "{\"p95_ms\":1534.2,\"avg_ms\":900,\"min_ms\":12.5,\"med_ms\":880,\"max_ms\":2400,\"http_req_failed\":0.02,\"http_req_failed_metric\":\"http_req_failed{ep:models}\",\"http_req_failed_count\":1,\"http_req_failed_of\":50,\"requests\":50,\"source\":\"summary-export\",\"file\":\"$IN/export.json\",\"metric\":\"http_req_duration{ep:models}\",\"thresholds\":\"fail\",\"threshold\":{\"p(95)<1200\":\"fail\"},\"http_req_failed_thresholds\":\"fail\",\"http_req_failed_threshold\":{\"rate<0.01\":\"fail\"},\"gate_p95\":\"fail\"}" out &&
	p95parse -j -t ep=models "$IN/v053.log" >log.json &&
	contains "\"p95_ms_step\":10,\"rounding\":\"truncated\"" log.json
'

test_expect_success '--failed-max with no http_req_failed is exit 3, never a pass' '
	printf "{\"metrics\":{\"t\":{\"avg\":1,\"p(95)\":2}}}" >t.json &&
	expect_code 3 p95parse -m t --failed-max 0.5 t.json >out 2>err &&
	contains "no http_req_failed to check --failed-max against" err &&
	contains gate_http_req_failed=unknown out &&
	expect_code 1 p95parse -m t --max 1 --failed-max 0.5 t.json >out 2>err
'

test_expect_success 'stdin, -f forcing a format' '
	p95parse -t ep=models - <"$IN/export.json" >out &&
	contains "file=-" out &&
	expect_code 3 p95parse -f ndjson "$IN/export.json" >out 2>err &&
	expect_code 3 p95parse -f json "$IN/v053.log" >out 2>err &&
	contains "line 1, column" err &&
	p95parse -f log -t ep=models "$IN/v053.log" >out
'

test_expect_success 'a byte order mark is skipped; control characters never break a line' '
	printf "\357\273\277{\"metrics\":{\"a\\\\nb\":{\"p(95)\":1},\"m\":{\"p(95)\":2,\"thresholds\":{\"x\\\\ny\":true}}}}" >bom.json &&
	p95parse -m m bom.json >out &&
	contains "threshold.x?y=fail" out &&
	line_count 6 out &&
	expect_code 3 p95parse -m zz bom.json >out 2>err &&
	contains "metrics present: a?b, m" err &&
	line_count 1 err
'

test_expect_success 'a threshold with "<=" or "==" keeps one "=" per key=value line' '
	printf "{\"metrics\":{\"m\":{\"p(95)\":1,\"thresholds\":{\"p(95)<=1200\":false}},\"http_req_failed\":{\"value\":0,\"thresholds\":{\"rate==0\":false}}}}" >eq.json &&
	p95parse -m m eq.json >out &&
	contains "threshold.p(95)<?1200=pass" out &&
	contains "http_req_failed_threshold.rate??0=pass" out &&
	test "$(grep -c "=.*=" out)" -eq 0 &&
	p95parse -j -m m eq.json >out.json &&
	jsonfield -r "threshold.\"p(95)<=1200\"" out.json >v &&
	check_str pass v
'

test_expect_success 'usage: bad numbers and options are exit 2, named' '
	expect_code 2 p95parse --max 12x f >out 2>err &&
	contains "bad --max '\''12x'\'': not a number of milliseconds" err &&
	expect_code 2 p95parse -e 2 f >out 2>err && contains "bad --failed-max" err &&
	expect_code 2 p95parse -p 101 f >out 2>err && contains "bad percentile" err &&
	expect_code 2 p95parse -t novalue f >out 2>err && contains "bad tag" err &&
	expect_code 2 p95parse -t ep=a -t ep=b f >out 2>err && contains "given twice" err &&
	expect_code 2 p95parse -f xml f >out 2>err && contains "bad format" err &&
	expect_code 2 p95parse -m "a{b:c}" f >out 2>err &&
	expect_code 2 p95parse >out 2>err && contains "usage: p95parse" err &&
	expect_code 2 p95parse -Z f >out 2>err &&
	expect_code 0 p95parse -h >out 2>err &&
	test "$(sed -n 1p out)" = "usage: p95parse [-hjMV] [-e ratio] [-f format] [-l ms] [-m metric] [-p pct] [-s file] [-t tag=value] file ..." &&
	for o in -e -f -h -j -l -M -m -p -s -t -V; do
		grep -q "^  $o " out || { echo "no help line for $o"; return 1; }
	done &&
	p95parse --help >help2 && cmp out help2 &&
	p95parse -V >out &&
	contains "p95parse smokekit " out &&
	p95parse --version >out2 && cmp out out2 &&
	p95parse -t ep:models "$IN/export.json" >colon &&
	contains "metric=http_req_duration{ep:models}" colon
'

test_expect_success 'an http_req_failed rate outside [0, 1] is never gated (exit 3)' '
	printf "%s" "{\"metrics\":{\"http_req_duration{ep:models}\":{\"avg\":1,\"min\":1,\"med\":1,\"max\":1,\"p(90)\":1,\"p(95)\":1},\"http_req_failed\":{\"value\":-1}}}" >neg.json &&
	expect_code 3 p95parse -t ep=models --max 1200 --failed-max 0.01 neg.json >out 2>err &&
	lacks "gate_http_req_failed=pass" out &&
	printf "%s" "{\"metrics\":{\"http_req_duration{ep:models}\":{\"avg\":1,\"min\":1,\"med\":1,\"max\":1,\"p(90)\":1,\"p(95)\":1},\"http_req_failed\":{\"passes\":-3,\"fails\":10,\"value\":0}}}" >negcount.json &&
	expect_code 3 p95parse -t ep=models --max 1200 --failed-max 0.01 negcount.json >out 2>err &&
	lacks "gate_http_req_failed=pass" out
'

test_done
