// signal: runs the EMA-crossover strategy per instrument over 1-bar-per-
// interval bars built from trades, and sends each signal to risk (its only
// trading peer: it holds a signal_sink, which cannot take orders) and to
// persistence.
// Takes:  trade_tick, quote_tick, feed_status (from feed), signal_wiring.
// Sends:  signal to risk and persistence; (subscribe, self) to the feed.
#pragma once

#include <map>

#include "actors/signal/bar_builder.hpp"
#include "actors/signal/ema_cross.hpp"
#include "messages/interfaces.hpp"
#include "runtime/context.hpp"

namespace cdb {

struct signal_config {
  nanoseconds bar_interval = 1'000'000'000;
  ema_cross_config ema;

  void validate(std::vector<std::string>& errors) const;
};

struct signal_state {
  static inline const char* name = "signal";
  struct instrument_slot {
    bar_builder bars;
    ema_cross strategy;
  };
  std::map<std::string, instrument_slot> slots;
  signal_wiring peers;
  std::unique_ptr<id_source> ids;
};

signal_actor::behavior_type
spawn_signal(signal_actor::stateful_pointer<signal_state> self,
             signal_config cfg, actor_context ctx);

} // namespace cdb
