# shellcheck shell=sh
# mk/k6.sh: the latency gate's load, three ways. Each leaves
# RUN/k6_out/k6_models.json (k6's --summary-export layout) and
# RUN/k6_stdout.log (everything the load tool printed), both atomically.
# Sourced by mk/smoke.sh.

# k6_run_args URL EXPORT SCRIPT SAMPLES: the arguments of "k6 run" in
# K6_ARGS, one a line: the script's knobs by -e (k6 hands them to __ENV),
# the export, the raw samples (--out json, for report.html's plots).
k6_run_args() {
	K6_ARGS="run
-e
BASE_URL=$1
-e
VUS=$K6_VUS
-e
DURATION=$K6_DURATION
-e
P95_MAX_MS=$P95_MAX_MS
-e
FAILED_MAX=$FAILED_MAX
--summary-export=$2
--out
json=$4
$3"
}

# with_args COMMAND...: exec COMMAND with the lines of K6_ARGS as more
# arguments (in step_load's background subshell: its pid is the load's),
# under timeout(1) where it is here: LOAD_BOUND_S, the load's duration,
# TIMEOUT and LOAD_GRACE_S (k6's graceful stop, an image pull) at most.
with_args() {
	wa_ifs=$IFS
	IFS='
'
	set -f
	# shellcheck disable=SC2086 # split on newlines only, no globbing
	set -- "$@" $K6_ARGS
	set +f
	IFS=$wa_ifs
	if have timeout; then
		LOAD_BOUND_S=$(((K6_DURATION_MS + TIMEOUT_MS) / 1000 + LOAD_GRACE_S))
		echo "$LOAD_BOUND_S" >"$WORK/load.bound"
		exec timeout "$LOAD_BOUND_S" "$@"
	fi
	exec "$@"
}

# load_host EXPORT LOG: k6 on this host against BASE_URL.
load_host() {
	LOAD_GRACE_S=60
	k6_run_args "$URL_BASE" "$1" "$K6_SCRIPT" "$WORK/samples.ndjson"
	with_args k6 >"$2" 2>&1
}

# load_compose EXPORT LOG: the grafana/k6 image on the compose network, as
# the caller's uid:gid (the image's own uid 12345 cannot write a bind
# mount), the script's directory mounted read-only at /scripts and the run
# directory at /out.
load_compose() {
	lc_net=$COMPOSE_NETWORK
	if [ -z "$lc_net" ]; then
		lc_net=$(compose_network) || {
			# A background subshell: the reason goes by a file.
			echo "no network for compose service $COMPOSE_SERVICE (is the stack up? make up)" \
			    >"$WORK/load.why"
			return 125
		}
	fi
	case $K6_SCRIPT in
	*/*) lc_scripts=${K6_SCRIPT%/*} ;;
	*) lc_scripts=. ;;
	esac
	lc_scripts=$(cd "${lc_scripts:-/}" && pwd) || return 125
	lc_out=$(cd "$RUN" && pwd) || return 125
	lc_url=${K6_COMPOSE_URL:-http://$COMPOSE_SERVICE:$PORT$URL_PATH}
	# An image pull may come first.
	LOAD_GRACE_S=600
	# WORK is not mounted: the samples go by the run directory (step_series
	# moves them out).
	k6_run_args "$lc_url" "/out/${1#"$RUN"/}" "/scripts/${K6_SCRIPT##*/}" \
	    /out/k6_out/.samples.ndjson
	with_args docker run --rm --network "$lc_net" --user "$(id -u):$(id -g)" \
	    --add-host=host.docker.internal:host-gateway \
	    -v "$lc_scripts:/scripts:ro" -v "$lc_out:/out" "$K6_IMAGE" >"$2" 2>&1
}

# load_native EXPORT LOG: httpprobe's own load mode, with the checks of
# tests/k6_models.js (status 200, .data an array): k6's summary on
# stderr (the log), its key=value results on stdout (k6_out/load.txt).
# K6_DURATION as written: httpprobe -D takes every form k6 takes; each
# request bounded by TIMEOUT, and those in flight at the end measured
# (--grace TIMEOUT: none is cut short of its own deadline).
load_native() {
	exec "$BIN/httpprobe" -c "$K6_VUS" -D "$K6_DURATION" -t "$TIMEOUT" --grace "$TIMEOUT" -s 200 \
	    --tag ep=models --check '.data is array' \
	    --summary-export "$1" --out "$WORK/samples.ndjson" \
	    "$URL_BASE/v1/models" >"$WORK/load.txt" 2>"$2"
}

