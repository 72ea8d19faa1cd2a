#!/bin/sh
# smokereport: key=value facts in, status.json and metrics.txt out.
# shellcheck source=tests/lib.sh
. "${0%/*}/lib.sh"

# valid_json FILE: the file parses as JSON, by whichever strict parser is here.
# shellcheck disable=SC2317 # called from the test bodies
valid_json() {
	if have python3; then
		python3 -c 'import json,sys
def bad(c): raise ValueError("not JSON: " + c)
json.load(open(sys.argv[1], encoding="utf-8"), parse_constant=bad)' "$1"
	elif have jq; then
		jq -e . "$1" >/dev/null
	else
		# jsonfield validates the whole document strictly.
		jsonfield -q . "$1"
	fi
}

# junit_summary FILE: parses FILE with python3's XML parser and prints each
# testcase as "name verdict [message]", then the counts of the suite.
# shellcheck disable=SC2317 # called from the test bodies
junit_summary() {
	python3 -c 'import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "testsuites", root.tag
suites = root.findall("testsuite")
assert len(suites) == 1
s = suites[0]
cases = s.findall("testcase")
for c in cases:
    f, k = c.find("failure"), c.find("skipped")
    if f is not None:
        print(c.get("name"), "failure", f.get("message"))
    elif k is not None:
        print(c.get("name"), "skipped", k.get("message"))
    else:
        print(c.get("name"), "pass")
nf = sum(c.find("failure") is not None for c in cases)
nk = sum(c.find("skipped") is not None for c in cases)
assert int(s.get("tests")) == len(cases) == int(root.get("tests"))
assert int(s.get("failures")) == nf == int(root.get("failures"))
assert int(s.get("skipped")) == nk == int(root.get("skipped"))
print("tests=%d failures=%d skipped=%d time=%s" % (len(cases), nf, nk, s.get("time")))' "$1"
}

test_expect_success 'man page example 1: one passing check on stdout (EXAMPLES)' '
	printf "%s\n" base_url=http://localhost:8082 \
	    check.healthz.ok=true "check.healthz.detail=HTTP 200, ok is true" \
	    check.healthz.ms=12.5 >in &&
	expect_code 0 smokereport <in >out &&
	cat >want <<-\EOF &&
	{
	  "status": "pass",
	  "base_url": "http://localhost:8082",
	  "checks": [
	    {"name":"healthz","ok":true,"detail":"HTTP 200, ok is true","ms":12.5}
	  ]
	}
	EOF
	check want out
'

test_expect_success 'man page example 2: -o and -m write both artifacts (EXAMPLES)' '
	mkdir -p runs/latest &&
	cat >facts.txt <<-\EOF &&
	base_url=http://localhost:8082
	k6_mode=native
	tools.httpprobe=httpprobe smokekit 0.1.0
	metrics.p95_ms=22.50722525
	metrics.http_req_failed=0
	metrics.source=summary-export
	check.healthz.ok=true
	check.models.ok=true
	check.models.detail=2 models
	EOF
	expect_code 0 smokereport -o runs/latest/status.json -m runs/latest/metrics.txt \
	    facts.txt >out 2>err &&
	test ! -s out && test ! -s err &&
	printf "p95_ms=22.50722525\nhttp_req_failed=0\nsource=summary-export\n" >want &&
	check want runs/latest/metrics.txt &&
	valid_json runs/latest/status.json &&
	contains "\"status\": \"pass\"" runs/latest/status.json &&
	contains "\"tools\": {" runs/latest/status.json &&
	contains "\"httpprobe\": \"httpprobe smokekit 0.1.0\"" runs/latest/status.json &&
	contains "\"p95_ms\": 22.50722525," runs/latest/status.json &&
	contains "{\"name\":\"models\",\"ok\":true,\"detail\":\"2 models\",\"ms\":null}" \
	    runs/latest/status.json &&
	ls -A runs/latest >files &&
	printf "metrics.txt\nstatus.json\n" >want &&
	check want files
