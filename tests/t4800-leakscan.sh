#!/bin/sh
# leakscan: env-file syntax, raw/base64/percent-encoded finds with FILE:LINE
# and KEY, never a value in any output, the minimum length, exit statuses,
# directories, chunk seams, the manual's EXAMPLES.
# shellcheck source=tests/lib.sh
. "${0%/*}/lib.sh"

# The secret of most tests: its base64 has '+' and '/', so the URL-safe
# alphabet differs; it has bytes that percent-encoding changes.
V='s3cr3t>>??~~ value/z!'
export V

# shellcheck disable=SC2317 # helpers called from test bodies (eval)
{
# b64 STRING: standard base64 on one line.
b64() {
	printf %s "$1" | base64 | tr -d '\n'
}
# pct STRING: every byte as %xx (lower-case hex).
pct() {
	printf %s "$1" | od -An -tx1 | tr -d ' \n' | sed 's/../%&/g'
}
# noleak FILE...: no output file holds V or its encodings.
noleak() {
	for f; do
		lacks "$V" "$f" && lacks "$(b64 "$V" | cut -c1-16)" "$f" &&
		lacks "$(pct "$V" | cut -c1-24)" "$f" || return 1
	done
}
}

test_expect_success 'raw: FILE:LINE: KEY (raw), exit 1' '
	printf "API_KEY=\"%s\"\n" "$V" >.env &&
	printf "one\ntwo %s two\nthree\n" "$V" >log &&
	expect_code 1 leakscan .env log >out 2>err &&
	check_str "log:2: API_KEY (raw)" out &&
	test ! -s err && noleak out
'
test_expect_success 'a control character in a file name prints as ?' '
	printf "API_KEY=\"%s\"\n" "$V" >.env &&
	printf "%s\n" "$V" >"$(printf "a\nb")" &&
	expect_code 1 leakscan .env "$(printf "a\nb")" >out &&
	check_str "a?b:1: API_KEY (raw)" out
'
test_expect_success 'nothing found: no output, exit 0' '
	printf "API_KEY=\"%s\"\n" "$V" >.env &&
	printf "s3cr3t>>??~~ valu\n" >log &&
	expect_code 0 leakscan .env log >out 2>err &&
	test ! -s out && test ! -s err
'
if have base64; then
	test_expect_success 'base64: standard and URL-safe, with and without padding' '
		printf "API_KEY=\"%s\"\n" "$V" >.env &&
		s=$(b64 "$V") && u=$(echo "$s" | tr "+/" "-_") &&
		test "$s" != "$u" &&
		printf "a\n%s\n%s\n%s\n" "$s" "$u" "$(echo "$u" | tr -d =)" >log &&
		expect_code 1 leakscan .env log >out &&
		printf "log:%s: API_KEY (base64)\n" 2 3 4 >want &&
		check want out && noleak out
	'
	test_expect_success 'base64: the value anywhere inside a longer encoded text' '
		printf "API_KEY=\"%s\"\n" "$V" >.env &&
		: >log &&
		for pre in "" a ab abc abcd abcde "Authorization: Basic u:"; do
			b64 "$pre$V and more" >>log && echo >>log &&
			b64 "$pre$V" | tr "+/" "-_" >>log && echo >>log || exit 1
		done &&
		expect_code 1 leakscan .env log >out &&
		grep -c "(base64)" out >n && check_str 14 n && noleak out
	'
else
	test_skip "base64: standard and URL-safe" "no base64 command"
	test_skip "base64: the value anywhere inside a longer encoded text" "no base64 command"
fi
test_expect_success 'urlencoded: every byte, upper or lower hex, some bytes, form +' '
	printf "API_KEY=\"%s\"\n" "$V" >.env &&
	all=$(pct "$V") &&
	upper=$(echo "$all" | tr a-f A-F) &&
	some="s3cr3t%3E%3E%3F%3F~~%20value%2Fz%21" &&
	form="s3cr3t%3E%3E%3F%3F~~+value%2Fz%21" &&
	printf "x\nGET /?k=%s HTTP/1.1\n%s\n%s\n%s&next=1\n" "$all" "$upper" "$some" "$form" >log &&
	expect_code 1 leakscan .env log >out &&
	printf "log:%s: API_KEY (urlencoded)\n" 2 3 4 5 >want &&
	check want out && noleak out
