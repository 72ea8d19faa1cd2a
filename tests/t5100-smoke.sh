#!/bin/sh
# make smoke-local end to end (mk/smoke.sh) on a host without jq, k6 or
# docker: PATH holds our programs and a few POSIX utilities only. Real
# backends: the fixture server (passing and failing on purpose) and
# python3 -m http.server. Then the same with jq: the same results, and
# jq's facts equal ours.
# shellcheck disable=SC2317 # the helpers are called from test bodies
# shellcheck source=tests/lib.sh
. "${0%/*}/lib.sh"

# shellcheck source=tests/smokelib.sh
. "$ROOT/tests/smokelib.sh"

cat >"$TRASH/nodata.json" <<-\EOF
{"object":"list","models":[{"id":"smoke-small"}]}
EOF
printf '{"ok": false}\n' >"$TRASH/notok.json"
printf '{"ok": {"status":\n  "degraded"}}\n' >"$TRASH/okobj.json"
printf '{"ok": "%s"}\n' "degraded: the database has not answered for 30 s" >"$TRASH/oklong.json"
printf '{"object":"list","data":[{"id":"sk-test-Zq81mW4vT2"}]}\n' >"$TRASH/leaky.json"
printf '# the backend secrets\nAPI_KEY="sk-test-Zq81mW4vT2"\nexport DB_PASSWORD=hunter2-correct-horse\n' \
    >"$TRASH/leaky.env"

# The backend that passes answers in 1 ms (-l 1): the load is a closed
# loop, and an instant answer would keep a core busy for all its length.
start_fixture -l 1 >/dev/null
OK_URL=$FIXTURE_URL OK_PORT=$FIXTURE_PORT
start_fixture -s 503 >/dev/null
H503_URL=$FIXTURE_URL
start_fixture -H "$TRASH/notok.json" >/dev/null
NOTOK_URL=$FIXTURE_URL
start_fixture -H "$TRASH/okobj.json" >/dev/null
OKOBJ_URL=$FIXTURE_URL
start_fixture -H "$TRASH/oklong.json" >/dev/null
OKLONG_URL=$FIXTURE_URL
start_fixture -m "$TRASH/nodata.json" >/dev/null
NODATA_URL=$FIXTURE_URL
start_fixture -l 30 >/dev/null
SLOW_URL=$FIXTURE_URL
start_fixture -e 20 >/dev/null
ERR_URL=$FIXTURE_URL
start_fixture -m "$TRASH/leaky.json" >/dev/null
LEAKY_URL=$FIXTURE_URL
CLOSED_PORT=$(portfree -p)
CLOSED_URL=http://127.0.0.1:$CLOSED_PORT
# The fixture on ::1, where this host has IPv6 loopback.
V6_URL='' V6_HOST=::1 V6_PORT=''
if start_fixture -b ::1 >/dev/null 2>&1; then
	V6_PORT=$FIXTURE_PORT
	V6_URL="http://[::1]:$V6_PORT"
fi

# python3 -m http.server serving the two endpoints as files.
PYPORT=
if have python3; then
	mkdir -p "$TRASH/www/v1" "$TRASH/www/api/v1"
	printf '{"ok": true}\n' >"$TRASH/www/healthz"
	printf '{"object":"list","data":[{"id":"m1"},{"id":"m2"},{"id":"m3"}]}\n' \
	    >"$TRASH/www/v1/models"
	printf '{"ok": true}\n' >"$TRASH/www/api/healthz"
	printf '{"data":[{"id":"under-api"}]}\n' >"$TRASH/www/api/v1/models"
	PYPORT=$(portfree -p)
	start_bg python3 -m http.server "$PYPORT" --bind 127.0.0.1 --directory "$TRASH/www" \
	    >/dev/null 2>>"$TRASH/py.log"
	portfree -q -l -w 10 "127.0.0.1:$PYPORT" || PYPORT=
