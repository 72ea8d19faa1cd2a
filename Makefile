# smokekit: small POSIX tools that smoke-test an HTTP backend.
# `make` builds every program into bin/, `make test` runs the suite.
# GNU make is required.

.SUFFIXES:

include mk/config.mk
include mk/build.mk
include mk/test.mk
include mk/smoke.mk
include mk/k6.mk
include mk/docker.mk
include mk/merge.mk
include mk/stage.mk
