#!/usr/bin/env bash
# The pre-commit hooks (.pre-commit-config.yaml, local hooks only) run on
# every file of the tree without downloading anything, and pass. Skipped
# (77) where Debian's pre-commit is not installed.
set -uo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
command -v pre-commit >/dev/null || { echo "pre-commit not installed"; exit 77; }
home=$(mktemp -d /tmp/cdb-pre-commit.XXXXXX)
trap 'rm -rf "$home"' EXIT
cd "$src" || exit 1
# Its own cache: nothing of the user's, nothing left behind.
PRE_COMMIT_HOME=$home pre-commit run --all-files --show-diff-on-failure
