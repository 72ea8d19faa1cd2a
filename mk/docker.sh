# shellcheck shell=sh
# mk/docker.sh: docker compose, used only when an engine answers: up, down,
# the compose network for k6-compose, and the evidence files. It reads the
# backend's compose file and never edits it. Sourced by mk/smoke.sh.

# docker_answers: the docker CLI is here and an engine answers (bounded;
# asked once per run).
docker_answers() {
	if [ -z "$SMOKE_DOCKER" ]; then
		SMOKE_DOCKER=no
		if have docker; then
			if have timeout; then
				timeout 20 docker info >/dev/null 2>&1 && SMOKE_DOCKER=yes
			else
				docker info >/dev/null 2>&1 && SMOKE_DOCKER=yes
			fi
		fi
	fi
	[ "$SMOKE_DOCKER" = yes ]
}
SMOKE_DOCKER=

# compose_pick: "docker compose", or the older docker-compose (asked once;
# call it outside $(...) for the answer to stay).
compose_pick() {
	[ -n "$SMOKE_COMPOSE" ] && return 0
	SMOKE_COMPOSE="docker compose"
	if ! docker compose version >/dev/null 2>&1 && have docker-compose; then
		SMOKE_COMPOSE=docker-compose
	fi
}

# compose_cmd ARG...: docker compose ARG...
# Where timeout(1) is here, stopped after COMPOSE_BOUND_S seconds (default
# 120: ps, logs and the like; up sets its own), so a stuck engine cannot
# hang a run.
compose_cmd() {
	compose_pick
	if [ "$SMOKE_COMPOSE" = docker-compose ]; then
		set -- docker-compose "$@"
	else
		set -- docker compose "$@"
	fi
	if have timeout; then
		set -- timeout "${COMPOSE_BOUND_S:-120}" "$@"
	fi
	"$@"
}
SMOKE_COMPOSE=

# bounded COMMAND...: the command, stopped after 120 s where timeout(1) is.
bounded() {
	if have timeout; then
		timeout 120 "$@"
	else
		"$@"
	fi
}

# COMPOSE_FILE may be a list, as docker compose's own variable of that
# name is (a user may have it exported for compose): the files separated by
# COMPOSE_PATH_SEPARATOR, ":" by default. Each gets its -f, in order.

# compose_file_list: the files, one a line.
compose_file_list() {
	cfl_ifs=$IFS
	IFS=${COMPOSE_PATH_SEPARATOR:-:}
	set -f
	# shellcheck disable=SC2086 # split on the separator only, no globbing
	set -- $COMPOSE_FILE
	set +f
	IFS=$cfl_ifs
	for cfl; do printf '%s\n' "$cfl"; done
}

# compose_files_exist: every file of COMPOSE_FILE exists (and there is
# one); else COMPOSE_MISSING names the first that does not.
compose_files_exist() {
	COMPOSE_MISSING=$(compose_file_list | while IFS= read -r cfe; do
		[ -f "$cfe" ] || { printf '%s\n' "$cfe"; break; }
	done)
	[ -n "$COMPOSE_FILE" ] && [ -z "$COMPOSE_MISSING" ]
}

# compose ARG...: docker compose -f FILE ... ARG...
compose() {
	c_n=$#
	while IFS= read -r c_file; do
		[ -n "$c_file" ] && set -- "$@" -f "$c_file"
	done <<EOF_FILES
$(compose_file_list)
EOF_FILES
	# The command's own arguments, still first, go after the -f options.
	while [ "$c_n" -gt 0 ]; do
		set -- "$@" "$1"
		shift
		c_n=$((c_n - 1))
	done
	compose_cmd "$@"
}

