#include "actors/signal/ema_cross.hpp"

#include <cmath>
#include <cstdio>

#include "runtime/config_check.hpp"

namespace cdb {

void ema_cross_config::validate(std::vector<std::string>& errors) const {
  config_check c{"signal", errors};
  c.require(fast >= 1, "fast", fast, "must be >= 1");
  c.require(slow > fast, "slow", slow, "must be > signal.fast");
  c.require(atr_period >= 1, "atr_period", atr_period, "must be >= 1");
  c.positive("atr_stop_multiple", atr_stop_multiple);
}

ema_cross::ema_cross(const ema_cross_config& cfg)
  : cfg_(cfg), fast_(cfg.fast), slow_(cfg.slow), atr_(cfg.atr_period) {
  // nop
}

std::optional<signal_intent> ema_cross::on_bar(const bar& b) {
  fast_.update(b.close);
  slow_.update(b.close);
  atr_.update(b.high, b.low, b.close);
  if (cooldown_ > 0)
    --cooldown_;
  if (!warm())
    return std::nullopt;
  auto diff = fast_.value() - slow_.value();
  int sign = diff > 0 ? 1 : (diff < 0 ? -1 : 0);
  auto previous = last_sign_;
  if (sign != 0)
    last_sign_ = sign;
  if (previous == 0 || sign == 0 || sign == previous || cooldown_ > 0)
    return std::nullopt;
  cooldown_ = cfg_.cooldown_bars;
  signal_intent out;
  out.direction = sign > 0 ? signal_side::buy : signal_side::sell;
  auto rel = std::fabs(diff) / (atr_.value() > 0 ? atr_.value() : 1.0);
  out.strength = std::fmin(1.0, rel);
  out.ref_price = b.close;
  out.stop_hint = cfg_.atr_stop_multiple * atr_.value();
  char buf[128];
  std::snprintf(buf, sizeof(buf), "EMA%zu crossed %s EMA%zu at %.2f", cfg_.fast,
                sign > 0 ? "above" : "below", cfg_.slow, b.close);
  out.reason = buf;
  return out;
}

} // namespace cdb
