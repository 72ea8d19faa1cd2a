#!/bin/sh
# jsonfield: paths, outputs, options, exit statuses, strict validation.
# shellcheck source=tests/lib.sh
. "${0%/*}/lib.sh"

D=$TRASH/data
mkdir "$D" || exit 1

# The document most tests ask about: pretty-printed, with every kind of value.
cat >"$D/doc.json" <<'EOF'
{
  "object": "list",
  "data": [
    {"id": "gpt-4o-mini", "n": 1, "tags": ["a", "b"]},
    {"id": "llama", "n": 2.50, "tags": []}
  ],
  "big": 12345678901234567890,
  "neg": -0.0e+00,
  "exp": 1E400,
  "s": "caf\u00e9 \"q\" \/ \\",
  "u": "日本",
  "nul": null,
  "t": true,
  "f": false,
  "metrics": {"http_req_duration{ep:models}": {"p(95)": 412.5, "avg": 100}},
  "dup": 1,
  "dup": 2,
  "e": {},
  "a": [],
  "sp ace": 1,
  "": "empty",
  "ctl": "a\u0001b\tc\u007f",
  "zero": "a\u0000b"
}
EOF

# jf STATUS EXPECTED_STDOUT ARG...: jsonfield exits STATUS and prints
# EXPECTED_STDOUT (plus a newline; nothing at all when it is empty).
# shellcheck disable=SC2317 # called from the test bodies
jf() {
	jf_status=$1
	jf_want=$2
	shift 2
	expect_code "$jf_status" jsonfield "$@" >out 2>err || return 1
	if [ -z "$jf_want" ]; then
		test ! -s out || { echo "unexpected output:" >&2; cat out >&2; return 1; }
	else
		check_str "$jf_want" out
	fi
}

# Paths and what they print: status, path, expected output (tab-separated).
while IFS='	' read -r status path want; do
	test_expect_success "path $path: $status ${want:-(nothing)}" '
		jf "$status" "$want" "$path" "$D/doc.json"
	'
done <<'EOF'
0	.data[0].id	"gpt-4o-mini"
0	data[1].n	2.50
0	.data.[0].n	1
0	.big	12345678901234567890
0	.neg	-0.0e+00
0	.exp	1E400
0	.s	"café \"q\" / \\"
0	.u	"日本"
0	.nul	null
0	.t	true
0	.f	false
0	.data[0]	{"id":"gpt-4o-mini","n":1,"tags":["a","b"]}
0	.data[0].tags[1]	"b"
0	.metrics."http_req_duration{ep:models}"."p(95)"	412.5
0	.metrics.http_req_duration{ep:models}.p(95)	412.5
0	."metrics".http_req_duration{ep:models}."avg"	100
0	.dup	1
0	.e	{}
0	.a	[]
0	."sp ace"	1
0	.""	"empty"
0	.ctl	"a\u0001b\tc\u007f"
0	.zero	"a\u0000b"
0	."\u0062ig"	12345678901234567890
0	.["sp ace"]	1
0	.data[1]["id"]	"llama"
0	["data"][0].n	1
0	.data[-1].id	"llama"
0	.data[-2].tags[-1]	"b"
0	.data[-1].tags	[]
0	.data[-0].n	1
0	.metrics.["http_req_duration{ep:models}"]["p(95)"]	412.5
1	.data[-3]	
1	.a[-1]	
1	.data[-1].tags[-1]	
1	.e[-1]	
1	.data[2]	
1	.nul.x	
1	.data.id	
1	.s[0]	
1	.big[]	
1	.data[].tags[1]	"b"
1	.e[0]	
EOF

test_expect_success 'a negative index names the element in messages as written' '
	jf 1 "" ".data[-3]" "$D/doc.json" &&
	check_str "jsonfield: $D/doc.json: .data[-3]: missing" err &&
	jf 1 "" -t string ".data[-1].n" "$D/doc.json" &&
	check_str "jsonfield: $D/doc.json: .data[-1].n: is number, wanted string" err
