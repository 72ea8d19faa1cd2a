#!/bin/sh
# httpprobe: options, outputs, -w, -j, -o, redaction, retries, exit codes,
# and every EXAMPLES entry of man/httpprobe.1, against the fixture server.
# The test bodies are eval'ed strings: shellcheck cannot see them use
# the variables and functions defined here.
# shellcheck disable=SC2034,SC2119
# shellcheck source=tests/lib.sh
. "${0%/*}/lib.sh"

start_fixture || exit 1
U=$FIXTURE_URL
PORT=$FIXTURE_PORT
VERSION=$(httpprobe -V) && VERSION=${VERSION##* }

# A TCP port on 127.0.0.1 where nothing listens, held for the file.
hold_port || exit 1
DEAD=$HELD_PORT

# ::1 when this machine has IPv6 loopback: a second fixture there.
U6=
if python3 -c 'import socket; socket.socket(socket.AF_INET6).bind(("::1", 0))' 2>/dev/null; then
	start_fixture -b ::1 || exit 1
	U6="http://[::1]:$FIXTURE_PORT"
fi

# ---- usage ----

test_expect_success '-h and --help: the usage and a line per option on stdout, exit 0' '
	httpprobe -h >out 2>err &&
	contains "usage: httpprobe [-hjqRVv]" out &&
	line_count 0 err &&
	for opt in -c -D -d -H -h -j -m -n -o -q -R -r -S -s -T -t -V -v -w -X \
	    --bodies --check --grace --hmac --hmac-secret-file --out --rate \
	    --summary-export --tag --tally --help --version --redact; do
		grep -q "^  $opt[ ,]" out || grep -q "^  -[A-Za-z], $opt " out ||
			{ echo "no help line for $opt"; exit 1; }
		case $opt in
		--help|--version|--redact) ;;
		*) sed -n 1p out | grep -q -e "\\[$opt " -e "\\[-[A-Za-z]*${opt#-}[A-Za-z]*\\]" ||
			{ echo "$opt not in the usage line"; exit 1; } ;;
		esac
	done &&
	httpprobe --help >out2 && check out out2
'

test_expect_success '-V and --version print the version' '
	httpprobe -V >out &&
	check_str "httpprobe smokekit $VERSION" out &&
	httpprobe --version >out &&
	check_str "httpprobe smokekit $VERSION" out
'

test_expect_success 'usage errors are exit 2 with the usage line' '
	expect_code 2 httpprobe >out 2>err &&
	contains "usage: httpprobe" err &&
	expect_code 2 httpprobe "$U/a" "$U/b" 2>err &&
	expect_code 2 httpprobe -Z "$U/" 2>err &&
	line_count 0 out
'

test_expect_success 'https is exit 2 and names curl' '
	expect_code 2 httpprobe https://127.0.0.1/ 2>err &&
	contains "bad URL '\''https://127.0.0.1/'\'': https is not supported (use curl for TLS)" err
'

test_expect_success 'bad arguments are named' '
	expect_code 2 httpprobe -t 1x "$U/" 2>err && contains "bad -t '\''1x'\''" err &&
	expect_code 2 httpprobe -t 0 "$U/" 2>err && contains "bad -t '\''0'\''" err &&
	expect_code 2 httpprobe -r -1 "$U/" 2>err && contains "bad -r" err &&
	expect_code 2 httpprobe -s 2x0 "$U/" 2>err && contains "bad -s '\''2x0'\''" err &&
	expect_code 2 httpprobe -H nocolon "$U/" 2>err && contains "bad -H (not shown: it may hold a secret): no colon" err &&
	lacks nocolon err &&
	expect_code 2 httpprobe -X "GE T" "$U/" 2>err && contains "not a method name" err &&
	expect_code 2 httpprobe -w "%{nope}" "$U/" 2>err && contains "bad -w variable %{nope}" err &&
	expect_code 2 httpprobe -j -w x "$U/" 2>err && contains "exclusive" err &&
	expect_code 2 httpprobe http://h:99999/ 2>err && contains "port out of range" err
