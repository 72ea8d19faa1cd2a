# shellcheck shell=sh
# tests/smokebackends.sh: the backends of the smoke tests (t5100, t5105,
# t5106), sourced after tests/smokelib.sh: the fixture server passing and
# failing on purpose, each on its own port (OK_URL, H503_URL, NOTOK_URL,
# OKOBJ_URL, OKLONG_URL, NODATA_URL, SLOW_URL, ERR_URL, LEAKY_URL; V6_URL on
# ::1 where the host has it), a port nobody listens on (CLOSED_URL), python3
# -m http.server (PYPORT, where python3 is), and the files they serve.

cat >"$TRASH/nodata.json" <<-\EOF
{"object":"list","models":[{"id":"smoke-small"}]}
EOF
printf '{"ok": false}\n' >"$TRASH/notok.json"
printf '{"ok": {"status":\n  "degraded"}}\n' >"$TRASH/okobj.json"
printf '{"ok": "%s"}\n' "degraded: the database has not answered for 30 s" >"$TRASH/oklong.json"
printf '{"object":"list","data":[{"id":"sk-test-Zq81mW4vT2"}]}\n' >"$TRASH/leaky.json"
printf '# the backend secrets\nAPI_KEY="sk-test-Zq81mW4vT2"\nexport DB_PASSWORD=hunter2-correct-horse\n' \
    >"$TRASH/leaky.env"

# The backends the load reaches answer in 1 ms (-l 1): the load is a
# closed loop, and instant answers would keep a core busy all its length.
start_fixture -l 1 >/dev/null
OK_URL=$FIXTURE_URL OK_PORT=$FIXTURE_PORT
start_fixture -s 503 >/dev/null
H503_URL=$FIXTURE_URL
start_fixture -H "$TRASH/notok.json" >/dev/null
NOTOK_URL=$FIXTURE_URL
start_fixture -H "$TRASH/okobj.json" >/dev/null
OKOBJ_URL=$FIXTURE_URL
start_fixture -H "$TRASH/oklong.json" >/dev/null
OKLONG_URL=$FIXTURE_URL
start_fixture -m "$TRASH/nodata.json" >/dev/null
NODATA_URL=$FIXTURE_URL
start_fixture -l 30 >/dev/null
SLOW_URL=$FIXTURE_URL
start_fixture -l 1 -e 2 >/dev/null
ERR_URL=$FIXTURE_URL
start_fixture -l 1 -m "$TRASH/leaky.json" >/dev/null
LEAKY_URL=$FIXTURE_URL
hold_port || exit 1
CLOSED_PORT=$HELD_PORT
CLOSED_URL=http://127.0.0.1:$CLOSED_PORT
# The fixture on ::1, where this host has IPv6 loopback.
V6_URL='' V6_HOST=::1 V6_PORT=''
if start_fixture -l 1 -b ::1 >/dev/null 2>&1; then
	V6_PORT=$FIXTURE_PORT
	V6_URL="http://[::1]:$V6_PORT"
fi

# python3 -m http.server serving the two endpoints as files.
PYPORT=
if have python3; then
	mkdir -p "$TRASH/www/v1" "$TRASH/www/api/v1"
	printf '{"ok": true}\n' >"$TRASH/www/healthz"
	printf '{"object":"list","data":[{"id":"m1"},{"id":"m2"},{"id":"m3"}]}\n' \
	    >"$TRASH/www/v1/models"
	printf '{"ok": true}\n' >"$TRASH/www/api/healthz"
	printf '{"data":[{"id":"under-api"}]}\n' >"$TRASH/www/api/v1/models"
	# On port 0: it says the port the kernel gave it on its first line.
	start_bg python3 -u -m http.server 0 --bind 127.0.0.1 --directory "$TRASH/www" \
	    >"$TRASH/py.out" 2>>"$TRASH/py.log"
	wait_for_file "$TRASH/py.out" 300 &&
	PYPORT=$(sed -n 's/.* port \([0-9][0-9]*\) .*/\1/p' "$TRASH/py.out")
fi
export OK_URL OK_PORT H503_URL NOTOK_URL OKOBJ_URL OKLONG_URL NODATA_URL SLOW_URL ERR_URL LEAKY_URL CLOSED_URL \
    CLOSED_PORT PYPORT V6_URL V6_HOST V6_PORT
