#!/bin/sh
# p95parse --merge: several runners' raw results read as one run. Real k6
# NDJSON (tests/data/k6) split the way k6's execution segments split a
# test (round-robin over the iterations, and by time), the same run as CSV
# (tests/data/k6, derived from that NDJSON), pipes, refusals, and summary
# exports with a histogram, hand-built here (httpprobe writes them).
# The helpers and variables below are used inside test bodies (eval),
# hence SC2317 and SC2034.
# shellcheck source=tests/lib.sh disable=SC2317,SC2034
. "${0%/*}/lib.sh"

K6=$TESTDATA/k6
CSV=$ROOT/tests/data/k6
if [ ! -d "$K6/v0.57.0" ] || [ ! -d "$K6/v1.0.0" ]; then
	fail_all "no k6 testdata in $K6 (tests/data/k6)"
fi

# figures FILE: the facts that must agree exactly between a merge and the
# whole: percentile, median, min, max, counts.
figures() {
	grep -E '^(p[0-9.]+_ms|med_ms|min_ms|max_ms|requests|http_req_failed(_count|_of|_metric)?)=' "$1"
}

# same A B: A and B have the same figures.
same() {
	figures "$1" >"$1.fig" && figures "$2" >"$2.fig" && check "$1.fig" "$2.fig"
}

# split_rr IN N PREFIX: k6 NDJSON IN split round-robin over its Points into
# PREFIX0..PREFIX(N-1), as N runners each running every Nth iteration
# write it: each file has a metric's Metric line before its first Point.
split_rr() {
	awk -v n="$2" -v pre="$3" '
	/^\{"type":"Metric"/ { m = $0; sub(/.*"metric":"/, "", m); sub(/".*/, "", m); def[m] = $0; next }
	{
		m = $0; sub(/^\{"metric":"/, "", m); sub(/".*/, "", m)
		f = pre (k++ % n)
		if (!((f, m) in seen)) { seen[f, m] = 1; if (m in def) print def[m] > f }
		print > f
	}' "$1"
}

# split_time IN PREFIX: one file per second of the run (the Point's time to
# the second), as runners that ran one after another write it.
split_time() {
	awk -v pre="$2" '
	/^\{"type":"Metric"/ { m = $0; sub(/.*"metric":"/, "", m); sub(/".*/, "", m); def[m] = $0; next }
	{
		m = $0; sub(/^\{"metric":"/, "", m); sub(/".*/, "", m)
		t = $0; sub(/.*"time":"/, "", t); t = substr(t, 1, 19)
		if (!(t in part)) part[t] = np++
		f = pre part[t]
		if (!((f, m) in seen)) { seen[f, m] = 1; if (m in def) print def[m] > f }
		print > f
	}' "$1"
}

# csv_rr IN N PREFIX: k6 CSV split round-robin, the header in every part.
csv_rr() {
	awk -v n="$2" -v pre="$3" 'NR == 1 { h = $0; for (i = 0; i < n; i++) print h > (pre i); next }
	{ print > (pre (k++ % n)) }' "$1"
}

# hist_export NDJSON OUT [P95]: a summary export as httpprobe writes it,
# with smokekit_histogram, from the http_req_duration{ep:models} Points of
# NDJSON: buckets by loghist.h's formula, counts and failed rate exact; its
# own p(95) is P95 (default: the average), which a merge must never use.
hist_export() {
	awk '/"type":"Point"/ && /"metric":"http_req_duration"/ && /"ep":"models"/ {
		v = $0; sub(/.*"value":/, "", v); sub(/[,}].*/, "", v); v += 0
		if (v <= 0) { print 0; next }
		e = int(log(v) / log(2)); while (2 ^ e > v) e--; while (2 ^ (e + 1) <= v) e++
		print (e + 1023) * 128 + int((v / 2 ^ e - 1) * 128)
	}' "$1" | sort -n | uniq -c >"$2.b" &&
	awk -v p95="${3:-}" '
	FNR == NR && /"type":"Point"/ && /"metric":"http_req_duration"/ && /"ep":"models"/ {
		v = $0; sub(/.*"value":/, "", v); sub(/[,}].*/, "", v); v += 0
		n++; s += v; if (n == 1 || v < mn) mn = v; if (n == 1 || v > mx) mx = v; next }
	FNR == NR && /"type":"Point"/ && /"metric":"http_req_failed"/ && /"ep":"models"/ {
		v = $0; sub(/.*"value":/, "", v); sub(/[,}].*/, "", v); ft++; if (v + 0 != 0) fp++; next }
	FNR == NR { next }
	{ b = b (nb++ ? "," : "") "[" $2 "," $1 "]" }
	END {
		avg = s / n; if (p95 == "") p95 = avg
		printf "{\"root_group\":{\"name\":\"\",\"path\":\"\",\"groups\":{},\"checks\":{}},\"metrics\":{"
		printf "\"http_req_duration{ep:models}\":{\"avg\":%.17g,\"min\":%.17g,\"med\":%.17g,\"max\":%.17g,\"p(90)\":%.17g,\"p(95)\":%s},", avg, mn, avg, mx, avg, p95
		printf "\"http_req_failed{ep:models}\":{\"passes\":%d,\"fails\":%d,\"value\":%.17g},", fp, ft - fp, fp / ft
		printf "\"http_reqs\":{\"count\":%d,\"rate\":1}},", ft
		printf "\"smokekit_histogram\":{\"http_req_duration{ep:models}\":{\"scheme\":\"log-linear\",\"rel_error\":0.005,\"count\":%d,\"buckets\":[%s]}}}\n", n, b
	}' "$1" "$2.b" >"$2"
}

# p95_within A B: A's p95 is within 0.5% of B's.
p95_within() {
	awk -v a="$(val p95_ms "$1")" -v b="$(val p95_ms "$2")" 'BEGIN {
		d = a - b; if (d < 0) d = -d
		if (a == "" || d > 0.005 * b) { print "p95 " a " not within 0.5% of " b; exit 1 } }'
}