'

test_expect_success 'load options are checked, and need a bound' '
	expect_code 2 httpprobe -c 0 -n 1 "$U/" 2>err && contains "bad -c '\''0'\''" err &&
	expect_code 2 httpprobe -c 2 "$U/" 2>err && contains "needs a bound" err &&
	expect_code 2 httpprobe -n 5 -o f "$U/" 2>err && contains "do not apply to load mode" err &&
	expect_code 2 httpprobe --tag nokey "$U/" 2>err && contains "KEY=VALUE" err &&
	expect_code 2 httpprobe --summary-export s.json "$U/" 2>err && contains "need load mode" err &&
	expect_code 2 httpprobe -D 1x -n 1 "$U/" 2>err && contains "bad -D" err &&
	expect_code 2 httpprobe --rate 0 -n 1 "$U/" 2>err && contains "--rate" err
'

# ---- the answer ----

test_expect_success 'GET: the body on stdout, nothing on stderr' '
	httpprobe "$U/healthz" >out 2>err &&
	printf "{\"ok\": true}" >want && check want out &&
	line_count 0 err
'

test_expect_success '-q: nothing on stdout' '
	httpprobe -q "$U/healthz" >out 2>err &&
	line_count 0 out && line_count 0 err
'

test_expect_success '-o FILE: the body in FILE, key=value facts on stdout' '
	httpprobe -o body.json "$U/v1/models" >out &&
	contains "\"smoke-small\"" body.json &&
	size=$(wc -c <body.json) &&
	sed -n "1p;2p;3p;7p;8p;9p" out >got &&
	printf "url=%s\nstatus=200\nattempts=1\nbytes=%s\nerror_class=\nerror=\n" \
		"$U/v1/models" "$size" >want &&
	check want got &&
	grep -E "^connect_ms=[0-9]+(\.[0-9]{1,3})?$" out &&
	grep -E "^first_byte_ms=[0-9]+(\.[0-9]{1,3})?$" out &&
	grep -E "^total_ms=[0-9]+(\.[0-9]{1,3})?$" out
'

test_expect_success '-o - writes the body to stdout' '
	httpprobe -o - "$U/healthz" >out &&
	printf "{\"ok\": true}" >want && check want out
'

test_expect_success '-o /dev/null writes into the device, never replaces it' '
	httpprobe -o /dev/null "$U/healthz" >out &&
	test -c /dev/null && contains "status=200" out
'

test_expect_success '-j: one JSON object with every key' '
	httpprobe -j -o body "$U/healthz" >out &&
	line_count 1 out &&
	contains "{\"url\":\"$U/healthz\",\"status\":200,\"attempts\":1,\"connect_ms\":" out &&
	contains ",\"bytes\":12,\"error_class\":null,\"error\":null}" out &&
	grep "\"first_byte_ms\":[0-9.]*,\"total_ms\":[0-9.]*," out
'

test_expect_success '-j after a body: the object always on a line of its own' '
	httpprobe -j "$U/healthz" >out &&
	line_count 2 out &&
	sed -n 1p out >body && printf "{\"ok\": true}\n" >want && check want body &&
	sed -n 2p out | grep "^{\"url\":\"$U/healthz\",.*\"bytes\":12,.*}\$" &&
	httpprobe -j "$U/chunked" >out &&
	line_count 2 out &&
	sed -n 1p out >body && check_str "hello, world" body &&
	sed -n 2p out | grep "\"bytes\":13," &&
	httpprobe -j -r 1 "$U/healthz" >out &&
	line_count 2 out &&
	httpprobe -j "$U/status?code=204" >out &&
	line_count 1 out &&
	httpprobe -j -q "$U/healthz" >out &&
	line_count 1 out &&
	expect_code 3 httpprobe -j "$U/fault/reset-body" >out 2>err &&
	tail -n 1 out | grep "^{\"url\":.*\"error_class\":\"reset\"" &&
	expect_code 3 httpprobe -j -r 1 "$U/fault/short-body" >out 2>err &&
	tail -n 1 out | grep "^{\"url\":.*\"error_class\":\"protocol\""
