// EMA-crossover trend following: buy when the fast EMA of bar closes crosses
// above the slow one, sell when it crosses below. Warm-up: the slow period;
// cooldown: a number of bars after each signal. Stop hint: k x ATR.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "actors/signal/indicators.hpp"
#include "messages/trading.hpp"

namespace cdb {

struct ema_cross_config {
  std::size_t fast = 5;
  std::size_t slow = 15;
  std::size_t atr_period = 14;
  double atr_stop_multiple = 2.0;
  std::size_t cooldown_bars = 3;

  void validate(std::vector<std::string>& errors) const;
};

/// What a strategy says about a bar; the actor adds id and times.
struct signal_intent {
  signal_side direction;
  double strength;
  double ref_price;
  double stop_hint;
  std::string reason;
};

class ema_cross {
public:
  explicit ema_cross(const ema_cross_config& cfg);

  /// Feeds a closed bar; returns a signal intent on a crossover.
  std::optional<signal_intent> on_bar(const bar& b);

  /// True once every indicator has seen enough bars.
  bool warm() const noexcept {
    return slow_.ready() && atr_.ready();
  }

private:
  ema_cross_config cfg_;
  ema fast_;
  ema slow_;
  atr atr_;
  int last_sign_ = 0;
  std::size_t cooldown_ = 0;
};

} // namespace cdb
