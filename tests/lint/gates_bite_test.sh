#!/usr/bin/env bash
# Each static gate of scripts/lint.sh fails on a seeded violation. A scratch
# git repository gets the project's gate scripts and configs plus one file
# that breaks one gate; lint.sh must fail that gate and name the file. (The
# real tree passing them is the lint_* tests.)
set -uo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d /tmp/cdb-gates.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
failed=0
ok() { echo "ok   $1"; }
bad() { echo "FAIL $1"; failed=$((failed + 1)); }

# seed GATE FILE CONTENT: a fresh scratch repository holding FILE.
seed() {
  local repo=$tmp/$1
  rm -rf "$repo"
  mkdir -p "$repo/scripts/cppcheck" "$repo/build" "$(dirname "$repo/$2")"
  cp "$src"/.clang-format "$src"/.clang-tidy "$src"/.shellcheckrc \
    "$src"/.yamllint "$src"/.cppcheck-suppressions "$repo/"
  cp "$src"/scripts/lint.sh "$src"/scripts/secret_scan.sh "$repo/scripts/"
  cp "$src"/scripts/cppcheck/*.cfg "$repo/scripts/cppcheck/"
  printf '%s\n' "$3" >"$repo/$2"
  cat >"$repo/build/compile_commands.json" <<JSON
[{"directory": "$repo", "file": "$repo/$2",
  "command": "c++ -std=c++17 -c $repo/$2 -o /dev/null"}]
JSON
  git -C "$repo" init -q && git -C "$repo" add -A
}
# bites GATE FILE CONTENT WHAT: lint.sh GATE fails and names FILE.
bites() {
  seed "$1" "$2" "$3"
  local out
  if out=$(bash "$tmp/$1/scripts/lint.sh" "$tmp/$1/build" "$1" 2>&1); then
    bad "$1 passed a seeded violation ($4)"
    printf '%s\n' "$out" | tail -5
  elif ! grep -q "$(basename "$2")" <<<"$out"; then
    bad "$1 failed without naming $2"
    printf '%s\n' "$out" | tail -5
  else
    ok "$1 fails on $4"
  fi
}

bites format actors/f.cpp 'int  f( ){return 1;}' "a misformatted line"
bites tidy actors/t.cpp 'int* g() { return 0; }' \
  "0 as a null pointer (modernize-use-nullptr)"
bites cppcheck actors/c.cpp '#include <string>
int h(const std::string& s) { int* p = nullptr; if (s.empty()) return *p; return 1; }' \
  "a null pointer dereference"
bites shell scripts/s.sh '#!/usr/bin/env bash
rm -rf $1/cache' "an unquoted expansion (SC2086)"
bites yaml deploy/y.yml '---
key: 1
key: 2' "a duplicated key"
pem_head="-----BEGIN RSA PRIV""ATE KEY-----"
bites secrets config/k.pem "$pem_head
MIIEowIBAAKCAQEA" "a private key block"
bites secrets config/d.conf "dsn=\"host=db user=cdb pass""word=hunter2\"" \
  "a password in a connection string"
aws_key="AKIA""ABCDEFGHIJKLMNOP"
bites secrets deploy/k.yml "---
aws: $aws_key" "an AWS access key id"

# The same tree without its seeded file passes (the gates do not fail on
# anything else in the scratch repository).
seed format actors/f.cpp 'int f() {
  return 1;
}'
if bash "$tmp/format/scripts/lint.sh" "$tmp/format/build" format >/dev/null 2>&1; then
  ok "format passes a conforming file"
else
  bad "format fails a conforming file"
fi
seed secrets tests/fixture.conf "token=\"test-token-0123456789\""
if bash "$tmp/secrets/scripts/lint.sh" "$tmp/secrets/build" secrets >/dev/null 2>&1; then
  ok "a throwaway token under tests/ is a fixture, not a finding"
else
  bad "a fixture under tests/ was reported"
fi
[ "$failed" = 0 ] || { echo "$failed check(s) failed"; exit 1; }
