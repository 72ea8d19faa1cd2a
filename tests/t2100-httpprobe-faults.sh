#!/bin/sh
# httpprobe against every misbehaving endpoint of the fixture server: the
# exit code, one stderr line naming the failure, no partial -o file, an
# earlier -o file kept, and deadlines that hold (as the program's own
# figures and messages say: no test here reads the clock).
# The test bodies are eval'ed strings: shellcheck cannot see them use
# the variables and functions defined here.
# shellcheck disable=SC2034,SC2119,SC2317
# shellcheck source=tests/lib.sh
. "${0%/*}/lib.sh"

start_fixture || exit 1
U=$FIXTURE_URL

# A listener whose accept queue is full: the kernel drops further SYNs, so
# a connect to it hangs (Linux), which is what -T is for.
start_bg python3 -c '
import socket, sys, time
l = socket.socket()
l.bind(("127.0.0.1", 0))
l.listen(0)
port = l.getsockname()[1]
cs = []
for i in range(4):
    c = socket.socket()
    c.setblocking(False)
    try:
        c.connect(("127.0.0.1", port))
    except BlockingIOError:
        pass
    cs.append(c)
time.sleep(0.3)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write("%d\n" % port)
import os
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
time.sleep(600)
' "$TRASH/full.port"
wait_for_file "$TRASH/full.port" || { echo "the full listener did not start" >&2; exit 1; }
FULL=http://127.0.0.1:$(cat "$TRASH/full.port")/

# fault PATH CLASS MESSAGE: exit 3; stderr is the one line
# "httpprobe: URL: CLASS: ...MESSAGE..."; no file at -o, no temporary
# left beside it; an earlier file at -o is kept as it was.
fault() {
	printf "earlier\n" >kept &&
	expect_code 3 httpprobe -t 2 -o new "$U$1" >out 2>err &&
	line_count 1 err &&
	contains "httpprobe: $U$1: $2: " err &&
	contains "$3" err &&
	test ! -e new &&
	expect_code 3 httpprobe -t 2 -o kept "$U$1" >out 2>err &&
	check_str earlier kept &&
	ls -A >files &&
	printf "err\nfiles\nkept\nout\n" >want &&
	check want files
}

test_expect_success 'close at once: empty' '
	fault /fault/close empty "the server closed the connection without a response"
'

test_expect_success 'reset in the middle of the head: reset' '
	fault /fault/reset-headers reset "connection reset by the server in the response head"
'

test_expect_success 'reset in the middle of the body: reset' '
	fault /fault/reset-body reset "connection reset by the server in the response body (100 of 1000 bytes)"
'

test_expect_success 'bad chunk size: protocol' '
	fault /fault/bad-chunk protocol "bad chunk size: unexpected byte \"z\""
'

test_expect_success 'truncated chunked body: protocol' '
	fault /fault/truncated-chunked protocol "connection closed in the middle of the chunked body"
'

test_expect_success 'Content-Length longer than the body: protocol' '
	fault /fault/short-body protocol "connection closed after 50 of 100 body bytes"
'

test_expect_success 'a 1 MiB header: protocol, over the 64 KiB limit' '
	fault /fault/huge-header protocol "response head larger than 65536 bytes"
'

test_expect_success 'a garbage status line: protocol' '
	fault /fault/garbage protocol "not an HTTP response: \"GARBAGE\""
'

# timed_out_after MIN FILE: FILE says "timed out after S s", S measured
# by the program: at least the deadline MIN; a busy machine only adds.
timed_out_after() {
	at_least "$1" "$(sed -n "s/.*timeout: .*timed out after \([0-9.]*\) s.*/\1/p" "$2")"
}

test_expect_success 'slow headers: -t 1 ends the attempt, as its own figure says' '
	expect_code 3 httpprobe -t 1 -o new "$U/fault/slow-headers" >out 2>err &&
	line_count 1 err &&
	timed_out_after 1 err &&
	contains "in the response head" err &&
	test ! -e new
'

