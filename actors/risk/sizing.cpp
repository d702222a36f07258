#include "actors/risk/sizing.hpp"

#include <cmath>
#include <cstdio>

#include "actors/risk/layers.hpp"

namespace cdb {

sizing_result size_fixed_fractional(const risk_config& cfg, double equity,
                                    double entry, double stop_hint) {
  sizing_result r;
  if (!std::isfinite(equity) || equity <= 0) {
    r.reason = "invalid_equity";
    return r;
  }
  if (!std::isfinite(entry) || entry <= 0) {
    r.reason = "invalid_price";
    return r;
  }
  auto stop = std::isfinite(stop_hint) && stop_hint > 0
                ? stop_hint
                : entry * cfg.default_stop_pct / 100;
  // A stop closer than one basis point would size absurdly large orders.
  if (stop < entry * 1e-4) {
    r.reason = "stop_too_close";
    return r;
  }
  auto at_risk = equity * cfg.risk_per_trade_pct / 100;
  auto raw = at_risk / stop;
  r.qty = round_down(raw, cfg.lot_step);
  r.stop_distance = stop;
  char buf[200];
  std::snprintf(buf, sizeof(buf),
                "method=fixed_fractional equity=%.2f risk_pct=%.4g "
                "at_risk=%.2f entry=%.2f stop_distance=%.4f raw_qty=%.6f",
                equity, cfg.risk_per_trade_pct, at_risk, entry, stop, raw);
  r.audit = buf;
  if (r.qty <= 0 || r.qty * entry < cfg.min_notional) {
    r.reason = "below_min_notional";
    return r;
  }
  r.ok = true;
  return r;
}

} // namespace cdb
