#!/bin/sh
# httpprobe against servers we did not write: python3 -m http.server
# (HTTP/1.0, close after each answer) on 127.0.0.1 and ::1, and nginx
# (HTTP/1.1, chunked bodies through SSI) when it is installed.
# The test bodies are eval'ed strings: shellcheck cannot see them use
# the variables defined here.
# shellcheck disable=SC2034
# shellcheck source=tests/lib.sh
. "${0%/*}/lib.sh"

have python3 || skip_all "python3 not found (Debian package: python3)"

# The files every server serves.
WWW=$TRASH/www
mkdir -p "$WWW/dir" || exit 1
printf '{"ok": true}\n' >"$WWW/healthz.json"
# 300 KB of varied bytes: more than one read, more than one chunk.
awk 'BEGIN { for (i = 0; i < 30000; i++) printf "%09d\n", i * 7919 }' >"$WWW/big.txt"
printf 'in a directory\n' >"$WWW/dir/index.html"
printf 'hello <!--# echo var="ssi_none" default="from ssi" --> world\n' >"$WWW/ssi.html"

# py_server ADDR LOG: python3 -m http.server on ADDR, port 0, its output
# in LOG, where it says its port; sets PY_URL.
py_server() {
	log=$2
	start_bg python3 -u -m http.server 0 --bind "$1" --directory "$WWW" >"$log" 2>&1
	PY_URL=
	tries=300
	while [ "$tries" -gt 0 ]; do
		port=$(sed -n 's/^Serving HTTP on .* port \([0-9]*\) .*/\1/p' "$log" 2>/dev/null)
		[ -n "$port" ] && break
		sleep 0.1
		tries=$((tries - 1))
	done
	[ -n "$port" ] || return 1
	case $1 in
	*:*) PY_URL="http://[$1]:$port" ;;
	*) PY_URL="http://$1:$port" ;;
	esac
}

# The same tests for each python3 server.
py_tests() {
	u=$1
	test_expect_success "python3 http.server ($2): a file, byte for byte" "
		httpprobe -o got.txt '$u/big.txt' >out &&
		cmp '$WWW/big.txt' got.txt &&
		contains 'status=200' out &&
		contains 'bytes=300000' out
	"
	test_expect_success "python3 http.server ($2): body on stdout, -w" "
		httpprobe -w '%{http_code} %{size_download}' '$u/healthz.json' >out &&
		printf '{\"ok\": true}\n200 13' >want && check want out
	"
	test_expect_success "python3 http.server ($2): HEAD" "
		httpprobe -X HEAD -w '%{http_code} %{size_download}' '$u/big.txt' >out &&
		printf '200 0' >want && check want out
	"
	test_expect_success "python3 http.server ($2): 404 is exit 1, the page kept" "
		expect_code 1 httpprobe -o page.html '$u/nope' >out 2>err &&
		contains 'status 404 File not found, expected 2xx' err &&
		contains 'Error code: 404' page.html
	"
	test_expect_success "python3 http.server ($2): a directory redirect is reported" "
		expect_code 1 httpprobe -q -w '%{http_code} %{redirect_url}' '$u/dir' >out 2>err &&
		printf '301 $u/dir/' >want && check want out &&
		httpprobe '$u/dir/' >out && check_str 'in a directory' out
	"
	test_expect_success "python3 http.server ($2): -j" "
		httpprobe -q -j '$u/healthz.json' >out &&
		contains '\"status\":200,\"attempts\":1,' out &&
		contains '\"bytes\":13,\"error_class\":null,\"error\":null}' out
	"
}

py_server 127.0.0.1 "$TRASH/py4.log" ||
	{ echo "python3 -m http.server did not start on 127.0.0.1" >&2; exit 1; }
py_tests "$PY_URL" 127.0.0.1

if python3 -c 'import socket; socket.socket(socket.AF_INET6).bind(("::1", 0))' 2>/dev/null; then
	py_server ::1 "$TRASH/py6.log" ||
		{ echo "python3 -m http.server did not start on ::1" >&2; exit 1; }
	py_tests "$PY_URL" ::1
else
	test_skip 'python3 http.server (::1)' 'no IPv6 loopback on this machine'
