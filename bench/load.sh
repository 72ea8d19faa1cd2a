#!/bin/sh
# bench/load.sh [BUILD_DIR]: httpprobe's load mode against wrk and hey, on
# nginx serving a static /v1/models on 127.0.0.1 (one worker, its own
# config in a temporary directory): BENCH_CONNS connections (10) for
# BENCH_SECS seconds (5) each, BENCH_ROUNDS rounds (5) with the tools
# interleaved (httpprobe first in odd rounds, wrk first in even ones), so
# that load from elsewhere hits them alike. Prints req/s, p50, p95 and p99
# of each tool (the median of its rounds) and the ratios httpprobe/wrk and
# httpprobe/hey: each the median of the ratios within a round, as a busy
# machine can halve every tool's figures from one round to the next. With
# /usr/bin/time, also each tool's CPU time (user + system) per request,
# which a busy machine disturbs less than req/s.
#
# Targets: req/s at least 1.0x wrk's and 1.5x hey's; percentiles within
# 10% of wrk's. wrk's percentiles come from its Lua done() hook (its
# --latency table has no p95), twice: as wrk reports them (row wrk-co,
# with the samples wrk adds after the run, see pct.lua below) and from its
# own samples, one per request (row wrk), which is what httpprobe, like
# k6, reports in its closed model. nginx, wrk and hey are installed from
# Debian when missing (hey is skipped if it cannot be).
# shellcheck disable=SC2317 # cleanup and run_TOOL are called indirectly

LC_ALL=C
export LC_ALL
cd "${0%/*}/.." || exit 3
# shellcheck source=bench/lib.sh
. bench/lib.sh
bench_httpprobe "${1:-bin}"

# apt_install PACKAGE: from Debian's registry, quietly.
apt_install() {
	echo "bench: installing $1" >&2
	apt-get install -y -qq "$1" >/dev/null 2>&1
}

NGINX=/usr/sbin/nginx
[ -x "$NGINX" ] || NGINX=$(command -v nginx) ||
	{ apt_install nginx-light && NGINX=/usr/sbin/nginx; } ||
	{ echo "bench: nginx not available" >&2; exit 3; }
command -v wrk >/dev/null 2>&1 || apt_install wrk ||
	{ echo "bench: wrk not available" >&2; exit 3; }
HEY=yes
command -v hey >/dev/null 2>&1 || apt_install hey || {
	echo "bench: hey not available here (apt-cache policy hey): skipped" >&2
	HEY=
}

bench_nginx load "$HP"
dir=$BENCH_DIR

# wrk (4.x) back-fills its latency record before done() sees it: main()
# calls stats_correct(latency, runtime_us / (requests / connections)), which
# copies every sample at 2 or more such intervals to each lower multiple
# of the interval still above one interval. Those added samples are no
# requests (wrk has more samples than requests; on a busy machine its rps
# times its mean latency can even exceed the connection count), and all
# lie above one interval, about the mean latency: in the tail, which they
# inflate most when the machine stalls. Our closed model keeps, like k6,
# one sample per request, so the like-for-like figures take the back-fill
# out again: from the top bucket down (a bucket holds only its own
# samples once those above are out). That must leave exactly requests -
# timeouts samples, or no such figure is printed. Printed: rps, requests,
# co_p*_ms (as wrk reports them), samples, p*_ms (one sample per request).
cat >"$dir/pct.lua" <<'EOF'
local pcts = { 50, 95, 99 }

-- wrk's rule (stats_percentile): the first bucket where the count reaches the rank.
local function percentile(vals, cnts, total, p)
	local rank, seen = math.floor(p / 100 * total + 1), 0
	for i = 1, #vals do
		seen = seen + cnts[i]
		if seen >= rank then return vals[i] end
	end
	return 0
end

