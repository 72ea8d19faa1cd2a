#!/bin/sh
# aclcheck: its verdicts against the kernel's own (test(1) run as the uid
# with setpriv), with real POSIX ACLs; its output; that it never opens or
# prints the file it checks; the manual's EXAMPLES.
# shellcheck source=tests/lib.sh
. "${0%/*}/lib.sh"

umask 022
if ! have setfacl || ! have getfacl; then
	skip_all "setfacl/getfacl not found (Debian package acl)"
fi
# The trees live in $TRASH; the uids below must be able to reach them.
chmod 755 "$TRASH" || exit 1
: >"$TRASH/probe"
setfacl -m u:47101:r "$TRASH/probe" 2>/dev/null ||
	skip_all "the file system of $TRASH refuses POSIX ACLs"
rm -f "$TRASH/probe"

# Numeric ids with no passwd or group entry: the user has exactly the
# groups given (-g here, --regid/--groups for setpriv).
U=47101 G=47102 G2=47103 G3=47104
ME=$(id -un) MYGROUP=$(id -gn)
export U G G2 G3 ME MYGROUP

kernel=
if [ "$(id -u)" -ne 0 ]; then
	kernel="not root: setpriv cannot take another uid"
elif ! have setpriv; then
	kernel="setpriv not found (Debian package util-linux)"
elif getent passwd $U $G $G2 $G3 >/dev/null || getent group $U $G $G2 $G3 >/dev/null; then
	kernel="uids $U..$G3 have passwd or group entries here"
elif ! setpriv --reuid=$U --regid=$G --clear-groups test -x "$TRASH"; then
	kernel="uid $U cannot reach $TRASH (a parent directory is closed)"
fi

