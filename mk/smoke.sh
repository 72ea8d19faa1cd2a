#!/bin/sh
# mk/smoke.sh COMMAND: the smoke pipeline behind the make targets.
#
#   smoke       preflight, run dir, sysinfo, port, /healthz, /v1/models,
#               latency gate, p95 gate, evidence, status.json, leak check
#   k6-host, k6-compose, k6-native
#               the latency gate alone, in a run directory of its own
#   preflight   the checklist (✓/✗ with a fix for each ✗)
#   sysinfo     the host facts, on stdout
#   evidence    docker compose evidence into a new run directory
#   up, down    docker compose up -d (bounded wait) / down -v
#   demo        the bundled fixture server as the backend, then smoke
#   build-log MAKE  the build from scratch into RUN/build.log
#
# The knobs come from the environment (the make variables of mk/config.mk
# and mk/smoke.mk); man/smokekit.7 documents each one. POSIX sh: dash and
# busybox sh run it. It never edits the backend's files, only reads them.
#
# Exit status (man/smokekit.7): 0 pass, 1 a check failed, 2 usage (a knob
# is malformed), 3 tool or setup error, 4 backend down, 5 latency gate
# failed, 6 a secret leaked into the artifacts.

E_PASS=0 E_CHECK=1 E_USAGE=2 E_SETUP=3 E_DOWN=4 E_GATE=5 E_LEAK=6