fi

# nginx: not a daemon, one process, everything in the trash directory.
NGINX=
for n in nginx /usr/sbin/nginx; do
	if command -v "$n" >/dev/null 2>&1 || [ -x "$n" ]; then
		NGINX=$n
		break
	fi
done
if [ -n "$NGINX" ]; then
	NG=$TRASH/nginx
	mkdir -p "$NG/tmp"
	# nginx_conf PORT: its configuration, listening on PORT.
	nginx_conf() {
		cat >"$NG/nginx.conf" <<EOF
daemon off;
master_process off;
worker_processes 1;
error_log $NG/error.log;
pid $NG/nginx.pid;
events { worker_connections 64; }
http {
	access_log off;
	client_body_temp_path $NG/tmp/body;
	proxy_temp_path $NG/tmp/proxy;
	fastcgi_temp_path $NG/tmp/fastcgi;
	uwsgi_temp_path $NG/tmp/uwsgi;
	scgi_temp_path $NG/tmp/scgi;
	server {
		listen 127.0.0.1:$1;
		root $WWW;
		location = /ssi.html { ssi on; }
		location = /empty { return 204; }
		location = /redir { return 302 /healthz.json; }
		location = /teapot { return 418 "short and stout\n"; }
	}
}
EOF
	}
	# nginx_up: nginx answers on N, its own process alive (bound to a port
	# another file took, it exits), in 30 s at most.
	nginx_up() {
		nu_tries=300
		while kill -0 "$BG_PID" 2>/dev/null && [ "$nu_tries" -gt 0 ]; do
			httpprobe -q -t 5 "$N/healthz.json" >/dev/null 2>"$NG/wait" &&
				kill -0 "$BG_PID" 2>/dev/null && return 0
			sleep 0.1
			nu_tries=$((nu_tries - 1))
		done
		return 1
	}
	# A port free now may be another file's by the time nginx binds it: three tries.
	for try in 1 2 3; do
		NPORT=$(portfree -p) && nginx_conf "$NPORT" || exit 1
		start_bg "$NGINX" -c "$NG/nginx.conf" -p "$NG" -e "$NG/error.log" >"$NG/out" 2>&1
		N=http://127.0.0.1:$NPORT
		nginx_up && break
		stop_bg "$BG_PID"
		[ "$try" -lt 3 ] && continue
		cat "$NG/wait" "$NG/out" "$NG/error.log" >&2
		echo "nginx did not start" >&2
		exit 1
	done

	test_expect_success 'nginx: a file, byte for byte, keep-alive server' '
		httpprobe -v -o got.txt "$N/big.txt" >out 2>err &&
		cmp "$WWW/big.txt" got.txt &&
		contains "< Server: nginx" err &&
		contains "bytes=300000" out
	'
	test_expect_success 'nginx: a chunked body (SSI)' '
		httpprobe -v "$N/ssi.html" >out 2>err &&
		contains "< Transfer-Encoding: chunked" err &&
		check_str "hello from ssi world" out
	'
	test_expect_success 'nginx: 204, 302, 418' '
		httpprobe -w "%{http_code} %{size_download}" "$N/empty" >out &&
		printf "204 0" >want && check want out &&
		expect_code 1 httpprobe -q -w "%{redirect_url}" "$N/redir" >out 2>err &&
		printf "http://127.0.0.1:$NPORT/healthz.json" >want && check want out &&
		expect_code 1 httpprobe "$N/teapot" >out 2>err &&
		check_str "short and stout" out &&
		contains "status 418" err
	'
	test_expect_success 'nginx: HEAD, and a POST to a static file is 405' '
		httpprobe -X HEAD -w "%{http_code} %{size_download}" "$N/big.txt" >out &&
		printf "200 0" >want && check want out &&
		expect_code 1 httpprobe -q -d x "$N/healthz.json" 2>err &&
		contains "status 405" err
	'
	test_expect_success 'nginx: load mode over keep-alive' '
		httpprobe -q -c 2 -n 200 "$N/healthz.json" >out &&
		contains "requests=200" out && contains "failed=0" out
	'
else
	test_skip 'nginx' 'nginx not installed (Debian package: nginx-light)'
fi

test_done
