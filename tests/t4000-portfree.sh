#!/bin/sh
# portfree: listeners the tests start themselves (python3 sockets) on
# 127.0.0.1, ::1, 0.0.0.0 and ::; the kernel's own bind is the truth.
# The test bodies are eval'ed strings: shellcheck cannot see them use
# the variables set here.
# shellcheck disable=SC2034
# shellcheck source=tests/lib.sh
. "${0%/*}/lib.sh"

have python3 || skip_all "python3 not found (Debian package: python3)"
# The interpreter itself, without site: a version manager's python3 shim
# costs a third of a second a start.
PYTHON=$(python3 -c 'import sys; print(sys.executable)')
py() {
	"$PYTHON" -S "$@"
}

# listen.py ADDR PORT READY [go=FILE] [stop=FILE] [v6only=1] [anything
# else]: waits for FILE go (when given), listens on ADDR:PORT (v6-only if
# asked), writes "PORT PID" to READY, and closes when FILE stop appears
# (else after 5 minutes, should the test die without cleaning up).
LISTEN_PY='
import os, socket, sys, time
addr, port, ready = sys.argv[1], int(sys.argv[2]), sys.argv[3]
opt = dict(a.split("=", 1) for a in sys.argv[4:]
           if a.startswith(("go=", "stop=", "v6only=")))
def wait(path):
    for _ in range(3000):
        if os.path.exists(path):
            return
        time.sleep(0.1)
if "go" in opt:
    wait(opt["go"])
s = socket.socket(socket.AF_INET6 if ":" in addr else socket.AF_INET)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
if "v6only" in opt:
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
s.bind((addr, port))
s.listen()
with open(ready + ".tmp", "w") as f:
    f.write("%d %d\n" % (s.getsockname()[1], os.getpid()))
os.rename(ready + ".tmp", ready)
if "stop" in opt:
    wait(opt["stop"])
else:
    time.sleep(300)
'

# bindable.py PORT ADDR...: for each address, "ADDR free" or "ADDR busy",
# as a server would see it (SO_REUSEADDR); a bare "any" asks 0.0.0.0 and a
# v6-only ::, "::" is dual-stack unless bindv6only says otherwise.
BINDABLE_PY='
import errno, socket, sys
port = int(sys.argv[1])
def bindable(addr, v6only=None):
    s = socket.socket(socket.AF_INET6 if ":" in addr else socket.AF_INET)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if v6only is not None:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, v6only)
    try:
        s.bind((addr, port))
        return True
    except OSError as e:
        if e.errno != errno.EADDRINUSE:
            raise
        return False
    finally:
        s.close()
for a in sys.argv[2:]:
    if a == "any":
        ok = bindable("0.0.0.0") and (not V6 or bindable("::", 1))
    else:
        ok = bindable(a)
    print(a, "free" if ok else "busy")
'

# The ports of this file, the kernel's for 127.0.0.1, port 0 (not --pick,
# which is under test here), picked at once so that no two are the same:
# the listeners below each get one of their own, and FREE_PORT and
# LATE_PORT one that no listener has on any address. (Each on port 0 of
# its own address, two listeners could get the same number, one on
# 127.0.0.1 and one on ::1, and fail each other's "free elsewhere"
# assertions: in the network namespace run.sh gives this file, no one
# else is there.)
read -r P_LO4 P_ANY4 P_LO6 P_ANY6 P_ONLY6 P_LEAVING P_PROXY LATE_PORT FREE_PORT <<EOF
$(py -c '
import socket
socks = [socket.socket() for _ in range(9)]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))')
EOF
[ -n "$FREE_PORT" ] || { echo "could not pick 9 ports" >&2; exit 1; }

if py -c 'import socket; socket.socket(socket.AF_INET6).bind(("::1", 0))' 2>/dev/null; then
	V6=1
else
	V6=
	echo "# ::1 is not available: the IPv6 cases are skipped"
fi
BINDV6ONLY=$(cat /proc/sys/net/ipv6/bindv6only 2>/dev/null || echo 0)
# Where the listening sockets come from: sock_diag netlink, else
# /proc/net/tcp; the bind probe is the path for systems without /proc.
PORTFREE_SOURCE=netlink portfree -q 1 2>/dev/null
if [ $? -ne 3 ]; then
	DEFAULT_SOURCE=netlink
	SOURCES="netlink proc probe"
