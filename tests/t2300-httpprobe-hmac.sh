#!/bin/sh
# httpprobe --hmac: signed requests against the fixture server verifying
# them (demobackend -S): a single probe, retries, load runs, a wrong
# secret, replays, stale timestamps, -v redaction, and the secret never
# in any output.
# The test bodies are eval'ed strings: shellcheck cannot see them use
# the variables defined here.
# shellcheck disable=SC2034,SC2317
# shellcheck source=tests/lib.sh
. "${0%/*}/lib.sh"


SECRET=s3cr3t-smokekit-hmac-7f3a
SECRETFILE=$TRASH/secret.txt
printf '%s\n' "$SECRET" >"$SECRETFILE"
printf '%s' "$SECRET" >"$TRASH/secret-nonl.txt"
printf 'not-the-secret\n' >"$TRASH/secret-wrong.txt"
: >"$TRASH/secret-empty.txt"
printf '{"ok": true}' >"$TRASH/ok.json"

start_fixture -S "$SECRETFILE" || exit 1
U=$FIXTURE_URL
start_fixture || exit 1
PLAIN=$FIXTURE_URL

# field NAME FILE: the value of header NAME in the head of an /echo body.
field() {
	tr -d '\r' <"$2" | sed -n "1,/^\$/s/^$1: //p"
}

# ---- one request ----

test_expect_success 'a signed probe passes the verifying server' '
	httpprobe --hmac k1 --hmac-secret-file "$SECRETFILE" -o body "$U/healthz" >out 2>err &&
	check "$TRASH/ok.json" body &&
	contains "status=200" out &&
	line_count 0 err
'

test_expect_success 'the secret from SMOKEKIT_HMAC_SECRET' '
	SMOKEKIT_HMAC_SECRET=$SECRET httpprobe --hmac k1 -q "$U/healthz" 2>err &&
	line_count 0 err
'

test_expect_success 'a secret file without its trailing newline is the same secret' '
	httpprobe --hmac k1 --hmac-secret-file "$TRASH/secret-nonl.txt" -q "$U/healthz"
'

test_expect_success 'the file wins over the environment' '
	SMOKEKIT_HMAC_SECRET=wrong httpprobe --hmac k1 --hmac-secret-file "$SECRETFILE" \
		-q "$U/healthz"
'

test_expect_success 'a wrong secret: 401 reported, exit 1' '
	expect_code 1 httpprobe --hmac k1 --hmac-secret-file "$TRASH/secret-wrong.txt" \
		-o body "$U/healthz" >out 2>err &&
	contains "status 401 Unauthorized, expected 2xx" err &&
	contains "bad signature" body &&
	contains "status=401" out
'

test_expect_success 'no signature at all: 401' '
	expect_code 1 httpprobe -o body "$U/healthz" 2>err &&
	contains "status 401" err &&
	contains "missing X-Api-Key, X-Timestamp, X-Nonce or X-Signature" body
'

test_expect_success 'the four headers as sent: key id, epoch ms, UUIDv4, base64 MAC' '
	httpprobe --hmac my-key.1 --hmac-secret-file "$SECRETFILE" -o echo "$PLAIN/echo" &&
	field X-Api-Key echo >k &&
	check_str my-key.1 k &&
	field X-Timestamp echo >ts &&
	grep -x "[0-9]\{13\}" ts >/dev/null &&
	field X-Nonce echo >nonce &&
	grep -x "[0-9a-f]\{8\}-[0-9a-f]\{4\}-4[0-9a-f]\{3\}-[89ab][0-9a-f]\{3\}-[0-9a-f]\{12\}" nonce >/dev/null &&
	field X-Signature echo >sig &&
	grep -x "[A-Za-z0-9+/]\{43\}=" sig >/dev/null
'

test_expect_success 'a body and a query string are signed as sent' '
	printf "a|b\\000c\\r\\n|" >data &&
	httpprobe --hmac k1 --hmac-secret-file "$SECRETFILE" -X PUT -d @data \
		-o echo "$U/echo?x=1&y=a%20b" &&
	contains "PUT /echo?x=1&y=a%20b HTTP/1.1" echo &&
	httpprobe --hmac k1 --hmac-secret-file "$SECRETFILE" -d "x=1|2" -q "$U/echo"
