#!/bin/sh
# The pipeline against a real docker engine, when one answers. The backend
# is our fixture server in an image FROM scratch built here (the image is
# one static binary: nothing is pulled), run by docker compose (the plugin,
# or docker-compose). make up brings it up and waits for the port;
# portfree names the docker-proxy that publishes it; smoke-local collects
# the docker evidence from the engine itself (the inspect template runs for
# real, which the stand-in of t5110 cannot show); k6-compose's docker run
# line runs on the engine with an image of ours standing in for grafana/k6;
# make down takes it all away. The fixture logs each request (-v) on
# stderr, its port on stdout: router.log and the startup wait read both
# from the engine (docker logs), not from compose.
# Skipped where no engine answers; .ci/run installs and starts one.
# shellcheck disable=SC2317 # the helpers are called from test bodies
# shellcheck source=tests/lib.sh
. "${0%/*}/lib.sh"

# shellcheck source=tests/smokelib.sh
. "$ROOT/tests/smokelib.sh"

need_docker_engine

PORT=$(publish_port 0) || exit 1
PROJECT=smokekit-t5130-$$
APP=$TRASH/$PROJECT
SECRET=sk-t5130-$$-Zq8Wm3Lx
mkdir -p "$APP"
cp "$STATIC" "$APP/fixture"
cat >"$APP/Dockerfile" <<EOF
FROM scratch
COPY fixture /fixture
ENTRYPOINT ["/fixture", "-b", "0.0.0.0", "-p", "$PORT", "-v"]
EOF
printf 'API_KEY=%s\n' "$SECRET" >"$APP/.env"
cat >"$APP/docker-compose.yml" <<EOF
services:
  api:
    build: .
    image: $PROJECT:test
    env_file: .env
    ports:
      - "127.0.0.1:$PORT:$PORT"
EOF
export PORT PROJECT APP SECRET DOCKERPATH

# Whatever happens, no container, network or image of ours is left behind.
# Compose (half a second of CPU) only when a container or network of the
# project is left: after the last test, make down, nothing is.
docker_cleanup() {
	if [ -n "$(docker ps -aq --filter "label=com.docker.compose.project=$PROJECT")" ] ||
	    [ -n "$(docker network ls -q --filter "label=com.docker.compose.project=$PROJECT")" ]; then
		(cd "$APP" && COMPOSE_PROJECT_NAME=$PROJECT $COMPOSE down -v) >/dev/null 2>&1
	fi
	docker rmi "$PROJECT:test" "$PROJECT-k6:test" >/dev/null 2>&1
}
trap 'docker_cleanup; test_cleanup' EXIT

# docker_smoke STATUS [NAME=VALUE...]: the pipeline with docker on PATH,
# against the service's published port. The fixture's first line is its
# port: the startup line looked for in the service's log.
docker_smoke() {
	ds_want=$1
	shift
	smoke_code "$ds_want" "http://127.0.0.1:$PORT" PATH="$DOCKERPATH" \
	    COMPOSE_FILE="$APP/docker-compose.yml" COMPOSE_PROJECT_NAME="$PROJECT" \
	    PORT="$PORT" WAIT_S=60 STARTUP_LINE="port=$PORT" "$@"
}

# ours: the ids of the project's containers, running or not.
ours() {
	docker ps -aq --filter "label=com.docker.compose.project=$PROJECT"
}

test_expect_success 'make up: compose builds the image and starts it, the port listens' '
	SMOKE_CMD=up docker_smoke 0 &&
	contains "up: docker compose -f $APP/docker-compose.yml up -d" out &&
	contains "up: 127.0.0.1:$PORT listens" out &&
	ours >ids && line_count 1 ids &&
	# docker-proxy listens before the server in the container: retried.
	httpprobe -q -r 10 -m 30 -o healthz.json "http://127.0.0.1:$PORT/healthz" &&
	jsonfield -e .ok healthz.json
'

test_expect_success 'portfree: published by a container, at the address docker gave it' '
	id=$(ours) &&
	ip=$(docker inspect --format "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}" "$id") &&
	test -n "$ip" &&
	expect_code 1 portfree "127.0.0.1:$PORT" >out &&
	contains "owner=container" out &&
	contains "comm=docker-proxy" out &&
	contains "container=$ip:$PORT" out &&
	contains "summary=127.0.0.1:$PORT published by a container at $ip:$PORT (docker-proxy pid " out
'