for v in v0.57.0 v1.0.0; do
	ND=$K6/$v/c_json_out/raw.ndjson
	EXP=$K6/$v/c_json_out/k6_models.json
	test_expect_success "$v: round-robin runners merge to exactly the whole run, and to k6's own p95" "
		split_rr '$ND' 4 rr &&
		for q in '-t ep=models' '' '-m iteration_duration' '-p 99.9 -t ep=models' '-p 50 -t ep=models'; do
			# shellcheck disable=SC2086 # the query's options
			p95parse \$q '$ND' >whole &&
			for s in '' 0 8 32 64; do
				P95PARSE_MERGE_SAMPLES=\$s p95parse --merge \$q rr0 rr1 rr2 rr3 >merged &&
				same whole merged || return 1
			done || return 1
		done &&
		p95parse -M -t ep=models rr0 rr1 rr2 rr3 >merged &&
		p95parse -t ep=models '$EXP' >k6 &&
		test \"\$(val p95_ms merged)\" = \"\$(val p95_ms k6)\" &&
		test \"\$(val http_req_failed_of merged)\" = \"\$(val http_req_failed_of k6)\" &&
		contains p95_precision=exact merged &&
		contains source=merge merged && contains files=4 merged
	"
	test_expect_success "$v: runners split by time merge to exactly the whole run" "
		split_time '$ND' tm &&
		set -- tm* && test \$# -ge 2 &&
		p95parse -t ep=models '$ND' >whole &&
		P95PARSE_MERGE_SAMPLES=0 p95parse -M -t ep=models \"\$@\" >merged &&
		same whole merged &&
		test \"\$(val passes merged)\" -ge 2 &&
		p95parse -M -t ep=models \"\$@\" >one && same whole one &&
		contains passes=1 one
	"
	test_expect_success "$v: the same run as k6 CSV gives the same figures, alone and merged" "
		p95parse -t ep=models '$ND' >whole &&
		p95parse -t ep=models '$CSV/$v-c_json_out.csv' >alone &&
		contains source=k6-csv alone && same whole alone &&
		csv_rr '$CSV/$v-c_json_out.csv' 3 c &&
		P95PARSE_MERGE_SAMPLES=0 p95parse -M -t ep=models c0 c1 c2 >merged && same whole merged &&
		split_rr '$ND' 4 rr &&
		p95parse -M -t ep=models rr0 c1 rr2 c0 >mixed 2>err && test -s mixed
	"
done

ND=$K6/v1.0.0/c_json_out/raw.ndjson
EXP=$K6/v1.0.0/c_json_out/k6_models.json
LOG=$K6/v1.0.0/c_json_out/k6_stdout.log