'

test_expect_success 'each retry is signed afresh (a replay would be 409)' '
	httpprobe --hmac k1 --hmac-secret-file "$SECRETFILE" -r 2 -v -o body \
		"$U/fault/500-once?key=retry" 2>err &&
	check "$TRASH/ok.json" body &&
	contains "attempt 1: 500" err &&
	contains "attempt 2: 200" err &&
	sed -n "s/.*> X-Nonce: //p" err >nonces &&
	line_count 2 nonces &&
	test "$(sort -u nonces | wc -l)" -eq 2
'

test_expect_success '-v shows the four headers, the key id and signature redacted' '
	httpprobe --hmac k1 --hmac-secret-file "$SECRETFILE" -v -q "$U/healthz" 2>err &&
	contains "httpprobe: > X-Api-Key: <redacted>" err &&
	grep "^httpprobe: > X-Timestamp: [0-9]\{13\}\$" err >/dev/null &&
	grep "^httpprobe: > X-Nonce: [0-9a-f-]\{36\}\$" err >/dev/null &&
	contains "httpprobe: > X-Signature: <redacted>" err &&
	lacks "$SECRET" err
'

test_expect_success '-v never shows the signature itself' '
	httpprobe --hmac k1 --hmac-secret-file "$SECRETFILE" -v -o echo "$PLAIN/echo" 2>err &&
	sig=$(field X-Signature echo) &&
	test -n "$sig" &&
	lacks "$sig" err
'

test_expect_success 'a replayed nonce is 409' '
	httpprobe --hmac k1 --hmac-secret-file "$SECRETFILE" -o echo "$U/echo" &&
	expect_code 1 httpprobe -H "X-Api-Key: $(field X-Api-Key echo)" \
		-H "X-Timestamp: $(field X-Timestamp echo)" -H "X-Nonce: $(field X-Nonce echo)" \
		-H "X-Signature: $(field X-Signature echo)" -o body "$U/echo" 2>err &&
	contains "status 409" err &&
	contains "replayed nonce" body
'

test_expect_success 'a signature moved to another path is 401' '
	httpprobe --hmac k1 --hmac-secret-file "$SECRETFILE" -o echo "$PLAIN/echo" &&
	expect_code 1 httpprobe -H "X-Api-Key: k1" \
		-H "X-Timestamp: $(field X-Timestamp echo)" -H "X-Nonce: $(field X-Nonce echo)" \
		-H "X-Signature: $(field X-Signature echo)" -o body "$U/healthz" 2>err &&
	contains "status 401" err &&
	contains "bad signature" body
'

if have openssl; then
	# sign_openssl METHOD PATH TS NONCE: the signature, by openssl.
	sign_openssl() {
		printf '%s|%s||%s|%s' "$1" "$2" "$3" "$4" |
			openssl dgst -sha256 -hmac "$SECRET" -binary | openssl base64 -A
	}
	test_expect_success 'openssl-signed: accepted now and 4 minutes off, 401 5.5 minutes off' '
		now=$(($(date +%s) * 1000)) &&
		httpprobe -H "X-Api-Key: k1" -H "X-Timestamp: $now" -H "X-Nonce: n-now" \
			-H "X-Signature: $(sign_openssl GET /healthz "$now" n-now)" -q "$U/healthz" &&
		old=$((now - 330000)) &&
		expect_code 1 httpprobe -H "X-Api-Key: k1" -H "X-Timestamp: $old" -H "X-Nonce: n-old" \
			-H "X-Signature: $(sign_openssl GET /healthz "$old" n-old)" -o body "$U/healthz" 2>err &&
		contains "status 401" err &&
		contains "timestamp outside 5 minutes" body &&
		ahead=$((now + 330000)) &&
		expect_code 1 httpprobe -H "X-Api-Key: k1" -H "X-Timestamp: $ahead" -H "X-Nonce: n-ahead" \
			-H "X-Signature: $(sign_openssl GET /healthz "$ahead" n-ahead)" -o body "$U/healthz" &&
		contains "timestamp outside 5 minutes" body &&
		near=$((now - 240000)) &&
		httpprobe -H "X-Api-Key: k1" -H "X-Timestamp: $near" -H "X-Nonce: n-near" \
			-H "X-Signature: $(sign_openssl GET /healthz "$near" n-near)" -q "$U/healthz"
	'
