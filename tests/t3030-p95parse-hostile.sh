#!/bin/sh
# p95parse on hostile inputs, each a class (issue 12): a latency that is
# negative, NaN or infinite is bad input in every format, never a pass;
# Prometheus bucket counts that are NaN and series given twice are errors;
# a key given twice counts by its first, as jsonfield reads it; inputs with
# very many items are read in O(n log n) (no assertion on time: a
# quadratic parser simply does not finish these); gzip is named with the
# command that reads it.
# The helpers below run inside test bodies (eval), hence SC2317.
# shellcheck source=tests/lib.sh disable=SC2317
. "${0%/*}/lib.sh"

# bad_latency FILE ARGS...: exit 3, a reason naming the latency, no pass.
bad_latency() {
	f=$1
	shift
	expect_code 3 p95parse -l 1200 -e 0.5 "$@" "$f" >out 2>err &&
	contains "a latency is never" err &&
	lacks "=pass" out
}

test_expect_success 'a negative latency in a summary export is exit 3, never a pass' '
	for v in -5 -0.001 -1e300; do
		printf "{\"metrics\":{\"http_req_duration\":{\"avg\":1,\"min\":0,\"med\":1,\"max\":2,\"p(95)\":%s}}}" \
			"$v" >neg.json &&
		bad_latency neg.json || return 1
	done &&
	contains "p(95) is -1e+300 ms" err &&
	printf "{\"metrics\":{\"http_req_duration\":{\"avg\":-1,\"min\":0,\"med\":1,\"max\":2,\"p(95)\":3}}}" >avg.json &&
	bad_latency avg.json && contains "avg is -1 ms" err &&
	printf "{\"metrics\":{\"http_req_duration\":{\"type\":\"trend\",\"values\":{\"min\":-2,\"p(95)\":3}}}}" >hs.json &&
	bad_latency hs.json && contains "min is -2 ms" err &&
	printf "{\"metrics\":{\"http_req_duration\":{\"p(95)\":1e999}}}" >big.json &&
	expect_code 3 p95parse -l 1200 big.json >out 2>err && lacks "=pass" out
'

test_expect_success 'a negative or non-finite latency in a stdout log is exit 3' '
	printf "     http_req_duration...: avg=1ms min=1ms med=1ms max=2ms p(90)=2ms p(95)=-5ms\n" >neg.log &&
	bad_latency neg.log && contains "p(95) is -5 ms" err &&
	printf "     http_req_duration...: avg=1 min=1 med=1 max=2 p(90)=2 p(95)=-5\n" >plain.log &&
	bad_latency plain.log &&
	printf "     http_req_duration...: avg=-1ms min=1ms med=1ms max=2ms p(90)=2ms p(95)=5ms\n" >avg.log &&
	bad_latency avg.log &&
	for v in NaNms +Infms Infms NaN; do
		printf "     http_req_duration...: avg=1ms min=1ms med=1ms max=2ms p(95)=%s\n" "$v" >nan.log &&
		expect_code 3 p95parse -l 1200 nan.log >out 2>err && lacks "=pass" out || return 1
	done
'

test_expect_success 'a negative latency in NDJSON is exit 3, naming the line' '
	cat >neg.ndjson <<-\EOF &&
	{"metric":"http_req_duration","type":"Point","data":{"time":"t","value":3,"tags":{}}}
	{"metric":"http_req_duration","type":"Point","data":{"time":"t","value":-5,"tags":{}}}
	EOF
	bad_latency neg.ndjson && contains "line 2: http_req_duration is -5" err &&
	cat >negslow.ndjson <<-\EOF &&
	{"type":"Point","metric":"http_req_duration","data":{"value":-0.5,"tags":{}}}
	EOF
	bad_latency negslow.ndjson && contains "line 1:" err &&
	printf "{\"metric\":\"http_req_duration\",\"type\":\"Point\",\"data\":{\"time\":\"t\",\"value\":1e999,\"tags\":{}}}\n" >inf.ndjson &&
	expect_code 3 p95parse -l 1200 inf.ndjson >out 2>err && lacks "=pass" out
'

