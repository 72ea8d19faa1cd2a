# shellcheck shell=sh
# tests/smokelib.sh: helpers of the tests of mk/smoke.sh (t51NN-*.sh),
# sourced after tests/lib.sh (which fails the file when a program is not
# built). It sets up:
#   BARE    a directory of links to the POSIX utilities mk/smoke.sh uses,
#           and nothing else: no jq, no k6, no docker, not our programs
#   JQPATH  the same plus jq
#   SH      the shell that runs mk/smoke.sh
#   P95_SHOWN  a BRE for the PASS or FAIL line's p95, "p95 21.08 ms" or,
#           under 20 samples, "p95 of 7 samples 21.08 ms" (a load bounded
#           by time makes as many as the machine's speed allows)
# run_smoke then runs the pipeline with PATH=$BARE in a clean environment.

# bare_path DIR [COMMAND...]: DIR holds links to the POSIX utilities
# mk/smoke.sh uses (and the given commands); nothing else is on its PATH.
# (One ln for all: a link is named as its target, the command's name.)
bare_path() {
	mkdir -p "$1"
	d=$1
	shift
	bp_paths=
	for c in sh cat sed awk grep date mkdir mv rm ln tr wc id uname getconf \
	    readlink mktemp sleep od cut tail head ls cp env kill timeout "$@"; do
		p=$(command -v "$c") || continue
		case $p in /*) bp_paths="$bp_paths$p
" ;; esac
	done
	bp_ifs=$IFS
	IFS='
'
	set -f
	# shellcheck disable=SC2086 # one path a line
	ln -sf $bp_paths "$d/"
	set +f
	IFS=$bp_ifs
}
BARE=$TRASH/bare
bare_path "$BARE"
JQPATH=$TRASH/withjq
bare_path "$JQPATH" jq
SH=$(command -v sh)
P95_SHOWN='p95 \(of [0-9]* samples \)*[0-9.]* ms'

export BARE JQPATH SH P95_SHOWN

# run_smoke URL [NAME=VALUE...]: mk/smoke.sh ${SMOKE_CMD:-smoke} against URL
# on the bare PATH (PATH=... among the pairs replaces it), in a clean
# environment, runs/ in the current directory; out, err; its exit status.
# With SMOKE_TIMEOUT=N (and timeout(1) here), killed after N seconds: a
# hang fails the test instead of stalling the suite.
run_smoke() {
	rs_url=$1
	shift
	set -- env -i HOME="$HOME" LC_ALL=C TMPDIR="${TMPDIR:-/tmp}" PATH="$BARE" \
	    ASAN_OPTIONS="${ASAN_OPTIONS:-}" UBSAN_OPTIONS="${UBSAN_OPTIONS:-}" \
	    SMOKEKIT_BIN="$PROGS" RUNS_DIR="$PWD/runs" BASE_URL="$rs_url" \
	    K6_MODE=auto K6_DURATION=300ms K6_VUS=1 RETRIES=1 TIMEOUT=5 WAIT_S=5 \
	    K6_SCRIPT="$ROOT/tests/k6_models.js" COMPOSE_FILE="$PWD/no-compose.yml" \
	    "$@" "$SH" "$ROOT/mk/smoke.sh" "${SMOKE_CMD:-smoke}"
	if [ -n "${SMOKE_TIMEOUT:-}" ] && have timeout; then
		set -- timeout "$SMOKE_TIMEOUT" "$@"
	fi
	"$@" >out 2>err
}

# said_code STATUS COMMAND [ARG...]: COMMAND, which leaves what it said in
# out and err, exits STATUS; on anything else, show what it said.
said_code() {
	sd_want=$1
	shift
	expect_code "$sd_want" "$@" && return 0
	sed 's/^/out: /' out >&2
	sed 's/^/err: /' err >&2
	return 1
}

# smoke_code STATUS URL [NAME=VALUE...]: run_smoke wanting STATUS.
smoke_code() {
	sc_want=$1
	shift
	said_code "$sc_want" run_smoke "$@"
}

# run_name: the name of the run directory runs/latest points at.
run_name() {
	readlink runs/latest
}

# fail_line STEP WHY: out is exactly the FAIL line for the latest run.
fail_line() {
	check_str "smoke: FAIL $1: $2 ($PWD/runs/$(run_name))" out
}

# key FILE KEY: the value of KEY= in a key=value file.
key() {
	sed -n "s/^$2=//p" "$1"
}

# no_temporaries: no half-written artifact left anywhere under runs/.
no_temporaries() {
	find runs -name '.*.tmp.*' >tmps &&
	test ! -s tmps
}

# has_artifacts FILE...: each exists and is not empty in runs/latest.
has_artifacts() {
	for a; do
		test -s "runs/latest/$a" || { echo "missing artifact $a" >&2; return 1; }
	done
}

lacks_artifacts() {
	for a; do
		test ! -e "runs/latest/$a" || { echo "unexpected artifact $a" >&2; return 1; }
	done
}

# status_has TEXT: status.json of the latest run contains TEXT.
status_has() {
	contains "$1" runs/latest/status.json
}

# The stand-ins (tests/standin/) each alone in a directory, to put on PATH
# beside BARE: K6DIR holds k6, DOCKERDIR holds docker.
K6DIR=$TRASH/standin-k6
DOCKERDIR=$TRASH/standin-docker
mkdir -p "$K6DIR" "$DOCKERDIR"
ln -s "$ROOT/tests/standin/k6" "$K6DIR/k6"
ln -s "$ROOT/tests/standin/docker" "$DOCKERDIR/docker"
export K6DIR DOCKERDIR

# standin_calls WORD: the command lines the stand-ins recorded (standin.log)
# that start with WORD, the process id in temporary names made PID, the
# pipeline's work directory made WORK.
standin_calls() {
	grep "^$1" standin.log |
	    sed 's/\.tmp\.[0-9][0-9]*/.tmp.PID/g; s|/[^ ]*/smokekit\.[A-Za-z0-9]*/|WORK/|g'
}

