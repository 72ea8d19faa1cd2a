#!/bin/sh
# The pipeline against hostile knobs, servers and file systems: knobcheck
# (the one validator the shell asks), knob values make never evaluates,
# a Retry-After beyond every bound, a full file system under the run.
# shellcheck disable=SC2016 # $(...) in single quotes is the hostile text itself
# shellcheck disable=SC2317 # the helpers are called from test bodies
# shellcheck source=tests/lib.sh
. "${0%/*}/lib.sh"

# shellcheck source=tests/smokelib.sh
. "$ROOT/tests/smokelib.sh"

[ -x "$PROGS/knobcheck" ] || skip_all "$PROGS/knobcheck is not built"

# The backend that passes answers in 1 ms (-l 1): the load is a closed
# loop, and an instant answer would keep a core busy for all its length.
start_fixture -l 1 >/dev/null
OK_URL=$FIXTURE_URL OK_PORT=$FIXTURE_PORT
export OK_URL OK_PORT

# --- knobcheck ------------------------------------------------------------

test_expect_success 'knobcheck -h, --help, -V, --version; a bad option or no operand is usage, exit 2' '
	expect_code 0 knobcheck -h >out 2>err && test ! -s err &&
	grep "^usage: knobcheck \[-hlqV\] NAME=VALUE \.\.\.\$" out &&
	grep "^  -l  " out && grep "^  -q  " out &&
	expect_code 0 knobcheck --help >out2 && check out out2 &&
	expect_code 0 knobcheck -V >out && contains smokekit out &&
	expect_code 0 knobcheck --version >out2 && check out out2 &&
	expect_code 2 knobcheck -@ >out 2>err && test ! -s out &&
	grep "^usage: knobcheck " err &&
	expect_code 2 knobcheck >out 2>err && grep "^usage: knobcheck " err
'

test_expect_success 'knobcheck: an operand that is not NAME=VALUE, an unknown knob, a knob twice: exit 2' '
	expect_code 2 knobcheck K6_DURATION >out 2>err &&
	check_str "knobcheck: K6_DURATION: want NAME=VALUE" err &&
	expect_code 2 knobcheck NOPE=1 >out 2>err &&
	check_str "knobcheck: NOPE: not a knob (knobcheck -l lists them)" err &&
	expect_code 2 knobcheck PORT=1 PORT=2 >out 2>err &&
	check_str "knobcheck: PORT: given twice" err && test ! -s out
'

