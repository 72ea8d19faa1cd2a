#!/bin/sh
# make smoke-local end to end (mk/smoke.sh), continued from t5100 and
# t5105: the same runs with jq on PATH give the same exit codes and lines,
# and jq's facts equal ours. (A file of its own so that it runs beside
# the others.)
# shellcheck disable=SC2317 # the helpers are called from test bodies
# shellcheck source=tests/lib.sh
. "${0%/*}/lib.sh"

# shellcheck source=tests/smokelib.sh
. "$ROOT/tests/smokelib.sh"

# shellcheck source=tests/smokebackends.sh
. "$ROOT/tests/smokebackends.sh"

# With jq on PATH: the same exit codes and lines, and jq's facts are ours.
if have jq; then
	# same_line: out without the run directory (its name has the minute, which
	# may change between two runs) and without the measured numbers (the
	# native load's sample count among them: it depends on machine speed).
	same_line() {
		sed "s| ($PWD/runs/[^ ]*)\$||; s|$PWD/runs/[0-9][0-9-]*|RUNDIR|g; s/[0-9][0-9]*\.[0-9][0-9]*/N/g; s/([0-9]* of [0-9]*)/(N of N)/g; s/p95 of [0-9][0-9]* samples /p95 /g" out
	}
	# same_as_bare URL CODE [NAME=VALUE...]: run twice, bare and with jq.
	same_as_bare() {
		sa_url=$1 sa_code=$2
		shift 2
		smoke_code "$sa_code" "$sa_url" "$@" &&
		same_line >bare.line &&
		mv runs bare-runs &&
		smoke_code "$sa_code" "$sa_url" PATH="$JQPATH" "$@" &&
		same_line >jq.line &&
		check bare.line jq.line
	}
	test_expect_success 'with jq: PASS the same, jq.txt agrees with our facts' '
		same_as_bare "$OK_URL" 0 &&
		has_artifacts jq.txt &&
		test "$(key runs/latest/jq.txt healthz_ok)" = true &&
		test "$(key runs/latest/jq.txt models_data)" = array &&
		test "$(key runs/latest/jq.txt models_count)" = "$(key runs/latest/metrics.txt models_count)" &&
		awk -v a="$(key runs/latest/jq.txt p95_ms)" -v b="$(key runs/latest/metrics.txt p95_ms)" \
		    "BEGIN { exit !(a != \"\" && a + 0 == b + 0) }" &&
		awk -v a="$(key runs/latest/jq.txt http_req_failed)" \
		    -v b="$(key runs/latest/metrics.txt http_req_failed)" \
		    "BEGIN { exit !(a != \"\" && a + 0 == b + 0) }" &&
		lacks disagree runs/latest/jq.txt &&
		status_has "\"jq\": \"agree\"" &&
		contains "jq=jq-" runs/latest/sysinfo.txt &&
		contains "✓ jq present" runs/latest/preflight.txt
	'
	test_expect_success 'with jq: healthz 503 the same' '
		same_as_bare "$H503_URL" 1
	'
	test_expect_success 'with jq: ok false the same, jq sees false too' '
		same_as_bare "$NOTOK_URL" 1 &&
		check_str "healthz_ok=false" runs/latest/jq.txt
	'
	test_expect_success 'with jq: ok an object on two lines: jq.txt keeps one line, they agree' '
		same_as_bare "$OKOBJ_URL" 1 &&
		check_str "healthz_ok={\"status\":\"degraded\"}" runs/latest/jq.txt &&
		status_has "\"jq\": \"agree\""
	'
	test_expect_success 'a jq that answers otherwise: FAIL jq, exit 3, both answers kept' '
		bare_path liar &&
		printf "#!/bin/sh\n%s \"\$@\" | sed s/^array\$/object/\n" "$(command -v jq)" >liar/jq &&
		chmod +x liar/jq &&
		smoke_code 3 "$OK_URL" PATH="$PWD/liar" &&
		fail_line jq "jq and smokekit disagree: models_data: jq object, smokekit array " &&
		contains "disagree=models_data: jq object, smokekit array" runs/latest/jq.txt &&
		contains "models_count=2" runs/latest/jq.txt && lacks "disagree=models_count" runs/latest/jq.txt
	'
	test_expect_success 'with jq: models without data the same' '
		same_as_bare "$NODATA_URL" 1
	'
	test_expect_success 'with jq: the latency gate the same' '
		same_as_bare "$SLOW_URL" 5 P95_MAX_MS=20 &&
		awk -v a="$(key runs/latest/jq.txt p95_ms)" -v b="$(key runs/latest/metrics.txt p95_ms)" \
		    "BEGIN { exit !(a != \"\" && a + 0 == b + 0) }"
	'
	test_expect_success 'with jq: a closed port the same' '
		same_as_bare "$CLOSED_URL" 4 WAIT_S=1
	'
else
	test_skip 'with jq: the same results' 'jq is not here'
fi

test_done
