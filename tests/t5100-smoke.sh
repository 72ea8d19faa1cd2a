#!/bin/sh
# make smoke-local end to end (mk/smoke.sh) on a host without jq, k6 or
# docker: PATH holds our programs and a few POSIX utilities only. Real
# backends (tests/smokebackends.sh): the fixture server, passing and
# failing on purpose. The verdicts, the artifacts and the run directory;
# t5105 goes on with the knobs and other servers, t5106 with jq.
# shellcheck disable=SC2317 # the helpers are called from test bodies
# shellcheck source=tests/lib.sh
. "${0%/*}/lib.sh"

# shellcheck source=tests/smokelib.sh
. "$ROOT/tests/smokelib.sh"

# shellcheck source=tests/smokebackends.sh
. "$ROOT/tests/smokebackends.sh"

test_expect_success 'the bare PATH has no jq, k6 or docker, and our programs are not on it' '
	for c in jq k6 docker httpprobe; do
		test ! -e "$BARE/$c" || return 1
	done
	test -x "$JQPATH/jq" || ! have jq
'

test_expect_success 'PASS against the fixture: exit 0, one line, every artifact' '
	smoke_code 0 "$OK_URL" &&
	line_count 1 out && test ! -s err &&
	grep "^smoke: PASS $P95_SHOWN < 1200.00 ms, failed 0.00% < 1.00%, 2 models, native load ($PWD/runs/[0-9]\{8\}-[0-9]\{4\})\$" out &&
	has_artifacts preflight.txt sysinfo.txt healthz.json models.json \
	    k6_out/k6_models.json k6_stdout.log metrics.txt status.json \
	    junit.xml report.html series.txt &&
	lacks_artifacts jq.txt leakscan.txt compose.log &&
	no_temporaries &&
	test "$(key runs/latest/metrics.txt models_count)" = 2 &&
	test "$(key runs/latest/metrics.txt models_bytes)" = "$(wc -c <runs/latest/models.json | tr -d " ")" &&
	test "$(key runs/latest/metrics.txt k6_mode)" = native &&
	test -n "$(key runs/latest/metrics.txt p95_ms)" &&
	test -n "$(key runs/latest/metrics.txt http_req_failed)" &&
	status_has "\"status\": \"pass\"" && status_has "\"exit_code\": 0," &&
	status_has "\"k6_mode\": \"native\"" && status_has "\"base_url\": \"$OK_URL\"" &&
	status_has "\"jq\": \"absent\"" && status_has "{\"name\":\"healthz\",\"ok\":true," &&
	status_has "{\"name\":\"gate\",\"ok\":true," &&
	jsonfield -q -t array .checks runs/latest/status.json &&
	contains "k6_mode=native" runs/latest/sysinfo.txt &&
	contains "jq=absent" runs/latest/sysinfo.txt &&
	contains "✓ port 127.0.0.1:$OK_PORT:" runs/latest/preflight.txt &&
	contains "✗ jq not found" runs/latest/preflight.txt
'

# report.html and junit.xml of a real run, read by python3's parsers: the
# page's figures are metrics.txt's, its plots drawn from the raw samples;
# one testcase per check of status.json.
if have python3; then
	test_expect_success 'report.html and junit.xml of a run: metrics.txt figures, plots, a testcase per check' '
		smoke_code 0 "$OK_URL" &&
		python3 - runs/latest >py.out <<-\PY &&
		import html.parser, json, sys, xml.etree.ElementTree as ET
		run = sys.argv[1]
		metrics = dict(l.rstrip("\n").split("=", 1) for l in open(run + "/metrics.txt"))
		class Page(html.parser.HTMLParser):
		    def __init__(self):
		        super().__init__(); self.text = []; self.svg = 0; self.script = 0
		    def handle_starttag(self, tag, attrs):
		        self.svg += tag == "svg"; self.script += tag == "script"
		    def handle_data(self, data):
		        self.text.append(data)
		page = Page(); page.feed(open(run + "/report.html", encoding="utf-8").read())
		text = " ".join(page.text)
		assert page.script == 0, "a script"
		assert page.svg >= 4, "plots: %d" % page.svg
		for k in ("p95_ms", "avg_ms", "http_req_failed_of"):
		    assert metrics[k] in text, k
		status = json.load(open(run + "/status.json"))
		cases = ET.parse(run + "/junit.xml").getroot().iter("testcase")
		names = [c.get("name") for c in cases]
		assert names == [c["name"] for c in status["checks"]], names
		print("ok", len(names))
		PY
		grep "^ok [0-9]" py.out &&
		test "$(grep -c "^row t=" runs/latest/series.txt)" -ge 1
	'
else
	test_skip 'report.html and junit.xml of a run' 'python3 is not here'
fi

