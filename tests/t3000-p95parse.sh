#!/bin/sh
# p95parse against real k6 output (tests/data/k6: k6 v0.57.0 and v1.0.0).
# The helpers below run inside test bodies (eval), hence SC2317.
# shellcheck source=tests/lib.sh disable=SC2317
. "${0%/*}/lib.sh"

K6=$TESTDATA/k6
if [ ! -d "$K6/v0.57.0" ] || [ ! -d "$K6/v1.0.0" ]; then
	fail_all "no k6 testdata in $K6"
fi

# agree EXPORT_OUT LOG_OUT PCT_KEY [STEP]: the log's numbers are the
# export's as k6 prints them: truncated, never above, less by under one
# printed step (the p95's step is in the output; the others are below 1 s
# in these runs, so 0.01 ms is their largest step unless STEP is given).
agree() {
	awk -F= -v pk="$3" -v other="${4:-0.01}" '
	NR == FNR { e[$1] = $2; next }
	{ l[$1] = $2 }
	END {
		n = split(pk " avg_ms min_ms med_ms max_ms", keys, " ")
		for (i = 1; i <= n; i++) {
			k = keys[i]
			step = (k == pk) ? l[k "_step"] : other
			if (!(k in e) || !(k in l)) { print "missing " k; bad = 1; continue }
			if (l[k] > e[k] * (1 + 1e-12) || e[k] - l[k] >= step + 1e-9) {
				printf "%s: log %s vs export %s (step %s)\n", k, l[k], e[k], step
				bad = 1
			}
		}
		exit bad
	}' "$1" "$2"
}