test_expect_success 'a pipe and regular files: the same answer (a pipe keeps its samples)' '
	split_rr "$ND" 3 rr &&
	p95parse -t ep=models "$ND" >whole &&
	P95PARSE_MERGE_SAMPLES=0 p95parse -M -t ep=models - rr1 rr2 <rr0 >fromfile &&
	cat rr0 | P95PARSE_MERGE_SAMPLES=0 p95parse -M -t ep=models rr1 - rr2 >frompipe &&
	same whole fromfile && same whole frompipe &&
	expect_code 3 p95parse -M rr0 - - <rr1 >out 2>err &&
	contains "standard input given twice" err
'

# runner SEED ITERATIONS: one runner's k6-shaped NDJSON (five Points a
# request) with, now and then, the lines a later pass of --merge must read
# as the first did: the metric's Points in another key order, with an
# escaped name or tag, with CRLF, with blanks before, with a value in
# exponent form, with a tag longer than a block of the map (16 KiB), with
# a tag given twice (the first counts); and a third of the requests
# filtered out by their tags, their values in every range. No newline at
# the end when SEED is odd.
runner() {
	awk -v seed="$1" -v n="$2" '
	function rnd() { seed = (seed * 16807) % 2147483647; return seed / 2147483647 }
	function point(name, value, tags) {
		return "{\"metric\":\"" name "\",\"type\":\"Point\",\"data\":{\"time\":\"2026-11-21T23:00:00Z\",\"value\":" value ",\"tags\":" tags "}}"
	}
	BEGIN {
		odd = seed % 2
		big = "x"; while (length(big) < 20000) big = big big
		for (i = 0; i < n; i++) {
			v = sprintf("%.3f", 1 + 400 * rnd() ^ 3)
			ep = i % 3 ? "models" : "healthz"
			tags = "{\"ep\":\"" ep "\",\"status\":\"200\",\"url\":\"http://127.0.0.1:8082/v1/" ep "\"}"
			k = i % 40
			if (i == 0)
				print "{\"type\":\"Metric\",\"data\":{\"name\":\"http_req_duration\",\"type\":\"trend\"},\"metric\":\"http_req_duration\"}"
			print point("http_reqs", 1, tags)
			if (k == 3)
				print "{\"type\":\"Point\",\"metric\":\"http_req_duration\",\"data\":{\"tags\":" tags ",\"value\":" v ",\"time\":\"t\"}}"
			else if (k == 7)
				print point("http_req_\\u0064uration", v, tags)
			else if (k == 11)
				print point("http_req_duration", v, "{\"ep\":\"m\\u006fdels\"}")
			else if (k == 15)
				printf "%s\r\n", point("http_req_duration", v, tags)
			else if (k == 19)
				print "  " point("http_req_duration", v, tags)
			else if (k == 23)
				print point("http_req_duration", sprintf("%.6e", v), tags)
			else if (k == 27)
				print point("http_req_duration", v, "{\"ep\":\"" ep "\",\"big\":\"" big "\"}")
			else if (k == 31)
				print point("http_req_duration", v, "{\"ep\":\"healthz\",\"ep\":\"models\"}")
			else
				print point("http_req_duration", v, tags)
			print point("http_req_waiting", v, tags)
			print point("http_req_failed", i % 17 == 0, tags)
			last = point("iterations", 1, "{}")
			if (i + 1 < n || !odd)
				print last
			else
				printf "%s", last
		}
	}'
}

test_expect_success 'files read again (map by blocks, Points by value) give what one read gives' '
	runner 42 2000 >r0 && runner 44 2000 >r1 && runner 45 2000 >r2 &&
	cat r0 r1 r2 >whole.ndjson &&
	for q in "-t ep=models" "" "-p 99.9 -t ep=models" "-p 50 -t ep=models" \
	    "-t status=200 -t ep=models"; do
		# shellcheck disable=SC2086 # the query options
		p95parse $q whole.ndjson >whole &&
		for s in 0 16 256; do
			P95PARSE_MERGE_SAMPLES=$s p95parse -M $q r0 r1 r2 >merged &&
			same whole merged &&
			test "$(val passes merged)" -ge 2 || return 1
		done || return 1
	done
'

test_expect_success 'a latency written -0 is 0 to every pass' '
	for v in -0 0 -0.0 1 2 3 -0 5; do
		printf "{\"metric\":\"m\",\"type\":\"Point\",\"data\":{\"time\":\"t\",\"value\":%s,\"tags\":{}}}\n" "$v"
	done >z &&
	p95parse -m m -p 20 z >whole &&
	P95PARSE_MERGE_SAMPLES=0 p95parse -M -m m -p 20 z >merged &&
	same whole merged && test "$(val passes merged)" -ge 2
'

