#include "actors/risk/risk_config.hpp"

#include "runtime/config_check.hpp"

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
  c.in_range_open_closed("risk_per_trade_pct", risk_per_trade_pct, 0, 10);
  c.in_range_open_closed("default_stop_pct", default_stop_pct, 0, 50);
  c.in_range("take_profit_r", take_profit_r, 0, 100);
  c.positive("lot_step", lot_step);
  c.in_range("min_notional", min_notional, 0, 1e9);
}

} // namespace cdb
