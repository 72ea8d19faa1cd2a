#!/bin/sh
# httpprobe's checks on every response: --burst, --tally, --check,
# --bodies, -w %header{} and %{redirect_url}, k6's timing breakdown;
# against the fixture server and python3's http.server. The test bodies
# are eval'ed strings: shellcheck cannot see them use what is defined here.
# shellcheck disable=SC2034,SC2317
# shellcheck source=tests/lib.sh
. "${0%/*}/lib.sh"

[ -x "$FIXTURE" ] || skip_all "the fixture server is not built"
have python3 || skip_all "python3 is needed (http.server, JSON checks)"

start_fixture -R replica-a
F=$FIXTURE_URL
printf 's3cret\n' >"$TRASH/secret"
start_fixture -S "$TRASH/secret"
S=$FIXTURE_URL

# python3 -m http.server: a directory of files, a server we did not write.
mkdir -p "$TRASH/www/dir"
printf '{"object":"list","data":[{"id":"m"}]}\n' >"$TRASH/www/models.json"
printf 'not json\n' >"$TRASH/www/plain.txt"
start_bg python3 -u -m http.server 0 --bind 127.0.0.1 --directory "$TRASH/www" \
	>"$TRASH/py.out" 2>"$TRASH/py.log"
wait_for_file "$TRASH/py.out" || skip_all "python3 -m http.server did not start"
PY=http://127.0.0.1:$(sed -n 's/.* port \([0-9][0-9]*\) .*/\1/p' "$TRASH/py.out")

# facts FILE: the last line of -j's output in load mode, the run's facts.
facts() {
	tail -n 1 "$1" >facts.json
}

test_expect_success '--burst: 20 identical requests, one cache miss, 19 hits (jsonfield gates the tally)' '
	expect_code 0 httpprobe -q -j --burst -c 20 --tally status \
		--tally .meta.compute.plan_cache_hit "$F/ask?key=burst1" >out 2>err &&
	line_count 21 out &&
	test "$(grep -c "\"seq\":[0-9]*,.*\"status\":200,\"ms\":" out)" = 20 &&
	facts out &&
	jsonfield -c ".requests == 20" -c ".tallies.status.\"200\" >= 19" facts.json &&
	jsonfield -c ".tallies.\".meta.compute.plan_cache_hit\".true == 19" \
		-c ".tallies.\".meta.compute.plan_cache_hit\".false == 1" facts.json
'

