#include "actors/feed/history_buffer.hpp"

#include <tuple>

namespace cdb {

namespace {

/// A trade's fields but its instrument, of a trade_tick or a kept slot.
template <class T>
auto fields_of(T& x) {
  return std::tie(x.price, x.qty, x.aggressor, x.trade_id, x.event_time,
                  x.recv_time);
}

} // namespace

void history_buffer::add(const trade_tick& t) {
  if (max_trades_ == 0)
    return;
  auto& r = cached(trade_rings_, t.instrument, [&]() -> ring<kept_trade>& {
    auto i = trades_.find(t.instrument);
    if (i == trades_.end())
      i = trades_.emplace(t.instrument, ring<kept_trade>{}).first;
    return i->second;
  });
  fields_of(r.slot(max_trades_)) = fields_of(t);
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
    r.each([&, name = &instrument](const kept_trade& k) {
      auto& t = out.trades.emplace_back();
      t.instrument = *name;
      fields_of(t) = fields_of(k);
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

} // namespace cdb
