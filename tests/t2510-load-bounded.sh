#!/bin/sh
# httpprobe's load mode in bounded memory (a soak of hours): each trend
# keeps HTTPPROBE_EXACT_SAMPLES latencies exactly, then its log-linear
# histogram answers within 0.5%; the summary, the facts and the export say
# which. The exact figures to compare with are p95parse's over the same
# run's --out points. Against the fixture server. The test bodies are
# eval'ed strings: shellcheck cannot see them use what is defined here.
# shellcheck disable=SC2034,SC2317
# shellcheck source=tests/lib.sh
. "${0%/*}/lib.sh"

start_fixture
F=$FIXTURE_URL
start_fixture -e 4
E=$FIXTURE_URL

# exact METRIC PCT [TAG]: that percentile over the --out points, by k6 rule.
exact() {
	p95parse -f ndjson -m "$1" -p "$2" ${3:+-t "$3"} "$TRASH/bounded.ndjson" >"$TRASH/exact" &&
		val "p$2_ms" "$TRASH/exact"
}

# from_export METRIC PCT [TAG]: the figure of the same run export shows.
from_export() {
	p95parse -f json -m "$1" -p "$2" ${3:+-t "$3"} "$TRASH/bounded.json" >"$TRASH/exported" &&
		val "p$2_ms" "$TRASH/exported"
}

test_expect_success 'past HTTPPROBE_EXACT_SAMPLES=50, 400 requests: bounded, and each output says so' '
	HTTPPROBE_EXACT_SAMPLES=50 httpprobe -c 4 -n 400 --tag ep=models \
		--summary-export "$TRASH/bounded.json" --out "$TRASH/bounded.ndjson" \
		"$F/v1/models" >"$TRASH/bounded.out" 2>err &&
	cp "$TRASH/bounded.out" out &&
	test "$(val requests out)" = 400 &&
	test "$(val p95_precision out)" = bounded &&
	test "$(val p95_rel_error out)" = 0.005 &&
	contains "     percentiles are within 0.5%: more than 50 samples a metric, from a log-linear histogram" err &&
	lacks "exact" err &&
	contains "\"exact_samples\": 50," "$TRASH/bounded.json" &&
	contains "\"rel_error\": 0.005," "$TRASH/bounded.json" &&
	test "$(grep -c "^            \"http_req_[a-z_]*\": \"bounded\",*\$" "$TRASH/bounded.json")" = 6 &&
	test "$(grep -c "^            \"http_req_duration{[a-z_]*:[a-z]*}\": \"bounded\",*\$" "$TRASH/bounded.json")" = 2 &&
	lacks "\"exact\"" "$TRASH/bounded.json"
'

test_expect_success 'bounded: each percentile within 0.5% of the exact one over the --out points' '
	for p in 50 90 95 99; do
		within "$(val "p${p}_ms" "$TRASH/bounded.out")" "$(exact http_req_duration $p)" 0.005 ||
			return 1
	done &&
	within "$(val p99_9_ms "$TRASH/bounded.out")" "$(exact http_req_duration 99.9)" 0.005 &&
	for m in http_req_duration http_req_blocked http_req_sending http_req_waiting; do
		for p in 90 95; do
			within "$(from_export $m $p)" "$(exact $m $p)" 0.005 || return 1
		done
	done &&
	within "$(from_export http_req_duration 95 ep=models)" "$(exact http_req_duration 95 ep=models)" 0.005 &&
	within "$(from_export http_req_duration 95 expected_response=true)" \
		"$(exact http_req_duration 95 expected_response=true)" 0.005
'

test_expect_success 'bounded: count, min, avg and max stay exact' '
	p95parse -f ndjson "$TRASH/bounded.ndjson" >ex &&
	test "$(val requests ex)" = 400 &&
	test "$(val min_ms "$TRASH/bounded.out")" = "$(val min_ms ex)" &&
	test "$(val max_ms "$TRASH/bounded.out")" = "$(val max_ms ex)" &&
	test "$(val avg_ms "$TRASH/bounded.out")" = "$(val avg_ms ex)" &&
	p95parse -f json -t ep=models "$TRASH/bounded.json" >exp &&
	test "$(val max_ms exp)" = "$(val max_ms ex)" &&
	test "$(val http_req_failed_of exp)" = 400
'

test_expect_success 'bounded: the export still merges (its histograms hold every request)' '
	p95parse --merge -t ep=models "$TRASH/bounded.json" >merged &&
	test "$(val p95_precision merged)" = bounded &&
	test "$(val requests merged)" = 400 &&
	within "$(val p95_ms merged)" "$(exact http_req_duration 95 ep=models)" 0.005
'

test_expect_success 'under the bound: exact, and equal to the figures over the --out points' '
	HTTPPROBE_EXACT_SAMPLES=1000 httpprobe -c 4 -n 400 --out out.ndjson \
		--summary-export exp.json "$F/v1/models" >out 2>err &&
	test "$(val p95_precision out)" = exact &&
	lacks p95_rel_error out &&
	contains "     percentiles are exact: every sample kept (at most 1000 a metric)" err &&
	test "$(grep -c "\": \"exact\"" exp.json)" = 7 &&
	lacks "\"bounded\"" exp.json &&
	for p in 50 90 95 99; do
		p95parse -f ndjson -p $p out.ndjson >ex &&
		test "$(val "p${p}_ms" out)" = "$(val "p${p}_ms" ex)" || return 1
	done
