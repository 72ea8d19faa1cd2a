#!/bin/sh
# httpprobe's load mode: -c -n -D --rate --tag --summary-export --out,
# against the fixture server and python3's http.server. The test bodies
# are eval'ed strings: shellcheck cannot see them use what is defined here.
# shellcheck disable=SC2034,SC2317
# shellcheck source=tests/lib.sh
. "${0%/*}/lib.sh"

have python3 || skip_all "python3 is needed (http.server, JSON checks)"

start_fixture
F=$FIXTURE_URL
start_fixture -e 4
E=$FIXTURE_URL
# For the loads bounded by -D: answers in 1 ms, so that a closed loop
# waits instead of keeping two cores busy all its length.
start_fixture -l 1
L=$FIXTURE_URL
# The LLM of one long question at a time (-L 1), held 3 s; any other long
# question answers 503 at once. (A question over 500 bytes is long.) Two,
# as a request cut short still holds its LLM.
start_fixture -L 1 -t 3000
LLM1=$FIXTURE_URL
start_fixture -L 1 -t 3000
LLM1_CUT=$FIXTURE_URL
awk 'BEGIN { printf "{\"question\": \""; for (i = 0; i < 60; i++) printf "long words"; print "\"}" }' \
	>"$TRASH/long.json"

# A TCP port on 127.0.0.1 where nothing listens, held for the file.
hold_port || exit 1
DEAD=$HELD_PORT


# python3 -m http.server on a port of its own choosing; its access log
# (stderr) has one line per request: the server-side count.
mkdir -p "$TRASH/www"
printf '{"object":"list","data":[]}\n' >"$TRASH/www/models.json"
cp "$TRASH/www/models.json" "$TRASH/www/n1000.json"
start_bg python3 -u -m http.server 0 --bind 127.0.0.1 --directory "$TRASH/www" \
	>"$TRASH/py.out" 2>"$TRASH/py.log"
wait_for_file "$TRASH/py.out" || fail_all "python3 -m http.server did not start"
PY=http://127.0.0.1:$(sed -n 's/.* port \([0-9][0-9]*\) .*/\1/p' "$TRASH/py.out")

test_expect_success '-n 1000 makes exactly 1000 requests (counted by http.server too)' '
	httpprobe -q -c 4 -n 1000 "$PY/n1000.json" >out 2>err &&
	test "$(val requests out)" = 1000 &&
	test "$(val ok out)" = 1000 &&
	test "$(val failed out)" = 0 &&
	n=$(grep -c "\"GET /n1000.json HTTP/1.1\" 200" "$TRASH/py.log") &&
	test "$n" = 1000
'

test_expect_success '-n 1000 on keep-alive connections (fixture): 1000 requests, exit 0' '
	expect_code 0 httpprobe -q -c 10 -n 1000 "$F/v1/models" >out 2>err &&
	test "$(val requests out)" = 1000 &&
	test "$(val ok out)" = 1000 &&
	test "$(val interrupted out)" = 0 &&
	test ! -s err
'

test_expect_success '-c 20 -n 20 -j: 20 lines, each with its status and latency' '
	expect_code 0 httpprobe -c 20 -n 20 -j "$F/v1/models" >out 2>err &&
	line_count 21 out &&
	test "$(grep -c "\"status\":200,\"ms\":[0-9]" out)" = 20 &&
	sed -n "s/.*\"seq\":\([0-9]*\).*/\1/p" out | sort -n >seqs &&
	awk "NR != \$1 { exit 1 } END { exit NR != 20 }" seqs
'

test_expect_success 'the summary on stderr reads like k6 (legacy layout), no progress off a terminal' '
	httpprobe -c 2 -n 50 --tag ep=models "$F/v1/models" >out 2>err &&
	grep "^     http_req_duration\.\.*: avg=.* min=.* med=.* max=.* p(90)=.* p(95)=" err &&
	grep "^       { ep:models }\.\.*: avg=" err &&
	grep "^       { expected_response:true }\.\.*: avg=" err &&
	grep "^     http_req_failed\.\.*: 0\.00% *0 out of 50\$" err &&
	grep "^     http_reqs\.\.*: 50 " err &&
	grep "^     iterations\.\.*: 50 " err &&
	grep "^     vus\.\.*: 2 *min=2 *max=2" err &&
	grep "^     data_received\.\.*: [0-9.]* kB" err &&
	lacks "running (" err &&
	lacks "$(printf "\033")" err
'

test_expect_success '-q: no summary' '
	httpprobe -q -c 2 -n 5 "$F/v1/models" >out 2>err &&
	test ! -s err &&
	test "$(val requests out)" = 5
