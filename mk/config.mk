# Knobs. Everything here can be overridden on the command line
# (make CC=clang) or, since these are ?= assignments, from the environment.

VERSION   ?= 0.1.0
PREFIX    ?= /usr/local
MANPREFIX ?= $(PREFIX)/share/man
DESTDIR   ?=

CC       ?= cc
CFLAGS   ?= -O2 -g
CPPFLAGS ?=
LDFLAGS  ?=
LDLIBS   ?= -lm

# Build output directory: bin/ for the normal build; SANITIZE=1 and
# `make static` use their own subdirectories so objects never mix.
O ?= bin

# WERROR=1 turns warnings into errors (CI does this).
WERROR ?=
# SANITIZE=1 builds and tests with ASan and UBSan.
SANITIZE ?=

# Static build with musl (make static).
MUSL_CC ?= musl-gcc

# Fuzzing (make fuzz): seconds per harness.
FUZZ_SECONDS ?= 10
FUZZ_CC ?= clang

# Smoke pipeline defaults (make smoke-local, k6-host, k6-compose, demo).
BASE_URL        ?= http://localhost:8082
PORT            ?= 8082
ENV_FILE        ?=
P95_MAX_MS      ?= 1200
FAILED_MAX      ?= 0.01
K6_VUS          ?= 2
K6_DURATION     ?= 10s
K6_SCRIPT       ?= tests/k6_models.js
K6_MODE         ?= auto
RETRIES         ?= 3
TIMEOUT         ?= 10
WARMUP_S        ?= 0
RUNS_DIR        ?= runs
COMPOSE_FILE    ?= docker-compose.yml
COMPOSE_SERVICE ?= api
RUN_DIR         ?=
LOG_FILE        ?=
UP              ?=
WAIT_S          ?= 30
ENV_USER        ?=
STARTUP_LINE    ?= Application startup complete.
K6_IMAGE        ?= grafana/k6:1.0.0
COMPOSE_NETWORK ?=
K6_COMPOSE_URL  ?=
DEMO_DURATION   ?= 3s
LEAK_IGNORE     ?=

# Stage checks (make stage-check, stage-demo; mk/stage.sh, smokekit(7)).
STAGE_URL             ?= http://localhost:8000
STAGE_REPLICAS        ?= 3
STAGE_API_SERVICE     ?= api
STAGE_GATEWAY_SERVICE ?= gateway
STAGE_BALANCE_N       ?= 20
STAGE_REPLICA_HEADER  ?= x-replica
STAGE_BURST_N         ?= 20
STAGE_ASK_PATH        ?= /ask
STAGE_ASK_BODY        ?=
STAGE_HIT_FIELD       ?= .meta.compute.plan_cache_hit
STAGE_P95_MS          ?= 5000
STAGE_KEY_FIELD       ?= .meta.compute.plan_cache_key
STAGE_OVERLOAD_N      ?= 10
STAGE_LONG_BODY       ?=
STAGE_DEADLINE_S      ?= 30
STAGE_OVERLOAD_METRIC ?= services_narrator_llm_requests_total{outcome="overload"}
STAGE_METRICS_URL     ?=
STAGE_OVERLOAD_PRED   ?= .meta.narrative_overload == true
STAGE_OVERLOAD_ERROR_PRED ?= .error == "llm_concurrency_limited"
STAGE_DEMO_REPLICAS   ?= 3
STAGE_DEMO_CACHE      ?= on
STAGE_DEMO_LLM_LIMIT  ?= 2
STAGE_DEMO_HANG       ?= no
