#include "actors/feed/history_buffer.hpp"

#include <cstring>

namespace cdb {

void history_buffer::add(const trade_tick& t) {
  if (max_trades_ == 0)
    return;
  auto& r = cached(trade_rings_, t.instrument, [&]() -> trade_ring& {
    auto i = trades_.find(t.instrument);
    if (i == trades_.end())
      i = trades_.emplace(t.instrument, trade_ring{}).first;
    return i->second;
  });
  static_assert(sizeof(kept_trade) == 56, "a kept trade is 56 bytes");
  auto& k = r.slot(max_trades_);
  if (k.id_len == long_id)
    r.long_ids.erase(r.index_of(k));
  k.price = t.price;
  k.qty = t.qty;
  k.event_time = t.event_time;
  k.recv_time = t.recv_time;
  k.aggressor = t.aggressor;
  auto n = t.trade_id.size();
  if (n <= k.id.size()) {
    std::memcpy(k.id.data(), t.trade_id.data(), n);
    k.id_len = static_cast<std::uint8_t>(n);
  } else {
    k.id_len = long_id;
    r.long_ids.emplace(r.index_of(k), t.trade_id);
  }
}

void history_buffer::add(const bar& b) {
  if (max_bars_ == 0)
    return;
  bars_[{b.instrument, b.interval}].slot(max_bars_) = b;
}

market_history history_buffer::snapshot() const {
  market_history out;
  out.trades.reserve(trades());
  for (auto& [instrument, r] : trades_)
    r.each([&, name = &instrument, ring = &r](const kept_trade& k) {
      auto& t = out.trades.emplace_back();
      t.instrument = *name;
      t.price = k.price;
      t.qty = k.qty;
      t.event_time = k.event_time;
      t.recv_time = k.recv_time;
      t.aggressor = k.aggressor;
      if (k.id_len == long_id)
        t.trade_id = ring->long_ids.at(ring->index_of(k));
      else
        t.trade_id.assign(k.id.data(), k.id_len);
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

std::size_t history_buffer::trade_slots() const noexcept {
  std::size_t n = 0;
  for (auto& kvp : trades_)
    n += kvp.second.items.capacity();
  return n;
}

std::size_t history_buffer::long_trade_ids() const noexcept {
  std::size_t n = 0;
  for (auto& kvp : trades_)
    n += kvp.second.long_ids.size();
  return n;
}

} // namespace cdb
