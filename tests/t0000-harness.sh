#!/bin/sh
# The test library and the runner: a failing test is reported as failing,
# a skip is counted and named, the order is stable.
# shellcheck source=tests/lib.sh
. "${0%/*}/lib.sh"

# A throwaway test file beside lib.sh, so that it finds the library.
sample=$ROOT/tests/.t-sample-$$.sh
cat >"$sample" <<'SAMPLE'
#!/bin/sh
. "${0%/*}/lib.sh"
test_expect_success 'passes' 'true'
test_expect_success 'fails' 'echo visible-output && false'
test_skip 'skipped' 'not here'
test_expect_success 'runs in its own empty directory' 'test -z "$(ls)" && touch x'
test_expect_success 'and the next one too' 'test ! -e x'
test_done
SAMPLE
trap 'rm -f "$sample"; test_cleanup' EXIT

test_expect_success 'a failing body is "not ok" and the file exits non-zero' '
	expect_code 1 sh "$sample" >out 2>&1 &&
	contains "ok 1 - passes" out &&
	contains "not ok 2 - fails" out &&
	contains "#	visible-output" out &&
	contains "ok 3 # skip skipped (not here)" out &&
	contains "ok 4 - runs in its own empty directory" out &&
	contains "ok 5 - and the next one too" out &&
	contains "1..5" out
'

test_expect_success '-i stops at the first failure' '
	expect_code 1 sh "$sample" -i >out 2>&1 &&
	contains "not ok 2 - fails" out &&
	lacks "ok 4" out
'

test_expect_success 'expect_code fails on another status' '
	expect_code 1 expect_code 1 true 2>err &&
	contains "wanted exit 1, got 0" err &&
	expect_code 1 expect_code 0 false 2>err &&
	contains "wanted exit 0, got 1" err &&
	expect_code 0 expect_code 4 sh -c "exit 4"
'

test_expect_success 'a program not built fails the file: never a skip' '
	SMOKEKIT_PROGS=$PWD/nothing expect_code 1 sh "$sample" >out 2>&1 &&
	contains "not ok 1 - built: $PWD/nothing/aclcheck " out &&
	contains " missing (make test-build)" out &&
	contains "1..1" out &&
	lacks "# skip" out &&
	lacks "ok 2" out
'

test_expect_success 'check shows a diff' '
	printf "a\n" >want && printf "b\n" >got &&
	expect_code 1 check want got 2>err &&
	contains "-a" err && contains "+b" err &&
	check want want
'

# The runner, tests/run.sh, on tiny TAP files of its own, with its build
# directory (the logs) here: never the suite's own.
# fake FILE LINE...: a test file that prints those lines.
# shellcheck disable=SC2317 # called from test bodies
fake() {
	fake_file=$1
	shift
	for fake_line; do
		printf 'echo "%s"\n' "$fake_line"
	done >"$fake_file"
}
# runner J ARG...: tests/run.sh on ARG..., J files at a time.
# shellcheck disable=SC2317
runner() {
	J=$1
	shift
	J=$J sh "$ROOT/tests/run.sh" "$PWD/o" "$@" >out 2>err
}

test_expect_success 'run.sh: passes, skips and the closing line' '
	mkdir d &&
	fake d/t1-pass.sh "ok 1 - one" "ok 2 - two" "1..2" &&
	fake d/t2-skip.sh "ok 1 - one" "ok 2 # skip two (no frobnicator here)" "1..2" &&
	runner 2 d &&
	contains "t1-pass: 2 passed" out &&
	contains "t2-skip: 1 passed, 1 skipped" out &&
	contains "  ok 2 # skip two (no frobnicator here)" out &&
	tail -n 1 out >last &&
	check_str "3 passed, 0 failed, 1 skipped" last &&
	test ! -s err
'

test_expect_success 'run.sh: a whole-file skip is one skip, named' '
	mkdir d &&
	fake d/t1-pass.sh "ok 1" "1..1" &&
	fake d/t2-none.sh "1..0 # SKIP no docker engine answers" &&
	runner 2 d &&
	contains "t2-none: 0 passed, 1 skipped" out &&
	contains "  skipped the whole file: no docker engine answers" out &&
	tail -n 1 out >last &&
	check_str "1 passed, 0 failed, 1 skipped" last
'

test_expect_success 'run.sh: a file skipped as a whole keeps the time it took when it ran' '
	mkdir -p d o &&
	fake d/t1-pass.sh "ok 1" "1..1" &&
	fake d/t2-none.sh "1..0 # SKIP no docker engine answers" &&
	printf "t2-none 40\n" >o/test-seconds &&
	runner 2 d &&
	grep -x "t2-none 40" o/test-seconds &&
	grep -x "t1-pass [0-9]*" o/test-seconds
'

test_expect_success 'run.sh: a whole-file skip without a reason, or after tests ran, fails' '
	mkdir d &&
	fake d/t1-pass.sh "ok 1" "1..1" &&
	fake d/t2-noreason.sh "1..0" &&
	fake d/t3-late.sh "ok 1" "1..0 # skip too late" &&
	expect_code 1 runner 2 d &&
	contains "not ok - t2-noreason skipped as a whole without saying why" out &&
	contains "not ok - t3-late planned no test (1..0) after running 1" out &&
	tail -n 1 out >last &&
	check_str "2 passed, 2 failed, 0 skipped" last
