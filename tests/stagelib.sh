# shellcheck shell=sh
# tests/stagelib.sh: helpers of the tests of mk/stage.sh (t5300, t5305),
# sourced after tests/lib.sh and tests/smokelib.sh.

# run_stage COMMAND [NAME=VALUE...]: mk/stage.sh on the bare PATH in a clean
# environment, runs/ here; out, err; its exit status. Small bursts, short
# deadlines: the demo's LLM takes 1 s.
run_stage() {
	rs_cmd=$1
	shift
	env -i HOME="$HOME" LC_ALL=C TMPDIR="${TMPDIR:-/tmp}" PATH="$BARE" \
	    ASAN_OPTIONS="${ASAN_OPTIONS:-}" UBSAN_OPTIONS="${UBSAN_OPTIONS:-}" \
	    SMOKEKIT_BIN="$PROGS" FIXTURE="$FIXTURE" RUNS_DIR="$PWD/runs" \
	    STAGE_BALANCE_N=9 STAGE_BURST_N=8 STAGE_OVERLOAD_N=6 STAGE_DEADLINE_S=10 \
	    TIMEOUT=5 COMPOSE_FILE="$PWD/no-compose.yml" \
	    "$@" "$SH" "$ROOT/mk/stage.sh" "$rs_cmd" >out 2>err
}

# stage_code STATUS COMMAND [NAME=VALUE...]: run_stage wanting STATUS.
stage_code() {
	sc_want=$1
	shift
	said_code "$sc_want" run_stage "$@"
}

# line NAME: the line of check NAME in the latest report.md.
line() {
	grep -F -e "**$1**" runs/latest/report.md
}
