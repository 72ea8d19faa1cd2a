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

# bench_k6_ndjson MB SEED RUNNER: about MB megabytes of k6-shaped NDJSON
# on stdout, as k6's json output lays it out: 16 metrics, a Metric line
# before each metric's first Point, 14 Points a request (vus and vus_max
# every 100), tags ep=models/healthz alternating, 2% status 500; values
# from a Park-Miller generator (exact in awk's doubles) seeded with SEED,
# times offset by RUNNER (one runner's time line). Needs mawk.
bench_k6_ndjson() {
	mawk -v target=$(($1 * 1000 * 1000)) -v seed="$2" -v runner="$3" '
	function rnd() { seed = (seed * 16807) % 2147483647; return seed / 2147483647 }
	function metric(name, type, contains) {
		if (name in seen) return
		seen[name] = 1
		line = "{\"type\":\"Metric\",\"data\":{\"name\":\"" name "\",\"type\":\"" type \
		    "\",\"contains\":\"" contains "\",\"thresholds\":[],\"submetrics\":null},\"metric\":\"" name "\"}"
		print line; bytes += length(line) + 1
	}
	function point(name, type, contains, value, tags) {
		metric(name, type, contains)
		line = "{\"metric\":\"" name "\",\"type\":\"Point\",\"data\":{\"time\":\"" ts \
		    "\",\"value\":" value ",\"tags\":" tags "}}"
		print line; bytes += length(line) + 1
	}
	function ms(base, spread) { return sprintf("%.6f", base + spread * rnd() ^ 3) }
	BEGIN {
		for (it = 0; bytes < target; it++) {
			ns = it * 1234567 + runner * 777
			ts = sprintf("2026-11-21T23:%02d:%02d.%09dZ", int(ns / 6e10) % 60,
			    int(ns / 1e9) % 60, ns % 1e9)
			ep = it % 2 ? "healthz" : "models"
			path = it % 2 ? "/healthz" : "/v1/models"
			bad = rnd() < 0.02
			status = bad ? "500" : "200"
			url = "http://127.0.0.1:8082" path
			tags = "{\"ep\":\"" ep "\",\"expected_response\":\"" (bad ? "false" : "true") \
			    "\",\"group\":\"\",\"method\":\"GET\",\"name\":\"" url "\",\"proto\":\"HTTP/1.1\"," \
			    "\"scenario\":\"default\",\"status\":\"" status "\",\"url\":\"" url "\"}"
			point("http_reqs", "counter", "default", 1, tags)
			point("http_req_duration", "trend", "time", ms(5, 400), tags)
			point("http_req_blocked", "trend", "time", ms(0.002, 0.5), tags)
			point("http_req_connecting", "trend", "time", ms(0, 0.3), tags)
			point("http_req_tls_handshaking", "trend", "time", 0, tags)
			point("http_req_sending", "trend", "time", ms(0.005, 0.1), tags)
			point("http_req_waiting", "trend", "time", ms(5, 390), tags)
			point("http_req_receiving", "trend", "time", ms(0.02, 5), tags)
			point("http_req_failed", "rate", "default", bad ? 1 : 0, tags)
			gtags = "{\"group\":\"\",\"scenario\":\"default\"}"
			point("checks", "rate", "default", bad ? 0 : 1,
			    "{\"check\":\"status is 200\",\"group\":\"\",\"scenario\":\"default\"}")
			point("data_sent", "counter", "data", 96, gtags)
			point("data_received", "counter", "data", 211, gtags)
			point("iteration_duration", "trend", "time", ms(6, 420), gtags)
			point("iterations", "counter", "default", 1, gtags)
			if (it % 100 == 0) {
				point("vus", "gauge", "default", 2, "{}")
				point("vus_max", "gauge", "default", 2, "{}")
			}
		}
	}'
}

# bench_httpprobe BUILD_DIR: the load benchmarks' settings (HP, the
# httpprobe of BUILD_DIR; CONNS, SECS, ROUNDS from BENCH_CONNS, BENCH_SECS,
# BENCH_ROUNDS), from the top of the tree; exits when httpprobe is not
# built or python3 (which finds nginx a free port) is missing.
# shellcheck disable=SC2034 # the settings are for the script that sources this
bench_httpprobe() {
	HP=$PWD/$1/httpprobe
	CONNS=${BENCH_CONNS:-10}
	SECS=${BENCH_SECS:-5}
	ROUNDS=${BENCH_ROUNDS:-5}
	[ -x "$HP" ] || { echo "bench: $HP not built (make $HP)" >&2; exit 3; }
	command -v python3 >/dev/null 2>&1 || { echo "bench: python3 not found" >&2; exit 3; }
}