test_expect_success 'Prometheus: a negative quantile or average is exit 3' '
	printf "x_bucket{le=\"-1\"} 10\nx_bucket{le=\"+Inf\"} 10\n" >neg.prom &&
	bad_latency neg.prom -m x &&
	printf "x{quantile=\"0.95\"} -0.2\nx_sum 1\nx_count 1\n" >negsum.prom &&
	bad_latency negsum.prom -m x &&
	printf "x{quantile=\"0.95\"} NaN\n" >nansum.prom &&
	expect_code 3 p95parse -m x -l 1200 nansum.prom >out 2>err && lacks "=pass" out &&
	printf "x_bucket{le=\"1\"} 10\nx_bucket{le=\"+Inf\"} 10\nx_sum -4\nx_count 10\n" >negavg.prom &&
	bad_latency negavg.prom -m x && contains "avg is -0.4 ms" err
'

test_expect_success 'Prometheus: NaN, negative or infinite bucket counts are errors' '
	for v in NaN -1 +Inf; do
		printf "x_bucket{le=\"1\"} %s\nx_bucket{le=\"+Inf\"} 10\n" "$v" >c.prom &&
		expect_code 3 p95parse -m x -l 1200 c.prom >out 2>err &&
		contains "line 1: x_bucket{le=\"1\"} count is" err &&
		lacks "=pass" out || return 1
	done &&
	printf "x_bucket{le=\"NaN\"} 1\nx_bucket{le=\"+Inf\"} 10\n" >le.prom &&
	expect_code 3 p95parse -m x le.prom >out 2>err && contains "le=\"NaN\"" err
'

test_expect_success 'Prometheus: a series that gives one le twice is an error, not a sum' '
	cat >dup.prom <<-\EOF &&
	x_bucket{ep="a",le="1"} 5
	x_bucket{ep="a",le="+Inf"} 10
	x_bucket{le="+Inf",ep="a"} 10
	EOF
	expect_code 3 p95parse -m x -l 1200 dup.prom >out 2>err &&
	contains "the same series gives le=\"+Inf\" twice (lines 2 and 3)" err &&
	lacks "=pass" out &&
	cat >two.prom <<-\EOF &&
	x_bucket{ep="a",le="1"} 5
	x_bucket{ep="a",le="+Inf"} 10
	x_bucket{ep="b",le="1"} 5
	x_bucket{ep="b",le="+Inf"} 10
	EOF
	p95parse -m x two.prom >out &&
	contains "series=2" out && contains "requests=20" out
'

# One k6 Point line with its keys given twice, read by p95parse and by
# jsonfield: both take the first member of a key.
test_expect_success 'NDJSON: a key given twice counts by its first, as jsonfield reads it' '
	printf "%s\n" "{\"metric\":\"http_req_duration\",\"type\":\"Point\",\"data\":{\"time\":\"t\",\"value\":7,\"value\":9000,\"tags\":{\"ep\":\"models\"}}}" >v.ndjson &&
	p95parse -t ep=models v.ndjson >out && contains p95_ms=7 out &&
	jsonfield .data.value v.ndjson >jf && check_str 7 jf &&
	printf "%s\n" "{\"metric\":\"http_req_duration\",\"type\":\"Point\",\"data\":{\"time\":\"t\",\"value\":7,\"tags\":{\"ep\":\"other\",\"ep\":\"models\"}}}" >t.ndjson &&
	expect_code 3 p95parse -t ep=models t.ndjson >out 2>err &&
	contains "none of the 1 Points" err &&
	jsonfield .data.tags.ep t.ndjson >jf && check_str "\"other\"" jf &&
	printf "%s\n" "{\"metric\":\"vus\",\"metric\":\"http_req_duration\",\"type\":\"Point\",\"data\":{\"time\":\"t\",\"value\":7,\"tags\":{}}}" \
		"{\"metric\":\"http_req_duration\",\"type\":\"Point\",\"data\":{\"time\":\"t\",\"value\":1,\"tags\":{}}}" >m.ndjson &&
	p95parse m.ndjson >out && contains requests=1 out && contains p95_ms=1 out &&
	printf "%s\n" "{\"type\":\"Point\",\"metric\":\"http_req_duration\",\"data\":{\"value\":2,\"tags\":{}},\"data\":{\"value\":5000,\"tags\":{}},\"type\":\"Metric\"}" >d.ndjson &&
	p95parse -f ndjson d.ndjson >out && contains p95_ms=2 out &&
	printf "%s\n" "{\"metric\":\"http_req_duration\",\"type\":\"Point\",\"data\":{\"time\":\"t\",\"value\":\"x\",\"value\":3,\"tags\":{}}}" >s.ndjson &&
	expect_code 3 p95parse s.ndjson >out 2>err && contains "line 1:" err
'

