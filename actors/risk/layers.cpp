#include "actors/risk/layers.hpp"

#include <algorithm>
#include <cmath>

namespace cdb {

const char* to_string(risk_layer x) {
  switch (x) {
    case risk_layer::trading_state: return "trading_state";
    case risk_layer::signal_timeout: return "signal_timeout";
    case risk_layer::data_quality: return "data_quality";
    case risk_layer::spread: return "spread";
    case risk_layer::daily_drawdown: return "daily_drawdown";
    case risk_layer::position_limit: return "position_limit";
    case risk_layer::exposure: return "exposure";
    case risk_layer::perpetual: return "perpetual";
    case risk_layer::readiness: return "readiness";
    default: return "sizing";
  }
}

namespace {

layer_result pass(risk_layer layer, double qty) {
  return {layer, layer_outcome::pass, "", 0, 0, qty};
}

layer_result reject(risk_layer layer, const char* reason, double observed,
                    double limit) {
  return {layer, layer_outcome::reject, reason, observed, limit, 0};
}

} // namespace

double round_down(double qty, double step) {
  return std::floor(qty / step + 1e-9) * step;
}

layer_result check_trading_state(trading_mode mode, const order_intent& o) {
  if (mode == trading_mode::halted)
    return reject(risk_layer::trading_state, "halted", 2, 0);
  if (mode == trading_mode::reducing && !o.reduces)
    return reject(risk_layer::trading_state, "reducing_only", 1, 0);
  return pass(risk_layer::trading_state, o.qty);
}

layer_result check_signal_timeout(const risk_config& cfg, const order_intent& o,
                                  timestamp now) {
  auto age = static_cast<double>(now - o.signal_time);
  auto limit = static_cast<double>(cfg.signal_timeout);
  if (age > limit)
    return reject(risk_layer::signal_timeout, "signal_expired", age * 1e-9,
                  limit * 1e-9);
  return pass(risk_layer::signal_timeout, o.qty);
}

layer_result check_data_quality(const risk_config& cfg, const market_view& m,
                                timestamp now, double qty) {
  auto layer = risk_layer::data_quality;
  if (!m.known)
    return reject(layer, "no_market_data", 0, 0);
  if (!std::isfinite(m.bid) || !std::isfinite(m.ask) || m.bid <= 0
      || m.ask <= 0)
    return reject(layer, "invalid_quote", m.bid, m.ask);
  if (m.bid >= m.ask)
    return reject(layer, "crossed_book", m.bid, m.ask);
  auto age = static_cast<double>(now - m.quote_time);
  auto limit = static_cast<double>(cfg.data_stale_timeout);
  if (age > limit)
    return reject(layer, "stale_data", age * 1e-9, limit * 1e-9);
  return pass(layer, qty);
}

layer_result check_spread(const risk_config& cfg, const market_view& m,
                          double qty) {
  auto mid = (m.bid + m.ask) / 2;
  auto bps = (m.ask - m.bid) / mid * 1e4;
  if (bps > cfg.max_spread_bps)
    return reject(risk_layer::spread, "spread_too_wide", bps,
                  cfg.max_spread_bps);
  return pass(risk_layer::spread, qty);
}

layer_result check_daily_drawdown(const risk_config& cfg, const account_view& a,
                                  double qty) {
  auto sod = a.start_of_day_equity;
  auto loss_pct = sod > 0 ? (sod - a.equity) / sod * 100 : 0.0;
  if (!std::isfinite(a.equity) || a.equity <= 0)
    return reject(risk_layer::daily_drawdown, "no_equity", a.equity, 0);
  if (loss_pct >= cfg.max_daily_drawdown_pct)
    return reject(risk_layer::daily_drawdown, "daily_drawdown_reached",
                  loss_pct, cfg.max_daily_drawdown_pct);
  return pass(risk_layer::daily_drawdown, qty);
}

layer_result check_position_limit(const risk_config& cfg, const account_view& a,
                                  const order_intent& o) {
  auto layer = risk_layer::position_limit;
  auto limit = cfg.max_position_pct / 100 * a.equity;
  auto signed_qty = o.direction == side::buy ? o.qty : -o.qty;
  auto after = std::fabs(a.position_qty + signed_qty) * o.price;
  if (after <= limit)
    return pass(layer, o.qty);
  // Room left in the order's direction, from the current position.
  auto held = o.direction == side::buy ? a.position_qty : -a.position_qty;
  auto room = round_down(limit / o.price - held, cfg.sizing.lot_step);
  if (room <= 0 || room * o.price < cfg.sizing.min_notional)
    return reject(layer, "position_limit_reached", after, limit);
  return {layer, layer_outcome::cap, "position_capped", after, limit, room};
}

layer_result check_exposure(const risk_config& cfg, const account_view& a,
                            const order_intent& o) {
  auto limit = cfg.max_exposure_pct / 100 * a.equity;
  auto after = a.exposure + o.qty * o.price;
  if (after > limit)
    return reject(risk_layer::exposure, "exposure_limit", after, limit);
  return pass(risk_layer::exposure, o.qty);
}

double estimate_slippage_bps(const risk_config& cfg, const market_view& m,
                             double qty) {
  auto mid = (m.bid + m.ask) / 2;
  auto half_spread = (m.ask - m.bid) / mid * 1e4 / 2;
  auto impact = 0.0;
  if (m.bar_sigma > 0 && m.bar_volume > 0 && qty > 0)
    impact = cfg.impact_coefficient * m.bar_sigma
             * std::sqrt(qty / m.bar_volume) * 1e4;
  return half_spread + impact;
}

layer_result check_perpetual(const risk_config& cfg, const market_view& m,
                             const order_intent& o) {
  auto layer = risk_layer::perpetual;
  if (!m.perpetual)
    return pass(layer, o.qty);
  // Isolated margin: the position is liquidated once it lost its initial
  // margin less the maintenance margin.
  auto leverage = m.leverage > 0 ? m.leverage : cfg.leverage;
  auto distance = (1 / leverage - cfg.maintenance_margin_pct / 100) * 100;
  if (distance < cfg.min_liquidation_distance_pct)
    return reject(layer, "liquidation_too_close", distance,
                  cfg.min_liquidation_distance_pct);
  // Longs pay a positive rate, shorts a negative one; three times a day.
  auto rate = m.funding_known ? m.funding_rate : cfg.funding_rate_fallback;
  auto paid = o.direction == side::buy ? rate : -rate;
  auto daily_pct = std::max(0.0, paid) * 3 * 100;
  if (!std::isfinite(daily_pct) || daily_pct > cfg.max_daily_funding_pct)
    return reject(layer, "funding_too_expensive", daily_pct,
                  cfg.max_daily_funding_pct);
  auto slip = estimate_slippage_bps(cfg, m, o.qty);
  if (!std::isfinite(slip) || slip > cfg.max_slippage_bps)
    return reject(layer, "slippage_too_high", slip, cfg.max_slippage_bps);
  return pass(layer, o.qty);
}

layer_result evaluate(const risk_config& cfg, trading_mode mode,
                      const order_intent& o, const market_view& m,
                      const account_view& a, timestamp now,
                      layer_result* capped) {
  auto r = check_trading_state(mode, o);
  if (r.outcome == layer_outcome::reject)
    return r;
  if (r = check_signal_timeout(cfg, o, now); r.outcome != layer_outcome::pass)
    return r;
  if (r = check_data_quality(cfg, m, now, o.qty);
      r.outcome != layer_outcome::pass)
    return r;
  if (r = check_spread(cfg, m, o.qty); r.outcome != layer_outcome::pass)
    return r;
  if (o.reduces)
    return r;
  if (r = check_daily_drawdown(cfg, a, o.qty); r.outcome != layer_outcome::pass)
    return r;
  r = check_position_limit(cfg, a, o);
  if (r.outcome == layer_outcome::reject)
    return r;
  auto sized = o;
  sized.qty = r.qty;
  if (r.outcome == layer_outcome::cap && capped != nullptr)
    *capped = r;
  auto e = check_exposure(cfg, a, sized);
  if (e.outcome == layer_outcome::reject)
    return e;
  auto p = check_perpetual(cfg, m, sized);
  if (p.outcome == layer_outcome::reject)
    return p;
  return r;
}

} // namespace cdb
