#!/bin/sh
# bench/checks.sh [BUILD_DIR]: what --check and --tally cost httpprobe's
# load mode. On nginx serving a static /v1/models on 127.0.0.1 (one
# worker, its own config in a temporary directory), BENCH_ROUNDS rounds
# (5) of two runs each, BENCH_CONNS connections (10) for BENCH_SECS
# seconds (5): the plain run, and the same with
# --check '.data is array' --tally status (every body kept and parsed,
# every status counted), which goes first in odd rounds, second in even
# ones. Prints each run's req/s (the median of its rounds) and the ratio
# checked/plain, the median of the ratios within a round (a busy machine
# can halve every figure from one round to the next). With /usr/bin/time,
# also each run's CPU time (user + system) per request, which a busy
# machine disturbs less than req/s.
#
# Target: the checked run at least 0.9x the plain one's req/s.

LC_ALL=C
export LC_ALL
cd "${0%/*}/.." || exit 3
# shellcheck source=bench/lib.sh
. bench/lib.sh
bench_httpprobe "${1:-bin}"
NGINX=/usr/sbin/nginx
[ -x "$NGINX" ] || NGINX=$(command -v nginx) ||
	{ echo "bench: nginx not found (Debian package: nginx-light)" >&2; exit 3; }

bench_nginx checks "$HP"
dir=$BENCH_DIR

TIME=
[ -x /usr/bin/time ] && TIME=/usr/bin/time

# run NAME [OPTION...]: one run; its req/s appended to $dir/NAME, its CPU
# microseconds per request to $dir/NAME.cpu.
run() {
	name=$1
	shift
	# shellcheck disable=SC2086 # $TIME is a command or nothing
	${TIME:+$TIME -f "%U %S" -o "$dir/time"} \
	"$HP" -q -c "$CONNS" -D "${SECS}s" "$@" "$URL" >"$dir/out" 2>"$dir/err" || {
		echo "bench: httpprobe $* failed:" >&2
		cat "$dir/err" >&2
		exit 3
	}
	sed -n 's/^rps=//p' "$dir/out" >>"$dir/$name"
	[ -z "$TIME" ] || awk -v n="$(sed -n 's/^requests=//p' "$dir/out")" \
		'{ printf "%.3f\n", ($1 + $2) * 1e6 / n }' "$dir/time" >>"$dir/$name.cpu"
	if [ "$name" = checked ]; then
		# Every response checked and counted, or the figure means nothing.
		fails=$(sed -n 's/^checks\.fails=//p' "$dir/out")
		reqs=$(sed -n 's/^requests=//p' "$dir/out")
		ok=$(sed -n 's/^tallies\.status\.200=//p' "$dir/out")
		if [ "$fails" != 0 ] || [ "$ok" != "$reqs" ]; then
			echo "bench: the checked run did not check every response" >&2
			exit 3
		fi
	fi
}

i=1
while [ "$i" -le "$ROUNDS" ]; do
	if [ $((i % 2)) -eq 1 ]; then
		run checked --check '.data is array' --tally status
		run plain
	else
		run plain
		run checked --check '.data is array' --tally status
	fi
	i=$((i + 1))
done

python3 - "$dir/plain" "$dir/checked" "$CONNS" "$SECS" "$ROUNDS" <<'EOF'
import statistics, sys
plain = [float(x) for x in open(sys.argv[1])]
checked = [float(x) for x in open(sys.argv[2])]
ratio = statistics.median(c / p for c, p in zip(checked, plain))
print("httpprobe load mode on nginx, %s connections, %s s, %s rounds" % tuple(sys.argv[3:6]))
print("%-44s %12s" % ("run", "req/s"))
print("%-44s %12.0f" % ("plain", statistics.median(plain)))
print("%-44s %12.0f" % ("--check '.data is array' --tally status", statistics.median(checked)))
print("ratio checked/plain: %.3f (target >= 0.9): %s" % (ratio, "ok" if ratio >= 0.9 else "MISSED"))
try:
    pc = [float(x) for x in open(sys.argv[1] + ".cpu")]
    cc = [float(x) for x in open(sys.argv[2] + ".cpu")]
    print("CPU per request (user + system): plain %.2f us, checked %.2f us, ratio %.3f"
          % (statistics.median(pc), statistics.median(cc),
             statistics.median(c / p for c, p in zip(cc, pc))))
except OSError:
    pass
sys.exit(0 if ratio >= 0.9 else 1)
EOF
