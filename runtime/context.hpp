// What every actor of a node is started with: the run tag for ids, its
// incarnation (1 + restarts), the clock and the node's metrics.
#pragma once

#include <cstdint>
#include <string>

#include "runtime/clock.hpp"
#include "runtime/ids.hpp"
#include "runtime/metrics.hpp"

namespace cdb {

struct actor_context {
  std::string run_id;
  std::uint32_t incarnation = 1;
  clock_ptr clock;
  metrics_ptr metrics;

  /// Returns an id source for events of `kind` unique to this incarnation.
  id_source ids(const std::string& kind) const {
    return id_source{kind, run_id, incarnation};
  }
};

} // namespace cdb