fi
export OK_URL OK_PORT H503_URL NOTOK_URL OKOBJ_URL OKLONG_URL NODATA_URL SLOW_URL ERR_URL LEAKY_URL CLOSED_URL \
    CLOSED_PORT PYPORT V6_URL V6_HOST V6_PORT

test_expect_success 'the bare PATH has no jq, k6 or docker, and our programs are not on it' '
	for c in jq k6 docker httpprobe; do
		test ! -e "$BARE/$c" || return 1
	done
	test -x "$JQPATH/jq" || ! have jq
'

test_expect_success 'PASS against the fixture: exit 0, one line, every artifact' '
	smoke_code 0 "$OK_URL" &&
	line_count 1 out && test ! -s err &&
	grep "^smoke: PASS p95 [0-9.]* ms < 1200.00 ms, failed 0.00% < 1.00%, 2 models, native load ($PWD/runs/[0-9]\{8\}-[0-9]\{4\})\$" out &&
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
if have python3; then
	test_expect_success 'data not an array under load: FAIL checks, exit 5, httpprobe'\''s own line' '
		cat >flaky.py <<-\PY &&
		import http.server, json, sys
		n = 0
		GOOD = json.dumps({"data": [{"id": "m1"}]}).encode()
		BAD = json.dumps({"data": None}).encode()
		class H(http.server.BaseHTTPRequestHandler):
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
		http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
		PY
		fp=$(portfree -p) &&
		start_bg python3 flaky.py "$fp" >/dev/null 2>&1 &&
		portfree -q -l -w 10 "127.0.0.1:$fp" &&
		smoke_code 5 "http://127.0.0.1:$fp" &&
		grep "^smoke: FAIL checks: [0-9]* of [0-9]* checks failed; the first: '\''.data is array'\'': .data: is null, wanted array ($PWD/runs/$(run_name))\$" out &&
		test "$(key runs/latest/metrics.txt checks_passes)" = 0 &&
		test "$(key runs/latest/metrics.txt checks_fails)" -gt 0 &&
		status_has "{\"name\":\"checks\",\"ok\":false,"
	'
else
	test_skip 'data not an array under load: FAIL checks' 'python3 is not here'
fi

test_expect_success 'one request in 20 fails (5%): FAIL gate, exit 5' '
	smoke_code 5 "$ERR_URL" &&
	grep "^smoke: FAIL gate: .*failed.*($PWD/runs/$(run_name))\$" out &&
	awk -v f="$(key runs/latest/metrics.txt http_req_failed)" \
	    "BEGIN { exit !(f > 0.04 && f < 0.06) }"
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
	tries=100 &&
	while [ ! -e runs/latest/k6_out ] && [ $tries -gt 0 ]; do
		sleep 0.1; tries=$((tries - 1))
	done &&
	test -e runs/latest/k6_out && sleep 0.3 &&
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

test_expect_success 'a native load past HTTPPROBE_EXACT_SAMPLES: the PASS line says the bound' '
	smoke_code 0 "$OK_URL" HTTPPROBE_EXACT_SAMPLES=5 &&
	grep "^smoke: PASS p95 [0-9.]* ms (within 0.5%) < 1200.00 ms, failed" out &&
	grep "^p95_precision=bounded\$" runs/latest/metrics.txt
'

test_expect_success 'a malformed knob: FAIL usage, exit 2, no run directory' '
	smoke_code 2 "$OK_URL" K6_MODE=sometimes &&
	check_str "smoke: FAIL usage: K6_MODE='"'"'sometimes'"'"': want auto, host, compose or native" out &&
	test ! -e runs &&
	smoke_code 2 "https://127.0.0.1:1" &&
	contains "https is not supported" out &&
	smoke_code 2 "$OK_URL" P95_MAX_MS=12x &&
	contains "P95_MAX_MS='"'"'12x'"'"': not a number of milliseconds" out &&
	smoke_code 2 "$OK_URL" K6_DURATION=forever &&
	check_str "smoke: FAIL usage: K6_DURATION='"'"'forever'"'"': not a duration (e.g. 10s, 1m30s, 500ms)" out &&
	smoke_code 2 "$OK_URL" K6_DURATION=10x &&
	smoke_code 2 "$OK_URL" K6_DURATION=1m30 &&
	smoke_code 2 "$OK_URL" PORT=70000 &&
	check_str "smoke: FAIL usage: PORT='"'"'70000'"'"': want a port number, 1 to 65535" out &&
	smoke_code 2 "http://127.0.0.1:0" &&
	test ! -e runs