# need_docker_engine: a docker engine and compose, and the static fixture
# for an image FROM scratch, else the file is skipped (or fails when we
# could have built the fixture). Sets COMPOSE, STATIC and DOCKERPATH (the
# bare PATH plus docker and docker-compose). Top level only.
# shellcheck disable=SC2034 # the variables are for the test files
need_docker_engine() {
	have docker || skip_all "no docker CLI (Debian package: docker.io)"
	docker info >/dev/null 2>&1 || skip_all "no docker engine answers (docker info)"
	if docker compose version >/dev/null 2>&1; then
		COMPOSE="docker compose"
	elif have docker-compose; then
		COMPOSE=docker-compose
	else
		skip_all "neither docker compose nor docker-compose (Debian package: docker-compose)"
	fi
	STATIC=$ROOT/bin/static/demobackend
	if [ ! -x "$STATIC" ]; then
		have musl-gcc && fail_all "no $STATIC, though musl-gcc is here (make test-build makes it)"
		skip_all "no $STATIC: no musl-gcc to make it (Debian package musl-tools)"
	fi
	DOCKERPATH=$TRASH/withdocker
	bare_path "$DOCKERPATH" docker docker-compose
}

# publish_port SLOT: a port free now on 127.0.0.1 for docker to publish
# later, below the kernel's ephemeral range: another test file's listener
# on port 0 gets its port from that range, so it cannot take this one in
# between. Each file gives its own SLOT (0, 1, ...): 500 ports each.
publish_port() {
	pp_lo=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null) || pp_lo=32768
	pp_port=$((pp_lo - 1 - $1 * 500))
	pp_end=$((pp_port - 500))
	while [ "$pp_port" -gt "$pp_end" ] && [ "$pp_port" -gt 1024 ]; do
		portfree -q "127.0.0.1:$pp_port" && { echo "$pp_port"; return 0; }
		pp_port=$((pp_port - 1))
	done
	echo "publish_port: no free port below $pp_lo" >&2
	return 1
}
