#!/bin/sh
# mk/stage.sh COMMAND: the multi-replica stage checks behind the make targets.
#
#   stage-check  against STAGE_URL: replicas, balance, single-flight,
#                isolation, overload, then report.md, status.json, junit.xml
#   stage-demo   the same against the demo backend's stage mode, started here
#
# The knobs come from the environment (mk/config.mk's STAGE_* and the
# pipeline's RUNS_DIR, RUN_DIR, TIMEOUT, COMPOSE_FILE, ENV_FILE,
# LEAK_IGNORE); man/smokekit.7 documents each one. POSIX sh.
#
# Every request is bounded (httpprobe -t, -m) and never retried. Each check
# ends ✅ passed, ⚠️ degraded (or skipped) or ❌ failed; the last line is
# "stage: PASS|DEGRADED|FAIL ... (RUN)".
#
# Exit status (man/smokekit.7): 0 no check failed (PASS or DEGRADED), 1 a
# check failed, 2 usage (a knob is malformed), 3 tool or setup error, 6 a
# secret leaked into the artifacts.

E_PASS=0 E_CHECK=1 E_USAGE=2 E_SETUP=3 E_LEAK=6

STAGE_MK=${0%/*}
# shellcheck source=mk/runlib.sh
. "$STAGE_MK/runlib.sh"
# shellcheck source=mk/docker.sh
. "$STAGE_MK/docker.sh"

# The defaults of mk/config.mk, for running this script directly.
: "${STAGE_URL:=http://localhost:8000}" "${STAGE_REPLICAS:=3}"
: "${STAGE_API_SERVICE:=api}" "${STAGE_GATEWAY_SERVICE:=gateway}"
: "${STAGE_BALANCE_N:=20}" "${STAGE_REPLICA_HEADER:=x-replica}"
: "${STAGE_BURST_N:=20}" "${STAGE_ASK_PATH:=/ask}" "${STAGE_ASK_BODY:=}"
: "${STAGE_HIT_FIELD:=.meta.compute.plan_cache_hit}" "${STAGE_P95_MS:=5000}"
: "${STAGE_KEY_FIELD:=.meta.compute.plan_cache_key}" "${STAGE_OVERLOAD_N:=10}"
: "${STAGE_LONG_BODY:=}" "${STAGE_DEADLINE_S:=30}"
d_metric='services_narrator_llm_requests_total{outcome="overload"}'
d_pred='.meta.narrative_overload == true'
d_error_pred='.error == "llm_concurrency_limited"'
: "${STAGE_OVERLOAD_METRIC:=$d_metric}" "${STAGE_METRICS_URL:=}"
: "${STAGE_OVERLOAD_PRED=$d_pred}" "${STAGE_OVERLOAD_ERROR_PRED=$d_error_pred}"
: "${STAGE_DEMO_REPLICAS:=3}" "${STAGE_DEMO_CACHE:=on}" "${STAGE_DEMO_LLM_LIMIT:=2}"
: "${STAGE_DEMO_HANG:=no}"
: "${RUNS_DIR:=runs}" "${RUN_DIR:=}" "${TIMEOUT:=10}" "${COMPOSE_FILE=docker-compose.yml}"
: "${ENV_FILE:=}" "${LEAK_IGNORE:=}" "${SMOKEKIT_BIN:=bin}" "${FIXTURE:=$SMOKEKIT_BIN/demobackend}"
BIN=$SMOKEKIT_BIN
CMD=stage RUNLIB_PROG=stage
TOOLS="httpprobe jsonfield p95parse leakscan smokereport knobcheck"

# The runbook's public question, and a long one (about 1,000 characters).
ASK_DEFAULT='{"question": "Qual o preço atual do MXRF11?", "conversation_id": "load-test-1", "client_id": "tester", "nickname": "tester"}'
LONG_WORDS='Explique em detalhes a evolução do preço, dos dividendos e da vacância do MXRF11 nos últimos anos, '

# --- knobs and tools ------------------------------------------------------

# knobs_ok [NAME=VALUE...]: knobcheck(1) validates the knobs (the stage's
# and the pipeline's it uses, and the given ones) with the grammars the
# programs use; the counts come back as plain decimals. A bad knob is a
# FAIL usage line with knobcheck's reason, E_USAGE.
knobs_ok() {
	ko_all=$("$BIN/knobcheck" STAGE_URL="$STAGE_URL" STAGE_REPLICAS="$STAGE_REPLICAS" \
	    STAGE_API_SERVICE="$STAGE_API_SERVICE" STAGE_GATEWAY_SERVICE="$STAGE_GATEWAY_SERVICE" \
	    STAGE_BALANCE_N="$STAGE_BALANCE_N" STAGE_REPLICA_HEADER="$STAGE_REPLICA_HEADER" \
	    STAGE_BURST_N="$STAGE_BURST_N" STAGE_ASK_BODY="$STAGE_ASK_BODY" \
	    STAGE_P95_MS="$STAGE_P95_MS" STAGE_OVERLOAD_N="$STAGE_OVERLOAD_N" \
	    STAGE_LONG_BODY="$STAGE_LONG_BODY" STAGE_DEADLINE_S="$STAGE_DEADLINE_S" \
	    STAGE_METRICS_URL="$STAGE_METRICS_URL" RUNS_DIR="$RUNS_DIR" RUN_DIR="$RUN_DIR" \
	    TIMEOUT="$TIMEOUT" COMPOSE_FILE="$COMPOSE_FILE" ENV_FILE="$ENV_FILE" \
	    LEAK_IGNORE="$LEAK_IGNORE" "$@" 2>&1)
	ko_status=$?
	if [ "$ko_status" -ne 0 ]; then
		ko_why=$(printf '%s\n' "$ko_all" | sed -n 's/^knobcheck: //p' | sed -n 1p)
		say "$CMD: FAIL usage: ${ko_why:-knobcheck exited $ko_status}"
		[ "$ko_status" -eq 1 ] && return "$E_USAGE"
		return "$E_SETUP"
	fi
	while IFS= read -r ko_line; do
		ko_v=${ko_line#*=}
		case $ko_line in
		STAGE_REPLICAS=*) STAGE_REPLICAS=$ko_v ;;
		STAGE_BALANCE_N=*) STAGE_BALANCE_N=$ko_v ;;
		STAGE_BURST_N=*) STAGE_BURST_N=$ko_v ;;
		STAGE_OVERLOAD_N=*) STAGE_OVERLOAD_N=$ko_v ;;
		STAGE_DEMO_REPLICAS=*) STAGE_DEMO_REPLICAS=$ko_v ;;
		STAGE_DEMO_LLM_LIMIT=*) STAGE_DEMO_LLM_LIMIT=$ko_v ;;
		esac
	done <<EOF_FACTS
$ko_all
EOF_FACTS
	case $STAGE_ASK_PATH in
	/*) ;;
	*) say "$CMD: FAIL usage: STAGE_ASK_PATH='$STAGE_ASK_PATH': want a path starting with /"
	   return "$E_USAGE" ;;
	esac
	for f in "$STAGE_ASK_BODY" "$STAGE_LONG_BODY"; do
		[ -z "$f" ] || [ -r "$f" ] || {
			say "$CMD: FAIL usage: '$f': no such readable file (STAGE_ASK_BODY, STAGE_LONG_BODY)"
			return "$E_USAGE"
		}
	done
	grammars_ok
}

# grammars_ok: the paths, predicates and the counter are read by the
# programs that use them (jsonfield, p95parse), on an empty document: exit
# 2 is a knob they cannot parse.
grammars_ok() {
	go_dir=$(mktemp -d "${TMPDIR:-/tmp}/smokekit-knobs.XXXXXX") || return "$E_SETUP"
	printf '{}' >"$go_dir/empty.json"
	: >"$go_dir/empty.txt"
	go_rc=0
	for go_k in STAGE_HIT_FIELD STAGE_KEY_FIELD STAGE_OVERLOAD_PRED STAGE_OVERLOAD_ERROR_PRED \
	    STAGE_OVERLOAD_METRIC; do
		eval "go_v=\$$go_k"
		case $go_k in
		STAGE_OVERLOAD_METRIC) "$BIN/p95parse" -c "$go_v" "$go_dir/empty.txt" ;;
		*_PRED) [ -z "$go_v" ] || "$BIN/jsonfield" -q -c "$go_v" "$go_dir/empty.json" ;;
		*) "$BIN/jsonfield" -q -e "$go_v" "$go_dir/empty.json" ;;
		esac >/dev/null 2>"$go_dir/err"
		if [ $? -eq 2 ]; then
			say "$CMD: FAIL usage: $go_k: $(first_line "$go_dir/err")"
			go_rc=$E_USAGE
			break
		fi
	done
	rm -rf "$go_dir"
	return "$go_rc"
}

tools_ok() {
	for t in $TOOLS; do
		[ -x "$BIN/$t" ] && continue
		say "stage: FAIL setup: $BIN/$t is not built (make)"
		return "$E_SETUP"
	done
}

# --- recording ------------------------------------------------------------

# result NAME STATE FIGURE EVIDENCE [MS]: one check. STATE is passed,
# degraded, skipped or failed; the first failure makes the verdict.
result() {
	case $2 in
	failed) fact "check.$1.ok" false ;;
	*) fact "check.$1.ok" true ;;
	esac
	fact "check.$1.detail" "$3"
	fact "check.$1.state" "$2"
	fact "check.$1.evidence" "$4"
	[ "$2" = skipped ] && fact "check.$1.skip" "$3"
	[ -n "${5:-}" ] && fact "check.$1.ms" "$5"
	printf '%s|%s|%s|%s\n' "$2" "$1" "$3" "$4" >>"$WORK/lines"
	if [ "$2" = failed ] && [ -z "$FAILED_STEP" ]; then
		FAILED_STEP=$1 FAILED_WHY=$3 STATUS=$E_CHECK
	fi
	return 0
}

# probe_load NAME ARGS...: httpprobe's bounded load mode; facts into
# RUN/NAME.txt, its complaint into WORK/NAME.err. Never retried.
probe_load() {
	pl_name=$1
	shift
	write_to "$RUN/$pl_name.txt" "$BIN/httpprobe" -q -r 0 "$@" 2>"$WORK/$pl_name.err"
}

# probe_one DEST URL ARGS...: one bounded request, body into DEST, facts
# into DEST.facts (in WORK).
probe_one() {
	po_dest=$1 po_url=$2
	shift 2
	"$BIN/httpprobe" -r 0 -t "$STAGE_DEADLINE_S" -m "$STAGE_DEADLINE_S" "$@" \
	    -o "$po_dest" "$po_url" >"$WORK/${po_dest##*/}.facts" 2>"$WORK/${po_dest##*/}.err"
}

