# Compiling. Every program lists the library objects it links, explicitly,
# so a program never drags in code it does not use.

WARN = -std=c11 -Wall -Wextra -Wpedantic -Wmissing-prototypes \
       -Wstrict-prototypes -Wwrite-strings -Wvla
ifneq ($(WERROR),)
WARN += -Werror
endif
ifneq ($(SANITIZE),)
SANFLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all \
           -fno-omit-frame-pointer
ifeq ($(O),bin)
override O := bin/san
endif
endif

ALL_CPPFLAGS = -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
               -DSMOKEKIT_VERSION='"$(VERSION)"' -Itools/lib $(CPPFLAGS)
ALL_CFLAGS   = $(WARN) $(CFLAGS) $(SANFLAGS)
ALL_LDFLAGS  = $(LDFLAGS) $(SANFLAGS)

PROGS = aclcheck httpprobe jsonfield knobcheck leakscan p95parse portfree smokereport
MAN1  = $(PROGS:%=man/%.1)
MAN7  = man/smokekit.7

# Shared objects (tools/lib/): only what two or more programs link.
L = $(O)/obj/tools/lib
LIB_CORE = $(L)/die.o $(L)/num.o $(L)/atomic.o $(L)/xalloc.o $(L)/usage.o
LIB_JSON = $(L)/json.o $(L)/json_block.o $(L)/jsonout.o

# Engines of one program each, in the program's own folder.
HP = $(O)/obj/tools/httpprobe
P9 = $(O)/obj/tools/p95parse
HTTPPROBE_ENGINE = $(HP)/http.o $(L)/civil.o $(HP)/loadstats.o $(L)/loghist.o $(HP)/load.o $(HP)/observe.o
P95PARSE_ENGINE  = $(P9)/result.o $(P9)/names.o $(P9)/k6name.o $(P9)/record.o \
                   $(P9)/summary.o $(P9)/k6log.o $(P9)/ndjson.o $(P9)/ndjson_fast.o \
                   $(P9)/prom.o $(P9)/detect.o $(P9)/series.o $(P9)/csv.o $(P9)/feed.o \
                   $(P9)/rank.o $(P9)/blockmap.o $(P9)/histjson.o $(P9)/merge.o $(L)/loghist.o $(L)/readall.o $(L)/civil.o

# What each program links: its own objects first, then the library.
aclcheck_OBJ    = $(O)/obj/tools/aclcheck.o $(LIB_CORE) $(L)/jsonout.o
httpprobe_OBJ   = $(HP)/httpprobe.o $(HTTPPROBE_ENGINE) $(LIB_CORE) $(LIB_JSON) $(L)/jpath.o $(L)/pred.o $(L)/clock.o $(L)/pctl.o $(L)/url.o $(L)/dur.o \
                  $(HP)/sign.o $(L)/hmac.o $(L)/sha256.o $(L)/sha256_x86.o $(L)/base64.o $(HP)/uuid.o $(L)/readall.o
jsonfield_OBJ   = $(O)/obj/tools/jsonfield.o $(LIB_CORE) $(LIB_JSON) $(L)/jpath.o $(L)/pred.o
knobcheck_OBJ   = $(O)/obj/tools/knobcheck.o $(LIB_CORE) $(L)/dur.o $(L)/url.o
leakscan_OBJ    = $(O)/obj/tools/leakscan.o $(LIB_CORE) $(L)/jsonout.o $(L)/readall.o
p95parse_OBJ    = $(P9)/p95parse.o $(P9)/counter.o $(P95PARSE_ENGINE) $(LIB_CORE) $(LIB_JSON) $(L)/dur.o $(L)/pctl.o
portfree_OBJ    = $(O)/obj/tools/portfree.o $(L)/die.o $(L)/num.o $(L)/usage.o $(L)/xalloc.o $(L)/jsonout.o $(L)/clock.o $(L)/url.o $(L)/dur.o
smokereport_OBJ = $(O)/obj/tools/smokereport/smokereport.o $(O)/obj/tools/smokereport/facts.o $(O)/obj/tools/smokereport/figures.o $(O)/obj/tools/smokereport/html.o $(O)/obj/tools/smokereport/markup.o $(O)/obj/tools/smokereport/series.o $(O)/obj/tools/smokereport/svg.o $(LIB_CORE) $(L)/jsonout.o $(L)/readall.o

