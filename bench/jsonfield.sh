#!/bin/sh
# bench/jsonfield.sh [BUILD_DIR]: `jsonfield -l .data` against
# `jq '.data | length'` (and gojq when present) on a ~200 MB one-line
# OpenAI-style model list, side by side in the same run.
#
# The document is generated deterministically (the same bytes on every
# machine and with every awk) into BUILD_DIR/bench/models-200mb.json and
# kept for the next run. Each tool reads it from the page cache, warmed
# first; jsonfield runs BENCH_RUNS times (default 5), the peers
# BENCH_PEER_RUNS times (default 1, jq 1.6 takes seconds), and the best
# wall time of each counts (the CPU time of that run is shown beside it).
# Peak RSS comes from /usr/bin/time -v.
# Prints each tool's time and peak RSS, the ratios, and whether the target
# holds: at least 50 times faster than jq with a peak RSS under 4 MB
# (exit 1 when it does not).

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
if ! command -v jq >/dev/null 2>&1; then
	echo "bench: installing jq" >&2
	apt-get install -y -qq jq >/dev/null || exit 3
fi

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

# measure NAME RUNS COMMAND...: best wall seconds and peak RSS (KB) into
# $out/NAME; the command must print the element count.
measure() {
	name=$1
	runs=$2
	shift 2
	best=
	cpu=
	rss=0
	i=0
	while [ "$i" -lt "$runs" ]; do
		/usr/bin/time -v "$@" >"$out/stdout" 2>"$out/time" ||
			{ echo "bench: $name failed:" >&2; tail -n 30 "$out/time" >&2; exit 3; }
		got=$(cat "$out/stdout")
		[ "$got" = "$COUNT" ] ||
			{ echo "bench: $name counted '$got', not $COUNT" >&2; exit 3; }
		t=$(awk -F': ' '/Elapsed \(wall clock\)/ {
			n = split($2, p, ":"); s = 0
			for (k = 1; k <= n; k++) s = s * 60 + p[k]
			print s }' "$out/time")
		m=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$out/time")
		c=$(awk -F': ' '/(User|System) time \(seconds\)/ { s += $2 } END { print s }' "$out/time")
		if [ -z "$best" ] || awk -v a="$best" -v b="$t" 'BEGIN { exit !(b < a) }'; then
			best=$t
			cpu=$c
		fi
		[ "$m" -gt "$rss" ] && rss=$m
		i=$((i + 1))
	done
	echo "$best $rss" >"$out/$name"
	printf '%-10s %8.3f s (cpu %.3f s)  peak RSS %8d KB  (%s, best of %d)\n' \
	    "$name" "$best" "$cpu" "$rss" "$*" "$runs"
}

echo "document: $DOC, $size bytes, $COUNT models"
[ -r /proc/loadavg ] && echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(getconf _NPROCESSORS_ONLN 2>/dev/null || echo '?') CPUs"
measure jsonfield "$RUNS" "$JF" -l .data "$DOC"
measure jq "$PEER_RUNS" jq '.data | length' "$DOC"
peers=jq
if command -v gojq >/dev/null 2>&1; then
	measure gojq "$PEER_RUNS" gojq '.data | length' "$DOC"
	peers="jq gojq"
else
	echo "gojq: not installed, not measured"
fi

read -r jf_t jf_rss <"$out/jsonfield"
for p in $peers; do
	read -r p_t p_rss <"$out/$p"
	awk -v p="$p" -v a="$p_t" -v b="$jf_t" -v ra="$p_rss" -v rb="$jf_rss" 'BEGIN {
		printf "ratio %s/jsonfield: %.1fx the time, %.0fx the peak RSS\n", p, a / b, ra / rb }'
done
read -r jq_t _ <"$out/jq"
awk -v a="$jq_t" -v b="$jf_t" -v r="$jf_rss" 'BEGIN {
	ok = a / b >= 50 && r < 4096
	printf "target (>= 50x faster than jq, peak RSS < 4096 KB): %s\n", ok ? "met" : "NOT met"
	exit !ok }'
