// circuit_breaker: decides whether trading may happen at all. Watches the
// portfolio's equity against its peak, takes manual halt/resume, resets on a
// timer when configured, and tells risk (which enforces it) and persistence.
// Takes:  portfolio_snapshot (execution), halt_trading / resume_trading
//         (operator, supervisor escalation), breaker_wiring, timer,
//         state requests.
// Sends:  trading_state to risk and persistence.
// States: ACTIVE -> HALTED (drawdown trip or manual) -> ACTIVE (resume or
//         timed reset).
#pragma once

#include "actors/circuit_breaker/breaker.hpp"
#include "messages/interfaces.hpp"
#include "runtime/context.hpp"

namespace cdb {

struct breaker_state {
  static inline const char* name = "circuit_breaker";
  std::unique_ptr<breaker> rules;
  trading_state current;
  breaker_wiring peers;
  std::unique_ptr<id_source> ids;
};

circuit_breaker_actor::behavior_type
spawn_breaker(circuit_breaker_actor::stateful_pointer<breaker_state> self,
              breaker_config cfg, actor_context ctx);

} // namespace cdb
