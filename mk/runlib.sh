# shellcheck shell=sh
# mk/runlib.sh: what every pipeline script of mk/ shares: messages, the
# work directory and its traps, atomic artifacts (write_to), facts and
# checks for smokereport, the run directory (runs/YYYYMMDD-HHMM, never
# reused, runs/latest) and the leak check. Sourced by mk/smoke.sh and
# mk/stage.sh: each sets CMD (its name in messages; RUNLIB_PROG for the
# run directory's, default smoke), BIN, the E_* exit codes, the knobs
# RUNS_DIR, RUN_DIR, ENV_FILE, LEAK_IGNORE, and defines report (status.json
# from the facts), called when a run is interrupted.
# The verdict's variables (STATUS, FAILED_WHY) and the knobs (RUNS_DIR...)
# are the sourcing script's.
# shellcheck disable=SC2034,SC2153

WORK=
RUN=
TMPS=
CHILD=
CHILD_BEFORE=
NL='
'
CR=$(printf '\r')

say() {
	printf '%s\n' "$*"
}

warn() {
	printf '%s\n' "$*" >&2
}

# first_line FILE: its first line, without a "program: " prefix, or "".
first_line() {
	[ -s "$1" ] || return 0
	sed -n '1{s/^[a-z0-9]*: //;p;q;}' "$1" | tr -d '\r'
}

# now_ms: wall-clock milliseconds (seconds resolution where date lacks %N).
now_ms() {
	n=$(date +%s%N 2>/dev/null)
	case $n in
	*[!0-9]*|'') echo "$(date +%s)000" ;;
	*) echo "$((n / 1000000))" ;;
	esac
}

utc_now() {
	date -u +%Y-%m-%dT%H:%M:%SZ
}

# sleep_short: a tenth of a second where sleep takes fractions, else one.
sleep_short() {
	sleep 0.1 2>/dev/null || sleep 1
}

# seconds_shown MS: SHOWN, MS (knobcheck's whole milliseconds) as the
# messages say a duration: "30s", "0.5s", "1.25s". In the shell, not awk:
# every run says two, and each awk is an exec.
seconds_shown() {
	SHOWN=$(($1 % 1000 + 1000))
	SHOWN=${SHOWN#1}
	while :; do
		case $SHOWN in *0) SHOWN=${SHOWN%0} ;; *) break ;; esac
	done
	SHOWN=$(($1 / 1000))${SHOWN:+.$SHOWN}s
}

have() {
	command -v "$1" >/dev/null 2>&1
}


# publish TMP DEST: the temporary (in DEST's directory) becomes DEST.
publish() {
	mv -f "$1" "$2"
}

# tmp_for DEST: TMP, a temporary path beside DEST, remembered so that the
# traps remove it if it is left (never call it inside $(...)). TMPS holds
# one path a line: a path may hold blanks (RUNS_DIR="my runs").
tmp_for() {
	case $1 in
	*/*) TMP="${1%/*}/.${1##*/}.tmp.$$" ;;
	*) TMP=".$1.tmp.$$" ;;
	esac
	TMPS="$TMPS
$TMP"
}

# write_to DEST COMMAND...: COMMAND's stdout becomes DEST atomically, even
# when COMMAND fails (a failing step's output is evidence); COMMAND's
# status. When DEST cannot be written (a full file system, a directory not
# writable), nothing is renamed into place: DEST stays as it was (the old
# file or none), the run records a failed "write" step naming DEST, and the
# status is E_SETUP. COMMAND runs in a subshell (it sets no variable) and
# must not call write_to.
write_to() {
	dest=$1
	shift
	tmp_for "$dest"
	wt_tmp=$TMP
	# cat writes the temporary: unlike a shell builtin (sysinfo's printf),
	# it says when a write fails. COMMAND's status and cat's complaint come
	# back on fd 3, each as one line written at once.
	wt_report=$( { { "$@" 3>&-; echo "status=$?" >&3; } |
	    { wt_err=$( { cat >"$wt_tmp"; } 2>&1 ) ||
	    echo "write=failed:$(printf '%s' "$wt_err" | tr '\n' ' ')" >&3; }; } 3>&1 )
	wt_status=${wt_report#*status=}
	wt_status=${wt_status%%[!0-9]*}
	case $wt_report in
	*write=failed:*)
		rm -f "$wt_tmp"
		write_failed "$dest" "$(printf '%s\n' "$wt_report" |
		    sed -n 's/^write=failed:.*: //p' | sed -n 1p)"
		return "$E_SETUP"
		;;
	esac
	if ! wt_err=$(publish "$wt_tmp" "$dest" 2>&1); then
		rm -f "$wt_tmp"
		write_failed "$dest" "${wt_err##*: }"
		return "$E_SETUP"
	fi
	return "${wt_status:-$E_SETUP}"
}

# write_failed DEST WHY: an artifact that could not be written, said on
# stderr and, in a run, as its first failed step.
write_failed() {
	warn "${CMD:-smoke}: cannot write $1: ${2:-write error}"
	[ -n "$WORK" ] && [ -f "$WORK/facts" ] &&
	    fail write "$E_SETUP" "cannot write $1: ${2:-write error}"
	return 0
}

