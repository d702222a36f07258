# shellcheck shell=bash
# Sourced by tests: starts `cdb exchange-sim` on a free loopback port.
#   start_sim CDB_BINARY WORKDIR [--sim.* flags...]
# Sets sim_pid and sim_port; the simulator prints "ready" once it listens
# and exits non-zero if it cannot (port taken: the next try picks another).
# stop_sim kills it.
start_sim() {
  local cdb=$1 work=$2
  shift 2
  sim_pid=
  for _ in 1 2 3 4 5; do
    sim_port=$((20000 + (RANDOM % 20000)))
    "$cdb" exchange-sim --sim.port="$sim_port" "$@" \
      >"$work/sim.out" 2>"$work/sim.err" &
    sim_pid=$!
    for _ in $(seq 50); do
      grep -q ready "$work/sim.out" 2>/dev/null && return 0
      kill -0 "$sim_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill "$sim_pid" 2>/dev/null || true
    sim_pid=
  done
  echo "exchange-sim did not start"
  cat "$work/sim.err"
  return 1
}

stop_sim() {
  [ -n "${sim_pid:-}" ] && kill "$sim_pid" 2>/dev/null || true
  sim_pid=
}
