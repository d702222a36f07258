#include "actors/feed/history_buffer.hpp"

namespace cdb {

void history_buffer::add(const trade_tick& t) {
  if (max_trades_ == 0)
    return;
  auto i = trades_.find(t.instrument);
  if (i == trades_.end())
    i = trades_.emplace(t.instrument, ring<kept_trade>{}).first;
  auto& r = i->second;
  auto put = [&t](kept_trade& k) {
    k.price = t.price;
    k.qty = t.qty;
    k.event_time = t.event_time;
    k.recv_time = t.recv_time;
    k.trade_id = t.trade_id;
    k.aggressor = t.aggressor;
  };
  if (r.items.size() < max_trades_) {
    put(r.items.emplace_back());
    return;
  }
  put(r.items[r.head]);
  r.head = r.head + 1 == r.items.size() ? 0 : r.head + 1;
}

void history_buffer::add(const bar& b) {
  if (max_bars_ == 0)
    return;
  bars_[{b.instrument, b.interval}].add(b, max_bars_);
}

market_history history_buffer::snapshot() const {
  market_history out;
  out.trades.reserve(trades());
  for (auto& [instrument, r] : trades_)
    r.each([&, name = &instrument](const kept_trade& k) {
      auto& t = out.trades.emplace_back();
      t.instrument = *name;
      t.price = k.price;
      t.qty = k.qty;
      t.aggressor = k.aggressor;
      t.trade_id = k.trade_id;
      t.event_time = k.event_time;
      t.recv_time = k.recv_time;
    });
  for (auto& kvp : bars_)
    kvp.second.each([&](const bar& b) { out.bars.push_back(b); });
  return out;
}

std::size_t history_buffer::trades() const noexcept {
  std::size_t n = 0;
  for (auto& kvp : trades_)
    n += kvp.second.items.size();
  return n;
}

} // namespace cdb
