#!/usr/bin/env bash
# Keeps the configuration reference true to the code: every option that
# 'cdb run --help' lists in cdb's own groups must appear in
# docs/configuration.md (as `group.key`) and in config/paper.conf (as key= in
# its [group]), and the reference must not document options that do not exist.
set -uo pipefail
cdb=${1:?usage: config_reference_test.sh CDB_BINARY}
src=$(cd "$(dirname "$0")/../.." && pwd)
doc="$src/docs/configuration.md"
conf="$src/config/paper.conf"
failed=0

keys=$("$cdb" run --help | sed '/^CAF runtime options/,$d' |
  sed -n 's/^  --\([a-z_]*\.[a-z_]*\)=.*/\1/p')
count=$(wc -w <<<"$keys")
if [ "$count" -lt 40 ]; then
  echo "FAIL: only $count options parsed from cdb run --help"
  exit 1
fi

for key in $keys; do
  group=${key%%.*}
  name=${key#*.}
  if ! grep -qF "\`$key\`" "$doc"; then
    echo "FAIL: $key missing from docs/configuration.md"
    failed=$((failed + 1))
  fi
  # The key must sit in its own [group] section of paper.conf.
  if ! awk -v g="[$group]" -v k="$name" '
      /^\[/ { in_group = ($0 == g) }
      in_group && $0 ~ "^" k "=" { found = 1 }
      END { exit !found }' "$conf"; then
    echo "FAIL: $key missing from config/paper.conf"
    failed=$((failed + 1))
  fi
done

# Documented keys that the binary does not know.
for key in $(grep -o '^| `[a-z_]*\.[a-z_]*`' "$doc" | tr -d '|` '); do
  if ! grep -qx "$key" <<<"$keys"; then
    echo "FAIL: docs/configuration.md documents unknown option $key"
    failed=$((failed + 1))
  fi
done

echo "config reference: $count options checked, $failed failures"
[ "$failed" -eq 0 ]
