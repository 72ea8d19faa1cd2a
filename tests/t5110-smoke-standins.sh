#!/bin/sh
# mk/smoke.sh with k6 and docker stood in for (tests/standin/): the
# command lines it runs for k6-host, k6-compose, up, down and the evidence,
# exactly; the real k6 output they replay goes through the real p95parse
# gate. The backend probed is the real fixture server.
# shellcheck disable=SC2317 # the helpers are called from test bodies
# shellcheck source=tests/lib.sh
. "${0%/*}/lib.sh"

# shellcheck source=tests/smokelib.sh
. "$ROOT/tests/smokelib.sh"

K6CASES=$TESTDATA/k6/v1.0.0
[ -f "$K6CASES/a_plain/k6_models.json" ] || fail_all "no real k6 output in $K6CASES"

# A k6 run that left no summary export: the stdout log carries the gate.
mkdir -p "$TRASH/logonly"
cp "$K6CASES/a_plain/k6_stdout.log" "$K6CASES/a_plain/exit_code.txt" "$TRASH/logonly/"

printf 'API_KEY=sk-live-4Hq2Xw9Lr7\n' >"$TRASH/api.env"

# The backend that passes answers in 1 ms (-l 1): the load is a closed
# loop, and an instant answer would keep a core busy for all its length.
start_fixture -l 1 >/dev/null
URL=$FIXTURE_URL
# The fixture's port is the one the compose file publishes, as PORT:PORT.
FPORT=$FIXTURE_PORT
SCRIPT=$ROOT/tests/k6_models.js
# Where nothing listens, held for the file.
hold_port || exit 1
CLOSED=$HELD_PORT
export URL FPORT SCRIPT K6CASES CLOSED

cat >"$TRASH/compose.yml" <<EOF
services:
  api:
    build: .
    env_file: .env
    ports:
      - "$FPORT:$FPORT"
EOF
cat >"$TRASH/compose-9000.yml" <<EOF
services:
  api:
    build: .
    ports:
      - "9000:$FPORT"
EOF

# host_smoke STATUS [NAME=VALUE...]: the pipeline with the k6 stand-in.
host_smoke() {
	hs_want=$1
	shift
	smoke_code "$hs_want" "$URL" PATH="$BARE:$K6DIR" TESTDATA="$TESTDATA" \
	    STANDIN_LOG="$PWD/standin.log" "$@"
}

# compose_smoke STATUS [NAME=VALUE...]: the same with the docker stand-in.
compose_smoke() {
	cs_want=$1
	shift
	smoke_code "$cs_want" "$URL" PATH="$BARE:$DOCKERDIR" TESTDATA="$TESTDATA" \
	    STANDIN_LOG="$PWD/standin.log" COMPOSE_FILE="$TRASH/compose.yml" PORT="$FPORT" "$@"
}

# k6_line URL EXPORT SCRIPT [SAMPLES]: the k6 run arguments mk/k6.sh must
# pass; the raw samples go to the work directory unless said otherwise.
k6_line() {
	printf 'run -e BASE_URL=%s -e VUS=1 -e DURATION=300ms -e P95_MAX_MS=%s -e FAILED_MAX=0.01 --summary-export=%s --out json=%s %s' \
	    "$1" "${P95:-1200}" "$2" "${4:-WORK/samples.ndjson}" "$3"
}

test_expect_success 'auto picks k6 on the host: the exact k6 command, its output kept as is' '
	host_smoke 0 &&
	r=$PWD/runs/$(run_name) &&
	check_str "smoke: PASS p95 22.51 ms < 1200.00 ms, failed 0.00% < 1.00%, 2 models, host load ($r)" out &&
	standin_calls "k6 run" >calls &&
	check_str "k6 $(k6_line "$URL" "$r/k6_out/.k6_models.json.tmp.PID" "$SCRIPT")" calls &&
	check "$K6CASES/a_plain/k6_models.json" runs/latest/k6_out/k6_models.json &&
	check "$K6CASES/a_plain/k6_stdout.log" runs/latest/k6_stdout.log &&
	test "$(key runs/latest/metrics.txt p95_ms)" = 22.50722525 &&
	test "$(key runs/latest/metrics.txt source)" = summary-export &&
	test "$(key runs/latest/metrics.txt k6_mode)" = host &&
	status_has "\"k6_mode\": \"host\"" &&
	contains "k6=k6 v1.0.0" runs/latest/sysinfo.txt &&
	no_temporaries
