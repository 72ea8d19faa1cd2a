# docker compose, when an engine answers: bring the stack up (bounded
# wait), take it down with its volumes, collect the evidence. smokekit only
# reads the compose file. mk/docker.sh does the work.

up: all
	@$(SMOKE) up

down:
	@$(SMOKE) down

evidence: all
	@$(SMOKE) evidence

.PHONY: up down evidence
