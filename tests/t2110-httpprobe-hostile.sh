#!/bin/sh
# httpprobe against hostile servers and hostile command lines (issue 12):
# a Retry-After beyond the deadline ends the run at once with the server's
# demand named (exit 3), whatever its size; a transfer coding we cannot
# undo is a protocol error; no diagnostic shows a credential; a -w format
# or -o that cannot mean anything is a usage error. The answers the fixture
# server cannot give come from a small python3 server started here.
# The test bodies are eval'ed strings: shellcheck cannot see them use
# the variables and functions defined here.
# shellcheck disable=SC2034,SC2119,SC2317
# shellcheck source=tests/lib.sh
. "${0%/*}/lib.sh"

have python3 || skip_all "python3 is needed (the hostile server)"
[ -x "$FIXTURE" ] || skip_all "the fixture server is not built ($FIXTURE)"
start_fixture || exit 1
U=$FIXTURE_URL

# The hostile server: GET /ra/VALUE answers 503 with Retry-After: VALUE;
# GET /te/VALUE answers 200 with Transfer-Encoding: VALUE and a chunked
# body ("%20" in VALUE is a blank). Each request is counted in
# $TRASH/hits (one line per request), the server-side attempt count.
start_bg python3 -c '
import os, socketserver, sys, urllib.parse

class H(socketserver.StreamRequestHandler):
    def handle(self):
        line = self.rfile.readline().decode("latin-1")
        while self.rfile.readline() not in (b"\r\n", b"\n", b""):
            pass
        path = line.split(" ")[1] if line.count(" ") >= 2 else "/"
        with open(sys.argv[1] + ".hits", "a") as f:
            f.write(path + "\n")
        kind, _, value = path[1:].partition("/")
        value = urllib.parse.unquote(value)
        if kind == "ra":
            head = "HTTP/1.1 503 Service Unavailable\r\nRetry-After: %s\r\n" \
                "Content-Length: 5\r\nConnection: close\r\n\r\nbusy\n" % value
        elif kind == "te":
            head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: %s\r\n" \
                "Connection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n" % value
        else:
            head = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"
        self.wfile.write(head.encode("latin-1"))

socketserver.ThreadingTCPServer.allow_reuse_address = True
s = socketserver.ThreadingTCPServer(("127.0.0.1", 0), H)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write("%d\n" % s.server_address[1])
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
s.serve_forever()
' "$TRASH/hostile.port"
wait_for_file "$TRASH/hostile.port" || { echo "the hostile server did not start" >&2; exit 1; }
H=http://127.0.0.1:$(cat "$TRASH/hostile.port")
HITS=$TRASH/hostile.port.hits

# hits PATH: how many requests the hostile server got for PATH.
hits() {
	if [ -f "$HITS" ]; then grep -c -x -F "$1" "$HITS"; else echo 0; fi
}

# ---- Retry-After beyond the deadline (issue 12 items 1 and 10) ----

test_expect_success 'Retry-After: 3600 with -r 3: one attempt, the demand named, exit 3' '
	expect_code 3 httpprobe -j -q -r 3 -m 30 "$H/ra/3600" >out 2>err &&
	check_str "httpprobe: $H/ra/3600: server asks to retry after 3600 s (Retry-After), beyond the 30 s deadline (status 503)" err &&
	contains "\"status\":503,\"attempts\":1," out &&
	contains "\"error_class\":\"retry_after\",\"error\":\"server asks to retry after 3600 s (Retry-After), beyond the 30 s deadline\"}" out &&
	test "$(hits /ra/3600)" = 1
'

test_expect_success 'without -m the deadline is every attempt and every backoff: (3+1) x 10 s + 3 x 8 s + 1 s' '
	expect_code 3 httpprobe -q -r 3 "$H/ra/3600" >out 2>err &&
	check_str "httpprobe: $H/ra/3600: server asks to retry after 3600 s (Retry-After), beyond the 65 s deadline (status 503)" err &&
	expect_code 3 httpprobe -q -r 1 -t 0.5 "$H/ra/3600" 2>err &&
	contains "beyond the 10 s deadline (status 503)" err
'

test_expect_success 'Retry-After: 2147483648 (past 2^31): named as sent, no overflow, exit 3' '
	expect_code 3 httpprobe -q -w "%{http_code} %{num_retries} %{error_class}\n" -r 2 \
		"$H/ra/2147483648" >out 2>err &&
	check_str "503 0 retry_after" out &&
	check_str "httpprobe: $H/ra/2147483648: server asks to retry after 2147483648 s (Retry-After), beyond the 47 s deadline (status 503)" err
'

test_expect_success 'Retry-After of 400 digits, and in the year 9999: clamped, longer than any deadline' '
	nines=$(python3 -c "print(\"9\" * 400)") &&
	expect_code 3 httpprobe -q -r 1 -m 86400 "$H/ra/$nines" 2>err &&
	contains "server asks to retry after more than 1000000000 s (Retry-After), beyond the 86400 s deadline (status 503)" err &&
	line_count 1 err &&
	expect_code 3 httpprobe -q -r 1 "$H/ra/Fri,%2031%20Dec%209999%2023:59:59%20GMT" 2>err &&
	contains "server asks to retry after more than 1000000000 s (Retry-After)" err
