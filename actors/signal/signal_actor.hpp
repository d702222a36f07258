// signal: runs the configured strategy instances (signal.strategies) over
// the feed's data and sends each signal to risk (its only trading peer: it
// holds a signal_sink, which cannot take orders) and to persistence.
// Takes:  trade_tick, trade_batch, quote_tick, bar (venue bars, used as-is
//         by instances with time bars of that interval), market_history
//         (warm-up), signal_wiring, state -> signal_status.
// Sends:  signal and each closed time bar to persistence (bars are not
//         acknowledged: derived data); signal to risk; (history, self) to
//         the feed.
// States: cold -> warm per instance (engine.hpp). A (re)started actor asks
// persistence for the bars its node recorded (signal.recovered_bars, only
// recent series), then the feed for the recent past (which subscribes it);
// it replays both without emitting, and signals only from warm instances;
// it says when each gets warm.
#pragma once

#include <memory>

#include "actors/signal/engine.hpp"
#include "messages/interfaces.hpp"
#include "runtime/context.hpp"
#include "runtime/instrumented.hpp"
#include "runtime/outbox.hpp"

namespace cdb {

struct signal_state {
  static inline const char* name = "signal";
  std::unique_ptr<signal_engine> engine;
  std::vector<signal> out; ///< Reused per message.
  signal_wiring peers;
  /// Events sent to persistence, kept until it acknowledges them.
  std::unique_ptr<outbox> box;
  std::unique_ptr<id_source> ids;
  std::uint64_t history_trades = 0;
  std::uint64_t history_bars = 0;
  bool asked_recorded = false; ///< Recorded bars asked for (once).
  bool reported_warm = false;
};

signal_actor::behavior_type
spawn_signal(instrumented_pointer<signal_actor, signal_state> self,
             const signal_config& cfg, const actor_context& ctx);

} // namespace cdb