'

test_expect_success 'the bound is a number of samples: 400 of 400 exact, 400 past 399 bounded' '
	HTTPPROBE_EXACT_SAMPLES=400 httpprobe -q -c 4 -n 400 "$F/v1/models" >at &&
	test "$(val p95_precision at)" = exact &&
	HTTPPROBE_EXACT_SAMPLES=399 httpprobe -q -c 4 -n 400 "$F/v1/models" >past &&
	test "$(val p95_precision past)" = bounded
'

test_expect_success 'without the variable: exact, at most 1000000 a metric' '
	unset HTTPPROBE_EXACT_SAMPLES &&
	httpprobe -c 2 -n 100 "$F/v1/models" >out 2>err &&
	test "$(val p95_precision out)" = exact &&
	contains "     percentiles are exact: every sample kept (at most 1000000 a metric)" err &&
	HTTPPROBE_EXACT_SAMPLES= httpprobe -c 2 -n 100 "$F/v1/models" >out 2>err &&
	contains "(at most 1000000 a metric)" err
'

test_expect_success 'failures: http_req_duration bounded, its expected_response:true part still exact' '
	expect_code 1 env HTTPPROBE_EXACT_SAMPLES=350 \
		httpprobe -c 1 -n 400 --out out.ndjson --summary-export exp.json \
		"$E/v1/models" >out 2>err &&
	test "$(val failed out)" = 100 &&
	test "$(val p95_precision out)" = bounded &&
	contains "from a log-linear histogram; exact: { expected_response:true }" err &&
	contains "\"http_req_duration\": \"bounded\"" exp.json &&
	contains "\"http_req_duration{expected_response:true}\": \"exact\"" exp.json &&
	p95parse -f ndjson -t expected_response=true out.ndjson >ex &&
	p95parse -f json -t expected_response=true exp.json >got &&
	test "$(val p95_ms got)" = "$(val p95_ms ex)" &&
	test "$(val max_ms got)" = "$(val max_ms ex)"
'

test_expect_success 'a bad HTTPPROBE_EXACT_SAMPLES is a usage error that names it, exit 2' '
	for bad in 0 -1 12x " 5" "5 " 1e3 0x10 1.5 99999999999999999999; do
		expect_code 2 env HTTPPROBE_EXACT_SAMPLES="$bad" \
			httpprobe -q -c 1 -n 1 "$F/v1/models" >out 2>err &&
		line_count 1 err &&
		contains "httpprobe: bad HTTPPROBE_EXACT_SAMPLES " err &&
		contains ": not a number of samples (1-" err &&
		test ! -s out || return 1
	done
'

test_expect_success 'one request (not load mode) does not read HTTPPROBE_EXACT_SAMPLES' '
	HTTPPROBE_EXACT_SAMPLES=bad httpprobe -q "$F/healthz" >out 2>err &&
	test ! -s err
'

test_expect_success 'EXAMPLES: memory bounded on a soak, shown with a lower bound' '
	HTTPPROBE_EXACT_SAMPLES=100 httpprobe -q -c 4 -n 1000 "$F/v1/models" >out &&
	grep -e precision -e rel_error out >got &&
	printf "p95_precision=bounded\np95_rel_error=0.005\n" >want &&
	check want got
'

test_expect_success 'a lone bounded export: p95parse says bounded, and the gate takes the bound' '
	p95parse -t ep=models "$TRASH/bounded.json" >out &&
	test "$(val p95_precision out)" = bounded &&
	test "$(val p95_rel_error out)" = 0.005 &&
	v=$(val p95_ms out) &&
	tight=$(awk -v v="$v" "BEGIN { printf \"%.9f\", v * 1.002 }") &&
	loose=$(awk -v v="$v" "BEGIN { printf \"%.9f\", v * 1.01 }") &&
	expect_code 1 p95parse -t ep=models -l "$tight" "$TRASH/bounded.json" >out 2>err &&
	contains "(from histograms, within 0.5%: up to " err &&
	expect_code 0 p95parse -t ep=models -l "$loose" "$TRASH/bounded.json" >out 2>err
'

test_expect_success 'an exact export: no precision line, as for k6 (the gate on the value itself)' '
	httpprobe -q -c 1 -n 20 --summary-export exact.json "$F/v1/models" >/dev/null &&
	contains "\"http_req_duration\": \"exact\"" exact.json &&
	p95parse exact.json >out &&
	lacks p95_precision out
'

test_expect_success 'smokekit_precision not as documented: exit 3, the member named' '
	sed "s/\"bounded\"/\"roughly\"/" "$TRASH/bounded.json" >odd.json &&
	expect_code 3 p95parse odd.json >out 2>err &&
	check_str "p95parse: odd.json: smokekit_precision: a percentile is not \"exact\" or \"bounded\"" err
'

test_done
