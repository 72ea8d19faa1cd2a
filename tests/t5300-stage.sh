#!/bin/sh
# make stage-check (mk/stage.sh): against the demo backend's stage mode,
# a server we did not write (python3), and the counter reader it rests on
# (p95parse -c). t5305 breaks each property in turn (two files so that
# they run side by side: each stage run waits for the demo's LLM).

# The variables and helpers are used in the test bodies (eval).
# shellcheck disable=SC2034,SC2119,SC2317
# shellcheck source=tests/lib.sh
. "${0%/*}/lib.sh"
# shellcheck source=tests/smokelib.sh
. "${0%/*}/smokelib.sh"

# shellcheck source=tests/stagelib.sh
. "${0%/*}/stagelib.sh"

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

test_expect_success 'stage-demo PASSes: each check, its evidence, the verdict' '
	stage_code 0 stage-demo &&
	check_str "stage: PASS 4 passed, 1 skipped, 0 degraded, 0 failed; replicas: no compose in use (no docker engine answers, or no COMPOSE_FILE) ($PWD/runs/$(run_name))" out &&
	has_artifacts report.md status.json junit.xml replicas.txt balance.txt \
		single_flight.txt isolation.txt overload.txt metrics_before.txt \
		metrics_after.txt burst/1.body overload/1.body &&
	line replicas >l && contains "⚠️ **replicas**: skipped: no compose in use" l &&
	line balance >l && contains "✅ **balance**: 9/9 answered 200 by 3 replicas (api-1: 3, api-2: 3, api-3: 3)" l &&
	line single_flight >l && contains "✅ **single_flight**: 7/8 hits" l &&
	line isolation >l && contains "✅ **isolation**: keys differ" l &&
	line overload >l && contains "✅ **overload**: " l &&
	contains "/6 overloaded, counter 0 -> " l && contains "(evidence: \`overload.txt\`)" l &&
	tail -n 1 runs/latest/report.md >last && check_str "Stage ready for multi-user chat: yes" last &&
	no_temporaries &&
	cp -R runs "$TRASH/pass-runs"
'

if have python3; then test_expect_success 'status.json and junit.xml read with real parsers' '
	python3 - "$TRASH/pass-runs/latest" <<-\PY
	import json, sys, xml.etree.ElementTree as ET
	d = sys.argv[1]
	s = json.load(open(d + "/status.json"))
	assert s["verdict"] == "PASS" and s["ready"] == "yes", s
	states = [(c["name"], c["state"]) for c in s["checks"]]
	assert states == [("replicas", "skipped"), ("balance", "passed"),
	    ("single_flight", "passed"), ("isolation", "passed"),
	    ("overload", "passed")], states
	t = ET.parse(d + "/junit.xml").getroot()
	cases = t.findall(".//testcase")
	assert [c.get("name") for c in cases] == [n for n, _ in states]
	assert cases[0].find("skipped") is not None
	assert all(c.find("failure") is None for c in cases)
	PY
'
else test_skip 'status.json and junit.xml read with real parsers' 'python3 not found'; fi

test_expect_success 'a second run gets a new directory; the first is kept' '
	cp -R "$TRASH/pass-runs" runs && first=$(run_name) &&
	stage_code 0 stage-demo &&
	test "$(run_name)" != "$first" && test -s "runs/$first/report.md"
'

test_expect_success 'a bad knob is a usage line, exit 2, no run directory (predicates and the counter too)' '
	stage_code 2 stage-check STAGE_BURST_N=many &&
	check_str "stage: FAIL usage: STAGE_BURST_N='"'"'many'"'"': want a count from 1 to 100000" out &&
	stage_code 2 stage-check STAGE_OVERLOAD_PRED=".a ==" &&
	contains "stage: FAIL usage: STAGE_OVERLOAD_PRED: bad check" out &&
	stage_code 2 stage-check "STAGE_OVERLOAD_METRIC=x{" &&
	contains "stage: FAIL usage: STAGE_OVERLOAD_METRIC: bad counter" out &&
	test ! -e runs
'