'

test_expect_success '-j with no response: status, error class and message' '
	expect_code 3 httpprobe -j "http://127.0.0.1:$DEAD/" >out 2>err &&
	contains "\"status\":null,\"attempts\":1,\"connect_ms\":null,\"first_byte_ms\":null," out &&
	contains "\"error_class\":\"refused\",\"error\":\"connect to 127.0.0.1 port $DEAD: Connection refused\"}" out &&
	check_str "httpprobe: http://127.0.0.1:$DEAD/: refused: connect to 127.0.0.1 port $DEAD: Connection refused" err
'

test_expect_success '-w: curl'\''s variables, escapes, %%' '
	httpprobe -q -w "%{http_code} %{response_code} %{size_download} %{num_retries} %{exitcode} [%{errormsg}] [%{error_class}] %{method} %{url}\t100%%\\n" "$U/healthz" >out &&
	printf "200 200 12 0 0 [] [] GET %s\t100%%\n" "$U/healthz" >want &&
	check want out &&
	httpprobe -q -w "%{time_connect} %{time_starttransfer} %{time_total}" "$U/healthz" >out &&
	grep "^[0-9]*\.[0-9]\{6\} [0-9]*\.[0-9]\{6\} [0-9]*\.[0-9]\{6\}$" out
'

test_expect_success '-w with no response: 000, exit code 3, the error' '
	expect_code 3 httpprobe -w "%{http_code} %{exitcode} %{error_class} %{time_total}" "http://127.0.0.1:$DEAD/" >out 2>err &&
	grep "^000 3 refused [0-9]*\.[0-9]*$" out
'

test_expect_success '-w after the body' '
	httpprobe -w "\\n%{http_code}\\n" "$U/healthz" >out &&
	printf "{\"ok\": true}\n200\n" >want && check want out
'

# ---- the request ----

test_expect_success 'the request head: Host, User-Agent, Accept-Encoding' '
	httpprobe "$U/echo?x=1" >out &&
	tr -d "\r" <out >head &&
	contains "GET /echo?x=1 HTTP/1.1" head &&
	contains "Host: 127.0.0.1:$PORT" head &&
	contains "User-Agent: smokekit/$VERSION" head &&
	contains "Accept-Encoding: identity" head &&
	lacks "Content-Length" head
'

test_expect_success '-H adds, replaces, and removes a header' '
	httpprobe -H "X-Trace: abc" -H "user-agent: probe/2" -H "Accept-Encoding:" \
		-H "X-Empty;" "$U/echo" >out &&
	tr -d "\r" <out >head &&
	contains "X-Trace: abc" head &&
	contains "user-agent: probe/2" head && lacks "smokekit/" head &&
	lacks "Accept-Encoding" head &&
	grep "^X-Empty: *$" head
'

test_expect_success '-d: POST with Content-Length and the body' '
	httpprobe -d "a=1&b=2" "$U/echo" >out &&
	tr -d "\r" <out >head &&
	contains "POST /echo HTTP/1.1" head &&
	contains "Content-Length: 7" head &&
	contains "a=1&b=2" head
'

test_expect_success '-d @file and -X PUT; -d @missing is exit 3' '
	printf "{\"k\": [1, 2]}" >req.json &&
	httpprobe -X PUT -d @req.json "$U/echo" >out &&
	tr -d "\r" <out >head &&
	contains "PUT /echo HTTP/1.1" head &&
	contains "Content-Length: 13" head &&
	contains "{\"k\": [1, 2]}" head &&
	expect_code 3 httpprobe -d @missing.json "$U/echo" 2>err &&
	contains "open missing.json: No such file or directory" err
'

test_expect_success '-d @file that cannot be read: one line naming it, exit 3, nothing sent' '
	expect_code 3 httpprobe -d @missing.json "$U/echo" >out 2>err &&
	check_str "httpprobe: open missing.json: No such file or directory" err &&
	mkdir adir &&
	expect_code 3 httpprobe -d @adir "$U/echo" >out 2>err &&
	check_str "httpprobe: read adir: Is a directory" err &&
	test ! -s out
