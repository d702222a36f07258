// Risk limits. Percentages are percent (10 means 10 %); limits are inclusive:
// a value equal to its limit passes, except the daily drawdown, which blocks
// once the loss reaches its limit.
#pragma once

#include <string>
#include <vector>

#include "actors/risk/sizing_methods.hpp"
#include "messages/fields.hpp"

namespace cdb {

struct risk_config {
  double max_position_pct = 10;
  double max_exposure_pct = 30;
  double max_daily_drawdown_pct = 5;
  double max_spread_bps = 20;
  nanoseconds data_stale_timeout = 2'000'000'000;
  nanoseconds signal_timeout = 2'000'000'000;
  double take_profit_r = 2.0; ///< Take profit at R x stop; 0: none.
  /// fixed_fractional, volatility_target, kelly, atr or regime
  /// (sizing_methods.hpp; docs/risk.md); sets sizing.method.
  std::string sizing_method = "fixed_fractional";
  /// Sizing parameters, lot step and min notional (keys risk.*).
  sizing_config sizing;
  nanoseconds vol_bar = 60'000'000'000; ///< Mid bars for volatility and ATR.
  std::size_t vol_window = 43'200;      ///< Bars: 30 days of minutes.
  /// Perpetual futures (layer 8): these instruments ("*": all), and any
  /// instrument the feed sends a mark price for.
  std::vector<std::string> perpetuals;
  double leverage = 1; ///< Of every perpetual position without an entry in:
  /// "INSTRUMENT=LEVERAGE" entries (runtime/leverage.hpp).
  std::vector<std::string> instrument_leverage;
  double maintenance_margin_pct = 0.5;      ///< Of notional.
  double min_liquidation_distance_pct = 15; ///< From entry; at it passes.
  double max_daily_funding_pct = 0.1;       ///< Of notional; at it passes.
  double max_slippage_bps = 50;             ///< Estimated; at it passes.
  double impact_coefficient = 1;            ///< Of the square-root law.
  /// Funding rate per 8 h until the feed has sent one (replay, no marks).
  double funding_rate_fallback = 0.0001;
  /// The trading day starts this long after UTC midnight (daily drawdown,
  /// start-of-day equity, the breaker's daily loss).
  nanoseconds day_start = 0;

  /// The leverage of `instrument`.
  double leverage_of(const std::string& instrument) const;

  /// `sizing` with the method of `sizing_method` (which validate() checks).
  sizing_config sizing_settings() const;

  void validate(std::vector<std::string>& errors) const;
};

} // namespace cdb