done = function(summary, latency, requests)
	local conns = tonumber(os.getenv("BENCH_CONNS") or "10")
	local k, vals, cnts, at, samples = #latency, {}, {}, {}, 0
	io.write(string.format("rps=%.2f\nrequests=%d\n", summary.requests / (summary.duration / 1e6),
		summary.requests))
	for _, p in ipairs(pcts) do
		io.write(string.format("co_p%d_ms=%.3f\n", p, latency:percentile(p) / 1000))
	end
	-- latency(i) scans the buckets from the lowest: give up on a range too wide.
	if k * (latency.max - latency.min) > 4e9 then return end
	for i = 1, k do
		vals[i], cnts[i] = latency(i)
		at[vals[i]] = i
		samples = samples + cnts[i]
	end
	io.write(string.format("samples=%d\n", samples))
	local interval = math.floor(summary.duration / math.floor(summary.requests / conns))
	for i = k, 1, -1 do
		local own, m = cnts[i], vals[i] - interval
		if own > 0 and vals[i] >= 2 * interval then
			while m > interval do
				cnts[at[m]] = cnts[at[m]] - own
				m = m - interval
			end
		end
	end
	local raw = 0
	for i = 1, k do raw = raw + cnts[i] end
	if raw ~= summary.requests - summary.errors.timeout then return end
	for _, p in ipairs(pcts) do
		io.write(string.format("p%d_ms=%.3f\n", p, percentile(vals, cnts, raw, p) / 1000))
	end
end
EOF

# timed COMMAND...: run it, its CPU seconds "user system" in $dir/cpu.
timed() {
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -o "$dir/cpu" -f '%U %S' "$@"
	else
		"$@"
	fi
}

# Each run leaves rps=, requests=, p50_ms=, p95_ms=, p99_ms= lines in
# $dir/TOOL.ROUND; wrk's figures as it reports them go to wrk-co.ROUND.
# --grace 0: in flight at the end is cut, as wrk and hey cut it.
run_httpprobe() {
	timed "$HP" -q -c "$CONNS" -D "${SECS}s" --grace 0 "$URL" >"$dir/httpprobe.$1" 2>"$dir/err" ||
		{ echo "bench: httpprobe failed:" >&2; cat "$dir/err" >&2; exit 3; }
}
run_wrk() {
	BENCH_CONNS=$CONNS timed wrk -t1 -c "$CONNS" -d "${SECS}s" -s "$dir/pct.lua" "$URL" \
		>"$dir/wrk.raw" 2>&1 ||
		{ echo "bench: wrk failed:" >&2; cat "$dir/wrk.raw" >&2; exit 3; }
	grep -E '^(rps|requests|samples|p[0-9]+_ms)=' "$dir/wrk.raw" >"$dir/wrk.$1"
	{ grep -E '^(rps|requests)=' "$dir/wrk.raw"; sed -n 's/^co_//p' "$dir/wrk.raw"; } \
		>"$dir/wrk-co.$1"
}
run_hey() {
	timed hey -c "$CONNS" -z "${SECS}s" "$URL" >"$dir/hey.raw" 2>&1 ||
		{ echo "bench: hey failed:" >&2; cat "$dir/hey.raw" >&2; exit 3; }
	awk '/Requests\/sec:/ { printf "rps=%s\n", $2 }
	     /^ *(50|95|99)% in / { sub("%", "", $1); printf "p%s_ms=%.3f\n", $1, $3 * 1000 }
	     /^ *\[[0-9]+\]/ { n += $2 }
	     END { printf "requests=%d\n", n }' "$dir/hey.raw" >"$dir/hey.$1"
}

tools="httpprobe wrk"
[ -n "$HEY" ] && tools="$tools hey"
echo "nginx $URL: $CONNS connections, ${SECS}s, $ROUNDS rounds" >&2
r=1
while [ "$r" -le "$ROUNDS" ]; do
	order=$tools
	[ $((r % 2)) -eq 0 ] && order=$(echo "$tools" | sed 's/httpprobe wrk/wrk httpprobe/')
	for t in $order; do
		rm -f "$dir/cpu"
		"run_$t" "$r"
		n=$(sed -n 's/^requests=//p' "$dir/$t.$r")
		[ -s "$dir/cpu" ] && tail -n 1 "$dir/cpu" |
			awk -v n="$n" '{ if (n > 0) printf "cpu_us=%.2f\n", ($1 + $2) * 1e6 / n }' \
			>>"$dir/$t.$r"
		[ "$t" = wrk ] && grep '^cpu_us=' "$dir/wrk.$r" >>"$dir/wrk-co.$r"
		printf '  round %s %-9s %.2f req/s\n' "$r" "$t" "$(sed -n 's/^rps=//p' "$dir/$t.$r")" >&2
	done
	r=$((r + 1))