# holding PRED DIR: how many of DIR's bodies the predicate holds for.
holding() {
	h_n=0
	for h_f in "$2"/*.body; do
		[ -f "$h_f" ] || continue
		if "$BIN/jsonfield" -q -c "$1" "$h_f" 2>/dev/null; then
			h_n=$((h_n + 1))
		fi
	done
	echo "$h_n"
}

# failures FILE ERRFILE: "" when every request answered as expected, else why.
failures() {
	f_n=$(key "$1" failed)
	[ "${f_n:-1}" = 0 ] && return 0
	f_t=$(key "$1" failed_timeout)
	if [ -n "$f_n" ] && [ "${f_t:-0}" -gt 0 ]; then
		echo "$f_t of $(key "$1" requests) did not answer within the deadline (hung)"
	elif [ -n "$f_n" ]; then
		echo "$f_n of $(key "$1" requests) failed: $(first_line "$2")"
	else
		echo "no answer: $(first_line "$2")"
	fi
}

# --- the checks -----------------------------------------------------------

# replicas_list: compose's own table, then "service container state" for
# each container of the two services (docker inspect of the project's
# containers, by compose's service label: compose v1's ps has no --format,
# and each compose command costs 1.x's python half a second of CPU). The
# project's containers, "service container state id" each, stay in
# WORK/replicas.all for healthz_lines: the only compose calls of a run.
# shellcheck disable=SC2317 # called by write_to
replicas_list() {
	compose ps || return
	rl_ids=$(compose ps -q) || return
	[ -n "$rl_ids" ] || return 0
	# shellcheck disable=SC2086 # one id a word
	docker inspect --format \
	    '{{index .Config.Labels "com.docker.compose.service"}} {{.Name}} {{.State.Status}} {{.Id}}' \
	    $rl_ids >"$WORK/replicas.all" || return
	awk -v a="$STAGE_API_SERVICE" -v g="$STAGE_GATEWAY_SERVICE" '
	    $1 == a { print $1, $2, $3 }
	    $1 == g { gw = gw $1 " " $2 " " $3 "\n" }
	    END { printf "%s", gw }' "$WORK/replicas.all"
}

# 1. replicas: docker compose shows the API's replicas and the gateway running.
step_replicas() {
	if [ "$COMPOSE_IN_USE" != yes ]; then
		why="no compose in use (no docker engine answers, or no ${COMPOSE_FILE:-COMPOSE_FILE})"
		write_to "$RUN/replicas.txt" say "$why"
		result replicas skipped "$why" replicas.txt
		return 0
	fi
	write_to "$RUN/replicas.txt" replicas_list 2>"$WORK/replicas.err"
	ps_rc=$?
	api=$(awk -v s="$STAGE_API_SERVICE" '$1 == s && $3 == "running"' "$RUN/replicas.txt" | wc -l)
	gw=$(awk -v s="$STAGE_GATEWAY_SERVICE" '$1 == s && $3 == "running"' "$RUN/replicas.txt" | wc -l)
	api=$((api + 0)) gw=$((gw + 0))
	fig="$api of $STAGE_REPLICAS $STAGE_API_SERVICE running, $gw $STAGE_GATEWAY_SERVICE"
	if [ "$ps_rc" -ne 0 ]; then
		result replicas failed "docker compose ps failed: $(first_line "$WORK/replicas.err")" replicas.txt
	elif [ "$api" -ge "$STAGE_REPLICAS" ] && [ "$gw" -ge 1 ]; then
		result replicas passed "$fig" replicas.txt
	else
		result replicas failed "$fig" replicas.txt
	fi
}

# replica_counts FILE: "name: n, ..." from the header tallies, and REPLICA_N.
replica_counts() {
	awk -v p="tallies.header:$STAGE_REPLICA_HEADER." '
	index($0, p) == 1 {
		rest = substr($0, length(p) + 1)
		n = rest; sub(/=[0-9]+$/, "", n)
		c = rest; sub(/.*=/, "", c)
		if (n == "(none)" || n == "(no response)")
			next
		out = out (out == "" ? "" : ", ") n ": " c
		k++
	}
	END { printf "%d|%s\n", k, out }' "$1"
}

# healthz_lines: per container of the API service, how many /healthz
# lines its log holds ("container count", the container's name without
# docker's leading /), from the engine's log of each container
# replicas_list found (container_log): no compose call.
healthz_lines() {
	[ -f "$WORK/replicas.all" ] || return 0
	awk -v a="$STAGE_API_SERVICE" '$1 == a { sub(/^\//, "", $2); print $4, $2 }' \
	    "$WORK/replicas.all" |
	while read -r hl_id hl_name; do
		hl_n=$(container_log "$hl_id" | grep -c -F /healthz)
		printf '%s %s\n' "$hl_name" "$hl_n"
	done
}

# log_counts BEFORE AFTER: "name: gained, ..." and the count of replicas
# whose log gained /healthz lines, as replica_counts prints them.
# shellcheck disable=SC2317 # called by write_to
log_counts() {
	awk 'FILENAME == ARGV[1] { b[$1] = $2; next }
	    $2 - b[$1] > 0 { out = out (out == "" ? "" : ", ") $1 ": " $2 - b[$1]; k++ }
	    END { printf "%d|%s\n", k, out }' "$1" "$2"
}

# logs_after WANT: healthz_lines into WORK/logs_after, again until the
# logs gained WANT /healthz lines (the engine writes a container's log a
# moment after the process does), for 2 s at most.
logs_after() {
	la_tries=20
	while :; do
		healthz_lines >"$WORK/logs_after"
		la_got=$(awk 'FILENAME == ARGV[1] { b[$1] = $2; next } { g += $2 - b[$1] }
		    END { print g + 0 }' "$WORK/logs_before" "$WORK/logs_after")
		if [ "$la_got" -ge "$1" ] || [ "$la_tries" -eq 0 ]; then
			return 0
		fi
		la_tries=$((la_tries - 1))
		sleep_short
	done
}

# 2. balance: STAGE_BALANCE_N x GET /healthz, attributed by the replica
# header or, without it and with compose, by the replicas' logs.
step_balance() {
	[ "$COMPOSE_IN_USE" = yes ] && healthz_lines >"$WORK/logs_before"
	probe_load balance -n "$STAGE_BALANCE_N" -c 1 -t "$TIMEOUT" -s 200 \
	    --tally status --tally "header:$STAGE_REPLICA_HEADER" "$STAGE_URL/healthz"
	why=$(failures "$RUN/balance.txt" "$WORK/balance.err")
	rc=$(replica_counts "$RUN/balance.txt")
	ok=$(key "$RUN/balance.txt" ok)
	by=
	if [ "${rc%%|*}" -eq 0 ] && [ "$COMPOSE_IN_USE" = yes ]; then
		logs_after "${ok:-0}"
		write_to "$RUN/balance_logs.txt" log_counts "$WORK/logs_before" "$WORK/logs_after"
		rc=$(cat "$RUN/balance_logs.txt")
		by=", by their logs"
	fi
	n=${rc%%|*} counts=${rc#*|}
	if [ -n "$why" ]; then
		result balance failed "GET /healthz: $why" balance.txt
	elif [ "$n" -ge 2 ]; then
		result balance passed "$ok/$STAGE_BALANCE_N answered 200 by $n replicas ($counts$by)" balance.txt
	elif [ "$n" -eq 1 ]; then
		result balance degraded "$ok/$STAGE_BALANCE_N answered 200, all by one replica ($counts$by)" balance.txt
	else
		result balance degraded "$ok/$STAGE_BALANCE_N answered 200, no $STAGE_REPLICA_HEADER header: not attributed to replicas" balance.txt
	fi
}

# 3. single-flight: STAGE_BURST_N identical asks at once, N-1 cache hits.
step_single_flight() {
	mkdir -p "$RUN/burst"
	probe_load single_flight -n "$STAGE_BURST_N" -c "$STAGE_BURST_N" --burst \
	    -t "$STAGE_DEADLINE_S" -s 200 -X POST -d "@$ASK_BODY" \
	    -H 'Content-Type: application/json' --tally status --bodies "$RUN/burst" \
	    "$STAGE_URL$STAGE_ASK_PATH"
	why=$(failures "$RUN/single_flight.txt" "$WORK/single_flight.err")
	hits=$(holding "$STAGE_HIT_FIELD == true" "$RUN/burst")
	p95=$(ms2 "$(key "$RUN/single_flight.txt" p95_ms)")
	fig="$hits/$STAGE_BURST_N hits ($STAGE_HIT_FIELD), p95 $p95 ms"
	if [ -n "$why" ]; then
		result single_flight failed "POST $STAGE_ASK_PATH: $why" single_flight.txt
	elif [ "$hits" -lt $((STAGE_BURST_N - 1)) ]; then
		result single_flight failed "$fig: want at least $((STAGE_BURST_N - 1))" single_flight.txt
	elif awk -v a="$p95" -v b="$STAGE_P95_MS" 'BEGIN { exit !(a > b) }'; then
		result single_flight degraded "$fig: above $(ms2 "$STAGE_P95_MS") ms" single_flight.txt
	else
		result single_flight passed "$fig" single_flight.txt
	fi
}

# private_body CLIENT FILE: the ask body's question (as JSON, escaped by
# jsonfield) asked by CLIENT.
private_body() {
	q=$("$BIN/jsonfield" .question "$ASK_BODY" 2>/dev/null) || q='"Qual o meu saldo?"'
	printf '{"question": %s, "conversation_id": "stage-isolation-%s", "client_id": "%s", "nickname": "%s"}' \
	    "$q" "$1" "$1" "$1" >"$2"
}

# 4. isolation: the same question from clients A and B: different keys, no hit.
step_isolation() {
	tag=${RUN##*/}-$$
	private_body "stage-a-$tag" "$WORK/ask_a.json"
	private_body "stage-b-$tag" "$WORK/ask_b.json"
	probe_one "$RUN/isolation_a.json" "$STAGE_URL$STAGE_ASK_PATH" -s 200 -X POST \
	    -d "@$WORK/ask_a.json" -H 'Content-Type: application/json'
	ra=$?
	probe_one "$RUN/isolation_b.json" "$STAGE_URL$STAGE_ASK_PATH" -s 200 -X POST \
	    -d "@$WORK/ask_b.json" -H 'Content-Type: application/json'
	rb=$?
	ka=$("$BIN/jsonfield" -r "$STAGE_KEY_FIELD" "$RUN/isolation_a.json" 2>/dev/null)
	kb=$("$BIN/jsonfield" -r "$STAGE_KEY_FIELD" "$RUN/isolation_b.json" 2>/dev/null)
	ha=$("$BIN/jsonfield" "$STAGE_HIT_FIELD" "$RUN/isolation_a.json" 2>/dev/null)
	hb=$("$BIN/jsonfield" "$STAGE_HIT_FIELD" "$RUN/isolation_b.json" 2>/dev/null)
	write_to "$RUN/isolation.txt" printf 'client_a=stage-a-%s\nkey_a=%s\nhit_a=%s\nclient_b=stage-b-%s\nkey_b=%s\nhit_b=%s\n' \
	    "$tag" "$ka" "$ha" "$tag" "$kb" "$hb"
	if [ "$ra" -ne 0 ] || [ "$rb" -ne 0 ]; then
		[ "$ra" -ne 0 ] && e=$WORK/isolation_a.json.err || e=$WORK/isolation_b.json.err
		result isolation failed "POST $STAGE_ASK_PATH: $(first_line "$e")" isolation.txt
	elif [ -z "$ka" ] || [ -z "$kb" ]; then
		result isolation failed "no $STAGE_KEY_FIELD in the answers" isolation.txt
	elif [ "$ka" = "$kb" ]; then
		result isolation failed "clients A and B share the key $ka" isolation.txt
	elif [ "$hb" = true ] || [ "$ha" = true ]; then
		result isolation failed "keys differ, but an answer is a cache hit (A $ha, B $hb)" isolation.txt
	else
		result isolation passed "keys differ ($ka, $kb), neither a hit" isolation.txt
	fi
}

