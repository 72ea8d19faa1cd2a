#!/bin/sh
# bench/httpprobe.sh: whole-process time of one probe, httpprobe against
# curl, on the fixture server (127.0.0.1, GET /healthz): the median of
# many runs by hyperfine (no shell in between), then the ratio. Target:
# httpprobe at most 0.25x curl's time. Not part of `make test`.
#
# Environment: SMOKEKIT_O (default bin), RUNS (default 300).

set -eu
LC_ALL=C
export LC_ALL
ROOT=$(cd "${0%/*}/.." && pwd)
O=${SMOKEKIT_O:-bin}
case $O in /*) ;; *) O=$ROOT/$O ;; esac
RUNS=${RUNS:-300}

for f in "$O/httpprobe" "$O/demobackend"; do
	[ -x "$f" ] || { echo "bench: build first: make $f" >&2; exit 1; }
done

# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
bench_need curl:curl hyperfine:hyperfine || exit 1

DIR=$(mktemp -d "${TMPDIR:-/tmp}/smokekit-bench.XXXXXX")
FIXTURE_PID=
cleanup() {
	[ -n "$FIXTURE_PID" ] && kill "$FIXTURE_PID" 2>/dev/null && wait "$FIXTURE_PID" 2>/dev/null
	rm -rf "$DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$O/demobackend" -P "$DIR/port" >/dev/null &
FIXTURE_PID=$!
tries=100
while [ ! -s "$DIR/port" ] && [ "$tries" -gt 0 ]; do
	sleep 0.1
	tries=$((tries - 1))
done
[ -s "$DIR/port" ] || { echo "bench: the fixture server did not start" >&2; exit 1; }
URL=http://127.0.0.1:$(cat "$DIR/port")/healthz

# Both must succeed before they are timed.
"$O/httpprobe" -q -o /dev/null "$URL"
curl -sf -o /dev/null "$URL"

hyperfine -N --warmup 20 --runs "$RUNS" --export-json "$DIR/h.json" \
	"$O/httpprobe -q -o /dev/null $URL" \
	"curl -s -o /dev/null $URL" >"$DIR/out" 2>&1 ||
	{ cat "$DIR/out" >&2; exit 1; }

# The medians, in the order of the commands above.
sed -n 's/^ *"median": *\([0-9.e+-]*\),*$/\1/p' "$DIR/h.json" >"$DIR/medians"
awk 'NR == 1 { p = $1 } NR == 2 { c = $1 }
END {
	if (NR != 2 || c <= 0) { print "bench: no medians from hyperfine" > "/dev/stderr"; exit 1 }
	printf "httpprobe  median %8.3f ms\n", p * 1000
	printf "curl       median %8.3f ms\n", c * 1000
	printf "ratio httpprobe/curl = %.3f (target <= 0.25)\n", p / c
}' "$DIR/medians"