# load_ready: what MODE needs is here, the k6 script first (A23: it must
# exist before anything runs); else LOAD_WHY and 1.
load_ready() {
	LOAD_WHY=
	if [ "$MODE" != native ] && [ ! -f "$K6_SCRIPT" ]; then
		LOAD_WHY="K6_SCRIPT $K6_SCRIPT not found (nothing was run)"
	elif [ "$MODE" = host ] && ! have k6; then
		LOAD_WHY="k6 is not on PATH (K6_MODE=native needs nothing)"
	elif [ "$MODE" = compose ] && ! docker_answers; then
		LOAD_WHY="no docker engine answers (docker info); K6_MODE=native needs nothing"
	fi
	[ -z "$LOAD_WHY" ]
}

# load_reason STATUS: why the load failed, in the load program's own words:
# httpprobe's diagnostic line, else the last line the load printed.
load_reason() {
	if [ "$1" -eq 124 ] && [ -s "$WORK/load.bound" ]; then
		echo "$MODE load did not end within its bound of $(cat "$WORK/load.bound")s (stopped)"
		return 0
	fi
	lr_line=
	[ "$MODE" = native ] && lr_line=$(grep '^httpprobe: ' "$WORK/load.log" | sed -n 1p)
	[ -n "$lr_line" ] && { printf '%s\n' "$lr_line"; return 0; }
	lr_line=$(sed '/^[[:space:]]*$/d' "$WORK/load.log" 2>/dev/null | tail -n 1 | tr -d '\r' | cut -c1-300)
	printf '%s load exited %s%s\n' "$MODE" "$1" "${lr_line:+: $lr_line}"
}

# step_load: the load by MODE, then its two artifacts published. Each
# load_MODE runs in a background subshell that it replaces (exec). Its log
# goes to WORK first, then through write_to (a full disk is said).
step_load() {
	if ! load_ready; then
		fail load "$E_SETUP" "$LOAD_WHY"
		return 0
	fi
	mkdir -p "$RUN/k6_out" || { fail load "$E_SETUP" "cannot create $RUN/k6_out"; return 0; }
	sl_export=$RUN/k6_out/k6_models.json
	tmp_for "$sl_export"
	sl_export_tmp=$TMP
	rm -f "$sl_export" "$WORK/load.log" "$WORK/load.why" "$WORK/load.bound"
	LOAD_WHY=
	LOAD_ERR=
	# The container is asked here, where the answer stays for the evidence
	# (load_compose runs in a subshell).
	[ "$MODE" = compose ] && [ -z "$COMPOSE_NETWORK" ] && compose_container
	t0=$(now_ms)
	# In the background, so that a signal reaches the traps at once (they
	# stop it), not when the load ends. A signal between the fork and
	# CHILD=$! finds CHILD "forking", and the trap takes $! if it changed
	# (the load; else the fork was still to come).
	# shellcheck disable=SC2034 # read by runlib.sh's trap
	CHILD_BEFORE=$!
	CHILD=forking
	"load_$MODE" "$sl_export_tmp" "$WORK/load.log" &
	CHILD=$!
	wait "$CHILD"
	sl=$?
	CHILD=
	sl_ms=$(($(now_ms) - t0))
	[ -s "$WORK/load.why" ] && LOAD_WHY=$(cat "$WORK/load.why")
	[ -f "$WORK/load.log" ] && write_to "$RUN/k6_stdout.log" cat "$WORK/load.log"
	[ -s "$sl_export_tmp" ] && publish "$sl_export_tmp" "$sl_export"
	rm -f "$sl_export_tmp"
	[ -s "$WORK/load.txt" ] && write_to "$RUN/k6_out/load.txt" cat "$WORK/load.txt"
	fact metrics.k6_mode "$MODE"
	sl_vus="$K6_VUS VUs"
	[ "$K6_VUS" = 1 ] && sl_vus="1 VU"
	sl_what="$MODE load, $sl_vus for $K6_DURATION"
	[ "$sl" -ne 0 ] && [ ! -s "$sl_export" ] && LOAD_ERR=$(load_reason "$sl")
	if [ -n "$LOAD_WHY" ]; then
		fail load "$E_SETUP" "$LOAD_WHY"
	elif [ -s "$sl_export" ]; then
		check load true "$sl_what, exit $sl (the gate decides)" "$sl_ms"
	elif [ "$MODE" = native ] && [ -n "$LOAD_ERR" ]; then
		# Our own load mode leaves no summary only when it could not run.
		fail load "$E_SETUP" "$LOAD_ERR"
	elif [ -s "$WORK/load.log" ]; then
		check load true "$sl_what, exit $sl, no summary export: the gate reads k6_stdout.log" "$sl_ms"
	else
		fail load "$E_SETUP" "$sl_what: exit $sl and no output at all"
	fi
}
