// A seeded synthetic market: for each instrument a log-price random walk
// whose drift switches between up, down and flat regimes, so trend and
// reversal strategies both see something. Same seed, same ticks, bit for bit
// (the generator and the normal sampler are the project's own, not the
// standard library's implementation-defined distributions).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "messages/market_data.hpp"

namespace cdb {

struct synthetic_config {
  std::uint64_t seed = 42;
  std::vector<std::string> instruments{"BTCUSDT", "ETHUSDT"};
  std::vector<double> start_prices{30000.0, 2000.0};
  nanoseconds step = 20'000'000; ///< Event time between two steps.
  double volatility = 0.0008;    ///< Log-return stdev per sqrt(second).
  double trend = 0.0006;         ///< |drift| per second in a trend regime.
  double regime_seconds = 20;    ///< Mean regime length.
  double spread_bps = 1.0;
  double trades_per_step = 1.0; ///< Mean trades per instrument and step.
  double tick_size = 0.01;
  double lot_step = 0.0001;

  /// Appends an error per bad key (prefix "market").
  void validate(std::vector<std::string>& errors) const;
};

/// A deterministic 64-bit generator (splitmix64), fast and portable.
class splitmix64 {
public:
  explicit splitmix64(std::uint64_t seed) : state_(seed) {
    // nop
  }

  std::uint64_t next();

  /// Returns a uniform double in [0, 1).
  double uniform();

  /// Returns a standard normal sample (Box-Muller).
  double normal();

private:
  std::uint64_t state_;
};

class synthetic_market {
public:
  synthetic_market(synthetic_config cfg, timestamp start);

  /// Advances one step and appends the resulting quotes and trades.
  void step(std::vector<quote_tick>& quotes, std::vector<trade_tick>& trades);

  /// Event time of the last step.
  timestamp time() const noexcept {
    return now_;
  }

  const synthetic_config& config() const noexcept {
    return cfg_;
  }

private:
  struct instrument_state {
    double log_price;
    double drift;
  };

  double round_price(double x) const;
  double round_qty(double x) const;

  synthetic_config cfg_;
  splitmix64 rng_;
  timestamp now_;
  std::uint64_t trade_seq_ = 0;
  std::vector<instrument_state> states_;
};

} // namespace cdb
