// Node-local counters and gauges the actors update and the status line and
// summary read. Lock-free atomics; the Prometheus exposer (issue 8) will
// publish them. No CAF include.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

namespace cdb {

struct node_metrics {
  std::atomic<std::uint64_t> ticks{0};
  std::atomic<std::uint64_t> signals{0};
  std::atomic<std::uint64_t> strategy_errors{0}; ///< Caught in strategies.
  std::atomic<bool> signal_warm{false};          ///< Every instance warm.
  std::atomic<std::uint64_t> approved{0};
  std::atomic<std::uint64_t> rejected{0};
  std::atomic<std::uint64_t> fills{0};
  std::atomic<std::uint64_t> refused_orders{0}; ///< Orders not from risk.
  std::atomic<std::uint64_t> venue_rejects{0};  ///< Rejected or expired.
  std::atomic<std::uint64_t> liquidations{0};
  std::atomic<std::uint64_t> venue_alarms{0}; ///< Funding spikes, ...
  std::atomic<double> funding{0};             ///< Paid; negative: received.
  std::atomic<std::uint64_t> restarts{0};
  std::atomic<std::uint64_t> failures{0};
  std::atomic<std::uint64_t> persisted{0};
  std::atomic<std::uint64_t> persist_errors{0};
  std::atomic<std::uint64_t> persist_backlog{0}; ///< In memory + spooled.
  std::atomic<std::uint64_t> persist_spooled{0}; ///< Events in the spool.
  std::atomic<std::uint64_t> persist_spool_bytes{0};
  std::atomic<double> equity{0};
  std::atomic<double> realized_pnl{0};
  std::atomic<double> fees{0};
  std::atomic<int> trading_mode{0};
  std::atomic<std::uint64_t> breaker_trips{0}; ///< Mode made stricter.
  /// The feed has published everything it will (replay finished, tick
  /// budget reached): the node may stop.
  std::atomic<bool> feed_done{false};
};

using metrics_ptr = std::shared_ptr<node_metrics>;

} // namespace cdb
