#!/bin/sh
# The test library itself: a failing test must be reported as failing.
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

test_expect_success 'check shows a diff' '
	printf "a\n" >want && printf "b\n" >got &&
	expect_code 1 check want got 2>err &&
	contains "-a" err && contains "+b" err &&
	check want want
'

test_done
