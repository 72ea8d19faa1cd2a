#!/bin/sh
# bench/merge.sh: p95parse --merge over RUNNERS k6 --out json files of
# SIZE_MB each (default 4 x 250 MB), the p95 of http_req_duration{ep:models}
# over their union, against:
#   - mawk computing the same over the same files (the script people write:
#     pick the lines, sort -g, k6's interpolation in awk): target 5x faster;
#   - p95parse's single-file path over the same samples in one file (the
#     runners' files concatenated): target at most 1.3x its time, for one
#     pass and for two;
# and p95parse --merge with a small sample budget (P95PARSE_MERGE_SAMPLES):
# 65536, where the ranks stay in the buckets kept at the spill (one pass),
# and 4096, where they cannot be kept and the files are read again (two
# passes: the second reads only the blocks that hold the ranks' buckets);
# with the peak resident size of each (target under 32 MB). Every answer
# must be the same number. Not part of `make test`.
#
# Environment: RUNNERS (default 4), SIZE_MB (default 250), BENCH_DIR
# (default bin/bench; generated files are kept and reused), SMOKEKIT_O
# (default bin), RUNS (best of, default 3).

set -eu
LC_ALL=C
export LC_ALL
ROOT=$(cd "${0%/*}/.." && pwd)
O=${SMOKEKIT_O:-bin}
case $O in /*) ;; *) O=$ROOT/$O ;; esac
RUNNERS=${RUNNERS:-4}
SIZE_MB=${SIZE_MB:-250}
DIR=${BENCH_DIR:-$ROOT/bin/bench}
RUNS=${RUNS:-3}

[ -x "$O/p95parse" ] || { echo "bench: build first: make $O/p95parse" >&2; exit 1; }
mkdir -p "$DIR"

# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
bench_need mawk:mawk || exit 1

# measure NAME CMD...: the best wall time and the best CPU time (user +
# system: fairer on a busy machine) of RUNS runs and the largest peak
# resident size, as "NAME wall_s cpu_s rss_kb" into $DIR/results; stdout
# of the last run into $DIR/out.NAME.
measure() {
	name=$1
	shift
	bw=
	bc=
	br=0
	n=0
	while [ "$n" -lt "$RUNS" ]; do
		if [ -x /usr/bin/time ]; then
			/usr/bin/time -f '%e %M %U %S' -o "$DIR/time" "$@" >"$DIR/out.$name"
		else
			t0=$(date +%s%N)
			"$@" >"$DIR/out.$name"
			t1=$(date +%s%N)
			echo "$(( (t1 - t0) / 1000000 ))e-3 0 0 0" >"$DIR/time"
		fi
		read -r w r u sy <"$DIR/time"
		bw=$(awk -v a="$bw" -v b="$w" 'BEGIN { print (a == "" || b + 0 < a + 0) ? b : a }')
		bc=$(awk -v a="$bc" -v b="$u" -v c="$sy" 'BEGIN { print (a == "" || b + c < a + 0) ? b + c : a }')
		[ "$r" -gt "$br" ] && br=$r
		n=$((n + 1))
	done
	echo "$name $bw $bc $br" >>"$DIR/results"
}

# The mawk script: every file, the Points of http_req_duration with
# ep=models, sorted, k6's interpolation. A script file, so that time(1)
# runs it.
cat >"$DIR/mawk-merge.sh" <<'MAWK'
mawk -F'"value":' 'index($0, "{\"metric\":\"http_req_duration\",") &&
    index($0, "\"ep\":\"models\"") { split($2, a, ","); print a[1] }' "$@" |
	sort -g | mawk '{ v[NR] = $1 } END { i = 0.95 * (NR - 1); lo = int(i); hi = (i > lo) ? lo + 1 : lo
		printf "p95_ms=%.17g\n", v[lo + 1] + (v[hi + 1] - v[lo + 1]) * (i - lo) }'
MAWK

FILES=
i=0
while [ "$i" -lt "$RUNNERS" ]; do
	f=$DIR/runner$i-$SIZE_MB.ndjson
	if [ ! -s "$f" ]; then
		echo "bench: generating $f (~$SIZE_MB MB)"
		# Copied by cat, as the concatenation below is written: large writes,
		# which the page cache keeps in larger pieces, cheaper to map than mawk's.
		bench_k6_ndjson "$SIZE_MB" $((42 + i)) $((42 + i)) >"$f.gen" &&
			cat "$f.gen" >"$f.tmp" && rm "$f.gen" && mv "$f.tmp" "$f"
	fi
	FILES="$FILES $f"
	i=$((i + 1))
done
ALL=$DIR/all-$RUNNERS-$SIZE_MB.ndjson
if [ ! -s "$ALL" ]; then
	# shellcheck disable=SC2086 # the list of files is meant to split
	cat $FILES >"$ALL.tmp" && mv "$ALL.tmp" "$ALL"
fi

: >"$DIR/results"
# shellcheck disable=SC2086
cat $FILES "$ALL" >/dev/null   # warm the page cache
measure single "$O/p95parse" -t ep=models "$ALL"
# shellcheck disable=SC2086
measure merge "$O/p95parse" --merge -t ep=models $FILES
# shellcheck disable=SC2086
measure spill env P95PARSE_MERGE_SAMPLES=65536 "$O/p95parse" --merge -t ep=models $FILES
# shellcheck disable=SC2086
measure reread env P95PARSE_MERGE_SAMPLES=4096 "$O/p95parse" --merge -t ep=models $FILES
# shellcheck disable=SC2086
measure mawk sh "$DIR/mawk-merge.sh" $FILES

echo "input: $RUNNERS x $SIZE_MB MB ($(sed -n 's/^requests=//p' "$DIR/out.merge") samples of the metric), load average: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"
echo "passes: merge $(sed -n 's/^passes=//p' "$DIR/out.merge"), spill $(sed -n 's/^passes=//p' "$DIR/out.spill"), reread $(sed -n 's/^passes=//p' "$DIR/out.reread")"
for n in single merge spill reread mawk; do
	printf '%-8s p95 %s\n' "$n" "$(sed -n 's/^p95_ms=//p' "$DIR/out.$n")"
done
awk '
	{ w[$1] = $2; c[$1] = $3; r[$1] = $4 }
	END {
		printf "%-8s %8s %8s %10s\n", "", "wall s", "cpu s", "peak RSS"
		split("single merge spill reread mawk", n, " ")
		for (i = 1; i <= 5; i++)
			printf "%-8s %8.2f %8.2f %7.1f MB\n", n[i], w[n[i]], c[n[i]], r[n[i]] / 1024
		printf "%-16s %6s %6s\n", "ratio", "wall", "cpu"
		printf "%-16s %5.1fx %5.1fx (target >= 5)\n", "mawk / merge", w["mawk"] / w["merge"], c["mawk"] / c["merge"]
		printf "%-16s %5.1fx %5.1fx (target >= 5)\n", "mawk / spill", w["mawk"] / w["spill"], c["mawk"] / c["spill"]
		printf "%-16s %5.2fx %5.2fx (target <= 1.3)\n", "merge / single", w["merge"] / w["single"], c["merge"] / c["single"]
		printf "%-16s %5.2fx %5.2fx (target <= 1.3)\n", "spill / single", w["spill"] / w["single"], c["spill"] / c["single"]
		printf "%-16s %5.2fx %5.2fx (target <= 1.3, the files read again)\n", "reread / single", w["reread"] / w["single"], c["reread"] / c["single"]
	}' "$DIR/results"
p=$(sed -n 's/^p95_ms=//p' "$DIR/out.single")
for n in merge spill reread mawk; do
	q=$(sed -n 's/^p95_ms=//p' "$DIR/out.$n")
	awk -v a="$p" -v b="$q" -v n="$n" 'BEGIN { d = a - b; if (d < 0) d = -d
		if (d > 1e-12 * a) { print "bench: the p95 of " n " differs" > "/dev/stderr"; exit 1 } }'
done