'

test_expect_success 'a negative index on JSON lines, and on a long array' '
	printf "[1,2,3]\n[4]\n[]\n" >in.jsonl &&
	expect_code 1 jsonfield -n ".[-2]" in.jsonl >out 2>err &&
	check_str 2 out &&
	printf "%s\n" "jsonfield: in.jsonl:2: .[-2]: missing" "jsonfield: in.jsonl:3: .[-2]: missing" >want &&
	check want err &&
	awk "BEGIN { printf \"[\"; for (i = 0; i < 100000; i++) printf \"%s{\\\"i\\\":%d}\", i ? \",\" : \"\", i; print \"]\" }" >long.json &&
	jf 0 "{\"i\":99990}" ".[-10]" long.json &&
	jf 0 99999 ".[-1].i" long.json
'

test_expect_success '-h and --help: the usage and one line per option; -V and --version' '
	jsonfield -h >out &&
	jsonfield --help >out2 &&
	check out out2 &&
	contains "usage: jsonfield [-hnqV] [-e | -l | -r | -t type] path [file ...]" out &&
	for o in "-c pred" -e "-h, --help" -l -n -q -r "-t type" "-V, --version"; do
		contains "  $o " out || return 1
	done &&
	jsonfield -V >out &&
	jsonfield --version >out2 &&
	check out out2 &&
	contains "jsonfield smokekit " out
'

test_expect_success 'the whole document, compact' '
	printf "[ 1 , {\"a\" : [ true,null ] ,\"b\":{}},\r\n\t\"x\" ]\n" >in.json &&
	jf 0 "[1,{\"a\":[true,null],\"b\":{}},\"x\"]" . in.json
'

test_expect_success '[] prints one line per element' '
	jsonfield ".data[].id" "$D/doc.json" >out &&
	printf "\"gpt-4o-mini\"\n\"llama\"\n" >want &&
	check want out
'

test_expect_success '[] over an object prints its member values' '
	jsonfield ".metrics.http_req_duration{ep:models}[]" "$D/doc.json" >out &&
	printf "412.5\n100\n" >want &&
	check want out
'

test_expect_success 'an empty array under [] answers nothing, exit 0' '
	jf 0 "" ".a[]" "$D/doc.json" &&
	jf 0 "" ".a[].x" "$D/doc.json"
'

# Messages for exit 1 name the file and the step where the answer stopped.
while IFS='	' read -r path msg; do
	test_expect_success "message for $path: $msg" '
		expect_code 1 jsonfield "$path" "$D/doc.json" >out 2>err &&
		check_str "jsonfield: $D/doc.json: $msg" err
	'
done <<'EOF'
.nope	.nope: missing
.data[2]	.data[2]: missing
.data[0].nope	.data[0].nope: missing
.nul.x	.nul: is null
.nul[0]	.nul: is null
.data.id	.data: is array, wanted object
.s[0]	.s: is string, wanted array
.big[]	.big: is number, wanted array or object
.data[].tags[1]	.data[1].tags[1]: missing
.metrics[].nope	.metrics.http_req_duration{ep:models}.nope: missing
."sp ace"[0]	."sp ace": is number, wanted array
.metrics.nope."p(95)"	.metrics.nope: missing
."sp ace".x	."sp ace": is number, wanted object
.ctl.x	.ctl: is string, wanted object
EOF

test_expect_success '-r prints strings raw, other values as JSON' '
	jf 0 "café \"q\" / \\" -r .s "$D/doc.json" &&
	jf 0 "日本" -r .u "$D/doc.json" &&
	jf 0 "12345678901234567890" -r .big "$D/doc.json" &&
	jf 0 "[\"a\",\"b\"]" -r .data[0].tags "$D/doc.json" &&
	jf 0 "null" -r .nul "$D/doc.json"
'

