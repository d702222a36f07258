// EMA-crossover trend following: buy when the fast EMA of closes crosses
// above the slow one, sell when it crosses below. Strength: the EMA gap in
// ATRs (capped at 1). Stop hint: stop_atr × ATR.
// Parameters: fast (12), slow (26, > fast), atr (14), stop_atr (2.0).
#pragma once

#include "actors/signal/indicators.hpp"
#include "actors/signal/strategy.hpp"

namespace cdb {

class ema_cross : public strategy {
public:
  explicit ema_cross(strategy_params& p);

  void on_bar(const bar& b, intent_list& out) override;

  bool warm() const override {
    return slow_.ready() && atr_.ready();
  }

private:
  std::size_t fast_n_;
  std::size_t slow_n_;
  double stop_atr_;
  ema fast_;
  ema slow_;
  atr atr_;
  int last_sign_ = 0;
};

} // namespace cdb