# --- facts, checks and the verdict ----------------------------------------

# fact KEY VALUE: one line for smokereport (newlines become spaces; tr
# only then: a run writes some eighty facts, nearly all of one line).
fact() {
	case $2 in
	*"$NL"* | *"$CR"*)
		printf '%s=%s\n' "$1" "$(printf '%s' "$2" | tr '\n\r' '  ')" ;;
	*)	printf '%s=%s\n' "$1" "$2" ;;
	esac >>"$WORK/facts"
}

# fact_tools: tools.NAME, the version of each of our programs in TOOLS,
# kept for version_of (sysinfo prints them again: asked once a run).
fact_tools() {
	for t in $TOOLS; do
		ft_v=$("$BIN/$t" -V 2>/dev/null)
		remember_version "$t" "$ft_v"
		fact "tools.$t" "$ft_v"
	done
}

# remember_version NAME VERSION, version_of NAME: a version asked once a
# run (NAME is one of ours, jq, k6 or docker: a shell name); version_of
# sets VERSION to it, "" when not asked yet (a variable, not $(...): a
# fork each).
remember_version() {
	eval "VERSION_$1=\$2"
}
version_of() {
	eval "VERSION=\${VERSION_$1-}"
}

# check NAME true|false DETAIL [MS]
check() {
	fact "check.$1.ok" "$2"
	fact "check.$1.detail" "$3"
	[ -n "${4:-}" ] && fact "check.$1.ms" "$4"
	return 0
}

FAILED_STEP=
FAILED_WHY=
STATUS=$E_PASS

# fail STEP CODE WHY: record a failed check; the first failure is the verdict.
fail() {
	check "$1" false "$3"
	if [ -z "$FAILED_STEP" ]; then
		FAILED_STEP=$1 FAILED_WHY=$3 STATUS=$2
	fi
	return 0
}

failed() {
	[ -n "$FAILED_STEP" ]
}

# --- the latency gate's figures (WORK/p95.txt: p95parse's key=value) -------

# key FILE KEY: the first value of KEY in a key=value file, or "" (read
# by the shell: a run asks some thirty times, and each sed is an exec).
key() {
	[ -f "$1" ] || return 0
	while IFS= read -r k_line || [ -n "$k_line" ]; do
		case $k_line in
		"$2="*) printf '%s\n' "${k_line#*=}"; return 0 ;;
		esac
	done <"$1"
}

# p95 KEY: a value p95parse printed.
p95() {
	key "$WORK/p95.txt" "$1"
}

# fact_metrics: each key=value p95parse printed, as metrics.KEY (a key
# that is not a plain name is left out: it could not be one in status.json).
fact_metrics() {
	while IFS='=' read -r k v; do
		case $k in
		''|*[!A-Za-z0-9_]*) ;;
		*) fact "metrics.$k" "$v" ;;
		esac
	done <"$WORK/p95.txt"
}

# ms2 MS: a figure as every PASS/FAIL line prints it (two decimals;
# metrics.txt keeps full precision).
ms2() {
	awk -v v="$1" 'BEGIN { printf "%.2f", v }'
}

# gate_figures pass|why: the gate's figures as the PASS or FAIL line says
# them, two decimals, in one awk (a run's figures were six). The p95 is
# "p95 21.08 ms", or "p95 of 7 samples 21.08 ms" when it rests on fewer
# than 20 samples (it is then their maximum or close to it, not a
# percentile to gate on without saying so); with " (within 0.5%)" when it
# comes from histograms (p95parse's bound). pass: "P95 < MAX ms, failed
# F% < MAX%". why: each gate p95parse says failed, with the margin.
gate_figures() {
	gf_n=$(p95 requests)
	[ -n "$gf_n" ] || gf_n=$(p95 http_req_failed_of)
	awk -v mode="$1" -v p="$(p95 p95_ms)" -v n="${gf_n:-20}" -v b="$(p95 p95_rel_error)" \
	    -v pmax="$P95_MAX_MS" -v gp="$(p95 gate_p95)" \
	    -v f="$(p95 http_req_failed)" -v fmax="$FAILED_MAX" -v gf="$(p95 gate_http_req_failed)" \
	    -v fn="$(p95 http_req_failed_count)" -v ft="$(p95 http_req_failed_of)" 'BEGIN {
		if (n + 0 < 20)
			fig = sprintf("p95 of %d samples %.2f ms", n, p)
		else
			fig = sprintf("p95 %.2f ms", p)
		if (b != "")
			fig = fig sprintf(" (within %g%%)", b * 100)
		if (mode == "pass") {
			printf "%s < %.2f ms, failed %.2f%% < %.2f%%", fig, pmax, f * 100, fmax * 100
			exit
		}
		if (gp == "fail")
			why = sprintf("%s is not below %.2f ms (+%.2f ms)", fig, pmax, p - pmax)
		if (gf == "fail") {
			fails = sprintf("failed %.2f%%", f * 100)
			if (ft != "")
				fails = fails sprintf(" (%d of %d)", fn, ft)
			fails = fails sprintf(" is not below %.2f%% (+%.2f%%)", fmax * 100, (f - fmax) * 100)
			why = why (why == "" ? "" : "; ") fails
		}
		printf "%s", why
	}'
}

