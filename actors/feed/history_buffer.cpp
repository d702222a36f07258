#include "actors/feed/history_buffer.hpp"

namespace cdb {

void history_buffer::add(const trade_tick& t) {
  if (max_trades_ == 0)
    return;
  auto i = trades_.find(t.instrument);
  if (i == trades_.end())
    i = trades_.emplace(t.instrument, ring<trade_tick>{}).first;
  i->second.add(t, max_trades_);
}

void history_buffer::add(const bar& b) {
  if (max_bars_ == 0)
    return;
  bars_[{b.instrument, b.interval}].add(b, max_bars_);
}

market_history history_buffer::snapshot() const {
  market_history out;
  out.trades.reserve(trades());
  for (auto& kvp : trades_)
    kvp.second.append_to(out.trades);
  for (auto& kvp : bars_)
    kvp.second.append_to(out.bars);
  return out;
}

std::size_t history_buffer::trades() const noexcept {
  std::size_t n = 0;
  for (auto& kvp : trades_)
    n += kvp.second.items.size();
  return n;
}

} // namespace cdb
