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
  auto r = rsi_.value();
  auto close = b.close;
  signal_side side;
  if (held_ != 1 && close < bands_.lower() && r < oversold_)
    side = signal_side::buy;
  else if (held_ != -1 && close > bands_.upper() && r > overbought_)
    side = signal_side::sell;
  else if ((held_ == 1 && close >= mid) || (held_ == -1 && close <= mid))
    side = signal_side::close;
  else
    return; // the common case: no string is built
  signal_intent s;
  s.direction = side;
  s.ref_price = close;
  s.stop_hint = stop_atr_ * atr_.value();
  auto sd = bands_.stdev();
  s.strength = sd > 0 ? std::fmin(1.0, std::fabs(close - mid) / sd / (2 * k_))
                      : 0.0;
  char rsi_text[16];
  std::snprintf(rsi_text, sizeof(rsi_text), "%.1f", r);
  auto bands = "Bollinger(" + std::to_string(bb_n_) + "," + price_text(k_)
               + ")";
  auto with_rsi = " with RSI" + std::to_string(rsi_n_) + " " + rsi_text;
  auto px = "close " + price_text(close);
  if (side == signal_side::buy) {
    held_ = 1;
    s.reason = px + " below lower " + bands + " " + price_text(bands_.lower())
               + with_rsi;
  } else if (side == signal_side::sell) {
    held_ = -1;
    s.reason = px + " above upper " + bands + " " + price_text(bands_.upper())
               + with_rsi;
  } else {
    s.strength = 1.0;
    s.reason = px + " back at the " + bands + " middle " + price_text(mid)
               + " after a " + (held_ == 1 ? "buy" : "sell");
    held_ = 0;
  }
  out.push_back(std::move(s));
}

} // namespace cdb
