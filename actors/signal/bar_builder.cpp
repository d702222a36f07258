#include "actors/signal/bar_builder.hpp"

#include <algorithm>

namespace cdb {

std::optional<bar> bar_builder::add(const trade_tick& t) {
  std::optional<bar> closed;
  if (open_ && t.event_time >= current_.end_time) {
    closed = current_;
    open_ = false;
  }
  if (!open_) {
    auto start = t.event_time - (t.event_time % interval_);
    current_.start_time = start;
    current_.end_time = start + interval_;
    current_.open = current_.high = current_.low = current_.close = t.price;
    current_.volume = 0;
    open_ = true;
  }
  current_.high = std::max(current_.high, t.price);
  current_.low = std::min(current_.low, t.price);
  current_.close = t.price;
  current_.volume += t.qty;
  return closed;
}

} // namespace cdb
