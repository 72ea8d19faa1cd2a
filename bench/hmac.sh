#!/bin/sh
# bench/hmac.sh [BUILD_DIR]: how fast httpprobe --hmac signs.
#
# 1. HMAC-SHA256 + base64 of messages of 16, 64, 256 and 1024 bytes
#    (openssl speed's sizes) through tools/lib, with a prepared key as
#    httpprobe uses it, side by side with `openssl speed -hmac sha256`
#    when openssl is there (its HMACs a second, its MAC without base64).
# 2. httpprobe's whole signing of one request (epoch ms, a UUIDv4 from
#    getrandom, the MAC, base64) a second.
# 3. A load run on the fixture server, signed and not, to see what the
#    signing costs a request.
#
# Signatures are counted a second of CPU time (user and system), as
# openssl speed counts by default: on a shared machine wall time misleads.
# The measures run in BENCH_RUNS rounds (default 3), interleaved so that a
# change in the machine's load hits every side alike; each side's best
# round counts. The target: at least 200000 signatures a second on a
# 64-byte message (a small body's METHOD|PATH|BODY|TS|NONCE); exit 1 when
# it does not hold.

LC_ALL=C
export LC_ALL
cd "${0%/*}/.." || exit 3
O=${1:-bin}
UNIT=$PWD/$O/tests/unit_hmac
HP=$PWD/$O/httpprobe
FIX=$PWD/$O/demobackend
RUNS=${BENCH_RUNS:-3}
SIZES="16 64 256 1024"
TARGET=200000

for f in "$UNIT" "$HP" "$FIX"; do
	[ -x "$f" ] || { echo "bench: $f not built (make test-build)" >&2; exit 3; }
done
TMP=$(mktemp -d "${TMPDIR:-/tmp}/smokekit-bench.XXXXXX") || exit 3
FIX_PID=
cleanup() {
	[ -n "$FIX_PID" ] && kill "$FIX_PID" 2>/dev/null && wait "$FIX_PID" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

have_openssl=
command -v openssl >/dev/null 2>&1 && have_openssl=1

# best FILE KEY VALUE: keep the larger VALUE for KEY in FILE (key=value lines).
best() {
	old=$(sed -n "s/^$2=//p" "$1" 2>/dev/null)
	if [ -z "$old" ] || awk -v a="$3" -v b="$old" 'BEGIN { exit !(a > b) }'; then
		{ grep -v "^$2=" "$1" 2>/dev/null; echo "$2=$3"; } >"$1.new" && mv "$1.new" "$1"
	fi
}

get() {
	sed -n "s/^$2=//p" "$1"
}

"$FIX" -P "$TMP/port" >/dev/null 2>&1 &
FIX_PID=$!
i=0
while [ ! -s "$TMP/port" ] && [ "$i" -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
[ -s "$TMP/port" ] || { echo "bench: the fixture server did not start" >&2; exit 3; }
URL=http://127.0.0.1:$(cat "$TMP/port")/v1/models
printf 'bench-secret\n' >"$TMP/secret"

r=1
while [ "$r" -le "$RUNS" ]; do
	echo "round $r of $RUNS" >&2
	"$UNIT" bench 1 >"$TMP/ours" || exit 3
	for s in $SIZES; do
		best "$TMP/best" "ours_$s" "$(sed -n "s/^message_bytes=$s signatures_per_s=//p" "$TMP/ours")"
	done
	best "$TMP/best" request "$(get "$TMP/ours" request_signing_per_s)"
	if [ -n "$have_openssl" ]; then
		# 1000s of bytes a second per size; as MACs a second.
		openssl speed -seconds 1 -hmac sha256 2>/dev/null | grep '^hmac(sha256)' |
			tr -d k | awk -v sizes="$SIZES" '{ n = split(sizes, s, " ");
				for (i = 1; i <= n; i++) printf "%s %.0f\n", s[i], $(i + 1) * 1000 / s[i] }' \
			>"$TMP/theirs"
		[ -s "$TMP/theirs" ] ||
			{ echo "bench: openssl speed printed no hmac(sha256) line" >&2; have_openssl=; }
		while read -r s v; do
			best "$TMP/best" "openssl_$s" "$v"
		done <"$TMP/theirs"
	fi
	for mode in plain signed; do
		set --
		[ "$mode" = signed ] && set -- --hmac bench --hmac-secret-file "$TMP/secret"
		"$HP" -q -n 50000 -c 8 "$@" "$URL" >"$TMP/load" 2>/dev/null || exit 3
		best "$TMP/best" "load_$mode" "$(get "$TMP/load" rps)"
	done
	r=$((r + 1))
done

B=$TMP/best
echo
echo "HMAC-SHA256 + base64, prepared key, a second of CPU time (best of $RUNS rounds):"
printf '  %-14s %14s %16s %8s\n' "message bytes" "smokekit /s" "openssl speed /s" "ratio"
for s in $SIZES; do
	if [ -n "$have_openssl" ]; then
		printf '  %-14s %14.0f %16.0f %8.2f\n' "$s" "$(get "$B" "ours_$s")" \
			"$(get "$B" "openssl_$s")" \
			"$(awk -v a="$(get "$B" "ours_$s")" -v b="$(get "$B" "openssl_$s")" 'BEGIN { print a / b }')"
	else
		printf '  %-14s %14.0f %16s %8s\n' "$s" "$(get "$B" "ours_$s")" "(no openssl)" "-"
	fi
done
printf 'whole signing of GET /v1/models (timestamp, nonce, MAC, base64): %.0f /s\n' \
	"$(get "$B" request)"
printf 'load mode, 50000 requests on 8 connections: %.0f req/s plain, %.0f signed (%.2fx)\n' \
	"$(get "$B" load_plain)" "$(get "$B" load_signed)" \
	"$(awk -v a="$(get "$B" load_signed)" -v b="$(get "$B" load_plain)" 'BEGIN { print a / b }')"
got=$(get "$B" ours_64)
if awk -v a="$got" -v t="$TARGET" 'BEGIN { exit !(a >= t) }'; then
	printf 'target: >= %d signatures/s on a 64-byte message: holds (%.0f)\n' "$TARGET" "$got"
else
	printf 'target: >= %d signatures/s on a 64-byte message: DOES NOT HOLD (%.0f)\n' "$TARGET" "$got"
	exit 1
fi
