# shellcheck shell=sh
# mk/preflight.sh: the preflight checklist, sysinfo and the choice of the
# latency gate's mode. Sourced by mk/smoke.sh (BIN, say,
# have, the exit codes, and the facts knobs_ok sets).

# optional_version NAME: the version of jq, k6 or docker, or "absent".
optional_version() {
	have "$1" || { echo absent; return 0; }
	case $1 in
	jq) ov=$(jq --version 2>&1) ;;
	k6) ov=$(k6 version 2>&1) ;;
	docker) ov=$(docker --version 2>&1) ;;
	*) ov=$("$1" --version 2>&1) ;;
	esac
	printf '%s\n' "$ov" | sed -n '1p'
}

# resolve_mode: MODE (host, compose or native) from K6_MODE, and
# COMPOSE_IN_USE (yes when a docker engine answers and the compose file
# exists: its evidence is then collected).
resolve_mode() {
	COMPOSE_IN_USE=no
	if compose_files_exist && docker_answers; then
		COMPOSE_IN_USE=yes
		compose_pick
	fi
	MODE_WHY=
	case $K6_MODE in
	host|compose|native) MODE=$K6_MODE MODE_WHY="K6_MODE=$K6_MODE" ;;
	*)
		if have k6; then
			MODE=host MODE_WHY="k6 is on PATH"
		elif [ "$COMPOSE_IN_USE" = yes ]; then
			MODE=compose MODE_WHY="no k6 on PATH; a docker engine answers and $COMPOSE_FILE exists"
		else
			MODE=native MODE_WHY="no k6 on PATH, no docker engine with $COMPOSE_FILE"
		fi
		;;
	esac
	[ "$MODE" = compose ] && COMPOSE_IN_USE=yes
	return 0
}

# pf_item OK REQUIRED TEXT [FIX]: one checklist line; counts the answers
# and keeps the first required failure in PREFLIGHT_WHY. REQUIRED is yes,
# no (optional) or port (the backend is down: said, counted apart).
pf_item() {
	if [ "$1" = yes ]; then
		say "✓ $3"
		pf_ok=$((pf_ok + 1))
		return 0
	fi
	if [ "$2" = port ]; then
		say "✗ $3"
		pf_down=yes
	elif [ "$2" = yes ]; then
		say "✗ $3"
		pf_bad=$((pf_bad + 1))
		[ -n "$PREFLIGHT_WHY" ] || PREFLIGHT_WHY=$3
	else
		say "✗ $3 (optional)"
		pf_opt=$((pf_opt + 1))
	fi
	[ -n "${4:-}" ] && say "    fix: $4"
	return 0
}

# compose_maps_port: the compose file publishes PORT:PORT (short syntax,
# with or without a host address, or the long syntax's published/target).
# With several files (COMPOSE_FILE=a.yml:b.yml), any of them.
compose_maps_port() {
	compose_file_list | {
		while IFS= read -r cmp; do
			grep -E "(^|[^0-9])$PORT:$PORT([^0-9]|\$)" "$cmp" >/dev/null 2>&1 && exit 0
			grep -E "published:[[:space:]]*\"?${PORT}\"?[[:space:]]*\$" "$cmp" >/dev/null 2>&1 &&
			    grep -E "target:[[:space:]]*${PORT}[[:space:]]*\$" "$cmp" >/dev/null 2>&1 && exit 0
		done
		exit 1
	}
}