'

test_expect_success 'man page example 3: TAP on standard output, JUnit beside (EXAMPLES)' '
	mkdir -p runs/latest &&
	printf "%s\n" check.healthz.ok=true "check.healthz.detail=HTTP 200, ok is true" \
	    check.models.ok=false "check.models.detail=HTTP 503" >facts.txt &&
	expect_code 1 smokereport -t -o runs/latest/status.json \
	    -J runs/latest/junit.xml facts.txt >out &&
	printf "1..2\nok 1 - healthz: HTTP 200, ok is true\nnot ok 2 - models: HTTP 503\n" >want &&
	check want out && valid_json runs/latest/status.json &&
	contains "<failure message=\"HTTP 503\"/>" runs/latest/junit.xml
'

test_expect_success 'a failed check: status fail, exit 1, files still written' '
	printf "check.a.ok=true\ncheck.b.ok=false\ncheck.b.detail=HTTP 503\n" >in &&
	expect_code 1 smokereport -o status.json -m metrics.txt in &&
	contains "\"status\": \"fail\"" status.json &&
	contains "{\"name\":\"b\",\"ok\":false,\"detail\":\"HTTP 503\",\"ms\":null}" status.json &&
	test -f metrics.txt && test ! -s metrics.txt &&
	valid_json status.json
'

test_expect_success 'no check at all is not a pass' '
	printf "base_url=http://x\n" >in &&
	expect_code 1 smokereport in >out &&
	contains "\"status\": \"fail\"" out &&
	contains "\"checks\": []" out &&
	valid_json out
'

test_expect_success 'strings are escaped: quotes, backslash, controls, bad UTF-8' '
	printf "check.x.ok=true\n" >in &&
	printf "check.x.detail=a \"q\" \\\\ b\ttab\033esc\001 \303\251 \377 end\n" >>in &&
	printf "weird=\"{}[],:\n" >>in &&
	expect_code 0 smokereport in >out &&
	valid_json out &&
	cat >want <<-\EOF &&
	{
	  "status": "pass",
	  "weird": "\"{}[],:",
	  "checks": [
	    {"name":"x","ok":true,"detail":"a \"q\" \\ b\ttab\u001besc\u0001 é � end","ms":null}
	  ]
	}
	EOF
	check want out
'

test_expect_success 'values are typed by their form; detail is always a string' '
	cat >in <<-\EOF &&
	a=12
	b=-0.5e+3
	c=true
	d=null
	e=007
	f=1.
	g=+1
	h=.5
	i=1e
	j=
	k=0x10
	l=False
	check.c.ok=false
	check.c.detail=200
	check.c.ms=0
	check.c.code=503
	EOF
	expect_code 1 smokereport in >out &&
	valid_json out &&
	for want in "\"a\": 12," "\"b\": -0.5e+3," "\"c\": true," "\"d\": null," \
	    "\"e\": \"007\"," "\"f\": \"1.\"," "\"g\": \"+1\"," "\"h\": \".5\"," \
	    "\"i\": \"1e\"," "\"j\": \"\"," "\"k\": \"0x10\"," "\"l\": \"False\"," \
	    "{\"name\":\"c\",\"ok\":false,\"detail\":\"200\",\"ms\":0,\"code\":503}"; do
		contains "$want" out || return 1
	done
'

test_expect_success 'a key given again is replaced in place' '
	printf "a=1\nb=2\na=3\ncheck.s.ok=false\ncheck.t.ok=true\ncheck.s.ok=true\n" >in &&
	expect_code 0 smokereport in >out &&
	cat >want <<-\EOF &&
	{
	  "status": "pass",
	  "a": 3,
	  "b": 2,
	  "checks": [
	    {"name":"s","ok":true,"detail":null,"ms":null},
	    {"name":"t","ok":true,"detail":null,"ms":null}
	  ]
	}
	EOF
	check want out
'