test_expect_success 'slow body: -t 1 stops it in flight, no partial file' '
	printf "earlier\n" >kept &&
	expect_code 3 httpprobe -t 1 -o kept "$U/fault/slow-body" >out 2>err &&
	timed_out_after 1 err &&
	contains "in the response body (" err &&
	check_str earlier kept &&
	ls -A >files && printf "err\nfiles\nkept\nout\n" >want && check want files
'

test_expect_success 'the slow-headers fault itself outlasts any deadline (the -t test means something)' '
	expect_code 3 httpprobe -t 2 -q "$U/fault/slow-headers" 2>err &&
	timed_out_after 2 err
'

test_expect_success '-m bounds the whole run across retries' '
	expect_code 3 httpprobe -q -j -t 1 -r 10 -m 2.5 "$U/fault/slow-headers" >out 2>err &&
	contains "\"error_class\":\"timeout\"" out &&
	grep -E "\"attempts\":[12]," out
'

test_expect_success '-m shorter than -t cuts the attempt and says so' '
	expect_code 3 httpprobe -q -t 30 -m 1 "$U/fault/slow-headers" 2>err &&
	contains "(the -m deadline)" err
'

test_expect_success '-T 1: a connect that hangs ends at the connect deadline' '
	expect_code 3 httpprobe -q -T 1 -t 30 "$FULL" 2>err &&
	line_count 1 err &&
	contains "timeout: connect to 127.0.0.1 port" err &&
	timed_out_after 1 err
'

test_expect_success 'a connect that hangs is bounded by -t too, and retried' '
	expect_code 3 httpprobe -q -j -t 0.5 -r 1 "$FULL" >out 2>err &&
	contains "\"attempts\":2," out &&
	contains "\"connect_ms\":null," out &&
	contains "\"error_class\":\"timeout\"" out
'

test_expect_success 'reset and empty replies are retried, protocol errors are not' '
	expect_code 3 httpprobe -q -j -r 1 "$U/fault/close" >out 2>err &&
	contains "\"attempts\":2," out && contains "empty: " err &&
	expect_code 3 httpprobe -q -j -r 1 "$U/fault/reset-body" >out 2>err &&
	contains "\"attempts\":2," out &&
	expect_code 3 httpprobe -q -j -r 3 "$U/fault/garbage" >out 2>err &&
	contains "\"attempts\":1," out
'

test_expect_success 'timeouts are retried' '
	expect_code 3 httpprobe -q -j -t 0.5 -r 1 "$U/fault/slow-headers" >out 2>err &&
	contains "\"attempts\":2," out &&
	contains "(2 attempts)" err
'

test_expect_success '503 with Retry-After: exit 1, the body saved as evidence' '
	expect_code 1 httpprobe -o body "$U/fault/retry-after" >out 2>err &&
	line_count 1 err &&
	contains "status 503 Service Unavailable, expected 2xx" err &&
	test -s body
'

test_expect_success 'flaky endpoint (every 2nd answer 500): -r 1 always gets a 200' '
	httpprobe -q -r 1 -j "$U/fault/flaky?every=2" >out1 &&
	httpprobe -q -r 1 -j "$U/fault/flaky?every=2" >out2 &&
	contains "\"status\":200," out1 && contains "\"status\":200," out2 &&
	cat out1 out2 >both && contains "\"attempts\":2," both
'

test_expect_success 'an unresolvable name: dns (glibc refuses "a..b" without asking a server)' '
	expect_code 3 httpprobe -q -t 2 -j "http://a..b:$FIXTURE_PORT/" >out 2>err &&
	contains "\"error_class\":\"dns\"" out &&
	contains "dns: resolve a..b: " err
'

test_expect_success 'a -o file that cannot be written: exit 3, system' '
	expect_code 3 httpprobe -j -o no/such/dir/f "$U/healthz" >out 2>err &&
	contains "\"error_class\":\"system\"" out &&
	contains "write no/such/dir/f: No such file or directory" err &&
	contains "\"connect_ms\":null," out
'

test_done
