#!/usr/bin/env bash
# shellcheck disable=SC2317 # the gate_* functions are called as "gate_$g"
# The static gates (make lint runs them all; make test runs each as a ctest
# test labelled "lint"). Read-only: each prints its findings and exits
# non-zero when there are any.
#   lint.sh [BUILD_DIR] [all|tidy|cppcheck|format|shell|yaml|secrets]...
# BUILD_DIR holds the compile database clang-tidy and cppcheck read
# (default build-cov, configured here if it is not yet).
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
cd "$src"
build="build-cov"
if [ $# -gt 0 ] && [ -d "$1" ]; then
  build=$(cd "$1" && pwd)
  shift
fi
gates=("$@")
[ ${#gates[@]} -gt 0 ] || gates=(all)
[ "${gates[*]}" = all ] && gates=(format shell yaml secrets cppcheck tidy)
jobs=$(nproc)
# Project sources: tracked, or new and not ignored (a file is checked before
# its first commit too).
project_files() {
  git ls-files --cached --others --exclude-standard -- "$@"
}
compile_db() {
  if [ ! -f "$build/compile_commands.json" ]; then
    cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DCDB_COVERAGE=ON >/dev/null
  fi
}
sources_regex="^$src/(actors|messages|runtime|bench|tests)/"
# tests/compile_fail/ holds code that must not compile (its ctest checks
# that); clang-tidy would report the intended error.
tidy_files="^$src/(actors|messages|runtime|bench|tests/(?!compile_fail/))"

gate_format() {
  mapfile -t files < <(project_files '*.cpp' '*.hpp')
  clang-format --dry-run -Werror "${files[@]}" || return 1
  echo "format: ${#files[@]} files conform to .clang-format"
}
gate_shell() {
  mapfile -t files < <(project_files '*.sh' .ci/run)
  shellcheck -x "${files[@]}" || return 1
  echo "shellcheck: ${#files[@]} scripts clean (.shellcheckrc)"
}
gate_yaml() {
  mapfile -t files < <(project_files 'deploy/*.yml' 'deploy/*.yaml' \
    .pre-commit-config.yaml .yamllint)
  yamllint --strict "${files[@]}" || return 1
  echo "yamllint: ${#files[@]} files clean (.yamllint)"
}
gate_secrets() {
  bash scripts/secret_scan.sh || return 1
}
gate_cppcheck() {
  compile_db || return 1
  local out
  out=$(mktemp -d)
  # Only project files: the compile database's own generated sources and
  # the system headers (CAF, Boost) are not ours to fix.
  cppcheck --project="$build/compile_commands.json" \
    --file-filter="$src/actors/*" --file-filter="$src/messages/*" \
    --file-filter="$src/runtime/*" --file-filter="$src/bench/*" \
    --file-filter="$src/tests/*" \
    --enable=warning,performance,portability --inline-suppr \
    --library="$src/scripts/cppcheck/caf_test.cfg" \
    --suppressions-list="$src/.cppcheck-suppressions" \
    --cppcheck-build-dir="$out" -j "$jobs" --quiet --error-exitcode=1 \
    --template='{file}:{line}: {severity}: {message} [{id}]' || {
    rm -rf "$out"
    return 1
  }
  rm -rf "$out"
  echo "cppcheck: clean (warning, performance, portability)"
}
gate_tidy() {
  compile_db || return 1
  local log
  log=$(mktemp)
  if ! run-clang-tidy -p "$build" -j "$jobs" -quiet \
    -header-filter="$sources_regex" "$tidy_files" >"$log" 2>&1; then
    grep -E 'warning:|error:' "$log" | sort -u
    echo "clang-tidy: findings above (.clang-tidy says what is checked)" >&2
    rm -f "$log"
    return 1
  fi
  rm -f "$log"
  echo "clang-tidy: clean (.clang-tidy)"
}

status=0
for g in "${gates[@]}"; do
  case "$g" in
    format | shell | yaml | secrets | cppcheck | tidy)
      start=$SECONDS
      if "gate_$g"; then
        echo "lint: $g passed in $((SECONDS - start)) s"
      else
        echo "lint: $g FAILED in $((SECONDS - start)) s" >&2
        status=1
      fi
      ;;
    *) echo "lint.sh: unknown gate '$g' (format shell yaml secrets cppcheck tidy all)" >&2; exit 2 ;;
  esac
done
exit $status
