#!/bin/sh
# make stage-check (mk/stage.sh), continued from t5300: against the demo
# backend's stage mode, each property broken in turn, a server that is
# down, a leak.

# The variables and helpers are used in the test bodies (eval).
# shellcheck disable=SC2034,SC2119,SC2317
# shellcheck source=tests/lib.sh
. "${0%/*}/lib.sh"
# shellcheck source=tests/smokelib.sh
. "${0%/*}/smokelib.sh"
# shellcheck source=tests/stagelib.sh
. "${0%/*}/stagelib.sh"

test_expect_success 'cache off: single-flight fails (no hits), exit 1' '
	stage_code 1 stage-demo STAGE_DEMO_CACHE=off &&
	contains "stage: FAIL single_flight: 0/8 hits" out &&
	line single_flight >l && contains "❌ **single_flight**: 0/8 hits" l &&
	tail -n 1 runs/latest/report.md >last && check_str "Stage ready for multi-user chat: no" last
'

test_expect_success 'limit off: the overload line is degraded, exit 0' '
	stage_code 0 stage-demo STAGE_DEMO_LLM_LIMIT=0 &&
	contains "stage: DEGRADED overload: the limit never triggered: 0/6 overloaded" out &&
	line overload >l && contains "⚠️ **overload**: the limit never triggered" l
'

test_expect_success 'one replica: the balance line is degraded' '
	stage_code 0 stage-demo STAGE_DEMO_REPLICAS=1 &&
	contains "stage: DEGRADED balance: 9/9 answered 200, all by one replica (api-1: 9)" out &&
	line balance >l && contains "⚠️ **balance**" l
'

test_expect_success 'a hanging /ask: bounded, each ask check fails' '
	stage_code 1 stage-demo STAGE_DEMO_HANG=yes STAGE_DEADLINE_S=1 &&
	contains "stage: FAIL single_flight: POST /ask: 8 of 8 did not answer within the deadline (hung)" out &&
	line isolation >l && contains "❌ **isolation**" l &&
	line overload >l && contains "❌ **overload**: " l && contains "did not answer within the deadline" l
'

hold_port || exit 1
DOWN_URL=http://127.0.0.1:$HELD_PORT
test_expect_success 'a server that is down: balance fails, nothing hangs' '
	stage_code 1 stage-check STAGE_URL="$DOWN_URL" &&
	contains "stage: FAIL balance: GET /healthz: 9 of 9 failed" out &&
	has_artifacts report.md status.json junit.xml
'

test_expect_success 'ENV_FILE: a value in an artifact is a leak, exit 6' '
	printf "ANSWER_TEXT=smokekit demo answer\n" >env &&
	stage_code 6 stage-demo ENV_FILE="$PWD/env" &&
	contains "stage: FAIL leakscan:" out &&
	printf "TOKEN=a-value-nobody-sends-9f8e7d\n" >env2 &&
	stage_code 0 stage-demo ENV_FILE="$PWD/env2" &&
	status_has "\"name\":\"leakscan\",\"ok\":true"
'

test_done
