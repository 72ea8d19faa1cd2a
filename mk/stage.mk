# The multi-replica stage checks: make stage-check, stage-demo.
# The logic is in mk/stage.sh (POSIX sh); a recipe only hands it the knobs
# (mk/config.mk). man/smokekit.7 documents every knob and exit status.

STAGE_VARS = STAGE_URL STAGE_REPLICAS STAGE_API_SERVICE STAGE_GATEWAY_SERVICE \
             STAGE_BALANCE_N STAGE_REPLICA_HEADER STAGE_BURST_N STAGE_ASK_PATH \
             STAGE_ASK_BODY STAGE_HIT_FIELD STAGE_P95_MS STAGE_KEY_FIELD \
             STAGE_OVERLOAD_N STAGE_LONG_BODY STAGE_DEADLINE_S \
             STAGE_OVERLOAD_METRIC STAGE_METRICS_URL STAGE_OVERLOAD_PRED \
             STAGE_OVERLOAD_ERROR_PRED STAGE_DEMO_REPLICAS STAGE_DEMO_CACHE \
             STAGE_DEMO_LLM_LIMIT STAGE_DEMO_HANG \
             RUNS_DIR RUN_DIR TIMEOUT COMPOSE_FILE ENV_FILE LEAK_IGNORE

# Knobs are text, never make syntax (mk/smoke.mk says how): they reach
# mk/stage.sh through the environment as written.
$(foreach v,$(STAGE_VARS),$(eval override $(v) := $$(value $(v))))
export $(STAGE_VARS)
STAGE = SMOKEKIT_BIN=$(call smoke_q,$(O)) FIXTURE=$(call smoke_q,$(DEMOBACKEND)) \
        sh mk/stage.sh

stage-check: all
	@$(STAGE) stage-check

stage-demo: all
	@$(STAGE) stage-demo

.PHONY: stage-check stage-demo
