// circuit_breaker: decides whether trading may happen at all (breaker.hpp
// has the rules). Recovers its trips and peak equity from persistence
// before it says anything; risk waits (not ready) until it has.
// Takes:  portfolio_snapshot and order_event (execution), risk_decision
//         (risk), feed_status (feed), actor_failure (supervisor),
//         halt_trading / resume_trading / flatten_positions (operator:
//         each replies with the resulting trading_state), breaker_wiring,
//         down_msg of risk and execution (monitored), timer, state.
//         The timer checks durations, cooldowns and the backlog every
//         period; with nothing that time could change (no trip a
//         cooldown lifts, nothing stale or down, the backlog rule off) it
//         stops until an input changes that, then resumes on the same
//         grid of periods. The checks left out would have changed
//         nothing, so a backtest over sparse data does not pay a turn per
//         period for them.
// Sends:  trading_state to risk and persistence on every change;
//         flatten_positions to risk when a tripping rule asks for it.
// States: RECOVERING (asks persistence for the last recorded state; no
//         announcement) -> running, mode ACTIVE / REDUCING / HALTED = the
//         most severe active trip.
#pragma once

#include <memory>

#include "actors/circuit_breaker/breaker.hpp"
#include "messages/interfaces.hpp"
#include "runtime/context.hpp"
#include "runtime/instrumented.hpp"
#include "runtime/outbox.hpp"

namespace cdb {

struct breaker_state {
  static inline const char* name = "circuit_breaker";
  std::unique_ptr<breaker> rules;
  trading_state current;
  breaker_wiring peers;
  /// Events sent to persistence, kept until it acknowledges them.
  std::unique_ptr<outbox> box;
  std::unique_ptr<id_source> ids;
  bool recovered = false;  ///< The recorded state is in (or known absent).
  bool recovering = false; ///< Asked persistence, awaiting the answer.
  /// The periodic check: its period, when it last ran (spawn counts as a
  /// check), and whether it waits for the next input rather than a timer
  /// (while breaker::waits_for_input: every check would change nothing).
  nanoseconds period = 0;
  timestamp last_check = 0;
  bool parked = false;
};

circuit_breaker_actor::behavior_type
spawn_breaker(instrumented_pointer<circuit_breaker_actor, breaker_state> self,
              const breaker_config& cfg, const actor_context& ctx);

} // namespace cdb
