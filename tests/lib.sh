# shellcheck shell=sh
# tests/lib.sh: a small TAP test library in the style of git's t/.
#
# A test file sources it, runs test_expect_success for each case and ends
# with test_done:
#
#	#!/bin/sh
#	# shellcheck source=tests/lib.sh
#	. "${0%/*}/lib.sh"
#	test_expect_success 'missing key is exit 1' '
#		printf "{}" >in.json &&
#		expect_code 1 jsonfield .data in.json
#	'
#	test_done
#
# Each test body runs in a subshell, in a directory of its own under
# $TRASH, and passes when it exits 0: chain its commands with &&. Never pipe
# the program under test; redirect to a file, then look at the file.
#
# Options: -v shows every command's output, -i stops at the first failure.
#
# Environment: SMOKEKIT_O the build directory (default bin), SMOKEKIT_PROGS
# where the programs are (default $SMOKEKIT_O). The corpora the tests read
# are in the tree: $TESTDATA is tests/data.
#
# Skips: test_skip and skip_all are for a facility this machine lacks
# (docker, a locale, root, a Debian package), said with its reason. Our own
# programs are never a reason to skip: a file that finds one missing, or
# one that does not work, fails (fail_all, or a failing test).

LC_ALL=C
export LC_ALL
unset CDPATH

