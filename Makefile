# Thin wrapper: scripts/ install what is missing, CMake builds, ctest tests.
#   make run              paper trading on the synthetic market (Ctrl-C stops)
#   make test             build + the whole suite with its own PostgreSQL,
#                         the static gates and the coverage gate
#   make test SANITIZE=1  the same suite under AddressSanitizer + UBSan
#   make bench            the performance suite, ending in one table
# Development (README, "Development"):
#   make test-unit | test-integration | test-e2e   one label of the suite
#   make coverage         the suite without the static gates, then the
#                         coverage gate and its HTML report
#   make lint             every static gate, read-only
#   make format           apply clang-format
#   make db-shell         psql into the local cluster
#   make logs             follow make run's log
#   make health [URL=…]   /health and /ready of a running node
.PHONY: run test build bench clean test-unit test-integration test-e2e \
	coverage lint format db-shell logs health

SANITIZE ?= 0
ARGS ?=
URL ?= http://127.0.0.1:9465

run:
	@bash scripts/run.sh $(ARGS)

test:
	@bash scripts/test.sh $(if $(filter 1,$(SANITIZE)),--sanitize,)

test-unit:
	@bash scripts/test.sh --label unit

test-integration:
	@bash scripts/test.sh --label integration

test-e2e:
	@bash scripts/test.sh --label e2e

coverage:
	@bash scripts/test.sh --no-lint

lint:
	@bash scripts/deps.sh
	@bash scripts/lint.sh build-cov all

format:
	@bash scripts/dev.sh format

db-shell:
	@bash scripts/dev.sh db-shell

logs:
	@bash scripts/dev.sh logs

health:
	@bash scripts/dev.sh health $(URL)

build:
	@bash scripts/build.sh build

bench:
	@bash scripts/bench.sh

clean:
	rm -rf build build-cov build-asan