# compose_container: the id of the service's container, or fail. The one
# question only compose can answer, asked once a run (sysinfo, the startup
# wait, the network and the evidence all want it): call it outside $(...),
# as they do, for the answer to stay in CONTAINER_ID. While there is no
# container, each call asks again.
CONTAINER_ID=
compose_container() {
	[ -n "$CONTAINER_ID" ] ||
	    CONTAINER_ID=$(compose ps -q "$COMPOSE_SERVICE" 2>/dev/null | sed -n 1p)
	[ -n "$CONTAINER_ID" ]
}

# container_log [--timestamps] ID: a container's log as the engine keeps
# it, no compose call: docker logs, both of the container's streams (it
# writes them apart) on stdout.
# shellcheck disable=SC2317 # called by write_to
container_log() {
	bounded docker logs "$@" 2>&1
}

# compose_version: the compose that created the service's container, by
# the label com.docker.compose.version (compose v1 and v2 both set it):
# compose 1.x, a python program, takes half a second of CPU to say its
# version. Reads CONTAINER_ID only: call compose_container_early first
# (sysinfo runs in write_to's subshell, where the answer would not stay).
compose_version() {
	if [ -z "$CONTAINER_ID" ]; then
		echo "unknown (no container of service $COMPOSE_SERVICE yet)"
		return 0
	fi
	cv=$(bounded docker inspect --format \
	    '{{index .Config.Labels "com.docker.compose.version"}}' \
	    "$CONTAINER_ID" 2>/dev/null | sed -n 1p)
	printf '%s\n' "${cv:-unknown (no com.docker.compose.version label on $CONTAINER_ID)}"
}

# compose_container_early: with a compose file and an engine answering,
# compose_container now, before sysinfo: sysinfo runs in write_to's
# subshell, and the steps after it want the same answer.
compose_container_early() {
	compose_files_exist && docker_answers && compose_container
}

# compose_network: the first network the service's container is on.
compose_network() {
	compose_container || return 1
	# shellcheck disable=SC2016 # a Go template, not shell
	cn_net=$(bounded docker inspect --format \
	    '{{range $k, $v := .NetworkSettings.Networks}}{{$k}}{{"\n"}}{{end}}' \
	    "$CONTAINER_ID" 2>/dev/null | sed -n 1p)
	[ -n "$cn_net" ] && printf '%s\n' "$cn_net"
}

# What inspect.json keeps of "docker inspect": everything an incident needs
# but the environment's values (they are the secrets): Env shows names only.
# The CLI runs the template on the engine's JSON as a map (the names here
# are its keys, .Id not .ID) where a missing key is an error, and the
# engine leaves out empty ones (Healthcheck, ExposedPorts): each key below
# the top is read with index, which gives null for one left out.
# shellcheck disable=SC2016 # a Go template, not shell
INSPECT_FORMAT='{"Id":{{json .Id}},"Name":{{json .Name}},"Created":{{json .Created}},"Image":{{json .Image}},"State":{{json .State}},"RestartCount":{{json .RestartCount}},"Config":{"Image":{{json (index .Config "Image")}},"User":{{json (index .Config "User")}},"Cmd":{{json (index .Config "Cmd")}},"Entrypoint":{{json (index .Config "Entrypoint")}},"WorkingDir":{{json (index .Config "WorkingDir")}},"ExposedPorts":{{json (index .Config "ExposedPorts")}},"Healthcheck":{{json (index .Config "Healthcheck")}},"Labels":{{json (index .Config "Labels")}},"EnvNames":[{{range $i, $e := index .Config "Env"}}{{if $i}},{{end}}{{json (index (split $e "=") 0)}}{{end}}]},"HostConfig":{"NetworkMode":{{json (index .HostConfig "NetworkMode")}},"PortBindings":{{json (index .HostConfig "PortBindings")}},"RestartPolicy":{{json (index .HostConfig "RestartPolicy")}},"Memory":{{json (index .HostConfig "Memory")}},"NanoCpus":{{json (index .HostConfig "NanoCpus")}}},"Mounts":{{json .Mounts}},"NetworkSettings":{"Ports":{{json (index .NetworkSettings "Ports")}},"Networks":{{json (index .NetworkSettings "Networks")}}}}'

