// Circuit-breaker rules: trips HALTED when equity falls
// circuit_breaker_drawdown_pct or more below its peak; manual halt and
// resume; optional timed reset. No CAF include.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "messages/trading.hpp"

namespace cdb {

struct breaker_config {
  double circuit_breaker_drawdown_pct = 10;
  nanoseconds reset_after = 0; ///< 0: only a manual resume ends a trip.

  void validate(std::vector<std::string>& errors) const;
};

/// A change of the trading state, to be published.
struct transition {
  trading_mode mode;
  std::string reason;
};

class breaker {
public:
  explicit breaker(const breaker_config& cfg) : cfg_(cfg) {
    // nop
  }

  /// Feeds equity at time `t`; returns a transition when a rule trips.
  std::optional<transition> on_equity(double equity, timestamp t);

  /// Returns a transition when a timed reset is due at `t`.
  std::optional<transition> on_time(timestamp t);

  std::optional<transition> halt(const std::string& reason, timestamp t);

  /// A restarted breaker does not know its peak or whether it had tripped:
  /// it starts HALTED and only a manual resume ends that (never a timer).
  std::optional<transition> restarted(timestamp t);
  std::optional<transition> resume(const std::string& reason, timestamp t);

  trading_mode mode() const noexcept {
    return mode_;
  }

  double peak() const noexcept {
    return peak_;
  }

  /// Drawdown from peak, in percent.
  double drawdown_pct() const noexcept;

private:
  std::optional<transition> set(trading_mode m, std::string reason,
                                timestamp t);

  breaker_config cfg_;
  trading_mode mode_ = trading_mode::active;
  double peak_ = 0;
  double equity_ = 0;
  timestamp tripped_at_ = 0;
  bool timed_ = false;
};

} // namespace cdb