test_expect_success 'a file that changed between passes: exit 3, never a figure' '
	runner 42 2000 >r0 && runner 44 2000 >r1 && runner 46 10 >rest && mkfifo slow ||
		return 1
	(P95PARSE_MERGE_SAMPLES=0 p95parse -M -t ep=models r0 r1 slow >out 2>err; echo $? >rc) &
	# Opening the fifo waits for p95parse: r0 and r1 have had their first pass.
	timeout 30 sh -c "exec 3>slow && echo >>r1 && cat rest >&3" &&
	wait &&
	test "$(cat rc)" = 3 && test ! -s out &&
	contains "r1: changed since the first pass read it" err
'

test_expect_success 'summaries and stdout logs are refused: exit 3, why, and what to give' '
	split_rr "$ND" 2 rr &&
	expect_code 3 p95parse -M -t ep=models rr0 "$EXP" >out 2>err &&
	test ! -s out &&
	contains "k6_models.json: a summary export holds percentiles, not samples" err &&
	contains "k6 run --out json=FILE" err &&
	expect_code 3 p95parse --merge rr0 "$LOG" >out 2>err &&
	contains "k6_stdout.log: a k6 stdout log holds percentiles, not samples" err &&
	printf "# TYPE x histogram\nx_bucket{le=\"+Inf\"} 1\n" >m.prom &&
	expect_code 3 p95parse --merge m.prom rr1 >out 2>err &&
	contains "Prometheus text is not a run" err &&
	expect_code 3 p95parse --merge "$EXP" "$EXP" >out 2>err && test ! -s out
'

test_expect_success 'without --merge, several files keep their meaning: the first that yields' '
	split_rr "$ND" 2 rr &&
	p95parse -t ep=models rr0 rr1 >out &&
	p95parse -t ep=models rr0 >first &&
	check first out &&
	contains "file=rr0" out && lacks "files=" out
'

test_expect_success 'a gzip file is named, with the command that reads it' '
	have gzip || { echo "# no gzip"; return 0; }
	split_rr "$ND" 2 rr &&
	gzip -c rr1 >rr1.gz &&
	expect_code 3 p95parse -M rr0 rr1.gz >out 2>err &&
	contains "rr1.gz: gzip-compressed, not text; read it with: gzip -dc rr1.gz | p95parse --merge - (and the other files)" err &&
	gzip -dc rr1.gz | p95parse -M -t ep=models rr0 - >merged &&
	p95parse -t ep=models "$ND" >whole && same whole merged
'

test_expect_success 'a bad part is exit 3 naming that file and line' '
	split_rr "$ND" 2 rr &&
	printf "{\"metric\":\"http_req_duration\",\"type\":\"Point\",\"data\":{\"time\":\"x\",\"value\":-1,\"tags\":{}}}\n" >>rr1 &&
	expect_code 3 p95parse -M rr0 rr1 >out 2>err &&
	contains "rr1: line" err && contains "never negative" err &&
	expect_code 3 p95parse -M -t ep=nosuch rr0 >out 2>err &&
	contains "no sample of http_req_duration{ep:nosuch}" err
'

test_expect_success 'histogram exports merge within 0.5% of the exact p95, counts exact' '
	split_time "$ND" tm &&
	set -- tm* &&
	n=0 && for f; do hist_export "$f" "e$n.json" 99999 && n=$((n + 1)); done &&
	p95parse -t ep=models "$ND" >whole &&
	p95parse -M -t ep=models e*.json >merged &&
	contains p95_precision=bounded merged &&
	contains p95_rel_error=0.005 merged &&
	p95_within merged whole &&
	test "$(val requests merged)" = "$(val requests whole)" &&
	test "$(val http_req_failed_of merged)" = "$(val http_req_failed_of whole)" &&
	test "$(val http_req_failed_count merged)" = "$(val http_req_failed_count whole)" &&
	test "$(val min_ms merged)" = "$(val min_ms whole)" &&
	test "$(val max_ms merged)" = "$(val max_ms whole)" &&
	p95parse -M -t ep=models e0.json tm1 >mixed &&
	contains p95_precision=bounded mixed
'

