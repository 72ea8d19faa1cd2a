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
WORK=
RUN=

say() { printf '%s\n' "$*"; }
warn() { printf '%s\n' "$*" >&2; }

is_decimal() {
	case $1 in
	'' | .* | *. | *[!0-9.]* | *.*.*) return 1 ;;
	esac
}

# fact KEY VALUE: one line for smokereport (newlines become spaces).
fact() {
	printf '%s=%s\n' "$1" "$(printf '%s' "$2" | tr '\n\r' '  ')" >>"$WORK/facts"
}

# new_run_dir: RUN_DIR when set, else RUNS_DIR/YYYYMMDD-HHMM (-2, -3, ...
# when taken), RUNS_DIR/latest pointing at it; the rules of mk/smoke.sh.
new_run_dir() {
	if [ -n "$RUN_DIR" ]; then
		mkdir -p "$RUN_DIR" && RUN=$RUN_DIR
		return
	fi
	mkdir -p "$RUNS_DIR" || return 1
	stamp=$(date +%Y%m%d-%H%M)
	name=$stamp
	n=1
	while ! mkdir "$RUNS_DIR/$name" 2>/dev/null; do
		[ -e "$RUNS_DIR/$name" ] && [ "$n" -lt 999 ] || return 1
		n=$((n + 1))
		name=$stamp-$n
	done
	RUN=$RUNS_DIR/$name
	if [ ! -e "$RUNS_DIR/latest" ] || [ -L "$RUNS_DIR/latest" ]; then
		ln -s "$name" "$RUNS_DIR/.latest.$$" &&
			{ mv -T -f "$RUNS_DIR/.latest.$$" "$RUNS_DIR/latest" 2>/dev/null ||
				{ rm -f "$RUNS_DIR/.latest.$$"; ln -sfn "$name" "$RUNS_DIR/latest"; }; }
	fi
	return 0
}

# p95 KEY: a value p95parse printed.
p95() {
	sed -n "s/^$1=//p" "$WORK/p95.txt" | sed -n 1p
}

# The verdicts p95parse gave, without its name and the files' ("p95 1340
# ms is not below 1200 ms (+140 ms)"); both when both gates failed.
gate_why() {
	sed -n 's/^.*merged: //p' "$WORK/p95.err" | awk '{ printf "%s%s", sep, $0; sep = "; " }'
}

main() {
	if [ -z "$FILES" ]; then
		warn "gate-merge: FILES is empty: give the runners' raw results, e.g. make gate-merge FILES='results/runner-*.json'"
		exit "$E_USAGE"
	fi
	is_decimal "$P95_MAX_MS" || { warn "gate-merge: P95_MAX_MS=$P95_MAX_MS: want milliseconds, e.g. 1200"; exit "$E_USAGE"; }
	is_decimal "$FAILED_MAX" || { warn "gate-merge: FAILED_MAX=$FAILED_MAX: want a rate, e.g. 0.01"; exit "$E_USAGE"; }
	for t in p95parse smokereport; do
		[ -x "$BIN/$t" ] || { warn "gate-merge: FAIL setup: $BIN/$t not built (run make)"; exit "$E_SETUP"; }
	done
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/smokekit-merge.XXXXXX") || exit "$E_SETUP"
	trap 'rm -rf "$WORK"' EXIT
	: >"$WORK/facts"
	new_run_dir || { warn "gate-merge: FAIL setup: cannot create a run directory in ${RUN_DIR:-$RUNS_DIR}"; exit "$E_SETUP"; }
	fact run_dir "$RUN"
	fact started "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
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
	cat "$WORK/p95.txt" "$WORK/p95.err" >"$RUN/.merge.txt.tmp.$$" &&
		mv -f "$RUN/.merge.txt.tmp.$$" "$RUN/merge.txt"
	while IFS='=' read -r k v; do
		case $k in
		'' | *[!A-Za-z0-9_]*) ;;
		*) fact "metrics.$k" "$v" ;;
		esac
	done <"$WORK/p95.txt"
	case $pg in
	0)
		status=$E_PASS
		detail=$(awk -v p="$(p95 p95_ms)" -v m="$P95_MAX_MS" -v f="$(p95 http_req_failed)" \
		    -v fm="$FAILED_MAX" -v prec="$(p95 p95_precision)" -v n="$(p95 files)" \
		    'BEGIN { printf "p95 %.2f ms < %s ms (%s, %s files), failed %.2f%% < %.2f%%", p, m, prec, n, f * 100, fm * 100 }')
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
	fact finished "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
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
