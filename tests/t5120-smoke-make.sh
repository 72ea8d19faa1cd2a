#!/bin/sh
# The make targets of the pipeline: smoke-local, demo, preflight, sysinfo
# (through make, when the build is up to date: a test never rebuilds), and
# build-log's logging on a small project of its own.
# shellcheck disable=SC2317 # the helpers are called from test bodies
# shellcheck source=tests/lib.sh
. "${0%/*}/lib.sh"

# shellcheck source=tests/smokelib.sh
. "$ROOT/tests/smokelib.sh"

# The backend that passes answers in 1 ms (-l 1): the load is a closed
# loop, and an instant answer would keep a core busy for all its length.
start_fixture -l 1 >/dev/null
URL=$FIXTURE_URL PORT=$FIXTURE_PORT
start_fixture -s 503 >/dev/null
URL503=$FIXTURE_URL
# Where nothing listens, held for the file.
hold_port || exit 1
CLOSED=$HELD_PORT
export URL PORT URL503 CLOSED

# A make that would build nothing: then the targets can run here.
# One that would is a failure (make test-build came first), not a skip.
MAKE_OK=
if have make && [ "$PROGS" = "$O" ]; then
	test_expect_success 'the build is up to date: make -q all fixture' '
		make -q -C "$ROOT" O="$O" all "$FIXTURE"
	'
	make -q -C "$ROOT" O="$O" all "$FIXTURE" >/dev/null 2>&1 && MAKE_OK=1
fi

# smoke_make TARGET [NAME=VALUE...]: make TARGET with the test's knobs.
smoke_make() {
	sm_target=$1
	shift
	make -s --no-print-directory -C "$ROOT" O="$O" RUNS_DIR="$PWD/runs" \
	    K6_MODE=native K6_DURATION=300ms K6_VUS=1 DEMO_DURATION=300ms RETRIES=1 WAIT_S=5 \
	    COMPOSE_FILE="$PWD/no-compose.yml" "$@" "$sm_target" >out 2>err
}

if [ -n "$MAKE_OK" ]; then
	test_expect_success 'EXAMPLES: make smoke-local P95_MAX_MS=800: PASS, exit 0' '
		expect_code 0 smoke_make smoke-local BASE_URL="$URL" PORT="$PORT" P95_MAX_MS=800 &&
		grep "^smoke: PASS $P95_SHOWN < 800.00 ms, .* native load ($PWD/runs/[0-9-]*)\$" out &&
		has_artifacts status.json metrics.txt
	'
	test_expect_success 'make smoke-local failing: make says 2, status.json keeps the code' '
		expect_code 2 smoke_make smoke-local BASE_URL="$URL503" &&
		grep "^smoke: FAIL healthz: GET /healthz: HTTP 503, wanted 200" out &&
		status_has "\"exit_code\": 1," &&
		sed -n "s/^make\(\[[0-9]*\]\)\{0,1\}: \(\*\*\* \[mk\/smoke\.mk:[0-9]*: smoke-local\]\) Error 1\$/make: \2 Error 4/p" \
		    err >make.line &&
		test -s make.line &&
		contains "$(cat make.line)" "$ROOT/README.md" &&
		contains "$(cat make.line)" "$ROOT/man/smokekit.7"
	'
	test_expect_success 'EXAMPLES: make demo: the bundled backend, the smoke, the artifacts, the backend stopped' '
		expect_code 0 smoke_make demo &&
		grep "^demo: the bundled backend (fixture server) listens on 127.0.0.1:[0-9]* (pid [0-9]*)\$" out &&
		grep "^smoke: PASS p95 .* 2 models, native load ($PWD/runs/[0-9-]*)\$" out &&
		contains "demo: artifacts in $PWD/runs/latest/" out &&
		status_has "{\"name\":\"leakscan\",\"ok\":true," &&
		pid=$(sed -n "s/^demo: .* (pid \([0-9]*\))\$/\1/p" out) &&
		port=$(sed -n "s/^demo: .* listens on 127.0.0.1:\([0-9]*\) .*/\1/p" out) &&
		! kill -0 "$pid" 2>/dev/null &&
		portfree -q "127.0.0.1:$port"
	'
	test_expect_success 'make smoke-local K6_DURATION=0m2s, native load: k6'"'"'s form reaches httpprobe, PASS' '
		expect_code 0 smoke_make smoke-local BASE_URL="$URL" PORT="$PORT" K6_DURATION=0m2s &&
		grep "^smoke: PASS p95 .* native load ($PWD/runs/[0-9-]*)\$" out &&
		status_has "\"detail\":\"native load, 1 VU for 0m2s, exit 0 (the gate decides)\""
	'
	test_expect_success 'make demo DEMO_DURATION=0m1.5s: PASS' '
		expect_code 0 smoke_make demo DEMO_DURATION=0m1.5s &&
		grep "^smoke: PASS p95 .* 2 models, native load" out &&
		status_has "native load, 1 VU for 0m1.5s, exit 0"
	'
	test_expect_success 'make smoke-local with a bad knob: knobcheck'"'"'s line, before anything runs' '
		expect_code 2 smoke_make smoke-local BASE_URL="$URL" K6_DURATION=1x &&
		check_str "smoke: FAIL usage: K6_DURATION='"'"'1x'"'"': not a duration (e.g. 10s, 1m30s, 500ms)" out &&
		test ! -e runs
	'
	test_expect_success 'make preflight: the checklist, exit 0 with the backend up' '
		expect_code 0 smoke_make preflight BASE_URL="$URL" &&
		grep "^✓ port 127.0.0.1:$PORT: " out &&
		grep "^preflight: [0-9]* ok, 0 to fix" out
	'
	test_expect_success 'make sysinfo: the host facts as key=value' '
		expect_code 0 smoke_make sysinfo &&
		for k in date host os cpus user httpprobe jq k6 docker base_url k6_mode; do
			grep "^$k=." out >/dev/null || { echo "no $k" >&2; return 1; }
		done
	'
