#!/bin/sh
# tests/k6_models.js, the latency gate's k6 script, as far as it can run
# without k6 (no k6 binary can be installed here): node parses it as the ES
# module k6 loads, then runs it with k6's API stood in for by two small
# modules: k6/http's get fetches with httpprobe from the real fixture
# server, k6's check records each verdict. What is checked is the script's
# own logic: its options from the environment (the thresholds the gate
# reads back), the URL and tag of its request, and its checks against a
# server that answers well and one that does not.
# shellcheck source=tests/lib.sh
. "${0%/*}/lib.sh"

SCRIPT=$ROOT/tests/k6_models.js
have node || skip_all "node is not here (it runs the script with k6's API stood in for)"

# The script, its imports pointed at the stand-ins, as a .mjs module.
K6JS=$TRASH/k6js
mkdir -p "$K6JS"
sed -e "s|from 'k6/http'|from './k6-http.mjs'|" -e "s|from 'k6'|from './k6.mjs'|" \
	"$SCRIPT" >"$K6JS/k6_models.mjs"
cat >"$K6JS/k6-http.mjs" <<'EOF'
// k6/http's get, synchronous as k6's: httpprobe fetches, any status kept.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export default {
	get(url, params) {
		globalThis.__calls.push({ url, tags: (params || {}).tags });
		const body = process.env.BODY_FILE;
		let out;
		try {
			out = execFileSync(process.env.HTTPPROBE, ['-s', '1xx,2xx,3xx,4xx,5xx', '-o', body, url]);
		} catch (e) {
			out = e.stdout;
		}
		const status = Number((/^status=(\d+)$/m.exec(String(out)) || [0, 0])[1]);
		const text = status ? readFileSync(body, 'utf8') : '';
		return {
			status,
			body: text,
			json(path) {
				const v = JSON.parse(text);
				return path === undefined ? v : v[path];
			},
		};
	},
};
EOF
cat >"$K6JS/k6.mjs" <<'EOF'
// k6's check: each named verdict recorded, true when all hold.
export function check(value, sets) {
	let all = true;
	for (const [name, f] of Object.entries(sets)) {
		const ok = Boolean(f(value));
		globalThis.__checks.push(`${name}=${ok}`);
		all = all && ok;
	}
	return all;
}
EOF
cat >"$K6JS/run.mjs" <<'EOF'
// One iteration as k6 would run it: __ENV set, options read, default() once.
globalThis.__ENV = JSON.parse(process.env.K6ENV);
globalThis.__calls = [];
globalThis.__checks = [];
const m = await import('./k6_models.mjs');
console.log(`vus=${m.options.vus}`);
console.log(`duration=${m.options.duration}`);
for (const [metric, rules] of Object.entries(m.options.thresholds)) {
	console.log(`threshold=${metric} ${rules.join(' ')}`);
}
m.default();
for (const c of globalThis.__calls) {
	console.log(`get=${c.url} ep=${c.tags.ep}`);
}
for (const c of globalThis.__checks) {
	console.log(`check=${c}`);
}
EOF
HTTPPROBE=$PROGS/httpprobe
export K6JS HTTPPROBE

# The servers, started here so that the harness stops them: one that
# answers well, one with 503 (and the usual list), one whose data is an
# object, one with HTML.
# shellcheck disable=SC2119 # no options: the fixture's defaults
start_fixture >/dev/null || exit 1
GOOD=$FIXTURE_URL
start_fixture -M 503 >/dev/null || exit 1
DOWN=$FIXTURE_URL
printf '{"object":"list","data":{"id":"x"}}' >"$TRASH/object.json"
start_fixture -m "$TRASH/object.json" >/dev/null || exit 1
OBJECT=$FIXTURE_URL
printf '<html>oops</html>' >"$TRASH/page.html"
start_fixture -m "$TRASH/page.html" >/dev/null || exit 1
HTML=$FIXTURE_URL
export GOOD DOWN OBJECT HTML

# k6_iteration ENV_JSON: one iteration, its lines in out.
# shellcheck disable=SC2317 # called from test bodies
k6_iteration() {
	K6ENV=$1 BODY_FILE=$PWD/body node "$K6JS/run.mjs" >out
}

test_expect_success 'node parses it as the ES module k6 loads' '
	cp "$SCRIPT" k6_models.mjs &&
	node --check k6_models.mjs
'

test_expect_success 'against a good server: GET /v1/models tagged ep:models, both checks hold' '
	k6_iteration "{\"BASE_URL\": \"$GOOD/\"}" &&
	cat >want <<-EOF &&
	vus=2
	duration=10s
	threshold=http_req_duration{ep:models} p(95)<1200
	threshold=http_req_failed{ep:models} rate<0.01
	get=$GOOD/v1/models ep=models
	check=status is 200=true
	check=data is an array=true
	EOF
	check want out
'

test_expect_success 'the knobs from the environment: VUS, DURATION, the two gates' '
	k6_iteration "{\"BASE_URL\": \"$GOOD\", \"VUS\": \"7\", \"DURATION\": \"3s\",
		\"P95_MAX_MS\": \"250\", \"FAILED_MAX\": \"0.05\"}" &&
	grep -e "^vus=" -e "^duration=" -e "^threshold=" out >got &&
	printf "%s\n" vus=7 duration=3s \
		"threshold=http_req_duration{ep:models} p(95)<250" \
		"threshold=http_req_failed{ep:models} rate<0.05" >want &&
	check want got
'

test_expect_success 'a 503 (its body still the list), a data that is no array, HTML: each check on its own' '
	k6_iteration "{\"BASE_URL\": \"$DOWN\"}" &&
	grep "^check=" out >got &&
	printf "%s\n" "check=status is 200=false" "check=data is an array=true" >want &&
	check want got &&
	k6_iteration "{\"BASE_URL\": \"$OBJECT\"}" &&
	grep "^check=" out >got &&
	printf "%s\n" "check=status is 200=true" "check=data is an array=false" >want &&
	check want got &&
	k6_iteration "{\"BASE_URL\": \"$HTML\"}" &&
	grep "^check=" out >got &&
	printf "%s\n" "check=status is 200=true" "check=data is an array=false" >want &&
	check want got
'

test_done
