#!/bin/sh
# p95parse on Prometheus text exposition: histogram_quantile's rules on
# hand-computed tables, label filters, summaries, what is an error.
# The helpers below run inside test bodies (eval), hence SC2317.
# shellcheck source=tests/lib.sh disable=SC2317
. "${0%/*}/lib.sh"

IN=$TRASH/in
mkdir -p "$IN"

# Two series in seconds. models: 10 requests up to 0.1 s, 40 more up to
# 0.25, 40 more up to 0.5, the last 10 up to 1 s; healthz: all under 0.1 s.
cat >"$IN/hist.prom" <<'EOF'
# HELP http_req_duration_seconds Request latency.
# TYPE http_req_duration_seconds histogram
http_req_duration_seconds_bucket{ep="models",le="0.1"} 10
http_req_duration_seconds_bucket{ep="models",le="0.25"} 50
http_req_duration_seconds_bucket{ep="models",le="0.5"} 90
http_req_duration_seconds_bucket{ep="models",le="1"} 100
http_req_duration_seconds_bucket{ep="models",le="+Inf"} 100
http_req_duration_seconds_sum{ep="models"} 25
http_req_duration_seconds_count{ep="models"} 100
http_req_duration_seconds_bucket{ep="healthz",le="0.1"} 100
http_req_duration_seconds_bucket{ep="healthz",le="0.25"} 100
http_req_duration_seconds_bucket{ep="healthz",le="0.5"} 100
http_req_duration_seconds_bucket{ep="healthz",le="1"} 100
http_req_duration_seconds_bucket{ep="healthz",le="+Inf"} 100
http_req_duration_seconds_sum{ep="healthz"} 5
http_req_duration_seconds_count{ep="healthz"} 100
# TYPE http_req_failed gauge
http_req_failed{ep="models"} 0.02
http_req_failed{ep="healthz"} 0
EOF

