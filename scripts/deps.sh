#!/usr/bin/env bash
# Installs the Debian packages cdb needs to build, test and run. Idempotent:
# when everything is present it only runs dpkg-query and returns.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libcaf-dev libboost-dev libssl-dev libpqxx-dev nlohmann-json3-dev
  prometheus-cpp-dev postgresql libbenchmark-dev libsimdjson-dev
  clang libclang-rt-14-dev openssl curl prometheus jq chromium
  clang-format clang-tidy cppcheck shellcheck yamllint gcovr pre-commit git
  iproute2
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "deps: installing ${missing[*]}" >&2
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  sudo_cmd=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
# Packages with a daemon (postgresql, prometheus) must not start it: tests
# start their own servers, on their own ports. policy-rc.d says so to the
# maintainer scripts (only when no policy is in place already).
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | "${sudo_cmd[@]}" tee "$policy" >/dev/null
  "${sudo_cmd[@]}" chmod 755 "$policy"
  trap '"${sudo_cmd[@]}" rm -f "$policy"' EXIT
fi
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
