// RSI / Bollinger mean reversion: buy when a close is below the lower band
// and RSI is below `oversold`; sell when above the upper band with RSI above
// `overbought`; close (side close) once the price is back at the middle band
// after either. Strength: the distance from the middle in band widths,
// |z| / (2k), capped at 1. Stop hint: stop_atr × ATR.
// Parameters: bb (20), k (2.0), rsi (14), oversold (30), overbought (70),
// atr (14), stop_atr (1.5).
#pragma once

#include "actors/signal/indicators.hpp"
#include "actors/signal/strategy.hpp"
#include "actors/signal/window_indicators.hpp"

namespace cdb {

class mean_reversion : public strategy {
public:
  explicit mean_reversion(strategy_params& p);

  void on_bar(const bar& b, intent_list& out) override;

  bool warm() const override {
    return bands_.ready() && rsi_.ready() && atr_.ready();
  }

private:
  std::size_t bb_n_;
  double k_;
  std::size_t rsi_n_;
  double oversold_;
  double overbought_;
  double stop_atr_;
  bollinger bands_;
  rsi rsi_;
  atr atr_;
  int held_ = 0; ///< Its own last opinion: 1 long, -1 short, 0 flat.
};

} // namespace cdb
