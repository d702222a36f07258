#include "actors/signal/strategies/breakout.hpp"

#include <cmath>
#include <cstdio>

namespace cdb {

breakout::breakout(strategy_params& p)
  : period_(p.count("period", 20, 2)),
    volume_factor_(p.number("volume_factor", 1.5, 0.0, 100.0)),
    stop_atr_(p.number("stop_atr", 2.0, 0.0, 100.0)), channel_(period_),
    volume_(p.count("volume_period", 20)), atr_(p.count("atr", 14)) {
  // nop
}

void breakout::on_bar(const bar& b, intent_list& out) {
  atr_.update(b.high, b.low, b.close);
  if (warm()) {
    auto hi = channel_.upper();
    auto lo = channel_.lower();
    auto avg = volume_.value();
    auto ratio = avg > 0 ? b.volume / avg : 0.0;
    bool loud = volume_factor_ == 0 || (avg > 0 && ratio >= volume_factor_);
    int dir = b.close > hi ? 1 : (b.close < lo ? -1 : 0);
    if (dir != 0 && was_inside_ && loud) {
      signal_intent s;
      s.direction = dir > 0 ? signal_side::buy : signal_side::sell;
      auto a = atr_.value();
      auto excess = dir > 0 ? b.close - hi : lo - b.close;
      s.strength = a > 0 ? std::fmin(1.0, excess / a) : 1.0;
      s.ref_price = b.close;
      s.stop_hint = stop_atr_ * a;
      char vol[32];
      std::snprintf(vol, sizeof(vol), "%.1fx", ratio);
      s.reason = "close " + price_text(b.close) + " broke "
                 + (dir > 0 ? "above the " : "below the ")
                 + std::to_string(period_) + "-bar "
                 + (dir > 0 ? "high " : "low ") + price_text(dir > 0 ? hi : lo)
                 + " on " + vol + " average volume";
      out.push_back(std::move(s));
    }
    was_inside_ = dir == 0;
  }
  channel_.update(b.high, b.low);
  volume_.update(b.volume);
}

} // namespace cdb
