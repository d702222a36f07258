#include "actors/signal/strategies/mean_reversion.hpp"

#include <cmath>
#include <cstdio>

namespace cdb {

mean_reversion::mean_reversion(strategy_params& p)
  : bb_n_(p.count("bb", 20, 2)), k_(p.number("k", 2.0, 0.1, 10.0)),
    rsi_n_(p.count("rsi", 14)), oversold_(p.number("oversold", 30, 0, 100)),
    overbought_(p.number("overbought", 70, 0, 100)),
    stop_atr_(p.number("stop_atr", 1.5, 0.0, 100.0)), bands_(bb_n_, k_),
    rsi_(rsi_n_), atr_(p.count("atr", 14)) {
  p.require(oversold_ < overbought_, "overbought", "must be > oversold");
}

void mean_reversion::on_bar(const bar& b, intent_list& out) {
  bands_.update(b.close);
  rsi_.update(b.close);
  atr_.update(b.high, b.low, b.close);
  if (!warm())
    return;
  auto mid = bands_.middle();
  auto sd = bands_.stdev();
  auto r = rsi_.value();
  signal_intent s;
  s.ref_price = b.close;
  s.stop_hint = stop_atr_ * atr_.value();
  s.strength = sd > 0 ? std::fmin(1.0, std::fabs(b.close - mid) / sd / (2 * k_))
                      : 0.0;
  char rsi_text[16];
  std::snprintf(rsi_text, sizeof(rsi_text), "%.1f", r);
  auto bands = "Bollinger(" + std::to_string(bb_n_) + "," + price_text(k_)
               + ")";
  auto rsi_name = " with RSI" + std::to_string(rsi_n_) + " " + rsi_text;
  if (held_ != 1 && b.close < bands_.lower() && r < oversold_) {
    held_ = 1;
    s.direction = signal_side::buy;
    s.reason = "close " + price_text(b.close) + " below lower " + bands + " "
               + price_text(bands_.lower()) + rsi_name;
  } else if (held_ != -1 && b.close > bands_.upper() && r > overbought_) {
    held_ = -1;
    s.direction = signal_side::sell;
    s.reason = "close " + price_text(b.close) + " above upper " + bands + " "
               + price_text(bands_.upper()) + rsi_name;
  } else if ((held_ == 1 && b.close >= mid)
             || (held_ == -1 && b.close <= mid)) {
    s.direction = signal_side::close;
    s.strength = 1.0;
    s.reason = "close " + price_text(b.close) + " back at the " + bands
               + " middle " + price_text(mid) + " after a "
               + (held_ == 1 ? "buy" : "sell");
    held_ = 0;
  } else {
    return;
  }
  out.push_back(std::move(s));
}

} // namespace cdb
