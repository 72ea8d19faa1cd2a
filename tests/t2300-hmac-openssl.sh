#!/bin/sh
# Our HMAC-SHA256 against openssl's, on random inputs: httpprobe --hmac
# signs random bodies, paths and methods under random secrets (binary,
# short, longer than a block); the fixture's /echo shows the request as
# sent; openssl dgst computes the signature of the same bytes.
# shellcheck disable=SC2034,SC2119,SC2317
# shellcheck source=tests/lib.sh
. "${0%/*}/lib.sh"

[ -r /dev/urandom ] || skip_all "no /dev/urandom for random inputs"
if ! have openssl; then
	# Each case said and counted as skipped, not the file silently gone.
	test_skip 'RFC 4231 test case 2 through openssl' 'openssl not found'
	test_skip 'printable secrets as openssl -hmac' 'openssl not found'
	test_skip '24 random inputs as openssl HMAC' 'openssl not found'
	test_done
fi

start_fixture || exit 1
U=$FIXTURE_URL

# rand N: a random number 0..N-1.
rand() {
	echo $(($(od -An -tu2 -N2 /dev/urandom | tr -d ' ') % $1))
}

# randbytes N FILE: N random bytes.
randbytes() {
	dd if=/dev/urandom of="$2" bs="$1" count=1 2>/dev/null
}

# hexof FILE: the bytes of FILE as one hex string.
hexof() {
	od -An -v -tx1 "$1" | tr -d ' \n'
}

# field NAME FILE: the value of header NAME in the head of an /echo body.
field() {
	tr -d '\r' <"$2" | sed -n "1,/^\$/s/^$1: //p"
}

# signed_like_openssl METHOD TARGET BODYFILE OPENSSL_KEY_ARGS...: sign
# through httpprobe (secret in ./secret), then compare X-Signature with
# openssl's MAC of METHOD|TARGET|BODY|TS|NONCE.
signed_like_openssl() {
	method=$1 target=$2 body=$3
	shift 3
	if [ -s "$body" ]; then
		httpprobe --hmac k --hmac-secret-file secret -X "$method" -d @"$body" \
			-o echo "$U$target" || return 1
	else
		httpprobe --hmac k --hmac-secret-file secret -X "$method" \
			-o echo "$U$target" || return 1
	fi
	ts=$(field X-Timestamp echo) && nonce=$(field X-Nonce echo) &&
	field X-Signature echo >ours &&
	{ printf '%s|%s|' "$method" "$target" && cat "$body" &&
	  printf '|%s|%s' "$ts" "$nonce"; } >msg &&
	openssl dgst -sha256 "$@" -binary msg >mac &&
	openssl base64 -A <mac >theirs && echo >>theirs &&
	check theirs ours
}

test_expect_success 'RFC 4231 test case 2 through openssl (openssl itself agrees)' '
	printf "what do ya want for nothing?" >m &&
	openssl dgst -sha256 -hmac Jefe -binary m | od -An -v -tx1 | tr -d " \n" >got &&
	echo >>got &&
	check_str 5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843 got
'

test_expect_success 'a printable secret, GET, no body: as openssl -hmac' '
	printf "%s\n" "printable-secret-0123" >secret &&
	: >body &&
	signed_like_openssl GET "/echo" body -hmac printable-secret-0123
'

test_expect_success 'a printable secret, POST with a body and a query: as openssl -hmac' '
	printf "%s\n" "another one" >secret &&
	printf "{\"a\": \"b|c\"}" >body &&
	signed_like_openssl POST "/echo?x=1&y=2" body -hmac "another one"
'

i=1
while [ "$i" -le 24 ]; do
	test_expect_success "random input $i: secret, body, method, query as openssl's HMAC" '
		klen=$(($(rand 200) + 1)) &&
		randbytes "$klen" key &&
		{ cat key && echo; } >secret &&
		blen=$(rand 600) &&
		if [ "$blen" -gt 0 ]; then randbytes "$blen" body; else : >body; fi &&
		method=$(echo "GET POST PUT DELETE PATCH" | cut -d " " -f $(($(rand 5) + 1))) &&
		q=$(od -An -tx1 -N "$(($(rand 12) + 1))" /dev/urandom | tr -d " \n") &&
		signed_like_openssl "$method" "/echo?q=$q" body -mac HMAC -macopt "hexkey:$(hexof key)"
	'
	i=$((i + 1))
done

test_done
