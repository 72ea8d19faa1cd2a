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

PROGS = aclcheck httpprobe jsonfield leakscan p95parse portfree smokereport
MAN1  = $(PROGS:%=man/%.1)
MAN7  = man/smokekit.7

# Library objects, one concern per file (tools/lib/*.h says what each does).
L = $(O)/obj/tools/lib
LIB_CORE = $(L)/die.o $(L)/num.o $(L)/atomic.o $(L)/xalloc.o
LIB_JSON = $(L)/json.o $(L)/jsonout.o

# What each program links.
aclcheck_OBJ    = $(LIB_CORE) $(L)/jsonout.o
httpprobe_OBJ   = $(LIB_CORE) $(L)/jsonout.o $(L)/clock.o $(L)/http.o $(L)/loadstats.o $(L)/load.o $(L)/pctl.o
jsonfield_OBJ   = $(LIB_CORE) $(LIB_JSON)
leakscan_OBJ    = $(LIB_CORE) $(L)/jsonout.o $(L)/readall.o
p95parse_OBJ    = $(LIB_CORE) $(LIB_JSON) $(L)/dur.o $(L)/k6.o $(L)/pctl.o $(L)/prom.o $(L)/readall.o
portfree_OBJ    = $(L)/die.o $(L)/num.o $(L)/jsonout.o $(L)/clock.o
smokereport_OBJ = $(LIB_CORE) $(L)/jsonout.o

all: $(PROGS:%=$(O)/%)

.SECONDEXPANSION:
$(PROGS:%=$(O)/%): $(O)/%: $(O)/obj/tools/%.o $$(%_OBJ)
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

# Static binaries with musl for busybox/alpine hosts: bin/static/, stripped.
STATIC_MAKE = $(MAKE) O=bin/static CC=$(MUSL_CC) CFLAGS='-Os' LDFLAGS='-static -s' SANITIZE=
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
