# The latency gate alone, each into a run directory of its own (RUN_DIR=
# to choose it): k6 on the host, grafana/k6 on the compose network, or
# httpprobe's load mode. mk/smoke.mk defines $(SMOKE); mk/k6.sh does the work.

k6-host: all
	@$(SMOKE) k6-host

k6-compose: all
	@$(SMOKE) k6-compose

k6-native: all
	@$(SMOKE) k6-native

.PHONY: k6-host k6-compose k6-native