else
	test_skip 'openssl-signed: accepted now and 4 minutes off, 401 5.5 minutes off' 'openssl not found'
fi

# ---- load mode ----

test_expect_success 'a load run of 200 signed requests: no 401, no 409' '
	httpprobe --hmac k1 --hmac-secret-file "$SECRETFILE" -n 200 -c 4 \
		--out points.ndjson --summary-export summary.json "$U/v1/models" >out 2>err &&
	contains "requests=200" out &&
	contains "ok=200" out &&
	contains "failed_status=0" out &&
	test -s points.ndjson &&
	test -s summary.json
'

test_expect_success 'a signed load run with a body, one connection, keep-alive' '
	printf "{\"q\": \"a|b\"}" >data &&
	httpprobe --hmac k1 --hmac-secret-file "$SECRETFILE" -X POST -d @data -n 50 -c 1 \
		-j -q "$U/echo?x=1" >out 2>err &&
	test "$(grep -c "\"status\":200" out)" -eq 50
'

test_expect_success 'a load run with the wrong secret: every request 401, exit 1' '
	expect_code 1 httpprobe --hmac k1 --hmac-secret-file "$TRASH/secret-wrong.txt" \
		-n 20 -c 2 -q "$U/v1/models" >out 2>err &&
	contains "failed_status=20" out
'

test_expect_success 'EXAMPLES: 200 signed requests, each signed afresh' '
	cp "$SECRETFILE" api.secret &&
	httpprobe --hmac team-a --hmac-secret-file api.secret \
		-c 4 -n 200 "$U/v1/models" >out 2>err &&
	contains "ok=200" out
'

# ---- usage ----

test_expect_success 'no secret anywhere: exit 2, saying where it may come from' '
	expect_code 2 env -u SMOKEKIT_HMAC_SECRET httpprobe --hmac k1 "$U/healthz" 2>err &&
	contains "--hmac needs a secret: --hmac-secret-file FILE or SMOKEKIT_HMAC_SECRET" err
'

test_expect_success 'usage errors: a secret file without --hmac, -H of a signed header, empty key id' '
	expect_code 2 httpprobe --hmac-secret-file "$SECRETFILE" "$U/healthz" 2>err &&
	contains "--hmac-secret-file needs --hmac" err &&
	expect_code 2 httpprobe --hmac k1 --hmac-secret-file "$SECRETFILE" -H "x-nonce: 1" \
		"$U/healthz" 2>err &&
	contains "-H X-Nonce: --hmac sets it" err &&
	expect_code 2 httpprobe --hmac "" --hmac-secret-file "$SECRETFILE" "$U/healthz" 2>err &&
	contains "bad --hmac" err
'

test_expect_success 'an unreadable or empty secret file is exit 3' '
	expect_code 3 httpprobe --hmac k1 --hmac-secret-file nonexistent "$U/healthz" 2>err &&
	contains "httpprobe: --hmac-secret-file nonexistent: No such file or directory" err &&
	expect_code 3 httpprobe --hmac k1 --hmac-secret-file "$TRASH/secret-empty.txt" \
		"$U/healthz" 2>err &&
	contains "the secret is empty" err
'

test_expect_success 'the fixture: -S in -h; a missing or empty secret file is exit 3' '
	"$FIXTURE" -h >out &&
	contains "-S secretfile" out &&
	expect_code 3 "$FIXTURE" -S nonexistent 2>err &&
	contains "read nonexistent" err &&
	expect_code 3 "$FIXTURE" -S "$TRASH/secret-empty.txt" 2>err &&
	contains "the secret is empty" err
'

# Last: everything the tests above wrote, stdout and stderr included.
test_expect_success 'the secret appears in no output of any test here' '
	grep -r -l -F -e "$SECRET" "$TRASH" >found
	grep -v "secret[^/]*\$" found >leaks
	line_count 0 leaks
'

test_done
