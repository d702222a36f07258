#include "actors/risk/risk_config.hpp"

#include "runtime/config_check.hpp"
#include "runtime/leverage.hpp"

namespace cdb {

void risk_config::validate(std::vector<std::string>& errors) const {
  config_check c{"risk", errors};
  c.in_range_open_closed("max_position_pct", max_position_pct, 0, 100);
  c.in_range_open_closed("max_exposure_pct", max_exposure_pct, 0, 1000);
  c.require(!(max_position_pct > max_exposure_pct), "max_position_pct",
            max_position_pct, "must be <= risk.max_exposure_pct");
  c.in_range_open_closed("max_daily_drawdown_pct", max_daily_drawdown_pct, 0,
                         100);
  c.in_range_open_closed("max_spread_bps", max_spread_bps, 0, 10000);
  c.require_span(data_stale_timeout > 0, "data_stale_timeout",
                 data_stale_timeout, "must be > 0");
  c.require_span(signal_timeout > 0, "signal_timeout", signal_timeout,
                 "must be > 0");
  c.in_range("take_profit_r", take_profit_r, 0, 100);
  cdb::sizing_method m; // the member of that name is the string
  c.require(from_string(sizing_method, m), "sizing_method", sizing_method,
            "must be fixed_fractional, volatility_target, kelly, atr or "
            "regime");
  sizing.validate(errors);
  c.require_span(vol_bar >= 1'000'000'000, "vol_bar", vol_bar, "must be >= 1s");
  c.require_span(day_start >= 0 && day_start < 86'400'000'000'000, "day_start",
                 day_start, "must be in [0s, 24h)");
  c.in_range("leverage", leverage, 1, 125);
  c.in_range_open_closed("maintenance_margin_pct", maintenance_margin_pct, 0,
                         50);
  c.require(!(maintenance_margin_pct / 100 >= 1 / leverage),
            "maintenance_margin_pct", maintenance_margin_pct,
            "must be below 100 / risk.leverage (else every position is "
            "liquidated at once)");
  c.in_range_open_closed("min_liquidation_distance_pct",
                         min_liquidation_distance_pct, 0, 100);
  c.in_range_open_closed("max_daily_funding_pct", max_daily_funding_pct, 0,
                         100);
  c.in_range_open_closed("max_slippage_bps", max_slippage_bps, 0, 10000);
  c.in_range("impact_coefficient", impact_coefficient, 0, 100);
  c.in_range("funding_rate_fallback", funding_rate_fallback, -0.01, 0.01);
  for (auto& entry : instrument_leverage) {
    std::string name;
    double lev = 0;
    c.require(parse_leverage_entry(entry, name, lev) && lev >= 1 && lev <= 125
                && maintenance_margin_pct / 100 < 1 / lev,
              "instrument_leverage", entry,
              "entries must be INSTRUMENT=LEVERAGE with leverage in [1, 125] "
              "and below 100 / risk.maintenance_margin_pct");
  }
  for (auto& p : perpetuals)
    c.require(!p.empty(), "perpetuals", "\"\"",
              "must name instruments (or \"*\")");
  c.require(vol_window >= 2 && vol_window <= 10'000'000, "vol_window",
            vol_window, "must be in [2, 10000000] bars");
}

double risk_config::leverage_of(const std::string& instrument) const {
  return leverage_for(instrument_leverage, leverage, instrument);
}

sizing_config risk_config::sizing_settings() const {
  auto out = sizing;
  from_string(sizing_method, out.method);
  return out;
}

} // namespace cdb