ROOT=$(cd "${0%/*}/.." && pwd) || exit 1
O=${SMOKEKIT_O:-bin}
case $O in /*) ;; *) O=$ROOT/$O ;; esac
PROGS=${SMOKEKIT_PROGS:-$O}
case $PROGS in /*) ;; *) PROGS=$ROOT/$PROGS ;; esac
FIXTURE=$O/demobackend
TESTDATA=$ROOT/tests/data
PATH=$PROGS:$PATH
export ROOT O PROGS FIXTURE TESTDATA PATH

test_verbose=
test_immediate=
for arg; do
	case $arg in
	-v|--verbose) test_verbose=1 ;;
	-i|--immediate) test_immediate=1 ;;
	*) echo "usage: $0 [-v] [-i]" >&2; exit 2 ;;
	esac
done

test_count=0
test_failed=0
test_bg_pids=
TRASH=$(mktemp -d "${TMPDIR:-/tmp}/smokekit-test.XXXXXX") || exit 1
export TRASH

test_cleanup() {
	for pid in $test_bg_pids; do
		kill "$pid" 2>/dev/null
	done
	for pid in $test_bg_pids; do
		wait "$pid" 2>/dev/null
	done
	test_bg_pids=
	rm -rf "$TRASH"
}
trap 'test_cleanup' EXIT
trap 'exit 130' INT TERM

# test_expect_success DESCRIPTION BODY
test_expect_success() {
	test_count=$((test_count + 1))
	test_dir=$TRASH/$test_count
	[ "$test_count" -le "$test_dirs_made" ] || test_make_dirs
	if [ -n "$test_verbose" ]; then
		(cd "$test_dir" && eval "$2")
	else
		(cd "$test_dir" && eval "$2") >"$TRASH/out.$test_count" 2>&1
	fi
	test_status=$?
	if [ "$test_status" -eq 0 ]; then
		echo "ok $test_count - $1"
	else
		test_failed=$((test_failed + 1))
		echo "not ok $test_count - $1"
		if [ -z "$test_verbose" ]; then
			tail -n 30 "$TRASH/out.$test_count" | sed 's/^/#	/'
		fi
		if [ -n "$test_immediate" ]; then
			echo "# stopped at the first failure (-i); trash kept in $TRASH"
			trap - EXIT
			exit 1
		fi
	fi
}

# test_make_dirs: the directories of this test and the next 63 in one
# mkdir (an exec a test is two seconds of CPU over the suite).
test_dirs_made=0
test_make_dirs() {
	tmd_names=
	tmd_n=$test_count
	while [ "$tmd_n" -lt $((test_count + 64)) ]; do
		tmd_names="$tmd_names $tmd_n"
		tmd_n=$((tmd_n + 1))
	done
	# shellcheck disable=SC2086 # numbers, one a word
	(cd "$TRASH" && mkdir -p $tmd_names) || exit 1
	test_dirs_made=$((tmd_n - 1))
}

# test_skip DESCRIPTION REASON: a test that cannot run here, said out loud.
test_skip() {
	test_count=$((test_count + 1))
	echo "ok $test_count # skip $1 ($2)"
}

# skip_all REASON: the whole file cannot run here.
skip_all() {
	echo "1..0 # SKIP $1"
	exit 0
}

# fail_all REASON: the file cannot test anything, and that is our fault
# (a program or a corpus of ours is missing): one failing test, then stop.
fail_all() {
	test_count=$((test_count + 1))
	echo "not ok $test_count - $1"
	echo "1..$test_count"
	exit 1
}

test_done() {
	echo "1..$test_count"
	[ "$test_failed" -eq 0 ]
	exit
}

# val KEY FILE: the value of KEY in a key=value output file (KEY a sed
# pattern; every match).
val() {
	sed -n "s/^$1=//p" "$2"
}

# at_least MIN VALUE (decimals allowed). Only for bounds the program
# guarantees whatever the machine's speed; there is no at_most.
at_least() {
	awk -v a="$2" -v b="$1" 'BEGIN { exit !(a != "" && a >= b) }' ||
		{ echo "at_least: '$2' < $1" >&2; return 1; }
}

# within A B REL: the number A is within REL of B (|A - B| <= REL * B);
# else says which and fails.
within() {
	awk -v a="$1" -v b="$2" -v rel="$3" 'BEGIN {
		d = a - b; if (d < 0) d = -d
		if (a != "" && b != "" && d <= rel * b) exit 0
		printf "%s is not within %s of %s\n", a, rel, b; exit 1 }' >&2
}

# have COMMAND: is COMMAND on PATH?
have() {
	command -v "$1" >/dev/null 2>&1
}

# expect_code STATUS COMMAND [ARG...]: run COMMAND, want exit STATUS.
# A subshell, so that nested calls and the command cannot clobber its state.
expect_code() (
	want=$1
	shift
	"$@"
	got=$?
	if [ "$got" -ne "$want" ]; then
		echo "expect_code: wanted exit $want, got $got: $*" >&2
		exit 1
	fi
	exit 0
)

# check EXPECTED_FILE ACTUAL_FILE: equal, or show the diff.
check() {
	if ! cmp -s "$1" "$2"; then
		echo "check: $2 differs from $1:" >&2
		diff -u "$1" "$2" >&2
		return 1
	fi
}

# check_str TEXT ACTUAL_FILE: the file is TEXT plus a newline.
check_str() {
	printf '%s\n' "$1" >"$TRASH/check_str.$$"
	check "$TRASH/check_str.$$" "$2"
}

# contains FIXED_STRING FILE / lacks FIXED_STRING FILE
contains() {
	if ! grep -F -e "$1" "$2" >/dev/null; then
		echo "contains: '$1' not in $2:" >&2
		head -n 20 "$2" >&2
		return 1
	fi
}
lacks() {
	if grep -F -e "$1" "$2" >/dev/null; then
		echo "lacks: '$1' found in $2:" >&2
		grep -n -F -e "$1" "$2" | head -n 5 >&2
		return 1
	fi
}

# line_count N FILE
line_count() {
	n=$(wc -l <"$2")
	if [ "$n" -ne "$1" ]; then
		echo "line_count: wanted $1 lines in $2, got $n" >&2
		return 1
	fi
}

# wait_for_file FILE [TENTHS]: poll (bounded, default 10 s) until FILE is non-empty.
wait_for_file() {
	tries=${2:-100}
	while [ ! -s "$1" ] && [ "$tries" -gt 0 ]; do
		sleep 0.1
		tries=$((tries - 1))
	done
	[ -s "$1" ]
}

# start_bg COMMAND [ARG...]: a background process stopped when the file ends.
# Sets BG_PID. Call it at the top level of a test file, not inside a body.
start_bg() {
	"$@" &
	BG_PID=$!
	test_bg_pids="$test_bg_pids $BG_PID"
}

# stop_bg PID: stop one background process now (by pid, never by name).
stop_bg() {
	kill "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	test_bg_pids=$(echo "$test_bg_pids" | sed "s/ $1\$//; s/ $1 / /")
	return 0
}

# hold_port: HELD_PORT, a TCP port of 127.0.0.1 where nothing listens for
# the whole file: python3 keeps it bound, never listening, without
# SO_REUSEADDR, so that no other socket can take it and a connect is
# refused. (A port merely free now may be any other file's port 0 next.)
# Without python3, a port free now. Top level only.
hold_port() {
	HELD_PORT=
	if have python3; then
		hp_file=$TRASH/held.port.$test_count.$$
		start_bg python3 -c 'import socket, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1], flush=True)
time.sleep(86400)' >"$hp_file"
		wait_for_file "$hp_file" 300 && HELD_PORT=$(cat "$hp_file")
	else
		HELD_PORT=$(portfree -p)
	fi
	[ -n "$HELD_PORT" ] || { echo "hold_port: no port held" >&2; return 1; }
}

# start_fixture [ARG...]: our fixture HTTP server on 127.0.0.1, port 0.
# Sets FIXTURE_PID, FIXTURE_PORT and FIXTURE_URL. Top level only.
# shellcheck disable=SC2034 # the variables are for the test files
start_fixture() {
	[ -x "$FIXTURE" ] || { echo "start_fixture: $FIXTURE not built" >&2; return 1; }
	fixture_portfile=$TRASH/fixture.port.$test_count.$$
	rm -f "$fixture_portfile"
	start_bg "$FIXTURE" -P "$fixture_portfile" "$@" >/dev/null
	FIXTURE_PID=$BG_PID
	if ! wait_for_file "$fixture_portfile"; then
		echo "start_fixture: the fixture server did not start" >&2
		return 1
	fi
	FIXTURE_PORT=$(cat "$fixture_portfile")
	FIXTURE_URL=http://127.0.0.1:$FIXTURE_PORT
}

# The build under test is there, or the file fails: every program (one per
# man/*.1) and the fixture server. A missing program is never a skip.
lib_missing=
for lib_page in "$ROOT"/man/*.1; do
	[ -f "$lib_page" ] || continue
	lib_prog=${lib_page##*/}
	lib_prog=$PROGS/${lib_prog%.1}
	[ -x "$lib_prog" ] || lib_missing="$lib_missing $lib_prog"
done
[ -x "$FIXTURE" ] || lib_missing="$lib_missing $FIXTURE"
[ -z "$lib_missing" ] || fail_all "built:$lib_missing missing (make test-build)"
