#!/bin/sh
# jsonfield against every file of JSONTestSuite's test_parsing: y_ files are
# accepted, n_ files are rejected with exit 3, i_ files go either way but
# never crash or hang.
# shellcheck source=tests/lib.sh
. "${0%/*}/lib.sh"

SUITE=$TESTDATA/JSONTestSuite/test_parsing
[ -d "$SUITE" ] || skip_all "no JSONTestSuite at $SUITE"

# A hang must fail the test, not the whole run.
# shellcheck disable=SC2317 # the helpers are called from the test bodies
if have timeout; then
	bounded() { timeout 20 "$@"; }
else
	bounded() { "$@"; }
fi

# each PREFIX: the suite's files whose names start with PREFIX, one a line.
# shellcheck disable=SC2317
each() {
	for f in "$SUITE/$1"*.json; do
		[ -f "$f" ] && printf '%s\n' "$f"
	done
}

test_expect_success 'the suite is there' '
	each y_ >y && each n_ >n && each i_ >i &&
	test "$(wc -l <y)" -gt 90 && test "$(wc -l <n)" -gt 150 && test "$(wc -l <i)" -gt 20
'

test_expect_success 'every y_ file is valid: exit 0, nothing printed' '
	fails=0 &&
	each y_ >list &&
	while read -r f; do
		bounded jsonfield -e . "$f" >out 2>err
		st=$?
		if [ "$st" -ne 0 ] || [ -s out ] || [ -s err ]; then
			echo "${f##*/}: exit $st: $(cat err)"
			fails=$((fails + 1))
		fi
	done <list &&
	test "$fails" -eq 0
'

test_expect_success 'every y_ file prints as compact JSON that is valid again' '
	fails=0 &&
	each y_ >list &&
	while read -r f; do
		if ! bounded jsonfield . "$f" >out 2>err ||
		   ! jsonfield -e . out 2>err2 ||
		   test "$(wc -l <out)" -ne 1; then
			echo "${f##*/}: $(cat err err2)"
			fails=$((fails + 1))
		fi
	done <list &&
	test "$fails" -eq 0
'

test_expect_success 'every n_ file is rejected: exit 3, file:line:col, nothing printed' '
	fails=0 &&
	each n_ >list &&
	while read -r f; do
		bounded jsonfield -e . "$f" >out 2>err
		st=$?
		if [ "$st" -ne 3 ] || [ -s out ] || ! grep -F "jsonfield: $f:" err >/dev/null ||
		   ! grep ":[0-9][0-9]*:[0-9][0-9]*: [a-z]" err >/dev/null; then
			echo "${f##*/}: exit $st: $(cat err)"
			fails=$((fails + 1))
		fi
	done <list &&
	test "$fails" -eq 0
'

# -e skips the document; printing it reads every token the careful way.
test_expect_success 'every n_ file is rejected when printed too, nothing printed' '
	fails=0 &&
	each n_ >list &&
	while read -r f; do
		bounded jsonfield . "$f" >out 2>err
		st=$?
		if [ "$st" -ne 3 ] || [ -s out ]; then
			echo "${f##*/}: exit $st"
			fails=$((fails + 1))
		fi
	done <list &&
	test "$fails" -eq 0
'

# The i_ files: either answer is allowed; the one given is listed.
test_expect_success 'every i_ file is accepted or rejected, never a crash' '
	fails=0 &&
	each i_ >list &&
	while read -r f; do
		bounded jsonfield -e . "$f" >out 2>err
		st=$?
		case $st in
		0) echo "# accepted ${f##*/}" ;;
		3) echo "# rejected ${f##*/}: $(cat err)" ;;
		*) echo "${f##*/}: exit $st: $(cat err)" >&2; fails=$((fails + 1)) ;;
		esac
	done <list >"$TRASH/i-answers" &&
	test "$fails" -eq 0
'
[ -f "$TRASH/i-answers" ] && sed -n 's|^# \([a-z]*\) \([^:]*\).*|# i_ file \1: \2|p' "$TRASH/i-answers"

test_expect_success 'the decided i_ answers: big numbers pass, lone surrogates fail' '
	jsonfield -e . "$SUITE/i_number_huge_exp.json" &&
	jsonfield -e . "$SUITE/i_structure_500_nested_arrays.json" &&
	expect_code 3 jsonfield -e . "$SUITE/i_string_lone_second_surrogate.json" 2>err &&
	contains "lone surrogate" err &&
	expect_code 3 jsonfield -e . "$SUITE/i_structure_UTF-8_BOM_empty_object.json" 2>err
'

test_done