'
test_expect_success 'a literal + is not a space when the value has a +' '
	printf "K=a+b%%c+12345\n" >.env &&
	printf "a%%2Bb%%25c%%2B12345\na+b%%25c+12345\n" >log &&
	expect_code 1 leakscan .env log >out &&
	printf "log:%s: K (urlencoded)\n" 1 2 >want &&
	check want out
'
test_expect_success 'one line, several keys and encodings: one line each, sorted' '
	printf "B_KEY=bbbbbbbb1\nA_KEY=aaaaaaaa1\n" >.env &&
	printf "aaaaaaaa1 bbbbbbbb1 aaaaaaaa1 %s\n" "$(pct bbbbbbbb1)" >log &&
	expect_code 1 leakscan .env log >out &&
	cat >want <<-EOF &&
	log:1: B_KEY (raw)
	log:1: B_KEY (urlencoded)
	log:1: A_KEY (raw)
	EOF
	check want out
'

# JSON escaping: every form a JSON writer may produce for a value, each on
# its own line; the value has '/', '"', '\', a newline, a tab, non-ASCII
# text of two, three and four UTF-8 bytes.
test_expect_success 'json: escaped slash, quote, backslash, newline, tab; u-escapes in any case, surrogate pairs' '
	printf "W=\"p/a\\\\\"s\\\\\\\\s\\\\nx\\\\ty\303\244\342\202\254\360\237\230\200-tail\"\n" >.env &&
	{
		printf "%s\n" "{\"w\":\"p\\/a\\\"s\\\\s\\nx\\ty\\u00e4\\u20ac\\ud83d\\ude00-tail\"}"
		printf "%s\n" "{\"w\":\"p/a\\\"s\\\\s\\nx\\ty\\u00E4\\u20AC\\uD83D\\uDE00-tail\"}"
		printf "%s\303\244\342\202\254\360\237\230\200%s\n" "p/a\\\"s\\\\s\\nx\\ty" "-tail"
		printf "%s\n" "p\\u002fa\\u0022s\\u005cs\\u000ax\\u0009y\\u00e4\\u20aC\\uD83d\\udE00-tail"
		printf "%s\n" "p/a\\\"s\\\\s\\nx\\ty\\u00e4\\u20ac\\ud83d-tail"
	} >log &&
	expect_code 1 leakscan .env log >out 2>err &&
	printf "log:%s: W (json)\n" 1 2 3 4 >want &&
	check want out && test ! -s err
'
test_expect_success 'json: every character u-escaped, control characters, b f r escapes' '
	printf "K=k3y/\303\244!\nC=\"ctl\001\\\\b\\\\f\\\\r-end\"\n" >.env &&
	printf "%s\n" "\\u006b\\u0033\\u0079\\u002F\\u00E4\\u0021" \
	    "\\u006B\\u0033\\u0079\\/\\u00e4!" "ctl\\u0001\\b\\f\\r-end" \
	    "ctl\\u0001\\u0008\\u000C\\u000d-end" >log &&
	expect_code 1 leakscan .env log >out &&
	printf "log:1: K (json)\nlog:2: K (json)\nlog:3: C (json)\nlog:4: C (json)\n" >want &&
	check want out
'
test_expect_success 'json: HTML-safe writers (Go: u003c u003e u0026, u2028)' '
	printf "K=\"<a&b>\342\200\250tail\"\n" >.env &&
	printf "%s\n" "{\"k\":\"\\u003ca\\u0026b\\u003e\\u2028tail\"}" >log &&
	expect_code 1 leakscan .env log >out &&
	check_str "log:1: K (json)" out