test_expect_success 'comments, blank lines, CRLF; several files and stdin in order' '
	printf "# a comment\r\n\r\nfirst=1\r\ncheck.a.ok=true\r\n" >one &&
	printf "second=two\n" >two &&
	printf "metrics.third=3\n" >three &&
	expect_code 0 smokereport -m m.txt one - three <two >out &&
	cat >want <<-\EOF &&
	{
	  "status": "pass",
	  "first": 1,
	  "second": "two",
	  "metrics": {
	    "third": 3
	  },
	  "checks": [
	    {"name":"a","ok":true,"detail":null,"ms":null}
	  ]
	}
	EOF
	check want out &&
	check_str "third=3" m.txt
'

# bad_input DESCRIPTION LINE MESSAGE: exit 3, file:line named, nothing written.
bad_input() {
	# shellcheck disable=SC2034 # read by the test body
	bad_line=$2 bad_msg="smokereport: in:2: $3"
	test_expect_success "malformed input: $1" '
		printf "check.ok.ok=true\n%s\n" "$bad_line" >in &&
		printf "old\n" >status.json &&
		expect_code 3 smokereport -o status.json -m metrics.txt in >out 2>err &&
		contains "$bad_msg" err &&
		check_str old status.json &&
		test ! -e metrics.txt &&
		ls -A >"$TRASH/ls.$$" && printf "err\nin\nout\nstatus.json\n" >want &&
		check want "$TRASH/ls.$$"
	'
}
bad_input 'no =' 'just words' "no '=' in the line"
bad_input 'empty key' '=x' 'bad key: want'
bad_input 'empty key part' 'a..b=x' 'bad key: want'
bad_input 'a space in the key' 'a b=x' 'bad key: want'
bad_input 'four parts' 'check.a.b.c=x' 'bad key: want'
bad_input 'three parts outside check' 'tools.a.b=x' 'bad key: only check.NAME.field'
bad_input 'check with two parts' 'check.a=x' 'bad key: only check.NAME.field'
bad_input 'reserved status' 'status=pass' 'reserved key'
bad_input 'reserved checks' 'checks=[]' 'reserved key'
bad_input 'reserved status as a section' 'status.a=x' 'reserved key'
bad_input 'reserved checks as a section' 'checks.a=x' 'reserved key'
bad_input 'ok not a boolean' 'check.a.ok=yes' "a check's ok must be true or false"
bad_input 'ms not a number' 'check.a.ms=12ms' "a check's ms must be a number"
bad_input 'name as a field' 'check.a.name=b' "a check's name is its key"

test_expect_success 'a name used as a value and as a section is exit 3, either order' '
	printf "check.a.ok=true\nmetrics=1\nmetrics.p95_ms=2\n" >in &&
	expect_code 3 smokereport -o status.json in 2>err &&
	contains "smokereport: in:3: bad key: a name is a value or a section, not both" err &&
	printf "check.a.ok=true\nmetrics.p95_ms=2\nmetrics=1\n" >in &&
	expect_code 3 smokereport -o status.json in 2>err &&
	contains "smokereport: in:3: bad key: a name is a value or a section, not both" err &&
	test ! -e status.json
'

test_expect_success 'a check without ok is exit 3' '
	printf "check.a.detail=x\n" >in &&
	expect_code 3 smokereport -o status.json in 2>err &&
	contains "check a has no ok" err &&
	test ! -e status.json
'

test_expect_success 'a NUL byte in a line is exit 3' '
	printf "a=1\000b\n" >in &&
	expect_code 3 smokereport in >out 2>err &&
	contains "in:1: a NUL byte" err
'

test_expect_success 'a missing input is exit 3 and names it' '
	expect_code 3 smokereport -o status.json nope 2>err &&
	contains "smokereport: open nope: No such file or directory" err &&
	test ! -e status.json
'

