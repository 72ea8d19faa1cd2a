#!/bin/sh
# What every program promises (DESIGN.md): -h, -V, usage errors exit 2,
# write errors on stdout are exit 3, a manual page for each.
# shellcheck source=tests/lib.sh
. "${0%/*}/lib.sh"

programs="aclcheck demobackend httpprobe jsonfield knobcheck leakscan p95parse portfree smokereport"

# synopsis_of PROG: the SYNOPSIS of PROG's manual as one line, blanks squeezed.
# shellcheck disable=SC2317 # called from the test bodies
synopsis_of() {
	mandoc -T ascii "$ROOT/man/$1.1" | sed "s/.$(printf '\b')//g" |
	    sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' | sed '1d;$d' | tr -s ' \n' '  ' |
	    sed 's/^ //; s/ $//'
}
# usage_of FILE: the usage lines at the top of FILE (the forms, before the
# option lines), as one line with "usage: " taken off, blanks squeezed.
# shellcheck disable=SC2317
usage_of() {
	sed -n '/^  *-/q; p' "$1" | sed 's/^usage: //' | tr -s ' \n' '  ' |
	    sed 's/^ //; s/ $//'
}

for p in $programs; do
	for h in -h --help; do
		test_expect_success "$p $h: the synopsis and one line per option on stdout, exit 0" "
			expect_code 0 $p $h >out 2>err &&
			test ! -s err &&
			head -n 1 out >first && grep '^usage: $p ' first >/dev/null &&
			grep '^  *-h' out >/dev/null && grep '^  *-V' out >/dev/null &&
			grep -c '^  *-' out >n && test \$(cat n) -ge 2
		"
	done
	for v in -V --version; do
		test_expect_success "$p $v prints its version, exit 0" "
			expect_code 0 $p $v >out 2>err &&
			grep -c '' out >n && check_str 1 n &&
			grep '^$p smokekit [0-9]' out >/dev/null &&
			test ! -s err
		"
	done
	if have mandoc; then
		test_expect_success "$p: the usage lines are the manual's SYNOPSIS, -h and -V in it" "
			expect_code 0 $p -h >out &&
			usage_of out >usage && synopsis_of $p >synopsis &&
			check synopsis usage &&
			grep -e '-[A-Za-z]*h' usage >/dev/null && grep -e '-[A-Za-z]*V' usage >/dev/null
		"
	else
		test_skip "$p: the usage lines are the manual's SYNOPSIS" "no mandoc"
	fi
	test_expect_success "$p with an unknown option: usage on stderr, exit 2" "
		expect_code 2 $p -@ >out 2>err &&
		test ! -s out &&
		grep 'usage: $p ' err >/dev/null
	"
	if [ -w /dev/full ]; then
		test_expect_success "$p -V to a full disk is exit 3" "
			expect_code 3 $p -V >/dev/full 2>err &&
			contains '$p: ' err
		"
		test_expect_success "$p -h to a full disk is exit 3" "
			expect_code 3 $p -h >/dev/full 2>err &&
			contains '$p: write error' err
		"
	else
		test_skip "$p -V to a full disk is exit 3" "no /dev/full"
		test_skip "$p -h to a full disk is exit 3" "no /dev/full"
	fi
	test_expect_success "$p has a manual page naming it" "
		test -f \"\$ROOT/man/$p.1\" &&
		grep '^\.Nm $p\$' \"\$ROOT/man/$p.1\" >/dev/null &&
		grep '^\.Sh EXIT STATUS' \"\$ROOT/man/$p.1\" >/dev/null &&
		grep '^\.Sh EXAMPLES' \"\$ROOT/man/$p.1\" >/dev/null
	"
done

test_done