'

test_expect_success '--summary-export has k6 layout; p95parse agrees with the NDJSON' '
	expect_code 0 httpprobe -q -c 4 -n 200 --tag ep=models \
		--summary-export exp.json --out out.ndjson "$F/v1/models" >out 2>err &&
	python3 - exp.json out.ndjson <<-\EOF &&
	import json, math, sys
	exp = json.load(open(sys.argv[1]))
	assert list(exp) == ["root_group", "metrics", "smokekit_histogram",
	    "smokekit_precision"], list(exp)
	assert exp["root_group"] == {"name": "", "path": "",
	    "id": "d41d8cd98f00b204e9800998ecf8427e", "groups": {}, "checks": {}}
	m = exp["metrics"]
	want = {"data_received", "data_sent", "http_req_duration",
	    "http_req_duration{ep:models}", "http_req_duration{expected_response:true}",
	    "http_req_failed", "http_reqs", "iterations", "vus", "vus_max",
	    "http_req_blocked", "http_req_connecting", "http_req_sending",
	    "http_req_waiting", "http_req_receiving"}
	assert set(m) == want, set(m) ^ want
	trend = ["avg", "min", "med", "max", "p(90)", "p(95)"]
	for k in ("http_req_duration", "http_req_duration{ep:models}"):
	    assert list(m[k]) == trend, m[k]
	assert m["http_req_failed"] == {"passes": 0, "fails": 200, "value": 0}
	assert m["http_reqs"]["count"] == 200 and m["iterations"]["count"] == 200
	assert m["vus"] == {"value": 4, "min": 4, "max": 4}
	assert set(m["data_sent"]) == {"count", "rate"}
	# The per-request NDJSON: k6 rule (sorted, interpolated at p*(n-1)).
	v = []
	for line in open(sys.argv[2]):
	    o = json.loads(line)
	    if o.get("type") == "Point" and o["metric"] == "http_req_duration":
	        t = o["data"]["tags"]
	        assert t["ep"] == "models" and t["status"] == "200", t
	        assert t["scenario"] == "default" and t["expected_response"] == "true", t
	        assert t["method"] == "GET" and t["proto"] == "HTTP/1.1", t
	        assert t["url"] == t["name"] and t["url"].endswith("/v1/models"), t
	        v.append(o["data"]["value"])
	assert len(v) == 200, len(v)
	v.sort()
	i = 0.95 * (len(v) - 1)
	lo, hi = v[math.floor(i)], v[math.ceil(i)]
	p95 = lo + (hi - lo) * (i - math.floor(i))
	assert p95 == m["http_req_duration"]["p(95)"], (p95, m["http_req_duration"]["p(95)"])
	EOF
	if have p95parse && p95parse -h >/dev/null 2>&1; then
		p95parse -t ep=models exp.json >a &&
		p95parse -f ndjson out.ndjson >b &&
		test -n "$(val p95_ms a)" &&
		test "$(val p95_ms a)" = "$(val p95_ms b)" &&
		test "$(val p95_ms a)" = "$(val p95_ms out)"
	else
		echo "p95parse not built: checked with python3 only"
	fi
'

test_expect_success '--out NDJSON: a Metric line before the first Point, every line JSON' '
	httpprobe -q -c 2 -n 10 --out out.ndjson "$F/v1/models" >out 2>err &&
	head -n 1 out.ndjson >first &&
	contains "{\"type\":\"Metric\",\"data\":{\"name\":\"vus\",\"type\":\"gauge\"" first &&
	test "$(grep -c "^{\"type\":\"Metric\",\"data\":{\"name\":\"http_req_duration\"," out.ndjson)" = 1 &&
	test "$(grep -c "^{\"metric\":\"http_req_failed\",\"type\":\"Point\"" out.ndjson)" = 10 &&
	python3 -c "import json, sys; [json.loads(l) for l in open(sys.argv[1])]" out.ndjson
'

test_expect_success 'unexpected statuses (fixture -e 4): class status, exit 1, 25% failed' '
	expect_code 1 httpprobe -q -c 4 -n 40 --summary-export exp.json "$E/v1/models" >out 2>err &&
	test "$(val failed out)" = 10 &&
	test "$(val failed_status out)" = 10 &&
	test "$(val http_req_failed out)" = 0.25 &&
	contains "10 of 40 requests failed (status): unexpected status 500" err &&
	python3 -c "