# collect_evidence: compose_ps.txt and compose.log (compose's own view:
# its table, every service's log without colour), router.log (the
# service's container's log from the engine) and inspect.json, into RUN.
# Returns 1 with EVIDENCE_WHY when one is missing.
collect_evidence() {
	EVIDENCE_WHY=
	write_to "$RUN/compose_ps.txt" compose ps 2>>"$WORK/evidence.err" ||
	    EVIDENCE_WHY="docker compose ps failed"
	write_to "$RUN/compose.log" compose logs --no-color --timestamps 2>>"$WORK/evidence.err" ||
	    EVIDENCE_WHY="docker compose logs failed"
	if compose_container; then
		# docker logs says why it failed in the log it writes (2>&1).
		write_to "$RUN/router.log" container_log --timestamps "$CONTAINER_ID" || {
			EVIDENCE_WHY="docker logs $CONTAINER_ID failed"
			sed -n 1p "$RUN/router.log" >>"$WORK/evidence.err"
		}
		write_to "$RUN/inspect.json" bounded docker inspect --format "$INSPECT_FORMAT" \
		    "$CONTAINER_ID" 2>>"$WORK/evidence.err" ||
		    EVIDENCE_WHY="docker inspect $CONTAINER_ID failed"
	else
		EVIDENCE_WHY="no container for compose service $COMPOSE_SERVICE"
	fi
	if [ -n "$EVIDENCE_WHY" ]; then
		ce_err=$(first_line "$WORK/evidence.err")
		EVIDENCE_WHY="$EVIDENCE_WHY${ce_err:+: $ce_err}"
		return 1
	fi
	check evidence true "compose_ps.txt compose.log router.log inspect.json"
}

# compose_up: docker compose up -d, then a bounded wait until the port
# listens (and, with STARTUP_LINE, until the service logged it).
compose_up() {
	UP_WHY=
	if ! docker_answers; then
		UP_WHY="no docker engine answers (docker info)"
	elif ! compose_files_exist; then
		UP_WHY="compose file ${COMPOSE_MISSING:-(none)} not found (COMPOSE_FILE=$COMPOSE_FILE)"
	fi
	if [ -n "$UP_WHY" ]; then
		say "up: FAIL $UP_WHY"
		return "$E_SETUP"
	fi
	say "up: docker compose $(compose_file_list | sed 's/^/-f /' | tr '\n' ' ')up -d"
	# Image pulls and builds may come first: bounded, but generously.
	COMPOSE_BOUND_S=900 compose up -d
	cu_status=$?
	# up may have made a new container: find it again.
	CONTAINER_ID=
	if [ "$cu_status" -ne 0 ]; then
		UP_WHY="docker compose up -d failed"
		[ "$cu_status" -eq 124 ] && UP_WHY="docker compose up -d did not end within 900s (stopped)"
		"$BIN/portfree" "$URL_HOSTPORT" >"$WORK/up.port" 2>&1 ||
		    UP_WHY="$UP_WHY; $(sed -n 's/^summary=//p' "$WORK/up.port" | sed -n 1p)"
		say "up: FAIL $UP_WHY"
		return "$E_SETUP"
	fi
	say "up: waiting up to $WAIT_SHOWN for $URL_HOSTPORT"
	if ! "$BIN/portfree" -q -l -w "${WAIT_MS}ms" "$URL_HOSTPORT"; then
		UP_WHY="nothing listens on $URL_HOSTPORT $WAIT_SHOWN after docker compose up (docker compose logs $COMPOSE_SERVICE)"
		say "up: FAIL $UP_WHY"
		return "$E_DOWN"
	fi
	say "up: $URL_HOSTPORT listens"
	return 0
}

compose_down() {
	if ! have docker; then
		say "down: no docker CLI; nothing to stop"
		return 0
	fi
	compose down -v
}