'

test_expect_success 'make k6-host alone: the gate only, in a run directory of its own' '
	SMOKE_CMD=k6-host host_smoke 0 &&
	check_str "k6-host: PASS p95 22.51 ms < 1200.00 ms, failed 0.00% < 1.00%, host load ($PWD/runs/$(run_name))" out &&
	has_artifacts k6_out/k6_models.json k6_stdout.log status.json metrics.txt &&
	lacks_artifacts healthz.json models.json &&
	status_has "{\"name\":\"load\",\"ok\":true," && status_has "{\"name\":\"gate\",\"ok\":true,"
'

test_expect_success 'k6 crossed p(95) (its exit 99): FAIL gate, exit 5, the numbers k6 saw' '
	P95=10 host_smoke 5 STANDIN_K6_CASE="$K6CASES/b_threshold_fail" P95_MAX_MS=10 &&
	check_str "smoke: FAIL gate: p95 55.25 ms is not below 10.00 ms (+45.25 ms) ($PWD/runs/$(run_name))" out &&
	status_has "exit 99 (the gate decides)" &&
	contains " -e P95_MAX_MS=10 " standin.log
'

test_expect_success 'k6 saw a quarter of the requests fail: FAIL gate, exit 5' '
	host_smoke 5 STANDIN_K6_CASE="$K6CASES/d_http_500" &&
	check_str "smoke: FAIL gate: failed 25.93% (28 of 108) is not below 1.00% (+24.93%) ($PWD/runs/$(run_name))" out
'

test_expect_success 'no summary export: the gate reads k6_stdout.log' '
	host_smoke 0 STANDIN_K6_CASE="$TRASH/logonly" &&
	grep "^smoke: PASS p95 22.50 ms < 1200.00 ms" out &&
	lacks_artifacts k6_out/k6_models.json &&
	test "$(key runs/latest/metrics.txt source)" = k6-stdout-v1 &&
	status_has "no summary export: the gate reads k6_stdout.log"
'

test_expect_success 'a missing k6 script: FAIL preflight, exit 3, k6 never run (A23)' '
	host_smoke 3 K6_SCRIPT="$PWD/none.js" &&
	grep "^smoke: FAIL preflight: k6 script $PWD/none.js not found" out &&
	test -z "$(standin_calls "k6 run")" && lacks_artifacts healthz.json
'

test_expect_success 'make k6-host, k6-compose with a missing script: exit 3 before anything runs (A23)' '
	SMOKE_CMD=k6-host host_smoke 3 K6_SCRIPT="$PWD/none.js" &&
	check_str "k6-host: FAIL setup: K6_SCRIPT $PWD/none.js not found (nothing was run)" out &&
	SMOKE_CMD=k6-compose compose_smoke 3 K6_SCRIPT="$PWD/none.js" &&
	check_str "k6-compose: FAIL setup: K6_SCRIPT $PWD/none.js not found (nothing was run)" out &&
	test ! -e standin.log && test ! -e runs
'

test_expect_success 'make k6-host without k6, k6-compose without an engine: exit 3, no run directory' '
	SMOKE_CMD=k6-host smoke_code 3 "$URL" &&
	check_str "k6-host: FAIL setup: k6 is not on PATH (K6_MODE=native needs nothing)" out &&
	SMOKE_CMD=k6-compose compose_smoke 3 STANDIN_DOCKER_DOWN=1 &&
	check_str "k6-compose: FAIL setup: no docker engine answers (docker info); K6_MODE=native needs nothing" out &&
	test ! -e runs && test -z "$(standin_calls "docker run")"
'