# preflight_list run|standalone: the checklist on stdout. "run" is part of
# smoke-local (the ACL evidence goes to RUN/env_acl.txt, a port that does
# not listen yet is no failure); "standalone" is make preflight.
# Returns 0, E_SETUP when a required item failed, or (standalone) E_DOWN
# when only the port does not listen.
preflight_list() {
	pf_ok=0 pf_bad=0 pf_opt=0 pf_down=
	PREFLIGHT_WHY=
	[ -n "${MODE:-}" ] || resolve_mode
	need_compose=no
	{ [ "$MODE" = compose ] || [ -n "$UP" ]; } && need_compose=yes
	need_script=no
	{ [ "$MODE" = host ] || [ "$MODE" = compose ]; } && need_script=yes

	say "preflight: $BASE_URL (k6 mode $MODE: $MODE_WHY)"
	pf_tools=
	for t in $TOOLS; do
		pf_tools="$pf_tools $t"
	done
	pf_item yes yes "programs built in $BIN/:$pf_tools"

	"$BIN/portfree" "$URL_HOSTPORT" >"$WORK/pf.port" 2>&1
	pf_status=$?
	# Its facts and its complaint, read by the shell (no grep, no sed).
	pf_summary=
	while IFS= read -r pf_line; do
		case $pf_line in
		*'not an address of this host'*) pf_status=remote ;;
		summary=*) [ -n "$pf_summary" ] || pf_summary=${pf_line#summary=} ;;
		esac
	done <"$WORK/pf.port"
	case $pf_status in
	remote) pf_item yes no "port $URL_HOSTPORT: another host, not checked from here" ;;
	1) pf_item yes no "port $URL_HOSTPORT: $pf_summary" ;;
	0)
		pf_item no port \
		    "port $URL_HOSTPORT: nothing listens (the backend is not up)" \
		    "start it: make up (docker compose up -d), or uvicorn app:app --port $URL_PORT"
		;;
	*) pf_item no yes "port $URL_HOSTPORT: portfree failed: $(first_line "$WORK/pf.port")" ;;
	esac

	# PORT is what the compose file must publish and what k6-compose
	# targets: with compose, a local BASE_URL on another port measures
	# something else than what is checked.
	if [ "$pf_status" != remote ] && [ "$URL_PORT" != "$PORT" ] &&
	    { [ "$COMPOSE_IN_USE" = yes ] || [ "$need_compose" = yes ]; }; then
		pf_item no "$need_compose" "BASE_URL's port $URL_PORT is not PORT $PORT (the port compose must publish and k6-compose targets)" \
		    "set both to one port: PORT=$URL_PORT, or BASE_URL on port $PORT"
	fi

	if docker_answers; then
		pf_item yes "$need_compose" "docker engine answers ($(docker version --format '{{.Server.Version}}' 2>/dev/null | sed -n 1p))"
	else
		pf_item no "$need_compose" "docker: no engine answers (docker info)" \
		    "start the engine (sudo systemctl start docker; Docker Desktop's WSL integration), or K6_MODE=native"
	fi
	if [ -z "$COMPOSE_FILE" ] && [ "$need_compose" = no ]; then
		pf_item yes no "compose not used (COMPOSE_FILE is empty)"
	elif compose_files_exist; then
		pf_item yes "$need_compose" "compose file $COMPOSE_FILE"
		if compose_maps_port; then
			pf_item yes "$need_compose" "$COMPOSE_FILE publishes $PORT:$PORT"
		else
			pf_item no "$need_compose" "$COMPOSE_FILE does not publish $PORT:$PORT" \
			    "add ports: [\"$PORT:$PORT\"] to service $COMPOSE_SERVICE (smokekit never edits it), or set PORT="
		fi
	else
		pf_item no "$need_compose" "compose file ${COMPOSE_MISSING:-(none)} not found" \
		    "run from the backend's directory, or COMPOSE_FILE=path/to/docker-compose.yml (several: a.yml:b.yml)"
	fi

	if [ -n "$ENV_FILE" ]; then
		pf_user=${ENV_USER:-$(id -u)}
		if [ "$1" = run ]; then
			pf_acl=$RUN/env_acl.txt pf_evidence="ACL evidence: env_acl.txt"
		else
			pf_acl=$WORK/env_acl.txt pf_evidence="ACL evidence below"
		fi
		write_to "$pf_acl" "$BIN/aclcheck" -v -u "$pf_user" -m r "$ENV_FILE" 2>"$WORK/acl.err"
		pf_acl_status=$?
		pf_verdict=$(grep -E '^(allowed|denied): ' "$pf_acl" | sed -n 1p)
		pf_fix=$(sed -n 's/^fix: //p' "$pf_acl" | awk '{ printf "%s%s", sep, $0; sep = "; " }')
		case $pf_acl_status in
		0) pf_item yes yes "env file $ENV_FILE readable by user $pf_user: ${pf_verdict#allowed: }" ;;
		1) pf_item no yes "env file $ENV_FILE not readable by user $pf_user: ${pf_verdict#denied: }" \
		    "$pf_fix ($pf_evidence)" ;;
		*) pf_item no yes "env file $(first_line "$WORK/acl.err")" \
		    "ENV_FILE= the secrets file the backend reads (it must exist)" ;;
		esac
		[ "$1" = standalone ] && [ -s "$pf_acl" ] && sed 's/^/    /' "$pf_acl"
	fi

	if have jq; then
		pf_item yes no "jq present ($(optional_version jq)): facts are cross-checked with it"
	else
		pf_item no no "jq not found: nothing needs it" "apt-get install jq, to cross-check the facts"
	fi
	if have k6; then
		pf_item yes no "k6 present ($(optional_version k6))"
	elif [ "$MODE" = host ]; then
		pf_item no yes "k6 not found, and K6_MODE=host needs it" \
		    "install k6 (https://grafana.com/docs/k6/latest/set-up/install-k6/), or K6_MODE=auto"
	else
		pf_item no no "k6 not found: the gate uses $MODE load" \
		    "install k6 (https://grafana.com/docs/k6/latest/set-up/install-k6/), or let docker run grafana/k6"
	fi
	if [ -f "$K6_SCRIPT" ]; then
		pf_item yes "$need_script" "k6 script $K6_SCRIPT"
	else
		pf_item no "$need_script" "k6 script $K6_SCRIPT not found" \
		    "K6_SCRIPT=path/to/script.js (smokekit ships tests/k6_models.js)"
	fi

	PREFLIGHT_SUMMARY="$pf_ok ok, $pf_bad to fix, $pf_opt optional missing"
	[ "$pf_down" = yes ] && PREFLIGHT_SUMMARY="$PREFLIGHT_SUMMARY, backend not up yet"
	say "preflight: $PREFLIGHT_SUMMARY"
	[ "$pf_bad" -gt 0 ] && return "$E_SETUP"
	[ "$pf_down" = yes ] && [ "$1" = standalone ] && return "$E_DOWN"
	return 0
}