'

# Against the fixture: each form reaches the native load (httpprobe -D gets
# it as written) and the run PASSes.
test_expect_success 'K6_DURATION: every form k6 takes reaches the load and PASSes (0m0.1s, 0.1s, 100ms, 0.1, 100000us)' '
	for d in 0m0.1s 0.1s 100ms 0.1 100000us; do
		smoke_code 0 "$OK_URL" K6_DURATION=$d &&
		grep "^smoke: PASS p95 .* native load" out &&
		status_has "\"detail\":\"native load, 1 VU for $d, exit 0 (the gate decides)\"" &&
		mv runs "runs-$d" || return 1
	done
'

# The programs, with an httpprobe whose load mode refuses to run (as it
# refused k6's duration forms once): its own line, not the gate's.
test_expect_success 'a load that cannot run: the FAIL line is httpprobe'"'"'s own reason' '
	mkdir progs &&
	for p in "$PROGS"/*; do ln -s "$p" progs/ || return 1; done &&
	rm progs/httpprobe &&
	cat >progs/httpprobe <<-EOF &&
	#!/bin/sh
	for a; do
		case \$a in -D) echo "httpprobe: bad -D: refused by this stand-in" >&2; exit 2 ;; esac
	done
	exec "$PROGS/httpprobe" "\$@"
	EOF
	chmod +x progs/httpprobe &&
	smoke_code 3 "$OK_URL" SMOKEKIT_BIN="$PWD/progs" &&
	fail_line load "httpprobe: bad -D: refused by this stand-in" &&
	contains "httpprobe: bad -D: refused by this stand-in" runs/latest/k6_stdout.log &&
	lacks "No such file" out
'

test_expect_success 'a strictly POSIX sed (GNU sed --posix): PASS the same' '
	bare_path posix && rm posix/sed &&
	printf "#!/bin/sh\nexec %s --posix \"\$@\"\n" "$(command -v sed)" >posix/sed &&
	chmod +x posix/sed &&
	echo a >a.txt && posix/sed "s/\(a\|b\)/x/" a.txt >gnu.txt &&
	check_str a gnu.txt &&
	smoke_code 0 "$OK_URL" PATH="$PWD/posix" ENV_FILE="$TRASH/leaky.env" \
	    LOG_FILE="$TRASH/notok.json" STARTUP_LINE="ok" &&
	grep "^smoke: PASS p95 [0-9.]* ms < 1200.00 ms, .* 2 models, native load" out &&
	test ! -s err
'

if have busybox; then
	test_expect_success 'busybox alone (its sh and applets, no GNU tool): PASS the same' '
		mkdir bb &&
		for c in sh cat sed awk grep date mkdir mv rm ln tr wc id uname getconf \
		    readlink mktemp sleep od cut tail head ls cp env kill timeout; do
			ln -s "$(command -v busybox)" "bb/$c" || return 1
		done &&
		SH=$PWD/bb/sh smoke_code 0 "$OK_URL/" PATH="$PWD/bb" ENV_FILE="$TRASH/leaky.env" &&
		grep "^smoke: PASS p95 [0-9.]* ms < 1200.00 ms, .* 2 models, native load" out &&
		test ! -s err && status_has "{\"name\":\"leakscan\",\"ok\":true," && no_temporaries
	'
else
	test_skip 'busybox alone: PASS the same' 'no busybox here'
fi

test_expect_success 'a value of ENV_FILE in an artifact: FAIL leakscan, exit 6, the value never printed' '
	smoke_code 6 "$LEAKY_URL" ENV_FILE="$TRASH/leaky.env" &&
	grep "^smoke: FAIL leakscan: a value of $TRASH/leaky.env is in the artifacts: .*API_KEY" out &&
	has_artifacts leakscan.txt env_acl.txt &&
	contains API_KEY runs/latest/leakscan.txt &&
	contains models.json runs/latest/leakscan.txt &&
	for f in out err runs/latest/status.json runs/latest/leakscan.txt \
	    runs/latest/metrics.txt runs/latest/preflight.txt runs/latest/env_acl.txt; do
		lacks sk-test-Zq81mW4vT2 "$f" && lacks hunter2 "$f" || return 1
	done &&
	status_has "{\"name\":\"gate\",\"ok\":true,"
'

test_expect_success 'WARMUP_S: unmeasured load first, then the gate' '
	smoke_code 0 "$OK_URL" WARMUP_S=0.3 &&
	status_has "{\"name\":\"warmup\",\"ok\":true,\"detail\":\"0.3s of unmeasured load\","
'

test_expect_success 'LEAK_IGNORE: a key that holds no secret is not looked for' '
	smoke_code 0 "$LEAKY_URL" ENV_FILE="$TRASH/leaky.env" LEAK_IGNORE="API_KEY OTHER" &&
	status_has "{\"name\":\"leakscan\",\"ok\":true,"
'

test_expect_success 'ENV_FILE clean: the leak check passes and says so' '
	smoke_code 0 "$OK_URL" ENV_FILE="$TRASH/leaky.env" &&
	status_has "{\"name\":\"leakscan\",\"ok\":true," &&
	contains "✓ env file $TRASH/leaky.env readable by user $(id -u)" runs/latest/preflight.txt
'

test_expect_success 'ENV_FILE the backend user cannot read: FAIL preflight, exit 3, ACL evidence' '
	cp "$TRASH/leaky.env" secret.env && chmod 600 secret.env &&
	smoke_code 3 "$OK_URL" ENV_FILE="$PWD/secret.env" ENV_USER=65534 &&
	grep "^smoke: FAIL preflight: env file $PWD/secret.env not readable by user 65534" out &&
	has_artifacts env_acl.txt preflight.txt &&
	contains "setfacl" runs/latest/preflight.txt &&
	contains "(ACL evidence: env_acl.txt)" runs/latest/preflight.txt &&
	lacks_artifacts healthz.json &&
	lacks sk-test-Zq81mW4vT2 runs/latest/env_acl.txt
'

test_expect_success 'a missing ENV_FILE: FAIL preflight, exit 3' '
	smoke_code 3 "$OK_URL" ENV_FILE="$PWD/nope.env" &&
	check_str "smoke: FAIL preflight: env file $PWD/nope.env: No such file or directory (see preflight.txt) ($PWD/runs/$(run_name))" out
'

test_expect_success 'LOG_FILE: the startup line is waited for and recorded' '
	printf "INFO:     Waiting for application startup.\nINFO:     Application startup complete.\n" >app.log &&
	smoke_code 0 "$OK_URL" LOG_FILE="$PWD/app.log" &&
	check_str "INFO:     Application startup complete." runs/latest/startup.txt &&
	status_has "{\"name\":\"startup\",\"ok\":true,"
'

test_expect_success 'LOG_FILE without the startup line: FAIL startup, exit 4; STARTUP_LINE= skips it' '
	printf "INFO:     Waiting for application startup.\n" >app.log &&
	smoke_code 4 "$OK_URL" LOG_FILE="$PWD/app.log" WAIT_S=1 &&
	grep "^smoke: FAIL startup: \"Application startup complete.\" not in LOG_FILE $PWD/app.log after 1s" out &&
	smoke_code 0 "$OK_URL" LOG_FILE="$PWD/app.log" STARTUP_LINE= &&
	lacks_artifacts startup.txt
'

test_expect_success 'K6_MODE=host without k6: FAIL preflight before anything runs, exit 3' '
	smoke_code 3 "$OK_URL" K6_MODE=host &&
	grep "^smoke: FAIL preflight: k6 not found, and K6_MODE=host needs it" out &&
	lacks_artifacts healthz.json k6_out
'

if [ -n "$PYPORT" ]; then
	test_expect_success 'PASS against python3 -m http.server (a server we did not write)' '
		smoke_code 0 "http://127.0.0.1:$PYPORT" &&
		grep "^smoke: PASS p95 .*, 3 models, native load" out &&
		test "$(key runs/latest/metrics.txt models_count)" = 3 &&
		check "$TRASH/www/v1/models" runs/latest/models.json
	'
	test_expect_success 'BASE_URL with a path prefix and trailing slashes: every request under it' '
		: >"$TRASH/py.log" &&
		smoke_code 0 "http://127.0.0.1:$PYPORT/api//" &&
		grep "^smoke: PASS p95 .*, 1 models, native load" out &&
		contains under-api runs/latest/models.json &&
		contains "\"GET /api/healthz HTTP/1.1\" 200" "$TRASH/py.log" &&
		contains "\"GET /api/v1/models HTTP/1.1\" 200" "$TRASH/py.log" &&
		lacks "GET //" "$TRASH/py.log" && lacks "GET /v1/" "$TRASH/py.log" &&
		lacks "GET /healthz" "$TRASH/py.log" &&
		status_has "\"base_url\": \"http://127.0.0.1:$PYPORT/api//\""
	'
else
	test_skip 'PASS against python3 -m http.server' 'python3 is not here'
	test_skip 'BASE_URL with a path prefix' 'python3 is not here'
fi

test_expect_success 'a path prefix the backend does not serve: the FAIL line names the real path' '
	smoke_code 1 "$OK_URL/api/" &&
	fail_line healthz "GET /api/healthz: HTTP 404, wanted 200 (body in $PWD/runs/$(run_name)/healthz.json)"
'

if [ -n "$V6_URL" ]; then
	test_expect_success 'an IPv6 BASE_URL (http://[::1]:PORT/): PASS, the port checked as [::1]' '
		smoke_code 0 "$V6_URL/" &&
		grep "^smoke: PASS p95 .*, 2 models, native load" out &&
		contains "✓ port [$V6_HOST]:$V6_PORT: " runs/latest/preflight.txt &&
		status_has "{\"name\":\"port\",\"ok\":true,\"detail\":\"[$V6_HOST]:$V6_PORT listens\","
	'
else
	test_skip 'an IPv6 BASE_URL' 'no ::1 here'
fi

test_expect_success 'credentials in BASE_URL: FAIL usage, exit 2, the password never shown' '
	smoke_code 2 "http://smoke:pw-Kq83Zt@127.0.0.1:$OK_PORT" &&
	check_str "smoke: FAIL usage: BASE_URL='"'"'http://***@127.0.0.1:$OK_PORT'"'"': credentials (user:password@) in the URL are not supported" out &&
	lacks pw-Kq83Zt out && lacks pw-Kq83Zt err && test ! -e runs
'

# With jq on PATH: the same exit codes and lines, and jq's facts are ours.
if have jq; then
	# same_line: out without the run directory (its name has the minute, which
	# may change between two runs) and without the measured numbers.
	same_line() {
		sed "s| ($PWD/runs/[^ ]*)\$||; s|$PWD/runs/[0-9][0-9-]*|RUNDIR|g; s/[0-9][0-9]*\.[0-9][0-9]*/N/g; s/([0-9]* of [0-9]*)/(N of N)/g" out
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