'
test_expect_success 'html: a value as an HTML page writes it (named and numeric references)' '
	printf "T=a&b<c>\"d'\''e\nP=s3cr3t-\303\251-x\n" >.env &&
	{
		printf "%s\n" "<td>a&amp;b&lt;c&gt;&quot;d&apos;e</td>"
		printf "%s\n" "<td>a&#x26;b&#60;c&GT;&#34;d&#39;e</td> <td>s3cr3t-&#233;-x</td>"
		printf "%s\n" "<td>a&amp;b&lt;c&gt;&quot;d</td> s3cr3t-&#xE9-x"
	} >report.html &&
	expect_code 1 leakscan .env report.html >out 2>err &&
	printf "report.html:1: T (html)\nreport.html:2: P (html)\n" >want &&
	check want out && test ! -s err
'
test_expect_success 'json: a byte that is not UTF-8, u-escaped as Latin-1 writers do' '
	printf "L=caf\344-latin\n" >.env &&
	printf "%s\n" "{\"l\":\"caf\\u00e4-latin\"}" "{\"l\":\"caf\\u00C3\\u00A4-latin\"}" >log &&
	expect_code 1 leakscan .env log >out &&
	check_str "log:1: L (json)" out &&
	printf "M=caf\303\244-utf8\n" >.env &&
	printf "%s\n" "caf\\u00c3\\u00a4-utf8" "caf\\u00e4-utf8" >log &&
	expect_code 1 leakscan .env log >out &&
	printf "log:1: M (json)\nlog:2: M (json)\n" >want && check want out
'
test_expect_success 'json: a backslash that escapes nothing stays; a value already raw is raw' '
	printf "K=\"back\\\\\\\\slash-value\"\n" >.env &&
	printf "%s\n" "back\\slash-value" "back\\\\slash-value" "back\\qslash-value" >log &&
	expect_code 1 leakscan .env log >out &&
	printf "log:1: K (raw)\nlog:2: K (json)\n" >want && check want out
'
if have python3; then
	test_expect_success 'json: what python3 json.dumps writes, ASCII-only or not, and JSON in a JSON string' '
		printf "K=\"v/al\\\\\"ue\\\\\\\\ \303\244\360\237\230\200\\\\n\001end\"\n" >.env &&
		python3 -c "import json,sys
