#!/bin/sh
# bench/p95parse.sh: two parts, each printing times and ratios and checking
# that every tool agrees on the answer. Not part of `make test`; needs only
# sh, mawk and jq (installed from Debian when missing).
#
# ndjson: the p95 of http_req_duration{ep:models} from a ~500 MB k6 --out
# json NDJSON, by p95parse, by the usual jq pipeline and by a mawk one-liner
# (both followed by sort -g and the same k6 interpolation in awk), with cat
# as the floor.
#
# many: inputs with MANY items of one kind (issue 12: each used to be a
# linear scan per item): a summary export with MANY sub-metrics against jq
# reading the same file, and a Prometheus histogram with MANY buckets
# against mawk adding up the same buckets (sort -g and histogram_quantile
# in awk after it).
#
# Environment: PARTS (default "ndjson many"), SIZE_MB (default 500), MANY
# (default 1000000), BENCH_DIR (default bin/bench; the generated files are
# kept there and reused), SMOKEKIT_O (default bin), RUNS (best of,
# default 3; jq runs once).

set -eu
LC_ALL=C
export LC_ALL
ROOT=$(cd "${0%/*}/.." && pwd)
O=${SMOKEKIT_O:-bin}
case $O in /*) ;; *) O=$ROOT/$O ;; esac
SIZE_MB=${SIZE_MB:-500}
DIR=${BENCH_DIR:-$ROOT/bin/bench}
RUNS=${RUNS:-3}
PARTS=${PARTS:-ndjson many}
MANY=${MANY:-1000000}
DATA=$DIR/k6-$SIZE_MB.ndjson

[ -x "$O/p95parse" ] || { echo "bench: build first: make $O/p95parse" >&2; exit 1; }

# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
bench_need mawk:mawk jq:jq || exit 1

now_ns() {
	date +%s%N
}

# The CPU seconds (user + system) this shell's children have used so far;
# `times` must run in the shell that ran them, so it writes to a file.
cpu() {
	times >"$DIR/times"
	awk 'NR == 2 { n = split($0, t, " "); s = 0
		for (i = 1; i <= n; i++) { split(t[i], ms, "m"); s += ms[1] * 60 + ms[2] }
		printf "%.3f\n", s }' "$DIR/times"
}

# best NAME RUNS: "wall cpu" seconds of the fastest of RUNS runs of run_NAME.
best() {
	b=
	n=0
	while [ "$n" -lt "$2" ]; do
		cpu >"$DIR/cpu0"
		t0=$(now_ns)
		"run_$1"
		t1=$(now_ns)
		cpu >"$DIR/cpu1"
		c0=$(cat "$DIR/cpu0")
		c1=$(cat "$DIR/cpu1")
		t=$((t1 - t0))
		if [ -z "$b" ] || [ "$t" -lt "$b" ]; then
			b=$t
			bc=$(awk -v a="$c0" -v b="$c1" 'BEGIN { printf "%.3f", b - a }')
		fi
		n=$((n + 1))
	done
	awk -v ns="$b" -v c="$bc" 'BEGIN { printf "%.3f %s\n", ns / 1e9, c }'
}

part_ndjson() {
	mkdir -p "$DIR"
	if [ ! -s "$DATA" ]; then
		echo "bench: generating $DATA (~$SIZE_MB MB)"
		bench_k6_ndjson "$SIZE_MB" 42 0 >"$DATA.tmp" && mv "$DATA.tmp" "$DATA"
	fi

	# k6's percentile of sorted numbers on stdin: index 0.95 (n-1), interpolated.
	# shellcheck disable=SC2016 # an awk program, not shell
	P95_AWK='{ v[NR] = $1 } END { i = 0.95 * (NR - 1); lo = int(i); hi = (i > lo) ? lo + 1 : lo
		printf "%.17g\n", v[lo + 1] + (v[hi + 1] - v[lo + 1]) * (i - lo) }'

	run_p95parse() {
		"$O/p95parse" -f ndjson -t ep=models "$DATA" >"$DIR/out.p95parse"
	}
	# The one-liner people write: two regex matches, then cut out the value.
	run_mawk() {
		mawk '/"metric":"http_req_duration"/ && /"ep":"models"/ {
		    sub(/.*"value":/, ""); sub(/,.*/, ""); print }' "$DATA" |
			sort -g | mawk "$P95_AWK" >"$DIR/out.mawk"
	}
	# A tuned one: fixed-string index() and a field split, no regex.
	run_mawk_index() {
		mawk -F'"value":' 'index($0, "{\"metric\":\"http_req_duration\",") &&
		    index($0, "\"ep\":\"models\"") { split($2, a, ","); print a[1] }' "$DATA" |
			sort -g | mawk "$P95_AWK" >"$DIR/out.mawk_index"
	}
	run_jq() {
		jq -r 'select(.type == "Point" and .metric == "http_req_duration" and .data.tags.ep == "models") | .data.value' "$DATA" |
			sort -g | mawk "$P95_AWK" >"$DIR/out.jq"
	}
	run_cat() {
		cat "$DATA" >/dev/null
	}

	run_cat   # warm the page cache
	r_cat=$(best cat "$RUNS")
	r_p95=$(best p95parse "$RUNS")
	r_mawk=$(best mawk "$RUNS")
	r_mawk_index=$(best mawk_index "$RUNS")
	r_jq=$(best jq 1)

	p_ours=$(sed -n 's/^p95_ms=//p' "$DIR/out.p95parse")
	size=$(wc -c <"$DATA")
	echo "input:    $DATA ($size bytes), load average: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"
	echo "p95:      p95parse $p_ours, mawk $(cat "$DIR/out.mawk"), mawk index $(cat "$DIR/out.mawk_index"), jq $(cat "$DIR/out.jq")"
	# awk's own number reading may be off by an ulp; agree to 1e-12.
	for f in mawk mawk_index jq; do
		awk -v a="$p_ours" -v b="$(cat "$DIR/out.$f")" -v f="$f" 'BEGIN {
			d = a - b; if (d < 0) d = -d
			if (d > 1e-12 * a) { print "bench: the p95 of " f " differs" > "/dev/stderr"; exit 1 } }'
	done
	{
		echo "cat $r_cat"
		echo "p95parse $r_p95"
		echo "mawk $r_mawk 3.5"
		echo "mawk_index $r_mawk_index 3.5"
		echo "jq $r_jq 35"
	} | awk '$1 == "p95parse" { pw = $2; pc = $3 } { n[NR] = $1; w[NR] = $2; c[NR] = $3; g[NR] = $4 }
	END {
		printf "%-12s %8s %8s %10s %10s\n", "", "wall s", "cpu s", "wall ratio", "cpu ratio"
		for (i = 1; i <= NR; i++) {
			printf "%-12s %8.3f %8.3f", n[i], w[i], c[i]
			if (n[i] != "p95parse" && n[i] != "cat")
				printf " %9.1fx %9.1fx   (target %sx)", w[i] / pw, c[i] / (pc > 0 ? pc : 0.001), g[i]
			printf "\n"
		}
	}'
}