# The demo backend (make demo, and the suite's fixture server): built
# from tools/demobackend/ like the programs, never installed.
DB = $(O)/obj/tools/demobackend
demobackend_OBJ = $(DB)/demobackend.o $(DB)/server.o $(DB)/request.o $(DB)/reply.o $(DB)/conn.o \
                  $(DB)/routes.o $(DB)/faults.o $(DB)/keys.o $(DB)/stage.o $(DB)/verify.o \
                  $(DB)/buf.o $(DB)/hash.o $(DB)/now.o \
                  $(LIB_CORE) $(LIB_JSON) $(L)/clock.o $(L)/hmac.o $(L)/sha256.o $(L)/sha256_x86.o $(L)/base64.o $(L)/readall.o
DEMOBACKEND = $(O)/demobackend
# Its manual is linted with the others (make lint), and not installed either.
DEMOBACKEND_MAN = man/demobackend.1

all: $(PROGS:%=$(O)/%) $(DEMOBACKEND)

.SECONDEXPANSION:
$(PROGS:%=$(O)/%) $(DEMOBACKEND): $(O)/%: $$(%_OBJ)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

$(O)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

-include $(shell find $(O)/obj -name '*.d' 2>/dev/null)

# Programs by name: `make jsonfield` builds bin/jsonfield.
$(PROGS): %: $(O)/%

clean:
	rm -rf bin

install: all
	mkdir -p $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(MANPREFIX)/man1 \
	         $(DESTDIR)$(MANPREFIX)/man7
	for p in $(PROGS); do cp -f $(O)/$$p $(DESTDIR)$(PREFIX)/bin/ && \
	    chmod 755 $(DESTDIR)$(PREFIX)/bin/$$p || exit 1; done
	for m in $(MAN1); do cp -f $$m $(DESTDIR)$(MANPREFIX)/man1/ && \
	    chmod 644 $(DESTDIR)$(MANPREFIX)/man1/$${m#man/} || exit 1; done
	cp -f $(MAN7) $(DESTDIR)$(MANPREFIX)/man7/ && \
	    chmod 644 $(DESTDIR)$(MANPREFIX)/man7/smokekit.7

uninstall:
	for p in $(PROGS); do rm -f $(DESTDIR)$(PREFIX)/bin/$$p; done
	for m in $(MAN1); do rm -f $(DESTDIR)$(MANPREFIX)/man1/$${m#man/}; done
	rm -f $(DESTDIR)$(MANPREFIX)/man7/smokekit.7

# Static binaries with musl for busybox/alpine hosts: bin/static/, stripped,
# without unwind tables (C has no exceptions) and unused sections, code and
# read-only data in one segment (-z noseparate-code: no page of padding
# between them), so that httpprobe with its JSON checks stays under 200 KB.
STATIC_MAKE = $(MAKE) O=bin/static CC=$(MUSL_CC) \
              CFLAGS='-Os -fno-asynchronous-unwind-tables -ffunction-sections -fdata-sections' \
              LDFLAGS='-static -s -Wl,--gc-sections -Wl,-z,noseparate-code' SANITIZE=
static:
	@command -v $(MUSL_CC) >/dev/null 2>&1 || \
	    { echo "make static: $(MUSL_CC) not found (Debian package: musl-tools)" >&2; exit 1; }
	$(STATIC_MAKE) all
	@for p in $(PROGS); do \
	    s=$$(wc -c < bin/static/$$p); \
	    echo "bin/static/$$p: $$s bytes"; \
	    if [ "$$s" -ge 204800 ]; then echo "bin/static/$$p is over 200 KB" >&2; exit 1; fi; \
	done

.PHONY: all clean install uninstall static $(PROGS)
