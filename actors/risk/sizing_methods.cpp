#include "actors/risk/sizing_methods.hpp"

#include <charconv>
#include <cmath>

#include "actors/risk/layers.hpp"
#include "runtime/config_check.hpp"

namespace cdb {

namespace {

constexpr const char* method_names[] = {"fixed_fractional", "volatility_target",
                                        "kelly", "atr", "regime"};

/// `x` with 6 significant digits, no trailing zeros ("80", "0.005").
std::string num(double x) {
  char buf[32];
  auto res = std::to_chars(buf, buf + sizeof(buf), x,
                           std::chars_format::general, 6);
  return std::string{buf, res.ptr};
}

/// "key=value" pairs for the audit trail.
class audit {
public:
  explicit audit(sizing_method m) : text_("method=") {
    text_.reserve(256);
    text_ += to_string(m);
  }

  /// Appends " key=value", the value with 6 significant digits (to_chars:
  /// a third of snprintf's cost, and sizing runs on every signal).
  audit& add(const char* key, double value) {
    text_ += ' ';
    text_ += key;
    text_ += '=';
    text_ += num(value);
    return *this;
  }

  audit& note(const std::string& x) {
    text_ += " note=" + x;
    return *this;
  }

  const std::string& str() const noexcept {
    return text_;
  }

private:
  std::string text_;
};

sizing_result reject(const char* reason, const audit& a, double observed = 0,
                     double limit = 0) {
  sizing_result r;
  r.reason = reason;
  r.audit = a.str();
  r.observed = observed;
  r.limit = limit;
  return r;
}

bool bad(double x) {
  return !std::isfinite(x) || x < 0;
}

/// The stop distance in price units: the hint, else default_stop_pct.
double stop_of(const sizing_config& cfg, const sizing_inputs& in) {
  return std::isfinite(in.stop_hint) && in.stop_hint > 0
           ? in.stop_hint
           : in.entry * cfg.default_stop_pct / 100;
}

/// Common end of every method: sane, not absurd, rounded, not too small.
sizing_result finish(const sizing_config& cfg, const sizing_inputs& in,
                     double raw, double stop, audit& a) {
  a.add("raw_qty", raw);
  if (!std::isfinite(raw) || raw < 0)
    return reject("invalid_size", a, raw);
  auto notional = raw * in.entry;
  auto max_notional = in.equity * cfg.max_notional_pct / 100;
  if (notional > max_notional) {
    a.add("notional", notional).add("max_notional_pct", cfg.max_notional_pct);
    return reject("size_absurd", a, notional, max_notional);
  }
  // No order needs 10^15 units: a quantity that large comes from an absurd
  // price or volatility, and would not survive rounding to the lot step.
  if (raw > 1e15)
    return reject("size_absurd", a, raw, 1e15);
  sizing_result r;
  r.qty = round_down(raw, cfg.lot_step);
  r.stop_distance = stop;
  r.audit = a.str();
  if (r.qty <= 0 || r.qty * in.entry < cfg.min_notional) {
    r.reason = "below_min_notional";
    r.observed = r.qty * in.entry;
    r.limit = cfg.min_notional;
    r.qty = 0;
    return r;
  }
  r.ok = true;
  return r;
}

sizing_result fixed_fractional(const sizing_config& cfg,
                               const sizing_inputs& in, double stop, audit& a) {
  a.add("risk_pct", cfg.risk_per_trade_pct).add("stop_distance", stop);
  if (stop < in.entry * 1e-4) // closer than a basis point: absurdly large
    return reject("stop_too_close", a, stop, in.entry * 1e-4);
  auto at_risk = in.equity * cfg.risk_per_trade_pct / 100;
  a.add("factor", cfg.risk_per_trade_pct / 100).add("at_risk", at_risk);
  return finish(cfg, in, at_risk / stop, stop, a);
}

sizing_result vol_target(const sizing_config& cfg, const sizing_inputs& in,
                         double stop, audit& a) {
  a.add("vol", in.volatility).add("target_pct", cfg.vol_target_pct);
  if (in.volatility == 0)
    return reject("volatility_unknown", a);
  auto notional = in.equity * cfg.vol_target_pct / 100 / in.volatility;
  a.add("factor", cfg.vol_target_pct / 100 / in.volatility);
  return finish(cfg, in, notional / in.entry, stop, a);
}

sizing_result kelly(const sizing_config& cfg, const sizing_inputs& in,
                    double stop, audit& a) {
  double p = cfg.kelly_win_rate;
  double b = cfg.kelly_payoff;
  auto& s = in.stats;
  if (s.trades >= cfg.kelly_min_trades) {
    a.add("trades", static_cast<double>(s.trades));
    if (!std::isfinite(s.win_rate) || s.win_rate < 0 || s.win_rate > 1
        || !std::isfinite(s.avg_win) || s.avg_win <= 0
        || !std::isfinite(s.avg_loss) || s.avg_loss <= 0) {
      a.add("recorded_win_rate", s.win_rate)
        .add("avg_win", s.avg_win)
        .add("avg_loss", s.avg_loss);
      return reject("invalid_trade_stats", a);
    }
    p = s.win_rate;
    b = s.avg_win / s.avg_loss;
  } else {
    a.note("config_inputs(" + std::to_string(s.trades) + "<"
           + std::to_string(cfg.kelly_min_trades) + "_trades)");
  }
  auto full = p - (1 - p) / b;
  a.add("win_rate", p).add("payoff", b).add("full_kelly", full);
  if (!(full > 0))
    return reject("no_edge", a, full, 0);
  auto f = cfg.kelly_fraction * full;
  if (f > cfg.kelly_cap_pct / 100) {
    f = cfg.kelly_cap_pct / 100;
    a.note("capped_at_" + num(cfg.kelly_cap_pct) + "_pct");
  }
  a.add("factor", f).add("stop_distance", stop);
  if (stop < in.entry * 1e-4)
    return reject("stop_too_close", a, stop, in.entry * 1e-4);
  return finish(cfg, in, in.equity * f / stop, stop, a);
}

} // namespace

const char* to_string(sizing_method x) {
  return method_names[static_cast<int>(x)];
}

bool from_string(const std::string& name, sizing_method& out) {
  for (int i = 0; i < 5; ++i)
    if (name == method_names[i]) {
      out = static_cast<sizing_method>(i);
      return true;
    }
  return false;
}

sizing_result size_position(const sizing_config& cfg, const sizing_inputs& in) {
  audit a{cfg.method};
  a.add("equity", in.equity).add("entry", in.entry);
  if (!std::isfinite(in.equity) || in.equity <= 0)
    return reject("invalid_equity", a, in.equity);
  if (!std::isfinite(in.entry) || in.entry <= 0)
    return reject("invalid_price", a, in.entry);
  if (bad(in.volatility))
    return reject("invalid_volatility", a, in.volatility);
  if (bad(in.atr))
    return reject("invalid_atr", a, in.atr);
  auto stop = stop_of(cfg, in);
  switch (cfg.method) {
    case sizing_method::fixed_fractional:
      return fixed_fractional(cfg, in, stop, a);
    case sizing_method::volatility_target: return vol_target(cfg, in, stop, a);
    case sizing_method::kelly: return kelly(cfg, in, stop, a);
    case sizing_method::atr:
      a.add("atr", in.atr).add("atr_multiple", cfg.atr_stop_multiple);
      if (in.atr == 0)
        return reject("atr_unknown", a);
      return fixed_fractional(cfg, in, cfg.atr_stop_multiple * in.atr, a);
    case sizing_method::regime: break;
  }
  if (in.volatility > 0 && in.volatility * 100 >= cfg.regime_high_vol_pct) {
    a.note("regime_high(vol>=" + num(cfg.regime_high_vol_pct)
           + "pct)->volatility_target");
    return vol_target(cfg, in, stop, a);
  }
  a.note(in.volatility > 0 ? "regime_normal->fixed_fractional"
                           : "volatility_unknown->fixed_fractional");
  return fixed_fractional(cfg, in, stop, a);
}

void sizing_config::validate(std::vector<std::string>& errors) const {
  config_check c{"risk", errors};
  c.in_range_open_closed("risk_per_trade_pct", risk_per_trade_pct, 0, 10);
  c.in_range_open_closed("default_stop_pct", default_stop_pct, 0, 50);
  c.in_range_open_closed("vol_target_pct", vol_target_pct, 0, 1000);
  c.in_range_open_closed("kelly_fraction", kelly_fraction, 0, 1);
  c.in_range_open_closed("kelly_cap_pct", kelly_cap_pct, 0, 100);
  c.in_range("kelly_win_rate", kelly_win_rate, 0, 1);
  c.positive("kelly_payoff", kelly_payoff);
  c.positive("atr_stop_multiple", atr_stop_multiple);
  c.positive("regime_high_vol_pct", regime_high_vol_pct);
  c.positive("max_notional_pct", max_notional_pct);
  c.positive("lot_step", lot_step);
  c.in_range("min_notional", min_notional, 0, 1e9);
}

} // namespace cdb
