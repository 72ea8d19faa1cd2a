#!/bin/sh
# tests/run.sh [BUILD_DIR [TEST...]]: run test files, J at a time; print
# each file's result with its skips and failures, in a stable order, then
# one closing line "N passed, N failed, N skipped"; exit non-zero if
# anything failed (or nothing passed).
#
# TEST is a test file (a .sh file runs under sh; anything else is run as
# it is, like the C unit tests) or a directory (its t[0-9]*.sh files);
# BUILD_DIR is relative to the project, TEST to the current directory.
# Without TEST: every C unit test in BUILD_DIR/tests (default bin), then
# every tests/t[0-9]*.sh. The logs are in BUILD_DIR/test-logs/.
#
# Counting: each "ok" line is a pass, each "ok ... # skip" line a skip,
# each "not ok" line a failure. A file that skips as a whole
# ("1..0 # skip REASON") is one skip, and says why. A file that exits
# non-zero, prints no plan or two, runs another number of tests than its
# plan says, or bails out, is one failure more unless it reported one.
#
# In parallel: each file has its own temporary directory and its servers
# listen on port 0, so files can run side by side. J (environment, as in
# make test J=1) is how many run at once; J=1 runs them one after another.
# The default is three times the number of CPUs: the files mostly wait
# (for servers, timeouts, deadlines), about a third of their time is CPU,
# and the longest (some 20 s: the docker files, t5105, t5305) each hold a
# lane; on 2 CPUs, J=4 left the CPUs idle a fifth of the run, J=6 keeps
# them busy. The lanes take the longest files first (see below). The results
# print in the order of the list above, whatever order the files end in:
# each as soon as it and every file before it are done.
#
# How: J lanes and a printer, joined in one pipeline (lane | lane |
# printer) only so that they run at the same time. Each lane walks the
# list and runs every file it claims first (mkdir NAME.claim, which one
# lane alone can do), then says so on a FIFO that the printer reads. Not
# background jobs: sh makes those ignore SIGINT, and the files would
# inherit that (httpprobe, rightly, leaves an ignored SIGINT ignored);
# in a pipeline they run as from the shell, and ^C stops them all.
#
# The files whose subject is the machine's state rather than their own
# (ALONE below) get a network of their own, or run alone after the others:
# t4000 (portfree) asserts which ports are free on every address, and
# another file's listener on port 0 may land on one of them (seen: its ::1
# port taken on 127.0.0.1). Where root can make a network namespace
# (unshare -n) and bring its loopback up (ip), such a file runs with the
# others in one, where no other file listens: 127.0.0.1 and ::1 are its
# alone (run alone at the end, it was the last 4 s of the suite). t4000's
# /proc mount is in a private mount namespace: that alone would not need
# it. The docker files (t5130, t5300-stage-docker) publish a port
# picked early, but below the ephemeral range (publish_port in
# tests/smokelib.sh), where no listener on port 0 lands: they run with
# the others.
#
# The suite tests the programs as a user runs them from a shell, whatever
# make started it: make's flags (-s, -w, -B, -n, -j, its jobserver) and
# its level are not passed on to the makes that tests run.

ALONE='t4000-portfree'
NETNS=
if [ "$(id -u)" -eq 0 ] && unshare -n sh -c 'ip link set lo up' 2>/dev/null; then
	NETNS=yes
fi

LC_ALL=C
export LC_ALL
unset MAKEFLAGS MFLAGS GNUMAKEFLAGS MAKELEVEL MAKEOVERRIDES MAKEFILES

here=$(pwd)
cd "${0%/*}/.." || exit 3
O=${1:-bin}
[ $# -gt 0 ] && shift
SMOKEKIT_O=$O
export SMOKEKIT_O

if [ -z "${J:-}" ]; then
	J=$(getconf _NPROCESSORS_ONLN 2>/dev/null) || J=1
	J=$((3 * ${J:-1}))
fi
case $J in
'' | *[!0-9]* | 0 | 0*)
	echo "tests/run.sh: J=$J: wanted a number of test files to run at once, 1 or more" >&2
	exit 2
	;;
esac

logs=$O/test-logs
rm -rf "$logs"
mkdir -p "$logs" || exit 3
list=$logs/.list