test_expect_success 'a bounded p95 is gated by the top of its bound' '
	split_time "$ND" tm &&
	set -- tm* &&
	n=0 && for f; do hist_export "$f" "e$n.json" && n=$((n + 1)); done &&
	p95parse -M -t ep=models e*.json >merged &&
	p=$(val p95_ms merged) &&
	lim=$(awk -v p="$p" "BEGIN { printf \"%.6f\", p * 1.002 }") &&
	expect_code 1 p95parse -M -t ep=models --max "$lim" e*.json >out 2>err &&
	contains "files merged: p95" err && contains "from histograms, within 0.5%" err &&
	lim=$(awk -v p="$p" "BEGIN { printf \"%.6f\", p * 1.01 }") &&
	p95parse -M -t ep=models --max "$lim" e*.json >out &&
	contains gate_p95=pass out
'

test_expect_success 'a histogram that does not add up, or of another metric, is exit 3' '
	split_time "$ND" tm &&
	hist_export tm0 e.json &&
	sed "s/\"count\":\([0-9]*\),\"buckets\"/\"count\":1\1,\"buckets\"/" e.json >bad.json &&
	expect_code 3 p95parse -M -t ep=models bad.json >out 2>err &&
	contains "its buckets add up to" err &&
	expect_code 3 p95parse -M -t ep=other e.json >out 2>err &&
	contains "smokekit_histogram: none of http_req_duration{ep:other}" err &&
	contains "histograms present: http_req_duration{ep:models}" err
'

# Two load runs of httpprobe against the fixture server (one of them with
# failures): their --out files merge to the figures of both read as one.
{
	start_fixture
	F=$FIXTURE_URL
	start_fixture -e 4
	E=$FIXTURE_URL
	test_expect_success 'two httpprobe load runs: --out files merge exactly, failures counted' '
		httpprobe -q -c 2 -n 40 --tag ep=models --out a.ndjson \
		    --summary-export a.json "$F/v1/models" >out 2>err &&
		{ httpprobe -q -c 2 -n 30 --tag ep=models --out b.ndjson "$E/v1/models" >out 2>err; true; } &&
		cat a.ndjson b.ndjson >ab.ndjson &&
		p95parse -t ep=models ab.ndjson >whole &&
		P95PARSE_MERGE_SAMPLES=0 p95parse -M -t ep=models a.ndjson b.ndjson >merged &&
		same whole merged &&
		test "$(val requests merged)" = 70 &&
		test "$(val http_req_failed_count merged)" -gt 0 &&
		p95parse -M -t ep=models a.json >h && contains p95_precision=bounded h
	'
}

# gate_merge VAR=VALUE...: mk/merge.sh as make gate-merge runs it.
gate_merge() {
	env SMOKEKIT_BIN="$PROGS" RUNS_DIR=runs "$@" sh "$ROOT/mk/merge.sh"
}

test_expect_success 'gate-merge: one gate, metrics.txt and status.json as smoke-local writes them' '
	split_rr "$ND" 4 runner- &&
	gate_merge FILES="runner-*" >out 2>err &&
	contains "gate-merge: PASS p95 " out && contains "(exact, 4 files)" out &&
	test -f runs/latest/metrics.txt && test -f runs/latest/status.json &&
	test -f runs/latest/merge.txt &&
	contains p95_precision=exact runs/latest/metrics.txt &&
	contains "\"status\": \"pass\"" runs/latest/status.json &&
	contains "\"exit_code\": 0" runs/latest/status.json &&
	expect_code 5 gate_merge FILES="runner-0 runner-1 runner-2 runner-3" P95_MAX_MS=1 >out 2>err &&
	contains "gate-merge: FAIL gate: p95 " out && contains "is not below 1.00 ms (+" out &&
	contains "\"status\": \"fail\"" runs/latest/status.json &&
	contains "\"exit_code\": 5" runs/latest/status.json &&
	expect_code 3 gate_merge FILES="runner-0 $EXP" >out 2>err &&
	contains "percentiles, not samples" out &&
	contains "\"exit_code\": 3" runs/latest/status.json &&
	expect_code 2 gate_merge FILES= >out 2>err && contains "FILES is empty" err &&
	expect_code 2 gate_merge FILES=runner-0 P95_MAX_MS=fast >out 2>err &&
	contains "gate-merge: FAIL usage: P95_MAX_MS='\''fast'\'': not a number of milliseconds" err
'

# EXAMPLES of man/p95parse.1.
test_expect_success 'man: the merge gate (EXAMPLES)' '
	split_rr "$ND" 4 runner- &&
	p95parse --merge -t ep=models --max 1200 --failed-max 0.01 \
	    runner-0 runner-1 runner-2 runner-3 >out &&
	contains p95_precision=exact out && contains gate_p95=pass out &&
	contains gate_http_req_failed=pass out
'

test_done