# p95 and the rank-to-value table, by hand (rank = q * 100 for models):
#   p95: rank 95 in (0.5, 1]: 0.5 + 0.5 * (95 - 90) / 10 = 0.75 s
#   p50: rank 50 in (0.1, 0.25]: 0.1 + 0.15 * 40 / 40 = 0.25 s
#   p10: rank 10 in [0, 0.1]: the lowest bucket starts at 0: 0.1 s
#   p5:  rank 5: 0 + 0.1 * 5 / 10 = 0.05 s
#   p99: rank 99 in (0.5, 1]: 0.5 + 0.5 * 9 / 10 = 0.95 s
test_expect_success 'histogram_quantile by hand, one series by label' '
	for pair in 95:750 50:250 10:100 5:50 99:950 90:500; do
		p=${pair%%:*} want=${pair#*:}
		p95parse -t ep=models -p "$p" "$IN/hist.prom" >out &&
		test "$(sed -n "s/^p${p}_ms=//p" out)" = "$want" || { cat out; return 1; }
	done &&
	p95parse -t ep=models "$IN/hist.prom" >out &&
	check_str "p95_ms=750
avg_ms=250
http_req_failed=0.02
http_req_failed_metric=http_req_failed{ep=\"models\"}
requests=100
source=prometheus
file=$IN/hist.prom
metric=http_req_duration_seconds{ep=\"models\"}
method=histogram_quantile
series=1" out &&
	p95parse -j -m http_req_duration -t ep=models "$IN/hist.prom" >json &&
	check_str "{\"p95_ms\":750,\"avg_ms\":250,\"http_req_failed\":0.02,\"http_req_failed_metric\":\"http_req_failed{ep=\\\"models\\\"}\",\"requests\":100,\"source\":\"prometheus\",\"file\":\"$IN/hist.prom\",\"metric\":\"http_req_duration_seconds{ep=\\\"models\\\"}\",\"method\":\"histogram_quantile\",\"series\":1}" json
'

# Both series added by le (sum by (le)): 110, 150, 190, 200, 200.
#   p95: rank 190 in (0.25, 0.5]: 0.25 + 0.25 * 40 / 40 = 0.5 s
#   avg: (25 + 5) / 200 s = 150 ms
test_expect_success 'without a filter the series add up by le' '
	p95parse "$IN/hist.prom" >out &&
	contains p95_ms=500 out &&
	contains avg_ms=150 out &&
	contains requests=200 out &&
	contains series=2 out &&
	lacks http_req_failed out
'

test_expect_success 'a rank in the +Inf bucket gives the highest finite bound' '
	cat >inf.prom <<-EOF &&
	x_bucket{le="0.5"} 80
	x_bucket{le="1"} 90
	x_bucket{le="+Inf"} 100
	EOF
	p95parse -m x inf.prom >out &&
	contains p95_ms=1 out &&
	contains "metric=x" out &&
	p95parse -m x -p 85 inf.prom >out &&
	contains p85_ms=0.75 out
'

test_expect_success 'a single bucket, no +Inf, zero count: exit 3, never a number' '
	printf "x_bucket{le=\"+Inf\"} 10\n" >one.prom &&
	expect_code 3 p95parse -m x one.prom >out 2>err &&
	contains "x_bucket: too few buckets" err && test ! -s out &&
	printf "x_bucket{le=\"1\"} 10\nx_bucket{le=\"2\"} 10\n" >noinf.prom &&
	expect_code 3 p95parse -m x noinf.prom >out 2>err &&
	contains "x_bucket: no le=\"+Inf\" bucket" err &&
	printf "x_bucket{le=\"1\"} 0\nx_bucket{le=\"+Inf\"} 0\nx_count 0\n" >zero.prom &&
	expect_code 3 p95parse -m x --max 1200 zero.prom >out 2>err &&
	contains "x_bucket: no observations (count 0)" err && test ! -s out
'

# 0.5 has 40 < 50 before it: repaired to 50, as Prometheus does; then
# p95: rank 95 in (0.5, 1]: 0.5 + 0.5 * (95 - 50) / 50 = 0.95 s.
test_expect_success 'non-monotonic bucket counts are repaired and said so' '
	cat >nonmono.prom <<-EOF &&
	x_seconds_bucket{le="0.1"} 10
	x_seconds_bucket{le="0.25"} 50
	x_seconds_bucket{le="0.5"} 40
	x_seconds_bucket{le="1"} 100
	x_seconds_bucket{le="+Inf"} 100
	EOF
	p95parse -m x nonmono.prom >out 2>err &&
	contains p95_ms=950 out &&
	contains buckets=fixed-monotonic out &&
	contains "bucket counts of x_seconds decrease" err
'

test_expect_success 'the lowest bucket starts at 0, unless its bound is not above 0' '
	printf "x_bucket{le=\"0\"} 10\nx_bucket{le=\"1\"} 20\nx_bucket{le=\"+Inf\"} 20\n" >zero.prom &&
	p95parse -m x -p 25 zero.prom >out &&
	contains p25_ms=0 out &&
	p95parse -m x -p 75 zero.prom >out &&
	contains p75_ms=0.5 out &&
	printf "x_bucket{le=\"-1\"} 10\nx_bucket{le=\"0\"} 20\nx_bucket{le=\"+Inf\"} 20\n" >neg.prom &&
	expect_code 3 p95parse -m x -p 25 -l 1200 neg.prom >out 2>err &&
	contains "is -1 ms; a latency is never negative" err && lacks gate_p25=pass out &&
	printf "x_bucket{le=\"4\"} 10\nx_bucket{le=\"+Inf\"} 10\n" >low.prom &&
	p95parse -m x -p 25 low.prom >out &&
	contains p25_ms=1 out
'

test_expect_success 'label filters: several, all must match; value escapes' '
	cat >labels.prom <<-EOF &&
	y_bucket{ep="models",method="GET",le="10"} 5
	y_bucket{ep="models",method="GET",le="+Inf"} 10
	y_bucket{ep="models",method="POST",le="10"} 10
	y_bucket{ep="models",method="POST",le="+Inf"} 10
	y_bucket{ep="a\\"b",le="10"} 10
	y_bucket{ep="a\\"b",le="+Inf"} 10
	EOF
	p95parse -m y -t ep=models -t method=GET labels.prom >out &&
	contains p95_ms=10 out &&
	contains series=1 out &&
	p95parse -m y -t ep=models -p 30 labels.prom >out &&
	contains p30_ms=4 out &&
	contains series=2 out &&
	p95parse -m y -t "ep=a\"b" -p 50 labels.prom >out &&
	contains p50_ms=5 out &&
	expect_code 3 p95parse -m y -t ep=nope labels.prom >out 2>err &&
	contains "no histogram or summary y{ep=\"nope\"}" err &&
	contains "metrics present: y" err
'

test_expect_success 'a summary quantile line, in seconds, with _sum and _count' '
	cat >summary.prom <<-EOF &&
	# TYPE k6_http_req_duration_seconds summary
	k6_http_req_duration_seconds{ep="models",quantile="0.5"} 0.05
	k6_http_req_duration_seconds{ep="models",quantile="0.95"} 0.123
	k6_http_req_duration_seconds{ep="models",quantile="0.999"} 0.5
	k6_http_req_duration_seconds_sum{ep="models"} 6
	k6_http_req_duration_seconds_count{ep="models"} 100
	k6_http_req_failed_rate{ep="models"} 0.25
	EOF
	p95parse -t ep=models --max 1200 --failed-max 0.01 summary.prom >out 2>err;
	test $? -eq 1 &&
	contains p95_ms=123 out &&
	contains avg_ms=60 out &&
	contains requests=100 out &&
	contains method=summary out &&
	contains "metric=k6_http_req_duration_seconds{ep=\"models\"}" out &&
	contains http_req_failed=0.25 out &&
	contains "http_req_failed 0.25 is not below 0.01" err &&
	p95parse -t ep=models -p 99.9 summary.prom >out &&
	contains p99.9_ms=500 out &&
	expect_code 3 p95parse -t ep=models -p 90 summary.prom >out 2>err &&
	contains "has no quantile=\"0.9\" line" err
'

test_expect_success 'summary: two series for the quantile is ambiguous' '
	printf "z{a=\"1\",quantile=\"0.95\"} 1\nz{a=\"2\",quantile=\"0.95\"} 2\n" >two.prom &&
	expect_code 3 p95parse -m z two.prom >out 2>err &&
	contains "2 series of z have quantile 0.95; choose one with -t" err &&
	p95parse -m z -t a=2 two.prom >out &&
	contains p95_ms=2 out
'

test_expect_success 'timestamps, exemplars, CRLF, # EOF; a bad line is exit 3' '
	printf "# TYPE w histogram\r\nw_bucket{le=\"1\"} 1 1700000000000\r\nw_bucket{le=\"+Inf\"} 2 # {trace_id=\"a\"} 0.5\r\n# EOF\r\ngarbage after eof\r\n" >om.prom &&
	p95parse -m w -p 50 om.prom >out &&
	contains p50_ms=1 out &&
	printf "w_bucket{le=\"1\"} 1\nw_bucket{le=\"+Inf\" 2\n" >bad.prom &&
	expect_code 3 p95parse -f prom -m w bad.prom >out 2>err &&
	contains "bad.prom: line 2: not a Prometheus sample line" err
'

test_done
