// What every actor of a node is started with: the run tag for ids, its
// incarnation (1 + restarts), the clock and the node's metrics; in a
// backtest on one node, where the feed hands over market data directly;
// how many messages it handles before its worker thread moves on.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "runtime/clock.hpp"
#include "runtime/ids.hpp"
#include "runtime/metrics.hpp"

namespace cdb {

class direct_market;

/// Messages one of cdb's actors handles per scheduler run on a live node
/// (run.actor_throughput): after each, the worker thread takes the next
/// ready actor, so an order risk sent reaches execution before risk's
/// bookkeeping and queued acknowledgements (docs/performance.md).
constexpr std::size_t default_actor_throughput = 1;

/// CAF worker threads of a live node (scheduler.max-threads): two, so that
/// an actor slow or stuck in a handler does not hold the circuit breaker,
/// risk and execution with it. The home scheduler keeps cdb's actors on one
/// of them while it keeps up (docs/decisions.md, "Two CAF workers on a home
/// scheduler").
constexpr std::size_t default_scheduler_threads = 2;

struct actor_context {
  std::string run_id;
  std::uint32_t incarnation = 1;
  clock_ptr clock;
  metrics_ptr metrics;
  /// A backtest on one node: subscribers attach their market data handlers
  /// here (runtime/direct_market.hpp); nullptr elsewhere.
  std::shared_ptr<direct_market> direct;
  /// Messages per scheduler run (instrumented.hpp); 0: as many as CAF's
  /// scheduler.max-throughput allows.
  std::size_t throughput = default_actor_throughput;

  /// Returns an id source for events of `kind` unique to this incarnation.
  id_source ids(const std::string& kind) const {
    return id_source{kind, run_id, incarnation};
  }
};

} // namespace cdb