# python3 behind a version manager (pyenv's shim is a bash script that
# runs pyenv) costs a tenth of a second a start, and the files start it
# hundreds of times: they get the interpreter itself, first on PATH.
if py=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null) &&
    [ -x "$py" ] && [ "$py" != "$(command -v python3)" ]; then
	case $logs in /*) pybin=$logs/.bin ;; *) pybin=$(pwd)/$logs/.bin ;; esac
	mkdir -p "$pybin" && ln -s "$py" "$pybin/python3" && PATH=$pybin:$PATH
	export PATH
fi

# add PATH: one line "NAME KIND PATH" of the list.
add() {
	case $1 in /*) a=$1 ;; *) a=$here/$1 ;; esac
	n=${a##*/}
	case $n in
	*.sh) echo "${n%.sh} sh $a" ;;
	*) echo "$n exe $a" ;;
	esac
}

: >"$list"
if [ $# -eq 0 ]; then
	for t in "$O"/tests/unit_*; do
		[ -x "$t" ] && add "$t"
	done
	for t in tests/t[0-9]*.sh; do
		[ -f "$t" ] && add "$t"
	done
else
	for arg; do
		case $arg in /*) ;; *) arg=$here/$arg ;; esac
		if [ -d "$arg" ]; then
			for t in "$arg"/t[0-9]*.sh; do
				[ -f "$t" ] && add "$t"
			done
		elif [ -f "$arg" ]; then
			add "$arg"
		else
			echo "tests/run.sh: $arg: no such test file or directory" >&2
			exit 2
		fi
	done
fi >>"$list"

# run_one NAME KIND PATH: run one TAP producer; leave its display lines in
# NAME.out and its counts "PASSED FAILED SKIPPED" in NAME.res.
run_one() {
	name=$1
	log=$logs/$name.log
	start=$(date +%s)
	# (The braces' 2>/dev/null: some shells say "Killed" there.)
	if [ "$2" = sh ] && [ -n "$NETNS" ] && listed "$name" $ALONE; then
		# shellcheck disable=SC2016 # the script is the inner sh's
		{ unshare -n sh -c 'ip link set lo up && exec sh "$1"' sh "$3" \
		    >"$log" 2>&1 </dev/null 3>&-; } 2>/dev/null
	elif [ "$2" = sh ]; then
		{ sh "$3" >"$log" 2>&1 </dev/null 3>&-; } 2>/dev/null
	else
		{ "$3" >"$log" 2>&1 </dev/null 3>&-; } 2>/dev/null
	fi
	status=$?
	seconds_took=$(($(date +%s) - start))

	p=$(grep -c '^ok ' "$log")
	s=$(grep -ci '^ok .*# skip' "$log")
	f=$(grep -c '^not ok' "$log")
	plans=$(grep -c '^1\.\.[0-9]' "$log")
	planned=$(sed -n 's/^1\.\.\([0-9][0-9]*\).*/\1/p' "$log" | head -n 1)
	ran=$((p + f))
	p=$((p - s))
	why=
	whole=
	if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
		why="exited with status $status"
	elif grep -q '^Bail out!' "$log" && [ "$f" -eq 0 ]; then
		why="bailed out"
	elif [ "$plans" -eq 0 ]; then
		why="printed no plan (did it stop early?)"
	elif [ "$plans" -gt 1 ]; then
		why="printed $plans plans"
	elif [ "$planned" -eq 0 ]; then
		whole=$(sed -n 's/^1\.\.0 *# *[Ss][Kk][Ii][Pp]:* *//p' "$log")
		if [ "$ran" -ne 0 ]; then
			why="planned no test (1..0) after running $ran"
		elif [ -z "$whole" ]; then
			why="skipped as a whole without saying why (1..0 # skip REASON)"
		else
			s=1
		fi
	elif [ "$ran" -ne "$planned" ]; then
		why="ran $ran tests, planned $planned"
	fi
	if [ -n "$why" ]; then
		f=$((f + 1))
		echo "not ok - $name $why" >>"$log"
	fi
	# A file skipped as a whole (no docker here) took no time: its time of
	# a run that ran it is kept, or it would start last the next time.
	[ -n "$whole" ] && [ -z "$why" ] ||
	    echo "$name $seconds_took" >"$logs/$name.seconds"

	{
		line="$name: $p passed"
		[ "$f" -gt 0 ] && line="$line, $f FAILED"
		[ "$s" -gt 0 ] && line="$line, $s skipped"
		echo "$line"
		[ -n "$whole" ] && [ -z "$why" ] && echo "  skipped the whole file: $whole"
		grep -i '^ok .*# skip' "$log" | sed 's/^/  /'
		if [ "$f" -gt 0 ]; then
			# Each failure with the output that follows it.
			awk '/^not ok/ { show = 1; print "  " $0; next }
			     /^(ok|1\.\.)/ { show = 0 }
			     show { print "  " $0 }' "$log"
		fi
	} >"$logs/$name.out"
	# NAME.res says the file is done: it appears whole, by rename. (Written
	# in place, the printer could find it still empty, and add nothing for
	# the file: its failures too.)
	echo "$p $f $s" >"$logs/$name.res.tmp"
	mv "$logs/$name.res.tmp" "$logs/$name.res"
}

