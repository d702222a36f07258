#!/usr/bin/env bash
# Fails if a pure-logic file (cdb_core's sources and their headers) includes
# CAF. Pure logic is plain C++ tested without an actor system.
set -euo pipefail
root=${1:?usage: core_has_no_caf.sh SOURCE_DIR}
cd "$root"
files=$(sed -n '/add_library(cdb_core/,/)/p' CMakeLists.txt |
        grep -oE '[a-z_/]+\.cpp')
bad=0
for f in $files; do
  for g in "$f" "${f%.cpp}.hpp"; do
    [ -f "$g" ] || continue
    if grep -n '#include <caf/' "$g"; then
      echo "pure file $g includes CAF" >&2
      bad=1
    fi
  done
done
[ "$bad" = 0 ] && echo "cdb_core: $(echo "$files" | wc -w) sources, no CAF include"
exit $bad
