#!/bin/sh
# jsonfield -c: the predicate grammar from the command line, its exit
# statuses and messages, and its verdicts cross-checked against jq -e.
# shellcheck source=tests/lib.sh
. "${0%/*}/lib.sh"

D=$TRASH/data
mkdir "$D" || exit 1

cat >"$D/doc.json" <<'EOF'
{
  "ok": true,
  "no": false,
  "nul": null,
  "n": 7,
  "x": 2.50,
  "big": 12345678901234567890,
  "exp": 1e400,
  "s": "caf\u00e9",
  "error": "llm_concurrency_limited",
  "data": [{"id": "a", "n": 1}, {"id": "b", "n": 2}, {"id": "c", "n": 3}],
  "meta": {"compute": {"plan_cache_hit": true, "ms": 12}},
  "a b": {"k": [1, 2]},
  "dup": 1,
  "dup": 2
}
EOF

# jc STATUS EXPECTED_STDERR ARG...: jsonfield exits STATUS, prints nothing
# on stdout, and says EXPECTED_STDERR (nothing when it is empty).
# shellcheck disable=SC2317 # called from the test bodies
jc() {
	jc_status=$1
	jc_want=$2
	shift 2
	expect_code "$jc_status" jsonfield "$@" >out 2>err || return 1
	test ! -s out || { echo "unexpected output:" >&2; cat out >&2; return 1; }
	if [ -z "$jc_want" ]; then
		test ! -s err || { echo "unexpected message:" >&2; cat err >&2; return 1; }
	else
		check_str "$jc_want" err
	fi
}

# Predicates on doc.json: status, predicate, message after "jsonfield: FILE: ".
while IFS='	' read -r status pred msg; do
	test_expect_success "-c $pred: $status" '
		if [ -n "$msg" ]; then
			jc "$status" "jsonfield: $D/doc.json: $msg" -c "$pred" "$D/doc.json"
		else
			jc "$status" "" -c "$pred" "$D/doc.json"
		fi
	'
done <<'EOF'
0	.ok == true	
1	.no == true	.no: is false, wanted == true
0	.ok	
0	.nul	
1	.nope	.nope: missing
1	.nope == null	.nope: missing
1	.nope != null	.nope: missing
0	.nul == null	
1	.nul.x	.nul: is null
1	.n.x	.n: is number, wanted object
0	.n > 5	
1	.n < 5	.n: is 7, wanted < 5
0	.n == 7.0	
0	.x == 2.5	
0	.big > 12345678901234567889	
1	.big == 12345678901234567891	.big: is 12345678901234567890, wanted == 12345678901234567891
0	.exp > 1e399	
1	.s < 5	.s: is string, wanted number
1	.s is number	.s: is string, wanted number
0	.s == "café"	
0	.s == "caf\u00e9"	
0	.s > "cafe"	
0	.error == "llm_concurrency_limited"	
0	.data is array	
0	.data[-1].id == "c"	
0	.data[-3].n == 1	
1	.data[-4]	.data[-4]: missing
0	.data[].n >= 1	
1	.data[].n >= 2	.data[0].n: is 1, wanted >= 2
0	.meta.compute.plan_cache_hit == true	
0	.["a b"].k == [1,2]	
0	."a b" == {"k":[1,2.0]}	
1	."a b" == {"k":[2,1]}	."a b": is object, wanted == {"k":[2,1]}
0	.dup == 1	
0	.meta == {"compute":{"ms":12,"plan_cache_hit":true}}	
EOF

test_expect_success '-c several times: all must hold, each failure said' '
	jc 0 "" -c ".ok == true" -c ".n > 5" -c ".data is array" "$D/doc.json" &&
	expect_code 1 jsonfield -c ".ok == false" -c ".n > 5" -c ".n > 100" "$D/doc.json" 2>err &&
	printf "%s\n" "jsonfield: $D/doc.json: .ok: is true, wanted == false" \
	    "jsonfield: $D/doc.json: .n: is 7, wanted > 100" >want &&
	check want err
'

