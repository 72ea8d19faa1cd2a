#!/bin/sh
# bench/jsonfield.sh [BUILD_DIR]: `jsonfield -l .data` against
# `jq '.data | length'` (and gojq when present) on a ~200 MB one-line
# OpenAI-style model list, side by side in the same run.
#
# The document is generated deterministically (the same bytes on every
# machine and with every awk) into BUILD_DIR/bench/models-200mb.json and
# kept for the next run. Each tool reads it from the page cache, warmed
# first. The runs are interleaved, round by round, so that a change in the
# machine's load hits every tool alike: BENCH_RUNS rounds (default 5) of
# jsonfield, the peers in the first BENCH_PEER_RUNS of them (default 1;
# jq 1.6 takes seconds). Each tool's best wall time and best CPU time
# (user + system) count, separately; peak RSS comes from /usr/bin/time -v.
# Prints each tool's times and peak RSS, the ratios of both times, and
# whether the target holds: at least 50 times less CPU time than jq (the
# steadier measure on a shared machine; the wall-clock ratio is printed
# beside it) with a peak RSS under 4 MB (exit 1 when it does not).

LC_ALL=C
export LC_ALL
cd "${0%/*}/.." || exit 3
O=${1:-bin}
JF=$PWD/$O/jsonfield
RUNS=${BENCH_RUNS:-5}
PEER_RUNS=${BENCH_PEER_RUNS:-1}
COUNT=650000
DOC=$PWD/$O/bench/models-200mb.json

[ -x "$JF" ] || { echo "bench: $JF not built (make $O/jsonfield)" >&2; exit 3; }
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time not found (Debian package: time)" >&2; exit 3; }
# shellcheck source=bench/lib.sh
. bench/lib.sh
bench_need jq:jq || exit 3

# The model list: every element has escaped and raw UTF-8 strings, numbers
# of every shape, literals and nested arrays. Park-Miller random numbers
# are exact in awk's doubles, so every awk writes the same bytes.
generate() {
	awk -v n="$COUNT" 'function rnd(m) { seed = (seed * 16807) % 2147483647; return seed % m }
	BEGIN {
		seed = 42
		split("system openai-internal org-42 user-7 acme", owners, " ")
		split("read write admin sample fine-tune", scopes, " ")
		printf "{\"object\":\"list\",\"data\":["
		for (i = 0; i < n; i++) {
			if (i > 0)
				printf ","
			printf "{\"id\":\"model-%06d-\\u00e9x\",\"object\":\"model\",\"created\":%d,", i, 1700000000 + rnd(99999999)
			printf "\"owned_by\":\"%s\",\"description\":\"Mod\303\250le \\\"%d\\\" \346\227\245\346\234\254\350\252\236 \\\\ path\\n\\tend \360\237\230\200\",", owners[rnd(5) + 1], rnd(1000)
			printf "\"permission\":[{\"id\":\"perm-%d\",\"allow_sampling\":%s,\"scopes\":[\"%s\",\"%s\"],", rnd(100000), rnd(2) ? "true" : "false", scopes[rnd(5) + 1], scopes[rnd(5) + 1]
			printf "\"limits\":[%d,%d.%d,-%de%d,[[],[%d]]]}],", rnd(100), rnd(100), rnd(100), rnd(9) + 1, rnd(30), rnd(7)
			printf "\"parent\":null,\"max_tokens\":%d,\"score\":0.%d}", 1024 * (rnd(64) + 1), rnd(1000000)
		}
		printf "]}\n"
	}'
}

mkdir -p "${DOC%/*}" || exit 3
if [ ! -s "$DOC" ]; then
	echo "bench: generating $DOC" >&2
	generate >"$DOC.tmp" && mv "$DOC.tmp" "$DOC" || exit 3
fi
size=$(wc -c <"$DOC")
cat "$DOC" >/dev/null

out=$(mktemp -d "${TMPDIR:-/tmp}/jsonfield-bench.XXXXXX") || exit 3
trap 'rm -rf "$out"' EXIT
trap 'exit 130' INT TERM

# run NAME COMMAND...: one timed run; keeps NAME's best wall time, best
# CPU time and largest peak RSS in $out/NAME. The command must print the
# element count.
run() {
	name=$1
	shift
	/usr/bin/time -v "$@" >"$out/stdout" 2>"$out/time" ||
		{ echo "bench: $name failed:" >&2; tail -n 30 "$out/time" >&2; exit 3; }
	got=$(cat "$out/stdout")
	[ "$got" = "$COUNT" ] ||
		{ echo "bench: $name counted '$got', not $COUNT" >&2; exit 3; }
	[ -f "$out/$name" ] || echo "- - 0 0 $*" >"$out/$name"
	awk -F': ' -v prev="$(cat "$out/$name")" '
		/Elapsed \(wall clock\)/ {
			n = split($2, p, ":"); wall = 0
			for (k = 1; k <= n; k++) wall = wall * 60 + p[k] }
		/(User|System) time \(seconds\)/ { cpu += $2 }
		/Maximum resident set size/ { rss = $2 }
		END {
			split(prev, b, " ")
			if (b[1] == "-" || wall < b[1]) b[1] = wall
			if (b[2] == "-" || cpu < b[2]) b[2] = cpu
			if (rss > b[3]) b[3] = rss
			sub(/^[^ ]+ [^ ]+ [^ ]+ [^ ]+ /, "", prev)
			printf "%s %s %s %d %s\n", b[1], b[2], b[3], b[4] + 1, prev }' "$out/time" >"$out/$name.new" &&
		mv "$out/$name.new" "$out/$name"
}

echo "document: $DOC, $size bytes, $COUNT models"
[ -r /proc/loadavg ] && echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(getconf _NPROCESSORS_ONLN 2>/dev/null || echo '?') CPUs"
peers=jq
command -v gojq >/dev/null 2>&1 && peers="jq gojq"
round=0
while [ "$round" -lt "$RUNS" ]; do
	run jsonfield "$JF" -l .data "$DOC"
	if [ "$round" -lt "$PEER_RUNS" ]; then
		run jq jq '.data | length' "$DOC"
		[ "$peers" = jq ] || run gojq gojq '.data | length' "$DOC"
	fi
	round=$((round + 1))
done
[ -r /proc/loadavg ] && echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
for name in jsonfield $peers; do
	read -r wall cpu rss runs cmd <"$out/$name"
	printf '%-10s wall %8.3f s  cpu %8.3f s  peak RSS %8d KB  (%s, best of %d)\n' \
	    "$name" "$wall" "$cpu" "$rss" "$cmd" "$runs"
done
[ "$peers" = jq ] && echo "gojq: not installed, not measured"

read -r jf_wall jf_cpu jf_rss _ <"$out/jsonfield"
for p in $peers; do
	read -r p_wall p_cpu p_rss _ <"$out/$p"
	awk -v p="$p" -v aw="$p_wall" -v bw="$jf_wall" -v ac="$p_cpu" -v bc="$jf_cpu" \
	    -v ra="$p_rss" -v rb="$jf_rss" 'BEGIN {
		printf "ratio %s/jsonfield: %.1fx the CPU time, %.1fx the wall time, %.0fx the peak RSS\n",
		    p, ac / bc, aw / bw, ra / rb }'
done
read -r _ jq_cpu _ <"$out/jq"
awk -v ac="$jq_cpu" -v bc="$jf_cpu" -v r="$jf_rss" 'BEGIN {
	ok = ac / bc >= 50 && r < 4096
	printf "target (>= 50x less CPU time than jq, peak RSS < 4096 KB): %s\n", ok ? "met" : "NOT met"
	exit !ok }'