# listed NAME WORD...: NAME is one of the words.
listed() {
	l_name=$1
	shift
	for l_word; do
		[ "$l_word" = "$l_name" ] && return 0
	done
	return 1
}

# alone NAME: NAME runs alone, after the others (an ALONE file where no
# network namespace can be made).
alone() {
	[ -z "$NETNS" ] && listed "$1" $ALONE
}

# lane: run each file of the list no other lane took, then an empty line
# on the FIFO: this lane is done. A file done is its name on the FIFO.
lane() {
	while read -r name kind path; do
		alone "$name" && continue
		mkdir "$logs/$name.claim" 2>/dev/null || continue
		run_one "$name" "$kind" "$path"
		echo "$name" >&3
	done <"$order"
	echo >&3
}

# flush: print, in list order, each file done since the last flush, up to
# the first one not done.
flush() {
	i=0
	while read -r name _; do
		i=$((i + 1))
		[ "$i" -le "$printed" ] && continue
		[ -f "$logs/$name.res" ] || break
		cat "$logs/$name.out"
		read -r p f s <"$logs/$name.res"
		passed=$((passed + p))
		failed=$((failed + f))
		skipped=$((skipped + s))
		files=$((files + 1))
		printed=$i
	done <"$list"
}

# printer: print as files end; once every lane is done, run the files
# that run alone, one by one; then the closing line. Its status is the
# suite's.
printer() {
	passed=0 failed=0 skipped=0 files=0 printed=0 lanes=0
	while [ "$lanes" -lt "$J" ] && read -r name <&3; do
		if [ -z "$name" ]; then
			lanes=$((lanes + 1))
		else
			flush
		fi
	done
	while read -r name kind path; do
		alone "$name" || continue
		run_one "$name" "$kind" "$path"
		flush
	done <"$list"
	flush
	total=$(wc -l <"$list")
	if [ "$files" -ne "$total" ]; then
		echo "tests/run.sh: only $files of $total files reported (see $logs)" >&2
		failed=$((failed + total - files))
	fi
	remember_seconds
	echo "$files files, J=$J, $(($(date +%s) - begin)) s"
	echo "$passed passed, $failed failed, $skipped skipped"
	[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
}

# The lanes take the files longest first, by the seconds each took the
# last time (BUILD_DIR/test-seconds; a file never timed first of all): the
# longest no longer starts last and ends alone. With no times yet (a
# fresh clone), the names backwards: the t5 files, the whole pipeline,
# are the slowest, the unit tests the quickest.
seconds=$O/test-seconds
order=$logs/.order
if [ -f "$seconds" ]; then
	awk 'NR == FNR { sec[$1] = $2; next }
	     { print ($1 in sec ? sec[$1] : 1000000), FNR, $0 }' "$seconds" "$list" |
	    sort -k1,1nr -k2,2n | cut -d' ' -f3- >"$order"
else
	awk '{ print NR, $0 }' "$list" | sort -k1,1nr | cut -d' ' -f2- >"$order"
fi || exit 3

remember_seconds() {
	{
		[ -f "$seconds" ] && cat "$seconds"
		cat "$logs"/*.seconds 2>/dev/null
	} | awk '{ sec[$1] = $2 } END { for (n in sec) print n, sec[n] }' | sort >"$seconds.tmp" &&
	    mv "$seconds.tmp" "$seconds"
}

# The FIFO, held open on fd 3 for reading and writing: no open blocks,
# and a line written whole (less than PIPE_BUF) is read whole.
mkfifo "$logs/.done" && exec 3<>"$logs/.done" && rm -f "$logs/.done" || exit 3

begin=$(date +%s)
pipeline=lane
i=1
while [ "$i" -lt "$J" ]; do
	pipeline="$pipeline | lane"
	i=$((i + 1))
done
eval "$pipeline | printer"