test_expect_success '-r keeps control characters as they are' '
	jsonfield -r .ctl "$D/doc.json" >out &&
	printf "a\001b\tc\177\n" >want &&
	check want out
'

test_expect_success '-r refuses a string holding U+0000: exit 1, nothing printed' '
	jf 1 "" -r .zero "$D/doc.json" &&
	check_str "jsonfield: $D/doc.json: .zero: holds U+0000, which -r cannot print" err
'

test_expect_success '-l: elements, members, characters' '
	jf 0 2 -l .data "$D/doc.json" &&
	jf 0 3 -l .data[0] "$D/doc.json" &&
	jf 0 0 -l .e "$D/doc.json" &&
	jf 0 0 -l .a "$D/doc.json" &&
	jf 0 2 -l .u "$D/doc.json" &&
	jf 0 12 -l .s "$D/doc.json" &&
	jf 0 3 -l .zero "$D/doc.json" &&
	jf 0 6 -l .ctl "$D/doc.json" &&
	jf 0 5 -l ".\"\"" "$D/doc.json"
'

test_expect_success '-l of a number, bool or null is exit 1' '
	jf 1 "" -l .big "$D/doc.json" &&
	check_str "jsonfield: $D/doc.json: .big: is number, wanted array, object or string" err &&
	jf 1 "" -l .t "$D/doc.json" &&
	jf 1 "" -l .nul "$D/doc.json" &&
	check_str "jsonfield: $D/doc.json: .nul: is null, wanted array, object or string" err
'

test_expect_success '-l with []: one length per element' '
	jsonfield -l ".data[].tags" "$D/doc.json" >out &&
	printf "2\n0\n" >want &&
	check want out
'

# -t TYPE: value, type, status.
while IFS='	' read -r path type status; do
	test_expect_success "-t $type $path: exit $status" '
		jf "$status" "" -t "$type" "$path" "$D/doc.json"
	'
done <<'EOF'
.	object	0
.data	array	0
.data	object	1
.s	string	0
.big	number	0
.exp	number	0
.t	bool	0
.f	bool	0
.nul	null	0
.nul	string	1
.e	object	0
.data[].id	string	0
.data[].n	number	0
.data[].tags	array	0
.data[].id	number	1
EOF

test_expect_success '-t names the type it found and the one it wanted' '
	jf 1 "" -t array .s "$D/doc.json" &&
	check_str "jsonfield: $D/doc.json: .s: is string, wanted array" err &&
	jf 1 "" -t array .nul "$D/doc.json" &&
	check_str "jsonfield: $D/doc.json: .nul: is null, wanted array" err
'

test_expect_success '-t with an unknown type is a usage error' '
	jf 2 "" -t list .data "$D/doc.json" &&
	check_str "jsonfield: bad type '\''list'\'': expected object, array, string, number, bool or null" err
'

test_expect_success '-e: exists (null too) or not, prints nothing' '
	jf 0 "" -e .data "$D/doc.json" &&
	jf 0 "" -e .nul "$D/doc.json" &&
	jf 0 "" -e .data[1].tags "$D/doc.json" &&
	jf 1 "" -e .data[1].tags[0] "$D/doc.json" &&
	jf 1 "" -e .nope "$D/doc.json" &&
	check_str "jsonfield: $D/doc.json: .nope: missing" err
'

test_expect_success '-q: no output, no message for exit 1, errors still said' '
	jf 0 "" -q .data "$D/doc.json" &&
	jf 1 "" -q .nope "$D/doc.json" && test ! -s err &&
	jf 1 "" -q -t array .s "$D/doc.json" && test ! -s err &&
	printf "{\"a\":1" >bad.json &&
	jf 3 "" -q .a bad.json &&
	contains "bad.json:1:7: unexpected end of input" err
'

