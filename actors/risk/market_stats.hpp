// What sizing needs to know about an instrument's market: bars of the quote
// mid on a fixed grid (risk.vol_bar), the annualised volatility of their log
// returns over up to risk.vol_window bars, and their ATR. An estimate is
// given once min_bars returns are in (before that: 0, "unknown"), so a
// fresh node sizes by volatility after minutes, not after the whole window.
// Traded volume per bar feeds the perpetual slippage estimate.
// Pure C++; the indicators are the signal actor's (O(1), no allocation).
#pragma once

#include <cstddef>

#include "actors/signal/indicators.hpp"
#include "actors/signal/window_indicators.hpp"
#include "messages/fields.hpp"

namespace cdb {

class market_stats {
public:
  market_stats(nanoseconds bar, std::size_t window, std::size_t min_bars = 20,
               std::size_t atr_period = 14);

  /// Takes a mid price at event time `t` (out-of-order times are ignored).
  void on_mid(double mid, timestamp t);

  /// Annualised σ of bar returns (0.6 = 60 %); 0 while unknown.
  double volatility() const noexcept;

  /// ATR of the mid bars in price units; 0 while unknown.
  double atr() const noexcept {
    return atr_.ready() ? atr_.value() : 0.0;
  }

  std::size_t bars() const noexcept {
    return bars_;
  }

  /// σ of one bar's return (not annualised); 0 while unknown.
  double bar_volatility() const noexcept;

  /// Takes a traded quantity at event time `t`.
  void on_volume(double qty, timestamp t);

  /// Mean traded quantity per bar over the last 20 closed bars (bars
  /// without trades count as 0 once trades were seen); 0 while unknown.
  double bar_volume() const noexcept {
    return volume_bars_ > 0 ? mean_volume_ : 0.0;
  }

private:
  nanoseconds bar_;
  std::size_t min_bars_;
  double periods_per_year_;
  cdb::volatility vol_;
  cdb::atr atr_;
  std::size_t bars_ = 0; ///< Closed bars.
  timestamp open_bar_ = -1;
  double high_ = 0;
  double low_ = 0;
  double close_ = 0;
  timestamp volume_bar_ = -1;
  double volume_ = 0; ///< Of the open volume bar.
  double mean_volume_ = 0;
  std::size_t volume_bars_ = 0;
};

} // namespace cdb
