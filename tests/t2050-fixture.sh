#!/bin/sh
# The fixture server (tools/demobackend/) behaves as specified, seen
# through clients we did not write: python3's urllib, http.client and raw
# sockets, and curl where present.

# shellcheck source=tests/lib.sh
. "${0%/*}/lib.sh"

have python3 || skip_all "python3 not found (it drives every test here)"
# The interpreter itself: a version manager's shim costs ~0.2 s a call.
PY=$(python3 -c 'import sys; print(sys.executable)') && [ -x "$PY" ] || PY=python3

# h.py: the python3 clients. Subcommands:
#   raw [--trickle] [--pad N] [--wait S] HOST PORT REQUEST
#       send REQUEST (backslash escapes decoded; --trickle one byte at a
#       time; --pad adds an N-byte header), print every byte of the answer
#       until the server closes; exit 4 on a reset, 5 after S seconds
#       (default 30: only a bound on a hang) of silence
#   split FILE   the responses in a raw stream: "STATUS BODYBYTES" each (the
#       body bytes there are, by Content-Length or to the end), then
#       "rest N" for the bytes left over
#   get [-H 'Name: value'] [-d DATA] [-X METHOD] URL...   urllib: each status
#       on stdout, body in body.N, headers in head.N
#   seq HOST PORT [METHOD:]PATH...   http.client, one connection: per
#       response "STATUS BODYBYTES reused|new" (was the connection kept)
#   busy HOST PORT   /healthz answers while slow answers are in progress:
#       what the slow ones sent so far, how many /healthz were 200, and
#       whether a /delay?ms=600000 asked first is still unanswered
#   slowbody HOST PORT   the head of /fault/slow-body and its first read
#   many HOST PORT N   N connections at once, a request on each; how many 200
#   ms URL   how long a GET takes, in whole milliseconds
cat >"$TRASH/h.py" <<'EOF'
import socket, sys, time

def raw(a):
    trickle, pad, wait = False, 0, 30.0
    while a[0].startswith("--"):
        o = a.pop(0)
        if o == "--trickle":
            trickle = True
        elif o == "--pad":
            pad = int(a.pop(0))
        elif o == "--wait":
            wait = float(a.pop(0))
    host, port, req = a
    data = req.encode("latin1").decode("unicode_escape").encode("latin1")
    if pad:
        data = data[:-2] + b"X-Pad: " + b"a" * pad + b"\r\n\r\n"
    s = socket.create_connection((host, int(port)), timeout=wait)
    if trickle:
        for i in range(len(data)):
            s.sendall(data[i:i + 1])
            time.sleep(0.002)
    else:
        s.sendall(data)
    out, code = bytearray(), 0
    try:
        while True:
            b = s.recv(65536)
            if not b:
                break
            out += b
    except ConnectionResetError:
        code = 4
    except socket.timeout:
        code = 5
    sys.stdout.buffer.write(out)
    return code

def split(a):
    d = open(a[0], "rb").read()
    while True:
        i = d.find(b"\r\n\r\n")
        if i < 0:
            break
        lines = d[:i].decode("latin1").split("\r\n")
        status = int(lines[0].split()[1])
        d = d[i + 4:]
        n = len(d)
        for h in lines[1:]:
            k, _, v = h.partition(":")
            if k.strip().lower() == "content-length":
                n = int(v)
        if status < 200 or status in (204, 304):
            n = 0
        n = min(n, len(d))
        print(status, n)
        d = d[n:]
    print("rest", len(d))
    return 0

