#!/bin/sh
# jsonfield against every file of JSONTestSuite's test_parsing: y_ files are
# accepted, n_ files are rejected with exit 3, i_ files go either way but
# never crash or hang.
# shellcheck source=tests/lib.sh
. "${0%/*}/lib.sh"

SUITE=$TESTDATA/JSONTestSuite/test_parsing
[ -d "$SUITE" ] || fail_all "no JSONTestSuite at $SUITE"

# A hang must fail the test, not the whole run.
# shellcheck disable=SC2317 # the helpers are called from the test bodies
if have timeout; then
	bounded() { timeout 20 "$@"; }
else
	bounded() { "$@"; }
fi

# all PREFIX CHECK: run CHECK FILE for every suite file whose name starts
# with PREFIX; CHECK says what is wrong on stderr. Fails if any CHECK did.
# shellcheck disable=SC2317
all() {
	all_fails=0
	all_files=0
	for f in "$SUITE/$1"*.json; do
		[ -f "$f" ] || continue
		all_files=$((all_files + 1))
		"$2" "$f" || all_fails=$((all_fails + 1))
	done
	echo "$all_files files, $all_fails failed"
	[ "$all_files" -gt 0 ] && [ "$all_fails" -eq 0 ]
}

# The checks, one file each. "no FILE STATUS" says why a check failed.
# shellcheck disable=SC2317
no() {
	echo "${1##*/}: exit $2: $(cat err)" >&2
	return 1
}
# shellcheck disable=SC2317
valid() {
	bounded jsonfield -e . "$1" >out 2>err
	st=$?
	if [ "$st" -ne 0 ] || [ -s out ] || [ -s err ]; then
		no "$1" "$st"
	fi
}
# shellcheck disable=SC2317
prints_valid() {
	bounded jsonfield . "$1" >out 2>err
	st=$?
	if [ "$st" -ne 0 ] || ! one_line out || ! jsonfield -e . out 2>err; then
		no "$1" "$st"
	fi
}
# The suite runs some 1,300 checks: the file tests below are the shell's
# own (read, case), where a grep or wc would be one more process each.
# one_line FILE: FILE is exactly one line, ended by a newline.
# shellcheck disable=SC2317,SC2034 # ol_1: the first line, only read
one_line() {
	{ IFS= read -r ol_1 && ! IFS= read -r ol_2 && [ -z "$ol_2" ]; } <"$1"
}
# located_error FILE: err is the one line "jsonfield: FILE:LINE:COL: why"
# (why in words, starting with a lower-case letter).
# shellcheck disable=SC2317
located_error() {
	one_line err || return 1
	IFS= read -r le <err
	case $le in "jsonfield: $1:"*) ;; *) return 1 ;; esac
	le=${le#"jsonfield: $1:"}
	le_line=${le%%:*} le=${le#*:}
	le_col=${le%%:*} le=${le#*: }
	case $le_line$le_col in '' | *[!0-9]*) return 1 ;; esac
	[ -n "$le_line" ] && [ -n "$le_col" ] || return 1
	case $le in [a-z]*) return 0 ;; *) return 1 ;; esac
}
# shellcheck disable=SC2317
rejected() {
	bounded jsonfield -e . "$1" >out 2>err
	st=$?
	if [ "$st" -ne 3 ] || [ -s out ] || ! located_error "$1"; then
		no "$1" "$st"
	fi
}
# shellcheck disable=SC2317
rejected_printing() {
	bounded jsonfield . "$1" >out 2>err
	st=$?
	if [ "$st" -ne 3 ] || [ -s out ]; then
		no "$1" "$st"
	fi
}
# shellcheck disable=SC2317
either() {
	bounded jsonfield -e . "$1" >out 2>err
	st=$?
	case $st in
	0) echo "# accepted ${1##*/}" >>"$TRASH/i-answers" ;;
	3) echo "# rejected ${1##*/}: $(cat err)" >>"$TRASH/i-answers" ;;
	*) no "$1" "$st" ;;
	esac
}

test_expect_success 'the suite is there' '
	all y_ true >y && all n_ true >n && all i_ true >i &&
	test "$(cut -d" " -f1 y)" -gt 90 && test "$(cut -d" " -f1 n)" -gt 150 &&
	test "$(cut -d" " -f1 i)" -gt 20
'

test_expect_success 'every y_ file is valid: exit 0, nothing printed' '
	all y_ valid
'

test_expect_success 'every y_ file prints as one line of JSON that is valid again' '
	all y_ prints_valid
'

test_expect_success 'every n_ file is rejected: exit 3, file:line:col, nothing printed' '
	all n_ rejected
'

# -e skips the document; printing it reads every token the careful way.
test_expect_success 'every n_ file is rejected when printed too, nothing printed' '
	all n_ rejected_printing
'

# The i_ files: either answer is allowed; the one given is listed.
test_expect_success 'every i_ file is accepted or rejected, never a crash' '
	all i_ either
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