test_expect_success 'auto picks k6 in compose: network, uid:gid, mounts, -e, export path' '
	compose_smoke 0 &&
	r=$PWD/runs/$(run_name) &&
	check_str "smoke: PASS p95 22.51 ms < 1200.00 ms, failed 0.00% < 1.00%, 2 models, compose load ($r)" out &&
	standin_calls "docker run" >calls &&
	check_str "docker run --rm --network smoke_default --user $(id -u):$(id -g) --add-host=host.docker.internal:host-gateway -v $ROOT/tests:/scripts:ro -v $r:/out grafana/k6:1.0.0 $(k6_line http://api:$FPORT /out/k6_out/.k6_models.json.tmp.PID /scripts/k6_models.js /out/k6_out/.samples.ndjson)" calls &&
	check "$K6CASES/a_plain/k6_models.json" runs/latest/k6_out/k6_models.json &&
	check "$K6CASES/a_plain/k6_stdout.log" runs/latest/k6_stdout.log &&
	status_has "\"k6_mode\": \"compose\"" && no_temporaries
'

test_expect_success 'compose in use: the evidence, colourless logs, inspect without env values' '
	compose_smoke 0 &&
	has_artifacts compose_ps.txt compose.log router.log inspect.json startup.txt &&
	standin_calls "docker compose" >calls &&
	f=$TRASH/compose.yml &&
	contains "docker compose -f $f ps" calls &&
	contains "docker compose -f $f logs --no-color --timestamps" calls &&
	standin_calls "docker inspect --format {\"Id\"" >inspect &&
	contains "\"EnvNames\":[{{range \$i, \$e := index .Config \"Env\"}}{{if \$i}},{{end}}{{json (index (split \$e \"=\") 0)}}{{end}}]" inspect &&
	lacks "{{json .Config}}" inspect && lacks "{{json .Config.Env}}" inspect &&
	contains "Up 2 minutes" runs/latest/compose_ps.txt &&
	contains "api-1  | INFO:     Application startup complete." runs/latest/compose.log &&
	contains "2024-05-06T07:08:09.123456789Z INFO:     Application startup complete." runs/latest/router.log &&
	contains "GET /healthz HTTP/1.1" runs/latest/router.log &&
	check_str "INFO:     Application startup complete." runs/latest/startup.txt &&
	contains "\"Id\":\"c0ffee0123456789\"" runs/latest/inspect.json &&
	status_has "{\"name\":\"evidence\",\"ok\":true," &&
	status_has "{\"name\":\"startup\",\"ok\":true," &&
	status_has "seen in the docker logs of compose service api: INFO:     Application startup complete." &&
	contains "✓ $f publishes $FPORT:$FPORT" runs/latest/preflight.txt &&
	contains "docker_server=24.0.7" runs/latest/sysinfo.txt &&
	contains "compose=2.24.6" runs/latest/sysinfo.txt
'

# What compose is asked in a run (docker-compose 1.x, a python program,
# takes half a second of CPU each time): the service container once, its
# table and its logs for the evidence; the startup wait, router.log and
# sysinfo ask the engine about that container instead.
test_expect_success 'compose in use: compose asked three things, the engine the rest' '
	compose_smoke 0 K6_MODE=native &&
	f=$TRASH/compose.yml &&
	standin_calls "docker compose -f" >calls &&
	printf "docker compose -f $f %s\n" "ps -q api" ps "logs --no-color --timestamps" >want &&
	sort want >want.sorted && sort calls >got.sorted &&
	check want.sorted got.sorted &&
	lacks "version --short" standin.log &&
	lacks "logs --no-color api" standin.log &&
	lacks "logs --no-color --timestamps api" standin.log &&
	standin_calls "docker logs" >logs &&
	grep -c "^docker logs c0ffee0123456789\$" logs >n && check_str 1 n &&
	grep -c "^docker logs --timestamps c0ffee0123456789\$" logs >n && check_str 1 n &&
	standin_calls "docker inspect --format {{index .Config.Labels" >label &&
	check_str "docker inspect --format {{index .Config.Labels \"com.docker.compose.version\"}} c0ffee0123456789" label
'

test_expect_success 'compose in use, no container of the service: FAIL startup, exit 4, said so' '
	compose_smoke 4 K6_MODE=native COMPOSE_SERVICE=none WAIT_S=1 &&
	fail_line startup "no container of compose service none after 1s (docker compose ps -q none is empty)" &&
	contains "compose=unknown (no container of service none yet)" runs/latest/sysinfo.txt &&
	status_has "{\"name\":\"evidence\",\"ok\":false,\"detail\":\"no container for compose service none\"" &&
	test -z "$(standin_calls "docker logs")"
