#!/bin/sh
# What every program promises (DESIGN.md): -h, -V, usage errors exit 2,
# write errors on stdout are exit 3, a manual page for each.
# shellcheck source=tests/lib.sh
. "${0%/*}/lib.sh"

programs="aclcheck httpprobe jsonfield leakscan p95parse portfree smokereport"

for p in $programs; do
	test_expect_success "$p -h prints its usage on stdout, exit 0" "
		expect_code 0 $p -h >out 2>err &&
		grep '^usage: $p ' out >/dev/null &&
		test ! -s err
	"
	test_expect_success "$p -V prints its version, exit 0" "
		expect_code 0 $p -V >out &&
		contains smokekit out
	"
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
