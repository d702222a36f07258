#!/usr/bin/env bash
# Secret scan (a gate of make test, and a pre-commit hook): fails when a
# file holds a private key, a cloud or chat token, credentials in a URL, or
# a password/token literal outside the test fixtures (tests/ uses throwaway
# values on purpose). A line that must stay as it is can carry the marker
# "secret-scan: allow".
#   secret_scan.sh [FILE...]   default: every file git tracks or would add
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -gt 0 ]; then
  files=("$@")
else
  mapfile -d '' -t files < <(git ls-files -z --cached --others --exclude-standard)
fi
# Everywhere, fixtures included: nothing real looks like these.
strict=(
  '-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-----'
  '\b(AKIA|ASIA)[0-9A-Z]{16}\b'
  'aws_secret_access_key[[:space:]]*[=:]'
  '\bgh[pousr]_[A-Za-z0-9]{36,}\b'
  '\bgithub_pat_[A-Za-z0-9_]{22,}'
  '\bxox[abposr]-[A-Za-z0-9-]{10,}'
  '\bAIza[0-9A-Za-z_-]{35}\b'
  '\bsk_live_[0-9A-Za-z]{16,}'
  '[a-z][a-z0-9+.-]*://[^/[:space:]:@"'\'']+:[^/[:space:]:@"'\''$]{3,}@'
)
# Outside tests/: a literal password or token assigned in code or config.
loose=(
  '\b(password|passwd|pwd)[[:space:]]*=[[:space:]]*[^[:space:]'\''"&;$)]{3,}'
  '\b(password|passwd|secret|token|api_?key|access_key)[A-Za-z_]*["'\'']?[[:space:]]*[:=][[:space:]]*["'\''][^"'\''[:space:]$]{8,}["'\'']'
  '^[[:space:]]*[A-Za-z_]*(PASSWORD|PASSWD|SECRET|TOKEN|password|secret|token)[A-Za-z_]*:[[:space:]]+["'\'']?[^[:space:]"'\''$]{3,}'
)
found=0
scan() { # scan PATTERN FILE...
  local pattern=$1 hits
  shift
  [ $# -gt 0 ] || return 0
  hits=$(grep -nIHE -- "$pattern" "$@" 2>/dev/null | grep -v 'secret-scan: allow' || true)
  if [ -n "$hits" ]; then
    # Print where, not what: the finding itself is the secret.
    printf '%s\n' "$hits" | cut -d: -f1,2 | while read -r at; do
      echo "$at: matches /$pattern/"
    done
    found=1
  fi
}
existing=() outside_tests=()
for f in "${files[@]}"; do
  [ -f "$f" ] || continue
  existing+=("$f")
  case "$f" in tests/*) ;; *) outside_tests+=("$f") ;; esac
done
for p in "${strict[@]}"; do scan "$p" "${existing[@]}"; done
for p in "${loose[@]}"; do scan "$p" "${outside_tests[@]}"; done
if [ "$found" != 0 ]; then
  echo "secret scan: the lines above look like secrets; remove them (rotate" \
    "anything real) or mark a deliberate example with 'secret-scan: allow'" >&2
  exit 1
fi
echo "secret scan: ${#existing[@]} files clean"