'

test_expect_success '-d @- reads the body from standard input, every byte' '
	printf "a\000b\nc" >body &&
	httpprobe -d @- "$U/echo" <body >out &&
	tr -d "\r" <out >head &&
	contains "Content-Length: 5" head &&
	tail -c 5 out >got &&
	cmp body got
'

test_expect_success '-X HEAD: no body, whatever Content-Length says' '
	httpprobe -X HEAD -w "%{http_code} %{size_download}" "$U/healthz" >out &&
	printf "200 0" >want && check want out
'

test_expect_success 'host names resolve (localhost)' '
	httpprobe -q -w "%{http_code}" "http://localhost:$PORT/healthz" >out &&
	printf 200 >want && check want out
'

if [ -n "$U6" ]; then
	test_expect_success 'IPv6 literal: http://[::1]:PORT/' '
		httpprobe -o b "$U6/echo" >out &&
		tr -d "\r" <b >head &&
		contains "Host: $(echo "$U6" | sed "s|^http://||")" head &&
		contains "status=200" out
	'
else
	test_skip 'IPv6 literal: http://[::1]:PORT/' 'no IPv6 loopback on this machine'
fi

# ---- statuses ----

test_expect_success 'an unexpected status is exit 1, says so, and keeps the body as evidence' '
	printf old >body &&
	expect_code 1 httpprobe -o body "$U/status?code=500" >out 2>err &&
	check_str "httpprobe: $U/status?code=500: status 500 Internal Server Error, expected 2xx" err &&
	contains "status=500" out &&
	test -s body && ! grep "^old$" body
'

test_expect_success '-s: expected statuses' '
	httpprobe -q -s 404 "$U/status?code=404" &&
	httpprobe -q -s 200,404 "$U/status?code=404" &&
	httpprobe -q -s 2xx,4xx "$U/status?code=418" &&
	expect_code 1 httpprobe -q -s 200 "$U/status?code=201" 2>err &&
	contains "expected 200" err
'

test_expect_success '204 and 304 have no body' '
	httpprobe -w "%{http_code} %{size_download}" "$U/status?code=204" >out &&
	printf "204 0" >want && check want out &&
	expect_code 1 httpprobe -q "$U/status?code=304" 2>err &&
	httpprobe -s 304 -w "%{http_code} %{size_download}" "$U/status?code=304" >out &&
	printf "304 0" >want && check want out
'

test_expect_success '302 is not followed: exit 1, Location reported' '
	expect_code 1 httpprobe -q -v -w "%{redirect_url}" "$U/status?code=302" >out 2>err &&
	contains "status 302 Found, Location: /healthz, expected 2xx" err &&
	contains "< Location: /healthz" err &&
	printf "%s/healthz" "$U" >want && check want out
'

test_expect_success 'chunked body with a trailer' '
	httpprobe "$U/chunked" >out &&
	check_str "hello, world" out
'

test_expect_success '100 Continue is skipped' '
	httpprobe "$U/fault/continue" >out &&
	printf "{\"ok\": true}" >want && check want out
'

test_expect_success 'HTTP/1.0 close-delimited body' '
	httpprobe "$U/fault/http10" >out &&
	check_str "close-delimited body" out
'

test_expect_success 'a large body streams to -o (64 MiB, chunked and not)' '
	httpprobe -q -w "%{size_download}" -o big "$U/big?bytes=67108864" >out &&
	printf 67108864 >want && check want out &&
	test "$(wc -c <big)" -eq 67108864 &&
	httpprobe -q -w "%{size_download}" -o /dev/null "$U/big?bytes=67108864&chunked=1" >out &&
	check want out
'

# ---- redaction ----

