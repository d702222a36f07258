// A single node hosting all six actors: their child specs for the
// supervisor, who gets which handles, and what escalation does.
#pragma once

#include "actors/circuit_breaker/breaker.hpp"
#include "actors/execution/fill_model.hpp"
#include "actors/feed/feed_actor.hpp"
#include "actors/persistence/persistence_actor.hpp"
#include "actors/risk/risk_config.hpp"
#include "actors/signal/signal_actor.hpp"
#include "runtime/cluster.hpp"
#include "runtime/context.hpp"
#include "runtime/supervisor.hpp"

namespace cdb {

/// Everything a node is configured with.
struct node_config {
  std::string node_name = "paper";
  feed_config feed;
  signal_config signal;
  risk_config risk;
  breaker_config breaker;
  execution_config execution;
  persistence_config persistence;
  supervisor_config supervisor;
  cluster_config cluster;
  nanoseconds drain_timeout = 500'000'000;
  /// Messages each actor handles per scheduler run (runtime/context.hpp);
  /// 0: as many as CAF's scheduler.max-throughput allows. A backtest's
  /// turns empty each mailbox whatever it is, so it uses 0.
  std::size_t actor_throughput = default_actor_throughput;
  /// Set by cdb backtest: every node's market clock follows the backtest's
  /// driver (runtime/lockstep.hpp), so a replay may be split over nodes.
  bool lockstep = false;
  /// False in a backtest without --persist: no database and no spool, so
  /// the persistence section is not checked (its spool directory would be
  /// created in the working directory for nothing).
  bool database = true;

  /// Appends every error of every section.
  void validate(std::vector<std::string>& errors) const;
};

/// The run tag of a node start at `now` (ns since the epoch): milliseconds
/// and the process id, in hex; no '-' (event ids are split on it).
std::string make_run_id(timestamp now);

/// Execution's settings as the node runs it: its own section, with the
/// day start and the perpetuals' terms from risk's (one source: risk checks
/// what execution books).
execution_config execution_settings(const node_config& cfg);

/// The actors this node hosts (node.roles) in start (and shutdown) order:
/// feed first, persistence last. `direct`: a backtest on one node, whose
/// feed hands market data over by calls (runtime/direct_market.hpp).
std::vector<child_spec>
node_children(const node_config& cfg, const std::string& run_id,
              const clock_ptr& clock, const metrics_ptr& metrics,
              const run_info& run,
              const std::shared_ptr<direct_market>& direct = nullptr);

/// Wiring and escalation for the actors, and for a node of several
/// (`cluster.distributed()`): the cluster actor that tells peers this
/// node's actors, the wait for every role before the first wiring, and the
/// circuit breaker's word on a lost peer.
supervisor_hooks node_hooks(const cluster_config& cluster = {},
                            const cluster_actor& link = {});

} // namespace cdb