v = \"v/al\\\"ue\\\\ \u00e4\U0001F600\n\x01end\"
print(json.dumps({\"k\": v}))
print(json.dumps({\"k\": v}, ensure_ascii=False))
print(json.dumps(json.dumps({\"k\": v})))" >log &&
		expect_code 1 leakscan .env log >out &&
		printf "log:1: K (json)\nlog:2: K (json)\nlog:3: K (json)\n" >want && check want out
	'
else
	test_skip "json: what python3 json.dumps writes, ASCII-only or not, and JSON in a JSON string" "no python3"
fi

test_expect_success 'json: escaped two and three times (JSON logs of JSON bodies)' '
	printf "K=\"a/b\\\\\"c-value\"\n" >.env &&
	printf "%s\n" "{\"log\":\"{\\\"k\\\":\\\"a\\\\/b\\\\\\\"c-value\\\"}\"}" \
	    "a\\\\\\\\\\\\/b\\\\\\\\\\\\\\\"c-value" "a\\\\u002fb\\\\u0022c-value" >log &&
	expect_code 1 leakscan .env log >out &&
	printf "log:%s: K (json)\n" 1 2 3 >want && check want out
'
test_expect_success 'json: an escaped value across the 1 MiB chunk boundary' '
	printf "K=\"%s\"\n" "$V" >.env &&
	e=$(printf %s "$V" | od -An -tx1 | tr -d " \n" | sed "s/../\\\\u00&/g") &&
	: >want &&
	for k in 1 3 40 100 125; do
		# The boundary falls after the first k characters of the escaped value.
		awk -v k=$k -v e="$e" -v f=f$k "BEGIN { n = 1048576 - k; q = int(n / 10);
			for (i = 0; i < q; i++) print \"xxxxxxxxx\" >f;
			for (i = 0; i < n - 10 * q; i++) printf \"y\" >f;
			print e >f; printf \"%s:%d: K (json)\\n\", f, q + 1 }" >>want || exit 1
	done &&
	expect_code 1 leakscan .env f1 f3 f40 f100 f125 >out &&
	check want out
'

test_expect_success 'env files around the reader'\''s buffer sizes, from a file and standard input' '
	for size in 4094 4095 4096 4097 8191 8192 70000; do
		# Comment lines pad the file so that the last line ends at size bytes.
		line="LAST=last-secret-$size" &&
		awk -v n=$((size - ${#line} - 1)) "BEGIN { while (n > 0) { k = n > 80 ? 80 : n;
			if (n - k > 0 && n - k < 2) k = n - 2;
			s = \"#\"; for (i = 2; i < k; i++) s = s \"x\"; print s; n -= k } }" >e$size &&
		echo "$line" >>e$size && test "$(wc -c <e$size)" -eq $size &&
		echo "last-secret-$size" >log$size &&
		expect_code 1 leakscan e$size log$size >out && check_str "log$size:1: LAST (raw)" out &&
		expect_code 1 leakscan -e - log$size <e$size >out && check_str "log$size:1: LAST (raw)" out ||
		exit 1
	done
'

# A malformed env file: every readable value is still looked for.
test_expect_success 'a malformed line: said by number, the other values scanned, exit 3' '
	printf "A=alpha-value-1\nBAD KEY=bad-key-secret\nB=beta-value-2\n=no-key-secret\nC=\"gamma-value-3\"junk\nD=delta-value-4\n" >.env &&
	printf "alpha-value-1 beta-value-2\ngamma-value-3\ndelta-value-4\n" >log &&
	expect_code 3 leakscan .env log >out 2>err &&
	printf "log:1: A (raw)\nlog:1: B (raw)\nlog:2: C (raw)\nlog:3: D (raw)\n" >want &&
	check want out &&
	cat >want <<-\EOF &&
	leakscan: .env:2: expected '\''='\'' after the variable name
	leakscan: .env:4: not a variable name
	leakscan: .env:5: text after the closing quote
	EOF
	check want err && lacks secret err && lacks junk err
'
test_expect_success 'an unterminated quote: its line taken as the value, the next lines read' '
	printf "A=\"open-secret-1 \nB=beta-value-2\nC='\''single-open-3\nD=\"delta-value-4\"\n" >.env &&
	printf "x open-secret-1 x\nbeta-value-2\nsingle-open-3\ndelta-value-4\n" >log &&
	expect_code 3 leakscan .env log >out 2>err &&
	printf "log:1: A (raw)\nlog:2: B (raw)\nlog:3: C (raw)\nlog:4: D (raw)\n" >want &&
	check want out &&
	printf "leakscan: .env:1: unterminated double quote\nleakscan: .env:3: unterminated single quote\n" >want &&
	check want err
'

test_expect_success 'a NUL byte is a malformed line; a binary file says ten and stops saying' '
	printf "A=alpha-value-1\nB=be\000ta-secret\nC=gamma-value-3\n" >.env &&
	printf "alpha-value-1 gamma-value-3\n" >log &&
	expect_code 3 leakscan .env log >out 2>err &&
	printf "log:1: A (raw)\nlog:1: C (raw)\n" >want && check want out &&
	check_str "leakscan: .env:2: a NUL byte" err &&
	i=0 && while [ $i -lt 50 ]; do printf "X\000=%d\n" $i; i=$((i + 1)); done >bin.env &&
	printf "D=delta-value-4\n" >>bin.env && echo delta-value-4 >log &&
	expect_code 3 leakscan bin.env log >out 2>err &&
	check_str "log:1: D (raw)" out &&
	grep -c "a NUL byte" err >n && check_str 10 n &&
	tail -n 1 err >last && check_str "leakscan: bin.env:11: more malformed lines, not shown" last
'

# What is no secret: a host the run uses, a common word.
test_expect_success 'no secret: loopback hosts and URLs of them, alone or with a port' '
	cat >.env <<-\EOF &&
	DB_HOST=localhost
	BASE_URL=http://localhost:8082
	SLASHED=http://LocalHost:8082/
	LOOP=127.0.0.1
	LOOP2=127.1.2.3:5432
	ANY=0.0.0.0
	V6=[::1]:8080
	V6URL=http://[::1]/
	DOCKER=host.docker.internal
	API_KEY=the-real-secret
	EOF
	cat >log <<-\EOF &&
	GET http://localhost:8082/ from 127.0.0.1 and 127.1.2.3:5432 on 0.0.0.0
	[::1]:8080 http://[::1]/ host.docker.internal http://LocalHost:8082/
	the-real-secret
	EOF
	expect_code 1 leakscan -n 1 .env log >out &&
	check_str "log:3: API_KEY (raw)" out
'
test_expect_success 'a URL of a loopback host that carries more is still a secret' '
	cat >.env <<-\EOF &&
	CRED=postgres://app:pw@localhost:5432/db
	HOOK=http://localhost:8082/hook/T0KEN
	QUERY=http://127.0.0.1/?key=abc
	NOTLOOP=128.0.0.1
	BADPORT=localhost:80x
	EOF
	printf "postgres://app:pw@localhost:5432/db http://localhost:8082/hook/T0KEN\n" >log &&
	printf "http://127.0.0.1/?key=abc 128.0.0.1 localhost:80x\n" >>log &&
	expect_code 1 leakscan -n 1 .env log >out &&
	cat >want <<-\EOF &&
	log:1: CRED (raw)
	log:1: HOOK (raw)
	log:2: QUERY (raw)
	log:2: NOTLOOP (raw)
	log:2: BADPORT (raw)
	EOF
	check want out
'
test_expect_success '-H: a value naming a host the run uses is no secret' '
	printf "DB_HOST=api.internal\nURL=https://API.internal:8443\nKEY=api.internal.secret\n" >.env &&
	printf "api.internal https://API.internal:8443 api.internal.secret\n" >log &&
	expect_code 1 leakscan .env log >out &&
	printf "log:1: DB_HOST (raw)\nlog:1: URL (raw)\nlog:1: KEY (raw)\n" >want &&
	check want out &&
	expect_code 1 leakscan -H api.internal .env log >out &&
	check_str "log:1: KEY (raw)" out &&
	expect_code 1 leakscan -H API.INTERNAL -H other .env log >out &&
	check_str "log:1: KEY (raw)" out
'
test_expect_success 'no secret: booleans, environment names, log levels, in any case' '
	printf "A=true\nB=False\nC=production\nD=Development\nE=WARNING\nF=disabled\nG=staging\nH=s3cret\n" >.env &&
	printf "true False production Development WARNING disabled staging\ns3cret\n" >log &&
	expect_code 1 leakscan -n 1 .env log >out &&
	check_str "log:2: H (raw)" out &&
	printf "A=true\nC=production\n" >only.env &&
	expect_code 0 leakscan -n 1 only.env log >out 2>err &&
	test ! -s out && contains "nothing to look for" err
'

# Env-file syntax: each line of syntax.env and the value it must yield.
test_expect_success 'env syntax: quotes, escapes, export, comments, CRLF, blanks' '
	cat >syntax.env <<-\EOF &&
	# a comment line, then a blank one

	PLAIN=plain-value-1
	export EXPORTED=exported-value-2
	export  SPACED_EXPORT=spaced-value-3
	  INDENTED=indented-value-4
	AROUND = around-value-5
	DQ="dq value \"six\" \\ back\tslash"
	SQ='\''sq value \n seven'\''
	COMMENTED=commented-value-8 # not part of it
	HASHED=hashed#value-9
	MULTI="multi line
	value-11"
	BARE_FROM_ENVIRONMENT
	DQ_COMMENT="dq-comment-12" # a comment
	EOF
	printf "CRLF=crlf-value-13\r\nTRAILING=trailing-value-10 \t \n" >>syntax.env &&
	printf "plain-value-1\nexported-value-2\nspaced-value-3\nindented-value-4\n" >log &&
	printf "around-value-5\ndq value \"six\" \\\\ back\tslash\nsq value \\\\n seven\n" >>log &&
	printf "commented-value-8\nhashed#value-9\ntrailing-value-10\nmulti line\nvalue-11\n" >>log &&
	printf "dq-comment-12\ncrlf-value-13\n" >>log &&
	expect_code 1 leakscan syntax.env log >out &&
	cat >want <<-EOF &&
	log:1: PLAIN (raw)
	log:2: EXPORTED (raw)
	log:3: SPACED_EXPORT (raw)
	log:4: INDENTED (raw)
	log:5: AROUND (raw)
	log:6: DQ (raw)
	log:7: SQ (raw)
	log:8: COMMENTED (raw)
	log:9: HASHED (raw)
	log:10: TRAILING (raw)
	log:11: MULTI (raw)
	log:13: DQ_COMMENT (raw)
	log:14: CRLF (raw)
	EOF
	check want out
'
test_expect_success 'env syntax: what a value is not (comment, quotes, CR, escapes)' '
	printf "A=alpha-value # comment\nB=\"beta-value\"\nC=gamma-value\r\nD=\"d\\\\ne-value\"\n" >.env &&
	printf "alpha-value # comment\n\"beta-value\"\ngamma-value\r\nd\\\\ne-value\n" >log &&
	expect_code 1 leakscan .env log >out &&
	cat >want <<-EOF &&
	log:1: A (raw)
	log:2: B (raw)
	log:3: C (raw)
	log:4: D (json)
	EOF
	check want out &&
	printf "d\ne-value\n" >log2 &&
	expect_code 1 leakscan .env log2 >out &&
	check_str "log2:1: D (raw)" out
'
test_expect_success 'env syntax errors: exit 3, the line named, never the value' '
	printf "OK=fine-value\nBAD=\"unterminated-secret-value\n" >e1 &&
	expect_code 3 leakscan e1 . >out 2>err &&
	contains "e1:2: unterminated double quote" err &&
	printf "X='\''single-secret-value\n" >e2 &&
	expect_code 3 leakscan e2 . 2>err2 &&
	contains "e2:1: unterminated single quote" err2 &&
	printf "\nX=\"quoted-secret-value\"trailing-secret\n" >e3 &&
	expect_code 3 leakscan e3 . 2>err3 &&
	contains "e3:2: text after the closing quote" err3 &&
	printf "#\nBAD KEY=bad-key-secret-value\n" >e4 &&
	expect_code 3 leakscan e4 . 2>err4 &&
	contains "e4:2: expected" err4 &&
	printf "=no-key-secret-value\n" >e5 &&
	expect_code 3 leakscan e5 . 2>err5 &&
	contains "e5:1: not a variable name" err5 &&
	for f in err err2 err3 err4 err5; do
		lacks "secret" $f || exit 1
	done &&
	test ! -s out
'
test_expect_success 'minimum length: 6 by default, -n sets it' '
	printf "FIVE=abcde\nSIX=abcdef\n" >.env &&
	printf "xx abcde xx\nyy abcdef yy\n" >log &&
	expect_code 1 leakscan .env log >out &&
	check_str "log:2: SIX (raw)" out &&
	expect_code 1 leakscan -n 5 .env log >out &&
	printf "log:1: FIVE (raw)\nlog:2: FIVE (raw)\nlog:2: SIX (raw)\n" >want &&
	check want out &&
	expect_code 0 leakscan -n 7 .env log >out 2>err &&
	test ! -s out &&
	contains "no value of 7 characters or more" err
'
test_expect_success 'directories: recursion, sorted, the env file itself skipped' '
	mkdir -p run/b run/a/deep && printf "TOKEN=%s\n" "$V" >run/.env &&
	printf "%s\n" "$V" >run/b/x.log && printf "\n%s\n" "$V" >run/a/deep/y.log &&
	printf "clean\n" >run/a/z.txt && cp run/.env run/copy-of-env &&
	expect_code 1 leakscan run/.env run >out 2>err &&
	cat >want <<-EOF &&
	run/a/deep/y.log:2: TOKEN (raw)
	run/b/x.log:1: TOKEN (raw)
	run/copy-of-env:1: TOKEN (raw)
	EOF
	check want out && test ! -s err &&
	expect_code 0 leakscan run/.env run/.env >out 2>err &&
	contains "run/.env: skipped: it is the env file" err
'
test_expect_success 'links inside a directory are not followed; named ones are' '
	printf "TOKEN=%s\n" "$V" >.env && mkdir -p out run/sub &&
	printf "%s\n" "$V" >out/secret.txt &&
	ln -s ../out/secret.txt run/link.txt && ln -s ../../out run/sub/dirlink &&
	ln -s .. run/sub/loop &&
	expect_code 0 leakscan .env run >out.txt 2>err &&
	test ! -s out.txt && test ! -s err &&
	expect_code 1 leakscan .env run/link.txt >out.txt &&
	check_str "run/link.txt:1: TOKEN (raw)" out.txt
'
test_expect_success 'several -e files, -x drops a key, - reads standard input' '
	printf "A=alpha-secret\n" >one.env && printf "B=beta-secret\nHOST=localhost\n" >two.env &&
	printf "alpha-secret beta-secret localhost\n" >log &&
	expect_code 1 leakscan -e one.env -e two.env -x HOST log >out &&
	printf "log:1: A (raw)\nlog:1: B (raw)\n" >want && check want out &&
	expect_code 1 leakscan -x HOST -x B -e two.env -e one.env - <log >out &&
	check_str "-:1: A (raw)" out
'
test_expect_success '-q: nothing printed, the status says it' '
	printf "K=%s\n" "$V" >.env && printf "%s\n" "$V" >log && : >clean &&
	expect_code 1 leakscan -q .env log >out 2>err &&
	test ! -s out && test ! -s err &&
	expect_code 0 leakscan -q .env clean >out &&
	test ! -s out
'
test_expect_success '-j: one JSON object per finding' '
	printf "K=%s\n" "$V" >.env && printf "\n\n%s\n" "$V" >"we\"ird.log" &&
	expect_code 1 leakscan -j .env "we\"ird.log" >out &&
	check_str "{\"file\":\"we\\\"ird.log\",\"line\":3,\"key\":\"K\",\"encoding\":\"raw\"}" out &&
	noleak out
'
test_expect_success 'exit statuses: usage 2; missing file 3, and 3 outranks 1' '
	printf "K=%s\n" "$V" >.env && printf "%s\n" "$V" >log &&
	expect_code 2 leakscan 2>err && contains "usage: leakscan" err &&
	expect_code 2 leakscan .env 2>err &&
	expect_code 2 leakscan -e .env 2>err &&
	expect_code 2 leakscan -n 0 .env log 2>err && contains "bad minimum length" err &&
	expect_code 2 leakscan -n 6x .env log 2>err &&
	expect_code 3 leakscan no-such.env log 2>err && contains "open no-such.env" err &&
	expect_code 3 leakscan .env missing log >out 2>err &&
	contains "missing: No such file or directory" err &&
	check_str "log:1: K (raw)" out
'
if [ "$(id -u)" -ne 0 ]; then
	test_expect_success 'an unreadable file is exit 3, the others still scanned' '
		printf "K=%s\n" "$V" >.env && printf "%s\n" "$V" >a && : >b && chmod 000 b &&
		expect_code 3 leakscan .env a b >out 2>err &&
		contains "open b" err && check_str "a:1: K (raw)" out
	'
elif have setpriv; then
	# Root reads anything: the same as uid 65534, in a directory it may enter.
	test_expect_success 'an unreadable file is exit 3, the others still scanned (as uid 65534)' '
		d=$(mktemp -d "${TMPDIR:-/tmp}/leakscan-perm.XXXXXX") && chmod 755 "$d" &&
		printf "K=%s\n" "$V" >"$d/.env" && printf "%s\n" "$V" >"$d/a" && : >"$d/b" &&
		chmod 644 "$d/.env" "$d/a" && chmod 000 "$d/b" &&
		(cd "$d" && expect_code 3 setpriv --reuid=65534 --regid=65534 --clear-groups \
			"$PROGS/leakscan" .env a b) >out 2>err
		st=$?
		rm -rf "$d"
		test "$st" -eq 0 && contains "open b" err && check_str "a:1: K (raw)" out
	'
else
	test_skip "an unreadable file is exit 3, the others still scanned" "root reads anything, and no setpriv to be another uid"
fi
test_expect_success 'chunk seams: a value across the 1 MiB boundary, lines counted' '
	printf "K=%s\n" "$V" >.env &&
	for k in 1 5 12 20; do
		awk -v k=$k "BEGIN { for (i = 0; i < 104857; i++) print \"xxxxxxxxx\";
			s = \"\"; for (i = 0; i < 6 - k; i++) s = s \"y\"; printf \"%s\", s }" >f$k &&
		printf "%s\nafter\n%s\n" "$V" "$(pct "$V")" >>f$k || exit 1
	done &&
	expect_code 1 leakscan .env f1 f5 f12 f20 >out &&
	for k in 1 5 12 20; do
		printf "f%s:104858: K (raw)\nf%s:104860: K (urlencoded)\n" $k $k
	done >want &&
	check want out
'
test_expect_success 'a binary file is scanned too' '
	printf "K=%s\n" "$V" >.env &&
	printf "\000\001\002\n\377%s\000" "$V" >bin &&
	expect_code 1 leakscan .env bin >out &&
	check_str "bin:2: K (raw)" out
'
test_expect_success 'no output of any kind ever holds a value' '
	printf "K=%s\nL=\"%s\"\n" "$V" "$V" >.env &&
	printf "%s\n%s\n" "$V" "$(pct "$V")" >log &&
	if have base64; then b64 "$V" >>log; fi &&
	for o in "" -j -q "-n 1" "-x K"; do
		# shellcheck disable=SC2086
		leakscan $o .env log . missing >>out 2>>err
	done
	contains "(raw)" out && contains "(urlencoded)" out && noleak out err
'

# The manual's EXAMPLES, in its order.
test_expect_success 'EXAMPLES: the values of .env in a run directory' '
	mkdir -p runs/latest && printf "API_KEY=%s\n" "$V" >.env &&
	printf "GET /v1/models\nAuthorization: Bearer %s\n" "$V" >runs/latest/k6_stdout.log &&
	expect_code 1 leakscan .env runs/latest >out &&
	check_str "runs/latest/k6_stdout.log:2: API_KEY (raw)" out
'
test_expect_success 'EXAMPLES: two env files, a key that is no secret' '
	mkdir -p runs && printf "API_KEY=%s\nDB_HOST=localhost\n" "$V" >.env &&
	printf "SIGNING=signing-secret\n" >secrets.env &&
	printf "connected to localhost\n" >runs/db.log &&
	expect_code 0 leakscan -x DB_HOST -e .env -e secrets.env runs >out &&
	test ! -s out
'
test_expect_success 'EXAMPLES: a host the run uses is no secret' '
	mkdir -p runs/latest && printf "API_KEY=%s\nDB_HOST=api.internal\n" "$V" >.env &&
	printf "GET http://api.internal/v1/models\n" >runs/latest/k6_stdout.log &&
	expect_code 0 leakscan -H api.internal .env runs/latest >out &&
	test ! -s out
'
test_expect_success 'EXAMPLES: in a script, only the status' '
	mkdir -p runs/latest && printf "API_KEY=%s\n" "$V" >.env &&
	printf "%s\n" "$(pct "$V")" >runs/latest/access.log &&
	{ leakscan -q .env runs/latest || echo "do not share this run"; } >out &&
	check_str "do not share this run" out
'
test_expect_success 'EXAMPLES: JSON lines for a report' '
	mkdir -p runs/latest && printf "API_KEY=%s\n" "$V" >.env &&
	printf "%s\n" "$V" >runs/latest/compose.log &&
	expect_code 1 leakscan -j .env runs/latest >leaks.json &&
	check_str "{\"file\":\"runs/latest/compose.log\",\"line\":1,\"key\":\"API_KEY\",\"encoding\":\"raw\"}" leaks.json
'

test_done
