// Whether a node may be sent traffic (GET /ready): every local actor up,
// risk wired (it has the trading state and the account), market data
// arriving and fresh, the database reachable or the spool within its
// limit. Read from the node's metrics, so it answers even when an actor
// does not. Pure; no CAF include.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/metrics.hpp"

namespace cdb {

struct readiness {
  bool ready = true;
  std::vector<std::string> not_ready; ///< One line per problem.
  bool signal_warm = false;           ///< Informational: may signal.

  /// {"ready":true|false,"not_ready":[...],"signal_warm":...}
  std::string to_json() const;
};

/// `max_backlog`: events waiting for the database beyond which an
/// unreachable database makes the node not ready.
readiness check_readiness(const node_metrics& m, std::uint64_t max_backlog);

} // namespace cdb