# counter FILE: the overload counter's value in a scraped page, or "".
counter() {
	[ -s "$1" ] || return 0
	"$BIN/p95parse" -c "$STAGE_OVERLOAD_METRIC" "$1" 2>>"$WORK/counter.err" |
	    sed -n 's/^value=//p'
}

# scrape DEST: GET STAGE_METRICS_URL into DEST (bounded).
scrape() {
	probe_one "$1" "$STAGE_METRICS_URL" -s 200
}

# 5. overload: long questions at once; the limit answers, nothing hangs,
# and the counter grows.
step_overload() {
	mkdir -p "$RUN/overload"
	scrape "$RUN/metrics_before.txt"
	before=$(counter "$RUN/metrics_before.txt")
	probe_load overload -n "$STAGE_OVERLOAD_N" -c "$STAGE_OVERLOAD_N" --burst \
	    -t "$STAGE_DEADLINE_S" -s 2xx,429,503 -X POST -d "@$LONG_BODY" \
	    -H 'Content-Type: application/json' --tally status --bodies "$RUN/overload" \
	    "$STAGE_URL$STAGE_ASK_PATH"
	why=$(failures "$RUN/overload.txt" "$WORK/overload.err")
	scrape "$RUN/metrics_after.txt"
	sc=$?
	after=$(counter "$RUN/metrics_after.txt")
	n=0
	for pred in "$STAGE_OVERLOAD_PRED" "$STAGE_OVERLOAD_ERROR_PRED"; do
		[ -n "$pred" ] && n=$((n + $(holding "$pred" "$RUN/overload")))
	done
	grew=$(awk -v a="${after:-0}" -v b="${before:-0}" 'BEGIN { print (a > b) ? "yes" : "no" }')
	ctr="counter ${before:-absent} -> ${after:-absent}"
	fig="$n/$STAGE_OVERLOAD_N overloaded, $ctr"
	if [ -n "$why" ]; then
		result overload failed "$why (STAGE_DEADLINE_S=$STAGE_DEADLINE_S)" overload.txt
	elif [ "$n" -eq 0 ]; then
		result overload degraded "the limit never triggered: 0/$STAGE_OVERLOAD_N overloaded, $ctr" overload.txt
	elif [ "$sc" -ne 0 ]; then
		result overload failed "$fig; $STAGE_METRICS_URL: $(first_line "$WORK/metrics_after.txt.err")" overload.txt
	elif [ -z "$after" ]; then
		result overload failed "$n/$STAGE_OVERLOAD_N overloaded, but no $STAGE_OVERLOAD_METRIC at $STAGE_METRICS_URL" overload.txt
	elif [ "$grew" != yes ]; then
		result overload failed "$fig: the counter did not grow" overload.txt
	else
		result overload passed "$fig" overload.txt
	fi
}