# The many-items part: a summary export with MANY sub-metrics (the one
# asked for is the last), a histogram with MANY buckets of one series.
part_many() {
	subs=$DIR/subs-$MANY.json
	hist=$DIR/hist-$MANY.prom
	if [ ! -s "$subs" ]; then
		echo "bench: generating $subs and $hist ($MANY items each)"
		mawk -v n="$MANY" 'BEGIN {
			printf "{\"metrics\":{"
			for (i = 0; i < n - 1; i++)
				printf "\"http_req_duration{ep:e%d}\":{\"avg\":%d,\"min\":1,\"med\":2,\"max\":%d,\"p(90)\":3,\"p(95)\":%d},", i, i % 97, i, i % 89
			print "\"http_req_duration{ep:models}\":{\"avg\":12.5,\"min\":1,\"med\":10,\"max\":99,\"p(90)\":40,\"p(95)\":47.25}}}"
		}' >"$subs.tmp" && mv "$subs.tmp" "$subs"
		mawk -v n="$MANY" 'BEGIN {
			for (i = 1; i < n; i++)
				printf "x_seconds_bucket{le=\"%.4f\"} %d\n", i / 10000, int(i * i / n)
			printf "x_seconds_bucket{le=\"+Inf\"} %d\n", n
		}' >"$hist.tmp" && mv "$hist.tmp" "$hist"
	fi

	run_p95_subs() {
		"$O/p95parse" -t ep=models "$subs" >"$DIR/out.p95_subs"
	}
	run_jq_subs() {
		jq '.metrics["http_req_duration{ep:models}"]["p(95)"]' "$subs" >"$DIR/out.jq_subs"
	}
	run_p95_hist() {
		"$O/p95parse" -m x "$hist" >"$DIR/out.p95_hist"
	}
	# sum by (le), sorted by bound, then histogram_quantile(0.95) as
	# Prometheus does it (counts here are cumulative and increasing).
	run_mawk_hist() {
		mawk '/^x_seconds_bucket\{/ { sub(/^x_seconds_bucket\{le="/, ""); split($0, a, "\"} ")
		    c[a[1]] += a[2] } END { for (k in c) print k, c[k] }' "$hist" |
			sort -g | mawk '{ le[NR] = $1; c[NR] = $2 } END {
			    rank = 0.95 * c[NR]; for (k = 1; k < NR && c[k] < rank; k++) ;
			    lo = k > 1 ? le[k - 1] : 0; below = k > 1 ? c[k - 1] : 0
			    printf "%.17g\n", 1000 * (lo + (le[k] - lo) * (rank - below) / (c[k] - below)) }' \
			>"$DIR/out.mawk_hist"
	}

	r_ps=$(best p95_subs "$RUNS")
	r_js=$(best jq_subs 1)
	r_ph=$(best p95_hist "$RUNS")
	r_mh=$(best mawk_hist "$RUNS")
	a=$(sed -n 's/^p95_ms=//p' "$DIR/out.p95_subs")
	b=$(cat "$DIR/out.jq_subs")
	[ "$a" = "$b" ] || { echo "bench: p95parse says $a, jq $b" >&2; exit 1; }
	a=$(sed -n 's/^p95_ms=//p' "$DIR/out.p95_hist")
	b=$(cat "$DIR/out.mawk_hist")
	awk -v a="$a" -v b="$b" 'BEGIN { d = a - b; if (d < 0) d = -d
		if (d > 1e-9 * a) { print "bench: p95parse says " a ", mawk " b > "/dev/stderr"; exit 1 } }'
	echo "many:     $MANY sub-metrics ($(wc -c <"$subs") bytes), $MANY buckets ($(wc -c <"$hist") bytes)"
	{
		echo "p95parse-summary $r_ps"
		echo "jq-summary $r_js"
		echo "p95parse-prom $r_ph"
		echo "mawk-prom $r_mh"
	} | awk '{ n[NR] = $1; w[NR] = $2; c[NR] = $3 }
	END {
		printf "%-18s %8s %8s %10s %10s\n", "", "wall s", "cpu s", "wall ratio", "cpu ratio"
		for (i = 1; i <= NR; i++) {
			printf "%-18s %8.3f %8.3f", n[i], w[i], c[i]
			if (i % 2 == 0)
				printf " %9.1fx %9.1fx", w[i] / w[i - 1], c[i] / (c[i - 1] > 0 ? c[i - 1] : 0.001)
			printf "\n"
		}
	}'
}

mkdir -p "$DIR"
for part in $PARTS; do
	case $part in
	ndjson) part_ndjson ;;
	many) part_many ;;
	*) echo "bench: unknown part '$part' (ndjson, many)" >&2; exit 2 ;;
	esac
done