'

test_expect_success 'run.sh: a file that dies, stops early or miscounts is a failure' '
	mkdir d &&
	fake d/t1-noplan.sh "ok 1" &&
	fake d/t2-dies.sh "ok 1" && echo "kill -9 \$\$" >>d/t2-dies.sh &&
	fake d/t3-exit.sh "ok 1" "1..1" && echo "exit 4" >>d/t3-exit.sh &&
	fake d/t4-short.sh "ok 1" "1..3" &&
	fake d/t5-twoplans.sh "1..1" "ok 1" "1..1" &&
	fake d/t6-bail.sh "ok 1" "Bail out! no database" "1..1" &&
	fake d/t7-fails.sh "ok 1" "not ok 2 - it broke" "# the why" "1..2" &&
	echo "exit 1" >>d/t7-fails.sh &&
	expect_code 1 runner 2 d &&
	contains "not ok - t1-noplan printed no plan (did it stop early?)" out &&
	contains "not ok - t2-dies exited with status 137" out &&
	contains "not ok - t3-exit exited with status 4" out &&
	contains "not ok - t4-short ran 1 tests, planned 3" out &&
	contains "not ok - t5-twoplans printed 2 plans" out &&
	contains "not ok - t6-bail bailed out" out &&
	contains "t7-fails: 1 passed, 1 FAILED" out &&
	contains "  not ok 2 - it broke" out &&
	contains "  # the why" out &&
	tail -n 1 out >last &&
	check_str "7 passed, 7 failed, 0 skipped" last
'

test_expect_success 'run.sh: nothing passed is a failure too' '
	mkdir d &&
	fake d/t1-none.sh "1..0 # skip nothing here" &&
	expect_code 1 runner 1 d &&
	tail -n 1 out >last &&
	check_str "0 passed, 0 failed, 1 skipped" last
'

# The files end in the reverse order of their names: J=1 and J=4 print
# the same, in the order of the names.
test_expect_success 'run.sh: results in the order of the names, whatever J' '
	mkdir d &&
	for i in 1 2 3 4 5 6; do
		{ echo "sleep 0.$((7 - i))" && fake /dev/stdout "ok 1 - file $i" "1..1"; } \
		    >d/t$i-f.sh || return 1
	done &&
	runner 1 d && grep -v "^6 files, J=" out >one &&
	runner 4 d && grep -v "^6 files, J=" out >four &&
	contains "6 files, J=4, " out &&
	check one four &&
	sed -n "s/: 1 passed\$//p" one >order &&
	printf "t%s-f\n" 1 2 3 4 5 6 >want &&
	check want order
'

test_expect_success 'run.sh: files and directories; a file not .sh runs as it is' '
	mkdir d e &&
	fake d/t1-a.sh "ok 1" "1..1" &&
	fake e/t2-b.sh "ok 1" "ok 2" "1..2" &&
	printf "#!/bin/sh\necho ok 1; echo 1..1\n" >e/unit_c &&
	chmod +x e/unit_c &&
	runner 2 e/unit_c d e/t2-b.sh &&
	sed -n "s/: [0-9]* passed\$//p" out >order &&
	printf "%s\n" unit_c t1-a t2-b >want &&
	check want order &&
	expect_code 2 runner 2 d/nosuch &&
	contains "d/nosuch: no such test file or directory" err &&
	expect_code 2 runner 0 d &&
	contains "J=0: wanted a number" err
'

# make test passes its flags down (-s, -B, variables...): the makes that
# tests run are as from a shell all the same.
test_expect_success "run.sh: make's flags do not reach the tests" '
	mkdir d &&
	printf "%s\n" "test -z \"\$MAKEFLAGS\$MFLAGS\$MAKELEVEL\" && echo ok 1 || echo not ok 1" \
	    "echo 1..1" >d/t1-env.sh &&
	MAKEFLAGS="s -- SANITIZE=1" MFLAGS=-s MAKELEVEL=1 runner 2 d &&
	contains "t1-env: 1 passed" out
'

# t4000 asserts which ports are free on every address: it gets a network
# of its own where root can make one, with its loopback up.
if [ "$(id -u)" -eq 0 ] && have unshare && unshare -n sh -c 'ip link set lo up' 2>/dev/null; then
	test_expect_success 'run.sh: t4000-portfree runs in a network namespace of its own, loopback up' '
		mkdir d &&
		printf "%s\n" "readlink /proc/self/ns/net >\"$PWD/t4000.net\"" \
		    "grep -q \"^ *lo:\" /proc/net/dev && ip -o link show lo | grep -q UP && echo ok 1" \
		    "echo 1..1" >d/t4000-portfree.sh &&
		fake d/t1-a.sh "ok 1" "1..1" &&
		runner 2 d &&
		contains "t4000-portfree: 1 passed" out &&
		readlink /proc/self/ns/net >mine &&
		test -s t4000.net && ! check mine t4000.net 2>/dev/null
	'
else
	test_skip 'run.sh: t4000-portfree in a network namespace of its own' 'needs root, unshare and ip'
fi

test_done