# agree UID GIDS PATH...: for every PATH and each of r, w, x, aclcheck's
# verdict for UID with the groups GIDS (comma-separated, the first the
# primary) is the kernel's: test -r/-w/-x run as that uid by setpriv, in
# one sh for all the paths (its test asks the kernel as test(1) does: the
# real and effective ids are the same, so access(2) answers; one process
# a verdict was some 500 more in this file).
# shellcheck disable=SC2317 # the helpers are called from test bodies (eval)
agree() {
	uid=$1 gids=$2
	shift 2
	gid=${gids%%,*}
	gflags=
	for g in $(echo "$gids" | tr , ' '); do
		gflags="$gflags -g $g"
	done
	sgroups=--clear-groups
	[ "$gids" = "$gid" ] || sgroups=--groups=${gids#*,}
	fail=0
	# shellcheck disable=SC2016 # the script is the inner sh's
	setpriv --reuid="$uid" --regid="$gid" "$sgroups" sh -c '
		for p; do for m in r w x; do test -"$m" "$p"; echo "$?"; done; done' sh "$@" \
	    >kernel.verdicts || return 1
	exec 4<kernel.verdicts
	for path; do
		for m in r w x; do
			# shellcheck disable=SC2086 # gflags is a list of options
			aclcheck -u "$uid" $gflags -m "$m" "$path" >agree.out 2>&1
			a=$?
			read -r k <&4 || k=missing
			if { [ "$a" -eq 0 ] && [ "$k" -eq 0 ]; } || { [ "$a" -eq 1 ] && [ "$k" -eq 1 ]; }; then
				echo "agree: uid $uid groups $gids -$m $path: $a" >>agreed
				echo "$a" >>"$TRASH/verdicts"
				continue
			fi
			echo "disagree: uid $uid groups $gids -$m $path: aclcheck $a, kernel $k" >&2
			cat agree.out >&2
			getfacl -p "$path" >&2
			fail=1
		done
	done
	exec 4<&-
	return "$fail"
}

# mk FILE MODE [OWNER[:GROUP]] [ACL]: a file holding a line, set up as told.
# shellcheck disable=SC2317
mk() {
	echo "content of $1" >"$1" && chmod "$2" "$1" &&
	{ [ -z "$3" ] || chown "$3" "$1"; } &&
	{ [ -z "$4" ] || setfacl -m "$4" "$1"; }
}

# mkd DIR MODE [OWNER[:GROUP]] [ACL]: the same for a directory.
# shellcheck disable=SC2317
mkd() {
	mkdir "$1" && chmod "$2" "$1" &&
	{ [ -z "$3" ] || chown "$3" "$1"; } &&
	{ [ -z "$4" ] || setfacl -m "$4" "$1"; }
}

# case_kernel NAME BODY: a comparison with the kernel, or a skip saying why.
case_kernel() {
	if [ -n "$kernel" ]; then
		test_skip "kernel agrees: $1" "$kernel"
	else
		test_expect_success "kernel agrees: $1" "$2"
	fi
}

case_kernel 'mode bits: other only (0604, 0640, 0004, 0000)' '
	mk a 604 && mk b 640 && mk c 004 && mk d 000 &&
	agree $U $G a b c d &&
	grep -c "agree" agreed >n && check_str 12 n
'
case_kernel 'mode bits: the owning group, not other, decides for a member' '
	mk a 604 0:$G && mk b 640 0:$G && mk c 460 0:$G &&
	agree $U $G a b c
'
case_kernel 'owner without r (0244) is refused though group and other may' '
	mk a 244 $U:$G && mk b 700 $U && mk c 070 $U:$G &&
	agree $U $G a b c
'
case_kernel 'named user entry, mask allows' '
	mk a 600 "" u:$U:r && mk b 600 "" u:$U:rwx &&
	agree $U $G a b
'
case_kernel 'named user entry cut by the mask (effective)' '
	mk a 600 "" u:$U:rw,m::r && mk b 600 "" u:$U:rwx,m::x &&
	agree $U $G a b
'
case_kernel 'named user entry --- wins over a generous other' '
	mk a 606 "" u:$U:---,m::rw &&
	agree $U $G a &&
	expect_code 1 aclcheck -u $U a >out &&
	contains "ACL user:$U:---" out
'
case_kernel 'owner wins over a named entry for the same uid' '
	mk a 077 $U u:$U:rwx &&
	agree $U $G a
'
case_kernel 'named group entry, masked and not' '
	mk a 600 "" g:$G:r && mk b 600 "" g:$G:rw,m::r && mk c 600 "" g:$G2:rwx &&
	agree $U $G a b c
'
case_kernel 'any matching group entry granting everything asked' '
	mk a 600 0:$G g:$G2:rw,g::r,m::rwx &&
	agree $U $G,$G2 a
'
case_kernel 'matching group entries that each grant part: denied, other not consulted' '
	mk a 606 0:$G g:$G2:w,g::r,m::rw &&
	agree $U $G,$G2 a &&
	expect_code 1 aclcheck -u $U -g $G -g $G2 -m rw a >out &&
	contains "no matching group entry grants rw" out
'
case_kernel 'supplementary groups only (setpriv --groups)' '
	mk a 640 0:$G3 && mk b 600 "" g:$G3:r &&
	agree $U $G,$G2,$G3 a b
'
case_kernel 'mask::--- makes the kernel skip the ACL: other decides' '
	mk a 604 "" u:$U:r,m::--- && mk b 600 "" u:$U:rw,m::--- &&
	agree $U $G a b &&
	expect_code 0 aclcheck -u $U a >out &&
	contains "mode other::r-- (mask::--- so the kernel skips the ACL)" out
'
case_kernel 'mask::--- and a member of the owning group' '
	mk a 604 0:$G u:$U:r,m::--- &&
	agree $U $G a
'
case_kernel 'parent directory without x for other (0750, 0754, 0700)' '
	mkd d1 750 && mk d1/f 644 &&
	mkd d2 754 && mk d2/f 644 &&
	mkd d3 700 && mk d3/f 644 &&
	agree $U $G d1/f d2/f d3/f
'
case_kernel 'parent directory with x only (0711), and the directories themselves' '
	mkd d 711 && mk d/f 644 && mkd e 751 &&
	agree $U $G d/f d e
'
case_kernel 'parent directory opened by an ACL (u:x, g:x) or closed by its mask' '
	mkd d1 700 "" u:$U:x && mk d1/f 644 &&
	mkd d2 700 "" g:$G:x && mk d2/f 644 &&
	mkd d3 700 "" u:$U:rwx,m::r && mk d3/f 644 &&
	agree $U $G d1/f d2/f d3/f
'
case_kernel 'a deep path: the one closed directory in the middle' '
	mkdir -p a/b && mkd a/b/c 700 && mkdir -p a/b/c/d && mk a/b/c/d/f 644 &&
	agree $U $G a/b/c/d/f &&
	expect_code 1 aclcheck -u $U a/b/c/d/f >out &&
	grep "^denied:" out >denied &&
	line_count 1 denied &&
	contains "denied: $PWD/a/b/c: drwx------" out
'
case_kernel 'symbolic links: followed, their directories searched' '
	mkd open 755 && mkd closed 700 && mk closed/f 644 && mk open/g 644 &&
	ln -s ../closed/f open/to-closed && ln -s "$PWD/open/g" open/abs &&
	ln -s open/to-closed chain &&
	mkd hidden 700 && ln -s ../open/g hidden/link &&
	agree $U $G open/to-closed open/abs chain hidden/link
'
case_kernel '".." needs search permission on the directory it leaves' '
	mkd closed 700 && mkdir closed/sub && mk f 644 &&
	agree $U $G closed/../f closed/sub/../../f
'
case_kernel 'a directory as the target: read, write, search' '
	mkd a 755 && mkd b 730 0:$G && mkd c 700 "" u:$U:rw &&
	agree $U $G a b c
'
case_kernel 'uid 0: read and write override, execute needs an x bit' '
	mk a 000 && mk b 001 && mk c 010 $U:$G && mkd d 000 && mk e 600 $U:$G &&
	agree 0 0 a b c d e
'
case_kernel 'a user by name gets its passwd groups (getgrouplist)' '
	getent passwd daemon >/dev/null || { echo "no user daemon" >&2; exit 1; }
	mk a 640 0:daemon && mk b 600 "" g:daemon:r && mk c 604 0:daemon &&
	for f in a b c; do
		for m in r w; do
			aclcheck -u daemon -m $m $f >out; a=$?
			setpriv --reuid=daemon --regid=daemon --init-groups test -$m $f; k=$?
			[ $a -eq $k ] || { echo "disagree: daemon -$m $f: $a $k" >&2; exit 1; }
		done
	done &&
	expect_code 0 aclcheck -u daemon a >out &&
	contains "for uid 1 (daemon): mode group::r--" out
'
case_kernel 'generated: every mode of a file for owner, group member, other' '
	for mode in 0 1 2 3 4 5 6 7; do
		mk "o$mode" "${mode}00" $U:$G && mk "g$mode" "0${mode}0" 0:$G &&
		mk "x$mode" "00$mode" || exit 1
	done &&
	agree $U $G o0 o1 o2 o3 o4 o5 o6 o7 g0 g1 g2 g3 g4 g5 g6 g7 \
		x0 x1 x2 x3 x4 x5 x6 x7
'
case_kernel 'generated: named user entries under every mask' '
	for mask in 0 1 2 3 4 5 6 7; do
		mk "m$mask" 600 "" "u:$U:rwx,m::$mask" || exit 1
	done &&
	agree $U $G m0 m1 m2 m3 m4 m5 m6 m7
'
case_kernel 'the comparisons above saw many of both verdicts' '
	grep -c "^0\$" "$TRASH/verdicts" >allowed &&
	grep -c "^1\$" "$TRASH/verdicts" >denied &&
	echo "$(cat allowed) allowed, $(cat denied) denied" &&
	test "$(cat allowed)" -ge 40 && test "$(cat denied)" -ge 40
'

if [ -n "$kernel" ]; then
	test_skip "a read-only mount refuses write to everyone, uid 0 included" "$kernel"
elif ! have unshare || ! unshare -m true 2>/dev/null; then
	test_skip "a read-only mount refuses write to everyone, uid 0 included" \
		"unshare -m is not possible here"
else
	test_expect_success "a read-only mount refuses write to everyone, uid 0 included" '
		mkd ro 777 && mk f 666 &&
		unshare -m sh -c "mount --bind . ro && mount -o remount,bind,ro ro &&
			aclcheck -u 0 -m w ro/f >out; echo \$? >a;
			test -w ro/f; echo \$? >k;
			setpriv --reuid=$U --regid=$G --clear-groups test -w ro/f; echo \$? >k2;
			aclcheck -u $U -g $G -m w ro/f >out2; echo \$? >a2;
			aclcheck -u $U -m r ro/f >out3; echo \$? >a3" &&
		check_str 1 a && check_str 1 k && check_str 1 k2 && check_str 1 a2 &&
		check_str 0 a3 &&
		contains "read-only file system" out &&
		lacks "fix:" out
	'
fi

if [ -n "$kernel" ]; then
	test_skip "an immutable file refuses write" "$kernel"
elif ! have chattr || ! { : >probe.$$ && chattr +i probe.$$ 2>/dev/null; }; then
	rm -f probe.$$
	test_skip "an immutable file refuses write" "chattr +i is not possible here"
else
	chattr -i probe.$$
	rm -f probe.$$
	test_expect_success "an immutable file refuses write" '
		mk f 666 && chattr +i f &&
		aclcheck -u 0 -m w f >out; a=$?
		test -w f; k=$?
		aclcheck -u 0 -m r f >out2; r=$?
		chattr -i f &&
		test $a -eq 1 && test $k -eq 1 && test $r -eq 0 &&
		contains "immutable" out
	'
fi

# Output, exit statuses, options: these need no other uid.
test_expect_success 'denied: the closed directory, the file, one fix each' '
	mkd secrets 700 && mk secrets/env 600 &&
	expect_code 1 aclcheck -u $U secrets/env >out 2>err &&
	cat >want <<-EOF &&
	denied: $PWD/secrets: drwx------ $ME:$MYGROUP: no search permission for uid $U: mode other::---
	denied: secrets/env: -rw------- $ME:$MYGROUP: no read permission for uid $U: mode other::---
	fix: setfacl -m u:$U:x $PWD/secrets
	fix: setfacl -m u:$U:r $PWD/secrets/env
	EOF
	check want out &&
	test ! -s err
'
test_expect_success 'allowed: the deciding ACL entry and its effective perms' '
	mk f 600 "" u:$U:rwx,m::r &&
	expect_code 0 aclcheck -u $U f >out &&
	check_str "allowed: f: -rw-r-----+ $ME:$MYGROUP: read permission for uid $U: ACL user:$U:rwx (effective r--)" out
'
test_expect_success 'a control character in a path prints as ?' '
	mk "$(printf "a\tb")" 644 &&
	expect_code 0 aclcheck "$(printf "a\tb")" >out &&
	contains "allowed: a?b: -rw-r--r-- " out &&
	line_count 1 out
'
test_expect_success 'a fix keeps the bits the named entry had' '
	mk f 600 "" u:$U:x &&
	expect_code 1 aclcheck -u $U -m rw f >out &&
	contains "fix: setfacl -m u:$U:rwx $PWD/f" out
'
if [ "$(id -u)" -eq 0 ]; then
	test_expect_success 'the owner is told to chmod; uid 0 reads anyway' '
		mk f 200 $U &&
		expect_code 1 aclcheck -u $U -m r f >out &&
		grep "^fix:" out >fix &&
		check_str "fix: chmod u+r $PWD/f" fix &&
		expect_code 0 aclcheck -u 0 -m r f >out &&
		check_str "allowed: f: --w------- $U:$MYGROUP: read permission for uid 0 (root): CAP_DAC_READ_SEARCH of uid 0 (mode group::--- alone denies)" out
	'
else
	test_expect_success 'the owner is told to chmod' '
		mk f 200 &&
		expect_code 1 aclcheck -m r f >out &&
		contains "fix: chmod u+r $PWD/f" out
	'
fi
test_expect_success 'paths that need quoting are quoted in fix lines' "
	mk \"it's here\" 600 &&
	expect_code 1 aclcheck -u \$U \"it's here\" >out &&
	contains \"fix: setfacl -m u:\$U:r '\$PWD/it'\\\\''s here'\" out
"
test_expect_success 'each fix line, run, makes the check pass' '
	mkd a 700 && mkd a/b 750 && mk a/b/f 600 "" u:$U:x &&
	expect_code 1 aclcheck -u $U a/b/f >out &&
	sed -n "s/^fix: //p" out >fixes &&
	line_count 3 fixes &&
	sh fixes &&
	expect_code 0 aclcheck -u $U a/b/f >out2 &&
	contains "allowed: a/b/f:" out2
'
test_expect_success '-j: one JSON object per path, denied and allowed' '
	mkd d 700 && mk d/f 600 && mk g 644 &&
	expect_code 1 aclcheck -j -u $U d/f g >out &&
	line_count 2 out &&
	contains "{\"path\":\"d/f\",\"uid\":$U,\"user\":null,\"want\":\"r\",\"result\":\"denied\",\"target\":\"$PWD/d/f\"" out &&
	contains "\"fix\":[\"setfacl -m u:$U:x $PWD/d\",\"setfacl -m u:$U:r $PWD/d/f\"]" out &&
	contains "{\"path\":\"g\",\"uid\":$U,\"user\":null,\"want\":\"r\",\"result\":\"allowed\",\"target\":\"$PWD/g\",\"entry\":\"mode other::r--\",\"denied\":[],\"fix\":[]}" out &&
	if have python3; then
		python3 -c "import json,sys; [json.loads(l) for l in open(sys.argv[1])]" out
	fi
'
test_expect_success '-j: a missing path is an object with the error, exit 3' '
	expect_code 3 aclcheck -j nope >out 2>err &&
	contains "\"result\":\"error\",\"error\":\"No such file or directory\",\"at\":\"$PWD/nope\"" out &&
	contains "aclcheck: nope: No such file or directory" err
'
test_expect_success '-v: the listing is getfacl -p of every component' '
	mkd d 750 "" u:$U:rx,g:$G:x,m::x && mkd d/e 755 && setfacl -d -m u:$U:r d/e &&
	chmod g+s d/e && mk d/e/f 640 "" u:$U:rw,m::r &&
	expect_code 0 aclcheck -v -u $U d/e/f >out &&
	components=/ && p= &&
	for part in $(echo "$PWD/d/e/f" | tr / " "); do
		p=$p/$part && components="$components $p"
	done &&
	getfacl -p $components >want 2>/dev/null &&
	sed "/^# aclcheck: /d;/^allowed: /d" out >got &&
	check want got &&
	contains "# aclcheck: search allowed for uid $U: ACL user:$U:r-x (effective --x)" out &&
	contains "# aclcheck: read allowed for uid $U: ACL user:$U:rw- (effective r--)" out
'
test_expect_success '-v shows the links it followed' '
	mk f 644 && ln -s f l &&
	expect_code 0 aclcheck -v -u $U l >out &&
	contains "# file: $PWD/l" out &&
	contains "# symlink: f" out
'
test_expect_success '-g adds a group; -m wx asks for both' '
	mk f 670 0:$G2 &&
	expect_code 1 aclcheck -u $U -m wx f >out &&
	expect_code 0 aclcheck -u $U -g $G2 -m wx f >out &&
	contains "write and execute permission for uid $U: mode group::rwx" out
'
test_expect_success 'several paths: denied is 1, any error is 3' '
	mk a 644 && mk b 600 &&
	expect_code 0 aclcheck -u $U a a >out &&
	expect_code 1 aclcheck -u $U a b >out &&
	expect_code 3 aclcheck -u $U b nope a >out 2>err &&
	contains "denied: b:" out &&
	contains "allowed: a:" out &&
	contains "nope: No such file or directory" err
'
test_expect_success 'errors are exit 3: missing path, unknown user or group, loops' '
	ln -s loop loop && mk f 644 &&
	expect_code 3 aclcheck missing/f 2>err &&
	contains "aclcheck: missing/f: $PWD/missing: No such file or directory" err &&
	expect_code 3 aclcheck -u no-such-user-xyz f 2>err &&
	contains "unknown user" err &&
	expect_code 3 aclcheck -g no-such-group-xyz f 2>err &&
	contains "unknown group" err &&
	expect_code 3 aclcheck loop 2>err &&
	contains "aclcheck: loop: $PWD/loop: " err &&
	expect_code 3 aclcheck f/ 2>err &&
	contains "Not a directory" err &&
	expect_code 3 aclcheck "" 2>err >out &&
	contains "aclcheck: : No such file or directory" err &&
	test ! -s out &&
	expect_code 3 aclcheck -j "" >out &&
	contains "\"result\":\"error\",\"error\":\"No such file or directory\"" out
'
test_expect_success 'usage errors are exit 2' '
	: >f &&
	expect_code 2 aclcheck 2>err && contains "usage: aclcheck" err &&
	expect_code 2 aclcheck -m rq f 2>err && contains "bad mode" err &&
	expect_code 2 aclcheck -m "" f 2>err &&
	expect_code 2 aclcheck -u 99999999999 f 2>err && contains "not a uid" err
'

# Never opened, never printed.
SECRET=hunter2-aclcheck-s3cr3t-7f1c
export SECRET
test_expect_success 'no output of any mode contains the checked file content' '
	mkd d 750 && printf "API_KEY=%s\n" "$SECRET" >d/env && chmod 640 d/env &&
	setfacl -m u:$U:r d/env &&
	for opts in "" -v -j -jv "-m rwx" "-v -m w"; do
		for who in "" "-u $U" "-u $U -g $G" "-u 0"; do
			# shellcheck disable=SC2086
			aclcheck $opts $who d/env >>out 2>>err
			# shellcheck disable=SC2086
			aclcheck $opts $who "$PWD/d/env" >>out 2>>err
		done
	done &&
	contains "denied:" out && contains "allowed:" out && contains "# file:" out &&
	lacks "$SECRET" out &&
	lacks "hunter2" out &&
	lacks "$SECRET" err
'
if have strace && strace -f -o /dev/null true 2>/dev/null; then
	test_expect_success 'strace: the checked file is never opened' '
		printf "API_KEY=%s\n" "$SECRET" >env && chmod 600 env &&
		strace -f -e trace=openat,open -o trace aclcheck -v -u $U env >out 2>err;
		test $? -eq 1 &&
		strace -f -e trace=openat,open -o trace2 aclcheck -j -m rwx env >out 2>err;
		contains "passwd" trace &&
		lacks "env\"" trace && lacks "env\"" trace2 &&
		strace -f -e trace=openat,open -o control cat env >/dev/null &&
		contains "\"env\"" control
	'
else
	test_skip "strace: the checked file is never opened" "strace missing or not permitted"
fi

# repeat N STRING: STRING N times.
# shellcheck disable=SC2317
repeat() {
	awk -v n="$1" -v s="$2" 'BEGIN { for (i = 0; i < n; i++) printf "%s", s }'
}

# Names the kernel refuses, as the kernel does: the whole path's length
# first, then each component's.
test_expect_success 'PATH_MAX: one byte short is walked, PATH_MAX bytes is ENAMETOOLONG, as the kernel' '
	mk f 644 && pm=$(getconf PATH_MAX /) &&
	k=$((pm - 1 - ${#PWD} - 1)) &&
	short="$PWD$(repeat $k /)f" && long="$PWD$(repeat $((k + 1)) /)f" &&
	test ${#short} -eq $((pm - 1)) && test ${#long} -eq "$pm" &&
	test -r "$short" && ! test -r "$long" &&
	expect_code 0 aclcheck "$short" >out &&
	contains "allowed: " out &&
	expect_code 3 aclcheck "$long" >out 2>err &&
	test ! -s out && grep -Eq "File ?name too long" err &&
	expect_code 3 aclcheck -j "$long" >out 2>/dev/null &&
	grep -Eq "\"result\":\"error\",\"error\":\"File ?name too long\"" out
'
test_expect_success 'PATH_MAX: a relative path of ./ that walks short is still refused; 3 outranks allowed' '
	mk f 644 && pm=$(getconf PATH_MAX /) &&
	p="$(repeat $((pm / 2)) ./)f" &&
	! test -r "$p" &&
	expect_code 3 aclcheck f "$p" >out 2>err &&
	contains "allowed: f" out && grep -Eq "File ?name too long" err
'
test_expect_success 'a component longer than the file system allows: ENAMETOOLONG, exit 3' '
	mkd d 755 && n="d/$(repeat 300 a)" &&
	! test -e "$n" &&
	expect_code 3 aclcheck "$n" 2>err && grep -Eq "File ?name too long" err &&
	expect_code 3 aclcheck "$n/../.." 2>err && grep -Eq "File ?name too long" err
'

# The manual's EXAMPLES, in its order.
test_expect_success 'EXAMPLES: can the backend user read the env file' '
	mkd srv 755 && mk srv/.env 640 "" u:$U:r &&
	expect_code 0 aclcheck -u $U srv/.env >out &&
	check_str "allowed: srv/.env: -rw-r-----+ $ME:$MYGROUP: read permission for uid $U: ACL user:$U:r-- (effective r--)" out
'
test_expect_success 'EXAMPLES: denied, and the fixes applied' '
	mkd srv-2 755 && mkd srv-2/secrets 700 && mk srv-2/secrets/env 640 "" u:$U:r &&
	expect_code 1 aclcheck -u $U srv-2/secrets/env >acl.txt &&
	cat >want <<-EOF &&
	denied: $PWD/srv-2/secrets: drwx------ $ME:$MYGROUP: no search permission for uid $U: mode other::---
	fix: setfacl -m u:$U:x $PWD/srv-2/secrets
	EOF
	check want acl.txt &&
	{ aclcheck -u $U srv-2/secrets/env >acl.txt || sed -n "s/^fix: //p" acl.txt | sh; } &&
	expect_code 0 aclcheck -u $U srv-2/secrets/env >out
'
test_expect_success 'EXAMPLES: ACL evidence for a run directory' '
	mkd srv 755 && mk srv/.env 640 "" u:$U:r && mkdir run &&
	aclcheck -v -u $U srv/.env >run/acl.txt &&
	contains "# file: $PWD/srv/.env" run/acl.txt &&
	contains "user:$U:r--" run/acl.txt &&
	tail -n 1 run/acl.txt >last &&
	contains "allowed: srv/.env" last
'
test_expect_success 'EXAMPLES: awk picks the blocking paths' '
	mkd a 700 && mk a/f 644 && mk b 600 && mk c 644 &&
	expect_code 1 aclcheck -u $U -m r a/f b c >out &&
	awk "\$1 == \"denied:\" { sub(/:\$/, \"\", \$2); print \$2 }" out >blocked &&
	printf "%s\n" "$PWD/a" b >want &&
	check want blocked
'

test_done
