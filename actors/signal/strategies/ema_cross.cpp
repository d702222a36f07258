#include "actors/signal/strategies/ema_cross.hpp"

#include <cmath>

namespace cdb {

ema_cross::ema_cross(strategy_params& p)
  : fast_n_(p.count("fast", 12)), slow_n_(p.count("slow", 26, 2)),
    stop_atr_(p.number("stop_atr", 2.0, 0.0, 100.0)), fast_(fast_n_),
    slow_(slow_n_), atr_(p.count("atr", 14)) {
  p.require(slow_n_ > fast_n_, "slow", "must be > fast");
}

void ema_cross::on_bar(const bar& b, intent_list& out) {
  fast_.update(b.close);
  slow_.update(b.close);
  atr_.update(b.high, b.low, b.close);
  if (!warm())
    return;
  auto diff = fast_.value() - slow_.value();
  int sign = diff > 0 ? 1 : (diff < 0 ? -1 : 0);
  auto previous = last_sign_;
  if (sign != 0)
    last_sign_ = sign;
  if (previous == 0 || sign == 0 || sign == previous)
    return;
  signal_intent s;
  s.direction = sign > 0 ? signal_side::buy : signal_side::sell;
  auto a = atr_.value();
  s.strength = a > 0 ? std::fmin(1.0, std::fabs(diff) / a) : 1.0;
  s.ref_price = b.close;
  s.stop_hint = stop_atr_ * a;
  s.reason = "EMA" + std::to_string(fast_n_) + " crossed "
             + (sign > 0 ? "above" : "below") + " EMA" + std::to_string(slow_n_)
             + " at " + price_text(b.close);
  out.push_back(std::move(s));
}

} // namespace cdb
