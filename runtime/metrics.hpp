// Node-local counters and gauges the actors update and the status line and
// summary read. Lock-free atomics; the Prometheus exporter (exporter.hpp)
// reads them at scrape time. No CAF include.
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>

namespace cdb {

/// Durations in seconds, counted into exponential buckets (upper bounds
/// 10 us x 1.25^i, up to ~50 s, and one for anything longer). Lock-free;
/// quantiles are bucket upper bounds, so at most 25 % high.
class latency_histogram {
public:
  static constexpr std::size_t buckets = 70;

  static double bound(std::size_t i) noexcept {
    return i + 1 >= buckets ? std::numeric_limits<double>::infinity()
                            : 1e-5 * std::pow(1.25, static_cast<double>(i));
  }

  void observe(double seconds) noexcept {
    std::size_t i = 0;
    if (seconds > 1e-5)
      i = static_cast<std::size_t>(
        std::ceil(std::log(seconds / 1e-5) / std::log(1.25) - 1e-9));
    counts_[std::min(i, buckets - 1)].fetch_add(1, std::memory_order_relaxed);
    count_.fetch_add(1, std::memory_order_relaxed);
    if (seconds > 0 && seconds < 1e9)
      sum_ns_.fetch_add(static_cast<std::uint64_t>(seconds * 1e9 + 0.5),
                        std::memory_order_relaxed);
  }

  /// The sum of the observations, in seconds (nanosecond resolution).
  double sum() const noexcept {
    return static_cast<double>(sum_ns_.load(std::memory_order_relaxed)) * 1e-9;
  }

  std::uint64_t count() const noexcept {
    return count_.load(std::memory_order_relaxed);
  }

  std::uint64_t count_in(std::size_t i) const noexcept {
    return counts_[i].load(std::memory_order_relaxed);
  }

  /// The upper bound of the bucket holding quantile `q`; 0 when empty.
  double quantile(double q) const noexcept {
    auto n = count();
    if (n == 0)
      return 0;
    auto rank = static_cast<std::uint64_t>(
      std::ceil(q * static_cast<double>(n)));
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < buckets; ++i) {
      seen += count_in(i);
      if (seen >= rank && seen > 0)
        return bound(i);
    }
    return bound(buckets - 1);
  }

private:
  std::array<std::atomic<std::uint64_t>, buckets> counts_{};
  std::atomic<std::uint64_t> count_{0};
  std::atomic<std::uint64_t> sum_ns_{0};
};

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
  /// From an event's arrival at persistence to its batch being durable
  /// (committed, or synced to the spool).
  latency_histogram persist_latency;
  /// Events producers keep until persistence acknowledges them.
  std::atomic<std::uint64_t> persist_unacked{0};
  /// Events producers gave up on (persistence silent beyond the limit).
  std::atomic<std::uint64_t> persist_dropped{0};
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
