// The node's Prometheus endpoint (prometheus-cpp's pull exposer):
// GET /metrics on metrics.address:metrics.port (default 127.0.0.1:9464).
// The actors update plain atomics (metrics.hpp) on the hot path; the
// families are built from them when Prometheus scrapes, so the hot path
// takes no lock and allocates nothing. docs/metrics.md lists every family.
// No CAF include.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <prometheus/metric_family.h>

#include "messages/market_data.hpp"
#include "runtime/clock.hpp"
#include "runtime/metrics.hpp"

namespace prometheus {
class Exposer;
class Collectable;
} // namespace prometheus

namespace cdb {

struct metrics_config {
  bool enabled = true;
  std::string address = "127.0.0.1";
  std::uint64_t port = 9464; ///< 0: any free port (logged).

  void validate(std::vector<std::string>& errors) const;
};

/// What the process uses, from /proc/self (zeros where unreadable).
struct process_sample {
  double resident_bytes = 0;
  double cpu_seconds = 0;
  double open_fds = 0;
};

process_sample sample_process();

/// Who the node is: the `node` label of every family, and build_info.
struct node_identity {
  std::string node;
  std::string version;
  std::string git_hash;
  timestamp started = 0; ///< Wall-clock start of the process.
};

/// The node's families at wall-clock time `now` and market time
/// `market_now` (the actors' clock: data age), each labelled node=...
std::vector<prometheus::MetricFamily>
node_families(const node_metrics& m, const node_identity& who,
              const process_sample& process, timestamp now,
              timestamp market_now);

/// Serves node_families() at /metrics until destroyed.
class metrics_exporter {
public:
  /// Binds at once; throws std::runtime_error naming the address when it
  /// cannot.
  /// `clock` is the wall clock, `market_clock` the actors' clock.
  metrics_exporter(const metrics_config& cfg, metrics_ptr metrics,
                   node_identity who, clock_ptr clock, clock_ptr market_clock);
  ~metrics_exporter();

  metrics_exporter(const metrics_exporter&) = delete;
  metrics_exporter& operator=(const metrics_exporter&) = delete;

  /// The bound port (the chosen one when configured as 0).
  std::uint16_t port() const;

private:
  std::shared_ptr<prometheus::Collectable> collector_;
  std::unique_ptr<prometheus::Exposer> exposer_;
};

} // namespace cdb