'

test_expect_success 'COMPOSE_NETWORK and K6_COMPOSE_URL are used as given' '
	compose_smoke 0 COMPOSE_NETWORK=backend_net K6_COMPOSE_URL=http://router:9000 &&
	standin_calls "docker run" >calls &&
	contains "--network backend_net " calls &&
	contains " -e BASE_URL=http://router:9000 " calls &&
	test -z "$(standin_calls "docker inspect --format {{range")"
'

test_expect_success 'a secret in the service log: FAIL leakscan, exit 6, the logs named' '
	compose_smoke 6 ENV_FILE="$TRASH/api.env" STANDIN_LOG_LINE="INFO: key is sk-live-4Hq2Xw9Lr7" &&
	grep "^smoke: FAIL leakscan: a value of $TRASH/api.env is in the artifacts: .*API_KEY" out &&
	contains "compose.log:" runs/latest/leakscan.txt &&
	contains "router.log:" runs/latest/leakscan.txt &&
	lacks sk-live-4Hq2Xw9Lr7 out && lacks sk-live-4Hq2Xw9Lr7 runs/latest/status.json
'

test_expect_success 'a BASE_URL path prefix: k6 on the host and in compose both get it, once' '
	SMOKE_CMD=k6-host host_smoke 0 BASE_URL="$URL/api//" &&
	SMOKE_CMD=k6-compose compose_smoke 0 BASE_URL="$URL/api/" &&
	standin_calls "k6 run" >calls &&
	contains " -e BASE_URL=$URL/api -e VUS=" calls &&
	standin_calls "docker run" >calls &&
	contains " -e BASE_URL=http://api:$FPORT/api -e VUS=" calls
'

test_expect_success 'K6_MODE=compose without an engine: FAIL preflight, exit 3' '
	compose_smoke 3 K6_MODE=compose STANDIN_DOCKER_DOWN=1 &&
	grep "^smoke: FAIL preflight: docker: no engine answers (docker info)" out &&
	test -z "$(standin_calls "docker run")"
'

test_expect_success 'auto without an engine answering: native load, no evidence' '
	compose_smoke 0 STANDIN_DOCKER_DOWN=1 &&
	grep "^smoke: PASS .*, native load" out &&
	test -z "$(standin_calls "docker run")" &&
	lacks_artifacts compose.log inspect.json
'

test_expect_success 'compose mode, the file does not publish PORT:PORT: FAIL preflight (A46)' '
	compose_smoke 3 COMPOSE_FILE="$TRASH/compose-9000.yml" K6_MODE=compose &&
	grep "^smoke: FAIL preflight: $TRASH/compose-9000.yml does not publish $FPORT:$FPORT" out &&
	contains "fix: add ports: [\"$FPORT:$FPORT\"] to service api" runs/latest/preflight.txt
'

test_expect_success 'compose mode, BASE_URL on another port than PORT: FAIL preflight, exit 3' '
	compose_smoke 3 K6_MODE=compose PORT=8082 &&
	check_str "smoke: FAIL preflight: BASE_URL'"'"'s port $FPORT is not PORT 8082 (the port compose must publish and k6-compose targets) (see preflight.txt) ($PWD/runs/$(run_name))" out &&
	contains "    fix: set both to one port: PORT=$FPORT, or BASE_URL on port 8082" runs/latest/preflight.txt &&
	test -z "$(standin_calls "docker run")" && lacks_artifacts healthz.json &&
	compose_smoke 0 PORT=8082 STANDIN_DOCKER_DOWN=1 &&
	lacks "is not PORT" runs/latest/preflight.txt
'

test_expect_success 'EXAMPLES: make smoke-local UP=1 K6_MODE=compose; make down' '
	compose_smoke 0 UP=1 K6_MODE=compose &&
	grep "^smoke: PASS .*, compose load" out &&
	contains "up: ${URL#http://} listens" runs/latest/up.log &&
	SMOKE_CMD=down compose_smoke 0 &&
	standin_calls "docker compose -f" >calls &&
	printf "docker compose -f %s %s\n" "$TRASH/compose.yml" "up -d" "$TRASH/compose.yml" "down -v" >want &&
	grep -e " up -d\$" -e " down -v\$" calls >got &&
	check want got &&
	standin_calls "docker run" >runs.txt && line_count 1 runs.txt
'

test_expect_success 'make up: compose up -d, then the bounded wait for the port' '
	SMOKE_CMD=up compose_smoke 0 &&
	standin_calls "docker compose -f" >calls &&
	check_str "docker compose -f $TRASH/compose.yml up -d" calls &&
	contains "up: ${URL#http://} listens" out &&
	SMOKE_CMD=up compose_smoke 2 K6_MODE=bogus &&
	check_str "up: FAIL usage: K6_MODE='"'"'bogus'"'"': want auto, host, compose or native" out
'

cat >"$TRASH/base.yml" <<EOF
services:
  api:
    build: .
EOF
cat >"$TRASH/ports.yml" <<EOF
services:
  api:
    ports:
      - "$FPORT:$FPORT"
EOF

test_expect_success 'COMPOSE_FILE as compose reads it, a list: a -f each, PORT:PORT in either' '
	rm -f standin.log &&
	SMOKE_CMD=up compose_smoke 0 COMPOSE_FILE="$TRASH/base.yml:$TRASH/ports.yml" &&
	standin_calls "docker compose -f" >calls &&
	check_str "docker compose -f $TRASH/base.yml -f $TRASH/ports.yml up -d" calls &&
	contains "up: docker compose -f $TRASH/base.yml -f $TRASH/ports.yml up -d" out &&
	compose_smoke 0 COMPOSE_FILE="$TRASH/base.yml:$TRASH/ports.yml" K6_MODE=compose &&
	contains "✓ $TRASH/base.yml:$TRASH/ports.yml publishes $FPORT:$FPORT" runs/latest/preflight.txt &&
	grep "^smoke: PASS .*, compose load" out
'

test_expect_success 'COMPOSE_FILE list: a missing file named, COMPOSE_PATH_SEPARATOR honoured' '
	SMOKE_CMD=up compose_smoke 3 COMPOSE_FILE="$TRASH/base.yml:$TRASH/gone.yml" &&
	check_str "up: FAIL compose file $TRASH/gone.yml not found (COMPOSE_FILE=$TRASH/base.yml:$TRASH/gone.yml)" out &&
	compose_smoke 3 COMPOSE_PATH_SEPARATOR=";" COMPOSE_FILE="$TRASH/base.yml;$TRASH/base.yml" K6_MODE=compose &&
	grep "^smoke: FAIL preflight: $TRASH/base.yml;$TRASH/base.yml does not publish $FPORT:$FPORT" out &&
	compose_smoke 0 COMPOSE_PATH_SEPARATOR=";" COMPOSE_FILE="$TRASH/base.yml;$TRASH/ports.yml" K6_MODE=compose
'

test_expect_success 'make up with nothing coming up: exit 4 after WAIT_S' '
	SMOKE_CMD=up smoke_code 4 "http://127.0.0.1:$CLOSED" PATH="$BARE:$DOCKERDIR" \
	    STANDIN_LOG="$PWD/standin.log" COMPOSE_FILE="$TRASH/compose.yml" WAIT_S=1 &&
	contains "up: FAIL nothing listens on 127.0.0.1:$CLOSED 1s after docker compose up" out
'

test_expect_success 'make down: docker compose down -v (A8)' '
	SMOKE_CMD=down compose_smoke 0 &&
	standin_calls "docker compose -f" >calls &&
	check_str "docker compose -f $TRASH/compose.yml down -v" calls
'

test_expect_success 'make evidence alone: the four files in a new run directory' '
	SMOKE_CMD=evidence compose_smoke 0 &&
	check_str "evidence: compose_ps.txt compose.log router.log inspect.json in $PWD/runs/$(run_name)" out &&
	has_artifacts compose_ps.txt compose.log router.log inspect.json &&
	no_temporaries
'

test_expect_success 'make evidence without an engine: exit 3, nothing collected' '
	SMOKE_CMD=evidence compose_smoke 3 STANDIN_DOCKER_DOWN=1 &&
	contains "evidence: FAIL docker: no engine answers" out &&
	test ! -e runs
'

test_done