test_expect_success 'JSON summary: a metric or a stat given twice counts by its first' '
	printf "{\"metrics\":{\"http_req_duration\":{\"avg\":1,\"p(95)\":3,\"p(95)\":9000},\"http_req_duration\":{\"avg\":1,\"p(95)\":8000}}}" >dup.json &&
	p95parse -l 1200 dup.json >out && contains p95_ms=3 out &&
	jsonfield ".metrics.http_req_duration.p(95)" dup.json >jf && check_str 3 jf &&
	printf "{\"metrics\":{\"http_req_duration\":{\"p(95)\":3,\"thresholds\":{\"p(95)<1\":false,\"p(95)<1\":true}}}}" >th.json &&
	p95parse dup.json th.json >out && contains p95_ms=3 out &&
	p95parse th.json >out && grep -c "^threshold\.p(95)<1=" out >n && check_str 1 n &&
	contains "threshold.p(95)<1=pass" out
'

# 10^5 items of each shape that used to be a linear scan per item.
test_expect_success 'many sub-metrics, stats, thresholds, buckets, series and log lines' '
	awk "BEGIN { printf \"{\\\"metrics\\\":{\"; for (i = 0; i < 100000; i++) printf \"\\\"http_req_duration{ep:e%d}\\\":{\\\"avg\\\":1,\\\"p(95)\\\":2},\", i; print \"\\\"http_req_duration{ep:models}\\\":{\\\"avg\\\":1,\\\"p(95)\\\":3}}}\" }" >subs.json &&
	p95parse -t ep=models subs.json >out && contains p95_ms=3 out &&
	awk "BEGIN { printf \"{\\\"metrics\\\":{\\\"http_req_duration\\\":{\"; for (i = 0; i < 100000; i++) printf \"\\\"s%d\\\":1,\\\"p(%d)\\\":0,\", i, i % 100; print \"\\\"p(95)\\\":2,\\\"thresholds\\\":{\"; for (i = 0; i < 100000; i++) printf \"\\\"p(95)<%d\\\":false,\", i; print \"\\\"p(95)<1\\\":true}}}}\" }" >stats.json &&
	p95parse stats.json >out && contains p95_ms=0 out && contains "threshold.p(95)<1=pass" out &&
	awk "BEGIN { for (i = 1; i <= 100000; i++) printf \"x_bucket{le=\\\"%d\\\"} %d\n\", i, i; print \"x_bucket{le=\\\"+Inf\\\"} 100000\" }" >hist.prom &&
	p95parse -m x hist.prom >out && contains p95_ms=95000 out &&
	awk "BEGIN { for (i = 0; i < 100000; i++) printf \"x_bucket{s=\\\"%d\\\",le=\\\"1\\\"} 1\nx_bucket{s=\\\"%d\\\",le=\\\"+Inf\\\"} 1\n\", i, i }" >series.prom &&
	p95parse -m x series.prom >out && contains series=100000 out &&
	awk "BEGIN { for (i = 0; i < 100000; i++) printf \"y_bucket{s=\\\"%d\\\",le=\\\"1\\\"} 1\n\", i; print \"x_bucket{le=\\\"+Inf\\\"} 1\" }" >fam.prom &&
	expect_code 3 p95parse -m z fam.prom >out 2>err && contains "metrics present: x, y" err &&
	awk "BEGIN { print \"     http_req_duration...: avg=1ms p(95)=2ms\"; for (i = 0; i < 100000; i++) printf \"       { ep:e%d }...: avg=1ms p(95)=2ms\n\", i; print \"       { ep:models }...: avg=1ms p(95)=4ms\" }" >subs.log &&
	p95parse -t ep=models subs.log >out && contains p95_ms=4 out
'

test_expect_success 'gzip input is named, with the command that reads it' '
	printf "{\"metrics\":{\"http_req_duration\":{\"p(95)\":3}}}" >plain.json &&
	if have gzip; then gzip -c plain.json >x.gz; else printf "\037\213\010\000" >x.gz; fi &&
	expect_code 3 p95parse x.gz >out 2>err &&
	check_str "p95parse: x.gz: gzip-compressed, not text; read it with: gzip -dc x.gz | p95parse -" err &&
	cp x.gz "my run.gz" &&
	expect_code 3 p95parse "my run.gz" >out 2>err &&
	contains "gzip -dc '\''my run.gz'\'' | p95parse -" err &&
	expect_code 3 p95parse - <x.gz >out 2>err &&
	contains "read it with: gzip -dc | p95parse -" err &&
	p95parse - <plain.json >out && contains p95_ms=3 out
'

test_done