'

test_expect_success 'without -r the server is not asked again: its 503 is the answer, exit 1' '
	expect_code 1 httpprobe -q "$H/ra/3600" 2>err &&
	check_str "httpprobe: $H/ra/3600: status 503 Service Unavailable, expected 2xx" err
'

test_expect_success 'the 503 body is the evidence, kept with -o' '
	expect_code 3 httpprobe -r 2 -o body "$H/ra/3600" >out 2>err &&
	check_str busy body &&
	contains "error_class=retry_after" out &&
	contains "status=503" out
'

test_expect_success 'a Retry-After within the deadline (0 s: the backoff rules) is not a demand: the last 503, exit 1' '
	expect_code 1 httpprobe -q -j -r 2 "$H/ra/0" >out 2>err &&
	contains "\"status\":503,\"attempts\":3," out &&
	test "$(hits /ra/0)" = 3
'

# ---- transfer codings (item 13) ----

test_expect_success 'Transfer-Encoding: gzip, chunked is a protocol error, nothing saved' '
	expect_code 3 httpprobe -o body "$H/te/gzip,%20chunked" >out 2>err &&
	check_str "httpprobe: $H/te/gzip,%20chunked: protocol: unsupported Transfer-Encoding \"gzip\" (only chunked is)" err &&
	test ! -e body &&
	contains "error_class=protocol" out
'

test_expect_success 'any coding but chunked, alone or repeated, is a protocol error' '
	expect_code 3 httpprobe -q "$H/te/gzip" 2>err && contains "unsupported Transfer-Encoding \"gzip\"" err &&
	expect_code 3 httpprobe -q "$H/te/identity" 2>err && contains "unsupported Transfer-Encoding \"identity\"" err &&
	expect_code 3 httpprobe -q "$H/te/chunked,%20chunked" 2>err && contains "chunked more than once" err &&
	expect_code 3 httpprobe -q -c 1 -n 2 "$H/te/gzip,%20chunked" >out 2>err &&
	test "$(sed -n "s/^failed_protocol=//p" out)" = 2
'

test_expect_success 'Transfer-Encoding: chunked (any case) is read' '
	httpprobe "$H/te/Chunked" >out 2>err &&
	printf hello >want && check want out &&
	line_count 0 err
'

# ---- no credential in any diagnostic (item 7) ----

test_expect_success 'a URL with user:password@ is refused, the credentials never shown' '
	expect_code 2 httpprobe "http://alice:s3cret@127.0.0.1:1/x" >out 2>err &&
	contains "httpprobe: bad URL '\''http://***@127.0.0.1:1/x'\'': credentials (user:password@) in the URL are not supported" err &&
	expect_code 2 httpprobe -c 1 -n 1 "http://alice:s3cret@127.0.0.1:1/x" 2>>err &&
	expect_code 2 httpprobe "http://alice:s3cret@[::1/x" 2>>err &&
	expect_code 2 httpprobe "ftp://alice:s3cret@h/" 2>>err &&
	lacks s3cret err && lacks alice err && line_count 0 out
'

test_expect_success 'a -H without a header name is never echoed' '
	expect_code 2 httpprobe -H "Bearer s3cret-a" "$U/" 2>err &&
	expect_code 2 httpprobe -H "s3cret-b" "$U/" 2>>err &&
	expect_code 2 httpprobe -H "Auth orization: s3cret-c" "$U/" 2>>err &&
	expect_code 2 httpprobe -H "$(printf "X-Key: s3cret-d\r")" "$U/" 2>>err &&
	lacks s3cret err &&
	contains "bad -H '\''X-Key...'\'': control character in the value" err
'

# ---- formats and files that cannot mean anything (item 13) ----

test_expect_success '-w with a lone %, an unclosed %{ or an unknown variable: exit 2' '
	expect_code 2 httpprobe -w "%" "$U/healthz" >out 2>err &&
	contains "bad -w: a % not followed by { or %" err &&
	expect_code 2 httpprobe -w "%{" "$U/healthz" >>out 2>err &&
	contains "bad -w: %{ without its closing }" err &&
	expect_code 2 httpprobe -w "100%x" "$U/healthz" >>out 2>err &&
	expect_code 2 httpprobe -w "%{nope}" "$U/healthz" >>out 2>err &&
	line_count 0 out &&
	httpprobe -q -w "100%%\n" "$U/healthz" >out &&
	check_str "100%" out
'

test_expect_success '-o with an empty name is exit 2, nothing sent' '
	expect_code 2 httpprobe -o "" "$H/ra/never" >out 2>err &&
	contains "bad -o '\'''\'': an empty file name" err &&
	test "$(hits /ra/never)" = 0 &&
	line_count 0 out
'

test_done