else
	test_skip 'make smoke-local, demo, preflight, sysinfo' 'no make, or the programs are not those make builds (make test-static)'
fi

test_expect_success 'demo on a bare PATH: nothing but the build and POSIX utilities' '
	SMOKE_CMD=demo smoke_code 0 http://unused FIXTURE="$FIXTURE" DEMO_DURATION=300ms &&
	grep "^smoke: PASS p95 .* 2 models, native load" out &&
	contains "demo: stopping the backend (pid " out &&
	has_artifacts status.json metrics.txt env_acl.txt &&
	test -f runs/latest/leakscan.txt && test ! -s runs/latest/leakscan.txt &&
	contains "✓ compose not used (COMPOSE_FILE is empty)" runs/latest/preflight.txt &&
	lacks "compose file" runs/latest/preflight.txt
'

test_expect_success 'preflight alone: ✓/✗ with a fix under each ✗; exit 4 when nothing listens' '
	SMOKE_CMD=preflight smoke_code 4 "http://127.0.0.1:$CLOSED" &&
	grep "^✗ port 127.0.0.1:$CLOSED: nothing listens (the backend is not up)\$" out &&
	grep "^    fix: start it: make up" out &&
	grep "^✗ jq not found: nothing needs it (optional)\$" out &&
	grep "^✓ k6 script $ROOT/tests/k6_models.js\$" out &&
	test ! -e runs
'

test_expect_success 'EXAMPLES: make preflight ENV_FILE=.env ENV_USER=1000: the fix, the evidence' '
	printf "API_KEY=sk-test-Preflight42\n" >.env && chmod 600 .env &&
	SMOKE_CMD=preflight smoke_code 3 "$URL" ENV_FILE=.env ENV_USER=1000 &&
	grep "^✗ env file .env not readable by user 1000: " out &&
	grep "^    fix: .*setfacl -m u:[a-z0-9]*:r $PWD/.env (ACL evidence below)\$" out &&
	grep "^    # file: $PWD/.env\$" out &&
	grep "^preflight: [0-9]* ok, 1 to fix" out &&
	lacks sk-test-Preflight42 out
'

