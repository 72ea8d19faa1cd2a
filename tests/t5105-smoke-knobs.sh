#!/bin/sh
# make smoke-local end to end (mk/smoke.sh), continued from t5100: the
# knobs (K6_DURATION, ENV_FILE, LOG_FILE, WARMUP_S...), POSIX and busybox
# utilities alone, servers we did not write, IPv6. t5106 runs the same
# with jq on PATH. (Three files so that they run side by side.)
# shellcheck disable=SC2317 # the helpers are called from test bodies
# shellcheck source=tests/lib.sh
. "${0%/*}/lib.sh"

# shellcheck source=tests/smokelib.sh
. "$ROOT/tests/smokelib.sh"

# shellcheck source=tests/smokebackends.sh
. "$ROOT/tests/smokebackends.sh"

# Two virtual users make two requests at least: past one kept exactly.
test_expect_success 'a native load past HTTPPROBE_EXACT_SAMPLES: the PASS line says the bound' '
	smoke_code 0 "$OK_URL" HTTPPROBE_EXACT_SAMPLES=1 K6_VUS=2 &&
	grep "^smoke: PASS $P95_SHOWN (within 0.5%) < 1200.00 ms, failed" out &&
	grep "^p95_precision=bounded\$" runs/latest/metrics.txt
'

test_expect_success 'a malformed knob: FAIL usage, exit 2, no run directory' '
	smoke_code 2 "$OK_URL" K6_MODE=sometimes &&
	check_str "smoke: FAIL usage: K6_MODE='"'"'sometimes'"'"': want auto, host, compose or native" out &&
	test ! -e runs &&
	smoke_code 2 "https://127.0.0.1:1" &&
	contains "https is not supported" out &&
	smoke_code 2 "$OK_URL" P95_MAX_MS=12x &&
	contains "P95_MAX_MS='"'"'12x'"'"': not a number of milliseconds" out &&
	smoke_code 2 "$OK_URL" K6_DURATION=forever &&
	check_str "smoke: FAIL usage: K6_DURATION='"'"'forever'"'"': not a duration (e.g. 10s, 1m30s, 500ms)" out &&
	smoke_code 2 "$OK_URL" K6_DURATION=10x &&
	smoke_code 2 "$OK_URL" K6_DURATION=1m30 &&
	smoke_code 2 "$OK_URL" PORT=70000 &&
	check_str "smoke: FAIL usage: PORT='"'"'70000'"'"': want a port number, 1 to 65535" out &&
	smoke_code 2 "http://127.0.0.1:0" &&
	test ! -e runs
'

# Against the fixture: each form reaches the native load (httpprobe -D gets
# it as written) and the run PASSes.
test_expect_success 'K6_DURATION: every form k6 takes reaches the load and PASSes (0m0.3s, 0.3s, 300ms, 0.3, 300000us)' '
	for d in 0m0.3s 0.3s 300ms 0.3 300000us; do
		smoke_code 0 "$OK_URL" K6_DURATION=$d &&
		grep "^smoke: PASS p95 .* native load" out &&
		status_has "\"detail\":\"native load, 1 VU for $d, exit 0 (the gate decides)\"" &&
		mv runs "runs-$d" || return 1
	done
'