def get(a):
    import urllib.error, urllib.request
    headers, data, method = {}, None, None
    while a and a[0].startswith("-"):
        o, v = a.pop(0), a.pop(0)
        if o == "-H":
            k, _, val = v.partition(":")
            headers[k.strip()] = val.strip()
        elif o == "-d":
            data = v.encode()
        elif o == "-X":
            method = v
    for i, url in enumerate(a, 1):
        req = urllib.request.Request(url, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                status, body, hdrs = r.status, r.read(), r.headers
        except urllib.error.HTTPError as e:
            status, body, hdrs = e.code, e.read(), e.headers
        open("body.%d" % i, "wb").write(body)
        open("head.%d" % i, "w").write(str(hdrs))
        print(status)
    return 0

def seq(a):
    import http.client
    c = http.client.HTTPConnection(a[0], int(a[1]), timeout=30)
    sock = None
    for p in a[2:]:
        method, _, path = p.rpartition(":")
        c.request(method or "GET", path)
        r = c.getresponse()
        body = r.read()
        print(r.status, len(body), "reused" if c.sock is sock else "new")
        sock = c.sock
    return 0

# What the slow faults send in all (tools/demobackend/faults.c, conn.c).
SLOW_HEADERS = (b"HTTP/1.1 200 OK\r\n"
    b"X-Slow: 0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN\r\n")
FILLER = bytes(10 if i % 64 == 63 else 97 + i % 64 % 26 for i in range(100))

def ask(host, port, path):
    s = socket.create_connection((host, port), timeout=30)
    s.sendall(b"GET " + path.encode() + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    return s

def read_until(s, d, done):
    while not done(d):
        b = s.recv(1000)
        if not b:
            break
        d += b
    return d

def read_ready(s, d):
    """d and the bytes there are now, without waiting for more."""
    s.setblocking(False)
    try:
        while True:
            b = s.recv(1000)
            if not b:
                break
            d += b
    except BlockingIOError:
        pass
    return d

def busy(a):
    import urllib.request
    host, port = a[0], int(a[1])
    held = ask(host, port, "/delay?ms=600000")
    sh = ask(host, port, "/fault/slow-headers")
    sb = ask(host, port, "/fault/slow-body")
    # The drips have begun (a byte past the status line, past the head):
    # the /healthz below come while they are in progress.
    h = read_until(sh, b"", lambda d: len(d) > 17)
    b = read_until(sb, b"", lambda d: d.find(b"\r\n\r\n") not in (-1, len(d) - 4))
    url = "http://%s:%d/healthz" % (host, port)
    ok = 0
    for _ in range(20):
        with urllib.request.urlopen(url, timeout=30) as r:
            ok += r.status == 200 and r.read() == b'{"ok": true}'
    h = read_ready(sh, h)
    head, _, body = read_ready(sb, b).partition(b"\r\n\r\n")
    print("slow-headers so far:", len(h) > 17 and SLOW_HEADERS.startswith(h))
    print("slow-body so far:", head.startswith(b"HTTP/1.1 200 OK\r\n") and
        b"\r\nContent-Length: 100\r\n" in head + b"\r\n" and
        0 < len(body) and FILLER.startswith(body))
    print("healthz 200:", ok)
    held.setblocking(False)
    try:
        print("delay:", "answered" if held.recv(1) else "closed")
    except BlockingIOError:
        print("delay: still held")
    return 0

def slowbody(a):
    s = socket.create_connection((a[0], int(a[1])), timeout=30)
    s.sendall(b"GET /fault/slow-body HTTP/1.1\r\n\r\n")
    d = read_until(s, b"", lambda d: b"\r\n\r\n" in d)
    head, _, body = d.partition(b"\r\n\r\n")
    if not body:
        body = s.recv(1000)   # one byte: the next comes 500 ms later
    # < 100: the 100 bytes take 50 s, a bound on lateness, not a timing.
    print(b"Content-Length: 100" in head, 0 < len(body) < 100 and
        FILLER.startswith(body))
    return 0

def many(a):
    host, port, n = a[0], int(a[1]), int(a[2])
    socks = [socket.create_connection((host, port), timeout=30) for _ in range(n)]
    for s in socks:
        s.sendall(b"GET /v1/models HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    ok = 0
    for s in socks:
        d = b""
        while True:
            b = s.recv(65536)
            if not b:
                break
            d += b
        ok += d.startswith(b"HTTP/1.1 200 OK\r\n") and d.endswith(b"}]}")
        s.close()
    print(ok)
    return 0

def ms(a):
    import urllib.error, urllib.request
    t = time.monotonic()
    try:
        urllib.request.urlopen(a[0], timeout=30).read()
    except urllib.error.HTTPError as e:
        e.read()
    print(int((time.monotonic() - t) * 1000))
    return 0

sys.exit(globals()[sys.argv[1]](sys.argv[2:]))
EOF
# shellcheck disable=SC2317 # called from the test bodies (eval)
h() {
	"$PY" -S "$TRASH/h.py" "$@"
}

printf '{"ok": false}' >"$TRASH/health.json"
printf '{"object":"list","data":[]}' >"$TRASH/models.json"

start_fixture
P=$FIXTURE_PORT
U=$FIXTURE_URL
start_fixture -e 3
E_URL=$FIXTURE_URL
start_fixture -H "$TRASH/health.json" -s 503 -m "$TRASH/models.json" -M 201 -l 200 -j 50 -v 2>"$TRASH/k.err"
K_URL=$FIXTURE_URL

# IPv6 loopback, where the machine has one.
V6_PORT=
if "$PY" -c 'import socket; socket.socket(socket.AF_INET6).bind(("::1", 0))' 2>/dev/null
then
	start_fixture -b ::1
	V6_PORT=$FIXTURE_PORT
fi
export P U E_URL K_URL V6_PORT

# -P and the stop signals: fixtures of our own, stopped here at the top
# level (a test body runs in a subshell and cannot wait for them).
stop_with() {
	start_bg "$FIXTURE" -P "$TRASH/$1.port" >"$TRASH/$1.out" 2>"$TRASH/$1.err"
	if wait_for_file "$TRASH/$1.port" 300; then
		kill "-$1" "$BG_PID"
		wait "$BG_PID"
		echo "$?" >"$TRASH/$1.status"
	fi
	stop_bg "$BG_PID"
}
stop_with TERM
stop_with INT

test_expect_success '-h prints the usage line on stdout, exit 0' '
	"$FIXTURE" -h >out 2>err &&
	contains "usage: demobackend [-hVv] [-b addr]" out &&
	check /dev/null err
'

test_expect_success '-V prints the version' '
	"$FIXTURE" -V >out &&
	contains "demobackend smokekit " out
'

test_expect_success 'a bad option or operand is exit 2 with the usage' '
	expect_code 2 "$FIXTURE" -x 2>err &&
	contains "usage: demobackend" err &&
	expect_code 2 "$FIXTURE" extra 2>err &&
	contains "usage: demobackend" err
'

if [ -w /dev/full ]; then
test_expect_success '-V to a full disk is exit 3' '
	expect_code 3 "$FIXTURE" -V >/dev/full 2>err &&
	contains "demobackend: write error" err
'
else
	test_skip '-V to a full disk is exit 3' 'no /dev/full'
fi

test_expect_success 'bad numbers are exit 2, naming the option' '
	expect_code 2 "$FIXTURE" -p 70000 2>err &&
	contains "demobackend: bad -p '\''70000'\''" err &&
	expect_code 2 "$FIXTURE" -e 0 2>err &&
	contains "bad -e" err &&
	expect_code 2 "$FIXTURE" -l 5x 2>err &&
	contains "bad -l" err &&
	expect_code 2 "$FIXTURE" -s 99 2>err &&
	contains "bad -s" err
'

test_expect_success 'an unreadable -m file is exit 3, naming it' '
	expect_code 3 "$FIXTURE" -m nonexistent.json 2>err &&
	contains "nonexistent.json: No such file" err
'

test_expect_success 'an address it cannot bind is exit 3' '
	expect_code 3 "$FIXTURE" -b 192.0.2.1 -P port 2>err &&
	contains "demobackend: listen on 192.0.2.1" err &&
	test ! -e port
'

test_expect_success '-P writes the port atomically; stdout says port=N' '
	test -s "$TRASH/TERM.port" &&
	grep -x "[0-9][0-9]*" "$TRASH/TERM.port" >/dev/null &&
	check_str "port=$(cat "$TRASH/TERM.port")" "$TRASH/TERM.out" &&
	check_str "port=$(cat "$TRASH/INT.port")" "$TRASH/INT.out"
'

test_expect_success 'SIGTERM and SIGINT stop it with exit 0' '
	check_str 0 "$TRASH/TERM.status" &&
	check_str 0 "$TRASH/INT.status" &&
	check /dev/null "$TRASH/TERM.err" &&
	check /dev/null "$TRASH/INT.err"
'

test_expect_success '/healthz is 200 {"ok": true} as JSON' '
	h get "$U/healthz" >status &&
	check_str 200 status &&
	printf "{\"ok\": true}" >expect &&
	check expect body.1 &&
	contains "Content-Type: application/json" head.1
'

test_expect_success '/v1/models is a JSON list of two models' '
	h get "$U/v1/models" >status &&
	check_str 200 status &&
	"$PY" -m json.tool body.1 >pretty &&
	contains "\"object\": \"list\"" pretty &&
	contains "\"id\": \"smoke-small\"" pretty &&
	contains "\"id\": \"smoke-large\"" pretty
'

test_expect_success '/echo reflects the request head and body' '
	h get -H "X-Test: abc" -d "a=1&b=2" "$U/echo" >status &&
	check_str 200 status &&
	contains "POST /echo HTTP/1.1" body.1 &&
	contains "X-Test: abc" body.1 &&
	contains "Content-Length: 7" body.1 &&
	tail -c 7 body.1 >got &&
	printf "a=1&b=2" >expect &&
	check expect got
'

if have curl; then
test_expect_success 'a large /echo body comes back whole (curl)' '
	"$PY" -c "import sys; sys.stdout.write(\"0123456789abcdef\" * 40000)" >big &&
	curl -sS --data-binary @big -o out "$U/echo" &&
	tail -c 640000 out >got &&
	check big got &&
	contains "Content-Length: 640000" out
'

test_expect_success 'Expect: 100-continue gets 100 Continue (curl)' '
	curl -sS -v -H "Expect: 100-continue" -d hello -o out "$U/echo" 2>err &&
	contains "HTTP/1.1 100 Continue" err &&
	contains "hello" out
'

test_expect_success 'curl sees the faults fail: bad chunk, truncated chunk, reset' '
	expect_code 56 curl -sS -o out "$U/fault/bad-chunk" 2>err &&
	expect_code 18 curl -sS -o out "$U/fault/truncated-chunked" 2>err &&
	expect_code 56 curl -sS -o out "$U/fault/reset-body" 2>err &&
	contains "reset" err
'
else
	test_skip 'large /echo body, 100-continue, faults through curl' 'curl not found'
fi

test_expect_success '/status?code=204 has no body (the connection stays usable)' '
	h seq 127.0.0.1 "$P" "/status?code=204" /healthz "/status?code=304" /healthz >out &&
	printf "204 0 new\n200 12 reused\n304 0 reused\n200 12 reused\n" >expect &&
	check expect out &&
	h raw 127.0.0.1 "$P" "GET /status?code=204 HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" >raw &&
	h split raw >got &&
	printf "204 0\n200 12\nrest 0\n" >expect &&
	check expect got
'

test_expect_success '/status?code=302 redirects to /healthz; bad codes are 400' '
	h get "$U/status?code=302" "$U/status?code=418" "$U/status?code=99" "$U/status?code=x" >got &&
	printf "200\n418\n400\n400\n" >expect &&
	check expect got &&
	printf "{\"ok\": true}" >expect &&
	check expect body.1 &&
	printf "{\"status\": 418}" >expect &&
	check expect body.2
'

test_expect_success 'an unknown path is 404' '
	h get "$U/nope" "$U/healthzz" >got &&
	printf "404\n404\n" >expect &&
	check expect got
'

test_expect_success '/fault/429-once: 429 with Retry-After, then 200, per key' '
	h get "$U/fault/429-once?key=x" "$U/fault/429-once?key=x" "$U/fault/429-once?key=y" >got &&
	printf "429\n200\n429\n" >expect &&
	check expect got &&
	contains "Retry-After: 1" head.1
'

test_expect_success '/fault/500-once: 500 then 200' '
	h get "$U/fault/500-once?key=x" "$U/fault/500-once?key=x" >got &&
	printf "500\n200\n" >expect &&
	check expect got &&
	lacks "Retry-After" head.1
'

test_expect_success '/fault/flaky?every=3: every third request is 500' '
	h get "$U/fault/flaky?every=3&key=f" "$U/fault/flaky?every=3&key=f" \
	    "$U/fault/flaky?every=3&key=f" "$U/fault/flaky?every=3&key=f" \
	    "$U/fault/flaky?every=3&key=f" "$U/fault/flaky?every=3&key=f" >got &&
	printf "200\n200\n500\n200\n200\n500\n" >expect &&
	check expect got
'

test_expect_success '/fault/retry-after is 503 with Retry-After: 1' '
	h get "$U/fault/retry-after" >got &&
	check_str 503 got &&
	contains "Retry-After: 1" head.1
'

test_expect_success '-e 3: every third /v1/models is 500, /healthz untouched' '
	h get "$E_URL/v1/models" "$E_URL/v1/models" "$E_URL/v1/models" \
	    "$E_URL/healthz" "$E_URL/v1/models" "$E_URL/v1/models" "$E_URL/v1/models" >got &&
	printf "200\n200\n500\n200\n200\n200\n500\n" >expect &&
	check expect got
'

test_expect_success '-H, -s, -m, -M set the bodies and statuses' '
	h get "$K_URL/healthz" "$K_URL/v1/models" >got &&
	printf "503\n201\n" >expect &&
	check expect got &&
	check "$TRASH/health.json" body.1 &&
	check "$TRASH/models.json" body.2
'

test_expect_success '-v logs each request line on stderr' '
	h get "$K_URL/healthz?from=v" >got &&
	contains "demobackend: GET /healthz?from=v" "$TRASH/k.err"
'

test_expect_success '-l 200: /healthz and /v1/models take at least 200 ms' '
	h ms "$K_URL/healthz" >ms &&
	test "$(cat ms)" -ge 200 &&
	h ms "$K_URL/v1/models" >ms &&
	test "$(cat ms)" -ge 200
'

test_expect_success '/delay?ms=N waits N ms; a bad ms is 400' '
	h ms "$U/delay?ms=300" >ms &&
	test "$(cat ms)" -ge 300 &&
	h get "$U/delay?ms=-1" "$U/delay?ms=abc" >got &&
	printf "400\n400\n" >expect &&
	check expect got
'

if [ -n "$V6_PORT" ]; then
test_expect_success '-b ::1 serves over IPv6 loopback' '
	h get "http://[::1]:$V6_PORT/healthz" >got &&
	check_str 200 got &&
	printf "{\"ok\": true}" >expect &&
	check expect body.1
'
else
	test_skip '-b ::1 serves over IPv6 loopback' 'no IPv6 loopback here'
fi

test_expect_success '/big?bytes=N is exactly N bytes, plain and chunked' '
	h get "$U/big?bytes=1000000" "$U/big?bytes=1000000&chunked=1" "$U/big?bytes=0" >got &&
	printf "200\n200\n200\n" >expect &&
	check expect got &&
	test "$(wc -c <body.1)" -eq 1000000 &&
	test "$(wc -c <body.2)" -eq 1000000 &&
	test ! -s body.3 &&
	check body.1 body.2 &&
	contains "Transfer-Encoding: chunked" head.2 &&
	contains "Content-Length: 1000000" head.1
'

test_expect_success 'HEAD /big: 1 GiB announced, nothing sent' '
	h seq 127.0.0.1 "$P" HEAD:/big /healthz >out &&
	printf "200 0 new\n200 12 reused\n" >expect &&
	check expect out &&
	h raw 127.0.0.1 "$P" "HEAD /big HTTP/1.1\r\nConnection: close\r\n\r\n" >raw &&
	contains "Content-Length: 1073741824" raw
'

test_expect_success '/chunked is "hello, world" in three chunks with a trailer' '
	h get "$U/chunked" >got &&
	check_str 200 got &&
	printf "hello, world\n" >expect &&
	check expect body.1 &&
	h raw 127.0.0.1 "$P" "GET /chunked HTTP/1.1\r\nConnection: close\r\n\r\n" >raw &&
	contains "X-Trailer: yes" raw &&
	test "$(grep -c "^[0-9a-f][0-9a-f]*.$" raw)" -eq 4
'

test_expect_success 'keep-alive: requests share one connection' '
	h seq 127.0.0.1 "$P" /healthz /v1/models /echo /healthz >out &&
	grep -c reused out >n &&
	check_str 3 n
'

test_expect_success 'pipelined requests are answered in order' '
	h raw 127.0.0.1 "$P" "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /delay?ms=50 HTTP/1.1\r\n\r\nGET /v1/models HTTP/1.1\r\n\r\nGET /status?code=201 HTTP/1.1\r\nConnection: close\r\n\r\n" >raw &&
	h split raw >got &&
	printf "200 12\n200 12\n200 146\n201 15\nrest 0\n" >expect &&
	check expect got
'

test_expect_success 'a request sent one byte at a time is answered' '
	h raw --trickle 127.0.0.1 "$P" "POST /echo HTTP/1.1\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc" >raw &&
	h split raw >got &&
	printf "200 64\nrest 0\n" >expect &&
	check expect got
'

test_expect_success 'Connection: close and HTTP/1.0 close after the answer' '
	h raw 127.0.0.1 "$P" "GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n" >a &&
	contains "Connection: close" a &&
	h raw 127.0.0.1 "$P" "GET /healthz HTTP/1.0\r\n\r\n" >b &&
	h split b >got &&
	printf "200 12\nrest 0\n" >expect &&
	check expect got
'

test_expect_success 'HTTP/1.0 with keep-alive keeps the connection' '
	h raw 127.0.0.1 "$P" "GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n" >raw &&
	h split raw >got &&
	printf "200 12\n200 12\nrest 0\n" >expect &&
	check expect got &&
	tr -d "\r" <raw | sed "/^\$/q" >head1 &&
	contains "Connection: keep-alive" head1 &&
	lacks "Connection: close" head1
'

test_expect_success 'a request head over 64 KiB is 431, then close' '
	h raw --pad 70000 127.0.0.1 "$P" "GET /healthz HTTP/1.1\r\n\r\n" >raw &&
	h split raw >got &&
	contains "431 " got &&
	h raw --pad 60000 127.0.0.1 "$P" "GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n" >raw2 &&
	h split raw2 >got2 &&
	contains "200 12" got2
'

test_expect_success 'malformed requests: 400, 505, 411, 413' '
	h raw 127.0.0.1 "$P" "garbage\r\n\r\n" >a && contains "HTTP/1.1 400 " a &&
	h raw 127.0.0.1 "$P" "GET /healthz HTTP/2.0\r\n\r\n" >b && contains "HTTP/1.1 505 " b &&
	h raw 127.0.0.1 "$P" "POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n" >c &&
	contains "HTTP/1.1 411 " c &&
	h raw 127.0.0.1 "$P" "POST /echo HTTP/1.1\r\nContent-Length: 99999999999\r\n\r\n" >d &&
	contains "HTTP/1.1 413 " d &&
	h raw 127.0.0.1 "$P" "GET /healthz HTTP/1.1\r\nBad Header: x\r\n\r\n" >e &&
	contains "HTTP/1.1 400 " e
'

test_expect_success '/fault/close: closed with nothing sent' '
	h raw 127.0.0.1 "$P" "GET /fault/close HTTP/1.1\r\n\r\n" >raw &&
	test ! -s raw
'

test_expect_success '/fault/reset-headers: part of a head, then a reset' '
	expect_code 4 h raw 127.0.0.1 "$P" "GET /fault/reset-headers HTTP/1.1\r\n\r\n" >raw &&
	contains "HTTP/1.1 200 OK" raw &&
	h split raw >got &&
	line_count 1 got &&
	contains "rest " got
'

test_expect_success '/fault/reset-body: 100 of 1000 bytes, then a reset' '
	expect_code 4 h raw 127.0.0.1 "$P" "GET /fault/reset-body HTTP/1.1\r\n\r\n" >raw &&
	contains "Content-Length: 1000" raw &&
	h split raw >got &&
	printf "200 100\nrest 0\n" >expect &&
	check expect got
'

test_expect_success '/fault/short-body: 50 of 100 bytes, then close' '
	h raw 127.0.0.1 "$P" "GET /fault/short-body HTTP/1.1\r\n\r\n" >raw &&
	contains "Content-Length: 100" raw &&
	h split raw >got &&
	printf "200 50\nrest 0\n" >expect &&
	check expect got
'

test_expect_success '/fault/garbage, /fault/http10 send what they say' '
	h raw 127.0.0.1 "$P" "GET /fault/garbage HTTP/1.1\r\n\r\n" >raw &&
	printf "GARBAGE\r\n\r\n" >expect &&
	check expect raw &&
	h raw 127.0.0.1 "$P" "GET /fault/http10 HTTP/1.1\r\n\r\n" >raw &&
	head -n 1 raw >line &&
	printf "HTTP/1.0 200 OK\r\n" >expect &&
	check expect line &&
	lacks "Content-Length" raw &&
	tail -n 1 raw >last &&
	check_str "close-delimited body" last
'

test_expect_success '/fault/continue: 100 Continue, then 200 (urllib and raw)' '
	h get "$U/fault/continue" >got &&
	check_str 200 got &&
	h raw 127.0.0.1 "$P" "GET /fault/continue HTTP/1.1\r\nConnection: close\r\n\r\n" >raw &&
	h split raw >got &&
	printf "100 0\n200 12\nrest 0\n" >expect &&
	check expect got
'

test_expect_success '/fault/bad-chunk and /fault/truncated-chunked break chunking' '
	h raw 127.0.0.1 "$P" "GET /fault/bad-chunk HTTP/1.1\r\n\r\n" >raw &&
	contains "Transfer-Encoding: chunked" raw &&
	grep -x "zz.$" raw >/dev/null &&
	h raw 127.0.0.1 "$P" "GET /fault/truncated-chunked HTTP/1.1\r\n\r\n" >raw &&
	tail -n 1 raw >last &&
	printf partial >expect &&
	check expect last
'

test_expect_success '/fault/huge-header sends a 1 MiB header' '
	h raw 127.0.0.1 "$P" "GET /fault/huge-header HTTP/1.1\r\n\r\n" >raw &&
	grep "^X-Huge: " raw >line &&
	test "$(wc -c <line)" -gt 1048576
'

test_expect_success 'slow answers do not hold up other clients' '
	h busy 127.0.0.1 "$P" >out &&
	printf "slow-headers so far: True\nslow-body so far: True\nhealthz 200: 20\ndelay: still held\n" >expect &&
	check expect out
'

test_expect_success '/fault/slow-body: the head at once, the body byte by byte' '
	h slowbody 127.0.0.1 "$P" >out &&
	check_str "True True" out
'

test_expect_success 'hundreds of connections at once' '
	h many 127.0.0.1 "$P" 300 >got &&
	check_str 300 got
'

# ---- the manual's EXAMPLES (man/demobackend.1), in order ----

# The first starts and stops a server of its own: it runs here, as
# written, at the top level where servers are started (tests/lib.sh), in
# a directory of its own; the test looks at what it left.
ex1() {
	"$FIXTURE" -P port.txt >/dev/null & pid=$!
	while [ ! -s port.txt ] && kill -0 "$pid"; do sleep 0.1; done
	u=http://127.0.0.1:$(cat port.txt)
	httpprobe -o /dev/null -w '%{http_code} %{size_download}\n' "$u/v1/models" >probe.out
	echo "$?" >probe.status
	kill "$pid"
	wait "$pid"
	echo "$?" >server.status
}
mkdir "$TRASH/ex1" && (cd "$TRASH/ex1" && ex1)

# The others: their servers, with the options of each example.
start_fixture -e 10
EX_E=$FIXTURE_URL
start_fixture -N 3 -R api
EX_N=$FIXTURE_URL
mkdir "$TRASH/ex4" &&
	od -An -N16 -tx1 /dev/urandom | tr -d ' \n' >"$TRASH/ex4/api.secret"
start_fixture -S "$TRASH/ex4/api.secret"
EX_S=$FIXTURE_URL
export EX_E EX_N EX_S

test_expect_success 'EXAMPLES: start on a port file, probe, stop' '
	check_str "200 146" "$TRASH/ex1/probe.out" &&
	check_str 0 "$TRASH/ex1/probe.status" &&
	check_str 0 "$TRASH/ex1/server.status"
'

test_expect_success 'EXAMPLES: every tenth /v1/models fails, a load run counts them' '
	u=$EX_E &&
	expect_code 1 httpprobe -q -n 100 "$u/v1/models" >out 2>err &&
	grep failed= out >got &&
	printf "failed=10\nhttp_req_failed=0.1\n" >expect &&
	check expect got
'

test_expect_success 'EXAMPLES: three replicas, then a burst the plan cache computes once' '
	u=$EX_N &&
	httpprobe -q -n 6 --tally header:x-replica "$u/healthz" >out &&
	grep tallies out >got &&
	printf "tallies.header:x-replica.api-%s=2\n" 1 2 3 >expect &&
	check expect got &&
	printf "{\"question\": \"hi\", \"client_id\": \"me\"}" >ask.json &&
	httpprobe -q --burst -c 20 -d @ask.json \
		--tally .meta.compute.plan_cache_hit "$u/ask" >out &&
	grep tallies out >got &&
	printf "tallies..meta.compute.plan_cache_hit.%s\n" false=1 true=19 >expect &&
	check expect got
'

test_expect_success 'EXAMPLES: signed requests only, with a random secret' '
	u=$EX_S &&
	cp "$TRASH/ex4/api.secret" api.secret &&
	grep -x "[0-9a-f]\{32\}" api.secret >/dev/null &&
	httpprobe -s 401 -o /dev/null -w "%{http_code}\n" "$u/v1/models" >got &&
	check_str 401 got &&
	httpprobe -o /dev/null -w "%{http_code}\n" --hmac team-a \
		--hmac-secret-file api.secret "$u/v1/models" >got &&
	check_str 200 got
'

# Not installed: make install leaves out the backend and its manual.
if have make && [ "$PROGS" = "$O" ] && make -q -C "$ROOT" O="$O" all >/dev/null 2>&1; then
test_expect_success 'make install installs neither demobackend nor its manual' '
	make -s --no-print-directory -C "$ROOT" O="$O" DESTDIR="$PWD/dest" install >out 2>err &&
	find dest -type f >files &&
	contains /bin/httpprobe files &&
	contains /man1/httpprobe.1 files &&
	lacks demobackend files
'
else
	test_skip 'make install installs neither demobackend nor its manual' 'no make, or a build that is not up to date here'
fi

test_done