# gate_why: the gates p95parse says failed (gate_figures why); when it
# failed on a figure it printed no key for, its own line.
gate_why() {
	gw=$(gate_figures why)
	[ -n "$gw" ] || gw=$(sed -n 's/^[^:]*: [^:]*: //p' "$WORK/p95.err" | awk '{ printf "%s%s", sep, $0; sep = "; " }')
	echo "$gw"
}

# --- the run directory ----------------------------------------------------

# new_run_dir: RUN_DIR when set, else RUNS_DIR/YYYYMMDD-HHMM made with mkdir
# (a suffix -2, -3, ... when taken: two runs never share one), and
# RUNS_DIR/latest pointing at it. Sets RUN.
new_run_dir() {
	if [ -n "$RUN_DIR" ]; then
		mkdir -p "$RUN_DIR" || return "$E_SETUP"
		RUN=$RUN_DIR
		return 0
	fi
	mkdir -p "$RUNS_DIR" || return "$E_SETUP"
	stamp=$(date +%Y%m%d-%H%M)
	name=$stamp
	n=1
	while ! mkdir "$RUNS_DIR/$name" 2>/dev/null; do
		if [ ! -e "$RUNS_DIR/$name" ] || [ "$n" -ge 999 ]; then
			warn "${RUNLIB_PROG:-smoke}: cannot create a run directory in $RUNS_DIR"
			return "$E_SETUP"
		fi
		n=$((n + 1))
		name=$stamp-$n
	done
	RUN=$RUNS_DIR/$name
	point_latest "$name"
}

# point_latest NAME: RUNS_DIR/latest -> NAME, replaced atomically where mv
# has -T (GNU, busybox), else by ln -sfn.
point_latest() {
	latest=$RUNS_DIR/latest
	if [ -e "$latest" ] && [ ! -L "$latest" ]; then
		warn "${RUNLIB_PROG:-smoke}: $latest is not a symbolic link; left alone"
		return 0
	fi
	pl_tmp=$RUNS_DIR/.latest.$$
	rm -f "$pl_tmp"
	if ln -s "$1" "$pl_tmp" && mv -T -f "$pl_tmp" "$latest" 2>/dev/null; then
		return 0
	fi
	rm -f "$pl_tmp"
	ln -sfn "$1" "$latest"
}

# --- setup and teardown ---------------------------------------------------

# cleanup: the temporaries left and the work directory, in one rm.
cleanup() {
	set --
	while IFS= read -r t; do
		[ -z "$t" ] || set -- "$@" "$t"
	done <<EOF_TMPS
$TMPS
EOF_TMPS
	[ -n "$WORK" ] && set -- "$@" "$WORK"
	[ $# -eq 0 ] || rm -rf -- "$@"
	WORK=
}

begin() {
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/smokekit.XXXXXX") || {
		warn "${RUNLIB_PROG:-smoke}: mktemp failed"
		exit "$E_SETUP"
	}
	: >"$WORK/facts"
	trap 'cleanup' EXIT
	trap 'interrupted 130 SIGINT' INT
	trap 'interrupted 143 SIGTERM' TERM
}

# interrupted CODE SIGNAL: a run stopped half-way still says so in its
# status.json (the artifacts it has are whole, each written atomically).
interrupted() {
	trap - INT TERM
	if [ -n "$RUN" ] && [ -d "$RUN" ] && [ -n "$WORK" ]; then
		if [ "$CHILD" = forking ]; then
			CHILD=
			[ "$!" != "$CHILD_BEFORE" ] && CHILD=$!
		fi
		[ -n "$CHILD" ] && kill "$CHILD" 2>/dev/null && wait "$CHILD" 2>/dev/null
		FAILED_STEP='' STATUS=$1
		fail interrupted "$1" "stopped by $2"
		report
		say "$CMD: FAIL interrupted: stopped by $2 ($RUN)"
	fi
	cleanup
	exit "$1"
}

# step_leakscan: no value of ENV_FILE in any artifact (it names keys only);
# the keys in LEAK_IGNORE hold no secret (a host name, a model name).
step_leakscan() {
	[ -n "$ENV_FILE" ] || return 0
	if [ ! -r "$ENV_FILE" ]; then
		fact leakscan "skipped: $ENV_FILE is not readable by this user"
		return 0
	fi
	set --
	for k in $LEAK_IGNORE; do
		set -- "$@" -x "$k"
	done
	write_to "$RUN/leakscan.txt" "$BIN/leakscan" "$@" -e "$ENV_FILE" "$RUN" 2>"$WORK/leak.err"
	case $? in
	0) check leakscan true "no value of $ENV_FILE in $RUN" ;;
	1) fail leakscan "$E_LEAK" "a value of $ENV_FILE is in the artifacts: $(first_line "$RUN/leakscan.txt") (see leakscan.txt; do not share this run)" ;;
	*) fail leakscan "$E_SETUP" "leakscan: $(first_line "$WORK/leak.err")" ;;
	esac
}
