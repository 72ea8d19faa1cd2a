#!/bin/sh
# mk/merge.sh: make gate-merge FILES='...': one gate over several runners'
# raw results (k6 --out json or --out csv, httpprobe --out, or httpprobe
# summary exports with a histogram), read as one run by p95parse --merge,
# with the evidence of a smoke run: RUN/metrics.txt, RUN/status.json (by
# smokereport), RUN/merge.txt (p95parse's output) in a new run directory.
#
# Knobs (environment; man/smokekit.7, "Many runners"): FILES (file names or
# globs, blank-separated), MERGE_TAG (default ep=models; empty: the whole
# metric), P95_MAX_MS, FAILED_MAX, RUNS_DIR, RUN_DIR, SMOKEKIT_BIN.
#
# Exit status: 0 pass, 2 usage (a knob is malformed), 3 could not check (a
# file refused or unreadable: p95parse says why), 5 latency gate failed.

E_PASS=0 E_USAGE=2 E_SETUP=3 E_GATE=5

: "${FILES:=}" "${MERGE_TAG=ep=models}" "${P95_MAX_MS:=1200}" "${FAILED_MAX:=0.01}"
: "${RUNS_DIR:=runs}" "${RUN_DIR:=}" "${SMOKEKIT_BIN:=bin}"
BIN=$SMOKEKIT_BIN
CMD=gate-merge
RUNLIB_PROG=gate-merge
ENV_FILE=''
LEAK_IGNORE=''
# shellcheck source=mk/runlib.sh
. "${0%/*}/runlib.sh"

# report: runlib's hook for an interrupted run; the gate writes its own.
# shellcheck disable=SC2317 # called by runlib's trap
report() {
	"$BIN/smokereport" -o "$RUN/status.json" -m "$RUN/metrics.txt" "$WORK/facts" 2>"$WORK/report.err"
}

# knobs_ok: the knobs by knobcheck(1), the grammars of the programs.
knobs_ok() {
	if ! ko=$("$BIN/knobcheck" P95_MAX_MS="$P95_MAX_MS" FAILED_MAX="$FAILED_MAX" \
	    RUNS_DIR="$RUNS_DIR" RUN_DIR="$RUN_DIR" 2>&1 >/dev/null); then
		warn "gate-merge: FAIL usage: $(printf '%s\n' "$ko" | sed -n '1s/^knobcheck: //p')"
		exit "$E_USAGE"
	fi
}

main() {
	if [ -z "$FILES" ]; then
		warn "gate-merge: FILES is empty: give the runners' raw results, e.g. make gate-merge FILES='results/runner-*.json'"
		exit "$E_USAGE"
	fi
	for t in knobcheck p95parse smokereport; do
		[ -x "$BIN/$t" ] || { warn "gate-merge: FAIL setup: $BIN/$t not built (run make)"; exit "$E_SETUP"; }
	done
	knobs_ok
	begin
	new_run_dir || { warn "gate-merge: FAIL setup: cannot create a run directory in ${RUN_DIR:-$RUNS_DIR}"; exit "$E_SETUP"; }
	fact run_dir "$RUN"
	fact started "$(utc_now)"
	fact p95_max_ms "$P95_MAX_MS"
	fact failed_max "$FAILED_MAX"
	fact merge_tag "$MERGE_TAG"
	fact files "$FILES"
	fact tools.p95parse "$("$BIN/p95parse" -V 2>/dev/null)"

	set -- --merge --max "$P95_MAX_MS" --failed-max "$FAILED_MAX"
	[ -n "$MERGE_TAG" ] && set -- "$@" -t "$MERGE_TAG"
	# shellcheck disable=SC2086 # FILES is a list of names and globs
	"$BIN/p95parse" "$@" $FILES >"$WORK/p95.txt" 2>"$WORK/p95.err"
	pg=$?
	write_to "$RUN/merge.txt" cat "$WORK/p95.txt" "$WORK/p95.err"
	fact_metrics
	case $pg in
	0)
		status=$E_PASS
		detail=$(awk -v p="$(p95 p95_ms)" -v m="$P95_MAX_MS" -v f="$(p95 http_req_failed)" \
		    -v fm="$FAILED_MAX" -v prec="$(p95 p95_precision)" -v n="$(p95 files)" \
		    'BEGIN { printf "p95 %.2f ms < %.2f ms (%s, %s files), failed %.2f%% < %.2f%%", p, m, prec, n, f * 100, fm * 100 }')
		fact check.gate.ok true
		;;
	1)
		status=$E_GATE
		detail=$(gate_why)
		fact check.gate.ok false
		;;
	*)
		status=$E_SETUP
		detail="could not check: $(sed -n 1p "$WORK/p95.err")"
		fact check.gate.ok false
		;;
	esac
	fact check.gate.detail "$detail"
	fact finished "$(utc_now)"
	fact exit_code "$status"
	if [ "$status" -ne 0 ]; then
		fact failed_step gate
		fact reason "$detail"
	fi
	if ! "$BIN/smokereport" -o "$RUN/status.json" -m "$RUN/metrics.txt" "$WORK/facts" 2>"$WORK/report.err"; then
		if [ "$status" -eq 0 ]; then
			warn "gate-merge: status.json: $(sed -n 1p "$WORK/report.err")"
			status=$E_SETUP
		fi
	fi
	[ "$status" -eq 3 ] && cat "$WORK/p95.err" >&2
	if [ "$status" -eq 0 ]; then
		say "gate-merge: PASS $detail ($RUN)"
	else
		say "gate-merge: FAIL gate: $detail ($RUN)"
	fi
	exit "$status"
}

main