test_expect_success '-c -q: the exit status alone' '
	jc 1 "" -q -c ".n < 5" "$D/doc.json" &&
	jc 0 "" -q -c ".n > 5" "$D/doc.json"
'

test_expect_success '-c on bad JSON: exit 3, even when the answer came first' '
	printf "{\"ok\":true,}" >bad.json &&
	jc 3 "jsonfield: bad.json:1:12: expected a key" -c ".ok == true" bad.json &&
	jc 3 "jsonfield: bad.json:1:12: expected a key" -c ".ok == true" -c .ok bad.json &&
	printf "{\"ok\":true} 1" >bad.json &&
	jc 3 "jsonfield: bad.json:1:13: expected the end of the input after the value" -c .ok bad.json
'

test_expect_success '-c with -n: each line on its own' '
	printf "{\"a\":1}\n{\"a\":2}\n{\"a\":\n{\"a\":1}\n" >in.jsonl &&
	expect_code 3 jsonfield -n -c ".a == 1" -c ".a is number" in.jsonl 2>err &&
	printf "%s\n" "jsonfield: in.jsonl:2: .a: is 2, wanted == 1" \
	    "jsonfield: in.jsonl:3:6: unexpected end of line" >want &&
	check want err
'

test_expect_success '-c from standard input, and - for it' '
	echo "{\"ok\": false}" >in &&
	jc 1 "jsonfield: <stdin>: .ok: is false, wanted == true" -c ".ok == true" <in &&
	jc 1 "jsonfield: <stdin>: .ok: is false, wanted == true" -c ".ok == true" - <in
'

# Bad predicates: exit 2 before any file is read.
# shellcheck disable=SC2034 # msg is read by the test body
while IFS='	' read -r pred msg; do
	test_expect_success "bad check $pred" '
		jc 2 "jsonfield: bad check '\''$pred'\'': $msg" -c "$pred" /nonexistent
	'
done <<'EOF'
.a ==	expected a value after the operator
.a = 1	expected ==, !=, <, <=, >, >= or 'is' after the path, not '= 1'
.a == tru	bad value 'tru': unexpected end of input, expected 'true'
.a is int	expected a type after 'is' (object, array, string, number, bool or null)
.a < true	< compares only numbers or strings
.a[x] == 1	bad path: column 4: expected a number, a quoted key or ']'
EOF

test_expect_success '-c and a path mode exclude each other' '
	expect_code 2 jsonfield -c .ok -t bool "$D/doc.json" 2>err &&
	contains "exclude each other" err
'

# The verdicts of jq -e on the same predicates, on a table of documents:
# one jq run per predicate over all of them, each verdict as -e reads it
# (the last output false or null, none, or an error: 1; else 0).
# Compared only where the two define the same thing: the path leads to a
# value that is not null (jq reads a missing path as null, jsonfield as
# missing), ordering only between two numbers or two strings (jq orders
# all values), no duplicate keys (jq takes the last one), and numbers a
# double holds exactly (jq 1.6 compares doubles, jsonfield decimals).
mkdir "$D/x" || exit 1
i=0
while read -r doc; do
	i=$((i + 1))
	printf "%s\n" "$doc" >"$D/x/$i.json"
done <<'EOF'
{"a":1,"b":"x","c":[1,2,3],"d":{"e":true,"f":null},"g":2.5}
{"a":"1","b":"y","c":[],"d":{"e":false},"g":-2.5}
{"a":1.0,"b":"","c":[3,2,1],"d":{"e":true,"f":[1,{"z":0}]},"g":1e2}
{"a":0,"b":"xx","c":[1,2,3,4],"d":[],"g":100}
{"a":-0,"b":"caf\u00e9","c":[1,[2]],"d":{"f":[1,{"z":0}],"e":1},"g":0.1}
{"a":10,"b":"X","c":{"0":1},"d":{"e":{"k":"v"}},"g":3e-1}
[1,2,3]
"str"
{"a":null,"b":null,"c":null,"d":null,"g":null}
{"a":[1],"b":{"x":1},"c":[1,2,3],"d":{"e":true,"f":{"z":0}},"g":"2.5"}
EOF