test_expect_success '-v never prints a secret header value' '
	httpprobe -q -v -H "Authorization: Bearer s3cret-a" -H "Cookie: sid=s3cret-b" \
		-H "X-Api-Key: s3cret-c" -H "x-signature: s3cret-d" -H "X-Mine: s3cret-e" \
		-S x-mine -H "X-Shown: visible" "$U/healthz" 2>err &&
	lacks s3cret err &&
	contains "> Authorization: <redacted>" err &&
	contains "> Cookie: <redacted>" err &&
	contains "> X-Api-Key: <redacted>" err &&
	contains "> x-signature: <redacted>" err &&
	contains "> X-Mine: <redacted>" err &&
	contains "> X-Shown: visible" err &&
	contains "< 200 OK" err &&
	contains "attempt 1: 200 OK, 12 bytes" err
'

test_expect_success 'a bad -H names the header, never its value' '
	expect_code 2 httpprobe -H "$(printf "Authorization: Bearer s3cret-f\001")" "$U/" 2>err &&
	contains "bad -H '\''Authorization...'\'': control character in the value" err &&
	expect_code 2 httpprobe -H "Authorization Bearer s3cret-g" "$U/" 2>err &&
	contains "bad -H (not shown: it may hold a secret): no colon" err &&
	expect_code 2 httpprobe -H "s3cret-only" "$U/" 2>err &&
	contains "bad -H (not shown: it may hold a secret): no colon" err &&
	expect_code 2 httpprobe -H "Bad s3cret-i: x" "$U/" 2>err &&
	contains "bad -H (not shown: it may hold a secret): the name is not a valid header name" err &&
	lacks s3cret err &&
	test "$(wc -l <err)" -eq 2
'

test_expect_success '--redact is -S' '
	httpprobe -q -v -H "X-Token: s3cret" --redact X-Token "$U/healthz" 2>err &&
	lacks s3cret err && contains "> X-Token: <redacted>" err
'

# ---- retries ----

test_expect_success 'no retry by default: 429 is exit 1' '
	expect_code 1 httpprobe -q -j "$U/fault/429-once?key=t1" >out 2>err &&
	contains "\"status\":429,\"attempts\":1," out
'

test_expect_success '-r: 429 then 200, after Retry-After' '
	httpprobe -q -v -j -r 2 "$U/fault/429-once?key=t2" >out 2>err &&
	contains "\"status\":200,\"attempts\":2," out &&
	contains "retrying in 1.00 s" err
'

test_expect_success '-r: 500 then 200 for GET, after the first backoff' '
	httpprobe -q -v -w "%{http_code} %{num_retries}" -r 1 "$U/fault/500-once?key=t3" >out 2>err &&
	printf "200 1" >want && check want out &&
	contains "retrying in 0.50 s" err
'

test_expect_success 'POST is not retried after it was sent, unless -R' '
	expect_code 1 httpprobe -q -v -j -r 2 -d x "$U/fault/500-once?key=t4" >out 2>err &&
	contains "\"status\":500,\"attempts\":1," out &&
	contains "not retrying: the method is not idempotent" err &&
	httpprobe -q -j -r 2 -R -d x "$U/fault/500-once?key=t5" >out &&
	contains "\"status\":200,\"attempts\":2," out
'

test_expect_success 'refused: retried with a doubling backoff, POST too (never sent)' '
	expect_code 3 httpprobe -q -v -r 2 -d x -j "http://127.0.0.1:$DEAD/" >out 2>err &&
	contains "\"attempts\":3," out && contains "\"error_class\":\"refused\"" out &&
	contains "retrying in 0.50 s" err && contains "retrying in 1.00 s" err &&
	contains "refused: connect to 127.0.0.1 port $DEAD: Connection refused (3 attempts)" err
'

test_expect_success 'an expected status is never retried (-s 503)' '
	httpprobe -q -j -r 3 -s 503 "$U/fault/retry-after" >out &&
	contains "\"status\":503,\"attempts\":1," out
'

