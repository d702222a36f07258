#!/usr/bin/env bash
# The coverage gate: line coverage of actors/, messages/ and runtime/
# (project code; tests, benchmarks and generated files excluded) from the
# counters the last test run left in BUILD_DIR, printed as a summary, with
# an HTML report in BUILD_DIR/coverage/index.html. Fails below the
# threshold in .coverage-threshold; the threshold rises as the project
# grows and may never be set below the floor here.
#   coverage.sh [BUILD_DIR]   (default build-cov)
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build-cov}
floor=80
threshold=$(tr -d '[:space:]' <.coverage-threshold)
if ! [[ "$threshold" =~ ^[0-9]+(\.[0-9]+)?$ ]] ||
  awk -v t="$threshold" -v f="$floor" 'BEGIN { exit !(t < f) }'; then
  echo "coverage: .coverage-threshold is '$threshold'; it must be a number >= $floor" >&2
  exit 1
fi
if ! find "$dir" -name '*.gcda' -print -quit | grep -q .; then
  echo "coverage: no counters (*.gcda) under $dir: run make test first" >&2
  exit 1
fi
mkdir -p "$dir/coverage"
gcovr --root . --object-directory "$dir" -j "$(nproc)" \
  --filter 'actors/' --filter 'messages/' --filter 'runtime/' \
  --exclude '.*_test\.cpp$' \
  --print-summary --fail-under-line "$threshold" \
  --html-details "$dir/coverage/index.html" \
  --txt "$dir/coverage/summary.txt" || {
  echo "coverage: line coverage is below the threshold of $threshold % (.coverage-threshold);" \
    "files: $dir/coverage/summary.txt, report: $dir/coverage/index.html" >&2
  exit 1
}
echo "coverage: report $dir/coverage/index.html (threshold $threshold %)"
