#!/bin/sh
# The demo backend's stage mode (tools/demobackend/stage.c): replicas, POST /ask
# with a plan cache keyed per client and single flight, the "LLM" limit
# that answers overload, /metrics; and the options that break each.

# The variables and helpers are used in the test bodies (eval).
# shellcheck disable=SC2034,SC2119,SC2317
# shellcheck source=tests/lib.sh
. "${0%/*}/lib.sh"

ASK='{"question": "Qual o preço atual do MXRF11?", "conversation_id": "load-test-1", "client_id": "tester", "nickname": "tester"}'
LONGQ=$(awk 'BEGIN { for (i = 0; i < 100; i++) printf "long words"; }')
printf '%s' "$ASK" >"$TRASH/ask.json"
printf '{"question": "%s", "client_id": "tester"}' "$LONGQ" >"$TRASH/long.json"

# ask URL BODYFILE OUT: one bounded POST /ask, body in OUT, facts in OUT.facts
ask() {
	httpprobe -t 5 -m 5 -X POST -d "@$2" -H 'Content-Type: application/json' \
		-o "$3" "$1/ask" >"$3.facts"
}

# holding PRED DIR: how many bodies in DIR the predicate holds for
holding() {
	n=0
	for f in "$2"/*.body; do
		if jsonfield -q -c "$1" "$f"; then n=$((n + 1)); fi
	done
	echo "$n"
}

# hits DIR: how many bodies in DIR say plan_cache_hit true
hits() {
	holding '.meta.compute.plan_cache_hit == true' "$1"
}

start_fixture -N 3 -R api
STAGE=$FIXTURE_URL
start_fixture
PLAIN=$FIXTURE_URL
start_fixture -C
NOCACHE=$FIXTURE_URL
start_fixture -L 1 -t 3000
LIMIT1=$FIXTURE_URL
start_fixture -L 0 -t 100
NOLIMIT=$FIXTURE_URL
start_fixture -G
HANG=$FIXTURE_URL

test_expect_success '-N 3: answers round-robin over three replica names' '
	httpprobe -n 6 -c 1 -t 5 --tally header:x-replica "$STAGE/healthz" >out &&
	contains "tallies.header:x-replica.api-1=2" out &&
	contains "tallies.header:x-replica.api-2=2" out &&
	contains "tallies.header:x-replica.api-3=2" out
'

test_expect_success 'without -N: no X-Replica header on /healthz' '
	httpprobe -q -t 5 -w "%header{x-replica}|\n" "$PLAIN/healthz" >out &&
	check_str "|" out &&
	httpprobe -q -t 5 -w "%header{x-replica}|\n" "$STAGE/healthz" >out &&
	contains "api-" out
'

test_expect_success 'a burst of identical /ask: one computation, the others hits' '
	httpprobe -n 10 -c 10 --burst -t 5 -X POST -d "@$TRASH/ask.json" \
		--tally status --bodies bodies "$PLAIN/ask" >out &&
	contains "tallies.status.200=10" out &&
	echo 9 >want && hits bodies >got && check want got
'

test_expect_success 'the key is per client: A and B differ, A twice is the same' '
	sed "s/\"tester\"/\"A\"/g" "$TRASH/ask.json" >a.json &&
	sed "s/\"tester\"/\"B\"/g" "$TRASH/ask.json" >b.json &&
	ask "$PLAIN" a.json a1 && ask "$PLAIN" b.json b1 && ask "$PLAIN" a.json a2 &&
	jsonfield -r .meta.compute.plan_cache_key a1 >ka1 &&
	jsonfield -r .meta.compute.plan_cache_key b1 >kb1 &&
	jsonfield -r .meta.compute.plan_cache_key a2 >ka2 &&
	! cmp -s ka1 kb1 && check ka1 ka2 &&
	jsonfield -q -c ".meta.compute.plan_cache_hit == false" b1 &&
	jsonfield -q -c ".meta.compute.plan_cache_hit == true" a2
'

test_expect_success 'the conversation does not change the key' '
	sed "s/load-test-1/other/" "$TRASH/ask.json" >c.json &&
	ask "$PLAIN" "$TRASH/ask.json" k1 && ask "$PLAIN" c.json k2 &&
	jsonfield -r .meta.compute.plan_cache_key k1 >key1 &&
	jsonfield -r .meta.compute.plan_cache_key k2 >key2 &&
	check key1 key2
'

test_expect_success '-C: the cache is off, every /ask is a miss' '
	httpprobe -n 4 -c 4 --burst -t 5 -X POST -d "@$TRASH/ask.json" \
		--bodies bodies "$NOCACHE/ask" >out &&
	echo 0 >want && hits bodies >got && check want got
'

test_expect_success 'a body that is not an object with a question is 400' '
	printf "[1]" >bad.json && printf "{\"client_id\": \"x\"}" >noq.json &&
	printf "{\"question\": \"q\"} x" >trail.json &&
	for f in bad noq trail; do
		expect_code 1 httpprobe -t 5 -X POST -d "@$f.json" -o out "$PLAIN/ask" >facts &&
		contains "status=400" facts || return 1
	done
'

test_expect_success '-L 1: long questions over the limit answer 503 at once' '
	httpprobe -n 4 -c 4 --burst -t 10 -s 200,503 -X POST -d "@$TRASH/long.json" \
		--tally status --bodies bodies "$LIMIT1/ask" >out &&
	contains "tallies.status.200=1" out &&
	contains "tallies.status.503=3" out &&
	echo 3 >want &&
	holding ".error == \"llm_concurrency_limited\"" bodies >got && check want got
'

test_expect_success '/metrics counts the overloads and the LLM answers' '
	httpprobe -t 5 -o metrics "$LIMIT1/metrics" >facts &&
	contains "services_narrator_llm_requests_total{outcome=\"overload\"} 3" metrics &&
	contains "services_narrator_llm_requests_total{outcome=\"ok\"} 1" metrics &&
	contains "# TYPE services_narrator_llm_requests_total counter" metrics
'

test_expect_success 'a short question never takes the LLM' '
	httpprobe -n 4 -c 4 --burst -t 5 -X POST -d "@$TRASH/ask.json" \
		--tally status "$LIMIT1/ask" >out &&
	contains "tallies.status.200=4" out
'

test_expect_success '-L 0: no limit, every long question is answered' '
	httpprobe -n 4 -c 4 --burst -t 10 -X POST -d "@$TRASH/long.json" \
		--tally status "$NOLIMIT/ask" >out &&
	contains "tallies.status.200=4" out &&
	httpprobe -t 5 -o metrics "$NOLIMIT/metrics" >facts &&
	contains "{outcome=\"overload\"} 0" metrics
'

test_expect_success '-G: /ask hangs (a bounded client times out)' '
	expect_code 3 httpprobe -t 1 -m 1 -X POST -d "@$TRASH/ask.json" -o out "$HANG/ask" >facts &&
	contains "error_class=timeout" facts
'

test_expect_success '/ask?key=K keeps its miss-then-hits answers' '
	httpprobe -t 5 -o o1 "$PLAIN/ask?key=k" >f1 && httpprobe -t 5 -o o2 "$PLAIN/ask?key=k" >f2 &&
	jsonfield -q -c ".meta.compute.plan_cache_hit == false" o1 &&
	jsonfield -q -c ".meta.compute.plan_cache_hit == true" o2
'

test_expect_success 'stage options are checked' '
	expect_code 2 "$FIXTURE" -N 0 2>err && contains "bad -N" err &&
	expect_code 2 "$FIXTURE" -L x 2>err && contains "bad -L" err &&
	"$FIXTURE" -h >help && contains "-N n" help && contains "-G" help
'

test_done
