#!/bin/sh
# make stage-check (mk/stage.sh): against the demo backend's stage mode,
# each property broken in turn, a server we did not write (python3), and
# the counter reader it rests on (p95parse -c).

# shellcheck source=tests/lib.sh
. "${0%/*}/lib.sh"

cat >"$TRASH/metrics.txt" <<'PROM'
# HELP services_narrator_llm_requests_total Long questions by outcome.
# TYPE services_narrator_llm_requests_total counter
services_narrator_llm_requests_total{outcome="ok"} 2
services_narrator_llm_requests_total{outcome="overload"} 3
other_total{outcome="overload",pod="a"} 1.5
other_total{pod="b",outcome="overload"} 2
escaped{path="a\"b"} 7
PROM

test_expect_success 'counter by name and labels' '
	p95parse -c "services_narrator_llm_requests_total{outcome=\"overload\"}" \
		"$TRASH/metrics.txt" >out &&
	cat >want <<-EOF &&
	counter=services_narrator_llm_requests_total{outcome="overload"}
	value=3
	series=1
	file=$TRASH/metrics.txt
	EOF
	check want out
'

test_expect_success 'counter: the series that match add up; labels in any order' '
	p95parse -c "other_total{outcome=\"overload\"}" "$TRASH/metrics.txt" >out &&
	contains "value=3.5" out && contains "series=2" out &&
	p95parse -c "other{ outcome = \"overload\" , pod=\"b\" }" "$TRASH/metrics.txt" >out &&
	contains "value=2" out && contains "series=1" out
'

test_expect_success 'counter: escaped label values, -j' '
	p95parse -j -c "escaped{path=\"a\\\"b\"}" "$TRASH/metrics.txt" >out &&
	contains "\"value\":7" out
'

test_expect_success 'counter: absent is 1, malformed page 3, bad selector 2' '
	expect_code 1 p95parse -c "services_narrator_llm_requests_total{outcome=\"x\"}" \
		"$TRASH/metrics.txt" >out 2>err &&
	contains "no series" err &&
	printf "not a page\n" >bad.txt &&
	expect_code 3 p95parse -c x bad.txt >out 2>err && contains "line 1" err &&
	expect_code 2 p95parse -c "x{" "$TRASH/metrics.txt" 2>err &&
	contains "bad counter" err
'

test_expect_success 'counter: a comment that is not a sample is no match (never grep)' '
	printf "# services_narrator_llm_requests_total{outcome=\"overload\"} 9\n" >c.txt &&
	expect_code 1 p95parse -c "services_narrator_llm_requests_total{outcome=\"overload\"}" c.txt 2>err
'

test_done
