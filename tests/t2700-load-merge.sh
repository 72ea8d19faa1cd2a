#!/bin/sh
# httpprobe's --summary-export carries http_req_duration's log-linear
# histogram ("smokekit_histogram", tools/lib/loghist.h), so the exports of
# two load runs merge with p95parse --merge within 0.5% of the exact p95
# over both runs' samples (their --out NDJSON), counts and failed rate
# exact; k6's readers and p95parse without --merge ignore the member.
# The test bodies are eval'ed strings: shellcheck cannot see them use
# what is defined here.
# shellcheck disable=SC2034,SC2317
# shellcheck source=tests/lib.sh
. "${0%/*}/lib.sh"

[ -x "$FIXTURE" ] || skip_all "the fixture server is not built"
have python3 || skip_all "python3 is needed (JSON checks)"

start_fixture
F=$FIXTURE_URL
start_fixture -e 4
E=$FIXTURE_URL

test_expect_success 'two load runs: exports and raw samples' '
	expect_code 0 httpprobe -q -c 4 -n 300 --tag ep=models \
		--summary-export a.json --out a.ndjson "$F/v1/models" >a.out 2>a.err &&
	expect_code 1 httpprobe -q -c 2 -n 200 --tag ep=models \
		--summary-export b.json --out b.ndjson "$E/v1/models" >b.out 2>b.err &&
	test "$(val failed b.out)" -gt 0 &&
	cp a.json b.json a.ndjson b.ndjson "$TRASH/"
'

test_expect_success 'the exports merge within 0.5% of the exact p95' '
	p95parse --merge "$TRASH/a.json" "$TRASH/b.json" >hist 2>err &&
	p95parse --merge "$TRASH/a.ndjson" "$TRASH/b.ndjson" >exact 2>err &&
	test "$(val p95_precision hist)" = bounded &&
	test "$(val p95_rel_error hist)" = 0.005 &&
	test "$(val p95_precision exact)" = exact &&
	within "$(val p95_ms hist)" "$(val p95_ms exact)" 0.005 &&
	within "$(val med_ms hist)" "$(val med_ms exact)" 0.005 &&
	test "$(val requests hist)" = 500 &&
	for k in requests http_req_failed http_req_failed_count http_req_failed_of \
		min_ms max_ms; do
		test "$(val $k hist)" = "$(val $k exact)" || {
			echo "$k: $(val $k hist) != $(val $k exact)"; return 1; }
	done
'

test_expect_success 'a sub-metric merges too: the --tag and expected_response:true' '
	for t in ep=models expected_response=true; do
		p95parse --merge -t $t "$TRASH/a.json" "$TRASH/b.json" >hist 2>err &&
		p95parse --merge -t $t "$TRASH/a.ndjson" "$TRASH/b.ndjson" >exact 2>err &&
		test "$(val p95_precision hist)" = bounded &&
		within "$(val p95_ms hist)" "$(val p95_ms exact)" 0.005 &&
		test "$(val requests hist)" = "$(val requests exact)" || return 1
	done
'

test_expect_success 'the member: loghist.h shape, one per http_req_duration trend' '
	python3 - "$TRASH/b.json" <<-\EOF
	import json, sys
	exp = json.load(open(sys.argv[1]))
	assert list(exp) == ["root_group", "metrics", "smokekit_histogram",
	    "smokekit_precision"], list(exp)
	h = exp["smokekit_histogram"]
	assert list(h) == ["http_req_duration", "http_req_duration{ep:models}",
	    "http_req_duration{expected_response:true}"], list(h)
	n = exp["metrics"]["http_reqs"]["count"]
	fails = exp["metrics"]["http_req_failed"]["passes"]
	assert h["http_req_duration"]["count"] == n, h
	assert h["http_req_duration{expected_response:true}"]["count"] == n - fails
	for name, m in h.items():
	    assert m["scheme"] == "log-linear" and m["rel_error"] == 0.005, m
	    idx = [b[0] for b in m["buckets"]]
	    assert idx == sorted(set(idx)), name
	    assert all(b[1] > 0 for b in m["buckets"]), name
	    assert sum(b[1] for b in m["buckets"]) == m["count"], name
	EOF
'

test_expect_success 'without --merge, p95parse reads the export as before' '
	p95parse "$TRASH/a.json" >one 2>err &&
	test "$(val source one)" = summary-export &&
	test -z "$(val p95_precision one)" &&
	python3 - "$TRASH/a.json" "$(val p95_ms one)" <<-\EOF
	import json, sys
	m = json.load(open(sys.argv[1]))["metrics"]["http_req_duration"]
	assert abs(m["p(95)"] - float(sys.argv[2])) < 1e-9, (m, sys.argv[2])
	EOF
'

test_done
