// persistence: the system of record. Buffers every event it receives and
// writes them to PostgreSQL in one transaction per batch, when the batch
// reaches `batch_size` or `flush_interval` has passed. A batch the database
// does not take goes to the spool (an append-only file, synced per batch);
// while the spool holds anything, new batches queue behind it, and it
// drains in order, with backoff, once the database answers again. A spool
// left by a crash is written first at the next start.
// Takes:  signal, risk_decision, order, order_event, fill,
//         portfolio_snapshot, trading_state (from every actor),
//         feed_status (the feed's health changes); timer;
//         acknowledges each producer's events (persisted_ack, to the
//         sender) once their batch is durable: committed or spooled;
//         flush (replies the number of events written so far, once all
//         received events are durable); recover (replies this node's last
//         trading state: the newest pending one, else the newest recorded;
//         an error when the database cannot be read); recover_account
//         (writes everything received, then replies execution's last
//         account and open orders; an error while the database is down).
// Runs detached: database calls block its own thread, nobody else's.
#pragma once

#include <memory>

#include "actors/persistence/spool.hpp"
#include "actors/persistence/store.hpp"
#include "messages/interfaces.hpp"
#include "runtime/context.hpp"
#include "runtime/instrumented.hpp"

namespace cdb {

struct persistence_config {
  std::string dsn;
  nanoseconds flush_interval = 100'000'000;
  std::size_t batch_size = 500;
  nanoseconds retry_max = 5'000'000'000;
  std::string spool_dir = "var/spool";

  void validate(std::vector<std::string>& errors) const;
};

/// Who sent which event, in the order received.
using event_senders = std::vector<
  std::pair<caf::strong_actor_ptr, std::string>>;

struct persistence_state {
  static inline const char* name = "persistence";
  std::unique_ptr<store> db;
  std::unique_ptr<spool> disk; ///< Batches the database has not taken yet.
  event_batch pending;
  /// When each pending event arrived (steady clock, ns): for the latency.
  std::vector<std::int64_t> arrivals;
  /// Who sent which pending event: acknowledged once the batch is durable.
  event_senders senders;
  std::unique_ptr<id_source> feed_ids; ///< Ids of recorded feed reports.
  std::string node; ///< Whose trading states these are (run.node_name).
  std::uint64_t written = 0;
  nanoseconds retry_delay = 0;
  timestamp retry_at = 0;
};

/// Acknowledges `senders`' events (one persisted_ack per producer, its ids
/// in the order received) and clears the list.
void acknowledge(event_senders& senders);

persistence_actor::behavior_type spawn_persistence(
  instrumented_pointer<persistence_actor, persistence_state> self,
  const persistence_config& cfg, const actor_context& ctx, const run_info& run);

} // namespace cdb
