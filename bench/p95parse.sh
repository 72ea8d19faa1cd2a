#!/bin/sh
# bench/p95parse.sh: the p95 of http_req_duration{ep:models} from a ~500 MB
# k6 --out json NDJSON, by p95parse, by the usual jq pipeline and by a mawk
# one-liner (both followed by sort -g and the same k6 interpolation in awk),
# with cat as the floor. Prints each time and the ratios; checks that all
# three agree on the p95. Not part of `make test`.
#
# Environment: SIZE_MB (default 500), BENCH_DIR (default bin/bench; the
# generated file is kept there and reused), SMOKEKIT_O (default bin),
# RUNS (best of, default 3; jq runs once).

set -eu
LC_ALL=C
export LC_ALL
ROOT=$(cd "${0%/*}/.." && pwd)
O=${SMOKEKIT_O:-bin}
case $O in /*) ;; *) O=$ROOT/$O ;; esac
SIZE_MB=${SIZE_MB:-500}
DIR=${BENCH_DIR:-$ROOT/bin/bench}
RUNS=${RUNS:-3}
DATA=$DIR/k6-$SIZE_MB.ndjson

[ -x "$O/p95parse" ] || { echo "bench: build first: make $O/p95parse" >&2; exit 1; }

# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
bench_need mawk:mawk jq:jq || exit 1

# A deterministic k6-shaped NDJSON: 16 metrics, a Metric line before each
# metric's first Point, tags ep=models/healthz alternating, 2% status 500,
# values from a Park-Miller generator (exact in awk's doubles).
generate() {
	mawk -v target=$((SIZE_MB * 1000 * 1000)) '
	function rnd() { seed = (seed * 16807) % 2147483647; return seed / 2147483647 }
	function metric(name, type, contains) {
		if (name in seen) return
		seen[name] = 1
		line = "{\"type\":\"Metric\",\"data\":{\"name\":\"" name "\",\"type\":\"" type \
		    "\",\"contains\":\"" contains "\",\"thresholds\":[],\"submetrics\":null},\"metric\":\"" name "\"}"
		print line; bytes += length(line) + 1
	}
	function point(name, type, contains, value, tags) {
		metric(name, type, contains)
		line = "{\"metric\":\"" name "\",\"type\":\"Point\",\"data\":{\"time\":\"" ts \
		    "\",\"value\":" value ",\"tags\":" tags "}}"
		print line; bytes += length(line) + 1
	}
	function ms(base, spread) { return sprintf("%.6f", base + spread * rnd() ^ 3) }
	BEGIN {
		seed = 42
		for (it = 0; bytes < target; it++) {
			ns = it * 1234567
			ts = sprintf("2026-11-21T23:%02d:%02d.%09dZ", int(ns / 6e10) % 60,
			    int(ns / 1e9) % 60, ns % 1e9)
			ep = it % 2 ? "healthz" : "models"
			path = it % 2 ? "/healthz" : "/v1/models"
			bad = rnd() < 0.02
			status = bad ? "500" : "200"
			url = "http://127.0.0.1:8082" path
			tags = "{\"ep\":\"" ep "\",\"expected_response\":\"" (bad ? "false" : "true") \
			    "\",\"group\":\"\",\"method\":\"GET\",\"name\":\"" url "\",\"proto\":\"HTTP/1.1\"," \
			    "\"scenario\":\"default\",\"status\":\"" status "\",\"url\":\"" url "\"}"
			point("http_reqs", "counter", "default", 1, tags)
			point("http_req_duration", "trend", "time", ms(5, 400), tags)
			point("http_req_blocked", "trend", "time", ms(0.002, 0.5), tags)
			point("http_req_connecting", "trend", "time", ms(0, 0.3), tags)
			point("http_req_tls_handshaking", "trend", "time", 0, tags)
			point("http_req_sending", "trend", "time", ms(0.005, 0.1), tags)
			point("http_req_waiting", "trend", "time", ms(5, 390), tags)
			point("http_req_receiving", "trend", "time", ms(0.02, 5), tags)
			point("http_req_failed", "rate", "default", bad ? 1 : 0, tags)
			gtags = "{\"group\":\"\",\"scenario\":\"default\"}"
			point("checks", "rate", "default", bad ? 0 : 1,
			    "{\"check\":\"status is 200\",\"group\":\"\",\"scenario\":\"default\"}")
			point("data_sent", "counter", "data", 96, gtags)
			point("data_received", "counter", "data", 211, gtags)
			point("iteration_duration", "trend", "time", ms(6, 420), gtags)
			point("iterations", "counter", "default", 1, gtags)
			if (it % 100 == 0) {
				point("vus", "gauge", "default", 2, "{}")
				point("vus_max", "gauge", "default", 2, "{}")
			}
		}
	}'
}

mkdir -p "$DIR"
if [ ! -s "$DATA" ]; then
	echo "bench: generating $DATA (~$SIZE_MB MB)"
	generate >"$DATA.tmp" && mv "$DATA.tmp" "$DATA"
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
