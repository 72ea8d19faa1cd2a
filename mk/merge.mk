# One gate over several runners' raw results: make gate-merge FILES='...'
# (man/smokekit.7, "Many runners"). The logic is in mk/merge.sh.

FILES     ?=
MERGE_TAG ?= ep=models

merge_q = '$(subst ','\'',$(1))'

gate-merge: $(O)/p95parse $(O)/smokereport
	@FILES=$(call merge_q,$(FILES)) MERGE_TAG=$(call merge_q,$(MERGE_TAG)) \
	    P95_MAX_MS=$(call merge_q,$(P95_MAX_MS)) FAILED_MAX=$(call merge_q,$(FAILED_MAX)) \
	    RUNS_DIR=$(call merge_q,$(RUNS_DIR)) RUN_DIR=$(call merge_q,$(RUN_DIR)) \
	    SMOKEKIT_BIN=$(call merge_q,$(O)) sh mk/merge.sh

.PHONY: gate-merge