test_expect_success 'a run in a minute that already has directories gets a suffix; latest follows' '
	a=$(date +%Y%m%d-%H%M) &&
	for d in "$a" "$a-2" "$a-3"; do
		mkdir -p "runs/$d" && echo keep >"runs/$d/marker" || return 1
	done &&
	ln -s "$a" runs/latest &&
	smoke_code 0 "$OK_URL" &&
	n=$(run_name) &&
	case $n in
	"$a-4") ;;
	"$a"*) echo "run dir $n" >&2; false ;;
	*) test "$(date +%Y%m%d-%H%M)" != "$a" ;;	# the minute turned
	esac &&
	for d in "$a" "$a-2" "$a-3"; do
		check_str keep "runs/$d/marker" && test ! -e "runs/$d/status.json" || return 1
	done &&
	test -s "runs/$n/status.json" &&
	smoke_code 0 "$OK_URL" &&
	test "$(run_name)" != "$n" && test -s "runs/$n/status.json"
'

test_expect_success 'RUN_DIR= puts the run where it says, and leaves runs/latest alone' '
	smoke_code 0 "$OK_URL" RUN_DIR="$PWD/here" &&
	test -s here/status.json && test ! -e runs/latest &&
	contains "($PWD/here)" out
'

test_expect_success 'RUNS_DIR with a blank: the run there, and no file outside it touched' '
	echo keep >my &&
	smoke_code 0 "$OK_URL" RUNS_DIR="$PWD/my runs" ENV_FILE="$TRASH/leaky.env" &&
	r=$(readlink "my runs/latest") &&
	contains "native load ($PWD/my runs/$r)" out &&
	test -s "my runs/$r/status.json" && test -s "my runs/$r/env_acl.txt" &&
	check_str keep my &&
	find "my runs" -name ".*.tmp.*" >tmps && test ! -s tmps
'

test_expect_success 'healthz 503: FAIL healthz, exit 1, the body kept, nothing after it' '
	smoke_code 1 "$H503_URL" &&
	fail_line healthz "GET /healthz: HTTP 503, wanted 200 (body in $PWD/runs/$(run_name)/healthz.json)" &&
	has_artifacts healthz.json status.json metrics.txt sysinfo.txt &&
	lacks_artifacts models.json k6_out k6_stdout.log &&
	grep "^healthz_ms=[0-9.]*\$" runs/latest/metrics.txt &&
	status_has "\"failed_step\": \"healthz\"" && status_has "\"exit_code\": 1," &&
	status_has "\"status\": \"fail\"" && no_temporaries
'

test_expect_success 'the body cannot be written: a setup error (exit 3), not the backend down' '
	mkdir -p here/healthz.json &&
	smoke_code 3 "$OK_URL" RUN_DIR="$PWD/here" &&
	check_str "smoke: FAIL healthz: httpprobe: $OK_URL/healthz: system: write $PWD/here/healthz.json: Is a directory ($PWD/here)" out
'

test_expect_success 'healthz ok false: FAIL healthz, exit 1' '
	smoke_code 1 "$NOTOK_URL" &&
	fail_line healthz "healthz.json: ok is false, wanted true" &&
	check "$TRASH/notok.json" runs/latest/healthz.json
'

test_expect_success 'ok neither true nor short: still one line, the value compact or not shown' '
	smoke_code 1 "$OKOBJ_URL" &&
	fail_line healthz "healthz.json: ok is {\"status\":\"degraded\"}, wanted true" &&
	smoke_code 1 "$OKLONG_URL" &&
	fail_line healthz "healthz.json: ok is a long value (see $PWD/runs/$(run_name)/healthz.json), wanted true"
'

test_expect_success 'models without data: FAIL models, exit 1, models.json kept' '
	smoke_code 1 "$NODATA_URL" &&
	grep "^smoke: FAIL models: models.json .data: .* ($PWD/runs/$(run_name))\$" out &&
	check "$TRASH/nodata.json" runs/latest/models.json &&
	lacks_artifacts k6_out &&
	status_has "{\"name\":\"healthz\",\"ok\":true," &&
	status_has "{\"name\":\"models\",\"ok\":false,"
'

test_expect_success 'models slower than the gate: FAIL gate, exit 5, the load results kept' '
	smoke_code 5 "$SLOW_URL" P95_MAX_MS=20 &&
	grep "^smoke: FAIL gate: .*($PWD/runs/$(run_name))\$" out &&
	has_artifacts k6_out/k6_models.json k6_stdout.log metrics.txt &&
	awk -v p="$(key runs/latest/metrics.txt p95_ms)" "BEGIN { exit !(p >= 20) }" &&
	status_has "\"exit_code\": 5," && status_has "\"p95_max_ms\": 20,"
'