test_expect_success 'knobcheck knows STAGE_ knobs that make hands mk/stage.sh only' '
	expect_code 0 knobcheck -l >list &&
	sed -n "s/^\(STAGE_[A-Z0-9_]*\) .*/\1/p" list >names && test -s names &&
	while read -r n; do
		grep -q "[= ]$n\( \|\$\)" "$ROOT/mk/stage.mk" || { echo "$n not in STAGE_VARS" >&2; return 1; }
	done <names &&
	grep -x "STAGE_URL url" list && grep -x "STAGE_DEADLINE_S seconds" list
'

start_fixture
SMOKE_URL=$FIXTURE_URL
if have python3; then test_expect_success 'smoke-local writes junit.xml too, one testcase per check' '
	smoke_code 0 "$SMOKE_URL" K6_DURATION=300ms &&
	has_artifacts junit.xml status.json &&
	python3 - runs/latest <<-\PY
	import json, sys, xml.etree.ElementTree as ET
	d = sys.argv[1]
	names = [c["name"] for c in json.load(open(d + "/status.json"))["checks"]]
	cases = ET.parse(d + "/junit.xml").getroot().findall(".//testcase")
	assert [c.get("name") for c in cases] == names and names, names
	assert all(c.find("failure") is None for c in cases)
	PY
'
else test_skip 'smoke-local writes junit.xml too' 'python3 not found'; fi

# A stage we did not write: python3's http.server, threads, a lock per key
# for single flight, a semaphore for the LLM that answers 200 with
# meta.narrative_overload (the other overload predicate), two replicas by
# name, and /metrics.
cat >"$TRASH/stage.py" <<'PY'
import http.server, itertools, json, sys, threading, time
replicas = itertools.cycle(["py-a", "py-b"])
lock = threading.Lock()
plans, llm = {}, threading.BoundedSemaphore(1)
counts = {"ok": 0, "overload": 0}
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are two writes
    def log_message(self, *a):
        pass
    def send(self, status, body, ctype="application/json"):
        data = body.encode()
        self.send_response(status)
        with lock:
            self.send_header("X-Replica", next(replicas))
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
    def do_GET(self):
        if self.path == "/healthz":
            self.send(200, '{"ok": true}')
        elif self.path == "/metrics":
            self.send(200, "# TYPE services_narrator_llm_requests_total counter\n" +
                "".join('services_narrator_llm_requests_total{outcome="%s"} %d\n' % kv
                        for kv in counts.items()), "text/plain; version=0.0.4")
        else:
            self.send(404, '{"error": "Not Found"}')
    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        q = json.loads(self.rfile.read(n))
        key = "k%d" % (hash((q["question"], q["client_id"])) & 0xffffffff)
        with lock:
            ev, hit = plans.get(key), key in plans
            if ev is None:
                ev = plans[key] = threading.Event()
        if hit:
            ev.wait(5)
        else:
            time.sleep(0.2)
            ev.set()
        overload = False
        if len(q["question"]) > 500:
            if llm.acquire(blocking=False):
                time.sleep(1)
                llm.release()
                counts["ok"] += 1
            else:
                overload = True
                counts["overload"] += 1
        self.send(200, json.dumps({"answer": "py", "meta": {"compute":
            {"plan_cache_hit": hit, "plan_cache_key": key}, "narrative_overload": overload}}))
srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
print(srv.server_address[1], flush=True)
srv.serve_forever()
PY

if have python3; then
	start_bg python3 "$TRASH/stage.py" >"$TRASH/py.port"
	wait_for_file "$TRASH/py.port"
	PY_URL=http://127.0.0.1:$(sed -n 1p "$TRASH/py.port")
	test_expect_success 'a python3 stage we did not write PASSes' '
		stage_code 0 stage-check STAGE_URL="$PY_URL" &&
		contains "stage: PASS 4 passed, 1 skipped" out &&
		line balance >l && contains "by 2 replicas (py-a: " l &&
		line overload >l && contains "✅ **overload**: " l
	'
else
	test_skip 'a python3 stage we did not write PASSes' 'python3 not found'
fi

test_done