for v in v0.57.0 v1.0.0; do
	for c in a_plain b_threshold_fail c_json_out d_http_500 e_microseconds; do
		test_expect_success "$v/$c: stdout log agrees with the export (ep:models)" "
			p95parse -t ep=models '$K6/$v/$c/k6_models.json' >exp &&
			p95parse -t ep=models '$K6/$v/$c/k6_stdout.log' >log &&
			contains 'source=summary-export' exp &&
			contains 'metric=http_req_duration{ep:models}' exp &&
			contains 'metric=http_req_duration{ep:models}' log &&
			contains 'rounding=truncated' log &&
			agree exp log p95_ms &&
			test \"\$(val http_req_failed exp)\" = \"\$(val http_req_failed log)\" &&
			test \"\$(val http_req_failed_of exp)\" = \"\$(val http_req_failed_of log)\"
		"
	done
	test_expect_success "$v/h_groups_default: sub-metrics by group and scenario" "
		for t in 'group=::list models' scenario=models; do
			p95parse -t \"\$t\" '$K6/$v/h_groups_default/k6_models.json' >exp &&
			p95parse -t \"\$t\" '$K6/$v/h_groups_default/k6_stdout.log' >log &&
			agree exp log p95_ms || return 1
		done &&
		contains 'metric=http_req_duration{group:::list models}' exp ||
		contains 'metric=http_req_duration{scenario:models}' exp
	"
	test_expect_success "$v/c_json_out: exact NDJSON p95 equals the export's" "
		for m in 'http_req_duration -t ep=models' 'http_req_duration' 'iteration_duration'; do
			# shellcheck disable=SC2086 # metric and its options
			p95parse -m \$m '$K6/$v/c_json_out/raw.ndjson' >nd &&
			p95parse -m \$m '$K6/$v/c_json_out/k6_models.json' >exp &&
			contains source=k6-ndjson nd &&
			awk -F= 'NR == FNR { e[\$1] = \$2; next } { n[\$1] = \$2 }
			    END { split(\"p95_ms avg_ms min_ms med_ms max_ms\", k, \" \")
			        for (i = 1; i <= 5; i++) {
			            d = n[k[i]] - e[k[i]]; if (d < 0) d = -d
			            if (!(k[i] in n) || d > 1e-9 * e[k[i]]) { print k[i], n[k[i]], e[k[i]]; exit 1 } } }' \
			    exp nd || return 1
		done &&
		p95parse -t ep=models '$K6/$v/c_json_out/raw.ndjson' >nd &&
		p95parse -t ep=models '$K6/$v/c_json_out/k6_models.json' >exp &&
		test \"\$(val requests nd)\" = \"\$(val http_req_failed_of exp)\" &&
		contains 'http_req_failed_metric=http_req_failed{ep:models}' nd
	"
	test_expect_success "$v/b_threshold_fail: p(95)<10 fails the gate, as k6 said" "
		for f in k6_models.json k6_stdout.log; do
			expect_code 1 p95parse -t ep=models --max 10 --failed-max 0.01 \
			    '$K6/$v/b_threshold_fail/'\$f >out 2>err &&
			contains 'gate_p95=fail' out &&
			contains 'gate_http_req_failed=pass' out &&
			contains 'is not below 10 ms' err &&
			contains \"b_threshold_fail/\$f: p95 \" err || return 1
		done &&
		p95parse -t ep=models '$K6/$v/b_threshold_fail/k6_models.json' >exp &&
		contains 'threshold.p(95)<10=fail' exp &&
		contains 'thresholds=fail' exp &&
		expect_code 0 p95parse -t ep=models --max 1200 '$K6/$v/b_threshold_fail/k6_stdout.log' >ok
	"
	test_expect_success "$v/d_http_500: the error-rate gate fails, the p95 gate passes" "
		for f in k6_models.json k6_stdout.log; do
			expect_code 1 p95parse -t ep=models --max 1200 --failed-max 0.01 \
			    '$K6/$v/d_http_500/'\$f >out 2>err &&
			contains 'gate_p95=pass' out &&
			contains 'gate_http_req_failed=fail' out &&
			contains 'http_req_failed_metric=http_req_failed' out &&
			contains 'http_req_failed_thresholds=fail' out &&
			contains 'http_req_failed 0.2' err &&
			lacks ' p95 ' err || return 1
		done &&
		p95parse -t ep=models '$K6/$v/d_http_500/k6_models.json' >exp &&
		contains 'http_req_failed_threshold.rate<0.01=fail' exp &&
		expect_code 0 p95parse -t ep=models --max 1200 --failed-max 0.3 '$K6/$v/d_http_500/k6_stdout.log' >ok
	"
	test_expect_success "$v/i_units: every duration unit k6 prints" "
		for pair in unit_ns:0.000123 unit_us:0.5 unit_ms:12.34 unit_s:1530 \
		    unit_m:62000 unit_1m:60000 unit_h:3723000 unit_mixed:2625000; do
			m=\${pair%%:*} want=\${pair#*:}
			p95parse -m \$m '$K6/$v/i_units/k6_stdout.log' >log &&
			p95parse -m \$m '$K6/$v/i_units/k6_models.json' >exp &&
			test \"\$(val p95_ms log)\" = \"\$want\" &&
			agree exp log p95_ms \"\$(val p95_ms_step log)\" || { echo \"\$m\"; return 1; }
		done &&
		p95parse -m unit_mixed '$K6/$v/i_units/k6_stdout.log' >log &&
		check_str 'p95_ms=2625000
p95_ms_step=1000
rounding=truncated
avg_ms=549000
min_ms=0.000123
med_ms=1530
max_ms=3723000
source=$( [ $v = v1.0.0 ] && echo k6-stdout-v1 || echo k6-stdout-legacy)
file=$K6/$v/i_units/k6_stdout.log
metric=unit_mixed' log
	"
done

test_expect_success 'v1.0.0: the THRESHOLDS section gives the verdicts by source' '
	p95parse -t ep=models "$K6/v1.0.0/d_http_500/k6_stdout.log" >out &&
	contains "threshold.p(95)<1200=pass" out &&
	contains "http_req_failed_threshold.rate<0.01=fail" out &&
	p95parse -t "group=::list models" -p 99 "$K6/v1.0.0/h_groups_default/k6_stdout.log" >g 2>err;
	test $? -eq 3 && contains "has no p(99)" err &&
	p95parse -t scenario=models "$K6/v1.0.0/h_groups_default/k6_stdout.log" >s &&
	contains "threshold.p(95)<1200=pass" s &&
	contains "threshold.avg<1000=pass" s
'

test_expect_success 'the pipeline call: export missing, the stdout log wins' '
	expect_code 0 p95parse -t ep=models --max 1200 --failed-max 0.01 \
	    k6_out/k6_models.json "$K6/v1.0.0/a_plain/k6_stdout.log" >out 2>err &&
	contains "k6_out/k6_models.json: open: No such file or directory" err &&
	contains "file=$K6/v1.0.0/a_plain/k6_stdout.log" out &&
	contains "source=k6-stdout-v1" out &&
	expect_code 0 p95parse -t ep=models --max 1200 --failed-max 0.01 \
	    "$K6/v1.0.0/a_plain/k6_models.json" "$K6/v1.0.0/a_plain/k6_stdout.log" >out2 2>err2 &&
	contains "source=summary-export" out2 &&
	test ! -s err2
'

test_expect_success 'a metric that is absent is exit 3 naming what exists' '
	expect_code 3 p95parse -m http_req_durations "$K6/v0.57.0/a_plain/k6_models.json" >out 2>err &&
	test ! -s out &&
	contains "no metric http_req_durations; metrics present:" err &&
	contains "http_req_duration{ep:models}" err &&
	expect_code 3 p95parse -t ep=health --max 1200 "$K6/v1.0.0/a_plain/k6_stdout.log" >out 2>err &&
	contains "no metric http_req_duration{ep:health}" err &&
	expect_code 3 p95parse -t ep=health "$K6/v1.0.0/c_json_out/raw.ndjson" >out 2>err &&
	contains "none of the 67 Points of http_req_duration has the tags of http_req_duration{ep:health}" err
'

test_expect_success 'a trend stat k6 did not print is exit 3, not a guess' '
	expect_code 3 p95parse -p 99 "$K6/v0.57.0/a_plain/k6_models.json" >out 2>err &&
	contains "has no p(99) (it has" err &&
	p95parse -p 90 "$K6/v0.57.0/a_plain/k6_models.json" >out &&
	contains "p90_ms=" out &&
	p95parse -p 50 "$K6/v0.57.0/a_plain/k6_stdout.log" >out &&
	test "$(val p50_ms out)" = "$(val med_ms out)"
'

test_done
