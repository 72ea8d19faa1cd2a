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

# bench_nginx NAME HTTPPROBE: nginx (NGINX) on a free loopback port serving
# a small model list at /v1/models, from a new temporary directory that an
# EXIT trap removes with the server (bench_cleanup). Sets BENCH_DIR, URL.
bench_nginx() {
	BENCH_DIR=$(mktemp -d "${TMPDIR:-/tmp}/$1-bench.XXXXXX") || exit 3
	bench_pid=
	trap bench_cleanup EXIT
	trap 'exit 130' INT TERM
	# A free port (bound, then closed: nginx cannot report one it picked).
	bench_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])') ||
		exit 3
	mkdir -p "$BENCH_DIR/www/v1" "$BENCH_DIR/tmp"
	printf '%s\n' '{"object":"list","data":[{"id":"smoke-small","object":"model","owned_by":"smokekit"},{"id":"smoke-large","object":"model","owned_by":"smokekit"}]}' \
		>"$BENCH_DIR/www/v1/models"
	cat >"$BENCH_DIR/nginx.conf" <<EOF
worker_processes 1;
daemon off;
master_process off;
pid $BENCH_DIR/nginx.pid;
error_log $BENCH_DIR/error.log;
events { worker_connections 1024; }
http {
	access_log off;
	keepalive_requests 1000000;
	client_body_temp_path $BENCH_DIR/tmp;
	proxy_temp_path $BENCH_DIR/tmp;
	fastcgi_temp_path $BENCH_DIR/tmp;
	uwsgi_temp_path $BENCH_DIR/tmp;
	scgi_temp_path $BENCH_DIR/tmp;
	server {
		listen 127.0.0.1:$bench_port;
		root $BENCH_DIR/www;
		location = /v1/models { default_type application/json; }
	}
}
EOF
	"$NGINX" -c "$BENCH_DIR/nginx.conf" -p "$BENCH_DIR" &
	bench_pid=$!
	URL=http://127.0.0.1:$bench_port/v1/models
	bench_tries=50
	until "$2" -q -t 1 "$URL" >/dev/null 2>&1; do
		bench_tries=$((bench_tries - 1))
		[ "$bench_tries" -gt 0 ] ||
			{ echo "bench: nginx did not start:" >&2; cat "$BENCH_DIR/error.log" >&2; exit 3; }
		sleep 0.1
	done
}

# shellcheck disable=SC2317 # called by the EXIT trap
bench_cleanup() {
	[ -n "$bench_pid" ] && kill "$bench_pid" 2>/dev/null && wait "$bench_pid" 2>/dev/null
	rm -rf "$BENCH_DIR"
}