test_expect_success 'an output directory that does not exist is exit 3' '
	printf "check.a.ok=true\n" >in &&
	expect_code 3 smokereport -o no/such/status.json in 2>err &&
	contains "smokereport: create no/such/status.json:" err
'

if [ -w /dev/full ]; then
	test_expect_success 'a device that cannot be written (/dev/full) is exit 3' '
		printf "check.a.ok=true\nmetrics.p95_ms=1\n" >in &&
		expect_code 3 smokereport -o /dev/full in 2>err &&
		contains "smokereport: write /dev/full: No space left on device" err &&
		expect_code 3 smokereport -o status.json -m /dev/full in 2>err &&
		contains "smokereport: write /dev/full:" err &&
		valid_json status.json
	'
else
	test_skip 'a device that cannot be written (/dev/full) is exit 3' 'no /dev/full'
fi

test_expect_success 'an unknown option and a missing argument are usage errors' '
	expect_code 2 smokereport -x </dev/null 2>err &&
	contains "usage: smokereport [-htV] [-H report.html] [-J junit.xml] [-m metrics.txt] [-o status.json] [-s series.txt] [file ...]" err &&
	expect_code 2 smokereport -o 2>err &&
	contains "usage: smokereport" err
'

test_expect_success '-t: TAP, a plan and one line per check, failures and skips marked' '
	cat >in <<-\EOF &&
	check.healthz.ok=true
	check.healthz.detail=HTTP 200, ok is true
	check.healthz.ms=12.5
	check.models.ok=false
	check.models.detail=HTTP 503 # not ok \ really
	check.leakscan.ok=true
	check.leakscan.skip=no ENV_FILE
	check.gate.ok=true
	EOF
	expect_code 1 smokereport -t in >out 2>err &&
	cat >want <<-\EOF &&
	1..4
	ok 1 - healthz: HTTP 200, ok is true
	not ok 2 - models: HTTP 503 \# not ok \\ really
	ok 3 - leakscan # SKIP no ENV_FILE
	ok 4 - gate
	EOF
	check want out && test ! -s err
'
test_expect_success '-t with -o: TAP on standard output, status.json in its file' '
	printf "check.a.ok=true\ncheck.b.ok=true\ncheck.b.detail=fine\n" >in &&
	expect_code 0 smokereport -t -o status.json in >out &&
	printf "1..2\nok 1 - a\nok 2 - b: fine\n" >want && check want out &&
	valid_json status.json && contains "\"status\": \"pass\"" status.json
'
test_expect_success '-t with no check: one failing test, as the run fails' '
	printf "base_url=http://x\n" >in &&
	expect_code 1 smokereport -t in >out &&
	printf "1..1\nnot ok 1 - checks: no check was recorded\n" >want && check want out
'
test_expect_success 'one standard output only: -t with -o - or -J - is a usage error' '
	printf "check.a.ok=true\n" >in &&
	expect_code 2 smokereport -t -o - in >out 2>err && test ! -s out &&
	contains "only one of" err &&
	expect_code 2 smokereport -t -J - in 2>err &&
	expect_code 2 smokereport -o - -J - in 2>err
