// Position sizing. Fixed-fractional: risk `risk_per_trade_pct` of equity
// between entry and stop. Bad inputs yield a named rejection, never an order.
// No CAF include.
#pragma once

#include <string>

#include "actors/risk/risk_config.hpp"

namespace cdb {

/// A sizing result and its audit trail.
struct sizing_result {
  bool ok = false;
  double qty = 0;
  double stop_distance = 0;
  std::string reason; ///< Reason code when !ok.
  std::string audit;  ///< "method=... equity=... factor=..."
};

/// Sizes a new position; `stop_hint` <= 0 falls back to default_stop_pct.
sizing_result size_fixed_fractional(const risk_config& cfg, double equity,
                                    double entry, double stop_hint);

} // namespace cdb
