// risk: the only path to execution. Sizes each signal, runs every layer, and
// sends approved orders to execution; every decision, approved or rejected,
// goes to persistence.
// Takes:  signal (signal), quote_tick/trade_tick/feed_status (feed),
//         portfolio_snapshot (execution), trading_state and
//         flatten_positions (circuit breaker), risk_wiring (supervisor).
// Sends:  submit_order to execution; risk_decision and order to
//         persistence; rejections also to the circuit breaker.
// States: NOT READY (rejects every signal "not_ready" until it has the
//         breaker's trading state and execution's account: after a start
//         or a restart), then follows the breaker's ACTIVE / REDUCING /
//         HALTED.
#pragma once

#include <memory>

#include "actors/risk/engine.hpp"
#include "messages/interfaces.hpp"
#include "runtime/context.hpp"
#include "runtime/instrumented.hpp"
#include "runtime/outbox.hpp"

namespace cdb {

struct risk_state {
  static inline const char* name = "risk";
  std::unique_ptr<risk_engine> engine;
  risk_wiring peers;
  /// Events sent to persistence, kept until it acknowledges them.
  std::unique_ptr<outbox> box;
};

risk_actor::behavior_type
spawn_risk(instrumented_pointer<risk_actor, risk_state> self,
           const risk_config& cfg, const actor_context& ctx);

} // namespace cdb