test_expect_success 'Retry-After past the -m deadline ends the run: the demand named, exit 3' '
	expect_code 3 httpprobe -q -j -r 3 -m 0.8 "$U/fault/retry-after" >out 2>err &&
	contains "\"status\":503,\"attempts\":1," out &&
	contains "\"error_class\":\"retry_after\",\"error\":\"server asks to retry after 1 s (Retry-After), beyond the 0.8 s deadline\"}" out &&
	check_str "httpprobe: $U/fault/retry-after: server asks to retry after 1 s (Retry-After), beyond the 0.8 s deadline (status 503)" err
'

test_expect_success 'Retry-After within the -m deadline is honoured' '
	expect_code 1 httpprobe -q -j -r 1 -m 5 "$U/fault/retry-after" >out 2>err &&
	contains "\"status\":503,\"attempts\":2," out &&
	contains "expected 2xx (2 attempts)" err
'

test_expect_success 'with retries, -o and stdout get the last attempt'\''s body only' '
	httpprobe -r 1 -o body "$U/fault/500-once?key=t6" >out &&
	printf "{\"ok\": true}" >want && check want body &&
	httpprobe -r 1 "$U/fault/500-once?key=t7" >out &&
	check want out
'

# ---- load mode ----

test_expect_success 'load mode: -n, -c, -H and -s reach the run' '
	httpprobe -q -n 20 -c 2 -H "X-A: b" -s 200 "$U/healthz" >out 2>err &&
	contains "requests=20" out && contains "failed=0" out &&
	expect_code 1 httpprobe -q -n 5 -s 204 "$U/healthz" >out 2>err &&
	contains "failed_status=5" out
'

test_expect_success 'load mode: --tag, --summary-export and --out' '
	httpprobe -q -n 10 --tag ep=models --summary-export sum.json --out points.ndjson \
		"$U/v1/models" >out 2>err &&
	contains "http_req_duration{ep:models}" sum.json &&
	contains "\"ep\":\"models\"" points.ndjson
'

# ---- the manual's EXAMPLES, in order ----

test_expect_success 'EXAMPLES: save the model list' '
	httpprobe -o models.json "$U/v1/models" >out &&
	contains "status=200" out && contains "\"object\":\"list\"" models.json
'

test_expect_success 'EXAMPLES: is it up, with retries' '
	httpprobe -q -r 3 -t 2 "$U/healthz"
'

test_expect_success 'EXAMPLES: status and time for a shell script' '
	httpprobe -o /dev/null -w "%{http_code} %{time_total}\n" "$U/healthz" >out &&
	grep "^200 [0-9]*\.[0-9]\{6\}$" out
'

test_expect_success 'EXAMPLES: one JSON line per probe' '
	httpprobe -q -j -s 200,204 "$U/status?code=204" >out &&
	contains "\"status\":204" out
'

test_expect_success 'EXAMPLES: POST a JSON file, see the exchange' '
	printf "{\"model\": \"smoke-small\"}" >req.json &&
	httpprobe -v -d @req.json -H "Content-Type: application/json" \
		-H "Authorization: Bearer $VERSION-secret" "$U/echo" >out 2>err &&
	contains "{\"model\": \"smoke-small\"}" out &&
	contains "> Authorization: <redacted>" err && lacks "$VERSION-secret" err
'

if [ -n "$U6" ]; then
	test_expect_success 'EXAMPLES: IPv6 with an overall deadline' '
		httpprobe -q -m 5 -r 2 "$U6/healthz"
	'
else
	test_skip 'EXAMPLES: IPv6 with an overall deadline' 'no IPv6 loopback on this machine'
fi

test_expect_success 'EXAMPLES: a load run with a k6 summary' '
	httpprobe -c 4 -n 1000 --tag ep=models \
		--summary-export k6_models.json "$U/v1/models" >out 2>err &&
	contains "requests=1000" out &&
	contains "http_req_duration{ep:models}" k6_models.json &&
	contains "http_req_duration" err
'

test_expect_success '-d given twice is a usage error that never echoes the data' '
	expect_code 2 httpprobe -q -d first-secret-body -d second-secret-body "$U/echo" >out 2>err &&
	contains "-d given twice" err &&
	lacks "secret-body" err &&
	test ! -s out
'

test_done