SMOKE_MK=${0%/*}
# shellcheck source=mk/preflight.sh
. "$SMOKE_MK/preflight.sh"
# shellcheck source=mk/k6.sh
. "$SMOKE_MK/k6.sh"
# shellcheck source=mk/docker.sh
. "$SMOKE_MK/docker.sh"

# The defaults of mk/config.mk and mk/smoke.mk, for running this script
# directly; make always passes every knob.
: "${BASE_URL:=http://localhost:8082}" "${PORT:=8082}" "${ENV_FILE:=}"
: "${P95_MAX_MS:=1200}" "${FAILED_MAX:=0.01}" "${K6_VUS:=2}" "${K6_DURATION:=10s}"
: "${K6_SCRIPT:=tests/k6_models.js}" "${K6_MODE:=auto}" "${RETRIES:=3}"
: "${TIMEOUT:=10}" "${WARMUP_S:=0}" "${RUNS_DIR:=runs}"
: "${COMPOSE_FILE=docker-compose.yml}" "${COMPOSE_SERVICE:=api}"
: "${RUN_DIR:=}" "${LOG_FILE:=}" "${UP:=}" "${WAIT_S:=30}" "${ENV_USER:=}"
: "${STARTUP_LINE=Application startup complete.}" "${K6_IMAGE:=grafana/k6:1.0.0}"
: "${COMPOSE_NETWORK:=}" "${K6_COMPOSE_URL:=}" "${DEMO_DURATION:=3s}" "${LEAK_IGNORE:=}"
: "${SMOKEKIT_BIN:=bin}"
BIN=$SMOKEKIT_BIN
TOOLS="httpprobe jsonfield p95parse portfree aclcheck leakscan smokereport knobcheck"

# shellcheck source=mk/runlib.sh
. "$SMOKE_MK/runlib.sh"

# --- knobs and tools ------------------------------------------------------

# knobs_ok: knobcheck(1) validates every knob, each with the grammar the
# programs use (this script has none of its own), and prints the facts
# used here: BASE_URL's parts, the seconds knobs in milliseconds. A bad
# knob is a FAIL usage line with knobcheck's own reason (every bad knob on
# stderr when there are several); E_USAGE.
knobs_ok() {
	if [ ! -x "$BIN/knobcheck" ]; then
		say "$CMD: FAIL setup: not built in $BIN/: knobcheck (run make)"
		return "$E_SETUP"
	fi
	# Facts on stdout start with a knob's name, diagnostics with
	# "knobcheck: ": one capture holds both apart.
	ko_all=$("$BIN/knobcheck" BASE_URL="$BASE_URL" PORT="$PORT" \
	    ENV_FILE="$ENV_FILE" P95_MAX_MS="$P95_MAX_MS" FAILED_MAX="$FAILED_MAX" \
	    K6_VUS="$K6_VUS" K6_DURATION="$K6_DURATION" K6_SCRIPT="$K6_SCRIPT" \
	    K6_MODE="$K6_MODE" RETRIES="$RETRIES" TIMEOUT="$TIMEOUT" \
	    WARMUP_S="$WARMUP_S" RUNS_DIR="$RUNS_DIR" COMPOSE_FILE="$COMPOSE_FILE" \
	    COMPOSE_SERVICE="$COMPOSE_SERVICE" RUN_DIR="$RUN_DIR" LOG_FILE="$LOG_FILE" \
	    UP="$UP" WAIT_S="$WAIT_S" ENV_USER="$ENV_USER" STARTUP_LINE="$STARTUP_LINE" \
	    K6_IMAGE="$K6_IMAGE" COMPOSE_NETWORK="$COMPOSE_NETWORK" \
	    K6_COMPOSE_URL="$K6_COMPOSE_URL" DEMO_DURATION="$DEMO_DURATION" \
	    LEAK_IGNORE="$LEAK_IGNORE" 2>&1)
	ko_status=$?
	if [ "$ko_status" -ne 0 ]; then
		ko_why=$(printf '%s\n' "$ko_all" | sed -n 's/^knobcheck: //p')
		[ "$(printf '%s\n' "$ko_why" | wc -l)" -gt 1 ] &&
		    printf '%s\n' "$ko_all" | grep '^knobcheck: ' >&2
		say "$CMD: FAIL usage: $(printf '%s\n' "${ko_why:-knobcheck exited $ko_status}" | sed -n 1p)"
		[ "$ko_status" -eq 1 ] && return "$E_USAGE"
		return "$E_SETUP"
	fi
	while IFS= read -r ko_line; do
		ko_v=${ko_line#*=}
		case $ko_line in
		BASE_URL.port=*) URL_PORT=$ko_v ;;
		BASE_URL.endpoint=*) URL_HOSTPORT=$ko_v ;;
		BASE_URL.prefix=*) URL_PATH=$ko_v ;;
		BASE_URL.base=*) URL_BASE=$ko_v ;;
		K6_DURATION.ms=*) K6_DURATION_MS=$ko_v ;;
		RETRIES=*) RETRIES_N=$ko_v ;;
		TIMEOUT.ms=*) TIMEOUT_MS=$ko_v ;;
		WAIT_S.ms=*) WAIT_MS=$ko_v ;;
		WARMUP_S.ms=*) WARMUP_MS=$ko_v ;;
		esac
	done <<EOF_KNOBS
$ko_all
EOF_KNOBS
	# WAIT_S as the messages say it ("30s", "0.5s"), whatever its form.
	seconds_shown "$WAIT_MS" && WAIT_SHOWN=$SHOWN
	seconds_shown "$WARMUP_MS" && WARMUP_SHOWN=$SHOWN
	# Each probe's overall bound (httpprobe -m): every attempt, and the
	# waits between them, with WAIT_S to spare for a backend that asks
	# for time (Retry-After); at most httpprobe's 24h. knobcheck's numbers:
	# no leading zero for the shell to take for octal.
	PROBE_MAX_MS=$((TIMEOUT_MS * (RETRIES_N + 1) + WAIT_MS))
	[ "$PROBE_MAX_MS" -le 86400000 ] || PROBE_MAX_MS=86400000
	return 0
}

# tools_ok: every program built, else say which and return E_SETUP.
tools_ok() {
	to_missing=
	for t in $TOOLS; do
		[ -x "$BIN/$t" ] || to_missing="$to_missing $t"
	done
	[ -z "$to_missing" ] && return 0
	say "$CMD: FAIL setup: not built in $BIN/:$to_missing (run make)"
	return "$E_SETUP"
}

# record_run_facts: what status.json says about the run itself.
record_run_facts() {
	fact run_dir "$RUN"
	fact base_url "$BASE_URL"
	fact k6_mode "$MODE"
	fact p95_max_ms "$P95_MAX_MS"
	fact failed_max "$FAILED_MAX"
	fact started "$STARTED"
	fact host "$(uname -n)"
	fact k6_vus "$K6_VUS"
	fact k6_duration "$K6_DURATION"
	fact warmup_s "$WARMUP_S"
	fact retries "$RETRIES"
	fact timeout "$TIMEOUT"
	fact_tools
	for t in jq k6 docker; do
		b_v=$(optional_version "$t")
		remember_version "$t" "$b_v"
		fact "tools.$t" "$b_v"
	done
}

# report: status.json, metrics.txt, junit.xml and report.html from the facts
# (and series.txt, the raw samples' plots, when the load left them).
report() {
	fact finished "$(utc_now)"
	fact exit_code "$STATUS"
	if failed; then
		fact failed_step "$FAILED_STEP"
		fact reason "$FAILED_WHY"
	fi
	"$BIN/smokereport" -o "$RUN/status.json" -m "$RUN/metrics.txt" \
	    -J "$RUN/junit.xml" -H "$RUN/report.html" -s "$RUN/series.txt" \
	    "$WORK/facts" 2>"$WORK/report.err"
	rp=$?
	if [ "$rp" -gt 1 ]; then
		warn "$CMD: status.json: $(first_line "$WORK/report.err")"
		[ "$STATUS" -eq 0 ] && STATUS=$E_SETUP FAILED_STEP=report \
		    FAILED_WHY="smokereport failed: $(first_line "$WORK/report.err")"
	fi
}

# verdict_line: the one summary line.
verdict_line() {
	if failed; then
		echo "$CMD: FAIL $FAILED_STEP: $FAILED_WHY ($RUN)"
	else
		echo "$CMD: PASS $PASS_DETAIL${OUR_MODELS_COUNT:+, $OUR_MODELS_COUNT models}, $MODE load ($RUN)"
	fi
}

# verdict: say the summary line; exit with the status.
verdict() {
	say "$(verdict_line)"
	exit "$STATUS"
}

# --- the steps ------------------------------------------------------------

# step_port: wait (bounded) until the backend's port listens.
step_port() {
	t0=$(now_ms)
	"$BIN/portfree" -l -w "${WAIT_MS}ms" "$URL_HOSTPORT" >"$WORK/port.out" 2>"$WORK/port.err"
	pp=$?
	ms=$(($(now_ms) - t0))
	# A backend on another host: its ports cannot be seen from here, so
	# the probes' retries are the only wait.
	if [ "$pp" -eq 3 ] && grep -q 'not an address of this host' "$WORK/port.err"; then
		check port true "$URL_HOSTPORT is not on this host: port not checked" "$ms"
		return 0
	fi
	case $pp in
	0) check port true "$URL_HOSTPORT listens" "$ms" ;;
	1) fail port "$E_DOWN" "nothing listens on $URL_HOSTPORT after $WAIT_SHOWN (start the backend: make up, or docker compose up -d)" ;;
	*) fail port "$E_SETUP" "portfree: $(first_line "$WORK/port.err")" ;;
	esac
}

# step_startup: wait for the backend log's startup line (uvicorn's
# "Application startup complete.") when a log is available; startup.txt.
# With compose, the log is the engine's (docker logs) of the service's
# container, looked for until it is there, within the same wait.
step_startup() {
	[ -n "$STARTUP_LINE" ] || return 0
	if [ -n "$LOG_FILE" ]; then
		src="LOG_FILE $LOG_FILE"
	elif [ "$COMPOSE_IN_USE" = yes ]; then
		src="the docker logs of compose service $COMPOSE_SERVICE"
	else
		return 0
	fi
	deadline=$(($(date +%s) + WAIT_MS / 1000 + 1))
	while :; do
		if [ -n "$LOG_FILE" ]; then
			grep -F -e "$STARTUP_LINE" "$LOG_FILE" >"$WORK/startup" 2>/dev/null
		elif compose_container; then
			container_log "$CONTAINER_ID" | grep -F -e "$STARTUP_LINE" >"$WORK/startup"
		else
			: >"$WORK/startup"
		fi
		[ -s "$WORK/startup" ] && break
		if [ "$(date +%s)" -ge "$deadline" ]; then
			if [ -z "$LOG_FILE" ] && [ -z "$CONTAINER_ID" ]; then
				fail startup "$E_DOWN" "no container of compose service $COMPOSE_SERVICE after $WAIT_SHOWN (docker compose ps -q $COMPOSE_SERVICE is empty)"
			else
				fail startup "$E_DOWN" "\"$STARTUP_LINE\" not in $src after $WAIT_SHOWN (STARTUP_LINE= skips this for a backend that is not uvicorn)"
			fi
			return 0
		fi
		sleep 1
	done
	write_to "$RUN/startup.txt" tail -n 1 "$WORK/startup"
	check startup true "seen in $src: $(tail -n 1 "$WORK/startup" | cut -c1-200)"
}

# probe NAME PATH FILE: GET BASE_URL/PATH with retries, body into FILE,
# want 200. Returns 0, or records the failure and returns 1.
probe() {
	"$BIN/httpprobe" -q -s 200 -r "$RETRIES" -t "$TIMEOUT" -m "${PROBE_MAX_MS}ms" \
	    -o "$FILE_DIR/$3" \
	    -w '%{http_code} %{time_total} %{error_class}\n' "$URL_BASE$2" \
	    >"$WORK/$1.w" 2>"$WORK/$1.err"
	pr=$?
	read -r PROBE_CODE PROBE_S PROBE_CLASS <"$WORK/$1.w" 2>/dev/null
	# A local failure (the body cannot be written) is not the backend's.
	[ "$pr" -eq 3 ] && [ "${PROBE_CLASS:-}" = system ] && pr=system
	PROBE_MS=$(awk -v s="${PROBE_S:-0}" 'BEGIN { printf "%.1f", s * 1000 }')
	[ "${PROBE_CODE:-000}" != 000 ] && fact "metrics.$1_ms" "$PROBE_MS"
	case $pr in
	0) return 0 ;;
	1) fail "$1" "$E_CHECK" "GET $URL_PATH$2: HTTP $PROBE_CODE, wanted 200 (body in $RUN/$3)" ;;
	3)
		# httpprobe's own words (a server asking, by Retry-After, for
		# more time than the bound says what it asked), without the URL.
		pr_why=$(first_line "$WORK/$1.err")
		fail "$1" "$E_DOWN" "GET $URL_PATH$2: ${pr_why#"$URL_BASE$2: "}"
		;;
	*) fail "$1" "$E_SETUP" "httpprobe: $(first_line "$WORK/$1.err")" ;;
	esac
	return 1
}

# field_fail NAME WHAT: a jsonfield verdict on a body as a failed check.
field_fail() {
	fail "$1" "$E_CHECK" "$2: $(first_line "$WORK/$1.jf.err")"
}

step_healthz() {
	probe healthz /healthz healthz.json || return 0
	"$BIN/jsonfield" .ok "$RUN/healthz.json" >"$WORK/healthz.ok" 2>"$WORK/healthz.jf.err"
	case $? in
	0) ;;
	*) field_fail healthz "healthz.json .ok"; return 0 ;;
	esac
	OUR_HEALTHZ_OK=$(cat "$WORK/healthz.ok")
	if [ "$OUR_HEALTHZ_OK" != true ]; then
		# The value as jsonfield wrote it (compact JSON), when short.
		hz_ok="ok is $OUR_HEALTHZ_OK"
		[ "${#OUR_HEALTHZ_OK}" -le 40 ] || hz_ok="ok is a long value (see $RUN/healthz.json)"
		fail healthz "$E_CHECK" "healthz.json: $hz_ok, wanted true"
		return 0
	fi
	check healthz true "HTTP 200, ok is true" "$PROBE_MS"
}

step_models() {
	probe models /v1/models models.json || return 0
	if ! "$BIN/jsonfield" -t array .data "$RUN/models.json" 2>"$WORK/models.jf.err"; then
		field_fail models "models.json .data"
		return 0
	fi
	OUR_MODELS_DATA=array
	OUR_MODELS_COUNT=$("$BIN/jsonfield" -l .data "$RUN/models.json" 2>/dev/null)
	MODELS_BYTES=$(($(wc -c <"$RUN/models.json")))
	fact metrics.models_bytes "$MODELS_BYTES"
	fact metrics.models_count "$OUR_MODELS_COUNT"
	check models true "HTTP 200, data is an array of $OUR_MODELS_COUNT, $MODELS_BYTES bytes" "$PROBE_MS"
}

# step_warmup: WARMUP_S of load that is not measured.
step_warmup() {
	[ "$WARMUP_MS" -eq 0 ] && return 0
	"$BIN/httpprobe" -q -c "$K6_VUS" -D "$WARMUP_S" -t "$TIMEOUT" "$URL_BASE/v1/models" \
	    >/dev/null 2>&1
	check warmup true "$WARMUP_SHOWN of unmeasured load"
}

# step_gate: p95parse on the k6 summary export, else the stdout log.
step_gate() {
	"$BIN/p95parse" -t ep=models --max "$P95_MAX_MS" --failed-max "$FAILED_MAX" \
	    "$RUN/k6_out/k6_models.json" "$RUN/k6_stdout.log" \
	    >"$WORK/p95.txt" 2>"$WORK/p95.err"
	pg=$?
	fact_metrics
	case $pg in
	0)
		PASS_DETAIL=$(gate_figures pass)
		check gate true "$PASS_DETAIL ($(p95 source))"
		;;
	1) fail gate "$E_GATE" "$(gate_why)" ;;
	*) fail gate "$E_SETUP" "no latency results: ${LOAD_ERR:-$(first_line "$WORK/p95.err")}" ;;
	esac
}

# step_checks: the load's checks (k6_models.js's, or httpprobe --check's
# in the native load), as k6 counts them in the export's checks metric:
# any failed check fails the run, as the latency gate does.
step_checks() {
	sc_export=$RUN/k6_out/k6_models.json
	sc_pass=$("$BIN/jsonfield" .metrics.checks.passes "$sc_export" 2>/dev/null) || {
		fact metrics.checks absent
		return 0
	}
	sc_fail=$("$BIN/jsonfield" .metrics.checks.fails "$sc_export" 2>/dev/null) || sc_fail=0
	fact metrics.checks_passes "$sc_pass"
	fact metrics.checks_fails "$sc_fail"
	fact metrics.checks "$("$BIN/jsonfield" .metrics.checks.value "$sc_export" 2>/dev/null)"
	if [ "$sc_fail" = 0 ]; then
		check checks true "$sc_pass of $sc_pass checks passed"
		return 0
	fi
	# The load tool's own line (httpprobe names the first failure), else ours.
	sc_why=$(grep -m 1 "checks failed; the first" "$RUN/k6_stdout.log" 2>/dev/null | sed 's/^httpprobe: //')
	fail checks "$E_GATE" "${sc_why:-$sc_fail of $((sc_pass + sc_fail)) checks failed}"
}

# step_series: the raw samples' per-second series for report.html's plots,
# by p95parse (the one NDJSON reader). It never fails the run: a failed
# gate is exactly when the plots matter, and without it the page says why.
step_series() {
	if [ -f "$RUN/k6_out/.samples.ndjson" ]; then
		mv -f "$RUN/k6_out/.samples.ndjson" "$WORK/samples.ndjson"
	fi
	[ -s "$WORK/samples.ndjson" ] || return 0
	"$BIN/p95parse" -t ep=models -s "$RUN/series.txt" "$WORK/samples.ndjson" \
	    >/dev/null 2>"$WORK/series.err" ||
		warn "$CMD: series.txt: $(first_line "$WORK/series.err")"
	fact check.gate.evidence "k6_out/k6_models.json k6_stdout.log series.txt"
	return 0
}

# step_jq: with jq on PATH, the same facts computed by jq, into jq.txt;
# any disagreement with our tools is a failed check (one of them is wrong).
step_jq() {
	have jq || { fact jq absent; return 0; }
	: >"$WORK/jq.txt"
	if [ -s "$RUN/healthz.json" ] && [ -n "${OUR_HEALTHZ_OK:-}" ]; then
		jq_fact healthz_ok "$OUR_HEALTHZ_OK" '.ok | tojson' "$RUN/healthz.json"
	fi
	if [ -n "${OUR_MODELS_DATA:-}" ]; then
		jq_fact models_data "$OUR_MODELS_DATA" '.data | type' "$RUN/models.json"
		jq_fact models_count "$OUR_MODELS_COUNT" '.data | length' "$RUN/models.json"
	fi
	if [ "$(p95 source)" = summary-export ]; then
		jq_fact p95_ms "$(p95 p95_ms)" ".metrics[\"$(p95 metric)\"][\"p(95)\"]" \
		    "$RUN/k6_out/k6_models.json"
		jq_fact http_req_failed "$(p95 http_req_failed)" \
		    ".metrics[\"$(p95 http_req_failed_metric)\"].value" "$RUN/k6_out/k6_models.json"
	fi
	[ -s "$WORK/jq.txt" ] || { fact jq "nothing to compare"; return 0; }
	write_to "$RUN/jq.txt" cat "$WORK/jq.txt"
	if grep -q '^disagree=' "$WORK/jq.txt"; then
		fail jq "$E_SETUP" "jq and smokekit disagree: $(grep '^disagree=' "$WORK/jq.txt" | sed 's/^disagree=//' | tr '\n' ' ')"
	else
		fact jq agree
	fi
}

# jq_fact KEY OURS FILTER FILE: jq's answer beside ours (on one line);
# equal as text, or both numbers and equal as numbers.
jq_fact() {
	theirs=$(jq -r "$3" "$4" 2>/dev/null | tr '\n\r' '  ')
	theirs=${theirs% }
	printf '%s=%s\n' "$1" "$theirs" >>"$WORK/jq.txt"
	if [ "$theirs" != "$2" ] &&
	    ! awk -v a="$theirs" -v b="$2" 'BEGIN {
		n = "^-?[0-9]+([.][0-9]+)?([eE][-+]?[0-9]+)?$"
		exit !(a ~ n && b ~ n && a + 0 == b + 0) }'; then
		printf 'disagree=%s: jq %s, smokekit %s\n' "$1" "$theirs" "$2" >>"$WORK/jq.txt"
	fi
}

# --- commands -------------------------------------------------------------

# start_run: knobs, tools, work dir, run dir, the run's facts.
start_run() {
	tools_ok || exit
	knobs_ok || exit
	begin
	STARTED=$(utc_now)
	resolve_mode
	new_run_dir || { say "$CMD: FAIL setup: cannot create a run directory in ${RUN_DIR:-$RUNS_DIR}"; exit "$E_SETUP"; }
	FILE_DIR=$RUN
	record_run_facts
}

# finish: evidence (compose), report, leak check, final report, verdict.
finish() {
	if [ "$COMPOSE_IN_USE" = yes ]; then
		collect_evidence || fail evidence "$E_SETUP" "$EVIDENCE_WHY"
	fi
	# The leak check reads every artifact, the first status.json too; the
	# second one adds its answer.
	fact verdict "$(verdict_line)"
	report
	if [ -n "$ENV_FILE" ]; then
		step_leakscan
		fact verdict "$(verdict_line)"
		report
	fi
	verdict
}

cmd_smoke() {
	start_run
	# preflight_list writes env_acl.txt itself: write_to is never nested.
	preflight_list run >"$WORK/preflight.txt"
	pf=$?
	write_to "$RUN/preflight.txt" cat "$WORK/preflight.txt"
	if [ "$pf" -eq "$E_SETUP" ]; then
		fail preflight "$E_SETUP" "$PREFLIGHT_WHY (see preflight.txt)"
	else
		check preflight true "$PREFLIGHT_SUMMARY"
	fi
	if ! failed && [ -n "$UP" ]; then
		compose_up >"$WORK/up.log" 2>&1
		up_status=$?
		write_to "$RUN/up.log" cat "$WORK/up.log"
		[ "$up_status" -eq 0 ] || fail up "$up_status" "$UP_WHY (see up.log)"
	fi
	# After up: sysinfo's compose line is the label of the container it
	# started, asked once here for the steps after it too.
	compose_container_early
	write_to "$RUN/sysinfo.txt" sysinfo
	failed || step_port
	failed || step_startup
	failed || step_healthz
	failed || step_models
	failed || step_warmup
	failed || step_load
	failed || step_gate
	failed || step_checks
	step_series
	step_jq
	finish
}

# cmd_load MODE: the latency gate alone (make k6-host, k6-compose,
# k6-native). What the mode needs is checked before anything runs: without
# it, no run directory.
cmd_load() {
	K6_MODE=$1 MODE=$1
	tools_ok || exit
	knobs_ok || exit
	if ! load_ready; then
		say "$CMD: FAIL setup: $LOAD_WHY"
		exit "$E_SETUP"
	fi
	start_run
	compose_container_early
	write_to "$RUN/sysinfo.txt" sysinfo
	step_load
	failed || step_gate
	failed || step_checks
	step_series
	step_jq
	finish
}

cmd_evidence() {
	CMD=evidence
	tools_ok || exit
	begin
	STARTED=$(utc_now)
	COMPOSE_IN_USE=yes
	if ! docker_answers; then
		say "evidence: FAIL docker: no engine answers (docker info); nothing to collect"
		exit "$E_SETUP"
	fi
	new_run_dir || exit "$E_SETUP"
	collect_evidence || { say "evidence: FAIL $EVIDENCE_WHY ($RUN)"; exit "$E_SETUP"; }
	say "evidence: compose_ps.txt compose.log router.log inspect.json in $RUN"
}

# cmd_build_log MAKE: the whole build, from scratch, into RUN/build.log
# with the compiler's and make's versions first; make's status.
cmd_build_log() {
	CMD=build-log
	begin
	new_run_dir || exit "$E_SETUP"
	{
		say "# $(utc_now) ${CC:-cc}: $("${CC:-cc}" --version 2>&1 | sed -n 1p)"
		say "# $("$1" --version 2>&1 | sed -n 1p)"
		say "# $1 -B all"
		# --no-silent: a caller's make -s (in MAKEFLAGS, which the
		# sub-make reads) would leave the compiler lines out of the log.
		"$1" --no-print-directory --no-silent -B all 2>&1
		say "# exit $?"
	} >"$WORK/build.log"
	bl=$(sed -n '$s/^# exit //p' "$WORK/build.log")
	if ! write_to "$RUN/build.log" cat "$WORK/build.log"; then
		say "build-log: FAIL write: cannot write $RUN/build.log (make exited $bl)"
		exit "$E_SETUP"
	elif [ "$bl" = 0 ]; then
		say "build-log: PASS $RUN/build.log"
	else
		tail -n 20 "$WORK/build.log"
		say "build-log: FAIL build: make exited $bl ($RUN/build.log)"
	fi
	exit "$bl"
}

cmd_demo() {
	CMD=demo
	fixture=${FIXTURE:-$BIN/demobackend}
	[ -x "$fixture" ] || { say "demo: FAIL setup: $fixture not built (make $fixture)"; exit "$E_SETUP"; }
	tools_ok || exit
	# DEMO_DURATION before the backend starts; the smoke checks the rest.
	if ! demo_why=$("$BIN/knobcheck" -q DEMO_DURATION="$DEMO_DURATION" 2>&1); then
		say "demo: FAIL usage: ${demo_why#knobcheck: }"
		exit "$E_USAGE"
	fi
	begin
	# 5 to 25 ms an answer (a fixed seed: the same each run), as a small
	# real service: answering at once, it and the load's one virtual user
	# would keep two cores busy for DEMO_DURATION.
	"$fixture" -p 0 -P "$WORK/port" -l 5 -j 20 >"$WORK/fixture.log" 2>&1 &
	demo_pid=$!
	trap 'kill "$demo_pid" 2>/dev/null; wait "$demo_pid" 2>/dev/null; cleanup' EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	tries=100
	while [ ! -s "$WORK/port" ] && [ "$tries" -gt 0 ]; do
		sleep_short
		tries=$((tries - 1))
	done
	port=$(cat "$WORK/port" 2>/dev/null)
	if ! "$BIN/knobcheck" -q PORT="$port" 2>/dev/null; then
		say "demo: FAIL setup: the fixture server did not start: $(first_line "$WORK/fixture.log")"
		exit "$E_SETUP"
	fi
	# A throwaway secret, so the demo shows the leak check at work.
	printf 'DEMO_API_KEY=%s\n' "$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')" >"$WORK/demo.env"
	say "demo: the bundled backend (fixture server) listens on 127.0.0.1:$port (pid $demo_pid)"
	BASE_URL=http://127.0.0.1:$port PORT=$port K6_MODE=native K6_DURATION=$DEMO_DURATION \
	    ENV_FILE=$WORK/demo.env ENV_USER='' LOG_FILE='' UP='' COMPOSE_FILE='' \
	    sh "$0" smoke
	demo_status=$?
	latest=${RUN_DIR:-$RUNS_DIR/latest}
	say "demo: artifacts in $latest/ (ls $latest; cat $latest/status.json $latest/metrics.txt)"
	say "demo: stopping the backend (pid $demo_pid)"
	exit "$demo_status"
}

CMD=${1:-}
case $CMD in
smoke) cmd_smoke ;;
k6-host) cmd_load host ;;
k6-compose) cmd_load compose ;;
k6-native) cmd_load native ;;
preflight)
	tools_ok || exit
	knobs_ok || exit
	begin
	preflight_list standalone
	;;
sysinfo)
	knobs_ok || exit
	resolve_mode
	compose_container_early
	sysinfo
	;;
evidence) cmd_evidence ;;
up)
	tools_ok || exit
	knobs_ok || exit
	begin
	compose_up
	;;
down) compose_down ;;
demo) cmd_demo ;;
build-log) cmd_build_log "${2:-make}" ;;
*)
	warn "usage: sh mk/smoke.sh smoke|k6-host|k6-compose|k6-native|preflight|sysinfo|evidence|up|down|demo"
	exit "$E_USAGE"
	;;
esac
