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
  double risk_per_trade_pct = 0.5; ///< Fixed-fractional: equity at risk.
  double default_stop_pct = 1.0;   ///< Stop distance without a stop hint.
  double take_profit_r = 2.0;      ///< Take profit at R x stop; 0: none.
  double lot_step = 0.0001;
  double min_notional = 10;
  /// fixed_fractional, volatility_target, kelly, atr or regime
  /// (sizing_methods.hpp; docs/risk.md).
  std::string sizing_method = "fixed_fractional";
  double vol_target_pct = 20;
  double kelly_fraction = 0.25;
  double kelly_cap_pct = 2;
  double kelly_win_rate = 0.5;
  double kelly_payoff = 1.5;
  double atr_stop_multiple = 2;
  double regime_high_vol_pct = 80;
  double max_notional_pct = 1000;
  nanoseconds vol_bar = 60'000'000'000; ///< Mid bars for volatility and ATR.
  std::size_t vol_window = 43'200;      ///< Bars: 30 days of minutes.

  /// The sizing settings; `sizing_method` must be valid (validate()).
  sizing_config sizing() const;

  void validate(std::vector<std::string>& errors) const;
};

} // namespace cdb