# A backend whose model list loses its data array after the first answer:
# the probe passes, the load's checks (k6_models.js's, in the native load
# httpprobe --check) do not.
# (Started here, at the top level: a test body runs in a subshell, and a
# server it started would outlive the file.)
FLAKY_PORT=
if have python3; then
	cat >"$TRASH/flaky.py" <<-\PY
	import http.server, json
	n = 0
	GOOD = json.dumps({"data": [{"id": "m1"}]}).encode()
	BAD = json.dumps({"data": None}).encode()
	class H(http.server.BaseHTTPRequestHandler):
	    disable_nagle_algorithm = True  # headers and body are two writes
	    def do_GET(self):
	        global n
	        if self.path == "/v1/models":
	            n += 1
	            body = GOOD if n == 1 else BAD
	        else:
	            body = json.dumps({"ok": True}).encode()
	        self.send_response(200)
	        self.send_header("Content-Type", "application/json")
	        self.send_header("Content-Length", str(len(body)))
	        self.end_headers()
	        self.wfile.write(body)
	    def log_message(self, *a):
	        pass
	s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
	print(s.server_address[1], flush=True)
	s.serve_forever()
	PY
	start_bg python3 "$TRASH/flaky.py" >"$TRASH/flaky.port" 2>/dev/null &&
	wait_for_file "$TRASH/flaky.port" 300 && FLAKY_PORT=$(cat "$TRASH/flaky.port")
fi
if [ -n "$FLAKY_PORT" ]; then
	test_expect_success 'data not an array under load: FAIL checks, exit 5, httpprobe'\''s own line' '
		smoke_code 5 "http://127.0.0.1:$FLAKY_PORT" &&
		grep "^smoke: FAIL checks: [0-9]* of [0-9]* checks failed; the first: '\''.data is array'\'': .data: is null, wanted array ($PWD/runs/$(run_name))\$" out &&
		test "$(key runs/latest/metrics.txt checks_passes)" = 0 &&
		test "$(key runs/latest/metrics.txt checks_fails)" -gt 0 &&
		status_has "{\"name\":\"checks\",\"ok\":false,"
	'
else
	test_skip 'data not an array under load: FAIL checks' 'python3 is not here'
fi

# The backend fails its 2nd, 4th, ... request to /v1/models; the probe
# made the first, the load the next ones: the load's first fails, however
# few requests the machine's speed allows it.
test_expect_success 'every other request fails: FAIL gate, exit 5, each failure counted' '
	smoke_code 5 "$ERR_URL" &&
	grep "^smoke: FAIL gate: .*failed.*($PWD/runs/$(run_name))\$" out &&
	n=$(key runs/latest/metrics.txt http_req_failed_count) &&
	of=$(key runs/latest/metrics.txt http_req_failed_of) &&
	test "$n" -ge 1 && test "$n" -eq $(((of + 1) / 2)) &&
	awk -v f="$(key runs/latest/metrics.txt http_req_failed)" -v n="$n" -v of="$of" \
	    "BEGIN { exit !(f == n / of) }"
'

test_expect_success 'EXAMPLES: sh mk/smoke.sh smoke; echo $?: nothing listens, FAIL port, 4' '
	smoke_code 4 "$CLOSED_URL" WAIT_S=1 &&
	fail_line port "nothing listens on 127.0.0.1:$CLOSED_PORT after 1s (start the backend: make up, or docker compose up -d)" &&
	has_artifacts status.json preflight.txt && lacks_artifacts healthz.json &&
	contains "✗ port 127.0.0.1:$CLOSED_PORT: nothing listens" runs/latest/preflight.txt
'

test_expect_success 'SIGTERM mid-load: the load stopped, status.json says so, exit 143' '
	env -i HOME="$HOME" LC_ALL=C PATH="$BARE" SMOKEKIT_BIN="$PROGS" RUNS_DIR="$PWD/runs" \
	    BASE_URL="$OK_URL" K6_DURATION=60s K6_MODE=native COMPOSE_FILE=none \
	    "$SH" "$ROOT/mk/smoke.sh" smoke >out 2>err &
	pid=$! &&
	if [ -d /proc/self ]; then
		# The signal once the load runs (its export is on its command line).
		tries=600 &&
		until grep -q -l "$PWD/runs/.*k6_models.json.tmp" /proc/[0-9]*/cmdline 2>/dev/null ||
		    [ $tries -eq 0 ]; do
			sleep 0.1; tries=$((tries - 1))
		done
	else
		tries=600 &&
		while [ ! -e runs/latest/k6_out ] && [ $tries -gt 0 ]; do
			sleep 0.1; tries=$((tries - 1))
		done && sleep 0.3
	fi &&
	test "$tries" -gt 0 &&
	kill -TERM "$pid" && { wait "$pid"; code=$?; } &&
	test "$code" = 143 &&
	check_str "smoke: FAIL interrupted: stopped by SIGTERM ($PWD/runs/$(run_name))" out &&
	status_has "\"exit_code\": 143," &&
	status_has "{\"name\":\"interrupted\",\"ok\":false,\"detail\":\"stopped by SIGTERM\"," &&
	no_temporaries &&
	if [ -d /proc/self ]; then
		! grep -l "$PWD/runs" /proc/[0-9]*/cmdline 2>/dev/null
	fi
'

test_done