# --- the report -----------------------------------------------------------

# report: status.json and junit.xml from the facts (smokereport).
report() {
	fact finished "$(utc_now)"
	fact exit_code "$STATUS"
	"$BIN/smokereport" -o "$RUN/status.json" -J "$RUN/junit.xml" "$WORK/facts" \
	    2>"$WORK/report.err"
	if [ $? -gt 1 ]; then
		warn "stage: status.json: $(first_line "$WORK/report.err")"
		[ "$STATUS" -eq 0 ] && STATUS=$E_SETUP FAILED_STEP=report \
		    FAILED_WHY="smokereport failed: $(first_line "$WORK/report.err")"
	fi
	return 0
}

# report_md: RUN/report.md, one line per check, then the conclusion.
# shellcheck disable=SC2317,SC2016 # called by write_to; `file` is Markdown
report_md() {
	printf '# Stage check: %s\n\n' "$STAGE_URL"
	printf 'Run %s, %s to %s.\n\n' "$RUN" "$STARTED" "$(utc_now)"
	while IFS='|' read -r state name fig ev; do
		case $state in
		passed) mark='✅' ;;
		failed) mark='❌' ;;
		skipped) mark='⚠️' fig="skipped: $fig" ;;
		*) mark='⚠️' ;;
		esac
		printf -- '- %s **%s**: %s (evidence: `%s`)\n' "$mark" "$name" "$fig" "$ev"
	done <"$WORK/lines"
	printf '\nStage ready for multi-user chat: %s\n' "$READY"
}

