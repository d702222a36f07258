// What every actor of a node is started with: the run tag for ids, its
// incarnation (1 + restarts), the clock and the node's metrics; in a
// backtest on one node, where the feed hands over market data directly.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "runtime/clock.hpp"
#include "runtime/ids.hpp"
#include "runtime/metrics.hpp"

namespace cdb {

class direct_market;

struct actor_context {
  std::string run_id;
  std::uint32_t incarnation = 1;
  clock_ptr clock;
  metrics_ptr metrics;
  /// A backtest on one node: subscribers attach their market data handlers
  /// here (runtime/direct_market.hpp); nullptr elsewhere.
  std::shared_ptr<direct_market> direct;

  /// Returns an id source for events of `kind` unique to this incarnation.
  id_source ids(const std::string& kind) const {
    return id_source{kind, run_id, incarnation};
  }
};

} // namespace cdb
