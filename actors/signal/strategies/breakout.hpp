// Donchian breakout with a volume filter: buy when a close breaks above the
// highest high of the previous `period` bars, sell when it breaks below the
// lowest low, if the bar's volume is at least volume_factor × the average
// volume of the previous `volume_period` bars. Only a fresh break signals:
// the previous close must have been inside the channel. Strength: the break
// distance in ATRs (capped at 1). Stop hint: stop_atr × ATR.
// Parameters: period (20), volume_period (20), volume_factor (1.5; 0: no
// filter), atr (14), stop_atr (2.0).
#pragma once

#include "actors/signal/indicators.hpp"
#include "actors/signal/strategy.hpp"
#include "actors/signal/window_indicators.hpp"

namespace cdb {

class breakout : public strategy {
public:
  explicit breakout(strategy_params& p);

  void on_bar(const bar& b, intent_list& out) override;

  bool warm() const override {
    return channel_.ready() && volume_.ready() && atr_.ready();
  }

private:
  std::size_t period_;
  double volume_factor_;
  double stop_atr_;
  donchian channel_; ///< Of the bars before the current one.
  sma volume_;       ///< Likewise.
  atr atr_;
  bool was_inside_ = false;
};

} // namespace cdb