# verdict_line: VERDICT (PASS, DEGRADED or FAIL), READY and the line's text.
# A skipped check is ⚠️ in report.md and named in the line, but degrades
# nothing: it could not be checked here (no compose), it did not fall short.
verdict_line() {
	np=$(grep -c '^passed|' "$WORK/lines")
	ns=$(grep -c '^skipped|' "$WORK/lines")
	nd=$(grep -c '^degraded|' "$WORK/lines")
	nf=$(grep -c '^failed|' "$WORK/lines")
	line="$np passed, $ns skipped, $nd degraded, $nf failed"
	VERDICT=PASS READY=yes
	if [ "$nf" -gt 0 ] || failed; then
		VERDICT=FAIL READY=no
		line="$FAILED_STEP: $FAILED_WHY; $line"
	elif [ "$nd" -gt 0 ]; then
		VERDICT=DEGRADED
		line="$(first_of degraded); $line"
	fi
	[ "$ns" -gt 0 ] && line="$line; $(first_of skipped)"
	fact verdict "$VERDICT"
	fact ready "$READY"
}

# first_of STATE: "name: figure" of the first check in that state.
first_of() {
	awk -F'|' -v s="$1" '$1 == s { print $2 ": " $3; exit }' "$WORK/lines"
}

# --- commands -------------------------------------------------------------