done
[ "$tools" = "${tools#*wrk}" ] || tools=$(echo "$tools" | sed 's/wrk/wrk wrk-co/')

# median TOOL KEY: the median over the rounds of one figure (nothing when
# no round has it).
median() {
	for f in "$dir/$1".[0-9]*; do
		sed -n "s/^$2=//p" "$f"
	done | sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'
}

# cell WIDTH PRECISION TOOL KEY: a table cell, n/a for a missing figure.
cell() {
	v=$(median "$3" "$4")
	if [ -n "$v" ]; then printf " %*.*f" "$1" "$2" "$v"; else printf " %*s" "$1" n/a; fi
}

printf '%-10s %12s %9s %9s %9s %12s\n' tool req/s p50_ms p95_ms p99_ms cpu_us/req
for t in $tools; do
	printf '%-10s' "$t"
	cell 12 2 "$t" rps
	cell 9 3 "$t" p50_ms
	cell 9 3 "$t" p95_ms
	cell 9 3 "$t" p99_ms
	cell 12 2 "$t" cpu_us
	echo
done

# round_ratio PEER KEY ROUND: httpprobe's KEY over PEER's in one round.
round_ratio() {
	awk -v a="$(sed -n "s/^$2=//p" "$dir/httpprobe.$3")" \
		-v b="$(sed -n "s/^$2=//p" "$dir/$1.$3")" \
		'BEGIN { if (a > 0 && b > 0) printf "%.6f\n", a / b }'
}

# ratio PEER KEY: the median over the rounds of round_ratio, two decimals.
ratio() {
	i=1
	while [ "$i" -le "$ROUNDS" ]; do
		round_ratio "$1" "$2" "$i"
		i=$((i + 1))
	done | sort -n | awk '{ v[NR] = $1 }
		END { if (NR) printf "%.2f", v[int((NR + 1) / 2)]; else printf "n/a" }'
}

echo
echo "httpprobe/wrk in each round:"
printf '%-10s %12s %9s %9s %9s %12s\n' round req/s p50 p95 p99 cpu/req
i=1
while [ "$i" -le "$ROUNDS" ]; do
	printf '%-10s' "$i"
	for k in rps p50_ms p95_ms p99_ms cpu_us; do
		v=$(round_ratio wrk "$k" "$i")
		w=9
		case $k in rps | cpu_us) w=12 ;; esac
		if [ -n "$v" ]; then printf " %*.2f" "$w" "$v"; else printf " %*s" "$w" n/a; fi
	done
	echo
	i=$((i + 1))
done
echo
echo "wrk-co is wrk as it reports (back-filled); wrk is its own samples, one per request:" \
	"$(median wrk samples) samples for $(median wrk requests) requests (medians)"
echo "httpprobe/wrk: req/s $(ratio wrk rps)x (target >= 1.0)," \
	"p50 $(ratio wrk p50_ms)x, p95 $(ratio wrk p95_ms)x, p99 $(ratio wrk p99_ms)x (target 0.90-1.10)," \
	"CPU per request $(ratio wrk cpu_us)x"
echo "httpprobe/wrk-co: p50 $(ratio wrk-co p50_ms)x, p95 $(ratio wrk-co p95_ms)x," \
	"p99 $(ratio wrk-co p99_ms)x"
[ -n "$HEY" ] && echo "httpprobe/hey: req/s $(ratio hey rps)x (target >= 1.5)," \
	"CPU per request $(ratio hey cpu_us)x"
exit 0
