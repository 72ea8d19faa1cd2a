# The smoke pipeline: make smoke-local, demo, preflight, sysinfo, build-log.
# The logic is in mk/smoke.sh (POSIX sh); a recipe only starts it.
# man/smokekit.7 documents every target, knob and exit status.

SMOKE_VARS = BASE_URL PORT ENV_FILE P95_MAX_MS FAILED_MAX K6_VUS K6_DURATION \
             K6_SCRIPT K6_MODE RETRIES TIMEOUT WARMUP_S RUNS_DIR COMPOSE_FILE \
             COMPOSE_SERVICE RUN_DIR LOG_FILE UP WAIT_S ENV_USER STARTUP_LINE \
             K6_IMAGE COMPOSE_NETWORK K6_COMPOSE_URL DEMO_DURATION LEAK_IGNORE

# The build settings the script needs, single-quoted for the shell; the
# knobs reach it through the environment (below, at the end).
smoke_q = '$(subst ','\'',$(1))'
SMOKE   = SMOKEKIT_BIN=$(call smoke_q,$(O)) FIXTURE=$(call smoke_q,$(DEMOBACKEND)) \
          sh mk/smoke.sh

# GNU make turns any failing recipe into its own exit status 2; the smoke's
# own code (man/smokekit.7) is in the summary line's run: status.json
# "exit_code", and is what `sh mk/smoke.sh smoke` returns.
smoke-local: all
	@$(SMOKE) smoke

demo: all
	@$(SMOKE) demo

preflight: all
	@$(SMOKE) preflight

sysinfo: all
	@$(SMOKE) sysinfo

# The compiler's whole output, rebuilt from scratch, into a run directory.
build-log:
	@CC=$(call smoke_q,$(CC)) $(SMOKE) build-log $(call smoke_q,$(MAKE))

.PHONY: smoke-local demo preflight sysinfo build-log

# A knob's value is text, never make syntax. Each knob becomes a simple
# variable holding exactly what was written (on the command line, in the
# environment or as config.mk's default): make never expands a "$(...)" in
# it, not in a recipe, not under make -n, not when it exports it (make
# expands a command-line variable it exports). The scripts get the knobs
# through the environment, where a newline cannot split a recipe line;
# mk/smoke.sh then has knobcheck(1) validate them.
$(foreach v,$(SMOKE_VARS),$(eval override $(v) := $$(value $(v))))
export $(SMOKE_VARS)
