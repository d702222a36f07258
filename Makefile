# Thin wrapper: scripts/ install what is missing, CMake builds, ctest tests.
#   make run              paper trading on the synthetic market (Ctrl-C stops)
#   make test             build + the whole suite with its own PostgreSQL
#   make test SANITIZE=1  the same under AddressSanitizer + UBSan
#   make bench            the performance suite, ending in one table
.PHONY: run test build bench clean

SANITIZE ?= 0
ARGS ?=

run:
	@bash scripts/run.sh $(ARGS)

test:
	@bash scripts/test.sh $(if $(filter 1,$(SANITIZE)),--sanitize,)

build:
	@bash scripts/build.sh build

bench:
	@bash scripts/bench.sh

clean:
	rm -rf build build-asan