import json, sys
m = json.load(open(sys.argv[1]))[\"metrics\"]
assert m[\"http_req_failed\"] == {\"passes\": 10, \"fails\": 30, \"value\": 0.25}, m[\"http_req_failed\"]
" exp.json
'

test_expect_success 'unexpected statuses (/fault/flaky): -s decides what is expected' '
	expect_code 1 httpprobe -q -c 1 -n 20 "$F/fault/flaky?every=5" >out 2>err &&
	test "$(val failed_status out)" = 4 &&
	expect_code 0 httpprobe -q -c 1 -n 20 -s 200,500 "$F/fault/flaky?every=5" >out 2>err &&
	test "$(val failed out)" = 0
'

test_expect_success 'the server closes at once (/fault/close): class reset, exit 3' '
	expect_code 3 httpprobe -q -c 2 -n 6 "$F/fault/close" >out 2>err &&
	test "$(val failed_reset out)" = 6 &&
	contains "(reset): connection closed before any response" err &&
	contains "no valid response" err
'

test_expect_success 'not HTTP (/fault/garbage): class protocol' '
	expect_code 3 httpprobe -q -n 2 "$F/fault/garbage" >out 2>err &&
	test "$(val failed_protocol out)" = 2
'

test_expect_success 'nothing listening: class refused on every attempt, exit 3' '
	expect_code 3 httpprobe -q -c 2 -n 10 --out out.ndjson "http://127.0.0.1:$DEAD/" >out 2>err &&
	test "$(val failed_refused out)" = 10 &&
	contains "(refused): dial: connection refused" err &&
	contains "\"error\":\"dial: connection refused\",\"error_code\":\"1212\"" out.ndjson
'

test_expect_success 'slow headers: class timeout after -t' '
	expect_code 3 httpprobe -q -t 1 -c 2 -n 2 "$F/fault/slow-headers" >out 2>err &&
	test "$(val failed_timeout out)" = 2 &&
	contains "(timeout): request timeout" err
'

# What the program reports of itself: it starts requests until -D has
# passed, so its elapsed_ms is never below it (a slow machine only adds).
test_expect_success '-D bounds the run' '
	expect_code 0 httpprobe -q -c 2 -D 0.5s "$L/v1/models" >out 2>err &&
	at_least 500 "$(val elapsed_ms out)" &&
	at_least 1 "$(val requests out)" &&
	test "$(val failed out)" = 0
'

test_expect_success '-D takes every form of duration k6 takes, and plain seconds' '
	for d in 0m0.2s 200ms 0.2 0.2s 200000us; do
		expect_code 0 httpprobe -q -c 1 -D "$d" "$L/v1/models" >out 2>err || exit 1
		at_least 200 "$(val elapsed_ms out)" || exit 1
	done &&
	expect_code 2 httpprobe -q -c 1 -D 1x "$F/v1/models" 2>err &&
	contains "bad -D '\''1x'\'': not a duration" err &&
	expect_code 2 httpprobe -q -c 1 -D 0m0s "$F/v1/models" 2>err &&
	expect_code 2 httpprobe -q -c 1 -D 25h "$F/v1/models" 2>err &&
	expect_code 2 httpprobe -q -c 1 -D -1s "$F/v1/models" 2>err
'

# The grace, k6's gracefulStop: requests in flight when -D ends finish and
# are measured (they tend to be the slow ones); past the grace they are
# interrupted. The server holds each answer 2 s, far past -D (long enough
# for the three to start on a busy machine) and the short grace: no race.
test_expect_success '-D: what is in flight at its end finishes within the grace, measured' '
	expect_code 0 httpprobe -q -c 3 -D 300ms "$F/delay?ms=2000" >out 2>err &&
	test "$(val requests out)" = 3 &&
	test "$(val ok out)" = 3 &&
	test "$(val interrupted out)" = 0 &&
	at_least 2000 "$(val min_ms out)"
'

test_expect_success '--grace: what is still in flight after it is interrupted and named' '
	for g in 700ms 0; do
		expect_code 3 httpprobe -q -c 3 -D 300ms --grace "$g" "$F/delay?ms=2000" >out 2>err ||
			exit 1
		test "$(val requests out)" = 0 && test "$(val interrupted out)" = 3 || exit 1
		check_str "httpprobe: no request to 127.0.0.1:${F##*:} finished: 3 still in flight when the run stopped" err ||
			exit 1
	done
'

test_expect_success '--grace: each request in it still ends at its own -t' '
	expect_code 3 httpprobe -q -c 3 -D 300ms -t 1s "$F/delay?ms=2000" >out 2>err &&
	contains "httpprobe: 3 of 3 requests failed (timeout): request timeout" err &&
	test "$(val requests out)" = 3 &&
	test "$(val failed_timeout out)" = 3 &&
	test "$(val interrupted out)" = 0
'

test_expect_success '--grace: some finished, one cut: the cut one named on stderr, not measured' '
	expect_code 0 httpprobe -q -c 2 -D 100ms --grace 300ms -s 200,503 -X POST \
		-d "@$TRASH/long.json" "$LLM1_CUT/ask" >out 2>err &&
	test "$(val interrupted out)" = 1 &&
	test "$(val failed out)" = 0 &&
	at_least 1 "$(val requests out)" &&
	test "$(val ok out)" = "$(val requests out)" &&
	check_str "httpprobe: 1 request still in flight when the run stopped: not measured" err
'

# One connection held by the LLM, the other idle after -D: the grace
# waits for the held one asleep. (It polled without end, a core busy for
# the whole grace: its CPU time was nearly the 3 s.)
test_expect_success '--grace: an idle connection waits asleep for the one in flight' '
	python3 - "$LLM1/ask" "$TRASH/long.json" >cpu <<-\EOF &&
	import resource, subprocess, sys
	rc = subprocess.run(["httpprobe", "-q", "-c", "2", "-D", "100ms", "-s", "200,503",
	    "-X", "POST", "-d", "@" + sys.argv[2], sys.argv[1]],
	    stdout=open("out", "w"), stderr=open("err", "w")).returncode
	assert rc == 0, rc
	r = resource.getrusage(resource.RUSAGE_CHILDREN)
	print("%.3f" % (r.ru_utime + r.ru_stime))
	EOF
	test "$(val interrupted out)" = 0 &&
	at_least 3000 "$(val max_ms out)" &&
	awk -v cpu="$(cat cpu)" "BEGIN { exit !(cpu < 1) }" ||
		{ echo "CPU time $(cat cpu) s over a 3 s grace" >&2; false; }
'

test_expect_success '--grace wants -D and a duration' '
	expect_code 2 httpprobe -q -n 3 --grace 1s "$F/v1/models" 2>err &&
	contains "--grace needs -D" err &&
	expect_code 2 httpprobe -q -D 1s --grace 1x "$F/v1/models" 2>err &&
	contains "bad --grace '\''1x'\'': not a duration" err
'

# schedule FILE INTERVAL_MS: in -j lines of an open-model run, request
# seq's intended start (its end time less its latency, which --rate counts
# from the intended start) is the first one's plus (seq - 1) intervals.
# Only the program's own figures are compared, never the machine's speed.
schedule() {
	python3 - "$1" "$2" <<-\EOF
	import datetime, json, sys
	def ms(s):
	    t = datetime.datetime.strptime(s[:19], "%Y-%m-%dT%H:%M:%S")
	    t = t.replace(tzinfo=datetime.timezone.utc).timestamp()
	    return (t + (float("0" + s[19:-1]) if s[19] == "." else 0)) * 1000
	rows = [json.loads(line) for line in open(sys.argv[1]) if "\"seq\"" in line]
	starts = sorted((r["seq"], ms(r["time"]) - r["ms"]) for r in rows)
	first = starts[0][1]
	for seq, start in starts:
	    off = start - first - (seq - 1) * float(sys.argv[2])
	    assert abs(off) < 1, "request %d is %.3f ms off its schedule" % (seq, off)
	EOF
}

test_expect_success '--rate keeps its schedule (100/s: request n starts (n - 1) x 10 ms after the first)' '
	expect_code 0 httpprobe -q -j --rate 100 -c 2 -n 50 "$F/v1/models" >out 2>err &&
	line_count 51 out &&
	schedule out 10
'

test_expect_success '--rate against a slow endpoint: latencies from the intended time show the stall' '
	httpprobe -q -c 1 -n 10 -j "$F/delay?ms=100" >closed &&
	httpprobe -q --rate 50 -c 1 -n 10 -j "$F/delay?ms=100" >open &&
	sed -n "s/.*\"seq\".*\"ms\":\([0-9.]*\).*/\1/p" closed | sort -n >closed.ms &&
	sed -n "s/.*\"seq\".*\"ms\":\([0-9.]*\).*/\1/p" open | sort -n | tail -n 1 >open.max &&
	head -n 1 closed.ms >closed.min &&
	tail -n 1 closed.ms >closed.max &&
	at_least 100 "$(cat closed.min)" &&
	at_least 800 "$(cat open.max)" &&
	schedule open 20
'

test_expect_success '--rate with -D: what the server could not take is dropped, not hidden' '
	httpprobe -q --rate 20 -c 1 -D 1s --summary-export exp.json "$F/delay?ms=200" >out 2>err &&
	at_least 10 "$(val dropped out)" &&
	contains "\"dropped_iterations\": {" exp.json
'

test_expect_success 'SIGINT stops the run and prints what ran' '
	python3 - "$F/delay?ms=50" <<-\EOF &&
	import glob, signal, subprocess, sys, time
	p = subprocess.Popen(["httpprobe", "-c", "2", "-D", "30s", "--summary-export",
	    "exp.json", "--out", "out.ndjson", sys.argv[1]],
	    stdout=open("out", "w"), stderr=open("err", "w"))
	# The signal once requests have finished (their points are in the
	# temporary file of --out), however long that took: the order of
	# events, not a delay.
	def points():
	    for f in glob.glob(".out.ndjson.tmp.*"):
	        try:
	            if b"\"type\":\"Point\"" in open(f, "rb").read():
	                return True
	        except OSError:
	            pass
	    return False
	while not points():
	    assert p.poll() is None, "httpprobe ended before the signal"
	    time.sleep(0.01)
	p.send_signal(signal.SIGINT)
	rc = p.wait(timeout=60)
	assert rc == -signal.SIGINT, rc
	EOF
	at_least 1 "$(val requests out)" &&
	contains "http_req_duration" err &&
	contains "\"http_reqs\": {" exp.json &&
	test -s out.ndjson &&
	test -z "$(ls -A | grep "\.tmp\.")"
'

if have script; then
	test_expect_success 'on a terminal: a progress line at most 10 times a second, colours unless NO_COLOR' '
		script -qec "httpprobe -c 2 -D 0.5s \"$F/delay?ms=5\" >out" tty.log >/dev/null &&
		tr "\r" "\n" <tty.log >lines &&
		n=$(grep -c "^running (" lines) &&
		# At most one line per 100 ms of the run the program reports, the
		# seconds never going back, every one before the summary.
		awk -v n="$n" -v e="$(val elapsed_ms out)" \
			"BEGIN { exit !(n >= 1 && n <= int(e / 100) + 1) }" &&
		sed -n "s/^running (\([0-9.]*\)s).*/\1/p" lines >secs &&
		sort -n secs >sorted && check sorted secs &&
		last=$(grep -n "^running (" lines | tail -n 1 | cut -d: -f1) &&
		first=$(grep -n "http_req_duration" lines | head -n 1 | cut -d: -f1) &&
		test "$last" -lt "$first" &&
		contains "$(printf "\033[36m")" tty.log &&
		NO_COLOR=1 script -qec "httpprobe -c 2 -n 20 \"$F/v1/models\" >out" tty2.log >/dev/null &&
		contains "http_req_duration" tty2.log &&
		lacks "$(printf "\033[36m")" tty2.log
	'
	test_expect_success 'on a terminal: the grace after -D says stopping, after every running line' '
		script -qec "httpprobe -c 1 -D 0.3s \"$F/delay?ms=1500\" >out" tty.log >/dev/null &&
		tr "\r" "\n" <tty.log >lines &&
		grep "^stopping (" lines >stopping &&
		last_running=$(grep -n "^running (" lines | tail -n 1 | cut -d: -f1) &&
		first_stopping=$(grep -n "^stopping (" lines | head -n 1 | cut -d: -f1) &&
		test "$last_running" -lt "$first_stopping" &&
		sed -n "s/^stopping (\([0-9.]*\)s).*/\1/p" lines >secs &&
		awk "\$1 < 0.3 { exit 1 }" secs &&
		test "$(val requests out)" = 1
	'
else
	test_skip 'on a terminal: progress and colours' 'no script(1) to make a terminal'
fi

test_expect_success 'EXAMPLES: the latency gate without k6' '
	httpprobe -c 10 -n 1000 --tag ep=models --summary-export k6_models.json \
		"$F/v1/models" >out 2>err &&
	if have p95parse && p95parse -h >/dev/null 2>&1; then
		p95parse -t ep=models -l 1200 k6_models.json >gate
	else
		echo "p95parse not built: export checked only" && test -s k6_models.json
	fi
'

test_expect_success 'EXAMPLES: 20 identical requests at once' '
	httpprobe -c 20 -n 20 -j "$F/v1/models" >out 2>err &&
	line_count 21 out
'

test_expect_success 'EXAMPLES: the open model, every request kept as NDJSON' '
	httpprobe --rate 100 -c 4 -n 100 --out points.ndjson \
		"$F/v1/models" >out 2>err &&
	test "$(grep -c "^{\"metric\":\"http_req_duration\",\"type\":\"Point\"" points.ndjson)" = 100 &&
	test "$(val requests out)" = 100
'

test_done