else
	DEFAULT_SOURCE=proc
	SOURCES="proc probe"
	echo "# sock_diag netlink is not available: portfree uses /proc/net/tcp"
fi
BINDABLE_PY="V6 = ${V6:-0}
$BINDABLE_PY"

# listen NAME ADDR [PORT] [ARG...]: a listener at the top level; its port
# and pid land in $TRASH/NAME.ready.
listen() {
	name=$1 addr=$2 port=${3:-0}
	shift 2
	[ $# -gt 0 ] && shift
	start_bg "$PYTHON" -S -c "$LISTEN_PY" "$addr" "$port" "$TRASH/$name.ready" "$@"
}
# ready NAME: wait for the listener, set PORT and PID.
ready() {
	wait_for_file "$TRASH/$1.ready" 100 || { echo "listener $1 did not start" >&2; exit 1; }
	read -r PORT PID <"$TRASH/$1.ready"
}

listen lo4 127.0.0.1 "$P_LO4"
listen any4 0.0.0.0 "$P_ANY4"
if [ -n "$V6" ]; then
	listen lo6 ::1 "$P_LO6"
	listen any6 :: "$P_ANY6"
	listen only6 :: "$P_ONLY6" v6only=1
fi
listen late 127.0.0.1 "$LATE_PORT" "go=$TRASH/late.go"
listen leaving 127.0.0.1 "$P_LEAVING" "stop=$TRASH/leaving.stop"
# A docker-proxy: the real python3 started under that name, with the flags
# docker passes.
ln -s "$PYTHON" "$TRASH/docker-proxy"
start_bg "$TRASH/docker-proxy" -S -c "$LISTEN_PY" 127.0.0.1 "$P_PROXY" "$TRASH/proxy.ready" \
	-proto tcp -host-ip 127.0.0.1 -host-port 0 -container-ip 172.17.0.2 -container-port 80

ready lo4 && LO4_PORT=$PORT LO4_PID=$PID
ready any4 && ANY4_PORT=$PORT ANY4_PID=$PID
if [ -n "$V6" ]; then
	ready lo6 && LO6_PORT=$PORT LO6_PID=$PID
	ready any6 && ANY6_PORT=$PORT ANY6_PID=$PID
	ready only6 && ONLY6_PORT=$PORT
fi
ready leaving && LEAVING_PORT=$PORT
ready proxy && PROXY_PORT=$PORT PROXY_PID=$PID
ME=$(id -un)
# The --pick example of the manual: a server on the port it printed.
portfree --pick >"$TRASH/picked.txt"
PICKED=$(cat "$TRASH/picked.txt")
listen picked 127.0.0.1 "$PICKED"

test_expect_success 'usage errors are exit 2' '
	expect_code 2 portfree 2>err &&
	contains "usage: portfree [-hjqV] [-l | -f]" err &&
	expect_code 2 portfree 0 2>err && contains "bad port in '\''0'\''" err &&
	expect_code 2 portfree 65536 2>/dev/null &&
	expect_code 2 portfree 80x 2>/dev/null &&
	expect_code 2 portfree ::1:80 2>err && contains "brackets" err &&
	expect_code 2 portfree "[::1]80" 2>/dev/null &&
	expect_code 2 portfree :80 2>/dev/null &&
	expect_code 2 portfree -l -f 80 2>err && contains "exclude" err &&
	expect_code 2 portfree -w 1 80 2>err && contains "-w and -i go with -l or -f" err &&
	expect_code 2 portfree -l -w 1x 80 2>/dev/null &&
	expect_code 2 portfree -f -i 0 80 2>/dev/null &&
	expect_code 2 portfree -p -l 2>/dev/null &&
	expect_code 2 portfree -p 127.0.0.1 ::1 2>/dev/null &&
	expect_code 2 portfree -x 80 2>/dev/null
'

test_expect_success '-h and -V' '
	portfree -h >out 2>err && check /dev/null err &&
	contains "usage: portfree" out &&
	contains "       portfree -p [-j] [host]" out &&
	contains "  -p, --pick" out && contains "  -w seconds" out &&
	portfree --help >out2 && check out out2 &&
	portfree -V >out && contains "portfree smokekit " out
'

test_expect_success 'a host that is not this one is exit 3' '
	expect_code 3 portfree 192.0.2.1:80 >out 2>err &&
	check_str "portfree: 192.0.2.1: not an address of this host" err &&
	check /dev/null out &&
	expect_code 3 portfree no-such-host.invalid:80 2>err &&
	contains "no-such-host.invalid" err
'

test_expect_success 'an http:// URL operand: its host and port, by the URL grammar of url.c' '
	expect_code 1 portfree "http://127.0.0.1:$LO4_PORT/healthz?x=1" >out &&
	contains "state=listening" out &&
	portfree "http://127.0.0.1:$FREE_PORT" >out && contains "state=free" out &&
	expect_code 2 portfree "http://alice:s3cret@127.0.0.1:$LO4_PORT/" 2>err &&
	contains "credentials" err && ! grep -e s3cret -e alice err &&
	expect_code 2 portfree "https://127.0.0.1:$LO4_PORT/" 2>err && contains "https" err
'

test_expect_success 'a listener on 127.0.0.1: address, pid, command, user' '
	expect_code 1 portfree 127.0.0.1:$LO4_PORT >out 2>err &&
	check /dev/null err &&
	sed -n "1,5p" out >head &&
	printf "%s\n" "target=127.0.0.1:$LO4_PORT" "port=$LO4_PORT" \
		"addresses=127.0.0.1" "source=$DEFAULT_SOURCE" "state=listening" >want &&
	check want head &&
	contains "listener=127.0.0.1:$LO4_PORT" out &&
	contains "owner=process" out &&
	contains "pid=$LO4_PID" out &&
	contains "uid=$(id -u)" out &&
	contains "user=$ME" out &&
	contains "comm=$(cat /proc/$LO4_PID/comm)" out &&
	contains "comm=python" out &&
	grep "^cmdline=[^ ]*python3[^ ]* -S -c " out &&
	contains "summary=127.0.0.1:$LO4_PORT held by $(cat /proc/$LO4_PID/comm) (pid $LO4_PID, user $ME): " out
'

test_expect_success 'the command line is cut at 80 bytes, blanks for NULs and newlines' '
	expect_code 1 portfree 127.0.0.1:$LO4_PORT >out &&
	sed -n "s/^cmdline=//p" out >cmd &&
	line_count 1 cmd &&
	n=$(wc -c <cmd) && [ "$n" -eq 84 ] &&
	grep "\.\.\.\$" cmd &&
	tr "\000\n" "  " </proc/$LO4_PID/cmdline | cut -c 1-80 >want &&
	sed "s/\.\.\.\$//" cmd >got &&
	check want got
'

test_expect_success 'a free port: exit 0, state=free, no listener' '
	portfree $FREE_PORT >out 2>err &&
	check /dev/null err &&
	printf "%s\n" "target=$FREE_PORT" "port=$FREE_PORT" "addresses=any" \
		"source=$DEFAULT_SOURCE" "state=free" >want &&
	check want out
'

test_expect_success '-q prints nothing' '
	expect_code 1 portfree -q $LO4_PORT >out 2>err &&
	portfree -q $FREE_PORT >>out 2>>err &&
	check /dev/null out && check /dev/null err
'

test_expect_success '-j: one JSON object per target' '
	expect_code 1 portfree -j $LO4_PORT $FREE_PORT >out &&
	line_count 2 out &&
	py -c "
import json, sys
a, b = [json.loads(l) for l in open(\"out\")]
assert a[\"target\"] == \"$LO4_PORT\" and a[\"port\"] == $LO4_PORT, a
assert a[\"addresses\"] == [\"any\"] and a[\"state\"] == \"listening\", a
l = a[\"listeners\"]
assert len(l) == 1 and l[0][\"address\"] == \"127.0.0.1\", l
assert l[0][\"pid\"] == $LO4_PID and l[0][\"owner\"] == \"process\", l
assert l[0][\"user\"] == \"$ME\" and l[0][\"cmdline\"].endswith(\"...\"), l
assert b == {\"target\": \"$FREE_PORT\", \"port\": $FREE_PORT, \"addresses\": [\"any\"],
             \"source\": \"$DEFAULT_SOURCE\", \"state\": \"free\", \"listeners\": []}, b
"
'

test_expect_success 'several targets: one block each, busy if any is' '
	expect_code 1 portfree $FREE_PORT 127.0.0.1:$LO4_PORT >out &&
	grep -c "^target=" out >n && check_str 2 n &&
	grep -c "^\$" out >n && check_str 1 n &&
	awk -v RS= "{ print \$1, \$5 }" out >got &&
	printf "%s\n" "target=$FREE_PORT state=free" \
		"target=127.0.0.1:$LO4_PORT state=listening" >want &&
	check want got
'

# Who blocks whom: the expected table (bindv6only 0), and the kernel's own
# answer for every cell, which every source must give.
# cell LISTENER_PORT TARGET_FORM EXPECTED
cell() {
	lport=$1 form=$2 want=$3
	case $form in
	any) target=$lport ;;
	*:*) target="[$form]:$lport" ;;
	*) target=$form:$lport ;;
	esac
	if [ "$BINDV6ONLY" != 0 ]; then
		want=
	fi
	test_expect_success "listener on port $lport, target $target is $want" '
		py -c "$BINDABLE_PY" $lport $form >truth &&
		{ [ -z "$want" ] || check_str "$form $want" truth; } &&
		for src in $SOURCES; do
			PORTFREE_SOURCE=$src portfree -q "$target"
			case $? in 0) g=free ;; 1) g=busy ;; *) exit 1 ;; esac
			echo "$src: $g"
			check_str "$form $g" truth || exit 1
		done
	'
}

cell "$LO4_PORT" any busy
cell "$LO4_PORT" 127.0.0.1 busy
cell "$LO4_PORT" 0.0.0.0 busy
cell "$ANY4_PORT" any busy
cell "$ANY4_PORT" 127.0.0.1 busy
cell "$ANY4_PORT" 0.0.0.0 busy
if [ -n "$V6" ]; then
	cell "$LO4_PORT" ::1 free
	cell "$LO4_PORT" :: busy
	cell "$ANY4_PORT" ::1 free
	cell "$ANY4_PORT" :: busy
	cell "$LO6_PORT" any busy
	cell "$LO6_PORT" 127.0.0.1 free
	cell "$LO6_PORT" ::1 busy
	cell "$LO6_PORT" 0.0.0.0 free
	cell "$LO6_PORT" :: busy
	cell "$ANY6_PORT" any busy
	cell "$ANY6_PORT" 127.0.0.1 busy
	cell "$ANY6_PORT" ::1 busy
	cell "$ANY6_PORT" 0.0.0.0 busy
	cell "$ANY6_PORT" :: busy
else
	test_skip "the IPv6 cells of the table" "::1 is not available"
fi

test_expect_success 'a listener on 0.0.0.0 blocks 127.0.0.1, names its owner' '
	expect_code 1 portfree 127.0.0.1:$ANY4_PORT >out &&
	contains "listener=0.0.0.0:$ANY4_PORT" out &&
	contains "pid=$ANY4_PID" out
'

if [ -n "$V6" ]; then
	test_expect_success 'listeners on ::1 and ::, owners by pid' '
		expect_code 1 portfree "[::1]:$LO6_PORT" >out &&
		contains "listener=[::1]:$LO6_PORT" out &&
		contains "pid=$LO6_PID" out &&
		expect_code 1 portfree $ANY6_PORT >out &&
		contains "listener=[::]:$ANY6_PORT" out &&
		contains "pid=$ANY6_PID" out &&
		contains "addresses=any" out
	'
	test_expect_success '127.0.0.1 and ::1 do not block each other' '
		portfree "[::1]:$LO4_PORT" >out &&
		contains "state=free" out &&
		portfree "127.0.0.1:$LO6_PORT" >out &&
		contains "state=free" out
	'
else
	test_skip "listeners on ::1 and ::" "::1 is not available"
	test_skip "127.0.0.1 and ::1 do not block each other" "::1 is not available"
fi

test_expect_success 'a name: every local address it resolves to' '
	expect_code 1 portfree localhost:$LO4_PORT >out &&
	grep "^addresses=.*127\.0\.0\.1" out &&
	contains "listener=127.0.0.1:$LO4_PORT" out &&
	portfree localhost:$FREE_PORT >out &&
	contains "state=free" out
'

if have setpriv; then
	test_expect_success 'an unprivileged uid: owner not visible, port still in use' '
		expect_code 1 setpriv --reuid=65534 --regid=65534 --clear-groups \
			"$PROGS/portfree" 127.0.0.1:$LO4_PORT >out 2>err &&
		check /dev/null err &&
		contains "state=listening" out &&
		contains "listener=127.0.0.1:$LO4_PORT" out &&
		contains "owner=not visible" out &&
		contains "owner not visible" out &&
		contains "user=$ME" out &&
		lacks "pid=" out &&
		lacks "cmdline=" out &&
		expect_code 1 setpriv --reuid=65534 --regid=65534 --clear-groups \
			"$PROGS/portfree" -j $LO4_PORT >out &&
		contains "\"owner\":\"not visible\"" out
	'
else
	test_skip "an unprivileged uid: owner not visible" "setpriv not found (Debian package: util-linux)"
fi

# hidepid: a /proc of its own, mounted with hidepid=invisible in a private
# mount namespace (the host's /proc is left alone), where another user's
# processes do not even have a /proc/PID. Needs root and unshare.
HIDEPID_SH='
	mount -t proc -o hidepid=invisible proc /proc || exit 90
	# The option must have taken: the owner hidden from uid 65534, shown to root.
	setpriv --reuid=65534 --regid=65534 --clear-groups test -e "/proc/$1" && exit 91
	test -e "/proc/$1" || exit 92
	setpriv --reuid=65534 --regid=65534 --clear-groups "$2" "127.0.0.1:$3" >hidden.out
	echo "hidden=$?"
	"$2" "127.0.0.1:$3" >shown.out
	echo "shown=$?"
'
if [ "$(id -u)" -eq 0 ] && have unshare && have setpriv &&
	unshare -m sh -c 'mount -t proc -o hidepid=invisible proc /proc' 2>/dev/null; then
	test_expect_success 'hidepid: owner not visible to another uid, port still in use' '
		unshare -m sh -c "$HIDEPID_SH" sh "$LO4_PID" "$PROGS/portfree" "$LO4_PORT" >codes &&
		printf "%s\n" hidden=1 shown=1 >want &&
		check want codes &&
		contains "state=listening" hidden.out &&
		contains "owner=not visible" hidden.out &&
		lacks "pid=" hidden.out &&
		contains "pid=$LO4_PID" shown.out &&
		contains "owner=process" shown.out
	'
else
	test_skip "hidepid: owner not visible" "needs root, unshare and setpriv, and a /proc mount with hidepid= in a private namespace"
fi

if [ -n "$V6" ]; then
	test_expect_success 'a v6-only :: listener leaves IPv4 free (proc errs on busy)' '
		py -c "$BINDABLE_PY" $ONLY6_PORT 127.0.0.1 0.0.0.0 ::1 >truth &&
		printf "%s\n" "127.0.0.1 free" "0.0.0.0 free" "::1 busy" >want &&
		check want truth &&
		PORTFREE_SOURCE=probe portfree -q 127.0.0.1:$ONLY6_PORT &&
		PORTFREE_SOURCE=probe portfree -q 0.0.0.0:$ONLY6_PORT &&
		expect_code 1 portfree -q $ONLY6_PORT &&
		expect_code 1 portfree -q "[::1]:$ONLY6_PORT" &&
		if [ "$DEFAULT_SOURCE" = netlink ]; then
			portfree -q 127.0.0.1:$ONLY6_PORT &&
			portfree -q 0.0.0.0:$ONLY6_PORT
		fi &&
		if [ "$BINDV6ONLY" = 0 ]; then
			expect_code 1 env PORTFREE_SOURCE=proc portfree -q 127.0.0.1:$ONLY6_PORT
		fi
	'
else
	test_skip "a v6-only :: listener" "::1 is not available"
fi

test_expect_success 'PORTFREE_SOURCE picks the source, and says which' '
	for src in $SOURCES; do
		PORTFREE_SOURCE=$src portfree $FREE_PORT >out &&
		contains "source=$src" out || exit 1
	done &&
	expect_code 2 env PORTFREE_SOURCE=nosuch portfree $FREE_PORT 2>err &&
	contains "bad PORTFREE_SOURCE" err
'

test_expect_success 'TIME_WAIT is not in use' '
	py -c "
import socket
l = socket.socket()
l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.bind((\"127.0.0.1\", 0))
l.listen()
port = l.getsockname()[1]
c = socket.create_connection(l.getsockname())
a, _ = l.accept()
a.close()        # the server side closes first: its end waits
c.recv(1)
c.close()
l.close()
print(port)
" >port &&
	tw=$(cat port) &&
	hex=$(printf "%04X" "$tw") &&
	awk -v p=":$hex" "\$2 ~ p\"\$\" && \$4 == \"06\"" /proc/net/tcp >tw &&
	line_count 1 tw &&
	for src in $SOURCES; do
		PORTFREE_SOURCE=$src portfree 127.0.0.1:$tw >out &&
		contains "state=free" out &&
		PORTFREE_SOURCE=$src portfree -q $tw || exit 1
	done &&
	py -c "$BINDABLE_PY" $tw 127.0.0.1 >truth &&
	check_str "127.0.0.1 free" truth
'

if have ss; then
	# ss -Hltn lines: State Recv-Q Send-Q Local:Port Peer:Port; ss shows a
	# dual-stack :: as *, a v6-only one as [::].
	test_expect_success 'agrees with ss -Hltn on every listener of these tests' '
		for p in $LO4_PORT $ANY4_PORT $LO6_PORT $ANY6_PORT $ONLY6_PORT $PROXY_PORT; do
			ss -Hltn "sport = :$p" >ss.out || exit 1
			awk "{ print \$4 }" ss.out | sed "s/^\*:/[::]:/" | sort >>want
			for src in $SOURCES; do
				[ $src = probe ] && continue
				PORTFREE_SOURCE=$src portfree $p >out; [ $? -eq 1 ] || exit 1
				sed -n "s/^listener=//p" out | sort >>got.$src
			done
		done &&
		line_count $((3 + ${V6:-0} * 3)) want &&
		for src in $SOURCES; do
			[ $src = probe ] || check want got.$src || exit 1
		done &&
		ss -Hltn "sport = :$FREE_PORT" >ss.out &&
		check /dev/null ss.out &&
		portfree -q $FREE_PORT
	'
else
	test_skip "agreement with ss" "ss not found (Debian package: iproute2)"
fi

test_expect_success 'docker-proxy: published by a container, with its address' '
	expect_code 1 portfree $PROXY_PORT >out &&
	contains "owner=container" out &&
	contains "pid=$PROXY_PID" out &&
	contains "container=172.17.0.2:80" out &&
	contains "summary=127.0.0.1:$PROXY_PORT published by a container at 172.17.0.2:80" out
'

test_expect_success '-l waits for a listener that starts later' '
	portfree -q 127.0.0.1:$LATE_PORT &&
	: >"$TRASH/late.go" &&
	portfree -l -w 30 -i 0.05 127.0.0.1:$LATE_PORT >out 2>err &&
	check /dev/null err &&
	contains "state=listening" out &&
	wait_for_file "$TRASH/late.ready" &&
	read -r port pid <"$TRASH/late.ready" &&
	contains "pid=$pid" out
'

test_expect_success '-l with several targets: all must listen' '
	portfree -l -w 5 $LO4_PORT 127.0.0.1:$ANY4_PORT >out &&
	grep -c "^state=listening" out >n && check_str 2 n &&
	expect_code 1 portfree -l -w 0.2 $LO4_PORT $FREE_PORT >out 2>err &&
	contains "timed out after 0.2 s waiting for every port to be listening" err
'

test_expect_success '-f waits until a listener lets go' '
	expect_code 1 portfree -q $LEAVING_PORT &&
	: >"$TRASH/leaving.stop" &&
	portfree -f -w 30 -i 0.05 $LEAVING_PORT >out 2>err &&
	check /dev/null err &&
	contains "state=free" out
'

test_expect_success '-w: on timeout exit 1 with what was last seen' '
	expect_code 1 portfree -l -w 0.3 -i 0.05 127.0.0.1:$FREE_PORT >out 2>err &&
	contains "state=free" out &&
	check_str "portfree: timed out after 0.3 s waiting for 127.0.0.1:$FREE_PORT to be listening" err &&
	expect_code 1 portfree -f -w 200ms $LO4_PORT >out 2>err &&
	contains "pid=$LO4_PID" out &&
	contains "timed out" err &&
	expect_code 1 portfree -q -f -w 0 $LO4_PORT >out 2>err &&
	check /dev/null out && check /dev/null err
'

test_expect_success '-w and -i take the one duration grammar: k6 forms, plain seconds' '
	expect_code 1 portfree -l -w 0m0.2s -i 50ms 127.0.0.1:$FREE_PORT >out 2>err &&
	contains "timed out after 0.2 s" err &&
	expect_code 2 portfree -l -w 1x $FREE_PORT >out 2>err &&
	check_str "portfree: bad wait '\''1x'\'': want a duration such as 10, 0.5, 250ms or 1m30s" err &&
	expect_code 2 portfree -l -i 1m-2s $FREE_PORT >out 2>err &&
	contains "bad interval" err
'

test_expect_success '--pick: a port a server can bind, on 127.0.0.1 and any address' '
	portfree --pick >port 2>err &&
	check /dev/null err &&
	grep -E "^[0-9]+\$" port &&
	p=$(cat port) &&
	py -c "$BINDABLE_PY" $p 127.0.0.1 any >truth &&
	printf "%s\n" "127.0.0.1 free" "any free" >want &&
	check want truth &&
	portfree -q $p &&
	portfree -p -j localhost >out &&
	py -c "
import json
o = json.load(open(\"out\"))
assert o[\"host\"] == \"localhost\" and 0 < o[\"port\"] < 65536, o
"
'

if [ -n "$V6" ]; then
	test_expect_success '--pick on ::1' '
		portfree -p ::1 >port && p=$(cat port) &&
		py -c "$BINDABLE_PY" $p ::1 >truth &&
		check_str "::1 free" truth &&
		portfree -p "[::1]" >port && grep -E "^[0-9]+\$" port
	'
else
	test_skip "--pick on ::1" "::1 is not available"
fi

test_expect_success 'the bind probe: busy, free, owner unknown' '
	PORTFREE_SOURCE=probe && export PORTFREE_SOURCE &&
	expect_code 1 portfree 127.0.0.1:$LO4_PORT $LO4_PORT >out 2>err &&
	check /dev/null err &&
	contains "source=probe" out &&
	contains "listener=127.0.0.1:$LO4_PORT" out &&
	contains "listener=0.0.0.0:$LO4_PORT" out &&
	contains "owner=unknown" out &&
	contains "owner unknown (bind probe)" out &&
	lacks "pid=" out && lacks "user=" out &&
	portfree $FREE_PORT >out &&
	contains "source=probe" out && contains "state=free" out &&
	expect_code 1 portfree -l -w 0.2 $FREE_PORT >out 2>/dev/null &&
	portfree -l -w 5 $ANY4_PORT >out
'

# The man page's EXAMPLES, in order, on the ports of these tests.
test_expect_success 'EXAMPLES: who holds the port' '
	{ portfree $LO4_PORT >port.txt || sed -n "s/^summary=//p" port.txt; } >out &&
	line_count 1 out &&
	contains "127.0.0.1:$LO4_PORT held by" out &&
	{ portfree $FREE_PORT >port.txt || sed -n "s/^summary=//p" port.txt; } >out &&
	check /dev/null out
'

test_expect_success 'EXAMPLES: wait for the backend in a script' '
	sh -c "portfree -q -l -w 30 localhost:$LO4_PORT ||
	    { echo \"nothing listens on $LO4_PORT\" >&2; exit 1; }" 2>err &&
	check /dev/null err &&
	expect_code 1 sh -c "portfree -q -l -w 0.1 localhost:$FREE_PORT ||
	    { echo \"nothing listens on $FREE_PORT\" >&2; exit 1; }" 2>err &&
	check_str "nothing listens on $FREE_PORT" err
'

test_expect_success 'EXAMPLES: wait until a stopped server has let go' '
	portfree -f -w 10 -i 0.2 127.0.0.1:$FREE_PORT >out &&
	contains "state=free" out
'

# (The server is started at the top level: listen picked, on $PICKED.)
test_expect_success 'EXAMPLES: a test server on a picked port' '
	grep -E "^[0-9]+\$" "$TRASH/picked.txt" &&
	ready picked && [ "$PORT" = "$PICKED" ] &&
	expect_code 1 portfree 127.0.0.1:$PICKED >out &&
	contains "pid=$PID" out
'

test_expect_success 'EXAMPLES: the pids listening on two ports' '
	{ portfree $LO4_PORT $ANY4_PORT >ports.txt; sed -n "s/^pid=//p" ports.txt; } >out &&
	printf "%s\n" $LO4_PID $ANY4_PID >want &&
	check want out
'

test_done