# sysinfo: the host, the tools and the engine, as key=value lines.
sysinfo() {
	say "date=$(utc_now)"
	say "host=$(uname -n)"
	say "os=$(uname -srm)"
	si_cpus=$(getconf _NPROCESSORS_ONLN 2>/dev/null) || si_cpus=unknown
	# os-release, /proc/version (WSL's kernel says Microsoft) and meminfo
	# in one awk; a file that is not there is left out, and its line too.
	si_osr=no si_mem=no
	set -- /dev/null
	[ -r /etc/os-release ] && si_osr=yes && set -- "$@" /etc/os-release
	[ -r /proc/version ] && set -- "$@" /proc/version
	[ -r /proc/meminfo ] && si_mem=yes && set -- "$@" /proc/meminfo
	awk -v osr="$si_osr" -v mem="$si_mem" -v cpus="${si_cpus:-unknown}" '
	FILENAME == "/etc/os-release" && /^PRETTY_NAME=/ && pretty == "" {
		pretty = substr($0, 13)
		gsub(/"/, "", pretty)
	}
	FILENAME == "/proc/version" && tolower($0) ~ /microsoft/ { wsl = 1 }
	FILENAME == "/proc/meminfo" && $1 == "MemTotal:" { total = $2 }
	FILENAME == "/proc/meminfo" && $1 == "MemAvailable:" { avail = $2 }
	END {
		if (osr == "yes")
			print "os_release=" pretty
		print "wsl=" (wsl ? "yes" : "no")
		print "cpus=" cpus
		if (mem == "yes") {
			print "mem_total_kb=" total
			print "mem_available_kb=" avail
		}
	}' "$@"
	say "user=$(id -u):$(id -g)"
	say "shell=$(readlink /bin/sh 2>/dev/null || echo /bin/sh)"
	for t in $TOOLS; do
		version_of "$t"
		si_v=$VERSION
		[ -n "$si_v" ] || si_v=$("$BIN/$t" -V 2>/dev/null) || si_v='not built'
		say "$t=$si_v"
	done
	for t in jq k6 docker; do
		version_of "$t"
		si_v=$VERSION
		[ -n "$si_v" ] || si_v=$(optional_version "$t")
		say "$t=$si_v"
	done
	if have docker && docker_answers; then
		say "docker_server=$(docker version --format '{{.Server.Version}}' 2>/dev/null | sed -n 1p)"
		say "docker_context=$(docker context show 2>/dev/null | sed -n 1p)"
		# The label of the service's container: no compose call.
		if compose_files_exist; then
			say "compose=$(compose_version)"
		else
			say "compose=not asked (no COMPOSE_FILE here)"
		fi
	elif have docker; then
		say "docker_server=no engine answers"
	fi
	say "base_url=$BASE_URL"
	say "k6_mode=$MODE"
	say "compose_file=$COMPOSE_FILE"
}