while read -r pred; do
	if ! have jq; then
		test_skip "jq agrees: $pred" "jq not installed"
		continue
	fi
	test_expect_success "jq agrees: $pred" '
		path=${pred%% *} && rest=${pred#"$path" } && op=${rest%% *} && value=${rest#"$op" } &&
		case $op in
		is) jqf="$path | type == \"$(echo "$value" | sed s/bool/boolean/)\""
		    guard="try (($path) != null) catch false" ;;
		"<"|"<="|">"|">=") jqf="$path $op $value"
		    guard="try ((($path) != null) and ((($path) | type) == (($value) | type))) catch false" ;;
		*) jqf="$path $op $value"
		    guard="try (($path) != null) catch false" ;;
		esac &&
		compared=0 && excluded=0 &&
		set -- "$D"/x/*.json &&
		jq -r "if ($guard) then (try ([$jqf] | last | if . == null or . == false then 1 else 0 end) catch 1) else \"-\" end" \
			"$@" >verdicts &&
		line_count $# verdicts &&
		while read -r want; do
			f=$1 && shift
			if [ "$want" = - ]; then
				excluded=$((excluded + 1))
				continue
			fi
			jsonfield -q -c "$pred" "$f"
			ours=$?
			if [ "$ours" -ne "$want" ]; then
				echo "$f: jq -e says $want, jsonfield -c exits $ours: $(cat "$f")"
				exit 1
			fi
			compared=$((compared + 1))
		done <verdicts &&
		echo "compared $compared documents, $excluded excluded" &&
		test "$compared" -gt 0
	'
done <<'EOF'
.a == 1
.a != 1
.a == "1"
.a < 5
.a >= 1
.a > -1
.a < 0.5
.a is number
.a is string
.b == "x"
.b < "xy"
.b > "X"
.b is string
.c == [1,2,3]
.c != [1,2,3]
.c[0] == 1
.c[-1] == 3
.c[-1] > 2
.c is array
.d == {"e":true,"f":null}
.d == {"f":[1,{"z":0}],"e":true}
.d.e == true
.d.e is bool
.d.f[1].z == 0
.d is object
.g == 2.5
.g > 2
.g <= 0.1
.g == 0.3
.g == 100
.["a"] == 1
.[1] == 2
.[-1] >= 3
. == "str"
. == [1,2,3]
. is array
EOF

# The manual's EXAMPLES, one test each.
test_expect_success 'man EXAMPLES: the health check' '
	echo "{\"ok\": true}" >healthz.json &&
	jc 0 "" -c ".ok == true" healthz.json &&
	echo "{\"ok\": false}" >healthz.json &&
	jc 1 "jsonfield: healthz.json: .ok: is false, wanted == true" -c ".ok == true" healthz.json
'

test_expect_success 'man EXAMPLES: a model list, checked twice over' '
	echo "{\"object\":\"list\",\"data\":[{\"id\":\"gpt-4o-mini\"},{\"id\":\"llama-3.1-8b\"}]}" >models.json &&
	jc 0 "" -c ".data is array" -c ".data[0].id == \"gpt-4o-mini\"" models.json &&
	jsonfield -r ".data[-1].id" models.json >out &&
	check_str llama-3.1-8b out
'

test_expect_success 'man EXAMPLES: the error a limit answers with' '
	echo "{\"error\":\"llm_concurrency_limited\",\"retry_after\":2}" >body.json &&
	jc 0 "" -c ".error == \"llm_concurrency_limited\"" -c ".retry_after <= 5" body.json
'

test_expect_success 'man EXAMPLES: a gate on a tally' '
	echo "{\"tallies\":{\".meta.compute.plan_cache_hit\":{\"true\":19,\"false\":1}}}" >run.json &&
	jc 0 "" -c ".tallies.\".meta.compute.plan_cache_hit\".true >= 19" run.json
'

test_expect_success 'man EXAMPLES: exact numbers' '
	echo "{\"id\":12345678901234567891}" >big.json &&
	jc 1 "jsonfield: big.json: .id: is 12345678901234567891, wanted == 12345678901234567890" \
	    -c ".id == 12345678901234567890" big.json
'

test_done