# A server of our own in the test: it accepts connections as they come
# and, when the first request byte arrives on any of them, counts how many
# connections had been made by then. With --burst every connection of the
# wave is made before any request is written, so the count is all of them
# (the order of events, not a race: the client connects them all first).
test_expect_success '--burst: every connection is made before the first request is written' '
	python3 - 12 >count <<-\EOF &&
	import select, socket, subprocess, sys
	n = int(sys.argv[1])
	s = socket.socket()
	s.bind(("127.0.0.1", 0))
	s.listen(64)
	url = "http://127.0.0.1:%d/" % s.getsockname()[1]
	p = subprocess.Popen(["httpprobe", "-q", "--burst", "-c", str(n), url],
	    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
	conns, at_first, bufs = [], None, {}
	answered = 0
	while answered < n:
	    r, _, _ = select.select([s] + conns, [], [], 30)
	    assert r, "nothing happened for 30 s"
	    for f in r:
	        if f is s:
	            c, _ = s.accept()
	            conns.append(c)
	            bufs[c] = b""
	            continue
	        if at_first is None:
	            s.setblocking(False)
	            try:
	                while True:
	                    c, _ = s.accept()
	                    conns.append(c)
	                    bufs[c] = b""
	            except BlockingIOError:
	                pass
	            s.setblocking(True)
	            at_first = len(conns)
	        data = f.recv(4096)
	        bufs[f] += data
	        if b"\r\n\r\n" in bufs[f]:
	            f.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
	            f.close()
	            conns.remove(f)
	            answered += 1
	p.wait(timeout=30)
	print(at_first)
	EOF
	check_str 12 count
'

test_expect_success '--burst with --hmac: every request of the wave signed afresh (the server refuses replays)' '
	SMOKEKIT_HMAC_SECRET=s3cret expect_code 0 httpprobe -q -j --burst -c 10 \
		--hmac team-a --tally status "$S/v1/models" >out 2>err &&
	facts out &&
	jsonfield -c ".tallies.status.\"200\" == 10" facts.json
'

test_expect_success '--burst and --rate are exclusive; --burst alone is one request per connection' '
	expect_code 2 httpprobe --burst --rate 10 -c 2 "$F/v1/models" 2>err &&
	contains "exclusive" err &&
	expect_code 0 httpprobe -q --burst -c 3 "$F/v1/models" >out 2>err &&
	test "$(val requests out)" = 3
'

test_expect_success '--tally header:NAME: any case, absent is (none); key=value lines' '
	expect_code 0 httpprobe -q -c 2 -n 6 --tally header:x-REPLICA \
		"$F/ask?key=t1" >out 2>err &&
	test "$(val "tallies.header:x-REPLICA.replica-a" out)" = 6 &&
	expect_code 0 httpprobe -q -c 2 -n 4 --tally header:X-Replica "$F/v1/models" >out 2>err &&
	test "$(val "tallies.header:X-Replica.(none)" out)" = 4
'

test_expect_success '--tally status: every response counted, -s still decides the exit' '
	expect_code 1 httpprobe -q -c 1 -n 20 --tally status "$F/fault/flaky?every=5&key=t2" >out 2>err &&
	test "$(val tallies.status.200 out)" = 16 &&
	test "$(val tallies.status.500 out)" = 4 &&
	expect_code 3 httpprobe -q -c 1 -n 3 --tally status "$F/fault/close" >out 2>err &&
	test "$(val "tallies.status.(no response)" out)" = 3
'

test_expect_success '--tally of a JSON path: compact values, (missing), (not json)' '
	expect_code 0 httpprobe -q -j -c 1 -n 3 --tally .data --tally .nope "$PY/models.json" >out 2>err &&
	facts out &&
	jsonfield -c ".tallies.\".data\".\"[{\\\"id\\\":\\\"m\\\"}]\" == 3" facts.json &&
	jsonfield -c ".tallies.\".nope\".\"(missing)\" == 3" facts.json &&
	expect_code 0 httpprobe -q -j -c 1 -n 2 --tally .data "$PY/plain.txt" >out 2>err &&
	facts out &&
	jsonfield -c ".tallies.\".data\".\"(not json)\" == 2" facts.json
'

# Our own server of many values: every answer a new {"n": N}.
cat >"$TRASH/count.py" <<\EOF
import http.server, sys
n = 0
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body are two writes: without this, Nagle holds the
    # body for the client's delayed ACK, 40 ms a request.
    disable_nagle_algorithm = True
    def do_GET(self):
        global n
        n += 1
        body = b'{"n": %d}' % n
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
print("port", s.server_address[1], flush=True)
s.serve_forever()
EOF
start_bg python3 -u "$TRASH/count.py" >"$TRASH/count.out"
wait_for_file "$TRASH/count.out" || skip_all "the counting server did not start"
C=http://127.0.0.1:$(sed -n 's/^port //p' "$TRASH/count.out")

test_expect_success '--tally is bounded: 1000 distinct values, the rest (other)' '
	expect_code 0 httpprobe -q -c 1 -n 1010 --tally .n "$C/" >out 2>err &&
	test "$(grep -c "^tallies\.\.n\." out)" = 1001 &&
	test "$(val "tallies..n.(other)" out)" = 10 &&
	test "$(val tallies..n.1 out)" = 1
'

test_expect_success '--check on a single probe: holds (exit 0), fails (exit 1, one line naming it)' '
	expect_code 0 httpprobe -q --check ".data is array" --check ".object == \"list\"" \
		"$F/v1/models" >out 2>err &&
	test ! -s err &&
	expect_code 1 httpprobe -q --check ".ok == true" --check ".data is array" \
		"$F/healthz" >out 2>err &&
	line_count 1 err &&
	contains "check '\''.data is array'\'' failed: .data: missing" err
'

test_expect_success '--check on a body that is not JSON fails, never crashes' '
	expect_code 1 httpprobe -q --check ".data is array" "$PY/plain.txt" >out 2>err &&
	contains "the body is not JSON" err &&
	expect_code 1 httpprobe -q --check ". == 1" "$F/chunked" >out 2>err &&
	expect_code 2 httpprobe -q --check ".data ==" "$F/v1/models" 2>err &&
	contains "bad --check" err
'

test_expect_success '--check with retries: the final response is checked, the facts count it' '
	expect_code 0 httpprobe -q -j -r 1 --check ".ok == true" "$F/fault/500-once?key=c1" >out 2>err &&
	jsonfield -c ".attempts == 2" -c ".checks.passes == 1" -c ".checks.fails == 0" out
'

test_expect_success '--check in load mode: k6 checks rate in the export, NDJSON points, -j facts' '
	expect_code 1 httpprobe -q -j -c 2 -n 10 --check ".ok == true" \
		--summary-export exp.json --out out.ndjson "$F/fault/flaky?every=5&key=c2" >out 2>err &&
	facts out &&
	jsonfield -c ".checks.passes == 8" -c ".checks.fails == 2" facts.json &&
	contains "2 of 10 checks failed; the first: '\''.ok == true'\'': .ok: missing" err &&
	jsonfield -c ".metrics.checks.passes == 8" -c ".metrics.checks.fails == 2" \
		-c ".metrics.checks.value == 0.8" exp.json &&
	test "$(grep -c "^{\"metric\":\"checks\",\"type\":\"Point\".*\"check\":\".ok == true\"" out.ndjson)" = 10 &&
	expect_code 0 httpprobe -q -c 2 -n 10 --check ".data is array" "$PY/models.json" >out 2>err &&
	test "$(val checks.passes out)" = 10 &&
	test "$(val checks.fails out)" = 0
'

test_expect_success '--bodies: every body as DIR/N.body, atomically (single probe and load mode)' '
	expect_code 0 httpprobe -q --bodies b1 "$F/v1/models" >out 2>err &&
	httpprobe -q -o want "$F/v1/models" &&
	check want b1/1.body &&
	expect_code 0 httpprobe -q -c 3 -n 12 --bodies b2 "$F/ask?key=b2" >out 2>err &&
	test "$(ls b2 | wc -l)" = 12 &&
	test -z "$(ls -A b2 | grep -v "^[0-9]*\.body\$")" &&
	contains "\"plan_cache_hit\":true" b2/12.body &&
	expect_code 0 httpprobe -q -r 2 --bodies b3 "$F/fault/429-once?key=b3" >out 2>err &&
	contains "\"ok\": true" b3/2.body &&
	test -f b3/1.body
'

test_expect_success '--bodies where no file can be made: exit 3, said once' '
	: >notadir &&
	expect_code 3 httpprobe -q --bodies notadir "$F/v1/models" >out 2>err &&
	contains "body not kept in notadir: Not a directory" err &&
	expect_code 3 httpprobe -q -c 2 -n 4 --bodies notadir "$F/v1/models" >out 2>err &&
	contains "4 bodies not kept in notadir" err &&
	test "$(val requests out)" = 4
'

test_expect_success '-w %header{NAME}: any case, empty when absent (fixture and http.server)' '
	httpprobe -q -w "[%header{x-replica}][%header{X-Nope}]" "$F/ask?key=w1" >out &&
	printf "[replica-a][]" >want && check want out &&
	httpprobe -q -w "%header{content-type}" "$PY/models.json" >out &&
	printf "application/json" >want && check want out &&
	expect_code 2 httpprobe -w "%header{a b}" "$F/healthz" 2>err &&
	expect_code 2 httpprobe -w "%header{x" "$F/healthz" 2>err
'

test_expect_success '%{redirect_url} is absolute, as curl makes it (http.server and fixture)' '
	expect_code 1 httpprobe -q -w "%{redirect_url}" "$PY/dir" >out 2>err &&
	printf "%s/dir/" "$PY" >want && check want out &&
	expect_code 1 httpprobe -q -w "%{redirect_url}" "$F/status?code=307" >out 2>err &&
	printf "%s/healthz" "$F" >want && check want out &&
	expect_code 0 httpprobe -q -w "[%{redirect_url}]" "$F/healthz" >out &&
	printf "[]" >want && check want out
'

test_expect_success 'k6 timing breakdown: trends in the export; sending + waiting + receiving = duration' '
	expect_code 0 httpprobe -q -c 2 -n 40 --summary-export exp.json --out out.ndjson \
		"$F/v1/models" >out 2>err &&
	python3 - exp.json out.ndjson <<-\EOF
	import json, sys
	m = json.load(open(sys.argv[1]))["metrics"]
	for k in ("http_req_blocked", "http_req_connecting", "http_req_sending",
	          "http_req_waiting", "http_req_receiving"):
	    assert list(m[k]) == ["avg", "min", "med", "max", "p(90)", "p(95)"], (k, m[k])
	reqs, cur = [], None
	for line in open(sys.argv[2]):
	    o = json.loads(line)
	    if o.get("type") != "Point":
	        continue
	    name = o["metric"]
	    if name == "http_req_duration":
	        cur = {}
	        reqs.append(cur)
	    if cur is not None and name.startswith("http_req_"):
	        cur[name[9:]] = o["data"]["value"]
	assert len(reqs) == 40, len(reqs)
	for r in reqs:
	    total = r["sending"] + r["waiting"] + r["receiving"]
	    assert abs(total - r["duration"]) < 1e-5, r
	    assert r["blocked"] >= r["connecting"] >= 0, r
	# Two connections kept alive: two connects, every other request reuses one.
	assert sum(1 for r in reqs if r["connecting"] > 0) == 2, reqs
	EOF
'

# A full listen backlog: the kernel drops the SYN, the client retries it
# a second later (TCP's initial retransmission timeout). The stall is in
# http_req_connecting and http_req_blocked, never in the duration. The
# server fills its own one-place backlog, then starts accepting after
# 1.5 s: a lower bound the kernel guarantees, not a machine's speed.
cat >"$TRASH/backlog.py" <<\EOF
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(0)
filler = socket.create_connection(s.getsockname())
print("port", s.getsockname()[1], flush=True)
time.sleep(1.5)
s.accept()
c, _ = s.accept()
buf = b""
while b"\r\n\r\n" not in buf:
    buf += c.recv(4096)
c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
c.close()
EOF

test_expect_success 'a connect stall (full listen backlog) shows in http_req_connecting and _blocked' '
	python3 "$TRASH/backlog.py" >port.out &
	wait_for_file port.out &&
	port=$(sed -n "s/^port //p" port.out) &&
	expect_code 0 httpprobe -q -j -c 1 -n 1 -t 20 "http://127.0.0.1:$port/" >out 2>err &&
	wait &&
	sed -n "s/.*\"connecting_ms\":\([0-9.]*\).*/\1/p" out >connecting &&
	sed -n "s/.*\"blocked_ms\":\([0-9.]*\).*/\1/p" out >blocked &&
	awk -v c="$(cat connecting)" -v b="$(cat blocked)" \
		"BEGIN { exit !(c >= 1000 && b >= c) }"
'

test_expect_success 'EXAMPLES: a burst, then a gate on its tally' '
	httpprobe -q -j --burst -c 20 --tally .meta.compute.plan_cache_hit \
		"$F/ask?key=ex1" >run.ndjson &&
	tail -n 1 run.ndjson >facts.json &&
	jsonfield -c ".tallies.\".meta.compute.plan_cache_hit\".true >= 19" facts.json
'

test_expect_success 'EXAMPLES: status shares, 5xx < 0.5% and 429 < 2%' '
	httpprobe -q -c 10 -n 1000 -s 2xx,429,5xx --tally status \
		"$F/v1/models" >facts.txt &&
	awk -F= "\$1 == \"requests\" { n = \$2 }
	    \$1 ~ /^tallies\\.status\\.5/ { e += \$2 }
	    \$1 == \"tallies.status.429\" { t = \$2 }
	    END { exit !(n > 0 && e < 0.005 * n && t < 0.02 * n) }" facts.txt &&
	httpprobe -q -c 10 -n 200 -s 2xx,429,5xx --tally status \
		"$F/fault/flaky?every=10&key=ex2" >facts.txt &&
	test "$(val tallies.status.500 facts.txt)" = 20 &&
	! awk -F= "\$1 == \"requests\" { n = \$2 }
	    \$1 ~ /^tallies\\.status\\.5/ { e += \$2 }
	    END { exit !(n > 0 && e < 0.005 * n) }" facts.txt
'

test_expect_success 'EXAMPLES: which replica answered, and is the body right' '
	httpprobe -q --check ".data is array" -w "%{http_code} %header{X-Replica}\n" \
		"$F/ask?key=ex3" >out &&
	check_str "200 replica-a" out
'

test_done
