#!/bin/sh
# tests/run.sh [BUILD_DIR]: run every C unit test and every tests/t*.sh,
# print each file's result and the failures, end with one line
# "N passed, N failed, N skipped", exit non-zero if anything failed.

LC_ALL=C
export LC_ALL
cd "${0%/*}/.." || exit 3
O=${1:-bin}
SMOKEKIT_O=$O
export SMOKEKIT_O
logs=$O/test-logs
rm -rf "$logs"
mkdir -p "$logs" || exit 3

passed=0
failed=0
skipped=0

# run_one NAME COMMAND...: run one TAP producer, count its results.
run_one() {
	name=$1
	shift
	log=$logs/$name.log
	"$@" >"$log" 2>&1 </dev/null
	status=$?
	p=$(grep -c '^ok ' "$log")
	s=$(grep -ci '^ok .*# skip' "$log")
	f=$(grep -c '^not ok ' "$log")
	plan=$(grep -c '^1\.\.' "$log")
	p=$((p - s))
	if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
		# It died or exited non-zero without saying which test failed.
		f=1
		echo "not ok - $name exited with status $status" >>"$log"
	elif [ "$plan" -eq 0 ]; then
		f=$((f + 1))
		echo "not ok - $name printed no plan (did it stop early?)" >>"$log"
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
	line="$name: $p passed"
	[ "$f" -gt 0 ] && line="$line, $f FAILED"
	[ "$s" -gt 0 ] && line="$line, $s skipped"
	grep -i '^1\.\.0 # skip' "$log" | sed "s/^1\.\.0 # [Ss][Kk][Ii][Pp]/  skipped whole file:/"
	echo "$line"
	grep -i '# skip' "$log" | grep '^ok' | sed 's/^/  /'
	if [ "$f" -gt 0 ]; then
		# Show each failure with the output that follows it.
		awk '/^not ok/ { show = 1; print "  " $0; next }
		     /^(ok|1\.\.)/ { show = 0 }
		     show { print "  " $0 }' "$log"
	fi
}

for t in "$O"/tests/unit_*; do
	[ -x "$t" ] || continue
	run_one "${t##*/}" "$t"
done
for t in tests/t[0-9]*.sh; do
	[ -f "$t" ] || continue
	n=${t##*/}
	run_one "${n%.sh}" sh "$t"
done

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