start_run() {
	tools_ok || exit
	knobs_ok || exit
	begin
	: >"$WORK/lines"
	STARTED=$(utc_now)
	COMPOSE_IN_USE=no
	if [ -n "$COMPOSE_FILE" ] && compose_files_exist && docker_answers; then
		COMPOSE_IN_USE=yes
		compose_pick
	fi
	new_run_dir || { say "stage: FAIL setup: cannot create a run directory in ${RUN_DIR:-$RUNS_DIR}"; exit "$E_SETUP"; }
	[ -n "$STAGE_METRICS_URL" ] || STAGE_METRICS_URL=$STAGE_URL/metrics
	ASK_BODY=${STAGE_ASK_BODY:-$WORK/ask.json}
	[ -n "$STAGE_ASK_BODY" ] || printf '%s' "$ASK_DEFAULT" >"$ASK_BODY"
	LONG_BODY=${STAGE_LONG_BODY:-$WORK/long.json}
	if [ -z "$STAGE_LONG_BODY" ]; then
		long=
		for _ in 1 2 3 4 5 6 7 8 9 10; do long=$long$LONG_WORDS; done
		printf '{"question": "%s", "conversation_id": "load-test-long", "client_id": "tester", "nickname": "tester"}' \
		    "$long" >"$LONG_BODY"
	fi
	fact run_dir "$RUN"
	fact stage_url "$STAGE_URL"
	fact compose_in_use "$COMPOSE_IN_USE"
	fact started "$STARTED"
	fact_tools
}

