# Tests, lint, fuzzing.
#
# make test             every C unit test and every tests/t*.sh, one summary line;
#                       the files run in parallel, J at a time (make test J=1:
#                       one after another; default: three times the CPUs), their
#                       results in a stable order (tests/run.sh says how)
# make test SANITIZE=1  the same, built with ASan+UBSan into bin/san/
# make test-static      the shell suite against bin/static/ (after make static)
# make lint             mandoc -T lint -W style and shellcheck
# make fuzz             each libFuzzer harness for FUZZ_SECONDS

# C unit tests: tests/unit/NAME.c, each linking the library objects it tests.
# The list is every tests/unit/*.c; each needs its unit_NAME_OBJ line here.
UNITS = $(sort $(basename $(notdir $(wildcard tests/unit/*.c))))
unit_die_OBJ     = $(L)/die.o
unit_num_OBJ     = $(LIB_CORE)
unit_atomic_OBJ  = $(LIB_CORE)
unit_jsonout_OBJ = $(LIB_CORE) $(L)/jsonout.o
unit_json_OBJ    = $(LIB_CORE) $(LIB_JSON)
unit_pred_OBJ    = $(LIB_CORE) $(LIB_JSON) $(L)/jpath.o $(L)/pred.o
unit_http_OBJ    = $(L)/clock.o $(L)/civil.o $(HP)/http.o $(L)/num.o $(L)/url.o $(L)/xalloc.o $(L)/die.o
unit_url_OBJ     = $(L)/url.o $(L)/xalloc.o $(L)/die.o
unit_dur_OBJ     = $(LIB_CORE) $(L)/dur.o
unit_k6_OBJ      = $(LIB_CORE) $(LIB_JSON) $(L)/dur.o $(P95PARSE_ENGINE) $(L)/pctl.o
unit_prom_OBJ    = $(LIB_CORE) $(LIB_JSON) $(L)/dur.o $(P95PARSE_ENGINE) $(L)/pctl.o
unit_load_OBJ    = $(LIB_CORE) $(L)/jsonout.o $(HP)/loadstats.o $(L)/loghist.o $(L)/pctl.o
unit_pctl_OBJ    = $(L)/pctl.o $(L)/xalloc.o $(L)/die.o
unit_clock_OBJ   = $(L)/clock.o
unit_sha256_OBJ  = $(L)/sha256.o $(L)/sha256_x86.o
unit_hmac_OBJ    = $(L)/hmac.o $(L)/sha256.o $(L)/sha256_x86.o $(L)/base64.o $(L)/readall.o \
                   $(HP)/sign.o $(HP)/uuid.o $(L)/die.o $(L)/xalloc.o
unit_base64_OBJ  = $(L)/base64.o
unit_uuid_OBJ    = $(HP)/uuid.o $(L)/readall.o $(L)/xalloc.o $(L)/die.o
unit_loghist_OBJ = $(L)/loghist.o $(L)/pctl.o $(L)/xalloc.o $(L)/die.o
unit_rank_OBJ    = $(P9)/rank.o $(L)/pctl.o $(L)/xalloc.o $(L)/die.o
unit_blockmap_OBJ = $(P9)/blockmap.o $(L)/readall.o $(L)/xalloc.o $(L)/die.o

UNIT_BINS = $(UNITS:%=$(O)/tests/unit_%)
$(UNIT_BINS): $(O)/tests/unit_%: $(O)/obj/tests/unit/%.o $$(unit_%_OBJ)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

# Unit tests and fuzzers reach into a program's engine: its folder is on
# their include path (the programs themselves need only tools/lib).
ENGINE_INC = -Itools/httpprobe -Itools/p95parse
$(O)/obj/tests/%.o: ALL_CPPFLAGS += $(ENGINE_INC)

# The demo backend built as bin/static is (make static), when musl-gcc is
# there: the whole of a container image FROM scratch, which t5130 runs
# under a real docker engine without pulling anything.
static-demobackend:
	+@$(STATIC_MAKE) --no-print-directory bin/static/demobackend

test-build: all $(UNIT_BINS) \
            $(if $(shell command -v $(MUSL_CC) 2>/dev/null),static-demobackend)

# The suite runs the same under make -s, -w, -j, -B...: tests/run.sh does
# not pass make's flags on to the makes the tests run.
test: test-build
	@sh tests/run.sh $(O)

# The shell suite against the static binaries; unit tests and the fixture
# come from the normal build.
test-static: static test-build
	@SMOKEKIT_PROGS=bin/static sh tests/run.sh $(O)

SHELL_SCRIPTS = tests/lib.sh tests/run.sh tests/smokelib.sh tests/smokebackends.sh tests/stagelib.sh .ci/run \
                tests/standin/k6 tests/standin/docker \
                $(wildcard tests/t[0-9]*.sh) $(wildcard bench/*.sh) $(wildcard mk/*.sh)

# Every section 1 page: the programs' and the demo backend's (not installed).
LINT_MAN1 = $(MAN1) $(DEMOBACKEND_MAN)

lint:
	@command -v mandoc >/dev/null 2>&1 || \
	    { echo "make lint: mandoc not found (Debian package: mandoc)" >&2; exit 1; }
	@command -v shellcheck >/dev/null 2>&1 || \
	    { echo "make lint: shellcheck not found (Debian package: shellcheck)" >&2; exit 1; }
	@# Cross-references (.Xr) resolve against our own pages. Pages of other
	@# tools (docker, k6, jq...) exist or not depending on the host, so each
	@# one referenced gets a stand-in page: lint then says the same everywhere.
	@rm -rf $(O)/manpath && mkdir -p $(O)/manpath/man1 $(O)/manpath/man7 && \
	    cp $(LINT_MAN1) $(O)/manpath/man1/ && cp $(MAN7) $(O)/manpath/man7/ && \
	    grep -ho 'Xr [A-Za-z0-9_.-]* [1-9]' $(LINT_MAN1) $(MAN7) | sort -u | \
	    while read -r _ name sec; do \
	        [ -f $(O)/manpath/man$$sec/$$name.$$sec ] && continue; \
	        mkdir -p $(O)/manpath/man$$sec && \
	        printf '.Dd November 22, 2026\n.Dt X %s\n.Os\n.Sh NAME\n.Nm %s\n.Nd external\n' \
	            "$$sec" "$$name" >$(O)/manpath/man$$sec/$$name.$$sec; \
	    done && \
	    makewhatis $(O)/manpath
	MANPATH=$(O)/manpath mandoc -T lint -W style $(LINT_MAN1) $(MAN7)
	shellcheck -x $(SHELL_SCRIPTS)

# libFuzzer harnesses: tests/fuzz/fuzz_NAME.c, built with clang.
# Every tests/fuzz/fuzz_NAME.c; each needs its fuzz_NAME_SRC line here.
FUZZERS = $(sort $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c)))
fuzz_json_SRC   = tools/lib/json.c tools/lib/json_block.c tools/lib/die.c tools/lib/num.c tools/lib/xalloc.c
fuzz_pred_SRC   = tools/lib/pred.c tools/lib/jpath.c tools/lib/json.c tools/lib/json_block.c tools/lib/jsonout.c tools/lib/die.c tools/lib/num.c tools/lib/xalloc.c
fuzz_http_SRC   = tools/lib/clock.c tools/httpprobe/http.c tools/lib/civil.c tools/lib/num.c tools/lib/url.c tools/lib/xalloc.c tools/lib/die.c tools/lib/dur.c
fuzz_k6text_SRC = tools/p95parse/result.c tools/p95parse/names.c tools/p95parse/k6name.c tools/p95parse/record.c tools/p95parse/summary.c tools/p95parse/k6log.c tools/p95parse/ndjson.c tools/p95parse/ndjson_fast.c tools/p95parse/prom.c tools/p95parse/detect.c tools/p95parse/csv.c tools/lib/dur.c tools/lib/json.c tools/lib/json_block.c tools/lib/die.c tools/lib/num.c tools/lib/xalloc.c tools/lib/pctl.c
fuzz_ndjson_SRC = tools/p95parse/result.c tools/p95parse/names.c tools/p95parse/k6name.c tools/p95parse/record.c tools/p95parse/summary.c tools/p95parse/k6log.c tools/p95parse/ndjson.c tools/p95parse/ndjson_fast.c tools/p95parse/prom.c tools/p95parse/detect.c tools/p95parse/csv.c tools/lib/dur.c tools/lib/json.c tools/lib/json_block.c tools/lib/die.c tools/lib/num.c tools/lib/xalloc.c tools/lib/pctl.c
fuzz_prom_SRC   = tools/p95parse/result.c tools/p95parse/names.c tools/p95parse/k6name.c tools/p95parse/record.c tools/p95parse/summary.c tools/p95parse/k6log.c tools/p95parse/ndjson.c tools/p95parse/ndjson_fast.c tools/p95parse/prom.c tools/p95parse/detect.c tools/p95parse/csv.c tools/lib/dur.c tools/lib/json.c tools/lib/json_block.c tools/lib/die.c tools/lib/num.c tools/lib/xalloc.c tools/lib/pctl.c
fuzz_csv_SRC    = tools/p95parse/result.c tools/p95parse/names.c tools/p95parse/k6name.c tools/p95parse/record.c tools/p95parse/summary.c tools/p95parse/k6log.c tools/p95parse/ndjson.c tools/p95parse/ndjson_fast.c tools/p95parse/prom.c tools/p95parse/detect.c tools/p95parse/csv.c tools/lib/dur.c tools/lib/json.c tools/lib/json_block.c tools/lib/die.c tools/lib/num.c tools/lib/xalloc.c tools/lib/pctl.c
fuzz_knob_SRC   = tools/lib/url.c tools/lib/dur.c tools/lib/num.c tools/lib/xalloc.c tools/lib/die.c tools/lib/usage.c
fuzz_report_SRC = tools/smokereport/facts.c tools/smokereport/figures.c tools/smokereport/html.c tools/smokereport/markup.c tools/smokereport/series.c tools/smokereport/svg.c tools/lib/die.c tools/lib/num.c tools/lib/xalloc.c tools/lib/readall.c tools/lib/jsonout.c
FUZZ_BINS = $(FUZZERS:%=bin/fuzz/fuzz_%)

$(FUZZ_BINS): bin/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $$(fuzz_%_SRC)
	@mkdir -p $(@D)
	$(FUZZ_CC) -g -O1 -fsanitize=fuzzer,address,undefined $(ALL_CPPFLAGS) $(ENGINE_INC) \
	    -o $@ $^

fuzz: $(FUZZ_BINS)
	@for f in $(FUZZERS); do \
	    mkdir -p bin/fuzz/corpus-$$f; \
	    seeds=; [ -d tests/fuzz/seeds/$$f ] && seeds=tests/fuzz/seeds/$$f; \
	    echo "fuzz_$$f: $(FUZZ_SECONDS)s"; \
	    bin/fuzz/fuzz_$$f -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
	        -artifact_prefix=bin/fuzz/ bin/fuzz/corpus-$$f $$seeds \
	        >bin/fuzz/fuzz_$$f.log 2>&1 || \
	        { tail -n 40 bin/fuzz/fuzz_$$f.log; echo "fuzz_$$f: FAILED" >&2; exit 1; }; \
	    tail -n 1 bin/fuzz/fuzz_$$f.log; \
	done

.PHONY: test test-build static-demobackend test-static lint fuzz