test_expect_success 'smoke-local with compose in use: PASS, the evidence from the engine, no secret' '
	docker_smoke 0 K6_MODE=native ENV_FILE="$APP/.env" &&
	grep "^smoke: PASS .*, native load" out &&
	has_artifacts compose_ps.txt compose.log router.log inspect.json startup.txt &&
	status_has "{\"name\":\"evidence\",\"ok\":true," &&
	status_has "{\"name\":\"startup\",\"ok\":true," &&
	check_str "port=$PORT" runs/latest/startup.txt &&
	status_has "seen in the docker logs of compose service api: port=$PORT\"" &&
	contains "$PROJECT" runs/latest/compose_ps.txt &&
	grep "^api[-_]1  *| [0-9-]*T[0-9:.]*Z port=$PORT\$" runs/latest/compose.log &&
	grep "^[0-9-]*T[0-9:.]*Z port=$PORT\$" runs/latest/router.log &&
	grep "^[0-9-]*T[0-9:.]*Z fixture: GET /v1/models\$" runs/latest/router.log &&
	lacks "|" runs/latest/router.log &&
	cv=$($COMPOSE version --short) && test -n "$cv" &&
	grep -x "compose=${cv#v}" runs/latest/sysinfo.txt &&
	id=$(ours) &&
	jsonfield -r .Id runs/latest/inspect.json >got &&
	check_str "$(docker inspect --format "{{.Id}}" "$id")" got &&
	jsonfield -t array .Config.EnvNames runs/latest/inspect.json &&
	contains "\"API_KEY\"" runs/latest/inspect.json &&
	server=$(docker version --format "{{.Server.Version}}") &&
	contains "docker_server=$server" runs/latest/sysinfo.txt &&
	contains "✓ $APP/docker-compose.yml publishes $PORT:$PORT" runs/latest/preflight.txt &&
	! grep -r -e "$SECRET" runs/latest/ &&
	status_has "{\"name\":\"leakscan\",\"ok\":true,"
'

# k6 in compose: the real engine runs the real docker run line of k6.sh
# (network, --user, both mounts, -e, --add-host) with an image of ours in
# place of grafana/k6, as nothing can be pulled here: busybox and its
# libraries, the k6 stand-in of tests/standin/ with a real k6 run to
# replay, and before it a GET of BASE_URL/v1/models, which shows the
# service reached by its name on the compose network, and a look at the
# script through the read-only mount.
K6CASE=$TESTDATA/k6/v1.0.0/a_plain
K6IMG=$TRASH/k6-image
K6TAG=$PROJECT-k6:test
build_k6_image() {
	mkdir -p "$K6IMG/testdata" &&
	cp -r "$K6CASE" "$K6IMG/testdata/case" &&
	cp "$(command -v busybox)" "$ROOT/tests/standin/k6" "$K6IMG/" &&
	for lib in $(ldd "$K6IMG/busybox" | sed -n "s|.*[[:space:]]\(/[^ ]*\) (0x.*|\1|p"); do
		mkdir -p "$K6IMG/root${lib%/*}" && cp "$lib" "$K6IMG/root$lib" || return 1
	done &&
	cat >"$K6IMG/k6-entry" <<-\EOF &&
	#!/bin/sh
	# k6 in the image of t5130: the network and the mount, then the replay.
	for a; do
		case $a in BASE_URL=*) url=${a#BASE_URL=} ;; esac
		script=$a
	done
	test -r "$script" || { echo "k6 (t5130 image): no $script" >&2; exit 107; }
	wget -q -O /dev/null "$url/v1/models" ||
		{ echo "k6 (t5130 image): $url/v1/models unreachable" >&2; exit 107; }
	echo "k6 (t5130 image): reached $url/v1/models, read $script"
	exec /bin/standin-k6 "$@"
	EOF
	chmod +x "$K6IMG/k6-entry" &&
	cat >"$K6IMG/Dockerfile" <<-\EOF &&
	FROM scratch
	COPY root/ /
	COPY busybox /bin/busybox
	RUN ["/bin/busybox", "--install", "-s", "/bin"]
	COPY k6 /bin/standin-k6
	COPY k6-entry /bin/k6
	COPY testdata/case /testdata/case
	ENV STANDIN_K6_CASE=/testdata/case STANDIN_LOG=/dev/stderr
	ENTRYPOINT ["/bin/k6"]
	EOF
	docker build -q --force-rm -t "$K6TAG" "$K6IMG" >/dev/null
}
if have busybox && have ldd; then
	test_expect_success 'k6 in compose on the real engine: the service by name, the mounts, the gate' '
		build_k6_image &&
		docker_smoke 0 K6_MODE=compose K6_IMAGE="$K6TAG" &&
		grep "^smoke: PASS .*, compose load" out &&
		contains "k6 (t5130 image): reached http://api:$PORT/v1/models, read /scripts/k6_models.js" \
		    runs/latest/k6_stdout.log &&
		# The stand-in logs its command line to stderr in pieces, and the
		# engine keeps no order between the stdout and stderr of a container.
		contains " run -e BASE_URL=http://api:$PORT " runs/latest/k6_stdout.log &&
		cmp "$K6CASE/k6_models.json" runs/latest/k6_out/k6_models.json &&
		p95parse -t ep=models "$K6CASE/k6_models.json" | grep "^p95_ms=" >want &&
		grep "^p95_ms=" runs/latest/metrics.txt >got &&
		check want got &&
		grep "^k6_mode=compose\$" runs/latest/metrics.txt
	'
else
	test_skip "k6 in compose on the real engine" "needs busybox and ldd"
fi

test_expect_success 'make down: the container gone, the port free again' '
	SMOKE_CMD=down docker_smoke 0 &&
	test -z "$(ours)" &&
	portfree -q -f -w 30 "127.0.0.1:$PORT"
'

test_done
