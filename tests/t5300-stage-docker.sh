#!/bin/sh
# make stage-check with compose in use, on a real docker engine when one
# answers: api scaled to 3 and a gateway, each our demo backend in an image
# FROM scratch built here (one static binary: nothing is pulled). The
# gateway is not a proxy: it answers in stage mode as three replicas
# itself, so the replicas check reads the real `docker compose ps` while
# the other checks run as in t5300-stage.sh. Skipped where no engine answers.
# The test bodies are eval'ed strings.
# shellcheck disable=SC2034,SC2317
# shellcheck source=tests/lib.sh
. "${0%/*}/lib.sh"
# shellcheck source=tests/smokelib.sh
. "$ROOT/tests/smokelib.sh"

need_docker_engine
PORT=$(publish_port 1) || exit 1
PROJECT=smokekit-t5300-$$
APP=$TRASH/$PROJECT
mkdir -p "$APP"
cp "$STATIC" "$APP/fixture"
cat >"$APP/Dockerfile" <<EOF
FROM scratch
COPY fixture /fixture
ENTRYPOINT ["/fixture", "-b", "0.0.0.0", "-p", "8000"]
EOF
cat >"$APP/docker-compose.yml" <<EOF
services:
  api:
    build: .
    image: $PROJECT:test
  gateway:
    image: $PROJECT:test
    command: ["-N", "3", "-R", "api", "-v"]
    depends_on: [api]
    ports:
      - "127.0.0.1:$PORT:8000"
EOF

docker_cleanup() {
	(cd "$APP" && COMPOSE_PROJECT_NAME=$PROJECT $COMPOSE down -v --rmi all) >/dev/null 2>&1
}
trap 'docker_cleanup; test_cleanup' EXIT

# up N: the project with api scaled to N (bounded by compose's own wait).
up() {
	(cd "$APP" && COMPOSE_PROJECT_NAME=$PROJECT $COMPOSE up -d --build --scale "api=$1") \
	    >up.log 2>&1 && portfree -q -l -w 60 "127.0.0.1:$PORT" &&
	httpprobe -q -r 30 -t 2 -m 60 -o /dev/null "http://127.0.0.1:$PORT/healthz" >/dev/null
}

# run_docker_stage [NAME=VALUE...]: mk/stage.sh stage-check, docker on
# PATH; out, err; its exit status.
run_docker_stage() {
	env -i HOME="$HOME" LC_ALL=C TMPDIR="${TMPDIR:-/tmp}" \
	    PATH="$DOCKERPATH" SMOKEKIT_BIN="$PROGS" RUNS_DIR="$PWD/runs" \
	    STAGE_URL="http://127.0.0.1:$PORT" STAGE_BALANCE_N=6 STAGE_BURST_N=6 \
	    STAGE_OVERLOAD_N=6 STAGE_DEADLINE_S=10 TIMEOUT=5 \
	    COMPOSE_FILE="$APP/docker-compose.yml" COMPOSE_PROJECT_NAME="$PROJECT" \
	    "$@" "$SH" "$ROOT/mk/stage.sh" stage-check >out 2>err
}

# docker_stage STATUS [NAME=VALUE...]: run_docker_stage wanting STATUS.
docker_stage() {
	ds_want=$1
	shift
	said_code "$ds_want" run_docker_stage "$@"
}

test_expect_success 'api scaled to 3 behind a gateway: replicas passes, stage PASS' '
	up 3 &&
	docker_stage 0 &&
	grep "^stage: PASS 5 passed, 0 skipped, 0 degraded, 0 failed (" out &&
	grep -F "✅ **replicas**: 3 of 3 api running, 1 gateway (evidence: \`replicas.txt\`)" \
		runs/latest/report.md &&
	grep -c "^api .* running\$" runs/latest/replicas.txt >n && check_str 3 n
'

test_expect_success 'api scaled down to 2: replicas fails, exit 1' '
	up 2 &&
	docker_stage 1 &&
	grep "^stage: FAIL replicas: 2 of 3 api running, 1 gateway; 4 passed, 0 skipped, 0 degraded, 1 failed (" out
'

# The gateway logs each request (-v) on stderr: docker logs of its
# container, both streams, counts the six answers; the name is the
# container name docker gives it.
test_expect_success 'no replica header: the replicas logs attribute the answers' '
	docker_stage 0 STAGE_REPLICA_HEADER=x-none STAGE_API_SERVICE=gateway \
		STAGE_REPLICAS=1 &&
	gw=$(docker ps -q --filter "label=com.docker.compose.project=$PROJECT" \
		--filter label=com.docker.compose.service=gateway) &&
	name=$(docker inspect --format "{{.Name}}" "$gw") && name=${name#/} &&
	grep "^stage: DEGRADED balance: 6/6 answered 200, all by one replica ($name: 6, by their logs); " out &&
	check_str "1|$name: 6" runs/latest/balance_logs.txt
'

test_done
