#!/bin/sh
# bench/portfree.sh [BUILD_DIR]: who holds a listening port, portfree
# against ss -ltnp and lsof, measured side by side with hyperfine.
#
# ss -p and lsof read the descriptors of every process whatever the port;
# portfree reads them from the newest pid down and stops at the owner, so
# its time depends on where the owner is. Two listeners show both ends:
# "new" starts after BENCH_PROCS idle processes (default 200), as a
# backend started for the smoke run would: the case the target (at most
# 0.3x ss) is for. "old" starts before them, so portfree reads nearly
# every process first, as ss does: its worst case (unless the pids
# wrapped), shown with no target. There each process costs portfree one
# readlinkat per descriptor plus an open, a read and a close of its fd
# directory, the least any reader of /proc/PID/fd can do (ss pays a full
# path walk per descriptor on top), so the worst case stays near half of
# ss's time however the walk is arranged; two threads splitting it were
# measured 12% faster, not worth their weight. Prints each mean and the
# ratios portfree/ss and portfree/lsof for both.

LC_ALL=C
export LC_ALL
cd "${0%/*}/.." || exit 3
O=${1:-bin}
PF=$PWD/$O/portfree
PROCS=${BENCH_PROCS:-200}

[ -x "$PF" ] || { echo "bench: $PF not built (make $PF)" >&2; exit 3; }
for tool in hyperfine python3; do
	command -v "$tool" >/dev/null 2>&1 ||
		{ echo "bench: $tool not found" >&2; exit 3; }
done
# shellcheck source=bench/lib.sh
. bench/lib.sh
bench_need ss:iproute2 lsof:lsof || exit 3

dir=$(mktemp -d "${TMPDIR:-/tmp}/portfree-bench.XXXXXX") || exit 3
pids=
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	for p in $pids; do wait "$p" 2>/dev/null; done
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# listener NAME: a python3 listener on 127.0.0.1; its port in $dir/NAME.
listener() {
	python3 -c '
import os, socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0))
s.listen()
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write("%d %d\n" % (s.getsockname()[1], os.getpid()))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
time.sleep(600)
' "$dir/$1" &
	pids="$pids $!"
	tries=100
	while [ ! -s "$dir/$1" ] && [ "$tries" -gt 0 ]; do
		sleep 0.1
		tries=$((tries - 1))
	done
	[ -s "$dir/$1" ] || { echo "bench: the listener did not start" >&2; exit 3; }
}

listener old
i=0
while [ "$i" -lt "$PROCS" ]; do
	sleep 600 &
	pids="$pids $!"
	i=$((i + 1))
done
listener new

set -- /proc/[0-9]*
echo "processes: $#"
for name in new old; do
	read -r port owner <"$dir/$name"
	# Each must find the owner, or the timing means nothing.
	"$PF" "$port" >"$dir/pf.out"
	grep -q "^pid=$owner\$" "$dir/pf.out" ||
		{ echo "bench: portfree did not find pid $owner" >&2; exit 3; }
	ss -ltnp "sport = :$port" | grep -q "pid=$owner," ||
		{ echo "bench: ss did not find pid $owner" >&2; exit 3; }
	lsof -t -iTCP:"$port" -sTCP:LISTEN | grep -q "^$owner\$" ||
		{ echo "bench: lsof did not find pid $owner" >&2; exit 3; }
	newer=0
	for p in /proc/[0-9]*; do
		[ "${p#/proc/}" -gt "$owner" ] && newer=$((newer + 1))
	done
	echo "$name: port $port, owner pid $owner, $newer processes with a higher pid"
done

read -r new_port _ <"$dir/new"
read -r old_port _ <"$dir/old"
# portfree exits 1 (busy) by design: -i.
hyperfine -N -i --warmup 10 --min-runs 40 --export-csv "$dir/times.csv" \
	-n portfree-new "$PF $new_port" \
	-n ss-new "ss -ltnp 'sport = :$new_port'" \
	-n lsof-new "lsof -iTCP:$new_port -sTCP:LISTEN" \
	-n portfree-old "$PF $old_port" \
	-n ss-old "ss -ltnp 'sport = :$old_port'" \
	-n lsof-old "lsof -iTCP:$old_port -sTCP:LISTEN" >"$dir/hyperfine.log" 2>&1 ||
	{ cat "$dir/hyperfine.log" >&2; exit 3; }

awk -F, 'NR > 1 { mean[$1] = $2 * 1000 }
	END {
		split("new old", at, " ")
		goal["new"] = "target <= 0.30x"
		goal["old"] = "worst case, no target"
		for (i = 1; i <= 2; i++) {
			a = at[i]
			printf "%s: portfree %.2f ms, ss %.2f ms, lsof %.2f ms; " \
			    "portfree/ss %.2fx (%s), portfree/lsof %.2fx\n",
			    a, mean["portfree-" a], mean["ss-" a], mean["lsof-" a],
			    mean["portfree-" a] / mean["ss-" a], goal[a],
			    mean["portfree-" a] / mean["lsof-" a]
		}
	}' "$dir/times.csv"