'
if have python3; then
	test_expect_success '-J: JUnit XML that python3 parses, one testcase per check' '
		cat >in <<-\EOF &&
		base_url=http://localhost:8082
		check.healthz.ok=true
		check.healthz.detail=HTTP 200
		check.healthz.ms=12.5
		check.models.ok=false
		check.models.detail=HTTP 503 <html> & "quotes"
		check.models.ms=7.5
		check.leakscan.ok=true
		check.leakscan.skip=no ENV_FILE
		EOF
		expect_code 1 smokereport -o status.json -J junit.xml in >out 2>err &&
		test ! -s out && test ! -s err && valid_json status.json &&
		junit_summary junit.xml >got &&
		cat >want <<-\EOF &&
		healthz pass
		models failure HTTP 503 <html> & "quotes"
		leakscan skipped no ENV_FILE
		tests=3 failures=1 skipped=1 time=0.020
		EOF
		check want got &&
		contains "<property name=\"base_url\" value=\"http://localhost:8082\"/>" junit.xml &&
		contains "<testcase classname=\"smokekit\" name=\"healthz\" time=\"0.013\">" junit.xml
	'
	test_expect_success '-J: control characters and bytes that are not UTF-8 still parse' '
		printf "check.x.ok=false\ncheck.x.detail=a\001b\033c\377d\355\240\200e\357\277\276f \303\244 \360\237\230\200\nnote=\002\n" >in &&
		expect_code 1 smokereport -o status.json -J junit.xml in &&
		junit_summary junit.xml >got &&
		printf "x failure a\357\277\275b\357\277\275c\357\277\275d\357\277\275\357\277\275\357\277\275e\357\277\275\357\277\275\357\277\275f \303\244 \360\237\230\200\ntests=1 failures=1 skipped=0 time=None\n" >want &&
		check want got
	'
	test_expect_success '-J with no check: one failing testcase' '
		printf "base_url=http://x\n" >in &&
		expect_code 1 smokereport -o status.json -J junit.xml in &&
		junit_summary junit.xml >got &&
		printf "checks failure no check was recorded\ntests=1 failures=1 skipped=0 time=None\n" >want &&
		check want got
	'
	test_expect_success '-J - writes the XML on standard output' '
		printf "check.a.ok=true\n" >in &&
		expect_code 0 smokereport -J - -o status.json in >junit.xml &&
		junit_summary junit.xml >got &&
		printf "a pass\ntests=1 failures=0 skipped=0 time=None\n" >want && check want got
	'
else
	test_skip "-J: JUnit XML that python3 parses" "no python3"
	test_skip "-J: control characters and bytes that are not UTF-8 still parse" "no python3"
	test_skip "-J with no check: one failing testcase" "no python3"
	test_skip "-J - writes the XML on standard output" "no python3"
fi
test_expect_success '-J is atomic: malformed input or a failed write leaves the old file' '
	printf "check.a.ok=true\n" >in && printf "old junit\n" >junit.xml &&
	printf "check.a.ok=maybe\n" >bad &&
	expect_code 3 smokereport -o status.json -J junit.xml bad 2>err &&
	check_str "old junit" junit.xml &&
	expect_code 3 smokereport -o status.json -J no/such/junit.xml in 2>err &&
	contains "create no/such/junit.xml" err &&
	expect_code 0 smokereport -o status.json -J junit.xml in &&
	contains "<testsuites" junit.xml &&
	ls -A >files && printf "bad\nerr\nfiles\nin\njunit.xml\nstatus.json\n" >want &&
	check want files
'
if [ -w /dev/full ]; then
	test_expect_success '-J or -t to a full disk is exit 3' '
		printf "check.a.ok=true\n" >in &&
		expect_code 3 smokereport -o status.json -J /dev/full in 2>err &&
		contains "write /dev/full" err &&
		expect_code 3 smokereport -t -o status.json in >/dev/full 2>err &&
		contains "smokereport: " err
	'
else
	test_skip '-J or -t to a full disk is exit 3' 'no /dev/full'
fi

test_expect_success 'a long input, from a file and standard input: every line read' '
	awk "BEGIN { for (i = 1; i <= 3000; i++) printf \"check.c%d.ok=true\n\", i;
		print \"check.last.ok=false\" }" >in &&
	expect_code 1 smokereport -t in >out &&
	tail -n 1 out >last && check_str "not ok 3001 - last" last &&
	expect_code 1 smokereport -t <in >out2 && check out out2
'
test_expect_success 'a CR or ESC in a value cannot reach metrics.txt' '
	printf "metrics.note=a\rb\033[31mc\ncheck.x.ok=true\n" >in &&
	expect_code 0 smokereport -o status.json -m metrics.txt in &&
	check_str "note=a?b?[31mc" metrics.txt &&
	valid_json status.json
'

test_done
