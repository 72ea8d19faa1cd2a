# One gate over several runners' raw results: make gate-merge FILES='...'
# (man/smokekit.7, "Many runners"). The logic is in mk/merge.sh.

FILES     ?=
MERGE_TAG ?= ep=models

# Knobs are text, never make syntax (mk/smoke.mk says how).
MERGE_VARS = FILES MERGE_TAG P95_MAX_MS FAILED_MAX RUNS_DIR RUN_DIR
$(foreach v,$(MERGE_VARS),$(eval override $(v) := $$(value $(v))))
export $(MERGE_VARS)

gate-merge: $(O)/p95parse $(O)/smokereport $(O)/knobcheck
	@SMOKEKIT_BIN='$(subst ','\'',$(O))' sh mk/merge.sh

.PHONY: gate-merge