cmd_check() {
	start_run
	step_replicas
	step_balance
	step_single_flight
	step_isolation
	step_overload
	verdict_line
	write_to "$RUN/report.md" report_md
	# The leak check reads every artifact, report.md and status.json too.
	report
	if [ -n "$ENV_FILE" ]; then
		step_leakscan
		[ "$STATUS" -eq "$E_LEAK" ] && VERDICT=FAIL READY=no line="leakscan: $FAILED_WHY"
		report
	fi
	say "stage: $VERDICT $line ($RUN)"
	exit "$STATUS"
}

# stage-demo: the demo backend in stage mode on a free port, then the check.
cmd_demo() {
	[ -x "$FIXTURE" ] || { say "stage-demo: FAIL setup: $FIXTURE is not built (make)"; exit "$E_SETUP"; }
	tools_ok || exit
	CMD=stage-demo
	knobs_ok STAGE_DEMO_REPLICAS="$STAGE_DEMO_REPLICAS" \
	    STAGE_DEMO_LLM_LIMIT="$STAGE_DEMO_LLM_LIMIT" || exit
	set -- -N "$STAGE_DEMO_REPLICAS" -R api -L "$STAGE_DEMO_LLM_LIMIT"
	case $STAGE_DEMO_CACHE in on) ;; off) set -- "$@" -C ;;
	*) say "stage-demo: FAIL usage: STAGE_DEMO_CACHE='$STAGE_DEMO_CACHE': want on or off"; exit "$E_USAGE" ;; esac
	case $STAGE_DEMO_HANG in no) ;; yes) set -- "$@" -G ;;
	*) say "stage-demo: FAIL usage: STAGE_DEMO_HANG='$STAGE_DEMO_HANG': want no or yes"; exit "$E_USAGE" ;; esac
	dd=$(mktemp -d "${TMPDIR:-/tmp}/smokekit-stage.XXXXXX") || exit "$E_SETUP"
	"$FIXTURE" -P "$dd/port" "$@" >/dev/null 2>"$dd/err" &
	demo_pid=$!
	i=0
	while [ ! -s "$dd/port" ] && [ "$i" -lt 100 ] && kill -0 "$demo_pid" 2>/dev/null; do
		sleep_short
		i=$((i + 1))
	done
	if [ ! -s "$dd/port" ]; then
		say "stage-demo: FAIL setup: the demo backend did not start: $(first_line "$dd/err")"
		kill "$demo_pid" 2>/dev/null
		rm -rf "$dd"
		exit "$E_SETUP"
	fi
	STAGE_URL=http://127.0.0.1:$(cat "$dd/port") STAGE_METRICS_URL='' COMPOSE_FILE='' \
	    sh "$0" stage-check
	rc=$?
	kill "$demo_pid" 2>/dev/null
	wait "$demo_pid" 2>/dev/null
	rm -rf "$dd"
	exit "$rc"
}

case ${1:-} in
stage-check) cmd_check ;;
stage-demo) cmd_demo ;;
*) warn "usage: mk/stage.sh stage-check|stage-demo"; exit "$E_USAGE" ;;
esac