test_expect_success 'sysinfo alone on a bare PATH: what is absent says so' '
	SMOKE_CMD=sysinfo smoke_code 0 "$URL" &&
	contains "jq=absent" out && contains "k6=absent" out && contains "docker=absent" out &&
	contains "k6_mode=native" out && contains "base_url=$URL" out &&
	SMOKE_CMD=sysinfo smoke_code 2 "$URL" K6_MODE=bogus &&
	check_str "sysinfo: FAIL usage: K6_MODE='"'"'bogus'"'"': want auto, host, compose or native" out
'

# knobs: the variables mk/smoke.mk hands mk/smoke.sh, one a line.
knobs() {
	awk '/^SMOKE_VARS *=/ { on = 1; sub(/^SMOKE_VARS *=/, "") }
	    on { for (i = 1; i <= NF; i++) if ($i != "\\") print $i; if ($NF != "\\") exit }' \
	    "$ROOT/mk/smoke.mk"
}

# make_default KNOB, sh_default KNOB: its default in mk/config.mk, in mk/smoke.sh.
make_default() {
	sed -n "s/^$1 *?= *//p" "$ROOT/mk/config.mk"
}
sh_default() {
	sed -n "s/.*\"\\\${$1:*=\([^}]*\)}\".*/\1/p" "$ROOT/mk/smoke.sh"
}

test_expect_success 'every knob: the same default in config.mk and mk/smoke.sh, an entry in smokekit(7)' '
	knobs >knobs && test "$(wc -l <knobs)" -ge 20 &&
	grep -x BASE_URL knobs && grep -x LEAK_IGNORE knobs &&
	while read -r k; do
		test "$(make_default "$k")" = "$(sh_default "$k")" &&
		grep "^\.It Ev $k\$" "$ROOT/man/smokekit.7" >/dev/null || {
			echo "$k: make \"$(make_default "$k")\", sh \"$(sh_default "$k")\", or not in smokekit.7" >&2
			return 1
		}
	done <knobs
'

# A project of two C files for build-log to build; make and cc are real.
mkdir -p "$TRASH/proj"
printf 'all: hello\nhello: hello.c\n\t$(CC) -Wall -o hello hello.c\n' >"$TRASH/proj/Makefile"
printf '#include <stdio.h>\nint main(void) { int unused; puts("hi"); return 0; }\n' \
    >"$TRASH/proj/hello.c"
printf 'int main(void) { return nope; }\n' >"$TRASH/proj/broken.c"

if have make && have cc; then
	test_expect_success 'build-log: the compiler output, versions first, into a run directory' '
		cp "$TRASH/proj/Makefile" "$TRASH/proj/hello.c" . &&
		expect_code 0 env RUNS_DIR=runs SMOKEKIT_BIN="$PROGS" CC=cc \
		    sh "$ROOT/mk/smoke.sh" build-log make >out 2>err &&
		check_str "build-log: PASS runs/$(run_name)/build.log" out &&
		log=runs/latest/build.log &&
		grep "^# .* cc: " "$log" && grep "^# make -B all\$" "$log" &&
		contains "cc -Wall -o hello hello.c" "$log" &&
		contains "warning: unused variable" "$log" &&
		check_str "# exit 0" "$(tail -n 1 "$log" >last && echo last)"
	'
	test_expect_success 'build-log under make -s (MAKEFLAGS=s): the compiler lines are still logged' '
		cp "$TRASH/proj/Makefile" "$TRASH/proj/hello.c" . &&
		expect_code 0 env MAKEFLAGS=s RUNS_DIR=runs SMOKEKIT_BIN="$PROGS" CC=cc \
		    sh "$ROOT/mk/smoke.sh" build-log make >out 2>err &&
		contains "cc -Wall -o hello hello.c" runs/latest/build.log
	'
	test_expect_success 'build-log: a failing build is make'"'"'s status, and the log says why' '
		cp "$TRASH/proj/Makefile" . && cp "$TRASH/proj/broken.c" hello.c &&
		expect_code 2 env RUNS_DIR=runs SMOKEKIT_BIN="$PROGS" \
		    sh "$ROOT/mk/smoke.sh" build-log make >out 2>err &&
		grep "^build-log: FAIL build: make exited 2 (runs/[0-9-]*/build.log)\$" out &&
		contains "nope" runs/latest/build.log
	'
else
	test_skip 'build-log' 'no make or cc here'
fi

test_done
