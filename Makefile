# Thin wrapper: scripts/ install what is missing, CMake builds, ctest tests.
#   make run              paper trading on the synthetic market (Ctrl-C stops)
#   make test             build + the whole suite with its own PostgreSQL
#   make test SANITIZE=1  the same under AddressSanitizer + UBSan
.PHONY: run test build clean

SANITIZE ?= 0
ARGS ?=

run:
	@bash scripts/run.sh $(ARGS)

test:
	@bash scripts/test.sh $(if $(filter 1,$(SANITIZE)),--sanitize,)

build:
	@bash scripts/build.sh build

clean:
	rm -rf build build-asan