test_expect_success '-c, -e, -l, -r and -t exclude each other' '
	jf 2 "" -e -l .data "$D/doc.json" &&
	contains "exclude each other" err &&
	contains "usage: jsonfield [-hnqV] [-e | -l | -r | -t type] path [file ...]" err &&
	contains "       jsonfield [-nq] -c pred [-c pred ...] [file ...]" err &&
	jf 2 "" -r -t string .s "$D/doc.json" &&
	jf 2 "" -c .s -e "$D/doc.json"
'

test_expect_success 'no path is a usage error' '
	jf 2 "" &&
	contains "usage: jsonfield " err
'

# Bad paths: exit 2, the column and what was expected.
while IFS='	' read -r path msg; do
	test_expect_success "bad path $path" '
		printf "{}" >in.json &&
		jf 2 "" "$path" in.json &&
		check_str "jsonfield: bad path '\''$path'\'': $msg" err
	'
done <<'EOF'
.a[	column 4: expected a number, a quoted key or ']'
..	column 2: expected a key
.a b	column 3: expected '.' or '['
.a[x]	column 4: expected a number, a quoted key or ']'
.a[-x]	column 5: expected a number, a quoted key or ']'
.a[--1]	column 5: expected a number, a quoted key or ']'
.a["b"	column 7: expected ']'
.a[-99999999999999999999]	column 4: index out of range
.a[1	column 5: expected ']'
.a[99999999999999999999]	column 4: index out of range
."a	column 4: unterminated quoted key
."\x"	column 4: invalid escape '\x' in a string
."\ud800"	column 3: lone surrogate \uD800 in a string
a.	column 3: expected a key
.a]	column 3: expected '.' or '['
.a"b"	column 3: expected '.' or '['
EOF

test_expect_success 'an empty path is a usage error' '
	printf "{}" >in.json &&
	jf 2 "" "" in.json &&
	check_str "jsonfield: bad path '\'''\'': column 1: expected a key" err
'

# Invalid JSON: exit 3 with file:line:col, and nothing printed even when
# the value came before the error.
while IFS='	' read -r json msg; do
	test_expect_success "invalid: $json" '
		printf "%s" "$json" >bad.json &&
		jf 3 "" .a bad.json &&
		check_str "jsonfield: bad.json:$msg" err
	'
done <<'EOF'
{"a":1 "b":2}	1:8: expected ',' or '}'
{"a":1	1:7: unexpected end of input, expected ',' or '}'
{"a":[1,2	1:10: unexpected end of input, expected ',' or ']'
{"a":"x	1:8: unexpected end of input in a string
{"a":1}x	1:8: expected the end of the input after the value
{"a":1}{}	1:8: expected the end of the input after the value
{"a":01}	1:7: a number cannot have a leading zero
{"a":1,}	1:8: expected a key
{"a":tru}	1:9: expected 'true'
{'a':1}	1:2: expected a key or '}'
[1,]	1:4: expected a value
{"a":"\ud800"}	1:7: lone surrogate \uD800 in a string
{"a":NaN}	1:6: expected a value
EOF

test_expect_success 'invalid: an empty file, or only whitespace' '
	: >empty.json &&
	jf 3 "" .a empty.json &&
	check_str "jsonfield: empty.json:1:1: unexpected end of input, expected a value" err &&
	printf " \n\t\n" >blank.json &&
	jf 3 "" .a blank.json &&
	check_str "jsonfield: blank.json:3:1: unexpected end of input, expected a value" err
'

test_expect_success 'the line and column of an error after newlines' '
	printf "{\n  \"a\": 1,\n  \"b\": [1,\n   2 3]\n}\n" >bad.json &&
	jf 3 "" .a bad.json &&
	check_str "jsonfield: bad.json:4:6: expected '\'','\'' or '\'']'\''" err
'

test_expect_success 'invalid UTF-8 is invalid JSON' '
	printf "{\"a\":\"\300\200\"}" >overlong.json &&
	jf 3 "" .a overlong.json &&
	check_str "jsonfield: overlong.json:1:7: invalid UTF-8 byte 0xC0 in a string" err &&
	printf "{\"a\":\"\355\240\200\"}" >surrogate.json &&
	jf 3 "" .a surrogate.json &&
	check_str "jsonfield: surrogate.json:1:8: invalid UTF-8 sequence in a string" err &&
	printf "{\"a\":\"\364\220\200\200\"}" >toobig.json &&
	jf 3 "" .a toobig.json &&
	printf "\357\273\277{\"a\":1}" >bom.json &&
	jf 3 "" .a bom.json &&
	check_str "jsonfield: bom.json:1:1: a byte order mark (U+FEFF) is not allowed" err
'

test_expect_success 'a control character in a string is invalid' '
	printf "{\"a\":\"x\ty\"}" >tab.json &&
	jf 3 "" .a tab.json &&
	check_str "jsonfield: tab.json:1:8: control character U+0009 in a string must be escaped" err
'

test_expect_success 'a truncated file is an error even with -e and -q' '
	head -c 200 "$D/doc.json" >cut.json &&
	jf 3 "" -e .data cut.json &&
	jf 3 "" -q .object cut.json &&
	jf 3 "" -l .data cut.json &&
	contains "cut.json:" err
'

test_expect_success 'the rest of a document is validated after the value' '
	printf "{\"a\":1,\"b\":[1,2,}" >late.json &&
	jf 3 "" .a late.json &&
	contains "late.json:1:17: expected a value" err &&
	printf "{\"a\":1,\"a\":[}" >dup.json &&
	jf 3 "" .a dup.json
'

# Nesting: 512 levels are fine, 513 are an error, never a crash.
test_expect_success 'nesting: 512 levels pass, 513 fail at the documented limit' '
	awk "BEGIN { for (i = 0; i < 512; i++) printf \"[\"; for (i = 0; i < 512; i++) printf \"]\" }" >d512.json &&
	awk "BEGIN { for (i = 0; i < 513; i++) printf \"[\"; for (i = 0; i < 513; i++) printf \"]\" }" >d513.json &&
	jf 0 "" -e . d512.json &&
	path=$(awk "BEGIN { for (i = 0; i < 511; i++) printf \"[0]\" }") &&
	jf 0 "[]" "$path" d512.json &&
	jf 1 "" "$path[0]" d512.json &&
	jf 3 "" -e . d513.json &&
	check_str "jsonfield: d513.json:1:513: nesting deeper than 512 levels" err
'

test_expect_success 'nesting: 100000 open brackets are an error, not a crash' '
	awk "BEGIN { for (i = 0; i < 100000; i++) printf \"[\" }" >deep.json &&
	jf 3 "" .a deep.json &&
	contains "nesting deeper than 512 levels" err &&
	awk "BEGIN { for (i = 0; i < 100000; i++) printf \"{\\\"a\\\":\" }" >deepobj.json &&
	jf 3 "" .a.a.a deepobj.json &&
	contains "nesting deeper than 512 levels" err
'

test_expect_success 'duplicate keys: the first one wins, the others are validated' '
	printf "{\"k\":\"first\",\"k\":\"second\"}" >dup.json &&
	jf 0 "\"first\"" .k dup.json &&
	printf "{\"k\":{\"x\":1},\"k\":{\"x\":2}}" >dup2.json &&
	jf 0 1 .k.x dup2.json &&
	printf "{\"k\":{\"y\":1},\"k\":{\"x\":2}}" >dup3.json &&
	jf 1 "" .k.x dup3.json &&
	check_str "jsonfield: dup3.json: .k.x: missing" err
'

test_expect_success 'stdin: no file, or -, named <stdin>' '
	jf 0 "\"list\"" .object <"$D/doc.json" &&
	jf 0 "\"list\"" .object - <"$D/doc.json" &&
	printf "{\"a\" 1}" >bad.json &&
	jf 3 "" .a <bad.json &&
	check_str "jsonfield: <stdin>:1:6: expected '\'':'\''" err &&
	jf 1 "" .nope <"$D/doc.json" &&
	check_str "jsonfield: <stdin>: .nope: missing" err
'

test_expect_success 'several files: each answered, the worst status wins' '
	printf "{\"a\":1}" >one.json &&
	printf "{\"a\":2}" >two.json &&
	printf "{\"b\":3}" >none.json &&
	printf "{\"a\":4" >broken.json &&
	printf "1\n2\n" >want12 &&
	jsonfield .a one.json two.json >out &&
	check want12 out &&
	expect_code 1 jsonfield .a one.json none.json two.json >out 2>err &&
	check want12 out &&
	check_str "jsonfield: none.json: .a: missing" err &&
	expect_code 3 jsonfield .a broken.json one.json none.json two.json >out 2>err &&
	check want12 out &&
	contains "broken.json:1:7: unexpected end of input" err &&
	contains "none.json: .a: missing" err
'

test_expect_success 'a file that cannot be opened or read is exit 3' '
	printf "{\"a\":1}" >one.json &&
	expect_code 3 jsonfield .a nosuch.json one.json >out 2>err &&
	check_str 1 out &&
	check_str "jsonfield: open nosuch.json: No such file or directory" err &&
	mkdir dir &&
	jf 3 "" .a dir &&
	check_str "jsonfield: dir: read error: Is a directory" err
'

test_expect_success 'a write error on stdout is exit 3' '
	if [ -w /dev/full ]; then
		expect_code 3 jsonfield . "$D/doc.json" >/dev/full 2>err &&
		contains "write error" err
	fi
'

test_expect_success '-n: one answer per line, bad lines reported, the rest go on' '
	printf "{\"a\":1}\n\n{\"a\":\"x\"}\r\n{\"a\":[1,\n2]}\n  \n{\"b\":3}\n{\"a\":null}" >in.jsonl &&
	expect_code 3 jsonfield -n .a in.jsonl >out 2>err &&
	printf "1\n\"x\"\nnull\n" >want &&
	check want out &&
	printf "jsonfield: in.jsonl:4:9: unexpected end of line\njsonfield: in.jsonl:5:2: expected the end of the input after the value\njsonfield: in.jsonl:7: .a: missing\n" >wanterr &&
	check wanterr err
'

test_expect_success '-n: all lines fine is exit 0, a missing field exit 1' '
	printf "{\"a\":1}\n{\"a\":2}\n" >ok.jsonl &&
	jsonfield -n -t number .a ok.jsonl &&
	printf "{\"a\":1}\n{\"b\":2}\n" >miss.jsonl &&
	jf 1 "1" -n .a miss.jsonl &&
	check_str "jsonfield: miss.jsonl:2: .a: missing" err
'

test_expect_success '-n from stdin, and an empty input' '
	printf "[1]\n[2,3]\n" >in.jsonl &&
	jsonfield -n -l . <in.jsonl >out &&
	printf "1\n2\n" >want &&
	check want out &&
	: >empty &&
	jf 0 "" -n .a empty
'

test_expect_success 'without -n, two documents on two lines are invalid' '
	printf "{\"a\":1}\n{\"a\":2}\n" >two.jsonl &&
	jf 3 "" .a two.jsonl &&
	check_str "jsonfield: two.jsonl:2:1: expected the end of the input after the value" err
'

# A document larger than the 64 KiB read buffer, values on both sides.
awk 'BEGIN {
	printf "{\"data\":["
	for (i = 0; i < 20000; i++)
		printf "%s{\"id\":\"m-%d\",\"s\":\"\\u00e9\\n\"}", (i ? "," : ""), i
	printf "],\"last\":true}"
}' >"$D/big.json"

test_expect_success 'a document larger than the read buffer' '
	jf 0 20000 -l .data "$D/big.json" &&
	jf 0 "m-19999" -r .data[19999].id "$D/big.json" &&
	jf 0 "true" .last "$D/big.json" &&
	jf 0 "\"é\\n\"" .data[12345].s "$D/big.json"
'

# The same over lines, with one element (the 15000th, on line 15002) made
# wrong in one of several ways: skipping the array (-l) and printing it
# (every token read) must fail with the same message at the same place.
spread() {
	awk -v bad="$1" 'BEGIN {
		printf "{\"data\": [\n"
		for (i = 0; i < 20000; i++) {
			s = "\\u00e9\\n \303\251"
			n = "[1, -2.5e3, true, null]"
			if (i == 15000 && bad == "ctl") s = "a\tb"
			if (i == 15000 && bad == "esc") s = "a\\xb"
			if (i == 15000 && bad == "utf8") s = "a\355\240\200b"
			if (i == 15000 && bad == "comma") n = "[1 -2.5e3]"
			if (i == 15000 && bad == "zero") n = "[1, 01]"
			if (i == 15000 && bad == "deep") n = "[[[[[1]]]]}"
			printf "%s  {\"id\": \"m-%d\", \"s\": \"%s\", \"n\": %s}",
			    (i ? ",\n" : ""), i, s, n
		}
		printf "\n], \"last\": true}\n"
	}'
}
spread "" >"$D/lines.json"

test_expect_success 'a document over many lines, skipped' '
	jf 0 20000 -l .data "$D/lines.json" &&
	jf 0 true .last "$D/lines.json"
'

test_expect_success 'an error far into a document: the same place skipped or read' '
	for bad in ctl esc utf8 comma zero deep; do
		spread $bad >bad.json &&
		expect_code 3 jsonfield -l .data bad.json >out 2>skipped &&
		expect_code 3 jsonfield .data bad.json >out 2>read &&
		check read skipped &&
		contains "jsonfield: bad.json:15002:" skipped || return 1
	done
'

# The manual's EXAMPLES, one test each.
cat >"$D/models.json" <<'EOF'
{"object":"list","data":[{"id":"gpt-4o-mini","object":"model"},{"id":"llama-3.1-8b","object":"model"}]}
EOF
cat >"$D/summary.json" <<'EOF'
{"metrics":{"http_req_duration{ep:models}":{"avg":100.25,"p(95)":412.5}}}
EOF

test_expect_success 'man EXAMPLES: is data an array' '
	jf 0 "" -t array .data "$D/models.json"
'

test_expect_success 'man EXAMPLES: how many models, and their ids' '
	jf 0 2 -l .data "$D/models.json" &&
	jsonfield -r ".data[].id" "$D/models.json" >out &&
	printf "gpt-4o-mini\nllama-3.1-8b\n" >want &&
	check want out
'

test_expect_success 'man EXAMPLES: p(95) with quoted and unquoted keys' '
	jf 0 412.5 ".metrics.\"http_req_duration{ep:models}\".\"p(95)\"" "$D/summary.json" &&
	jf 0 412.5 ".metrics.http_req_duration{ep:models}.p(95)" "$D/summary.json"
'

test_expect_success 'man EXAMPLES: missing and null are different answers' '
	echo "{\"error\":null}" >in &&
	jf 1 "" .error.message <in &&
	check_str "jsonfield: <stdin>: .error: is null" err &&
	echo "{}" >in &&
	jf 1 "" .error <in &&
	check_str "jsonfield: <stdin>: .error: missing" err
'

test_expect_success 'man EXAMPLES: validate without printing' '
	jf 0 "" -e . "$D/models.json"
'

test_expect_success 'man EXAMPLES: JSON lines log' '
	printf "{\"level\":\"info\"}\n{\"level\" \"error\"}\n{\"level\":\"warn\"}\n" >app.jsonl &&
	expect_code 3 jsonfield -n -r .level app.jsonl >out 2>err &&
	printf "info\nwarn\n" >want &&
	check want out &&
	check_str "jsonfield: app.jsonl:2:10: expected '\'':'\''" err
'

test_done
