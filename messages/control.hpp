// Control commands: halt, resume, flatten. Atoms live in atoms.hpp.
#pragma once

#include <string>
#include <vector>

#include "messages/fields.hpp"

namespace cdb {

/// Sets trading to HALTED (no new orders) until resumed.
struct halt_trading {
  static constexpr const char* type_name = "cdb::halt_trading";
  std::string reason;
  CDB_FIELDS(reason)
};

/// Returns trading to ACTIVE after a halt.
struct resume_trading {
  static constexpr const char* type_name = "cdb::resume_trading";
  std::string reason;
  CDB_FIELDS(reason)
};

/// The supervisor's report of a failed actor: restarted (after a backoff),
/// or escalated (past its restart budget). The circuit breaker counts them.
struct actor_failure {
  static constexpr const char* type_name = "cdb::actor_failure";
  std::string actor;
  bool escalated = false;
  std::string reason;
  CDB_FIELDS(actor, escalated, reason)
};

/// A peer node is gone (its link closed or timed out): the roles it hosted
/// are unreachable from `seen_by` (the node whose link it was) until it
/// returns. The supervisor passes it to the circuit breaker, which halts at
/// once when risk or execution is among them (the link timeout already was
/// the wait) and holds until `seen_by` reports them back (peer_back).
struct peer_lost {
  static constexpr const char* type_name = "cdb::peer_lost";
  std::string node;
  std::vector<std::string> roles;
  std::string reason;
  std::string seen_by;
  CDB_FIELDS(node, roles, reason, seen_by)
};

/// The node `seen_by` linked peer `node` (again) and reaches its roles: the
/// circuit breaker withdraws what `seen_by` reported lost of them.
struct peer_back {
  static constexpr const char* type_name = "cdb::peer_back";
  std::string node;
  std::vector<std::string> roles;
  std::string seen_by;
  CDB_FIELDS(node, roles, seen_by)
};

/// Closes every open position with reduce-only market orders.
struct flatten_positions {
  static constexpr const char* type_name = "cdb::flatten_positions";
  std::string reason;
  CDB_FIELDS(reason)
};

} // namespace cdb