# The programs, with an httpprobe whose load mode refuses to run (as it
# refused k6's duration forms once): its own line, not the gate's.
test_expect_success 'a load that cannot run: the FAIL line is httpprobe'"'"'s own reason' '
	mkdir progs &&
	for p in "$PROGS"/*; do ln -s "$p" progs/ || return 1; done &&
	rm progs/httpprobe &&
	cat >progs/httpprobe <<-EOF &&
	#!/bin/sh
	for a; do
		case \$a in -D) echo "httpprobe: bad -D: refused by this stand-in" >&2; exit 2 ;; esac
	done
	exec "$PROGS/httpprobe" "\$@"
	EOF
	chmod +x progs/httpprobe &&
	smoke_code 3 "$OK_URL" SMOKEKIT_BIN="$PWD/progs" &&
	fail_line load "httpprobe: bad -D: refused by this stand-in" &&
	contains "httpprobe: bad -D: refused by this stand-in" runs/latest/k6_stdout.log &&
	lacks "No such file" out
'

test_expect_success 'a strictly POSIX sed (GNU sed --posix): PASS the same' '
	bare_path posix && rm posix/sed &&
	printf "#!/bin/sh\nexec %s --posix \"\$@\"\n" "$(command -v sed)" >posix/sed &&
	chmod +x posix/sed &&
	echo a >a.txt && posix/sed "s/\(a\|b\)/x/" a.txt >gnu.txt &&
	check_str a gnu.txt &&
	smoke_code 0 "$OK_URL" PATH="$PWD/posix" ENV_FILE="$TRASH/leaky.env" \
	    LOG_FILE="$TRASH/notok.json" STARTUP_LINE="ok" &&
	grep "^smoke: PASS $P95_SHOWN < 1200.00 ms, .* 2 models, native load" out &&
	test ! -s err
'

if have busybox; then
	test_expect_success 'busybox alone (its sh and applets, no GNU tool): PASS the same' '
		mkdir bb &&
		for c in sh cat sed awk grep date mkdir mv rm ln tr wc id uname getconf \
		    readlink mktemp sleep od cut tail head ls cp env kill timeout; do
			ln -s "$(command -v busybox)" "bb/$c" || return 1
		done &&
		SH=$PWD/bb/sh smoke_code 0 "$OK_URL/" PATH="$PWD/bb" ENV_FILE="$TRASH/leaky.env" &&
		grep "^smoke: PASS $P95_SHOWN < 1200.00 ms, .* 2 models, native load" out &&
		test ! -s err && status_has "{\"name\":\"leakscan\",\"ok\":true," && no_temporaries
	'
else
	test_skip 'busybox alone: PASS the same' 'no busybox here'
fi

test_expect_success 'a value of ENV_FILE in an artifact: FAIL leakscan, exit 6, the value never printed' '
	smoke_code 6 "$LEAKY_URL" ENV_FILE="$TRASH/leaky.env" &&
	grep "^smoke: FAIL leakscan: a value of $TRASH/leaky.env is in the artifacts: .*API_KEY" out &&
	has_artifacts leakscan.txt env_acl.txt &&
	contains API_KEY runs/latest/leakscan.txt &&
	contains models.json runs/latest/leakscan.txt &&
	for f in out err runs/latest/status.json runs/latest/leakscan.txt \
	    runs/latest/metrics.txt runs/latest/preflight.txt runs/latest/env_acl.txt; do
		lacks sk-test-Zq81mW4vT2 "$f" && lacks hunter2 "$f" || return 1
	done &&
	status_has "{\"name\":\"gate\",\"ok\":true,"
'

test_expect_success 'WARMUP_S: unmeasured load first, then the gate' '
	smoke_code 0 "$OK_URL" WARMUP_S=0.3 &&
	status_has "{\"name\":\"warmup\",\"ok\":true,\"detail\":\"0.3s of unmeasured load\","
'

test_expect_success 'LEAK_IGNORE: a key that holds no secret is not looked for' '
	smoke_code 0 "$LEAKY_URL" ENV_FILE="$TRASH/leaky.env" LEAK_IGNORE="API_KEY OTHER" &&
	status_has "{\"name\":\"leakscan\",\"ok\":true,"
'

test_expect_success 'ENV_FILE clean: the leak check passes and says so' '
	smoke_code 0 "$OK_URL" ENV_FILE="$TRASH/leaky.env" &&
	status_has "{\"name\":\"leakscan\",\"ok\":true," &&
	contains "✓ env file $TRASH/leaky.env readable by user $(id -u)" runs/latest/preflight.txt
'

test_expect_success 'ENV_FILE the backend user cannot read: FAIL preflight, exit 3, ACL evidence' '
	cp "$TRASH/leaky.env" secret.env && chmod 600 secret.env &&
	smoke_code 3 "$OK_URL" ENV_FILE="$PWD/secret.env" ENV_USER=65534 &&
	grep "^smoke: FAIL preflight: env file $PWD/secret.env not readable by user 65534" out &&
	has_artifacts env_acl.txt preflight.txt &&
	contains "setfacl" runs/latest/preflight.txt &&
	contains "(ACL evidence: env_acl.txt)" runs/latest/preflight.txt &&
	lacks_artifacts healthz.json &&
	lacks sk-test-Zq81mW4vT2 runs/latest/env_acl.txt
'

test_expect_success 'a missing ENV_FILE: FAIL preflight, exit 3' '
	smoke_code 3 "$OK_URL" ENV_FILE="$PWD/nope.env" &&
	check_str "smoke: FAIL preflight: env file $PWD/nope.env: No such file or directory (see preflight.txt) ($PWD/runs/$(run_name))" out
'

test_expect_success 'LOG_FILE: the startup line is waited for and recorded' '
	printf "INFO:     Waiting for application startup.\nINFO:     Application startup complete.\n" >app.log &&
	smoke_code 0 "$OK_URL" LOG_FILE="$PWD/app.log" &&
	check_str "INFO:     Application startup complete." runs/latest/startup.txt &&
	status_has "{\"name\":\"startup\",\"ok\":true,"
'

test_expect_success 'LOG_FILE without the startup line: FAIL startup, exit 4; STARTUP_LINE= skips it' '
	printf "INFO:     Waiting for application startup.\n" >app.log &&
	smoke_code 4 "$OK_URL" LOG_FILE="$PWD/app.log" WAIT_S=1 &&
	grep "^smoke: FAIL startup: \"Application startup complete.\" not in LOG_FILE $PWD/app.log after 1s" out &&
	smoke_code 0 "$OK_URL" LOG_FILE="$PWD/app.log" STARTUP_LINE= &&
	lacks_artifacts startup.txt
'

test_expect_success 'K6_MODE=host without k6: FAIL preflight before anything runs, exit 3' '
	smoke_code 3 "$OK_URL" K6_MODE=host &&
	grep "^smoke: FAIL preflight: k6 not found, and K6_MODE=host needs it" out &&
	lacks_artifacts healthz.json k6_out
'

if [ -n "$PYPORT" ]; then
	test_expect_success 'PASS against python3 -m http.server (a server we did not write)' '
		smoke_code 0 "http://127.0.0.1:$PYPORT" &&
		grep "^smoke: PASS p95 .*, 3 models, native load" out &&
		test "$(key runs/latest/metrics.txt models_count)" = 3 &&
		check "$TRASH/www/v1/models" runs/latest/models.json
	'
	test_expect_success 'BASE_URL with a path prefix and trailing slashes: every request under it' '
		: >"$TRASH/py.log" &&
		smoke_code 0 "http://127.0.0.1:$PYPORT/api//" &&
		grep "^smoke: PASS p95 .*, 1 models, native load" out &&
		contains under-api runs/latest/models.json &&
		contains "\"GET /api/healthz HTTP/1.1\" 200" "$TRASH/py.log" &&
		contains "\"GET /api/v1/models HTTP/1.1\" 200" "$TRASH/py.log" &&
		lacks "GET //" "$TRASH/py.log" && lacks "GET /v1/" "$TRASH/py.log" &&
		lacks "GET /healthz" "$TRASH/py.log" &&
		status_has "\"base_url\": \"http://127.0.0.1:$PYPORT/api//\""
	'
else
	test_skip 'PASS against python3 -m http.server' 'python3 is not here'
	test_skip 'BASE_URL with a path prefix' 'python3 is not here'
fi

test_expect_success 'a path prefix the backend does not serve: the FAIL line names the real path' '
	smoke_code 1 "$OK_URL/api/" &&
	fail_line healthz "GET /api/healthz: HTTP 404, wanted 200 (body in $PWD/runs/$(run_name)/healthz.json)"
'

if [ -n "$V6_URL" ]; then
	test_expect_success 'an IPv6 BASE_URL (http://[::1]:PORT/): PASS, the port checked as [::1]' '
		smoke_code 0 "$V6_URL/" &&
		grep "^smoke: PASS p95 .*, 2 models, native load" out &&
		contains "✓ port [$V6_HOST]:$V6_PORT: " runs/latest/preflight.txt &&
		status_has "{\"name\":\"port\",\"ok\":true,\"detail\":\"[$V6_HOST]:$V6_PORT listens\","
	'
else
	test_skip 'an IPv6 BASE_URL' 'no ::1 here'
fi

test_expect_success 'credentials in BASE_URL: FAIL usage, exit 2, the password never shown' '
	smoke_code 2 "http://smoke:pw-Kq83Zt@127.0.0.1:$OK_PORT" &&
	check_str "smoke: FAIL usage: BASE_URL='"'"'http://***@127.0.0.1:$OK_PORT'"'"': credentials (user:password@) in the URL are not supported" out &&
	lacks pw-Kq83Zt out && lacks pw-Kq83Zt err && test ! -e runs
'

test_done
