# shellcheck shell=sh
# bench/lib.sh: what the benchmark scripts share.

# bench_need COMMAND:PACKAGE ...: install from Debian each peer whose command
# is missing (the machine reaches Debian's registry). Returns non-zero when
# the install failed.
bench_need() {
	bench_missing=
	for bench_pair; do
		command -v "${bench_pair%%:*}" >/dev/null 2>&1 ||
			bench_missing="$bench_missing ${bench_pair#*:}"
	done
	[ -n "$bench_missing" ] || return 0
	echo "bench: installing$bench_missing" >&2
	# shellcheck disable=SC2086 # the package list is meant to split
	{ apt-get update -qq &&
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $bench_missing; } >/dev/null 2>&1 ||
		{ echo "bench: could not install$bench_missing" >&2; return 1; }
}