test_expect_success 'knobcheck -l: every knob make hands the scripts, and no other' '
	expect_code 0 knobcheck -l >list &&
	sed "s/ .*//" list | grep -v "^STAGE_" >names &&
	awk "/^SMOKE_VARS *=/ { on = 1; sub(/^SMOKE_VARS *=/, \"\") }
	    on { for (i = 1; i <= NF; i++) if (\$i != \"\\\\\") print \$i; if (\$NF != \"\\\\\") exit }" \
	    "$ROOT/mk/smoke.mk" | sort >vars &&
	sort names >sorted && check vars sorted &&
	grep -x "BASE_URL url" list && grep -x "K6_DURATION duration" list &&
	grep -x "ENV_FILE path optional" list
'

test_expect_success 'EXAMPLES: knobcheck BASE_URL=http://localhost:8082/api/: its parts' '
	expect_code 0 knobcheck BASE_URL=http://localhost:8082/api/ >out &&
	cat >want <<-\EOF &&
	BASE_URL=http://localhost:8082/api/
	BASE_URL.host=localhost
	BASE_URL.port=8082
	BASE_URL.hostport=localhost:8082
	BASE_URL.endpoint=localhost:8082
	BASE_URL.prefix=/api
	BASE_URL.base=http://localhost:8082/api
	EOF
	check want out
'

test_expect_success 'EXAMPLES: knobcheck K6_DURATION=1m30s, and 1x' '
	expect_code 0 knobcheck K6_DURATION=1m30s >out &&
	printf "K6_DURATION=1m30s\nK6_DURATION.ms=90000\n" >want && check want out &&
	expect_code 1 knobcheck K6_DURATION=1x >out 2>err && test ! -s out &&
	check_str "knobcheck: K6_DURATION='"'"'1x'"'"': not a duration (e.g. 10s, 1m30s, 500ms)" err
'

test_expect_success 'EXAMPLES: knobcheck -q PORT=70000: the line, exit 1' '
	expect_code 1 knobcheck -q PORT=70000 >out 2>err && test ! -s out &&
	check_str "knobcheck: PORT='"'"'70000'"'"': want a port number, 1 to 65535" err
'

# good KNOB=VALUE [FACT...]: accepted, each FACT among the facts.
good() {
	expect_code 0 knobcheck "$1" >out 2>err || { cat err >&2; return 1; }
	shift
	for f; do
		grep -F -x -e "$f" out >/dev/null || { echo "no fact $f" >&2; cat out >&2; return 1; }
	done
	test ! -s err
}

# bad KNOB=VALUE WHY: refused with exactly that reason.
bad() {
	expect_code 1 knobcheck "$1" >out 2>err &&
	test ! -s out &&
	check_str "knobcheck: ${1%%=*}='${1#*=}': $2" err
}

test_expect_success 'knobcheck: every form k6 takes is a duration, as written, with its milliseconds' '
	good K6_DURATION=1m30s K6_DURATION=1m30s K6_DURATION.ms=90000 &&
	good K6_DURATION=1.5s K6_DURATION.ms=1500 &&
	good K6_DURATION=500ms K6_DURATION.ms=500 &&
	good K6_DURATION=2h K6_DURATION.ms=7200000 &&
	good K6_DURATION=0m2s K6_DURATION=0m2s K6_DURATION.ms=2000 &&
	good DEMO_DURATION=0m1.5s DEMO_DURATION.ms=1500 &&
	good K6_DURATION=10 K6_DURATION.ms=10000 &&
	good K6_DURATION=0.5 K6_DURATION.ms=500 &&
	good K6_DURATION=250us K6_DURATION.ms=1 &&
	good K6_DURATION=1h2m3s K6_DURATION.ms=3723000 &&
	good TIMEOUT=500ms TIMEOUT.ms=500 &&
	good WAIT_S=0 WAIT_S.ms=0 && good WARMUP_S=1m WARMUP_S.ms=60000
'

test_expect_success 'knobcheck: what is not a duration, or out of range' '
	bad K6_DURATION=1x "not a duration (e.g. 10s, 1m30s, 500ms)" &&
	bad K6_DURATION=1m30 "not a duration (e.g. 10s, 1m30s, 500ms)" &&
	bad K6_DURATION=-1s "not a duration (e.g. 10s, 1m30s, 500ms)" &&
	bad K6_DURATION="1 s" "not a duration (e.g. 10s, 1m30s, 500ms)" &&
	bad K6_DURATION=1e3 "not a duration (e.g. 10s, 1m30s, 500ms)" &&
	bad K6_DURATION=0s "must be longer than 0" &&
	bad K6_DURATION=25h "longer than 24h" &&
	bad K6_DURATION= "is empty" &&
	bad TIMEOUT=0 "must be longer than 0" &&
	bad WAIT_S=forever "not a number of seconds or a duration (e.g. 10, 0.5, 500ms, 1m)"
'

test_expect_success 'knobcheck: URLs by url.c, credentials never shown, no query or fragment' '
	good BASE_URL=http://[::1]:8082/ "BASE_URL.endpoint=[::1]:8082" "BASE_URL.hostport=[::1]:8082" \
	    "BASE_URL.host=::1" "BASE_URL.prefix=" "BASE_URL.base=http://[::1]:8082" &&
	good BASE_URL=http://example.test BASE_URL.port=80 BASE_URL.endpoint=example.test:80 \
	    BASE_URL.hostport=example.test BASE_URL.base=http://example.test &&
	good K6_COMPOSE_URL= K6_COMPOSE_URL= &&
	expect_code 1 knobcheck BASE_URL=http://smoke:pw-Kq83Zt@127.0.0.1:1/ >out 2>err &&
	check_str "knobcheck: BASE_URL='"'"'http://***@127.0.0.1:1/'"'"': credentials (user:password@) in the URL are not supported" err &&
	lacks pw-Kq83Zt err &&
	bad BASE_URL=https://127.0.0.1/ "https is not supported (use curl for TLS)" &&
	bad BASE_URL=http://127.0.0.1:0 "port out of range (1-65535)" &&
	bad "BASE_URL=http://h/?debug=1" "a base URL has no query or fragment (the pipeline appends /healthz and /v1/models)" &&
	bad "BASE_URL=http://h/#top" "a base URL has no query or fragment (the pipeline appends /healthz and /v1/models)" &&
	bad BASE_URL= "is empty"
'

test_expect_success 'knobcheck: numbers, names, paths; a control character in any knob' '
	good PORT=08082 PORT=8082 && good K6_VUS=2 K6_VUS=2 && good RETRIES=0 RETRIES=0 &&
	good P95_MAX_MS=1200.5 P95_MAX_MS=1200.5 && good FAILED_MAX=0 FAILED_MAX=0 &&
	bad PORT=65536 "want a port number, 1 to 65535" &&
	bad K6_VUS=0 "want a count from 1 to 100000" &&
	bad RETRIES=-1 "want a count from 0 to 1000" &&
	bad P95_MAX_MS=12x "not a number of milliseconds (e.g. 1200)" &&
	bad P95_MAX_MS=nan "not a number of milliseconds (e.g. 1200)" &&
	bad FAILED_MAX=1.5 "not a ratio from 0 to 1 (e.g. 0.01 for 1%)" &&
	bad K6_MODE=sometimes "want auto, host, compose or native" &&
	bad COMPOSE_SERVICE=-api "not a name (letters, digits, '"'"'_'"'"', '"'"'.'"'"' and '"'"'-'"'"', not first)" &&
	bad K6_IMAGE="--privileged" "not an image reference (e.g. grafana/k6:1.0.0)" &&
	bad ENV_FILE=-e "starts with '"'"'-'"'"', which a program would take for an option (write ./ first)" &&
	bad ENV_USER="root;id" "not a user name or uid (e.g. 1000, www-data)" &&
	bad LEAK_IGNORE="DB_HOST 9X" "not a list of variable names (e.g. DB_HOST MODEL_NAME)" &&
	good LEAK_IGNORE="DB_HOST  MODEL_NAME" &&
	good "STARTUP_LINE=Application startup complete." &&
	expect_code 1 knobcheck "STARTUP_LINE=$(printf "a\nb")" >out 2>err &&
	check_str "knobcheck: STARTUP_LINE='"'"'a?b'"'"': a newline or control character (a knob is one line)" err &&
	expect_code 1 knobcheck "BASE_URL=$(printf "http://h/\na")" >out 2>err &&
	check_str "knobcheck: BASE_URL='"'"'http://h/?a'"'"': space or control character in the URL" err
'

test_expect_success 'knobcheck: several bad knobs, one line each, the good ones still said' '
	expect_code 1 knobcheck K6_DURATION=1x PORT=8082 K6_VUS=x >out 2>err &&
	check_str PORT=8082 out &&
	line_count 2 err && grep "^knobcheck: K6_DURATION=" err && grep "^knobcheck: K6_VUS=" err
'

if [ -w /dev/full ]; then
	test_expect_success 'knobcheck: facts to a full disk is exit 3' '
		expect_code 3 knobcheck PORT=1 >/dev/full 2>err &&
		contains "knobcheck: " err
	'
else
	test_skip 'knobcheck: facts to a full disk is exit 3' 'no /dev/full'
fi

# --- knob values are text, never code -------------------------------------

test_expect_success 'the script never evaluates a knob: $(...) and `...` stay text, refused' '
	smoke_code 2 "$OK_URL" P95_MAX_MS="\$(touch $PWD/evaluated)1200" &&
	check_str "smoke: FAIL usage: P95_MAX_MS='"'"'\$(touch $PWD/evaluated)1200'"'"': not a number of milliseconds (e.g. 1200)" out &&
	smoke_code 2 "$OK_URL" K6_DURATION="\`touch $PWD/evaluated\`" &&
	test ! -e evaluated && test ! -e runs
'

test_expect_success 'several bad knobs: the first in the FAIL line, every one on stderr, nothing run' '
	smoke_code 2 "$OK_URL" K6_DURATION=1x K6_VUS=none &&
	check_str "smoke: FAIL usage: K6_VUS='"'"'none'"'"': want a count from 1 to 100000" out &&
	grep "^knobcheck: K6_VUS='"'"'none'"'"': " err &&
	grep "^knobcheck: K6_DURATION='"'"'1x'"'"': not a duration" err &&
	test ! -e runs
'

test_expect_success 'demo with a bad DEMO_DURATION: knobcheck'"'"'s line, no backend started' '
	SMOKE_CMD=demo smoke_code 2 http://unused FIXTURE="$FIXTURE" DEMO_DURATION=0m1.5 &&
	check_str "demo: FAIL usage: DEMO_DURATION='"'"'0m1.5'"'"': not a duration (e.g. 10s, 1m30s, 500ms)" out &&
	lacks "listens on" out && test ! -e runs
'

test_expect_success 'leading zeros (RETRIES=08, TIMEOUT=05): decimal numbers, never the shell'"'"'s octal' '
	smoke_code 0 "$OK_URL" RETRIES=08 TIMEOUT=05 &&
	grep "^smoke: PASS p95 .* native load" out && test ! -s err
'

test_expect_success 'BASE_URL with $(...) in its path: reaches the run as written, never rewritten' '
	smoke_code 1 "$OK_URL/\$(id)" &&
	fail_line healthz "GET /\$(id)/healthz: HTTP 404, wanted 200 (body in $PWD/runs/$(run_name)/healthz.json)" &&
	status_has "\"base_url\": \"$OK_URL/\$(id)\""
'

# A make that would build nothing: then the targets can run here.
MAKE_OK=
if have make && [ "$PROGS" = "$O" ] &&
    make -q -C "$ROOT" O="$O" all "$FIXTURE" >/dev/null 2>&1; then
	MAKE_OK=1
fi

# hostile_make [NAME=VALUE...] TARGET...: make with the test's knobs (a
# plain value each, none hostile), then the caller's, into out and err.
hostile_make() {
	make -s --no-print-directory -C "$ROOT" O="$O" RUNS_DIR="$PWD/runs" \
	    K6_MODE=native K6_DURATION=500ms RETRIES=1 WAIT_S=5 \
	    COMPOSE_FILE="$PWD/no-compose.yml" "$@" >out 2>err
}

if [ -n "$MAKE_OK" ]; then
	test_expect_success 'make smoke-local P95_MAX_MS=$(shell ...): not run, the value refused as written' '
		expect_code 2 hostile_make BASE_URL="$OK_URL" \
		    P95_MAX_MS="\$(shell touch $PWD/evaluated)1200" smoke-local &&
		test ! -e evaluated &&
		check_str "smoke: FAIL usage: P95_MAX_MS='"'"'\$(shell touch $PWD/evaluated)1200'"'"': not a number of milliseconds (e.g. 1200)" out &&
		test ! -e runs
	'
	test_expect_success 'the same from the environment: not run, refused as written' '
		P95_MAX_MS="\$(shell touch $PWD/evaluated)1200" \
		    expect_code 2 hostile_make BASE_URL="$OK_URL" smoke-local &&
		test ! -e evaluated &&
		contains "smoke: FAIL usage: P95_MAX_MS='"'"'\$(shell touch $PWD/evaluated)1200'"'"'" out
	'
	test_expect_success 'make -n smoke-local with a $(shell ...) knob: nothing run' '
		expect_code 0 hostile_make -n P95_MAX_MS="\$(shell touch $PWD/evaluated)1200" \
		    K6_DURATION="\$(shell touch $PWD/evaluated)" smoke-local &&
		test ! -e evaluated &&
		contains "sh mk/smoke.sh smoke" out && test ! -e runs
	'
	test_expect_success 'make stage-check and gate-merge with $(shell ...) knobs: not run, refused as written' '
		expect_code 2 hostile_make STAGE_URL="$OK_URL" STAGE_BURST_N="\$(shell touch $PWD/evaluated)3" stage-check &&
		test ! -e evaluated &&
		contains "STAGE_BURST_N='"'"'\$(shell touch $PWD/evaluated)3'"'"'" out &&
		expect_code 2 hostile_make FILES="\$(shell touch $PWD/evaluated)x.json" P95_MAX_MS="\$(shell touch $PWD/evaluated)1" gate-merge &&
		test ! -e evaluated &&
		contains "gate-merge: FAIL usage: P95_MAX_MS='"'"'\$(shell touch $PWD/evaluated)1'"'"'" err &&
		expect_code 0 hostile_make -n STAGE_BURST_N="\$(shell touch $PWD/evaluated)3" \
		    FILES="\$(shell touch $PWD/evaluated)" stage-check gate-merge &&
		test ! -e evaluated
	'
	test_expect_success 'make smoke-local BASE_URL=.../$(touch ...): reaches the script as written, refused' '
		expect_code 2 hostile_make BASE_URL="$OK_URL/\$(touch $PWD/evaluated)" smoke-local &&
		test ! -e evaluated &&
		check_str "smoke: FAIL usage: BASE_URL='"'"'$OK_URL/\$(touch $PWD/evaluated)'"'"': space or control character in the URL" out &&
		test ! -e runs
	'
	test_expect_success 'make smoke-local BASE_URL=.../$(id): run against that very URL' '
		expect_code 2 hostile_make BASE_URL="$OK_URL/\$(id)" smoke-local &&
		fail_line healthz "GET /\$(id)/healthz: HTTP 404, wanted 200 (body in $PWD/runs/$(run_name)/healthz.json)" &&
		status_has "\"base_url\": \"$OK_URL/\$(id)\""
	'
	test_expect_success 'a newline in a knob does not split the recipe: refused as one value' '
		nl="
" &&
		expect_code 2 hostile_make BASE_URL="$OK_URL" "K6_VUS=2${nl}touch $PWD/evaluated" \
		    smoke-local &&
		test ! -e evaluated &&
		check_str "smoke: FAIL usage: K6_VUS='"'"'2?touch $PWD/evaluated'"'"': a newline or control character (a knob is one line)" out &&
		expect_code 2 hostile_make BASE_URL="$OK_URL" \
		    "STARTUP_LINE=ok'"'"'${nl}touch $PWD/evaluated${nl}'"'"'" smoke-local &&
		test ! -e evaluated && contains "FAIL usage: STARTUP_LINE=" out
	'
	test_expect_success 'quotes, a backslash and $ in a knob reach the script intact' '
		expect_code 0 hostile_make BASE_URL="$OK_URL/it'"'"'s\"\\\$HOME\$\$" sysinfo &&
		check_str "base_url=$OK_URL/it'"'"'s\"\\\$HOME\$\$" "$(grep "^base_url=" out >line && echo line)"
	'
else
	test_skip 'make never evaluates a knob' 'the build is not up to date (make test-build)'
fi

# --- a server that asks for more time than any bound ----------------------

# ra_server PORTFILE SECONDS: a backend whose every answer is 503 with
# Retry-After: SECONDS (python3's http.server).
RA_PY='
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(503)
        self.send_header("Retry-After", sys.argv[2])
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")
    def log_message(self, *a):
        pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
open(sys.argv[1] + ".tmp", "w").write(str(s.server_address[1]))
import os; os.rename(sys.argv[1] + ".tmp", sys.argv[1])
s.serve_forever()
'
RA_URL='' RA_HUGE_URL=''
if have python3; then
	start_bg python3 -c "$RA_PY" "$TRASH/ra.port" 3600
	wait_for_file "$TRASH/ra.port" && RA_URL=http://127.0.0.1:$(cat "$TRASH/ra.port")
	start_bg python3 -c "$RA_PY" "$TRASH/rahuge.port" 2147483648
	wait_for_file "$TRASH/rahuge.port" && RA_HUGE_URL=http://127.0.0.1:$(cat "$TRASH/rahuge.port")
fi
export RA_URL RA_HUGE_URL

if [ -n "$RA_URL" ] && [ -n "$RA_HUGE_URL" ]; then
	test_expect_success 'Retry-After: 3600 beyond the probe'"'"'s bound: the step ends, FAIL names the demand' '
		SMOKE_TIMEOUT=120 expect_code 4 run_smoke "$RA_URL" RETRIES=3 TIMEOUT=2 WAIT_S=1 &&
		fail_line healthz "GET /healthz: server asks to retry after 3600 s (Retry-After), beyond the 9 s deadline (status 503)" &&
		has_artifacts status.json healthz.json
	'
	test_expect_success 'Retry-After: 2147483648 (past any clock): the step ends the same way' '
		SMOKE_TIMEOUT=120 expect_code 4 run_smoke "$RA_HUGE_URL" RETRIES=3 TIMEOUT=2 WAIT_S=1 &&
		grep "^smoke: FAIL healthz: GET /healthz: server asks to retry after [0-9]* s (Retry-After), beyond the 9 s deadline" out &&
		status_has "\"exit_code\": 4,"
	'
else
	test_skip 'Retry-After beyond the bound' 'python3 is not here'
fi

# --- a file system that is full -------------------------------------------

# In a private mount namespace: a small tmpfs at $1 holding a run
# directory with the artifacts of an earlier run, then filled up; the smoke
# into that run directory; what is left copied out to after/.
# shellcheck disable=SC2034 # used by a test body
FULL_SH='
	mnt=$1 out=$2
	shift 2
	mount -t tmpfs -o size=256k tmpfs "$mnt" || exit 90
	mkdir "$mnt/run" &&
	for f in preflight.txt sysinfo.txt status.json; do
		echo "old $f" >"$mnt/run/$f" || exit 91
	done
	dd if=/dev/zero of="$mnt/fill" bs=4096 2>/dev/null
	"$@" >"$out/out" 2>"$out/err"
	echo $? >"$out/code"
	cp -R "$mnt/run" "$out/after"
'

if [ "$(id -u)" -eq 0 ] && have unshare &&
    unshare -m sh -c 'mount -t tmpfs -o size=4k tmpfs "$1"' sh "$TRASH" 2>/dev/null; then
	test_expect_success 'a full file system: nothing half-written renamed into place, the run names the file' '
		mkdir mnt &&
		unshare -m "$SH" -c "$FULL_SH" sh "$PWD/mnt" "$PWD" \
		    env -i HOME="$HOME" LC_ALL=C TMPDIR="${TMPDIR:-/tmp}" PATH="$BARE" \
		    SMOKEKIT_BIN="$PROGS" RUN_DIR="$PWD/mnt/run" BASE_URL="$OK_URL" \
		    K6_MODE=native K6_DURATION=500ms WAIT_S=5 COMPOSE_FILE= \
		    "$SH" "$ROOT/mk/smoke.sh" smoke &&
		check_str 3 code &&
		check_str "smoke: FAIL write: cannot write $PWD/mnt/run/preflight.txt: No space left on device ($PWD/mnt/run)" out &&
		contains "smoke: cannot write $PWD/mnt/run/sysinfo.txt: No space left on device" err &&
		for f in preflight.txt sysinfo.txt status.json; do
			check_str "old $f" "after/$f" || return 1
		done &&
		find after -name ".*.tmp.*" >tmps && test ! -s tmps
	'
else
	test_skip 'a full file system under the run directory' 'not root, or no unshare -m with tmpfs here'
fi

if [ "$(id -u)" -ne 0 ]; then
	test_expect_success 'a run directory that cannot be written: the run names the file, exit 3' '
		mkdir run && echo "old sysinfo.txt" >run/sysinfo.txt && chmod 555 run &&
		smoke_code 3 "$OK_URL" RUN_DIR="$PWD/run" &&
		check_str "smoke: FAIL write: cannot write $PWD/run/preflight.txt: Permission denied ($PWD/run)" out &&
		check_str "old sysinfo.txt" run/sysinfo.txt &&
		chmod 755 run
	'
else
	test_skip 'a run directory that cannot be written' 'root writes anywhere (the full file system test stands in)'
fi

test_done
